/* inb-wrap-box.h — children side by side where they fit, stacked where not
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INB_TYPE_WRAP_BOX (inb_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (InbWrapBox, inb_wrap_box, INB, WRAP_BOX, GtkWidget)

/**
 * InbWrapBox:
 *
 * Lays its children (<child> in a .ui) out in one row, each at its
 * natural width, when the row fits the width it is given; otherwise one
 * under the other, each as wide as the box. GTK 4.8 has no breakpoints:
 * the take's buttons were two rows at every width to fit 360 px, and
 * left half a wide pane empty. Children keep their order, for the eye
 * and for Tab alike.
 */
GtkWidget *inb_wrap_box_new (void);

G_END_DECLS
