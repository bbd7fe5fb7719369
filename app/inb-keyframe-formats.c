/* inb-keyframe-formats.c — is the whole picture there: PNG, JPEG and WebP
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gdk-pixbuf reports success for a file that holds less picture than its
 * header declares (issue 13 item 9: an 8000 × 5000 PNG with a few hundred
 * bytes of IDAT decodes to its loader's grey fill). Each check here looks
 * at the data the way the format defines "all of it":
 *
 *  - PNG: the chunks are walked to IEND and the IDAT stream is inflated
 *    and counted against the filtered bytes the header needs (rows ×
 *    (1 + row bytes), per Adam7 pass when interlaced). No pixels kept.
 *  - JPEG: libjpeg entropy-decodes it at 1/8 scale (the IDCT is a single
 *    coefficient, the output a few rows) with its warnings caught: a
 *    premature end of file or of a scan's data means missing blocks.
 *  - WebP: libwebp decodes it (instead of gdk-pixbuf's loader, which
 *    accepts a truncated VP8 partition) and says NOT_ENOUGH_DATA itself.
 */
#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <zlib.h>


#include "inb-keyframe-private.h"

/* PNG ------------------------------------------------------------------ */

#define PNG_SCRATCH (32 * 1024)

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

/* Bits per pixel for a colour type and depth, 0 when libpng refuses it. */
static guint
png_bits_per_pixel (guint color_type,
                    guint depth)
{
  switch (color_type)
    {
    case 0:
      return (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16) ? depth : 0;
    case 3:
      return (depth == 1 || depth == 2 || depth == 4 || depth == 8) ? depth : 0;
    case 2:
      return (depth == 8 || depth == 16) ? 3 * depth : 0;
    case 4:
      return (depth == 8 || depth == 16) ? 2 * depth : 0;
    case 6:
      return (depth == 8 || depth == 16) ? 4 * depth : 0;
    default:
      return 0;
    }
}

/* The filtered bytes the image data must inflate to. */
static guint64
png_expected_bytes (guint64  width,
                    guint64  height,
                    guint    bpp,
                    gboolean interlaced)
{
  static const guint x0[7] = { 0, 4, 0, 2, 0, 1, 0 };
  static const guint y0[7] = { 0, 0, 4, 0, 2, 0, 1 };
  static const guint dx[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const guint dy[7] = { 8, 8, 8, 4, 4, 2, 2 };
  guint64 total = 0;

  if (!interlaced)
    return height * (1 + (width * bpp + 7) / 8);

  for (guint p = 0; p < 7; p++)
    {
      guint64 cols = width > x0[p] ? (width - x0[p] + dx[p] - 1) / dx[p] : 0;
      guint64 rows = height > y0[p] ? (height - y0[p] + dy[p] - 1) / dy[p] : 0;

      if (cols > 0 && rows > 0)
        total += rows * (1 + (cols * bpp + 7) / 8);
    }

  return total;
}

typedef struct
{
  z_stream  zs;
  gboolean  started;
  gboolean  ended;       /* the zlib stream ended, or we have all we need */
  gboolean  broken;      /* inflate failed before enough came out */
  guint64   inflated;
  guint64   expected;
  guint8   *scratch;
} PngData;

/* Inflates one IDAT's bytes, counting the output, never keeping it. */
static void
png_data_feed (PngData      *p,
               const guint8 *body,
               guint32       len)
{
  if (p->ended || p->broken)
    return;

  if (!p->started)
    {
      memset (&p->zs, 0, sizeof p->zs);
      if (inflateInit (&p->zs) != Z_OK)
        {
          p->broken = TRUE;
          return;
        }
      p->started = TRUE;
    }

  p->zs.next_in = (Bytef *) body;
  p->zs.avail_in = len;
  while (p->zs.avail_in > 0 && p->inflated < p->expected)
    {
      int ret;

      p->zs.next_out = p->scratch;
      p->zs.avail_out = PNG_SCRATCH;
      ret = inflate (&p->zs, Z_NO_FLUSH);
      p->inflated += PNG_SCRATCH - p->zs.avail_out;
      if (ret == Z_STREAM_END)
        {
          p->ended = TRUE;
          return;
        }
      if (ret != Z_OK)
        {
          /* A bad checksum after all the rows is libpng's business. */
          if (p->inflated < p->expected)
            p->broken = TRUE;
          return;
        }
    }
  if (p->inflated >= p->expected)
    p->ended = TRUE;
}

/**
 * _inb_keyframe_check_bmp:
 *
 * Returns: %FALSE (a named “damaged” error) when the DIB header's colour
 *   table cannot be: more colours than its depth tells apart, or more than
 *   the file holds. gdk-pixbuf 2.42's BMP loader reserves the table before
 *   reading it: 3.3 GB for a 718-byte file fuzz-keyframe made.
 */
gboolean
_inb_keyframe_check_bmp (const guint8  *data,
                         gsize          len,
                         const char    *name,
                         GError       **error)
{
  guint32 header_size, colours;
  guint bits;

  if (len < 14 + 40)
    return TRUE;   /* too short to say: the decoder refuses it */
  header_size = data[14] | data[15] << 8 | data[16] << 16 | (guint32) data[17] << 24;
  if (header_size < 40)
    return TRUE;   /* BITMAPCOREHEADER: no colour count */
  bits = data[28] | data[29] << 8;
  colours = data[46] | data[47] << 8 | data[48] << 16 | (guint32) data[49] << 24;
  if ((bits <= 8 && colours > (1u << bits)) || (guint64) colours * 4 > len)
    {
      _inb_keyframe_set_corrupt_error (error, name);
      return FALSE;
    }
  return TRUE;
}

/**
 * _inb_keyframe_check_png:
 *
 * Returns: %TRUE when the chunks reach IEND and the image data inflates
 *   to at least what IHDR needs; %FALSE with a named “incomplete” or
 *   “damaged” error otherwise
 */
gboolean
_inb_keyframe_check_png (const guint8  *data,
                         gsize          len,
                         const char    *name,
                         GError       **error)
{
  g_autofree guint8 *scratch = NULL;
  PngData p = { 0 };
  gboolean have_ihdr = FALSE;
  gboolean have_iend = FALSE;
  gboolean ok = TRUE;
  gsize offset = 8;

  while (offset + 12 <= len && !have_iend)
    {
      guint32 chunk_len = be32 (data + offset);
      const guint8 *type = data + offset + 4;
      const guint8 *body = data + offset + 8;

      if (chunk_len > 0x7fffffff || chunk_len > len - offset - 12)
        break;   /* cut inside this chunk */

      if (!have_ihdr)
        {
          guint bpp;

          if (memcmp (type, "IHDR", 4) != 0 || chunk_len != 13 ||
              (bpp = png_bits_per_pixel (body[9], body[8])) == 0 ||
              be32 (body) == 0 || be32 (body + 4) == 0 || body[12] > 1)
            {
              _inb_keyframe_set_corrupt_error (error, name);
              return FALSE;
            }
          have_ihdr = TRUE;
          p.expected = png_expected_bytes (be32 (body), be32 (body + 4), bpp, body[12] == 1);
          scratch = g_malloc (PNG_SCRATCH);
          p.scratch = scratch;
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        png_data_feed (&p, body, chunk_len);
      else if (memcmp (type, "IEND", 4) == 0)
        have_iend = TRUE;

      offset += 12 + (gsize) chunk_len;
    }

  if (p.started)
    inflateEnd (&p.zs);

  if (p.broken)
    {
      g_debug ("%s: the image data does not inflate (%s)", name, p.zs.msg ? p.zs.msg : "?");
      _inb_keyframe_set_corrupt_error (error, name);
      ok = FALSE;
    }
  else if (!have_iend || p.inflated < p.expected)
    {
      g_debug ("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes of image data%s",
               name, p.inflated, p.expected, have_iend ? "" : ", no IEND");
      _inb_keyframe_set_truncated_error (error, name);
      ok = FALSE;
    }

  return ok;
}

/* JPEG ----------------------------------------------------------------- */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  gboolean              incomplete;
  char                  message[JMSG_LENGTH_MAX];
} JpegCheck;

static void
jpeg_check_error_exit (j_common_ptr cinfo)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;

  cinfo->err->format_message (cinfo, check->message);
  longjmp (check->jump, 1);
}

static void
jpeg_check_emit_message (j_common_ptr cinfo,
                         int          level)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;

  if (level >= 0)
    return;   /* trace messages */

  cinfo->err->num_warnings++;
  /* "Premature end of JPEG file" (the data ran out: a fake EOI was
   * inserted) and "Corrupt JPEG data: premature end of data segment" (a
   * marker came where scan data should be): blocks are missing. */
  if (cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JWRN_HIT_MARKER)
    check->incomplete = TRUE;
}

static void
jpeg_check_output_message (j_common_ptr cinfo)
{
  /* libjpeg prints to stderr by default: never */
}

/* Kept out of the function with the setjmp, so no local is clobbered. */
static gboolean
jpeg_check_run (struct jpeg_decompress_struct *cinfo,
                JpegCheck                     *check)
{
  JSAMPARRAY row;

  jpeg_read_header (cinfo, TRUE);
  if (!_inb_keyframe_size_allowed (cinfo->image_width, cinfo->image_height))
    return FALSE;

  cinfo->scale_num = 1;
  cinfo->scale_denom = 8;
  cinfo->dct_method = JDCT_IFAST;
  cinfo->do_fancy_upsampling = FALSE;
  cinfo->do_block_smoothing = FALSE;
  jpeg_start_decompress (cinfo);

  row = cinfo->mem->alloc_sarray ((j_common_ptr) cinfo, JPOOL_IMAGE,
                                  cinfo->output_width * cinfo->output_components, 1);
  while (cinfo->output_scanline < cinfo->output_height && !check->incomplete)
    jpeg_read_scanlines (cinfo, row, 1);
  if (!check->incomplete)
    jpeg_finish_decompress (cinfo);

  return TRUE;
}

/**
 * _inb_keyframe_check_jpeg:
 *
 * Returns: %TRUE when libjpeg reads every block up to the end of the
 *   image without running out of data
 */
gboolean
_inb_keyframe_check_jpeg (const guint8  *data,
                          gsize          len,
                          const char    *name,
                          GError       **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegCheck check;
  gboolean size_ok = TRUE;

  memset (&cinfo, 0, sizeof cinfo);
  memset (&check, 0, sizeof check);
  cinfo.err = jpeg_std_error (&check.pub);
  check.pub.error_exit = jpeg_check_error_exit;
  check.pub.emit_message = jpeg_check_emit_message;
  check.pub.output_message = jpeg_check_output_message;

  if (setjmp (check.jump) != 0)
    {
      jpeg_destroy_decompress (&cinfo);
      g_debug ("%s: %s", name, check.message);
      if (check.incomplete)
        _inb_keyframe_set_truncated_error (error, name);
      else
        _inb_keyframe_set_corrupt_error (error, name);
      return FALSE;
    }

  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, len);
  size_ok = jpeg_check_run (&cinfo, &check);
  jpeg_destroy_decompress (&cinfo);

  if (!size_ok)
    {
      /* the header says more than its SOF did to our own probe */
      _inb_keyframe_set_corrupt_error (error, name);
      return FALSE;
    }
  if (check.incomplete)
    {
      _inb_keyframe_set_truncated_error (error, name);
      return FALSE;
    }

  return TRUE;
}

/* WebP ----------------------------------------------------------------- */

static void
set_webp_error (GError      **error,
                const char   *name,
                VP8StatusCode status)
{
  g_debug ("%s: libwebp status %d", name, status);
  if (status == VP8_STATUS_NOT_ENOUGH_DATA)
    _inb_keyframe_set_truncated_error (error, name);
  else
    _inb_keyframe_set_corrupt_error (error, name);
}

/* An animation's first frame, as gdk-pixbuf's loader gave it. */
static GdkPixbuf *
decode_webp_animation (const guint8  *data,
                       gsize          len,
                       const char    *name,
                       GError       **error)
{
  WebPData webp = { data, len };
  WebPAnimDecoderOptions options;
  WebPAnimDecoder *decoder;
  WebPAnimInfo info;
  GdkPixbuf *pixbuf = NULL;
  uint8_t *canvas = NULL;
  int timestamp;

  if (!WebPAnimDecoderOptionsInit (&options))
    {
      _inb_keyframe_set_corrupt_error (error, name);
      return NULL;
    }
  options.color_mode = MODE_RGBA;
  options.use_threads = 0;

  decoder = WebPAnimDecoderNew (&webp, &options);
  if (decoder == NULL)
    {
      /* a whole file is needed to demux: a cut one is refused here */
      _inb_keyframe_set_corrupt_error (error, name);
      return NULL;
    }

  if (!WebPAnimDecoderGetInfo (decoder, &info) ||
      !_inb_keyframe_size_allowed (info.canvas_width, info.canvas_height) ||
      !WebPAnimDecoderGetNext (decoder, &canvas, &timestamp))
    _inb_keyframe_set_corrupt_error (error, name);
  else
    {
      GBytes *bytes = g_bytes_new (canvas, (gsize) info.canvas_width * 4 * info.canvas_height);

      pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, TRUE, 8,
                                          info.canvas_width, info.canvas_height,
                                          info.canvas_width * 4);
      g_bytes_unref (bytes);
    }

  WebPAnimDecoderDelete (decoder);
  return pixbuf;
}

/**
 * _inb_keyframe_decode_webp:
 *
 * Decodes a WebP with libwebp: the size is checked from its features
 * before anything is allocated, and a file that ends before its picture
 * does is refused (VP8_STATUS_NOT_ENOUGH_DATA).
 *
 * Returns: (transfer full): RGB or RGBA pixels, or %NULL with @error set
 */
GdkPixbuf *
_inb_keyframe_decode_webp (const guint8  *data,
                           gsize          len,
                           const char    *name,
                           GError       **error)
{
  WebPDecoderConfig config;
  VP8StatusCode status;
  GBytes *bytes;
  GdkPixbuf *pixbuf;
  gsize size;
  int stride;

  if (!WebPInitDecoderConfig (&config))
    {
      _inb_keyframe_set_corrupt_error (error, name);
      return NULL;
    }

  status = WebPGetFeatures (data, len, &config.input);
  if (status != VP8_STATUS_OK)
    {
      set_webp_error (error, name, status);
      return NULL;
    }
  if (!_inb_keyframe_size_allowed (config.input.width, config.input.height))
    {
      _inb_keyframe_set_too_large_error (error, name, config.input.width, config.input.height);
      return NULL;
    }
  if (config.input.has_animation)
    return decode_webp_animation (data, len, name, error);

  config.output.colorspace = config.input.has_alpha ? MODE_RGBA : MODE_RGB;
  status = WebPDecode (data, len, &config);
  if (status != VP8_STATUS_OK)
    {
      WebPFreeDecBuffer (&config.output);
      set_webp_error (error, name, status);
      return NULL;
    }

  stride = config.output.u.RGBA.stride;
  size = config.output.u.RGBA.size;
  bytes = g_bytes_new_with_free_func (config.output.u.RGBA.rgba, size,
                                      (GDestroyNotify) WebPFree, config.output.u.RGBA.rgba);
  pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, config.input.has_alpha, 8,
                                      config.output.width, config.output.height, stride);
  g_bytes_unref (bytes);

  return pixbuf;
}
