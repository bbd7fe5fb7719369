/* inb-backends.c — the registry every application instance starts with
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backends"

#include "config.h"

#include "inb-backend-registry.h"
#include "inb-local-backend.h"

/**
 * inb_backend_registry_new_default:
 *
 * Returns: (transfer full): a registry with every backend Inbetween ships,
 *   the local engine first.
 */
InbBackendRegistry *
inb_backend_registry_new_default (void)
{
  InbBackendRegistry *self = inb_backend_registry_new ();
  g_autoptr(InbBackend) local = inb_local_backend_new ();

  inb_backend_registry_add (self, local);

  return self;
}
