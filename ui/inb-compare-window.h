/* inb-compare-window.h — a window of its own for comparing two takes
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

#include <adwaita.h>

#include "inb-compare-view.h"

G_BEGIN_DECLS

#define INB_TYPE_COMPARE_WINDOW (inb_compare_window_get_type ())

G_DECLARE_FINAL_TYPE (InbCompareWindow, inb_compare_window, INB, COMPARE_WINDOW, AdwWindow)

InbCompareWindow *inb_compare_window_present  (GtkWindow        *parent,
                                               GFile            *a,
                                               const char       *label_a,
                                               GFile            *b,
                                               const char       *label_b);
InbCompareView   *inb_compare_window_get_view (InbCompareWindow *self);

G_END_DECLS
