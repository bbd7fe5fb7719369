/* inb-resume-settle.h — the user's way out of a take left "submit-unknown"
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-job.h"
#include "inb-session.h"

G_BEGIN_DECLS

/* A take whose submit may have reached the service without an answer is
 * "submit-unknown" and is never sent again on its own. The user settles
 * it, the same way from the window and the command line:
 *
 * give up: the take becomes "failed", saying the user gave up; nothing is
 *   sent. Its saved inputs stay.
 * send again: a NEW take from its saved inputs (the keyframes as sent,
 *   prompts, backend, model, parameters and seed) through the session's one
 *   generate path; once that take exists, the old one becomes "failed",
 *   naming the new one. The service may charge for both: callers ask the
 *   user first.
 *
 * Either refuses (%INB_BACKEND_ERROR_INVALID_INPUT, nothing changed, nothing
 * sent) a take that is not "submit-unknown", and one being made by another
 * process. The library's entry for the take is read again when it changes. */
gboolean  inb_resume_take_is_unknown    (const char          *state);

void      inb_resume_give_up_async      (InbSession          *session,
                                         const char          *take_dir,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  inb_resume_give_up_finish     (InbSession          *session,
                                         GAsyncResult        *result,
                                         GError             **error);

void      inb_resume_send_again_async   (InbSession          *session,
                                         const char          *take_dir,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Returns: (transfer full): the new take's job (queued) */
InbJob   *inb_resume_send_again_finish  (InbSession          *session,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
