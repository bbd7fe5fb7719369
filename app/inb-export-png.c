/* inb-export-png.c — a folder of PNG frames, the settings in each frame's tEXt
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-export-private.h"

/* zlib level 3 writes 720p frames about three times faster than the
 * default 6 for files a few percent larger. */
#define PNG_COMPRESSION "3"
/* Frames being compressed at once, at most, before push() waits. */
#define MAX_PENDING     4

typedef struct
{
  InbExportSink  parent;

  char          *dir;
  char          *metadata;
  GThreadPool   *pool;
  guint          n_frames;

  GMutex         mutex;
  GCond          cond;
  guint          pending;
  GError        *error;
} PngSink;

typedef struct
{
  InbImage *image;
  char     *path;
} PngJob;

static void
png_job_free (PngJob *job)
{
  inb_image_unref (job->image);
  g_free (job->path);
  g_free (job);
}

static void
png_write_func (gpointer data,
                gpointer user_data)
{
  PngJob *job = data;
  PngSink *self = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = inb_image_get_bytes (job->image);
  gboolean ok;

  pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) inb_image_get_width (job->image),
                                      (int) inb_image_get_height (job->image),
                                      (int) inb_image_get_stride (job->image));
  if (self->metadata != NULL)
    ok = gdk_pixbuf_save (pixbuf, job->path, "png", &error,
                          "compression", PNG_COMPRESSION,
                          "tEXt::" INB_EXPORT_METADATA_KEY, self->metadata,
                          NULL);
  else
    ok = gdk_pixbuf_save (pixbuf, job->path, "png", &error, "compression", PNG_COMPRESSION, NULL);

  g_mutex_lock (&self->mutex);
  if (!ok && self->error == NULL)
    self->error = g_error_new (INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                               _("Could not write “%s”: %s"), job->path, error->message);
  self->pending--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  png_job_free (job);
}

static gboolean
take_error (PngSink  *self,
            GError  **error)
{
  gboolean failed;

  g_mutex_lock (&self->mutex);
  failed = self->error != NULL;
  if (failed)
    g_propagate_error (error, g_error_copy (self->error));
  g_mutex_unlock (&self->mutex);

  return failed;
}

static gboolean
png_sink_push (InbExportSink  *sink,
               InbImage       *frame,
               GError        **error)
{
  PngSink *self = (PngSink *) sink;
  PngJob *job;
  g_autofree char *name = NULL;

  g_mutex_lock (&self->mutex);
  while (self->pending >= MAX_PENDING && self->error == NULL)
    g_cond_wait (&self->cond, &self->mutex);
  self->pending++;
  g_mutex_unlock (&self->mutex);

  if (take_error (self, error))
    return FALSE;

  name = g_strdup_printf ("frame-%05u.png", ++self->n_frames);
  job = g_new0 (PngJob, 1);
  job->image = inb_image_ref (frame);
  job->path = g_build_filename (self->dir, name, NULL);
  g_thread_pool_push (self->pool, job, NULL);

  return TRUE;
}

static void
png_sink_drain (PngSink *self)
{
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, FALSE, TRUE);
      self->pool = NULL;
    }
}

static gboolean
png_sink_finish (InbExportSink  *sink,
                 GError        **error)
{
  PngSink *self = (PngSink *) sink;

  png_sink_drain (self);
  if (take_error (self, error))
    return FALSE;
  if (self->n_frames == 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("No frames were written"));
      return FALSE;
    }
  return TRUE;
}

static void
png_sink_free (InbExportSink *sink)
{
  PngSink *self = (PngSink *) sink;

  png_sink_drain (self);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->dir);
  g_free (self->metadata);
  g_free (self);
}

InbExportSink *
_inb_export_sink_new_png (const InbExportSinkParams  *params,
                          GError                    **error)
{
  PngSink *self = g_new0 (PngSink, 1);

  self->parent.push = png_sink_push;
  self->parent.finish = png_sink_finish;
  self->parent.free = png_sink_free;
  self->dir = g_strdup (params->path);
  self->metadata = g_strdup (params->metadata);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->pool = g_thread_pool_new (png_write_func, self, (int) MAX (1, MIN (g_get_num_processors (), 8)),
                                  FALSE, error);
  if (self->pool == NULL)
    {
      png_sink_free ((InbExportSink *) self);
      return NULL;
    }

  return (InbExportSink *) self;
}

/* ------------------------------------------------------------ reading back */

#define PNG_MAX_CHUNK (16 * 1024 * 1024)

/**
 * _inb_export_read_png_text:
 *
 * Blocking: walks the chunks up to the image data and returns the text of
 * an uncompressed tEXt or iTXt chunk with the keyword "inbetween".
 */
char *
_inb_export_read_png_text (const char  *path,
                           GError     **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 header[8];
  gsize got;

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), header, 8, &got, NULL, &local_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (got != 8 || memcmp (header, signature, 8) != 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE, _("“%s” is not a PNG file"), path);
      return NULL;
    }

  for (guint n = 0; n < 10000; n++)
    {
      g_autofree guint8 *data = NULL;
      guint32 length;
      char type[5] = { 0 };
      gsize key_len;

      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), header, 8, &got, NULL, NULL) || got != 8)
        return NULL;
      length = GUINT32_FROM_BE (*(guint32 *) (gpointer) header);
      memcpy (type, header + 4, 4);
      if (g_str_equal (type, "IDAT") || g_str_equal (type, "IEND"))
        return NULL;   /* text that matters comes before the image */
      if (length > PNG_MAX_CHUNK)
        return NULL;

      if (!g_str_equal (type, "tEXt") && !g_str_equal (type, "iTXt"))
        {
          if (!g_seekable_seek (G_SEEKABLE (stream), (goffset) length + 4, G_SEEK_CUR, NULL, NULL))
            return NULL;
          continue;
        }

      data = g_malloc (length + 1);
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, length, &got, NULL, NULL) || got != length ||
          !g_seekable_seek (G_SEEKABLE (stream), 4, G_SEEK_CUR, NULL, NULL))
        return NULL;
      data[length] = '\0';

      key_len = strnlen ((const char *) data, length);
      if (key_len == length || !g_str_equal ((const char *) data, INB_EXPORT_METADATA_KEY))
        continue;

      if (g_str_equal (type, "tEXt"))
        return g_strndup ((const char *) data + key_len + 1, length - key_len - 1);
      else
        {
          /* keyword \0 compression-flag method language \0 translated \0 text */
          const guint8 *p = data + key_len + 1;
          const guint8 *end = data + length;

          if (end - p < 2 || p[0] != 0)
            continue;   /* compressed iTXt: we never write it */
          p += 2;
          for (guint skip = 0; skip < 2 && p < end; skip++)
            p += strnlen ((const char *) p, (gsize) (end - p)) + 1;
          if (p > end)
            continue;
          return g_strndup ((const char *) p, (gsize) (end - p));
        }
    }

  return NULL;
}
