/* inb-test-utils.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "inb-test-utils.h"

static double
pattern (double x,
         double y,
         int    channel)
{
  double v = 0.5
    + 0.18 * sin (x * 0.071 + channel * 1.3) * cos (y * 0.053 - channel)
    + 0.12 * sin ((x + 2 * y) * 0.131 + channel * 0.7)
    + 0.10 * cos ((x - y) * 0.047 + channel * 2.1);

  /* a few soft blobs so the texture is not periodic */
  for (int i = 0; i < 5; i++)
    {
      double cx = 40 + i * 73.0, cy = 30 + (i * 47) % 160;
      double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
      v += 0.15 * ((i + channel) % 2 ? 1 : -1) * exp (-d2 / 300.0);
    }

  return CLAMP (v, 0.0, 1.0);
}

InbImage *
inb_test_textured_image (guint  width,
                         guint  height,
                         double dx,
                         double dy)
{
  InbImage *image = inb_image_new (width, height);
  guint8 *data = inb_image_get_data_mut (image);
  gsize stride = inb_image_get_stride (image);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        data[y * stride + x * 3 + c] = (guint8) (255.0 * pattern (x - dx, y - dy, c) + 0.5);

  return image;
}

double
inb_test_psnr (const InbImage *a,
               const InbImage *b)
{
  double sum = 0.0;
  guint width = inb_image_get_width (a);
  guint height = inb_image_get_height (a);
  gsize n = 0;

  g_assert_cmpuint (width, ==, inb_image_get_width (b));
  g_assert_cmpuint (height, ==, inb_image_get_height (b));

  for (guint y = 0; y < height; y++)
    {
      const guint8 *ra = inb_image_get_data (a) + y * inb_image_get_stride (a);
      const guint8 *rb = inb_image_get_data (b) + y * inb_image_get_stride (b);

      for (guint x = 0; x < width * 3; x++, n++)
        {
          double d = (double) ra[x] - rb[x];
          sum += d * d;
        }
    }

  if (sum == 0.0)
    return INFINITY;

  return 10.0 * log10 (255.0 * 255.0 / (sum / n));
}

JsonObject *
inb_test_parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A test's own deadline of SECONDS, stretched as much as the wrapper it
 * runs under slows it: build-aux/valgrind and build-aux/sanitize set
 * INB_TEST_TIME_SCALE to the timeout multiplier they give meson (memcheck
 * runs a child `inbetween` 20-50 times slower, and a deadline meant for
 * a native run then fails a test that is only slow). */
guint
inb_test_seconds (guint seconds)
{
  const char *env = g_getenv ("INB_TEST_TIME_SCALE");
  guint64 scale = 1;

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 100, &scale, NULL))
    g_error ("INB_TEST_TIME_SCALE=%s: not a whole number from 1 to 100", env);

  return seconds * (guint) scale;
}

char *
inb_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("inbetween-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
inb_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* Never into what a symbolic link points at */
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    dir = g_dir_open (path, 0, NULL);

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      inb_test_rm_rf (child);
    }

  g_rmdir (path);
}
