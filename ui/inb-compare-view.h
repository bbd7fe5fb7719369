/* inb-compare-view.h — two takes compared: side by side or split, in lock-step
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

#include "inb-compare-stage.h"
#include "inb-playback-sync.h"

G_BEGIN_DECLS

#define INB_TYPE_COMPARE_VIEW (inb_compare_view_get_type ())

G_DECLARE_FINAL_TYPE (InbCompareView, inb_compare_view, INB, COMPARE_VIEW, GtkWidget)

GtkWidget       *inb_compare_view_new        (void);
void             inb_compare_view_set_clips  (InbCompareView *self,
                                              GFile          *a,
                                              const char     *label_a,
                                              GFile          *b,
                                              const char     *label_b);
GFile           *inb_compare_view_get_file   (InbCompareView *self,
                                              InbSide         side);
const char      *inb_compare_view_get_label  (InbCompareView *self,
                                              InbSide         side);
void             inb_compare_view_swap       (InbCompareView *self);
const char      *inb_compare_view_get_mode   (InbCompareView *self);
void             inb_compare_view_set_mode   (InbCompareView *self,
                                              const char     *mode);
InbPlaybackSync *inb_compare_view_get_sync   (InbCompareView *self);
InbCompareStage *inb_compare_view_get_stage  (InbCompareView *self);
const char      *inb_compare_view_get_note   (InbCompareView *self);

G_END_DECLS
