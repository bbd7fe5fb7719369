/* inb-comfyui-api.h — the calls a ComfyUI server answers, blocking, with errors in words
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-comfyui-workflow.h"
#include "inb-http.h"

G_BEGIN_DECLS

typedef struct _InbComfyuiApi InbComfyuiApi;

/**
 * InbComfyuiQueueState:
 * @INB_COMFYUI_QUEUE_NONE: neither waiting nor running
 * @INB_COMFYUI_QUEUE_PENDING: waiting in the queue
 * @INB_COMFYUI_QUEUE_RUNNING: running now
 */
typedef enum
{
  INB_COMFYUI_QUEUE_NONE,
  INB_COMFYUI_QUEUE_PENDING,
  INB_COMFYUI_QUEUE_RUNNING,
} InbComfyuiQueueState;

InbComfyuiApi   *inb_comfyui_api_new            (const char          *base_url);
gboolean         inb_comfyui_api_check_address  (const char          *base_url,
                                                 GError             **error);
char            *inb_comfyui_api_address_warning (const char         *base_url);
void             inb_comfyui_api_free           (InbComfyuiApi       *api);
/* A call (or download) that goes @seconds without a byte is given up
 * (and retried where that is safe); 30 s unless set. */
void             inb_comfyui_api_set_stall_limit (InbComfyuiApi      *api,
                                                 guint                seconds);
/* The overall deadline of one call: 30 s (or the stall limit) unless set */
void             inb_comfyui_api_set_timeout    (InbComfyuiApi       *api,
                                                 guint                seconds);
const char      *inb_comfyui_api_get_base_url   (InbComfyuiApi       *api);
InbHttpClient   *inb_comfyui_api_get_client     (InbComfyuiApi       *api);
/* "Nothing answers at http://…: is ComfyUI running there?" for @error's
 * network failures; with @stalled (the server took the connection, then
 * sent nothing), that it accepted the connection but did not answer in
 * time; the message as it is otherwise. */
char            *inb_comfyui_api_describe_error (InbComfyuiApi       *api,
                                                 const GError        *error,
                                                 gboolean             stalled);

/* Everything below blocks: worker threads only. */
InbBackendStatus *inb_comfyui_api_check         (InbComfyuiApi       *api,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* TRUE with *spec set to the class's /object_info entry, or %NULL when the
 * server has no such node. */
gboolean         inb_comfyui_api_get_class      (InbComfyuiApi       *api,
                                                 const char          *klass,
                                                 JsonObject         **spec,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* The files of a model folder; %NULL (no error) when the server has no
 * such folder (older servers: "clip" for "text_encoders"). */
GStrv            inb_comfyui_api_list_models    (InbComfyuiApi       *api,
                                                 const char          *folder,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* Returns: (transfer full): the name LoadImage takes for the file */
char            *inb_comfyui_api_upload_image   (InbComfyuiApi       *api,
                                                 GBytes              *png,
                                                 const char          *filename,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* Queues @graph once (never retried). *@accepted_id: the prompt id the
 * server uses (an older one mints its own); *@dropped: (nullable) the
 * outputs it dropped, in one sentence (node_errors on a 200 answer: see
 * inb_comfyui_describe_dropped()). */
gboolean         inb_comfyui_api_submit         (InbComfyuiApi       *api,
                                                 JsonObject          *graph,
                                                 const char          *prompt_id,
                                                 const char          *client_id,
                                                 const char          *output_node,
                                                 char               **accepted_id,
                                                 char               **dropped,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* (transfer full) (nullable): the history entry, %NULL (no error) while
 * there is none */
JsonObject      *inb_comfyui_api_get_history    (InbComfyuiApi       *api,
                                                 const char          *prompt_id,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* Where @prompt_id is in the queue; @ahead: prompts waiting before it */
gboolean         inb_comfyui_api_find_in_queue  (InbComfyuiApi       *api,
                                                 const char          *prompt_id,
                                                 InbComfyuiQueueState *state,
                                                 guint               *ahead,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* Dequeues a waiting prompt, interrupts a running one (only that one):
 * the jobs API where the server has it, else /queue and /interrupt. */
gboolean         inb_comfyui_api_cancel         (InbComfyuiApi       *api,
                                                 const char          *prompt_id,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
char            *inb_comfyui_api_view_url       (InbComfyuiApi       *api,
                                                 const InbComfyuiFile *file);

/* The outputs a 200 answer's node_errors dropped, as one sentence. */
char            *inb_comfyui_describe_dropped   (JsonObject          *node_errors,
                                                 JsonObject          *graph);
/* A failed execution's message in words (the OOM hint included). */
char            *inb_comfyui_describe_execution_error (JsonObject    *data);

G_END_DECLS
