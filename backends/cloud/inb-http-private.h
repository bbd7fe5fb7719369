/* inb-http-private.h — what the HTTP client's files share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <curl/curl.h>

#include "inb-http.h"

G_BEGIN_DECLS

#define MAX_REDIRECTS        5
#define MAX_ERROR_BODY       (64 * 1024)
#define PROGRESS_INTERVAL_US (100 * 1000)

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

struct _InbHttpClient
{
  GObject           parent_instance;

  char             *bearer_token;
  char             *plain_http_origin;   /* http://host:port allowed unencrypted */
  guint             connect_timeout;
  guint             low_speed_limit;
  guint             low_speed_time;
  guint             api_timeout;
  gsize             max_body_size;
  guint             max_attempts;
  guint             base_delay_ms;
  guint             max_delay_ms;
  guint             budget_seconds;
  gint              n_stalls;            /* atomic: calls given up on a silent server */

  InbHttpSleepFunc  sleep_func;
  gpointer          sleep_data;
  GDestroyNotify    sleep_destroy;
};

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
  const char          *secret;        /* the key, redacted from debug lines */

  /* how it ended, for the words of a time-out */
  gboolean             connected;     /* the server accepted the connection */
  gboolean             answered;      /* and sent at least a status line */
  gint64               silent_us;     /* from the connection to the end */
} Transfer;

typedef struct
{
  long        status;
  curl_off_t  retry_after;
  char       *content_type;
  char       *redirect_url;
  long        request_size;
} TransferInfo;

/* inb-http-message.c */
InbHttpResponse *_inb_http_response_new        (guint           status,
                                                GBytes         *body,
                                                const char     *content_type,
                                                guint           attempts);

/* inb-http-policy.c: URL policy, status errors, redaction, redirects */
char            *_inb_http_url_dup_host        (const char     *url);
gboolean         _inb_http_client_allows_plain (InbHttpClient  *self,
                                                const char     *url);
gboolean         _inb_http_client_check_url    (InbHttpClient  *self,
                                                const char     *url,
                                                GError        **error);
gboolean         _inb_http_status_is_redirect  (long            status);
gboolean         _inb_http_follow_redirect     (char          **url,
                                                const char     *location,
                                                const char     *original_url,
                                                gboolean       *authorize,
                                                guint          *hops,
                                                GError        **error);

/* inb-http-transfer.c: one exchange with libcurl */
CURLcode         _inb_http_transfer_perform    (InbHttpClient  *self,
                                                Transfer       *t,
                                                const char     *method,
                                                const char     *url,
                                                GPtrArray      *extra_headers,
                                                const char     *content_type,
                                                GBytes         *body,
                                                gboolean        authorize,
                                                gboolean        api_call,
                                                TransferInfo   *info);
void             _inb_http_transfer_info_clear (TransferInfo   *info);
gboolean         _inb_http_curl_code_is_retryable   (CURLcode   code);
gboolean         _inb_http_curl_code_is_before_send (CURLcode   code,
                                                     long       request_size);
void             _inb_http_set_transfer_error  (InbHttpClient  *self,
                                                GError        **error,
                                                CURLcode        code,
                                                const Transfer *t,
                                                const char     *url);

G_END_DECLS
