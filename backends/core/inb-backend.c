/* inb-backend.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backend"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>

#include "inb-backend.h"

/**
 * InbBackend:
 *
 * Everything that can turn two keyframes into a clip: the built-in
 * engine, a ComfyUI server, a hosted service. The wrappers here do the
 * checks every backend needs (model known, parameters valid against the
 * model's schema, prompt lengths, keyframes present) so a backend's own
 * validate() only adds what is particular to it.
 */

G_DEFINE_INTERFACE (InbBackend, inb_backend, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-backend-error-quark, inb_backend_error)

static guint
inb_backend_real_get_max_concurrent (InbBackend *self,
                                     InbModel   *model)
{
  return 1;
}

static void
inb_backend_real_cancel_remote_async (InbBackend          *self,
                                      InbRequest          *request,
                                      JsonObject          *remote_state,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data,
                           inb_backend_real_cancel_remote_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("%s cannot cancel a job on the server"),
                           inb_backend_get_name (self));
}

static gboolean
inb_backend_real_cancel_remote_finish (InbBackend    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
inb_backend_real_resume_async (InbBackend          *self,
                               InbRequest          *request,
                               JsonObject          *remote_state,
                               InbProgress         *progress,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data,
                           inb_backend_real_resume_async,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("%s has no unfinished jobs to resume"),
                           inb_backend_get_name (self));
}

static InbResult *
inb_backend_real_resume_finish (InbBackend    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
inb_backend_real_get_frame_size (InbBackend  *self,
                                 InbModel    *model,
                                 JsonObject  *params,
                                 guint        source_width,
                                 guint        source_height,
                                 guint       *width,
                                 guint       *height,
                                 GError     **error)
{
  const char *resolution = inb_params_get_string (params, "resolution", "source");

  return inb_frame_size_for_resolution (resolution, source_width, source_height,
                                        inb_model_get_size_alignment (model),
                                        width, height, error);
}

static InbRemoteRecord *
inb_backend_real_read_remote_record (InbBackend  *self,
                                     const char  *take_dir,
                                     GError     **error)
{
  return inb_remote_record_load (take_dir, error);
}

static InbBackendStatus *
inb_backend_real_check_finish (InbBackend    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
inb_backend_default_init (InbBackendInterface *iface)
{
  iface->read_remote_record = inb_backend_real_read_remote_record;
  iface->get_max_concurrent = inb_backend_real_get_max_concurrent;
  iface->get_frame_size = inb_backend_real_get_frame_size;
  iface->cancel_remote_async = inb_backend_real_cancel_remote_async;
  iface->cancel_remote_finish = inb_backend_real_cancel_remote_finish;
  iface->resume_async = inb_backend_real_resume_async;
  iface->resume_finish = inb_backend_real_resume_finish;
  /* No health check and no commands of its own unless a backend has them */
  iface->check_async = NULL;
  iface->check_finish = inb_backend_real_check_finish;
  iface->run_command = NULL;

  /**
   * InbBackend::models-changed:
   *
   * The backend's models list changed while running (a workflow was
   * imported): anything holding its models reads them again.
   */
  g_signal_new ("models-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * InbBackend::address-warning:
   * @message: what users should know, in the backend's words
   *
   * The backend is about to reach its address for a job (a generate, a
   * resume, a lost submit's lookup) and that address has something users
   * should know (inb_backend_dup_address_warning()): plain http to
   * another computer, say. Nothing has been sent yet.
   */
  g_signal_new ("address-warning", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* Health ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (InbBackendStatus, inb_backend_status, inb_backend_status_copy, inb_backend_status_free)

/**
 * inb_backend_status_new:
 * @summary: one line for users
 * @warning: (nullable): what they should know even so
 */
InbBackendStatus *
inb_backend_status_new (gboolean    reachable,
                        const char *summary,
                        const char *warning)
{
  InbBackendStatus *status = g_new0 (InbBackendStatus, 1);

  status->reachable = reachable;
  status->summary = g_strdup (summary);
  status->warning = g_strdup (warning);
  return status;
}

InbBackendStatus *
inb_backend_status_copy (const InbBackendStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);
  return inb_backend_status_new (status->reachable, status->summary, status->warning);
}

void
inb_backend_status_free (InbBackendStatus *status)
{
  if (status == NULL)
    return;

  g_free (status->summary);
  g_free (status->warning);
  g_free (status);
}

/**
 * inb_backend_can_check:
 *
 * Returns: whether the backend has a health check (a server it talks to)
 */
gboolean
inb_backend_can_check (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  return INB_BACKEND_GET_IFACE (self)->check_async != NULL;
}

/**
 * inb_backend_check_async:
 *
 * Asks the service whether it is there and what it runs on, without
 * blocking. A service that does not answer is not an error: the status
 * says so in words (reachable %FALSE); errors are for a cancelled check
 * and for a backend without one (%G_IO_ERROR_NOT_SUPPORTED).
 */
void
inb_backend_check_async (InbBackend          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  InbBackendInterface *iface;

  g_return_if_fail (INB_IS_BACKEND (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = INB_BACKEND_GET_IFACE (self);
  if (iface->check_async == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_backend_check_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s has no server to check"), inb_backend_get_name (self));
      return;
    }

  iface->check_async (self, cancellable, callback, user_data);
}

/**
 * inb_backend_check_finish:
 *
 * Returns: (transfer full): what the check found, or %NULL with @error set
 */
InbBackendStatus *
inb_backend_check_finish (InbBackend    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, inb_backend_check_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return INB_BACKEND_GET_IFACE (self)->check_finish (self, result, error);
}

/* Commands ---------------------------------------------------------------- */

/**
 * inb_backend_get_commands:
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the
 *   backend's own command line verbs
 */
const InbBackendCommand *
inb_backend_get_commands (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return inb_backend_get_info (self)->commands;
}

/**
 * inb_backend_find_command:
 *
 * Returns: (transfer none) (nullable): the command called @name
 */
const InbBackendCommand *
inb_backend_find_command (InbBackend *self,
                          const char *name)
{
  const InbBackendCommand *commands;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  commands = inb_backend_get_commands (self);
  for (guint i = 0; name != NULL && commands != NULL && commands[i].name != NULL; i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];

  return NULL;
}

/**
 * inb_backend_run_command:
 * @argv: (array length=argc): the command's name first, then its arguments
 *
 * Runs one of the backend's own command line verbs (blocking: for the
 * command line only). It prints what it has to say; a failure is an
 * error: %G_OPTION_ERROR or %INB_BACKEND_ERROR_INVALID_INPUT for what the
 * user can fix, anything else when the work itself failed.
 */
gboolean
inb_backend_run_command (InbBackend  *self,
                         int          argc,
                         char       **argv,
                         GError     **error)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (argc >= 1 && argv != NULL && argv[0] != NULL, FALSE);

  iface = INB_BACKEND_GET_IFACE (self);
  if (inb_backend_find_command (self, argv[0]) == NULL || iface->run_command == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s has no command “%s”"), inb_backend_get_id (self), argv[0]);
      return FALSE;
    }

  return iface->run_command (self, argc, argv, error);
}

/**
 * inb_backend_dup_address_warning:
 *
 * Returns: (transfer full) (nullable): what users should know about the
 *   address in use ("plain http to another computer: anyone on the
 *   network can see…"), the same words a health check gives; %NULL: nothing
 */
char *
inb_backend_dup_address_warning (InbBackend *self)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  iface = INB_BACKEND_GET_IFACE (self);
  return iface->dup_address_warning != NULL ? iface->dup_address_warning (self) : NULL;
}

/**
 * inb_backend_warn_address:
 *
 * Says (#InbBackend::address-warning) what users should know about the
 * address in use, if anything, before a job reaches it. Every way a job
 * reaches a service calls it first: inb_backend_generate_async(),
 * inb_backend_resume_async(), a hosted backend's lost-submit lookup.
 */
void
inb_backend_warn_address (InbBackend *self)
{
  g_autofree char *warning = NULL;

  g_return_if_fail (INB_IS_BACKEND (self));

  warning = inb_backend_dup_address_warning (self);
  if (warning != NULL)
    g_signal_emit_by_name (self, "address-warning", warning);
}

void
inb_backend_models_changed (InbBackend *self)
{
  g_return_if_fail (INB_IS_BACKEND (self));
  g_signal_emit_by_name (self, "models-changed");
}

/* Workflows of one's own -------------------------------------------------- */

#define MAX_WORKFLOW_FILE_BYTES (4 * 1024 * 1024)

/**
 * inb_backend_can_import_workflows:
 *
 * Returns: whether the backend turns workflows of the user's own into
 *   models (inb_backend_open_workflow_async(), then save)
 */
gboolean
inb_backend_can_import_workflows (InbBackend *self)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);

  iface = INB_BACKEND_GET_IFACE (self);
  return iface->open_workflow != NULL && iface->save_workflow_async != NULL && iface->save_workflow_finish != NULL;
}

static void
open_workflow_worker (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  InbBackend *self = source;
  GFile *file = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  InbWorkflowMapping *mapping;
  gsize length = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  name = g_strdup (g_file_info_get_display_name (info));
  if (g_file_info_get_size (info) > MAX_WORKFLOW_FILE_BYTES)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("%s is too large for a workflow"), name);
      return;
    }
  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  mapping = INB_BACKEND_GET_IFACE (self)->open_workflow (self, name, contents, length, &error);
  if (mapping == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mapping, g_object_unref);
}

/**
 * inb_backend_open_workflow_async:
 * @file: a workflow the user chose or dropped
 *
 * Reads @file (in a worker thread) and finds what goes where in it: the
 * result is a mapping to show, correct and save. A file the backend does
 * not understand is an %INB_BACKEND_ERROR_INVALID_INPUT saying why.
 */
void
inb_backend_open_workflow_async (InbBackend          *self,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (INB_IS_BACKEND (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_backend_open_workflow_async);
  g_task_set_name (task, "[inb] open workflow");
  if (!inb_backend_can_import_workflows (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s does not import workflows"), inb_backend_get_name (self));
      return;
    }

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_workflow_worker);
}

/**
 * inb_backend_open_workflow_finish:
 *
 * Returns: (transfer full): what was found, or %NULL with @error set
 */
InbWorkflowMapping *
inb_backend_open_workflow_finish (InbBackend    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * inb_backend_save_workflow_async:
 *
 * Saves @mapping as a new model of the backend (refused, in words, while
 * inb_workflow_mapping_check() refuses, or when the name is the backend's
 * own model's). A name a model of the user's own has already fails with
 * %G_IO_ERROR_EXISTS (inb_backend_find_workflow_model() says which),
 * unless inb_workflow_mapping_set_replace() said to replace it. When it
 * is done the backend's models hold it and ::models-changed was emitted.
 */
void
inb_backend_save_workflow_async (InbBackend          *self,
                                 InbWorkflowMapping  *mapping,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (INB_IS_BACKEND (self));
  g_return_if_fail (INB_IS_WORKFLOW_MAPPING (mapping));

  if (!inb_backend_can_import_workflows (self))
    {
      g_task_report_new_error (self, callback, user_data, inb_backend_save_workflow_async,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s does not import workflows"), inb_backend_get_name (self));
      return;
    }
  if (!inb_workflow_mapping_check (mapping, &error))
    {
      g_task_report_error (self, callback, user_data, inb_backend_save_workflow_async, error);
      return;
    }

  INB_BACKEND_GET_IFACE (self)->save_workflow_async (self, mapping, cancellable, callback, user_data);
}

/**
 * inb_backend_save_workflow_finish:
 *
 * Returns: (transfer full): the new model's id, or %NULL with @error set
 */
char *
inb_backend_save_workflow_finish (InbBackend    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  if (g_async_result_is_tagged (result, inb_backend_save_workflow_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return INB_BACKEND_GET_IFACE (self)->save_workflow_finish (self, result, error);
}

/**
 * inb_backend_find_workflow_model:
 *
 * Returns: (transfer none) (nullable): the model of the user's own that
 *   saving @mapping under its present name would replace, or %NULL
 */
InbModel *
inb_backend_find_workflow_model (InbBackend         *self,
                                 InbWorkflowMapping *mapping)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (mapping), NULL);

  iface = INB_BACKEND_GET_IFACE (self);
  return iface->find_workflow_model != NULL ? iface->find_workflow_model (self, mapping) : NULL;
}

/* What the provider is ---------------------------------------------------- */

/**
 * inb_backend_get_info:
 *
 * Returns: (transfer none): what the provider declares of itself
 */
const InbBackendInfo *
inb_backend_get_info (InbBackend *self)
{
  const InbBackendInfo *info;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  info = INB_BACKEND_GET_IFACE (self)->get_info (self);
  g_assert (info != NULL && info->id != NULL && info->name != NULL);

  return info;
}

const char *
inb_backend_get_id (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return inb_backend_get_info (self)->id;
}

/**
 * inb_backend_get_name:
 *
 * Returns: the name users know, translated
 */
const char *
inb_backend_get_name (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return g_dgettext (GETTEXT_PACKAGE, inb_backend_get_info (self)->name);
}

/**
 * inb_backend_get_short_name:
 *
 * Returns: a short form of the name, translated (the name itself when the
 *   provider declares none)
 */
const char *
inb_backend_get_short_name (InbBackend *self)
{
  const InbBackendInfo *info;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  info = inb_backend_get_info (self);
  return g_dgettext (GETTEXT_PACKAGE, info->short_name != NULL ? info->short_name : info->name);
}

/**
 * inb_backend_get_description:
 *
 * Returns: (nullable): one line about the provider, translated
 */
const char *
inb_backend_get_description (InbBackend *self)
{
  const InbBackendInfo *info;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  info = inb_backend_get_info (self);
  return info->description != NULL ? g_dgettext (GETTEXT_PACKAGE, info->description) : NULL;
}

gboolean
inb_backend_takes_key (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  return inb_backend_get_info (self)->key_env != NULL;
}

/**
 * inb_backend_get_key_env:
 *
 * Returns: (nullable): the variable holding the key ("DASHSCOPE_API_KEY"),
 *   %NULL if the backend takes none
 */
const char *
inb_backend_get_key_env (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return inb_backend_get_info (self)->key_env;
}

/**
 * inb_backend_get_key_url:
 *
 * Returns: (nullable): where users make a key
 */
const char *
inb_backend_get_key_url (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return inb_backend_get_info (self)->key_url;
}

/**
 * inb_backend_get_region_key_url:
 * @region_id: (nullable): a region; %NULL or an unknown one: the default
 *
 * Keys are made per region by some services (a DashScope key from the
 * Beijing console fails in Singapore).
 *
 * Returns: (nullable): where users make a key for @region_id: the
 *   region's own page, else the backend's (inb_backend_get_key_url())
 */
const char *
inb_backend_get_region_key_url (InbBackend *self,
                                const char *region_id)
{
  const InbBackendRegion *region;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  region = inb_backend_find_region (self, region_id);
  if (region == NULL)
    region = inb_backend_get_region (self, 0);
  if (region != NULL && region->key_url != NULL)
    return region->key_url;

  return inb_backend_get_key_url (self);
}

gboolean
inb_backend_has_address (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  return inb_backend_get_n_regions (self) > 0;
}

/**
 * inb_backend_get_url_env:
 *
 * Returns: (nullable): the variable overriding the address
 */
const char *
inb_backend_get_url_env (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return inb_backend_get_info (self)->url_env;
}

guint
inb_backend_get_n_regions (InbBackend *self)
{
  const InbBackendRegion *regions;
  guint n = 0;

  g_return_val_if_fail (INB_IS_BACKEND (self), 0);

  regions = inb_backend_get_info (self)->regions;
  while (regions != NULL && regions[n].id != NULL)
    n++;

  return n;
}

/**
 * inb_backend_get_region:
 *
 * Returns: (transfer none) (nullable): the region at @index; 0 is the default
 */
const InbBackendRegion *
inb_backend_get_region (InbBackend *self,
                        guint       index)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  if (index >= inb_backend_get_n_regions (self))
    return NULL;

  return &inb_backend_get_info (self)->regions[index];
}

/**
 * inb_backend_find_region:
 *
 * Returns: (transfer none) (nullable): the region with @region_id
 */
const InbBackendRegion *
inb_backend_find_region (InbBackend *self,
                         const char *region_id)
{
  guint n;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  n = inb_backend_get_n_regions (self);
  for (guint i = 0; region_id != NULL && i < n; i++)
    if (g_str_equal (inb_backend_get_info (self)->regions[i].id, region_id))
      return &inb_backend_get_info (self)->regions[i];

  return NULL;
}

/**
 * inb_backend_get_default_url:
 * @region_id: (nullable): a region; %NULL or an unknown one: the default
 *
 * Returns: (nullable): the address of the region, %NULL if the backend
 *   has no address
 */
const char *
inb_backend_get_default_url (InbBackend *self,
                             const char *region_id)
{
  const InbBackendRegion *region;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  region = inb_backend_find_region (self, region_id);
  if (region == NULL)
    region = inb_backend_get_region (self, 0);

  return region != NULL ? region->url : NULL;
}

/**
 * inb_backend_get_result_lifetime_hours:
 *
 * Returns: how long the service keeps a task and its result; 0: for ever
 */
guint
inb_backend_get_result_lifetime_hours (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), 0);
  return inb_backend_get_info (self)->result_lifetime_hours;
}

InbLostSubmitLookup
inb_backend_get_lost_submit_lookup (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), INB_LOST_SUBMIT_ASK);
  return inb_backend_get_info (self)->lost_submit;
}

gboolean
inb_backend_accepts_typed_http (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  return inb_backend_get_info (self)->typed_http;
}

/* Configuration -------------------------------------------------------- */

/**
 * inb_backend_set_api_key:
 * @api_key: (nullable): the key; %NULL or "" removes it
 *
 * Ignored by a backend that takes no key. Jobs already started keep the
 * key they started with.
 */
void
inb_backend_set_api_key (InbBackend *self,
                         const char *api_key)
{
  InbBackendInterface *iface;

  g_return_if_fail (INB_IS_BACKEND (self));

  iface = INB_BACKEND_GET_IFACE (self);
  if (iface->set_api_key != NULL)
    iface->set_api_key (self, api_key);
}

gboolean
inb_backend_has_api_key (InbBackend *self)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);

  iface = INB_BACKEND_GET_IFACE (self);
  return iface->has_api_key != NULL && iface->has_api_key (self);
}

/**
 * inb_backend_set_base_url:
 * @base_url: (nullable): the address; %NULL: the default region's
 *
 * Ignored by a backend without an address.
 */
void
inb_backend_set_base_url (InbBackend *self,
                          const char *base_url)
{
  InbBackendInterface *iface;

  g_return_if_fail (INB_IS_BACKEND (self));

  iface = INB_BACKEND_GET_IFACE (self);
  if (iface->set_base_url == NULL)
    return;

  if (base_url == NULL || *base_url == '\0')
    base_url = inb_backend_get_default_url (self, NULL);
  iface->set_base_url (self, base_url);
}

/**
 * inb_backend_get_base_url:
 *
 * Returns: (nullable): the address in use
 */
const char *
inb_backend_get_base_url (InbBackend *self)
{
  InbBackendInterface *iface;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  iface = INB_BACKEND_GET_IFACE (self);
  return iface->get_base_url != NULL ? iface->get_base_url (self) : NULL;
}

/**
 * inb_backend_read_remote_record:
 *
 * Blocking. Reads what a hosted job of this backend left in @take_dir.
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error
 *   set (%G_IO_ERROR_NOT_FOUND: there is none)
 */
InbRemoteRecord *
inb_backend_read_remote_record (InbBackend  *self,
                                const char  *take_dir,
                                GError     **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (take_dir != NULL, NULL);

  return INB_BACKEND_GET_IFACE (self)->read_remote_record (self, take_dir, error);
}

/**
 * inb_backend_get_models:
 *
 * Returns: (transfer none) (element-type InbModel): the models, in the
 *   order to show them; the first is the default.
 */
GPtrArray *
inb_backend_get_models (InbBackend *self)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  return INB_BACKEND_GET_IFACE (self)->get_models (self);
}

/**
 * inb_backend_find_model:
 *
 * Returns: (transfer none) (nullable): the model with @model_id
 */
InbModel *
inb_backend_find_model (InbBackend *self,
                        const char *model_id)
{
  GPtrArray *models;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  models = inb_backend_get_models (self);
  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      InbModel *model = g_ptr_array_index (models, i);

      if (g_strcmp0 (inb_model_get_id (model), model_id) == 0)
        return model;
    }

  return NULL;
}

/**
 * inb_backend_get_default_model:
 *
 * Returns: (transfer none) (nullable): the first model
 */
InbModel *
inb_backend_get_default_model (InbBackend *self)
{
  GPtrArray *models;

  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  models = inb_backend_get_models (self);
  return (models != NULL && models->len > 0) ? g_ptr_array_index (models, 0) : NULL;
}

guint
inb_backend_get_max_concurrent (InbBackend *self,
                                InbModel   *model)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), 1);
  return MAX (1, INB_BACKEND_GET_IFACE (self)->get_max_concurrent (self, model));
}

/**
 * inb_backend_get_frame_size:
 * @params: completed parameters (resolution, …)
 *
 * The size the backend wants both keyframes normalised to, for keyframes
 * of @source_width × @source_height.
 */
gboolean
inb_backend_get_frame_size (InbBackend  *self,
                            InbModel    *model,
                            JsonObject  *params,
                            guint        source_width,
                            guint        source_height,
                            guint       *width,
                            guint       *height,
                            GError     **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (INB_IS_MODEL (model), FALSE);
  g_return_val_if_fail (source_width > 0 && source_height > 0, FALSE);
  g_return_val_if_fail (width != NULL && height != NULL, FALSE);

  return INB_BACKEND_GET_IFACE (self)->get_frame_size (self, model, params,
                                                       source_width, source_height,
                                                       width, height, error);
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    {
      if (!g_unichar_isspace (g_utf8_get_char (text)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_text_length (const char  *what,
                   const char  *text,
                   gint64       max_length,
                   InbModel    *model,
                   GError     **error)
{
  glong length = text ? g_utf8_strlen (text, -1) : 0;

  if (length == 0 || max_length < 0)
    return TRUE;

  if (max_length == 0)
    return TRUE; /* the model ignores it; the UI greys the field out */

  if (length > max_length)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   /* Translators: e.g. "The prompt is 912 characters long; wan2.2-kf2v-flash accepts at most 800" */
                   _("The %s is %ld characters long; %s accepts at most %" PRId64),
                   what, length, inb_model_get_id (model), max_length);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_backend_validate:
 *
 * Everything that can be checked before anything is sent or written.
 */
gboolean
inb_backend_validate (InbBackend  *self,
                      InbRequest  *request,
                      GError     **error)
{
  InbBackendInterface *iface;
  InbModel *model;
  const char *prompt;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (INB_IS_REQUEST (request), FALSE);

  iface = INB_BACKEND_GET_IFACE (self);

  if (g_strcmp0 (inb_request_get_backend_id (request), inb_backend_get_id (self)) != 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("This request is for the “%s” backend, not “%s”"),
                   inb_request_get_backend_id (request), inb_backend_get_id (self));
      return FALSE;
    }

  model = inb_backend_find_model (self, inb_request_get_model_id (request));
  if (model == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s has no model “%s”"), inb_backend_get_name (self),
                   inb_request_get_model_id (request));
      return FALSE;
    }

  if (!inb_schema_validate (inb_model_get_schema (model), inb_request_get_params (request), &local_error))
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           local_error->message);
      return FALSE;
    }

  prompt = inb_request_get_prompt (request);
  if (inb_model_get_prompt_required (model) && is_blank (prompt))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s needs a prompt"), inb_model_get_id (model));
      return FALSE;
    }

  /* Translators: "prompt" and "negative prompt" complete "The %s is 912 characters long; …" */
  if (!check_text_length (_("prompt"), prompt, inb_model_get_prompt_max_length (model), model, error) ||
      /* Translators: see "prompt" */
      !check_text_length (_("negative prompt"), inb_request_get_negative_prompt (request),
                          inb_model_get_negative_max_length (model), model, error))
    return FALSE;

  if (inb_request_get_first (request) == NULL || inb_request_get_last (request) == NULL)
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("Both a first and a last keyframe are needed"));
      return FALSE;
    }

  if (iface->validate != NULL)
    return iface->validate (self, request, error);

  return TRUE;
}

/**
 * inb_backend_generate_async:
 * @progress: (nullable): where to report fraction and stage
 *
 * Makes the clip at inb_request_get_output_path(). Validates first: an
 * invalid request fails with %INB_BACKEND_ERROR_INVALID_INPUT and nothing
 * is sent. Cancelling @cancellable ends with %G_IO_ERROR_CANCELLED.
 */
void
inb_backend_generate_async (InbBackend          *self,
                            InbRequest          *request,
                            InbProgress         *progress,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (INB_IS_BACKEND (self));
  g_return_if_fail (INB_IS_REQUEST (request));
  g_return_if_fail (progress == NULL || INB_IS_PROGRESS (progress));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!inb_backend_validate (self, request, &error))
    {
      g_task_report_error (self, callback, user_data, inb_backend_generate_async,
                           g_steal_pointer (&error));
      return;
    }

  if (inb_request_get_output_path (request) == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_backend_generate_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               "No output path set on the request");
      return;
    }

  inb_backend_warn_address (self);
  INB_BACKEND_GET_IFACE (self)->generate_async (self, request, progress, cancellable,
                                                callback, user_data);
}

/**
 * inb_backend_generate_finish:
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
InbResult *
inb_backend_generate_finish (InbBackend    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  if (g_async_result_is_tagged (result, inb_backend_generate_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return INB_BACKEND_GET_IFACE (self)->generate_finish (self, result, error);
}

void
inb_backend_cancel_remote_async (InbBackend          *self,
                                 InbRequest          *request,
                                 JsonObject          *remote_state,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (INB_IS_BACKEND (self));

  INB_BACKEND_GET_IFACE (self)->cancel_remote_async (self, request, remote_state, cancellable,
                                                     callback, user_data);
}

gboolean
inb_backend_cancel_remote_finish (InbBackend    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), FALSE);

  return INB_BACKEND_GET_IFACE (self)->cancel_remote_finish (self, result, error);
}

void
inb_backend_resume_async (InbBackend          *self,
                          InbRequest          *request,
                          JsonObject          *remote_state,
                          InbProgress         *progress,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (INB_IS_BACKEND (self));

  inb_backend_warn_address (self);
  INB_BACKEND_GET_IFACE (self)->resume_async (self, request, remote_state, progress, cancellable,
                                              callback, user_data);
}

InbResult *
inb_backend_resume_finish (InbBackend    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (INB_IS_BACKEND (self), NULL);

  return INB_BACKEND_GET_IFACE (self)->resume_finish (self, result, error);
}

static guint
align_nearest (double value,
               guint  alignment)
{
  guint n = (guint) floor (value / alignment + 0.5);

  return MAX (1, n) * alignment;
}

/**
 * inb_frame_size_for_resolution:
 * @resolution: "480p", "720p", "1080p" (the short side) or "source"
 * @alignment: both sides become multiples of this (8 for H.264, 16 for Wan)
 *
 * Keeps the source aspect ratio: the short side becomes the named height
 * and the long side follows, both rounded to the nearest multiple of
 * @alignment ("source" rounds the source size down instead, so it never
 * upscales).
 */
gboolean
inb_frame_size_for_resolution (const char  *resolution,
                               guint        source_width,
                               guint        source_height,
                               guint        alignment,
                               guint       *width,
                               guint       *height,
                               GError     **error)
{
  guint short_side;
  double aspect;

  g_return_val_if_fail (resolution != NULL, FALSE);
  g_return_val_if_fail (source_width > 0 && source_height > 0, FALSE);
  g_return_val_if_fail (alignment > 0, FALSE);

  if (g_str_equal (resolution, "source"))
    {
      *width = MAX (alignment, source_width / alignment * alignment);
      *height = MAX (alignment, source_height / alignment * alignment);
      return TRUE;
    }

  if (g_str_equal (resolution, "480p"))
    short_side = 480;
  else if (g_str_equal (resolution, "720p"))
    short_side = 720;
  else if (g_str_equal (resolution, "1080p"))
    short_side = 1080;
  else
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("Unknown resolution “%s”: one of 480p, 720p, 1080p, source"), resolution);
      return FALSE;
    }

  aspect = (double) source_width / source_height;

  if (source_width >= source_height)
    {
      *height = align_nearest (short_side, alignment);
      *width = align_nearest (short_side * aspect, alignment);
    }
  else
    {
      *width = align_nearest (short_side, alignment);
      *height = align_nearest (short_side / aspect, alignment);
    }

  return TRUE;
}
