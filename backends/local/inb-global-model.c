/* inb-global-model.c — the global motion model
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The translation search and multi-start affine alignment that seed the
 * global model, its robust (IRLS) affine then homography fit to a coarse
 * flow with a second motion layer for what it leaves out, and the
 * exposure change between the keyframes (stages 2–4 of inb-flow.c).
 */
#define G_LOG_DOMAIN "inb-flow"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-flow-private.h"

/* ------------------------------------------------------------------ */
/* Translation search                                                  */

typedef struct
{
  const InbPlane *a;
  const InbPlane *b;
  int             rx;
  int             ry;
  float          *scores;
} ShiftJob;

static void
shift_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const ShiftJob *job = user_data;
  const int w = (int) job->a->width;
  const int h = (int) job->a->height;

  for (guint row = start; row < end; row++)
    {
      int sy = (int) row - job->ry;

      for (int sx = -job->rx; sx <= job->rx; sx++)
        {
          int x0 = MAX (0, -sx), x1 = MIN (w, w - sx);
          int y0 = MAX (0, -sy), y1 = MIN (h, h - sy);
          double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
          double n = (double) (x1 - x0) * (y1 - y0);
          float score = -1.f;

          if (x1 - x0 > 0 && y1 - y0 > 0 && n >= 0.35 * w * h)
            {
              double va, vb;

              for (int y = y0; y < y1; y++)
                {
                  const float *ra = job->a->data + (gsize) y * w;
                  const float *rb = job->b->data + (gsize) (y + sy) * w + sx;
                  float fa = 0, fb = 0, faa = 0, fbb = 0, fab = 0;

                  for (int x = x0; x < x1; x++)
                    {
                      fa += ra[x];
                      fb += rb[x];
                      faa += ra[x] * ra[x];
                      fbb += rb[x] * rb[x];
                      fab += ra[x] * rb[x];
                    }
                  sa += fa;
                  sb += fb;
                  saa += faa;
                  sbb += fbb;
                  sab += fab;
                }
              va = saa - sa * sa / n;
              vb = sbb - sb * sb / n;
              if (va > 1e-6 * n && vb > 1e-6 * n)
                score = (float) ((sab - sa * sb / n) / sqrt (va * vb));
              /* A slight preference for small shifts breaks ties. */
              score -= 0.1f * (float) (sqrt ((double) sx * sx + (double) sy * sy) / w);
            }
          job->scores[row * (2 * job->rx + 1) + (guint) (sx + job->rx)] = score;
        }
    }
}

gboolean
inb_flow_search_translation (InbParallel    *par,
                             const InbPlane *a,
                             const InbPlane *b,
                             GCancellable   *cancellable,
                             float          *out_x,
                             float          *out_y)
{
  ShiftJob job = { a, b, 0, 0, NULL };
  g_autofree float *scores = NULL;
  float best = -2.f;
  float at_zero;
  int bx = 0, by = 0;

  job.rx = (int) (0.4 * a->width);
  job.ry = (int) (0.4 * a->height);
  scores = g_new (float, (gsize) (2 * job.rx + 1) * (2 * job.ry + 1));
  job.scores = scores;
  if (!inb_parallel_for (par, 2 * job.ry + 1, 1, shift_rows, &job, cancellable))
    return FALSE;

  for (int sy = -job.ry; sy <= job.ry; sy++)
    for (int sx = -job.rx; sx <= job.rx; sx++)
      {
        float s = scores[(sy + job.ry) * (2 * job.rx + 1) + sx + job.rx];

        if (s > best)
          {
            best = s;
            bx = sx;
            by = sy;
          }
      }
  at_zero = scores[job.ry * (2 * job.rx + 1) + job.rx];
  if (best < 0.25f || best < at_zero + 0.05f)
    bx = by = 0;

  *out_x = (float) bx;
  *out_y = (float) by;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Hierarchical parametric alignment                                   */

/* The score of affine_align() the other way round: a's pixels at
 * @m^-1 (level pixels) against b's on a grid of @step over b, a brought
 * to b's exposure by least squares (the gain too if @with_gain), pixels
 * mapped outside a counting as the fixed penalty. */
static double
align_score_back (const InbPlane *a,
                  const InbPlane *b,
                  const double    m[9],
                  guint           step,
                  gboolean        with_gain)
{
  const guint w = a->width, h = a->height;
  double mi[9], sa = 0, sb = 0, saa = 0, sab = 0, gain = 1, bias = 0, err = 0;
  guint n = 0, n_in = 0;

  if (!inb_mat3_invert (m, mi))
    return G_MAXDOUBLE;
  for (guint pass = 0; pass < 2; pass++)
    {
      n = n_in = 0;
      for (guint y = step / 2; y < h; y += step)
        for (guint x = step / 2; x < w; x += step)
          {
            double tx, ty, va, vb;

            n++;
            inb_mat3_apply (mi, x, y, &tx, &ty);
            if (!(tx >= 0 && ty >= 0 && tx <= w - 1.0 && ty <= h - 1.0))
              continue;
            n_in++;
            va = inb_plane_sample (a, (float) tx, (float) ty);
            vb = b->data[(gsize) y * w + x];
            if (pass == 0)
              {
                sa += va;
                sb += vb;
                saa += va * va;
                sab += va * vb;
              }
            else
              err += MIN (fabs (gain * va + bias - vb), 30.0);
          }
      if (pass == 0 && n_in > 0)
        {
          double var = saa - sa * sa / n_in;

          if (with_gain && var > 1e-9)
            gain = CLAMP ((sab - sa * sb / n_in) / var, 1.0 / 1.5, 1.5);
          bias = (sb - gain * sa) / n_in;
        }
    }

  return n > 0 ? (err + 12.0 * (n - n_in)) / n : G_MAXDOUBLE;
}

/* Gauss-Newton on an affine model b(A x) ~ a(x) at one level, robust
 * (Huber) weights, b brought to a's brightness by the offset (and, if
 * @with_gain, the gain) the previous iteration measured (the first step
 * too, if @exposure_differs: the keyframes' brightness differs much, see
 * inb_flow_coarse_affine()). @h0 is the model
 * in level-0 coordinates, updated in place. Returns a score (lower is better): the mean truncated error,
 * with pixels mapped outside b counting as a fixed penalty (if
 * @exposure_differs and more than 30 % of a maps outside b, the better
 * of that and the score the other way round). */
static double
affine_align (const InbPlane *a,
              const InbPlane *b,
              const InbPlane *bgx,
              const InbPlane *bgy,
              guint           level,
              double          h0[9],
              guint           iterations,
              gboolean        with_gain,
              gboolean        exposure_differs)
{
  const guint w = a->width, h = a->height;
  const double cx = 0.5 * (w - 1.0), cy = 0.5 * (h - 1.0), norm = 0.5 * MAX (w, h);
  const guint step = MAX (1, (guint) sqrt ((double) w * h / 6000.0));
  double lm[9], lmi[9], nm[9], nmi[9], al[9], bm[9], t[9];
  double score = G_MAXDOUBLE, bias = 0, gain = 1, out_share = 1.0;
  /* Where the exposure differs much, a first pass only measures it
   * under the start: a step taken with the brightness change still in
   * the residuals follows the picture's gradients, not its
   * misalignment, and can leave the start's basin */
  gboolean measure = exposure_differs;

  inb_flow_level_matrix (level, lm);
  inb_mat3_invert (lm, lmi);
  inb_mat3_identity (nm);
  nm[0] = nm[4] = 1.0 / norm;
  nm[2] = -cx / norm;
  nm[5] = -cy / norm;
  inb_mat3_invert (nm, nmi);
  inb_flow_homography_at_level (h0, level, al);
  inb_mat3_mul (al, nmi, bm);

  for (guint it = 0; it <= iterations; it++)
    {
      double jtj[36] = { 0 }, jtr[6] = { 0 };
      double err = 0, sa = 0, sb = 0, sbb = 0, sab = 0;
      guint n = 0, n_out = 0;

      for (guint y = step / 2; y < h; y += step)
        for (guint x = step / 2; x < w; x += step)
          {
            double xn = (x - cx) / norm, yn = (y - cy) / norm;
            double tx = bm[0] * xn + bm[1] * yn + bm[2];
            double ty = bm[3] * xn + bm[4] * yn + bm[5];
            double r, va, vb, gx, gy, wt, jac[6];

            n++;
            if (!(tx >= 0 && ty >= 0 && tx <= w - 1.0 && ty <= h - 1.0))
              {
                n_out++;
                continue;
              }
            /* b brought to a's exposure as the previous iteration
             * measured it (a ~ gain b + bias): an exposure change is not
             * a misalignment */
            vb = inb_plane_sample (b, (float) tx, (float) ty);
            va = a->data[(gsize) y * w + x];
            sa += va;
            sb += vb;
            sbb += vb * vb;
            sab += va * vb;
            r = gain * vb + bias - va;
            err += MIN (fabs (r), 30.0);
            if (it == iterations || measure)
              continue;
            gx = gain * inb_plane_sample (bgx, (float) tx, (float) ty);
            gy = gain * inb_plane_sample (bgy, (float) tx, (float) ty);
            wt = fabs (r) < 8.0 ? 1.0 : 8.0 / fabs (r);
            jac[0] = gx * xn; jac[1] = gx * yn; jac[2] = gx;
            jac[3] = gy * xn; jac[4] = gy * yn; jac[5] = gy;
            for (guint i = 0; i < 6; i++)
              {
                for (guint j = 0; j < 6; j++)
                  jtj[i * 6 + j] += wt * jac[i] * jac[j];
                jtr[i] += wt * jac[i] * r;
              }
          }
      score = n > 0 ? (err + 12.0 * n_out) / n : G_MAXDOUBLE;
      out_share = n > 0 ? (double) n_out / n : 1.0;
      if (n > n_out)
        {
          double m = n - n_out, var = sbb - sb * sb / m;

          if (with_gain && var > 1e-9)
            gain = CLAMP ((sab - sa * sb / m) / var, 0.67, 1.5);
          bias = (sa - gain * sb) / m;
        }
      if (it == iterations || n - n_out < 12)
        break;
      if (measure)
        {
          measure = FALSE;
          it--;
          continue;
        }
      for (guint i = 0; i < 6; i++)
        jtj[i * 6 + i] = jtj[i * 6 + i] * 1.001 + 1e-6;
      if (!inb_linalg_solve (jtj, jtr, 6, 1e-15))
        break;
      for (guint i = 0; i < 6; i++)
        bm[i] -= jtr[i];
    }

  /* The other way round too, and the better of the two, where more
   * than 30 % of a maps outside b: a zoom in maps much of a outside b,
   * which says nothing against it (b's pixels all map inside a) */
  inb_mat3_mul (bm, nm, al);
  if (exposure_differs && out_share > 0.3)
    score = MIN (score, align_score_back (a, b, al, step, with_gain));
  inb_mat3_mul (al, lmi, t);
  inb_mat3_mul (lm, t, h0);

  return score;
}

/* A similarity (scale and roll about the centre, then a shift) of @b
 * against @a on level @level, by the translation search of
 * inb_flow_search_translation() on @b resampled at each of a few scales
 * and rolls: the @n_out best (by correlation; the plain shift left
 * out, searched already), as level-0 models in @out. Returns how many.
 * For a zoom with a pan, which no start at a single scale or shift
 * reaches. */
static guint
search_similarity (const InbPlane *a,
                   const InbPlane *b,
                   guint           level,
                   guint           n_out,
                   double         *out)
{
  static const double scales[] = { 1.0, 1.15, 1.32, 1.5, 1.0 / 1.15, 1.0 / 1.32, 1.0 / 1.5 };
  static const double angles[] = { 0.0, 0.09, -0.09, 0.18, -0.18 };
  const guint w = a->width, h = a->height;
  const double cx = 0.5 * (w - 1.0), cy = 0.5 * (h - 1.0);
  g_autoptr(InbPlane) bw = inb_plane_new (w, h);
  ShiftJob job = { a, bw, (int) (0.4 * w), (int) (0.4 * h), NULL };
  g_autofree float *scores = g_new (float, (gsize) (2 * job.rx + 1) * (2 * job.ry + 1));
  double best[8];
  guint n = 0;

  n_out = MIN (n_out, G_N_ELEMENTS (best));
  job.scores = scores;
  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    for (guint j = 0; j < G_N_ELEMENTS (angles); j++)
      {
        double c = scales[i] * cos (angles[j]), sn = scales[i] * sin (angles[j]);
        double hl[9], lm[9], lmi[9], t[9], top = -2.0;
        int bx = 0, by = 0;
        guint slot;

        if (i == 0 && j == 0)
          continue;
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            bw->data[(gsize) y * w + x] =
              inb_plane_sample (b, (float) (c * (x - cx) - sn * (y - cy) + cx),
                                (float) (sn * (x - cx) + c * (y - cy) + cy));
        shift_rows (0, 2 * job.ry + 1, &job);
        for (int sy = -job.ry; sy <= job.ry; sy++)
          for (int sx = -job.rx; sx <= job.rx; sx++)
            {
              float sc = scores[(sy + job.ry) * (2 * job.rx + 1) + sx + job.rx];

              if (sc > top)
                {
                  top = sc;
                  bx = sx;
                  by = sy;
                }
            }
        if (top < 0.25)
          continue;
        /* keep the n_out best, sorted */
        slot = MIN (n, n_out);
        while (slot > 0 && best[slot - 1] < top)
          slot--;
        if (slot >= n_out)
          continue;
        memmove (best + slot + 1, best + slot, (MIN (n, n_out - 1) - slot) * sizeof (double));
        memmove (out + 9 * (slot + 1), out + 9 * slot, (MIN (n, n_out - 1) - slot) * 9 * sizeof (double));
        best[slot] = top;
        n = MIN (n + 1, n_out);
        /* x -> R (x - c) + c + R s on the level, then on level 0 */
        inb_mat3_identity (hl);
        hl[0] = c; hl[1] = -sn;
        hl[3] = sn; hl[4] = c;
        hl[2] = cx - c * cx + sn * cy + c * bx - sn * by;
        hl[5] = cy - sn * cx - c * cy + sn * bx + c * by;
        inb_flow_level_matrix (level, lm);
        inb_mat3_invert (lm, lmi);
        inb_mat3_mul (hl, lmi, t);
        inb_mat3_mul (lm, t, out + 9 * slot);
      }

  return n;
}

/* Whether the linear part of the affine @h could be a camera's move:
 * a zoom within 1.75× either way, stretched at most 1.4× more one way
 * than the other (a start that runs off to a shear or a squash has
 * matched smooth areas by chance) */
static gboolean
affine_is_plausible (const double h[9])
{
  double a = h[0], b = h[1], c = h[3], d = h[4];
  double e = 0.5 * (a + d), f = 0.5 * (a - d), g = 0.5 * (c + b), k = 0.5 * (c - b);
  double q = hypot (e, k), r = hypot (f, g), smax = q + r, smin = fabs (q - r);

  return smin > 1.0 / 1.75 && smax < 1.75 && smax < 1.4 * smin;
}

/* Multi-start at the coarsest level (scales, rotations, the searched
 * translation, the similarities search_similarity() finds best), the
 * best start refined down to a ~160 pixel wide level. */
void
inb_flow_coarse_affine (InbPlane **pyr_a,
                        InbPlane **pyr_b,
                        InbPlane **bgx,
                        InbPlane **bgy,
                        guint      n_levels,
                        float      tx,
                        float      ty,
                        double     out[9])
{
  static const double scales[] = { 1.0, 1.4, 1.0 / 1.4, 1.18, 1.0 / 1.18 };
  static const double angles[] = { 0.0, 0.2, -0.2 };
  const guint top = n_levels - 1;
  const double cx = 0.5 * (pyr_a[0]->width - 1.0), cy = 0.5 * (pyr_a[0]->height - 1.0);
  double best = G_MAXDOUBLE, extra[3 * 9];
  guint sl = top, n_extra;
  gboolean with_gain, exposure_differs;

  while (sl > 0 && pyr_a[sl]->width < 32)
    sl--;
  /* The gain too when the keyframes' mean brightness differs by more
   * than 30 % (an exposure change: the offset alone leaves the wrong
   * start best); otherwise the offset alone, which a chance match of a
   * textured object cannot exploit. Where it differs by more than
   * 15 %, affine_align() measures the exposure before its first step
   * and scores a zoom in from both keyframes (kept to such pairs: on
   * the others, where it was not needed, it moved the seeds of object
   * cases and the objects found with them) */
  {
    double ma = 0, mb = 0;
    gsize n = (gsize) pyr_a[top]->width * pyr_a[top]->height;

    for (gsize k = 0; k < n; k++)
      {
        ma += pyr_a[top]->data[k];
        mb += pyr_b[top]->data[k];
      }
    with_gain = mb > 1.3 * ma || ma > 1.3 * mb;
    exposure_differs = mb > 1.15 * ma || ma > 1.15 * mb;
  }
  n_extra = search_similarity (pyr_a[sl], pyr_b[sl], sl, 3, extra);

  inb_mat3_identity (out);
  for (guint k = 0; k < ((tx != 0 || ty != 0) ? 2 : 1); k++)
    for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
      for (guint j = 0; j < G_N_ELEMENTS (angles); j++)
        {
          double h0[9], score;
          double c = scales[i] * cos (angles[j]), s = scales[i] * sin (angles[j]);

          inb_mat3_identity (h0);
          h0[0] = c; h0[1] = -s;
          h0[3] = s; h0[4] = c;
          h0[2] = cx - c * cx + s * cy + (k ? tx : 0);
          h0[5] = cy - s * cx - c * cy + (k ? ty : 0);
          score = affine_align (pyr_a[top], pyr_b[top], bgx[top], bgy[top], top, h0, 12, with_gain, exposure_differs);
          if (score < best && affine_is_plausible (h0))
            {
              best = score;
              memcpy (out, h0, sizeof h0);
            }
        }
  for (guint e = 0; e < n_extra; e++)
    {
      double h0[9], score;

      memcpy (h0, extra + 9 * e, sizeof h0);
      score = affine_align (pyr_a[top], pyr_b[top], bgx[top], bgy[top], top, h0, 12, with_gain, exposure_differs);
      g_debug ("similarity start [%.3f %.3f %.1f; %.3f %.3f %.1f]: %.3f (best so far %.3f)", extra[9 * e],
               extra[9 * e + 1], extra[9 * e + 2], extra[9 * e + 3], extra[9 * e + 4], extra[9 * e + 5],
               score, best);
      if (score < best && affine_is_plausible (h0))
        {
          best = score;
          memcpy (out, h0, sizeof h0);
        }
    }

  for (int l = (int) top - 1; l >= 0 && pyr_a[l]->width <= 200; l--)
    {
      double h0[9];

      memcpy (h0, out, sizeof h0);
      affine_align (pyr_a[l], pyr_b[l], bgx[l], bgy[l], (guint) l, h0, 6, with_gain, exposure_differs);
      if (!affine_is_plausible (h0))
        break;
      memcpy (out, h0, sizeof h0);
    }
}

static gboolean homography_is_sane (const double h[9],
                                    double       half_w,
                                    double       half_h);

/* homography_is_sane() for @h in level-0 pixels of a @w × @h0 grid */
static gboolean
homography_is_sane_at (const double h[9],
                       guint        w,
                       guint        h0)
{
  const double norm = 0.5 * MAX (w, h0);
  double nm[9], nmi[9], t[9], hn[9];

  inb_mat3_identity (nm);
  nm[0] = nm[4] = 1.0 / norm;
  nm[2] = -0.5 * (w - 1.0) / norm;
  nm[5] = -0.5 * (h0 - 1.0) / norm;
  inb_mat3_invert (nm, nmi);
  inb_mat3_mul (h, nmi, t);
  inb_mat3_mul (nm, t, hn);
  for (guint i = 0; i < 9; i++)
    hn[i] /= hn[8];

  return homography_is_sane (hn, 0.5 * w / norm, 0.5 * h0 / norm);
}

/* Gauss-Newton on a homography b(H x) ~ a(x) at one level, robust
 * (Huber) weights, the brightness offset taken out as in affine_align().
 * @h0 (level-0 coordinates) is updated in place unless @iterations is 0.
 * Returns the same score as affine_align() for the final model. */
static double
homography_align_band (const InbPlane *a,
                       const InbPlane *b,
                       const InbPlane *bgx,
                       const InbPlane *bgy,
                       guint           level,
                       double          h0[9],
                       guint           iterations,
                       guint           band)
{
  const guint w = a->width, h = a->height;
  const double cx = 0.5 * (w - 1.0), cy = 0.5 * (h - 1.0), norm = 0.5 * MAX (w, h);
  const guint step = MAX (1, (guint) sqrt ((double) w * h / 12000.0));
  double lm[9], lmi[9], nm[9], nmi[9], al[9], bm[9], t[9];
  double score = G_MAXDOUBLE, bias = 0;

  inb_flow_level_matrix (level, lm);
  inb_mat3_invert (lm, lmi);
  inb_mat3_identity (nm);
  nm[0] = nm[4] = 1.0 / norm;
  nm[2] = -cx / norm;
  nm[5] = -cy / norm;
  inb_mat3_invert (nm, nmi);
  inb_flow_homography_at_level (h0, level, al);
  inb_mat3_mul (al, nmi, bm);
  for (guint i = 0; i < 9; i++)
    bm[i] /= bm[8];

  for (guint it = 0; it <= iterations; it++)
    {
      double jtj[64] = { 0 }, jtr[8] = { 0 };
      double err = 0, rsum = 0;
      guint n = 0, n_out = 0;

      for (guint y = step / 2; y < h; y += step)
        for (guint x = step / 2; x < w; x += step)
          {
            double xn = (x - cx) / norm, yn = (y - cy) / norm;
            double d = bm[6] * xn + bm[7] * yn + 1.0;
            double tx, ty, r, gx, gy, wt, gp, jac[8];

            if (x >= band && y >= band && x + band < w && y + band < h)
              continue;
            n++;
            if (d < 1e-3)
              {
                n_out++;
                continue;
              }
            tx = (bm[0] * xn + bm[1] * yn + bm[2]) / d;
            ty = (bm[3] * xn + bm[4] * yn + bm[5]) / d;
            if (!(tx >= 0 && ty >= 0 && tx <= w - 1.0 && ty <= h - 1.0))
              {
                n_out++;
                continue;
              }
            r = inb_plane_sample (b, (float) tx, (float) ty) - a->data[(gsize) y * w + x];
            rsum += r;
            r -= bias;
            err += MIN (fabs (r), 30.0);
            if (it == iterations)
              continue;
            gx = inb_plane_sample (bgx, (float) tx, (float) ty) / d;
            gy = inb_plane_sample (bgy, (float) tx, (float) ty) / d;
            gp = gx * tx + gy * ty;
            wt = fabs (r) < 8.0 ? 1.0 : 8.0 / fabs (r);
            jac[0] = gx * xn; jac[1] = gx * yn; jac[2] = gx;
            jac[3] = gy * xn; jac[4] = gy * yn; jac[5] = gy;
            jac[6] = -gp * xn; jac[7] = -gp * yn;
            for (guint i = 0; i < 8; i++)
              {
                for (guint j = 0; j <= i; j++)
                  jtj[i * 8 + j] += wt * jac[i] * jac[j];
                jtr[i] += wt * jac[i] * r;
              }
          }
      score = n > 0 ? (err + 12.0 * n_out) / n : G_MAXDOUBLE;
      if (n > n_out)
        bias = rsum / (n - n_out);
      if (it == iterations || n - n_out < 16)
        break;
      for (guint i = 0; i < 8; i++)
        for (guint j = i + 1; j < 8; j++)
          jtj[i * 8 + j] = jtj[j * 8 + i];
      for (guint i = 0; i < 8; i++)
        jtj[i * 8 + i] = jtj[i * 8 + i] * 1.001 + 1e-6;
      if (!inb_linalg_solve (jtj, jtr, 8, 1e-15))
        break;
      for (guint i = 0; i < 8; i++)
        bm[i] -= jtr[i];
    }

  if (iterations > 0)
    {
      inb_mat3_mul (bm, nm, al);
      inb_mat3_mul (al, lmi, t);
      inb_mat3_mul (lm, t, h0);
      for (guint i = 0; i < 9; i++)
        h0[i] /= h0[8];
    }

  return score;
}

/* homography_align_band() on every pixel */
static double
homography_align (const InbPlane *a,
                  const InbPlane *b,
                  const InbPlane *bgx,
                  const InbPlane *bgy,
                  guint           level,
                  double          h0[9],
                  guint           iterations)
{
  return homography_align_band (a, b, bgx, bgy, level, h0, iterations, G_MAXUINT / 2);
}

/* The global model @h (level 0) refined on the pixels of the band along
 * the frame's edges (an eighth of its height wide), coarse to fine from
 * a ~100 pixel wide level down to level @bottom, from @h and from the
 * shift @h gives the frame's centre (a model fitted on a small level
 * can be scaled or turned a little, which Gauss-Newton does not undo
 * on repeated texture): the background's motion where a large object
 * moving against it covers much of the middle. The start explaining
 * the band best at level @bottom is kept, if sane. */
void
inb_flow_refine_model_on_border (InbPlane **pyr_a,
                                 InbPlane **pyr_b,
                                 InbPlane **bgx,
                                 InbPlane **bgy,
                                 guint      n_levels,
                                 guint      bottom,
                                 double     h[9])
{
  const double cx = 0.5 * (pyr_a[0]->width - 1.0), cy = 0.5 * (pyr_a[0]->height - 1.0);
  double out[9], best = G_MAXDOUBLE;
  guint top = bottom;

  while (top + 1 < n_levels && pyr_a[top + 1]->width >= 100)
    top++;
  memcpy (out, h, sizeof out);
  for (guint k = 0; k < 3; k++)
    {
      double cand[9], score = G_MAXDOUBLE;

      if (k == 0)
        memcpy (cand, h, sizeof cand);
      else
        {
          double tx, ty;

          inb_mat3_apply (h, cx, cy, &tx, &ty);
          inb_mat3_identity (cand);
          cand[2] = tx - cx;
          cand[5] = ty - cy;
        }
      for (int l = (int) top; l >= (int) bottom && k < 2; l--)
        score = homography_align_band (pyr_a[l], pyr_b[l], bgx[l], bgy[l], (guint) l, cand,
                                       l == (int) bottom ? 6 : 8, MAX (2, pyr_a[l]->height / 8));
      score = homography_align_band (pyr_a[bottom], pyr_b[bottom], bgx[bottom], bgy[bottom], bottom, cand, 0,
                                     MAX (2, pyr_a[bottom]->height / 8));
      g_debug ("global model refined on the frame's edges from the %s: score %.3f",
               k == 0 ? "model" : k == 1 ? "shift of its centre" : "shift of its centre (as it is)", score);
      if (score < best && homography_is_sane_at (cand, pyr_a[0]->width, pyr_a[0]->height))
        {
          best = score;
          memcpy (out, cand, sizeof out);
        }
    }
  memcpy (h, out, sizeof out);
}

/* The global model @h (level 0, fitted to a flow) refined on the
 * pixels themselves, coarse to fine from a ~100 pixel wide level down
 * to level @bottom, from @h and from @other (the seed, if not %NULL): a
 * flow that is wrong in many places (thin, moving texture; little
 * texture) gives a model a few pixels off where the keyframes
 * themselves say better. Kept only where it explains level @bottom
 * better and moves no corner of the frame by more than 6 % of its width
 * from @h (a refinement: not a textured object's motion instead of a
 * smooth background's). */
void
inb_flow_refine_model (InbPlane    **pyr_a,
                       InbPlane    **pyr_b,
                       InbPlane    **bgx,
                       InbPlane    **bgy,
                       guint         n_levels,
                       guint         bottom,
                       const double *other,
                       double        h[9])
{
  const double w = pyr_a[0]->width, hh = pyr_a[0]->height;
  const double cx[4] = { 0, w - 1, w - 1, 0 }, cy[4] = { 0, 0, hh - 1, hh - 1 };
  guint top = bottom;
  double best, h_in[9], out[9];

  while (top + 1 < n_levels && pyr_a[top + 1]->width >= 100)
    top++;
  memcpy (h_in, h, sizeof h_in);
  memcpy (out, h, sizeof out);
  best = homography_align (pyr_a[bottom], pyr_b[bottom], bgx[bottom], bgy[bottom], bottom, h_in, 0);
  for (guint k = 0; k < (other != NULL ? 2u : 1u); k++)
    {
      double cand[9], score = G_MAXDOUBLE, moved = 0;

      memcpy (cand, k == 0 ? h_in : other, sizeof cand);
      for (int l = (int) top; l >= (int) bottom; l--)
        score = homography_align (pyr_a[l], pyr_b[l], bgx[l], bgy[l], (guint) l, cand,
                                  l == (int) bottom ? 6 : 8);
      score = homography_align (pyr_a[bottom], pyr_b[bottom], bgx[bottom], bgy[bottom], bottom, cand, 0);
      for (guint i = 0; i < 4; i++)
        {
          double ax, ay, bx, by;

          inb_mat3_apply (h_in, cx[i], cy[i], &ax, &ay);
          inb_mat3_apply (cand, cx[i], cy[i], &bx, &by);
          moved = MAX (moved, hypot (bx - ax, by - ay));
        }
      g_debug ("global model refined on the pixels from the %s: score %.3f (best %.3f), corners moved up to %.1f px",
               k == 0 ? "flow's model" : "seed", score, best, moved);
      if (score < best && moved < 0.06 * w && homography_is_sane_at (cand, pyr_a[0]->width, pyr_a[0]->height))
        {
          best = score;
          memcpy (out, cand, sizeof out);
        }
    }
  memcpy (h, out, sizeof out);
}

/* The mean truncated errors (each model's brightness offset taken out)
 * of @h1 and of @h2 (level 0) on level @level of @a and @b, over the
 * pixels of a grid of @step both map inside @b — only those within
 * @band of the frame's edges when @band is not 0 (of one side's band:
 * @side 0 top, 1 bottom, 2 left, 3 right; -1 all four): the two
 * compared on the same pixels. Returns how many pixels were compared;
 * the errors are G_MAXDOUBLE when none was. */
static guint
pair_errors_on (const InbPlane *a,
                const InbPlane *b,
                guint           level,
                const double    h1[9],
                const double    h2[9],
                guint           step,
                guint           band,
                int             side,
                double         *e1,
                double         *e2)
{
  const guint w = a->width, h = a->height;
  double m[2][9], bias[2] = { 0, 0 }, err[2] = { 0, 0 };
  guint n = 0;

  inb_flow_homography_at_level (h1, level, m[0]);
  inb_flow_homography_at_level (h2, level, m[1]);
  for (guint pass = 0; pass < 2; pass++)
    {
      n = 0;
      for (guint y = step / 2; y < h; y += step)
        for (guint x = step / 2; x < w; x += step)
          {
            double tx[2], ty[2];
            gboolean inside = TRUE;

            if (band > 0 && (side < 0 ? x >= band && y >= band && x + band < w && y + band < h
                             : side == 0 ? y >= band : side == 1 ? y + band < h : side == 2 ? x >= band : x + band < w))
              continue;
            for (guint k = 0; k < 2 && inside; k++)
              {
                inb_mat3_apply (m[k], x, y, &tx[k], &ty[k]);
                inside = tx[k] >= 0 && ty[k] >= 0 && tx[k] <= w - 1.0 && ty[k] <= h - 1.0;
              }
            if (!inside)
              continue;
            n++;
            for (guint k = 0; k < 2; k++)
              {
                double r = inb_plane_sample (b, (float) tx[k], (float) ty[k]) - a->data[(gsize) y * w + x];

                if (pass == 0)
                  bias[k] += r;
                else
                  err[k] += MIN (fabs (r - bias[k]), 30.0);
              }
          }
      for (guint k = 0; k < 2 && pass == 0; k++)
        bias[k] = n > 0 ? bias[k] / n : 0.0;
    }
  *e1 = n > 0 ? err[0] / n : G_MAXDOUBLE;
  *e2 = n > 0 ? err[1] / n : G_MAXDOUBLE;

  return n;
}

/* pair_errors_on() over the whole frame, on a grid of about 12000 pixels. */
static void
pair_errors (const InbPlane *a,
             const InbPlane *b,
             guint           level,
             const double    h1[9],
             const double    h2[9],
             double         *e1,
             double         *e2)
{
  const guint step = MAX (1, (guint) sqrt ((double) a->width * a->height / 12000.0));

  pair_errors_on (a, b, level, h1, h2, step, 0, -1, e1, e2);
}

/* Whether @h2 explains a band along the frame's edges (an eighth of
 * the frame's height wide) on level @level clearly better than @h1
 * does: a truncated error under 0.7 times @h1's (each model's
 * brightness offset taken out), on the band's pixels both map inside
 * @b. A camera's motion moves the whole frame; a large object moving
 * against it seldom reaches all four edges. With @by_side, also on a
 * side of its own: the least error over the sides (each compared on at
 * least half its pixels) under 0.7 times @h1's least. The camera's
 * motion explains a side that no object reaches down to the noise; the
 * band as a whole can be decided by an object over one or two sides
 * when a motion takes the other sides out of the frame (52-one-still:
 * 8.85 against 29.67 on the band, where only the top and the left are
 * compared, and the object covers much of the top; its motion's least
 * error on a side 8.13, standing still's 0.04). */
gboolean
inb_flow_border_prefers (const InbPlane *a,
                         const InbPlane *b,
                         guint           level,
                         const double    h1[9],
                         const double    h2[9],
                         gboolean        by_side)
{
  const guint w = a->width, h = a->height;
  const guint band = MAX (2, h / 8);
  double e1, e2, least[2] = { G_MAXDOUBLE, G_MAXDOUBLE };
  guint n;

  n = pair_errors_on (a, b, level, h1, h2, 1, band, -1, &e1, &e2);
  g_debug ("border band: error %.2f under the model, %.2f under the other (%u pixels)",
           n > 0 ? e1 : 0.0, n > 0 ? e2 : 0.0, n);
  if (n < 2u * band * (w + h) / 4 || e2 >= 0.7 * e1)
    return FALSE;
  if (!by_side)
    return TRUE;
  for (int side = 0; side < 4; side++)
    if (pair_errors_on (a, b, level, h1, h2, 1, band, side, &e1, &e2) >= band * (side < 2 ? w : h) / 2)
      {
        least[0] = MIN (least[0], e1);
        least[1] = MIN (least[1], e2);
      }
  g_debug ("border band: the least error on a side %.2f under the model, %.2f under the other",
           least[0] < G_MAXDOUBLE ? least[0] : -1.0, least[1] < G_MAXDOUBLE ? least[1] : -1.0);

  return least[1] < 0.7 * least[0];
}

/* When the flow explains too little of the frame for a global model
 * (little texture, whose few reliable samples disagree; a zoom the
 * coarse flow does not follow), the model fitted to the keyframes'
 * pixels themselves, coarse to fine from a ~100 pixel wide level down
 * to level @bottom, from each of the @n_starts models @starts (level 0;
 * the similarity search's seed). Taken only where it explains level
 * @bottom clearly better (a truncated error under @ratio of theirs, on
 * the same pixels) than @h and than standing still, and is sane.
 * Returns TRUE if @h was replaced. */
gboolean
inb_flow_photometric_model (InbPlane    **pyr_a,
                            InbPlane    **pyr_b,
                            InbPlane    **bgx,
                            InbPlane    **bgy,
                            guint         n_levels,
                            guint         bottom,
                            const double *starts,
                            guint         n_starts,
                            double        ratio,
                            double        h[9])
{
  double id[9], out[9], best = G_MAXDOUBLE;
  gboolean taken = FALSE;
  guint top = bottom;

  while (top + 1 < n_levels && pyr_a[top + 1]->width >= 100)
    top++;
  inb_mat3_identity (id);
  for (guint k = 0; k < n_starts; k++)
    {
      double cand[9], ec, eh, ei, e;

      memcpy (cand, starts + 9 * k, sizeof cand);
      for (int l = (int) top; l >= (int) bottom; l--)
        homography_align (pyr_a[l], pyr_b[l], bgx[l], bgy[l], (guint) l, cand, l == (int) bottom ? 6 : 8);
      if (!homography_is_sane_at (cand, pyr_a[0]->width, pyr_a[0]->height))
        continue;
      pair_errors (pyr_a[bottom], pyr_b[bottom], bottom, cand, h, &ec, &eh);
      pair_errors (pyr_a[bottom], pyr_b[bottom], bottom, cand, id, &e, &ei);
      ec = MAX (ec, e);
      g_debug ("global model on the pixels from start %u: error %.3f, the flow's model %.3f, standing still %.3f",
               k, ec, eh, ei);
      if (ec < ratio * MIN (eh, ei) && ec < best)
        {
          best = ec;
          memcpy (out, cand, sizeof out);
          taken = TRUE;
        }
    }
  if (taken)
    memcpy (h, out, sizeof out);

  return taken;
}

/* ------------------------------------------------------------------ */
/* Robust global model                                                 */

typedef struct
{
  double x, y;     /* normalised source */
  double u, v;     /* normalised target */
  double prior;
  double w;
  double r;
} Match;

static int
compare_residual (gconstpointer a,
                  gconstpointer b)
{
  const Match *ma = a;
  const Match *mb = b;

  return (ma->r > mb->r) - (ma->r < mb->r);
}

static double
weighted_median_residual (Match *m,
                          guint  n,
                          Match *scratch)
{
  double total = 0, acc = 0;

  memcpy (scratch, m, n * sizeof (Match));
  qsort (scratch, n, sizeof (Match), compare_residual);
  for (guint i = 0; i < n; i++)
    total += scratch[i].prior;
  for (guint i = 0; i < n; i++)
    {
      acc += scratch[i].prior;
      if (acc >= 0.5 * total)
        return scratch[i].r;
    }

  return n > 0 ? scratch[n - 1].r : 0.0;
}

static void
update_residuals (Match        *m,
                  guint         n,
                  const double  h[9])
{
  for (guint i = 0; i < n; i++)
    {
      double tx, ty;

      inb_mat3_apply (h, m[i].x, m[i].y, &tx, &ty);
      m[i].r = hypot (tx - m[i].u, ty - m[i].v);
    }
}

static void
cauchy_weights (Match  *m,
                guint   n,
                double  sigma)
{
  double c = 2.385 * sigma;

  for (guint i = 0; i < n; i++)
    {
      double q = m[i].r / c;

      m[i].w = m[i].prior / (1.0 + q * q);
    }
}

static gboolean
fit_affine (const Match *m,
            guint        n,
            double       h[9])
{
  double a[9] = { 0 }, bu[3] = { 0 }, bv[3] = { 0 }, a2[9];

  for (guint i = 0; i < n; i++)
    {
      double p[3] = { m[i].x, m[i].y, 1.0 };

      for (guint r = 0; r < 3; r++)
        {
          for (guint c = 0; c < 3; c++)
            a[r * 3 + c] += m[i].w * p[r] * p[c];
          bu[r] += m[i].w * p[r] * m[i].u;
          bv[r] += m[i].w * p[r] * m[i].v;
        }
    }
  for (guint r = 0; r < 3; r++)
    a[r * 3 + r] += 1e-9;
  memcpy (a2, a, sizeof a);
  if (!inb_linalg_solve (a, bu, 3, 1e-15) || !inb_linalg_solve (a2, bv, 3, 1e-15))
    return FALSE;
  h[0] = bu[0]; h[1] = bu[1]; h[2] = bu[2];
  h[3] = bv[0]; h[4] = bv[1]; h[5] = bv[2];
  h[6] = 0; h[7] = 0; h[8] = 1;

  return TRUE;
}

static gboolean
fit_homography (const Match *m,
                guint        n,
                const double prev[9],
                double       h[9])
{
  double a[64] = { 0 }, b[8] = { 0 }, total = 0;

  for (guint i = 0; i < n; i++)
    {
      double x = m[i].x, y = m[i].y, u = m[i].u, v = m[i].v;
      double den = prev[6] * x + prev[7] * y + 1.0;
      double w = m[i].w / MAX (den * den, 1e-4);
      double ru[8] = { x, y, 1, 0, 0, 0, -u * x, -u * y };
      double rv[8] = { 0, 0, 0, x, y, 1, -v * x, -v * y };

      total += w;
      for (guint r = 0; r < 8; r++)
        {
          for (guint c = 0; c < 8; c++)
            a[r * 8 + c] += w * (ru[r] * ru[c] + rv[r] * rv[c]);
          b[r] += w * (ru[r] * u + rv[r] * v);
        }
    }
  for (guint r = 0; r < 8; r++)
    a[r * 8 + r] += 1e-9 * total + (r >= 6 ? 1e-4 * total : 0.0);
  if (!inb_linalg_solve (a, b, 8, 1e-15))
    return FALSE;
  memcpy (h, b, 8 * sizeof (double));
  h[8] = 1.0;

  return TRUE;
}

/* A plausible camera motion: keeps the image's corners in order and its
 * area within a factor of 3, with the horizon far away. */
static gboolean
homography_is_sane (const double h[9],
                    double       half_w,
                    double       half_h)
{
  double cx[4] = { -half_w, half_w, half_w, -half_w };
  double cy[4] = { -half_h, -half_h, half_h, half_h };
  double px[4], py[4];
  double area = 0;

  for (guint i = 0; i < 4; i++)
    {
      double den = h[6] * cx[i] + h[7] * cy[i] + h[8];

      if (den < 0.3)
        return FALSE;
      inb_mat3_apply (h, cx[i], cy[i], &px[i], &py[i]);
    }
  for (guint i = 0; i < 4; i++)
    {
      guint j = (i + 1) % 4, k = (i + 2) % 4;
      double cross = (px[j] - px[i]) * (py[k] - py[j]) - (py[j] - py[i]) * (px[k] - px[j]);

      if (cross <= 0)
        return FALSE;
      area += px[i] * py[j] - px[j] * py[i];
    }
  area = 0.5 * area / (4 * half_w * half_h);

  return area > 1.0 / 3.0 && area < 3.0;
}

static void
from_normalised (const double hn[9],
                 double       cx,
                 double       cy,
                 double       norm,
                 double       out[9])
{
  double nm[9], n_inv[9], t[9];

  inb_mat3_identity (nm);
  nm[0] = nm[4] = 1.0 / norm;
  nm[2] = -cx / norm;
  nm[5] = -cy / norm;
  inb_mat3_invert (nm, n_inv);
  inb_mat3_mul (hn, nm, t);
  inb_mat3_mul (n_inv, t, out);
  for (guint i = 0; i < 9; i++)
    out[i] /= out[8];
}

/* The dominant motion among the matches @hom leaves out: a translation
 * voted by the outliers, refined to an affine by IRLS on them. */
static gboolean
fit_layer (Match        *m,
           guint         n,
           const double  hom[9],
           double        thr,
           double        total,
           double        half_w,
           double        half_h,
           double        layer[9])
{
  g_autofree guint *outl = g_new (guint, n);
  g_autofree double *prior = g_new (double, n);
  double out_total = 0, best_count = 0, du = 0, dv = 0, sigma = thr;
  guint n_out = 0;

  update_residuals (m, n, hom);
  for (guint i = 0; i < n; i++)
    {
      prior[i] = m[i].r > 3 * thr ? m[i].prior : 0.0;
      if (prior[i] > 0)
        {
          outl[n_out++] = i;
          out_total += prior[i];
        }
    }
  if (n_out < 16 || out_total < 0.03 * total)
    return FALSE;

  for (guint k = 0; k < 64; k++)
    {
      const Match *h = &m[outl[(gsize) k * n_out / 64]];
      double hu = h->u - h->x, hv = h->v - h->y, count = 0;

      for (guint j = 0; j < n_out; j++)
        {
          const Match *c = &m[outl[j]];

          if (fabs (c->u - c->x - hu) + fabs (c->v - c->y - hv) < 3 * thr)
            count += prior[outl[j]];
        }
      if (count > best_count)
        {
          best_count = count;
          du = hu;
          dv = hv;
        }
    }
  if (best_count < 0.25 * out_total)
    return FALSE;

  inb_mat3_identity (layer);
  layer[2] = du;
  layer[5] = dv;
  for (guint it = 0; it < 6; it++)
    {
      update_residuals (m, n, layer);
      for (guint i = 0; i < n; i++)
        {
          /* Tukey's biweight: the rest of the outliers do not pull */
          double q = m[i].r / (3.0 * sigma);

          m[i].w = q < 1.0 ? prior[i] * (1.0 - q * q) * (1.0 - q * q) : 0.0;
        }
      if (!fit_affine (m, n, layer))
        return FALSE;
    }
  if (!homography_is_sane (layer, half_w, half_h))
    return FALSE;

  update_residuals (m, n, layer);
  best_count = 0;
  for (guint i = 0; i < n; i++)
    if (m[i].r < 3 * thr)
      best_count += prior[i];

  return best_count >= 0.25 * out_total;
}

/* The share of the matches' prior weight (of @total) that @h maps
 * within @tol of their targets (normalised units) */
static double
share_within (Match        *m,
              guint         n,
              const double  h[9],
              double        tol,
              double        total)
{
  double in = 0;

  update_residuals (m, n, h);
  for (guint i = 0; i < n; i++)
    if (m[i].r < tol)
      in += m[i].prior;

  return total > 0 ? in / total : 0.0;
}

/* Robust (Cauchy IRLS) affine, then homography fit to @m, from the
 * weights of the residuals of @start (%NULL: from least squares). The
 * share of the samples' prior weight within a pixel or so of @hom, or -1
 * when nothing sane is found. */
static double
robust_fit (Match        *m,
            guint         n,
            Match        *scratch,
            const double *start,
            double        norm,
            double        cx,
            double        cy,
            double        total,
            double        hom[9])
{
  double affine[9], sigma, inliers = 0;
  /* From a start, the scale of the residuals is capped: the fit stays in
   * the start's basin (a smooth background under a textured object
   * carries less than half the weight, so the median residual is the
   * object's and the fit would slide onto the compromise) */
  const double cap = start != NULL ? 3.0 / norm : G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    m[i].w = m[i].prior;
  if (start != NULL)
    {
      update_residuals (m, n, start);
      sigma = MAX (0.5 / norm, MIN (cap, 1.4826 * weighted_median_residual (m, n, scratch)));
      cauchy_weights (m, n, sigma);
    }
  if (!fit_affine (m, n, affine))
    return -1;
  for (guint it = 0; it < 6; it++)
    {
      update_residuals (m, n, affine);
      sigma = MAX (0.5 / norm, MIN (cap, 1.4826 * weighted_median_residual (m, n, scratch)));
      cauchy_weights (m, n, sigma);
      if (!fit_affine (m, n, affine))
        return -1;
    }
  memcpy (hom, affine, 9 * sizeof (double));
  for (guint it = 0; it < 6; it++)
    {
      double next[9];

      update_residuals (m, n, hom);
      sigma = MAX (0.5 / norm, MIN (cap, 1.4826 * weighted_median_residual (m, n, scratch)));
      cauchy_weights (m, n, sigma);
      if (!fit_homography (m, n, hom, next))
        break;
      memcpy (hom, next, 9 * sizeof (double));
    }
  if (!homography_is_sane (hom, cx / norm + 0.5, cy / norm + 0.5))
    {
      if (!homography_is_sane (affine, cx / norm + 0.5, cy / norm + 0.5))
        return -1;
      memcpy (hom, affine, 9 * sizeof (double));
    }

  update_residuals (m, n, hom);
  for (guint i = 0; i < n; i++)
    if (m[i].r * norm < MAX (1.5, 0.004 * norm))
      inliers += m[i].prior;

  return inliers / total;
}

/* The @n_out translations (normalised units) most of the matches' weight
 * agrees on: a vote on a grid of @bin (normalised), each peak taken with
 * the votes around it, which are then left out. Returns how many. */
static guint
translation_peaks (const Match *m,
                   guint        n,
                   double       bin,
                   guint        n_out,
                   double      *out)
{
  const int R = 64;   /* bins each way: ±64 bins */
  const int side = 2 * R + 1;
  g_autofree double *votes = g_new0 (double, (gsize) side * side);
  guint found = 0;

  for (guint i = 0; i < n; i++)
    {
      int bx = (int) lround ((m[i].u - m[i].x) / bin), by = (int) lround ((m[i].v - m[i].y) / bin);

      if (bx >= -R && bx <= R && by >= -R && by <= R)
        votes[(by + R) * side + bx + R] += m[i].prior;
    }
  for (guint k = 0; k < n_out; k++)
    {
      double best = 0;
      int px = 0, py = 0;

      for (int y = 1; y < side - 1; y++)
        for (int x = 1; x < side - 1; x++)
          {
            double v = 0;

            for (int dy = -1; dy <= 1; dy++)
              for (int dx = -1; dx <= 1; dx++)
                v += votes[(y + dy) * side + x + dx];
            if (v > best)
              {
                best = v;
                px = x;
                py = y;
              }
          }
      if (best <= 0)
        break;
      out[2 * found] = (px - R) * bin;
      out[2 * found + 1] = (py - R) * bin;
      found++;
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++)
          if (py + dy >= 0 && py + dy < side && px + dx >= 0 && px + dx < side)
            votes[(py + dy) * side + px + dx] = 0;
    }

  return found;
}

/* Fits the level-0 model to the flow @u, @v found on level @level. */
void
inb_flow_fit_global_model (const InbPlane *i0,
                           const InbPlane *i1,
                           const InbPlane *gx,
                           const InbPlane *gy,
                           const InbPlane *u,
                           const InbPlane *v,
                           guint           level,
                           guint           width0,
                           guint           height0,
                           const double   *fixed,
                           GlobalModel    *model)
{
  const guint w = u->width, h = u->height;
  const double s = ldexp (1.0, (int) level);
  const double off = 0.5 * (s - 1.0);
  const double cx = 0.5 * (width0 - 1.0), cy = 0.5 * (height0 - 1.0);
  const double norm = 0.5 * MAX (width0, height0);
  guint step = 1;
  g_autofree Match *m = NULL;
  g_autofree Match *scratch = NULL;
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  double hom[9], layer[9];
  double inliers = 0, total = 0;
  guint n = 0;

  inb_mat3_identity (model->h);
  inb_mat3_identity (model->layer);
  model->inlier_fraction = 0;
  model->layer_inlier_fraction = 0;
  model->has_layer = FALSE;

  while ((w / step) * (h / step) > 12000)
    step++;
  m = g_new (Match, (w / step + 1) * (h / step + 1));
  for (guint y = step / 2; y < h; y += step)
    for (guint x = step / 2; x < w; x += step)
      {
        gsize k = (gsize) y * w + x;
        float fu = u->data[k], fv = v->data[k];
        float g2 = gx->data[k] * gx->data[k] + gy->data[k] * gy->data[k];
        float e = inb_plane_sample (i1, x + fu, y + fv) - i0->data[k];
        double tx = x + fu, ty = y + fv;
        Match *mm;

        if (tx < 1 || ty < 1 || tx > w - 2 || ty > h - 2)
          continue;
        mm = &m[n++];
        mm->x = (s * x + off - cx) / norm;
        mm->y = (s * y + off - cy) / norm;
        mm->u = (s * tx + off - cx) / norm;
        mm->v = (s * ty + off - cy) / norm;
        mm->prior = (g2 / (g2 + 16.0)) / (1.0 + (e / 12.0) * (e / 12.0));
        mm->w = mm->prior;
        total += mm->prior;
      }
  if (n < 8 || total < 1e-3)
    return;
  scratch = g_new (Match, n);

  if (fixed != NULL)
    {
      /* Only a second layer against a known model, with a tolerance of
       * the level's pixel. */
      double nm[9], n_inv[9], t[9];

      inb_mat3_identity (nm);
      nm[0] = nm[4] = 1.0 / norm;
      nm[2] = -cx / norm;
      nm[5] = -cy / norm;
      inb_mat3_invert (nm, n_inv);
      inb_mat3_mul (fixed, n_inv, t);
      inb_mat3_mul (nm, t, hom);
      if (fit_layer (m, n, hom, MAX (1.5, 0.75 * s) / norm, total,
                     cx / norm + 0.5, cy / norm + 0.5, layer))
        {
          model->has_layer = TRUE;
          model->layer_inlier_fraction = share_within (m, n, layer, MAX (1.5, 0.75 * s) / norm, total);
          from_normalised (layer, cx, cy, norm, model->layer);
        }
      return;
    }

  /* Affine by IRLS, then a homography from there; from the least
   * squares fit, and if that explains little, from standing still too
   * (a textured object over a smooth background outweighs the
   * background in least squares) */
  inliers = robust_fit (m, n, scratch, NULL, norm, cx, cy, total, hom);
  if (inliers < 0.5)
    {
      /* from standing still, and from the translations most of the
       * matches vote for (the background's, under objects that move
       * far and outweigh it in least squares) */
      double peaks[2 * 3], start[9];
      guint n_peaks = translation_peaks (m, n, 4.0 / norm, 3, peaks);

      for (guint k = 0; k <= n_peaks; k++)
        {
          double other[9], more;

          memcpy (start, identity, sizeof start);
          if (k > 0)
            {
              start[2] = peaks[2 * (k - 1)];
              start[5] = peaks[2 * (k - 1) + 1];
            }
          more = robust_fit (m, n, scratch, start, norm, cx, cy, total, other);
          if (more >= 0)
            {
              /* the start itself, if it explains about as much: the
               * fit from it can drift with few inliers */
              double plain = 0;

              update_residuals (m, n, start);
              for (guint i = 0; i < n; i++)
                if (m[i].r * norm < MAX (1.5, 0.004 * norm))
                  plain += m[i].prior;
              plain /= total;
              if (plain > more - 0.03)
                {
                  more = plain;
                  memcpy (other, start, sizeof start);
                }
            }
          if (more > inliers + 0.15)
            {
              g_debug ("global model: from the shift %.1f %.1f, inliers %.2f (not %.2f)",
                       start[2] * norm, start[5] * norm, more, inliers);
              inliers = more;
              memcpy (hom, other, sizeof other);
            }
        }
    }
  if (inliers < 0)
    return;
  model->inlier_fraction = inliers;

  if (fit_layer (m, n, model->inlier_fraction < 0.15 ? identity : hom,
                 MAX (1.5, 0.004 * norm) / norm, total,
                 cx / norm + 0.5, cy / norm + 0.5, layer))
    {
      model->has_layer = TRUE;
      model->layer_inlier_fraction = share_within (m, n, layer, MAX (1.5, 0.004 * norm) / norm, total);
      from_normalised (layer, cx, cy, norm, model->layer);
    }

  if (model->inlier_fraction < 0.15)
    return;

  /* Back from normalised to level-0 pixel coordinates. */
  from_normalised (hom, cx, cy, norm, model->h);
}

static int
compare_float (gconstpointer a,
               gconstpointer b)
{
  float fa = *(const float *) a, fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

/* The share of a keyframe's brightest luma above which a pixel may be
 * clipped */
#define SATURATED 0.95f

/* The exposure change most of the @n samples (@va, @vb) agree on: for
 * each gain in [0.67, 1.5] (steps of 0.01), the offsets vb - gain va in
 * bins of 2 levels; the gain and offset of the fullest bin (with its
 * neighbours). A least squares fit over all the samples is pulled by a
 * large object moving against the background (both the pixels it covers
 * and those it uncovers disagree with the exposure line), which a
 * trimming that starts from it does not undo. */
static void
exposure_consensus (const float *va,
                    const float *vb,
                    guint        n,
                    double      *out_gain,
                    double      *out_offset)
{
  enum { N_BINS = 512 };
  const guint step = MAX (1u, n / 16384u);
  guint hist[N_BINS], best = 0;

  *out_gain = 1.0;
  *out_offset = 0.0;
  for (int gi = 67; gi <= 150; gi++)
    {
      const float g = gi / 100.f;

      memset (hist, 0, sizeof hist);
      for (guint i = 0; i < n; i += step)
        {
          int b = (int) floorf ((vb[i] - g * va[i]) / 2.f) + N_BINS / 2;

          if (b >= 0 && b < N_BINS)
            hist[b]++;
        }
      for (int b = 1; b + 1 < N_BINS; b++)
        {
          guint c = hist[b - 1] + hist[b] + hist[b + 1];

          if (c > best)
            {
              best = c;
              *out_gain = g;
              *out_offset = 2.0 * (b - N_BINS / 2) + 1.0;
            }
        }
    }
}

/* The exposure change of keyframes with too little texture to tell a
 * gain from an offset (the @n samples' luma varies by less than 5
 * levels): the ratio of their means, a camera's gain, if it differs from
 * 1 by 15 % or more, explains the samples within 3 levels (the median)
 * and neither keyframe is nearly black. A pale, smooth photograph is the one kind where the
 * middle's brightness still depends on it: where only one keyframe sees
 * a place (the edges of a zoom or a pan), it is drawn from that one,
 * brought half-way. */
static gboolean
exposure_flat (const float *va,
               const float *vb,
               guint        n,
               double      *out_gain)
{
  g_autofree float *res = g_new (float, n);
  double sa = 0, sb = 0, gain;

  for (guint i = 0; i < n; i++)
    {
      sa += va[i];
      sb += vb[i];
    }
  if (sa < 16.0 * n || sb < 16.0 * n)
    return FALSE;
  gain = CLAMP (sb / sa, 0.67, 1.5);
  if (fabs (gain - 1.0) < 0.15)
    return FALSE;
  for (guint i = 0; i < n; i++)
    res[i] = fabsf (vb[i] - (float) (gain * va[i]));
  qsort (res, n, sizeof (float), compare_float);
  if (res[n / 2] > 3.f)
    return FALSE;
  *out_gain = gain;

  return TRUE;
}

/* Whether last = @gain first + @offset is an exposure change worth
 * taking out (normal pairs are left alone) */
gboolean
inb_flow_exposure_changes (double gain,
                           double offset)
{
  return !(fabs (gain - 1.0) < 0.06 && fabs (offset + (gain - 1.0) * 128.0) < 4.0);
}

/* Robust least squares b(H x) = gain a(x) + offset over the pixels @h0
 * keeps inside b, on level @level (refitted on the pixels within three
 * robust sigmas, so a moving object does not count), from a plain least
 * squares fit or, if @consensus, from the exposure most pixels agree on
 * (exposure_consensus(): a large object moving against the background
 * pulls a plain fit). %FALSE when there is too little overlap or
 * texture, no significant change (inb_flow_exposure_changes(); unless
 * @any), or the aligned keyframes hardly correlate. @out_range (or
 * %NULL): the 5th and 95th percentiles of @a's values it was fitted on. */
gboolean
inb_flow_estimate_exposure (const InbPlane *a,
                            const InbPlane *b,
                            guint           level,
                            const double    h0[9],
                            gboolean        consensus,
                            gboolean        any,
                            double         *out_gain,
                            double         *out_offset,
                            double         *out_range)
{
  const guint w = a->width, h = a->height;
  g_autofree float *va = g_new (float, (gsize) w * h);
  g_autofree float *vb = g_new (float, (gsize) w * h);
  g_autofree float *res = g_new (float, (gsize) w * h);
  double hl[9], gain = 1.0, offset = 0.0, limit = G_MAXDOUBLE, corr = 0.0;
  float top_a = 0.f, top_b = 0.f;
  guint n = 0, n_in = 0;

  inb_flow_homography_at_level (h0, level, hl);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      top_a = MAX (top_a, a->data[i]);
      top_b = MAX (top_b, b->data[i]);
    }
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        double tx, ty;

        inb_mat3_apply (hl, x, y, &tx, &ty);
        if (!(tx >= 1 && ty >= 1 && tx <= w - 2.0 && ty <= h - 2.0))
          continue;
        n_in++;
        va[n] = a->data[(gsize) y * w + x];
        vb[n] = inb_plane_sample (b, (float) tx, (float) ty);
        /* not near the brightest value of either keyframe: a brighter
         * exposure clips there, which no gain explains */
        if (va[n] < SATURATED * top_a && vb[n] < SATURATED * top_b)
          n++;
      }
  if (n_in < 0.3 * w * h || n < 0.15 * w * h)
    return FALSE;

  /* from the exposure most pixels agree on: the background's */
  if (consensus)
    {
      exposure_consensus (va, vb, n, &gain, &offset);
      limit = 8.0;
    }
  for (guint it = 0; it < 4; it++)
    {
      double sa = 0, sb = 0, saa = 0, sab = 0, sbb = 0, m = 0, var;

      for (guint i = 0; i < n; i++)
        if (fabs (vb[i] - gain * va[i] - offset) < limit)
          {
            sa += va[i];
            sb += vb[i];
            saa += (double) va[i] * va[i];
            sab += (double) va[i] * vb[i];
            sbb += (double) vb[i] * vb[i];
            m++;
          }
      if (m < 0.2 * n)
        return FALSE;
      var = saa - sa * sa / m;
      if (var < 25.0 * m)
        {
          if (it > 0 || !exposure_flat (va, vb, n, &gain))
            return FALSE;
          offset = 0.0;
          corr = 1.0;
          g_debug ("exposure: too little texture for a gain and an offset; the gain alone %.3f", gain);
          break;
        }
      corr = (sab - sa * sb / m) / sqrt (var * MAX (sbb - sb * sb / m, 1e-9));
      gain = CLAMP ((sab - sa * sb / m) / var, 0.67, 1.5);
      offset = (sb - gain * sa) / m;

      for (guint i = 0; i < n; i++)
        res[i] = fabsf (vb[i] - (float) (gain * va[i] + offset));
      qsort (res, n, sizeof (float), compare_float);
      limit = MAX (3.0, 3.0 * 1.4826 * res[n / 2]);
      /* (from the consensus: never so wide that the pixels that
       * disagree with it pull the fit away) */
      if (consensus)
        limit = MIN (limit, 8.0);
    }
  if (!any && !inb_flow_exposure_changes (gain, offset))
    return FALSE;
  /* Keyframes that the seed does not align hardly correlate (a slope
   * near 0, not an exposure change) */
  if (corr < 0.8)
    {
      g_debug ("exposure: no change taken (correlation %.2f under the seed)", corr);
      return FALSE;
    }

  *out_gain = gain;
  *out_offset = offset;
  if (out_range != NULL)
    {
      /* (res is free again) */
      memcpy (res, va, n * sizeof (float));
      qsort (res, n, sizeof (float), compare_float);
      out_range[0] = res[n / 20];
      out_range[1] = res[n - 1 - n / 20];
    }

  return TRUE;
}
