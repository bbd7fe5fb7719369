/* inb-json-limits.h — size, text and depth checked before json-glib parses
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* json-glib 1.6 recurses once per nesting level with no limit of its own:
 * about 75,000 levels (160 KB of '[') overflow an 8 MiB stack, fewer on a
 * worker thread. Nothing Inbetween writes or reads legitimately nests
 * deeper than a dozen levels. */
#define INB_JSON_MAX_DEPTH 64

/**
 * InbJsonLimits:
 * @INB_JSON_LIMITS_OK: within the limits
 * @INB_JSON_LIMITS_EMPTY: no bytes at all
 * @INB_JSON_LIMITS_TOO_LARGE: more bytes than allowed
 * @INB_JSON_LIMITS_NOT_TEXT: not UTF-8, or a NUL byte
 * @INB_JSON_LIMITS_TOO_DEEP: arrays and objects nested deeper than allowed
 *
 * What inb_json_limits_check() found; each caller words the refusal for
 * its own reader ("the service sent…", "“take.json” is…").
 */
typedef enum
{
  INB_JSON_LIMITS_OK,
  INB_JSON_LIMITS_EMPTY,
  INB_JSON_LIMITS_TOO_LARGE,
  INB_JSON_LIMITS_NOT_TEXT,
  INB_JSON_LIMITS_TOO_DEEP,
} InbJsonLimits;

InbJsonLimits  inb_json_limits_check  (const char *data,
                                       gsize       length,
                                       gsize       max_size,
                                       guint       max_depth);
const char    *inb_json_limits_to_string (InbJsonLimits result);

G_END_DECLS
