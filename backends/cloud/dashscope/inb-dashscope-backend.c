/* inb-dashscope-backend.c — Alibaba Model Studio (DashScope) Wan video models
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contract: ../shared/research/cloud-apis.md §1. A job (InbCloudJob) is
 *
 *   submit (POST with the keyframes as JPEG data: URIs, never retried)
 *     → poll GET /tasks/{id} from main-loop timeouts (5 s, backing off to
 *       15 s): PENDING/RUNNING/SUCCEEDED/FAILED/CANCELED/UNKNOWN, failures
 *       in output.code/message under HTTP 200
 *     → SUCCEEDED: download video_url at once (it expires in 24 h),
 *       verify it plays, move it to the output path.
 *
 * Cancelling while the task is still PENDING also cancels it at the
 * service (DashScope only cancels PENDING tasks; a RUNNING one runs to
 * its end and is billed).
 *
 * A submit whose answer was lost can be looked up: the batch query
 * GET /tasks/?model_name=&start_time=&end_time=&page_no=&page_size= lists
 * the account's tasks (list_tasks; inb_cloud_backend_look_up_async()).
 */

#define G_LOG_DOMAIN "inb-dashscope"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-dashscope-backend.h"
#include "inb-dashscope-private.h"
#include "inb-cloud-backend.h"
#include "inb-http.h"

#define DASHSCOPE_MODELS_RESOURCE RESOURCE_BASE "/schemas/dashscope.json"

#define KF2V_PATH "/services/aigc/image2video/video-synthesis"
#define I2V_PATH  "/services/aigc/video-generation/video-synthesis"

#define MAX_IMAGE_BYTES     (10 * 1024 * 1024)

/* Where each stage sits on the progress bar. */
#define PROGRESS_SUBMIT     0.05

struct _InbDashscopeBackend
{
  InbCloudBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (InbDashscopeBackend, inb_dashscope_backend, INB_TYPE_CLOUD_BACKEND)

/* Errors ---------------------------------------------------------------- */

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
                              inb_json_get_string (root, "code"),
                              inb_json_get_string (root, "message"));
}

/* The job: submit, poll, cancel (InbCloudJob does the rest) ------------- */

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
      g_strcmp0 (inb_json_get_string (json_node_get_object (node), "code"), "UnsupportedOperation") == 0)
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
add_image (JsonBuilder *builder,
           const char  *member,
           const char  *uri)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, uri);
}

static JsonNode *
build_body (InbRequest  *request,
            const char  *first_uri,
            const char  *last_uri,
            const char **path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *params = inb_request_get_params (request);
  const char *prompt = inb_request_get_prompt (request);
  const char *negative = inb_request_get_negative_prompt (request);
  const char *template = inb_params_get_string (params, "template", "none");
  gboolean media = g_str_equal (inb_request_get_model_id (request), "wan2.7-i2v");
  gint64 seed = inb_params_get_int (params, "seed", -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, inb_request_get_model_id (request));

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

/**
 * _inb_dashscope_read_submit:
 * @node: (nullable): the answer, parsed (none after a gateway error)
 *
 * Reads a submit's answer: sets the task id (and keeps the request id),
 * or @error; a gateway error leaves the task's fate open.
 */
gboolean
_inb_dashscope_read_submit (InbCloudJob  *job,
                            guint         status,
                            JsonNode     *node,
                            GError      **error)
{
  JsonObject *root;
  JsonObject *output;

  /* A gateway error after a submit leaves the task's fate open */
  if (status == 502 || status == 504)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                   _("DashScope's gateway failed after the submit (HTTP %u): the job may or may not have been accepted"),
                   status);
      return FALSE;
    }

  g_return_val_if_fail (node != NULL, FALSE);

  if (status != 200)
    {
      g_propagate_error (error, dashscope_error_from_answer (status, node));
      return FALSE;
    }

  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  output = inb_json_get_object (root, "output");
  if (inb_json_get_string (output, "task_id") != NULL && strlen (inb_json_get_string (output, "task_id")) <= 256)
    inb_cloud_job_set_task_id (job, inb_json_get_string (output, "task_id"));
  if (inb_json_get_string (root, "request_id") != NULL)
    json_object_set_string_member (inb_cloud_job_get_metadata (job), "request_id",
                                   inb_json_get_string (root, "request_id"));

  return TRUE;
}

static gboolean
dashscope_submit (InbCloudJob   *job,
                  GCancellable  *cancellable,
                  GError       **error)
{
  InbRequest *request = inb_cloud_job_get_request (job);
  g_autoptr(InbHttpRequest) http = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *last_uri = NULL;
  g_autofree char *url = NULL;
  const char *template;
  const char *path = NULL;
  guint status = 0;

  inb_cloud_job_report (job, 0.01, _("Preparing the keyframes"));

  template = inb_params_get_string (inb_request_get_params (request), "template", "none");
  first_uri = inb_cloud_encode_data_uri (inb_request_get_first (request), MAX_IMAGE_BYTES, error);
  if (first_uri == NULL)
    return FALSE;
  if (g_str_equal (template, "none"))
    {
      last_uri = inb_cloud_encode_data_uri (inb_request_get_last (request), MAX_IMAGE_BYTES, error);
      if (last_uri == NULL)
        return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  body = build_body (request, first_uri, last_uri, &path);
  url = inb_cloud_job_url (job, "%s", path);
  http = inb_http_request_new ("POST", url);
  inb_http_request_add_header (http, "X-DashScope-Async", "enable");
  inb_http_request_set_json_body (http, body);

  inb_cloud_job_report (job, PROGRESS_SUBMIT, _("Submitting to DashScope"));
  node = inb_http_client_send_json (inb_cloud_job_get_client (job), http, &status, cancellable, &local_error);

  if (node == NULL && status != 502 && status != 504)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return _inb_dashscope_read_submit (job, status, node, error);
}

/**
 * _inb_dashscope_read_poll:
 *
 * Reads a task query's answer into @state (and the job's video address
 * and metadata), or @error for a failed, cancelled or unknown task.
 */
gboolean
_inb_dashscope_read_poll (InbCloudJob    *job,
                          guint           http_status,
                          JsonNode       *node,
                          InbCloudState  *state,
                          GError        **error)
{
  const char *task_id = inb_cloud_job_get_task_id (job);
  JsonObject *metadata = inb_cloud_job_get_metadata (job);
  JsonObject *root;
  JsonObject *output;
  const char *status;

  if (http_status != 200)
    {
      g_propagate_error (error, dashscope_error_from_answer (http_status, node));
      return FALSE;
    }

  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  output = inb_json_get_object (root, "output");
  status = inb_json_get_string (output, "task_status");
  if (status == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("DashScope sent a task without a status"));
      return FALSE;
    }

  if (g_str_equal (status, "PENDING"))
    *state = INB_CLOUD_STATE_QUEUED;
  else if (g_str_equal (status, "RUNNING") || g_str_equal (status, "SUSPENDED"))
    *state = INB_CLOUD_STATE_RUNNING;
  else if (g_str_equal (status, "SUCCEEDED"))
    {
      JsonObject *usage = inb_json_get_object (root, "usage");
      static const char * const keep[] = { "orig_prompt", "actual_prompt", "submit_time", "end_time" };

      *state = INB_CLOUD_STATE_SUCCEEDED;
      inb_cloud_job_set_video_url (job, inb_json_get_string (output, "video_url"));
      for (guint i = 0; i < G_N_ELEMENTS (keep); i++)
        if (inb_json_get_string (output, keep[i]) != NULL)
          json_object_set_string_member (metadata, keep[i], inb_json_get_string (output, keep[i]));
      if (usage != NULL)
        json_object_set_object_member (metadata, "usage", json_object_ref (usage));
    }
  else if (g_str_equal (status, "FAILED"))
    {
      g_propagate_error (error, dashscope_error_new (0, inb_json_get_string (output, "code"),
                                                     inb_json_get_string (output, "message")));
      return FALSE;
    }
  else if (g_str_equal (status, "CANCELED"))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("Task %s was cancelled at DashScope"), task_id);
      return FALSE;
    }
  else if (g_str_equal (status, "UNKNOWN"))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                   _("DashScope no longer knows task %s (tasks are kept for 24 hours)"), task_id);
      return FALSE;
    }
  else
    {
      g_debug ("Task %s has an unknown status “%s”; still waiting", task_id, status);
      *state = INB_CLOUD_STATE_RUNNING;
    }

  return TRUE;
}

static gboolean
dashscope_poll (InbCloudJob    *job,
                InbCloudState  *state,
                GCancellable   *cancellable,
                GError        **error)
{
  guint http_status = 0;
  g_autoptr(JsonNode) node = inb_cloud_job_query_task (job, "/tasks/", "", &http_status, cancellable, error);

  if (node == NULL)
    return FALSE;

  return _inb_dashscope_read_poll (job, http_status, node, state, error);
}

/* The batch query: GET /tasks/ ------------------------------------------ */

/* start_time/end_time are "YYYYMMDDhhmmss" with no zone, and the
 * documentation names none. Both regions (Beijing, Singapore) are UTC+8,
 * so the times are written in UTC+8; in case the service reads them as
 * UTC instead (8 hours later), the start goes 8 hours earlier: the window
 * contains [from, to] either way and stays within the 24 hours the
 * service allows. Tasks are matched on gmt_create, which is an absolute
 * time (ms since the epoch). */
#define LIST_ZONE_OFFSET_S  (8 * 3600)
#define LIST_PAGE_SIZE      10
#define LIST_MAX_PAGES      50
#define LIST_MAX_RANGE_S    (24 * 3600)

static char *
list_time (GDateTime *time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (LIST_ZONE_OFFSET_S);
  g_autoptr(GDateTime) there = g_date_time_to_timezone (time, zone);

  return g_date_time_format (there, "%Y%m%d%H%M%S");
}

/**
 * _inb_dashscope_read_task_page:
 * @page: which page this is (from 1)
 * @total_pages: (inout): the page count the first page announces
 * @tasks: (element-type InbCloudTaskInfo): where the tasks read go
 * @last: (out): no more pages to ask for
 *
 * Reads one page of the batch task query. A task that cannot be read
 * might be the one looked for: the whole list is then unreadable.
 */
gboolean
_inb_dashscope_read_task_page (guint        status,
                               JsonNode    *node,
                               gint64       page,
                               const char  *model_id,
                               gint64      *total_pages,
                               GPtrArray   *tasks,
                               gboolean    *last,
                               GError     **error)
{
  JsonObject *root;
  JsonArray *data;
  gint64 total = 0;

  if (status != 200)
    {
      g_propagate_error (error, dashscope_error_from_answer (status, node));
      return FALSE;
    }

  root = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  data = inb_json_get_array (root, "data");
  if (root == NULL || !inb_json_get_int (root, "total", &total) ||
      (data == NULL && total != 0))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("DashScope sent a task list that cannot be read"));
      return FALSE;
    }

  if (page == 1)
    {
      if (!inb_json_get_int (root, "total_page", total_pages))
        *total_pages = 1;
      if (*total_pages > LIST_MAX_PAGES)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "DashScope lists %" PRId64 " task of %s around that time: too many to check one by one",
                                    "DashScope lists %" PRId64 " tasks of %s around that time: too many to check one by one",
                                    (gulong) total),
                       total, model_id);
          return FALSE;
        }
    }

  for (guint i = 0; data != NULL && i < json_array_get_length (data); i++)
    {
      JsonNode *element = json_array_get_element (data, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *task_id = inb_json_get_string (item, "task_id");
      InbCloudTaskInfo *info;
      gint64 created;

      /* A task that cannot be read might be the one: no conclusion */
      if (task_id == NULL || *task_id == '\0' || strlen (task_id) > 256 ||
          !inb_json_get_int (item, "gmt_create", &created) ||
          created <= 0 || created > G_MAXINT64 / 1000)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("DashScope sent a task list that cannot be read"));
          return FALSE;
        }

      info = g_new0 (InbCloudTaskInfo, 1);
      info->task_id = g_strdup (task_id);
      info->model = g_strdup (inb_json_get_string (item, "model_name"));
      info->status = g_strdup (inb_json_get_string (item, "status"));
      info->created = created * 1000;
      g_ptr_array_add (tasks, info);
    }

  *last = data == NULL || json_array_get_length (data) == 0;
  return TRUE;
}

static gboolean
dashscope_list_tasks (InbHttpClient  *client,
                      const char     *base_url,
                      const char     *model_id,
                      GDateTime      *from,
                      GDateTime      *to,
                      GPtrArray      *tasks,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GDateTime) start = g_date_time_add_seconds (from, -LIST_ZONE_OFFSET_S);
  g_autofree char *start_text = list_time (start);
  g_autofree char *end_text = list_time (to);
  g_autofree char *model = g_uri_escape_string (model_id, NULL, FALSE);
  gint64 total_pages = 1;

  if (g_date_time_difference (to, start) > (GTimeSpan) LIST_MAX_RANGE_S * G_TIME_SPAN_SECOND)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("DashScope lists tasks of 24 hours at most"));
      return FALSE;
    }

  for (gint64 page = 1; page <= total_pages; page++)
    {
      g_autoptr(InbHttpRequest) http = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *url = NULL;
      gboolean last = FALSE;
      guint status = 0;

      url = g_strdup_printf ("%s/tasks/?model_name=%s&start_time=%s&end_time=%s&page_no=%" G_GINT64_FORMAT
                             "&page_size=%d", base_url, model, start_text, end_text, page, LIST_PAGE_SIZE);
      http = inb_http_request_new ("GET", url);
      node = inb_http_client_send_json (client, http, &status, cancellable, error);
      if (node == NULL)
        return FALSE;

      if (!_inb_dashscope_read_task_page (status, node, page, model_id, &total_pages, tasks, &last, error))
        return FALSE;
      if (last)
        break;
    }

  return TRUE;
}

static const InbCloudJobClass dashscope_job_class = {
  .submit = dashscope_submit,
  .poll = dashscope_poll,
  .cancel = inb_cloud_backend_cancel_job,
};

/* InbCloudBackend ------------------------------------------------------- */

static guint
inb_dashscope_backend_get_max_concurrent (InbCloudBackend *backend,
                                          InbModel        *model)
{
  /* Beijing: 2 running tasks for kf2v, 5 for wan2.7 */
  if (model != NULL && g_str_equal (inb_model_get_id (model), "wan2.7-i2v"))
    return 5;

  return 2;
}

/* DashScope sets the pixel count; the aspect ratio follows the first
 * keyframe, sides rounded to multiples of 16. */
static gboolean
inb_dashscope_backend_get_frame_size (InbCloudBackend  *backend,
                                      InbModel         *model,
                                      JsonObject       *params,
                                      guint             source_width,
                                      guint             source_height,
                                      guint            *width,
                                      guint            *height,
                                      GError          **error)
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
inb_dashscope_backend_check_keyframes (InbCloudBackend  *backend,
                                       InbModel         *model,
                                       InbRequest       *request,
                                       GError          **error)
{
  /* Translators: "first" and "last" complete "The %s keyframe is …" */
  return check_image (model, _("first"), inb_request_get_first (request), error) &&
         /* Translators: "first" and "last" complete "The %s keyframe is …" */
         check_image (model, _("last"), inb_request_get_last (request), error);
}

/* A key works in the region it was made in only (cross-region fails,
 * ../shared/research/cloud-apis.md §1.1), so each region links to its own
 * console's key page. The research does not list these pages; where they
 * come from is in docs/architecture.md ("Where a key is made"). */
static const InbBackendRegion dashscope_regions[] = {
  { "beijing", N_("Beijing (China mainland)"), INB_DASHSCOPE_URL_BEIJING, INB_DASHSCOPE_KEY_URL_BEIJING },
  { "singapore", N_("Singapore (international)"), INB_DASHSCOPE_URL_SINGAPORE, INB_DASHSCOPE_KEY_URL_SINGAPORE },
  { NULL, NULL, NULL, NULL },
};

/* DashScope documents 24 h for task ids and result URLs, and lists tasks
 * by creation time (GET /tasks), where a lost submit is looked for. */
static const InbBackendInfo dashscope_info = {
  .id = "dashscope",
  .name = N_("Alibaba Model Studio (DashScope)"),
  .short_name = N_("DashScope"),
  .description = N_("Wan first-and-last-frame models hosted by Alibaba Cloud"),
  .key_env = "DASHSCOPE_API_KEY",
  .key_url = INB_DASHSCOPE_KEY_URL_BEIJING,
  .url_env = "INBETWEEN_DASHSCOPE_URL",
  .regions = dashscope_regions,
  .result_lifetime_hours = 24,
  .lost_submit = INB_LOST_SUBMIT_TASK_LIST,
};

static void
inb_dashscope_backend_class_init (InbDashscopeBackendClass *klass)
{
  InbCloudBackendClass *cloud_class = INB_CLOUD_BACKEND_CLASS (klass);

  cloud_class->job = &dashscope_job_class;
  cloud_class->info = &dashscope_info;
  cloud_class->models_resource = DASHSCOPE_MODELS_RESOURCE;
  cloud_class->poll_env = "INBETWEEN_DASHSCOPE_POLL_MS";
  /* DashScope allows 20 queries a second per account */
  cloud_class->poll_first_ms = 5000;
  cloud_class->poll_max_ms = 15000;
  cloud_class->get_max_concurrent = inb_dashscope_backend_get_max_concurrent;
  cloud_class->get_frame_size = inb_dashscope_backend_get_frame_size;
  cloud_class->check_keyframes = inb_dashscope_backend_check_keyframes;
  cloud_class->cancel_task = post_cancel;
  cloud_class->list_tasks = dashscope_list_tasks;
}

static void
inb_dashscope_backend_init (InbDashscopeBackend *self)
{
}

/**
 * inb_dashscope_backend_new:
 *
 * The key comes from `DASHSCOPE_API_KEY` (or inb_cloud_backend_set_api_key()),
 * the base URL from `INBETWEEN_DASHSCOPE_URL`, else the Beijing region.
 *
 * Returns: (transfer full): the DashScope backend
 */
InbBackend *
inb_dashscope_backend_new (void)
{
  return g_object_new (INB_TYPE_DASHSCOPE_BACKEND, NULL);
}
