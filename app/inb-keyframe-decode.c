/* inb-keyframe-decode.c — one keyframe stream decoded, checked complete, oriented and packed
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-keyframe-private.h"

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

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
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

  if (!_inb_keyframe_size_allowed (width, height))
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
      _inb_keyframe_set_too_large_error (error, d->name, d->width, d->height);
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

InbKeyframe *
_inb_keyframe_load_stream (GInputStream  *stream,
             const char    *name,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree guint8 *buf = g_malloc (INB_KEYFRAME_READ_CHUNK);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(InbKeyframe) self = NULL;
  const char *looks_like = NULL;
  Decode d = { 0 };
  gsize n = 0;
  gssize got;

  if (!g_input_stream_read_all (stream, buf, INB_KEYFRAME_READ_CHUNK, &n, cancellable, &local_error))
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
  d.format = _inb_keyframe_sniff_format (buf, n, &looks_like);
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

      if (_inb_keyframe_probe_webp_size (buf, n, &width, &height) && !_inb_keyframe_size_allowed (width, height))
        {
          _inb_keyframe_set_too_large_error (error, name, width, height);
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

      got = g_input_stream_read (stream, buf, INB_KEYFRAME_READ_CHUNK, cancellable, &local_error);
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
        _inb_keyframe_set_too_large_error (error, name, d.width, d.height);
      else
        {
          g_debug ("%s: %s", name, local_error->message);
          set_corrupt_error (error, name);
        }
      goto fail;
    }

  if (d.too_large)
    {
      _inb_keyframe_set_too_large_error (error, name, d.width, d.height);
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
