/* inb-job.h — one generation, from queued to done, bound to its take
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-backend.h"
#include "inb-take.h"

G_BEGIN_DECLS

typedef enum
{
  INB_JOB_QUEUED,
  INB_JOB_PREPARING,
  INB_JOB_UPLOADING,
  INB_JOB_SUBMITTED,
  INB_JOB_RUNNING,
  INB_JOB_DOWNLOADING,
  INB_JOB_DONE,
  INB_JOB_FAILED,
  INB_JOB_CANCELLED,
  INB_JOB_SUBMIT_UNKNOWN,
  INB_JOB_EXPIRED,
  INB_JOB_INTERRUPTED,   /* the process making it died; set only when settling such a take */
} InbJobState;

#define INB_TYPE_JOB_STATE (inb_job_state_get_type ())
#define INB_TYPE_JOB (inb_job_get_type ())

G_DECLARE_FINAL_TYPE (InbJob, inb_job, INB, JOB, GObject)

GType        inb_job_state_get_type      (void) G_GNUC_CONST;
const char  *inb_job_state_to_string     (InbJobState  state);  /* "queued", "submit-unknown", … */
gboolean     inb_job_state_from_string   (const char  *text,
                                          InbJobState *state);
gboolean     inb_job_state_is_terminal   (InbJobState  state);
char        *inb_job_format_time_left    (double       seconds);   /* "about 13 min" */
gboolean     inb_job_state_can_move      (InbJobState  from,
                                          InbJobState  to);

InbJob      *inb_job_new                 (InbBackend  *backend,
                                          InbRequest  *request,
                                          InbTake     *take);
InbBackend  *inb_job_get_backend         (InbJob      *self);
InbRequest  *inb_job_get_request         (InbJob      *self);
InbTake     *inb_job_get_take            (InbJob      *self);
InbProgress *inb_job_get_progress        (InbJob      *self);
InbJobState  inb_job_get_state           (InbJob      *self);
const GError*inb_job_get_error           (InbJob      *self);
InbResult   *inb_job_get_result          (InbJob      *self);
double       inb_job_get_fraction        (InbJob      *self);
char        *inb_job_dup_stage           (InbJob      *self);
char        *inb_job_dup_status          (InbJob      *self);   /* stage · time left */
/* What the backend warned of while making the take, in words (empty: none) */
GStrv        inb_job_dup_warnings        (InbJob      *self);
double       inb_job_get_elapsed         (InbJob      *self);   /* seconds since start */
double       inb_job_get_eta             (InbJob      *self);   /* seconds, < 0 if unknown */
void         inb_job_cancel              (InbJob      *self);
gboolean     inb_job_can_leave_for_later (InbJob      *self);
void         inb_job_leave_for_later     (InbJob      *self);

/* Used by InbJobQueue. */
void         inb_job_run_async           (InbJob             *self,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean     inb_job_run_finish          (InbJob             *self,
                                          GAsyncResult       *result,
                                          GError            **error);

G_END_DECLS
