/* driver.c — replays fuzz inputs without libFuzzer: the seed corpus as a
 * unit test (TAP), or one crash file to reproduce it.
 *
 *   fuzz-take tests/fuzz/take/corpus [more files or folders…]
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>

#include "inb-fuzz.h"

static guint
replay (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint n = 0;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      /* The same order on every machine */
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);

          n += replay (child);
        }
      return n;
    }

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  guint n = 0;

  inb_fuzz_init ();
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--tap"))
        continue;
      n += replay (argv[i]);
    }

  g_print ("1..1\n");
  if (n == 0)
    {
      g_print ("not ok 1 - no input replayed (is the corpus missing?)\n");
      return 1;
    }
  g_print ("ok 1 - %u inputs replayed\n", n);
  return 0;
}
