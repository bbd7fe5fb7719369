/* inb-progress.h — progress reported from any thread, seen on one main context
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "inb-image.h"

G_BEGIN_DECLS

#define INB_TYPE_PROGRESS (inb_progress_get_type ())

G_DECLARE_FINAL_TYPE (InbProgress, inb_progress, INB, PROGRESS, GObject)

InbProgress *inb_progress_new           (void);
void         inb_progress_update        (InbProgress *self,
                                         double       fraction,
                                         const char  *stage);
void         inb_progress_set_fraction  (InbProgress *self,
                                         double       fraction);
double       inb_progress_get_fraction  (InbProgress *self);
char        *inb_progress_dup_stage     (InbProgress *self);
GMainContext*inb_progress_get_context   (InbProgress *self);
void         inb_progress_set_deliver_every_stage (InbProgress *self,
                                                   gboolean     every_stage);
void         inb_progress_set_deliver_every_update (InbProgress *self,
                                                    gboolean     every_update);

/* A picture of the work in progress (a sampler's preview), and the
 * backend's own estimate of the time left: thread-safe and coalesced
 * like the fraction, delivered on the same main context. */
void         inb_progress_set_preview   (InbProgress *self,
                                         InbImage    *preview);
InbImage    *inb_progress_dup_preview   (InbProgress *self);
void         inb_progress_set_eta       (InbProgress *self,
                                         double       seconds);
double       inb_progress_get_eta       (InbProgress *self);

/* What the artist should know about the take although it goes on (a
 * server that dropped part of the work, say), said once each in words:
 * thread-safe, never coalesced, delivered in order on the same main
 * context (::warning), and all of them kept (inb_progress_dup_warnings()). */
void         inb_progress_add_warning   (InbProgress *self,
                                         const char  *text);
GStrv        inb_progress_dup_warnings  (InbProgress *self);

G_END_DECLS
