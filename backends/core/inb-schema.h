/* inb-schema.h — parameter schemas as data (a JSON-Schema subset)
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define INB_SCHEMA_ERROR (inb_schema_error_quark ())

typedef enum
{
  INB_SCHEMA_ERROR_INVALID_SCHEMA,
  INB_SCHEMA_ERROR_UNKNOWN_KEY,
  INB_SCHEMA_ERROR_WRONG_TYPE,
  INB_SCHEMA_ERROR_OUT_OF_RANGE,
  INB_SCHEMA_ERROR_NOT_IN_SET,
  INB_SCHEMA_ERROR_TOO_LONG,
  INB_SCHEMA_ERROR_MISSING,
} InbSchemaError;

typedef enum
{
  INB_PARAM_BOOLEAN,
  INB_PARAM_INTEGER,
  INB_PARAM_NUMBER,
  INB_PARAM_STRING,
} InbParamType;

/**
 * InbParamSpec:
 * @name: the key, as sent and as given to `--set`
 * @title: (nullable): human label
 * @description: (nullable): one sentence for the row subtitle and `--help`
 * @default_value: (nullable): default, already of the right type
 * @minimum/@maximum: bounds when @has_minimum/@has_maximum
 * @step: widget step (`x-step`), 0 when unset
 * @enum_values: (nullable): the allowed strings, %NULL-terminated
 * @enum_labels: (nullable): human labels parallel to @enum_values (`x-enum-labels`)
 * @max_length: `maxLength` of a string, or -1
 * @widget: (nullable): `x-widget` hint ("seed", "slider", …)
 * @unit: (nullable): `x-unit` ("s", "fps", "px", "frames")
 *
 * One parameter, read-only once the schema is built.
 */
typedef struct
{
  char          *name;
  InbParamType   type;
  char          *title;
  char          *description;
  JsonNode      *default_value;
  gboolean       has_minimum;
  gboolean       has_maximum;
  double         minimum;
  double         maximum;
  double         step;
  char         **enum_values;
  char         **enum_labels;
  gint64         max_length;
  gboolean       required;
  char          *widget;
  char          *unit;
  guint          frame_multiple;  /* x-frame-rule "kn+1": value (or, on a duration
                                   in seconds, duration × fps) = k·n + 1; 0 = any */
  double         multiple_of;     /* `multipleOf`: the value is a multiple of it; 0 = any */
} InbParamSpec;

#define INB_TYPE_SCHEMA (inb_schema_get_type ())

G_DECLARE_FINAL_TYPE (InbSchema, inb_schema, INB, SCHEMA, GObject)

GQuark              inb_schema_error_quark     (void);
InbSchema          *inb_schema_new_from_json   (JsonObject   *object,
                                                GError      **error);
guint               inb_schema_get_n_params    (InbSchema    *self);
const InbParamSpec *inb_schema_get_param       (InbSchema    *self,
                                                guint         position);
const InbParamSpec *inb_schema_lookup          (InbSchema    *self,
                                                const char   *name);
gboolean            inb_schema_validate_value  (InbSchema    *self,
                                                const char   *name,
                                                JsonNode     *value,
                                                GError      **error);
gboolean            inb_schema_validate        (InbSchema    *self,
                                                JsonObject   *values,
                                                GError      **error);
JsonNode           *inb_schema_parse_value     (InbSchema    *self,
                                                const char   *name,
                                                const char   *text,
                                                GError      **error);
JsonObject         *inb_schema_complete        (InbSchema    *self,
                                                JsonObject   *values);
JsonObject         *inb_schema_to_json         (InbSchema    *self);
const char         *inb_param_type_to_string   (InbParamType  type);
char               *inb_param_spec_describe_allowed (const InbParamSpec *spec);
char               *inb_param_spec_describe_rule (const InbParamSpec *spec);
guint               inb_param_spec_frames_for_duration (const InbParamSpec *spec,
                                                double        seconds,
                                                double        fps);
double              inb_clip_length            (guint         n_frames,
                                                double        fps);

/* Typed reads of a completed parameter object (values already validated). */
double              inb_params_get_double      (JsonObject   *params,
                                                const char   *name,
                                                double        fallback);
gint64              inb_params_get_int         (JsonObject   *params,
                                                const char   *name,
                                                gint64        fallback);
gboolean            inb_params_get_boolean     (JsonObject   *params,
                                                const char   *name,
                                                gboolean      fallback);
const char         *inb_params_get_string      (JsonObject   *params,
                                                const char   *name,
                                                const char   *fallback);

G_END_DECLS
