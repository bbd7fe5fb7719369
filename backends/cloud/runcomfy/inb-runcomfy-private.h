/* inb-runcomfy-private.h — RunComfy's answer readers, for tests and fuzz targets
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-cloud-job.h"

G_BEGIN_DECLS

gboolean  _inb_runcomfy_read_submit (InbCloudJob    *job,
                                     guint           status,
                                     JsonNode       *node,
                                     GError        **error);
gboolean  _inb_runcomfy_read_poll   (InbCloudJob    *job,
                                     guint           http_status,
                                     JsonNode       *node,
                                     InbCloudState  *state,
                                     GError        **error);

G_END_DECLS
