/* inb-session.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One InbSession per process: the application makes it at start-up and
 * every window uses it; `inbetween generate` makes one for its run. It
 * owns the backend registry, the job queue (so a provider's concurrency
 * limit holds for the whole process), the keys, and the settings the
 * command line obeys too (provider addresses and regions, the default
 * backend). Both faces make takes through inb_session_generate_async().
 */
#define G_LOG_DOMAIN "inb-session"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-fs.h"
#include "inb-request-builder.h"
#include "inb-session.h"
#include "inb-take.h"

/* Settings keys (data/io.github.inbetween.Inbetween.gschema.xml) */
#define KEY_PROVIDER_URLS    "provider-urls"
#define KEY_PROVIDER_REGIONS "provider-regions"
#define KEY_DEFAULT_BACKEND  "default-backend"
#define KEY_DEFAULT_FIT      "default-fit"

struct _InbSession
{
  GObject             parent_instance;

  InbBackendRegistry *registry;
  InbJobQueue        *queue;
  InbSecrets         *secrets;
  GSettings          *settings;      /* nullable: the schema is not installed */
  InbLibrary         *library;       /* made when first asked for */
  char               *takes_dir;
  GHashTable         *warned;        /* "backend id\nwarning" already said */
};

enum
{
  ADDRESS_WARNING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InbSession, inb_session, G_TYPE_OBJECT)

InbGenerateInputs *
inb_generate_inputs_new (void)
{
  InbGenerateInputs *inputs = g_new0 (InbGenerateInputs, 1);

  inputs->seed = -1;
  return inputs;
}

InbGenerateInputs *
inb_generate_inputs_copy (const InbGenerateInputs *inputs)
{
  InbGenerateInputs *copy;

  g_return_val_if_fail (inputs != NULL, NULL);

  copy = inb_generate_inputs_new ();
  copy->backend_id = g_strdup (inputs->backend_id);
  copy->model_id = g_strdup (inputs->model_id);
  g_set_object (&copy->first, inputs->first);
  g_set_object (&copy->last, inputs->last);
  copy->prompt = g_strdup (inputs->prompt);
  copy->negative_prompt = g_strdup (inputs->negative_prompt);
  if (inputs->params != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), inputs->params);
      g_autoptr(JsonNode) dup = json_node_copy (node);

      copy->params = json_object_ref (json_node_get_object (dup));
    }
  copy->seed = inputs->seed;
  copy->group = g_strdup (inputs->group);

  return copy;
}

/**
 * inb_generate_inputs_new_from_take:
 *
 * Blocking. The keyframes are the take's as sent (already framed), so the
 * same request comes out again.
 */
InbGenerateInputs *
inb_generate_inputs_new_from_take (const char  *take_dir,
                                   GError     **error)
{
  g_autoptr(InbGenerateInputs) inputs = inb_generate_inputs_new ();
  g_autoptr(InbTake) take = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  JsonObject *params;

  g_return_val_if_fail (take_dir != NULL, NULL);

  take = inb_take_load (take_dir, error);
  if (take == NULL)
    return NULL;

  first = inb_take_dup_keyframe_path (take, FALSE);
  last = inb_take_dup_keyframe_path (take, TRUE);
  if (!(inputs->first = inb_keyframe_load (first, NULL, error)) ||
      !(inputs->last = inb_keyframe_load (last, NULL, error)))
    return NULL;

  inputs->backend_id = g_strdup (inb_take_get_backend_id (take));
  inputs->model_id = g_strdup (inb_take_get_model_id (take));
  inputs->prompt = g_strdup (inb_take_get_prompt (take));
  inputs->negative_prompt = g_strdup (inb_take_get_negative_prompt (take));
  inputs->seed = inb_take_get_seed (take);
  params = inb_take_get_params (take);
  inputs->params = json_object_new ();
  if (params != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (params);

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "seed"))
          json_object_set_member (inputs->params, l->data, json_object_dup_member (params, l->data));
    }

  return g_steal_pointer (&inputs);
}

void
inb_generate_inputs_free (InbGenerateInputs *inputs)
{
  if (inputs == NULL)
    return;

  g_free (inputs->group);
  g_free (inputs->backend_id);
  g_free (inputs->model_id);
  g_clear_object (&inputs->first);
  g_clear_object (&inputs->last);
  g_free (inputs->prompt);
  g_free (inputs->negative_prompt);
  g_clear_pointer (&inputs->params, json_object_unref);
  g_free (inputs);
}

/* Settings ---------------------------------------------------------------- */

/* The settings, or NULL (said once) when the schema is not installed: the
 * command line then runs on defaults instead of aborting in GSettings. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_printerr (_("Note: the settings schema %s is not installed; using the defaults.\n"), APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static char *
dict_lookup (GSettings  *settings,
             const char *key,
             const char *id)
{
  g_autoptr(GVariant) dict = NULL;
  char *value = NULL;

  if (settings == NULL)
    return NULL;

  dict = g_settings_get_value (settings, key);
  if (!g_variant_lookup (dict, id, "s", &value))
    return NULL;

  return value;
}

static void
dict_store (GSettings  *settings,
            const char *key,
            const char *id,
            const char *value)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k, *v;

  if (settings == NULL)
    return;

  old = g_settings_get_value (settings, key);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    if (!g_str_equal (k, id))
      g_variant_builder_add (&builder, "{ss}", k, v);
  if (value != NULL && *value != '\0')
    g_variant_builder_add (&builder, "{ss}", id, value);

  g_settings_set_value (settings, key, g_variant_builder_end (&builder));
}

/* Settings of an earlier Inbetween kept one key per provider
 * ("<id>-url", "<id>-region"); a value the user set there moves over once. */
static void
migrate_legacy_key (InbSession *self,
                    const char *id,
                    const char *suffix,
                    const char *dict_key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) user = NULL;
  g_autofree char *key = g_strdup_printf ("%s-%s", id, suffix);
  g_autofree char *current = NULL;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, key) ||
      (user = g_settings_get_user_value (self->settings, key)) == NULL ||
      !g_variant_is_of_type (user, G_VARIANT_TYPE_STRING))
    return;

  current = dict_lookup (self->settings, dict_key, id);
  if (current == NULL && *g_variant_get_string (user, NULL) != '\0')
    dict_store (self->settings, dict_key, id, g_variant_get_string (user, NULL));
  g_settings_reset (self->settings, key);
}

static void
migrate_legacy_settings (InbSession *self)
{
  GListModel *backends = inb_backend_registry_get_backends (self->registry);

  if (self->settings == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      migrate_legacy_key (self, inb_backend_get_id (backend), "url", KEY_PROVIDER_URLS);
      migrate_legacy_key (self, inb_backend_get_id (backend), "region", KEY_PROVIDER_REGIONS);
    }
}

/**
 * inb_session_dup_saved_url:
 *
 * Returns: (transfer full) (nullable): the address set in Preferences
 */
char *
inb_session_dup_saved_url (InbSession *self,
                           InbBackend *backend)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);

  return dict_lookup (self->settings, KEY_PROVIDER_URLS, inb_backend_get_id (backend));
}

/**
 * inb_session_set_saved_url:
 * @url: (nullable): %NULL or "" forgets it
 */
void
inb_session_set_saved_url (InbSession *self,
                           InbBackend *backend,
                           const char *url)
{
  g_autofree char *stripped = g_strstrip (g_strdup (url != NULL ? url : ""));

  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (INB_IS_BACKEND (backend));

  dict_store (self->settings, KEY_PROVIDER_URLS, inb_backend_get_id (backend), stripped);
}

/**
 * inb_session_dup_region:
 *
 * Returns: (transfer full) (nullable): the region chosen in Preferences,
 *   else the backend's default one; %NULL when it has no address
 */
char *
inb_session_dup_region (InbSession *self,
                        InbBackend *backend)
{
  g_autofree char *saved = NULL;
  const InbBackendRegion *region;

  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);

  saved = dict_lookup (self->settings, KEY_PROVIDER_REGIONS, inb_backend_get_id (backend));
  region = inb_backend_find_region (backend, saved);
  if (region == NULL)
    region = inb_backend_get_region (backend, 0);

  return region != NULL ? g_strdup (region->id) : NULL;
}

void
inb_session_set_region (InbSession *self,
                        InbBackend *backend,
                        const char *region_id)
{
  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (INB_IS_BACKEND (backend));
  g_return_if_fail (region_id == NULL || inb_backend_find_region (backend, region_id) != NULL);

  dict_store (self->settings, KEY_PROVIDER_REGIONS, inb_backend_get_id (backend), region_id);
}

/**
 * inb_session_dup_provider_url:
 * @source: (out) (optional): "environment", "settings" or "default"
 *
 * Returns: (transfer full) (nullable): where @backend is reached; %NULL
 *   when it has no address
 */
char *
inb_session_dup_provider_url (InbSession  *self,
                              InbBackend  *backend,
                              const char **source)
{
  const char *env_name;
  const char *env;
  g_autofree char *saved = NULL;
  g_autofree char *region = NULL;

  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);

  if (!inb_backend_has_address (backend))
    return NULL;

  env_name = inb_backend_get_url_env (backend);
  env = env_name != NULL ? g_getenv (env_name) : NULL;
  if (env != NULL && *env != '\0')
    {
      if (source != NULL)
        *source = "environment";
      return g_strdup (env);
    }

  saved = inb_session_dup_saved_url (self, backend);
  if (saved != NULL && *saved != '\0')
    {
      if (source != NULL)
        *source = "settings";
      return g_steal_pointer (&saved);
    }

  if (source != NULL)
    *source = "default";
  region = inb_session_dup_region (self, backend);
  return g_strdup (inb_backend_get_default_url (backend, region));
}

/**
 * inb_session_configure_backend:
 *
 * Points @backend at the address the environment, Preferences or its
 * region give (see inb_session_dup_provider_url()).
 */
void
inb_session_configure_backend (InbSession *self,
                               InbBackend *backend)
{
  g_autofree char *url = NULL;

  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (INB_IS_BACKEND (backend));

  url = inb_session_dup_provider_url (self, backend, NULL);
  if (url != NULL)
    inb_backend_set_base_url (backend, url);
}

static void
configure_all (InbSession *self)
{
  GListModel *backends = inb_backend_registry_get_backends (self->registry);

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      inb_session_configure_backend (self, backend);
    }
}

/* Said once per backend and address a run: each take after the first
 * would only repeat it. */
static void
backend_address_warning_cb (InbBackend *backend,
                            const char *message,
                            InbSession *self)
{
  g_autofree char *key = g_strconcat (inb_backend_get_id (backend), "\n", message, NULL);

  if (!g_hash_table_add (self->warned, g_steal_pointer (&key)))
    return;

  g_signal_emit (self, signals[ADDRESS_WARNING], 0, backend, message);
}

static void
provider_settings_changed_cb (InbSession *self,
                              const char *key,
                              GSettings  *settings)
{
  configure_all (self);
}

/**
 * inb_session_dup_default_backend_id:
 *
 * Returns: (transfer full): the backend new takes use unless told
 *   otherwise (Preferences), one that exists
 */
char *
inb_session_dup_default_backend_id (InbSession *self)
{
  g_autofree char *id = NULL;
  g_autoptr(InbBackend) first = NULL;

  g_return_val_if_fail (INB_IS_SESSION (self), NULL);

  if (self->settings != NULL)
    id = g_settings_get_string (self->settings, KEY_DEFAULT_BACKEND);
  if (id != NULL && inb_backend_registry_lookup (self->registry, id) != NULL)
    return g_steal_pointer (&id);

  first = g_list_model_get_item (inb_backend_registry_get_backends (self->registry), 0);
  return first != NULL ? g_strdup (inb_backend_get_id (first)) : NULL;
}

/**
 * inb_session_get_default_fit:
 *
 * Returns: how a new model frames keyframes of another shape until told
 *   otherwise (Preferences); %INB_FIT_CROP without settings
 */
InbFit
inb_session_get_default_fit (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), INB_FIT_CROP);

  if (self->settings == NULL)
    return INB_FIT_CROP;

  return g_settings_get_enum (self->settings, KEY_DEFAULT_FIT);
}

/* GObject ----------------------------------------------------------------- */

static void
inb_session_dispose (GObject *object)
{
  InbSession *self = INB_SESSION (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  g_clear_object (&self->library);
  g_clear_object (&self->queue);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (inb_session_parent_class)->dispose (object);
}

static void
inb_session_finalize (GObject *object)
{
  InbSession *self = INB_SESSION (object);

  g_free (self->takes_dir);
  g_hash_table_unref (self->warned);

  G_OBJECT_CLASS (inb_session_parent_class)->finalize (object);
}

static void
inb_session_class_init (InbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_session_dispose;
  object_class->finalize = inb_session_finalize;

  /**
   * InbSession::address-warning:
   * @backend: the backend about to reach its address
   * @message: what users should know about that address, in the
   *   backend's words ("… is plain http to another computer: …")
   *
   * A job of this session (generate, re-roll, resume; from the window or
   * the command line) is about to reach an address users should know
   * something about; nothing has been sent yet. Emitted once per backend
   * and message for the session's life.
   */
  signals[ADDRESS_WARNING] =
    g_signal_new ("address-warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, INB_TYPE_BACKEND, G_TYPE_STRING);
}

static void
inb_session_init (InbSession *self)
{
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * inb_session_new:
 * @registry: (nullable): the backends; %NULL: every registered one
 *   (inb_backend_registry_new_default())
 *
 * Reads the settings (or says once that there are none and uses the
 * defaults) and points every backend at its address.
 */
InbSession *
inb_session_new (InbBackendRegistry *registry)
{
  InbSession *self;

  g_return_val_if_fail (registry == NULL || INB_IS_BACKEND_REGISTRY (registry), NULL);

  self = g_object_new (INB_TYPE_SESSION, NULL);
  self->registry = registry != NULL ? g_object_ref (registry) : inb_backend_registry_new_default ();
  self->queue = inb_job_queue_new ();
  self->secrets = inb_secrets_new (self->registry);
  self->settings = open_settings ();
  self->takes_dir = inb_fs_get_takes_dir ();

  migrate_legacy_settings (self);
  configure_all (self);

  for (guint i = 0; i < g_list_model_get_n_items (inb_backend_registry_get_backends (self->registry)); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (inb_backend_registry_get_backends (self->registry), i);

      g_signal_connect_object (backend, "address-warning", G_CALLBACK (backend_address_warning_cb), self, 0);
    }

  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::" KEY_PROVIDER_URLS,
                               G_CALLBACK (provider_settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::" KEY_PROVIDER_REGIONS,
                               G_CALLBACK (provider_settings_changed_cb), self, G_CONNECT_SWAPPED);
    }

  return self;
}

InbBackendRegistry *
inb_session_get_registry (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  return self->registry;
}

InbJobQueue *
inb_session_get_queue (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  return self->queue;
}

InbSecrets *
inb_session_get_secrets (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  return self->secrets;
}

/**
 * inb_session_get_settings:
 *
 * Returns: (transfer none) (nullable): the settings; %NULL when the
 *   schema is not installed
 */
GSettings *
inb_session_get_settings (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  return self->settings;
}

const char *
inb_session_get_takes_dir (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  return self->takes_dir;
}

/**
 * inb_session_get_library:
 *
 * The list of every take in the session's takes folder (made, not yet
 * loaded: see inb_library_load_async()); takes queued through this
 * session join it at once.
 *
 * Returns: (transfer none)
 */
InbLibrary *
inb_session_get_library (InbSession *self)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);

  if (self->library == NULL)
    self->library = inb_library_new (self->takes_dir);

  return self->library;
}

void
inb_session_set_takes_dir (InbSession *self,
                           const char *takes_dir)
{
  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (takes_dir != NULL);
  g_return_if_fail (self->library == NULL);

  g_free (self->takes_dir);
  self->takes_dir = g_strdup (takes_dir);
}

/**
 * inb_session_lookup_backend:
 *
 * Returns: (transfer none) (nullable)
 */
InbBackend *
inb_session_lookup_backend (InbSession *self,
                            const char *backend_id)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (backend_id != NULL, NULL);

  return inb_backend_registry_lookup (self->registry, backend_id);
}

static gboolean
job_is_active (InbJob *job)
{
  return !inb_job_state_is_terminal (inb_job_get_state (job));
}

guint
inb_session_get_n_active_jobs (InbSession *self)
{
  GListModel *jobs;
  guint n = 0;

  g_return_val_if_fail (INB_IS_SESSION (self), 0);

  jobs = G_LIST_MODEL (self->queue);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(InbJob) job = g_list_model_get_item (jobs, i);

      n += job_is_active (job);
    }

  return n;
}

guint
inb_session_get_n_active_remote_jobs (InbSession *self)
{
  GListModel *jobs;
  guint n = 0;

  g_return_val_if_fail (INB_IS_SESSION (self), 0);

  jobs = G_LIST_MODEL (self->queue);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(InbJob) job = g_list_model_get_item (jobs, i);

      n += job_is_active (job) && inb_backend_has_address (inb_job_get_backend (job));
    }

  return n;
}

/* The generate path ------------------------------------------------------- */

typedef struct
{
  InbGenerateInputs *inputs;
  InbBackend        *backend;
  InbModel          *model;
  InbRequest        *request;
  InbTake           *take;
  char              *takes_dir;
} Generate;

static void
generate_free (Generate *g)
{
  inb_generate_inputs_free (g->inputs);
  g_clear_object (&g->backend);
  g_clear_object (&g->model);
  g_clear_object (&g->request);
  g_clear_object (&g->take);
  g_free (g->takes_dir);
  g_free (g);
}

/* Worker thread: validate and normalise (scaling images), then the take
 * exists on disk before its job starts. */
/* A take whose first save failed (a full disk, say) has no take.json: its
 * folder holds nothing a user could use, and is removed rather than left
 * as an empty folder in the library. Blocking (the worker). */
static void
discard_unsaved_take (Generate *g)
{
  g_autoptr(GError) error = NULL;

  if (g->take == NULL)
    return;
  if (!inb_fs_remove_dir (inb_take_get_dir (g->take), &error))
    g_debug ("Could not remove the unsaved take: %s", error->message);
  g_clear_object (&g->take);
}

static void
generate_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Generate *g = task_data;
  InbGenerateInputs *in = g->inputs;
  g_autoptr(GError) error = NULL;
  guint number;

  g->request = inb_request_build (g->backend, g->model, in->first, in->last,
                                  in->prompt, in->negative_prompt, in->params, in->seed, &error);
  if (g->request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Numbered before its folder exists (the first count is of folders) */
  number = inb_take_next_number (g->takes_dir);
  g->take = inb_take_create (g->takes_dir, g->request, &error);
  if (g->take != NULL && in->group != NULL)
    inb_take_set_group (g->take, in->group);
  if (g->take != NULL)
    {
      /* Held until the job ends: a take left unfinished and unlocked was
       * abandoned by a process that died (see InbLibrary) */
      if (!inb_take_acquire_lock (g->take, &error))
        {
          discard_unsaved_take (g);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      inb_take_set_number (g->take, number);
    }
  if (g->take == NULL || !inb_take_save (g->take, &error))
    {
      discard_unsaved_take (g);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
generate_built_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbSession *self = g_task_get_source_object (task);
  Generate *g = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = inb_job_new (g->backend, g->request, g->take);
  if (self->library != NULL)
    inb_library_add_job (self->library, job);
  inb_job_queue_add (self->queue, job);
  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

static void
generate_build (GTask *task)
{
  Generate *g = g_task_get_task_data (task);
  g_autoptr(GTask) build = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                                       generate_built_cb, g_object_ref (task));

  g_task_set_name (build, "[inb] build take");
  g_task_set_task_data (build, g, NULL);
  g_task_run_in_thread (build, generate_worker);
}

static void
generate_key_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Generate *g = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *name = inb_backend_get_short_name (g->backend);
  char *key;

  /* What the keys say now (a key removed in Preferences is gone) */
  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, NULL, &error);
  inb_backend_set_api_key (g->backend, key);
  inb_secrets_free_key (key);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!inb_backend_has_api_key (g->backend))
    {
      if (g_error_matches (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE))
        /* Translators: %s is a service, then what went wrong with the
         * keyring and what to do, in sentences, e.g. "The login keyring
         * does not exist or is locked. Open Passwords and Keys …" */
        g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH,
                                 _("No API key for %s: nothing was sent. %s"),
                                 name, error->message);
      else
        /* Translators: %s is a service, e.g. "DashScope" */
        g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH,
                                 _("No API key for %s: nothing was sent"), name);
      return;
    }

  generate_build (task);
}

/**
 * inb_session_generate_async:
 * @inputs: (transfer full): what the take is made from
 *
 * The one way a take is made (window and command line alike): finds the
 * backend and model, gets the backend's key when it takes one (without
 * blocking), points it at its address, validates and normalises
 * everything in a worker thread, writes the take, and queues its job on
 * the session's queue. Nothing is sent before all of it succeeded.
 */
void
inb_session_generate_async (InbSession          *self,
                            InbGenerateInputs   *inputs,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *backend_id = NULL;
  InbBackend *backend;
  InbModel *model;
  Generate *g;

  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (inputs != NULL);
  g_return_if_fail (INB_IS_KEYFRAME (inputs->first) && INB_IS_KEYFRAME (inputs->last));

  g = g_new0 (Generate, 1);
  g->inputs = inputs;
  g->takes_dir = g_strdup (self->takes_dir);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_session_generate_async);
  g_task_set_name (task, "[inb] generate");
  g_task_set_task_data (task, g, (GDestroyNotify) generate_free);

  backend_id = inputs->backend_id != NULL ? g_strdup (inputs->backend_id)
                                          : inb_session_dup_default_backend_id (self);
  backend = backend_id != NULL ? inb_backend_registry_lookup (self->registry, backend_id) : NULL;
  if (backend == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("Unknown backend “%s”"), backend_id != NULL ? backend_id : "");
      return;
    }

  model = inputs->model_id != NULL ? inb_backend_find_model (backend, inputs->model_id)
                                   : inb_backend_get_default_model (backend);
  if (model == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("%s has no model “%s”"), inb_backend_get_id (backend),
                               inputs->model_id != NULL ? inputs->model_id : "");
      return;
    }

  g->backend = g_object_ref (backend);
  g->model = g_object_ref (model);
  inb_session_configure_backend (self, backend);

  if (inb_backend_takes_key (backend))
    inb_secrets_lookup_async (self->secrets, inb_backend_get_id (backend), cancellable,
                              generate_key_cb, g_steal_pointer (&task));
  else
    generate_build (task);
}

/**
 * inb_session_generate_finish:
 *
 * Returns: (transfer full): the job, already queued; its take is on disk
 */
InbJob *
inb_session_generate_finish (InbSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_session_generate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Takes from takes ----------------------------------------------------------- */

gboolean
inb_session_can_reroll (InbSession  *self,
                        const char  *backend_id,
                        const char  *model_id,
                        char       **why)
{
  InbBackend *backend;
  InbModel *model;

  g_return_val_if_fail (INB_IS_SESSION (self), FALSE);

  backend = backend_id != NULL ? inb_backend_registry_lookup (self->registry, backend_id) : NULL;
  model = backend != NULL && model_id != NULL ? inb_backend_find_model (backend, model_id) : NULL;

  if (model == NULL)
    {
      if (why != NULL)
        /* Translators: %s is a backend and model, e.g. "local/flow" */
        *why = g_strdup_printf (_("This Inbetween has no %s/%s to make it again with"),
                                backend_id != NULL ? backend_id : "?", model_id != NULL ? model_id : "?");
      return FALSE;
    }

  if (inb_schema_lookup (inb_model_get_schema (model), "seed") == NULL)
    {
      if (why != NULL)
        /* Translators: %s is a backend's name */
        *why = g_strdup_printf (_("%s has no seed: it makes the same clip every time"),
                                inb_backend_get_short_name (backend));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  char      *take_dir;
  guint      n;
  guint      pending;
  GPtrArray *jobs;
  GError    *error;
} Reroll;

static void
reroll_free (Reroll *r)
{
  g_free (r->take_dir);
  g_clear_pointer (&r->jobs, g_ptr_array_unref);
  g_clear_error (&r->error);
  g_free (r);
}

static void
reroll_load_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Reroll *r = task_data;
  GError *error = NULL;
  InbGenerateInputs *inputs = inb_generate_inputs_new_from_take (r->take_dir, &error);

  if (inputs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, inputs, (GDestroyNotify) inb_generate_inputs_free);
}

static void
reroll_generated_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reroll *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  InbJob *job = inb_session_generate_finish (INB_SESSION (object), result, &error);

  if (job != NULL)
    g_ptr_array_add (r->jobs, job);
  else if (r->error == NULL)
    r->error = g_steal_pointer (&error);

  if (--r->pending > 0)
    return;

  /* Some made: those are queued, and they are what is returned */
  if (r->jobs->len == 0 && r->error != NULL)
    g_task_return_error (task, g_steal_pointer (&r->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (r->jobs), (GDestroyNotify) g_ptr_array_unref);
}

static void
reroll_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbSession *self = g_task_get_source_object (task);
  Reroll *r = g_task_get_task_data (task);
  g_autoptr(InbGenerateInputs) inputs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  g_autofree char *group = NULL;

  inputs = g_task_propagate_pointer (G_TASK (result), &error);
  if (inputs == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!inb_session_can_reroll (self, inputs->backend_id, inputs->model_id, &why))
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT, "%s", why);
      return;
    }

  if (r->n > 1)
    group = g_uuid_string_random ();

  r->pending = r->n;
  for (guint i = 0; i < r->n; i++)
    {
      InbGenerateInputs *copy = inb_generate_inputs_copy (inputs);

      copy->seed = -1;   /* a new one for each */
      copy->group = g_strdup (group);
      inb_session_generate_async (self, copy, g_task_get_cancellable (task),
                                  reroll_generated_cb, g_object_ref (task));
    }
}

/**
 * inb_session_reroll_async:
 * @take_dir: the take to make again
 * @n: how many (1 for a re-roll, 2 to 8 for variations)
 */
void
inb_session_reroll_async (InbSession          *self,
                          const char          *take_dir,
                          guint                n,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) load = NULL;
  Reroll *r;

  g_return_if_fail (INB_IS_SESSION (self));
  g_return_if_fail (take_dir != NULL);
  g_return_if_fail (n >= 1 && n <= 8);

  r = g_new0 (Reroll, 1);
  r->take_dir = g_strdup (take_dir);
  r->n = n;
  r->jobs = g_ptr_array_new_with_free_func (g_object_unref);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_session_reroll_async);
  g_task_set_task_data (task, r, (GDestroyNotify) reroll_free);

  load = g_task_new (self, cancellable, reroll_loaded_cb, g_steal_pointer (&task));
  g_task_set_name (load, "[inb] reroll load");
  g_task_set_task_data (load, r, NULL);
  g_task_run_in_thread (load, reroll_load_worker);
}

GPtrArray *
inb_session_reroll_finish (InbSession    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * inb_session_map_inputs:
 *
 * Returns: (transfer full): the inputs for @backend_id and @model_id, or
 *   %NULL with @error set when there is no such model
 */
InbGenerateInputs *
inb_session_map_inputs (InbSession               *self,
                        const InbGenerateInputs  *inputs,
                        const char               *backend_id,
                        const char               *model_id,
                        GPtrArray               **kept,
                        GPtrArray               **dropped,
                        GError                  **error)
{
  g_autoptr(InbGenerateInputs) mapped = NULL;
  g_autoptr(GList) members = NULL;
  InbBackend *backend;
  InbModel *model;
  InbSchema *schema;

  g_return_val_if_fail (INB_IS_SESSION (self), NULL);
  g_return_val_if_fail (inputs != NULL && backend_id != NULL, NULL);

  backend = inb_backend_registry_lookup (self->registry, backend_id);
  model = backend == NULL ? NULL
        : model_id != NULL ? inb_backend_find_model (backend, model_id) : inb_backend_get_default_model (backend);
  if (model == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("There is no model “%s” at “%s”"), model_id != NULL ? model_id : "", backend_id);
      return NULL;
    }

  schema = inb_model_get_schema (model);
  mapped = inb_generate_inputs_copy (inputs);
  g_free (mapped->backend_id);
  mapped->backend_id = g_strdup (backend_id);
  g_free (mapped->model_id);
  mapped->model_id = g_strdup (inb_model_get_id (model));
  g_clear_pointer (&mapped->params, json_object_unref);
  mapped->params = json_object_new ();
  mapped->seed = inb_schema_lookup (schema, "seed") != NULL ? inputs->seed : -1;
  if (inb_model_get_negative_max_length (model) == 0)
    g_clear_pointer (&mapped->negative_prompt, g_free);

  if (kept != NULL)
    *kept = g_ptr_array_new_with_free_func (g_free);
  if (dropped != NULL)
    *dropped = g_ptr_array_new_with_free_func (g_free);

  members = inputs->params != NULL ? json_object_get_members (inputs->params) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (inputs->params, l->data);

      if (inb_schema_lookup (schema, l->data) != NULL &&
          inb_schema_validate_value (schema, l->data, value, NULL))
        {
          json_object_set_member (mapped->params, l->data, json_node_copy (value));
          if (kept != NULL)
            g_ptr_array_add (*kept, g_strdup (l->data));
        }
      else if (dropped != NULL)
        g_ptr_array_add (*dropped, g_strdup (l->data));
    }

  return g_steal_pointer (&mapped);
}
