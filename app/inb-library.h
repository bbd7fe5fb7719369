/* inb-library.h — every take on disk, one list
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-job.h"
#include "inb-take-entry.h"

G_BEGIN_DECLS

#define INB_LIBRARY_ERROR (inb_library_error_quark ())

/**
 * InbLibraryError:
 * @INB_LIBRARY_ERROR_NOT_FOUND: no take answers to that name
 * @INB_LIBRARY_ERROR_AMBIGUOUS: several takes start with that prefix
 * @INB_LIBRARY_ERROR_BUSY: another process is making that take
 * @INB_LIBRARY_ERROR_READ_ONLY: written by a newer Inbetween, or damaged
 */
typedef enum
{
  INB_LIBRARY_ERROR_NOT_FOUND,
  INB_LIBRARY_ERROR_AMBIGUOUS,
  INB_LIBRARY_ERROR_BUSY,
  INB_LIBRARY_ERROR_READ_ONLY,
} InbLibraryError;

/**
 * InbLibraryReport:
 * @damaged: (element-type utf8): takes whose record did not read, moved
 *   aside by this load (each reported once: the next load finds the
 *   record already set aside)
 * @adopted: (element-type utf8): takes a process left running whose clip
 *   was complete: now done
 * @interrupted: (element-type utf8): takes a process left running without
 *   a clip: now "interrupted", their partial files removed
 *
 * What a load found and settled.
 */
typedef struct
{
  GPtrArray *damaged;
  GPtrArray *adopted;
  GPtrArray *interrupted;
} InbLibraryReport;

#define INB_TYPE_LIBRARY (inb_library_get_type ())

G_DECLARE_FINAL_TYPE (InbLibrary, inb_library, INB, LIBRARY, GObject)

GQuark        inb_library_error_quark     (void);

/* A GListModel of InbTakeEntry, the newest first. */
InbLibrary   *inb_library_new             (const char           *takes_dir);
const char   *inb_library_get_takes_dir   (InbLibrary           *self);
gboolean      inb_library_get_loaded      (InbLibrary           *self);

/* Reads every take (in a worker thread), settles the takes a dead process
 * left unfinished, and from then on follows the folder: takes another
 * process adds, changes or removes show up by themselves. */
void          inb_library_load_async      (InbLibrary           *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean      inb_library_load_finish     (InbLibrary           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* The same, blocking, without following the folder (the command line). */
gboolean      inb_library_load            (InbLibrary           *self,
                                           GCancellable         *cancellable,
                                           GError              **error);
const InbLibraryReport *inb_library_get_report (InbLibrary      *self);

InbTakeEntry *inb_library_lookup          (InbLibrary           *self,
                                           const char           *id);
/* An id, a prefix of exactly one id, or "last" (the newest take). */
InbTakeEntry *inb_library_resolve         (InbLibrary           *self,
                                           const char           *name,
                                           GError              **error);
/* The same for a take whose clip is wanted: "last" is the newest take
 * with a clip, and a take without one (failed, still running) is refused
 * with a message that says why. */
InbTakeEntry *inb_library_resolve_clip    (InbLibrary           *self,
                                           const char           *name,
                                           GError              **error);

/* A take being made in this process: listed at once, followed through
 * its job, read again from disk when it ends. */
void          inb_library_add_job         (InbLibrary           *self,
                                           InbJob               *job);
/* Reads @entry's take.json again (another process may have changed it). */
void          inb_library_refresh_entry   (InbLibrary           *self,
                                           InbTakeEntry         *entry);

/* The artist's own words and star, saved durably in take.json. */
void          inb_library_set_starred_async (InbLibrary         *self,
                                           InbTakeEntry         *entry,
                                           gboolean              starred,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void          inb_library_set_title_async (InbLibrary           *self,
                                           InbTakeEntry         *entry,
                                           const char           *title,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void          inb_library_set_note_async  (InbLibrary           *self,
                                           InbTakeEntry         *entry,
                                           const char           *note,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean      inb_library_edit_finish     (InbLibrary           *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Delete with undo: the folder moves to the library's trash (and leaves
 * the list); restore brings it back; purge removes it for good (also done
 * for everything in the trash at the next load). */
void          inb_library_trash_async     (InbLibrary           *self,
                                           InbTakeEntry         *entry,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void          inb_library_restore_async   (InbLibrary           *self,
                                           const char           *id,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void          inb_library_purge_async     (InbLibrary           *self,
                                           const char           *id,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean      inb_library_file_op_finish  (InbLibrary           *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* Blocking versions, for the command line. */
gboolean      inb_library_trash           (InbLibrary           *self,
                                           InbTakeEntry         *entry,
                                           GError              **error);
gboolean      inb_library_purge           (InbLibrary           *self,
                                           const char           *id,
                                           GError              **error);

G_END_DECLS
