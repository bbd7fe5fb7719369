/* inb-texture-loader.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The takes' own files (keyframes as sent, thumbnails) are small PNGs that
 * Inbetween wrote itself, but decoding even those on the main thread would
 * stall a frame: this reads them in a GTask thread.
 */
#define G_LOG_DOMAIN "inb-texture-loader"

#include "config.h"

#include "inb-texture-loader.h"

typedef struct
{
  char *path;
  int   max_size;
} Load;

static void
load_free (Load *load)
{
  g_free (load->path);
  g_free (load);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  /* Asked for and no longer wanted before a thread was free (a row
   * scrolled past): nothing to decode */
  if (g_task_return_error_if_cancelled (task))
    return;

  if (load->max_size > 0)
    {
      int width = 0, height = 0;

      if (gdk_pixbuf_get_file_info (load->path, &width, &height) != NULL &&
          MAX (width, height) > load->max_size)
        pixbuf = gdk_pixbuf_new_from_file_at_scale (load->path, load->max_size, load->max_size, TRUE, &error);
      else
        pixbuf = gdk_pixbuf_new_from_file (load->path, &error);
    }
  else
    pixbuf = gdk_pixbuf_new_from_file (load->path, &error);

  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (pixbuf), g_object_unref);
}

void
inb_texture_load_async (const char          *path,
                        int                  max_size,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (path != NULL);

  load = g_new0 (Load, 1);
  load->path = g_strdup (path);
  load->max_size = max_size;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_texture_load_async);
  g_task_set_name (task, "[inb] load texture");
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_worker);
}

/**
 * inb_texture_load_finish:
 *
 * Returns: (transfer full) (nullable)
 */
GdkTexture *
inb_texture_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
