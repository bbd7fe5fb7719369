/* test-comfyui-window.c — the window against the fake ComfyUI
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Next to the model selector, the server's health (version, GPU, free
 * memory; "Not reachable" with the address when nothing answers), and the
 * same in Preferences. A take: the player shows the sampler's previews,
 * marked as previews, while the take's progress goes through both passes
 * with a time left; then the clip plays. Cancel on the take's row
 * interrupts that prompt at the server. A model file the server lacks is
 * named, and nothing is queued. A workflow of one's own imported (from
 * the window, a drop, or Preferences' button), and replaced under a name
 * taken after a question naming the model. Plain http to another
 * computer (a fake bound to this machine's network address) said in a
 * toast once a run. Screenshots land in the build folder.
 */
#define G_LOG_DOMAIN "test-comfyui-window"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "inb-application.h"
#include "inb-preferences-window.h"
#include "inb-take-row.h"
#include "inb-test-fake.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"
#include "inb-workflow-dialog.h"

typedef struct
{
  InbApplication *app;
  InbWindow      *window;
  InbFakeServer  *fake;
  char           *dir;
  char           *clip;
  char           *first_png;
  char           *last_png;

  /* what a take went through */
  InbJob         *job;
  GPtrArray      *stages;
  double          last_fraction;
  gboolean        went_back;
  double          eta;
  guint           previews_shown;
  gboolean        preview_in_pass_2;   /* a preview shown while pass 2 ran */
} Fixture;

#define wait_until(f, check, data, seconds) \
  inb_test_wait_until ((f), (InbTestCheck) (check), (data), (seconds))

static void
load_keyframes (Fixture *f)
{
  InbKeyframeSlot *first = inb_window_get_first_slot (f->window);
  InbKeyframeSlot *last = inb_window_get_last_slot (f->window);

  if (inb_keyframe_slot_get_keyframe (first) == NULL)
    {
      inb_test_drop_file (GTK_WIDGET (first), f->first_png);
      g_assert_true (wait_until (f, inb_test_slot_loaded, first, 20));
    }
  if (inb_keyframe_slot_get_keyframe (last) == NULL)
    {
      inb_test_drop_file (GTK_WIDGET (last), f->last_png);
      g_assert_true (wait_until (f, inb_test_slot_loaded, last, 20));
    }
}

static void
set_steps (Fixture *f,
           gint64   steps)
{
  g_autoptr(JsonNode) node = json_node_init_int (json_node_alloc (), steps);

  g_assert_true (inb_param_panel_set_value (inb_window_get_param_panel (f->window), "steps", node));
}

static gboolean
status_known (Fixture       *f,
              gconstpointer  data)
{
  return inb_window_get_server_status (f->window, NULL) != NULL;
}

static gboolean
newest_job_exists (Fixture       *f,
                   gconstpointer  data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (inb_window_get_job_queue (f->window))) > GPOINTER_TO_UINT (data);
}

static gboolean
job_ended (Fixture       *f,
           gconstpointer  data)
{
  return inb_job_state_is_terminal (inb_job_get_state (f->job));
}

static gboolean
preview_shown (Fixture       *f,
               gconstpointer  data)
{
  return inb_player_get_preview (inb_window_get_player (f->window)) != NULL;
}

static gboolean
stage_has (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *stage = inb_job_dup_stage (f->job);

  return stage != NULL && strstr (stage, data) != NULL;
}

static gboolean
clip_playing (Fixture       *f,
              gconstpointer  data)
{
  InbPlayer *player = inb_window_get_player (f->window);
  InbPlayback *playback = inb_player_get_playback (player);

  return inb_player_get_preview (player) == NULL && inb_playback_get_prerolled (playback) &&
         inb_playback_get_texture (playback) != NULL;
}

static void
job_notify_cb (InbJob     *job,
               GParamSpec *pspec,
               Fixture    *f)
{
  g_autofree char *stage = inb_job_dup_stage (job);
  double fraction = inb_job_get_fraction (job);

  if (fraction < f->last_fraction)
    f->went_back = TRUE;
  f->last_fraction = fraction;
  if (inb_job_get_eta (job) > 0)
    f->eta = inb_job_get_eta (job);
  if (stage != NULL && (f->stages->len == 0 || g_strcmp0 (g_ptr_array_index (f->stages, f->stages->len - 1), stage) != 0))
    g_ptr_array_add (f->stages, g_strdup (stage));
  if (inb_player_get_preview (inb_window_get_player (f->window)) != NULL)
    {
      f->previews_shown++;
      if (stage != NULL && strstr (stage, "pass 2 of 2") != NULL)
        f->preview_in_pass_2 = TRUE;
    }
}

static gboolean
saw_stage (Fixture    *f,
           const char *needle)
{
  for (guint i = 0; i < f->stages->len; i++)
    if (strstr (g_ptr_array_index (f->stages, i), needle) != NULL)
      return TRUE;

  return FALSE;
}

static gboolean
stage_seen (Fixture       *f,
            gconstpointer  data)
{
  return saw_stage (f, data);
}

/* Pass 1 has reached its third step, or gone further (a loaded machine
 * may see the steps coalesced and never step 3 itself) */
static gboolean
pass_1_step_3_or_later (Fixture       *f,
                        gconstpointer  data)
{
  for (guint i = 0; i < f->stages->len; i++)
    {
      const char *stage = g_ptr_array_index (f->stages, i);
      const char *step = strstr (stage, "pass 1 of 2: step ");

      if (strstr (stage, "pass 2 of 2") != NULL ||
          (step != NULL && g_ascii_strtoull (step + strlen ("pass 1 of 2: step "), NULL, 10) >= 3))
        return TRUE;
    }

  return FALSE;
}

static gboolean
time_passed (Fixture       *f,
             gconstpointer  data)
{
  return g_get_monotonic_time () >= *(const gint64 *) data;
}

/* Lets the window run (transitions, redraws) for @ms */
static void
settle (Fixture *f,
        guint    ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  wait_until (f, time_passed, &until, 10);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/* @window at 1100 and 360 px wide, saved as PREFIX-WIDTH.png in the build
 * directory; the main window goes back to its size after */
static void
save_at_widths (Fixture    *f,
                GtkWidget  *window,
                const char *prefix)
{
  const int widths[] = { 1100, 360 };
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%d.png", prefix, widths[i]);
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 800);
      settle (f, 300);
      gtk_test_widget_wait_for_draw (window);
      inb_test_save_screenshot (window, path);
      g_test_message ("Screenshot at %d px (asked %d): %s", gtk_widget_get_width (window), widths[i], path);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  settle (f, 300);
}

/* Generate, and follow the take's job */
static void
start_take (Fixture *f)
{
  InbJobQueue *queue = inb_window_get_job_queue (f->window);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));

  g_clear_object (&f->job);
  g_ptr_array_set_size (f->stages, 0);
  f->last_fraction = 0;
  f->went_back = FALSE;
  f->eta = -1;
  f->previews_shown = 0;
  f->preview_in_pass_2 = FALSE;

  g_assert_true (inb_window_get_can_generate (f->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, newest_job_exists, GUINT_TO_POINTER (before), 20));
  f->job = g_list_model_get_item (G_LIST_MODEL (queue), g_list_model_get_n_items (G_LIST_MODEL (queue)) - 1);
  g_assert_cmpstr (inb_backend_get_id (inb_job_get_backend (f->job)), ==, "comfyui");
  g_signal_connect (f->job, "notify::fraction", G_CALLBACK (job_notify_cb), f);
  g_signal_connect (f->job, "notify::stage", G_CALLBACK (job_notify_cb), f);
  /* every stage reaches the window from here on, however late its main
   * loop runs (the screenshots hold it up while the passes go) */
  inb_progress_set_deliver_every_stage (inb_job_get_progress (f->job), TRUE);
}

static void
stop_following (Fixture *f)
{
  inb_progress_set_deliver_every_stage (inb_job_get_progress (f->job), FALSE);
  g_signal_handlers_disconnect_by_data (f->job, f);
}

/* The server's health next to the model selector: what answers, or,
 * when nothing does, said with the address */
static void
test_status (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *shot = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-status.png", NULL);
  gboolean reachable = FALSE;
  const char *status;

  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  g_assert_true (wait_until (f, status_known, NULL, 20));
  status = inb_window_get_server_status (f->window, &reachable);
  g_test_message ("Server: %s", status);
  g_assert_true (reachable);
  g_assert_true (g_str_has_prefix (status, "ComfyUI 0.3.60 · NVIDIA GeForce RTX 4090 · 20.1"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->server_status)));
  g_assert_nonnull (strstr (gtk_label_get_label (f->window->server_status_label), "RTX 4090"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  inb_test_save_screenshot (GTK_WIDGET (f->window), shot);

  /* the local engine has no server: nothing shown */
  g_assert_true (inb_window_select_model (f->window, "local", "flow"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window->server_status)));
}

static gboolean
prefs_status_known (Fixture       *f,
                    gconstpointer  data)
{
  const char *status = inb_preferences_window_get_server_status ((InbPreferencesWindow *) data, "comfyui");

  return status != NULL && strstr (status, "Checking") == NULL;
}

/* Preferences: the address set there is the one checked (and used) */
static void
test_preferences (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  GtkWidget *prefs = inb_window_show_preferences (f->window, "comfyui");
  const char *status;

  g_assert_true (wait_until (f, prefs_status_known, prefs, 20));
  status = inb_preferences_window_get_server_status (INB_PREFERENCES_WINDOW (prefs), "comfyui");
  g_test_message ("Preferences: %s", status);
  g_assert_true (g_str_has_prefix (status, "ComfyUI 0.3.60"));
  /* where the answer came from (the environment's address here) */
  g_assert_nonnull (strstr (status, inb_fake_server_get_base_url (f->fake)));
  save_at_widths (f, prefs, "screenshot-comfyui-preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* with the environment's address gone, Preferences' address is used: a
   * wrong one is said to be unreachable, naming it */
  g_unsetenv ("INBETWEEN_COMFYUI_URL");
  prefs = inb_window_show_preferences (f->window, "comfyui");
  inb_session_set_saved_url (f->window->session, inb_session_lookup_backend (f->window->session, "comfyui"),
                             "http://127.0.0.1:9");
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  _inb_window_check_server (f->window);
  g_assert_true (wait_until (f, status_known, NULL, 20));
  {
    gboolean reachable = TRUE;
    const char *text = inb_window_get_server_status (f->window, &reachable);

    g_assert_false (reachable);
    g_assert_nonnull (strstr (text, "http://127.0.0.1:9"));
    g_assert_cmpstr (gtk_label_get_label (f->window->server_status_label), ==, "Not reachable");
  }
  /* back to the fake, through Preferences */
  inb_session_set_saved_url (f->window->session, inb_session_lookup_backend (f->window->session, "comfyui"),
                             inb_fake_server_get_base_url (f->fake));
  _inb_window_check_server (f->window);
  g_assert_true (wait_until (f, status_known, NULL, 20));
  g_assert_true (g_str_has_prefix (inb_window_get_server_status (f->window, NULL), "ComfyUI"));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* A take: previews while sampling, marked as such; progress through both
 * passes with a time left; then the clip plays */
static void
test_generate (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *shot = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-preview.png", NULL);
  g_autofree char *done_shot = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-done.png", NULL);
  InbPlayer *player = inb_window_get_player (f->window);
  GdkPaintable *preview;

  inb_fake_server_reset (f->fake);
  inb_fake_server_script (f->fake, "{\"step_ms\": 250}");
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  load_keyframes (f);
  inb_window_set_prompt (f->window, "A red balloon drifts over the hills");
  set_steps (f, 20);   /* long enough for the screenshots at two widths */

  start_take (f);
  g_assert_true (wait_until (f, preview_shown, NULL, 30));
  preview = inb_player_get_preview (player);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (preview), ==, 104);
  g_assert_true (wait_until (f, pass_1_step_3_or_later, NULL, 30));
  settle (f, 300);
  inb_test_save_screenshot (GTK_WIDGET (f->window), shot);
  g_test_message ("Screenshot with a preview: %s", shot);
  save_at_widths (f, GTK_WIDGET (f->window), "screenshot-comfyui-preview");
  g_assert_nonnull (inb_player_get_preview (player));

  /* On a loaded machine pass 2 may come and go while the screenshots are
   * taken: what counts is what the window showed while it ran */
  g_assert_true (wait_until (f, stage_seen, "pass 2 of 2", 30));
  g_assert_true (f->preview_in_pass_2);
  g_assert_true (wait_until (f, job_ended, NULL, 60));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_DONE);

  g_assert_true (saw_stage (f, "Sampling, pass 1 of 2"));
  g_assert_true (saw_stage (f, "Sampling, pass 2 of 2"));
  g_assert_false (f->went_back);
  g_assert_cmpfloat (f->eta, >, 0.0);
  g_assert_cmpuint (f->previews_shown, >, 0);

  /* then the clip plays, no preview left */
  if (!wait_until (f, clip_playing, NULL, 30))
    {
      InbPlayback *playback = inb_player_get_playback (player);
      GFile *file = inb_playback_get_file (playback);
      InbTakeEntry *selected = inb_library_panel_get_selected (f->window->library_panel);

      g_error ("No clip: preview %p, file %s, prerolled %d, selected %s state %d clip %d",
               (void *) inb_player_get_preview (player), file != NULL ? g_file_peek_path (file) : "none",
               inb_playback_get_prerolled (playback),
               selected != NULL ? inb_take_entry_get_dir (selected) : "none",
               selected != NULL ? (int) inb_take_entry_get_state (selected) : -1,
               selected != NULL ? inb_take_entry_get_has_clip (selected) : -1);
    }
  g_assert_null (inb_player_get_preview (player));
  settle (f, 600);   /* the player's crossfade */
  inb_test_save_screenshot (GTK_WIDGET (f->window), done_shot);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
}

static gboolean
row_shown (Fixture       *f,
           gconstpointer  data)
{
  InbLibrary *library = inb_session_get_library (f->window->session);
  InbTakeEntry *entry = inb_library_lookup (library, inb_take_get_id (inb_job_get_take (f->job)));

  return entry != NULL && inb_library_panel_find_row (f->window->library_panel, entry) != NULL;
}

/* Cancel on the take's row: that prompt is interrupted at the server */
static void
test_cancel (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  InbLibrary *library = inb_session_get_library (f->window->session);
  g_autofree char *path = NULL;
  InbTakeEntry *entry;
  InbTakeRow *row;
  JsonObject *submit;
  g_autofree char *prompt_id = NULL;

  inb_fake_server_reset (f->fake);
  inb_fake_server_script (f->fake, "{\"step_ms\": 100}");
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  load_keyframes (f);
  set_steps (f, 60);

  start_take (f);
  g_assert_true (wait_until (f, stage_has, "pass 1 of 2: step", 30));
  g_assert_true (wait_until (f, row_shown, NULL, 10));
  entry = inb_library_lookup (library, inb_take_get_id (inb_job_get_take (f->job)));
  row = inb_library_panel_find_row (f->window->library_panel, entry);
  g_assert_true (gtk_widget_get_visible (inb_take_row_get_cancel_button (row)));
  g_signal_emit_by_name (inb_take_row_get_cancel_button (row), "clicked");

  g_assert_true (wait_until (f, job_ended, NULL, 30));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_CANCELLED);
  g_assert_null (inb_player_get_preview (inb_window_get_player (f->window)));

  submit = inb_test_fake_find (f->fake, "POST", "/prompt", 0);
  prompt_id = g_strdup (json_object_get_string_member (json_object_get_object_member (submit, "info"), "prompt_id"));
  path = g_strdup_printf ("/api/jobs/%s/cancel", prompt_id);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", path), ==, 1);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);
}

static void
set_number (Fixture    *f,
            const char *name,
            double      value)
{
  g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), value);

  g_assert_true (inb_param_panel_set_value (inb_window_get_param_panel (f->window), name, node));
}

/* What an artist weighs before a take: each size preset says what it asks
 * of the GPU, and the duration says the frame count it becomes (4n+1 at
 * the rate), following the duration and the rate */
static void
test_parameters (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  const char *models[] = { "wan2.2-flf2v", "wan2.2-flf2v-lightning", "wan2.1-flf2v" };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      InbParamPanel *panel;
      GtkWidget *size, *duration;
      GListModel *labels;
      guint n_presets = 0;

      g_assert_true (inb_window_select_model (f->window, "comfyui", models[m]));
      panel = inb_window_get_param_panel (f->window);
      size = inb_param_panel_get_row (panel, "size");
      g_assert_true (ADW_IS_COMBO_ROW (size));
      labels = adw_combo_row_get_model (ADW_COMBO_ROW (size));
      for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
        {
          const char *label = gtk_string_list_get_string (GTK_STRING_LIST (labels), i);

          if (strstr (label, "Custom") != NULL)
            continue;
          n_presets++;
          if (strstr (label, "VRAM") == NULL && strstr (label, "GB") == NULL && strstr (label, "GPU") == NULL)
            g_error ("%s: the size “%s” says nothing of the GPU it needs", models[m], label);
        }
      g_assert_cmpuint (n_presets, >=, 4);
      /* the chosen preset's VRAM hint reads whole under the row's title */
      {
        const char *label = gtk_string_list_get_string (GTK_STRING_LIST (labels),
                                                        adw_combo_row_get_selected (ADW_COMBO_ROW (size)));
        const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (size));

        g_test_message ("%s: size %s: %s", models[m], label, subtitle);
        g_assert_nonnull (strstr (label, " · "));
        g_assert_true (g_str_has_suffix (subtitle, strstr (label, " · ")));
      }

      duration = inb_param_panel_get_row (panel, "duration");
      g_assert_true (ADW_IS_ACTION_ROW (duration));
      set_number (f, "fps", 16);
      set_number (f, "duration", 5);
      g_test_message ("%s: %s", models[m], adw_action_row_get_subtitle (ADW_ACTION_ROW (duration)));
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (duration)), "81 frames at 16 fps"));
      set_number (f, "duration", 2);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (duration)), "33 frames at 16 fps"));
      set_number (f, "fps", 24);
      set_number (f, "duration", 5);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (duration)), "121 frames at 24 fps"));
      set_number (f, "fps", 16);
    }
  {
    g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-parameters-1100.png", NULL);

    gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
    settle (f, 300);
    inb_test_save_screenshot (GTK_WIDGET (f->window), path);
    g_free (path);
    path = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-parameters-size-1100.png", NULL);
    {
      /* scrolled to the size */
      GtkWidget *size = inb_param_panel_get_row (inb_window_get_param_panel (f->window), "size");
      GtkWidget *scrolled = gtk_widget_get_ancestor (size, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      graphene_point_t at;

      g_assert_true (gtk_widget_compute_point (size, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                               &GRAPHENE_POINT_INIT (0, 0), &at));
      gtk_adjustment_set_value (adjustment, at.y - 120);
      settle (f, 300);
    }
    inb_test_save_screenshot (GTK_WIDGET (f->window), path);
    gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
    settle (f, 300);
  }
}

/* A model file the server lacks: named, nothing queued */
static void
test_missing_model (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  const GError *error;

  inb_fake_server_reset (f->fake);
  inb_fake_server_script (f->fake, "{\"models_missing\": [\"wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors\"]}");
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v-lightning"));
  load_keyframes (f);

  start_take (f);
  g_assert_true (wait_until (f, job_ended, NULL, 30));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_FAILED);
  error = inb_job_get_error (f->job);
  g_assert_nonnull (error);
  g_test_message ("Missing model: %s", error->message);
  g_assert_nonnull (strstr (error->message,
                            "wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors is not in loras on the server"));
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 0);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/upload"), ==, 0);
  inb_fake_server_script (f->fake, "{\"models_missing\": []}");
}

static gboolean
dialog_shown (Fixture       *f,
              gconstpointer  data)
{
  return inb_window_get_workflow_dialog (f->window) != NULL;
}

static gboolean
dialog_gone (Fixture       *f,
             gconstpointer  data)
{
  return inb_window_get_workflow_dialog (f->window) == NULL;
}

/* The message dialog saying @data, or NULL */
static GtkWindow *
find_message (const char *needle)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (window)), needle) != NULL)
        return window;
    }

  return NULL;
}

static gboolean
message_shown (Fixture       *f,
               gconstpointer  data)
{
  return find_message (data) != NULL;
}

/* Chooses @value (a candidate of @role_id) in the dialog's row for it */
static void
choose_in_row (InbWorkflowDialog *dialog,
               const char        *role_id,
               const char        *value)
{
  InbWorkflowMapping *mapping = inb_workflow_dialog_get_mapping (dialog);
  AdwComboRow *row = inb_workflow_dialog_get_role_row (dialog, role_id);
  int role = inb_workflow_mapping_find_role (mapping, role_id);

  g_assert_nonnull (row);
  for (guint c = 0; c < inb_workflow_mapping_get_n_candidates (mapping, role); c++)
    if (g_strcmp0 (inb_workflow_mapping_get_candidate_value (mapping, role, c), value) == 0)
      {
        adw_combo_row_set_selected (row, c);
        g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (mapping, role), ==, value);
        return;
      }

  g_error ("%s: no candidate %s", role_id, value != NULL ? value : "(none)");
}

/* A workflow of one's own from the window: "Import Workflow…" shows where
 * the models are chosen; the file opened shows what was found, one row per
 * part; a required part left unmapped keeps Save off, saying which; a
 * corrected part is saved; the new model is chosen in the selector and
 * `inbetween backends` lists it. Dropped on the window: the same dialog;
 * the editor's format is refused with the command line's words. */
static void
test_import (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *source = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                              "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *mine = g_build_filename (f->dir, "my-own-flow.json", NULL);
  g_autofree char *editor = g_build_filename (f->dir, "editor-flow.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (mine);
  InbWorkflowDialog *dialog;
  InbBackend *backend;
  AdwComboRow *row;
  GtkWindow *message;
  guint n_choices;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (mine, text, -1, NULL));

  /* where the models are chosen: for a backend that imports workflows */
  g_assert_true (inb_window_select_model (f->window, "local", "flow"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window->import_workflow_button)));
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window->import_workflow_button)));
  n_choices = f->window->choices->len;

  g_assert_true (inb_window_import_workflow (f->window, file, NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 20));
  dialog = INB_WORKFLOW_DIALOG (inb_window_get_workflow_dialog (f->window));
  settle (f, 200);

  /* what was found, said with node id, class and input */
  g_assert_cmpstr (inb_workflow_dialog_get_problem (dialog), ==, "");
  row = inb_workflow_dialog_get_role_row (dialog, "first_image");
  g_test_message ("First keyframe: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "68 · LoadImage"));
  g_assert_nonnull (inb_workflow_dialog_get_role_row (dialog, "output"));
  g_assert_nonnull (inb_workflow_dialog_get_role_row (dialog, "seed"));

  /* a required part unmapped: Save is off, and says which */
  choose_in_row (dialog, "output", NULL);
  g_test_message ("Unmapped: %s", inb_workflow_dialog_get_problem (dialog));
  g_assert_nonnull (strstr (inb_workflow_dialog_get_problem (dialog), "Video output"));
  g_assert_false (gtk_widget_is_sensitive (inb_workflow_dialog_get_save_button (dialog)));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.save", NULL);
  settle (f, 200);
  g_assert_true (inb_window_get_workflow_dialog (f->window) != NULL);
  g_assert_null (inb_backend_find_model (inb_session_lookup_backend (f->window->session, "comfyui"),
                                         "flow-from-the-window"));
  save_at_widths (f, GTK_WIDGET (dialog), "screenshot-comfyui-import-unmapped");

  /* corrected: the keyframes swapped, the output back, a name */
  choose_in_row (dialog, "output", "61");
  choose_in_row (dialog, "first_image", "62.image");
  choose_in_row (dialog, "last_image", "68.image");
  gtk_editable_set_text (inb_workflow_dialog_get_name_editable (dialog), "Flow From The Window");
  g_assert_cmpstr (inb_workflow_dialog_get_problem (dialog), ==, "");
  g_assert_true (gtk_widget_is_sensitive (inb_workflow_dialog_get_save_button (dialog)));
  save_at_widths (f, GTK_WIDGET (dialog), "screenshot-comfyui-import");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.save", NULL));
  g_assert_true (wait_until (f, dialog_gone, NULL, 20));

  /* the new model: in the selector, chosen, with the correction */
  backend = inb_session_lookup_backend (f->window->session, "comfyui");
  g_assert_nonnull (inb_backend_find_model (backend, "flow-from-the-window"));
  g_assert_cmpuint (f->window->choices->len, ==, n_choices + 1);
  g_assert_true (f->window->backend == backend);
  g_assert_cmpstr (inb_model_get_id (f->window->model), ==, "flow-from-the-window");
  {
    const Choice *choice = &g_array_index (f->window->choices, Choice,
                                           gtk_drop_down_get_selected (f->window->model_dropdown));

    g_assert_cmpstr (inb_model_get_id (choice->model), ==, "flow-from-the-window");
  }
  g_assert_nonnull (strstr (inb_window_get_model_subtitle (f->window), "Flow From The Window"));
  g_assert_true (inb_window_select_model (f->window, "comfyui", "flow-from-the-window"));

  /* the command line lists it: the same file it imports to */
  {
    const char *argv[] = { g_getenv ("INB_BINARY"), "backends", NULL };
    g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL);
    g_autofree char *out = NULL;

    g_assert_nonnull (process);
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, NULL));
    g_assert_nonnull (strstr (out, "flow-from-the-window — Flow From The Window"));
  }

  /* dropped on the window: the editor's format refused in the command line's words */
  g_assert_true (g_file_set_contents (editor, "{\"nodes\": [], \"links\": [], \"version\": 0.4}", -1, NULL));
  inb_test_drop_file (GTK_WIDGET (f->window->library_flap), editor);
  g_assert_true (wait_until (f, message_shown, "editor-flow.json is a workflow in the ComfyUI editor's format", 20));
  message = find_message ("Export (API)");
  g_assert_nonnull (message);
  gtk_window_destroy (message);

  /* and an API one: the same dialog */
  inb_test_drop_file (GTK_WIDGET (f->window->library_flap), mine);
  g_assert_true (wait_until (f, dialog_shown, NULL, 20));
  dialog = INB_WORKFLOW_DIALOG (inb_window_get_workflow_dialog (f->window));
  g_assert_cmpstr (inb_workflow_mapping_get_title (inb_workflow_dialog_get_mapping (dialog)), ==, "my-own-flow");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.cancel", NULL);
  g_assert_true (wait_until (f, dialog_gone, NULL, 20));
}

static gboolean
confirmation_shown (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *dialog = inb_window_get_workflow_dialog (f->window);

  return dialog != NULL && inb_workflow_dialog_get_confirmation (INB_WORKFLOW_DIALOG (dialog)) != NULL;
}

static gboolean
confirmation_gone (Fixture       *f,
                   gconstpointer  data)
{
  return !confirmation_shown (f, data);
}

/* The button in @widget labelled @label ("_Replace"), or NULL */
static GtkWidget *
find_labelled_button (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static guint
count_labelled_buttons (GtkWidget  *widget,
                        const char *label)
{
  guint n = GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_labelled_buttons (child, label);

  return n;
}

/* Clicks the response labelled @label of the question @confirmation asks */
static void
answer (AdwMessageDialog *confirmation,
        const char       *label)
{
  GtkWidget *button = find_labelled_button (GTK_WIDGET (confirmation), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The saved file of the imported model @id */
static char *
imported_file (const char *id)
{
  g_autofree char *name = g_strconcat (id, ".json", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "inbetween", "comfyui", "workflows", name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Where the saved model @contents takes the first keyframe ("62.image") */
static char *
first_image_of (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (contents, &error);
  JsonObject *bind;

  g_assert_no_error (error);
  bind = json_object_get_object_member (json_object_get_object_member (json_node_get_object (root), "x-comfyui"),
                                        "bind");
  return g_strdup (json_array_get_string_element (json_object_get_array_member (bind, "first_image"), 0));
}

/* A name a workflow of one's own has already (after /import): Save asks
 * "Replace …?", naming that model by its name and id; Cancel keeps it
 * (and says the name is taken), Replace puts the new workflow in its
 * place — the selector keeps one entry for it, the window chooses it */
static void
test_import_replace (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *mine = g_build_filename (f->dir, "my-own-flow.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (mine);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *first_before = NULL;
  g_autofree char *first_after = NULL;
  g_autofree char *shot = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-import-replace.png", NULL);
  g_autoptr(InbModel) old = NULL;
  InbBackend *backend = inb_session_lookup_backend (f->window->session, "comfyui");
  InbWorkflowDialog *dialog;
  AdwMessageDialog *confirmation;
  InbModel *model;
  guint n_choices = f->window->choices->len;

  old = inb_backend_find_model (backend, "flow-from-the-window");
  g_assert_nonnull (old);
  g_object_ref (old);
  before = imported_file ("flow-from-the-window");
  /* it was saved with the keyframes swapped (/import) */
  first_before = first_image_of (before);
  g_assert_cmpstr (first_before, ==, "62.image");

  g_assert_true (inb_window_import_workflow (f->window, file, NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 20));
  dialog = INB_WORKFLOW_DIALOG (inb_window_get_workflow_dialog (f->window));
  gtk_editable_set_text (inb_workflow_dialog_get_name_editable (dialog), "Flow From The Window");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.save", NULL));

  /* asked, naming the model replaced */
  g_assert_true (wait_until (f, confirmation_shown, NULL, 20));
  confirmation = inb_workflow_dialog_get_confirmation (dialog);
  g_test_message ("%s — %s", adw_message_dialog_get_heading (confirmation),
                  adw_message_dialog_get_body (confirmation));
  g_assert_cmpstr (adw_message_dialog_get_heading (confirmation), ==, "Replace “Flow From The Window”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirmation),
                            "ComfyUI already has “Flow From The Window” (flow-from-the-window)"));
  settle (f, 300);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (confirmation));
  inb_test_save_screenshot (GTK_WIDGET (confirmation), shot);

  /* Cancel: nothing replaced, the dialog stays and says why */
  answer (confirmation, "_Cancel");
  g_assert_true (wait_until (f, confirmation_gone, NULL, 20));
  settle (f, 200);
  g_assert_true (inb_window_get_workflow_dialog (f->window) == GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (inb_workflow_dialog_get_problem (dialog), "taken"));
  g_assert_true (inb_backend_find_model (backend, "flow-from-the-window") == old);
  after = imported_file ("flow-from-the-window");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Replace: the new workflow (its keyframes as found) in its place */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.save", NULL));
  g_assert_true (wait_until (f, confirmation_shown, NULL, 20));
  answer (inb_workflow_dialog_get_confirmation (dialog), "_Replace");
  g_assert_true (wait_until (f, dialog_gone, NULL, 20));

  model = inb_backend_find_model (backend, "flow-from-the-window");
  g_assert_nonnull (model);
  g_assert_true (model != old);
  after = imported_file ("flow-from-the-window");
  first_after = first_image_of (after);
  g_assert_cmpstr (first_after, ==, "68.image");
  g_assert_cmpuint (f->window->choices->len, ==, n_choices);
  g_assert_true (f->window->model == model);
  /* the one replaced stays usable for whoever held it */
  g_assert_cmpstr (inb_model_get_id (old), ==, "flow-from-the-window");
}

static gboolean
chooser_has_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GFile) chosen = NULL;

  if (f->window->workflow_chooser == NULL)
    return FALSE;
  chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (f->window->workflow_chooser));
  return chosen != NULL && g_file_equal (chosen, (GFile *) data);
}

/* Preferences' "Import Workflow" row (on the page of a backend that
 * imports workflows, and only there): its button opens the window's file
 * chooser for that backend, whatever model the window has chosen; the
 * file chosen opens the import dialog for that backend */
static void
test_preferences_import (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *mine = g_build_filename (f->dir, "my-own-flow.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (mine);
  InbBackend *comfyui = inb_session_lookup_backend (f->window->session, "comfyui");
  GtkWidget *prefs;
  GtkWidget *button;
  GtkWidget *dialog;
  guint n_import_pages = 0;
  g_autofree char *source = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                              "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (mine, text, -1, NULL));

  /* the window on another backend's model: the button's backend counts */
  g_assert_true (inb_window_select_model (f->window, "local", "flow"));
  g_assert_null (f->window->workflow_chooser);

  prefs = inb_window_show_preferences (f->window, "comfyui");
  settle (f, 200);
  {
    GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (f->window->session));

    for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
      {
        g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

        n_import_pages += inb_backend_can_import_workflows (backend);
      }
  }
  g_assert_cmpuint (n_import_pages, ==, 1);
  g_assert_cmpuint (count_labelled_buttons (prefs, "_Import…"), ==, n_import_pages);
  button = find_labelled_button (prefs, "_Import…");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_ancestor (button, GTK_WIDGET (adw_preferences_window_get_visible_page (
                                                     ADW_PREFERENCES_WINDOW (prefs)))));
  g_assert_cmpstr (adw_preferences_page_get_name (adw_preferences_window_get_visible_page (
                     ADW_PREFERENCES_WINDOW (prefs))), ==, "comfyui");

  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (f->window->workflow_chooser);
  g_assert_cmpstr (f->window->workflow_backend_id, ==, "comfyui");
  g_assert_true (gtk_native_dialog_get_transient_for (GTK_NATIVE_DIALOG (f->window->workflow_chooser)) ==
                 GTK_WINDOW (f->window));

  /* a file chosen: the dialog for ComfyUI, though the window is on local */
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (f->window->workflow_chooser), file, NULL));
  g_assert_true (wait_until (f, chooser_has_file, file, 20));
  g_signal_emit_by_name (f->window->workflow_chooser, "response", GTK_RESPONSE_ACCEPT);
  g_assert_null (f->window->workflow_chooser);
  g_assert_true (wait_until (f, dialog_shown, NULL, 20));
  dialog = inb_window_get_workflow_dialog (f->window);
  g_assert_true (inb_workflow_dialog_get_backend (INB_WORKFLOW_DIALOG (dialog)) == comfyui);
  g_assert_cmpstr (inb_workflow_mapping_get_source_name (inb_workflow_dialog_get_mapping (INB_WORKFLOW_DIALOG (dialog))),
                   ==, "my-own-flow.json");
  gtk_widget_activate_action (dialog, "workflow.cancel", NULL);
  g_assert_true (wait_until (f, dialog_gone, NULL, 20));

  /* chosen nothing: nothing opens */
  g_signal_emit_by_name (button, "clicked");
  g_assert_nonnull (f->window->workflow_chooser);
  g_signal_emit_by_name (f->window->workflow_chooser, "response", GTK_RESPONSE_CANCEL);
  g_assert_null (f->window->workflow_chooser);
  settle (f, 200);
  g_assert_null (inb_window_get_workflow_dialog (f->window));

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
details_show_take (Fixture       *f,
                   gconstpointer  data)
{
  InbTakeDetails *details = inb_window_get_take_details (f->window);
  InbTakeEntry *entry = inb_take_details_get_entry (details);

  return entry != NULL && g_strcmp0 (inb_take_entry_get_id (entry), data) == 0 &&
         inb_take_details_get_loaded (details) && inb_take_entry_get_state (entry) == INB_JOB_DONE;
}

/* A workflow of one's own with a second output the server drops (a codec
 * its SaveWEBM does not have: node_errors on a 200 answer): the take is
 * made, and the window says which output was dropped and why — in the
 * toast that says the take is ready, and in the take's details (kept in
 * take.json, so said again when the library reads it); screenshots of the
 * details at 1100 and 360 px. A take of it that then fails says the
 * warning with its failure. */
static void
test_dropped_output (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  const char *expected = "ComfyUI dropped 1 output: node 97 (SaveWEBM) — Value not in list: codec: 'h265' not in";
  g_autofree char *source = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                              "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *mine = g_build_filename (f->dir, "two-outputs.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *take_id = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (mine);
  g_autoptr(JsonObject) graph = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(InbTake) take = NULL;
  g_auto(GStrv) warnings = NULL;
  g_auto(GStrv) kept = NULL;
  InbWorkflowDialog *dialog;
  InbTakeDetails *details;
  const char *shown;
  const int widths[] = { 1100, 360 };
  int width, height;

  /* the shipped Lightning workflow, with a WebM output beside its video */
  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  graph = inb_test_parse_object (text);
  json_object_set_object_member (graph, "97", inb_test_parse_object (
    "{\"class_type\": \"SaveWEBM\", \"inputs\": {\"images\": [\"8\", 0], \"filename_prefix\": \"webm/x\","
    " \"codec\": \"h265\", \"fps\": 16, \"crf\": 32}}"));
  root = json_node_init_object (json_node_alloc (), graph);
  g_free (text);
  text = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (mine, text, -1, NULL));

  inb_fake_server_reset (f->fake);
  inb_fake_server_script (f->fake, "{\"step_ms\": 20}");
  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  g_assert_true (inb_window_import_workflow (f->window, file, NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 20));
  dialog = INB_WORKFLOW_DIALOG (inb_window_get_workflow_dialog (f->window));
  choose_in_row (dialog, "output", "61");
  gtk_editable_set_text (inb_workflow_dialog_get_name_editable (dialog), "Two Outputs");
  g_assert_cmpstr (inb_workflow_dialog_get_problem (dialog), ==, "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "workflow.save", NULL));
  g_assert_true (wait_until (f, dialog_gone, NULL, 20));
  g_assert_true (inb_window_select_model (f->window, "comfyui", "two-outputs"));

  load_keyframes (f);
  inb_window_set_prompt (f->window, "A red balloon drifts over the hills");
  start_take (f);
  g_assert_true (wait_until (f, job_ended, NULL, 60));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_DONE);
  g_assert_cmpuint (inb_test_fake_count (f->fake, "POST", "/prompt"), ==, 1);

  /* the job's warning, in words */
  warnings = inb_job_dup_warnings (f->job);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_test_message ("Warning: %s", warnings[0]);
  if (!g_str_has_prefix (warnings[0], expected))
    g_error ("“%s” is not “%s…”", warnings[0], expected);

  /* said with the take ready: counted in the toast, whole behind its
   * Details (a toast's one line cut it at phone width) */
  g_assert_nonnull (f->window->last_take_toast);
  g_test_message ("Toast: %s; Details: %s", f->window->last_take_toast, f->window->last_toast_details);
  g_assert_cmpstr (f->window->last_take_toast, ==, "Ready, 1 warning");
  g_assert_cmpstr (f->window->last_toast_details, ==, warnings[0]);

  /* kept in take.json */
  take_id = g_strdup (inb_take_get_id (inb_job_get_take (f->job)));
  take = inb_take_load (inb_take_get_dir (inb_job_get_take (f->job)), NULL);
  g_assert_nonnull (take);
  kept = inb_take_dup_warnings (take);
  g_assert_cmpstrv (kept, warnings);

  /* in the take's details, which the window shows once it is made */
  details = inb_window_get_take_details (f->window);
  g_assert_true (wait_until (f, details_show_take, take_id, 20));
  shown = inb_take_details_get_shown (details, "warnings");
  g_assert_nonnull (shown);
  g_assert_nonnull (strstr (shown, expected));

  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("screenshot-comfyui-dropped-output-%d.png", widths[i]);
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
      InbLibrary *library = inb_session_get_library (f->window->session);

      gtk_window_set_default_size (GTK_WINDOW (f->window), widths[i], 800);
      settle (f, 300);
      /* at a phone's width the details are a page of their own */
      inb_library_panel_select (f->window->library_panel, inb_library_lookup (library, take_id));
      g_assert_true (wait_until (f, details_show_take, take_id, 20));
      settle (f, 300);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (details)));
      inb_test_save_screenshot (GTK_WIDGET (f->window), path);
      g_test_message ("Screenshot of the details at %d px: %s", gtk_widget_get_width (GTK_WIDGET (f->window)), path);
    }
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  settle (f, 300);

  /* a take that fails after the drop (out of memory): the toast says it
   * failed, its Details why, and the warning with it */
  inb_fake_server_script (f->fake, "{\"oom_at\": {\"step\": 1}}");
  start_take (f);
  g_assert_true (wait_until (f, job_ended, NULL, 60));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_FAILED);
  g_test_message ("Toast: %s; Details: %s", f->window->last_take_toast, f->window->last_toast_details);
  g_assert_cmpstr (f->window->last_take_toast, ==, "The take failed");
  /* behind Details, why and the warning, whole */
  g_assert_true (g_str_has_prefix (f->window->last_toast_details, inb_job_get_error (f->job)->message));
  g_assert_nonnull (strstr (f->window->last_toast_details, "\n\nComfyUI dropped 1 output: node 97 (SaveWEBM)"));
  inb_fake_server_script (f->fake, "{\"oom_at\": null}");

  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
}

static gboolean
address_warned (Fixture       *f,
                gconstpointer  data)
{
  return f->window->last_address_warning != NULL;
}

/* Plain http to another computer (a fake ComfyUI bound to this machine's
 * own network address): a take from the window says so in a toast before
 * anything is sent — the session's warning, shared with the command line
 * — once a run; the take is made all the same */
static void
test_address_warning (gconstpointer data)
{
  Fixture *f = (Fixture *) data;
  g_autofree char *host = inb_fake_server_own_address ();
  g_autofree char *initial = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *shot = g_test_build_filename (G_TEST_BUILT, "screenshot-comfyui-plain-http.png", NULL);
  g_autoptr(InbFakeServer) lan = NULL;
  InbBackend *comfyui = inb_session_lookup_backend (f->window->session, "comfyui");

  if (host == NULL)
    {
      g_test_skip ("this machine has no network address but loopback");
      return;
    }

  initial = g_strdup_printf ("{\"video_path\": \"%s\", \"step_ms\": 20}", f->clip);
  lan = inb_fake_server_start_on ("fake-comfyui.py", initial, host);
  expected = g_strdup_printf ("%s is plain http to another computer", inb_fake_server_get_base_url (lan));
  g_setenv ("INBETWEEN_COMFYUI_URL", inb_fake_server_get_base_url (lan), TRUE);
  inb_session_configure_backend (f->window->session, comfyui);
  g_clear_pointer (&f->window->last_address_warning, g_free);

  g_assert_true (inb_window_select_model (f->window, "comfyui", "wan2.2-flf2v"));
  load_keyframes (f);
  set_steps (f, 4);
  start_take (f);
  g_assert_true (wait_until (f, address_warned, NULL, 20));
  g_test_message ("Said: %s", f->window->last_address_warning);
  g_assert_nonnull (strstr (f->window->last_address_warning, expected));
  settle (f, 600);
  inb_test_save_screenshot (GTK_WIDGET (f->window), shot);
  g_assert_true (wait_until (f, job_ended, NULL, 60));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_DONE);
  g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 1);

  /* once a run: the next take says nothing more */
  g_clear_pointer (&f->window->last_address_warning, g_free);
  start_take (f);
  g_assert_true (wait_until (f, job_ended, NULL, 60));
  stop_following (f);
  g_assert_cmpint (inb_job_get_state (f->job), ==, INB_JOB_DONE);
  g_assert_cmpuint (inb_test_fake_count (lan, "POST", "/prompt"), ==, 2);
  g_assert_null (f->window->last_address_warning);

  g_setenv ("INBETWEEN_COMFYUI_URL", inb_fake_server_get_base_url (f->fake), TRUE);
  inb_session_configure_backend (f->window->session, comfyui);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  const char * const xdg[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  Fixture f = { 0 };
  int ret;

  f.dir = g_dir_make_tmp ("inb-comfyui-window-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (xdg); i++)
    {
      g_autofree char *sub = g_build_filename (f.dir, "home", xdg[i], NULL);

      g_mkdir_with_parents (sub, 0700);
      g_setenv (xdg[i], sub, TRUE);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  f.stages = g_ptr_array_new_with_free_func (g_free);
  f.first_png = inb_test_write_disc_png (f.dir, "first.png", 480, 320, 120, 160);
  f.last_png = inb_test_write_disc_png (f.dir, "last.png", 480, 320, 360, 160);
  f.clip = g_build_filename (f.dir, "served.mp4", NULL);
  inb_test_write_clip (f.clip);

  initial = g_strdup_printf ("{\"video_path\": \"%s\"}", f.clip);
  f.fake = inb_fake_server_start ("fake-comfyui.py", initial);
  g_setenv ("INBETWEEN_COMFYUI_URL", inb_fake_server_get_base_url (f.fake), TRUE);

  f.app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (f.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (f.app), NULL, &error);
  g_assert_no_error (error);

  f.window = inb_window_new (f.app);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f.window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f.window));

  g_test_add_data_func ("/comfyui-window/status", &f, test_status);
  g_test_add_data_func ("/comfyui-window/parameters", &f, test_parameters);
  g_test_add_data_func ("/comfyui-window/generate", &f, test_generate);
  g_test_add_data_func ("/comfyui-window/cancel", &f, test_cancel);
  g_test_add_data_func ("/comfyui-window/missing-model", &f, test_missing_model);
  g_test_add_data_func ("/comfyui-window/preferences", &f, test_preferences);
  g_test_add_data_func ("/comfyui-window/import", &f, test_import);
  g_test_add_data_func ("/comfyui-window/import-replace", &f, test_import_replace);
  g_test_add_data_func ("/comfyui-window/preferences-import", &f, test_preferences_import);
  g_test_add_data_func ("/comfyui-window/address-warning", &f, test_address_warning);
  g_test_add_data_func ("/comfyui-window/dropped-output", &f, test_dropped_output);

  ret = g_test_run ();

  g_clear_object (&f.job);
  gtk_window_destroy (GTK_WINDOW (f.window));
  g_clear_object (&f.app);
  inb_fake_server_stop (f.fake);
  inb_test_rm_rf (f.dir);
  g_clear_pointer (&f.stages, g_ptr_array_unref);
  g_free (f.dir);
  g_free (f.clip);
  g_free (f.first_png);
  g_free (f.last_png);

  return ret;
}
