/* test-take.c — the take folder and its durable manifest
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sys/stat.h>

#include "inb-fs.h"
#include "inb-take.h"
#include "inb-test-utils.h"

static InbRequest *
make_request (void)
{
  g_autoptr(InbRequest) request = inb_request_new ("local", "flow");
  g_autoptr(JsonObject) params = inb_test_parse_object ("{ \"fps\": 16, \"duration\": 5.0, \"loop\": false }");
  g_autoptr(InbImage) first = inb_test_textured_image (64, 48, 0, 0);
  g_autoptr(InbImage) last = inb_test_textured_image (64, 48, 3, 1);

  inb_request_set_prompt (request, "a fox «jumps» over the fence");
  inb_request_set_negative_prompt (request, "blur");
  inb_request_set_params (request, params);
  inb_request_set_seed (request, 1234);
  inb_request_set_keyframes (request, first, last);

  return g_steal_pointer (&request);
}

static void
test_take_roundtrip (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autoptr(InbRequest) request = make_request ();
  g_autoptr(InbTake) take = NULL;
  g_autoptr(InbTake) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "it broke");
  g_autofree char *manifest = NULL;
  g_autoptr(JsonObject) json = NULL;
  JsonArray *history;
  GStatBuf st;

  take = inb_take_create (root, request, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (inb_take_get_dir (take), root));
  g_assert_true (g_file_test (inb_take_get_dir (take), G_FILE_TEST_IS_DIR));
  g_assert_cmpstr (inb_take_get_state (take), ==, "queued");

  inb_take_set_state (take, "preparing");
  inb_take_set_state (take, "failed");
  inb_take_set_error (take, failure);
  inb_take_set_timing (take, "total", 1.5);
  g_assert_true (inb_take_save (take, &error));
  g_assert_no_error (error);

  manifest = g_build_filename (inb_take_get_dir (take), "take.json", NULL);
  g_assert_cmpint (g_stat (manifest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = inb_take_load (inb_take_get_dir (take), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_id (loaded), ==, inb_take_get_id (take));
  g_assert_cmpstr (inb_take_get_backend_id (loaded), ==, "local");
  g_assert_cmpstr (inb_take_get_model_id (loaded), ==, "flow");
  g_assert_cmpstr (inb_take_get_prompt (loaded), ==, "a fox «jumps» over the fence");
  g_assert_cmpstr (inb_take_get_negative_prompt (loaded), ==, "blur");
  g_assert_cmpint (inb_take_get_seed (loaded), ==, 1234);
  g_assert_cmpint (json_object_get_int_member (inb_take_get_params (loaded), "fps"), ==, 16);
  g_assert_cmpstr (inb_take_get_state (loaded), ==, "failed");
  g_assert_cmpstr (inb_take_get_error_message (loaded), ==, "it broke");

  json = inb_take_to_json (loaded);
  g_assert_cmpint (json_object_get_int_member (json, "schema_version"), ==, INB_TAKE_SCHEMA_VERSION);
  history = json_object_get_array_member (json, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 2), "state"), ==, "failed");
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (history, 0), "at"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (json, "timings"), "total"), ==, 1.5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json, "frame_size"), "width"), ==, 64);

  inb_test_rm_rf (root);
}

static void
test_take_files (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autoptr(InbRequest) request = make_request ();
  g_autoptr(InbTake) take = inb_take_create (root, request, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) big = inb_test_textured_image (1000, 500, 0, 0);
  g_autofree char *first = g_build_filename (inb_take_get_dir (take), "first.png", NULL);
  g_autofree char *thumb = inb_take_dup_thumbnail_path (take);
  int width = 0, height = 0;

  g_assert_true (inb_take_write_keyframes (take, inb_request_get_first (request),
                                           inb_request_get_last (request), &error));
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_get_file_info (first, &width, &height));
  g_assert_cmpint (width, ==, 64);
  g_assert_cmpint (height, ==, 48);

  g_assert_true (inb_take_write_thumbnail (take, big, &error));
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_get_file_info (thumb, &width, &height));
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 160);

  inb_test_rm_rf (root);
}

static void
test_take_refuses_newer_and_corrupt (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "t", NULL);
  g_autofree char *path = g_build_filename (dir, "take.json", NULL);
  const char *newer = "{ \"schema_version\": 99, \"id\": \"t\", \"backend\": \"local\", \"model\": \"flow\", \"state\": \"done\" }";
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  InbTake *take;

  g_mkdir (dir, 0700);

  g_file_set_contents (path, newer, -1, NULL);
  take = inb_take_load (dir, &error);
  g_assert_null (take);
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_NEWER_VERSION);
  g_clear_error (&error);
  /* never rewritten */
  g_file_get_contents (path, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, newer);

  g_file_set_contents (path, "{ \"schema_version\": 1, \"id\": \"t\"", -1, NULL);
  g_assert_null (inb_take_load (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT);
  g_clear_error (&error);

  g_file_set_contents (path, "[1, 2, 3]", -1, NULL);
  g_assert_null (inb_take_load (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT);
  g_clear_error (&error);

  g_file_set_contents (path, "{ \"schema_version\": 1, \"id\": 5, \"backend\": \"local\", \"model\": \"flow\", \"state\": \"done\" }", -1, NULL);
  g_assert_null (inb_take_load (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "id"));
  g_clear_error (&error);

  g_unlink (path);
  g_assert_null (inb_take_load (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO);

  inb_test_rm_rf (root);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  guint *remaining = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_take_save_finish (INB_TAKE (object), result, &error));
  g_assert_no_error (error);
  (*remaining)--;
}

static void
test_take_async_saves_in_order (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autoptr(InbRequest) request = make_request ();
  g_autoptr(InbTake) take = inb_take_create (root, request, NULL);
  g_autoptr(InbTake) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint remaining = 0;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *state = g_strdup_printf ("state-%u", i);

      inb_take_set_state (take, state);
      inb_take_save_async (take, NULL, saved_cb, &remaining);
      remaining++;
    }

  while (remaining > 0)
    g_main_context_iteration (NULL, TRUE);

  loaded = inb_take_load (inb_take_get_dir (take), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_state (loaded), ==, "state-49");

  inb_test_rm_rf (root);
}

static void
test_fs_copy_atomic (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (root, "a.bin", NULL);
  g_autofree char *dest = g_build_filename (root, "b.bin", NULL);
  g_autofree char *part = g_strconcat (dest, ".part", NULL);
  g_autofree char *missing = g_build_filename (root, "nope", "c.bin", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_set_contents (src, "0123456789", 10, NULL);
  g_assert_true (inb_fs_copy_atomic (src, dest, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (dest, &contents, &length, NULL);
  g_assert_cmpmem (contents, length, "0123456789", 10);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  g_assert_false (inb_fs_copy_atomic (src, missing, NULL, &error));
  g_assert_nonnull (error);

  inb_test_rm_rf (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/take/roundtrip", test_take_roundtrip);
  g_test_add_func ("/take/files", test_take_files);
  g_test_add_func ("/take/refuses-newer-and-corrupt", test_take_refuses_newer_and_corrupt);
  g_test_add_func ("/take/async-saves-in-order", test_take_async_saves_in_order);
  g_test_add_func ("/fs/copy-atomic", test_fs_copy_atomic);

  return g_test_run ();
}
