/* inb-cloud-job-private.h — a job outside its life, for tests and fuzz targets
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-cloud-job.h"

G_BEGIN_DECLS

InbCloudJob *_inb_cloud_job_new_detached      (InbRequest  *request,
                                               const char  *task_id);
void         _inb_cloud_job_free_detached     (InbCloudJob *job);
const char  *_inb_cloud_job_get_video_url     (InbCloudJob *job);
gint64       _inb_cloud_job_get_queue_position (InbCloudJob *job);

G_END_DECLS
