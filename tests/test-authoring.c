/* test-authoring.c: the authoring window end to end, under a display
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

#define G_LOG_DOMAIN "test-authoring"

#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "inb-application.h"
#include "inb-backend-registry.h"
#include "inb-take-row.h"
#include "inb-take.h"
#include "inb-test-gtk.h"
#include "inb-window-private.h"

/* Each case gets a window of its own, made from the default settings, and
 * loads what it needs itself; nothing of a case (its window, its settings,
 * a take still running) reaches the next. The application, the folder the
 * takes go to and the keyframe files are the process's. */
typedef struct
{
  InbApplication *app;
  InbWindow      *window;
  char           *dir;
  char           *first_png;
  char           *last_png;
} Fixture;

static InbApplication *the_app;
static char *the_dir;

/* The shared loop of inb-test-gtk.h, with this file's checks (each takes
 * the Fixture). */
#define wait_until(f, check, data, seconds) \
  inb_test_wait_until ((f), (InbTestCheck) (check), (data), (seconds))

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

/* A new window of 1200 × 780 on the screen, drawn, on the local model. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->app = the_app;
  f->dir = the_dir;
  f->first_png = g_build_filename (the_dir, "first.png", NULL);
  f->last_png = g_build_filename (the_dir, "last.png", NULL);
  reset_settings (inb_application_get_settings (f->app));

  f->window = inb_window_new (f->app);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 780);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (inb_window_select_model (f->window, "local", NULL));
}

static gboolean
no_take_running (Fixture       *f,
                 gconstpointer  data)
{
  return inb_session_get_n_active_jobs (inb_application_get_session (f->app)) == 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Every window the case opened goes, one at a time (a window takes its
   * own dialogs with it), and no take of it runs on into the next. */
  for (guint i = 0; i < 20 && g_list_model_get_n_items (toplevels) > 0; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_assert_true (wait_until (f, no_take_running, NULL, 60));
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 0);
  if (f->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  g_free (f->first_png);
  g_free (f->last_png);
}

/* Both keyframes, dropped on their slots: the window can generate. */
static void
load_keyframes (Fixture *f)
{
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), f->first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), f->last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));
  g_assert_null (inb_keyframe_slot_get_error (inb_window_get_first_slot (f->window)));
  g_assert_null (inb_keyframe_slot_get_error (inb_window_get_last_slot (f->window)));
}

static void
test_authoring_drop_paste_swap (Fixture       *f,
                                gconstpointer  data)
{
  InbKeyframeSlot *first = inb_window_get_first_slot (f->window);
  InbKeyframeSlot *last = inb_window_get_last_slot (f->window);
  g_autoptr(GdkTexture) pasted = NULL;
  g_autoptr(GError) error = NULL;
  InbKeyframe *a;
  InbKeyframe *b;

  g_assert_false (inb_window_get_can_generate (f->window));
  g_assert_false (gtk_widget_get_sensitive (inb_window_get_generate_button (f->window)));
  g_assert_nonnull (inb_window_get_generate_problem (f->window));

  inb_test_drop_file (GTK_WIDGET (first), f->first_png);
  g_assert_true (inb_keyframe_slot_get_loading (first));
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  g_assert_null (inb_keyframe_slot_get_error (first));
  g_assert_cmpuint (inb_keyframe_get_width (inb_keyframe_slot_get_keyframe (first)), ==, 96);
  g_assert_cmpint (gdk_texture_get_width (inb_keyframe_slot_get_texture (first)), ==, 96);

  inb_test_drop_file (GTK_WIDGET (last), f->last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
  g_assert_null (inb_keyframe_slot_get_error (last));
  g_assert_cmpuint (inb_keyframe_get_height (inb_keyframe_slot_get_keyframe (last)), ==, 64);

  g_assert_true (inb_window_get_can_generate (f->window));
  g_assert_true (gtk_widget_get_sensitive (inb_window_get_generate_button (f->window)));

  /* Paste an image into the first slot through the clipboard. */
  pasted = gdk_texture_new_from_filename (f->last_png, &error);
  g_assert_no_error (error);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (first)), pasted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "slot.paste", NULL));
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  while (inb_keyframe_slot_get_loading (first) ||
         g_strcmp0 (inb_keyframe_get_display_name (inb_keyframe_slot_get_keyframe (first)), "Pasted image") != 0)
    {
      g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (inb_keyframe_get_width (inb_keyframe_slot_get_keyframe (first)), ==, 96);

  /* Put the first keyframe back by dropping it again, then swap. */
  inb_test_drop_file (GTK_WIDGET (first), f->first_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
  a = inb_keyframe_slot_get_keyframe (first);
  b = inb_keyframe_slot_get_keyframe (last);
  g_assert_true (a != b);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.swap", NULL));
  g_assert_true (inb_keyframe_slot_get_keyframe (first) == b);
  g_assert_true (inb_keyframe_slot_get_keyframe (last) == a);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.swap", NULL);
  g_assert_true (inb_keyframe_slot_get_keyframe (first) == a);

  /* A last keyframe of another shape: said on the slot, framed by the fit
   * policy, and no reason not to generate. */
  {
    g_autofree char *square = inb_test_write_disc_png (f->dir, "square.png", 64, 64, 32, 32);

    inb_test_drop_file (GTK_WIDGET (last), square);
    g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
    g_assert_nonnull (inb_keyframe_slot_get_notice (last));
    g_assert_nonnull (strstr (inb_keyframe_slot_get_notice (last), "64 × 64"));
    g_assert_null (inb_keyframe_slot_get_notice (first));
    g_assert_true (inb_window_get_can_generate (f->window));
    inb_test_drop_file (GTK_WIDGET (last), f->last_png);
    g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
    g_assert_null (inb_keyframe_slot_get_notice (last));
  }

  /* A file that is no image is refused, in words, on the slot. */
  {
    g_autofree char *bogus = g_build_filename (f->dir, "notes.png", NULL);

    g_assert_true (g_file_set_contents (bogus, "just some text", -1, NULL));
    inb_test_drop_file (GTK_WIDGET (last), bogus);
    g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
    g_assert_nonnull (inb_keyframe_slot_get_error (last));
    /* The keyframe that was there is kept (issue 12): still ready */
    g_assert_nonnull (inb_keyframe_slot_get_keyframe (last));
    g_assert_true (inb_window_get_can_generate (f->window));
    inb_test_drop_file (GTK_WIDGET (last), f->last_png);
    g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
    g_assert_null (inb_keyframe_slot_get_error (last));
    g_assert_true (inb_window_get_can_generate (f->window));
  }
}

static void
test_authoring_parameters (Fixture       *f,
                           gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  GtkWidget *duration = inb_param_panel_get_widget (panel, "duration");
  GtkWidget *row = inb_param_panel_get_row (panel, "duration");
  g_autofree char *long_prompt = NULL;

  load_keyframes (f);
  g_assert_true (GTK_IS_SPIN_BUTTON (duration));
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_true (ADW_IS_COMBO_ROW (inb_param_panel_get_row (panel, "resolution")));
  g_assert_true (GTK_IS_SWITCH (inb_param_panel_get_widget (panel, "loop")));
  g_assert_true (inb_window_get_can_generate (f->window));

  /* Out of range: the row says so, Generate is off and says why. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (duration), 12);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (inb_param_panel_get_valid (panel));
  g_assert_false (inb_window_get_can_generate (f->window));
  g_assert_false (gtk_widget_get_sensitive (inb_window_get_generate_button (f->window)));
  /* in the artist's words, what the duration can be (not the value typed) */
  g_test_message ("Generate says: %s", gtk_widget_get_tooltip_text (inb_window_get_generate_button (f->window)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (inb_window_get_generate_button (f->window)),
                            "Duration can be"));

  /* Fixed: all clear again. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (duration), 2);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (inb_window_get_can_generate (f->window));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "frames"));

  /* The local model takes no prompt: whatever is typed never blocks. */
  long_prompt = g_strnfill (5001, 'a');
  inb_window_set_prompt (f->window, long_prompt);
  g_assert_true (inb_window_get_can_generate (f->window));
  inb_window_set_prompt (f->window, "the ball rolls to the right");
  g_assert_true (inb_window_get_can_generate (f->window));
}

static gboolean
job_finished (Fixture       *f,
              gconstpointer  data)
{
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  g_autoptr(InbJob) job = NULL;

  if (g_list_model_get_n_items (jobs) == 0)
    return FALSE;

  job = g_list_model_get_item (jobs, g_list_model_get_n_items (jobs) - 1);

  return inb_job_state_is_terminal (inb_job_get_state (job));
}

static gboolean
job_added (Fixture       *f,
           gconstpointer  data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window))) > GPOINTER_TO_UINT (data);
}

static gboolean
player_ready (Fixture       *f,
              gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_prerolled (playback) && inb_playback_get_texture (playback) != NULL;
}

/* The player has @data (a path) open, and ready: a new window may open
 * with the newest take of the library before its own is done. */
static gboolean
player_shows (Fixture       *f,
              gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));
  GFile *file = inb_playback_get_file (playback);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  return g_strcmp0 (path, data) == 0 && player_ready (f, NULL);
}

static gboolean
shows_frame (Fixture       *f,
             gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_frame (playback) == GPOINTER_TO_UINT (data);
}

static gboolean
has_looped (Fixture       *f,
            gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));

  return inb_playback_get_n_loops (playback) >= 1;
}


static void
test_authoring_generate (Fixture       *f,
                         gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autoptr(InbJob) job = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *clip = NULL;
  guint n_jobs = g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window)));

  load_keyframes (f);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 8);
  json_node_set_string (resolution, "source");
  g_assert_true (inb_param_panel_set_value (panel, "resolution", resolution));
  g_assert_true (inb_window_get_can_generate (f->window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_added, GUINT_TO_POINTER (n_jobs), 30));
  g_assert_true (wait_until (f, job_finished, NULL, 120));

  /* The session's queue: this case's take is the one after those before it */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window))), ==, n_jobs + 1);
  job = g_list_model_get_item (G_LIST_MODEL (inb_window_get_job_queue (f->window)), n_jobs);
  if (inb_job_get_error (job) != NULL)
    g_test_message ("Job error: %s", inb_job_get_error (job)->message);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);

  /* The finished clip opens in the player, which starts on frame 0. */
  clip = inb_take_dup_clip_path (inb_job_get_take (job));
  g_assert_true (wait_until (f, player_shows, clip, 20));
  g_assert_cmpuint (inb_playback_get_n_frames (playback), ==, 9);
  g_assert_true (inb_playback_get_loop (playback));

  /* It plays and loops past the end without stopping. */
  g_assert_true (wait_until (f, has_looped, NULL, 20));
  g_assert_false (inb_playback_get_ended (playback));

  inb_playback_seek_frame (playback, 0);
  g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER (0), 20));
  for (guint i = 1; i <= 5; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inb_window_get_player (f->window)),
                                                 "player.step", "i", 1));
      g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER (i), 20));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (inb_window_get_player (f->window)),
                                             "player.step", "i", -1));
  g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER (4), 20));

  /* The overlay shows the last keyframe over the clip. */
  gtk_widget_activate_action (GTK_WIDGET (inb_window_get_player (f->window)), "player.overlay", "s", "last");
  g_assert_cmpstr (inb_player_get_overlay (inb_window_get_player (f->window)), ==, "last");
  gtk_widget_activate_action (GTK_WIDGET (inb_window_get_player (f->window)), "player.overlay", "s", "none");

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  shot = g_test_build_filename (G_TEST_BUILT, "screenshot-authoring.png", NULL);
  inb_test_save_screenshot (GTK_WIDGET (f->window), shot);
}

static gboolean
slept (Fixture       *f,
       gconstpointer  data)
{
  return g_get_monotonic_time () >= *(const gint64 *) data;
}

static void
wake_cb (gpointer data)
{
}

static void
sleep_ms (Fixture *f,
          guint    ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  g_timeout_add_once (ms, wake_cb, NULL);
  g_assert_true (wait_until (f, slept, &until, ms / 1000 + 5));
}

typedef struct
{
  GArray *gaps;
  gint64  last;
} Probe;

static gboolean
probe_tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  if (probe->last != 0)
    {
      gint64 gap = now - probe->last;

      g_array_append_val (probe->gaps, gap);
    }
  probe->last = now;

  return G_SOURCE_CONTINUE;
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
probe_report (Probe      *probe,
              const char *what)
{
  gint64 p99;
  gint64 max;

  if (probe->gaps->len == 0)
    return;

  g_array_sort (probe->gaps, compare_gaps);
  p99 = g_array_index (probe->gaps, gint64, (probe->gaps->len * 99) / 100);
  max = g_array_index (probe->gaps, gint64, probe->gaps->len - 1);
  g_test_message ("Main loop while %s: %u ticks of 1 ms, p99 gap %.1f ms, longest %.1f ms",
                  what, probe->gaps->len, p99 / 1000.0, max / 1000.0);
}

/* Figures, not asserts: the main loop while a 720p local take is made,
 * opening its clip to the first frame, and single frame steps. */
static void
test_authoring_responsiveness (Fixture       *f,
                               gconstpointer  data)
{
  const char *samples = g_getenv ("INB_SAMPLES_DIR");
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  InbPlayer *player = inb_window_get_player (f->window);
  InbPlayback *playback = inb_player_get_playback (player);
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autoptr(InbJob) job = NULL;
  g_autoptr(GFile) clip_file = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *clip = NULL;
  Probe probe = { g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  guint n_jobs = g_list_model_get_n_items (jobs);
  gint64 start;
  gint64 total = 0;
  guint probe_id;

  if (samples == NULL)
    {
      g_test_skip ("INB_SAMPLES_DIR is not set");
      g_array_unref (probe.gaps);
      return;
    }

  first = g_build_filename (samples, "first.jpg", NULL);
  last = g_build_filename (samples, "last.jpg", NULL);
  if (!g_file_test (first, G_FILE_TEST_EXISTS) || !g_file_test (last, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("No sample keyframes");
      g_array_unref (probe.gaps);
      return;
    }

  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 30));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 30));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 16);
  json_node_set_string (resolution, "720p");
  g_assert_true (inb_param_panel_set_value (panel, "resolution", resolution));

  /* The previous take plays on: stop it, so only the new take counts. */
  inb_playback_pause (playback);
  probe_id = g_timeout_add (1, probe_tick_cb, &probe);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  while (g_list_model_get_n_items (jobs) == n_jobs)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait_until (f, job_finished, NULL, 300));
  g_source_remove (probe_id);
  probe_report (&probe, "a 720p local take was made");

  job = g_list_model_get_item (jobs, g_list_model_get_n_items (jobs) - 1);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);
  clip = inb_take_dup_clip_path (inb_job_get_take (job));
  g_assert_true (wait_until (f, player_shows, clip, 20));
  inb_playback_pause (playback);

  /* Open the clip again, cold, and time it to its first frame. */
  clip_file = g_file_new_for_path (clip);
  inb_player_set_file (player, NULL);
  start = g_get_monotonic_time ();
  inb_player_set_file (player, clip_file);
  g_assert_true (wait_until (f, player_ready, NULL, 20));
  g_test_message ("Opening a 720p clip to its first frame: %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  for (guint i = 1; i <= 10; i++)
    {
      start = g_get_monotonic_time ();
      inb_playback_step (playback, 1);
      g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER (i), 20));
      total += g_get_monotonic_time () - start;
    }
  g_test_message ("Frame step forward, 720p: %.1f ms on average over 10", total / 10000.0);

  /* At a person's pace: each step settles before the next. */
  total = 0;
  for (int i = 9; i >= 0; i--)
    {
      sleep_ms (f, 100);
      start = g_get_monotonic_time ();
      inb_playback_step (playback, -1);
      g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER ((guint) i), 20));
      total += g_get_monotonic_time () - start;
    }
  g_test_message ("Frame step back, 720p: %.1f ms on average over 10", total / 10000.0);

  g_array_set_size (probe.gaps, 0);
  probe.last = 0;
  probe_id = g_timeout_add (1, probe_tick_cb, &probe);
  inb_playback_play (playback);
  g_assert_true (wait_until (f, has_looped, NULL, 20));
  g_source_remove (probe_id);
  inb_playback_pause (playback);
  probe_report (&probe, "the clip played");

  g_array_unref (probe.gaps);
}

/* The picture for the README: the bundled samples, a finished take, the
 * player paused mid-way. Only when INB_SCREENSHOT names where to save it;
 * docs/screenshot.png is made alone, on a fresh window:
 *   INB_SCREENSHOT=$PWD/docs/screenshot.png GDK_BACKEND=x11 GSK_RENDERER=cairo \
 *     GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory dbus-run-session -- \
 *     xvfb-run -a -s "-screen 0 1280x800x24" meson test -C build --no-rebuild \
 *     test-authoring --test-args '-p /authoring/screenshot'
 * (through `meson test`, for the environment of tests/meson.build:
 * GSETTINGS_*, INB_SAMPLES_DIR; `meson devenv` lacks them). */
static void
test_authoring_screenshot (Fixture       *f,
                           gconstpointer  data)
{
  const char *path = g_getenv ("INB_SCREENSHOT");
  const char *samples = g_getenv ("INB_SAMPLES_DIR");
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *clip = NULL;
  g_autoptr(InbJob) job = NULL;
  guint n_jobs;

  if (path == NULL || *path == '\0' || samples == NULL)
    {
      g_test_skip ("Set INB_SCREENSHOT to a PNG path to make the README screenshot");
      return;
    }

  first = g_build_filename (samples, "first.jpg", NULL);
  last = g_build_filename (samples, "last.jpg", NULL);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 30));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 30));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 12);
  json_node_set_string (resolution, "480p");
  g_assert_true (inb_param_panel_set_value (panel, "resolution", resolution));
  inb_window_set_prompt (f->window, "");

  n_jobs = g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  while (g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window))) == n_jobs)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait_until (f, job_finished, NULL, 300));
  job = g_list_model_get_item (G_LIST_MODEL (inb_window_get_job_queue (f->window)), n_jobs);
  clip = inb_take_dup_clip_path (inb_job_get_take (job));
  g_assert_true (wait_until (f, player_shows, clip, 20));

  inb_playback_seek_frame (playback, inb_playback_get_n_frames (playback) / 2);
  g_assert_true (wait_until (f, shows_frame, GUINT_TO_POINTER (inb_playback_get_n_frames (playback) / 2), 20));
  /* Let the toast go, then take the picture. */
  sleep_ms (f, 4500);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  inb_test_save_screenshot (GTK_WIDGET (f->window), path);
}

static GtkWidget *
find_button_in (GtkWidget  *widget,
                const char *icon_name)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_in (child, icon_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The library's row of @job's take */
static InbTakeRow *
find_job_row (GtkWidget *widget,
              InbJob    *job)
{
  if (INB_IS_TAKE_ROW (widget) && inb_take_row_get_entry (INB_TAKE_ROW (widget)) != NULL &&
      g_strcmp0 (inb_take_entry_get_id (inb_take_row_get_entry (INB_TAKE_ROW (widget))),
                 inb_take_get_id (inb_job_get_take (job))) == 0)
    return INB_TAKE_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      InbTakeRow *found = find_job_row (child, job);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
job_running (Fixture       *f,
             gconstpointer  data)
{
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  g_autoptr(InbJob) job = NULL;

  if (g_list_model_get_n_items (jobs) <= GPOINTER_TO_UINT (data))
    return FALSE;

  job = g_list_model_get_item (jobs, g_list_model_get_n_items (jobs) - 1);

  return inb_job_get_state (job) == INB_JOB_RUNNING;
}

/* A long take, cancelled from its row: it ends cancelled, quickly, and a
 * second one can be queued while the first still runs. */
static void
test_authoring_cancel (Fixture       *f,
                       gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autoptr(InbJob) job = NULL;
  guint n_jobs = g_list_model_get_n_items (jobs);
  InbTakeRow *row;
  GtkWidget *cancel;

  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), f->first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), f->last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 30);
  json_node_set_string (resolution, "1080p");
  g_assert_true (inb_param_panel_set_value (panel, "resolution", resolution));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_running, GUINT_TO_POINTER (n_jobs), 60));

  /* Generate stays available while a take runs. */
  g_assert_true (inb_window_get_can_generate (f->window));

  job = g_list_model_get_item (jobs, g_list_model_get_n_items (jobs) - 1);
  row = find_job_row (GTK_WIDGET (f->window), job);
  g_assert_nonnull (row);
  cancel = find_button_in (GTK_WIDGET (row), "process-stop-symbolic");
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_get_visible (cancel));
  g_signal_emit_by_name (cancel, "clicked");

  g_assert_true (wait_until (f, job_finished, NULL, 20));
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_CANCELLED);
  g_assert_false (gtk_widget_get_visible (cancel));
}

/* Every model of every backend gets its panel from its schema alone; the
 * window comes back to the local one as it was. */
static void
test_authoring_every_model (Fixture       *f,
                            gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  g_autoptr(InbBackendRegistry) registry = inb_backend_registry_new_default ();
  GListModel *backends = inb_backend_registry_get_backends (registry);
  guint n_models = 0;
  guint n_limited = 0;

  /* With both keyframes, a prompt over the limit is what stops Generate */
  load_keyframes (f);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      GPtrArray *models = inb_backend_get_models (backend);

      for (guint j = 0; models != NULL && j < models->len; j++)
        {
          InbModel *model = g_ptr_array_index (models, j);
          InbSchema *schema = inb_model_get_schema (model);

          g_assert_true (inb_window_select_model (f->window, inb_backend_get_id (backend), inb_model_get_id (model)));
          for (guint k = 0; k < inb_schema_get_n_params (schema); k++)
            {
              const InbParamSpec *spec = inb_schema_get_param (schema, k);

              g_assert_nonnull (inb_param_panel_get_row (panel, spec->name));
            }
          /* Defaults are always valid. */
          g_assert_true (inb_param_panel_get_valid (panel));

          /* Over the model's prompt limit is an error, not a silent cut. */
          if (inb_model_get_prompt_max_length (model) > 0)
            {
              g_autofree char *text = g_strnfill (inb_model_get_prompt_max_length (model) + 1, 'a');

              inb_window_set_prompt (f->window, text);
              g_assert_false (inb_window_get_can_generate (f->window));
              g_assert_nonnull (strstr (inb_window_get_generate_problem (f->window), "prompt"));
              inb_window_set_prompt (f->window, "");
              n_limited++;
            }
          gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
          n_models++;
        }
    }

  g_test_message ("%u models shown, %u with a prompt limit checked", n_models, n_limited);
  g_assert_cmpuint (n_models, >=, 1);
  g_assert_true (inb_window_select_model (f->window, "local", NULL));
  g_assert_nonnull (inb_param_panel_get_row (panel, "duration"));
}

/* Internal parts of composite widgets are named by their owner. */
static gboolean
is_internal (GtkWidget *widget,
             GtkWidget *root)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL && w != root; w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_MENU_BUTTON (w) || GTK_IS_DROP_DOWN (w) || GTK_IS_SPIN_BUTTON (w) ||
          ADW_IS_COMBO_ROW (w) || ADW_IS_ENTRY_ROW (w) || GTK_IS_WINDOW_CONTROLS (w) ||
          GTK_IS_SCALE (w) || GTK_IS_TEXT_VIEW (w))
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_accessible_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget) && adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != NULL)
    return TRUE;

  return FALSE;
}

static void
check_tree (GtkWidget *widget,
            GtkWidget *root,
            guint     *n_checked)
{
  gboolean interactive = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) ||
                         GTK_IS_SCALE (widget) || GTK_IS_SPIN_BUTTON (widget) ||
                         GTK_IS_SWITCH (widget) || GTK_IS_TEXT_VIEW (widget) ||
                         GTK_IS_DROP_DOWN (widget) || ADW_IS_COMBO_ROW (widget) ||
                         ADW_IS_ENTRY_ROW (widget) || INB_IS_KEYFRAME_SLOT (widget) ||
                         INB_IS_PLAYER (widget);

  if (interactive && !is_internal (widget, root))
    {
      if (!has_accessible_name (widget))
        g_error ("%s (%s, tooltip “%s”) has no accessible name",
                 G_OBJECT_TYPE_NAME (widget), gtk_widget_get_name (widget),
                 gtk_widget_get_tooltip_text (widget));
      (*n_checked)++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_tree (child, root, n_checked);
}

static gboolean
is_within (GtkWidget *widget,
           GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

/* With Tab alone, every step of the loop is reachable: both slots (Enter
 * opens the file chooser there, Ctrl+V pastes), the prompt, each
 * parameter, Generate, and the player's controls. */
static void
test_authoring_keyboard (Fixture       *f,
                         gconstpointer  data)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  GtkWidget *targets[] = {
    GTK_WIDGET (inb_window_get_first_slot (f->window)),
    GTK_WIDGET (inb_window_get_last_slot (f->window)),
    inb_param_panel_get_widget (panel, "duration"),
    inb_param_panel_get_widget (panel, "fps"),
    inb_param_panel_get_row (panel, "resolution"),
    inb_window_get_generate_button (f->window),
    GTK_WIDGET (inb_window_get_player (f->window)),
  };
  gboolean reached[G_N_ELEMENTS (targets)] = { FALSE, };

  /* Generate takes the focus once it can generate */
  load_keyframes (f);
  gtk_window_set_focus (GTK_WINDOW (f->window), NULL);

  for (guint step = 0; step < 300; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD))
        continue;

      focus = gtk_root_get_focus (GTK_ROOT (f->window));
      for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
        if (is_within (focus, targets[i]))
          reached[i] = TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      if (!reached[i])
        g_error ("Tab never reaches %s", G_OBJECT_TYPE_NAME (targets[i]));
    }
}

/* A short take, made and finished: the library lists it and the player
 * has its clip, so their controls are there to check too. */
static void
make_short_take (Fixture *f)
{
  InbParamPanel *panel = inb_window_get_param_panel (f->window);
  GListModel *jobs = G_LIST_MODEL (inb_window_get_job_queue (f->window));
  guint n_jobs = g_list_model_get_n_items (jobs);

  load_keyframes (f);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, job_added, GUINT_TO_POINTER (n_jobs), 30));
  g_assert_true (wait_until (f, job_finished, NULL, 120));
  g_assert_true (wait_until (f, player_ready, NULL, 20));
}

static void
test_authoring_accessible (Fixture       *f,
                           gconstpointer  data)
{
  guint n_checked = 0;

  make_short_take (f);

  check_tree (GTK_WIDGET (f->window), GTK_WIDGET (f->window), &n_checked);
  g_test_message ("%u controls have accessible names", n_checked);
  g_assert_cmpuint (n_checked, >=, 20);
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  int ret;

  /* Takes go to a private folder, never the user's. */
  the_dir = g_dir_make_tmp ("inb-authoring-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", the_dir, TRUE);
  /* The test AT context records accessible properties, so they can be checked. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  first = inb_test_write_disc_png (the_dir, "first.png", 96, 64, 24, 32);
  last = inb_test_write_disc_png (the_dir, "last.png", 96, 64, 70, 28);

  the_app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (the_app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/authoring/drop-paste-swap", Fixture, NULL, fixture_setup, test_authoring_drop_paste_swap, fixture_teardown);
  g_test_add ("/authoring/parameters", Fixture, NULL, fixture_setup, test_authoring_parameters, fixture_teardown);
  g_test_add ("/authoring/every-model", Fixture, NULL, fixture_setup, test_authoring_every_model, fixture_teardown);
  g_test_add ("/authoring/generate", Fixture, NULL, fixture_setup, test_authoring_generate, fixture_teardown);
  g_test_add ("/authoring/accessible", Fixture, NULL, fixture_setup, test_authoring_accessible, fixture_teardown);
  g_test_add ("/authoring/keyboard", Fixture, NULL, fixture_setup, test_authoring_keyboard, fixture_teardown);
  g_test_add ("/authoring/responsiveness", Fixture, NULL, fixture_setup, test_authoring_responsiveness, fixture_teardown);
  g_test_add ("/authoring/cancel", Fixture, NULL, fixture_setup, test_authoring_cancel, fixture_teardown);
  g_test_add ("/authoring/screenshot", Fixture, NULL, fixture_setup, test_authoring_screenshot, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&the_app);
  remove_tree (the_dir);
  g_free (the_dir);

  return ret;
}
