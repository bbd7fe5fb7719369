/* inb-flow.h — luma pyramids, dense optical flow and the global motion model
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-image.h"
#include "inb-linalg.h"
#include "inb-parallel.h"

G_BEGIN_DECLS

/* A single-channel float image, rows packed (stride = width). */
typedef struct _InbPlane
{
  guint  width;
  guint  height;
  float *data;
} InbPlane;

InbPlane *inb_plane_new  (guint     width,
                          guint     height);
void      inb_plane_free (InbPlane *plane);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbPlane, inb_plane_free)

/* Bilinear sample of @p at (@x, @y), clamped to the plane's edges. Inline:
 * the flow and the engine call it in their innermost loops. */
static inline float
inb_plane_sample (const InbPlane *p,
                  float           x,
                  float           y)
{
  const int w = (int) p->width;
  const int h = (int) p->height;
  const float *r0;
  const float *r1;
  int x0, y0, x1, y1;
  float fx, fy;

  x = x > 0.f ? (x < (float) (w - 1) ? x : (float) (w - 1)) : 0.f;
  y = y > 0.f ? (y < (float) (h - 1) ? y : (float) (h - 1)) : 0.f;
  x0 = (int) x;
  y0 = (int) y;
  fx = x - (float) x0;
  fy = y - (float) y0;
  x1 = MIN (x0 + 1, w - 1);
  y1 = MIN (y0 + 1, h - 1);
  r0 = p->data + (gsize) y0 * w;
  r1 = p->data + (gsize) y1 * w;

  return (r0[x0] + (r0[x1] - r0[x0]) * fx) * (1.f - fy)
       + (r1[x0] + (r1[x1] - r1[x0]) * fx) * fy;
}

typedef void (*InbFlowProgressFunc) (double   fraction,
                                     gpointer user_data);

/* An object moving far over its background, found both ways: its
 * translation first -> last and a box around it in the first keyframe,
 * in analysis pixels (see #InbFlowAnalysis). @small: small blobs that
 * stand out from a smooth background (birds in the sky), matched one by
 * one; their shape may change between the keyframes. @accounted: found
 * in what the global model leaves unexplained, but most of that is what
 * another object covers or uncovers (a phantom of the background). */
typedef struct _InbFlowObject
{
  float    du;
  float    dv;
  int      x0;
  int      x1;
  int      y0;
  int      y1;
  gboolean small;
  gboolean accounted;
} InbFlowObject;

/**
 * InbFlowAnalysis:
 * @width, @height: the analysis grid
 * @scale: full-resolution pixels per analysis pixel (a power of two).
 *   Analysis pixel xa is centred on full-resolution x = scale * xa + (scale - 1) / 2.
 * @luma0, @luma1: the keyframes' luma on the analysis grid, 0..255
 * @fwd_u, @fwd_v: dense flow first -> last on the analysis grid, in
 *   analysis pixels (first(x) ~ last(x + f(x)))
 * @bwd_u, @bwd_v: dense flow last -> first, same units
 * @homography: the global model first -> last in full-resolution pixel
 *   coordinates, row-major, h[8] = 1 (x' = H x in homogeneous coordinates)
 * @inlier_fraction: share of reliable flow samples the global model explains
 * @n_objects, @objects: objects moving far (at most 3)
 * @exposure_gain, @exposure_offset: the exposure change between the
 *   keyframes, last's luma ~ gain × first's + offset (1 and 0 without one)
 *
 * Everything the engine needs from the pair.
 */
typedef struct _InbFlowAnalysis
{
  guint     width;
  guint     height;
  guint     scale;
  InbPlane *luma0;
  InbPlane *luma1;
  InbPlane *fwd_u;
  InbPlane *fwd_v;
  InbPlane *bwd_u;
  InbPlane *bwd_v;
  double    homography[9];
  double    inlier_fraction;
  guint     n_objects;
  InbFlowObject objects[3];
  double    exposure_gain;
  double    exposure_offset;
} InbFlowAnalysis;

/* Global motion first (robust homography from a coarse flow, seeded by a
 * translation search and a multi-start affine alignment; a second motion
 * layer for a moving object), then DIS-style coarse-to-fine patch flows in
 * both directions seeded from them (see inb-flow.c); last, small blobs
 * over a smooth background matched between the keyframes (small objects). Deterministic: the
 * result does not depend on the number of threads. Blocking; returns
 * %NULL with G_IO_ERROR_CANCELLED when @cancellable fires. */
InbFlowAnalysis *inb_flow_analyse       (InbParallel          *parallel,
                                         InbImage             *first,
                                         InbImage             *last,
                                         InbFlowProgressFunc   progress,
                                         gpointer              progress_data,
                                         GCancellable         *cancellable,
                                         GError              **error);
void             inb_flow_analysis_free (InbFlowAnalysis      *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbFlowAnalysis, inb_flow_analysis_free)

/**
 * inb_dis_smooth_flow:
 * @a, @b: luma planes of the same size (an analysis's luma0 and luma1)
 * @bottom: the finest pyramid level computed (0: @a's grid); the flow is
 *   upsampled to @a's grid from there
 * @out_u, @out_v: (out): the flow a -> b on @a's grid
 *
 * A flow with no seed: DIS from a ~40 pixel wide level, its patches
 * taking their neighbours' flows where they match better (spatial
 * propagation), refined variationally on the coarser levels. Smooth and
 * forward-backward consistent on objects whose inside is flat, where
 * the analysis's seeded flows match anywhere.
 *
 * Returns: %FALSE if cancelled
 */
gboolean         inb_dis_smooth_flow    (InbParallel          *par,
                                         const InbPlane       *a,
                                         const InbPlane       *b,
                                         guint                 bottom,
                                         GCancellable         *cancellable,
                                         InbPlane            **out_u,
                                         InbPlane            **out_v);

/**
 * inb_flow_estimate:
 * @first, @last: same size
 * @n_threads: 0 = number of processors
 * @flow: (out caller-allocates): width × height × 2 floats, interleaved
 *   (u, v) per pixel, row-major, in full-resolution pixels:
 *   first(x, y) ~ last(x + u, y + v)
 * @homography: (out caller-allocates) (optional): 9 doubles, the global
 *   model first -> last (see #InbFlowAnalysis)
 *
 * The engine's dense forward flow, bilinearly upsampled to full
 * resolution. For tests and the benchmark (compare with OpenCV DIS).
 */
gboolean inb_flow_estimate (InbImage      *first,
                            InbImage      *last,
                            guint          n_threads,
                            float         *flow,
                            double        *homography,
                            GCancellable  *cancellable,
                            GError       **error);

G_END_DECLS
