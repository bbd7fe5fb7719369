/* inb-secrets.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a provider's key comes from, in order:
 *
 *   1. its environment variable, when set and not empty;
 *   2. a key stored this run that the keyring refused (memory only);
 *   3. the Secret Service (libsecret), item of schema
 *      io.github.inbetween.Inbetween.ApiKey {provider, version = 1}.
 *
 * Keyring calls use libsecret's async API with a timeout, so a stalled or
 * absent Secret Service never holds up the main loop; the blocking
 * variants run the same calls on a private main context. When the keyring
 * cannot store a key it is kept in memory for this run and the caller is
 * told (INB_KEY_SOURCE_SESSION). A key is never written to a file by this
 * module, and never logged.
 */
#define G_LOG_DOMAIN "inb-secrets"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "inb-secrets.h"

/* A backend that takes a key, as its class declares it (InbBackendInfo).
 * Copied when the secrets are made, so worker threads read it freely. */
typedef struct
{
  char *id;
  char *name;
  char *env_var;
} Provider;

static void
provider_free (Provider *p)
{
  g_free (p->id);
  g_free (p->name);
  g_free (p->env_var);
  g_free (p);
}

static const SecretSchema key_schema = {
  INB_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

struct _InbSecrets
{
  GObject     parent_instance;

  GPtrArray  *providers;    /* Provider, in the registry's order; read-only */
  char      **provider_ids;
  GMutex      mutex;        /* the blocking calls may run in worker threads */
  GHashTable *session;      /* provider → key kept for this run only */
  char       *problem;      /* the last one, whichever provider */
  GHashTable *problems;     /* provider → its last problem */
  guint       timeout_ms;
};

G_DEFINE_FINAL_TYPE (InbSecrets, inb_secrets, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-secrets-error-quark, inb_secrets_error)

void
inb_secrets_free_key (char *key)
{
  if (key == NULL)
    return;

  secret_password_wipe (key);
  g_free (key);
}

static const Provider *
find_provider (InbSecrets *self,
               const char *provider)
{
  for (guint i = 0; provider != NULL && i < self->providers->len; i++)
    {
      const Provider *p = g_ptr_array_index (self->providers, i);

      if (g_str_equal (p->id, provider))
        return p;
    }

  return NULL;
}

/**
 * inb_secrets_get_providers:
 *
 * Returns: (transfer none) (array zero-terminated=1): the ids of the
 *   backends that take a key, in the registry's order
 */
const char * const *
inb_secrets_get_providers (InbSecrets *self)
{
  g_return_val_if_fail (INB_IS_SECRETS (self), NULL);

  return (const char * const *) self->provider_ids;
}

gboolean
inb_secrets_is_provider (InbSecrets *self,
                         const char *provider)
{
  g_return_val_if_fail (INB_IS_SECRETS (self), FALSE);

  return find_provider (self, provider) != NULL;
}

/**
 * inb_secrets_get_env_var:
 *
 * Returns: (nullable): the variable the backend declares for its key
 */
const char *
inb_secrets_get_env_var (InbSecrets *self,
                         const char *provider)
{
  const Provider *p;

  g_return_val_if_fail (INB_IS_SECRETS (self), NULL);

  p = find_provider (self, provider);
  return p != NULL ? p->env_var : NULL;
}

/**
 * inb_secrets_get_provider_name:
 *
 * Returns: the backend's short name (translated), or @provider itself
 */
const char *
inb_secrets_get_provider_name (InbSecrets *self,
                               const char *provider)
{
  const Provider *p;

  g_return_val_if_fail (INB_IS_SECRETS (self), provider);

  p = find_provider (self, provider);
  return p != NULL ? p->name : provider;
}

const char *
inb_key_source_to_string (InbKeySource source)
{
  switch (source)
    {
    case INB_KEY_SOURCE_ENVIRONMENT:
      return "environment";
    case INB_KEY_SOURCE_KEYRING:
      return "keyring";
    case INB_KEY_SOURCE_SESSION:
      return "session";
    case INB_KEY_SOURCE_NONE:
    default:
      return "none";
    }
}

static void
inb_secrets_finalize (GObject *object)
{
  InbSecrets *self = INB_SECRETS (object);

  g_hash_table_unref (self->session);
  g_hash_table_unref (self->problems);
  g_ptr_array_unref (self->providers);
  g_strfreev (self->provider_ids);
  g_free (self->problem);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (inb_secrets_parent_class)->finalize (object);
}

static void
inb_secrets_class_init (InbSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_secrets_finalize;
}

static void
inb_secrets_init (InbSecrets *self)
{
  g_mutex_init (&self->mutex);
  self->session = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) inb_secrets_free_key);
  self->problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->timeout_ms = INB_SECRETS_DEFAULT_TIMEOUT_MS;
}

/**
 * inb_secrets_new:
 * @registry: the backends: each one whose class declares a key variable
 *   (inb_backend_takes_key()) is a provider whose key is kept here
 */
InbSecrets *
inb_secrets_new (InbBackendRegistry *registry)
{
  InbSecrets *self;
  GListModel *backends;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  g_return_val_if_fail (INB_IS_BACKEND_REGISTRY (registry), NULL);

  self = g_object_new (INB_TYPE_SECRETS, NULL);
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) provider_free);

  backends = inb_backend_registry_get_backends (registry);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      Provider *p;

      if (!inb_backend_takes_key (backend))
        continue;

      p = g_new0 (Provider, 1);
      p->id = g_strdup (inb_backend_get_id (backend));
      p->name = g_strdup (inb_backend_get_short_name (backend));
      p->env_var = g_strdup (inb_backend_get_key_env (backend));
      g_ptr_array_add (self->providers, p);
      g_strv_builder_add (ids, p->id);
    }
  self->provider_ids = g_strv_builder_end (ids);

  return self;
}

void
inb_secrets_set_timeout (InbSecrets *self,
                         guint       timeout_ms)
{
  g_return_if_fail (INB_IS_SECRETS (self));

  self->timeout_ms = MAX (timeout_ms, 1);
}

/**
 * inb_secrets_dup_problem:
 *
 * Returns: (transfer full) (nullable): why the keyring could not be used
 *   the last time it failed
 */
char *
inb_secrets_dup_problem (InbSecrets *self)
{
  char *problem;

  g_return_val_if_fail (INB_IS_SECRETS (self), NULL);

  g_mutex_lock (&self->mutex);
  problem = g_strdup (self->problem);
  g_mutex_unlock (&self->mutex);

  return problem;
}

/**
 * inb_secrets_is_session_only:
 *
 * Returns: whether @provider's key lives in memory for this run only
 */
gboolean
inb_secrets_is_session_only (InbSecrets *self,
                             const char *provider)
{
  gboolean found;

  g_return_val_if_fail (INB_IS_SECRETS (self), FALSE);

  g_mutex_lock (&self->mutex);
  found = g_hash_table_contains (self->session, provider);
  g_mutex_unlock (&self->mutex);

  return found;
}

/**
 * inb_secrets_dup_provider_problem:
 *
 * Returns: (transfer full) (nullable): why the keyring could not be used
 *   the last time it failed for @provider (its advice names @provider's
 *   key variable)
 */
char *
inb_secrets_dup_provider_problem (InbSecrets *self,
                                  const char *provider)
{
  char *problem;

  g_return_val_if_fail (INB_IS_SECRETS (self), NULL);

  g_mutex_lock (&self->mutex);
  problem = g_strdup (g_hash_table_lookup (self->problems, provider));
  g_mutex_unlock (&self->mutex);

  return problem;
}

static void
set_problem (InbSecrets   *self,
             const char   *provider,
             const GError *error)
{
  g_mutex_lock (&self->mutex);
  g_free (self->problem);
  self->problem = g_strdup (error->message);
  g_hash_table_replace (self->problems, g_strdup (provider), g_strdup (error->message));
  g_mutex_unlock (&self->mutex);
}

static char *
dup_session_key (InbSecrets *self,
                 const char *provider)
{
  char *key;

  g_mutex_lock (&self->mutex);
  key = g_strdup (g_hash_table_lookup (self->session, provider));
  g_mutex_unlock (&self->mutex);

  return key;
}

static gboolean
check_provider (InbSecrets  *self,
                const char  *provider,
                GError     **error)
{
  if (find_provider (self, provider) == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", self->provider_ids);

      g_set_error (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNKNOWN_PROVIDER,
                   _("“%s” is not a provider that takes a key (known: %s)"),
                   provider, known);
      return FALSE;
    }

  return TRUE;
}

/* One keyring call ------------------------------------------------------- */

typedef struct
{
  char         *provider;
  char         *key;
  GCancellable *cancellable;     /* ours: the caller's, or the timeout */
  GCancellable *caller;
  gulong        caller_id;
  GSource      *timeout;
  gboolean      timed_out;
} Op;

static void
op_free (Op *op)
{
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_source_unref (op->timeout);
    }
  if (op->caller != NULL)
    {
      g_cancellable_disconnect (op->caller, op->caller_id);
      g_object_unref (op->caller);
    }
  g_clear_object (&op->cancellable);
  g_free (op->provider);
  inb_secrets_free_key (op->key);
  g_free (op);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
on_timeout (gpointer user_data)
{
  Op *op = user_data;

  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);

  return G_SOURCE_CONTINUE;
}

static GTask *
op_task_new (InbSecrets          *self,
             gpointer             source_tag,
             const char          *provider,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[inb] keyring");
  op->provider = g_strdup (provider);
  op->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      op->caller = g_object_ref (cancellable);
      op->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                             op->cancellable, NULL);
    }
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  return task;
}

static void
op_start_timeout (InbSecrets *self,
                  GTask      *task)
{
  Op *op = g_task_get_task_data (task);

  op->timeout = g_timeout_source_new (self->timeout_ms);
  g_source_set_name (op->timeout, "[inb] keyring timeout");
  g_source_set_callback (op->timeout, on_timeout, op, NULL);
  g_source_attach (op->timeout, g_task_get_context (task));
}

/* Which of libsecret's backends answers: its file backend when asked for
 * (SECRET_BACKEND=file, as the tests do) or in a Flatpak or Snap sandbox
 * (libsecret 0.20's own rule), else the Secret Service on the session bus. */
static gboolean
uses_file_keyring (void)
{
  const char *backend = g_getenv ("SECRET_BACKEND");

  if (backend != NULL && *backend != '\0')
    return g_str_equal (backend, "file");

  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || g_getenv ("SNAP_NAME") != NULL;
}

/* Where libsecret's file backend keeps its keyring (libsecret 0.20) */
static char *
dup_file_keyring_path (void)
{
  const char *path = g_getenv ("SECRET_FILE_TEST_PATH");

  if (path != NULL && *path != '\0')
    return g_strdup (path);

  return g_build_filename (g_get_user_data_dir (), "keyrings", "default.keyring", NULL);
}

static gboolean
is_no_service (const GError *error)
{
  /* No session bus, or nobody owns org.freedesktop.secrets on it */
  if (error->domain == G_IO_ERROR)
    return TRUE;

  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND) ||
         (error->domain == G_DBUS_ERROR &&
          error->code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED &&
          error->code <= G_DBUS_ERROR_SPAWN_FAILED);
}

static gboolean
is_no_collection (const GError *error)
{
  /* "Object does not exist at path '/org/freedesktop/secrets/collection/login'" */
  return g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         (error->message != NULL && strstr (error->message, "/org/freedesktop/secrets/collection/") != NULL);
}

/* The file keyring could not be opened: why, for a person */
static char *
file_keyring_problem (const GError *error,
                      const char   *env_var)
{
  g_autofree char *path = dup_file_keyring_path ();
  const char *why;

  /* The test suite's setting (tests/meson.build): a keyring that cannot
   * be, so that no test ever reaches a real one */
  if (g_str_has_prefix (path, "/dev/null/"))
    /* Translators: the first %s is a file name such as
     * /dev/null/no-keyring, the second an environment variable such as
     * DASHSCOPE_API_KEY */
    return g_strdup_printf (_("Keys cannot be saved here: the keyring is switched off "
                              "(SECRET_FILE_TEST_PATH points at “%s”, as in a test setup). "
                              "Set the key in the environment variable %s, or unset "
                              "SECRET_BACKEND and SECRET_FILE_TEST_PATH."),
                            path, env_var);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    why = _("its folder does not exist");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
    why = _("it may not be written");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    why = _("the disk is full");
  else
    why = _("it cannot be read or written");

  /* Translators: the first %s is a file, the second why it cannot be
   * opened ("its folder does not exist"), the third an environment
   * variable such as DASHSCOPE_API_KEY */
  return g_strdup_printf (_("The keyring file “%s” cannot be opened: %s. Check that your home "
                            "folder can be written, or set the key in the environment variable %s."),
                          path, why, env_var);
}

/**
 * inb_secrets_describe_problem:
 * @error: what libsecret said (logged, never shown)
 * @timed_out: no answer came within the timeout
 * @env_var: the provider's key variable, named in the advice
 *
 * Returns: (transfer full): what went wrong with the keyring and what to
 *   do about it, in words for the person at the computer
 */
char *
inb_secrets_describe_problem (const GError *error,
                              gboolean      timed_out,
                              const char   *env_var)
{
  if (env_var == NULL)
    env_var = "";

  if (timed_out)
    /* Translators: %s is an environment variable such as DASHSCOPE_API_KEY */
    return g_strdup_printf (_("The keyring did not answer in time: it may be waiting for you to unlock it, "
                              "or be stuck. Try again, or set the key in the environment variable %s."),
                            env_var);

  if (error == NULL)
    /* Translators: %s is an environment variable such as DASHSCOPE_API_KEY */
    return g_strdup_printf (_("The keyring could not be used. Try again, or set the key in the "
                              "environment variable %s."), env_var);

  /* The sandbox's keyring portal, or a Secret Service, whose prompt was
   * closed without unlocking */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    /* Translators: %s is an environment variable such as DASHSCOPE_API_KEY */
    return g_strdup_printf (_("The keyring stayed locked: the unlock prompt was closed. Try again and "
                              "unlock it when asked, or set the key in the environment variable %s."),
                            env_var);

  if (uses_file_keyring () && error->domain == G_IO_ERROR)
    return file_keyring_problem (error, env_var);

  if (is_no_collection (error))
    /* Translators: "Passwords and Keys" is GNOME's keyring manager (Seahorse);
     * %s is an environment variable such as DASHSCOPE_API_KEY */
    return g_strdup_printf (_("The login keyring does not exist or is locked. Open Passwords and Keys "
                              "to create or unlock it, or set the key in the environment variable %s."),
                            env_var);

  if (is_no_service (error))
    /* Translators: %s is an environment variable such as DASHSCOPE_API_KEY */
    return g_strdup_printf (_("No keyring is running in this session, so keys cannot be saved. Start "
                              "GNOME Keyring (or another Secret Service), or set the key in the "
                              "environment variable %s."),
                            env_var);

  /* Translators: %s is an environment variable such as DASHSCOPE_API_KEY */
  return g_strdup_printf (_("The keyring refused to read or save the key. Try again, or set the key "
                            "in the environment variable %s."), env_var);
}

/* The keyring failed: why, in words a user can act on; what libsecret
 * said goes to the debug log only. */
static GError *
op_error (InbSecrets *self,
          Op         *op,
          const char *what,
          GError     *error)
{
  const Provider *p = find_provider (self, op->provider);
  g_autofree char *message = NULL;

  if (op->caller != NULL && g_cancellable_is_cancelled (op->caller))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));

  g_debug ("Keyring %s for %s failed%s: %s (%s, %d)", what, op->provider,
           op->timed_out ? " (timed out)" : "",
           error != NULL ? error->message : "no error",
           error != NULL ? g_quark_to_string (error->domain) : "-",
           error != NULL ? error->code : 0);

  message = inb_secrets_describe_problem (op->timed_out ? NULL : error, op->timed_out,
                                          p != NULL ? p->env_var : NULL);

  return g_error_new_literal (INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE, message);
}

/* Lookup ----------------------------------------------------------------- */

typedef struct
{
  char         *key;
  InbKeySource  source;
} Found;

static void
found_free (Found *found)
{
  inb_secrets_free_key (found->key);
  g_free (found);
}

static void
return_found (GTask        *task,
              char         *key,
              InbKeySource  source)
{
  Found *found = g_new0 (Found, 1);

  found->key = key;
  found->source = key != NULL ? source : INB_KEY_SOURCE_NONE;
  g_task_return_pointer (task, found, (GDestroyNotify) found_free);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      GError *reported = op_error (self, op, "lookup", error);

      if (reported->domain == INB_SECRETS_ERROR)
        set_problem (self, op->provider, reported);
      g_task_return_error (task, reported);
      return;
    }

  if (password != NULL && *password != '\0')
    return_found (task, g_strdup (password), INB_KEY_SOURCE_KEYRING);
  else
    return_found (task, NULL, INB_KEY_SOURCE_NONE);

  if (password != NULL)
    secret_password_free (password);
}

/**
 * inb_secrets_lookup_async:
 *
 * Finds @provider's key: its environment variable, a key kept for this
 * session, then the keyring (given up after the timeout).
 */
void
inb_secrets_lookup_async (InbSecrets          *self,
                          const char          *provider,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  const char *env;
  char *session;
  Op *op;

  g_return_if_fail (INB_IS_SECRETS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, inb_secrets_lookup_async, provider, cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (!check_provider (self, provider, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  env = g_getenv (find_provider (self, provider)->env_var);
  if (env != NULL && *env != '\0')
    {
      return_found (task, g_strdup (env), INB_KEY_SOURCE_ENVIRONMENT);
      return;
    }

  if ((session = dup_session_key (self, provider)) != NULL)
    {
      return_found (task, session, INB_KEY_SOURCE_SESSION);
      return;
    }

  op_start_timeout (self, task);
  secret_password_lookup (&key_schema, op->cancellable, lookup_cb, g_object_ref (task),
                          "provider", provider,
                          "version", INB_SECRETS_SCHEMA_VERSION,
                          NULL);
}

/**
 * inb_secrets_lookup_finish:
 * @source: (out) (optional): where the key came from
 *
 * Returns: (transfer full) (nullable): the key (free it with
 *   inb_secrets_free_key()), or %NULL: none stored (no error), or the
 *   keyring could not be asked (%INB_SECRETS_ERROR_UNAVAILABLE)
 */
char *
inb_secrets_lookup_finish (InbSecrets    *self,
                           GAsyncResult  *result,
                           InbKeySource  *source,
                           GError       **error)
{
  Found *found;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (source != NULL)
    *source = INB_KEY_SOURCE_NONE;

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return NULL;

  if (source != NULL)
    *source = found->source;
  key = g_steal_pointer (&found->key);
  found_free (found);

  return key;
}

/* Store ------------------------------------------------------------------ */

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      g_mutex_lock (&self->mutex);
      g_hash_table_remove (self->session, op->provider);
      g_mutex_unlock (&self->mutex);
      g_task_return_int (task, INB_KEY_SOURCE_KEYRING);
    }
  else
    {
      GError *reported = op_error (self, op, "store", error);

      if (reported->domain != INB_SECRETS_ERROR)
        {
          g_task_return_error (task, reported);
          return;
        }

      /* No keyring: this run only, never a file */
      g_debug ("Keeping the %s key for this session only", op->provider);
      set_problem (self, op->provider, reported);
      g_error_free (reported);

      g_mutex_lock (&self->mutex);
      g_hash_table_replace (self->session, g_strdup (op->provider), g_steal_pointer (&op->key));
      g_mutex_unlock (&self->mutex);
      g_task_return_int (task, INB_KEY_SOURCE_SESSION);
    }
}

/**
 * inb_secrets_store_async:
 * @key: the key; surrounding white space is dropped
 *
 * Stores @key in the keyring, or, when no keyring answers, keeps it in
 * memory for this run (see inb_secrets_store_finish()).
 */
void
inb_secrets_store_async (InbSecrets          *self,
                         const char          *provider,
                         const char          *key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (INB_IS_SECRETS (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, inb_secrets_store_async, provider, cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (!check_provider (self, provider, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  op->key = g_strstrip (g_strdup (key));
  if (*op->key == '\0' || strpbrk (op->key, "\r\n") != NULL)
    {
      g_task_return_new_error (task, INB_SECRETS_ERROR, INB_SECRETS_ERROR_INVALID_KEY,
                               _("The key is empty or spans several lines"));
      return;
    }

  /* Translators: the keyring item's label, e.g. "Inbetween: DashScope API key" */
  label = g_strdup_printf (_("Inbetween: %s API key"), find_provider (self, provider)->name);

  op_start_timeout (self, task);
  secret_password_store (&key_schema, SECRET_COLLECTION_DEFAULT, label, op->key,
                         op->cancellable, store_cb, g_object_ref (task),
                         "provider", provider,
                         "version", INB_SECRETS_SCHEMA_VERSION,
                         NULL);
}

/**
 * inb_secrets_store_finish:
 *
 * Returns: %INB_KEY_SOURCE_KEYRING when stored in the keyring,
 *   %INB_KEY_SOURCE_SESSION when kept for this run only (the reason is in
 *   inb_secrets_dup_problem()), %INB_KEY_SOURCE_NONE with @error set when
 *   nothing was kept (cancelled, invalid key)
 */
InbKeySource
inb_secrets_store_finish (InbSecrets    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  gssize source;

  g_return_val_if_fail (g_task_is_valid (result, self), INB_KEY_SOURCE_NONE);

  source = g_task_propagate_int (G_TASK (result), error);

  return source < 0 ? INB_KEY_SOURCE_NONE : (InbKeySource) source;
}

/* Clear ------------------------------------------------------------------ */

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      GError *reported = op_error (self, op, "clear", error);

      if (reported->domain == INB_SECRETS_ERROR)
        set_problem (self, op->provider, reported);
      g_task_return_error (task, reported);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * inb_secrets_clear_async:
 *
 * Forgets @provider's key for this session and removes it from the
 * keyring. (An environment variable is not ours to clear.)
 */
void
inb_secrets_clear_async (InbSecrets          *self,
                         const char          *provider,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (INB_IS_SECRETS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = op_task_new (self, inb_secrets_clear_async, provider, cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (!check_provider (self, provider, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_mutex_lock (&self->mutex);
  g_hash_table_remove (self->session, provider);
  g_mutex_unlock (&self->mutex);

  op_start_timeout (self, task);
  secret_password_clear (&key_schema, op->cancellable, clear_cb, g_object_ref (task),
                         "provider", provider,
                         "version", INB_SECRETS_SCHEMA_VERSION,
                         NULL);
}

/**
 * inb_secrets_clear_finish:
 *
 * Returns: %TRUE when the keyring no longer holds the key; %FALSE with
 *   %INB_SECRETS_ERROR_UNAVAILABLE when it could not be asked (the
 *   session's copy is gone either way)
 */
gboolean
inb_secrets_clear_finish (InbSecrets    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Blocking --------------------------------------------------------------- */

/* The async call on a private main context, iterated until it is done. */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} Sync;

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sync *sync = user_data;

  sync->result = g_object_ref (result);
  g_main_context_wakeup (sync->context);
}

static void
sync_begin (Sync *sync)
{
  sync->context = g_main_context_new ();
  sync->result = NULL;
  g_main_context_push_thread_default (sync->context);
}

static void
sync_wait (Sync *sync)
{
  while (sync->result == NULL)
    g_main_context_iteration (sync->context, TRUE);
}

static void
sync_end (Sync *sync)
{
  /* Let the task's own idle callbacks and the timeout source go */
  while (g_main_context_iteration (sync->context, FALSE))
    ;
  g_main_context_pop_thread_default (sync->context);
  g_clear_object (&sync->result);
  g_main_context_unref (sync->context);
}

/**
 * inb_secrets_lookup_sync:
 *
 * Blocking inb_secrets_lookup_async(); never on the main thread of a UI.
 */
char *
inb_secrets_lookup_sync (InbSecrets    *self,
                         const char    *provider,
                         InbKeySource  *source,
                         GError       **error)
{
  Sync sync;
  char *key;

  g_return_val_if_fail (INB_IS_SECRETS (self), NULL);

  sync_begin (&sync);
  inb_secrets_lookup_async (self, provider, NULL, sync_cb, &sync);
  sync_wait (&sync);
  key = inb_secrets_lookup_finish (self, sync.result, source, error);
  sync_end (&sync);

  return key;
}

InbKeySource
inb_secrets_store_sync (InbSecrets  *self,
                        const char  *provider,
                        const char  *key,
                        GError     **error)
{
  Sync sync;
  InbKeySource stored;

  g_return_val_if_fail (INB_IS_SECRETS (self), INB_KEY_SOURCE_NONE);

  sync_begin (&sync);
  inb_secrets_store_async (self, provider, key, NULL, sync_cb, &sync);
  sync_wait (&sync);
  stored = inb_secrets_store_finish (self, sync.result, error);
  sync_end (&sync);

  return stored;
}

gboolean
inb_secrets_clear_sync (InbSecrets  *self,
                        const char  *provider,
                        GError     **error)
{
  Sync sync;
  gboolean ok;

  g_return_val_if_fail (INB_IS_SECRETS (self), FALSE);

  sync_begin (&sync);
  inb_secrets_clear_async (self, provider, NULL, sync_cb, &sync);
  sync_wait (&sync);
  ok = inb_secrets_clear_finish (self, sync.result, error);
  sync_end (&sync);

  return ok;
}

/* Backends --------------------------------------------------------------- */

gboolean
inb_secrets_apply_to_backend (InbBackend *backend,
                              const char *key)
{
  g_return_val_if_fail (INB_IS_BACKEND (backend), FALSE);

  if (!inb_backend_takes_key (backend))
    return FALSE;

  inb_backend_set_api_key (backend, key);
  return TRUE;
}

/**
 * inb_secrets_backend_has_key:
 *
 * Returns: whether @backend has a key (a backend that needs none has)
 */
gboolean
inb_secrets_backend_has_key (InbBackend *backend)
{
  g_return_val_if_fail (INB_IS_BACKEND (backend), FALSE);

  return !inb_backend_takes_key (backend) || inb_backend_has_api_key (backend);
}
