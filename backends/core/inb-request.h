/* inb-request.h — what a backend is asked to make, and what it made
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "inb-image.h"

G_BEGIN_DECLS

#define INB_TYPE_REQUEST (inb_request_get_type ())
#define INB_TYPE_RESULT  (inb_result_get_type ())

G_DECLARE_FINAL_TYPE (InbRequest, inb_request, INB, REQUEST, GObject)
G_DECLARE_FINAL_TYPE (InbResult, inb_result, INB, RESULT, GObject)

/**
 * InbRequest:
 *
 * Everything one take asks of a backend. Built on the main thread, then
 * treated as immutable once handed to inb_backend_generate_async(), so a
 * worker thread may read it freely. @params is the completed parameter
 * object (schema defaults filled in, validated).
 */
InbRequest  *inb_request_new                 (const char  *backend_id,
                                              const char  *model_id);
const char  *inb_request_get_backend_id      (InbRequest  *self);
const char  *inb_request_get_model_id        (InbRequest  *self);
const char  *inb_request_get_prompt          (InbRequest  *self);
void         inb_request_set_prompt          (InbRequest  *self,
                                              const char  *prompt);
const char  *inb_request_get_negative_prompt (InbRequest  *self);
void         inb_request_set_negative_prompt (InbRequest  *self,
                                              const char  *negative_prompt);
JsonObject  *inb_request_get_params          (InbRequest  *self);
void         inb_request_set_params          (InbRequest  *self,
                                              JsonObject  *params);
gint64       inb_request_get_seed            (InbRequest  *self);
void         inb_request_set_seed            (InbRequest  *self,
                                              gint64       seed);
InbImage    *inb_request_get_first           (InbRequest  *self);
InbImage    *inb_request_get_last            (InbRequest  *self);
void         inb_request_set_keyframes       (InbRequest  *self,
                                              InbImage    *first,
                                              InbImage    *last);
const char  *inb_request_get_work_dir        (InbRequest  *self);
void         inb_request_set_work_dir        (InbRequest  *self,
                                              const char  *work_dir);
const char  *inb_request_get_output_path     (InbRequest  *self);
void         inb_request_set_leave_remote    (InbRequest  *self,
                                              gboolean     leave);
gboolean     inb_request_get_leave_remote    (InbRequest  *self);
void         inb_request_set_output_path     (InbRequest  *self,
                                              const char  *output_path);

/**
 * InbResult:
 *
 * A finished clip: where it is, what it is, and whatever the backend
 * learnt that belongs in the take (remote ids, actual prompt, …).
 */
InbResult   *inb_result_new                  (const char  *clip_path);
const char  *inb_result_get_clip_path        (InbResult   *self);
guint        inb_result_get_width            (InbResult   *self);
guint        inb_result_get_height           (InbResult   *self);
guint        inb_result_get_n_frames         (InbResult   *self);
double       inb_result_get_fps              (InbResult   *self);
void         inb_result_set_video_info       (InbResult   *self,
                                              guint        width,
                                              guint        height,
                                              guint        n_frames,
                                              double       fps);
JsonObject  *inb_result_get_metadata         (InbResult   *self);
/* Frames the backend decoded anyway (checking the clip), handed on. */
void         inb_result_set_frame            (InbResult   *self,
                                              guint        index,
                                              InbImage    *frame);
InbImage    *inb_result_get_frame            (InbResult   *self,
                                              guint        index);
void         inb_result_clear_frames         (InbResult   *self);

G_END_DECLS
