/* inb-secrets.h — API keys: environment, then the keyring, else this session only
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-backend-registry.h"

G_BEGIN_DECLS

#define INB_SECRETS_SCHEMA_NAME "io.github.inbetween.Inbetween.ApiKey"
#define INB_SECRETS_SCHEMA_VERSION 1
/* How long a keyring call may take before it counts as unreachable. */
#define INB_SECRETS_DEFAULT_TIMEOUT_MS 5000

#define INB_SECRETS_ERROR (inb_secrets_error_quark ())

/**
 * InbSecretsError:
 * @INB_SECRETS_ERROR_UNKNOWN_PROVIDER: not a provider that takes a key
 * @INB_SECRETS_ERROR_INVALID_KEY: empty, or with a line break
 * @INB_SECRETS_ERROR_UNAVAILABLE: no Secret Service answered (no session
 *   bus, locked, refused, or no answer within the timeout)
 */
typedef enum
{
  INB_SECRETS_ERROR_UNKNOWN_PROVIDER,
  INB_SECRETS_ERROR_INVALID_KEY,
  INB_SECRETS_ERROR_UNAVAILABLE,
} InbSecretsError;

/**
 * InbKeySource:
 * @INB_KEY_SOURCE_NONE: no key
 * @INB_KEY_SOURCE_ENVIRONMENT: from the provider's environment variable
 * @INB_KEY_SOURCE_KEYRING: from (or stored in) the Secret Service
 * @INB_KEY_SOURCE_SESSION: kept in memory for this run only, because the
 *   keyring could not be used ("saved for this session only")
 */
typedef enum
{
  INB_KEY_SOURCE_NONE,
  INB_KEY_SOURCE_ENVIRONMENT,
  INB_KEY_SOURCE_KEYRING,
  INB_KEY_SOURCE_SESSION,
} InbKeySource;

#define INB_TYPE_SECRETS (inb_secrets_get_type ())

G_DECLARE_FINAL_TYPE (InbSecrets, inb_secrets, INB, SECRETS, GObject)

GQuark              inb_secrets_error_quark          (void);

const char         *inb_key_source_to_string         (InbKeySource         source);

InbSecrets         *inb_secrets_new                  (InbBackendRegistry  *registry);
/* The backends of the registry that take a key (their classes say so). */
const char * const *inb_secrets_get_providers        (InbSecrets          *self);
gboolean            inb_secrets_is_provider          (InbSecrets          *self,
                                                      const char          *provider);
const char         *inb_secrets_get_env_var          (InbSecrets          *self,
                                                      const char          *provider);
const char         *inb_secrets_get_provider_name    (InbSecrets          *self,
                                                      const char          *provider);
void                inb_secrets_set_timeout          (InbSecrets          *self,
                                                      guint                timeout_ms);
/* The last reason the keyring could not be used, for a banner. */
char               *inb_secrets_dup_problem          (InbSecrets          *self);
char               *inb_secrets_dup_provider_problem (InbSecrets          *self,
                                                      const char          *provider);
/* What a keyring failure means and what to do, naming @env_var. */
char               *inb_secrets_describe_problem     (const GError        *error,
                                                      gboolean             timed_out,
                                                      const char          *env_var);
gboolean            inb_secrets_is_session_only      (InbSecrets          *self,
                                                      const char          *provider);

/* Async: never blocks the calling thread's main loop. */
void                inb_secrets_lookup_async         (InbSecrets          *self,
                                                      const char          *provider,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char               *inb_secrets_lookup_finish        (InbSecrets          *self,
                                                      GAsyncResult        *result,
                                                      InbKeySource        *source,
                                                      GError             **error);
void                inb_secrets_store_async          (InbSecrets          *self,
                                                      const char          *provider,
                                                      const char          *key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
InbKeySource        inb_secrets_store_finish         (InbSecrets          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void                inb_secrets_clear_async          (InbSecrets          *self,
                                                      const char          *provider,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            inb_secrets_clear_finish         (InbSecrets          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Blocking (CLI, worker threads): the same, with the same timeout. */
char               *inb_secrets_lookup_sync          (InbSecrets          *self,
                                                      const char          *provider,
                                                      InbKeySource        *source,
                                                      GError             **error);
InbKeySource        inb_secrets_store_sync           (InbSecrets          *self,
                                                      const char          *provider,
                                                      const char          *key,
                                                      GError             **error);
gboolean            inb_secrets_clear_sync           (InbSecrets          *self,
                                                      const char          *provider,
                                                      GError             **error);

/* Hands @key to a cloud backend (NULL or "" removes it). FALSE if @backend
 * is not one that takes a key. */
gboolean            inb_secrets_apply_to_backend     (InbBackend          *backend,
                                                      const char          *key);
gboolean            inb_secrets_backend_has_key      (InbBackend          *backend);
/* Frees a key string after overwriting it. */
void                inb_secrets_free_key             (char                *key);

G_END_DECLS
