/* inb-take-format.h — how a take's facts read in the window
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "inb-session.h"
#include "inb-take-entry.h"

G_BEGIN_DECLS

/* The badge: "Running", "Done", "Failed", …, "Damaged", "Newer Format" */
const char *inb_take_format_state       (InbTakeEntry *entry);
/* Its style class: "running", "done", "failed", "cancelled", "warning", "newer" */
const char *inb_take_format_state_class (InbTakeEntry *entry);
/* "0:42", "1:02:03" */
char       *inb_take_format_seconds     (double        seconds);
/* "0:05.00", "1:02.50": minutes, seconds and hundredths, as the players
 * show a frame's time */
char       *inb_take_format_hundredths  (gint64        hundredths);
/* "5.1 s" */
char       *inb_take_format_duration    (double        seconds);
/* "just now", "3 min ago", "2 h ago", "yesterday", "12 Mar", "12 Mar 2025";
 * both in Unix µs */
char       *inb_take_format_age         (gint64        created,
                                         gint64        now);
/* "WaveSpeed · Wan 2.1 FLF2V", names from the session's backends (the ids
 * of one it does not know) */
char       *inb_take_format_backend     (InbSession   *session,
                                         const char   *backend_id,
                                         const char   *model_id);
/* Takes @text; returns it with the spaces around "×" made no-break */
char       *inb_take_format_join_size   (char         *text);
/* @text with its " · "-separated parts made unbreakable inside */
char       *inb_take_format_join_phrases (const char  *text);
/* The line under the badge: progress and stage, the clip, or why it
 * failed. A finished clip reads briefly ("1280 × 720 · 16 fps": its length
 * is on the thumbnail) and @tooltip, if not %NULL, gets it in full ("81
 * frames at 16 fps · 1280 × 720"); otherwise @tooltip gets the line itself */
char       *inb_take_format_status      (InbTakeEntry *entry,
                                         char        **tooltip);
/* The fidelity badge ("Colour drift" or "Colours hold") and its tooltip
 * with the ΔE; %NULL when the take was not measured */
char       *inb_take_format_fidelity    (InbTakeEntry *entry,
                                         char        **tooltip);

G_END_DECLS
