/* test-session.c — one session: settings the CLI obeys, one generate path
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Preferences writes (through InbSession, into GSettings) is what
 * `inbetween` in a terminal reads: the keyfile settings backend makes the
 * settings outlive one process, so a value set here reaches the real
 * binary run afterwards. The generate path refuses before anything is
 * written or sent, and the schema missing is said once, not fatal.
 */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "inb-cli.h"
#include "inb-dashscope-backend.h"
#include "inb-session.h"
#include "inb-take.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"

/* One keyfile for the process: GLib picks the settings backend once */
static char *config_dir;

typedef struct
{
  char *tmpdir;
  const char *config;
  char *data;
  char *first;
  char *last;
} Fixture;

static void
write_png (const char *path,
           guint8      tint)
{
  g_autoptr(InbImage) image = inb_test_gradient_image (640, 360, tint);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      640, 360, (int) inb_image_get_stride (image));
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* Settings that outlive the process: the keyfile backend under a folder
 * of this test's own, every key back at its default. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  f->tmpdir = inb_test_make_tmpdir ();
  f->config = config_dir;
  f->data = g_build_filename (f->tmpdir, "data", NULL);
  f->first = g_build_filename (f->tmpdir, "a.png", NULL);
  f->last = g_build_filename (f->tmpdir, "b.png", NULL);
  g_mkdir_with_parents (f->config, 0700);
  g_mkdir_with_parents (f->data, 0700);
  write_png (f->first, 30);
  write_png (f->last, 200);

  g_setenv ("XDG_DATA_HOME", f->data, TRUE);

  settings = g_settings_new (APP_ID);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  g_settings_sync ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->data);
  g_free (f->first);
  g_free (f->last);
}

/* The real binary, with the fixture's settings and data; no address
 * variable, so only the settings can say where a provider is. */
static int
run_binary (Fixture     *f,
            const char  *const *args,
            const char  *key_var,
            char       **out,
            char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *url_vars[] = { "INBETWEEN_DASHSCOPE_URL", "INBETWEEN_WAVESPEED_URL",
                             "INBETWEEN_RUNCOMFY_URL", "INBETWEEN_COMFYUI_URL" };

  g_ptr_array_add (argv, (gpointer) g_getenv ("INB_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "INBETWEEN_WAVESPEED_POLL_MS", "50", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (url_vars); i++)
    g_subprocess_launcher_unsetenv (launcher, url_vars[i]);
  if (key_var != NULL)
    g_subprocess_launcher_setenv (launcher, key_var, "ws-session-key", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static JsonObject *
find_backend (JsonObject *root,
              const char *id)
{
  JsonArray *backends = json_object_get_array_member (root, "backends");

  for (guint i = 0; i < json_array_get_length (backends); i++)
    {
      JsonObject *b = json_array_get_object_element (backends, i);

      if (g_str_equal (json_object_get_string_member (b, "id"), id))
        return b;
    }

  g_assert_not_reached ();
}

/* The region and address set as Preferences sets them are what
 * `inbetween backends` reports, and where `inbetween generate` goes. */
static void
test_cli_obeys_preferences (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(InbSession) session = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *clip = g_build_filename (f->tmpdir, "served.mp4", NULL);
  g_autofree char *scenario = NULL;
  g_autoptr(JsonObject) root = NULL;
  InbFakeServer *fake;
  JsonObject *dashscope, *wavespeed;
  const char *backends_args[] = { "backends", "--json", NULL };
  int status;

  inb_test_write_clip (clip);
  scenario = g_strdup_printf ("{\"key\": \"ws-session-key\", \"video_path\": \"%s\"}", clip);
  fake = inb_fake_server_start ("fake-wavespeed.py", scenario);

  /* What Preferences does: through the window's session */
  g_unsetenv ("INBETWEEN_DASHSCOPE_URL");
  g_unsetenv ("INBETWEEN_WAVESPEED_URL");
  session = inb_session_new (NULL);
  inb_session_set_region (session, inb_session_lookup_backend (session, "dashscope"), "singapore");
  inb_session_set_saved_url (session, inb_session_lookup_backend (session, "wavespeed"),
                             inb_fake_server_get_base_url (fake));
  g_settings_sync ();

  status = run_binary (f, backends_args, NULL, &out, &err);
  g_assert_cmpint (status, ==, 0);
  root = inb_test_parse_object (out);
  dashscope = find_backend (root, "dashscope");
  g_assert_cmpstr (json_object_get_string_member (dashscope, "region"), ==, "singapore");
  g_assert_cmpstr (json_object_get_string_member (dashscope, "url"), ==, INB_DASHSCOPE_URL_SINGAPORE);
  g_assert_cmpstr (json_object_get_string_member (dashscope, "url_source"), ==, "default");
  wavespeed = find_backend (root, "wavespeed");
  g_assert_cmpstr (json_object_get_string_member (wavespeed, "url"), ==, inb_fake_server_get_base_url (fake));
  g_assert_cmpstr (json_object_get_string_member (wavespeed, "url_source"), ==, "settings");

  /* And a take really goes there */
  {
    const char *generate_args[] = { "generate", f->first, f->last, "-b", "wavespeed",
                                    "-p", "a disc glides", "-q", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = run_binary (f, generate_args, "WAVESPEED_API_KEY", &out, &err);
    if (status != 0)
      g_printerr ("%s", err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpuint (inb_test_fake_count (fake, "POST", "/api/v3/wavespeed-ai/"), ==, 1);
  }

  inb_fake_server_stop (fake);
}

/* Earlier versions kept one key per provider; a value set there moves. */
static void
test_migrates_old_keys (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(InbSession) session = NULL;
  g_autofree char *url = NULL;
  g_autofree char *region = NULL;
  g_autofree char *old = NULL;

  g_settings_set_string (settings, "runcomfy-url", "https://old.example.invalid/rc");
  g_settings_set_string (settings, "dashscope-region", "singapore");

  session = inb_session_new (NULL);
  url = inb_session_dup_saved_url (session, inb_session_lookup_backend (session, "runcomfy"));
  region = inb_session_dup_region (session, inb_session_lookup_backend (session, "dashscope"));
  old = g_settings_get_string (settings, "runcomfy-url");

  g_assert_cmpstr (url, ==, "https://old.example.invalid/rc");
  g_assert_cmpstr (region, ==, "singapore");
  g_assert_cmpstr (old, ==, "");
}

static void
test_default_backend (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(InbSession) session = inb_session_new (NULL);
  g_autofree char *id = NULL;
  g_autofree char *fallback = NULL;

  g_settings_set_string (settings, "default-backend", "wavespeed");
  id = inb_session_dup_default_backend_id (session);
  g_assert_cmpstr (id, ==, "wavespeed");

  /* One that does not exist (any more): the first the registry lists */
  g_settings_set_string (settings, "default-backend", "gone");
  fallback = inb_session_dup_default_backend_id (session);
  g_assert_cmpstr (fallback, ==, "local");
}

/* A session whose takes go to this case's own folder */
static InbSession *
new_session (Fixture *f)
{
  InbSession *session = inb_session_new (NULL);
  g_autofree char *takes = g_build_filename (f->data, "inbetween", "takes", NULL);

  inb_session_set_takes_dir (session, takes);
  return session;
}

typedef struct
{
  GMainLoop *loop;
  InbJob    *job;
  GError    *error;
} Generated;

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Generated *g = user_data;

  g->job = inb_session_generate_finish (INB_SESSION (object), result, &g->error);
  g_main_loop_quit (g->loop);
}

static InbJob *
generate (InbSession         *session,
          InbGenerateInputs  *inputs,
          GError            **error)
{
  Generated g = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  inb_session_generate_async (session, inputs, NULL, generated_cb, &g);
  inb_test_loop_run (g.loop);
  g_main_loop_unref (g.loop);
  if (g.error != NULL)
    g_propagate_error (error, g.error);

  return g.job;
}

static InbGenerateInputs *
inputs_new (Fixture    *f,
            const char *backend_id)
{
  InbGenerateInputs *inputs = inb_generate_inputs_new ();
  g_autoptr(GError) error = NULL;

  inputs->backend_id = g_strdup (backend_id);
  inputs->first = inb_keyframe_load (f->first, NULL, &error);
  g_assert_no_error (error);
  inputs->last = inb_keyframe_load (f->last, NULL, &error);
  g_assert_no_error (error);
  inputs->prompt = g_strdup ("the disc glides to the right");

  return inputs;
}

static guint
count_takes (InbSession *session)
{
  g_autoptr(GDir) dir = g_dir_open (inb_session_get_takes_dir (session), 0, NULL);
  guint n = 0;

  const char *name;

  /* Takes are folders; dot-files are the library's own bookkeeping */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += name[0] != '.';

  return n;
}

/* Refusals come before anything is written or sent. */
static void
test_generate_refuses (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbSession) session = new_session (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;
  InbGenerateInputs *inputs;

  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);

  job = generate (session, inputs_new (f, "no-such-backend"), &error);
  g_assert_null (job);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  inputs = inputs_new (f, "local");
  inputs->model_id = g_strdup ("no-such-model");
  job = generate (session, inputs, &error);
  g_assert_null (job);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* No key: said in words, nothing written */
  job = generate (session, inputs_new (f, "dashscope"), &error);
  g_assert_null (job);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "No API key for DashScope"));
  g_clear_error (&error);

  /* A parameter out of range */
  inputs = inputs_new (f, "local");
  inputs->params = inb_test_parse_object ("{\"fps\": 999}");
  job = generate (session, inputs, &error);
  g_assert_null (job);
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_cmpuint (count_takes (session), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inb_session_get_queue (session))), ==, 0);
}

/* A take made: on disk before its job starts, queued on the session's
 * queue, numbered. */
static void
test_generate_queues (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(InbSession) session = new_session (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;
  g_autoptr(InbTake) loaded = NULL;
  InbGenerateInputs *inputs = inputs_new (f, "local");

  inputs->seed = 7;
  inputs->params = inb_test_parse_object ("{\"duration\": 1, \"fps\": 8}");
  job = generate (session, inputs, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inb_session_get_queue (session))), ==, 1);
  g_assert_cmpuint (inb_take_get_number (inb_job_get_take (job)), ==, 1);

  loaded = inb_take_load (inb_take_get_dir (inb_job_get_take (job)), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_backend_id (loaded), ==, "local");
  g_assert_cmpint (inb_take_get_seed (loaded), ==, 0);   /* the local engine takes none */
  g_assert_cmpuint (inb_take_get_number (loaded), ==, 1);

  inb_job_cancel (job);
  while (!inb_job_state_is_terminal (inb_job_get_state (job)))
    g_main_context_iteration (NULL, TRUE);
}

/* No schema installed: the CLI runs on defaults and says so once. */
static void
test_no_schema (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *empty = g_build_filename (f->tmpdir, "no-schemas", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("INB_BINARY"), "backends", NULL };
  const char *note;

  g_mkdir_with_parents (empty, 0700);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", empty, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "local"));
  note = strstr (err, "is not installed");
  g_assert_nonnull (note);
  g_assert_null (strstr (note + 1, "is not installed"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  config_dir = inb_test_make_tmpdir ();
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  /* GLib reads these once: never the user's own folders */
  g_setenv ("XDG_DATA_HOME", config_dir, TRUE);

  g_test_add ("/session/cli-obeys-preferences", Fixture, NULL, fixture_setup, test_cli_obeys_preferences, fixture_teardown);
  g_test_add ("/session/migrates-old-keys", Fixture, NULL, fixture_setup, test_migrates_old_keys, fixture_teardown);
  g_test_add ("/session/default-backend", Fixture, NULL, fixture_setup, test_default_backend, fixture_teardown);
  g_test_add ("/session/generate-refuses", Fixture, NULL, fixture_setup, test_generate_refuses, fixture_teardown);
  g_test_add ("/session/generate-queues", Fixture, NULL, fixture_setup, test_generate_queues, fixture_teardown);
  g_test_add ("/session/no-schema", Fixture, NULL, fixture_setup, test_no_schema, fixture_teardown);

  ret = g_test_run ();
  inb_test_rm_rf (config_dir);
  g_free (config_dir);
  return ret;
}
