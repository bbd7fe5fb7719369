/* test-hostile-take.c — take.json files that are not what they claim:
 * nested past json-glib's stack, FIFOs, devices, links to /dev/zero,
 * folders, huge and sparse files. Each is refused quickly and by name;
 * none hangs, crashes or is read to its end.
 *
 * Every case runs in a subprocess with a time bound, so a hang or a
 * crash (what json-glib did with 75,000 levels) fails the case instead
 * of the run.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "inb-take.h"
#include "inb-test-utils.h"

/* A refusal must come at once; this bound only turns a hang into a failure. */
#define SUBPROCESS_TIMEOUT_US (20 * G_USEC_PER_SEC)
#define QUICK_US              (2 * G_USEC_PER_SEC)

static const char valid_take[] =
  "{ \"schema_version\": 1, \"id\": \"t\", \"backend\": \"local\", \"model\": \"flow\",\n"
  "  \"state\": \"done\", \"history\": [], \"timings\": {} }\n";

static char *
make_take_dir (const char *root)
{
  char *dir = g_build_filename (root, "take", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  return dir;
}

static char *
manifest_path (const char *dir)
{
  return g_build_filename (dir, "take.json", NULL);
}

/* Loads @dir and expects a refusal of @code that names take.json, within
 * QUICK_US. */
static void
assert_refused (const char  *dir,
                int          code,
                const char  *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  take = inb_take_load (dir, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_null (take);
  g_assert_error (error, INB_TAKE_ERROR, code);
  g_test_message ("refused in %.3f s: %s", elapsed / 1e6, error->message);
  g_assert_nonnull (strstr (error->message, "take.json"));
  if (words != NULL)
    g_assert_nonnull (strstr (error->message, words));
  g_assert_cmpint (elapsed, <, QUICK_US);

  /* The other reader of manifests refuses it the same way. */
  g_clear_error (&error);
  g_assert_null (inb_take_read_manifest (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, code);
}

static void
run_in_subprocess (const char *path)
{
  g_test_trap_subprocess (path, SUBPROCESS_TIMEOUT_US,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  /* A failure, not an abort: the other cases still run and report. */
  if (!g_test_trap_has_passed ())
    g_test_fail_printf ("%s: the subprocess %s", path,
                        g_test_trap_reached_timeout () ? "hung (killed after 20 s)" : "failed or crashed");
}

/* ------------------------------------------------------------------ */

/* The take.json of issue 13: 75,000 levels in 160 KB, under the size limit.
 * Before the pre-scan, json-glib overflowed its stack on it. */
static void
test_deep_nesting (void)
{
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) text = NULL;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/deep-nesting");
      return;
    }

  root = inb_test_make_tmpdir ();
  dir = make_take_dir (root);
  path = manifest_path (dir);
  text = g_string_new ("{ \"schema_version\": 1, \"id\": \"t\", \"backend\": \"local\", "
                       "\"model\": \"flow\", \"state\": \"done\", \"params\": ");
  for (guint i = 0; i < 75000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 75000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, " }");
  g_assert_cmpuint (text->len, <, 1024 * 1024);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "nested");
  inb_test_rm_rf (root);
}

/* Just under the limit still loads: the limit is not a refusal of depth. */
static void
test_nesting_within_limit (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = make_take_dir (root);
  g_autofree char *path = manifest_path (dir);
  g_autoptr(GString) text = g_string_new ("{ \"schema_version\": 1, \"id\": \"t\", \"backend\": \"local\", "
                                          "\"model\": \"flow\", \"state\": \"done\", \"note\": \"[[[{{{\", \"extra\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;

  /* 1 (the object) + 60 levels; brackets inside strings do not count */
  for (guint i = 0; i < 60; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 60; i++)
    g_string_append_c (text, ']');
  g_string_append (text, " }");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (take);
  inb_test_rm_rf (root);
}

/* mkfifo take.json: before, `history` and `resume` blocked in open() for good. */
static void
test_fifo (void)
{
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/fifo");
      return;
    }

  root = inb_test_make_tmpdir ();
  dir = make_take_dir (root);
  path = manifest_path (dir);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);

  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "FIFO");
  inb_test_rm_rf (root);
}

/* A FIFO with a writer that never stops: still not read. */
static void
test_fifo_with_writer (void)
{
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int writer;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/fifo-with-writer");
      return;
    }

  root = inb_test_make_tmpdir ();
  dir = make_take_dir (root);
  path = manifest_path (dir);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  /* O_RDWR on a FIFO never blocks (Linux) and keeps a writer present. */
  writer = g_open (path, O_RDWR | O_NONBLOCK, 0);
  g_assert_cmpint (writer, >=, 0);
  g_assert_cmpint (write (writer, valid_take, strlen (valid_take)), ==, (gssize) strlen (valid_take));

  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "FIFO");
  close (writer);
  inb_test_rm_rf (root);
}

/* take.json → /dev/zero: before, 12.7 s and 2.1 GB read before it was skipped. */
static void
test_dev_zero (void)
{
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/dev-zero");
      return;
    }

  root = inb_test_make_tmpdir ();
  dir = make_take_dir (root);
  path = manifest_path (dir);
  g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);

  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "device");
  inb_test_rm_rf (root);
}

/* A link to /dev/urandom, to a folder, and a dangling link. */
static void
test_links (void)
{
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/links");
      return;
    }

  root = inb_test_make_tmpdir ();
  dir = make_take_dir (root);
  path = manifest_path (dir);
  g_assert_cmpint (symlink ("/dev/urandom", path), ==, 0);
  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "device");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (symlink (root, path), ==, 0);
  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "folder");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (symlink ("nowhere.json", path), ==, 0);
  g_assert_null (inb_take_load (dir, &error));
  g_assert_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO);

  inb_test_rm_rf (root);
}

static void
test_directory (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = make_take_dir (root);
  g_autofree char *path = manifest_path (dir);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "folder");
  inb_test_rm_rf (root);
}

/* Too large: refused from its size (a 64 GiB sparse file costs no disk
 * and would take minutes to read). */
static void
test_too_large (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = make_take_dir (root);
  g_autofree char *path = manifest_path (dir);
  g_autoptr(GString) text = g_string_new (valid_take);
  int fd;

  /* 2 MiB of valid JSON */
  g_string_truncate (text, text->len - 3);
  g_string_append (text, ", \"note\": \"");
  for (guint i = 0; i < 2 * 1024 * 1024; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "\" }\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "too large");

  fd = g_open (path, O_WRONLY | O_TRUNC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 64 << 30), ==, 0);
  close (fd);
  assert_refused (dir, INB_TAKE_ERROR_CORRUPT, "too large");

  inb_test_rm_rf (root);
}

/* Empty, NUL bytes, invalid UTF-8 and a bare array: corrupt, not a crash. */
static void
test_not_text (void)
{
  static const struct { const char *data; gsize len; } cases[] = {
    { "", 0 },
    { "{\"a\":\0\"b\"}", 10 },
    { "{\"id\": \"\xff\xfe\"}", 12 },
    { "[1, 2, 3]", 9 },
    { "{\"schema_version\": 1", 20 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *root = inb_test_make_tmpdir ();
      g_autofree char *dir = make_take_dir (root);
      g_autofree char *path = manifest_path (dir);

      g_assert_true (g_file_set_contents (path, cases[i].data, cases[i].len, NULL));
      assert_refused (dir, INB_TAKE_ERROR_CORRUPT, NULL);
      inb_test_rm_rf (root);
    }
}

/* The CLI's `history` over a takes folder holding a FIFO take, a
 * /dev/zero one, a deep one and a good one: it ends, and lists the good one. */
static void
test_history_cli (void)
{
  const char *binary = g_getenv ("INB_BINARY");
  g_autofree char *root = NULL;
  g_autofree char *takes = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"schema_version\": 1, \"x\": ");
  const char *names[] = { "fifo", "zero", "deep", "good" };
  char **env;
  int status = 0;

  if (!g_test_subprocess ())
    {
      run_in_subprocess ("/hostile-take/history-cli");
      return;
    }
  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_fail_printf ("INB_BINARY is not set to the built inbetween");
      return;
    }

  root = inb_test_make_tmpdir ();
  takes = g_build_filename (root, "inbetween", "takes", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *dir = g_build_filename (takes, names[i], NULL);
      g_autofree char *path = manifest_path (dir);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      if (i == 0)
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      else if (i == 1)
        g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
      else if (i == 2)
        {
          for (guint k = 0; k < 100000; k++)
            g_string_append_c (deep, '[');
          g_string_append_c (deep, '}');
          g_assert_true (g_file_set_contents (path, deep->str, deep->len, NULL));
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("{ \"schema_version\": 1, \"id\": \"good\", \"backend\": \"local\", "
                                                   "\"model\": \"flow\", \"state\": \"done\", \"prompt\": \"the good take\", "
                                                   "\"created\": \"2026-01-01T00:00:00Z\", \"history\": [], \"timings\": {} }");
          g_assert_true (g_file_set_contents (path, text, -1, NULL));
        }
    }

  env = g_get_environ ();
  env = g_environ_setenv (env, "XDG_DATA_HOME", root, TRUE);
  {
    const char *argv[] = { binary, "history", "--json", NULL };

    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_strfreev (env);
  g_assert_no_error (error);
  g_test_message ("history: %s / %s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "good"));

  inb_test_rm_rf (root);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile-take/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hostile-take/nesting-within-limit", test_nesting_within_limit);
  g_test_add_func ("/hostile-take/fifo", test_fifo);
  g_test_add_func ("/hostile-take/fifo-with-writer", test_fifo_with_writer);
  g_test_add_func ("/hostile-take/dev-zero", test_dev_zero);
  g_test_add_func ("/hostile-take/links", test_links);
  g_test_add_func ("/hostile-take/directory", test_directory);
  g_test_add_func ("/hostile-take/too-large", test_too_large);
  g_test_add_func ("/hostile-take/not-text", test_not_text);
  g_test_add_func ("/hostile-take/history-cli", test_history_cli);

  return g_test_run ();
}
