/* test-progress.c — progress from worker threads, coalesced onto the main context
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "inb-progress.h"

typedef struct
{
  InbProgress *progress;
  guint        n_updates;
} Worker;

static gpointer
worker_func (gpointer data)
{
  Worker *worker = data;

  for (guint i = 1; i <= worker->n_updates; i++)
    inb_progress_update (worker->progress, (double) i / worker->n_updates,
                         i == worker->n_updates ? "last stage" : NULL);

  return NULL;
}

typedef struct
{
  guint    changed;
  GThread *main_thread;
  gboolean wrong_thread;
  double   last_fraction;
  gboolean went_back;
} Seen;

static void
changed_cb (InbProgress *progress,
            Seen        *seen)
{
  double fraction = inb_progress_get_fraction (progress);

  seen->changed++;
  if (g_thread_self () != seen->main_thread)
    seen->wrong_thread = TRUE;
  if (fraction < seen->last_fraction)
    seen->went_back = TRUE;
  seen->last_fraction = fraction;
}

static void
test_progress_coalesced (void)
{
  g_autoptr(InbProgress) progress = inb_progress_new ();
  Worker worker = { progress, 10000 };
  Seen seen = { 0, g_thread_self (), FALSE, 0.0, FALSE };
  GThread *thread;
  g_autofree char *stage = NULL;

  g_signal_connect (progress, "changed", G_CALLBACK (changed_cb), &seen);

  thread = g_thread_new ("progress-worker", worker_func, &worker);
  g_thread_join (thread);

  /* Nothing is delivered until the main context runs… */
  g_assert_cmpuint (seen.changed, ==, 0);
  g_assert_cmpfloat (inb_progress_get_fraction (progress), ==, 0.0);

  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* …and then 10 000 updates arrive as one. */
  g_assert_cmpuint (seen.changed, ==, 1);
  g_assert_false (seen.wrong_thread);
  g_assert_cmpfloat (inb_progress_get_fraction (progress), ==, 1.0);
  stage = inb_progress_dup_stage (progress);
  g_assert_cmpstr (stage, ==, "last stage");
}

static void
test_progress_keeps_stage (void)
{
  g_autoptr(InbProgress) progress = inb_progress_new ();
  g_autofree char *stage = NULL;
  guint notifies = 0;

  g_signal_connect_swapped (progress, "notify::stage", G_CALLBACK (g_atomic_int_inc), &notifies);

  inb_progress_update (progress, 0.25, "Analysing");
  while (g_main_context_iteration (NULL, FALSE));
  inb_progress_update (progress, 0.5, NULL);
  while (g_main_context_iteration (NULL, FALSE));
  inb_progress_set_fraction (progress, 7.0); /* clamped */
  while (g_main_context_iteration (NULL, FALSE));

  stage = inb_progress_dup_stage (progress);
  g_assert_cmpstr (stage, ==, "Analysing");
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpfloat (inb_progress_get_fraction (progress), ==, 1.0);
}

static void
test_progress_outlives_nothing (void)
{
  InbProgress *progress = inb_progress_new ();

  /* A pending update holds a reference; dropping ours is safe and the
   * object goes once the update was delivered. */
  inb_progress_update (progress, 0.5, "x");
  g_object_add_weak_pointer (G_OBJECT (progress), (gpointer *) &progress);
  g_object_unref (progress);
  g_assert_nonnull (progress);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_null (progress);
}

typedef struct
{
  InbProgress *progress;
  guint        n;
} PreviewWorker;

static gpointer
preview_worker_func (gpointer data)
{
  PreviewWorker *worker = data;

  for (guint i = 1; i <= worker->n; i++)
    {
      g_autoptr(InbImage) image = inb_image_new (i, 2);

      inb_progress_set_preview (worker->progress, image);
      inb_progress_set_eta (worker->progress, worker->n - i);
    }

  return NULL;
}

/* Previews and the ETA from a worker: only the latest of each arrives,
 * on the main context, once; NULL clears the preview. */
static void
test_progress_preview (void)
{
  g_autoptr(InbProgress) progress = inb_progress_new ();
  PreviewWorker worker = { progress, 500 };
  g_autoptr(InbImage) preview = NULL;
  guint previews = 0, etas = 0;

  g_signal_connect_swapped (progress, "notify::preview", G_CALLBACK (g_atomic_int_inc), &previews);
  g_signal_connect_swapped (progress, "notify::eta", G_CALLBACK (g_atomic_int_inc), &etas);
  g_assert_cmpfloat (inb_progress_get_eta (progress), ==, -1.0);

  g_thread_join (g_thread_new ("preview-worker", preview_worker_func, &worker));
  g_assert_null (inb_progress_dup_preview (progress));
  while (g_main_context_iteration (NULL, FALSE));

  g_assert_cmpuint (previews, ==, 1);
  g_assert_cmpuint (etas, ==, 1);
  preview = inb_progress_dup_preview (progress);
  g_assert_nonnull (preview);
  g_assert_cmpuint (inb_image_get_width (preview), ==, 500);
  g_assert_cmpfloat (inb_progress_get_eta (progress), ==, 0.0);

  inb_progress_set_preview (progress, NULL);
  inb_progress_set_eta (progress, -5);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_null (inb_progress_dup_preview (progress));
  g_assert_cmpfloat (inb_progress_get_eta (progress), ==, -1.0);
  g_assert_cmpuint (previews, ==, 2);
}

typedef struct
{
  InbProgress *progress;
  gboolean     done;      /* atomic */
} StageWorker;

static gpointer
stage_worker_func (gpointer data)
{
  StageWorker *worker = data;
  const char *stages[] = { "Analysing", "Rendering frame 1 of 2", "Rendering frame 2 of 2", "Finishing" };

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    inb_progress_update (worker->progress, (i + 1) / 4.0, stages[i]);
  g_atomic_int_set (&worker->done, TRUE);

  return NULL;
}

static void
record_stage_cb (InbProgress *progress,
                 GParamSpec  *pspec,
                 GString     *seen)
{
  g_autofree char *stage = inb_progress_dup_stage (progress);

  g_string_append_printf (seen, "%s%s", seen->len > 0 ? " | " : "", stage);
}

/* What @record_cb saw (connected to @signal) of @work_func's updates
 * while the main loop ran 200 ms late, with every stage or every update
 * asked for or not. */
static char *
seen_late (gboolean     every_stage,
           gboolean     every_update,
           GThreadFunc  work_func,
           const char  *signal,
           GCallback    record_cb)
{
  g_autoptr(InbProgress) progress = inb_progress_new ();
  GString *seen = g_string_new (NULL);
  StageWorker worker = { progress, FALSE };
  GThread *thread;

  inb_progress_set_deliver_every_stage (progress, every_stage);
  inb_progress_set_deliver_every_update (progress, every_update);
  g_signal_connect (progress, signal, record_cb, seen);
  thread = g_thread_new ("progress-worker", work_func, &worker);
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  while (!g_atomic_int_get (&worker.done) || g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_thread_join (thread);

  return g_string_free (seen, FALSE);
}

/* Four stages from a worker while the main loop is 200 ms late: only the
 * last is seen, unless every stage was asked for; then the worker waits
 * for the main loop and all four are seen, in order. */
static void
test_progress_every_stage (void)
{
  gboolean every[] = { FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (every); i++)
    {
      g_autofree char *seen = seen_late (every[i], FALSE, stage_worker_func, "notify::stage",
                                         G_CALLBACK (record_stage_cb));

      g_test_message ("every stage %d: %s", every[i], seen);
      if (every[i])
        g_assert_cmpstr (seen, ==, "Analysing | Rendering frame 1 of 2 | Rendering frame 2 of 2 | Finishing");
      else
        g_assert_cmpstr (seen, ==, "Finishing");
    }
}

static gpointer
fraction_worker_func (gpointer data)
{
  StageWorker *worker = data;

  for (guint i = 1; i <= 4; i++)
    inb_progress_set_fraction (worker->progress, i / 4.0);
  g_atomic_int_set (&worker->done, TRUE);

  return NULL;
}

static void
record_fraction_cb (InbProgress *progress,
                    GParamSpec  *pspec,
                    GString     *seen)
{
  g_string_append_printf (seen, "%s%.2f", seen->len > 0 ? " " : "", inb_progress_get_fraction (progress));
}

/* Four fractions from a worker while the main loop is 200 ms late: only
 * the last is seen, unless every update was asked for; then the worker
 * waits for the main loop and all four are seen, in order. */
static void
test_progress_every_update (void)
{
  gboolean every[] = { FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (every); i++)
    {
      g_autofree char *seen = seen_late (FALSE, every[i], fraction_worker_func, "notify::fraction",
                                         G_CALLBACK (record_fraction_cb));

      g_test_message ("every update %d: %s", every[i], seen);
      if (every[i])
        g_assert_cmpstr (seen, ==, "0.25 0.50 0.75 1.00");
      else
        g_assert_cmpstr (seen, ==, "1.00");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/progress/coalesced", test_progress_coalesced);
  g_test_add_func ("/progress/keeps-stage", test_progress_keeps_stage);
  g_test_add_func ("/progress/pending-ref", test_progress_outlives_nothing);
  g_test_add_func ("/progress/preview", test_progress_preview);
  g_test_add_func ("/progress/every-stage", test_progress_every_stage);
  g_test_add_func ("/progress/every-update", test_progress_every_update);

  return g_test_run ();
}
