/* inb-keyframe-normalise.c — a keyframe scaled and framed to a size (crop, pad, stretch)
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-keyframe"

#include "config.h"

#include <math.h>
#include <string.h>

#include "inb-keyframe-private.h"

#define MAX_NORMALISED  16384

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
