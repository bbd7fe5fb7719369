/* inb-job-queue.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-job-queue"

#include "config.h"

#include "inb-job-queue.h"

struct _InbJobQueue
{
  GObject     parent_instance;

  GPtrArray  *jobs;      /* InbJob*, in order added */
  GHashTable *running;   /* "backend/model" -> count */
  GHashTable *started;   /* InbJob* set: started by us, not yet finished */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbJobQueue, inb_job_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  JOB_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
inb_job_queue_get_item_type (GListModel *model)
{
  return INB_TYPE_JOB;
}

static guint
inb_job_queue_get_n_items (GListModel *model)
{
  return INB_JOB_QUEUE (model)->jobs->len;
}

static gpointer
inb_job_queue_get_item (GListModel *model,
                        guint       position)
{
  InbJobQueue *self = INB_JOB_QUEUE (model);

  if (position >= self->jobs->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = inb_job_queue_get_item_type;
  iface->get_n_items = inb_job_queue_get_n_items;
  iface->get_item = inb_job_queue_get_item;
}

static char *
slot_key (InbJob *job)
{
  InbRequest *request = inb_job_get_request (job);

  return g_strdup_printf ("%s/%s", inb_request_get_backend_id (request),
                          inb_request_get_model_id (request));
}

static guint
slot_count (InbJobQueue *self,
            const char  *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->running, key));
}

static void inb_job_queue_pump (InbJobQueue *self);

static void
job_run_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(InbJobQueue) self = user_data;
  InbJob *job = INB_JOB (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = slot_key (job);
  guint count;

  if (!inb_job_run_finish (job, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Job %s failed: %s", inb_take_get_id (inb_job_get_take (job)), error->message);

  count = slot_count (self, key);
  if (count > 0)
    g_hash_table_insert (self->running, g_steal_pointer (&key), GUINT_TO_POINTER (count - 1));

  g_hash_table_remove (self->started, job);
  g_signal_emit (self, signals[JOB_FINISHED], 0, job);

  inb_job_queue_pump (self);
}

static void
inb_job_queue_pump (InbJobQueue *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      InbJob *job = g_ptr_array_index (self->jobs, i);
      InbBackend *backend;
      InbModel *model;
      g_autofree char *key = NULL;
      guint limit;
      guint count;

      if (inb_job_get_state (job) != INB_JOB_QUEUED || g_hash_table_contains (self->started, job))
        continue;

      backend = inb_job_get_backend (job);
      model = inb_backend_find_model (backend, inb_request_get_model_id (inb_job_get_request (job)));
      limit = inb_backend_get_max_concurrent (backend, model);
      key = slot_key (job);
      count = slot_count (self, key);

      if (count >= limit)
        continue;

      g_hash_table_insert (self->running, g_strdup (key), GUINT_TO_POINTER (count + 1));
      g_hash_table_add (self->started, job);
      inb_job_run_async (job, job_run_cb, g_object_ref (self));
    }
}

static void
job_finished_cb (InbJobQueue *self,
                 InbJob      *job)
{
  /* A job cancelled while still queued never reaches job_run_cb. */
  if (!g_hash_table_contains (self->started, job))
    g_signal_emit (self, signals[JOB_FINISHED], 0, job);
}

static void
inb_job_queue_dispose (GObject *object)
{
  InbJobQueue *self = (InbJobQueue *) object;

  for (guint i = 0; self->jobs != NULL && i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->jobs, i), self);

  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->started, g_hash_table_unref);

  G_OBJECT_CLASS (inb_job_queue_parent_class)->dispose (object);
}

static void
inb_job_queue_class_init (InbJobQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_job_queue_dispose;

  /**
   * InbJobQueue::job-finished:
   * @job: the job that reached a terminal state
   */
  signals[JOB_FINISHED] =
    g_signal_new ("job-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, INB_TYPE_JOB);
}

static void
inb_job_queue_init (InbJobQueue *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->started = g_hash_table_new (NULL, NULL);
}

InbJobQueue *
inb_job_queue_new (void)
{
  return g_object_new (INB_TYPE_JOB_QUEUE, NULL);
}

/**
 * inb_job_queue_add:
 *
 * Appends @job (state "queued") and starts it if its backend has room.
 */
void
inb_job_queue_add (InbJobQueue *self,
                   InbJob      *job)
{
  g_return_if_fail (INB_IS_JOB_QUEUE (self));
  g_return_if_fail (INB_IS_JOB (job));
  g_return_if_fail (inb_job_get_state (job) == INB_JOB_QUEUED);

  g_ptr_array_add (self->jobs, g_object_ref (job));
  g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self, G_CONNECT_SWAPPED);
  g_list_model_items_changed (G_LIST_MODEL (self), self->jobs->len - 1, 0, 1);

  inb_job_queue_pump (self);
}

/**
 * inb_job_queue_remove:
 *
 * Forgets a finished job (the take stays on disk).
 */
void
inb_job_queue_remove (InbJobQueue *self,
                      InbJob      *job)
{
  guint position;

  g_return_if_fail (INB_IS_JOB_QUEUE (self));
  g_return_if_fail (INB_IS_JOB (job));
  g_return_if_fail (inb_job_state_is_terminal (inb_job_get_state (job)));

  if (!g_ptr_array_find (self->jobs, job, &position))
    return;

  g_signal_handlers_disconnect_by_data (job, self);
  g_ptr_array_remove_index (self->jobs, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

guint
inb_job_queue_get_n_running (InbJobQueue *self)
{
  g_return_val_if_fail (INB_IS_JOB_QUEUE (self), 0);
  return g_hash_table_size (self->started);
}

void
inb_job_queue_cancel_all (InbJobQueue *self)
{
  g_autoptr(GPtrArray) jobs = NULL;

  g_return_if_fail (INB_IS_JOB_QUEUE (self));

  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->jobs->len; i++)
    g_ptr_array_add (jobs, g_object_ref (g_ptr_array_index (self->jobs, i)));

  for (guint i = 0; i < jobs->len; i++)
    inb_job_cancel (g_ptr_array_index (jobs, i));
}
