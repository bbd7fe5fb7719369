/* test-cloud-cli.c — `inbetween generate` end to end against each cloud fake
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each provider: a verified clip from the CLI, exactly one submit per
 * run, no key in anything written even with debug logging on; and a pre-flight failure (no key, prompt too
 * long) exits 2 without a single request. A provider the CLI does not
 * list yet (not registered in inb-backends.c) is skipped.
 *
 * R3: the key is a fresh canary, `sk-CANARY-<uuid>`, and one run has
 * G_MESSAGES_DEBUG=all, which also turns on libcurl's trace (every header
 * line through CURLOPT_DEBUGFUNCTION, as g_debug); the canary, or its
 * uuid alone, then appears 0 times in stdout, stderr and every file under
 * the run's folders (take, data, config, cache, state), and every
 * `Authorization:` line logged reads `Authorization: Bearer ***`.
 */

#define G_LOG_DOMAIN "test-cloud-cli"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-video-writer.h"
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
  const char *submit_path;
} Provider;

static const Provider providers[] = {
  { "dashscope", "wan2.2-kf2v-flash", "fake-dashscope.py",
    "DASHSCOPE_API_KEY", "INBETWEEN_DASHSCOPE_URL", "/api/v1",
    "INBETWEEN_DASHSCOPE_POLL_MS", "/video-synthesis" },
  { "wavespeed", "wavespeed-ai/wan-flf2v", "fake-wavespeed.py",
    "WAVESPEED_API_KEY", "INBETWEEN_WAVESPEED_URL", "",
    "INBETWEEN_WAVESPEED_POLL_MS", "/api/v3/wavespeed-ai/" },
  { "runcomfy", "community/wan-2-2/first-last-frame", "fake-runcomfy.py",
    "RUNCOMFY_API_TOKEN", "INBETWEEN_RUNCOMFY_URL", "",
    "INBETWEEN_RUNCOMFY_POLL_MS", "/v1/models/" },
};

typedef struct
{
  char *tmpdir;
  char *home;
  char *clip;
  char *first;
  char *last;
} Fixture;

static void
write_png (const char *path,
           guint8      tint)
{
  g_autoptr(InbImage) image = inb_test_gradient_image (960, 540, tint);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                      960, 540, (int) inb_image_get_stride (image));
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmpdir = g_dir_make_tmp ("test-cloud-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->home = g_build_filename (f->tmpdir, "data", NULL);
  g_mkdir_with_parents (f->home, 0700);
  f->clip = g_build_filename (f->tmpdir, "served.mp4", NULL);
  f->first = g_build_filename (f->tmpdir, "a.png", NULL);
  f->last = g_build_filename (f->tmpdir, "b.png", NULL);
  inb_test_write_clip (f->clip);
  write_png (f->first, 20);
  write_png (f->last, 220);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->home);
  g_free (f->clip);
  g_free (f->first);
  g_free (f->last);
}

/* Runs the CLI; returns its exit status, stdout and stderr. */
static int
run_cli (Fixture         *f,
         const Provider  *p,
         gboolean         debug,
         const char      *base_url,
         const char      *key,
         const char      *prompt,
         const char      *output,
         char           **out,
         char           **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    g_getenv ("INB_BINARY"), "generate", f->first, f->last,
    "-p", prompt, "-b", p->backend, "-m", p->model, "-o", output, "--json", NULL,
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

static gboolean
cli_lists_backend (const char *backend)
{
  g_autofree char *out = NULL;
  g_autofree char *pattern = g_strdup_printf ("\"%s\"", backend);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("INB_BINARY"), "backends", "--json", NULL };
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  return out != NULL && strstr (out, pattern) != NULL;
}

static guint
count_requests (InbFakeServer *fake,
                const char    *method,
                const char    *path_part)
{
  JsonArray *requests = inb_fake_server_get_requests (fake);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
          strstr (json_object_get_string_member (r, "path"), path_part) != NULL)
        n++;
    }

  return n;
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;

  return n;
}

/* Every "Authorization:" in @text is followed by " Bearer ***"; returns
 * how many there are. */
static guint
count_redacted_authorization (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "Authorization:")) != NULL; p += strlen ("Authorization:"))
    {
      g_assert_true (g_str_has_prefix (p, "Authorization: Bearer ***"));
      n++;
    }

  return n;
}

static void
test_provider (Fixture       *f,
               gconstpointer  data)
{
  const Provider *p = data;
  g_autoptr(InbFakeServer) fake = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *base = NULL;
  g_autofree char *output = g_build_filename (f->tmpdir, "out.mp4", NULL);
  g_autofree char *long_prompt = g_strnfill (5001, 'a');
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strconcat ("sk-CANARY-", uuid, NULL);
  g_autofree char *takes = g_build_filename (f->home, "inbetween", "takes", NULL);
  g_autoptr(GDir) takes_dir = NULL;
  JsonObject *root;
  int status;

  /* A backend the CLI does not offer is a failure, never a skip */
  g_assert_true (cli_lists_backend (p->backend));

  scenario = g_strdup_printf ("{\"key\": \"%s\", \"video_path\": \"%s\"}", key, f->clip);
  fake = inb_fake_server_start (p->script, scenario);
  base = inb_fake_server_url (fake, p->url_path);

  /* A verified clip, one submit */
  status = run_cli (f, p, FALSE, base, key, "a quiet harbour at dawn", output, &out, &err);
  g_test_message ("%s: exit %d", p->backend, status);
  if (status != 0)
    g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "state"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (root, "backend"), ==, p->backend);
  g_assert_cmpuint (count_requests (fake, "POST", p->submit_path), ==, 1);
  g_assert_cmpuint (count_requests (fake, "GET", "/files/"), ==, 1);

  g_assert_null (strstr (out, key));
  g_assert_null (strstr (err, key));

  /* Debug logs on: the key shows only redacted, in output, logs and takes */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_unlink (output);
  status = run_cli (f, p, TRUE, base, key, "a quiet harbour at dawn", output, &out, &err);
  g_assert_cmpint (status, ==, 0);
  {
    g_autofree char *log = g_strconcat (out, err, NULL);
    guint n_auth = count_redacted_authorization (log);

    /* libcurl's trace was on: request lines out, status lines in, and the
     * key's header on every API call, redacted */
    g_assert_cmpuint (count_occurrences (log, "> POST "), >=, 1);
    g_assert_cmpuint (count_occurrences (log, "< HTTP/1."), >=, 3);
    g_assert_cmpuint (n_auth, >=, 3);
    g_test_message ("%s: %u log lines, %u redacted Authorization headers, the canary 0 times",
                    p->backend, count_occurrences (log, "\n"), n_auth);
    g_assert_cmpuint (count_occurrences (log, key), ==, 0);
    g_assert_cmpuint (count_occurrences (log, uuid), ==, 0);
  }
  /* The take was written where the check below looks */
  takes_dir = g_dir_open (takes, 0, NULL);
  g_assert_nonnull (takes_dir);
  g_assert_nonnull (g_dir_read_name (takes_dir));
  inb_test_assert_no_secret_in_files (f->tmpdir, key, TRUE);
  inb_test_assert_no_secret_in_files (f->tmpdir, uuid, TRUE);
  g_assert_cmpuint (count_requests (fake, "POST", p->submit_path), ==, 2);

  /* Pre-flight failures: exit 2, nothing sent */
  inb_fake_server_reset (fake);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (f, p, FALSE, base, "", "a quiet harbour at dawn", output, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (f, p, FALSE, base, key, long_prompt, output, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (fake)), ==, 0);
}

/* Any verb, with @p's key and address */
static int
run_verb (Fixture            *f,
          const Provider     *p,
          const char         *base_url,
          const char         *key,
          const char * const *args,
          char              **out,
          char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("INB_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, p->key_var, key, TRUE);
  g_subprocess_launcher_setenv (launcher, p->url_var, base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, p->poll_var, "50", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* Re-roll: the same inputs with new seeds, each new take submitted once;
 * variations share a group; history lists them; delete removes one. */
static void
test_reroll (Fixture       *f,
             gconstpointer  data)
{
  const Provider *p = &providers[1];   /* WaveSpeed: a model with a seed */
  g_autoptr(InbFakeServer) fake = NULL;
  g_autofree char *scenario = g_strdup_printf ("{\"key\": \"ws-reroll\", \"video_path\": \"%s\"}", f->clip);
  g_autofree char *base = NULL;
  g_autofree char *output = g_build_filename (f->tmpdir, "first.mp4", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *takes;
  JsonObject *original, *a, *b;
  const char *reroll_args[] = { "reroll", "last", "-n", "2", NULL };
  const char *history_args[] = { "history", "--json", "--state", "done", NULL };
  int status;

  fake = inb_fake_server_start (p->script, scenario);
  base = inb_fake_server_url (fake, p->url_path);

  {
    g_autofree char *out = NULL, *err = NULL;

    status = run_cli (f, p, FALSE, base, "ws-reroll", "a disc glides", output, &out, &err);
    if (status != 0)
      g_printerr ("%s", err);
    g_assert_cmpint (status, ==, 0);
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    status = run_verb (f, p, base, "ws-reroll", reroll_args, &out, &err);
    if (status != 0)
      g_printerr ("%s", err);
    g_assert_cmpint (status, ==, 0);
  }
  g_assert_cmpuint (count_requests (fake, "POST", p->submit_path), ==, 3);

  {
    g_autofree char *out = NULL, *err = NULL;

    status = run_verb (f, p, base, "ws-reroll", history_args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
  }
  takes = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (takes), ==, 3);
  original = json_array_get_object_element (takes, 0);
  a = json_array_get_object_element (takes, 1);
  b = json_array_get_object_element (takes, 2);

  /* Same inputs, new seeds, one group for the variations */
  for (guint i = 1; i <= 2; i++)
    {
      JsonObject *take = json_array_get_object_element (takes, i);
      g_autoptr(JsonNode) po = json_node_init_object (json_node_alloc (), json_object_get_object_member (original, "parameters"));
      g_autoptr(JsonObject) params = json_object_ref (json_object_get_object_member (take, "parameters"));
      g_autoptr(JsonNode) pt = NULL;
      g_autoptr(JsonNode) po_copy = json_node_copy (po);

      g_assert_cmpstr (json_object_get_string_member (take, "prompt"), ==, "a disc glides");
      g_assert_cmpstr (json_object_get_string_member (take, "model"), ==, p->model);
      g_assert_cmpint (json_object_get_int_member (take, "seed"), !=, json_object_get_int_member (original, "seed"));
      /* The parameters differ only in the seed */
      json_object_remove_member (params, "seed");
      json_object_remove_member (json_node_get_object (po_copy), "seed");
      pt = json_node_init_object (json_node_alloc (), params);
      g_assert_true (json_node_equal (pt, po_copy));
    }
  g_assert_cmpint (json_object_get_int_member (a, "seed"), !=, json_object_get_int_member (b, "seed"));
  g_assert_nonnull (json_object_get_string_member_with_default (a, "group", NULL));
  g_assert_cmpstr (json_object_get_string_member (a, "group"), ==, json_object_get_string_member (b, "group"));
  g_assert_false (json_object_has_member (original, "group"));

  /* Delete one */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *delete_args[] = { "delete", json_object_get_string_member (a, "id"), NULL };
    g_autofree char *dir = g_build_filename (f->home, "inbetween", "takes", json_object_get_string_member (a, "id"), NULL);

    status = run_verb (f, p, base, "ws-reroll", delete_args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cloud-cli/%s", providers[i].backend);

      g_test_add (path, Fixture, &providers[i], fixture_setup, test_provider, fixture_teardown);
    }
  g_test_add ("/cloud-cli/reroll", Fixture, NULL, fixture_setup, test_reroll, fixture_teardown);

  return g_test_run ();
}
