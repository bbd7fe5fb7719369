/* inb-engine.h — the local in-betweening engine
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-image.h"

G_BEGIN_DECLS

typedef struct _InbEngine InbEngine;

typedef void (*InbEngineProgressFunc) (double fraction, gpointer user_data);

/**
 * inb_engine_new:
 * @first, @last: same size, RGB
 * @n_threads: worker threads for the bounded pool (0 = number of CPUs)
 *
 * Analyses the pair: global motion, dense bidirectional flow, occlusion.
 * Blocking; call from a worker thread. Checks @cancellable often enough
 * to return within 200 ms (G_IO_ERROR_CANCELLED).
 */
InbEngine *inb_engine_new      (InbImage               *first,
                                InbImage               *last,
                                guint                   n_threads,
                                InbEngineProgressFunc   progress,
                                gpointer                progress_data,
                                GCancellable           *cancellable,
                                GError                **error);
/* Renders the in-between at time @t in [0, 1] into @out (same size as the
 * keyframes). t = 0 and t = 1 give the keyframes exactly. */
void       inb_engine_render   (InbEngine              *engine,
                                double                  t,
                                InbImage               *out);
void       inb_engine_free     (InbEngine              *engine);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbEngine, inb_engine_free)

G_END_DECLS
