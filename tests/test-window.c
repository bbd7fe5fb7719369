/* test-window.c: the application and its main window, under a display
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <dlfcn.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "inb-application.h"
#include "inb-enums.h"
#include "inb-preferences-window.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"

/* Each case starts from the default settings with no window open, and
 * leaves none open: one case's window, size or model never reaches the
 * next. The application is one per process (it owns its object path on
 * the bus). */
typedef struct
{
  InbApplication *app;
  GSettings      *settings;
  InbWindow      *window;   /* the case's window (fixture_setup_window) */
} Fixture;

static InbApplication *the_app;

static InbApplication *
make_app (void)
{
  InbApplication *app = inb_application_new ();
  g_autoptr(GError) error = NULL;

  /* No session bus is needed for a test: stay local. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return app;
}

static void
spin_until_idle (void)
{
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Drops the last reference the test holds: @object must then be finalized,
 * at once or when the work it started on other threads (the library's
 * loads, thumbnails) has answered, within 10 s. */
static void
assert_finalized_soon (GObject *object)
{
  gpointer weak = object;
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  if (weak != NULL)
    g_error ("%s %p was not finalized within 10 s", G_OBJECT_TYPE_NAME (weak), weak);
}

static void
reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* For the cases about making windows: they make their own. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->app = the_app;
  f->settings = inb_application_get_settings (the_app);
  reset_settings (f->settings);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 0);
}

/* A new window of 1000 × 700 on the screen, drawn. */
static void
fixture_setup_window (Fixture       *f,
                      gconstpointer  data)
{
  fixture_setup (f, data);
  f->window = inb_window_new (f->app);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Whatever the case opened (windows, About, Preferences) goes, one at a
   * time: a window takes its own dialogs (the help overlay) with it. */
  for (guint i = 0; i < 20 && g_list_model_get_n_items (toplevels) > 0; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  spin_until_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 0);
  if (f->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  reset_settings (f->settings);
}

static void
test_window_basic (Fixture       *f,
                   gconstpointer  data)
{
  InbApplication *app = f->app;
  GSettings *settings = f->settings;
  InbWindow *window;
  gint64 start;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);

  start = g_get_monotonic_time ();
  window = inb_window_new (app);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  /* A figure for the record, not an assert. */
  g_test_message ("Window built and first drawn in %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Inbetween");
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));

  /* No toplevel is left hidden: GTK 4.8's accessibility bridge crashes
   * the window when a screen reader asks for a child past the visible
   * windows and the last toplevel is a hidden one (GtkApplication's help
   * overlay was: see inb-window.c). The shortcuts window is made when
   * asked for (Ctrl+?), and gone once closed. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWindow *shortcuts = NULL;
    const char *const *accels = NULL;
    g_auto(GStrv) help_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

        g_test_message ("toplevel %u: %s, %s", i, G_OBJECT_TYPE_NAME (toplevel),
                        gtk_widget_get_visible (toplevel) ? "visible" : "hidden");
        g_assert_true (gtk_widget_get_visible (toplevel));
      }
    g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
    accels = (const char *const *) help_accels;
    g_assert_true (accels != NULL && g_strv_contains (accels, "<Control>question"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (GTK_IS_SHORTCUTS_WINDOW (toplevel))
          shortcuts = toplevel;
      }
    g_assert_nonnull (shortcuts);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
    g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
    gtk_window_close (shortcuts);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        g_assert_false (GTK_IS_SHORTCUTS_WINDOW (toplevel));
      }
  }

  {
    int w = 0, h = 0;

    gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
    g_assert_cmpint (w, ==, 900);
    g_assert_cmpint (h, ==, 640);
  }

  /* A new size is saved when the window closes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_close (GTK_WINDOW (window));
  spin_until_idle ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  assert_finalized_soon (G_OBJECT (window));
}

static void
test_window_dialogs (Fixture       *f,
                     gconstpointer  data)
{
  InbApplication *app = f->app;
  guint before;
  guint after;
  GListModel *toplevels;
  guint n_about = 0;
  guint n_prefs = 0;

  toplevels = gtk_window_get_toplevels ();
  before = g_list_model_get_n_items (toplevels);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  spin_until_idle ();

  after = g_list_model_get_n_items (toplevels);
  g_assert_cmpuint (after, ==, before + 2);

  for (guint i = 0; i < after; i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (w))
        {
          g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (w)), ==, "Inbetween");
          n_about++;
        }
      else if (ADW_IS_PREFERENCES_WINDOW (w))
        n_prefs++;
    }
  g_assert_cmpuint (n_about, ==, 1);
  g_assert_cmpuint (n_prefs, ==, 1);

  /* app.quit closes every window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  spin_until_idle ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 0);
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
resize_and_draw (GtkWindow *window,
                 int        width,
                 int        height)
{
  gtk_window_set_default_size (window, width, height);
  for (guint i = 0; i < 5; i++)
    {
      gtk_widget_queue_resize (GTK_WIDGET (window));
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      spin_until_idle ();
    }
}

/* Narrow windows fold the authoring pane over the player, around 600 px. */
static void
test_window_narrow (Fixture       *f,
                    gconstpointer  data)
{
  InbWindow *window = f->window;
  AdwFlap *flap;

  resize_and_draw (GTK_WINDOW (window), 1100, 700);

  flap = ADW_FLAP (find_widget (GTK_WIDGET (window), ADW_TYPE_FLAP));
  g_assert_nonnull (flap);
  g_assert_false (adw_flap_get_folded (flap));

  resize_and_draw (GTK_WINDOW (window), 560, 700);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <, 600);
  g_assert_true (adw_flap_get_folded (flap));

  resize_and_draw (GTK_WINDOW (window), 1000, 700);
  g_assert_false (adw_flap_get_folded (flap));
}

/* The model and its parameters come back in the next window. */
static void
test_window_remembers (Fixture       *f,
                       gconstpointer  data)
{
  InbApplication *app = f->app;
  GSettings *settings = f->settings;
  InbWindow *window;
  GtkWidget *duration;

  window = inb_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (inb_window_select_model (window, "local", NULL));
  duration = inb_param_panel_get_widget (inb_window_get_param_panel (window), "duration");
  g_assert_true (GTK_IS_SPIN_BUTTON (duration));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (duration), 7);
  gtk_window_close (GTK_WINDOW (window));
  spin_until_idle ();

  {
    g_autofree char *backend = g_settings_get_string (settings, "last-backend");
    g_autofree char *params = g_settings_get_string (settings, "last-parameters");

    g_assert_cmpstr (backend, ==, "local");
    g_assert_nonnull (strstr (params, "\"duration\":7"));
  }

  window = inb_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  duration = inb_param_panel_get_widget (inb_window_get_param_panel (window), "duration");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration)), 7, 1e-9);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
assert_subtitle_has (GtkWidget  *row,
                     const char *needle)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  if (subtitle == NULL || strstr (subtitle, needle) == NULL)
    g_error ("row subtitle “%s” does not say “%s”", subtitle ? subtitle : "(none)", needle);
}

/* Seconds and frames side by side: the local engine's duration row counts
 * frames; RunComfy's Wan length row (81 or 141 frames) says how long that
 * is at the chosen rate and that Wan makes 4n+1 frames. */
static void
test_window_frame_counts (Fixture       *f,
                          gconstpointer  data)
{
  InbWindow *window = f->window;
  InbParamPanel *panel;
  GtkWidget *length;
  g_autoptr(JsonNode) fps = json_node_init_int (json_node_alloc (), 20);
  g_autoptr(JsonNode) longer = json_node_init_string (json_node_alloc (), "141");

  panel = inb_window_get_param_panel (window);

  g_assert_true (inb_window_select_model (window, "local", NULL));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 16);
  assert_subtitle_has (inb_param_panel_get_row (panel, "duration"), "81 frames at 16 fps");

  g_assert_true (inb_window_select_model (window, "runcomfy", "community/wan-2-2/first-last-frame"));
  length = inb_param_panel_get_row (panel, "length");
  g_assert_true (ADW_IS_COMBO_ROW (length));
  assert_subtitle_has (length, "81 frames are 5.06 s at 16 fps");
  assert_subtitle_has (length, "4n+1");

  g_assert_true (inb_param_panel_set_value (panel, "fps", fps));
  assert_subtitle_has (length, "81 frames are 4.05 s at 20 fps");
  g_assert_true (inb_param_panel_set_value (panel, "length", longer));
  assert_subtitle_has (length, "141 frames are 7.05 s at 20 fps");
  g_assert_true (inb_param_panel_get_valid (panel));
}

/* Typed as at the keyboard: the field's text replaced, then Enter (the
 * GtkText inside the spin button activated, as the key does). */
static void
type_into (GtkWidget  *spin,
           const char *text)
{
  GtkEditable *editable = GTK_EDITABLE (spin);
  GtkWidget *inner = GTK_WIDGET (gtk_editable_get_delegate (editable));
  int position = 0;

  gtk_widget_grab_focus (spin);
  gtk_editable_delete_text (editable, 0, -1);
  gtk_editable_insert_text (editable, text, -1, &position);
  g_assert_cmpstr (gtk_editable_get_text (editable), ==, text);
  g_assert_true (GTK_IS_TEXT (inner));
  g_signal_emit_by_name (inner, "activate");
}

/* A number field refuses text that is not a number — the field keeps its
 * value, not a silent 0, and the row beside it says why — and says what a
 * value out of range should be in the artist's words, the sentence the
 * CLI prints for `--set` (issue 12). */
static void
test_window_number_fields (Fixture       *f,
                           gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  GtkWidget *duration;
  GtkWidget *row;
  GtkWidget *fps;
  g_autofree char *problem = NULL;

  g_assert_true (inb_window_select_model (f->window, "local", NULL));
  duration = inb_param_panel_get_widget (panel, "duration");
  row = inb_param_panel_get_row (panel, "duration");
  fps = inb_param_panel_get_widget (panel, "fps");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (duration), 5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (fps), 16);
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  type_into (duration, "abc");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration)), ==, 5);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "“abc” is not a number: Duration can be 1 to 10 seconds");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_has_css_class (duration, "error"));
  /* the field shows the value it kept, which is still a good one */
  g_assert_nonnull (strstr (gtk_editable_get_text (GTK_EDITABLE (duration)), "5"));
  g_assert_true (inb_param_panel_get_valid (panel));

  /* another change elsewhere does not hide it */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (fps), 24);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "“abc” is not a number: Duration can be 1 to 10 seconds");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (fps), 16);

  type_into (duration, "");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration)), ==, 5);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Duration can be 1 to 10 seconds");

  type_into (duration, "100");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration)), ==, 100);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Duration can be 1 to 10 seconds");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (inb_param_panel_get_valid (panel));
  problem = inb_param_panel_dup_problem (panel);
  g_assert_cmpstr (problem, ==, "Duration can be 1 to 10 seconds");

  /* a good number, with its unit typed too: taken, the row as before */
  type_into (duration, "7 s");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration)), ==, 7);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_has_css_class (duration, "error"));
  assert_subtitle_has (row, "113 frames at 16 fps");
  g_assert_true (inb_param_panel_get_valid (panel));

  /* a whole number refuses a fraction */
  type_into (fps, "2.5");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (fps)), ==, 16);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (inb_param_panel_get_row (panel, "fps"))), ==,
                   "“2.5” is not a whole number: Frame rate can be a whole number from 8 to 30 fps");
  type_into (fps, "12");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (fps)), ==, 12);
  g_assert_false (gtk_widget_has_css_class (inb_param_panel_get_row (panel, "fps"), "error"));
}

/* A real key press and release through the X server (XTest), so the key
 * takes the window's whole path: capture, the focused widget, bubble.
 * libXtst and Xlib are looked up at run time, not linked. FALSE when that
 * cannot be done here (not X11, no XTest). */
static gboolean
send_key (GtkWindow *window,
          guint      keyval)
{
#ifdef GDK_WINDOWING_X11
  typedef int (*FakeKeyEvent) (Display *, unsigned int, int, unsigned long);
  typedef int (*SetInputFocus) (Display *, Window, int, Time);
  typedef int (*Sync) (Display *, int);
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  g_autofree GdkKeymapKey *keys = NULL;
  FakeKeyEvent fake_key_event;
  SetInputFocus set_input_focus;
  Sync sync;
  Display *xdisplay;
  Window xid;
  void *xtst;
  int n_keys = 0;

  if (!GDK_IS_X11_DISPLAY (display))
    return FALSE;

  xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL);
  if (xtst == NULL)
    return FALSE;
  fake_key_event = (FakeKeyEvent) dlsym (xtst, "XTestFakeKeyEvent");
  set_input_focus = (SetInputFocus) dlsym (RTLD_DEFAULT, "XSetInputFocus");
  sync = (Sync) dlsym (RTLD_DEFAULT, "XSync");
  if (fake_key_event == NULL || set_input_focus == NULL || sync == NULL ||
      !gdk_display_map_keyval (display, keyval, &keys, &n_keys) || n_keys == 0)
    {
      dlclose (xtst);
      return FALSE;
    }

  xdisplay = gdk_x11_display_get_xdisplay (display);
  xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));

  /* No window manager under Xvfb: give the window the keyboard. */
  gdk_x11_display_error_trap_push (display);
  set_input_focus (xdisplay, xid, RevertToParent, CurrentTime);
  sync (xdisplay, False);
  gdk_x11_display_error_trap_pop_ignored (display);

  fake_key_event (xdisplay, keys[0].keycode, True, 0);
  fake_key_event (xdisplay, keys[0].keycode, False, 0);
  sync (xdisplay, False);
  dlclose (xtst);

  return TRUE;
#else
  return FALSE;
#endif
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
spin_until (Condition condition,
            gpointer  data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (inb_test_seconds (10), timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return !timed_out;
}

static gboolean
is_prerolled (gpointer data)
{
  return inb_playback_get_prerolled (data);
}

static gboolean
is_playing (gpointer data)
{
  return inb_playback_get_playing (data);
}

static gboolean
is_paused (gpointer data)
{
  return !inb_playback_get_playing (data);
}

static gboolean
has_text (gpointer data)
{
  GtkTextBuffer *buffer = data;
  const char *wanted = g_object_get_data (G_OBJECT (buffer), "wanted");
  g_autofree char *text = NULL;
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strcmp0 (text, wanted) == 0;
}

static gboolean
toggle_is_active (gpointer data)
{
  return gtk_toggle_button_get_active (data);
}

static gboolean
toggle_is_inactive (gpointer data)
{
  return !gtk_toggle_button_get_active (data);
}

/* The first of @widget and its descendants (depth first) of @type for
 * which @match, if given, says yes. */
static GtkWidget *
find_matching_widget (GtkWidget *widget,
             GType      type,
             gboolean (*match) (GtkWidget *widget))
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (match == NULL || match (widget)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_matching_widget (child, type, match);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_prompt (GtkWidget *widget)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
  g_autofree char *text = NULL;
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strcmp0 (text, "a fox") == 0;
}

static gboolean
is_plain_toggle (GtkWidget *widget)
{
  return G_OBJECT_TYPE (widget) == GTK_TYPE_TOGGLE_BUTTON && gtk_widget_get_focusable (widget) &&
         gtk_widget_is_sensitive (widget) && gtk_widget_get_mapped (widget);
}

static char *
make_clip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autofree char *desc = NULL;
  char *path;
  int fd;

  /* The window no longer initialises GStreamer before a clip opens. */
  gst_init (NULL, NULL);

  fd = g_file_open_tmp ("inb-window-keys-XXXXXX.mp4", &path, &error);
  g_assert_no_error (error);
  close (fd);

  desc = g_strdup_printf ("videotestsrc num-buffers=32 ! video/x-raw,width=64,height=48,framerate=16/1 "
                          "! videoconvert ! x264enc speed-preset=ultrafast ! mp4mux ! filesink location=\"%s\"",
                          path);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return path;
}

/* Space plays and pauses from anywhere in the window but where the user
 * types or where Space clicks: keys sent through the X server, so the
 * window's real event path decides, not a direct call. */
static void
test_window_player_keys (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *clip = NULL;
  g_autoptr(GFile) file = NULL;
  InbWindow *window = f->window;
  InbPlayer *player;
  InbPlayback *playback;
  GtkWidget *prompt;
  GtkWidget *toggle;
  GtkTextBuffer *buffer;

  /* A model that takes a prompt, so the prompt can be typed in. */
  g_assert_true (inb_window_select_model (window, "runcomfy", "community/wan-2-2/first-last-frame"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  player = inb_window_get_player (window);
  playback = inb_player_get_playback (player);
  clip = make_clip ();
  file = g_file_new_for_path (clip);
  inb_player_set_file (player, file);
  g_assert_true (spin_until (is_prerolled, playback));
  g_assert_false (inb_playback_get_playing (playback));

  /* Nothing focused, so the key goes to the window, not the player. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  if (!send_key (GTK_WINDOW (window), GDK_KEY_space))
    {
      g_test_skip ("No XTest to send a real key press with");
      inb_player_set_file (player, NULL);
      g_unlink (clip);
      return;
    }
  g_assert_true (spin_until (is_playing, playback));
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (player)));
  g_assert_true (send_key (GTK_WINDOW (window), GDK_KEY_space));
  g_assert_true (spin_until (is_paused, playback));

  /* Typing in the prompt: Space and F are text, playback is untouched. */
  inb_window_set_prompt (window, "a fox");
  prompt = find_matching_widget (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW, is_prompt);
  g_assert_nonnull (prompt);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt));
  g_assert_true (gtk_widget_grab_focus (prompt));
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_place_cursor (buffer, &end);
  }
  g_object_set_data (G_OBJECT (buffer), "wanted", (gpointer) "a fox ");
  g_assert_true (send_key (GTK_WINDOW (window), GDK_KEY_space));
  g_assert_true (spin_until (has_text, buffer));
  g_assert_false (inb_playback_get_playing (playback));
  g_object_set_data (G_OBJECT (buffer), "wanted", (gpointer) "a fox f");
  g_assert_true (send_key (GTK_WINDOW (window), GDK_KEY_f));
  g_assert_true (spin_until (has_text, buffer));
  g_assert_false (gtk_window_is_fullscreen (GTK_WINDOW (window)));
  g_assert_false (inb_playback_get_playing (playback));

  /* A focused toggle button takes its Space as a click. */
  toggle = find_matching_widget (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, is_plain_toggle);
  if (toggle != NULL)
    {
      gboolean was_active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle));

      g_assert_true (gtk_widget_grab_focus (toggle));
      g_assert_true (send_key (GTK_WINDOW (window), GDK_KEY_space));
      g_assert_true (spin_until (was_active ? toggle_is_inactive : toggle_is_active, toggle));
      g_assert_false (inb_playback_get_playing (playback));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), was_active);
    }

  /* And the player itself, focused, still plays on Space. */
  gtk_widget_grab_focus (GTK_WIDGET (player));
  g_assert_true (send_key (GTK_WINDOW (window), GDK_KEY_space));
  g_assert_true (spin_until (is_playing, playback));
  inb_playback_pause (playback);

  inb_player_set_file (player, NULL);
  g_unlink (clip);
}

static gboolean
is_overlay_picture (GtkWidget *widget)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (GTK_PICTURE (widget));

  return paintable != NULL && !INB_IS_PLAYBACK (paintable);
}

static gboolean
overlay_scaled (gpointer data)
{
  g_autoptr(GdkPaintable) image = gdk_paintable_get_current_image (gtk_picture_get_paintable (data));

  gtk_widget_queue_draw (data);

  return gdk_paintable_get_intrinsic_width (image) < 1280;
}

/* The keyframe overlay is drawn from a copy scaled to the size it is
 * shown at (made on a thread), not from the 720p keyframe scaled by the
 * renderer in every frame; the picture keeps the keyframe's own size for
 * the layout, so it still lines up with the clip. */
static void
test_window_player_overlay (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *clip = make_clip ();
  g_autoptr(GFile) file = g_file_new_for_path (clip);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) keyframe = NULL;
  g_autoptr(GdkPaintable) image = NULL;
  g_autofree guint8 *pixels = NULL;
  guint8 *data_in;
  InbWindow *window = f->window;
  InbPlayer *player;
  GtkWidget *overlay;
  int width;
  int height;

  /* An opaque orange 1280 × 720 keyframe. */
  data_in = g_malloc (1280 * 720 * 4);
  for (gsize i = 0; i < 1280 * 720; i++)
    {
      data_in[i * 4 + 0] = 0x20;
      data_in[i * 4 + 1] = 0x80;
      data_in[i * 4 + 2] = 0xf0;
      data_in[i * 4 + 3] = 0xff;
    }
  bytes = g_bytes_new_take (data_in, 1280 * 720 * 4);
  keyframe = gdk_memory_texture_new (1280, 720, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, 1280 * 4);

  player = inb_window_get_player (window);
  inb_player_set_keyframes (player, keyframe, keyframe);
  inb_player_set_file (player, file);
  g_assert_true (spin_until (is_prerolled, inb_player_get_playback (player)));
  inb_player_set_overlay (player, "first");

  overlay = find_matching_widget (GTK_WIDGET (player), GTK_TYPE_PICTURE, is_overlay_picture);
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (overlay));
  g_assert_true (spin_until (overlay_scaled, overlay));

  image = gdk_paintable_get_current_image (gtk_picture_get_paintable (GTK_PICTURE (overlay)));
  width = gdk_paintable_get_intrinsic_width (image);
  height = gdk_paintable_get_intrinsic_height (image);
  g_test_message ("Overlay drawn from a %d × %d copy", width, height);
  g_assert_cmpint (width, <=, gtk_widget_get_width (overlay) * gtk_widget_get_scale_factor (overlay));
  g_assert_cmpint (abs (width * 720 - height * 1280), <=, 1280);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (gtk_picture_get_paintable (GTK_PICTURE (overlay))), ==, 1280);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (gtk_picture_get_paintable (GTK_PICTURE (overlay))), ==, 720);

  /* Still the keyframe's colours, in the middle. */
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (GDK_TEXTURE (image), pixels, (gsize) width * 4);
  {
    guint8 *p = pixels + ((gsize) (height / 2) * width + width / 2) * 4;

    g_assert_cmpint (abs (p[0] - 0x20), <=, 2);
    g_assert_cmpint (abs (p[1] - 0x80), <=, 2);
    g_assert_cmpint (abs (p[2] - 0xf0), <=, 2);
  }

  inb_player_set_overlay (player, "none");
  g_assert_false (gtk_widget_get_visible (overlay));
  inb_player_set_file (player, NULL);
  g_unlink (clip);
}

/* A player destroyed while a thread scales its keyframe overlay down
 * takes the overlay's picture with it, then and there, on the main thread:
 * the thread holds nothing of it. (A GTask run in a thread may drop its
 * source object in the worker once its callback has run — GLib 2.74 — so
 * a paintable held as one could be finalized there, racing GTK on the
 * main thread; and while the task held it, the picture outlived its
 * player.) The thread's callback, run afterwards, finds it gone. */
static void
note_gone (gpointer  data,
           GObject  *where_the_object_was)
{
  *(GThread **) data = g_thread_self ();
}

static void
test_window_player_destroyed_while_scaling (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (1280 * 720 * 4), 1280 * 720 * 4);
  g_autoptr(GdkTexture) keyframe = gdk_memory_texture_new (1280, 720, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                                           bytes, 1280 * 4);
  GtkWidget *player = g_object_ref_sink (inb_player_new ());
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GtkWidget *overlay;
  GdkPaintable *picture;
  GThread *gone_on = NULL;

  inb_player_set_keyframes (INB_PLAYER (player), keyframe, keyframe);
  inb_player_set_overlay (INB_PLAYER (player), "first");
  overlay = find_matching_widget (player, GTK_TYPE_PICTURE, is_overlay_picture);
  g_assert_nonnull (overlay);
  picture = gtk_picture_get_paintable (GTK_PICTURE (overlay));
  g_object_weak_ref (G_OBJECT (picture), note_gone, &gone_on);

  /* Drawn at a quarter of its size: the scale-down starts on a thread now,
   * and cannot have come back (that takes the main loop) when the player
   * goes. */
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (picture, snapshot, 320, 180);
  node = gtk_snapshot_free_to_node (snapshot);
  g_clear_pointer (&node, gsk_render_node_unref);
  g_object_unref (player);

  g_assert_true (gone_on == g_thread_self ());
  spin_until_idle ();
}

static gboolean
is_fit_row (GtkWidget *widget)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), "Default Fit") == 0;
}

static JsonNode *
dup_param (InbWindow  *window,
           const char *name)
{
  g_autoptr(JsonObject) values = inb_param_panel_dup_values (inb_window_get_param_panel (window));

  return json_node_copy (json_object_get_member (values, name));
}

/* The default fit is an enum key made from InbFit: Preferences lists its
 * values in the enum's order and stores their nicks, and a model without
 * saved parameters starts from it. */
static void
test_window_default_fit (Fixture       *f,
                         gconstpointer  data)
{
  InbSession *session = inb_application_get_session (f->app);
  g_autoptr(GEnumClass) fits = g_type_class_ref (INB_TYPE_FIT);
  g_autoptr(JsonNode) fit = NULL;
  g_autofree char *stored = NULL;
  GListModel *labels;
  GtkWidget *prefs;
  AdwComboRow *row;
  InbWindow *other;

  g_assert_cmpint (g_settings_get_enum (f->settings, "default-fit"), ==, INB_FIT_CROP);
  g_assert_cmpint (inb_session_get_default_fit (session), ==, INB_FIT_CROP);

  prefs = inb_window_show_preferences (f->window, NULL);
  row = ADW_COMBO_ROW (find_matching_widget (prefs, ADW_TYPE_COMBO_ROW, is_fit_row));
  g_assert_nonnull (row);
  labels = adw_combo_row_get_model (row);
  g_assert_cmpuint (g_list_model_get_n_items (labels), ==, fits->n_values);
  for (guint i = 0; i < fits->n_values; i++)
    {
      g_autofree char *label = g_ascii_strdown (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), -1);

      g_assert_cmpstr (label, ==, g_enum_get_value (fits, (int) i)->value_nick);
    }
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, INB_FIT_CROP);

  /* The row sets the key, the key moves the row */
  adw_combo_row_set_selected (row, INB_FIT_PAD);
  g_assert_cmpint (g_settings_get_enum (f->settings, "default-fit"), ==, INB_FIT_PAD);
  stored = g_settings_get_string (f->settings, "default-fit");
  g_assert_cmpstr (stored, ==, "pad");
  g_assert_cmpint (inb_session_get_default_fit (session), ==, INB_FIT_PAD);
  g_settings_set_enum (f->settings, "default-fit", INB_FIT_STRETCH);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, INB_FIT_STRETCH);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A model not used before starts from it */
  g_settings_set_enum (f->settings, "default-fit", INB_FIT_PAD);
  g_settings_set_string (f->settings, "last-parameters", "{}");
  other = inb_window_new (f->app);
  gtk_window_present (GTK_WINDOW (other));
  g_assert_true (inb_window_select_model (other, "local", NULL));
  fit = dup_param (other, "fit");
  g_assert_cmpstr (json_node_get_string (fit), ==, "pad");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* One application per process: it owns its object path on the bus. */
  the_app = make_app ();

  g_test_add ("/window/basic", Fixture, NULL, fixture_setup, test_window_basic, fixture_teardown);
  g_test_add ("/window/dialogs", Fixture, NULL, fixture_setup_window, test_window_dialogs, fixture_teardown);
  g_test_add ("/window/narrow", Fixture, NULL, fixture_setup_window, test_window_narrow, fixture_teardown);
  g_test_add ("/window/remembers", Fixture, NULL, fixture_setup, test_window_remembers, fixture_teardown);
  g_test_add ("/window/frame-counts", Fixture, NULL, fixture_setup_window, test_window_frame_counts, fixture_teardown);
  g_test_add ("/window/number-fields", Fixture, NULL, fixture_setup_window, test_window_number_fields, fixture_teardown);
  g_test_add ("/window/player-keys", Fixture, NULL, fixture_setup_window, test_window_player_keys, fixture_teardown);
  g_test_add ("/window/player-overlay", Fixture, NULL, fixture_setup_window, test_window_player_overlay, fixture_teardown);
  g_test_add ("/window/player-destroyed-while-scaling", Fixture, NULL, fixture_setup, test_window_player_destroyed_while_scaling, fixture_teardown);
  g_test_add ("/window/default-fit", Fixture, NULL, fixture_setup_window, test_window_default_fit, fixture_teardown);

  ret = g_test_run ();
  g_clear_object (&the_app);

  return ret;
}
