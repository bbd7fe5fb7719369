/* test-schema.c — the one parameter validator
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <math.h>

#include "inb-backend.h"
#include "inb-model.h"
#include "inb-schema.h"
#include "inb-test-utils.h"

static const char *schema_json =
  "{ \"type\": \"object\","
  "  \"properties\": {"
  "    \"duration\": { \"type\": \"number\", \"title\": \"Duration\", \"default\": 5, \"minimum\": 1,"
  "                    \"maximum\": 10, \"x-unit\": \"s\" },"
  "    \"fps\": { \"type\": \"integer\", \"title\": \"Frame rate\", \"default\": 16, \"minimum\": 8,"
  "               \"maximum\": 30, \"x-unit\": \"fps\" },"
  "    \"resolution\": { \"type\": \"string\", \"title\": \"Resolution\", \"default\": \"720p\","
  "                      \"enum\": [\"480p\", \"720p\"], \"x-enum-labels\": [\"Small\", \"HD\"] },"
  "    \"loop\": { \"type\": \"boolean\", \"title\": \"Loop\", \"default\": false },"
  "    \"label\": { \"type\": \"string\", \"maxLength\": 5 },"
  "    \"mode\": { \"type\": \"string\" }"
  "  },"
  "  \"required\": [\"mode\"] }";

static InbSchema *
make_schema (void)
{
  g_autoptr(JsonObject) object = inb_test_parse_object (schema_json);
  g_autoptr(GError) error = NULL;
  InbSchema *schema = inb_schema_new_from_json (object, &error);

  g_assert_no_error (error);
  g_assert_nonnull (schema);
  return schema;
}

static void
assert_invalid (InbSchema   *schema,
                const char  *values_json,
                int          code,
                const char  *const *needles)
{
  g_autoptr(JsonObject) values = inb_test_parse_object (values_json);
  g_autoptr(GError) error = NULL;

  g_assert_false (inb_schema_validate (schema, values, &error));
  g_assert_error (error, INB_SCHEMA_ERROR, code);
  for (guint i = 0; needles[i] != NULL; i++)
    {
      if (strstr (error->message, needles[i]) == NULL)
        g_error ("“%s” does not mention “%s”", error->message, needles[i]);
    }
}

static void
test_schema_parse (void)
{
  g_autoptr(InbSchema) schema = make_schema ();
  const InbParamSpec *spec;

  g_assert_cmpuint (inb_schema_get_n_params (schema), ==, 6);
  /* document order is kept */
  g_assert_cmpstr (inb_schema_get_param (schema, 0)->name, ==, "duration");
  g_assert_cmpstr (inb_schema_get_param (schema, 5)->name, ==, "mode");

  spec = inb_schema_lookup (schema, "fps");
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->type, ==, INB_PARAM_INTEGER);
  g_assert_true (spec->has_minimum && spec->has_maximum);
  g_assert_cmpfloat (spec->minimum, ==, 8);
  g_assert_cmpfloat (spec->maximum, ==, 30);
  g_assert_cmpint (json_node_get_int (spec->default_value), ==, 16);

  spec = inb_schema_lookup (schema, "resolution");
  g_assert_cmpstrv (spec->enum_values, ((const char * const[]) { "480p", "720p", NULL }));
  g_assert_cmpstr (spec->enum_labels[1], ==, "HD");

  g_assert_true (inb_schema_lookup (schema, "mode")->required);
  g_assert_false (inb_schema_lookup (schema, "fps")->required);
  g_assert_cmpint (inb_schema_lookup (schema, "label")->max_length, ==, 5);
  g_assert_cmpstr (inb_schema_lookup (schema, "duration")->unit, ==, "s");
  g_assert_null (inb_schema_lookup (schema, "nope"));
}

static void
test_schema_valid (void)
{
  g_autoptr(InbSchema) schema = make_schema ();
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(GError) error = NULL;

  values = inb_test_parse_object ("{ \"mode\": \"x\", \"duration\": 1, \"fps\": 30, \"resolution\": \"480p\","
                                  "  \"loop\": true, \"label\": \"abcde\" }");
  g_assert_true (inb_schema_validate (schema, values, &error));
  g_assert_no_error (error);

  /* bounds are inclusive; a whole double is a valid integer */
  json_object_set_double_member (values, "duration", 10.0);
  json_object_set_double_member (values, "fps", 8.0);
  g_assert_true (inb_schema_validate (schema, values, &error));
  g_assert_no_error (error);

  /* five characters, counted as characters, not bytes */
  json_object_set_string_member (values, "label", "ééééé");
  g_assert_true (inb_schema_validate (schema, values, &error));
  g_assert_no_error (error);
}

static void
test_schema_bounds (void)
{
  g_autoptr(InbSchema) schema = make_schema ();

  /* the parameter by its title, what it can be, in its unit */
  assert_invalid (schema, "{ \"mode\": \"x\", \"duration\": 0.99 }", INB_SCHEMA_ERROR_OUT_OF_RANGE,
                  (const char *[]) { "Duration can be 1 to 10 seconds", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"duration\": 10.5 }", INB_SCHEMA_ERROR_OUT_OF_RANGE,
                  (const char *[]) { "Duration can be 1 to 10 seconds", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": 7 }", INB_SCHEMA_ERROR_OUT_OF_RANGE,
                  (const char *[]) { "Frame rate can be a whole number from 8 to 30 fps", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": 31 }", INB_SCHEMA_ERROR_OUT_OF_RANGE,
                  (const char *[]) { "Frame rate can be a whole number from 8 to 30 fps", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"resolution\": \"4k\" }", INB_SCHEMA_ERROR_NOT_IN_SET,
                  (const char *[]) { "Resolution can be 480p or 720p", NULL });
  /* no title: the key */
  assert_invalid (schema, "{ \"mode\": \"x\", \"label\": \"abcdef\" }", INB_SCHEMA_ERROR_TOO_LONG,
                  (const char *[]) { "label can be at most 5 characters long; this one has 6", NULL });
}

static void
test_schema_types (void)
{
  g_autoptr(InbSchema) schema = make_schema ();

  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": 16.5 }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "16.5 is not a whole number: Frame rate can be", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": \"16\" }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "is not a number: Frame rate", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"duration\": true }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "true is not a number: Duration can be 1 to 10 seconds", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"loop\": 1 }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "Loop can be true or false, not 1", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"resolution\": 720 }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "Resolution can be 480p or 720p, not 720", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"label\": null }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "label", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"label\": [\"a\"] }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "label", NULL });
  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": { \"v\": 1 } }", INB_SCHEMA_ERROR_WRONG_TYPE,
                  (const char *[]) { "Frame rate", NULL });
}

/* Every kind of parameter refused in the words an artist reads (issue
 * 12): the title, what it can be, its unit; the same sentence whether
 * the value came from the window (a JSON value) or from `--set` (text). */
static void
test_schema_messages (void)
{
  static const char *json =
    "{ \"properties\": {"
    "  \"duration\": { \"type\": \"number\", \"title\": \"Duration\", \"minimum\": 1, \"maximum\": 10,"
    "                  \"x-unit\": \"s\" },"
    "  \"cfg\": { \"type\": \"number\", \"title\": \"Guidance\", \"minimum\": 0.5, \"maximum\": 7.5 },"
    "  \"steps\": { \"type\": \"integer\", \"title\": \"Steps\", \"minimum\": 2, \"maximum\": 60 },"
    "  \"fps\": { \"type\": \"integer\", \"title\": \"Frame rate\", \"minimum\": 8, \"maximum\": 30,"
    "             \"x-unit\": \"fps\" },"
    "  \"width\": { \"type\": \"integer\", \"title\": \"Width\", \"minimum\": 256, \"maximum\": 1920,"
    "               \"multipleOf\": 16, \"x-unit\": \"px\" },"
    "  \"length\": { \"type\": \"integer\", \"title\": \"Frames\", \"minimum\": 5, \"maximum\": 161,"
    "                \"x-unit\": \"frames\", \"x-frame-rule\": \"4n+1\" },"
    "  \"seed\": { \"type\": \"integer\", \"title\": \"Seed\", \"minimum\": 0 },"
    "  \"strength\": { \"type\": \"number\", \"title\": \"Strength\", \"maximum\": 1 },"
    "  \"offset\": { \"type\": \"number\", \"title\": \"Offset\" },"
    "  \"resolution\": { \"type\": \"string\", \"title\": \"Resolution\", \"enum\": [\"480p\", \"720p\"] },"
    "  \"size\": { \"type\": \"string\", \"title\": \"Size\", \"enum\": [\"s\", \"m\", \"l\"] },"
    "  \"loop\": { \"type\": \"boolean\", \"title\": \"Loop\" },"
    "  \"note\": { \"type\": \"string\", \"title\": \"Note\", \"maxLength\": 1 }"
    "} }";
  static const struct { const char *name; const char *text; const char *message; } cases[] = {
    /* decimal, with a unit and without */
    { "duration", "100", "Duration can be 1 to 10 seconds" },
    { "duration", "0", "Duration can be 1 to 10 seconds" },
    { "duration", "abc", "“abc” is not a number: Duration can be 1 to 10 seconds" },
    { "duration", "", "Duration can be 1 to 10 seconds" },
    { "cfg", "8", "Guidance can be 0.5 to 7.5" },
    /* whole numbers */
    { "steps", "61", "Steps can be a whole number from 2 to 60" },
    { "steps", "2.5", "“2.5” is not a whole number: Steps can be a whole number from 2 to 60" },
    { "fps", "fast", "“fast” is not a number: Frame rate can be a whole number from 8 to 30 fps" },
    { "fps", "99", "Frame rate can be a whole number from 8 to 30 fps" },
    /* multiples */
    { "width", "830", "Width must be a multiple of 16 (try 816 or 832)" },
    { "width", "4000", "Width can be a whole number from 256 to 1920 pixels" },
    /* a frame rule */
    { "length", "82", "Frames can be 5, 9, 13 … 161 frames (try 81 or 85)" },
    /* one bound, none */
    { "seed", "-1", NULL },
    { "strength", "2", "Strength must be at most 1" },
    { "offset", "x", "“x” is not a number: Offset must be a number" },
    /* choices */
    { "resolution", "4k", "Resolution can be 480p or 720p" },
    { "size", "xl", "Size can be s, m or l" },
    /* on or off, text */
    { "loop", "maybe", "Loop can be true or false, not “maybe”" },
    { "note", "ab", "Note can be at most 1 character long; this one has 2" },
  };
  g_autoptr(JsonObject) object = inb_test_parse_object (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbSchema) schema = inb_schema_new_from_json (object, &error);

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = NULL;

      node = inb_schema_parse_value (schema, cases[i].name, cases[i].text, &error);
      g_assert_null (node);
      g_assert_nonnull (error);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_cmpstr (error->message, ==, "Seed must be a whole number, at least 0");
      g_clear_error (&error);
    }

  /* the window's path: a value, not text — the same sentence */
  {
    g_autoptr(JsonNode) hundred = json_node_init_double (json_node_alloc (), 100);
    g_autoptr(JsonNode) odd = json_node_init_int (json_node_alloc (), 830);

    g_assert_false (inb_schema_validate_value (schema, "duration", hundred, &error));
    g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE);
    g_assert_cmpstr (error->message, ==, "Duration can be 1 to 10 seconds");
    g_clear_error (&error);

    g_assert_false (inb_schema_validate_value (schema, "width", odd, &error));
    g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE);
    g_assert_cmpstr (error->message, ==, "Width must be a multiple of 16 (try 816 or 832)");
    g_clear_error (&error);
  }

  /* what passes */
  {
    g_autoptr(JsonNode) w = inb_schema_parse_value (schema, "width", "832", &error);

    g_assert_no_error (error);
    g_assert_cmpint (json_node_get_int (w), ==, 832);
  }
}

static void
test_schema_unknown_and_missing (void)
{
  g_autoptr(InbSchema) schema = make_schema ();

  /* An unknown key is reported even when another value is also wrong. */
  assert_invalid (schema, "{ \"mode\": \"x\", \"fps\": 99, \"fsp\": 16 }", INB_SCHEMA_ERROR_UNKNOWN_KEY,
                  (const char *[]) { "fsp", "duration, fps", NULL });
  assert_invalid (schema, "{ \"fps\": 16 }", INB_SCHEMA_ERROR_MISSING,
                  (const char *[]) { "mode", NULL });
}

static void
test_schema_parse_value (void)
{
  g_autoptr(InbSchema) schema = make_schema ();
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = inb_schema_parse_value (schema, "fps", "24", &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (node), ==, 24);
  json_node_unref (node);

  node = inb_schema_parse_value (schema, "duration", "2.5", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_node_get_double (node), ==, 2.5);
  json_node_unref (node);

  node = inb_schema_parse_value (schema, "loop", "yes", &error);
  g_assert_no_error (error);
  g_assert_true (json_node_get_boolean (node));
  json_node_unref (node);

  node = inb_schema_parse_value (schema, "resolution", "480p", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (node), ==, "480p");
  json_node_unref (node);

  g_assert_null (inb_schema_parse_value (schema, "fps", "24fps", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "24fps"));
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "fps", "", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "fps", "99999999999999999999999", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "duration", "nan", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "fps", "40", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "loop", "maybe", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (inb_schema_parse_value (schema, "colour", "red", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_UNKNOWN_KEY);
  g_assert_nonnull (strstr (error->message, "colour"));
}

static void
test_schema_complete (void)
{
  g_autoptr(InbSchema) schema = make_schema ();
  g_autoptr(JsonObject) values = inb_test_parse_object ("{ \"fps\": 24.0, \"mode\": \"m\" }");
  g_autoptr(JsonObject) complete = inb_schema_complete (schema, values);

  g_assert_cmpint (json_object_get_int_member (complete, "fps"), ==, 24);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (complete, "fps")), ==, G_TYPE_INT64);
  g_assert_cmpfloat (json_object_get_double_member (complete, "duration"), ==, 5.0);
  g_assert_cmpstr (json_object_get_string_member (complete, "resolution"), ==, "720p");
  g_assert_false (json_object_get_boolean_member (complete, "loop"));
  g_assert_cmpstr (json_object_get_string_member (complete, "mode"), ==, "m");
  /* no default, not given: absent */
  g_assert_false (json_object_has_member (complete, "label"));

  g_assert_cmpfloat (inb_params_get_double (complete, "duration", 0), ==, 5.0);
  g_assert_cmpint (inb_params_get_int (complete, "fps", 0), ==, 24);
  g_assert_cmpstr (inb_params_get_string (complete, "missing", "fallback"), ==, "fallback");
}

static void
test_schema_invalid_schemas (void)
{
  const char *bad[] = {
    "{ \"type\": \"object\" }",
    "{ \"properties\": { \"a\": { \"type\": \"float\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"minimum\": \"1\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"minimum\": 5, \"maximum\": 1 } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"default\": 50, \"maximum\": 10 } } }",
    "{ \"properties\": { \"a\": { \"type\": \"string\", \"enum\": [\"x\"], \"default\": \"y\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"string\", \"enum\": [\"x\"], \"x-enum-labels\": [\"X\", \"Y\"] } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"enum\": [\"1\"] } } }",
    "{ \"properties\": { \"a\": 3 } }",
    "{ \"properties\": { \"a\": { \"type\": \"string\" } }, \"required\": [\"b\"] }",
    /* frame rules: malformed, on numbers, an enum count that breaks it, a default that breaks it */
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"x-frame-rule\": \"4n\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"x-frame-rule\": \"n+1\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"number\", \"x-frame-rule\": \"4n+1\" } } }",
    "{ \"properties\": { \"a\": { \"type\": \"string\", \"x-frame-rule\": \"4n+1\", \"enum\": [\"81\", \"140\"] } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"x-frame-rule\": \"4n+1\", \"default\": 80 } } }",
    /* multiples: of nothing, on text, a default that breaks it */
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"multipleOf\": 0 } } }",
    "{ \"properties\": { \"a\": { \"type\": \"string\", \"multipleOf\": 2 } } }",
    "{ \"properties\": { \"a\": { \"type\": \"integer\", \"multipleOf\": 16, \"default\": 830 } } }",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) object = inb_test_parse_object (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(InbSchema) schema = inb_schema_new_from_json (object, &error);

      g_assert_null (schema);
      g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_INVALID_SCHEMA);
    }
}

/* Wan-family models make 4n+1 frames: 82 is refused with the counts on
 * either side, 81 and 85 pass, and the allowed set is spelled out. */
static void
test_schema_frame_rule (void)
{
  g_autoptr(JsonObject) object = inb_test_parse_object (
    "{ \"properties\": { \"length\": { \"type\": \"integer\", \"minimum\": 3, \"maximum\": 161,"
    "  \"default\": 81, \"x-unit\": \"frames\", \"x-frame-rule\": \"4n+1\" } } }");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbSchema) schema = inb_schema_new_from_json (object, &error);
  g_autoptr(JsonNode) ok = json_node_init_int (json_node_alloc (), 85);
  g_autoptr(JsonNode) low = json_node_init_int (json_node_alloc (), 5);
  g_autoptr(JsonNode) bad = json_node_init_int (json_node_alloc (), 82);
  g_autofree char *allowed = NULL;
  const char *needles[] = { "length can be 5, 9, 13 … 161 frames (try 81 or 85)", NULL };

  g_assert_no_error (error);
  g_assert_cmpuint (inb_schema_lookup (schema, "length")->frame_multiple, ==, 4);
  allowed = inb_param_spec_describe_allowed (inb_schema_lookup (schema, "length"));
  g_assert_cmpstr (allowed, ==, "a frame count from 3 to 161 of the form 4n+1 (5, 9, 13, …)");

  g_assert_true (inb_schema_validate_value (schema, "length", ok, &error));
  g_assert_no_error (error);
  g_assert_true (inb_schema_validate_value (schema, "length", low, &error));
  g_assert_no_error (error);

  g_assert_false (inb_schema_validate_value (schema, "length", bad, &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE);
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (error->message, needles[i]) == NULL)
      g_error ("“%s” does not mention “%s”", error->message, needles[i]);
  g_clear_error (&error);

  /* the CLI path: text parsed then checked */
  g_assert_null (inb_schema_parse_value (schema, "length", "80", &error));
  g_assert_error (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_OUT_OF_RANGE);
}

/* On a duration in seconds the rule rounds the frame count the duration
 * makes at the rate (5 s at 16 fps: 81; at 15 fps 75 intervals → 77);
 * the duration itself is any number in range. */
static void
test_schema_frame_rule_duration (void)
{
  g_autoptr(JsonObject) object = inb_test_parse_object (
    "{ \"properties\": { \"duration\": { \"type\": \"number\", \"minimum\": 0.5, \"maximum\": 10,"
    "  \"default\": 5, \"x-unit\": \"s\", \"x-frame-rule\": \"4n+1\" } } }");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbSchema) schema = inb_schema_new_from_json (object, &error);
  g_autoptr(JsonNode) odd = json_node_init_double (json_node_alloc (), 3.3);
  const InbParamSpec *spec;

  g_assert_no_error (error);
  spec = inb_schema_lookup (schema, "duration");
  g_assert_cmpuint (spec->frame_multiple, ==, 4);
  g_assert_true (inb_schema_validate_value (schema, "duration", odd, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (inb_param_spec_frames_for_duration (spec, 5, 16), ==, 81);
  g_assert_cmpuint (inb_param_spec_frames_for_duration (spec, 5, 15), ==, 77);
  g_assert_cmpuint (inb_param_spec_frames_for_duration (spec, 2.5, 16), ==, 41);
  g_assert_cmpuint (inb_param_spec_frames_for_duration (spec, 0.1, 16), ==, 5);
  /* without a rule: every interval */
  g_assert_cmpuint (inb_param_spec_frames_for_duration (NULL, 5, 15), ==, 76);
}

/* A clip's length: every frame shown for 1 / fps, the last one too, as
 * the encoded file says (test-video's /video/length-as-discovered). */
static void
test_clip_length (void)
{
  g_assert_cmpfloat (inb_clip_length (49, 16), ==, 3.0625);
  g_assert_cmpfloat (inb_clip_length (81, 16), ==, 5.0625);
  g_assert_cmpfloat (inb_clip_length (1, 16), ==, 0.0625);
  g_assert_cmpfloat_with_epsilon (inb_clip_length (81, 24000.0 / 1001), 3.37837, 1e-5);
  /* a 5 s duration parameter asks for 81 frames, which play 5.06 s */
  g_assert_cmpfloat (inb_clip_length (inb_param_spec_frames_for_duration (NULL, 5, 16), 16), ==, 5.0625);
  /* unknown */
  g_assert_cmpfloat (inb_clip_length (0, 16), ==, 0);
  g_assert_cmpfloat (inb_clip_length (49, 0), ==, 0);
  g_assert_cmpfloat (inb_clip_length (49, -16), ==, 0);
  g_assert_cmpfloat (inb_clip_length (49, NAN), ==, 0);
}

static void
test_schema_local_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  InbModel *model;
  InbSchema *schema;
  g_autoptr(JsonObject) complete = NULL;
  const char *names[] = { "duration", "fps", "resolution", "fit", "easing", "loop" };

  models = inb_model_list_new_from_resource ("/io/github/inbetween/Inbetween/schemas/local.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 1);

  model = g_ptr_array_index (models, 0);
  schema = inb_model_get_schema (model);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (inb_schema_lookup (schema, names[i]));

  complete = inb_schema_complete (schema, NULL);
  g_assert_cmpfloat (json_object_get_double_member (complete, "duration"), ==, 5.0);
  g_assert_cmpint (json_object_get_int_member (complete, "fps"), ==, 16);
  g_assert_cmpstr (json_object_get_string_member (complete, "resolution"), ==, "720p");
  g_assert_cmpstr (json_object_get_string_member (complete, "fit"), ==, "crop");
  g_assert_cmpstr (json_object_get_string_member (complete, "easing"), ==, "linear");
  g_assert_cmpint (inb_model_get_prompt_max_length (model), ==, 0);
  g_assert_cmpuint (inb_model_get_size_alignment (model), ==, 8);
}

static InbModel *
find_model (GPtrArray  *models,
            const char *id)
{
  for (guint i = 0; i < models->len; i++)
    if (g_str_equal (inb_model_get_id (g_ptr_array_index (models, i)), id))
      return g_ptr_array_index (models, i);

  g_error ("No model %s", id);
}

/* In the child: the catalogue of tests/i18n/xx.po (built by msgfmt) as
 * language "xx"; the real DashScope schema, read after that, speaks it
 * wherever it has a translation (through g_dgettext: the strings reach
 * translators through resources/schemas/schema-strings.c), and English
 * elsewhere. */
static void
test_schema_translated_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(JsonObject) source = NULL;
  g_autofree char *mo = g_test_build_filename (G_TEST_BUILT, "inbetween-xx.mo", NULL);
  g_autofree char *dir = g_dir_make_tmp ("inb-schema-i18n-XXXXXX", &error);
  g_autofree char *messages = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  InbModel *model;
  const InbParamSpec *resolution;
  const InbParamSpec *watermark;

  g_assert_no_error (error);
  messages = g_build_filename (dir, "xx", "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
  copy = g_build_filename (messages, GETTEXT_PACKAGE ".mo", NULL);
  g_file_get_contents (mo, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);

  /* Not "C", where gettext ignores LANGUAGE; no textdomain() call, so the
   * lookups below only work through g_dgettext (GETTEXT_PACKAGE, …). */
  g_setenv ("LANGUAGE", "xx", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, dir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  models = inb_model_list_new_from_resource (RESOURCE_BASE "/schemas/dashscope.json", &error);
  g_assert_no_error (error);
  model = find_model (models, "wan2.2-kf2v-flash");
  g_assert_cmpstr (inb_model_get_title (model), ==, "Ŵan 2.2 ƒirst+last ƒrame (flash) [xx]");
  g_assert_cmpstr (inb_model_get_description (model), ==, "[xx] the model's description");

  resolution = inb_schema_lookup (inb_model_get_schema (model), "resolution");
  g_assert_cmpstr (resolution->title, ==, "Résolution [xx]");
  g_assert_cmpstr (resolution->description, ==, "[xx] the resolution's description");
  g_assert_cmpstr (resolution->enum_labels[0], ==, "480P");
  g_assert_cmpstr (resolution->enum_labels[1], ==, "720P (ĤD) [xx]");
  g_assert_cmpstr (resolution->enum_labels[2], ==, "1080P (Full HD)");
  /* The values sent stay as they are */
  g_assert_cmpstr (resolution->enum_values[1], ==, "720P");
  /* Untranslated strings stay English */
  watermark = inb_schema_lookup (inb_model_get_schema (model), "watermark");
  g_assert_cmpstr (watermark->title, ==, "Watermark");

  /* What machines read (`backends --json`) is the schema as written */
  source = inb_model_to_json (model);
  g_assert_cmpstr (json_object_get_string_member (source, "title"), ==, "Wan 2.2 first+last frame (flash)");

  inb_test_rm_rf (dir);
}

/* The locale is the process's: the lookups run in a child of their own. */
static void
test_schema_translated (void)
{
  if (g_test_subprocess ())
    {
      test_schema_translated_child ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_frame_size (void)
{
  g_autoptr(GError) error = NULL;
  guint w = 0, h = 0;

  g_assert_true (inb_frame_size_for_resolution ("720p", 1280, 720, 16, &w, &h, &error));
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);

  g_assert_true (inb_frame_size_for_resolution ("480p", 1920, 1080, 16, &w, &h, &error));
  g_assert_cmpuint (h, ==, 480);
  g_assert_cmpuint (w, ==, 848);   /* 853.3 to the nearest multiple of 16 */

  g_assert_true (inb_frame_size_for_resolution ("1080p", 1280, 720, 8, &w, &h, &error));
  g_assert_cmpuint (w, ==, 1920);
  g_assert_cmpuint (h, ==, 1080);

  /* portrait: the short side is the width */
  g_assert_true (inb_frame_size_for_resolution ("720p", 1080, 1920, 16, &w, &h, &error));
  g_assert_cmpuint (w, ==, 720);
  g_assert_cmpuint (h, ==, 1280);

  g_assert_true (inb_frame_size_for_resolution ("source", 1001, 599, 8, &w, &h, &error));
  g_assert_cmpuint (w, ==, 1000);
  g_assert_cmpuint (h, ==, 592);
  g_assert_no_error (error);

  g_assert_false (inb_frame_size_for_resolution ("4k", 1280, 720, 16, &w, &h, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/parse", test_schema_parse);
  g_test_add_func ("/schema/valid", test_schema_valid);
  g_test_add_func ("/schema/bounds", test_schema_bounds);
  g_test_add_func ("/schema/types", test_schema_types);
  g_test_add_func ("/schema/messages", test_schema_messages);
  g_test_add_func ("/schema/unknown-and-missing", test_schema_unknown_and_missing);
  g_test_add_func ("/schema/parse-value", test_schema_parse_value);
  g_test_add_func ("/schema/complete", test_schema_complete);
  g_test_add_func ("/schema/invalid-schemas", test_schema_invalid_schemas);
  g_test_add_func ("/schema/frame-rule", test_schema_frame_rule);
  g_test_add_func ("/schema/frame-rule-duration", test_schema_frame_rule_duration);
  g_test_add_func ("/schema/clip-length", test_clip_length);
  g_test_add_func ("/schema/local-resource", test_schema_local_resource);
  g_test_add_func ("/schema/frame-size", test_frame_size);
  g_test_add_func ("/schema/translated", test_schema_translated);

  return g_test_run ();
}
