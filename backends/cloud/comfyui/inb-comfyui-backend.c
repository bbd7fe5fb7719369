/* inb-comfyui-backend.c — Wan first/last-frame on the artist's own ComfyUI
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contract: ../shared/research/comfyui.md. The models are API-format
 * workflows: three shipped in the GResource (resources/comfyui/, their
 * bindings and parameters in resources/schemas/comfyui.json) and the
 * artist's own, imported with `inbetween comfyui import FILE` into
 * $XDG_DATA_HOME/inbetween/comfyui/workflows/. A take is one job
 * (inb-comfyui-job.c): pre-flight, upload, one submit with our own prompt
 * id, the websocket followed with polling beside it, the clip fetched and
 * verified. Not an InbCloudBackend: no key, a websocket instead of polls,
 * and a remote task named by us before it exists.
 */
#define G_LOG_DOMAIN "inb-comfyui"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "inb-cloud-job.h"
#include "inb-comfyui-api.h"
#include "inb-comfyui-backend.h"
#include "inb-comfyui-job.h"
#include "inb-http.h"
#include "inb-resources.h"

#define COMFYUI_MODELS_RESOURCE    RESOURCE_BASE "/schemas/comfyui.json"
#define COMFYUI_TEMPLATES_RESOURCE RESOURCE_BASE "/comfyui/"
#define MAX_WORKFLOW_BYTES         (2 * 1024 * 1024)
#define MAX_WORKFLOWS              64

struct _InbComfyuiBackend
{
  GObject     parent_instance;

  GPtrArray  *models;       /* InbModel: the shipped ones, then the imported */
  GPtrArray  *retired;      /* InbModel: imported ones replaced while running,
                             * kept for whoever still points at them */
  GHashTable *workflows;    /* model id → InbComfyuiWorkflow */
  guint       n_builtin;
  char       *base_url;
  char       *negative_default;
  char       *workflows_dir;
  guint       stall_limit;  /* s without a byte before a call counts as stalled */
};

enum {
  PROP_0,
  PROP_STALL_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void inb_comfyui_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbComfyuiBackend, inb_comfyui_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND, inb_comfyui_backend_iface_init))

static const InbBackendRegion comfyui_regions[] = {
  { "local", N_("This computer"), INB_COMFYUI_URL, NULL },
  { NULL, NULL, NULL, NULL },
};

static const InbBackendCommand comfyui_commands[] = {
  { "import", N_("FILE [--name NAME] [--map PART=NODE.INPUT]…"),
    N_("Import a workflow exported from ComfyUI (Export (API)) as a model") },
  { NULL, NULL, NULL },
};

/* No key; results stay on the user's server; our own prompt id names the
 * job before it is sent; a plain-http address the user typed is theirs. */
static const InbBackendInfo comfyui_info = {
  .id = "comfyui",
  .name = N_("ComfyUI (your own server)"),
  .short_name = N_("ComfyUI"),
  .description = N_("Wan 2.1 and 2.2 first-and-last-frame workflows on a ComfyUI server of yours, with live previews"),
  .key_env = NULL,
  .key_url = NULL,
  .url_env = "INBETWEEN_COMFYUI_URL",
  .regions = comfyui_regions,
  .result_lifetime_hours = 0,
  .lost_submit = INB_LOST_SUBMIT_OWN_ID,
  .typed_http = TRUE,
  .commands = comfyui_commands,
};

/* Models ------------------------------------------------------------------------ */

static JsonNode *
parse_file_data (const char  *data,
                 gsize        length,
                 const char  *what,
                 GError     **error)
{
  GError *local_error = NULL;
  JsonNode *root = inb_http_parse_json (data, length, &local_error);

  if (root == NULL)
    {
      g_propagate_prefixed_error (error, local_error, "%s: ", what);
      return NULL;
    }

  return root;
}

/* A model entry without its graph (what `backends --json` prints). */
static InbModel *
model_from_entry (JsonObject  *entry,
                  GError     **error)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (entry);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "graph"))
      json_object_set_member (copy, l->data, json_object_dup_member (entry, l->data));

  return inb_model_new_from_json (copy, error);
}

static gboolean
add_model (InbComfyuiBackend  *self,
           JsonObject         *entry,
           JsonObject         *graph,
           GError            **error)
{
  g_autoptr(InbModel) model = NULL;
  g_autoptr(InbComfyuiWorkflow) workflow = NULL;
  JsonObject *bindings = json_object_has_member (entry, "x-comfyui")
                         ? json_object_get_object_member (entry, "x-comfyui") : NULL;

  model = model_from_entry (entry, error);
  if (model == NULL)
    return FALSE;

  if (bindings == NULL)
    {
      g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                   "Model “%s” has no “x-comfyui” bindings", inb_model_get_id (model));
      return FALSE;
    }

  if (g_hash_table_contains (self->workflows, inb_model_get_id (model)))
    {
      g_set_error (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW,
                   _("A model “%s” exists already"), inb_model_get_id (model));
      return FALSE;
    }

  workflow = inb_comfyui_workflow_new (graph, bindings, error);
  if (workflow == NULL)
    {
      g_prefix_error (error, "%s: ", inb_model_get_id (model));
      return FALSE;
    }

  g_hash_table_insert (self->workflows, g_strdup (inb_model_get_id (model)), g_steal_pointer (&workflow));
  g_ptr_array_add (self->models, g_steal_pointer (&model));
  return TRUE;
}

static void
load_builtin (InbComfyuiBackend *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *models;

  (void) inb_get_resource ();

  bytes = g_resources_lookup_data (COMFYUI_MODELS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    root = parse_file_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), COMFYUI_MODELS_RESOURCE, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_critical ("Could not load %s: %s", COMFYUI_MODELS_RESOURCE, error != NULL ? error->message : "not an object");
      return;
    }

  self->negative_default = g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                                  "x-negative-default", NULL));
  models = json_object_get_array_member (json_node_get_object (root), "models");
  for (guint i = 0; models != NULL && i < json_array_get_length (models); i++)
    {
      JsonObject *entry = json_array_get_object_element (models, i);
      JsonObject *bindings = json_object_get_object_member (entry, "x-comfyui");
      const char *template = json_object_get_string_member_with_default (bindings, "template", "");
      g_autofree char *path = g_strconcat (COMFYUI_TEMPLATES_RESOURCE, template, NULL);
      g_autoptr(GBytes) graph_bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      g_autoptr(JsonNode) graph = NULL;

      if (graph_bytes != NULL)
        graph = parse_file_data (g_bytes_get_data (graph_bytes, NULL), g_bytes_get_size (graph_bytes), path, &error);
      if (graph == NULL || !JSON_NODE_HOLDS_OBJECT (graph) ||
          !add_model (self, entry, json_node_get_object (graph), &error))
        {
          g_critical ("ComfyUI template %s: %s", template, error != NULL ? error->message : "not an object");
          g_clear_error (&error);
        }
    }

  self->n_builtin = self->models->len;
}

/* The artist's imported workflows: small files, a bounded number, each
 * loaded on its own (a damaged one is skipped and said once). */
static void
load_imported (InbComfyuiBackend *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->workflows_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len && i < MAX_WORKFLOWS; i++)
    {
      g_autofree char *path = g_build_filename (self->workflows_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *entry;
      gsize length = 0;

      if (g_file_get_contents (path, &contents, &length, &error) && length > MAX_WORKFLOW_BYTES)
        g_set_error_literal (&error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW, _("the file is too large"));
      if (error == NULL)
        root = parse_file_data (contents, length, path, &error);
      if (root == NULL)
        {
          g_warning ("Skipping the imported ComfyUI workflow %s: %s", path, error->message);
          continue;
        }

      entry = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      if (entry == NULL || !json_object_has_member (entry, "graph") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "graph")) ||
          !add_model (self, entry, json_object_get_object_member (entry, "graph"), &error))
        g_warning ("Skipping the imported ComfyUI workflow %s: %s", path,
                   error != NULL ? error->message : _("not an imported workflow"));
    }
}

void
inb_comfyui_backend_reload (InbComfyuiBackend *self)
{
  g_return_if_fail (INB_IS_COMFYUI_BACKEND (self));

  while (self->models->len > self->n_builtin)
    {
      InbModel *model = g_ptr_array_index (self->models, self->models->len - 1);

      g_hash_table_remove (self->workflows, inb_model_get_id (model));
      g_ptr_array_remove_index (self->models, self->models->len - 1);
    }

  load_imported (self);
  inb_backend_models_changed (INB_BACKEND (self));
}

/**
 * inb_comfyui_backend_add_imported:
 * @entry: an imported workflow's model entry, as saved (with its graph)
 *
 * Adds it after the others without reading them again: the models
 * already listed stay as they are. With @replace, an imported model of
 * the same id gives it its place in the list; the replaced InbModel stays
 * alive (retired) as long as the backend, for whoever still holds it.
 */
gboolean
inb_comfyui_backend_add_imported (InbComfyuiBackend  *self,
                                  JsonObject         *entry,
                                  gboolean            replace,
                                  GError            **error)
{
  const char *id;
  InbModel *old = NULL;
  guint place = 0;

  g_return_val_if_fail (INB_IS_COMFYUI_BACKEND (self), FALSE);

  if (!json_object_has_member (entry, "graph") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "graph")))
    {
      g_set_error_literal (error, INB_COMFYUI_ERROR, INB_COMFYUI_ERROR_WORKFLOW, _("not an imported workflow"));
      return FALSE;
    }

  id = json_object_get_string_member_with_default (entry, "id", "");
  if (replace && inb_comfyui_backend_is_imported (self, id))
    {
      for (place = self->n_builtin; place < self->models->len; place++)
        if (g_str_equal (inb_model_get_id (g_ptr_array_index (self->models, place)), id))
          break;
      old = g_ptr_array_steal_index (self->models, place);
      g_ptr_array_add (self->retired, old);
      g_hash_table_remove (self->workflows, id);
    }

  if (!add_model (self, entry, json_object_get_object_member (entry, "graph"), error))
    {
      /* The file is saved already: read them all again */
      if (old != NULL)
        inb_comfyui_backend_reload (self);
      return FALSE;
    }
  if (old != NULL)
    g_ptr_array_insert (self->models, (int) place, g_ptr_array_steal_index (self->models, self->models->len - 1));

  inb_backend_models_changed (INB_BACKEND (self));
  return TRUE;
}

/**
 * inb_comfyui_backend_get_workflow:
 *
 * Returns: (transfer none) (nullable): the workflow of @model_id
 */
InbComfyuiWorkflow *
inb_comfyui_backend_get_workflow (InbComfyuiBackend *self,
                                  const char        *model_id)
{
  g_return_val_if_fail (INB_IS_COMFYUI_BACKEND (self), NULL);

  return model_id != NULL ? g_hash_table_lookup (self->workflows, model_id) : NULL;
}

gboolean
inb_comfyui_backend_is_imported (InbComfyuiBackend *self,
                                 const char        *model_id)
{
  g_return_val_if_fail (INB_IS_COMFYUI_BACKEND (self), FALSE);

  for (guint i = self->n_builtin; model_id != NULL && i < self->models->len; i++)
    if (g_str_equal (inb_model_get_id (g_ptr_array_index (self->models, i)), model_id))
      return TRUE;

  return FALSE;
}

void
inb_comfyui_backend_set_workflows_dir (InbComfyuiBackend *self,
                                       const char        *dir)
{
  g_return_if_fail (INB_IS_COMFYUI_BACKEND (self));
  g_return_if_fail (dir != NULL);

  g_free (self->workflows_dir);
  self->workflows_dir = g_strdup (dir);
  inb_comfyui_backend_reload (self);
}

const char *
inb_comfyui_backend_get_workflows_dir (InbComfyuiBackend *self)
{
  g_return_val_if_fail (INB_IS_COMFYUI_BACKEND (self), NULL);
  return self->workflows_dir;
}

/* InbBackend ---------------------------------------------------------------------- */

static const InbBackendInfo *
inb_comfyui_backend_get_info (InbBackend *backend)
{
  return &comfyui_info;
}

static void
inb_comfyui_backend_set_base_url (InbBackend *backend,
                                  const char *base_url)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);
  gsize len;

  g_free (self->base_url);
  self->base_url = g_strstrip (g_strdup (base_url != NULL ? base_url : INB_COMFYUI_URL));
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
}

static const char *
inb_comfyui_backend_get_base_url (InbBackend *backend)
{
  return INB_COMFYUI_BACKEND (backend)->base_url;
}

static GPtrArray *
inb_comfyui_backend_get_models (InbBackend *backend)
{
  return INB_COMFYUI_BACKEND (backend)->models;
}

static guint
inb_comfyui_backend_get_max_concurrent (InbBackend *backend,
                                        InbModel   *model)
{
  /* One GPU runs one prompt at a time: a second would only wait there */
  return 1;
}

static gboolean
parse_size (const char *size,
            guint      *width,
            guint      *height)
{
  guint64 w, h;
  char *end = NULL;

  if (size == NULL)
    return FALSE;

  w = g_ascii_strtoull (size, &end, 10);
  if (end == NULL || *end != 'x')
    return FALSE;
  h = g_ascii_strtoull (end + 1, &end, 10);
  if (end == NULL || *end != '\0' || w == 0 || h == 0 || w > 8192 || h > 8192)
    return FALSE;

  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/* The clip's size: the preset, the custom width and height, or (an
 * imported workflow that sets no size) the first keyframe's, aligned. */
static gboolean
inb_comfyui_backend_get_frame_size (InbBackend  *backend,
                                    InbModel    *model,
                                    JsonObject  *params,
                                    guint        source_width,
                                    guint        source_height,
                                    guint       *width,
                                    guint       *height,
                                    GError     **error)
{
  const char *size = inb_params_get_string (params, "size", NULL);
  InbSchema *schema = inb_model_get_schema (model);
  guint max_side = inb_model_get_max_side (model);
  guint align = MAX (1, inb_model_get_size_alignment (model));

  if (size != NULL && !g_str_equal (size, "custom"))
    {
      if (!parse_size (size, width, height))
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       _("Unknown size “%s”"), size);
          return FALSE;
        }
      return TRUE;
    }

  if (inb_schema_lookup (schema, "width") != NULL && inb_schema_lookup (schema, "height") != NULL)
    {
      *width = (guint) inb_params_get_int (params, "width", 832);
      *height = (guint) inb_params_get_int (params, "height", 480);
      return TRUE;
    }

  /* The keyframe's own size, at most the model's largest side */
  {
    double scale = MIN (1.0, (double) max_side / MAX (source_width, source_height));

    *width = MAX (align, (guint) (source_width * scale) / align * align);
    *height = MAX (align, (guint) (source_height * scale) / align * align);
  }
  return TRUE;
}

static gboolean
inb_comfyui_backend_validate (InbBackend  *backend,
                              InbRequest  *request,
                              GError     **error)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);
  InbModel *model = inb_backend_find_model (backend, inb_request_get_model_id (request));
  JsonObject *params = inb_request_get_params (request);
  InbComfyuiWorkflow *workflow = inb_comfyui_backend_get_workflow (self, inb_request_get_model_id (request));
  g_autoptr(GError) url_error = NULL;
  InbSchema *schema;

  if (!inb_comfyui_api_check_address (self->base_url, &url_error))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   /* Translators: an address, then why it cannot be used */
                   _("The ComfyUI address %s is not usable: %s"), self->base_url, url_error->message);
      return FALSE;
    }

  if (model == NULL || workflow == NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("ComfyUI has no model “%s”"), inb_request_get_model_id (request));
      return FALSE;
    }
  schema = inb_model_get_schema (model);

  /* Wan's sizes are multiples of 16 */
  if (g_strcmp0 (inb_params_get_string (params, "size", "custom"), "custom") == 0 &&
      inb_schema_lookup (schema, "width") != NULL)
    {
      static const char * const sides[] = { "width", "height" };

      for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
        {
          gint64 value = inb_params_get_int (params, sides[i], 16);

          if (value % 16 != 0)
            {
              g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("%s = %" PRId64 " is not a multiple of 16 (try %" PRId64 " or %" PRId64 ")"),
                           sides[i], value, value / 16 * 16, value / 16 * 16 + 16);
              return FALSE;
            }
        }
    }

  /* Model file names: inside their folders */
  {
    g_autoptr(GPtrArray) files = inb_comfyui_workflow_list_model_files (workflow, params);

    for (guint i = 0; i < files->len; i++)
      {
        InbComfyuiModelFile *file = g_ptr_array_index (files, i);

        if (!inb_comfyui_check_model_name (file->param, file->name, error))
          return FALSE;
      }
  }

  /* Wan makes at least 5 frames */
  if (json_object_has_member (params, "duration"))
    {
      double fps = inb_params_get_double (params, "fps", 16);
      double seconds = inb_params_get_double (params, "duration", 5);
      guint frames = inb_param_spec_frames_for_duration (inb_schema_lookup (schema, "duration"), seconds, fps);

      if (frames < 5)
        {
          g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                       g_dngettext (GETTEXT_PACKAGE, "%g s at %g fps is %u frame; the model makes 5 at least",
                                    "%g s at %g fps is %u frames; the model makes 5 at least", frames),
                       seconds, fps, frames);
          return FALSE;
        }
    }

  return TRUE;
}

static void
start_job (InbComfyuiBackend   *self,
           gpointer             source_tag,
           InbRequest          *request,
           InbProgress         *progress,
           const char          *resume_id,
           InbRemoteState       resume_state,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  InbComfyuiJobSetup setup = {
    .backend = INB_BACKEND (self),
    .model = inb_backend_find_model (INB_BACKEND (self), inb_request_get_model_id (request)),
    .workflow = inb_comfyui_backend_get_workflow (self, inb_request_get_model_id (request)),
    .base_url = self->base_url,
    /* The official Wan negative for the shipped models; an imported
     * workflow keeps its own */
    .negative_default = inb_comfyui_backend_is_imported (self, inb_request_get_model_id (request))
                        ? NULL : self->negative_default,
    .resume_id = resume_id,
    .resume_state = resume_state,
    .stall_limit = self->stall_limit,
  };

  inb_comfyui_job_start (&setup, source_tag, request, progress, cancellable, callback, user_data);
}

static void
inb_comfyui_backend_generate_async (InbBackend          *backend,
                                    InbRequest          *request,
                                    InbProgress         *progress,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  start_job (INB_COMFYUI_BACKEND (backend), inb_comfyui_backend_generate_async, request, progress,
             NULL, INB_REMOTE_STATE_UNKNOWN, cancellable, callback, user_data);
}

static InbResult *
inb_comfyui_backend_job_finish (InbBackend    *backend,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return inb_comfyui_job_finish (result, error);
}

static const char *
remote_task_id (JsonObject *remote_state)
{
  const char *id = remote_state != NULL ? json_object_get_string_member_with_default (remote_state, "task_id", NULL) : NULL;

  return id != NULL && *id != '\0' && strlen (id) <= 128 ? id : NULL;
}

/* Picks a prompt up by the id saved before it was submitted: asks the
 * server, never submits. */
static void
inb_comfyui_backend_resume_async (InbBackend          *backend,
                                  InbRequest          *request,
                                  JsonObject          *remote_state,
                                  InbProgress         *progress,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);
  const char *task_id = remote_task_id (remote_state);
  const char *state = json_object_get_string_member_with_default (remote_state, "state", NULL);

  if (task_id == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_comfyui_backend_resume_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("There is no ComfyUI prompt to resume"));
      return;
    }

  if (inb_comfyui_backend_get_workflow (self, inb_request_get_model_id (request)) == NULL)
    {
      g_task_report_new_error (self, callback, user_data, inb_comfyui_backend_resume_async,
                               INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("ComfyUI has no model “%s” any more"), inb_request_get_model_id (request));
      return;
    }

  start_job (self, inb_comfyui_backend_resume_async, request, progress, task_id,
             inb_remote_state_from_string (state), cancellable, callback, user_data);
}

/* Cancel and check, one call each in a worker ----------------------------------------- */

typedef struct
{
  char *base_url;
  char *prompt_id;
} Call;

static void
call_free (Call *call)
{
  g_free (call->base_url);
  g_free (call->prompt_id);
  g_free (call);
}

static Call *
call_new (InbComfyuiBackend *self,
          const char        *prompt_id)
{
  Call *call = g_new0 (Call, 1);

  call->base_url = g_strdup (self->base_url);
  call->prompt_id = g_strdup (prompt_id);
  return call;
}

static void
cancel_worker (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Call *call = task_data;
  InbComfyuiApi *api = inb_comfyui_api_new (call->base_url);
  GError *error = NULL;

  if (inb_comfyui_api_cancel (api, call->prompt_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);

  inb_comfyui_api_free (api);
}

static void
inb_comfyui_backend_cancel_remote_async (InbBackend          *backend,
                                         InbRequest          *request,
                                         JsonObject          *remote_state,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);
  const char *task_id = remote_task_id (remote_state);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, inb_comfyui_backend_cancel_remote_async);
  g_task_set_name (task, "[inb] comfyui cancel");
  if (task_id == NULL)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("There is no ComfyUI prompt to cancel"));
      return;
    }

  g_task_set_task_data (task, call_new (self, task_id), (GDestroyNotify) call_free);
  g_task_run_in_thread (task, cancel_worker);
}

static gboolean
inb_comfyui_backend_cancel_remote_finish (InbBackend    *backend,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
check_worker (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Call *call = task_data;
  InbComfyuiApi *api = NULL;
  g_autoptr(GError) url_error = NULL;
  InbBackendStatus *status;
  GError *error = NULL;

  if (!inb_comfyui_api_check_address (call->base_url, &url_error))
    {
      g_autofree char *message = g_strdup_printf (_("The ComfyUI address %s is not usable: %s"),
                                                  call->base_url, url_error->message);

      g_task_return_pointer (task, inb_backend_status_new (FALSE, message, NULL),
                             (GDestroyNotify) inb_backend_status_free);
      return;
    }

  api = inb_comfyui_api_new (call->base_url);
  /* A health check asks once, quickly */
  inb_http_client_set_retry_policy (inb_comfyui_api_get_client (api), 1, 0, 0, 0);
  inb_comfyui_api_set_timeout (api, 10);
  status = inb_comfyui_api_check (api, cancellable, &error);
  inb_comfyui_api_free (api);

  if (status != NULL)
    g_task_return_pointer (task, status, (GDestroyNotify) inb_backend_status_free);
  else
    g_task_return_error (task, error);
}

static void
inb_comfyui_backend_check_async (InbBackend          *backend,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, inb_comfyui_backend_check_async);
  g_task_set_name (task, "[inb] comfyui check");
  g_task_set_task_data (task, call_new (self, NULL), (GDestroyNotify) call_free);
  g_task_run_in_thread (task, check_worker);
}

static InbBackendStatus *
inb_comfyui_backend_check_finish (InbBackend    *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
inb_comfyui_backend_run_command (InbBackend  *backend,
                                 int          argc,
                                 char       **argv,
                                 GError     **error)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (backend);

  if (g_str_equal (argv[0], "import"))
    return inb_comfyui_import_command (self, argc, argv, error);

  g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
               _("ComfyUI has no command “%s”"), argv[0]);
  return FALSE;
}

static char *
inb_comfyui_backend_dup_address_warning (InbBackend *backend)
{
  return inb_comfyui_api_address_warning (INB_COMFYUI_BACKEND (backend)->base_url);
}

static InbWorkflowMapping *
inb_comfyui_backend_open_workflow (InbBackend  *backend,
                                   const char  *name,
                                   const char  *data,
                                   gsize        length,
                                   GError     **error)
{
  return inb_comfyui_open_workflow (name, data, length, error);
}

static void
inb_comfyui_backend_save_workflow_async (InbBackend          *backend,
                                         InbWorkflowMapping  *mapping,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  inb_comfyui_save_workflow_async (INB_COMFYUI_BACKEND (backend), mapping, cancellable, callback, user_data);
}

static char *
inb_comfyui_backend_save_workflow_finish (InbBackend    *backend,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return inb_comfyui_save_workflow_finish (INB_COMFYUI_BACKEND (backend), result, error);
}

static InbModel *
inb_comfyui_backend_find_workflow_model (InbBackend         *backend,
                                         InbWorkflowMapping *mapping)
{
  return inb_comfyui_find_workflow_model (INB_COMFYUI_BACKEND (backend), mapping);
}

static void
inb_comfyui_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_info = inb_comfyui_backend_get_info;
  iface->set_base_url = inb_comfyui_backend_set_base_url;
  iface->get_base_url = inb_comfyui_backend_get_base_url;
  iface->get_models = inb_comfyui_backend_get_models;
  iface->get_max_concurrent = inb_comfyui_backend_get_max_concurrent;
  iface->get_frame_size = inb_comfyui_backend_get_frame_size;
  iface->validate = inb_comfyui_backend_validate;
  iface->generate_async = inb_comfyui_backend_generate_async;
  iface->generate_finish = inb_comfyui_backend_job_finish;
  iface->resume_async = inb_comfyui_backend_resume_async;
  iface->resume_finish = inb_comfyui_backend_job_finish;
  iface->cancel_remote_async = inb_comfyui_backend_cancel_remote_async;
  iface->cancel_remote_finish = inb_comfyui_backend_cancel_remote_finish;
  iface->check_async = inb_comfyui_backend_check_async;
  iface->check_finish = inb_comfyui_backend_check_finish;
  iface->run_command = inb_comfyui_backend_run_command;
  iface->dup_address_warning = inb_comfyui_backend_dup_address_warning;
  iface->open_workflow = inb_comfyui_backend_open_workflow;
  iface->save_workflow_async = inb_comfyui_backend_save_workflow_async;
  iface->save_workflow_finish = inb_comfyui_backend_save_workflow_finish;
  iface->find_workflow_model = inb_comfyui_backend_find_workflow_model;
}

/* GObject ------------------------------------------------------------------------- */

static void
inb_comfyui_backend_finalize (GObject *object)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (object);

  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_pointer (&self->workflows, g_hash_table_unref);
  g_free (self->base_url);
  g_free (self->negative_default);
  g_free (self->workflows_dir);

  G_OBJECT_CLASS (inb_comfyui_backend_parent_class)->finalize (object);
}

static void
inb_comfyui_backend_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (object);

  switch (prop_id)
    {
    case PROP_STALL_LIMIT:
      g_value_set_uint (value, self->stall_limit);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_comfyui_backend_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  InbComfyuiBackend *self = INB_COMFYUI_BACKEND (object);

  switch (prop_id)
    {
    case PROP_STALL_LIMIT:
      self->stall_limit = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_comfyui_backend_class_init (InbComfyuiBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_comfyui_backend_finalize;
  object_class->get_property = inb_comfyui_backend_get_property;
  object_class->set_property = inb_comfyui_backend_set_property;

  /**
   * InbComfyuiBackend:stall-limit:
   *
   * How long (s) a call to the server, or the clip's download, may go
   * without a byte before it counts as stalled (given up, and retried
   * where that is safe). %INB_COMFYUI_STALL_LIMIT, or
   * INBETWEEN_COMFYUI_STALL_S; tests lower it rather than wait.
   */
  properties[PROP_STALL_LIMIT] =
    g_param_spec_uint ("stall-limit", NULL, NULL,
                       1, 3600, INB_COMFYUI_STALL_LIMIT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_comfyui_backend_init (InbComfyuiBackend *self)
{
  const char *url = g_getenv (comfyui_info.url_env);
  const char *stall = g_getenv ("INBETWEEN_COMFYUI_STALL_S");
  guint64 seconds;

  self->models = g_ptr_array_new_with_free_func (g_object_unref);
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
  self->workflows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) inb_comfyui_workflow_unref);
  self->workflows_dir = g_build_filename (g_get_user_data_dir (), "inbetween", "comfyui", "workflows", NULL);
  self->stall_limit = INB_COMFYUI_STALL_LIMIT;
  if (stall != NULL && g_ascii_string_to_unsigned (stall, 10, 1, 3600, &seconds, NULL))
    self->stall_limit = (guint) seconds;
  inb_comfyui_backend_set_base_url (INB_BACKEND (self), url != NULL && *url != '\0' ? url : INB_COMFYUI_URL);

  load_builtin (self);
  load_imported (self);
}

/**
 * inb_comfyui_backend_new:
 *
 * Returns: (transfer full): the ComfyUI backend
 */
InbBackend *
inb_comfyui_backend_new (void)
{
  return g_object_new (INB_TYPE_COMFYUI_BACKEND, NULL);
}
