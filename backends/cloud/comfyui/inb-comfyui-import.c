/* inb-comfyui-import.c — the artist's own workflow as a model
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `inbetween comfyui import FILE` reads a workflow exported from ComfyUI
 * with "Export (API)", finds where a take's parts go — the LoadImage
 * nodes feeding start_image and end_image, the positive and negative text
 * nodes, the seeds of the samplers that add noise, the length, size and
 * frame rate, the output node, the model files — says what it found and
 * what it did not, takes corrections (--map PART=NODE.INPUT, --output
 * NODE), and saves it as a model of the comfyui backend. Nothing is
 * guessed silently: a part found in two places is named as such.
 *
 * The window imports through the same code: inb_comfyui_open_workflow()
 * makes the detected bindings an InbWorkflowMapping (each part, where it
 * was found, where else it could go) for the artist to correct, and
 * inb_comfyui_save_workflow_async() applies the corrections as --map does
 * and saves the same file.
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-comfyui-backend.h"
#include "inb-comfyui-workflow.h"
#include "inb-http.h"

#define MAX_IMPORT_BYTES (2 * 1024 * 1024)
#define MAX_TRACE_DEPTH  12

/* Graph helpers -------------------------------------------------------------------- */

static JsonObject *
node_at (JsonObject *graph,
         const char *id)
{
  JsonNode *node = id != NULL && json_object_has_member (graph, id) ? json_object_get_member (graph, id) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
inputs_of (JsonObject *node)
{
  JsonNode *inputs = node != NULL && json_object_has_member (node, "inputs") ? json_object_get_member (node, "inputs") : NULL;

  return inputs != NULL && JSON_NODE_HOLDS_OBJECT (inputs) ? json_node_get_object (inputs) : NULL;
}

static const char *
class_of (JsonObject *node)
{
  return node != NULL ? json_object_get_string_member_with_default (node, "class_type", NULL) : NULL;
}

static const char *
title_of (JsonObject *node)
{
  JsonNode *meta = node != NULL && json_object_has_member (node, "_meta") ? json_object_get_member (node, "_meta") : NULL;

  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return NULL;

  return json_object_get_string_member_with_default (json_node_get_object (meta), "title", NULL);
}

/* The node a linked input comes from, or %NULL for a literal. */
static const char *
link_source (JsonObject *inputs,
             const char *name)
{
  JsonNode *value = inputs != NULL && json_object_has_member (inputs, name) ? json_object_get_member (inputs, name) : NULL;
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;

  array = json_node_get_array (value);
  if (json_array_get_length (array) != 2 || !JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 0)) ||
      json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING)
    return NULL;

  return json_array_get_string_element (array, 0);
}

static gboolean
is_literal (JsonObject *inputs,
            const char *name)
{
  JsonNode *value = inputs != NULL && json_object_has_member (inputs, name) ? json_object_get_member (inputs, name) : NULL;

  return value != NULL && JSON_NODE_HOLDS_VALUE (value);
}

static GList *
sorted_ids (JsonObject *graph)
{
  /* Numeric ids in number order ("9" before "10") */
  return g_list_sort (json_object_get_members (graph), (GCompareFunc) g_utf8_collate);
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = g_ascii_strtoll (a, NULL, 10), y = g_ascii_strtoll (b, NULL, 10);

  return x != y ? (x < y ? -1 : 1) : g_strcmp0 (a, b);
}

/* Walks up from @id's input @name to the first node of @klass (through
 * resizes, crops and the like); %NULL when there is none. */
static const char *
trace_to (JsonObject *graph,
          const char *id,
          const char *name,
          const char *klass,
          const char *want_input)
{
  const char *current = link_source (inputs_of (node_at (graph, id)), name);

  for (guint depth = 0; current != NULL && depth < MAX_TRACE_DEPTH; depth++)
    {
      JsonObject *node = node_at (graph, current);
      JsonObject *inputs = inputs_of (node);
      g_autoptr(GList) names = NULL;
      const char *next = NULL;

      if (g_strcmp0 (class_of (node), klass) == 0 && (want_input == NULL || is_literal (inputs, want_input)))
        return current;

      /* Up through the input that carries the same kind of thing */
      names = inputs != NULL ? json_object_get_members (inputs) : NULL;
      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      for (GList *l = names; l != NULL && next == NULL; l = l->next)
        {
          const char *source = link_source (inputs, l->data);

          if (source == NULL)
            continue;
          if (g_strcmp0 (l->data, name) == 0 || g_str_equal (l->data, "image") || g_str_equal (l->data, "images") ||
              g_str_equal (l->data, "pixels") || g_str_equal (l->data, "conditioning") ||
              g_str_equal (l->data, "conditioning_to") || g_str_equal (l->data, "conditioning_1"))
            next = source;
        }
      current = next;
    }

  return NULL;
}

/* Bindings ---------------------------------------------------------------------- */

static void
bind_add (JsonObject *bind,
          const char *key,
          const char *node,
          const char *input)
{
  JsonArray *array;
  g_autofree char *ref = g_strdup_printf ("%s.%s", node, input);

  if (!json_object_has_member (bind, key))
    json_object_set_array_member (bind, key, json_array_new ());
  array = json_object_get_array_member (bind, key);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), ref) == 0)
      return;

  json_array_add_string_element (array, ref);
}

static void
say (GString    *report,
     const char *part,
     const char *format,
     ...) G_GNUC_PRINTF (3, 4);

static void
say (GString    *report,
     const char *part,
     const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (report != NULL)
    g_string_append_printf (report, "  %-18s %s\n", part, text);
}

static void
say_ref (GString    *report,
         JsonObject *graph,
         const char *part,
         JsonObject *bind,
         const char *key)
{
  JsonArray *refs = json_object_has_member (bind, key) ? json_object_get_array_member (bind, key) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (refs == NULL || json_array_get_length (refs) == 0)
    {
      say (report, part, "%s", _("not found"));
      return;
    }

  for (guint i = 0; i < json_array_get_length (refs); i++)
    {
      const char *ref = json_array_get_string_element (refs, i);
      g_autofree char *node_id = g_strndup (ref, strrchr (ref, '.') - ref);
      JsonObject *node = node_at (graph, node_id);
      const char *title = title_of (node);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, _("node %s (%s%s%s%s).%s"), node_id, class_of (node) != NULL ? class_of (node) : "?",
                              title != NULL ? " “" : "", title != NULL ? title : "", title != NULL ? "”" : "",
                              strrchr (ref, '.') + 1);
    }
  say (report, part, "%s", text->str);
}

static gboolean
is_sampler (JsonObject *node)
{
  const char *klass = class_of (node);
  JsonObject *inputs = inputs_of (node);

  return klass != NULL && inputs != NULL &&
         (strstr (klass, "Sampler") != NULL || strstr (klass, "sampler") != NULL) &&
         (json_object_has_member (inputs, "latent_image") || json_object_has_member (inputs, "samples") ||
          json_object_has_member (inputs, "steps"));
}

static gboolean
is_output (JsonObject *node)
{
  static const char * const outputs[] = { "SaveVideo", "VHS_VideoCombine", "SaveWEBM", "SaveAnimatedWEBP" };
  const char *klass = class_of (node);

  for (guint i = 0; klass != NULL && i < G_N_ELEMENTS (outputs); i++)
    if (g_str_equal (klass, outputs[i]))
      return TRUE;

  return FALSE;
}

/* How many samplers run before @id (its latent comes from them). */
static guint
samplers_upstream (JsonObject *graph,
                   const char *id,
                   guint       depth)
{
  JsonObject *inputs = inputs_of (node_at (graph, id));
  g_autoptr(GList) names = inputs != NULL ? json_object_get_members (inputs) : NULL;
  guint best = 0;

  if (depth > 32)
    return 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *source = link_source (inputs, l->data);
      guint n;

      if (source == NULL || !(g_str_has_prefix (l->data, "latent") || g_str_equal (l->data, "samples")))
        continue;
      n = samplers_upstream (graph, source, depth + 1) + (is_sampler (node_at (graph, source)) ? 1 : 0);
      best = MAX (best, n);
    }

  return best;
}

static const char * const model_loaders[][3] = {
  { "UNETLoader", "unet_name", "diffusion_models" },
  { "CLIPLoader", "clip_name", "text_encoders" },
  { "VAELoader", "vae_name", "vae" },
  { "CLIPVisionLoader", "clip_name", "clip_vision" },
  { "LoraLoaderModelOnly", "lora_name", "loras" },
  { "LoraLoader", "lora_name", "loras" },
  { "CheckpointLoaderSimple", "ckpt_name", "checkpoints" },
};

static gboolean
check_api_format (JsonObject  *graph,
                  GList       *ids,
                  GError     **error)
{
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = node_at (graph, l->data);

      if (node == NULL || class_of (node) == NULL || inputs_of (node) == NULL)
        {
          g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                       _("This is not an API-format workflow (node %s has no class_type or inputs): export it "
                         "from ComfyUI with “Export (API)”"), (const char *) l->data);
          return FALSE;
        }
    }

  return TRUE;
}

/* The keyframes: the LoadImage nodes feeding start_image / end_image.
 * Returns the first node taking both (where length and size are set). */
static const char *
detect_keyframes (JsonObject *graph,
                  GList      *ids,
                  JsonObject *bind,
                  GPtrArray  *load_images)
{
  const char *frames_node = NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *inputs = inputs_of (node_at (graph, l->data));
      const char *first, *last;

      if (g_str_equal (class_of (node_at (graph, l->data)), "LoadImage"))
        g_ptr_array_add (load_images, l->data);
      if (!json_object_has_member (inputs, "start_image") || !json_object_has_member (inputs, "end_image"))
        continue;

      first = trace_to (graph, l->data, "start_image", "LoadImage", "image");
      last = trace_to (graph, l->data, "end_image", "LoadImage", "image");
      if (first != NULL)
        bind_add (bind, INB_COMFYUI_BIND_FIRST_IMAGE, first, "image");
      if (last != NULL)
        bind_add (bind, INB_COMFYUI_BIND_LAST_IMAGE, last, "image");
      if (frames_node == NULL)
        frames_node = l->data;
    }

  return frames_node;
}

/* The prompts: from the conditioning inputs up to a text node. Returns
 * the samplers met on the way (transfer container). */
static GList *
detect_prompts (JsonObject *graph,
                GList      *ids,
                JsonObject *bind)
{
  GList *samplers = NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = node_at (graph, l->data);
      JsonObject *inputs = inputs_of (node);
      const char *positive, *negative;

      if (!json_object_has_member (inputs, "positive") || !json_object_has_member (inputs, "negative"))
        continue;
      positive = trace_to (graph, l->data, "positive", "CLIPTextEncode", "text");
      negative = trace_to (graph, l->data, "negative", "CLIPTextEncode", "text");
      if (positive != NULL && negative != NULL && g_strcmp0 (positive, negative) != 0)
        {
          bind_add (bind, INB_COMFYUI_BIND_PROMPT, positive, "text");
          bind_add (bind, INB_COMFYUI_BIND_NEGATIVE, negative, "text");
        }
      if (is_sampler (node))
        samplers = g_list_append (samplers, l->data);
    }

  return samplers;
}

/* The seed: every sampler that adds noise, and RandomNoise nodes */
static void
detect_seeds (JsonObject *graph,
              GList      *ids,
              GList      *samplers,
              JsonObject *bind)
{
  for (GList *l = samplers; l != NULL; l = l->next)
    {
      JsonObject *inputs = inputs_of (node_at (graph, l->data));
      const char *add_noise = is_literal (inputs, "add_noise")
                              ? json_object_get_string_member_with_default (inputs, "add_noise", "enable") : "enable";

      if (g_strcmp0 (add_noise, "disable") == 0)
        continue;
      if (is_literal (inputs, "noise_seed"))
        bind_add (bind, INB_COMFYUI_BIND_SEED, l->data, "noise_seed");
      else if (is_literal (inputs, "seed"))
        bind_add (bind, INB_COMFYUI_BIND_SEED, l->data, "seed");
    }
  for (GList *l = ids; l != NULL; l = l->next)
    if (g_strcmp0 (class_of (node_at (graph, l->data)), "RandomNoise") == 0 &&
        is_literal (inputs_of (node_at (graph, l->data)), "noise_seed"))
      bind_add (bind, INB_COMFYUI_BIND_SEED, l->data, "noise_seed");
}

/* The passes, in the order they run */
static JsonArray *
order_passes (JsonObject *graph,
              GList      *samplers)
{
  JsonArray *passes = json_array_new ();

  for (guint round = 0; round < 8; round++)
    for (GList *l = samplers; l != NULL; l = l->next)
      if (samplers_upstream (graph, l->data, 0) == round)
        json_array_add_string_element (passes, l->data);

  return passes;
}

/* Length and size on the node that takes the keyframes, when literal; the
 * frame rate where the video is made or saved */
static void
detect_frame_settings (JsonObject *graph,
                       GList      *ids,
                       const char *frames_node,
                       JsonObject *bind)
{
  static const char * const sizes[] = { INB_COMFYUI_BIND_LENGTH, INB_COMFYUI_BIND_WIDTH, INB_COMFYUI_BIND_HEIGHT };

  for (guint i = 0; frames_node != NULL && i < G_N_ELEMENTS (sizes); i++)
    if (is_literal (inputs_of (node_at (graph, frames_node)), sizes[i]))
      bind_add (bind, sizes[i], frames_node, sizes[i]);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = node_at (graph, l->data);
      JsonObject *inputs = inputs_of (node);
      const char *klass = class_of (node);

      if (g_str_equal (klass, "CreateVideo") && is_literal (inputs, "fps"))
        bind_add (bind, INB_COMFYUI_BIND_FPS, l->data, "fps");
      else if ((g_str_equal (klass, "VHS_VideoCombine")) && is_literal (inputs, "frame_rate"))
        bind_add (bind, INB_COMFYUI_BIND_FPS, l->data, "frame_rate");
      else if ((g_str_equal (klass, "SaveWEBM") || g_str_equal (klass, "SaveAnimatedWEBP")) && is_literal (inputs, "fps"))
        bind_add (bind, INB_COMFYUI_BIND_FPS, l->data, "fps");
    }
}

/* The first node that saves a video; how many do in @n_outputs */
static const char *
detect_output (JsonObject *graph,
               GList      *ids,
               guint      *n_outputs)
{
  const char *output = NULL;

  *n_outputs = 0;
  for (GList *l = ids; l != NULL; l = l->next)
    {
      if (!is_output (node_at (graph, l->data)))
        continue;
      (*n_outputs)++;
      if (output == NULL)
        output = l->data;
    }

  return output;
}

/* Model files: each loader's, an editable parameter of its own. Returns
 * the folder each is in on the server, by parameter. */
static JsonObject *
detect_model_files (JsonObject *graph,
                    GList      *ids,
                    JsonObject *bind)
{
  JsonObject *files = json_object_new ();

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = node_at (graph, l->data);

      for (guint i = 0; i < G_N_ELEMENTS (model_loaders); i++)
        if (g_strcmp0 (class_of (node), model_loaders[i][0]) == 0 && is_literal (inputs_of (node), model_loaders[i][1]))
          {
            g_autofree char *param = g_strdup_printf ("file_%s_%s", (const char *) l->data, model_loaders[i][1]);

            g_strcanon (param, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", '_');
            bind_add (bind, param, l->data, model_loaders[i][1]);
            json_object_set_string_member (files, param, model_loaders[i][2]);
          }
    }

  return files;
}

/* What was chosen among several, in words */
static void
note_choices (GString    *report,
              guint       n_outputs,
              const char *output,
              guint       n_load_images)
{
  if (report != NULL && n_outputs > 1)
    say (report, _("note"),
         g_dngettext (GETTEXT_PACKAGE, "%u node saves videos; the clip is taken from node %s (choose with --output NODE)",
                      "%u nodes save videos; the clip is taken from node %s (choose with --output NODE)", n_outputs),
         n_outputs, output);
  if (report != NULL && n_load_images > 2)
    say (report, _("note"),
         g_dngettext (GETTEXT_PACKAGE, "%u LoadImage node; only those feeding start_image and end_image get the keyframes",
                      "%u LoadImage nodes; only those feeding start_image and end_image get the keyframes",
                      n_load_images),
         n_load_images);
}

static GList *
ids_in_order (JsonObject *graph)
{
  return g_list_sort (sorted_ids (graph), compare_ids);
}

/**
 * inb_comfyui_detect_bindings:
 * @report: (nullable): what was found, in words, one line per part
 *
 * Returns: (transfer full): the bindings ({"bind", "files", "passes",
 *   "output"}), or %NULL with @error set when the graph is not an
 *   API-format workflow
 */
JsonObject *
inb_comfyui_detect_bindings (JsonObject  *graph,
                             GString     *report,
                             GError     **error)
{
  g_autoptr(JsonObject) bindings = json_object_new ();
  g_autoptr(JsonObject) bind = json_object_new ();
  g_autoptr(GList) ids = ids_in_order (graph);
  g_autoptr(GList) samplers = NULL;
  g_autoptr(GPtrArray) load_images = g_ptr_array_new ();
  const char *frames_node, *output;
  JsonObject *files;
  JsonArray *passes;
  guint n_outputs = 0;

  if (!check_api_format (graph, ids, error))
    return NULL;

  frames_node = detect_keyframes (graph, ids, bind, load_images);
  samplers = detect_prompts (graph, ids, bind);
  detect_seeds (graph, ids, samplers, bind);
  passes = order_passes (graph, samplers);
  detect_frame_settings (graph, ids, frames_node, bind);
  output = detect_output (graph, ids, &n_outputs);

  files = detect_model_files (graph, ids, bind);

  json_object_set_object_member (bindings, "bind", g_steal_pointer (&bind));
  json_object_set_object_member (bindings, "files", files);
  json_object_set_array_member (bindings, "passes", passes);
  if (output != NULL)
    json_object_set_string_member (bindings, "output", output);

  note_choices (report, n_outputs, output, load_images->len);

  return g_steal_pointer (&bindings);
}

/* The model entry -------------------------------------------------------------------- */

static JsonObject *
param (const char *type,
       const char *title,
       const char *description)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "type", type);
  json_object_set_string_member (p, "title", title);
  json_object_set_string_member (p, "description", description);
  return p;
}

static gboolean
has_binding (JsonObject *bindings,
             const char *key)
{
  JsonObject *bind = json_object_get_object_member (bindings, "bind");

  return bind != NULL && json_object_has_member (bind, key) &&
         json_array_get_length (json_object_get_array_member (bind, key)) > 0;
}

/* The literal at the first place @key goes. */
static JsonNode *
current_value (JsonObject *graph,
               JsonObject *bindings,
               const char *key)
{
  JsonArray *refs;
  const char *ref;
  g_autofree char *node_id = NULL;
  JsonObject *inputs;

  if (!has_binding (bindings, key))
    return NULL;

  refs = json_object_get_array_member (json_object_get_object_member (bindings, "bind"), key);
  ref = json_array_get_string_element (refs, 0);
  if (ref == NULL || strrchr (ref, '.') == NULL)
    return NULL;
  node_id = g_strndup (ref, strrchr (ref, '.') - ref);
  inputs = inputs_of (node_at (graph, node_id));
  if (inputs == NULL || !is_literal (inputs, strrchr (ref, '.') + 1))
    return NULL;

  return json_object_get_member (inputs, strrchr (ref, '.') + 1);
}

static double
current_number (JsonObject *graph,
                JsonObject *bindings,
                const char *key,
                double      fallback)
{
  JsonNode *value = current_value (graph, bindings, key);

  if (value == NULL || (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
    return fallback;

  return json_node_get_double (value);
}

/**
 * inb_comfyui_imported_model_new:
 *
 * The parameters follow what the workflow lets us set: a seed when a
 * sampler adds noise, a duration when the length is set, the frame rate,
 * the size, and each model file.
 *
 * Returns: (transfer full): the entry, or %NULL with @error set when the
 *   keyframes or the output have nowhere to go
 */
JsonObject *
inb_comfyui_imported_model_new (const char  *id,
                                const char  *title,
                                JsonObject  *graph,
                                JsonObject  *bindings,
                                GError     **error)
{
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(JsonObject) properties = json_object_new ();
  g_autoptr(GString) missing = g_string_new (NULL);
  JsonObject *prompt, *negative, *image, *files;
  gboolean has_prompt = has_binding (bindings, INB_COMFYUI_BIND_PROMPT);
  double fps = current_number (graph, bindings, INB_COMFYUI_BIND_FPS, 16);

  if (!has_binding (bindings, INB_COMFYUI_BIND_FIRST_IMAGE))
    g_string_append_printf (missing, "\n  %s", _("the first keyframe (--map first_image=NODE.image, a LoadImage node)"));
  if (!has_binding (bindings, INB_COMFYUI_BIND_LAST_IMAGE))
    g_string_append_printf (missing, "\n  %s", _("the last keyframe (--map last_image=NODE.image, a LoadImage node)"));
  if (!json_object_has_member (bindings, "output"))
    g_string_append_printf (missing, "\n  %s", _("a node that saves the video (--output NODE: SaveVideo, Video Combine…)"));
  if (missing->len > 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The workflow cannot be used without these; say where they are:%s"), missing->str);
      return NULL;
    }

  json_object_set_string_member (entry, "id", id);
  json_object_set_string_member (entry, "title", title);
  json_object_set_string_member (entry, "description", _("Your own ComfyUI workflow, imported"));

  prompt = json_object_new ();
  json_object_set_boolean_member (prompt, "supported", has_prompt);
  json_object_set_int_member (prompt, "maxLength", has_prompt ? 10000 : 0);
  json_object_set_boolean_member (prompt, "required", FALSE);
  json_object_set_object_member (entry, "prompt", prompt);
  negative = json_object_new ();
  json_object_set_boolean_member (negative, "supported", has_binding (bindings, INB_COMFYUI_BIND_NEGATIVE));
  json_object_set_int_member (negative, "maxLength", has_binding (bindings, INB_COMFYUI_BIND_NEGATIVE) ? 10000 : 0);
  json_object_set_object_member (entry, "negative_prompt", negative);
  image = json_object_new ();
  json_object_set_int_member (image, "alignment", 16);
  json_object_set_int_member (image, "min_side", 64);
  json_object_set_int_member (image, "max_side", 2048);
  json_object_set_object_member (entry, "image", image);

  if (has_binding (bindings, INB_COMFYUI_BIND_WIDTH) && has_binding (bindings, INB_COMFYUI_BIND_HEIGHT))
    {
      static const char * const sides[] = { INB_COMFYUI_BIND_WIDTH, INB_COMFYUI_BIND_HEIGHT };
      static const char * const titles[] = { N_("Width"), N_("Height") };

      for (guint i = 0; i < 2; i++)
        {
          JsonObject *p = param ("integer", _(titles[i]), _("Of the clip, a multiple of 16; keyframes are fitted to it."));
          gint64 value = (gint64) current_number (graph, bindings, sides[i], 832 - (gint64) i * 352);

          json_object_set_int_member (p, "default", CLAMP (value / 16 * 16, 64, 2048));
          json_object_set_int_member (p, "minimum", 64);
          json_object_set_int_member (p, "maximum", 2048);
          json_object_set_int_member (p, "x-step", 16);
          json_object_set_string_member (p, "x-unit", "px");
          json_object_set_object_member (properties, sides[i], p);
        }
    }

  if (has_binding (bindings, INB_COMFYUI_BIND_LENGTH))
    {
      JsonObject *p = param ("number", _("Duration"), _("Length of the clip in seconds."));
      double length = current_number (graph, bindings, INB_COMFYUI_BIND_LENGTH, 81);

      json_object_set_double_member (p, "default", CLAMP ((length - 1) / fps, 0.25, 20));
      json_object_set_double_member (p, "minimum", 0.25);
      json_object_set_double_member (p, "maximum", 20);
      json_object_set_double_member (p, "x-step", 0.25);
      json_object_set_string_member (p, "x-unit", "s");
      json_object_set_string_member (p, "x-frame-rule", "4n+1");
      json_object_set_object_member (properties, "duration", p);
    }

  if (has_binding (bindings, INB_COMFYUI_BIND_FPS) || has_binding (bindings, INB_COMFYUI_BIND_LENGTH))
    {
      JsonObject *p = param ("integer", _("Frame rate"), _("Frames per second of the clip."));

      json_object_set_int_member (p, "default", CLAMP ((gint64) fps, 1, 60));
      json_object_set_int_member (p, "minimum", 1);
      json_object_set_int_member (p, "maximum", 60);
      json_object_set_string_member (p, "x-unit", "fps");
      json_object_set_object_member (properties, "fps", p);
    }

  if (has_binding (bindings, INB_COMFYUI_BIND_SEED))
    {
      JsonObject *p = param ("integer", _("Seed"), _("Same seed and inputs give the same clip."));

      json_object_set_int_member (p, "default", 0);
      json_object_set_int_member (p, "minimum", 0);
      json_object_set_int_member (p, "maximum", 2147483647);
      json_object_set_string_member (p, "x-widget", "seed");
      json_object_set_object_member (properties, "seed", p);
    }

  files = json_object_get_object_member (bindings, "files");
  if (files != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (files);

      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = current_value (graph, bindings, l->data);
          g_autofree char *description = g_strdup_printf (_("File name in %s on the server."),
                                                          json_object_get_string_member (files, l->data));
          JsonObject *p;

          if (value == NULL || json_node_get_value_type (value) != G_TYPE_STRING)
            continue;
          {
            JsonArray *refs = json_object_get_array_member (json_object_get_object_member (bindings, "bind"), l->data);
            const char *ref = json_array_get_string_element (refs, 0);
            g_autofree char *node_id = g_strndup (ref, strrchr (ref, '.') - ref);
            /* Translators: a node's class and id, then its input: "UNETLoader 37: unet_name" */
            g_autofree char *param_title = g_strdup_printf (_("%s %s: %s"), class_of (node_at (graph, node_id)),
                                                            node_id, strrchr (ref, '.') + 1);

            p = param ("string", param_title, description);
          }
          json_object_set_string_member (p, "default", json_node_get_string (value));
          json_object_set_int_member (p, "maxLength", 255);
          json_object_set_object_member (properties, l->data, p);
        }
    }

  json_object_set_string_member (parameters, "type", "object");
  json_object_set_object_member (parameters, "properties", g_steal_pointer (&properties));
  json_object_set_array_member (parameters, "required", json_array_new ());
  json_object_set_object_member (entry, "parameters", g_steal_pointer (&parameters));
  json_object_set_object_member (entry, "x-comfyui", json_object_ref (bindings));
  json_object_set_object_member (entry, "graph", json_object_ref (graph));

  return g_steal_pointer (&entry);
}

/* Corrections and saving ---------------------------------------------------------------- */

/* "My Flow 2" → "my-flow-2" */
static char *
slug_of_text (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  GString *slug = g_string_new (NULL);

  for (const char *p = lower; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, *p);
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);

  return g_string_free (slug, FALSE);
}

/* The file's name without folder and extension, as a slug */
static char *
slug_from (const char *text)
{
  g_autofree char *base = g_path_get_basename (text);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return slug_of_text (base);
}

static gboolean
apply_map (JsonObject  *graph,
           JsonObject  *bindings,
           const char  *assignment,
           GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (assignment, "=", 2);
  JsonObject *bind = json_object_get_object_member (bindings, "bind");
  g_auto(GStrv) refs = NULL;
  g_autoptr(JsonArray) array = json_array_new ();

  if (parts[0] == NULL || parts[1] == NULL || *parts[0] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--map expects PART=NODE.INPUT (e.g. first_image=68.image), got “%s”"), assignment);
      return FALSE;
    }

  /* "PART=" removes it; several places: "seed=57.noise_seed,58.noise_seed" */
  refs = g_strsplit (parts[1], ",", -1);
  for (guint i = 0; refs[i] != NULL; i++)
    {
      const char *ref = g_strstrip (refs[i]);
      const char *dot = strrchr (ref, '.');
      g_autofree char *node_id = NULL;

      if (*ref == '\0')
        continue;
      node_id = dot != NULL ? g_strndup (ref, dot - ref) : NULL;
      if (dot == NULL || !json_object_has_member (inputs_of (node_at (graph, node_id)), dot + 1))
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("--map %s: the workflow has no input %s"), parts[0], ref);
          return FALSE;
        }
      json_array_add_string_element (array, ref);
    }

  if (json_array_get_length (array) == 0)
    json_object_remove_member (bind, parts[0]);
  else
    json_object_set_array_member (bind, parts[0], g_steal_pointer (&array));

  return TRUE;
}

static gboolean
write_entry (const char  *dir,
             const char  *id,
             JsonObject  *entry,
             GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), entry);
  g_autofree char *name = g_strconcat (id, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  gsize length;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  return g_file_set_contents_full (path, text, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

/* Shared by the command line and the window -------------------------------------------- */

/**
 * inb_comfyui_parse_workflow:
 * @name: the file's name, for messages
 *
 * Returns: (transfer full): the API-format graph in @data, or %NULL with
 *   @error set, saying why in words (too large, not JSON, the editor's
 *   format rather than the API's)
 */
JsonObject *
inb_comfyui_parse_workflow (const char  *name,
                            const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *graph;

  if (length > MAX_IMPORT_BYTES)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s is too large for a workflow"), name);
      return NULL;
    }

  root = inb_http_parse_json (data, length, error);
  if (root == NULL)
    {
      g_prefix_error (error, "%s: ", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s is not a ComfyUI workflow"), name);
      return NULL;
    }
  graph = json_node_get_object (root);
  if (json_object_has_member (graph, "nodes") && json_object_has_member (graph, "links"))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s is a workflow in the ComfyUI editor's format; export it from ComfyUI with "
                     "“Export (API)” and import that file"), name);
      return NULL;
    }

  return json_object_ref (graph);
}

/* Whether @id may be saved: not a shipped model's, and not an imported
 * one's unless @replace. @cli: the advice names the options. */
static gboolean
check_model_id (InbComfyuiBackend  *self,
                const char         *id,
                gboolean            replace,
                gboolean            cli,
                GError            **error)
{
  if (*id == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           cli ? _("Give the model a name with --name (letters and digits)")
                               : _("Give the workflow a name with letters or digits"));
      return FALSE;
    }
  if (inb_backend_find_model (INB_BACKEND (self), id) == NULL)
    return TRUE;

  /* The shipped models cannot be replaced */
  if (!inb_comfyui_backend_is_imported (self, id))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   cli ? _("“%s” is one of Inbetween's own ComfyUI models: choose another --name")
                       : _("“%s” is one of Inbetween's own ComfyUI models: choose another name"), id);
      return FALSE;
    }
  if (!replace && cli)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("ComfyUI already has an imported model “%s”: choose another --name, or --replace it"), id);
      return FALSE;
    }
  /* The window asks whether to replace it (inb_backend_find_workflow_model()) */
  if (!replace)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("ComfyUI already has an imported model “%s”: choose another name"), id);
      return FALSE;
    }

  return TRUE;
}

/* The entry to save, checked as it will be used */
static JsonObject *
build_entry (const char  *id,
             const char  *title,
             JsonObject  *graph,
             JsonObject  *bindings,
             GError     **error)
{
  g_autoptr(InbComfyuiWorkflow) workflow = inb_comfyui_workflow_new (graph, bindings, error);

  if (workflow == NULL)
    return NULL;

  return inb_comfyui_imported_model_new (id, title, graph, bindings, error);
}

/* The command -------------------------------------------------------------------------- */

typedef struct
{
  char    *name;
  char    *title;
  char    *output;
  char    *passes;
  GStrv    maps;
  GStrv    files;
  gboolean dry_run;
  gboolean replace;
} ImportOptions;

static void
import_options_clear (ImportOptions *o)
{
  g_free (o->name);
  g_free (o->title);
  g_free (o->output);
  g_free (o->passes);
  g_strfreev (o->maps);
  g_strfreev (o->files);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ImportOptions, import_options_clear)

static gboolean
parse_import_options (int             argc,
                      char          **argv,
                      ImportOptions  *o,
                      GError        **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char **copy = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("The model's id (default: from the file name)"), N_("NAME") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o->title, N_("The model's title"), N_("TITLE") },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->maps,
      N_("Where a part goes: first_image, last_image, prompt, negative_prompt, seed, length, width, height, fps; "
         "several places separated by commas; nothing after = to drop it"), N_("PART=NODE.INPUT") },
    { "output", 0, 0, G_OPTION_ARG_STRING, &o->output, N_("The node whose video is the clip"), N_("NODE") },
    { "passes", 0, 0, G_OPTION_ARG_STRING, &o->passes, N_("The sampler nodes, in the order they run"), N_("NODE,NODE") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &o->dry_run, N_("Say what was found; save nothing"), NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &o->replace, N_("Replace an imported model of the same name"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE — import a ComfyUI workflow (Export (API)) as a model"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The workflow must take two LoadImage nodes as the first and last keyframe and save a video.\n"
      "What was found is printed; correct it with --map and --output, then run again."));

  /* GOptionContext rewrites argv: a shallow copy */
  copy = g_new0 (char *, argc + 1);
  memcpy (copy, argv, sizeof (char *) * argc);
  if (!g_option_context_parse (context, &argc, &copy, error))
    return FALSE;

  if (o->files == NULL || g_strv_length (o->files) != 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("import needs exactly one workflow file (got %u)"), o->files != NULL ? g_strv_length (o->files) : 0);
      return FALSE;
    }

  return TRUE;
}

static JsonObject *
load_workflow_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return inb_comfyui_parse_workflow (path, contents, length, error);
}

/* --map, --output and --passes, over what was found */
static gboolean
apply_corrections (JsonObject     *graph,
                   JsonObject     *bindings,
                   ImportOptions  *o,
                   GError        **error)
{
  for (guint i = 0; o->maps != NULL && o->maps[i] != NULL; i++)
    if (!apply_map (graph, bindings, o->maps[i], error))
      return FALSE;

  if (o->output != NULL)
    {
      if (node_at (graph, o->output) == NULL)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("--output %s: the workflow has no node %s"), o->output, o->output);
          return FALSE;
        }
      json_object_set_string_member (bindings, "output", o->output);
    }

  if (o->passes != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (o->passes, ",", -1);
      JsonArray *array = json_array_new ();

      for (guint i = 0; ids[i] != NULL; i++)
        if (*g_strstrip (ids[i]) != '\0')
          json_array_add_string_element (array, ids[i]);
      json_object_set_array_member (bindings, "passes", array);
    }

  return TRUE;
}

/* What goes where, one line per part, after the notes in @report */
static void
print_found (const char *file,
             GString    *report,
             JsonObject *graph,
             JsonObject *bindings)
{
  JsonObject *bind = json_object_get_object_member (bindings, "bind");
  JsonArray *order = json_object_get_array_member (bindings, "passes");
  g_autoptr(GString) list = g_string_new (NULL);

  g_print (_("Found in %s:\n"), file);
  say_ref (report, graph, _("first keyframe"), bind, INB_COMFYUI_BIND_FIRST_IMAGE);
  say_ref (report, graph, _("last keyframe"), bind, INB_COMFYUI_BIND_LAST_IMAGE);
  say_ref (report, graph, _("prompt"), bind, INB_COMFYUI_BIND_PROMPT);
  say_ref (report, graph, _("negative prompt"), bind, INB_COMFYUI_BIND_NEGATIVE);
  say_ref (report, graph, _("seed"), bind, INB_COMFYUI_BIND_SEED);
  say_ref (report, graph, _("length"), bind, INB_COMFYUI_BIND_LENGTH);
  say_ref (report, graph, _("width"), bind, INB_COMFYUI_BIND_WIDTH);
  say_ref (report, graph, _("height"), bind, INB_COMFYUI_BIND_HEIGHT);
  say_ref (report, graph, _("frame rate"), bind, INB_COMFYUI_BIND_FPS);

  for (guint i = 0; order != NULL && i < json_array_get_length (order); i++)
    g_string_append_printf (list, "%s%s", i > 0 ? " → " : "", json_array_get_string_element (order, i));
  say (report, _("sampler passes"), "%s", list->len > 0 ? list->str : _("not found (no step progress)"));
  say (report, _("output"), "%s", json_object_has_member (bindings, "output")
                                  ? json_object_get_string_member (bindings, "output") : _("not found"));
  g_print ("%s", report->str);
}

/**
 * inb_comfyui_import_command:
 * @argv: "import", then FILE and the options
 *
 * Blocking: the command line's.
 */
gboolean
inb_comfyui_import_command (InbComfyuiBackend  *self,
                            int                 argc,
                            char              **argv,
                            GError            **error)
{
  g_auto(ImportOptions) o = { 0 };
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) graph = NULL;
  g_autoptr(JsonObject) bindings = NULL;
  g_autoptr(JsonObject) entry = NULL;
  g_autoptr(GString) report = g_string_new (NULL);

  if (!parse_import_options (argc, argv, &o, error))
    return FALSE;

  graph = load_workflow_file (o.files[0], error);
  if (graph == NULL)
    return FALSE;

  bindings = inb_comfyui_detect_bindings (graph, report, error);
  if (bindings == NULL || !apply_corrections (graph, bindings, &o, error))
    return FALSE;

  id = slug_from (o.name != NULL ? o.name : o.files[0]);
  if (!check_model_id (self, id, o.replace, TRUE, error))
    return FALSE;

  /* Checked as it will be used */
  {
    g_autoptr(InbComfyuiWorkflow) workflow = inb_comfyui_workflow_new (graph, bindings, error);

    if (workflow == NULL)
      return FALSE;
  }

  print_found (o.files[0], report, graph, bindings);

  entry = inb_comfyui_imported_model_new (id, o.title != NULL ? o.title : o.name != NULL ? o.name : id,
                                          graph, bindings, error);
  if (entry == NULL)
    return FALSE;

  if (o.dry_run)
    {
      g_print (_("Nothing was saved (--dry-run).\n"));
      return TRUE;
    }

  if (!write_entry (inb_comfyui_backend_get_workflows_dir (self), id, entry, error))
    return FALSE;

  inb_comfyui_backend_reload (self);
  g_print (_("Saved as the ComfyUI model “%s”: inbetween generate FIRST LAST -b comfyui -m %s\n"), id, id);
  return TRUE;
}

/* The window: a mapping to correct, then saved ------------------------------------------ */

#define ROLE_OUTPUT "output"

static const struct
{
  const char *id;
  const char *label;
  gboolean    required;
  const char *inputs[4];
} import_roles[] = {
  { INB_COMFYUI_BIND_FIRST_IMAGE, N_("First keyframe"), TRUE, { "image" } },
  { INB_COMFYUI_BIND_LAST_IMAGE, N_("Last keyframe"), TRUE, { "image" } },
  { INB_COMFYUI_BIND_PROMPT, N_("Prompt"), FALSE, { "text" } },
  { INB_COMFYUI_BIND_NEGATIVE, N_("Negative prompt"), FALSE, { "text" } },
  { INB_COMFYUI_BIND_SEED, N_("Seed"), FALSE, { "noise_seed", "seed" } },
  { INB_COMFYUI_BIND_LENGTH, N_("Length in frames"), FALSE, { "length", "num_frames", "frames" } },
  { INB_COMFYUI_BIND_WIDTH, N_("Width"), FALSE, { "width" } },
  { INB_COMFYUI_BIND_HEIGHT, N_("Height"), FALSE, { "height" } },
  { INB_COMFYUI_BIND_FPS, N_("Frame rate"), FALSE, { "fps", "frame_rate" } },
  { ROLE_OUTPUT, N_("Video output"), TRUE, { NULL } },
};

/* "68 · LoadImage “Start” · image"; without @input: the node alone */
static char *
place_label (JsonObject *graph,
             const char *node_id,
             const char *input)
{
  JsonObject *node = node_at (graph, node_id);
  const char *title = title_of (node);
  g_autoptr(GString) label = g_string_new (NULL);

  g_string_append_printf (label, "%s · %s", node_id, class_of (node) != NULL ? class_of (node) : "?");
  if (title != NULL && g_strcmp0 (title, class_of (node)) != 0)
    /* Translators: a node's title, after its id and class */
    g_string_append_printf (label, _(" “%s”"), title);
  if (input != NULL)
    g_string_append_printf (label, " · %s", input);

  return g_string_free (g_steal_pointer (&label), FALSE);
}

/* A literal input that could hold role @r */
static gboolean
fits_role (JsonObject *node,
           guint       r,
           const char *input)
{
  JsonNode *value = json_object_get_member (inputs_of (node), input);
  GType type = json_node_get_value_type (value);

  if (g_str_equal (import_roles[r].id, INB_COMFYUI_BIND_FIRST_IMAGE) ||
      g_str_equal (import_roles[r].id, INB_COMFYUI_BIND_LAST_IMAGE))
    return g_strcmp0 (class_of (node), "LoadImage") == 0;
  if (g_str_equal (import_roles[r].id, INB_COMFYUI_BIND_PROMPT) ||
      g_str_equal (import_roles[r].id, INB_COMFYUI_BIND_NEGATIVE))
    return type == G_TYPE_STRING;

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* What was found for role @r (every place, as one candidate), chosen */
static void
add_detected (InbWorkflowMapping *mapping,
              guint               role,
              JsonObject         *graph,
              JsonObject         *bindings)
{
  JsonObject *bind = json_object_get_object_member (bindings, "bind");
  JsonArray *refs = json_object_has_member (bind, import_roles[role].id)
                    ? json_object_get_array_member (bind, import_roles[role].id) : NULL;
  g_autoptr(GString) value = g_string_new (NULL);
  g_autoptr(GString) label = g_string_new (NULL);

  if (g_str_equal (import_roles[role].id, ROLE_OUTPUT))
    {
      const char *output = json_object_get_string_member_with_default (bindings, "output", NULL);
      g_autofree char *text = output != NULL ? place_label (graph, output, NULL) : NULL;

      if (output != NULL)
        inb_workflow_mapping_set_choice (mapping, role,
                                         (int) inb_workflow_mapping_add_candidate (mapping, role, output, text));
      return;
    }

  for (guint i = 0; refs != NULL && i < json_array_get_length (refs); i++)
    {
      const char *ref = json_array_get_string_element (refs, i);
      g_autofree char *node_id = g_strndup (ref, strrchr (ref, '.') - ref);
      g_autofree char *text = place_label (graph, node_id, strrchr (ref, '.') + 1);

      g_string_append_printf (value, "%s%s", i > 0 ? "," : "", ref);
      g_string_append_printf (label, "%s%s", i > 0 ? " + " : "", text);
    }
  if (value->len > 0)
    inb_workflow_mapping_set_choice (mapping, role,
                                     (int) inb_workflow_mapping_add_candidate (mapping, role, value->str, label->str));
}

/* Every other place role @r could go */
static void
add_candidates (InbWorkflowMapping *mapping,
                guint               role,
                JsonObject         *graph,
                GList              *ids)
{
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = node_at (graph, l->data);

      if (g_str_equal (import_roles[role].id, ROLE_OUTPUT))
        {
          g_autofree char *text = is_output (node) ? place_label (graph, l->data, NULL) : NULL;

          if (text != NULL)
            inb_workflow_mapping_add_candidate (mapping, role, l->data, text);
          continue;
        }

      for (guint k = 0; k < G_N_ELEMENTS (import_roles[role].inputs) && import_roles[role].inputs[k] != NULL; k++)
        {
          const char *input = import_roles[role].inputs[k];
          g_autofree char *ref = NULL;
          g_autofree char *text = NULL;

          if (!is_literal (inputs_of (node), input) || !fits_role (node, role, input))
            continue;
          ref = g_strdup_printf ("%s.%s", (const char *) l->data, input);
          text = place_label (graph, l->data, input);
          inb_workflow_mapping_add_candidate (mapping, role, ref, text);
        }
    }
}

/**
 * inb_comfyui_open_workflow:
 * @name: the file's name, for messages and the title
 *
 * What the window shows of a workflow: each part of a take, where it was
 * found (chosen) and where else it could go. Only reads its arguments: a
 * worker thread calls it.
 *
 * Returns: (transfer full): the mapping, or %NULL with @error set (the
 *   same words as `inbetween comfyui import`)
 */
InbWorkflowMapping *
inb_comfyui_open_workflow (const char  *name,
                           const char  *data,
                           gsize        length,
                           GError     **error)
{
  g_autoptr(JsonObject) graph = inb_comfyui_parse_workflow (name, data, length, error);
  g_autoptr(JsonObject) bindings = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GList) ids = NULL;
  InbWorkflowMapping *mapping;

  if (graph == NULL)
    return NULL;
  bindings = inb_comfyui_detect_bindings (graph, NULL, error);
  if (bindings == NULL)
    return NULL;

  document = json_object_new ();
  json_object_set_object_member (document, "graph", json_object_ref (graph));
  json_object_set_object_member (document, "bindings", json_object_ref (bindings));
  mapping = inb_workflow_mapping_new (name, document);

  ids = ids_in_order (graph);
  for (guint r = 0; r < G_N_ELEMENTS (import_roles); r++)
    {
      guint role = inb_workflow_mapping_add_role (mapping, import_roles[r].id, _(import_roles[r].label),
                                                  import_roles[r].required);

      add_detected (mapping, role, graph, bindings);
      add_candidates (mapping, role, graph, ids);
    }

  return mapping;
}

/* The bindings found, as the artist corrected them */
static JsonObject *
corrected_bindings (InbWorkflowMapping  *mapping,
                    JsonObject          *graph,
                    GError             **error)
{
  JsonObject *document = inb_workflow_mapping_get_document (mapping);
  g_autoptr(JsonNode) copy = json_node_copy (json_object_get_member (document, "bindings"));
  JsonObject *bindings = json_node_get_object (copy);

  for (guint r = 0; r < inb_workflow_mapping_get_n_roles (mapping); r++)
    {
      const char *id = inb_workflow_mapping_get_role_id (mapping, r);
      const char *value = inb_workflow_mapping_get_chosen_value (mapping, r);
      g_autofree char *assignment = NULL;

      if (g_str_equal (id, ROLE_OUTPUT))
        {
          if (value != NULL)
            json_object_set_string_member (bindings, "output", value);
          else if (json_object_has_member (bindings, "output"))
            json_object_remove_member (bindings, "output");
          continue;
        }
      assignment = g_strdup_printf ("%s=%s", id, value != NULL ? value : "");
      if (!apply_map (graph, bindings, assignment, error))
        return NULL;
    }

  return json_object_ref (bindings);
}

typedef struct
{
  char       *dir;
  char       *id;
  JsonObject *entry;
  gboolean    replace;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->dir);
  g_free (data->id);
  g_clear_pointer (&data->entry, json_object_unref);
  g_free (data);
}

static void
save_worker (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;

  if (write_entry (data->dir, data->id, data->entry, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !inb_comfyui_backend_add_imported (INB_COMFYUI_BACKEND (source), data->entry, data->replace, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_strdup (data->id), g_free);
}

/**
 * inb_comfyui_save_workflow_async:
 *
 * Saves @mapping as an imported model, as `inbetween comfyui import`
 * does (the same checks, the same file; an imported model of the same
 * name is %G_IO_ERROR_EXISTS, or replaced when the mapping says so, as
 * --replace does); the file is written in a worker thread, and the model
 * added to the backend's (or put in the replaced one's place) when it is
 * there.
 */
void
inb_comfyui_save_workflow_async (InbComfyuiBackend   *self,
                                 InbWorkflowMapping  *mapping,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) write = NULL;
  JsonObject *document = inb_workflow_mapping_get_document (mapping);
  JsonObject *graph = document != NULL ? json_object_get_object_member (document, "graph") : NULL;
  g_autoptr(JsonObject) bindings = NULL;
  const char *title = inb_workflow_mapping_get_title (mapping);
  SaveData *data = g_new0 (SaveData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, inb_comfyui_save_workflow_async);
  g_task_set_name (task, "[inb] comfyui save workflow");
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_return_if_fail (graph != NULL);

  data->dir = g_strdup (inb_comfyui_backend_get_workflows_dir (self));
  data->id = slug_of_text (title != NULL ? title : "");
  data->replace = inb_workflow_mapping_get_replace (mapping) && inb_comfyui_backend_is_imported (self, data->id);
  bindings = corrected_bindings (mapping, graph, &error);
  if (bindings == NULL || !check_model_id (self, data->id, data->replace, FALSE, &error) ||
      (data->entry = build_entry (data->id, title, graph, bindings, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  write = g_task_new (self, cancellable, saved_cb, g_object_ref (task));
  g_task_set_name (write, "[inb] comfyui write workflow");
  g_task_set_task_data (write, data, NULL);
  g_task_run_in_thread (write, save_worker);
}

/**
 * inb_comfyui_save_workflow_finish:
 *
 * Returns: (transfer full): the new model's id, or %NULL with @error set
 */
char *
inb_comfyui_save_workflow_finish (InbComfyuiBackend  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * inb_comfyui_find_workflow_model:
 *
 * Returns: (transfer none) (nullable): the imported model saving @mapping
 *   under its present title would replace
 */
InbModel *
inb_comfyui_find_workflow_model (InbComfyuiBackend  *self,
                                 InbWorkflowMapping *mapping)
{
  const char *title = inb_workflow_mapping_get_title (mapping);
  g_autofree char *id = slug_of_text (title != NULL ? title : "");

  if (!inb_comfyui_backend_is_imported (self, id))
    return NULL;

  return inb_backend_find_model (INB_BACKEND (self), id);
}
