/* inb-keyframe.c — one keyframe: probed, decoded, oriented, normalised
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include <gio/gunixinputstream.h>

#include "inb-fs.h"
#include "inb-keyframe-private.h"

/* The object, its sources (paths, file:// and data: URIs, bytes) and
 * accessors. How a stream is decoded: inb-keyframe-decode.c (the design
 * note is there); sniffing and header sizes: inb-keyframe-sniff.c;
 * scaling to a frame size: inb-keyframe-normalise.c. */

G_DEFINE_FINAL_TYPE (InbKeyframe, inb_keyframe, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-keyframe-error-quark, inb_keyframe_error)

static void
inb_keyframe_finalize (GObject *object)
{
  InbKeyframe *self = (InbKeyframe *) object;

  g_clear_object (&self->pixbuf);
  g_clear_pointer (&self->image, inb_image_unref);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (inb_keyframe_parent_class)->finalize (object);
}

static void
inb_keyframe_class_init (InbKeyframeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_keyframe_finalize;
}

static void
inb_keyframe_init (InbKeyframe *self)
{
  self->orientation = 1;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */

static gboolean
decode_base64 (const char  *text,
               gsize        len,
               GBytes     **out)
{
  g_autoptr(GString) clean = g_string_sized_new (len + 4);
  gsize padding = 0;
  gsize i;
  gsize out_len = 0;
  guchar *decoded;

  for (i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isspace (c))
        continue;
      if (c == '=')
        {
          padding++;
          g_string_append_c (clean, c);
          continue;
        }
      if (padding > 0)
        return FALSE;  /* data after padding */
      if (g_ascii_isalnum (c) || c == '+' || c == '/')
        g_string_append_c (clean, c);
      else if (c == '-' || c == '_')  /* URL-safe alphabet */
        g_string_append_c (clean, c == '-' ? '+' : '/');
      else
        return FALSE;
    }

  if (padding > 2)
    return FALSE;
  if (padding > 0 && clean->len % 4 != 0)
    return FALSE;
  if (clean->len % 4 == 1)
    return FALSE;
  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');

  if (clean->len == 0)
    {
      *out = g_bytes_new (NULL, 0);
      return TRUE;
    }

  decoded = g_base64_decode (clean->str, &out_len);
  *out = g_bytes_new_take (decoded, out_len);
  return TRUE;
}

static GBytes *
parse_data_uri (const char  *uri,
                GError     **error)
{
  g_autoptr(GBytes) unescaped = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *comma;
  const char *meta;
  gsize meta_len;
  gboolean base64;

  /* data:[<media type>][;base64],<data> */
  meta = uri + strlen ("data:");
  comma = strchr (meta, ',');
  if (comma == NULL)
    {
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                           _("The data: URI is malformed: it has no comma before the image data."));
      return NULL;
    }

  meta_len = comma - meta;
  base64 = meta_len >= 7 && g_ascii_strncasecmp (comma - 7, ";base64", 7) == 0;

  unescaped = g_uri_unescape_bytes (comma + 1, -1, NULL, &local_error);
  if (unescaped == NULL)
    {
      g_debug ("data: URI: %s", local_error->message);
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                           _("The data: URI is malformed: it contains an invalid percent escape."));
      return NULL;
    }

  if (!base64)
    return g_steal_pointer (&unescaped);

  {
    gsize len = 0;
    const char *text = g_bytes_get_data (unescaped, &len);

    if (!decode_base64 (text, len, &decoded))
      {
        g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                             _("The data: URI is malformed: its base64 data is invalid."));
        return NULL;
      }
  }

  return g_steal_pointer (&decoded);
}

/* Shortens long sources for messages. */
static char *
source_for_display (const char *source)
{
  g_autofree char *valid = g_utf8_make_valid (source, -1);

  if (g_utf8_strlen (valid, -1) > 80)
    {
      g_autofree char *head = g_utf8_substring (valid, 0, 77);

      return g_strconcat (head, "…", NULL);
    }

  return g_steal_pointer (&valid);
}

/* The whole file, if it is a regular one of at most
 * INB_KEYFRAME_MAX_FILE_BYTES: a FIFO (`mkfifo f.png`) or a device (a link
 * to /dev/zero) is refused before a byte is read, without blocking. */
static GBytes *
read_keyframe_file (const char    *path,
                    const char    *name,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autofree guint8 *chunk = NULL;
  struct stat st;
  int fd;

  fd = inb_fs_open_regular (path, &st, &local_error);
  if (fd < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     _("“%s” does not exist."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     _("“%s” is a folder, not an image."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE))
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED,
                     /* Translators: the second %s is e.g. “a named pipe (FIFO)” or “a character device” */
                     _("“%s” is %s, not an image file."), name, inb_fs_describe_file_type (st.st_mode));
      else
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     "%s", local_error->message);
      return NULL;
    }

  stream = g_unix_input_stream_new (fd, TRUE);
  if (st.st_size > INB_KEYFRAME_MAX_FILE_BYTES)
    goto too_large;

  buffer = g_byte_array_sized_new (st.st_size);
  chunk = g_malloc (INB_KEYFRAME_READ_CHUNK);
  for (;;)
    {
      gssize got = g_input_stream_read (stream, chunk, INB_KEYFRAME_READ_CHUNK, cancellable, &local_error);

      if (got < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                         _("“%s” could not be read: %s"), name, local_error->message);
          return NULL;
        }
      if (got == 0)
        break;
      if (buffer->len + (gsize) got > INB_KEYFRAME_MAX_FILE_BYTES)
        goto too_large;
      g_byte_array_append (buffer, chunk, got);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));

too_large:
  {
    g_autofree char *limit = g_format_size (INB_KEYFRAME_MAX_FILE_BYTES);

    g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_TOO_LARGE,
                 _("“%s” is too large a file for a keyframe (at most %s)."), name, limit);
    return NULL;
  }
}

static InbKeyframe *
load_path (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autoptr(GBytes) bytes = read_keyframe_file (path, name, cancellable, error);

  if (bytes == NULL)
    return NULL;

  return _inb_keyframe_decode (bytes, name, cancellable, error);
}

/**
 * inb_keyframe_load:
 * @source: a local path, a `file://` URI or a `data:` URI
 *
 * Reads and decodes a keyframe. Blocks: call it from a worker thread
 * (or use inb_keyframe_load_async()).
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set in
 *   %INB_KEYFRAME_ERROR (or %G_IO_ERROR_CANCELLED).
 */
InbKeyframe *
inb_keyframe_load (const char    *source,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const char *scheme;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (*source == '\0')
    {
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                           _("No keyframe file was given."));
      return NULL;
    }

  scheme = g_uri_peek_scheme (source);

  if (scheme == NULL)
    return load_path (source, cancellable, error);

  if (g_str_equal (scheme, "file"))
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *host = NULL;
      g_autofree char *path = g_filename_from_uri (source, &host, &local_error);

      if (path != NULL && host != NULL && g_ascii_strcasecmp (host, "localhost") != 0 &&
          g_ascii_strcasecmp (host, g_get_host_name ()) != 0)
        g_clear_pointer (&path, g_free);

      if (path == NULL)
        {
          g_autofree char *shown = source_for_display (source);

          if (local_error != NULL)
            g_debug ("%s: %s", shown, local_error->message);
          g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                       _("“%s” is not a valid address of a local file."), shown);
          return NULL;
        }

      return load_path (path, cancellable, error);
    }

  if (g_str_equal (scheme, "data"))
    {
      g_autoptr(GBytes) bytes = parse_data_uri (source, error);

      if (bytes == NULL)
        return NULL;

      return inb_keyframe_load_bytes (bytes, _("Image from a data: URI"), cancellable, error);
    }

  /* A relative path such as “take:1.png” parses as a scheme. */
  if (g_file_test (source, G_FILE_TEST_EXISTS))
    return load_path (source, cancellable, error);

  {
    g_autofree char *shown = source_for_display (source);

    if (g_str_equal (scheme, "http") || g_str_equal (scheme, "https") ||
        g_str_equal (scheme, "ftp") || g_str_equal (scheme, "sftp"))
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                   _("“%s” is a remote address: download the image first, then open the downloaded file."),
                   shown);
    else
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                   _("“%s” is not a local file, a file:// URI or a data: URI."), shown);
  }

  return NULL;
}

/**
 * inb_keyframe_load_bytes:
 * @bytes: encoded image data (pasted or dropped)
 * @display_name: (nullable): the name used in messages; “Pasted image”
 *   when %NULL
 *
 * Same checks as inb_keyframe_load(). Blocks.
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set
 */
InbKeyframe *
inb_keyframe_load_bytes (GBytes        *bytes,
                         const char    *display_name,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = _("Pasted image");

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return _inb_keyframe_decode (bytes, display_name, cancellable, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *source = task_data;
  GError *error = NULL;
  InbKeyframe *keyframe;

  keyframe = inb_keyframe_load (source, cancellable, &error);
  if (keyframe != NULL)
    g_task_return_pointer (task, keyframe, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * inb_keyframe_load_async:
 *
 * Runs inb_keyframe_load() in a worker thread; @callback runs on the
 * caller's thread-default main context.
 */
void
inb_keyframe_load_async (const char          *source,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (source != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_keyframe_load_async);
  g_task_set_task_data (task, g_strdup (source), g_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * inb_keyframe_load_finish:
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set
 */
InbKeyframe *
inb_keyframe_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_keyframe_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *
inb_keyframe_get_display_name (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->display_name;
}

const char *
inb_keyframe_get_format (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->format;
}

guint
inb_keyframe_get_width (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 0);
  return inb_image_get_width (self->image);
}

guint
inb_keyframe_get_height (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 0);
  return inb_image_get_height (self->image);
}

/**
 * inb_keyframe_get_had_alpha:
 *
 * Returns: %TRUE when at least one pixel was not fully opaque and was
 *   therefore composited onto white. An alpha channel that is opaque
 *   everywhere does not count.
 */
gboolean
inb_keyframe_get_had_alpha (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), FALSE);
  return self->had_alpha;
}

guint
inb_keyframe_get_orientation (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 1);
  return self->orientation;
}

/**
 * inb_keyframe_get_image:
 *
 * Returns: (transfer none): the decoded pixels, RGB, oriented, flattened
 */
InbImage *
inb_keyframe_get_image (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->image;
}

gboolean
inb_keyframe_aspect_differs (InbKeyframe *a,
                             InbKeyframe *b)
{
  double ra, rb;

  g_return_val_if_fail (INB_IS_KEYFRAME (a), FALSE);
  g_return_val_if_fail (INB_IS_KEYFRAME (b), FALSE);

  ra = (double) inb_keyframe_get_width (a) / inb_keyframe_get_height (a);
  rb = (double) inb_keyframe_get_width (b) / inb_keyframe_get_height (b);

  return fabs (ra - rb) > 0.01 * MAX (ra, rb);
}
