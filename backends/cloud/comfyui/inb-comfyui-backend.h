/* inb-comfyui-backend.h — Wan first/last-frame on the artist's own ComfyUI
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-comfyui-workflow.h"

G_BEGIN_DECLS

#define INB_COMFYUI_URL "http://127.0.0.1:8188"
/* Seconds a call (or the clip's download) may go without a byte before it
 * counts as stalled: the default of InbComfyuiBackend:stall-limit */
#define INB_COMFYUI_STALL_LIMIT 30

#define INB_TYPE_COMFYUI_BACKEND (inb_comfyui_backend_get_type ())

G_DECLARE_FINAL_TYPE (InbComfyuiBackend, inb_comfyui_backend, INB, COMFYUI_BACKEND, GObject)

/* The address: INBETWEEN_COMFYUI_URL, else INB_COMFYUI_URL, until
 * inb_backend_set_base_url(). The stall limit: INBETWEEN_COMFYUI_STALL_S,
 * else INB_COMFYUI_STALL_LIMIT, until the stall-limit property is set.
 * Imported workflows are read from $XDG_DATA_HOME/inbetween/comfyui/workflows. */
InbBackend         *inb_comfyui_backend_new              (void);
InbComfyuiWorkflow *inb_comfyui_backend_get_workflow     (InbComfyuiBackend *self,
                                                          const char        *model_id);
const char         *inb_comfyui_backend_get_workflows_dir (InbComfyuiBackend *self);
/* Whether @model_id is one of the artist's imported workflows. */
gboolean            inb_comfyui_backend_is_imported      (InbComfyuiBackend *self,
                                                          const char        *model_id);
/* Where imported workflows are kept (read again from there at once). */
void                inb_comfyui_backend_set_workflows_dir (InbComfyuiBackend *self,
                                                          const char        *dir);
/* Reads the imported workflows again (after an import). */
void                inb_comfyui_backend_reload           (InbComfyuiBackend *self);
/* Adds one imported workflow's model entry (as saved) to the models, or
 * with @replace puts it in the place of the imported one of its id. */
gboolean            inb_comfyui_backend_add_imported     (InbComfyuiBackend *self,
                                                          JsonObject        *entry,
                                                          gboolean           replace,
                                                          GError           **error);

/* inb-comfyui-import.c: `inbetween comfyui import FILE …` */
gboolean            inb_comfyui_import_command           (InbComfyuiBackend *self,
                                                          int                argc,
                                                          char             **argv,
                                                          GError           **error);
/* The bindings found in an API-format @graph, and what was (not) found, in
 * words, one line each, in @report. */
JsonObject         *inb_comfyui_detect_bindings          (JsonObject        *graph,
                                                          GString           *report,
                                                          GError           **error);
/* The model entry (id, title, schema, bindings, graph) of an imported
 * workflow, as saved and as loaded. */
JsonObject         *inb_comfyui_imported_model_new       (const char        *id,
                                                          const char        *title,
                                                          JsonObject        *graph,
                                                          JsonObject        *bindings,
                                                          GError           **error);

/* The API-format graph in a workflow file's @data (not the editor's). */
JsonObject         *inb_comfyui_parse_workflow           (const char        *name,
                                                          const char        *data,
                                                          gsize              length,
                                                          GError           **error);
/* The window's import: what was found, to correct, then saved. */
InbWorkflowMapping *inb_comfyui_open_workflow            (const char        *name,
                                                          const char        *data,
                                                          gsize              length,
                                                          GError           **error);
void                inb_comfyui_save_workflow_async      (InbComfyuiBackend  *self,
                                                          InbWorkflowMapping *mapping,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
char               *inb_comfyui_save_workflow_finish     (InbComfyuiBackend  *self,
                                                          GAsyncResult       *result,
                                                          GError            **error);
InbModel           *inb_comfyui_find_workflow_model      (InbComfyuiBackend  *self,
                                                          InbWorkflowMapping *mapping);

G_END_DECLS
