/* inb-window.h
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

G_BEGIN_DECLS

#define INB_TYPE_WINDOW (inb_window_get_type ())

G_DECLARE_FINAL_TYPE (InbWindow, inb_window, INB, WINDOW, AdwApplicationWindow)

InbWindow *inb_window_new            (GtkApplication *application,
                                      GSettings      *settings);
void       inb_window_add_toast      (InbWindow      *self,
                                      AdwToast       *toast);

G_END_DECLS
