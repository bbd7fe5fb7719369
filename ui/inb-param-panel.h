/* inb-param-panel.h — a model's parameters as rows, built from its schema
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

#include "inb-schema.h"

G_BEGIN_DECLS

#define INB_TYPE_PARAM_PANEL (inb_param_panel_get_type ())

G_DECLARE_FINAL_TYPE (InbParamPanel, inb_param_panel, INB, PARAM_PANEL, AdwBin)

GtkWidget  *inb_param_panel_new         (void);
void        inb_param_panel_set_schema  (InbParamPanel *self,
                                         InbSchema     *schema,
                                         JsonObject    *values);
JsonObject *inb_param_panel_dup_values  (InbParamPanel *self);
gboolean    inb_param_panel_get_valid   (InbParamPanel *self);
char       *inb_param_panel_dup_problem (InbParamPanel *self);
GtkWidget  *inb_param_panel_get_widget  (InbParamPanel *self,
                                         const char    *name);
GtkWidget  *inb_param_panel_get_row     (InbParamPanel *self,
                                         const char    *name);
gboolean    inb_param_panel_set_value   (InbParamPanel *self,
                                         const char    *name,
                                         JsonNode      *value);
gint64      inb_param_panel_get_seed    (InbParamPanel *self);
gboolean    inb_param_panel_get_random_seed (InbParamPanel *self);
void            inb_param_panel_set_random_seed (InbParamPanel *self,
                                                 gboolean       random);
void        inb_param_panel_roll_seed   (InbParamPanel *self);
const char *inb_param_panel_unit_label  (const char    *unit);

G_END_DECLS
