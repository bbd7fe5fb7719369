/* inb-fidelity.h — how closely a clip's ends match the keyframes, and colour-match
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "inb-image.h"
#include "inb-take.h"

G_BEGIN_DECLS

/**
 * INB_FIDELITY_DRIFT_THRESHOLD:
 *
 * A take "drifts" when the mean colour of its first or last frame is
 * more than this CIEDE2000 ΔE away from the mean colour of its keyframe.
 * ΔE00 ≈ 1 is the smallest difference people see side by side; 2–3 is
 * seen at a cut; above 3 the clip visibly changes cast when it is cut
 * against the keyframe (or the next shot that starts on it), which is
 * the complaint artists make of first–last-frame models.
 */
#define INB_FIDELITY_DRIFT_THRESHOLD 3.0

/* The JSON's format; from_json refuses a newer one. */
#define INB_FIDELITY_VERSION 1

typedef struct
{
  double psnr;           /* dB over R, G, B (8-bit); 99 when identical */
  double mean_delta_e;   /* CIEDE2000 ΔE per pixel, averaged */
  double colour_shift;   /* CIEDE2000 ΔE between the frames' mean CIELAB colours */
} InbFidelityEnd;

typedef struct
{
  InbFidelityEnd first;
  InbFidelityEnd last;
  guint          n_frames;   /* of the clip measured */
  gboolean       drift;      /* colour_shift > INB_FIDELITY_DRIFT_THRESHOLD at either end */
} InbFidelity;

/* Colour science, for tests and the badge's tooltip. */
void         inb_srgb_to_lab            (const guint8    rgb[3],
                                         double          lab[3]);
double       inb_ciede2000              (const double    lab1[3],
                                         const double    lab2[3]);

/* Compares one frame with its keyframe (resized, and centre-cropped to
 * the frame's shape, when their sizes differ). */
void         inb_fidelity_compare       (InbImage        *frame,
                                         InbImage        *keyframe,
                                         InbFidelityEnd  *result);

/* Blocking (worker thread): decodes @clip's first and last frames as a
 * player does (the stream's BT.709 tags honoured, 16-bit conversion) and
 * compares them with the keyframe PNGs. */
gboolean     inb_fidelity_measure       (const char      *clip,
                                         const char      *first_png,
                                         const char      *last_png,
                                         InbFidelity     *result,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* The same, knowing the frame count (0: counted), and the middle frame
 * decoded in the same pass. */
gboolean     inb_fidelity_measure_clip  (const char      *clip,
                                         guint            n_frames,
                                         const char      *first_png,
                                         const char      *last_png,
                                         InbFidelity     *result,
                                         InbImage       **middle,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* The same from the clip's first and last frames, decoded already as
 * above, and the keyframes as sent (nothing read or decoded here). */
void         inb_fidelity_measure_frames (InbImage       *clip_first,
                                          InbImage       *clip_last,
                                          guint           n_frames,
                                          InbImage       *key_first,
                                          InbImage       *key_last,
                                          InbFidelity    *result);
/* The same for a take (its clip.mp4, first.png, last.png), in a thread;
 * the callback runs on the caller's main context. */
void         inb_fidelity_measure_take_async  (InbTake             *take,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     inb_fidelity_measure_take_finish (GAsyncResult        *result,
                                               InbFidelity         *fidelity,
                                               GError             **error);

/* For take.json's "fidelity" member. */
JsonObject  *inb_fidelity_to_json       (const InbFidelity *fidelity);
gboolean     inb_fidelity_from_json     (JsonObject        *object,
                                         InbFidelity       *fidelity,
                                         GError           **error);

/**
 * InbColourMatch:
 *
 * A per-channel tone curve for each end of the clip, fitted so the clip's
 * first frame takes the first keyframe's colours and its last frame the
 * last keyframe's; frames between get the two curves blended by their
 * time in the clip.
 */
typedef struct _InbColourMatch InbColourMatch;

/* The frames and keyframes of each end must have the same size. */
InbColourMatch *inb_colour_match_new    (InbImage        *clip_first,
                                         InbImage        *key_first,
                                         InbImage        *clip_last,
                                         InbImage        *key_last);
/* @t: time in the clip, 0 (first frame) to 1 (last). */
InbImage     *inb_colour_match_apply    (InbColourMatch  *match,
                                         double           t,
                                         InbImage        *frame);
void          inb_colour_match_free     (InbColourMatch  *match);

/* Blocking helpers shared with the exporter. */
InbImage     *inb_fidelity_load_keyframe (const char     *path,
                                          GError        **error);
InbImage     *inb_fidelity_fit_keyframe  (InbImage       *keyframe,
                                          guint           width,
                                          guint           height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbColourMatch, inb_colour_match_free)

G_END_DECLS
