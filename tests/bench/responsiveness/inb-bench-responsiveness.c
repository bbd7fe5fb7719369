/* inb-bench-responsiveness.c: the responsiveness figures of issue 4
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

/* Not a test: nothing here is asserted. It measures and prints.
 *
 *   inb-bench-responsiveness --startup
 *       one start-up, the real application path (InbApplication →
 *       activate → InbWindow) to the first frame the window paints.
 *       Prints "RESULT startup_ms <ms>" measured from INB_BENCH_T0 (a
 *       CLOCK_MONOTONIC time in µs taken by the runner just before it
 *       started this process) or, without it, from main().
 *
 *   inb-bench-responsiveness --session [--fake fake-large.py] [--reps N]
 *       one window, then: the main loop idle, while a clip plays, while a
 *       50 MB download streams from a loopback fake, while a 720p local
 *       take is made; opening a 5 s 720p clip to its first frame; frame
 *       steps. Prints a table and "RESULT" lines for the runner.
 *
 * With INB_BENCH_FRAMES=1 every frame over 16 ms (=N: over N ms) is
 * printed to stderr split into update, layout and paint, and each local
 * take's frames in the 400 ms after Generate and after it is done are
 * summed up. The phases are timed from emission hooks, which run before
 * GDK's and GTK's own handlers (a handler connected by the bench would
 * run after them, and count the paint as layout).
 *
 * The main-loop probe is a 1 ms timeout at the default priority: every
 * gap between two ticks longer than 1 ms is time the loop spent in
 * something else. The window's frame clock is watched too (before-paint
 * to after-paint), to say whether the long gaps are frames being drawn.
 *
 * Environment (as the tests): GSETTINGS_SCHEMA_DIR, GSETTINGS_BACKEND,
 * INB_SAMPLES_DIR (first.jpg, last.jpg), XDG_DATA_HOME.
 */

#define G_LOG_DOMAIN "inb-bench-responsiveness"

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <adwaita.h>

#include "inb-application.h"
#include "inb-http.h"
#include "inb-image.h"
#include "inb-job-queue.h"
#include "inb-take.h"
#include "inb-video-writer.h"
#include "inb-window-private.h"

#define CLIP_WIDTH   1280
#define CLIP_HEIGHT  720
#define CLIP_FPS     24
#define CLIP_SECONDS 5
#define DOWNLOAD_BYTES (50 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Statistics */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of @values (µs), sorted in place. */
static double
percentile_ms (GArray *values,
               double  p)
{
  guint rank;

  if (values->len == 0)
    return 0.0;

  g_array_sort (values, compare_gint64);
  rank = (guint) ((p / 100.0) * values->len + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > values->len)
    rank = values->len;

  return g_array_index (values, gint64, rank - 1) / 1000.0;
}

static void
report (const char *name,
        GArray     *values,
        double      target_ms,
        const char *note)
{
  double median = percentile_ms (values, 50);
  double p99 = percentile_ms (values, 99);
  double max = percentile_ms (values, 100);

  g_print ("  %-44s n=%-6u median %8.1f  p99 %8.1f  max %8.1f ms   %s\n",
           name, values->len, median, p99, max, note != NULL ? note : "");
  g_print ("RESULT %s n=%u median=%.2f p99=%.2f max=%.2f target=%.0f\n",
           name, values->len, median, p99, max, target_ms);
}

/* ------------------------------------------------------------------ */
/* The main-loop probe and the frame-clock watch */

typedef struct
{
  GArray *gaps;     /* µs between two 1 ms ticks */
  GArray *gap_ends; /* when each gap ended */
  gint64  last;
  guint   id;
} Probe;

typedef struct
{
  GdkFrameClock *clock;
  gulong  layout_hook;
  gulong  paint_hook;
  gint64  layout_start;  /* the frame clock's layout phase began */
  gint64  draw_start;    /* its paint phase began */
  gint64  paint_start;
  gint64  origin;        /* frames are printed relative to this, if set */
  double  print_over_ms; /* INB_BENCH_FRAMES: print frames longer than this */
  GArray *frames;   /* pairs of µs: start, end of each frame's paint */
  guint   n_paints;
} FrameWatch;

static gboolean
probe_tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  if (probe->last != 0)
    {
      gint64 gap = now - probe->last;

      g_array_append_val (probe->gaps, gap);
      g_array_append_val (probe->gap_ends, now);
    }
  probe->last = now;

  return G_SOURCE_CONTINUE;
}

static void
probe_start (Probe *probe)
{
  g_array_set_size (probe->gaps, 0);
  g_array_set_size (probe->gap_ends, 0);
  probe->last = 0;
  probe->id = g_timeout_add (1, probe_tick_cb, probe);
}

static void
probe_stop (Probe *probe)
{
  g_clear_handle_id (&probe->id, g_source_remove);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameWatch    *watch)
{
  watch->paint_start = g_get_monotonic_time ();
  watch->layout_start = 0;
  watch->draw_start = 0;
}

/* The phases' starts are taken by emission hooks, which run before any
 * handler: GDK and GTK connect their own layout and paint handlers to the
 * frame clock before the bench could, so a handler of ours would only
 * run once their work is done. */
static gboolean
phase_hook (GSignalInvocationHint *hint,
            guint                  n_values,
            const GValue          *values,
            gpointer               data)
{
  FrameWatch *watch = data;
  GdkFrameClock *clock = g_value_get_object (&values[0]);

  if (clock == watch->clock)
    {
      if (hint->signal_id == g_signal_lookup ("layout", GDK_TYPE_FRAME_CLOCK))
        watch->layout_start = g_get_monotonic_time ();
      else
        watch->draw_start = g_get_monotonic_time ();
    }

  return TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameWatch    *watch)
{
  gint64 end = g_get_monotonic_time ();

  /* INB_BENCH_FRAMES: where each long frame went: update (tick
   * callbacks, animations), layout (CSS, measuring, allocating) or paint
   * (snapshot and render). A phase nobody asked for is skipped: it then
   * takes no time. */
  if (watch->layout_start < watch->paint_start)
    watch->layout_start = watch->paint_start;
  if (watch->draw_start < watch->layout_start)
    watch->draw_start = end;
  if (watch->print_over_ms > 0 && watch->paint_start != 0 &&
      end - watch->paint_start > watch->print_over_ms * 1000)
    g_printerr ("    frame %.1f ms at %+.0f ms: update %.1f, layout %.1f, paint %.1f\n",
                (end - watch->paint_start) / 1000.0,
                watch->origin != 0 ? (watch->paint_start - watch->origin) / 1000.0 : 0.0,
                (watch->layout_start - watch->paint_start) / 1000.0,
                (watch->draw_start - watch->layout_start) / 1000.0,
                (end - watch->draw_start) / 1000.0);

  if (watch->paint_start != 0)
    {
      g_array_append_val (watch->frames, watch->paint_start);
      g_array_append_val (watch->frames, end);
    }
  watch->paint_start = 0;
  watch->n_paints++;
}

/* How many of the probe's gaps longer than @threshold µs overlapped a
 * frame being drawn, and the longest frame (layout + paint) seen. */
static void
probe_report (const char *name,
              Probe      *probe,
              FrameWatch *watch,
              gint64      window_start)
{
  g_autoptr(GArray) gaps = g_array_copy (probe->gaps);
  g_autoptr(GArray) frame_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n_long = 0;
  guint n_in_frame = 0;
  gint64 total = 0;
  gint64 stalled = 0;
  g_autofree char *note = NULL;

  for (guint i = 0; i < probe->gaps->len; i++)
    {
      gint64 gap = g_array_index (probe->gaps, gint64, i);
      gint64 end = g_array_index (probe->gap_ends, gint64, i);
      gint64 start = end - gap;

      if (gap <= 16000)
        continue;
      n_long++;
      for (guint k = 0; k + 1 < watch->frames->len; k += 2)
        {
          gint64 fs = g_array_index (watch->frames, gint64, k);
          gint64 fe = g_array_index (watch->frames, gint64, k + 1);

          if (fs < end && fe > start)
            {
              n_in_frame++;
              break;
            }
        }
    }

  for (guint k = 0; k + 1 < watch->frames->len; k += 2)
    {
      gint64 fs = g_array_index (watch->frames, gint64, k);
      gint64 fe = g_array_index (watch->frames, gint64, k + 1);

      if (fs >= window_start)
        {
          gint64 d = fe - fs;

          g_array_append_val (frame_times, d);
        }
    }

  /* A blocked loop records few gaps, so a percentile of gaps flatters
   * it: also say what share of the wall time went in gaps over 16 ms. */
  for (guint i = 0; i < probe->gaps->len; i++)
    {
      gint64 gap = g_array_index (probe->gaps, gint64, i);

      total += gap;
      if (gap > 16000)
        stalled += gap;
    }

  note = g_strdup_printf ("gaps>16ms: %u (%u during a frame), %.1f%% of the time; frames: %u, longest %.1f ms",
                          n_long, n_in_frame, total > 0 ? 100.0 * stalled / total : 0.0, frame_times->len,
                          frame_times->len > 0 ? percentile_ms (frame_times, 100) : 0.0);
  report (name, gaps, 16, note);
  g_print ("RESULT %s.long_gaps count=%u in_frame=%u stalled_share=%.2f\n",
           name, n_long, n_in_frame, total > 0 ? 100.0 * stalled / total : 0.0);

  if (frame_times->len > 0)
    {
      g_autofree char *frame_name = g_strconcat (name, ".frame", NULL);

      report (frame_name, frame_times, 16, "(before-paint → after-paint)");
    }
}

/* ------------------------------------------------------------------ */
/* Waiting without blocking */

typedef gboolean (*Check) (gpointer data);

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_until (Check    check,
            gpointer data,
            guint    seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timed_out_cb, &timed_out);

  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return !timed_out;
}

static gboolean
always_false (gpointer data)
{
  return FALSE;
}

static void
sleep_ms (guint ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (ms, timed_out_cb, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

/* ------------------------------------------------------------------ */
/* Start-up */

typedef struct
{
  gint64          t0;
  gint64          main_t;
  gint64          init_t;
  gint64          gtk_t;
  gint64          adw_t;
  gint64          startup_t;
  gint64          added_t;
  gint64          realize_t;
  GtkApplication *app;
  gboolean        done;
} Startup;

static void
startup_after_paint_cb (GdkFrameClock *clock,
                        Startup       *s)
{
  gint64 now = g_get_monotonic_time ();

  if (s->done)
    return;
  s->done = TRUE;

  g_print ("RESULT startup_ms %.2f\n", (now - s->t0) / 1000.0);
  g_print ("RESULT startup_from_main_ms %.2f\n", (now - s->main_t) / 1000.0);
  /* Where the time goes: exec to main, curl + GStreamer init, GTK and
   * the application's startup, building the window, realizing it, the
   * first layout and paint. */
  g_print ("RESULT startup_phase.exec_to_main %.2f\n", (s->main_t - s->t0) / 1000.0);
  g_print ("RESULT startup_phase.curl_init %.2f\n", (s->init_t - s->main_t) / 1000.0);
  g_print ("RESULT startup_phase.gtk_init %.2f\n", (s->gtk_t - s->init_t) / 1000.0);
  g_print ("RESULT startup_phase.adw_init %.2f\n", (s->adw_t - s->gtk_t) / 1000.0);
  g_print ("RESULT startup_phase.app_startup %.2f\n", (s->startup_t - s->adw_t) / 1000.0);
  g_print ("RESULT startup_phase.window_built %.2f\n", (s->added_t - s->startup_t) / 1000.0);
  g_print ("RESULT startup_phase.present_to_realize %.2f\n", (s->realize_t - s->added_t) / 1000.0);
  g_print ("RESULT startup_phase.realize_to_first_paint %.2f\n", (now - s->realize_t) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, startup_after_paint_cb, s);
  g_application_quit (G_APPLICATION (s->app));
}

static void
startup_realize_cb (GtkWidget *window,
                    Startup   *s)
{
  GdkFrameClock *clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (window)));

  s->realize_t = g_get_monotonic_time ();
  g_signal_connect (clock, "after-paint", G_CALLBACK (startup_after_paint_cb), s);
}

static void
startup_window_added_cb (GtkApplication *app,
                         GtkWindow      *window,
                         Startup        *s)
{
  s->added_t = g_get_monotonic_time ();
  g_signal_connect (window, "realize", G_CALLBACK (startup_realize_cb), s);
}

static void
startup_startup_cb (GApplication *app,
                    Startup      *s)
{
  s->startup_t = g_get_monotonic_time ();
}

static int
run_startup (gint64 main_t)
{
  const char *t0 = g_getenv ("INB_BENCH_T0");
  g_autoptr(InbApplication) app = NULL;
  Startup s = { 0 };
  char *args[] = { (char *) "inbetween", NULL };
  int status;

  s.main_t = main_t;
  s.t0 = t0 != NULL ? g_ascii_strtoll (t0, NULL, 10) : main_t;

  /* As app/main.c does, in the same order (GStreamer is initialised when
   * the first clip opens, not before the window). */
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  s.init_t = g_get_monotonic_time ();
  /* GtkApplication's startup would do these two; done here first only to
   * time them apart (they are no-ops the second time). */
  gtk_init ();
  s.gtk_t = g_get_monotonic_time ();
  adw_init ();
  s.adw_t = g_get_monotonic_time ();

  app = inb_application_new ();
  s.app = GTK_APPLICATION (app);
  /* No session bus under xvfb-run: no uniqueness either. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "startup", G_CALLBACK (startup_startup_cb), &s);
  g_signal_connect (app, "window-added", G_CALLBACK (startup_window_added_cb), &s);
  status = g_application_run (G_APPLICATION (app), 1, args);

  curl_global_cleanup ();

  return s.done ? status : 1;
}

/* ------------------------------------------------------------------ */
/* The session */

typedef struct
{
  InbApplication *app;
  InbWindow      *window;
  InbPlayback    *playback;
  char           *dir;
  char           *clip;
  Probe           probe;
  FrameWatch      watch;
  GSubprocess    *fake;
  guint16         port;
  guint           reps;
} Bench;

static gboolean
player_ready (gpointer data)
{
  Bench *b = data;

  return inb_playback_get_prerolled (b->playback) && inb_playback_get_texture (b->playback) != NULL;
}

typedef struct
{
  Bench *b;
  guint  frame;
} FrameWait;

static gboolean
shows_frame (gpointer data)
{
  FrameWait *w = data;

  return inb_playback_get_frame (w->b->playback) == w->frame;
}

typedef struct
{
  Bench *b;
  guint  n_paints;
} PaintWait;

static gboolean
painted_since (gpointer data)
{
  PaintWait *w = data;

  return w->b->watch.n_paints > w->n_paints;
}

/* Waits for the next frame the window paints; returns when, or 0. */
static gint64
wait_next_paint (Bench *b)
{
  PaintWait w = { b, b->watch.n_paints };

  gtk_widget_queue_draw (GTK_WIDGET (b->window));
  if (!wait_until (painted_since, &w, 5))
    return 0;

  return g_get_monotonic_time ();
}

/* A 5 s 720p clip of a moving gradient, written by the app's own writer. */
static gboolean
write_clip (Bench   *b,
            GError **error)
{
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) image = inb_image_new (CLIP_WIDTH, CLIP_HEIGHT);
  guint8 *pixels = inb_image_get_data_mut (image);
  gsize stride = inb_image_get_stride (image);

  b->clip = g_build_filename (b->dir, "clip-720p-5s.mp4", NULL);
  writer = inb_video_writer_new (b->clip, CLIP_WIDTH, CLIP_HEIGHT, CLIP_FPS, error);
  if (writer == NULL)
    return FALSE;

  for (guint f = 0; f < CLIP_FPS * CLIP_SECONDS; f++)
    {
      for (guint y = 0; y < CLIP_HEIGHT; y++)
        for (guint x = 0; x < CLIP_WIDTH; x++)
          {
            guint8 *p = pixels + y * stride + x * 3;
            guint cx = (f * 10) % CLIP_WIDTH;
            gboolean disc = (x - cx) * (x - cx) + (y - 360) * (y - 360) < 120 * 120;

            p[0] = disc ? 250 : (guint8) (40 + 120 * x / CLIP_WIDTH);
            p[1] = disc ? 190 : (guint8) (70 + 60 * y / CLIP_HEIGHT + f);
            p[2] = disc ? 60 : 140;
          }
      if (!inb_video_writer_push (writer, image, error))
        {
          inb_video_writer_abort (writer);
          return FALSE;
        }
    }

  return inb_video_writer_finish (writer, error);
}

static gboolean
start_fake (Bench      *b,
            const char *script,
            GError    **error)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  b->fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              error, "python3", script, NULL);
  if (b->fake == NULL)
    return FALSE;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (b->fake));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "PORT "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The fake server did not start");
      return FALSE;
    }
  b->port = (guint16) g_ascii_strtoull (line + 5, NULL, 10);

  return TRUE;
}

/* The download, as a cloud job makes it: in a worker thread, progress
 * forwarded to the main loop a few times a second. */
typedef struct
{
  InbHttpClient *client;
  char          *url;
  char          *dest;
  goffset        received;
  guint          n_progress;
  gboolean       done;
  gboolean       ok;
  char          *error;
  gint64         start;
  gint64         end;
} Download;

typedef struct
{
  Download *d;
  goffset   received;
} ProgressUpdate;

static gboolean
progress_main_cb (gpointer data)
{
  ProgressUpdate *u = data;

  u->d->received = u->received;
  u->d->n_progress++;
  g_free (u);

  return G_SOURCE_REMOVE;
}

static void
download_progress_cb (goffset  received,
                      goffset  total,
                      gpointer user_data)
{
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);

  u->d = user_data;
  u->received = received;
  g_main_context_invoke (NULL, progress_main_cb, u);
}

static void
download_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Download *d = task_data;
  g_autoptr(GError) error = NULL;

  if (inb_http_client_download (d->client, d->url, d->dest, DOWNLOAD_BYTES * 2,
                                download_progress_cb, d, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
download_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Download *d = user_data;
  g_autoptr(GError) error = NULL;

  d->ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (error != NULL)
    d->error = g_strdup (error->message);
  d->end = g_get_monotonic_time ();
  d->done = TRUE;
}

static gboolean
download_done (gpointer data)
{
  return ((Download *) data)->done;
}

static void
measure_download (Bench      *b,
                  const char *name,
                  guint       rate,
                  gboolean    playing)
{
  g_autoptr(InbHttpClient) client = inb_http_client_new ();
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) seconds = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 window_start = g_get_monotonic_time ();
  GArray *saved_gaps = b->probe.gaps;
  GArray *saved_ends = b->probe.gap_ends;

  if (playing)
    {
      inb_playback_set_loop (b->playback, TRUE);
      inb_playback_play (b->playback);
      sleep_ms (300);
    }

  for (guint r = 0; r < b->reps; r++)
    {
      Download d = { 0 };
      g_autoptr(GTask) task = NULL;

      d.client = client;
      d.url = g_strdup_printf ("http://127.0.0.1:%u/large/%u?rate=%u", b->port, (guint) DOWNLOAD_BYTES, rate);
      d.dest = g_build_filename (b->dir, "download.bin", NULL);
      task = g_task_new (NULL, NULL, download_done_cb, &d);
      g_task_set_task_data (task, &d, NULL);

      probe_start (&b->probe);
      d.start = g_get_monotonic_time ();
      g_task_run_in_thread (task, download_thread);
      g_clear_object (&task);
      wait_until (download_done, &d, 120);
      probe_stop (&b->probe);

      if (!d.ok)
        g_print ("  download failed: %s\n", d.error != NULL ? d.error : "?");
      else
        {
          gint64 t = d.end - d.start;

          g_array_append_val (seconds, t);
          g_print ("  download %u: %.1f MB in %.0f ms (%.0f MB/s), %u progress updates\n",
                   r + 1, DOWNLOAD_BYTES / 1048576.0, t / 1000.0,
                   (DOWNLOAD_BYTES / 1048576.0) / (t / 1e6), d.n_progress);
        }
      g_array_append_vals (all, b->probe.gaps->data, b->probe.gaps->len);
      g_array_append_vals (all_ends, b->probe.gap_ends->data, b->probe.gap_ends->len);

      g_unlink (d.dest);
      g_free (d.url);
      g_free (d.dest);
      g_free (d.error);
      sleep_ms (200);
    }

  if (playing)
    inb_playback_pause (b->playback);

  b->probe.gaps = all;
  b->probe.gap_ends = all_ends;
  probe_report (name, &b->probe, &b->watch, window_start);
  b->probe.gaps = saved_gaps;
  b->probe.gap_ends = saved_ends;
  if (seconds->len > 0)
    g_print ("RESULT %s.duration n=%u median=%.2f p99=%.2f max=%.2f target=0\n",
             name, seconds->len, percentile_ms (seconds, 50),
             percentile_ms (seconds, 99), percentile_ms (seconds, 100));
}

static void
measure_idle (Bench      *b,
              const char *name,
              gboolean    playing,
              guint       ms)
{
  gint64 window_start;

  if (playing)
    {
      inb_playback_set_loop (b->playback, TRUE);
      inb_playback_play (b->playback);
      sleep_ms (300);
    }

  window_start = g_get_monotonic_time ();
  probe_start (&b->probe);
  sleep_ms (ms);
  probe_stop (&b->probe);

  if (playing)
    inb_playback_pause (b->playback);

  probe_report (name, &b->probe, &b->watch, window_start);
}

static gboolean
slot_loaded (gpointer data)
{
  InbKeyframeSlot *slot = data;

  return !inb_keyframe_slot_get_loading (slot) &&
         (inb_keyframe_slot_get_keyframe (slot) != NULL || inb_keyframe_slot_get_error (slot) != NULL);
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* The slot's own drop handler, with a real GdkFileList (as test-authoring). */
static gboolean
drop_file (InbKeyframeSlot *slot,
           const char      *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (slot));
  GSList *files;
  gboolean handled = FALSE;

  if (target == NULL)
    return FALSE;

  files = g_slist_prepend (NULL, file);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);

  return handled && wait_until (slot_loaded, slot, 30) && inb_keyframe_slot_get_error (slot) == NULL;
}

typedef struct
{
  GListModel *jobs;
  guint       n_jobs;
} JobWait;

static gboolean
new_job_finished (gpointer data)
{
  JobWait *w = data;
  g_autoptr(InbJob) job = NULL;
  guint n = g_list_model_get_n_items (w->jobs);

  if (n <= w->n_jobs)
    return FALSE;
  job = g_list_model_get_item (w->jobs, n - 1);

  return inb_job_state_is_terminal (inb_job_get_state (job));
}

/* The frames that began between @from and @to (µs): how many, the
 * longest and their total, in ms. */
static void
frames_between (FrameWatch *watch,
                gint64      from,
                gint64      to,
                guint      *n,
                double     *longest,
                double     *total)
{
  *n = 0;
  *longest = 0;
  *total = 0;
  for (guint i = 0; i + 1 < watch->frames->len; i += 2)
    {
      gint64 s = g_array_index (watch->frames, gint64, i);
      double ms = (g_array_index (watch->frames, gint64, i + 1) - s) / 1000.0;

      if (s < from || s >= to)
        continue;
      (*n)++;
      *total += ms;
      *longest = MAX (*longest, ms);
    }
}

static void
measure_generation (Bench *b,
                    guint  reps)
{
  const char *samples = g_getenv ("INB_SAMPLES_DIR");
  InbParamPanel *panel = inb_window_get_param_panel (b->window);
  g_autoptr(JsonNode) resolution = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  GArray *saved_gaps = b->probe.gaps;
  GArray *saved_ends = b->probe.gap_ends;
  gint64 window_start = g_get_monotonic_time ();

  if (samples == NULL)
    {
      g_print ("  local generation: skipped, INB_SAMPLES_DIR is not set\n");
      return;
    }
  first = g_build_filename (samples, "first.jpg", NULL);
  last = g_build_filename (samples, "last.jpg", NULL);

  if (!inb_window_select_model (b->window, "local", NULL) ||
      !drop_file (inb_window_get_first_slot (b->window), first) ||
      !drop_file (inb_window_get_last_slot (b->window), last))
    {
      g_print ("  local generation: skipped, the keyframes did not load\n");
      return;
    }

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "duration")), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inb_param_panel_get_widget (panel, "fps")), 16);
  json_node_set_string (resolution, "720p");
  inb_param_panel_set_value (panel, "resolution", resolution);
  /* A person does not press Generate within the quarter second the
   * slots keep redrawing after a drop: let that end, or the first take's
   * frames would redraw the slots too (and with the job list's slide,
   * the whole window: the damage is one rectangle spanning both). */
  sleep_ms (500);

  for (guint r = 0; r < reps; r++)
    {
      JobWait w = { G_LIST_MODEL (inb_window_get_job_queue (b->window)), 0 };
      g_autoptr(InbJob) job = NULL;
      gint64 start;
      gint64 terminal;

      w.n_jobs = g_list_model_get_n_items (w.jobs);
      inb_playback_pause (b->playback);
      probe_start (&b->probe);
      start = g_get_monotonic_time ();
      b->watch.origin = start;
      if (b->watch.print_over_ms > 0)
        g_printerr ("    take %u: Generate at +0 ms (monotonic %.6f s)\n", r + 1, start / 1e6);
      if (!gtk_widget_activate_action (GTK_WIDGET (b->window), "win.generate", NULL) ||
          !wait_until (new_job_finished, &w, 600))
        {
          probe_stop (&b->probe);
          g_print ("  local generation %u: did not finish\n", r + 1);
          break;
        }
      probe_stop (&b->probe);
      job = g_list_model_get_item (w.jobs, g_list_model_get_n_items (w.jobs) - 1);
      g_print ("  local generation %u (720p, 1 s at 16 fps): %s in %.1f s\n", r + 1,
               inb_job_get_state (job) == INB_JOB_DONE ? "done" : "NOT done",
               (g_get_monotonic_time () - start) / 1e6);
      g_array_append_vals (all, b->probe.gaps->data, b->probe.gaps->len);
      g_array_append_vals (all_ends, b->probe.gap_ends->data, b->probe.gap_ends->len);
      terminal = g_get_monotonic_time ();
      if (b->watch.print_over_ms > 0)
        g_printerr ("    take %u: terminal at %+.0f ms\n", r + 1, (terminal - start) / 1000.0);
      /* The finished take opens in the player: let it settle, stop it. */
      wait_until (player_ready, b, 20);
      inb_playback_pause (b->playback);
      sleep_ms (300);
      if (b->watch.print_over_ms > 0)
        {
          guint n1, n2;
          double l1, t1, l2, t2;

          frames_between (&b->watch, start, start + 400000, &n1, &l1, &t1);
          frames_between (&b->watch, terminal, terminal + 400000, &n2, &l2, &t2);
          g_printerr ("    take %u: 400 ms from Generate: %u frames, longest %.1f, total %.1f ms; "
                      "400 ms from done: %u frames, longest %.1f, total %.1f ms\n",
                      r + 1, n1, l1, t1, n2, l2, t2);
        }
    }

  b->probe.gaps = all;
  b->probe.gap_ends = all_ends;
  probe_report ("stall.local_generation_720p", &b->probe, &b->watch, window_start);
  b->probe.gaps = saved_gaps;
  b->probe.gap_ends = saved_ends;
}

static void
measure_open_and_step (Bench *b,
                       guint  reps)
{
  InbPlayer *player = inb_window_get_player (b->window);
  g_autoptr(GFile) file = g_file_new_for_path (b->clip);
  g_autoptr(GArray) open_ready = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) open_drawn = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) step_ready = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) step_drawn = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) back_ready = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint r = 0; r < reps; r++)
    {
      gint64 start;
      gint64 ready;
      gint64 drawn;

      inb_player_set_file (player, NULL);
      sleep_ms (200);
      start = g_get_monotonic_time ();
      inb_player_set_file (player, file);
      if (!wait_until (player_ready, b, 20))
        {
          g_print ("  open %u: the clip never prerolled\n", r + 1);
          continue;
        }
      ready = g_get_monotonic_time () - start;
      drawn = wait_next_paint (b);
      g_array_append_val (open_ready, ready);
      if (drawn != 0)
        {
          drawn -= start;
          g_array_append_val (open_drawn, drawn);
        }
      inb_playback_pause (b->playback);
    }

  if (open_ready->len > 0)
    g_print ("  clip: %u frames at %.0f fps\n",
             inb_playback_get_n_frames (b->playback), inb_playback_get_fps (b->playback));
  report ("open_720p_5s.first_frame_ready", open_ready, 200, "(set_file → prerolled, texture set)");
  report ("open_720p_5s.first_frame_drawn", open_drawn, 200, "(set_file → next window paint)");

  inb_playback_seek_frame (b->playback, 0);
  {
    FrameWait w0 = { b, 0 };

    wait_until (shows_frame, &w0, 20);
  }

  /* At a person's pace: each step settles before the next. */
  for (guint i = 1; i <= 4 * reps; i++)
    {
      FrameWait w = { b, i };
      gint64 start;
      gint64 ready;
      gint64 drawn;

      sleep_ms (100);
      start = g_get_monotonic_time ();
      inb_playback_step (b->playback, 1);
      if (!wait_until (shows_frame, &w, 20))
        continue;
      ready = g_get_monotonic_time () - start;
      drawn = wait_next_paint (b);
      g_array_append_val (step_ready, ready);
      if (drawn != 0)
        {
          drawn -= start;
          g_array_append_val (step_drawn, drawn);
        }
    }
  for (int i = 4 * (int) reps - 1; i >= 0; i--)
    {
      FrameWait w = { b, (guint) i };
      gint64 start;
      gint64 ready;

      sleep_ms (100);
      start = g_get_monotonic_time ();
      inb_playback_step (b->playback, -1);
      if (!wait_until (shows_frame, &w, 20))
        continue;
      ready = g_get_monotonic_time () - start;
      g_array_append_val (back_ready, ready);
    }

  report ("step_720p.forward_ready", step_ready, 50, "(step → frame shown by the playback)");
  report ("step_720p.forward_drawn", step_drawn, 50, "(step → next window paint)");
  report ("step_720p.back_ready", back_ready, 50, "(step -1 → frame shown)");
}

/* What one 720p frame costs the window's renderer alone: a texture node
 * drawn at the size the player shows it, and at 1:1, rendered offscreen
 * with the window's own GskRenderer. */
static void
measure_texture_draw (Bench *b)
{
  GtkWidget *player = GTK_WIDGET (inb_window_get_player (b->window));
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (b->window));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 *data = g_malloc (CLIP_WIDTH * CLIP_HEIGHT * 4);
  int width = gtk_widget_get_width (player);
  int height = gtk_widget_get_height (player);
  int sizes[2][2];

  for (gsize i = 0; i < (gsize) CLIP_WIDTH * CLIP_HEIGHT * 4; i++)
    data[i] = (guint8) (i * 7 + i / 4096);
  for (gsize i = 3; i < (gsize) CLIP_WIDTH * CLIP_HEIGHT * 4; i += 4)
    data[i] = 255;
  bytes = g_bytes_new_take (data, CLIP_WIDTH * CLIP_HEIGHT * 4);
  texture = gdk_memory_texture_new (CLIP_WIDTH, CLIP_HEIGHT, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    bytes, CLIP_WIDTH * 4);

  /* The picture keeps the clip's aspect inside the player. */
  if (width <= 0 || height <= 0)
    {
      width = 640;
      height = 360;
    }
  if (width * CLIP_HEIGHT > height * CLIP_WIDTH)
    width = height * CLIP_WIDTH / CLIP_HEIGHT;
  else
    height = width * CLIP_HEIGHT / CLIP_WIDTH;
  sizes[0][0] = width;
  sizes[0][1] = height;
  sizes[1][0] = CLIP_WIDTH;
  sizes[1][1] = CLIP_HEIGHT;

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autofree char *name = g_strdup_printf ("render_720p_texture_at_%dx%d", sizes[k][0], sizes[k][1]);

      for (guint r = 0; r < 20; r++)
        {
          graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, sizes[k][0], sizes[k][1]);
          g_autoptr(GskRenderNode) node = gsk_texture_node_new (texture, &bounds);
          g_autoptr(GdkTexture) out = NULL;
          gint64 start = g_get_monotonic_time ();
          gint64 t;

          out = gsk_renderer_render_texture (renderer, node, &bounds);
          t = g_get_monotonic_time () - start;
          g_array_append_val (times, t);
        }
      report (name, times, 16, "(GskRenderer, offscreen, one texture node)");
    }
}

static void
window_realized (Bench *b)
{
  GdkFrameClock *clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (b->window)));
  const char *frames = g_getenv ("INB_BENCH_FRAMES");

  /* INB_BENCH_FRAMES=1 prints the frames over 16 ms; =N those over N ms. */
  if (frames != NULL)
    b->watch.print_over_ms = g_ascii_strtod (frames, NULL) > 1 ? g_ascii_strtod (frames, NULL) : 16;
  b->watch.clock = clock;
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &b->watch);
  b->watch.layout_hook = g_signal_add_emission_hook (g_signal_lookup ("layout", GDK_TYPE_FRAME_CLOCK), 0,
                                                     phase_hook, &b->watch, NULL);
  b->watch.paint_hook = g_signal_add_emission_hook (g_signal_lookup ("paint", GDK_TYPE_FRAME_CLOCK), 0,
                                                    phase_hook, &b->watch, NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &b->watch);
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

static int
run_session (const char *fake_script,
             guint       reps,
             guint       gen_reps,
             gboolean    player)
{
  g_autoptr(GError) error = NULL;
  Bench b = { 0 };
  gint64 t;

  b.reps = reps;
  b.probe.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.probe.gap_ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.watch.frames = g_array_new (FALSE, FALSE, sizeof (gint64));

  b.dir = g_dir_make_tmp ("inb-bench-resp-XXXXXX", &error);
  if (b.dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Takes go to a private folder, never the user's. */
  g_setenv ("XDG_DATA_HOME", b.dir, TRUE);

  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  gst_init (NULL, NULL);
  gtk_init ();
  adw_init ();

  t = g_get_monotonic_time ();
  if (!write_clip (&b, &error))
    {
      g_printerr ("Could not write the 720p clip: %s\n", error->message);
      return 1;
    }
  g_print ("  wrote %s (%u × %u, %u s at %u fps) in %.1f s\n", b.clip,
           CLIP_WIDTH, CLIP_HEIGHT, CLIP_SECONDS, CLIP_FPS, (g_get_monotonic_time () - t) / 1e6);

  b.app = inb_application_new ();
  g_application_set_flags (G_APPLICATION (b.app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (b.app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  b.window = inb_window_new (b.app);
  b.playback = inb_player_get_playback (inb_window_get_player (b.window));
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1200, 780);
  gtk_window_present (GTK_WINDOW (b.window));
  window_realized (&b);
  wait_next_paint (&b);
  sleep_ms (500);

  g_print ("\n  renderer: %s\n",
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))));
  g_print ("RESULT renderer %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))));

  if (player)
    {
      measure_texture_draw (&b);
      measure_open_and_step (&b, reps * 3);
      measure_idle (&b, "stall.idle", FALSE, 2000);
      measure_idle (&b, "stall.clip_plays", TRUE, 3000);
    }
  else
    g_print ("  player figures: skipped (--no-player)\n");

  if (fake_script != NULL && player)
    {
      if (start_fake (&b, fake_script, &error))
        {
          /* As fast as loopback goes, and at a fast line's 10 MB/s. */
          measure_download (&b, "stall.download_50MB_full_speed", 0, FALSE);
          measure_download (&b, "stall.download_50MB_10MBps", 10 * 1024 * 1024, FALSE);
          measure_download (&b, "stall.download_50MB_10MBps_clip_plays", 10 * 1024 * 1024, TRUE);
        }
      else
        g_print ("  download: skipped, %s\n", error->message);
      g_clear_error (&error);
    }
  else
    g_print ("  download: skipped, no --fake script\n");

  if (gen_reps > 0)
    measure_generation (&b, gen_reps);

  if (b.fake != NULL)
    {
      g_output_stream_close (g_subprocess_get_stdin_pipe (b.fake), NULL, NULL);
      g_subprocess_wait (b.fake, NULL, NULL);
      g_clear_object (&b.fake);
    }

  inb_player_set_file (inb_window_get_player (b.window), NULL);
  g_signal_remove_emission_hook (g_signal_lookup ("layout", GDK_TYPE_FRAME_CLOCK), b.watch.layout_hook);
  g_signal_remove_emission_hook (g_signal_lookup ("paint", GDK_TYPE_FRAME_CLOCK), b.watch.paint_hook);
  gtk_window_destroy (GTK_WINDOW (b.window));
  wait_until (always_false, NULL, 1);
  g_clear_object (&b.app);
  remove_tree (b.dir);
  g_free (b.dir);
  g_free (b.clip);
  g_array_unref (b.probe.gaps);
  g_array_unref (b.probe.gap_ends);
  g_array_unref (b.watch.frames);
  curl_global_cleanup ();

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  gint64 main_t = g_get_monotonic_time ();
  gboolean startup = FALSE;
  gboolean session = FALSE;
  gboolean no_player = FALSE;
  g_autofree char *fake = NULL;
  int reps = 3;
  int gen_reps = 2;
  GOptionEntry entries[] = {
    { "startup", 0, 0, G_OPTION_ARG_NONE, &startup, "Measure one start-up to the first frame", NULL },
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, "Measure stalls, clip opening and frame steps", NULL },
    { "fake", 0, 0, G_OPTION_ARG_FILENAME, &fake, "The large-body fake server (fake-large.py)", "PATH" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Repetitions (default 3)", "N" },
    { "generations", 0, 0, G_OPTION_ARG_INT, &gen_reps, "Local 720p takes to make (default 2)", "N" },
    { "no-player", 0, 0, G_OPTION_ARG_NONE, &no_player, "Only the local takes: no clip, steps or downloads", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the responsiveness figures of issue 4");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (startup)
    return run_startup (main_t);
  if (session)
    return run_session (fake, MAX (reps, 1), (guint) MAX (gen_reps, 0), !no_player);

  g_printerr ("Say --startup or --session\n");
  return 2;
}
