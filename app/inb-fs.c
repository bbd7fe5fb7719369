/* inb-fs.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-fs"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gfiledescriptorbased.h>
#include <unistd.h>

#include "inb-fs.h"

static gboolean
fsync_dir_of (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open folder “%s”: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  if (fsync (fd) != 0 && errno != EINVAL)
    {
      int errsv = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not flush folder “%s”: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

/**
 * inb_fs_write_atomic:
 *
 * Readers see either the old or the new contents, never a mixture, and
 * after it returns the new contents survive a power cut: temp file in the
 * same folder, fsync, rename, fsync of the folder (GLib's CONSISTENT |
 * DURABLE flags). Mode 0600: takes hold prompts.
 */
gboolean
inb_fs_write_atomic (const char  *path,
                     const char  *contents,
                     gssize       length,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  return g_file_set_contents_full (path, contents, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * inb_fs_copy_atomic:
 *
 * Copies through "<dest>.part" so a half-copied file never has @dest's
 * name; the partial file is removed on any failure or cancellation.
 */
gboolean
inb_fs_copy_atomic (const char    *src,
                    const char    *dest,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFile) src_file = NULL;
  g_autoptr(GFile) part_file = NULL;
  g_autoptr(GFile) dest_file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree char *part = NULL;

  g_return_val_if_fail (src != NULL, FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  part = g_strconcat (dest, ".part", NULL);
  src_file = g_file_new_for_path (src);
  part_file = g_file_new_for_path (part);
  dest_file = g_file_new_for_path (dest);

  in = g_file_read (src_file, cancellable, error);
  if (in == NULL)
    return FALSE;

  out = g_file_replace (part_file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                        cancellable, error);
  if (out == NULL)
    return FALSE;

  if (g_output_stream_splice (G_OUTPUT_STREAM (out), G_INPUT_STREAM (in),
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                              cancellable, error) < 0)
    goto fail;

  if (fsync (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (out))) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write “%s”: %s"), dest, g_strerror (errsv));
      goto fail;
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error))
    goto fail;

  if (g_rename (part, dest) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write “%s”: %s"), dest, g_strerror (errsv));
      goto fail;
    }

  return fsync_dir_of (dest, error);

fail:
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
  g_unlink (part);
  return FALSE;
}

/**
 * inb_fs_remove_dir:
 *
 * Removes the files directly inside @path, then @path. Sub-folders are
 * not followed: a take folder has none, and a stray one stops the removal.
 */
gboolean
inb_fs_remove_dir (const char  *path,
                   GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_unlink (child) != 0)
        {
          int errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not remove “%s”: %s"), child, g_strerror (errsv));
          return FALSE;
        }
    }

  if (g_rmdir (path) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not remove “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_fs_get_takes_dir:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/inbetween/takes`
 */
char *
inb_fs_get_takes_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "inbetween", "takes", NULL);
}
