/* inb-comfyui-socket.h — ComfyUI's websocket (/ws), libsoup 3
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Binary frames: a 4-byte big-endian event type, then its payload. */
#define INB_COMFYUI_BINARY_PREVIEW               1
#define INB_COMFYUI_BINARY_TEXT                  3
#define INB_COMFYUI_BINARY_PREVIEW_WITH_METADATA 4

/* The largest frame taken (a preview image is far smaller). */
#define INB_COMFYUI_SOCKET_MAX_FRAME (16 * 1024 * 1024)

typedef struct _InbComfyuiSocket InbComfyuiSocket;

/**
 * InbComfyuiSocketFuncs:
 * @opened: the socket is connected (again)
 * @message: a JSON message ({"type", "data"}); @data may be %NULL
 * @preview: a preview image (JPEG or PNG bytes); @prompt_id when the
 *   frame names it (metadata frames), else %NULL
 * @closed: the socket is gone (the server closed it, or it broke)
 *
 * Called on the thread-default main context of the thread that made the
 * socket.
 */
typedef struct
{
  void (*opened)  (gpointer     user_data);
  void (*message) (const char  *type,
                   JsonObject  *data,
                   gpointer     user_data);
  void (*preview) (GBytes      *image,
                   const char  *prompt_id,
                   gpointer     user_data);
  void (*closed)  (gpointer     user_data);
} InbComfyuiSocketFuncs;

/* Connects to @base_url's /ws?clientId=@client_id on the thread-default
 * main context; closed() says when that failed. */
InbComfyuiSocket *inb_comfyui_socket_new        (const char                  *base_url,
                                                 const char                  *client_id,
                                                 const InbComfyuiSocketFuncs *funcs,
                                                 gpointer                     user_data);
gboolean          inb_comfyui_socket_is_open    (InbComfyuiSocket            *self);
/* Connects again after closed() (same client id: the server re-sends the
 * running node). */
void              inb_comfyui_socket_reconnect  (InbComfyuiSocket            *self);
/* Closes it; no callback runs after this. */
void              inb_comfyui_socket_free       (InbComfyuiSocket            *self);

/* Parses a binary frame: FALSE (with @error) for one that is malformed;
 * TRUE with *@image %NULL for a kind that is not a preview. */
gboolean          inb_comfyui_parse_binary      (GBytes                      *frame,
                                                 GBytes                     **image,
                                                 char                       **prompt_id,
                                                 GError                     **error);

G_END_DECLS
