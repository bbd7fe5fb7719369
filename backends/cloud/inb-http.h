/* inb-http.h — the one hardened HTTP client every cloud backend uses
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "inb-json-limits.h"

G_BEGIN_DECLS

/* Limits checked before json-glib ever sees a body. */
#define INB_HTTP_JSON_MAX_SIZE  (4 * 1024 * 1024)
#define INB_HTTP_JSON_MAX_DEPTH INB_JSON_MAX_DEPTH

/* Retry-After values are clamped into this range (seconds). */
#define INB_HTTP_RETRY_AFTER_MIN 1
#define INB_HTTP_RETRY_AFTER_MAX 600

/**
 * InbHttpSleepFunc:
 * @usec: how long to wait, in microseconds
 * @cancellable: (nullable): the call's cancellable
 * @user_data: closure data
 *
 * Waits between retries. Tests replace it to record the delays instead
 * of waiting. Returns %FALSE if @cancellable fired while waiting.
 */
typedef gboolean (*InbHttpSleepFunc) (gint64        usec,
                                      GCancellable *cancellable,
                                      gpointer      user_data);

/**
 * InbHttpProgressFunc:
 * @received: bytes of the body so far (including a resumed prefix)
 * @total: expected body size, or -1 when unknown
 * @user_data: closure data
 *
 * Called from the transfer thread, at most a few times a second.
 */
typedef void (*InbHttpProgressFunc) (goffset  received,
                                     goffset  total,
                                     gpointer user_data);

/* ------------------------------------------------------------------ */

#define INB_TYPE_HTTP_REQUEST  (inb_http_request_get_type ())
#define INB_TYPE_HTTP_RESPONSE (inb_http_response_get_type ())

/**
 * InbHttpRequest:
 *
 * One HTTP exchange to make: method, URL, extra headers, body, and
 * whether it may be retried. GET is idempotent (retried on 429, 5xx and
 * network errors); anything else is not, and is never sent twice.
 */
typedef struct _InbHttpRequest InbHttpRequest;

/**
 * InbHttpResponse:
 *
 * A complete HTTP answer, whatever its status. Transport failures are
 * reported as a #GError instead.
 */
typedef struct _InbHttpResponse InbHttpResponse;

GType            inb_http_request_get_type        (void) G_GNUC_CONST;
InbHttpRequest  *inb_http_request_new             (const char       *method,
                                                   const char       *url);
InbHttpRequest  *inb_http_request_ref             (InbHttpRequest   *self);
void             inb_http_request_unref           (InbHttpRequest   *self);
const char      *inb_http_request_get_method      (InbHttpRequest   *self);
const char      *inb_http_request_get_url         (InbHttpRequest   *self);
void             inb_http_request_add_header      (InbHttpRequest   *self,
                                                   const char       *name,
                                                   const char       *value);
void             inb_http_request_set_body        (InbHttpRequest   *self,
                                                   GBytes           *body,
                                                   const char       *content_type);
void             inb_http_request_set_json_body   (InbHttpRequest   *self,
                                                   JsonNode         *node);
gboolean         inb_http_request_get_idempotent  (InbHttpRequest   *self);
void             inb_http_request_set_idempotent  (InbHttpRequest   *self,
                                                   gboolean          idempotent);
void             inb_http_request_set_authorize   (InbHttpRequest   *self,
                                                   gboolean          authorize);

GType            inb_http_response_get_type       (void) G_GNUC_CONST;
InbHttpResponse *inb_http_response_ref            (InbHttpResponse  *self);
void             inb_http_response_unref          (InbHttpResponse  *self);
guint            inb_http_response_get_status     (InbHttpResponse  *self);
GBytes          *inb_http_response_get_body       (InbHttpResponse  *self);
const char      *inb_http_response_get_content_type (InbHttpResponse *self);
guint            inb_http_response_get_attempts   (InbHttpResponse  *self);
JsonNode        *inb_http_response_parse_json     (InbHttpResponse  *self,
                                                   GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbHttpRequest, inb_http_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbHttpResponse, inb_http_response_unref)

/* ------------------------------------------------------------------ */

#define INB_TYPE_HTTP_CLIENT (inb_http_client_get_type ())

G_DECLARE_FINAL_TYPE (InbHttpClient, inb_http_client, INB, HTTP_CLIENT, GObject)

/**
 * InbHttpClient:
 *
 * Settings shared by the calls of one backend: the bearer key, timeouts,
 * caps and the retry policy. Configure it first, then use it from any
 * number of threads: every call makes its own libcurl handle and blocks,
 * so call it from a GTask thread, never from the main thread.
 */
InbHttpClient   *inb_http_client_new              (void);
void             inb_http_client_set_bearer_token (InbHttpClient    *self,
                                                   const char       *token);
gboolean         inb_http_client_has_bearer_token (InbHttpClient    *self);
void             inb_http_client_allow_plain_http (InbHttpClient    *self,
                                                   const char       *base_url);
void             inb_http_client_set_connect_timeout (InbHttpClient *self,
                                                   guint             seconds);
void             inb_http_client_set_low_speed    (InbHttpClient    *self,
                                                   guint             bytes_per_second,
                                                   guint             seconds);
guint            inb_http_client_get_n_stalls     (InbHttpClient    *self);
void             inb_http_client_set_api_timeout  (InbHttpClient    *self,
                                                   guint             seconds);
void             inb_http_client_set_max_body_size (InbHttpClient   *self,
                                                   gsize             max_bytes);
void             inb_http_client_set_retry_policy (InbHttpClient    *self,
                                                   guint             max_attempts,
                                                   guint             base_delay_ms,
                                                   guint             max_delay_ms,
                                                   guint             budget_seconds);
void             inb_http_client_set_sleep_func   (InbHttpClient    *self,
                                                   InbHttpSleepFunc  func,
                                                   gpointer          user_data,
                                                   GDestroyNotify    destroy);

InbHttpResponse *inb_http_client_send             (InbHttpClient    *self,
                                                   InbHttpRequest   *request,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
char            *inb_http_client_redact           (InbHttpClient    *self,
                                                   const char       *text);
void             inb_http_client_redact_error     (InbHttpClient    *self,
                                                   GError           *error);
JsonNode        *inb_http_client_send_json        (InbHttpClient    *self,
                                                   InbHttpRequest   *request,
                                                   guint            *status,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
gboolean         inb_http_client_download         (InbHttpClient    *self,
                                                   const char       *url,
                                                   const char       *dest_path,
                                                   goffset           max_bytes,
                                                   InbHttpProgressFunc progress,
                                                   gpointer          progress_data,
                                                   GCancellable     *cancellable,
                                                   GError          **error);

/* ------------------------------------------------------------------ */

gboolean         inb_http_check_url               (const char       *url,
                                                   GError          **error);
gboolean         inb_http_url_is_loopback         (const char       *url);
JsonNode        *inb_http_parse_json              (const char       *data,
                                                   gsize             length,
                                                   GError          **error);
gint64           inb_http_clamp_retry_after       (gint64           retry_after);
gboolean         inb_http_status_is_retryable     (guint            status);
void             inb_http_set_status_error        (GError          **error,
                                                   guint             status,
                                                   const char       *remote_message);
char            *inb_http_redact_header           (const char       *line,
                                                   gsize             length);
char            *inb_http_redact_text             (const char       *text,
                                                   const char       *secret);
GBytes          *inb_http_redact_bytes            (GBytes           *bytes,
                                                   const char       *secret);

G_END_DECLS
