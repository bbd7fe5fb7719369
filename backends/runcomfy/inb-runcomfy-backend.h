/* inb-runcomfy-backend.h — RunComfy Model API (hosted ComfyUI Wan workflows)
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_RUNCOMFY_URL "https://model-api.runcomfy.net"

#define INB_TYPE_RUNCOMFY_BACKEND (inb_runcomfy_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbRuncomfyBackend, inb_runcomfy_backend, INB, RUNCOMFY_BACKEND, GObject)

InbBackend *inb_runcomfy_backend_new               (void);
void        inb_runcomfy_backend_set_api_key       (InbRuncomfyBackend  *self,
                                                     const char          *api_key);
gboolean    inb_runcomfy_backend_has_api_key       (InbRuncomfyBackend  *self);
void        inb_runcomfy_backend_set_base_url      (InbRuncomfyBackend  *self,
                                                     const char          *base_url);
const char *inb_runcomfy_backend_get_base_url      (InbRuncomfyBackend  *self);
void        inb_runcomfy_backend_set_poll_interval (InbRuncomfyBackend  *self,
                                                     guint                first_ms,
                                                     guint                max_ms);
void        inb_runcomfy_backend_set_retry_policy  (InbRuncomfyBackend  *self,
                                                     guint                max_attempts,
                                                     guint                base_delay_ms,
                                                     guint                max_delay_ms,
                                                     guint                budget_seconds);

G_END_DECLS
