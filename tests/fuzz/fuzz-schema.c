/* fuzz-schema.c — the parameter schema reader and validator on any input
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: a schema (the "parameters" object of resources/schemas/<backend>.json),
 * a NUL byte, then values ({"name": value, …}). Invariants checked:
 *  - a schema that reads describes itself as one that reads again;
 *  - values that validate still validate once completed with defaults;
 *  - a value parsed from text (KEY=TEXT on the command line) validates.
 */
#include "config.h"

#include <string.h>

#include "inb-json-limits.h"
#include "inb-schema.h"
#include "inb-fuzz.h"

static JsonNode *
parse_limited (const char *text,
               gsize       len)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (inb_json_limits_check (text, len, 1024 * 1024, INB_JSON_MAX_DEPTH) != INB_JSON_LIMITS_OK)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : NULL;
}

static void
exercise_values (InbSchema  *schema,
                 JsonObject *values)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) members = json_object_get_members (values);

  if (inb_schema_validate (schema, values, &error))
    {
      g_autoptr(JsonObject) complete = inb_schema_complete (schema, values);
      g_autoptr(GError) again = NULL;

      if (!inb_schema_validate (schema, complete, &again))
        g_error ("valid values no longer validate once completed: %s", again->message);
    }

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (values, l->data);
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(JsonNode) parsed = NULL;

      g_clear_error (&error);
      inb_schema_validate_value (schema, l->data, node, &error);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      parsed = inb_schema_parse_value (schema, l->data, json_node_get_string (node), &parse_error);
      if (parsed != NULL)
        {
          g_autoptr(GError) invalid = NULL;

          if (!inb_schema_validate_value (schema, l->data, parsed, &invalid))
            g_error ("“%s=%s” parsed but does not validate: %s", (char *) l->data,
                     json_node_get_string (node), invalid->message);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *schema_text = NULL;
  g_autofree char *values_text = NULL;
  g_autoptr(JsonNode) schema_node = NULL;
  g_autoptr(JsonNode) values_node = NULL;
  g_autoptr(InbSchema) schema = NULL;
  g_autoptr(GError) error = NULL;
  gsize values_len = 0;

  inb_fuzz_init ();
  if (size > 256 * 1024)
    return 0;

  schema_text = inb_fuzz_split (data, size, &values_text, &values_len);
  schema_node = parse_limited (schema_text, strlen (schema_text));
  if (schema_node == NULL || !JSON_NODE_HOLDS_OBJECT (schema_node))
    return 0;

  schema = inb_schema_new_from_json (json_node_get_object (schema_node), &error);
  if (schema == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }

  /* It describes itself as a schema that reads again, with as many parameters */
  {
    g_autoptr(JsonObject) described = inb_schema_to_json (schema);
    g_autoptr(InbSchema) again = NULL;
    g_autoptr(GError) again_error = NULL;

    again = inb_schema_new_from_json (described, &again_error);
    if (again == NULL)
      g_error ("a schema that read does not read again from its own description: %s",
               again_error->message);
    g_assert_cmpuint (inb_schema_get_n_params (again), ==, inb_schema_get_n_params (schema));
  }

  for (guint i = 0; i < inb_schema_get_n_params (schema); i++)
    {
      g_autofree char *allowed = inb_param_spec_describe_allowed (inb_schema_get_param (schema, i));

      g_assert_nonnull (allowed);
    }

  if (values_text != NULL)
    values_node = parse_limited (values_text, values_len);
  if (values_node != NULL && JSON_NODE_HOLDS_OBJECT (values_node))
    exercise_values (schema, json_node_get_object (values_node));
  else
    {
      g_autoptr(JsonObject) defaults = inb_schema_complete (schema, NULL);

      inb_schema_validate (schema, defaults, NULL);
    }

  return 0;
}
