/* test-session-window.c — windows on one session
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every window of the application works on its one InbSession: two
 * windows share one job queue and one concurrency limit; closing a window
 * whose takes still run asks first; and the window makes the same take
 * (take.json) as `inbetween generate` for the same inputs. Each case gets
 * windows of its own.
 */
#define G_LOG_DOMAIN "test-session-window"

#include "config.h"

#include <adwaita.h>

#include "inb-application.h"
#include "inb-take.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-window-private.h"

typedef struct
{
  InbApplication *app;
  char           *dir;
  char           *first_png;
  char           *last_png;
  InbWindow      *a;
  InbWindow      *b;
  guint           max_running;
} Fixture;

static InbApplication *app;
static char *dir;

/* A new window in *@window (f->a or f->b), watched: *@window goes NULL
 * when it is finalized. The teardown waits for that, so no weak pointer
 * outlives the fixture it points into. (A window can be finalized after
 * its case, held by what of it is still pending: its close idle, a
 * keyring lookup. Watched only in some cases and not waited for, one
 * wrote NULL into the freed fixture, memory malloc had handed on by then:
 * the heap corruption behind this test's rare crashes at the start of
 * destroy-frees-widgets, right after close-keeps-running.) */
static void
open_window (InbWindow **window)
{
  *window = inb_window_new (app);
  g_object_add_weak_pointer (G_OBJECT (*window), (gpointer *) window);

  gtk_window_set_default_size (GTK_WINDOW (*window), 1100, 760);
  gtk_window_present (GTK_WINDOW (*window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (*window));
  g_assert_true (inb_window_select_model (*window, "local", NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->app = app;
  f->dir = dir;
  f->first_png = g_build_filename (dir, "first.png", NULL);
  f->last_png = g_build_filename (dir, "last.png", NULL);
}

static gboolean
queue_idle (Fixture       *f,
            gconstpointer  data)
{
  InbSession *session = inb_application_get_session (f->app);

  return inb_session_get_n_active_jobs (session) == 0;
}

static gboolean
windows_finalized (Fixture       *f,
                   gconstpointer  data)
{
  return f->a == NULL && f->b == NULL;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Destroyed (again, if the case did: then nothing happens), and gone
   * before the fixture is: nothing of this case runs on into the next */
  if (f->a != NULL)
    gtk_window_destroy (GTK_WINDOW (f->a));
  if (f->b != NULL)
    gtk_window_destroy (GTK_WINDOW (f->b));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) windows_finalized, NULL, 30));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) queue_idle, NULL, 30));
  g_free (f->first_png);
  g_free (f->last_png);
}

static void
load_keyframes (Fixture   *f,
                InbWindow *window)
{
  inb_test_drop_file (GTK_WIDGET (inb_window_get_first_slot (window)), f->first_png);
  inb_test_drop_file (GTK_WIDGET (inb_window_get_last_slot (window)), f->last_png);
  g_assert_true (inb_test_wait_until (f, inb_test_slot_loaded, inb_window_get_first_slot (window), 20));
  g_assert_true (inb_test_wait_until (f, inb_test_slot_loaded, inb_window_get_last_slot (window), 20));
}

static void
set_length (InbWindow *window,
            guint      seconds,
            guint      fps)
{
  InbParamPanel *panel = inb_window_get_param_panel (window);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), seconds);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), fps);
}

static guint
count_running (InbJobQueue *queue)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(InbJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);
      InbJobState state = inb_job_get_state (job);

      n += state != INB_JOB_QUEUED && !inb_job_state_is_terminal (state);
    }

  return n;
}

static gboolean
n_jobs_at_least (Fixture       *f,
                 gconstpointer  data)
{
  InbJobQueue *queue = inb_session_get_queue (inb_application_get_session (f->app));

  f->max_running = MAX (f->max_running, count_running (queue));
  return g_list_model_get_n_items (G_LIST_MODEL (queue)) >= GPOINTER_TO_UINT (data);
}

static gboolean
all_done (Fixture       *f,
          gconstpointer  data)
{
  InbJobQueue *queue = inb_session_get_queue (inb_application_get_session (f->app));

  f->max_running = MAX (f->max_running, count_running (queue));
  return inb_session_get_n_active_jobs (inb_application_get_session (f->app)) == 0;
}

/* Whether @window's library lists @job's take, with its job (progress) */
static gboolean
lists_job (InbWindow *window,
           InbJob    *job)
{
  GListModel *shown = inb_library_panel_get_shown (inb_window_get_library_panel (window));
  const char *id = inb_take_get_id (inb_job_get_take (job));

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (shown, i);

      if (g_strcmp0 (inb_take_entry_get_id (entry), id) == 0)
        return inb_take_entry_get_job (entry) == job || inb_job_state_is_terminal (inb_job_get_state (job));
    }

  return FALSE;
}

/* Two windows, one queue: both show both takes, and the local engine's
 * limit of one at a time holds across them. */
static void
test_shared_queue (Fixture       *f,
                   gconstpointer  data)
{
  InbSession *session = inb_application_get_session (f->app);
  InbJobQueue *queue = inb_session_get_queue (session);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));
  InbBackend *local = inb_session_lookup_backend (session, "local");

  g_assert_cmpuint (inb_backend_get_max_concurrent (local, inb_backend_get_default_model (local)), ==, 1);

  open_window (&f->a);
  open_window (&f->b);
  g_assert_true (inb_window_get_job_queue (f->a) == queue);
  g_assert_true (inb_window_get_job_queue (f->b) == queue);

  load_keyframes (f, f->a);
  load_keyframes (f, f->b);
  set_length (f->a, 2, 16);
  set_length (f->b, 2, 16);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->a), "win.generate", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->b), "win.generate", NULL));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) n_jobs_at_least, GUINT_TO_POINTER (before + 2), 30));

  /* Both windows list both takes */
  for (guint i = before; i < before + 2; i++)
    {
      g_autoptr(InbJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      g_assert_true (lists_job (f->a, job));
      g_assert_true (lists_job (f->b, job));
    }

  g_assert_true (inb_test_wait_until (f, (InbTestCheck) all_done, NULL, 120));
  g_assert_cmpuint (f->max_running, ==, 1);

  for (guint i = before; i < before + 2; i++)
    {
      g_autoptr(InbJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);
    }
}

static AdwMessageDialog *
find_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == parent &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (Fixture       *f,
              gconstpointer  data)
{
  return find_dialog ((GtkWindow *) data) != NULL;
}

static gboolean
job_running (Fixture       *f,
             gconstpointer  data)
{
  InbJobState state = inb_job_get_state ((InbJob *) data);

  return state != INB_JOB_QUEUED && !inb_job_state_is_terminal (state);
}

static gboolean
job_ended (Fixture       *f,
           gconstpointer  data)
{
  return inb_job_state_is_terminal (inb_job_get_state ((InbJob *) data));
}

static InbJob *
start_long_take (Fixture   *f,
                 InbWindow *window)
{
  InbJobQueue *queue = inb_window_get_job_queue (window);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (queue));
  InbJob *job;

  load_keyframes (f, window);
  set_length (window, 10, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) n_jobs_at_least, GUINT_TO_POINTER (before + 1), 30));
  job = g_list_model_get_item (G_LIST_MODEL (queue), before);
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) job_running, job, 30));

  return job;
}

static gboolean
window_gone (Fixture       *f,
             gconstpointer  data)
{
  InbWindow * const *window = data;

  return *window == NULL || !gtk_widget_get_visible (GTK_WIDGET (*window));
}

static gboolean
has_response (AdwMessageDialog *dialog,
              const char       *response)
{
  return adw_message_dialog_has_response (dialog, response);
}

/* The last window: Stay keeps everything; Cancel Them cancels and closes. */
static void
test_close_asks (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InbJob) job = NULL;
  AdwMessageDialog *dialog;

  open_window (&f->a);
  job = start_long_take (f, f->a);

  gtk_window_close (GTK_WINDOW (f->a));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) dialog_shown, f->a, 10));
  dialog = find_dialog (GTK_WINDOW (f->a));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->a)));
  g_assert_true (has_response (dialog, "stay"));
  g_assert_true (has_response (dialog, "cancel"));
  /* A local take cannot be resumed later, and there is no other window */
  g_assert_false (has_response (dialog, "later"));
  g_assert_false (has_response (dialog, "keep"));
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "stay");

  adw_message_dialog_response (dialog, "stay");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->a)));
  g_assert_false (inb_job_state_is_terminal (inb_job_get_state (job)));

  gtk_window_close (GTK_WINDOW (f->a));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) dialog_shown, f->a, 10));
  dialog = find_dialog (GTK_WINDOW (f->a));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) job_ended, job, 20));
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_CANCELLED);
  /* Closed now */
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) window_gone, &f->a, 10));
}

/* With another window open, the takes can go on there. */
static void
test_close_keeps_running (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(InbJob) job = NULL;
  AdwMessageDialog *dialog;

  open_window (&f->a);
  open_window (&f->b);
  job = start_long_take (f, f->a);

  gtk_window_close (GTK_WINDOW (f->a));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) dialog_shown, f->a, 10));
  dialog = find_dialog (GTK_WINDOW (f->a));
  g_assert_true (has_response (dialog, "keep"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  adw_message_dialog_response (dialog, "keep");

  g_assert_true (inb_test_wait_until (f, (InbTestCheck) window_gone, &f->a, 10));
  g_assert_false (inb_job_state_is_terminal (inb_job_get_state (job)));

  /* The other window now answers for it: closing it asks */
  gtk_window_close (GTK_WINDOW (f->b));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) dialog_shown, f->b, 10));
  dialog = find_dialog (GTK_WINDOW (f->b));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) job_ended, job, 20));
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_CANCELLED);
}

/* A window destroyed while threads still work for it — its take details
 * reading take.json, a keyframe slot decoding a drop — takes all of itself
 * with it, on the main thread: no worker holds a widget of it. (A GTask run
 * in a thread drops its source object in the worker when the callback has
 * already run — 1 to 3 tasks in 100 on this machine, GLib 2.74 — and a
 * widget held as one could be disposed and finalized on that thread,
 * racing GTK on the main thread. That was once suspected of the heap
 * corruption seen after close-keeps-running; see open_window() for what
 * it was.) */
typedef struct
{
  GThread *details;    /* where each was finalized */
  GThread *slot;
  GThread *window;
  gboolean details_first;   /* gone by the time the window was */
  gboolean slot_first;
} Gone;

static void
details_gone (gpointer  data,
              GObject  *where_the_object_was)
{
  ((Gone *) data)->details = g_thread_self ();
}

static void
slot_gone (gpointer  data,
           GObject  *where_the_object_was)
{
  ((Gone *) data)->slot = g_thread_self ();
}

static void
window_finalized (gpointer  data,
                  GObject  *where_the_object_was)
{
  Gone *gone = data;

  gone->window = g_thread_self ();
  gone->details_first = gone->details != NULL;
  gone->slot_first = gone->slot != NULL;
}

static gboolean
window_finalized_check (Fixture       *f,
                        gconstpointer  data)
{
  return ((const Gone *) data)->window != NULL;
}

static void
test_destroy_frees_widgets (Fixture       *f,
                            gconstpointer  data)
{
  InbLibrary *library = inb_session_get_library (inb_application_get_session (f->app));
  g_autoptr(InbJob) job = NULL;
  InbTakeEntry *entry;
  InbTakeDetails *details;
  InbKeyframeSlot *slot;
  InbWindow *window;
  Gone gone = { NULL, };

  open_window (&f->a);
  job = start_long_take (f, f->a);
  entry = inb_library_lookup (library, inb_take_get_id (inb_job_get_take (job)));
  g_assert_nonnull (entry);

  window = f->a;   /* f->a goes NULL as it is finalized */
  details = inb_window_get_take_details (window);
  slot = inb_window_get_first_slot (window);
  g_object_weak_ref (G_OBJECT (details), details_gone, &gone);
  g_object_weak_ref (G_OBJECT (slot), slot_gone, &gone);
  g_object_weak_ref (G_OBJECT (window), window_finalized, &gone);

  /* Both start a thread now; neither can have come back (that takes the
   * main loop) when the window goes */
  inb_take_details_set_entry (details, NULL);
  inb_take_details_set_entry (details, entry);
  inb_test_drop_file (GTK_WIDGET (slot), f->last_png);
  g_assert_true (inb_keyframe_slot_get_loading (slot));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_true (inb_test_wait_until (f, (InbTestCheck) window_finalized_check, &gone, 10));
  g_assert_true (gone.window == g_thread_self ());
  g_assert_true (gone.details_first);
  g_assert_true (gone.details == g_thread_self ());
  g_assert_true (gone.slot_first);
  g_assert_true (gone.slot == g_thread_self ());

  /* The take started there ends with it; the threads' callbacks (run
   * meanwhile) find nothing of the window to touch */
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) job_ended, job, 20));
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_CANCELLED);
}

/* Quit (Ctrl+Q) with a take running asks too, and quits nothing meanwhile */
static void
test_quit_asks (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(InbJob) job = NULL;
  AdwMessageDialog *dialog;

  open_window (&f->a);
  job = start_long_take (f, f->a);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "quit", NULL);
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) dialog_shown, f->a, 10));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->a)));
  g_assert_false (inb_job_state_is_terminal (inb_job_get_state (job)));

  dialog = find_dialog (GTK_WINDOW (f->a));
  adw_message_dialog_response (dialog, "stay");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->a)));
  g_assert_false (inb_job_state_is_terminal (inb_job_get_state (job)));
  inb_job_cancel (job);
}

static JsonObject *
load_manifest (const char *take_dir)
{
  g_autofree char *path = g_build_filename (take_dir, "take.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return inb_test_parse_object (text);
}

/* What differs between two takes of the same inputs: when, which, and how
 * long it took. */
static void
strip_run (JsonObject *manifest)
{
  const char *members[] = { "id", "created", "updated", "history", "timings", "number", "result" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (json_object_has_member (manifest, members[i]))
      json_object_remove_member (manifest, members[i]);
}

static gboolean
last_job_done (Fixture       *f,
               gconstpointer  data)
{
  InbJobQueue *queue = inb_session_get_queue (inb_application_get_session (f->app));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));
  g_autoptr(InbJob) job = n > 0 ? g_list_model_get_item (G_LIST_MODEL (queue), n - 1) : NULL;

  return job != NULL && job != data && inb_job_state_is_terminal (inb_job_get_state (job));
}

/* The window and `inbetween generate` are one program: the same inputs
 * make the same take.json. */
static void
test_same_take_as_cli (Fixture       *f,
                       gconstpointer  data)
{
  InbJobQueue *queue = inb_session_get_queue (inb_application_get_session (f->app));
  g_autoptr(InbJob) previous = NULL;
  g_autoptr(InbJob) job = NULL;
  g_autoptr(JsonObject) from_window = NULL;
  g_autoptr(JsonObject) from_cli = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  const char *argv[] = { g_getenv ("INB_BINARY"), "generate", f->first_png, f->last_png,
                         "-b", "local", "-p", "the ball rolls to the right",
                         "--set", "duration=1", "--set", "fps=8", "--json", "-q", NULL };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (queue));

  if (n > 0)
    previous = g_list_model_get_item (G_LIST_MODEL (queue), n - 1);

  open_window (&f->a);
  load_keyframes (f, f->a);
  set_length (f->a, 1, 8);
  inb_window_set_prompt (f->a, "the ball rolls to the right");
  /* The local engine takes no seed: none is drawn or recorded */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->a), "win.generate", NULL));
  g_assert_true (inb_test_wait_until (f, (InbTestCheck) last_job_done, previous, 120));
  job = g_list_model_get_item (G_LIST_MODEL (queue), g_list_model_get_n_items (G_LIST_MODEL (queue)) - 1);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_printerr ("%s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  summary = inb_test_parse_object (out);

  from_window = load_manifest (inb_take_get_dir (inb_job_get_take (job)));
  from_cli = load_manifest (json_object_get_string_member (summary, "take_dir"));

  /* The clips agree too */
  {
    JsonObject *rw = json_object_get_object_member (from_window, "result");
    JsonObject *rc = json_object_get_object_member (from_cli, "result");

    g_assert_cmpint (json_object_get_int_member (rw, "frames"), ==, json_object_get_int_member (rc, "frames"));
    g_assert_cmpint (json_object_get_int_member (rw, "width"), ==, json_object_get_int_member (rc, "width"));
    g_assert_cmpint (json_object_get_int_member (rw, "height"), ==, json_object_get_int_member (rc, "height"));
  }

  strip_run (from_window);
  strip_run (from_cli);
  a = json_node_init_object (json_node_alloc (), from_window);
  b = json_node_init_object (json_node_alloc (), from_cli);
  if (!json_node_equal (a, b))
    {
      g_autofree char *ta = json_to_string (a, TRUE);
      g_autofree char *tb = json_to_string (b, TRUE);

      g_test_message ("window:\n%s\ncli:\n%s", ta, tb);
    }
  g_assert_true (json_node_equal (a, b));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  int ret;

  dir = g_dir_make_tmp ("inb-session-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  first = inb_test_write_disc_png (dir, "first.png", 160, 96, 40, 48);
  last = inb_test_write_disc_png (dir, "last.png", 160, 96, 120, 44);

  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/session-window/shared-queue", Fixture, NULL, fixture_setup, test_shared_queue, fixture_teardown);
  g_test_add ("/session-window/close-asks", Fixture, NULL, fixture_setup, test_close_asks, fixture_teardown);
  g_test_add ("/session-window/close-keeps-running", Fixture, NULL, fixture_setup, test_close_keeps_running, fixture_teardown);
  g_test_add ("/session-window/destroy-frees-widgets", Fixture, NULL, fixture_setup, test_destroy_frees_widgets, fixture_teardown);
  g_test_add ("/session-window/quit-asks", Fixture, NULL, fixture_setup, test_quit_asks, fixture_teardown);
  g_test_add ("/session-window/same-take-as-cli", Fixture, NULL, fixture_setup, test_same_take_as_cli, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);
  inb_test_rm_rf (dir);
  g_free (dir);

  return ret;
}
