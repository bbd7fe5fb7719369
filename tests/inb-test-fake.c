/* inb-test-fake.c — what the cloud tests share around the loopback fakes
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "inb-test-fake"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include <string.h>

#include <glib/gstdio.h>

#include "inb-cloud-backend.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"
#include "inb-video-writer.h"

InbImage *
inb_test_gradient_image (guint  width,
                         guint  height,
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

void
inb_test_write_png (const char *path,
                    guint       width,
                    guint       height,
                    guint8      tint)
{
  g_autoptr(InbImage) image = inb_test_gradient_image (width, height, tint);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) width, (int) height, (int) inb_image_get_stride (image));
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

void
inb_test_store_result (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
inb_test_write_clip (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;

  writer = inb_video_writer_new (path, 320, 240, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(InbImage) frame = inb_test_gradient_image (320, 240, (guint8) (i * 30));

      inb_video_writer_push (writer, frame, &error);
      g_assert_no_error (error);
    }
  inb_video_writer_finish (writer, &error);
  g_assert_no_error (error);
}

void
inb_test_assert_no_secret_in_files (const char *dir,
                                    const char *secret,
                                    gboolean    strict)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      gboolean read;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          inb_test_assert_no_secret_in_files (path, secret, strict);
          continue;
        }
      read = g_file_get_contents (path, &contents, &length, NULL);
      if (strict)
        g_assert_true (read);
      if (read)
        g_assert_null (g_strstr_len (contents, length, secret));
    }
}

/* The fake's log -------------------------------------------------------- */

/* The position of the @nth request (from 0) with @method and @path_part in
 * its path in the fake's log, or -1: tests compare them to check order. */
int
inb_test_fake_index (InbFakeServer *fake,
                     const char    *method,
                     const char    *path_part,
                     guint          nth)
{
  JsonArray *requests = inb_fake_server_get_requests (fake);

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
          strstr (json_object_get_string_member (r, "path"), path_part) != NULL &&
          nth-- == 0)
        return (int) i;
    }

  return -1;
}

JsonObject *
inb_test_fake_find (InbFakeServer *fake,
                    const char    *method,
                    const char    *path_part,
                    guint          nth)
{
  int index = inb_test_fake_index (fake, method, path_part, nth);

  if (index < 0)
    return NULL;

  return json_array_get_object_element (inb_fake_server_get_requests (fake), index);
}

guint
inb_test_fake_count (InbFakeServer *fake,
                     const char    *method,
                     const char    *path_part)
{
  guint n = 0;

  while (inb_test_fake_find (fake, method, path_part, n) != NULL)
    n++;

  return n;
}

/* Waiting --------------------------------------------------------------- */

static gboolean
too_long (gpointer user_data)
{
  g_error ("The backend did not finish in time (%u s)", GPOINTER_TO_UINT (user_data));
  return G_SOURCE_REMOVE;
}

void
inb_test_loop_run (GMainLoop *loop)
{
  guint limit = inb_test_seconds (60);
  guint guard = g_timeout_add_seconds (limit, too_long, GUINT_TO_POINTER (limit));

  g_main_loop_run (loop);
  g_source_remove (guard);
}

void
inb_test_wait_run (InbTestWait *w)
{
  inb_test_loop_run (w->loop);
}

void
inb_test_on_generated (GObject      *source,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  InbTestWait *w = user_data;

  w->result = inb_backend_generate_finish (INB_BACKEND (source), res, &w->error);
  w->finished_at = g_get_monotonic_time ();
  g_main_loop_quit (w->loop);
}

void
inb_test_on_resumed (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  InbTestWait *w = user_data;

  w->result = inb_backend_resume_finish (INB_BACKEND (source), res, &w->error);
  w->finished_at = g_get_monotonic_time ();
  g_main_loop_quit (w->loop);
}

void
inb_test_on_cancel_remote (GObject      *source,
                           GAsyncResult *res,
                           gpointer      user_data)
{
  InbTestWait *w = user_data;

  w->ok = inb_backend_cancel_remote_finish (INB_BACKEND (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
cancel_now (gpointer user_data)
{
  InbTestWait *w = user_data;

  w->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (w->cancellable);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  InbTestWait *w;
  InbFakeServer *fake;
  const char *method;
  const char *path;
  guint        n;
} CancelWhen;

static gboolean
cancel_when_seen (gpointer user_data)
{
  CancelWhen *when = user_data;

  if (inb_test_fake_count (when->fake, when->method, when->path) < when->n)
    return G_SOURCE_CONTINUE;

  cancel_now (when->w);
  return G_SOURCE_REMOVE;
}

/* The fixture ----------------------------------------------------------- */

void
inb_cloud_fixture_setup (InbCloudFixture *f,
                         InbBackend      *backend,
                         const char      *script,
                         const char      *key,
                         const char      *url_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("test-%s-XXXXXX", inb_backend_get_id (backend));
  g_autofree char *base = NULL;
  g_autofree char *initial = NULL;
  g_autofree char *take = NULL;

  f->tmpdir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  f->work_dir = g_build_filename (f->tmpdir, "work", NULL);
  f->output = g_build_filename (f->tmpdir, "take", "clip.mp4", NULL);
  f->clip = g_build_filename (f->tmpdir, "served.mp4", NULL);
  g_mkdir_with_parents (f->work_dir, 0700);
  take = g_path_get_dirname (f->output);
  g_mkdir_with_parents (take, 0700);
  inb_test_write_clip (f->clip);

  initial = g_strdup_printf ("{\"key\": \"%s\", \"video_path\": \"%s\"}", key, f->clip);
  f->fake = inb_fake_server_start (script, initial);

  f->backend = backend;
  base = inb_fake_server_url (f->fake, url_path);
  inb_cloud_backend_set_base_url (INB_CLOUD_BACKEND (f->backend), base);
  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), key);
  inb_cloud_backend_set_poll_interval (INB_CLOUD_BACKEND (f->backend), 20, 40);
  inb_cloud_backend_set_retry_policy (INB_CLOUD_BACKEND (f->backend), 4, 10, 50, 60);
}

void
inb_cloud_fixture_teardown (InbCloudFixture *f,
                            gconstpointer    data)
{
  inb_fake_server_stop (f->fake);
  g_clear_object (&f->backend);
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->work_dir);
  g_free (f->output);
  g_free (f->clip);
}

InbRequest *
inb_cloud_fixture_request (InbCloudFixture *f,
                           const char      *model_id,
                           const char      *prompt,
                           guint            width,
                           guint            height,
                           const char      *params_json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) complete = NULL;
  g_autoptr(InbImage) first = inb_test_gradient_image (width, height, 10);
  g_autoptr(InbImage) last = inb_test_gradient_image (width, height, 200);
  g_autoptr(GError) error = NULL;
  InbModel *model = inb_backend_find_model (f->backend, model_id);
  InbRequest *request;

  g_assert_nonnull (model);
  node = json_from_string (params_json != NULL ? params_json : "{}", &error);
  g_assert_no_error (error);
  complete = inb_schema_complete (inb_model_get_schema (model), json_node_get_object (node));
  if (!json_object_has_member (complete, "seed") || json_object_get_int_member (complete, "seed") <= 0)
    json_object_set_int_member (complete, "seed", 42);

  request = inb_request_new (inb_backend_get_id (f->backend), model_id);
  inb_request_set_prompt (request, prompt);
  inb_request_set_params (request, complete);
  inb_request_set_seed (request, 42);
  inb_request_set_keyframes (request, first, last);
  inb_request_set_work_dir (request, f->work_dir);
  inb_request_set_output_path (request, f->output);

  return request;
}

InbResult *
inb_cloud_fixture_generate (InbCloudFixture  *f,
                            InbRequest       *request,
                            InbProgress      *progress,
                            guint             cancel_ms,
                            double           *cancel_latency,
                            GError          **error)
{
  InbTestWait w = { 0, };

  w.loop = g_main_loop_new (NULL, FALSE);
  w.cancellable = g_cancellable_new ();
  inb_backend_generate_async (f->backend, request, progress, w.cancellable, inb_test_on_generated, &w);
  if (cancel_ms > 0)
    g_timeout_add (cancel_ms, cancel_now, &w);
  inb_test_wait_run (&w);

  if (cancel_latency != NULL)
    *cancel_latency = (w.finished_at - w.cancelled_at) / 1e6;

  g_main_loop_unref (w.loop);
  g_object_unref (w.cancellable);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

/**
 * inb_cloud_fixture_generate_cancel_after:
 *
 * Like inb_cloud_fixture_generate(), cancelled as soon as the fake has seen
 * @n requests of @method to @path (a prefix): a state reached, not a time
 * guessed, so it holds on a loaded machine or under valgrind.
 */
InbResult *
inb_cloud_fixture_generate_cancel_after (InbCloudFixture  *f,
                                         InbRequest       *request,
                                         const char       *method,
                                         const char       *path,
                                         guint             n,
                                         double           *cancel_latency,
                                         GError          **error)
{
  InbTestWait w = { 0, };
  CancelWhen when = { &w, f->fake, method, path, MAX (n, 1) };
  guint id;

  w.loop = g_main_loop_new (NULL, FALSE);
  w.cancellable = g_cancellable_new ();
  inb_backend_generate_async (f->backend, request, NULL, w.cancellable, inb_test_on_generated, &w);
  id = g_timeout_add (10, cancel_when_seen, &when);
  inb_test_wait_run (&w);
  if (w.cancelled_at == 0)
    g_source_remove (id);

  if (cancel_latency != NULL)
    *cancel_latency = (w.finished_at - w.cancelled_at) / 1e6;

  g_main_loop_unref (w.loop);
  g_object_unref (w.cancellable);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

/**
 * inb_cloud_fixture_generate_cancel_on:
 *
 * Like inb_cloud_fixture_generate(), cancelled as soon as the fake has
 * answered a request of @method to @path (a prefix): a state reached, not
 * a time guessed, so it holds on a loaded machine.
 */
InbResult *
inb_cloud_fixture_generate_cancel_on (InbCloudFixture  *f,
                                      InbRequest       *request,
                                      const char       *method,
                                      const char       *path,
                                      double           *cancel_latency,
                                      GError          **error)
{
  return inb_cloud_fixture_generate_cancel_after (f, request, method, path, 1, cancel_latency, error);
}
