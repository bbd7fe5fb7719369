/* inb-comfyui-workflow.h — an API-format ComfyUI graph and where our inputs go in it
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_COMFYUI_ERROR (inb_comfyui_error_quark ())

/**
 * InbComfyuiError:
 * @INB_COMFYUI_ERROR_WORKFLOW: a workflow is not usable (not API format,
 *   a link to nowhere, an input we need that it lacks)
 * @INB_COMFYUI_ERROR_OUTPUT: the server's answer names no usable clip, or
 *   a file name that tries to leave its folder
 */
typedef enum
{
  INB_COMFYUI_ERROR_WORKFLOW,
  INB_COMFYUI_ERROR_OUTPUT,
} InbComfyuiError;

GQuark inb_comfyui_error_quark (void);

/* The bindable inputs: where a request's parts go. Any other key names a
 * model parameter whose value goes in as it is. */
#define INB_COMFYUI_BIND_FIRST_IMAGE "first_image"
#define INB_COMFYUI_BIND_LAST_IMAGE  "last_image"
#define INB_COMFYUI_BIND_PROMPT      "prompt"
#define INB_COMFYUI_BIND_NEGATIVE    "negative_prompt"
#define INB_COMFYUI_BIND_SEED        "seed"
#define INB_COMFYUI_BIND_WIDTH       "width"
#define INB_COMFYUI_BIND_HEIGHT      "height"
#define INB_COMFYUI_BIND_LENGTH      "length"
#define INB_COMFYUI_BIND_FPS         "fps"
#define INB_COMFYUI_BIND_SPLIT_STEP  "split_step"

/**
 * InbComfyuiRef:
 * @node: the node id ("84")
 * @input: the input's name ("noise_seed")
 */
typedef struct
{
  char *node;
  char *input;
} InbComfyuiRef;

typedef struct _InbComfyuiWorkflow InbComfyuiWorkflow;

/**
 * InbComfyuiBuilt:
 * @graph: the graph to send, every binding filled in
 * @width, @height: the clip's size
 * @n_frames: its frame count (0: the workflow sets it)
 * @fps: its rate (0: the workflow sets it)
 * @pass_steps: (element-type guint): the steps of each sampler pass, in
 *   order ({10, 10} for 20 steps split in half)
 * @negative: (nullable): the negative prompt sent
 *
 * What inb_comfyui_workflow_build() made.
 */
typedef struct
{
  JsonObject *graph;
  guint       width;
  guint       height;
  guint       n_frames;
  double      fps;
  GArray     *pass_steps;
  char       *negative;
} InbComfyuiBuilt;

/**
 * InbComfyuiFile:
 * @filename: the file's name in its folder
 * @subfolder: "" or a relative folder
 * @type: "output" or "temp"
 * @node: the output node that made it
 *
 * A clip found in the server's history outputs.
 */
typedef struct
{
  char *filename;
  char *subfolder;
  char *type;
  char *node;
} InbComfyuiFile;

/**
 * InbComfyuiModelFile:
 * @param: the model parameter holding the name
 * @folder: the server's model folder ("diffusion_models")
 * @name: the file name asked for
 * @ref: where it goes in the graph
 */
typedef struct
{
  char          *param;
  char          *folder;
  char          *name;
  InbComfyuiRef  ref;
} InbComfyuiModelFile;

InbComfyuiWorkflow *inb_comfyui_workflow_new         (JsonObject          *graph,
                                                      JsonObject          *bindings,
                                                      GError             **error);
InbComfyuiWorkflow *inb_comfyui_workflow_ref         (InbComfyuiWorkflow  *self);
void                inb_comfyui_workflow_unref       (InbComfyuiWorkflow  *self);
JsonObject         *inb_comfyui_workflow_get_graph   (InbComfyuiWorkflow  *self);
/* Bindings as the schema's "x-comfyui" writes them (for saving). */
JsonObject         *inb_comfyui_workflow_dup_bindings (InbComfyuiWorkflow *self);
/* (element-type InbComfyuiRef) (nullable): where @key goes */
GPtrArray          *inb_comfyui_workflow_lookup      (InbComfyuiWorkflow  *self,
                                                      const char          *key);
const char         *inb_comfyui_workflow_get_output  (InbComfyuiWorkflow  *self);
const char * const *inb_comfyui_workflow_get_passes  (InbComfyuiWorkflow  *self);
double              inb_comfyui_workflow_get_split   (InbComfyuiWorkflow  *self);
/* Every node class the graph uses, sorted, once each. */
GStrv               inb_comfyui_workflow_dup_classes (InbComfyuiWorkflow  *self);
/* (element-type InbComfyuiModelFile): the model files @params ask for. */
GPtrArray          *inb_comfyui_workflow_list_model_files (InbComfyuiWorkflow *self,
                                                      JsonObject          *params);

InbComfyuiBuilt    *inb_comfyui_workflow_build       (InbComfyuiWorkflow  *self,
                                                      InbModel            *model,
                                                      InbRequest          *request,
                                                      guint                width,
                                                      guint                height,
                                                      const char          *first_image,
                                                      const char          *last_image,
                                                      const char          *negative_default,
                                                      GError             **error);
void                inb_comfyui_built_free           (InbComfyuiBuilt     *built);

/* History outputs: the first clip of @output_node (or of any node when
 * %NULL), under `images` flagged `animated`, `gifs` or `videos`. */
InbComfyuiFile     *inb_comfyui_find_clip            (JsonObject          *outputs,
                                                      const char          *output_node,
                                                      GError             **error);
void                inb_comfyui_file_free            (InbComfyuiFile      *file);
/* A file name or subfolder the server sent: refused when it could leave
 * its folder (absolute, "..", backslashes, control characters). */
gboolean            inb_comfyui_check_name           (const char          *what,
                                                      const char          *name,
                                                      gboolean             allow_slash,
                                                      GError             **error);
/* A model file name the user typed: a relative path, no "..". */
gboolean            inb_comfyui_check_model_name     (const char          *param,
                                                      const char          *name,
                                                      GError             **error);

void                inb_comfyui_ref_clear            (InbComfyuiRef       *ref);
void                inb_comfyui_model_file_free      (InbComfyuiModelFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbComfyuiWorkflow, inb_comfyui_workflow_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbComfyuiBuilt, inb_comfyui_built_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbComfyuiFile, inb_comfyui_file_free)

G_END_DECLS
