/* inb-engine.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local in-betweening engine.
 *
 * Analysis (inb-flow.c) gives a global homography H (first -> last) and
 * dense forward and backward flows. Rendering works in "stabilised"
 * coordinates, the first keyframe's frame: the camera motion up to time t
 * is H_t = exp (t log H), and what is left of the flows once H is taken
 * out is the local motion. Each frame:
 *
 *  1. both flows' samples are splatted (bilinear, weighted by their
 *     forward-backward / photometric confidence) to where they are at time
 *     t, giving the local motion field at time t (flow projection);
 *  2. on a coarse node grid of the output, every node is taken back by
 *     H_t^-1 into stabilised coordinates, then along the local motion to
 *     the first keyframe (a) and forward to the last one (b, through H);
 *     blend weights come from the time ((1 - t) against t) and from
 *     visibility: a pixel of the first keyframe without a consistent
 *     correspondence is occluded in the last one, so the last keyframe's
 *     sample is not trusted there, and vice versa;
 *  3. every output pixel interpolates its nodes and blends bilinear
 *     samples of both keyframes.
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

#define SPLAT_FLOOR   0.05f   /* weight of an unreliable flow sample */
#define TRUST_FLOOR   0.05f   /* weight of an unreliable keyframe sample */

struct _InbEngine
{
  InbParallel     *par;
  InbImage        *first;
  InbImage        *last;
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
  double           log_h[9];     /* log H, times global_conf */
  double           h_eff[9];     /* exp (log_h) */

  /* Splat sources: [0] first's pixels, [1] last's pixels, in stabilised
   * analysis coordinates: position at time t = p + t d. */
  float           *src_px[2];
  float           *src_py[2];
  float           *src_dx[2];
  float           *src_dy[2];
  float           *src_w[2];

  /* Per-frame buffers */
  GMutex           lock;
  float           *acc[2];       /* w dx, w dy, w: 3 planes each */
  InbPlane        *ft_u;         /* local motion at time t */
  InbPlane        *ft_v;
  guint            node;         /* node spacing in output pixels */
  guint            nw;
  guint            nh;
  float           *map;          /* per node: ax, ay, bx, by, w0 */
};

/* ------------------------------------------------------------------ */

static inline float
sample_plane (const InbPlane *p,
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

        job->err->data[k] = fabsf (sample_plane (job->lb, qx, qy) - job->la->data[k]);
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
        float bu = sample_plane (job->bu, qx, qy);
        float bv = sample_plane (job->bv, qx, qy);
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

static gboolean
compute_confidence (InbParallel    *par,
                    const InbPlane *la,
                    const InbPlane *lb,
                    const InbPlane *fu,
                    const InbPlane *fv,
                    const InbPlane *bu,
                    const InbPlane *bv,
                    InbPlane       *conf,
                    GCancellable   *cancellable)
{
  g_autoptr(InbPlane) err = inb_plane_new (la->width, la->height);
  g_autoptr(InbPlane) tmp = inb_plane_new (la->width, la->height);
  ConfJob job = { la, lb, fu, fv, bu, bv, err, tmp, conf };

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
  double           hinv[9];   /* analysis-grid H^-1 */
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
  const guint w = self->aw;

  for (guint y = start; y < end; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float qx = (float) x + job->fu->data[k];
        float qy = (float) y + job->fv->data[k];
        float px, py, zx, zy;

        if (job->set == 0)
          {
            /* first's pixel y moves to H^-1 (y + f) in stabilised terms */
            px = (float) x;
            py = (float) y;
            apply_h (job->hinv, qx, qy, &zx, &zy);
          }
        else
          {
            /* last's pixel w sits at H^-1 w, and came from w + b */
            px = qx;
            py = qy;
            apply_h (job->hinv, (float) x, (float) y, &zx, &zy);
          }
        self->src_px[job->set][k] = px;
        self->src_py[job->set][k] = py;
        self->src_dx[job->set][k] = job->gain * (zx - px);
        self->src_dy[job->set][k] = job->gain * (zy - py);
        self->src_w[job->set][k] = SPLAT_FLOOR + job->conf->data[k];
      }
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

typedef struct
{
  InbEngine *self;
  float      t;
  double     m_inv[9];   /* H_t^-1, full resolution */
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
  const gsize n = (gsize) self->aw * self->ah;
  const int w = (int) self->aw, h = (int) self->ah;
  const float t = job->t;

  for (guint set = start; set < end; set++)
    {
      float *au = self->acc[set];
      float *av = au + n;
      float *aw = av + n;
      const float *px = self->src_px[set], *py = self->src_py[set];
      const float *dx = self->src_dx[set], *dy = self->src_dy[set];
      const float *sw = self->src_w[set];

      memset (au, 0, 3 * n * sizeof (float));
      for (gsize k = 0; k < n; k++)
        {
          float x = px[k] + t * dx[k];
          float y = py[k] + t * dy[k];
          float fx, fy, wt = sw[k];
          int ix, iy;

          if (!(x > -1.f && y > -1.f && x < (float) w && y < (float) h))
            continue;
          ix = (int) floorf (x);
          iy = (int) floorf (y);
          fx = x - (float) ix;
          fy = y - (float) iy;
          for (int j = 0; j < 2; j++)
            {
              int yy = iy + j;
              float wy = j ? fy : 1.f - fy;

              if (yy < 0 || yy >= h)
                continue;
              for (int i = 0; i < 2; i++)
                {
                  int xx = ix + i;
                  float ww = wt * wy * (i ? fx : 1.f - fx);
                  gsize o = (gsize) yy * w + xx;

                  if (xx < 0 || xx >= w)
                    continue;
                  au[o] += ww * dx[k];
                  av[o] += ww * dy[k];
                  aw[o] += ww;
                }
            }
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
  const gsize n = (gsize) self->aw * self->ah;
  const float *a0 = self->acc[0], *a1 = self->acc[1];
  const float *prior_u = self->src_dx[0], *prior_v = self->src_dy[0];
  const float eps = 1e-3f;

  for (guint y = start; y < end; y++)
    {
      gsize row = (gsize) y * self->aw;

      for (gsize k = row; k < row + self->aw; k++)
        {
          float wsum = a0[2 * n + k] + a1[2 * n + k] + eps;

          self->ft_u->data[k] = (a0[k] + a1[k] + eps * prior_u[k]) / wsum;
          self->ft_v->data[k] = (a0[n + k] + a1[n + k] + eps * prior_v[k]) / wsum;
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
        float yx, yy, fu, fv, ax, ay, bx, by, c0, c1, w0, w1;

        apply_h (job->m_inv, (float) (i * self->node), (float) (j * self->node), &yx, &yy);
        fu = s * sample_plane (self->ft_u, (yx - off) / s, (yy - off) / s);
        fv = s * sample_plane (self->ft_v, (yx - off) / s, (yy - off) / s);
        ax = yx - t * fu;
        ay = yy - t * fv;
        apply_h (self->h_eff, yx + (1.f - t) * fu, yy + (1.f - t) * fv, &bx, &by);

        c0 = sample_plane (self->conf0, (ax - off) / s, (ay - off) / s);
        c1 = sample_plane (self->conf1, (bx - off) / s, (by - off) / s);
        c0 = g * c0 + (1.f - g);
        c1 = g * c1 + (1.f - g);
        w0 = (1.f - t) * ((TRUST_FLOOR + c1) * inside (ax, ay, fw, fh) + 1e-6f);
        w1 = t * ((TRUST_FLOOR + c0) * inside (bx, by, fw, fh) + 1e-6f);

        /* Positions in 1/256 pixels, weight in 1/1024 */
        m[0] = 256.f * ax;
        m[1] = 256.f * ay;
        m[2] = 256.f * bx;
        m[3] = 256.f * by;
        m[4] = 1024.f * w0 / (w0 + w1);
      }
}

/* Bilinear RGB sample at a position given in 1/256 pixels; the result is
 * scaled by 256. */
static inline void
sample_rgb (const guint8 *pix,
            gsize         stride,
            int           xmax,
            int           ymax,
            float         x,
            float         y,
            int           rgb[3])
{
  const guint8 *p00, *p01, *p10, *p11;
  int xi, yi, x0, y0, fx, fy, dx, dy;

  xi = (int) (x > 0.f ? (x < (float) xmax ? x : (float) xmax) : 0.f);
  yi = (int) (y > 0.f ? (y < (float) ymax ? y : (float) ymax) : 0.f);
  x0 = xi >> 8;
  y0 = yi >> 8;
  fx = xi & 255;
  fy = yi & 255;
  dx = fx ? 3 : 0;
  dy = fy ? (int) stride : 0;
  p00 = pix + (gsize) y0 * stride + (gsize) x0 * 3;
  p01 = p00 + dx;
  p10 = p00 + dy;
  p11 = p10 + dx;
  for (int c = 0; c < 3; c++)
    {
      int top = (p00[c] << 8) + (p01[c] - p00[c]) * fx;
      int bot = (p10[c] << 8) + (p11[c] - p10[c]) * fx;

      rgb[c] = ((top << 8) + (bot - top) * fy + 128) >> 8;
    }
}

#define SEGMENT 64

static void
pixel_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const int w = (int) self->width, h = (int) self->height;
  const int xmax = (w - 1) * 256, ymax = (h - 1) * 256;
  const guint8 *p0 = inb_image_get_data (self->first);
  const guint8 *p1 = inb_image_get_data (self->last);
  const gsize s0 = inb_image_get_stride (self->first);
  const gsize s1 = inb_image_get_stride (self->last);
  const guint node = self->node;
  const float inv_node = 1.f / (float) node;
  float col[(SEGMENT + 1) * 5];

  for (guint y = start; y < end; y++)
    {
      guint8 *dst = job->out + (gsize) y * job->out_stride;
      guint j = y / node;
      float fy = (float) (y - j * node) * inv_node;
      const float *r0 = self->map + (gsize) j * self->nw * 5;
      const float *r1 = r0 + (gsize) self->nw * 5;

      for (guint i0 = 0; i0 * node < (guint) w; i0 += SEGMENT)
        {
          guint ncol = MIN (SEGMENT + 1, self->nw - i0);
          guint x_end = MIN ((i0 + SEGMENT) * node, (guint) w);

          for (guint k = 0; k < ncol * 5; k++)
            {
              float a = r0[i0 * 5 + k];

              col[k] = a + (r1[i0 * 5 + k] - a) * fy;
            }

          for (guint i = i0, x = i0 * node; x < x_end; i++)
            {
              const float *c0 = col + (i - i0) * 5;
              float v[5], dv[5];

              for (int c = 0; c < 5; c++)
                {
                  v[c] = c0[c];
                  dv[c] = (c0[c + 5] - c0[c]) * inv_node;
                }
              for (guint k = 0; k < node && x < x_end; k++, x++)
                {
                  int a[3], b[3], wa;

                  sample_rgb (p0, s0, xmax, ymax, v[0], v[1], a);
                  sample_rgb (p1, s1, xmax, ymax, v[2], v[3], b);
                  wa = (int) (v[4] + 0.5f);
                  for (int c = 0; c < 3; c++)
                    dst[x * 3 + c] = (guint8) ((a[c] * wa + b[c] * (1024 - wa) + (1 << 17)) >> 18);
                  for (int c = 0; c < 5; c++)
                    v[c] += dv[c];
                }
            }
        }
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
  double m[9];

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
  for (guint i = 0; i < 9; i++)
    m[i] = t * self->log_h[i];
  inb_mat3_exp (m, m);
  if (!inb_mat3_invert (m, job.m_inv))
    {
      memset (job.m_inv, 0, sizeof job.m_inv);
      job.m_inv[0] = job.m_inv[4] = job.m_inv[8] = 1;
    }

  inb_parallel_for (self->par, 2, 1, splat_sets, &job, NULL);
  inb_parallel_for (self->par, self->ah, 0, normalise_rows, &job, NULL);
  inb_parallel_for (self->par, self->nh, 0, node_rows, &job, NULL);
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
  ProgressMap map = { progress, progress_data };
  double a[9], ai[9], t[9], ha[9], mean;
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

  an = inb_flow_analyse (self->par, first, last,
                         progress != NULL ? analysis_progress : NULL, &map,
                         cancellable, error);
  if (an == NULL)
    return NULL;

  self->aw = an->width;
  self->ah = an->height;
  self->scale = an->scale;
  self->offset = 0.5f * (float) (an->scale - 1);
  n = (gsize) self->aw * self->ah;

  self->conf0 = inb_plane_new (self->aw, self->ah);
  self->conf1 = inb_plane_new (self->aw, self->ah);
  if (!compute_confidence (self->par, an->luma0, an->luma1, an->fwd_u, an->fwd_v,
                           an->bwd_u, an->bwd_v, self->conf0, cancellable)
      || !compute_confidence (self->par, an->luma1, an->luma0, an->bwd_u, an->bwd_v,
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

  inb_mat3_log (an->homography, self->log_h);
  for (guint i = 0; i < 9; i++)
    self->log_h[i] *= self->global_conf;
  inb_mat3_exp (self->log_h, self->h_eff);

  /* The effective model on the analysis grid, for the sources */
  memset (a, 0, sizeof a);
  a[0] = a[4] = self->scale;
  a[2] = a[5] = self->offset;
  a[8] = 1;
  inb_mat3_invert (a, ai);
  inb_mat3_mul (self->h_eff, a, t);
  inb_mat3_mul (ai, t, ha);

  for (guint set = 0; set < 2; set++)
    {
      SourceJob job = { self, NULL, NULL, NULL, { 0 }, (float) self->global_conf, set };

      self->src_px[set] = g_new (float, n);
      self->src_py[set] = g_new (float, n);
      self->src_dx[set] = g_new (float, n);
      self->src_dy[set] = g_new (float, n);
      self->src_w[set] = g_new (float, n);
      self->acc[set] = g_new (float, 3 * n);
      job.fu = set == 0 ? an->fwd_u : an->bwd_u;
      job.fv = set == 0 ? an->fwd_v : an->bwd_v;
      job.conf = set == 0 ? self->conf0 : self->conf1;
      if (!inb_mat3_invert (ha, job.hinv))
        {
          memset (job.hinv, 0, sizeof job.hinv);
          job.hinv[0] = job.hinv[4] = job.hinv[8] = 1;
        }
      if (!inb_parallel_for (self->par, self->ah, 0, source_rows, &job, cancellable))
        {
          if (!g_cancellable_set_error_if_cancelled (cancellable, error))
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
          return NULL;
        }
    }

  self->ft_u = inb_plane_new (self->aw, self->ah);
  self->ft_v = inb_plane_new (self->aw, self->ah);
  self->node = MAX (2, 2 * self->scale);
  self->nw = (self->width - 1) / self->node + 2;
  self->nh = (self->height - 1) / self->node + 2;
  self->map = g_new0 (float, (gsize) self->nw * self->nh * 5);

  g_debug ("%ux%u, analysis %ux%u, inliers %.2f, confidence %.2f",
           self->width, self->height, self->aw, self->ah,
           an->inlier_fraction, self->global_conf);

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
      g_free (self->acc[set]);
    }
  g_free (self->map);
  g_mutex_clear (&self->lock);
  g_free (self);
}
