/* test-no-schema.c — the window without an installed settings schema
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run from a build without `meson install` (and without the tests'
 * GSETTINGS_SCHEMA_DIR), GSettings knows no schema of ours. The command
 * line then runs on the defaults (inb-session.c says so once); the window
 * must too: it comes up on the default backend and fit, makes a take,
 * closes, and opens Preferences, with no critical (G_DEBUG=fatal-warnings
 * turns one into an abort). Before, it aborted in inb_window_constructed()
 * on g_object_ref (NULL).
 *
 * The schema is hidden by pointing GSETTINGS_SCHEMA_DIR at an empty folder
 * and leaving out of XDG_DATA_DIRS any folder that holds it, before GIO
 * first reads them.
 */
#define G_LOG_DOMAIN "test-no-schema"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "inb-application.h"
#include "inb-take.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"

typedef struct
{
  InbApplication *app;
  InbWindow      *window;
} Fixture;

static InbApplication *app;
static char *dir;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->app = app;
}

static gboolean
queue_idle (Fixture       *f,
            gconstpointer  data)
{
  return inb_session_get_n_active_jobs (inb_application_get_session (f->app)) == 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) queue_idle, NULL, 30));
}

static gboolean
n_jobs_at_least (Fixture       *f,
                 gconstpointer  data)
{
  InbJobQueue *queue = inb_session_get_queue (inb_application_get_session (f->app));

  return g_list_model_get_n_items (G_LIST_MODEL (queue)) >= GPOINTER_TO_UINT (data);
}

static gboolean
job_ended (Fixture       *f,
           gconstpointer  data)
{
  return inb_job_state_is_terminal (inb_job_get_state ((InbJob *) data));
}

static gboolean
window_gone (Fixture       *f,
             gconstpointer  data)
{
  return f->window == NULL;
}

static InbWindow *
new_window (void)
{
  InbWindow *window = inb_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

/* Comes up on the defaults (the schema's size, the default backend and
 * fit), makes a take with the local engine, and closes (which would save
 * the size and the parameters). */
static void
test_window_generates (Fixture       *f,
                       gconstpointer  data)
{
  InbSession *session = inb_application_get_session (f->app);
  InbJobQueue *queue = inb_session_get_queue (session);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));
  InbParamPanel *panel;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(InbJob) job = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *shot = NULL;
  int width = 0;
  int height = 0;

  /* The precondition: no schema of ours anywhere GSettings looks */
  g_assert_null (inb_session_get_settings (session));

  f->window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 760);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (f->window)));
  g_assert_cmpstr (inb_window_get_model_subtitle (f->window), !=, NULL);
  g_test_message ("subtitle: %s", inb_window_get_model_subtitle (f->window));

  panel = inb_window_get_param_panel (f->window);
  values = inb_param_panel_dup_values (panel);
  g_assert_cmpstr (json_object_get_string_member (values, "fit"), ==, "crop");

  first = inb_test_write_disc_png (dir, "first.png", 160, 96, 40, 48);
  last = inb_test_write_disc_png (dir, "last.png", 160, 96, 120, 44);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last);
  g_assert_true (inb_test_wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (inb_test_wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 16);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) n_jobs_at_least, GUINT_TO_POINTER (before + 1), 30));
  job = g_list_model_get_item (G_LIST_MODEL (queue), before);
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) job_ended, job, 120));
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);
  g_assert_cmpstr (inb_take_get_backend_id (inb_job_get_take (job)), ==, "local");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  shot = g_test_build_filename (G_TEST_BUILT, "screenshot-no-schema.png", NULL);
  inb_test_save_screenshot (GTK_WIDGET (f->window), shot);

  /* Closing saves the size and the parameters where there are settings */
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) window_gone, NULL, 10));
}

static GtkWidget *
find_combo_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_COMBO_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_combo_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Preferences opens (the keys live elsewhere); what only settings would keep
 * shows the defaults and cannot be changed. */
static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *prefs;
  GtkWidget *fit_row;
  g_autofree char *shot = NULL;

  f->window = new_window ();
  prefs = inb_window_show_preferences (f->window, NULL);
  g_assert_nonnull (prefs);
  gtk_test_widget_wait_for_draw (prefs);

  fit_row = find_combo_row (prefs, "Default Fit");
  g_assert_nonnull (fit_row);
  g_assert_false (gtk_widget_get_sensitive (fit_row));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (fit_row)), ==, INB_FIT_CROP);

  gtk_test_widget_wait_for_draw (prefs);
  shot = g_test_build_filename (G_TEST_BUILT, "screenshot-preferences-no-schema.png", NULL);
  inb_test_save_screenshot (prefs, shot);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* XDG_DATA_DIRS without the folders that hold our schema */
static char *
dup_data_dirs_without_schema (void)
{
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) dirs = NULL;
  g_auto(GStrv) result = NULL;
  const char *env = g_getenv ("XDG_DATA_DIRS");

  dirs = g_strsplit (env != NULL && *env != '\0' ? env : "/usr/local/share:/usr/share", ":", -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *xml = g_strdup_printf ("%s/glib-2.0/schemas/%s.gschema.xml", dirs[i], APP_ID);

      if (*dirs[i] != '\0' && !g_file_test (xml, G_FILE_TEST_EXISTS))
        g_strv_builder_add (kept, dirs[i]);
    }
  result = g_strv_builder_end (kept);

  return g_strjoinv (":", result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *data_dirs = NULL;
  int ret;

  dir = g_dir_make_tmp ("inb-no-schema-XXXXXX", &error);
  g_assert_no_error (error);
  empty = g_build_filename (dir, "schemas", NULL);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  /* Before anything reads them: GIO looks once */
  g_setenv ("GSETTINGS_SCHEMA_DIR", empty, TRUE);
  data_dirs = dup_data_dirs_without_schema ();
  g_setenv ("XDG_DATA_DIRS", data_dirs, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/no-schema/window-generates", Fixture, NULL, fixture_setup, test_window_generates, fixture_teardown);
  g_test_add ("/no-schema/preferences", Fixture, NULL, fixture_setup, test_preferences, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);
  inb_test_rm_rf (dir);
  g_free (dir);

  return ret;
}
