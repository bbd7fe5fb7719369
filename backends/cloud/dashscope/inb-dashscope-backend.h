/* inb-dashscope-backend.h — Alibaba Model Studio (DashScope) Wan video models
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-cloud-backend.h"

G_BEGIN_DECLS

/* The key belongs to a region: use the base URL of that region. */
#define INB_DASHSCOPE_URL_BEIJING   "https://dashscope.aliyuncs.com/api/v1"
#define INB_DASHSCOPE_URL_SINGAPORE "https://dashscope-intl.aliyuncs.com/api/v1"
/* Where a key is made: each region's Model Studio console; not in the research doc,
 * sources in docs/architecture.md ("Where a key is made") */
#define INB_DASHSCOPE_KEY_URL_BEIJING   "https://bailian.console.aliyun.com/?apiKey=1"
#define INB_DASHSCOPE_KEY_URL_SINGAPORE "https://modelstudio.console.alibabacloud.com/?tab=playground#/api-key"

#define INB_TYPE_DASHSCOPE_BACKEND (inb_dashscope_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbDashscopeBackend, inb_dashscope_backend, INB, DASHSCOPE_BACKEND, InbCloudBackend)

/* Keys, addresses, poll and retry settings: inb_cloud_backend_*() */
InbBackend *inb_dashscope_backend_new (void);

G_END_DECLS
