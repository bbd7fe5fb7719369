/* inb-job-queue.h — runs jobs with a per-backend concurrency limit
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-job.h"

G_BEGIN_DECLS

#define INB_TYPE_JOB_QUEUE (inb_job_queue_get_type ())

G_DECLARE_FINAL_TYPE (InbJobQueue, inb_job_queue, INB, JOB_QUEUE, GObject)

/**
 * InbJobQueue:
 *
 * A #GListModel of #InbJob, in the order they were added. A job starts
 * as soon as fewer than inb_backend_get_max_concurrent() jobs of its
 * backend and model are running; emits ::job-finished when one ends.
 */
InbJobQueue *inb_job_queue_new          (void);
void         inb_job_queue_add          (InbJobQueue *self,
                                         InbJob      *job);
void         inb_job_queue_remove       (InbJobQueue *self,
                                         InbJob      *job);
guint        inb_job_queue_get_n_running(InbJobQueue *self);
void         inb_job_queue_cancel_all   (InbJobQueue *self);

G_END_DECLS
