/* inb-thumbnail-cache.h — takes' thumbnails, decoded off the main thread, a few kept
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INB_TYPE_THUMBNAIL_CACHE (inb_thumbnail_cache_get_type ())

G_DECLARE_FINAL_TYPE (InbThumbnailCache, inb_thumbnail_cache, INB, THUMBNAIL_CACHE, GObject)

/* Keeps the @capacity textures used last; each decoded at most @size
 * pixels on its longer side. */
InbThumbnailCache *inb_thumbnail_cache_new        (guint               capacity,
                                                   int                 size);
/* Returns: (transfer none) (nullable): @path's texture if it is kept */
GdkTexture        *inb_thumbnail_cache_lookup     (InbThumbnailCache  *self,
                                                   const char         *path);
/* Decodes @path in a worker thread (nothing is decoded once @cancellable
 * is cancelled) and keeps it. */
void               inb_thumbnail_cache_load_async (InbThumbnailCache  *self,
                                                   const char         *path,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GdkTexture        *inb_thumbnail_cache_load_finish (InbThumbnailCache *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
/* Forgets @path (its file changed). */
void               inb_thumbnail_cache_forget     (InbThumbnailCache  *self,
                                                   const char         *path);
guint              inb_thumbnail_cache_get_n_kept (InbThumbnailCache  *self);
/* How many decodes were started: for tests. */
guint              inb_thumbnail_cache_get_n_decoded (InbThumbnailCache *self);

G_END_DECLS
