/* inb-dashscope-backend.h — Alibaba Model Studio (DashScope) Wan video models
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"

G_BEGIN_DECLS

/* The key belongs to a region: use the base URL of that region. */
#define INB_DASHSCOPE_URL_BEIJING   "https://dashscope.aliyuncs.com/api/v1"
#define INB_DASHSCOPE_URL_SINGAPORE "https://dashscope-intl.aliyuncs.com/api/v1"

#define INB_TYPE_DASHSCOPE_BACKEND (inb_dashscope_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbDashscopeBackend, inb_dashscope_backend, INB, DASHSCOPE_BACKEND, GObject)

InbBackend *inb_dashscope_backend_new               (void);
void        inb_dashscope_backend_set_api_key       (InbDashscopeBackend *self,
                                                     const char          *api_key);
gboolean    inb_dashscope_backend_has_api_key       (InbDashscopeBackend *self);
void        inb_dashscope_backend_set_base_url      (InbDashscopeBackend *self,
                                                     const char          *base_url);
const char *inb_dashscope_backend_get_base_url      (InbDashscopeBackend *self);
void        inb_dashscope_backend_set_poll_interval (InbDashscopeBackend *self,
                                                     guint                first_ms,
                                                     guint                max_ms);
void        inb_dashscope_backend_set_retry_policy  (InbDashscopeBackend *self,
                                                     guint                max_attempts,
                                                     guint                base_delay_ms,
                                                     guint                max_delay_ms,
                                                     guint                budget_seconds);

G_END_DECLS
