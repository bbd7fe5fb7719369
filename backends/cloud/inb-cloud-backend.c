/* inb-cloud-backend.c — the abstract base of the hosted (cloud) backends
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every hosted service is submit → id → poll → download (InbCloudJob);
 * this implements InbBackend once around it: the API key, the base URL
 * and its environment override, the poll and retry settings, validation,
 * generate, resume and remote cancel. A subclass fills in its class
 * struct (names, defaults, the job's submit and poll) and the few
 * provider-specific vfuncs.
 */

#define G_LOG_DOMAIN "inb-cloud"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-cloud-backend.h"
#include "inb-resources.h"

#define MAX_VIDEO_BYTES     ((goffset) 512 * 1024 * 1024)
#define MAX_WAIT_SECONDS    (3 * 60 * 60)

typedef struct
{
  GPtrArray *models;
  char      *api_key;
  char      *base_url;
  guint      poll_first_ms;
  guint      poll_max_ms;

  guint      retry_attempts;
  guint      retry_base_ms;
  guint      retry_max_ms;
  guint      retry_budget_s;
} InbCloudBackendPrivate;

static void inb_cloud_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (InbCloudBackend, inb_cloud_backend, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (InbCloudBackend)
                                  G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND,
                                                         inb_cloud_backend_iface_init))

#define CLASS(self) INB_CLOUD_BACKEND_GET_CLASS (self)

static const char *
service_name (InbCloudBackend *self)
{
  return inb_backend_get_short_name (INB_BACKEND (self));
}

static char *
no_key_message (InbCloudBackend *self)
{
  const InbBackendInfo *info = CLASS (self)->info;

  /* Translators: a service, then its variable, e.g. "No DashScope API key:
   * set DASHSCOPE_API_KEY or add the key in Preferences" */
  return g_strdup_printf (_("No %s API key: set %s or add the key in Preferences"),
                          g_dgettext (GETTEXT_PACKAGE, info->short_name != NULL ? info->short_name : info->name),
                          info->key_env);
}

/* Helpers for subclasses ------------------------------------------------- */

/* "WxH" or "W*H" (with @allow_note, a trailing " (…)"), sides 1 to 8192. */
static gboolean
parse_size (const char *size,
            char        separator,
            gboolean    allow_note,
            guint      *width,
            guint      *height)
{
  guint64 w, h;
  char *end = NULL;

  if (size == NULL)
    return FALSE;

  w = g_ascii_strtoull (size, &end, 10);
  if (end == NULL || *end != separator)
    return FALSE;
  h = g_ascii_strtoull (end + 1, &end, 10);
  if (end == NULL || (*end != '\0' && !(allow_note && *end == ' ')) ||
      w == 0 || h == 0 || w > 8192 || h > 8192)
    return FALSE;

  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/**
 * inb_cloud_backend_cancel_job:
 *
 * An InbCloudJobClass.cancel for jobs started by an InbCloudBackend (the
 * job's data is the backend's class): the job's cancellable has fired, so
 * a short call of its own.
 */
gboolean
inb_cloud_backend_cancel_job (InbCloudJob  *job,
                              GError      **error)
{
  InbCloudBackendClass *klass = inb_cloud_job_get_data (job);

  g_return_val_if_fail (INB_IS_CLOUD_BACKEND_CLASS (klass), FALSE);
  g_return_val_if_fail (klass->cancel_task != NULL, FALSE);

  return klass->cancel_task (inb_cloud_job_get_client (job), inb_cloud_job_get_base_url (job),
                             inb_cloud_job_get_task_id (job), NULL, error);
}

/* InbBackend ------------------------------------------------------------ */

static const InbBackendInfo *
inb_cloud_backend_get_info (InbBackend *backend)
{
  return CLASS (backend)->info;
}

static void
inb_cloud_backend_iface_set_api_key (InbBackend *backend,
                                     const char *api_key)
{
  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (backend), api_key);
}

static gboolean
inb_cloud_backend_iface_has_api_key (InbBackend *backend)
{
  return inb_cloud_backend_has_api_key (INB_CLOUD_BACKEND (backend));
}

static void
inb_cloud_backend_iface_set_base_url (InbBackend *backend,
                                      const char *base_url)
{
  inb_cloud_backend_set_base_url (INB_CLOUD_BACKEND (backend), base_url);
}

static const char *
inb_cloud_backend_iface_get_base_url (InbBackend *backend)
{
  return inb_cloud_backend_get_base_url (INB_CLOUD_BACKEND (backend));
}

static GPtrArray *
inb_cloud_backend_get_models (InbBackend *backend)
{
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (INB_CLOUD_BACKEND (backend));

  return priv->models;
}

static guint
inb_cloud_backend_get_max_concurrent (InbBackend *backend,
                                      InbModel   *model)
{
  InbCloudBackendClass *klass = CLASS (backend);

  if (klass->get_max_concurrent != NULL)
    return klass->get_max_concurrent (INB_CLOUD_BACKEND (backend), model);

  return MAX (1, klass->max_concurrent);
}

static gboolean
inb_cloud_backend_get_frame_size (InbBackend  *backend,
                                  InbModel    *model,
                                  JsonObject  *params,
                                  guint        source_width,
                                  guint        source_height,
                                  guint       *width,
                                  guint       *height,
                                  GError     **error)
{
  InbCloudBackendClass *klass = CLASS (backend);
  const char *size;

  if (klass->get_frame_size != NULL)
    return klass->get_frame_size (INB_CLOUD_BACKEND (backend), model, params,
                                  source_width, source_height, width, height, error);

  /* The clip is exactly the chosen size; keyframes are fitted to it. */
  size = inb_params_get_string (params, klass->size_param, klass->size_default);
  if (!parse_size (size, klass->size_separator, klass->size_note, width, height))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("Unknown size “%s”"), size);
      return FALSE;
    }

  return TRUE;
}

/* Both keyframes within the model's side limits. */
static gboolean
inb_cloud_backend_real_check_keyframes (InbCloudBackend  *self,
                                        InbModel         *model,
                                        InbRequest       *request,
                                        GError          **error)
{
  InbImage *images[2] = { inb_request_get_first (request), inb_request_get_last (request) };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      guint w = inb_image_get_width (images[i]);
      guint h = inb_image_get_height (images[i]);

      if (w < inb_model_get_min_side (model) || h < inb_model_get_min_side (model) ||
          w > inb_model_get_max_side (model) || h > inb_model_get_max_side (model))
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       /* Translators: "A keyframe is 3000 × 2000; WaveSpeed's wan-2.2 takes 256 to 2048 pixels a side" */
                       _("A keyframe is %u × %u; %s's %s takes %u to %u pixels a side"),
                       w, h, service_name (self), inb_model_get_id (model),
                       inb_model_get_min_side (model), inb_model_get_max_side (model));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
inb_cloud_backend_validate (InbBackend  *backend,
                            InbRequest  *request,
                            GError     **error)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (backend);
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  InbModel *model = inb_backend_find_model (backend, inb_request_get_model_id (request));
  g_autoptr(GError) url_error = NULL;

  if (priv->api_key == NULL)
    {
      g_autofree char *message = no_key_message (self);

      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH, message);
      return FALSE;
    }

  if (!inb_http_check_url (priv->base_url, &url_error))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   /* Translators: "The DashScope address is not usable: …" */
                   _("The %s address is not usable: %s"), service_name (self), url_error->message);
      return FALSE;
    }

  if (model == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s has no model “%s”"), service_name (self), inb_request_get_model_id (request));
      return FALSE;
    }

  if (inb_request_get_first (request) == NULL || inb_request_get_last (request) == NULL)
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("Both a first and a last keyframe are needed"));
      return FALSE;
    }

  return CLASS (self)->check_keyframes (self, model, request, error);
}

static InbHttpClient *
make_client (InbCloudBackend *self)
{
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  InbHttpClient *client = inb_http_client_new ();

  inb_http_client_set_bearer_token (client, priv->api_key);
  inb_http_client_set_retry_policy (client, priv->retry_attempts, priv->retry_base_ms,
                                    priv->retry_max_ms, priv->retry_budget_s);
  return client;
}

static void
start_job (InbCloudBackend     *self,
           gpointer             source_tag,
           InbRequest          *request,
           InbProgress         *progress,
           const char          *resume_task_id,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  g_autoptr(InbHttpClient) client = make_client (self);
  InbCloudJobOptions options = {
    .poll_first_ms = priv->poll_first_ms,
    .poll_max_ms = priv->poll_max_ms,
    .max_wait_s = MAX_WAIT_SECONDS,
    .max_video_bytes = MAX_VIDEO_BYTES,
  };

  /* The job's data is the class, for inb_cloud_backend_cancel_job() */
  inb_cloud_job_start (CLASS (self)->job, &options, self, source_tag,
                       request, progress, client, priv->base_url, resume_task_id,
                       CLASS (self), NULL, cancellable, callback, user_data);
}

static void
inb_cloud_backend_generate_async (InbBackend          *backend,
                                  InbRequest          *request,
                                  InbProgress         *progress,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (backend);
  g_autoptr(GError) error = NULL;

  if (!inb_cloud_backend_validate (backend, request, &error))
    {
      g_task_report_error (self, callback, user_data, inb_cloud_backend_generate_async,
                           g_steal_pointer (&error));
      return;
    }

  start_job (self, inb_cloud_backend_generate_async, request, progress, NULL,
             cancellable, callback, user_data);
}

static InbResult *
inb_cloud_backend_job_finish (InbBackend    *backend,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return inb_cloud_job_finish (result, error);
}

static const char *
remote_task_id (JsonObject *remote_state)
{
  const char *task_id = inb_json_get_string (remote_state, "task_id");

  return (task_id != NULL && *task_id != '\0') ? task_id : NULL;
}

/* Picks up a task submitted earlier (remote_state = {"task_id": …}):
 * polls it and downloads the clip if it is still there. */
static void
inb_cloud_backend_resume_async (InbBackend          *backend,
                                InbRequest          *request,
                                JsonObject          *remote_state,
                                InbProgress         *progress,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (backend);
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  const char *task_id = remote_task_id (remote_state);

  if (task_id == NULL || priv->api_key == NULL)
    {
      g_autofree char *message = task_id == NULL ? g_strdup_printf (_("There is no %s task to resume"), service_name (self))
                                                 : no_key_message (self);

      g_task_report_new_error (self, callback, user_data, inb_cloud_backend_resume_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT, "%s", message);
      return;
    }

  start_job (self, inb_cloud_backend_resume_async, request, progress, task_id,
             cancellable, callback, user_data);
}

typedef struct
{
  InbCloudBackendClass *klass;
  InbHttpClient        *client;
  char                 *base_url;
  char                 *task_id;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_clear_object (&data->client);
  g_free (data->base_url);
  g_free (data->task_id);
  g_free (data);
}

static void
cancel_worker (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CancelData *data = task_data;
  GError *error = NULL;

  if (data->klass->cancel_task (data->client, data->base_url, data->task_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Cancels a task submitted earlier (remote_state = {"task_id": …}). */
static void
inb_cloud_backend_cancel_remote_async (InbBackend          *backend,
                                       InbRequest          *request,
                                       JsonObject          *remote_state,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (backend);
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  const char *task_id = remote_task_id (remote_state);
  g_autoptr(GTask) task = NULL;
  CancelData *data;

  if (CLASS (self)->cancel_task == NULL)
    {
      /* The interface's default: this service cannot cancel */
      InbBackendInterface *fallback = g_type_default_interface_peek (INB_TYPE_BACKEND);

      fallback->cancel_remote_async (backend, request, remote_state, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_cloud_backend_cancel_remote_async);
  g_task_set_name (task, "[inb] cloud cancel");

  if (task_id == NULL || priv->api_key == NULL)
    {
      g_autofree char *message = task_id == NULL ? g_strdup_printf (_("There is no %s task to cancel"), service_name (self))
                                                 : no_key_message (self);

      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT, "%s", message);
      return;
    }

  data = g_new0 (CancelData, 1);
  data->klass = CLASS (self);
  data->client = inb_http_client_new ();
  inb_http_client_set_bearer_token (data->client, priv->api_key);
  inb_http_client_set_retry_policy (data->client, 1, 0, 0, 0);
  data->base_url = g_strdup (priv->base_url);
  data->task_id = g_strdup (task_id);
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);
  g_task_run_in_thread (task, cancel_worker);
}

static gboolean
inb_cloud_backend_cancel_remote_finish (InbBackend    *backend,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
inb_cloud_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_info = inb_cloud_backend_get_info;
  iface->set_api_key = inb_cloud_backend_iface_set_api_key;
  iface->has_api_key = inb_cloud_backend_iface_has_api_key;
  iface->set_base_url = inb_cloud_backend_iface_set_base_url;
  iface->get_base_url = inb_cloud_backend_iface_get_base_url;
  iface->get_models = inb_cloud_backend_get_models;
  iface->get_max_concurrent = inb_cloud_backend_get_max_concurrent;
  iface->get_frame_size = inb_cloud_backend_get_frame_size;
  iface->validate = inb_cloud_backend_validate;
  iface->generate_async = inb_cloud_backend_generate_async;
  iface->generate_finish = inb_cloud_backend_job_finish;
  iface->resume_async = inb_cloud_backend_resume_async;
  iface->resume_finish = inb_cloud_backend_job_finish;
  iface->cancel_remote_async = inb_cloud_backend_cancel_remote_async;
  iface->cancel_remote_finish = inb_cloud_backend_cancel_remote_finish;
}

/* Looking a lost submit up ---------------------------------------------- */

void
inb_cloud_task_info_free (InbCloudTaskInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->task_id);
  g_free (info->model);
  g_free (info->status);
  g_free (info);
}

void
inb_cloud_lookup_free (InbCloudLookup *lookup)
{
  if (lookup == NULL)
    return;

  g_free (lookup->task_id);
  g_clear_pointer (&lookup->matches, g_ptr_array_unref);
  g_free (lookup);
}

/**
 * inb_cloud_backend_can_look_up:
 *
 * Returns: whether the service can list its tasks, so that a submit whose
 *   answer was lost can be found there (inb_cloud_backend_look_up_async())
 */
gboolean
inb_cloud_backend_can_look_up (InbCloudBackend *self)
{
  g_return_val_if_fail (INB_IS_CLOUD_BACKEND (self), FALSE);

  return CLASS (self)->list_tasks != NULL;
}

typedef struct
{
  InbCloudBackendClass *klass;
  InbHttpClient        *client;
  char                 *base_url;
  char                 *model_id;
  GDateTime            *from;
  GDateTime            *to;
  GStrv                 known;
} LookUpData;

static void
look_up_data_free (LookUpData *data)
{
  g_clear_object (&data->client);
  g_free (data->base_url);
  g_free (data->model_id);
  g_clear_pointer (&data->from, g_date_time_unref);
  g_clear_pointer (&data->to, g_date_time_unref);
  g_strfreev (data->known);
  g_free (data);
}

static void
look_up_worker (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LookUpData *data = task_data;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_cloud_task_info_free);
  g_autoptr(InbCloudLookup) lookup = g_new0 (InbCloudLookup, 1);
  gint64 from = g_date_time_to_unix (data->from) * G_USEC_PER_SEC;
  gint64 to = g_date_time_to_unix (data->to) * G_USEC_PER_SEC;
  GError *error = NULL;

  if (!data->klass->list_tasks (data->client, data->base_url, data->model_id, data->from, data->to,
                                tasks, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  lookup->listed = tasks->len;
  lookup->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_cloud_task_info_free);
  for (guint i = 0; i < tasks->len; i++)
    {
      InbCloudTaskInfo *info = g_ptr_array_index (tasks, i);
      gboolean known = FALSE;

      /* Only what can be matched: the model, the time, and not a task
       * another take already follows */
      if (info->created < from || info->created > to)
        continue;
      if (info->model != NULL && g_strcmp0 (info->model, data->model_id) != 0)
        continue;
      for (guint k = 0; data->known != NULL && data->known[k] != NULL; k++)
        known |= g_str_equal (data->known[k], info->task_id);
      if (known)
        continue;

      /* The same task listed twice (pages shifting under us) counts once */
      for (guint k = 0; k < lookup->matches->len; k++)
        known |= g_str_equal (((InbCloudTaskInfo *) g_ptr_array_index (lookup->matches, k))->task_id,
                              info->task_id);
      if (known)
        continue;

      g_ptr_array_add (lookup->matches, g_steal_pointer (&g_ptr_array_index (tasks, i)));
    }

  if (lookup->matches->len == 1)
    {
      lookup->outcome = INB_CLOUD_LOOKUP_FOUND;
      lookup->task_id = g_strdup (((InbCloudTaskInfo *) g_ptr_array_index (lookup->matches, 0))->task_id);
    }
  else
    lookup->outcome = lookup->matches->len > 1 ? INB_CLOUD_LOOKUP_AMBIGUOUS : INB_CLOUD_LOOKUP_NONE;

  g_debug ("%s: %u tasks listed, %u of %s between the times",
           g_dgettext (GETTEXT_PACKAGE, data->klass->info->short_name), lookup->listed, lookup->matches->len, data->model_id);
  g_task_return_pointer (task, g_steal_pointer (&lookup), (GDestroyNotify) inb_cloud_lookup_free);
}

/**
 * inb_cloud_backend_look_up_async:
 * @model_id: the model the lost submit asked for
 * @from: the earliest the service can have created the task
 * @to: the latest
 * @known_task_ids: (nullable) (array zero-terminated=1): tasks other takes
 *   already follow; never a match
 *
 * Finds the task a submit with a lost answer may have created: lists the
 * service's tasks of @model_id created between @from and @to (GET
 * requests only; nothing is ever submitted). Deciding what to do with
 * the answer is the caller's: adopt a single match, never guess between
 * several.
 */
void
inb_cloud_backend_look_up_async (InbCloudBackend     *self,
                                 const char          *model_id,
                                 GDateTime           *from,
                                 GDateTime           *to,
                                 const char * const  *known_task_ids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  InbCloudBackendPrivate *priv;
  g_autoptr(GTask) task = NULL;
  LookUpData *data;

  g_return_if_fail (INB_IS_CLOUD_BACKEND (self));
  g_return_if_fail (model_id != NULL && from != NULL && to != NULL);

  priv = inb_cloud_backend_get_instance_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_cloud_backend_look_up_async);
  g_task_set_name (task, "[inb] cloud look up");

  if (CLASS (self)->list_tasks == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s has no way to look a task up"), service_name (self));
      return;
    }
  if (priv->api_key == NULL)
    {
      g_autofree char *message = no_key_message (self);

      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH, "%s", message);
      return;
    }

  inb_backend_warn_address (INB_BACKEND (self));

  data = g_new0 (LookUpData, 1);
  data->klass = CLASS (self);
  data->client = make_client (self);
  data->base_url = g_strdup (priv->base_url);
  data->model_id = g_strdup (model_id);
  data->from = g_date_time_ref (from);
  data->to = g_date_time_ref (to);
  data->known = g_strdupv ((char **) known_task_ids);
  g_task_set_task_data (task, data, (GDestroyNotify) look_up_data_free);
  g_task_run_in_thread (task, look_up_worker);
}

/**
 * inb_cloud_backend_look_up_finish:
 *
 * Returns: (transfer full): what the service lists, or %NULL with @error
 *   set (the lookup itself failed: nothing can be concluded)
 */
InbCloudLookup *
inb_cloud_backend_look_up_finish (InbCloudBackend  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_cloud_backend_look_up_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject --------------------------------------------------------------- */

/* The class data is the subclass's only once its class_init has run, so
 * the settings are read here rather than in _init. */
static void
inb_cloud_backend_constructed (GObject *object)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (object);
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);
  InbCloudBackendClass *klass = CLASS (self);
  g_autoptr(GError) error = NULL;
  const char *url = klass->info->url_env != NULL ? g_getenv (klass->info->url_env) : NULL;
  const char *poll = klass->poll_env != NULL ? g_getenv (klass->poll_env) : NULL;

  G_OBJECT_CLASS (inb_cloud_backend_parent_class)->constructed (object);

  g_assert (klass->job != NULL && klass->info != NULL && klass->info->regions != NULL);
  g_assert ((klass->info->lost_submit == INB_LOST_SUBMIT_TASK_LIST) == (klass->list_tasks != NULL));
  g_assert (klass->get_frame_size != NULL || klass->size_param != NULL);

  (void) inb_get_resource ();

  priv->models = inb_model_list_new_from_resource (klass->models_resource, &error);
  if (priv->models == NULL)
    {
      g_critical ("Could not load %s: %s", klass->models_resource, error->message);
      priv->models = g_ptr_array_new_with_free_func (g_object_unref);
    }

  inb_cloud_backend_set_base_url (self, url != NULL && *url != '\0' ? url : klass->info->regions[0].url);
  inb_cloud_backend_set_api_key (self, klass->info->key_env != NULL ? g_getenv (klass->info->key_env) : NULL);

  priv->poll_first_ms = klass->poll_first_ms;
  priv->poll_max_ms = MAX (klass->poll_first_ms, klass->poll_max_ms);
  if (poll != NULL && *poll != '\0')
    {
      guint64 ms = g_ascii_strtoull (poll, NULL, 10);

      if (ms >= 10 && ms <= 60000)
        priv->poll_first_ms = priv->poll_max_ms = (guint) ms;
    }
}

static void
inb_cloud_backend_finalize (GObject *object)
{
  InbCloudBackend *self = INB_CLOUD_BACKEND (object);
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);

  g_clear_pointer (&priv->models, g_ptr_array_unref);
  inb_cloud_backend_set_api_key (self, NULL);
  g_free (priv->base_url);

  G_OBJECT_CLASS (inb_cloud_backend_parent_class)->finalize (object);
}

static void
inb_cloud_backend_class_init (InbCloudBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = inb_cloud_backend_constructed;
  object_class->finalize = inb_cloud_backend_finalize;

  klass->poll_first_ms = 5000;
  klass->poll_max_ms = 15000;
  klass->max_concurrent = 2;
  klass->check_keyframes = inb_cloud_backend_real_check_keyframes;
}

static void
inb_cloud_backend_init (InbCloudBackend *self)
{
  InbCloudBackendPrivate *priv = inb_cloud_backend_get_instance_private (self);

  priv->retry_attempts = 6;
  priv->retry_base_ms = 1000;
  priv->retry_max_ms = 60000;
  priv->retry_budget_s = 15 * 60;
}

/* Settings -------------------------------------------------------------- */

/**
 * inb_cloud_backend_set_api_key:
 * @api_key: (nullable): the key, or %NULL/"" for none
 *
 * Jobs already started keep the key they started with.
 */
void
inb_cloud_backend_set_api_key (InbCloudBackend *self,
                               const char      *api_key)
{
  InbCloudBackendPrivate *priv;

  g_return_if_fail (INB_IS_CLOUD_BACKEND (self));

  priv = inb_cloud_backend_get_instance_private (self);
  if (priv->api_key != NULL)
    {
      memset (priv->api_key, 0, strlen (priv->api_key));
      g_clear_pointer (&priv->api_key, g_free);
    }

  if (api_key != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (api_key));

      if (*stripped != '\0' && strpbrk (stripped, "\r\n") == NULL)
        priv->api_key = g_steal_pointer (&stripped);
    }
}

gboolean
inb_cloud_backend_has_api_key (InbCloudBackend *self)
{
  InbCloudBackendPrivate *priv;

  g_return_val_if_fail (INB_IS_CLOUD_BACKEND (self), FALSE);

  priv = inb_cloud_backend_get_instance_private (self);
  return priv->api_key != NULL;
}

/**
 * inb_cloud_backend_set_base_url:
 * @base_url: e.g. %INB_DASHSCOPE_URL_SINGAPORE (no trailing slash needed)
 */
void
inb_cloud_backend_set_base_url (InbCloudBackend *self,
                                const char      *base_url)
{
  InbCloudBackendPrivate *priv;
  gsize len;

  g_return_if_fail (INB_IS_CLOUD_BACKEND (self));
  g_return_if_fail (base_url != NULL);

  priv = inb_cloud_backend_get_instance_private (self);
  g_free (priv->base_url);
  priv->base_url = g_strdup (base_url);
  len = strlen (priv->base_url);
  while (len > 0 && priv->base_url[len - 1] == '/')
    priv->base_url[--len] = '\0';
}

const char *
inb_cloud_backend_get_base_url (InbCloudBackend *self)
{
  InbCloudBackendPrivate *priv;

  g_return_val_if_fail (INB_IS_CLOUD_BACKEND (self), NULL);

  priv = inb_cloud_backend_get_instance_private (self);
  return priv->base_url;
}

/**
 * inb_cloud_backend_set_poll_interval:
 *
 * First poll after @first_ms, then 1.5× longer each time up to @max_ms.
 * The defaults are the class's (and its environment override's).
 */
void
inb_cloud_backend_set_poll_interval (InbCloudBackend *self,
                                     guint            first_ms,
                                     guint            max_ms)
{
  InbCloudBackendPrivate *priv;

  g_return_if_fail (INB_IS_CLOUD_BACKEND (self));
  g_return_if_fail (first_ms > 0);

  priv = inb_cloud_backend_get_instance_private (self);
  priv->poll_first_ms = first_ms;
  priv->poll_max_ms = MAX (first_ms, max_ms);
}

/**
 * inb_cloud_backend_set_retry_policy:
 *
 * The retry policy of the polls and downloads (submits are never retried);
 * see inb_http_client_set_retry_policy().
 */
void
inb_cloud_backend_set_retry_policy (InbCloudBackend *self,
                                    guint            max_attempts,
                                    guint            base_delay_ms,
                                    guint            max_delay_ms,
                                    guint            budget_seconds)
{
  InbCloudBackendPrivate *priv;

  g_return_if_fail (INB_IS_CLOUD_BACKEND (self));
  g_return_if_fail (max_attempts >= 1);

  priv = inb_cloud_backend_get_instance_private (self);
  priv->retry_attempts = max_attempts;
  priv->retry_base_ms = base_delay_ms;
  priv->retry_max_ms = max_delay_ms;
  priv->retry_budget_s = budget_seconds;
}
