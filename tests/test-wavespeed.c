/* test-wavespeed.c — the WaveSpeed backend against a faithful loopback fake
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-wavespeed"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <curl/curl.h>
#include <gst/gst.h>

#include "inb-wavespeed-backend.h"
#include "inb-video-writer.h"
#include "inb-test-fake.h"

#define KEY "ws-CANARY-77c2"

typedef InbCloudFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  inb_cloud_fixture_setup (f, inb_wavespeed_backend_new (), "fake-wavespeed.py", KEY, "");
}

#define MODEL      "wavespeed-ai/wan-flf2v"
#define UPLOADS(f) inb_test_fake_count ((f)->fake, "POST", "/api/v3/media/upload/binary")
#define SUBMITS(f) inb_test_fake_count ((f)->fake, "POST", "/api/v3/" MODEL)
#define POLLS(f)   inb_test_fake_count ((f)->fake, "GET", "/api/v3/predictions/")

/* ------------------------------------------------------------------ */

static void
test_models (void)
{
  g_autoptr(InbBackend) backend = inb_wavespeed_backend_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GError) error = NULL;
  InbModel *model;
  guint w = 0, h = 0;

  g_assert_cmpstr (inb_backend_get_id (backend), ==, "wavespeed");
  model = inb_backend_get_default_model (backend);
  g_assert_cmpstr (inb_model_get_id (model), ==, MODEL);
  g_assert_cmpuint (inb_backend_get_max_concurrent (backend, model), ==, 3);
  g_assert_true (g_str_has_prefix (inb_cloud_backend_get_base_url (INB_CLOUD_BACKEND (backend)),
                                   "http://127.0.0.1"));

  json_object_set_string_member (params, "size", "720*1280");
  g_assert_true (inb_backend_get_frame_size (backend, model, params, 1920, 1080, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 720);
  g_assert_cmpuint (h, ==, 1280);

  /* Only W*H: no note after it, no other separator */
  json_object_set_string_member (params, "size", "720*1280 (9:16)");
  g_assert_false (inb_backend_get_frame_size (backend, model, params, 1920, 1080, &w, &h, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  json_object_set_string_member (params, "size", "720x1280");
  g_assert_false (inb_backend_get_frame_size (backend, model, params, 1920, 1080, &w, &h, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "a kite climbs", 832, 480,
                                                "{\"duration\": 10, \"num_inference_steps\": 20, \"guidance_scale\": 6.5}");
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *upload;
  JsonObject *submit;
  JsonObject *info;
  JsonObject *body;

  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (result), "service"), ==, "wavespeed");
  g_assert_cmpint (json_object_get_int_member (inb_result_get_metadata (result), "inference_ms"), ==, 41234);

  /* Two uploads (JPEG, the keyframes' size), one submit using their URLs */
  g_assert_cmpuint (UPLOADS (f), ==, 2);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 3);
  upload = json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/media/upload/binary", 0), "info");
  g_assert_cmpstr (json_object_get_string_member (upload, "real"), ==, "image/jpeg");
  g_assert_cmpstr (json_object_get_string_member (upload, "content_type"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (upload, "width"), ==, 832);
  g_assert_cmpint (json_object_get_int_member (upload, "height"), ==, 480);

  submit = inb_test_fake_find (f->fake, "POST", "/api/v3/" MODEL, 0);
  g_assert_cmpstr (inb_fake_request_get_header (submit, "Authorization"), ==, "Bearer " KEY);
  info = json_object_get_object_member (submit, "info");
  g_assert_true (strstr (json_object_get_string_member (info, "first_image"), "/media/") != NULL);
  g_assert_true (strstr (json_object_get_string_member (info, "last_image"), "/media/") != NULL);
  body = json_object_get_object_member (info, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "prompt"), ==, "a kite climbs");
  g_assert_cmpstr (json_object_get_string_member (body, "size"), ==, "832*480");
  g_assert_cmpint (json_object_get_int_member (body, "duration"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (body, "num_inference_steps"), ==, 20);
  g_assert_cmpfloat (json_object_get_double_member (body, "guidance_scale"), ==, 6.5);
  g_assert_cmpint (json_object_get_int_member (body, "seed"), ==, 42);

  g_assert_null (inb_fake_request_get_header (inb_test_fake_find (f->fake, "GET", "/files/", 0), "Authorization"));
  inb_test_assert_no_secret_in_files (f->tmpdir, KEY, TRUE);
}

static void
test_preflight (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
    g_autoptr(InbResult) result = NULL;

    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), NULL);
    result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
    g_clear_error (&error);
    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  }

  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 300, 300, NULL);
    g_autoptr(InbResult) result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);

    json_object_set_int_member (inb_request_get_params (request), "num_inference_steps", 41);
    g_assert_false (inb_backend_validate (f->backend, request, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, 0);
}

static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  static const struct { const char *json; int code; const char *text; guint submits; } cases[] = {
    { "{\"key\": \"ws-other\"}", INB_BACKEND_ERROR_AUTH, "HTTP 401", 0 },
    { "{\"upload_error\": {\"status\": 400, \"message\": \"unsupported file\"}}", INB_BACKEND_ERROR_REMOTE, "unsupported file", 0 },
    { "{\"submit_error\": {\"status\": 429, \"message\": \"Too Many Requests\"}}", INB_BACKEND_ERROR_REMOTE, "Too Many Requests", 1 },
    { "{\"submit_error\": {\"status\": 400, \"message\": \"size must be one of\"}}", INB_BACKEND_ERROR_REMOTE, "size must be one of", 1 },
    { "{\"submit_error\": {\"status\": 500, \"message\": \"internal\"}}", INB_BACKEND_ERROR_REMOTE, "internal", 1 },
    { "{\"submit_drop\": true}", INB_BACKEND_ERROR_SUBMIT_UNKNOWN, "may or may not", 1 },
    { "{\"final\": \"failed\", \"fail_error\": \"CUDA out of memory\"}", INB_BACKEND_ERROR_REMOTE, "CUDA out of memory", 1 },
    { "{\"final\": \"timeout\"}", INB_BACKEND_ERROR_REMOTE, "timed out", 1 },
    { "{\"nsfw\": true}", INB_BACKEND_ERROR_BLOCKED, "not safe for work", 1 },
    { "{\"envelope_error\": {\"code\": 500, \"message\": \"engine crashed\"}}", INB_BACKEND_ERROR_REMOTE, "engine crashed", 1 },
    { "{\"video\": \"html\"}", INB_BACKEND_ERROR_REMOTE, "web page", 1 },
    { "{\"video\": \"expired\"}", INB_BACKEND_ERROR_EXPIRED, "expired", 1 },
    { "{\"video_path\": null}", INB_BACKEND_ERROR_REMOTE, "not a playable video", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, cases[i].json);
      result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
      g_test_message ("%s -> %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_null (strstr (error->message, KEY));
      g_assert_cmpuint (SUBMITS (f), ==, cases[i].submits);
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }

  /* A blocked clip is never downloaded */
  inb_fake_server_reset (f->fake);
  inb_fake_server_script (f->fake, "{\"nsfw\": true}");
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
    g_autoptr(InbResult) result = NULL;
    g_autoptr(GError) error = NULL;

    result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_BLOCKED);
    g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 0);
  }
}

/* Without the binary upload endpoint: media/uploads + a presigned PUT */
static void
test_new_upload_flow (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *put;
  JsonObject *info;

  inb_fake_server_script (f->fake, "{\"upload_flow\": \"new\"}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/api/v3/media/upload/binary"), ==, 2);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/api/v3/media/uploads"), ==, 2);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "PUT", "/put/"), ==, 2);
  g_assert_cmpuint (SUBMITS (f), ==, 1);

  /* The bytes went to the presigned URL with its headers, without our key */
  put = inb_test_fake_find (f->fake, "PUT", "/put/", 0);
  info = json_object_get_object_member (put, "info");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (info, "authorization")));
  g_assert_cmpstr (json_object_get_string_member (info, "acl"), ==, "private");
  g_assert_cmpstr (json_object_get_string_member (info, "real"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (info, "width"), ==, 832);
  info = json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/api/v3/" MODEL, 0), "info");
  g_assert_true (strstr (json_object_get_string_member (info, "first_image"), "/media/") != NULL);
}

static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Polls retried through 429/502/503; the download resumed after a cut */
  inb_fake_server_script (f->fake, "{\"poll_errors\": [429, 502, 503], \"video\": \"truncated\"}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 6);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 2);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"created_polls\": 0, \"processing_polls\": 100000}");
  /* cancelled once a poll has been sent (not after a guessed 400 ms) */
  result = inb_cloud_fixture_generate_cancel_on (f, request, "GET", "/api/v3/predictions/", &latency, &error);
  g_test_message ("cancel latency while processing: %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *task_id;
  InbTestWait w = { 0, };

  inb_fake_server_script (f->fake, "{\"submit_drop\": true}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_clear_error (&error);
  task_id = json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/api/v3/" MODEL, 0),
                                                                          "info"), "id");
  json_object_set_string_member (state, "task_id", task_id);

  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_assert_no_error (w.error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_clear_object (&w.result);

  json_object_set_string_member (state, "task_id", "nope");
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  gst_init (NULL, NULL);

  g_test_add_func ("/wavespeed/models", test_models);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, inb_cloud_fixture_teardown)

  ADD ("/wavespeed/success", test_success);
  ADD ("/wavespeed/preflight", test_preflight);
  ADD ("/wavespeed/failures", test_failures);
  ADD ("/wavespeed/new-upload-flow", test_new_upload_flow);
  ADD ("/wavespeed/retries", test_retries);
  ADD ("/wavespeed/cancel", test_cancel);
  ADD ("/wavespeed/resume", test_resume);

#undef ADD

  ret = g_test_run ();
  curl_global_cleanup ();

  return ret;
}
