/* inb-image.h — an immutable, reference-counted RGB image
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define INB_TYPE_IMAGE (inb_image_get_type ())

/**
 * InbImage:
 *
 * Packed 8-bit RGB pixels (3 bytes per pixel, no alpha), rows @stride
 * bytes apart. Frames handed between keyframe import, the engine and the
 * video writer are all InbImages: they are immutable once shared, so any
 * thread may read them.
 */
typedef struct _InbImage InbImage;

GType        inb_image_get_type      (void) G_GNUC_CONST;
InbImage    *inb_image_new           (guint           width,
                                      guint           height);
InbImage    *inb_image_new_for_bytes (GBytes         *bytes,
                                      guint           width,
                                      guint           height,
                                      gsize           stride);
InbImage    *inb_image_ref           (InbImage       *self);
void         inb_image_unref         (InbImage       *self);
guint        inb_image_get_width     (const InbImage *self);
guint        inb_image_get_height    (const InbImage *self);
gsize        inb_image_get_stride    (const InbImage *self);
const guint8*inb_image_get_data      (const InbImage *self);
guint8      *inb_image_get_data_mut  (InbImage       *self);
GBytes      *inb_image_get_bytes     (const InbImage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbImage, inb_image_unref)

G_END_DECLS
