/* inb-parallel.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fixed set of worker threads, created once, that wait on a condition
 * variable for the next loop. The calling thread works too, so a pool of
 * n threads starts n - 1 workers. Nothing is allocated per loop.
 */
#define G_LOG_DOMAIN "inb-parallel"

#include "config.h"

#include "inb-parallel.h"

struct _InbParallel
{
  guint            n_threads;
  guint            n_workers;
  GThread        **workers;

  GMutex           call_mutex;     /* one loop at a time */
  GMutex           mutex;
  GCond            work_cond;
  GCond            done_cond;
  guint64          generation;
  gboolean         quit;
  guint            busy;

  /* The current loop */
  InbParallelFunc  func;
  gpointer         user_data;
  guint            n_items;
  guint            grain;
  guint            n_chunks;
  GCancellable    *cancellable;
  gint             next_chunk;
  gint             cancelled;
};

static void
run_chunks (InbParallel *self)
{
  for (;;)
    {
      guint chunk = (guint) g_atomic_int_add (&self->next_chunk, 1);
      guint start;
      guint end;

      if (chunk >= self->n_chunks)
        break;

      if (g_cancellable_is_cancelled (self->cancellable))
        {
          g_atomic_int_set (&self->cancelled, 1);
          break;
        }

      start = chunk * self->grain;
      end = MIN (start + self->grain, self->n_items);
      self->func (start, end, self->user_data);
    }
}

static gpointer
worker_main (gpointer data)
{
  InbParallel *self = data;
  guint64 seen = 0;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      while (!self->quit && self->generation == seen)
        g_cond_wait (&self->work_cond, &self->mutex);
      if (self->quit)
        break;
      seen = self->generation;
      g_mutex_unlock (&self->mutex);

      run_chunks (self);

      g_mutex_lock (&self->mutex);
      if (--self->busy == 0)
        g_cond_signal (&self->done_cond);
    }
  g_mutex_unlock (&self->mutex);

  return NULL;
}

/**
 * inb_parallel_new:
 * @n_threads: threads taking part in a loop, the caller included
 *   (0 = number of processors)
 */
InbParallel *
inb_parallel_new (guint n_threads)
{
  InbParallel *self;

  if (n_threads == 0)
    n_threads = (guint) g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, 64);

  self = g_new0 (InbParallel, 1);
  self->n_threads = n_threads;
  self->n_workers = n_threads - 1;
  g_mutex_init (&self->call_mutex);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->work_cond);
  g_cond_init (&self->done_cond);

  self->workers = g_new0 (GThread *, MAX (self->n_workers, 1));
  for (guint i = 0; i < self->n_workers; i++)
    self->workers[i] = g_thread_new ("inb-engine", worker_main, self);

  return self;
}

guint
inb_parallel_get_n_threads (InbParallel *self)
{
  g_return_val_if_fail (self != NULL, 1);

  return self->n_threads;
}

/**
 * inb_parallel_for:
 * @grain: items per chunk (0 = automatic)
 *
 * Runs @func over [0, @n_items) in chunks, on the pool and the calling
 * thread, and returns when all chunks are done. Must not be nested.
 *
 * Returns: %FALSE if @cancellable was cancelled (some chunks were skipped)
 */
gboolean
inb_parallel_for (InbParallel     *self,
                  guint            n_items,
                  guint            grain,
                  InbParallelFunc  func,
                  gpointer         user_data,
                  GCancellable    *cancellable)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;
  if (n_items == 0)
    return TRUE;

  if (grain == 0)
    grain = MAX (1, n_items / (self->n_threads * 4));

  g_mutex_lock (&self->call_mutex);

  self->func = func;
  self->user_data = user_data;
  self->n_items = n_items;
  self->grain = grain;
  self->n_chunks = (n_items + grain - 1) / grain;
  self->cancellable = cancellable;
  self->next_chunk = 0;
  self->cancelled = 0;

  if (self->n_workers == 0 || self->n_chunks == 1)
    {
      run_chunks (self);
    }
  else
    {
      g_mutex_lock (&self->mutex);
      self->busy = self->n_workers;
      self->generation++;
      g_cond_broadcast (&self->work_cond);
      g_mutex_unlock (&self->mutex);

      run_chunks (self);

      g_mutex_lock (&self->mutex);
      while (self->busy > 0)
        g_cond_wait (&self->done_cond, &self->mutex);
      g_mutex_unlock (&self->mutex);
    }

  ok = !g_atomic_int_get (&self->cancelled) && !g_cancellable_is_cancelled (cancellable);
  self->func = NULL;
  self->user_data = NULL;
  self->cancellable = NULL;

  g_mutex_unlock (&self->call_mutex);

  return ok;
}

void
inb_parallel_free (InbParallel *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->quit = TRUE;
  g_cond_broadcast (&self->work_cond);
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < self->n_workers; i++)
    g_thread_join (self->workers[i]);

  g_free (self->workers);
  g_mutex_clear (&self->call_mutex);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->work_cond);
  g_cond_clear (&self->done_cond);
  g_free (self);
}
