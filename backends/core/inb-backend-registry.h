/* inb-backend-registry.h — the backends an application instance knows
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_TYPE_BACKEND_REGISTRY (inb_backend_registry_get_type ())

G_DECLARE_FINAL_TYPE (InbBackendRegistry, inb_backend_registry, INB, BACKEND_REGISTRY, GObject)

InbBackendRegistry *inb_backend_registry_new         (void);
InbBackendRegistry *inb_backend_registry_new_default (void);
void                inb_backend_registry_add         (InbBackendRegistry *self,
                                                      InbBackend         *backend);
InbBackend         *inb_backend_registry_lookup      (InbBackendRegistry *self,
                                                      const char         *id);
GListModel         *inb_backend_registry_get_backends(InbBackendRegistry *self);

G_END_DECLS
