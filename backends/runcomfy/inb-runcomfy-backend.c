/* inb-runcomfy-backend.c — RunComfy AI hosted Wan first/last-frame video
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contract: ../shared/research/cloud-apis.md §3. A job (InbCloudJob) is
 *
 *   submit (POST /v1/models/{model_id}, flat node-keyed inputs, keyframes
 *   inline as JPEG data: URIs of at most 6 MiB — the only way to send a
 *   local file; never retried)
 *     → poll GET /v1/requests/{id}/result (3 s, backing off to 5 s), which
 *       answers the current state until done: in_queue (with its queue
 *       position) → in_progress → completed | failed | cancelled; an HTTP
 *       200 carrying an error_code is a failure too
 *     → completed: download output.video (or videos[0]), verify, move it
 *       to the output path.
 *
 * Cancelling while in_queue also cancels at RunComfy; a request in
 * progress answers "not_cancellable" and runs to its end.
 */

#define G_LOG_DOMAIN "inb-runcomfy"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-cloud-job.h"
#include "inb-http.h"
#include "inb-resources.h"
#include "inb-runcomfy-backend.h"

#define RUNCOMFY_MODELS_RESOURCE RESOURCE_BASE "/schemas/runcomfy.json"

#define MAX_IMAGE_BYTES     (6 * 1024 * 1024)
#define MAX_VIDEO_BYTES     ((goffset) 512 * 1024 * 1024)
#define DEFAULT_POLL_FIRST  3000
#define DEFAULT_POLL_MAX    5000
#define MAX_WAIT_SECONDS    (3 * 60 * 60)

struct _InbRuncomfyBackend
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

static void inb_runcomfy_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbRuncomfyBackend, inb_runcomfy_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND,
                                                      inb_runcomfy_backend_iface_init))

/* Answers ---------------------------------------------------------------- */

/* The message of an error body: error_message, message, error or detail. */
static const char *
error_message (JsonObject *root)
{
  static const char * const keys[] = { "error_message", "message", "error", "detail" };
  JsonArray *detail;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (inb_json_get_string (root, keys[i]) != NULL)
      return inb_json_get_string (root, keys[i]);

  /* FastAPI style: {"detail": [{"msg": …}]} */
  detail = inb_json_get_array (root, "detail");
  if (detail != NULL && json_array_get_length (detail) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (detail, 0)))
    return inb_json_get_string (json_array_get_object_element (detail, 0), "msg");

  return NULL;
}

/* Any HTTP failure, or an error_code in a 200 answer, is an error.
 * Returns: (transfer none): the answer object, or %NULL with @error set */
static JsonObject *
check_answer (JsonNode  *node,
              guint      http_status,
              GError   **error)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *message = error_message (root);
  JsonNode *code = root != NULL && json_object_has_member (root, "error_code")
                   ? json_object_get_member (root, "error_code") : NULL;

  if (http_status >= 300)
    {
      g_autofree char *text = g_strdup_printf ("RunComfy: %s", message != NULL ? message : "?");

      if (http_status == 422)
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("RunComfy rejected the inputs: %s"), message != NULL ? message : "?");
      else
        inb_http_set_status_error (error, http_status, text);
      return NULL;
    }

  if (root == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("RunComfy sent an unexpected answer"));
      return NULL;
    }

  if (code != NULL && !JSON_NODE_HOLDS_NULL (code))
    {
      gint64 value = 0;

      inb_json_get_int (root, "error_code", &value);
      if (value == 401 || value == 403)
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH,
                     _("RunComfy refused the API token: %s"), message != NULL ? message : "?");
      else if (value == 402)
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("The RunComfy account has no balance left: %s"), message != NULL ? message : "?");
      else
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("RunComfy reported an error: %s (code %" G_GINT64_FORMAT ")"),
                     message != NULL ? message : "?", value);
      return NULL;
    }

  return root;
}

static gboolean
request_id_is_valid (const char *id)
{
  gsize n = id != NULL ? strlen (id) : 0;

  if (n == 0 || n > 128)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '_' && id[i] != '-')
      return FALSE;

  return TRUE;
}

/* The job ---------------------------------------------------------------- */

static char *
encode_data_uri (InbImage  *image,
                 GError   **error)
{
  g_autoptr(GBytes) jpeg = inb_cloud_encode_jpeg (image, MAX_IMAGE_BYTES, error);
  g_autofree char *base64 = NULL;

  if (jpeg == NULL)
    return NULL;

  base64 = g_base64_encode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  return g_strconcat ("data:image/jpeg;base64,", base64, NULL);
}

static gboolean
runcomfy_submit (InbCloudJob   *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  InbRequest *request = inb_cloud_job_get_request (job);
  JsonObject *params = inb_request_get_params (request);
  const char *prompt = inb_request_get_prompt (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(InbHttpRequest) http = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *last_uri = NULL;
  g_autofree char *escaped = g_uri_escape_string (inb_request_get_model_id (request), "/", FALSE);
  g_autofree char *url = inb_cloud_job_url (job, "/v1/models/%s", escaped);
  const char *request_id;
  JsonObject *root;
  guint status = 0;

  inb_cloud_job_report (job, 0.01, _("Preparing the keyframes"));
  first_uri = encode_data_uri (inb_request_get_first (request), error);
  if (first_uri == NULL)
    return FALSE;
  last_uri = encode_data_uri (inb_request_get_last (request), error);
  if (last_uri == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "68_image");
  json_builder_add_string_value (builder, first_uri);
  json_builder_set_member_name (builder, "62_image");
  json_builder_add_string_value (builder, last_uri);
  json_builder_set_member_name (builder, "6_text");
  json_builder_add_string_value (builder, prompt != NULL ? prompt : "");
  json_builder_set_member_name (builder, "71_widthx71_height");
  json_builder_add_string_value (builder, inb_params_get_string (params, "resolution", "720x720 (1:1)"));
  json_builder_set_member_name (builder, "67_length");
  json_builder_add_int_value (builder, g_ascii_strtoll (inb_params_get_string (params, "length", "81"), NULL, 10));
  json_builder_set_member_name (builder, "73_frame_rate");
  json_builder_add_int_value (builder, inb_params_get_int (params, "fps", 16));
  json_builder_set_member_name (builder, "57_steps");
  json_builder_add_int_value (builder, inb_params_get_int (params, "steps", 20));
  json_builder_set_member_name (builder, "57_cfg");
  json_builder_add_double_value (builder, inb_params_get_double (params, "cfg", 4.0));
  json_builder_set_member_name (builder, "54_shift");
  json_builder_add_double_value (builder, inb_params_get_double (params, "shift", 8.0));
  json_builder_set_member_name (builder, "57_noise_seed");
  json_builder_add_int_value (builder, inb_params_get_int (params, "seed", 96860978));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  http = inb_http_request_new ("POST", url);
  inb_http_request_set_json_body (http, body);

  inb_cloud_job_report (job, 0.05, _("Submitting to RunComfy"));
  node = inb_http_client_send_json (inb_cloud_job_get_client (job), http, &status, cancellable, error);
  if (node == NULL)
    return FALSE;

  if (status == 502 || status == 504)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                   _("RunComfy's gateway failed after the submit (HTTP %u): the job may or may not have been accepted"),
                   status);
      return FALSE;
    }

  root = check_answer (node, status, error);
  if (root == NULL)
    return FALSE;

  request_id = inb_json_get_string (root, "request_id");
  if (request_id_is_valid (request_id))
    inb_cloud_job_set_task_id (job, request_id);

  return TRUE;
}

static gboolean
runcomfy_poll (InbCloudJob    *job,
               InbCloudState  *state,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(InbHttpRequest) http = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = inb_cloud_job_url (job, "/v1/requests/%s/result", inb_cloud_job_get_task_id (job));
  const char *task_id = inb_cloud_job_get_task_id (job);
  JsonObject *root;
  const char *status;
  guint http_status = 0;
  gint64 position = -1;

  http = inb_http_request_new ("GET", url);
  node = inb_http_client_send_json (inb_cloud_job_get_client (job), http, &http_status, cancellable, error);
  if (node == NULL)
    {
      if (http_status == 404)
        {
          g_clear_error (error);
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                       _("RunComfy no longer knows request %s"), task_id);
        }
      return FALSE;
    }

  if (http_status == 404)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                   _("RunComfy no longer knows request %s"), task_id);
      return FALSE;
    }

  root = check_answer (node, http_status, error);
  if (root == NULL)
    return FALSE;

  status = inb_json_get_string (root, "status");
  if (status == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("RunComfy sent a request without a status"));
      return FALSE;
    }

  if (g_str_equal (status, "in_queue") || g_str_equal (status, "pending") || g_str_equal (status, "queued"))
    {
      *state = INB_CLOUD_STATE_QUEUED;
      if (inb_json_get_int (root, "queue_position", &position) && position >= 0)
        inb_cloud_job_set_queue_position (job, position);
      else
        inb_cloud_job_set_queue_position (job, -1);
    }
  else if (g_str_equal (status, "in_progress") || g_str_equal (status, "processing") ||
           g_str_equal (status, "running"))
    *state = INB_CLOUD_STATE_RUNNING;
  else if (g_str_equal (status, "completed") || g_str_equal (status, "succeeded"))
    {
      JsonObject *output = inb_json_get_object (root, "output");
      JsonArray *videos = inb_json_get_array (output, "videos");
      const char *video = inb_json_get_string (output, "video");
      gint64 cost = 0;

      if (video == NULL && videos != NULL && json_array_get_length (videos) > 0)
        {
          JsonNode *first = json_array_get_element (videos, 0);

          if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
            video = json_node_get_string (first);
        }

      if (video == NULL)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("RunComfy finished request %s but sent no video"), task_id);
          return FALSE;
        }

      *state = INB_CLOUD_STATE_SUCCEEDED;
      inb_cloud_job_set_video_url (job, video);
      if (inb_json_get_int (root, "cost", &cost))
        json_object_set_int_member (inb_cloud_job_get_metadata (job), "cost", cost);
    }
  else if (g_str_equal (status, "failed"))
    {
      const char *message = error_message (root);

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("RunComfy could not make the clip: %s"), message != NULL ? message : _("no details"));
      return FALSE;
    }
  else if (g_str_equal (status, "cancelled") || g_str_equal (status, "canceled"))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("Request %s was cancelled at RunComfy"), task_id);
      return FALSE;
    }
  else
    {
      g_debug ("Request %s has an unknown status “%s”; still waiting", task_id, status);
      *state = INB_CLOUD_STATE_RUNNING;
    }

  return TRUE;
}

static gboolean
post_cancel (InbHttpClient  *client,
             const char     *base_url,
             const char     *request_id,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(InbHttpRequest) http = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = g_strdup_printf ("%s/v1/requests/%s/cancel", base_url, request_id);
  const char *outcome;
  JsonObject *root;
  guint status = 0;

  if (!request_id_is_valid (request_id))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("“%s” is not a RunComfy request id"), request_id);
      return FALSE;
    }

  http = inb_http_request_new ("POST", url);
  node = inb_http_client_send_json (client, http, &status, cancellable, error);
  if (node == NULL)
    return FALSE;

  root = check_answer (node, status, error);
  if (root == NULL)
    return FALSE;

  outcome = inb_json_get_string (root, "outcome");
  if (g_strcmp0 (outcome, "not_cancellable") == 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("RunComfy only cancels requests still in the queue: this one is already "
                     "running and will finish (and be billed)"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
runcomfy_cancel (InbCloudJob  *job,
                 GError      **error)
{
  return post_cancel (inb_cloud_job_get_client (job), inb_cloud_job_get_base_url (job),
                      inb_cloud_job_get_task_id (job), NULL, error);
}

static const InbCloudJobClass runcomfy_job_class = {
  .service = "RunComfy",
  .id = "runcomfy",
  .submit = runcomfy_submit,
  .poll = runcomfy_poll,
  .cancel = runcomfy_cancel,
};

/* InbBackend ------------------------------------------------------------ */

static const char *
inb_runcomfy_backend_get_id (InbBackend *backend)
{
  return "runcomfy";
}

static const char *
inb_runcomfy_backend_get_name (InbBackend *backend)
{
  return _("RunComfy AI");
}

static GPtrArray *
inb_runcomfy_backend_get_models (InbBackend *backend)
{
  return INB_RUNCOMFY_BACKEND (backend)->models;
}

static guint
inb_runcomfy_backend_get_max_concurrent (InbBackend *backend,
                                          InbModel   *model)
{
  /* RunComfy queues requests itself; keep a few in flight */
  return 2;
}

static gboolean
parse_size (const char *size,
            guint      *width,
            guint      *height)
{
  guint64 w, h;
  char *end = NULL;

  if (size == NULL)
    return FALSE;

  w = g_ascii_strtoull (size, &end, 10);
  if (end == NULL || *end != 'x')
    return FALSE;
  h = g_ascii_strtoull (end + 1, &end, 10);
  if (end == NULL || (*end != '\0' && *end != ' ') || w == 0 || h == 0 || w > 8192 || h > 8192)
    return FALSE;

  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/* The clip is exactly the chosen size; keyframes are fitted to it. */
static gboolean
inb_runcomfy_backend_get_frame_size (InbBackend  *backend,
                                      InbModel    *model,
                                      JsonObject  *params,
                                      guint        source_width,
                                      guint        source_height,
                                      guint       *width,
                                      guint       *height,
                                      GError     **error)
{
  const char *size = inb_params_get_string (params, "resolution", "720x720 (1:1)");

  if (!parse_size (size, width, height))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("Unknown resolution “%s”"), size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
inb_runcomfy_backend_validate (InbBackend  *backend,
                                InbRequest  *request,
                                GError     **error)
{
  InbRuncomfyBackend *self = INB_RUNCOMFY_BACKEND (backend);
  InbModel *model = inb_backend_find_model (backend, inb_request_get_model_id (request));
  g_autoptr(GError) url_error = NULL;
  InbImage *images[2];

  if (self->api_key == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH,
                   _("No RunComfy API token: set RUNCOMFY_API_TOKEN or add the key in Preferences"));
      return FALSE;
    }

  if (!inb_http_check_url (self->base_url, &url_error))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The RunComfy address is not usable: %s"), url_error->message);
      return FALSE;
    }

  if (model == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("RunComfy has no model “%s”"), inb_request_get_model_id (request));
      return FALSE;
    }

  images[0] = inb_request_get_first (request);
  images[1] = inb_request_get_last (request);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      guint w, h;

      if (images[i] == NULL)
        {
          g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("Both a first and a last keyframe are needed"));
          return FALSE;
        }

      w = inb_image_get_width (images[i]);
      h = inb_image_get_height (images[i]);
      if (w < inb_model_get_min_side (model) || h < inb_model_get_min_side (model) ||
          w > inb_model_get_max_side (model) || h > inb_model_get_max_side (model))
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("A keyframe is %u × %u; RunComfy's %s takes %u to %u pixels a side"),
                       w, h, inb_model_get_id (model),
                       inb_model_get_min_side (model), inb_model_get_max_side (model));
          return FALSE;
        }
    }

  return TRUE;
}

static void
start_job (InbRuncomfyBackend  *self,
           gpointer             source_tag,
           InbRequest          *request,
           InbProgress         *progress,
           const char          *resume_task_id,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(InbHttpClient) client = inb_http_client_new ();
  InbCloudJobOptions options = {
    .poll_first_ms = self->poll_first_ms,
    .poll_max_ms = self->poll_max_ms,
    .max_wait_s = MAX_WAIT_SECONDS,
    .max_video_bytes = MAX_VIDEO_BYTES,
  };

  inb_http_client_set_bearer_token (client, self->api_key);
  inb_http_client_set_retry_policy (client, self->retry_attempts, self->retry_base_ms,
                                    self->retry_max_ms, self->retry_budget_s);

  inb_cloud_job_start (&runcomfy_job_class, &options, self, source_tag,
                       request, progress, client, self->base_url, resume_task_id,
                       NULL, NULL, cancellable, callback, user_data);
}

static void
inb_runcomfy_backend_generate_async (InbBackend          *backend,
                                      InbRequest          *request,
                                      InbProgress         *progress,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  InbRuncomfyBackend *self = INB_RUNCOMFY_BACKEND (backend);
  g_autoptr(GError) error = NULL;

  if (!inb_runcomfy_backend_validate (backend, request, &error))
    {
      g_task_report_error (self, callback, user_data, inb_runcomfy_backend_generate_async,
                           g_steal_pointer (&error));
      return;
    }

  start_job (self, inb_runcomfy_backend_generate_async, request, progress, NULL,
             cancellable, callback, user_data);
}

static InbResult *
inb_runcomfy_backend_generate_finish (InbBackend    *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return inb_cloud_job_finish (result, error);
}

/* Picks up a request submitted earlier (remote_state = {"task_id": …}). */
static void
inb_runcomfy_backend_resume_async (InbBackend          *backend,
                                    InbRequest          *request,
                                    JsonObject          *remote_state,
                                    InbProgress         *progress,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  InbRuncomfyBackend *self = INB_RUNCOMFY_BACKEND (backend);
  const char *task_id = inb_json_get_string (remote_state, "task_id");

  if (task_id == NULL || *task_id == '\0' || self->api_key == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_runcomfy_backend_resume_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               self->api_key == NULL
                               ? _("No RunComfy API token: set RUNCOMFY_API_TOKEN or add the key in Preferences")
                               : _("There is no RunComfy request to resume"));
      return;
    }

  start_job (self, inb_runcomfy_backend_resume_async, request, progress, task_id,
             cancellable, callback, user_data);
}

static InbResult *
inb_runcomfy_backend_resume_finish (InbBackend    *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return inb_cloud_job_finish (result, error);
}

typedef struct
{
  InbHttpClient *client;
  char          *base_url;
  char          *request_id;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_clear_object (&data->client);
  g_free (data->base_url);
  g_free (data->request_id);
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

  if (post_cancel (data->client, data->base_url, data->request_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Cancels a request submitted earlier (remote_state = {"task_id": …}). */
static void
inb_runcomfy_backend_cancel_remote_async (InbBackend          *backend,
                                          InbRequest          *request,
                                          JsonObject          *remote_state,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  InbRuncomfyBackend *self = INB_RUNCOMFY_BACKEND (backend);
  const char *task_id = inb_json_get_string (remote_state, "task_id");
  g_autoptr(GTask) task = NULL;
  CancelData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_runcomfy_backend_cancel_remote_async);
  g_task_set_name (task, "[inb] runcomfy cancel");

  if (task_id == NULL || self->api_key == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               task_id == NULL ? _("There is no RunComfy request to cancel")
                               : _("No RunComfy API token: set RUNCOMFY_API_TOKEN or add the key in Preferences"));
      return;
    }

  data = g_new0 (CancelData, 1);
  data->client = inb_http_client_new ();
  inb_http_client_set_bearer_token (data->client, self->api_key);
  inb_http_client_set_retry_policy (data->client, 1, 0, 0, 0);
  data->base_url = g_strdup (self->base_url);
  data->request_id = g_strdup (task_id);
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);
  g_task_run_in_thread (task, cancel_worker);
}

static gboolean
inb_runcomfy_backend_cancel_remote_finish (InbBackend    *backend,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
inb_runcomfy_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_id = inb_runcomfy_backend_get_id;
  iface->get_name = inb_runcomfy_backend_get_name;
  iface->get_models = inb_runcomfy_backend_get_models;
  iface->get_max_concurrent = inb_runcomfy_backend_get_max_concurrent;
  iface->get_frame_size = inb_runcomfy_backend_get_frame_size;
  iface->validate = inb_runcomfy_backend_validate;
  iface->generate_async = inb_runcomfy_backend_generate_async;
  iface->generate_finish = inb_runcomfy_backend_generate_finish;
  iface->resume_async = inb_runcomfy_backend_resume_async;
  iface->resume_finish = inb_runcomfy_backend_resume_finish;
  iface->cancel_remote_async = inb_runcomfy_backend_cancel_remote_async;
  iface->cancel_remote_finish = inb_runcomfy_backend_cancel_remote_finish;
}

/* GObject --------------------------------------------------------------- */

static void
inb_runcomfy_backend_finalize (GObject *object)
{
  InbRuncomfyBackend *self = INB_RUNCOMFY_BACKEND (object);

  g_clear_pointer (&self->models, g_ptr_array_unref);
  inb_runcomfy_backend_set_api_key (self, NULL);
  g_free (self->base_url);

  G_OBJECT_CLASS (inb_runcomfy_backend_parent_class)->finalize (object);
}

static void
inb_runcomfy_backend_class_init (InbRuncomfyBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_runcomfy_backend_finalize;
}

static void
inb_runcomfy_backend_init (InbRuncomfyBackend  *self)
{
  g_autoptr(GError) error = NULL;
  const char *url = g_getenv ("INBETWEEN_RUNCOMFY_URL");
  const char *poll = g_getenv ("INBETWEEN_RUNCOMFY_POLL_MS");

  (void) inb_get_resource ();

  self->models = inb_model_list_new_from_resource (RUNCOMFY_MODELS_RESOURCE, &error);
  if (self->models == NULL)
    {
      g_critical ("Could not load %s: %s", RUNCOMFY_MODELS_RESOURCE, error->message);
      self->models = g_ptr_array_new_with_free_func (g_object_unref);
    }

  self->base_url = NULL;
  inb_runcomfy_backend_set_base_url (self, url != NULL && *url != '\0' ? url : INB_RUNCOMFY_URL);
  inb_runcomfy_backend_set_api_key (self, g_getenv ("RUNCOMFY_API_TOKEN"));

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
 * inb_runcomfy_backend_new:
 *
 * The key comes from `RUNCOMFY_API_TOKEN` (or inb_runcomfy_backend_set_api_key()),
 * the base URL from `INBETWEEN_RUNCOMFY_URL`, else %INB_RUNCOMFY_URL.
 *
 * Returns: (transfer full): the RunComfy backend
 */
InbBackend *
inb_runcomfy_backend_new (void)
{
  return g_object_new (INB_TYPE_RUNCOMFY_BACKEND, NULL);
}

void
inb_runcomfy_backend_set_api_key (InbRuncomfyBackend  *self,
                                   const char          *api_key)
{
  g_return_if_fail (INB_IS_RUNCOMFY_BACKEND (self));

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
inb_runcomfy_backend_has_api_key (InbRuncomfyBackend  *self)
{
  g_return_val_if_fail (INB_IS_RUNCOMFY_BACKEND (self), FALSE);

  return self->api_key != NULL;
}

void
inb_runcomfy_backend_set_base_url (InbRuncomfyBackend  *self,
                                    const char          *base_url)
{
  gsize len;

  g_return_if_fail (INB_IS_RUNCOMFY_BACKEND (self));
  g_return_if_fail (base_url != NULL);

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
}

const char *
inb_runcomfy_backend_get_base_url (InbRuncomfyBackend  *self)
{
  g_return_val_if_fail (INB_IS_RUNCOMFY_BACKEND (self), NULL);

  return self->base_url;
}

/**
 * inb_runcomfy_backend_set_poll_interval:
 *
 * First poll after @first_ms, then 1.5× longer each time up to @max_ms.
 * Defaults: 3 s to 5 s.
 */
void
inb_runcomfy_backend_set_poll_interval (InbRuncomfyBackend  *self,
                                         guint                first_ms,
                                         guint                max_ms)
{
  g_return_if_fail (INB_IS_RUNCOMFY_BACKEND (self));
  g_return_if_fail (first_ms > 0);

  self->poll_first_ms = first_ms;
  self->poll_max_ms = MAX (first_ms, max_ms);
}

void
inb_runcomfy_backend_set_retry_policy (InbRuncomfyBackend  *self,
                                        guint                max_attempts,
                                        guint                base_delay_ms,
                                        guint                max_delay_ms,
                                        guint                budget_seconds)
{
  g_return_if_fail (INB_IS_RUNCOMFY_BACKEND (self));
  g_return_if_fail (max_attempts >= 1);

  self->retry_attempts = max_attempts;
  self->retry_base_ms = base_delay_ms;
  self->retry_max_ms = max_delay_ms;
  self->retry_budget_s = budget_seconds;
}
