/* inb-wavespeed-backend.h — WaveSpeed AI hosted Wan first/last-frame video
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_WAVESPEED_URL "https://api.wavespeed.ai"

#define INB_TYPE_WAVESPEED_BACKEND (inb_wavespeed_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbWavespeedBackend, inb_wavespeed_backend, INB, WAVESPEED_BACKEND, GObject)

InbBackend *inb_wavespeed_backend_new               (void);
void        inb_wavespeed_backend_set_api_key       (InbWavespeedBackend *self,
                                                     const char          *api_key);
gboolean    inb_wavespeed_backend_has_api_key       (InbWavespeedBackend *self);
void        inb_wavespeed_backend_set_base_url      (InbWavespeedBackend *self,
                                                     const char          *base_url);
const char *inb_wavespeed_backend_get_base_url      (InbWavespeedBackend *self);
void        inb_wavespeed_backend_set_poll_interval (InbWavespeedBackend *self,
                                                     guint                first_ms,
                                                     guint                max_ms);
void        inb_wavespeed_backend_set_retry_policy  (InbWavespeedBackend *self,
                                                     guint                max_attempts,
                                                     guint                base_delay_ms,
                                                     guint                max_delay_ms,
                                                     guint                budget_seconds);

G_END_DECLS
