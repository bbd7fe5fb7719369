/* inb-fs.h — small file helpers: durable atomic writes, copies
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Blocking (worker thread): temp file + fsync + rename + fsync of the folder. */
gboolean  inb_fs_write_atomic  (const char    *path,
                                const char    *contents,
                                gssize         length,
                                GError       **error);
/* Blocking: copies @src to @dest through a temporary file of its own
 * beside it, fsynced and moved into place; only a regular file is ever
 * replaced, and only with @replace. */
gboolean  inb_fs_copy_new      (const char    *src,
                                const char    *dest,
                                gboolean       replace,
                                GCancellable  *cancellable,
                                GError       **error);
gboolean  inb_fs_copy_atomic   (const char    *src,
                                const char    *dest,
                                GCancellable  *cancellable,
                                GError       **error);
/* Removes a folder and what is directly inside it (no recursion into sub-folders). */
gboolean  inb_fs_remove_dir    (const char    *path,
                                GError       **error);
char     *inb_fs_get_takes_dir (void);

G_END_DECLS
