/* inb-confidence.c — how far each keyframe pixel can be trusted
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per analysis pixel of each keyframe: forward-backward consistency of
 * the flows and the photometric error of the warp (mean-normalised),
 * combined into a confidence in 0..1.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine-private.h"

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
  int             r;
} MeanJob;

#define MEAN_RADIUS 4

static void
mean_h_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const MeanJob *job = user_data;
  const int w = (int) job->src->width, r = job->r;

  for (guint y = start; y < end; y++)
    {
      const float *src = job->src->data + (gsize) y * w;
      float *dst = job->tmp->data + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          float acc = 0.f;

          for (int k = -r; k <= r; k++)
            acc += src[CLAMP (x + k, 0, w - 1)];
          dst[x] = acc / (2 * r + 1);
        }
    }
}

static void
mean_v_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const MeanJob *job = user_data;
  const int w = (int) job->src->width, h = (int) job->src->height, r = job->r;

  for (guint y = start; y < end; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.f;

        for (int k = -r; k <= r; k++)
          acc += job->tmp->data[(gsize) CLAMP ((int) y + k, 0, h - 1) * w + x];
        job->dst->data[(gsize) y * w + x] = acc / (2 * r + 1);
      }
}

/* A (2 @r + 1)² box mean of @src; NULL if cancelled */
static InbPlane *
box_mean (InbParallel    *par,
          const InbPlane *src,
          int             r,
          GCancellable   *cancellable)
{
  g_autoptr(InbPlane) tmp = inb_plane_new (src->width, src->height);
  g_autoptr(InbPlane) dst = inb_plane_new (src->width, src->height);
  MeanJob job = { src, tmp, dst, r };

  if (!inb_parallel_for (par, src->height, 0, mean_h_rows, &job, cancellable)
      || !inb_parallel_for (par, src->height, 0, mean_v_rows, &job, cancellable))
    return NULL;

  return g_steal_pointer (&dst);
}

/* A (2 MEAN_RADIUS + 1)² box mean of @src */
InbPlane *
inb_engine_local_mean (InbParallel    *par,
                       const InbPlane *src,
                       GCancellable   *cancellable)
{
  return box_mean (par, src, MEAN_RADIUS, cancellable);
}

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
                               GCancellable   *cancellable)
{
  g_autoptr(InbPlane) err = inb_plane_new (la->width, la->height);
  g_autoptr(InbPlane) tmp = inb_plane_new (la->width, la->height);
  ConfJob job = { la, lb, ma, mb, fu, fv, bu, bv, err, tmp, conf };

  return inb_parallel_for (par, la->height, 0, conf_error_rows, &job, cancellable)
      && inb_parallel_for (par, la->height, 0, conf_box_h_rows, &job, cancellable)
      && inb_parallel_for (par, la->height, 0, conf_final_rows, &job, cancellable);
}


typedef struct
{
  const InbPlane *la, *lb, *ma, *mb, *fu, *fv, *conf;
  InbPlane       *ew, *e0, *in, *cm, *tmp[4], *out;
  int             r;
} ExplainJob;

static void
explain_error_rows (guint    start,
                    guint    end,
                    gpointer user_data)
{
  const ExplainJob *job = user_data;
  const guint w = job->la->width, h = job->la->height;

  for (guint y = start; y < end; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float qx = (float) x + job->fu->data[k], qy = (float) y + job->fv->data[k];
        float a = job->la->data[k] - job->ma->data[k];
        float c = inside (qx, qy, (float) w, (float) h);

        job->in->data[k] = c;
        job->ew->data[k] = c * fabsf (inb_plane_sample (job->lb, qx, qy) - inb_plane_sample (job->mb, qx, qy) - a);
        job->e0->data[k] = c * fabsf (job->lb->data[k] - job->mb->data[k] - a);
        job->cm->data[k] = job->conf->data[k];
      }
}

/* Box means along rows (then, in box_v_rows, along columns) of the four
 * planes, radius job->r */
static void
box_h_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const ExplainJob *job = user_data;
  InbPlane *src[4] = { job->ew, job->e0, job->in, job->cm };
  const int w = (int) job->la->width, r = job->r;

  for (guint p = 0; p < 4; p++)
    for (guint y = start; y < end; y++)
      {
        const float *s = src[p]->data + (gsize) y * w;
        float *d = job->tmp[p]->data + (gsize) y * w;
        float acc = 0.f;

        for (int k = -r; k <= r; k++)
          acc += s[CLAMP (k, 0, w - 1)];
        for (int i = 0; i < w; i++)
          {
            d[i] = acc / (2 * r + 1);
            acc += s[MIN (i + r + 1, w - 1)] - s[MAX (i - r, 0)];
          }
      }
}

/* Rows at which the running sums of box_v_rows() start afresh: fixed,
 * so that the sums do not depend on how the rows are shared out */
#define BOX_ANCHOR 64

static void
box_v_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const ExplainJob *job = user_data;
  InbPlane *dst[4] = { job->ew, job->e0, job->in, job->cm };
  const int w = (int) job->la->width, h = (int) job->la->height, r = job->r;
  g_autofree float *acc = g_new (float, w);

  for (guint p = 0; p < 4; p++)
    {
      const float *src = job->tmp[p]->data;
      int y = (int) start / BOX_ANCHOR * BOX_ANCHOR;

      while (y < (int) end)
        {
          memset (acc, 0, (gsize) w * sizeof (float));
          for (int k = -r; k <= r; k++)
            {
              const float *s = src + (gsize) CLAMP (y + k, 0, h - 1) * w;

              for (int i = 0; i < w; i++)
                acc[i] += s[i];
            }
          for (int stop = MIN ((int) end, y + BOX_ANCHOR); y < stop; y++)
            {
              const float *add = src + (gsize) MIN (y + r + 1, h - 1) * w;
              const float *sub = src + (gsize) MAX (y - r, 0) * w;

              if (y >= (int) start)
                {
                  float *d = dst[p]->data + (gsize) y * w;

                  for (int i = 0; i < w; i++)
                    d[i] = acc[i] / (2 * r + 1);
                }
              for (int i = 0; i < w; i++)
                acc[i] += add[i] - sub[i];
            }
        }
    }
}

static void
explain_final_rows (guint    start,
                    guint    end,
                    gpointer user_data)
{
  const ExplainJob *job = user_data;
  const gsize w = job->la->width;

  for (gsize k = start * w; k < end * w; k++)
    {
      float c = MAX (job->in->data[k], 1e-3f);
      float ratio = (job->ew->data[k] / c) / (job->e0->data[k] / c + ERROR_FLOOR);
      float u = CLAMP ((ratio - 0.2f) / 0.2f, 0.f, 1.f);

      /* (pixels whose match is out of the frame count for neither) */
      job->out->data[k] = CLAMP (1.f - job->cm->data[k] / c, 0.f, 1.f) * u * u * (3.f - 2.f * u);
    }
}

/* How much better the estimated motion explains keyframe @la around
 * each of its pixels than no motion at all: the ratio of two box means
 * (about a twelfth of the frame wide) of photometric errors (local means
 * out, so an exposure change is no error), of @lb at x + f(x) (where that
 * is inside the frame) and of @lb at x. Near 0 where the motion is right
 * and the keyframes differ; near 1 or above where it explains nothing
 * that standing still does not (a new scene, a region that changed,
 * motion the flow could not follow): the renderer falls back to a
 * dissolve there. Where both errors are small (flat, or still) the
 * ratio stays low: ERROR_FLOOR luma levels are added below it.
 *
 * The flow fits noise too, so a ratio well below 1 can still be chance,
 * and a region of confident pixels is explained whatever the ratio: the
 * result, 0..1, is the share of pixels around that are not confident
 * (@conf: consistent both ways and matching; of those whose match is
 * inside the frame) where the ratio is over 0.4, none of it where it is
 * under 0.2. */
InbPlane *
inb_engine_explained (InbParallel    *par,
                      const InbPlane *la,
                      const InbPlane *lb,
                      const InbPlane *ma,
                      const InbPlane *mb,
                      const InbPlane *fu,
                      const InbPlane *fv,
                      const InbPlane *conf)
{
  const guint w = la->width, h = la->height;
  g_autoptr(InbPlane) ew = inb_plane_new (w, h);
  g_autoptr(InbPlane) e0 = inb_plane_new (w, h);
  g_autoptr(InbPlane) in = inb_plane_new (w, h);
  g_autoptr(InbPlane) cm = inb_plane_new (w, h);
  g_autoptr(InbPlane) t0 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t1 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t2 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t3 = inb_plane_new (w, h);
  InbPlane *out = inb_plane_new (w, h);
  ExplainJob job = { la, lb, ma, mb, fu, fv, conf, ew, e0, in, cm, { t0, t1, t2, t3 }, out,
                     MAX (2, (int) MAX (w, h) / 24) };

  /* Two box passes: close to a Gaussian of the same width */
  inb_parallel_for (par, h, 0, explain_error_rows, &job, NULL);
  for (guint pass = 0; pass < 2; pass++)
    {
      inb_parallel_for (par, h, 0, box_h_rows, &job, NULL);
      inb_parallel_for (par, h, 0, box_v_rows, &job, NULL);
    }
  inb_parallel_for (par, h, 0, explain_final_rows, &job, NULL);

  return out;
}

/* ------------------------------------------------------------------ */
/* The smooth flow where it explains the keyframes clearly better      */

typedef struct
{
  const InbPlane *la, *lb, *ma, *mb;
  const InbPlane *eu, *ev;   /* the engine's motion from la */
  const InbPlane *du, *dv;   /* the smooth flow from la, */
  const InbPlane *bu, *bv;   /* and back from lb */
  InbPlane       *ee, *ed, *in, *unused, *tmp[4], *out;
  int             r;
  InbPlane       *fb;       /* where the smooth flow is its own inverse */
} DenseJob;

static void
dense_error_rows (guint    start,
                  guint    end,
                  gpointer user_data)
{
  const DenseJob *job = user_data;
  const guint w = job->la->width, h = job->la->height;

  for (guint y = start; y < end; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float a = job->la->data[k] - job->ma->data[k];
        float ex = (float) x + job->eu->data[k], ey = (float) y + job->ev->data[k];
        float du = job->du->data[k], dv = job->dv->data[k];
        float dx = (float) x + du, dy = (float) y + dv;
        float fx = du + inb_plane_sample (job->bu, dx, dy), fy = dv + inb_plane_sample (job->bv, dx, dy);
        guint xl = x > 0 ? x - 1 : 0, xr = MIN (x + 1, w - 1), yu = y > 0 ? y - 1 : 0, yd = MIN (y + 1, h - 1);
        float gx = job->la->data[(gsize) y * w + xr] - job->la->data[(gsize) y * w + xl];
        float gy = job->la->data[(gsize) yd * w + x] - job->la->data[(gsize) yu * w + x];
        /* only where both motions stay in the frame and the smooth flow
         * is its own inverse (elsewhere it is an occlusion, or noise),
         * and weighted by texture: flat pixels match under any motion */
        float f = inside (ex, ey, (float) w, (float) h) * inside (dx, dy, (float) w, (float) h)
                  * CLAMP (DENSE_FB_OK + 1.f - sqrtf (fx * fx + fy * fy), 0.f, 1.f);
        float c = f * MIN (1.f, 0.5f * sqrtf (gx * gx + gy * gy) / DENSE_TEXTURE);

        job->fb->data[k] = f;

        job->in->data[k] = c;
        job->ee->data[k] = c * fabsf (inb_plane_sample (job->lb, ex, ey) - inb_plane_sample (job->mb, ex, ey) - a);
        job->ed->data[k] = c * fabsf (inb_plane_sample (job->lb, dx, dy) - inb_plane_sample (job->mb, dx, dy) - a);
      }
}

static void
dense_final_rows (guint    start,
                  guint    end,
                  gpointer user_data)
{
  const DenseJob *job = user_data;
  const gsize w = job->la->width;

  for (gsize k = start * w; k < end * w; k++)
    {
      float c = job->in->data[k];
      float ee, ed, u;

      if (c < DENSE_MIN_WEIGHT)
        {
          job->out->data[k] = 0.f;
          continue;
        }
      ee = job->ee->data[k] / c;
      ed = job->ed->data[k] / c;
      /* a clear margin, as a ratio and in luma levels */
      u = CLAMP ((ee / (ed + ERROR_FLOOR) - DENSE_RATIO_LOW) / (DENSE_RATIO_HIGH - DENSE_RATIO_LOW), 0.f, 1.f)
          * CLAMP ((ee - ed - DENSE_MARGIN) / DENSE_MARGIN, 0.f, 1.f);
      job->out->data[k] = u * u * (3.f - 2.f * u);
    }
}

/* The errors of dense_error_rows() summed over a region */
typedef struct
{
  double ee, ed, weight, consistent, area;
} DenseSums;

static inline void
dense_sums_add (const DenseJob *job,
                gsize           k,
                DenseSums      *sums)
{
  sums->ee += job->ee->data[k];
  sums->ed += job->ed->data[k];
  sums->weight += job->in->data[k];
  sums->consistent += job->fb->data[k];
  sums->area += 1.0;
}

/* Over a region of @n_pixels as a whole (@sums), whether the smooth
 * flow explains the keyframe clearly better than the engine's motion: a
 * region's flat inside has small errors under any motion, so the mean
 * errors are small, and a ratio of DENSE_OBJECT_RATIO (DENSE_OBJECT_FLOOR
 * added to the smooth flow's) and DENSE_OBJECT_MARGIN levels decide,
 * with DENSE_OBJECT_AREA of the frame and a mean weight of
 * DENSE_OBJECT_WEIGHT at least. Those errors are counted only where the
 * smooth flow is its own inverse and both motions stay in the frame,
 * but the region is drawn with it everywhere: that must hold over
 * @consistent of the region at least. A switch: a region is drawn with
 * one motion or the other. */
static gboolean
dense_takes (const DenseSums *sums,
             gsize            n_pixels,
             double           consistent,
             const char      *what,
             guint            id)
{
  double si = sums->weight, sm = sums->area;
  gboolean take;

  if (sm < DENSE_OBJECT_AREA * n_pixels || si < DENSE_OBJECT_WEIGHT * sm || si <= 0)
    {
      g_debug ("%s %u: too little evidence: %.0f pixels, weight %.3f, consistent %.3f", what, id, sm,
               si / MAX (sm, 1), sums->consistent / MAX (sm, 1));
      return FALSE;
    }
  take = (float) ((sums->ee / si) / (sums->ed / si + DENSE_OBJECT_FLOOR)) >= DENSE_OBJECT_RATIO
         && (sums->ee - sums->ed) / si >= DENSE_OBJECT_MARGIN && sums->consistent >= consistent * sm;
  g_debug ("%s %u: the engine's error %.2f, the smooth flow's %.2f over %.0f pixels (weight %.2f, "
           "consistent %.2f): %s", what, id, sums->ee / si, sums->ed / si, sm, si / sm, sums->consistent / sm,
           take ? "taken" : "not taken");
  return take;
}

/* Where no object was found (outside all of @masks) but the smooth flow
 * moves the keyframe's pixels differently from the engine (by more than
 * DENSE_DIFFER analysis pixels, over a few pixels around): each
 * connected region of that, as a whole (dense_takes()), like an
 * object's mask: an object the analysis did not find, whose flat inside
 * matches under any motion. The regions taken, feathered outwards (where
 * both motions agree), or NULL if none is */
static InbPlane *
dense_free_regions (InbParallel           *par,
                    const DenseJob        *job,
                    const InbPlane *const *masks,
                    guint                  n_masks)
{
  const guint w = job->la->width, h = job->la->height;
  const gsize n = (gsize) w * h;
  g_autoptr(InbPlane) differ = inb_plane_new (w, h);
  g_autoptr(InbPlane) region = NULL;
  g_autoptr(InbPlane) taken = inb_plane_new (w, h);
  g_autofree int *label = g_new (int, n);
  g_autofree gsize *member = g_new (gsize, n);
  gboolean any = FALSE;
  int n_labels = 0;

  for (gsize k = 0; k < n; k++)
    {
      float d = hypotf (job->du->data[k] - job->eu->data[k], job->dv->data[k] - job->ev->data[k]);
      gboolean outside = TRUE;

      for (guint o = 0; o < n_masks; o++)
        if (masks[o]->data[k] > 0.1f)
          outside = FALSE;
      differ->data[k] = outside && d > DENSE_DIFFER ? 1.f : 0.f;
    }
  region = box_mean (par, differ, DENSE_DIFFER_RADIUS, NULL);
  for (gsize k = 0; k < n; k++)
    label[k] = region->data[k] > 0.5f ? 0 : -1;
  memset (taken->data, 0, n * sizeof (float));

  /* connected regions (4-neighbours), each decided as a whole; member[]
   * holds a region's pixels, those still to visit at its end */
  for (gsize k0 = 0; k0 < n; k0++)
    {
      DenseSums sums = { 0 };
      gsize m = 0, todo = 0;

      if (label[k0] != 0)
        continue;
      label[k0] = ++n_labels;
      member[todo++] = k0;
      while (m < todo)
        {
          gsize k = member[m++], x = k % w, y = k / w;
          gsize nb[4] = { x > 0 ? k - 1 : k, x + 1 < w ? k + 1 : k, y > 0 ? k - w : k, y + 1 < h ? k + w : k };

          dense_sums_add (job, k, &sums);
          for (guint i = 0; i < 4; i++)
            if (label[nb[i]] == 0)
              {
                label[nb[i]] = n_labels;
                member[todo++] = nb[i];
              }
        }
      if (m < DENSE_OBJECT_AREA * n || !dense_takes (&sums, n, 0.0, "region", (guint) n_labels))
        continue;
      /* (drawn only where both motions stay in the frame: what
       * enters or leaves it gives no evidence for either) */
      for (gsize i = 0; i < m; i++)
        {
          gsize k = member[i];
          float x = (float) (k % w), y = (float) (k / w);

          if (inside (x + job->du->data[k], y + job->dv->data[k], (float) w, (float) h) >= 1.f
              && inside (x + job->eu->data[k], y + job->ev->data[k], (float) w, (float) h) >= 1.f)
            taken->data[k] = 1.f;
        }
      any = TRUE;
    }
  if (!any)
    return NULL;

  /* feathered outwards: where both motions agree, either will do */
  g_clear_pointer (&region, inb_plane_free);
  region = box_mean (par, taken, DENSE_DIFFER_RADIUS, NULL);
  for (gsize k = 0; k < n; k++)
    taken->data[k] = MAX (taken->data[k], CLAMP (2.f * region->data[k], 0.f, 1.f));

  return g_steal_pointer (&taken);
}

/* Around each pixel of keyframe @la, how much better the smooth flow
 * (@du, @dv; @bu, @bv the other way) explains it than the engine's
 * motion (@eu, @ev): box means (a few percent of the frame wide, two
 * passes) of the photometric errors of both warps into @lb (local means
 * out), counted only where both motions stay inside the frame and the
 * smooth flow is its own inverse (elsewhere is an occlusion, where no
 * motion is right), and weighted by texture. 0 where the engine's
 * motion does as well or the difference is within noise, 1 where the
 * smooth flow's error is clearly smaller (by a ratio and by a margin in
 * luma levels), smooth in between. Over each of @masks (the objects'
 * masks in @la) as a whole, the same comparison decides for all of it:
 * an object's flat inside matches under any motion, its edges do not.
 * There the engine's motion is the object's, already found to explain
 * its masks (object_trust_ratio()): the smooth flow must also be its
 * own inverse over DENSE_OBJECT_CONSISTENT of the mask to take it over,
 * or a few consistent pixels (the background's at the mask's edge, say)
 * would decide for an inside it describes no better than noise. */
InbPlane *
inb_engine_dense_choice (InbParallel    *par,
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
                         guint           n_masks)
{
  const guint w = la->width, h = la->height;
  const gsize n = (gsize) w * h;
  float take[8] = { 0 };
  g_autoptr(InbPlane) ee = inb_plane_new (w, h);
  g_autoptr(InbPlane) ed = inb_plane_new (w, h);
  g_autoptr(InbPlane) in = inb_plane_new (w, h);
  g_autoptr(InbPlane) unused = inb_plane_new (w, h);
  g_autoptr(InbPlane) t0 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t1 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t2 = inb_plane_new (w, h);
  g_autoptr(InbPlane) t3 = inb_plane_new (w, h);
  InbPlane *out = inb_plane_new (w, h);
  g_autoptr(InbPlane) fb = inb_plane_new (w, h);
  g_autoptr(InbPlane) free_taken = NULL;
  DenseJob job = { la, lb, ma, mb, eu, ev, du, dv, bu, bv, ee, ed, in, unused, { t0, t1, t2, t3 }, out,
                   MAX (2, (int) MAX (w, h) / DENSE_REGION), fb };
  /* the box passes of inb_engine_explained() on these planes */
  ExplainJob box = { la, NULL, NULL, NULL, NULL, NULL, NULL, ee, ed, in, unused, { t0, t1, t2, t3 }, out, job.r };

  memset (unused->data, 0, (gsize) w * h * sizeof (float));
  inb_parallel_for (par, h, 0, dense_error_rows, &job, NULL);
  /* over each object's mask as a whole: its edges decide for its flat
   * inside, where any motion matches */
  for (guint o = 0; o < MIN (n_masks, G_N_ELEMENTS (take)); o++)
    {
      DenseSums sums = { 0 };

      for (gsize k = 0; k < n; k++)
        if (masks[o]->data[k] >= 0.5f)
          dense_sums_add (&job, k, &sums);
      take[o] = dense_takes (&sums, n, DENSE_OBJECT_CONSISTENT, "object", o) ? 1.f : 0.f;
    }
  free_taken = dense_free_regions (par, &job, masks, n_masks);
  for (guint pass = 0; pass < 2; pass++)
    {
      inb_parallel_for (par, h, 0, box_h_rows, &box, NULL);
      inb_parallel_for (par, h, 0, box_v_rows, &box, NULL);
    }
  inb_parallel_for (par, h, 0, dense_final_rows, &job, NULL);
  for (guint o = 0; o < MIN (n_masks, G_N_ELEMENTS (take)); o++)
    if (take[o] > 0.f)
      for (gsize k = 0; k < n; k++)
        out->data[k] = MAX (out->data[k], take[o] * CLAMP (2.f * masks[o]->data[k], 0.f, 1.f));
  if (free_taken != NULL)
    for (gsize k = 0; k < n; k++)
      out->data[k] = MAX (out->data[k], free_taken->data[k]);
  return out;
}

/* ------------------------------------------------------------------ */
/* How well an object's motion explains its pixels                     */

/* The median of the errors counted in @hist (MEDIAN_BINS bins of
 * 1/MEDIAN_STEP luma level, the last one all above), @n of them */
#define MEDIAN_STEP 8.f
#define MEDIAN_BINS 1024

static double
hist_median (const guint *hist,
             double       n)
{
  double below = 0;

  for (guint b = 0; b < MEDIAN_BINS; b++)
    {
      if (below + hist[b] >= 0.5 * n)
        return (b + 0.5) / MEDIAN_STEP;
      below += hist[b];
    }

  return MEDIAN_BINS / MEDIAN_STEP;
}

/**
 * inb_engine_motion_errors:
 *
 * Over the pixels of keyframe @la (analysis grid) in @box (columns
 * box[0] to box[1], rows box[2] to box[3]) where @mask is above 0.5 and
 * the affine motion @m takes them inside the frame, how well @lb where
 * @m takes each pixel explains it (@e[0], @e[2]), and how well @lb at
 * the pixel itself does (@e[1], @e[3]: the dissolve's hypothesis, that
 * nothing moved). Twice: in levels, @la's luma taken to @lb's exposure
 * first (@gain × luma + @offset), the mean error (@e[0], @e[1]): a flat
 * object over a flat background of another colour is told from it; and
 * in detail, local means out (@ma, @mb) as inb_engine_compute_confidence()
 * does, the median error (@e[2], @e[3]): a few pixels of something else
 * in the mask do not count. Returns how many pixels were counted (0:
 * the errors are 0).
 */
double
inb_engine_motion_errors (const InbPlane *la,
                          const InbPlane *lb,
                          const InbPlane *ma,
                          const InbPlane *mb,
                          float           gain,
                          float           offset,
                          const float    *mask,
                          const int       box[4],
                          const double    m[6],
                          double          e[4])
{
  const guint w = la->width, h = la->height;
  g_autofree guint *hist = g_new0 (guint, 2 * MEDIAN_BINS);
  double n = 0, em = 0, e0 = 0;

  for (guint y = (guint) MAX (box[2], 0); y <= (guint) MIN (box[3], (int) h - 1); y++)
    for (guint x = (guint) MAX (box[0], 0); x <= (guint) MIN (box[1], (int) w - 1); x++)
      {
        gsize k = (gsize) y * w + x;
        float qx, qy, a, b, d;

        if (mask[k] <= 0.5f)
          continue;
        affine_apply (m, (float) x, (float) y, &qx, &qy);
        if (inside (qx, qy, (float) w, (float) h) < 1.f)
          continue;
        a = gain * la->data[k] + offset;
        b = inb_plane_sample (lb, qx, qy);
        em += fabsf (b - a);
        e0 += fabsf (lb->data[k] - a);
        a = la->data[k] - ma->data[k];
        d = fabsf (b - inb_plane_sample (mb, qx, qy) - a);
        hist[MIN ((guint) (d * MEDIAN_STEP), MEDIAN_BINS - 1)]++;
        d = fabsf (lb->data[k] - mb->data[k] - a);
        hist[MEDIAN_BINS + MIN ((guint) (d * MEDIAN_STEP), MEDIAN_BINS - 1)]++;
        n++;
      }
  if (n == 0)
    {
      e[0] = e[1] = e[2] = e[3] = 0.0;
      return 0;
    }
  e[0] = em / n;
  e[1] = e0 / n;
  e[2] = hist_median (hist, n);
  e[3] = hist_median (hist + MEDIAN_BINS, n);

  return n;
}
