/* inb-take-details.h — one take's settings, as it was made
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "inb-session.h"
#include "inb-take-entry.h"

G_BEGIN_DECLS

#define INB_TYPE_TAKE_DETAILS (inb_take_details_get_type ())

G_DECLARE_FINAL_TYPE (InbTakeDetails, inb_take_details, INB, TAKE_DETAILS, AdwBin)

/**
 * InbTakeDetails:
 *
 * The take's keyframes as sent, prompt, negative prompt, every parameter
 * (titled from its model's schema), seed, backend and model, the prompt
 * the service rewrote, fidelity, timings, cost where reported, its error
 * and note; its take.json is read off the main thread. Its buttons are
 * the window's "take.*" actions. Emits "show-group" with a group id.
 */
GtkWidget    *inb_take_details_new              (void);
void          inb_take_details_set_session      (InbTakeDetails *self,
                                                 InbSession     *session);
void          inb_take_details_set_entry        (InbTakeDetails *self,
                                                 InbTakeEntry   *entry);
InbTakeEntry *inb_take_details_get_entry        (InbTakeDetails *self);
/* take.json as read (nullable until read) */
JsonObject   *inb_take_details_get_manifest     (InbTakeDetails *self);
/* Why Re-roll cannot be used (%NULL: it can) */
void          inb_take_details_set_reroll_problem (InbTakeDetails *self,
                                                 const char     *problem);
/* How many variations share its group (1: none) */
void          inb_take_details_set_group_size   (InbTakeDetails *self,
                                                 guint           n);

/* For tests: the text shown for a setting ("prompt", "negative_prompt",
 * "rewritten_prompt", "seed", "backend", "model", "cost", a parameter's
 * name), or %NULL when not shown */
const char   *inb_take_details_get_shown        (InbTakeDetails *self,
                                                 const char     *name);
GtkWidget    *inb_take_details_get_reroll_button (InbTakeDetails *self);
/* A take whose submit got no answer: its explanation and its two buttons
 * (take.send-again, take.give-up); %NULL for any other take */
const char   *inb_take_details_get_unknown_text (InbTakeDetails *self);
GtkWidget    *inb_take_details_get_unknown_button (InbTakeDetails *self,
                                                 gboolean        send_again);
gboolean      inb_take_details_get_loaded       (InbTakeDetails *self);
/* Both keyframes as sent are shown */
gboolean      inb_take_details_get_keyframes_shown (InbTakeDetails *self);

G_END_DECLS
