/* inb-engine-private.h — what the parts of the engine share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to backends/local/: the engine object and the helpers that
 * inb-engine.c, inb-confidence.c, inb-engine-objects.c,
 * inb-engine-sources.c and inb-render.c share.
 */
#pragma once

#include "inb-engine.h"
#include "inb-flow.h"
#include "inb-parallel.h"

G_BEGIN_DECLS

/* An RGB pixel as four floats (the fourth unused), one SIMD register. */
typedef float InbPixel __attribute__ ((vector_size (16)));

/* An object moving far, drawn over the rest */
typedef struct
{
  double    fwd[6];     /* affine first -> last, full-resolution pixels */
  InbPlane *mask[2];    /* where it is in first and last (analysis grid) */
  int       x0;         /* a box around it in first (full resolution) */
  int       x1;
  int       y0;
  int       y1;
  /* Painted out of the keyframes' pixels, which the background takes
   * (small objects, see #InbFlowObject: wherever they are; the others
   * where they hide the background), and drawn from these copies of
   * the keyframes' pixels around them (stride pw + 1, ph + 1 rows) */
  gboolean  small;
  /* How far its motion is trusted (see object_trust()): 1 drawn as
   * found; below, drawn fainter, and where it is and was moves toward
   * a dissolve (0: all of it) */
  float     trust;
  InbPixel *patch[2];
  int       px0[2];
  int       py0[2];
  int       pw[2];
  int       ph[2];
  /* Where mask[k] is not 0, set once the masks are final, so that
   * drawing skips what no mask covers: analysis columns live[k][0] to
   * live[k][2], rows live[k][1] to live[k][3] (none: [0] > [2]); and
   * per analysis pixel, 1 where inb_plane_sample() of the mask there
   * can be other than 0 (the pixel, the next one or either below not 0) */
  int       live[2][4];
  guint8   *live_map[2];
} EngineObject;

/* Channels of the node map: where the pixel comes from in first (ax, ay)
 * and last (bx, by), first's weight, and how far the pixel falls back to
 * a dissolve (0: not at all) */
#define MAP_CHANNELS  6

/* How unexplained a region must be (see inb_engine_explained()) to fall
 * back to a dissolve, fully above EXPLAINED_HIGH */
#define EXPLAINED_LOW   0.60f
#define EXPLAINED_HIGH  0.85f
#define ERROR_FLOOR     3.0f

/* An object's motion is trusted fully where it leaves at most
 * OBJECT_TRUST_LOW of the error that standing still leaves (ERROR_FLOOR
 * added to the latter) over its masks, in levels and in detail, not at
 * all from OBJECT_TRUST_HIGH (see object_trust_ratio() in
 * inb-engine-objects.c) */
#define OBJECT_TRUST_LOW   0.5
#define OBJECT_TRUST_HIGH  0.8

/* The smooth flows (inb_dis_smooth_flow()) instead of the engine's
 * motion, see inb_engine_dense_choice(). They are computed down to
 * pyramid level SMOOTH_BOTTOM. Both motions' photometric errors count
 * where both stay in the frame, the smooth flow is its own inverse
 * within DENSE_FB_OK analysis pixels, weighted by texture (full weight
 * from DENSE_TEXTURE luma levels a pixel of gradient). */
#define SMOOTH_BOTTOM     1
#define DENSE_FB_OK       1.0f
#define DENSE_TEXTURE     4.0f
/* In regions about 1/DENSE_REGION of the frame wide, with a mean
 * weight of DENSE_MIN_WEIGHT at least: the smooth flow's error below
 * the engine's by a ratio from DENSE_RATIO_LOW to DENSE_RATIO_HIGH
 * (ERROR_FLOOR added to it) and by DENSE_MARGIN levels */
#define DENSE_REGION      40
#define DENSE_MIN_WEIGHT  0.05f
#define DENSE_RATIO_LOW   1.4f
#define DENSE_RATIO_HIGH  2.0f
#define DENSE_MARGIN      2.0f
/* Over an object's mask as a whole (DENSE_OBJECT_AREA of the frame at
 * least, a mean weight of DENSE_OBJECT_WEIGHT): its flat inside has
 * small errors under any motion, so the mean errors are small, and a
 * ratio of DENSE_OBJECT_RATIO (DENSE_OBJECT_FLOOR added to the smooth
 * flow's) and DENSE_OBJECT_MARGIN levels decide, all or nothing, if the
 * smooth flow is its own inverse (and both motions stay in the frame)
 * over DENSE_OBJECT_CONSISTENT of it */
#define DENSE_OBJECT_AREA    0.01f
#define DENSE_OBJECT_WEIGHT  0.05f
#define DENSE_OBJECT_FLOOR   0.5f
#define DENSE_OBJECT_RATIO   1.5f
#define DENSE_OBJECT_MARGIN  0.5f
#define DENSE_OBJECT_CONSISTENT  0.5
/* Where no object was found, the regions where the smooth flow moves
 * pixels by more than DENSE_DIFFER analysis pixels otherwise than the
 * engine (in a box of radius DENSE_DIFFER_RADIUS, half of them), each
 * decided as a whole like an object's mask */
#define DENSE_DIFFER         3.0f
#define DENSE_DIFFER_RADIUS  3
/* Above this share, a region is the smooth flow's: objects are not
 * drawn over it */
#define DENSE_TAKE        0.5f

#define SPLAT_FLOOR   0.05f   /* weight of an unreliable flow sample */
#define TRUST_FLOOR   0.05f   /* weight of an unreliable keyframe sample */
#define DEPTH_START   8.f     /* analysis pixels off the global model, */
#define DEPTH_RANGE   10.f    /* and their weight in the flow projection */
#define DEPTH_GAIN    0.7f

struct _InbEngine
{
  InbParallel     *par;
  InbImage        *first;
  InbImage        *last;
  InbPixel        *pix0;         /* the keyframes as float pixels, */
  InbPixel        *pix1;         /* one row and column of padding */
  guint            pad_stride;   /* width + 1 */
  guint            width;
  guint            height;

  /* Analysis grid */
  guint            aw;
  guint            ah;
  guint            scale;
  float            offset;       /* full x = scale * xa + offset */
  InbPlane        *conf0;        /* confidence of first's pixels */
  InbPlane        *conf1;        /* confidence of last's pixels */
  InbPlane        *luma[2];      /* the keyframes' luma (analysis grid) */
  InbPlane        *region[2];    /* how far the motion leaves first and
                                  * last unexplained around each pixel,
                                  * 0..1 (see inb_engine_explained()) */
  gboolean         any_region;   /* both planes above EXPLAINED_LOW somewhere */
  float            reliability;  /* of the global model, 0..1 */
  double           model[9];     /* the global model, first -> last */
  InbPixel         exp_gain;     /* the exposure change per channel: last ~ */
  InbPixel         exp_offset;   /* gain × first + offset (1, 0 without one) */
  gboolean         exp_clipped;  /* last is brighter and clipped in places:
                                  * the fourth channel of pix1 says where
                                  * (1 a channel at 255), first's pixels
                                  * are drawn there */
  InbPlane        *omask[2];     /* objects moving far, in first and last
                                  * (NULL without any), a little grown */
  InbPlane        *bgu[2];       /* the background's motion under and around */
  InbPlane        *bgv[2];       /* them, from first and from last */
  guint            n_objects;
  EngineObject     objects[3];
  double           global_conf;

  /* Splat sources on the motion grid (half the analysis grid: motion
   * cell m is centred on analysis xa = 2 m + 0.5): [0] from first's
   * pixels, [1] from last's, in stabilised motion-grid coordinates:
   * position at time t = p + t d. */
  guint            mw;
  guint            mh;
  float           *src_px[2];
  float           *src_py[2];
  float           *src_dx[2];
  float           *src_dy[2];
  float           *src_w[2];
  float           *prior_dx;     /* motion where nothing lands: first's, */
  float           *prior_dy;     /* the background's under an object */

  /* Per-frame buffers */
  GMutex           lock;
  InbPixel        *acc[2];       /* per cell: w dx, w dy, w */
  InbPlane        *ft_u;         /* local motion at time t */
  InbPlane        *ft_v;
  guint            node;         /* node spacing in output pixels */
  guint            nw;
  guint            nh;
  float           *map;          /* per node: ax, ay, bx, by, w0, fallback */
  float           *node_fixed;   /* per node, what does not change with t
                                  * (see inb_engine_render_prepare()) */
  guint            wpad;         /* width rounded up to 4 */
  float           *hmap;         /* node rows interpolated along x */
  guint8          *row_fb;       /* per node row: any fallback in it */
};

/* 1 well inside, 0 a pixel or more outside [-0.5, size - 0.5]. */
static inline float
inside (float x,
        float y,
        float w,
        float h)
{
  float d = MIN (MIN (x + 0.5f, w - 0.5f - x), MIN (y + 0.5f, h - 0.5f - y));

  return d >= 1.f ? 1.f : (d <= -1.f ? 0.f : 0.5f * (d + 1.f));
}

static inline void
apply_h (const double h[9],
         float        x,
         float        y,
         float       *ox,
         float       *oy)
{
  double w = h[6] * x + h[7] * y + h[8];

  if (w < 1e-6)
    w = 1e-6;
  *ox = (float) ((h[0] * x + h[1] * y + h[2]) / w);
  *oy = (float) ((h[3] * x + h[4] * y + h[5]) / w);
}

static inline void
affine_apply (const double m[6],
              float        x,
              float        y,
              float       *ox,
              float       *oy)
{
  *ox = (float) (m[0] * x + m[1] * y + m[2]);
  *oy = (float) (m[3] * x + m[4] * y + m[5]);
}

static inline InbPixel
bilinear (const InbPixel *p,
          gsize           stride,
          float           fx,
          float           fy)
{
  InbPixel top = p[0] + (p[1] - p[0]) * fx;
  InbPixel bot = p[stride] + (p[stride + 1] - p[stride]) * fx;

  return top + (bot - top) * fy;
}

/* Near the edge of @mask at (@x, @y) (analysis grid): not fully inside
 * two analysis pixels away in some direction */
static inline gboolean
rim (const InbPlane *mask,
     float           x,
     float           y)
{
  return inb_plane_sample (mask, x - 2.f, y) < 0.999f || inb_plane_sample (mask, x + 2.f, y) < 0.999f
      || inb_plane_sample (mask, x, y - 2.f) < 0.999f || inb_plane_sample (mask, x, y + 2.f) < 0.999f;
}

typedef struct
{
  InbEngine       *self;
  const InbPlane  *fu;
  const InbPlane  *fv;
  const InbPlane  *conf;
  const InbPlane  *layer;     /* 1 object, -1 background under one; or NULL */
  const InbPlane  *lu;        /* the confident flow nearby (push-pull) */
  const InbPlane  *lv;
  const InbPlane  *tex;       /* 1 textured, 0 flat: any motion matches */
  const InbPlane  *la;        /* luma of this set's keyframe, */
  const InbPlane  *lb;        /* and of the other one */
  double           model[9];  /* global model from this set's keyframe, analysis grid */
  const InbPlane  *dense;     /* where the smooth flow takes over (0..1), */
  const InbPlane  *du;        /* and that flow; or NULL */
  const InbPlane  *dv;
  InbPlane        *eu;        /* out: the motion of each analysis pixel, */
  InbPlane        *ev;        /* or NULL */
  float            reliability;
  float            gain;
  float            far_u;     /* the most common confident motion, */
  float            far_v;
  float            far_weight; /* and its weight as the depth reference */
  guint            set;
} SourceJob;

typedef struct
{
  const InbPlane *la;
  InbPlane       *tex;
} TextureJob;

typedef struct
{
  const InbImage *src;
  InbPixel       *dst;
} PixelJob;

/* inb-confidence.c */
InbPlane *
inb_engine_local_mean (InbParallel    *par,
                       const InbPlane *src,
                       GCancellable   *cancellable);

gboolean
inb_engine_compute_confidence (InbParallel    *par,
                               const InbPlane *la,
                               const InbPlane *lb,
                               const InbPlane *ma,
                               const InbPlane *mb,
                               const InbPlane *fu,
                               const InbPlane *fv,
                               const InbPlane *bu,
                               const InbPlane *bv,
                               InbPlane       *conf,
                               GCancellable   *cancellable);

InbPlane *inb_engine_explained (InbParallel    *par,
                                const InbPlane *la,
                                const InbPlane *lb,
                                const InbPlane *ma,
                                const InbPlane *mb,
                                const InbPlane *fu,
                                const InbPlane *fv,
                                const InbPlane *conf);

InbPlane *inb_engine_dense_choice (InbParallel    *par,
                                   const InbPlane *la,
                                   const InbPlane *lb,
                                   const InbPlane *ma,
                                   const InbPlane *mb,
                                   const InbPlane *eu,
                                   const InbPlane *ev,
                                   const InbPlane *du,
                                   const InbPlane *dv,
                                   const InbPlane *bu,
                                   const InbPlane *bv,
                                   const InbPlane *const *masks,
                                   guint           n_masks);

double inb_engine_motion_errors (const InbPlane *la,
                                 const InbPlane *lb,
                                 const InbPlane *ma,
                                 const InbPlane *mb,
                                 float           gain,
                                 float           offset,
                                 const float    *mask,
                                 const int       box[4],
                                 const double    m[6],
                                 double          e[4]);

/* inb-engine-objects.c */
void
inb_engine_push_pull (const float *wu,
                      const float *wv,
                      const float *wt,
                      guint        width,
                      guint        height,
                      float       *out_u,
                      float       *out_v);

void
inb_engine_object_layers (InbEngine             *self,
                          const InbFlowAnalysis *an,
                          const InbPlane        *const mean[2],
                          const double           model[2][9],
                          float                  reliability,
                          InbPlane              *fu[2],
                          InbPlane              *fv[2],
                          InbPlane              *layer[2]);

void
inb_engine_paint_out (InbEngine    *self,
                      EngineObject *ob);

void
inb_engine_paint_out_hidden (InbEngine *self);

/* inb-engine-sources.c */
void
inb_engine_texture_rows (guint    start,
                         guint    end,
                         gpointer user_data);

void
inb_engine_source_rows (guint    start,
                        guint    end,
                        gpointer user_data);

gboolean inb_engine_build_sources (InbEngine             *self,
                                   const InbFlowAnalysis *an,
                                   guint                  set,
                                   const double           model[9],
                                   double                 reliability,
                                   InbPlane              *ofu,
                                   InbPlane              *ofv,
                                   InbPlane              *olayer,
                                   const InbPlane        *dense,
                                   const InbPlane        *du,
                                   const InbPlane        *dv,
                                   InbPlane              *eu,
                                   InbPlane              *ev,
                                   GCancellable          *cancellable);

/* inb-render.c */
void
inb_engine_to_pixels_rows (guint    start,
                           guint    end,
                           gpointer user_data);

void inb_engine_render_prepare (InbEngine *self);

G_END_DECLS
