/* inb-cloud-backend.h — the abstract base of the hosted (cloud) backends
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-cloud-job.h"
#include "inb-http.h"

G_BEGIN_DECLS

#define INB_TYPE_CLOUD_BACKEND (inb_cloud_backend_get_type ())

G_DECLARE_DERIVABLE_TYPE (InbCloudBackend, inb_cloud_backend, INB, CLOUD_BACKEND, GObject)

/**
 * InbCloudBackendClass:
 * @info: what the provider is (id, names, key and address variables,
 *   regions, result lifetime, how a lost submit is found): see
 *   #InbBackendInfo. The only place a provider's facts are written.
 * @job: the provider's submit/poll (and cancel, see
 *   inb_cloud_backend_cancel_job()) for InbCloudJob
 * @models_resource: the GResource path of the model list
 * @poll_env: the variable overriding the poll interval (milliseconds)
 * @poll_first_ms: first poll after this long …
 * @poll_max_ms: … then 1.5× longer each time up to this
 * @max_concurrent: jobs to run at once (unless @get_max_concurrent says)
 * @size_param: the parameter naming a fixed clip size ("size"), for the
 *   default @get_frame_size …
 * @size_default: … its default ("832*480") …
 * @size_separator: … between width and height ('*' or 'x') …
 * @size_note: … and whether a note may follow (“720x720 (1:1)”)
 * @get_max_concurrent: (nullable): per model, overrides @max_concurrent
 * @get_frame_size: (nullable): InbBackend.get_frame_size; the default
 *   makes the clip exactly the chosen size (@size_param)
 * @check_keyframes: (nullable): after the common checks (key, address,
 *   model, both keyframes present); the default checks the model's side
 *   limits
 * @cancel_task: (nullable): worker thread; asks the service to cancel
 *   @task_id. %NULL: the service cannot cancel.
 * @list_tasks: (nullable): worker thread; adds to @tasks (element-type
 *   InbCloudTaskInfo) every task of @model_id the service lists as created
 *   between @from and @to (it may add more; the caller filters). Needed
 *   when @info says %INB_LOST_SUBMIT_TASK_LIST (see
 *   inb_cloud_backend_look_up_async()).
 *
 * Everything but these (keys, addresses, poll and retry settings, the
 * InbBackend wiring, resume and remote cancel) is common.
 */
struct _InbCloudBackendClass
{
  GObjectClass parent_class;

  const InbBackendInfo   *info;
  const InbCloudJobClass *job;
  const char             *models_resource;
  const char             *poll_env;
  guint                   poll_first_ms;
  guint                   poll_max_ms;
  guint                   max_concurrent;
  const char             *size_param;
  const char             *size_default;
  char                    size_separator;
  gboolean                size_note;

  guint    (*get_max_concurrent) (InbCloudBackend  *self,
                                  InbModel         *model);
  gboolean (*get_frame_size)     (InbCloudBackend  *self,
                                  InbModel         *model,
                                  JsonObject       *params,
                                  guint             source_width,
                                  guint             source_height,
                                  guint            *width,
                                  guint            *height,
                                  GError          **error);
  gboolean (*check_keyframes)    (InbCloudBackend  *self,
                                  InbModel         *model,
                                  InbRequest       *request,
                                  GError          **error);
  gboolean (*cancel_task)        (InbHttpClient    *client,
                                  const char       *base_url,
                                  const char       *task_id,
                                  GCancellable     *cancellable,
                                  GError          **error);
  gboolean (*list_tasks)         (InbHttpClient    *client,
                                  const char       *base_url,
                                  const char       *model_id,
                                  GDateTime        *from,
                                  GDateTime        *to,
                                  GPtrArray        *tasks,
                                  GCancellable     *cancellable,
                                  GError          **error);

  gpointer padding[7];
};

/**
 * InbCloudTaskInfo:
 * @task_id: the service's id
 * @model: (nullable): the model it runs
 * @status: (nullable): the service's own word for its state
 * @created: when the service created it, Unix time in microseconds
 *
 * One task as a service's task list shows it.
 */
typedef struct
{
  char   *task_id;
  char   *model;
  char   *status;
  gint64  created;
} InbCloudTaskInfo;

/**
 * InbCloudLookupOutcome:
 * @INB_CLOUD_LOOKUP_FOUND: exactly one task matches
 * @INB_CLOUD_LOOKUP_AMBIGUOUS: several do: none may be adopted
 * @INB_CLOUD_LOOKUP_NONE: none does
 */
typedef enum
{
  INB_CLOUD_LOOKUP_FOUND,
  INB_CLOUD_LOOKUP_AMBIGUOUS,
  INB_CLOUD_LOOKUP_NONE,
} InbCloudLookupOutcome;

/**
 * InbCloudLookup:
 * @outcome: see #InbCloudLookupOutcome
 * @task_id: (nullable): the one match (%INB_CLOUD_LOOKUP_FOUND)
 * @matches: (element-type InbCloudTaskInfo): every task that matches
 * @listed: how many tasks the service listed in all
 */
typedef struct
{
  InbCloudLookupOutcome  outcome;
  char                  *task_id;
  GPtrArray             *matches;
  guint                  listed;
} InbCloudLookup;

void        inb_cloud_task_info_free            (InbCloudTaskInfo *info);
void        inb_cloud_lookup_free               (InbCloudLookup   *lookup);

gboolean    inb_cloud_backend_can_look_up       (InbCloudBackend  *self);
void        inb_cloud_backend_look_up_async     (InbCloudBackend      *self,
                                                 const char           *model_id,
                                                 GDateTime            *from,
                                                 GDateTime            *to,
                                                 const char * const   *known_task_ids,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
InbCloudLookup *inb_cloud_backend_look_up_finish (InbCloudBackend     *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbCloudLookup, inb_cloud_lookup_free)

void        inb_cloud_backend_set_api_key       (InbCloudBackend  *self,
                                                 const char       *api_key);
gboolean    inb_cloud_backend_has_api_key       (InbCloudBackend  *self);
void        inb_cloud_backend_set_base_url      (InbCloudBackend  *self,
                                                 const char       *base_url);
const char *inb_cloud_backend_get_base_url      (InbCloudBackend  *self);
void        inb_cloud_backend_set_poll_interval (InbCloudBackend  *self,
                                                 guint             first_ms,
                                                 guint             max_ms);
void        inb_cloud_backend_set_retry_policy  (InbCloudBackend  *self,
                                                 guint             max_attempts,
                                                 guint             base_delay_ms,
                                                 guint             max_delay_ms,
                                                 guint             budget_seconds);

/* For InbCloudJobClass.cancel: calls the backend class's cancel_task. */
gboolean    inb_cloud_backend_cancel_job        (InbCloudJob      *job,
                                                 GError          **error);

G_END_DECLS
