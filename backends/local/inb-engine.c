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
 *
 * This file analyses the pair and builds the engine; the parts live
 * beside it: inb-confidence.c, inb-engine-objects.c (step 4 at analysis
 * time), inb-engine-sources.c (what step 1 splats), inb-render.c (steps
 * 1–4 per frame). inb-engine-private.h declares what they share.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine-private.h"

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

static float
plane_max (const InbPlane *p)
{
  float m = -G_MAXFLOAT;

  for (gsize k = 0; k < (gsize) p->width * p->height; k++)
    m = MAX (m, p->data[k]);

  return m;
}

/* The share of @p above @above */
static double
plane_share (const InbPlane *p,
             float           above)
{
  gsize n = (gsize) p->width * p->height, m = 0;

  for (gsize k = 0; k < n; k++)
    m += p->data[k] > above;

  return (double) m / (double) n;
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

/* Sets @error: cancelled (the reason @cancellable gives, if any) */
static void
cancelled_error (GCancellable  *cancellable,
                 GError       **error)
{
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
}

/* Each keyframe's confidence (self->conf0, conf1) from the flows both
 * ways, against the local means @mean0, @mean1; FALSE if cancelled */
static gboolean
compute_confidence (InbEngine             *self,
                    const InbFlowAnalysis *an,
                    const InbPlane        *mean0,
                    const InbPlane        *mean1,
                    GCancellable          *cancellable)
{
  self->conf0 = inb_plane_new (self->aw, self->ah);
  self->conf1 = inb_plane_new (self->aw, self->ah);
  if (mean0 == NULL || mean1 == NULL
      || !inb_engine_compute_confidence (self->par, an->luma0, an->luma1, mean0, mean1, an->fwd_u, an->fwd_v,
                                         an->bwd_u, an->bwd_v, self->conf0, cancellable)
      || !inb_engine_compute_confidence (self->par, an->luma1, an->luma0, mean1, mean0, an->bwd_u, an->bwd_v,
                                         an->fwd_u, an->fwd_v, self->conf1, cancellable))
    return FALSE;

  return TRUE;
}

/* The global model (@homography, full resolution) on the analysis grid,
 * both ways, into @ha (the identity both ways if it cannot be inverted) */
static void
model_on_analysis_grid (const InbEngine *self,
                        const double     homography[9],
                        double           ha[2][9])
{
  double a[9], ai[9], t[9];

  memset (a, 0, sizeof a);
  a[0] = a[4] = self->scale;
  a[2] = a[5] = self->offset;
  a[8] = 1;
  inb_mat3_invert (a, ai);
  inb_mat3_mul (homography, a, t);
  inb_mat3_mul (ai, t, ha[0]);
  if (!inb_mat3_invert (ha[0], ha[1]))
    {
      memset (ha[0], 0, 2 * 9 * sizeof (double));
      ha[0][0] = ha[0][4] = ha[0][8] = ha[1][0] = ha[1][4] = ha[1][8] = 1;
    }
}

/* Where object @ob's pixel (@x, @y) of keyframe @s (analysis grid) goes
 * in the other keyframe, as a motion (@u, @v) */
static void
object_motion_at (const InbEngine    *self,
                  const EngineObject *ob,
                  const double        inv[6],
                  guint               s,
                  float               x,
                  float               y,
                  float              *u,
                  float              *v)
{
  const float sc = (float) self->scale, off = self->offset;
  float px, py;

  affine_apply (s == 0 ? ob->fwd : inv, sc * x + off, sc * y + off, &px, &py);
  *u = (px - off) / sc - x;
  *v = (py - off) / sc - y;
}

/* The engine's motion of each keyframe's analysis pixels (@eu, @ev: the
 * splat sources' motion, written by inb_engine_build_sources()), with
 * each object's own motion where its mask holds it; then, per keyframe,
 * where the smooth flow (@fu, @fv: from first, from last) explains the
 * pair clearly better (inb_engine_dense_choice()) into @dense. TRUE if
 * it does anywhere: there no object is drawn (its masks are cut) */
static gboolean
dense_regions (InbEngine             *self,
               const InbFlowAnalysis *an,
               const InbPlane        *mean[2],
               InbPlane              *eu[2],
               InbPlane              *ev[2],
               InbPlane              *fu[2],
               InbPlane              *fv[2],
               InbPlane              *dense[2])
{
  const gsize n = (gsize) self->aw * self->ah;
  gboolean any = FALSE;

  for (guint o = 0; o < self->n_objects; o++)
    {
      const EngineObject *ob = &self->objects[o];
      double inv[6], det = ob->fwd[0] * ob->fwd[4] - ob->fwd[1] * ob->fwd[3];

      if (ob->small || fabs (det) < 1e-6)
        continue;
      inv[0] = ob->fwd[4] / det;
      inv[1] = -ob->fwd[1] / det;
      inv[3] = -ob->fwd[3] / det;
      inv[4] = ob->fwd[0] / det;
      inv[2] = -(inv[0] * ob->fwd[2] + inv[1] * ob->fwd[5]);
      inv[5] = -(inv[3] * ob->fwd[2] + inv[4] * ob->fwd[5]);
      for (guint s = 0; s < 2; s++)
        for (gsize k = 0; k < n; k++)
          if (ob->mask[s]->data[k] > 0.1f)
            object_motion_at (self, ob, inv, s, (float) (k % self->aw), (float) (k / self->aw),
                              &eu[s]->data[k], &ev[s]->data[k]);
    }

  for (guint s = 0; s < 2; s++)
    {
      const InbPlane *masks[8];
      guint n_masks = 0;

      for (guint o = 0; o < self->n_objects && n_masks < G_N_ELEMENTS (masks); o++)
        if (!self->objects[o].small)
          masks[n_masks++] = self->objects[o].mask[s];
      dense[s] = inb_engine_dense_choice (self->par, s == 0 ? an->luma0 : an->luma1,
                                          s == 0 ? an->luma1 : an->luma0, mean[s], mean[1 - s], eu[s], ev[s],
                                          fu[s], fv[s], fu[1 - s], fv[1 - s], masks, n_masks);
      if (plane_max (dense[s]) > 0.02f)
        any = TRUE;
    }
  if (!any)
    return FALSE;
  g_debug ("the smooth flow takes over %.1f %% of first, %.1f %% of last",
           100.0 * plane_share (dense[0], DENSE_TAKE), 100.0 * plane_share (dense[1], DENSE_TAKE));

  for (guint s = 0; s < 2; s++)
    for (gsize k = 0; k < n; k++)
      if (dense[s]->data[k] > DENSE_TAKE)
        {
          for (guint o = 0; o < self->n_objects; o++)
            if (!self->objects[o].small)
              self->objects[o].mask[s]->data[k] = 0.f;
          if (self->omask[s] != NULL)
            self->omask[s]->data[k] = 0.f;
        }

  return TRUE;
}

/* The objects as layers of their own (when there are any and the pair
 * corresponds at all), then the splat sources of both keyframes, built
 * once more where the smooth flow explains the pair clearly better than
 * they do; FALSE if cancelled */
static gboolean
layers_and_sources (InbEngine             *self,
                    const InbFlowAnalysis *an,
                    const InbPlane        *mean[2],
                    double                 ha[2][9],
                    double                 reliability,
                    GCancellable          *cancellable)
{
  InbPlane *ofu[2] = { NULL, NULL }, *ofv[2] = { NULL, NULL }, *olayer[2] = { NULL, NULL };
  InbPlane *eu[2] = { NULL, NULL }, *ev[2] = { NULL, NULL }, *dense[2] = { NULL, NULL };
  InbPlane *fu[2] = { NULL, NULL }, *fv[2] = { NULL, NULL };
  gboolean ok = TRUE;

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
      inb_engine_object_layers (self, an, mean, (const double (*)[9]) ha, (float) reliability, ofu, ofv, olayer);
    }

  /* the smooth flows only where the engine's motion may be unsure:
   * objects, or regions it does not explain */
  if (self->global_conf > 0.0 && (an->n_objects > 0 || self->any_region))
    for (guint s = 0; s < 2; s++)
      {
        eu[s] = inb_plane_new (self->aw, self->ah);
        ev[s] = inb_plane_new (self->aw, self->ah);
      }
  for (guint set = 0; set < 2 && ok; set++)
    ok = inb_engine_build_sources (self, an, set, ha[set], reliability, ofu[set], ofv[set], olayer[set],
                                   NULL, NULL, NULL, eu[set], ev[set], cancellable);
  if (ok && eu[0] != NULL)
    {
      gint64 t0 = g_get_monotonic_time ();

      ok = inb_dis_smooth_flow (self->par, an->luma0, an->luma1, SMOOTH_BOTTOM, cancellable, &fu[0], &fv[0])
           && inb_dis_smooth_flow (self->par, an->luma1, an->luma0, SMOOTH_BOTTOM, cancellable, &fu[1], &fv[1]);
      g_debug ("smooth flows: %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
    }
  if (ok && fu[0] != NULL && dense_regions (self, an, mean, eu, ev, fu, fv, dense))
    for (guint set = 0; set < 2 && ok; set++)
      ok = inb_engine_build_sources (self, an, set, ha[set], reliability, ofu[set], ofv[set], olayer[set],
                                     dense[set], fu[set], fv[set], NULL, NULL, cancellable);

  for (guint s = 0; s < 2; s++)
    {
      g_clear_pointer (&ofu[s], inb_plane_free);
      g_clear_pointer (&ofv[s], inb_plane_free);
      g_clear_pointer (&olayer[s], inb_plane_free);
      g_clear_pointer (&eu[s], inb_plane_free);
      g_clear_pointer (&ev[s], inb_plane_free);
      g_clear_pointer (&dense[s], inb_plane_free);
      g_clear_pointer (&fu[s], inb_plane_free);
      g_clear_pointer (&fv[s], inb_plane_free);
    }

  return ok;
}

/* Both keyframes as float pixels, a row and a column of padding more
 * (self->pix0, pix1); FALSE if cancelled */
static gboolean
keyframes_to_pixels (InbEngine    *self,
                     InbImage     *first,
                     InbImage     *last,
                     GCancellable *cancellable)
{
  for (guint k = 0; k < 2; k++)
    {
      PixelJob job = { k == 0 ? first : last, NULL };

      job.dst = g_aligned_alloc ((gsize) (self->width + 1) * (self->height + 1), sizeof (InbPixel), 16);
      if (k == 0)
        self->pix0 = job.dst;
      else
        self->pix1 = job.dst;
      if (!inb_parallel_for (self->par, self->height + 1, 0, inb_engine_to_pixels_rows, &job, cancellable))
        return FALSE;
    }

  return TRUE;
}

/* Most luma change across an analysis pixel (two pixels apart, both
 * ways) of the pixels the exposure is fitted on */
#define SMOOTH_LEVELS 8.f

/* A keyframe's pixel whose channels are all in 4..250: not clipped */
static inline gboolean
unclipped (InbPixel p)
{
  return p[0] >= 4.f && p[1] >= 4.f && p[2] >= 4.f && p[0] <= 250.f && p[1] <= 250.f && p[2] <= 250.f;
}

/* The exposure change per channel, for drawing: last's channel c ~
 * gain[c] × first's + offset[c], fitted (least squares, then twice more
 * without the pixels it explains worst) on the pixels of first that are
 * confident, smooth, outside the objects, and whose match in last (the
 * forward flow) is inside the frame and clipped in neither keyframe. The
 * analysis's estimate is on luma, over all the pixels it aligns, so a
 * brighter keyframe's clipped highlights bend it (x1.53 was measured as
 * 1.18 x + 39). FALSE when too few pixels remain or the fit is
 * implausible. */
static gboolean
fit_exposure (const InbEngine       *self,
              const InbFlowAnalysis *an,
              InbPixel              *gain,
              InbPixel              *offset)
{
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  const gsize ps = self->pad_stride;
  const float *l0 = an->luma0->data;
  double tol[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };

  for (guint pass = 0; pass < 3; pass++)
    {
      double n[3] = { 0 }, sx[3] = { 0 }, sy[3] = { 0 }, sxx[3] = { 0 }, sxy[3] = { 0 }, syy[3] = { 0 };

      for (guint y = 1; y < self->ah; y += 2)
        for (guint x = 1; x < self->aw; x += 2)
          {
            gsize k = (gsize) y * self->aw + x;
            float ax = s * (float) x + off, ay = s * (float) y + off;
            float bx = ax + s * an->fwd_u->data[k], by = ay + s * an->fwd_v->data[k];
            InbPixel a, b;
            int ix, iy;

            if (self->conf0->data[k] < 0.8f || (self->omask[0] != NULL && self->omask[0]->data[k] > 0.f)
                || inside (bx, by, fw, fh) < 1.f || x + 1 >= self->aw || y + 1 >= self->ah)
              continue;
            /* only where first is smooth: an edge, sharper in one
             * keyframe than in the other (a zoom) or a little off,
             * pulls the gain toward 1 */
            if (fabsf (l0[k + 1] - l0[k - 1]) + fabsf (l0[k + self->aw] - l0[k - self->aw]) > SMOOTH_LEVELS)
              continue;
            ix = (int) ax;
            iy = (int) ay;
            a = bilinear (self->pix0 + (gsize) iy * ps + ix, ps, ax - (float) ix, ay - (float) iy);
            ix = (int) bx;
            iy = (int) by;
            b = bilinear (self->pix1 + (gsize) iy * ps + ix, ps, bx - (float) ix, by - (float) iy);
            if (!unclipped (a) || !unclipped (b))
              continue;
            for (guint c = 0; c < 3; c++)
              {
                double e = b[c] - (gain[0][c] * a[c] + offset[0][c]);

                /* (after the first pass, also the pixels of first that
                 * the fit takes out of range in last: leaving out only
                 * last's clipped ones would bias the gain down) */
                if (pass > 0 && (fabs (e) > tol[c] || gain[0][c] * a[c] + offset[0][c] > 250.f
                                 || gain[0][c] * a[c] + offset[0][c] < 4.f))
                  continue;
                n[c] += 1;
                sx[c] += a[c];
                sy[c] += b[c];
                sxx[c] += (double) a[c] * a[c];
                sxy[c] += (double) a[c] * b[c];
                syy[c] += (double) b[c] * b[c];
              }
          }

      for (guint c = 0; c < 3; c++)
        {
          double var, g, o;

          if (n[c] < 500)
            return FALSE;
          var = sxx[c] / n[c] - (sx[c] / n[c]) * (sx[c] / n[c]);
          /* (too little spread to tell a gain from an offset) */
          if (var < 100.0)
            return FALSE;
          g = (sxy[c] / n[c] - sx[c] / n[c] * sy[c] / n[c]) / var;
          o = sy[c] / n[c] - g * sx[c] / n[c];
          if (!(g > 0.3 && g < 3.0 && fabs (o) < 80.0))
            return FALSE;
          /* the next passes leave out what is off by more than 2.5 rms
           * of this one's residuals (at least 4 levels) */
          if (pass < 2)
            {
              double ss = syy[c] - 2 * g * sxy[c] - 2 * o * sy[c] + g * g * sxx[c] + 2 * g * o * sx[c]
                          + n[c] * o * o;

              tol[c] = MAX (4.0, 2.5 * sqrt (MAX (ss, 0.0) / n[c]));
            }
          gain[0][c] = (float) g;
          offset[0][c] = (float) o;
        }
    }

  return TRUE;
}

/* The exposure change to draw with (self->exp_gain, exp_offset,
 * exp_clipped): where the analysis found one, refitted per channel */
static void
drawing_exposure (InbEngine             *self,
                  const InbFlowAnalysis *an)
{
  const float g = (float) an->exposure_gain, o = (float) an->exposure_offset;
  InbPixel gain = { g, g, g, 1.f }, offset = { o, o, o, 0.f };

  self->exp_clipped = FALSE;
  if (self->global_conf > 0.0 && (fabsf (g - 1.f) > 1e-3f || fabsf (o) > 1e-2f))
    {
      InbPixel fg = { 1.f, 1.f, 1.f, 1.f }, fo = { 0.f, 0.f, 0.f, 0.f };

      /* (where it cannot be fitted, the analysis's as it is) */
      if (fit_exposure (self, an, &fg, &fo))
        {
          gain = fg;
          offset = fo;
          gain[3] = 1.f;
          offset[3] = 0.f;
          /* a brighter last keyframe's highlights are clipped: marked
           * in its pixels' fourth channel (see unclipped_weight()).
           * (Not the other way round: a brighter first's pixels at 255
           * drawn from last's instead cost 0.5 dB on a zoom where first
           * was the sharper, and they were white in the photograph.) */
          if (gain[0] + gain[1] + gain[2] > 3.15f)
            {
              gsize n = (gsize) self->pad_stride * (self->height + 1);

              self->exp_clipped = TRUE;
              for (gsize k = 0; k < n; k++)
                {
                  InbPixel q = self->pix1[k];

                  self->pix1[k][3] = MAX (MAX (q[0], q[1]), q[2]) >= 254.5f ? 1.f : 0.f;
                }
            }
          g_debug ("exposure to draw with: last = (%.3f %.3f %.3f) first + (%.1f %.1f %.1f)",
                   gain[0], gain[1], gain[2], offset[0], offset[1], offset[2]);
        }
    }
  self->exp_gain = gain;
  self->exp_offset = offset;
}

/* What rendering a frame needs: the flow at time t on the motion grid,
 * the node map and its rows, the rows falling back to a dissolve */
static void
render_buffers_new (InbEngine *self)
{
  self->ft_u = inb_plane_new (self->mw, self->mh);
  self->ft_v = inb_plane_new (self->mw, self->mh);
  self->node = CLAMP (2 * self->scale, 2, 32);
  self->nw = (self->width - 1) / self->node + 2;
  self->nh = (self->height - 1) / self->node + 2;
  self->map = g_new0 (float, (gsize) self->nw * self->nh * MAP_CHANNELS);
  self->wpad = (self->width + 3) / 4 * 4;
  self->hmap = g_aligned_alloc0 ((gsize) self->nh * MAP_CHANNELS * self->wpad, sizeof (float), 16);
  self->row_fb = g_new0 (guint8, self->nh);
  inb_engine_render_prepare (self);
}

/* Analysis, confidence, the global model on the analysis grid, object
 * layers, splat sources, float pixels, in that order (the steps' results
 * are fields of the engine, freed with it on every exit). */
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
  double ha[2][9], mean, reliability;

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

  mean0 = inb_engine_local_mean (self->par, an->luma0, cancellable);
  mean1 = inb_engine_local_mean (self->par, an->luma1, cancellable);
  if (!compute_confidence (self, an, mean0, mean1, cancellable))
    {
      cancelled_error (cancellable, error);
      return NULL;
    }

  /* How much of the pair corresponds at all: 0 gives a dissolve. */
  mean = 0.5 * (plane_mean (self->conf0) + plane_mean (self->conf1));
  mean = CLAMP ((mean - 0.12) / (0.35 - 0.12), 0.0, 1.0);
  self->global_conf = mean * mean * (3.0 - 2.0 * mean);

  model_on_analysis_grid (self, an->homography, ha);
  /* How far the motion explains each keyframe around each pixel: where
   * it does not, the renderer falls back to a dissolve */
  self->region[0] = inb_engine_explained (self->par, an->luma0, an->luma1, mean0, mean1, an->fwd_u, an->fwd_v,
                                           self->conf0);
  self->region[1] = inb_engine_explained (self->par, an->luma1, an->luma0, mean1, mean0, an->bwd_u, an->bwd_v,
                                           self->conf1);
  self->any_region = plane_max (self->region[0]) > EXPLAINED_LOW && plane_max (self->region[1]) > EXPLAINED_LOW;

  reliability = model_agreement (an, self->conf0, ha[0]);
  reliability = CLAMP ((reliability - 0.2) / 0.3, 0.0, 1.0);

  if (!layers_and_sources (self, an, (const InbPlane *[2]) { mean0, mean1 }, ha, reliability, cancellable)
      || !keyframes_to_pixels (self, first, last, cancellable))
    {
      cancelled_error (cancellable, error);
      return NULL;
    }

  for (guint o = 0; o < self->n_objects; o++)
    if (self->objects[o].small)
      inb_engine_paint_out (self, &self->objects[o]);
  inb_engine_paint_out_hidden (self);

  self->reliability = (float) reliability;
  memcpy (self->model, an->homography, sizeof self->model);
  drawing_exposure (self, an);
  self->luma[0] = g_steal_pointer (&an->luma0);
  self->luma[1] = g_steal_pointer (&an->luma1);
  render_buffers_new (self);

  g_debug ("%ux%u, analysis %ux%u, inliers %.2f, model reliability %.2f, confidence %.2f%s",
           self->width, self->height, self->aw, self->ah,
           an->inlier_fraction, reliability, self->global_conf,
           self->any_region ? ", regions to fall back in" : "");

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
  g_clear_pointer (&self->region[0], inb_plane_free);
  g_clear_pointer (&self->region[1], inb_plane_free);
  g_clear_pointer (&self->luma[0], inb_plane_free);
  g_clear_pointer (&self->luma[1], inb_plane_free);
  g_clear_pointer (&self->node_fixed, g_free);
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
      g_clear_pointer (&self->objects[o].live_map[0], g_free);
      g_clear_pointer (&self->objects[o].live_map[1], g_free);
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
  g_free (self->row_fb);

  g_aligned_free (self->pix0);
  g_aligned_free (self->pix1);
  g_mutex_clear (&self->lock);
  g_free (self);
}
