/* inb-resume-lookup.c — a submit whose answer was lost, looked up at the service
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the backend says its service lists tasks by creation time
 * (INB_LOST_SUBMIT_TASK_LIST), the task of a lost submit is looked for
 * there: exactly one match, not known to another take, is adopted (written
 * durably before it is followed); several are listed for the user; none,
 * once the window closed long enough ago, means nothing was made or
 * charged. Elsewhere the take waits for the user. Never sent again.
 */
#define G_LOG_DOMAIN "inb-resume"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-cloud-backend.h"
#include "inb-resume-private.h"

/* Lost submits ------------------------------------------------------------ */

static char *
local_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  /* Translators: as g_date_time_format() takes it (zh_CN: "%Y年%m月%d日 %H:%M") */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

/* Leaves a lost submit for the user, saying why. */
static void
item_leave_unknown (GTask      *run_task,
                    Item       *item,
                    const char *message)
{
  _inb_resume_item_set_take_error (item, INB_BACKEND_ERROR_SUBMIT_UNKNOWN, message);
  inb_take_set_state (item->take, "submit-unknown");
  _inb_resume_item_set_entry (item, INB_RESUME_SUBMIT_UNKNOWN, message);
  _inb_resume_item_save (run_task, item);
}

/* Another lost submit of the same model whose window overlaps this one's:
 * a single task found then could be either's. */
static gboolean
has_twin (Run  *run,
          Item *item)
{
  for (guint i = 0; i < run->items->len; i++)
    {
      Item *other = g_ptr_array_index (run->items, i);

      if (other == item || other->window_from == NULL ||
          (other->action != ACTION_LIST_SUBMIT_UNKNOWN && other->action != ACTION_MARK_SUBMIT_UNKNOWN))
        continue;
      if (g_strcmp0 (inb_take_get_backend_id (other->take), inb_take_get_backend_id (item->take)) != 0 ||
          g_strcmp0 (inb_take_get_model_id (other->take), inb_take_get_model_id (item->take)) != 0)
        continue;
      if (g_date_time_compare (other->window_from, item->window_to) <= 0 &&
          g_date_time_compare (item->window_from, other->window_to) <= 0)
        return TRUE;
    }

  return FALSE;
}

static void
adopted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) run_task = user_data;
  GTask *write = G_TASK (result);
  Item *item = g_task_get_task_data (write);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (write, &error) && item->overtaken)
    {
      /* Settled by the user before its task was found: not followed */
      g_clear_pointer (&item->new_remote, inb_remote_record_free);
      g_clear_pointer (&item->entry, inb_resume_entry_free);
      _inb_resume_item_leave (run_task);
      return;
    }

  if (error != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The service lists this job’s task %s, but Inbetween could not record it (%s); "
                           "it was not followed and nothing was sent again"),
                         item->new_remote->task_id, error->message);

      g_clear_pointer (&item->new_remote, inb_remote_record_free);
      item_leave_unknown (run_task, item, message);
      return;
    }

  /* On disk: from now on the take follows this task like any other */
  g_clear_pointer (&item->remote, inb_remote_record_free);
  item->remote = g_steal_pointer (&item->new_remote);
  item->adopted = TRUE;
  _inb_resume_item_set_take_remote (item, NULL);
  inb_take_set_error (item->take, NULL);
  inb_take_set_state (item->take, "running");
  _inb_resume_item_resume (run_task, item);
}

static void
adopt_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Item *item = task_data;
  GError *error = NULL;
  int fd;

  /* Only while the take still waits as the scan found it */
  if (!_inb_resume_item_lock_unchanged (item, &fd))
    {
      item->overtaken = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (_inb_resume_write_remote (item, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  inb_take_unlock_briefly (fd);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Resuming *looking = user_data;
  g_autoptr(GTask) run_task = looking->run_task;
  Item *item = looking->item;
  InbCloudBackend *backend = INB_CLOUD_BACKEND (object);
  Run *run = g_task_get_task_data (run_task);
  g_autoptr(InbCloudLookup) lookup = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *service = inb_backend_get_name (INB_BACKEND (backend));
  const char *model;

  g_free (looking);

  model = inb_take_get_model_id (item->take);
  from = local_time (item->window_from);
  to = local_time (item->window_to);
  lookup = inb_cloud_backend_look_up_finish (backend, result, &error);

  if (lookup == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopping: nothing learnt, nothing changed */
      _inb_resume_item_set_entry (item, INB_RESUME_PENDING, _("Left for later: the lookup was stopped"));
      _inb_resume_item_leave (run_task);
      return;
    }

  if (lookup == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The answer to the submit was lost and looking its task up at %s failed (%s). "
                           "It stays unresolved: check the provider’s console before making it again; "
                           "it is not sent again automatically."),
                         service, error->message);

      item_leave_unknown (run_task, item, message);
      return;
    }

  if (lookup->outcome == INB_CLOUD_LOOKUP_FOUND && !has_twin (run, item))
    {
      g_autoptr(GTask) write = g_task_new (NULL, NULL, adopted_cb, g_object_ref (run_task));

      g_debug ("Take %s: adopting %s task %s", inb_take_get_id (item->take), service, lookup->task_id);
      item->new_remote = item->remote != NULL ? inb_remote_record_copy (item->remote) : inb_remote_record_new ();
      g_free (item->new_remote->service);
      item->new_remote->service = g_strdup (inb_take_get_backend_id (item->take));
      g_free (item->new_remote->model);
      item->new_remote->model = g_strdup (model);
      item->new_remote->state = INB_REMOTE_STATE_SUBMITTED;
      g_free (item->new_remote->task_id);
      item->new_remote->task_id = g_strdup (lookup->task_id);
      g_free (item->new_remote->adopted);
      item->new_remote->adopted = g_strdup ("lookup");
      if (item->submitted != NULL && item->intent_kind == INTENT_EXACT)
        {
          g_free (item->new_remote->submitted);
          item->new_remote->submitted = g_strdup (item->submitted);
        }
      g_task_set_name (write, "[inb] resume adopt");
      g_task_set_task_data (write, item, NULL);
      g_task_run_in_thread (write, adopt_worker);
      return;
    }

  if (lookup->outcome != INB_CLOUD_LOOKUP_NONE)
    {
      GString *ids = g_string_new (NULL);
      g_autofree char *message = NULL;

      for (guint i = 0; i < lookup->matches->len; i++)
        {
          InbCloudTaskInfo *info = g_ptr_array_index (lookup->matches, i);
          g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (info->created / G_USEC_PER_SEC);
          g_autofree char *when = local_time (created);

          g_string_append_printf (ids, "%s%s (%s, %s)", i > 0 ? ", " : "", info->task_id, when,
                                  info->status != NULL ? info->status : "?");
        }

      if (lookup->outcome == INB_CLOUD_LOOKUP_FOUND)
        message = g_strdup_printf (_("The answer to the submit was lost. %s lists one task of %s sent between "
                                     "%s and %s: %s; but another take was sent to it at the same time, so "
                                     "Inbetween cannot tell whose it is and adopted none. Check the "
                                     "provider’s console; nothing was sent again."),
                                   service, model, from, to, ids->str);
      else
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "The answer to the submit was lost. %s lists %u task of %s sent "
                                                "between %s and %s: %s. Inbetween cannot tell which one is this "
                                                "take’s, so it adopted none. Check the provider’s console; nothing "
                                                "was sent again.",
                                                "The answer to the submit was lost. %s lists %u tasks of %s sent "
                                                "between %s and %s: %s. Inbetween cannot tell which one is this "
                                                "take’s, so it adopted none. Check the provider’s console; nothing "
                                                "was sent again.", lookup->matches->len),
                                   service, lookup->matches->len, model, from, to, ids->str);
      g_string_free (ids, TRUE);
      item_leave_unknown (run_task, item, message);
      return;
    }

  /* None. Conclusive only once the window closed a while ago, and while
   * the service still lists tasks of that time. */
  if (g_date_time_difference (now, item->window_to) > (GTimeSpan) LOOKUP_SETTLE_S * G_TIME_SPAN_SECOND)
    {
      g_autofree char *message =
        g_strdup_printf (_("Not found at %s: it has no task of %s sent between %s and %s, so the submit "
                           "never reached it and nothing was generated or charged. Make it again when "
                           "you like."),
                         service, model, from, to);

      item->new_remote = item->remote != NULL ? inb_remote_record_copy (item->remote) : inb_remote_record_new ();
      item->new_remote->state = INB_REMOTE_STATE_NOT_FOUND;
      _inb_resume_item_set_take_error (item, INB_BACKEND_ERROR_FAILED, message);
      inb_take_set_state (item->take, "failed");
      _inb_resume_item_set_entry (item, INB_RESUME_FAILED, message);
      _inb_resume_item_save (run_task, item);
    }
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("The answer to the submit was lost and %s lists no task of it yet; Inbetween "
                           "looks again next time. It is not sent again automatically."),
                         service);

      item_leave_unknown (run_task, item, message);
    }
}

/* A submit whose answer was lost: look its task up where the service
 * can list them; otherwise it waits for the user. */
void
_inb_resume_item_reconcile (GTask      *run_task,
                Item       *item,
                const char *fallback)
{
  Run *run = g_task_get_task_data (run_task);
  InbBackend *backend = item->backend;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *message = NULL;
  const char *name;
  guint hours = _inb_resume_item_lifetime_hours (item);

  if (backend == NULL || !INB_IS_CLOUD_BACKEND (backend) ||
      inb_backend_get_lost_submit_lookup (backend) != INB_LOST_SUBMIT_TASK_LIST)
    {
      name = backend != NULL ? inb_backend_get_name (backend) : inb_take_get_backend_id (item->take);
      message = g_strdup_printf (_("%s Inbetween cannot look it up at %s: check its dashboard before "
                                   "making it again; it is not sent again automatically."),
                                 fallback, name);
    }
  else if (item->window_from == NULL)
    message = g_strdup_printf (_("%s Inbetween cannot look it up: it does not know when it was sent."), fallback);
  else if (hours > 0 && g_date_time_difference (now, item->window_from) >= (GTimeSpan) hours * G_TIME_SPAN_HOUR)
    /* Translators: the first %s is the sentence before this one */
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s It was sent more than %u hour ago, longer than %s lists tasks: "
                                            "check its console.",
                                            "%s It was sent more than %u hours ago, longer than %s lists tasks: "
                                            "check its console.", hours),
                               fallback, hours, inb_backend_get_name (backend));
  else if (!inb_backend_has_api_key (backend))
    message = g_strdup_printf (_("%s Inbetween will look it up at %s once it has the key."),
                               fallback, inb_backend_get_name (backend));

  if (message != NULL)
    {
      if (item->marked || g_strcmp0 (message, inb_take_get_error_message (item->take)) != 0)
        item_leave_unknown (run_task, item, message);
      else
        {
          _inb_resume_item_set_entry (item, INB_RESUME_SUBMIT_UNKNOWN, message);
          _inb_resume_item_leave (run_task);
        }
      return;
    }

  {
    g_autoptr(GPtrArray) known = g_ptr_array_copy (run->known_task_ids, (GCopyFunc) (void (*) (void)) g_strdup, NULL);
    Resuming *looking = g_new0 (Resuming, 1);

    g_ptr_array_set_free_func (known, g_free);
    g_ptr_array_add (known, NULL);
    g_debug ("Take %s: looking its lost submit up at %s", inb_take_get_id (item->take),
             inb_backend_get_name (backend));

    looking->run_task = g_object_ref (run_task);
    looking->item = item;
    inb_cloud_backend_look_up_async (INB_CLOUD_BACKEND (backend), inb_take_get_model_id (item->take),
                                     item->window_from, item->window_to,
                                     (const char * const *) known->pdata,
                                     g_task_get_cancellable (run_task), looked_up_cb, looking);
  }
}
