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
#include "inb-keyframe-slot.h"
#include "inb-param-panel.h"
#include "inb-player.h"

G_BEGIN_DECLS

#define INB_TYPE_WINDOW (inb_window_get_type ())

G_DECLARE_FINAL_TYPE (InbWindow, inb_window, INB, WINDOW, AdwApplicationWindow)

InbWindow       *inb_window_new                (InbApplication *application);
void             inb_window_adopt_jobs         (InbWindow      *self,
                                                GPtrArray      *jobs);
void             inb_window_add_toast          (InbWindow      *self,
                                                AdwToast       *toast);
gboolean         inb_window_select_model       (InbWindow      *self,
                                                const char     *backend_id,
                                                const char     *model_id);
InbKeyframeSlot *inb_window_get_first_slot     (InbWindow      *self);
InbKeyframeSlot *inb_window_get_last_slot      (InbWindow      *self);
InbParamPanel   *inb_window_get_param_panel    (InbWindow      *self);
InbPlayer       *inb_window_get_player         (InbWindow      *self);
InbJobQueue     *inb_window_get_job_queue      (InbWindow      *self);
GtkWidget       *inb_window_get_generate_button(InbWindow      *self);
GtkWidget       *inb_window_get_jobs_list      (InbWindow      *self);
void             inb_window_set_prompt         (InbWindow      *self,
                                                const char     *prompt);
gboolean         inb_window_get_can_generate   (InbWindow      *self);
const char      *inb_window_get_generate_problem (InbWindow    *self);
/* The problem shown after Generate (e.g. no API key), or %NULL */
const char      *inb_window_get_key_problem    (InbWindow      *self);
GtkWidget       *inb_window_get_key_button     (InbWindow      *self);
GtkWidget       *inb_window_show_preferences   (InbWindow      *self,
                                                const char     *provider);
void             inb_window_report_resumed     (InbWindow      *self,
                                                GPtrArray      *entries);
const char      *inb_window_get_resume_details (InbWindow      *self);

G_END_DECLS
