/* inb-take-entry.h — one take as the library lists it
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "inb-job.h"

G_BEGIN_DECLS

/**
 * InbTakeCondition:
 * @INB_TAKE_CONDITION_OK: take.json reads
 * @INB_TAKE_CONDITION_DAMAGED: take.json did not parse: it was moved aside
 *   (take.json.corrupt-<time>) and the folder's files are kept
 * @INB_TAKE_CONDITION_NEWER: written by a newer Inbetween: listed, never
 *   rewritten
 */
typedef enum
{
  INB_TAKE_CONDITION_OK,
  INB_TAKE_CONDITION_DAMAGED,
  INB_TAKE_CONDITION_NEWER,
} InbTakeCondition;

#define INB_TYPE_TAKE_ENTRY (inb_take_entry_get_type ())

G_DECLARE_FINAL_TYPE (InbTakeEntry, inb_take_entry, INB, TAKE_ENTRY, GObject)

/* What a row, a filter and the details show, read once from take.json and
 * kept small (thousands are listed at once); the take itself is loaded
 * when one is opened. Every property notifies. */
const char       *inb_take_entry_get_id            (InbTakeEntry *self);
const char       *inb_take_entry_get_dir           (InbTakeEntry *self);
guint             inb_take_entry_get_number        (InbTakeEntry *self);
const char       *inb_take_entry_get_title         (InbTakeEntry *self);
char             *inb_take_entry_dup_display_title (InbTakeEntry *self);
gint64            inb_take_entry_get_created       (InbTakeEntry *self);   /* Unix µs */
InbJobState       inb_take_entry_get_state         (InbTakeEntry *self);
InbTakeCondition  inb_take_entry_get_condition     (InbTakeEntry *self);
const char       *inb_take_entry_get_backend_id    (InbTakeEntry *self);
const char       *inb_take_entry_get_model_id      (InbTakeEntry *self);
const char       *inb_take_entry_get_prompt        (InbTakeEntry *self);
gint64            inb_take_entry_get_seed          (InbTakeEntry *self);
double            inb_take_entry_get_duration      (InbTakeEntry *self);   /* s, inb_clip_length(); 0 unknown */
guint             inb_take_entry_get_n_frames      (InbTakeEntry *self);
double            inb_take_entry_get_fps           (InbTakeEntry *self);
guint             inb_take_entry_get_width         (InbTakeEntry *self);
guint             inb_take_entry_get_height        (InbTakeEntry *self);
gboolean          inb_take_entry_get_starred       (InbTakeEntry *self);
const char       *inb_take_entry_get_note          (InbTakeEntry *self);
const char       *inb_take_entry_get_group         (InbTakeEntry *self);
const char       *inb_take_entry_get_error_message (InbTakeEntry *self);
/* What the backend warned of while making it, in words (empty: none) */
const char * const *inb_take_entry_get_warnings    (InbTakeEntry *self);
gboolean          inb_take_entry_get_has_clip      (InbTakeEntry *self);
/* Keyframe fidelity: the larger colour shift of the two ends (CIEDE2000
 * ΔE), or < 0 when not measured; and whether it drifts. */
double            inb_take_entry_get_colour_shift  (InbTakeEntry *self);
gboolean          inb_take_entry_get_drift         (InbTakeEntry *self);
/* While its job runs in this process */
InbJob           *inb_take_entry_get_job           (InbTakeEntry *self);
double            inb_take_entry_get_fraction      (InbTakeEntry *self);
char             *inb_take_entry_dup_stage         (InbTakeEntry *self);

char             *inb_take_entry_dup_clip_path     (InbTakeEntry *self);
char             *inb_take_entry_dup_thumbnail_path (InbTakeEntry *self);
char             *inb_take_entry_dup_keyframe_path (InbTakeEntry *self,
                                                    gboolean      last);
gboolean          inb_take_entry_is_active         (InbTakeEntry *self);
/* Whether @text (casefolded) is in its prompt, note or title */
gboolean          inb_take_entry_matches_text      (InbTakeEntry *self,
                                                    const char   *text);

/* For InbLibrary */
InbTakeEntry     *_inb_take_entry_new_from_json    (const char   *dir,
                                                    JsonObject   *manifest,
                                                    InbTakeCondition condition);
InbTakeEntry     *_inb_take_entry_new_damaged      (const char   *dir,
                                                    gint64        created);
void              _inb_take_entry_update           (InbTakeEntry *self,
                                                    JsonObject   *manifest);
void              _inb_take_entry_set_has_clip     (InbTakeEntry *self,
                                                    gboolean      has_clip);
void              _inb_take_entry_set_job          (InbTakeEntry *self,
                                                    InbJob       *job);

G_END_DECLS
