/* inb-cloud-job.h — the submit → poll → download life of one hosted job
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-http.h"
#include "inb-json.h"

G_BEGIN_DECLS

typedef struct _InbCloudJob InbCloudJob;

/**
 * InbCloudState:
 * @INB_CLOUD_STATE_QUEUED: accepted, waiting (the only state a service
 *   may still cancel)
 * @INB_CLOUD_STATE_RUNNING: being generated
 * @INB_CLOUD_STATE_SUCCEEDED: done; the video URL is set
 */
typedef enum
{
  INB_CLOUD_STATE_QUEUED,
  INB_CLOUD_STATE_RUNNING,
  INB_CLOUD_STATE_SUCCEEDED,
} InbCloudState;

/**
 * InbCloudJobClass:
 * @submit: worker thread; sends the job once, calls
 *   inb_cloud_job_set_task_id(). Never retries.
 * @poll: worker thread; one status request. Sets @state, and the video
 *   URL when it is %INB_CLOUD_STATE_SUCCEEDED; a failed, cancelled or
 *   unknown task is an error.
 * @cancel: (nullable): worker thread; cancels a queued task at the service.
 *
 * What a provider supplies for its jobs (the source object of
 * inb_cloud_job_start() is its backend, whose InbBackendInfo names it);
 * everything else (threads, main-loop polling,
 * cancellation, download, verification) is common.
 */
typedef struct
{
  gboolean  (*submit) (InbCloudJob    *job,
                       GCancellable   *cancellable,
                       GError        **error);
  gboolean  (*poll)   (InbCloudJob    *job,
                       InbCloudState  *state,
                       GCancellable   *cancellable,
                       GError        **error);
  gboolean  (*cancel) (InbCloudJob    *job,
                       GError        **error);
} InbCloudJobClass;

typedef struct
{
  guint    poll_first_ms;   /* first poll after this long … */
  guint    poll_max_ms;     /* … then 1.5× longer each time up to this */
  guint    max_wait_s;      /* give up on a task after this long */
  goffset  max_video_bytes;
} InbCloudJobOptions;

void           inb_cloud_job_start          (const InbCloudJobClass   *klass,
                                             const InbCloudJobOptions *options,
                                             gpointer                  source_object,
                                             gpointer                  source_tag,
                                             InbRequest               *request,
                                             InbProgress              *progress,
                                             InbHttpClient            *client,
                                             const char               *base_url,
                                             const char               *resume_task_id,
                                             gpointer                  data,
                                             GDestroyNotify            data_destroy,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
InbResult     *inb_cloud_job_finish         (GAsyncResult             *result,
                                             GError                  **error);
/* Whether a job is following @task_id from @work_dir now (any process). */
gboolean       inb_cloud_job_is_task_busy   (const char               *work_dir,
                                             const char               *service_id,
                                             const char               *task_id);

/* The lock a job holds while it follows @task_id from @work_dir (what
 * inb_cloud_job_is_task_busy() looks at), for backends that follow their
 * tasks themselves. %NULL with %G_IO_ERROR_BUSY when another holds it;
 * %NULL without an error when no lock file can be made (best effort). */
typedef struct _InbTaskLock InbTaskLock;

InbTaskLock   *inb_task_lock_acquire        (const char               *work_dir,
                                             const char               *service_id,
                                             const char               *task_id,
                                             GError                  **error);
void           inb_task_lock_release        (InbTaskLock              *lock);

/* For the class functions (one runs at a time, in a worker thread). */
InbRequest    *inb_cloud_job_get_request    (InbCloudJob              *job);
InbHttpClient *inb_cloud_job_get_client     (InbCloudJob              *job);
const char    *inb_cloud_job_get_base_url   (InbCloudJob              *job);
gpointer       inb_cloud_job_get_data       (InbCloudJob              *job);
const char    *inb_cloud_job_get_task_id    (InbCloudJob              *job);
void           inb_cloud_job_set_task_id    (InbCloudJob              *job,
                                             const char               *task_id);
void           inb_cloud_job_set_video_url  (InbCloudJob              *job,
                                             const char               *url);
void           inb_cloud_job_set_queue_position (InbCloudJob          *job,
                                             gint64                    position);
JsonObject    *inb_cloud_job_get_metadata   (InbCloudJob              *job);
void           inb_cloud_job_report         (InbCloudJob              *job,
                                             double                    fraction,
                                             const char               *stage);
char          *inb_cloud_job_url            (InbCloudJob              *job,
                                             const char               *format,
                                             ...) G_GNUC_PRINTF (2, 3);

/* The HTTP of a job's class functions. */
JsonNode      *inb_cloud_job_post_json      (InbCloudJob              *job,
                                             const char               *url,
                                             JsonNode                 *body,
                                             guint                    *http_status,
                                             GCancellable             *cancellable,
                                             GError                  **error);
JsonNode      *inb_cloud_job_query_task     (InbCloudJob              *job,
                                             const char               *path_before_id,
                                             const char               *path_after_id,
                                             guint                    *http_status,
                                             GCancellable             *cancellable,
                                             GError                  **error);

/* Keyframes for upload: JPEG (no alpha), at most @max_bytes. */
char          *inb_cloud_encode_data_uri    (InbImage                 *image,
                                             gsize                     max_bytes,
                                             GError                  **error);
GBytes        *inb_cloud_encode_jpeg        (InbImage                 *image,
                                             gsize                     max_bytes,
                                             GError                  **error);

/* A verified clip into place; a failure is a G_FILE_ERROR. */
gboolean       inb_cloud_move_clip          (const char               *download,
                                             const char               *output_path,
                                             GError                  **error);



G_END_DECLS
