/* inb-a11y.h — accessible names that read once
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void inb_a11y_tidy              (GtkWidget   *root);
void inb_a11y_name_from_label   (GtkWidget   *button);
void inb_a11y_name_drop_down    (GtkDropDown   *drop_down,
                                 const char    *name);
void inb_a11y_name_menu_button  (GtkMenuButton *button,
                                 const char    *name);
void inb_a11y_name_lists        (GtkWidget     *root,
                                 const char    *name);
void inb_a11y_name_toasts       (AdwToastOverlay *overlay);
void inb_a11y_describe_by_subtitle (AdwActionRow *row,
                                    GtkWidget    *widget);

G_END_DECLS
