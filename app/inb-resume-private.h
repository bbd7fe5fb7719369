/* inb-resume-private.h — what the resume files share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-resume.h"
#include "inb-take.h"

G_BEGIN_DECLS

/* Where a lost submit's task can be: from the intent (written just before
 * the submit) until the submit's own deadline (the HTTP layer's 15 s to
 * connect and 60 s per call, rounded up), widened both ways for clocks
 * that disagree with the service's. */
#define LOOKUP_SUBMIT_SPAN_S  (2 * 60)
#define LOOKUP_CLOCK_SKEW_S   (5 * 60)
/* A task list may lag behind a fresh submit: "none" only counts once the
 * window closed this long ago. */
#define LOOKUP_SETTLE_S       (2 * 60)

typedef enum
{
  ACTION_RESUME,
  ACTION_FINISH_LOCAL,
  ACTION_EXPIRE,
  ACTION_MARK_SUBMIT_UNKNOWN,
  ACTION_LIST_SUBMIT_UNKNOWN,
  ACTION_NOT_SENT,
  ACTION_BUSY,
} Action;

typedef enum
{
  INTENT_NONE,
  INTENT_EXACT,        /* "submitted": when the submit began */
  INTENT_UPPER_BOUND,  /* only "updated": the submit began before it */
} IntentKind;

typedef struct
{
  InbTake        *take;
  char           *scanned_state;   /* take.json's state when it was read */
  gboolean        overtaken;       /* written meanwhile by another: left as it is */
  InbBackend     *backend;         /* nullable: none of that id here */
  InbRemoteRecord *remote;
  Action          action;
  char           *message;
  char           *submitted;     /* ISO 8601, for the record */
  char           *expired_at;    /* ISO 8601: submitted + the provider's lifetime */
  guint           width, height, n_frames;
  double          fps;
  InbResult      *result;
  InbResumeEntry *entry;

  /* A lost submit: where its task may be at the service */
  IntentKind      intent_kind;
  GDateTime      *window_from;
  GDateTime      *window_to;
  gboolean        marked;          /* the take was not yet "submit-unknown" */
  gboolean        adopted;         /* its task was found by a lookup */
  InbRemoteRecord *new_remote;     /* written (durably) before the take */
} Item;

typedef struct
{
  InbBackendRegistry *registry;
  GHashTable         *backends;         /* id → InbBackend, for the scan thread */
  char               *takes_dir;
  GPtrArray          *items;
  GPtrArray          *known_task_ids;   /* every task id a take records */
  guint               pending;
} Run;

typedef struct
{
  GTask       *run_task;
  Item        *item;
  InbProgress *progress;   /* a resume's: what the backend warns of */
} Resuming;

guint        _inb_resume_item_lifetime_hours (Item             *item);
const char  *_inb_resume_item_task_id        (Item             *item);
const char  *_inb_resume_item_service_name   (Item             *item);
void         _inb_resume_item_set_entry      (Item             *item,
                                              InbResumeOutcome  outcome,
                                              const char       *message);
void         _inb_resume_item_set_take_error (Item             *item,
                                              int               code,
                                              const char       *message);
gboolean     _inb_resume_write_remote        (Item             *item,
                                              GError          **error);
gboolean     _inb_resume_item_lock_unchanged (Item             *item,
                                              int              *fd);
void         _inb_resume_item_set_take_remote (Item            *item,
                                              JsonObject       *extra);
void         _inb_resume_item_save           (GTask            *run_task,
                                              Item             *item);
void         _inb_resume_item_leave          (GTask            *run_task);
void         _inb_resume_item_resume         (GTask            *run_task,
                                              Item             *item);

/* inb-resume-lookup.c */
void         _inb_resume_item_reconcile      (GTask            *run_task,
                                              Item             *item,
                                              const char       *fallback);

G_END_DECLS
