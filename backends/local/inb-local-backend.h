/* inb-local-backend.h — the built-in engine as a backend
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_TYPE_LOCAL_BACKEND (inb_local_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbLocalBackend, inb_local_backend, INB, LOCAL_BACKEND, GObject)

InbBackend *inb_local_backend_new            (void);
guint       inb_local_backend_count_frames   (JsonObject *params);

G_END_DECLS
