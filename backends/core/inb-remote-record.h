/* inb-remote-record.h — what a hosted job leaves in its take's folder
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The file in a take's folder, and the most it may weigh. */
#define INB_REMOTE_RECORD_FILE      "remote.json"
#define INB_REMOTE_RECORD_MAX_BYTES (64 * 1024)

/**
 * InbRemoteState:
 * @INB_REMOTE_STATE_UNKNOWN: no state, or one this version does not know
 * @INB_REMOTE_STATE_SUBMITTING: the intent: a submit was about to go out
 * @INB_REMOTE_STATE_NOT_SUBMITTED: the submit failed before anything
 *   reached the service
 * @INB_REMOTE_STATE_SUBMIT_UNKNOWN: the submit went out and no answer came
 * @INB_REMOTE_STATE_SUBMITTED: the service named the task (task id set)
 * @INB_REMOTE_STATE_DOWNLOADING: the task succeeded; its clip is being fetched
 * @INB_REMOTE_STATE_UNVERIFIED: the result was fetched but did not pass
 *   the checker; it can be fetched again while the service keeps it
 * @INB_REMOTE_STATE_DONE: the clip is in the take
 * @INB_REMOTE_STATE_NOT_FOUND: a lost submit was looked for and is not
 *   at the service: nothing was made or charged
 */
typedef enum
{
  INB_REMOTE_STATE_UNKNOWN,
  INB_REMOTE_STATE_SUBMITTING,
  INB_REMOTE_STATE_NOT_SUBMITTED,
  INB_REMOTE_STATE_SUBMIT_UNKNOWN,
  INB_REMOTE_STATE_SUBMITTED,
  INB_REMOTE_STATE_DOWNLOADING,
  INB_REMOTE_STATE_UNVERIFIED,
  INB_REMOTE_STATE_DONE,
  INB_REMOTE_STATE_NOT_FOUND,
} InbRemoteState;

/**
 * InbRemoteRecord:
 * @state: see #InbRemoteState
 * @service: (nullable): the backend id that wrote it
 * @model: (nullable): the model
 * @task_id: (nullable): the service's task id, once known
 * @adopted: (nullable): when a lookup found the task of a lost submit
 * @submitted: (nullable): when the submit began (ISO 8601): where a lost
 *   submit is looked for, and what a result's lifetime counts from
 * @updated: (nullable): when the record was last written (ISO 8601)
 * @video_url: (nullable): the result's address, until the clip is in place
 * @error: (nullable): what went wrong, for the user
 *
 * The record of one hosted job (the remote.json of ARCHITECTURE.md):
 * written durably by the job — the intent before the submit, the task id
 * before the first poll, the outcome at the end — and read after a crash
 * to resume it. It never holds a key.
 */
typedef struct
{
  InbRemoteState  state;
  char           *service;
  char           *model;
  char           *task_id;
  char           *adopted;
  char           *submitted;
  char           *updated;
  char           *video_url;
  char           *error;
} InbRemoteRecord;

const char      *inb_remote_state_to_string      (InbRemoteState          state);
InbRemoteState   inb_remote_state_from_string    (const char             *text);

InbRemoteRecord *inb_remote_record_new           (void);
InbRemoteRecord *inb_remote_record_copy          (const InbRemoteRecord  *record);
void             inb_remote_record_free          (InbRemoteRecord        *record);
/* Blocking: reads @dir/remote.json. %G_IO_ERROR_NOT_FOUND when there is none. */
InbRemoteRecord *inb_remote_record_load          (const char             *dir,
                                                  GError                **error);
/* Blocking: writes @dir/remote.json durably (temp, fsync, rename), mode 0600.
 * An unset @updated is set to now first. */
gboolean         inb_remote_record_save          (InbRemoteRecord        *record,
                                                  const char             *dir,
                                                  GError                **error);
/* The record as JSON (what take.json keeps of it, and what
 * inb_backend_resume_async() is handed). */
JsonObject      *inb_remote_record_to_json       (const InbRemoteRecord  *record);
/* When the submit began (@submitted) or, failing that, an upper bound of
 * it (@updated): %NULL when neither parses. @is_exact tells which. */
GDateTime       *inb_remote_record_dup_submit_time (const InbRemoteRecord *record,
                                                  gboolean               *is_exact);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbRemoteRecord, inb_remote_record_free)

G_END_DECLS
