/* test-hostile-media.c — the hostile media corpus: broken and hostile
 * images and videos (bombs, cut files, wrong extensions, zero bytes,
 * huge metadata) from tests/hostile/media/files/, and things that are not
 * files at all (FIFOs, devices, links, folders) made here. Each is loaded
 * the way the app loads it — a keyframe with inb_keyframe_load(), a clip
 * from a server with inb_video_probe_isolated() — and must give what
 * tests/hostile/media/EXPECTED says: loaded ("ok"), or refused with that
 * error code, quickly.
 *
 * Every case runs in a subprocess with a time bound, so a hang or a crash
 * fails that case instead of the run.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "inb-keyframe.h"
#include "inb-video-reader.h"
#include "inb-test-utils.h"

#define SUBPROCESS_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define IMAGE_QUICK_US        (3 * G_USEC_PER_SEC)
#define VIDEO_QUICK_US        (12 * G_USEC_PER_SEC)
#define VIDEO_PROBE_MS        10000

typedef struct
{
  char     *name;       /* under files/, or made here */
  gboolean  video;
  char     *expect;     /* "ok" or an error code's name */
  char     *make;       /* NULL (checked in), or how to make it here */
} MediaCase;

static const struct { const char *name; GQuark (*domain) (void); int code; } codes[] = {
  { "NOT_FOUND", inb_keyframe_error_quark, INB_KEYFRAME_ERROR_NOT_FOUND },
  { "EMPTY", inb_keyframe_error_quark, INB_KEYFRAME_ERROR_EMPTY },
  { "UNSUPPORTED", inb_keyframe_error_quark, INB_KEYFRAME_ERROR_UNSUPPORTED },
  { "TOO_LARGE", inb_keyframe_error_quark, INB_KEYFRAME_ERROR_TOO_LARGE },
  { "CORRUPT", inb_keyframe_error_quark, INB_KEYFRAME_ERROR_CORRUPT },
  { "VIDEO_FAILED", inb_video_error_quark, INB_VIDEO_ERROR_FAILED },
  { "VIDEO_NOT_VIDEO", inb_video_error_quark, INB_VIDEO_ERROR_NOT_VIDEO },
  { "VIDEO_TRUNCATED", inb_video_error_quark, INB_VIDEO_ERROR_TRUNCATED },
  { "VIDEO_TIMEOUT", inb_video_error_quark, INB_VIDEO_ERROR_TIMEOUT },
  { "VIDEO_TOO_LARGE", inb_video_error_quark, INB_VIDEO_ERROR_TOO_LARGE },
  { "IO_NOT_FOUND", g_io_error_quark, G_IO_ERROR_NOT_FOUND },
  { "IO_NOT_REGULAR_FILE", g_io_error_quark, G_IO_ERROR_NOT_REGULAR_FILE },
  { "IO_IS_DIRECTORY", g_io_error_quark, G_IO_ERROR_IS_DIRECTORY },
};

static char *media_dir;
static char *work_dir;

static void
media_case_free (gpointer data)
{
  MediaCase *c = data;

  g_free (c->name);
  g_free (c->expect);
  g_free (c->make);
  g_free (c);
}

static char *
describe_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("ok");
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (error->domain == codes[i].domain () && error->code == codes[i].code)
      return g_strdup (codes[i].name);
  return g_strdup_printf ("%s:%d", g_quark_to_string (error->domain), error->code);
}

/* The things that cannot be checked in, made in the subprocess's folder. */
static char *
make_special (const MediaCase *c)
{
  char *path = g_build_filename (work_dir, c->name, NULL);
  g_autofree char *good = g_build_filename (media_dir, c->video ? "good.mp4" : "good.png", NULL);

  if (g_str_equal (c->make, "fifo"))
    g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  else if (g_str_has_prefix (c->make, "link:"))
    {
      const char *target = c->make + strlen ("link:");

      g_assert_cmpint (symlink (g_str_equal (target, "good") ? good : target, path), ==, 0);
    }
  else if (g_str_equal (c->make, "dir"))
    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  else
    g_assert_not_reached ();
  return path;
}

static void
run_case (const MediaCase *c)
{
  g_autofree char *path = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  path = c->make != NULL ? make_special (c) : g_build_filename (media_dir, c->name, NULL);
  start = g_get_monotonic_time ();
  if (c->video)
    {
      InbVideoInfo info = { 0 };

      if (inb_video_probe_isolated (path, VIDEO_PROBE_MS, &info, NULL, &error))
        {
          g_assert_cmpuint (info.width, >, 0);
          g_assert_cmpuint (info.n_frames, >, 0);
        }
      inb_video_info_clear (&info);
    }
  else
    {
      g_autoptr(InbKeyframe) keyframe = inb_keyframe_load (path, NULL, &error);

      if (keyframe != NULL)
        g_assert_cmpuint (inb_keyframe_get_width (keyframe), >, 0);
    }
  elapsed = g_get_monotonic_time () - start;

  got = describe_error (error);
  g_printerr ("# %s: %s in %.3f s%s%s\n", c->name, got, elapsed / 1e6,
                  error != NULL ? ": " : "", error != NULL ? error->message : "");
  if (!g_str_equal (got, c->expect))
    g_error ("%s: expected %s, got %s (%s)", c->name, c->expect, got,
             error != NULL ? error->message : "loaded");
  if (error != NULL)
    {
      /* A refusal names what it refused, in words */
      g_autofree char *base = g_path_get_basename (path);

      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, base) == NULL && strstr (error->message, path) == NULL)
        g_error ("%s: the refusal does not name the file: %s", c->name, error->message);
    }
  g_assert_cmpint (elapsed, <, c->video ? VIDEO_QUICK_US : IMAGE_QUICK_US);
}

static void
test_media (gconstpointer data)
{
  const MediaCase *c = data;

  if (g_test_subprocess ())
    {
      run_case (c);
      return;
    }

  g_test_trap_subprocess (NULL, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (!g_test_trap_has_passed ())
    g_test_fail_printf ("%s: %s", c->name,
                        g_test_trap_reached_timeout () ? "hung (killed after 30 s)" : "wrong outcome or crashed");
}

/* EXPECTED: one case a line, "NAME image|video EXPECT [MAKE]" */
static GPtrArray *
read_expected (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func (media_case_free);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      MediaCase *c;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit_set (lines[i], " \t", -1);
      {
        /* Drop empty fields (runs of blanks) */
        guint n = 0;
        for (guint k = 0; fields[k] != NULL; k++)
          if (fields[k][0] != '\0')
            {
              char *field = fields[k];

              fields[k] = NULL;
              fields[n++] = field;
            }
          else
            g_clear_pointer (&fields[k], g_free);
        fields[n] = NULL;
        g_assert_true (n == 3 || n == 4);
      }
      c = g_new0 (MediaCase, 1);
      c->name = g_strdup (fields[0]);
      g_assert_true (g_str_equal (fields[1], "image") || g_str_equal (fields[1], "video"));
      c->video = g_str_equal (fields[1], "video");
      c->expect = g_strdup (fields[2]);
      c->make = g_strdup (fields[3]);
      g_ptr_array_add (cases, c);
    }
  return cases;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  media_dir = g_test_build_filename (G_TEST_DIST, "hostile", "media", "files", NULL);
  expected = g_test_build_filename (G_TEST_DIST, "hostile", "media", "EXPECTED", NULL);
  work_dir = g_dir_make_tmp ("inb-hostile-media-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  cases = read_expected (expected);

  /* Every checked-in file has its expectation, and every checked-in
   * expectation its file */
  dir = g_dir_open (media_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < cases->len && !found; i++)
        found = g_str_equal (((MediaCase *) g_ptr_array_index (cases, i))->name, name);
      if (!found)
        g_error ("%s has no line in EXPECTED", name);
    }
  for (guint i = 0; i < cases->len; i++)
    {
      MediaCase *c = g_ptr_array_index (cases, i);
      g_autofree char *test_path = g_strdup_printf ("/hostile-media/%s", c->name);

      if (c->make == NULL)
        {
          g_autofree char *file = g_build_filename (media_dir, c->name, NULL);

          if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
            g_error ("EXPECTED names %s, which is not in files/", c->name);
        }
      g_test_add_data_func (test_path, c, test_media);
    }

  status = g_test_run ();
  inb_test_rm_rf (work_dir);
  g_free (work_dir);
  g_free (media_dir);
  return status;
}
