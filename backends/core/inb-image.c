/* inb-image.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-image"

#include "config.h"

#include "inb-image.h"

struct _InbImage
{
  gatomicrefcount  ref_count;
  guint            width;
  guint            height;
  gsize            stride;
  GBytes          *bytes;
  guint8          *data;
};

G_DEFINE_BOXED_TYPE (InbImage, inb_image, inb_image_ref, inb_image_unref)

/**
 * inb_image_new:
 *
 * Returns: (transfer full): a new zero-filled image, rows packed
 *   (stride = 3 × width).
 */
InbImage *
inb_image_new (guint width,
               guint height)
{
  gsize stride;
  gsize size;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (width <= 65536 && height <= 65536, NULL);

  stride = (gsize) width * 3;
  size = stride * height;

  return inb_image_new_for_bytes (g_bytes_new_take (g_malloc0 (size), size),
                                  width, height, stride);
}

/**
 * inb_image_new_for_bytes:
 * @bytes: (transfer full): pixel data, at least @stride × @height bytes
 *
 * Returns: (transfer full): an image viewing @bytes.
 */
InbImage *
inb_image_new_for_bytes (GBytes *bytes,
                         guint   width,
                         guint   height,
                         gsize   stride)
{
  InbImage *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (stride >= (gsize) width * 3, NULL);
  g_return_val_if_fail (g_bytes_get_size (bytes) >= stride * (height - 1) + (gsize) width * 3, NULL);

  self = g_new0 (InbImage, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->bytes = bytes;
  self->data = (guint8 *) g_bytes_get_data (bytes, NULL);

  return self;
}

InbImage *
inb_image_ref (InbImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
inb_image_unref (InbImage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->bytes);
      g_free (self);
    }
}

guint
inb_image_get_width (const InbImage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

guint
inb_image_get_height (const InbImage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

gsize
inb_image_get_stride (const InbImage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->stride;
}

const guint8 *
inb_image_get_data (const InbImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->data;
}

/**
 * inb_image_get_data_mut:
 *
 * Writable pixels, for the owner that is still filling a new image.
 * Never write to an image another thread may be reading.
 */
guint8 *
inb_image_get_data_mut (InbImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->data;
}

/**
 * inb_image_get_bytes:
 *
 * Returns: (transfer none): the bytes backing the pixels
 */
GBytes *
inb_image_get_bytes (const InbImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}
