/* inb-linalg.h — small dense linear algebra for the flow and the engine
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 3 × 3 row-major matrix helpers (double). */
void     inb_mat3_identity    (double        m[9]);
gboolean inb_mat3_is_identity (const double  m[9]);
void     inb_mat3_mul         (const double  a[9],
                               const double  b[9],
                               double        out[9]);
gboolean inb_mat3_invert      (const double  m[9],
                               double        out[9]);
void     inb_mat3_log         (const double  m[9],
                               double        out[9]);
void     inb_mat3_exp         (const double  m[9],
                               double        out[9]);
void     inb_mat3_apply       (const double  h[9],
                               double        x,
                               double        y,
                               double       *out_x,
                               double       *out_y);

gboolean inb_linalg_solve     (double       *a,
                               double       *b,
                               int           n,
                               double        min_pivot);

G_END_DECLS
