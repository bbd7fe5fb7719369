/* test-keyframe.c — keyframe import: formats, orientation, alpha, bombs,
 * truncation, bad input, URIs and fit policies
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-keyframe"

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-keyframe.h"
#include "inb-keyframe-private.h"

/* Every fixture is generated into this directory; removed at exit. */
static char *fixture_dir;

typedef struct
{
  guint8 r, g, b, a;
} Rgba;

static const Rgba RED = { 255, 0, 0, 255 };
static const Rgba GREEN = { 0, 255, 0, 255 };
static const Rgba BLUE = { 0, 0, 255, 255 };
static const Rgba YELLOW = { 255, 255, 0, 255 };
static const Rgba BLACK = { 0, 0, 0, 255 };
static const Rgba WHITE = { 255, 255, 255, 255 };

/* ------------------------------------------------------------------ */
/* Fixture helpers                                                     */

static void
put (GdkPixbuf  *pixbuf,
     guint       x,
     guint       y,
     const Rgba *c)
{
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf)
              + y * gdk_pixbuf_get_rowstride (pixbuf)
              + x * gdk_pixbuf_get_n_channels (pixbuf);

  p[0] = c->r;
  p[1] = c->g;
  p[2] = c->b;
  if (gdk_pixbuf_get_has_alpha (pixbuf))
    p[3] = c->a;
}

/* Top-left red, top-right green, bottom-left blue, bottom-right yellow. */
static GdkPixbuf *
make_quadrants (guint    width,
                guint    height,
                gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  guint x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        gboolean right = x >= width / 2;
        gboolean bottom = y >= height / 2;

        put (pixbuf, x, y, bottom ? (right ? &YELLOW : &BLUE) : (right ? &GREEN : &RED));
      }

  return pixbuf;
}

/* Vertical stripes, equally wide, one colour each. */
static GdkPixbuf *
make_stripes (guint        width,
              guint        height,
              const Rgba **colours,
              guint        n_colours)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      put (pixbuf, x, y, colours[x * n_colours / width]);

  return pixbuf;
}

/* A smooth, slightly textured image that compresses like a photo. */
static GdkPixbuf *
make_gradient (guint width,
               guint height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        Rgba c = { x * 255 / width, y * 255 / height, (x * y) % 256, 255 };

        put (pixbuf, x, y, &c);
      }

  return pixbuf;
}

static GBytes *
encode (GdkPixbuf  *pixbuf,
        const char *type)
{
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize len = 0;

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, "quality", "95", NULL);
  else if (g_str_equal (type, "webp"))
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, "quality", "95", NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (buffer);

  return g_bytes_new_take (buffer, len);
}

static char *
write_fixture (const char *name,
               const void *data,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture_dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);

  return path;
}

static char *
write_fixture_bytes (const char *name,
                     GBytes     *bytes)
{
  return write_fixture (name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
assert_pixel (InbImage   *image,
              guint       x,
              guint       y,
              const Rgba *c,
              guint       tolerance)
{
  const guint8 *p;

  g_assert_cmpuint (x, <, inb_image_get_width (image));
  g_assert_cmpuint (y, <, inb_image_get_height (image));

  p = inb_image_get_data (image) + y * inb_image_get_stride (image) + x * 3;
  if ((guint) ABS ((int) p[0] - c->r) > tolerance ||
      (guint) ABS ((int) p[1] - c->g) > tolerance ||
      (guint) ABS ((int) p[2] - c->b) > tolerance)
    g_error ("pixel (%u, %u) is %u,%u,%u, expected %u,%u,%u ± %u",
             x, y, p[0], p[1], p[2], c->r, c->g, c->b, tolerance);
}

static void
assert_quadrants (InbImage   *image,
                  const Rgba *tl,
                  const Rgba *tr,
                  const Rgba *bl,
                  const Rgba *br,
                  guint       tolerance)
{
  guint w = inb_image_get_width (image);
  guint h = inb_image_get_height (image);

  assert_pixel (image, w / 4, h / 4, tl, tolerance);
  assert_pixel (image, 3 * w / 4, h / 4, tr, tolerance);
  assert_pixel (image, w / 4, 3 * h / 4, bl, tolerance);
  assert_pixel (image, 3 * w / 4, 3 * h / 4, br, tolerance);
}

/* Loads @source expecting @code; the message must mention @needle
 * (the display name, usually) and @needle2 when not %NULL. */
static void
assert_load_fails (const char       *source,
                   InbKeyframeError  code,
                   const char       *needle,
                   const char       *needle2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbKeyframe) keyframe = inb_keyframe_load (source, NULL, &error);

  g_assert_null (keyframe);
  g_assert_error (error, INB_KEYFRAME_ERROR, (int) code);
  g_test_message ("%s", error->message);
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
  if (needle2 != NULL)
    g_assert_nonnull (strstr (error->message, needle2));
}

static InbKeyframe *
load_ok (const char *source)
{
  g_autoptr(GError) error = NULL;
  InbKeyframe *keyframe = inb_keyframe_load (source, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (INB_IS_KEYFRAME (keyframe));

  return keyframe;
}

static InbKeyframe *
load_pixbuf (GdkPixbuf *pixbuf)
{
  g_autoptr(GBytes) png = encode (pixbuf, "png");
  g_autoptr(GError) error = NULL;
  InbKeyframe *keyframe = inb_keyframe_load_bytes (png, "fixture.png", NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (keyframe);

  return keyframe;
}

static guint32
crc32_png (const guint8 *data,
           gsize         len)
{
  guint32 crc = 0xffffffff;
  gsize i;
  int k;

  for (i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }

  return crc ^ 0xffffffff;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
put_le32 (guint8  *p,
          guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static gsize
find_marker (const guint8 *data,
             gsize         len,
             guint8        marker)
{
  gsize i;

  for (i = 2; i + 1 < len; i++)
    if (data[i] == 0xff && data[i + 1] == marker)
      return i;

  g_assert_not_reached ();
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

static void
test_format (gconstpointer data)
{
  const char *type = data;
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (64, 48, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, type);
  g_autofree char *name = g_strdup_printf ("quadrants.%s", type);
  g_autofree char *path = write_fixture_bytes (name, bytes);
  g_autoptr(InbKeyframe) keyframe = load_ok (path);
  InbImage *image = inb_keyframe_get_image (keyframe);
  guint tolerance = g_str_equal (type, "png") || g_str_equal (type, "bmp") ? 0 : 48;

  g_assert_cmpstr (inb_keyframe_get_format (keyframe), ==, type);
  g_assert_cmpstr (inb_keyframe_get_display_name (keyframe), ==, name);
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, 64);
  g_assert_cmpuint (inb_keyframe_get_height (keyframe), ==, 48);
  g_assert_cmpuint (inb_keyframe_get_orientation (keyframe), ==, 1);
  g_assert_false (inb_keyframe_get_had_alpha (keyframe));
  g_assert_cmpuint (inb_image_get_width (image), ==, 64);
  g_assert_cmpuint (inb_image_get_height (image), ==, 48);
  g_assert_cmpuint (inb_image_get_stride (image), ==, 64 * 3);
  assert_quadrants (image, &RED, &GREEN, &BLUE, &YELLOW, tolerance);
}

/* A file named .jpg that holds PNG data is read as what it is. */
static void
test_format_misnamed (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (32, 32, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "png");
  g_autofree char *path = write_fixture_bytes ("really-a-png.jpg", bytes);
  g_autoptr(InbKeyframe) keyframe = load_ok (path);

  g_assert_cmpstr (inb_keyframe_get_format (keyframe), ==, "png");
  assert_quadrants (inb_keyframe_get_image (keyframe), &RED, &GREEN, &BLUE, &YELLOW, 0);
}

/* ------------------------------------------------------------------ */
/* EXIF orientation                                                    */

static GBytes *
jpeg_with_orientation (GdkPixbuf *pixbuf,
                       guint      orientation)
{
  g_autoptr(GBytes) plain = encode (pixbuf, "jpeg");
  const guint8 *data;
  gsize len;
  /* APP1: "Exif\0\0", big-endian TIFF header, one IFD with one entry. */
  guint8 app1[] = {
    0xff, 0xe1, 0x00, 34,
    'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x01,                                     /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, /* Orientation, SHORT, 1 */
    0x00, orientation, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,                         /* no next IFD */
  };
  GByteArray *out = g_byte_array_new ();

  G_STATIC_ASSERT (sizeof app1 == 36);

  data = g_bytes_get_data (plain, &len);
  g_byte_array_append (out, data, 2);          /* SOI */
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, data + 2, len - 2);

  return g_byte_array_free_to_bytes (out);
}

static void
test_orientation_6 (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (64, 32, FALSE);
  g_autoptr(GBytes) bytes = jpeg_with_orientation (pixbuf, 6);
  g_autofree char *path = write_fixture_bytes ("rotated-6.jpg", bytes);
  g_autoptr(InbKeyframe) keyframe = load_ok (path);

  /* 6 = rotate 90° clockwise to display: stored top-left ends top-right. */
  g_assert_cmpuint (inb_keyframe_get_orientation (keyframe), ==, 6);
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, 32);
  g_assert_cmpuint (inb_keyframe_get_height (keyframe), ==, 64);
  assert_quadrants (inb_keyframe_get_image (keyframe), &BLUE, &RED, &YELLOW, &GREEN, 48);
}

static void
test_orientation_3 (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (64, 32, FALSE);
  g_autoptr(GBytes) bytes = jpeg_with_orientation (pixbuf, 3);
  g_autofree char *path = write_fixture_bytes ("rotated-3.jpg", bytes);
  g_autoptr(InbKeyframe) keyframe = load_ok (path);

  g_assert_cmpuint (inb_keyframe_get_orientation (keyframe), ==, 3);
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, 64);
  g_assert_cmpuint (inb_keyframe_get_height (keyframe), ==, 32);
  assert_quadrants (inb_keyframe_get_image (keyframe), &YELLOW, &BLUE, &GREEN, &RED, 48);
}

/* ------------------------------------------------------------------ */
/* Alpha                                                               */

static void
test_alpha_flattened (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (40, 40, TRUE);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autoptr(InbKeyframe) keyframe = NULL;
  const Rgba clear = { 0, 0, 0, 0 };
  const Rgba half_black = { 0, 0, 0, 128 };
  const Rgba half_red = { 255, 0, 0, 128 };
  const Rgba grey = { 127, 127, 127, 255 };
  const Rgba pink = { 255, 127, 127, 255 };
  guint x, y;

  /* Right half fully transparent, one half-transparent block each. */
  for (y = 0; y < 40; y++)
    for (x = 20; x < 40; x++)
      put (pixbuf, x, y, &clear);
  for (y = 0; y < 4; y++)
    for (x = 0; x < 4; x++)
      {
        put (pixbuf, x, y, &half_black);
        put (pixbuf, x + 4, y, &half_red);
      }

  bytes = encode (pixbuf, "png");
  path = write_fixture_bytes ("transparent.png", bytes);
  keyframe = load_ok (path);

  g_assert_true (inb_keyframe_get_had_alpha (keyframe));
  assert_pixel (inb_keyframe_get_image (keyframe), 30, 10, &WHITE, 0);
  assert_pixel (inb_keyframe_get_image (keyframe), 30, 30, &WHITE, 0);
  assert_pixel (inb_keyframe_get_image (keyframe), 10, 10, &RED, 0);
  assert_pixel (inb_keyframe_get_image (keyframe), 10, 30, &BLUE, 0);
  assert_pixel (inb_keyframe_get_image (keyframe), 1, 1, &grey, 1);
  assert_pixel (inb_keyframe_get_image (keyframe), 5, 1, &pink, 1);
}

/* An alpha channel that is opaque everywhere is not reported. */
static void
test_alpha_opaque (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (40, 40, TRUE);
  g_autoptr(InbKeyframe) keyframe = load_pixbuf (pixbuf);

  g_assert_false (inb_keyframe_get_had_alpha (keyframe));
  assert_quadrants (inb_keyframe_get_image (keyframe), &RED, &GREEN, &BLUE, &YELLOW, 0);
}

/* ------------------------------------------------------------------ */
/* Decompression bombs                                                 */

/* Reads a "Vm…:   123 kB" line of /proc/self/status; -1 when unknown. */
static gint64
proc_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

/* Resets the kernel's peak-RSS mark (VmHWM), so the peak measured after
 * a load is the peak of that load. FALSE when the kernel refuses. */
static gboolean
reset_peak_rss (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);

  return ok;
}

static void
assert_bomb_rejected (GBytes     *bytes,
                      const char *name,
                      const char *dims)
{
  g_autofree char *path = write_fixture_bytes (name, bytes);
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GError) error = NULL;
  gboolean measured = reset_peak_rss ();
  gint64 rss_before = proc_status_kib ("VmRSS:");
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  gint64 growth;

  keyframe = inb_keyframe_load (path, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  growth = proc_status_kib ("VmHWM:") - rss_before;

  g_assert_null (keyframe);
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, dims));
  g_test_message ("%s (%" G_GSIZE_FORMAT " bytes) rejected in %.3f ms, peak RSS growth %s %" G_GINT64_FORMAT " KiB: %s",
                  name, g_bytes_get_size (bytes), elapsed / 1000.0,
                  measured ? "" : "(not measurable here)", growth, error->message);
  /* Generous: the real rejection takes well under a millisecond. */
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);
  if (measured && rss_before >= 0)
    g_assert_cmpint (growth, <, 64 * 1024);
}

static GBytes *
png_with_size (guint32 width,
               guint32 height)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (16, 16);
  g_autoptr(GBytes) plain = encode (pixbuf, "png");
  guint8 *data;
  const guint8 *orig;
  gsize len;

  orig = g_bytes_get_data (plain, &len);
  data = g_memdup2 (orig, len);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  put_be32 (data + 16, width);
  put_be32 (data + 20, height);
  put_be32 (data + 29, crc32_png (data + 12, 17));

  return g_bytes_new_take (data, len);
}

static void
test_bomb_png (void)
{
  /* The header claims 30000 × 30000 (3.6 GB as RGBA); the file is tiny. */
  g_autoptr(GBytes) bomb = png_with_size (30000, 30000);

  g_assert_cmpuint (g_bytes_get_size (bomb), <, 4096);
  assert_bomb_rejected (bomb, "bomb.png", "30000 × 30000");
}

static void
test_bomb_png_megapixels (void)
{
  /* Each side is allowed, the area (49 MP) is not. */
  g_autoptr(GBytes) bomb = png_with_size (7000, 7000);

  assert_bomb_rejected (bomb, "wide-bomb.png", "7000 × 7000");
}

static void
test_bomb_jpeg (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (16, 16);
  g_autoptr(GBytes) plain = encode (pixbuf, "jpeg");
  g_autoptr(GBytes) bomb = NULL;
  guint8 *data;
  const guint8 *orig;
  gsize len, sof;

  orig = g_bytes_get_data (plain, &len);
  data = g_memdup2 (orig, len);
  sof = find_marker (data, len, 0xc0);
  /* FF C0, length, precision, height, width */
  data[sof + 5] = 65000 >> 8;
  data[sof + 6] = 65000 & 0xff;
  data[sof + 7] = 65000 >> 8;
  data[sof + 8] = 65000 & 0xff;
  bomb = g_bytes_new_take (data, len);

  assert_bomb_rejected (bomb, "bomb.jpg", "65000 × 65000");
}

static void
test_bomb_webp (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (16, 16);
  g_autoptr(GBytes) plain = encode (pixbuf, "webp");
  g_autoptr(GBytes) bomb = NULL;
  guint8 *data;
  const guint8 *orig;
  gsize len;

  orig = g_bytes_get_data (plain, &len);
  data = g_memdup2 (orig, len);
  /* A simple lossy file: RIFF, WEBP, "VP8 " chunk, frame tag, start code */
  g_assert_cmpmem (data + 12, 4, "VP8 ", 4);
  g_assert_cmpuint (data[23], ==, 0x9d);
  data[26] = 16000 & 0xff;
  data[27] = 16000 >> 8;
  data[28] = 16000 & 0xff;
  data[29] = 16000 >> 8;
  bomb = g_bytes_new_take (data, len);

  assert_bomb_rejected (bomb, "bomb.webp", "16000 × 16000");
}

static void
test_bomb_bmp (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (16, 16);
  g_autoptr(GBytes) plain = encode (pixbuf, "bmp");
  g_autoptr(GBytes) bomb = NULL;
  guint8 *data;
  const guint8 *orig;
  gsize len;

  orig = g_bytes_get_data (plain, &len);
  data = g_memdup2 (orig, len);
  put_le32 (data + 18, 30000);
  put_le32 (data + 22, 30000);
  bomb = g_bytes_new_take (data, len);

  assert_bomb_rejected (bomb, "bomb.bmp", "30000 × 30000");
}

/* A 4-bit BMP, 40 × 30, with 16 colours, whose colour count says
 * @colours: what libFuzzer found (fuzz-keyframe) — 718 bytes that made
 * gdk-pixbuf 2.42's BMP loader ask for 3.3 GB for the colour table. */
static GBytes *
make_bmp_4bit (guint32 colours)
{
  guint8 *data = g_malloc0 (718);

  data[0] = 'B';
  data[1] = 'M';
  put_le32 (data + 2, 718);
  put_le32 (data + 10, 14 + 40 + 16 * 4);
  put_le32 (data + 14, 40);
  put_le32 (data + 18, 40);
  put_le32 (data + 22, 30);
  data[26] = 1;    /* planes */
  data[28] = 4;    /* bits per pixel */
  put_le32 (data + 34, 600);
  put_le32 (data + 46, colours);
  for (guint i = 0; i < 16; i++)
    data[54 + 4 * i] = data[55 + 4 * i] = data[56 + 4 * i] = (guint8) (i * 17);
  for (guint i = 118; i < 718; i++)
    data[i] = (guint8) (i * 7);
  return g_bytes_new_take (data, 718);
}

static void
test_bomb_bmp_colours (void)
{
  g_autoptr(GBytes) fine = make_bmp_4bit (16);
  g_autoptr(GBytes) unsaid = make_bmp_4bit (0);
  g_autoptr(GBytes) bomb = make_bmp_4bit (4060089616u);
  g_autoptr(GBytes) too_many = make_bmp_4bit (17);
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GError) error = NULL;

  keyframe = inb_keyframe_load_bytes (fine, "fine.bmp", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, 40);
  g_clear_object (&keyframe);
  keyframe = inb_keyframe_load_bytes (unsaid, "unsaid.bmp", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&keyframe);

  g_assert_null (inb_keyframe_load_bytes (bomb, "bomb.bmp", NULL, &error));
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "bomb.bmp"));
  g_clear_error (&error);

  /* Refused from the header, before gdk-pixbuf reserves the table */
  g_assert_false (_inb_keyframe_check_bmp (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb),
                                           "bomb.bmp", NULL));
  g_assert_true (_inb_keyframe_check_bmp (g_bytes_get_data (fine, NULL), g_bytes_get_size (fine),
                                          "fine.bmp", NULL));

  /* 17 colours cannot be told apart with 4 bits */
  g_assert_null (inb_keyframe_load_bytes (too_many, "too-many.bmp", NULL, &error));
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT);
}

/* Exactly at the limit is fine, one more pixel is not. */
static void
test_size_limit_edges (void)
{
  g_autoptr(GdkPixbuf) edge = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, INB_KEYFRAME_MAX_SIDE, 8);
  g_autoptr(GdkPixbuf) over = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, INB_KEYFRAME_MAX_SIDE + 1, 8);
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (edge, 0x336699ff);
  gdk_pixbuf_fill (over, 0x336699ff);

  keyframe = load_pixbuf (edge);
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, INB_KEYFRAME_MAX_SIDE);

  bytes = encode (over, "png");
  g_assert_null (inb_keyframe_load_bytes (bytes, "over.png", NULL, &error));
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_TOO_LARGE);
}

/* ------------------------------------------------------------------ */
/* Truncated, empty and foreign files                                  */

static void
test_truncated (gconstpointer data)
{
  const char *type = data;
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (96, 64);
  g_autoptr(GBytes) bytes = encode (pixbuf, type);
  gsize len = g_bytes_get_size (bytes);
  const gsize cuts[] = { len / 2, len - 16, 40, 10 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("truncated-%u.%s", i, type);
      g_autofree char *path = write_fixture (name, g_bytes_get_data (bytes, NULL), cuts[i]);

      assert_load_fails (path, INB_KEYFRAME_ERROR_CORRUPT, name, NULL);
    }
}

static void
test_empty (void)
{
  g_autofree char *path = write_fixture ("empty.png", "", 0);
  g_autoptr(GBytes) none = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;

  assert_load_fails (path, INB_KEYFRAME_ERROR_EMPTY, "empty.png", NULL);

  g_assert_null (inb_keyframe_load_bytes (none, NULL, NULL, &error));
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "Pasted image"));
}

static void
test_unsupported (void)
{
  static const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
  };
  static const guint8 tiff[] = {
    'I', 'I', 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  static const guint8 ico[] = {
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x10, 0x00, 0x00, 0x01, 0x00,
    0x20, 0x00, 0x68, 0x04, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00,
  };
  static const char text[] = "These are my notes about the keyframes.\n";
  static const char html[] =
    "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    "<body>Not found</body></html>\n";
  static const char svg[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\"/>\n";
  static const struct
  {
    const char *name;
    const void *data;
    gsize       len;
    const char *looks_like;
  } cases[] = {
    { "notes.png", text, sizeof text - 1, "plain text" },
    { "photo.jpg", html, sizeof html - 1, "HTML" },
    { "drawing.png", svg, sizeof svg - 1, "SVG" },
    { "animation.gif", gif, sizeof gif, "GIF" },
    { "scan.tiff", tiff, sizeof tiff, "TIFF" },
    { "favicon.png", ico, sizeof ico, "icon" },
    { "random.webp", "\x01\x02\x03\x04\x05\x06\x07\x08\x00\xff", 10, NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_fixture (cases[i].name, cases[i].data, cases[i].len);

      assert_load_fails (path, INB_KEYFRAME_ERROR_UNSUPPORTED, cases[i].name, cases[i].looks_like);
    }
}

static void
test_missing (void)
{
  g_autofree char *path = g_build_filename (fixture_dir, "no-such-frame.png", NULL);

  assert_load_fails (path, INB_KEYFRAME_ERROR_NOT_FOUND, "no-such-frame.png", NULL);
  assert_load_fails (fixture_dir, INB_KEYFRAME_ERROR_NOT_FOUND, "folder", NULL);
  assert_load_fails ("", INB_KEYFRAME_ERROR_NOT_FOUND, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* URIs and bytes                                                      */

static void
test_file_uri (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (32, 16, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "png");
  g_autofree char *path = write_fixture_bytes ("key frame é #1.png", bytes);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(InbKeyframe) keyframe = NULL;

  g_assert_nonnull (strstr (uri, "%20"));
  keyframe = load_ok (uri);
  g_assert_cmpstr (inb_keyframe_get_display_name (keyframe), ==, "key frame é #1.png");
  g_assert_cmpuint (inb_keyframe_get_width (keyframe), ==, 32);
  assert_quadrants (inb_keyframe_get_image (keyframe), &RED, &GREEN, &BLUE, &YELLOW, 0);

  assert_load_fails ("file://otherhost/tmp/a.png", INB_KEYFRAME_ERROR_INVALID_URI, "otherhost", NULL);
}

/* A relative file name with a colon is a file, not a URI scheme. */
static void
test_colon_path (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (16, 16, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "png");
  g_autofree char *path = write_fixture_bytes ("take:1.png", bytes);
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(InbKeyframe) keyframe = NULL;

  g_assert_cmpint (g_chdir (fixture_dir), ==, 0);
  keyframe = load_ok ("take:1.png");
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  g_assert_cmpstr (inb_keyframe_get_display_name (keyframe), ==, "take:1.png");
  assert_load_fails ("take:2.png", INB_KEYFRAME_ERROR_INVALID_URI, "take:2.png", NULL);
}

static void
test_data_uri (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (32, 16, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "png");
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *escaped = g_uri_escape_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  g_autofree char *uri_b64 = g_strconcat ("data:image/png;base64,", b64, NULL);
  g_autofree char *uri_pct = g_strconcat ("data:image/png,", escaped, NULL);
  g_autofree char *uri_gif = g_strconcat ("DATA:image/gif;BASE64,", "R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=", NULL);
  g_autoptr(InbKeyframe) a = load_ok (uri_b64);
  g_autoptr(InbKeyframe) b = load_ok (uri_pct);

  g_assert_cmpstr (inb_keyframe_get_format (a), ==, "png");
  g_assert_cmpuint (inb_keyframe_get_width (a), ==, 32);
  assert_quadrants (inb_keyframe_get_image (a), &RED, &GREEN, &BLUE, &YELLOW, 0);
  g_assert_cmpuint (inb_keyframe_get_height (b), ==, 16);
  assert_quadrants (inb_keyframe_get_image (b), &RED, &GREEN, &BLUE, &YELLOW, 0);

  assert_load_fails (uri_gif, INB_KEYFRAME_ERROR_UNSUPPORTED, "GIF", NULL);
  assert_load_fails ("data:,", INB_KEYFRAME_ERROR_EMPTY, NULL, NULL);
  assert_load_fails ("data:text/plain,hello%20world", INB_KEYFRAME_ERROR_UNSUPPORTED, "plain text", NULL);
}

static void
test_data_uri_malformed (void)
{
  assert_load_fails ("data:image/png;base64", INB_KEYFRAME_ERROR_INVALID_URI, "data:", "comma");
  assert_load_fails ("data:image/png;base64,iVBO$$$$", INB_KEYFRAME_ERROR_INVALID_URI, "data:", "base64");
  assert_load_fails ("data:image/png;base64,iVBORw==AAAA", INB_KEYFRAME_ERROR_INVALID_URI, "data:", NULL);
  assert_load_fails ("data:image/png;base64,iVBORw0KG", INB_KEYFRAME_ERROR_INVALID_URI, "data:", NULL);
  assert_load_fails ("data:image/png,%89PNG%zz", INB_KEYFRAME_ERROR_INVALID_URI, "data:", "escape");
}

static void
test_remote_uri (void)
{
  assert_load_fails ("https://example.com/keyframe.png", INB_KEYFRAME_ERROR_INVALID_URI,
                     "https://example.com/keyframe.png", "download");
  assert_load_fails ("http://127.0.0.1:9/a.jpg", INB_KEYFRAME_ERROR_INVALID_URI, NULL, "download");
  assert_load_fails ("smb://server/share/a.png", INB_KEYFRAME_ERROR_INVALID_URI, "smb://server", NULL);
}

static void
test_bytes (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (20, 10, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "bmp");
  g_autoptr(GBytes) text = g_bytes_new_static ("just words", 10);
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GError) error = NULL;

  keyframe = inb_keyframe_load_bytes (bytes, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_keyframe_get_display_name (keyframe), ==, "Pasted image");
  g_assert_cmpstr (inb_keyframe_get_format (keyframe), ==, "bmp");

  g_assert_null (inb_keyframe_load_bytes (text, "Dropped text", NULL, &error));
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Dropped text"));
}

static void
test_cancelled (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (20, 10, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "png");
  g_autofree char *path = write_fixture_bytes ("cancelled.png", bytes);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (inb_keyframe_load (path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (inb_keyframe_load_bytes (bytes, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  GMainLoop   *loop;
  InbKeyframe *keyframe;
  GError      *error;
  GThread     *callback_thread;
} AsyncResult;

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->callback_thread = g_thread_self ();
  r->keyframe = inb_keyframe_load_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
test_async (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_quadrants (64, 48, FALSE);
  g_autoptr(GBytes) bytes = encode (pixbuf, "webp");
  g_autofree char *path = write_fixture_bytes ("async.webp", bytes);
  g_autofree char *missing = g_build_filename (fixture_dir, "async-missing.png", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult r = { loop, NULL, NULL, NULL };

  inb_keyframe_load_async (path, NULL, load_cb, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  g_assert_true (r.callback_thread == g_thread_self ());
  g_assert_cmpuint (inb_keyframe_get_width (r.keyframe), ==, 64);
  g_assert_cmpstr (inb_keyframe_get_format (r.keyframe), ==, "webp");
  g_clear_object (&r.keyframe);

  inb_keyframe_load_async (missing, NULL, load_cb, &r);
  g_main_loop_run (loop);
  g_assert_null (r.keyframe);
  g_assert_error (r.error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND);
  g_clear_error (&r.error);
}

/* ------------------------------------------------------------------ */
/* Fit policies                                                        */

/* 400 × 200: green, red, blue, yellow stripes, 100 px each. */
static InbKeyframe *
load_stripes (void)
{
  const Rgba *colours[] = { &GREEN, &RED, &BLUE, &YELLOW };
  g_autoptr(GdkPixbuf) pixbuf = make_stripes (400, 200, colours, 4);

  return load_pixbuf (pixbuf);
}

static void
test_fit_crop (void)
{
  g_autoptr(InbKeyframe) keyframe = load_stripes ();
  g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, 200, 200, INB_FIT_CROP);
  guint y;

  g_assert_cmpuint (inb_image_get_width (image), ==, 200);
  g_assert_cmpuint (inb_image_get_height (image), ==, 200);
  g_assert_cmpuint (inb_image_get_stride (image), ==, 600);
  /* The centre 200 columns, unscaled: red then blue, no bars. */
  for (y = 0; y < 200; y += 20)
    {
      assert_pixel (image, 0, y, &RED, 0);
      assert_pixel (image, 99, y, &RED, 0);
      assert_pixel (image, 100, y, &BLUE, 0);
      assert_pixel (image, 199, y, &BLUE, 0);
    }
}

static void
test_fit_crop_scaled (void)
{
  g_autoptr(InbKeyframe) keyframe = load_stripes ();
  g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, 96, 96, INB_FIT_CROP);

  g_assert_cmpuint (inb_image_get_width (image), ==, 96);
  g_assert_cmpuint (inb_image_get_height (image), ==, 96);
  assert_pixel (image, 2, 48, &RED, 0);
  assert_pixel (image, 45, 48, &RED, 0);
  assert_pixel (image, 50, 48, &BLUE, 0);
  assert_pixel (image, 93, 2, &BLUE, 0);
}

static void
test_fit_pad (void)
{
  g_autoptr(InbKeyframe) keyframe = load_stripes ();
  g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, 200, 200, INB_FIT_PAD);
  guint x;

  g_assert_cmpuint (inb_image_get_width (image), ==, 200);
  g_assert_cmpuint (inb_image_get_height (image), ==, 200);
  /* Scaled to 200 × 100, centred: black bars of 50 rows above and below. */
  for (x = 0; x < 200; x += 10)
    {
      assert_pixel (image, x, 0, &BLACK, 0);
      assert_pixel (image, x, 49, &BLACK, 0);
      assert_pixel (image, x, 150, &BLACK, 0);
      assert_pixel (image, x, 199, &BLACK, 0);
    }
  assert_pixel (image, 25, 100, &GREEN, 0);
  assert_pixel (image, 75, 100, &RED, 0);
  assert_pixel (image, 125, 100, &BLUE, 0);
  assert_pixel (image, 175, 100, &YELLOW, 0);
  assert_pixel (image, 25, 51, &GREEN, 0);
  assert_pixel (image, 175, 148, &YELLOW, 0);
}

static void
test_fit_pad_pillarbox (void)
{
  const Rgba *colours[] = { &RED, &BLUE };
  g_autoptr(GdkPixbuf) pixbuf = make_stripes (100, 200, colours, 2);
  g_autoptr(InbKeyframe) keyframe = load_pixbuf (pixbuf);
  g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, 160, 160, INB_FIT_PAD);

  /* 100 × 200 fits as 80 × 160, with 40-column bars left and right. */
  assert_pixel (image, 0, 80, &BLACK, 0);
  assert_pixel (image, 39, 80, &BLACK, 0);
  assert_pixel (image, 45, 80, &RED, 0);
  assert_pixel (image, 115, 80, &BLUE, 0);
  assert_pixel (image, 120, 80, &BLACK, 0);
  assert_pixel (image, 159, 0, &BLACK, 0);
}

static void
test_fit_stretch (void)
{
  g_autoptr(InbKeyframe) keyframe = load_stripes ();
  g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, 200, 200, INB_FIT_STRETCH);
  guint y;

  g_assert_cmpuint (inb_image_get_width (image), ==, 200);
  g_assert_cmpuint (inb_image_get_height (image), ==, 200);
  for (y = 0; y < 200; y += 20)
    {
      assert_pixel (image, 20, y, &GREEN, 0);
      assert_pixel (image, 70, y, &RED, 0);
      assert_pixel (image, 130, y, &BLUE, 0);
      assert_pixel (image, 180, y, &YELLOW, 0);
    }
}

static void
test_fit_identity (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (160, 96);
  g_autoptr(InbKeyframe) keyframe = load_pixbuf (pixbuf);
  InbImage *source = inb_keyframe_get_image (keyframe);
  InbFit fits[] = { INB_FIT_CROP, INB_FIT_PAD, INB_FIT_STRETCH };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fits); i++)
    {
      g_autoptr(InbImage) same = inb_keyframe_normalise (keyframe, 160, 96, fits[i]);

      g_assert_cmpuint (inb_image_get_width (same), ==, 160);
      g_assert_cmpuint (inb_image_get_height (same), ==, 96);
      g_assert_cmpmem (inb_image_get_data (same), 160 * 96 * 3, inb_image_get_data (source), 160 * 96 * 3);
    }
}

/* Sizes the backends ask for (multiples of 16), up and down. */
static void
test_fit_sizes (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (333, 517);
  g_autoptr(InbKeyframe) keyframe = load_pixbuf (pixbuf);
  const guint sizes[][2] = { { 1280, 720 }, { 832, 480 }, { 16, 16 }, { 1, 1 }, { 480, 832 } };
  guint i, f;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (f = INB_FIT_CROP; f <= INB_FIT_STRETCH; f++)
      {
        g_autoptr(InbImage) image = inb_keyframe_normalise (keyframe, sizes[i][0], sizes[i][1], f);

        g_assert_cmpuint (inb_image_get_width (image), ==, sizes[i][0]);
        g_assert_cmpuint (inb_image_get_height (image), ==, sizes[i][1]);
        g_assert_cmpuint (inb_image_get_stride (image), ==, sizes[i][0] * 3);
      }
}

static void
test_fit_strings (void)
{
  InbFit fit = INB_FIT_STRETCH;

  g_assert_cmpstr (inb_fit_to_string (INB_FIT_CROP), ==, "crop");
  g_assert_cmpstr (inb_fit_to_string (INB_FIT_PAD), ==, "pad");
  g_assert_cmpstr (inb_fit_to_string (INB_FIT_STRETCH), ==, "stretch");

  g_assert_true (inb_fit_from_string ("crop", &fit));
  g_assert_cmpint (fit, ==, INB_FIT_CROP);
  g_assert_true (inb_fit_from_string ("pad", &fit));
  g_assert_cmpint (fit, ==, INB_FIT_PAD);
  g_assert_true (inb_fit_from_string ("stretch", &fit));
  g_assert_cmpint (fit, ==, INB_FIT_STRETCH);
  g_assert_false (inb_fit_from_string ("Crop", &fit));
  g_assert_false (inb_fit_from_string ("zoom", &fit));
  g_assert_false (inb_fit_from_string ("", &fit));
  g_assert_false (inb_fit_from_string (NULL, &fit));
  g_assert_cmpint (fit, ==, INB_FIT_STRETCH);
}

static InbKeyframe *
load_blank (guint width,
            guint height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);

  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  return load_pixbuf (pixbuf);
}

static void
test_aspect_differs (void)
{
  g_autoptr(InbKeyframe) wide = load_blank (400, 200);
  g_autoptr(InbKeyframe) wide_small = load_blank (200, 100);
  g_autoptr(InbKeyframe) square = load_blank (200, 200);
  g_autoptr(InbKeyframe) almost = load_blank (1008, 1000);   /* 0.8 % */
  g_autoptr(InbKeyframe) beyond = load_blank (1012, 1000);   /* 1.2 % */
  g_autoptr(InbKeyframe) hd = load_blank (1280, 720);
  g_autoptr(InbKeyframe) hd_odd = load_blank (1280, 722);

  g_assert_false (inb_keyframe_aspect_differs (wide, wide_small));
  g_assert_true (inb_keyframe_aspect_differs (wide, square));
  g_assert_true (inb_keyframe_aspect_differs (square, wide));
  g_assert_false (inb_keyframe_aspect_differs (square, almost));
  g_assert_true (inb_keyframe_aspect_differs (square, beyond));
  g_assert_true (inb_keyframe_aspect_differs (beyond, square));
  g_assert_false (inb_keyframe_aspect_differs (hd, hd_odd));
  g_assert_true (inb_keyframe_aspect_differs (hd, square));
}

/* ------------------------------------------------------------------ */
/* Mutations: damaged files never crash, never warn, always answer     */

static void
test_mutations (gconstpointer data)
{
  const char *type = data;
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (48, 32);
  g_autoptr(GBytes) bytes = encode (pixbuf, type);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  const guint8 *orig;
  gsize len;
  guint ok = 0, failed = 0;
  guint i, j;

  orig = g_bytes_get_data (bytes, &len);

  for (i = 0; i < 400; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (orig, len);
      g_autoptr(GBytes) mutated = NULL;
      g_autoptr(InbKeyframe) keyframe = NULL;
      g_autoptr(GError) error = NULL;
      gsize mlen = len;

      switch (i % 3)
        {
        case 0: /* flip bytes, biased to the header */
          for (j = 0; j < 1 + i % 5; j++)
            {
              gsize head = MIN (len, 64);
              gsize at = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, head)
                                               : g_rand_int_range (rand, 0, len);

              copy[at] ^= 1 << g_rand_int_range (rand, 0, 8);
            }
          break;
        case 1: /* random bytes over a range */
          {
            gsize at = g_rand_int_range (rand, 0, len);
            gsize n = g_rand_int_range (rand, 1, 32);

            n = MIN (n, len - at);

            for (j = 0; j < n; j++)
              copy[at + j] = g_rand_int_range (rand, 0, 256);
          }
          break;
        default: /* truncate */
          mlen = g_rand_int_range (rand, 1, len);
          break;
        }

      mutated = g_bytes_new (copy, mlen);
      keyframe = inb_keyframe_load_bytes (mutated, "mutated", NULL, &error);
      if (keyframe != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (inb_keyframe_get_width (keyframe), >, 0);
          g_assert_cmpuint ((guint64) inb_keyframe_get_width (keyframe) * inb_keyframe_get_height (keyframe),
                            <=, INB_KEYFRAME_MAX_PIXELS);
          ok++;
        }
      else
        {
          g_assert_true (error->domain == INB_KEYFRAME_ERROR);
          g_assert_nonnull (strstr (error->message, "mutated"));
          failed++;
        }
    }

  g_test_message ("%s: %u mutants decoded, %u refused", type, ok, failed);
  /* Every truncation (a third of the mutants) must be refused. */
  g_assert_cmpuint (failed, >=, 400 / 3);
}

/* ------------------------------------------------------------------ */
/* Files that are not files: FIFOs, devices, links to them (issue 13)  */

#define SUBPROCESS_TIMEOUT_US (20 * G_USEC_PER_SEC)

/* Runs the current test in a subprocess with a bound, so that a hang
 * (what `mkfifo f.png; inbetween generate f.png …` did) fails the case. */
static gboolean
in_bounded_subprocess (const char *path)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (path, SUBPROCESS_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (!g_test_trap_has_passed ())
    g_test_fail_printf ("%s: the subprocess %s", path,
                        g_test_trap_reached_timeout () ? "hung (killed after 20 s)" : "failed or crashed");
  return FALSE;
}

static void
assert_refused_quickly (const char *source,
                        const char *needle,
                        const char *needle2)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(InbKeyframe) keyframe = inb_keyframe_load (source, NULL, &error);
  gint64 elapsed = g_get_monotonic_time () - start;

  g_assert_null (keyframe);
  g_assert_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED);
  g_test_message ("%.3f s: %s", elapsed / 1e6, error->message);
  g_assert_nonnull (strstr (error->message, needle));
  if (needle2 != NULL)
    g_assert_nonnull (strstr (error->message, needle2));
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);
}

static void
test_fifo (void)
{
  g_autofree char *path = NULL;

  if (!in_bounded_subprocess ("/keyframe/hostile/fifo"))
    return;

  path = g_build_filename (fixture_dir, "fifo.png", NULL);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  assert_refused_quickly (path, "fifo.png", "FIFO");
}

/* A FIFO with a writer present that never closes it. */
static void
test_fifo_with_writer (void)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  int writer;

  if (!in_bounded_subprocess ("/keyframe/hostile/fifo-with-writer"))
    return;

  path = g_build_filename (fixture_dir, "fifo-writer.png", NULL);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  writer = g_open (path, O_RDWR | O_NONBLOCK, 0);
  g_assert_cmpint (writer, >=, 0);
  g_assert_cmpint (write (writer, "\x89PNG\r\n\x1a\n", 8), ==, 8);

  assert_refused_quickly (path, "fifo-writer.png", "FIFO");
  uri = g_filename_to_uri (path, NULL, NULL);
  assert_refused_quickly (uri, "fifo-writer.png", "FIFO");
  close (writer);
}

/* /dev/zero itself, links to it and to /dev/urandom: devices are never read. */
static void
test_devices (void)
{
  g_autofree char *zero = NULL;
  g_autofree char *urandom = NULL;

  if (!in_bounded_subprocess ("/keyframe/hostile/devices"))
    return;

  zero = g_build_filename (fixture_dir, "zero.png", NULL);
  urandom = g_build_filename (fixture_dir, "urandom.jpg", NULL);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  g_assert_cmpint (symlink ("/dev/urandom", urandom), ==, 0);

  assert_refused_quickly ("/dev/zero", "zero", "device");
  assert_refused_quickly (zero, "zero.png", "device");
  assert_refused_quickly (urandom, "urandom.jpg", "device");
}

/* ------------------------------------------------------------------ */
/* Partial decodes: a file that is whole but holds less image than its  */
/* header promises (issue 13 item 9). gdk-pixbuf fills the missing     */
/* rows with grey and reports success.                                 */

static guint32
adler32 (const guint8 *data,
         gsize         len)
{
  guint32 a = 1, b = 0;

  for (gsize i = 0; i < len; i++)
    {
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }
  return (b << 16) | a;
}

/* A complete zlib stream of stored blocks: no zlib needed here. */
static GByteArray *
zlib_stored (const guint8 *data,
             gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 head[2] = { 0x78, 0x01 };
  guint8 tail[4];
  gsize off = 0;

  g_byte_array_append (out, head, 2);
  do
    {
      guint16 n = (guint16) MIN (len - off, 65535);
      guint8 block[5] = { off + n == len ? 1 : 0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff };

      g_byte_array_append (out, block, 5);
      g_byte_array_append (out, data + off, n);
      off += n;
    }
  while (off < len);
  put_be32 (tail, adler32 (data, len));
  g_byte_array_append (out, tail, 4);
  return out;
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  g_autofree guint8 *crc_input = g_malloc (len + 4);
  guint8 be[4];

  put_be32 (be, len);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);
  memcpy (crc_input, type, 4);
  if (len > 0)
    memcpy (crc_input + 4, data, len);
  put_be32 (be, crc32_png (crc_input, len + 4));
  g_byte_array_append (png, be, 4);
}

/* An RGB PNG of @width × @height whose IDAT holds only @rows filtered
 * rows, as one complete zlib stream, followed by IEND. */
static GBytes *
make_short_png (guint32  width,
                guint32  height,
                guint    rows,
                gboolean interlaced)
{
  GByteArray *png = g_byte_array_new ();
  g_autoptr(GByteArray) idat = NULL;
  g_autofree guint8 *raw = NULL;
  gsize row_bytes = 1 + (gsize) width * 3;
  guint8 ihdr[13];

  raw = g_malloc (row_bytes * rows);
  for (guint y = 0; y < rows; y++)
    {
      raw[y * row_bytes] = 0;
      memset (raw + y * row_bytes + 1, 0x20 + (y * 7) % 200, row_bytes - 1);
    }
  idat = zlib_stored (raw, row_bytes * rows);

  put_be32 (ihdr, width);
  put_be32 (ihdr + 4, height);
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 2;   /* RGB */
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = interlaced ? 1 : 0;
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  png_chunk (png, "IDAT", idat->data, idat->len);
  png_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

static void
assert_partial_refused (GBytes     *bytes,
                        const char *name)
{
  g_autofree char *path = write_fixture_bytes (name, bytes);

  assert_load_fails (path, INB_KEYFRAME_ERROR_CORRUPT, name, "incomplete");
}

/* The file of the issue: IHDR 8000 × 5000, a few hundred bytes of IDAT. */
static void
test_partial_png_issue (void)
{
  g_autoptr(GBytes) bytes = make_short_png (8000, 5000, 0, FALSE);
  g_autoptr(GByteArray) idat = NULL;

  g_assert_cmpuint (g_bytes_get_size (bytes), <, 200);
  assert_partial_refused (bytes, "grey-8000x5000.png");
}

static void
test_partial_png (void)
{
  g_autoptr(GBytes) half = make_short_png (64, 48, 24, FALSE);
  g_autoptr(GBytes) last_row = make_short_png (64, 48, 47, FALSE);
  g_autoptr(GBytes) whole = make_short_png (64, 48, 48, FALSE);
  g_autoptr(GBytes) interlaced = make_short_png (64, 48, 30, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbKeyframe) keyframe = NULL;

  assert_partial_refused (half, "half.png");
  assert_partial_refused (last_row, "last-row-missing.png");
  assert_partial_refused (interlaced, "interlaced-partial.png");

  /* The same construction with every row is a valid image. */
  keyframe = inb_keyframe_load_bytes (whole, "whole.png", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inb_keyframe_get_height (keyframe), ==, 48);
}

/* A baseline JPEG cut in its scan, with an EOI marker put back at the end. */
static void
test_partial_jpeg (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (320, 240);
  g_autoptr(GBytes) bytes = encode (pixbuf, "jpeg");
  gsize len = g_bytes_get_size (bytes);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize sos = find_marker (data, len, 0xda);
  const gsize cuts[] = { sos + (len - sos) / 2, sos + 40, len - 200 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-with-eoi-%u.jpg", i);
      g_autofree guint8 *copy = g_malloc (cuts[i] + 2);
      g_autoptr(GBytes) cut = NULL;

      memcpy (copy, data, cuts[i]);
      copy[cuts[i]] = 0xff;
      copy[cuts[i] + 1] = 0xd9;
      cut = g_bytes_new (copy, cuts[i] + 2);
      assert_partial_refused (cut, name);
    }
}

/* A lossy WebP cut in half with its RIFF and VP8 chunk sizes made to
 * agree with the cut: structurally whole, half the picture missing. */
static void
test_partial_webp (void)
{
  g_autoptr(GdkPixbuf) pixbuf = make_gradient (320, 240);
  g_autoptr(GBytes) bytes = encode (pixbuf, "webp");
  gsize len = g_bytes_get_size (bytes);
  gsize cut = len / 2;
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), cut);
  g_autoptr(GBytes) partial = NULL;

  g_assert_true (memcmp (copy + 12, "VP8 ", 4) == 0);
  put_le32 (copy + 4, cut - 8);
  put_le32 (copy + 16, cut - 20);
  partial = g_bytes_new (copy, cut);
  assert_partial_refused (partial, "cut-vp8.webp");
}

/* ------------------------------------------------------------------ */
/* The bundled samples                                                 */

static void
test_samples (void)
{
  const char *dir = g_getenv ("INB_SAMPLES_DIR");
  g_autofree char *first_path = NULL;
  g_autofree char *last_path = NULL;
  g_autoptr(InbKeyframe) first = NULL;
  g_autoptr(InbKeyframe) last = NULL;

  if (dir == NULL)
    {
      g_test_skip ("INB_SAMPLES_DIR is not set");
      return;
    }

  first_path = g_build_filename (dir, "first.jpg", NULL);
  last_path = g_build_filename (dir, "last.jpg", NULL);
  first = load_ok (first_path);
  last = load_ok (last_path);

  g_assert_cmpstr (inb_keyframe_get_format (first), ==, "jpeg");
  g_assert_cmpuint (inb_keyframe_get_width (first), ==, 1280);
  g_assert_cmpuint (inb_keyframe_get_height (first), ==, 720);
  g_assert_cmpuint (inb_keyframe_get_width (last), ==, 1280);
  g_assert_cmpuint (inb_keyframe_get_height (last), ==, 720);
  g_assert_false (inb_keyframe_aspect_differs (first, last));
  /* A pair that shows motion: the frames differ. */
  g_assert_true (memcmp (inb_image_get_data (inb_keyframe_get_image (first)),
                         inb_image_get_data (inb_keyframe_get_image (last)),
                         1280 * 720 * 3) != 0);
}

/* ------------------------------------------------------------------ */

static void
remove_fixtures (void)
{
  g_autoptr(GDir) dir = g_dir_open (fixture_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture_dir);
}

int
main (int   argc,
      char *argv[])
{
  static const char *formats[] = { "png", "jpeg", "webp", "bmp" };
  g_autoptr(GError) error = NULL;
  int ret;
  guint i;

  /* Untranslated messages, but real quotes in the test log. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  fixture_dir = g_dir_make_tmp ("test-keyframe-XXXXXX", &error);
  g_assert_no_error (error);

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *load = g_strdup_printf ("/keyframe/format/%s", formats[i]);
      g_autofree char *trunc = g_strdup_printf ("/keyframe/truncated/%s", formats[i]);
      g_autofree char *mutate = g_strdup_printf ("/keyframe/mutations/%s", formats[i]);

      g_test_add_data_func (load, formats[i], test_format);
      g_test_add_data_func (trunc, formats[i], test_truncated);
      g_test_add_data_func (mutate, formats[i], test_mutations);
    }
  g_test_add_func ("/keyframe/format/misnamed", test_format_misnamed);
  g_test_add_func ("/keyframe/orientation/6", test_orientation_6);
  g_test_add_func ("/keyframe/orientation/3", test_orientation_3);
  g_test_add_func ("/keyframe/alpha/flattened", test_alpha_flattened);
  g_test_add_func ("/keyframe/alpha/opaque", test_alpha_opaque);
  g_test_add_func ("/keyframe/bomb/png", test_bomb_png);
  g_test_add_func ("/keyframe/bomb/png-megapixels", test_bomb_png_megapixels);
  g_test_add_func ("/keyframe/bomb/jpeg", test_bomb_jpeg);
  g_test_add_func ("/keyframe/bomb/webp", test_bomb_webp);
  g_test_add_func ("/keyframe/bomb/bmp", test_bomb_bmp);
  g_test_add_func ("/keyframe/bomb/bmp-colours", test_bomb_bmp_colours);
  g_test_add_func ("/keyframe/bomb/limit-edges", test_size_limit_edges);
  g_test_add_func ("/keyframe/empty", test_empty);
  g_test_add_func ("/keyframe/unsupported", test_unsupported);
  g_test_add_func ("/keyframe/missing", test_missing);
  g_test_add_func ("/keyframe/uri/file", test_file_uri);
  g_test_add_func ("/keyframe/uri/colon-path", test_colon_path);
  g_test_add_func ("/keyframe/uri/data", test_data_uri);
  g_test_add_func ("/keyframe/uri/data-malformed", test_data_uri_malformed);
  g_test_add_func ("/keyframe/uri/remote", test_remote_uri);
  g_test_add_func ("/keyframe/bytes", test_bytes);
  g_test_add_func ("/keyframe/cancelled", test_cancelled);
  g_test_add_func ("/keyframe/async", test_async);
  g_test_add_func ("/keyframe/fit/crop", test_fit_crop);
  g_test_add_func ("/keyframe/fit/crop-scaled", test_fit_crop_scaled);
  g_test_add_func ("/keyframe/fit/pad", test_fit_pad);
  g_test_add_func ("/keyframe/fit/pad-pillarbox", test_fit_pad_pillarbox);
  g_test_add_func ("/keyframe/fit/stretch", test_fit_stretch);
  g_test_add_func ("/keyframe/fit/identity", test_fit_identity);
  g_test_add_func ("/keyframe/fit/sizes", test_fit_sizes);
  g_test_add_func ("/keyframe/fit/strings", test_fit_strings);
  g_test_add_func ("/keyframe/aspect-differs", test_aspect_differs);
  g_test_add_func ("/keyframe/samples", test_samples);
  g_test_add_func ("/keyframe/hostile/fifo", test_fifo);
  g_test_add_func ("/keyframe/hostile/fifo-with-writer", test_fifo_with_writer);
  g_test_add_func ("/keyframe/hostile/devices", test_devices);
  g_test_add_func ("/keyframe/partial/png-issue", test_partial_png_issue);
  g_test_add_func ("/keyframe/partial/png", test_partial_png);
  g_test_add_func ("/keyframe/partial/jpeg", test_partial_jpeg);
  g_test_add_func ("/keyframe/partial/webp", test_partial_webp);

  ret = g_test_run ();

  remove_fixtures ();
  g_clear_pointer (&fixture_dir, g_free);

  return ret;
}
