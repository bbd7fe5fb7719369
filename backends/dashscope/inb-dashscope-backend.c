/* inb-dashscope-backend.c — Alibaba Model Studio (DashScope) Wan video models
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contract: ../shared/research/cloud-apis.md §1. One job is
 *
 *   submit (POST, in a worker thread, never retried)
 *     → poll GET /tasks/{id} from main-loop timeouts, one short request
 *       in a worker thread each time (5 s, backing off to 15 s)
 *     → SUCCEEDED: download video_url at once (it expires in 24 h) into
 *       the work folder, verify it plays, move it to the output path.
 *
 * Cancelling while the task is still PENDING also cancels it at the
 * service (DashScope only cancels PENDING tasks; a RUNNING one runs to
 * its end and is billed).
 */

#define G_LOG_DOMAIN "inb-dashscope"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-dashscope-backend.h"
#include "inb-http.h"
#include "inb-resources.h"
#include "inb-video-reader.h"

#define DASHSCOPE_MODELS_RESOURCE RESOURCE_BASE "/schemas/dashscope.json"

#define KF2V_PATH "/services/aigc/image2video/video-synthesis"
#define I2V_PATH  "/services/aigc/video-generation/video-synthesis"

#define MAX_IMAGE_BYTES     (10 * 1024 * 1024)
#define MAX_VIDEO_BYTES     ((goffset) 512 * 1024 * 1024)
#define DEFAULT_POLL_FIRST  5000
#define DEFAULT_POLL_MAX    15000
#define MAX_WAIT_SECONDS    (3 * 60 * 60)

/* Where each stage sits on the progress bar. */
#define PROGRESS_SUBMIT     0.05
#define PROGRESS_QUEUED     0.08
#define PROGRESS_RUNNING    0.10
#define PROGRESS_DOWNLOAD   0.82
#define PROGRESS_VERIFY     0.96

struct _InbDashscopeBackend
{
  GObject    parent_instance;

  GPtrArray *models;
  char      *api_key;
  char      *base_url;
  guint      poll_first_ms;
  guint      poll_max_ms;

  guint      retry_attempts;
  guint      retry_base_ms;
  guint      retry_max_ms;
  guint      retry_budget_s;
};

static void inb_dashscope_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbDashscopeBackend, inb_dashscope_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND,
                                                      inb_dashscope_backend_iface_init))

/* Errors ---------------------------------------------------------------- */

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
object_get_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The user-facing error for a DashScope code/message pair, from an error
 * answer (HTTP 4xx/5xx) or a FAILED task (HTTP 200, output.code). */
static GError *
dashscope_error_new (guint        http_status,
                     const char  *code,
                     const char  *message)
{
  g_autofree char *detail = NULL;
  InbBackendError kind = INB_BACKEND_ERROR_REMOTE;
  const char *text;

  if (message == NULL || *message == '\0')
    message = code != NULL ? code : _("no details");

  if (code == NULL)
    {
      GError *error = NULL;

      if (http_status >= 300)
        {
          inb_http_set_status_error (&error, http_status, message);
          return error;
        }
      return g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                          _("DashScope failed: %s"), message);
    }

  if (g_str_has_prefix (code, "DataInspectionFailed") ||
      g_str_has_prefix (code, "IPInfringementSuspect"))
    {
      kind = INB_BACKEND_ERROR_BLOCKED;
      text = _("DashScope refused the content");
    }
  else if (g_str_equal (code, "InvalidApiKey"))
    {
      kind = INB_BACKEND_ERROR_AUTH;
      text = _("DashScope refused the API key (is it for this region?)");
    }
  else if (strstr (code, "AccessDenied") != NULL)
    {
      kind = INB_BACKEND_ERROR_AUTH;
      text = _("DashScope denied access with this API key");
    }
  else if (g_str_equal (code, "Arrearage"))
    text = _("The DashScope account is out of credit");
  else if (g_str_has_prefix (code, "Throttling"))
    text = _("DashScope is limiting requests; try again in a while");
  else if (g_str_has_prefix (code, "InternalError") || g_str_equal (code, "SystemError") ||
           g_str_equal (code, "ModelUnavailable"))
    text = _("DashScope had an internal error; try again later");
  else if (g_str_equal (code, "RequestTimeOut"))
    {
      kind = INB_BACKEND_ERROR_NETWORK;
      text = _("DashScope timed out");
    }
  else
    text = _("DashScope rejected the request");

  detail = g_strdup_printf ("%s: %s (%s)", text, message, code);
  return g_error_new_literal (INB_BACKEND_ERROR, kind, detail);
}

static GError *
dashscope_error_from_answer (guint     http_status,
                             JsonNode *node)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return dashscope_error_new (http_status,
                              object_get_string (root, "code"),
                              object_get_string (root, "message"));
}

/* Images ---------------------------------------------------------------- */

/* RGB keyframe → "data:image/jpeg;base64,…" (JPEG has no alpha). */
static char *
encode_data_uri (InbImage  *image,
                 GError   **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *base64 = NULL;
  gsize size = 0;
  int quality = 92;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) inb_image_get_width (image),
                                      (int) inb_image_get_height (image),
                                      (int) inb_image_get_stride (image));

  for (;;)
    {
      g_autofree char *q = g_strdup_printf ("%d", quality);

      g_clear_pointer (&buffer, g_free);
      if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error,
                                      "quality", q, NULL))
        return NULL;

      if (size <= MAX_IMAGE_BYTES)
        break;

      if (quality <= 50)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("A keyframe is over DashScope's 10 MB limit even when compressed"));
          return NULL;
        }
      quality -= 15;
    }

  base64 = g_base64_encode ((const guchar *) buffer, size);
  return g_strconcat ("data:image/jpeg;base64,", base64, NULL);
}

/* Jobs ------------------------------------------------------------------ */

typedef struct
{
  InbRequest    *request;
  InbProgress   *progress;
  GCancellable  *cancellable;
  InbHttpClient *client;
  char          *base_url;
  char          *model_id;
  char          *work_dir;
  char          *output_path;
  guint          poll_first_ms;
  guint          poll_max_ms;
  guint          poll_interval_ms;

  GSource       *poll_source;
  GSource       *cancel_source;
  gboolean       busy;          /* a worker thread is running a step */
  gboolean       done;          /* the job's GTask has returned */

  /* Written by one worker at a time, read on the main context after */
  char          *task_id;
  char          *request_id;
  char          *status;
  char          *video_url;
  char          *actual_prompt;
  char          *orig_prompt;
  JsonObject    *usage;
  GError        *task_error;
  gint64         submitted_at;
  guint          n_polls;
  InbResult     *result;
} Job;

static void
job_free (Job *job)
{
  g_assert (job->poll_source == NULL);
  g_assert (job->cancel_source == NULL);

  g_clear_object (&job->request);
  g_clear_object (&job->progress);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->client);
  g_free (job->base_url);
  g_free (job->model_id);
  g_free (job->work_dir);
  g_free (job->output_path);
  g_free (job->task_id);
  g_free (job->request_id);
  g_free (job->status);
  g_free (job->video_url);
  g_free (job->actual_prompt);
  g_free (job->orig_prompt);
  g_clear_pointer (&job->usage, json_object_unref);
  g_clear_error (&job->task_error);
  g_clear_object (&job->result);
  g_free (job);
}

static void
job_report (Job        *job,
            double      fraction,
            const char *stage)
{
  if (job->progress != NULL)
    inb_progress_update (job->progress, CLAMP (fraction, 0.0, 1.0), stage);
}

static char *
job_url (Job        *job,
         const char *path)
{
  return g_strconcat (job->base_url, path, NULL);
}

static void
job_stop_sources (Job *job)
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
  Job *job = g_task_get_task_data (task);

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
        g_debug ("Task %s ended: %s", job->task_id, error->message);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result), g_object_unref);
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
  Job *job = g_task_get_task_data (task);
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
  Job *job = g_task_get_task_data (task);
  g_autoptr(GTask) step = NULL;
  StepData *data;

  data = g_new0 (StepData, 1);
  data->task = g_object_ref (task);
  data->done = done;

  job->busy = TRUE;
  step = g_task_new (NULL, NULL, step_done_cb, data);
  g_task_set_name (step, "[inb] dashscope step");
  g_task_set_task_data (step, job, NULL);
  g_task_run_in_thread (step, func);
}

/* Remote cancel, best effort, for a job cancelled while PENDING */

static gboolean
post_cancel (InbHttpClient  *client,
             const char     *base_url,
             const char     *task_id,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(InbHttpRequest) request = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;
  g_autofree char *escaped = g_uri_escape_string (task_id, NULL, FALSE);
  guint status = 0;

  url = g_strdup_printf ("%s/tasks/%s/cancel", base_url, escaped);
  request = inb_http_request_new ("POST", url);
  node = inb_http_client_send_json (client, request, &status, cancellable, error);
  if (node == NULL)
    return FALSE;

  if (status == 200)
    return TRUE;

  if (status == 400 && JSON_NODE_HOLDS_OBJECT (node) &&
      g_strcmp0 (object_get_string (json_node_get_object (node), "code"), "UnsupportedOperation") == 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("DashScope only cancels tasks still waiting in the queue: this one is already "
                     "running and will finish (and be billed)"));
      return FALSE;
    }

  g_propagate_error (error, dashscope_error_from_answer (status, node));
  return FALSE;
}

static void
cancel_remote_worker (GTask        *step,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbHttpClient) client = NULL;

  /* The job's cancellable has fired: use a short call of our own */
  client = g_object_ref (job->client);
  if (!post_cancel (client, job->base_url, job->task_id, NULL, &error))
    g_message ("Could not cancel DashScope task %s: %s", job->task_id, error->message);
  else
    g_debug ("Cancelled DashScope task %s", job->task_id);

  g_task_return_boolean (step, TRUE);
}

static void
cancel_remote_done (GTask    *task,
                    gboolean  ok,
                    GError   *error)
{
  g_clear_error (&error);
  job_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("Operation was cancelled")));
}

/* A cancelled job: cancel at the service too if it can still be. */
static void
job_cancelled (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  if (job->done)
    return;

  job_stop_sources (job);

  if (job->task_id != NULL && g_strcmp0 (job->status, "PENDING") == 0)
    {
      job_run_step (task, cancel_remote_worker, cancel_remote_done);
      return;
    }

  if (job->task_id != NULL)
    g_message ("DashScope task %s is %s: it cannot be cancelled and will run to its end",
               job->task_id, job->status != NULL ? job->status : "?");

  job_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("Operation was cancelled")));
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  /* A running step sees the cancellation itself and ends the job */
  if (!job->busy)
    job_cancelled (task);

  return G_SOURCE_REMOVE;
}

static void job_poll_later (GTask *task);

/* Step errors: a cancellation always ends as one. */
static void
job_fail (GTask  *task,
          GError *error)
{
  Job *job = g_task_get_task_data (task);

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
  Job *job = user_data;
  double fraction = total > 0 ? (double) received / (double) total : 0.0;

  job_report (job, PROGRESS_DOWNLOAD + (PROGRESS_VERIFY - PROGRESS_DOWNLOAD) * fraction,
              _("Downloading the clip"));
}

static void
download_worker (GTask        *step,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *unused)
{
  Job *job = task_data;
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) from = NULL;
  g_autoptr(GFile) to = NULL;
  g_autofree char *name = NULL;
  g_autofree char *download = NULL;
  JsonObject *metadata;

  if (g_mkdir_with_parents (job->work_dir, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                               _("Could not create %s: %s"), job->work_dir, g_strerror (saved));
      return;
    }

  name = g_strdup_printf ("dashscope-%s.mp4", job->task_id);
  g_strdelimit (name, "/\\", '_');
  download = g_build_filename (job->work_dir, name, NULL);

  job_report (job, PROGRESS_DOWNLOAD, _("Downloading the clip"));
  if (!inb_http_client_download (job->client, job->video_url, download, MAX_VIDEO_BYTES,
                                 download_progress, job, job->cancellable, &error))
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  job_report (job, PROGRESS_VERIFY, _("Verifying the clip"));
  if (!inb_video_verify (download, 0, 0, 0, &info, &error))
    {
      g_autofree char *invalid = g_strconcat (download, ".invalid", NULL);

      /* Keep it aside for inspection; it never becomes the take's clip */
      g_rename (download, invalid);
      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                               _("DashScope sent a file that is not a playable video: %s"),
                               error->message);
      return;
    }

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    {
      g_unlink (download);
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  from = g_file_new_for_path (download);
  to = g_file_new_for_path (job->output_path);
  if (!g_file_equal (from, to) &&
      !g_file_move (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                               _("Could not save the clip: %s"), error->message);
      return;
    }

  job->result = inb_result_new (job->output_path);
  inb_result_set_video_info (job->result, info.width, info.height, info.n_frames, info.fps);

  metadata = inb_result_get_metadata (job->result);
  json_object_set_string_member (metadata, "service", "dashscope");
  json_object_set_string_member (metadata, "model", job->model_id);
  json_object_set_string_member (metadata, "task_id", job->task_id);
  if (job->request_id != NULL)
    json_object_set_string_member (metadata, "request_id", job->request_id);
  if (job->orig_prompt != NULL)
    json_object_set_string_member (metadata, "orig_prompt", job->orig_prompt);
  if (job->actual_prompt != NULL)
    json_object_set_string_member (metadata, "actual_prompt", job->actual_prompt);
  if (job->usage != NULL)
    json_object_set_object_member (metadata, "usage", json_object_ref (job->usage));
  json_object_set_int_member (metadata, "polls", job->n_polls);

  g_task_return_boolean (step, TRUE);
}

static void
download_done (GTask    *task,
               gboolean  ok,
               GError   *error)
{
  Job *job = g_task_get_task_data (task);

  if (!ok)
    {
      job_fail (task, error);
      return;
    }

  job_report (job, 1.0, NULL);
  job_return (task, NULL);
}

/* Poll ------------------------------------------------------------------ */

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
poll_worker (GTask        *step,
             gpointer      source,
             gpointer      task_data,
             GCancellable *unused)
{
  Job *job = task_data;
  g_autoptr(InbHttpRequest) request = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = g_uri_escape_string (job->task_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/tasks/%s", escaped);
  g_autofree char *url = job_url (job, path);
  JsonObject *root;
  JsonObject *output;
  const char *status;
  guint http_status = 0;

  request = inb_http_request_new ("GET", url);
  node = inb_http_client_send_json (job->client, request, &http_status, job->cancellable, &error);
  if (node == NULL)
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  job->n_polls++;

  if (http_status != 200)
    {
      g_task_return_error (step, dashscope_error_from_answer (http_status, node));
      return;
    }

  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  output = object_get_object (root, "output");
  status = object_get_string (output, "task_status");
  if (status == NULL)
    {
      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                               _("DashScope sent a task without a status"));
      return;
    }

  set_string (&job->status, status);
  if (object_get_string (root, "request_id") != NULL && job->request_id == NULL)
    set_string (&job->request_id, object_get_string (root, "request_id"));

  if (g_str_equal (status, "SUCCEEDED"))
    {
      JsonObject *usage = object_get_object (root, "usage");

      set_string (&job->video_url, object_get_string (output, "video_url"));
      set_string (&job->orig_prompt, object_get_string (output, "orig_prompt"));
      set_string (&job->actual_prompt, object_get_string (output, "actual_prompt"));
      g_clear_pointer (&job->usage, json_object_unref);
      if (usage != NULL)
        job->usage = json_object_ref (usage);
    }
  else if (g_str_equal (status, "FAILED"))
    {
      g_clear_error (&job->task_error);
      job->task_error = dashscope_error_new (0, object_get_string (output, "code"),
                                             object_get_string (output, "message"));
    }

  g_task_return_boolean (step, TRUE);
}

static void
poll_done (GTask    *task,
           gboolean  ok,
           GError   *error)
{
  Job *job = g_task_get_task_data (task);
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
  g_debug ("Task %s: %s after %.0f s", job->task_id, job->status, waited);

  if (g_str_equal (job->status, "SUCCEEDED"))
    {
      if (job->video_url == NULL)
        {
          job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                         _("DashScope finished task %s but sent no video address"),
                                         job->task_id));
          return;
        }
      job_run_step (task, download_worker, download_done);
    }
  else if (g_str_equal (job->status, "FAILED"))
    job_return (task, g_steal_pointer (&job->task_error));
  else if (g_str_equal (job->status, "CANCELED"))
    job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                   _("Task %s was cancelled at DashScope"), job->task_id));
  else if (g_str_equal (job->status, "UNKNOWN"))
    job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                                   _("DashScope no longer knows task %s (tasks are kept for 24 hours)"),
                                   job->task_id));
  else if (waited > MAX_WAIT_SECONDS)
    job_return (task, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                                   _("Gave up waiting for DashScope task %s after %.0f minutes"),
                                   job->task_id, waited / 60.0));
  else
    {
      if (g_str_equal (job->status, "PENDING"))
        job_report (job, PROGRESS_QUEUED, _("Waiting in DashScope's queue"));
      else
        job_report (job, PROGRESS_RUNNING + (PROGRESS_DOWNLOAD - PROGRESS_RUNNING) * (1.0 - exp (-waited / 120.0)),
                    _("Generating at DashScope"));
      job_poll_later (task);
    }
}

static gboolean
on_poll_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  g_clear_pointer (&job->poll_source, g_source_unref);
  job_run_step (task, poll_worker, poll_done);

  return G_SOURCE_REMOVE;
}

static void
job_poll_later (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  guint delay = job->poll_interval_ms;

  /* ±10 % so parallel jobs spread out; then back off towards the maximum */
  delay = (guint) (delay * g_random_double_range (0.9, 1.1));
  job->poll_interval_ms = MIN (job->poll_max_ms, job->poll_interval_ms + job->poll_interval_ms / 2);

  g_assert (job->poll_source == NULL);
  job->poll_source = g_timeout_source_new (delay);
  g_source_set_name (job->poll_source, "[inb] dashscope poll");
  g_source_set_callback (job->poll_source, on_poll_timeout, g_object_ref (task), g_object_unref);
  g_source_attach (job->poll_source, g_task_get_context (task));
}

/* Submit ---------------------------------------------------------------- */

static void
add_image (JsonBuilder *builder,
           const char  *member,
           const char  *uri)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, uri);
}

static JsonNode *
build_body (Job         *job,
            const char  *first_uri,
            const char  *last_uri,
            const char **path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *params = inb_request_get_params (job->request);
  const char *prompt = inb_request_get_prompt (job->request);
  const char *negative = inb_request_get_negative_prompt (job->request);
  const char *template = inb_params_get_string (params, "template", "none");
  gboolean media = g_str_equal (job->model_id, "wan2.7-i2v");
  gint64 seed = inb_params_get_int (params, "seed", -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, job->model_id);

  json_builder_set_member_name (builder, "input");
  json_builder_begin_object (builder);
  if (prompt != NULL && *prompt != '\0')
    {
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, prompt);
    }
  if (negative != NULL && *negative != '\0')
    {
      json_builder_set_member_name (builder, "negative_prompt");
      json_builder_add_string_value (builder, negative);
    }
  if (media)
    {
      json_builder_set_member_name (builder, "media");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "first_frame");
      add_image (builder, "url", first_uri);
      json_builder_end_object (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "last_frame");
      add_image (builder, "url", last_uri);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  else
    {
      add_image (builder, "first_frame_url", first_uri);
      if (last_uri != NULL)
        add_image (builder, "last_frame_url", last_uri);
      if (!g_str_equal (template, "none"))
        {
          json_builder_set_member_name (builder, "template");
          json_builder_add_string_value (builder, template);
        }
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resolution");
  json_builder_add_string_value (builder, inb_params_get_string (params, "resolution", media ? "1080P" : "720P"));
  json_builder_set_member_name (builder, "duration");
  json_builder_add_int_value (builder, media ? inb_params_get_int (params, "duration", 5) : 5);
  json_builder_set_member_name (builder, "prompt_extend");
  json_builder_add_boolean_value (builder, inb_params_get_boolean (params, "prompt_extend", TRUE));
  json_builder_set_member_name (builder, "watermark");
  json_builder_add_boolean_value (builder, inb_params_get_boolean (params, "watermark", FALSE));
  if (seed >= 0 && seed <= G_MAXINT32)
    {
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, seed);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  *path = media ? I2V_PATH : KF2V_PATH;
  return json_builder_get_root (builder);
}

static void
submit_worker (GTask        *step,
               gpointer      source,
               gpointer      task_data,
               GCancellable *unused)
{
  Job *job = task_data;
  g_autoptr(InbHttpRequest) request = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *last_uri = NULL;
  g_autofree char *url = NULL;
  const char *template;
  const char *path = NULL;
  const char *task_id;
  JsonObject *root;
  JsonObject *output;
  guint status = 0;

  job_report (job, 0.01, _("Preparing the keyframes"));

  template = inb_params_get_string (inb_request_get_params (job->request), "template", "none");
  first_uri = encode_data_uri (inb_request_get_first (job->request), &error);
  if (first_uri != NULL && g_str_equal (template, "none"))
    last_uri = encode_data_uri (inb_request_get_last (job->request), &error);
  if (error != NULL)
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    {
      g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  body = build_body (job, first_uri, last_uri, &path);
  url = job_url (job, path);
  request = inb_http_request_new ("POST", url);
  inb_http_request_add_header (request, "X-DashScope-Async", "enable");
  inb_http_request_set_json_body (request, body);

  job_report (job, PROGRESS_SUBMIT, _("Submitting to DashScope"));
  node = inb_http_client_send_json (job->client, request, &status, job->cancellable, &error);
  if (node == NULL)
    {
      /* A gateway error after a submit leaves the task's fate open too */
      if (status == 502 || status == 504)
        g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                                 _("DashScope's gateway failed after the submit (HTTP %u): the job may or may not have been accepted"),
                                 status);
      else
        g_task_return_error (step, g_steal_pointer (&error));
      return;
    }

  if (status != 200)
    {
      if (status == 502 || status == 504)
        g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                                 _("DashScope's gateway failed after the submit (HTTP %u): the job may or may not have been accepted"),
                                 status);
      else
        g_task_return_error (step, dashscope_error_from_answer (status, node));
      return;
    }

  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  output = object_get_object (root, "output");
  task_id = object_get_string (output, "task_id");
  if (task_id == NULL || *task_id == '\0' || strlen (task_id) > 256)
    {
      g_task_return_new_error (step, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                               _("DashScope accepted the submit but sent no task id"));
      return;
    }

  set_string (&job->task_id, task_id);
  set_string (&job->request_id, object_get_string (root, "request_id"));
  set_string (&job->status, object_get_string (output, "task_status"));
  if (job->status == NULL)
    set_string (&job->status, "PENDING");

  g_debug ("Submitted %s: task %s", job->model_id, job->task_id);
  g_task_return_boolean (step, TRUE);
}

static void
submit_done (GTask    *task,
             gboolean  ok,
             GError   *error)
{
  Job *job = g_task_get_task_data (task);

  if (!ok)
    {
      job_fail (task, error);
      return;
    }

  job->submitted_at = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      job_cancelled (task);
      return;
    }

  job_report (job, PROGRESS_QUEUED, _("Waiting in DashScope's queue"));
  job_poll_later (task);
}

/* InbBackend ------------------------------------------------------------ */

static const char *
inb_dashscope_backend_get_id (InbBackend *backend)
{
  return "dashscope";
}

static const char *
inb_dashscope_backend_get_name (InbBackend *backend)
{
  return _("Alibaba Model Studio (DashScope)");
}

static GPtrArray *
inb_dashscope_backend_get_models (InbBackend *backend)
{
  return INB_DASHSCOPE_BACKEND (backend)->models;
}

static guint
inb_dashscope_backend_get_max_concurrent (InbBackend *backend,
                                          InbModel   *model)
{
  /* Beijing: 2 running tasks for kf2v, 5 for wan2.7 */
  if (model != NULL && g_str_equal (inb_model_get_id (model), "wan2.7-i2v"))
    return 5;

  return 2;
}

/* DashScope sets the pixel count; the aspect ratio follows the first
 * keyframe, sides rounded to multiples of 16. */
static gboolean
inb_dashscope_backend_get_frame_size (InbBackend  *backend,
                                      InbModel    *model,
                                      JsonObject  *params,
                                      guint        source_width,
                                      guint        source_height,
                                      guint       *width,
                                      guint       *height,
                                      GError     **error)
{
  const char *resolution = inb_params_get_string (params, "resolution", "720P");
  guint align = MAX (1, inb_model_get_size_alignment (model));
  guint min_side = inb_model_get_min_side (model);
  guint max_side = inb_model_get_max_side (model);
  double aspect = (double) source_width / (double) source_height;
  double area;
  double w, h, scale;

  if (g_str_equal (resolution, "480P"))
    area = 832.0 * 480.0;
  else if (g_str_equal (resolution, "720P"))
    area = 1280.0 * 720.0;
  else if (g_str_equal (resolution, "1080P"))
    area = 1920.0 * 1080.0;
  else
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("Unknown resolution “%s”: one of 480P, 720P, 1080P"), resolution);
      return FALSE;
    }

  w = sqrt (area * aspect);
  h = w / aspect;

  /* Keep both sides within what DashScope accepts */
  scale = MIN (1.0, MIN (max_side / w, max_side / h));
  w *= scale;
  h *= scale;

  *width = (guint) (round (w / align) * align);
  *height = (guint) (round (h / align) * align);
  *width = MIN (*width, max_side - max_side % align);
  *height = MIN (*height, max_side - max_side % align);

  if (*width < min_side || *height < min_side)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The keyframes' shape (%u × %u) is too narrow for DashScope, which needs %u to %u pixels a side"),
                   source_width, source_height, min_side, max_side);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_image (InbModel    *model,
             const char  *which,
             InbImage    *image,
             GError     **error)
{
  guint w = inb_image_get_width (image);
  guint h = inb_image_get_height (image);
  guint min_side = inb_model_get_min_side (model);
  guint max_side = inb_model_get_max_side (model);

  if (w < min_side || h < min_side || w > max_side || h > max_side)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   /* Translators: "The first keyframe is 3000 × 2000; DashScope accepts 360 to 2000 pixels a side" */
                   _("The %s keyframe is %u × %u; DashScope accepts %u to %u pixels a side"),
                   which, w, h, min_side, max_side);
      return FALSE;
    }

  return TRUE;
}

static gboolean
inb_dashscope_backend_validate (InbBackend  *backend,
                                InbRequest  *request,
                                GError     **error)
{
  InbDashscopeBackend *self = INB_DASHSCOPE_BACKEND (backend);
  InbModel *model = inb_backend_find_model (backend, inb_request_get_model_id (request));
  g_autoptr(GError) url_error = NULL;

  if (self->api_key == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH,
                   _("No DashScope API key: set DASHSCOPE_API_KEY or add the key in Preferences"));
      return FALSE;
    }

  if (!inb_http_check_url (self->base_url, &url_error))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The DashScope address is not usable: %s"), url_error->message);
      return FALSE;
    }

  if (model == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("DashScope has no model “%s”"), inb_request_get_model_id (request));
      return FALSE;
    }

  if (inb_request_get_first (request) == NULL || inb_request_get_last (request) == NULL)
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("Both a first and a last keyframe are needed"));
      return FALSE;
    }

  return check_image (model, _("first"), inb_request_get_first (request), error) &&
         check_image (model, _("last"), inb_request_get_last (request), error);
}

static Job *
job_new (InbDashscopeBackend *self,
         InbRequest          *request,
         InbProgress         *progress,
         GCancellable        *cancellable)
{
  Job *job = g_new0 (Job, 1);
  const char *output_path = inb_request_get_output_path (request);
  const char *work_dir = inb_request_get_work_dir (request);

  job->request = g_object_ref (request);
  job->progress = progress != NULL ? g_object_ref (progress) : NULL;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->base_url = g_strdup (self->base_url);
  job->model_id = g_strdup (inb_request_get_model_id (request));
  job->output_path = g_strdup (output_path);
  job->work_dir = work_dir != NULL ? g_strdup (work_dir)
                  : output_path != NULL ? g_path_get_dirname (output_path) : g_get_current_dir ();
  job->poll_first_ms = self->poll_first_ms;
  job->poll_max_ms = self->poll_max_ms;
  job->poll_interval_ms = self->poll_first_ms;

  job->client = inb_http_client_new ();
  inb_http_client_set_bearer_token (job->client, self->api_key);
  inb_http_client_set_retry_policy (job->client, self->retry_attempts, self->retry_base_ms,
                                    self->retry_max_ms, self->retry_budget_s);

  return job;
}

static GTask *
job_task_new (InbDashscopeBackend *self,
              Job                 *job,
              gpointer             source_tag,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task;

  task = g_task_new (self, job->cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[inb] dashscope job");
  /* The job decides how a cancel ends (remote cancel first, files removed) */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  job->cancel_source = g_cancellable_source_new (job->cancellable);
  g_source_set_name (job->cancel_source, "[inb] dashscope cancel");
  g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (on_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (job->cancel_source, g_task_get_context (task));

  return task;
}

static void
inb_dashscope_backend_generate_async (InbBackend          *backend,
                                      InbRequest          *request,
                                      InbProgress         *progress,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  InbDashscopeBackend *self = INB_DASHSCOPE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  if (!inb_dashscope_backend_validate (backend, request, &error))
    {
      g_task_report_error (self, callback, user_data, inb_dashscope_backend_generate_async,
                           g_steal_pointer (&error));
      return;
    }

  job = job_new (self, request, progress, cancellable);
  task = job_task_new (self, job, inb_dashscope_backend_generate_async, callback, user_data);

  job_run_step (task, submit_worker, submit_done);
}

static InbResult *
inb_dashscope_backend_generate_finish (InbBackend    *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
remote_task_id (JsonObject *remote_state)
{
  const char *task_id = object_get_string (remote_state, "task_id");

  return (task_id != NULL && *task_id != '\0') ? task_id : NULL;
}

/* Picks up a task submitted earlier (remote_state = {"task_id": …}):
 * polls it and downloads the clip if it is still there. */
static void
inb_dashscope_backend_resume_async (InbBackend          *backend,
                                    InbRequest          *request,
                                    JsonObject          *remote_state,
                                    InbProgress         *progress,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  InbDashscopeBackend *self = INB_DASHSCOPE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  const char *task_id = remote_task_id (remote_state);
  Job *job;

  if (task_id == NULL || self->api_key == NULL || inb_request_get_output_path (request) == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_dashscope_backend_resume_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               task_id == NULL ? _("There is no DashScope task to resume")
                               : self->api_key == NULL ? _("No DashScope API key: set DASHSCOPE_API_KEY or add the key in Preferences")
                               : _("The request has no output path"));
      return;
    }

  job = job_new (self, request, progress, cancellable);
  job->task_id = g_strdup (task_id);
  job->status = g_strdup ("PENDING");
  job->submitted_at = g_get_monotonic_time ();
  task = job_task_new (self, job, inb_dashscope_backend_resume_async, callback, user_data);

  job_report (job, PROGRESS_QUEUED, _("Checking the task at DashScope"));
  job_run_step (task, poll_worker, poll_done);
}

static InbResult *
inb_dashscope_backend_resume_finish (InbBackend    *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  InbHttpClient *client;
  char          *base_url;
  char          *task_id;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_clear_object (&data->client);
  g_free (data->base_url);
  g_free (data->task_id);
  g_free (data);
}

static void
cancel_worker (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CancelData *data = task_data;
  GError *error = NULL;

  if (post_cancel (data->client, data->base_url, data->task_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
inb_dashscope_backend_cancel_remote_async (InbBackend          *backend,
                                           InbRequest          *request,
                                           JsonObject          *remote_state,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  InbDashscopeBackend *self = INB_DASHSCOPE_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  const char *task_id = remote_task_id (remote_state);
  CancelData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_dashscope_backend_cancel_remote_async);
  g_task_set_name (task, "[inb] dashscope cancel");

  if (task_id == NULL || self->api_key == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               task_id == NULL ? _("There is no DashScope task to cancel")
                               : _("No DashScope API key: set DASHSCOPE_API_KEY or add the key in Preferences"));
      return;
    }

  data = g_new0 (CancelData, 1);
  data->client = inb_http_client_new ();
  inb_http_client_set_bearer_token (data->client, self->api_key);
  inb_http_client_set_retry_policy (data->client, 1, 0, 0, 0);
  data->base_url = g_strdup (self->base_url);
  data->task_id = g_strdup (task_id);
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);
  g_task_run_in_thread (task, cancel_worker);
}

static gboolean
inb_dashscope_backend_cancel_remote_finish (InbBackend    *backend,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
inb_dashscope_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_id = inb_dashscope_backend_get_id;
  iface->get_name = inb_dashscope_backend_get_name;
  iface->get_models = inb_dashscope_backend_get_models;
  iface->get_max_concurrent = inb_dashscope_backend_get_max_concurrent;
  iface->get_frame_size = inb_dashscope_backend_get_frame_size;
  iface->validate = inb_dashscope_backend_validate;
  iface->generate_async = inb_dashscope_backend_generate_async;
  iface->generate_finish = inb_dashscope_backend_generate_finish;
  iface->resume_async = inb_dashscope_backend_resume_async;
  iface->resume_finish = inb_dashscope_backend_resume_finish;
  iface->cancel_remote_async = inb_dashscope_backend_cancel_remote_async;
  iface->cancel_remote_finish = inb_dashscope_backend_cancel_remote_finish;
}

/* GObject --------------------------------------------------------------- */

static void
inb_dashscope_backend_finalize (GObject *object)
{
  InbDashscopeBackend *self = INB_DASHSCOPE_BACKEND (object);

  g_clear_pointer (&self->models, g_ptr_array_unref);
  inb_dashscope_backend_set_api_key (self, NULL);
  g_free (self->base_url);

  G_OBJECT_CLASS (inb_dashscope_backend_parent_class)->finalize (object);
}

static void
inb_dashscope_backend_class_init (InbDashscopeBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_dashscope_backend_finalize;
}

static void
inb_dashscope_backend_init (InbDashscopeBackend *self)
{
  g_autoptr(GError) error = NULL;
  const char *url = g_getenv ("INBETWEEN_DASHSCOPE_URL");
  const char *poll = g_getenv ("INBETWEEN_DASHSCOPE_POLL_MS");

  (void) inb_get_resource ();

  self->models = inb_model_list_new_from_resource (DASHSCOPE_MODELS_RESOURCE, &error);
  if (self->models == NULL)
    {
      g_critical ("Could not load %s: %s", DASHSCOPE_MODELS_RESOURCE, error->message);
      self->models = g_ptr_array_new_with_free_func (g_object_unref);
    }

  self->base_url = g_strdup (url != NULL && *url != '\0' ? url : INB_DASHSCOPE_URL_BEIJING);
  inb_dashscope_backend_set_api_key (self, g_getenv ("DASHSCOPE_API_KEY"));

  self->poll_first_ms = DEFAULT_POLL_FIRST;
  self->poll_max_ms = DEFAULT_POLL_MAX;
  if (poll != NULL && *poll != '\0')
    {
      guint64 ms = g_ascii_strtoull (poll, NULL, 10);

      if (ms >= 10 && ms <= 60000)
        self->poll_first_ms = self->poll_max_ms = (guint) ms;
    }

  self->retry_attempts = 6;
  self->retry_base_ms = 1000;
  self->retry_max_ms = 60000;
  self->retry_budget_s = 15 * 60;
}

/**
 * inb_dashscope_backend_new:
 *
 * The key comes from `DASHSCOPE_API_KEY` (or inb_dashscope_backend_set_api_key()),
 * the base URL from `INBETWEEN_DASHSCOPE_URL`, else the Beijing region.
 *
 * Returns: (transfer full): the DashScope backend
 */
InbBackend *
inb_dashscope_backend_new (void)
{
  return g_object_new (INB_TYPE_DASHSCOPE_BACKEND, NULL);
}

/**
 * inb_dashscope_backend_set_api_key:
 * @api_key: (nullable): the key, or %NULL/"" for none
 *
 * Jobs already started keep the key they started with.
 */
void
inb_dashscope_backend_set_api_key (InbDashscopeBackend *self,
                                   const char          *api_key)
{
  g_return_if_fail (INB_IS_DASHSCOPE_BACKEND (self));

  if (self->api_key != NULL)
    {
      memset (self->api_key, 0, strlen (self->api_key));
      g_clear_pointer (&self->api_key, g_free);
    }

  if (api_key != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (api_key));

      if (*stripped != '\0' && strpbrk (stripped, "\r\n") == NULL)
        self->api_key = g_steal_pointer (&stripped);
    }
}

gboolean
inb_dashscope_backend_has_api_key (InbDashscopeBackend *self)
{
  g_return_val_if_fail (INB_IS_DASHSCOPE_BACKEND (self), FALSE);

  return self->api_key != NULL;
}

/**
 * inb_dashscope_backend_set_base_url:
 * @base_url: e.g. %INB_DASHSCOPE_URL_SINGAPORE (no trailing slash needed)
 */
void
inb_dashscope_backend_set_base_url (InbDashscopeBackend *self,
                                    const char          *base_url)
{
  gsize len;

  g_return_if_fail (INB_IS_DASHSCOPE_BACKEND (self));
  g_return_if_fail (base_url != NULL);

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
}

const char *
inb_dashscope_backend_get_base_url (InbDashscopeBackend *self)
{
  g_return_val_if_fail (INB_IS_DASHSCOPE_BACKEND (self), NULL);

  return self->base_url;
}

/**
 * inb_dashscope_backend_set_poll_interval:
 *
 * First poll after @first_ms, then 1.5× longer each time up to @max_ms.
 * Defaults: 5 s to 15 s (DashScope allows 20 queries a second per account).
 */
void
inb_dashscope_backend_set_poll_interval (InbDashscopeBackend *self,
                                         guint                first_ms,
                                         guint                max_ms)
{
  g_return_if_fail (INB_IS_DASHSCOPE_BACKEND (self));
  g_return_if_fail (first_ms > 0);

  self->poll_first_ms = first_ms;
  self->poll_max_ms = MAX (first_ms, max_ms);
}

/**
 * inb_dashscope_backend_set_retry_policy:
 *
 * The retry policy of the polls and downloads (submits are never retried);
 * see inb_http_client_set_retry_policy().
 */
void
inb_dashscope_backend_set_retry_policy (InbDashscopeBackend *self,
                                        guint                max_attempts,
                                        guint                base_delay_ms,
                                        guint                max_delay_ms,
                                        guint                budget_seconds)
{
  g_return_if_fail (INB_IS_DASHSCOPE_BACKEND (self));
  g_return_if_fail (max_attempts >= 1);

  self->retry_attempts = max_attempts;
  self->retry_base_ms = base_delay_ms;
  self->retry_max_ms = max_delay_ms;
  self->retry_budget_s = budget_seconds;
}
