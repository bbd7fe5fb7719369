/* inb-request-builder.h — keyframes + prompt + parameters -> a valid InbRequest
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-keyframe.h"

G_BEGIN_DECLS

/**
 * inb_request_build:
 * @params: (nullable): the values the user set; defaults fill the rest
 * @seed: the seed, or -1 to draw one
 *
 * Validates everything (schema, prompt lengths, backend checks), picks
 * the frame size the backend asks for, and normalises both keyframes
 * with the fit policy in @params ("fit", default crop). Nothing is sent
 * or written. Blocking only for the image scaling: call from a worker
 * thread for big images. Errors are INB_SCHEMA_ERROR or
 * INB_BACKEND_ERROR_INVALID_INPUT with a message naming what to fix.
 */
InbRequest *inb_request_build (InbBackend   *backend,
                               InbModel     *model,
                               InbKeyframe  *first,
                               InbKeyframe  *last,
                               const char   *prompt,
                               const char   *negative_prompt,
                               JsonObject   *params,
                               gint64        seed,
                               GError      **error);

G_END_DECLS
