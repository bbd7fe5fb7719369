/* inb-engine.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local in-betweening engine.
 *
 * Analysis (inb-flow.c) gives a global homography H (first -> last) and
 * dense forward and backward flows seeded with it. Where a flow sample has
 * no consistent correspondence (occluded, out of frame, textureless) it
 * falls back to the global model. In between, every point moves on a
 * straight line at constant speed, x -> x + t f(x) (the convention of the
 * benchmark's ground truth and of every two-frame interpolator). Each
 * frame:
 *
 *  1. both flows' samples are splatted (bilinear, weighted by their
 *     forward-backward / photometric confidence) to where they are at time
 *     t, on a grid at half the analysis resolution, giving the motion field
 *     at time t (flow projection; holes take the forward flow); where
 *     motions meet, a confident sample far from the global model weighs
 *     exponentially more (an object is in front of its background);
 *  2. on a coarse node grid of the output, each node follows that motion
 *     back to the first keyframe (a) and forward to the last one (b);
 *     blend weights come from the time ((1 - t) against t) and from
 *     visibility: a pixel of the first keyframe without a consistent
 *     correspondence is occluded in the last one, so the last keyframe's
 *     sample is not trusted there, and vice versa;
 *  3. node rows are interpolated along x, then every output pixel
 *     interpolates its two node rows and blends bilinear samples of both
 *     keyframes (float RGBx pixels, one SIMD register each).
 *
 * When the pair has no correspondence at all (scene change) a global
 * confidence goes to zero and the frame becomes a plain dissolve.
 * Nothing is allocated per frame; all loops run on the engine's pool.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "inb-engine.h"
#include "inb-flow.h"
#include "inb-parallel.h"

/* An RGB pixel as four floats (the fourth unused), one SIMD register. */
typedef float InbPixel __attribute__ ((vector_size (16)));

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

  /* Per-frame buffers */
  GMutex           lock;
  InbPixel        *acc[2];       /* per cell: w dx, w dy, w */
  InbPlane        *ft_u;         /* local motion at time t */
  InbPlane        *ft_v;
  guint            node;         /* node spacing in output pixels */
  guint            nw;
  guint            nh;
  float           *map;          /* per node: ax, ay, bx, by, w0 */
  guint            wpad;         /* width rounded up to 4 */
  float           *hmap;         /* node rows interpolated along x */
};

/* ------------------------------------------------------------------ */


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

/* ------------------------------------------------------------------ */
/* Confidence                                                          */

typedef struct
{
  const InbPlane *la;     /* luma of the source keyframe */
  const InbPlane *lb;     /* luma of the other one */
  const InbPlane *ma;     /* their local means */
  const InbPlane *mb;
  const InbPlane *fu;     /* flow source -> other */
  const InbPlane *fv;
  const InbPlane *bu;     /* flow other -> source */
  const InbPlane *bv;
  InbPlane       *err;    /* photometric error, then its box mean */
  InbPlane       *tmp;
  InbPlane       *conf;
} ConfJob;

static void
conf_error_rows (guint    start,
                 guint    end,
                 gpointer user_data)
{
  const ConfJob *job = user_data;
  const guint w = job->la->width;

  for (guint y = start; y < end; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float qx = (float) x + job->fu->data[k];
        float qy = (float) y + job->fv->data[k];

        /* Local means out: an exposure change is not a mismatch */
        job->err->data[k] = fabsf (inb_plane_sample (job->lb, qx, qy)
                                   - inb_plane_sample (job->mb, qx, qy)
                                   - job->la->data[k] + job->ma->data[k]);
      }
}

/* Horizontal 5-tap box of err into tmp */
static void
conf_box_h_rows (guint    start,
                 guint    end,
                 gpointer user_data)
{
  const ConfJob *job = user_data;
  const int w = (int) job->la->width;

  for (guint y = start; y < end; y++)
    {
      const float *src = job->err->data + (gsize) y * w;
      float *dst = job->tmp->data + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          float s = 0.f;

          for (int k = -2; k <= 2; k++)
            s += src[CLAMP (x + k, 0, w - 1)];
          dst[x] = 0.2f * s;
        }
    }
}

static void
conf_final_rows (guint    start,
                 guint    end,
                 gpointer user_data)
{
  const ConfJob *job = user_data;
  const guint w = job->la->width;
  const int h = (int) job->la->height;

  for (guint y = start; y < end; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float fu = job->fu->data[k], fv = job->fv->data[k];
        float qx = (float) x + fu, qy = (float) y + fv;
        float bu = inb_plane_sample (job->bu, qx, qy);
        float bv = inb_plane_sample (job->bv, qx, qy);
        float ex = fu + bu, ey = fv + bv;
        float thr = 0.01f * (fu * fu + fv * fv + bu * bu + bv * bv) + 0.5f;
        float c_fb = expf (-(ex * ex + ey * ey) / thr);
        float e = 0.f, c_ph;

        for (int j = -2; j <= 2; j++)
          e += job->tmp->data[(gsize) CLAMP ((int) y + j, 0, h - 1) * w + x];
        e *= 0.2f / 20.f;
        c_ph = expf (-e * e);
        job->conf->data[k] = c_fb * c_ph * inside (qx, qy, (float) w, (float) h);
      }
}

typedef struct
{
  const InbPlane *src;
  InbPlane       *tmp;
  InbPlane       *dst;
} MeanJob;

#define MEAN_RADIUS 4

static void
mean_h_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const MeanJob *job = user_data;
  const int w = (int) job->src->width;

  for (guint y = start; y < end; y++)
    {
      const float *src = job->src->data + (gsize) y * w;
      float *dst = job->tmp->data + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          float acc = 0.f;

          for (int k = -MEAN_RADIUS; k <= MEAN_RADIUS; k++)
            acc += src[CLAMP (x + k, 0, w - 1)];
          dst[x] = acc / (2 * MEAN_RADIUS + 1);
        }
    }
}

static void
mean_v_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const MeanJob *job = user_data;
  const int w = (int) job->src->width, h = (int) job->src->height;

  for (guint y = start; y < end; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.f;

        for (int k = -MEAN_RADIUS; k <= MEAN_RADIUS; k++)
          acc += job->tmp->data[(gsize) CLAMP ((int) y + k, 0, h - 1) * w + x];
        job->dst->data[(gsize) y * w + x] = acc / (2 * MEAN_RADIUS + 1);
      }
}

/* A (2 MEAN_RADIUS + 1)² box mean of @src */
static InbPlane *
local_mean (InbParallel    *par,
            const InbPlane *src,
            GCancellable   *cancellable)
{
  g_autoptr(InbPlane) tmp = inb_plane_new (src->width, src->height);
  g_autoptr(InbPlane) dst = inb_plane_new (src->width, src->height);
  MeanJob job = { src, tmp, dst };

  if (!inb_parallel_for (par, src->height, 0, mean_h_rows, &job, cancellable)
      || !inb_parallel_for (par, src->height, 0, mean_v_rows, &job, cancellable))
    return NULL;

  return g_steal_pointer (&dst);
}

static gboolean
compute_confidence (InbParallel    *par,
                    const InbPlane *la,
                    const InbPlane *lb,
                    const InbPlane *ma,
                    const InbPlane *mb,
                    const InbPlane *fu,
                    const InbPlane *fv,
                    const InbPlane *bu,
                    const InbPlane *bv,
                    InbPlane       *conf,
                    GCancellable   *cancellable)
{
  g_autoptr(InbPlane) err = inb_plane_new (la->width, la->height);
  g_autoptr(InbPlane) tmp = inb_plane_new (la->width, la->height);
  ConfJob job = { la, lb, ma, mb, fu, fv, bu, bv, err, tmp, conf };

  return inb_parallel_for (par, la->height, 0, conf_error_rows, &job, cancellable)
      && inb_parallel_for (par, la->height, 0, conf_box_h_rows, &job, cancellable)
      && inb_parallel_for (par, la->height, 0, conf_final_rows, &job, cancellable);
}

/* ------------------------------------------------------------------ */
/* Splat sources                                                       */

typedef struct
{
  InbEngine       *self;
  const InbPlane  *fu;
  const InbPlane  *fv;
  const InbPlane  *conf;
  double           model[9];  /* global model from this set's keyframe, analysis grid */
  float            reliability;
  float            gain;
  guint            set;
} SourceJob;

static void
source_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const SourceJob *job = user_data;
  InbEngine *self = job->self;
  const guint w = self->aw, h = self->ah;

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < self->mw; i++)
      {
        gsize m = (gsize) j * self->mw + i;
        float spx = 0, spy = 0, sdx = 0, sdy = 0, sw = 0;

        for (guint dj = 0; dj < 2; dj++)
          for (guint di = 0; di < 2; di++)
            {
              guint x = MIN (2 * i + di, w - 1), y = MIN (2 * j + dj, h - 1);
              gsize k = (gsize) y * w + x;
              float fu = job->fu->data[k];
              float fv = job->fv->data[k];
              float c = job->conf->data[k];
              float wt;
              float gx, gy, mix, px, py, dx, dy, dev;

              /* Unreliable samples follow the global model */
              apply_h (job->model, (float) x, (float) y, &gx, &gy);
              /* a switch, not a blend: intermediate motions are wrong */
              mix = CLAMP ((0.3f - c) * 5.f, 0.f, 1.f);
              /* Nor can a match be trusted where the model leaves the frame */
              mix = MAX (mix, 1.f - inside (gx, gy, (float) w, (float) h)) * job->reliability;
              fu += mix * (gx - (float) x - fu);
              fv += mix * (gy - (float) y - fv);
              /* Where motions meet, what moves away from the global
               * model is in front (an object over its background):
               * softmax splatting on the distance to the model. */
              dev = hypotf (gx - (float) x - fu, gy - (float) y - fv);
              wt = SPLAT_FLOOR + c * expf (CLAMP (dev - DEPTH_START, 0.f, DEPTH_RANGE) * DEPTH_GAIN
                                           * CLAMP ((c - 0.5f) * 2.5f, 0.f, 1.f));
              fu *= job->gain;
              fv *= job->gain;

              if (job->set == 0)
                {
                  /* first's pixel x is at x + t f at time t */
                  px = (float) x;
                  py = (float) y;
                  dx = fu;
                  dy = fv;
                }
              else
                {
                  /* last's pixel x came from x + b: at x + b - t b */
                  px = (float) x + fu;
                  py = (float) y + fv;
                  dx = -fu;
                  dy = -fv;
                }
              spx += wt * px;
              spy += wt * py;
              sdx += wt * dx;
              sdy += wt * dy;
              sw += wt;
            }

        self->src_px[job->set][m] = 0.5f * (spx / sw - 0.5f);
        self->src_py[job->set][m] = 0.5f * (spy / sw - 0.5f);
        self->src_dx[job->set][m] = 0.5f * sdx / sw;
        self->src_dy[job->set][m] = 0.5f * sdy / sw;
        self->src_w[job->set][m] = 0.25f * sw;
      }
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

typedef struct
{
  InbEngine *self;
  float      t;
  guint8    *out;
  gsize      out_stride;
} FrameJob;

static void
splat_sets (guint    start,
            guint    end,
            gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const gsize n = (gsize) self->mw * self->mh;
  const int w = (int) self->mw, h = (int) self->mh;
  const float t = job->t;

  for (guint set = start; set < end; set++)
    {
      InbPixel *acc = self->acc[set];
      const float *px = self->src_px[set], *py = self->src_py[set];
      const float *dx = self->src_dx[set], *dy = self->src_dy[set];
      const float *sw = self->src_w[set];

      memset (acc, 0, n * sizeof (InbPixel));
      for (gsize k = 0; k < n; k++)
        {
          float x = px[k] + t * dx[k];
          float y = py[k] + t * dy[k];
          InbPixel v = { dx[k] * sw[k], dy[k] * sw[k], sw[k], 0.f };
          InbPixel *o;
          float fx, fy;
          int ix, iy;

          if (!(x >= 0.f && y >= 0.f && x < (float) (w - 1) && y < (float) (h - 1)))
            continue;
          ix = (int) x;
          iy = (int) y;
          fx = x - (float) ix;
          fy = y - (float) iy;
          o = acc + (gsize) iy * w + ix;
          o[0] += v * ((1.f - fx) * (1.f - fy));
          o[1] += v * (fx * (1.f - fy));
          o[w] += v * ((1.f - fx) * fy);
          o[w + 1] += v * (fx * fy);
        }
    }
}

static void
normalise_rows (guint    start,
                guint    end,
                gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const InbPixel *a0 = self->acc[0], *a1 = self->acc[1];
  const float *prior_u = self->src_dx[0], *prior_v = self->src_dy[0];
  const float eps = 1e-3f;

  for (guint y = start; y < end; y++)
    {
      gsize row = (gsize) y * self->mw;

      for (gsize k = row; k < row + self->mw; k++)
        {
          InbPixel a = a0[k] + a1[k];
          float wsum = a[2] + eps;

          self->ft_u->data[k] = (a[0] + eps * prior_u[k]) / wsum;
          self->ft_v->data[k] = (a[1] + eps * prior_v[k]) / wsum;
        }
    }
}

static void
node_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const float t = job->t;
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  const float g = (float) self->global_conf;

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < self->nw; i++)
      {
        float *m = self->map + ((gsize) j * self->nw + i) * 5;
        float yx, yy, mx, my, fu, fv, ax, ay, bx, by, c0, c1, w0, w1;

        yx = (float) (i * self->node);
        yy = (float) (j * self->node);
        mx = 0.5f * ((yx - off) / s - 0.5f);
        my = 0.5f * ((yy - off) / s - 0.5f);
        fu = 2.f * s * inb_plane_sample (self->ft_u, mx, my);
        fv = 2.f * s * inb_plane_sample (self->ft_v, mx, my);
        ax = yx - t * fu;
        ay = yy - t * fv;
        bx = yx + (1.f - t) * fu;
        by = yy + (1.f - t) * fv;

        c0 = inb_plane_sample (self->conf0, (ax - off) / s, (ay - off) / s);
        c1 = inb_plane_sample (self->conf1, (bx - off) / s, (by - off) / s);
        c0 = g * c0 + (1.f - g);
        c1 = g * c1 + (1.f - g);
        w0 = (1.f - t) * ((TRUST_FLOOR + c1) * inside (ax, ay, fw, fh) + 1e-6f);
        w1 = t * ((TRUST_FLOOR + c0) * inside (bx, by, fw, fh) + 1e-6f);

        m[0] = ax;
        m[1] = ay;
        m[2] = bx;
        m[3] = by;
        m[4] = w0 / (w0 + w1);
      }
}

typedef float InbVec4f __attribute__ ((vector_size (16)));
typedef int InbVec4i __attribute__ ((vector_size (16)));

/* Clamps to [0, hi]; NaN becomes 0. */
static inline InbVec4f
clamp4 (InbVec4f v,
        InbVec4f hi)
{
  const InbVec4f zero = { 0.f, 0.f, 0.f, 0.f };
  InbVec4i in_low = v > zero;
  InbVec4i in_high;

  v = (InbVec4f) ((InbVec4i) v & in_low);
  in_high = v < hi;

  return (InbVec4f) (((InbVec4i) v & in_high) | ((InbVec4i) hi & ~in_high));
}

static inline InbVec4f
load4 (const float *p)
{
  InbVec4f v;

  memcpy (&v, p, sizeof v);

  return v;
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

static inline __attribute__ ((always_inline)) void
blend_pixel (guint8         *d,
             const InbPixel *p0,
             const InbPixel *p1,
             gsize           ps,
             InbVec4i        ax0,
             InbVec4i        ay0,
             InbVec4f        afx,
             InbVec4f        afy,
             InbVec4i        bx0,
             InbVec4i        by0,
             InbVec4f        bfx,
             InbVec4f        bfy,
             InbVec4f        wa,
             guint           k)
{
  InbPixel a = bilinear (p0 + (gsize) ay0[k] * ps + ax0[k], ps, afx[k], afy[k]);
  InbPixel b = bilinear (p1 + (gsize) by0[k] * ps + bx0[k], ps, bfx[k], bfy[k]);
  InbPixel o = b + (a - b) * wa[k] + 0.5f;

  d[3 * k] = (guint8) o[0];
  d[3 * k + 1] = (guint8) o[1];
  d[3 * k + 2] = (guint8) o[2];
}

/* Interpolates one node row along x into @dst (five maps, @wpad apart);
 * inlined with a constant @node so the loops unroll. */
static inline __attribute__ ((always_inline)) void
fill_row (float       *dst,
          const float *nodes,
          guint        nw,
          guint        wpad,
          const guint  node)
{
  const float inv = 1.f / (float) node;

  for (guint c = 0; c < 5; c++)
    {
      float *d = dst + (gsize) c * wpad;
      guint x = 0;

      for (guint i = 0; i + 1 < nw && x + node <= wpad; i++, x += node)
        {
          float v = nodes[i * 5 + c];
          float dv = (nodes[i * 5 + 5 + c] - v) * inv;

          for (guint k = 0; k < node; k++)
            d[x + k] = v + dv * (float) k;
        }
      for (; x < wpad; x++)
        d[x] = nodes[(nw - 1) * 5 + c];
    }
}

static void
hrow_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;

  for (guint j = start; j < end; j++)
    {
      float *dst = self->hmap + (gsize) j * 5 * self->wpad;
      const float *nodes = self->map + (gsize) j * self->nw * 5;

      switch (self->node)
        {
        case 2: fill_row (dst, nodes, self->nw, self->wpad, 2); break;
        case 4: fill_row (dst, nodes, self->nw, self->wpad, 4); break;
        case 8: fill_row (dst, nodes, self->nw, self->wpad, 8); break;
        case 16: fill_row (dst, nodes, self->nw, self->wpad, 16); break;
        default: fill_row (dst, nodes, self->nw, self->wpad, 32); break;
        }
    }
}

static void
pixel_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const guint w = self->width;
  const gsize ps = self->pad_stride;
  const gsize wpad = self->wpad;
  const InbPixel *p0 = self->pix0;
  const InbPixel *p1 = self->pix1;
  const guint node = self->node;
  const float inv_node = 1.f / (float) node;
  const InbVec4f xmax = { w - 1.f, w - 1.f, w - 1.f, w - 1.f };
  const InbVec4f ymax = { self->height - 1.f, self->height - 1.f, self->height - 1.f, self->height - 1.f };

  for (guint y = start; y < end; y++)
    {
      guint8 *dst = job->out + (gsize) y * job->out_stride;
      guint j = y / node;
      float fy = (float) (y - j * node) * inv_node;
      const float *h0 = self->hmap + (gsize) j * 5 * wpad;
      const float *h1 = h0 + 5 * wpad;

      for (guint x = 0; x < w; x += 4)
        {
#define ROW_MAP(c) (load4 (h0 + (c) * wpad + x) + (load4 (h1 + (c) * wpad + x) - load4 (h0 + (c) * wpad + x)) * fy)
          InbVec4f ax = clamp4 (ROW_MAP (0), xmax);
          InbVec4f ay = clamp4 (ROW_MAP (1), ymax);
          InbVec4f bx = clamp4 (ROW_MAP (2), xmax);
          InbVec4f by = clamp4 (ROW_MAP (3), ymax);
          InbVec4f wa = ROW_MAP (4);
#undef ROW_MAP
          InbVec4i ax0 = __builtin_convertvector (ax, InbVec4i);
          InbVec4i ay0 = __builtin_convertvector (ay, InbVec4i);
          InbVec4i bx0 = __builtin_convertvector (bx, InbVec4i);
          InbVec4i by0 = __builtin_convertvector (by, InbVec4i);
          InbVec4f afx = ax - __builtin_convertvector (ax0, InbVec4f);
          InbVec4f afy = ay - __builtin_convertvector (ay0, InbVec4f);
          InbVec4f bfx = bx - __builtin_convertvector (bx0, InbVec4f);
          InbVec4f bfy = by - __builtin_convertvector (by0, InbVec4f);
          guint8 *d = dst + x * 3;

          if (G_LIKELY (x + 4 <= w))
            {
              blend_pixel (d, p0, p1, ps, ax0, ay0, afx, afy, bx0, by0, bfx, bfy, wa, 0);
              blend_pixel (d, p0, p1, ps, ax0, ay0, afx, afy, bx0, by0, bfx, bfy, wa, 1);
              blend_pixel (d, p0, p1, ps, ax0, ay0, afx, afy, bx0, by0, bfx, bfy, wa, 2);
              blend_pixel (d, p0, p1, ps, ax0, ay0, afx, afy, bx0, by0, bfx, bfy, wa, 3);
            }
          else
            {
              for (guint k = 0; x + k < w; k++)
                blend_pixel (d, p0, p1, ps, ax0, ay0, afx, afy, bx0, by0, bfx, bfy, wa, k);
            }
        }
    }
}

typedef struct
{
  const InbImage *src;
  InbPixel       *dst;
} PixelJob;

static void
to_pixels_rows (guint    start,
                guint    end,
                gpointer user_data)
{
  const PixelJob *job = user_data;
  const guint w = inb_image_get_width (job->src);
  const gsize stride = inb_image_get_stride (job->src);
  const guint8 *data = inb_image_get_data (job->src);

  const guint h = inb_image_get_height (job->src);

  /* Row h and column w repeat the last ones. */
  for (guint y = start; y < end; y++)
    {
      const guint8 *s = data + MIN (y, h - 1) * stride;
      InbPixel *d = job->dst + (gsize) y * (w + 1);

      for (guint x = 0; x < w; x++, s += 3)
        d[x] = (InbPixel) { s[0], s[1], s[2], 0.f };
      d[w] = d[w - 1];
    }
}

static void
copy_image (const InbImage *src,
            InbImage       *dst)
{
  const guint8 *s = inb_image_get_data (src);
  guint8 *d = inb_image_get_data_mut (dst);
  gsize ss = inb_image_get_stride (src), ds = inb_image_get_stride (dst);
  gsize row = (gsize) inb_image_get_width (src) * 3;

  for (guint y = 0; y < inb_image_get_height (src); y++)
    memcpy (d + y * ds, s + y * ss, row);
}

/**
 * inb_engine_render:
 *
 * Renders time @t into @out. Thread-safe (frames are rendered one at a
 * time); allocates nothing.
 */
void
inb_engine_render (InbEngine *self,
                   double     t,
                   InbImage  *out)
{
  FrameJob job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (inb_image_get_width (out) == self->width);
  g_return_if_fail (inb_image_get_height (out) == self->height);

  if (!(t > 0.0))
    {
      copy_image (self->first, out);
      return;
    }
  if (t >= 1.0)
    {
      copy_image (self->last, out);
      return;
    }

  g_mutex_lock (&self->lock);

  job.self = self;
  job.t = (float) t;
  job.out = inb_image_get_data_mut (out);
  job.out_stride = inb_image_get_stride (out);

  inb_parallel_for (self->par, 2, 1, splat_sets, &job, NULL);
  inb_parallel_for (self->par, self->mh, 0, normalise_rows, &job, NULL);
  inb_parallel_for (self->par, self->nh, 0, node_rows, &job, NULL);
  inb_parallel_for (self->par, self->nh, 0, hrow_rows, &job, NULL);
  inb_parallel_for (self->par, self->height, 0, pixel_rows, &job, NULL);

  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  InbEngineProgressFunc progress;
  gpointer              data;
} ProgressMap;

static void
analysis_progress (double   fraction,
                   gpointer user_data)
{
  ProgressMap *map = user_data;

  map->progress (0.9 * fraction, map->data);
}

/* Of the confident forward flow, the share the global model explains
 * (within 2 analysis pixels or 2 % of the motion). Serial: a fixed order
 * of additions keeps the result independent of the threads. */
static double
model_agreement (const InbFlowAnalysis *an,
                 const InbPlane        *conf,
                 const double           h[9])
{
  double agree = 0, total = 0;

  for (guint y = 0; y < an->height; y += 2)
    for (guint x = 0; x < an->width; x += 2)
      {
        gsize k = (gsize) y * an->width + x;
        float fu = an->fwd_u->data[k], fv = an->fwd_v->data[k];
        float c = conf->data[k], gx, gy, ex, ey, tol;

        apply_h (h, (float) x, (float) y, &gx, &gy);
        ex = (float) x + fu - gx;
        ey = (float) y + fv - gy;
        tol = MAX (2.f, 0.02f * sqrtf (fu * fu + fv * fv));
        total += c;
        if (ex * ex + ey * ey < tol * tol)
          agree += c;
      }

  return total > 1e-3 * (double) an->width * an->height ? agree / total : 0.0;
}

static double
plane_mean (const InbPlane *p)
{
  double sum = 0;
  gsize n = (gsize) p->width * p->height;

  for (gsize k = 0; k < n; k++)
    sum += p->data[k];

  return sum / (double) n;
}

InbEngine *
inb_engine_new (InbImage               *first,
                InbImage               *last,
                guint                   n_threads,
                InbEngineProgressFunc   progress,
                gpointer                progress_data,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr(InbEngine) self = NULL;
  g_autoptr(InbFlowAnalysis) an = NULL;
  g_autoptr(InbPlane) mean0 = NULL;
  g_autoptr(InbPlane) mean1 = NULL;
  ProgressMap map = { progress, progress_data };
  double a[9], ai[9], t[9], ha[2][9], mean, reliability;
  gsize n;

  g_return_val_if_fail (first != NULL && last != NULL, NULL);
  g_return_val_if_fail (inb_image_get_width (first) == inb_image_get_width (last), NULL);
  g_return_val_if_fail (inb_image_get_height (first) == inb_image_get_height (last), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (InbEngine, 1);
  g_mutex_init (&self->lock);
  self->par = inb_parallel_new (n_threads);
  self->first = inb_image_ref (first);
  self->last = inb_image_ref (last);
  self->width = inb_image_get_width (first);
  self->height = inb_image_get_height (first);
  self->pad_stride = self->width + 1;

  an = inb_flow_analyse (self->par, first, last,
                         progress != NULL ? analysis_progress : NULL, &map,
                         cancellable, error);
  if (an == NULL)
    return NULL;

  self->aw = an->width;
  self->ah = an->height;
  self->scale = an->scale;
  self->offset = 0.5f * (float) (an->scale - 1);
  self->mw = (self->aw + 1) / 2;
  self->mh = (self->ah + 1) / 2;
  n = (gsize) self->mw * self->mh;

  self->conf0 = inb_plane_new (self->aw, self->ah);
  self->conf1 = inb_plane_new (self->aw, self->ah);
  mean0 = local_mean (self->par, an->luma0, cancellable);
  mean1 = local_mean (self->par, an->luma1, cancellable);
  if (mean0 == NULL || mean1 == NULL
      || !compute_confidence (self->par, an->luma0, an->luma1, mean0, mean1, an->fwd_u, an->fwd_v,
                              an->bwd_u, an->bwd_v, self->conf0, cancellable)
      || !compute_confidence (self->par, an->luma1, an->luma0, mean1, mean0, an->bwd_u, an->bwd_v,
                              an->fwd_u, an->fwd_v, self->conf1, cancellable))
    {
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return NULL;
    }

  /* How much of the pair corresponds at all: 0 gives a dissolve. */
  mean = 0.5 * (plane_mean (self->conf0) + plane_mean (self->conf1));
  mean = CLAMP ((mean - 0.12) / (0.35 - 0.12), 0.0, 1.0);
  self->global_conf = mean * mean * (3.0 - 2.0 * mean);

  /* The global model on the analysis grid, both ways */
  memset (a, 0, sizeof a);
  a[0] = a[4] = self->scale;
  a[2] = a[5] = self->offset;
  a[8] = 1;
  inb_mat3_invert (a, ai);
  inb_mat3_mul (an->homography, a, t);
  inb_mat3_mul (ai, t, ha[0]);
  if (!inb_mat3_invert (ha[0], ha[1]))
    {
      memset (ha, 0, sizeof ha);
      ha[0][0] = ha[0][4] = ha[0][8] = ha[1][0] = ha[1][4] = ha[1][8] = 1;
    }
  reliability = model_agreement (an, self->conf0, ha[0]);
  reliability = CLAMP ((reliability - 0.2) / 0.3, 0.0, 1.0);

  for (guint set = 0; set < 2; set++)
    {
      SourceJob job = { self, NULL, NULL, NULL, { 0 }, (float) reliability,
                        (float) self->global_conf, set };

      self->src_px[set] = g_new (float, n);
      self->src_py[set] = g_new (float, n);
      self->src_dx[set] = g_new (float, n);
      self->src_dy[set] = g_new (float, n);
      self->src_w[set] = g_new (float, n);
      self->acc[set] = g_aligned_alloc (n, sizeof (InbPixel), 16);
      job.fu = set == 0 ? an->fwd_u : an->bwd_u;
      job.fv = set == 0 ? an->fwd_v : an->bwd_v;
      job.conf = set == 0 ? self->conf0 : self->conf1;
      memcpy (job.model, ha[set], sizeof job.model);
      if (!inb_parallel_for (self->par, self->mh, 0, source_rows, &job, cancellable))
        {
          if (!g_cancellable_set_error_if_cancelled (cancellable, error))
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
          return NULL;
        }
    }

  for (guint k = 0; k < 2; k++)
    {
      PixelJob job = { k == 0 ? first : last, NULL };

      job.dst = g_aligned_alloc ((gsize) (self->width + 1) * (self->height + 1), sizeof (InbPixel), 16);
      if (k == 0)
        self->pix0 = job.dst;
      else
        self->pix1 = job.dst;
      if (!inb_parallel_for (self->par, self->height + 1, 0, to_pixels_rows, &job, cancellable))
        {
          if (!g_cancellable_set_error_if_cancelled (cancellable, error))
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
          return NULL;
        }
    }

  self->ft_u = inb_plane_new (self->mw, self->mh);
  self->ft_v = inb_plane_new (self->mw, self->mh);
  self->node = CLAMP (2 * self->scale, 2, 32);
  self->nw = (self->width - 1) / self->node + 2;
  self->nh = (self->height - 1) / self->node + 2;
  self->map = g_new0 (float, (gsize) self->nw * self->nh * 5);
  self->wpad = (self->width + 3) / 4 * 4;
  self->hmap = g_aligned_alloc0 ((gsize) self->nh * 5 * self->wpad, sizeof (float), 16);

  g_debug ("%ux%u, analysis %ux%u, inliers %.2f, model reliability %.2f, confidence %.2f",
           self->width, self->height, self->aw, self->ah,
           an->inlier_fraction, reliability, self->global_conf);

  if (progress != NULL)
    progress (1.0, progress_data);

  return g_steal_pointer (&self);
}

void
inb_engine_free (InbEngine *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->par, inb_parallel_free);
  g_clear_pointer (&self->first, inb_image_unref);
  g_clear_pointer (&self->last, inb_image_unref);
  g_clear_pointer (&self->conf0, inb_plane_free);
  g_clear_pointer (&self->conf1, inb_plane_free);
  g_clear_pointer (&self->ft_u, inb_plane_free);
  g_clear_pointer (&self->ft_v, inb_plane_free);
  for (guint set = 0; set < 2; set++)
    {
      g_free (self->src_px[set]);
      g_free (self->src_py[set]);
      g_free (self->src_dx[set]);
      g_free (self->src_dy[set]);
      g_free (self->src_w[set]);
      g_aligned_free (self->acc[set]);
    }
  g_free (self->map);
  g_aligned_free (self->hmap);
  g_aligned_free (self->pix0);
  g_aligned_free (self->pix1);
  g_mutex_clear (&self->lock);
  g_free (self);
}
