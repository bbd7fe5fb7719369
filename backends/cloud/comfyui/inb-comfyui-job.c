/* inb-comfyui-job.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One take on the artist's ComfyUI (../shared/research/comfyui.md), in a
 * thread of its own with its own main context (the websocket lives there;
 * nothing here ever runs on the caller's main thread):
 *
 *   pre-flight: /object_info/<class> for every node type, /models/<folder>
 *     for every model file (nothing is uploaded when one is missing)
 *   → upload both keyframes (/upload/image; the name the server answers is
 *     the one the graph uses)
 *   → remote.json: the intent, with our own prompt id, before the submit
 *   → open /ws?clientId=<prompt id>, then POST /prompt once, with our
 *     prompt_id and client_id and a preview method
 *   → follow the websocket (progress of every sampler pass folded into one
 *     fraction, an ETA from step timing, previews), polling /history/<id>
 *     and /queue beside it (and alone when the socket drops)
 *   → the clip from the history's outputs (names that leave their folder
 *     refused), fetched with /view, verified in the probe helper, moved
 *     into the take.
 *
 * Cancel: dequeued if waiting, interrupted if running (only that prompt).
 * Resume: the saved prompt id is asked for in /history and /queue, never
 * submitted again; one neither knows is said to be lost (a restart).
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-cloud-job.h"
#include "inb-comfyui-api.h"
#include "inb-comfyui-backend.h"
#include "inb-comfyui-job.h"
#include "inb-comfyui-socket.h"
#include "inb-video-reader.h"

#define MAX_VIDEO_BYTES        ((goffset) 2 * 1024 * 1024 * 1024 - 1)
#define PREVIEW_MAX_SIDE       1280
#define SOCKET_WAIT_MS         2000
#define POLL_SOCKET_UP_MS      2000
#define POLL_SOCKET_DOWN_MS    1000
#define POLL_FINISHING_MS      200
#define FINISHING_LIMIT_S      30
#define CANCEL_WAIT_S          10
#define UNREACHABLE_LIMIT_S    (10 * 60)
/* Polls in a row that the server accepted and then did not answer (each
 * given up after the stall limit): a server that is there but stuck, not
 * one restarting, so not the 10 minutes above. 3 × 30 s by default. */
#define STALLED_POLLS_LIMIT    3
#define RECONNECT_MAX_MS       8000
/* The clip's download: a break or a stall (no byte for the stall limit,
 * 30 s unless set) is resumed with Range, for as long as this; the API
 * calls' 20 s would give up on a clip that took longer than that to break */
#define DOWNLOAD_ATTEMPTS      8
#define DOWNLOAD_BUDGET_S      (10 * 60)

typedef enum
{
  PHASE_WAITING,     /* queued at the server */
  PHASE_RUNNING,
  PHASE_FINISHING,   /* the server says it ended; its history is fetched */
  PHASE_DONE,
} Phase;

typedef struct
{
  /* Given, then read-only */
  InbBackend         *backend;
  InbModel           *model;
  InbComfyuiWorkflow *workflow;
  InbRequest         *request;
  InbProgress        *progress;
  GCancellable       *cancellable;     /* the caller's */
  char               *base_url;
  char               *negative_default;
  char               *resume_id;
  InbRemoteState      resume_state;
  guint               stall_limit;
  char               *work_dir;
  char               *output_path;
  const char         *service;         /* short name, for messages */
  const char         *service_id;
  GTask              *task;

  /* The job thread's */
  GMainContext       *context;
  GMainLoop          *loop;
  InbComfyuiApi      *api;
  GCancellable       *own;             /* the follow's calls: cancelled with the
                                        * caller's (a stalled poll must not hold
                                        * a cancel back), never by the job */
  gulong              own_handler;
  GCancellable       *confirm;         /* the polls after a cancel was sent,
                                        * cancelled at its deadline from the
                                        * caller's context */
  GSource            *confirm_deadline;
  InbComfyuiSocket   *socket;
  InbTaskLock        *lock;
  char               *prompt_id;
  char               *client_id;
  char               *submitted;       /* ISO 8601: when the submit began */
  char               *video_url;
  GArray             *pass_steps;      /* guint per sampler pass */
  guint               n_frames;
  guint               width, height;
  double              fps;
  JsonObject         *metadata;

  /* Following */
  Phase               phase;
  GSource            *poll_source;
  GSource            *cancel_source;
  GSource            *reconnect_source;
  guint               reconnect_ms;
  gboolean            socket_opened;
  gint64              finishing_since;
  gint64              unreachable_since;
  guint               stalled_polls;   /* in a row */
  guint               unknown_polls;
  guint               n_polls;
  gboolean            cancel_sent;
  gint64              cancel_deadline;
  gboolean            cancelled;
  JsonObject         *error_data;      /* execution_error's data */
  JsonObject         *history;         /* the history entry */
  GError             *error;           /* how following ended */

  /* Sampling */
  int                 pass;            /* -1 before the first */
  char               *pass_node;
  double              pass_value, pass_max;
  gint64              pass_step_at;    /* monotonic µs of the last step */
  double              step_seconds;    /* < 0 unknown */
  gint64              sampling_started;
  gint64              sampling_ended;
  guint               n_previews;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->backend);
  g_clear_object (&job->model);
  g_clear_pointer (&job->workflow, inb_comfyui_workflow_unref);
  g_clear_object (&job->request);
  g_clear_object (&job->progress);
  g_clear_object (&job->cancellable);
  g_free (job->base_url);
  g_free (job->negative_default);
  g_free (job->resume_id);
  g_free (job->work_dir);
  g_free (job->output_path);
  g_clear_pointer (&job->api, inb_comfyui_api_free);
  g_clear_object (&job->own);
  g_clear_object (&job->confirm);
  g_free (job->prompt_id);
  g_free (job->client_id);
  g_free (job->submitted);
  g_free (job->video_url);
  g_clear_pointer (&job->pass_steps, g_array_unref);
  g_clear_pointer (&job->metadata, json_object_unref);
  g_clear_pointer (&job->error_data, json_object_unref);
  g_clear_pointer (&job->history, json_object_unref);
  g_clear_error (&job->error);
  g_free (job->pass_node);
  g_free (job);
}

static void
report (Job        *job,
        double      fraction,
        const char *stage)
{
  if (job->progress != NULL)
    inb_progress_update (job->progress, CLAMP (fraction, 0.0, 1.0), stage);
}

/* The record ------------------------------------------------------------------ */

/* remote.json, durably: the intent before the submit, the prompt id the
 * server uses once it answered, the clip's address, the outcome. */
static gboolean
job_record (Job             *job,
            InbRemoteState   state,
            const char      *detail,
            GError         **error)
{
  g_autoptr(InbRemoteRecord) record = inb_remote_record_new ();
  g_autoptr(GError) local_error = NULL;

  if (job->submitted == NULL)
    {
      g_autoptr(InbRemoteRecord) earlier = inb_remote_record_load (job->work_dir, NULL);

      if (earlier != NULL)
        job->submitted = g_strdup (earlier->submitted);
    }

  record->state = state;
  record->service = g_strdup (job->service_id);
  record->model = g_strdup (inb_request_get_model_id (job->request));
  record->task_id = g_strdup (job->prompt_id);
  record->submitted = g_strdup (job->submitted);
  if (state != INB_REMOTE_STATE_DONE)
    record->video_url = g_strdup (job->video_url);
  record->error = g_strdup (detail);

  if (!inb_remote_record_save (record, job->work_dir, &local_error))
    {
      /* A full disk stays a file error (exit status 1), as with the
       * other hosted providers (inb-cloud-job.c) */
      g_set_error (error,
                   local_error->domain == G_FILE_ERROR ? G_FILE_ERROR : INB_BACKEND_ERROR,
                   local_error->domain == G_FILE_ERROR ? local_error->code : INB_BACKEND_ERROR_FAILED,
                   _("Could not record the job: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
job_record_quietly (Job            *job,
                    InbRemoteState  state,
                    const char     *detail)
{
  g_autoptr(GError) error = NULL;

  if (!job_record (job, state, detail, &error))
    g_warning ("%s", error->message);
}

/* Previews -------------------------------------------------------------------- */

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  guint max_side = GPOINTER_TO_UINT (user_data);
  double scale;

  if (width <= 0 || height <= 0)
    return;

  /* Scaled while decoding: a huge header never costs its memory */
  scale = MIN (1.0, (double) max_side / MAX (width, height));
  if (scale < 1.0)
    gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale)), MAX (1, (int) (height * scale)));
}

/**
 * inb_comfyui_decode_preview:
 *
 * Returns: (transfer full): the preview as RGB, or %NULL with @error set
 */
InbImage *
inb_comfyui_decode_preview (GBytes  *bytes,
                            guint    max_side,
                            GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbuf *pixbuf;
  const guint8 *pixels;
  InbImage *image;
  int width, height, stride, channels;
  const char *format;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  /* Only what ComfyUI sends: JPEG or PNG */
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8)
    format = "jpeg";
  else if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    format = "png";
  else
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                           _("The preview is neither JPEG nor PNG"));
      return NULL;
    }

  loader = gdk_pixbuf_loader_new_with_type (format, error);
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), GUINT_TO_POINTER (max_side));
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                           _("The preview did not decode"));
      return NULL;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);

  image = inb_image_new ((guint) width, (guint) height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * stride;
      guint8 *dst = inb_image_get_data_mut (image) + (gsize) y * inb_image_get_stride (image);

      for (int x = 0; x < width; x++)
        {
          dst[3 * x + 0] = src[channels * x + 0];
          dst[3 * x + 1] = src[channels * x + 1];
          dst[3 * x + 2] = src[channels * x + 2];
        }
    }

  return image;
}

/* Stages --------------------------------------------------------------------- */

static guint
total_steps (Job *job)
{
  guint total = 0;

  for (guint i = 0; job->pass_steps != NULL && i < job->pass_steps->len; i++)
    total += g_array_index (job->pass_steps, guint, i);

  return total;
}

static guint
pass_steps (Job *job,
            int  pass)
{
  if (job->pass_steps == NULL || pass < 0 || (guint) pass >= job->pass_steps->len)
    return 0;

  return g_array_index (job->pass_steps, guint, pass);
}

/* The sampling stage: every pass folded into one fraction by its steps,
 * and the time left from how long the last steps took. The time left goes
 * with the progress (inb_progress_set_eta()), not in the stage's words: the
 * window and the command line say it as for every backend
 * (inb_job_format_time_left(): "about 1 h 20 min"). */
static void
report_sampling (Job *job)
{
  guint total = total_steps (job);
  guint n_passes = job->pass_steps != NULL ? job->pass_steps->len : 0;
  guint this_pass = MAX (1, pass_steps (job, job->pass));
  double done = 0.0;
  double within = job->pass_max > 0 ? CLAMP (job->pass_value / job->pass_max, 0.0, 1.0) : 0.0;
  double fraction, left = -1.0;
  guint step, steps;
  g_autofree char *stage = NULL;

  for (int i = 0; i < job->pass; i++)
    done += pass_steps (job, i);
  done += within * this_pass;
  fraction = total > 0 ? done / total : within;

  if (job->step_seconds > 0 && total > 0)
    left = (total - done) * job->step_seconds;
  if (job->progress != NULL)
    inb_progress_set_eta (job->progress, left);

  step = (guint) MAX (0.0, job->pass_value);
  steps = (guint) MAX (1.0, job->pass_max);
  if (n_passes > 1)
    /* Translators: "Sampling, pass 1 of 2: step 3 of 10" */
    stage = g_strdup_printf (_("Sampling, pass %d of %u: step %u of %u"), job->pass + 1, n_passes, step, steps);
  else
    /* Translators: "Sampling: step 3 of 20" */
    stage = g_strdup_printf (_("Sampling: step %u of %u"), step, steps);

  report (job, INB_COMFYUI_PROGRESS_SAMPLING +
               (INB_COMFYUI_PROGRESS_DECODING - INB_COMFYUI_PROGRESS_SAMPLING) * fraction, stage);
}

static const char *
node_class_of (Job        *job,
               const char *node_id)
{
  JsonObject *graph = inb_comfyui_workflow_get_graph (job->workflow);
  JsonObject *node;

  if (node_id == NULL || !json_object_has_member (graph, node_id))
    return NULL;

  node = json_object_get_object_member (graph, node_id);
  return json_object_get_string_member_with_default (node, "class_type", NULL);
}

static int
pass_index (Job        *job,
            const char *node_id)
{
  const char * const *passes = inb_comfyui_workflow_get_passes (job->workflow);

  for (int i = 0; node_id != NULL && passes != NULL && passes[i] != NULL; i++)
    if (g_str_equal (passes[i], node_id))
      return i;

  return -1;
}

/* A node started: say what the server is doing. */
static void
on_executing (Job        *job,
              const char *node_id)
{
  const char *klass = node_class_of (job, node_id);
  int pass = pass_index (job, node_id);

  job->phase = PHASE_RUNNING;

  if (pass >= 0)
    {
      if (pass != job->pass)
        {
          job->pass = pass;
          job->pass_value = 0;
          job->pass_max = MAX (1, pass_steps (job, pass));
          job->pass_step_at = 0;
          g_free (job->pass_node);
          job->pass_node = g_strdup (node_id);
        }
      if (job->sampling_started == 0)
        job->sampling_started = g_get_monotonic_time ();
      report_sampling (job);
      return;
    }

  if (job->pass >= 0 && klass != NULL)
    {
      if (job->sampling_ended == 0 && (guint) job->pass + 1 >= job->pass_steps->len)
        job->sampling_ended = g_get_monotonic_time ();
      if (g_str_has_prefix (klass, "Save") || g_str_equal (klass, "VHS_VideoCombine") ||
          g_str_equal (klass, "CreateVideo"))
        report (job, INB_COMFYUI_PROGRESS_DECODING + 0.02, _("Saving the video on the server"));
      else if (strstr (klass, "Decode") != NULL)
        report (job, INB_COMFYUI_PROGRESS_DECODING, _("Decoding the frames"));
      return;
    }

  /* Before sampling: say the long parts (loading, encoding), keep the
   * stage through the quick ones */
  if (klass != NULL && strstr (klass, "Loader") != NULL)
    report (job, INB_COMFYUI_PROGRESS_LOADING, _("Loading the models"));
  else if (klass != NULL && strstr (klass, "Encode") != NULL)
    report (job, INB_COMFYUI_PROGRESS_LOADING, _("Encoding the prompt and keyframes"));
}

static void
on_progress (Job        *job,
             const char *node_id,
             double      value,
             double      max)
{
  int pass = pass_index (job, node_id);
  gint64 now = g_get_monotonic_time ();

  /* A workflow whose samplers we do not know: each node that counts steps
   * is a pass of its own */
  if (pass < 0 && inb_comfyui_workflow_get_passes (job->workflow)[0] == NULL)
    {
      if (g_strcmp0 (node_id, job->pass_node) == 0)
        pass = job->pass;
      else
        {
          guint steps = (guint) MAX (1.0, max);

          pass = job->pass + 1;
          if ((guint) pass >= job->pass_steps->len)
            g_array_append_val (job->pass_steps, steps);
        }
    }
  if (pass < 0)
    return;   /* another node's progress (a tiled decode, say) */

  if (pass != job->pass || g_strcmp0 (node_id, job->pass_node) != 0)
    {
      job->pass = pass;
      job->pass_step_at = 0;
      g_free (job->pass_node);
      job->pass_node = g_strdup (node_id);
    }

  job->phase = PHASE_RUNNING;
  if (job->sampling_started == 0)
    job->sampling_started = now;

  /* Step timing: the mean of the steps seen, leaning to the latest */
  if (job->pass_step_at != 0 && value > job->pass_value)
    {
      double seconds = (now - job->pass_step_at) / (double) G_USEC_PER_SEC / (value - job->pass_value);

      job->step_seconds = job->step_seconds < 0 ? seconds : 0.7 * job->step_seconds + 0.3 * seconds;
    }
  job->pass_step_at = now;
  job->pass_value = value;
  job->pass_max = max;

  report_sampling (job);
}

/* Finishing --------------------------------------------------------------------- */

static void job_poll_later (Job *job, guint ms);

static void
follow_end (Job    *job,
            GError *error)
{
  if (job->phase == PHASE_DONE)
    {
      g_clear_error (&error);
      return;
    }

  job->phase = PHASE_DONE;
  g_clear_error (&job->error);
  job->error = error;
  g_main_loop_quit (job->loop);
}

static void
enter_finishing (Job *job)
{
  if (job->phase == PHASE_FINISHING || job->phase == PHASE_DONE)
    return;

  job->phase = PHASE_FINISHING;
  job->finishing_since = g_get_monotonic_time ();
  if (job->sampling_started != 0 && job->sampling_ended == 0)
    job->sampling_ended = g_get_monotonic_time ();
  /* The history is written just before "executing null": ask for it now */
  job_poll_later (job, 0);
}

/* Websocket --------------------------------------------------------------------- */

static gboolean
is_ours (Job        *job,
         JsonObject *data)
{
  const char *id = data != NULL ? inb_json_get_string (data, "prompt_id") : NULL;

  /* Events without a prompt id reach only our client id's socket */
  return id == NULL || g_strcmp0 (id, job->prompt_id) == 0;
}

static void
socket_message (const char *type,
                JsonObject *data,
                gpointer    user_data)
{
  Job *job = user_data;

  if (job->phase == PHASE_DONE || !is_ours (job, data))
    return;

  if (g_str_equal (type, "execution_start"))
    {
      job->phase = PHASE_RUNNING;
      report (job, INB_COMFYUI_PROGRESS_LOADING, _("Starting on the server"));
    }
  else if (g_str_equal (type, "executing"))
    {
      JsonNode *node = data != NULL && json_object_has_member (data, "node") ? json_object_get_member (data, "node") : NULL;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          /* "node": null: the prompt is done and its history written */
          if (data != NULL && inb_json_get_string (data, "prompt_id") != NULL)
            enter_finishing (job);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        on_executing (job, json_node_get_string (node));
    }
  else if (g_str_equal (type, "progress"))
    {
      gint64 value = 0, max = 0;
      const char *node = inb_json_get_string (data, "node");

      if (inb_json_get_int (data, "value", &value) && inb_json_get_int (data, "max", &max) && max > 0)
        on_progress (job, node, (double) value, (double) max);
    }
  else if (g_str_equal (type, "execution_error"))
    {
      g_clear_pointer (&job->error_data, json_object_unref);
      job->error_data = data != NULL ? json_object_ref (data) : json_object_new ();
      enter_finishing (job);
    }
  else if (g_str_equal (type, "execution_interrupted") || g_str_equal (type, "execution_success"))
    enter_finishing (job);
}

static void
socket_preview (GBytes     *image,
                const char *prompt_id,
                gpointer    user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) preview = NULL;

  if (job->phase != PHASE_RUNNING || job->progress == NULL ||
      (prompt_id != NULL && g_strcmp0 (prompt_id, job->prompt_id) != 0))
    return;

  preview = inb_comfyui_decode_preview (image, PREVIEW_MAX_SIDE, &error);
  if (preview == NULL)
    {
      g_debug ("A preview did not decode: %s", error->message);
      return;
    }

  job->n_previews++;
  inb_progress_set_preview (job->progress, preview);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  Job *job = user_data;

  g_clear_pointer (&job->reconnect_source, g_source_unref);
  if (job->socket != NULL && job->phase != PHASE_DONE)
    inb_comfyui_socket_reconnect (job->socket);

  return G_SOURCE_REMOVE;
}

static void
socket_opened (gpointer user_data)
{
  Job *job = user_data;

  job->socket_opened = TRUE;
  job->reconnect_ms = 500;
  g_debug ("ComfyUI websocket open for prompt %s", job->prompt_id);
}

static void
socket_closed (gpointer user_data)
{
  Job *job = user_data;

  if (job->phase == PHASE_DONE || job->reconnect_source != NULL)
    return;

  /* Polling carries on; the socket comes back when it can */
  job->reconnect_ms = job->reconnect_ms == 0 ? 500 : MIN (RECONNECT_MAX_MS, job->reconnect_ms * 2);
  job->reconnect_source = g_timeout_source_new (job->reconnect_ms);
  g_source_set_static_name (job->reconnect_source, "[inb] comfyui reconnect");
  g_source_set_callback (job->reconnect_source, reconnect_cb, job, NULL);
  g_source_attach (job->reconnect_source, job->context);
}

static const InbComfyuiSocketFuncs socket_funcs = {
  .opened = socket_opened,
  .message = socket_message,
  .preview = socket_preview,
  .closed = socket_closed,
};

/* Polling ------------------------------------------------------------------------ */

static void
lost_error (Job     *job,
            GError **error)
{
  /* Translators: a server name, a prompt id, the server name again */
  g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
               _("%s no longer knows prompt %s: it is neither in its queue nor in its history, so ComfyUI "
                 "was restarted (or its history cleared) before the clip was fetched. Nothing was sent again."),
               job->service, job->prompt_id);
}

/* One look at the server: the history first (done?), then the queue. */
static void
poll_once (Job *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = NULL;
  InbComfyuiQueueState state;
  gboolean socket_up = job->socket != NULL && inb_comfyui_socket_is_open (job->socket);
  guint ahead = 0;

  GCancellable *cancellable = job->confirm != NULL ? job->confirm : job->own;
  InbHttpClient *client = inb_comfyui_api_get_client (job->api);
  guint stalls = inb_http_client_get_n_stalls (client);

  job->n_polls++;
  entry = inb_comfyui_api_get_history (job->api, job->prompt_id, cancellable, &error);
  if (entry == NULL && error == NULL && job->phase == PHASE_FINISHING)
    {
      /* Said to be over, but no history yet: a moment more */
      if (g_get_monotonic_time () - job->finishing_since > FINISHING_LIMIT_S * G_USEC_PER_SEC)
        {
          g_set_error (&error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("ComfyUI said prompt %s ended but kept no history of it"), job->prompt_id);
          follow_end (job, g_steal_pointer (&error));
          return;
        }
      job_poll_later (job, POLL_FINISHING_MS);
      return;
    }

  if (entry == NULL && error == NULL)
    inb_comfyui_api_find_in_queue (job->api, job->prompt_id, &state, &ahead, cancellable, &error);

  if (error != NULL)
    {
      gint64 now = g_get_monotonic_time ();

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Cancelled by the artist: the cancel goes out next
           * (cancelled_cb); or the server did not confirm it in time
           * (its polls stalled): we stop all the same, and say so */
          if (job->cancel_sent)
            {
              g_message ("ComfyUI did not confirm that prompt %s stopped", job->prompt_id);
              follow_end (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
            }
          return;
        }

      /* The server is away (restarting?): keep asking for a while */
      if (job->unreachable_since == 0)
        job->unreachable_since = now;
      g_debug ("Polling prompt %s: %s", job->prompt_id, error->message);
      if (now - job->unreachable_since > (gint64) UNREACHABLE_LIMIT_S * G_USEC_PER_SEC)
        {
          follow_end (job, g_steal_pointer (&error));
          return;
        }

      /* There, but stuck: it took each poll and said nothing */
      if (inb_http_client_get_n_stalls (client) != stalls)
        job->stalled_polls++;
      else
        job->stalled_polls = 0;
      if (job->stalled_polls >= STALLED_POLLS_LIMIT)
        {
          /* Translators: why (the server accepted the connection but did
           * not answer within N s), how many polls, then a prompt id */
          follow_end (job, g_error_new (INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                                        _("%s, %u times in a row, so Inbetween stopped waiting. Prompt %s may "
                                          "still finish there."),
                                        error->message, job->stalled_polls, job->prompt_id));
          return;
        }
      report (job, -1, _("ComfyUI does not answer; still trying"));
      job_poll_later (job, POLL_SOCKET_DOWN_MS * 2);
      return;
    }
  job->unreachable_since = 0;
  job->stalled_polls = 0;

  if (entry != NULL)
    {
      g_clear_pointer (&job->history, json_object_unref);
      job->history = g_steal_pointer (&entry);
      follow_end (job, NULL);
      return;
    }

  if (state == INB_COMFYUI_QUEUE_NONE)
    {
      /* Twice in a row, a poll apart: it finished between the two calls,
       * or the server lost it */
      if (++job->unknown_polls >= 2)
        {
          lost_error (job, &error);
          follow_end (job, g_steal_pointer (&error));
          return;
        }
      job_poll_later (job, POLL_FINISHING_MS);
      return;
    }

  job->unknown_polls = 0;
  if (state == INB_COMFYUI_QUEUE_PENDING)
    {
      g_autofree char *stage = NULL;

      job->phase = PHASE_WAITING;
      if (ahead > 0)
        /* Translators: "2 prompts ahead in the ComfyUI queue" */
        stage = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u prompt ahead in the %s queue",
                                              "%u prompts ahead in the %s queue", ahead),
                                 ahead, job->service);
      else
        stage = g_strdup_printf (_("Waiting in the %s queue"), job->service);
      report (job, INB_COMFYUI_PROGRESS_QUEUED, stage);
    }
  else if (job->phase == PHASE_WAITING)
    {
      /* Running, and the socket did not say (it is down): say so */
      job->phase = PHASE_RUNNING;
      if (!socket_up)
        report (job, INB_COMFYUI_PROGRESS_LOADING, _("Running on the server (no live progress: polling)"));
    }

  job_poll_later (job, socket_up ? POLL_SOCKET_UP_MS : POLL_SOCKET_DOWN_MS);
}

static gboolean
poll_cb (gpointer user_data)
{
  Job *job = user_data;

  g_clear_pointer (&job->poll_source, g_source_unref);
  if (job->phase == PHASE_DONE)
    return G_SOURCE_REMOVE;

  if (job->cancel_sent && g_get_monotonic_time () > job->cancel_deadline)
    {
      /* It does not stop: we do, and say so */
      g_message ("ComfyUI did not confirm that prompt %s stopped", job->prompt_id);
      follow_end (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
      return G_SOURCE_REMOVE;
    }

  poll_once (job);
  return G_SOURCE_REMOVE;
}

static void
job_poll_later (Job   *job,
                guint  ms)
{
  if (job->phase == PHASE_DONE)
    return;

  if (job->poll_source != NULL)
    {
      g_source_destroy (job->poll_source);
      g_clear_pointer (&job->poll_source, g_source_unref);
    }

  if (job->cancel_sent)
    ms = MIN (ms, 250);

  job->poll_source = ms == 0 ? g_idle_source_new () : g_timeout_source_new (ms);
  g_source_set_static_name (job->poll_source, "[inb] comfyui poll");
  g_source_set_callback (job->poll_source, poll_cb, job, NULL);
  g_source_attach (job->poll_source, job->context);
}

/* Cancel -------------------------------------------------------------------------- */

static gboolean
confirm_deadline_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Any thread: the caller cancelled; a poll waiting on the server stops */
static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) own = NULL;

  g_clear_pointer (&job->cancel_source, g_source_unref);
  if (job->phase == PHASE_DONE)
    return G_SOURCE_REMOVE;

  job->cancelled = TRUE;

  /* Left for later: the prompt runs on there, and the next start resumes it */
  if (inb_request_get_leave_remote (job->request))
    {
      g_debug ("Prompt %s left running on ComfyUI", job->prompt_id);
      follow_end (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
      return G_SOURCE_REMOVE;
    }

  report (job, -1, _("Cancelling on the server"));
  own = g_cancellable_new ();
  if (!inb_comfyui_api_cancel (job->api, job->prompt_id, own, &error))
    {
      g_message ("Could not cancel prompt %s on ComfyUI: %s", job->prompt_id, error->message);
      follow_end (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
      return G_SOURCE_REMOVE;
    }

  /* Wait (a little) to see it stop: interrupted, or gone from the queue.
   * A poll that stalls is given up at the deadline from the caller's
   * context (this thread waits in it) */
  job->cancel_sent = TRUE;
  job->cancel_deadline = g_get_monotonic_time () + CANCEL_WAIT_S * G_USEC_PER_SEC;
  job->confirm = g_cancellable_new ();
  job->confirm_deadline = g_timeout_source_new_seconds (CANCEL_WAIT_S);
  g_source_set_static_name (job->confirm_deadline, "[inb] comfyui cancel deadline");
  g_source_set_callback (job->confirm_deadline, confirm_deadline_cb, g_object_ref (job->confirm), g_object_unref);
  g_source_attach (job->confirm_deadline, g_task_get_context (job->task));
  job_poll_later (job, 100);
  return G_SOURCE_REMOVE;
}

/* Following ----------------------------------------------------------------------- */

static void
stop_sources (Job *job)
{
  GSource **sources[] = { &job->poll_source, &job->cancel_source, &job->reconnect_source };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (*sources[i] != NULL)
      {
        g_source_destroy (*sources[i]);
        g_clear_pointer (sources[i], g_source_unref);
      }
}

/* How long the submit waits for the websocket: SOCKET_WAIT_MS, or
 * INBETWEEN_COMFYUI_SOCKET_WAIT_MS (tests set it high, so that "the
 * socket is open before the submit" holds under valgrind too). */
static gint64
socket_wait_ms (void)
{
  const char *env = g_getenv ("INBETWEEN_COMFYUI_SOCKET_WAIT_MS");
  guint64 ms;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 10 * 60 * 1000, &ms, NULL))
    return (gint64) ms;

  return SOCKET_WAIT_MS;
}

static void
open_socket (Job *job)
{
  gint64 deadline;

  if (job->socket != NULL)
    return;

  job->socket = inb_comfyui_socket_new (job->base_url, job->client_id, &socket_funcs, job);

  /* Open before the submit, so no event is missed (a little while at most) */
  deadline = g_get_monotonic_time () + socket_wait_ms () * 1000;
  while (!job->socket_opened && job->reconnect_source == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (job->context, TRUE);
}

static void
close_socket (Job *job)
{
  if (job->socket == NULL)
    return;

  inb_comfyui_socket_free (g_steal_pointer (&job->socket));
  /* Let the cancelled connect finish on this context */
  while (g_main_context_iteration (job->context, FALSE))
    ;
}

/* Follows the prompt to its end: TRUE with job->history set, or an error. */
static gboolean
follow (Job     *job,
        GError **error)
{
  job->phase = PHASE_WAITING;
  job->pass = -1;
  job->step_seconds = -1;

  job->cancel_source = g_cancellable_source_new (job->cancellable);
  g_source_set_static_name (job->cancel_source, "[inb] comfyui cancel");
  g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (cancelled_cb), job, NULL);
  g_source_attach (job->cancel_source, job->context);

  job_poll_later (job, POLL_FINISHING_MS);
  g_main_loop_run (job->loop);
  stop_sources (job);
  close_socket (job);
  if (job->confirm_deadline != NULL)
    {
      g_source_destroy (job->confirm_deadline);
      g_clear_pointer (&job->confirm_deadline, g_source_unref);
    }

  if (job->cancelled)
    {
      g_clear_error (&job->error);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }

  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_comfyui_read_history:
 * @history: the prompt's /history entry
 * @error_data: (nullable): execution_error's data, when the websocket
 *   brought one
 * @output_node: (nullable): the node whose clip is wanted
 *
 * What the history says: the clip, or why there is none.
 *
 * Returns: (transfer full) (nullable): the clip, or %NULL with @error set
 */
InbComfyuiFile *
inb_comfyui_read_history (JsonObject  *history,
                          JsonObject  *error_data,
                          const char  *prompt_id,
                          const char  *output_node,
                          GError     **error)
{
  JsonObject *status = inb_json_get_object (history, "status");
  const char *status_str = inb_json_get_string (status, "status_str");
  JsonArray *messages = inb_json_get_array (status, "messages");
  gboolean interrupted = FALSE;

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *item = json_array_get_element (messages, i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (item) ? json_node_get_array (item) : NULL;
      JsonNode *name, *data;

      if (pair == NULL || json_array_get_length (pair) < 2)
        continue;
      name = json_array_get_element (pair, 0);
      data = json_array_get_element (pair, 1);
      if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
        continue;
      if (g_str_equal (json_node_get_string (name), "execution_interrupted"))
        interrupted = TRUE;
      else if (g_str_equal (json_node_get_string (name), "execution_error") && error_data == NULL &&
               JSON_NODE_HOLDS_OBJECT (data))
        error_data = json_node_get_object (data);
    }

  if (g_strcmp0 (status_str, "success") != 0 || interrupted || error_data != NULL)
    {
      if (interrupted)
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("Prompt %s was interrupted on the server (Cancel pressed in ComfyUI, or another "
                       "program interrupted it)"), prompt_id);
      else if (error_data != NULL)
        {
          g_autofree char *message = inb_comfyui_describe_execution_error (error_data);

          g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE, message);
        }
      else
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("ComfyUI could not run prompt %s (%s)"), prompt_id,
                     status_str != NULL ? status_str : _("no status"));
      return NULL;
    }

  return inb_comfyui_find_clip (inb_json_get_object (history, "outputs"), output_node, error);
}

static InbComfyuiFile *
read_history (Job     *job,
              GError **error)
{
  return inb_comfyui_read_history (job->history, job->error_data, job->prompt_id,
                                   inb_comfyui_workflow_get_output (job->workflow), error);
}

/* Download ------------------------------------------------------------------------- */

static void
download_progress (goffset  received,
                   goffset  total,
                   gpointer user_data)
{
  Job *job = user_data;
  double fraction = total > 0 ? (double) received / (double) total : 0.0;

  report (job, INB_COMFYUI_PROGRESS_DOWNLOAD + (INB_COMFYUI_PROGRESS_VERIFY - INB_COMFYUI_PROGRESS_DOWNLOAD) * fraction,
          _("Fetching the clip"));
}

static const char *
extension_of (const char *name)
{
  const char *dot = strrchr (name, '.');

  return dot != NULL && strlen (dot) <= 5 ? dot : ".mp4";
}

static InbResult *
fetch_clip (Job             *job,
            InbComfyuiFile  *file,
            GError         **error)
{
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *download = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *server_file = NULL;
  InbResult *result;
  JsonObject *metadata;
  g_autoptr(GList) members = NULL;
  guint stalls;

  if (g_mkdir_with_parents (job->work_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not create %s: %s"), job->work_dir, g_strerror (saved));
      return NULL;
    }

  lower = g_ascii_strdown (extension_of (file->filename), -1);
  name = g_strdup_printf ("%s-%s%s", job->service_id, job->prompt_id, lower);
  g_strdelimit (name, "/\\:", '_');
  download = g_build_filename (job->work_dir, name, NULL);

  g_free (job->video_url);
  job->video_url = inb_comfyui_api_view_url (job->api, file);
  job_record_quietly (job, INB_REMOTE_STATE_DOWNLOADING, NULL);

  report (job, INB_COMFYUI_PROGRESS_DOWNLOAD, _("Fetching the clip"));
  /* The job's own client: nothing but the download uses it from here */
  inb_http_client_set_retry_policy (inb_comfyui_api_get_client (job->api), DOWNLOAD_ATTEMPTS, 300, 4000,
                                    DOWNLOAD_BUDGET_S);
  stalls = inb_http_client_get_n_stalls (inb_comfyui_api_get_client (job->api));
  if (!inb_http_client_download (inb_comfyui_api_get_client (job->api), job->video_url, download, MAX_VIDEO_BYTES,
                                 download_progress, job, job->cancellable, &local_error))
    {
      g_autofree char *message =
        inb_comfyui_api_describe_error (job->api, local_error,
                                        inb_http_client_get_n_stalls (inb_comfyui_api_get_client (job->api)) != stalls);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not fetch %s from ComfyUI: %s"), file->filename, message);
      return NULL;
    }

  /* Untrusted like every download: probed in the helper process */
  report (job, INB_COMFYUI_PROGRESS_VERIFY, _("Verifying the clip"));
  if (!inb_video_probe_isolated (download, 0, &info, job->cancellable, &local_error))
    {
      g_autofree char *quarantined = g_strconcat (download, ".quarantined", NULL);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_unlink (download);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_rename (download, quarantined);
      job_record_quietly (job, INB_REMOTE_STATE_UNVERIFIED, local_error->message);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("ComfyUI's file %s is not a playable video: %s. It was set aside; prompt %s stays in "
                     "ComfyUI's history, so it can be fetched again."),
                   file->filename, local_error->message, job->prompt_id);
      return NULL;
    }

  /* A full disk or an I/O error: a file error (exit status 1), as with
   * the other hosted providers */
  if (!inb_cloud_move_clip (download, job->output_path, error))
    return NULL;

  result = inb_result_new (job->output_path);
  inb_result_set_video_info (result, info.width, info.height, info.n_frames, info.fps);
  metadata = inb_result_get_metadata (result);
  json_object_set_string_member (metadata, "service", job->service_id);
  json_object_set_string_member (metadata, "model", inb_request_get_model_id (job->request));
  json_object_set_string_member (metadata, "task_id", job->prompt_id);
  json_object_set_string_member (metadata, "server", job->base_url);
  /* (a path built here was leaked on every clip from a subfolder: found by
   * LeakSanitizer in test-comfyui-cli) */
  server_file = *file->subfolder != '\0' ? g_build_filename (file->subfolder, file->filename, NULL)
                                         : g_strdup (file->filename);
  json_object_set_string_member (metadata, "server_file", server_file);
  members = json_object_get_members (job->metadata);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (metadata, l->data, json_node_copy (json_object_get_member (job->metadata, l->data)));

  job_record_quietly (job, INB_REMOTE_STATE_DONE, NULL);
  return result;
}

/* The whole job ----------------------------------------------------------------- */

static GBytes *
encode_png (InbImage  *image,
            GError   **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  char *buffer = NULL;
  gsize size = 0;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) inb_image_get_width (image), (int) inb_image_get_height (image),
                                      (int) inb_image_get_stride (image));
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", error, "compression", "3", NULL))
    return NULL;

  return g_bytes_new_take (buffer, size);
}

/* Where the server would refuse the graph, said before anything is sent:
 * node types it lacks, inputs it wants that the graph does not set, model
 * files it does not have. */
static gboolean
preflight (Job         *job,
           GError     **error)
{
  g_auto(GStrv) classes = inb_comfyui_workflow_dup_classes (job->workflow);
  g_autoptr(GHashTable) specs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) files = inb_comfyui_workflow_list_model_files (job->workflow, inb_request_get_params (job->request));
  g_autoptr(GPtrArray) missing_nodes = g_ptr_array_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  JsonObject *graph = inb_comfyui_workflow_get_graph (job->workflow);
  g_autoptr(GList) ids = json_object_get_members (graph);
  GError *local_error = NULL;

  report (job, INB_COMFYUI_PROGRESS_CHECK, _("Checking the ComfyUI server"));

  for (guint i = 0; classes[i] != NULL; i++)
    {
      JsonObject *spec = NULL;

      if (!inb_comfyui_api_get_class (job->api, classes[i], &spec, job->cancellable, &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (spec == NULL)
        g_ptr_array_add (missing_nodes, classes[i]);
      else
        g_hash_table_insert (specs, g_strdup (classes[i]), spec);
    }

  if (missing_nodes->len > 0)
    {
      g_ptr_array_add (missing_nodes, NULL);
      {
        g_autofree char *list = g_strjoinv ("”, “", (char **) missing_nodes->pdata);

        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "ComfyUI at %s has no node “%s”: install the custom node that provides it "
                                  "(ComfyUI Manager can find it), then restart ComfyUI. Nothing was sent.",
                                  "ComfyUI at %s has no nodes “%s”: install the custom nodes that provide them "
                                  "(ComfyUI Manager can find them), then restart ComfyUI. Nothing was sent.",
                                  missing_nodes->len - 1),
                     job->base_url, list);
      }
      return FALSE;
    }

  /* Inputs the server's version of a node requires that the graph lacks */
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = json_object_get_object_member (graph, l->data);
      const char *klass = json_object_get_string_member_with_default (node, "class_type", "");
      JsonObject *inputs = json_object_get_object_member (node, "inputs");
      JsonObject *spec = g_hash_table_lookup (specs, klass);
      JsonObject *required = inb_json_get_object (inb_json_get_object (spec, "input"), "required");
      g_autoptr(GList) names = required != NULL ? json_object_get_members (required) : NULL;

      for (GList *n = names; n != NULL; n = n->next)
        if (!json_object_has_member (inputs, n->data))
          {
            if (problems->len > 0)
              g_string_append (problems, "\n");
            g_string_append_printf (problems, _("ComfyUI's %s (node %s) needs an input “%s” the workflow does not "
                                                "set: the server's ComfyUI is newer or older than the workflow"),
                                    klass, (const char *) l->data, (const char *) n->data);
          }
    }

  /* Model files, from the folder lists (or, where the server has no such
   * folder, from the loader's own list of choices) */
  for (guint i = 0; i < files->len; i++)
    {
      InbComfyuiModelFile *file = g_ptr_array_index (files, i);
      GStrv list;

      if (!g_hash_table_contains (folders, file->folder))
        {
          GStrv names = inb_comfyui_api_list_models (job->api, file->folder, job->cancellable, &local_error);

          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          g_hash_table_insert (folders, g_strdup (file->folder), names);
        }

      list = g_hash_table_lookup (folders, file->folder);
      if (list == NULL)
        {
          JsonObject *node = json_object_get_object_member (graph, file->ref.node);
          JsonObject *spec = g_hash_table_lookup (specs, json_object_get_string_member_with_default (node, "class_type", ""));
          JsonObject *required = inb_json_get_object (inb_json_get_object (spec, "input"), "required");
          JsonArray *entry = inb_json_get_array (required, file->ref.input);
          JsonNode *choices = entry != NULL && json_array_get_length (entry) > 0 ? json_array_get_element (entry, 0) : NULL;
          JsonArray *options = NULL;

          if (choices != NULL && JSON_NODE_HOLDS_ARRAY (choices))
            options = json_node_get_array (choices);
          else if (entry != NULL && json_array_get_length (entry) > 1 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (entry, 1)))
            options = inb_json_get_array (json_array_get_object_element (entry, 1), "options");

          if (options != NULL)
            {
              g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

              for (guint k = 0; k < json_array_get_length (options); k++)
                {
                  JsonNode *option = json_array_get_element (options, k);

                  if (JSON_NODE_HOLDS_VALUE (option) && json_node_get_value_type (option) == G_TYPE_STRING)
                    g_strv_builder_add (builder, json_node_get_string (option));
                }
              list = g_strv_builder_end (builder);
              g_hash_table_insert (folders, g_strdup (file->folder), list);
            }
        }

      if (list != NULL && !g_strv_contains ((const char * const *) list, file->name))
        {
          if (problems->len > 0)
            g_string_append (problems, "\n");
          /* Translators: a model file, then a folder: "x.safetensors is not in diffusion_models on the server" */
          g_string_append_printf (problems, _("%s is not in %s on the server"), file->name, file->folder);
        }
    }

  if (problems->len > 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s\nNothing was sent to ComfyUI at %s."), problems->str, job->base_url);
      return FALSE;
    }

  return TRUE;
}

static char *
upload (Job         *job,
        InbImage    *image,
        const char  *which,
        GError     **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autofree char *filename = NULL;
  g_autofree char *short_id = g_strndup (job->prompt_id, 8);
  GError *local_error = NULL;
  char *name;

  png = encode_png (image, error);
  if (png == NULL)
    return NULL;

  filename = g_strdup_printf ("inbetween-%s-%s.png", short_id, which);
  name = inb_comfyui_api_upload_image (job->api, png, filename, job->cancellable, &local_error);
  if (name == NULL)
    {
      g_propagate_prefixed_error (error, local_error, "%s", _("Uploading a keyframe: "));
      return NULL;
    }

  return name;
}

/* After a lost answer: is it there anyway? */
static gboolean
reconcile (Job *job)
{
  g_autoptr(GCancellable) own = g_cancellable_new ();
  g_autoptr(JsonObject) entry = NULL;
  InbComfyuiQueueState state = INB_COMFYUI_QUEUE_NONE;
  guint ahead;

  entry = inb_comfyui_api_get_history (job->api, job->prompt_id, own, NULL);
  if (entry != NULL)
    return TRUE;

  return inb_comfyui_api_find_in_queue (job->api, job->prompt_id, &state, &ahead, own, NULL) &&
         state != INB_COMFYUI_QUEUE_NONE;
}

static gboolean
submit (Job      *job,
        GError  **error)
{
  g_autoptr(InbComfyuiBuilt) built = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *accepted = NULL;
  g_autofree char *dropped = NULL;
  g_autoptr(GDateTime) now = NULL;
  GError *local_error = NULL;

  report (job, INB_COMFYUI_PROGRESS_UPLOAD, _("Uploading the keyframes"));
  first = upload (job, inb_request_get_first (job->request), "first", error);
  if (first == NULL)
    return FALSE;
  last = upload (job, inb_request_get_last (job->request), "last", error);
  if (last == NULL)
    return FALSE;

  built = inb_comfyui_workflow_build (job->workflow, job->model, job->request, job->width, job->height,
                                      first, last, job->negative_default, error);
  if (built == NULL)
    return FALSE;
  g_clear_pointer (&job->pass_steps, g_array_unref);
  job->pass_steps = g_array_ref (built->pass_steps);
  job->n_frames = built->n_frames;
  job->fps = built->fps;
  if (built->negative != NULL)
    json_object_set_string_member (job->metadata, "negative_prompt", built->negative);
  if (built->n_frames > 0)
    json_object_set_int_member (job->metadata, "frames_asked", built->n_frames);

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;

  /* The intent, with the prompt's own id, is on disk before the submit */
  now = g_date_time_new_now_utc ();
  job->submitted = g_date_time_format_iso8601 (now);
  if (!job_record (job, INB_REMOTE_STATE_SUBMITTING, NULL, error))
    return FALSE;
  job->lock = inb_task_lock_acquire (job->work_dir, job->service_id, job->prompt_id, NULL);

  open_socket (job);

  report (job, INB_COMFYUI_PROGRESS_SUBMIT, _("Submitting to ComfyUI"));
  if (!inb_comfyui_api_submit (job->api, built->graph, job->prompt_id, job->client_id,
                               inb_comfyui_workflow_get_output (job->workflow),
                               &accepted, &dropped, job->cancellable, &local_error))
    {
      if (g_error_matches (local_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN) ||
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* The answer was lost: the prompt id says whether it is there */
          if (reconcile (job))
            {
              g_debug ("The submit's answer was lost, but prompt %s is on the server", job->prompt_id);
              g_clear_error (&local_error);
              goto accepted;
            }
          if (g_error_matches (local_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN))
            {
              g_autofree char *said = g_strdup (local_error->message);

              job_record_quietly (job, INB_REMOTE_STATE_SUBMIT_UNKNOWN, local_error->message);
              /* "… may not have been accepted" becomes a sentence of its own */
              if (*said != '\0' && !g_str_has_suffix (said, ".") && !g_str_has_suffix (said, "。"))
                {
                  g_autofree char *ended = g_strconcat (said, ".", NULL);

                  g_free (said);
                  said = g_steal_pointer (&ended);
                }
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                           _("%s Prompt %s is not in ComfyUI's queue or history now; it was not sent again."),
                           said, job->prompt_id);
              g_clear_error (&local_error);
              return FALSE;
            }
        }

      job_record_quietly (job, INB_REMOTE_STATE_NOT_SUBMITTED, local_error->message);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (g_strcmp0 (accepted, job->prompt_id) != 0)
    {
      /* An older server minted its own id: follow that one */
      inb_task_lock_release (g_steal_pointer (&job->lock));
      g_free (job->prompt_id);
      job->prompt_id = g_steal_pointer (&accepted);
      job->lock = inb_task_lock_acquire (job->work_dir, job->service_id, job->prompt_id, NULL);
    }
  if (dropped != NULL)
    {
      /* The clip comes all the same: a warning the take keeps and says */
      g_debug ("Prompt %s: %s", job->prompt_id, dropped);
      json_object_set_string_member (job->metadata, "dropped_outputs", dropped);
      if (job->progress != NULL)
        inb_progress_add_warning (job->progress, dropped);
    }

accepted:
  job_record_quietly (job, INB_REMOTE_STATE_SUBMITTED, NULL);
  report (job, INB_COMFYUI_PROGRESS_QUEUED, _("Waiting in the ComfyUI queue"));
  return TRUE;
}

static InbResult *
run_job (Job     *job,
         GError **error)
{
  g_autoptr(InbComfyuiFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  InbResult *result;

  if (job->resume_id != NULL)
    {
      /* Never submitted again: only asked for by its id */
      job->prompt_id = g_strdup (job->resume_id);
      job->client_id = g_strdup (job->resume_id);
      job->lock = inb_task_lock_acquire (job->work_dir, job->service_id, job->prompt_id, &local_error);
      if (job->lock == NULL && local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      report (job, INB_COMFYUI_PROGRESS_QUEUED, _("Asking ComfyUI about the prompt"));
      open_socket (job);
    }
  else
    {
      if (!preflight (job, error) || !submit (job, error))
        {
          close_socket (job);
          return NULL;
        }
    }

  if (!follow (job, &local_error))
    {
      /* A resumed prompt the server does not know: never submitted, or lost */
      if (job->resume_id != NULL &&
          (job->resume_state == INB_REMOTE_STATE_SUBMITTING || job->resume_state == INB_REMOTE_STATE_SUBMIT_UNKNOWN) &&
          g_error_matches (local_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE) && job->history == NULL &&
          job->n_polls > 0 && job->unknown_polls >= 2)
        {
          g_clear_error (&local_error);
          g_set_error (&local_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("ComfyUI does not know prompt %s: the submit never reached it, or ComfyUI restarted "
                         "since. Nothing runs there, and nothing was sent again."), job->prompt_id);
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_record_quietly (job, INB_REMOTE_STATE_SUBMITTED, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (job->sampling_started != 0)
    {
      gint64 end = job->sampling_ended != 0 ? job->sampling_ended : g_get_monotonic_time ();

      json_object_set_double_member (job->metadata, "sampling_s", (end - job->sampling_started) / (double) G_USEC_PER_SEC);
    }
  json_object_set_int_member (job->metadata, "previews", job->n_previews);
  json_object_set_int_member (job->metadata, "polls", job->n_polls);

  file = read_history (job, &local_error);
  if (file == NULL)
    {
      job_record_quietly (job, INB_REMOTE_STATE_SUBMITTED, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result = fetch_clip (job, file, error);
  if (result != NULL)
    report (job, 1.0, NULL);

  return result;
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  GTask *task = job->task;
  GError *error = NULL;
  InbResult *result;

  g_main_context_push_thread_default (job->context);
  job->api = inb_comfyui_api_new (job->base_url);
  inb_comfyui_api_set_stall_limit (job->api, job->stall_limit);
  job->own = g_cancellable_new ();
  /* (the handler holds its own reference: it may run in another thread
   * while this one lets go of the job's) */
  job->own_handler = g_cancellable_connect (job->cancellable, G_CALLBACK (caller_cancelled_cb),
                                            g_object_ref (job->own), g_object_unref);

  result = run_job (job, &error);
  g_cancellable_disconnect (job->cancellable, job->own_handler);

  if (job->progress != NULL)
    {
      inb_progress_set_eta (job->progress, result != NULL ? 0.0 : -1.0);
    }
  inb_task_lock_release (g_steal_pointer (&job->lock));
  g_main_context_pop_thread_default (job->context);
  g_clear_pointer (&job->loop, g_main_loop_unref);
  g_clear_pointer (&job->context, g_main_context_unref);

  if (result != NULL)
    g_task_return_pointer (task, result, g_object_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);

  return NULL;
}

/**
 * inb_comfyui_job_start:
 *
 * The request must have been validated, and have an output path.
 */
void
inb_comfyui_job_start (const InbComfyuiJobSetup *setup,
                       gpointer                  source_tag,
                       InbRequest               *request,
                       InbProgress              *progress,
                       GCancellable             *cancellable,
                       GAsyncReadyCallback       callback,
                       gpointer                  user_data)
{
  Job *job;
  GTask *task;
  const char *output_path = inb_request_get_output_path (request);
  const char *work_dir = inb_request_get_work_dir (request);
  JsonObject *params = inb_request_get_params (request);
  g_autoptr(GError) error = NULL;

  job = g_new0 (Job, 1);
  job->backend = g_object_ref (setup->backend);
  job->model = g_object_ref (setup->model);
  job->workflow = inb_comfyui_workflow_ref (setup->workflow);
  job->request = g_object_ref (request);
  job->progress = progress != NULL ? g_object_ref (progress) : NULL;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->base_url = g_strdup (setup->base_url);
  job->negative_default = g_strdup (setup->negative_default);
  job->resume_id = g_strdup (setup->resume_id);
  job->resume_state = setup->resume_state;
  job->stall_limit = setup->stall_limit > 0 ? setup->stall_limit : INB_COMFYUI_STALL_LIMIT;
  job->output_path = g_strdup (output_path);
  job->work_dir = work_dir != NULL ? g_strdup (work_dir)
                  : output_path != NULL ? g_path_get_dirname (output_path) : g_get_current_dir ();
  job->service = inb_backend_get_short_name (setup->backend);
  job->service_id = inb_backend_get_id (setup->backend);
  job->metadata = json_object_new ();
  job->pass = -1;
  job->step_seconds = -1;
  job->pass_steps = g_array_new (FALSE, TRUE, sizeof (guint));
  /* Our own ids: the client id is the prompt id, so a resumed job can
   * listen on the socket its prompt's events go to */
  if (job->resume_id == NULL)
    {
      job->prompt_id = g_uuid_string_random ();
      job->client_id = g_strdup (job->prompt_id);
    }

  task = g_task_new (setup->backend, job->cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[inb] comfyui job");
  /* The job says how a cancel ends (after the server confirmed it) */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  job->task = task;

  if (output_path == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("The request has no output path"));
      g_object_unref (task);
      return;
    }

  if (job->resume_id == NULL &&
      !inb_backend_get_frame_size (setup->backend, setup->model, params,
                                   inb_image_get_width (inb_request_get_first (request)),
                                   inb_image_get_height (inb_request_get_first (request)),
                                   &job->width, &job->height, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  job->context = g_main_context_new ();
  job->loop = g_main_loop_new (job->context, FALSE);
  report (job, 0.0, job->resume_id != NULL ? _("Asking ComfyUI about the prompt") : _("Checking the ComfyUI server"));

  /* A thread of its own for the job's life (minutes): not the pool's */
  g_thread_unref (g_thread_new ("inb-comfyui-job", job_thread, job));
}

InbResult *
inb_comfyui_job_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
