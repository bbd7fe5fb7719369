/* inb-runcomfy-backend.h — RunComfy Model API (hosted ComfyUI Wan workflows)
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-cloud-backend.h"

G_BEGIN_DECLS

#define INB_RUNCOMFY_URL "https://model-api.runcomfy.net"

#define INB_TYPE_RUNCOMFY_BACKEND (inb_runcomfy_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbRuncomfyBackend, inb_runcomfy_backend, INB, RUNCOMFY_BACKEND, InbCloudBackend)

/* Keys, addresses, poll and retry settings: inb_cloud_backend_*() */
InbBackend *inb_runcomfy_backend_new (void);

G_END_DECLS
