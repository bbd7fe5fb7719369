/* inb-flow-private.h — what the parts of the flow analysis share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to backends/local/: inb-flow.c runs the analysis from the parts
 * in inb-dis.c, inb-objects.c and inb-global-model.c.
 */
#pragma once

#include "inb-flow.h"
#include "inb-linalg.h"

G_BEGIN_DECLS

#define PATCH_SIZE        8
#define PATCH_STRIDE      4
#define PATCH_ITERATIONS  16
#define MAX_ANALYSIS_AREA 600000  /* analysis pixels at most */
#define MAX_FULL_AREA     300000  /* larger pairs: at most half resolution */
#define MIN_LEVEL_SIDE    16
#define MAX_LEVELS        12
#define SEARCH_WIDTH      64

#define MAX_OBJECTS 3
/* objects found on the seed level: the block matching's and those of the
 * residual (see inb-objects.c), before only those found both ways stay */
#define MAX_FOUND   (2 * MAX_OBJECTS)

typedef struct
{
  const guint8 *pixels;
  gsize         stride;
  guint         width;
  guint         height;
  guint         scale;
  InbPlane     *out;
} LumaJob;

typedef struct
{
  const InbPlane *src;
  InbPlane       *dst;
} HalveJob;

typedef struct
{
  const InbPlane *src;
  InbPlane       *gx;
  InbPlane       *gy;
} GradJob;

typedef struct
{
  const InbPlane *i0;      /* template image */
  const InbPlane *i1;      /* searched image */
  const InbPlane *gx;      /* gradients of i0 */
  const InbPlane *gy;
  const InbPlane *init_u;  /* dense initial flow */
  const InbPlane *init_v;
  float          *pu;      /* patch flows */
  float          *pv;
  guint           nx;
  guint           ny;
  InbPlane       *out_u;
  InbPlane       *out_v;
} DisJob;

typedef struct
{
  InbParallel   *par;
  GCancellable  *cancellable;
  InbPlane     **pyr_a;
  InbPlane     **pyr_b;
  InbPlane     **grad_x;   /* gradients of pyr_a */
  InbPlane     **grad_y;
} DisPyramid;

/* An object moving far, on the seed's level: a translation and the box
 * (in the source image) where it is offered. */
typedef struct
{
  float du;
  float dv;
  int   x0;
  int   x1;
  int   y0;
  int   y1;
  gboolean mutual;  /* found the other way round too */
  gboolean accounted; /* a residual object of what another one explains */
} ObjectMotion;

typedef struct
{
  double   h[9];
  double   inlier_fraction;
  gboolean has_layer;
  double   layer[9];   /* a second motion: what h leaves out (an object) */
  double   layer_inlier_fraction;
} GlobalModel;

/* inb-dis.c */
void
inb_flow_luma_rows (guint    start,
                    guint    end,
                    gpointer user_data);

void
inb_flow_halve_rows (guint    start,
                     guint    end,
                     gpointer user_data);

void
inb_flow_gradient_rows (guint    start,
                        guint    end,
                        gpointer user_data);

void
inb_dis_densify_rows (guint    start,
                      guint    end,
                      gpointer user_data);

void
inb_flow_level_matrix (guint  level,
                       double a[9]);

void
inb_flow_homography_at_level (const double h0[9],
                              guint        level,
                              double       out[9]);

gboolean
inb_dis_coarse_to_fine (const DisPyramid *dp,
                        guint             top,
                        guint             bottom,
                        const double     *h0,
                        const InbPlane   *seed_u,
                        const InbPlane   *seed_v,
                        float             init_u,
                        float             init_v,
                        InbPlane        **out_u,
                        InbPlane        **out_v);

double
inb_flow_flow_error (const InbPlane *a,
                     const InbPlane *b,
                     const InbPlane *u,
                     const InbPlane *v);

/* inb-objects.c */
gboolean
inb_flow_block_flow (InbParallel     *par,
                     const InbPlane  *a,
                     const InbPlane  *b,
                     int              step,
                     double           reach,
                     GCancellable    *cancellable,
                     InbPlane       **out_u,
                     InbPlane       **out_v);

void
inb_flow_small_objects (InbFlowAnalysis *an,
                        const double     hm[9]);

void
inb_flow_fuse_seed (const InbPlane  *a,
                    const InbPlane  *b,
                    guint            level,
                    const double     h0[9],
                    const InbPlane  *cu,
                    const InbPlane  *cv,
                    guint            clevel,
                    const double    *layer,
                    const InbPlane  *mu,
                    const InbPlane  *mv,
                    guint            mlevel,
                    const ObjectMotion *given,
                    guint            n_given,
                    ObjectMotion    *found,
                    guint           *n_found,
                    InbPlane       **out_u,
                    InbPlane       **out_v);

/* inb-global-model.c */
gboolean
inb_flow_search_translation (InbParallel    *par,
                             const InbPlane *a,
                             const InbPlane *b,
                             GCancellable   *cancellable,
                             float          *out_x,
                             float          *out_y);

void
inb_flow_coarse_affine (InbPlane **pyr_a,
                        InbPlane **pyr_b,
                        InbPlane **bgx,
                        InbPlane **bgy,
                        guint      n_levels,
                        float      tx,
                        float      ty,
                        double     out[9]);

void
inb_flow_refine_model (InbPlane    **pyr_a,
                       InbPlane    **pyr_b,
                       InbPlane    **bgx,
                       InbPlane    **bgy,
                       guint         n_levels,
                       guint         bottom,
                       const double *other,
                       double        h[9]);

void
inb_flow_refine_model_on_border (InbPlane **pyr_a,
                                 InbPlane **pyr_b,
                                 InbPlane **bgx,
                                 InbPlane **bgy,
                                 guint      n_levels,
                                 guint      bottom,
                                 double     h[9]);

gboolean
inb_flow_photometric_model (InbPlane    **pyr_a,
                            InbPlane    **pyr_b,
                            InbPlane    **bgx,
                            InbPlane    **bgy,
                            guint         n_levels,
                            guint         bottom,
                            const double *starts,
                            guint         n_starts,
                            double        ratio,
                            double        h[9]);

void
inb_flow_fit_global_model (const InbPlane *i0,
                           const InbPlane *i1,
                           const InbPlane *gx,
                           const InbPlane *gy,
                           const InbPlane *u,
                           const InbPlane *v,
                           guint           level,
                           guint           width0,
                           guint           height0,
                           const double   *fixed,
                           GlobalModel    *model);

gboolean
inb_flow_border_prefers (const InbPlane *a,
                         const InbPlane *b,
                         guint           level,
                         const double    h1[9],
                         const double    h2[9],
                         gboolean        by_side);

gboolean
inb_flow_exposure_changes (double gain,
                           double offset);

gboolean
inb_flow_estimate_exposure (const InbPlane *a,
                            const InbPlane *b,
                            guint           level,
                            const double    h0[9],
                            gboolean        consensus,
                            gboolean        any,
                            double         *out_gain,
                            double         *out_offset,
                            double         *out_range);

G_END_DECLS
