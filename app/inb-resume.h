/* inb-resume.h — after a crash: pick up the hosted jobs the takes folder remembers
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-backend-registry.h"

G_BEGIN_DECLS

/* How long a provider keeps a task and its result. */
#define INB_RESUME_DEFAULT_LIFETIME_HOURS 24

/**
 * InbResumeOutcome:
 * @INB_RESUME_DONE: the clip is in the take (downloaded now, or found
 *   already there); the take is "done"
 * @INB_RESUME_FAILED: the service says the task failed; the take is "failed"
 * @INB_RESUME_EXPIRED: older than the provider keeps results, or the
 *   service no longer knows it; the take is "expired" and nothing was sent
 * @INB_RESUME_SUBMIT_UNKNOWN: a submit may have reached the service with
 *   no answer, and looking its task up (where the service lists tasks)
 *   found none yet, several, or could not be done; the take is
 *   "submit-unknown" and waits for the user (it is never sent again
 *   automatically). A single match is adopted and followed instead;
 *   none, long after, makes the take "failed" (nothing was charged).
 * @INB_RESUME_PENDING: left as it was (no key, network trouble, cancelled):
 *   try again later
 */
typedef enum
{
  INB_RESUME_DONE,
  INB_RESUME_FAILED,
  INB_RESUME_EXPIRED,
  INB_RESUME_SUBMIT_UNKNOWN,
  INB_RESUME_PENDING,
} InbResumeOutcome;

/**
 * InbResumeEntry:
 *
 * What happened to one take; the message is for the user.
 */
typedef struct
{
  char             *take_id;
  char             *take_dir;
  char             *backend_id;
  char             *task_id;      /* nullable */
  InbResumeOutcome  outcome;
  char             *message;
} InbResumeEntry;

const char *inb_resume_outcome_to_string (InbResumeOutcome     outcome);
void        inb_resume_entry_free        (InbResumeEntry      *entry);

/* Scans @takes_dir for takes left unfinished with a remote task, and
 * resumes them (polling by task id, then downloading; looking lost
 * submits up; never submitting).
 * Runs on the calling thread's main context; file work happens in worker
 * threads. */
void        inb_resume_takes_async       (InbBackendRegistry  *registry,
                                          const char          *takes_dir,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Returns: (transfer container) (element-type InbResumeEntry): one entry
 * per take that needed attention, in take id order. */
GPtrArray  *inb_resume_takes_finish      (GAsyncResult        *result,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbResumeEntry, inb_resume_entry_free)

G_END_DECLS
