/* inb-cloud-job.c — the submit → poll → download life of one hosted job
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job is
 *
 *   submit (the class's, in a worker thread, never retried)
 *     → poll (the class's) from main-loop timeouts, one short request in
 *       a worker thread each time, backing off from poll_first_ms to
 *       poll_max_ms: a waiting job costs no thread and no CPU
 *     → SUCCEEDED: download the video at once (results expire) into the
 *       request's work folder, verify it plays, move it to the output path.
 *
 * Cancelling while the task is QUEUED also cancels it at the service when
 * the class can; a running task runs to its end there. Only one step runs
 * at a time, so the class functions may use the job freely.
 */

#define G_LOG_DOMAIN "inb-cloud-job"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-cloud-job.h"
#include "inb-cloud-job-private.h"
#include "inb-video-reader.h"

/* Where each stage sits on the progress bar. */
#define PROGRESS_SUBMIT     0.05
#define PROGRESS_QUEUED     0.08
#define PROGRESS_RUNNING    0.10
#define PROGRESS_DOWNLOAD   0.82
#define PROGRESS_VERIFY     0.96

struct _InbCloudJob
{
  const InbCloudJobClass *klass;
  InbCloudJobOptions      options;

  InbRequest             *request;
  InbProgress            *progress;
  GCancellable           *cancellable;
  InbHttpClient          *client;
  char                   *base_url;
  char                   *work_dir;
  char                   *output_path;
  gpointer                data;
  GDestroyNotify          data_destroy;

  guint                   poll_interval_ms;
  GSource                *poll_source;
  GSource                *cancel_source;
  gboolean                busy;
  gboolean                done;

  char                   *task_id;
  char                   *video_url;
  char                   *intent_time;     /* ISO 8601: when the submit began */
  const char             *service;         /* the backend's short name, for messages */
  const char             *service_id;      /* its id, in records and lock names */
  char                   *adopted;         /* how a lost submit's task was found */
  InbCloudState           state;
  gint64                  queue_position;   /* -1: not known */
  JsonObject             *metadata;
  gint64                  submitted_at;
  guint                   n_polls;
  InbResult              *result;

  int                     lock_fd;        /* held while this job follows its task */
  char                   *lock_path;
};

/* JSON helpers ----------------------------------------------------------- */


/**
 * inb_cloud_encode_data_uri:
 *
 * An RGB keyframe as "data:image/jpeg;base64,…" (JPEG has no alpha), the
 * JPEG at most @max_bytes.
 *
 * Returns: (transfer full): the URI, or %NULL with @error set
 */
char *
inb_cloud_encode_data_uri (InbImage  *image,
                           gsize      max_bytes,
                           GError   **error)
{
  g_autoptr(GBytes) jpeg = inb_cloud_encode_jpeg (image, max_bytes, error);
  g_autofree char *base64 = NULL;

  if (jpeg == NULL)
    return NULL;

  base64 = g_base64_encode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  return g_strconcat ("data:image/jpeg;base64,", base64, NULL);
}

/**
 * inb_cloud_encode_jpeg:
 *
 * Encodes an RGB keyframe as JPEG (quality 92, lowered until it fits).
 *
 * Returns: (transfer full): the JPEG bytes, or %NULL with @error set
 */
GBytes *
inb_cloud_encode_jpeg (InbImage  *image,
                       gsize      max_bytes,
                       GError   **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  int quality = 92;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) inb_image_get_width (image),
                                      (int) inb_image_get_height (image),
                                      (int) inb_image_get_stride (image));

  for (;;)
    {
      g_autofree char *q = g_strdup_printf ("%d", quality);
      char *buffer = NULL;
      gsize size = 0;

      if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error, "quality", q, NULL))
        return NULL;

      if (size <= max_bytes)
        return g_bytes_new_take (buffer, size);

      g_free (buffer);
      if (quality <= 50)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("A keyframe is too large to send even when compressed"));
          return NULL;
        }
      quality -= 15;
    }
}

/* Detached jobs ---------------------------------------------------------- */

static void job_free (InbCloudJob *job);

/**
 * _inb_cloud_job_new_detached:
 * @task_id: (nullable): the task the answers are about
 *
 * A job that is never started, for feeding a provider's answer readers
 * directly (unit tests, fuzz targets): no task, no network, no files.
 *
 * Returns: (transfer full): free with _inb_cloud_job_free_detached()
 */
InbCloudJob *
_inb_cloud_job_new_detached (InbRequest *request,
                             const char *task_id)
{
  InbCloudJob *job = g_new0 (InbCloudJob, 1);

  job->request = request != NULL ? g_object_ref (request) : NULL;
  job->client = inb_http_client_new ();
  job->base_url = g_strdup ("https://example.invalid");
  job->task_id = g_strdup (task_id);
  job->metadata = json_object_new ();
  job->state = INB_CLOUD_STATE_QUEUED;
  job->queue_position = -1;
  job->lock_fd = -1;
  job->service = "detached";
  job->service_id = "detached";

  return job;
}

void
_inb_cloud_job_free_detached (InbCloudJob *job)
{
  if (job != NULL)
    job_free (job);
}

const char *
_inb_cloud_job_get_video_url (InbCloudJob *job)
{
  return job->video_url;
}

gint64
_inb_cloud_job_get_queue_position (InbCloudJob *job)
{
  return job->queue_position;
}

/* Accessors ------------------------------------------------------------- */

InbRequest *
inb_cloud_job_get_request (InbCloudJob *job)
{
  return job->request;
}

InbHttpClient *
inb_cloud_job_get_client (InbCloudJob *job)
{
  return job->client;
}

const char *
inb_cloud_job_get_base_url (InbCloudJob *job)
{
  return job->base_url;
}

gpointer
inb_cloud_job_get_data (InbCloudJob *job)
{
  return job->data;
}

const char *
inb_cloud_job_get_task_id (InbCloudJob *job)
{
  return job->task_id;
}

void
inb_cloud_job_set_task_id (InbCloudJob *job,
                           const char  *task_id)
{
  g_free (job->task_id);
  job->task_id = g_strdup (task_id);
}

void
inb_cloud_job_set_video_url (InbCloudJob *job,
                             const char  *url)
{
  g_free (job->video_url);
  job->video_url = g_strdup (url);
}

/**
 * inb_cloud_job_set_queue_position:
 * @position: how many jobs are ahead, or -1 when the service does not say
 *
 * Shown in the progress stage while the task is queued.
 */
void
inb_cloud_job_set_queue_position (InbCloudJob *job,
                                  gint64       position)
{
  job->queue_position = position;
}

/**
 * inb_cloud_job_get_metadata:
 *
 * Returns: (transfer none): what the take should keep (actual prompt,
 *   usage, …); copied into the result's metadata
 */
JsonObject *
inb_cloud_job_get_metadata (InbCloudJob *job)
{
  return job->metadata;
}

void
inb_cloud_job_report (InbCloudJob *job,
                      double       fraction,
                      const char  *stage)
{
  if (job->progress != NULL)
    inb_progress_update (job->progress, CLAMP (fraction, 0.0, 1.0), stage);
}

/**
 * inb_cloud_job_url:
 *
 * Returns: (transfer full): the base URL followed by the formatted path
 *   (escape ids yourself, e.g. with g_uri_escape_string())
 */
char *
inb_cloud_job_url (InbCloudJob *job,
                   const char  *format,
                   ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);

  return g_strconcat (job->base_url, path, NULL);
}

/**
 * inb_cloud_job_post_json:
 * @url: where to (see inb_cloud_job_url())
 * @body: the JSON to send
 * @http_status: (out): the answer's status, 0 if none came
 *
 * POSTs @body with the job's client.
 *
 * Returns: (transfer full) (nullable): the answer, parsed, or %NULL with
 *   @error set (see inb_http_client_send_json())
 */
JsonNode *
inb_cloud_job_post_json (InbCloudJob   *job,
                         const char    *url,
                         JsonNode      *body,
                         guint         *http_status,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(InbHttpRequest) http = inb_http_request_new ("POST", url);

  inb_http_request_set_json_body (http, body);
  return inb_http_client_send_json (job->client, http, http_status, cancellable, error);
}

/**
 * inb_cloud_job_query_task:
 * @path_before_id: the status query's path up to the task id
 * @path_after_id: and after it
 * @http_status: (out): the answer's status, 0 if none came
 *
 * GETs the status of the job's task: the base URL, @path_before_id, the
 * task id (escaped), @path_after_id.
 *
 * Returns: (transfer full) (nullable): the answer, parsed, or %NULL with
 *   @error set (see inb_http_client_send_json())
 */
JsonNode *
inb_cloud_job_query_task (InbCloudJob   *job,
                          const char    *path_before_id,
                          const char    *path_after_id,
                          guint         *http_status,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *escaped = g_uri_escape_string (job->task_id, NULL, FALSE);
  g_autofree char *url = inb_cloud_job_url (job, "%s%s%s", path_before_id, escaped, path_after_id);
  g_autoptr(InbHttpRequest) http = inb_http_request_new ("GET", url);

  return inb_http_client_send_json (job->client, http, http_status, cancellable, error);
}

/* The job's own record --------------------------------------------------- */

/* "remote.json" in the work folder (the take's), written durably: the
 * intent before the submit goes out, the task id before the first poll,
 * the outcome at the end. After a crash it tells which remote task to
 * resume (inb_backend_resume_async() with {"task_id": …}), or that a
 * submit may have gone out unanswered. It never holds a key (see
 * InbRemoteRecord). A resumed job keeps what an earlier record says of the
 * submit: when it began, and how its task was found if its answer was lost. */
static gboolean
job_record_full (InbCloudJob     *job,
                 InbRemoteState   state,
                 const char   *detail,
                 GError      **error)
{
  g_autoptr(InbRemoteRecord) record = inb_remote_record_new ();
  g_autoptr(GError) local_error = NULL;

  if (job->intent_time == NULL || job->adopted == NULL)
    {
      g_autoptr(InbRemoteRecord) earlier = inb_remote_record_load (job->work_dir, NULL);

      if (earlier != NULL && job->intent_time == NULL)
        job->intent_time = g_strdup (earlier->submitted);
      if (earlier != NULL && job->adopted == NULL)
        job->adopted = g_strdup (earlier->adopted);
    }

  record->state = state;
  record->service = g_strdup (job->service_id);
  record->model = g_strdup (inb_request_get_model_id (job->request));
  record->task_id = g_strdup (job->task_id);
  record->adopted = g_strdup (job->adopted);
  /* When the submit began: where a lost submit is looked for, and what
   * the provider's result lifetime counts from */
  record->submitted = g_strdup (job->intent_time);
  /* The result's address, kept until the clip is in place */
  if (record->state != INB_REMOTE_STATE_DONE)
    record->video_url = g_strdup (job->video_url);
  record->error = g_strdup (detail);

  if (!inb_remote_record_save (record, job->work_dir, &local_error))
    {
      /* A full disk stays a file error (the command line's exit status 1) */
      g_set_error (error,
                   local_error->domain == G_FILE_ERROR ? G_FILE_ERROR : INB_BACKEND_ERROR,
                   local_error->domain == G_FILE_ERROR ? local_error->code : INB_BACKEND_ERROR_FAILED,
                   _("Could not record the job: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
job_record (InbCloudJob     *job,
            InbRemoteState   state,
            GError      **error)
{
  return job_record_full (job, state, NULL, error);
}

/* One follower per task ------------------------------------------------ */

/* "<work>/.inb-task-<service>-<id>.lock": held (flock) by the job that
 * polls and downloads the task, so a second one (another window, or
 * `inbetween resume` while the app runs) never fetches the same clip at
 * the same time. Non-blocking: a busy lock is reported, never waited on. */
static char *
task_lock_path (const char *work_dir,
                const char *service_id,
                const char *task_id)
{
  g_autofree char *name = g_strdup_printf (".inb-task-%s-%s.lock", service_id, task_id);

  g_strdelimit (name, "/\\:", '_');
  return g_build_filename (work_dir, name, NULL);
}

static int
task_lock_take (const char  *path,
                GError     **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;   /* best effort: a folder we cannot write fails later, clearly */

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved == EWOULDBLOCK)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("Another Inbetween is already following this task"));
          return -2;
        }
      return -1;
    }

  return fd;
}

/**
 * inb_cloud_job_is_task_busy:
 * @work_dir: the take's folder
 * @service_id: the class's id ("dashscope")
 *
 * Returns: whether a job (in this process or another) is following
 *   @task_id from @work_dir right now
 */
gboolean
inb_cloud_job_is_task_busy (const char *work_dir,
                            const char *service_id,
                            const char *task_id)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  g_return_val_if_fail (work_dir != NULL && service_id != NULL && task_id != NULL, FALSE);

  path = task_lock_path (work_dir, service_id, task_id);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;

  fd = task_lock_take (path, &error);
  if (fd >= 0)
    close (fd);

  return fd == -2;
}

struct _InbTaskLock
{
  int   fd;
  char *path;
};

/**
 * inb_task_lock_acquire:
 *
 * Returns: (transfer full) (nullable): the lock, held until
 *   inb_task_lock_release()
 */
InbTaskLock *
inb_task_lock_acquire (const char  *work_dir,
                       const char  *service_id,
                       const char  *task_id,
                       GError     **error)
{
  g_autofree char *path = NULL;
  InbTaskLock *lock;
  int fd;

  g_return_val_if_fail (work_dir != NULL && service_id != NULL && task_id != NULL, NULL);

  g_mkdir_with_parents (work_dir, 0700);
  path = task_lock_path (work_dir, service_id, task_id);
  fd = task_lock_take (path, error);
  if (fd < 0)
    return NULL;

  lock = g_new0 (InbTaskLock, 1);
  lock->fd = fd;
  lock->path = g_steal_pointer (&path);
  return lock;
}

void
inb_task_lock_release (InbTaskLock *lock)
{
  if (lock == NULL)
    return;

  /* As job_unlock_task(): unlinked while held */
  g_unlink (lock->path);
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

static gboolean
job_lock_task (InbCloudJob  *job,
               GError      **error)
{
  g_autofree char *path = NULL;
  int fd;

  g_assert (job->task_id != NULL);

  if (job->lock_fd >= 0)
    return TRUE;

  g_mkdir_with_parents (job->work_dir, 0700);
  path = task_lock_path (job->work_dir, job->service_id, job->task_id);
  fd = task_lock_take (path, error);
  if (fd == -2)
    return FALSE;

  if (fd >= 0)
    {
      job->lock_fd = fd;
      job->lock_path = g_steal_pointer (&path);
    }

  return TRUE;
}

static void
job_unlock_task (InbCloudJob *job)
{
  if (job->lock_fd < 0)
    return;

  /* Unlinked while held: a late opener gets the old file and reports busy
   * (never waits), the next one a fresh file */
  g_unlink (job->lock_path);
  close (job->lock_fd);
  job->lock_fd = -1;
  g_clear_pointer (&job->lock_path, g_free);
}

/* Life ------------------------------------------------------------------ */

static void
job_free (InbCloudJob *job)
{
  g_assert (job->poll_source == NULL);
  g_assert (job->cancel_source == NULL);

  job_unlock_task (job);
  if (job->data_destroy != NULL && job->data != NULL)
    job->data_destroy (job->data);
  g_clear_object (&job->request);
  g_clear_object (&job->progress);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->client);
  g_free (job->base_url);
  g_free (job->work_dir);
  g_free (job->output_path);
  g_free (job->task_id);
  g_free (job->video_url);
  g_free (job->intent_time);
  g_free (job->adopted);
  g_clear_pointer (&job->metadata, json_object_unref);
  g_clear_object (&job->result);
  g_free (job);
}

static void
job_stop_sources (InbCloudJob *job)
{
  if (job->poll_source != NULL)
    {
      g_source_destroy (job->poll_source);
      g_clear_pointer (&job->poll_source, g_source_unref);
    }
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }
}

/* Ends the job: exactly once, on the main context. */
static void
job_return (GTask  *task,
            GError *error)
{
  InbCloudJob *job = g_task_get_task_data (task);

  if (job->done)
    {
      g_clear_error (&error);
      return;
    }

  job->done = TRUE;
  job_stop_sources (job);

  if (error != NULL)
    {
      if (job->task_id != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s task %s ended: %s", job->service, job->task_id, error->message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result), g_object_unref);
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
}

typedef void (*StepDone) (GTask *task, gboolean ok, GError *error);

typedef struct
{
  GTask    *task;
  StepDone  done;
} StepData;

static void
step_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StepData *data = user_data;
  g_autoptr(GTask) task = data->task;
  InbCloudJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  job->busy = FALSE;
  data->done (task, ok, error);
  g_free (data);
}

/* Runs @func in a worker thread; @done gets its outcome on the main context. */
static void
job_run_step (GTask           *task,
              GTaskThreadFunc  func,
              StepDone         done)
{
  InbCloudJob *job = g_task_get_task_data (task);
  g_autoptr(GTask) step = NULL;
  StepData *data;

  data = g_new0 (StepData, 1);
  data->task = g_object_ref (task);
  data->done = done;

  job->busy = TRUE;
  step = g_task_new (NULL, NULL, step_done_cb, data);
  g_task_set_name (step, "[inb] cloud job step");
  g_task_set_task_data (step, job, NULL);
  g_task_run_in_thread (step, func);
}

/* Cancel ------------------------------------------------------------------ */

static void
cancel_remote_worker (GTask        *step,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *unused)
{
  InbCloudJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!job->klass->cancel (job, &error))
    {
      inb_http_client_redact_error (job->client, error);
      g_message ("Could not cancel %s task %s: %s", job->service, job->task_id, error->message);
    }
  else
    g_debug ("Cancelled %s task %s", job->service, job->task_id);

  g_task_return_boolean (step, TRUE);
}

static void
cancel_remote_done (GTask    *task,
                    gboolean  ok,
                    GError   *error)
{
  g_clear_error (&error);
  job_return (task, cancelled_error ());
}

/* A cancelled job: cancel at the service too if it can still be. */
static void
job_cancelled (GTask *task)
{
  InbCloudJob *job = g_task_get_task_data (task);

  if (job->done)
    return;

  job_stop_sources (job);

  /* Left for later: the task runs on at the service, its record stays as
   * it is, and the next start resumes it */
  if (job->task_id != NULL && inb_request_get_leave_remote (job->request))
    {
      g_debug ("%s task %s left running; it is resumed at the next start", job->service, job->task_id);
      job_return (task, cancelled_error ());
      return;
    }

  if (job->task_id != NULL && job->state == INB_CLOUD_STATE_QUEUED && job->klass->cancel != NULL)
    {
      job_run_step (task, cancel_remote_worker, cancel_remote_done);
      return;
    }

  if (job->task_id != NULL && job->state != INB_CLOUD_STATE_SUCCEEDED)
    g_message ("%s task %s cannot be cancelled now and will run to its end",
               job->service, job->task_id);

  job_return (task, cancelled_error ());
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  InbCloudJob *job = g_task_get_task_data (task);

  /* A running step sees the cancellation itself and ends the job */
  if (!job->busy)
    job_cancelled (task);

  return G_SOURCE_REMOVE;
}

/* Step errors: a cancellation always ends as one. */
static void
job_fail (GTask  *task,
          GError *error)
{
  InbCloudJob *job = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (g_cancellable_is_cancelled (job->cancellable) &&
       !g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN)))
    {
      g_error_free (error);
      job_cancelled (task);
      return;
    }

  job_return (task, error);
}

/* Download -------------------------------------------------------------- */

static void
download_progress (goffset  received,
                   goffset  total,
                   gpointer user_data)
{
  InbCloudJob *job = user_data;
  double fraction = total > 0 ? (double) received / (double) total : 0.0;

  inb_cloud_job_report (job, PROGRESS_DOWNLOAD + (PROGRESS_VERIFY - PROGRESS_DOWNLOAD) * fraction,
                        _("Downloading the clip"));
}

/* GIO's error for a local file operation, as a GFileError: a file that
 * could not be written is a file error wherever it was found. */
static GFileError
file_error_from_io_error (const GError *error)
{
  if (error->domain == G_FILE_ERROR)
    return error->code;
  if (error->domain != G_IO_ERROR)
    return G_FILE_ERROR_FAILED;

  switch (error->code)
    {
    case G_IO_ERROR_NO_SPACE:
      return G_FILE_ERROR_NOSPC;
    case G_IO_ERROR_READ_ONLY:
      return G_FILE_ERROR_ROFS;
    case G_IO_ERROR_PERMISSION_DENIED:
      return G_FILE_ERROR_ACCES;
    case G_IO_ERROR_NOT_FOUND:
      return G_FILE_ERROR_NOENT;
    case G_IO_ERROR_IS_DIRECTORY:
      return G_FILE_ERROR_ISDIR;
    default:
      return G_FILE_ERROR_FAILED;
    }
}

/**
 * inb_cloud_move_clip:
 * @download: the verified clip
 * @output_path: where it goes (replaced)
 *
 * Moves a downloaded clip into place. A full disk or an I/O error is a
 * file error (the command line's exit status 1), as the download's own
 * write errors are: the backend did nothing wrong.
 *
 * Returns: %FALSE with a %G_FILE_ERROR in @error if it could not be moved
 */
gboolean
inb_cloud_move_clip (const char  *download,
                     const char  *output_path,
                     GError     **error)
{
  g_autoptr(GFile) from = g_file_new_for_path (download);
  g_autoptr(GFile) to = g_file_new_for_path (output_path);
  g_autoptr(GError) local_error = NULL;

  if (g_file_equal (from, to) ||
      g_file_move (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    return TRUE;

  g_set_error (error, G_FILE_ERROR, file_error_from_io_error (local_error),
               _("Could not save the clip: %s"), local_error->message);
  return FALSE;
}

static void
download_worker (GTask        *step,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *unused)
{
  InbCloudJob *job = task_data;
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *download = NULL;
  JsonObject *metadata;
  GList *members;

  if (g_mkdir_with_parents (job->work_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (step, G_FILE_ERROR, g_file_error_from_errno (saved),
                               _("Could not create %s: %s"), job->work_dir, g_strerror (saved));
      return;
    }

  name = g_strdup_printf ("%s-%s.mp4", job->service_id, job->task_id);
  g_strdelimit (name, "/\\:", '_');
  download = g_build_filename (job->work_dir, name, NULL);

  /* The result's address is on disk before it is fetched */
  if (!job_record (job, INB_REMOTE_STATE_DOWNLOADING, &error))
    {
      g_warning ("%s task %s: %s", job->service, job->task_id, error->message);
      g_clear_error (&error);
    }

  inb_cloud_job_report (job, PROGRESS_DOWNLOAD, _("Downloading the clip"));
  if (!inb_http_client_download (job->client, job->video_url, download, job->options.max_video_bytes,
                                 download_progress, job, job->cancellable, &error))
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  /* A downloaded file is untrusted: it is probed in a helper process
   * (≤ 10 s), so a hostile file can crash or hang only the helper */
  inb_cloud_job_report (job, PROGRESS_VERIFY, _("Verifying the clip"));
  if (!inb_video_probe_isolated (download, 0, &info, job->cancellable, &error))
    {
      g_autofree char *quarantined = g_strconcat (download, ".quarantined", NULL);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_unlink (download);
          g_task_return_error (step, g_steal_pointer (&error));
          return;
        }

      /* Set aside for inspection, never the take's clip; the record keeps
       * the task and its address so it can be fetched again */
      g_rename (download, quarantined);
      job_record_full (job, INB_REMOTE_STATE_UNVERIFIED, error->message, NULL);

      if (g_error_matches (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER) ||
          g_error_matches (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT))
        g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                                 _("The clip from %s could not be checked: %s. It was set aside and is "
                                   "not shown; task %s is kept, so it can be fetched again until it expires."),
                                 job->service, error->message, job->task_id);
      else
        g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                 _("%s sent a file that is not a playable video: %s. It was set aside; "
                                   "task %s is kept, so it can be fetched again until it expires."),
                                 job->service, error->message, job->task_id);
      return;
    }

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    {
      g_unlink (download);
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  if (!inb_cloud_move_clip (download, job->output_path, &error))
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  job->result = inb_result_new (job->output_path);
  inb_result_set_video_info (job->result, info.width, info.height, info.n_frames, info.fps);

  metadata = inb_result_get_metadata (job->result);
  json_object_set_string_member (metadata, "service", job->service_id);
  json_object_set_string_member (metadata, "model", inb_request_get_model_id (job->request));
  json_object_set_string_member (metadata, "task_id", job->task_id);
  json_object_set_int_member (metadata, "polls", job->n_polls);
  job_record (job, INB_REMOTE_STATE_DONE, NULL);
  members = json_object_get_members (job->metadata);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (job->metadata, l->data);

      /* The service's own words (a rewritten prompt, …) go into take.json */
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = inb_http_client_redact (job->client, json_node_get_string (node));

          json_object_set_string_member (metadata, l->data, text);
        }
      else
        json_object_set_member (metadata, l->data, json_node_copy (node));
    }
  g_list_free (members);

  g_task_return_boolean (step, TRUE);
}

static void
download_done (GTask    *task,
               gboolean  ok,
               GError   *error)
{
  InbCloudJob *job = g_task_get_task_data (task);

  if (!ok)
    {
      job_fail (task, error);
      return;
    }

  inb_cloud_job_report (job, 1.0, NULL);
  job_return (task, NULL);
}

/* Poll ------------------------------------------------------------------ */

static void job_poll_later (GTask *task);

static void
poll_worker (GTask        *step,
             gpointer      source,
             gpointer      task_data,
             GCancellable *unused)
{
  InbCloudJob *job = task_data;
  InbCloudState state = job->state;
  GError *error = NULL;

  job->n_polls++;
  if (!job->klass->poll (job, &state, job->cancellable, &error))
    {
      inb_http_client_redact_error (job->client, error);
      g_task_return_error (step, error);
      return;
    }

  job->state = state;
  g_task_return_boolean (step, TRUE);
}

static void
poll_done (GTask    *task,
           gboolean  ok,
           GError   *error)
{
  InbCloudJob *job = g_task_get_task_data (task);
  const char *service = job->service;
  double waited;

  if (!ok)
    {
      job_fail (task, error);
      return;
    }

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      job_cancelled (task);
      return;
    }

  waited = (g_get_monotonic_time () - job->submitted_at) / (double) G_USEC_PER_SEC;
  g_debug ("%s task %s: state %d after %.0f s", service, job->task_id, job->state, waited);

  if (job->state == INB_CLOUD_STATE_SUCCEEDED)
    {
      if (job->video_url == NULL)
        {
          job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                         _("%s finished task %s but sent no video address"),
                                         service, job->task_id));
          return;
        }
      job_run_step (task, download_worker, download_done);
    }
  else if (waited > job->options.max_wait_s)
    job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                   _("Gave up waiting for %s task %s after %.0f minutes"),
                                   service, job->task_id, waited / 60.0));
  else
    {
      g_autofree char *stage = NULL;

      if (job->state == INB_CLOUD_STATE_QUEUED && job->queue_position >= 0)
        {
          /* Translators: "3 jobs ahead in the RunComfy queue" */
          stage = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " job ahead in the %s queue",
                                                "%" PRId64 " jobs ahead in the %s queue",
                                                (gulong) MIN (job->queue_position, G_MAXLONG)),
                                   job->queue_position, service);
          inb_cloud_job_report (job, PROGRESS_QUEUED, stage);
        }
      else if (job->state == INB_CLOUD_STATE_QUEUED)
        {
          stage = g_strdup_printf (_("Waiting in the %s queue"), service);
          inb_cloud_job_report (job, PROGRESS_QUEUED, stage);
        }
      else
        {
          stage = g_strdup_printf (_("Generating at %s"), service);
          inb_cloud_job_report (job, PROGRESS_RUNNING + (PROGRESS_DOWNLOAD - PROGRESS_RUNNING)
                                     * (1.0 - exp (-waited / 120.0)), stage);
        }
      job_poll_later (task);
    }
}

static gboolean
on_poll_timeout (gpointer user_data)
{
  GTask *task = user_data;
  InbCloudJob *job = g_task_get_task_data (task);

  g_clear_pointer (&job->poll_source, g_source_unref);
  job_run_step (task, poll_worker, poll_done);

  return G_SOURCE_REMOVE;
}

static void
job_poll_later (GTask *task)
{
  InbCloudJob *job = g_task_get_task_data (task);
  guint delay = job->poll_interval_ms;

  /* ±10 % so parallel jobs spread out; then back off towards the maximum */
  delay = (guint) (delay * g_random_double_range (0.9, 1.1));
  job->poll_interval_ms = MIN (job->options.poll_max_ms, job->poll_interval_ms + job->poll_interval_ms / 2);

  g_assert (job->poll_source == NULL);
  job->poll_source = g_timeout_source_new (delay);
  g_source_set_name (job->poll_source, "[inb] cloud job poll");
  g_source_set_callback (job->poll_source, on_poll_timeout, g_object_ref (task), g_object_unref);
  g_source_attach (job->poll_source, g_task_get_context (task));
}

/* Submit ---------------------------------------------------------------- */

static void
submit_worker (GTask        *step,
               gpointer      source,
               gpointer      task_data,
               GCancellable *unused)
{
  InbCloudJob *job = task_data;
  GError *error = NULL;

  /* Nothing goes out unless the intent is on disk first */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_free (job->intent_time);
    job->intent_time = g_date_time_format_iso8601 (now);
  }
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error) ||
      !job_record (job, INB_REMOTE_STATE_SUBMITTING, &error))
    {
      g_task_return_error (step, error);
      return;
    }

  if (!job->klass->submit (job, job->cancellable, &error))
    {
      /* What a provider built from a service's answer: never the key */
      inb_http_client_redact_error (job->client, error);
      /* Only a submit that may have reached the service stays open */
      job_record (job, g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN)
                       ? INB_REMOTE_STATE_SUBMIT_UNKNOWN : INB_REMOTE_STATE_NOT_SUBMITTED, NULL);
      g_task_return_error (step, error);
      return;
    }

  if (job->task_id == NULL || *job->task_id == '\0')
    {
      job_record (job, INB_REMOTE_STATE_SUBMIT_UNKNOWN, NULL);
      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                               _("%s accepted the job but sent no task id"), job->service);
      return;
    }

  /* A fresh task: nobody else can hold it */
  if (!job_lock_task (job, &error))
    {
      g_warning ("%s task %s: %s", job->service, job->task_id, error->message);
      g_clear_error (&error);
    }

  /* The task id is on disk before the first poll */
  if (!job_record (job, INB_REMOTE_STATE_SUBMITTED, &error))
    {
      g_warning ("%s task %s: %s", job->service, job->task_id, error->message);
      g_clear_error (&error);
    }

  g_debug ("Submitted to %s: task %s", job->service, job->task_id);
  g_task_return_boolean (step, TRUE);
}

static void
submit_done (GTask    *task,
             gboolean  ok,
             GError   *error)
{
  InbCloudJob *job = g_task_get_task_data (task);
  g_autofree char *stage = NULL;

  if (!ok)
    {
      job_fail (task, error);
      return;
    }

  job->submitted_at = g_get_monotonic_time ();
  job->state = INB_CLOUD_STATE_QUEUED;

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      job_cancelled (task);
      return;
    }

  stage = g_strdup_printf (_("Waiting in the %s queue"), job->service);
  inb_cloud_job_report (job, PROGRESS_QUEUED, stage);
  job_poll_later (task);
}

/**
 * inb_cloud_job_start:
 * @resume_task_id: (nullable): poll this task instead of submitting
 * @data: (nullable): the class's own data, see inb_cloud_job_get_data()
 *
 * Runs one job; @callback gets it on the calling thread's context, then
 * calls inb_cloud_job_finish(). Validate the request before.
 */
void
inb_cloud_job_start (const InbCloudJobClass   *klass,
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
                     gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *output_path;
  const char *work_dir;
  InbCloudJob *job;

  g_return_if_fail (klass != NULL && klass->submit != NULL && klass->poll != NULL);
  g_return_if_fail (options != NULL);
  g_return_if_fail (INB_IS_REQUEST (request));
  g_return_if_fail (INB_IS_HTTP_CLIENT (client));
  g_return_if_fail (base_url != NULL);

  output_path = inb_request_get_output_path (request);
  work_dir = inb_request_get_work_dir (request);

  g_return_if_fail (INB_IS_BACKEND (source_object));

  job = g_new0 (InbCloudJob, 1);
  job->klass = klass;
  /* What the provider is comes from its backend class (InbBackendInfo) */
  job->service = inb_backend_get_short_name (INB_BACKEND (source_object));
  job->service_id = inb_backend_get_id (INB_BACKEND (source_object));
  job->options = *options;
  job->options.poll_first_ms = MAX (1, job->options.poll_first_ms);
  job->options.poll_max_ms = MAX (job->options.poll_first_ms, job->options.poll_max_ms);
  job->request = g_object_ref (request);
  job->progress = progress != NULL ? g_object_ref (progress) : NULL;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->client = g_object_ref (client);
  job->base_url = g_strdup (base_url);
  job->output_path = g_strdup (output_path);
  job->work_dir = work_dir != NULL ? g_strdup (work_dir)
                  : output_path != NULL ? g_path_get_dirname (output_path) : g_get_current_dir ();
  job->data = data;
  job->data_destroy = data_destroy;
  job->poll_interval_ms = job->options.poll_first_ms;
  job->metadata = json_object_new ();
  job->state = INB_CLOUD_STATE_QUEUED;
  job->queue_position = -1;
  job->lock_fd = -1;

  task = g_task_new (source_object, job->cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[inb] cloud job");
  /* The job decides how a cancel ends (remote cancel first, files removed) */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (output_path == NULL)
    {
      job_return (task, g_error_new_literal (INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                                             _("The request has no output path")));
      return;
    }

  job->cancel_source = g_cancellable_source_new (job->cancellable);
  g_source_set_name (job->cancel_source, "[inb] cloud job cancel");
  g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (job->cancel_source, g_task_get_context (task));

  if (resume_task_id != NULL)
    {
      g_autofree char *stage = g_strdup_printf (_("Checking the task at %s"), job->service);
      GError *error = NULL;

      job->task_id = g_strdup (resume_task_id);
      if (!job_lock_task (job, &error))
        {
          /* Someone else fetches this clip: never twice at once */
          job_return (task, error);
          return;
        }

      job->submitted_at = g_get_monotonic_time ();
      inb_cloud_job_report (job, PROGRESS_QUEUED, stage);
      job_run_step (task, poll_worker, poll_done);
    }
  else
    {
      /* The provider's submit reports its own stages from here on
       * (preparing or uploading the keyframes, then submitting), so the
       * row never says "Submitting" before the keyframes are even sent. */
      inb_cloud_job_report (job, 0.0, _("Preparing the keyframes"));
      job_run_step (task, submit_worker, submit_done);
    }
}

/**
 * inb_cloud_job_finish:
 *
 * Returns: (transfer full): the verified clip, or %NULL with @error set
 */
InbResult *
inb_cloud_job_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
