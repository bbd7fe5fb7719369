/* inb-resume.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hosted job leaves `remote.json` in its take's folder (written by
 * backends/cloud/inb-cloud-job.c): the intent before the submit, the task id
 * before the first poll, "done" once the clip is in place. After a crash
 * a take can be left "running" with such a record. For each one:
 *
 *   record "done" and a playable clip   → the take is done (no request)
 *   a task id, younger than the provider
 *   keeps results (24 h)                → poll it by id and download
 *                                          (inb_backend_resume_async())
 *   a task id, older                    → "expired", nothing sent
 *   "submitting" / "submit-unknown"     → looked up at the service where it
 *                                          lists its tasks (DashScope): one
 *                                          task of that model created then →
 *                                          adopted (durably), then followed as
 *                                          above; several → none adopted, the
 *                                          user decides; none, long enough
 *                                          after → "failed", nothing charged.
 *                                          Otherwise "submit-unknown": the
 *                                          user decides
 *   "unverified" (the clip did not pass
 *   the checker)                        → fetched again while the task lives
 *   "not-submitted"                     → "failed": nothing reached the service
 *   a task another job follows now      → left alone (a lock file per task,
 *                                          see inb_cloud_job_is_task_busy())
 *
 * Lost submits are looked up in inb-resume-lookup.c. Nothing here ever
 * submits a job. A take already finished is left alone,
 * so running this twice changes nothing the second time.
 */
#define G_LOG_DOMAIN "inb-resume"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-cloud-backend.h"
#include "inb-cloud-job.h"
#include "inb-job.h"
#include "inb-resume-private.h"
#include "inb-take.h"
#include "inb-video-reader.h"


const char *
inb_resume_outcome_to_string (InbResumeOutcome outcome)
{
  switch (outcome)
    {
    case INB_RESUME_DONE:
      return "done";
    case INB_RESUME_FAILED:
      return "failed";
    case INB_RESUME_EXPIRED:
      return "expired";
    case INB_RESUME_SUBMIT_UNKNOWN:
      return "submit-unknown";
    case INB_RESUME_PENDING:
    default:
      return "pending";
    }
}

void
inb_resume_entry_free (InbResumeEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->take_id);
  g_free (entry->take_dir);
  g_free (entry->backend_id);
  g_free (entry->task_id);
  g_free (entry->message);
  g_free (entry);
}

static void
item_free (Item *item)
{
  g_clear_object (&item->take);
  g_free (item->scanned_state);
  g_clear_object (&item->backend);
  g_clear_pointer (&item->remote, inb_remote_record_free);
  g_free (item->message);
  g_free (item->submitted);
  g_free (item->expired_at);
  g_clear_object (&item->result);
  inb_resume_entry_free (item->entry);
  g_clear_pointer (&item->window_from, g_date_time_unref);
  g_clear_pointer (&item->window_to, g_date_time_unref);
  g_clear_pointer (&item->new_remote, inb_remote_record_free);
  g_free (item);
}

static void
run_free (Run *run)
{
  g_clear_object (&run->registry);
  g_clear_pointer (&run->backends, g_hash_table_unref);
  g_free (run->takes_dir);
  g_clear_pointer (&run->items, g_ptr_array_unref);
  g_clear_pointer (&run->known_task_ids, g_ptr_array_unref);
  g_free (run);
}

/* How long the service keeps a result; 0: for ever. A backend this
 * Inbetween does not have is assumed to keep it a day. */
guint
_inb_resume_item_lifetime_hours (Item *item)
{
  if (item->backend == NULL)
    return INB_RESUME_DEFAULT_LIFETIME_HOURS;

  return inb_backend_get_result_lifetime_hours (item->backend);
}

const char *
_inb_resume_item_task_id (Item *item)
{
  return item->remote != NULL ? item->remote->task_id : NULL;
}

const char *
_inb_resume_item_service_name (Item *item)
{
  return item->backend != NULL ? inb_backend_get_short_name (item->backend)
                               : inb_take_get_backend_id (item->take);
}

/* Scan (worker thread) --------------------------------------------------- */

static gboolean
take_is_finished (InbTake *take)
{
  InbJobState state;

  if (!inb_job_state_from_string (inb_take_get_state (take), &state))
    return TRUE;   /* a state we do not know: not ours to touch */

  return inb_job_state_is_terminal (state);
}

/* The record says "done" and the clip plays: nothing to fetch. */
static gboolean
clip_in_place (Item *item)
{
  g_autofree char *clip = inb_take_dup_clip_path (item->take);
  g_auto(InbVideoInfo) info = { 0, };
  g_autoptr(GError) error = NULL;

  if (item->remote->state != INB_REMOTE_STATE_DONE || !g_file_test (clip, G_FILE_TEST_IS_REGULAR))
    return FALSE;

  if (!inb_video_probe_isolated (clip, 0, &info, NULL, &error))
    {
      g_debug ("Take %s: the clip does not play (%s); fetching it again",
               inb_take_get_id (item->take), error->message);
      return FALSE;
    }

  item->width = info.width;
  item->height = info.height;
  item->n_frames = info.n_frames;
  item->fps = info.fps;
  return TRUE;
}

static gboolean
is_too_old (Item      *item,
            GDateTime *now)
{
  g_autoptr(GDateTime) submitted = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *shown = NULL;
  guint hours = _inb_resume_item_lifetime_hours (item);

  if ((submitted = inb_remote_record_dup_submit_time (item->remote, NULL)) == NULL)
    return FALSE;   /* no date: let the service say */

  item->submitted = g_date_time_format_iso8601 (submitted);
  if (hours == 0 || g_date_time_difference (now, submitted) <= (GTimeSpan) hours * G_TIME_SPAN_HOUR)
    return FALSE;

  {
    g_autoptr(GDateTime) end = g_date_time_add_hours (submitted, (gint) hours);

    item->expired_at = g_date_time_format_iso8601 (end);
  }

  local = g_date_time_to_local (submitted);
  /* Translators: as g_date_time_format() takes it (zh_CN: "%Y年%m月%d日 %H:%M") */
  shown = g_date_time_format (local, _("%Y-%m-%d %H:%M"));
  item->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Expired: %s keeps a result for %u hour only, and this task "
                                                 "was sent on %s. Its clip can no longer be fetched; it was not "
                                                 "sent again.",
                                                 "Expired: %s keeps a result for %u hours only, and this task "
                                                 "was sent on %s. Its clip can no longer be fetched; it was not "
                                                 "sent again.", hours),
                                   _inb_resume_item_service_name (item), hours, shown);
  return TRUE;
}

/* The lost submit's window: see LOOKUP_*. */
static void
set_lookup_window (Item *item)
{
  g_autoptr(GDateTime) intent = NULL;
  gint64 before = LOOKUP_CLOCK_SKEW_S;
  gboolean exact = FALSE;

  if (item->remote == NULL ||
      (intent = inb_remote_record_dup_submit_time (item->remote, &exact)) == NULL)
    {
      item->intent_kind = INTENT_NONE;
      return;
    }

  item->intent_kind = exact ? INTENT_EXACT : INTENT_UPPER_BOUND;
  if (!exact)
    before += LOOKUP_SUBMIT_SPAN_S;

  g_free (item->submitted);
  item->submitted = g_date_time_format_iso8601 (intent);
  item->window_from = g_date_time_add_seconds (intent, (gdouble) -before);
  item->window_to = g_date_time_add_seconds (intent, LOOKUP_SUBMIT_SPAN_S + LOOKUP_CLOCK_SKEW_S);
}

/* What the take's backend left in its folder, read through the backend. */
static InbRemoteRecord *
read_record (Item       *item,
             const char *take_dir)
{
  g_autoptr(GError) error = NULL;
  InbRemoteRecord *record;

  record = item->backend != NULL
    ? inb_backend_read_remote_record (item->backend, take_dir, &error)
    : inb_remote_record_load (take_dir, &error);

  if (record == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("%s", error->message);

  return record;
}

static Item *
examine (Run        *run,
         const char *take_dir,
         GDateTime  *now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;
  InbBackend *backend;
  Item *item;
  InbRemoteState state;

  take = inb_take_load (take_dir, &error);
  if (take == NULL)
    {
      g_debug ("Skipping %s: %s", take_dir, error->message);
      return NULL;
    }

  item = g_new0 (Item, 1);
  item->take = g_steal_pointer (&take);
  item->scanned_state = g_strdup (inb_take_get_state (item->take));
  backend = g_hash_table_lookup (run->backends, inb_take_get_backend_id (item->take));
  item->backend = backend != NULL ? g_object_ref (backend) : NULL;
  item->remote = read_record (item, take_dir);
  state = item->remote != NULL ? item->remote->state : INB_REMOTE_STATE_UNKNOWN;

  /* Every task a take knows: never adopted by another take */
  if (_inb_resume_item_task_id (item) != NULL)
    g_ptr_array_add (run->known_task_ids, g_strdup (_inb_resume_item_task_id (item)));

  if (g_strcmp0 (inb_take_get_state (item->take), "submit-unknown") == 0)
    {
      if (_inb_resume_item_task_id (item) == NULL)
        {
          item->action = ACTION_LIST_SUBMIT_UNKNOWN;
          set_lookup_window (item);
          return item;
        }
      /* A lookup adopted a task, then Inbetween stopped: follow it */
    }
  else if (g_strcmp0 (inb_take_get_state (item->take), "failed") == 0 &&
           state == INB_REMOTE_STATE_UNVERIFIED && _inb_resume_item_task_id (item) != NULL)
    {
      /* The downloaded clip did not pass the checker and was set aside:
       * fetch it again while the service keeps it */
    }
  else if (take_is_finished (item->take) || item->remote == NULL)
    {
      item_free (item);
      return NULL;
    }

  if (_inb_resume_item_task_id (item) != NULL)
    {
      if (clip_in_place (item))
        item->action = ACTION_FINISH_LOCAL;
      else if (is_too_old (item, now))
        item->action = ACTION_EXPIRE;
      else if (inb_cloud_job_is_task_busy (take_dir,
                                           item->remote->service != NULL
                                           ? item->remote->service
                                           : inb_take_get_backend_id (item->take),
                                           _inb_resume_item_task_id (item)))
        item->action = ACTION_BUSY;
      else
        item->action = ACTION_RESUME;
    }
  else if (state == INB_REMOTE_STATE_NOT_SUBMITTED)
    item->action = ACTION_NOT_SENT;
  else
    {
      /* "submitting", "submit-unknown", or anything else without an id:
       * the submit may have gone out. Never again without the user. */
      item->action = ACTION_MARK_SUBMIT_UNKNOWN;
      item->marked = TRUE;
      set_lookup_window (item);
    }

  return item;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
scan_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr(GDir) dir = g_dir_open (run->takes_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (run->takes_dir, g_ptr_array_index (names, i), NULL);
      Item *item;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if ((item = examine (run, path, now)) != NULL)
        g_ptr_array_add (run->items, item);
    }

  g_task_return_boolean (task, TRUE);
}

/* Outcomes (main thread) -------------------------------------------------- */

void
_inb_resume_item_set_entry (Item             *item,
                InbResumeOutcome  outcome,
                const char       *message)
{
  InbResumeEntry *entry = g_new0 (InbResumeEntry, 1);

  entry->take_id = g_strdup (inb_take_get_id (item->take));
  entry->take_dir = g_strdup (inb_take_get_dir (item->take));
  entry->backend_id = g_strdup (inb_take_get_backend_id (item->take));
  entry->task_id = g_strdup (_inb_resume_item_task_id (item));
  entry->outcome = outcome;
  entry->message = g_strdup (message);

  inb_resume_entry_free (item->entry);
  item->entry = entry;
}

void
_inb_resume_item_set_take_error (Item       *item,
                     int         code,
                     const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (INB_BACKEND_ERROR, code, message);

  inb_take_set_error (item->take, error);
}

static void
item_set_done (Item *item)
{
  g_autoptr(JsonObject) summary = json_object_new ();

  json_object_set_int_member (summary, "width", item->width);
  json_object_set_int_member (summary, "height", item->height);
  json_object_set_int_member (summary, "frames", item->n_frames);
  json_object_set_double_member (summary, "fps", item->fps);

  if (item->result != NULL)
    {
      JsonObject *metadata = inb_result_get_metadata (item->result);
      g_autoptr(JsonNode) wrap = json_node_init_object (json_node_alloc (), metadata);

      json_object_set_member (summary, "backend", json_node_copy (wrap));
    }

  inb_take_set_result (item->take, summary);
  inb_take_set_error (item->take, NULL);
  inb_take_set_state (item->take, "done");
}

static void finish_run_if_done (GTask *task);

/* take.json's members that the user edits in the library */
static const char * const user_members[] = { "starred", "title", "note" };

/**
 * _inb_resume_item_lock_unchanged:
 * @fd: (out): the take's lock, for inb_take_unlock_briefly(); -1 when it
 *   could not be taken for another reason than someone holding it (the
 *   write then goes ahead without it, as before there was one)
 *
 * Blocking, before writing what the resume learnt of @item: takes the
 * take's lock, then reads take.json again. FALSE (nothing held) when its
 * state is no longer the one the scan read: the user settled it meanwhile
 * (Give Up, Send Again: inb-resume-settle.c, which writes under the same
 * lock), or another Inbetween resumed it. The settled state wins: the
 * user decided knowing the service might have made it, and a Send Again's
 * new take already exists; what the lookup found of the task stays in
 * remote.json if it was written. FALSE too while a process making the
 * take holds the lock. TRUE: @item's take has the user's own members
 * (star, title, note) as they are on disk now.
 */
gboolean
_inb_resume_item_lock_unchanged (Item *item,
                                 int  *fd)
{
  const char *dir = inb_take_get_dir (item->take);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) now = NULL;

  if (!inb_take_lock_briefly (dir, fd, &error))
    {
      g_debug ("Take %s: left as it is: %s", inb_take_get_id (item->take), error->message);
      return FALSE;
    }

  now = inb_take_load (dir, &error);
  if (now == NULL || g_strcmp0 (inb_take_get_state (now), item->scanned_state) != 0)
    {
      g_debug ("Take %s: left as it is, it changed meanwhile (%s → %s)", inb_take_get_id (item->take),
               item->scanned_state, now != NULL ? inb_take_get_state (now) : error->message);
      inb_take_unlock_briefly (*fd);
      *fd = -1;
      return FALSE;
    }

  /* What the user changed since the scan (the library's own edits, which
   * take the same lock) stays: the resume writes only what it learnt */
  {
    g_autoptr(JsonObject) json = inb_take_to_json (now);

    for (guint i = 0; i < G_N_ELEMENTS (user_members); i++)
      inb_take_set_member (item->take, user_members[i], json_object_get_member (json, user_members[i]));
  }

  return TRUE;
}

/* remote.json, durably: a task id is on disk before it is followed. */
gboolean
_inb_resume_write_remote (Item    *item,
              GError **error)
{
  return inb_remote_record_save (item->new_remote, inb_take_get_dir (item->take), error);
}

/* The take's own copy of the record (take.json's "remote"). */
void
_inb_resume_item_set_take_remote (Item       *item,
                      JsonObject *extra)
{
  g_autoptr(JsonObject) remote = inb_remote_record_to_json (item->remote);
  g_autoptr(GList) members = extra != NULL ? json_object_get_members (extra) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (remote, l->data, json_node_copy (json_object_get_member (extra, l->data)));

  inb_take_set_remote (item->take, remote);
}

/* Blocking. @item was settled otherwise (by the user, or by another
 * Inbetween) while this run fetched its clip into the take's folder: the
 * clip stays only if the take, as it is on disk now, is done (its clip);
 * otherwise nothing uses it and it is removed. Read and removed under the
 * take's lock, which a settle writes under too. */
static void
item_drop_unused_clip (Item *item)
{
  const char *dir = inb_take_get_dir (item->take);
  g_autofree char *clip = inb_take_dup_clip_path (item->take);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) now = NULL;
  int fd;

  if (!inb_take_lock_briefly (dir, &fd, &error))
    {
      g_debug ("Take %s: its fetched clip is left: %s", inb_take_get_id (item->take), error->message);
      return;
    }

  now = inb_take_load (dir, &error);
  if (now == NULL)
    g_debug ("Take %s: its fetched clip is left: %s", inb_take_get_id (item->take), error->message);
  else if (g_strcmp0 (inb_take_get_state (now), "done") == 0)
    g_debug ("Take %s: done meanwhile, its clip is kept", inb_take_get_id (item->take));
  else if (g_unlink (clip) == 0)
    g_debug ("Take %s: settled meanwhile (%s), the clip fetched for it is removed",
             inb_take_get_id (item->take), inb_take_get_state (now));
  else if (errno != ENOENT)
    g_warning ("Take %s: could not remove the clip it no longer uses: %s",
               inb_take_get_id (item->take), g_strerror (errno));
  inb_take_unlock_briefly (fd);
}

/* Thumbnail (for a fresh clip) and the take's record, in a worker. */
static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Item *item = task_data;
  g_autoptr(GError) error = NULL;
  int fd;

  if (!_inb_resume_item_lock_unchanged (item, &fd))
    {
      item->overtaken = TRUE;
      /* A clip this run fetched (not one that was there already) */
      if (item->result != NULL)
        item_drop_unused_clip (item);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (item->new_remote != NULL && !_inb_resume_write_remote (item, &error))
    {
      g_warning ("Take %s: %s", inb_take_get_id (item->take), error->message);
      g_clear_error (&error);
    }

  if (item->entry->outcome == INB_RESUME_DONE && item->n_frames > 0)
    {
      g_autofree char *clip = inb_take_dup_clip_path (item->take);
      g_autoptr(InbImage) frame = inb_video_read_frame (clip, item->n_frames / 2, &error);

      if (frame == NULL || !inb_take_write_thumbnail (item->take, frame, &error))
        {
          g_warning ("No thumbnail for take %s: %s", inb_take_get_id (item->take), error->message);
          g_clear_error (&error);
        }
    }

  if (!inb_take_save (item->take, &error))
    g_warning ("Take %s: %s", inb_take_get_id (item->take), error->message);
  inb_take_unlock_briefly (fd);

  g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) run_task = user_data;
  Run *run = g_task_get_task_data (run_task);

  g_task_propagate_boolean (G_TASK (result), NULL);
  /* Settled meanwhile (by the user): nothing to report of it */
  if (((Item *) g_task_get_task_data (G_TASK (result)))->overtaken)
    g_clear_pointer (&((Item *) g_task_get_task_data (G_TASK (result)))->entry, inb_resume_entry_free);
  run->pending--;
  finish_run_if_done (run_task);
}

void
_inb_resume_item_save (GTask *run_task,
           Item  *item)
{
  g_autoptr(GTask) save = g_task_new (NULL, NULL, saved_cb, g_object_ref (run_task));

  g_task_set_name (save, "[inb] resume save");
  g_task_set_task_data (save, item, NULL);
  g_task_run_in_thread (save, save_worker);
}

void
_inb_resume_item_leave (GTask *run_task)
{
  Run *run = g_task_get_task_data (run_task);

  run->pending--;
  finish_run_if_done (run_task);
}


static void
resumed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Resuming *resuming = user_data;
  g_autoptr(GTask) run_task = resuming->run_task;
  g_autoptr(InbProgress) progress = resuming->progress;
  Item *item = resuming->item;
  g_autoptr(GError) error = NULL;
  const char *service = inb_backend_get_name (INB_BACKEND (object));
  g_auto(GStrv) warnings = NULL;

  g_free (resuming);

  item->result = inb_backend_resume_finish (INB_BACKEND (object), result, &error);
  /* What the backend warned of is kept with the take, as a generate
   * keeps it (inb-job.c), however the resume ends */
  warnings = inb_progress_dup_warnings (progress);
  for (guint i = 0; warnings[i] != NULL; i++)
    inb_take_add_warning (item->take, warnings[i]);
  if (item->result != NULL)
    {
      g_autofree char *message = item->adopted
        ? g_strdup_printf (_("The answer to the submit was lost, but %s lists its task %s: "
                             "adopted it and fetched its clip (nothing was sent again)"),
                           service, _inb_resume_item_task_id (item))
        : g_strdup_printf (_("Fetched the clip of %s task %s"),
                           service, _inb_resume_item_task_id (item));

      item->width = inb_result_get_width (item->result);
      item->height = inb_result_get_height (item->result);
      item->n_frames = inb_result_get_n_frames (item->result);
      item->fps = inb_result_get_fps (item->result);
      item_set_done (item);
      _inb_resume_item_set_entry (item, INB_RESUME_DONE, message);
      _inb_resume_item_save (run_task, item);
      return;
    }

  if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED))
    {
      g_autofree char *message = g_strdup_printf (_("Expired: %s — it was not sent again."), error->message);

      _inb_resume_item_set_take_error (item, INB_BACKEND_ERROR_EXPIRED, message);
      inb_take_set_state (item->take, "expired");
      _inb_resume_item_set_entry (item, INB_RESUME_EXPIRED, message);
      _inb_resume_item_save (run_task, item);
    }
  else if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN))
    {
      inb_take_set_error (item->take, error);
      inb_take_set_state (item->take, "submit-unknown");
      _inb_resume_item_set_entry (item, INB_RESUME_SUBMIT_UNKNOWN, error->message);
      _inb_resume_item_save (run_task, item);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY) ||
           g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH) ||
           g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK) ||
           g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT))
    {
      /* Nothing is lost: the record stays, the next resume tries again */
      g_autofree char *message = g_strdup_printf (_("Left for later: %s"), error->message);

      _inb_resume_item_set_entry (item, INB_RESUME_PENDING, message);
      _inb_resume_item_leave (run_task);
    }
  else
    {
      inb_take_set_error (item->take, error);
      inb_take_set_state (item->take, "failed");
      _inb_resume_item_set_entry (item, INB_RESUME_FAILED, error->message);
      _inb_resume_item_save (run_task, item);
    }
}

void
_inb_resume_item_resume (GTask *run_task,
             Item  *item)
{
  InbBackend *backend = item->backend;
  g_autoptr(InbRequest) request = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *clip = NULL;
  Resuming *resuming;

  if (backend == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Left for later: this Inbetween has no backend “%s”"),
                                                  inb_take_get_backend_id (item->take));

      _inb_resume_item_set_entry (item, INB_RESUME_PENDING, message);
      _inb_resume_item_leave (run_task);
      return;
    }

  request = inb_request_new (inb_take_get_backend_id (item->take), inb_take_get_model_id (item->take));
  inb_request_set_prompt (request, inb_take_get_prompt (item->take));
  inb_request_set_negative_prompt (request, inb_take_get_negative_prompt (item->take));
  inb_request_set_seed (request, inb_take_get_seed (item->take));
  if (inb_take_get_params (item->take) != NULL)
    inb_request_set_params (request, inb_take_get_params (item->take));
  clip = inb_take_dup_clip_path (item->take);
  inb_request_set_output_path (request, clip);
  inb_request_set_work_dir (request, inb_take_get_dir (item->take));

  g_debug ("Resuming take %s: %s task %s", inb_take_get_id (item->take),
           inb_backend_get_id (backend), _inb_resume_item_task_id (item));

  resuming = g_new0 (Resuming, 1);
  resuming->run_task = g_object_ref (run_task);
  resuming->item = item;
  resuming->progress = inb_progress_new ();
  remote = inb_remote_record_to_json (item->remote);
  inb_backend_resume_async (backend, request, remote, resuming->progress,
                            g_task_get_cancellable (run_task), resumed_cb, resuming);
}

static void
item_start (GTask *run_task,
            Item  *item)
{
  /* The take's own record names the remote task too */
  if (item->remote != NULL && item->action != ACTION_LIST_SUBMIT_UNKNOWN)
    _inb_resume_item_set_take_remote (item, NULL);

  switch (item->action)
    {
    case ACTION_FINISH_LOCAL:
      item_set_done (item);
      _inb_resume_item_set_entry (item, INB_RESUME_DONE, _("The clip was already downloaded"));
      _inb_resume_item_save (run_task, item);
      break;

    case ACTION_EXPIRE:
      {
        g_autoptr(JsonObject) extra = json_object_new ();

        json_object_set_int_member (extra, "lifetime_hours", _inb_resume_item_lifetime_hours (item));
        if (item->expired_at != NULL)
          json_object_set_string_member (extra, "expired_at", item->expired_at);
        _inb_resume_item_set_take_remote (item, extra);
        _inb_resume_item_set_take_error (item, INB_BACKEND_ERROR_EXPIRED, item->message);
        inb_take_set_state (item->take, "expired");
        _inb_resume_item_set_entry (item, INB_RESUME_EXPIRED, item->message);
        _inb_resume_item_save (run_task, item);
      }
      break;

    case ACTION_MARK_SUBMIT_UNKNOWN:
      {
        g_autofree char *message =
          g_strdup_printf (_("Inbetween stopped while sending this job to %s; it may have been "
                             "accepted (and charged)."),
                           _inb_resume_item_service_name (item));

        _inb_resume_item_reconcile (run_task, item, message);
      }
      break;

    case ACTION_LIST_SUBMIT_UNKNOWN:
      _inb_resume_item_reconcile (run_task, item, _("The answer to the submit was lost; it may have been accepted (and charged)."));
      break;

    case ACTION_NOT_SENT:
      {
        const char *message = _("Inbetween stopped before this job reached the service; nothing was sent or charged");

        _inb_resume_item_set_take_error (item, INB_BACKEND_ERROR_FAILED, message);
        inb_take_set_state (item->take, "failed");
        _inb_resume_item_set_entry (item, INB_RESUME_FAILED, message);
        _inb_resume_item_save (run_task, item);
      }
      break;

    case ACTION_BUSY:
      _inb_resume_item_set_entry (item, INB_RESUME_PENDING,
                      _("Left alone: another Inbetween is following this task right now"));
      _inb_resume_item_leave (run_task);
      break;

    case ACTION_RESUME:
    default:
      _inb_resume_item_resume (run_task, item);
      break;
    }
}

static void
finish_run_if_done (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  GPtrArray *entries;

  if (run->pending > 0)
    return;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_resume_entry_free);
  for (guint i = 0; i < run->items->len; i++)
    {
      Item *item = g_ptr_array_index (run->items, i);

      if (item->entry != NULL)
        g_ptr_array_add (entries, g_steal_pointer (&item->entry));
    }

  g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* One extra count so no item can finish the run while others start */
  run->pending = run->items->len + 1;
  for (guint i = 0; i < run->items->len; i++)
    item_start (task, g_ptr_array_index (run->items, i));
  run->pending--;
  finish_run_if_done (task);
}

/**
 * inb_resume_takes_async:
 * @registry: backends with their keys set
 *
 * Resumes every take in @takes_dir left unfinished with a remote task;
 * see the top of this file. Completes once each one is settled or left
 * for later.
 */
void
inb_resume_takes_async (InbBackendRegistry  *registry,
                        const char          *takes_dir,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) scan = NULL;
  Run *run;

  g_return_if_fail (INB_IS_BACKEND_REGISTRY (registry));
  g_return_if_fail (takes_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run = g_new0 (Run, 1);
  run->registry = g_object_ref (registry);
  run->backends = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (inb_backend_registry_get_backends (registry)); i++)
    {
      InbBackend *backend = g_list_model_get_item (inb_backend_registry_get_backends (registry), i);

      g_hash_table_insert (run->backends, (gpointer) inb_backend_get_id (backend), backend);
    }
  run->takes_dir = g_strdup (takes_dir);
  run->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  run->known_task_ids = g_ptr_array_new_with_free_func (g_free);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_resume_takes_async);
  g_task_set_name (task, "[inb] resume takes");
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  scan = g_task_new (NULL, cancellable, scanned_cb, g_steal_pointer (&task));
  g_task_set_name (scan, "[inb] resume scan");
  g_task_set_task_data (scan, run, NULL);
  g_task_run_in_thread (scan, scan_worker);
}

GPtrArray *
inb_resume_takes_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_resume_takes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
