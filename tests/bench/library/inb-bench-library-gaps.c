/* inb-bench-library-gaps.c — does the window stall while it lists 5,000 takes?
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inb-bench-library-gaps TAKES_DIR [--runs N] [--width W] [--height H] [--no-filter]
 *
 * Not a test: nothing is asserted, it measures and prints. Run it with
 * tests/bench/library/gaps.sh (synthetic takes, Xvfb, a session bus).
 *
 * Each run opens a window (a new session, as after a restart) on
 * TAKES_DIR. From the window's first frame — the moment the window starts
 * reading the library — to the list being complete, every shown row's
 * thumbnail decoded and 500 ms more, a 1 ms timeout at the default
 * priority ticks on the main loop (the probe of
 * tests/bench/responsiveness/): each gap between two ticks longer than
 * 1 ms is time the loop spent on something else. The frame clock is
 * watched too, to say whether long gaps were frames being drawn.
 *
 * Then (unless --no-filter) a search that hides every take, and 500 ms
 * later the search cleared: the 5,000 come back. That phase's gaps are
 * counted apart ("filter.*"), from the search to the list being whole
 * again and 500 ms more.
 *
 * Prints per run and for all runs together the gaps' median, p95, p99
 * and max, the gaps over 16 ms and their share of the time, and the time
 * to the list being complete; then "RESULT" lines. "gap_cpu" is the main
 * thread's own CPU time (CLOCK_THREAD_CPUTIME_ID) within each gap: on a
 * loaded machine a gap is mostly waiting for a core, and this says what
 * the loop itself did in one go.
 */
#define G_LOG_DOMAIN "inb-bench-library-gaps"

#include "config.h"

#include <time.h>

#include <gst/gst.h>
#include <adwaita.h>

#include "inb-application.h"
#include "inb-library-panel.h"
#include "inb-session.h"
#include "inb-window-private.h"

typedef struct
{
  GArray   *gaps;       /* µs between two ticks, all runs */
  GArray   *run_gaps;   /* this run's */
  GArray   *cpu_gaps;   /* µs of the main thread's CPU within each gap, all runs */
  GArray   *run_cpu_gaps;
  gint64    last_cpu;
  GArray   *frames;     /* µs: each frame's length, all runs */
  gint64    last;
  gint64    paint_start;
  guint     probe_id;
  gboolean  first_paint;
  gint64    first_paint_at;
  gint64    first_paint_cpu;
  guint     n_long_in_frame;
  GArray   *long_frames; /* pairs: start, end of frames over 16 ms */
  gpointer  library;
  gint64    splice_start;
  gint64    splice_end;
  gint64    splice_cpu_start;
  gint64    splice_cpu_end;
  gboolean  verbose;    /* INB_BENCH_VERBOSE: every gap and frame over 50 ms */
  gboolean  in_filter;  /* frames not counted with the load's */
  gboolean  filter;     /* then hide every take with a filter and bring them back */
  GArray   *filter_gaps;
  GArray   *filter_cpu_gaps;
} Bench;

/* The library's items-changed: the hook runs before every handler, the
 * handler connected last after them; between them the list, its filter,
 * its order and the list view took in the takes. */
/* µs of CPU the main thread used */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
items_changed_hook (GSignalInvocationHint *hint,
                    guint                  n_values,
                    const GValue          *values,
                    gpointer               data)
{
  Bench *b = data;

  if (g_value_get_object (&values[0]) == b->library && b->splice_start == 0)
    {
      b->splice_start = g_get_monotonic_time ();
      b->splice_cpu_start = thread_cpu_us ();
    }

  return TRUE;
}

static void
items_changed_last_cb (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       Bench      *b)
{
  if (b->splice_end == 0)
    {
      b->splice_end = g_get_monotonic_time ();
      b->splice_cpu_end = thread_cpu_us ();
    }
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile (ms) of @values (µs), sorted in place */
static double
percentile_ms (GArray *values,
               double  p)
{
  guint rank;

  if (values->len == 0)
    return 0.0;

  g_array_sort (values, compare_gint64);
  rank = (guint) ((p / 100.0) * values->len + 0.999999);
  rank = CLAMP (rank, 1, values->len);

  return g_array_index (values, gint64, rank - 1) / 1000.0;
}

static void
summarise (const char *name,
           GArray     *gaps)
{
  g_autoptr(GArray) sorted = g_array_copy (gaps);
  gint64 total = 0, stalled = 0;
  guint n_long = 0;

  for (guint i = 0; i < gaps->len; i++)
    {
      gint64 gap = g_array_index (gaps, gint64, i);

      total += gap;
      if (gap > 16000)
        {
          stalled += gap;
          n_long++;
        }
    }

  g_print ("  %-24s n=%-6u median %6.1f  p95 %6.1f  p99 %6.1f  max %6.1f ms; gaps > 16 ms: %u, %.1f%% of the time\n",
           name, gaps->len, percentile_ms (sorted, 50), percentile_ms (sorted, 95), percentile_ms (sorted, 99),
           percentile_ms (sorted, 100), n_long, total > 0 ? 100.0 * stalled / total : 0.0);
  g_print ("RESULT %s n=%u median=%.2f p95=%.2f p99=%.2f max=%.2f long=%u stalled_share=%.2f\n",
           name, gaps->len, percentile_ms (sorted, 50), percentile_ms (sorted, 95), percentile_ms (sorted, 99),
           percentile_ms (sorted, 100), n_long, total > 0 ? 100.0 * stalled / total : 0.0);
}

static gboolean
tick_cb (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (b->last != 0)
    {
      gint64 gap = now - b->last;
      gint64 used = cpu - b->last_cpu;

      g_array_append_val (b->run_cpu_gaps, used);
      g_array_append_val (b->cpu_gaps, used);

      g_array_append_val (b->run_gaps, gap);
      g_array_append_val (b->gaps, gap);
      if (b->verbose && used > 16000)
        g_print ("    gap %.0f ms (%.0f ms of CPU) from %+.0f ms\n", gap / 1000.0, used / 1000.0,
                 (b->last - b->first_paint_at) / 1000.0);
    }
  b->last = now;
  b->last_cpu = cpu;

  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Bench         *b)
{
  b->paint_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();

  if (!b->first_paint)
    {
      /* The window reads the library after this frame: measure from here */
      b->first_paint = TRUE;
      b->first_paint_at = now;
      b->first_paint_cpu = thread_cpu_us ();
      b->last = 0;
      b->last_cpu = thread_cpu_us ();
      b->probe_id = g_timeout_add (1, tick_cb, b);
      return;
    }

  if (b->paint_start != 0 && !b->in_filter)
    {
      gint64 d = now - b->paint_start;

      g_array_append_val (b->frames, d);
      if (b->verbose && d > 50000)
        g_print ("    frame %.0f ms from %+.0f ms\n", d / 1000.0, (b->paint_start - b->first_paint_at) / 1000.0);
      if (d > 16000)
        {
          g_array_append_val (b->long_frames, b->paint_start);
          g_array_append_val (b->long_frames, now);
        }
    }
  b->paint_start = 0;
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The rows in view have their thumbnails: some decoded, then no new
 * decode for 300 ms (or 5 s without any) */
static gboolean
thumbnails_settled (InbLibraryPanel *panel,
                    guint           *last,
                    gint64          *since,
                    gint64           loaded_at)
{
  InbThumbnailCache *cache = inb_library_panel_get_thumbnails (panel);
  guint n = inb_thumbnail_cache_get_n_decoded (cache);
  gint64 now = g_get_monotonic_time ();

  if (n != *last)
    {
      *last = n;
      *since = now;
      return FALSE;
    }

  return (n > 0 && now - *since > 300000) || now - loaded_at > 5 * G_USEC_PER_SEC;
}

/* A filter that hides every take, then clearing it: the 5,000 come back.
 * Gaps from the filter being typed to the list being whole again and
 * 500 ms more, kept apart from the load's. */
static void
measure_filter (Bench           *b,
                InbLibraryPanel *panel)
{
  GArray *load_gaps = b->gaps, *load_cpu_gaps = b->cpu_gaps;
  GListModel *shown = inb_library_panel_get_shown (panel);
  guint n = g_list_model_get_n_items (shown);
  gint64 start, back_at;

  g_array_set_size (b->run_gaps, 0);
  g_array_set_size (b->run_cpu_gaps, 0);
  b->gaps = b->filter_gaps;
  b->cpu_gaps = b->filter_cpu_gaps;
  start = g_get_monotonic_time ();
  b->last = 0;
  b->last_cpu = thread_cpu_us ();
  b->probe_id = g_timeout_add (1, tick_cb, b);
  b->in_filter = TRUE;

  inb_library_panel_set_search (panel, "no take says this");
  spin_ms (500);
  inb_library_panel_set_search (panel, NULL);
  while (!inb_library_panel_get_complete (panel) || g_list_model_get_n_items (shown) != n)
    g_main_context_iteration (NULL, TRUE);
  back_at = g_get_monotonic_time ();
  spin_ms (500);
  g_clear_handle_id (&b->probe_id, g_source_remove);
  b->gaps = load_gaps;
  b->cpu_gaps = load_cpu_gaps;
  b->in_filter = FALSE;

  g_print ("    filter: all %u takes hidden, then back in full %.0f ms after the filter was cleared\n",
           n, (back_at - start) / 1000.0 - 500);
  summarise ("filter.gap", b->run_gaps);
  summarise ("filter.gap_cpu", b->run_cpu_gaps);
}

static int
run_once (Bench          *b,
          InbApplication *app,
          const char     *takes_dir,
          int             width,
          int             height,
          guint           run)
{
  g_autoptr(InbSession) session = inb_session_new (NULL);
  InbWindow *window;
  InbLibraryPanel *panel;
  GdkFrameClock *clock;
  gint64 loaded_at = 0, settled_at = 0, deadline, since = 0;
  guint last = G_MAXUINT;
  gboolean loaded = FALSE;
  g_autofree char *name = NULL;
  guint n_items;

  g_array_set_size (b->run_gaps, 0);
  g_array_set_size (b->run_cpu_gaps, 0);
  b->first_paint = FALSE;
  b->paint_start = 0;

  inb_session_set_takes_dir (session, takes_dir);
  window = g_object_new (INB_TYPE_WINDOW, "application", app, "session", session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_realize (GTK_WIDGET (window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), b);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), b);
  gtk_window_present (GTK_WINDOW (window));
  panel = inb_window_get_library_panel (window);
  b->library = inb_session_get_library (session);
  b->splice_start = b->splice_end = 0;
  b->splice_cpu_start = b->splice_cpu_end = 0;
  g_signal_connect (b->library, "items-changed", G_CALLBACK (items_changed_last_cb), b);

  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!loaded && inb_library_get_loaded (inb_session_get_library (session)) &&
          g_list_model_get_n_items (inb_library_panel_get_shown (panel)) > 0)
        {
          loaded = TRUE;
          loaded_at = g_get_monotonic_time ();
        }
      if (loaded && thumbnails_settled (panel, &last, &since, loaded_at))
        {
          settled_at = g_get_monotonic_time ();
          break;
        }
    }
  if (!loaded)
    {
      g_printerr ("The library did not load in 120 s\n");
      return 1;
    }
  spin_ms (500);
  g_clear_handle_id (&b->probe_id, g_source_remove);
  g_print ("    main thread: %.0f ms of CPU in %.0f ms\n", (thread_cpu_us () - b->first_paint_cpu) / 1000.0,
           (g_get_monotonic_time () - b->first_paint_at) / 1000.0);

  n_items = g_list_model_get_n_items (inb_library_panel_get_shown (panel));
  g_print ("  run %u: %u takes listed %.0f ms after the first frame; thumbnails settled at %.0f ms (%u decoded)\n",
           run, n_items, (loaded_at - b->first_paint_at) / 1000.0, (settled_at - b->first_paint_at) / 1000.0,
           inb_thumbnail_cache_get_n_decoded (inb_library_panel_get_thumbnails (panel)));
  g_print ("    the takes handed to the list at %+.0f ms, taken in (list, filter, order, view) in %.1f ms (%.1f ms of CPU)\n",
           (b->splice_start - b->first_paint_at) / 1000.0, (b->splice_end - b->splice_start) / 1000.0,
           (b->splice_cpu_end - b->splice_cpu_start) / 1000.0);
  g_print ("RESULT run%u.listed_ms %.1f\n", run, (loaded_at - b->first_paint_at) / 1000.0);
  g_print ("RESULT run%u.take_in_ms %.1f\n", run, (b->splice_end - b->splice_start) / 1000.0);
  g_signal_handlers_disconnect_by_data (b->library, b);
  name = g_strdup_printf ("run%u.gap", run);
  summarise (name, b->run_gaps);
  g_free (name);
  name = g_strdup_printf ("run%u.gap_cpu", run);
  summarise (name, b->run_cpu_gaps);

  if (b->filter)
    measure_filter (b, panel);

  g_signal_handlers_disconnect_by_data (clock, b);
  gtk_window_destroy (GTK_WINDOW (window));
  spin_ms (300);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  int runs = 5;
  int width = 1280;
  int height = 800;
  Bench b = { .filter = TRUE };
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Windows opened one after the other (default 5)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Window width (default 1280)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Window height (default 800)", "H" },
    { "no-filter", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &b.filter, "Not then hide every take with a filter and clear it", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("TAKES_DIR — main-loop gaps while the window lists the takes");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbApplication) app = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "Say the takes folder");
      return 2;
    }

  gst_init (NULL, NULL);
  gtk_init ();
  adw_init ();

  app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  b.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.run_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.cpu_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.run_cpu_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.long_frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.filter_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.filter_cpu_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.verbose = g_getenv ("INB_BENCH_VERBOSE") != NULL;
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0, items_changed_hook, &b, NULL);

  for (int i = 1; i <= MAX (runs, 1); i++)
    if (run_once (&b, app, argv[1], width, height, (guint) i) != 0)
      return 1;

  g_print ("\n");
  summarise ("all.gap", b.gaps);
  /* The main thread's own CPU time in each gap: what the gaps would be
   * on an idle machine (the wall-clock gaps include waiting for a core) */
  summarise ("all.gap_cpu", b.cpu_gaps);
  if (b.filter)
    {
      summarise ("filter.all.gap", b.filter_gaps);
      summarise ("filter.all.gap_cpu", b.filter_cpu_gaps);
    }
  {
    g_autoptr(GArray) frames = g_array_copy (b.frames);

    g_print ("  frames: n=%u, median %.1f, p99 %.1f, max %.1f ms; %u over 16 ms\n", frames->len,
             percentile_ms (frames, 50), percentile_ms (frames, 99), percentile_ms (frames, 100),
             b.long_frames->len / 2);
    g_print ("RESULT all.frame n=%u median=%.2f p99=%.2f max=%.2f\n", b.frames->len,
             percentile_ms (frames, 50), percentile_ms (frames, 99), percentile_ms (frames, 100));
  }

  g_array_unref (b.gaps);
  g_array_unref (b.run_gaps);
  g_array_unref (b.cpu_gaps);
  g_array_unref (b.run_cpu_gaps);
  g_array_unref (b.frames);
  g_array_unref (b.long_frames);
  g_array_unref (b.filter_gaps);
  g_array_unref (b.filter_cpu_gaps);

  return 0;
}
