/* inb-http-message.c — requests and responses, and JSON read from them within limits
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

InbHttpResponse *
_inb_http_response_new (guint       status,
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
      {
        g_autofree char *size_text = g_format_size (length);

        /* Translators: %s is a size as g_format_size() writes it, "12.3 MB" */
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                     _("The service sent an answer that is too large (%s)"), size_text);
      }
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
