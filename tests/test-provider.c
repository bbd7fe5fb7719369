/* test-provider.c — a provider added as every provider is appears everywhere
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/provider/ holds a provider that exists only here: its backend
 * class (with its InbBackendInfo), its schema, and — below — its one
 * registration line. Without any other file knowing it, it must show up
 * in `inbetween backends`, in the key store and `inbetween keys status`,
 * in Preferences (key, key link, regions, address) and in the settings the
 * CLI obeys.
 */
#include "config.h"

#include <adwaita.h>

#include "inb-application.h"
#include "inb-cli.h"
#include "inb-preferences-window.h"
#include "inb-session.h"
#include "inb-test-utils.h"
#include "provider/inb-example-backend.h"

static char *tmpdir;

static void
use_file_keyring (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "keyring", "default.keyring", NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-password", TRUE);
}

static void
test_registry (void)
{
  g_autoptr(InbBackendRegistry) registry = inb_backend_registry_new_default ();
  InbBackend *example = inb_backend_registry_lookup (registry, "example");
  GListModel *backends = inb_backend_registry_get_backends (registry);
  g_autoptr(InbBackend) last = NULL;

  g_assert_nonnull (example);
  g_assert_cmpstr (inb_backend_get_name (example), ==, "Example Video Cloud");
  g_assert_cmpstr (inb_backend_get_key_env (example), ==, "INB_EXAMPLE_API_KEY");
  g_assert_cmpuint (inb_backend_get_n_regions (example), ==, 2);
  g_assert_cmpuint (inb_backend_get_result_lifetime_hours (example), ==, 6);
  g_assert_nonnull (inb_backend_find_model (example, "example-1"));
  /* Its priority puts it after every built-in provider */
  last = g_list_model_get_item (backends, g_list_model_get_n_items (backends) - 1);
  g_assert_true (last == example);
  /* The built-in ones are all still there */
  g_assert_cmpuint (g_list_model_get_n_items (backends), >=, 5);
}

/* `inbetween backends --json`, run through the command line's own code */
static void
test_cli_backends (void)
{
  if (g_test_subprocess ())
    {
      char *args[] = { (char *) "backends", (char *) "--json", NULL };

      exit (inb_cli_run (2, args));
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*\"id\" : \"example\"*\"name\" : \"Example Video Cloud\"*\"id\" : \"example-1\"*");
}

/* The key store knows it: a key is stored and found, and `keys status`
 * names its variable. */
static void
test_keys (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(InbSession) session = NULL;
      g_autoptr(GError) error = NULL;
      InbSecrets *secrets;
      InbKeySource source;
      char *key;
      char *args[] = { (char *) "keys", (char *) "status", (char *) "--json", NULL };

      use_file_keyring ();
      g_setenv ("INB_EXAMPLE_API_KEY", "", TRUE);
      session = inb_session_new (NULL);
      secrets = inb_session_get_secrets (session);

      g_assert_true (inb_secrets_is_provider (secrets, "example"));
      g_assert_cmpstr (inb_secrets_get_env_var (secrets, "example"), ==, "INB_EXAMPLE_API_KEY");
      g_assert_cmpint (inb_secrets_store_sync (secrets, "example", "ex-key-123", &error), ==,
                       INB_KEY_SOURCE_KEYRING);
      g_assert_no_error (error);
      key = inb_secrets_lookup_sync (secrets, "example", &source, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (key, ==, "ex-key-123");
      g_assert_cmpint (source, ==, INB_KEY_SOURCE_KEYRING);
      inb_secrets_free_key (key);

      exit (inb_cli_run (3, args));
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*\"provider\" : \"example\"*\"source\" : \"keyring\"*\"variable\" : \"INB_EXAMPLE_API_KEY\"*");
  g_test_trap_assert_stdout_unmatched ("*ex-key-123*");
}

/* The address the CLI and the window use follows its regions and the
 * address set in Preferences, and its variable wins. */
static void
test_settings (void)
{
  g_autoptr(InbSession) session = inb_session_new (NULL);
  InbBackend *example = inb_session_lookup_backend (session, "example");
  g_autofree char *url = NULL;
  const char *source = NULL;

  g_unsetenv ("INBETWEEN_EXAMPLE_URL");
  inb_session_configure_backend (session, example);
  g_assert_cmpstr (inb_backend_get_base_url (example), ==, INB_EXAMPLE_URL_NORTH);

  inb_session_set_region (session, example, "south");
  g_assert_cmpstr (inb_backend_get_base_url (example), ==, INB_EXAMPLE_URL_SOUTH);

  inb_session_set_saved_url (session, example, "https://mine.example.invalid");
  url = inb_session_dup_provider_url (session, example, &source);
  g_assert_cmpstr (url, ==, "https://mine.example.invalid");
  g_assert_cmpstr (source, ==, "settings");
  g_assert_cmpstr (inb_backend_get_base_url (example), ==, "https://mine.example.invalid");

  g_setenv ("INBETWEEN_EXAMPLE_URL", "https://env.example.invalid", TRUE);
  g_clear_pointer (&url, g_free);
  url = inb_session_dup_provider_url (session, example, &source);
  g_assert_cmpstr (url, ==, "https://env.example.invalid");
  g_assert_cmpstr (source, ==, "environment");
  g_unsetenv ("INBETWEEN_EXAMPLE_URL");

  inb_session_set_saved_url (session, example, NULL);
  inb_session_set_region (session, example, NULL);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type,
                 const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (title == NULL || (ADW_IS_PREFERENCES_ROW (widget) &&
                         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Preferences builds its page from what the class declares. */
static void
test_preferences (void)
{
  g_autoptr(InbApplication) app = inb_application_new ();
  InbSession *session = inb_application_get_session (app);
  GtkWidget *prefs = inb_preferences_window_new (session);
  AdwPasswordEntryRow *key_row;
  GtkWidget *page;
  GtkWidget *region;
  GtkWidget *link;

  gtk_window_present (GTK_WINDOW (prefs));
  inb_preferences_window_show_provider (INB_PREFERENCES_WINDOW (prefs), "example");

  key_row = inb_preferences_window_get_key_row (INB_PREFERENCES_WINDOW (prefs), "example");
  g_assert_nonnull (key_row);
  page = gtk_widget_get_ancestor (GTK_WIDGET (key_row), ADW_TYPE_PREFERENCES_PAGE);
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (page)), ==, "Example");
  g_assert_true (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs)) == ADW_PREFERENCES_PAGE (page));

  /* Two regions: a region row, its choice stored for the CLI too */
  region = find_descendant (page, ADW_TYPE_COMBO_ROW, "Region");
  g_assert_nonnull (region);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (region))), ==, 2);
  adw_combo_row_set_selected (ADW_COMBO_ROW (region), 1);
  {
    g_autofree char *chosen = inb_session_dup_region (session, inb_session_lookup_backend (session, "example"));

    g_assert_cmpstr (chosen, ==, "south");
  }
  inb_session_set_region (session, inb_session_lookup_backend (session, "example"), NULL);

  /* Where a key is made */
  link = find_descendant (page, GTK_TYPE_LINK_BUTTON, NULL);
  g_assert_nonnull (link);
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==, "https://example.invalid/keys");

  /* No page for a backend with neither key nor address */
  g_assert_null (inb_preferences_window_get_key_row (INB_PREFERENCES_WINDOW (prefs), "local"));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmpdir = inb_test_make_tmpdir ();
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);

  /* The provider's one registration line */
  inb_backend_type_register (INB_TYPE_EXAMPLE_BACKEND, 1);

  g_test_add_func ("/provider/registry", test_registry);
  g_test_add_func ("/provider/cli-backends", test_cli_backends);
  g_test_add_func ("/provider/keys", test_keys);
  g_test_add_func ("/provider/settings", test_settings);
  g_test_add_func ("/provider/preferences", test_preferences);

  ret = g_test_run ();

  inb_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
