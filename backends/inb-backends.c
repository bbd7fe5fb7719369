/* inb-backends.c — the backends Inbetween ships
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backends"

#include "config.h"

#include "inb-backend-registry.h"
#include "inb-comfyui-backend.h"
#include "inb-dashscope-backend.h"
#include "inb-local-backend.h"
#include "inb-runcomfy-backend.h"
#include "inb-wavespeed-backend.h"

/* One line per provider; the priority orders them in lists. */
static gpointer
register_builtin (gpointer data)
{
  inb_backend_type_register (INB_TYPE_LOCAL_BACKEND, 100);
  inb_backend_type_register (INB_TYPE_COMFYUI_BACKEND, 90);
  inb_backend_type_register (INB_TYPE_DASHSCOPE_BACKEND, 30);
  inb_backend_type_register (INB_TYPE_WAVESPEED_BACKEND, 20);
  inb_backend_type_register (INB_TYPE_RUNCOMFY_BACKEND, 10);

  return NULL;
}

/**
 * inb_backend_registry_new_default:
 *
 * Returns: (transfer full): a registry with every backend Inbetween ships
 *   (and any other registered with inb_backend_type_register()), the local
 *   engine first.
 */
InbBackendRegistry *
inb_backend_registry_new_default (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_builtin, NULL);

  return inb_backend_registry_new_registered ();
}
