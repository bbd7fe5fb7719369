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
