/* test-library.c — every take on disk, one list that stays true
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-library"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "inb-backend-registry.h"
#include "inb-library.h"
#include "inb-session.h"
#include "inb-take.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"

typedef struct
{
  char       *tmpdir;
  char       *takes;
  InbLibrary *library;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmpdir = inb_test_make_tmpdir ();
  f->takes = g_build_filename (f->tmpdir, "takes", NULL);
  g_mkdir_with_parents (f->takes, 0700);
  f->library = inb_library_new (f->takes);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->library);
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->takes);
}

/* A take folder as Inbetween writes it; @extra (JSON members) added. */
static char *
write_take (Fixture    *f,
            const char *id,
            const char *created,
            const char *state,
            const char *extra)
{
  g_autofree char *dir = g_build_filename (f->takes, id, NULL);
  g_autofree char *path = g_build_filename (dir, "take.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0700);
  text = g_strdup_printf ("{\"schema_version\": 1, \"id\": \"%s\", \"created\": \"%s\", "
                          "\"backend\": \"local\", \"model\": \"flow\", \"prompt\": \"a red ball %s\", "
                          "\"negative_prompt\": \"\", \"parameters\": {}, \"seed\": 7, "
                          "\"history\": [], \"timings\": {}, \"error\": null, \"state\": \"%s\"%s%s}",
                          id, created, id, state, extra != NULL ? ", " : "", extra != NULL ? extra : "");
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static InbTakeEntry *
item (Fixture *f,
      guint    position)
{
  InbTakeEntry *entry = g_list_model_get_item (G_LIST_MODEL (f->library), position);

  g_object_unref (entry);   /* the library keeps it */
  return entry;
}

static gboolean
exists (const char *dir,
        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A take without a number (restored, or from an Inbetween that did not
 * number them) is titled by when it was made, not by its id: an artist
 * reads a time, and an id breaks mid-id in a narrow window */
static void
test_unnumbered_title (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *other = NULL;

  g_free (write_take (f, "20261206-114732-52f577", "2026-12-06T10:47:32Z", "done", NULL));
  /* A folder name that is not a time: the record's time */
  g_free (write_take (f, "restored", "2026-12-03T10:00:00Z", "done", NULL));

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 2);
  title = inb_take_entry_dup_display_title (item (f, 0));
  other = inb_take_entry_dup_display_title (item (f, 1));
  g_test_message ("%s: %s; %s: %s", inb_take_entry_get_id (item (f, 0)), title,
                  inb_take_entry_get_id (item (f, 1)), other);
  /* The folder's name is local time (inb-take.c) */
  g_assert_cmpstr (title, ==, "Take · 6\u00a0Dec\u00a011:47");
  g_assert_null (strstr (other, "restored"));
  g_assert_true (g_str_has_prefix (other, "Take · "));
  g_assert_nonnull (strstr (other, "\u00a0Dec\u00a0"));
}

/* Newest first, whatever the folders' names */
static void
test_load_sorted (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *not_a_take = g_build_filename (f->takes, "not-a-take", NULL);

  g_free (write_take (f, "b-middle", "2026-12-01T10:00:00Z", "done", "\"number\": 2, \"starred\": true"));
  g_free (write_take (f, "c-oldest", "2026-11-01T10:00:00Z", "failed",
                      "\"number\": 1, \"error\": {\"message\": \"the service said no\"}"));
  g_free (write_take (f, "a-newest", "2026-12-05T10:00:00Z", "cancelled", "\"number\": 3, \"title\": \"Hero shot\""));
  g_mkdir_with_parents (not_a_take, 0700);

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 3);
  g_assert_cmpstr (inb_take_entry_get_id (item (f, 0)), ==, "a-newest");
  g_assert_cmpstr (inb_take_entry_get_id (item (f, 1)), ==, "b-middle");
  g_assert_cmpstr (inb_take_entry_get_id (item (f, 2)), ==, "c-oldest");

  {
    g_autofree char *title = inb_take_entry_dup_display_title (item (f, 0));
    g_autofree char *numbered = inb_take_entry_dup_display_title (item (f, 1));

    g_assert_cmpstr (title, ==, "Hero shot");
    g_assert_cmpstr (numbered, ==, "Take 2");
  }
  g_assert_true (inb_take_entry_get_starred (item (f, 1)));
  g_assert_cmpint (inb_take_entry_get_state (item (f, 2)), ==, INB_JOB_FAILED);
  g_assert_cmpstr (inb_take_entry_get_error_message (item (f, 2)), ==, "the service said no");
  g_assert_true (inb_take_entry_matches_text (item (f, 0), "hero"));
  g_assert_true (inb_take_entry_matches_text (item (f, 1), "red ball"));
  g_assert_false (inb_take_entry_matches_text (item (f, 1), "blue"));
}

/* A record that does not parse is set aside, reported once, still listed;
 * nothing in the folder is deleted. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = g_build_filename (f->takes, "garbage", NULL);
  g_autofree char *truncated = write_take (f, "truncated", "2026-12-02T10:00:00Z", "done", NULL);
  g_autofree char *path = g_build_filename (truncated, "take.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(InbLibrary) again = NULL;
  const InbLibraryReport *report;
  gsize length;

  g_mkdir_with_parents (garbage, 0700);
  write_file (garbage, "take.json", "this is not json {{{");
  write_file (garbage, "clip.mp4", "keep me");
  g_file_get_contents (path, &text, &length, NULL);
  text[length / 2] = '\0';
  write_file (truncated, "take.json", text);

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 2);
  report = inb_library_get_report (f->library);
  g_assert_cmpuint (report->damaged->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (inb_take_entry_get_condition (item (f, i)), ==, INB_TAKE_CONDITION_DAMAGED);

  /* Moved aside, files kept */
  g_assert_false (exists (garbage, "take.json"));
  g_assert_true (exists (garbage, "clip.mp4"));
  {
    g_autoptr(GDir) dir = g_dir_open (garbage, 0, NULL);
    const char *name;
    gboolean found = FALSE;

    while ((name = g_dir_read_name (dir)) != NULL)
      found |= g_str_has_prefix (name, "take.json.corrupt-");
    g_assert_true (found);
  }

  /* Once: the next load lists them, but has nothing new to report */
  again = inb_library_new (f->takes);
  g_assert_true (inb_library_load (again, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  g_assert_cmpuint (inb_library_get_report (again)->damaged->len, ==, 0);
}

/* A damaged take is titled so an artist knows which it was: when it was
 * made, from its folder's name (else the folder's time), not its id */
static void
test_damaged_title (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dated = g_build_filename (f->takes, "20261202-103000-abcdef", NULL);
  g_autofree char *undated = g_build_filename (f->takes, "left-by-hand", NULL);

  g_mkdir_with_parents (dated, 0700);
  write_file (dated, "take.json", "{\"schema_version\": 1, \"id\": \"20261202-10");
  g_mkdir_with_parents (undated, 0700);
  write_file (undated, "take.json", "not json");

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      InbTakeEntry *entry = item (f, i);
      g_autofree char *title = inb_take_entry_dup_display_title (entry);

      g_assert_cmpint (inb_take_entry_get_condition (entry), ==, INB_TAKE_CONDITION_DAMAGED);
      g_test_message ("%s: %s", inb_take_entry_get_id (entry), title);
      if (g_str_equal (inb_take_entry_get_id (entry), "20261202-103000-abcdef"))
        {
          g_autoptr(GDateTime) made = g_date_time_new_local (2026, 12, 2, 10, 30, 0);

          g_assert_cmpstr (title, ==, "Damaged take · 2026-12-02 10:30");
          /* and dated so in the list (its age, where it sorts) */
          g_assert_cmpint (inb_take_entry_get_created (entry), ==, g_date_time_to_unix (made) * G_USEC_PER_SEC);
        }
      else
        {
          /* The folder's time: made just now */
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autofree char *year = g_date_time_format (now, "%Y-");

          g_assert_true (g_str_has_prefix (title, "Damaged take · "));
          g_assert_nonnull (strstr (title, year));
          g_assert_null (strstr (title, "left-by-hand"));
        }
    }
}

/* From a newer Inbetween: listed, read-only, never rewritten */
static void
test_newer (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->takes, "future", NULL);
  g_autofree char *path = g_build_filename (dir, "take.json", NULL);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = "{\"schema_version\": 99, \"id\": \"future\", \"created\": \"2030-01-01T00:00:00Z\", "
                     "\"state\": \"running\", \"backend\": \"local\", \"model\": \"flow\", \"new_thing\": [1,2]}";
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  GAsyncResult *result = NULL;

  g_mkdir_with_parents (dir, 0700);
  write_file (dir, "take.json", text);

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_cmpint (inb_take_entry_get_condition (item (f, 0)), ==, INB_TAKE_CONDITION_NEWER);

  /* Not settled as abandoned, and an edit is refused */
  inb_library_set_starred_async (f->library, item (f, 0), TRUE, (GAsyncReadyCallback) inb_test_store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (inb_library_edit_finish (f->library, result, &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_READ_ONLY);
  g_clear_object (&result);

  g_file_get_contents (path, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, text);
  g_main_loop_unref (loop);
}

/* A take whose clip went missing is listed, says so, nothing deleted */
static void
test_missing_clip (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = write_take (f, "no-clip", "2026-12-02T10:00:00Z", "done",
                                     "\"result\": {\"width\": 64, \"height\": 48, \"frames\": 9, \"fps\": 8}");
  g_autoptr(GError) error = NULL;

  write_file (dir, "first.png", "x");
  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_cmpint (inb_take_entry_get_state (item (f, 0)), ==, INB_JOB_DONE);
  g_assert_false (inb_take_entry_get_has_clip (item (f, 0)));
  g_assert_cmpuint (inb_take_entry_get_n_frames (item (f, 0)), ==, 9);
  g_assert_cmpfloat_with_epsilon (inb_take_entry_get_duration (item (f, 0)), 9.0 / 8, 1e-9);
  g_assert_true (exists (dir, "first.png"));
  g_assert_true (exists (dir, "take.json"));
}

/* Takes a dead process left "running": adopted when the clip is whole,
 * interrupted (partial files removed) when not; a take a live process
 * holds, or a hosted one with a job record, is left alone. */
static void
test_settle (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *whole = write_take (f, "whole", "2026-12-01T10:00:00Z", "running", NULL);
  g_autofree char *partial = write_take (f, "partial", "2026-12-01T11:00:00Z", "running", NULL);
  g_autofree char *queued = write_take (f, "queued", "2026-12-01T12:00:00Z", "queued", NULL);
  g_autofree char *held = write_take (f, "held", "2026-12-01T13:00:00Z", "running", NULL);
  g_autofree char *hosted = write_take (f, "hosted", "2026-12-01T14:00:00Z", "running", NULL);
  g_autofree char *clip = g_build_filename (whole, "clip.mp4", NULL);
  g_autoptr(InbTake) holder = NULL;
  g_autoptr(InbTake) reread = NULL;
  g_autoptr(GError) error = NULL;
  const InbLibraryReport *report;

  inb_test_write_clip (clip);
  write_file (partial, "clip.mp4.part", "half a clip");
  /* mp4mux's faststart scratch file (the crash trials found it left) */
  write_file (partial, "clip.mp4.mdat.part", "half a clip's frames");
  write_file (whole, "clip.mp4.mdat.part", "frames");
  write_file (hosted, "remote.json", "{\"state\": \"submitted\", \"task_id\": \"t-1\"}");
  holder = inb_take_load (held, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_acquire_lock (holder, &error));

  g_assert_true (inb_library_load (f->library, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (inb_take_entry_get_state (inb_library_lookup (f->library, "whole")), ==, INB_JOB_DONE);
  g_assert_true (inb_take_entry_get_has_clip (inb_library_lookup (f->library, "whole")));
  g_assert_cmpuint (inb_take_entry_get_n_frames (inb_library_lookup (f->library, "whole")), ==, 8);
  g_assert_true (exists (whole, "thumbnail.png"));

  g_assert_cmpint (inb_take_entry_get_state (inb_library_lookup (f->library, "partial")), ==, INB_JOB_INTERRUPTED);
  g_assert_false (exists (partial, "clip.mp4.part"));
  g_assert_false (exists (partial, "clip.mp4.mdat.part"));
  g_assert_false (exists (whole, "clip.mp4.mdat.part"));
  g_assert_nonnull (strstr (inb_take_entry_get_error_message (inb_library_lookup (f->library, "partial")),
                            "Interrupted"));
  g_assert_cmpint (inb_take_entry_get_state (inb_library_lookup (f->library, "queued")), ==, INB_JOB_INTERRUPTED);

  g_assert_cmpint (inb_take_entry_get_state (inb_library_lookup (f->library, "held")), ==, INB_JOB_RUNNING);
  g_assert_cmpint (inb_take_entry_get_state (inb_library_lookup (f->library, "hosted")), ==, INB_JOB_RUNNING);

  report = inb_library_get_report (f->library);
  g_assert_cmpuint (report->adopted->len, ==, 1);
  g_assert_cmpuint (report->interrupted->len, ==, 2);

  /* On disk too, durably */
  reread = inb_take_load (partial, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_state (reread), ==, "interrupted");
}

static void
test_resolve (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_free (write_take (f, "20261201-100000-aaaaaa", "2026-12-01T10:00:00Z", "done", NULL));
  g_free (write_take (f, "20261201-110000-aaabbb", "2026-12-01T11:00:00Z", "done", NULL));
  g_free (write_take (f, "20261202-100000-cccccc", "2026-12-02T10:00:00Z", "done", NULL));
  g_assert_true (inb_library_load (f->library, NULL, &error));

  g_assert_cmpstr (inb_take_entry_get_id (inb_library_resolve (f->library, "last", &error)), ==,
                   "20261202-100000-cccccc");
  g_assert_cmpstr (inb_take_entry_get_id (inb_library_resolve (f->library, "20261201-110000-aaabbb", &error)), ==,
                   "20261201-110000-aaabbb");
  g_assert_cmpstr (inb_take_entry_get_id (inb_library_resolve (f->library, "20261202", &error)), ==,
                   "20261202-100000-cccccc");
  g_assert_no_error (error);

  g_assert_null (inb_library_resolve (f->library, "20261201", &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_AMBIGUOUS);
  g_clear_error (&error);
  g_assert_null (inb_library_resolve (f->library, "nothing", &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND);
}

static gboolean
wait_result (GAsyncResult **result,
             guint          seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);

  return *result != NULL;
}

/* Loads the library as the window does (asynchronously), at most 30 s */
static void
load_library_async (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  inb_library_load_async (f->library, NULL, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_true (inb_library_load_finish (f->library, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
}

static void
test_metadata (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *dir = write_take (f, "meta", "2026-12-01T10:00:00Z", "done", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;
  GAsyncResult *result = NULL;
  InbTakeEntry *entry;
  g_autofree char *long_note = g_strnfill (10000, 'n');

  g_assert_true (inb_library_load (f->library, NULL, &error));
  entry = inb_library_lookup (f->library, "meta");

  inb_library_set_starred_async (f->library, entry, TRUE, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 10));
  g_assert_true (inb_library_edit_finish (f->library, result, &error));
  g_clear_object (&result);
  inb_library_set_title_async (f->library, entry, "  The keeper\n", (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 10));
  g_assert_true (inb_library_edit_finish (f->library, result, &error));
  g_clear_object (&result);
  inb_library_set_note_async (f->library, entry, long_note, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 10));
  g_assert_true (inb_library_edit_finish (f->library, result, &error));
  g_clear_object (&result);
  g_assert_no_error (error);

  g_assert_true (inb_take_entry_get_starred (entry));
  g_assert_cmpstr (inb_take_entry_get_title (entry), ==, "The keeper");

  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_get_starred (take));
  g_assert_cmpstr (inb_take_get_title (take), ==, "The keeper");
  /* What is written stays readable: the note is capped */
  g_assert_cmpint (g_utf8_strlen (inb_take_get_note (take), -1), ==, 4000);
}

/* An edit of a take this process is making whose save is refused is taken
 * back at once: the take in memory does not keep it, so neither a later
 * edit's save nor the take's own next save writes it, and the list never
 * shows it. (The fault runs cannot reach this: their helper edits a take
 * that is not being made.) */
static void
test_live_edit_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(InbBackendRegistry) registry = inb_backend_registry_new_default ();
  g_autoptr(InbRequest) request = inb_request_new ("local", "flow");
  g_autoptr(InbImage) first = inb_test_textured_image (64, 48, 0, 0);
  g_autoptr(InbImage) last = inb_test_textured_image (64, 48, 4, 0);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(InbTake) reread = NULL;
  g_autoptr(InbJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *kept = NULL;
  GAsyncResult *result = NULL;
  InbTakeEntry *entry;

  g_assert_true (inb_library_load (f->library, NULL, &error));
  inb_request_set_keyframes (request, first, last);
  take = inb_take_create (f->takes, request, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_save (take, &error));
  /* Queued here, never started: its record changes only by our edits */
  job = inb_job_new (inb_backend_registry_lookup (registry, "local"), request, take);
  inb_library_add_job (f->library, job);
  entry = inb_library_lookup (f->library, inb_take_get_id (take));
  g_assert_nonnull (entry);

  /* take.json cannot be replaced: a folder, not empty, holds its name */
  path = g_build_filename (inb_take_get_dir (take), "take.json", NULL);
  kept = g_strconcat (path, ".kept", NULL);
  g_assert_cmpint (g_rename (path, kept), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  write_file (path, "in-the-way", "x");

  inb_library_set_starred_async (f->library, entry, TRUE, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_false (inb_library_edit_finish (f->library, result, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);
  inb_library_set_title_async (f->library, entry, "Refused", (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_false (inb_library_edit_finish (f->library, result, &error));
  g_clear_error (&error);
  g_clear_object (&result);

  g_assert_false (inb_take_get_starred (take));
  g_assert_null (inb_take_get_title (take));
  g_assert_false (inb_take_entry_get_starred (entry));
  g_assert_null (inb_take_entry_get_title (entry));

  /* The disk takes writes again: the next edit saves the take as it is */
  inb_test_rm_rf (path);
  g_assert_cmpint (g_rename (kept, path), ==, 0);
  inb_library_set_note_async (f->library, entry, "Saved", (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_true (inb_library_edit_finish (f->library, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_false (inb_take_entry_get_starred (entry));
  g_assert_null (inb_take_entry_get_title (entry));
  g_assert_cmpstr (inb_take_entry_get_note (entry), ==, "Saved");
  reread = inb_take_load (inb_take_get_dir (take), &error);
  g_assert_no_error (error);
  g_assert_false (inb_take_get_starred (reread));
  g_assert_null (inb_take_get_title (reread));
  g_assert_cmpstr (inb_take_get_note (reread), ==, "Saved");
}

/* One who does not make the take holds its lock for one write (a resume,
 * a settle: inb_take_lock_briefly()); released from the main loop, which
 * runs meanwhile */
typedef struct
{
  int            fd;
  GAsyncResult **result;
  gboolean       released;
  gboolean       answered_before;
} BriefHolder;

static gboolean
release_brief_lock (gpointer data)
{
  BriefHolder *holder = data;

  holder->answered_before = *holder->result != NULL;
  inb_take_unlock_briefly (holder->fd);
  holder->fd = -1;
  holder->released = TRUE;
  return G_SOURCE_REMOVE;
}

static void
hold_briefly (BriefHolder   *holder,
              const char    *dir,
              GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  holder->result = result;
  holder->released = FALSE;
  holder->answered_before = FALSE;
  g_assert_true (inb_take_lock_briefly (dir, &holder->fd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (holder->fd, >=, 0);
  g_timeout_add (500, release_brief_lock, holder);
}

/* The edit started after hold_briefly(): it was answered only once the
 * holder let go, and it succeeded */
static void
edit_done_after_holder (Fixture       *f,
                        BriefHolder   *holder,
                        GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wait_result (result, 30));
  g_assert_true (holder->released);
  g_assert_false (holder->answered_before);
  g_assert_true (inb_library_edit_finish (f->library, *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

/* The library's own edits and its trash wait (off the main thread) for
 * one who holds the take's lock for a moment, and then go ahead; while
 * the process making the take holds it, an edit is refused (after the
 * bounded wait) and writes nothing. */
static void
test_edits_wait_for_brief_lock (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *dir = write_take (f, "held", "2026-12-01T10:00:00Z", "done", NULL);
  g_autofree char *trashed = g_build_filename (f->takes, ".trash", "held", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;
  g_autoptr(InbTake) maker = NULL;
  GAsyncResult *result = NULL;
  BriefHolder holder = { -1, };
  InbTakeEntry *entry;

  g_assert_true (inb_library_load (f->library, NULL, &error));
  entry = inb_library_lookup (f->library, "held");
  g_assert_nonnull (entry);

  hold_briefly (&holder, dir, &result);
  inb_library_set_starred_async (f->library, entry, TRUE, (GAsyncReadyCallback) inb_test_store_result, &result);
  edit_done_after_holder (f, &holder, &result);

  hold_briefly (&holder, dir, &result);
  inb_library_set_title_async (f->library, entry, "Waited", (GAsyncReadyCallback) inb_test_store_result, &result);
  edit_done_after_holder (f, &holder, &result);

  hold_briefly (&holder, dir, &result);
  inb_library_set_note_async (f->library, entry, "Noted", (GAsyncReadyCallback) inb_test_store_result, &result);
  edit_done_after_holder (f, &holder, &result);

  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_get_starred (take));
  g_assert_cmpstr (inb_take_get_title (take), ==, "Waited");
  g_assert_cmpstr (inb_take_get_note (take), ==, "Noted");

  /* Made by another process: refused, nothing written */
  maker = inb_take_load (dir, &error);
  g_assert_true (inb_take_acquire_lock (maker, &error));
  g_assert_no_error (error);
  inb_library_set_starred_async (f->library, entry, FALSE, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_false (inb_library_edit_finish (f->library, result, &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_BUSY);
  g_clear_error (&error);
  g_clear_object (&result);
  inb_take_release_lock (maker);
  g_clear_object (&take);
  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_get_starred (take));

  /* Moved to the trash once the holder is done */
  hold_briefly (&holder, dir, &result);
  inb_library_trash_async (f->library, entry, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  g_assert_false (holder.answered_before);
  g_assert_true (inb_library_file_op_finish (f->library, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));
}

static void
test_trash (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *dir = write_take (f, "doomed", "2026-12-01T10:00:00Z", "done", NULL);
  g_autofree char *trashed = g_build_filename (f->takes, ".trash", "doomed", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbLibrary) again = NULL;
  GAsyncResult *result = NULL;

  write_file (dir, "clip.mp4", "the clip");
  g_assert_true (inb_library_load (f->library, NULL, &error));

  inb_library_trash_async (f->library, inb_library_lookup (f->library, "doomed"),
                           (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 10));
  g_assert_true (inb_library_file_op_finish (f->library, result, &error));
  g_clear_object (&result);
  g_assert_null (inb_library_lookup (f->library, "doomed"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (exists (trashed, "clip.mp4"));

  /* Undo */
  inb_library_restore_async (f->library, "doomed", (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 10));
  g_assert_true (inb_library_file_op_finish (f->library, result, &error));
  g_clear_object (&result);
  g_assert_nonnull (inb_library_lookup (f->library, "doomed"));
  g_assert_true (exists (dir, "clip.mp4"));

  /* Deleted again and left in the trash: gone at the next start */
  g_assert_true (inb_library_trash (f->library, inb_library_lookup (f->library, "doomed"), &error));
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));
  again = inb_library_new (f->takes);
  g_assert_true (inb_library_load (again, NULL, &error));
  g_assert_false (g_file_test (trashed, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 0);
}

static gboolean
has_take (InbLibrary *library,
          const char *id,
          InbJobState state)
{
  InbTakeEntry *entry = inb_library_lookup (library, id);

  return entry != NULL && inb_take_entry_get_state (entry) == state;
}

/* Another process adds a take, finishes it, deletes another: the list
 * follows within 2 s */
static void
test_follows (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = write_take (f, "gone", "2026-11-01T10:00:00Z", "done", NULL);
  g_autofree char *dir = NULL;
  g_autoptr(InbTake) other = NULL;
  gint64 end;

  load_library_async (f);

  /* "Another process": a take made and locked the way a running one is */
  dir = write_take (f, "from-cli", "2026-12-05T10:00:00Z", "running", NULL);
  other = inb_take_load (dir, &error);
  g_assert_true (inb_take_acquire_lock (other, &error));
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (!has_take (f->library, "from-cli", INB_JOB_RUNNING) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (has_take (f->library, "from-cli", INB_JOB_RUNNING));

  /* It finishes there */
  inb_take_set_state (other, "done");
  g_assert_true (inb_take_save (other, &error));
  inb_take_release_lock (other);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!has_take (f->library, "from-cli", INB_JOB_DONE) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (has_take (f->library, "from-cli", INB_JOB_DONE));

  /* And a folder deleted elsewhere leaves the list */
  inb_test_rm_rf (gone);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (inb_library_lookup (f->library, "gone") != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (inb_library_lookup (f->library, "gone"));
}

static gboolean
has_clip (InbLibrary *library,
          const char *id,
          InbJobState state,
          gboolean    clip)
{
  InbTakeEntry *entry = inb_library_lookup (library, id);

  return entry != NULL && inb_take_entry_get_state (entry) == state && inb_take_entry_get_has_clip (entry) == clip;
}

/* Until @id is listed in @state with a clip or not, at most @seconds */
static gboolean
wait_for_clip (Fixture     *f,
               const char  *id,
               InbJobState  state,
               gboolean     clip,
               guint        seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!has_clip (f->library, id, state, clip) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);

  return has_clip (f->library, id, state, clip);
}

/* A take the start-up lookup adopted (submit-unknown, its task followed
 * by InbResume): its clip arrives and the library reads the take again
 * (another take appearing makes it read the folder); the user settles it
 * (failed) and the library reads that; then the resume removes the clip,
 * as it does for a take settled meanwhile (inb-resume.c). No file event
 * says so: the list must still stop offering the clip. */
static void
test_clip_removed_after_reread (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = write_take (f, "looked-up", "2026-12-05T10:00:00Z", "submit-unknown", NULL);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autoptr(InbTake) take = NULL;

  write_file (dir, "remote.json", "{\"state\": \"submitted\", \"service\": \"dashscope\", \"task_id\": \"t-1\"}");
  load_library_async (f);
  g_assert_true (has_clip (f->library, "looked-up", INB_JOB_SUBMIT_UNKNOWN, FALSE));

  /* the clip arrives; the take is read again */
  write_file (dir, "clip.mp4", "not really a clip");
  g_free (write_take (f, "other-1", "2026-12-05T11:00:00Z", "done", NULL));
  g_assert_true (wait_for_clip (f, "looked-up", INB_JOB_SUBMIT_UNKNOWN, TRUE, 10));

  /* settled by the user; read again */
  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  inb_take_set_state (take, "failed");
  g_assert_true (inb_take_save (take, &error));
  g_free (write_take (f, "other-2", "2026-12-05T12:00:00Z", "done", NULL));
  g_assert_true (wait_for_clip (f, "looked-up", INB_JOB_FAILED, TRUE, 10));

  /* the clip is removed, and nothing else happens: the list follows */
  g_assert_cmpint (g_unlink (clip), ==, 0);
  g_assert_true (wait_for_clip (f, "looked-up", INB_JOB_FAILED, FALSE, 10));
}

/* A take queued in this session is at the top at once, with its job */
static void
test_session_job (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(InbSession) session = inb_session_new (NULL);
  g_autoptr(InbGenerateInputs) inputs = inb_generate_inputs_new ();
  g_autofree char *a = g_build_filename (f->tmpdir, "a.png", NULL);
  g_autofree char *b = g_build_filename (f->tmpdir, "b.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;
  GAsyncResult *result = NULL;
  InbLibrary *library;
  InbTakeEntry *entry;
  gint64 end;

  inb_test_write_png (a, 96, 64, 20);
  inb_test_write_png (b, 96, 64, 220);
  inb_session_set_takes_dir (session, f->takes);
  library = inb_session_get_library (session);
  g_assert_true (inb_library_load (library, NULL, &error));

  inputs->backend_id = g_strdup ("local");
  inputs->first = inb_keyframe_load (a, NULL, &error);
  inputs->last = inb_keyframe_load (b, NULL, &error);
  inputs->params = inb_test_parse_object ("{\"duration\": 1, \"fps\": 8, \"resolution\": \"source\"}");
  inb_session_generate_async (session, g_steal_pointer (&inputs), NULL, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result, 30));
  job = inb_session_generate_finish (session, result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 1);
  entry = g_list_model_get_item (G_LIST_MODEL (library), 0);
  g_object_unref (entry);   /* the library keeps it */
  g_assert_true (inb_take_entry_get_job (entry) == job);
  g_assert_true (inb_take_entry_is_active (entry));

  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (inb_take_entry_get_job (entry) != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (inb_take_entry_get_job (entry));
  g_assert_cmpint (inb_take_entry_get_state (entry), ==, INB_JOB_DONE);
  g_assert_true (inb_take_entry_get_has_clip (entry));
  g_assert_cmpuint (inb_take_entry_get_number (entry), ==, 1);
  /* Every take's ends are measured against its keyframes */
  g_assert_cmpfloat (inb_take_entry_get_colour_shift (entry), >=, 0.0);
  g_assert_cmpfloat (inb_take_entry_get_colour_shift (entry), <, 3.0);
  g_assert_false (inb_take_entry_get_drift (entry));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/library/load-sorted", test_load_sorted);
  ADD ("/library/unnumbered-title", test_unnumbered_title);
  ADD ("/library/damaged", test_damaged);
  ADD ("/library/damaged-title", test_damaged_title);
  ADD ("/library/newer", test_newer);
  ADD ("/library/missing-clip", test_missing_clip);
  ADD ("/library/settle", test_settle);
  ADD ("/library/resolve", test_resolve);
  ADD ("/library/metadata", test_metadata);
  ADD ("/library/live-edit-refused", test_live_edit_refused);
  ADD ("/library/trash", test_trash);
  ADD ("/library/edits-wait-for-brief-lock", test_edits_wait_for_brief_lock);
  ADD ("/library/follows", test_follows);
  ADD ("/library/clip-removed-after-reread", test_clip_removed_after_reread);
  ADD ("/library/session-job", test_session_job);
#undef ADD

  return g_test_run ();
}
