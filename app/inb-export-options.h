/* inb-export-options.h — export formats, options, their parser and the frame plan
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define INB_EXPORT_ERROR (inb_export_error_quark ())

typedef enum
{
  INB_EXPORT_ERROR_INVALID,       /* an option or option string that cannot be used */
  INB_EXPORT_ERROR_EXISTS,        /* the target exists and overwriting was not asked for */
  INB_EXPORT_ERROR_SOURCE,        /* the take's clip or keyframes cannot be read */
  INB_EXPORT_ERROR_ENCODER,       /* an encoder is missing or failed */
  INB_EXPORT_ERROR_IO,            /* writing or renaming the result failed */
  INB_EXPORT_ERROR_NO_METADATA,   /* the file holds no Inbetween settings */
} InbExportError;

typedef enum
{
  INB_EXPORT_FORMAT_MP4,          /* H.264 High, yuv420p, BT.709, MP4 */
  INB_EXPORT_FORMAT_WEBM,         /* VP9 profile 0, yuv420p, WebM */
  INB_EXPORT_FORMAT_PRORES,       /* ProRes 422 HQ, 10-bit 4:2:2, QuickTime MOV */
  INB_EXPORT_FORMAT_GIF,          /* animated GIF, libimagequant palette */
  INB_EXPORT_FORMAT_WEBP,         /* animated WebP (lossy) */
  INB_EXPORT_FORMAT_PNG,          /* a folder of PNG frames */
  INB_EXPORT_N_FORMATS
} InbExportFormat;

/* Frame numbers are 0-based; a time is in seconds of the clip. */
typedef struct
{
  gboolean  set;
  gboolean  seconds;   /* value is a time, not a frame number */
  double    value;
} InbExportMark;

/**
 * InbExportOptions:
 * @width: output width in pixels, the height follows the clip's aspect
 *   (0 = the clip's size). Video formats round both to even numbers.
 * @fps: output frame rate (0 = the clip's). Lower drops frames evenly;
 *   higher makes the in-betweens with the local engine.
 * @trim_in, @trim_out: a half-open range of the clip, like a Python
 *   slice: frames trim_in … trim_out − 1 (unset: the clip's ends).
 * @loop: how many times the result plays. MP4, WebM, ProRes and PNG
 *   repeat the frames (1 = once, the default); GIF and WebP write the
 *   count into the file and hold each frame once (0 = forever, their
 *   default).
 * @pingpong: forward, then backward without repeating the turning frames,
 *   so a looping result has no seam.
 * @colour_match: ease the clip's colours toward the keyframes' at both
 *   ends (see inb-fidelity.h).
 * @force: replace an existing target.
 */
typedef struct
{
  InbExportFormat format;
  guint           width;
  guint           fps;
  InbExportMark   trim_in;
  InbExportMark   trim_out;
  int             loop;        /* -1 = the format's default */
  gboolean        pingpong;
  gboolean        colour_match;
  gboolean        force;
} InbExportOptions;

/* One output frame: source frame @src, or when @t > 0 the in-between of
 * @src and @src + 1 at @t (0 < t < 1). */
typedef struct
{
  guint   src;
  double  t;
} InbExportStep;

/* What inb_export_plan() decided. @steps is one forward pass (trim and
 * frame rate applied); @order lists, for every frame written, its index
 * in @steps (ping-pong and repeated loops revisit steps). */
typedef struct
{
  GArray  *steps;       /* of InbExportStep */
  GArray  *order;       /* of guint */
  guint    fps_n;
  guint    fps_d;
  guint    loop;        /* what a looping format records (0 = forever) */
  guint    width;
  guint    height;
} InbExportPlan;

#define INB_EXPORT_MAX_WIDTH  8192
#define INB_EXPORT_MAX_FPS    120
#define INB_EXPORT_MAX_LOOP   1000
/* A plan never writes more frames than this. */
#define INB_EXPORT_MAX_FRAMES 100000

GQuark           inb_export_error_quark        (void);

void             inb_export_options_init       (InbExportOptions       *options);

const char      *inb_export_format_to_string   (InbExportFormat         format);
const char      *inb_export_format_get_title   (InbExportFormat         format);
const char      *inb_export_format_get_extension (InbExportFormat       format);
gboolean         inb_export_format_is_video    (InbExportFormat         format);
gboolean         inb_export_format_loops       (InbExportFormat         format);

/* Parsers for the command line's strings; the error names the option. */
gboolean         inb_export_parse_format       (const char             *text,
                                                InbExportFormat        *format,
                                                GError                **error);
gboolean         inb_export_parse_trim         (const char             *text,
                                                InbExportOptions       *options,
                                                GError                **error);
gboolean         inb_export_parse_width        (const char             *text,
                                                guint                  *width,
                                                GError                **error);
gboolean         inb_export_parse_fps          (const char             *text,
                                                guint                  *fps,
                                                GError                **error);
gboolean         inb_export_parse_loop         (const char             *text,
                                                int                    *loop,
                                                GError                **error);
/* Checks the combination (e.g. --loop 0 only for GIF and WebP). */
gboolean         inb_export_options_validate   (const InbExportOptions *options,
                                                GError                **error);

JsonObject      *inb_export_options_to_json    (const InbExportOptions *options);

/* The plan for a clip of @n_frames at @fps_n/@fps_d, @width × @height. */
InbExportPlan   *inb_export_plan_new           (const InbExportOptions *options,
                                                guint                   n_frames,
                                                guint                   fps_n,
                                                guint                   fps_d,
                                                guint                   width,
                                                guint                   height,
                                                GError                **error);
void             inb_export_plan_free          (InbExportPlan          *plan);
/* TRUE if some step is written more than once (its frame must be kept). */
gboolean         inb_export_plan_revisits      (const InbExportPlan    *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbExportPlan, inb_export_plan_free)

G_END_DECLS
