/* inb-fuzz.c — what the fuzz targets share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "inb-fuzz.h"

static char *tmpdir;

static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE))
    return G_LOG_WRITER_HANDLED;

  g_log_writer_default (level, fields, n_fields, user_data);
  /* GLib ends a fatal message with a breakpoint (SIGTRAP), which libFuzzer
   * does not catch: it would keep no crash file. abort() it is. */
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static void
remove_tmpdir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (tmpdir == NULL)
    return;
  dir = g_dir_open (tmpdir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (tmpdir);
}

void
inb_fuzz_init (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
}

char *
inb_fuzz_split (const uint8_t *data,
                size_t         size,
                char         **rest,
                gsize         *rest_len)
{
  const uint8_t *nul = memchr (data, '\0', size);

  if (nul == NULL)
    {
      *rest = NULL;
      *rest_len = 0;
      return g_strndup ((const char *) data, size);
    }

  *rest_len = size - (nul - data) - 1;
  *rest = g_malloc (*rest_len + 1);
  memcpy (*rest, nul + 1, *rest_len);
  (*rest)[*rest_len] = '\0';
  return g_strndup ((const char *) data, nul - data);
}

const char *
inb_fuzz_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      tmpdir = g_dir_make_tmp ("inb-fuzz-XXXXXX", NULL);
      g_assert_nonnull (tmpdir);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}
