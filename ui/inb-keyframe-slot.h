/* inb-keyframe-slot.h — one keyframe: drop, paste or open an image
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "inb-keyframe.h"

G_BEGIN_DECLS

#define INB_TYPE_KEYFRAME_SLOT (inb_keyframe_slot_get_type ())

G_DECLARE_FINAL_TYPE (InbKeyframeSlot, inb_keyframe_slot, INB, KEYFRAME_SLOT, GtkWidget)

GtkWidget   *inb_keyframe_slot_new           (const char      *title);
const char  *inb_keyframe_slot_get_title     (InbKeyframeSlot *self);
InbKeyframe *inb_keyframe_slot_get_keyframe  (InbKeyframeSlot *self);
GdkTexture  *inb_keyframe_slot_get_texture   (InbKeyframeSlot *self);
gboolean     inb_keyframe_slot_get_loading   (InbKeyframeSlot *self);
const char  *inb_keyframe_slot_get_error     (InbKeyframeSlot *self);
const char  *inb_keyframe_slot_get_notice    (InbKeyframeSlot *self);
void         inb_keyframe_slot_load_file     (InbKeyframeSlot *self,
                                              GFile           *file);
void         inb_keyframe_slot_load_uri      (InbKeyframeSlot *self,
                                              const char      *uri);
void         inb_keyframe_slot_load_texture  (InbKeyframeSlot *self,
                                              GdkTexture      *texture);
gboolean     inb_keyframe_slot_load_value    (InbKeyframeSlot *self,
                                              const GValue    *value);
void         inb_keyframe_slot_clear         (InbKeyframeSlot *self);
GPtrArray   *inb_keyframe_slot_dup_image     (InbKeyframeSlot *self);
void         inb_keyframe_slot_restore_image (InbKeyframeSlot *self,
                                              GPtrArray       *image);
void         inb_keyframe_slot_swap          (InbKeyframeSlot *self,
                                              InbKeyframeSlot *other);
void         inb_keyframe_slot_set_notice    (InbKeyframeSlot *self,
                                              const char      *notice);
void         inb_keyframe_slot_set_extra     (InbKeyframeSlot *self,
                                              GtkWidget       *extra);

G_END_DECLS
