/* test-comfyui.c — the ComfyUI backend against tests/fakes/fake-comfyui.py
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shipped workflows checked node by node against the inputs recorded
 * in ../shared/research/comfyui.md (tests/fakes/comfyui-nodes.json: every
 * required input set, every link to an existing node's output of the
 * right type, every literal in range or in its list); building a graph
 * (seed, split, frame count, size, files, prompts); reading the server's
 * outputs (every form, hostile names refused); its binary frames; the
 * import of a workflow of one's own. Then whole jobs against the fake: a
 * clip with progress over both passes, previews and an ETA; pre-flight
 * failures that send nothing; an out-of-memory error, an interrupt on the
 * server, a file that is no video, a cancel while running and while
 * waiting, an older server, a dropped socket, a socket open but silent, a
 * busy queue, a restart losing the history, a success whose history has
 * no outputs, a download that stalls, a lost submit answer, dropped
 * outputs, resume by prompt id — and exactly one POST /prompt per job in
 * every case.
 */
#define G_LOG_DOMAIN "test-comfyui"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-comfyui-api.h"
#include "inb-comfyui-backend.h"
#include "inb-comfyui-job.h"
#include "inb-comfyui-socket.h"
#include "inb-comfyui-workflow.h"
#include "inb-http.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"

/* The stall limit of the tests that stall, far below the 30 s default: a
 * live call that a loaded machine's fake answers late is given up and
 * asked again (or, a submit, found by its id), which these tests allow */
#define TEST_STALL_LIMIT_S 3

static const char * const models[] = { "wan2.2-flf2v", "wan2.2-flf2v-lightning", "wan2.1-flf2v" };

/* Helpers -------------------------------------------------------------------- */

static JsonObject *
load_catalogue (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fakes", "comfyui-nodes.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  root = inb_test_parse_object (contents);
  return json_object_ref (json_object_get_object_member (root, "nodes"));
}

static JsonObject *
parse (const char *text)
{
  return inb_test_parse_object (text);
}

static InbComfyuiBackend *
new_backend (void)
{
  return INB_COMFYUI_BACKEND (inb_comfyui_backend_new ());
}

/* The literal at @node.@input of @graph */
static JsonNode *
graph_input (JsonObject *graph,
             const char *node,
             const char *input)
{
  JsonObject *n = json_object_get_object_member (graph, node);

  g_assert_nonnull (n);
  return json_object_get_member (json_object_get_object_member (n, "inputs"), input);
}

/* The outputs a 200 answer's node_errors drop, in one sentence: each
 * output named with its class (from the graph), and why — its own error,
 * or the error of a node above it (named) — as ComfyUI lists them in
 * dependent_outputs; a server that lists none names the nodes in error. */
static void
test_dropped_words (void)
{
  g_autoptr(JsonObject) graph = parse (
    "{\"8\": {\"class_type\": \"VAEDecode\", \"inputs\": {}},"
    " \"12\": {\"class_type\": \"SaveImage\", \"inputs\": {}},"
    " \"95\": {\"class_type\": \"LoraLoaderModelOnly\", \"inputs\": {}},"
    " \"96\": {\"class_type\": \"CLIPTextEncode\", \"inputs\": {}},"
    " \"97\": {\"class_type\": \"SaveWEBM\", \"inputs\": {}}}");
  g_autoptr(JsonObject) own = parse (
    "{\"12\": {\"errors\": [{\"type\": \"required_input_missing\", \"message\": \"Required input is missing\","
    " \"details\": \"images\", \"extra_info\": {\"input_name\": \"images\"}}],"
    " \"dependent_outputs\": [\"12\"], \"class_type\": \"SaveImage\"}}");
  g_autoptr(JsonObject) above = parse (
    "{\"95\": {\"errors\": [{\"type\": \"value_not_in_list\", \"message\": \"Value not in list\","
    " \"details\": \"lora_name: 'x.safetensors' not in []\", \"extra_info\": {\"input_name\": \"lora_name\","
    " \"received_value\": \"x.safetensors\"}}], \"dependent_outputs\": [\"97\"], \"class_type\": \"LoraLoaderModelOnly\"},"
    " \"96\": {\"errors\": [{\"type\": \"return_type_mismatch\", \"message\": \"Return type mismatch between linked nodes\","
    " \"details\": \"clip, received_type(VAE) mismatch input_type(CLIP)\", \"extra_info\": {\"input_name\": \"clip\"}}],"
    " \"dependent_outputs\": [\"12\", \"97\"], \"class_type\": \"CLIPTextEncode\"}}");
  g_autoptr(JsonObject) unlisted = parse (
    "{\"12\": {\"errors\": [{\"type\": \"required_input_missing\", \"message\": \"Required input is missing\","
    " \"details\": \"images\", \"extra_info\": {}}], \"class_type\": \"SaveImage\"}}");
  g_autoptr(JsonObject) none = parse ("{}");
  g_autofree char *one = inb_comfyui_describe_dropped (own, graph);
  g_autofree char *two = inb_comfyui_describe_dropped (above, graph);
  g_autofree char *old = inb_comfyui_describe_dropped (unlisted, NULL);
  g_autofree char *nothing = inb_comfyui_describe_dropped (none, graph);

  g_assert_cmpstr (one, ==, "ComfyUI dropped 1 output: node 12 (SaveImage) — Required input is missing: images");
  g_assert_cmpstr (two, ==, "ComfyUI dropped 2 outputs: node 12 (SaveImage) — node 96 (CLIPTextEncode): Return type "
                            "mismatch between linked nodes: clip, received_type(VAE) mismatch input_type(CLIP); "
                            "node 97 (SaveWEBM) — x.safetensors is not in loras on the server, node 96 (CLIPTextEncode): "
                            "Return type mismatch between linked nodes: clip, received_type(VAE) mismatch input_type(CLIP)");
  g_assert_cmpstr (old, ==, "ComfyUI dropped 1 output: node 12 (SaveImage) — Required input is missing: images");
  g_assert_null (nothing);
}

/* Templates ---------------------------------------------------------------- */

/* A literal against its input's spec: in range, in its list */
static void
check_literal (const char *where,
               JsonArray  *config,
               JsonNode   *value)
{
  JsonNode *kind = json_array_get_element (config, 0);
  JsonObject *opts = json_array_get_length (config) > 1 ? json_array_get_object_element (config, 1) : NULL;

  if (JSON_NODE_HOLDS_ARRAY (kind))
    {
      JsonArray *choices = json_node_get_array (kind);
      gboolean found = FALSE;

      g_assert_true (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING);
      for (guint i = 0; i < json_array_get_length (choices); i++)
        found |= g_strcmp0 (json_array_get_string_element (choices, i), json_node_get_string (value)) == 0;
      if (!found)
        g_error ("%s = “%s” is not one of its choices", where, json_node_get_string (value));
      return;
    }

  if (g_str_has_prefix (json_node_get_string (kind), "x-folder:") || g_str_equal (json_node_get_string (kind), "STRING"))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        g_error ("%s is not text", where);
      return;
    }

  if (g_str_equal (json_node_get_string (kind), "INT") || g_str_equal (json_node_get_string (kind), "FLOAT"))
    {
      double d;

      if (!JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
        g_error ("%s is not a number", where);
      d = json_node_get_double (value);
      if (g_str_equal (json_node_get_string (kind), "INT") && d != (double) (gint64) d)
        g_error ("%s is not a whole number", where);
      if (opts != NULL && json_object_has_member (opts, "min") && d < json_object_get_double_member (opts, "min"))
        g_error ("%s = %g is below its minimum", where, d);
      /* ComfyUI's seeds go up to 2^64 - 1, past what json-glib reads as
       * an int64: a maximum below the minimum is no bound at all here */
      if (opts != NULL && json_object_has_member (opts, "max") &&
          json_object_get_double_member (opts, "max") >= json_object_get_double_member_with_default (opts, "min", 0) &&
          d > json_object_get_double_member (opts, "max"))
        g_error ("%s = %g is above its maximum", where, d);
    }
}

static void
check_graph_against_catalogue (const char *model_id,
                               JsonObject *graph,
                               JsonObject *catalogue)
{
  g_autoptr(GList) ids = json_object_get_members (graph);
  guint outputs = 0;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = json_object_get_object_member (graph, l->data);
      const char *klass = json_object_get_string_member (node, "class_type");
      JsonObject *inputs = json_object_get_object_member (node, "inputs");
      JsonObject *spec = json_object_has_member (catalogue, klass) ? json_object_get_object_member (catalogue, klass) : NULL;
      JsonObject *spec_inputs;
      const char *groups[] = { "required", "optional" };
      g_autoptr(GList) names = NULL;

      if (spec == NULL)
        g_error ("%s: node %s is a %s, which comfyui.md does not record", model_id, (const char *) l->data, klass);
      g_assert_false (json_object_has_member (spec, "x-custom"));
      spec_inputs = json_object_get_object_member (spec, "input");
      outputs += json_object_get_boolean_member (spec, "output_node");

      /* every required input present */
      {
        JsonObject *required = json_object_get_object_member (spec_inputs, "required");
        g_autoptr(GList) wanted = json_object_get_members (required);

        for (GList *w = wanted; w != NULL; w = w->next)
          if (!json_object_has_member (inputs, w->data))
            g_error ("%s: node %s (%s) lacks its required input %s", model_id, (const char *) l->data, klass,
                     (const char *) w->data);
      }

      /* every input set is one the node has, links valid, literals valid */
      names = json_object_get_members (inputs);
      for (GList *n = names; n != NULL; n = n->next)
        {
          JsonNode *value = json_object_get_member (inputs, n->data);
          g_autofree char *where = g_strdup_printf ("%s: %s.%s", model_id, (const char *) l->data, (const char *) n->data);
          JsonArray *config = NULL;

          for (guint g = 0; g < G_N_ELEMENTS (groups) && config == NULL; g++)
            if (json_object_has_member (spec_inputs, groups[g]) &&
                json_object_has_member (json_object_get_object_member (spec_inputs, groups[g]), n->data))
              config = json_object_get_array_member (json_object_get_object_member (spec_inputs, groups[g]), n->data);
          if (config == NULL)
            g_error ("%s is not an input of %s", where, klass);

          if (JSON_NODE_HOLDS_ARRAY (value))
            {
              JsonArray *link = json_node_get_array (value);
              const char *source = json_array_get_string_element (link, 0);
              gint64 index = json_array_get_int_element (link, 1);
              JsonObject *source_node;
              JsonArray *source_outputs;
              JsonNode *wanted = json_array_get_element (config, 0);

              g_assert_cmpuint (json_array_get_length (link), ==, 2);
              if (!json_object_has_member (graph, source))
                g_error ("%s links to node %s, which is not in the graph", where, source);
              source_node = json_object_get_object_member (graph, source);
              source_outputs = json_object_get_array_member (
                json_object_get_object_member (catalogue, json_object_get_string_member (source_node, "class_type")), "output");
              if (index < 0 || index >= json_array_get_length (source_outputs))
                g_error ("%s links to output %" G_GINT64_FORMAT " of node %s, which has %u", where, index, source,
                         json_array_get_length (source_outputs));
              g_assert_true (JSON_NODE_HOLDS_VALUE (wanted));
              if (g_strcmp0 (json_array_get_string_element (source_outputs, index), json_node_get_string (wanted)) != 0)
                g_error ("%s takes %s but is linked to a %s", where, json_node_get_string (wanted),
                         json_array_get_string_element (source_outputs, index));
            }
          else
            check_literal (where, config, value);
        }
    }

  g_assert_cmpuint (outputs, ==, 1);
}

/* Every shipped workflow is a valid graph for the nodes comfyui.md
 * records, and its bindings name real, literal inputs. */
static void
test_templates (void)
{
  g_autoptr(JsonObject) catalogue = load_catalogue ();
  g_autoptr(InbComfyuiBackend) backend = new_backend ();
  const char * const keys[] = { "first_image", "last_image", "prompt", "negative_prompt", "seed",
                                "width", "height", "length", "fps", "steps", "cfg", "shift", "sampler", "scheduler" };

  g_assert_cmpuint (inb_backend_get_models (INB_BACKEND (backend))->len, >=, G_N_ELEMENTS (models));
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      InbComfyuiWorkflow *workflow = inb_comfyui_backend_get_workflow (backend, models[i]);
      JsonObject *graph;
      const char *output;

      g_assert_nonnull (workflow);
      graph = inb_comfyui_workflow_get_graph (workflow);
      check_graph_against_catalogue (models[i], graph, catalogue);

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          GPtrArray *refs = inb_comfyui_workflow_lookup (workflow, keys[k]);

          if (refs == NULL || refs->len == 0)
            g_error ("%s: nothing is bound to %s", models[i], keys[k]);
        }

      /* the output is an output node; the passes are samplers */
      output = inb_comfyui_workflow_get_output (workflow);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (graph, output), "class_type"), ==, "SaveVideo");
      for (guint p = 0; inb_comfyui_workflow_get_passes (workflow)[p] != NULL; p++)
        g_assert_true (g_str_has_prefix (json_object_get_string_member (
          json_object_get_object_member (graph, inb_comfyui_workflow_get_passes (workflow)[p]), "class_type"), "KSampler"));
    }

  /* Wan 2.2: two passes split by steps, seed on the high-noise sampler only */
  g_assert_cmpuint (g_strv_length ((GStrv) inb_comfyui_workflow_get_passes (inb_comfyui_backend_get_workflow (backend, "wan2.2-flf2v"))), ==, 2);
  g_assert_cmpuint (inb_comfyui_workflow_lookup (inb_comfyui_backend_get_workflow (backend, "wan2.2-flf2v"), "seed")->len, ==, 1);
  g_assert_cmpuint (g_strv_length ((GStrv) inb_comfyui_workflow_get_passes (inb_comfyui_backend_get_workflow (backend, "wan2.1-flf2v"))), ==, 1);
}

/* The checker itself refuses what it should */
static void
test_templates_checker_fails (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(JsonObject) catalogue = load_catalogue ();
      g_autoptr(JsonObject) graph = parse (
        "{\"1\": {\"class_type\": \"VAELoader\", \"inputs\": {\"vae_name\": \"v\"}},"
        " \"2\": {\"class_type\": \"VAEDecode\", \"inputs\": {\"samples\": [\"1\", 0], \"vae\": [\"1\", 0]}},"
        " \"3\": {\"class_type\": \"SaveVideo\", \"inputs\": {\"video\": [\"2\", 0], \"filename_prefix\": \"x\", \"format\": \"auto\", \"codec\": \"auto\"}}}");

      check_graph_against_catalogue ("broken", graph, catalogue);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*takes LATENT but is linked to a VAE*");
}

/* Building ---------------------------------------------------------------------- */

static InbRequest *
make_request (InbBackend *backend,
              const char *model_id,
              const char *prompt,
              const char *negative,
              const char *params_json)
{
  InbModel *model = inb_backend_find_model (backend, model_id);
  g_autoptr(JsonObject) given = parse (params_json != NULL ? params_json : "{}");
  g_autoptr(JsonObject) complete = NULL;
  g_autoptr(InbImage) first = inb_test_gradient_image (832, 480, 10);
  g_autoptr(InbImage) last = inb_test_gradient_image (832, 480, 200);
  InbRequest *request;

  g_assert_nonnull (model);
  complete = inb_schema_complete (inb_model_get_schema (model), given);
  json_object_set_int_member (complete, "seed", 4242);
  request = inb_request_new ("comfyui", model_id);
  inb_request_set_prompt (request, prompt);
  inb_request_set_negative_prompt (request, negative);
  inb_request_set_params (request, complete);
  inb_request_set_seed (request, 4242);
  inb_request_set_keyframes (request, first, last);
  return request;
}

static void
test_build (void)
{
  g_autoptr(InbComfyuiBackend) backend = new_backend ();
  InbComfyuiWorkflow *workflow = inb_comfyui_backend_get_workflow (backend, "wan2.2-flf2v");
  InbModel *model = inb_backend_find_model (INB_BACKEND (backend), "wan2.2-flf2v");
  g_autoptr(InbRequest) request = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "a balloon rises", NULL,
                                                "{\"steps\": 7, \"duration\": 5, \"fps\": 15, \"cfg\": 3.5,"
                                                " \"shift\": 6.5, \"sampler\": \"uni_pc\", \"scheduler\": \"beta\","
                                                " \"low_noise_model\": \"wan/low.safetensors\"}");
  g_autoptr(InbComfyuiBuilt) built = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *graph;

  built = inb_comfyui_workflow_build (workflow, model, request, 832, 480, "up-first.png", "up (1).png",
                                      "official negative", &error);
  g_assert_no_error (error);
  graph = built->graph;

  g_assert_cmpstr (json_node_get_string (graph_input (graph, "80", "image")), ==, "up-first.png");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "89", "image")), ==, "up (1).png");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "90", "text")), ==, "a balloon rises");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "78", "text")), ==, "official negative");
  g_assert_cmpstr (built->negative, ==, "official negative");
  /* the seed goes to the sampler that adds noise, not the other */
  g_assert_cmpint (json_node_get_int (graph_input (graph, "84", "noise_seed")), ==, 4242);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "87", "noise_seed")), ==, 0);
  /* 7 steps: 4 then 3, the split moved with them */
  g_assert_cmpint (json_node_get_int (graph_input (graph, "84", "steps")), ==, 7);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "87", "steps")), ==, 7);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "84", "end_at_step")), ==, 4);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "87", "start_at_step")), ==, 4);
  g_assert_cmpuint (built->pass_steps->len, ==, 2);
  g_assert_cmpuint (g_array_index (built->pass_steps, guint, 0), ==, 4);
  g_assert_cmpuint (g_array_index (built->pass_steps, guint, 1), ==, 3);
  /* 5 s at 15 fps: 75 intervals, rounded to Wan's 4n+1 */
  g_assert_cmpint (json_node_get_int (graph_input (graph, "81", "length")), ==, 77);
  g_assert_cmpuint (built->n_frames, ==, 77);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "81", "width")), ==, 832);
  g_assert_cmpint (json_node_get_int (graph_input (graph, "81", "height")), ==, 480);
  g_assert_cmpfloat (json_node_get_double (graph_input (graph, "86", "fps")), ==, 15);
  g_assert_cmpfloat (json_node_get_double (graph_input (graph, "84", "cfg")), ==, 3.5);
  g_assert_cmpfloat (json_node_get_double (graph_input (graph, "87", "cfg")), ==, 3.5);
  /* shift on both models, sampler and scheduler on both passes */
  g_assert_cmpfloat (json_node_get_double (graph_input (graph, "73", "shift")), ==, 6.5);
  g_assert_cmpfloat (json_node_get_double (graph_input (graph, "74", "shift")), ==, 6.5);
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "84", "sampler_name")), ==, "uni_pc");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "87", "sampler_name")), ==, "uni_pc");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "84", "scheduler")), ==, "beta");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "87", "scheduler")), ==, "beta");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "77", "unet_name")), ==, "wan/low.safetensors");
  g_assert_cmpstr (json_node_get_string (graph_input (graph, "76", "unet_name")), ==,
                   "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors");

  /* the template itself never changes */
  g_assert_cmpint (json_node_get_int (graph_input (inb_comfyui_workflow_get_graph (workflow), "84", "end_at_step")), ==, 10);
  g_assert_cmpstr (json_node_get_string (graph_input (inb_comfyui_workflow_get_graph (workflow), "80", "image")), ==,
                   "inbetween-first.png");

  /* a negative prompt of one's own wins over the default */
  {
    g_autoptr(InbRequest) own = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "x", "blurry", NULL);
    g_autoptr(InbComfyuiBuilt) b = inb_comfyui_workflow_build (workflow, model, own, 832, 480, "a", "b", "official", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_node_get_string (graph_input (b->graph, "78", "text")), ==, "blurry");
    /* 20 steps: 10 and 10 */
    g_assert_cmpint (json_node_get_int (graph_input (b->graph, "84", "end_at_step")), ==, 10);
    g_assert_cmpint (json_node_get_int (graph_input (b->graph, "81", "length")), ==, 81);
  }

  /* a model file that would leave its folder is refused */
  {
    g_autoptr(InbRequest) bad = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "x", NULL,
                                              "{\"vae\": \"../../etc/passwd\"}");
    g_autoptr(InbComfyuiBuilt) b = inb_comfyui_workflow_build (workflow, model, bad, 832, 480, "a", "b", NULL, &error);

    g_assert_null (b);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "vae"));
  }
}

/* Sends GET @url through @client with a cancellable already cancelled:
 * CANCELLED means the transport policy let it through (nothing goes out
 * either way) */
static GError *
policy_says (InbHttpClient *client,
             const char    *url)
{
  g_autoptr(InbHttpRequest) request = inb_http_request_new ("GET", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(InbHttpResponse) response = NULL;
  GError *error = NULL;

  g_cancellable_cancel (cancellable);
  response = inb_http_client_send (client, request, cancellable, &error);
  g_assert_null (response);
  g_assert_nonnull (error);
  return error;
}

/* A server on the artist's network over plain http: the address they
 * typed is usable, with a warning in words; the client speaks plain http
 * to that host and port only, nowhere else */
static void
test_plain_http (void)
{
  g_autoptr(InbComfyuiBackend) backend = new_backend ();
  g_autoptr(InbRequest) request = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "x", NULL, NULL);
  g_autofree char *output = g_build_filename (g_get_tmp_dir (), "inb-comfyui-plain-http.mp4", NULL);
  g_autofree char *warning = inb_comfyui_api_address_warning ("http://192.0.2.7:8188");
  g_autoptr(GError) error = NULL;
  const char *refused[] = { "http://192.0.2.8:8188/system_stats", "http://192.0.2.7:9999/system_stats",
                            "http://me@192.0.2.7:8188/system_stats" };

  /* usable, and said to be readable on the network */
  g_assert_true (inb_comfyui_api_check_address ("http://192.0.2.7:8188", &error));
  g_assert_no_error (error);
  inb_backend_set_base_url (INB_BACKEND (backend), "http://192.0.2.7:8188");
  inb_request_set_output_path (request, output);
  g_assert_true (inb_backend_validate (INB_BACKEND (backend), request, &error));
  g_assert_no_error (error);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "http://192.0.2.7:8188 is plain http to another computer"));
  g_assert_null (inb_comfyui_api_address_warning ("http://127.0.0.1:8188"));
  g_assert_null (inb_comfyui_api_address_warning ("https://gpu.example:8188"));
  g_assert_false (inb_comfyui_api_check_address ("http://me:secret@192.0.2.7:8188", NULL));
  g_assert_false (inb_comfyui_api_check_address ("ftp://192.0.2.7:8188", NULL));

  /* the client: that origin in plain http, and only it */
  {
    InbComfyuiApi *api = inb_comfyui_api_new ("http://192.0.2.7:8188/");
    InbHttpClient *client = inb_comfyui_api_get_client (api);
    g_autoptr(InbHttpClient) strict = inb_http_client_new ();
    g_autoptr(GError) through = policy_says (client, "http://192.0.2.7:8188/system_stats");
    g_autoptr(GError) strict_error = policy_says (strict, "http://192.0.2.7:8188/system_stats");

    g_assert_error (through, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_error (strict_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK);
    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(GError) e = policy_says (client, refused[i]);

        if (!g_error_matches (e, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK))
          g_error ("%s went through: %s", refused[i], e->message);
        g_assert_nonnull (strstr (e->message, "Refused an unencrypted connection"));
      }
    inb_comfyui_api_free (api);
  }
}

/* Validation before anything is sent: sizes, file names, frame counts,
 * the address. */
static void
test_validate (void)
{
  g_autoptr(InbComfyuiBackend) backend = new_backend ();
  struct { const char *params; const char *needle; } cases[] = {
    { "{\"size\": \"custom\", \"width\": 830}", "multiple of 16" },
    { "{\"text_encoder\": \"/abs/umt5.safetensors\"}", "text_encoder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "x", NULL, cases[i].params);
      g_autoptr(GError) error = NULL;

      inb_request_set_output_path (request, "/nonexistent/clip.mp4");
      g_assert_false (inb_backend_validate (INB_BACKEND (backend), request, &error));
      g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].needle);
    }

  /* plain http to another computer: refused in words, naming it */
  {
    g_autoptr(InbRequest) request = make_request (INB_BACKEND (backend), "wan2.2-flf2v", "x", NULL, NULL);
    g_autoptr(GError) error = NULL;

    inb_backend_set_base_url (INB_BACKEND (backend), "ftp://192.0.2.7:8188");
    g_assert_false (inb_backend_validate (INB_BACKEND (backend), request, &error));
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "ftp://192.0.2.7:8188"));
  }

  /* what the provider is */
  g_assert_cmpstr (inb_backend_get_id (INB_BACKEND (backend)), ==, "comfyui");
  g_assert_false (inb_backend_takes_key (INB_BACKEND (backend)));
  g_assert_cmpstr (inb_backend_get_default_url (INB_BACKEND (backend), NULL), ==, "http://127.0.0.1:8188");
  g_assert_cmpint (inb_backend_get_lost_submit_lookup (INB_BACKEND (backend)), ==, INB_LOST_SUBMIT_OWN_ID);
  g_assert_cmpuint (inb_backend_get_result_lifetime_hours (INB_BACKEND (backend)), ==, 0);
  g_assert_true (inb_backend_can_check (INB_BACKEND (backend)));
  g_assert_nonnull (inb_backend_find_command (INB_BACKEND (backend), "import"));
}

/* Outputs ------------------------------------------------------------------------ */

static void
test_outputs (void)
{
  struct { const char *outputs; const char *node; const char *filename; const char *subfolder; } good[] = {
    /* SaveVideo: videos live under images, flagged animated */
    { "{\"83\": {\"images\": [{\"filename\": \"inbetween_00001_.mp4\", \"subfolder\": \"video\", \"type\": \"output\"}],"
      " \"animated\": [true]}}", "83", "inbetween_00001_.mp4", "video" },
    /* VHS_VideoCombine: under gifs */
    { "{\"9\": {\"gifs\": [{\"filename\": \"AnimateDiff_00002.mp4\", \"subfolder\": \"\", \"type\": \"output\","
      " \"format\": \"video/h264-mp4\", \"frame_rate\": 16, \"workflow\": \"x.png\", \"fullpath\": \"/o/x\"}]}}",
      NULL, "AnimateDiff_00002.mp4", "" },
    /* videos, leniently; newer builds add members */
    { "{\"5\": {\"videos\": [{\"filename\": \"clip.webm\", \"subfolder\": \"a/b\", \"type\": \"temp\", \"asset\": {}}]}}",
      "5", "clip.webm", "a/b" },
    /* the output node's, not another node's still image */
    { "{\"3\": {\"images\": [{\"filename\": \"still.png\", \"subfolder\": \"\", \"type\": \"output\"}]},"
      " \"83\": {\"images\": [{\"filename\": \"v.mp4\", \"subfolder\": \"\", \"type\": \"output\"}], \"animated\": [true]}}",
      NULL, "v.mp4", "" },
  };
  struct { const char *outputs; const char *needle; } bad[] = {
    { "{\"83\": {\"images\": [{\"filename\": \"../../.bashrc.mp4\", \"subfolder\": \"\", \"type\": \"output\"}], \"animated\": [true]}}",
      "leaves its folder" },
    { "{\"83\": {\"images\": [{\"filename\": \"/etc/passwd.mp4\", \"subfolder\": \"\", \"type\": \"output\"}], \"animated\": [true]}}",
      "leaves its folder" },
    { "{\"83\": {\"images\": [{\"filename\": \"x.mp4\", \"subfolder\": \"../..\", \"type\": \"output\"}], \"animated\": [true]}}",
      "leaves its folder" },
    { "{\"83\": {\"images\": [{\"filename\": \"a\\\\..\\\\b.mp4\", \"subfolder\": \"\", \"type\": \"output\"}], \"animated\": [true]}}",
      "leaves its folder" },
    { "{\"83\": {\"gifs\": [{\"filename\": \"x.mp4\", \"subfolder\": \"\", \"type\": \"input\"}]}}",
      "type" },
    { "{\"83\": {\"images\": [{\"filename\": \"x.webp\", \"subfolder\": \"\", \"type\": \"output\"}], \"animated\": [true]}}",
      "animated image" },
    { "{\"83\": {\"images\": [{\"filename\": \"x.mp4\", \"subfolder\": \"\", \"type\": \"output\"}]}}",
      "saved no video" },
    { "{}", "saved no video" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(JsonObject) outputs = parse (good[i].outputs);
      g_autoptr(GError) error = NULL;
      g_autoptr(InbComfyuiFile) file = inb_comfyui_find_clip (outputs, good[i].node, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (file->filename, ==, good[i].filename);
      g_assert_cmpstr (file->subfolder, ==, good[i].subfolder);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) outputs = parse (bad[i].outputs);
      g_autoptr(GError) error = NULL;
      g_autoptr(InbComfyuiFile) file = inb_comfyui_find_clip (outputs, "83", &error);

      g_assert_null (file);
      g_assert_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, bad[i].needle);
    }
}

/* Binary frames: previews (with and without metadata), text, malformed */
static void
test_binary (void)
{
  static const guint8 plain[] = { 0, 0, 0, 1, 0, 0, 0, 2, 0x89, 'P', 'N', 'G' };
  static const guint8 text[] = { 0, 0, 0, 3, 0, 0, 0, 2, '8', '4', 'h', 'i' };
  static const guint8 short_frame[] = { 0, 0, 0, 1, 0, 0 };
  static const guint8 bad_format[] = { 0, 0, 0, 1, 0, 0, 0, 9, 1, 2 };
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  const char *json = "{\"node_id\": \"84\", \"prompt_id\": \"p-1\", \"image_type\": \"image/jpeg\"}";
  guint8 header[8] = { 0, 0, 0, 4, 0, 0, 0, (guint8) strlen (json) };
  GBytes *image = NULL;
  char *prompt_id = NULL;
  GError *error = NULL;
  g_autoptr(GBytes) b1 = g_bytes_new_static (plain, sizeof plain);
  g_autoptr(GBytes) b2 = NULL;
  g_autoptr(GBytes) b3 = g_bytes_new_static (text, sizeof text);
  g_autoptr(GBytes) b4 = g_bytes_new_static (short_frame, sizeof short_frame);
  g_autoptr(GBytes) b5 = g_bytes_new_static (bad_format, sizeof bad_format);

  g_assert_true (inb_comfyui_parse_binary (b1, &image, &prompt_id, &error));
  g_assert_cmpuint (g_bytes_get_size (image), ==, 4);
  g_assert_null (prompt_id);
  g_clear_pointer (&image, g_bytes_unref);

  g_byte_array_append (meta, header, 8);
  g_byte_array_append (meta, (const guint8 *) json, strlen (json));
  g_byte_array_append (meta, (const guint8 *) "\xff\xd8jpeg", 6);
  b2 = g_bytes_new (meta->data, meta->len);
  g_assert_true (inb_comfyui_parse_binary (b2, &image, &prompt_id, &error));
  g_assert_cmpuint (g_bytes_get_size (image), ==, 6);
  g_assert_cmpstr (prompt_id, ==, "p-1");
  g_clear_pointer (&image, g_bytes_unref);
  g_clear_pointer (&prompt_id, g_free);

  g_assert_true (inb_comfyui_parse_binary (b3, &image, &prompt_id, &error));
  g_assert_null (image);

  g_assert_false (inb_comfyui_parse_binary (b4, &image, &prompt_id, &error));
  g_clear_error (&error);
  g_assert_false (inb_comfyui_parse_binary (b5, &image, &prompt_id, &error));
  g_clear_error (&error);

  /* a JSON length past the end */
  meta->data[7] = 200;
  {
    g_autoptr(GBytes) b6 = g_bytes_new (meta->data, meta->len);

    g_assert_false (inb_comfyui_parse_binary (b6, &image, &prompt_id, &error));
    g_clear_error (&error);
  }
}

static GBytes *
encode (InbImage   *image,
        const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                                          (int) inb_image_get_width (image),
                                                          (int) inb_image_get_height (image),
                                                          (int) inb_image_get_stride (image));
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, format, &error, NULL));
  return g_bytes_new_take (buffer, size);
}

/* Previews decode to RGB, scaled down while decoding; anything else is refused */
static void
test_preview_decode (void)
{
  g_autoptr(InbImage) source = inb_test_gradient_image (208, 120, 77);
  g_autoptr(GBytes) png = encode (source, "png");
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");
  g_autoptr(GBytes) junk = g_bytes_new_static ("<html>no</html>", 15);
  g_autoptr(InbImage) a = NULL;
  g_autoptr(InbImage) b = NULL;
  g_autoptr(InbImage) c = NULL;
  g_autoptr(GError) error = NULL;

  a = inb_comfyui_decode_preview (png, 1280, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inb_image_get_width (a), ==, 208);
  g_assert_cmpfloat (inb_test_psnr (a, source), >, 60.0);

  b = inb_comfyui_decode_preview (jpeg, 104, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inb_image_get_width (b), ==, 104);
  g_assert_cmpuint (inb_image_get_height (b), ==, 60);

  c = inb_comfyui_decode_preview (junk, 1280, &error);
  g_assert_null (c);
  g_assert_nonnull (error);
}

/* Import: where a take's parts go in a workflow of one's own */
static void
test_detect (void)
{
  g_autoptr(InbComfyuiBackend) backend = new_backend ();
  const struct { const char *model; const char *first; const char *last; const char *prompt; const char *seed; const char *output; } expect[] = {
    { "wan2.2-flf2v", "80.image", "89.image", "90.text", "84.noise_seed", "83" },
    { "wan2.2-flf2v-lightning", "68.image", "62.image", "6.text", "57.noise_seed", "61" },
    { "wan2.1-flf2v", "52.image", "72.image", "6.text", "90.seed", "92" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      JsonObject *graph = inb_comfyui_workflow_get_graph (inb_comfyui_backend_get_workflow (backend, expect[i].model));
      g_autoptr(GString) report = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) bindings = inb_comfyui_detect_bindings (graph, report, &error);
      JsonObject *bind;
      g_autoptr(JsonObject) entry = NULL;
      g_autoptr(InbComfyuiWorkflow) workflow = NULL;

      g_assert_no_error (error);
      bind = json_object_get_object_member (bindings, "bind");
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (bind, "first_image"), 0), ==, expect[i].first);
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (bind, "last_image"), 0), ==, expect[i].last);
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (bind, "prompt"), 0), ==, expect[i].prompt);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bind, "seed")), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (bind, "seed"), 0), ==, expect[i].seed);
      g_assert_cmpstr (json_object_get_string_member (bindings, "output"), ==, expect[i].output);
      g_assert_true (json_object_has_member (bind, "length"));
      g_assert_true (json_object_has_member (bind, "fps"));

      workflow = inb_comfyui_workflow_new (graph, bindings, &error);
      g_assert_no_error (error);
      g_assert_cmpstrv (inb_comfyui_workflow_get_passes (workflow), inb_comfyui_workflow_get_passes (
        inb_comfyui_backend_get_workflow (backend, expect[i].model)));
      entry = inb_comfyui_imported_model_new ("mine", "Mine", graph, bindings, &error);
      g_assert_no_error (error);
      g_assert_true (json_object_has_member (json_object_get_object_member (json_object_get_object_member (entry, "parameters"),
                                                                            "properties"), "duration"));
    }

  /* the editor's format and a graph without keyframes are refused in words */
  {
    g_autoptr(JsonObject) editor = parse ("{\"nodes\": [], \"links\": [], \"version\": 0.4}");
    g_autoptr(JsonObject) no_images = parse (
      "{\"1\": {\"class_type\": \"SaveVideo\", \"inputs\": {\"video\": [\"1\", 0]}}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) b = inb_comfyui_detect_bindings (editor, NULL, &error);
    g_autoptr(JsonObject) b2 = NULL;
    g_autoptr(JsonObject) entry = NULL;

    g_assert_null (b);
    g_assert_nonnull (strstr (error->message, "Export (API)"));
    g_clear_error (&error);

    b2 = inb_comfyui_detect_bindings (no_images, NULL, &error);
    g_assert_no_error (error);
    entry = inb_comfyui_imported_model_new ("x", "x", no_images, b2, &error);
    g_assert_null (entry);
    g_assert_nonnull (strstr (error->message, "first keyframe"));
  }
}

/* Jobs against the fake ------------------------------------------------------------ */

typedef struct
{
  InbCloudFixture  cf;
  InbProgress     *progress;
  GPtrArray       *stages;
  double           last_fraction;
  gboolean         went_back;
  guint            previews;
  double           eta;
  GCancellable    *cancellable;
  char            *cancel_at;      /* cancel when a stage holds this */
  gboolean         leave;
  gboolean         ack_passes;     /* tell the fake each pass was seen */
  guint            passes_acked;
  gboolean         ack_queue;      /* tell the fake the queue was seen */
  gboolean         every_stage;    /* inb_progress_set_deliver_every_stage() */
  gint64           cancelled_at;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *scenario = data;
  g_autofree char *initial = NULL;
  g_autofree char *take = NULL;

  f->cf.tmpdir = g_dir_make_tmp ("test-comfyui-XXXXXX", &error);
  g_assert_no_error (error);
  f->cf.work_dir = g_build_filename (f->cf.tmpdir, "take", NULL);
  f->cf.output = g_build_filename (f->cf.tmpdir, "take", "clip.mp4", NULL);
  f->cf.clip = g_build_filename (f->cf.tmpdir, "served.mp4", NULL);
  g_mkdir_with_parents (f->cf.work_dir, 0700);
  inb_test_write_clip (f->cf.clip);

  if (scenario != NULL && *scenario != '\0')
    initial = g_strdup_printf ("{\"video_path\": \"%s\", \"step_ms\": 15, %s}", f->cf.clip, scenario);
  else
    initial = g_strdup_printf ("{\"video_path\": \"%s\", \"step_ms\": 15}", f->cf.clip);
  f->cf.fake = inb_fake_server_start ("fake-comfyui.py", initial);
  f->cf.backend = inb_comfyui_backend_new ();
  inb_backend_set_base_url (f->cf.backend, inb_fake_server_get_base_url (f->cf.fake));

  f->progress = inb_progress_new ();
  f->stages = g_ptr_array_new_with_free_func (g_free);
  f->eta = -1;
  f->cancellable = g_cancellable_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->progress);
  g_clear_pointer (&f->stages, g_ptr_array_unref);
  g_clear_object (&f->cancellable);
  g_free (f->cancel_at);
  inb_cloud_fixture_teardown (&f->cf, data);
}

/* Progress reaches the main context coalesced: a pass that went by while
 * the main loop did not run (a loaded machine: 60 ms can do) is never seen
 * there. With await_pass_seen the fake waits after each pass's first step
 * until told that @stage, seen here, is in that pass. */
static void
ack_pass (Fixture    *f,
          const char *stage)
{
  const char *pass = strstr (stage, "pass ");
  g_autofree char *script = NULL;
  guint n = 0;

  if (pass != NULL)
    n = (guint) g_ascii_strtoull (pass + strlen ("pass "), NULL, 10);
  else if (strstr (stage, "Sampling: step") != NULL)
    n = 1;
  if (n <= f->passes_acked)
    return;

  f->passes_acked = n;
  script = g_strdup_printf ("{\"pass_seen\": %u}", n);
  inb_fake_server_script (f->cf.fake, script);
}

static void
progress_changed_cb (InbProgress *progress,
                     Fixture     *f)
{
  g_autofree char *stage = inb_progress_dup_stage (progress);
  double fraction = inb_progress_get_fraction (progress);

  if (fraction < f->last_fraction)
    f->went_back = TRUE;
  f->last_fraction = fraction;
  if (inb_progress_get_eta (progress) > 0)
    f->eta = inb_progress_get_eta (progress);

  if (f->ack_passes && stage != NULL)
    ack_pass (f, stage);
  if (f->ack_queue && stage != NULL && strstr (stage, "ahead in the ComfyUI queue") != NULL)
    {
      inb_fake_server_script (f->cf.fake, "{\"queue_seen\": true}");
      f->ack_queue = FALSE;
    }
  if (stage != NULL && (f->stages->len == 0 || g_strcmp0 (g_ptr_array_index (f->stages, f->stages->len - 1), stage) != 0))
    g_ptr_array_add (f->stages, g_strdup (stage));

  if (f->cancel_at != NULL && stage != NULL && strstr (stage, f->cancel_at) != NULL &&
      !g_cancellable_is_cancelled (f->cancellable))
    {
      f->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (f->cancellable);
    }
}

static void
preview_cb (InbProgress *progress,
            GParamSpec  *pspec,
            Fixture     *f)
{
  g_autoptr(InbImage) preview = inb_progress_dup_preview (progress);

  if (preview != NULL)
    {
      g_assert_cmpuint (inb_image_get_width (preview), ==, 104);
      f->previews++;
    }
}

static gboolean
saw_stage (Fixture    *f,
           const char *needle)
{
  for (guint i = 0; i < f->stages->len; i++)
    if (strstr (g_ptr_array_index (f->stages, i), needle) != NULL)
      return TRUE;

  return FALSE;
}

static InbResult *
run (Fixture     *f,
     InbRequest  *request,
     GError     **error)
{
  InbTestWait w = { 0, };

  g_signal_connect (f->progress, "changed", G_CALLBACK (progress_changed_cb), f);
  g_signal_connect (f->progress, "notify::preview", G_CALLBACK (preview_cb), f);
  if (f->leave)
    inb_request_set_leave_remote (request, TRUE);

  /* Every stage reaches this main loop however late it runs, if asked
   * (the time left while sampling went by unseen when the main loop was
   * stalled); only while it runs: the job may go on a while after */
  inb_progress_set_deliver_every_stage (f->progress, f->every_stage);
  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_generate_async (f->cf.backend, request, f->progress, f->cancellable, inb_test_on_generated, &w);
  inb_test_wait_run (&w);
  g_main_loop_unref (w.loop);
  inb_progress_set_deliver_every_stage (f->progress, FALSE);
  /* what is left of progress, delivered */
  while (g_main_context_iteration (NULL, FALSE));
  g_signal_handlers_disconnect_by_data (f->progress, f);

  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

static InbRequest *
fixture_request (Fixture    *f,
                 const char *model,
                 const char *params)
{
  return inb_cloud_fixture_request (&f->cf, model, "a balloon drifts over the hills", 832, 480, params);
}

/* The prompt id the job chose: the one it recorded */
static char *
recorded_task_id (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbRemoteRecord) record = inb_remote_record_load (f->cf.work_dir, &error);

  g_assert_no_error (error);
  return g_strdup (record->task_id);
}

static JsonObject *
submitted_body (Fixture *f)
{
  JsonObject *r = inb_test_fake_find (f->cf.fake, "POST", "/prompt", 0);
  const char *body;

  g_assert_nonnull (r);
  body = json_object_get_string_member (r, "body");
  return parse (body);
}

/* A whole take on each shipped model: verified clip, one submit with our
 * ids after both uploads, progress over every pass, previews, an ETA. */
static void
test_generate (Fixture       *f,
               gconstpointer  data)
{
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, models[m], "{\"steps\": 6}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;
      g_autoptr(JsonObject) body = NULL;
      g_autofree char *task_id = NULL;
      g_autoptr(InbRemoteRecord) record = NULL;
      JsonObject *graph, *upload_info;
      InbComfyuiWorkflow *workflow = inb_comfyui_backend_get_workflow (INB_COMFYUI_BACKEND (f->cf.backend), models[m]);
      GPtrArray *first_refs = inb_comfyui_workflow_lookup (workflow, "first_image");
      InbComfyuiRef *first_ref = g_ptr_array_index (first_refs, 0);
      guint n_passes = g_strv_length ((GStrv) inb_comfyui_workflow_get_passes (workflow));

      inb_fake_server_reset (f->cf.fake);
      g_ptr_array_set_size (f->stages, 0);
      f->ack_passes = TRUE;
      f->passes_acked = 0;
      f->every_stage = TRUE;
      f->previews = 0;
      f->last_fraction = 0;
      f->eta = -1;
      g_unlink (f->cf.output);

      result = run (f, request, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpuint (inb_result_get_n_frames (result), ==, 8);

      /* one submit, after both uploads; the clip fetched after it */
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/upload/image"), ==, 2);
      g_assert_cmpint (inb_test_fake_index (f->cf.fake, "POST", "/upload/image", 1), <,
                       inb_test_fake_index (f->cf.fake, "POST", "/prompt", 0));
      g_assert_cmpint (inb_test_fake_index (f->cf.fake, "GET", "/ws", 0), <,
                       inb_test_fake_index (f->cf.fake, "POST", "/prompt", 0));
      g_assert_cmpint (inb_test_fake_index (f->cf.fake, "GET", "/view", 0), >,
                       inb_test_fake_index (f->cf.fake, "POST", "/prompt", 0));

      /* our own ids, recorded; the graph uses the names the server gave */
      body = submitted_body (f);
      task_id = recorded_task_id (f);
      g_assert_cmpstr (json_object_get_string_member (body, "prompt_id"), ==, task_id);
      g_assert_cmpstr (json_object_get_string_member (body, "client_id"), ==, task_id);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "extra_data"), "preview_method"), ==, "auto");
      graph = json_object_get_object_member (body, "prompt");
      upload_info = json_object_get_object_member (inb_test_fake_find (f->cf.fake, "POST", "/upload/image", 0), "info");
      g_assert_cmpstr (json_node_get_string (graph_input (graph, first_ref->node, first_ref->input)), ==,
                       json_object_get_string_member (upload_info, "name"));
      /* no negative prompt given: the official Wan negative, in Chinese */
      {
        GPtrArray *negative_refs = inb_comfyui_workflow_lookup (workflow, "negative_prompt");
        InbComfyuiRef *negative_ref = g_ptr_array_index (negative_refs, 0);

        g_assert_cmpstr (inb_request_get_negative_prompt (request), ==, "");
        g_assert_true (g_str_has_prefix (json_node_get_string (graph_input (graph, negative_ref->node,
                                                                            negative_ref->input)),
                                         "色调艳丽，过曝，静态，细节模糊不清，字幕"));
      }
      record = inb_remote_record_load (f->cf.work_dir, &error);
      g_assert_no_error (error);
      g_assert_cmpint (record->state, ==, INB_REMOTE_STATE_DONE);
      g_assert_nonnull (record->submitted);
      g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (result), "task_id"), ==, task_id);

      /* progress: forward only, every pass, previews and a time left */
      g_assert_false (f->went_back);
      g_assert_cmpfloat (f->last_fraction, ==, 1.0);
      if (n_passes == 2)
        {
          g_assert_true (saw_stage (f, "pass 1 of 2"));
          g_assert_true (saw_stage (f, "pass 2 of 2"));
        }
      else
        g_assert_true (saw_stage (f, "Sampling: step"));
      /* Progress is coalesced on its way to the main context: a short
       * download may be seen only as the check after it (the fetch itself
       * is the GET /view above) */
      g_assert_true (saw_stage (f, "Fetching the clip") || saw_stage (f, "Verifying the clip"));
      g_assert_cmpuint (f->previews, >=, 1);
      /* the time left goes with the progress, said by the app as for every
       * backend (/job/status: "about 1 h 20 min left"), not in the stage */
      g_assert_cmpfloat (f->eta, >, 0.0);
      g_assert_false (saw_stage (f, " left"));
      g_assert_false (saw_stage (f, " min"));
    }
}

/* Pre-flight: nothing uploaded, nothing queued, the missing thing named */
static void
test_preflight (Fixture       *f,
                gconstpointer  data)
{
  struct { const char *scenario; const char *model; const char *needles[3]; } cases[] = {
    { "{\"models_missing\": [\"wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors\"]}", "wan2.2-flf2v",
      { "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors is not in diffusion_models on the server", "Nothing was sent", NULL } },
    { "{\"models_missing\": [\"wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors\", \"wan_2.1_vae.safetensors\"]}",
      "wan2.2-flf2v-lightning",
      { "wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors is not in loras", "wan_2.1_vae.safetensors is not in vae", NULL } },
    { "{\"nodes_missing\": [\"WanFirstLastFrameToVideo\"]}", "wan2.1-flf2v",
      { "has no node “WanFirstLastFrameToVideo”", "custom node", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, cases[i].model, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, cases[i].scenario);
      result = run (f, request, &error);
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
      for (guint k = 0; cases[i].needles[k] != NULL; k++)
        if (strstr (error->message, cases[i].needles[k]) == NULL)
          g_error ("“%s” does not say “%s”", error->message, cases[i].needles[k]);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 0);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/upload"), ==, 0);
      g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
      inb_fake_server_script (f->cf.fake, "{\"models_missing\": [], \"nodes_missing\": []}");
    }
}

/* The server refuses the prompt itself (400): what pre-flight saw went
 * away before the submit. In words — the file and its folder, the node and
 * where to get it — sent once, nothing fetched. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  struct { const char *scenario; const char *needles[3]; } cases[] = {
    /* prompt_outputs_failed_validation, value_not_in_list */
    { "{\"vanish_on_upload\": {\"models\": [\"wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors\"]}}",
      { "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors is not in diffusion_models on the server",
        "nothing was queued", NULL } },
    { "{\"vanish_on_upload\": {\"models\": [\"umt5_xxl_fp8_e4m3fn_scaled.safetensors\"]}}",
      { "umt5_xxl_fp8_e4m3fn_scaled.safetensors is not in text_encoders on the server", NULL, NULL } },
    /* missing_node_type */
    { "{\"vanish_on_upload\": {\"nodes\": [\"WanFirstLastFrameToVideo\"]}}",
      { "has no node “WanFirstLastFrameToVideo”", "custom node", NULL } },
    /* an older server says it as invalid_prompt */
    { "{\"old_server\": true, \"vanish_on_upload\": {\"nodes\": [\"CreateVideo\"]}}",
      { "has no node “CreateVideo”", "Nothing was queued", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 6}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, cases[i].scenario);
      g_unlink (f->cf.output);
      result = run (f, request, &error);
      g_assert_null (result);
      g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
      for (guint k = 0; cases[i].needles[k] != NULL; k++)
        if (strstr (error->message, cases[i].needles[k]) == NULL)
          g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needles[k]);
      /* pre-flight passed: both keyframes went, then exactly one submit */
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/upload/image"), ==, 2);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 0);
      g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
      inb_fake_server_script (f->cf.fake, "{\"vanish_on_upload\": null, \"models_missing\": [],"
                                          " \"nodes_missing\": [], \"old_server\": false}");
    }
}

/* The server fails the prompt: the words, one submit, nothing fetched */
static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  struct { const char *scenario; GQuark domain; int code; const char *needles[3]; } cases[] = {
    { "{\"oom_at\": {\"step\": 2}}", 0, INB_BACKEND_ERROR_REMOTE,
      { "ran out of GPU memory", "Lightning", NULL } },
    { "{\"interrupt_at\": {\"step\": 2}}", 0, INB_BACKEND_ERROR_REMOTE,
      { "interrupted on the server", NULL, NULL } },
    { "{\"restart_at\": 2}", 0, INB_BACKEND_ERROR_REMOTE,
      { "no longer knows prompt", "restarted", NULL } },
    { "{\"hostile_filename\": \"../../../../home/artist/.bashrc.mp4\"}", INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
      { "leaves its folder", "nothing was fetched", NULL } },
    { "{\"hostile_subfolder\": \"/etc\"}", INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
      { "leaves its folder", NULL, NULL } },
    /* a success whose history has no outputs */
    { "{\"output_form\": \"none\"}", INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
      { "saved no video", NULL, NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 6}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, cases[i].scenario);
      result = run (f, request, &error);
      g_assert_null (result);
      {
        GQuark domain = cases[i].domain != 0 ? cases[i].domain : INB_BACKEND_ERROR;

        g_assert_error (error, domain, cases[i].code);
      }
      for (guint k = 0; cases[i].needles[k] != NULL; k++)
        if (strstr (error->message, cases[i].needles[k]) == NULL)
          g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].needles[k]);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 0);
      g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
      inb_fake_server_script (f->cf.fake, "{\"oom_at\": null, \"interrupt_at\": null, \"restart_at\": null,"
                                          " \"hostile_filename\": null, \"hostile_subfolder\": null,"
                                          " \"output_form\": \"auto\"}");
    }

  /* what the server hands over is no video: verified like every
   * download, set aside (not the take's clip), said with the prompt id */
  {
    g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 6}");
    g_autoptr(GError) error = NULL;
    g_autoptr(InbResult) result = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autofree char *bogus = g_build_filename (f->cf.tmpdir, "bogus.mp4", NULL);
    g_autofree char *scenario = NULL;
    g_autofree char *prompt_id = NULL;
    const char *name;
    guint n_set_aside = 0;

    g_assert_true (g_file_set_contents (bogus, "<html><body>502 Bad Gateway</body></html>", -1, NULL));
    scenario = g_strdup_printf ("{\"video_path\": \"%s\"}", bogus);
    inb_fake_server_reset (f->cf.fake);
    inb_fake_server_script (f->cf.fake, scenario);
    result = run (f, request, &error);
    g_assert_null (result);
    g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
    prompt_id = recorded_task_id (f);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "is not a playable video"));
    g_assert_nonnull (strstr (error->message, prompt_id));
    g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
    g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 1);
    g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
    dir = g_dir_open (f->cf.work_dir, 0, NULL);
    g_assert_nonnull (dir);
    while ((name = g_dir_read_name (dir)) != NULL)
      n_set_aside += g_str_has_suffix (name, ".quarantined");
    g_assert_cmpuint (n_set_aside, ==, 1);
    inb_fake_server_reset (f->cf.fake);
  }
}

/* Faults the job gets through: a dropped socket (polling, then the socket
 * again), a socket that stays open but says nothing (a stalled
 * connection: polling finds the end), a lost answer to the submit (found
 * by our id), an older server that mints its own ids, a busy queue
 * (other people's prompts first: said, then ours runs) — one submit
 * each, and the clip. */
static void
test_recovers (Fixture       *f,
               gconstpointer  data)
{
  const char *scenarios[] = {
    /* the fake goes on only once the socket has come back (a state, not
     * steps slow enough for it: under ASan or valgrind it was not) */
    "{\"drop_socket_at\": 2, \"await_reconnect\": true}",
    "{\"silent_socket\": true}",
    "{\"submit_drop\": true}",
    "{\"submit_500\": true}",
    "{\"old_server\": true}",
    /* the queue is said: the fake's prompts of another client run on
     * until this test saw it (await_queue_seen) */
    "{\"foreign_prompts\": 2, \"foreign_ms\": 300, \"await_queue_seen\": true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 8}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, scenarios[i]);
      g_unlink (f->cf.output);
      g_ptr_array_set_size (f->stages, 0);
      f->ack_queue = i == 5;
      result = run (f, request, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
      if (i == 0)
        g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/ws"), >=, 2);
      if (i == 4)
        {
          /* it followed the id the server gave, not ours */
          g_autoptr(JsonObject) body = submitted_body (f);
          g_autofree char *task_id = recorded_task_id (f);

          g_assert_cmpstr (json_object_get_string_member (body, "prompt_id"), !=, task_id);
        }
      if (i == 5 && !saw_stage (f, "prompts ahead in the ComfyUI queue"))
        g_error ("a busy queue was not said");
      inb_fake_server_script (f->cf.fake, "{\"drop_socket_at\": null, \"await_reconnect\": false, \"submit_drop\": false,"
                                          " \"submit_500\": false, \"old_server\": false, \"step_ms\": 15,"
                                          " \"silent_socket\": false, \"foreign_prompts\": 0,"
                                          " \"await_queue_seen\": false, \"queue_seen\": false}");
    }
}

/* A download that stalls half way (the connection held open, nothing
 * more sent): given up after the backend's stall limit (lowered here from
 * its 30 s, which the test would otherwise wait out), asked again from
 * where it stopped; the clip, verified, one submit. */
static void
test_stalled (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 4}");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbResult) result = NULL;
  JsonObject *second;
  guint limit = 0;
  gint64 started;

  g_object_get (f->cf.backend, "stall-limit", &limit, NULL);
  g_assert_cmpuint (limit, ==, 30);
  g_object_set (f->cf.backend, "stall-limit", TEST_STALL_LIMIT_S, NULL);
  inb_fake_server_script (f->cf.fake, "{\"stall_view_once\": true}");
  started = g_get_monotonic_time ();
  result = run (f, request, &error);
  g_test_message ("The job took %.1f s with a stall limit of %d s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, TEST_STALL_LIMIT_S);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_result_get_n_frames (result), ==, 8);
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 2);
  /* the second asked for the rest only */
  second = inb_test_fake_find (f->cf.fake, "GET", "/view", 1);
  g_assert_nonnull (inb_fake_request_get_header (second, "Range"));
  g_test_message ("Again with %s", inb_fake_request_get_header (second, "Range"));
}

/* Whether the fake held a request to @path_part unanswered (a stall) */
static gboolean
saw_stalled (Fixture    *f,
             const char *method,
             const char *path_part)
{
  JsonObject *request;

  for (guint i = 0; (request = inb_test_fake_find (f->cf.fake, method, path_part, i)) != NULL; i++)
    {
      JsonObject *info = json_object_get_object_member (request, "info");

      if (info != NULL && json_object_get_boolean_member_with_default (info, "stalled", FALSE))
        return TRUE;
    }

  return FALSE;
}

/* A server that takes a call and then says nothing (no byte, the
 * connection held open), at each step of a job: pre-flight's
 * /object_info, an /upload, the submit (queued, its answer lost), a
 * /history poll. Once: given up after the stall limit and the job goes
 * on (a GET or an upload asked again; the submit never, it is found by
 * our prompt id) to the clip. Every time: the job fails, in words, having
 * sent no prompt (pre-flight; an upload that always stalls is left out:
 * a body sent keeps curl's measured speed up for 5 s more, so its three
 * tries took 27 s here, and it fails the way pre-flight does), or having
 * sent one that the server does not have (a submit that queued nothing:
 * submit-unknown, not sent again). Exactly one POST /prompt in every case
 * that got that far. */
static void
test_api_stalls (Fixture       *f,
                 gconstpointer  data)
{
  const struct
  {
    const char *scenario;
    const char *method;
    const char *path;
    gboolean    recovers;
    guint       n_prompts;
    const char *words;      /* in the error, when it fails */
  } cases[] = {
    { "{\"stall\": {\"/object_info\": 1}}", "GET", "/object_info", TRUE, 1, NULL },
    { "{\"stall\": {\"/upload\": 1}}", "POST", "/upload", TRUE, 1, NULL },
    { "{\"stall\": {\"/prompt\": 1}}", "POST", "/prompt", TRUE, 1, NULL },
    { "{\"stall\": {\"/history\": 1}}", "GET", "/history", TRUE, 1, NULL },
    { "{\"stall\": {\"/object_info\": -1}}", "GET", "/object_info", FALSE, 0,
      "accepted the connection but did not answer within 3 s" },
    { "{\"stall\": {\"/prompt\": 1}, \"stall_unqueued\": true}", "POST", "/prompt", FALSE, 1,
      "it was not sent again" },
  };

  g_object_set (f->cf.backend, "stall-limit", TEST_STALL_LIMIT_S, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 4}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;
      gint64 started;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, "{\"stall\": {}, \"stall_unqueued\": false}");
      inb_fake_server_script (f->cf.fake, cases[i].scenario);
      g_unlink (f->cf.output);
      g_ptr_array_set_size (f->stages, 0);
      started = g_get_monotonic_time ();
      result = run (f, request, &error);
      g_test_message ("%s: %s after %.1f s (stall limit %d s)%s%s", cases[i].scenario,
                      result != NULL ? "the clip" : "failed",
                      (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, TEST_STALL_LIMIT_S,
                      error != NULL ? ": " : "", error != NULL ? error->message : "");

      /* the fake did hold the call */
      g_assert_true (saw_stalled (f, cases[i].method, cases[i].path));
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, cases[i].n_prompts);
      if (cases[i].recovers)
        {
          g_assert_no_error (error);
          g_assert_nonnull (result);
          g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
          /* the stalled call was given up and asked again, but a submit never is */
          if (g_strcmp0 (cases[i].path, "/prompt") != 0)
            g_assert_cmpuint (inb_test_fake_count (f->cf.fake, cases[i].method, cases[i].path), >=, 2);
        }
      else
        {
          g_assert_null (result);
          g_assert_nonnull (error);
          g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
          if (strstr (error->message, cases[i].words) == NULL)
            g_error ("“%s” does not say “%s”", error->message, cases[i].words);
          /* a server that took the call is not said to be absent */
          if (strstr (error->message, "Nothing answers") != NULL)
            g_error ("“%s” says nothing answers", error->message);
          /* said with the server's address */
          if (strstr (error->message, inb_fake_server_get_base_url (f->cf.fake)) == NULL &&
              strstr (error->message, "127.0.0.1") == NULL)
            g_error ("“%s” does not name the server", error->message);
          if (cases[i].n_prompts == 0)
            g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
        }
    }
  if (!saw_stage (f, "Submitting"))
    g_error ("no stage said the submit");
}

/* A /history that stalls on every poll while the prompt runs (the server
 * takes each call, then says nothing): the job stops after a few stalled
 * polls in a row, not after the 10 minutes a server that refuses
 * connections (restarting) is given; in words that say it accepted the
 * connection but did not answer within the stall limit, naming it.
 * About 35 s at load 10 (3 polls of 3 tries of 3 s); before, the job
 * polled on and the run's 60 s guard (inb_test_loop_run) failed it. */
static void
test_history_stalls (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 4}");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbResult) result = NULL;
  g_autofree char *words = g_strdup_printf ("ComfyUI at %s accepted the connection but did not answer within %d s",
                                            inb_fake_server_get_base_url (f->cf.fake), TEST_STALL_LIMIT_S);
  guint stalled = 0;
  JsonObject *poll;
  gint64 started;

  g_object_set (f->cf.backend, "stall-limit", TEST_STALL_LIMIT_S, NULL);
  inb_fake_server_script (f->cf.fake, "{\"stall\": {\"/history\": -1}}");
  started = g_get_monotonic_time ();
  result = run (f, request, &error);
  g_test_message ("%s after %.1f s (stall limit %d s): %s", result != NULL ? "the clip" : "failed",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, TEST_STALL_LIMIT_S,
                  error != NULL ? error->message : "");

  g_assert_null (result);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_NETWORK);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_assert_null (strstr (error->message, "Nothing answers"));
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
  /* every poll was held: at least the three in a row it took */
  for (guint i = 0; (poll = inb_test_fake_find (f->cf.fake, "GET", "/history", i)) != NULL; i++)
    {
      JsonObject *info = json_object_get_object_member (poll, "info");

      g_assert_true (info != NULL && json_object_get_boolean_member_with_default (info, "stalled", FALSE));
      stalled++;
    }
  g_assert_cmpuint (stalled, >=, 3);
  g_assert_false (g_file_test (f->cf.output, G_FILE_TEST_EXISTS));
}

/* Cancel while a call stalls, with a stall limit the test could never wait
 * out (an hour): during the submit (the POST given up at once, the prompt
 * found by its id, then interrupted there) and during a /history poll
 * (the poll given up at once; the cancel sent; the server's confirmation,
 * which stalls too, waited for a little only). Cancelled, never failed;
 * one POST /prompt each. */
static void
test_cancel_stalled (Fixture       *f,
                     gconstpointer  data)
{
  const struct
  {
    const char *scenario;
    const char *method;
    const char *path;
  } cases[] = {
    { "{\"stall\": {\"/prompt\": 1}, \"step_ms\": 100}", "POST", "/prompt" },
    { "{\"stall\": {\"/history\": -1}, \"step_ms\": 100}", "GET", "/history" },
  };

  g_object_set (f->cf.backend, "stall-limit", 3600, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 40}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;
      g_autofree char *prompt_id = NULL;
      g_autofree char *cancel_path = NULL;
      double latency = -1;

      inb_fake_server_reset (f->cf.fake);
      inb_fake_server_script (f->cf.fake, "{\"stall\": {}, \"stall_unqueued\": false}");
      inb_fake_server_script (f->cf.fake, cases[i].scenario);
      result = inb_cloud_fixture_generate_cancel_on (&f->cf, request, cases[i].method, cases[i].path, &latency, &error);
      g_test_message ("%s: cancelled %.1f s after the stalled call was seen", cases[i].scenario, latency);
      g_assert_null (result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_true (saw_stalled (f, cases[i].method, cases[i].path));
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 0);

      /* the prompt, queued, was cancelled at the server */
      prompt_id = g_strdup (json_object_get_string_member (
        json_object_get_object_member (inb_test_fake_find (f->cf.fake, "POST", "/prompt", 0), "info"), "prompt_id"));
      cancel_path = g_strdup_printf ("/api/jobs/%s/cancel", prompt_id);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", cancel_path), ==, 1);
    }
}

static JsonObject *
server_history (Fixture    *f,
                const char *prompt_id)
{
  g_autofree char *url = g_strdup_printf ("%s/history/%s", inb_fake_server_get_base_url (f->cf.fake), prompt_id);
  g_autoptr(InbHttpClient) client = inb_http_client_new ();
  g_autoptr(InbHttpRequest) request = inb_http_request_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = inb_http_client_send_json (client, request, NULL, NULL, &error);
  JsonObject *root;

  g_assert_no_error (error);
  root = json_node_get_object (node);
  if (!json_object_has_member (root, prompt_id))
    return NULL;

  return json_object_ref (json_object_get_object_member (root, prompt_id));
}

static gboolean
history_says (JsonObject *entry,
              const char *event)
{
  JsonArray *messages = json_object_get_array_member (json_object_get_object_member (entry, "status"), "messages");

  for (guint i = 0; i < json_array_get_length (messages); i++)
    if (g_str_equal (json_array_get_string_element (json_array_get_array_element (messages, i), 0), event))
      return TRUE;

  return FALSE;
}

/* Cancel while sampling: that prompt is interrupted at the server (the
 * jobs API, or /interrupt {prompt_id} on an older server), and the job
 * ends cancelled once the server says it stopped. */
static void
test_cancel_running (Fixture       *f,
                     gconstpointer  data)
{
  gboolean old[] = { FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 40}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;
      g_autoptr(JsonObject) history = NULL;
      g_autoptr(JsonObject) body = NULL;
      g_autofree char *path = NULL;
      g_autofree char *prompt_id = NULL;

      inb_fake_server_reset (f->cf.fake);
      /* the fake holds the first pass at its first step until the
       * prompt is interrupted: cancelled while sampling however late
       * this main loop sees the pass */
      inb_fake_server_script (f->cf.fake, old[i] ? "{\"old_server\": true, \"await_pass_seen\": true}"
                                                 : "{\"old_server\": false, \"await_pass_seen\": true}");
      g_clear_object (&f->cancellable);
      f->cancellable = g_cancellable_new ();
      g_free (f->cancel_at);
      f->cancel_at = g_strdup ("pass 1 of 2: step");

      result = run (f, request, &error);
      g_assert_null (result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "GET", "/view"), ==, 0);

      body = submitted_body (f);
      prompt_id = g_strdup (json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->cf.fake, "POST", "/prompt", 0), "info"), "prompt_id"));
      /* The job stops waiting for the server's word after its own
       * deadline (which a slow run, e.g. under valgrind, can reach): the
       * server must still come to say that this prompt was interrupted. */
      for (gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;; g_usleep (50 * 1000))
        {
          g_clear_pointer (&history, json_object_unref);
          history = server_history (f, prompt_id);
          if ((history != NULL && history_says (history, "execution_interrupted")) ||
              g_get_monotonic_time () > end)
            break;
        }
      g_assert_nonnull (history);
      g_assert_true (history_says (history, "execution_interrupted"));
      if (old[i])
        {
          JsonObject *interrupt = inb_test_fake_find (f->cf.fake, "POST", "/interrupt", 0);

          g_assert_nonnull (interrupt);
          if (strstr (json_object_get_string_member (interrupt, "body"), prompt_id) == NULL)
            g_error ("/interrupt with “%s”, not %s", json_object_get_string_member (interrupt, "body"), prompt_id);
        }
      else
        {
          path = g_strdup_printf ("/api/jobs/%s/cancel", prompt_id);
          g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", path), ==, 1);
          g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/interrupt"), ==, 0);
        }
    }
}

/* Cancel while other people's prompts run first: ours is taken out of
 * the queue, never run, and nothing else is interrupted. */
static void
test_cancel_pending (Fixture       *f,
                     gconstpointer  data)
{
  gboolean old[] = { FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 6}");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbResult) result = NULL;
      g_autoptr(JsonObject) history = NULL;
      g_autofree char *prompt_id = NULL;

      inb_fake_server_reset (f->cf.fake);
      /* the other client's prompts run on until ours left the queue */
      inb_fake_server_script (f->cf.fake, old[i] ? "{\"old_server\": true, \"foreign_prompts\": 2, \"await_queue_seen\": true}"
                                                 : "{\"old_server\": false, \"foreign_prompts\": 2, \"await_queue_seen\": true}");
      g_clear_object (&f->cancellable);
      f->cancellable = g_cancellable_new ();
      g_free (f->cancel_at);
      f->cancel_at = g_strdup ("ahead in the ComfyUI queue");

      result = run (f, request, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      prompt_id = g_strdup (json_object_get_string_member (json_object_get_object_member (inb_test_fake_find (f->cf.fake, "POST", "/prompt", 0), "info"), "prompt_id"));
      history = server_history (f, prompt_id);
      g_assert_null (history);   /* never ran */
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/interrupt"), ==, 0);
      if (old[i])
        g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/queue"), ==, 1);
      g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
    }
}

/* Left running (the app quits), then resumed by its id: the clip, and
 * still one submit; an id the server never saw is said to be unknown. */
static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = fixture_request (f, "wan2.2-flf2v", "{\"steps\": 30}");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbResult) result = NULL;
  g_autoptr(InbRemoteRecord) record = NULL;
  g_autoptr(JsonObject) remote = NULL;
  InbTestWait w = { 0, };

  f->leave = TRUE;
  f->cancel_at = g_strdup ("pass 1 of 2: step");
  /* left while the first pass runs: the fake holds it at its first step
   * until told, however late this main loop sees it */
  inb_fake_server_script (f->cf.fake, "{\"await_pass_seen\": true}");
  result = run (f, request, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  inb_fake_server_script (f->cf.fake, "{\"pass_seen\": 2}");
  record = inb_remote_record_load (f->cf.work_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, INB_REMOTE_STATE_SUBMITTED);
  g_assert_nonnull (record->task_id);

  remote = inb_remote_record_to_json (record);
  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_resume_async (f->cf.backend, request, remote, f->progress, NULL, inb_test_on_resumed, &w);
  inb_test_wait_run (&w);
  g_main_loop_unref (w.loop);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.result);
  g_clear_object (&w.result);
  g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);

  /* an intent whose submit never went out */
  {
    g_autoptr(InbRemoteRecord) intent = inb_remote_record_new ();
    g_autoptr(JsonObject) state = NULL;
    InbTestWait w2 = { 0, };

    intent->state = INB_REMOTE_STATE_SUBMITTING;
    intent->service = g_strdup ("comfyui");
    intent->model = g_strdup ("wan2.2-flf2v");
    intent->task_id = g_uuid_string_random ();
    state = inb_remote_record_to_json (intent);
    w2.loop = g_main_loop_new (NULL, FALSE);
    inb_backend_resume_async (f->cf.backend, request, state, NULL, NULL, inb_test_on_resumed, &w2);
    inb_test_wait_run (&w2);
    g_main_loop_unref (w2.loop);
    g_assert_null (w2.result);
    g_assert_error (w2.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
    g_assert_nonnull (strstr (w2.error->message, "does not know prompt"));
    g_assert_nonnull (strstr (w2.error->message, "nothing was sent again"));
    g_clear_error (&w2.error);
    g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
  }
}

/* A workflow of one's own: VHS Video Combine (clip under "gifs"), and a
 * second output the server drops (node_errors on a 200 answer). */
static void
test_imported (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(InbComfyuiBackend) source = new_backend ();
  g_autoptr(JsonObject) graph = NULL;
  g_autoptr(JsonObject) bindings = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = g_build_filename (f->cf.tmpdir, "data", "inbetween", "comfyui", "workflows", NULL);
  g_autofree char *path = g_build_filename (dir, "vhs.json", NULL);
  g_autoptr(InbRequest) request = NULL;
  g_autoptr(InbResult) result = NULL;
  const char *dropped;

  /* the lightning template, saved with Video Combine and a second output
   * whose LoRA the server lacks */
  graph = json_object_ref (inb_comfyui_workflow_get_graph (inb_comfyui_backend_get_workflow (source, "wan2.2-flf2v-lightning")));
  root = json_node_init_object (json_node_alloc (), graph);
  {
    g_autofree char *text = json_to_string (root, FALSE);
    g_autoptr(JsonObject) copy = parse (text);

    json_object_remove_member (copy, "60");
    json_object_remove_member (copy, "61");
    json_object_set_object_member (copy, "70", parse (
      "{\"class_type\": \"VHS_VideoCombine\", \"inputs\": {\"images\": [\"8\", 0], \"frame_rate\": 16, \"loop_count\": 0,"
      " \"filename_prefix\": \"Wan\", \"format\": \"video/h264-mp4\", \"pingpong\": false, \"save_output\": true}}"));
    json_object_set_object_member (copy, "95", parse (
      "{\"class_type\": \"LoraLoaderModelOnly\", \"inputs\": {\"model\": [\"37\", 0], \"lora_name\": \"not-there.safetensors\","
      " \"strength_model\": 1}}"));
    json_object_set_object_member (copy, "96", parse (
      "{\"class_type\": \"ModelSamplingSD3\", \"inputs\": {\"model\": [\"95\", 0], \"shift\": 5}}"));
    json_object_set_object_member (copy, "97", parse (
      "{\"class_type\": \"SaveWEBM\", \"inputs\": {\"images\": [\"98\", 0], \"filename_prefix\": \"x\", \"codec\": \"vp9\","
      " \"fps\": 16, \"crf\": 32}}"));
    json_object_set_object_member (copy, "98", parse (
      "{\"class_type\": \"VAEDecode\", \"inputs\": {\"samples\": [\"99\", 0], \"vae\": [\"39\", 0]}}"));
    json_object_set_object_member (copy, "99", parse (
      "{\"class_type\": \"KSamplerAdvanced\", \"inputs\": {\"model\": [\"96\", 0], \"add_noise\": \"enable\", \"noise_seed\": 1,"
      " \"steps\": 4, \"cfg\": 1, \"sampler_name\": \"euler\", \"scheduler\": \"simple\", \"positive\": [\"67\", 0],"
      " \"negative\": [\"67\", 1], \"latent_image\": [\"67\", 2], \"start_at_step\": 0, \"end_at_step\": 4,"
      " \"return_with_leftover_noise\": \"disable\"}}"));
    g_clear_pointer (&graph, json_object_unref);
    graph = json_object_ref (copy);
  }

  bindings = inb_comfyui_detect_bindings (graph, NULL, &error);
  g_assert_no_error (error);
  json_object_set_string_member (bindings, "output", "70");
  entry = inb_comfyui_imported_model_new ("vhs", "VHS", graph, bindings, &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (dir, 0700);
  g_clear_pointer (&root, json_node_unref);
  root = json_node_init_object (json_node_alloc (), entry);
  json_generator_set_root (generator, root);
  g_assert_true (json_generator_to_file (generator, path, &error));

  inb_comfyui_backend_set_workflows_dir (INB_COMFYUI_BACKEND (f->cf.backend), dir);
  inb_backend_set_base_url (f->cf.backend, inb_fake_server_get_base_url (f->cf.fake));
  g_assert_nonnull (inb_backend_find_model (f->cf.backend, "vhs"));

  inb_fake_server_script (f->cf.fake, "{\"custom_nodes\": true}");
  request = fixture_request (f, "vhs", NULL);
  result = run (f, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (g_file_test (f->cf.output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (inb_result_get_metadata (result), "server_file"), ==, "Wan_00001_.mp4");
  dropped = json_object_get_string_member_with_default (inb_result_get_metadata (result), "dropped_outputs", NULL);
  g_assert_nonnull (dropped);
  g_assert_nonnull (strstr (dropped, "not-there.safetensors is not in loras on the server"));
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 1);
  /* and said, as a warning of the take, in one sentence naming the output */
  {
    g_auto(GStrv) warnings = inb_progress_dup_warnings (f->progress);

    g_assert_cmpuint (g_strv_length (warnings), ==, 1);
    g_assert_cmpstr (warnings[0], ==,
                     "ComfyUI dropped 1 output: node 97 (SaveWEBM) — not-there.safetensors is not in loras on the server");
  }

  /* without the custom node: named in pre-flight, nothing sent */
  inb_fake_server_reset (f->cf.fake);
  inb_fake_server_script (f->cf.fake, "{\"custom_nodes\": false}");
  g_clear_object (&result);
  result = run (f, request, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "VHS_VideoCombine"));
  g_assert_cmpuint (inb_test_fake_count (f->cf.fake, "POST", "/prompt"), ==, 0);
}

/* Uploads use the name the server answers: a clash with other bytes is
 * renamed, the same bytes reused. */
static void
test_upload_names (Fixture       *f,
                   gconstpointer  data)
{
  InbComfyuiApi *api = inb_comfyui_api_new (inb_fake_server_get_base_url (f->cf.fake));
  g_autoptr(GBytes) a = g_bytes_new_static ("\x89PNG first", 10);
  g_autoptr(GBytes) b = g_bytes_new_static ("\x89PNG other", 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *n1 = inb_comfyui_api_upload_image (api, a, "key.png", NULL, &error);
  g_autofree char *n2 = inb_comfyui_api_upload_image (api, b, "key.png", NULL, &error);
  g_autofree char *n3 = inb_comfyui_api_upload_image (api, a, "key.png", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (n1, ==, "key.png");
  g_assert_cmpstr (n2, ==, "key (1).png");
  g_assert_cmpstr (n3, ==, "key.png");
  inb_comfyui_api_free (api);
}

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  InbBackendStatus **status = user_data;
  g_autoptr(GError) error = NULL;

  *status = inb_backend_check_finish (INB_BACKEND (source), result, &error);
  g_assert_no_error (error);
}

static InbBackendStatus *
check (InbBackend *backend)
{
  InbBackendStatus *status = NULL;

  inb_backend_check_async (backend, NULL, check_cb, &status);
  while (status == NULL)
    g_main_context_iteration (NULL, TRUE);
  return status;
}

/* The health check: version, GPU and free memory; nothing there, said
 * with the address */
static void
test_check (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(InbBackendStatus) up = check (f->cf.backend);
  g_autoptr(InbBackendStatus) down = NULL;
  g_autoptr(InbBackendStatus) old = NULL;

  g_assert_true (up->reachable);
  /* g_format_size() keeps the number and its unit together (U+00A0) */
  g_assert_cmpstr (up->summary, ==, "ComfyUI 0.3.60 · NVIDIA GeForce RTX 4090 · 20.1\u00a0GB free");
  g_assert_null (up->warning);

  inb_fake_server_script (f->cf.fake, "{\"old_server\": true}");
  old = check (f->cf.backend);
  g_assert_true (g_str_has_prefix (old->summary, "ComfyUI 0.3.43 · "));

  inb_backend_set_base_url (f->cf.backend, "http://127.0.0.1:9");
  down = check (f->cf.backend);
  g_assert_false (down->reachable);
  g_assert_nonnull (strstr (down->summary, "http://127.0.0.1:9"));
  g_assert_nonnull (strstr (down->summary, "is ComfyUI running"));
}

/* The mapping object alone: roles, candidates, a correction, and a
 * required role left unmapped refused in words */
static void
test_mapping_object (void)
{
  g_autoptr(InbWorkflowMapping) mapping = inb_workflow_mapping_new ("/tmp/My Flow.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  guint first, seed, a, b;

  g_assert_cmpstr (inb_workflow_mapping_get_title (mapping), ==, "My Flow");
  first = inb_workflow_mapping_add_role (mapping, "first_image", "First keyframe", TRUE);
  seed = inb_workflow_mapping_add_role (mapping, "seed", "Seed", FALSE);
  g_assert_cmpuint (inb_workflow_mapping_get_n_roles (mapping), ==, 2);
  g_assert_cmpint (inb_workflow_mapping_find_role (mapping, "seed"), ==, (int) seed);
  g_assert_cmpint (inb_workflow_mapping_find_role (mapping, "nope"), ==, -1);
  g_assert_true (inb_workflow_mapping_role_is_required (mapping, first));
  g_assert_false (inb_workflow_mapping_role_is_required (mapping, seed));

  /* candidate 0 is nowhere; a value added twice is one candidate */
  a = inb_workflow_mapping_add_candidate (mapping, first, "68.image", "68 · LoadImage · image");
  b = inb_workflow_mapping_add_candidate (mapping, first, "62.image", "62 · LoadImage · image");
  g_assert_cmpuint (inb_workflow_mapping_add_candidate (mapping, first, "62.image", "again"), ==, b);
  g_assert_cmpuint (inb_workflow_mapping_get_n_candidates (mapping, first), ==, 3);
  g_assert_null (inb_workflow_mapping_get_candidate_value (mapping, first, 0));
  g_assert_cmpstr (inb_workflow_mapping_get_candidate_label (mapping, first, b), ==, "62 · LoadImage · image");
  g_assert_cmpint (inb_workflow_mapping_get_choice (mapping, first), ==, 0);

  /* unmapped and required: refused, naming it; the optional seed is not named */
  missing = inb_workflow_mapping_dup_missing (mapping);
  g_assert_cmpstr (missing, ==, "First keyframe");
  g_assert_false (inb_workflow_mapping_check (mapping, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "First keyframe"));
  g_assert_null (strstr (error->message, "Seed"));
  g_clear_error (&error);

  /* chosen, then corrected */
  g_assert_true (inb_workflow_mapping_set_choice (mapping, first, (int) a));
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (mapping, first), ==, "68.image");
  g_assert_true (inb_workflow_mapping_choose_value (mapping, first, "62.image"));
  g_assert_cmpint (inb_workflow_mapping_get_choice (mapping, first), ==, (int) b);
  g_assert_false (inb_workflow_mapping_choose_value (mapping, first, "99.image"));
  g_assert_false (inb_workflow_mapping_set_choice (mapping, first, 3));
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (mapping, first), ==, "62.image");
  g_assert_null (inb_workflow_mapping_dup_missing (mapping));
  g_assert_true (inb_workflow_mapping_check (mapping, &error));
  g_assert_no_error (error);

  /* a name is needed too */
  inb_workflow_mapping_set_title (mapping, "  ");
  g_assert_false (inb_workflow_mapping_check (mapping, &error));
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
}

typedef struct
{
  GMainLoop          *loop;
  InbWorkflowMapping *mapping;
  char               *model_id;
  GError             *error;
} ImportRun;

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ImportRun *run = user_data;

  run->mapping = inb_backend_open_workflow_finish (INB_BACKEND (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ImportRun *run = user_data;

  run->model_id = inb_backend_save_workflow_finish (INB_BACKEND (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
count_cb (InbBackend *backend,
          guint      *count)
{
  (*count)++;
}

/* The window's import, through the backend interface: a shipped workflow
 * opened from a file, what was found, a correction, saved as a model of
 * the backend (the same file the command line writes), refused in words
 * when the editor's format and when a required part goes nowhere; a name
 * a workflow of one's own has already is "exists" (naming the model)
 * until told to replace it, then replaced in place */
static void
test_mapping_import (void)
{
  g_autoptr(InbComfyuiBackend) self = new_backend ();
  InbBackend *backend = INB_BACKEND (self);
  g_autofree char *tmp = g_dir_make_tmp ("test-comfyui-mapping-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "workflows", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("INB_SOURCE_ROOT"), "resources", "comfyui",
                                              "wan2.2-flf2v-lightning.json", NULL);
  g_autofree char *editor = g_build_filename (tmp, "editor.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (source);
  g_autoptr(GFile) editor_file = g_file_new_for_path (editor);
  ImportRun run = { g_main_loop_new (NULL, FALSE) };
  InbWorkflowMapping *m;
  InbComfyuiWorkflow *workflow;
  g_autofree char *saved_path = NULL;
  guint changed = 0;
  int first, last, output, seed;
  gboolean found_62 = FALSE;

  inb_comfyui_backend_set_workflows_dir (self, dir);
  g_signal_connect (backend, "models-changed", G_CALLBACK (count_cb), &changed);
  g_assert_true (inb_backend_can_import_workflows (backend));

  inb_backend_open_workflow_async (backend, file, NULL, opened_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  m = run.mapping;
  g_assert_cmpstr (inb_workflow_mapping_get_title (m), ==, "wan2.2-flf2v-lightning");

  /* what was found: the shipped bindings */
  first = inb_workflow_mapping_find_role (m, "first_image");
  last = inb_workflow_mapping_find_role (m, "last_image");
  output = inb_workflow_mapping_find_role (m, "output");
  seed = inb_workflow_mapping_find_role (m, "seed");
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (output, >=, 0);
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, first), ==, "68.image");
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, last), ==, "62.image");
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, output), ==, "61");
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, seed), ==, "57.noise_seed");
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, inb_workflow_mapping_find_role (m, "prompt")), ==, "6.text");
  g_assert_cmpstr (inb_workflow_mapping_get_chosen_value (m, inb_workflow_mapping_find_role (m, "negative_prompt")), ==,
                   "7.text");
  g_assert_true (inb_workflow_mapping_role_is_required (m, first));
  g_assert_false (inb_workflow_mapping_role_is_required (m, seed));

  /* candidates: every LoadImage, labelled with id, class and input */
  for (guint i = 1; i < inb_workflow_mapping_get_n_candidates (m, first); i++)
    if (g_strcmp0 (inb_workflow_mapping_get_candidate_value (m, first, i), "62.image") == 0)
      {
        found_62 = TRUE;
        g_assert_true (g_str_has_prefix (inb_workflow_mapping_get_candidate_label (m, first, i), "62 · LoadImage"));
        g_assert_true (g_str_has_suffix (inb_workflow_mapping_get_candidate_label (m, first, i), "· image"));
      }
  g_assert_true (found_62);
  /* the low-noise sampler's seed is a candidate too, not chosen */
  g_assert_true (inb_workflow_mapping_choose_value (m, seed, "58.noise_seed"));
  g_assert_true (inb_workflow_mapping_choose_value (m, seed, "57.noise_seed"));

  /* a required part gone: refused, naming it, nothing written */
  g_assert_true (inb_workflow_mapping_set_choice (m, output, 0));
  inb_backend_save_workflow_async (backend, m, NULL, saved_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (run.error->message, "Video output"));
  g_clear_error (&run.error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* corrected (the keyframes swapped), named, saved */
  g_assert_true (inb_workflow_mapping_choose_value (m, output, "61"));
  g_assert_true (inb_workflow_mapping_choose_value (m, first, "62.image"));
  g_assert_true (inb_workflow_mapping_choose_value (m, last, "68.image"));
  inb_workflow_mapping_set_title (m, "My Flow");
  inb_backend_save_workflow_async (backend, m, NULL, saved_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.model_id, ==, "my-flow");
  g_assert_cmpuint (changed, ==, 1);
  g_assert_nonnull (inb_backend_find_model (backend, "my-flow"));
  g_assert_cmpstr (inb_model_get_title (inb_backend_find_model (backend, "my-flow")), ==, "My Flow");
  g_assert_true (inb_comfyui_backend_is_imported (self, "my-flow"));
  workflow = inb_comfyui_backend_get_workflow (self, "my-flow");
  g_assert_nonnull (workflow);
  saved_path = g_build_filename (dir, "my-flow.json", NULL);
  g_assert_true (g_file_test (saved_path, G_FILE_TEST_IS_REGULAR));
  {
    /* the correction is in the saved bindings; read back as the CLI's import is */
    g_autoptr(InbComfyuiBackend) again = new_backend ();
    JsonObject *entry_bind;
    g_autofree char *text = NULL;
    g_autoptr(JsonObject) entry = NULL;

    g_assert_true (g_file_get_contents (saved_path, &text, NULL, NULL));
    entry = parse (text);
    entry_bind = json_object_get_object_member (json_object_get_object_member (entry, "x-comfyui"), "bind");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (entry_bind, "first_image"), 0), ==,
                     "62.image");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (entry_bind, "last_image"), 0), ==,
                     "68.image");
    inb_comfyui_backend_set_workflows_dir (again, dir);
    g_assert_nonnull (inb_backend_find_model (INB_BACKEND (again), "my-flow"));
  }
  g_clear_pointer (&run.model_id, g_free);

  /* the same name again: "exists", naming the model it would replace */
  inb_backend_save_workflow_async (backend, m, NULL, saved_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (run.error->message, "already has an imported model “my-flow”"));
  g_clear_error (&run.error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (inb_backend_find_workflow_model (backend, m) == inb_backend_find_model (backend, "my-flow"));

  /* replaced when told: in its place, the old model alive for its holders */
  {
    g_autoptr(InbModel) old = g_object_ref (inb_backend_find_model (backend, "my-flow"));
    guint n_models = inb_backend_get_models (backend)->len;
    g_autofree char *text = NULL;
    g_autoptr(JsonObject) entry = NULL;
    JsonObject *entry_bind;

    g_assert_true (inb_workflow_mapping_choose_value (m, inb_workflow_mapping_find_role (m, "first_image"),
                                                      "68.image"));
    g_assert_true (inb_workflow_mapping_choose_value (m, inb_workflow_mapping_find_role (m, "last_image"),
                                                      "62.image"));
    inb_workflow_mapping_set_replace (m, TRUE);
    inb_backend_save_workflow_async (backend, m, NULL, saved_cb, &run);
    g_main_loop_run (run.loop);
    g_assert_no_error (run.error);
    g_assert_cmpstr (run.model_id, ==, "my-flow");
    g_clear_pointer (&run.model_id, g_free);
    g_assert_cmpuint (changed, ==, 2);
    g_assert_cmpuint (inb_backend_get_models (backend)->len, ==, n_models);
    g_assert_true (inb_backend_find_model (backend, "my-flow") != old);
    g_assert_true (g_ptr_array_index (inb_backend_get_models (backend), n_models - 1) ==
                   inb_backend_find_model (backend, "my-flow"));
    g_assert_cmpstr (inb_model_get_id (old), ==, "my-flow");
    g_assert_true (g_file_get_contents (saved_path, &text, NULL, NULL));
    entry = parse (text);
    entry_bind = json_object_get_object_member (json_object_get_object_member (entry, "x-comfyui"), "bind");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (entry_bind, "first_image"), 0), ==,
                     "68.image");
  }

  g_clear_object (&run.mapping);

  /* the editor's format: the command line's words */
  g_assert_true (g_file_set_contents (editor, "{\"nodes\": [], \"links\": [], \"version\": 0.4}", -1, NULL));
  inb_backend_open_workflow_async (backend, editor_file, NULL, opened_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (run.error->message, "editor.json is a workflow in the ComfyUI editor's format"));
  g_assert_nonnull (strstr (run.error->message, "Export (API)"));
  g_clear_error (&run.error);

  g_main_loop_unref (run.loop);
  inb_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  /* The submit waits for the websocket until it is open (or has failed),
   * not 2 s: /comfyui/job/generate asserts that order, and under valgrind
   * or at load 20 the socket can take longer than 2 s to open */
  g_setenv ("INBETWEEN_COMFYUI_SOCKET_WAIT_MS", "120000", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/comfyui/templates", test_templates);
  g_test_add_func ("/comfyui/templates/checker-fails", test_templates_checker_fails);
  g_test_add_func ("/comfyui/build", test_build);
  g_test_add_func ("/comfyui/validate", test_validate);
  g_test_add_func ("/comfyui/plain-http", test_plain_http);
  g_test_add_func ("/comfyui/outputs", test_outputs);
  g_test_add_func ("/comfyui/dropped-words", test_dropped_words);
  g_test_add_func ("/comfyui/binary", test_binary);
  g_test_add_func ("/comfyui/preview-decode", test_preview_decode);
  g_test_add_func ("/comfyui/detect", test_detect);
  g_test_add_func ("/comfyui/mapping/object", test_mapping_object);
  g_test_add_func ("/comfyui/mapping/import", test_mapping_import);

#define JOB(path, func, scenario) \
  g_test_add (path, Fixture, scenario, fixture_setup, func, fixture_teardown)

  JOB ("/comfyui/job/generate", test_generate, "\"await_pass_seen\": true");
  JOB ("/comfyui/job/preflight", test_preflight, NULL);
  JOB ("/comfyui/job/refused", test_refused, NULL);
  JOB ("/comfyui/job/failures", test_failures, NULL);
  JOB ("/comfyui/job/recovers", test_recovers, NULL);
  JOB ("/comfyui/job/stalled", test_stalled, NULL);
  /* Run as test-comfyui-stalls, beside the rest (tests/meson.build) */
  JOB ("/comfyui/stalls/api", test_api_stalls, NULL);
  JOB ("/comfyui/stalls/cancel", test_cancel_stalled, NULL);
  JOB ("/comfyui/stalls/history-always", test_history_stalls, NULL);
  JOB ("/comfyui/job/cancel-running", test_cancel_running, NULL);
  JOB ("/comfyui/job/cancel-pending", test_cancel_pending, NULL);
  JOB ("/comfyui/job/resume", test_resume, NULL);
  JOB ("/comfyui/job/imported", test_imported, NULL);
  JOB ("/comfyui/api/upload-names", test_upload_names, NULL);
  JOB ("/comfyui/api/check", test_check, NULL);

  return g_test_run ();
}
