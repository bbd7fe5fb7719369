/* inb-thumbnail-cache.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library lists thousands of takes but shows a dozen: a row asks for
 * its thumbnail when it is bound to a take and cancels when it is
 * unbound, so only rows being shown decode anything, in a worker thread.
 * The textures used last are kept (least recently used goes first), so
 * scrolling back and forth decodes nothing again.
 */
#define G_LOG_DOMAIN "inb-thumbnail-cache"

#include "config.h"

#include "inb-texture-loader.h"
#include "inb-thumbnail-cache.h"

struct _InbThumbnailCache
{
  GObject     parent_instance;

  guint       capacity;
  int         size;
  GHashTable *kept;      /* path → GList link in lru (data: Kept) */
  GQueue      lru;       /* Kept, the last used first */
  guint       n_decoded;
};

typedef struct
{
  char       *path;
  GdkTexture *texture;
} Kept;

G_DEFINE_FINAL_TYPE (InbThumbnailCache, inb_thumbnail_cache, G_TYPE_OBJECT)

static void
kept_free (Kept *kept)
{
  g_free (kept->path);
  g_clear_object (&kept->texture);
  g_free (kept);
}

static void
inb_thumbnail_cache_finalize (GObject *object)
{
  InbThumbnailCache *self = INB_THUMBNAIL_CACHE (object);

  g_hash_table_destroy (self->kept);
  g_queue_clear_full (&self->lru, (GDestroyNotify) kept_free);

  G_OBJECT_CLASS (inb_thumbnail_cache_parent_class)->finalize (object);
}

static void
inb_thumbnail_cache_class_init (InbThumbnailCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_thumbnail_cache_finalize;
}

static void
inb_thumbnail_cache_init (InbThumbnailCache *self)
{
  self->kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->lru);
}

InbThumbnailCache *
inb_thumbnail_cache_new (guint capacity,
                         int   size)
{
  InbThumbnailCache *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_object_new (INB_TYPE_THUMBNAIL_CACHE, NULL);
  self->capacity = capacity;
  self->size = size;

  return self;
}

GdkTexture *
inb_thumbnail_cache_lookup (InbThumbnailCache *self,
                            const char        *path)
{
  GList *link;

  g_return_val_if_fail (INB_IS_THUMBNAIL_CACHE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  link = g_hash_table_lookup (self->kept, path);
  if (link == NULL)
    return NULL;

  /* Used now: to the front */
  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);

  return ((Kept *) link->data)->texture;
}

static void
keep (InbThumbnailCache *self,
      const char        *path,
      GdkTexture        *texture)
{
  Kept *kept;

  inb_thumbnail_cache_forget (self, path);

  kept = g_new0 (Kept, 1);
  kept->path = g_strdup (path);
  kept->texture = g_object_ref (texture);
  g_queue_push_head (&self->lru, kept);
  g_hash_table_insert (self->kept, kept->path, self->lru.head);

  while (self->lru.length > self->capacity)
    {
      Kept *oldest = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->kept, oldest->path);
      kept_free (oldest);
    }
}

void
inb_thumbnail_cache_forget (InbThumbnailCache *self,
                            const char        *path)
{
  GList *link;

  g_return_if_fail (INB_IS_THUMBNAIL_CACHE (self));

  link = g_hash_table_lookup (self->kept, path);
  if (link == NULL)
    return;

  g_hash_table_remove (self->kept, path);
  kept_free (link->data);
  g_queue_delete_link (&self->lru, link);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbThumbnailCache *self = g_task_get_source_object (task);
  g_autoptr(GdkTexture) texture = NULL;
  GError *error = NULL;

  texture = inb_texture_load_finish (result, &error);
  if (texture == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  keep (self, g_task_get_task_data (task), texture);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

void
inb_thumbnail_cache_load_async (InbThumbnailCache   *self,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkTexture *texture;

  g_return_if_fail (INB_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_thumbnail_cache_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);

  texture = inb_thumbnail_cache_lookup (self, path);
  if (texture != NULL)
    {
      g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
      return;
    }

  self->n_decoded++;
  inb_texture_load_async (path, self->size, cancellable, loaded_cb, g_steal_pointer (&task));
}

/**
 * inb_thumbnail_cache_load_finish:
 *
 * Returns: (transfer full) (nullable)
 */
GdkTexture *
inb_thumbnail_cache_load_finish (InbThumbnailCache  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
inb_thumbnail_cache_get_n_kept (InbThumbnailCache *self)
{
  g_return_val_if_fail (INB_IS_THUMBNAIL_CACHE (self), 0);
  return self->lru.length;
}

guint
inb_thumbnail_cache_get_n_decoded (InbThumbnailCache *self)
{
  g_return_val_if_fail (INB_IS_THUMBNAIL_CACHE (self), 0);
  return self->n_decoded;
}
