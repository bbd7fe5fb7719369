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
InbPlane *
inb_engine_local_mean (InbParallel    *par,
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
