/* inb-session.h — what one running Inbetween shares: backends, jobs, keys, settings
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-backend-registry.h"
#include "inb-job-queue.h"
#include "inb-keyframe.h"
#include "inb-library.h"
#include "inb-secrets.h"

G_BEGIN_DECLS

/**
 * InbGenerateInputs:
 * @backend_id: (nullable): the backend; %NULL: the default one (settings)
 * @model_id: (nullable): the model; %NULL: the backend's first
 * @first: the first keyframe
 * @last: the last keyframe
 * @prompt: (nullable): what should happen
 * @negative_prompt: (nullable): what should not
 * @params: (nullable): the values the user set; defaults fill the rest
 * @seed: the seed, or -1 to draw one
 * @group: (nullable): takes made together (variations) share it
 *
 * Everything a take is made from, as the window or the command line has
 * it. inb_session_generate_async() turns it into a take on disk and a job.
 */
typedef struct
{
  char        *backend_id;
  char        *model_id;
  InbKeyframe *first;
  InbKeyframe *last;
  char        *prompt;
  char        *negative_prompt;
  JsonObject  *params;
  gint64       seed;
  char        *group;
} InbGenerateInputs;

InbGenerateInputs *inb_generate_inputs_new  (void);
InbGenerateInputs *inb_generate_inputs_copy (const InbGenerateInputs *inputs);
void               inb_generate_inputs_free (InbGenerateInputs *inputs);
/* Blocking (reads its keyframes): what a take on disk was made from — its
 * keyframes as sent, prompts, backend, model, parameters and seed. */
InbGenerateInputs *inb_generate_inputs_new_from_take (const char        *take_dir,
                                                      GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbGenerateInputs, inb_generate_inputs_free)

#define INB_TYPE_SESSION (inb_session_get_type ())

G_DECLARE_FINAL_TYPE (InbSession, inb_session, INB, SESSION, GObject)

/* ::address-warning (backend, message): a job is about to reach an address
 * users should know something about (plain http to another computer);
 * once per backend and message. Generate, re-roll and resume alike. */

InbSession         *inb_session_new                   (InbBackendRegistry   *registry);
InbBackendRegistry *inb_session_get_registry          (InbSession           *self);
InbJobQueue        *inb_session_get_queue             (InbSession           *self);
InbSecrets         *inb_session_get_secrets           (InbSession           *self);
GSettings          *inb_session_get_settings          (InbSession           *self);
const char         *inb_session_get_takes_dir         (InbSession           *self);
InbLibrary         *inb_session_get_library           (InbSession           *self);
void                inb_session_set_takes_dir         (InbSession           *self,
                                                       const char           *takes_dir);

InbBackend         *inb_session_lookup_backend        (InbSession           *self,
                                                       const char           *backend_id);
char               *inb_session_dup_default_backend_id (InbSession          *self);
InbFit              inb_session_get_default_fit       (InbSession           *self);

/* Where a provider is reached: its variable (INBETWEEN_<ID>_URL), else the
 * address set in Preferences, else its region's default. */
char               *inb_session_dup_provider_url      (InbSession           *self,
                                                       InbBackend           *backend,
                                                       const char          **source);
/* The address set in Preferences ("" or %NULL: none). */
char               *inb_session_dup_saved_url         (InbSession           *self,
                                                       InbBackend           *backend);
void                inb_session_set_saved_url         (InbSession           *self,
                                                       InbBackend           *backend,
                                                       const char           *url);
char               *inb_session_dup_region            (InbSession           *self,
                                                       InbBackend           *backend);
void                inb_session_set_region            (InbSession           *self,
                                                       InbBackend           *backend,
                                                       const char           *region_id);
void                inb_session_configure_backend     (InbSession           *self,
                                                       InbBackend           *backend);

/* The one generate path: inputs → validated request → take on disk → job
 * queued. Errors (nothing was sent; no take exists unless the error says
 * the take could not be saved): %INB_BACKEND_ERROR_INVALID_INPUT and
 * %INB_SCHEMA_ERROR for what the user can fix, %INB_BACKEND_ERROR_AUTH
 * when a key is missing, %INB_TAKE_ERROR when the take cannot be written. */
void                inb_session_generate_async        (InbSession           *self,
                                                       InbGenerateInputs    *inputs,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
InbJob             *inb_session_generate_finish       (InbSession           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* Takes from takes. Re-roll: the same inputs with a new seed; with @n > 1
 * (variations, 2 to 8) the takes share a group. A model without a seed
 * cannot be re-rolled (it makes the same clip): %INB_BACKEND_ERROR_INVALID_INPUT
 * saying so. */
gboolean            inb_session_can_reroll            (InbSession           *self,
                                                       const char           *backend_id,
                                                       const char           *model_id,
                                                       char                **why);
void                inb_session_reroll_async          (InbSession           *self,
                                                       const char           *take_dir,
                                                       guint                 n,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* Returns: (transfer container) (element-type InbJob): the jobs queued */
GPtrArray          *inb_session_reroll_finish         (InbSession           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* The same inputs for another backend and model: each parameter kept by
 * name where the other model has it and accepts its value, the rest at
 * that model's defaults. @kept and @dropped (element-type utf8), when
 * given, list the parameter names. */
InbGenerateInputs  *inb_session_map_inputs            (InbSession           *self,
                                                       const InbGenerateInputs *inputs,
                                                       const char           *backend_id,
                                                       const char           *model_id,
                                                       GPtrArray           **kept,
                                                       GPtrArray           **dropped,
                                                       GError              **error);

/* Jobs: whether any runs, and whether any of those is remote (resumable). */
guint               inb_session_get_n_active_jobs     (InbSession           *self);
guint               inb_session_get_n_active_remote_jobs (InbSession        *self);

G_END_DECLS
