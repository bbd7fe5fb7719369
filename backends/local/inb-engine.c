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
 * falls back to the global model or to the confident, textured flow
 * around it (push-pull), whichever matches better; without a reliable
 * global model (parallax: layers moving at different speeds), flat areas,
 * which match under any motion, take the motion around them too. In
 * between, every point moves on a straight line at constant speed,
 * x -> x + t f(x) (the convention of the benchmark's ground truth and of
 * every two-frame interpolator). Each frame:
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
 *     sample is not trusted there, and vice versa; without a reliable
 *     global model, where the two samples clearly disagree and one is
 *     doubtful, the blend leans to one side rather than showing both;
 *  3. node rows are interpolated along x, then every output pixel
 *     interpolates its two node rows and blends bilinear samples of both
 *     keyframes (float RGBx pixels, one SIMD register each);
 *  4. objects moving far (found both ways by the analysis) are layers of
 *     their own: at analysis time each gets an affine motion (fitted to
 *     its flow, refined photometrically) and a mask in both keyframes
 *     (pixels that match the other keyframe under its motion clearly
 *     better than under the background's, in both keyframes, closed);
 *     the steps above then see only the background, whose motion is
 *     filled in under the objects and where they uncover it, and take
 *     each background pixel from the keyframe where no object hides it;
 *     last, each object is drawn over it, per pixel, from both keyframes
 *     (at the rim of its mask, which is drawn a little wide, not where a
 *     keyframe's pixel is explained by the background's motion). Small
 *     objects (birds against the sky: blobs the analysis matched) are
 *     masked by their contrast to the smooth background around them,
 *     painted out of the keyframes (the background takes the mean
 *     around) and drawn from copies of the pixels they cover.
 *
 * When the pair has no correspondence at all (scene change) a global
 * confidence goes to zero and the frame becomes a plain dissolve.
 * Nothing is allocated per frame; all loops run on the engine's pool.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine.h"
#include "inb-flow.h"
#include "inb-parallel.h"

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
  /* Small objects (see #InbFlowObject): painted out of the keyframes'
   * pixels, which the background takes, and drawn from these copies of
   * the keyframes' pixels around them (stride pw + 1, ph + 1 rows) */
  gboolean  small;
  InbPixel *patch[2];
  int       px0[2];
  int       py0[2];
  int       pw[2];
  int       ph[2];
} EngineObject;

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
  float            reliability;  /* of the global model, 0..1 */
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
/* Objects moving far                                                  */

/* Fills the whole plane with the @w-weighted mean of (@u, @v) nearby:
 * push-pull on a 2× pyramid of weighted sums (Gortler et al. 1996), so
 * that a pixel without weight takes the closest weighted ones. */
static void
push_pull (const float *wu,
           const float *wv,
           const float *wt,
           guint        width,
           guint        height,
           float       *out_u,
           float       *out_v)
{
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) dims = g_array_new (FALSE, FALSE, sizeof (guint));
  float *s;
  guint lw = width, lh = height;

  /* level sums: 3 floats a pixel (w u, w v, w) */
  s = g_new (float, (gsize) lw * lh * 3);
  for (gsize k = 0; k < (gsize) lw * lh; k++)
    {
      s[3 * k] = wu[k];
      s[3 * k + 1] = wv[k];
      s[3 * k + 2] = wt[k];
    }
  g_ptr_array_add (levels, s);
  g_array_append_val (dims, lw);
  g_array_append_val (dims, lh);
  while (lw > 1 || lh > 1)
    {
      guint nw = (lw + 1) / 2, nh = (lh + 1) / 2;
      const float *f = s;

      s = g_new0 (float, (gsize) nw * nh * 3);
      for (guint y = 0; y < lh; y++)
        for (guint x = 0; x < lw; x++)
          for (guint c = 0; c < 3; c++)
            s[((gsize) (y / 2) * nw + x / 2) * 3 + c] += f[((gsize) y * lw + x) * 3 + c];
      g_ptr_array_add (levels, s);
      lw = nw;
      lh = nh;
      g_array_append_val (dims, lw);
      g_array_append_val (dims, lh);
    }

  /* the top becomes a value; every finer level takes its parent's value
   * where it has too little weight of its own */
  s[0] = s[2] > 1e-6f ? s[0] / s[2] : 0.f;
  s[1] = s[2] > 1e-6f ? s[1] / s[2] : 0.f;
  for (int l = (int) levels->len - 2; l >= 0; l--)
    {
      float *f = g_ptr_array_index (levels, l);
      const float *p = g_ptr_array_index (levels, l + 1);
      guint fw = g_array_index (dims, guint, 2 * l), fh = g_array_index (dims, guint, 2 * l + 1);
      guint pw = g_array_index (dims, guint, 2 * l + 2), ph = g_array_index (dims, guint, 2 * l + 3);

      for (guint y = 0; y < fh; y++)
        for (guint x = 0; x < fw; x++)
          {
            float *o = f + ((gsize) y * fw + x) * 3;
            /* bilinear from the parent level (centres at 2 xp + 0.5) */
            float px = CLAMP (0.5f * (float) x - 0.25f, 0.f, (float) (pw - 1));
            float py = CLAMP (0.5f * (float) y - 0.25f, 0.f, (float) (ph - 1));
            guint x0 = (guint) px, y0 = (guint) py;
            guint x1 = MIN (x0 + 1, pw - 1), y1 = MIN (y0 + 1, ph - 1);
            float fx = px - (float) x0, fy = py - (float) y0;
            float a = 1.f - MIN (o[2], 1.f);
            float pv[2];

            for (guint c = 0; c < 2; c++)
              pv[c] = (p[((gsize) y0 * pw + x0) * 3 + c] * (1.f - fx) + p[((gsize) y0 * pw + x1) * 3 + c] * fx) * (1.f - fy)
                      + (p[((gsize) y1 * pw + x0) * 3 + c] * (1.f - fx) + p[((gsize) y1 * pw + x1) * 3 + c] * fx) * fy;
            o[0] = (o[0] + a * pv[0]) / (o[2] + a + 1e-9f);
            o[1] = (o[1] + a * pv[1]) / (o[2] + a + 1e-9f);
          }
    }
  s = g_ptr_array_index (levels, 0);
  for (gsize k = 0; k < (gsize) width * height; k++)
    {
      out_u[k] = s[3 * k];
      out_v[k] = s[3 * k + 1];
    }
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

/* The object's affine motion first -> last, fitted (weighted least
 * squares, twice, the second time without the outliers of the first) to
 * the confident forward flow in its box that is near its translation;
 * the translation itself when that is too little or implausible. */
static void
object_affine (const InbFlowAnalysis *an,
               const InbPlane        *conf,
               const InbFlowObject   *ob,
               float                  tol,
               double                 m[6])
{
  const guint w = an->width;

  m[0] = 1;
  m[1] = 0;
  m[2] = ob->du;
  m[3] = 0;
  m[4] = 1;
  m[5] = ob->dv;
  for (guint pass = 0; pass < 2; pass++)
    {
      double ata[9] = { 0 }, atx[3] = { 0 }, aty[3] = { 0 }, sx[3], sy[3], det;
      double cx = 0.5 * (ob->x0 + ob->x1), cy = 0.5 * (ob->y0 + ob->y1);
      guint count = 0;

      for (int y = ob->y0; y <= ob->y1; y++)
        for (int x = ob->x0; x <= ob->x1; x++)
          {
            gsize k = (gsize) y * w + x;
            float fu = an->fwd_u->data[k], fv = an->fwd_v->data[k], px, py;
            double c = conf->data[k], r[3];

            affine_apply (m, (float) x, (float) y, &px, &py);
            if (c < 0.5 || hypotf (x + fu - px, y + fv - py) > (pass == 0 ? tol : 1.5f))
              continue;
            r[0] = x - cx;
            r[1] = y - cy;
            r[2] = 1;
            for (guint i = 0; i < 3; i++)
              {
                for (guint j = 0; j < 3; j++)
                  ata[i * 3 + j] += c * r[i] * r[j];
                atx[i] += c * r[i] * (x + fu);
                aty[i] += c * r[i] * (y + fv);
              }
            count++;
          }
      if (count < 24)
        return;
      memcpy (sx, atx, sizeof sx);
      memcpy (sy, aty, sizeof sy);
      det = ata[0] * (ata[4] * ata[8] - ata[5] * ata[7]) - ata[1] * (ata[3] * ata[8] - ata[5] * ata[6])
            + ata[2] * (ata[3] * ata[7] - ata[4] * ata[6]);
      if (fabs (det) < 1e-9)
        return;
      {
        /* Cramer's rule on the 3 × 3 normal equations */
        double res[2][3];

        for (guint e = 0; e < 2; e++)
          {
            const double *b = e == 0 ? sx : sy;

            for (guint i = 0; i < 3; i++)
              {
                double q[9];

                memcpy (q, ata, sizeof q);
                for (guint j = 0; j < 3; j++)
                  q[j * 3 + i] = b[j];
                res[e][i] = (q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6])
                             + q[2] * (q[3] * q[7] - q[4] * q[6])) / det;
              }
          }
        /* a plausible object: no more than 25 % scale change or shear */
        if (fabs (res[0][0] - 1) > 0.25 || fabs (res[1][1] - 1) > 0.25
            || fabs (res[0][1]) > 0.25 || fabs (res[1][0]) > 0.25)
          return;
        m[0] = res[0][0];
        m[1] = res[0][1];
        m[2] = res[0][2] - res[0][0] * cx - res[0][1] * cy;
        m[3] = res[1][0];
        m[4] = res[1][1];
        m[5] = res[1][2] - res[1][0] * cx - res[1][1] * cy;
      }
    }
}

/* Refines the object's affine motion @m photometrically (Gauss-Newton on
 * last(A x) = first(x), Huber weights) over the pixels of its box whose
 * flow follows @m: the flow inside a striped object has an aperture
 * problem, its outline and texture do not. */
static void
object_refine (const InbFlowAnalysis *an,
               int                    x0,
               int                    x1,
               int                    y0,
               int                    y1,
               float                  tol,
               double                 m[6])
{
  const InbPlane *la = an->luma0, *lb = an->luma1;
  const int w = (int) an->width;
  const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
  g_autofree guint8 *use = g_new0 (guint8, (gsize) (x1 - x0 + 1) * (y1 - y0 + 1));
  double q[6];
  guint count = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x;
        float px, py;

        affine_apply (m, (float) x, (float) y, &px, &py);
        if (hypotf (x + an->fwd_u->data[k] - px, y + an->fwd_v->data[k] - py) < tol)
          {
            use[(gsize) (y - y0) * (x1 - x0 + 1) + (x - x0)] = 1;
            count++;
          }
      }
  if (count < 64)
    return;

  /* in coordinates centred on the box: x' = q0 u + q1 v + q2 (u = x - cx) */
  q[0] = m[0];
  q[1] = m[1];
  q[2] = m[0] * cx + m[1] * cy + m[2];
  q[3] = m[3];
  q[4] = m[4];
  q[5] = m[3] * cx + m[4] * cy + m[5];
  for (guint it = 0; it < 12; it++)
    {
      double hm[36] = { 0 }, g[6] = { 0 };

      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          {
            double u = x - cx, v = y - cy, j[6], r, wt;
            float px, py, gx, gy;

            if (!use[(gsize) (y - y0) * (x1 - x0 + 1) + (x - x0)])
              continue;
            px = (float) (q[0] * u + q[1] * v + q[2]);
            py = (float) (q[3] * u + q[4] * v + q[5]);
            r = inb_plane_sample (lb, px, py) - la->data[(gsize) y * w + x];
            gx = 0.5f * (inb_plane_sample (lb, px + 1.f, py) - inb_plane_sample (lb, px - 1.f, py));
            gy = 0.5f * (inb_plane_sample (lb, px, py + 1.f) - inb_plane_sample (lb, px, py - 1.f));
            wt = fabs (r) < 10.0 ? 1.0 : 10.0 / fabs (r);
            j[0] = gx * u;
            j[1] = gx * v;
            j[2] = gx;
            j[3] = gy * u;
            j[4] = gy * v;
            j[5] = gy;
            for (guint a = 0; a < 6; a++)
              {
                for (guint b = 0; b < 6; b++)
                  hm[a * 6 + b] += wt * j[a] * j[b];
                g[a] -= wt * j[a] * r;
              }
          }
      for (guint a = 0; a < 6; a++)
        hm[a * 6 + a] *= 1.0 + 1e-6;
      if (!inb_linalg_solve (hm, g, 6, 1e-12))
        return;
      for (guint a = 0; a < 6; a++)
        q[a] += g[a];
      if (fabs (g[2]) + fabs (g[5]) < 0.01)
        break;
    }
  /* a plausible object motion, near where the flow found it */
  if (fabs (q[0] - 1) > 0.25 || fabs (q[4] - 1) > 0.25 || fabs (q[1]) > 0.25 || fabs (q[3]) > 0.25
      || fabs (q[2] - (m[0] * cx + m[1] * cy + m[2])) > tol
      || fabs (q[5] - (m[3] * cx + m[4] * cy + m[5])) > tol)
    return;
  m[0] = q[0];
  m[1] = q[1];
  m[2] = q[2] - q[0] * cx - q[1] * cy;
  m[3] = q[3];
  m[4] = q[4];
  m[5] = q[5] - q[3] * cx - q[4] * cy;
}

/* Separable max (@grow) or min filter of radius @r over a box of @m */
static void
morph_zone (float    *m,
            float    *tmp,
            int       w,
            int       x0,
            int       x1,
            int       y0,
            int       y1,
            int       r,
            gboolean  grow)
{
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        float v = m[(gsize) y * w + x];

        for (int i = MAX (x0, x - r); i <= MIN (x1, x + r); i++)
          v = grow ? MAX (v, m[(gsize) y * w + i]) : MIN (v, m[(gsize) y * w + i]);
        tmp[(gsize) y * w + x] = v;
      }
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        float v = tmp[(gsize) y * w + x];

        for (int j = MAX (y0, y - r); j <= MIN (y1, y + r); j++)
          v = grow ? MAX (v, tmp[(gsize) j * w + x]) : MIN (v, tmp[(gsize) j * w + x]);
        m[(gsize) y * w + x] = v;
      }
}

/* For each object (found both ways by the analysis), in each keyframe:
 * the pixels it covers (its mask: they match the other keyframe under the
 * object's motion clearly better than under the background's, and so do
 * the pixels they move to) are drawn by object_rows() and left out of the
 * flow projection (@layer 1, a negligible weight); the pixels around it
 * that are occluded in the other keyframe, or that the flow dragged along
 * with it, move with the background (@layer -1), filled in from the
 * confident background flow around or taken from the global model where
 * that is reliable. @fu, @fv (copies of the flows) and @layer are
 * written; self->objects[] gets the objects, self->omask[] where they
 * hide the background. */
static void
object_layers (InbEngine             *self,
               const InbFlowAnalysis *an,
               const double           model[2][9],
               float                  reliability,
               InbPlane              *fu[2],
               InbPlane              *fv[2],
               InbPlane              *layer[2])
{
  const int w = (int) an->width, h = (int) an->height;
  const gsize n = (gsize) w * h;
  g_autofree float *wu = g_new (float, n);
  g_autofree float *wv = g_new (float, n);
  g_autofree float *wt = g_new (float, n);
  g_autofree float *err = g_new (float, n);
  g_autofree float *mk = g_new (float, n);
  g_autofree float *mv = g_new (float, n);
  g_autofree float *planes = g_new (float, 6 * n);
  float *raw[2] = { planes, planes + n };
  float *bg[2][2] = { { planes + 2 * n, planes + 3 * n }, { planes + 4 * n, planes + 5 * n } };
  g_autofree float *tmp = g_new (float, n);

  for (guint s = 0; s < 2; s++)
    {
      self->omask[s] = inb_plane_new (an->width, an->height);
      memset (self->omask[s]->data, 0, n * sizeof (float));
      self->bgu[s] = inb_plane_new (an->width, an->height);
      memset (self->bgu[s]->data, 0, n * sizeof (float));
      self->bgv[s] = inb_plane_new (an->width, an->height);
      memset (self->bgv[s]->data, 0, n * sizeof (float));
      layer[s] = inb_plane_new (an->width, an->height);
      memset (layer[s]->data, 0, n * sizeof (float));
    }

  for (guint o = 0; o < an->n_objects; o++)
    {
      const InbFlowObject *ob = &an->objects[o];
      const float tol = MAX (2.f, 0.2f * hypotf (ob->du, ob->dv));
      /* gaps closed in the mask: up to an eighth of the object's size */
      const int rc = CLAMP (MAX (ob->x1 - ob->x0, ob->y1 - ob->y0) / 8, 4, 12);
      double m[2][6], det;
      int zone[2][4];

      for (guint s = 0; s < 2; s++)
        {
          self->objects[o].mask[s] = inb_plane_new (an->width, an->height);
          memset (self->objects[o].mask[s]->data, 0, n * sizeof (float));
        }
      self->n_objects = o + 1;
      object_affine (an, self->conf0, ob, tol, m[0]);
      object_refine (an, MAX (0, ob->x0 - (ob->x1 - ob->x0) / 4), MIN (w - 1, ob->x1 + (ob->x1 - ob->x0) / 4),
                     MAX (0, ob->y0 - (ob->y1 - ob->y0) / 4), MIN (h - 1, ob->y1 + (ob->y1 - ob->y0) / 4),
                     tol, m[0]);
      det = m[0][0] * m[0][4] - m[0][1] * m[0][3];
      m[1][0] = m[0][4] / det;
      m[1][1] = -m[0][1] / det;
      m[1][3] = -m[0][3] / det;
      m[1][4] = m[0][0] / det;
      m[1][2] = -(m[1][0] * m[0][2] + m[1][1] * m[0][5]);
      m[1][5] = -(m[1][3] * m[0][2] + m[1][4] * m[0][5]);
      g_debug ("object %u: [%.3f %.3f %.1f; %.3f %.3f %.1f] from [%d %d] x [%d %d]", o,
               m[0][0], m[0][1], m[0][2], m[0][3], m[0][4], m[0][5], ob->x0, ob->x1, ob->y0, ob->y1);

      /* the box, grown by half its size (it was found on a small level
       * from the clearest matches only) */
      {
        int mx = (ob->x1 - ob->x0) / 2 + 2, my = (ob->y1 - ob->y0) / 2 + 2;

        zone[0][0] = MAX (0, ob->x0 - mx);
        zone[0][1] = MIN (w - 1, ob->x1 + mx);
        zone[0][2] = MAX (0, ob->y0 - my);
        zone[0][3] = MIN (h - 1, ob->y1 + my);
      }
      {
        float xs[4], ys[4];

        for (guint c = 0; c < 4; c++)
          affine_apply (m[0], (float) zone[0][c & 1 ? 1 : 0], (float) zone[0][c & 2 ? 3 : 2],
                        &xs[c], &ys[c]);
        zone[1][0] = MAX (0, (int) floorf (MIN (MIN (xs[0], xs[1]), MIN (xs[2], xs[3]))));
        zone[1][1] = MIN (w - 1, (int) ceilf (MAX (MAX (xs[0], xs[1]), MAX (xs[2], xs[3]))));
        zone[1][2] = MAX (0, (int) floorf (MIN (MIN (ys[0], ys[1]), MIN (ys[2], ys[3]))));
        zone[1][3] = MIN (h - 1, (int) ceilf (MAX (MAX (ys[0], ys[1]), MAX (ys[2], ys[3]))));
      }
      /* In each keyframe, where the object is and where it is in the
       * other one (the background it uncovers) */
      zone[0][0] = zone[1][0] = MIN (zone[0][0], zone[1][0]);
      zone[0][1] = zone[1][1] = MAX (zone[0][1], zone[1][1]);
      zone[0][2] = zone[1][2] = MIN (zone[0][2], zone[1][2]);
      zone[0][3] = zone[1][3] = MAX (zone[0][3], zone[1][3]);

      /* Raw masks in both keyframes */
      for (guint s = 0; s < 2; s++)
        {
          const InbPlane *la = s == 0 ? an->luma0 : an->luma1;
          const InbPlane *lb = s == 0 ? an->luma1 : an->luma0;
          const InbPlane *conf = s == 0 ? self->conf0 : self->conf1;
          const int x0 = zone[s][0], x1 = zone[s][1], y0 = zone[s][2], y1 = zone[s][3];
          const int grow = MAX (x1 - x0, y1 - y0) / 2 + 8;
          const int rx0 = MAX (0, x0 - grow), rx1 = MIN (w - 1, x1 + grow);
          const int ry0 = MAX (0, y0 - grow), ry1 = MIN (h - 1, y1 + grow);
          const int rw = rx1 - rx0 + 1;
          float *rm = raw[s], *bgu = bg[s][0], *bgv = bg[s][1];

          memset (rm, 0, n * sizeof (float));
          if (x0 > x1 || y0 > y1)
            continue;

          /* The background's motion: the confident flow, less what moves
           * with the object and what is on the objects, filled in over
           * the zone from around it */
          for (int y = ry0; y <= ry1; y++)
            for (int x = rx0; x <= rx1; x++)
              {
                gsize k = (gsize) y * w + x, r = (gsize) (y - ry0) * rw + (x - rx0);
                /* (around a small object, over a smooth background
                 * where any flow matches: the flow as it is) */
                float c = conf->data[k] > 0.75f || ob->small ? (ob->small ? 1.f : conf->data[k])
                                                               * (1.f - self->omask[s]->data[k]) : 0.f;

                if (x >= x0 && x <= x1 && y >= y0 && y <= y1)
                  {
                    float px, py;

                    affine_apply (m[s], (float) x, (float) y, &px, &py);
                    if (hypotf (x + fu[s]->data[k] - px, y + fv[s]->data[k] - py) < tol)
                      c = 0.f;
                  }
                wt[r] = c;
                wu[r] = c * fu[s]->data[k];
                wv[r] = c * fv[s]->data[k];
              }
          push_pull (wu, wv, wt, (guint) rw, (guint) (ry1 - ry0 + 1), err, tmp);
          for (int y = ry0; y <= ry1; y++)
            for (int x = rx0; x <= rx1; x++)
              {
                gsize k = (gsize) y * w + x, r = (gsize) (y - ry0) * rw + (x - rx0);
                float gx, gy;

                bgu[k] = err[r];
                bgv[k] = tmp[r];
                /* where the global model explains the pair, it is the
                 * background */
                if (reliability > 0.f)
                  {
                    apply_h (model[s], (float) x, (float) y, &gx, &gy);
                    bgu[k] += reliability * (gx - (float) x - bgu[k]);
                    bgv[k] += reliability * (gy - (float) y - bgv[k]);
                  }
                self->bgu[s]->data[k] = bgu[k];
                self->bgv[s]->data[k] = bgv[k];
              }

          if (ob->small)
            {
              /* Small objects: what stands out from the local
               * background (the mean over 13 × 13), is not on an
               * object already drawn and is not where the background's
               * motion explains it */
              /* only in its box (where it moves to, in last): not
               * whatever else stands out nearby */
              const float bu = s == 0 ? 0.f : ob->du, bv = s == 0 ? 0.f : ob->dv;

              for (int y = MAX (y0, (int) floorf (ob->y0 + bv)); y <= MIN (y1, (int) ceilf (ob->y1 + bv)); y++)
                for (int x = MAX (x0, (int) floorf (ob->x0 + bu)); x <= MIN (x1, (int) ceilf (ob->x1 + bu)); x++)
                  {
                    gsize k = (gsize) y * w + x;
                    float acc = 0.f, eb;
                    guint cnt = 0;

                    for (int j = MAX (0, y - 6); j <= MIN (h - 1, y + 6); j++)
                      for (int i = MAX (0, x - 6); i <= MIN (w - 1, x + 6); i++)
                        {
                          acc += la->data[(gsize) j * w + i];
                          cnt++;
                        }
                    eb = fabsf (la->data[k] - inb_plane_sample (lb, x + bgu[k], y + bgv[k]));
                    rm[k] = CLAMP ((fabsf (la->data[k] - acc / cnt) - 6.f) / 8.f, 0.f, 1.f)
                            * CLAMP ((eb - 6.f) / 8.f, 0.f, 1.f) * (1.f - self->omask[s]->data[k]);
                  }
              continue;
            }
          /* Photometric evidence: object motion against background */
          for (int y = MAX (0, y0 - 1); y <= MIN (h - 1, y1 + 1); y++)
            for (int x = MAX (0, x0 - 1); x <= MIN (w - 1, x1 + 1); x++)
              {
                gsize k = (gsize) y * w + x;
                float px, py;

                affine_apply (m[s], (float) x, (float) y, &px, &py);
                err[k] = fabsf (la->data[k] - inb_plane_sample (lb, px, py));
                tmp[k] = fabsf (la->data[k] - inb_plane_sample (lb, x + bgu[k], y + bgv[k]));
              }
          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                float eo = 0.f, eb = 0.f;

                for (int j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
                  for (int i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++)
                    {
                      eo += err[(gsize) j * w + i];
                      eb += tmp[(gsize) j * w + i];
                    }
                eo /= 9.f;
                eb /= 9.f;
                rm[(gsize) y * w + x] = CLAMP ((eb - eo - 3.f) / 6.f, 0.f, 1.f)
                                        * CLAMP ((24.f - eo) / 8.f, 0.f, 1.f);
              }
        }

      for (guint s = 0; s < 2; s++)
        {
          const InbPlane *conf = s == 0 ? self->conf0 : self->conf1;
          const int x0 = zone[s][0], x1 = zone[s][1], y0 = zone[s][2], y1 = zone[s][3];
          const float *bgu = bg[s][0], *bgv = bg[s][1];
          InbPlane other = { an->width, an->height, raw[1 - s] };

          if (x0 > x1 || y0 > y1)
            continue;
          /* On the object in both keyframes: background that the object
           * uncovers also matches under its motion, but in one keyframe
           * only */
          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                float px, py;

                affine_apply (m[s], (float) x, (float) y, &px, &py);
                /* (a small object's shape may change: either one) */
                if (ob->small)
                  mk[(gsize) y * w + x] = MAX (raw[s][(gsize) y * w + x], inb_plane_sample (&other, px, py));
                else
                  mk[(gsize) y * w + x] = raw[s][(gsize) y * w + x] * inb_plane_sample (&other, px, py);
              }
          /* Closed: the object drawn (holes where object and background
           * look alike filled, mk), and more, the object that the
           * background must not show (thin parts such as ropes too, mv) */
          for (int y = y0; y <= y1; y++)
            memcpy (mv + (gsize) y * w + x0, mk + (gsize) y * w + x0,
                    (gsize) (x1 - x0 + 1) * sizeof (float));
          if (!ob->small)
            {
              morph_zone (mk, tmp, w, x0, x1, y0, y1, 4, TRUE);
              morph_zone (mk, tmp, w, x0, x1, y0, y1, 4, FALSE);
              morph_zone (mv, tmp, w, x0, x1, y0, y1, rc, TRUE);
              morph_zone (mv, tmp, w, x0, x1, y0, y1, rc, FALSE);
            }
          else
            {
              /* (its faint rim too: thin wing tips) */
              morph_zone (mk, tmp, w, x0, x1, y0, y1, 1, TRUE);
              morph_zone (mv, tmp, w, x0, x1, y0, y1, 3, TRUE);
            }

          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                gsize k = (gsize) y * w + x;
                float px, py;

                affine_apply (m[s], (float) x, (float) y, &px, &py);
                if (mk[k] > 0.5f)
                  {
                    /* drawn on its own (object_rows): here, what is
                     * behind it */
                    fu[s]->data[k] = bgu[k];
                    fv[s]->data[k] = bgv[k];
                    /* (a small object is painted out: background) */
                    layer[s]->data[k] = ob->small ? -1.f : 1.f;
                  }
                else if (layer[s]->data[k] < 0.5f && (!ob->small || mv[k] > 0.f)
                         && (conf->data[k] < 0.5f
                             || hypotf (x + fu[s]->data[k] - px, y + fv[s]->data[k] - py) < tol))
                  {
                    fu[s]->data[k] = bgu[k];
                    fv[s]->data[k] = bgv[k];
                    layer[s]->data[k] = -1.f;
                  }
              }
          {
            EngineObject *eo = &self->objects[o];

            eo->small = ob->small;
            /* drawn a pixel wider, with a steeper edge: its soft
             * edge, thin parts and small ones stay whole */
            for (int y = y0; y <= y1; y++)
              memcpy (tmp + (gsize) y * w + x0, mk + (gsize) y * w + x0,
                      (gsize) (x1 - x0 + 1) * sizeof (float));
            morph_zone (tmp, err, w, x0, x1, y0, y1, 1, TRUE);
            for (int y = y0; y <= y1; y++)
              for (int x = x0; x <= x1; x++)
                eo->mask[s]->data[(gsize) y * w + x] = MIN (1.f, 2.f * tmp[(gsize) y * w + x]);
            if (s == 0)
              {
                /* first -> last in full-resolution pixels */
                const double sc = self->scale, of = self->offset;
                int bx0 = x1, bx1 = x0, by0 = y1, by1 = y0;

                eo->fwd[0] = m[0][0];
                eo->fwd[1] = m[0][1];
                eo->fwd[2] = sc * m[0][2] + of - (m[0][0] + m[0][1]) * of;
                eo->fwd[3] = m[0][3];
                eo->fwd[4] = m[0][4];
                eo->fwd[5] = sc * m[0][5] + of - (m[0][3] + m[0][4]) * of;

                /* where it is drawn from, tightly */
                for (int y = y0; y <= y1; y++)
                  for (int x = x0; x <= x1; x++)
                    if (eo->mask[0]->data[(gsize) y * w + x] > 0.f)
                      {
                        bx0 = MIN (bx0, x);
                        bx1 = MAX (bx1, x);
                        by0 = MIN (by0, y);
                        by1 = MAX (by1, y);
                      }
                eo->x0 = (int) (sc * (bx0 - 1));
                eo->x1 = (int) (sc * (bx1 + 2));
                eo->y0 = (int) (sc * (by0 - 1));
                eo->y1 = (int) (sc * (by1 + 2));
              }
          }
          if (ob->small)
            continue;
          /* Seen from the other side, its soft edge too */
          morph_zone (mv, tmp, w, x0, x1, y0, y1, 2, TRUE);
          for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
              {
                gsize k = (gsize) y * w + x;

                self->omask[s]->data[k] = MAX (self->omask[s]->data[k], MIN (1.f, 3.f * mv[k]));
              }
        }
    }

  /* The object's pixels correspond (through its motion) */
  for (gsize k = 0; k < n; k++)
    {
      self->conf0->data[k] = MAX (self->conf0->data[k], self->omask[0]->data[k]);
      self->conf1->data[k] = MAX (self->conf1->data[k], self->omask[1]->data[k]);
    }
}

/* ------------------------------------------------------------------ */
/* Splat sources                                                       */

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

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* How textured @la is: its mean absolute gradient over 5 × 5, mapped to
 * 0 (flat: 1.5 levels a pixel or less) .. 1 (4 or more) */
static void
texture_rows (guint    start,
              guint    end,
              gpointer user_data)
{
  const TextureJob *job = user_data;
  const int w = (int) job->la->width, h = (int) job->la->height;

  for (guint y = start; y < end; y++)
    for (int x = 0; x < w; x++)
      {
        float g = 0.f;

        for (int j = -2; j <= 2; j++)
          for (int i = -2; i <= 2; i++)
            {
              int px = CLAMP (x + i, 1, w - 2);
              int py = CLAMP ((int) y + j, 1, h - 2);
              const float *r = job->la->data + (gsize) py * w + px;

              g += fabsf (r[1] - r[-1]) + fabsf (r[w] - r[-w]);
            }
        job->tex->data[(gsize) y * w + x] = CLAMP ((g / 50.f - 1.5f) / 2.5f, 0.f, 1.f);
      }
}

/* Mean absolute luma difference of a 3 × 3 patch at (@x, @y) in @la and
 * its image moved by (@u, @v) in @lb */
static float
patch_error (const InbPlane *la,
             const InbPlane *lb,
             guint           x,
             guint           y,
             float           u,
             float           v)
{
  const int w = (int) la->width, h = (int) la->height;
  float e = 0.f;

  for (int j = -1; j <= 1; j++)
    for (int i = -1; i <= 1; i++)
      {
        int px = CLAMP ((int) x + i, 0, w - 1), py = CLAMP ((int) y + j, 0, h - 1);

        e += fabsf (la->data[(gsize) py * w + px]
                    - inb_plane_sample (lb, (float) px + u, (float) py + v));
      }

  return e / 9.f;
}

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
        float spx = 0, spy = 0, sdx = 0, sdy = 0, sw = 0, pdx = 0, pdy = 0;

        for (guint dj = 0; dj < 2; dj++)
          for (guint di = 0; di < 2; di++)
            {
              guint x = MIN (2 * i + di, w - 1), y = MIN (2 * j + dj, h - 1);
              gsize k = (gsize) y * w + x;
              float fu = job->fu->data[k];
              float fv = job->fv->data[k];
              float c = job->conf->data[k];
              float lay = job->layer != NULL ? job->layer->data[k] : 0.f;
              float wt;
              float gx, gy, mix, out, px, py, dx, dy, dev;

              /* Unreliable samples follow the global model or the
               * confident motion nearby, whichever matches better */
              apply_h (job->model, (float) x, (float) y, &gx, &gy);
              /* a switch, not a blend: intermediate motions are wrong */
              mix = CLAMP ((0.3f - c) * 5.f, 0.f, 1.f);
              /* Nor can a match be trusted where the model leaves the frame */
              out = (1.f - inside (gx, gy, (float) w, (float) h)) * job->reliability;
              if (lay != 0.f)
                mix = out = 0.f;
              if (mix > 0.f && job->lu != NULL)
                {
                  float lu = job->lu->data[k], lv = job->lv->data[k];

                  /* the global model where it leaves the frame (what
                   * enters has no match) or matches as well, up to its
                   * reliability */
                  if (job->reliability <= 0.f
                      || (inside (gx, gy, (float) w, (float) h) >= 1.f
                          && patch_error (job->la, job->lb, x, y, lu, lv) + 4.f * job->reliability
                             < patch_error (job->la, job->lb, x, y, gx - (float) x, gy - (float) y)))
                    {
                      fu += mix * (lu - fu);
                      fv += mix * (lv - fv);
                      mix = 0.f;
                    }
                }
              else if (lay == 0.f && job->lu != NULL && job->reliability < 1.f
                       && job->tex->data[k] < 1.f)
                {
                  /* A flat area matches under any motion nearby: without
                   * a reliable global model to seed it, its flow is
                   * arbitrary; it takes the motion of the textured
                   * samples around it (the edges it lies between) */
                  float lu = job->lu->data[k], lv = job->lv->data[k];
                  float flat = (1.f - job->tex->data[k]) * (1.f - job->reliability);

                  if (patch_error (job->la, job->lb, x, y, lu, lv)
                      <= patch_error (job->la, job->lb, x, y, fu, fv) + 2.f)
                    {
                      fu += flat * (lu - fu);
                      fv += flat * (lv - fv);
                    }
                }
              mix = MAX (mix * job->reliability, out);
              fu += mix * (gx - (float) x - fu);
              fv += mix * (gy - (float) y - fv);
              /* Where motions meet, what moves away from the global
               * model (without a reliable one, from the far motion) is
               * in front (an object over its background): softmax
               * splatting on the distance to the model. */
              dev = hypotf (gx - (float) x - fu, gy - (float) y - fv);
              if (job->far_weight > 0.f)
                dev += job->far_weight * (hypotf (job->far_u - fu, job->far_v - fv) - dev);
              /* an object in front of everything, what it uncovers behind */
              if (lay > 0.5f)
                {
                  c = 0.f;
                  dev = 0.f;
                }
              else if (lay < -0.5f)
                {
                  c = 0.2f;
                  dev = 0.f;
                }
              wt = SPLAT_FLOOR + c * expf (CLAMP (dev - DEPTH_START, 0.f, DEPTH_RANGE) * DEPTH_GAIN
                                           * CLAMP ((c - 0.5f) * 2.5f, 0.f, 1.f));
              if (lay > 0.5f)
                wt = 1e-3f;
              fu *= job->gain;
              fv *= job->gain;
              pdx += wt * fu;
              pdy += wt * fv;

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
        if (job->set == 0)
          {
            self->prior_dx[m] = 0.5f * pdx / sw;
            self->prior_dy[m] = 0.5f * pdy / sw;
          }
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
  const float *prior_u = self->prior_dx, *prior_v = self->prior_dy;
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
  const float rel = self->reliability;

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < self->nw; i++)
      {
        float *m = self->map + ((gsize) j * self->nw + i) * 5;
        float yx, yy, mx, my, fu, fv, ax, ay, bx, by, c0, c1, w0, w1, r, d, k;

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
        if (self->omask[0] != NULL)
          {
            /* an object's pixel on one side, none on the other: the
             * object has left, the other side shows what it uncovered */
            float o0 = inb_plane_sample (self->omask[0], (ax - off) / s, (ay - off) / s);
            float o1 = inb_plane_sample (self->omask[1], (bx - off) / s, (by - off) / s);

            w0 *= 1.f - 0.98f * o0;
            w1 *= 1.f - 0.98f * o1;
          }

        /* Where the two samples disagree and one is doubtful, a blend
         * shows both (a doubled, smeared texture): lean to the side the
         * weights prefer instead. Only without a reliable global model
         * (below 0.5): with one, doubtful samples follow it and what
         * still disagrees is an occlusion, which the weights above
         * already handle. */
        r = w0 / (w0 + w1);
        k = CLAMP (1.f - 2.f * rel, 0.f, 1.f) * CLAMP ((0.6f - MIN (c0, c1)) * 2.5f, 0.f, 1.f)
            * inside (ax, ay, fw, fh) * inside (bx, by, fw, fh);
        if (k > 0.f)
          {
            d = fabsf (inb_plane_sample (self->luma[0], (ax - off) / s, (ay - off) / s)
                       - inb_plane_sample (self->luma[1], (bx - off) / s, (by - off) / s));
            k *= CLAMP ((d - 12.f) / 16.f, 0.f, 1.f);
            r = CLAMP (0.5f + (r - 0.5f) * (1.f + 8.f * k), 0.f, 1.f);
          }

        m[0] = ax;
        m[1] = ay;
        m[2] = bx;
        m[3] = by;
        m[4] = r;
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

/* The objects moving far, each drawn over the rest where it is at time t
 * (where first's pixel x is at x + t (A x - x)), from both keyframes as
 * far as its masks cover it there. */
typedef struct
{
  const FrameJob     *frame;
  const EngineObject *ob;
  double              back[6];   /* position at time t -> first */
  int                 x0;        /* where it is at time t */
  int                 x1;
  int                 y0;
} ObjectJob;

static inline InbPixel
sample_pixel (const InbPixel *p,
              gsize           ps,
              float           w,
              float           h,
              float           x,
              float           y)
{
  int ix, iy;

  x = CLAMP (x, 0.f, w - 1.f);
  y = CLAMP (y, 0.f, h - 1.f);
  ix = (int) x;
  iy = (int) y;

  return bilinear (p + (gsize) iy * ps + ix, ps, x - (float) ix, y - (float) iy);
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

/* 0 when @p, keyframe @side's pixel at full-resolution (@x, @y), has
 * the colour of the other keyframe (@other) where the background's
 * motion takes it; 1 when it clearly differs */
static inline float
background_test (InbPixel        p,
                 const InbPixel *other,
                 const InbEngine *self,
                 guint           side,
                 float           x,
                 float           y)
{
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  float qx = (x - off) / s, qy = (y - off) / s;
  float tx = x + s * inb_plane_sample (self->bgu[side], qx, qy);
  float ty = y + s * inb_plane_sample (self->bgv[side], qx, qy);
  InbPixel q, e;

  if (inside (tx, ty, fw, fh) < 1.f)
    return 1.f;
  q = sample_pixel (other, self->pad_stride, fw, fh, tx, ty);
  e = p - q;

  return CLAMP ((fabsf (e[0]) + fabsf (e[1]) + fabsf (e[2]) - 12.f) / 24.f, 0.f, 1.f);
}

static void
object_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const ObjectJob *job = user_data;
  InbEngine *self = job->frame->self;
  const EngineObject *ob = job->ob;
  const float t = job->frame->t;
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  const float g = (float) self->global_conf;

  for (guint j = start; j < end; j++)
    {
      int y = job->y0 + (int) j;
      guint8 *d = job->frame->out + (gsize) y * job->frame->out_stride;

      for (int x = job->x0; x <= job->x1; x++)
        {
          float ax, ay, bx, by, wa, wb;
          InbPixel o, pa, pb;

          affine_apply (job->back, (float) x, (float) y, &ax, &ay);
          affine_apply (ob->fwd, ax, ay, &bx, &by);
          /* (fading with the pair's correspondence, as the rest does) */
          wa = (1.f - t) * g * inb_plane_sample (ob->mask[0], (ax - off) / s, (ay - off) / s)
               * inside (ax, ay, fw, fh);
          wb = t * g * inb_plane_sample (ob->mask[1], (bx - off) / s, (by - off) / s)
               * inside (bx, by, fw, fh);
          if (wa + wb < 1.f / 512.f)
            continue;
          if (ob->small)
            {
              pa = sample_pixel (ob->patch[0], ob->pw[0] + 1, ob->pw[0], ob->ph[0],
                                 ax - ob->px0[0], ay - ob->py0[0]);
              pb = sample_pixel (ob->patch[1], ob->pw[1] + 1, ob->pw[1], ob->ph[1],
                                 bx - ob->px0[1], by - ob->py0[1]);
            }
          else
            {
              pa = sample_pixel (self->pix0, self->pad_stride, fw, fh, ax, ay);
              pb = sample_pixel (self->pix1, self->pad_stride, fw, fh, bx, by);
            }
          /* The mask is drawn a little wide: at its rim, a pixel that the
           * background's motion explains (the same colour where the
           * background went in the other keyframe, which the object has
           * left) is background, not carried along with the object */
          if (wa > 0.f && rim (ob->mask[0], (ax - off) / s, (ay - off) / s))
            wa *= background_test (pa, self->pix1, self, 0, ax, ay);
          if (wb > 0.f && rim (ob->mask[1], (bx - off) / s, (by - off) / s))
            wb *= background_test (pb, self->pix0, self, 1, bx, by);
          if (wa + wb < 1.f / 512.f)
            continue;
          o = (InbPixel) { d[3 * x], d[3 * x + 1], d[3 * x + 2], 0.f } * (1.f - wa - wb)
              + pa * wa + pb * wb + 0.5f;
          d[3 * x] = (guint8) CLAMP (o[0], 0.f, 255.f);
          d[3 * x + 1] = (guint8) CLAMP (o[1], 0.f, 255.f);
          d[3 * x + 2] = (guint8) CLAMP (o[2], 0.f, 255.f);
        }
    }
}

static void
draw_objects (InbEngine      *self,
              const FrameJob *frame)
{
  const double t = frame->t;

  for (guint o = 0; o < self->n_objects; o++)
    {
      const EngineObject *ob = &self->objects[o];
      ObjectJob job = { frame, ob, { 0 }, 0, 0, 0 };
      double b[6], det;
      float xs[4], ys[4];
      int y1;

      /* time t = (1 - t) I + t A */
      b[0] = 1 - t + t * ob->fwd[0];
      b[1] = t * ob->fwd[1];
      b[2] = t * ob->fwd[2];
      b[3] = t * ob->fwd[3];
      b[4] = 1 - t + t * ob->fwd[4];
      b[5] = t * ob->fwd[5];
      det = b[0] * b[4] - b[1] * b[3];
      if (fabs (det) < 1e-6)
        continue;
      job.back[0] = b[4] / det;
      job.back[1] = -b[1] / det;
      job.back[3] = -b[3] / det;
      job.back[4] = b[0] / det;
      job.back[2] = -(job.back[0] * b[2] + job.back[1] * b[5]);
      job.back[5] = -(job.back[3] * b[2] + job.back[4] * b[5]);
      for (guint c = 0; c < 4; c++)
        affine_apply (b, (float) (c & 1 ? ob->x1 : ob->x0), (float) (c & 2 ? ob->y1 : ob->y0),
                      &xs[c], &ys[c]);
      job.x0 = MAX (0, (int) floorf (MIN (MIN (xs[0], xs[1]), MIN (xs[2], xs[3]))));
      job.x1 = MIN ((int) self->width - 1, (int) ceilf (MAX (MAX (xs[0], xs[1]), MAX (xs[2], xs[3]))));
      job.y0 = MAX (0, (int) floorf (MIN (MIN (ys[0], ys[1]), MIN (ys[2], ys[3]))));
      y1 = MIN ((int) self->height - 1, (int) ceilf (MAX (MAX (ys[0], ys[1]), MAX (ys[2], ys[3]))));
      if (job.x0 > job.x1 || job.y0 > y1)
        continue;
      inb_parallel_for (self->par, (guint) (y1 - job.y0 + 1), 0, object_rows, &job, NULL);
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
  draw_objects (self, &job);

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

/* A small object in both keyframes: its pixels kept in @ob's patches,
 * then painted out of the keyframes' pixels (the mean of the pixels
 * around that it does not cover; the background is smooth there). */
static void
paint_out (InbEngine    *self,
           EngineObject *ob)
{
  const float s = (float) self->scale, off = self->offset;
  const int r = 2 * (int) self->scale + 3;

  for (guint side = 0; side < 2; side++)
    {
      const InbPlane *mask = ob->mask[side];
      InbPixel *pix = side == 0 ? self->pix0 : self->pix1;
      int bx0 = (int) mask->width, bx1 = -1, by0 = (int) mask->height, by1 = -1;
      int x0, x1, y0, y1, pw, ph;
      InbPixel *patch;

      for (int y = 0; y < (int) mask->height; y++)
        for (int x = 0; x < (int) mask->width; x++)
          if (mask->data[(gsize) y * mask->width + x] > 0.f)
            {
              bx0 = MIN (bx0, x);
              bx1 = MAX (bx1, x);
              by0 = MIN (by0, y);
              by1 = MAX (by1, y);
            }
      if (bx1 < 0)
        {
          bx0 = bx1 = by0 = by1 = 0;
        }
      x0 = CLAMP ((int) (s * (bx0 - 1)), 0, (int) self->width - 1);
      x1 = CLAMP ((int) (s * (bx1 + 2)), 0, (int) self->width - 1);
      y0 = CLAMP ((int) (s * (by0 - 1)), 0, (int) self->height - 1);
      y1 = CLAMP ((int) (s * (by1 + 2)), 0, (int) self->height - 1);
      pw = x1 - x0 + 1;
      ph = y1 - y0 + 1;
      patch = g_aligned_alloc ((gsize) (pw + 1) * (ph + 1), sizeof (InbPixel), 16);
      for (int y = 0; y <= ph; y++)
        for (int x = 0; x <= pw; x++)
          patch[(gsize) y * (pw + 1) + x] = pix[(gsize) MIN (y0 + y, y1) * self->pad_stride + MIN (x0 + x, x1)];
      ob->patch[side] = patch;
      ob->px0[side] = x0;
      ob->py0[side] = y0;
      ob->pw[side] = pw;
      ob->ph[side] = ph;
      if (bx1 < 0)
        continue;

      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          {
            float m = inb_plane_sample (mask, (x - off) / s, (y - off) / s), cnt = 0.f;
            InbPixel fill = { 0.f, 0.f, 0.f, 0.f };

            if (m <= 0.f)
              continue;
            /* (wider until some are found) */
            for (int rr = r; rr <= 4 * r && cnt == 0.f; rr *= 2)
              for (int j = MAX (0, y - rr); j <= MIN ((int) self->height - 1, y + rr); j++)
                for (int i = MAX (0, x - rr); i <= MIN ((int) self->width - 1, x + rr); i++)
                  if (inb_plane_sample (mask, (i - off) / s, (j - off) / s) <= 0.f)
                    {
                      InbPixel q = (i >= x0 && i <= x1 && j >= y0 && j <= y1)
                                   ? patch[(gsize) (j - y0) * (pw + 1) + (i - x0)]
                                   : pix[(gsize) j * self->pad_stride + i];

                      fill += q;
                      cnt += 1.f;
                    }
            if (cnt > 0.f)
              pix[(gsize) y * self->pad_stride + x] += m * (fill / cnt - pix[(gsize) y * self->pad_stride + x]);
          }
    }
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
  InbPlane *ofu[2] = { NULL, NULL }, *ofv[2] = { NULL, NULL }, *olayer[2] = { NULL, NULL };
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

  if (an->n_objects > 0 && self->global_conf > 0.0)
    {
      for (guint s = 0; s < 2; s++)
        {
          const InbPlane *su = s == 0 ? an->fwd_u : an->bwd_u;
          const InbPlane *sv = s == 0 ? an->fwd_v : an->bwd_v;

          ofu[s] = inb_plane_new (self->aw, self->ah);
          ofv[s] = inb_plane_new (self->aw, self->ah);
          memcpy (ofu[s]->data, su->data, (gsize) self->aw * self->ah * sizeof (float));
          memcpy (ofv[s]->data, sv->data, (gsize) self->aw * self->ah * sizeof (float));
        }
      object_layers (self, an, (const double (*)[9]) ha, (float) reliability, ofu, ofv, olayer);
    }

  for (guint set = 0; set < 2; set++)
    {
      SourceJob job = { self, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, { 0 }, (float) reliability,
                        (float) self->global_conf, 0.f, 0.f, 0.f, set };
      g_autoptr(InbPlane) texture = NULL;
      TextureJob tjob = { NULL, NULL };
      g_autoptr(InbPlane) fill_u = NULL;
      g_autoptr(InbPlane) fill_v = NULL;

      self->src_px[set] = g_new (float, n);
      self->src_py[set] = g_new (float, n);
      self->src_dx[set] = g_new (float, n);
      self->src_dy[set] = g_new (float, n);
      self->src_w[set] = g_new (float, n);
      if (set == 0)
        {
          self->prior_dx = g_new (float, n);
          self->prior_dy = g_new (float, n);
        }
      self->acc[set] = g_aligned_alloc (n, sizeof (InbPixel), 16);
      job.fu = set == 0 ? an->fwd_u : an->bwd_u;
      job.fv = set == 0 ? an->fwd_v : an->bwd_v;
      job.conf = set == 0 ? self->conf0 : self->conf1;
      job.la = set == 0 ? an->luma0 : an->luma1;
      job.lb = set == 0 ? an->luma1 : an->luma0;
      if (self->global_conf > 0.0)
        {
          /* the confident flow nearby, for the unreliable samples */
          gsize na = (gsize) self->aw * self->ah;
          g_autofree float *wu = g_new (float, na);
          g_autofree float *wv = g_new (float, na);
          g_autofree float *wt = g_new (float, na);

          texture = inb_plane_new (self->aw, self->ah);
          tjob.la = job.la;
          tjob.tex = texture;
          inb_parallel_for (self->par, self->ah, 0, texture_rows, &tjob, NULL);
          fill_u = inb_plane_new (self->aw, self->ah);
          fill_v = inb_plane_new (self->aw, self->ah);
          for (gsize k = 0; k < na; k++)
            {
              float c = CLAMP ((job.conf->data[k] - 0.5f) * 2.f, 0.f, 1.f);

              wt[k] = c * c * texture->data[k];
              wu[k] = wt[k] * job.fu->data[k];
              wv[k] = wt[k] * job.fv->data[k];
            }
          push_pull (wu, wv, wt, self->aw, self->ah, fill_u->data, fill_v->data);
          job.tex = texture;
          job.lu = fill_u;
          if (reliability < 0.5)
            {
              /* without a reliable global model, depth is told from the
               * motion most confident samples share (the far background:
               * in parallax, what moves further from it is nearer); a
               * model that is right in places (a zoom, which no single
               * motion describes) stays the better reference */
              g_autofree float *us = g_new (float, na);
              g_autofree float *vs = g_new (float, na);
              gsize m = 0;

              for (gsize k = 0; k < na; k += 3)
                if (job.conf->data[k] > 0.7f)
                  {
                    us[m] = job.fu->data[k];
                    vs[m] = job.fv->data[k];
                    m++;
                  }
              if (m > 0)
                {
                  qsort (us, m, sizeof (float), compare_float);
                  qsort (vs, m, sizeof (float), compare_float);
                  job.far_u = us[m / 2];
                  job.far_v = vs[m / 2];
                  job.far_weight = (float) (1.0 - 2.0 * reliability);
                }
            }
          job.lv = fill_v;
        }
      if (olayer[set] != NULL)
        {
          job.fu = ofu[set];
          job.fv = ofv[set];
          job.layer = olayer[set];
        }
      memcpy (job.model, ha[set], sizeof job.model);
      if (!inb_parallel_for (self->par, self->mh, 0, source_rows, &job, cancellable))
        {
          for (guint s = 0; s < 2; s++)
            {
              g_clear_pointer (&ofu[s], inb_plane_free);
              g_clear_pointer (&ofv[s], inb_plane_free);
              g_clear_pointer (&olayer[s], inb_plane_free);
            }
          if (!g_cancellable_set_error_if_cancelled (cancellable, error))
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
          return NULL;
        }
    }

  for (guint s = 0; s < 2; s++)
    {
      g_clear_pointer (&ofu[s], inb_plane_free);
      g_clear_pointer (&ofv[s], inb_plane_free);
      g_clear_pointer (&olayer[s], inb_plane_free);
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

  for (guint o = 0; o < self->n_objects; o++)
    if (self->objects[o].small)
      paint_out (self, &self->objects[o]);

  self->reliability = (float) reliability;
  self->luma[0] = g_steal_pointer (&an->luma0);
  self->luma[1] = g_steal_pointer (&an->luma1);
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
  g_clear_pointer (&self->luma[0], inb_plane_free);
  g_clear_pointer (&self->luma[1], inb_plane_free);
  g_clear_pointer (&self->omask[0], inb_plane_free);
  g_clear_pointer (&self->omask[1], inb_plane_free);
  for (guint s = 0; s < 2; s++)
    {
      g_clear_pointer (&self->bgu[s], inb_plane_free);
      g_clear_pointer (&self->bgv[s], inb_plane_free);
    }
  for (guint o = 0; o < self->n_objects; o++)
    {
      g_clear_pointer (&self->objects[o].mask[0], inb_plane_free);
      g_clear_pointer (&self->objects[o].mask[1], inb_plane_free);
      g_clear_pointer (&self->objects[o].patch[0], g_aligned_free);
      g_clear_pointer (&self->objects[o].patch[1], g_aligned_free);
    }
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
  g_free (self->prior_dx);
  g_free (self->prior_dy);
  g_free (self->map);
  g_aligned_free (self->hmap);
  g_aligned_free (self->pix0);
  g_aligned_free (self->pix1);
  g_mutex_clear (&self->lock);
  g_free (self);
}
