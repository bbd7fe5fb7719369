/* inb-backend.h — the one interface every backend implements
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-model.h"
#include "inb-progress.h"
#include "inb-remote-record.h"
#include "inb-request.h"
#include "inb-workflow-mapping.h"

G_BEGIN_DECLS

#define INB_BACKEND_ERROR (inb_backend_error_quark ())

/**
 * InbBackendError:
 * @INB_BACKEND_ERROR_INVALID_INPUT: the request is wrong; nothing was sent
 * @INB_BACKEND_ERROR_FAILED: the backend tried and failed
 * @INB_BACKEND_ERROR_REMOTE: the service reported a failure
 * @INB_BACKEND_ERROR_NETWORK: transport trouble
 * @INB_BACKEND_ERROR_AUTH: the key is missing or refused
 * @INB_BACKEND_ERROR_SUBMIT_UNKNOWN: a submit went out and no answer came back
 * @INB_BACKEND_ERROR_EXPIRED: the result is gone from the service
 * @INB_BACKEND_ERROR_BLOCKED: the service refused the content
 */
typedef enum
{
  INB_BACKEND_ERROR_INVALID_INPUT,
  INB_BACKEND_ERROR_FAILED,
  INB_BACKEND_ERROR_REMOTE,
  INB_BACKEND_ERROR_NETWORK,
  INB_BACKEND_ERROR_AUTH,
  INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
  INB_BACKEND_ERROR_EXPIRED,
  INB_BACKEND_ERROR_BLOCKED,
} InbBackendError;

/* The GIO extension point every backend type implements: one
 * g_io_extension_point_implement() line registers a provider (see
 * backends/inb-backends.c); a higher priority is listed first. */
#define INB_BACKEND_EXTENSION_POINT_NAME "inb-backend"

/**
 * InbBackendRegion:
 * @id: a short id, stored in settings ("beijing")
 * @name: what users read, marked with N_() ("Beijing (China mainland)")
 * @url: the service's base address there
 * @key_url: (nullable): where users make a key for this region, when keys
 *   are made per region; %NULL: the backend's @key_url (#InbBackendInfo)
 *
 * One place a service runs. A provider with one address has one region.
 */
typedef struct
{
  const char *id;
  const char *name;
  const char *url;
  const char *key_url;
} InbBackendRegion;

/**
 * InbLostSubmitLookup:
 * @INB_LOST_SUBMIT_ASK: a submit that went out unanswered can only be
 *   shown to the user: the service has no way to find its task
 * @INB_LOST_SUBMIT_TASK_LIST: the service lists tasks by creation time, so
 *   the task is looked for there (see inb_cloud_backend_look_up_async())
 * @INB_LOST_SUBMIT_OWN_ID: the client names the task before the submit,
 *   so it is asked for by that name
 */
typedef enum
{
  INB_LOST_SUBMIT_ASK,
  INB_LOST_SUBMIT_TASK_LIST,
  INB_LOST_SUBMIT_OWN_ID,
} InbLostSubmitLookup;

/**
 * InbBackendCommand:
 * @name: what is typed after the backend's id ("import")
 * @parameter_string: (nullable): what follows it, marked with N_() ("FILE")
 * @summary: one line for `inbetween --help`, marked with N_()
 *
 * A command line verb of one backend: `inbetween <backend-id> <name> …`
 * runs inb_backend_run_command().
 */
typedef struct
{
  const char *name;
  const char *parameter_string;
  const char *summary;
} InbBackendCommand;

/**
 * InbBackendInfo:
 * @id: the id used on the command line, in settings and in take.json
 * @name: the name users know, marked with N_() ("Alibaba Model Studio (DashScope)")
 * @short_name: a short form of it for tight places, N_() ("DashScope")
 * @description: (nullable): one line for Preferences, N_()
 * @key_env: (nullable): the environment variable holding an API key;
 *   %NULL: the backend takes no key
 * @key_url: (nullable): where users make a key
 * @url_env: (nullable): the environment variable overriding the address;
 *   %NULL: the backend has no address
 * @regions: (nullable) (array zero-terminated=1): where the service runs,
 *   the default first; %NULL when there is no address
 * @result_lifetime_hours: how long the service keeps a task and its
 *   result; 0: results do not expire
 * @lost_submit: how a submit that went out unanswered can be found
 * @typed_http: a plain-http address the user typed is accepted (a server
 *   of the user's own); otherwise only https, or http on loopback
 * @commands: (nullable) (array zero-terminated=1): the backend's own
 *   command line verbs (see inb_backend_run_command())
 *
 * What a provider is, declared once by its backend class and read by the
 * rest of Inbetween (settings, keys, resume, Preferences, the CLI) through
 * the backend interface.
 */
typedef struct
{
  const char             *id;
  const char             *name;
  const char             *short_name;
  const char             *description;
  const char             *key_env;
  const char             *key_url;
  const char             *url_env;
  const InbBackendRegion *regions;
  guint                   result_lifetime_hours;
  InbLostSubmitLookup     lost_submit;
  gboolean                typed_http;
  const InbBackendCommand *commands;
} InbBackendInfo;

/**
 * InbBackendStatus:
 * @reachable: the service answered
 * @summary: one line for users: what answered ("ComfyUI 0.3.43 · NVIDIA
 *   GeForce RTX 4090 · 20.1 GB free"), or why nothing did, naming the
 *   address ("Nothing answers at http://127.0.0.1:8188 — is ComfyUI
 *   running?")
 * @warning: (nullable): what users should know even so ("plain http to
 *   another computer: anyone on the network can read it")
 *
 * What a health check found (inb_backend_check_async()).
 */
typedef struct
{
  gboolean  reachable;
  char     *summary;
  char     *warning;
} InbBackendStatus;

#define INB_TYPE_BACKEND_STATUS (inb_backend_status_get_type ())

GType             inb_backend_status_get_type (void) G_GNUC_CONST;
InbBackendStatus *inb_backend_status_new      (gboolean                reachable,
                                               const char             *summary,
                                               const char             *warning);
InbBackendStatus *inb_backend_status_copy     (const InbBackendStatus *status);
void              inb_backend_status_free     (InbBackendStatus       *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbBackendStatus, inb_backend_status_free)

#define INB_TYPE_BACKEND (inb_backend_get_type ())

G_DECLARE_INTERFACE (InbBackend, inb_backend, INB, BACKEND, GObject)

/**
 * InbBackendInterface:
 * @get_info: what the provider is (static data of the class)
 * @set_api_key: (nullable): hands over the key (%NULL or "" removes it)
 * @has_api_key: (nullable): whether a key is set
 * @set_base_url: (nullable): points the backend at an address
 * @get_base_url: (nullable): the address in use
 * @read_remote_record: (nullable): reads what a hosted job left in a
 *   take's folder; the default reads the common remote.json
 * @check_async: (nullable): asks the service whether it is there and
 *   what it runs on; %NULL: the backend has nothing to check
 * @check_finish: (nullable): with @check_async
 * @run_command: (nullable): runs one of the @commands its info declares
 * @dup_address_warning: (nullable): what users should know about the
 *   address in use (plain http to another computer), or %NULL
 * @open_workflow: (nullable): reads a workflow of the user's own into a
 *   mapping (see inb_backend_open_workflow_async()); called in a worker
 *   thread, so it only reads its arguments; %NULL: the backend imports none
 * @save_workflow_async: (nullable): saves a mapping as a new model, which
 *   its models list then holds (emitting #InbBackend::models-changed)
 * @save_workflow_finish: (nullable): with @save_workflow_async
 * @find_workflow_model: (nullable): the model of the user's own that
 *   saving a mapping under its present name would replace
 *
 * The rest: see the functions of the same names.
 */
struct _InbBackendInterface
{
  GTypeInterface parent_iface;

  const InbBackendInfo *(*get_info) (InbBackend           *self);
  void        (*set_api_key)        (InbBackend           *self,
                                     const char           *api_key);
  gboolean    (*has_api_key)        (InbBackend           *self);
  void        (*set_base_url)       (InbBackend           *self,
                                     const char           *base_url);
  const char *(*get_base_url)       (InbBackend           *self);
  InbRemoteRecord *(*read_remote_record) (InbBackend      *self,
                                     const char           *take_dir,
                                     GError              **error);
  GPtrArray  *(*get_models)         (InbBackend           *self);
  guint       (*get_max_concurrent) (InbBackend           *self,
                                     InbModel             *model);
  gboolean    (*get_frame_size)     (InbBackend           *self,
                                     InbModel             *model,
                                     JsonObject           *params,
                                     guint                 source_width,
                                     guint                 source_height,
                                     guint                *width,
                                     guint                *height,
                                     GError              **error);
  gboolean    (*validate)           (InbBackend           *self,
                                     InbRequest           *request,
                                     GError              **error);
  void        (*generate_async)     (InbBackend           *self,
                                     InbRequest           *request,
                                     InbProgress          *progress,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  InbResult  *(*generate_finish)    (InbBackend           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*cancel_remote_async)(InbBackend           *self,
                                     InbRequest           *request,
                                     JsonObject           *remote_state,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  gboolean    (*cancel_remote_finish)(InbBackend          *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*resume_async)       (InbBackend           *self,
                                     InbRequest           *request,
                                     JsonObject           *remote_state,
                                     InbProgress          *progress,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  InbResult  *(*resume_finish)      (InbBackend           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*check_async)        (InbBackend           *self,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  InbBackendStatus *(*check_finish) (InbBackend           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  gboolean    (*run_command)        (InbBackend           *self,
                                     int                   argc,
                                     char                **argv,
                                     GError              **error);

  char       *(*dup_address_warning) (InbBackend          *self);
  InbWorkflowMapping *(*open_workflow) (InbBackend        *self,
                                     const char           *source_name,
                                     const char           *data,
                                     gsize                 length,
                                     GError              **error);
  void        (*save_workflow_async) (InbBackend          *self,
                                     InbWorkflowMapping   *mapping,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  char       *(*save_workflow_finish) (InbBackend         *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  InbModel   *(*find_workflow_model) (InbBackend          *self,
                                     InbWorkflowMapping   *mapping);

  /*< private >*/
  gpointer padding[1];
};

GQuark      inb_backend_error_quark        (void);
const InbBackendInfo *inb_backend_get_info (InbBackend           *self);
const char *inb_backend_get_id             (InbBackend           *self);
const char *inb_backend_get_name           (InbBackend           *self);
const char *inb_backend_get_short_name     (InbBackend           *self);
const char *inb_backend_get_description    (InbBackend           *self);
gboolean    inb_backend_takes_key          (InbBackend           *self);
const char *inb_backend_get_key_env        (InbBackend           *self);
const char *inb_backend_get_key_url        (InbBackend           *self);
const char *inb_backend_get_region_key_url (InbBackend        *self,
                                           const char        *region_id);
gboolean    inb_backend_has_address        (InbBackend           *self);
const char *inb_backend_get_url_env        (InbBackend           *self);
guint       inb_backend_get_n_regions      (InbBackend           *self);
const InbBackendRegion *inb_backend_get_region (InbBackend       *self,
                                            guint                 index);
const InbBackendRegion *inb_backend_find_region (InbBackend      *self,
                                            const char           *region_id);
const char *inb_backend_get_default_url    (InbBackend           *self,
                                            const char           *region_id);
guint       inb_backend_get_result_lifetime_hours (InbBackend    *self);
InbLostSubmitLookup inb_backend_get_lost_submit_lookup (InbBackend *self);
gboolean    inb_backend_accepts_typed_http (InbBackend           *self);
void        inb_backend_set_api_key        (InbBackend           *self,
                                            const char           *api_key);
gboolean    inb_backend_has_api_key        (InbBackend           *self);
void        inb_backend_set_base_url       (InbBackend           *self,
                                            const char           *base_url);
const char *inb_backend_get_base_url       (InbBackend           *self);
InbRemoteRecord *inb_backend_read_remote_record (InbBackend      *self,
                                            const char           *take_dir,
                                            GError              **error);
GPtrArray  *inb_backend_get_models         (InbBackend           *self);
InbModel   *inb_backend_find_model         (InbBackend           *self,
                                            const char           *model_id);
InbModel   *inb_backend_get_default_model  (InbBackend           *self);
guint       inb_backend_get_max_concurrent (InbBackend           *self,
                                            InbModel             *model);
gboolean    inb_backend_get_frame_size     (InbBackend           *self,
                                            InbModel             *model,
                                            JsonObject           *params,
                                            guint                 source_width,
                                            guint                 source_height,
                                            guint                *width,
                                            guint                *height,
                                            GError              **error);
gboolean    inb_backend_validate           (InbBackend           *self,
                                            InbRequest           *request,
                                            GError              **error);
void        inb_backend_generate_async     (InbBackend           *self,
                                            InbRequest           *request,
                                            InbProgress          *progress,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbResult  *inb_backend_generate_finish    (InbBackend           *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        inb_backend_cancel_remote_async (InbBackend          *self,
                                            InbRequest           *request,
                                            JsonObject           *remote_state,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    inb_backend_cancel_remote_finish (InbBackend         *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        inb_backend_resume_async       (InbBackend           *self,
                                            InbRequest           *request,
                                            JsonObject           *remote_state,
                                            InbProgress          *progress,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbResult  *inb_backend_resume_finish      (InbBackend           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Health: whether the service is there, and what it runs on. Never blocks;
 * an unreachable service is a status (reachable FALSE), not an error. */
gboolean    inb_backend_can_check          (InbBackend           *self);
void        inb_backend_check_async        (InbBackend           *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbBackendStatus *inb_backend_check_finish (InbBackend           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The backend's own command line verbs (`inbetween <id> <command> …`). */
const InbBackendCommand *inb_backend_get_commands (InbBackend    *self);
const InbBackendCommand *inb_backend_find_command (InbBackend    *self,
                                            const char           *name);
gboolean    inb_backend_run_command        (InbBackend           *self,
                                            int                   argc,
                                            char                **argv,
                                            GError              **error);

/* What users should know about the address in use, or %NULL. */
char       *inb_backend_dup_address_warning (InbBackend          *self);
/* Emits ::address-warning when there is one: before a job reaches out. */
void        inb_backend_warn_address       (InbBackend           *self);

/* Models that change while running (a workflow imported): the backend
 * emits ::models-changed after its models list grew or shrank. */
void        inb_backend_models_changed     (InbBackend           *self);

/* Workflows of the user's own, imported as models. Neither call blocks. */
gboolean    inb_backend_can_import_workflows (InbBackend         *self);
void        inb_backend_open_workflow_async (InbBackend          *self,
                                            GFile                *file,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
InbWorkflowMapping *inb_backend_open_workflow_finish (InbBackend  *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        inb_backend_save_workflow_async (InbBackend          *self,
                                            InbWorkflowMapping   *mapping,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char       *inb_backend_save_workflow_finish (InbBackend         *self,
                                            GAsyncResult         *result,
                                            GError              **error);
InbModel   *inb_backend_find_workflow_model (InbBackend          *self,
                                            InbWorkflowMapping   *mapping);

/* Frame sizes: the short side of a named resolution, aligned, keeping aspect. */
gboolean    inb_frame_size_for_resolution  (const char           *resolution,
                                            guint                 source_width,
                                            guint                 source_height,
                                            guint                 alignment,
                                            guint                *width,
                                            guint                *height,
                                            GError              **error);

G_END_DECLS
