/* inb-backends.c — the registry every application instance starts with
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backends"

#include "config.h"

#include "inb-backend-registry.h"
#include "inb-dashscope-backend.h"
#include "inb-local-backend.h"
#include "inb-runcomfy-backend.h"
#include "inb-wavespeed-backend.h"

/**
 * inb_backend_registry_new_default:
 *
 * Returns: (transfer full): a registry with every backend Inbetween ships,
 *   the local engine first.
 */
InbBackendRegistry *
inb_backend_registry_new_default (void)
{
  InbBackend *(*constructors[]) (void) = {
    inb_local_backend_new,
    inb_dashscope_backend_new,
    inb_wavespeed_backend_new,
    inb_runcomfy_backend_new,
  };
  InbBackendRegistry *self = inb_backend_registry_new ();

  for (guint i = 0; i < G_N_ELEMENTS (constructors); i++)
    {
      g_autoptr(InbBackend) backend = constructors[i] ();

      inb_backend_registry_add (self, backend);
    }

  return self;
}
