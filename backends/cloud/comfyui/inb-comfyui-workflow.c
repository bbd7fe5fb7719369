/* inb-comfyui-workflow.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A workflow is an API-format graph ({"<id>": {"class_type", "inputs":
 * {name: literal | [source id, output index]}}}) plus bindings: for each
 * part of a request (the keyframes, the prompts, the seed, the size, the
 * frame count, the steps and their split, the model files…) the node
 * inputs it goes into. The built-in models' bindings are in
 * resources/schemas/comfyui.json ("x-comfyui"), an imported workflow's are
 * found by inb-comfyui-import.c. Building fills a copy of the graph; the
 * server's answer is read back here too (which file is the clip).
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "inb-comfyui-workflow.h"

G_DEFINE_QUARK (inb-comfyui-error-quark, inb_comfyui_error)

struct _InbComfyuiWorkflow
{
  gatomicrefcount  ref_count;
  JsonObject      *graph;
  JsonObject      *bindings;   /* as given, for saving */
  GHashTable      *bind;       /* key → GPtrArray of InbComfyuiRef */
  GHashTable      *files;      /* param → folder */
  GStrv            passes;
  char            *output;
  double           split;
};

void
inb_comfyui_ref_clear (InbComfyuiRef *ref)
{
  g_clear_pointer (&ref->node, g_free);
  g_clear_pointer (&ref->input, g_free);
}

static void
ref_free (InbComfyuiRef *ref)
{
  inb_comfyui_ref_clear (ref);
  g_free (ref);
}

void
inb_comfyui_model_file_free (InbComfyuiModelFile *file)
{
  if (file == NULL)
    return;

  g_free (file->param);
  g_free (file->folder);
  g_free (file->name);
  inb_comfyui_ref_clear (&file->ref);
  g_free (file);
}

void
inb_comfyui_file_free (InbComfyuiFile *file)
{
  if (file == NULL)
    return;

  g_free (file->filename);
  g_free (file->subfolder);
  g_free (file->type);
  g_free (file->node);
  g_free (file);
}

void
inb_comfyui_built_free (InbComfyuiBuilt *built)
{
  if (built == NULL)
    return;

  g_clear_pointer (&built->graph, json_object_unref);
  g_clear_pointer (&built->pass_steps, g_array_unref);
  g_free (built->negative);
  g_free (built);
}

/* Graph access ------------------------------------------------------------ */

/* json_node_copy() shares objects and arrays: graphs are copied deeply. */
static JsonNode *
deep_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *from = json_node_get_object (node);
      g_autoptr(JsonObject) to = json_object_new ();
      g_autoptr(GList) names = json_object_get_members (from);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (to, l->data, deep_copy (json_object_get_member (from, l->data)));

      return json_node_init_object (json_node_alloc (), to);
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *from = json_node_get_array (node);
      g_autoptr(JsonArray) to = json_array_sized_new (json_array_get_length (from));

      for (guint i = 0; i < json_array_get_length (from); i++)
        json_array_add_element (to, deep_copy (json_array_get_element (from, i)));

      return json_node_init_array (json_node_alloc (), to);
    }

  return json_node_copy (node);
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) wrap = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) copy = deep_copy (wrap);

  return json_object_ref (json_node_get_object (copy));
}

static JsonObject *
graph_node (JsonObject *graph,
            const char *id)
{
  JsonNode *node;

  if (id == NULL || !json_object_has_member (graph, id))
    return NULL;

  node = json_object_get_member (graph, id);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
node_inputs (JsonObject *node)
{
  JsonNode *inputs;

  if (node == NULL || !json_object_has_member (node, "inputs"))
    return NULL;

  inputs = json_object_get_member (node, "inputs");
  return JSON_NODE_HOLDS_OBJECT (inputs) ? json_node_get_object (inputs) : NULL;
}

static const char *
node_class (JsonObject *node)
{
  JsonNode *member;

  if (node == NULL || !json_object_has_member (node, "class_type"))
    return NULL;

  member = json_object_get_member (node, "class_type");
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

/* A link is [source id (string), output index (number)]. */
static gboolean
is_link (JsonNode *value)
{
  JsonArray *array;
  JsonNode *first, *second;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return FALSE;

  array = json_node_get_array (value);
  if (json_array_get_length (array) != 2)
    return FALSE;

  first = json_array_get_element (array, 0);
  second = json_array_get_element (array, 1);
  return JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING &&
         JSON_NODE_HOLDS_VALUE (second) && json_node_get_value_type (second) == G_TYPE_INT64;
}

/* Checks the graph is API format and every link points at a node. */
static gboolean
check_graph (JsonObject  *graph,
             GError     **error)
{
  g_autoptr(GList) ids = json_object_get_members (graph);

  if (ids == NULL)
    {
      g_set_error_literal (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("The workflow has no nodes"));
      return FALSE;
    }

  /* The editor's format (what "Save" writes) has "nodes" and "links" */
  if (json_object_has_member (graph, "nodes") && json_object_has_member (graph, "links"))
    {
      g_set_error_literal (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("This is a workflow in the ComfyUI editor's format; export it from ComfyUI with "
                             "“Export (API)” and import that file"));
      return FALSE;
    }

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *node = graph_node (graph, l->data);
      JsonObject *inputs = node_inputs (node);
      g_autoptr(GList) names = NULL;

      if (node == NULL || node_class (node) == NULL || inputs == NULL)
        {
          g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                       _("Node %s of the workflow has no class_type or inputs: is this an API-format workflow "
                         "(“Export (API)” in ComfyUI)?"), (const char *) l->data);
          return FALSE;
        }

      names = json_object_get_members (inputs);
      for (GList *n = names; n != NULL; n = n->next)
        {
          JsonNode *value = json_object_get_member (inputs, n->data);

          if (is_link (value))
            {
              const char *source = json_array_get_string_element (json_node_get_array (value), 0);

              if (graph_node (graph, source) == NULL)
                {
                  g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                               _("Input %s of node %s is linked to node %s, which the workflow does not have"),
                               (const char *) n->data, (const char *) l->data, source);
                  return FALSE;
                }
            }
        }
    }

  return TRUE;
}

/* Bindings ---------------------------------------------------------------- */

static gboolean
parse_ref (const char     *text,
           InbComfyuiRef  *ref)
{
  const char *dot = text != NULL ? strrchr (text, '.') : NULL;

  if (dot == NULL || dot == text || dot[1] == '\0')
    return FALSE;

  ref->node = g_strndup (text, dot - text);
  ref->input = g_strdup (dot + 1);
  return TRUE;
}

static GStrv
read_strings (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_has_member (object, member) ? json_object_get_member (object, member) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strv_builder_end (builder);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

/**
 * inb_comfyui_workflow_new:
 * @graph: an API-format graph (copied)
 * @bindings: {"bind": {key: ["node.input", …]}, "files": {param: folder},
 *   "passes": [sampler ids in order], "split": fraction of the steps in
 *   the first pass, "output": output node id} (copied)
 *
 * Returns: (transfer full): the workflow, or %NULL with @error set when
 *   the graph is not API format, a link points nowhere, or a binding names
 *   a node or input the graph lacks, or an input that is a link
 */
InbComfyuiWorkflow *
inb_comfyui_workflow_new (JsonObject  *graph,
                          JsonObject  *bindings,
                          GError     **error)
{
  g_autoptr(InbComfyuiWorkflow) self = NULL;
  JsonObject *bind;
  JsonObject *files;
  g_autoptr(GList) keys = NULL;

  g_return_val_if_fail (graph != NULL && bindings != NULL, NULL);

  if (!check_graph (graph, error))
    return NULL;

  self = g_new0 (InbComfyuiWorkflow, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->graph = copy_object (graph);
  self->bindings = copy_object (bindings);
  self->bind = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  bind = json_object_has_member (bindings, "bind") ? json_object_get_object_member (bindings, "bind") : NULL;
  keys = bind != NULL ? json_object_get_members (bind) : NULL;
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_auto(GStrv) texts = read_strings (bind, l->data);
      GPtrArray *refs = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_free);

      g_hash_table_insert (self->bind, g_strdup (l->data), refs);
      for (guint i = 0; texts[i] != NULL; i++)
        {
          InbComfyuiRef *ref = g_new0 (InbComfyuiRef, 1);
          JsonObject *inputs;

          g_ptr_array_add (refs, ref);
          if (!parse_ref (texts[i], ref))
            {
              g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("“%s” is not a node input (write it as NODE.INPUT, e.g. 84.noise_seed)"), texts[i]);
              return NULL;
            }

          inputs = node_inputs (graph_node (self->graph, ref->node));
          if (inputs == NULL)
            {
              g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("The %s goes to node %s, which the workflow does not have"),
                           (const char *) l->data, ref->node);
              return NULL;
            }
          if (!json_object_has_member (inputs, ref->input))
            {
              g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("The %s goes to input %s of node %s (%s), which has no such input"),
                           (const char *) l->data, ref->input, ref->node,
                           node_class (graph_node (self->graph, ref->node)));
              return NULL;
            }
          if (is_link (json_object_get_member (inputs, ref->input)))
            {
              g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                           _("Input %s of node %s comes from another node: bind the node it comes from instead"),
                           ref->input, ref->node);
              return NULL;
            }
        }
    }

  files = json_object_has_member (bindings, "files") ? json_object_get_object_member (bindings, "files") : NULL;
  if (files != NULL)
    {
      g_autoptr(GList) params = json_object_get_members (files);

      for (GList *l = params; l != NULL; l = l->next)
        {
          const char *folder = json_object_get_string_member_with_default (files, l->data, NULL);

          if (folder != NULL)
            g_hash_table_insert (self->files, g_strdup (l->data), g_strdup (folder));
        }
    }

  self->passes = read_strings (bindings, "passes");
  self->output = g_strdup (json_object_get_string_member_with_default (bindings, "output", NULL));
  self->split = json_object_get_double_member_with_default (bindings, "split", 0.0);
  if (!(self->split > 0.0 && self->split < 1.0))
    self->split = 0.0;

  if (self->output != NULL && graph_node (self->graph, self->output) == NULL)
    {
      g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                   _("The workflow's output node %s is not in it"), self->output);
      return NULL;
    }

  return g_steal_pointer (&self);
}

InbComfyuiWorkflow *
inb_comfyui_workflow_ref (InbComfyuiWorkflow *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
inb_comfyui_workflow_unref (InbComfyuiWorkflow *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->graph, json_object_unref);
  g_clear_pointer (&self->bindings, json_object_unref);
  g_clear_pointer (&self->bind, g_hash_table_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_strfreev (self->passes);
  g_free (self->output);
  g_free (self);
}

/**
 * inb_comfyui_workflow_get_graph:
 *
 * Returns: (transfer none): the graph as given (never changed)
 */
JsonObject *
inb_comfyui_workflow_get_graph (InbComfyuiWorkflow *self)
{
  return self->graph;
}

JsonObject *
inb_comfyui_workflow_dup_bindings (InbComfyuiWorkflow *self)
{
  return json_object_ref (self->bindings);
}

GPtrArray *
inb_comfyui_workflow_lookup (InbComfyuiWorkflow *self,
                             const char         *key)
{
  return g_hash_table_lookup (self->bind, key);
}

const char *
inb_comfyui_workflow_get_output (InbComfyuiWorkflow *self)
{
  return self->output;
}

const char * const *
inb_comfyui_workflow_get_passes (InbComfyuiWorkflow *self)
{
  return (const char * const *) self->passes;
}

double
inb_comfyui_workflow_get_split (InbComfyuiWorkflow *self)
{
  return self->split;
}

GStrv
inb_comfyui_workflow_dup_classes (InbComfyuiWorkflow *self)
{
  g_autoptr(GList) ids = json_object_get_members (self->graph);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GList) classes = NULL;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      const char *klass = node_class (graph_node (self->graph, l->data));

      if (klass != NULL && g_hash_table_add (seen, (gpointer) klass))
        classes = g_list_prepend (classes, (gpointer) klass);
    }

  classes = g_list_sort (classes, (GCompareFunc) g_strcmp0);
  for (GList *l = classes; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);

  return g_strv_builder_end (builder);
}

/* Adds @id and every node it takes input from to @seen. */
static void
collect_upstream (JsonObject *graph,
                  const char *id,
                  GHashTable *seen)
{
  JsonObject *inputs = node_inputs (graph_node (graph, id));
  g_autoptr(GList) names = NULL;

  if (inputs == NULL || !g_hash_table_add (seen, (gpointer) id))
    return;

  names = json_object_get_members (inputs);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (inputs, l->data);

      if (is_link (value))
        collect_upstream (graph, json_array_get_string_element (json_node_get_array (value), 0), seen);
    }
}

/**
 * inb_comfyui_workflow_list_model_files:
 *
 * Only the files the clip needs: those of nodes the output node depends
 * on (the server runs that output even when another one cannot run).
 */
GPtrArray *
inb_comfyui_workflow_list_model_files (InbComfyuiWorkflow *self,
                                       JsonObject         *params)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_comfyui_model_file_free);
  g_autoptr(GList) names = g_hash_table_get_keys (self->files);
  g_autoptr(GHashTable) needed = g_hash_table_new (g_str_hash, g_str_equal);

  if (self->output != NULL)
    collect_upstream (self->graph, self->output, needed);

  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      GPtrArray *refs = g_hash_table_lookup (self->bind, l->data);
      const char *name = inb_params_get_string (params, l->data, NULL);
      InbComfyuiRef *ref;
      InbComfyuiModelFile *file;

      /* An imported workflow keeps the names it has */
      if (refs == NULL || refs->len == 0)
        continue;
      ref = g_ptr_array_index (refs, 0);
      if (self->output != NULL && !g_hash_table_contains (needed, ref->node))
        continue;
      if (name == NULL)
        {
          JsonObject *inputs = node_inputs (graph_node (self->graph, ref->node));

          name = json_object_get_string_member_with_default (inputs, ref->input, NULL);
        }
      if (name == NULL)
        continue;

      file = g_new0 (InbComfyuiModelFile, 1);
      file->param = g_strdup (l->data);
      file->folder = g_strdup (g_hash_table_lookup (self->files, l->data));
      file->name = g_strdup (name);
      file->ref.node = g_strdup (ref->node);
      file->ref.input = g_strdup (ref->input);
      g_ptr_array_add (files, file);
    }

  return files;
}

/* Building ------------------------------------------------------------------ */

static void
set_input (JsonObject *graph,
           GPtrArray  *refs,
           JsonNode   *value)
{
  for (guint i = 0; refs != NULL && i < refs->len; i++)
    {
      InbComfyuiRef *ref = g_ptr_array_index (refs, i);
      JsonObject *inputs = node_inputs (graph_node (graph, ref->node));

      if (inputs != NULL)
        json_object_set_member (inputs, ref->input, json_node_copy (value));
    }
}

static void
bind_node (InbComfyuiWorkflow *self,
           JsonObject         *graph,
           const char         *key,
           JsonNode           *value)
{
  set_input (graph, g_hash_table_lookup (self->bind, key), value);
  json_node_unref (value);
}

static JsonNode *
int_node (gint64 value)
{
  return json_node_init_int (json_node_alloc (), value);
}

static JsonNode *
string_node (const char *value)
{
  return json_node_init_string (json_node_alloc (), value);
}

static gboolean
is_special (const char *key)
{
  static const char * const special[] = {
    INB_COMFYUI_BIND_FIRST_IMAGE, INB_COMFYUI_BIND_LAST_IMAGE, INB_COMFYUI_BIND_PROMPT,
    INB_COMFYUI_BIND_NEGATIVE, INB_COMFYUI_BIND_SEED, INB_COMFYUI_BIND_WIDTH,
    INB_COMFYUI_BIND_HEIGHT, INB_COMFYUI_BIND_LENGTH, INB_COMFYUI_BIND_SPLIT_STEP,
  };

  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    if (g_str_equal (key, special[i]))
      return TRUE;

  return FALSE;
}

static gboolean
bound (InbComfyuiWorkflow *self,
       const char         *key)
{
  GPtrArray *refs = g_hash_table_lookup (self->bind, key);

  return refs != NULL && refs->len > 0;
}

/* The literal at the first place @key goes, as a number, or @fallback. */
static double
current_number (InbComfyuiWorkflow *self,
                const char         *key,
                double              fallback)
{
  GPtrArray *refs = g_hash_table_lookup (self->bind, key);
  InbComfyuiRef *ref;
  JsonNode *value;
  JsonObject *inputs;

  if (refs == NULL || refs->len == 0)
    return fallback;

  ref = g_ptr_array_index (refs, 0);
  inputs = node_inputs (graph_node (self->graph, ref->node));
  value = inputs != NULL ? json_object_get_member (inputs, ref->input) : NULL;
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
    return fallback;

  return json_node_get_double (value);
}

static gint64
literal_int (JsonObject *inputs,
             const char *name,
             gint64      fallback)
{
  JsonNode *value = inputs != NULL && json_object_has_member (inputs, name) ? json_object_get_member (inputs, name) : NULL;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
    return fallback;

  return (gint64) json_node_get_double (value);
}

/* The steps a sampler node runs: all of them, or (KSamplerAdvanced) the
 * range between its start and end step. */
static guint
pass_steps_in_graph (JsonObject *graph,
                     const char *id,
                     guint       fallback)
{
  JsonObject *inputs = node_inputs (graph_node (graph, id));
  gint64 steps = literal_int (inputs, "steps", fallback);
  gint64 start = literal_int (inputs, "start_at_step", 0);
  gint64 end = literal_int (inputs, "end_at_step", steps);

  return (guint) CLAMP (MIN (end, steps) - start, 1, 10000);
}

/**
 * inb_comfyui_workflow_build:
 * @model: the request's model (its schema rounds the frame count)
 * @width: (not nullable): the clip's size, as the keyframes were fitted
 * @first_image: the first keyframe's name on the server (as the upload
 *   answered it)
 * @negative_default: (nullable): sent when the request has no negative
 *   prompt; %NULL: the workflow's own text stays (as with an empty prompt)
 *
 * Returns: (transfer full): the graph to send and what it will make, or
 *   %NULL with @error set
 */
InbComfyuiBuilt *
inb_comfyui_workflow_build (InbComfyuiWorkflow  *self,
                            InbModel            *model,
                            InbRequest          *request,
                            guint                width,
                            guint                height,
                            const char          *first_image,
                            const char          *last_image,
                            const char          *negative_default,
                            GError             **error)
{
  g_autoptr(InbComfyuiBuilt) built = g_new0 (InbComfyuiBuilt, 1);
  JsonObject *params = inb_request_get_params (request);
  InbSchema *schema = inb_model_get_schema (model);
  const char *prompt = inb_request_get_prompt (request);
  const char *negative = inb_request_get_negative_prompt (request);
  g_autoptr(GList) keys = g_hash_table_get_keys (self->bind);
  double fps;
  guint steps;

  g_return_val_if_fail (first_image != NULL && last_image != NULL, NULL);

  built->graph = copy_object (self->graph);
  built->pass_steps = g_array_new (FALSE, TRUE, sizeof (guint));
  built->width = width;
  built->height = height;

  bind_node (self, built->graph, INB_COMFYUI_BIND_FIRST_IMAGE, string_node (first_image));
  bind_node (self, built->graph, INB_COMFYUI_BIND_LAST_IMAGE, string_node (last_image));
  /* An empty prompt leaves the workflow's own text (an imported one's) */
  if (prompt != NULL && *prompt != '\0')
    bind_node (self, built->graph, INB_COMFYUI_BIND_PROMPT, string_node (prompt));

  if (negative != NULL && *negative != '\0')
    built->negative = g_strdup (negative);
  else if (negative_default != NULL)
    built->negative = g_strdup (negative_default);
  if (built->negative != NULL)
    bind_node (self, built->graph, INB_COMFYUI_BIND_NEGATIVE, string_node (built->negative));

  if (inb_schema_lookup (schema, "seed") != NULL)
    bind_node (self, built->graph, INB_COMFYUI_BIND_SEED, int_node (inb_request_get_seed (request)));

  if (bound (self, INB_COMFYUI_BIND_WIDTH))
    bind_node (self, built->graph, INB_COMFYUI_BIND_WIDTH, int_node (width));
  if (bound (self, INB_COMFYUI_BIND_HEIGHT))
    bind_node (self, built->graph, INB_COMFYUI_BIND_HEIGHT, int_node (height));

  /* The clip's rate, then its frame count from the duration at that rate
   * (rounded to what the model makes: Wan 4n+1) */
  fps = inb_params_get_double (params, "fps", current_number (self, INB_COMFYUI_BIND_FPS, 0.0));
  built->fps = fps;
  if (json_object_has_member (params, "duration") && fps > 0)
    {
      const InbParamSpec *spec = inb_schema_lookup (schema, "duration");

      built->n_frames = inb_param_spec_frames_for_duration (spec, inb_params_get_double (params, "duration", 5.0), fps);
      bind_node (self, built->graph, INB_COMFYUI_BIND_LENGTH, int_node (built->n_frames));
    }
  else
    built->n_frames = (guint) current_number (self, INB_COMFYUI_BIND_LENGTH, 0.0);

  /* The steps, split between the passes where there are two */
  steps = (guint) MAX (1, inb_params_get_int (params, "steps", (gint64) current_number (self, "steps", 20)));
  if (self->split > 0.0 && g_strv_length (self->passes) >= 2)
    {
      guint split = (guint) CLAMP (lround (steps * self->split), 1, (long) MAX (1, steps - 1));
      guint rest = steps - split;

      bind_node (self, built->graph, INB_COMFYUI_BIND_SPLIT_STEP, int_node (split));
      g_array_append_val (built->pass_steps, split);
      g_array_append_val (built->pass_steps, rest);
    }
  else
    {
      for (guint i = 0; self->passes[i] != NULL; i++)
        {
          guint these = pass_steps_in_graph (built->graph, self->passes[i], steps);

          g_array_append_val (built->pass_steps, these);
        }
    }

  /* Every other binding is a parameter, sent as it is */
  for (GList *l = keys; l != NULL; l = l->next)
    {
      JsonNode *value;

      if (is_special (l->data) || !json_object_has_member (params, l->data))
        continue;

      value = json_object_get_member (params, l->data);
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
          g_hash_table_contains (self->files, l->data) &&
          !inb_comfyui_check_model_name (l->data, json_node_get_string (value), error))
        return NULL;

      set_input (built->graph, g_hash_table_lookup (self->bind, l->data), value);
    }

  return g_steal_pointer (&built);
}

/* Names --------------------------------------------------------------------- */

static gboolean
has_parent_component (const char *path)
{
  g_auto(GStrv) parts = g_strsplit_set (path, "/\\", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return TRUE;

  return FALSE;
}

static gboolean
has_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;

  return FALSE;
}

/**
 * inb_comfyui_check_name:
 * @what: for the message ("file name", "folder")
 * @allow_slash: whether @name may hold a relative path (a subfolder)
 *
 * Returns: whether @name stays in its folder; %FALSE with @error set
 *   otherwise
 */
gboolean
inb_comfyui_check_name (const char  *what,
                        const char  *name,
                        gboolean     allow_slash,
                        GError     **error)
{
  gboolean bad;

  if (name == NULL)
    {
      g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                   _("ComfyUI sent no %s"), what);
      return FALSE;
    }

  bad = !g_utf8_validate (name, -1, NULL) || has_control (name) ||
        name[0] == '/' || name[0] == '\\' || strchr (name, '\\') != NULL ||
        (g_ascii_isalpha (name[0]) && name[1] == ':') ||
        has_parent_component (name) || (!allow_slash && strchr (name, '/') != NULL) ||
        (!allow_slash && *name == '\0') || g_str_equal (name, ".") ||
        strlen (name) > 1024;

  if (bad)
    {
      g_autofree char *shown = g_utf8_validate (name, -1, NULL) ? g_strescape (name, NULL) : g_strdup ("?");

      g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                   /* Translators: e.g. "ComfyUI named the clip's file name “../../.bashrc”, which leaves its folder: refused, nothing was fetched" */
                   _("ComfyUI gave the clip the %s “%s”, which leaves its folder: refused, nothing was fetched"),
                   what, shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_comfyui_check_model_name:
 *
 * Returns: whether @name can be a model file on the server (a relative
 *   path inside its folder); %FALSE with @error set otherwise
 */
gboolean
inb_comfyui_check_model_name (const char  *param,
                              const char  *name,
                              GError     **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL) || has_control (name) ||
      name[0] == '/' || name[0] == '\\' || has_parent_component (name) ||
      (g_ascii_isalpha (name[0]) && name[1] == ':') || strlen (name) > 255)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("%s = “%s” is not a model file name: give the name as ComfyUI lists it, inside its folder"),
                   param, name != NULL ? name : "");
      return FALSE;
    }

  return TRUE;
}

/* Outputs ------------------------------------------------------------------- */

static gboolean
is_video_name (const char *name)
{
  static const char * const extensions[] = { ".mp4", ".webm", ".mkv", ".mov", ".m4v" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;

  return FALSE;
}

static gboolean
flagged_animated (JsonObject *entry)
{
  JsonNode *node = json_object_has_member (entry, "animated") ? json_object_get_member (entry, "animated") : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *flag = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (flag) && json_node_get_value_type (flag) == G_TYPE_BOOLEAN &&
          json_node_get_boolean (flag))
        return TRUE;
    }

  return FALSE;
}

typedef enum
{
  FOUND_NONE,
  FOUND_CLIP,
  FOUND_ANIMATION,   /* an animated image, not a video */
  FOUND_REFUSED,
} Found;

/* Looks through one node's outputs. */
static Found
scan_node (const char      *node_id,
           JsonObject      *entry,
           InbComfyuiFile **file,
           char           **animation,
           GError         **error)
{
  static const char * const lists[] = { "videos", "gifs", "images" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonNode *node = json_object_has_member (entry, lists[i]) ? json_object_get_member (entry, lists[i]) : NULL;
      gboolean images = g_str_equal (lists[i], "images");
      JsonArray *array;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;
      /* Still images are "images" too; a video there is flagged animated */
      if (images && !flagged_animated (entry))
        continue;

      array = json_node_get_array (node);
      for (guint k = 0; k < json_array_get_length (array); k++)
        {
          JsonNode *item = json_array_get_element (array, k);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *filename = object != NULL ? json_object_get_string_member_with_default (object, "filename", NULL) : NULL;
          const char *subfolder = object != NULL ? json_object_get_string_member_with_default (object, "subfolder", "") : "";
          const char *type = object != NULL ? json_object_get_string_member_with_default (object, "type", "output") : "output";
          const char *format = object != NULL ? json_object_get_string_member_with_default (object, "format", NULL) : NULL;

          if (filename == NULL)
            continue;

          /* Refused whatever it is: a name that tries to leave its folder */
          if (!inb_comfyui_check_name (_("file name"), filename, FALSE, error) ||
              !inb_comfyui_check_name (_("folder"), subfolder != NULL ? subfolder : "", TRUE, error))
            return FOUND_REFUSED;
          if (type == NULL || !(g_str_equal (type, "output") || g_str_equal (type, "temp")))
            {
              g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                           _("ComfyUI put the clip in a place of type “%s”: refused, nothing was fetched"),
                           type != NULL ? type : "?");
              return FOUND_REFUSED;
            }

          if (is_video_name (filename) || (format != NULL && g_str_has_prefix (format, "video/") && is_video_name (filename)))
            {
              *file = g_new0 (InbComfyuiFile, 1);
              (*file)->filename = g_strdup (filename);
              (*file)->subfolder = g_strdup (subfolder != NULL ? subfolder : "");
              (*file)->type = g_strdup (type);
              (*file)->node = g_strdup (node_id);
              return FOUND_CLIP;
            }

          if (*animation == NULL)
            *animation = g_strdup (filename);
        }
    }

  return *animation != NULL ? FOUND_ANIMATION : FOUND_NONE;
}

/**
 * inb_comfyui_find_clip:
 * @outputs: a history entry's "outputs" ({node id: {…}})
 * @output_node: (nullable): the workflow's output node; %NULL: any
 *
 * Returns: (transfer full): the clip, or %NULL with @error set (no clip,
 *   only an animated image, or a name that tries to leave its folder)
 */
InbComfyuiFile *
inb_comfyui_find_clip (JsonObject  *outputs,
                       const char  *output_node,
                       GError     **error)
{
  g_autoptr(GList) ids = NULL;
  g_autofree char *animation = NULL;

  if (outputs == NULL)
    {
      g_set_error_literal (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                           _("ComfyUI finished but kept no outputs"));
      return NULL;
    }

  if (output_node != NULL)
    ids = g_list_append (NULL, (gpointer) output_node);
  else
    ids = g_list_sort (json_object_get_members (outputs), (GCompareFunc) g_strcmp0);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_has_member (outputs, l->data) ? json_object_get_member (outputs, l->data) : NULL;
      InbComfyuiFile *file = NULL;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;

      switch (scan_node (l->data, json_node_get_object (node), &file, &animation, error))
        {
        case FOUND_CLIP:
          return file;
        case FOUND_REFUSED:
          return NULL;
        case FOUND_ANIMATION:
        case FOUND_NONE:
        default:
          break;
        }
    }

  if (animation != NULL)
    g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                 _("The workflow saved an animated image (%s), not a video: save the clip with SaveVideo "
                   "(or Video Combine as MP4)"), animation);
  else if (output_node != NULL)
    g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                 _("ComfyUI finished, but the output node %s saved no video"), output_node);
  else
    g_set_error_literal (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_OUTPUT,
                         _("ComfyUI finished, but no node saved a video"));

  return NULL;
}
