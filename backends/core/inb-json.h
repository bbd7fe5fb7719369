/* inb-json.h — reading JSON from others without a critical on a wrong type
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Small JSON readers that never abort on a wrong type: a member that is
 * absent, null or of another type reads as missing (%NULL / %FALSE).
 * json-glib's *_with_default getters raise a critical on an array where a
 * string was expected; a service's answer or a take.json edited by hand
 * must never do that. */
const char    *inb_json_get_string          (JsonObject               *object,
                                             const char               *member);
JsonObject    *inb_json_get_object          (JsonObject               *object,
                                             const char               *member);
JsonArray     *inb_json_get_array           (JsonObject               *object,
                                             const char               *member);
gboolean       inb_json_get_int             (JsonObject               *object,
                                             const char               *member,
                                             gint64                   *value);

G_END_DECLS
