/* inb-http-transfer.c — one exchange with libcurl: options, sinks, cancellation, errors
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
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
  Transfer *t = user_data;
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
      g_autofree char *header = inb_http_redact_header (p, next - p);
      g_autofree char *line = inb_http_redact_text (header, t->secret);

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

void
_inb_http_transfer_info_clear (TransferInfo *info)
{
  g_clear_pointer (&info->content_type, g_free);
  g_clear_pointer (&info->redirect_url, g_free);
}

/* Runs one exchange. Everything about transport policy lives here. */
CURLcode
_inb_http_transfer_perform (InbHttpClient  *self,
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

  protocols = inb_http_url_is_loopback (url) || _inb_http_client_allows_plain (self, url)
              ? "http,https" : "https";

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
      t->secret = self->bearer_token;
      curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, transfer_debug_cb);
      curl_easy_setopt (curl, CURLOPT_DEBUGDATA, t);
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
  {
    curl_off_t connect_us = 0, total_us = 0;

    curl_easy_getinfo (curl, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_getinfo (curl, CURLINFO_TOTAL_TIME_T, &total_us);
    t->connected = connect_us > 0;
    t->answered = info->status > 0;
    t->silent_us = t->connected ? MAX (0, (gint64) (total_us - connect_us)) : 0;
  }
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

gboolean
_inb_http_curl_code_is_retryable (CURLcode code)
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
gboolean
_inb_http_curl_code_is_before_send (CURLcode code,
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

void
_inb_http_set_transfer_error (InbHttpClient   *self,
                    GError         **error,
                    CURLcode         code,
                    const Transfer  *t,
                    const char      *url)
{
  g_autofree char *host = _inb_http_url_dup_host (url);
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
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (t->write_errno),
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
      if (t->connected && !t->answered)
        {
          /* A stall, not an absence: the server is there, stuck or busy */
          guint seconds = (guint) MAX (1, (t->silent_us + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);

          g_atomic_int_inc (&self->n_stalls);
          /* Translators: a host, then a number of seconds */
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK,
                       _("%s accepted the connection but did not answer within %u s"), h, seconds);
          break;
        }
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
