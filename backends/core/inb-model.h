/* inb-model.h — one model a backend offers: identity, limits, schema
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-schema.h"

G_BEGIN_DECLS

#define INB_TYPE_MODEL (inb_model_get_type ())

G_DECLARE_FINAL_TYPE (InbModel, inb_model, INB, MODEL, GObject)

InbModel   *inb_model_new_from_json            (JsonObject  *object,
                                                GError     **error);
GPtrArray  *inb_model_list_new_from_resource   (const char  *resource_path,
                                                GError     **error);
const char *inb_model_get_id                   (InbModel    *self);
const char *inb_model_get_title                (InbModel    *self);
const char *inb_model_get_description          (InbModel    *self);
InbSchema  *inb_model_get_schema               (InbModel    *self);
gint64      inb_model_get_prompt_max_length    (InbModel    *self);
gint64      inb_model_get_negative_max_length  (InbModel    *self);
gboolean    inb_model_get_prompt_required      (InbModel    *self);
guint       inb_model_get_size_alignment       (InbModel    *self);
guint       inb_model_get_min_side             (InbModel    *self);
guint       inb_model_get_max_side             (InbModel    *self);
JsonObject *inb_model_to_json                  (InbModel    *self);

G_END_DECLS
