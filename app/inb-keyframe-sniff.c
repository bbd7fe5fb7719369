/* inb-keyframe-sniff.c — what a keyframe is, by its bytes, and how large it says it is
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-keyframe-private.h"

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
const char *
_inb_keyframe_sniff_format (const guint8  *data,
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
gboolean
_inb_keyframe_probe_webp_size (const guint8 *data,
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

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

static guint
read_be16 (const guint8 *p)
{
  return ((guint) p[0] << 8) | p[1];
}

/* The frame size of the first SOF marker before any scan. */
static gboolean
probe_jpeg_size (const guint8 *data,
                 gsize         len,
                 guint        *width,
                 guint        *height)
{
  gsize i = 2;

  while (i + 4 <= len)
    {
      guint marker;

      if (data[i] != 0xff)
        return FALSE;
      if (data[i + 1] == 0xff)
        {
          i++;   /* fill byte */
          continue;
        }
      marker = data[i + 1];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        {
          i += 2;
          continue;
        }
      if (marker == 0xd9 || marker == 0xda)
        return FALSE;
      if ((marker >= 0xc0 && marker <= 0xcf) && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (i + 9 > len)
            return FALSE;
          *height = read_be16 (data + i + 5);
          *width = read_be16 (data + i + 7);
          return TRUE;
        }
      i += 2 + read_be16 (data + i + 2);
    }

  return FALSE;
}

/* BITMAPCOREHEADER: 16-bit sizes; the others: 32-bit signed, a negative
 * height meaning top-down rows. */
static gboolean
probe_bmp_size (const guint8 *data,
                gsize         len,
                guint        *width,
                guint        *height)
{
  gint32 w, h;

  if (len < 26)
    return FALSE;
  if (read_le32 (data + 14) == 12)
    {
      *width = data[18] | (data[19] << 8);
      *height = data[20] | (data[21] << 8);
      return TRUE;
    }
  w = (gint32) read_le32 (data + 18);
  h = (gint32) read_le32 (data + 22);
  *width = w < 0 ? (guint) -(gint64) w : (guint) w;
  *height = h < 0 ? (guint) -(gint64) h : (guint) h;
  return TRUE;
}

/**
 * _inb_keyframe_probe_size:
 * @format: what _inb_keyframe_sniff_format() said
 *
 * Reads the size an image declares from its header alone, before any
 * decoder sees it: PNG's IHDR, JPEG's first SOF, WebP's VP8/VP8L/VP8X
 * header, BMP's DIB header.
 *
 * Returns: %FALSE when the header is not one we understand (the decoder
 *   then judges it)
 */
gboolean
_inb_keyframe_probe_size (const guint8 *data,
                          gsize         len,
                          const char   *format,
                          guint        *width,
                          guint        *height)
{
  if (g_str_equal (format, "png"))
    {
      if (len < 24 || !has_prefix (data, len, 12, "IHDR", 4))
        return FALSE;
      *width = read_be32 (data + 16);
      *height = read_be32 (data + 20);
      return TRUE;
    }
  if (g_str_equal (format, "jpeg"))
    return probe_jpeg_size (data, len, width, height);
  if (g_str_equal (format, "webp"))
    return _inb_keyframe_probe_webp_size (data, len, width, height);
  if (g_str_equal (format, "bmp"))
    return probe_bmp_size (data, len, width, height);

  return FALSE;
}

gboolean
_inb_keyframe_size_allowed (guint width,
              guint height)
{
  return width <= INB_KEYFRAME_MAX_SIDE &&
         height <= INB_KEYFRAME_MAX_SIDE &&
         (guint64) width * height <= INB_KEYFRAME_MAX_PIXELS;
}

void
_inb_keyframe_set_too_large_error (GError     **error,
                     const char  *name,
                     guint        width,
                     guint        height)
{
  g_set_error (error, INB_KEYFRAME_ERROR, INB_KEYFRAME_ERROR_TOO_LARGE,
               /* Translators: “photo.png” is 30000 × 30000 pixels; … */
               _("“%s” is %u × %u pixels; keyframes may be at most %u pixels a side and %u megapixels."),
               name, width, height, INB_KEYFRAME_MAX_SIDE, INB_KEYFRAME_MAX_PIXELS / 1000000);
}
