/* inb-fake-server.h — start a loopback fake server (tests/fakes/NAME.py) from a test
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _InbFakeServer InbFakeServer;

InbFakeServer *inb_fake_server_start          (const char     *script,
                                               const char     *scenario_json);
InbFakeServer *inb_fake_server_start_on       (const char     *script,
                                               const char     *scenario_json,
                                               const char     *host);
InbFakeServer *inb_fake_server_start_tls      (const char     *script);
char          *inb_fake_server_own_address    (void);
void           inb_fake_server_stop           (InbFakeServer  *self);
const char    *inb_fake_server_get_base_url   (InbFakeServer  *self);
char          *inb_fake_server_url            (InbFakeServer  *self,
                                               const char     *path);
void           inb_fake_server_script         (InbFakeServer  *self,
                                               const char     *scenario_json);
void           inb_fake_server_reset          (InbFakeServer  *self);
JsonArray     *inb_fake_server_get_requests   (InbFakeServer  *self);
guint          inb_fake_server_count_requests (InbFakeServer  *self,
                                               const char     *method,
                                               const char     *path_prefix);
JsonObject    *inb_fake_server_get_request    (InbFakeServer  *self,
                                               guint           index);
const char    *inb_fake_request_get_header    (JsonObject     *request,
                                               const char     *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbFakeServer, inb_fake_server_stop)

G_END_DECLS
