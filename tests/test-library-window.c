/* test-library-window.c — the library in the window
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case gets a session of its own on a takes folder of its own, and a
 * window on it: takes written before the window (as after a restart) are
 * listed; the filters and the empty and no-match states; choosing a take
 * plays it and shows its settings; "Use these settings" fills the editor;
 * re-roll makes a take with a new seed and the same everything else
 * (against the loopback WaveSpeed fake, a model with a seed); variations
 * make N takes in one group; delete, then Undo, brings the take and its
 * files back, and a dismissed toast purges it; a take written by
 * `inbetween generate` while the window is open appears within 2 s.
 *
 * With INB_SCREENSHOT_DIR set, /library-window/screenshots saves the
 * library and the take details at 1600, 1100, 600 and 360 px wide:
 *
 *   INB_SCREENSHOT_DIR=$PWD/docs GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none \
 *     NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory dbus-run-session -- \
 *     xvfb-run -a -s "-screen 0 1800x1200x24" meson test -C build --no-rebuild \
 *     test-library-window --test-args '-p /library-window/screenshots'
 *
 * (through `meson test`, for tests/meson.build's environment; `meson devenv`
 * lacks GSETTINGS_SCHEMA_DIR and the window aborts).
 */
#define G_LOG_DOMAIN "test-library-window"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "inb-application.h"
#include "inb-export-dialog.h"
#include "inb-exporter.h"
#include "inb-fidelity.h"
#include "inb-take.h"
#include "inb-take-row.h"
#include "inb-test-fake.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"

#define WS_KEY "ws-library-CANARY-1c9e"
#define WS_BACKEND "wavespeed"
#define WS_MODEL "wavespeed-ai/wan-flf2v"

typedef struct
{
  char       *root;        /* the case's XDG_DATA_HOME */
  char       *takes_dir;   /* root/inbetween/takes */
  InbSession *session;
  InbWindow  *window;
} Fixture;

/* What the whole file shares */
static InbApplication *app;
static char *base;
static char *first_png;
static char *last_png;
static char *clip_mp4;
static InbFakeServer *wavespeed;

#define wait_until(f, check, data, seconds) \
  inb_test_wait_until ((f), (InbTestCheck) (check), (data), (seconds))

/* Takes on disk, as Inbetween writes them ------------------------------------- */

typedef struct
{
  const char *id;
  int         minutes_ago;
  const char *backend;
  const char *model;
  const char *prompt;
  const char *negative;
  const char *state;          /* "done", "failed", … */
  const char *error;
  const char *title;
  const char *note;
  const char *group;
  const char *rewritten;
  gboolean    starred;
  double      shift;          /* fidelity: the larger ΔE; 0: not measured */
  gint64      seed;
  guint       number;
  gint64      cost;           /* what the service reported; 0: nothing */
} TakeSpec;

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dst = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static char *
write_take (const char     *takes_dir,
            const TakeSpec *spec)
{
  g_autofree char *dir = g_build_filename (takes_dir, spec->id, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) created = g_date_time_add_minutes (now, -spec->minutes_ago);
  g_autofree char *stamp = g_date_time_format (created, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(JsonObject) take = json_object_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ws = g_strcmp0 (spec->backend, WS_BACKEND) == 0;
  const char *state = spec->state != NULL ? spec->state : "done";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  if (ws)
    {
      json_object_set_string_member (params, "size", "832*480");
      json_object_set_int_member (params, "duration", 5);
      json_object_set_int_member (params, "num_inference_steps", 20);
      json_object_set_double_member (params, "guidance_scale", 7.5);
    }
  else
    {
      json_object_set_int_member (params, "duration", 1);
      json_object_set_int_member (params, "fps", 8);
      json_object_set_string_member (params, "resolution", "480p");
      json_object_set_string_member (params, "fit", "crop");
    }

  json_object_set_int_member (take, "schema_version", 1);
  json_object_set_string_member (take, "id", spec->id);
  json_object_set_int_member (take, "number", spec->number);
  json_object_set_string_member (take, "created", stamp);
  json_object_set_string_member (take, "backend", spec->backend != NULL ? spec->backend : "local");
  json_object_set_string_member (take, "model", spec->model != NULL ? spec->model : "flow");
  if (spec->prompt != NULL)
    json_object_set_string_member (take, "prompt", spec->prompt);
  if (spec->negative != NULL)
    json_object_set_string_member (take, "negative_prompt", spec->negative);
  json_object_set_object_member (take, "parameters", json_object_ref (params));
  json_object_set_int_member (take, "seed", spec->seed);
  json_object_set_string_member (take, "state", state);
  json_object_set_array_member (take, "history", json_array_new ());
  json_object_set_object_member (take, "timings", json_object_new ());
  json_object_set_double_member (json_object_get_object_member (take, "timings"), "total", 42.5);
  if (spec->error != NULL)
    {
      JsonObject *error_object = json_object_new ();

      json_object_set_string_member (error_object, "message", spec->error);
      json_object_set_object_member (take, "error", error_object);
    }
  else
    json_object_set_null_member (take, "error");
  if (spec->title != NULL)
    json_object_set_string_member (take, "title", spec->title);
  if (spec->note != NULL)
    json_object_set_string_member (take, "note", spec->note);
  if (spec->group != NULL)
    json_object_set_string_member (take, "group", spec->group);
  if (spec->starred)
    json_object_set_boolean_member (take, "starred", TRUE);

  if (g_str_equal (state, "done"))
    {
      JsonObject *result = json_object_new ();
      JsonObject *service = json_object_new ();

      json_object_set_int_member (result, "width", 320);
      json_object_set_int_member (result, "height", 240);
      json_object_set_int_member (result, "frames", 8);
      json_object_set_double_member (result, "fps", 16);
      if (spec->rewritten != NULL)
        json_object_set_string_member (service, "actual_prompt", spec->rewritten);
      if (spec->cost > 0)
        {
          json_object_set_int_member (service, "cost", spec->cost);
          json_object_set_int_member (service, "inference_ms", 31400);
        }
      json_object_set_object_member (result, "backend", service);
      json_object_set_object_member (take, "result", result);

      path = g_build_filename (dir, "clip.mp4", NULL);
      copy_file (clip_mp4, path);
      g_clear_pointer (&path, g_free);
      path = g_build_filename (dir, "thumbnail.png", NULL);
      copy_file (first_png, path);
      g_clear_pointer (&path, g_free);
    }

  if (spec->shift > 0)
    {
      InbFidelity fidelity = { { 31.5, 1.2, spec->shift * 0.6 }, { 28.25, 2.1, spec->shift }, 8,
                               spec->shift > INB_FIDELITY_DRIFT_THRESHOLD };

      json_object_set_object_member (take, "fidelity", inb_fidelity_to_json (&fidelity));
    }

  path = g_build_filename (dir, "first.png", NULL);
  copy_file (first_png, path);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "last.png", NULL);
  copy_file (last_png, path);
  g_clear_pointer (&path, g_free);

  root = json_node_init_object (json_node_alloc (), take);
  text = json_to_string (root, TRUE);
  path = g_build_filename (dir, "take.json", NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

/* Fixture ------------------------------------------------------------------------- */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static guint n;

  f->root = g_strdup_printf ("%s/case-%u", base, ++n);
  f->takes_dir = g_build_filename (f->root, "inbetween", "takes", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->takes_dir, 0700), ==, 0);
}

static gboolean
library_loaded (Fixture       *f,
                gconstpointer  data)
{
  return inb_library_get_loaded (inb_session_get_library (f->session));
}

/* A new session on the case's folder (as after a restart), a window on it */
static void
open_window (Fixture *f,
             int      width,
             int      height)
{
  f->session = inb_session_new (NULL);
  inb_session_set_takes_dir (f->session, f->takes_dir);
  f->window = g_object_new (INB_TYPE_WINDOW, "application", app, "session", f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (wait_until (f, library_loaded, NULL, 20));
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
  g_free (f->takes_dir);
}

static InbLibraryPanel *
panel_of (Fixture *f)
{
  return inb_window_get_library_panel (f->window);
}

static InbTakeEntry *
lookup (Fixture    *f,
        const char *id)
{
  return inb_library_lookup (inb_session_get_library (f->session), id);
}

static gboolean
shows (Fixture    *f,
       const char *id)
{
  GListModel *shown = inb_library_panel_get_shown (panel_of (f));

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (shown, i);

      if (g_str_equal (inb_take_entry_get_id (entry), id))
        return TRUE;
    }

  return FALSE;
}

static guint
n_shown (Fixture *f)
{
  return g_list_model_get_n_items (inb_library_panel_get_shown (panel_of (f)));
}

static gboolean
n_shown_is (Fixture       *f,
            gconstpointer  data)
{
  return n_shown (f) == GPOINTER_TO_UINT (data);
}

static JsonObject *
read_manifest (const char *dir)
{
  g_autoptr(GError) error = NULL;
  JsonObject *manifest = inb_take_read_manifest (dir, &error);

  g_assert_no_error (error);
  return manifest;
}

/* Takes written before the window ---------------------------------------------------- */

static void
test_earlier_takes (Fixture       *f,
                    gconstpointer  data)
{
  const TakeSpec specs[] = {
    { .id = "20260101-100000-aaaaaa", .minutes_ago = 600, .prompt = "the red ball bounces", .number = 1 },
    { .id = "20260101-110000-bbbbbb", .minutes_ago = 300, .state = "failed", .number = 2,
      .error = "The service refused the keyframes" },
    { .id = "20260101-120000-cccccc", .minutes_ago = 5, .prompt = "the kite climbs", .number = 3 },
  };
  /* made before the others (its folder's name says when) */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) made = g_date_time_add_minutes (now, -1000);
  g_autofree char *made_id = g_date_time_format (made, "%Y%m%d-%H%M%S-dddddd");
  g_autofree char *damaged = g_build_filename (f->takes_dir, made_id, NULL);
  g_autofree char *record = g_build_filename (damaged, "take.json", NULL);
  GListModel *shown;
  InbTakeRow *row;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    g_free (write_take (f->takes_dir, &specs[i]));
  /* And one whose record does not parse */
  g_assert_cmpint (g_mkdir_with_parents (damaged, 0700), ==, 0);
  g_assert_true (g_file_set_contents (record, "{\"id\": \"20260101-09", -1, NULL));

  open_window (f, 1100, 760);

  /* All listed, the newest first (the damaged one when its folder's name
   * says it was made, not when the folder was last touched) */
  g_assert_cmpstr (inb_library_panel_get_view (panel_of (f)), ==, "list");
  g_assert_cmpuint (n_shown (f), ==, 4);
  shown = inb_library_panel_get_shown (panel_of (f));
  {
    g_autoptr(InbTakeEntry) first = g_list_model_get_item (shown, 0);
    g_autoptr(InbTakeEntry) failed = g_list_model_get_item (shown, 1);
    g_autoptr(InbTakeEntry) oldest = g_list_model_get_item (shown, 2);
    g_autoptr(InbTakeEntry) damaged_entry = g_list_model_get_item (shown, 3);

    g_assert_cmpstr (inb_take_entry_get_id (oldest), ==, "20260101-100000-aaaaaa");
    g_assert_cmpstr (inb_take_entry_get_id (first), ==, "20260101-120000-cccccc");
    g_assert_cmpstr (inb_take_entry_get_id (failed), ==, "20260101-110000-bbbbbb");
    g_assert_cmpstr (inb_take_entry_get_id (damaged_entry), ==, made_id);
    gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

    /* The rows say what each is */
    row = inb_library_panel_find_row (panel_of (f), first);
    g_assert_nonnull (row);
    g_assert_cmpstr (gtk_label_get_label (inb_take_row_get_badge (row)), ==, "Done");
    g_assert_cmpstr (gtk_label_get_label (inb_take_row_get_status (row)), ==, "320\u00a0×\u00a0240 · 16 fps");
    g_assert_cmpstr (inb_take_row_get_tip (row, GTK_WIDGET (inb_take_row_get_status (row))), ==,
                     "8 frames at 16 fps · 320\u00a0×\u00a0240");
    row = inb_library_panel_find_row (panel_of (f), failed);
    g_assert_nonnull (row);
    g_assert_cmpstr (gtk_label_get_label (inb_take_row_get_badge (row)), ==, "Failed");
    g_assert_cmpstr (gtk_label_get_label (inb_take_row_get_status (row)), ==, "The service refused the keyframes");
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (inb_take_row_get_status (row)), "error"));
  }

  /* The damaged one is listed as such, reported once, its files kept */
  g_assert_cmpint (inb_take_entry_get_condition (lookup (f, made_id)), ==, INB_TAKE_CONDITION_DAMAGED);
  g_assert_nonnull (inb_window_get_library_details (f->window));
  g_assert_nonnull (strstr (inb_window_get_library_details (f->window), made_id));
  g_assert_true (g_file_test (damaged, G_FILE_TEST_IS_DIR));
}

/* Filters, empty and no match -------------------------------------------------------- */

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  const TakeSpec specs[] = {
    { .id = "20260102-100000-000001", .minutes_ago = 50, .prompt = "A lighthouse in the storm", .number = 1 },
    { .id = "20260102-100000-000002", .minutes_ago = 40, .prompt = "the cat jumps", .starred = TRUE, .number = 2,
      .backend = WS_BACKEND, .model = WS_MODEL, .seed = 7 },
    { .id = "20260102-100000-000003", .minutes_ago = 30, .prompt = "waves", .note = "client liked the LIGHTHOUSE",
      .state = "cancelled", .number = 3 },
    { .id = "20260102-100000-000004", .minutes_ago = 20, .prompt = "a dog", .title = "Lighthouse v2",
      .state = "failed", .error = "No", .number = 4, .backend = WS_BACKEND, .model = WS_MODEL, .seed = 8 },
  };
  InbLibraryPanel *panel;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    g_free (write_take (f->takes_dir, &specs[i]));
  open_window (f, 1100, 760);
  panel = panel_of (f);
  g_assert_cmpuint (n_shown (f), ==, 4);

  /* Words: prompt, note and title, any case */
  inb_library_panel_set_search (panel, "lighthouse");
  g_assert_cmpuint (n_shown (f), ==, 3);
  g_assert_false (shows (f, "20260102-100000-000002"));
  inb_library_panel_set_search (panel, NULL);

  /* Starred */
  inb_library_panel_set_starred_only (panel, TRUE);
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, "20260102-100000-000002"));
  inb_library_panel_set_starred_only (panel, FALSE);

  /* Backend */
  inb_library_panel_set_backend_filter (panel, WS_BACKEND);
  g_assert_cmpuint (n_shown (f), ==, 2);
  g_assert_true (shows (f, "20260102-100000-000004"));

  /* … and state on top */
  inb_library_panel_set_state_filter (panel, INB_STATE_FILTER_FAILED);
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, "20260102-100000-000004"));
  inb_library_panel_set_backend_filter (panel, NULL);
  inb_library_panel_set_state_filter (panel, INB_STATE_FILTER_CANCELLED);
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, "20260102-100000-000003"));
  inb_library_panel_set_state_filter (panel, INB_STATE_FILTER_DONE);
  g_assert_cmpuint (n_shown (f), ==, 2);

  /* Nothing matches: said, and the filters can be cleared */
  inb_library_panel_set_search (panel, "no such words anywhere");
  g_assert_cmpuint (n_shown (f), ==, 0);
  g_assert_cmpstr (inb_library_panel_get_view (panel), ==, "no-match");
  inb_library_panel_clear_filters (panel);
  g_assert_cmpuint (n_shown (f), ==, 4);
  g_assert_cmpstr (inb_library_panel_get_view (panel), ==, "list");

  /* A group of variations alone */
  inb_library_panel_set_group_filter (panel, "no-such-group");
  g_assert_cmpstr (inb_library_panel_get_view (panel), ==, "no-match");
  inb_library_panel_set_group_filter (panel, NULL);
  g_assert_cmpuint (n_shown (f), ==, 4);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  open_window (f, 1100, 760);
  g_assert_cmpuint (n_shown (f), ==, 0);
  g_assert_cmpstr (inb_library_panel_get_view (panel_of (f)), ==, "empty");
  g_assert_null (inb_window_get_library_details (f->window));
}

/* Choosing a take ------------------------------------------------------------------------ */

static gboolean
player_plays (Fixture       *f,
              gconstpointer  data)
{
  InbPlayback *playback = inb_player_get_playback (inb_window_get_player (f->window));
  GFile *file = inb_playback_get_file (playback);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  return g_strcmp0 (path, data) == 0 && inb_playback_get_prerolled (playback) &&
         inb_playback_get_n_frames (playback) == 8;
}

static gboolean
details_loaded (Fixture       *f,
                gconstpointer  data)
{
  return inb_take_details_get_loaded (inb_window_get_take_details (f->window));
}

static gboolean
keyframes_shown (Fixture       *f,
                 gconstpointer  data)
{
  return inb_take_details_get_keyframes_shown (inb_window_get_take_details (f->window));
}

static void
test_select_plays (Fixture       *f,
                   gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260103-100000-000001", .minutes_ago = 3, .backend = WS_BACKEND, .model = WS_MODEL,
                          .prompt = "the balloon drifts", .negative = "blurry", .seed = 1234, .shift = 4.5,
                          .rewritten = "A red balloon drifts slowly over green hills, golden hour", .number = 1,
                          .cost = 12 };
  g_autofree char *dir = write_take (f->takes_dir, &spec);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  InbTakeDetails *details;
  InbTakeEntry *entry;
  InbTakeRow *row;

  open_window (f, 1100, 760);
  details = inb_window_get_take_details (f->window);
  entry = lookup (f, spec.id);
  g_assert_nonnull (entry);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (details)));

  inb_library_panel_select (panel_of (f), entry);
  g_assert_true (inb_library_panel_get_selected (panel_of (f)) == entry);
  g_assert_true (wait_until (f, player_plays, clip, 30));
  g_assert_true (wait_until (f, details_loaded, NULL, 10));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (details)));

  /* Everything it was made from, worded from the model's schema */
  g_assert_cmpstr (inb_take_details_get_shown (details, "prompt"), ==, "the balloon drifts");
  g_assert_cmpstr (inb_take_details_get_shown (details, "negative_prompt"), ==, "blurry");
  g_assert_cmpstr (inb_take_details_get_shown (details, "rewritten_prompt"), ==, spec.rewritten);
  g_assert_cmpstr (inb_take_details_get_shown (details, "seed"), ==, "1234");
  g_assert_cmpstr (inb_take_details_get_shown (details, "num_inference_steps"), ==, "20");
  g_assert_cmpstr (inb_take_details_get_shown (details, "guidance_scale"), ==, "7.5");
  g_assert_nonnull (inb_take_details_get_shown (details, "backend"));
  g_assert_nonnull (strstr (inb_take_details_get_shown (details, "backend"), "WaveSpeed"));
  g_assert_nonnull (inb_take_details_get_shown (details, "size"));
  g_assert_nonnull (inb_take_details_get_shown (details, "duration"));
  /* Timings and what the service reported it cost */
  g_assert_nonnull (inb_take_details_get_shown (details, "total"));
  g_assert_cmpstr (inb_take_details_get_shown (details, "total"), ==, "0:43");
  g_assert_cmpstr (inb_take_details_get_shown (details, "cost"), ==, "12");
  g_assert_cmpstr (inb_take_details_get_shown (details, "inference"), ==, "0:31");
  /* The keyframes as sent */
  g_assert_true (wait_until (f, keyframes_shown, NULL, 20));
  g_assert_nonnull (inb_take_details_get_shown (details, "fidelity-last"));
  g_assert_nonnull (strstr (inb_take_details_get_shown (details, "fidelity-last"), "ΔE 4.5"));

  /* The drift is flagged on its row, in words, the ΔE in the tooltip */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  row = inb_library_panel_find_row (panel_of (f), entry);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (inb_take_row_get_fidelity (row))));
  g_assert_cmpstr (gtk_label_get_label (inb_take_row_get_fidelity (row)), ==, "Colour drift");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (inb_take_row_get_fidelity (row)), "drift"));
  g_assert_nonnull (strstr (inb_take_row_get_tip (row, GTK_WIDGET (inb_take_row_get_fidelity (row))), "ΔE 4.5"));

  /* Nothing chosen: nothing detailed */
  inb_library_panel_select (panel_of (f), NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (details)));
}

/* Use these settings -------------------------------------------------------------------- */

static gboolean
editor_filled (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *prompt = _inb_window_dup_buffer_text (f->window->prompt_view);

  return g_strcmp0 (prompt, data) == 0 &&
         inb_keyframe_slot_get_keyframe (inb_window_get_first_slot (f->window)) != NULL &&
         inb_keyframe_slot_get_keyframe (inb_window_get_last_slot (f->window)) != NULL;
}

static void
test_use_settings (Fixture       *f,
                   gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260104-100000-000001", .minutes_ago = 3, .backend = WS_BACKEND, .model = WS_MODEL,
                          .prompt = "the kite climbs into the clouds", .negative = "text, watermark",
                          .seed = 987654, .number = 1 };
  g_autofree char *dir = write_take (f->takes_dir, &spec);
  InbParamPanel *params;
  g_autofree char *negative = NULL;
  g_autoptr(JsonObject) values = NULL;

  open_window (f, 1100, 760);
  /* The editor starts elsewhere */
  g_assert_true (inb_window_select_model (f->window, "local", NULL));
  inb_window_set_prompt (f->window, "something else");

  inb_library_panel_select (panel_of (f), lookup (f, spec.id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.use-settings", NULL));
  g_assert_true (wait_until (f, editor_filled, spec.prompt, 30));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));

  /* The model, every parameter and the seed */
  g_assert_cmpstr (inb_backend_get_id (f->window->backend), ==, WS_BACKEND);
  g_assert_cmpstr (inb_model_get_id (f->window->model), ==, WS_MODEL);
  params = inb_window_get_param_panel (f->window);
  values = inb_param_panel_dup_values (params);
  g_assert_cmpint (json_object_get_int_member (values, "num_inference_steps"), ==, 20);
  g_assert_cmpfloat (json_object_get_double_member (values, "guidance_scale"), ==, 7.5);
  g_assert_cmpstr (json_object_get_string_member (values, "size"), ==, "832*480");
  g_assert_cmpint (inb_param_panel_get_seed (params), ==, 987654);
  g_assert_false (inb_param_panel_get_random_seed (params));
  negative = _inb_window_dup_buffer_text (f->window->negative_view);
  g_assert_cmpstr (negative, ==, "text, watermark");
  /* The keyframes are the take's own, as sent */
  g_assert_null (inb_keyframe_slot_get_error (inb_window_get_first_slot (f->window)));
  g_assert_null (inb_keyframe_slot_get_error (inb_window_get_last_slot (f->window)));
  g_assert_true (inb_window_get_can_generate (f->window));
}

/* Run on another backend and Export read the take in a thread, then open their dialog --------- */

static GtkWindow *
take_dialog_of (Fixture *f,
           GType    type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (f->window) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
take_dialog_shown (Fixture       *f,
              gconstpointer  data)
{
  return take_dialog_of (f, GPOINTER_TO_SIZE (data)) != NULL;
}

static void
test_take_dialogs (Fixture       *f,
                   gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260104-110000-000001", .minutes_ago = 3, .backend = WS_BACKEND, .model = WS_MODEL,
                          .prompt = "the kite climbs into the clouds", .seed = 987654, .number = 1 };
  g_autofree char *dir = write_take (f->takes_dir, &spec);
  GtkWindow *dialog;

  open_window (f, 1100, 760);
  inb_library_panel_select (panel_of (f), lookup (f, spec.id));

  g_assert_null (take_dialog_of (f, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.other-backend", NULL));
  g_assert_true (wait_until (f, take_dialog_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 30));
  dialog = take_dialog_of (f, ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Run on Another Backend");
  gtk_window_destroy (dialog);

  g_assert_null (take_dialog_of (f, INB_TYPE_EXPORT_DIALOG));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.export", NULL));
  g_assert_true (wait_until (f, take_dialog_shown, GSIZE_TO_POINTER (INB_TYPE_EXPORT_DIALOG), 30));
  gtk_window_destroy (take_dialog_of (f, INB_TYPE_EXPORT_DIALOG));
}

/* Re-roll and variations (a model with a seed: the WaveSpeed fake) ---------------------------- */

static gboolean
n_done_at_least (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *library = G_LIST_MODEL (inb_session_get_library (f->session));
  guint done = 0;

  for (guint i = 0; i < g_list_model_get_n_items (library); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (library, i);

      done += inb_take_entry_get_state (entry) == INB_JOB_DONE && inb_take_entry_get_job (entry) == NULL;
    }

  return done >= GPOINTER_TO_UINT (data) && inb_session_get_n_active_jobs (f->session) == 0;
}

/* A take made in the window, at the fake; returns its entry */
static InbTakeEntry *
generate_at_fake (Fixture *f)
{
  GListModel *library = G_LIST_MODEL (inb_session_get_library (f->session));
  guint before = g_list_model_get_n_items (library);
  g_autoptr(InbTakeEntry) entry = NULL;

  inb_fake_server_reset (wavespeed);
  g_assert_true (inb_window_select_model (f->window, WS_BACKEND, WS_MODEL));
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));
  inb_window_set_prompt (f->window, "the disc glides to the right");
  g_assert_true (inb_window_get_can_generate (f->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, n_done_at_least, GUINT_TO_POINTER (before + 1), 60));

  entry = g_list_model_get_item (library, 0);
  g_assert_cmpint (inb_take_entry_get_state (entry), ==, INB_JOB_DONE);
  /* The finished take is the one chosen */
  g_assert_true (inb_library_panel_get_selected (panel_of (f)) == entry);

  return entry;   /* the library holds it */
}

/* The take.json members that say how a take was made, without the seed */
static void
assert_same_settings (JsonObject *a,
                      JsonObject *b)
{
  const char *members[] = { "backend", "model", "prompt", "negative_prompt" };
  g_autoptr(JsonObject) pa = json_object_ref (json_object_get_object_member (a, "parameters"));
  g_autoptr(JsonObject) pb = json_object_ref (json_object_get_object_member (b, "parameters"));
  g_autoptr(JsonNode) na = NULL;
  g_autoptr(JsonNode) nb = NULL;
  g_autoptr(JsonObject) ca = json_object_new ();
  g_autoptr(JsonObject) cb = json_object_new ();
  g_autoptr(GList) ma = json_object_get_members (pa);
  g_autoptr(GList) mb = json_object_get_members (pb);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_cmpstr (json_object_get_string_member_with_default (a, members[i], ""), ==,
                     json_object_get_string_member_with_default (b, members[i], ""));

  for (GList *l = ma; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "seed"))
      json_object_set_member (ca, l->data, json_object_dup_member (pa, l->data));
  for (GList *l = mb; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "seed"))
      json_object_set_member (cb, l->data, json_object_dup_member (pb, l->data));
  g_assert_cmpuint (json_object_get_size (ca), >, 0);
  na = json_node_init_object (json_node_alloc (), ca);
  nb = json_node_init_object (json_node_alloc (), cb);
  g_assert_true (json_node_equal (na, nb));
}

static void
test_reroll (Fixture       *f,
             gconstpointer  data)
{
  GListModel *library;
  InbTakeEntry *original;
  InbTakeEntry *again = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  const TakeSpec local = { .id = "20260105-100000-000001", .minutes_ago = 90, .number = 1 };
  const char *tooltip;

  g_free (write_take (f->takes_dir, &local));
  open_window (f, 1100, 760);
  library = G_LIST_MODEL (inb_session_get_library (f->session));

  /* The local engine has no seed: Re-roll cannot be used, and says why */
  inb_library_panel_select (panel_of (f), lookup (f, local.id));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "take.reroll", NULL);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (library), ==, 1);
  g_assert_cmpuint (inb_session_get_n_active_jobs (f->session), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (inb_take_details_get_reroll_button (inb_window_get_take_details (f->window))));
  tooltip = gtk_widget_get_tooltip_text (inb_take_details_get_reroll_button (inb_window_get_take_details (f->window)));
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "no seed"));

  original = generate_at_fake (f);
  g_assert_true (gtk_widget_get_sensitive (inb_take_details_get_reroll_button (inb_window_get_take_details (f->window))));
  g_assert_cmpuint (g_list_model_get_n_items (library), ==, 2);

  /* Ctrl+R's action */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.reroll", NULL));
  g_assert_true (wait_until (f, n_done_at_least, GUINT_TO_POINTER (3), 60));
  g_assert_cmpuint (g_list_model_get_n_items (library), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (library, i);

      if (entry != original && g_strcmp0 (inb_take_entry_get_id (entry), local.id) != 0)
        again = entry;
    }
  g_assert_nonnull (again);

  a = read_manifest (inb_take_entry_get_dir (original));
  b = read_manifest (inb_take_entry_get_dir (again));
  g_assert_cmpint (json_object_get_int_member (a, "seed"), !=, json_object_get_int_member (b, "seed"));
  g_assert_cmpint (json_object_get_int_member (b, "seed"), >=, 0);
  assert_same_settings (a, b);
  g_assert_null (inb_take_entry_get_group (again));
  /* The fake saw a second submit */
  g_assert_cmpuint (inb_test_fake_count (wavespeed, "POST", "/api/v3/" WS_MODEL), ==, 2);
}

static void
test_variations (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *library;
  InbTakeEntry *original;
  g_autoptr(GHashTable) seeds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) a = NULL;
  const char *group = NULL;
  guint n_group = 0;

  open_window (f, 1100, 760);
  library = G_LIST_MODEL (inb_session_get_library (f->session));
  original = generate_at_fake (f);
  a = read_manifest (inb_take_entry_get_dir (original));
  g_hash_table_add (seeds, g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (a, "seed")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.variations", "u", 3));
  g_assert_true (wait_until (f, n_done_at_least, GUINT_TO_POINTER (4), 90));
  g_assert_cmpuint (g_list_model_get_n_items (library), ==, 4);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (library, i);
      g_autoptr(JsonObject) b = NULL;

      if (entry == original)
        continue;

      b = read_manifest (inb_take_entry_get_dir (entry));
      assert_same_settings (a, b);
      /* Each its own seed */
      g_assert_true (g_hash_table_add (seeds, g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (b, "seed"))));
      /* One group, shown as one */
      g_assert_nonnull (inb_take_entry_get_group (entry));
      if (group == NULL)
        group = inb_take_entry_get_group (entry);
      g_assert_cmpstr (inb_take_entry_get_group (entry), ==, group);
      g_assert_cmpuint (inb_library_panel_count_group (panel_of (f), entry), ==, 3);
      n_group++;
    }
  g_assert_cmpuint (n_group, ==, 3);
  g_assert_null (inb_take_entry_get_group (original));

  inb_library_panel_set_group_filter (panel_of (f), group);
  g_assert_cmpuint (n_shown (f), ==, 3);
  g_assert_cmpuint (inb_test_fake_count (wavespeed, "POST", "/api/v3/" WS_MODEL), ==, 4);
}

/* Delete, undo --------------------------------------------------------------------------- */

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label,
             const char *icon)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      ((label != NULL && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0) ||
       (icon != NULL && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label, icon);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
take_gone (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->takes_dir, data, NULL);

  return lookup (f, data) == NULL && !g_file_test (dir, G_FILE_TEST_EXISTS);
}

static gboolean
take_back (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *clip = g_build_filename (f->takes_dir, data, "clip.mp4", NULL);

  return lookup (f, data) != NULL && g_file_test (clip, G_FILE_TEST_IS_REGULAR) && shows (f, data);
}

static gboolean
toast_button_shown (Fixture       *f,
                    gconstpointer  data)
{
  return find_button (GTK_WIDGET (f->window), data, NULL) != NULL;
}

static gboolean
trash_empty (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *trashed = g_build_filename (f->takes_dir, ".trash", data, NULL);

  return !g_file_test (trashed, G_FILE_TEST_EXISTS);
}

static void
test_delete_undo (Fixture       *f,
                  gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260106-100000-000001", .minutes_ago = 3, .prompt = "keep me", .number = 1 };
  g_autofree char *dir = write_take (f->takes_dir, &spec);
  g_autofree char *trashed = g_build_filename (f->takes_dir, ".trash", spec.id, NULL);
  GtkWidget *undo;
  GtkWidget *close;

  open_window (f, 1100, 760);
  inb_library_panel_select (panel_of (f), lookup (f, spec.id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.delete", NULL));
  g_assert_true (wait_until (f, take_gone, spec.id, 10));
  g_assert_false (shows (f, spec.id));
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));

  /* Undo, on the toast */
  g_assert_true (wait_until (f, toast_button_shown, "_Undo", 10));
  undo = find_button (GTK_WIDGET (f->window), "_Undo", NULL);
  g_signal_emit_by_name (undo, "clicked");
  g_assert_true (wait_until (f, take_back, spec.id, 10));
  g_assert_false (g_file_test (trashed, G_FILE_TEST_EXISTS));
  g_assert_cmpint (inb_take_entry_get_state (lookup (f, spec.id)), ==, INB_JOB_DONE);

  /* Deleted again, the toast closed without Undo: gone for good */
  inb_library_panel_select (panel_of (f), lookup (f, spec.id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.delete", NULL));
  g_assert_true (wait_until (f, take_gone, spec.id, 10));
  g_assert_true (wait_until (f, toast_button_shown, "_Undo", 10));
  undo = find_button (GTK_WIDGET (f->window), "_Undo", NULL);
  close = find_button (gtk_widget_get_parent (undo), NULL, "window-close-symbolic");
  g_assert_nonnull (close);
  g_signal_emit_by_name (close, "clicked");
  g_assert_true (wait_until (f, trash_empty, spec.id, 10));
  g_assert_null (lookup (f, spec.id));
}

/* Toasts dismissed as they slide in ------------------------------------------------------- */

static void
count_cb (AdwToast *toast,
          guint    *count)
{
  (*count)++;
}

static gboolean
no_toast_widget (Fixture       *f,
                 gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->window->toast_overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      return FALSE;

  return TRUE;
}

/* libadwaita 1.2 crashes or aborts when a toast's animations overlap those
 * of another, or its own (inb-toasts.c): a toast dismissed as it slides in
 * (Undo clicked at once), and a high-priority toast (Undo) over another,
 * dismissed at once. Here on the window's own overlay, at the speed frames
 * come; tests/test-toasts.c does it with late frames. Each toast is told
 * "dismissed" once, and all are gone. */
static void
test_toast_dismissed_at_once (Fixture       *f,
                              gconstpointer  data)
{
  open_window (f, 1100, 760);

  for (guint round = 0; round < 4; round++)
    {
      AdwToast *a = inb_toasts_new_toast (f->window->toasts, "first");
      AdwToast *b;
      guint a_dismissed = 0;
      guint b_dismissed = 0;

      g_assert_true (wait_until (f, no_toast_widget, NULL, 10));
      g_signal_connect (a, "dismissed", G_CALLBACK (count_cb), &a_dismissed);
      adw_toast_set_timeout (a, 0);
      inb_toasts_show (f->window->toasts, a);
      inb_toasts_dismiss (f->window->toasts, a);
      g_assert_cmpuint (a_dismissed, ==, 0);   /* held back: a is sliding in */

      /* b over a that is going: dismissed at once, as Undo or × clicked the
       * moment the button appears */
      b = inb_toasts_new_toast (f->window->toasts, "second");
      adw_toast_set_timeout (b, 0);
      adw_toast_set_priority (b, ADW_TOAST_PRIORITY_HIGH);
      g_signal_connect (b, "dismissed", G_CALLBACK (count_cb), &b_dismissed);
      g_object_ref (b);
      inb_toasts_show (f->window->toasts, b);
      inb_toasts_dismiss (f->window->toasts, b);
      inb_toasts_dismiss (f->window->toasts, b);
      g_object_unref (b);

      g_assert_true (wait_until (f, no_toast_widget, NULL, 20));
      g_assert_cmpuint (a_dismissed, ==, 1);
      g_assert_cmpuint (b_dismissed, ==, 1);
    }
}

/* A take from the command line ------------------------------------------------------------- */

typedef struct
{
  char   *found;      /* the folder of the first take.json seen */
  gint64  seen_at;
} Watch;

static gboolean
take_json_written (Fixture       *f,
                   gconstpointer  data)
{
  Watch *w = (Watch *) data;
  g_autoptr(GDir) dir = g_dir_open (f->takes_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *record = g_build_filename (f->takes_dir, name, "take.json", NULL);

      if (name[0] != '.' && g_file_test (record, G_FILE_TEST_IS_REGULAR))
        {
          w->found = g_strdup (name);
          w->seen_at = g_get_monotonic_time ();
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
listed (Fixture       *f,
        gconstpointer  data)
{
  return shows (f, data);
}

static gboolean
listed_done (Fixture       *f,
             gconstpointer  data)
{
  InbTakeEntry *entry = lookup (f, data);

  return entry != NULL && inb_take_entry_get_state (entry) == INB_JOB_DONE && inb_take_entry_get_has_clip (entry);
}

static void
process_waited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
process_ended (Fixture       *f,
               gconstpointer  data)
{
  return *(const gboolean *) data;
}

static void
test_cli_take_appears (Fixture       *f,
                       gconstpointer  data)
{
  const char *argv[] = { g_getenv ("INB_BINARY"), "generate", first_png, last_png, "-b", "local",
                         "--set", "duration=2", "--set", "fps=16", "-q", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Watch w = { 0 };
  gint64 listed_at;
  gboolean ended = FALSE;

  open_window (f, 1100, 760);
  g_assert_cmpuint (n_shown (f), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->root, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, process_waited_cb, &ended);

  /* Its take.json written, the window lists the take within 2 s */
  g_assert_true (wait_until (f, take_json_written, &w, 60));
  g_assert_true (wait_until (f, listed, w.found, 10));
  listed_at = g_get_monotonic_time ();
  g_test_message ("Listed %.2f s after its take.json was written", (listed_at - w.seen_at) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (listed_at - w.seen_at, <=, 2 * G_USEC_PER_SEC);

  /* … and follows it to its end */
  g_assert_true (wait_until (f, process_ended, &ended, 120));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_true (wait_until (f, listed_done, w.found, 10));
  g_free (w.found);
}

/* Order ------------------------------------------------------------------------------------- */

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  const TakeSpec specs[] = {
    { .id = "20260108-100000-000001", .minutes_ago = 300, .prompt = "oldest", .number = 1 },
    { .id = "20260108-100000-000002", .minutes_ago = 200, .prompt = "middle", .number = 2 },
    { .id = "20260108-100000-000003", .minutes_ago = 100, .prompt = "newest", .number = 3 },
  };
  GListModel *shown;

  /* Written in no particular order */
  g_free (write_take (f->takes_dir, &specs[1]));
  g_free (write_take (f->takes_dir, &specs[2]));
  g_free (write_take (f->takes_dir, &specs[0]));
  open_window (f, 1100, 760);
  shown = inb_library_panel_get_shown (panel_of (f));

  for (guint k = 0; k < 2; k++)
    {
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(InbTakeEntry) entry = g_list_model_get_item (shown, i);
          guint expected = k == 0 ? 2 - i : i;

          g_assert_cmpstr (inb_take_entry_get_id (entry), ==, specs[expected].id);
        }
      inb_library_panel_set_oldest_first (panel_of (f), TRUE);
    }
}

/* Star, title and note, from the take's menu ----------------------------------------------------- */

static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }

  return FALSE;
}

static AdwMessageDialog *
find_dialog (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          gtk_window_get_transient_for (GTK_WINDOW (window)) == GTK_WINDOW (f->window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (Fixture       *f,
              gconstpointer  data)
{
  return find_dialog (f) != NULL;
}

static gboolean
dialog_gone (Fixture       *f,
             gconstpointer  data)
{
  return find_dialog (f) == NULL;
}

typedef struct
{
  const char *id;
  const char *member;
  const char *value;     /* NULL: the boolean TRUE; "": absent or false */
} Recorded;

static gboolean
recorded (Fixture       *f,
          gconstpointer  data)
{
  const Recorded *r = data;
  g_autofree char *dir = g_build_filename (f->takes_dir, r->id, NULL);
  g_autoptr(JsonObject) manifest = inb_take_read_manifest (dir, NULL);
  JsonNode *node;

  InbTakeEntry *entry = lookup (f, r->id);
  const char *listed = NULL;

  if (manifest == NULL || entry == NULL)
    return FALSE;

  /* The list says the same as the file */
  if (g_str_equal (r->member, "starred"))
    {
      if (inb_take_entry_get_starred (entry) != (r->value == NULL))
        return FALSE;
    }
  else
    {
      listed = g_str_equal (r->member, "title") ? inb_take_entry_get_title (entry) : inb_take_entry_get_note (entry);
      if (g_strcmp0 (listed, r->value) != 0)
        return FALSE;
    }

  node = json_object_get_member (manifest, r->member);
  if (r->value == NULL)
    return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
           json_node_get_boolean (node);
  if (*r->value == '\0')
    return node == NULL || JSON_NODE_HOLDS_NULL (node) ||
           (json_node_get_value_type (node) == G_TYPE_BOOLEAN && !json_node_get_boolean (node));

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
         g_str_equal (json_node_get_string (node), r->value);
}

static void
test_star_title_note (Fixture       *f,
                      gconstpointer  data)
{
  const TakeSpec specs[] = {
    { .id = "20260109-100000-000001", .minutes_ago = 30, .prompt = "the tide comes in", .number = 1 },
    { .id = "20260109-100000-000002", .minutes_ago = 20, .prompt = "the tide goes out", .number = 2 },
  };
  const char *id = specs[0].id;
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/inb-take-menu.ui");
  GMenuModel *menu = G_MENU_MODEL (gtk_builder_get_object (builder, "take_menu"));
  const char *actions[] = { "take.star", "take.unstar", "take.rename", "take.note", "take.show-in-files",
                            "take.delete", "take.reroll", "take.variations", "take.use-settings" };
  AdwMessageDialog *dialog;
  GtkWidget *editor;
  InbTakeRow *row;
  Recorded starred = { id, "starred", NULL };
  Recorded unstarred = { id, "starred", "" };
  Recorded titled = { id, "title", "Opening shot" };
  Recorded noted = { id, "note", "the client prefers the warmer ending" };

  /* The take's menu offers them */
  g_assert_nonnull (menu);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (!menu_has_action (menu, actions[i]))
      g_error ("The take's menu has no %s", actions[i]);

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    g_free (write_take (f->takes_dir, &specs[i]));
  open_window (f, 1100, 760);
  inb_library_panel_select (panel_of (f), lookup (f, id));

  /* Star: kept in take.json, and the starred filter finds it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.star", NULL));
  g_assert_true (wait_until (f, recorded, &starred, 10));
  g_assert_true (inb_take_entry_get_starred (lookup (f, id)));
  /* Its row's star says what a click on it does */
  row = inb_library_panel_find_row (panel_of (f), lookup (f, id));
  g_assert_nonnull (row);
  g_assert_cmpstr (inb_take_row_get_tip (row, inb_take_row_get_star_button (row)), ==, "Unstar");
  inb_library_panel_set_starred_only (panel_of (f), TRUE);
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.unstar", NULL));
  g_assert_true (wait_until (f, recorded, &unstarred, 10));
  g_assert_false (inb_take_entry_get_starred (lookup (f, id)));
  inb_library_panel_set_starred_only (panel_of (f), FALSE);
  row = inb_library_panel_find_row (panel_of (f), lookup (f, id));
  g_assert_nonnull (row);
  g_assert_cmpstr (inb_take_row_get_tip (row, inb_take_row_get_star_button (row)), ==, "Star");
  g_assert_cmpstr (inb_take_row_get_tip (row, inb_take_row_get_cancel_button (row)), ==, "Cancel");

  /* Title, in its dialog */
  inb_library_panel_select (panel_of (f), lookup (f, id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.rename", NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 10));
  dialog = find_dialog (f);
  editor = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (editor));
  gtk_editable_set_text (GTK_EDITABLE (editor), "  Opening shot ");
  /* As its button does: the response, then closed */
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_until (f, dialog_gone, NULL, 10));
  g_assert_true (wait_until (f, recorded, &titled, 10));
  g_assert_cmpstr (inb_take_entry_get_title (lookup (f, id)), ==, "Opening shot");
  inb_library_panel_set_search (panel_of (f), "opening");
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, id));
  inb_library_panel_set_search (panel_of (f), NULL);

  /* Note */
  inb_library_panel_select (panel_of (f), lookup (f, id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.note", NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 10));
  dialog = find_dialog (f);
  editor = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (adw_message_dialog_get_extra_child (dialog)));
  g_assert_true (GTK_IS_TEXT_VIEW (editor));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), noted.value, -1);
  /* As its button does: the response, then closed */
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_until (f, dialog_gone, NULL, 10));
  g_assert_true (wait_until (f, recorded, &noted, 10));
  g_assert_cmpstr (inb_take_entry_get_note (lookup (f, id)), ==, noted.value);
  inb_library_panel_set_search (panel_of (f), "WARMER");
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, id));
  inb_library_panel_set_search (panel_of (f), NULL);

  /* Cancel changes nothing */
  inb_library_panel_select (panel_of (f), lookup (f, id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.rename", NULL));
  g_assert_true (wait_until (f, dialog_shown, NULL, 10));
  dialog = find_dialog (f);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Not this");
  /* As its button does: the response, then closed */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (wait_until (f, dialog_gone, NULL, 10));
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (recorded (f, &titled));
}

/* Show in Files ------------------------------------------------------------------------------ */

/* A file manager on the test's own session bus: records what it was
 * asked to show */
static GPtrArray *shown_items;
static guint file_manager_id;
static guint file_manager_name;
static char *opened_log;     /* the "default folder opener"'s record */

static void
file_manager_call_cb (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  g_autofree const char **uris = NULL;
  const char *startup_id;

  g_assert_cmpstr (method, ==, "ShowItems");
  g_variant_get (parameters, "(^a&s&s)", &uris, &startup_id);
  for (guint i = 0; uris[i] != NULL; i++)
    g_ptr_array_add (shown_items, g_strdup (uris[i]));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_file_manager (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.FileManager1'>"
    "<method name='ShowItems'><arg type='as' direction='in'/><arg type='s' direction='in'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { file_manager_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bus);
  file_manager_id = g_dbus_connection_register_object (bus, "/org/freedesktop/FileManager1", info->interfaces[0],
                                                       &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  file_manager_name = g_bus_own_name_on_connection (bus, "org.freedesktop.FileManager1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                                    NULL, NULL, NULL, NULL);
}

static void
stop_file_manager (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  g_clear_handle_id (&file_manager_name, g_bus_unown_name);
  if (file_manager_id != 0)
    g_dbus_connection_unregister_object (bus, file_manager_id);
  file_manager_id = 0;
}

static gboolean
name_owned (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", "org.freedesktop.FileManager1"),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                                           NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned == GPOINTER_TO_INT (data);
}

static gboolean
items_shown (Fixture       *f,
             gconstpointer  data)
{
  return shown_items->len > 0;
}

static gboolean
folder_opened (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (opened_log, &text, NULL, NULL) && strstr (text, data) != NULL;
}

static void
test_show_in_files (Fixture       *f,
                    gconstpointer  data)
{
  const TakeSpec done = { .id = "20260110-100000-000001", .minutes_ago = 30, .prompt = "show me", .number = 1 };
  const TakeSpec failed = { .id = "20260110-100000-000002", .minutes_ago = 20, .state = "failed", .error = "No",
                            .number = 2 };
  g_autofree char *dir = write_take (f->takes_dir, &done);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *failed_dir = write_take (f->takes_dir, &failed);
  g_autoptr(GFile) clip_file = g_file_new_for_path (clip);
  g_autofree char *clip_uri = g_file_get_uri (clip_file);

  g_ptr_array_set_size (shown_items, 0);
  start_file_manager ();
  g_assert_true (wait_until (f, name_owned, GINT_TO_POINTER (TRUE), 10));
  open_window (f, 1100, 760);

  /* The file manager shows the clip, selected */
  inb_library_panel_select (panel_of (f), lookup (f, done.id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.show-in-files", NULL));
  g_assert_true (wait_until (f, items_shown, NULL, 10));
  g_assert_cmpuint (shown_items->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (shown_items, 0), ==, clip_uri);

  /* No file manager on the bus: the folder is opened instead (by the
   * test's default handler for folders) */
  stop_file_manager ();
  g_assert_true (wait_until (f, name_owned, GINT_TO_POINTER (FALSE), 10));
  g_ptr_array_set_size (shown_items, 0);
  inb_library_panel_select (panel_of (f), lookup (f, failed.id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "take.show-in-files", NULL));
  /* (as a path or a URI: GIO passes a local folder as a path) */
  g_assert_true (wait_until (f, folder_opened, failed_dir, 20));
  g_assert_cmpuint (shown_items->len, ==, 0);
}

/* Dragging a clip out ------------------------------------------------------------------------- */

static GdkContentProvider *
prepare_drag (InbTakeRow *row)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      GdkContentProvider *provider = NULL;

      if (GTK_IS_DRAG_SOURCE (controller))
        {
          g_signal_emit_by_name (controller, "prepare", 10.0, 10.0, &provider);
          return provider;
        }
    }

  g_error ("The row has no drag source");
  return NULL;
}

static void
test_drag_out (Fixture       *f,
               gconstpointer  data)
{
  const TakeSpec done = { .id = "20260111-100000-000001", .minutes_ago = 30, .prompt = "drag me", .number = 1 };
  const TakeSpec failed = { .id = "20260111-100000-000002", .minutes_ago = 20, .state = "failed", .error = "No",
                            .number = 2 };
  g_autofree char *dir = write_take (f->takes_dir, &done);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autoptr(GdkContentFormats) formats = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  InbTakeRow *row;
  GSList *files;
  g_autofree char *path = NULL;

  g_free (write_take (f->takes_dir, &failed));
  open_window (f, 1100, 760);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  /* A take with a clip offers the clip's file, as a file manager or an
   * editor takes it (a file list, so text/uri-list) */
  row = inb_library_panel_find_row (panel_of (f), lookup (f, done.id));
  g_assert_nonnull (row);
  provider = prepare_drag (row);
  g_assert_nonnull (provider);
  formats = gdk_content_formats_union_serialize_mime_types (gdk_content_provider_ref_formats (provider));
  g_assert_true (gdk_content_formats_contain_mime_type (formats, "text/uri-list"));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_assert_true (gdk_content_provider_get_value (provider, &value, &error));
  g_assert_no_error (error);
  files = gdk_file_list_get_files (g_value_get_boxed (&value));
  g_assert_cmpuint (g_slist_length (files), ==, 1);
  path = g_file_get_path (files->data);
  g_slist_free (files);
  g_assert_cmpstr (path, ==, clip);

  /* One without a clip offers nothing */
  row = inb_library_panel_find_row (panel_of (f), lookup (f, failed.id));
  g_assert_nonnull (row);
  g_assert_null (prepare_drag (row));
}

/* Export, then drop the file onto the window ------------------------------------------------- */

static gboolean
editor_prompt_is (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *prompt = _inb_window_dup_buffer_text (f->window->prompt_view);

  return g_strcmp0 (prompt, data) == 0;
}

static void
test_drop_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260112-100000-000001", .minutes_ago = 3, .backend = WS_BACKEND, .model = WS_MODEL,
                          .prompt = "the lantern sways in the wind", .negative = "flicker, text",
                          .seed = 424242, .number = 1 };
  g_autofree char *dir = write_take (f->takes_dir, &spec);
  g_autofree char *exported = g_build_filename (f->root, "exported.mp4", NULL);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(InbExporter) exporter = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonObject) manifest = read_manifest (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *negative = NULL;
  InbExportOptions options;
  InbParamPanel *params;
  JsonObject *parameters = json_object_get_object_member (manifest, "parameters");
  g_autoptr(GList) names = json_object_get_members (parameters);

  /* Exported as the window exports (MP4, the settings in its comment) */
  take = inb_take_load (dir, &error);
  g_assert_no_error (error);
  inb_export_options_init (&options);
  exporter = inb_exporter_new (take, &options);
  g_assert_true (inb_exporter_export (exporter, exported, NULL, &error));
  g_assert_no_error (error);

  open_window (f, 1100, 760);
  /* The editor holds something else */
  g_assert_true (inb_window_select_model (f->window, "local", NULL));
  inb_window_set_prompt (f->window, "something else entirely");

  inb_test_drop_file (GTK_WIDGET (f->window->library_flap), exported);
  g_assert_true (wait_until (f, editor_prompt_is, spec.prompt, 30));

  /* The same settings: model, every parameter, seed, negative prompt */
  g_assert_cmpstr (inb_backend_get_id (f->window->backend), ==, WS_BACKEND);
  g_assert_cmpstr (inb_model_get_id (f->window->model), ==, WS_MODEL);
  params = inb_window_get_param_panel (f->window);
  values = inb_param_panel_dup_values (params);
  g_assert_cmpuint (g_list_length (names), >, 0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *want = json_object_get_member (parameters, l->data);
      JsonNode *got = json_object_get_member (values, l->data);

      if (got == NULL || !json_node_equal (want, got))
        g_error ("Parameter %s did not come back from the exported file", (const char *) l->data);
    }
  g_assert_cmpint (inb_param_panel_get_seed (params), ==, spec.seed);
  g_assert_false (inb_param_panel_get_random_seed (params));
  negative = _inb_window_dup_buffer_text (f->window->negative_view);
  g_assert_cmpstr (negative, ==, spec.negative);

  /* Its take is in this library: the toast offers its keyframes */
  g_assert_true (wait_until (f, toast_button_shown, "Use Its _Keyframes", 10));
}

/* Thumbnails: decoded for the rows in view only ------------------------------------------------ */

typedef struct
{
  guint bound;
  guint in_view;
  guint in_view_with_thumbnail;
  guint in_view_but_outside;   /* said in view, drawn outside the panel */
} RowCount;

static RowCount
count_rows (Fixture *f)
{
  GListModel *shown = inb_library_panel_get_shown (panel_of (f));
  RowCount c = { 0 };

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (shown, i);
      InbTakeRow *row = inb_library_panel_find_row (panel_of (f), entry);

      if (row == NULL)
        continue;
      c.bound++;
      if (inb_take_row_get_in_view (row))
        {
          graphene_rect_t b;

          if (!gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (panel_of (f)), &b) ||
              b.origin.y + b.size.height <= 0 || b.origin.y >= gtk_widget_get_height (GTK_WIDGET (panel_of (f))))
            c.in_view_but_outside++;
          c.in_view++;
          c.in_view_with_thumbnail += inb_take_row_has_thumbnail (row);
        }
    }

  return c;
}

static gboolean
view_settled (Fixture       *f,
              gconstpointer  data)
{
  RowCount c = count_rows (f);

  return c.in_view > 0 && c.in_view_with_thumbnail == c.in_view;
}

static gboolean
all_bound (Fixture       *f,
           gconstpointer  data)
{
  return count_rows (f).bound >= GPOINTER_TO_UINT (data);
}

static gboolean
entry_in_view_with_thumbnail (Fixture       *f,
                              gconstpointer  data)
{
  InbTakeRow *row = inb_library_panel_find_row (panel_of (f), (InbTakeEntry *) data);

  return row != NULL && inb_take_row_get_in_view (row) && inb_take_row_has_thumbnail (row);
}

static void
test_thumbnails_in_view (Fixture       *f,
                         gconstpointer  data)
{
  InbThumbnailCache *cache;
  RowCount c;
  guint decoded;
  g_autoptr(InbTakeEntry) far = NULL;
  InbTakeRow *row;

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("20260113-100000-%06u", i);
      TakeSpec spec = { .id = id, .minutes_ago = 1000 - i, .prompt = "one of many", .number = i + 1 };

      g_free (write_take (f->takes_dir, &spec));
    }
  open_window (f, 1100, 760);
  /* The library shown (at this width it folds away) */
  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
  cache = inb_library_panel_get_thumbnails (panel_of (f));
  if (!wait_until (f, view_settled, NULL, 30))
    {
      c = count_rows (f);
      g_error ("%u rows bound, %u in view, %u of them with a thumbnail, %u decoded", c.bound, c.in_view,
               c.in_view_with_thumbnail, inb_thumbnail_cache_get_n_decoded (cache));
    }
  /* Every row made (the list comes in a few rows at a time) and settled */
  g_assert_true (wait_until (f, all_bound, GUINT_TO_POINTER (120), 30));
  /* (the window's own "folded" idle, run once the rows are in, may have
   * folded it away) */
  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
  if (!wait_until (f, view_settled, NULL, 30))
    {
      c = count_rows (f);
      g_error ("%u rows bound, %u in view, %u of them with a thumbnail, %u decoded; library %s", c.bound, c.in_view,
               c.in_view_with_thumbnail, inb_thumbnail_cache_get_n_decoded (cache),
               gtk_widget_get_mapped (GTK_WIDGET (panel_of (f))) ? "shown" : "not shown");
    }
  /* (counted at once: the window may fold the library away again) */
  c = count_rows (f);
  decoded = inb_thumbnail_cache_get_n_decoded (cache);
  g_test_message ("%u rows bound, %u in view, %u thumbnails decoded", c.bound, c.in_view, decoded);
  /* The 30 s tick reads the age of the rows in view only */
  g_assert_cmpuint (inb_library_panel_refresh_ages (panel_of (f)), ==, c.in_view);

  /* GTK keeps many more rows than it shows: only those shown decoded */
  g_assert_cmpuint (c.in_view, <, 20);
  g_assert_cmpuint (c.in_view_but_outside, ==, 0);
  g_assert_cmpuint (c.bound, >, c.in_view + 20);
  g_assert_cmpuint (decoded, >=, c.in_view);
  g_assert_cmpuint (decoded, <=, c.in_view + 2);

  /* Far down the list: that row comes into view and decodes its own */
  far = g_list_model_get_item (inb_library_panel_get_shown (panel_of (f)), 110);
  inb_library_panel_select (panel_of (f), far);
  /* (choosing a take at this width folds the library away) */
  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
  if (!wait_until (f, entry_in_view_with_thumbnail, far, 30))
    {
      row = inb_library_panel_find_row (panel_of (f), far);
      c = count_rows (f);
      g_error ("row %p in view %d thumbnail %d; %u bound, %u in view, value %g", row, row ? inb_take_row_get_in_view (row) : -1,
               row ? inb_take_row_has_thumbnail (row) : -1, c.bound, c.in_view,
               gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (row)))))));
    }
  g_assert_true (wait_until (f, view_settled, NULL, 30));
  row = inb_library_panel_find_row (panel_of (f), far);
  g_assert_nonnull (row);
  g_assert_true (inb_take_row_get_in_view (row));
  g_assert_true (inb_take_row_has_thumbnail (row));
  c = count_rows (f);
  g_assert_cmpuint (inb_thumbnail_cache_get_n_decoded (cache), <=, decoded + c.in_view + 2);
}

/* The trash is emptied at start ------------------------------------------------------------------ */

static gboolean
library_trash_empty (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *trashed = g_build_filename (f->takes_dir, ".trash", data, NULL);

  return !g_file_test (trashed, G_FILE_TEST_EXISTS);
}

static void
test_trash_at_start (Fixture       *f,
                     gconstpointer  data)
{
  const TakeSpec spec = { .id = "20260114-100000-000001", .minutes_ago = 30, .prompt = "deleted last time",
                          .number = 1 };
  const TakeSpec kept = { .id = "20260114-100000-000002", .minutes_ago = 20, .prompt = "kept", .number = 2 };
  g_autofree char *trash = g_build_filename (f->takes_dir, ".trash", NULL);

  /* Deleted in a window that closed before its toast did */
  g_free (write_take (trash, &spec));
  g_free (write_take (f->takes_dir, &kept));
  open_window (f, 1100, 760);
  g_assert_true (wait_until (f, library_trash_empty, spec.id, 10));
  g_assert_null (lookup (f, spec.id));
  g_assert_cmpuint (n_shown (f), ==, 1);
  g_assert_true (shows (f, kept.id));
}

/* Made, then the application closed and opened again -------------------------------------------- */

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *prompt = NULL;
  InbTakeEntry *entry;

  open_window (f, 1100, 760);
  entry = generate_at_fake (f);
  id = g_strdup (inb_take_entry_get_id (entry));
  prompt = g_strdup (inb_take_entry_get_prompt (entry));

  /* Closed: window and session gone */
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_clear_object (&f->session);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* Opened again: the take is there, done, with its clip */
  open_window (f, 1100, 760);
  g_assert_cmpuint (n_shown (f), ==, 1);
  entry = lookup (f, id);
  g_assert_nonnull (entry);
  g_assert_cmpint (inb_take_entry_get_state (entry), ==, INB_JOB_DONE);
  g_assert_true (inb_take_entry_get_has_clip (entry));
  g_assert_cmpstr (inb_take_entry_get_prompt (entry), ==, prompt);
  g_assert_null (inb_take_entry_get_job (entry));
}

/* Screenshots --------------------------------------------------------------------------------- */

static void
shoot (Fixture    *f,
       const char *dir,
       const char *name,
       int         width,
       int         height)
{
  g_autofree char *path = g_strdup_printf ("%s/library-%s.png", dir, name);

  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  for (guint i = 0; i < 30; i++)
    {
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
      g_main_context_iteration (NULL, FALSE);
    }
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (f->window));
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;

      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        break;
      g_test_message ("%s: nothing drawn yet (attempt %u)", path, attempt);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
      g_usleep (100000);
      g_main_context_iteration (NULL, FALSE);
    }
  inb_test_save_screenshot (GTK_WIDGET (f->window), path);
}

/* A take being made, past its submit (its row shows the provider's stage) */
static gboolean
one_processing (Fixture       *f,
                gconstpointer  data)
{
  InbTakeEntry **running = (InbTakeEntry **) data;
  GListModel *library = G_LIST_MODEL (inb_session_get_library (f->session));

  for (guint i = 0; i < g_list_model_get_n_items (library); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (library, i);

      if (inb_take_entry_get_job (entry) != NULL && inb_take_entry_is_active (entry) &&
          inb_test_fake_count (wavespeed, "GET", "/") >= 3)
        {
          *running = entry;
          return TRUE;
        }
    }

  return FALSE;
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");
  const TakeSpec specs[] = {
    { .id = "20260107-090000-000001", .minutes_ago = 60 * 30, .prompt = "a paper boat sails down the rain-filled gutter",
      .number = 1, .state = "interrupted", .error = "Interrupted: Inbetween stopped while making this take, before its clip was finished" },
    { .id = "20260107-090000-000002", .minutes_ago = 60 * 26, .prompt = "the flower opens its petals in time-lapse",
      .number = 2, .state = "expired", .error = "The result expired at the service (kept 24 hours)",
      .backend = WS_BACKEND, .model = WS_MODEL, .seed = 11 },
    { .id = "20260107-090000-000003", .minutes_ago = 60 * 5, .prompt = "slow dolly left around the statue at dusk, cinematic",
      .number = 3, .state = "cancelled", .backend = WS_BACKEND, .model = WS_MODEL, .seed = 12 },
    { .id = "20260107-090000-000004", .minutes_ago = 95, .prompt = "the cat jumps from the sofa to the windowsill",
      .number = 4, .state = "failed", .error = "WaveSpeed could not make the clip: the keyframes differ too much",
      .backend = WS_BACKEND, .model = WS_MODEL, .seed = 13 },
    { .id = "20260107-090000-000005", .minutes_ago = 42, .prompt = "the disc glides from left to right across the gradient",
      .number = 5, .shift = 1.4, .starred = TRUE, .title = "Glide — keeper", .note = "Use this one for the opening shot" },
    { .id = "20260107-090000-000006", .minutes_ago = 12, .prompt = "the balloon drifts over the hills as the light turns golden",
      .negative = "blurry, low quality, watermark", .number = 6, .shift = 4.6, .backend = WS_BACKEND, .model = WS_MODEL,
      .seed = 20394857, .group = "g1", .rewritten = "A red balloon drifts slowly over rolling green hills while the "
      "evening sun turns the sky gold; gentle camera pan, soft light" },
    { .id = "20260107-090000-000007", .minutes_ago = 11, .prompt = "the balloon drifts over the hills as the light turns golden",
      .negative = "blurry, low quality, watermark", .number = 7, .shift = 2.2, .backend = WS_BACKEND, .model = WS_MODEL,
      .seed = 77123, .group = "g1" },
    { .id = "20260107-090000-000008", .minutes_ago = 2, .prompt = "the kite climbs into the clouds",
      .number = 8, .state = "submit-unknown", .error = "Sent, and no answer came back: it is not sent again",
      .backend = WS_BACKEND, .model = WS_MODEL, .seed = 14 },
  };
  const int widths[] = { 1600, 1100, 600, 360 };
  const int heights[] = { 1000, 800, 900, 760 };
  static const char *prompts[] = {
    "a red ball rolls across the table and falls off the edge",
    "camera slowly pushes in on the lighthouse while waves crash",
    "她转过身，微笑着看向镜头，头发被风吹起",
    "the kite climbs into the clouds over the beach",
    "the candle flame flickers, then steadies",
    "a paper plane loops once and lands on the desk",
    "the tide comes in over the sandcastle",
    "snow starts falling on the empty street at night",
  };
  static const char *states[] = { "done", "done", "done", "failed", "done", "cancelled", "done", "expired" };
  /* (its folder's name says when it was made: 3 h ago, among the others) */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) made = g_date_time_add_hours (now, -3);
  g_autofree char *made_id = g_date_time_format (made, "%Y%m%d-%H%M%S-dddddd");
  g_autofree char *damaged = g_build_filename (f->takes_dir, made_id, NULL);
  g_autofree char *damaged_record = g_build_filename (damaged, "take.json", NULL);
  InbTakeEntry *running = NULL;

  if (out == NULL)
    {
      g_test_skip ("Set INB_SCREENSHOT_DIR to a folder to make the library screenshots");
      return;
    }


  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    g_free (write_take (f->takes_dir, &specs[i]));
  /* Thirty more from the days before, as a week of work leaves them */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("20260106-%02u0000-%06x", i % 24, 0x100 + i);
      const char *state = states[i % G_N_ELEMENTS (states)];
      gboolean ws = i % 3 != 0;
      TakeSpec spec = { .id = id, .minutes_ago = 60 * 31 + 97 * (int) i, .prompt = prompts[i % G_N_ELEMENTS (prompts)],
                        .number = 100 + i, .state = state, .backend = ws ? WS_BACKEND : NULL, .model = ws ? WS_MODEL : NULL,
                        .seed = ws ? 1000 + i : 0, .starred = i % 7 == 2, .shift = g_str_equal (state, "done") ? 0.8 + (i % 5) : 0,
                        .error = g_str_equal (state, "failed") ? "WaveSpeed could not make the clip: the content was flagged"
                                 : g_str_equal (state, "expired") ? "The result expired at the service (kept 24 hours)" : NULL };

      g_free (write_take (f->takes_dir, &spec));
    }
  /* One whose record no longer parses */
  g_assert_cmpint (g_mkdir_with_parents (damaged, 0700), ==, 0);
  g_assert_true (g_file_set_contents (damaged_record, "{\"id\": \"20260107-08", -1, NULL));

  open_window (f, 1600, 1000);
  /* The load's report said once, then out of the pictures */
  g_assert_true (wait_until (f, toast_button_shown, "_Details", 10));
  {
    GtkWidget *details = find_button (GTK_WIDGET (f->window), "_Details", NULL);
    GtkWidget *close = find_button (gtk_widget_get_parent (details), NULL, "window-close-symbolic");

    g_assert_nonnull (close);
    g_signal_emit_by_name (close, "clicked");
  }

  /* A take's details (the clip playing) */
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("details-%d", widths[i]);

      inb_library_panel_select (panel_of (f), lookup (f, "20260107-090000-000006"));
      g_assert_true (wait_until (f, details_loaded, NULL, 10));
      shoot (f, out, name, widths[i], heights[i]);
    }
  inb_library_panel_select (panel_of (f), NULL);

  /* And one being made, at the fake (which keeps it "processing") */
  inb_fake_server_reset (wavespeed);
  inb_fake_server_script (wavespeed, "{\"created_polls\": 2, \"processing_polls\": 1000000}");
  g_assert_true (inb_window_select_model (f->window, WS_BACKEND, WS_MODEL));
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (f->window)), first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (f->window)), last_png);
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (f->window), 20));
  g_assert_true (wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (f->window), 20));
  inb_window_set_prompt (f->window, "the lantern sways in the wind as night falls");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.generate", NULL));
  g_assert_true (wait_until (f, one_processing, &running, 30));

  /* The list, a take being made at its top, shown at every width */
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("%d", widths[i]);

      gtk_window_set_default_size (GTK_WINDOW (f->window), widths[i], heights[i]);
      for (guint k = 0; k < 10; k++)
        gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
      /* From the top (choosing scrolls to it) */
      inb_library_panel_select (panel_of (f), running);
      inb_library_panel_select (panel_of (f), NULL);
      adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
      shoot (f, out, name, widths[i], heights[i]);
    }

  inb_job_cancel (inb_take_entry_get_job (running));
}

static GtkStack *
find_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_child_by_name (GTK_STACK (widget), "loading") != NULL)
    return GTK_STACK (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *found = find_stack (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The library's other states at every width, to look at (not in docs/):
 * empty, reading, a failed take chosen; with INB_SCREENSHOT_DIR set */
static void
test_screenshot_states (Fixture       *f,
                        gconstpointer  data)
{
  const char *out = g_getenv ("INB_SCREENSHOT_DIR");
  const int widths[] = { 1600, 1100, 600, 360 };
  const int heights[] = { 1000, 800, 900, 760 };
  const TakeSpec specs[] = {
    { .id = "20260114-090000-000001", .minutes_ago = 90, .prompt = "the kite climbs into the clouds over the beach",
      .number = 1, .backend = WS_BACKEND, .model = WS_MODEL, .seed = 7 },
    { .id = "20260114-090000-000002", .minutes_ago = 30, .prompt = "a red ball rolls across the table and falls off the edge",
      .number = 2, .state = "failed", .backend = WS_BACKEND, .model = WS_MODEL, .seed = 8,
      .error = "WaveSpeed could not make the clip: the content was flagged by the service's safety check" },
  };
  GtkStack *stack;

  if (out == NULL)
    {
      g_test_skip ("Set INB_SCREENSHOT_DIR to a folder to make the library screenshots");
      return;
    }

  open_window (f, 1100, 800);
  adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("state-empty-%d", widths[i]);

      adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
      shoot (f, out, name, widths[i], heights[i]);
    }
  stack = find_stack (GTK_WIDGET (panel_of (f)));
  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("state-loading-%d", widths[i]);

      gtk_stack_set_visible_child_name (stack, "loading");
      adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
      shoot (f, out, name, widths[i], heights[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    g_free (write_take (f->takes_dir, &specs[i]));
  g_assert_true (wait_until (f, n_shown_is, GUINT_TO_POINTER (2), 20));
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("state-failed-%d", widths[i]);
      g_autofree char *list_name = g_strdup_printf ("state-failed-list-%d", widths[i]);

      gtk_window_set_default_size (GTK_WINDOW (f->window), widths[i], heights[i]);
      inb_library_panel_select (panel_of (f), lookup (f, specs[1].id));
      g_assert_true (wait_until (f, details_loaded, NULL, 10));
      shoot (f, out, name, widths[i], heights[i]);
      adw_flap_set_reveal_flap (f->window->library_flap, TRUE);
      shoot (f, out, list_name, widths[i], heights[i]);
    }
}

/* The desktop's default handler for folders, for Show in Files' fallback:
 * a script that records what it was asked to open (XDG folders of the
 * test's own, set before GLib reads them) */
static void
set_up_folder_opener (void)
{
  g_autofree char *data = g_build_filename (base, "xdg-data", NULL);
  g_autofree char *config = g_build_filename (base, "xdg-config", NULL);
  g_autofree char *apps = g_build_filename (data, "applications", NULL);
  g_autofree char *script = g_build_filename (base, "open-folder.sh", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop = g_build_filename (apps, "inb-test-open-folder.desktop", NULL);
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);

  opened_log = g_build_filename (base, "opened.log", NULL);
  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> '%s'\n", opened_log);
  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Folder Opener (test)\n"
                                  "Exec=%s %%u\nMimeType=inode/directory;\nNoDisplay=true\n", script);
  g_assert_true (g_file_set_contents (desktop, desktop_text, -1, NULL));
  g_assert_true (g_file_set_contents (mimeapps, "[Default Applications]\n"
                                      "inode/directory=inb-test-open-folder.desktop\n", -1, NULL));
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  GTestDBus *bus;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  int ret;

  base = g_dir_make_tmp ("inb-library-window-XXXXXX", &error);
  g_assert_no_error (error);
  set_up_folder_opener ();
  shown_items = g_ptr_array_new_with_free_func (g_free);

  /* A session bus of its own, where a file manager is or is not */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  /* which unsets DISPLAY (against X11 autolaunching a bus) */
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  g_setenv ("WAVESPEED_API_KEY", WS_KEY, TRUE);
  g_setenv ("INBETWEEN_WAVESPEED_POLL_MS", "50", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  first_png = inb_test_write_disc_png (base, "first.png", 480, 320, 120, 160);
  last_png = inb_test_write_disc_png (base, "last.png", 480, 320, 360, 160);
  clip_mp4 = g_build_filename (base, "clip.mp4", NULL);
  inb_test_write_clip (clip_mp4);

  initial = g_strdup_printf ("{\"key\": \"%s\", \"video_path\": \"%s\"}", WS_KEY, clip_mp4);
  wavespeed = inb_fake_server_start ("fake-wavespeed.py", initial);
  g_setenv ("INBETWEEN_WAVESPEED_URL", inb_fake_server_get_base_url (wavespeed), TRUE);

  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/library-window/earlier-takes", Fixture, NULL, fixture_setup, test_earlier_takes, fixture_teardown);
  g_test_add ("/library-window/filters", Fixture, NULL, fixture_setup, test_filters, fixture_teardown);
  g_test_add ("/library-window/empty", Fixture, NULL, fixture_setup, test_empty, fixture_teardown);
  g_test_add ("/library-window/select-plays", Fixture, NULL, fixture_setup, test_select_plays, fixture_teardown);
  g_test_add ("/library-window/use-settings", Fixture, NULL, fixture_setup, test_use_settings, fixture_teardown);
  g_test_add ("/library-window/take-dialogs", Fixture, NULL, fixture_setup, test_take_dialogs, fixture_teardown);
  g_test_add ("/library-window/reroll", Fixture, NULL, fixture_setup, test_reroll, fixture_teardown);
  g_test_add ("/library-window/variations", Fixture, NULL, fixture_setup, test_variations, fixture_teardown);
  g_test_add ("/library-window/delete-undo", Fixture, NULL, fixture_setup, test_delete_undo, fixture_teardown);
  g_test_add ("/library-window/toast-dismissed-at-once", Fixture, NULL, fixture_setup, test_toast_dismissed_at_once, fixture_teardown);
  g_test_add ("/library-window/cli-take-appears", Fixture, NULL, fixture_setup, test_cli_take_appears, fixture_teardown);
  g_test_add ("/library-window/sort", Fixture, NULL, fixture_setup, test_sort, fixture_teardown);
  g_test_add ("/library-window/star-title-note", Fixture, NULL, fixture_setup, test_star_title_note, fixture_teardown);
  g_test_add ("/library-window/show-in-files", Fixture, NULL, fixture_setup, test_show_in_files, fixture_teardown);
  g_test_add ("/library-window/drag-out", Fixture, NULL, fixture_setup, test_drag_out, fixture_teardown);
  g_test_add ("/library-window/drop-round-trip", Fixture, NULL, fixture_setup, test_drop_round_trip, fixture_teardown);
  g_test_add ("/library-window/thumbnails-in-view", Fixture, NULL, fixture_setup, test_thumbnails_in_view, fixture_teardown);
  g_test_add ("/library-window/trash-at-start", Fixture, NULL, fixture_setup, test_trash_at_start, fixture_teardown);
  g_test_add ("/library-window/restart", Fixture, NULL, fixture_setup, test_restart, fixture_teardown);
  g_test_add ("/library-window/screenshots", Fixture, NULL, fixture_setup, test_screenshots, fixture_teardown);
  g_test_add ("/library-window/screenshot-states", Fixture, NULL, fixture_setup, test_screenshot_states, fixture_teardown);

  ret = g_test_run ();

  inb_fake_server_stop (wavespeed);
  g_clear_object (&app);
  stop_file_manager ();
  /* Stopped, not "down": GTK may still hold the bus connection */
  g_test_dbus_stop (bus);
  g_ptr_array_unref (shown_items);
  g_free (opened_log);
  inb_test_rm_rf (base);
  g_free (first_png);
  g_free (last_png);
  g_free (clip_mp4);
  g_free (base);

  return ret;
}
