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
#include "fakes/inb-fake-server.h"

#define KEY "ws-CANARY-77c2"

typedef struct
{
  InbFakeServer *fake;
  InbBackend    *backend;
  char          *tmpdir;
  char          *work_dir;
  char          *output;
  char          *clip;        /* a real MP4 the fake serves as the result */
} Fixture;

static InbImage *
make_image (guint width,
            guint height,
            guint8 tint)
{
  InbImage *image = inb_image_new (width, height);
  guint8 *data = inb_image_get_data_mut (image);
  gsize stride = inb_image_get_stride (image);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = data + y * stride + x * 3;

        p[0] = (guint8) (x * 255 / width);
        p[1] = (guint8) (y * 255 / height);
        p[2] = tint;
      }

  return image;
}

static void
write_clip (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;

  writer = inb_video_writer_new (path, 320, 240, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(InbImage) frame = make_image (320, 240, (guint8) (i * 30));

      inb_video_writer_push (writer, frame, &error);
      g_assert_no_error (error);
    }
  inb_video_writer_finish (writer, &error);
  g_assert_no_error (error);
}

static void
script (Fixture    *f,
        const char *json)
{
  inb_fake_server_script (f->fake, json);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *initial = NULL;

  f->tmpdir = g_dir_make_tmp ("test-wavespeed-XXXXXX", &error);
  g_assert_no_error (error);
  f->work_dir = g_build_filename (f->tmpdir, "work", NULL);
  f->output = g_build_filename (f->tmpdir, "take", "clip.mp4", NULL);
  f->clip = g_build_filename (f->tmpdir, "served.mp4", NULL);
  g_mkdir_with_parents (f->work_dir, 0700);
  g_mkdir_with_parents (f->tmpdir, 0700);
  {
    g_autofree char *take = g_path_get_dirname (f->output);
    g_mkdir_with_parents (take, 0700);
  }
  write_clip (f->clip);

  initial = g_strdup_printf ("{\"key\": \"%s\", \"video_path\": \"%s\"}", KEY, f->clip);
  f->fake = inb_fake_server_start ("fake-wavespeed.py", initial);

  f->backend = inb_wavespeed_backend_new ();
  base = inb_fake_server_url (f->fake, "");
  inb_cloud_backend_set_base_url (INB_CLOUD_BACKEND (f->backend), base);
  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  inb_cloud_backend_set_poll_interval (INB_CLOUD_BACKEND (f->backend), 20, 40);
  inb_cloud_backend_set_retry_policy (INB_CLOUD_BACKEND (f->backend), 4, 10, 50, 60);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_fake_server_stop (f->fake);
  g_clear_object (&f->backend);
  remove_tree (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->work_dir);
  g_free (f->output);
  g_free (f->clip);
}

static InbRequest *
make_request (Fixture    *f,
              const char *model_id,
              const char *prompt,
              guint       width,
              guint       height,
              const char *params_json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) complete = NULL;
  g_autoptr(InbImage) first = make_image (width, height, 10);
  g_autoptr(InbImage) last = make_image (width, height, 200);
  g_autoptr(GError) error = NULL;
  InbModel *model = inb_backend_find_model (f->backend, model_id);
  InbRequest *request;

  g_assert_nonnull (model);
  node = json_from_string (params_json != NULL ? params_json : "{}", &error);
  g_assert_no_error (error);
  complete = inb_schema_complete (inb_model_get_schema (model), json_node_get_object (node));
  if (!json_object_has_member (complete, "seed") || json_object_get_int_member (complete, "seed") <= 0)
    json_object_set_int_member (complete, "seed", 42);

  request = inb_request_new ("wavespeed", model_id);
  inb_request_set_prompt (request, prompt);
  inb_request_set_params (request, complete);
  inb_request_set_seed (request, 42);
  inb_request_set_keyframes (request, first, last);
  inb_request_set_work_dir (request, f->work_dir);
  inb_request_set_output_path (request, f->output);

  return request;
}

typedef struct
{
  GMainLoop    *loop;
  InbResult    *result;
  GError       *error;
  gboolean      ok;
  GCancellable *cancellable;
  gint64        cancelled_at;
  gint64        finished_at;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = inb_backend_generate_finish (INB_BACKEND (source), res, &w->error);
  w->finished_at = g_get_monotonic_time ();
  g_main_loop_quit (w->loop);
}

static void
on_resumed (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Wait *w = user_data;

  w->result = inb_backend_resume_finish (INB_BACKEND (source), res, &w->error);
  w->finished_at = g_get_monotonic_time ();
  g_main_loop_quit (w->loop);
}

static gboolean
cancel_now (gpointer user_data)
{
  Wait *w = user_data;

  w->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (w->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
too_long (gpointer user_data)
{
  g_error ("The backend did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
wait_run (Wait *w)
{
  guint guard = g_timeout_add_seconds (60, too_long, NULL);

  g_main_loop_run (w->loop);
  g_source_remove (guard);
}

/* Runs a generation; cancels it after @cancel_ms when > 0. */
static InbResult *
generate (Fixture     *f,
          InbRequest  *request,
          InbProgress *progress,
          guint        cancel_ms,
          double      *cancel_latency,
          GError     **error)
{
  Wait w = { 0, };

  w.loop = g_main_loop_new (NULL, FALSE);
  w.cancellable = g_cancellable_new ();
  inb_backend_generate_async (f->backend, request, progress, w.cancellable, on_done, &w);
  if (cancel_ms > 0)
    g_timeout_add (cancel_ms, cancel_now, &w);
  wait_run (&w);

  if (cancel_latency != NULL)
    *cancel_latency = (w.finished_at - w.cancelled_at) / 1e6;

  g_main_loop_unref (w.loop);
  g_object_unref (w.cancellable);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

static JsonObject *
find_request (Fixture    *f,
              const char *method,
              const char *path_part,
              guint       nth)
{
  JsonArray *requests = inb_fake_server_get_requests (f->fake);

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
          strstr (json_object_get_string_member (r, "path"), path_part) != NULL &&
          nth-- == 0)
        return r;
    }

  return NULL;
}

static guint
count (Fixture    *f,
       const char *method,
       const char *path_part)
{
  JsonArray *requests = inb_fake_server_get_requests (f->fake);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
          strstr (json_object_get_string_member (r, "path"), path_part) != NULL)
        n++;
    }

  return n;
}

#define MODEL      "wavespeed-ai/wan-flf2v"
#define UPLOADS(f) count ((f), "POST", "/api/v3/media/upload/binary")
#define SUBMITS(f) count ((f), "POST", "/api/v3/" MODEL)
#define POLLS(f)   count ((f), "GET", "/api/v3/predictions/")

/* No file under @dir contains the key */
static void
assert_no_key_in_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          assert_no_key_in_files (path);
          continue;
        }
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_null (g_strstr_len (contents, length, KEY));
    }
}

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
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f, MODEL, "a kite climbs", 832, 480,
                                                "{\"duration\": 10, \"num_inference_steps\": 20, \"guidance_scale\": 6.5}");
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *upload;
  JsonObject *submit;
  JsonObject *info;
  JsonObject *body;

  result = generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (result), "service"), ==, "wavespeed");
  g_assert_cmpint (json_object_get_int_member (inb_result_get_metadata (result), "inference_ms"), ==, 41234);

  /* Two uploads (JPEG, the keyframes' size), one submit using their URLs */
  g_assert_cmpuint (UPLOADS (f), ==, 2);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 3);
  upload = json_object_get_object_member (find_request (f, "POST", "/media/upload/binary", 0), "info");
  g_assert_cmpstr (json_object_get_string_member (upload, "real"), ==, "image/jpeg");
  g_assert_cmpstr (json_object_get_string_member (upload, "content_type"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (upload, "width"), ==, 832);
  g_assert_cmpint (json_object_get_int_member (upload, "height"), ==, 480);

  submit = find_request (f, "POST", "/api/v3/" MODEL, 0);
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

  g_assert_null (inb_fake_request_get_header (find_request (f, "GET", "/files/", 0), "Authorization"));
  assert_no_key_in_files (f->tmpdir);
}

static void
test_preflight (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
    g_autoptr(InbResult) result = NULL;

    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), NULL);
    result = generate (f, request, NULL, 0, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
    g_clear_error (&error);
    inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  }

  {
    g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 300, 300, NULL);
    g_autoptr(InbResult) result = generate (f, request, NULL, 0, NULL, &error);

    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }

  {
    g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);

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
      g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
      g_autoptr(InbResult) result = NULL;
      g_autoptr(GError) error = NULL;

      inb_fake_server_reset (f->fake);
      script (f, cases[i].json);
      result = generate (f, request, NULL, 0, NULL, &error);
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
  script (f, "{\"nsfw\": true}");
  {
    g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
    g_autoptr(InbResult) result = NULL;
    g_autoptr(GError) error = NULL;

    result = generate (f, request, NULL, 0, NULL, &error);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_BLOCKED);
    g_assert_cmpuint (count (f, "GET", "/files/"), ==, 0);
  }
}

/* Without the binary upload endpoint: media/uploads + a presigned PUT */
static void
test_new_upload_flow (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *put;
  JsonObject *info;

  script (f, "{\"upload_flow\": \"new\"}");
  result = generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count (f, "POST", "/api/v3/media/upload/binary"), ==, 2);
  g_assert_cmpuint (count (f, "POST", "/api/v3/media/uploads"), ==, 2);
  g_assert_cmpuint (count (f, "PUT", "/put/"), ==, 2);
  g_assert_cmpuint (SUBMITS (f), ==, 1);

  /* The bytes went to the presigned URL with its headers, without our key */
  put = find_request (f, "PUT", "/put/", 0);
  info = json_object_get_object_member (put, "info");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (info, "authorization")));
  g_assert_cmpstr (json_object_get_string_member (info, "acl"), ==, "private");
  g_assert_cmpstr (json_object_get_string_member (info, "real"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (info, "width"), ==, 832);
  info = json_object_get_object_member (find_request (f, "POST", "/api/v3/" MODEL, 0), "info");
  g_assert_true (strstr (json_object_get_string_member (info, "first_image"), "/media/") != NULL);
}

static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Polls retried through 429/502/503; the download resumed after a cut */
  script (f, "{\"poll_errors\": [429, 502, 503], \"video\": \"truncated\"}");
  result = generate (f, request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_cmpuint (POLLS (f), ==, 6);
  g_assert_cmpuint (count (f, "GET", "/files/"), ==, 2);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double latency = 0;

  script (f, "{\"created_polls\": 0, \"processing_polls\": 100000}");
  result = generate (f, request, NULL, 400, &latency, &error);
  g_test_message ("cancel latency while processing: %.3f s", latency);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (latency, <, 1.0);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f, MODEL, "x", 832, 480, NULL);
  g_autoptr(InbResult) result = NULL;
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *task_id;
  Wait w = { 0, };

  script (f, "{\"submit_drop\": true}");
  result = generate (f, request, NULL, 0, NULL, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_clear_error (&error);
  task_id = json_object_get_string_member (json_object_get_object_member (find_request (f, "POST", "/api/v3/" MODEL, 0),
                                                                          "info"), "id");
  json_object_set_string_member (state, "task_id", task_id);

  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, on_resumed, &w);
  wait_run (&w);
  g_assert_no_error (w.error);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  g_clear_object (&w.result);

  json_object_set_string_member (state, "task_id", "nope");
  inb_backend_resume_async (f->backend, request, state, NULL, NULL, on_resumed, &w);
  wait_run (&w);
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
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

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
