/* inb-fs.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-fs"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gfiledescriptorbased.h>
#include <gio/gunixoutputstream.h>
#include <sys/stat.h>
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

/* The target may be replaced only when it is a regular file (or absent):
 * never a device, a FIFO, a folder, or a symbolic link to anything. */
static gboolean
check_replaceable (const char  *dest,
                   GError     **error)
{
  GStatBuf st;

  if (g_lstat (dest, &st) != 0)
    return TRUE;

  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is a symbolic link; give the file itself or another name"), dest);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is not a regular file; it is not replaced"), dest);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_fs_copy_new:
 * @replace: whether an existing regular file @dest may be replaced
 *
 * Blocking. Copies @src into a temporary file created exclusively beside
 * @dest (a name of its own: never a file of the user's), flushes it, and
 * moves it into place: without @replace only if @dest still does not
 * exist (%G_IO_ERROR_EXISTS otherwise). A target that is not a regular
 * file is never replaced. On any failure or cancellation the temporary
 * file is removed and @dest is untouched.
 */
gboolean
inb_fs_copy_new (const char    *src,
                 const char    *dest,
                 gboolean       replace,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) src_file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *part = NULL;
  int fd;
  int errsv;

  g_return_val_if_fail (src != NULL, FALSE);
  g_return_val_if_fail (dest != NULL && *dest != '\0', FALSE);

  if (!check_replaceable (dest, error))
    return FALSE;
  if (!replace && g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” already exists; it is not replaced"), dest);
      return FALSE;
    }

  src_file = g_file_new_for_path (src);
  in = g_file_read (src_file, cancellable, error);
  if (in == NULL)
    return FALSE;

  dir = g_path_get_dirname (dest);
  base = g_path_get_basename (dest);
  part = g_strdup_printf ("%s/.%s.XXXXXX.part", dir, base);
  fd = g_mkstemp_full (part, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write in “%s”: %s"), dir, g_strerror (errsv));
      return FALSE;
    }
  out = g_unix_output_stream_new (fd, TRUE);

  if (g_output_stream_splice (out, G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                              cancellable, error) < 0)
    goto fail;

  if (fsync (fd) != 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write “%s”: %s"), dest, g_strerror (errsv));
      goto fail;
    }

  if (!g_output_stream_close (out, cancellable, error))
    goto fail;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (replace)
    {
      /* Checked again: it may have changed while the copy ran */
      if (!check_replaceable (dest, error))
        goto fail;
      if (g_rename (part, dest) != 0)
        goto fail_errno;
    }
  else
    {
      /* A hard link never replaces: atomic "only if absent" */
      if (link (part, dest) != 0)
        {
          errsv = errno;
          if (errsv == EEXIST)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                         _("“%s” already exists; it is not replaced"), dest);
          else
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                         _("Could not write “%s”: %s"), dest, g_strerror (errsv));
          goto fail;
        }
      g_unlink (part);
      /* Not durable: the new name is taken back, so a failure leaves no
       * file the caller would then say was not written */
      if (!fsync_dir_of (dest, error))
        {
          g_unlink (dest);
          return FALSE;
        }
      return TRUE;
    }

  return fsync_dir_of (dest, error);

fail_errno:
  errsv = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Could not write “%s”: %s"), dest, g_strerror (errsv));
fail:
  g_output_stream_close (out, NULL, NULL);
  g_unlink (part);
  return FALSE;
}

/**
 * inb_fs_copy_atomic:
 *
 * Blocking: inb_fs_copy_new() replacing an existing regular file.
 */
gboolean
inb_fs_copy_atomic (const char    *src,
                    const char    *dest,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return inb_fs_copy_new (src, dest, TRUE, cancellable, error);
}

/**
 * inb_fs_describe_file_type:
 *
 * Returns: what a file of @mode is, for a message (“a folder”, “a named
 *   pipe (FIFO)”, “a character device”, …)
 */
const char *
inb_fs_describe_file_type (mode_t mode)
{
  if (S_ISDIR (mode))
    return _("a folder");
  if (S_ISFIFO (mode))
    return _("a named pipe (FIFO)");
  if (S_ISCHR (mode))
    return _("a character device");
  if (S_ISBLK (mode))
    return _("a block device");
  if (S_ISSOCK (mode))
    return _("a socket");
  return _("not a regular file");
}

/**
 * inb_fs_open_regular:
 * @st: (out): the open file's status
 *
 * Opens with O_NONBLOCK so that a FIFO with no writer cannot block the
 * open, then decides on the descriptor's own fstat() (no race with a
 * rename between a stat and the open). A link to /dev/zero is a device.
 *
 * Returns: a descriptor to close, or -1 with @error set
 */
int
inb_fs_open_regular (const char   *path,
                     struct stat  *st,
                     GError      **error)
{
  int fd;
  int errsv;
  int flags;

  g_return_val_if_fail (path != NULL, -1);
  g_return_val_if_fail (st != NULL, -1);

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open “%s”: %s"), path, g_strerror (errsv));
      return -1;
    }

  if (fstat (fd, st) != 0)
    {
      errsv = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not read “%s”: %s"), path, g_strerror (errsv));
      return -1;
    }

  if (!S_ISREG (st->st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR,
                   S_ISDIR (st->st_mode) ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                   /* Translators: the second %s is e.g. “a named pipe (FIFO)” */
                   _("“%s” is %s, not a file that can be read"), path, inb_fs_describe_file_type (st->st_mode));
      return -1;
    }

  /* A regular file: blocking reads from here on. */
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);

  return fd;
}

/**
 * inb_fs_read_regular_file:
 * @max_bytes: the largest file accepted
 * @contents: (out) (transfer full): the bytes, nul-terminated
 * @length: (out) (optional): their count, without the nul
 *
 * Like g_file_get_contents() for files from others (take.json, job
 * records): a FIFO, a device, a folder or a link to one is refused at
 * once without reading; a file larger than @max_bytes is refused from its
 * size, and reading stops after @max_bytes + 1 bytes whatever the size
 * claimed (files in /proc say 0).
 */
gboolean
inb_fs_read_regular_file (const char  *path,
                          gsize        max_bytes,
                          char       **contents,
                          gsize       *length,
                          GError     **error)
{
  g_autofree char *buffer = NULL;
  struct stat st;
  gsize size = 0;
  gsize allocated;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (max_bytes < G_MAXSIZE - 2, FALSE);

  fd = inb_fs_open_regular (path, &st, error);
  if (fd < 0)
    return FALSE;

  if (st.st_size < 0 || (guint64) st.st_size > max_bytes)
    {
      g_autofree char *size_text = g_format_size ((guint64) MAX (st.st_size, 0));
      g_autofree char *limit_text = g_format_size (max_bytes);

      close (fd);
      /* Translators: sizes as g_format_size() writes them, "12.3 MB" */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("“%s” is too large (%s; at most %s)"), path, size_text, limit_text);
      return FALSE;
    }

  allocated = MIN ((gsize) st.st_size, max_bytes) + 2;
  buffer = g_malloc (allocated);
  for (;;)
    {
      gssize got;

      if (size + 1 >= allocated)
        {
          allocated = MIN (allocated * 2, max_bytes + 2);
          buffer = g_realloc (buffer, allocated);
        }
      got = read (fd, buffer + size, allocated - 1 - size);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int errsv = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not read “%s”: %s"), path, g_strerror (errsv));
          return FALSE;
        }
      if (got == 0)
        break;
      size += got;
      if (size > max_bytes)
        {
          g_autofree char *limit_text = g_format_size (max_bytes);

          close (fd);
          /* Translators: %s is a size as g_format_size() writes it, "12.3 MB" */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("“%s” is too large (more than %s)"), path, limit_text);
          return FALSE;
        }
    }
  close (fd);

  buffer[size] = '\0';
  *contents = g_steal_pointer (&buffer);
  if (length != NULL)
    *length = size;
  return TRUE;
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
