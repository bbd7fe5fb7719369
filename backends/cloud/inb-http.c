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
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-backend.h"
#include "inb-http-private.h"

/* The client: settings, the retry loop of a call, downloads. Requests
 * and responses: inb-http-message.c; address policy, status errors,
 * redaction and redirects: inb-http-policy.c; one libcurl exchange:
 * inb-http-transfer.c. */

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

  g_free (self->plain_http_origin);

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

/* "http://host:port" of @url (the port spelled out), or NULL */
static char *
plain_origin (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *host = NULL;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_userinfo (uri) != NULL)
    return NULL;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  return g_strdup_printf ("http://%s:%d", host, g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80);
}

/**
 * inb_http_client_allow_plain_http:
 * @base_url: (nullable): an http:// address the user typed for a server of
 *   their own; %NULL: none
 *
 * Lets this client speak plain http to that host and port only (anywhere
 * else the policy of inb_http_check_url() holds, redirects included). For
 * a backend whose server is the user's own on their network; the caller
 * warns that anyone on the network can see what goes over it.
 */
void
inb_http_client_allow_plain_http (InbHttpClient *self,
                                  const char    *base_url)
{
  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  g_free (self->plain_http_origin);
  self->plain_http_origin = plain_origin (base_url);
}

/* Whether @url is the one plain-http origin this client was allowed */
gboolean
_inb_http_client_allows_plain (InbHttpClient *self,
                               const char    *url)
{
  g_autofree char *origin = NULL;

  if (self->plain_http_origin == NULL)
    return FALSE;

  origin = plain_origin (url);
  return origin != NULL && g_str_equal (origin, self->plain_http_origin);
}

/* The transport policy for this client: inb_http_check_url(), or the one
 * plain-http origin it was allowed */
gboolean
_inb_http_client_check_url (InbHttpClient  *self,
                            const char     *url,
                            GError        **error)
{
  return _inb_http_client_allows_plain (self, url) || inb_http_check_url (url, error);
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
 * inb_http_client_get_n_stalls:
 *
 * How many of this client's calls and downloads ended because the server
 * accepted the connection and then sent no answer (not even a status
 * line) within the low-speed or overall limit. Compared before and after
 * a call it tells a stalled server from an absent one; any thread.
 */
guint
inb_http_client_get_n_stalls (InbHttpClient *self)
{
  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), 0);

  return (guint) g_atomic_int_get (&self->n_stalls);
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

/**
 * inb_http_client_redact:
 * @text: (nullable): a server's text, or a message built from one
 *
 * inb_http_redact_text() with this client's key.
 *
 * Returns: (transfer full) (nullable): the redacted copy
 */
char *
inb_http_client_redact (InbHttpClient *self,
                        const char    *text)
{
  g_return_val_if_fail (INB_IS_HTTP_CLIENT (self), NULL);

  return inb_http_redact_text (text, self->bearer_token);
}

/**
 * inb_http_client_redact_error:
 * @error: (nullable): an error whose message may quote a server
 *
 * Redacts @error's message in place (see inb_http_client_redact()).
 */
void
inb_http_client_redact_error (InbHttpClient *self,
                              GError        *error)
{
  char *redacted;

  g_return_if_fail (INB_IS_HTTP_CLIENT (self));

  if (error == NULL || error->message == NULL)
    return;

  redacted = inb_http_client_redact (self, error->message);
  g_free (error->message);
  error->message = redacted;
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

  if (!_inb_http_client_check_url (self, request->url, error))
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

      code = _inb_http_transfer_perform (self, &t, request->method, url, request->headers,
                               request->content_type, request->body,
                               authorize, TRUE, &info);

      if (code != CURLE_OK)
        {
          gboolean cancelled = g_cancellable_is_cancelled (cancellable);

          /* Sent, and the answer lost, cut or too large: the service
           * may have acted on it */
          if (!request->idempotent &&
              !_inb_http_curl_code_is_before_send (code, info.request_size))
            {
              g_autofree char *host = _inb_http_url_dup_host (url);

              g_debug ("%s %s: %s after the request went out", request->method, host,
                       curl_easy_strerror (code));
              _inb_http_transfer_info_clear (&info);
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                           cancelled
                           ? _("Cancelled while submitting to %s: the job may or may not have been accepted")
                           : _("The connection to %s was lost after submitting: the job may or may not have been accepted"),
                           host != NULL ? host : "?");
              return NULL;
            }

          if (!cancelled && request->idempotent && !t.too_large && _inb_http_curl_code_is_retryable (code))
            {
              delay = client_next_delay (self, attempt, 0);
              if (client_may_retry (self, attempt, started, delay))
                {
                  _inb_http_transfer_info_clear (&info);
                  if (!client_sleep (self, delay, cancellable))
                    {
                      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("Operation was cancelled"));
                      return NULL;
                    }
                  continue;
                }
            }

          _inb_http_set_transfer_error (self, error, code, &t, url);
          _inb_http_transfer_info_clear (&info);
          return NULL;
        }

      if (_inb_http_status_is_redirect (info.status) && request->idempotent)
        {
          if (!_inb_http_follow_redirect (&url, info.redirect_url, request->url, &authorize, &hops, error))
            {
              _inb_http_transfer_info_clear (&info);
              return NULL;
            }
          attempt--;
          _inb_http_transfer_info_clear (&info);
          continue;
        }

      if (request->idempotent && inb_http_status_is_retryable (info.status))
        {
          delay = client_next_delay (self, attempt, info.retry_after);
          g_debug ("HTTP %ld (Retry-After %" G_GINT64_FORMAT ")", info.status, (gint64) info.retry_after);
          if (client_may_retry (self, attempt, started, delay))
            {
              _inb_http_transfer_info_clear (&info);
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
        g_autoptr(GBytes) received = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
        g_autoptr(GBytes) body = inb_http_redact_bytes (received, self->bearer_token);
        InbHttpResponse *response;

        response = _inb_http_response_new (info.status, body, info.content_type, attempt);
        _inb_http_transfer_info_clear (&info);
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
          g_autofree char *host = _inb_http_url_dup_host (request->url);

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
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not save the download: %s"), g_strerror (saved));
      return NULL;
    }

  if (fseeko (file, 0, SEEK_END) != 0)
    {
      saved = errno;
      fclose (file);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
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
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }

  if (fclose (file) != 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not save the download: %s"), g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/* After an attempt that did not complete the file: whether to try again
 * (from byte 0 when *@restart is set, else resuming) and after how long
 * (*@delay); %FALSE with @error set when the download has failed for good
 * or may not be retried. */
static gboolean
download_should_retry (InbHttpClient      *self,
                       CURLcode            code,
                       const Transfer     *t,
                       const TransferInfo *info,
                       const char         *current,
                       guint               attempt,
                       gboolean           *restart,
                       gint64             *delay,
                       GError            **error)
{
  *delay = 0;

  if (code == CURLE_OK && (info->status == 200 || info->status == 206 || info->status == 204))
    {
      /* An empty success */
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                   _("The service sent an empty file"));
      return FALSE;
    }

  if (code == CURLE_OK && info->status == 416 && t->offset > 0)
    {
      /* Our prefix does not fit what the server has now: start over */
      *restart = TRUE;
      return TRUE;
    }

  if (code == CURLE_OK &&
      (info->status == 403 || info->status == 404 || info->status == 410))
    {
      g_autofree char *host = _inb_http_url_dup_host (current);

      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED,
                   _("The result is no longer available from %s (it may have expired)"),
                   host != NULL ? host : "?");
      return FALSE;
    }

  if (code == CURLE_OK && inb_http_status_is_retryable (info->status))
    {
      *delay = client_next_delay (self, attempt, info->retry_after);
      return TRUE;
    }

  if (code == CURLE_OK)
    {
      inb_http_set_status_error (error, info->status, NULL);
      return FALSE;
    }

  if (code == CURLE_RANGE_ERROR)
    {
      /* The server ignores Range: libcurl refused to append a full
       * body to our prefix. Start again from byte 0, right away. */
      g_debug ("Server ignored Range; restarting the download");
      *restart = TRUE;
      return TRUE;
    }

  if (!g_cancellable_is_cancelled (t->cancellable) &&
      !t->too_large && !t->html && t->write_errno == 0 &&
      _inb_http_curl_code_is_retryable (code))
    {
      /* Progress was made: resume at once; otherwise back off */
      *delay = t->written > 0 ? 0 : client_next_delay (self, attempt, 0);
      return TRUE;
    }

  _inb_http_set_transfer_error (self, error, code, t, current);
  return FALSE;
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

  if (!_inb_http_client_check_url (self, url, error))
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

      code = _inb_http_transfer_perform (self, &t, "GET", current, NULL, NULL, NULL,
                               authorize, FALSE, &info);

      if (code == CURLE_OK && t.to_file)
        {
          if (!close_part (t.file, error))
            {
              _inb_http_transfer_info_clear (&info);
              goto failed;
            }

          /* 200 or 206 with the whole body: done */
          if (t.offset + t.written == 0)
            {
              _inb_http_transfer_info_clear (&info);
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                           _("The service sent an empty file"));
              goto failed;
            }

          _inb_http_transfer_info_clear (&info);

          if (g_rename (part, dest_path) != 0)
            {
              int saved = errno;

              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                           _("Could not save the download: %s"), g_strerror (saved));
              goto failed;
            }

          if (progress != NULL)
            progress (t.offset + t.written, t.offset + t.written, progress_data);

          return TRUE;
        }

      fclose (t.file);
      t.file = NULL;

      if (code == CURLE_OK && _inb_http_status_is_redirect (info.status))
        {
          if (!_inb_http_follow_redirect (&current, info.redirect_url, url, &authorize, &hops, error))
            {
              _inb_http_transfer_info_clear (&info);
              goto failed;
            }
          attempt--;
          _inb_http_transfer_info_clear (&info);
          continue;
        }

      if (!download_should_retry (self, code, &t, &info, current, attempt,
                                  &restart, &delay, error))
        {
          _inb_http_transfer_info_clear (&info);
          goto failed;
        }

      if (client_may_retry (self, attempt, started, delay))
        {
          _inb_http_transfer_info_clear (&info);
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
        _inb_http_set_transfer_error (self, error, code, &t, current);
      _inb_http_transfer_info_clear (&info);
      goto failed;
    }

failed:
  g_unlink (part);
  return FALSE;
}
