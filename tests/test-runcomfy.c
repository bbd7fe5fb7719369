/* test-runcomfy.c — the RunComfy backend against a faithful loopback fake
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-runcomfy"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <curl/curl.h>
#include <gst/gst.h>

#include "inb-runcomfy-backend.h"
#include "inb-video-writer.h"
#include "inb-test-fake.h"

#define KEY "rc-CANARY-0d93"

typedef InbCloudFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  inb_cloud_fixture_setup (f, inb_runcomfy_backend_new (), "fake-runcomfy.py", KEY, "");
}

#define MODEL      "community/wan-2-2/first-last-frame"
#define SUBMITS(f) inb_test_fake_count ((f)->fake, "POST", "/v1/models/")
#define POLLS(f)   inb_test_fake_count ((f)->fake, "GET", "/v1/requests/")

/* ------------------------------------------------------------------ */

static void
test_models (void)
{
  g_autoptr(InbBackend) backend = inb_runcomfy_backend_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GError) error = NULL;
  InbModel *model;
  guint w = 0, h = 0;

  g_assert_cmpstr (inb_backend_get_id (backend), ==, "runcomfy");
  model = inb_backend_get_default_model (backend);
  g_assert_cmpstr (inb_model_get_id (model), ==, MODEL);
  g_assert_true (inb_model_get_prompt_required (model));
  g_assert_true (g_str_has_prefix (inb_cloud_backend_get_base_url (INB_CLOUD_BACKEND (backend)),
                                   "http://127.0.0.1"));

  json_object_set_string_member (params, "resolution", "1024x576 (16:9)");
  g_assert_true (inb_backend_get_frame_size (backend, model, params, 1920, 1080, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 1024);
  g_assert_cmpuint (h, ==, 576);
  g_assert_cmpuint (inb_backend_get_max_concurrent (backend, model), ==, 2);

  json_object_set_string_member (params, "resolution", "1024*576");
  g_assert_false (inb_backend_get_frame_size (backend, model, params, 1920, 1080, &w, &h, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "a door opens onto the sea", 720, 720,
                                                "{\"length\": \"141\", \"fps\": 24, \"steps\": 8, \"cfg\": 1.5, \"shift\": 5, \"seed\": 42}");
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *submit;
  JsonObject *info;
  JsonObject *body;
  JsonObject *image;

  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (result), "service"), ==, "runcomfy");

  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 3);   /* in_queue, in_progress, completed */
  submit = inb_test_fake_find (f->fake, "POST", "/v1/models/" MODEL, 0);
  g_assert_nonnull (submit);
  g_assert_cmpstr (inb_fake_request_get_header (submit, "Authorization"), ==, "Bearer " KEY);
  info = json_object_get_object_member (submit, "info");
  image = json_object_get_object_member (info, "68_image");
  g_assert_cmpstr (json_object_get_string_member (image, "real"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (image, "width"), ==, 720);
  g_assert_cmpint (json_object_get_int_member (image, "bytes"), <=, 6 * 1024 * 1024);
  g_assert_true (json_object_has_member (info, "62_image"));
  body = json_object_get_object_member (info, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "6_text"), ==, "a door opens onto the sea");
  g_assert_cmpstr (json_object_get_string_member (body, "71_widthx71_height"), ==, "720x720 (1:1)");
  g_assert_cmpint (json_object_get_int_member (body, "67_length"), ==, 141);
  g_assert_cmpint (json_object_get_int_member (body, "73_frame_rate"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (body, "57_steps"), ==, 8);
  g_assert_cmpfloat (json_object_get_double_member (body, "57_cfg"), ==, 1.5);
  g_assert_cmpfloat (json_object_get_double_member (body, "54_shift"), ==, 5.0);
  g_assert_cmpint (json_object_get_int_member (body, "57_noise_seed"), ==, 42);

  g_assert_null (inb_fake_request_get_header (inb_test_fake_find (f->fake, "GET", "/files/", 0), "Authorization"));
  inb_test_assert_no_secret_in_files (f->tmpdir, KEY, TRUE);
}

static void
test_preflight (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
    g_autoptr(InbResult) result = NULL;

    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), NULL);
    result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
    g_clear_error (&error);
    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  }

  /* The workflow needs a prompt */
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "  ", 720, 720, NULL);
    g_autoptr(InbResult) result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  /* Parameters outside the workflow's ranges */
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);

    json_object_set_int_member (inb_request_get_params (request), "fps", 30);
    g_assert_false (inb_backend_validate (f->backend, request, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  {
    g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);

    json_object_set_string_member (inb_request_get_params (request), "resolution", "720x720");
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
  static const struct { const char *json; int code; const char *text; } cases[] = {
    { "{\"key\": \"rc-other\"}", INB_BACKEND_ERROR_AUTH, "HTTP 401" },
    { "{\"submit_error\": {\"status\": 402, \"body\": {\"error_code\": 402, \"error_message\": \"Insufficient balance\"}}}",
      INB_BACKEND_ERROR_REMOTE, "no balance" },
    { "{\"submit_error\": {\"status\": 422, \"body\": {\"detail\": [{\"loc\": [\"body\", \"57_cfg\"], \"msg\": \"cfg too high\"}]}}}",
      INB_BACKEND_ERROR_REMOTE, "cfg too high" },
    { "{\"submit_error\": {\"status\": 403, \"body\": {\"message\": \"no access to this model\"}}}",
      INB_BACKEND_ERROR_AUTH, "no access to this model" },
    { "{\"submit_error\": {\"status\": 429, \"body\": {\"error\": \"slow down\"}}}",
      INB_BACKEND_ERROR_REMOTE, "slow down" },
    { "{\"submit_200_error\": {\"error_code\": 5001, \"error_message\": \"workflow disabled\"}}",
      INB_BACKEND_ERROR_REMOTE, "workflow disabled" },
    { "{\"submit_drop\": true}", INB_BACKEND_ERROR_SUBMIT_UNKNOWN, "may or may not" },
    { "{\"final\": \"failed\", \"fail_error\": \"KSampler: out of memory\"}", INB_BACKEND_ERROR_REMOTE, "KSampler" },
    { "{\"final\": \"cancelled\"}", INB_BACKEND_ERROR_REMOTE, "cancelled at RunComfy" },
    { "{\"video\": \"html\"}", INB_BACKEND_ERROR_REMOTE, "web page" },
    { "{\"video\": \"expired\"}", INB_BACKEND_ERROR_EXPIRED, "expired" },
    { "{\"video_path\": null}", INB_BACKEND_ERROR_REMOTE, "not a playable video" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
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
      g_assert_cmpuint (SUBMITS (f), ==, 1);
      g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
    }
}

static void
on_stage (InbProgress *progress,
          GParamSpec  *pspec,
          GPtrArray   *stages)
{
  char *stage = inb_progress_dup_stage (progress);

  if (stage != NULL)
    g_ptr_array_add (stages, stage);
}

static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbProgress) progress = inb_progress_new ();
  g_autoptr(GPtrArray) stages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  inb_fake_server_script (f->fake, "{\"poll_errors\": [503, 500], \"output_form\": \"videos\", \"video\": \"truncated\", \"queue_polls\": 3}");
  /* Slow enough polls that every stage is seen (progress is coalesced) */
  inb_cloud_backend_set_poll_interval (INB_CLOUD_BACKEND (f->backend), 100, 100);
  g_signal_connect (progress, "notify::stage", G_CALLBACK (on_stage), stages);
  result = inb_cloud_fixture_generate (f, request, progress, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 7);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/files/"), ==, 2);

  /* The queue position counted down in the progress stage */
  g_assert_true (g_ptr_array_find_with_equal_func (stages, "2 jobs ahead in the RunComfy queue", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (stages, "1 job ahead in the RunComfy queue", g_str_equal, NULL));
}

static void
test_cancel_queued (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"queue_polls\": 100000}");
  /* cancelled once a poll has been sent, so the request id is known and
   * the task is queued (a state reached, not a guessed 400 ms: under
   * valgrind the submit had not been answered by then). The latency is a
   * figure (tests/bench/cancel), not an assertion. */
  result = inb_cloud_fixture_generate_cancel_on (f, request, "GET", "/v1/requests/", &latency, &error);
  g_test_message ("cancel latency while in_queue (incl. remote cancel): %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 1);
}

static void
test_cancel_running (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  inb_fake_server_script (f->fake, "{\"queue_polls\": 0, \"progress_polls\": 100000}");
  /* cancelled once the second poll has been sent: the answer to the first
   * ("in_progress") has been read by then, so the job knows it is running */
  result = inb_cloud_fixture_generate_cancel_after (f, request, "GET", "/v1/requests/", 2, &latency, &error);
  g_test_message ("cancel latency while in_progress: %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 0);
}

static void
test_cancel_remote (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InbRequest) request = inb_cloud_fixture_request (f, MODEL, "x", 720, 720, NULL);
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  InbTestWait w = { 0, };

  inb_fake_server_script (f->fake, "{\"submit_drop\": true, \"queue_polls\": 100000}");
  result = inb_cloud_fixture_generate (f, request, NULL, 0, NULL, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  json_object_set_string_member (state, "task_id",
                                 json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->fake, "POST", "/v1/models/", 0), "info"),
                                                                "request_id"));

  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_cancel_remote_async (f->backend, request, state, NULL, inb_test_on_cancel_remote, &w);
  inb_test_wait_run (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);

  /* Resuming it now finds it cancelled */
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
  g_clear_error (&w.error);

  /* Not a request id at all: refused before anything is sent */
  json_object_set_string_member (state, "task_id", "../../etc");
  inb_backend_cancel_remote_async (f->backend, request, state, NULL, inb_test_on_cancel_remote, &w);
  inb_test_wait_run (&w);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);

  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/cancel"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  gst_init (NULL, NULL);

  g_test_add_func ("/runcomfy/models", test_models);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, inb_cloud_fixture_teardown)

  ADD ("/runcomfy/success", test_success);
  ADD ("/runcomfy/preflight", test_preflight);
  ADD ("/runcomfy/failures", test_failures);
  ADD ("/runcomfy/retries", test_retries);
  ADD ("/runcomfy/cancel-queued", test_cancel_queued);
  ADD ("/runcomfy/cancel-running", test_cancel_running);
  ADD ("/runcomfy/cancel-remote", test_cancel_remote);

#undef ADD

  ret = g_test_run ();
  curl_global_cleanup ();

  return ret;
}
