/* test-window-sizes.c — the authoring window at every size, and the
 * everyday actions that surprised (issue 12, "The window, at every size")
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case opens a window of its own on a session of its own (a private
 * takes folder), at the width it is about.
 *
 * With INB_SCREENSHOT_DIR set, /sizes/screenshots saves the authoring
 * window at 360, 600, 1100 and 1600 px in the states an artist reaches
 * (window-<width>.png with both keyframes loaded, plus empty, generating
 * and failed states):
 *
 *   INB_SCREENSHOT_DIR=$PWD/docs GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none \
 *     NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory dbus-run-session -- \
 *     xvfb-run -a -s "-screen 0 1800x1200x24" meson test -C build --no-rebuild \
 *     test-window-sizes --test-args '-p /sizes/screenshots'
 *
 * (LANGUAGE=zh_CN LANG=C.UTF-8 in front for the Chinese ones.) Through
 * `meson test`, which gives the test tests/meson.build's environment
 * (GSETTINGS_SCHEMA_DIR, INB_LOCALEDIR, …): run with `meson devenv` the
 * settings schema is not found and the window's first case aborts.
 */
#define G_LOG_DOMAIN "test-window-sizes"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <dlfcn.h>

#include <glib/gstdio.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "inb-application.h"
#include "inb-export-dialog.h"
#include "inb-library-panel.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-take-row.h"
#include "inb-window-private.h"

typedef struct
{
  char       *root;
  InbSession *session;
  InbWindow  *window;
} Fixture;

static InbApplication *app;
static char *base;
static char *first_png;
static char *last_png;
static char *clip_mp4;   /* 17 frames at 16 fps: the last one at 1.00 s, 1.06 s long */

#define wait_until(f, check, data, seconds) \
  inb_test_wait_until ((f), (InbTestCheck) (check), (data), (seconds))

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint n;

  f->root = g_strdup_printf ("%s/case-%u", base, ++n);
  g_assert_cmpint (g_mkdir_with_parents (f->root, 0700), ==, 0);
}

static gboolean
session_idle (Fixture       *f,
              gconstpointer  data)
{
  return inb_session_get_n_active_jobs (f->session) == 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->session != NULL)
    g_assert_true (wait_until (f, session_idle, NULL, 60));
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->session);
  inb_test_rm_rf (f->root);
  g_free (f->root);
}

/* Lets the window lay out and draw at its new size. */
static void
settle (Fixture *f)
{
  for (guint i = 0; i < 30; i++)
    {
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static void
resize (Fixture *f,
        int      width,
        int      height)
{
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  settle (f);
  g_test_message ("asked %d, got %d", width, gtk_widget_get_width (GTK_WIDGET (f->window)));
}

static void
open_window (Fixture *f,
             int      width,
             int      height)
{
  g_autofree char *takes = g_build_filename (f->root, "takes", NULL);

  f->session = inb_session_new (NULL);
  inb_session_set_takes_dir (f->session, takes);
  f->window = g_object_new (INB_TYPE_WINDOW, "application", app, "session", f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  settle (f);
  g_assert_true (inb_window_select_model (f->window, "local", NULL));
}

static void
load_keyframes (Fixture *f)
{
  InbKeyframeSlot *first = inb_window_get_first_slot (f->window);
  InbKeyframeSlot *last = inb_window_get_last_slot (f->window);

  inb_test_drop_file (GTK_WIDGET (first), first_png);
  inb_test_drop_file (GTK_WIDGET (last), last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
  g_assert_null (inb_keyframe_slot_get_error (first));
  g_assert_null (inb_keyframe_slot_get_error (last));
}


static GtkScrolledWindow *editor_scroller (Fixture *f);
static void scroll_editor (Fixture *f, double where);
static void assert_subtitle_names_backend (Fixture *f);
static GtkWindow *toplevel_of_type (GType type);

/* Keys and clips ------------------------------------------------------------------------- */

/* A real key press and release through the X server (XTest), as in
 * test-window.c: the key takes the window's whole path. FALSE when that
 * cannot be done here. */
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

static char *
make_clip (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autofree char *desc = NULL;
  char *path = g_build_filename (dir, "clip.mp4", NULL);

  gst_init (NULL, NULL);
  desc = g_strdup_printf ("videotestsrc num-buffers=17 ! video/x-raw,width=64,height=48,framerate=16/1 "
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

static gboolean
prerolled (Fixture     *f,
           InbPlayback *playback)
{
  return inb_playback_get_prerolled (playback) && inb_playback_get_n_frames (playback) > 0;
}

static InbPlayback *
open_clip (Fixture *f)
{
  InbPlayer *player = inb_window_get_player (f->window);
  InbPlayback *playback = inb_player_get_playback (player);
  g_autoptr(GFile) file = g_file_new_for_path (clip_mp4);

  inb_player_set_file (player, file);
  g_assert_true (wait_until (f, prerolled, playback, 20));
  g_assert_cmpuint (inb_playback_get_n_frames (playback), ==, 17);

  return playback;
}

typedef struct
{
  GHashTable *actions;   /* the actions a click reaches */
  GString    *texts;     /* what the labels shown say, and their tooltips */
} Reach;

static void
reach_menu (Reach      *reach,
            GMenuModel *menu)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *action = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_hash_table_add (reach->actions, g_steal_pointer (&action));
      if (section != NULL)
        reach_menu (reach, section);
      if (submenu != NULL)
        reach_menu (reach, submenu);
    }
}

/* What can be reached in @widget as it is shown: buttons, menus, labels */
static void
reach_shown (Reach     *reach,
             GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) < 8)
    return;

  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    reach_menu (reach, gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)));
  else if (GTK_IS_ACTIONABLE (widget) && gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) != NULL)
    g_hash_table_add (reach->actions, g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget))));
  else if (GTK_IS_LABEL (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));

      /* An ellipsized label shows only part of its text. */
      if (!pango_layout_is_ellipsized (layout))
        g_string_append_printf (reach->texts, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
      if (gtk_widget_get_tooltip_text (widget) != NULL)
        g_string_append_printf (reach->texts, "%s\n", gtk_widget_get_tooltip_text (widget));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    reach_shown (reach, child);
}

/* At every width, every control of the player can be reached: on a
 * button, or in the overflow menu; the time readout is shown or in the
 * frame's tooltip. */
static void
test_player_controls (Fixture       *f,
                      gconstpointer  data)
{
  /* The suite's screen is 1280 × 800 (build-aux/test, CI) */
  const int widths[] = { 1240, 1100, 600, 360 };
  const char *wanted[] = { "player.play-pause", "player.step", "player.fullscreen", "player.rate",
                           "player.loop", "player.overlay", "player.seek-end" };
  InbPlayer *player;

  open_window (f, 1240, 760);
  player = inb_window_get_player (f->window);
  open_clip (f);

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      Reach reach = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), g_string_new (NULL) };

      resize (f, widths[i], 760);
      if (widths[i] <= 600)
        adw_flap_set_reveal_flap (f->window->flap, FALSE);
      settle (f);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (player)));
      reach_shown (&reach, GTK_WIDGET (player));
      g_test_message ("At %d px: %u actions; labels: %s", widths[i],
                      g_hash_table_size (reach.actions), reach.texts->str);
      for (guint j = 0; j < G_N_ELEMENTS (wanted); j++)
        if (!g_hash_table_contains (reach.actions, wanted[j]))
          g_error ("At %d px, %s cannot be reached", widths[i], wanted[j]);
      g_assert_nonnull (strstr (reach.texts->str, "0:00.00 / 0:01.06"));
      g_assert_nonnull (strstr (reach.texts->str, "Frame 1 / 17"));

      g_hash_table_unref (reach.actions);
      g_string_free (reach.texts, TRUE);
    }
}

static gboolean
at_frame (Fixture       *f,
          gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_frame (playback) == GPOINTER_TO_UINT (data);
}

static const char *
time_text (Fixture *f)
{
  GtkWidget *player = GTK_WIDGET (inb_window_get_player (f->window));
  Reach reach = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), g_string_new (NULL) };
  static char text[64];
  char *slash;

  reach_shown (&reach, player);
  slash = strstr (reach.texts->str, " / 0:");
  g_assert_nonnull (slash);
  while (slash > reach.texts->str && slash[-1] != '\n')
    slash--;
  g_strlcpy (text, slash, sizeof text);
  *strchr (text, '\n') = '\0';
  g_hash_table_unref (reach.actions);
  g_string_free (reach.texts, TRUE);

  return text;
}

/* The keys: R repeat, O overlay, [ ] speed, Home and End; times are
 * frame-exact; stepping past the last frame stops there unless repeating. */
static void
test_player_keys (Fixture       *f,
                  gconstpointer  data)
{
  InbPlayer *player;
  InbPlayback *playback;
  gboolean loop;

  open_window (f, 1100, 760);
  player = inb_window_get_player (f->window);
  load_keyframes (f);
  playback = open_clip (f);
  gtk_widget_grab_focus (GTK_WIDGET (player));
  if (!send_key (GTK_WINDOW (f->window), GDK_KEY_End))
    {
      g_test_skip ("No XTest to send a real key press with");
      return;
    }

  g_assert_true (wait_until (f, at_frame, GUINT_TO_POINTER (16), 10));
  settle (f);
  g_assert_cmpstr (time_text (f), ==, "0:01.00 / 0:01.06");
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_Home));
  g_assert_true (wait_until (f, at_frame, GUINT_TO_POINTER (0), 10));
  settle (f);
  g_assert_cmpstr (time_text (f), ==, "0:00.00 / 0:01.06");
  inb_playback_seek_frame (playback, 4);
  g_assert_true (wait_until (f, at_frame, GUINT_TO_POINTER (4), 10));
  settle (f);
  g_assert_cmpstr (time_text (f), ==, "0:00.25 / 0:01.06");

  /* R toggles repeat; past the last frame, a step stops unless repeating */
  loop = inb_playback_get_loop (playback);
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_r));
  settle (f);
  g_assert_cmpint (inb_playback_get_loop (playback), !=, loop);
  if (inb_playback_get_loop (playback))
    g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_r));
  settle (f);
  g_assert_false (inb_playback_get_loop (playback));
  inb_playback_seek_frame (playback, 16);
  g_assert_true (wait_until (f, at_frame, GUINT_TO_POINTER (16), 10));
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_Right));
  settle (f);
  g_assert_cmpuint (inb_playback_get_frame (playback), ==, 16);
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_r));
  settle (f);
  g_assert_true (inb_playback_get_loop (playback));
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_Right));
  g_assert_true (wait_until (f, at_frame, GUINT_TO_POINTER (0), 10));

  /* O: none, the first keyframe, the last, none again */
  inb_player_set_overlay (player, "none");
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_o));
  settle (f);
  g_assert_cmpstr (inb_player_get_overlay (player), ==, "first");
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_o));
  settle (f);
  g_assert_cmpstr (inb_player_get_overlay (player), ==, "last");
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_o));
  settle (f);
  g_assert_cmpstr (inb_player_get_overlay (player), ==, "none");

  /* [ and ]: a step of the Speed menu, within it */
  g_assert_cmpfloat (inb_playback_get_rate (playback), ==, 1.0);
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_bracketright));
  settle (f);
  g_assert_cmpfloat (inb_playback_get_rate (playback), ==, 1.5);
  for (guint i = 0; i < 5; i++)
    g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_bracketleft));
  settle (f);
  g_assert_cmpfloat (inb_playback_get_rate (playback), ==, 0.25);
  inb_playback_set_rate (playback, 1.0);

  /* The keys are text in the prompt (of a model that takes one) */
  g_assert_true (inb_window_select_model (f->window, "runcomfy", "community/wan-2-2/first-last-frame"));
  settle (f);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (f->window->prompt_view)));
  g_assert_true (send_key (GTK_WINDOW (f->window), GDK_KEY_o));
  settle (f);
  g_assert_cmpstr (inb_player_get_overlay (player), ==, "none");
}

static gboolean
controls_hidden (Fixture       *f,
                 gconstpointer  data)
{
  return !inb_player_get_controls_shown (inb_window_get_player (f->window));
}

static gboolean
time_passed (Fixture       *f,
             gconstpointer  data)
{
  return g_get_monotonic_time () >= *(const gint64 *) data;
}

static void
sleep_ms (Fixture *f,
          guint    ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  wait_until (f, time_passed, &until, ms / 1000 + 2);
}

static gboolean
is_playing (Fixture     *f,
            InbPlayback *playback)
{
  return inb_playback_get_playing (playback);
}

/* Fullscreen: the controls hide when the pointer rests and come back on
 * a key; leaving fullscreen brings the sidebar back as it was; after a
 * menu of the player, Space plays again. */
static void
test_player_fullscreen (Fixture       *f,
                        gconstpointer  data)
{
  InbPlayer *player;
  InbPlayback *playback;
  GtkWidget *more = NULL;

  open_window (f, 1100, 760);
  player = inb_window_get_player (f->window);
  playback = open_clip (f);

  /* The artist hid the sidebar: it stays hidden after fullscreen. (No
   * window manager under Xvfb makes the window fullscreen: the window's
   * layout is told, as the window manager's answer would.) */
  adw_flap_set_reveal_flap (f->window->flap, FALSE);
  settle (f);
  _inb_window_apply_fullscreen (f->window, TRUE);
  settle (f);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window->header_bar)));
  g_assert_true (inb_player_get_controls_shown (player));
  g_assert_true (wait_until (f, controls_hidden, NULL, 10));
  gtk_widget_grab_focus (GTK_WIDGET (player));
  if (send_key (GTK_WINDOW (f->window), GDK_KEY_Left))
    {
      settle (f);
      g_assert_true (inb_player_get_controls_shown (player));
      g_assert_true (wait_until (f, controls_hidden, NULL, 10));
    }
  _inb_window_apply_fullscreen (f->window, FALSE);
  settle (f);
  g_assert_true (inb_player_get_controls_shown (player));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->header_bar)));
  /* At 1100 px the header's return refolds the library pane: the
   * sidebar the artist hid stays hidden all the same (issue 12). */
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  sleep_ms (f, 3000);
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  g_assert_true (inb_player_get_controls_shown (player));

  /* And shown, it comes back shown. */
  adw_flap_set_reveal_flap (f->window->flap, TRUE);
  _inb_window_apply_fullscreen (f->window, TRUE);
  settle (f);
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  _inb_window_apply_fullscreen (f->window, FALSE);
  settle (f);
  g_assert_true (adw_flap_get_reveal_flap (f->window->flap));

  /* A menu of the player opened and closed: Space plays. */
  resize (f, 1100, 900);
  {
    for (GtkWidget *w = GTK_WIDGET (player); w != NULL; )
      {
        /* the first mapped menu button of the player */
        if (GTK_IS_MENU_BUTTON (w) && gtk_widget_get_mapped (w))
          {
            more = w;
            break;
          }
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != NULL && w != GTK_WIDGET (player) && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = (w == NULL || w == GTK_WIDGET (player)) ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
  }
  g_assert_nonnull (more);
  gtk_widget_grab_focus (more);
  gtk_menu_button_popup (GTK_MENU_BUTTON (more));
  settle (f);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (more));
  settle (f);
  g_assert_false (inb_playback_get_playing (playback));
  if (send_key (GTK_WINDOW (f->window), GDK_KEY_space))
    {
      g_assert_true (wait_until (f, is_playing, playback, 10));
      inb_playback_pause (playback);
    }
}

/* Keyframes ------------------------------------------------------------------------------ */

static gboolean
slot_has (Fixture       *f,
          gconstpointer  data)
{
  InbKeyframeSlot *slot = (InbKeyframeSlot *) data;

  return !inb_keyframe_slot_get_loading (slot) && inb_keyframe_slot_get_keyframe (slot) != NULL;
}

static gboolean
slot_changed_from (Fixture       *f,
                   gconstpointer  data)
{
  const gpointer *pair = data;
  InbKeyframeSlot *slot = pair[0];

  return !inb_keyframe_slot_get_loading (slot) && inb_keyframe_slot_get_keyframe (slot) != NULL &&
         inb_keyframe_slot_get_keyframe (slot) != pair[1];
}

/* A failed load keeps the keyframe there and says why beside it; a
 * cleared keyframe comes back with Undo; Ctrl+V goes to the one empty
 * slot, else to the focused one, and what it replaces comes back with
 * Undo. */
static void
test_keyframes (Fixture       *f,
                gconstpointer  data)
{
  InbKeyframeSlot *first;
  InbKeyframeSlot *last;
  InbKeyframe *kept;
  g_autofree char *bogus = g_build_filename (f->root, "notes.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gconstpointer pair[2];
  AdwToast *toast;

  open_window (f, 1100, 760);
  first = inb_window_get_first_slot (f->window);
  last = inb_window_get_last_slot (f->window);
  load_keyframes (f);

  /* No image: refused, the keyframe before stays */
  kept = inb_keyframe_slot_get_keyframe (last);
  g_assert_true (g_file_set_contents (bogus, "just some text", -1, NULL));
  inb_test_drop_file (GTK_WIDGET (last), bogus);
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
  g_assert_nonnull (inb_keyframe_slot_get_error (last));
  g_assert_true (inb_keyframe_slot_get_keyframe (last) == kept);
  g_assert_true (inb_window_get_can_generate (f->window));
  g_assert_null (inb_window_get_replaced_toast (f->window));
  settle (f);
  {
    Reach reach = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), g_string_new (NULL) };

    reach_shown (&reach, GTK_WIDGET (last));
    g_test_message ("The slot says: %s", reach.texts->str);
    g_assert_nonnull (strstr (reach.texts->str, inb_keyframe_slot_get_error (last)));
    g_assert_nonnull (strstr (reach.texts->str, "is kept"));
    g_assert_nonnull (strstr (reach.texts->str, "last.png"));
    g_hash_table_unref (reach.actions);
    g_string_free (reach.texts, TRUE);
  }

  /* Cleared, then Undo */
  kept = inb_keyframe_slot_get_keyframe (first);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "slot.clear", NULL));
  g_assert_null (inb_keyframe_slot_get_keyframe (first));
  toast = inb_window_get_replaced_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "First keyframe cleared");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_true (inb_keyframe_slot_get_keyframe (first) == kept);
  g_assert_null (inb_keyframe_slot_get_error (first));
  g_assert_true (inb_window_get_can_generate (f->window));

  /* Ctrl+V with the first slot empty and the focus on the last: the first */
  pixbuf = gdk_pixbuf_new_from_file (first_png, NULL);
  g_assert_nonnull (pixbuf);
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (f->window)), texture);
  inb_keyframe_slot_clear (first);
  kept = inb_keyframe_slot_get_keyframe (last);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (last)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.paste", NULL));
  g_assert_true (wait_until (f, slot_has, first, 20));
  g_assert_true (inb_keyframe_slot_get_keyframe (last) == kept);

  /* Both full: the focused one, and Undo puts back what was there */
  toast = inb_window_get_replaced_toast (f->window);
  if (toast != NULL)
    inb_toasts_dismiss (f->window->toasts, toast);
  settle (f);
  pair[0] = last;
  pair[1] = kept;
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (last)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.paste", NULL));
  g_assert_true (wait_until (f, slot_changed_from, pair, 20));
  toast = inb_window_get_replaced_toast (f->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Last keyframe replaced");
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_true (inb_keyframe_slot_get_keyframe (last) == kept);
}

/* Narrow --------------------------------------------------------------------------------- */

typedef struct
{
  GString    *problems;
  guint       n_labels;
  GHashTable *seen;
} LabelCheck;

/* Every label shown in @widget reads whole: none cut with "…", none
 * wrapped one word a line. */
static void
check_labels (LabelCheck *check,
              GtkWidget  *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      g_auto(GStrv) words = g_strsplit_set (text, " \n", -1);
      guint n_words = 0;
      int n_lines = pango_layout_get_line_count (layout);

      for (guint i = 0; words[i] != NULL; i++)
        n_words += *words[i] != '\0';
      check->n_labels++;
      if (!g_hash_table_add (check->seen, g_strdup (text)))
        ;
      else if (pango_layout_is_ellipsized (layout))
        g_string_append_printf (check->problems, "cut: “%s”\n", text);
      else if (n_words >= 4 && n_lines >= (int) n_words - 1)
        g_string_append_printf (check->problems, "one word a line (%d lines): “%s”\n", n_lines, text);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_labels (check, child);
}

static gboolean
opaque_at (GtkWidget *widget,
           int        x,
           int        y)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree guchar *pixels = g_malloc0 ((gsize) width * height * 4);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, pixels, (gsize) width * 4);

  /* premultiplied BGRA: alpha is the fourth byte */
  return pixels[((gsize) y * width + x) * 4 + 3] == 255;
}

/* At 360 px the editor is a page of its own over the player, opaque;
 * whatever the model, its name, its parameters and their values read
 * whole; the header names the model. */
static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *sidebar;
  g_autoptr(GString) problems = g_string_new (NULL);

  /* Opened wide, then narrowed as a hand would, in steps (opened at
   * 360 px and narrowed in one jump: /sizes/open-narrow). */
  open_window (f, 1100, 760);
  load_keyframes (f);
  open_clip (f);
  resize (f, 800, 760);
  resize (f, 600, 760);
  resize (f, 360, 760);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);
  g_assert_true (adw_flap_get_folded (f->window->flap));
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));

  adw_flap_set_reveal_flap (f->window->flap, TRUE);
  settle (f);
  sidebar = adw_flap_get_flap (f->window->flap);
  /* A page: the whole width, not a strip over the player */
  g_assert_cmpint (gtk_widget_get_width (sidebar), >=, gtk_widget_get_width (GTK_WIDGET (f->window->flap)) - 1);
  /* Opaque: the clip does not show through, even between the controls */
  g_assert_true (opaque_at (sidebar, 3, 3));
  g_assert_true (opaque_at (sidebar, gtk_widget_get_width (sidebar) - 3, gtk_widget_get_height (sidebar) / 2));

  for (guint i = 0; i < f->window->choices->len; i++)
    {
      const Choice *choice = &g_array_index (f->window->choices, Choice, i);
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      LabelCheck check = { problems, 0, seen };
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (editor_scroller (f));

      gtk_drop_down_set_selected (f->window->model_dropdown, i);
      settle (f);
      g_assert_true (f->window->model == choice->model);
      g_assert_nonnull (strstr (inb_window_get_model_subtitle (f->window), inb_model_get_title (choice->model)));
      assert_subtitle_names_backend (f);

      /* The editor from top to bottom, a screen at a time */
      for (double v = 0; ; v += gtk_adjustment_get_page_size (adj) / 2)
        {
          gtk_adjustment_set_value (adj, v);
          settle (f);
          check_labels (&check, sidebar);
          if (v >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj))
            break;
        }
      gtk_adjustment_set_value (adj, 0);
      g_test_message ("%s: %u labels", inb_model_get_title (choice->model), check.n_labels);
      if (problems->len > 0)
        {
          g_autofree char *name = g_strdup_printf ("%s/narrow-%u.png", f->root, i);

          g_test_message ("At 360 px with %s:\n%s", inb_model_get_title (choice->model), problems->str);
          g_test_fail ();
          g_string_truncate (problems, 0);
        }
    }
}

/* The subtitle label of the header's title */
static GtkLabel *
subtitle_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "subtitle"))
        return GTK_LABEL (child);
      if ((found = subtitle_label (child)) != NULL)
        return found;
    }
  return NULL;
}

/* Narrow, the header's subtitle is never cut: "backend · model" where it
 * fits whole, else the backend alone (the header's squeezer; at 360 px
 * it read "Local · Opti…", and before that "Optical flow…"). Either way
 * the backend, the short part that says where the take goes, is there. */
static void
assert_subtitle_names_backend (Fixture *f)
{
  GtkWidget *shown = adw_squeezer_get_visible_child (f->window->title_squeezer);
  GtkLabel *label;
  const char *backend = inb_backend_get_short_name (f->window->backend);
  const char *text;

  g_assert_nonnull (shown);
  label = subtitle_label (shown);
  g_assert_nonnull (label);
  text = pango_layout_get_text (gtk_label_get_layout (label));
  g_test_message ("subtitle “%s” in %d px", text, gtk_widget_get_width (GTK_WIDGET (label)));
  g_assert_nonnull (strstr (text, backend));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
}

/* Labels shown in @widget that wrap where an artist would wince: beside
 * the "×" of "1080 × 720", or after a hyphen ("in-|betweening"; a path
 * may break at its hyphens) */
static void
check_breaks (GtkWidget *widget,
              GString   *problems)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget) && gtk_label_get_wrap (GTK_LABEL (widget)))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *text = pango_layout_get_text (layout);
      GSList *lines = pango_layout_get_lines_readonly (layout);

      if (strstr (text, " \u00d7") != NULL || strstr (text, "\u00d7 ") != NULL)
        g_string_append_printf (problems, "may break beside ×: “%s”\n", text);
      for (GSList *l = lines; l != NULL && l->next != NULL; l = l->next)
        {
          PangoLayoutLine *line = l->data;

          if (line->length > 0 && text[line->start_index + line->length - 1] == '-' && strchr (text, '/') == NULL)
            g_string_append_printf (problems, "breaks at a hyphen: “%s”\n", text);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_breaks (child, problems);
}

/* At 360 px the editor's texts that wrap keep "1280 × 720" on one line:
 * the slot's notice of a keyframe of another shape, the line above
 * Generate. */
static void
test_narrow_breaks (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *wide = inb_test_write_disc_png (f->root, "the-harbour-at-dawn-from-the-lighthouse.png",
                                                  1280, 720, 900, 360);
  InbKeyframeSlot *first;
  InbKeyframeSlot *last;

  open_window (f, 360, 760);
  first = inb_window_get_first_slot (f->window);
  last = inb_window_get_last_slot (f->window);
  inb_test_drop_file (GTK_WIDGET (first), first_png);
  inb_test_drop_file (GTK_WIDGET (last), wide);
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
  g_assert_nonnull (inb_keyframe_slot_get_notice (last));
  g_assert_nonnull (strstr (inb_keyframe_slot_get_notice (last), "1280 × 720"));
  adw_flap_set_reveal_flap (f->window->flap, TRUE);
  settle (f);
  /* with every model: its parameters' lines too ("832 × 480 (16:9) · …") */
  for (guint i = 0; i < f->window->choices->len; i++)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (editor_scroller (f));

      gtk_drop_down_set_selected (f->window->model_dropdown, i);
      settle (f);
      for (double v = 0; ; v += gtk_adjustment_get_page_size (adj) / 2)
        {
          gtk_adjustment_set_value (adj, v);
          settle (f);
          check_breaks (adw_flap_get_flap (f->window->flap), problems);
          if (v >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj))
            break;
        }
      gtk_adjustment_set_value (adj, 0);
    }
  if (problems->len > 0)
    g_error ("At 360 px the editor wraps:\n%s", problems->str);
}

/* A window opened at 360 px straight away, and one made narrow in one
 * jump, lay out without a warning (the suite runs with fatal warnings;
 * GTK warned of the player's pane at -332 px: for the frame before a
 * revealed pane folds, AdwFlap gave two expanding children half each)
 * and fold their panes. */
static void
test_open_narrow (Fixture       *f,
                  gconstpointer  data)
{
  open_window (f, 360, 760);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);
  g_assert_true (adw_flap_get_folded (f->window->flap));
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  load_keyframes (f);
  open_clip (f);
  adw_flap_set_reveal_flap (f->window->flap, TRUE);
  settle (f);
  adw_flap_set_reveal_flap (f->window->flap, FALSE);
  settle (f);

  /* one jump wide and back */
  resize (f, 1600, 760);
  g_assert_false (adw_flap_get_folded (f->window->flap));
  resize (f, 360, 760);
  g_assert_true (adw_flap_get_folded (f->window->flap));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);
}

static int
pane_width (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) ? gtk_widget_get_width (widget) : 0;
}

/* resize(), also wider than the screen (Xvfb's is 1280 px in CI): GTK
 * keeps a window's default size inside the monitor, not its minimum */
static void
resize_any (Fixture *f,
            int      width,
            int      height)
{
  static int window_min = -1;

  if (window_min < 0)
    gtk_widget_get_size_request (GTK_WIDGET (f->window), &window_min, NULL);
  gtk_widget_set_size_request (GTK_WIDGET (f->window), MAX (window_min, width >= 1280 ? width : -1), -1);
  resize (f, width, height);
}

/* At 1600 px the player is the widest pane: the editor takes half the
 * width only up to 600 px (it took 794, and the clip played letterboxed
 * in a 454 px box between the editor and the library). At 1100 and 1200
 * px nothing changed: the editor keeps its half, the library stays folded
 * (with a cap of 560 px it unfolded at 1200 px and left the player 298);
 * and a window made narrow in one step from 1600 px still folds. */
static void
test_wide_player (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *editor;
  GtkWidget *player;
  GtkWidget *library;

  open_window (f, 1100, 760);
  resize_any (f, 1600, 1000);
  load_keyframes (f);
  open_clip (f);
  settle (f);
  editor = adw_flap_get_flap (f->window->flap);
  player = GTK_WIDGET (f->window->player);
  library = GTK_WIDGET (f->window->library_panel);

  /* less the frame's shadow, as every width asked */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >=, 1580);
  g_assert_false (adw_flap_get_folded (f->window->flap));
  g_assert_false (adw_flap_get_folded (f->window->library_flap));
  g_assert_true (adw_flap_get_reveal_flap (f->window->flap));
  g_assert_true (adw_flap_get_reveal_flap (f->window->library_flap));
  g_test_message ("1600 px: editor %d, player %d, library %d",
                  pane_width (editor), pane_width (player), pane_width (library));
  g_assert_cmpint (pane_width (player), >, pane_width (editor));
  g_assert_cmpint (pane_width (player), >, pane_width (library));
  g_assert_cmpint (pane_width (editor), >=, 340);

  /* 1200 and 1100 px: half each, the library folded */
  for (int width = 1200; width >= 1100; width -= 100)
    {
      resize_any (f, width, 760);
      g_test_message ("%d px: editor %d, player %d", width, pane_width (editor), pane_width (player));
      g_assert_false (adw_flap_get_folded (f->window->flap));
      g_assert_true (adw_flap_get_folded (f->window->library_flap));
      g_assert_cmpint (ABS (pane_width (editor) - (gtk_widget_get_width (GTK_WIDGET (f->window->flap)) - 1) / 2), <=, 1);
    }

  /* one step to 360 px and back */
  resize_any (f, 1600, 1000);
  g_assert_cmpint (pane_width (player), >, pane_width (editor));
  resize_any (f, 360, 760);
  g_assert_true (adw_flap_get_folded (f->window->flap));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);
  resize_any (f, 1600, 1000);
  g_assert_false (adw_flap_get_folded (f->window->flap));
  g_assert_true (adw_flap_get_reveal_flap (f->window->flap));
  g_test_message ("1600 px again: editor %d, player %d, library %d",
                  pane_width (editor), pane_width (player), pane_width (library));
  g_assert_cmpint (pane_width (player), >, pane_width (editor));
}

/* One jump from 1100 px to 360 and back with the editor shown, with
 * keyframes and a clip and without, lays out without a warning (the suite
 * runs with fatal warnings: GTK warned of a box of -3 px). */
static void
test_jump (Fixture       *f,
           gconstpointer  data)
{
  open_window (f, 1100, 760);
  for (guint round = 0; round < 2; round++)
    {
      if (round == 1)
        {
          load_keyframes (f);
          open_clip (f);
        }
      adw_flap_set_reveal_flap (f->window->flap, TRUE);
      settle (f);
      g_assert_false (adw_flap_get_folded (f->window->flap));

      resize (f, 360, 760);
      g_assert_true (adw_flap_get_folded (f->window->flap));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);

      /* the editor shown at 360 px, then one jump wide */
      adw_flap_set_reveal_flap (f->window->flap, TRUE);
      settle (f);
      resize (f, 1100, 760);
      g_assert_false (adw_flap_get_folded (f->window->flap));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >, 1000);
    }
}

static GtkWidget *
find_frame (GtkWidget *widget)
{
  if (gtk_widget_has_css_class (widget, "keyframe-frame"))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_frame (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Where the two slots' image frames are in the editor's content,
 * whatever is in them (below a frame, a slot may say more: a problem, how
 * a keyframe of another shape is framed) */
static void
slot_boxes (Fixture         *f,
            graphene_rect_t  boxes[2])
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (f->window->param_panel), GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));

  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));

  settle (f);
  g_assert_true (gtk_widget_compute_bounds (find_frame (GTK_WIDGET (inb_window_get_first_slot (f->window))),
                                           content, &boxes[0]));
  g_assert_true (gtk_widget_compute_bounds (find_frame (GTK_WIDGET (inb_window_get_last_slot (f->window))),
                                           content, &boxes[1]));
}

/* Each slot is as tall as what it shows, not as the row beside the other
 * slot (the last one's framing preview made the first grow: issue 12) */
static void
assert_slots_fit (Fixture    *f,
                  const char *when)
{
  InbKeyframeSlot *slots[] = { inb_window_get_first_slot (f->window), inb_window_get_last_slot (f->window) };

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      GtkWidget *slot = GTK_WIDGET (slots[i]);
      int natural = 0;

      gtk_widget_measure (slot, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (slot), NULL, &natural, NULL, NULL);
      g_test_message ("%s: slot %u is %d px tall, asks %d", when, i, gtk_widget_get_height (slot), natural);
      if (gtk_widget_get_height (slot) > natural)
        g_error ("%s: the %s slot is %d px tall for %d px of content", when, i ? "last" : "first",
                 gtk_widget_get_height (slot), natural);
    }
}

static void
assert_same_boxes (const graphene_rect_t *a,
                   const graphene_rect_t *b,
                   const char            *when)
{
  for (guint i = 0; i < 2; i++)
    {
      g_test_message ("%s: slot %u at %g,%g %g × %g", when, i,
                      b[i].origin.x, b[i].origin.y, b[i].size.width, b[i].size.height);
      if (!graphene_rect_equal (&a[i], &b[i]))
        g_error ("%s: the %s slot moved from %g,%g %g × %g to %g,%g %g × %g", when, i ? "last" : "first",
                 a[i].origin.x, a[i].origin.y, a[i].size.width, a[i].size.height,
                 b[i].origin.x, b[i].origin.y, b[i].size.width, b[i].size.height);
    }
}

/* The keyframe slots' image frames keep their size and place whatever
 * happens in them — empty, a tall and a wide image, a load that fails,
 * cleared — at 1100 and at 360 px: the layout never jumps (issue 12; a
 * tall image made its frame 600 px tall). */
static void
test_slot_geometry (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *tall = inb_test_write_disc_png (f->root, "tall.png", 200, 640, 100, 320);
  g_autofree char *wide = inb_test_write_disc_png (f->root, "wide.png", 960, 200, 480, 100);
  g_autofree char *bogus = g_build_filename (f->root, "notes.png", NULL);
  const int widths[] = { 1100, 360 };

  g_assert_true (g_file_set_contents (bogus, "just some text", -1, NULL));
  open_window (f, 1100, 760);

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      InbKeyframeSlot *first = inb_window_get_first_slot (f->window);
      InbKeyframeSlot *last = inb_window_get_last_slot (f->window);
      graphene_rect_t empty[2];
      graphene_rect_t now[2];

      /* in one jump, the editor shown (/sizes/jump) */
      resize (f, widths[w], 760);
      adw_flap_set_reveal_flap (f->window->flap, TRUE);
      inb_keyframe_slot_clear (first);
      inb_keyframe_slot_clear (last);
      slot_boxes (f, empty);
      g_assert_cmpfloat (empty[0].size.width, >, 0);

      inb_test_drop_file (GTK_WIDGET (first), tall);
      g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
      inb_test_drop_file (GTK_WIDGET (last), wide);
      g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
      g_assert_nonnull (inb_keyframe_slot_get_keyframe (first));
      g_assert_nonnull (inb_keyframe_slot_get_keyframe (last));
      slot_boxes (f, now);
      assert_same_boxes (empty, now, "a tall and a wide image");
      /* the shapes differ: the last slot shows how it is framed */
      g_assert_true (gtk_widget_get_visible (f->window->fit_box));
      g_assert_true (gtk_widget_is_ancestor (f->window->fit_box, GTK_WIDGET (last)));
      assert_slots_fit (f, "the framing shown");

      inb_test_drop_file (GTK_WIDGET (first), bogus);
      g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
      g_assert_nonnull (inb_keyframe_slot_get_error (first));
      slot_boxes (f, now);
      assert_same_boxes (empty, now, "a failed load");

      inb_test_drop_file (GTK_WIDGET (last), wide);
      g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
      inb_keyframe_slot_clear (first);
      slot_boxes (f, now);
      assert_same_boxes (empty, now, "the first cleared");
      inb_keyframe_slot_clear (last);
      slot_boxes (f, now);
      assert_same_boxes (empty, now, "both cleared");
    }
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget);

static GtkWidget *
find_mapped (GtkWidget   *root,
             WidgetMatch  match)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_mapped (child))
        continue;
      if (match (child))
        return child;
      if ((found = find_mapped (child, match)) != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_toast (GtkWidget *widget)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), "toast") == 0;
}

static gboolean
is_take_row (GtkWidget *widget)
{
  return INB_IS_TAKE_ROW (widget);
}

static gboolean
toast_shown (Fixture       *f,
             gconstpointer  data)
{
  return find_mapped (GTK_WIDGET (f->window), is_toast) != NULL;
}

/* The widget's pixels as drawn now (premultiplied BGRA) */
static GBytes *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guchar *pixels = g_malloc0 ((gsize) width * height * 4);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, pixels, (gsize) width * 4);

  return g_bytes_new_take (pixels, (gsize) width * height * 4);
}

/* The share of pixels (in %) that differ between two drawings */
static guint
percent_changed (GBytes *a,
                 GBytes *b)
{
  gsize n = 0;
  const guchar *pa = g_bytes_get_data (a, &n);
  const guchar *pb = g_bytes_get_data (b, NULL);
  gsize changed = 0;

  g_assert_cmpuint (g_bytes_get_size (b), ==, n);
  for (gsize i = 0; i < n; i += 4)
    changed += memcmp (pa + i, pb + i, 4) != 0;

  return (guint) (changed * 100 / MAX (n / 4, 1));
}

static gboolean
is_repeat_toggle (GtkWidget *widget)
{
  return GTK_IS_TOGGLE_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "player.loop") == 0;
}

static gboolean
is_overlay_button (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) &&
         g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "view-dual-symbolic") == 0;
}

static gboolean
is_more_button (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) &&
         g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "view-more-symbolic") == 0;
}

static void
shoot_popover (GtkMenuButton *button,
               const char    *name)
{
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  g_autofree char *path = NULL;

  if (out == NULL)
    return;
  path = g_strdup_printf ("%s/%s.png", out, name);
  gtk_menu_button_popup (button);
  for (guint i = 0; i < 30; i++)
    {
      gtk_test_widget_wait_for_draw (popover);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  inb_test_save_screenshot (popover, path);
  gtk_menu_button_popdown (button);
}

/* The player's toggles look toggled: Repeat while on, and the keyframe
 * overlay's menu button while an overlay shows (it showed nothing:
 * issue 12); narrow, the overflow menu says both. With
 * INB_SCREENSHOT_DIR set it saves player-toggles-*.png to look at. */
static void
test_player_toggles (Fixture       *f,
                     gconstpointer  data)
{
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");
  InbPlayer *player;
  GtkWidget *repeat;
  GtkWidget *overlay;
  GtkWidget *more;
  g_autoptr(GBytes) off = NULL;
  g_autoptr(GBytes) on = NULL;

  open_window (f, 1240, 760);
  player = inb_window_get_player (f->window);
  load_keyframes (f);
  open_clip (f);
  /* the player wide enough for all its buttons */
  adw_flap_set_reveal_flap (f->window->flap, FALSE);
  adw_flap_set_reveal_flap (f->window->library_flap, FALSE);

  /* Repeat */
  g_object_set (player, "loop", FALSE, NULL);
  settle (f);
  repeat = find_mapped (GTK_WIDGET (player), is_repeat_toggle);
  g_assert_nonnull (repeat);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (repeat)));
  off = render (repeat);
  g_object_set (player, "loop", TRUE, NULL);
  settle (f);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (repeat)));
  g_assert_true (gtk_widget_get_state_flags (repeat) & GTK_STATE_FLAG_CHECKED);
  on = render (repeat);
  g_test_message ("Repeat on: %u %% of its pixels change", percent_changed (off, on));
  g_assert_cmpuint (percent_changed (off, on), >=, 30);
  g_clear_pointer (&off, g_bytes_unref);
  g_clear_pointer (&on, g_bytes_unref);

  /* The keyframe overlay */
  overlay = find_mapped (GTK_WIDGET (player), is_overlay_button);
  g_assert_nonnull (overlay);
  g_assert_cmpstr (inb_player_get_overlay (player), ==, "none");
  g_assert_false (gtk_widget_has_css_class (overlay, "on"));
  off = render (overlay);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) shown = NULL;

      inb_player_set_overlay (player, i == 0 ? "first" : "last");
      settle (f);
      g_assert_true (gtk_widget_has_css_class (overlay, "on"));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (overlay), i == 0 ? "First" : "Last"));
      shown = render (overlay);
      g_test_message ("Overlay %s: %u %% of its pixels change", inb_player_get_overlay (player),
                      percent_changed (off, shown));
      g_assert_cmpuint (percent_changed (off, shown), >=, 30);
    }
  if (out != NULL)
    {
      g_autofree char *path = NULL;

      resize (f, 1100, 760);
      path = g_strdup_printf ("%s/player-toggles-1100.png", out);
      inb_test_save_screenshot (GTK_WIDGET (f->window), path);
      resize (f, 1240, 760);
    }
  inb_player_set_overlay (player, "none");
  settle (f);
  g_assert_false (gtk_widget_has_css_class (overlay, "on"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (overlay), "(O)"));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (overlay), "First"));

  /* Narrow: both are in the overflow menu, which shows their state */
  inb_player_set_overlay (player, "first");
  resize (f, 360, 760);
  adw_flap_set_reveal_flap (f->window->flap, FALSE);
  settle (f);
  g_assert_null (find_mapped (GTK_WIDGET (player), is_repeat_toggle));
  more = find_mapped (GTK_WIDGET (player), is_more_button);
  g_assert_nonnull (more);
  if (out != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/player-toggles-360.png", out);

      inb_test_save_screenshot (GTK_WIDGET (f->window), path);
    }
  shoot_popover (GTK_MENU_BUTTON (more), "player-toggles-menu-360");
}

/* "The take is ready" is said over the player, inside it — not at the
 * window's foot over the editor or the library's rows — and the take's
 * row stays on top and clickable with the library open (issue 12). */
static void
test_take_ready_toast (Fixture       *f,
                       gconstpointer  data)
{
  InbParamPanel *panel;
  GListModel *jobs;
  guint n_jobs;
  GtkWidget *toast;
  GtkWidget *player;
  GtkWidget *row;
  GtkWidget *picked;
  graphene_rect_t box;

  open_window (f, 1100, 760);
  load_keyframes (f);
  panel = inb_window_get_param_panel (f->window);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 8);
  jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  n_jobs = g_list_model_get_n_items (jobs);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  while (g_list_model_get_n_items (jobs) == n_jobs)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait_until (f, session_idle, NULL, 300));
  g_assert_true (wait_until (f, toast_shown, NULL, 10));
  settle (f);

  toast = find_mapped (GTK_WIDGET (f->window), is_toast);
  g_assert_nonnull (toast);
  player = GTK_WIDGET (inb_window_get_player (f->window));
  g_assert_true (gtk_widget_is_ancestor (toast, GTK_WIDGET (f->window->player_toasts)));
  g_assert_true (gtk_widget_compute_bounds (toast, player, &box));
  g_test_message ("toast at %g,%g %g × %g in a player of %d × %d", box.origin.x, box.origin.y,
                  box.size.width, box.size.height, gtk_widget_get_width (player), gtk_widget_get_height (player));
  g_assert_cmpfloat (box.origin.x, >=, 0);
  g_assert_cmpfloat (box.origin.y, >=, 0);
  g_assert_cmpfloat (box.origin.x + box.size.width, <=, gtk_widget_get_width (player));
  g_assert_cmpfloat (box.origin.y + box.size.height, <=, gtk_widget_get_height (player));

  /* With the library open over the player, a new toast leaves the take's
   * row on top: a click at its middle reaches it. */
  for (guint i = 0; i < 2; i++)
    {
      resize (f, i == 0 ? 600 : 360, 760);
      adw_flap_set_reveal_flap (f->window->flap, FALSE);
      adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
      settle (f);
      _inb_window_toast_take_ready (f->window, NULL);
      settle (f);
      g_assert_nonnull (find_mapped (GTK_WIDGET (f->window), is_toast));
      row = find_mapped (GTK_WIDGET (f->window), is_take_row);
      g_assert_nonnull (row);
      g_assert_true (gtk_widget_compute_bounds (row, GTK_WIDGET (f->window), &box));
      picked = gtk_widget_pick (GTK_WIDGET (f->window), box.origin.x + box.size.width / 2,
                                box.origin.y + box.size.height / 2, GTK_PICK_DEFAULT);
      g_assert_nonnull (picked);
      g_assert_true (picked == row || gtk_widget_is_ancestor (picked, row));
    }
}

static gboolean
is_details_button (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.toast-details") == 0;
}

static gboolean
message_dialog_shown (Fixture       *f,
                      gconstpointer  data)
{
  return toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* The toast shown in @overlay has a Details button that shows @whole;
 * with @title_whole, its title reads whole at this width too */
static void shoot_widget (GtkWidget *widget, const char *dir, const char *name);

/* (With INB_SCREENSHOT_DIR set, the window and the dialog are saved as
 * window-@shot.png and window-@shot-details.png.) */
static void
assert_toast_whole (Fixture    *f,
                    GtkWidget  *overlay,
                    gboolean    title_whole,
                    const char *whole,
                    const char *shot)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  LabelCheck check = { problems, 0, seen };
  GtkWidget *toast = find_mapped (overlay, is_toast);
  GtkWidget *button;
  GtkWindow *dialog;

  g_assert_nonnull (toast);
  check_labels (&check, toast);
  g_test_message ("toast %d px wide in a window of %d px, %u labels", gtk_widget_get_width (toast),
                  gtk_widget_get_width (GTK_WIDGET (f->window)), check.n_labels);
  if (title_whole && problems->len > 0)
    g_error ("At %d px the toast cuts:\n%s", gtk_widget_get_width (GTK_WIDGET (f->window)), problems->str);

  button = find_mapped (toast, is_details_button);
  g_assert_nonnull (button);
  if (shot != NULL && g_getenv ("INB_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("window-%s", shot);

      shoot_widget (GTK_WIDGET (f->window), g_getenv ("INB_SCREENSHOT_DIR"), name);
    }
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (wait_until (f, message_dialog_shown, NULL, 20));
  dialog = toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, whole);
  /* under the toast's title when that says it whole */
  if (title_whole)
    g_assert_nonnull (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  if (shot != NULL && g_getenv ("INB_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("window-%s-details", shot);

      shoot_widget (GTK_WIDGET (dialog), g_getenv ("INB_SCREENSHOT_DIR"), name);
    }
  gtk_window_destroy (dialog);
  settle (f);
}

/* At 360 px a toast is one line, cut with "…": a take ready with a
 * warning, said a sentence long, lost its end. The toast now says it
 * short, whole, and Details shows all of it; any other toast too long for
 * its line (an error) has the Details button as well. */
static void
test_toasts_narrow (Fixture       *f,
                    gconstpointer  data)
{
  const char *warnings[] = {
    "ComfyUI dropped 1 output: node 97 (SaveWEBM) — Value not in list: codec: 'h265' not in ['vp9', 'av1']",
    NULL,
  };
  const char *failure = "Could not fetch clip_00001.mp4 from ComfyUI: ComfyUI at http://127.0.0.1:8188 accepted "
                        "the connection but did not answer within 30 s";

  open_window (f, 360, 760);
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));

  _inb_window_toast_take_ready (f->window, warnings);
  settle (f);
  assert_toast_whole (f, GTK_WIDGET (f->window->player_toasts), TRUE, warnings[0], "toast-warning-360");

  _inb_window_toast (f->window, failure);
  settle (f);
  assert_toast_whole (f, GTK_WIDGET (f->window->toast_overlay), FALSE, failure, "toast-error-360");
}

static gboolean
hint_has (Fixture       *f,
          gconstpointer  data)
{
  return strstr (inb_window_get_generate_hint (f->window), data) != NULL;
}

/* A model that needs a key says so before Generate is pressed: in the
 * hint above Generate, with the button to Preferences, and in the model
 * selector; a model that needs none says nothing of keys. */
static void
test_needs_key (Fixture       *f,
                gconstpointer  data)
{
  open_window (f, 1100, 760);
  g_assert_null (strstr (inb_window_get_generate_hint (f->window), "API key"));
  g_assert_false (gtk_widget_get_visible (inb_window_get_key_button (f->window)));

  g_assert_true (inb_window_select_model (f->window, "dashscope", NULL));
  g_assert_true (wait_until (f, hint_has, "needs an API key", 10));
  g_test_message ("Before Generate: %s", inb_window_get_generate_hint (f->window));
  g_assert_true (gtk_widget_get_visible (inb_window_get_key_button (f->window)));
  g_assert_null (inb_window_get_key_problem (f->window));
  g_assert_true (g_hash_table_contains (f->window->keyless, "dashscope"));
  g_assert_false (g_hash_table_contains (f->window->keyless, "local"));

  /* Keyframes loaded: the hint says the key alone */
  load_keyframes (f);
  settle (f);
  g_assert_true (g_str_has_prefix (inb_window_get_generate_hint (f->window), "DashScope needs an API key"));

  g_assert_true (inb_window_select_model (f->window, "local", NULL));
  settle (f);
  g_assert_null (strstr (inb_window_get_generate_hint (f->window), "API key"));
  g_assert_false (gtk_widget_get_visible (inb_window_get_key_button (f->window)));
}

static gboolean
key_problem_shown (Fixture       *f,
                   gconstpointer  data)
{
  return inb_window_get_key_problem (f->window) != NULL;
}

static void shoot (Fixture *f, const char *dir, const char *name);

/* However long Generate's failure (a keyring's runs to seven lines at
 * 360 px), it takes five lines of the editor's page at most, the whole in
 * its tooltip, and the editor above keeps at least half the page: it was
 * squeezed to 247 of 463 px at 360 × 520 px. When it is cut, a Details
 * button beside it shows it whole to a keyboard or a finger too (the
 * tooltip was the only way). Returns whether it was cut. */
static gboolean
assert_failure_bounded (Fixture *f)
{
  GtkWidget *details = GTK_WIDGET (f->window->hint_details);
  gboolean cut;
  GtkLabel *hint = f->window->generate_hint;
  PangoLayout *layout = gtk_label_get_layout (hint);
  GtkWidget *editor = GTK_WIDGET (editor_scroller (f));
  GtkWidget *sidebar = gtk_widget_get_parent (editor);
  int hint_height;
  int editor_height;
  int sidebar_height;

  settle (f);
  hint_height = gtk_widget_get_height (GTK_WIDGET (hint));
  editor_height = gtk_widget_get_height (editor);
  sidebar_height = gtk_widget_get_height (sidebar);
  g_test_message ("%d x %d px: the failure in %d lines, %d px%s; the editor %d of %d px",
                  gtk_widget_get_width (GTK_WIDGET (f->window)), gtk_widget_get_height (GTK_WIDGET (f->window)),
                  pango_layout_get_line_count (layout), hint_height,
                  pango_layout_is_ellipsized (layout) ? " (cut)" : "", editor_height, sidebar_height);
  g_assert_cmpint (pango_layout_get_line_count (layout), <=, 5);
  g_assert_cmpint (editor_height * 2, >=, sidebar_height);
  /* the whole of it in the label, shown in its tooltip when cut */
  g_assert_nonnull (strstr (gtk_label_get_label (hint), inb_window_get_key_problem (f->window)));
  if (pango_layout_is_ellipsized (layout))
    g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (hint)));

  cut = pango_layout_is_ellipsized (layout);
  g_assert_true (gtk_widget_get_mapped (details) == cut);
  if (cut)
    {
      GtkWindow *dialog;

      /* reached by Tab and pressed with Enter (or a tap) */
      g_assert_true (gtk_widget_get_focusable (details));
      g_assert_true (gtk_widget_is_sensitive (details));
      gtk_widget_grab_focus (details);
      g_assert_true (gtk_widget_is_focus (details));
      g_assert_true (gtk_widget_activate (details));
      g_assert_true (wait_until (f, message_dialog_shown, NULL, 20));
      dialog = toplevel_of_type (ADW_TYPE_MESSAGE_DIALOG);
      g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, gtk_label_get_label (hint));
      g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                                inb_window_get_key_problem (f->window)));
      gtk_window_destroy (dialog);
      settle (f);
    }

  return cut;
}

/* Narrow, Generate is pressed on the editor's page; when it fails there
 * (a service without its key: said above Generate, with the button to
 * Preferences), the page stays open, the failure in sight. With
 * INB_SCREENSHOT_DIR set, window-generate-failed-<width>.png. */
static void
test_generate_fails_narrow (Fixture       *f,
                            gconstpointer  data)
{
  const int widths[] = { 360, 600 };
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");

  open_window (f, 1100, 760);
  load_keyframes (f);
  g_assert_true (inb_window_select_model (f->window, "dashscope", NULL));
  inb_window_set_prompt (f->window, "the disc glides to the right");

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      GtkWidget *key_button = inb_window_get_key_button (f->window);
      GtkWidget *generate = GTK_WIDGET (f->window->generate_button);

      g_clear_pointer (&f->window->key_problem, g_free);
      resize (f, widths[i], 760);
      g_assert_true (adw_flap_get_folded (f->window->flap));
      adw_flap_set_reveal_flap (f->window->flap, TRUE);
      settle (f);
      g_assert_true (gtk_widget_get_mapped (generate));

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
      g_assert_true (wait_until (f, key_problem_shown, NULL, 20));
      settle (f);
      g_test_message ("%d px: %s", widths[i], inb_window_get_generate_hint (f->window));
      if (out != NULL)
        {
          g_autofree char *name = g_strdup_printf ("generate-failed-%d", widths[i]);

          shoot (f, out, name);
        }
      g_assert_true (adw_flap_get_folded (f->window->flap));
      g_assert_true (adw_flap_get_reveal_flap (f->window->flap));
      g_assert_true (gtk_widget_get_mapped (key_button));
      g_assert_true (gtk_widget_get_mapped (generate));
      /* a keyring's failure is cut at 360 px */
      g_assert_true (assert_failure_bounded (f) || widths[i] > 360);
      /* and on a short screen */
      resize (f, widths[i], 520);
      assert_failure_bounded (f);
      adw_flap_set_reveal_flap (f->window->flap, FALSE);
      resize (f, widths[i], 760);
    }
}

/* Screenshots ---------------------------------------------------------------------------- */

static GtkScrolledWindow *
editor_scroller (Fixture *f)
{
  GtkWidget *w = gtk_widget_get_ancestor (GTK_WIDGET (f->window->param_panel), GTK_TYPE_SCROLLED_WINDOW);

  g_assert_nonnull (w);
  return GTK_SCROLLED_WINDOW (w);
}

/* Scrolls the editor: 0 its top, 1 its end */
static void
scroll_editor (Fixture *f,
               double   where)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (editor_scroller (f));

  settle (f);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_lower (adj) +
                            where * (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)));
  settle (f);
}

static gboolean
has_render_node (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  return node != NULL;
}

/* Saves @widget (the window, or a dialog of its own) as DIR/NAME.png,
 * and says which of its labels are cut or wrapped a word a line: what to
 * look for in the picture. */
static void
shoot_widget (GtkWidget  *widget,
              const char *dir,
              const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  LabelCheck check = { problems, 0, seen };

  /* Drawn, and drawn again until it has something to show (a window
   * that was just folded gave no render node once) */
  for (guint i = 0; i < 30 || (i < 300 && !has_render_node (widget)); i++)
    {
      gtk_test_widget_wait_for_draw (widget);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  inb_test_save_screenshot (widget, path);
  check_labels (&check, widget);
  if (problems->len > 0)
    g_test_message ("%s, %u labels:\n%s", name, check.n_labels, problems->str);
}

static void
shoot (Fixture    *f,
       const char *dir,
       const char *name)
{
  g_autofree char *full = g_strdup_printf ("window-%s", name);

  shoot_widget (GTK_WIDGET (f->window), dir, full);
}

static const int shot_widths[] = { 1600, 1100, 600, 360 };
static const int shot_heights[] = { 1000, 760, 900, 760 };

/* @state at each width; narrow, the editor page too (and its end, the
 * parameters), or with @library the library page */
static void
shoot_widths (Fixture    *f,
              const char *dir,
              const char *state,
              gboolean    editor,
              gboolean    library)
{
  for (guint i = 0; i < G_N_ELEMENTS (shot_widths); i++)
    {
      g_autofree char *name = *state != '\0' ? g_strdup_printf ("%s-%d", state, shot_widths[i])
                                              : g_strdup_printf ("%d", shot_widths[i]);

      resize (f, shot_widths[i], shot_heights[i]);
      shoot (f, dir, name);
      if (shot_widths[i] <= 600 && editor)
        {
          g_autofree char *page = g_strdup_printf ("editor-%s", name);
          g_autofree char *params = g_strdup_printf ("editor-params-%s", name);

          adw_flap_set_reveal_flap (f->window->flap, TRUE);
          shoot (f, dir, page);
          scroll_editor (f, 1.0);
          shoot (f, dir, params);
          scroll_editor (f, 0.0);
          adw_flap_set_reveal_flap (f->window->flap, FALSE);
        }
      if (library && adw_flap_get_folded (f->window->library_flap))
        {
          g_autofree char *page = g_strdup_printf ("library-%s", name);

          adw_flap_set_reveal_flap (f->window->flap, FALSE);
          adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
          shoot (f, dir, page);
          adw_flap_set_reveal_flap (f->window->library_flap, FALSE);
        }
    }
  settle (f);
}

static gboolean
job_started (Fixture       *f,
             gconstpointer  data)
{
  InbJobQueue *queue = inb_window_get_job_queue (f->window);

  return inb_job_queue_get_n_running (queue) > 0 &&
         g_strcmp0 (inb_player_get_empty_title (inb_window_get_player (f->window)), _("Making the Take…")) == 0;
}

static gboolean
job_started_or_done (Fixture       *f,
                     gconstpointer  data)
{
  return inb_job_queue_get_n_running (inb_window_get_job_queue (f->window)) > 0 ||
         inb_library_panel_get_selected (inb_window_get_library_panel (f->window)) != NULL;
}

/* A frame of the clip on screen past its first, and no toast over it */
static gboolean
take_playing (Fixture       *f,
              gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_prerolled (playback) && inb_playback_get_frame (playback) > 0 &&
         !toast_shown (f, NULL);
}

static gboolean
no_toast (Fixture       *f,
          gconstpointer  data)
{
  return !toast_shown (f, NULL);
}

static gboolean
n_listed_at_least (Fixture       *f,
                   gconstpointer  data)
{
  return g_list_model_get_n_items (inb_library_panel_get_shown (inb_window_get_library_panel (f->window))) >=
         GPOINTER_TO_UINT (data);
}

static gboolean
slot_loading (Fixture       *f,
              gconstpointer  slot)
{
  return inb_keyframe_slot_get_loading ((InbKeyframeSlot *) slot);
}

static GtkStack *find_stack (GtkWidget *widget);

/* Loaded, or its loading page shown in full (past the crossfade) */
static gboolean
slot_shows_loading (Fixture       *f,
                    gconstpointer  slot)
{
  GtkStack *stack = find_stack (GTK_WIDGET (slot));

  return !inb_keyframe_slot_get_loading ((InbKeyframeSlot *) slot) || !gtk_stack_get_transition_running (stack);
}

static GtkWindow *
toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
export_dialog_shown (Fixture       *f,
                     gconstpointer  data)
{
  return toplevel_of_type (INB_TYPE_EXPORT_DIALOG) != NULL;
}

/* Copies of the take in @dir (its take.json with another id, number,
 * time, title and prompt), as if made before, one every 18 minutes (40
 * are a day's work): the library lists them. */
static void
write_earlier_takes (const char *dir,
                     guint       n)
{
  static const char *titles[] = {
    NULL, "Sunrise over the harbour, second try with a slower pan", NULL, "Kite", NULL,
    "The red ball bounces across the whole frame and out the other side",
  };
  static const char *prompts[] = {
    "the disc glides to the right", "a slow pan from the lighthouse to the boats as the sun comes up",
    NULL, "the kite climbs", "热气球缓缓升起，飘向远处的群山", "the red ball bounces",
  };
  g_autofree char *record = g_build_filename (dir, "take.json", NULL);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) made = g_date_time_add_minutes (now, -(int) (7 + 18 * i));
      g_autofree char *stamp = g_date_time_format (made, "%Y%m%d-%H%M%S");
      g_autofree char *id = g_strdup_printf ("%s-%06x", stamp, 0xa00000 + i);
      g_autofree char *created = g_date_time_format (made, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *copy = g_build_filename (parent, id, NULL);
      g_autofree char *text = NULL;
      g_autofree char *to = NULL;
      g_autoptr(GDir) files = NULL;
      JsonObject *take;
      const char *name;

      json_parser_load_from_file (parser, record, &error);
      g_assert_no_error (error);
      take = json_node_get_object (json_parser_get_root (parser));
      json_object_set_string_member (take, "id", id);
      json_object_set_int_member (take, "number", 100 - i);
      json_object_set_string_member (take, "created", created);
      if (titles[i % G_N_ELEMENTS (titles)] != NULL)
        json_object_set_string_member (take, "title", titles[i % G_N_ELEMENTS (titles)]);
      if (prompts[i % G_N_ELEMENTS (prompts)] != NULL)
        json_object_set_string_member (take, "prompt", prompts[i % G_N_ELEMENTS (prompts)]);
      else
        json_object_remove_member (take, "prompt");
      if (i == 2)
        json_object_set_boolean_member (take, "starred", TRUE);

      g_assert_cmpint (g_mkdir_with_parents (copy, 0700), ==, 0);
      files = g_dir_open (dir, 0, &error);
      g_assert_no_error (error);
      while ((name = g_dir_read_name (files)) != NULL)
        {
          g_autofree char *from = g_build_filename (dir, name, NULL);
          g_autoptr(GFile) src = g_file_new_for_path (from);
          g_autofree char *path = g_build_filename (copy, name, NULL);
          g_autoptr(GFile) dst = g_file_new_for_path (path);

          if (g_str_equal (name, "take.json") || !g_file_test (from, G_FILE_TEST_IS_REGULAR))
            continue;
          g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      text = json_to_string (json_parser_get_root (parser), TRUE);
      to = g_build_filename (copy, "take.json", NULL);
      g_file_set_contents (to, text, -1, &error);
      g_assert_no_error (error);
    }
}

/* The authoring window as an artist walks it, each state at 360, 600,
 * 1100 and 1600 px (see the top of this file): empty, one keyframe, one
 * loading, both, generating, the take playing, many takes, a failure,
 * Preferences and the export dialog. Each state is waited for, never a
 * time. With LANGUAGE=zh_CN (and INB_LOCALEDIR, as meson test sets it)
 * the same in Chinese. */
static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");
  g_autofree char *big = NULL;
  InbKeyframeSlot *first;
  InbKeyframeSlot *last;

  if (out == NULL)
    {
      g_test_skip ("Set INB_SCREENSHOT_DIR to a folder to make the window screenshots");
      return;
    }

  open_window (f, 1600, 1000);
  first = inb_window_get_first_slot (f->window);
  last = inb_window_get_last_slot (f->window);
  shoot_widths (f, out, "empty", TRUE, FALSE);

  /* One keyframe, then the other one loading (a large image, caught
   * while it decodes if it is still decoding when drawn) */
  inb_test_drop_file (GTK_WIDGET (first), first_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  shoot_widths (f, out, "one", TRUE, FALSE);
  resize (f, 1100, 760);
  big = inb_test_write_disc_png (f->root, "big.png", 6000, 4000, 4500, 2000);
  inb_test_drop_file (GTK_WIDGET (last), big);
  g_assert_true (slot_loading (f, last));
  g_assert_true (wait_until (f, slot_shows_loading, last, 20));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  if (inb_keyframe_slot_get_loading (last))
    inb_test_save_screenshot (GTK_WIDGET (f->window), g_build_filename (out, "window-loading-1100.png", NULL));
  else
    g_test_message ("the large keyframe was decoded before a frame was drawn: no window-loading-1100.png");
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 60));
  inb_test_drop_file (GTK_WIDGET (last), last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
  g_assert_null (inb_keyframe_slot_get_error (last));
  /* Not the "Last keyframe replaced" toast of the test's own swap */
  if (inb_window_get_replaced_toast (f->window) != NULL)
    inb_toasts_dismiss (f->window->toasts, inb_window_get_replaced_toast (f->window));
  g_assert_true (wait_until (f, no_toast, NULL, 20));
  shoot_widths (f, out, "", TRUE, FALSE);

  /* Generating, then the take playing */
  {
    InbParamPanel *panel = inb_window_get_param_panel (f->window);
    InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));
    InbTakeEntry *entry;

    resize (f, 1100, 760);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 3);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
    g_assert_true (wait_until (f, job_started, NULL, 60));
    shoot (f, out, "generating-1100");
    resize (f, 360, 760);
    shoot (f, out, "generating-360");
    resize (f, 1100, 760);
    g_assert_true (wait_until (f, session_idle, NULL, 300));
    settle (f);
    g_assert_cmpstr (inb_player_get_empty_title (inb_window_get_player (f->window)), ==, _("No Clip Yet"));
    if (!inb_playback_get_playing (playback))
      inb_playback_play (playback);
    g_assert_true (wait_until (f, take_playing, NULL, 30));
    shoot_widths (f, out, "take", FALSE, TRUE);

    /* Many takes */
    entry = inb_library_panel_get_selected (inb_window_get_library_panel (f->window));
    g_assert_nonnull (entry);
    write_earlier_takes (inb_take_entry_get_dir (entry), 40);
    g_assert_true (wait_until (f, n_listed_at_least, GUINT_TO_POINTER (41), 30));
    shoot_widths (f, out, "takes", FALSE, TRUE);

    /* The export dialog, over the window at 1100 and at 360 px */
    for (guint i = 0; i < 2; i++)
      {
        GtkWindow *dialog;

        resize (f, i == 0 ? 1100 : 360, 760);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.export", NULL));
        g_assert_true (wait_until (f, export_dialog_shown, NULL, 20));
        dialog = toplevel_of_type (INB_TYPE_EXPORT_DIALOG);
        if (i == 1)
          gtk_window_set_default_size (dialog, 360, 640);
        shoot_widget (GTK_WIDGET (dialog), out, i == 0 ? "export-dialog-1100" : "export-dialog-360");
        gtk_window_destroy (dialog);
        settle (f);
      }
  }

  /* Preferences, as wide as the window and at 360 px */
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *prefs = inb_window_show_preferences (f->window, NULL);

      gtk_window_set_default_size (GTK_WINDOW (prefs), i == 0 ? 640 : 360, 640);
      shoot_widget (prefs, out, i == 0 ? "preferences-640" : "preferences-360");
      gtk_window_destroy (GTK_WINDOW (prefs));
      settle (f);
    }

  /* A failure: no key for a service */
  resize (f, 1100, 760);
  g_assert_true (inb_window_select_model (f->window, "dashscope", NULL));
  inb_window_set_prompt (f->window, "the disc glides to the right");
  settle (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, key_problem_shown, NULL, 20));
  shoot_widths (f, out, "failed", TRUE, FALSE);
}

/* The take's window at 360 px: no wider than that with a take's details
 * shown (their buttons made it 374 px), and the library's rows read whole
 * — a long title, the state and the model wrap rather than end in "…"
 * (the prompt is a one-line excerpt by design: the details show it all). */
static void
assert_rows_whole (Fixture   *f,
                   GtkWidget *widget,
                   guint     *n_rows,
                   GString   *problems)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (INB_IS_TAKE_ROW (widget))
    (*n_rows)++;
  /* No line of a take row's label ends in a hyphen ("in-|betweening") */
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, INB_TYPE_TAKE_ROW) != NULL)
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *text = pango_layout_get_text (layout);
      GSList *lines = pango_layout_get_lines_readonly (layout);

      for (GSList *l = lines; l != NULL && l->next != NULL; l = l->next)
        {
          PangoLayoutLine *line = l->data;

          if (line->length > 0 && text[line->start_index + line->length - 1] == '-')
            g_string_append_printf (problems, "breaks at a hyphen: “%s”\n", text);
        }
    }
  /* "1080 × 720" is kept on one line: no breakable space beside the × */
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, INB_TYPE_TAKE_ROW) != NULL &&
      (strstr (gtk_label_get_text (GTK_LABEL (widget)), " ×") != NULL ||
       strstr (gtk_label_get_text (GTK_LABEL (widget)), "× ") != NULL))
    g_string_append_printf (problems, "breaks beside ×: “%s”\n", gtk_label_get_text (GTK_LABEL (widget)));
  /* A take's title has the whole width of the row's text: beside the age
   * it had what the age left, and a long one ran to five lines */
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "heading") &&
      gtk_widget_get_ancestor (widget, INB_TYPE_TAKE_ROW) != NULL &&
      gtk_widget_get_width (widget) < gtk_widget_get_width (gtk_widget_get_parent (widget)))
    g_string_append_printf (problems, "the title “%s” has %d of the row's %d px\n",
                            gtk_label_get_text (GTK_LABEL (widget)), gtk_widget_get_width (widget),
                            gtk_widget_get_width (gtk_widget_get_parent (widget)));
  if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, INB_TYPE_TAKE_ROW) != NULL &&
      !gtk_label_get_single_line_mode (GTK_LABEL (widget)) &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    {
      int min_h, nat_h;

      gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget), &min_h, &nat_h, NULL, NULL);
      g_string_append_printf (problems, "cut: “%s” (%d × %d, asks %d–%d px for that width)\n",
                              gtk_label_get_text (GTK_LABEL (widget)), gtk_widget_get_width (widget),
                              gtk_widget_get_height (widget), min_h, nat_h);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    assert_rows_whole (f, child, n_rows, problems);
}

/* A finished take's row reads its clip's size and rate on one line, the
 * frames in the tooltip: "49 frames at 16 fps · 1080 × 720" took two lines
 * at 360 px, and its rows 130 px */
static void
assert_done_rows_brief (GtkWidget *widget,
                        guint     *n_done,
                        GString   *problems)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (INB_IS_TAKE_ROW (widget))
    {
      InbTakeRow *row = INB_TAKE_ROW (widget);
      InbTakeEntry *entry = inb_take_row_get_entry (row);
      GtkLabel *status = inb_take_row_get_status (row);
      const char *tip = inb_take_row_get_tip (row, GTK_WIDGET (status));

      if (inb_take_entry_get_state (entry) != INB_JOB_DONE || inb_take_entry_get_n_frames (entry) == 0)
        return;
      (*n_done)++;
      if (pango_layout_get_line_count (gtk_label_get_layout (status)) != 1)
        g_string_append_printf (problems, "“%s” takes %d lines of %d px\n", gtk_label_get_text (status),
                                pango_layout_get_line_count (gtk_label_get_layout (status)),
                                gtk_widget_get_width (GTK_WIDGET (status)));
      if (strstr (gtk_label_get_text (status), "fps") == NULL)
        g_string_append_printf (problems, "“%s” does not give the rate\n", gtk_label_get_text (status));
      if (tip == NULL || strstr (tip, "frames at") == NULL)
        g_string_append_printf (problems, "the tooltip of “%s” does not give the frames: “%s”\n",
                                gtk_label_get_text (status), tip);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    assert_done_rows_brief (child, n_done, problems);
}

static gboolean
is_menu_button (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget);
}

/* A day's work (40 takes before this one): at every width the library
 * lists them whole (assert_rows_whole), and the oldest, far down, once
 * chosen is selected and scrolled into view with its row's menu (Re-roll,
 * Compare, Export…) at hand. */
static void
test_many_takes (Fixture       *f,
                 gconstpointer  data)
{
  InbLibraryPanel *library;
  InbParamPanel *panel;
  InbTakeEntry *entry;

  open_window (f, 1100, 760);
  load_keyframes (f);
  panel = inb_window_get_param_panel (f->window);
  library = inb_window_get_library_panel (f->window);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_started_or_done, NULL, 60));
  g_assert_true (wait_until (f, session_idle, NULL, 300));
  entry = inb_library_panel_get_selected (library);
  g_assert_nonnull (entry);
  write_earlier_takes (inb_take_entry_get_dir (entry), 40);
  g_assert_true (wait_until (f, n_listed_at_least, GUINT_TO_POINTER (41), 30));

  for (guint i = 0; i < G_N_ELEMENTS (shot_widths); i++)
    {
      GListModel *shown = inb_library_panel_get_shown (library);
      g_autoptr(InbTakeEntry) oldest = g_list_model_get_item (shown, g_list_model_get_n_items (shown) - 1);
      g_autoptr(GString) problems = g_string_new (NULL);
      GtkWidget *row;
      GtkWidget *scroller;
      graphene_rect_t bounds;
      guint n_rows = 0;
      guint n_done = 0;

      resize (f, shot_widths[i], shot_heights[i]);
      if (adw_flap_get_folded (f->window->library_flap))
        {
          adw_flap_set_reveal_flap (f->window->flap, FALSE);
          adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
          settle (f);
        }
      assert_rows_whole (f, GTK_WIDGET (library), &n_rows, problems);
      g_test_message ("%d px: %u rows shown", gtk_widget_get_width (GTK_WIDGET (f->window)), n_rows);
      g_assert_cmpuint (n_rows, >=, 3);
      if (problems->len > 0)
        g_error ("At %d px the library's rows are cut:\n%s", shot_widths[i], problems->str);
      assert_done_rows_brief (GTK_WIDGET (library), &n_done, problems);
      g_assert_cmpuint (n_done, >=, 3);
      if (problems->len > 0)
        g_error ("At %d px a finished take's row is not brief:\n%s", shot_widths[i], problems->str);

      inb_library_panel_select (library, oldest);
      settle (f);
      g_assert_true (inb_library_panel_get_selected (library) == oldest);
      /* folded, choosing a take shows it in the player: back to the list */
      if (adw_flap_get_folded (f->window->library_flap) && !adw_flap_get_reveal_flap (f->window->library_flap))
        {
          adw_flap_set_reveal_flap (f->window->flap, FALSE);
          adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
          settle (f);
        }
      row = GTK_WIDGET (inb_library_panel_find_row (library, oldest));
      g_assert_nonnull (row);
      scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
      g_assert_true (gtk_widget_get_mapped (row));
      g_assert_true (gtk_widget_compute_bounds (row, scroller, &bounds));
      g_test_message ("the oldest take's row at y %g–%g of %d px", bounds.origin.y,
                      bounds.origin.y + bounds.size.height, gtk_widget_get_height (scroller));
      g_assert_cmpfloat (bounds.origin.y, >=, -1);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (scroller) + 1);
      g_assert_nonnull (find_mapped (row, is_menu_button));

      inb_library_panel_select (library, entry);
      if (adw_flap_get_folded (f->window->library_flap))
        adw_flap_set_reveal_flap (f->window->library_flap, FALSE);
      settle (f);
    }
}

static gboolean
is_use_settings_button (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "take.use-settings") == 0;
}

static gboolean
is_export_button (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "take.export") == 0;
}

/* "Use Settings" and "Export…" of the take's details: on @n_rows rows */
static void
assert_take_buttons_rows (Fixture *f,
                          guint    n_rows)
{
  GtkWidget *details = GTK_WIDGET (f->window->take_details);
  GtkWidget *use = find_mapped (details, is_use_settings_button);
  GtkWidget *export = find_mapped (details, is_export_button);
  graphene_rect_t a, b;

  g_assert_nonnull (use);
  g_assert_nonnull (export);
  g_assert_true (gtk_widget_compute_bounds (use, details, &a));
  g_assert_true (gtk_widget_compute_bounds (export, details, &b));
  g_test_message ("details %d px wide: Use Settings at y %g, Export at x %g y %g", gtk_widget_get_width (details),
                  a.origin.y, b.origin.x, b.origin.y);
  if (n_rows == 1)
    g_assert_cmpfloat (a.origin.y, ==, b.origin.y);
  else
    g_assert_cmpfloat (b.origin.y, >, a.origin.y + a.size.height - 1);
  /* inside the details */
  g_assert_cmpfloat (b.origin.x + b.size.width, <=, gtk_widget_get_width (details));
}

static void
test_take_narrow (Fixture       *f,
                  gconstpointer  data)
{
  InbParamPanel *panel;
  InbTakeEntry *entry;
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_rows = 0;

  open_window (f, 1100, 760);
  load_keyframes (f);
  panel = inb_window_get_param_panel (f->window);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_started_or_done, NULL, 60));
  g_assert_true (wait_until (f, session_idle, NULL, 300));
  entry = inb_library_panel_get_selected (inb_window_get_library_panel (f->window));
  g_assert_nonnull (entry);
  write_earlier_takes (inb_take_entry_get_dir (entry), 6);
  g_assert_true (wait_until (f, n_listed_at_least, GUINT_TO_POINTER (7), 30));

  /* The take's buttons: one row where there is room (they were two rows
   * at every width), two at 360 px */
  resize (f, 1100, 760);
  assert_take_buttons_rows (f, 1);
  resize (f, 600, 760);
  assert_take_buttons_rows (f, 1);
  resize (f, 360, 760);
  assert_take_buttons_rows (f, 2);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->take_details)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 360);
  /* The details under the player wrap their line "just now · Local ·
   * Optical flow in-betweening" at a " · ", not after "in-" */
  check_breaks (GTK_WIDGET (f->window->take_details), problems);
  if (problems->len > 0)
    g_error ("At 360 px the take's details wrap:\n%s", problems->str);

  /* The export dialog at 360 px: where it saves reads whole */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    LabelCheck check = { problems, 0, seen };
    GtkWindow *dialog;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.export", NULL));
    g_assert_true (wait_until (f, export_dialog_shown, NULL, 20));
    dialog = toplevel_of_type (INB_TYPE_EXPORT_DIALOG);
    gtk_window_set_default_size (dialog, 360, 640);
    for (guint i = 0; i < 30; i++)
      {
        gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
        while (g_main_context_iteration (NULL, FALSE))
          ;
      }
    g_test_message ("export dialog %d px wide", gtk_widget_get_width (GTK_WIDGET (dialog)));
    check_labels (&check, GTK_WIDGET (dialog));
    gtk_window_destroy (dialog);
    settle (f);
    if (problems->len > 0)
      g_error ("At 360 px the export dialog cuts:\n%s", problems->str);
  }

  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
  settle (f);
  /* The library page covers the whole width: no strip of the player
   * beside it */
  g_assert_true (adw_flap_get_folded (f->window->library_flap));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (inb_window_get_library_panel (f->window))), ==,
                   gtk_widget_get_width (GTK_WIDGET (f->window->library_flap)));
  assert_rows_whole (f, GTK_WIDGET (inb_window_get_library_panel (f->window)), &n_rows, problems);
  g_test_message ("%u rows shown at %d px", n_rows, gtk_widget_get_width (GTK_WIDGET (f->window)));
  g_assert_cmpuint (n_rows, >=, 3);
  if (problems->len > 0)
    g_error ("At 360 px the library's rows are cut:\n%s", problems->str);
}

static GtkStack *
find_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget))
    return GTK_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *found = find_stack (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* An empty slot loading its image shows the spinner alone, not over the
 * "Drop, paste or click to open" it showed empty; and the empty player
 * asks for what is missing: the keyframes (narrow, with the way to them),
 * then Generate. */
static void
test_empty_states (Fixture       *f,
                   gconstpointer  data)
{
  InbKeyframeSlot *last;
  InbPlayer *player;
  GtkWidget *button;
  g_autofree char *big = inb_test_write_disc_png (f->root, "big.png", 3000, 2000, 2000, 1000);

  open_window (f, 360, 760);
  player = inb_window_get_player (f->window);
  button = inb_player_get_editor_button (player);
  g_assert_cmpstr (inb_player_get_empty_description (player), ==, "Drop two keyframes, then press Generate");
  /* The editor is out of sight: the way to it is on the player's page */
  g_assert_false (adw_flap_get_reveal_flap (f->window->flap));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_activate (button));
  settle (f);
  g_assert_true (adw_flap_get_reveal_flap (f->window->flap));
  adw_flap_set_reveal_flap (f->window->flap, FALSE);
  settle (f);
  g_assert_true (gtk_widget_get_mapped (button));

  /* Wide, the editor is beside the player: no button */
  resize (f, 1100, 760);
  g_assert_false (gtk_widget_get_visible (button));

  last = inb_window_get_last_slot (f->window);
  inb_test_drop_file (GTK_WIDGET (last), big);
  g_assert_true (inb_keyframe_slot_get_loading (last));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (find_stack (GTK_WIDGET (last))), ==, "loading");
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 60));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (find_stack (GTK_WIDGET (last))), ==, "image");

  load_keyframes (f);
  g_assert_cmpstr (inb_player_get_empty_description (player), ==, "Press Generate to make a take");
  resize (f, 360, 760);
  g_assert_false (gtk_widget_get_visible (button));
}

static gboolean
is_mapped_preferences_page (GtkWidget *widget)
{
  return ADW_IS_PREFERENCES_PAGE (widget);
}

static gboolean
is_view_switcher_bar (GtkWidget *widget)
{
  return ADW_IS_VIEW_SWITCHER_BAR (widget);
}

/* Preferences at 360 px: the General page's rows read whole (the default
 * backend showed "Local (this c…": its row shows the short name now, the
 * full ones in its list), and so do the names of the pages in the
 * switcher at its foot (it showed "WaveSpe…"). */
static void
test_preferences_narrow (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  LabelCheck check = { problems, 0, seen };
  GtkWidget *prefs;
  GtkWidget *page;
  GtkWidget *switcher;

  open_window (f, 360, 760);
  prefs = inb_window_show_preferences (f->window, NULL);
  gtk_window_set_default_size (GTK_WINDOW (prefs), 360, 640);
  for (guint i = 0; i < 30; i++)
    {
      gtk_test_widget_wait_for_draw (prefs);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  page = find_mapped (prefs, is_mapped_preferences_page);
  g_assert_nonnull (page);
  check_labels (&check, page);
  /* and the switcher at its foot names every page whole ("WaveSpe…") */
  switcher = find_mapped (prefs, is_view_switcher_bar);
  g_assert_nonnull (switcher);
  check_labels (&check, switcher);
  g_test_message ("Preferences %d px wide, %u labels on its first page", gtk_widget_get_width (prefs), check.n_labels);
  gtk_window_destroy (GTK_WINDOW (prefs));
  settle (f);
  if (problems->len > 0)
    g_error ("At 360 px Preferences cuts:\n%s", problems->str);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  base = g_dir_make_tmp ("inb-window-sizes-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", base, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  /* With LANGUAGE set (LANGUAGE=zh_CN for the Chinese screenshots), the
   * build tree's catalogs: gtk_test_init() set a locale of its own. */
  if (g_getenv ("LANGUAGE") != NULL && *g_getenv ("LANGUAGE") != '\0' && g_getenv ("INB_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("INB_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  adw_init ();

  first_png = inb_test_write_disc_png (base, "first.png", 480, 320, 120, 160);
  last_png = inb_test_write_disc_png (base, "last.png", 480, 320, 360, 160);
  clip_mp4 = make_clip (base);

  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/sizes/player-controls", Fixture, NULL, fixture_setup, test_player_controls, fixture_teardown);
  g_test_add ("/sizes/player-toggles", Fixture, NULL, fixture_setup, test_player_toggles, fixture_teardown);
  g_test_add ("/sizes/player-keys", Fixture, NULL, fixture_setup, test_player_keys, fixture_teardown);
  g_test_add ("/sizes/player-fullscreen", Fixture, NULL, fixture_setup, test_player_fullscreen, fixture_teardown);
  g_test_add ("/sizes/keyframes", Fixture, NULL, fixture_setup, test_keyframes, fixture_teardown);
  g_test_add ("/sizes/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);
  g_test_add ("/sizes/open-narrow", Fixture, NULL, fixture_setup, test_open_narrow, fixture_teardown);
  g_test_add ("/sizes/jump", Fixture, NULL, fixture_setup, test_jump, fixture_teardown);
  g_test_add ("/sizes/wide-player", Fixture, NULL, fixture_setup, test_wide_player, fixture_teardown);
  g_test_add ("/sizes/take-ready-toast", Fixture, NULL, fixture_setup, test_take_ready_toast, fixture_teardown);
  g_test_add ("/sizes/slot-geometry", Fixture, NULL, fixture_setup, test_slot_geometry, fixture_teardown);
  g_test_add ("/sizes/needs-key", Fixture, NULL, fixture_setup, test_needs_key, fixture_teardown);
  g_test_add ("/sizes/generate-fails-narrow", Fixture, NULL, fixture_setup, test_generate_fails_narrow, fixture_teardown);
  g_test_add ("/sizes/many-takes", Fixture, NULL, fixture_setup, test_many_takes, fixture_teardown);
  g_test_add ("/sizes/take-narrow", Fixture, NULL, fixture_setup, test_take_narrow, fixture_teardown);
  g_test_add ("/sizes/narrow-breaks", Fixture, NULL, fixture_setup, test_narrow_breaks, fixture_teardown);
  g_test_add ("/sizes/toasts-narrow", Fixture, NULL, fixture_setup, test_toasts_narrow, fixture_teardown);
  g_test_add ("/sizes/empty-states", Fixture, NULL, fixture_setup, test_empty_states, fixture_teardown);
  g_test_add ("/sizes/preferences-narrow", Fixture, NULL, fixture_setup, test_preferences_narrow, fixture_teardown);
  g_test_add ("/sizes/screenshots", Fixture, NULL, fixture_setup, test_screenshots, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);
  inb_test_rm_rf (base);
  g_free (base);
  g_free (first_png);
  g_free (last_png);
  g_free (clip_mp4);

  return ret;
}
