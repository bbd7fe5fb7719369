/* inb-resume-settle.c — the user's way out of a take left "submit-unknown"
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See inb-resume-settle.h. Nothing here sends anything by itself: give up
 * only writes the take; send again makes a new take through
 * inb_session_generate_async(), the path the Generate button and
 * `inbetween generate` use, and only then settles the old one.
 */
#define G_LOG_DOMAIN "inb-resume"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-backend.h"
#include "inb-library.h"
#include "inb-resume-settle.h"
#include "inb-take.h"

gboolean
inb_resume_take_is_unknown (const char *state)
{
  return g_strcmp0 (state, "submit-unknown") == 0;
}

/* Blocking: @take_dir's lock, held while its take.json is read and
 * written, so a resume writing what it learnt of the take meanwhile
 * (inb-resume.c) and this do not undo each other; -1 (said) while a
 * process is making the take. A folder that cannot hold the lock file is
 * read and written without it, as before there was one. */
static gboolean
lock_take (const char  *take_dir,
           int         *fd,
           GError     **error)
{
  if (!inb_take_lock_briefly (take_dir, fd, NULL))
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("This take is being made by another Inbetween; nothing was changed"));
      return FALSE;
    }

  return TRUE;
}

/* Blocking, under the take's lock: @take_dir's take, when it is
 * "submit-unknown". */
static InbTake *
load_unknown_take (const char  *take_dir,
                   GError     **error)
{
  g_autoptr(InbTake) take = NULL;

  take = inb_take_load (take_dir, error);
  if (take == NULL)
    return NULL;

  if (!inb_resume_take_is_unknown (inb_take_get_state (take)))
    {
      /* Translators: %s is the take's state, e.g. "done" */
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("This take is not waiting for a decision (it is “%s”); nothing was changed or sent"),
                   inb_take_get_state (take));
      return NULL;
    }

  return g_steal_pointer (&take);
}

/* Blocking: the take becomes "failed" with @message, read again and
 * written under its lock: whichever of this and a resume's write comes
 * second sees the first. */
static gboolean
settle_take (const char  *take_dir,
             const char  *message,
             GError     **error)
{
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) settled = NULL;
  gboolean saved;
  int fd;

  if (!lock_take (take_dir, &fd, error))
    return FALSE;

  take = load_unknown_take (take_dir, error);
  if (take == NULL)
    {
      inb_take_unlock_briefly (fd);
      return FALSE;
    }

  settled = g_error_new_literal (INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED, message);
  inb_take_set_error (take, settled);
  inb_take_set_state (take, "failed");
  saved = inb_take_save (take, error);
  inb_take_unlock_briefly (fd);

  return saved;
}

/* The window's list shows what is on disk now */
static void
refresh_library (InbSession *session,
                 const char *take_dir)
{
  InbLibrary *library = inb_session_get_library (session);
  g_autofree char *id = g_path_get_basename (take_dir);
  InbTakeEntry *entry;

  if (library != NULL && (entry = inb_library_lookup (library, id)) != NULL)
    inb_library_refresh_entry (library, entry);
}

typedef struct
{
  char              *take_dir;
  char              *message;
  InbGenerateInputs *inputs;
  InbJob            *job;
} Settle;

static void
settle_free (Settle *s)
{
  g_free (s->take_dir);
  g_free (s->message);
  g_clear_pointer (&s->inputs, inb_generate_inputs_free);
  g_clear_object (&s->job);
  g_free (s);
}

/* The operation's task, its Settle for @take_dir as its data */
static GTask *
settle_task_new (InbSession          *session,
                 const char          *take_dir,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 gpointer             source_tag)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  Settle *s = g_new0 (Settle, 1);

  s->take_dir = g_strdup (take_dir);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, s, (GDestroyNotify) settle_free);

  return task;
}

/* One blocking step of @task's operation on its Settle, in a thread; then
 * @done, with @task as its data */
static void
run_step (GTask               *task,
          const char          *name,
          GCancellable        *cancellable,
          GTaskThreadFunc      worker,
          GAsyncReadyCallback  done)
{
  g_autoptr(GTask) step = g_task_new (g_task_get_source_object (task), cancellable, done, g_object_ref (task));

  g_task_set_name (step, name);
  g_task_set_task_data (step, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (step, worker);
}

static void
settle_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Settle *s = task_data;
  GError *error = NULL;

  if (!settle_take (s->take_dir, s->message, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Give up ------------------------------------------------------------------ */

static void
given_up_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  refresh_library (g_task_get_source_object (task), s->take_dir);
  g_task_return_boolean (task, TRUE);
}

/**
 * inb_resume_give_up_async:
 * @take_dir: a take left "submit-unknown"
 *
 * Settles it as "failed" with a message saying so; nothing is sent.
 */
void
inb_resume_give_up_async (InbSession          *session,
                          const char          *take_dir,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Settle *s;

  g_return_if_fail (INB_IS_SESSION (session));
  g_return_if_fail (take_dir != NULL);

  task = settle_task_new (session, take_dir, cancellable, callback, user_data, inb_resume_give_up_async);
  s = g_task_get_task_data (task);
  s->message = g_strdup (_("Marked as failed by you: the service may still have made (and charged) this "
                           "clip, but Inbetween no longer follows it. Nothing was sent again."));
  run_step (task, "[inb] give up take", cancellable, settle_worker, given_up_cb);
}

gboolean
inb_resume_give_up_finish (InbSession    *session,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_resume_give_up_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Send again ----------------------------------------------------------------- */

static void
load_inputs_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Settle *s = task_data;
  g_autoptr(InbTake) take = NULL;
  GError *error = NULL;
  int fd;

  if (!lock_take (s->take_dir, &fd, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if ((take = load_unknown_take (s->take_dir, &error)) == NULL ||
      (s->inputs = inb_generate_inputs_new_from_take (s->take_dir, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  inb_take_unlock_briefly (fd);
}

static void
old_settled_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The new take is queued whatever happens here: it is what the user
   * asked for. An old take that could not be written stays
   * "submit-unknown", and can be given up later. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_message ("Take %s was sent again, but could not be marked so: %s", s->take_dir, error->message);

  refresh_library (g_task_get_source_object (task), s->take_dir);
  g_task_return_pointer (task, g_steal_pointer (&s->job), g_object_unref);
}

static void
sent_again_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *s = g_task_get_task_data (task);
  GError *error = NULL;
  InbTake *fresh;
  g_autofree char *old_id = g_path_get_basename (s->take_dir);
  g_autoptr(JsonNode) from = NULL;

  s->job = inb_session_generate_finish (INB_SESSION (object), result, &error);
  if (s->job == NULL)
    {
      /* Nothing was sent: the old take waits as it was */
      g_task_return_error (task, error);
      return;
    }

  fresh = inb_job_get_take (s->job);
  /* Saved with the new take's next state */
  from = json_node_init_string (json_node_alloc (), old_id);
  inb_take_set_member (fresh, "sent_again_from", from);   /* (copied) */

  /* Translators: %u is the new take's number, %s its id */
  s->message = g_strdup_printf (_("Sent again by you as Take %u (%s). This one is no longer followed; "
                                  "the service may have made (and charged) it too."),
                                inb_take_get_number (fresh), inb_take_get_id (fresh));

  /* Not cancellable: the new take exists, the old one must say so */
  run_step (task, "[inb] settle sent-again take", NULL, settle_worker, old_settled_cb);
}

static void
inputs_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Settle *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The same inputs, the same seed: the one generate path */
  inb_session_generate_async (g_task_get_source_object (task), g_steal_pointer (&s->inputs),
                              g_task_get_cancellable (task), sent_again_cb, g_object_ref (task));
}

/**
 * inb_resume_send_again_async:
 * @take_dir: a take left "submit-unknown"
 *
 * Makes a new take from its saved inputs, then settles it as "failed"
 * naming the new one. The caller has asked the user: it may be charged
 * twice.
 */
void
inb_resume_send_again_async (InbSession          *session,
                             const char          *take_dir,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (INB_IS_SESSION (session));
  g_return_if_fail (take_dir != NULL);

  task = settle_task_new (session, take_dir, cancellable, callback, user_data, inb_resume_send_again_async);
  run_step (task, "[inb] send again load", cancellable, load_inputs_worker, inputs_loaded_cb);
}

InbJob *
inb_resume_send_again_finish (InbSession    *session,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_resume_send_again_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
