/* test-dashscope.c — the DashScope backend against a faithful loopback fake
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-dashscope"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <curl/curl.h>
#include <gst/gst.h>

#include "inb-dashscope-backend.h"
#include "inb-video-writer.h"
#include "inb-test-fake.h"

#define KEY "sk-CANARY-ds-4b1e"

typedef InbCloudFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  inb_cloud_fixture_setup (f, inb_dashscope_backend_new (), "fake-dashscope.py", KEY, "/api/v1");
}

#define SUBMITS(f) inb_test_fake_count ((f)->fake, "POST", "video-synthesis")
#define POLLS(f)   inb_test_fake_count ((f)->fake, "GET", "/api/v1/tasks/")

static JsonObject *
read_remote_record (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->work_dir, "remote.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* ------------------------------------------------------------------ */

static void
test_models (void)
{
  g_autoptr(InbBackend) backend = inb_dashscope_backend_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GError) error = NULL;
  InbModel *flash;
  InbModel *i2v;
  guint w = 0, h = 0;

  g_assert_cmpstr (inb_backend_get_id (backend), ==, "dashscope");
  g_assert_cmpuint (inb_backend_get_models (backend)->len, ==, 3);
  flash = inb_backend_get_default_model (backend);
  g_assert_cmpstr (inb_model_get_id (flash), ==, "wan2.2-kf2v-flash");
  g_assert_cmpint (inb_model_get_prompt_max_length (flash), ==, 800);
  g_assert_cmpint (inb_model_get_negative_max_length (flash), ==, 500);
  g_assert_nonnull (inb_backend_find_model (backend, "wanx2.1-kf2v-plus"));
  i2v = inb_backend_find_model (backend, "wan2.7-i2v");
  g_assert_nonnull (i2v);
  g_assert_cmpint (inb_model_get_prompt_max_length (i2v), ==, 5000);
  g_assert_cmpuint (inb_backend_get_max_concurrent (backend, flash), ==, 2);
  g_assert_cmpuint (inb_backend_get_max_concurrent (backend, i2v), ==, 5);

  /* Tests run with INBETWEEN_DASHSCOPE_URL pointing at a dead loopback port */
  g_assert_true (g_str_has_prefix (inb_cloud_backend_get_base_url (INB_CLOUD_BACKEND (backend)),
                                   "http://127.0.0.1"));

  /* Pixel count from the resolution, aspect from the keyframe, sides ×16 */
  json_object_set_string_member (params, "resolution", "720P");
  g_assert_true (inb_backend_get_frame_size (backend, flash, params, 1920, 1080, &w, &h, &error));
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);
  g_assert_true (inb_backend_get_frame_size (backend, flash, params, 750, 1000, &w, &h, &error));
  g_assert_cmpuint (w, ==, 832);
  g_assert_cmpuint (h, ==, 1104);
  json_object_set_string_member (params, "resolution", "1080P");
  g_assert_true (inb_backend_get_frame_size (backend, flash, params, 1000, 1000, &w, &h, &error));
  g_assert_cmpuint (w % 16, ==, 0);
  g_assert_cmpuint (w, <=, 2000);
  g_assert_cmpuint (w, ==, h);
  /* Too narrow for 360..2000 */
  g_assert_false (inb_backend_get_frame_size (backend, flash, params, 8000, 100, &w, &h, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "a paper boat drifts", 640, 400, NULL);
  g_autoptr(InbProgress) progress = inb_progress_new ();
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *metadata;
  JsonObject *submit;
  JsonObject *info;
  JsonObject *params;
  JsonObject *first;

  result = inb_cloud_fixture_generate (f, request, progress, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  /* What the user gets */
  g_assert_cmpstr (inb_result_get_clip_path (result), ==, f->output);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_result_get_width (result), ==, 320);
  g_assert_cmpuint (inb_result_get_height (result), ==, 240);
  metadata = inb_result_get_metadata (result);
  g_assert_cmpstr (json_object_get_string_member (metadata, "service"), ==, "dashscope");
  g_assert_nonnull (json_object_get_string_member (metadata, "task_id"));
  g_assert_cmpstr (json_object_get_string_member (metadata, "actual_prompt"), ==,
                   "a paper boat drifts — extended by the fake");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (metadata, "usage"), "SR"), ==, 720);

  /* What the server saw: one submit, exactly as the contract says */
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 3);   /* PENDING, RUNNING, SUCCEEDED */
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 1);
  submit = inb_test_fake_find (f->fake, "POST", "/services/aigc/image2video/video-synthesis", 0);
  g_assert_nonnull (submit);
  g_assert_cmpstr (inb_fake_request_get_header (submit, "X-DashScope-Async"), ==, "enable");
  g_assert_cmpstr (inb_fake_request_get_header (submit, "Authorization"), ==, "Bearer " KEY);
  info = json_object_get_object_member (submit, "info");
  g_assert_cmpstr (json_object_get_string_member (info, "model"), ==, "wan2.2-kf2v-flash");
  g_assert_cmpint (json_object_get_int_member (info, "prompt_length"), ==, 19);
  params = json_object_get_object_member (info, "parameters");
  g_assert_cmpstr (json_object_get_string_member (params, "resolution"), ==, "720P");
  g_assert_cmpint (json_object_get_int_member (params, "duration"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (params, "seed"), ==, 42);
  g_assert_true (json_object_get_boolean_member (params, "prompt_extend"));
  g_assert_false (json_object_get_boolean_member (params, "watermark"));
  first = json_object_get_object_member (info, "first_frame_url");
  g_assert_cmpstr (json_object_get_string_member (first, "mime"), ==, "image/jpeg");
  g_assert_cmpstr (json_object_get_string_member (first, "real"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (first, "width"), ==, 640);
  g_assert_cmpint (json_object_get_int_member (first, "height"), ==, 400);
  g_assert_true (json_object_has_member (info, "last_frame_url"));

  /* The take's folder records the task: done */
  {
    g_autoptr(JsonObject) record = read_remote_record (f);

    g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "done");
    g_assert_cmpstr (json_object_get_string_member (record, "service"), ==, "dashscope");
    g_assert_cmpstr (json_object_get_string_member (record, "task_id"), ==,
                     json_object_get_string_member (metadata, "task_id"));
  }

  /* Downloads go without the key; the key is in no file we wrote */
  g_assert_null (inb_fake_request_get_header (inb_test_fake_find (f->fake, "GET", "/files/", 0), "Authorization"));
  inb_test_assert_no_secret_in_files (f->tmpdir, KEY, TRUE);

  /* Progress ends at 1 */
  {
    GMainContext *context = g_main_context_default ();

    while (g_main_context_iteration (context, FALSE))
      ;
    g_assert_cmpfloat (inb_progress_get_fraction (progress), ==, 1.0);
  }
}

static void
test_preflight (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_prompt = g_strnfill (801, 'a');

  /* No key */
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
    g_autoptr(InbResult) result = NULL;

    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), "");
    g_assert_false (inb_backend_validate (f->backend, request, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
    g_clear_error (&error);
    result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
    g_clear_error (&error);
    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  }

  /* Prompt over 800 characters */
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", long_prompt, 640, 400, NULL);
    g_autoptr(InbResult) result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* Keyframes outside 360–2000 px */
  {
    g_autoptr(InbRequest) small = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 300, 400, NULL);
    g_autoptr(InbRequest) large = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 2100, 1000, NULL);
    g_autoptr(InbResult) r1 = inb_cloud_fixture_generate (f, small, NULL, 0, NULL, &error);

    g_assert_null (r1);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_false (inb_backend_validate (f->backend, large, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* A resolution the model does not have */
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wanx2.1-kf2v-plus", "x", 640, 400, NULL);
    JsonObject *params = inb_request_get_params (request);

    json_object_set_string_member (params, "resolution", "1080P");
    g_assert_false (inb_backend_validate (f->backend, request, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* Not one request reached the service, and nothing was recorded */
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, 0);
  {
    g_autofree char *path = g_build_filename (f->work_dir, "remote.json", NULL);

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
}

static void
test_bad_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  inb_fake_server_script (f->fake, "{\"key\": \"sk-someone-else\"}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "InvalidApiKey"));
  g_assert_null (strstr (error->message, KEY));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 0);
}

static void
test_submit_errors (Fixture       *f,
                    gconstpointer  data)
{
  static const struct { const char *json; int code; const char *text; } cases[] = {
    { "{\"status\": 400, \"code\": \"InvalidParameter\", \"message\": \"The size is not match xxxxxx\"}",
      INB_BACKEND_ERROR_REMOTE, "The size is not match" },
    { "{\"status\": 400, \"code\": \"DataInspectionFailed\", \"message\": \"Input or output data may contain inappropriate content.\"}",
      INB_BACKEND_ERROR_BLOCKED, "inappropriate" },
    { "{\"status\": 400, \"code\": \"Arrearage\", \"message\": \"Access denied, please make sure your account is in good standing.\"}",
      INB_BACKEND_ERROR_REMOTE, "out of credit" },
    { "{\"status\": 429, \"code\": \"Throttling.RateQuota\", \"message\": \"Requests rate limit exceeded, please try again later.\", \"retry_after\": 5}",
      INB_BACKEND_ERROR_REMOTE, "Throttling.RateQuota" },
    { "{\"status\": 500, \"code\": \"InternalError\", \"message\": \"An internal error has occured\"}",
      INB_BACKEND_ERROR_REMOTE, "InternalError" },
    { "{\"status\": 503, \"code\": \"ModelUnavailable\", \"message\": \"Model is unavailable\"}",
      INB_BACKEND_ERROR_REMOTE, "ModelUnavailable" },
    { "{\"status\": 403, \"code\": \"Model.AccessDenied\", \"message\": \"Model access denied.\"}",
      INB_BACKEND_ERROR_AUTH, "Model.AccessDenied" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = g_strdup_printf ("{\"submit_error\": %s}", cases[i].json);

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, json);
      result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      /* Never resubmitted, whatever the status; known not to be out there */
      g_assert_cmpuint (SUBMITS (f), ==, 1);
      {
        g_autoptr(JsonObject) record = read_remote_record (f);

        g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "not-submitted");
      }
      g_assert_cmpuint (POLLS (f), ==, 0);
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }
}

static void
test_submit_lost (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  inb_fake_server_script (f->fake, "{\"submit_drop\": true}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 0);

  /* The take's folder says a submit may be out there */
  {
    g_autoptr(JsonObject) record = read_remote_record (f);

    g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "submit-unknown");
    g_assert_false (json_object_has_member (record, "task_id"));
  }
}

static void
test_task_failed (Fixture       *f,
                  gconstpointer  data)
{
  static const struct { const char *json; int code; const char *text; } cases[] = {
    { "{\"final\": \"FAILED\", \"fail_code\": \"InvalidParameter\", \"fail_message\": \"Field required: input.prompt\"}",
      INB_BACKEND_ERROR_REMOTE, "Field required: input.prompt" },
    { "{\"accept_then_fail\": {\"code\": \"DataInspectionFailed\", \"message\": \"Output data may contain inappropriate content.\"}}",
      INB_BACKEND_ERROR_BLOCKED, "DataInspectionFailed" },
    { "{\"final\": \"UNKNOWN\"}", INB_BACKEND_ERROR_EXPIRED, "24 hours" },
    { "{\"final\": \"CANCELED\"}", INB_BACKEND_ERROR_REMOTE, "cancelled at DashScope" },
    { "{\"poll_body\": \"malformed\"}", INB_BACKEND_ERROR_REMOTE, "could not be read" },
    { "{\"poll_body\": \"deep\"}", INB_BACKEND_ERROR_REMOTE, "nested" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, cases[i].json);
      result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_cmpuint (SUBMITS (f), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 0);
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }
}

/* Hostile or wrong answers end the job with a reason, never a crash, and
 * never a read of anything but an https (or loopback) result. */
static void
test_hostile_answers (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { const char *raw; int code; const char *text; } cases[] = {
    { "{\"output\": {\"task_status\": 5}}", INB_BACKEND_ERROR_REMOTE, "without a status" },
    { "{\"output\": []}", INB_BACKEND_ERROR_REMOTE, "without a status" },
    { "[]", INB_BACKEND_ERROR_REMOTE, "without a status" },
    { "\"SUCCEEDED\"", INB_BACKEND_ERROR_REMOTE, "without a status" },
    { "{\"output\": {\"task_status\": \"SUCCEEDED\", \"video_url\": 7}}", INB_BACKEND_ERROR_REMOTE, "no video address" },
    { "{\"output\": {\"task_status\": \"SUCCEEDED\", \"video_url\": \"file:///etc/passwd\"}}", INB_BACKEND_ERROR_NETWORK, "file" },
    { "{\"output\": {\"task_status\": \"SUCCEEDED\", \"video_url\": \"http://example.com/x.mp4\"}}", INB_BACKEND_ERROR_NETWORK, "only https" },
    { "{\"output\": {\"task_status\": \"SUCCEEDED\", \"video_url\": \"ftp://127.0.0.1/x.mp4\"}}", INB_BACKEND_ERROR_NETWORK, "ftp" },
    { "{\"output\": {\"task_status\": \"SUCCEEDED\", \"video_url\": \"http://127.0.0.1:9/x.mp4\"}}", INB_BACKEND_ERROR_NETWORK, "connect" },
    { "{\"output\": {\"task_status\": \"FAILED\", \"code\": null, \"message\": [\"x\"]}}", INB_BACKEND_ERROR_REMOTE, "DashScope" },
    { "{\"output\": {\"task_status\": \"FAILED\", \"code\": 12345678901234567890123, \"message\": {}}}", INB_BACKEND_ERROR_REMOTE, "DashScope" },
    { "{\"output\": {\"task_status\": \"UNKNOWN\", \"task_id\": {\"a\": [1, 2, 3]}}}", INB_BACKEND_ERROR_EXPIRED, "24 hours" },
    { "", INB_BACKEND_ERROR_REMOTE, "empty" },
    { "{\"output\": {\"task_status\": \"SUCC", INB_BACKEND_ERROR_REMOTE, "could not be read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases) + 1; i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      gboolean utf8 = i == G_N_ELEMENTS (cases);
      int expected_code = utf8 ? INB_BACKEND_ERROR_REMOTE : cases[i].code;
      const char *expected_text = utf8 ? "not valid text" : cases[i].text;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, utf8 ? "poll_body" : "poll_raw");
      json_builder_add_string_value (builder, utf8 ? "badutf8" : cases[i].raw);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json = json_generator_to_data (generator, NULL);

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, json);
      result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
      g_test_message ("%s -> %s", json, error ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, expected_code);
      g_assert_nonnull (strstr (error->message, expected_text));
      g_assert_cmpuint (SUBMITS (f), ==, 1);
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }
}

static void
test_poll_retry (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Transient poll failures are retried by the HTTP layer; the job goes on */
  inb_fake_server_script (f->fake, "{\"poll_errors\": [503, 500, 429]}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 6);
}

static void
test_download_failures (Fixture       *f,
                        gconstpointer  data)
{
  static const struct { const char *json; int code; const char *text; } cases[] = {
    { "{\"video\": \"html\"}", INB_BACKEND_ERROR_REMOTE, "web page" },
    { "{\"video\": \"expired\"}", INB_BACKEND_ERROR_EXPIRED, "expired" },
    { "{\"video\": \"empty\"}", INB_BACKEND_ERROR_REMOTE, "empty" },
    { "{\"video_path\": null}", INB_BACKEND_ERROR_REMOTE, "not a playable video" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, cases[i].json);
      result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }
}

/* R15: a file that fails the checker is set aside, the task kept */
static guint
count_quarantined (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, ".mp4.quarantined");

  return n;
}

static void
test_download_quarantined (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbRequest) again = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("INBETWEEN_PROBE_HELPER"));
  g_autofree char *hang = g_build_filename (f->tmpdir, "hang.sh", NULL);
  g_autofree char *task_id = NULL;
  gint64 start;
  double waited;

  /* Not a video: refused by the checker, kept aside, the task recorded */
  inb_fake_server_script (f->fake, "{\"video_path\": null}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "set aside"));
  g_clear_error (&error);
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_quarantined (f->work_dir), ==, 1);
  record = read_remote_record (f);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "unverified");
  g_assert_nonnull (json_object_get_string_member (record, "task_id"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (record, "video_url"), "http://127.0.0.1:"));
  g_assert_nonnull (json_object_get_string_member (record, "error"));
  g_assert_true (json_object_has_member (record, "submitted"));
  g_clear_pointer (&record, json_object_unref);

  /* A checker that hangs: stopped after its 10 s, the file set aside
   * unverified, the job ends with a clear message */
  g_file_set_contents (hang, "#!/bin/sh\nexec sleep 120\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (hang, 0755), ==, 0);
  g_setenv ("INBETWEEN_PROBE_HELPER", hang, TRUE);
  inb_fake_server_reset (f->fake);   /* back to serving the real clip */
  start = g_get_monotonic_time ();
  result = inb_cloud_fixture_generate (f, again, NULL, 0, NULL, &error);
  waited = (g_get_monotonic_time () - start) / 1e6;
  if (saved != NULL)
    g_setenv ("INBETWEEN_PROBE_HELPER", saved, TRUE);
  else
    g_unsetenv ("INBETWEEN_PROBE_HELPER");

  g_test_message ("hanging checker: job ended after %.1f s: %s", waited, error ? error->message : "(no error)");
  g_assert_null (result);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "could not be checked"));
  g_assert_cmpfloat (waited, <, 40.0);   /* generous: the checker's bound is 10 s */
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
  record = read_remote_record (f);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "unverified");
  task_id = g_strdup (json_object_get_string_member (record, "task_id"));
  g_assert_nonnull (strstr (error->message, task_id));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
}

static void
test_download_resumed (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *second;

  inb_fake_server_script (f->fake, "{\"video\": \"truncated\"}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 2);
  second = inb_test_fake_find (f->fake, "GET", "/files/", 1);
  g_assert_true (g_str_has_prefix (inb_fake_request_get_header (second, "Range"), "bytes="));
}

static void
test_cancel_pending (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"pending_polls\": 100000}");
  /* cancelled once a poll has been sent: the task id is known and the task
   * pending (not after a guessed 400 ms) */
  result = inb_cloud_fixture_generate_cancel_on (f, request, "GET", "/api/v1/tasks/", &latency, &error);
  g_test_message ("cancel latency while PENDING (incl. remote cancel): %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 1);
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
}

static void
test_cancel_running (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"pending_polls\": 0, \"running_polls\": 100000}");
  /* cancelled once a poll has said RUNNING (not after a guessed time):
   * once the second poll is sent, the first one's RUNNING has been read
   * (cancelled during the first, the job would still think it pending
   * and ask the service to cancel) */
  result = inb_cloud_fixture_generate_cancel_after (f, request, "GET", "/api/v1/tasks/", 2, &latency, &error);
  g_test_message ("cancel latency while RUNNING: %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* DashScope refuses to cancel a running task: we do not even ask */
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 0);

  /* … and the task id stays recorded, so it can still be picked up */
  {
    g_autoptr(JsonObject) record = read_remote_record (f);

    g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "submitted");
    g_assert_true (json_object_has_member (record, "task_id"));
  }
}

static void
test_cancel_downloading (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"pending_polls\": 0, \"running_polls\": 0, \"video\": \"stall\"}");
  /* cancelled once the (stalled) download has begun, not after a guessed 600 ms */
  result = inb_cloud_fixture_generate_cancel_on (f, request, "GET", "/files/", &latency, &error);
  g_test_message ("cancel latency while downloading: %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 1);

  /* No partial file anywhere, no clip */
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
  dir = g_dir_open (f->work_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_test_message ("left in the work folder: %s", name);
      g_assert_false (g_str_has_suffix (name, ".part"));
      g_assert_false (g_str_has_suffix (name, ".mp4"));
    }
}

static void
test_wan27 (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.7-i2v", "a long shot", 640, 400,
                                                "{\"duration\": 8, \"resolution\": \"720P\"}");
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  info = json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/video-generation/video-synthesis", 0), "info");
  g_assert_cmpstr (json_object_get_string_member (info, "model"), ==, "wan2.7-i2v");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "parameters"), "duration"), ==, 8);
  g_assert_true (json_object_has_member (info, "first_frame"));
  g_assert_true (json_object_has_member (info, "last_frame"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (inb_result_get_metadata (result), "usage"),
                                               "output_video_duration"), ==, 8);
}

static void
test_template (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wanx2.1-kf2v-plus", NULL, 640, 400,
                                                "{\"template\": \"hanfu-1\"}");
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  info = json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/image2video/", 0), "info");
  g_assert_cmpstr (json_object_get_string_member (info, "template"), ==, "hanfu-1");
  g_assert_true (json_object_has_member (info, "first_frame_url"));
  g_assert_false (json_object_has_member (info, "last_frame_url"));
}

/* A lost submit, then the task found and resumed: one submit in all */
static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *task_id;
  InbTestWait w = { 0, };

  inb_fake_server_script (f->fake, "{\"submit_drop\": true}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_clear_error (&error);

  task_id = json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "video-synthesis", 0),
                                                                          "info"), "task_id");
  json_object_set_string_member (state, "task_id", task_id);

  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.result);
  g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (w.result), "task_id"), ==, task_id);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_clear_object (&w.result);

  /* An id DashScope does not know: expired */
  json_object_set_string_member (state, "task_id", "1111");
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
}

static void
test_cancel_remote (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, "wan2.2-kf2v-flash", "x", 640, 400, NULL);
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  InbTestWait w = { 0, };

  /* Create a task whose answer was lost, still PENDING at the service */
  inb_fake_server_script (f->fake, "{\"submit_drop\": true, \"pending_polls\": 100000}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  json_object_set_string_member (state, "task_id",
                                 json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "video-synthesis", 0), "info"),
                                                                "task_id"));

  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_cancel_remote_async (f->backend, request, state, NULL, inb_test_on_cancel_remote, &w);
  inb_test_wait_run (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);

  /* Now CANCELED: a second cancel is refused with a clear reason */
  inb_backend_cancel_remote_async (f->backend, request, state, NULL, inb_test_on_cancel_remote, &w);
  inb_test_wait_run (&w);
  g_assert_false (w.ok);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
  g_assert_nonnull (strstr (w.error->message, "already running"));
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);

  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  gst_init (NULL, NULL);

  g_test_add_func ("/dashscope/models", test_models);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, inb_cloud_fixture_teardown)

  ADD ("/dashscope/success", test_success);
  ADD ("/dashscope/preflight", test_preflight);
  ADD ("/dashscope/bad-key", test_bad_key);
  ADD ("/dashscope/submit-errors", test_submit_errors);
  ADD ("/dashscope/submit-lost", test_submit_lost);
  ADD ("/dashscope/task-failed", test_task_failed);
  ADD ("/dashscope/hostile-answers", test_hostile_answers);
  ADD ("/dashscope/poll-retry", test_poll_retry);
  ADD ("/dashscope/download-failures", test_download_failures);
  ADD ("/dashscope/download-resumed", test_download_resumed);
  ADD ("/dashscope/download-quarantined", test_download_quarantined);
  ADD ("/dashscope/cancel-pending", test_cancel_pending);
  ADD ("/dashscope/cancel-running", test_cancel_running);
  ADD ("/dashscope/cancel-downloading", test_cancel_downloading);
  ADD ("/dashscope/wan27", test_wan27);
  ADD ("/dashscope/template", test_template);
  ADD ("/dashscope/resume", test_resume);
  ADD ("/dashscope/cancel-remote", test_cancel_remote);

#undef ADD

  ret = g_test_run ();
  curl_global_cleanup ();

  return ret;
}
