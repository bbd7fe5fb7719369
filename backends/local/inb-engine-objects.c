/* inb-engine-objects.c — objects moving far as layers of their own
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 4 of inb-engine.c at analysis time: each object's affine motion
 * (fitted to its flow, refined photometrically), its masks in both
 * keyframes, the background's motion filled in under and around it
 * (push-pull), and small objects painted out of the keyframes.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine-private.h"

/* ------------------------------------------------------------------ */
/* Objects moving far                                                  */

/* Fills the whole plane with the @w-weighted mean of (@u, @v) nearby:
 * push-pull on a 2× pyramid of weighted sums (Gortler et al. 1996), so
 * that a pixel without weight takes the closest weighted ones. */
void
inb_engine_push_pull (const float *wu,
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

/* A plausible motion of an object (the linear part @a of x' = A x + t):
 * a turn of up to 35° and a scale change of up to 1.4× either way, and
 * little besides (shear, a stretch along one axis: up to 15 % of the
 * scale). A thin object turning (a strong turn, few pixels across) was
 * fitted a shear; |a01| <= 0.25 alone refused any turn past 14°. */
static gboolean
plausible_motion (double a00,
                  double a01,
                  double a10,
                  double a11)
{
  double sc = 0.5 * (a00 + a11), sn = 0.5 * (a10 - a01);
  double s = hypot (sc, sn);

  return s > 1.0 / 1.4 && s < 1.4 && fabs (atan2 (sn, sc)) < G_PI * 35.0 / 180.0
         && 0.5 * (fabs (a00 - a11) + fabs (a01 + a10)) < 0.15 * s;
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
        if (!plausible_motion (res[0][0], res[0][1], res[1][0], res[1][1]))
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

/* The Jacobian @j of the warp x' = q0 u + q1 v + q2, y' = q3 u + q4 v
 * + q5 (u, v centred on a box) at (@u, @v), the image's gradient there
 * (@gx, @gy): @similarity, of its turn and scale only (q0 = q4 = a,
 * q1 = -q3 = -b: x' = a u - b v + q2, y' = b u + a v + q5; 4 unknowns),
 * else of the affine warp (6) */
static inline void
warp_jacobian (float    gx,
               float    gy,
               double   u,
               double   v,
               gboolean similarity,
               double   j[6])
{
  if (similarity)
    {
      j[0] = gx * u + gy * v;
      j[1] = -gx * v + gy * u;
      j[2] = gx;
      j[3] = gy;
    }
  else
    {
      j[0] = gx * u;
      j[1] = gx * v;
      j[2] = gx;
      j[3] = gy * u;
      j[4] = gy * v;
      j[5] = gy;
    }
}

/* The warp @q of warp_jacobian() moved by the Gauss-Newton step @g */
static inline void
warp_update (const double *g,
             gboolean      similarity,
             double        q[6])
{
  if (similarity)
    {
      q[0] += g[0];
      q[4] = q[0];
      q[3] += g[1];
      q[1] = -q[3];
      q[2] += g[2];
      q[5] += g[3];
    }
  else
    for (guint a = 0; a < 6; a++)
      q[a] += g[a];
}

/* Gauss-Newton on last(q x) = first(x) (Huber weights) over the pixels
 * @use of box [@x0, @x1] × [@y0, @y1], in coordinates centred on
 * (@cx, @cy): x' = q0 u + q1 v + q2 (u = x - cx). @similarity: q kept a
 * turn and a scale (q4 = q0, q3 = -q1; 4 unknowns), else affine (6).
 * Returns the mean Huber cost at the end, or -1 if it failed. */
static double
refine_gauss_newton (const InbPlane *la,
                     const InbPlane *lb,
                     const guint8   *use,
                     int             x0,
                     int             x1,
                     int             y0,
                     int             y1,
                     double          cx,
                     double          cy,
                     gboolean        similarity,
                     double          q[6])
{
  const int w = (int) la->width;
  const guint np = similarity ? 4 : 6;

  for (guint it = 0; it <= 12; it++)
    {
      double hm[36] = { 0 }, g[6] = { 0 }, cost = 0, n = 0;

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
            wt = fabs (r) < 10.0 ? 1.0 : 10.0 / fabs (r);
            cost += fabs (r) < 10.0 ? 0.5 * r * r : 10.0 * (fabs (r) - 5.0);
            n++;
            if (it == 12)
              continue;
            gx = 0.5f * (inb_plane_sample (lb, px + 1.f, py) - inb_plane_sample (lb, px - 1.f, py));
            gy = 0.5f * (inb_plane_sample (lb, px, py + 1.f) - inb_plane_sample (lb, px, py - 1.f));
            warp_jacobian (gx, gy, u, v, similarity, j);
            for (guint a = 0; a < np; a++)
              {
                for (guint b = 0; b < np; b++)
                  hm[a * np + b] += wt * j[a] * j[b];
                g[a] -= wt * j[a] * r;
              }
          }
      if (n == 0)
        return -1;
      if (it == 12)
        return cost / n;
      for (guint a = 0; a < np; a++)
        hm[a * np + a] *= 1.0 + 1e-6;
      if (!inb_linalg_solve (hm, g, np, 1e-12))
        return -1;
      warp_update (g, similarity, q);
    }

  return -1;
}

/* Refines the object's affine motion @m photometrically over the pixels
 * of its box whose flow follows @m: the flow inside a striped object has
 * an aperture problem, its outline and texture do not. First as a turn
 * and a scale (from the nearest such motion: a thin object turning is
 * fitted a shear by the flow), then as an affine motion from there, kept
 * where it explains the pixels better. */
static void
object_refine (const InbFlowAnalysis *an,
               int                    x0,
               int                    x1,
               int                    y0,
               int                    y1,
               float                  tol,
               double                 m[6])
{
  const int w = (int) an->width;
  const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
  g_autofree guint8 *use = g_new0 (guint8, (gsize) (x1 - x0 + 1) * (y1 - y0 + 1));
  double q[6], qs[6], cs, ca;
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
  qs[0] = qs[4] = 0.5 * (q[0] + q[4]);
  qs[3] = 0.5 * (q[3] - q[1]);
  qs[1] = -qs[3];
  qs[2] = q[2];
  qs[5] = q[5];
  cs = refine_gauss_newton (an->luma0, an->luma1, use, x0, x1, y0, y1, cx, cy, TRUE, qs);
  if (cs < 0 || !plausible_motion (qs[0], qs[1], qs[3], qs[4])
      || fabs (qs[2] - q[2]) > tol || fabs (qs[5] - q[5]) > tol)
    return;
  memcpy (q, qs, sizeof q);
  ca = refine_gauss_newton (an->luma0, an->luma1, use, x0, x1, y0, y1, cx, cy, FALSE, q);
  /* a plausible object motion, near where the flow found it */
  if (ca < 0 || ca >= cs || !plausible_motion (q[0], q[1], q[3], q[4])
      || fabs (q[2] - qs[2]) > tol || fabs (q[5] - qs[5]) > tol)
    memcpy (q, qs, sizeof q);
  m[0] = q[0];
  m[1] = q[1];
  m[2] = q[2] - q[0] * cx - q[1] * cy;
  m[3] = q[3];
  m[4] = q[4];
  m[5] = q[5] - q[3] * cx - q[4] * cy;
}

/* Levels of the luma pyramids the object's motion is refined on as a
 * layer (object_refine_layer()): the analysis grid and 3 halvings */
#define LAYER_LEVELS 4

/* object_refine_layer(): how much of the object's box its motion must
 * keep in the frame for the refinement back from the last keyframe */
#define LAYER_INSIDE 0.75

/* object_refine_layer(): a found motion with more shear than this (of
 * its scale) is refined from the nearest turn and scale; a refined one
 * is kept when its cost is below LAYER_GAIN of the found one's, from a
 * motion with that much shear LAYER_GAIN_SHEARED */
#define LAYER_SHEAR        0.06
#define LAYER_GAIN         0.99
#define LAYER_GAIN_SHEARED 0.95

/* object_refine_layer(): a motion found by searching every translation
 * (layer_search()), far from the found one, is kept when its cost is
 * below this of the found one's */
#define LAYER_GAIN_FAR 0.8

/* A searched motion refined back comes back to itself where it takes the
 * box's corners within 0.2 × the found translation of where the searched
 * one does; for an object found twice (its found translation one of two
 * finds of it, neither its own), within this share of the box's diagonal
 * too: a turn or a scale refined a little otherwise moves the corners by
 * a share of the box's size, however little the object moves (a large
 * soft object moving a tenth of the frame: 1.06× back against 0.996×).
 * (Found once, a phantom's searched motion came back within it: a
 * textured region of the frame replaced by another, 0.77× and 0.75×.) */
#define LAYER_BACK_BOX 0.1

/* layer_search(): how far (pixels of the coarsest level) from where it
 * is and from where the background's motion takes it the motions it
 * tries move the box's centre, and the refined one must (times
 * 2^(LAYER_LEVELS - 1) analysis pixels) */
#define LAYER_SEARCH_APART 2.f

/* object_merge_parts(): another object's motion must explain the box
 * this much better */
#define MERGE_RATIO 0.6

/* @p halved: the mean of each 2 × 2 block (an odd last row or column
 * alone) */
static InbPlane *
plane_halve (const InbPlane *p)
{
  const guint w = MAX (1, p->width / 2), h = MAX (1, p->height / 2);
  InbPlane *q = inb_plane_new (w, h);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint x1 = MIN (2 * x + 1, p->width - 1), y1 = MIN (2 * y + 1, p->height - 1);

        q->data[(gsize) y * w + x] = 0.25f * (p->data[(gsize) 2 * y * p->width + 2 * x]
                                              + p->data[(gsize) 2 * y * p->width + x1]
                                              + p->data[(gsize) y1 * p->width + 2 * x]
                                              + p->data[(gsize) y1 * p->width + x1]);
      }

  return q;
}

/* Affine @m of the analysis grid on pyramid level @l (x = s xl + o,
 * s = 2^l, o = (s - 1) / 2), into @ml; @back: the other way */
static void
affine_to_level (const double *m,
                 guint         l,
                 gboolean      back,
                 double       *ml)
{
  const double s = (double) (1u << l), o = 0.5 * (s - 1.0);

  memcpy (ml, m, 6 * sizeof (double));
  if (!back)
    {
      ml[2] = (m[2] + (m[0] + m[1]) * o - o) / s;
      ml[5] = (m[5] + (m[3] + m[4]) * o - o) / s;
    }
  else
    {
      ml[2] = s * m[2] + o - (m[0] + m[1]) * o;
      ml[5] = s * m[5] + o - (m[3] + m[4]) * o;
    }
}

/* The homography @hm of the analysis grid on pyramid level @l */
static void
homography_to_level (const double *hm,
                     guint         l,
                     double       *hl)
{
  const double s = (double) (1u << l), o = 0.5 * (s - 1.0);
  /* C^-1 H C, C = [s 0 o; 0 s o; 0 0 1] */
  double hc[9];

  for (guint r = 0; r < 3; r++)
    {
      hc[r * 3 + 0] = hm[r * 3 + 0] * s;
      hc[r * 3 + 1] = hm[r * 3 + 1] * s;
      hc[r * 3 + 2] = (hm[r * 3 + 0] + hm[r * 3 + 1]) * o + hm[r * 3 + 2];
    }
  for (guint c = 0; c < 3; c++)
    {
      hl[0 * 3 + c] = (hc[0 * 3 + c] - o * hc[2 * 3 + c]) / s;
      hl[1 * 3 + c] = (hc[1 * 3 + c] - o * hc[2 * 3 + c]) / s;
      hl[2 * 3 + c] = hc[2 * 3 + c];
    }
}

/* Gauss-Newton on lb(q x) = la(x) (Huber weights) as a layer over the
 * background moving by @hm: over every @step-th pixel of the box [@x0,
 * @x1] × [@y0, @y1], each counting only where q explains it at least as
 * well as the background's motion (2 levels of slack). @similarity: a
 * turn and a scale only. Returns FALSE if it failed. */
static gboolean
layer_gauss_newton (const InbPlane *la,
                    const InbPlane *lb,
                    const double   *hm,
                    int             x0,
                    int             x1,
                    int             y0,
                    int             y1,
                    int             step,
                    gboolean        similarity,
                    double          q[6])
{
  const int w = (int) la->width;
  const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
  const guint np = similarity ? 4 : 6;
  /* in coordinates centred on the box: x' = c0 u + c1 v + c2 */
  double c[6] = { q[0], q[1], q[0] * cx + q[1] * cy + q[2], q[3], q[4], q[3] * cx + q[4] * cy + q[5] };

  const int nx = (x1 - x0) / step + 1, ny = (y1 - y0) / step + 1;
  /* (the background's error, the same at every step) */
  g_autofree float *eb = g_new (float, (gsize) nx * ny);

  if (similarity)
    {
      c[0] = c[4] = 0.5 * (q[0] + q[4]);
      c[3] = 0.5 * (q[3] - q[1]);
      c[1] = -c[3];
    }
  for (int y = y0, i = 0; y <= y1; y += step)
    for (int x = x0; x <= x1; x += step, i++)
      {
        float bx, by;

        apply_h (hm, (float) x, (float) y, &bx, &by);
        eb[i] = fabsf (inb_plane_sample (lb, bx, by) - la->data[(gsize) y * w + x]);
      }
  for (guint it = 0; it < 12; it++)
    {
      double hmat[36] = { 0 }, g[6] = { 0 }, n = 0;
      int i = 0;

      for (int y = y0; y <= y1; y += step)
        for (int x = x0; x <= x1; x += step, i++)
          {
            double u = x - cx, v = y - cy, j[6], r, wt;
            float px, py, gx, gy, l = la->data[(gsize) y * w + x];

            px = (float) (c[0] * u + c[1] * v + c[2]);
            py = (float) (c[3] * u + c[4] * v + c[5]);
            r = inb_plane_sample (lb, px, py) - l;
            if (fabs (r) > eb[i] + 2.0)
              continue;
            wt = fabs (r) < 10.0 ? 1.0 : 10.0 / fabs (r);
            n++;
            gx = 0.5f * (inb_plane_sample (lb, px + 1.f, py) - inb_plane_sample (lb, px - 1.f, py));
            gy = 0.5f * (inb_plane_sample (lb, px, py + 1.f) - inb_plane_sample (lb, px, py - 1.f));
            warp_jacobian (gx, gy, u, v, similarity, j);
            /* (the upper triangle: the rest mirrors it) */
            for (guint a = 0; a < np; a++)
              {
                for (guint b = a; b < np; b++)
                  hmat[a * np + b] += wt * j[a] * j[b];
                g[a] -= wt * j[a] * r;
              }
          }
      if (n < 32)
        return FALSE;
      for (guint a = 0; a < np; a++)
        for (guint b = 0; b < a; b++)
          hmat[a * np + b] = hmat[b * np + a];
      for (guint a = 0; a < np; a++)
        hmat[a * np + a] *= 1.0 + 1e-6;
      if (!inb_linalg_solve (hmat, g, np, 1e-12))
        return FALSE;
      warp_update (g, similarity, c);
    }
  q[0] = c[0];
  q[1] = c[1];
  q[2] = c[2] - c[0] * cx - c[1] * cy;
  q[3] = c[3];
  q[4] = c[4];
  q[5] = c[5] - c[3] * cx - c[4] * cy;

  return TRUE;
}

/* How well motion @q explains the box [@x0, @x1] × [@y0, @y1] of @la (every
 * other pixel) as a layer over the background moving by @hm: the mean of
 * the smaller of its error and the background's (+ 2), a figure over the
 * same pixels whatever the motion */
static double
layer_cost (const InbPlane *la,
            const InbPlane *lb,
            const double   *hm,
            int             x0,
            int             x1,
            int             y0,
            int             y1,
            const double   *q)
{
  const int w = (int) la->width;
  double sum = 0;
  guint n = 0;

  for (int y = y0; y <= y1; y += 2)
    for (int x = x0; x <= x1; x += 2)
      {
        float px, py, bx, by, l = la->data[(gsize) y * w + x];

        affine_apply (q, (float) x, (float) y, &px, &py);
        apply_h (hm, (float) x, (float) y, &bx, &by);
        sum += MIN (fabsf (inb_plane_sample (lb, px, py) - l), fabsf (inb_plane_sample (lb, bx, by) - l) + 2.f);
        n++;
      }

  return n > 0 ? sum / n : 0.0;
}

/* @m inverted into @mi (x = mi x' where x' = m x) */
static void
affine_invert (const double *m,
               double       *mi)
{
  const double det = m[0] * m[4] - m[1] * m[3];

  mi[0] = m[4] / det;
  mi[1] = -m[1] / det;
  mi[3] = -m[3] / det;
  mi[4] = m[0] / det;
  mi[2] = -(mi[0] * m[2] + mi[1] * m[5]);
  mi[5] = -(mi[3] * m[2] + mi[4] * m[5]);
}

/* layer_gauss_newton() coarse to fine from keyframe @a's pyramid to @b's
 * over the box [@x0, @x1] × [@y0, @y1] of @a, the background moving by
 * @hm: a turn and a scale then (on the two finest levels) an affine
 * motion on each level. FALSE if it failed. */
static gboolean
layer_coarse_to_fine (InbPlane * const pa[LAYER_LEVELS],
                      InbPlane * const pb[LAYER_LEVELS],
                      const double    *hm,
                      int              x0,
                      int              x1,
                      int              y0,
                      int              y1,
                      double           q[6])
{
  for (int l = LAYER_LEVELS - 1; l >= 0; l--)
    {
      const guint s = 1u << l;
      const int lx0 = x0 / (int) s, lx1 = MIN ((int) pa[l]->width - 1, x1 / (int) s);
      const int ly0 = y0 / (int) s, ly1 = MIN ((int) pa[l]->height - 1, y1 / (int) s);
      double ql[6], hl[9];

      if (lx1 - lx0 < 8 || ly1 - ly0 < 8)
        continue;
      affine_to_level (q, (guint) l, FALSE, ql);
      homography_to_level (hm, (guint) l, hl);
      if (!layer_gauss_newton (pa[l], pb[l], hl, lx0, lx1, ly0, ly1, l == 0 ? 2 : 1, TRUE, ql))
        return FALSE;
      if (l < 2 && !layer_gauss_newton (pa[l], pb[l], hl, lx0, lx1, ly0, ly1, l == 0 ? 2 : 1, FALSE, ql))
        return FALSE;
      affine_to_level (ql, (guint) l, TRUE, q);
    }

  return TRUE;
}

/* The box of @m applied to [@x0, @x1] × [@y0, @y1], within @w × @h;
 * FALSE if too little of it is */
static gboolean
affine_box (const double *m,
            int           x0,
            int           x1,
            int           y0,
            int           y1,
            int           w,
            int           h,
            int           box[4],
            double       *inside)
{
  float bx0 = G_MAXFLOAT, bx1 = -G_MAXFLOAT, by0 = G_MAXFLOAT, by1 = -G_MAXFLOAT;

  for (guint c = 0; c < 4; c++)
    {
      float px, py;

      affine_apply (m, (float) (c & 1 ? x1 : x0), (float) (c & 2 ? y1 : y0), &px, &py);
      bx0 = MIN (bx0, px);
      bx1 = MAX (bx1, px);
      by0 = MIN (by0, py);
      by1 = MAX (by1, py);
    }
  box[0] = MAX (0, (int) floorf (bx0));
  box[1] = MIN (w - 1, (int) ceilf (bx1));
  box[2] = MAX (0, (int) floorf (by0));
  box[3] = MIN (h - 1, (int) ceilf (by1));
  if (inside != NULL)
    *inside = (double) MAX (0, box[1] - box[0]) * MAX (0, box[3] - box[2]) / MAX (1.0, (bx1 - bx0) * (by1 - by0));

  return box[1] - box[0] >= 16 && box[3] - box[2] >= 16;
}

/* layer_cost() both ways: motion @m over the box [@x0, @x1] × [@y0, @y1]
 * of the first keyframe, its inverse over the box it takes that to
 * (@bb); the background moving by @hm[0] first -> last, @hm[1] back */
static double
layer_cost_both (InbPlane * const pyr[2][LAYER_LEVELS],
                 const double     hm[2][9],
                 int              x0,
                 int              x1,
                 int              y0,
                 int              y1,
                 const int        bb[4],
                 const double    *m)
{
  double mi[6];

  affine_invert (m, mi);

  return layer_cost (pyr[0][0], pyr[1][0], hm[0], x0, x1, y0, y1, m)
         + layer_cost (pyr[1][0], pyr[0][0], hm[1], bb[0], bb[1], bb[2], bb[3], mi);
}

/* Whether motions @a and @b take the corners of the box [@x0, @x1] ×
 * [@y0, @y1] within @tol of each other */
static gboolean
motions_agree (const double *a,
               const double *b,
               int           x0,
               int           x1,
               int           y0,
               int           y1,
               double        tol)
{
  for (guint c = 0; c < 4; c++)
    {
      float ax, ay, bx, by;

      affine_apply (a, (float) (c & 1 ? x1 : x0), (float) (c & 2 ? y1 : y0), &ax, &ay);
      affine_apply (b, (float) (c & 1 ? x1 : x0), (float) (c & 2 ? y1 : y0), &bx, &by);
      if (hypot (ax - bx, ay - by) > tol)
        return FALSE;
    }

  return TRUE;
}

/* The translation that explains the box [@x0, @x1] × [@y0, @y1] of the
 * first keyframe best as a layer over the background moving by @hm
 * (layer_cost()), searched on the coarsest level of the pyramids @pyr
 * over every translation that keeps the box's centre in the frame and
 * moves it LAYER_SEARCH_APART pixels of that level or more from where it
 * is and from where the background takes it (the first of equals, row by
 * row), into @q (analysis grid). Neither is an object's moving far: the
 * background's motion explains a box of mostly background best, and
 * standing still explains the frame wherever the global model is not the
 * background's (it took an object across a third of the frame, and the
 * background standing still was found as an object). */
static void
layer_search (InbPlane * const pyr[2][LAYER_LEVELS],
              const double    *hm,
              int              x0,
              int              x1,
              int              y0,
              int              y1,
              double           q[6])
{
  const guint l = LAYER_LEVELS - 1;
  const int s = 1 << l;
  const InbPlane *la = pyr[0][l], *lb = pyr[1][l];
  const int lx0 = x0 / s, lx1 = MIN ((int) la->width - 1, x1 / s);
  const int ly0 = y0 / s, ly1 = MIN ((int) la->height - 1, y1 / s);
  const double cx = 0.5 * (lx0 + lx1), cy = 0.5 * (ly0 + ly1);
  double hl[9], ql[6] = { 1, 0, 0, 0, 1, 0 }, best = G_MAXDOUBLE, bx = 0, by = 0;
  float gx, gy;

  const int nx = (lx1 - lx0) / 2 + 1, ny = (ly1 - ly0) / 2 + 1;
  /* (layer_cost()'s background side, the same for every translation) */
  g_autofree float *eb = g_new (float, (gsize) MAX (1, nx) * MAX (1, ny));

  homography_to_level (hm, l, hl);
  apply_h (hl, (float) cx, (float) cy, &gx, &gy);
  for (int y = ly0, i = 0; y <= ly1; y += 2)
    for (int x = lx0; x <= lx1; x += 2, i++)
      {
        float ex, ey;

        apply_h (hl, (float) x, (float) y, &ex, &ey);
        eb[i] = fabsf (inb_plane_sample (lb, ex, ey) - la->data[(gsize) y * la->width + x]) + 2.f;
      }
  for (int ty = 0; ty < (int) lb->height; ty++)
    for (int tx = 0; tx < (int) lb->width; tx++)
      {
        double cost, sum = 0;
        guint n = 0;

        if (hypotf ((float) tx - gx, (float) ty - gy) < LAYER_SEARCH_APART
            || hypotf ((float) (tx - cx), (float) (ty - cy)) < LAYER_SEARCH_APART)
          continue;
        ql[2] = tx - cx;
        ql[5] = ty - cy;
        /* (layer_cost (la, lb, hl, lx0, lx1, ly0, ly1, ql)) */
        for (int y = ly0, i = 0; y <= ly1; y += 2)
          for (int x = lx0; x <= lx1; x += 2, i++)
            {
              float px, py;

              affine_apply (ql, (float) x, (float) y, &px, &py);
              sum += MIN (fabsf (inb_plane_sample (lb, px, py) - la->data[(gsize) y * la->width + x]), eb[i]);
              n++;
            }
        cost = n > 0 ? sum / n : 0.0;
        if (cost < best)
          {
            best = cost;
            bx = ql[2];
            by = ql[5];
          }
      }
  ql[2] = bx;
  ql[5] = by;
  affine_to_level (ql, l, TRUE, q);
}

/* The object's motion @m refined again over its box [@x0, @x1] × [@y0,
 * @y1] as a layer over the background (moving by @hm[0] first -> last,
 * @hm[1] back): each pixel counts for the motion that explains it
 * better. The flow inside a flat object matches any motion near the
 * right one and drags background along at its outline, and Gauss-Newton
 * on the pixels whose flow follows the object does not get back from a
 * scale or a turn a few percent off (a flat ellipse across a third of
 * the frame came out at 0.86×, its turn missed). Coarse to fine over the
 * pyramids @pyr (its basin is wide on the coarse levels), first -> last
 * and last -> first. One way alone shrinks a flat object (the background
 * it covers in the other keyframe is "explained" by the object's colour
 * inside: a flat region came out at 0.90× where it keeps its size), the
 * other way grows it: of the motion found, each way's and their mean,
 * the one that explains the box best both ways (layer_cost_both()) is
 * kept, if plausible and within @tol of the box centre's motion (more
 * from a motion with much shear: see below). The found motion itself can
 * be off by more than that basin (a thin, flat ellipse turning 8° was
 * found moving 2.4 times too far and turned the other way: the flow
 * inside it matches any motion that keeps it on its flat inside), so
 * one more, from the translation that explains the box best
 * (layer_search()), refined the same way, is kept where it explains the
 * box clearly better (LAYER_GAIN_FAR) than the found one and than each
 * of the @n_others other objects' found motions @others, and comes back
 * to itself refined from the last keyframe (within LAYER_BACK_BOX of the
 * box where the object was found @twice), however far from the found
 * one; where it does not, the motion it went to refined back is kept
 * the same way if it comes back to itself refined forward. */
static void
object_refine_layer (InbPlane * const pyr[2][LAYER_LEVELS],
                     const double     hm[2][9],
                     int              x0,
                     int              x1,
                     int              y0,
                     int              y1,
                     float            tol,
                     const double    *others,
                     guint            n_others,
                     gboolean         twice,
                     double           m[6])
{
  const int w = (int) pyr[0][0]->width, h = (int) pyr[0][0]->height;
  const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
  double q[6], qb[6], qbi[6], mi[6], inside, cand[5][6], best;
  float px0, py0, px1, py1;
  int bb[4];
  guint n_cand = 0, k_best = 0, k_far = G_MAXUINT;
  const double sa = 0.5 * (m[0] + m[4]), sb = 0.5 * (m[3] - m[1]);
  /* (a found motion with much shear is no rigid object's: a turning
   * object's whose flow was fitted a shear, or a phantom's or a
   * mixture's fit, which the refinement made explain more and so escape
   * object_unexplained() and object_mirrors(). It is refined from the
   * nearest turn and scale, and a refinement kept only where it
   * explains the box clearly better and, where it was refined both ways,
   * both found the same motion (a rigid object's; a mixture's came out
   * otherwise each way) or it comes back to itself when refined again
   * from the other's answer (the other way's box held another object).) */
  const double shear = 0.5 * (fabs (m[0] - m[4]) + fabs (m[1] + m[3]));
  const gboolean sheared = shear > LAYER_SHEAR * hypot (sa, sb);
  const double gain = sheared ? LAYER_GAIN_SHEARED : LAYER_GAIN;
  /* (a motion that wrong moved the box's centre wrong too: by up to its
   * shear over the box) */
  const double reach = sheared ? tol + shear * 0.5 * hypot (x1 - x0, y1 - y0) : tol;

  memcpy (q, m, sizeof q);
  if (sheared)
    {
      affine_apply (m, (float) cx, (float) cy, &px0, &py0);
      q[0] = q[4] = sa;
      q[3] = sb;
      q[1] = -sb;
      q[2] = px0 - sa * cx + sb * cy;
      q[5] = py0 - sb * cx - sa * cy;
    }
  affine_invert (q, mi);
  memcpy (qb, mi, sizeof qb);
  if (!affine_box (m, x0, x1, y0, y1, w, h, bb, &inside))
    return;
  memcpy (cand[n_cand++], m, sizeof q);
  if (layer_coarse_to_fine (pyr[0], pyr[1], hm[0], x0, x1, y0, y1, q))
    memcpy (cand[n_cand++], q, sizeof q);
  /* (back from the last keyframe only where most of the box stays in
   * its frame: an object leaving is refined there on what is left of it
   * and came out turned the wrong way) */
  if (inside >= LAYER_INSIDE && layer_coarse_to_fine (pyr[1], pyr[0], hm[1], bb[0], bb[1], bb[2], bb[3], qb))
    {
      affine_invert (qb, qbi);
      memcpy (cand[n_cand++], qbi, sizeof q);
      if (n_cand == 3)
        {
          for (guint i = 0; i < 6; i++)
            cand[n_cand][i] = 0.5 * (q[i] + qbi[i]);
          n_cand++;
        }
    }
  if (sheared && n_cand == 4 && !motions_agree (cand[1], cand[2], x0, x1, y0, y1, tol))
    {
      /* (the two ways disagree: each is kept only where refining its own
       * way again, from the other's answer, comes back to it: a clear
       * optimum, not one of a mixture's or a drift from a wrong start) */
      double r[6], ri[6];
      gboolean forward_ok, back_ok;

      memcpy (r, cand[2], sizeof r);
      forward_ok = layer_coarse_to_fine (pyr[0], pyr[1], hm[0], x0, x1, y0, y1, r)
                   && motions_agree (cand[1], r, x0, x1, y0, y1, tol);
      affine_invert (cand[1], r);
      back_ok = layer_coarse_to_fine (pyr[1], pyr[0], hm[1], bb[0], bb[1], bb[2], bb[3], r);
      affine_invert (r, ri);
      back_ok = back_ok && motions_agree (cand[2], ri, x0, x1, y0, y1, tol);
      n_cand = 1;
      if (forward_ok)
        n_cand++;
      if (back_ok)
        memmove (cand[n_cand++], cand[2], sizeof cand[0]);
    }
  layer_search (pyr, hm[0], x0, x1, y0, y1, q);
  apply_h (hm[0], (float) cx, (float) cy, &px0, &py0);
  if (layer_coarse_to_fine (pyr[0], pyr[1], hm[0], x0, x1, y0, y1, q)
      && (affine_apply (q, (float) cx, (float) cy, &px1, &py1),
          MIN (hypotf (px1 - px0, py1 - py0), hypotf (px1 - (float) cx, py1 - (float) cy))
          >= LAYER_SEARCH_APART * (1 << (LAYER_LEVELS - 1))))
    {
      /* (it is kept only where it explains the box clearly better than
       * every other object's found motion too, and where refined back
       * from the last keyframe, over the box it takes this one to, it
       * comes back to itself. A box that holds another object, crossing
       * this one or beside it, is explained best by that object's motion
       * where that object covers more of it, and the search finds that
       * motion or one near it turned otherwise (a ball's for the ellipse
       * crossing it); a box of a phantom, of the background found as an
       * object, or of a mixture, is explained a little better by many
       * motions, and the refinement drifts from the searched one to a
       * motion that no rigid object's refinement the other way comes
       * back to (0.73× and 5° from the sky's box, back 0.83× and 18°).) */
      const double back_tol = twice ? MAX (tol, LAYER_BACK_BOX * hypot (x1 - x0, y1 - y0)) : tol;
      double c_far = layer_cost_both (pyr, hm, x0, x1, y0, y1, bb, q);
      double r[6], ri[6];
      int fb[4];
      gboolean kept = TRUE, back = FALSE;

      for (guint j = 0; j < n_others && kept; j++)
        {
          const double c_other = layer_cost_both (pyr, hm, x0, x1, y0, y1, bb, others + 6 * j);

          g_debug ("object as a layer, searched: %.3f, another object's found motion: %.3f", c_far, c_other);
          kept = c_far < LAYER_GAIN_FAR * c_other;
        }
      if (kept)
        {
          affine_invert (q, r);
          back = affine_box (q, x0, x1, y0, y1, w, h, fb, NULL)
                 && layer_coarse_to_fine (pyr[1], pyr[0], hm[1], fb[0], fb[1], fb[2], fb[3], r);
          affine_invert (r, ri);
          kept = back && motions_agree (q, ri, x0, x1, y0, y1, back_tol);
          g_debug ("object as a layer, searched [%.3f %.3f %.1f; %.3f %.3f %.1f], back [%.3f %.3f %.1f; %.3f %.3f %.1f]: %s",
                   q[0], q[1], q[2], q[3], q[4], q[5], ri[0], ri[1], ri[2], ri[3], ri[4], ri[5],
                   kept ? "comes back" : "not kept");
        }
      if (back && !kept && plausible_motion (ri[0], ri[1], ri[3], ri[4]))
        {
          /* (refined back it went elsewhere: the way back is kept where
           * it in turn comes back to itself refined forward, a clear
           * optimum both ways (an object turning 18° and growing 1.18×
           * searched from its translation alone: forward it stopped at
           * 9° and 1.07×, back it found the turn and the scale)) */
          memcpy (r, ri, sizeof r);
          kept = layer_coarse_to_fine (pyr[0], pyr[1], hm[0], x0, x1, y0, y1, r)
                 && motions_agree (ri, r, x0, x1, y0, y1, back_tol);
          if (kept)
            {
              memcpy (q, ri, sizeof q);
              c_far = layer_cost_both (pyr, hm, x0, x1, y0, y1, bb, q);
            }
          for (guint j = 0; j < n_others && kept; j++)
            kept = c_far < LAYER_GAIN_FAR * layer_cost_both (pyr, hm, x0, x1, y0, y1, bb, others + 6 * j);
          g_debug ("object as a layer, back [%.3f %.3f %.1f; %.3f %.3f %.1f] refined forward [%.3f %.3f %.1f; %.3f %.3f %.1f]: %s",
                   ri[0], ri[1], ri[2], ri[3], ri[4], ri[5], r[0], r[1], r[2], r[3], r[4], r[5],
                   kept ? "comes back" : "not kept");
        }
      if (kept)
        {
          k_far = n_cand;
          memcpy (cand[n_cand++], q, sizeof q);
        }
    }
  affine_apply (m, (float) cx, (float) cy, &px0, &py0);
  best = G_MAXDOUBLE;
  for (guint k = 0; k < n_cand; k++)
    {
      const double *c = cand[k];
      double cost;

      affine_apply (c, (float) cx, (float) cy, &px1, &py1);
      if (k > 0 && (!plausible_motion (c[0], c[1], c[3], c[4])
                    || (k != k_far && hypotf (px1 - px0, py1 - py0) > reach)))
        continue;
      /* (a refined motion must explain the box better than by noise,
       * one searched far from the found one clearly better) */
      cost = layer_cost_both (pyr, hm, x0, x1, y0, y1, bb, c)
             / (k == k_far ? LAYER_GAIN_FAR : k > 0 ? gain : 1.0);
      g_debug ("object as a layer, candidate %u: [%.3f %.3f %.1f; %.3f %.3f %.1f], %.3f", k,
               c[0], c[1], c[2], c[3], c[4], c[5], cost);
      if (cost < best)
        {
          best = cost;
          k_best = k;
        }
    }
  memcpy (m, cand[k_best], sizeof q);
}

/* An object whose box another object's motion explains clearly better
 * both ways (layer_cost_both(), over the same pixels) is a part of that
 * object (@merged): a flat object found in pieces, one of which took a
 * motion far off (the flow inside it matches any motion that keeps it on
 * the flat inside). That object (@obs) spans both boxes. */
static void
object_merge_parts (const InbFlowAnalysis *an,
                    InbPlane * const       pyr[2][LAYER_LEVELS],
                    const double           hm[2][9],
                    double                 motions[][2][6],
                    InbFlowObject         *obs,
                    gboolean              *merged)
{
  const int w = (int) an->width, h = (int) an->height;
  g_autofree double *found = g_new (double, 6 * an->n_objects);

  for (guint o = 0; o < an->n_objects; o++)
    memcpy (found + 6 * o, motions[o][0], 6 * sizeof (double));
  for (guint o = 0; o < an->n_objects; o++)
    {
      const InbFlowObject *ob = &an->objects[o];
      const int x0 = MAX (0, ob->x0 - (ob->x1 - ob->x0) / 4), x1 = MIN (w - 1, ob->x1 + (ob->x1 - ob->x0) / 4);
      const int y0 = MAX (0, ob->y0 - (ob->y1 - ob->y0) / 4), y1 = MIN (h - 1, ob->y1 + (ob->y1 - ob->y0) / 4);
      double best = 1.0;
      int bb[4];
      gint j_best = -1;

      if (ob->small || !affine_box (found + 6 * o, x0, x1, y0, y1, w, h, bb, NULL))
        continue;
      for (guint j = 0; j < an->n_objects; j++)
        {
          double c, c_own;
          int bj[4], bu[4];

          if (j == o || an->objects[j].small || merged[j]
              || !affine_box (found + 6 * j, x0, x1, y0, y1, w, h, bj, NULL))
            continue;
          /* (both over the same pixels: both boxes in the last keyframe) */
          bu[0] = MIN (bb[0], bj[0]);
          bu[1] = MAX (bb[1], bj[1]);
          bu[2] = MIN (bb[2], bj[2]);
          bu[3] = MAX (bb[3], bj[3]);
          c = layer_cost_both (pyr, hm, x0, x1, y0, y1, bu, found + 6 * j);
          c_own = layer_cost_both (pyr, hm, x0, x1, y0, y1, bu, found + 6 * o);
          g_debug ("object %u: object %u's motion costs %.3f, its own %.3f", o, j, c, c_own);
          if (c < MERGE_RATIO * c_own && c / c_own < best)
            {
              best = c / c_own;
              j_best = (gint) j;
            }
        }
      if (j_best >= 0)
        {
          InbFlowObject *oj = &obs[j_best];

          /* (one object: the one whose motion it is, over both boxes) */
          g_debug ("object %u is a part of object %d", o, j_best);
          merged[o] = TRUE;
          oj->x0 = MIN (oj->x0, ob->x0);
          oj->x1 = MAX (oj->x1, ob->x1);
          oj->y0 = MIN (oj->y0, ob->y0);
          oj->y1 = MAX (oj->y1, ob->y1);
        }
    }
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

/* morph_zone() for a mask of 0 and 1 only, in time independent of @r:
 * a pixel is 1 after growing where any pixel within @r (a square) is 1,
 * after shrinking where all are (running counts along rows, then
 * columns) */
static void
morph_zone_binary (float    *m,
                   float    *tmp,
                   int       w,
                   int       x0,
                   int       x1,
                   int       y0,
                   int       y1,
                   int       r,
                   gboolean  grow)
{
  const float want = grow ? 1.f : 0.f;

  for (int y = y0; y <= y1; y++)
    {
      const float *row = m + (gsize) y * w;
      int count = 0;

      for (int i = x0; i <= MIN (x1, x0 + r - 1); i++)
        count += row[i] == want;
      for (int x = x0; x <= x1; x++)
        {
          if (x + r <= x1)
            count += row[x + r] == want;
          if (x - r - 1 >= x0)
            count -= row[x - r - 1] == want;
          tmp[(gsize) y * w + x] = count > 0 ? want : 1.f - want;
        }
    }
  for (int x = x0; x <= x1; x++)
    {
      int count = 0;

      for (int j = y0; j <= MIN (y1, y0 + r - 1); j++)
        count += tmp[(gsize) j * w + x] == want;
      for (int y = y0; y <= y1; y++)
        {
          if (y + r <= y1)
            count += tmp[(gsize) (y + r) * w + x] == want;
          if (y - r - 1 >= y0)
            count -= tmp[(gsize) (y - r - 1) * w + x] == want;
          m[(gsize) y * w + x] = count > 0 ? want : 1.f - want;
        }
    }
}

/* The planes every object's steps work in (the whole analysis frame,
 * allocated once for all objects): a weighted flow for push-pull (wu, wv,
 * wt), two scratch planes (err, tmp), the closed masks (mk: drawn, mv:
 * what the background must not show), each keyframe's raw mask and its
 * background's motion under the object. */
typedef struct
{
  int    w;
  int    h;
  gsize  n;
  float *wu;
  float *wv;
  float *wt;
  float *err;
  float *tmp;
  float *mk;
  float *mv;
  float *raw[2];
  float *leave[2];  /* what of the object leaves the other's frame */
  float *keep[2];   /* where it leaves: its colour is the object's */
  float *bg[2][2];
  float *oerr;      /* the other objects' errors (object_raw_mask()) */
} ObjectPlanes;

/* The object's box on the analysis grid as object_refine() and
 * object_refine_layer() see it: a quarter of its size larger each way */
static void
object_box (const InbFlowAnalysis *an,
            const InbFlowObject   *ob,
            int                    box[4])
{
  const int w = (int) an->width, h = (int) an->height;

  box[0] = MAX (0, ob->x0 - (ob->x1 - ob->x0) / 4);
  box[1] = MIN (w - 1, ob->x1 + (ob->x1 - ob->x0) / 4);
  box[2] = MAX (0, ob->y0 - (ob->y1 - ob->y0) / 4);
  box[3] = MIN (h - 1, ob->y1 + (ob->y1 - ob->y0) / 4);
}

/* The object's motion first -> last as found, @m: fitted to its flow
 * and refined photometrically */
static void
object_found_motion (InbEngine             *self,
                     const InbFlowAnalysis *an,
                     const InbFlowObject   *ob,
                     double                 m[6])
{
  const float tol = MAX (2.f, 0.2f * hypotf (ob->du, ob->dv));
  int box[4];

  object_box (an, ob, box);
  object_affine (an, self->conf0, ob, tol, m);
  object_refine (an, box[0], box[1], box[2], box[3], tol, m);
}

/* Whether object @a is @b found again: @b's box holds nine tenths or
 * more of @a's */
static gboolean
found_twice (const InbFlowObject *a,
             const InbFlowObject *b)
{
  const double common = (double) MAX (0, MIN (a->x1, b->x1) - MAX (a->x0, b->x0))
                        * MAX (0, MIN (a->y1, b->y1) - MAX (a->y0, b->y0));

  return common >= 0.9 * (a->x1 - a->x0) * (a->y1 - a->y0);
}

/* The object's affine motion, first -> last in m[0] (its motion as found,
 * @found[@o], refined as a layer: the other objects' found motions in
 * @found too) and back in m[1] */
static void
object_motion (const InbFlowAnalysis *an,
               guint                  o,
               float                  tol,
               const double           model[2][9],
               InbPlane * const       pyr[2][LAYER_LEVELS],
               const double           found[][6],
               double                 m[2][6])
{
  const InbFlowObject *ob = &an->objects[o];
  double det;
  int box[4];

  object_box (an, ob, box);
  memcpy (m[0], found[o], sizeof m[0]);
  if (!ob->small)
    {
      g_autofree double *others = g_new (double, 6 * MAX (1, an->n_objects));
      guint n_others = 0;
      gboolean twice = FALSE;

      /* (not this object found twice: another whose box holds nine
       * tenths of this one's, its motion this one's found again, maybe
       * nearly right, is not another object's that the searched motion
       * must explain the box better than) */
      for (guint j = 0; j < an->n_objects; j++)
        if (j != o && !an->objects[j].small)
          {
            if (found_twice (ob, &an->objects[j]))
              twice = TRUE;
            else
              memcpy (others + 6 * n_others++, found[j], 6 * sizeof (double));
          }
      object_refine_layer (pyr, model, box[0], box[1], box[2], box[3], tol, others, n_others, twice, m[0]);
    }
  det = m[0][0] * m[0][4] - m[0][1] * m[0][3];
  m[1][0] = m[0][4] / det;
  m[1][1] = -m[0][1] / det;
  m[1][3] = -m[0][3] / det;
  m[1][4] = m[0][0] / det;
  m[1][2] = -(m[1][0] * m[0][2] + m[1][1] * m[0][5]);
  m[1][5] = -(m[1][3] * m[0][2] + m[1][4] * m[0][5]);
  g_debug ("object %u: [%.3f %.3f %.1f; %.3f %.3f %.1f] from [%d %d] x [%d %d]", o,
           m[0][0], m[0][1], m[0][2], m[0][3], m[0][4], m[0][5], ob->x0, ob->x1, ob->y0, ob->y1);
}

/* Whether motion @b (of another object) moves the middle of object @ob
 * otherwise than its own motion @a (analysis grid): by more than half
 * the larger of the two. Not an object found twice, nor a part of one
 * found with a motion of its own (a flat object's parts, each matching
 * any motion near the right one); objects crossing, passing or moving
 * apart. */
static gboolean
crossing_motion (const InbFlowObject *ob,
                 const double        *a,
                 const double        *b)
{
  const float cx = 0.5f * (ob->x0 + ob->x1), cy = 0.5f * (ob->y0 + ob->y1);
  float ax, ay, bx, by;

  affine_apply (a, cx, cy, &ax, &ay);
  affine_apply (b, cx, cy, &bx, &by);

  return hypotf (ax - bx, ay - by) > 0.5f * MAX (hypotf (ax - cx, ay - cy), hypotf (bx - cx, by - cy));
}

/* The box the object is looked for in, the same in both keyframes: its
 * box, grown by half its size (it was found on a small level from the
 * clearest matches only), and where that box moves to under @m0 */
static void
object_zones (const InbFlowObject *ob,
              const double        *m0,
              int                  w,
              int                  h,
              int                  zone[2][4])
{
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
      affine_apply (m0, (float) zone[0][c & 1 ? 1 : 0], (float) zone[0][c & 2 ? 3 : 2],
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
}

/* The background's motion in keyframe @s over @zone and around it, into
 * p->bg[s] and self->bgu/bgv[s]: the confident flow, less what moves with
 * the object and what is on the objects, filled in over the zone from
 * around it; where the global model explains the pair, the model */
static void
object_background_flow (InbEngine           *self,
                        const InbFlowObject *ob,
                        guint                s,
                        const double        *ms,
                        const int           *zone,
                        float                tol,
                        const double        *model,
                        float                reliability,
                        const InbPlane      *fu,
                        const InbPlane      *fv,
                        ObjectPlanes        *p)
{
  const int w = p->w, h = p->h;
  const InbPlane *conf = s == 0 ? self->conf0 : self->conf1;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  const int grow = MAX (x1 - x0, y1 - y0) / 2 + 8;
  const int rx0 = MAX (0, x0 - grow), rx1 = MIN (w - 1, x1 + grow);
  const int ry0 = MAX (0, y0 - grow), ry1 = MIN (h - 1, y1 + grow);
  const int rw = rx1 - rx0 + 1;
  float *bgu = p->bg[s][0], *bgv = p->bg[s][1];

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

            affine_apply (ms, (float) x, (float) y, &px, &py);
            if (hypotf (x + fu->data[k] - px, y + fv->data[k] - py) < tol)
              c = 0.f;
          }
        p->wt[r] = c;
        p->wu[r] = c * fu->data[k];
        p->wv[r] = c * fv->data[k];
      }
  inb_engine_push_pull (p->wu, p->wv, p->wt, (guint) rw, (guint) (ry1 - ry0 + 1), p->err, p->tmp);
  for (int y = ry0; y <= ry1; y++)
    for (int x = rx0; x <= rx1; x++)
      {
        gsize k = (gsize) y * w + x, r = (gsize) (y - ry0) * rw + (x - rx0);
        float gx, gy;

        bgu[k] = p->err[r];
        bgv[k] = p->tmp[r];
        /* where the global model explains the pair, it is the
         * background */
        if (reliability > 0.f)
          {
            apply_h (model, (float) x, (float) y, &gx, &gy);
            bgu[k] += reliability * (gx - (float) x - bgu[k]);
            bgv[k] += reliability * (gy - (float) y - bgv[k]);
          }
        self->bgu[s]->data[k] = bgu[k];
        self->bgv[s]->data[k] = bgv[k];
      }
}

/* What the raw masks of keyframe @s look at: its luma (la) and the
 * other keyframe's (lb) on the analysis grid (w × h), the zone
 * [x0, x1] × [y0, y1] and the background's motion there (bgu, bgv) */
typedef struct
{
  int             w;
  int             h;
  const InbPlane *la;
  const InbPlane *lb;
  int             x0;
  int             x1;
  int             y0;
  int             y1;
  const float    *bgu;
  const float    *bgv;
} RawMaskView;

static RawMaskView
raw_mask_view (const InbFlowAnalysis *an,
               guint                  s,
               const int             *zone,
               const ObjectPlanes    *p)
{
  RawMaskView view = {
    p->w, p->h,
    s == 0 ? an->luma0 : an->luma1,
    s == 0 ? an->luma1 : an->luma0,
    zone[0], zone[1], zone[2], zone[3],
    p->bg[s][0], p->bg[s][1],
  };

  return view;
}

/* A small object's raw mask in keyframe @s: what stands out from the
 * local background (the mean over 13 × 13), is not on an object already
 * drawn and is not where the background's motion explains it; only in
 * its box (where it moves to, in last): not whatever else stands out
 * nearby */
static void
object_raw_mask_small (InbEngine             *self,
                       const InbFlowAnalysis *an,
                       const InbFlowObject   *ob,
                       guint                  s,
                       const int             *zone,
                       ObjectPlanes          *p)
{
  const RawMaskView view = raw_mask_view (an, s, zone, p);
  const int w = view.w, h = view.h, x0 = view.x0, x1 = view.x1, y0 = view.y0, y1 = view.y1;
  const InbPlane *la = view.la, *lb = view.lb;
  const float *bgu = view.bgu, *bgv = view.bgv;
  float *rm = p->raw[s];
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
}

/* How much better than another object's motion an object's own must
 * explain a pixel (in luma levels, besides the 3 of the background's) */
#define OTHER_MARGIN 6.f

/* An object's raw mask in keyframe @s, from photometric evidence: where
 * it matches the other keyframe under the object's motion @ms clearly
 * better than under the background's, and than under each motion of
 * @others (@n_others: the other objects' motions from keyframe @s; 3 × 3
 * means). Without the others, an object's mask took in another object
 * passing it, whose pixels its motion took out of the other keyframe's
 * frame or onto something of a like luma, where the background's motion
 * explains them no better (the other object moves): that object was
 * drawn with it, where its motion takes it (a ghost). */
static void
object_raw_mask (const InbFlowAnalysis *an,
                 guint                  s,
                 const double          *ms,
                 const double           others[][6],
                 guint                  n_others,
                 const int             *zone,
                 ObjectPlanes          *p)
{
  const RawMaskView view = raw_mask_view (an, s, zone, p);
  const int w = view.w, h = view.h, x0 = view.x0, x1 = view.x1, y0 = view.y0, y1 = view.y1;
  const InbPlane *la = view.la, *lb = view.lb;
  const float *bgu = view.bgu, *bgv = view.bgv;
  float *err = p->err, *tmp = p->tmp;

  for (int y = MAX (0, y0 - 1); y <= MIN (h - 1, y1 + 1); y++)
    for (int x = MAX (0, x0 - 1); x <= MIN (w - 1, x1 + 1); x++)
      {
        gsize k = (gsize) y * w + x;
        float px, py;

        affine_apply (ms, (float) x, (float) y, &px, &py);
        err[k] = fabsf (la->data[k] - inb_plane_sample (lb, px, py));
        tmp[k] = fabsf (la->data[k] - inb_plane_sample (lb, x + bgu[k], y + bgv[k]));
        for (guint o = 0; o < n_others; o++)
          {
            affine_apply (others[o], (float) x, (float) y, &px, &py);
            /* (out of the other keyframe's frame: it does not explain
             * the pixel) */
            p->oerr[(gsize) o * p->n + k] = px < 0.f || py < 0.f || px > (float) (w - 1) || py > (float) (h - 1)
                                            ? 255.f : fabsf (la->data[k] - inb_plane_sample (lb, px, py));
          }
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
        for (guint o = 0; o < n_others; o++)
          {
            const float *e = p->oerr + (gsize) o * p->n;
            float ej = 0.f;

            for (int j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
              for (int i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++)
                ej += e[(gsize) j * w + i];
            eb = MIN (eb, ej / 9.f + OTHER_MARGIN);
          }
        p->raw[s][(gsize) y * w + x] = CLAMP ((eb - eo - 3.f) / 6.f, 0.f, 1.f)
                                       * CLAMP ((24.f - eo) / 8.f, 0.f, 1.f);
      }
}

/* An object's colour histograms (object_colour_keep()): 8 levels a
 * channel; the log-likelihood ratio in (2 COLOUR_R + 1)² means, and the
 * background where it is below -COLOUR_T (clearly the background's) */
#define COLOUR_BINS 512
#define COLOUR_R    2
#define COLOUR_T    1.0f

/* The colour bin of keyframe @s's analysis pixel (@x, @y): the mean of
 * the full-resolution pixels it covers */
static guint
colour_bin (InbEngine *self,
            guint      s,
            int        x,
            int        y)
{
  InbImage *image = s == 0 ? self->first : self->last;
  const guint8 *data = inb_image_get_data (image);
  const gsize stride = inb_image_get_stride (image);
  const guint sc = self->scale;
  const guint fx0 = MIN ((guint) x * sc, self->width - 1), fy0 = MIN ((guint) y * sc, self->height - 1);
  const guint fx1 = MIN (fx0 + sc, self->width), fy1 = MIN (fy0 + sc, self->height);
  guint sum[3] = { 0, 0, 0 }, n = (fx1 - fx0) * (fy1 - fy0);

  for (guint fy = fy0; fy < fy1; fy++)
    for (guint fx = fx0; fx < fx1; fx++)
      for (guint c = 0; c < 3; c++)
        sum[c] += data[fy * stride + 3 * fx + c];

  return (sum[0] / n >> 5) << 6 | (sum[1] / n >> 5) << 3 | (sum[2] / n >> 5);
}

/* Where the object's motion @ms takes keyframe @s's pixel out of the
 * other keyframe's frame, nothing confirms it there: such a pixel stays
 * on the object (p->keep[s] 1) unless its colour, in keyframe @s itself,
 * is clearly more likely the background's around the object than the
 * object's (colour histograms of the mask that the other keyframe
 * confirms, less its soft edge, and of a ring of background around it).
 * Background past the object's edge that the mask took in there (it
 * matches a clamped column out there by chance, and the background's
 * motion does not explain it either: the object covers it in the other
 * keyframe) is left out; an object that really leaves keeps its part out
 * there. */
static void
object_colour_keep (InbEngine             *self,
                    const InbFlowAnalysis *an,
                    guint                  s,
                    const double          *ms,
                    const int             *zone,
                    int                    rc,
                    ObjectPlanes          *p)
{
  const int w = p->w, h = p->h;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  const int zw = x1 - x0 + 1, zh = y1 - y0 + 1;
  InbPlane other = { an->width, an->height, p->raw[1 - s] };
  float *core = p->err, *near = p->mk, *tmp = p->tmp, *keep = p->keep[s];
  g_autofree guint8 *out = g_new0 (guint8, (gsize) zw * zh);
  g_autofree guint16 *bin = g_new (guint16, (gsize) zw * zh);
  g_autofree float *llr = g_new0 (float, (gsize) zw * zh);
  double ho[COLOUR_BINS] = { 0 }, hb[COLOUR_BINS] = { 0 }, no = 0, nb = 0;
  guint n_out = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x, r = (gsize) (y - y0) * zw + (x - x0);
        float px, py;

        keep[k] = 1.f;
        affine_apply (ms, (float) x, (float) y, &px, &py);
        if (px < -1.f || py < -1.f || px > w || py > h)
          {
            out[r] = 1;
            n_out++;
            core[k] = near[k] = 0.f;
          }
        else
          core[k] = near[k] = p->raw[s][k] * inb_plane_sample (&other, px, py) > 0.5f ? 1.f : 0.f;
      }
  if (n_out == 0)
    return;

  /* the object surely (its soft edge left out), and the background
   * around it */
  morph_zone_binary (core, tmp, w, x0, x1, y0, y1, 2, FALSE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      tmp[(gsize) y * w + x] = near[(gsize) y * w + x];
  morph_zone_binary (tmp, near, w, x0, x1, y0, y1, 3, TRUE);   /* tmp: its soft edge */
  morph_zone_binary (near, p->wt, w, x0, x1, y0, y1, 3 + 2 * rc, TRUE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x, r = (gsize) (y - y0) * zw + (x - x0);

        bin[r] = (guint16) colour_bin (self, s, x, y);
        if (core[k] > 0.5f)
          {
            ho[bin[r]]++;
            no++;
          }
        else if (!out[r] && near[k] > 0.5f && tmp[k] < 0.5f && p->raw[s][k] < 0.5f)
          {
            hb[bin[r]]++;
            nb++;
          }
      }
  g_debug ("object colours in %u: %.0f object, %.0f background pixels, %u out of the other frame",
           s, no, nb, n_out);
  if (no < 32 || nb < 32)
    return;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize r = (gsize) (y - y0) * zw + (x - x0);

        llr[r] = (float) (log (MAX (ho[bin[r]] / no, 1e-3)) - log (MAX (hb[bin[r]] / nb, 1e-3)));
      }
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize r = (gsize) (y - y0) * zw + (x - x0);
        float acc = 0.f;
        guint cnt = 0;

        if (!out[r])
          continue;
        for (int j = MAX (y0, y - COLOUR_R); j <= MIN (y1, y + COLOUR_R); j++)
          for (int i = MAX (x0, x - COLOUR_R); i <= MIN (x1, x + COLOUR_R); i++)
            {
              acc += llr[(gsize) (j - y0) * zw + (i - x0)];
              cnt++;
            }
        p->keep[s][(gsize) y * w + x] = acc / cnt > -COLOUR_T ? 1.f : 0.f;
      }
}

/* Where the object's motion @ms takes keyframe @s's pixel out of the
 * other keyframe's frame (an object leaving), nothing there confirms
 * it: the object is what the background's motion does not explain
 * (3 × 3 means), is not the object in the other keyframe at the same
 * place of the background (there, the pixel is background that the
 * object covers in the other keyframe), and joins the rest of its mask
 * (grown from it, 4-connected, through such pixels only) */
static void
object_raw_mask_leaving (const InbFlowAnalysis *an,
                         guint                  s,
                         const double          *ms,
                         const int             *zone,
                         ObjectPlanes          *p)
{
  const RawMaskView view = raw_mask_view (an, s, zone, p);
  const int w = view.w, h = view.h, x0 = view.x0, x1 = view.x1, y0 = view.y0, y1 = view.y1;
  const InbPlane *la = view.la, *lb = view.lb;
  const int zw = x1 - x0 + 1, zh = y1 - y0 + 1;
  const float *bgu = view.bgu, *bgv = view.bgv;
  InbPlane other = { an->width, an->height, p->raw[1 - s] };
  g_autofree float *cand = g_new0 (float, (gsize) zw * zh);
  g_autofree int *stack = NULL;
  guint n_cand = 0, top = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x;
        float px, py, eb = 0.f, v;

        affine_apply (ms, (float) x, (float) y, &px, &py);
        if (px >= -1.f && py >= -1.f && px <= w && py <= h)
          continue;
        for (int j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
          for (int i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++)
            {
              gsize q = (gsize) j * w + i;

              eb += fabsf (la->data[q] - inb_plane_sample (lb, i + bgu[q], j + bgv[q]));
            }
        eb /= 9.f;
        v = CLAMP ((eb - 9.f) / 6.f, 0.f, 1.f) * (1.f - inb_plane_sample (&other, x + bgu[k], y + bgv[k]))
            * p->keep[s][k];
        if (v > 0.f)
          {
            cand[(gsize) (y - y0) * zw + (x - x0)] = v;
            n_cand++;
          }
      }
  if (n_cand == 0)
    return;

  stack = g_new (int, (gsize) zw * zh);
  /* (from the mask confirmed by the other keyframe: the raw one also
   * holds background that the object uncovers) */
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        float px, py;

        if (p->raw[s][(gsize) y * w + x] <= 0.5f || cand[(gsize) (y - y0) * zw + (x - x0)] != 0.f)
          continue;
        affine_apply (ms, (float) x, (float) y, &px, &py);
        if (p->raw[s][(gsize) y * w + x] * inb_plane_sample (&other, px, py) <= 0.5f)
          continue;
        stack[top++] = (y - y0) * zw + (x - x0);
        cand[(gsize) (y - y0) * zw + (x - x0)] = -1.f;
      }
  while (top > 0)
    {
      int r = stack[--top], x = r % zw, y = r / zw;
      const int nx[4] = { x - 1, x + 1, x, x }, ny[4] = { y, y, y - 1, y + 1 };

      for (guint d = 0; d < 4; d++)
        {
          gsize q;

          if (nx[d] < 0 || ny[d] < 0 || nx[d] >= zw || ny[d] >= zh)
            continue;
          q = (gsize) ny[d] * zw + nx[d];
          if (cand[q] > 0.5f)
            {
              p->leave[s][(gsize) (ny[d] + y0) * w + nx[d] + x0] = cand[q];
              cand[q] = -1.f;
              stack[top++] = (int) q;
            }
        }
    }
}

/* On the object in both keyframes (background that the object uncovers
 * also matches under its motion, but in one keyframe only), then closed:
 * the object drawn (holes where object and background look alike filled,
 * p->mk), and more, the object that the background must not show (thin
 * parts such as ropes too, p->mv); @rc: the gaps closed in p->mv */
static void
object_close_masks (const InbFlowAnalysis *an,
                    const InbFlowObject   *ob,
                    guint                  s,
                    const double          *ms,
                    const int             *zone,
                    int                    rc,
                    ObjectPlanes          *p)
{
  const int w = p->w;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  InbPlane other = { an->width, an->height, p->raw[1 - s] };
  float *mk = p->mk, *mv = p->mv, *tmp = p->tmp;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        float px, py;

        affine_apply (ms, (float) x, (float) y, &px, &py);
        /* (a small object's shape may change: either one) */
        if (ob->small)
          mk[(gsize) y * w + x] = MAX (p->raw[s][(gsize) y * w + x], inb_plane_sample (&other, px, py));
        else if (px < -1.f || py < -1.f || px > w || py > p->h)
          /* (out of the other keyframe's frame: see
           * object_raw_mask_leaving()) */
          mk[(gsize) y * w + x] = MAX (p->leave[s][(gsize) y * w + x],
                                       p->raw[s][(gsize) y * w + x] * inb_plane_sample (&other, px, py)
                                       * p->keep[s][(gsize) y * w + x]);
        else
          mk[(gsize) y * w + x] = p->raw[s][(gsize) y * w + x] * inb_plane_sample (&other, px, py);
      }
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
}

/* How clearly a pixel's colour must be the object's rather than the
 * background's around it (mean log-likelihood ratio over 5 × 5) for
 * object_fill_ties() to take it, and how well the object's motion must
 * explain it (luma levels, 3 × 3 mean) */
#define TIE_LLR 2.0f
#define TIE_ERR 4.0f

/* The inside of a flat object, which the background's motion explains
 * as well as the object's (it moves flat colour onto flat colour: the
 * raw mask leaves it out and the closing fills only small holes), added
 * to the closed masks p->mk and p->mv of keyframe @s: pixels that the
 * object's motion @ms explains, whose colour is clearly the object's
 * (histograms of its closed mask less its edge, and of a ring of
 * background around it), and that join the mask (grown from it,
 * 4-connected, through such pixels only) */
static void
object_fill_ties (InbEngine             *self,
                  const InbFlowAnalysis *an,
                  guint                  s,
                  const double          *ms,
                  const int             *zone,
                  int                    rc,
                  ObjectPlanes          *p)
{
  const int w = p->w, h = p->h;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  const int zw = x1 - x0 + 1, zh = y1 - y0 + 1;
  const InbPlane *la = s == 0 ? an->luma0 : an->luma1, *lb = s == 0 ? an->luma1 : an->luma0;
  float *core = p->err, *ring = p->wt, *tmp = p->tmp;
  g_autofree guint16 *bin = g_new (guint16, (gsize) zw * zh);
  g_autofree float *llr = g_new0 (float, (gsize) zw * zh);
  g_autofree float *e = g_new0 (float, (gsize) zw * zh);
  g_autofree guint8 *cand = g_new0 (guint8, (gsize) zw * zh);
  g_autofree int *stack = g_new (int, (gsize) zw * zh);
  double ho[COLOUR_BINS] = { 0 }, hb[COLOUR_BINS] = { 0 }, no = 0, nb = 0;
  int top = 0;
  guint added = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      core[(gsize) y * w + x] = ring[(gsize) y * w + x] = p->mk[(gsize) y * w + x] > 0.5f ? 1.f : 0.f;
  morph_zone_binary (core, tmp, w, x0, x1, y0, y1, 2, FALSE);
  morph_zone_binary (ring, tmp, w, x0, x1, y0, y1, 3 + 2 * rc, TRUE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x, r = (gsize) (y - y0) * zw + (x - x0);
        float px, py, eb;

        bin[r] = (guint16) colour_bin (self, s, x, y);
        affine_apply (ms, (float) x, (float) y, &px, &py);
        e[r] = px < 0.f || py < 0.f || px > (float) (w - 1) || py > (float) (h - 1)
               ? 255.f : fabsf (la->data[k] - inb_plane_sample (lb, px, py));
        eb = fabsf (la->data[k] - inb_plane_sample (lb, x + p->bg[s][0][k], y + p->bg[s][1][k]));
        if (core[k] > 0.5f)
          {
            ho[bin[r]]++;
            no++;
          }
        /* (the background surely: its motion explains it clearly better;
         * not the flat inside, which both explain) */
        else if (ring[k] > 0.5f && p->mk[k] < 0.5f && eb + 3.f < e[r])
          {
            hb[bin[r]]++;
            nb++;
          }
      }
  if (no < 32 || nb < 32)
    return;
  for (gsize r = 0; r < (gsize) zw * zh; r++)
    llr[r] = (float) (log (MAX (ho[bin[r]] / no, 1e-3)) - log (MAX (hb[bin[r]] / nb, 1e-3)));
  for (int y = 0; y < zh; y++)
    for (int x = 0; x < zw; x++)
      {
        float acc = 0.f, err = 0.f;
        guint cnt = 0, ce = 0;

        if (p->mk[(gsize) (y + y0) * w + x + x0] > 0.5f)
          {
            stack[top++] = y * zw + x;
            continue;
          }
        for (int j = MAX (0, y - 2); j <= MIN (zh - 1, y + 2); j++)
          for (int i = MAX (0, x - 2); i <= MIN (zw - 1, x + 2); i++)
            {
              acc += llr[(gsize) j * zw + i];
              cnt++;
              if (abs (j - y) <= 1 && abs (i - x) <= 1)
                {
                  err += e[(gsize) j * zw + i];
                  ce++;
                }
            }
        cand[(gsize) y * zw + x] = acc / cnt > TIE_LLR && err / ce < TIE_ERR;
      }
  while (top > 0)
    {
      int r = stack[--top], x = r % zw, y = r / zw;
      const int nx[4] = { x - 1, x + 1, x, x }, ny[4] = { y, y, y - 1, y + 1 };

      for (guint d = 0; d < 4; d++)
        {
          gsize q;

          if (nx[d] < 0 || ny[d] < 0 || nx[d] >= zw || ny[d] >= zh)
            continue;
          q = (gsize) ny[d] * zw + nx[d];
          if (cand[q])
            {
              cand[q] = 0;
              p->mk[(gsize) (ny[d] + y0) * w + nx[d] + x0] = 1.f;
              p->mv[(gsize) (ny[d] + y0) * w + nx[d] + x0] = 1.f;
              added++;
              stack[top++] = (int) q;
            }
        }
    }
  g_debug ("object's flat inside in %u: %u pixels added (colours: %.0f object, %.0f background)", s, added, no, nb);
}

/* How much of the error of standing still (the dissolve's hypothesis)
 * the object's motion @ms leaves over its mask @mask (over @zone) in
 * keyframe @s, ERROR_FLOOR luma levels added to the former: in levels
 * (exposure-normalised by the analysis's fit) and in detail (local
 * means out), see inb_engine_motion_errors(), the worse of the two.
 * Near 0 where its motion explains its pixels; 1 or more where standing
 * still does as well (something else matched by chance, or a part of the
 * still background found moving). No pixel counted (all taken out of
 * the other's frame) tells nothing: 0. */
static double
object_trust_ratio (const InbFlowAnalysis *an,
                    const InbPlane        *const mean[2],
                    guint                  s,
                    const float           *mask,
                    const int             *zone,
                    const double          *ms)
{
  /* (last ~ gain first + offset) */
  const double g = an->exposure_gain, c = an->exposure_offset;
  double e[4];

  if (inb_engine_motion_errors (s == 0 ? an->luma0 : an->luma1, s == 0 ? an->luma1 : an->luma0,
                                mean[s], mean[1 - s], (float) (s == 0 ? g : 1.0 / g),
                                (float) (s == 0 ? c : -c / g), mask, zone, ms, e) == 0)
    return 0.0;

  return MAX (e[0] / (e[1] + ERROR_FLOOR), e[2] / (e[3] + ERROR_FLOOR));
}

/* How far an object's motion is trusted, from object_trust_ratio():
 * fully up to OBJECT_TRUST_LOW, not at all from OBJECT_TRUST_HIGH,
 * smoothly in between */
static float
object_trust (double ratio)
{
  double u = CLAMP ((ratio - OBJECT_TRUST_LOW) / (OBJECT_TRUST_HIGH - OBJECT_TRUST_LOW), 0.0, 1.0);

  return (float) (1.0 - u * u * (3.0 - 2.0 * u));
}

/* Whether the object's pixels are unexplained in both keyframes
 * (self->region[] over its closed masks, on average above 0.72, by the
 * flow) and its own motion does not explain them clearly either (it
 * leaves OBJECT_TRUST_LOW or more of the error of standing still,
 * object_trust_ratio(): the flow may not have followed a turning,
 * scaling object that its own motion does): not an object but a region
 * that nothing explains (something else in the last keyframe, matched by
 * chance where it is smooth), which falls back to a dissolve
 * (self->region[] says so over its masks); the object is not drawn */
static gboolean
object_unexplained (InbEngine             *self,
                    const InbFlowAnalysis *an,
                    const InbPlane        *const mean[2],
                    const InbFlowObject   *ob,
                    double                 m[2][6],
                    int                    zone[2][4],
                    int                    rc,
                    ObjectPlanes          *p)
{
  double worst = 1.0, ratio = 0.0;

  for (guint s = 0; s < 2; s++)
    {
      double sum = 0, count = 0;

      if (zone[s][0] > zone[s][1] || zone[s][2] > zone[s][3])
        return FALSE;
      object_close_masks (an, ob, s, m[s], zone[s], rc, p);
      for (int y = zone[s][2]; y <= zone[s][3]; y++)
        for (int x = zone[s][0]; x <= zone[s][1]; x++)
          if (p->mk[(gsize) y * p->w + x] > 0.5f)
            {
              sum += self->region[s]->data[(gsize) y * p->w + x];
              count++;
            }
      if (count == 0)
        return FALSE;
      worst = MIN (worst, sum / count);
      ratio = MAX (ratio, object_trust_ratio (an, mean, s, p->mk, zone[s], m[s]));
    }
  if (worst <= 0.72)
    return FALSE;
  if (ratio < OBJECT_TRUST_LOW)
    {
      g_debug ("object [%.1f %.1f]: the flow explains its pixels in neither keyframe (%.2f), its motion "
               "does (%.2f of the error of standing still)", ob->du, ob->dv, worst, ratio);
      return FALSE;
    }

  g_debug ("object [%.1f %.1f] left out: its motion explains its pixels in neither keyframe (%.2f)",
           ob->du, ob->dv, worst);
  /* (its seed made the flow follow it there: unexplained all the same) */
  for (guint s = 0; s < 2; s++)
    {
      object_close_masks (an, ob, s, m[s], zone[s], rc, p);
      for (int y = zone[s][2]; y <= zone[s][3]; y++)
        for (int x = zone[s][0]; x <= zone[s][1]; x++)
          {
            float *r = &self->region[s]->data[(gsize) y * p->w + x];

            *r = MAX (*r, MIN (1.f, p->mk[(gsize) y * p->w + x]));
          }
    }

  return TRUE;
}

/* Keyframe @s's layers over @zone: the object's pixels are drawn on their
 * own (object_rows()), so the flow there is what is behind them (@layer
 * 1; a small object is painted out: background, -1); the pixels around
 * it that the flow dragged along, or that are not confident, move with
 * the background (-1) */
static void
object_assign_layers (InbEngine           *self,
                      const InbFlowObject *ob,
                      guint                s,
                      const double        *ms,
                      const int           *zone,
                      float                tol,
                      InbPlane            *fu,
                      InbPlane            *fv,
                      InbPlane            *layer,
                      const ObjectPlanes  *p)
{
  const int w = p->w;
  const InbPlane *conf = s == 0 ? self->conf0 : self->conf1;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  const float *bgu = p->bg[s][0], *bgv = p->bg[s][1];

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x;
        float px, py;

        affine_apply (ms, (float) x, (float) y, &px, &py);
        if (p->mk[k] > 0.5f)
          {
            /* drawn on its own (object_rows): here, what is
             * behind it */
            fu->data[k] = bgu[k];
            fv->data[k] = bgv[k];
            /* (a small object is painted out: background) */
            layer->data[k] = ob->small ? -1.f : 1.f;
          }
        else if (layer->data[k] < 0.5f && (!ob->small || p->mv[k] > 0.f)
                 && (conf->data[k] < 0.5f
                     || hypotf (x + fu->data[k] - px, y + fv->data[k] - py) < tol))
          {
            fu->data[k] = bgu[k];
            fv->data[k] = bgv[k];
            layer->data[k] = -1.f;
          }
      }
}

/* The tight box of @mask over @zone (empty: x0 > x1) */
static void
mask_box (const InbPlane *mask,
          const int      *zone,
          int             w,
          int            *bx0,
          int            *bx1,
          int            *by0,
          int            *by1)
{
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];

  *bx0 = x1;
  *bx1 = x0;
  *by0 = y1;
  *by1 = y0;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (mask->data[(gsize) y * w + x] > 0.f)
        {
          *bx0 = MIN (*bx0, x);
          *bx1 = MAX (*bx1, x);
          *by0 = MIN (*by0, y);
          *by1 = MAX (*by1, y);
        }
}

/* The object as it is drawn, from keyframe @s: its mask a pixel wider,
 * with a steeper edge (its soft edge, thin parts and small ones stay
 * whole); from first, its motion and where it is drawn from in
 * full-resolution pixels; from last, that box grown by where it is drawn
 * from in last, taken back to first (a part out of first's frame is
 * drawn too) */
static void
object_keep (InbEngine           *self,
             EngineObject        *eo,
             const InbFlowObject *ob,
             guint                s,
             const double        *m0,
             const int           *zone,
             ObjectPlanes        *p)
{
  const int w = p->w;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  const double sc = self->scale;
  int bx0, bx1, by0, by1;

  eo->small = ob->small;
  for (int y = y0; y <= y1; y++)
    memcpy (p->tmp + (gsize) y * w + x0, p->mk + (gsize) y * w + x0,
            (gsize) (x1 - x0 + 1) * sizeof (float));
  morph_zone (p->tmp, p->err, w, x0, x1, y0, y1, 1, TRUE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      eo->mask[s]->data[(gsize) y * w + x] = MIN (1.f, 2.f * p->tmp[(gsize) y * w + x]);

  mask_box (eo->mask[s], zone, w, &bx0, &bx1, &by0, &by1);
  if (s == 0)
    {
      /* first -> last in full-resolution pixels */
      const double of = self->offset;

      eo->fwd[0] = m0[0];
      eo->fwd[1] = m0[1];
      eo->fwd[2] = sc * m0[2] + of - (m0[0] + m0[1]) * of;
      eo->fwd[3] = m0[3];
      eo->fwd[4] = m0[4];
      eo->fwd[5] = sc * m0[5] + of - (m0[3] + m0[4]) * of;

      /* where it is drawn from, tightly */
      eo->x0 = (int) (sc * (bx0 - 1));
      eo->x1 = (int) (sc * (bx1 + 2));
      eo->y0 = (int) (sc * (by0 - 1));
      eo->y1 = (int) (sc * (by1 + 2));
    }
  else
    {
      const double *a = m0;
      double mdet = a[0] * a[4] - a[1] * a[3];

      if (bx0 <= bx1 && fabs (mdet) > 1e-6)
        for (guint c = 0; c < 4; c++)
          {
            double px = (c & 1 ? bx1 + 2 : bx0 - 1) - a[2];
            double py = (c & 2 ? by1 + 2 : by0 - 1) - a[5];
            double qx = (a[4] * px - a[1] * py) / mdet;
            double qy = (a[0] * py - a[3] * px) / mdet;

            eo->x0 = MIN (eo->x0, (int) floor (sc * qx));
            eo->x1 = MAX (eo->x1, (int) ceil (sc * qx));
            eo->y0 = MIN (eo->y0, (int) floor (sc * qy));
            eo->y1 = MAX (eo->y1, (int) ceil (sc * qy));
          }
    }
}

/* Where the object hides the background in keyframe @s (self->omask[s]):
 * p->mv seen from the other side, its soft edge too; as far as its motion
 * is trusted (@trust): where it is not, nothing is hidden and the
 * renderer falls back to a dissolve */
static void
object_hide_background (InbEngine    *self,
                        guint         s,
                        const int    *zone,
                        float         trust,
                        ObjectPlanes *p)
{
  const int w = p->w;
  const int x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];

  morph_zone (p->mv, p->tmp, w, x0, x1, y0, y1, 2, TRUE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x;

        self->omask[s]->data[k] = MAX (self->omask[s]->data[k], trust * MIN (1.f, 3.f * p->mv[k]));
      }
}

/* Over @zone, how many pixels of @mask (p->mk) are above 0.5 (into
 * @all), and the share of them on @on (above 0.5) */
static double
mask_share_on (const float    *mask,
               const InbPlane *on,
               const int      *zone,
               int             w,
               double         *all)
{
  double in = 0;

  *all = 0;
  for (int y = zone[2]; y <= zone[3]; y++)
    for (int x = zone[0]; x <= zone[1]; x++)
      if (mask[(gsize) y * w + x] > 0.5f)
        {
          (*all)++;
          in += on->data[(gsize) y * w + x] > 0.5f;
        }

  return *all > 0 ? in / *all : 0.0;
}

/* How much the colours of keyframe @s's pixels on the closed mask
 * (p->mk over @zone) and of a ring of pixels around it (within 6) share:
 * the histogram intersection of their colour_bin()s, 0 (apart) to 1
 * (alike); 1 when either has too few pixels to tell */
static double
mask_ring_colour_overlap (InbEngine    *self,
                          guint         s,
                          const int    *zone,
                          ObjectPlanes *p)
{
  const int w = p->w, x0 = zone[0], x1 = zone[1], y0 = zone[2], y1 = zone[3];
  g_autofree double *ho = g_new0 (double, 2 * COLOUR_BINS);
  double *hb = ho + COLOUR_BINS, no = 0, nb = 0, overlap = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      p->wt[(gsize) y * w + x] = p->mk[(gsize) y * w + x] > 0.5f ? 1.f : 0.f;
  morph_zone_binary (p->wt, p->tmp, w, x0, x1, y0, y1, 6, TRUE);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize k = (gsize) y * w + x;

        if (p->mk[k] > 0.5f)
          {
            ho[colour_bin (self, s, x, y)]++;
            no++;
          }
        else if (p->wt[k] > 0.5f)
          {
            hb[colour_bin (self, s, x, y)]++;
            nb++;
          }
      }
  if (no < 32 || nb < 32)
    return 1.0;
  for (guint b = 0; b < COLOUR_BINS; b++)
    overlap += MIN (ho[b] / no, hb[b] / nb);

  return overlap;
}

/* object_mirrors(): the least colour overlap, in both keyframes, of a
 * phantom with the background around it (mask_ring_colour_overlap()):
 * the phantom is background matched to background; a real object
 * swapping places with an equal one stands out from its surroundings
 * (middle-crossing-hidden: 0.11 and 0.13; 52-one-still's phantom 0.74
 * and 0.83) */
#define MIRROR_ALIKE 0.5

/* Whether the object (its motion @m, zones @zone) is an earlier object
 * @j's motion (@earlier[j]) the other way round over the places @j
 * leaves and goes to: the background that @j covers in last matched, by
 * chance, to the background it uncovers (a still, smooth background; a
 * backward object offered forward). Such an object lies, in each
 * keyframe, on the other keyframe's mask of @j, is smaller than @j, and
 * looks like the background around it in both keyframes; it is left out.
 * Two objects really crossing each other's paths seldom swap places that
 * exactly, and when they do, they stand out from the background. */
static gboolean
object_mirrors (InbEngine             *self,
                const InbFlowAnalysis *an,
                const InbFlowObject   *ob,
                guint                  o,
                double                 m[2][6],
                double                 earlier[][6],
                int                    zone[2][4],
                int                    rc,
                ObjectPlanes          *p)
{
  const float cx = 0.5f * (ob->x0 + ob->x1), cy = 0.5f * (ob->y0 + ob->y1);
  float ox, oy;

  affine_apply (m[0], cx, cy, &ox, &oy);
  ox -= cx;
  oy -= cy;
  for (guint j = 0; j < o; j++)
    {
      const EngineObject *ej = &self->objects[j];
      double share[2], size[2], size_j[2] = { 0, 0 }, alike[2];
      float jx, jy, dj;

      if (an->objects[j].small)
        continue;
      /* @j's motion from where the object goes to */
      affine_apply (earlier[j], cx + ox, cy + oy, &jx, &jy);
      jx -= cx + ox;
      jy -= cy + oy;
      dj = hypotf (jx, jy);
      if (dj < 8.f || hypotf (ox + jx, oy + jy) > 0.35f * dj || ox * jx + oy * jy > -0.9f * dj * hypotf (ox, oy))
        continue;
      for (guint s = 0; s < 2; s++)
        {
          object_close_masks (an, ob, s, m[s], zone[s], rc, p);
          share[s] = mask_share_on (p->mk, ej->mask[1 - s], zone[s], p->w, &size[s]);
          alike[s] = mask_ring_colour_overlap (self, s, zone[s], p);
          for (gsize k = 0; k < p->n; k++)
            size_j[s] += ej->mask[s]->data[k] > 0.5f;
        }
      g_debug ("object %u: object %u's motion the other way round; on its other masks %.2f and %.2f, "
               "%.0f and %.0f pixels against %.0f and %.0f, colours as around it %.2f and %.2f", o, j,
               share[0], share[1], size[0], size[1], size_j[0], size_j[1], alike[0], alike[1]);
      if (share[0] >= 0.8 && share[1] >= 0.8 && size[0] < size_j[0] && size[1] < size_j[1]
          && alike[0] >= MIRROR_ALIKE && alike[1] >= MIRROR_ALIKE)
        {
          g_debug ("object %u left out: it mirrors object %u", o, j);
          return TRUE;
        }
    }

  return FALSE;
}

/* Whether the object (its motion @m, zones @zone) looks like the
 * background around it in both keyframes (mask_ring_colour_overlap() at
 * least MIRROR_ALIKE): background matched to background */
static gboolean
object_like_around (InbEngine             *self,
                    const InbFlowAnalysis *an,
                    const InbFlowObject   *ob,
                    double                 m[2][6],
                    int                    zone[2][4],
                    int                    rc,
                    ObjectPlanes          *p)
{
  double alike[2];

  for (guint s = 0; s < 2; s++)
    {
      object_close_masks (an, ob, s, m[s], zone[s], rc, p);
      alike[s] = mask_ring_colour_overlap (self, s, zone[s], p);
    }
  g_debug ("found where another object accounts for it: colours as around it %.2f and %.2f",
           alike[0], alike[1]);

  return alike[0] >= MIRROR_ALIKE && alike[1] >= MIRROR_ALIKE;
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
void
inb_engine_object_layers (InbEngine             *self,
                          const InbFlowAnalysis *an,
                          const InbPlane        *const mean[2],
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
  g_autofree float *planes = g_new (float, 10 * n);
  g_autofree float *tmp = g_new (float, n);
  g_autofree float *hidden = g_new (float, 2 * n);
  g_autofree float *oerr = g_new (float, (G_N_ELEMENTS (self->objects) - 1) * n);
  double motions[G_N_ELEMENTS (self->objects)][2][6];
  double found[G_N_ELEMENTS (self->objects)][6];
  InbFlowObject obs[G_N_ELEMENTS (self->objects)];
  gboolean merged[G_N_ELEMENTS (self->objects)] = { FALSE };
  InbPlane *pyr[2][LAYER_LEVELS] = { { NULL } };
  ObjectPlanes p = {
    w, h, n, wu, wv, wt, err, tmp, mk, mv,
    { planes, planes + n },
    { planes + 6 * n, planes + 7 * n },
    { planes + 8 * n, planes + 9 * n },
    { { planes + 2 * n, planes + 3 * n }, { planes + 4 * n, planes + 5 * n } },
    oerr,
  };
  double earlier[G_N_ELEMENTS (self->objects)][6];

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

  /* (the luma pyramids for object_refine_layer(), when an object needs
   * them) */
  for (guint o = 0; o < an->n_objects && pyr[0][0] == NULL; o++)
    if (!an->objects[o].small)
      for (guint s = 0; s < 2; s++)
        {
          pyr[s][0] = (InbPlane *) (s == 0 ? an->luma0 : an->luma1);
          for (guint l = 1; l < LAYER_LEVELS; l++)
            pyr[s][l] = plane_halve (pyr[s][l - 1]);
        }

  /* Every object's motion first: each object's mask leaves out what
   * another's explains better */
  g_assert (an->n_objects <= G_N_ELEMENTS (self->objects));
  for (guint o = 0; o < an->n_objects; o++)
    object_found_motion (self, an, &an->objects[o], found[o]);
  for (guint o = 0; o < an->n_objects; o++)
    object_motion (an, o, MAX (2.f, 0.2f * hypotf (an->objects[o].du, an->objects[o].dv)), model, pyr, found,
                   motions[o]);
  memcpy (obs, an->objects, an->n_objects * sizeof obs[0]);
  if (pyr[0][0] != NULL)
    object_merge_parts (an, pyr, model, motions, obs, merged);

  for (guint o = 0; o < an->n_objects; o++)
    {
      const InbFlowObject *ob = &obs[o];
      const float tol = MAX (2.f, 0.2f * hypotf (ob->du, ob->dv));
      /* gaps closed in the mask: up to an eighth of the object's size */
      const int rc = CLAMP (MAX (ob->x1 - ob->x0, ob->y1 - ob->y0) / 8, 4, 12);
      double (*m)[6] = motions[o];
      double others[2][G_N_ELEMENTS (self->objects) - 1][6], ratio;
      guint n_others = 0;
      int zone[2][4];

      for (guint s = 0; s < 2; s++)
        {
          self->objects[o].mask[s] = inb_plane_new (an->width, an->height);
          memset (self->objects[o].mask[s]->data, 0, n * sizeof (float));
        }
      self->objects[o].trust = 1.f;
      self->n_objects = o + 1;
      memcpy (earlier[o], m[0], sizeof earlier[o]);
      if (merged[o])
        continue;
      object_zones (ob, m[0], w, h, zone);
      /* (the other objects that are not small and move otherwise: not
       * this one found twice, nor a part of it found with another
       * motion, see crossing_motion()) */
      for (guint j = 0; j < an->n_objects; j++)
        if (j != o && !an->objects[j].small && !merged[j] && crossing_motion (ob, m[0], motions[j][0]))
          {
            memcpy (others[0][n_others], motions[j][0], sizeof others[0][0]);
            memcpy (others[1][n_others], motions[j][1], sizeof others[1][0]);
            n_others++;
          }

      /* Raw masks in both keyframes */
      for (guint s = 0; s < 2; s++)
        {
          memset (p.raw[s], 0, n * sizeof (float));
          if (zone[s][0] > zone[s][1] || zone[s][2] > zone[s][3])
            continue;
          object_background_flow (self, ob, s, m[s], zone[s], tol, model[s], reliability, fu[s], fv[s], &p);
          if (ob->small)
            object_raw_mask_small (self, an, ob, s, zone[s], &p);
          else
            object_raw_mask (an, s, m[s], (const double (*)[6]) others[s], n_others, zone[s], &p);
        }
      if (!ob->small)
        for (guint s = 0; s < 2; s++)
          {
            memset (p.leave[s], 0, n * sizeof (float));
            if (zone[s][0] <= zone[s][1] && zone[s][2] <= zone[s][3])
              {
                object_colour_keep (self, an, s, m[s], zone[s], rc, &p);
                object_raw_mask_leaving (an, s, m[s], zone[s], &p);
              }
          }

      if (!ob->small && object_unexplained (self, an, mean, ob, m, zone, rc, &p))
        continue;
      if (!ob->small && object_mirrors (self, an, ob, o, m, earlier, zone, rc, &p))
        continue;
      /* (a phantom of the background another object covers or uncovers,
       * see InbFlowObject; left out only here, its motion still one the
       * other objects' masks were weighed against. Background matched to
       * background looks like the background around it; an object that
       * crosses the other one, into the place it leaves, stands out) */
      if (ob->accounted && object_like_around (self, an, ob, m, zone, rc, &p))
        {
          g_debug ("object %u left out: what it was found in, another object accounts for", o);
          continue;
        }
      for (guint s = 0; s < 2; s++)
        {
          if (zone[s][0] > zone[s][1] || zone[s][2] > zone[s][3])
            continue;
          object_close_masks (an, ob, s, m[s], zone[s], rc, &p);
          if (!ob->small)
            object_fill_ties (self, an, s, m[s], zone[s], rc, &p);
          object_assign_layers (self, ob, s, m[s], zone[s], tol, fu[s], fv[s], layer[s], &p);
          object_keep (self, &self->objects[o], ob, s, m[0], zone[s], &p);
          /* (what it hides, once its trust is known) */
          if (!ob->small)
            memcpy (hidden + s * n, p.mv, n * sizeof (float));
        }
      if (ob->small)
        continue;
      ratio = MAX (object_trust_ratio (an, mean, 0, self->objects[o].mask[0]->data, zone[0], m[0]),
                   object_trust_ratio (an, mean, 1, self->objects[o].mask[1]->data, zone[1], m[1]));
      self->objects[o].trust = object_trust (ratio);
      g_debug ("object %u: its motion leaves %.2f of the error of standing still: trusted %.2f", o, ratio,
               self->objects[o].trust);
      for (guint s = 0; s < 2; s++)
        if (zone[s][0] <= zone[s][1] && zone[s][2] <= zone[s][3])
          {
            memcpy (p.mv, hidden + s * n, n * sizeof (float));
            object_hide_background (self, s, zone[s], self->objects[o].trust, &p);
          }
    }

  for (guint s = 0; s < 2; s++)
    for (guint l = 1; l < LAYER_LEVELS; l++)
      g_clear_pointer (&pyr[s][l], inb_plane_free);

  /* The object's pixels correspond (through its motion) */
  for (gsize k = 0; k < n; k++)
    {
      self->conf0->data[k] = MAX (self->conf0->data[k], self->omask[0]->data[k]);
      self->conf1->data[k] = MAX (self->conf1->data[k], self->omask[1]->data[k]);
    }
}

/* Keyframe @side's pixels about @ob (its mask's box, a pixel or two
 * wider, in full-resolution pixels: @box x0 x1 y0 y1), kept in its patch
 * for drawing it; FALSE when its mask is empty */
static gboolean
object_patch (InbEngine    *self,
              EngineObject *ob,
              guint         side,
              int          *box)
{
  const InbPlane *mask = ob->mask[side];
  const InbPixel *pix = side == 0 ? self->pix0 : self->pix1;
  const float s = (float) self->scale;
  int bx0 = (int) mask->width, bx1 = -1, by0 = (int) mask->height, by1 = -1;
  int pw, ph;
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
  box[0] = CLAMP ((int) (s * (bx0 - 1)), 0, (int) self->width - 1);
  box[1] = CLAMP ((int) (s * (bx1 + 2)), 0, (int) self->width - 1);
  box[2] = CLAMP ((int) (s * (by0 - 1)), 0, (int) self->height - 1);
  box[3] = CLAMP ((int) (s * (by1 + 2)), 0, (int) self->height - 1);
  pw = box[1] - box[0] + 1;
  ph = box[3] - box[2] + 1;
  patch = g_aligned_alloc ((gsize) (pw + 1) * (ph + 1), sizeof (InbPixel), 16);
  for (int y = 0; y <= ph; y++)
    for (int x = 0; x <= pw; x++)
      patch[(gsize) y * (pw + 1) + x] = pix[(gsize) MIN (box[2] + y, box[3]) * self->pad_stride
                                            + MIN (box[0] + x, box[1])];
  ob->patch[side] = patch;
  ob->px0[side] = box[0];
  ob->py0[side] = box[2];
  ob->pw[side] = pw;
  ob->ph[side] = ph;

  return bx1 >= 0;
}

/* A small object in both keyframes: its pixels kept in @ob's patches,
 * then painted out of the keyframes' pixels (the mean of the pixels
 * around that it does not cover; the background is smooth there). */
void
inb_engine_paint_out (InbEngine    *self,
                      EngineObject *ob)
{
  const float s = (float) self->scale, off = self->offset;
  const int r = 2 * (int) self->scale + 3;

  for (guint side = 0; side < 2; side++)
    {
      const InbPlane *mask = ob->mask[side];
      InbPixel *pix = side == 0 ? self->pix0 : self->pix1;
      const InbPixel *patch;
      int box[4], x0, x1, y0, y1, pw;

      if (!object_patch (self, ob, side, box))
        continue;
      x0 = box[0];
      x1 = box[1];
      y0 = box[2];
      y1 = box[3];
      patch = ob->patch[side];
      pw = ob->pw[side];
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

/* Background that an object hides in both keyframes: two objects
 * crossing, one where the other was; an object with a hole or a
 * hollow, moving less than its width. It is seen in neither keyframe,
 * and the background drawn there (node_rows() in inb-render.c: the
 * keyframes' pixels where the background's motion takes the pixel, each
 * weighted down where an object hides it) was a blend of the objects'
 * colours, a ghost of each. The keyframes' pixels wherever an object
 * hides the background (self->omask[]) are painted over with the
 * colours of the background around (push-pull on the analysis grid of
 * the pixels no object hides), a blur closer to what is behind; where
 * only one keyframe hides it, the other's pixel is drawn as before (the
 * painted one keeps its small weight). The objects, which are drawn from
 * the keyframes' pixels, are drawn from patches of them kept before
 * (object_patch()). */
void
inb_engine_paint_out_hidden (InbEngine *self)
{
  const int aw = (int) self->aw, ah = (int) self->ah;
  const gsize n = (gsize) aw * ah;
  const float s = (float) self->scale, off = self->offset;
  const int si = (int) self->scale;
  g_autofree float *planes = NULL;
  int box[2][4];
  gboolean any = FALSE;

  if (self->omask[0] == NULL)
    return;
  /* where to paint, on the analysis grid */
  for (guint side = 0; side < 2; side++)
    {
      const float *om = self->omask[side]->data;

      box[side][0] = aw;
      box[side][1] = -1;
      box[side][2] = ah;
      box[side][3] = -1;
      for (int y = 0; y < ah; y++)
        for (int x = 0; x < aw; x++)
          if (om[(gsize) y * aw + x] > 0.f)
            {
              box[side][0] = MIN (box[side][0], x);
              box[side][1] = MAX (box[side][1], x);
              box[side][2] = MIN (box[side][2], y);
              box[side][3] = MAX (box[side][3], y);
              any = TRUE;
            }
    }
  g_debug ("background hidden by objects: [%d %d] x [%d %d] in first, [%d %d] x [%d %d] in last",
           box[0][0], box[0][1], box[0][2], box[0][3], box[1][0], box[1][1], box[1][2], box[1][3]);
  if (!any)
    return;
  planes = g_new0 (float, 7 * n);

  /* the objects as they are, to draw them */
  for (guint o = 0; o < self->n_objects; o++)
    if (!self->objects[o].small && self->objects[o].mask[0] != NULL)
      for (guint side = 0; side < 2; side++)
        {
          int pb[4];

          object_patch (self, &self->objects[o], side, pb);
        }

  for (guint side = 0; side < 2; side++)
    {
      const float *om = self->omask[side]->data;
      InbPixel *pix = side == 0 ? self->pix0 : self->pix1;
      float *wr = planes, *wg = planes + n, *wb = planes + 2 * n, *wt = planes + 3 * n;
      float *fr = planes + 4 * n, *fg = planes + 5 * n, *fb = planes + 6 * n;
      const InbPlane pr = { (guint) aw, (guint) ah, fr }, pg = { (guint) aw, (guint) ah, fg };
      const InbPlane pbl = { (guint) aw, (guint) ah, fb };
      const int *b = box[side];

      if (b[1] < 0)
        continue;
      /* the background's mean colour in each analysis cell that no
       * object hides */
      for (int y = 0; y < ah; y++)
        for (int x = 0; x < aw; x++)
          {
            gsize k = (gsize) y * aw + x;
            InbPixel sum = { 0.f, 0.f, 0.f, 0.f };
            int cnt = 0;

            wr[k] = wg[k] = wb[k] = wt[k] = 0.f;
            if (om[k] > 0.f)
              continue;
            for (int j = si * y; j < si * (y + 1) && j < (int) self->height; j++)
              for (int i = si * x; i < si * (x + 1) && i < (int) self->width; i++, cnt++)
                sum += pix[(gsize) j * self->pad_stride + i];
            if (cnt == 0)
              continue;
            sum /= (float) cnt;
            wr[k] = sum[0];
            wg[k] = sum[1];
            wb[k] = sum[2];
            wt[k] = 1.f;
          }
      inb_engine_push_pull (wr, wg, wt, (guint) aw, (guint) ah, fr, fg);
      inb_engine_push_pull (wb, wb, wt, (guint) aw, (guint) ah, fb, wr);

      for (int y = MAX (0, (int) (s * (b[2] - 1))); y <= MIN ((int) self->height - 1, (int) (s * (b[3] + 2))); y++)
        for (int x = MAX (0, (int) (s * (b[0] - 1))); x <= MIN ((int) self->width - 1, (int) (s * (b[1] + 2))); x++)
          {
            float xa = (x - off) / s, ya = (y - off) / s;
            float m = inb_plane_sample (self->omask[side], xa, ya);
            InbPixel *q = &pix[(gsize) y * self->pad_stride + x];
            InbPixel fill;

            if (m <= 0.f)
              continue;
            fill = (InbPixel) { inb_plane_sample (&pr, xa, ya), inb_plane_sample (&pg, xa, ya),
                                inb_plane_sample (&pbl, xa, ya), (*q)[3] };
            *q += m * (fill - *q);
          }
    }
}
