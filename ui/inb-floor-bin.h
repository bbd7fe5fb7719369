/* inb-floor-bin.h — a bin that never hands its child less than its minimum
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INB_TYPE_FLOOR_BIN (inb_floor_bin_get_type ())

G_DECLARE_FINAL_TYPE (InbFloorBin, inb_floor_bin, INB, FLOOR_BIN, AdwBin)

/**
 * InbFloorBin:
 *
 * Asks for what its child asks for, and allocates the child at least its
 * minimum size, clipping what overflows. For a pane inside an AdwFlap:
 * libadwaita 1.2 folds a flap one frame after it decides to (its zero-
 * length fold and reveal animations end on the next frame tick), and for
 * that frame it lays the panes out unfolded at the new width: the content
 * pane got 9 px for a 340 px minimum when the window went from 1100 px to
 * 360 px in one step, and GTK warned of a box of -3 px inside it.
 */
GtkWidget *inb_floor_bin_new (void);

G_END_DECLS
