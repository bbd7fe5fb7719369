/* inb-example-backend.h — a provider that exists only in the tests
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It is added the way every provider is: this folder, its schema
 * (example.json in the tests' GResource) and one registration line
 * (inb_backend_type_register() in tests/test-provider.c) — no file of
 * app/, ui/ or backends/ knows it.
 */
#pragma once

#include "inb-cloud-backend.h"

G_BEGIN_DECLS

#define INB_EXAMPLE_URL_NORTH "https://north.example.invalid/v1"
#define INB_EXAMPLE_URL_SOUTH "https://south.example.invalid/v1"

#define INB_TYPE_EXAMPLE_BACKEND (inb_example_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbExampleBackend, inb_example_backend, INB, EXAMPLE_BACKEND, InbCloudBackend)

G_END_DECLS
