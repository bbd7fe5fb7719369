/* inb-keyframe.c — one keyframe: probed, decoded, oriented, normalised
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

#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-keyframe.h"

/*
 * How a keyframe is read (see R16/R17 in research/reliability.md):
 *
 *  1. The source is resolved to a stream: a local path, a file:// URI or
 *     the decoded payload of a data: URI. Remote schemes are refused.
 *  2. The first chunk is sniffed by its magic bytes. Only PNG, JPEG, WebP
 *     and BMP go further; anything else is refused by what it looks like,
 *     whatever its name says. The gdk-pixbuf loader is then chosen by that
 *     content, never by the file name.
 *  3. The header size is checked before any pixel memory exists: for PNG,
 *     JPEG and BMP in the loader's "size-prepared" signal (we ask for a 0×0
 *     image, which makes those loaders stop before allocating); for WebP,
 *     whose loader allocates regardless, from our own header parse before
 *     the loader sees a byte.
 *  4. gdk-pixbuf happily returns a partial image for truncated PNG, JPEG,
 *     WebP and BMP files without an error, so completeness is checked
 *     here: PNG must reach its IEND chunk, JPEG its EOI marker after the
 *     last scan, WebP its RIFF length, BMP must update every row.
 *  5. EXIF orientation is applied; transparency is composited onto white
 *     (what people expect of transparent artwork, and what an image
 *     viewer shows on a light theme); pixels are packed into an InbImage.
 */

#define READ_CHUNK      (64 * 1024)
#define MAX_NORMALISED  16384

struct _InbKeyframe
{
  GObject     parent_instance;

  char       *display_name;
  const char *format;
  guint       orientation;
  gboolean    had_alpha;
  InbImage   *image;
  /* Views the bytes of @image (RGB, no alpha), for scaling. */
  GdkPixbuf  *pixbuf;
};

G_DEFINE_FINAL_TYPE (InbKeyframe, inb_keyframe, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-keyframe-error-quark, inb_keyframe_error)

static void
inb_keyframe_finalize (GObject *object)
{
  InbKeyframe *self = (InbKeyframe *) object;

  g_clear_object (&self->pixbuf);
  g_clear_pointer (&self->image, inb_image_unref);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (inb_keyframe_parent_class)->finalize (object);
}

static void
inb_keyframe_class_init (InbKeyframeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_keyframe_finalize;
}

static void
inb_keyframe_init (InbKeyframe *self)
{
  self->orientation = 1;
}

/* ------------------------------------------------------------------ */
/* Sniffing                                                            */

static gboolean
has_prefix (const guint8 *data,
            gsize         len,
            gsize         offset,
            const char   *magic,
            gsize         magic_len)
{
  return len >= offset + magic_len && memcmp (data + offset, magic, magic_len) == 0;
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint32
read_le24 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16);
}

static gboolean
contains (const guint8 *haystack,
          gsize         len,
          const guint8 *needle,
          gsize         needle_len)
{
  gsize i;

  for (i = 0; i + needle_len <= len; i++)
    {
      const guint8 *p = memchr (haystack + i, needle[0], len - needle_len + 1 - i);

      if (p == NULL)
        return FALSE;
      i = p - haystack;
      if (memcmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
looks_like_text (const guint8 *data,
                 gsize         len)
{
  const char *end = NULL;
  gsize check = MIN (len, 1024);
  gsize i;

  for (i = 0; i < check; i++)
    {
      guint8 c = data[i];

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
        return FALSE;
      if (c == 0x7f)
        return FALSE;
    }

  /* A multi-byte character may be cut at the end of the window. */
  if (!g_utf8_validate ((const char *) data, check, &end))
    return (gsize) (end - (const char *) data) + 4 > check;

  return TRUE;
}

static gboolean
text_contains (const guint8 *data,
               gsize         len,
               const char   *needle)
{
  g_autofree char *lower = g_ascii_strdown ((const char *) data, MIN (len, 4096));

  return strstr (lower, needle) != NULL;
}

/* Returns one of "png", "jpeg", "webp", "bmp", or NULL; for anything
 * else, @looks_like is set to a translated phrase describing it, or to
 * NULL when we cannot tell. */
static const char *
sniff_format (const guint8  *data,
              gsize          len,
              const char   **looks_like)
{
  *looks_like = NULL;

  if (has_prefix (data, len, 0, "\x89PNG\r\n\x1a\n", 8))
    return "png";
  if (has_prefix (data, len, 0, "\xff\xd8\xff", 3))
    return "jpeg";
  if (has_prefix (data, len, 0, "RIFF", 4) && has_prefix (data, len, 8, "WEBP", 4))
    return "webp";
  if (has_prefix (data, len, 0, "BM", 2) && len >= 18)
    {
      guint32 dib = read_le32 (data + 14);

      if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 ||
          dib == 64 || dib == 108 || dib == 124)
        return "bmp";
    }

  /* Files cut inside the signature are damaged images, not foreign ones. */
  if (len < 8 && len >= 2 && memcmp (data, "\x89PNG\r\n\x1a\n", len) == 0)
    return "png";
  if (len == 2 && data[0] == 0xff && data[1] == 0xd8)
    return "jpeg";
  if (len < 12 && has_prefix (data, len, 0, "RIFF", 4) &&
      (len <= 8 || memcmp (data + 8, "WEBP", len - 8) == 0))
    return "webp";
  if (len < 18 && has_prefix (data, len, 0, "BM", 2) && !looks_like_text (data, len))
    return "bmp";

  if (has_prefix (data, len, 0, "GIF87a", 6) || has_prefix (data, len, 0, "GIF89a", 6))
    /* Translators: completes ““%s” is …, not a PNG, JPEG, WebP or BMP image.” */
    *looks_like = _("a GIF image");
  else if (has_prefix (data, len, 0, "II*\0", 4) || has_prefix (data, len, 0, "MM\0*", 4))
    *looks_like = _("a TIFF image");
  else if (has_prefix (data, len, 0, "\0\0\1\0", 4) || has_prefix (data, len, 0, "\0\0\2\0", 4))
    *looks_like = _("a Windows icon");
  else if (has_prefix (data, len, 0, "%PDF-", 5))
    *looks_like = _("a PDF document");
  else if (has_prefix (data, len, 0, "8BPS", 4))
    *looks_like = _("a Photoshop document");
  else if (has_prefix (data, len, 0, "gimp xcf", 8))
    *looks_like = _("a GIMP document");
  else if (has_prefix (data, len, 0, "qoif", 4))
    *looks_like = _("a QOI image");
  else if (has_prefix (data, len, 0, "\xff\x0a", 2) ||
           has_prefix (data, len, 0, "\0\0\0\x0cJXL \r\n\x87\n", 12))
    *looks_like = _("a JPEG XL image");
  else if (has_prefix (data, len, 0, "\0\0\0\x0cjP  \r\n\x87\n", 12))
    *looks_like = _("a JPEG 2000 image");
  else if (has_prefix (data, len, 4, "ftypavif", 8) || has_prefix (data, len, 4, "ftypavis", 8))
    *looks_like = _("an AVIF image");
  else if (has_prefix (data, len, 4, "ftyphei", 7) || has_prefix (data, len, 4, "ftyphev", 7) ||
           has_prefix (data, len, 4, "ftypmif1", 8) || has_prefix (data, len, 4, "ftypmsf1", 8))
    *looks_like = _("a HEIF image");
  else if (has_prefix (data, len, 4, "ftyp", 4) || has_prefix (data, len, 0, "\x1a\x45\xdf\xa3", 4) ||
           (has_prefix (data, len, 0, "RIFF", 4) && has_prefix (data, len, 8, "AVI ", 4)))
    *looks_like = _("a video file");
  else if (has_prefix (data, len, 0, "PK\3\4", 4))
    *looks_like = _("a ZIP archive");
  else if (has_prefix (data, len, 0, "\x1f\x8b", 2))
    *looks_like = _("a compressed (gzip) file");
  else if (looks_like_text (data, len))
    {
      if (text_contains (data, len, "<svg"))
        *looks_like = _("an SVG drawing");
      else if (text_contains (data, len, "<!doctype html") || text_contains (data, len, "<html"))
        *looks_like = _("an HTML page");
      else if (text_contains (data, len, "<?xml"))
        *looks_like = _("an XML document");
      else
        *looks_like = _("plain text");
    }

  return NULL;
}

/* WebP's loader allocates the full image even when asked for 0×0, so
 * read its canvas size ourselves. Returns FALSE when the header is not
 * one we understand (the loader will then fail on it too). */
static gboolean
probe_webp_size (const guint8 *data,
                 gsize         len,
                 guint        *width,
                 guint        *height)
{
  if (has_prefix (data, len, 12, "VP8X", 4) && len >= 30)
    {
      *width = read_le24 (data + 24) + 1;
      *height = read_le24 (data + 27) + 1;
      return TRUE;
    }
  if (has_prefix (data, len, 12, "VP8L", 4) && len >= 25 && data[20] == 0x2f)
    {
      guint32 bits = read_le32 (data + 21);

      *width = (bits & 0x3fff) + 1;
      *height = ((bits >> 14) & 0x3fff) + 1;
      return TRUE;
    }
  if (has_prefix (data, len, 12, "VP8 ", 4) && len >= 30 &&
      data[23] == 0x9d && data[24] == 0x01 && data[25] == 0x2a)
    {
      *width = (data[26] | (data[27] << 8)) & 0x3fff;
      *height = (data[28] | (data[29] << 8)) & 0x3fff;
      return TRUE;
    }

  return FALSE;
}

static gboolean
size_allowed (guint width,
              guint height)
{
  return width <= INB_KEYFRAME_MAX_SIDE &&
         height <= INB_KEYFRAME_MAX_SIDE &&
         (guint64) width * height <= INB_KEYFRAME_MAX_PIXELS;
}

static void
set_too_large_error (GError     **error,
                     const char  *name,
                     guint        width,
                     guint        height)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_TOO_LARGE,
               /* Translators: “photo.png” is 30000 × 30000 pixels; … */
               _("“%s” is %u × %u pixels; keyframes may be at most %u pixels a side and %u megapixels."),
               name, width, height, INB_KEYFRAME_MAX_SIDE, INB_KEYFRAME_MAX_PIXELS / 1000000);
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */

typedef struct
{
  const char      *name;
  const char      *format;
  GdkPixbufLoader *loader;
  gboolean         closed;

  gboolean         size_seen;
  gboolean         too_large;
  gboolean         bad_size;
  guint            width;
  guint            height;

  /* Completeness tracking. */
  guint64          offset;         /* bytes fed so far */
  guint8           carry[8];       /* tail of the previous chunk */
  gsize            carry_len;
  gboolean         png_iend;
  gint64           jpeg_last_sos;
  gint64           jpeg_last_eoi;
  guint64          webp_length;    /* RIFF length + 8, 0 when unknown */
  guint8          *rows;           /* BMP: rows reported by area-updated */
} Decode;

static void
decode_size_prepared_cb (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         Decode          *d)
{
  d->size_seen = TRUE;

  if (width <= 0 || height <= 0)
    {
      d->bad_size = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  d->width = width;
  d->height = height;

  if (!size_allowed (width, height))
    {
      /* Makes the PNG and JPEG loaders fail and the BMP loader stop,
       * before they allocate the pixels. */
      d->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (g_str_equal (d->format, "bmp"))
    {
      g_free (d->rows);
      d->rows = g_malloc0 (height);
    }
}

static void
decode_area_updated_cb (GdkPixbufLoader *loader,
                        int              x,
                        int              y,
                        int              width,
                        int              height,
                        Decode          *d)
{
  int y0, y1;

  if (d->rows == NULL || width <= 0)
    return;

  y0 = CLAMP (y, 0, (int) d->height);
  y1 = CLAMP (y + height, 0, (int) d->height);
  if (y1 > y0)
    memset (d->rows + y0, 1, y1 - y0);
}

/* Looks for end markers in @data, continuing matches across chunks. */
static void
decode_scan (Decode       *d,
             const guint8 *data,
             gsize         len)
{
  static const guint8 iend[8] = { 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  guint8 joined[16];
  gsize head = MIN (len, 8);
  gsize i;

  if (g_str_equal (d->format, "png"))
    {
      if (d->png_iend)
        goto out;

      memcpy (joined, d->carry, d->carry_len);
      memcpy (joined + d->carry_len, data, head);
      if (contains (joined, d->carry_len + head, iend, sizeof iend) ||
          contains (data, len, iend, sizeof iend))
        d->png_iend = TRUE;
    }
  else if (g_str_equal (d->format, "jpeg"))
    {
      /* Markers are 0xFF followed by a code; entropy-coded data never
       * holds 0xFF 0xDA or 0xFF 0xD9 (0xFF is always stuffed). */
      if (d->carry_len > 0 && d->carry[d->carry_len - 1] == 0xff && len > 0)
        {
          if (data[0] == 0xda)
            d->jpeg_last_sos = d->offset - 1;
          else if (data[0] == 0xd9)
            d->jpeg_last_eoi = d->offset - 1;
        }
      for (i = 0; i + 1 < len; i++)
        {
          const guint8 *ff = memchr (data + i, 0xff, len - 1 - i);

          if (ff == NULL)
            break;
          i = ff - data;
          if (ff[1] == 0xda)
            d->jpeg_last_sos = d->offset + i;
          else if (ff[1] == 0xd9)
            d->jpeg_last_eoi = d->offset + i;
        }
    }
  else if (g_str_equal (d->format, "webp") && d->offset == 0 && len >= 8)
    {
      d->webp_length = (guint64) read_le32 (data + 4) + 8;
    }

out:
  /* Keep the last bytes for matches that straddle chunks. */
  if (len >= 8)
    {
      memcpy (d->carry, data + len - 7, 7);
      d->carry_len = 7;
    }
  else
    {
      gsize keep = MIN (d->carry_len, 7 - len);

      memmove (d->carry, d->carry + d->carry_len - keep, keep);
      memcpy (d->carry + keep, data, len);
      d->carry_len = keep + len;
    }
  d->offset += len;
}

static void
decode_close (Decode *d)
{
  if (d->loader != NULL && !d->closed)
    {
      g_autoptr(GError) ignored = NULL;

      d->closed = TRUE;
      gdk_pixbuf_loader_close (d->loader, &ignored);
    }
}

static void
decode_clear (Decode *d)
{
  decode_close (d);
  if (d->loader != NULL)
    g_signal_handlers_disconnect_by_data (d->loader, d);
  g_clear_object (&d->loader);
  g_clear_pointer (&d->rows, g_free);
}

static void
set_corrupt_error (GError     **error,
                   const char  *name)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT,
               _("“%s” is damaged and cannot be decoded."), name);
}

static void
set_truncated_error (GError     **error,
                     const char  *name)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT,
               _("“%s” is incomplete: the file ends before the image does."), name);
}

/* Feeds one chunk; FALSE with @error set when decoding must stop. */
static gboolean
decode_feed (Decode        *d,
             const guint8  *data,
             gsize          len,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  decode_scan (d, data, len);

  ok = gdk_pixbuf_loader_write (d->loader, data, len, &local_error);
  if (!ok)
    d->closed = TRUE;  /* a failed write closes the loader */

  if (d->too_large)
    {
      set_too_large_error (error, d->name, d->width, d->height);
      return FALSE;
    }
  if (!ok || d->bad_size)
    {
      g_debug ("%s: %s", d->name, local_error ? local_error->message : "zero-sized image");
      set_corrupt_error (error, d->name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
decode_complete (Decode  *d,
                 GError **error)
{
  guint i;

  if (g_str_equal (d->format, "png") && !d->png_iend)
    goto truncated;
  if (g_str_equal (d->format, "jpeg") && d->jpeg_last_eoi < d->jpeg_last_sos)
    goto truncated;
  if (g_str_equal (d->format, "webp") && d->webp_length > 0 && d->offset < d->webp_length)
    goto truncated;
  if (d->rows != NULL)
    {
      for (i = 0; i < d->height; i++)
        if (d->rows[i] == 0)
          goto truncated;
    }

  return TRUE;

truncated:
  set_truncated_error (error, d->name);
  return FALSE;
}

static guint
parse_orientation (GdkPixbuf *pixbuf)
{
  const char *text = gdk_pixbuf_get_option (pixbuf, "orientation");
  guint64 value = 1;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 8, &value, NULL))
    return 1;

  return (guint) value;
}

/* Packs @pixbuf into a new RGB image, compositing any alpha onto white.
 * @had_alpha is set when at least one pixel was not fully opaque. */
static InbImage *
pack_pixbuf (GdkPixbuf *pixbuf,
             gboolean  *had_alpha)
{
  guint width = gdk_pixbuf_get_width (pixbuf);
  guint height = gdk_pixbuf_get_height (pixbuf);
  guint channels = gdk_pixbuf_get_n_channels (pixbuf);
  gsize rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  gboolean translucent = FALSE;
  InbImage *image;
  guint8 *dst;
  guint x, y;

  g_assert (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8);
  g_assert (channels == (alpha ? 4u : 3u));

  image = inb_image_new (width, height);
  dst = inb_image_get_data_mut (image);

  for (y = 0; y < height; y++)
    {
      const guint8 *s = src + y * rowstride;
      guint8 *o = dst + (gsize) y * width * 3;

      if (!alpha)
        {
          memcpy (o, s, (gsize) width * 3);
          continue;
        }

      for (x = 0; x < width; x++, s += 4, o += 3)
        {
          guint a = s[3];

          if (a == 255)
            {
              o[0] = s[0];
              o[1] = s[1];
              o[2] = s[2];
            }
          else
            {
              guint inv = (255 - a) * 255;

              translucent = TRUE;
              o[0] = (s[0] * a + inv + 127) / 255;
              o[1] = (s[1] * a + inv + 127) / 255;
              o[2] = (s[2] * a + inv + 127) / 255;
            }
        }
    }

  if (had_alpha != NULL)
    *had_alpha = translucent;

  return image;
}

static GdkPixbuf *
pixbuf_for_image (InbImage *image)
{
  return gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image),
                                    GDK_COLORSPACE_RGB, FALSE, 8,
                                    inb_image_get_width (image),
                                    inb_image_get_height (image),
                                    inb_image_get_stride (image));
}

static InbKeyframe *
load_stream (GInputStream  *stream,
             const char    *name,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(InbKeyframe) self = NULL;
  const char *looks_like = NULL;
  Decode d = { 0 };
  gsize n = 0;
  gssize got;

  if (!g_input_stream_read_all (stream, buf, READ_CHUNK, &n, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                   _("“%s” could not be read: %s"), name, local_error->message);
      return NULL;
    }

  if (n == 0)
    {
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_EMPTY,
                   _("“%s” is empty (0 bytes)."), name);
      return NULL;
    }

  d.name = name;
  d.format = sniff_format (buf, n, &looks_like);
  d.jpeg_last_sos = -1;
  d.jpeg_last_eoi = -1;

  if (d.format == NULL)
    {
      if (looks_like != NULL)
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED,
                     /* Translators: the second %s is e.g. “a GIF image” or “plain text” */
                     _("“%s” is %s, not a PNG, JPEG, WebP or BMP image."), name, looks_like);
      else
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED,
                     _("“%s” is not a PNG, JPEG, WebP or BMP image."), name);
      return NULL;
    }

  if (g_str_equal (d.format, "webp"))
    {
      guint width, height;

      if (probe_webp_size (buf, n, &width, &height) && !size_allowed (width, height))
        {
          set_too_large_error (error, name, width, height);
          return NULL;
        }
    }

  d.loader = gdk_pixbuf_loader_new_with_type (d.format, &local_error);
  if (d.loader == NULL)
    {
      g_debug ("No gdk-pixbuf loader for %s: %s", d.format, local_error->message);
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED,
                   _("“%s” cannot be opened: support for %s images is not installed."),
                   name, d.format);
      return NULL;
    }

  g_signal_connect (d.loader, "size-prepared", G_CALLBACK (decode_size_prepared_cb), &d);
  g_signal_connect (d.loader, "area-updated", G_CALLBACK (decode_area_updated_cb), &d);

  for (;;)
    {
      if (!decode_feed (&d, buf, n, error))
        goto fail;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;

      got = g_input_stream_read (stream, buf, READ_CHUNK, cancellable, &local_error);
      if (got < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                         _("“%s” could not be read: %s"), name, local_error->message);
          goto fail;
        }
      if (got == 0)
        break;
      n = got;
    }

  d.closed = TRUE;
  if (!gdk_pixbuf_loader_close (d.loader, &local_error))
    {
      if (d.too_large)
        set_too_large_error (error, name, d.width, d.height);
      else
        {
          g_debug ("%s: %s", name, local_error->message);
          set_corrupt_error (error, name);
        }
      goto fail;
    }

  if (d.too_large)
    {
      set_too_large_error (error, name, d.width, d.height);
      goto fail;
    }

  if (!d.size_seen || gdk_pixbuf_loader_get_pixbuf (d.loader) == NULL)
    {
      set_corrupt_error (error, name);
      goto fail;
    }

  if (!decode_complete (&d, error))
    goto fail;

  decoded = g_object_ref (gdk_pixbuf_loader_get_pixbuf (d.loader));
  decode_clear (&d);

  if (gdk_pixbuf_get_bits_per_sample (decoded) != 8 ||
      gdk_pixbuf_get_colorspace (decoded) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_n_channels (decoded) != (gdk_pixbuf_get_has_alpha (decoded) ? 4 : 3))
    {
      set_corrupt_error (error, name);
      return NULL;
    }

  self = g_object_new (INB_TYPE_KEYFRAME, NULL);
  self->display_name = g_strdup (name);
  self->format = d.format;
  self->orientation = parse_orientation (decoded);

  oriented = gdk_pixbuf_apply_embedded_orientation (decoded);
  g_clear_object (&decoded);
  if (oriented == NULL)
    {
      set_corrupt_error (error, name);
      return NULL;
    }

  self->image = pack_pixbuf (oriented, &self->had_alpha);
  self->pixbuf = pixbuf_for_image (self->image);

  return g_steal_pointer (&self);

fail:
  decode_clear (&d);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */

static gboolean
decode_base64 (const char  *text,
               gsize        len,
               GBytes     **out)
{
  g_autoptr(GString) clean = g_string_sized_new (len + 4);
  gsize padding = 0;
  gsize i;
  gsize out_len = 0;
  guchar *decoded;

  for (i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isspace (c))
        continue;
      if (c == '=')
        {
          padding++;
          g_string_append_c (clean, c);
          continue;
        }
      if (padding > 0)
        return FALSE;  /* data after padding */
      if (g_ascii_isalnum (c) || c == '+' || c == '/')
        g_string_append_c (clean, c);
      else if (c == '-' || c == '_')  /* URL-safe alphabet */
        g_string_append_c (clean, c == '-' ? '+' : '/');
      else
        return FALSE;
    }

  if (padding > 2)
    return FALSE;
  if (padding > 0 && clean->len % 4 != 0)
    return FALSE;
  if (clean->len % 4 == 1)
    return FALSE;
  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');

  if (clean->len == 0)
    {
      *out = g_bytes_new (NULL, 0);
      return TRUE;
    }

  decoded = g_base64_decode (clean->str, &out_len);
  *out = g_bytes_new_take (decoded, out_len);
  return TRUE;
}

static GBytes *
parse_data_uri (const char  *uri,
                GError     **error)
{
  g_autoptr(GBytes) unescaped = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *comma;
  const char *meta;
  gsize meta_len;
  gboolean base64;

  /* data:[<media type>][;base64],<data> */
  meta = uri + strlen ("data:");
  comma = strchr (meta, ',');
  if (comma == NULL)
    {
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                           _("The data: URI is malformed: it has no comma before the image data."));
      return NULL;
    }

  meta_len = comma - meta;
  base64 = meta_len >= 7 && g_ascii_strncasecmp (comma - 7, ";base64", 7) == 0;

  unescaped = g_uri_unescape_bytes (comma + 1, -1, NULL, &local_error);
  if (unescaped == NULL)
    {
      g_debug ("data: URI: %s", local_error->message);
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                           _("The data: URI is malformed: it contains an invalid percent escape."));
      return NULL;
    }

  if (!base64)
    return g_steal_pointer (&unescaped);

  {
    gsize len = 0;
    const char *text = g_bytes_get_data (unescaped, &len);

    if (!decode_base64 (text, len, &decoded))
      {
        g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                             _("The data: URI is malformed: its base64 data is invalid."));
        return NULL;
      }
  }

  return g_steal_pointer (&decoded);
}

/* Shortens long sources for messages. */
static char *
source_for_display (const char *source)
{
  g_autofree char *valid = g_utf8_make_valid (source, -1);

  if (g_utf8_strlen (valid, -1) > 80)
    {
      g_autofree char *head = g_utf8_substring (valid, 0, 77);

      return g_strconcat (head, "…", NULL);
    }

  return g_steal_pointer (&valid);
}

static InbKeyframe *
load_path (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_filename_display_basename (path);

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     _("“%s” does not exist."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     _("“%s” is a folder, not an image."), name);
      else
        g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                     _("“%s” could not be opened: %s"), name, local_error->message);
      return NULL;
    }

  return load_stream (G_INPUT_STREAM (stream), name, cancellable, error);
}

/**
 * inb_keyframe_load:
 * @source: a local path, a `file://` URI or a `data:` URI
 *
 * Reads and decodes a keyframe. Blocks: call it from a worker thread
 * (or use inb_keyframe_load_async()).
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set in
 *   %INB_KEYFRAME_ERROR (or %G_IO_ERROR_CANCELLED).
 */
InbKeyframe *
inb_keyframe_load (const char    *source,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const char *scheme;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (*source == '\0')
    {
      g_set_error_literal (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_NOT_FOUND,
                           _("No keyframe file was given."));
      return NULL;
    }

  scheme = g_uri_peek_scheme (source);

  if (scheme == NULL)
    return load_path (source, cancellable, error);

  if (g_str_equal (scheme, "file"))
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *host = NULL;
      g_autofree char *path = g_filename_from_uri (source, &host, &local_error);

      if (path != NULL && host != NULL && g_ascii_strcasecmp (host, "localhost") != 0 &&
          g_ascii_strcasecmp (host, g_get_host_name ()) != 0)
        g_clear_pointer (&path, g_free);

      if (path == NULL)
        {
          g_autofree char *shown = source_for_display (source);

          if (local_error != NULL)
            g_debug ("%s: %s", shown, local_error->message);
          g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                       _("“%s” is not a valid address of a local file."), shown);
          return NULL;
        }

      return load_path (path, cancellable, error);
    }

  if (g_str_equal (scheme, "data"))
    {
      g_autoptr(GBytes) bytes = parse_data_uri (source, error);

      if (bytes == NULL)
        return NULL;

      return inb_keyframe_load_bytes (bytes, _("Image from a data: URI"), cancellable, error);
    }

  /* A relative path such as “take:1.png” parses as a scheme. */
  if (g_file_test (source, G_FILE_TEST_EXISTS))
    return load_path (source, cancellable, error);

  {
    g_autofree char *shown = source_for_display (source);

    if (g_str_equal (scheme, "http") || g_str_equal (scheme, "https") ||
        g_str_equal (scheme, "ftp") || g_str_equal (scheme, "sftp"))
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                   _("“%s” is a remote address: download the image first, then open the downloaded file."),
                   shown);
    else
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_INVALID_URI,
                   _("“%s” is not a local file, a file:// URI or a data: URI."), shown);
  }

  return NULL;
}

/**
 * inb_keyframe_load_bytes:
 * @bytes: encoded image data (pasted or dropped)
 * @display_name: (nullable): the name used in messages; “Pasted image”
 *   when %NULL
 *
 * Same checks as inb_keyframe_load(). Blocks.
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set
 */
InbKeyframe *
inb_keyframe_load_bytes (GBytes        *bytes,
                         const char    *display_name,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = _("Pasted image");

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  stream = g_memory_input_stream_new_from_bytes (bytes);

  return load_stream (stream, display_name, cancellable, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *source = task_data;
  GError *error = NULL;
  InbKeyframe *keyframe;

  keyframe = inb_keyframe_load (source, cancellable, &error);
  if (keyframe != NULL)
    g_task_return_pointer (task, keyframe, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * inb_keyframe_load_async:
 *
 * Runs inb_keyframe_load() in a worker thread; @callback runs on the
 * caller's thread-default main context.
 */
void
inb_keyframe_load_async (const char          *source,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (source != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_keyframe_load_async);
  g_task_set_task_data (task, g_strdup (source), g_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * inb_keyframe_load_finish:
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set
 */
InbKeyframe *
inb_keyframe_load_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_keyframe_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *
inb_keyframe_get_display_name (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->display_name;
}

const char *
inb_keyframe_get_format (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->format;
}

guint
inb_keyframe_get_width (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 0);
  return inb_image_get_width (self->image);
}

guint
inb_keyframe_get_height (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 0);
  return inb_image_get_height (self->image);
}

/**
 * inb_keyframe_get_had_alpha:
 *
 * Returns: %TRUE when at least one pixel was not fully opaque and was
 *   therefore composited onto white. An alpha channel that is opaque
 *   everywhere does not count.
 */
gboolean
inb_keyframe_get_had_alpha (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), FALSE);
  return self->had_alpha;
}

guint
inb_keyframe_get_orientation (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), 1);
  return self->orientation;
}

/**
 * inb_keyframe_get_image:
 *
 * Returns: (transfer none): the decoded pixels, RGB, oriented, flattened
 */
InbImage *
inb_keyframe_get_image (InbKeyframe *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  return self->image;
}

gboolean
inb_keyframe_aspect_differs (InbKeyframe *a,
                             InbKeyframe *b)
{
  double ra, rb;

  g_return_val_if_fail (INB_IS_KEYFRAME (a), FALSE);
  g_return_val_if_fail (INB_IS_KEYFRAME (b), FALSE);

  ra = (double) inb_keyframe_get_width (a) / inb_keyframe_get_height (a);
  rb = (double) inb_keyframe_get_width (b) / inb_keyframe_get_height (b);

  return fabs (ra - rb) > 0.01 * MAX (ra, rb);
}

/* ------------------------------------------------------------------ */
/* Normalising                                                         */

static GdkPixbuf *
scale_to (GdkPixbuf *src,
          guint      width,
          guint      height)
{
  GdkPixbuf *scaled;

  if ((guint) gdk_pixbuf_get_width (src) == width && (guint) gdk_pixbuf_get_height (src) == height)
    return g_object_ref (src);

  /* BILINEAR averages over the source footprint when shrinking (HYPER
   * is deprecated and no better). */
  scaled = gdk_pixbuf_scale_simple (src, width, height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    g_error ("Out of memory scaling a keyframe to %u × %u", width, height);

  return scaled;
}

static void
blit (InbImage  *dst,
      GdkPixbuf *src,
      guint      x,
      guint      y)
{
  guint width = gdk_pixbuf_get_width (src);
  guint height = gdk_pixbuf_get_height (src);
  gsize rowstride = gdk_pixbuf_get_rowstride (src);
  const guint8 *s = gdk_pixbuf_read_pixels (src);
  guint8 *d = inb_image_get_data_mut (dst);
  gsize stride = inb_image_get_stride (dst);
  guint row;

  g_assert (!gdk_pixbuf_get_has_alpha (src));
  g_assert (x + width <= inb_image_get_width (dst));
  g_assert (y + height <= inb_image_get_height (dst));

  for (row = 0; row < height; row++)
    memcpy (d + (y + row) * stride + (gsize) x * 3, s + row * rowstride, (gsize) width * 3);
}

static guint
round_clamped (double value,
               guint  max)
{
  long r = lround (value);

  return (guint) CLAMP (r, 1, (long) max);
}

/**
 * inb_keyframe_normalise:
 * @width: target width, > 0
 * @height: target height, > 0
 * @fit: how to reconcile differing aspect ratios
 *
 * %INB_FIT_CROP crops the source centrally to the target's aspect ratio,
 * then scales (the same crop rounding as ComfyUI's `common_upscale
 * (crop="center")`, used by WanFirstLastFrameToVideo). %INB_FIT_PAD scales
 * the whole image to fit and centres it between black bars.
 * %INB_FIT_STRETCH scales each axis independently. When the size already
 * matches, the keyframe's own pixels are returned unchanged.
 *
 * Returns: (transfer full): a new (or shared, immutable) RGB image of
 *   exactly @width × @height
 */
InbImage *
inb_keyframe_normalise (InbKeyframe *self,
                        guint        width,
                        guint        height,
                        InbFit       fit)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  InbImage *out;
  guint src_w, src_h;

  g_return_val_if_fail (INB_IS_KEYFRAME (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (width <= MAX_NORMALISED && height <= MAX_NORMALISED, NULL);
  g_return_val_if_fail (fit == INB_FIT_CROP || fit == INB_FIT_PAD || fit == INB_FIT_STRETCH, NULL);

  src_w = inb_image_get_width (self->image);
  src_h = inb_image_get_height (self->image);

  if (src_w == width && src_h == height)
    return inb_image_ref (self->image);

  switch (fit)
    {
    case INB_FIT_CROP:
      {
        g_autoptr(GdkPixbuf) sub = NULL;
        double old_aspect = (double) src_w / src_h;
        double new_aspect = (double) width / height;
        guint cx = 0, cy = 0;

        if (old_aspect > new_aspect)
          cx = (guint) lround ((src_w - src_w * (new_aspect / old_aspect)) / 2.0);
        else if (old_aspect < new_aspect)
          cy = (guint) lround ((src_h - src_h * (old_aspect / new_aspect)) / 2.0);

        /* Keep at least one pixel for absurd aspect ratios. */
        cx = MIN (cx, (src_w - 1) / 2);
        cy = MIN (cy, (src_h - 1) / 2);

        sub = gdk_pixbuf_new_subpixbuf (self->pixbuf, cx, cy, src_w - 2 * cx, src_h - 2 * cy);
        scaled = scale_to (sub, width, height);
        out = inb_image_new (width, height);
        blit (out, scaled, 0, 0);
      }
      break;

    case INB_FIT_PAD:
      {
        guint w, h;

        if ((guint64) src_w * height > (guint64) width * src_h)
          {
            w = width;
            h = round_clamped ((double) src_h * width / src_w, height);
          }
        else
          {
            h = height;
            w = round_clamped ((double) src_w * height / src_h, width);
          }

        scaled = scale_to (self->pixbuf, w, h);
        out = inb_image_new (width, height);  /* zero-filled: black bars */
        blit (out, scaled, (width - w) / 2, (height - h) / 2);
      }
      break;

    case INB_FIT_STRETCH:
    default:
      scaled = scale_to (self->pixbuf, width, height);
      out = inb_image_new (width, height);
      blit (out, scaled, 0, 0);
      break;
    }

  return out;
}

const char *
inb_fit_to_string (InbFit fit)
{
  switch (fit)
    {
    case INB_FIT_CROP:
      return "crop";
    case INB_FIT_PAD:
      return "pad";
    case INB_FIT_STRETCH:
      return "stretch";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
inb_fit_from_string (const char *text,
                     InbFit     *fit)
{
  static const struct { const char *name; InbFit fit; } fits[] = {
    { "crop", INB_FIT_CROP },
    { "pad", INB_FIT_PAD },
    { "stretch", INB_FIT_STRETCH },
  };
  guint i;

  g_return_val_if_fail (fit != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (fits); i++)
    {
      if (g_str_equal (text, fits[i].name))
        {
          *fit = fits[i].fit;
          return TRUE;
        }
    }

  return FALSE;
}
