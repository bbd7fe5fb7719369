/* inb-schema.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-schema"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>
#include <errno.h>
#include <stdlib.h>

#include "inb-json.h"
#include "inb-schema.h"

/**
 * InbSchema:
 *
 * The parameters of one model, described once as data: a small subset of
 * JSON Schema (`type`, `title`, `description`, `default`, `minimum`,
 * `maximum`, `multipleOf`, `enum`, `maxLength`, `required`) plus our hints `x-widget`,
 * `x-unit`, `x-step`, `x-enum-labels` and `x-frame-rule` ("4n+1": the
 * frame counts a Wan-family model can make; on a duration in seconds, the
 * count that duration becomes at the frame rate is rounded to the rule,
 * see inb_param_spec_frames_for_duration()). The same object validates the
 * CLI's `--set`, drives the parameter panel, and is printed by
 * `inbetween backends --json`.
 */
struct _InbSchema
{
  GObject       parent_instance;

  JsonObject   *source;   /* as read, for to_json */
  GPtrArray    *params;   /* InbParamSpec*, schema order */
  GHashTable   *by_name;  /* name -> InbParamSpec* (borrowed) */
};

G_DEFINE_FINAL_TYPE (InbSchema, inb_schema, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-schema-error-quark, inb_schema_error)

static void
inb_param_spec_free (InbParamSpec *spec)
{
  g_free (spec->name);
  g_free (spec->title);
  g_free (spec->description);
  g_clear_pointer (&spec->default_value, json_node_unref);
  g_strfreev (spec->enum_values);
  g_strfreev (spec->enum_labels);
  g_free (spec->widget);
  g_free (spec->unit);
  g_free (spec);
}

static void
inb_schema_finalize (GObject *object)
{
  InbSchema *self = (InbSchema *) object;

  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->params, g_ptr_array_unref);
  g_clear_pointer (&self->source, json_object_unref);

  G_OBJECT_CLASS (inb_schema_parent_class)->finalize (object);
}

static void
inb_schema_class_init (InbSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_schema_finalize;
}

static void
inb_schema_init (InbSchema *self)
{
  self->params = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_param_spec_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

const char *
inb_param_type_to_string (InbParamType type)
{
  switch (type)
    {
    case INB_PARAM_BOOLEAN: return "boolean";
    case INB_PARAM_INTEGER: return "integer";
    case INB_PARAM_NUMBER:  return "number";
    case INB_PARAM_STRING:  return "string";
    default:                return "unknown";
    }
}

static gboolean
param_type_from_string (const char   *text,
                        InbParamType *type)
{
  static const struct { const char *name; InbParamType type; } types[] = {
    { "boolean", INB_PARAM_BOOLEAN },
    { "integer", INB_PARAM_INTEGER },
    { "number",  INB_PARAM_NUMBER },
    { "string",  INB_PARAM_STRING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (g_strcmp0 (text, types[i].name) == 0)
        {
          *type = types[i].type;
          return TRUE;
        }
    }

  return FALSE;
}

/* "4n+1" → 4: Wan-family models make k·n + 1 frames. */
static gboolean
parse_frame_rule (const char *rule,
                  guint      *multiple)
{
  guint64 k;
  char *end = NULL;

  if (rule == NULL || !g_ascii_isdigit (rule[0]))
    return FALSE;

  k = g_ascii_strtoull (rule, &end, 10);
  if (k < 2 || k > 64 || g_strcmp0 (end, "n+1") != 0)
    return FALSE;

  *multiple = (guint) k;
  return TRUE;
}

static char **
read_string_array (JsonObject  *object,
                   const char  *member,
                   GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *node;
  JsonArray *array;

  node = json_object_get_member (object, member);
  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "“%s” must be an array", member);
      return NULL;
    }

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                       "“%s” must hold strings only", member);
          return NULL;
        }

      g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* The schemas' words as people read them (extracted for translators by
 * build-aux/extract-schema-strings.py) */
static char *
translate (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (g_dgettext (GETTEXT_PACKAGE, text)) : g_strdup (text);
}

static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", value));
}

/* A number member of a parameter, when present; FALSE if it is not a number */
static gboolean
read_number (JsonObject *object,
             const char *member,
             gboolean   *present,
             double     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  *present = node != NULL;
  if (node == NULL)
    return TRUE;
  if (!node_is_number (node))
    return FALSE;

  *value = json_node_get_double (node);
  return TRUE;
}

/* Bounds, step, multiple and length */
static gboolean
param_spec_read_numbers (InbParamSpec  *spec,
                         JsonObject    *object,
                         GError       **error)
{
  gboolean present;
  double value;

  if (!read_number (object, "minimum", &spec->has_minimum, &spec->minimum) ||
      !read_number (object, "maximum", &spec->has_maximum, &spec->maximum) ||
      !read_number (object, "x-step", &present, &spec->step))
    goto bad_number;

  if (!read_number (object, "multipleOf", &present, &value) ||
      (present && (!(value > 0) || !isfinite (value))))
    goto bad_number;
  if (present)
    spec->multiple_of = value;

  if (!read_number (object, "maxLength", &present, &value))
    goto bad_number;
  if (present)
    spec->max_length = json_node_get_int (json_object_get_member (object, "maxLength"));

  return TRUE;

bad_number:
  g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
               "Parameter “%s”: bounds, steps and lengths must be numbers", spec->name);
  return FALSE;
}

/* The choices of a text parameter and their labels (translated) */
static gboolean
param_spec_read_enum (InbParamSpec  *spec,
                      JsonObject    *object,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  spec->enum_values = read_string_array (object, "enum", &local_error);
  if (local_error == NULL)
    spec->enum_labels = read_string_array (object, "x-enum-labels", &local_error);
  for (guint i = 0; spec->enum_labels != NULL && spec->enum_labels[i] != NULL; i++)
    {
      char *translated = translate (spec->enum_labels[i]);

      g_free (spec->enum_labels[i]);
      spec->enum_labels[i] = translated;
    }
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Parameter “%s”: ", spec->name);
      return FALSE;
    }

  if (spec->enum_values != NULL && spec->type != INB_PARAM_STRING)
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: “enum” is only supported for strings", spec->name);
      return FALSE;
    }

  if (spec->enum_labels != NULL &&
      (spec->enum_values == NULL ||
       g_strv_length (spec->enum_labels) != g_strv_length (spec->enum_values)))
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: “x-enum-labels” must match “enum”", spec->name);
      return FALSE;
    }

  return TRUE;
}

/* A frame rule ("4n+1") fits the parameter's type and choices */
static gboolean
param_spec_check_frame_rule (InbParamSpec  *spec,
                             GError       **error)
{
  const char *name = spec->name;

  if (spec->frame_multiple > 0 && spec->type == INB_PARAM_STRING)
    {
      for (guint i = 0; spec->enum_values != NULL && spec->enum_values[i] != NULL; i++)
        {
          gint64 frames;

          if (!g_ascii_string_to_signed (spec->enum_values[i], 10, 1, G_MAXINT32, &frames, NULL) ||
              (frames - 1) % spec->frame_multiple != 0)
            {
              g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                           "Parameter “%s”: “%s” breaks its frame rule %un+1",
                           name, spec->enum_values[i], spec->frame_multiple);
              return FALSE;
            }
        }
      if (spec->enum_values == NULL)
        {
          g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                       "Parameter “%s”: a frame rule on text needs an “enum” of frame counts", name);
          return FALSE;
        }
    }
  else if (spec->frame_multiple > 0 && spec->type != INB_PARAM_INTEGER &&
           !(spec->type == INB_PARAM_NUMBER && g_strcmp0 (spec->unit, "s") == 0))
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: a frame rule needs whole numbers", name);
      return FALSE;
    }

  return TRUE;
}

static InbParamSpec *
param_spec_new_from_json (const char  *name,
                          JsonObject  *object,
                          GError     **error)
{
  InbParamSpec *spec;
  const char *type_name;

  type_name = inb_json_get_string (object, "type");

  spec = g_new0 (InbParamSpec, 1);
  spec->name = g_strdup (name);
  spec->max_length = -1;

  if (!param_type_from_string (type_name, &spec->type))
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s” has no valid “type” (%s)", name, type_name ? type_name : "none");
      goto fail;
    }

  /* Shown to people: in their language (resources/schemas/schema-strings.c) */
  spec->title = translate (inb_json_get_string (object, "title"));
  spec->description = translate (inb_json_get_string (object, "description"));
  spec->widget = g_strdup (inb_json_get_string (object, "x-widget"));
  spec->unit = g_strdup (inb_json_get_string (object, "x-unit"));

  if (json_object_has_member (object, "x-frame-rule") &&
      !parse_frame_rule (inb_json_get_string (object, "x-frame-rule"),
                         &spec->frame_multiple))
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: “x-frame-rule” must read like “4n+1”", name);
      goto fail;
    }

  if (!param_spec_read_numbers (spec, object, error) ||
      !param_spec_read_enum (spec, object, error) ||
      !param_spec_check_frame_rule (spec, error))
    goto fail;

  if (spec->multiple_of > 0 && spec->type != INB_PARAM_INTEGER && spec->type != INB_PARAM_NUMBER)
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: “multipleOf” needs a number", name);
      goto fail;
    }

  if (spec->has_minimum && spec->has_maximum && spec->minimum > spec->maximum)
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Parameter “%s”: minimum is above maximum", name);
      goto fail;
    }

  return spec;

fail:
  inb_param_spec_free (spec);
  return NULL;
}

/**
 * inb_schema_new_from_json:
 * @object: a JSON Schema object `{"type":"object","properties":{…},"required":[…]}`
 *
 * Returns: (transfer full): the schema, or %NULL with
 *   %INB_SCHEMA_ERROR_INVALID_SCHEMA (including a default that fails
 *   its own constraints).
 */
InbSchema *
inb_schema_new_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(InbSchema) self = NULL;
  g_auto(GStrv) required = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *properties;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (INB_TYPE_SCHEMA, NULL);
  self->source = json_object_ref (object);

  node = json_object_get_member (object, "properties");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                           "A schema needs a “properties” object");
      return NULL;
    }

  properties = json_node_get_object (node);
  required = read_string_array (object, "required", error);
  if (error != NULL && *error != NULL)
    return NULL;

  /* json-glib keeps members in document order. */
  names = json_object_get_members (properties);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *prop = json_object_get_member (properties, name);
      InbParamSpec *spec;

      if (!JSON_NODE_HOLDS_OBJECT (prop))
        {
          g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                       "Parameter “%s” must be an object", name);
          return NULL;
        }

      spec = param_spec_new_from_json (name, json_node_get_object (prop), error);
      if (spec == NULL)
        return NULL;

      spec->required = required != NULL && g_strv_contains ((const char * const *) required, name);
      g_ptr_array_add (self->params, spec);
      g_hash_table_insert (self->by_name, spec->name, spec);
    }

  if (required != NULL)
    {
      for (guint i = 0; required[i] != NULL; i++)
        {
          if (!g_hash_table_contains (self->by_name, required[i]))
            {
              g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                           "Required parameter “%s” is not described", required[i]);
              return NULL;
            }
        }
    }

  /* Defaults are checked against their own constraints, so a schema
   * can never make the app send a value the schema itself forbids. */
  for (guint i = 0; i < self->params->len; i++)
    {
      InbParamSpec *spec = g_ptr_array_index (self->params, i);
      JsonNode *def;
      g_autoptr(GError) local_error = NULL;

      def = json_object_get_member (json_node_get_object (json_object_get_member (properties, spec->name)),
                                    "default");
      if (def == NULL)
        continue;

      if (!inb_schema_validate_value (self, spec->name, def, &local_error))
        {
          g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                       "Default of “%s” is invalid: %s", spec->name, local_error->message);
          return NULL;
        }

      /* Store integers as integers even when written 5.0. */
      if (spec->type == INB_PARAM_INTEGER)
        {
          spec->default_value = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (spec->default_value, (gint64) json_node_get_double (def));
        }
      else if (spec->type == INB_PARAM_NUMBER)
        {
          spec->default_value = json_node_new (JSON_NODE_VALUE);
          json_node_set_double (spec->default_value, json_node_get_double (def));
        }
      else
        spec->default_value = json_node_copy (def);
    }

  return g_steal_pointer (&self);
}

guint
inb_schema_get_n_params (InbSchema *self)
{
  g_return_val_if_fail (INB_IS_SCHEMA (self), 0);
  return self->params->len;
}

const InbParamSpec *
inb_schema_get_param (InbSchema *self,
                      guint      position)
{
  g_return_val_if_fail (INB_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (position < self->params->len, NULL);
  return g_ptr_array_index (self->params, position);
}

const InbParamSpec *
inb_schema_lookup (InbSchema  *self,
                   const char *name)
{
  g_return_val_if_fail (INB_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->by_name, name);
}

/* The smallest allowed count k·n + 1 at or above the minimum. */
static guint
first_frame_count (const InbParamSpec *spec)
{
  double lo = spec->has_minimum ? MAX (spec->minimum, 1) : 1;
  guint n = (guint) ceil ((lo - 1) / spec->frame_multiple);

  return n * spec->frame_multiple + 1;
}

/**
 * inb_param_spec_describe_allowed:
 *
 * Returns: (transfer full): the allowed values in words, for listings and
 *   `--help`: "1 to 10", "one of 480p, 720p, 1080p, source", "true or false",
 *   "at most 800 characters".
 */
char *
inb_param_spec_describe_allowed (const InbParamSpec *spec)
{
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  switch (spec->type)
    {
    case INB_PARAM_BOOLEAN:
      return g_strdup (_("true or false"));

    case INB_PARAM_STRING:
      if (spec->enum_values != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", spec->enum_values);
          return g_strdup_printf (_("one of %s"), list);
        }
      if (spec->max_length >= 0)
        return g_strdup_printf (_("text of at most %" PRId64 " characters"), spec->max_length);
      return g_strdup (_("any text"));

    case INB_PARAM_INTEGER:
    case INB_PARAM_NUMBER:
    default:
      min = spec->has_minimum ? format_number (spec->minimum) : NULL;
      max = spec->has_maximum ? format_number (spec->maximum) : NULL;
      if (spec->frame_multiple > 0 && spec->type == INB_PARAM_INTEGER && min != NULL && max != NULL)
        {
          guint first = first_frame_count (spec);

          /* Translators: e.g. "a frame count from 5 to 161 of the form 4n+1 (5, 9, 13, …)" */
          return g_strdup_printf (_("a frame count from %s to %s of the form %un+1 (%u, %u, %u, …)"),
                                  min, max, spec->frame_multiple,
                                  first, first + spec->frame_multiple, first + 2 * spec->frame_multiple);
        }
      if (min != NULL && max != NULL)
        return g_strdup_printf (spec->type == INB_PARAM_INTEGER ? _("a whole number from %s to %s")
                                                                : _("a number from %s to %s"),
                                min, max);
      if (min != NULL)
        return g_strdup_printf (spec->type == INB_PARAM_INTEGER ? _("a whole number of at least %s")
                                                                : _("a number of at least %s"),
                                min);
      if (max != NULL)
        return g_strdup_printf (spec->type == INB_PARAM_INTEGER ? _("a whole number of at most %s")
                                                                : _("a number of at most %s"),
                                max);
      return g_strdup (spec->type == INB_PARAM_INTEGER ? _("a whole number") : _("a number"));
    }
}

/* A parameter as the artist knows it: its title, else its key */
static const char *
spec_title (const InbParamSpec *spec)
{
  return spec->title != NULL && *spec->title != '\0' ? spec->title : spec->name;
}

/* An amount with the parameter's unit in words: "1 to 10" → "1 to 10
 * seconds"; @count chooses the plural. */
static char *
with_unit (const InbParamSpec *spec,
           const char         *amount,
           double              count)
{
  gulong n = (count == floor (count) && fabs (count) < 1e9) ? (gulong) fabs (count) : 2;

  if (spec->unit == NULL || *spec->unit == '\0')
    return g_strdup (amount);
  if (g_strcmp0 (spec->unit, "s") == 0)
    /* Translators: an amount of seconds: "1 to 10 seconds", "at least 2 seconds" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s second", "%s seconds", n), amount);
  if (g_strcmp0 (spec->unit, "fps") == 0)
    /* Translators: an amount of frames per second: "8 to 30 fps" */
    return g_strdup_printf (_("%s fps"), amount);
  if (g_strcmp0 (spec->unit, "px") == 0)
    /* Translators: an amount of pixels: "256 to 1920 pixels" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s pixel", "%s pixels", n), amount);
  if (g_strcmp0 (spec->unit, "frames") == 0)
    /* Translators: an amount of frames: "5 to 161 frames" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s frame", "%s frames", n), amount);

  return g_strdup_printf ("%s %s", amount, spec->unit);
}

/* "480p, 720p or 1080p" */
static char *
join_choices (char **values)
{
  guint n = g_strv_length (values);
  g_autoptr(GString) head = g_string_new (NULL);

  if (n == 0)
    return g_strdup ("");
  if (n == 1)
    return g_strdup (values[0]);

  for (guint i = 0; i + 1 < n; i++)
    {
      if (i > 0)
        /* Translators: between the choices of a list, "480p, 720p or 1080p" */
        g_string_append (head, _(", "));
      g_string_append (head, values[i]);
    }

  /* Translators: the last two choices of a list, "480p, 720p or 1080p" */
  return g_strdup_printf (_("%s or %s"), head->str, values[n - 1]);
}

/**
 * inb_param_spec_describe_rule:
 *
 * Returns: (transfer full): what the parameter can be, as a sentence an
 *   artist reads, named by its title: "Duration can be 1 to 10 seconds",
 *   "Frame rate can be a whole number from 8 to 30 fps", "Resolution can
 *   be 480p or 720p". The window and the CLI's `--set` both say it (it is
 *   the start of every refusal of inb_schema_validate_value()).
 */
char *
inb_param_spec_describe_rule (const InbParamSpec *spec)
{
  const char *title;
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *shown = NULL;
  gboolean whole;

  g_return_val_if_fail (spec != NULL, NULL);

  title = spec_title (spec);

  switch (spec->type)
    {
    case INB_PARAM_BOOLEAN:
      /* Translators: a parameter's title: "Loop can be true or false" */
      return g_strdup_printf (_("%s can be true or false"), title);

    case INB_PARAM_STRING:
      if (spec->enum_values != NULL)
        {
          g_autofree char *list = join_choices (spec->enum_values);

          /* Translators: a parameter's title and its choices: "Resolution can be 480p or 720p" */
          return g_strdup_printf (_("%s can be %s"), title, list);
        }
      if (spec->max_length >= 0)
        /* Translators: a parameter's title: "Prompt can be at most 800 characters long" */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s can be at most %" PRId64 " character long",
                                             "%s can be at most %" PRId64 " characters long",
                                             (gulong) MIN (spec->max_length, 1000000)),
                                title, spec->max_length);
      /* Translators: a parameter's title */
      return g_strdup_printf (_("%s can be any text"), title);

    case INB_PARAM_INTEGER:
    case INB_PARAM_NUMBER:
    default:
      break;
    }

  whole = spec->type == INB_PARAM_INTEGER;
  min = spec->has_minimum ? format_number (spec->minimum) : NULL;
  max = spec->has_maximum ? format_number (spec->maximum) : NULL;

  if (spec->frame_multiple > 0 && whole && min != NULL && max != NULL)
    {
      guint first = first_frame_count (spec);
      gint64 last = (gint64) (floor ((spec->maximum - 1) / spec->frame_multiple) * spec->frame_multiple + 1);
      g_autofree char *last_text = g_strdup_printf ("%" PRId64, last);

      shown = with_unit (spec, last_text, (double) last);
      /* Translators: a parameter's title, the first three counts a model
       * makes and the last one: "Frames can be 5, 9, 13 … 161 frames" */
      return g_strdup_printf (_("%s can be %u, %u, %u … %s"), title,
                              first, first + spec->frame_multiple, first + 2 * spec->frame_multiple, shown);
    }

  if (min != NULL && max != NULL)
    {
      /* Translators: a range of values, "1 to 10" */
      amount = g_strdup_printf (_("%s to %s"), min, max);
      shown = with_unit (spec, amount, spec->maximum);
      return g_strdup_printf (whole ? _("%s can be a whole number from %s")
                                    /* Translators: a parameter's title and a range: "Duration can be 1 to 10 seconds" */
                                    : _("%s can be %s"),
                              title, shown);
    }
  if (min != NULL || max != NULL)
    {
      amount = g_strdup_printf (min != NULL ? _("at least %s") : _("at most %s"), min != NULL ? min : max);
      shown = with_unit (spec, amount, min != NULL ? spec->minimum : spec->maximum);
      /* Translators: a parameter's title and a bound: "Seed must be a whole number, at least 0" */
      return g_strdup_printf (whole ? _("%s must be a whole number, %s") : _("%s must be %s"), title, shown);
    }

  return g_strdup_printf (whole ? _("%s must be a whole number") : _("%s must be a number"), title);
}

static char *
node_to_display (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;

  /* Numbers as people write them: 0.99, not 0.98999999999999999; a
   * whole number exactly, however large. */
  if (node_is_number (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (node_is_number (node))
    return format_number (json_node_get_double (node));

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  if (strlen (text) > 60)
    {
      text[57] = '\0';
      return g_strconcat (text, "…", NULL);
    }

  return g_steal_pointer (&text);
}

/**
 * inb_schema_validate_value:
 *
 * Checks one value. The error message says what the parameter can be,
 * named by its title as the artist sees it, e.g. "Duration can be 1 to 10
 * seconds", "Resolution can be 480p or 720p", "Custom width must be a
 * multiple of 16 (try 816 or 832)"; a value of the wrong type is named:
 * "“abc” is not a number: Duration can be 1 to 10 seconds".
 */
gboolean
inb_schema_validate_value (InbSchema   *self,
                           const char  *name,
                           JsonNode    *value,
                           GError     **error)
{
  const InbParamSpec *spec;
  g_autofree char *shown = NULL;
  g_autofree char *rule = NULL;
  GType vtype = G_TYPE_INVALID;

  g_return_val_if_fail (INB_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  spec = g_hash_table_lookup (self->by_name, name);
  if (spec == NULL)
    {
      g_autoptr(GString) known = g_string_new (NULL);

      for (guint i = 0; i < self->params->len; i++)
        {
          const InbParamSpec *p = g_ptr_array_index (self->params, i);
          g_string_append_printf (known, "%s%s", i ? ", " : "", p->name);
        }

      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_UNKNOWN_KEY,
                   _("Unknown parameter “%s”; this model takes: %s"), name,
                   known->len ? known->str : _("no parameters"));
      return FALSE;
    }

  shown = node_to_display (value);
  rule = inb_param_spec_describe_rule (spec);

  if (JSON_NODE_HOLDS_VALUE (value))
    vtype = json_node_get_value_type (value);

  switch (spec->type)
    {
    case INB_PARAM_BOOLEAN:
      if (vtype != G_TYPE_BOOLEAN)
        goto wrong_type;
      return TRUE;

    case INB_PARAM_STRING:
      {
        const char *s;

        if (vtype != G_TYPE_STRING)
          goto wrong_type;

        s = json_node_get_string (value);
        if (spec->enum_values != NULL && !g_strv_contains ((const char * const *) spec->enum_values, s))
          {
            g_set_error_literal (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_NOT_IN_SET, rule);
            return FALSE;
          }
        if (spec->max_length >= 0 && (gint64) g_utf8_strlen (s, -1) > spec->max_length)
          {
            long length = (long) g_utf8_strlen (s, -1);

            g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_TOO_LONG,
                         /* Translators: what the parameter can be, then its length:
                          * "Prompt can be at most 800 characters long; this one has 812" */
                         g_dngettext (GETTEXT_PACKAGE, "%s; this one has %ld", "%s; this one has %ld",
                                      (gulong) length),
                         rule, length);
            return FALSE;
          }
        return TRUE;
      }

    case INB_PARAM_INTEGER:
    case INB_PARAM_NUMBER:
    default:
      {
        double d;

        if (vtype != G_TYPE_INT64 && vtype != G_TYPE_DOUBLE)
          goto not_a_number;

        d = json_node_get_double (value);
        if (!isfinite (d))
          goto not_a_number;

        if (spec->type == INB_PARAM_INTEGER && d != floor (d))
          {
            g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
                         /* Translators: a value, then what the parameter can be:
                          * "2.5 is not a whole number: Steps can be a whole number from 2 to 60" */
                         _("%s is not a whole number: %s"), shown, rule);
            return FALSE;
          }

        if ((spec->has_minimum && d < spec->minimum) || (spec->has_maximum && d > spec->maximum))
          {
            g_set_error_literal (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE, rule);
            return FALSE;
          }

        if (spec->frame_multiple > 0 && spec->type == INB_PARAM_INTEGER &&
            fmod (d - 1, spec->frame_multiple) != 0)
          {
            gint64 below = (gint64) (floor ((d - 1) / spec->frame_multiple) * spec->frame_multiple + 1);

            g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE,
                         /* Translators: what the parameter can be, then the two
                          * nearest: "Frames can be 5, 9, 13 … 161 frames (try 81 or 85)" */
                         _("%s (try %" PRId64 " or %" PRId64 ")"),
                         rule, below, below + spec->frame_multiple);
            return FALSE;
          }

        if (spec->multiple_of > 0 && fabs (d / spec->multiple_of - round (d / spec->multiple_of)) > 1e-9)
          {
            g_autofree char *step = format_number (spec->multiple_of);
            g_autofree char *below = format_number (floor (d / spec->multiple_of) * spec->multiple_of);
            g_autofree char *above = format_number ((floor (d / spec->multiple_of) + 1) * spec->multiple_of);

            g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE,
                         /* Translators: a parameter's title, the step and the two nearest
                          * values: "Custom width must be a multiple of 16 (try 816 or 832)" */
                         _("%s must be a multiple of %s (try %s or %s)"),
                         spec_title (spec), step, below, above);
            return FALSE;
          }
        return TRUE;
      }
    }

wrong_type:
  g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
               /* Translators: what the parameter can be, then the value given:
                * "Loop can be true or false, not 1" */
               _("%s, not %s"), rule, shown);
  return FALSE;

not_a_number:
  g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
               /* Translators: a value, then what the parameter can be:
                * "“abc” is not a number: Duration can be 1 to 10 seconds" */
               _("%s is not a number: %s"), shown, rule);
  return FALSE;
}

/**
 * inb_schema_validate:
 * @values: parameter values (need not be complete)
 *
 * Checks every member of @values (unknown keys, types, bounds, sets,
 * lengths) and that required parameters without a default are present.
 * Stops at the first problem, in schema order.
 */
gboolean
inb_schema_validate (InbSchema   *self,
                     JsonObject  *values,
                     GError     **error)
{
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (INB_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  /* Unknown keys first: a typo should not hide behind another error. */
  members = json_object_get_members (values);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_hash_table_contains (self->by_name, l->data))
        return inb_schema_validate_value (self, l->data, json_object_get_member (values, l->data), error);
    }

  for (guint i = 0; i < self->params->len; i++)
    {
      const InbParamSpec *spec = g_ptr_array_index (self->params, i);
      JsonNode *node = json_object_get_member (values, spec->name);

      if (node == NULL)
        {
          if (spec->required && spec->default_value == NULL)
            {
              g_autofree char *allowed = inb_param_spec_describe_allowed (spec);

              g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_MISSING,
                           _("Parameter “%s” is required: %s"), spec->name, allowed);
              return FALSE;
            }
          continue;
        }

      if (!inb_schema_validate_value (self, spec->name, node, error))
        return FALSE;
    }

  return TRUE;
}

/* A decimal number, whole or not: strtod would also take "0x2", "inf" or
 * "1e" parts */
static gboolean
looks_like_number (const char *text)
{
  double v;
  char *end = NULL;

  if (*text == '\0' || strspn (text, "+-0123456789.eE") != strlen (text) || strpbrk (text, "0123456789") == NULL)
    return FALSE;

  errno = 0;
  v = g_ascii_strtod (text, &end);

  return end != NULL && *end == '\0' && errno == 0 && isfinite (v);
}

/**
 * inb_schema_parse_value:
 * @text: what the user typed after `KEY=`
 *
 * Parses @text as the parameter's type and validates it.
 *
 * Returns: (transfer full): the value, or %NULL with a message naming the
 *   parameter, the text and what is allowed.
 */
JsonNode *
inb_schema_parse_value (InbSchema   *self,
                        const char  *name,
                        const char  *text,
                        GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *rule = NULL;
  g_autofree char *quoted = NULL;
  const InbParamSpec *spec;

  g_return_val_if_fail (INB_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  spec = g_hash_table_lookup (self->by_name, name);
  if (spec == NULL)
    {
      g_autoptr(JsonNode) dummy = json_node_init_string (json_node_alloc (), text);
      inb_schema_validate_value (self, name, dummy, error);
      return NULL;
    }

  rule = inb_param_spec_describe_rule (spec);
  node = json_node_new (JSON_NODE_VALUE);

  switch (spec->type)
    {
    case INB_PARAM_BOOLEAN:
      if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0 ||
          g_ascii_strcasecmp (text, "on") == 0 || g_strcmp0 (text, "1") == 0)
        json_node_set_boolean (node, TRUE);
      else if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0 ||
               g_ascii_strcasecmp (text, "off") == 0 || g_strcmp0 (text, "0") == 0)
        json_node_set_boolean (node, FALSE);
      else
        goto wrong_type;
      break;

    case INB_PARAM_INTEGER:
      {
        gint64 v;
        char *end = NULL;

        errno = 0;
        v = g_ascii_strtoll (text, &end, 10);
        if (*text == '\0' || end == NULL || *end != '\0' || errno != 0)
          goto wrong_type;
        json_node_set_int (node, v);
      }
      break;

    case INB_PARAM_NUMBER:
      {
        if (!looks_like_number (text))
          goto wrong_type;
        json_node_set_double (node, g_ascii_strtod (text, NULL));
      }
      break;

    case INB_PARAM_STRING:
    default:
      json_node_set_string (node, text);
      break;
    }

  if (!inb_schema_validate_value (self, name, node, error))
    return NULL;

  return g_steal_pointer (&node);

wrong_type:
  /* Translators: what someone typed, quoted */
  quoted = g_strdup_printf (_("“%s”"), text);
  if (*text == '\0' && spec->type != INB_PARAM_STRING)
    g_set_error_literal (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE, rule);
  else if (spec->type == INB_PARAM_INTEGER && looks_like_number (text))
    g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
                 _("%s is not a whole number: %s"), quoted, rule);
  else if (spec->type == INB_PARAM_INTEGER || spec->type == INB_PARAM_NUMBER)
    g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
                 _("%s is not a number: %s"), quoted, rule);
  else
    g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE,
                 _("%s, not %s"), rule, quoted);
  return NULL;
}

/**
 * inb_schema_complete:
 *
 * Returns: (transfer full): a new object with every parameter of the
 *   schema: the values of @values where set (integers normalised), the
 *   defaults elsewhere. Unknown members of @values are dropped: validate
 *   first.
 */
JsonObject *
inb_schema_complete (InbSchema  *self,
                     JsonObject *values)
{
  JsonObject *result;

  g_return_val_if_fail (INB_IS_SCHEMA (self), NULL);

  result = json_object_new ();

  for (guint i = 0; i < self->params->len; i++)
    {
      const InbParamSpec *spec = g_ptr_array_index (self->params, i);
      JsonNode *node = values ? json_object_get_member (values, spec->name) : NULL;

      if (node == NULL)
        node = spec->default_value;
      if (node == NULL)
        continue;

      if (spec->type == INB_PARAM_INTEGER && node_is_number (node))
        json_object_set_int_member (result, spec->name, (gint64) json_node_get_double (node));
      else if (spec->type == INB_PARAM_NUMBER && node_is_number (node))
        json_object_set_double_member (result, spec->name, json_node_get_double (node));
      else
        json_object_set_member (result, spec->name, json_node_copy (node));
    }

  return result;
}

/**
 * inb_schema_to_json:
 *
 * Returns: (transfer full): the schema as it was described
 */
JsonObject *
inb_schema_to_json (InbSchema *self)
{
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonNode) wrap = NULL;

  g_return_val_if_fail (INB_IS_SCHEMA (self), NULL);

  wrap = json_node_init_object (json_node_alloc (), self->source);
  copy = json_node_copy (wrap);
  return json_object_ref (json_node_get_object (copy));
}

double
inb_params_get_double (JsonObject *params,
                       const char *name,
                       double      fallback)
{
  JsonNode *node = params ? json_object_get_member (params, name) : NULL;

  return node_is_number (node) ? json_node_get_double (node) : fallback;
}

gint64
inb_params_get_int (JsonObject *params,
                    const char *name,
                    gint64      fallback)
{
  JsonNode *node = params ? json_object_get_member (params, name) : NULL;

  return node_is_number (node) ? (gint64) json_node_get_double (node) : fallback;
}

gboolean
inb_params_get_boolean (JsonObject *params,
                        const char *name,
                        gboolean    fallback)
{
  JsonNode *node = params ? json_object_get_member (params, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return fallback;
}

const char *
inb_params_get_string (JsonObject *params,
                       const char *name,
                       const char *fallback)
{
  JsonNode *node = params ? json_object_get_member (params, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

/**
 * inb_param_spec_frames_for_duration:
 * @spec: (nullable): a duration in seconds; %NULL or one without a frame
 *   rule: any count
 * @seconds: the duration
 * @fps: the frame rate
 *
 * The frames a clip of @seconds at @fps has, counting both ends
 * (5 s at 16 fps: 81); with a frame rule k·n + 1 on @spec, the nearest
 * count of that form (5 s at 15 fps: 77).
 *
 * Returns: the frame count, at least 1 (k + 1 with a rule)
 */
guint
inb_param_spec_frames_for_duration (const InbParamSpec *spec,
                                    double              seconds,
                                    double              fps)
{
  double intervals = MAX (0.0, seconds * fps);
  guint k = spec != NULL ? spec->frame_multiple : 0;

  if (k == 0)
    return (guint) MIN (llround (intervals), G_MAXINT32 - 1) + 1;

  return (guint) MAX (1, MIN (llround (intervals / k), (G_MAXINT32 - 1) / k)) * k + 1;
}

/**
 * inb_clip_length:
 * @n_frames: the clip's frames
 * @fps: its frame rate
 *
 * How long a clip of @n_frames at @fps plays, the one figure shown
 * wherever a take's or a clip's length is: every frame is shown for
 * 1 / @fps, the last one too, so @n_frames / @fps (49 frames at 16 fps:
 * 3.0625 s). It is what GStreamer's discoverer, ffprobe and other
 * players read from the clip we encode (our buffers are 1 / @fps long).
 * It is not the span between the first and the last frame's times,
 * (@n_frames - 1) / @fps, which a duration parameter asks a model for
 * (see inb_param_spec_frames_for_duration()).
 *
 * Returns: the length in seconds, 0 when unknown
 */
double
inb_clip_length (guint  n_frames,
                 double fps)
{
  if (n_frames == 0 || !(fps > 0))
    return 0;

  return n_frames / fps;
}
