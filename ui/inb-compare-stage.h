/* inb-compare-stage.h — two takes drawn side by side or split by a wipe
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

#include "inb-playback-sync.h"

G_BEGIN_DECLS

typedef enum
{
  INB_COMPARE_MODE_SIDE_BY_SIDE,
  INB_COMPARE_MODE_SPLIT,
} InbCompareMode;

#define INB_TYPE_COMPARE_STAGE (inb_compare_stage_get_type ())

G_DECLARE_FINAL_TYPE (InbCompareStage, inb_compare_stage, INB, COMPARE_STAGE, GtkWidget)

GtkWidget      *inb_compare_stage_new              (void);
void            inb_compare_stage_set_sync         (InbCompareStage       *self,
                                                    InbPlaybackSync       *sync);
InbCompareMode  inb_compare_stage_get_mode         (InbCompareStage       *self);
void            inb_compare_stage_set_mode         (InbCompareStage       *self,
                                                    InbCompareMode         mode);
double          inb_compare_stage_get_split        (InbCompareStage       *self);
void            inb_compare_stage_set_split        (InbCompareStage       *self,
                                                    double                 split);
void            inb_compare_stage_set_caption      (InbCompareStage       *self,
                                                    InbSide                side,
                                                    const char            *title,
                                                    const char            *readout);
const char     *inb_compare_stage_get_title        (InbCompareStage       *self,
                                                    InbSide                side);
const char     *inb_compare_stage_get_readout      (InbCompareStage       *self,
                                                    InbSide                side);
gboolean        inb_compare_stage_get_stacked      (InbCompareStage       *self);
gboolean        inb_compare_stage_get_picture_rect (InbCompareStage       *self,
                                                    InbSide                side,
                                                    graphene_rect_t       *rect);
GtkWidget      *inb_compare_stage_get_handle       (InbCompareStage       *self);
GdkTexture     *inb_compare_stage_get_drawn        (InbCompareStage       *self,
                                                    InbSide                side);

G_END_DECLS
