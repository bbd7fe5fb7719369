/* test-comfyui-cli.c — `inbetween … -b comfyui` end to end against the fake ComfyUI
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real binary, with INBETWEEN_COMFYUI_URL pointing at
 * tests/fakes/fake-comfyui.py: a verified clip with progress over both
 * sampler passes; every fault with exactly one POST /prompt and the exit
 * status it deserves (3 when the server failed, 0 when the job got
 * through); pre-flight failures exit 2 having sent no /prompt (and no
 * upload); Ctrl-C while sampling interrupts that prompt at the server and
 * exits 130; `inbetween comfyui import` makes a model `inbetween backends`
 * lists and `generate` uses; the address set in Preferences is obeyed.
 */
#define G_LOG_DOMAIN "test-comfyui-cli"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "inb-http.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"

typedef struct
{
  char          *tmpdir;
  char          *home;
  char          *clip;
  char          *first;
  char          *last;
  char          *output;
  InbFakeServer *fake;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;

  f->tmpdir = g_dir_make_tmp ("test-comfyui-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->home = g_build_filename (f->tmpdir, "home", NULL);
  g_mkdir_with_parents (f->home, 0700);
  f->clip = g_build_filename (f->tmpdir, "served.mp4", NULL);
  f->first = g_build_filename (f->tmpdir, "a.png", NULL);
  f->last = g_build_filename (f->tmpdir, "b.png", NULL);
  f->output = g_build_filename (f->tmpdir, "out.mp4", NULL);
  inb_test_write_clip (f->clip);
  inb_test_write_png (f->first, 640, 360, 20);
  inb_test_write_png (f->last, 640, 360, 220);

  initial = g_strdup_printf ("{\"video_path\": \"%s\", \"step_ms\": 20}", f->clip);
  f->fake = inb_fake_server_start ("fake-comfyui.py", initial);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_fake_server_stop (f->fake);
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->home);
  g_free (f->clip);
  g_free (f->first);
  g_free (f->last);
  g_free (f->output);
}

static GSubprocessLauncher *
launcher_new (Fixture    *f,
              const char *url)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", f->home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (url != NULL)
    g_subprocess_launcher_setenv (launcher, "INBETWEEN_COMFYUI_URL", url, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "INBETWEEN_COMFYUI_URL");

  return launcher;
}

static int
run_cli (Fixture             *f,
         GSubprocessLauncher *launcher,
         const char * const  *argv,
         char               **out,
         char               **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static int
generate (Fixture    *f,
          const char *model,
          const char *extra,
          char      **out,
          char      **err)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, inb_fake_server_get_base_url (f->fake));
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-p", "a balloon drifts",
    "-b", "comfyui", "-m", model, "-o", f->output, "--set", extra != NULL ? extra : "steps=6", NULL,
  };

  return run_cli (f, launcher, argv, out, err);
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (text == NULL || strstr (text, needle) == NULL)
    g_error ("“%s” is not in:\n%s", needle, text != NULL ? text : "(nothing)");
}

/* The address set in Preferences (provider-urls, here in the keyfile
 * settings backend), with no variable: the command line obeys it */
static void
test_cli_settings (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, NULL);
  g_autofree char *dir = g_build_filename (f->home, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (dir, "keyfile", NULL);
  g_autofree char *contents = g_strdup_printf ("[io/github/inbetween/Inbetween]\n"
                                               "provider-urls={'comfyui': '%s'}\n",
                                               inb_fake_server_get_base_url (f->fake));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "wan2.2-flf2v-lightning",
    "-o", f->output, NULL,
  };
  int status;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (keyfile, contents, -1, NULL));
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);

  status = run_cli (f, launcher, argv, &out, &err);
  if (status != 0)
    g_error ("exit %d:\n%s", status, err);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
}

/* Every fault: one submit, and the exit status it deserves */
static void
test_cli_faults (Fixture       *f,
                 gconstpointer  data)
{
  struct { const char *scenario; int status; const char *needle; } cases[] = {
    { "{\"oom_at\": {\"step\": 2}}", 3, "ran out of GPU memory" },
    { "{\"restart_at\": 2}", 3, "no longer knows prompt" },
    { "{\"hostile_filename\": \"../../x.mp4\"}", 3, "leaves its folder" },
    { "{\"interrupt_at\": {\"step\": 1}}", 3, "interrupted on the server" },
    { "{\"drop_socket_at\": 2}", 0, NULL },
    { "{\"submit_drop\": true}", 0, NULL },
    { "{\"old_server\": true}", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, cases[i].scenario);
      g_unlink (f->output);
      status = generate (f, "wan2.2-flf2v", NULL, &out, &err);
      if (status != cases[i].status)
        g_error ("%s: exit %d, not %d:\n%s", cases[i].scenario, status, cases[i].status, err);
      if (cases[i].needle != NULL)
        assert_contains (err, cases[i].needle);
      g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
      g_assert_true (g_file_test (f->output, G_FILE_TEST_EXISTS) == (cases[i].status == 0));
      inb_fake_server_script (f->fake, "{\"oom_at\": null, \"restart_at\": null, \"hostile_filename\": null,"
                                       " \"interrupt_at\": null, \"drop_socket_at\": null, \"submit_drop\": false,"
                                       " \"old_server\": false}");
    }
}

/* Pre-flight failures: exit 2, no /prompt, no upload, the missing thing
 * named; and a server that is not there, named by its address */
static void
test_cli_preflight (Fixture       *f,
                    gconstpointer  data)
{
  struct { const char *scenario; const char *model; const char *needle; } cases[] = {
    { "{\"models_missing\": [\"wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors\"]}", "wan2.2-flf2v",
      "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors is not in diffusion_models on the server" },
    { "{\"models_missing\": [\"clip_vision_h.safetensors\"]}", "wan2.1-flf2v",
      "clip_vision_h.safetensors is not in clip_vision on the server" },
    { "{\"nodes_missing\": [\"CreateVideo\"]}", "wan2.2-flf2v-lightning", "has no node “CreateVideo”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      inb_fake_server_reset (f->fake);
      inb_fake_server_script (f->fake, cases[i].scenario);
      status = generate (f, cases[i].model, NULL, &out, &err);
      if (status != 2)
        g_error ("exit %d, not 2:\n%s", status, err);
      assert_contains (err, cases[i].needle);
      g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 0);
      g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/upload"), ==, 0);
      inb_fake_server_script (f->fake, "{\"models_missing\": [], \"nodes_missing\": []}");
    }

  /* nothing there: said with the address */
  {
    g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, "http://127.0.0.1:9");
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    const char *argv[] = { g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", NULL };
    int status = run_cli (f, launcher, argv, &out, &err);

    g_assert_cmpint (status, ==, 3);
    assert_contains (err, "Nothing answers at http://127.0.0.1:9");
  }
}

typedef struct
{
  GMainLoop     *loop;
  GSubprocess   *process;
  GString       *err;
  int            signum;
  gboolean       signalled;
  InbFakeServer *ack_to;       /* tell this fake each pass was seen */
  guint          passes_acked;
  gboolean       upload_acked;
} Interrupt;

/* With await_pass_seen the fake waits after each pass's first step until
 * told that the command printed that pass: its progress reaches the main
 * loop coalesced, and under valgrind a pass can go by unprinted. */
static void
ack_pass (Interrupt  *it,
          const char *line)
{
  const char *pass = strstr (line, "pass ");
  g_autofree char *script = NULL;
  guint n;

  if (pass == NULL)
    return;
  n = (guint) g_ascii_strtoull (pass + strlen ("pass "), NULL, 10);
  if (n <= it->passes_acked)
    return;

  it->passes_acked = n;
  script = g_strdup_printf ("{\"pass_seen\": %u}", n);
  inb_fake_server_script (it->ack_to, script);
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Interrupt *it = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      g_main_loop_quit (it->loop);
      return;
    }

  g_string_append_printf (it->err, "%s\n", line);
  if (it->ack_to != NULL && !it->upload_acked && strstr (line, "Uploading the keyframes") != NULL)
    {
      it->upload_acked = TRUE;
      inb_fake_server_script (it->ack_to, "{\"upload_seen\": true}");
    }
  if (it->ack_to != NULL)
    ack_pass (it, line);
  if (it->signum != 0 && !it->signalled && strstr (line, "pass 1 of 2: step") != NULL)
    {
      it->signalled = TRUE;
      g_subprocess_send_signal (it->process, it->signum);
    }
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL, line_cb, it);
}

/* Runs @argv and sends it @signum once it reports the first pass's steps */
static void
kill_while_sampling (Fixture             *f,
                     GSubprocessLauncher *launcher,
                     const char * const  *argv,
                     int                  signum)
{
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  Interrupt it = { 0, };

  it.loop = g_main_loop_new (NULL, FALSE);
  it.err = g_string_new (NULL);
  it.signum = signum;
  it.process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stderr_pipe (it.process));
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, line_cb, &it);
  inb_test_loop_run (it.loop);
  g_subprocess_wait (it.process, NULL, &error);
  g_assert_no_error (error);
  if (!it.signalled)
    g_error ("never sampling:\n%s", it.err->str);

  g_object_unref (it.process);
  g_main_loop_unref (it.loop);
  g_string_free (it.err, TRUE);
}

/* Runs @argv as run_cli() does, reading its stderr as it comes: @fake
 * waits at the uploads and at each sampler pass until the test saw them
 * printed (the progress reaches the command's main loop coalesced: under
 * valgrind "step 1 of 3" went by unprinted, and with the command's
 * deliveries 300 ms late "Uploading the keyframes" did). */
static int
run_cli_acked (Fixture             *f,
               GSubprocessLauncher *launcher,
               const char * const  *argv,
               InbFakeServer       *fake,
               char               **out,
               char               **err)
{
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GOutputStream) out_stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  Interrupt it = { 0, };
  int status;

  inb_fake_server_script (fake, "{\"await_pass_seen\": true, \"await_upload_seen\": true}");
  it.loop = g_main_loop_new (NULL, FALSE);
  it.err = g_string_new (NULL);
  it.ack_to = fake;
  it.process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stderr_pipe (it.process));
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, line_cb, &it);
  inb_test_loop_run (it.loop);
  g_output_stream_splice (out_stream, g_subprocess_get_stdout_pipe (it.process),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait (it.process, NULL, &error);
  g_assert_no_error (error);
  *out = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out_stream)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out_stream)));
  *err = g_string_free (it.err, FALSE);
  status = g_subprocess_get_if_exited (it.process) ? g_subprocess_get_exit_status (it.process) : -1;
  inb_fake_server_script (fake, "{\"await_pass_seen\": false, \"await_upload_seen\": false,"
                                " \"pass_seen\": 0, \"upload_seen\": false}");

  g_object_unref (it.process);
  g_main_loop_unref (it.loop);
  return status;
}

/* A verified clip, with progress over both passes and one submit, every
 * stage printed (run_cli_acked()) */
static void
test_cli_generate (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, inb_fake_server_get_base_url (f->fake));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-p", "a balloon drifts",
    "-b", "comfyui", "-m", "wan2.2-flf2v", "-o", f->output, "--set", "steps=6", NULL,
  };
  int status = run_cli_acked (f, launcher, argv, f->fake, &out, &err);

  if (status != 0)
    g_error ("exit %d:\n%s", status, err);
  assert_contains (out, f->output);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  assert_contains (err, "Uploading the keyframes");
  assert_contains (err, "Sampling, pass 1 of 2: step 1 of 3");
  assert_contains (err, "Sampling, pass 2 of 2: step");
  /* The progress object hands the main loop only the latest stage, so a
   * download that ends within one turn of it never shows "Fetching the
   * clip" (seen in CI at load 11); the download itself is counted below. */
  assert_contains (err, "Verifying the clip");
  /* loopback: nothing to warn about */
  g_assert_null (strstr (err, "plain http"));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", "/view"), ==, 1);
}

/* Ctrl-C while sampling: that prompt is interrupted at the server, the
 * command exits 130, and it was submitted once */
static void
test_cli_interrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, inb_fake_server_get_base_url (f->fake));
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "wan2.2-flf2v",
    "-o", f->output, "--set", "steps=60", NULL,
  };
  Interrupt it = { 0, };
  JsonObject *submit;
  g_autofree char *prompt_id = NULL;

  it.loop = g_main_loop_new (NULL, FALSE);
  it.err = g_string_new (NULL);
  it.signum = SIGINT;
  it.process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stderr_pipe (it.process));
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, line_cb, &it);
  inb_test_loop_run (it.loop);
  g_subprocess_wait (it.process, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (it.signalled);
  if (g_subprocess_get_exit_status (it.process) != 130)
    g_error ("exit %d, not 130:\n%s", g_subprocess_get_exit_status (it.process), it.err->str);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
  g_assert_false (g_file_test (f->output, G_FILE_TEST_EXISTS));

  submit = inb_test_fake_find (f->fake, "POST", "/prompt", 0);
  prompt_id = g_strdup (json_object_get_string_member (json_object_get_object_member (submit, "info"), "prompt_id"));
  path = g_strdup_printf ("/api/jobs/%s/cancel", prompt_id);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", path), ==, 1);

  g_object_unref (it.process);
  g_main_loop_unref (it.loop);
  g_string_free (it.err, TRUE);
}

/* A workflow of one's own: imported, listed, used */
static void
test_cli_import (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, inb_fake_server_get_base_url (f->fake));
  g_autofree char *workflow = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                                "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *editor = g_build_filename (f->tmpdir, "editor.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *import[] = { g_getenv ("INB_BINARY"), "comfyui", "import", workflow, "--name", "My Flow", NULL };
  const char *import_editor[] = { g_getenv ("INB_BINARY"), "comfyui", "import", editor, NULL };
  const char *list[] = { g_getenv ("INB_BINARY"), "backends", NULL };
  const char *use[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "my-flow",
    "-o", f->output, NULL,
  };
  int status;

  status = run_cli (f, launcher, import, &out, &err);
  if (status != 0)
    g_error ("exit %d:\n%s", status, err);
  assert_contains (out, "first keyframe     node 68 (LoadImage");
  assert_contains (out, "sampler passes     57 → 58");
  assert_contains (out, "-m my-flow");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (f, launcher, list, &out, &err);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, "my-flow — My Flow");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (f, launcher, use, &out, &err);
  if (status != 0)
    g_error ("exit %d:\n%s", status, err);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the editor's format: refused in words, exit 2 */
  g_assert_true (g_file_set_contents (editor, "{\"nodes\": [], \"links\": [], \"version\": 0.4}", -1, NULL));
  status = run_cli (f, launcher, import_editor, &out, &err);
  g_assert_cmpint (status, ==, 2);
  assert_contains (err, "Export (API)");
}

/* A workflow of one's own with a second output the server drops (a codec
 * its SaveWEBM lacks): generate makes the clip (exit 0) and says which
 * output was dropped and why on stderr, once, and in --json's
 * "warnings"; `history` says it under the take, `history --json` keeps it
 * in the take's record */
static guint count_of (const char *text,
                       const char *needle);

static void
test_cli_dropped_output (Fixture       *f,
                         gconstpointer  data)
{
  const char *expected = "ComfyUI dropped 1 output: node 97 (SaveWEBM) — Value not in list: codec: 'h265' not in";
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, inb_fake_server_get_base_url (f->fake));
  g_autofree char *source = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                              "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *workflow = g_build_filename (f->tmpdir, "two-outputs.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) graph = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autofree char *line = NULL;
  JsonArray *warnings;
  const char *import[] = { g_getenv ("INB_BINARY"), "comfyui", "import", workflow, "--name", "Two Outputs",
                           "--output", "61", NULL };
  const char *use[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "two-outputs",
    "-o", f->output, "--json", "--quiet", NULL,
  };
  const char *list[] = { g_getenv ("INB_BINARY"), "history", NULL };
  const char *list_json[] = { g_getenv ("INB_BINARY"), "history", "--json", NULL };
  int status;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  graph = inb_test_parse_object (text);
  json_object_set_object_member (graph, "97", inb_test_parse_object (
    "{\"class_type\": \"SaveWEBM\", \"inputs\": {\"images\": [\"8\", 0], \"filename_prefix\": \"webm/x\","
    " \"codec\": \"h265\", \"fps\": 16, \"crf\": 32}}"));
  root = json_node_init_object (json_node_alloc (), graph);
  g_free (text);
  text = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (workflow, text, -1, NULL));

  status = run_cli (f, launcher, import, &out, &err);
  if (status != 0)
    g_error ("exit %d:\n%s%s", status, out, err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (f, launcher, use, &out, &err);
  g_test_message ("stderr:\n%s", err);
  if (status != 0)
    g_error ("exit %d:\n%s", status, err);
  g_assert_true (g_file_test (f->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
  line = g_strconcat ("Warning: ", expected, NULL);
  assert_contains (err, line);
  g_assert_cmpuint (count_of (err, "ComfyUI dropped"), ==, 1);
  summary = inb_test_parse_object (out);
  warnings = json_object_get_array_member (summary, "warnings");
  g_assert_nonnull (warnings);
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (warnings, 0), expected));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the library says it too: under the take, and in its record */
  status = run_cli (f, launcher, list, &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_test_message ("history:\n%s", out);
  g_free (line);
  line = g_strconcat ("\n    Warning: ", expected, NULL);
  assert_contains (out, line);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (f, launcher, list_json, &out, &err);
  g_assert_cmpint (status, ==, 0);
  history = json_from_string (out, NULL);
  g_assert_nonnull (history);
  warnings = json_object_get_array_member (json_array_get_object_element (json_node_get_array (history), 0), "warnings");
  g_assert_nonnull (warnings);
  g_assert_true (g_str_has_prefix (json_array_get_string_element (warnings, 0), expected));
}

/* A port of @host nothing listens on: connecting to it is refused */
static guint
closed_port (const char *host)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static guint
count_of (const char *text,
          const char *needle)
{
  guint n = 0;

  for (const char *p = text != NULL ? strstr (text, needle) : NULL; p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* @first is in @text, once, and before @then */
static void
assert_once_before (const char *text,
                    const char *first,
                    const char *then)
{
  const char *a = text != NULL ? strstr (text, first) : NULL;
  const char *b = text != NULL ? strstr (text, then) : NULL;

  if (count_of (text, first) != 1 || b == NULL || a > b)
    g_error ("not “%s” once, before “%s”, in:\n%s", first, then, text != NULL ? text : "(nothing)");
}

/* Plain http to another computer — a fake ComfyUI bound to this machine's
 * own network address — is said on stderr in the backend's words before
 * anything is sent, once a command, by generate, reroll and resume alike
 * (they share it: the backend says it as a job reaches out, the session
 * passes it on); never for loopback (test_cli_generate) */
static void
test_cli_plain_http (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *host = inb_fake_server_own_address ();
  g_autoptr(InbFakeServer) lan = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocessLauncher) refused_launcher = NULL;
  g_autofree char *initial = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *refused_words = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *reroll[] = { g_getenv ("INB_BINARY"), "reroll", "last", NULL };
  const char *resume[] = { g_getenv ("INB_BINARY"), "resume", NULL };
  int status;

  if (host == NULL)
    {
      g_test_skip ("this machine has no network address but loopback");
      return;
    }

  initial = g_strdup_printf ("{\"video_path\": \"%s\", \"step_ms\": 20}", f->clip);
  lan = inb_fake_server_start_on ("fake-comfyui.py", initial, host);
  warning = g_strdup_printf ("inbetween: warning: %s is plain http to another computer: anyone on the "
                             "network can see the keyframes and clips", inb_fake_server_get_base_url (lan));
  launcher = launcher_new (f, inb_fake_server_get_base_url (lan));

  /* Said before any connection: an address that refuses it */
  refused = g_strdup_printf ("http://%s:%u", host, closed_port (host));
  refused_words = g_strdup_printf ("inbetween: warning: %s is plain http", refused);
  refused_launcher = launcher_new (f, refused);
  {
    const char *argv[] = {
      g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "wan2.2-flf2v", NULL,
    };
    g_autofree char *nothing = g_strdup_printf ("Nothing answers at %s", refused);

    status = run_cli (f, refused_launcher, argv, &out, &err);
    g_assert_cmpint (status, ==, 3);
    assert_once_before (err, refused_words, nothing);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* generate: a clip over plain http to the network, warned once */
  {
    const char *argv[] = {
      g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "wan2.2-flf2v",
      "-o", f->output, "--set", "steps=6", NULL,
    };

    status = run_cli_acked (f, launcher, argv, lan, &out, &err);
    if (status != 0)
      g_error ("generate: exit %d:\n%s", status, err);
    assert_once_before (err, warning, "Uploading the keyframes");
    g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* reroll: the same, once for the command */
  status = run_cli (f, launcher, reroll, &out, &err);
  if (status != 0)
    g_error ("reroll: exit %d:\n%s", status, err);
  g_assert_cmpuint (count_of (err, warning), ==, 1);
  g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* resume: a take left sampling by a crash (SIGKILL), finished by its
   * prompt id — warned, never submitted again */
  {
    const char *argv[] = {
      g_getenv ("INB_BINARY"), "generate", f->first, f->last, "-b", "comfyui", "-m", "wan2.2-flf2v",
      "--set", "steps=60", NULL,
    };

    kill_while_sampling (f, launcher, argv, SIGKILL);
    g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 3);
  }
  status = run_cli (f, launcher, resume, &out, &err);
  if (status != 0)
    g_error ("resume: exit %d:\n%s\n%s", status, out, err);
  g_assert_cmpuint (count_of (err, warning), ==, 1);
  assert_contains (out, " done ");
  g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define CLI(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  CLI ("/comfyui-cli/generate", test_cli_generate);
  CLI ("/comfyui-cli/settings", test_cli_settings);
  CLI ("/comfyui-cli/faults", test_cli_faults);
  CLI ("/comfyui-cli/preflight", test_cli_preflight);
  CLI ("/comfyui-cli/interrupt", test_cli_interrupt);
  CLI ("/comfyui-cli/import", test_cli_import);
  CLI ("/comfyui-cli/dropped-output", test_cli_dropped_output);
  CLI ("/comfyui-cli/plain-http", test_cli_plain_http);

  return g_test_run ();
}
