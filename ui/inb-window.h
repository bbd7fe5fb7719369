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

#include "inb-application.h"
#include "inb-job-queue.h"
#include "inb-library.h"
#include "inb-keyframe-slot.h"
#include "inb-param-panel.h"
#include "inb-player.h"

G_BEGIN_DECLS

#define INB_TYPE_WINDOW (inb_window_get_type ())

G_DECLARE_FINAL_TYPE (InbWindow, inb_window, INB, WINDOW, AdwApplicationWindow)

InbWindow       *inb_window_new                (InbApplication *application);
void             inb_window_adopt_jobs         (InbWindow      *self,
                                                GPtrArray      *jobs);
gboolean         inb_window_select_model       (InbWindow      *self,
                                                const char     *backend_id,
                                                const char     *model_id);
/* A workflow of the user's own, imported as a model (inb-window-workflow.c) */
gboolean         inb_window_import_workflow    (InbWindow      *self,
                                                GFile          *file,
                                                const char     *backend_id);
GtkWidget       *inb_window_get_workflow_dialog (InbWindow     *self);
GtkWidget       *inb_window_show_preferences   (InbWindow      *self,
                                                const char     *provider);
void             inb_window_report_resumed     (InbWindow      *self,
                                                GPtrArray      *entries);
void             inb_window_report_library     (InbWindow      *self,
                                                const InbLibraryReport *report);

G_END_DECLS
