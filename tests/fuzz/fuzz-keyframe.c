/* fuzz-keyframe.c — the keyframe loader: sniffing, the header size probe,
 * the completeness checks and the decode, then framing to a size
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The probe, the PNG and JPEG checks run on every input; the full decode
 * (gdk-pixbuf or libwebp, then orientation, flattening and the three fit
 * policies) only for images that declare at most 2 megapixels, so that
 * each execution stays in the millisecond range — large sizes are the
 * probe's and the checks' business, and those run whatever the size.
 */
#include "config.h"

#include "inb-keyframe-private.h"
#include "inb-fuzz.h"

#define DECODE_MAX_PIXELS (2 * 1000 * 1000)

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GError) error = NULL;
  const char *looks_like = NULL;
  const char *format;
  guint width = 0, height = 0;
  gboolean probed;

  inb_fuzz_init ();
  if (size > 4 * 1024 * 1024)
    return 0;

  format = _inb_keyframe_sniff_format (data, size, &looks_like);
  if (format == NULL)
    return 0;

  probed = _inb_keyframe_probe_size (data, size, format, &width, &height);
  if (g_str_equal (format, "png"))
    _inb_keyframe_check_png (data, size, "fuzz.png", NULL);
  if (g_str_equal (format, "bmp"))
    _inb_keyframe_check_bmp (data, size, "fuzz.bmp", NULL);
  if (g_str_equal (format, "jpeg") && (!probed || _inb_keyframe_size_allowed (width, height)))
    _inb_keyframe_check_jpeg (data, size, "fuzz.jpg", NULL);

  if (probed && (guint64) width * height > DECODE_MAX_PIXELS)
    return 0;

  bytes = g_bytes_new (data, size);
  keyframe = inb_keyframe_load_bytes (bytes, "fuzz", NULL, &error);
  if (keyframe == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == INB_KEYFRAME_ERROR);
      return 0;
    }

  g_assert_cmpuint (inb_keyframe_get_width (keyframe), >, 0);
  g_assert_cmpuint (inb_keyframe_get_height (keyframe), >, 0);
  g_assert_true (_inb_keyframe_size_allowed (inb_keyframe_get_width (keyframe),
                                             inb_keyframe_get_height (keyframe)));
  for (InbFit fit = INB_FIT_CROP; fit <= INB_FIT_STRETCH; fit++)
    {
      g_autoptr(InbImage) framed = inb_keyframe_normalise (keyframe, 48, 32, fit);

      g_assert_cmpuint (inb_image_get_width (framed), ==, 48);
      g_assert_cmpuint (inb_image_get_height (framed), ==, 32);
    }

  return 0;
}
