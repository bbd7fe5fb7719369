/* inb-parallel.h — a small bounded pool for parallel loops over row bands
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _InbParallel InbParallel;

/* Called with a half-open range [start, end) of items. Items must be
 * independent: results may not depend on how the range is split. */
typedef void (*InbParallelFunc) (guint    start,
                                 guint    end,
                                 gpointer user_data);

InbParallel *inb_parallel_new           (guint            n_threads);
guint        inb_parallel_get_n_threads (InbParallel     *self);
gboolean     inb_parallel_for           (InbParallel     *self,
                                         guint            n_items,
                                         guint            grain,
                                         InbParallelFunc  func,
                                         gpointer         user_data,
                                         GCancellable    *cancellable);
void         inb_parallel_free          (InbParallel     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbParallel, inb_parallel_free)

G_END_DECLS
