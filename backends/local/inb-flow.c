/* inb-flow.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The analysis of a keyframe pair, all on float luma:
 *
 *  1. luma on an analysis grid (box-downsampled by a power of two: pairs
 *     over 300k pixels at half resolution or less, at most ~600k analysis
 *     pixels) and a 2× pyramid down to ~16 pixels;
 *  2. a seed for the global motion: an exhaustive translation search
 *     (normalised cross-correlation) on a ~64 pixel wide level, then a
 *     multi-start (scales, rolls, that shift) hierarchical affine
 *     Lucas-Kanade alignment on the coarse levels;
 *  3. a coarse-to-fine patch flow from the top of the pyramid (from zero
 *     and from the seed, the better kept), and a robust (IRLS) affine then
 *     homography fit to it: the global model;
 *  4. a second motion layer for an object moving far (an affine fitted to
 *     what the global model leaves out of the coarse flow, or of an
 *     exhaustive block matching on a small level); when the model
 *     explains less than half the flow and the layer explains the band
 *     along the frame's edges clearly better, the two change places (a
 *     large, strongly textured object in front of the moving background
 *     carried the fit);
 *  5. objects moving far: an exhaustive block matching both ways on the
 *     ~128 pixel wide level; where it beats the global model and the
 *     coarse flow, its displacements are grouped into translations, and
 *     each one found both ways (opposite, over the same place) is offered
 *     in a box around the object and handed to the engine, which draws it
 *     as a layer of its own;
 *  6. forward and backward dense flows from a ~128 pixel wide level down
 *     to the analysis grid, seeded per pixel with whichever of the global
 *     model, the second layer, the objects' translations and the coarse
 *     flow matches best around it:
 *     DIS (Kroeger et al., ECCV 2016) inverse-compositional search of 8×8
 *     patches on a stride of 4 with mean normalisation, then densification
 *     weighted by the photometric error of each patch's flow at each pixel.
 *
 * This file runs the stages; the parts live beside it: inb-dis.c (1 and
 * the patch flow of 3 and 6), inb-global-model.c (2–4), inb-objects.c (5,
 * the per-pixel seed of 6 and the small objects), inb-linalg.c (matrices
 * and the one small solver). inb-flow-private.h declares what they share.
 */
#define G_LOG_DOMAIN "inb-flow"

#include "config.h"

#include <math.h>
#include <string.h>

#include "inb-flow-private.h"

/* ------------------------------------------------------------------ */
/* Planes                                                              */

InbPlane *
inb_plane_new (guint width,
               guint height)
{
  InbPlane *plane;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  plane = g_new0 (InbPlane, 1);
  plane->width = width;
  plane->height = height;
  plane->data = g_new0 (float, (gsize) width * height);

  return plane;
}

void
inb_plane_free (InbPlane *plane)
{
  if (plane == NULL)
    return;

  g_free (plane->data);
  g_free (plane);
}

/* ------------------------------------------------------------------ */
/* The whole analysis                                                  */

void
inb_flow_analysis_free (InbFlowAnalysis *analysis)
{
  if (analysis == NULL)
    return;

  inb_plane_free (analysis->luma0);
  inb_plane_free (analysis->luma1);
  inb_plane_free (analysis->fwd_u);
  inb_plane_free (analysis->fwd_v);
  inb_plane_free (analysis->bwd_u);
  inb_plane_free (analysis->bwd_v);
  g_free (analysis);
}

typedef struct
{
  InbPlane *pyr[2][MAX_LEVELS];
  InbPlane *gx[2][MAX_LEVELS];
  InbPlane *gy[2][MAX_LEVELS];
  guint     n_levels;
} Pyramids;

static void
pyramids_clear (Pyramids *p)
{
  for (guint k = 0; k < 2; k++)
    for (guint l = 0; l < MAX_LEVELS; l++)
      {
        /* Level 0 belongs to the analysis. */
        if (l > 0)
          g_clear_pointer (&p->pyr[k][l], inb_plane_free);
        g_clear_pointer (&p->gx[k][l], inb_plane_free);
        g_clear_pointer (&p->gy[k][l], inb_plane_free);
      }
}

static void
report (InbFlowProgressFunc progress,
        gpointer            data,
        double              fraction)
{
  if (progress != NULL)
    progress (CLAMP (fraction, 0.0, 1.0), data);
}

static gboolean
cancelled_error (GCancellable  *cancellable,
                 GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");

  return TRUE;
}

/* The keyframes' luma on the analysis grid (into @an), the 2× pyramid
 * above it and every level's gradients. */
static gboolean
build_pyramids (InbParallel     *parallel,
                InbImage        *first,
                InbImage        *last,
                InbFlowAnalysis *an,
                Pyramids        *pyr_out,
                GCancellable    *cancellable)
{
  const guint width = inb_image_get_width (first), height = inb_image_get_height (first);
  const guint scale = an->scale;
  Pyramids pyr = { 0 };
  gboolean ok = FALSE;

  for (guint k = 0; k < 2; k++)
    {
      InbImage *img = k == 0 ? first : last;
      LumaJob job = { inb_image_get_data (img), inb_image_get_stride (img),
                      width, height, scale, k == 0 ? an->luma0 : an->luma1 };

      if (!inb_parallel_for (parallel, an->height, 0, inb_flow_luma_rows, &job, cancellable))
        goto out;
    }

  /* Pyramids and gradients */
  pyr.pyr[0][0] = an->luma0;
  pyr.pyr[1][0] = an->luma1;
  pyr.n_levels = 1;
  while (pyr.n_levels < MAX_LEVELS)
    {
      const InbPlane *prev = pyr.pyr[0][pyr.n_levels - 1];
      guint nw = (prev->width + 1) / 2, nh = (prev->height + 1) / 2;

      if (MIN (nw, nh) < MIN_LEVEL_SIDE)
        break;
      for (guint k = 0; k < 2; k++)
        {
          HalveJob job = { pyr.pyr[k][pyr.n_levels - 1], inb_plane_new (nw, nh) };

          pyr.pyr[k][pyr.n_levels] = job.dst;
          if (!inb_parallel_for (parallel, nh, 0, inb_flow_halve_rows, &job, cancellable))
            goto out;
        }
      pyr.n_levels++;
    }
  for (guint l = 0; l < pyr.n_levels; l++)
    for (guint k = 0; k < 2; k++)
      {
        GradJob job = { pyr.pyr[k][l], NULL, NULL };

        job.gx = pyr.gx[k][l] = inb_plane_new (job.src->width, job.src->height);
        job.gy = pyr.gy[k][l] = inb_plane_new (job.src->width, job.src->height);
        if (!inb_parallel_for (parallel, job.src->height, 0, inb_flow_gradient_rows, &job, cancellable))
          goto out;
      }
  ok = TRUE;

out:
  *pyr_out = pyr;

  return ok;
}

/* last = @gain first + @offset taken out of the last keyframe's luma
 * (and its gradients), added up in @an */
static void
take_out_exposure (Pyramids        *pyr,
                   double           gain,
                   double           offset,
                   InbFlowAnalysis *an)
{
  an->exposure_offset += an->exposure_gain * offset;
  an->exposure_gain *= gain;
  for (guint l = 0; l < pyr->n_levels; l++)
    {
      InbPlane *planes[3] = { pyr->pyr[1][l], pyr->gx[1][l], pyr->gy[1][l] };

      for (guint k = 0; k < 3; k++)
        {
          gsize n = (gsize) planes[k]->width * planes[k]->height;
          double off = k == 0 ? offset : 0.0;

          for (gsize i = 0; i < n; i++)
            planes[k]->data[i] = (float) ((planes[k]->data[i] - off) / gain);
        }
    }
}

/* The level the exposure is measured on: ~128 pixels wide */
static guint
exposure_level (const Pyramids *pyr)
{
  guint el = 0;

  while (el + 1 < pyr->n_levels && pyr->pyr[0][el + 1]->width >= 128)
    el++;

  return el;
}

/* An exposure change between the keyframes is not motion: measured on
 * pixels the seed @seed aligns, taken out of the last keyframe's luma,
 * added up in @an. */
static void
correct_exposure (Pyramids        *pyr,
                  const double     seed[9],
                  InbFlowAnalysis *an)
{
  const guint el = exposure_level (pyr);
  double gain, offset;

  if (inb_flow_estimate_exposure (pyr->pyr[0][el], pyr->pyr[1][el], el, seed, FALSE, FALSE, &gain, &offset, NULL))
    {
      g_debug ("exposure: last = %.3f first %+.1f", gain, offset);
      take_out_exposure (pyr, gain, offset, an);
    }
}

/* The exposure once more, under the global model @h (the seed can be far
 * off when the exposure changed much, or align a large object rather
 * than the background): when the exposure most of the pixels agree on
 * makes no significant change in all (inb_flow_exposure_changes(), or
 * under 4 levels over the middle 90 % of the luma, where a narrow range
 * tells a gain from an offset poorly), none is taken out (what the first
 * measure took out, under the seed, is put back); otherwise what is left
 * of it, as measured over all the pixels, is taken out. */
static void
correct_exposure_under_model (Pyramids        *pyr,
                              const double     h[9],
                              InbFlowAnalysis *an)
{
  const guint el = exposure_level (pyr);
  const double g0 = an->exposure_gain, o0 = an->exposure_offset;
  double gain, offset, range[2];

  if (inb_flow_estimate_exposure (pyr->pyr[0][el], pyr->pyr[1][el], el, h, TRUE, TRUE, &gain, &offset, range))
    {
      const double g = g0 * gain, o = o0 + g0 * offset;

      if (!inb_flow_exposure_changes (g, o)
          || MAX (fabs ((g - 1.0) * range[0] + o), fabs ((g - 1.0) * range[1] + o)) < 4.0)
        {
          g_debug ("exposure: none under the model (last = %.3f first %+.1f in all, over %.0f..%.0f)", g, o,
                   range[0], range[1]);
          if (fabs (g0 - 1.0) > 1e-9 || fabs (o0) > 1e-9)
            {
              take_out_exposure (pyr, 1.0 / g0, -o0 / g0, an);
              an->exposure_gain = 1.0;
              an->exposure_offset = 0.0;
            }
          return;
        }
    }
  correct_exposure (pyr, h, an);
}

/* The objects found both ways (@found, on level @level), on the analysis
 * grid */
static void
add_objects (InbFlowAnalysis    *an,
             const ObjectMotion *found,
             guint               n_found,
             guint               level)
{
  const float s = (float) ldexp (1.0, (int) level), off = 0.5f * (s - 1.f);

  for (guint o = 0; o < n_found && an->n_objects < G_N_ELEMENTS (an->objects); o++)
    {
      InbFlowObject *ob = &an->objects[an->n_objects];

      if (!found[o].mutual)
        continue;
      ob->du = s * found[o].du;
      ob->dv = s * found[o].dv;
      ob->x0 = (int) (s * found[o].x0);
      ob->x1 = MIN ((int) an->width - 1, (int) (s * found[o].x1 + 2.f * off));
      ob->y0 = (int) (s * found[o].y0);
      ob->y1 = MIN ((int) an->height - 1, (int) (s * found[o].y1 + 2.f * off));
      ob->accounted = found[o].accounted;
      an->n_objects++;
    }
}

/* The translations most of the picture votes for (in pixels of level 0,
 * into @out, the strongest first; returns how many, at most @n_out): an
 * exhaustive block matching on a ~64 pixel wide level, each block one
 * vote. Unlike a correlation of the whole picture, a large object of
 * strong contrast moving far has only the votes of its area. */
static guint
voted_translations (const DisPyramid *dp,
                    const Pyramids   *pyr,
                    guint             n_out,
                    double           *out)
{
  g_autoptr(InbPlane) mu = NULL;
  g_autoptr(InbPlane) mv = NULL;
  g_autofree float *votes = NULL;
  guint bl = 0, found = 0, side, R;

  for (guint l = 0; l < pyr->n_levels; l++)
    if (pyr->pyr[0][l]->width >= 64)
      bl = l;
  if (bl == 0
      || !inb_flow_block_flow (dp->par, pyr->pyr[0][bl], pyr->pyr[1][bl], 1, 0.45, dp->cancellable, &mu, &mv))
    return 0;
  R = (guint) (0.45 * pyr->pyr[0][bl]->width) + 1;
  side = 2 * R + 1;
  votes = g_new0 (float, (gsize) side * side);
  for (gsize k = 0; k < (gsize) mu->width * mu->height; k++)
    {
      int x = (int) lroundf (mu->data[k]) + (int) R, y = (int) lroundf (mv->data[k]) + (int) R;

      if (x >= 0 && y >= 0 && x < (int) side && y < (int) side)
        votes[(gsize) y * side + x] += 1.f;
    }
  for (guint k = 0; k < n_out; k++)
    {
      float best = 0.02f * mu->width * mu->height;
      int px = -1, py = -1;

      for (int y = 1; y + 1 < (int) side; y++)
        for (int x = 1; x + 1 < (int) side; x++)
          {
            float v = 0;

            for (int dy = -1; dy <= 1; dy++)
              for (int dx = -1; dx <= 1; dx++)
                v += votes[(gsize) (y + dy) * side + x + dx];
            if (v > best)
              {
                best = v;
                px = x;
                py = y;
              }
          }
      if (px < 0)
        break;
      out[2 * found] = ldexp ((double) px - R, (int) bl);
      out[2 * found + 1] = ldexp ((double) py - R, (int) bl);
      found++;
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
          if (py + dy >= 0 && py + dy < (int) side && px + dx >= 0 && px + dx < (int) side)
            votes[(gsize) (py + dy) * side + px + dx] = 0;
    }

  return found;
}

/* The coarse forward flow down to level @fit_level (from standing still,
 * and from the seed @seed where it is not the identity: the better
 * kept) and the global model fitted to it. */
static gboolean
coarse_flow (const DisPyramid  *dp,
             const Pyramids    *pyr,
             guint              fit_level,
             double             seed[9],
             InbFlowAnalysis   *an,
             InbPlane         **out_u,
             InbPlane         **out_v,
             gboolean          *seeded,
             GlobalModel       *model)
{
  g_autoptr(InbPlane) u1 = NULL;
  g_autoptr(InbPlane) v1 = NULL;

  if (!inb_dis_coarse_to_fine (dp, pyr->n_levels - 1, fit_level, NULL, NULL, NULL, 0, 0, &u1, &v1))
    return FALSE;
  if (!inb_mat3_is_identity (seed))
    {
      g_autoptr(InbPlane) u2 = NULL;
      g_autoptr(InbPlane) v2 = NULL;
      GlobalModel other;
      gboolean take;

      if (!inb_dis_coarse_to_fine (dp, pyr->n_levels - 1, fit_level, seed, NULL, NULL, 0, 0, &u2, &v2))
        return FALSE;
      take = inb_flow_flow_error (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level], u2, v2)
             < inb_flow_flow_error (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level], u1, v1);
      /* The seed can follow a textured object over a smooth background
       * (which matches under any motion): the flow it gives matches
       * better, but no global model explains it. Then the flow that a
       * global model explains far better is kept. */
      inb_flow_fit_global_model (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level],
                                 pyr->gx[0][fit_level], pyr->gy[0][fit_level],
                                 take ? u2 : u1, take ? v2 : v1, fit_level, an->width, an->height,
                                 NULL, model);
      if (model->inlier_fraction < 0.3)
        {
          inb_flow_fit_global_model (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level],
                                     pyr->gx[0][fit_level], pyr->gy[0][fit_level],
                                     take ? u1 : u2, take ? v1 : v2, fit_level, an->width, an->height,
                                     NULL, &other);
          g_debug ("global model: inliers %.2f from the %s flow, %.2f from the other", model->inlier_fraction,
                   take ? "seeded" : "unseeded", other.inlier_fraction);
          if (other.inlier_fraction > model->inlier_fraction + 0.15)
            {
              g_debug ("global model: %s flow instead (inliers %.2f, not %.2f)",
                       take ? "unseeded" : "seeded", other.inlier_fraction, model->inlier_fraction);
              take = !take;
              *model = other;
            }
        }
      if (take)
        {
          g_clear_pointer (&u1, inb_plane_free);
          g_clear_pointer (&v1, inb_plane_free);
          u1 = g_steal_pointer (&u2);
          v1 = g_steal_pointer (&v2);
          *seeded = TRUE;
        }
    }
  else
    inb_flow_fit_global_model (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level],
                               pyr->gx[0][fit_level], pyr->gy[0][fit_level],
                               u1, v1, fit_level, an->width, an->height, NULL, model);
  if (model->inlier_fraction < 0.3)
    {
      /* Neither explains much: a large object moving far can pull both
       * the searched shift and the unseeded pass. Seeded with the
       * translation most blocks vote for (the background's, the largest
       * area), which is taken unless it explains clearly less: a
       * textured object outweighs a smooth background in the inliers */
      double peak[2];

      if (voted_translations (dp, pyr, 1, peak) == 1)
        {
          g_autoptr(InbPlane) u3 = NULL;
          g_autoptr(InbPlane) v3 = NULL;
          double h0[9];
          GlobalModel other;

          inb_mat3_identity (h0);
          h0[2] = peak[0];
          h0[5] = peak[1];
          if (!inb_dis_coarse_to_fine (dp, pyr->n_levels - 1, fit_level, h0, NULL, NULL, 0, 0, &u3, &v3))
            return FALSE;
          inb_flow_fit_global_model (pyr->pyr[0][fit_level], pyr->pyr[1][fit_level],
                                     pyr->gx[0][fit_level], pyr->gy[0][fit_level],
                                     u3, v3, fit_level, an->width, an->height, NULL, &other);
          g_debug ("global model: inliers %.2f seeded with the voted shift %g %g (not %.2f)",
                   other.inlier_fraction, peak[0], peak[1], model->inlier_fraction);
          if (other.inlier_fraction >= 0.1 && other.inlier_fraction > model->inlier_fraction - 0.05)
            {
              *model = other;
              g_clear_pointer (&u1, inb_plane_free);
              g_clear_pointer (&v1, inb_plane_free);
              u1 = g_steal_pointer (&u3);
              v1 = g_steal_pointer (&v3);
              memcpy (seed, h0, sizeof h0);
              *seeded = TRUE;
            }
        }
    }
  *out_u = g_steal_pointer (&u1);
  *out_v = g_steal_pointer (&v1);

  return TRUE;
}

/* A model with a second motion layer beside it: a large object can
 * carry more of the flow's samples than the background moving behind
 * it. The layer is taken as the model (and the model as the layer) when
 * it explains the band along the frame's edges clearly better; when the
 * model has most of the samples, on a side of its own as well
 * (inb_flow_border_prefers()). Most of the samples do not make the
 * model the background's where the background has little texture: the
 * flow there follows whatever seeded it, and its samples count for the
 * object's motion (old9-29, a disc of leaves over still clouds: 0.65 of
 * them). */
static gboolean
background_from_border (const Pyramids *pyr,
                        GlobalModel    *model)
{
  guint el = 0;
  double t[9];

  if (!model->has_layer || model->layer_inlier_fraction < 0.05)
    return FALSE;
  while (el + 1 < pyr->n_levels && pyr->pyr[0][el + 1]->width >= 128)
    el++;
  if (!inb_flow_border_prefers (pyr->pyr[0][el], pyr->pyr[1][el], el, model->h, model->layer,
                                model->inlier_fraction >= 0.5))
    return FALSE;
  g_debug ("global model: the second layer instead (inliers %.2f, not %.2f): it explains the frame's edges",
           model->layer_inlier_fraction, model->inlier_fraction);
  memcpy (t, model->h, sizeof t);
  memcpy (model->h, model->layer, sizeof t);
  memcpy (model->layer, t, sizeof t);
  model->inlier_fraction = model->layer_inlier_fraction;
  /* a model fitted to too few samples is not given (the identity): no
   * layer then */
  model->has_layer = !inb_mat3_is_identity (model->layer);

  return TRUE;
}

/* The seeds of the dense flows, both ways: block matchings on the seed
 * level (mfu, mfv forward; mbu, mbv backward), the objects found in them
 * and the seed flows they make (su, sv forward; bsu, bsv backward) */
typedef struct
{
  InbPlane     *mfu;
  InbPlane     *mfv;
  InbPlane     *mbu;
  InbPlane     *mbv;
  InbPlane     *su;
  InbPlane     *sv;
  InbPlane     *bsu;
  InbPlane     *bsv;
  ObjectMotion  fwd_obj[MAX_FOUND];
  ObjectMotion  bwd_obj[MAX_FOUND];
  guint         n_fwd;
  guint         n_bwd;
} Seeds;

static void
seeds_clear_planes (Seeds *seeds)
{
  g_clear_pointer (&seeds->mfu, inb_plane_free);
  g_clear_pointer (&seeds->mfv, inb_plane_free);
  g_clear_pointer (&seeds->mbu, inb_plane_free);
  g_clear_pointer (&seeds->mbv, inb_plane_free);
  g_clear_pointer (&seeds->su, inb_plane_free);
  g_clear_pointer (&seeds->sv, inb_plane_free);
  g_clear_pointer (&seeds->bsu, inb_plane_free);
  g_clear_pointer (&seeds->bsv, inb_plane_free);
}

/* The analysis of a @width × @height pair, its luma planes allocated.
 * Cost proportional to the pixel count: small pairs at full
 * resolution, everything else at a quarter of the pixels or fewer. */
static InbFlowAnalysis *
analysis_new (guint width,
              guint height)
{
  InbFlowAnalysis *an;
  guint scale = 1;

  while ((guint64) ((width + scale - 1) / scale) * ((height + scale - 1) / scale) > MAX_ANALYSIS_AREA
         || (scale == 1 && (guint64) width * height > MAX_FULL_AREA))
    scale *= 2;

  an = g_new0 (InbFlowAnalysis, 1);
  an->scale = scale;
  an->width = (width + scale - 1) / scale;
  an->height = (height + scale - 1) / scale;
  an->luma0 = inb_plane_new (an->width, an->height);
  an->luma1 = inb_plane_new (an->width, an->height);
  inb_mat3_identity (an->homography);
  an->exposure_gain = 1.0;

  return an;
}

/* The global translation, searched on a small level, in level 0 pixels */
static gboolean
global_translation (InbParallel     *parallel,
                    const Pyramids  *pyr,
                    GCancellable    *cancellable,
                    float           *tx,
                    float           *ty)
{
  guint search_level = 0;

  for (guint l = 0; l < pyr->n_levels; l++)
    if (pyr->pyr[0][l]->width >= SEARCH_WIDTH)
      search_level = l;
  if (!inb_flow_search_translation (parallel, pyr->pyr[0][search_level], pyr->pyr[1][search_level],
                                    cancellable, tx, ty))
    return FALSE;
  *tx *= (float) ldexp (1.0, (int) search_level);
  *ty *= (float) ldexp (1.0, (int) search_level);

  return TRUE;
}

/* An exhaustive block matching on the seed level @top2, both ways (over
 * ±55 % of the width: objects crossing half the frame): a seed
 * candidate per pixel for objects moving far from the rest, and a second
 * motion layer (from level @bl) when the coarse pass found none. Only
 * where level @bl is smaller than @top2. */
static gboolean
block_matching (InbParallel           *parallel,
                const Pyramids        *pyr,
                guint                  top2,
                guint                  bl,
                const InbFlowAnalysis *an,
                GlobalModel           *model,
                Seeds                 *seeds,
                GCancellable          *cancellable)
{
  GlobalModel layer_model;
  g_autoptr(InbPlane) mu = NULL;
  g_autoptr(InbPlane) mv = NULL;

  if (bl <= top2)
    return TRUE;

  if (!inb_flow_block_flow (parallel, pyr->pyr[0][top2], pyr->pyr[1][top2], 2, 0.55, cancellable,
                            &seeds->mfu, &seeds->mfv)
      || !inb_flow_block_flow (parallel, pyr->pyr[1][top2], pyr->pyr[0][top2], 2, 0.55, cancellable,
                               &seeds->mbu, &seeds->mbv))
    return FALSE;
  if (model->has_layer)
    return TRUE;

  if (!inb_flow_block_flow (parallel, pyr->pyr[0][bl], pyr->pyr[1][bl], 1, 0.35, cancellable, &mu, &mv))
    return FALSE;
  inb_flow_fit_global_model (pyr->pyr[0][bl], pyr->pyr[1][bl], pyr->gx[0][bl], pyr->gy[0][bl],
                             mu, mv, bl, an->width, an->height, model->h, &layer_model);
  if (layer_model.has_layer)
    {
      model->has_layer = TRUE;
      model->layer_inlier_fraction = layer_model.layer_inlier_fraction;
      memcpy (model->layer, layer_model.layer, sizeof model->layer);
    }

  return TRUE;
}

/* The objects moving far, and the seed flows they make, both ways.
 * Objects found one way are offered the other way too. */
static void
find_objects (const Pyramids    *pyr,
              guint              top2,
              guint              fit_level,
              const GlobalModel *model,
              const double       hinv[9],
              const double       layer_inv[9],
              const InbPlane    *u1,
              const InbPlane    *v1,
              const InbPlane    *bu1,
              const InbPlane    *bv1,
              Seeds             *seeds)
{
  inb_flow_fuse_seed (pyr->pyr[0][top2], pyr->pyr[1][top2], top2, model->h, u1, v1, fit_level,
                      model->has_layer ? model->layer : NULL, seeds->mfu, seeds->mfv, top2, NULL, 0,
                      seeds->fwd_obj, &seeds->n_fwd, &seeds->su, &seeds->sv);
  g_clear_pointer (&seeds->su, inb_plane_free);
  g_clear_pointer (&seeds->sv, inb_plane_free);
  inb_flow_fuse_seed (pyr->pyr[1][top2], pyr->pyr[0][top2], top2, hinv, bu1, bv1, fit_level,
                      model->has_layer ? layer_inv : NULL, seeds->mbu, seeds->mbv, top2,
                      seeds->fwd_obj, seeds->n_fwd, seeds->bwd_obj, &seeds->n_bwd, &seeds->bsu, &seeds->bsv);
  inb_flow_fuse_seed (pyr->pyr[0][top2], pyr->pyr[1][top2], top2, model->h, u1, v1, fit_level,
                      model->has_layer ? model->layer : NULL, seeds->mfu, seeds->mfv, top2,
                      seeds->bwd_obj, seeds->n_bwd, seeds->fwd_obj, &seeds->n_fwd, &seeds->su, &seeds->sv);
}

/* @h (on the analysis grid, which is @scale times coarser) in
 * full-resolution coordinates, into @out */
static void
model_to_full_resolution (const double h[9],
                          guint        scale,
                          double       out[9])
{
  double a[9], ai[9], t[9];

  inb_flow_level_matrix (0, a);
  a[0] = a[4] = scale;
  a[2] = a[5] = 0.5 * (scale - 1.0);
  inb_mat3_invert (a, ai);
  inb_mat3_mul (h, ai, t);
  inb_mat3_mul (a, t, out);
  for (guint i = 0; i < 9; i++)
    out[i] /= out[8];
}

/* The stages in order (see the top of this file); each stage hands
 * several planes to the next. */
InbFlowAnalysis *
inb_flow_analyse (InbParallel          *parallel,
                  InbImage             *first,
                  InbImage             *last,
                  InbFlowProgressFunc   progress,
                  gpointer              progress_data,
                  GCancellable         *cancellable,
                  GError              **error)
{
  g_autoptr(InbFlowAnalysis) an = NULL;
  Pyramids pyr = { 0 };
  DisPyramid dp;
  GlobalModel model = { 0 };
  Seeds seeds = { 0 };
  g_autoptr(InbPlane) u1 = NULL;
  g_autoptr(InbPlane) v1 = NULL;
  g_autoptr(InbPlane) bu1 = NULL;
  g_autoptr(InbPlane) bv1 = NULL;
  gboolean seeded = FALSE, photometric = FALSE, swapped;
  guint fit_level, top2, bl = 0;
  float tx = 0, ty = 0;
  double hinv[9], seed[9], seed_inv[9], layer_inv[9], coarse_seed[9], starts[18];
  guint n_starts = 1;
  gboolean ok = FALSE;

  g_return_val_if_fail (parallel != NULL, NULL);
  g_return_val_if_fail (first != NULL && last != NULL, NULL);
  g_return_val_if_fail (inb_image_get_width (first) == inb_image_get_width (last), NULL);
  g_return_val_if_fail (inb_image_get_height (first) == inb_image_get_height (last), NULL);

  report (progress, progress_data, 0.0);

  an = analysis_new (inb_image_get_width (first), inb_image_get_height (first));

  if (!build_pyramids (parallel, first, last, an, &pyr, cancellable))
    goto out;
  report (progress, progress_data, 0.1);

  /* Global translation on a small level */
  if (!global_translation (parallel, &pyr, cancellable, &tx, &ty))
    goto out;
  report (progress, progress_data, 0.15);

  /* A first forward flow, down to half the analysis resolution, for the
   * global model. */
  dp.par = parallel;
  dp.cancellable = cancellable;
  dp.pyr_a = pyr.pyr[0];
  dp.pyr_b = pyr.pyr[1];
  dp.grad_x = pyr.gx[0];
  dp.grad_y = pyr.gy[0];
  fit_level = pyr.n_levels > 1 ? 1 : 0;
  inb_flow_coarse_affine (pyr.pyr[0], pyr.pyr[1], pyr.gx[1], pyr.gy[1], pyr.n_levels, tx, ty, seed);
  correct_exposure (&pyr, seed, an);
  memcpy (coarse_seed, seed, sizeof coarse_seed);

  g_debug ("%u levels, shift %g %g, seed [%g %g %g; %g %g %g]", pyr.n_levels, tx, ty,
           seed[0], seed[1], seed[2], seed[3], seed[4], seed[5]);
  if (!coarse_flow (&dp, &pyr, fit_level, seed, an, &u1, &v1, &seeded, &model))
    goto out;
  report (progress, progress_data, 0.3);
  swapped = background_from_border (&pyr, &model);

  /* A flow that explains little of the frame: the model from the
   * pixels themselves, if they say clearly better. From the seed and,
   * where coarse_flow() replaced it with the shift most blocks vote for,
   * from the coarse alignment's as well: a zoom over repeated texture
   * under a smooth sky gives a flow that no model explains, and a shift
   * is no zoom (old3-43: the coarse alignment's zoom was right, the
   * model from the shift 50 px off at the corners). */
  memcpy (starts, seed, sizeof seed);
  if (memcmp (coarse_seed, seed, sizeof seed) != 0 && !inb_mat3_is_identity (coarse_seed))
    {
      memcpy (starts + 9, coarse_seed, sizeof coarse_seed);
      n_starts = 2;
    }
  if (model.inlier_fraction < 0.15 && !inb_mat3_is_identity (seed))
    photometric = inb_flow_photometric_model (pyr.pyr[0], pyr.pyr[1], pyr.gx[1], pyr.gy[1], pyr.n_levels,
                                              fit_level, starts, n_starts, 0.75, model.h);
  if (model.inlier_fraction >= 0.15 || photometric)
    {
      correct_exposure_under_model (&pyr, model.h, an);
    }
  if (model.inlier_fraction >= 0.15 || photometric)
    inb_flow_refine_model (pyr.pyr[0], pyr.pyr[1], pyr.gx[1], pyr.gy[1], pyr.n_levels, 0,
                           inb_mat3_is_identity (seed) ? NULL : seed, model.h);
  an->inlier_fraction = model.inlier_fraction;
  g_debug ("global model: inliers %.2f%s, %s, [%g %g %g; %g %g %g; %g %g]", model.inlier_fraction,
           photometric ? " (fitted on the pixels)" : "",
           model.has_layer ? "a second motion layer" : "one layer", model.h[0], model.h[1], model.h[2],
           model.h[3], model.h[4], model.h[5], model.h[6], model.h[7]);
  if (!inb_mat3_invert (model.h, hinv))
    {
      inb_mat3_identity (model.h);
      inb_mat3_identity (hinv);
    }
  report (progress, progress_data, 0.35);

  /* The coarse pass backwards too, from the same start */
  dp.pyr_a = pyr.pyr[1];
  dp.pyr_b = pyr.pyr[0];
  dp.grad_x = pyr.gx[1];
  dp.grad_y = pyr.gy[1];
  if (!inb_mat3_invert (seed, seed_inv))
    inb_mat3_identity (seed_inv);
  if (!inb_dis_coarse_to_fine (&dp, pyr.n_levels - 1, fit_level, seeded ? seed_inv : NULL,
                               NULL, NULL, 0, 0, &bu1, &bv1))
    goto out;
  report (progress, progress_data, 0.45);

  /* Both dense flows, from a ~128 pixel wide level, seeded with the
   * global model or the coarse pass. */
  top2 = 0;
  while (top2 + 1 < pyr.n_levels && pyr.pyr[0][top2 + 1]->width >= 128)
    top2++;

  /* The level of the block matching that finds a second layer */
  for (guint l = 0; l < pyr.n_levels; l++)
    if (pyr.pyr[0][l]->width >= 64)
      bl = l;
  if (!block_matching (parallel, &pyr, top2, bl, an, &model, &seeds, cancellable))
    goto out;
  /* the same with the layer the block matching found, refined on the
   * pixels (it was fitted on a small level) */
  if (!swapped && background_from_border (&pyr, &model))
    {
      inb_flow_refine_model_on_border (pyr.pyr[0], pyr.pyr[1], pyr.gx[1], pyr.gy[1], pyr.n_levels, 0, model.h);
      g_debug ("global model: [%g %g %g; %g %g %g; %g %g]", model.h[0], model.h[1], model.h[2], model.h[3],
               model.h[4], model.h[5], model.h[6], model.h[7]);
      if (!inb_mat3_invert (model.h, hinv))
        {
          inb_mat3_identity (model.h);
          inb_mat3_identity (hinv);
        }
    }
  if (model.has_layer)
    g_debug ("second motion layer: [%g %g %g; %g %g %g]",
             model.layer[0], model.layer[1], model.layer[2], model.layer[3], model.layer[4], model.layer[5]);
  else
    g_debug ("second motion layer: none");

  if (model.has_layer && !inb_mat3_invert (model.layer, layer_inv))
    model.has_layer = FALSE;
  find_objects (&pyr, top2, fit_level, &model, hinv, layer_inv, u1, v1, bu1, bv1, &seeds);

  dp.pyr_a = pyr.pyr[0];
  dp.pyr_b = pyr.pyr[1];
  dp.grad_x = pyr.gx[0];
  dp.grad_y = pyr.gy[0];
  if (!inb_dis_coarse_to_fine (&dp, top2, 0, NULL, seeds.su, seeds.sv, 0, 0, &an->fwd_u, &an->fwd_v))
    goto out;
  report (progress, progress_data, 0.7);

  dp.pyr_a = pyr.pyr[1];
  dp.pyr_b = pyr.pyr[0];
  dp.grad_x = pyr.gx[1];
  dp.grad_y = pyr.gy[1];
  if (!inb_dis_coarse_to_fine (&dp, top2, 0, NULL, seeds.bsu, seeds.bsv, 0, 0, &an->bwd_u, &an->bwd_v))
    goto out;
  report (progress, progress_data, 0.95);

  add_objects (an, seeds.fwd_obj, seeds.n_fwd, top2);

  inb_flow_small_objects (an, model.h);

  /* The model in full-resolution coordinates */
  model_to_full_resolution (model.h, an->scale, an->homography);

  ok = TRUE;

out:
  seeds_clear_planes (&seeds);
  pyramids_clear (&pyr);
  if (!ok)
    {
      cancelled_error (cancellable, error);
      return NULL;
    }

  return g_steal_pointer (&an);
}

/* ------------------------------------------------------------------ */
/* Dense flow at full resolution                                       */

typedef struct
{
  const InbFlowAnalysis *an;
  guint                  width;
  float                 *flow;
} UpsampleJob;

static void
upsample_rows (guint    start,
               guint    end,
               gpointer user_data)
{
  const UpsampleJob *job = user_data;
  const float s = (float) job->an->scale;
  const float off = 0.5f * (s - 1.f);

  for (guint y = start; y < end; y++)
    {
      float *dst = job->flow + (gsize) y * job->width * 2;
      float ya = ((float) y - off) / s;

      for (guint x = 0; x < job->width; x++)
        {
          float xa = ((float) x - off) / s;

          dst[2 * x] = s * inb_plane_sample (job->an->fwd_u, xa, ya);
          dst[2 * x + 1] = s * inb_plane_sample (job->an->fwd_v, xa, ya);
        }
    }
}

gboolean
inb_flow_estimate (InbImage      *first,
                   InbImage      *last,
                   guint          n_threads,
                   float         *flow,
                   double        *homography,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(InbParallel) par = NULL;
  g_autoptr(InbFlowAnalysis) an = NULL;
  UpsampleJob job;

  g_return_val_if_fail (first != NULL && last != NULL, FALSE);
  g_return_val_if_fail (flow != NULL, FALSE);

  par = inb_parallel_new (n_threads);
  an = inb_flow_analyse (par, first, last, NULL, NULL, cancellable, error);
  if (an == NULL)
    return FALSE;

  job.an = an;
  job.width = inb_image_get_width (first);
  job.flow = flow;
  if (!inb_parallel_for (par, inb_image_get_height (first), 0, upsample_rows, &job, cancellable))
    return !cancelled_error (cancellable, error);
  if (homography != NULL)
    memcpy (homography, an->homography, 9 * sizeof (double));

  return TRUE;
}
