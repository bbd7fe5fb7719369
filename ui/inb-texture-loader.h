/* inb-texture-loader.h — image files to textures, off the main thread
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Decodes @path in a worker thread; with @max_size > 0, scaled down (never
 * up, aspect kept) so neither side is larger. */
void        inb_texture_load_async  (const char           *path,
                                     int                   max_size,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
GdkTexture *inb_texture_load_finish (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
