/* test-cli.c — the inbetween binary end to end: exit codes, output, --json, Ctrl-C
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>
#include <signal.h>

#include "inb-keyframe.h"
#include "inb-take.h"
#include "inb-test-utils.h"
#include "inb-video-reader.h"

typedef struct
{
  char *home;       /* XDG_DATA_HOME for the child */
  char *work;       /* where inputs and outputs go */
  char *first;
  char *last;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GSubprocessLauncher *
make_launcher (Fixture *f)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

static void
run_cli (Fixture    *f,
         Run        *run,
         const char *first_arg,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (f);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("INB_BINARY"));
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static void
save_png (InbImage   *image,
          const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_image_save_png (image, path, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(InbImage) first = inb_test_textured_image (160, 96, 0, 0);
  g_autoptr(InbImage) last = inb_test_textured_image (160, 96, 6, 2);

  f->home = inb_test_make_tmpdir ();
  f->work = inb_test_make_tmpdir ();
  f->first = g_build_filename (f->work, "first.png", NULL);
  f->last = g_build_filename (f->work, "last.png", NULL);
  save_png (first, f->first);
  save_png (last, f->last);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_test_rm_rf (f->home);
  inb_test_rm_rf (f->work);
  g_free (f->home);
  g_free (f->work);
  g_free (f->first);
  g_free (f->last);
}

static char *
takes_dir (Fixture *f)
{
  return g_build_filename (f->home, "inbetween", "takes", NULL);
}

static guint
count_takes (Fixture *f)
{
  g_autofree char *dir = takes_dir (f);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  const char *name;

  /* Takes are folders; dot-files are the library's own bookkeeping */
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += name[0] != '.';

  return n;
}

static void
assert_usage_error (Fixture    *f,
                    Run        *run,
                    const char *needle)
{
  g_assert_cmpint (run->status, ==, 2);
  if (strstr (run->err, needle) == NULL)
    g_error ("stderr “%s” does not mention “%s”", run->err, needle);
  /* exactly one clear line, prefixed with the program name */
  g_assert_true (g_str_has_prefix (run->err, "inbetween: "));
  g_assert_cmpstr (run->out, ==, "");
  /* nothing written */
  g_assert_cmpuint (count_takes (f), ==, 0);
}

/* ------------------------------------------------------------------ tests */

static void
test_cli_backends (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Run) text = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) bad = { 0 };
  g_autoptr(JsonObject) root = NULL;
  JsonArray *backends;
  JsonObject *local = NULL;
  JsonObject *model;
  JsonObject *props;

  run_cli (f, &text, "backends", NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "local"));
  g_assert_nonnull (strstr (text.out, "--set fps"));
  g_assert_nonnull (strstr (text.out, "a whole number from 8 to 30"));

  run_cli (f, &json, "backends", "--json", NULL);
  g_assert_cmpint (json.status, ==, 0);
  root = inb_test_parse_object (json.out);
  backends = json_object_get_array_member (root, "backends");
  for (guint i = 0; i < json_array_get_length (backends); i++)
    {
      JsonObject *b = json_array_get_object_element (backends, i);
      if (g_str_equal (json_object_get_string_member (b, "id"), "local"))
        local = b;
    }
  g_assert_nonnull (local);
  model = json_array_get_object_element (json_object_get_array_member (local, "models"), 0);
  g_assert_cmpstr (json_object_get_string_member (model, "id"), ==, "flow");
  props = json_object_get_object_member (json_object_get_object_member (model, "parameters"), "properties");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (props, "fps"), "maximum"), ==, 30);
  g_assert_true (json_object_has_member (props, "resolution"));

  run_cli (f, &bad, "backends", "--bogus", NULL);
  g_assert_cmpint (bad.status, ==, 2);
}

static void
test_cli_bad_input (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->work, "missing.png", NULL);
  g_autofree char *text = g_build_filename (f->work, "notes.png", NULL);
  g_autofree char *nodir = g_build_filename (f->work, "no", "such", "out.mp4", NULL);

  g_file_set_contents (text, "this is not an image\n", -1, NULL);

  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, NULL);
    assert_usage_error (f, &run, "exactly two images");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "fps=99", NULL);
    assert_usage_error (f, &run, "Frame rate can be a whole number from 8 to 30 fps");
  }
  {
    /* in the artist's words, as the window says it (issue 12) */
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "duration=100", NULL);
    assert_usage_error (f, &run, "Duration can be 1 to 10 seconds");
    g_assert_null (strstr (run.err, "out of range"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "duration=abc", NULL);
    assert_usage_error (f, &run, "“abc” is not a number: Duration can be 1 to 10 seconds");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "fps=fast", NULL);
    assert_usage_error (f, &run, "“fast” is not a number: Frame rate");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "colour=red", NULL);
    assert_usage_error (f, &run, "colour");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "duration", NULL);
    assert_usage_error (f, &run, "KEY=VALUE");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "resolution=4k", NULL);
    assert_usage_error (f, &run, "Resolution can be 480p, 720p, 1080p or source");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", missing, f->last, NULL);
    assert_usage_error (f, &run, "missing.png");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, text, NULL);
    assert_usage_error (f, &run, "notes.png");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-b", "nosuch", NULL);
    assert_usage_error (f, &run, "nosuch");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-m", "nosuch", NULL);
    assert_usage_error (f, &run, "nosuch");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", nodir, NULL);
    assert_usage_error (f, &run, "does not exist");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", f->work, NULL);
    assert_usage_error (f, &run, "is a folder");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--seed", "-5", NULL);
    assert_usage_error (f, &run, "seed");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--frobnicate", NULL);
    assert_usage_error (f, &run, "frobnicate");
  }
}

static void
assert_clip (const char *path,
             guint       width,
             guint       height,
             guint       frames)
{
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_video_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.width, ==, width);
  g_assert_cmpuint (info.height, ==, height);
  g_assert_cmpuint (info.n_frames, ==, frames);
}

static void
test_cli_generate_json (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->work, "out.mp4", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *params;
  JsonObject *timings;

  run_cli (f, &run, "generate", f->first, f->last,
           "-p", "a slow drift", "-s", "77",
           "--set", "resolution=source", "--set", "duration=1", "--set", "fps=8",
           "-o", out, "--json", NULL);
  if (run.status != 0)
    g_error ("exit %d: %s", run.status, run.err);

  root = inb_test_parse_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (root, "output"), ==, out);
  g_assert_cmpstr (json_object_get_string_member (root, "backend"), ==, "local");
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "flow");
  /* The local engine takes no prompt: it is said, and not kept */
  g_assert_cmpstr (json_object_get_string_member (root, "prompt"), ==, "");
  g_assert_nonnull (strstr (run.err, "takes no prompt"));
  /* The local engine takes no seed: --seed is said to be ignored, and no
   * seed is recorded as if it had mattered */
  g_assert_cmpint (json_object_get_int_member (root, "seed"), ==, 0);
  g_assert_nonnull (strstr (run.err, "takes no seed"));
  g_assert_cmpint (json_object_get_int_member (root, "frames"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (root, "width"), ==, 160);
  params = json_object_get_object_member (root, "parameters");
  g_assert_cmpint (json_object_get_int_member (params, "fps"), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (params, "resolution"), ==, "source");
  g_assert_false (json_object_has_member (params, "seed"));
  timings = json_object_get_object_member (root, "timings");
  g_assert_true (json_object_has_member (timings, "total"));
  g_assert_cmpfloat (json_object_get_double_member (timings, "total"), >, 0.0);

  assert_clip (out, 160, 96, 9);
  assert_clip (json_object_get_string_member (root, "clip"), 160, 96, 9);

  take = inb_take_load (json_object_get_string_member (root, "take_dir"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_state (take), ==, "done");
  g_assert_cmpint (inb_take_get_seed (take), ==, 0);
  g_assert_cmpuint (count_takes (f), ==, 1);
}

static void
test_cli_generate_plain (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) history = { 0 };
  g_autofree char *dir = takes_dir (f);
  g_autofree char *path = NULL;

  run_cli (f, &run, "generate", f->first, f->last,
           "--set", "resolution=source", "--set", "duration=1", "--set", "fps=8", NULL);
  if (run.status != 0)
    g_error ("exit %d: %s", run.status, run.err);

  /* stdout: just the path, inside the take's folder */
  path = g_strstrip (g_strdup (run.out));
  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_true (g_str_has_suffix (path, "clip.mp4"));
  assert_clip (path, 160, 96, 9);

  /* not a terminal: plain progress lines, no carriage returns */
  g_assert_nonnull (strstr (run.err, "%"));
  g_assert_null (strchr (run.err, '\r'));

  run_cli (f, &history, "history", NULL);
  g_assert_cmpint (history.status, ==, 0);
  g_assert_nonnull (strstr (history.out, "done"));
  g_assert_nonnull (strstr (history.out, "local/flow"));
}

static void
test_cli_interrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (f);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->work, "interrupted.mp4", NULL);
  g_autofree char *part = g_strconcat (out, ".part", NULL);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *dir = takes_dir (f);
  g_autoptr(GDir) d = NULL;
  g_autofree char *take_dir = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *clip_part = NULL;
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GInputStream) err_stream = NULL;
  char buffer[256];

  /* Long enough to still be rendering when interrupted. */
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("INB_BINARY"),
                                         "generate", f->first, f->last,
                                         "--set", "resolution=720p", "--set", "duration=10",
                                         "--set", "fps=30", "-o", out, NULL);
  g_assert_no_error (error);

  /* Wait for the first progress line: the take exists and work started. */
  err_stream = g_object_ref (g_subprocess_get_stderr_pipe (process));
  g_assert_cmpint (g_input_stream_read (err_stream, buffer, sizeof buffer - 1, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_usleep (300 * 1000);

  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);

  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  {
    const char *name;

    /* The take's folder; dot-files are the library's bookkeeping */
    while ((name = g_dir_read_name (d)) != NULL && name[0] == '.')
      ;
    g_assert_nonnull (name);
    take_dir = g_build_filename (dir, name, NULL);
  }
  clip = g_build_filename (take_dir, "clip.mp4", NULL);
  clip_part = g_build_filename (take_dir, "clip.mp4.part", NULL);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (clip_part, G_FILE_TEST_EXISTS));

  take = inb_take_load (take_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_state (take), ==, "cancelled");
}

static double
frame_psnr (const char *clip,
            guint       index,
            const char *keyframe,
            guint       width,
            guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbKeyframe) kf = inb_keyframe_load (keyframe, NULL, &error);
  g_autoptr(InbImage) expected = NULL;
  g_autoptr(InbImage) frame = NULL;

  g_assert_no_error (error);
  expected = inb_keyframe_normalise (kf, width, height, INB_FIT_CROP);
  frame = inb_video_read_frame (clip, index, &error);
  g_assert_no_error (error);

  return inb_test_psnr (expected, frame);
}

static void
test_cli_no_display_samples (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *first = g_build_filename (g_getenv ("INB_SAMPLES_DIR"), "first.jpg", NULL);
  g_autofree char *last = g_build_filename (g_getenv ("INB_SAMPLES_DIR"), "last.jpg", NULL);
  double psnr_first, psnr_last;

  /* `inbetween` with no display: the README's run command on a server */
  run_cli (f, &run, NULL, NULL);
  if (run.status != 0)
    g_error ("exit %d: %s", run.status, run.err);
  g_assert_nonnull (strstr (run.err, "No display"));

  path = g_strstrip (g_strdup (run.out));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* 5 s at 16 fps, 1280 × 720, H.264 */
  assert_clip (path, 1280, 720, 81);

  psnr_first = frame_psnr (path, 0, first, 1280, 720);
  psnr_last = frame_psnr (path, 80, last, 1280, 720);
  g_test_message ("first frame %.2f dB, last frame %.2f dB from the keyframes", psnr_first, psnr_last);
  g_assert_cmpfloat (psnr_first, >=, 35.0);
  g_assert_cmpfloat (psnr_last, >=, 35.0);
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

/* -o never lands on something that is not a new (or, with --force, a
 * regular) file, never on a keyframe, and never touches the user's own
 * "<out>.part"; the refusals come before anything is made. */
static void
test_cli_output_safety (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *existing = g_build_filename (f->work, "existing.mp4", NULL);
  g_autofree char *link = g_build_filename (f->work, "link.mp4", NULL);
  g_autofree char *linked = g_build_filename (f->work, "linked-to", NULL);
  g_autofree char *fresh = g_build_filename (f->work, "fresh.mp4", NULL);
  g_autofree char *users_part = g_strconcat (fresh, ".part", NULL);
  g_autofree char *first_before = read_file (f->first);
  g_autofree char *after = NULL;
  g_autofree char *link_target = NULL;

  g_file_set_contents (existing, "mine", -1, NULL);
  g_file_set_contents (linked, "linked", -1, NULL);
  g_assert_cmpint (symlink (linked, link), ==, 0);
  g_file_set_contents (users_part, "the user's own file", -1, NULL);

  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", "", NULL);
    assert_usage_error (f, &run, "needs a file name");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", "/dev/null", NULL);
    assert_usage_error (f, &run, "not a regular file");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", link, NULL);
    assert_usage_error (f, &run, "symbolic link");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", existing, NULL);
    assert_usage_error (f, &run, "--force");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-o", f->first, "--force", NULL);
    assert_usage_error (f, &run, "keyframes");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "fps=8", "--set", "fps=12", NULL);
    assert_usage_error (f, &run, "twice");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "--set", "duration=0x2", NULL);
    assert_usage_error (f, &run, "“0x2” is not a number: Duration");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-p", "\xff\xfe not text", NULL);
    assert_usage_error (f, &run, "--prompt is not valid UTF-8");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-b", "runcomfy", "-n", "blurry", NULL);
    assert_usage_error (f, &run, "takes no negative prompt");
  }

  /* Nothing was touched */
  after = read_file (existing);
  g_assert_cmpstr (after, ==, "mine");
  g_clear_pointer (&after, g_free);
  after = read_file (f->first);
  g_assert_true (g_strcmp0 (after, first_before) == 0);
  link_target = g_file_read_link (link, NULL);
  g_assert_cmpstr (link_target, ==, linked);

  /* A new file: made; the user's own .part beside it untouched */
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-q", "--set", "duration=1", "--set", "fps=8",
             "--set", "resolution=source", "-o", fresh, NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_clip (fresh, 160, 96, 9);
    g_clear_pointer (&after, g_free);
    after = read_file (users_part);
    g_assert_cmpstr (after, ==, "the user's own file");
  }
  /* An existing regular file with --force: replaced */
  {
    g_auto(Run) run = { 0 };
    run_cli (f, &run, "generate", f->first, f->last, "-q", "--set", "duration=1", "--set", "fps=8",
             "--set", "resolution=source", "-o", existing, "--force", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_clip (existing, 160, 96, 9);
  }
  /* No temporary file is left anywhere in the folder */
  {
    g_autoptr(GDir) dir = g_dir_open (f->work, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".") && g_str_has_suffix (name, ".part"));
  }
}

/* Ctrl-C once the clip is made: not "done" with a path that is not there */
static void
test_cli_late_interrupt (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (f);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autofree char *out = g_build_filename (f->work, "late.mp4", NULL);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  char *line;

  g_subprocess_launcher_setenv (launcher, "INB_TEST_HOLD_AFTER_JOB_MS", "3000", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("INB_BINARY"),
                                         "generate", f->first, f->last, "--set", "duration=1",
                                         "--set", "fps=8", "--set", "resolution=source", "-o", out, NULL);
  g_assert_no_error (error);

  /* The job has ended and the CLI holds: interrupt now */
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  while ((line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error)) != NULL)
    {
      gboolean holding = g_str_equal (line, "holding");

      g_free (line);
      if (holding)
        break;
    }
  g_assert_no_error (error);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  /* Nothing on standard output claims a clip */
  g_assert_cmpstr (stdout_text, ==, "");
}

/* `--help` says every exit status the README does; `help VERB` works for
 * the program's verbs and for a backend's own commands alike. */
static void
test_cli_help (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) top = { 0 };
  g_auto(Run) verb = { 0 };
  g_auto(Run) backend = { 0 };
  g_auto(Run) direct = { 0 };
  g_auto(Run) unknown = { 0 };

  run_cli (f, &top, "--help", NULL);
  g_assert_cmpint (top.status, ==, 0);
  g_assert_nonnull (strstr (top.out, "1 a file could not be read or written"));
  g_assert_nonnull (strstr (top.out, "comfyui import"));

  run_cli (f, &verb, "help", "generate", NULL);
  g_assert_cmpint (verb.status, ==, 0);
  g_assert_nonnull (strstr (verb.out, "--set"));

  run_cli (f, &backend, "help", "comfyui", NULL);
  run_cli (f, &direct, "comfyui", "--help", NULL);
  g_assert_cmpint (backend.status, ==, 0);
  g_assert_cmpint (direct.status, ==, 0);
  g_assert_nonnull (strstr (backend.out, "comfyui import FILE"));
  g_assert_cmpstr (backend.out, ==, direct.out);

  run_cli (f, &unknown, "help", "nosuchverb", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "nosuchverb"));
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/backends", Fixture, NULL, fixture_setup, test_cli_backends, fixture_teardown);
  g_test_add ("/cli/help", Fixture, NULL, fixture_setup, test_cli_help, fixture_teardown);
  g_test_add ("/cli/bad-input", Fixture, NULL, fixture_setup, test_cli_bad_input, fixture_teardown);
  g_test_add ("/cli/generate-json", Fixture, NULL, fixture_setup, test_cli_generate_json, fixture_teardown);
  g_test_add ("/cli/generate-plain", Fixture, NULL, fixture_setup, test_cli_generate_plain, fixture_teardown);
  g_test_add ("/cli/interrupt", Fixture, NULL, fixture_setup, test_cli_interrupt, fixture_teardown);
  g_test_add ("/cli/output-safety", Fixture, NULL, fixture_setup, test_cli_output_safety, fixture_teardown);
  g_test_add ("/cli/late-interrupt", Fixture, NULL, fixture_setup, test_cli_late_interrupt, fixture_teardown);
  g_test_add ("/cli/no-display-samples", Fixture, NULL, fixture_setup, test_cli_no_display_samples, fixture_teardown);

  return g_test_run ();
}
