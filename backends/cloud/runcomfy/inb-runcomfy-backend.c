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

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n.h>

#include "inb-cloud-backend.h"
#include "inb-http.h"
#include "inb-runcomfy-backend.h"
#include "inb-runcomfy-private.h"

#define RUNCOMFY_MODELS_RESOURCE RESOURCE_BASE "/schemas/runcomfy.json"

#define MAX_IMAGE_BYTES     (6 * 1024 * 1024)

struct _InbRuncomfyBackend
{
  InbCloudBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (InbRuncomfyBackend, inb_runcomfy_backend, INB_TYPE_CLOUD_BACKEND)

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
                     _("RunComfy reported an error: %s (code %" PRId64 ")"),
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

/**
 * _inb_runcomfy_read_submit:
 *
 * Reads a submit's answer: sets the request id, or @error.
 */
gboolean
_inb_runcomfy_read_submit (InbCloudJob  *job,
                           guint         status,
                           JsonNode     *node,
                           GError      **error)
{
  const char *request_id;
  JsonObject *root;

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
runcomfy_submit (InbCloudJob   *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  InbRequest *request = inb_cloud_job_get_request (job);
  JsonObject *params = inb_request_get_params (request);
  const char *prompt = inb_request_get_prompt (request);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *last_uri = NULL;
  g_autofree char *escaped = g_uri_escape_string (inb_request_get_model_id (request), "/", FALSE);
  g_autofree char *url = inb_cloud_job_url (job, "/v1/models/%s", escaped);
  guint status = 0;

  inb_cloud_job_report (job, 0.01, _("Preparing the keyframes"));
  first_uri = inb_cloud_encode_data_uri (inb_request_get_first (request), MAX_IMAGE_BYTES, error);
  if (first_uri == NULL)
    return FALSE;
  last_uri = inb_cloud_encode_data_uri (inb_request_get_last (request), MAX_IMAGE_BYTES, error);
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

  inb_cloud_job_report (job, 0.05, _("Submitting to RunComfy"));
  node = inb_cloud_job_post_json (job, url, body, &status, cancellable, error);
  if (node == NULL)
    return FALSE;

  return _inb_runcomfy_read_submit (job, status, node, error);
}

/**
 * _inb_runcomfy_read_poll:
 *
 * Reads a poll's answer into @state (queue position, video address,
 * cost), or @error for a failed, cancelled or unknown request.
 */
gboolean
_inb_runcomfy_read_poll (InbCloudJob    *job,
                         guint           http_status,
                         JsonNode       *node,
                         InbCloudState  *state,
                         GError        **error)
{
  const char *task_id = inb_cloud_job_get_task_id (job);
  JsonObject *root;
  const char *status;
  gint64 position = -1;

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
runcomfy_poll (InbCloudJob    *job,
               InbCloudState  *state,
               GCancellable   *cancellable,
               GError        **error)
{
  const char *task_id = inb_cloud_job_get_task_id (job);
  guint http_status = 0;
  g_autoptr(JsonNode) node = inb_cloud_job_query_task (job, "/v1/requests/", "/result",
                                                       &http_status, cancellable, error);

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

  return _inb_runcomfy_read_poll (job, http_status, node, state, error);
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

static const InbCloudJobClass runcomfy_job_class = {
  .submit = runcomfy_submit,
  .poll = runcomfy_poll,
  .cancel = inb_cloud_backend_cancel_job,
};

static const InbBackendRegion runcomfy_regions[] = {
  { "global", N_("Global"), INB_RUNCOMFY_URL, NULL },
  { NULL, NULL, NULL, NULL },
};

/* RunComfy documents no result lifetime: DashScope's 24 h is assumed. It
 * has no task list we know of, so a lost submit is shown to the user. */
static const InbBackendInfo runcomfy_info = {
  .id = "runcomfy",
  .name = N_("RunComfy AI"),
  .short_name = N_("RunComfy"),
  .description = N_("ComfyUI's Wan 2.2 first-last-frame workflow hosted by RunComfy"),
  .key_env = "RUNCOMFY_API_TOKEN",
  .key_url = "https://www.runcomfy.com/profile",
  .url_env = "INBETWEEN_RUNCOMFY_URL",
  .regions = runcomfy_regions,
  .result_lifetime_hours = 24,
  .lost_submit = INB_LOST_SUBMIT_ASK,
};

static void
inb_runcomfy_backend_class_init (InbRuncomfyBackendClass *klass)
{
  InbCloudBackendClass *cloud_class = INB_CLOUD_BACKEND_CLASS (klass);

  cloud_class->job = &runcomfy_job_class;
  cloud_class->info = &runcomfy_info;
  cloud_class->models_resource = RUNCOMFY_MODELS_RESOURCE;
  cloud_class->poll_env = "INBETWEEN_RUNCOMFY_POLL_MS";
  cloud_class->poll_first_ms = 3000;
  cloud_class->poll_max_ms = 5000;
  /* RunComfy queues requests itself; keep a few in flight */
  cloud_class->max_concurrent = 2;
  /* The clip is exactly the chosen size; keyframes are fitted to it */
  cloud_class->size_param = "resolution";
  cloud_class->size_default = "720x720 (1:1)";
  cloud_class->size_separator = 'x';
  cloud_class->size_note = TRUE;
  cloud_class->cancel_task = post_cancel;
}

static void
inb_runcomfy_backend_init (InbRuncomfyBackend *self)
{
}

/**
 * inb_runcomfy_backend_new:
 *
 * The key comes from `RUNCOMFY_API_TOKEN` (or inb_cloud_backend_set_api_key()),
 * the base URL from `INBETWEEN_RUNCOMFY_URL`, else %INB_RUNCOMFY_URL.
 *
 * Returns: (transfer full): the RunComfy backend
 */
InbBackend *
inb_runcomfy_backend_new (void)
{
  return g_object_new (INB_TYPE_RUNCOMFY_BACKEND, NULL);
}
