/* test-secrets.c — API keys: environment, keyring (libsecret file backend), session only
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsecret picks its backend once per process, so every case runs in a
 * subprocess that sets its environment before libsecret starts. The
 * keyring is libsecret's file backend (SECRET_BACKEND=file): no daemon, no
 * D-Bus; the "no Secret Service" cases point the session bus at a socket
 * that does not exist, or at one that never answers, and /secrets/hung-service
 * uses the D-Bus backend against a Secret Service that answers nothing
 * (tests/fakes/fake-secret-service.py on a bus of its own).
 */

#define G_LOG_DOMAIN "test-secrets"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "inb-dashscope-backend.h"
#include "inb-local-backend.h"
#include "inb-secrets.h"
#include "fakes/inb-fake-secret-service.h"
#include "fakes/inb-fake-server.h"


/* The keys of every backend Inbetween ships. */
static InbSecrets *
new_secrets (void)
{
  g_autoptr(InbBackendRegistry) registry = inb_backend_registry_new_default ();

  return inb_secrets_new (registry);
}

static char *
make_canary (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("sk-CANARY-%s", uuid);
}

static gboolean
contains (const char *haystack,
          gsize       length,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

/* Files under @root that contain @needle; counts the files read too. */
static guint
grep_tree (const char *root,
           const char *needle,
           guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;
  guint hits = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += grep_tree (path, needle, n_files);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      (*n_files)++;
      if (contains (contents, length, needle))
        {
          g_test_message ("canary found in %s", path);
          hits++;
        }
    }

  return hits;
}

/* The canary in no file under the test's home and XDG folders. */
static guint
canary_hits (const char *canary,
             guint      *n_files)
{
  const char *roots[] = {
    g_get_home_dir (),
    g_get_user_data_dir (),
    g_get_user_config_dir (),
    g_get_user_cache_dir (),
    g_get_user_state_dir (),
    g_get_user_runtime_dir (),
  };
  guint hits = 0;

  *n_files = 0;
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    hits += grep_tree (roots[i], canary, n_files);

  return hits;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *
keyring_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "keyrings", "test.keyring", NULL);
}

static void
use_file_keyring (void)
{
  g_autofree char *path = keyring_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_user_runtime_dir ());

  g_mkdir_with_parents (dir, 0700);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  /* Whatever happens, never the user's real keyring */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_unsetenv ("DISPLAY");
}

static void
use_no_service (const char *bus_path)
{
  g_autofree char *bus = NULL;

  g_unsetenv ("SECRET_BACKEND");
  g_unsetenv ("SECRET_FILE_TEST_PATH");
  g_unsetenv ("SECRET_FILE_TEST_PASSWORD");
  g_unsetenv ("DISPLAY");
  if (bus_path == NULL)
    bus = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_user_runtime_dir ());
  else
    bus = g_strdup_printf ("unix:path=%s", bus_path);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
}

/* Keyring ---------------------------------------------------------------- */

static void
run_keyring (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(InbSecrets) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *canary = make_canary ();
  g_autofree char *path = NULL;
  char *key;
  InbKeySource source;
  GStatBuf st;
  guint n_files;

  use_file_keyring ();
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);
  g_setenv ("WAVESPEED_API_KEY", "", TRUE);

  secrets = new_secrets ();
  g_assert_cmpint (inb_secrets_store_sync (secrets, "dashscope", canary, &error), ==, INB_KEY_SOURCE_KEYRING);
  g_assert_no_error (error);
  g_assert_false (inb_secrets_is_session_only (secrets, "dashscope"));

  /* Stored encrypted in the keyring file, mode 0600 */
  path = keyring_path ();
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A new object (as after a restart) finds it in the keyring */
  fresh = new_secrets ();
  key = inb_secrets_lookup_sync (fresh, "dashscope", &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, canary);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_KEYRING);
  inb_secrets_free_key (key);

  /* Nothing for another provider, and that is not an error */
  key = inb_secrets_lookup_sync (fresh, "wavespeed", &source, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_NONE);

  /* Not a provider */
  key = inb_secrets_lookup_sync (fresh, "local", &source, &error);
  g_assert_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNKNOWN_PROVIDER);
  g_assert_null (key);
  g_clear_error (&error);

  /* An empty key is refused, nothing stored */
  g_assert_cmpint (inb_secrets_store_sync (fresh, "wavespeed", "  \n", &error), ==, INB_KEY_SOURCE_NONE);
  g_assert_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_INVALID_KEY);
  g_clear_error (&error);

  g_assert_cmpuint (canary_hits (canary, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >=, 1);   /* the keyring file was read */

  /* Cleared: gone */
  g_assert_true (inb_secrets_clear_sync (fresh, "dashscope", &error));
  g_assert_no_error (error);
  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_NONE);
}

static void
test_keyring (void)
{
  if (g_test_subprocess ())
    {
      run_keyring ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Async, on the main loop ----------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  char         *key;
  InbKeySource  source;
  GError       *error;
  guint         ticks;
} Wait;

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->source = inb_secrets_store_finish (INB_SECRETS (object), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *w = user_data;

  w->key = inb_secrets_lookup_finish (INB_SECRETS (object), result, &w->source, &w->error);
  g_main_loop_quit (w->loop);
}

static void
run_async (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *canary = make_canary ();
  Wait w = { 0, };

  use_file_keyring ();
  g_setenv ("RUNCOMFY_API_TOKEN", "", TRUE);

  secrets = new_secrets ();
  w.loop = g_main_loop_new (NULL, FALSE);

  inb_secrets_store_async (secrets, "runcomfy", canary, NULL, stored_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_KEYRING);

  inb_secrets_lookup_async (secrets, "runcomfy", NULL, looked_up_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.key, ==, canary);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_KEYRING);
  g_clear_pointer (&w.key, inb_secrets_free_key);

  /* Cancelled by the caller: an error, not a "session only" store */
  g_cancellable_cancel (cancellable);
  inb_secrets_store_async (secrets, "wavespeed", "sk-other", cancellable, stored_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_NONE);
  g_assert_false (inb_secrets_is_session_only (secrets, "wavespeed"));
  g_clear_error (&w.error);

  g_main_loop_unref (w.loop);
}

static void
test_async (void)
{
  if (g_test_subprocess ())
    {
      run_async ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The environment wins --------------------------------------------------- */

static void
run_environment (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbBackend) backend = NULL;
  g_autoptr(InbBackend) local = NULL;
  char *key;
  InbKeySource source;

  use_file_keyring ();
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);

  secrets = new_secrets ();
  g_assert_cmpint (inb_secrets_store_sync (secrets, "dashscope", "sk-from-keyring", &error), ==,
                   INB_KEY_SOURCE_KEYRING);
  g_assert_no_error (error);

  g_setenv ("DASHSCOPE_API_KEY", "sk-from-env", TRUE);
  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-from-env");
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_ENVIRONMENT);
  inb_secrets_free_key (key);

  /* Set but empty means unset */
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);
  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "sk-from-keyring");
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_KEYRING);

  /* Handing it to the backend */
  backend = inb_dashscope_backend_new ();
  g_assert_false (inb_secrets_backend_has_key (backend));
  g_assert_true (inb_secrets_apply_to_backend (backend, key));
  g_assert_true (inb_secrets_backend_has_key (backend));
  g_assert_true (inb_secrets_apply_to_backend (backend, NULL));
  g_assert_false (inb_secrets_backend_has_key (backend));
  local = inb_local_backend_new ();
  g_assert_false (inb_secrets_apply_to_backend (local, key));
  g_assert_true (inb_secrets_backend_has_key (local));
  inb_secrets_free_key (key);

  g_assert_cmpstr (inb_secrets_get_env_var (secrets, "runcomfy"), ==, "RUNCOMFY_API_TOKEN");
  g_assert_cmpstr (inb_secrets_get_env_var (secrets, "wavespeed"), ==, "WAVESPEED_API_KEY");
  g_assert_null (inb_secrets_get_env_var (secrets, "local"));
}

static void
test_environment (void)
{
  if (g_test_subprocess ())
    {
      run_environment ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* No Secret Service: this session only ----------------------------------- */

static void
run_no_service (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *canary = make_canary ();
  g_autofree char *problem = NULL;
  char *key;
  InbKeySource source;
  guint n_files;

  use_no_service (NULL);
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);
  g_setenv ("WAVESPEED_API_KEY", "", TRUE);

  secrets = new_secrets ();
  inb_secrets_set_timeout (secrets, 3000);

  g_assert_cmpint (inb_secrets_store_sync (secrets, "dashscope", canary, &error), ==, INB_KEY_SOURCE_SESSION);
  g_assert_no_error (error);
  g_assert_true (inb_secrets_is_session_only (secrets, "dashscope"));
  problem = inb_secrets_dup_problem (secrets);
  g_assert_nonnull (problem);
  g_test_message ("keyring problem: %s", problem);
  g_assert_null (strstr (problem, canary));
  /* In words, with what to do; not D-Bus's "Could not connect: …" */
  g_assert_true (g_str_has_prefix (problem, "No keyring is running in this session"));
  g_assert_nonnull (strstr (problem, "DASHSCOPE_API_KEY"));
  g_assert_null (strstr (problem, "connect"));
  g_assert_null (strstr (problem, "no-such-bus"));

  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, canary);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_SESSION);
  inb_secrets_free_key (key);

  /* A provider with no key: the keyring could not be asked, and it says so */
  key = inb_secrets_lookup_sync (secrets, "wavespeed", &source, &error);
  g_assert_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE);
  g_assert_null (key);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_NONE);
  /* … naming that provider's own variable */
  g_assert_nonnull (strstr (error->message, "WAVESPEED_API_KEY"));
  g_assert_null (strstr (error->message, "DASHSCOPE_API_KEY"));
  g_clear_error (&error);
  g_clear_pointer (&problem, g_free);
  problem = inb_secrets_dup_provider_problem (secrets, "dashscope");
  g_assert_nonnull (strstr (problem, "DASHSCOPE_API_KEY"));
  g_clear_pointer (&problem, g_free);

  /* Never a plaintext file */
  g_assert_cmpuint (canary_hits (canary, &n_files), ==, 0);

  /* Clearing forgets the session's copy even without a keyring */
  g_assert_false (inb_secrets_clear_sync (secrets, "dashscope", &error));
  g_assert_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_false (inb_secrets_is_session_only (secrets, "dashscope"));
  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  g_assert_null (key);
  g_clear_error (&error);
}

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      run_no_service ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A bus that accepts the connection and never answers -------------------- */

static gboolean
tick_cb (gpointer user_data)
{
  Wait *w = user_data;

  w->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
run_stalled (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "stalled-bus", NULL);
  g_autofree char *canary = make_canary ();
  g_autofree char *problem = NULL;
  Wait w = { 0, };
  guint tick;
  guint n_files;
  gint64 start, elapsed;

  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (path);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);   /* never accepted: the handshake stalls */
  g_assert_no_error (error);

  use_no_service (path);
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);

  secrets = new_secrets ();
  inb_secrets_set_timeout (secrets, 500);
  w.loop = g_main_loop_new (NULL, FALSE);
  tick = g_timeout_add (20, tick_cb, &w);

  start = g_get_monotonic_time ();
  inb_secrets_store_async (secrets, "dashscope", canary, NULL, stored_cb, &w);
  g_main_loop_run (w.loop);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick);

  g_test_message ("stalled keyring: given up after %" G_GINT64_FORMAT " ms, %u main-loop ticks meanwhile",
                  elapsed / 1000, w.ticks);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_SESSION);
  g_assert_cmpuint (w.ticks, >, 0);                       /* the main loop kept running */
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);      /* generous: the timeout is 0.5 s */
  problem = inb_secrets_dup_problem (secrets);
  g_assert_nonnull (problem);

  inb_secrets_lookup_async (secrets, "dashscope", NULL, looked_up_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.key, ==, canary);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_SESSION);
  g_clear_pointer (&w.key, inb_secrets_free_key);

  g_assert_cmpuint (canary_hits (canary, &n_files), ==, 0);
  g_main_loop_unref (w.loop);
}

static void
test_stalled (void)
{
  if (g_test_subprocess ())
    {
      run_stalled ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A Secret Service that takes every call and answers none (R4) ---------- */

/* Checks a keyring call that began at @start ended after its timeout
 * (0.5 s), and not much later; returns the seconds it took. */
static double
check_hung (Wait       *w,
            gint64      start,
            const char *what)
{
  double elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* The parent passes the child's stderr on */
  g_printerr ("# hung keyring, %s: given up after %.3f s, %u main-loop ticks of 20 ms meanwhile\n",
              what, elapsed, w->ticks);
  g_assert_cmpfloat (elapsed, >=, 0.45);
  g_assert_cmpfloat (elapsed, <, 5.0);     /* generous: the timeout is 0.5 s */

  return elapsed;
}

static void
run_hung_service (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *canary = make_canary ();
  g_autofree char *problem = NULL;
  g_autofree char *key = NULL;
  Wait w = { 0, };
  InbKeySource source;
  guint n_files;
  guint tick;
  gint64 start;

  /* The bus is the fake's (set by the parent); libsecret's D-Bus backend */
  g_setenv ("SECRET_BACKEND", "service", TRUE);
  g_unsetenv ("SECRET_FILE_TEST_PATH");
  g_unsetenv ("SECRET_FILE_TEST_PASSWORD");
  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);

  secrets = new_secrets ();
  inb_secrets_set_timeout (secrets, 500);
  w.loop = g_main_loop_new (NULL, FALSE);
  tick = g_timeout_add (20, tick_cb, &w);

  /* Lookup: unavailable, with the reason, and the loop ran meanwhile */
  start = g_get_monotonic_time ();
  inb_secrets_lookup_async (secrets, "dashscope", NULL, looked_up_cb, &w);
  g_main_loop_run (w.loop);
  check_hung (&w, start, "lookup");
  g_assert_error (w.error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE);
  g_assert_true (g_str_has_prefix (w.error->message, "The keyring did not answer in time"));
  g_assert_nonnull (strstr (w.error->message, "DASHSCOPE_API_KEY"));
  g_assert_null (w.key);
  g_assert_cmpuint (w.ticks, >=, 10);
  g_clear_error (&w.error);

  /* The blocking variant (CLI, worker threads; it runs no loop of the
   * caller's, so no ticks) has the same bound */
  w.ticks = 0;
  start = g_get_monotonic_time ();
  key = inb_secrets_lookup_sync (secrets, "dashscope", &source, &error);
  check_hung (&w, start, "lookup_sync");
  g_assert_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE);
  g_assert_null (key);
  g_assert_cmpint (source, ==, INB_KEY_SOURCE_NONE);
  g_clear_error (&error);

  /* Store: kept for this session only, never written anywhere */
  w.ticks = 0;
  start = g_get_monotonic_time ();
  inb_secrets_store_async (secrets, "dashscope", canary, NULL, stored_cb, &w);
  g_main_loop_run (w.loop);
  check_hung (&w, start, "store");
  g_assert_no_error (w.error);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_SESSION);
  g_assert_cmpuint (w.ticks, >=, 10);
  problem = inb_secrets_dup_problem (secrets);
  g_assert_true (g_str_has_prefix (problem, "The keyring did not answer in time"));
  g_assert_true (inb_secrets_is_session_only (secrets, "dashscope"));

  /* … and found at once from then on, without asking the keyring */
  start = g_get_monotonic_time ();
  inb_secrets_lookup_async (secrets, "dashscope", NULL, looked_up_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.key, ==, canary);
  g_assert_cmpint (w.source, ==, INB_KEY_SOURCE_SESSION);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 4);
  g_clear_pointer (&w.key, inb_secrets_free_key);

  g_source_remove (tick);
  g_assert_cmpuint (canary_hits (canary, &n_files), ==, 0);
  g_main_loop_unref (w.loop);
}

static void
test_hung_service (void)
{
  InbFakeSecretService *service;
  g_autofree char *old_address = NULL;
  guint calls;

  if (g_test_subprocess ())
    {
      run_hung_service ();
      return;
    }

  service = inb_fake_secret_service_start ();
  old_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", inb_fake_secret_service_get_bus_address (service), TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (old_address != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", old_address, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  calls = inb_fake_secret_service_stop (service);
  g_test_trap_assert_passed ();
  /* Each keyring call reached the service, which answered none */
  g_test_message ("the fake Secret Service received %u calls", calls);
  g_assert_cmpuint (calls, >=, 3);
}

/* A keyring in trouble: what the person reads -------------------------- */

/* Stores and looks up a key against the keyring the environment gives,
 * and returns the problem the store reported (the key is kept for this
 * session only). */
static char *
store_in_trouble (void)
{
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *canary = make_canary ();
  char *problem;
  guint n_files;

  g_setenv ("DASHSCOPE_API_KEY", "", TRUE);
  secrets = new_secrets ();
  inb_secrets_set_timeout (secrets, 20000);   /* every case answers; a timeout is a failure */

  g_assert_cmpint (inb_secrets_store_sync (secrets, "dashscope", canary, &error), ==, INB_KEY_SOURCE_SESSION);
  g_assert_no_error (error);
  problem = inb_secrets_dup_provider_problem (secrets, "dashscope");
  g_assert_nonnull (problem);
  g_printerr ("# keyring problem: %s\n", problem);
  g_assert_null (strstr (problem, canary));
  g_assert_null (strstr (problem, "did not answer"));
  /* What to do instead, with the provider's own variable */
  g_assert_nonnull (strstr (problem, "environment variable DASHSCOPE_API_KEY"));
  /* Nothing of D-Bus's or GIO's own words */
  g_assert_null (strstr (problem, "/org/freedesktop"));
  g_assert_null (strstr (problem, "Error opening"));
  g_assert_null (strstr (problem, "GDBus"));
  g_assert_cmpuint (canary_hits (canary, &n_files), ==, 0);

  return problem;
}

static void
run_trouble (void)
{
  const char *mode = g_getenv ("INB_TEST_KEYRING_MODE");
  g_autofree char *problem = NULL;

  g_unsetenv ("DISPLAY");
  if (g_str_equal (mode, "dev-null"))
    {
      /* The suite's own setting: the file keyring at a path that cannot be */
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", "/dev/null/inbetween-tests-use-no-keyring", TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "unused", TRUE);
      problem = store_in_trouble ();
      g_assert_true (g_str_has_prefix (problem, "Keys cannot be saved here: the keyring is switched off"));
      g_assert_nonnull (strstr (problem, "SECRET_FILE_TEST_PATH"));
    }
  else if (g_str_equal (mode, "no-folder"))
    {
      /* A file keyring whose folder cannot be made (a file in the way) */
      g_autofree char *blocker = g_build_filename (g_get_user_runtime_dir (), "not-a-folder", NULL);
      g_autofree char *path = g_build_filename (blocker, "keyrings", "default.keyring", NULL);

      g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
      g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
      problem = store_in_trouble ();
      g_assert_true (g_str_has_prefix (problem, "The keyring file “"));
      g_assert_nonnull (strstr (problem, path));
      g_assert_nonnull (strstr (problem, "folder"));
    }
  else
    {
      /* The bus is the fake's (set by the parent); libsecret's D-Bus backend */
      g_setenv ("SECRET_BACKEND", "service", TRUE);
      g_unsetenv ("SECRET_FILE_TEST_PATH");
      g_unsetenv ("SECRET_FILE_TEST_PASSWORD");
      problem = store_in_trouble ();
      if (g_str_equal (mode, "no-collection"))
        g_assert_true (g_str_has_prefix (problem, "The login keyring does not exist or is locked. "
                                                  "Open Passwords and Keys to create or unlock it, "
                                                  "or set the key in the environment variable DASHSCOPE_API_KEY."));
      else if (g_str_equal (mode, "locked"))
        g_assert_true (g_str_has_prefix (problem, "The keyring stayed locked: the unlock prompt was closed."));
      else
        g_assert_not_reached ();
    }
}

static void
test_trouble (gconstpointer data)
{
  const char *mode = data;
  InbFakeSecretService *service = NULL;
  g_autofree char *old_address = NULL;
  g_autofree char *path = g_strdup_printf ("/secrets/trouble/%s", mode);
  g_autofree char *old_debug = NULL;

  if (g_test_subprocess ())
    {
      run_trouble ();
      return;
    }

  g_setenv ("INB_TEST_KEYRING_MODE", mode, TRUE);
  old_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  if (g_str_equal (mode, "no-collection") || g_str_equal (mode, "locked"))
    {
      service = inb_fake_secret_service_start_mode (mode);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", inb_fake_secret_service_get_bus_address (service), TRUE);
    }
  else
    {
      g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_user_runtime_dir ());

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
    }
  /* The raw error goes to the debug log (GLib writes debug to stdout) */
  old_debug = g_strdup (g_getenv ("G_MESSAGES_DEBUG"));
  g_setenv ("G_MESSAGES_DEBUG", "inb-secrets", TRUE);
  g_test_trap_subprocess (path, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (old_debug != NULL)
    g_setenv ("G_MESSAGES_DEBUG", old_debug, TRUE);
  else
    g_unsetenv ("G_MESSAGES_DEBUG");
  if (old_address != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", old_address, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("INB_TEST_KEYRING_MODE");
  if (g_str_equal (mode, "no-collection"))
    g_test_trap_assert_stdout ("*Keyring store for dashscope failed: Object does not exist at path "
                               "'/org/freedesktop/secrets/collection/login'*");
  else if (g_str_equal (mode, "dev-null"))
    g_test_trap_assert_stdout ("*Keyring store for dashscope failed: Error opening file "
                               "/dev/null/inbetween-tests-use-no-keyring*");
  if (service != NULL)
    {
      guint calls = inb_fake_secret_service_stop (service);

      /* libsecret did talk to the fake: the words come from its answers */
      g_test_message ("the fake Secret Service answered %u calls", calls);
      g_assert_cmpuint (calls, >=, 3);
    }
  g_test_trap_assert_passed ();
}

/* Every failure has its words: what libsecret can say, mapped */
static void
test_describe (void)
{
  struct {
    GQuark      domain;
    int         code;
    const char *message;
    gboolean    timed_out;
    const char *starts;
  } cases[] = {
    { G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Could not connect: No such file or directory", FALSE,
      "No keyring is running in this session" },
    { G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot autolaunch D-Bus without X11 $DISPLAY", FALSE,
      "No keyring is running in this session" },
    { G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN, "The name org.freedesktop.secrets was not provided", FALSE,
      "No keyring is running in this session" },
    { G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED, "Process org.freedesktop.secrets exited with status 1", FALSE,
      "No keyring is running in this session" },
    { G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
      "Object does not exist at path '/org/freedesktop/secrets/collection/login'", FALSE,
      "The login keyring does not exist or is locked." },
    { SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT, "No such object", FALSE,
      "The login keyring does not exist or is locked." },
    { SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "Cannot create an item in a locked collection", FALSE,
      "The keyring stayed locked: the unlock prompt was closed." },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, "user interaction cancelled", FALSE,
      "The keyring stayed locked: the unlock prompt was closed." },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled", TRUE,
      "The keyring did not answer in time" },
    { SECRET_ERROR, SECRET_ERROR_PROTOCOL, "received an invalid secret", FALSE,
      "The keyring refused to read or save the key." },
  };

  g_setenv ("SECRET_BACKEND", "service", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, cases[i].message);
      g_autofree char *text = inb_secrets_describe_problem (error, cases[i].timed_out, "WAVESPEED_API_KEY");

      g_test_message ("%s → %s", cases[i].message, text);
      g_assert_true (g_str_has_prefix (text, cases[i].starts));
      g_assert_true (g_str_has_suffix (text, "set the key in the environment variable WAVESPEED_API_KEY."));
      g_assert_null (strstr (text, cases[i].message));
    }
  g_unsetenv ("SECRET_BACKEND");
}

/* The CLI: keys set/status/clear, and generate with the keyring's key ---- */

typedef struct
{
  char *tmpdir;
  char *keyring;
  char *base_url;
} Cli;

static int
run_cli (Cli         *cli,
         const char  *stdin_text,
         const char  *env_key,
         char       **out,
         char       **err,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", cli->tmpdir);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("INB_BINARY"));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", cli->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", cli->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", cli->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cli->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", cli->keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "DASHSCOPE_API_KEY", env_key, TRUE);
  g_subprocess_launcher_setenv (launcher, "INBETWEEN_DASHSCOPE_URL", cli->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "INBETWEEN_DASHSCOPE_POLL_MS", "50", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, out, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static guint
count_submits (InbFakeServer *fake)
{
  return inb_fake_server_count_requests (fake, "POST", "/api/v1/services/");
}

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbFakeServer) fake = NULL;
  g_autofree char *canary = make_canary ();
  g_autofree char *initial = NULL;
  g_autofree char *stdin_text = NULL;
  g_autofree char *first = g_build_filename (g_getenv ("INB_SAMPLES_DIR"), "first.jpg", NULL);
  g_autofree char *last = g_build_filename (g_getenv ("INB_SAMPLES_DIR"), "last.jpg", NULL);
  g_autofree char *output = NULL;
  JsonObject *submit;
  Cli cli = { 0, };
  char *out = NULL, *err = NULL;
  guint n_files;
  int status;

  cli.tmpdir = g_dir_make_tmp ("test-secrets-cli-XXXXXX", &error);
  g_assert_no_error (error);
  cli.keyring = g_build_filename (cli.tmpdir, "keyrings", "test.keyring", NULL);
  output = g_build_filename (cli.tmpdir, "out.mp4", NULL);
  g_mkdir_with_parents (cli.tmpdir, 0700);
  {
    g_autofree char *dir = g_path_get_dirname (cli.keyring);
    g_mkdir_with_parents (dir, 0700);
  }

  initial = g_strdup_printf ("{\"key\": \"%s\"}", canary);
  fake = inb_fake_server_start ("fake-dashscope.py", initial);
  cli.base_url = inb_fake_server_url (fake, "/api/v1");

  /* No key anywhere: exit 2, the message says how, nothing sent */
  status = run_cli (&cli, NULL, "", &out, &err, "generate", first, last, "-b", "dashscope",
                    "-m", "wan2.2-kf2v-flash", "-o", output, NULL);
  g_test_message ("no key: exit %d, %s", status, err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "DASHSCOPE_API_KEY"));
  g_assert_nonnull (strstr (err, "inbetween keys set dashscope"));
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (fake)), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A keyring that cannot be opened: after how to give a key, why the
   * keyring had none, in words (GIO's "Error opening file …" only in the
   * debug log) */
  {
    char *good = cli.keyring;

    cli.keyring = g_strdup ("/dev/null/inbetween-test-secrets-no-keyring");
    status = run_cli (&cli, NULL, "", &out, &err, "generate", first, last, "-b", "dashscope",
                      "-m", "wan2.2-kf2v-flash", "-o", output, NULL);
    g_free (cli.keyring);
    cli.keyring = good;
    g_test_message ("no keyring: exit %d, %s", status, err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "inbetween keys set dashscope"));
    g_assert_nonnull (strstr (err, "\n  Keys cannot be saved here: the keyring is switched off"));
    /* GIO's words, in the debug log only (on with G_MESSAGES_DEBUG=all) */
    g_assert_nonnull (strstr (err, "Error opening file /dev/null/inbetween-test-secrets-no-keyring"));
    {
      g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (strstr (lines[i], "Error opening") != NULL)
          g_assert_nonnull (strstr (lines[i], "inb-secrets-DEBUG"));
    }
    g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (fake)), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* keys set reads standard input */
  stdin_text = g_strdup_printf ("%s\n", canary);
  status = run_cli (&cli, stdin_text, "", &out, &err, "keys", "set", "dashscope", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, canary));
  g_assert_null (strstr (err, canary));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (&cli, NULL, "", &out, &err, "keys", "status", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"keyring\""));
  g_assert_null (strstr (out, canary));
  g_assert_null (strstr (err, canary));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* generate finds it in the keyring and sends it */
  status = run_cli (&cli, NULL, "", &out, &err, "generate", first, last, "-b", "dashscope",
                    "-m", "wan2.2-kf2v-flash", "--json", NULL);
  g_test_message ("key from the keyring: exit %d", status);
  g_assert_cmpint (count_submits (fake), ==, 1);
  submit = inb_fake_server_get_request (fake, 0);
  g_assert_nonnull (submit);
  g_assert_true (g_str_has_suffix (inb_fake_request_get_header (submit, "Authorization"), canary));
  g_assert_cmpint (status, ==, 3);   /* the fake serves no real video here: it fails at verification */
  g_assert_null (strstr (out, canary));
  g_assert_null (strstr (err, canary));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The environment wins over the keyring */
  inb_fake_server_reset (fake);
  inb_fake_server_script (fake, initial);
  status = run_cli (&cli, NULL, "sk-wrong-from-env", &out, &err, "generate", first, last, "-b", "dashscope",
                    "-m", "wan2.2-kf2v-flash", NULL);
  g_assert_cmpint (status, ==, 3);
  submit = inb_fake_server_get_request (fake, 0);
  g_assert_nonnull (submit);
  g_assert_true (g_str_has_suffix (inb_fake_request_get_header (submit, "Authorization"), "sk-wrong-from-env"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The key is in no file but the (encrypted) keyring */
  g_assert_cmpuint (grep_tree (cli.tmpdir, canary, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >=, 2);

  status = run_cli (&cli, NULL, "", &out, &err, "keys", "clear", "dashscope", NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (&cli, NULL, "", &out, &err, "keys", "status", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, "\"keyring\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Not a provider */
  status = run_cli (&cli, "x", "", &out, &err, "keys", "set", "local", NULL);
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  remove_tree (cli.tmpdir);
  g_free (cli.tmpdir);
  g_free (cli.keyring);
  g_free (cli.base_url);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/secrets/keyring", test_keyring);
  g_test_add_func ("/secrets/async", test_async);
  g_test_add_func ("/secrets/environment", test_environment);
  g_test_add_func ("/secrets/no-service", test_no_service);
  g_test_add_func ("/secrets/stalled-service", test_stalled);
  g_test_add_func ("/secrets/hung-service", test_hung_service);
  g_test_add_func ("/secrets/cli", test_cli);
  g_test_add_func ("/secrets/describe", test_describe);
  g_test_add_data_func ("/secrets/trouble/no-collection", "no-collection", test_trouble);
  g_test_add_data_func ("/secrets/trouble/locked", "locked", test_trouble);
  g_test_add_data_func ("/secrets/trouble/dev-null", "dev-null", test_trouble);
  g_test_add_data_func ("/secrets/trouble/no-folder", "no-folder", test_trouble);

  return g_test_run ();
}
