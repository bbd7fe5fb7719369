/* inb-take-row.h — one take in the library
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "inb-session.h"
#include "inb-take-entry.h"
#include "inb-thumbnail-cache.h"

G_BEGIN_DECLS

#define INB_TYPE_TAKE_ROW (inb_take_row_get_type ())

G_DECLARE_FINAL_TYPE (InbTakeRow, inb_take_row, INB, TAKE_ROW, AdwBin)

/**
 * InbTakeRow:
 *
 * Thumbnail (decoded through @cache while the row is in view), title, age,
 * prompt, a state badge with progress, stage or reason, the fidelity
 * badge, backend and model, a star, Cancel while it runs and the take's
 * menu. The clip can be dragged out. Emits "star-toggled" and
 * "menu-requested" (before its menu opens: the row's take becomes the
 * one the menu acts on).
 */
GtkWidget    *inb_take_row_new          (InbSession        *session,
                                         InbThumbnailCache *cache,
                                         GMenuModel        *menu);
void          inb_take_row_set_entry    (InbTakeRow        *self,
                                         InbTakeEntry      *entry);
InbTakeEntry *inb_take_row_get_entry    (InbTakeRow        *self);
/* Variations: its place among the takes made with it (0: none) */
void          inb_take_row_set_group    (InbTakeRow        *self,
                                         guint              index,
                                         guint              count);
/* Everything, the age ("3 min ago") with it, is read again */
void          inb_take_row_tick         (InbTakeRow        *self);
gboolean      inb_take_row_refresh_age  (InbTakeRow        *self);
/* Ctrl+clicked: the take to compare with the selected one (B) */
void          inb_take_row_set_picked   (InbTakeRow        *self,
                                         gboolean           picked);
/* In view (mapped: GtkListView maps the rows it shows): only then is
 * its thumbnail decoded */
gboolean      inb_take_row_get_in_view  (InbTakeRow        *self);

/* For tests */
GtkLabel     *inb_take_row_get_badge    (InbTakeRow        *self);
GtkLabel     *inb_take_row_get_status   (InbTakeRow        *self);
GtkLabel     *inb_take_row_get_fidelity (InbTakeRow        *self);
GtkWidget    *inb_take_row_get_cancel_button (InbTakeRow   *self);
GtkWidget    *inb_take_row_get_star_button (InbTakeRow     *self);
gboolean      inb_take_row_has_thumbnail (InbTakeRow       *self);
const char   *inb_take_row_get_tip      (InbTakeRow        *self,
                                         GtkWidget         *widget);

G_END_DECLS
