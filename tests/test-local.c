/* test-local.c — the local backend: engine → writer → verified clip
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-local"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "inb-local-backend.h"
#include "inb-video-reader.h"

typedef struct
{
  InbBackend *backend;
  char       *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->backend = inb_local_backend_new ();
  fixture->dir = g_dir_make_tmp ("inb-test-local-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);

  /* A worker thread may still hold the task, and so the backend, for a
   * moment after the callback ran. */
  g_object_add_weak_pointer (G_OBJECT (fixture->backend), (gpointer *) &fixture->backend);
  g_object_unref (fixture->backend);
  for (guint i = 0; fixture->backend != NULL && i < 5000; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_null (fixture->backend);
}

/* Helpers --------------------------------------------------------------- */

/* A smooth, colourful texture with some fine detail, displaced by
 * (@dx, @dy): the "camera" pans over the same infinite pattern. */
static InbImage *
make_texture (guint  width,
              guint  height,
              double dx,
              double dy)
{
  InbImage *image = inb_image_new (width, height);
  guint8 *data = inb_image_get_data_mut (image);
  gsize stride = inb_image_get_stride (image);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        double fx = x - dx;
        double fy = y - dy;
        double l = 128 + 45 * sin (2 * G_PI * fx / 53.0) + 35 * cos (2 * G_PI * fy / 37.0)
                       + 8 * sin (2 * G_PI * (fx + 2 * fy) / 19.0);
        double r = l + 18 * sin (2 * G_PI * (fx - fy) / 71.0);
        double g = l + 10 * cos (2 * G_PI * fy / 47.0);
        double b = l - 18 * sin (2 * G_PI * (fx + fy) / 83.0);
        guint8 *p = data + y * stride + x * 3;

        p[0] = (guint8) CLAMP (round (r), 0, 255);
        p[1] = (guint8) CLAMP (round (g), 0, 255);
        p[2] = (guint8) CLAMP (round (b), 0, 255);
      }

  return image;
}

static double
psnr (const InbImage *a,
      const InbImage *b)
{
  guint width = inb_image_get_width (a);
  guint height = inb_image_get_height (a);
  double sse = 0.0;
  double mse;

  g_assert_cmpuint (width, ==, inb_image_get_width (b));
  g_assert_cmpuint (height, ==, inb_image_get_height (b));

  for (guint y = 0; y < height; y++)
    {
      const guint8 *pa = inb_image_get_data (a) + y * inb_image_get_stride (a);
      const guint8 *pb = inb_image_get_data (b) + y * inb_image_get_stride (b);

      for (guint i = 0; i < width * 3; i++)
        {
          double d = (double) pa[i] - (double) pb[i];
          sse += d * d;
        }
    }

  mse = sse / ((double) width * height * 3);
  if (mse <= 0.0)
    return 99.0;
  return 10.0 * log10 (255.0 * 255.0 / mse);
}

static JsonObject *
complete_params (InbBackend *backend,
                 const char *json)
{
  InbModel *model = inb_backend_get_default_model (backend);
  InbSchema *schema = inb_model_get_schema (model);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *params;

  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  params = inb_schema_complete (schema, json_node_get_object (node));
  g_assert_nonnull (params);
  inb_schema_validate (schema, params, &error);
  g_assert_no_error (error);

  return params;
}

static InbRequest *
make_request (InbBackend *backend,
              InbImage   *first,
              InbImage   *last,
              const char *params_json,
              const char *output_path)
{
  InbModel *model = inb_backend_get_default_model (backend);
  g_autoptr(JsonObject) params = complete_params (backend, params_json);
  InbRequest *request;

  request = inb_request_new ("local", inb_model_get_id (model));
  inb_request_set_params (request, params);
  if (first != NULL)
    inb_request_set_keyframes (request, first, last);
  if (output_path != NULL)
    inb_request_set_output_path (request, output_path);

  return request;
}

typedef struct
{
  InbProgress  *progress;
  GCancellable *cancellable;
  GMainLoop    *loop;
  InbResult    *result;
  GError       *error;
  gboolean      done;
  gboolean      without_progress;

  GArray       *fractions;
  GPtrArray    *stages;       /* distinct, in order seen */

  /* cancellation */
  const char *const *cancel_on;   /* cancel at the first stage with one of these prefixes; "" = any */
  gint64        cancelled_at;
  gint64        finished_at;
  char         *cancelled_during;
} Run;

static void
run_clear (Run *run)
{
  g_clear_object (&run->progress);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->result);
  g_clear_error (&run->error);
  g_clear_pointer (&run->fractions, g_array_unref);
  g_clear_pointer (&run->stages, g_ptr_array_unref);
  g_clear_pointer (&run->cancelled_during, g_free);
  *run = (Run) { 0 };
}

static void
progress_changed_cb (InbProgress *progress,
                     Run         *run)
{
  double fraction = inb_progress_get_fraction (progress);
  g_autofree char *stage = inb_progress_dup_stage (progress);

  g_array_append_val (run->fractions, fraction);

  if (stage != NULL &&
      (run->stages->len == 0 ||
       g_strcmp0 (g_ptr_array_index (run->stages, run->stages->len - 1), stage) != 0))
    g_ptr_array_add (run->stages, g_strdup (stage));

  for (guint i = 0; run->cancel_on != NULL && run->cancel_on[i] != NULL; i++)
    {
      if (run->cancelled_at == 0 && stage != NULL && g_str_has_prefix (stage, run->cancel_on[i]))
        {
          run->cancelled_during = g_strdup (stage);
          run->cancelled_at = g_get_monotonic_time ();
          g_cancellable_cancel (run->cancellable);
        }
    }
}

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->finished_at = g_get_monotonic_time ();
  run->result = inb_backend_generate_finish (INB_BACKEND (object), result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static void
run_generate (Run        *run,
              InbBackend *backend,
              InbRequest *request)
{
  run->progress = inb_progress_new ();
  /* every stage seen, however late this main loop runs (under ASan at
   * load, "Rendering frame" could come and go unseen) */
  inb_progress_set_deliver_every_stage (run->progress, TRUE);
  run->cancellable = g_cancellable_new ();
  run->loop = g_main_loop_new (NULL, FALSE);
  run->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  run->stages = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (run->progress, "changed", G_CALLBACK (progress_changed_cb), run);

  inb_backend_generate_async (backend, request,
                              run->without_progress ? NULL : run->progress,
                              run->cancellable,
                              generate_cb, run);
  if (!run->done)
    g_main_loop_run (run->loop);

  /* Let the last coalesced progress update land. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_signal_handlers_disconnect_by_data (run->progress, run);
}

static void
assert_no_output (const char *path)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static InbImage *
read_frame (const char *path,
            guint       index)
{
  g_autoptr(GError) error = NULL;
  InbImage *frame = inb_video_read_frame (path, index, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

/* Tests ----------------------------------------------------------------- */

static void
test_identity (Fixture       *fixture,
               gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  GPtrArray *models = inb_backend_get_models (backend);
  static const char *names[] = { "duration", "fps", "resolution", "fit", "easing", "loop" };
  InbModel *model;

  g_assert_cmpstr (inb_backend_get_id (backend), ==, "local");
  g_assert_cmpstr (inb_backend_get_name (backend), ==, "Local (this computer)");
  g_assert_nonnull (models);
  g_assert_cmpuint (models->len, ==, 1);

  model = inb_backend_get_default_model (backend);
  g_assert_nonnull (model);
  g_assert_cmpstr (inb_model_get_id (model), ==, "flow");
  g_assert_true (inb_backend_find_model (backend, "flow") == model);
  g_assert_cmpuint (inb_model_get_size_alignment (model), ==, 8);
  g_assert_cmpuint (inb_backend_get_max_concurrent (backend, model), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (inb_schema_lookup (inb_model_get_schema (model), names[i]));
}

static void
test_count_frames (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const struct {
    const char *params;
    guint       frames;
  } cases[] = {
    { "{}", 81 },                                              /* 5 s × 16 fps + 1 */
    { "{\"duration\": 1, \"fps\": 8}", 9 },
    { "{\"duration\": 10, \"fps\": 30}", 301 },
    { "{\"duration\": 1.5, \"fps\": 9}", 15 },                 /* round (13.5) + 1 */
    { "{\"duration\": 1, \"fps\": 8, \"loop\": true}", 9 },    /* 4 out, 4 back */
    { "{\"loop\": true}", 81 },
    { "{\"duration\": 1.5, \"fps\": 9, \"loop\": true}", 15 }, /* 2 × round (6.75) + 1 */
    { "{\"duration\": 1, \"fps\": 9, \"loop\": true}", 11 },   /* 2 × round (4.5) + 1 */
    { "{\"easing\": \"ease-in-out\"}", 81 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) params = complete_params (fixture->backend, cases[i].params);

      g_assert_cmpuint (inb_local_backend_count_frames (params), ==, cases[i].frames);
    }
}

static void
check_frame_size (InbBackend *backend,
                  const char *resolution,
                  guint       source_width,
                  guint       source_height,
                  guint      *width,
                  guint      *height)
{
  g_autofree char *json = g_strdup_printf ("{\"resolution\": \"%s\"}", resolution);
  g_autoptr(JsonObject) params = complete_params (backend, json);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = inb_backend_get_frame_size (backend, inb_backend_get_default_model (backend), params,
                                   source_width, source_height, width, height, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("%s of %u×%u -> %u×%u", resolution, source_width, source_height, *width, *height);
  g_assert_cmpuint (*width % 8, ==, 0);
  g_assert_cmpuint (*height % 8, ==, 0);
}

static void
test_frame_size (Fixture       *fixture,
                 gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  guint width, height;

  check_frame_size (backend, "720p", 1280, 720, &width, &height);
  g_assert_cmpuint (width, ==, 1280);
  g_assert_cmpuint (height, ==, 720);

  /* 480 × 16/9 = 853.3: the nearest multiple of 8 either way. */
  check_frame_size (backend, "480p", 1280, 720, &width, &height);
  g_assert_cmpuint (height, ==, 480);
  g_assert_cmpuint (width, >=, 848);
  g_assert_cmpuint (width, <=, 856);

  check_frame_size (backend, "1080p", 1280, 720, &width, &height);
  g_assert_cmpuint (width, ==, 1920);
  g_assert_cmpuint (height, ==, 1080);

  check_frame_size (backend, "720p", 3840, 2160, &width, &height);
  g_assert_cmpuint (width, ==, 1280);
  g_assert_cmpuint (height, ==, 720);

  /* Portrait keeps its orientation: the short side is the width. */
  check_frame_size (backend, "720p", 1080, 1920, &width, &height);
  g_assert_cmpuint (width, ==, 720);
  g_assert_cmpuint (height, ==, 1280);

  check_frame_size (backend, "source", 1280, 720, &width, &height);
  g_assert_cmpuint (width, ==, 1280);
  g_assert_cmpuint (height, ==, 720);

  /* Source sizes are rounded down to the alignment. */
  check_frame_size (backend, "source", 1283, 725, &width, &height);
  g_assert_cmpuint (width, ==, 1280);
  g_assert_cmpuint (height, ==, 720);
}

static void
test_validate (Fixture       *fixture,
               gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  g_autoptr(InbImage) a = make_texture (160, 96, 0, 0);
  g_autoptr(InbImage) b = make_texture (160, 96, 6, 2);
  g_autoptr(InbImage) other = make_texture (160, 98, 6, 2);
  g_autoptr(InbImage) odd = make_texture (161, 97, 0, 0);
  g_autoptr(InbImage) tiny = make_texture (8, 8, 0, 0);
  g_autofree char *out = g_build_filename (fixture->dir, "bad.mp4", NULL);
  g_autoptr(GError) error = NULL;
  InbRequest *request;
  Run run = { 0 };

  request = make_request (backend, a, b, "{\"duration\": 1, \"fps\": 8}", out);
  g_assert_true (inb_backend_validate (backend, request, &error));
  g_assert_no_error (error);
  g_object_unref (request);

  request = make_request (backend, a, other, "{\"duration\": 1, \"fps\": 8}", out);
  g_assert_false (inb_backend_validate (backend, request, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_test_message ("different sizes: %s", error->message);
  g_clear_error (&error);

  /* generate refuses it too, and writes nothing. */
  run_generate (&run, backend, request);
  g_assert_null (run.result);
  g_assert_error (run.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  assert_no_output (out);
  run_clear (&run);
  g_object_unref (request);

  request = make_request (backend, odd, odd, "{\"duration\": 1, \"fps\": 8}", out);
  g_assert_false (inb_backend_validate (backend, request, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_object_unref (request);

  request = make_request (backend, tiny, tiny, "{}", out);
  g_assert_false (inb_backend_validate (backend, request, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_test_message ("tiny: %s", error->message);
  g_clear_error (&error);
  g_object_unref (request);

  request = make_request (backend, NULL, NULL, "{}", out);
  g_assert_false (inb_backend_validate (backend, request, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_object_unref (request);
}

static void
test_generate (Fixture       *fixture,
               gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  g_autoptr(InbImage) first = make_texture (160, 96, 0, 0);
  g_autoptr(InbImage) last = make_texture (160, 96, 6, 2);
  g_autoptr(InbImage) frame0 = NULL;
  g_autoptr(InbImage) frame8 = NULL;
  g_autoptr(InbImage) middle = NULL;
  g_autoptr(InbImage) truth = NULL;
  g_autoptr(InbImage) dissolve = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "clip.mp4", NULL);
  g_autofree char *part = g_strconcat (out, ".part", NULL);
  g_autoptr(InbRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(InbVideoInfo) info = { 0 };
  g_autofree char *final_stage = NULL;
  JsonObject *metadata;
  gboolean saw_rendering = FALSE;
  double previous = -1.0;
  Run run = { 0 };

  request = make_request (backend, first, last, "{\"duration\": 1, \"fps\": 8}", out);
  run_generate (&run, backend, request);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);

  g_assert_cmpstr (inb_result_get_clip_path (run.result), ==, out);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (inb_result_get_width (run.result), ==, 160);
  g_assert_cmpuint (inb_result_get_height (run.result), ==, 96);
  g_assert_cmpuint (inb_result_get_n_frames (run.result), ==, 9);
  g_assert_cmpfloat_with_epsilon (inb_result_get_fps (run.result), 8.0, 0.01);

  g_assert_true (inb_video_verify (out, 160, 96, 9, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 9);

  metadata = inb_result_get_metadata (run.result);
  g_assert_nonnull (metadata);
  g_assert_true (json_object_has_member (metadata, "analysis_s"));
  g_assert_true (json_object_has_member (metadata, "render_s"));
  g_assert_true (json_object_has_member (metadata, "encode_s"));
  g_assert_cmpfloat (json_object_get_double_member (metadata, "analysis_s"), >=, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (metadata, "render_s"), >=, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (metadata, "encode_s"), >, 0.0);
  g_test_message ("timings: analysis %.4f s, render %.4f s, encode %.4f s",
                  json_object_get_double_member (metadata, "analysis_s"),
                  json_object_get_double_member (metadata, "render_s"),
                  json_object_get_double_member (metadata, "encode_s"));

  /* First and last frames are the keyframes, through H.264. */
  frame0 = read_frame (out, 0);
  frame8 = read_frame (out, 8);
  g_test_message ("PSNR first %.2f dB, last %.2f dB; first vs last keyframe %.2f dB",
                  psnr (frame0, first), psnr (frame8, last), psnr (first, last));
  g_assert_cmpfloat (psnr (frame0, first), >=, 35.0);
  g_assert_cmpfloat (psnr (frame8, last), >=, 35.0);
  /* …and the pair is different enough for that to mean something. */
  g_assert_cmpfloat (psnr (first, last), <, 25.0);

  /* The middle frame (t = 0.5) shows the half-way motion, not a dissolve. */
  middle = read_frame (out, 4);
  truth = make_texture (160, 96, 3, 1);
  dissolve = inb_image_new (160, 96);
  for (gsize i = 0; i < 160 * 96 * 3; i++)
    inb_image_get_data_mut (dissolve)[i] =
      (inb_image_get_data (first)[i] + inb_image_get_data (last)[i] + 1) / 2;
  g_test_message ("middle frame vs the true half-way image %.2f dB (a dissolve: %.2f dB)",
                  psnr (middle, truth), psnr (dissolve, truth));
  g_assert_cmpfloat (psnr (middle, truth), >=, 35.0);
  g_assert_cmpfloat (psnr (middle, truth), >=, psnr (dissolve, truth) + 3.0);

  /* The verifier hands on the frames the app reads back (the ends and
   * the middle) from its own decode, and no others. Converted with the
   * exporter's thread count they need not equal read_frame()'s to the
   * bit (see build_pipeline() in backends/video/inb-video-reader.c) */
  {
    InbImage *decoded[3] = { frame0, middle, frame8 };
    const guint index[3] = { 0, 4, 8 };

    for (guint i = 0; i < 3; i++)
      {
        InbImage *kept = inb_result_get_frame (run.result, index[i]);

        g_assert_nonnull (kept);
        g_test_message ("kept frame %u vs read back: %.2f dB", index[i], psnr (kept, decoded[i]));
        g_assert_cmpfloat (psnr (kept, decoded[i]), >=, 45.0);
      }
    g_assert_null (inb_result_get_frame (run.result, 1));
    g_assert_cmpfloat (psnr (inb_result_get_frame (run.result, 0), frame8), <, 30.0);
  }

  /* Progress: monotonic, reached the end, told what it was doing. */
  g_assert_cmpuint (run.fractions->len, >, 0);
  for (guint i = 0; i < run.fractions->len; i++)
    {
      double f = g_array_index (run.fractions, double, i);

      g_assert_cmpfloat (f, >=, previous);
      previous = f;
    }
  g_assert_cmpfloat (previous, >=, 0.95);
  g_assert_cmpfloat (inb_progress_get_fraction (run.progress), >=, 0.95);

  for (guint i = 0; i < run.stages->len; i++)
    {
      const char *stage = g_ptr_array_index (run.stages, i);
      guint index, total;

      g_test_message ("stage: %s", stage);
      if (sscanf (stage, "Rendering frame %u of %u", &index, &total) == 2)
        {
          g_assert_cmpuint (index, >=, 1);
          g_assert_cmpuint (index, <=, 9);
          g_assert_cmpuint (total, ==, 9);
          saw_rendering = TRUE;
        }
      else
        {
          g_assert_true (g_str_equal (stage, "Analysing motion") ||
                         g_str_equal (stage, "Finishing clip") ||
                         g_str_equal (stage, "Verifying clip"));
        }
    }
  g_assert_true (saw_rendering);
  final_stage = inb_progress_dup_stage (run.progress);
  g_assert_cmpstr (final_stage, ==, "Verifying clip");

  run_clear (&run);
}

static void
test_loop (Fixture       *fixture,
           gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  g_autoptr(InbImage) first = make_texture (160, 96, 0, 0);
  g_autoptr(InbImage) last = make_texture (160, 96, 6, 2);
  g_autoptr(InbImage) frame0 = NULL;
  g_autoptr(InbImage) frame4 = NULL;
  g_autoptr(InbImage) frame8 = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "loop.mp4", NULL);
  g_autoptr(InbRequest) request = NULL;
  Run run = { 0 };

  request = make_request (backend, first, last,
                          "{\"duration\": 1, \"fps\": 8, \"loop\": true, \"easing\": \"ease-in-out\"}",
                          out);
  run.without_progress = TRUE;   /* progress is optional */
  run_generate (&run, backend, request);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpuint (inb_result_get_n_frames (run.result), ==, 9);

  frame0 = read_frame (out, 0);
  frame4 = read_frame (out, 4);
  frame8 = read_frame (out, 8);
  g_test_message ("loop PSNR: frame 0 vs first %.2f dB, frame 4 vs last %.2f dB, frame 8 vs first %.2f dB",
                  psnr (frame0, first), psnr (frame4, last), psnr (frame8, first));
  g_assert_cmpfloat (psnr (frame0, first), >=, 35.0);
  g_assert_cmpfloat (psnr (frame4, last), >=, 35.0);   /* the turning point */
  g_assert_cmpfloat (psnr (frame8, first), >=, 35.0);  /* ends where it began */
  g_assert_cmpfloat (psnr (frame8, frame0), >=, 35.0);

  run_clear (&run);
}

/* Ease-in-out starts at rest: its second frame is nearer the first
 * keyframe than the linear clip's, and the middle frames coincide. */
static void
test_easing (Fixture       *fixture,
             gconstpointer  user_data)
{
  InbBackend *backend = fixture->backend;
  g_autoptr(InbImage) first = make_texture (160, 96, 0, 0);
  g_autoptr(InbImage) last = make_texture (160, 96, 6, 2);
  g_autofree char *linear_path = g_build_filename (fixture->dir, "linear.mp4", NULL);
  g_autofree char *eased_path = g_build_filename (fixture->dir, "eased.mp4", NULL);
  g_autoptr(InbRequest) linear = NULL;
  g_autoptr(InbRequest) eased = NULL;
  g_autoptr(InbImage) linear1 = NULL;
  g_autoptr(InbImage) eased1 = NULL;
  g_autoptr(InbImage) linear4 = NULL;
  g_autoptr(InbImage) eased4 = NULL;
  Run run = { 0 };

  linear = make_request (backend, first, last, "{\"duration\": 1, \"fps\": 8}", linear_path);
  eased = make_request (backend, first, last,
                        "{\"duration\": 1, \"fps\": 8, \"easing\": \"ease-in-out\"}", eased_path);

  run_generate (&run, backend, linear);
  g_assert_no_error (run.error);
  run_clear (&run);
  run_generate (&run, backend, eased);
  g_assert_no_error (run.error);
  g_assert_cmpuint (inb_result_get_n_frames (run.result), ==, 9);
  run_clear (&run);

  linear1 = read_frame (linear_path, 1);
  eased1 = read_frame (eased_path, 1);
  linear4 = read_frame (linear_path, 4);
  eased4 = read_frame (eased_path, 4);
  g_test_message ("frame 1 vs first keyframe: linear %.2f dB, eased %.2f dB; middles %.2f dB apart",
                  psnr (linear1, first), psnr (eased1, first), psnr (linear4, eased4));
  g_assert_cmpfloat (psnr (eased1, first), >, psnr (linear1, first) + 1.0);
  g_assert_cmpfloat (psnr (eased4, linear4), >=, 35.0);
}

static void
run_cancel (Fixture           *fixture,
            const char *const *cancel_on,
            const char        *params,
            const char        *name)
{
  InbBackend *backend = fixture->backend;
  g_autoptr(InbImage) first = make_texture (640, 360, 0, 0);
  g_autoptr(InbImage) last = make_texture (640, 360, 24, 8);
  g_autofree char *out = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(InbRequest) request = NULL;
  double latency_ms;
  Run run = { 0 };

  request = make_request (backend, first, last, params, out);
  run.cancel_on = cancel_on;
  run_generate (&run, backend, request);

  g_assert_null (run.result);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.cancelled_at, >, 0);

  latency_ms = (run.finished_at - run.cancelled_at) / 1000.0;
  g_test_message ("cancelled during \"%s\": returned %.1f ms after the cancel",
                  run.cancelled_during, latency_ms);
  g_assert_cmpfloat (latency_ms, <, 500.0);
  assert_no_output (out);

  run_clear (&run);
}

static void
test_cancel_early (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char *const any[] = { "", NULL };

  /* The first progress report: normally inside the engine's analysis. */
  run_cancel (fixture, any,
              "{\"duration\": 10, \"fps\": 30, \"resolution\": \"source\"}",
              "cancel-early.mp4");
}

static void
test_cancel_rendering (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *const rendering[] = { "Rendering frame ", NULL };

  /* Between frames, with the encoder running. */
  run_cancel (fixture, rendering,
              "{\"duration\": 10, \"fps\": 30, \"resolution\": \"source\"}",
              "cancel-rendering.mp4");
}

static void
test_cancel_finishing (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *const finishing[] = { "Finishing clip", "Verifying clip", NULL };

  /* While the encoder drains or the finished clip is being verified:
   * the clip that was (nearly) made must not be left behind. */
  run_cancel (fixture, finishing,
              "{\"duration\": 4, \"fps\": 30, \"resolution\": \"source\"}",
              "cancel-finishing.mp4");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/local/identity", test_identity);
  ADD ("/local/count-frames", test_count_frames);
  ADD ("/local/frame-size", test_frame_size);
  ADD ("/local/validate", test_validate);
  ADD ("/local/generate", test_generate);
  ADD ("/local/loop", test_loop);
  ADD ("/local/easing", test_easing);
  ADD ("/local/cancel/early", test_cancel_early);
  ADD ("/local/cancel/rendering", test_cancel_rendering);
  ADD ("/local/cancel/finishing", test_cancel_finishing);

#undef ADD

  return g_test_run ();
}
