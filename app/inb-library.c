/* inb-library.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The takes folder is the truth (one folder per take, its take.json);
 * InbLibrary is a list of it, the newest first, that stays true:
 *
 *   - loading reads every take.json in a worker thread and hands the main
 *     thread one sorted batch;
 *   - a take whose record does not parse is moved aside
 *     (take.json.corrupt-<time>), reported once and listed as damaged; one
 *     written by a newer Inbetween is listed and never rewritten;
 *   - a take left unfinished by a process that died (its lock is free:
 *     see inb_take_acquire_lock()) is settled: its clip adopted when it
 *     verifies, otherwise marked interrupted with its partial files
 *     removed. Hosted takes with a job record are left to InbResume;
 *   - takes made in this process are listed as they are queued and
 *     followed through their job;
 *   - a folder monitor (debounced) and a slow poll of takes other
 *     processes are making keep it current;
 *   - nothing is deleted unless asked: deleting moves a take to the
 *     library's trash first, so it can be restored.
 */
#define G_LOG_DOMAIN "inb-library"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-fs.h"
#include "inb-json.h"
#include "inb-library.h"
#include "inb-remote-record.h"
#include "inb-take.h"
#include "inb-video-reader.h"

#define TRASH_DIR        ".trash"
#define RESCAN_DELAY_MS  300
#define POLL_INTERVAL_S  2

struct _InbLibrary
{
  GObject           parent_instance;

  char             *takes_dir;
  char             *trash_dir;
  GListStore       *store;        /* InbTakeEntry, newest first */
  GHashTable       *by_id;        /* id → InbTakeEntry (the store's) */
  GHashTable       *live;         /* id → InbTake being made here */
  InbLibraryReport  report;
  GFileMonitor     *monitor;
  GHashTable       *unread;       /* folder name → times it had no take.json */
  GCancellable     *cancellable;
  guint             rescan_id;
  guint             poll_id;
  gboolean          loaded;
  gboolean          scanning;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbLibrary, inb_library, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_QUARK (inb-library-error-quark, inb_library_error)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GListModel: the store's ------------------------------------------------- */

static GType
inb_library_get_item_type (GListModel *model)
{
  return INB_TYPE_TAKE_ENTRY;
}

static guint
inb_library_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (INB_LIBRARY (model)->store));
}

static gpointer
inb_library_get_item (GListModel *model,
                      guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (INB_LIBRARY (model)->store), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = inb_library_get_item_type;
  iface->get_n_items = inb_library_get_n_items;
  iface->get_item = inb_library_get_item;
}

static void
store_items_changed_cb (InbLibrary *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *store)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Newest first; the id breaks ties (ids begin with the time) */
static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  InbTakeEntry *ea = (InbTakeEntry *) a;
  InbTakeEntry *eb = (InbTakeEntry *) b;
  gint64 ca = inb_take_entry_get_created (ea);
  gint64 cb = inb_take_entry_get_created (eb);

  if (ca != cb)
    return ca > cb ? -1 : 1;

  return -g_strcmp0 (inb_take_entry_get_id (ea), inb_take_entry_get_id (eb));
}

static void
insert_entry (InbLibrary   *self,
              InbTakeEntry *entry)
{
  g_hash_table_insert (self->by_id, g_strdup (inb_take_entry_get_id (entry)), entry);
  g_list_store_insert_sorted (self->store, entry, compare_entries, NULL);
}

static void
remove_entry (InbLibrary   *self,
              InbTakeEntry *entry)
{
  guint position;

  if (!g_list_store_find (self->store, entry, &position))
    return;

  g_hash_table_remove (self->by_id, inb_take_entry_get_id (entry));
  g_list_store_remove (self->store, position);
}

/* Reading one take (worker threads) ---------------------------------------- */

static void
report_clear (InbLibraryReport *report)
{
  g_clear_pointer (&report->damaged, g_ptr_array_unref);
  g_clear_pointer (&report->adopted, g_ptr_array_unref);
  g_clear_pointer (&report->interrupted, g_ptr_array_unref);
}

static void
report_init (InbLibraryReport *report)
{
  report->damaged = g_ptr_array_new_with_free_func (g_free);
  report->adopted = g_ptr_array_new_with_free_func (g_free);
  report->interrupted = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
has_corrupt_record (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "take.json.corrupt-"))
      return TRUE;

  return FALSE;
}

static gint64
folder_time (const char *dir)
{
  GStatBuf st;

  if (g_stat (dir, &st) != 0)
    return 0;

  return (gint64) st.st_mtime * G_USEC_PER_SEC;
}

/* take.json did not parse: set it aside, keep every file. */
static void
move_aside (const char       *dir,
            InbLibraryReport *report)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *from = g_build_filename (dir, "take.json", NULL);
  g_autofree char *name = g_strconcat ("take.json.corrupt-", stamp, NULL);
  g_autofree char *to = g_build_filename (dir, name, NULL);

  if (g_rename (from, to) != 0)
    {
      g_warning ("Could not set aside the unreadable %s: %s", from, g_strerror (errno));
      return;
    }

  g_message ("%s could not be read; it was moved to %s", from, to);
  if (report != NULL)
    g_ptr_array_add (report->damaged, g_path_get_basename (dir));
}

static gboolean
has_job_record (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, INB_REMOTE_RECORD_FILE, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A take a dead process left unfinished: its clip if it is whole, else
 * "interrupted" without its partial files. Returns the new manifest. */
static JsonObject *
settle (const char       *dir,
        InbLibraryReport *report)
{
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *part = NULL;
  g_autofree char *mdat = NULL;
  g_auto(InbVideoInfo) info = { 0, };

  take = inb_take_load (dir, &error);
  if (take == NULL || !inb_take_acquire_lock (take, NULL))
    return NULL;   /* newer, or just picked up by someone: leave it */

  clip = inb_take_dup_clip_path (take);
  part = g_strconcat (clip, ".part", NULL);
  g_unlink (part);
  /* The video writer's other scratch file (mp4mux's faststart data) */
  mdat = g_strconcat (clip, ".mdat.part", NULL);
  g_unlink (mdat);

  if (g_file_test (clip, G_FILE_TEST_IS_REGULAR) &&
      inb_video_probe_isolated (clip, 0, &info, NULL, &error))
    {
      g_autoptr(JsonObject) result = json_object_new ();
      g_autoptr(InbImage) frame = NULL;

      json_object_set_int_member (result, "width", info.width);
      json_object_set_int_member (result, "height", info.height);
      json_object_set_int_member (result, "frames", info.n_frames);
      json_object_set_double_member (result, "fps", info.fps);
      inb_take_set_result (take, result);
      inb_take_set_error (take, NULL);
      inb_take_set_state (take, "done");
      frame = inb_video_read_frame (clip, info.n_frames / 2, NULL);
      if (frame != NULL)
        inb_take_write_thumbnail (take, frame, NULL);
      if (report != NULL)
        g_ptr_array_add (report->adopted, g_strdup (inb_take_get_id (take)));
      g_message ("Take %s: its process stopped after the clip was made; adopted it", inb_take_get_id (take));
    }
  else
    {
      g_autoptr(GError) interrupted = NULL;

      if (g_file_test (clip, G_FILE_TEST_EXISTS))
        g_unlink (clip);   /* not a whole clip: partial */
      interrupted = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         _("Interrupted: Inbetween stopped while making this take, "
                                           "before its clip was finished"));
      inb_take_set_error (take, interrupted);
      inb_take_set_state (take, "interrupted");
      if (report != NULL)
        g_ptr_array_add (report->interrupted, g_strdup (inb_take_get_id (take)));
      g_message ("Take %s: its process stopped before the clip was made; marked interrupted", inb_take_get_id (take));
    }

  if (!inb_take_save (take, &error))
    {
      g_warning ("Take %s: %s", inb_take_get_id (take), error->message);
      return NULL;
    }

  return inb_take_to_json (take);
}

/* Worker thread. NULL when the folder holds no take (yet). */
static InbTakeEntry *
read_entry (const char       *dir,
            InbLibraryReport *report)
{
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;
  InbTakeCondition condition = INB_TAKE_CONDITION_OK;
  InbTakeEntry *entry;
  InbJobState state = INB_JOB_FAILED;
  g_autofree char *clip = NULL;
  gint64 version = 0;

  manifest = inb_take_read_manifest (dir, &error);
  if (manifest == NULL)
    {
      if (g_error_matches (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT))
        {
          move_aside (dir, report);
          return _inb_take_entry_new_damaged (dir, folder_time (dir));
        }
      if (has_corrupt_record (dir))
        return _inb_take_entry_new_damaged (dir, folder_time (dir));

      return NULL;   /* a folder being made, or not a take */
    }

  if (inb_json_get_int (manifest, "schema_version", &version) && version > INB_TAKE_SCHEMA_VERSION)
    condition = INB_TAKE_CONDITION_NEWER;
  else if (inb_job_state_from_string (inb_json_get_string (manifest, "state"), &state) &&
           !inb_job_state_is_terminal (state) && !inb_take_is_locked (dir) && !has_job_record (dir))
    {
      JsonObject *settled = settle (dir, report);

      if (settled != NULL)
        {
          json_object_unref (manifest);
          manifest = settled;
        }
    }

  entry = _inb_take_entry_new_from_json (dir, manifest, condition);
  clip = inb_take_entry_dup_clip_path (entry);
  _inb_take_entry_set_has_clip (entry, g_file_test (clip, G_FILE_TEST_IS_REGULAR));

  return entry;
}

static GPtrArray *
list_take_folders (const char *takes_dir)
{
  g_autoptr(GDir) dir = g_dir_open (takes_dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (name[0] == '.')
        continue;   /* the library's own: trash, counter */
      path = g_build_filename (takes_dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (names, g_strdup (name));
    }

  return names;
}

/* Removes a folder and what is in it (take folders hold only files). */
static gboolean
remove_folder (const char  *path,
               GError     **error)
{
  return inb_fs_remove_dir (path, error);
}

static void
purge_trash (const char *trash_dir)
{
  g_autoptr(GDir) dir = g_dir_open (trash_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (trash_dir, name, NULL);
      g_autoptr(GError) error = NULL;

      if (!remove_folder (path, &error))
        g_warning ("Could not empty the trash: %s", error->message);
    }
}

/* Loading -------------------------------------------------------------------- */

typedef struct
{
  char             *takes_dir;
  char             *trash_dir;
  GPtrArray        *names;      /* nullable: all folders */
  GPtrArray        *entries;
  GPtrArray        *unread;     /* folders with no take in them (yet) */
  InbLibraryReport  report;
  gboolean          purge;
} Scan;

static void
scan_free (Scan *scan)
{
  g_free (scan->takes_dir);
  g_free (scan->trash_dir);
  g_clear_pointer (&scan->names, g_ptr_array_unref);
  g_clear_pointer (&scan->entries, g_ptr_array_unref);
  g_clear_pointer (&scan->unread, g_ptr_array_unref);
  report_clear (&scan->report);
  g_free (scan);
}

/* A scan's hold on its entries ends in the callback, on the main thread:
 * its task, and so the scan, may be finalized on the worker (GLib 2.74
 * drops a thread task's last ref there when the callback has already
 * run), and an entry the library has dropped meanwhile would have its
 * last unref, and its job's, on that thread. */
static void
scan_release_entries (Scan *scan)
{
  g_ptr_array_set_size (scan->entries, 0);
}

static Scan *
scan_new (InbLibrary *self,
          GPtrArray  *names)
{
  Scan *scan = g_new0 (Scan, 1);

  scan->takes_dir = g_strdup (self->takes_dir);
  scan->trash_dir = g_strdup (self->trash_dir);
  scan->names = names;
  scan->entries = g_ptr_array_new_with_free_func (g_object_unref);
  scan->unread = g_ptr_array_new_with_free_func (g_free);
  report_init (&scan->report);

  return scan;
}

static int
compare_entry_ptrs (gconstpointer a,
                    gconstpointer b)
{
  return compare_entries (*(gpointer const *) a, *(gpointer const *) b, NULL);
}

static void
scan_run (Scan         *scan,
          GCancellable *cancellable)
{
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *names = scan->names;

  if (scan->purge)
    purge_trash (scan->trash_dir);

  if (names == NULL)
    names = all = list_take_folders (scan->takes_dir);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *dir = g_build_filename (scan->takes_dir, g_ptr_array_index (names, i), NULL);
      InbTakeEntry *entry;

      if (g_cancellable_is_cancelled (cancellable))
        return;

      if ((entry = read_entry (dir, &scan->report)) != NULL)
        g_ptr_array_add (scan->entries, entry);
      else
        g_ptr_array_add (scan->unread, g_strdup (g_ptr_array_index (names, i)));
    }

  g_ptr_array_sort (scan->entries, compare_entry_ptrs);
}

static void
scan_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  scan_run (task_data, cancellable);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

/* Hands a scan's entries to the list: new ids are added in one batch,
 * known ones (a take made here, or read again) updated in place. */
static void
merge_scan (InbLibrary *self,
            Scan       *scan)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  for (guint i = 0; i < scan->entries->len; i++)
    {
      InbTakeEntry *entry = g_ptr_array_index (scan->entries, i);
      InbTakeEntry *known = g_hash_table_lookup (self->by_id, inb_take_entry_get_id (entry));

      if (known == NULL)
        {
          g_ptr_array_add (fresh, entry);
          continue;
        }
      if (inb_take_entry_get_job (known) == NULL)
        {
          g_autoptr(JsonObject) manifest = inb_take_read_manifest (inb_take_entry_get_dir (known), NULL);

          if (manifest != NULL)
            _inb_take_entry_update (known, manifest);
          _inb_take_entry_set_has_clip (known, inb_take_entry_get_has_clip (entry));
        }
    }

  if (fresh->len == 0)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    {
      /* The first load: one splice, already sorted */
      for (guint i = 0; i < fresh->len; i++)
        g_hash_table_insert (self->by_id, g_strdup (inb_take_entry_get_id (fresh->pdata[i])), fresh->pdata[i]);
      g_list_store_splice (self->store, 0, 0, fresh->pdata, fresh->len);
    }
  else
    {
      for (guint i = 0; i < fresh->len; i++)
        insert_entry (self, fresh->pdata[i]);
    }
}

static void schedule_rescan (InbLibrary *self);
static void update_poll (InbLibrary *self);

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    InbLibrary        *self)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      schedule_rescan (self);
      break;
    default:
      break;
    }
}

static void
start_following (InbLibrary *self)
{
  g_autoptr(GFile) dir = g_file_new_for_path (self->takes_dir);
  g_autoptr(GError) error = NULL;

  if (self->monitor != NULL)
    return;

  g_mkdir_with_parents (self->takes_dir, 0700);
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, self->cancellable, &error);
  if (self->monitor == NULL)
    {
      g_warning ("Not following %s: %s", self->takes_dir, error->message);
      return;
    }

  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self, 0);
  update_poll (self);
}

static void
set_report (InbLibrary *self,
            Scan       *scan)
{
  report_clear (&self->report);
  self->report = scan->report;
  memset (&scan->report, 0, sizeof scan->report);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbLibrary *self = g_task_get_source_object (task);
  Scan *scan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      scan_release_entries (scan);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  merge_scan (self, scan);
  scan_release_entries (scan);
  set_report (self, scan);
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  start_following (self);

  g_task_return_boolean (task, TRUE);
}

void
inb_library_load_async (InbLibrary          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) scan_task = NULL;
  Scan *scan;

  g_return_if_fail (INB_IS_LIBRARY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_library_load_async);

  scan = scan_new (self, NULL);
  scan->purge = TRUE;
  scan_task = g_task_new (self, cancellable, loaded_cb, g_steal_pointer (&task));
  g_task_set_name (scan_task, "[inb] library load");
  g_task_set_task_data (scan_task, scan, (GDestroyNotify) scan_free);
  g_task_run_in_thread (scan_task, scan_worker);
}

gboolean
inb_library_load_finish (InbLibrary    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * inb_library_load:
 *
 * Blocking: reads every take and settles the abandoned ones, without
 * following the folder afterwards.
 */
gboolean
inb_library_load (InbLibrary    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Scan *scan;

  g_return_val_if_fail (INB_IS_LIBRARY (self), FALSE);

  scan = scan_new (self, NULL);
  scan->purge = TRUE;
  scan_run (scan, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      scan_free (scan);
      return FALSE;
    }

  merge_scan (self, scan);
  set_report (self, scan);
  scan_free (scan);
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);

  return TRUE;
}

/* Following the folder ------------------------------------------------------ */

static void
rescanned_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  InbLibrary *self = INB_LIBRARY (object);
  Scan *scan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  self->scanning = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      scan_release_entries (scan);
      return;
    }

  merge_scan (self, scan);

  /* Folders that went away (moved or deleted by someone) leave the list;
   * a take being made here stays */
  for (guint i = 0; i < scan->entries->len; i++)
    g_hash_table_add (present, (gpointer) inb_take_entry_get_id (scan->entries->pdata[i]));
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *dir = g_build_filename (self->takes_dir, key, NULL);

      if (!g_hash_table_contains (present, key) && inb_take_entry_get_job (value) == NULL &&
          !g_file_test (dir, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (gone, value);
    }
  for (guint i = 0; i < gone->len; i++)
    remove_entry (self, gone->pdata[i]);

  /* A folder another process has just made may not hold its take.json
   * yet, and nothing tells when it does: look again a few times */
  for (guint i = 0; i < scan->unread->len; i++)
    {
      const char *name = scan->unread->pdata[i];
      guint times = GPOINTER_TO_UINT (g_hash_table_lookup (self->unread, name));

      if (times < 5)
        {
          g_hash_table_replace (self->unread, g_strdup (name), GUINT_TO_POINTER (times + 1));
          schedule_rescan (self);
        }
    }
  for (guint i = 0; i < scan->entries->len; i++)
    g_hash_table_remove (self->unread, inb_take_entry_get_id (scan->entries->pdata[i]));
  scan_release_entries (scan);

  update_poll (self);
}

static void
rescan (InbLibrary *self,
        GPtrArray  *names)
{
  g_autoptr(GTask) task = NULL;

  if (self->scanning)
    {
      g_clear_pointer (&names, g_ptr_array_unref);
      schedule_rescan (self);   /* again once this one is in */
      return;
    }

  self->scanning = TRUE;
  task = g_task_new (self, self->cancellable, rescanned_cb, NULL);
  g_task_set_name (task, "[inb] library rescan");
  g_task_set_task_data (task, scan_new (self, names), (GDestroyNotify) scan_free);
  g_task_run_in_thread (task, scan_worker);
}

static gboolean
rescan_cb (gpointer user_data)
{
  InbLibrary *self = user_data;

  self->rescan_id = 0;
  rescan (self, NULL);
  return G_SOURCE_REMOVE;
}

/* Several events in a row (a take's folder, then its files): one rescan. */
static void
schedule_rescan (InbLibrary *self)
{
  if (self->rescan_id != 0)
    return;

  self->rescan_id = g_timeout_add (RESCAN_DELAY_MS, rescan_cb, self);
}

/* Whether @entry was read with a clip it may not keep: a take that ended
 * other than done keeps none (its job removes a partial clip, and the
 * resume a clip fetched for a take settled meanwhile: inb-resume.c), so
 * a clip read there may be on its way out, and no file event says so. */
static gboolean
clip_may_go (InbTakeEntry *entry)
{
  return inb_take_entry_get_has_clip (entry) && inb_take_entry_get_state (entry) != INB_JOB_DONE;
}

/* Takes other processes are making (or were, if they died): read again
 * every few seconds until they end, and until a clip they may not keep
 * has gone. */
static GPtrArray *
active_elsewhere (InbLibrary *self)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (inb_take_entry_get_job (value) == NULL && (inb_take_entry_is_active (value) || clip_may_go (value)))
      g_ptr_array_add (names, g_strdup (key));

  return names;
}

static gboolean
poll_cb (gpointer user_data)
{
  InbLibrary *self = user_data;
  GPtrArray *names = active_elsewhere (self);

  if (names->len == 0)
    {
      g_ptr_array_unref (names);
      self->poll_id = 0;
      return G_SOURCE_REMOVE;
    }

  rescan (self, names);
  return G_SOURCE_CONTINUE;
}

static void
update_poll (InbLibrary *self)
{
  g_autoptr(GPtrArray) names = NULL;

  if (self->poll_id != 0 || self->monitor == NULL)
    return;

  names = active_elsewhere (self);
  if (names->len > 0)
    self->poll_id = g_timeout_add_seconds (POLL_INTERVAL_S, poll_cb, self);
}

/* Takes made here ------------------------------------------------------------ */

static void
job_finished_cb (InbJob     *job,
                 InbLibrary *self)
{
  InbTake *take = inb_job_get_take (job);
  InbTakeEntry *entry = g_hash_table_lookup (self->by_id, inb_take_get_id (take));

  g_signal_handlers_disconnect_by_data (job, self);

  if (entry != NULL)
    {
      g_autoptr(JsonObject) manifest = inb_take_to_json (take);
      g_autofree char *clip = inb_take_dup_clip_path (take);

      _inb_take_entry_update (entry, manifest);
      _inb_take_entry_set_has_clip (entry, g_file_test (clip, G_FILE_TEST_IS_REGULAR));
      _inb_take_entry_set_job (entry, NULL);
    }

  g_hash_table_remove (self->live, inb_take_get_id (take));
}

/**
 * inb_library_add_job:
 *
 * Lists the take of @job (queued in this process) at once, with its
 * progress, and reads its end from it.
 */
void
inb_library_add_job (InbLibrary *self,
                     InbJob     *job)
{
  InbTake *take;
  InbTakeEntry *entry;

  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_JOB (job));

  take = inb_job_get_take (job);
  g_hash_table_replace (self->live, g_strdup (inb_take_get_id (take)), g_object_ref (take));

  entry = g_hash_table_lookup (self->by_id, inb_take_get_id (take));
  if (entry == NULL)
    {
      g_autoptr(JsonObject) manifest = inb_take_to_json (take);
      g_autoptr(InbTakeEntry) fresh = _inb_take_entry_new_from_json (inb_take_get_dir (take), manifest,
                                                                     INB_TAKE_CONDITION_OK);

      insert_entry (self, fresh);
      entry = fresh;
    }

  _inb_take_entry_set_job (entry, job);
  if (inb_job_state_is_terminal (inb_job_get_state (job)))
    job_finished_cb (job, self);
  else
    g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self, 0);
}

void
inb_library_refresh_entry (InbLibrary   *self,
                           InbTakeEntry *entry)
{
  GPtrArray *names;

  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_TAKE_ENTRY (entry));

  names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (names, g_path_get_basename (inb_take_entry_get_dir (entry)));
  rescan (self, names);
}

/* Looking takes up ------------------------------------------------------------ */

/**
 * inb_library_lookup:
 *
 * Returns: (transfer none) (nullable)
 */
InbTakeEntry *
inb_library_lookup (InbLibrary *self,
                    const char *id)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * inb_library_resolve:
 *
 * Returns: (transfer none): the take @name means, or %NULL with @error set
 */
InbTakeEntry *
inb_library_resolve (InbLibrary  *self,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (INB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "last"))
    {
      g_autoptr(InbTakeEntry) newest = g_list_model_get_item (G_LIST_MODEL (self->store), 0);

      if (newest == NULL)
        {
          g_set_error_literal (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND,
                               _("There are no takes yet"));
          return NULL;
        }
      return newest;   /* the store keeps it */
    }

  if ((value = g_hash_table_lookup (self->by_id, name)) != NULL)
    return value;

  g_hash_table_iter_init (&iter, self->by_id);
  while (*name != '\0' && g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, name))
      g_ptr_array_add (matches, value);

  if (matches->len == 1)
    return matches->pdata[0];

  if (matches->len == 0)
    g_set_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND,
                 _("No take is called “%s”; see “inbetween history”"), name);
  else
    g_set_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_AMBIGUOUS,
                 g_dngettext (GETTEXT_PACKAGE, "“%s” names %u take; give more of its id",
                              "“%s” names %u takes; give more of the id", matches->len),
                 name, matches->len);
  return NULL;
}

static gboolean
entry_has_final_clip (InbTakeEntry *entry)
{
  return inb_take_entry_get_state (entry) == INB_JOB_DONE && inb_take_entry_get_has_clip (entry);
}

InbTakeEntry *
inb_library_resolve_clip (InbLibrary  *self,
                          const char  *name,
                          GError     **error)
{
  InbTakeEntry *entry;

  g_return_val_if_fail (INB_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "last"))
    {
      GListModel *takes = G_LIST_MODEL (self->store);   /* newest first */

      for (guint i = 0; i < g_list_model_get_n_items (takes); i++)
        {
          g_autoptr(InbTakeEntry) item = g_list_model_get_item (takes, i);

          if (entry_has_final_clip (item))
            return item;   /* the store keeps it */
        }
      g_set_error_literal (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND,
                           _("No take has a clip yet"));
      return NULL;
    }

  if ((entry = inb_library_resolve (self, name, error)) == NULL)
    return NULL;
  if (!entry_has_final_clip (entry))
    {
      g_set_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND,
                   inb_take_entry_get_state (entry) < INB_JOB_DONE
                   ? _("Take %s is still being made; it has no clip yet")
                   : _("Take %s has no clip (it did not finish)"),
                   inb_take_entry_get_id (entry));
      return NULL;
    }
  return entry;
}

/* Editing what the artist keeps ---------------------------------------------- */

typedef enum
{
  EDIT_STARRED,
  EDIT_TITLE,
  EDIT_NOTE,
} EditKind;

typedef struct
{
  EditKind    kind;
  gboolean    starred;
  char       *text;
  char       *dir;
  JsonObject *manifest;   /* after the edit */
  /* A take being made here is edited in memory before its save; if the
   * save is refused, the edit is taken back (see edit_take_back()) */
  JsonNode   *before;     /* the member before the edit (NULL: absent) */
  JsonNode   *applied;    /* the member the edit left (NULL: absent) */
} Edit;

static void
edit_free (Edit *edit)
{
  g_free (edit->text);
  g_free (edit->dir);
  g_clear_pointer (&edit->manifest, json_object_unref);
  g_clear_pointer (&edit->before, json_node_unref);
  g_clear_pointer (&edit->applied, json_node_unref);
  g_free (edit);
}

static const char *
edit_member (Edit *edit)
{
  switch (edit->kind)
    {
    case EDIT_STARRED:
      return "starred";
    case EDIT_TITLE:
      return "title";
    case EDIT_NOTE:
    default:
      return "note";
    }
}

/* A copy of @take's @member, or NULL when it has none */
static JsonNode *
dup_take_member (InbTake    *take,
                 const char *member)
{
  g_autoptr(JsonObject) json = inb_take_to_json (take);
  JsonNode *node = json_object_get_member (json, member);

  return node != NULL ? json_node_copy (node) : NULL;
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

/* The save of @edit to @take (being made here) was refused: what is on
 * disk is what it was before, so the take in memory must say so too, or
 * the take's next save (a state change, its end) would write the refused
 * edit after all and the list would show it. Unless a later edit has
 * changed the member since. */
static void
edit_take_back (Edit    *edit,
                InbTake *take)
{
  g_autoptr(JsonNode) now = dup_take_member (take, edit_member (edit));

  if (nodes_equal (now, edit->applied))
    inb_take_set_member (take, edit_member (edit), edit->before);
}

static void
edit_apply (Edit    *edit,
            InbTake *take)
{
  switch (edit->kind)
    {
    case EDIT_STARRED:
      inb_take_set_starred (take, edit->starred);
      break;
    case EDIT_TITLE:
      inb_take_set_title (take, edit->text);
      break;
    case EDIT_NOTE:
    default:
      inb_take_set_note (take, edit->text);
      break;
    }
}

/* Blocking (worker thread): @dir's lock, for one read-then-write of
 * take.json or a move of its folder. A resume or a settle holds it just
 * as briefly and is waited for (bounded); the process making the take
 * holds it until the take is done: %INB_LIBRARY_ERROR_BUSY, @busy_message. */
static gboolean
lock_take (const char  *dir,
           const char  *busy_message,
           int         *fd,
           GError     **error)
{
  if (inb_take_lock_briefly (dir, fd, NULL))
    return TRUE;

  g_set_error_literal (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_BUSY, busy_message);
  return FALSE;
}

/* Blocking, under the take's lock */
static gboolean
edit_locked (Edit    *edit,
             GError **error)
{
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) local_error = NULL;

  take = inb_take_load (edit->dir, &local_error);
  if (take == NULL)
    {
      if (g_error_matches (local_error, INB_TAKE_ERROR, INB_TAKE_ERROR_NEWER_VERSION))
        g_set_error_literal (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_READ_ONLY,
                             _("A newer Inbetween made this take: it is not changed here"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  edit_apply (edit, take);
  if (!inb_take_save (take, error))
    return FALSE;

  edit->manifest = inb_take_to_json (take);
  return TRUE;
}

static void
edit_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Edit *edit = task_data;
  GError *error = NULL;
  gboolean ok;
  int fd;

  /* The process making it writes its record: edit it when it is done */
  if (!lock_take (edit->dir, _("This take is being made by another Inbetween; edit it once it is done"),
                  &fd, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  ok = edit_locked (edit, &error);
  inb_take_unlock_briefly (fd);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
edit_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbLibrary *self = g_task_get_source_object (task);
  Edit *edit = g_task_get_task_data (task);
  g_autofree char *id = g_path_get_basename (edit->dir);
  InbTakeEntry *entry = g_hash_table_lookup (self->by_id, id);
  GError *error = NULL;

  if (INB_IS_TAKE (object))
    {
      if (!inb_take_save_finish (INB_TAKE (object), result, &error))
        {
          edit_take_back (edit, INB_TAKE (object));
          g_task_return_error (task, error);
          return;
        }
      edit->manifest = inb_take_to_json (INB_TAKE (object));
    }
  else if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (entry != NULL && edit->manifest != NULL)
    _inb_take_entry_update (entry, edit->manifest);

  g_task_return_boolean (task, TRUE);
}

static void
edit_async (InbLibrary          *self,
            InbTakeEntry        *entry,
            Edit                *edit,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  InbTake *live = g_hash_table_lookup (self->live, inb_take_entry_get_id (entry));

  g_task_set_source_tag (task, edit_async);
  edit->dir = g_strdup (inb_take_entry_get_dir (entry));
  g_task_set_task_data (task, edit, (GDestroyNotify) edit_free);

  if (inb_take_entry_get_condition (entry) != INB_TAKE_CONDITION_OK)
    {
      g_task_return_new_error (task, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_READ_ONLY,
                               _("This take’s record is damaged or from a newer Inbetween: it is not changed here"));
      return;
    }

  if (live != NULL)
    {
      /* Being made here: its own record, written in order with its states */
      edit->before = dup_take_member (live, edit_member (edit));
      edit_apply (edit, live);
      edit->applied = dup_take_member (live, edit_member (edit));
      inb_take_save_async (live, NULL, edit_done_cb, g_steal_pointer (&task));
      return;
    }

  {
    g_autoptr(GTask) work = g_task_new (self, NULL, edit_done_cb, g_steal_pointer (&task));

    g_task_set_name (work, "[inb] library edit");
    g_task_set_task_data (work, edit, NULL);
    g_task_run_in_thread (work, edit_worker);
  }
}

void
inb_library_set_starred_async (InbLibrary          *self,
                               InbTakeEntry        *entry,
                               gboolean             starred,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Edit *edit;

  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_TAKE_ENTRY (entry));

  edit = g_new0 (Edit, 1);
  edit->kind = EDIT_STARRED;
  edit->starred = starred;
  edit_async (self, entry, edit, callback, user_data);
}

void
inb_library_set_title_async (InbLibrary          *self,
                             InbTakeEntry        *entry,
                             const char          *title,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Edit *edit;

  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_TAKE_ENTRY (entry));

  edit = g_new0 (Edit, 1);
  edit->kind = EDIT_TITLE;
  edit->text = g_strdup (title);
  edit_async (self, entry, edit, callback, user_data);
}

void
inb_library_set_note_async (InbLibrary          *self,
                            InbTakeEntry        *entry,
                            const char          *note,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Edit *edit;

  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_TAKE_ENTRY (entry));

  edit = g_new0 (Edit, 1);
  edit->kind = EDIT_NOTE;
  edit->text = g_strdup (note);
  edit_async (self, entry, edit, callback, user_data);
}

gboolean
inb_library_edit_finish (InbLibrary    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Trash ----------------------------------------------------------------------- */

typedef enum
{
  OP_TRASH,
  OP_RESTORE,
  OP_PURGE,
} OpKind;

typedef struct
{
  OpKind        kind;
  char         *id;
  char         *takes_dir;
  char         *trash_dir;
  InbTakeEntry *restored;
} FileOp;

static void
file_op_free (FileOp *op)
{
  g_free (op->id);
  g_free (op->takes_dir);
  g_free (op->trash_dir);
  g_clear_object (&op->restored);
  g_free (op);
}

static gboolean
file_op_run (FileOp  *op,
             GError **error)
{
  g_autofree char *take = g_build_filename (op->takes_dir, op->id, NULL);
  g_autofree char *trashed = g_build_filename (op->trash_dir, op->id, NULL);
  int saved;
  int fd;

  switch (op->kind)
    {
    case OP_TRASH:
      /* Moved under its lock: not while a resume or a settle writes it */
      if (!lock_take (take, _("This take is still being made; cancel it first"), &fd, error))
        return FALSE;
      if (g_mkdir_with_parents (op->trash_dir, 0700) != 0 || g_rename (take, trashed) != 0)
        {
          saved = errno;
          inb_take_unlock_briefly (fd);
          errno = saved;
          break;
        }
      inb_take_unlock_briefly (fd);
      return TRUE;

    case OP_RESTORE:
      if (g_rename (trashed, take) != 0)
        break;
      op->restored = read_entry (take, NULL);
      return TRUE;

    case OP_PURGE:
    default:
      return remove_folder (trashed, error);
    }

  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not move the take %s: %s"), op->id, g_strerror (saved));
  return FALSE;
}

static void
file_op_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (file_op_run (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
file_op_apply (InbLibrary *self,
               FileOp     *op)
{
  InbTakeEntry *entry = g_hash_table_lookup (self->by_id, op->id);

  if (op->kind == OP_TRASH && entry != NULL)
    remove_entry (self, entry);
  else if (op->kind == OP_RESTORE && op->restored != NULL && entry == NULL)
    insert_entry (self, op->restored);
}

static void
file_op_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FileOp *op = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  file_op_apply (INB_LIBRARY (object), op);
  /* Dropped here, not wherever the task is finalized (see
   * scan_release_entries()) */
  g_clear_object (&op->restored);
  g_task_return_boolean (task, TRUE);
}

static void
file_op_async (InbLibrary          *self,
               OpKind               kind,
               const char          *id,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GTask) work = NULL;
  FileOp *op = g_new0 (FileOp, 1);

  g_task_set_source_tag (task, file_op_async);
  op->kind = kind;
  op->id = g_strdup (id);
  op->takes_dir = g_strdup (self->takes_dir);
  op->trash_dir = g_strdup (self->trash_dir);

  work = g_task_new (self, NULL, file_op_done_cb, g_steal_pointer (&task));
  g_task_set_name (work, "[inb] library file");
  g_task_set_task_data (work, op, (GDestroyNotify) file_op_free);
  g_task_run_in_thread (work, file_op_worker);
}

void
inb_library_trash_async (InbLibrary          *self,
                         InbTakeEntry        *entry,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (INB_IS_TAKE_ENTRY (entry));

  if (inb_take_entry_get_job (entry) != NULL)
    {
      g_task_report_new_error (self, callback, user_data, file_op_async,
                               INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_BUSY,
                               _("This take is still being made; cancel it first"));
      return;
    }

  file_op_async (self, OP_TRASH, inb_take_entry_get_id (entry), callback, user_data);
}

void
inb_library_restore_async (InbLibrary          *self,
                           const char          *id,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (id != NULL);

  file_op_async (self, OP_RESTORE, id, callback, user_data);
}

void
inb_library_purge_async (InbLibrary          *self,
                         const char          *id,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (INB_IS_LIBRARY (self));
  g_return_if_fail (id != NULL);

  file_op_async (self, OP_PURGE, id, callback, user_data);
}

gboolean
inb_library_file_op_finish (InbLibrary    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
file_op_sync (InbLibrary  *self,
              OpKind       kind,
              const char  *id,
              GError     **error)
{
  FileOp op = { kind, (char *) id, self->takes_dir, self->trash_dir, NULL };
  gboolean ok = file_op_run (&op, error);

  if (ok)
    file_op_apply (self, &op);
  g_clear_object (&op.restored);

  return ok;
}

gboolean
inb_library_trash (InbLibrary    *self,
                   InbTakeEntry  *entry,
                   GError       **error)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), FALSE);

  return file_op_sync (self, OP_TRASH, inb_take_entry_get_id (entry), error);
}

gboolean
inb_library_purge (InbLibrary  *self,
                   const char  *id,
                   GError     **error)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return file_op_sync (self, OP_PURGE, id, error);
}

/* GObject --------------------------------------------------------------------- */

const InbLibraryReport *
inb_library_get_report (InbLibrary *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), NULL);
  return &self->report;
}

const char *
inb_library_get_takes_dir (InbLibrary *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), NULL);
  return self->takes_dir;
}

gboolean
inb_library_get_loaded (InbLibrary *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY (self), FALSE);
  return self->loaded;
}

static void
inb_library_dispose (GObject *object)
{
  InbLibrary *self = INB_LIBRARY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_clear_pointer (&self->unread, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (inb_library_parent_class)->dispose (object);
}

static void
inb_library_finalize (GObject *object)
{
  InbLibrary *self = INB_LIBRARY (object);

  report_clear (&self->report);
  g_clear_object (&self->cancellable);
  g_free (self->takes_dir);
  g_free (self->trash_dir);

  G_OBJECT_CLASS (inb_library_parent_class)->finalize (object);
}

static void
inb_library_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  InbLibrary *self = INB_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_library_class_init (InbLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_library_dispose;
  object_class->finalize = inb_library_finalize;
  object_class->get_property = inb_library_get_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_library_init (InbLibrary *self)
{
  self->store = g_list_store_new (INB_TYPE_TAKE_ENTRY);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->unread = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  report_init (&self->report);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (store_items_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

InbLibrary *
inb_library_new (const char *takes_dir)
{
  InbLibrary *self;

  g_return_val_if_fail (takes_dir != NULL, NULL);

  self = g_object_new (INB_TYPE_LIBRARY, NULL);
  self->takes_dir = g_strdup (takes_dir);
  self->trash_dir = g_build_filename (takes_dir, TRASH_DIR, NULL);

  return self;
}
