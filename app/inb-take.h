/* inb-take.h — one take on disk: take.json, keyframes, clip, thumbnail
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "inb-image.h"
#include "inb-request.h"

G_BEGIN_DECLS

#define INB_TAKE_SCHEMA_VERSION 1

#define INB_TAKE_ERROR (inb_take_error_quark ())

typedef enum
{
  INB_TAKE_ERROR_CORRUPT,         /* take.json unreadable / not JSON / missing fields */
  INB_TAKE_ERROR_NEWER_VERSION,   /* written by a newer Inbetween: never overwritten */
  INB_TAKE_ERROR_IO,
} InbTakeError;

#define INB_TYPE_TAKE (inb_take_get_type ())

G_DECLARE_FINAL_TYPE (InbTake, inb_take, INB, TAKE, GObject)

/**
 * InbTake:
 *
 * A take's folder `<takes>/<id>/` holds `take.json`, `first.png`,
 * `last.png` (the keyframes as sent), `clip.mp4` and `thumbnail.png`.
 * The in-memory object lives on the main thread; every save snapshots
 * the JSON there and writes it durably (temp, fsync, rename, fsync dir)
 * in a worker thread, one write at a time, in order.
 */
GQuark       inb_take_error_quark      (void);

/* Blocking: creates a fresh folder under @takes_dir with a new id. */
InbTake     *inb_take_create           (const char    *takes_dir,
                                        InbRequest    *request,
                                        GError       **error);
/* Blocking: reads take.json from @dir. */
InbTake     *inb_take_load             (const char    *dir,
                                        GError       **error);
/* Blocking: take.json's members, whatever its format version. */
JsonObject  *inb_take_read_manifest    (const char    *dir,
                                        GError       **error);

/* A take being made is locked by the process making it (flock on a file in
 * its folder, released when it ends or the process dies): a take left
 * unfinished and unlocked was abandoned by a process that died. */
gboolean     inb_take_acquire_lock     (InbTake       *self,
                                        GError       **error);
void         inb_take_release_lock     (InbTake       *self);
gboolean     inb_take_is_locked        (const char    *dir);
/* The same lock held for one read-then-write of take.json or a move of
 * its folder (see inb-take.c); how long such a writer waits for another */
#define INB_TAKE_BRIEF_LOCK_WAIT_MS 5000
gboolean     inb_take_lock_briefly     (const char    *dir,
                                        int           *fd,
                                        GError       **error);
void         inb_take_unlock_briefly   (int            fd);

/* The next number in @takes_dir ("Take 12"), counted across processes. */
guint        inb_take_next_number      (const char    *takes_dir);

const char  *inb_take_get_id           (InbTake       *self);
const char  *inb_take_get_dir          (InbTake       *self);
char        *inb_take_dup_clip_path    (InbTake       *self);
char        *inb_take_dup_thumbnail_path (InbTake     *self);
char        *inb_take_dup_keyframe_path (InbTake      *self,
                                        gboolean      last);
guint        inb_take_get_number       (InbTake       *self);
void         inb_take_set_number       (InbTake       *self,
                                        guint          number);

/* The artist's own: a star, a title, a note (saved like every fact). */
gboolean     inb_take_get_starred      (InbTake       *self);
void         inb_take_set_starred      (InbTake       *self,
                                        gboolean       starred);
const char  *inb_take_get_title        (InbTake       *self);
void         inb_take_set_title        (InbTake       *self,
                                        const char    *title);
const char  *inb_take_get_note         (InbTake       *self);
void         inb_take_set_note         (InbTake       *self,
                                        const char    *note);
/* Takes made together (variations) share a group id. */
const char  *inb_take_get_group        (InbTake       *self);
void         inb_take_set_group        (InbTake       *self,
                                        const char    *group);
/* What the backend warned of while making it (a server that dropped part
 * of the work), in words, in order: "warnings" in take.json. */
void         inb_take_add_warning      (InbTake       *self,
                                        const char    *text);
GStrv        inb_take_dup_warnings     (InbTake       *self);
/* Any other member (e.g. "fidelity"); %NULL removes it. */
void         inb_take_set_member       (InbTake       *self,
                                        const char    *member,
                                        JsonNode      *value);
const char  *inb_take_get_backend_id   (InbTake       *self);
const char  *inb_take_get_model_id     (InbTake       *self);
const char  *inb_take_get_prompt       (InbTake       *self);
const char  *inb_take_get_negative_prompt (InbTake    *self);
gint64       inb_take_get_seed         (InbTake       *self);
JsonObject  *inb_take_get_params       (InbTake       *self);
const char  *inb_take_get_state        (InbTake       *self);
const char  *inb_take_get_error_message(InbTake       *self);

/* Main thread: record facts, then save. */
void         inb_take_set_state        (InbTake       *self,
                                        const char    *state);
void         inb_take_set_error        (InbTake       *self,
                                        const GError  *error);
void         inb_take_set_timing       (InbTake       *self,
                                        const char    *name,
                                        double         seconds);
void         inb_take_set_result       (InbTake       *self,
                                        JsonObject    *result);
void         inb_take_set_remote       (InbTake       *self,
                                        JsonObject    *remote);
JsonObject  *inb_take_get_remote       (InbTake       *self);
JsonObject  *inb_take_to_json          (InbTake       *self);

/* Blocking save (worker thread or CLI). */
gboolean     inb_take_save             (InbTake       *self,
                                        GError       **error);
/* Snapshot now, write in a worker thread; writes complete in call order. */
void         inb_take_save_async       (InbTake             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     inb_take_save_finish      (InbTake             *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Blocking helpers for worker threads. */
gboolean     inb_take_write_keyframes  (InbTake       *self,
                                        InbImage      *first,
                                        InbImage      *last,
                                        GError       **error);
gboolean     inb_take_write_thumbnail  (InbTake       *self,
                                        InbImage      *frame,
                                        GError       **error);
gboolean     inb_image_save_png        (InbImage      *image,
                                        const char    *path,
                                        GError       **error);

G_END_DECLS
