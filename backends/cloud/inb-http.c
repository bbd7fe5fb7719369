/* inb-http.c — the one hardened HTTP client every cloud backend uses
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking libcurl calls, one easy handle per call, meant to run in a
 * GTask thread. What this file guarantees:
 *
 *  - https only, certificate verification always on; plain http only for
 *    loopback hosts; redirects followed by hand so every hop is checked
 *    the same way, and the bearer key is dropped when the host changes;
 *  - connect timeout, low-speed abort, an overall deadline for API calls;
 *  - cancellation within a second through the transfer callback;
 *  - GET retried on 429/5xx/network errors with a clamped Retry-After or
 *    full-jitter backoff, bounded in attempts and time; anything else
 *    (a submit) is never sent twice, and a lost answer is reported as
 *    INB_BACKEND_ERROR_SUBMIT_UNKNOWN;
 *  - response bodies capped in the write callback (libcurl 7.88 ignores
 *    CURLOPT_MAXFILESIZE for chunked bodies), JSON size and depth checked
 *    before json-glib parses anything;
 *  - downloads streamed to "<dest>.part", resumed with Range, restarted
 *    from 0 when the server ignores Range, renamed into place when done;
 *  - the Authorization value never logged and never in an error message.
 */

#define G_LOG_DOMAIN "inb-http"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <curl/curl.h>

#include "inb-backend.h"
#include "inb-http.h"

#define MAX_REDIRECTS        5
#define MAX_ERROR_BODY       (64 * 1024)
#define PROGRESS_INTERVAL_US (100 * 1000)

/* ------------------------------------------------------------------ */
/* Requests and responses                                              */

struct _InbHttpRequest
{
  gatomicrefcount  ref_count;
  char            *method;
  char            *url;
  GPtrArray       *headers;       /* "Name: value" */
  GBytes          *body;
  char            *content_type;
  guint            idempotent : 1;
  guint            authorize : 1;
};

struct _InbHttpResponse
{
  gatomicrefcount  ref_count;
  guint            status;
  guint            attempts;
  GBytes          *body;
  char            *content_type;
};

G_DEFINE_BOXED_TYPE (InbHttpRequest, inb_http_request,
                     inb_http_request_ref, inb_http_request_unref)
G_DEFINE_BOXED_TYPE (InbHttpResponse, inb_http_response,
                     inb_http_response_ref, inb_http_response_unref)

/**
 * inb_http_request_new:
 * @method: "GET", "POST", …
 * @url: an absolute https URL (or http on a loopback host)
 *
 * GET requests are idempotent and retried; others are not. Requests send
 * the client's bearer key unless inb_http_request_set_authorize() says no.
 */
InbHttpRequest *
inb_http_request_new (const char *method,
                      const char *url)
{
  InbHttpRequest *self;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_new0 (InbHttpRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->method = g_ascii_strup (method, -1);
  self->url = g_strdup (url);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->idempotent = g_str_equal (self->method, "GET") || g_str_equal (self->method, "HEAD");
  self->authorize = TRUE;

  return self;
}

InbHttpRequest *
inb_http_request_ref (InbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
inb_http_request_unref (InbHttpRequest *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->method);
      g_free (self->url);
      g_ptr_array_unref (self->headers);
      g_clear_pointer (&self->body, g_bytes_unref);
      g_free (self->content_type);
      g_free (self);
    }
}

const char *
inb_http_request_get_method (InbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->method;
}

const char *
inb_http_request_get_url (InbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->url;
}

/**
 * inb_http_request_add_header:
 *
 * Adds a header. "Authorization" is refused here: the key belongs to the
 * client, so that it is sent only where it should be and redacted.
 */
void
inb_http_request_add_header (InbHttpRequest *self,
                             const char     *name,
                             const char     *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (value != NULL);
  g_return_if_fail (g_ascii_strcasecmp (name, "Authorization") != 0);
  g_return_if_fail (strpbrk (name, ":\r\n") == NULL);
  g_return_if_fail (strpbrk (value, "\r\n") == NULL);

  g_ptr_array_add (self->headers, g_strdup_printf ("%s: %s", name, value));
}

void
inb_http_request_set_body (InbHttpRequest *self,
                           GBytes         *body,
                           const char     *content_type)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (content_type == NULL || strpbrk (content_type, "\r\n") == NULL);

  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->content_type);
  self->body = body != NULL ? g_bytes_ref (body) : NULL;
  self->content_type = g_strdup (content_type);
}

void
inb_http_request_set_json_body (InbHttpRequest *self,
                                JsonNode       *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *text;
  gsize length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (node != NULL);

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (text, length);
  inb_http_request_set_body (self, bytes, "application/json");
}

gboolean
inb_http_request_get_idempotent (InbHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->idempotent;
}

/**
 * inb_http_request_set_idempotent:
 *
 * Marks a request safe to send twice. Never do this for a submit.
 */
void
inb_http_request_set_idempotent (InbHttpRequest *self,
                                 gboolean        idempotent)
{
  g_return_if_fail (self != NULL);

  self->idempotent = !!idempotent;
}

void
inb_http_request_set_authorize (InbHttpRequest *self,
                                gboolean        authorize)
{
  g_return_if_fail (self != NULL);

  self->authorize = !!authorize;
}

static InbHttpResponse *
inb_http_response_new (guint       status,
                       GBytes     *body,
                       const char *content_type,
                       guint       attempts)
{
  InbHttpResponse *self;

  self = g_new0 (InbHttpResponse, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->status = status;
  self->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  self->content_type = g_strdup (content_type);
  self->attempts = attempts;

  return self;
}

InbHttpResponse *
inb_http_response_ref (InbHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
inb_http_response_unref (InbHttpResponse *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->body);
      g_free (self->content_type);
      g_free (self);
    }
}

guint
inb_http_response_get_status (InbHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->status;
}

/**
 * inb_http_response_get_body:
 *
 * Returns: (transfer none): the body, never %NULL
 */
GBytes *
inb_http_response_get_body (InbHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->body;
}

const char *
inb_http_response_get_content_type (InbHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->content_type;
}

/**
 * inb_http_response_get_attempts:
 *
 * Returns: how many times the request was sent to get this answer
 */
guint
inb_http_response_get_attempts (InbHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->attempts;
}

/**
 * inb_http_response_parse_json:
 *
 * Parses the body with inb_http_parse_json().
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
inb_http_response_parse_json (InbHttpResponse  *self,
                              GError          **error)
{
  gsize length;
  const char *data;

  g_return_val_if_fail (self != NULL, NULL);

  data = g_bytes_get_data (self->body, &length);
  return inb_http_parse_json (data, length, error);
}

/* ------------------------------------------------------------------ */
/* Free helpers                                                        */

/**
 * inb_http_parse_json:
 * @data: (array length=length): the bytes a server sent
 * @length: their count
 *
 * Parses untrusted JSON: refuses bodies over %INB_HTTP_JSON_MAX_SIZE,
 * invalid UTF-8 and nesting deeper than %INB_HTTP_JSON_MAX_DEPTH before
 * json-glib sees them (json-glib 1.6 recurses without a limit).
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
inb_http_parse_json (const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  switch (inb_json_limits_check (data, length, INB_HTTP_JSON_MAX_SIZE, INB_HTTP_JSON_MAX_DEPTH))
    {
    case INB_JSON_LIMITS_OK:
      break;

    case INB_JSON_LIMITS_EMPTY:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an empty answer"));
      return NULL;

    case INB_JSON_LIMITS_TOO_LARGE:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an answer that is too large (%zu bytes)"),
                   length);
      return NULL;

    case INB_JSON_LIMITS_TOO_DEEP:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an answer nested too deeply"));
      return NULL;

    case INB_JSON_LIMITS_NOT_TEXT:
    default:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an answer that is not valid text"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_debug ("Unparsable JSON: %s", local_error->message);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an answer that could not be read"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an empty answer"));
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * inb_http_clamp_retry_after:
 * @retry_after: what CURLINFO_RETRY_AFTER gave: 0 for none, negative for
 *   a date in the past (libcurl 7.88), anything for an absurd header
 *
 * Returns: 0 when there is no hint, otherwise seconds clamped into
 *   [%INB_HTTP_RETRY_AFTER_MIN, %INB_HTTP_RETRY_AFTER_MAX]
 */
gint64
inb_http_clamp_retry_after (gint64 retry_after)
{
  if (retry_after == 0)
    return 0;

  return CLAMP (retry_after, INB_HTTP_RETRY_AFTER_MIN, INB_HTTP_RETRY_AFTER_MAX);
}

gboolean
inb_http_status_is_retryable (guint status)
{
  switch (status)
    {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return TRUE;

    default:
      return FALSE;
    }
}

/**
 * inb_http_set_status_error:
 * @status: an HTTP status of 300 or more
 * @remote_message: (nullable): what the service said, if anything
 *
 * The generic mapping of a failed HTTP status to a user-facing error.
 * Backends that understand the provider's own codes map those first.
 */
void
inb_http_set_status_error (GError     **error,
                           guint        status,
                           const char  *remote_message)
{
  g_autofree char *suffix = NULL;
  InbBackendError code = INB_BACKEND_ERROR_REMOTE;
  const char *text;

  if (remote_message != NULL && *remote_message != '\0')
    suffix = g_strdup_printf (" (%s)", remote_message);
  else
    suffix = g_strdup ("");

  switch (status)
    {
    case 401:
      code = INB_BACKEND_ERROR_AUTH;
      text = _("The service refused the API key");
      break;

    case 403:
      code = INB_BACKEND_ERROR_AUTH;
      text = _("The service denied access with this API key");
      break;

    case 402:
      text = _("The account has no balance left");
      break;

    case 404:
      text = _("The service does not know this address or task");
      break;

    case 408:
    case 504:
      code = INB_BACKEND_ERROR_NETWORK;
      text = _("The service took too long to answer");
      break;

    case 413:
      code = INB_BACKEND_ERROR_INVALID_INPUT;
      text = _("The request is too large for the service");
      break;

    case 429:
      text = _("The service is rate limiting requests; try again later");
      break;

    default:
      if (status >= 500)
        text = _("The service had an internal error; try again later");
      else if (status >= 400)
        text = _("The service rejected the request");
      else
        text = _("The service sent an unexpected answer");
      break;
    }

  g_set_error (error, INB_BACKEND_ERROR, code, "%s%s [HTTP %u]", text, suffix, status);
}

/**
 * inb_http_redact_header:
 * @line: one header line, not necessarily nul-terminated
 * @length: its length
 *
 * Returns: (transfer full): the line without line ending, with any
 *   credential replaced by `***` (`Authorization: Bearer ***`)
 */
char *
inb_http_redact_header (const char *line,
                        gsize       length)
{
  static const char * const secret_headers[] = {
    "authorization:", "proxy-authorization:", "x-api-key:", "cookie:", "set-cookie:",
  };
  g_autofree char *copy = NULL;

  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    length--;

  copy = g_strndup (line, length);

  for (guint i = 0; i < G_N_ELEMENTS (secret_headers); i++)
    {
      gsize n = strlen (secret_headers[i]);

      if (length >= n && g_ascii_strncasecmp (copy, secret_headers[i], n) == 0)
        {
          const char *value = copy + n;
          g_autofree char *name = g_strndup (copy, n);

          while (*value == ' ' || *value == '\t')
            value++;
          if (g_ascii_strncasecmp (value, "Bearer ", 7) == 0)
            return g_strdup_printf ("%s Bearer ***", name);
          return g_strdup_printf ("%s ***", name);
        }
    }

  return g_steal_pointer (&copy);
}

static char *
url_dup_host (const char *url)
{
  CURLU *u;
  char *host = NULL;
  char *result = NULL;

  if (url == NULL)
    return NULL;

  u = curl_url ();
  if (curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      host != NULL)
    {
      gsize len = strlen (host);

      if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
        result = g_strndup (host + 1, len - 2);
      else
        result = g_strdup (host);
    }

  curl_free (host);
  curl_url_cleanup (u);

  return result;
}

static char *
url_dup_scheme (const char *url)
{
  CURLU *u;
  char *scheme = NULL;
  char *result = NULL;

  u = curl_url ();
  /* CURLU_NON_SUPPORT_SCHEME: parse "file://", "gopher://"… so we can say no */
  if (curl_url_set (u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      scheme != NULL)
    result = g_ascii_strdown (scheme, -1);

  curl_free (scheme);
  curl_url_cleanup (u);

  return result;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * inb_http_url_is_loopback:
 *
 * Returns: whether @url points at 127.0.0.0/8, ::1 or localhost
 */
gboolean
inb_http_url_is_loopback (const char *url)
{
  g_autofree char *host = url_dup_host (url);

  return host_is_loopback (host);
}

/**
 * inb_http_check_url:
 *
 * The transport policy: https anywhere, http only on loopback, nothing
 * else (no file://, no ftp://, …).
 */
gboolean
inb_http_check_url (const char  *url,
                    GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  scheme = url_dup_scheme (url);
  if (scheme == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Not a valid web address"));
      return FALSE;
    }

  if (g_str_equal (scheme, "https"))
    return TRUE;

  if (g_str_equal (scheme, "http"))
    {
      host = url_dup_host (url);
      if (host_is_loopback (host))
        return TRUE;

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Refused an unencrypted connection to %s: only https is allowed"),
                   host != NULL ? host : "?");
      return FALSE;
    }

  g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
               _("Refused an address using the “%s” protocol: only https is allowed"),
               scheme);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The client                                                          */

struct _InbHttpClient
{
  GObject           parent_instance;

  char             *bearer_token;
  guint             connect_timeout;
  guint             low_speed_limit;
  guint             low_speed_time;
  guint             api_timeout;
  gsize             max_body_size;
  guint             max_attempts;
  guint             base_delay_ms;
  guint             max_delay_ms;
  guint             budget_seconds;

  InbHttpSleepFunc  sleep_func;
  gpointer          sleep_data;
  GDestroyNotify    sleep_destroy;
};

G_DEFINE_FINAL_TYPE (InbHttpClient, inb_http_client, G_TYPE_OBJECT)

static void
inb_http_client_finalize (GObject *object)
{
  InbHttpClient *self = (InbHttpClient *) object;

  if (self->bearer_token != NULL)
    {
      memset (self->bearer_token, 0, strlen (self->bearer_token));
      g_free (self->bearer_token);
    }

  if (self->sleep_destroy != NULL)
    self->sleep_destroy (self->sleep_data);

  G_OBJECT_CLASS (inb_http_client_parent_class)->finalize (object);
}

static void
inb_http_client_class_init (InbHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_http_client_finalize;
}

static void
inb_http_client_init (InbHttpClient *self)
{
  self->connect_timeout = 15;
  self->low_speed_limit = 1024;
  self->low_speed_time = 30;
  self->api_timeout = 60;
  self->max_body_size = INB_HTTP_JSON_MAX_SIZE;
  self->max_attempts = 6;
  self->base_delay_ms = 1000;
  self->max_delay_ms = 60 * 1000;
  self->budget_seconds = 15 * 60;
}

InbHttpClient *
inb_http_client_new (void)
{
  return g_object_new (INB_TYPE_HTTP_CLIENT, NULL);
}

/**
 * inb_http_client_set_bearer_token:
 *
 * The key sent as `Authorization: Bearer …` on authorized requests, to
 * the request's own host only (dropped on a redirect to another host).
 */
void
inb_http_client_set_bearer_token (InbHttpClient *self,
                                  const char    *token)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));
  g_return_if_fail (token == NULL || strpbrk (token, "\r\n") == NULL);

  if (self->bearer_token != NULL)
    memset (self->bearer_token, 0, strlen (self->bearer_token));
  g_free (self->bearer_token);
  self->bearer_token = (token != NULL && *token != '\0') ? g_strdup (token) : NULL;
}

gboolean
inb_http_client_has_bearer_token (InbHttpClient *self)
{
  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), FALSE);

  return self->bearer_token != NULL;
}

void
inb_http_client_set_connect_timeout (InbHttpClient *self,
                                     guint          seconds)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  self->connect_timeout = seconds;
}

/**
 * inb_http_client_set_low_speed:
 *
 * A transfer slower than @bytes_per_second for @seconds is aborted (and
 * retried if the request allows it). Default: 1 KiB/s for 30 s.
 */
void
inb_http_client_set_low_speed (InbHttpClient *self,
                               guint          bytes_per_second,
                               guint          seconds)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  self->low_speed_limit = bytes_per_second;
  self->low_speed_time = seconds;
}

/**
 * inb_http_client_set_api_timeout:
 *
 * The overall deadline of one API call (not of downloads). Default 60 s.
 */
void
inb_http_client_set_api_timeout (InbHttpClient *self,
                                 guint          seconds)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  self->api_timeout = seconds;
}

void
inb_http_client_set_max_body_size (InbHttpClient *self,
                                   gsize          max_bytes)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_bytes > 0);

  self->max_body_size = max_bytes;
}

/**
 * inb_http_client_set_retry_policy:
 * @max_attempts: sends at most this many times (1 = never retry)
 * @base_delay_ms: first backoff ceiling, doubled per attempt
 * @max_delay_ms: backoff ceiling
 * @budget_seconds: no retry starts once this much time has gone by
 */
void
inb_http_client_set_retry_policy (InbHttpClient *self,
                                  guint          max_attempts,
                                  guint          base_delay_ms,
                                  guint          max_delay_ms,
                                  guint          budget_seconds)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (max_delay_ms, base_delay_ms);
  self->budget_seconds = budget_seconds;
}

void
inb_http_client_set_sleep_func (InbHttpClient    *self,
                                InbHttpSleepFunc  func,
                                gpointer          user_data,
                                GDestroyNotify    destroy)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  if (self->sleep_destroy != NULL)
    self->sleep_destroy (self->sleep_data);

  self->sleep_func = func;
  self->sleep_data = user_data;
  self->sleep_destroy = destroy;
}

static gboolean
default_sleep (gint64        usec,
               GCancellable *cancellable,
               gpointer      user_data)
{
  GPollFD pollfd;

  if (usec <= 0)
    return !g_cancellable_is_cancelled (cancellable);

  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep (usec);
      return TRUE;
    }

  g_poll (&pollfd, 1, (int) MIN (usec / 1000, G_MAXINT));
  g_cancellable_release_fd (cancellable);

  return !g_cancellable_is_cancelled (cancellable);
}

static gboolean
client_sleep (InbHttpClient *self,
              gint64         usec,
              GCancellable  *cancellable)
{
  g_debug ("Waiting %.3f s before retrying", usec / (double) G_USEC_PER_SEC);

  if (self->sleep_func != NULL)
    return self->sleep_func (usec, cancellable, self->sleep_data);

  return default_sleep (usec, cancellable, NULL);
}

/* The delay before attempt @attempt + 1. Retry-After wins (clamped, plus
 * up to one base delay of jitter so clients do not stampede); otherwise
 * full jitter: uniform in [0, min (max, base · 2^(attempt-1))]. */
static gint64
client_next_delay (InbHttpClient *self,
                   guint          attempt,
                   gint64         retry_after)
{
  gint64 clamped = inb_http_clamp_retry_after (retry_after);
  gint64 ceiling_ms;

  if (clamped > 0)
    return clamped * G_USEC_PER_SEC
           + (gint64) (g_random_double () * self->base_delay_ms * 1000.0);

  ceiling_ms = self->base_delay_ms;
  for (guint i = 1; i < attempt && ceiling_ms < self->max_delay_ms; i++)
    ceiling_ms *= 2;
  ceiling_ms = MIN (ceiling_ms, (gint64) self->max_delay_ms);

  return (gint64) (g_random_double () * ceiling_ms * 1000.0);
}

/* Whether another attempt fits: count and time budget. */
static gboolean
client_may_retry (InbHttpClient *self,
                  guint          attempt,
                  gint64         started,
                  gint64         delay)
{
  gint64 elapsed = g_get_monotonic_time () - started;

  if (attempt >= self->max_attempts)
    return FALSE;

  return elapsed + delay <= (gint64) self->budget_seconds * G_USEC_PER_SEC;
}

/* ------------------------------------------------------------------ */
/* One transfer                                                        */

typedef struct
{
  CURL                *curl;
  GCancellable        *cancellable;

  /* memory sink (API calls, and error bodies of downloads) */
  GByteArray          *buffer;
  gsize                max_buffer;

  /* file sink (downloads) */
  FILE                *file;
  goffset              offset;        /* bytes already in the file */
  goffset              max_file;      /* cap on offset + received */
  goffset              written;
  gboolean             decided;       /* file or buffer chosen for this answer */
  gboolean             to_file;

  InbHttpProgressFunc  progress;
  gpointer             progress_data;
  gint64               last_progress;

  gboolean             too_large;
  gboolean             html;
  int                  write_errno;
  curl_off_t           uploaded;
} Transfer;

static size_t
transfer_write_cb (char   *ptr,
                   size_t  size,
                   size_t  nmemb,
                   void   *user_data)
{
  Transfer *t = user_data;
  size_t n = size * nmemb;

  if (t->file != NULL && !t->decided)
    {
      long status = 0;
      const char *content_type = NULL;

      curl_easy_getinfo (t->curl, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo (t->curl, CURLINFO_CONTENT_TYPE, &content_type);

      t->decided = TRUE;
      t->to_file = status >= 200 && status < 300;

      /* A 200 web page where a video was expected: an error page */
      if (t->to_file && content_type != NULL &&
          g_ascii_strncasecmp (content_type, "text/html", 9) == 0)
        {
          t->html = TRUE;
          return 0;
        }
    }

  if (t->file != NULL && t->to_file)
    {
      if (t->offset + t->written + (goffset) n > t->max_file)
        {
          t->too_large = TRUE;
          return 0;
        }

      if (fwrite (ptr, 1, n, t->file) != n)
        {
          t->write_errno = errno != 0 ? errno : EIO;
          return 0;
        }

      t->written += n;
      return n;
    }

  if (t->buffer->len + n > t->max_buffer)
    {
      t->too_large = TRUE;
      return 0;
    }

  g_byte_array_append (t->buffer, (const guint8 *) ptr, n);
  return n;
}

static int
transfer_xferinfo_cb (void       *user_data,
                      curl_off_t  dltotal,
                      curl_off_t  dlnow,
                      curl_off_t  ultotal,
                      curl_off_t  ulnow)
{
  Transfer *t = user_data;

  t->uploaded = MAX (t->uploaded, ulnow);

  if (g_cancellable_is_cancelled (t->cancellable))
    return 1;

  if (t->progress != NULL && t->to_file)
    {
      gint64 now = g_get_monotonic_time ();

      if (now - t->last_progress >= PROGRESS_INTERVAL_US)
        {
          t->last_progress = now;
          t->progress (t->offset + dlnow,
                       dltotal > 0 ? t->offset + dltotal : -1,
                       t->progress_data);
        }
    }

  return 0;
}

static int
transfer_debug_cb (CURL          *handle,
                   curl_infotype  type,
                   char          *data,
                   size_t         size,
                   void          *user_data)
{
  const char *prefix;
  const char *p = data;
  const char *end = data + size;

  switch (type)
    {
    case CURLINFO_TEXT:
      prefix = "*";
      break;

    case CURLINFO_HEADER_OUT:
      prefix = ">";
      break;

    case CURLINFO_HEADER_IN:
      prefix = "<";
      break;

    default:
      /* Bodies and TLS records are never logged */
      return 0;
    }

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol != NULL ? eol + 1 : end;
      g_autofree char *line = inb_http_redact_header (p, next - p);

      if (*line != '\0')
        g_debug ("%s %s", prefix, line);
      p = next;
    }

  return 0;
}

static gboolean
debug_enabled (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

static void
transfer_cancelled_cb (GCancellable *cancellable,
                       CURLM        *multi)
{
  /* Any thread: interrupts curl_multi_poll() at once */
  curl_multi_wakeup (multi);
}

/* curl_easy_perform(), except that cancelling wakes the transfer up at
 * once instead of at the next progress tick (up to a second later). */
static CURLcode
transfer_run (CURL         *curl,
              GCancellable *cancellable)
{
  CURLcode code = CURLE_OK;
  CURLMcode mcode;
  CURLMsg *msg;
  CURLM *multi;
  gulong handler = 0;
  int running = 1;
  int n_msgs;

  multi = curl_multi_init ();
  if (multi == NULL)
    return CURLE_OUT_OF_MEMORY;
  curl_multi_add_handle (multi, curl);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (transfer_cancelled_cb), multi, NULL);

  for (;;)
    {
      mcode = curl_multi_perform (multi, &running);
      if (mcode != CURLM_OK)
        {
          code = mcode == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
          break;
        }

      if (running == 0)
        {
          while ((msg = curl_multi_info_read (multi, &n_msgs)) != NULL)
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == curl)
              code = msg->data.result;
          break;
        }

      if (g_cancellable_is_cancelled (cancellable))
        {
          code = CURLE_ABORTED_BY_CALLBACK;
          break;
        }

      mcode = curl_multi_poll (multi, NULL, 0, 1000, NULL);
      if (mcode != CURLM_OK)
        {
          code = CURLE_FAILED_INIT;
          break;
        }
    }

  g_cancellable_disconnect (cancellable, handler);
  curl_multi_remove_handle (multi, curl);
  curl_multi_cleanup (multi);

  return code;
}

typedef struct
{
  long        status;
  curl_off_t  retry_after;
  char       *content_type;
  char       *redirect_url;
  long        request_size;
} TransferInfo;

static void
transfer_info_clear (TransferInfo *info)
{
  g_clear_pointer (&info->content_type, g_free);
  g_clear_pointer (&info->redirect_url, g_free);
}

/* Runs one exchange. Everything about transport policy lives here. */
static CURLcode
transfer_perform (InbHttpClient  *self,
                  Transfer       *t,
                  const char     *method,
                  const char     *url,
                  GPtrArray      *extra_headers,
                  const char     *content_type,
                  GBytes         *body,
                  gboolean        authorize,
                  gboolean        api_call,
                  TransferInfo   *info)
{
  g_autofree char *auth = NULL;
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  const char *protocols;
  const char *ct = NULL;
  char *redirect = NULL;
  CURLcode code;
  CURL *curl;

  memset (info, 0, sizeof *info);

  curl = curl_easy_init ();
  if (curl == NULL)
    return CURLE_OUT_OF_MEMORY;
  t->curl = curl;

  protocols = inb_http_url_is_loopback (url) ? "http,https" : "https";

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) self->connect_timeout);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, (long) self->low_speed_limit);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) self->low_speed_time);
  if (api_call)
    {
      curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) self->api_timeout);
      curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "");
    }
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, transfer_xferinfo_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, transfer_write_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Inbetween/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);

  if (t->file != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) (t->max_file - t->offset));
      if (t->offset > 0)
        curl_easy_setopt (curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t) t->offset);
    }
  else
    curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) t->max_buffer);

  if (debug_enabled ())
    {
      curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, transfer_debug_cb);
      curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
    }

  if (authorize && self->bearer_token != NULL)
    {
      auth = g_strdup_printf ("Authorization: Bearer %s", self->bearer_token);
      headers = curl_slist_append (headers, auth);
    }
  if (api_call)
    headers = curl_slist_append (headers, "Accept: application/json");
  /* No "Expect: 100-continue" round trip for large bodies */
  headers = curl_slist_append (headers, "Expect:");
  for (guint i = 0; extra_headers != NULL && i < extra_headers->len; i++)
    headers = curl_slist_append (headers, g_ptr_array_index (extra_headers, i));

  if (g_str_equal (method, "GET"))
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  else if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else
    {
      gsize length = 0;
      const char *data = body != NULL ? g_bytes_get_data (body, &length) : "";
      g_autofree char *ct_header = NULL;

      if (!g_str_equal (method, "POST"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data != NULL ? data : "");
      ct_header = g_strdup_printf ("Content-Type: %s",
                                   content_type != NULL ? content_type : "application/octet-stream");
      headers = curl_slist_append (headers, ct_header);
    }

  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  code = transfer_run (curl, t->cancellable);

  if (code != CURLE_OK && errbuf[0] != '\0')
    g_debug ("Transfer failed: %s (%s)", curl_easy_strerror (code), errbuf);

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &info->status);
  curl_easy_getinfo (curl, CURLINFO_RETRY_AFTER, &info->retry_after);
  curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &info->request_size);
  if (curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
    info->content_type = g_strdup (ct);
  if (curl_easy_getinfo (curl, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect != NULL)
    info->redirect_url = g_strdup (redirect);

  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (auth != NULL)
    memset (auth, 0, strlen (auth));
  t->curl = NULL;

  return code;
}

static gboolean
curl_code_is_retryable (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return TRUE;

    default:
      return FALSE;
    }
}

/* Whether a failed submit certainly never reached the service. */
static gboolean
curl_code_is_before_send (CURLcode code,
                          long     request_size)
{
  if (request_size > 0)
    return FALSE;

  switch (code)
    {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_ABORTED_BY_CALLBACK:
      return TRUE;

    default:
      return FALSE;
    }
}

static void
set_transfer_error (GError         **error,
                    CURLcode         code,
                    const Transfer  *t,
                    const char      *url)
{
  g_autofree char *host = url_dup_host (url);
  const char *h = host != NULL ? host : "?";

  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (t->cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("Operation was cancelled"));
      return;
    }

  if (t->too_large || code == CURLE_FILESIZE_EXCEEDED)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The result from %s is too large"), h);
      return;
    }

  if (t->html)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("%s sent a web page instead of the expected file"), h);
      return;
    }

  if (t->write_errno != 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not save the download: %s"), g_strerror (t->write_errno));
      return;
    }

  switch (code)
    {
    case CURLE_UNSUPPORTED_PROTOCOL:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Refused to connect to %s with an unsupported protocol"), h);
      break;

    case CURLE_COULDNT_RESOLVE_HOST:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Could not find the server %s; check the network connection"), h);
      break;

    case CURLE_COULDNT_CONNECT:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Could not connect to %s"), h);
      break;

    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("%s stopped answering (timed out)"), h);
      break;

    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("The secure connection to %s could not be verified"), h);
      break;

    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("The connection to %s broke off"), h);
      break;

    default:
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                   _("Network error talking to %s: %s"), h, curl_easy_strerror (code));
      break;
    }
}

static gboolean
status_is_redirect (long status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Follows one redirect by hand, checking the new address with the same
 * policy; the key only goes to the host it was meant for. */
static gboolean
follow_redirect (char         **url,
                 const char    *location,
                 const char    *original_url,
                 gboolean      *authorize,
                 guint         *hops,
                 GError       **error)
{
  g_autofree char *old_host = NULL;
  g_autofree char *new_host = NULL;

  if (location == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent a redirect without a destination"));
      return FALSE;
    }

  if (++(*hops) > MAX_REDIRECTS)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service redirected too many times"));
      return FALSE;
    }

  if (!inb_http_check_url (location, error))
    return FALSE;

  old_host = url_dup_host (original_url);
  new_host = url_dup_host (location);
  if (g_strcmp0 (old_host, new_host) != 0)
    *authorize = FALSE;

  g_free (*url);
  *url = g_strdup (location);

  return TRUE;
}

/**
 * inb_http_client_send:
 *
 * Sends @request and returns the answer, whatever its HTTP status, once
 * retries are over. Blocks: call it from a worker thread.
 *
 * Errors: %G_IO_ERROR_CANCELLED; %INB_BACKEND_ERROR_NETWORK for
 * transport failures (after retries for idempotent requests);
 * %INB_BACKEND_ERROR_SUBMIT_UNKNOWN when a non-idempotent request may
 * have reached the service but no answer came back;
 * %INB_BACKEND_ERROR_REMOTE when the answer is over the size cap.
 *
 * Returns: (transfer full): the response, or %NULL with @error set
 */
InbHttpResponse *
inb_http_client_send (InbHttpClient   *self,
                      InbHttpRequest  *request,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autofree char *url = NULL;
  gboolean authorize;
  gint64 started;
  guint attempt = 0;
  guint hops = 0;

  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!inb_http_check_url (request->url, error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  url = g_strdup (request->url);
  authorize = request->authorize;
  started = g_get_monotonic_time ();

  for (;;)
    {
      g_autoptr(GByteArray) buffer = g_byte_array_new ();
      TransferInfo info;
      Transfer t = { 0, };
      CURLcode code;
      gint64 delay;

      attempt++;

      t.cancellable = cancellable;
      t.buffer = buffer;
      t.max_buffer = self->max_body_size;

      code = transfer_perform (self, &t, request->method, url, request->headers,
                               request->content_type, request->body,
                               authorize, TRUE, &info);

      if (code != CURLE_OK)
        {
          gboolean cancelled = g_cancellable_is_cancelled (cancellable);

          /* Sent, and the answer lost, cut or too large: the service
           * may have acted on it */
          if (!request->idempotent &&
              !curl_code_is_before_send (code, info.request_size))
            {
              g_autofree char *host = url_dup_host (url);

              g_debug ("%s %s: %s after the request went out", request->method, host,
                       curl_easy_strerror (code));
              transfer_info_clear (&info);
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                           cancelled
                           ? _("Cancelled while submitting to %s: the job may or may not have been accepted")
                           : _("The connection to %s was lost after submitting: the job may or may not have been accepted"),
                           host != NULL ? host : "?");
              return NULL;
            }

          if (!cancelled && request->idempotent && !t.too_large && curl_code_is_retryable (code))
            {
              delay = client_next_delay (self, attempt, 0);
              if (client_may_retry (self, attempt, started, delay))
                {
                  transfer_info_clear (&info);
                  if (!client_sleep (self, delay, cancellable))
                    {
                      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("Operation was cancelled"));
                      return NULL;
                    }
                  continue;
                }
            }

          set_transfer_error (error, code, &t, url);
          transfer_info_clear (&info);
          return NULL;
        }

      if (status_is_redirect (info.status) && request->idempotent)
        {
          if (!follow_redirect (&url, info.redirect_url, request->url, &authorize, &hops, error))
            {
              transfer_info_clear (&info);
              return NULL;
            }
          attempt--;
          transfer_info_clear (&info);
          continue;
        }

      if (request->idempotent && inb_http_status_is_retryable (info.status))
        {
          delay = client_next_delay (self, attempt, info.retry_after);
          g_debug ("HTTP %ld (Retry-After %" G_GINT64_FORMAT ")", info.status, (gint64) info.retry_after);
          if (client_may_retry (self, attempt, started, delay))
            {
              transfer_info_clear (&info);
              if (!client_sleep (self, delay, cancellable))
                {
                  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("Operation was cancelled"));
                  return NULL;
                }
              continue;
            }
        }

      {
        g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
        InbHttpResponse *response;

        response = inb_http_response_new (info.status, body, info.content_type, attempt);
        transfer_info_clear (&info);
        return response;
      }
    }
}

/**
 * inb_http_client_send_json:
 * @status: (out) (optional): the HTTP status of the answer
 *
 * Sends @request and parses the answer as JSON whatever its status, so
 * backends can read the provider's own error codes. When the answer is
 * not JSON, a failed status becomes the generic status error.
 *
 * Returns: (transfer full): the parsed answer, or %NULL with @error set
 */
JsonNode *
inb_http_client_send_json (InbHttpClient   *self,
                           InbHttpRequest  *request,
                           guint           *status,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(InbHttpResponse) response = NULL;
  g_autoptr(GError) json_error = NULL;
  JsonNode *node;

  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (status != NULL)
    *status = 0;

  response = inb_http_client_send (self, request, cancellable, error);
  if (response == NULL)
    return NULL;

  if (status != NULL)
    *status = response->status;

  node = inb_http_response_parse_json (response, &json_error);
  if (node == NULL)
    {
      if (response->status >= 300)
        inb_http_set_status_error (error, response->status, NULL);
      else if (!request->idempotent)
        {
          /* Accepted, but we cannot read what was accepted */
          g_autofree char *host = url_dup_host (request->url);

          g_debug ("Unreadable answer to %s: %s", request->method, json_error->message);
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                       _("%s sent an unreadable answer to the submit: the job may or may not have been accepted"),
                       host != NULL ? host : "?");
        }
      else
        g_propagate_error (error, g_steal_pointer (&json_error));
    }

  return node;
}

static FILE *
open_part (const char  *path,
           gboolean     append,
           goffset     *size,
           GError     **error)
{
  FILE *file;
  int saved;

  file = g_fopen (path, append ? "ab" : "wb");
  if (file == NULL)
    {
      saved = errno;
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not save the download: %s"), g_strerror (saved));
      return NULL;
    }

  if (fseeko (file, 0, SEEK_END) != 0)
    {
      saved = errno;
      fclose (file);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not save the download: %s"), g_strerror (saved));
      return NULL;
    }

  *size = ftello (file);
  return file;
}

static gboolean
close_part (FILE    *file,
            GError **error)
{
  int saved;

  if (fflush (file) != 0 || fsync (fileno (file)) != 0)
    {
      saved = errno;
      fclose (file);
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }

  if (fclose (file) != 0)
    {
      saved = errno;
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                   _("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_http_client_download:
 * @url: where the result is (no key is sent: result URLs are signed)
 * @dest_path: the file to create; "@dest_path.part" is used meanwhile
 * @max_bytes: refuse results larger than this
 * @progress: (nullable) (scope call): called from this thread
 *
 * Streams @url to @dest_path. A broken transfer is resumed with Range;
 * if the server ignores Range it starts again from 0. 403/404/410 mean
 * the result has expired (%INB_BACKEND_ERROR_EXPIRED). On failure or
 * cancellation the partial file is removed and @dest_path is untouched.
 */
gboolean
inb_http_client_download (InbHttpClient        *self,
                          const char           *url,
                          const char           *dest_path,
                          goffset               max_bytes,
                          InbHttpProgressFunc   progress,
                          gpointer              progress_data,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_autofree char *part = NULL;
  g_autofree char *current = NULL;
  gboolean authorize = FALSE;
  gboolean restart = TRUE;
  gint64 started;
  guint attempt = 0;
  guint hops = 0;

  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (max_bytes > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!inb_http_check_url (url, error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  part = g_strconcat (dest_path, ".part", NULL);
  current = g_strdup (url);
  started = g_get_monotonic_time ();

  for (;;)
    {
      g_autoptr(GByteArray) buffer = g_byte_array_new ();
      TransferInfo info;
      Transfer t = { 0, };
      CURLcode code;
      gint64 delay = 0;
      gboolean retry = FALSE;
      goffset size = 0;

      attempt++;

      t.file = open_part (part, !restart, &size, error);
      if (t.file == NULL)
        goto failed;
      restart = FALSE;

      t.cancellable = cancellable;
      t.buffer = buffer;
      t.max_buffer = MAX_ERROR_BODY;
      t.offset = size;
      t.max_file = max_bytes;
      t.progress = progress;
      t.progress_data = progress_data;

      if (size > 0)
        g_debug ("Resuming download at byte %" G_GOFFSET_FORMAT, size);

      code = transfer_perform (self, &t, "GET", current, NULL, NULL, NULL,
                               authorize, FALSE, &info);

      if (code == CURLE_OK && t.to_file)
        {
          if (!close_part (t.file, error))
            {
              transfer_info_clear (&info);
              goto failed;
            }

          /* 200 or 206 with the whole body: done */
          if (t.offset + t.written == 0)
            {
              transfer_info_clear (&info);
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                           _("The service sent an empty file"));
              goto failed;
            }

          transfer_info_clear (&info);

          if (g_rename (part, dest_path) != 0)
            {
              int saved = errno;

              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                           _("Could not save the download: %s"), g_strerror (saved));
              goto failed;
            }

          if (progress != NULL)
            progress (t.offset + t.written, t.offset + t.written, progress_data);

          return TRUE;
        }

      fclose (t.file);
      t.file = NULL;

      if (code == CURLE_OK && status_is_redirect (info.status))
        {
          if (!follow_redirect (&current, info.redirect_url, url, &authorize, &hops, error))
            {
              transfer_info_clear (&info);
              goto failed;
            }
          attempt--;
          transfer_info_clear (&info);
          continue;
        }

      if (code == CURLE_OK && (info.status == 200 || info.status == 206 || info.status == 204))
        {
          /* An empty success */
          transfer_info_clear (&info);
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("The service sent an empty file"));
          goto failed;
        }

      if (code == CURLE_OK && info.status == 416 && t.offset > 0)
        {
          /* Our prefix does not fit what the server has now: start over */
          restart = TRUE;
          retry = TRUE;
        }
      else if (code == CURLE_OK &&
               (info.status == 403 || info.status == 404 || info.status == 410))
        {
          g_autofree char *host = url_dup_host (current);

          transfer_info_clear (&info);
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                       _("The result is no longer available from %s (it may have expired)"),
                       host != NULL ? host : "?");
          goto failed;
        }
      else if (code == CURLE_OK && inb_http_status_is_retryable (info.status))
        {
          retry = TRUE;
          delay = client_next_delay (self, attempt, info.retry_after);
        }
      else if (code == CURLE_OK)
        {
          transfer_info_clear (&info);
          inb_http_set_status_error (error, info.status, NULL);
          goto failed;
        }
      else if (code == CURLE_RANGE_ERROR)
        {
          /* The server ignores Range: libcurl refused to append a full
           * body to our prefix. Start again from byte 0, right away. */
          g_debug ("Server ignored Range; restarting the download");
          restart = TRUE;
          retry = TRUE;
        }
      else if (!g_cancellable_is_cancelled (cancellable) &&
               !t.too_large && !t.html && t.write_errno == 0 &&
               curl_code_is_retryable (code))
        {
          retry = TRUE;
          /* Progress was made: resume at once; otherwise back off */
          delay = t.written > 0 ? 0 : client_next_delay (self, attempt, 0);
        }

      if (retry && client_may_retry (self, attempt, started, delay))
        {
          transfer_info_clear (&info);
          if (delay > 0 && !client_sleep (self, delay, cancellable))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Operation was cancelled"));
              goto failed;
            }
          continue;
        }

      if (code == CURLE_OK)
        inb_http_set_status_error (error, info.status, NULL);
      else
        set_transfer_error (error, code, &t, current);
      transfer_info_clear (&info);
      goto failed;
    }

failed:
  g_unlink (part);
  return FALSE;
}
