/* inb-fs.h — small file helpers: durable atomic writes, copies
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

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
/* Blocking. Opens @path for reading only if it is a regular file (after
 * following links): never blocks on a FIFO, never reads a device. Returns
 * the descriptor (O_CLOEXEC) with its stat in @st, or -1 with @error set:
 * %G_IO_ERROR_NOT_REGULAR_FILE naming the file and what it is, or the
 * open error. */
int       inb_fs_open_regular      (const char    *path,
                                    struct stat   *st,
                                    GError       **error);
/* What a file that is not a regular one is: “a named pipe (FIFO)”, … */
const char *inb_fs_describe_file_type (mode_t mode);
/* Blocking. Reads a whole regular file of at most @max_bytes (refused
 * with %G_IO_ERROR_MESSAGE_TOO_LARGE before reading when its size says
 * so, and while reading if it grew); @contents is nul-terminated. */
gboolean  inb_fs_read_regular_file (const char    *path,
                                    gsize          max_bytes,
                                    char         **contents,
                                    gsize         *length,
                                    GError       **error);
/* Removes a folder and what is directly inside it (no recursion into sub-folders). */
gboolean  inb_fs_remove_dir    (const char    *path,
                                GError       **error);
char     *inb_fs_get_takes_dir (void);

G_END_DECLS
