/* test-hostile-server.c — a service that echoes the key it was sent
 * (issue 13 item 8): `boom <key> echoed` in a submit error and in a
 * failed task's message, for each provider, through `inbetween generate`.
 * The key must reach neither stdout, stderr (debug logs on or off) nor
 * any file the run writes (take.json, remote.json, …); the message still
 * says what the service said, with the key as ***.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "inb-test-fake.h"
#include "inb-test-utils.h"

typedef struct
{
  const char *backend;
  const char *model;
  const char *script;
  const char *key_var;
  const char *url_var;
  const char *url_path;
  const char *poll_var;
  const char *key_prefix;        /* the provider's key format */
  /* scenario members with @KEY@ for the key: a submit refused with the
   * key quoted, then a task failing with it */
  const char *submit_error;
  const char *fail;
} Provider;

static const Provider providers[] = {
  { "dashscope", "wan2.2-kf2v-flash", "fake-dashscope.py",
    "DASHSCOPE_API_KEY", "INBETWEEN_DASHSCOPE_URL", "/api/v1", "INBETWEEN_DASHSCOPE_POLL_MS",
    "sk-CANARY",
    "\"submit_error\": {\"status\": 400, \"code\": \"InvalidParameter\", \"message\": \"boom @KEY@ echoed\"}",
    "\"pending_polls\": 0, \"running_polls\": 1, \"final\": \"FAILED\", \"fail_code\": \"InternalError\", "
    "\"fail_message\": \"worker saw Authorization: Bearer @KEY@ and gave up\"" },
  { "wavespeed", "wavespeed-ai/wan-flf2v", "fake-wavespeed.py",
    "WAVESPEED_API_KEY", "INBETWEEN_WAVESPEED_URL", "", "INBETWEEN_WAVESPEED_POLL_MS",
    "wskCANARY",
    "\"submit_error\": {\"status\": 400, \"message\": \"boom @KEY@ echoed\"}",
    "\"created_polls\": 0, \"processing_polls\": 1, \"final\": \"failed\", "
    "\"fail_error\": \"key @KEY@ has no access to this model\"" },
  { "runcomfy", "community/wan-2-2/first-last-frame", "fake-runcomfy.py",
    "RUNCOMFY_API_TOKEN", "INBETWEEN_RUNCOMFY_URL", "", "INBETWEEN_RUNCOMFY_POLL_MS",
    "rcCANARY",
    "\"submit_error\": {\"status\": 422, \"body\": {\"detail\": [{\"msg\": \"boom @KEY@ echoed\"}]}}",
    "\"queue_polls\": 0, \"progress_polls\": 1, \"final\": \"failed\", "
    "\"fail_error\": \"token @KEY@ expired\"" },
};

typedef struct
{
  char *tmpdir;
  char *home;
  char *first;
  char *last;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmpdir = g_dir_make_tmp ("test-hostile-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->home = g_build_filename (f->tmpdir, "data", NULL);
  g_mkdir_with_parents (f->home, 0700);
  f->first = g_build_filename (f->tmpdir, "a.png", NULL);
  f->last = g_build_filename (f->tmpdir, "b.png", NULL);
  inb_test_write_png (f->first, 640, 480, 20);
  inb_test_write_png (f->last, 640, 480, 220);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->home);
  g_free (f->first);
  g_free (f->last);
}

static int
run_cli (Fixture         *f,
         const Provider  *p,
         gboolean         debug,
         const char      *base_url,
         const char      *key,
         char           **out,
         char           **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last,
    "-p", "a quiet harbour at dawn", "-b", p->backend, "-m", p->model, NULL,
  };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", f->home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_subprocess_launcher_setenv (launcher, p->key_var, key, TRUE);
  g_subprocess_launcher_setenv (launcher, p->url_var, base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, p->poll_var, "50", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static char *
with_key (const char *text,
          const char *key)
{
  GString *s = g_string_new (text);

  g_string_replace (s, "@KEY@", key, 0);
  return g_string_free (s, FALSE);
}

/* The key, and its random part alone, appear nowhere. */
static void
assert_key_absent (Fixture    *f,
                   const char *key,
                   const char *uuid,
                   const char *out,
                   const char *err)
{
  g_assert_null (strstr (out, key));
  g_assert_null (strstr (err, key));
  g_assert_null (strstr (out, uuid));
  g_assert_null (strstr (err, uuid));
  inb_test_assert_no_secret_in_files (f->tmpdir, uuid, FALSE);
}

static void
test_echoed_key (Fixture       *f,
                 gconstpointer  data)
{
  const Provider *p = data;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strconcat (p->key_prefix, "-", uuid, NULL);
  g_autofree char *submit_error = with_key (p->submit_error, key);
  g_autofree char *fail = with_key (p->fail, key);
  g_autofree char *base = NULL;
  g_autofree char *scenario = NULL;
  g_autoptr(InbFakeServer) fake = NULL;

  /* The submit refused, quoting the key: debug logs off, then on */
  scenario = g_strdup_printf ("{\"key\": \"%s\", %s}", key, submit_error);
  fake = inb_fake_server_start (p->script, scenario);
  base = inb_fake_server_url (fake, p->url_path);
  for (guint debug = 0; debug < 2; debug++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_cli (f, p, debug, base, key, &out, &err);

      g_test_message ("%s, submit refused (debug %u): exit %d: %s", p->backend, debug, status,
                      debug ? "(log not shown)" : err);
      g_assert_cmpint (status, ==, 3);
      if (!debug)
        g_assert_nonnull (strstr (err, "boom *** echoed"));
      assert_key_absent (f, key, uuid, out, err);
    }
  g_clear_pointer (&fake, inb_fake_server_stop);
  g_clear_pointer (&scenario, g_free);
  g_clear_pointer (&base, g_free);

  /* Accepted, then failing with the key in the task's error */
  scenario = g_strdup_printf ("{\"key\": \"%s\", %s}", key, fail);
  fake = inb_fake_server_start (p->script, scenario);
  base = inb_fake_server_url (fake, p->url_path);
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = run_cli (f, p, FALSE, base, key, &out, &err);

    g_test_message ("%s, task failed: exit %d: %s", p->backend, status, err);
    g_assert_cmpint (status, ==, 3);
    g_assert_nonnull (strstr (err, "***"));
    assert_key_absent (f, key, uuid, out, err);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hostile-server/echoed-key/%s", providers[i].backend);

      g_test_add (path, Fixture, &providers[i], fixture_setup, test_echoed_key, fixture_teardown);
    }

  return g_test_run ();
}
