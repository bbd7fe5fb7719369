/* inb-wavespeed-backend.h — WaveSpeed AI hosted Wan first/last-frame video
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-cloud-backend.h"

G_BEGIN_DECLS

#define INB_WAVESPEED_URL "https://api.wavespeed.ai"

#define INB_TYPE_WAVESPEED_BACKEND (inb_wavespeed_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbWavespeedBackend, inb_wavespeed_backend, INB, WAVESPEED_BACKEND, InbCloudBackend)

/* Keys, addresses, poll and retry settings: inb_cloud_backend_*() */
InbBackend *inb_wavespeed_backend_new (void);

G_END_DECLS
