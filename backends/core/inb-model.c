/* inb-model.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-model"

#include "config.h"

#include <glib/gi18n.h>

#include <gio/gio.h>

#include "inb-model.h"
#include "inb-resources.h"

/**
 * InbModel:
 *
 * One model of a backend, read from the backend's JSON description in the
 * GResource:
 *
 * |[
 * { "id": "…", "title": "…", "description": "…",
 *   "prompt": { "supported": true, "maxLength": 800, "required": false },
 *   "negative_prompt": { "supported": true, "maxLength": 500 },
 *   "image": { "alignment": 16, "min_side": 360, "max_side": 2000 },
 *   "parameters": { JSON Schema subset, see InbSchema } }
 * ]|
 *
 * A prompt of a model that does not support one has a max length of 0.
 */
struct _InbModel
{
  GObject     parent_instance;

  JsonObject *source;
  char       *id;
  char       *title;
  char       *description;
  InbSchema  *schema;
  gint64      prompt_max_length;
  gint64      negative_max_length;
  gboolean    prompt_required;
  guint       alignment;
  guint       min_side;
  guint       max_side;
};

G_DEFINE_FINAL_TYPE (InbModel, inb_model, G_TYPE_OBJECT)

static void
inb_model_finalize (GObject *object)
{
  InbModel *self = (InbModel *) object;

  g_clear_pointer (&self->source, json_object_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_object (&self->schema);

  G_OBJECT_CLASS (inb_model_parent_class)->finalize (object);
}

static void
inb_model_class_init (InbModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_model_finalize;
}

static void
inb_model_init (InbModel *self)
{
  self->alignment = 16;
  self->min_side = 16;
  self->max_side = 8192;
}

static gint64
read_text_limit (JsonObject *object,
                 const char *member,
                 gboolean   *required)
{
  JsonObject *sub;

  *required = FALSE;

  if (!json_object_has_member (object, member))
    return 0;

  sub = json_object_get_object_member (object, member);
  if (sub == NULL || !json_object_get_boolean_member_with_default (sub, "supported", TRUE))
    return 0;

  *required = json_object_get_boolean_member_with_default (sub, "required", FALSE);
  return json_object_get_int_member_with_default (sub, "maxLength", -1);
}

InbModel *
inb_model_new_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(InbModel) self = NULL;
  JsonObject *params;
  JsonObject *image;
  gboolean ignored;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (INB_TYPE_MODEL, NULL);
  self->source = json_object_ref (object);
  self->id = g_strdup (json_object_get_string_member_with_default (object, "id", NULL));
  /* In people's language (resources/schemas/schema-strings.c) */
  self->title = g_strdup (g_dgettext (GETTEXT_PACKAGE, json_object_get_string_member_with_default (object, "title", self->id)));
  self->description = g_strdup (json_object_get_string_member_with_default (object, "description", NULL));
  if (self->description != NULL)
    {
      char *translated = g_strdup (g_dgettext (GETTEXT_PACKAGE, self->description));

      g_free (self->description);
      self->description = translated;
    }

  if (self->id == NULL || *self->id == '\0')
    {
      g_set_error_literal (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                           "A model needs an “id”");
      return NULL;
    }

  if (!json_object_has_member (object, "parameters") ||
      (params = json_object_get_object_member (object, "parameters")) == NULL)
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "Model “%s” has no “parameters” schema", self->id);
      return NULL;
    }

  self->schema = inb_schema_new_from_json (params, error);
  if (self->schema == NULL)
    {
      g_prefix_error (error, "Model “%s”: ", self->id);
      return NULL;
    }

  self->prompt_max_length = read_text_limit (object, "prompt", &self->prompt_required);
  self->negative_max_length = read_text_limit (object, "negative_prompt", &ignored);

  if (json_object_has_member (object, "image") &&
      (image = json_object_get_object_member (object, "image")) != NULL)
    {
      self->alignment = (guint) CLAMP (json_object_get_int_member_with_default (image, "alignment", 16), 1, 64);
      self->min_side = (guint) CLAMP (json_object_get_int_member_with_default (image, "min_side", 16), 1, 8192);
      self->max_side = (guint) CLAMP (json_object_get_int_member_with_default (image, "max_side", 8192), 1, 8192);
    }

  return g_steal_pointer (&self);
}

/**
 * inb_model_list_new_from_resource:
 * @resource_path: e.g. "/io/github/inbetween/Inbetween/schemas/local.json"
 *
 * Returns: (transfer full) (element-type InbModel): the models described
 *   in a backend's file, in order.
 */
GPtrArray *
inb_model_list_new_from_resource (const char  *resource_path,
                                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) models = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (resource_path != NULL, NULL);

  /* Referencing the bundle links it in from the static library, and its
   * constructor registers it. */
  (void) inb_get_resource ();

  bytes = g_resources_lookup_data (resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser,
                                   g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes),
                                   error))
    {
      g_prefix_error (error, "%s: ", resource_path);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "models") ||
      (array = json_object_get_array_member (json_node_get_object (root), "models")) == NULL)
    {
      g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                   "%s: expected an object with a “models” array", resource_path);
      return NULL;
    }

  models = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      InbModel *model;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA,
                       "%s: model %u is not an object", resource_path, i);
          return NULL;
        }

      model = inb_model_new_from_json (json_node_get_object (element), error);
      if (model == NULL)
        {
          g_prefix_error (error, "%s: ", resource_path);
          return NULL;
        }

      g_ptr_array_add (models, model);
    }

  return g_steal_pointer (&models);
}

const char *
inb_model_get_id (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), NULL);
  return self->id;
}

const char *
inb_model_get_title (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), NULL);
  return self->title;
}

const char *
inb_model_get_description (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), NULL);
  return self->description;
}

/**
 * inb_model_get_schema:
 *
 * Returns: (transfer none): the parameter schema
 */
InbSchema *
inb_model_get_schema (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), NULL);
  return self->schema;
}

/**
 * inb_model_get_prompt_max_length:
 *
 * Returns: the longest prompt in characters, -1 for no limit, 0 when the
 *   model takes no prompt.
 */
gint64
inb_model_get_prompt_max_length (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), 0);
  return self->prompt_max_length;
}

gint64
inb_model_get_negative_max_length (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), 0);
  return self->negative_max_length;
}

gboolean
inb_model_get_prompt_required (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), FALSE);
  return self->prompt_required;
}

guint
inb_model_get_size_alignment (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), 16);
  return self->alignment;
}

guint
inb_model_get_min_side (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), 16);
  return self->min_side;
}

guint
inb_model_get_max_side (InbModel *self)
{
  g_return_val_if_fail (INB_IS_MODEL (self), 8192);
  return self->max_side;
}

/**
 * inb_model_to_json:
 *
 * Returns: (transfer full): the model as described, for `backends --json`
 */
JsonObject *
inb_model_to_json (InbModel *self)
{
  g_autoptr(JsonNode) wrap = NULL;
  g_autoptr(JsonNode) copy = NULL;

  g_return_val_if_fail (INB_IS_MODEL (self), NULL);

  wrap = json_node_init_object (json_node_alloc (), self->source);
  copy = json_node_copy (wrap);
  return json_object_ref (json_node_get_object (copy));
}
