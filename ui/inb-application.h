/* inb-application.h
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

#define INB_TYPE_APPLICATION (inb_application_get_type ())

G_DECLARE_FINAL_TYPE (InbApplication, inb_application, INB, APPLICATION, AdwApplication)

InbApplication *inb_application_new          (void);
InbSession     *inb_application_get_session  (InbApplication *self);
GSettings      *inb_application_get_settings (InbApplication *self);
InbSecrets     *inb_application_get_secrets  (InbApplication *self);
gboolean        inb_application_claim_library_load (InbApplication *self,
                                                    InbLibrary     *library);

G_END_DECLS
