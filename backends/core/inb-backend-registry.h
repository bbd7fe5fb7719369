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

/* Registers a backend type (a GObject implementing InbBackend whose
 * g_object_new() needs no properties) with the extension point; a higher
 * @priority is listed first. Every provider is added this way: the
 * built-in ones in backends/inb-backends.c, one line each. */
void                inb_backend_type_register        (GType               type,
                                                      gint                priority);

InbBackendRegistry *inb_backend_registry_new         (void);
/* A registry with one instance of every registered backend type, the
 * built-in ones included (backends/inb-backends.c). */
InbBackendRegistry *inb_backend_registry_new_default (void);
/* One instance of each type registered so far, in priority order. */
InbBackendRegistry *inb_backend_registry_new_registered (void);
void                inb_backend_registry_add         (InbBackendRegistry *self,
                                                      InbBackend         *backend);
InbBackend         *inb_backend_registry_lookup      (InbBackendRegistry *self,
                                                      const char         *id);
GListModel         *inb_backend_registry_get_backends(InbBackendRegistry *self);

G_END_DECLS
