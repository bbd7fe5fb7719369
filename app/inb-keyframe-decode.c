/* inb-keyframe-decode.c — one keyframe's bytes decoded, checked whole, oriented and packed
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
 * How a keyframe is read (see R16/R17 in research/reliability.md and
 * issue 13 items 2 and 9):
 *
 *  1. The source is resolved to bytes (inb-keyframe.c): a local path that
 *     is a regular file (a FIFO, a device or a link to one is refused
 *     without being read), a file:// URI or the payload of a data: URI,
 *     at most INB_KEYFRAME_MAX_FILE_BYTES. Remote schemes are refused.
 *  2. The bytes are sniffed by their magic. Only PNG, JPEG, WebP and BMP
 *     go further; anything else is refused by what it looks like, whatever
 *     its name says. The decoder is chosen by that content.
 *  3. The size the header declares is checked before any decoder sees a
 *     byte (inb-keyframe-sniff.c), and again in the gdk-pixbuf loader's
 *     "size-prepared" signal (asking for 0×0 makes it stop before
 *     allocating).
 *  4. gdk-pixbuf returns a partial image without an error when a file
 *     holds less picture than its header promises — truncated, or whole
 *     but short (a PNG whose IDAT ends early decodes to the loader's grey
 *     fill, a JPEG with an EOI put back after a cut decodes to grey
 *     blocks) — and its area-updated signal cannot tell (it reports the
 *     whole image for interlaced PNG, JPEG and WebP). So completeness is
 *     checked per format (inb-keyframe-formats.c): PNG's image data is
 *     inflated and counted against what its header needs, JPEG is
 *     entropy-decoded by libjpeg with its "premature end" warnings caught,
 *     WebP is decoded by libwebp itself (which says NOT_ENOUGH_DATA), and
 *     BMP must update every row.
 *  5. EXIF orientation is applied; transparency is composited onto white
 *     (what people expect of transparent artwork, and what an image
 *     viewer shows on a light theme); pixels are packed into an InbImage.
 */

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

static void
decode_clear (Decode *d)
{
  if (d->loader != NULL && !d->closed)
    {
      g_autoptr(GError) ignored = NULL;

      d->closed = TRUE;
      gdk_pixbuf_loader_close (d->loader, &ignored);
    }
  if (d->loader != NULL)
    g_signal_handlers_disconnect_by_data (d->loader, d);
  g_clear_object (&d->loader);
  g_clear_pointer (&d->rows, g_free);
}

void
_inb_keyframe_set_corrupt_error (GError     **error,
                                 const char  *name)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT,
               _("“%s” is damaged and cannot be decoded."), name);
}

void
_inb_keyframe_set_truncated_error (GError     **error,
                                   const char  *name)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_CORRUPT,
               _("“%s” is incomplete: the file holds less of the image than its header says."), name);
}

/* The loader's verdict after a write or the close. */
static gboolean
decode_check (Decode        *d,
              gboolean       ok,
              const GError  *loader_error,
              GError       **error)
{
  if (d->too_large)
    {
      _inb_keyframe_set_too_large_error (error, d->name, d->width, d->height);
      return FALSE;
    }
  if (!ok || d->bad_size)
    {
      g_debug ("%s: %s", d->name, loader_error ? loader_error->message : "zero-sized image");
      _inb_keyframe_set_corrupt_error (error, d->name);
      return FALSE;
    }
  return TRUE;
}

/* PNG, JPEG and BMP through gdk-pixbuf, fed in chunks so that a
 * cancellation or the size check stops it early. */
static GdkPixbuf *
decode_with_loader (Decode        *d,
                    const guint8  *data,
                    gsize          len,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  d->loader = gdk_pixbuf_loader_new_with_type (d->format, &local_error);
  if (d->loader == NULL)
    {
      g_debug ("No gdk-pixbuf loader for %s: %s", d->format, local_error->message);
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_UNSUPPORTED,
                   _("“%s” cannot be opened: support for %s images is not installed."),
                   d->name, d->format);
      return NULL;
    }

  g_signal_connect (d->loader, "size-prepared", G_CALLBACK (decode_size_prepared_cb), d);
  g_signal_connect (d->loader, "area-updated", G_CALLBACK (decode_area_updated_cb), d);

  for (gsize offset = 0; offset < len; offset += INB_KEYFRAME_READ_CHUNK)
    {
      gsize n = MIN (len - offset, INB_KEYFRAME_READ_CHUNK);

      ok = gdk_pixbuf_loader_write (d->loader, data + offset, n, &local_error);
      if (!ok)
        d->closed = TRUE;  /* a failed write closes the loader */
      if (!decode_check (d, ok, local_error, error))
        return NULL;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  d->closed = TRUE;
  ok = gdk_pixbuf_loader_close (d->loader, &local_error);
  if (!decode_check (d, ok, local_error, error))
    return NULL;

  if (!d->size_seen || gdk_pixbuf_loader_get_pixbuf (d->loader) == NULL)
    {
      _inb_keyframe_set_corrupt_error (error, d->name);
      return NULL;
    }

  if (d->rows != NULL)
    {
      for (guint i = 0; i < d->height; i++)
        if (d->rows[i] == 0)
          {
            _inb_keyframe_set_truncated_error (error, d->name);
            return NULL;
          }
    }

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (d->loader));
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

/* The keyframe of a complete decoded picture: oriented, flattened, packed. */
static InbKeyframe *
keyframe_from_pixbuf (GdkPixbuf   *decoded,
                      const char  *name,
                      const char  *format,
                      GError     **error)
{
  g_autoptr(InbKeyframe) self = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;

  if (gdk_pixbuf_get_bits_per_sample (decoded) != 8 ||
      gdk_pixbuf_get_colorspace (decoded) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_n_channels (decoded) != (gdk_pixbuf_get_has_alpha (decoded) ? 4 : 3))
    {
      _inb_keyframe_set_corrupt_error (error, name);
      return NULL;
    }

  self = g_object_new (INB_TYPE_KEYFRAME, NULL);
  self->display_name = g_strdup (name);
  self->format = format;
  self->orientation = parse_orientation (decoded);

  oriented = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (oriented == NULL)
    {
      _inb_keyframe_set_corrupt_error (error, name);
      return NULL;
    }

  self->image = pack_pixbuf (oriented, &self->had_alpha);
  self->pixbuf = pixbuf_for_image (self->image);

  return g_steal_pointer (&self);
}

/**
 * _inb_keyframe_decode:
 * @bytes: a whole encoded image
 * @name: the name used in messages
 *
 * Steps 2–5 of the note at the top. Blocks.
 *
 * Returns: (transfer full): the keyframe, or %NULL with @error set
 */
InbKeyframe *
_inb_keyframe_decode (GBytes        *bytes,
                      const char    *name,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GdkPixbuf) decoded = NULL;
  const char *looks_like = NULL;
  const guint8 *data;
  const char *format;
  Decode d = { 0 };
  guint width, height;
  gsize len;

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_EMPTY,
                   _("“%s” is empty (0 bytes)."), name);
      return NULL;
    }

  format = _inb_keyframe_sniff_format (data, len, &looks_like);
  if (format == NULL)
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

  if (_inb_keyframe_probe_size (data, len, format, &width, &height) &&
      !_inb_keyframe_size_allowed (width, height))
    {
      _inb_keyframe_set_too_large_error (error, name, width, height);
      return NULL;
    }

  if (g_str_equal (format, "png") && !_inb_keyframe_check_png (data, len, name, error))
    return NULL;
  if (g_str_equal (format, "jpeg") && !_inb_keyframe_check_jpeg (data, len, name, error))
    return NULL;
  if (g_str_equal (format, "bmp") && !_inb_keyframe_check_bmp (data, len, name, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (g_str_equal (format, "webp"))
    decoded = _inb_keyframe_decode_webp (data, len, name, error);
  else
    {
      d.name = name;
      d.format = format;
      decoded = decode_with_loader (&d, data, len, cancellable, error);
      decode_clear (&d);
    }
  if (decoded == NULL)
    return NULL;

  return keyframe_from_pixbuf (decoded, name, format, error);
}
