/* test-sanitizer-logs.c — in the sanitizer build, a UBSan report from a
 * process a test spawns lands in the file UBSAN_OPTIONS's log_path names
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/sanitize counts the files in sanitizer-logs/: a report written
 * to a child's stderr (which the test reads, or drops) is not counted. With
 * gcc's two runtimes, libubsan wrote to stderr whatever log_path said
 * (build-aux/ubsan-report-path.c). This test runs itself again as such a
 * child, with one signed overflow, and looks for the report. In a build
 * without gcc's UBSan runtime it is skipped.
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib.h>
#include <gio/gio.h>

#include "inb-test-utils.h"

static int
overflow (const char *arg)
{
  volatile int big = G_MAXINT;
  volatile int one = (int) strlen (arg) > 0 ? 1 : 0;

  /* Undefined: UBSan reports it */
  g_print ("%d\n", big + one);
  return 0;
}

static void
test_child_report (void)
{
  g_autofree char *tmpdir = NULL;
  g_autofree char *options = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *report = NULL;
  g_autofree char *report_path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  void *ubsan;
  guint reports = 0;

  ubsan = dlopen ("libubsan.so.1", RTLD_NOLOAD | RTLD_LAZY);
  if (ubsan == NULL)
    {
      g_test_skip ("not a gcc build with UBSan's own runtime");
      return;
    }
  dlclose (ubsan);

  tmpdir = inb_test_make_tmpdir ();
  /* halt, but no abort: the child exits with status 1 */
  options = g_strdup_printf ("halt_on_error=1:abort_on_error=0:print_stacktrace=1:log_path=%s/ubsan:log_exe_name=1",
                             tmpdir);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "UBSAN_OPTIONS", options, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, "/proc/self/exe", "--overflow", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("child: wait status %d, stderr: %s", g_subprocess_get_status (child), err);

  /* Not on stderr ... */
  g_assert_null (strstr (err, "runtime error"));

  /* ... but in one file named after log_path */
  dir = g_dir_open (tmpdir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (name, "ubsan."))
        continue;
      reports++;
      g_free (report_path);
      report_path = g_build_filename (tmpdir, name, NULL);
    }
  g_assert_cmpuint (reports, ==, 1);
  g_file_get_contents (report_path, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "runtime error: signed integer overflow"));
  g_assert_nonnull (strstr (report, "test-sanitizer-logs.c"));

  inb_test_rm_rf (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "--overflow"))
    return overflow (argv[1]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sanitizer/ubsan-child-report", test_child_report);

  return g_test_run ();
}
