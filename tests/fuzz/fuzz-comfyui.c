/* fuzz-comfyui.c — what a ComfyUI server sends: websocket messages and
 * history entries
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte chooses:
 *  0  a binary websocket frame (inb_comfyui_parse_binary), and the preview
 *     image it carries decoded (inb_comfyui_decode_preview);
 *  1  a text websocket message, read as the socket reads it ({type, data},
 *     inb_http_parse_json), an execution_error described in words;
 *  2  a /history entry (inb_comfyui_read_history), for any output node or
 *     for node "9" when the second byte is odd.
 * Invariants: errors in valid UTF-8; a clip's file name and subfolder are
 * ones inb_comfyui_check_name accepts (they never leave their folder).
 */
#include "config.h"

#include <string.h>

#include "inb-comfyui-api.h"
#include "inb-comfyui-job.h"
#include "inb-comfyui-socket.h"
#include "inb-http.h"
#include "inb-json.h"
#include "inb-fuzz.h"

static void
fuzz_binary (const uint8_t *data,
             size_t         size)
{
  g_autoptr(GBytes) frame = g_bytes_new (data, size);
  g_autoptr(GBytes) image = NULL;
  g_autofree char *prompt_id = NULL;
  g_autoptr(GError) error = NULL;

  if (!inb_comfyui_parse_binary (frame, &image, &prompt_id, &error))
    {
      g_assert_nonnull (error);
      g_assert_null (image);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  if (prompt_id != NULL)
    g_assert_true (g_utf8_validate (prompt_id, -1, NULL));
  if (image != NULL && g_bytes_get_size (image) <= 64 * 1024)
    {
      g_autoptr(InbImage) preview = NULL;
      g_autoptr(GError) decode_error = NULL;

      preview = inb_comfyui_decode_preview (image, 64, &decode_error);
      if (preview != NULL)
        {
          g_assert_cmpuint (inb_image_get_width (preview), >, 0);
          g_assert_cmpuint (inb_image_get_width (preview), <=, 64);
          g_assert_cmpuint (inb_image_get_height (preview), >, 0);
          g_assert_cmpuint (inb_image_get_height (preview), <=, 64);
        }
      else
        g_assert_nonnull (decode_error);
    }
}

static void
fuzz_text (const uint8_t *data,
           size_t         size)
{
  g_autoptr(JsonNode) node = inb_http_parse_json ((const char *) data, size, NULL);
  JsonObject *root = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *body = inb_json_get_object (root, "data");
  const char *type = inb_json_get_string (root, "type");

  if (type != NULL && g_str_equal (type, "execution_error") && body != NULL)
    {
      g_autofree char *message = inb_comfyui_describe_execution_error (body);

      g_assert_nonnull (message);
      g_assert_true (g_utf8_validate (message, -1, NULL));
    }
}

static void
fuzz_history (const uint8_t *data,
              size_t         size,
              const char    *output_node)
{
  g_autoptr(JsonNode) node = inb_http_parse_json ((const char *) data, size, NULL);
  JsonObject *root = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  /* /history/<id> answers {"<id>": entry} */
  JsonObject *entry = inb_json_get_object (root, "p-1");
  g_autoptr(InbComfyuiFile) clip = NULL;
  g_autoptr(GError) error = NULL;

  if (entry == NULL)
    entry = root;
  if (entry == NULL)
    return;

  clip = inb_comfyui_read_history (entry, NULL, "p-1", output_node, &error);
  if (clip == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  g_assert_true (inb_comfyui_check_name ("filename", clip->filename, FALSE, NULL));
  g_assert_true (clip->subfolder == NULL || *clip->subfolder == '\0' ||
                 inb_comfyui_check_name ("subfolder", clip->subfolder, TRUE, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  inb_fuzz_init ();
  if (size < 2 || size > 1024 * 1024)
    return 0;

  switch (data[0] % 3)
    {
    case 0:
      fuzz_binary (data + 1, size - 1);
      break;
    case 1:
      fuzz_text (data + 1, size - 1);
      break;
    default:
      fuzz_history (data + 2, size - 2, data[1] & 1 ? "9" : NULL);
      break;
    }
  return 0;
}
