/* inb-comfyui-job.h — one take on a ComfyUI server, from pre-flight to verified clip
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-backend.h"
#include "inb-comfyui-workflow.h"

G_BEGIN_DECLS

/* Where each stage sits on the progress bar. */
#define INB_COMFYUI_PROGRESS_CHECK     0.01
#define INB_COMFYUI_PROGRESS_UPLOAD    0.03
#define INB_COMFYUI_PROGRESS_SUBMIT    0.05
#define INB_COMFYUI_PROGRESS_QUEUED    0.06
#define INB_COMFYUI_PROGRESS_LOADING   0.08
#define INB_COMFYUI_PROGRESS_SAMPLING  0.10
#define INB_COMFYUI_PROGRESS_DECODING  0.88
#define INB_COMFYUI_PROGRESS_DOWNLOAD  0.92
#define INB_COMFYUI_PROGRESS_VERIFY    0.97

/**
 * InbComfyuiJobSetup:
 * @backend: the backend (its names, its id in records)
 * @model: the request's model
 * @workflow: the model's workflow
 * @base_url: the server
 * @negative_default: (nullable): the negative prompt when the request has none
 * @resume_id: (nullable): follow this prompt instead of submitting
 * @resume_state: what the record said of it
 * @stall_limit: seconds a call (or the download) may go without a byte
 *   before it counts as stalled; 0: INB_COMFYUI_STALL_LIMIT
 */
typedef struct
{
  InbBackend         *backend;
  InbModel           *model;
  InbComfyuiWorkflow *workflow;
  const char         *base_url;
  const char         *negative_default;
  const char         *resume_id;
  InbRemoteState      resume_state;
  guint               stall_limit;
} InbComfyuiJobSetup;

/* Runs one job in a thread of its own; @callback gets it on the calling
 * thread's main context, then call inb_comfyui_job_finish(). */
void       inb_comfyui_job_start  (const InbComfyuiJobSetup *setup,
                                   gpointer                  source_tag,
                                   InbRequest               *request,
                                   InbProgress              *progress,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data);
InbResult *inb_comfyui_job_finish (GAsyncResult             *result,
                                   GError                  **error);

/* A preview image (JPEG or PNG from the server) as RGB, scaled down to at
 * most @max_side; %NULL with @error set when it does not decode. */
InbImage  *inb_comfyui_decode_preview (GBytes               *bytes,
                                       guint                 max_side,
                                       GError              **error);

/* A prompt's /history entry read: its clip, or why there is none (the
 * server's execution error, an interruption, no clip). */
InbComfyuiFile *inb_comfyui_read_history (JsonObject        *history,
                                          JsonObject        *error_data,
                                          const char        *prompt_id,
                                          const char        *output_node,
                                          GError           **error);

G_END_DECLS
