/* inb-export-metadata.c — the settings embedded in an exported file, and reading them back
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-export-private.h"
#include "inb-exporter.h"

#define METADATA_VERSION 1
/* Bigger than any manifest's settings; a comment beyond it is not ours. */
#define MAX_METADATA (256 * 1024)

/* The manifest members an exported file carries. */
static const char * const kept_members[] = {
  "id", "created", "backend", "model", "prompt", "negative_prompt",
  "parameters", "seed", "frame_size", "title",
};

static gboolean
name_is_secret (const char *name)
{
  static const char * const words[] = {
    "key", "token", "secret", "password", "authorization", "auth", "credential", "cookie",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* A deep copy without any member named like a credential. The node
 * takes its own reference of the copy (json_node_init_object/array), so
 * ours is dropped at the end of each block. */
static JsonNode *
copy_without_secrets (JsonNode *node,
                      guint     depth)
{
  if (depth > 32)
    return json_node_init_null (json_node_alloc ());

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(JsonObject) copy = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        if (!name_is_secret (l->data))
          json_object_set_member (copy, l->data,
                                  copy_without_secrets (json_object_get_member (object, l->data), depth + 1));
      return json_node_init_object (json_node_alloc (), copy);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, copy_without_secrets (json_array_get_element (array, i), depth + 1));
      return json_node_init_array (json_node_alloc (), copy);
    }
  return json_node_copy (node);
}

/* Every non-ASCII character as a \uXXXX escape: valid JSON, and safe in
 * PNG tEXt (Latin-1) and GIF comments (ASCII). */
static char *
ascii_json (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 16);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else if (c < 0x10000)
        g_string_append_printf (out, "\\u%04x", c);
      else
        {
          c -= 0x10000;
          g_string_append_printf (out, "\\u%04x\\u%04x", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
        }
    }

  return g_string_free (out, FALSE);
}

char *
inb_export_build_metadata (JsonObject             *take_json,
                           const InbExportOptions *options)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonObject) take = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (options != NULL, NULL);

  for (guint i = 0; take_json != NULL && i < G_N_ELEMENTS (kept_members); i++)
    {
      JsonNode *member = json_object_get_member (take_json, kept_members[i]);

      if (member != NULL)
        json_object_set_member (take, kept_members[i], copy_without_secrets (member, 0));
    }

  json_object_set_int_member (root, INB_EXPORT_METADATA_KEY, METADATA_VERSION);
  json_object_set_string_member (root, "generator", "Inbetween " PACKAGE_VERSION);
  json_object_set_object_member (root, "take", g_steal_pointer (&take));
  json_object_set_object_member (root, "export", inb_export_options_to_json (options));

  node = json_node_init_object (json_node_alloc (), root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, FALSE);
  text = json_generator_to_data (generator, NULL);

  return ascii_json (text);
}

static JsonObject *
parse_metadata (const char  *text,
                const char  *path,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (text != NULL && strlen (text) <= MAX_METADATA && json_parser_load_from_data (parser, text, -1, NULL))
    {
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          object = json_node_get_object (root);
          if (json_object_has_member (object, INB_EXPORT_METADATA_KEY) &&
              json_object_get_int_member_with_default (object, INB_EXPORT_METADATA_KEY, 0) >= 1)
            return json_object_ref (object);
        }
    }

  g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_NO_METADATA,
               _("“%s” holds no Inbetween settings"), path);
  return NULL;
}

/* The first PNG of a sequence folder, by name. */
static char *
first_png_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *best = NULL;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".png") && (best == NULL || strcmp (name, best) < 0))
      {
        g_free (best);
        best = g_strdup (name);
      }

  if (best == NULL)
    return NULL;
  {
    char *path = g_build_filename (dir, best, NULL);
    g_free (best);
    return path;
  }
}

JsonObject *
inb_export_read_metadata (const char  *path,
                          GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 magic[12] = { 0 };
  gsize got = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      png = first_png_in (path);
      if (png == NULL)
        {
          g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_NO_METADATA,
                       _("“%s” holds no Inbetween settings"), path);
          return NULL;
        }
      path = png;
    }

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), magic, sizeof magic, &got, NULL, &local_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  g_clear_object (&stream);

  if (got >= 8 && memcmp (magic, "\x89PNG\r\n\x1a\n", 8) == 0)
    text = _inb_export_read_png_text (path, &local_error);
  else if (got >= 6 && (memcmp (magic, "GIF89a", 6) == 0 || memcmp (magic, "GIF87a", 6) == 0))
    text = _inb_export_read_gif_text (path, &local_error);
  else if (got >= 12 && memcmp (magic, "RIFF", 4) == 0 && memcmp (magic + 8, "WEBP", 4) == 0)
    text = _inb_export_read_webp_text (path, &local_error);
  else if (got >= 8 && (memcmp (magic + 4, "ftyp", 4) == 0 || memcmp (magic + 4, "moov", 4) == 0 ||
                        memcmp (magic + 4, "mdat", 4) == 0 || memcmp (magic + 4, "wide", 4) == 0 ||
                        memcmp (magic, "\x1a\x45\xdf\xa3", 4) == 0))
    text = _inb_export_read_gst_text (path, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return parse_metadata (text, path, error);
}

static void
read_metadata_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *object = inb_export_read_metadata (task_data, &error);

  if (object != NULL)
    g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (task, error);
}

void
inb_export_read_metadata_async (const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_export_read_metadata_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_metadata_thread);
}

JsonObject *
inb_export_read_metadata_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
