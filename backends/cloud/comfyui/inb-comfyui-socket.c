/* inb-comfyui-socket.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ComfyUI sends a prompt's events only to the socket whose id is the
 * prompt's client_id (../shared/research/comfyui.md §A2), so a job opens
 * /ws?clientId=<its client id> before it submits. Text frames are JSON
 * {"type", "data"}; binary frames carry previews. Everything arriving is
 * untrusted: JSON goes through inb_http_parse_json()'s limits, frames
 * over INB_COMFYUI_SOCKET_MAX_FRAME are refused by libsoup.
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "inb-backend.h"
#include "inb-comfyui-socket.h"
#include "inb-http.h"

struct _InbComfyuiSocket
{
  SoupSession                 *session;
  SoupWebsocketConnection     *connection;
  GCancellable                *cancellable;
  char                        *url;
  const InbComfyuiSocketFuncs *funcs;
  gpointer                     user_data;
  gboolean                     connecting;
};

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

/**
 * inb_comfyui_parse_binary:
 * @image: (out) (transfer full) (nullable): the preview's bytes
 * @prompt_id: (out) (transfer full) (nullable): the prompt it belongs to,
 *   when the frame says
 */
gboolean
inb_comfyui_parse_binary (GBytes  *frame,
                          GBytes **image,
                          char   **prompt_id,
                          GError **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);
  guint32 type;

  *image = NULL;
  *prompt_id = NULL;

  if (size < 4)
    goto malformed;

  type = read_be32 (data);
  switch (type)
    {
    case INB_COMFYUI_BINARY_PREVIEW:
      {
        guint32 format;

        /* 4-byte format (1 JPEG, 2 PNG), then the image */
        if (size < 8)
          goto malformed;
        format = read_be32 (data + 4);
        if (format != 1 && format != 2)
          goto malformed;
        *image = g_bytes_new_from_bytes (frame, 8, size - 8);
        return TRUE;
      }

    case INB_COMFYUI_BINARY_PREVIEW_WITH_METADATA:
      {
        g_autoptr(JsonNode) node = NULL;
        guint32 json_len;
        JsonObject *meta;

        /* 4-byte JSON length, the JSON, then the image */
        if (size < 8)
          goto malformed;
        json_len = read_be32 (data + 4);
        if (json_len > size - 8)
          goto malformed;
        node = inb_http_parse_json ((const char *) data + 8, json_len, NULL);
        meta = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        if (meta != NULL && json_object_has_member (meta, "prompt_id") &&
            JSON_NODE_HOLDS_VALUE (json_object_get_member (meta, "prompt_id")) &&
            json_node_get_value_type (json_object_get_member (meta, "prompt_id")) == G_TYPE_STRING)
          *prompt_id = g_strdup (json_object_get_string_member (meta, "prompt_id"));
        *image = g_bytes_new_from_bytes (frame, 8 + json_len, size - 8 - json_len);
        return TRUE;
      }

    default:
      /* Text for a node (3), or a kind we do not know: not for us */
      return TRUE;
    }

malformed:
  g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                       _("ComfyUI sent a malformed binary message"));
  return FALSE;
}

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  InbComfyuiSocket *self = user_data;

  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    {
      gsize size;
      const char *data = g_bytes_get_data (message, &size);
      g_autoptr(JsonNode) node = inb_http_parse_json (data, size, NULL);
      JsonObject *root = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *kind = root != NULL && json_object_has_member (root, "type") ? json_object_get_member (root, "type") : NULL;
      JsonNode *body = root != NULL && json_object_has_member (root, "data") ? json_object_get_member (root, "data") : NULL;

      if (kind == NULL || !JSON_NODE_HOLDS_VALUE (kind) || json_node_get_value_type (kind) != G_TYPE_STRING)
        {
          g_debug ("Ignoring a websocket message that is not {type, data}");
          return;
        }

      self->funcs->message (json_node_get_string (kind),
                            body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL,
                            self->user_data);
    }
  else
    {
      g_autoptr(GBytes) image = NULL;
      g_autofree char *prompt_id = NULL;
      g_autoptr(GError) error = NULL;

      if (!inb_comfyui_parse_binary (message, &image, &prompt_id, &error))
        g_debug ("%s", error->message);
      else if (image != NULL)
        self->funcs->preview (image, prompt_id, self->user_data);
    }
}

static void
drop_connection (InbComfyuiSocket *self)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  InbComfyuiSocket *self = user_data;

  g_debug ("The ComfyUI websocket closed (code %u)", soup_websocket_connection_get_close_code (connection));
  drop_connection (self);
  self->funcs->closed (self->user_data);
}

static void
on_error (SoupWebsocketConnection *connection,
          GError                  *error,
          gpointer                 user_data)
{
  g_debug ("ComfyUI websocket: %s", error->message);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;
  InbComfyuiSocket *self;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* freed: user_data is gone */

  self = user_data;
  self->connecting = FALSE;

  if (connection == NULL)
    {
      g_debug ("No websocket at %s: %s", self->url, error->message);
      self->funcs->closed (self->user_data);
      return;
    }

  self->connection = connection;
  soup_websocket_connection_set_max_incoming_payload_size (connection, INB_COMFYUI_SOCKET_MAX_FRAME);
  soup_websocket_connection_set_keepalive_interval (connection, 20);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (connection, "error", G_CALLBACK (on_error), self);
  self->funcs->opened (self->user_data);
}

static void
start_connect (InbComfyuiSocket *self)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", self->url);

  if (message == NULL)
    {
      self->funcs->closed (self->user_data);
      return;
    }

  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, connected_cb, self);
}

/**
 * inb_comfyui_socket_new:
 * @base_url: "http://127.0.0.1:8188" (http or https)
 *
 * Returns: (transfer full): the socket, connecting
 */
InbComfyuiSocket *
inb_comfyui_socket_new (const char                  *base_url,
                        const char                  *client_id,
                        const InbComfyuiSocketFuncs *funcs,
                        gpointer                     user_data)
{
  InbComfyuiSocket *self = g_new0 (InbComfyuiSocket, 1);
  g_autofree char *escaped = g_uri_escape_string (client_id, NULL, FALSE);

  self->session = soup_session_new ();
  soup_session_set_user_agent (self->session, "Inbetween/" PACKAGE_VERSION);
  soup_session_set_timeout (self->session, 30);
  self->cancellable = g_cancellable_new ();
  self->url = g_strdup_printf ("%s/ws?clientId=%s", base_url, escaped);
  self->funcs = funcs;
  self->user_data = user_data;

  start_connect (self);

  return self;
}

gboolean
inb_comfyui_socket_is_open (InbComfyuiSocket *self)
{
  return self->connection != NULL &&
         soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
inb_comfyui_socket_reconnect (InbComfyuiSocket *self)
{
  if (self->connecting || inb_comfyui_socket_is_open (self))
    return;

  drop_connection (self);
  start_connect (self);
}

void
inb_comfyui_socket_free (InbComfyuiSocket *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  drop_connection (self);
  soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_free (self->url);
  g_free (self);
}
