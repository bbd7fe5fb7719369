/* inb-engine-sources.c — the splat sources
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per motion cell and keyframe, where its sample is at time t and with
 * what weight: the flow where it is confident, the global model or the
 * confident textured flow around it where it is not (see inb-engine.c).
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine-private.h"

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ */
/* Splat sources                                                       */

/* How textured @la is: its mean absolute gradient over 5 × 5, mapped to
 * 0 (flat: 1.5 levels a pixel or less) .. 1 (4 or more) */
void
inb_engine_texture_rows (guint    start,
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

void
inb_engine_source_rows (guint    start,
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
              float dn = job->dense != NULL ? job->dense->data[k] : 0.f;
              float wt;
              float gx, gy, mix, out, px, py, dx, dy, dev;

              /* Unreliable samples follow the global model or the
               * confident motion nearby, whichever matches better */
              /* (where the smooth flow takes over, no object is drawn) */
              if (dn > DENSE_TAKE)
                lay = 0.f;
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
              if (dn > 0.f)
                {
                  fu += dn * (job->du->data[k] - fu);
                  fv += dn * (job->dv->data[k] - fv);
                }
              if (job->eu != NULL)
                {
                  job->eu->data[k] = fu;
                  job->ev->data[k] = fv;
                }
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

/* The splat sources of keyframe @set (0: first, 1: last) from its flow
 * (@ofu, @ofv and its object layer @olayer instead where objects were
 * cut out) and the global model @model on the analysis grid. %FALSE when
 * @cancellable fired. */
gboolean
inb_engine_build_sources (InbEngine             *self,
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
                          GCancellable          *cancellable)
{
  gsize n = (gsize) self->mw * self->mh;
  SourceJob job = { self, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, { 0 }, dense,
                    du, dv, eu, ev,
                    (float) reliability, (float) self->global_conf, 0.f, 0.f, 0.f, set };
  g_autoptr(InbPlane) texture = NULL;
  TextureJob tjob = { NULL, NULL };
  g_autoptr(InbPlane) fill_u = NULL;
  g_autoptr(InbPlane) fill_v = NULL;

  /* (built once more where the smooth flow takes over: the same arrays) */
  if (self->src_px[set] == NULL)
    {
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
    }
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
      inb_parallel_for (self->par, self->ah, 0, inb_engine_texture_rows, &tjob, NULL);
      fill_u = inb_plane_new (self->aw, self->ah);
      fill_v = inb_plane_new (self->aw, self->ah);
      for (gsize k = 0; k < na; k++)
        {
          float c = CLAMP ((job.conf->data[k] - 0.5f) * 2.f, 0.f, 1.f);

          wt[k] = c * c * texture->data[k];
          wu[k] = wt[k] * job.fu->data[k];
          wv[k] = wt[k] * job.fv->data[k];
        }
      inb_engine_push_pull (wu, wv, wt, self->aw, self->ah, fill_u->data, fill_v->data);
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
  if (olayer != NULL)
    {
      job.fu = ofu;
      job.fv = ofv;
      job.layer = olayer;
    }
  memcpy (job.model, model, sizeof job.model);
  return inb_parallel_for (self->par, self->mh, 0, inb_engine_source_rows, &job, cancellable);
}
