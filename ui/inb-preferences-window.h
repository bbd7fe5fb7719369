/* inb-preferences-window.h
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

#include "inb-session.h"

G_BEGIN_DECLS

#define INB_TYPE_PREFERENCES_WINDOW (inb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (InbPreferencesWindow, inb_preferences_window, INB, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *inb_preferences_window_new              (InbSession           *session);
/* Shows the page of @provider (a backend id). */
void       inb_preferences_window_show_provider    (InbPreferencesWindow *self,
                                                    const char           *provider);
/* For tests: the key row of @provider; the source shown for its key
 * (updated when a lookup, store or clear finishes, see ::key-changed);
 * whether the session-only banner is revealed. */
AdwPasswordEntryRow *inb_preferences_window_get_key_row      (InbPreferencesWindow *self,
                                                              const char           *provider);
InbKeySource         inb_preferences_window_get_key_source   (InbPreferencesWindow *self,
                                                              const char           *provider);
gboolean             inb_preferences_window_get_banner_shown (InbPreferencesWindow *self,
                                                              const char           *provider);
/* For tests: what a server's status row says */
const char          *inb_preferences_window_get_server_status (InbPreferencesWindow *self,
                                                               const char           *provider);

G_END_DECLS
