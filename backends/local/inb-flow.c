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
 *     exhaustive block matching on a small level);
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
 */
#define G_LOG_DOMAIN "inb-flow"

#include "config.h"

#include <math.h>
#include <string.h>

#include "inb-flow.h"

#define PATCH_SIZE        8
#define PATCH_STRIDE      4
#define PATCH_ITERATIONS  16
#define MAX_ANALYSIS_AREA 600000  /* analysis pixels at most */
#define MAX_FULL_AREA     300000  /* larger pairs: at most half resolution */
#define MIN_LEVEL_SIDE    16
#define MAX_LEVELS        12
#define SEARCH_WIDTH      64

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
/* 3 × 3 matrices                                                      */

void
inb_mat3_mul (const double a[9],
              const double b[9],
              double       out[9])
{
  double r[9];

  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  memcpy (out, r, sizeof r);
}

gboolean
inb_mat3_invert (const double m[9],
                 double       out[9])
{
  double r[9];
  double det;

  r[0] = m[4] * m[8] - m[5] * m[7];
  r[1] = m[2] * m[7] - m[1] * m[8];
  r[2] = m[1] * m[5] - m[2] * m[4];
  r[3] = m[5] * m[6] - m[3] * m[8];
  r[4] = m[0] * m[8] - m[2] * m[6];
  r[5] = m[2] * m[3] - m[0] * m[5];
  r[6] = m[3] * m[7] - m[4] * m[6];
  r[7] = m[1] * m[6] - m[0] * m[7];
  r[8] = m[0] * m[4] - m[1] * m[3];
  det = m[0] * r[0] + m[1] * r[3] + m[2] * r[6];
  if (!isfinite (det) || fabs (det) < 1e-300)
    return FALSE;
  for (guint i = 0; i < 9; i++)
    out[i] = r[i] / det;

  return TRUE;
}

static void
mat3_identity (double m[9])
{
  memset (m, 0, 9 * sizeof (double));
  m[0] = m[4] = m[8] = 1.0;
}

static gboolean
is_identity (const double m[9])
{
  return m[0] == 1 && m[1] == 0 && m[2] == 0 && m[3] == 0 && m[4] == 1
      && m[5] == 0 && m[6] == 0 && m[7] == 0 && m[8] == 1;
}

static double
mat3_norm1 (const double m[9])
{
  double best = 0.0;

  for (guint j = 0; j < 3; j++)
    best = MAX (best, fabs (m[j]) + fabs (m[3 + j]) + fabs (m[6 + j]));

  return best;
}

void
inb_mat3_exp (const double m[9],
              double       out[9])
{
  double a[9];
  double term[9];
  double sum[9];
  double norm = mat3_norm1 (m);
  int squarings = 0;

  if (!isfinite (norm))
    {
      mat3_identity (out);
      return;
    }
  while (norm > 0.25 && squarings < 40)
    {
      norm *= 0.5;
      squarings++;
    }
  for (guint i = 0; i < 9; i++)
    a[i] = m[i] / ldexp (1.0, squarings);

  mat3_identity (sum);
  mat3_identity (term);
  for (int k = 1; k <= 14; k++)
    {
      inb_mat3_mul (term, a, term);
      for (guint i = 0; i < 9; i++)
        {
          term[i] /= k;
          sum[i] += term[i];
        }
    }
  for (int s = 0; s < squarings; s++)
    inb_mat3_mul (sum, sum, sum);
  memcpy (out, sum, sizeof sum);
}

/* Principal square root by the Denman–Beavers iteration. */
static gboolean
mat3_sqrt (const double m[9],
           double       out[9])
{
  double y[9];
  double z[9];

  memcpy (y, m, sizeof y);
  mat3_identity (z);
  for (int it = 0; it < 60; it++)
    {
      double yi[9], zi[9];
      double diff = 0.0;

      if (!inb_mat3_invert (y, yi) || !inb_mat3_invert (z, zi))
        return FALSE;
      for (guint i = 0; i < 9; i++)
        {
          double ny = 0.5 * (y[i] + zi[i]);

          diff = MAX (diff, fabs (ny - y[i]));
          z[i] = 0.5 * (z[i] + yi[i]);
          y[i] = ny;
        }
      if (diff < 1e-14)
        break;
    }
  for (guint i = 0; i < 9; i++)
    if (!isfinite (y[i]))
      return FALSE;
  memcpy (out, y, sizeof y);

  return TRUE;
}

/* Principal logarithm of @m scaled to determinant 1 (a homography is
 * defined up to scale). Inverse scaling and squaring; the zero matrix when
 * there is none (negative determinant, eigenvalues on the negative axis). */
void
inb_mat3_log (const double m[9],
              double       out[9])
{
  double a[9];
  double x[9];
  double term[9];
  double det;
  double scale;
  int roots = 0;

  memset (out, 0, 9 * sizeof (double));
  det = m[0] * (m[4] * m[8] - m[5] * m[7])
      - m[1] * (m[3] * m[8] - m[5] * m[6])
      + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!isfinite (det) || det <= 1e-12)
    return;
  scale = cbrt (det);
  for (guint i = 0; i < 9; i++)
    a[i] = m[i] / scale;

  for (;;)
    {
      double d[9];

      memcpy (d, a, sizeof d);
      d[0] -= 1.0;
      d[4] -= 1.0;
      d[8] -= 1.0;
      if (mat3_norm1 (d) < 0.1)
        break;
      if (roots >= 40 || !mat3_sqrt (a, a))
        return;
      roots++;
    }

  memcpy (x, a, sizeof x);
  x[0] -= 1.0;
  x[4] -= 1.0;
  x[8] -= 1.0;
  memcpy (term, x, sizeof term);
  for (int k = 1; k <= 24; k++)
    {
      double c = ((k & 1) ? 1.0 : -1.0) / k;

      for (guint i = 0; i < 9; i++)
        out[i] += c * term[i];
      inb_mat3_mul (term, x, term);
    }
  for (guint i = 0; i < 9; i++)
    out[i] *= ldexp (1.0, roots);
}

void
inb_mat3_apply (const double  h[9],
                double        x,
                double        y,
                double       *out_x,
                double       *out_y)
{
  double w = h[6] * x + h[7] * y + h[8];

  if (fabs (w) < 1e-12)
    w = w < 0 ? -1e-12 : 1e-12;
  *out_x = (h[0] * x + h[1] * y + h[2]) / w;
  *out_y = (h[3] * x + h[4] * y + h[5]) / w;
}

/* Solves a small dense system in place (partial pivoting). */
static gboolean
solve_linear (double *a,
              double *b,
              int     n)
{
  for (int c = 0; c < n; c++)
    {
      int piv = c;

      for (int r = c + 1; r < n; r++)
        if (fabs (a[r * n + c]) > fabs (a[piv * n + c]))
          piv = r;
      if (fabs (a[piv * n + c]) < 1e-15)
        return FALSE;
      if (piv != c)
        {
          double t;

          for (int k = 0; k < n; k++)
            {
              t = a[c * n + k];
              a[c * n + k] = a[piv * n + k];
              a[piv * n + k] = t;
            }
          t = b[c];
          b[c] = b[piv];
          b[piv] = t;
        }
      for (int r = c + 1; r < n; r++)
        {
          double f = a[r * n + c] / a[c * n + c];

          for (int k = c; k < n; k++)
            a[r * n + k] -= f * a[c * n + k];
          b[r] -= f * b[c];
        }
    }
  for (int c = n - 1; c >= 0; c--)
    {
      double s = b[c];

      for (int k = c + 1; k < n; k++)
        s -= a[c * n + k] * b[k];
      b[c] = s / a[c * n + c];
      if (!isfinite (b[c]))
        return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Luma and pyramids                                                   */

typedef struct
{
  const guint8 *pixels;
  gsize         stride;
  guint         width;
  guint         height;
  guint         scale;
  InbPlane     *out;
} LumaJob;

static void
luma_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const LumaJob *job = user_data;
  const guint s = job->scale;

  for (guint ya = start; ya < end; ya++)
    {
      float *dst = job->out->data + (gsize) ya * job->out->width;
      guint y0 = ya * s;
      guint y1 = MIN (y0 + s, job->height);

      for (guint xa = 0; xa < job->out->width; xa++)
        {
          guint x0 = xa * s;
          guint x1 = MIN (x0 + s, job->width);
          guint sum = 0;

          for (guint y = y0; y < y1; y++)
            {
              const guint8 *p = job->pixels + (gsize) y * job->stride + (gsize) x0 * 3;

              for (guint x = x0; x < x1; x++, p += 3)
                sum += 77u * p[0] + 150u * p[1] + 29u * p[2];
            }
          dst[xa] = (float) sum / (256.f * (float) ((y1 - y0) * (x1 - x0)));
        }
    }
}

typedef struct
{
  const InbPlane *src;
  InbPlane       *dst;
} HalveJob;

static void
halve_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const HalveJob *job = user_data;
  const guint sw = job->src->width;
  const guint sh = job->src->height;

  for (guint y = start; y < end; y++)
    {
      const float *r0 = job->src->data + (gsize) MIN (2 * y, sh - 1) * sw;
      const float *r1 = job->src->data + (gsize) MIN (2 * y + 1, sh - 1) * sw;
      float *dst = job->dst->data + (gsize) y * job->dst->width;

      for (guint x = 0; x < job->dst->width; x++)
        {
          guint xa = MIN (2 * x, sw - 1);
          guint xb = MIN (2 * x + 1, sw - 1);

          dst[x] = 0.25f * (r0[xa] + r0[xb] + r1[xa] + r1[xb]);
        }
    }
}

typedef struct
{
  const InbPlane *src;
  InbPlane       *gx;
  InbPlane       *gy;
} GradJob;

static void
gradient_rows (guint    start,
               guint    end,
               gpointer user_data)
{
  const GradJob *job = user_data;
  const guint w = job->src->width;
  const guint h = job->src->height;

  for (guint y = start; y < end; y++)
    {
      const float *r = job->src->data + (gsize) y * w;
      const float *ru = job->src->data + (gsize) (y > 0 ? y - 1 : 0) * w;
      const float *rd = job->src->data + (gsize) MIN (y + 1, h - 1) * w;
      float *gx = job->gx->data + (gsize) y * w;
      float *gy = job->gy->data + (gsize) y * w;

      for (guint x = 0; x < w; x++)
        {
          guint xl = x > 0 ? x - 1 : 0;
          guint xr = MIN (x + 1, w - 1);

          gx[x] = 0.5f * (r[xr] - r[xl]);
          gy[x] = 0.5f * (rd[x] - ru[x]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* DIS patch flow, one level                                           */

typedef struct
{
  const InbPlane *i0;      /* template image */
  const InbPlane *i1;      /* searched image */
  const InbPlane *gx;      /* gradients of i0 */
  const InbPlane *gy;
  const InbPlane *init_u;  /* dense initial flow */
  const InbPlane *init_v;
  float          *pu;      /* patch flows */
  float          *pv;
  guint           nx;
  guint           ny;
  InbPlane       *out_u;
  InbPlane       *out_v;
} DisJob;

static inline float
patch_cost (const InbPlane *i1,
            const float    *tmpl,
            int             px,
            int             py,
            float           u,
            float           v,
            const float    *gx,
            const float    *gy,
            float          *out_sd,
            float          *out_sdx,
            float          *out_sdy)
{
  const int w = (int) i1->width;
  const int h = (int) i1->height;
  float fxp = (float) px + u;
  float fyp = (float) py + v;
  float sd = 0.f, sdx = 0.f, sdy = 0.f, ssd = 0.f;
  int ix = (int) floorf (fxp);
  int iy = (int) floorf (fyp);

  if (ix >= 0 && iy >= 0 && ix + PATCH_SIZE < w && iy + PATCH_SIZE < h)
    {
      float fx = fxp - (float) ix;
      float fy = fyp - (float) iy;
      float w00 = (1.f - fx) * (1.f - fy);
      float w01 = fx * (1.f - fy);
      float w10 = (1.f - fx) * fy;
      float w11 = fx * fy;

      for (int ky = 0; ky < PATCH_SIZE; ky++)
        {
          const float *r0 = i1->data + (gsize) (iy + ky) * w + ix;
          const float *r1 = r0 + w;
          const float *t = tmpl + ky * PATCH_SIZE;
          const float *ggx = gx + ky * PATCH_SIZE;
          const float *ggy = gy + ky * PATCH_SIZE;

          for (int kx = 0; kx < PATCH_SIZE; kx++)
            {
              float d = w00 * r0[kx] + w01 * r0[kx + 1] + w10 * r1[kx] + w11 * r1[kx + 1] - t[kx];

              sd += d;
              sdx += ggx[kx] * d;
              sdy += ggy[kx] * d;
              ssd += d * d;
            }
        }
    }
  else
    {
      for (int ky = 0; ky < PATCH_SIZE; ky++)
        for (int kx = 0; kx < PATCH_SIZE; kx++)
          {
            int k = ky * PATCH_SIZE + kx;
            float d = inb_plane_sample (i1, fxp + (float) kx, fyp + (float) ky) - tmpl[k];

            sd += d;
            sdx += gx[k] * d;
            sdy += gy[k] * d;
            ssd += d * d;
          }
    }

  *out_sd = sd;
  *out_sdx = sdx;
  *out_sdy = sdy;

  return ssd - sd * sd / (float) (PATCH_SIZE * PATCH_SIZE);
}

static void
dis_patch_rows (guint    start,
                guint    end,
                gpointer user_data)
{
  const DisJob *job = user_data;
  const guint w = job->i0->width;
  const float n = (float) (PATCH_SIZE * PATCH_SIZE);
  const float max_step = (float) PATCH_SIZE;
  float tmpl[PATCH_SIZE * PATCH_SIZE];
  float gx[PATCH_SIZE * PATCH_SIZE];
  float gy[PATCH_SIZE * PATCH_SIZE];

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < job->nx; i++)
      {
        int px = (int) (i * PATCH_STRIDE);
        int py = (int) (j * PATCH_STRIDE);
        float cx = (float) px + 0.5f * (PATCH_SIZE - 1);
        float cy = (float) py + 0.5f * (PATCH_SIZE - 1);
        float u0 = inb_plane_sample (job->init_u, cx, cy);
        float v0 = inb_plane_sample (job->init_v, cx, cy);
        float u = u0, v = v0;
        float best_u = u0, best_v = v0, best_cost = G_MAXFLOAT;
        float sgx = 0.f, sgy = 0.f, sxx = 0.f, syy = 0.f, sxy = 0.f;
        float hxx, hyy, hxy, det;

        for (int ky = 0; ky < PATCH_SIZE; ky++)
          {
            gsize off = (gsize) (py + ky) * w + (gsize) px;

            for (int kx = 0; kx < PATCH_SIZE; kx++)
              {
                int k = ky * PATCH_SIZE + kx;
                float a = job->gx->data[off + kx];
                float b = job->gy->data[off + kx];

                tmpl[k] = job->i0->data[off + kx];
                gx[k] = a;
                gy[k] = b;
                sgx += a;
                sgy += b;
                sxx += a * a;
                syy += b * b;
                sxy += a * b;
              }
          }
        hxx = sxx - sgx * sgx / n + 0.05f * n;
        hyy = syy - sgy * sgy / n + 0.05f * n;
        hxy = sxy - sgx * sgy / n;
        det = hxx * hyy - hxy * hxy;

        for (int it = 0; it <= PATCH_ITERATIONS && det > 1e-6f; it++)
          {
            float sd, sdx, sdy, cost, bx, by, dx, dy;

            cost = patch_cost (job->i1, tmpl, px, py, u, v, gx, gy, &sd, &sdx, &sdy);
            if (cost < best_cost)
              {
                best_cost = cost;
                best_u = u;
                best_v = v;
              }
            if (it == PATCH_ITERATIONS)
              break;
            bx = sdx - sgx * sd / n;
            by = sdy - sgy * sd / n;
            dx = (hyy * bx - hxy * by) / det;
            dy = (hxx * by - hxy * bx) / det;
            u -= dx;
            v -= dy;
            if (!(fabsf (u - u0) <= max_step && fabsf (v - v0) <= max_step))
              break;
            if (dx * dx + dy * dy < 1e-4f)
              {
                cost = patch_cost (job->i1, tmpl, px, py, u, v, gx, gy, &sd, &sdx, &sdy);
                if (cost < best_cost)
                  {
                    best_u = u;
                    best_v = v;
                  }
                break;
              }
          }

        job->pu[j * job->nx + i] = best_u;
        job->pv[j * job->nx + i] = best_v;
      }
}

static inline void
covering (int   x,
          guint n,
          int  *lo,
          int  *hi)
{
  int a = x - PATCH_SIZE + 1;
  int l = a > 0 ? (a + PATCH_STRIDE - 1) / PATCH_STRIDE : 0;
  int h = MIN (x / PATCH_STRIDE, (int) n - 1);

  *lo = MIN (l, h);
  *hi = h;
}

static void
dis_densify_rows (guint    start,
                  guint    end,
                  gpointer user_data)
{
  const DisJob *job = user_data;
  const guint w = job->i0->width;

  for (guint y = start; y < end; y++)
    {
      const float *r0 = job->i0->data + (gsize) y * w;
      float *ou = job->out_u->data + (gsize) y * w;
      float *ov = job->out_v->data + (gsize) y * w;
      int jlo, jhi;

      covering ((int) y, job->ny, &jlo, &jhi);
      for (guint x = 0; x < w; x++)
        {
          float su = 0.f, sv = 0.f, sw = 0.f;
          int ilo, ihi;

          covering ((int) x, job->nx, &ilo, &ihi);
          for (int j = jlo; j <= jhi; j++)
            for (int i = ilo; i <= ihi; i++)
              {
                float u = job->pu[j * job->nx + i];
                float v = job->pv[j * job->nx + i];
                float d = fabsf (inb_plane_sample (job->i1, (float) x + u, (float) y + v) - r0[x]);
                float wt = 1.f / MAX (1.f, d);

                su += wt * u;
                sv += wt * v;
                sw += wt;
              }
          ou[x] = su / sw;
          ov[x] = sv / sw;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Initial flows                                                       */

typedef struct
{
  const InbPlane *coarse_u;
  const InbPlane *coarse_v;
  double          h[9];
  float           cu;
  float           cv;
  const InbPlane *seed_u;
  const InbPlane *seed_v;
  int             mode;   /* 0 constant, 1 homography, 2 upsample, 3 copy */
  InbPlane       *u;
  InbPlane       *v;
} InitJob;

static void
init_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const InitJob *job = user_data;
  const guint w = job->u->width;

  for (guint y = start; y < end; y++)
    {
      float *u = job->u->data + (gsize) y * w;
      float *v = job->v->data + (gsize) y * w;

      for (guint x = 0; x < w; x++)
        {
          if (job->mode == 0)
            {
              u[x] = job->cu;
              v[x] = job->cv;
            }
          else if (job->mode == 1)
            {
              double tx, ty;

              inb_mat3_apply (job->h, x, y, &tx, &ty);
              u[x] = (float) CLAMP (tx - x, -1e4, 1e4);
              v[x] = (float) CLAMP (ty - y, -1e4, 1e4);
            }
          else if (job->mode == 3)
            {
              u[x] = job->seed_u->data[(gsize) y * w + x];
              v[x] = job->seed_v->data[(gsize) y * w + x];
            }
          else
            {
              float sx = 0.5f * ((float) x - 0.5f);
              float sy = 0.5f * ((float) y - 0.5f);

              u[x] = 2.f * inb_plane_sample (job->coarse_u, sx, sy);
              v[x] = 2.f * inb_plane_sample (job->coarse_v, sx, sy);
            }
        }
    }
}

/* Level-0 coordinates from level-l ones: x0 = s xl + (s - 1) / 2. */
static void
level_matrix (guint  level,
              double a[9])
{
  double s = ldexp (1.0, (int) level);

  mat3_identity (a);
  a[0] = a[4] = s;
  a[2] = a[5] = 0.5 * (s - 1.0);
}

/* Conjugates a level-0 homography into level-l coordinates. */
static void
homography_at_level (const double h0[9],
                     guint        level,
                     double       out[9])
{
  double a[9], ai[9], t[9];

  level_matrix (level, a);
  inb_mat3_invert (a, ai);
  inb_mat3_mul (h0, a, t);
  inb_mat3_mul (ai, t, out);
}

typedef struct
{
  InbParallel   *par;
  GCancellable  *cancellable;
  InbPlane     **pyr_a;
  InbPlane     **pyr_b;
  InbPlane     **grad_x;   /* gradients of pyr_a */
  InbPlane     **grad_y;
} DisPyramid;

/* Coarse-to-fine flow a -> b from level @top down to level @bottom,
 * seeded at @top by @h0 (level-0 homography) or a constant level-0 flow. */
static gboolean
dis_coarse_to_fine (const DisPyramid *dp,
                    guint             top,
                    guint             bottom,
                    const double     *h0,
                    const InbPlane   *seed_u,
                    const InbPlane   *seed_v,
                    float             init_u,
                    float             init_v,
                    InbPlane        **out_u,
                    InbPlane        **out_v)
{
  g_autoptr(InbPlane) u = NULL;
  g_autoptr(InbPlane) v = NULL;

  for (int l = (int) top; l >= (int) bottom; l--)
    {
      const InbPlane *i0 = dp->pyr_a[l];
      g_autoptr(InbPlane) iu = inb_plane_new (i0->width, i0->height);
      g_autoptr(InbPlane) iv = inb_plane_new (i0->width, i0->height);
      InitJob init = { 0 };
      DisJob job = { 0 };
      g_autofree float *pu = NULL;
      g_autofree float *pv = NULL;

      init.u = iu;
      init.v = iv;
      if (l == (int) top)
        {
          if (seed_u != NULL)
            {
              init.mode = 3;
              init.seed_u = seed_u;
              init.seed_v = seed_v;
            }
          else if (h0 != NULL)
            {
              init.mode = 1;
              homography_at_level (h0, (guint) l, init.h);
            }
          else
            {
              init.mode = 0;
              init.cu = init_u / (float) ldexp (1.0, l);
              init.cv = init_v / (float) ldexp (1.0, l);
            }
        }
      else
        {
          init.mode = 2;
          init.coarse_u = u;
          init.coarse_v = v;
        }
      if (!inb_parallel_for (dp->par, i0->height, 0, init_rows, &init, dp->cancellable))
        return FALSE;

      g_clear_pointer (&u, inb_plane_free);
      g_clear_pointer (&v, inb_plane_free);

      if (i0->width < PATCH_SIZE + 1 || i0->height < PATCH_SIZE + 1)
        {
          u = g_steal_pointer (&iu);
          v = g_steal_pointer (&iv);
          continue;
        }

      job.i0 = i0;
      job.i1 = dp->pyr_b[l];
      job.gx = dp->grad_x[l];
      job.gy = dp->grad_y[l];
      job.init_u = iu;
      job.init_v = iv;
      job.nx = (i0->width - PATCH_SIZE) / PATCH_STRIDE + 1;
      job.ny = (i0->height - PATCH_SIZE) / PATCH_STRIDE + 1;
      pu = g_new (float, (gsize) job.nx * job.ny);
      pv = g_new (float, (gsize) job.nx * job.ny);
      job.pu = pu;
      job.pv = pv;
      u = inb_plane_new (i0->width, i0->height);
      v = inb_plane_new (i0->width, i0->height);
      job.out_u = u;
      job.out_v = v;

      if (!inb_parallel_for (dp->par, job.ny, 1, dis_patch_rows, &job, dp->cancellable))
        return FALSE;
      if (!inb_parallel_for (dp->par, i0->height, 0, dis_densify_rows, &job, dp->cancellable))
        return FALSE;
    }

  *out_u = g_steal_pointer (&u);
  *out_v = g_steal_pointer (&v);

  return TRUE;
}

/* Mean robust photometric error of a flow a -> b (lower is better). */
static double
flow_error (const InbPlane *a,
            const InbPlane *b,
            const InbPlane *u,
            const InbPlane *v)
{
  const guint w = a->width, h = a->height;
  double sum = 0;

  for (guint y = 0; y < h; y += 2)
    for (guint x = 0; x < w; x += 2)
      {
        gsize k = (gsize) y * w + x;
        float tx = (float) x + u->data[k], ty = (float) y + v->data[k];
        float e = 12.f;

        if (tx >= 0 && ty >= 0 && tx <= (float) (w - 1) && ty <= (float) (h - 1))
          e = MIN (30.f, fabsf (inb_plane_sample (b, tx, ty) - a->data[k]));
        sum += e;
      }

  return sum / (((w + 1) / 2) * ((h + 1) / 2));
}

/* Exhaustive block matching of 8×8 blocks on a small level, densified
 * like the patch flow: evidence for displacements far larger than an
 * object's size at that level, which coarse-to-fine search cannot find. */
typedef struct
{
  const InbPlane *a;
  const InbPlane *b;
  int             rx;
  int             ry;
  float          *pu;
  float          *pv;
  guint           nx;
  int             step;   /* search step; > 1: then refined to a pixel */
} BlockJob;

static inline float
block_sad (const BlockJob *job,
           int             w,
           int             px,
           int             py,
           int             dx,
           int             dy,
           float           best)
{
  float sad = 0.01f * (float) (abs (dx) + abs (dy));

  for (int ky = 0; ky < PATCH_SIZE && sad < best; ky++)
    {
      const float *ra = job->a->data + (gsize) (py + ky) * w + px;
      const float *rb = job->b->data + (gsize) (py + ky + dy) * w + px + dx;

      for (int kx = 0; kx < PATCH_SIZE; kx++)
        sad += fabsf (ra[kx] - rb[kx]);
    }

  return sad;
}

static void
block_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const BlockJob *job = user_data;
  const int w = (int) job->a->width, h = (int) job->a->height;

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < job->nx; i++)
      {
        int px = (int) i * PATCH_STRIDE, py = (int) j * PATCH_STRIDE;
        float best = G_MAXFLOAT, mean = 0.f, var = 0.f;
        int bx = 0, by = 0;

        for (int ky = 0; ky < PATCH_SIZE; ky++)
          for (int kx = 0; kx < PATCH_SIZE; kx++)
            mean += job->a->data[(gsize) (py + ky) * w + px + kx];
        mean /= PATCH_SIZE * PATCH_SIZE;
        for (int ky = 0; ky < PATCH_SIZE; ky++)
          for (int kx = 0; kx < PATCH_SIZE; kx++)
            {
              float d = job->a->data[(gsize) (py + ky) * w + px + kx] - mean;

              var += d * d;
            }

        if (var > 4.f * PATCH_SIZE * PATCH_SIZE)
          {
            int cx, cy;

            for (int dy = MAX (-job->ry, -py); dy <= MIN (job->ry, h - PATCH_SIZE - py); dy += job->step)
              for (int dx = MAX (-job->rx, -px); dx <= MIN (job->rx, w - PATCH_SIZE - px); dx += job->step)
                {
                  float sad = block_sad (job, w, px, py, dx, dy, best);

                  if (sad < best)
                    {
                      best = sad;
                      bx = dx;
                      by = dy;
                    }
                }
            cx = bx;
            cy = by;
            if (job->step > 1)
              for (int dy = MAX (cy - 1, -py); dy <= MIN (cy + 1, h - PATCH_SIZE - py); dy++)
                for (int dx = MAX (cx - 1, -px); dx <= MIN (cx + 1, w - PATCH_SIZE - px); dx++)
                  {
                    float sad = block_sad (job, w, px, py, dx, dy, best);

                    if (sad < best)
                      {
                        best = sad;
                        bx = dx;
                        by = dy;
                      }
                  }
          }

        job->pu[j * job->nx + i] = (float) bx;
        job->pv[j * job->nx + i] = (float) by;
      }
}

static gboolean
block_flow (InbParallel     *par,
            const InbPlane  *a,
            const InbPlane  *b,
            int              step,
            GCancellable    *cancellable,
            InbPlane       **out_u,
            InbPlane       **out_v)
{
  BlockJob job = { a, b, 0, 0, NULL, NULL, 0, step };
  DisJob dense = { 0 };
  g_autofree float *pu = NULL;
  g_autofree float *pv = NULL;
  g_autoptr(InbPlane) u = NULL;
  g_autoptr(InbPlane) v = NULL;
  guint ny;

  job.rx = (int) (0.35 * a->width);
  job.ry = (int) (0.35 * a->height);
  job.nx = (a->width - PATCH_SIZE) / PATCH_STRIDE + 1;
  ny = (a->height - PATCH_SIZE) / PATCH_STRIDE + 1;
  pu = g_new (float, (gsize) job.nx * ny);
  pv = g_new (float, (gsize) job.nx * ny);
  job.pu = pu;
  job.pv = pv;
  if (!inb_parallel_for (par, ny, 1, block_rows, &job, cancellable))
    return FALSE;

  u = inb_plane_new (a->width, a->height);
  v = inb_plane_new (a->width, a->height);
  dense.i0 = a;
  dense.i1 = b;
  dense.pu = pu;
  dense.pv = pv;
  dense.nx = job.nx;
  dense.ny = ny;
  dense.out_u = u;
  dense.out_v = v;
  if (!inb_parallel_for (par, a->height, 0, dis_densify_rows, &dense, cancellable))
    return FALSE;

  *out_u = g_steal_pointer (&u);
  *out_v = g_steal_pointer (&v);

  return TRUE;
}

static void
box5 (const InbPlane *src,
      InbPlane       *tmp,
      InbPlane       *dst)
{
  const int w = (int) src->width, h = (int) src->height;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.f;

        for (int k = -2; k <= 2; k++)
          acc += src->data[(gsize) y * w + CLAMP (x + k, 0, w - 1)];
        tmp->data[(gsize) y * w + x] = acc;
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.f;

        for (int k = -2; k <= 2; k++)
          acc += tmp->data[(gsize) CLAMP (y + k, 0, h - 1) * w + x];
        dst->data[(gsize) y * w + x] = acc / 25.f;
      }
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

#define MAX_OBJECTS 3

/* An object moving far, on the seed's level: a translation and the box
 * (in the source image) where it is offered. */
typedef struct
{
  float du;
  float dv;
  int   x0;
  int   x1;
  int   y0;
  int   y1;
  gboolean mutual;  /* found the other way round too */
} ObjectMotion;

/* Objects moving far: the pixels where the block matching (@mu, @mv,
 * local error @em) beats both the global model (@eh) and the coarse pass
 * (@ek) are grouped by displacement; each large enough group becomes one
 * translation, offered (in @mu, @mv, with its error in @em) in a box
 * around its pixels only. Everywhere else the candidate is withdrawn
 * (@em = G_MAXFLOAT): single block matches are too noisy to seed with. */
static void
object_clusters (const InbPlane *a,
                 const InbPlane *b,
                 const InbPlane *eh,
                 const InbPlane *ek,
                 InbPlane       *em,
                 InbPlane       *mu,
                 InbPlane       *mv,
                 const InbPlane *hu,
                 const InbPlane *hv,
                 const InbPlane *ku,
                 const InbPlane *kv,
                 InbPlane       *tmp,
                 const ObjectMotion *given,
                 guint           n_given,
                 ObjectMotion   *found,
                 guint          *n_found)
{
  const int w = (int) a->width, h = (int) a->height;
  const gsize n = (gsize) w * h;
  g_autofree guint8 *cand = g_new0 (guint8, n);
  g_autofree float *ou = g_new (float, n);
  g_autofree float *ov = g_new (float, n);
  g_autofree float *be = g_new (float, n);
  g_autofree int *xs = g_new (int, n);
  g_autofree int *ys = g_new (int, n);
  g_autoptr(InbPlane) eo = inb_plane_new (a->width, a->height);
  guint n_cand = 0;
  const guint min_support = MAX (12, (guint) (n / 1000));

  for (gsize k = 0; k < n; k++)
    {
      float sm = em->data[k] * 1.25f + 0.6f;

      /* a good match, or one far better than the global model's (a
       * striped object that also changes scale a little) */
      if (sm < eh->data[k] && sm < ek->data[k] * 1.25f + 0.6f
          && (em->data[k] < 8.f || (em->data[k] < 20.f && em->data[k] < 0.3f * eh->data[k]))
          && fabsf (mu->data[k] - hu->data[k]) + fabsf (mv->data[k] - hv->data[k]) > 6.f
          && fabsf (mu->data[k] - ku->data[k]) + fabsf (mv->data[k] - kv->data[k]) > 3.f)
        {
          cand[k] = 1;
          n_cand++;
        }
      be[k] = G_MAXFLOAT;
      ou[k] = ov[k] = 0.f;
    }

  *n_found = 0;
  for (guint obj = 0, tries = 0; obj < MAX_OBJECTS && tries < 2 * MAX_OBJECTS && n_cand >= min_support; tries++)
    {
      gsize best_k = 0;
      guint best_count = 0, count = 0, stride = MAX (1, n_cand / 256);
      guint seen = 0;
      double su = 0, sv = 0;
      float du, dv;
      int x0, x1, y0, y1, margin;

      /* the displacement most candidates share (a sample of them vote) */
      for (gsize k = 0; k < n; k++)
        {
          guint c = 0;

          if (!cand[k] || seen++ % stride != 0)
            continue;
          for (gsize j = 0; j < n; j++)
            if (cand[j] && fabsf (mu->data[j] - mu->data[k]) + fabsf (mv->data[j] - mv->data[k]) < 2.f)
              c++;
          if (c > best_count)
            {
              best_count = c;
              best_k = k;
            }
        }
      if (best_count < min_support)
        break;
      du = mu->data[best_k];
      dv = mv->data[best_k];
      for (gsize k = 0; k < n; k++)
        if (cand[k] && fabsf (mu->data[k] - du) + fabsf (mv->data[k] - dv) < 2.f)
          {
            su += mu->data[k];
            sv += mv->data[k];
            xs[count] = (int) (k % w);
            ys[count] = (int) (k / w);
            count++;
            cand[k] = 0;
            n_cand--;
          }
      du = (float) (su / count);
      dv = (float) (sv / count);
      qsort (xs, count, sizeof (int), compare_int);
      qsort (ys, count, sizeof (int), compare_int);
      x0 = xs[count / 20];
      x1 = xs[count - 1 - count / 20];
      y0 = ys[count / 20];
      y1 = ys[count - 1 - count / 20];
      /* a compact object, not scattered noise */
      if ((double) (x1 - x0 + 1) * (y1 - y0 + 1) > 0.25 * n
          || count < 0.1 * (x1 - x0 + 1) * (y1 - y0 + 1))
        continue;
      margin = 4 + MAX (x1 - x0, y1 - y0) / 2;
      x0 = MAX (0, x0 - margin);
      x1 = MIN (w - 1, x1 + margin);
      y0 = MAX (0, y0 - margin);
      y1 = MIN (h - 1, y1 + margin);
      g_debug ("object moving %.1f %.1f in [%d %d] x [%d %d] (%u pixels)",
               du, dv, x0, x1, y0, y1, count);
      found[*n_found].du = du;
      found[*n_found].dv = dv;
      found[*n_found].x0 = x0;
      found[*n_found].x1 = x1;
      found[*n_found].y0 = y0;
      found[*n_found].y1 = y1;
      found[*n_found].mutual = FALSE;
      (*n_found)++;
      obj++;
    }

  /* Offered: the objects found here and those found the other way round
   * (the opposite translation, in the box they move to). */
  for (guint o = 0; o < *n_found + n_given; o++)
    {
      ObjectMotion om;
      float du, dv;
      int x0, x1, y0, y1;
      gboolean mutual;

      if (o < *n_found)
        om = found[o];
      else
        {
          const ObjectMotion *g = &given[o - *n_found];

          om.du = -g->du;
          om.dv = -g->dv;
          om.x0 = MAX (0, (int) floorf (g->x0 + g->du));
          om.x1 = MIN (w - 1, (int) ceilf (g->x1 + g->du));
          om.y0 = MAX (0, (int) floorf (g->y0 + g->dv));
          om.y1 = MIN (h - 1, (int) ceilf (g->y1 + g->dv));
          if (om.x0 > om.x1 || om.y0 > om.y1)
            continue;
        }
      /* Only objects found both ways (the same motion, opposite, over
       * the same place): a single block match at the frame's edge or in
       * a texture with repeats is not an object. */
      mutual = FALSE;
      for (guint q = 0; q < (o < *n_found ? n_given : *n_found) && !mutual; q++)
        {
          const ObjectMotion *p = o < *n_found ? &given[q] : &found[q];
          ObjectMotion pm = *p;

          if (o < *n_found)
            {
              pm.du = -p->du;
              pm.dv = -p->dv;
              pm.x0 = (int) floorf (p->x0 + p->du);
              pm.x1 = (int) ceilf (p->x1 + p->du);
              pm.y0 = (int) floorf (p->y0 + p->dv);
              pm.y1 = (int) ceilf (p->y1 + p->dv);
            }
          mutual = fabsf (pm.du - om.du) + fabsf (pm.dv - om.dv) < MAX (3.f, 0.15f * (fabsf (om.du) + fabsf (om.dv)))
                   && pm.x0 <= om.x1 && om.x0 <= pm.x1 && pm.y0 <= om.y1 && om.y0 <= pm.y1;
        }
      if (!mutual)
        continue;
      if (o < *n_found)
        found[o].mutual = TRUE;
      g_debug ("offering %.1f %.1f in [%d %d] x [%d %d]", om.du, om.dv, om.x0, om.x1, om.y0, om.y1);
      du = om.du;
      dv = om.dv;
      x0 = om.x0;
      x1 = om.x1;
      y0 = om.y0;
      y1 = om.y1;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          eo->data[(gsize) y * w + x] = fabsf (inb_plane_sample (b, x + du, y + dv) - a->data[(gsize) y * w + x]);
      box5 (eo, tmp, eo);
      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          {
            gsize k = (gsize) y * w + x;

            if (eo->data[k] < be[k])
              {
                be[k] = eo->data[k];
                ou[k] = du;
                ov[k] = dv;
              }
          }
    }

  for (gsize k = 0; k < n; k++)
    {
      em->data[k] = be[k];
      mu->data[k] = ou[k];
      mv->data[k] = ov[k];
    }
}

/* ------------------------------------------------------------------ */
/* Small objects moving far                                            */

#define MAX_BLOBS      64
#define BLOB_BG_RADIUS 6     /* local background: box of this radius */
#define BLOB_CONTRAST  16.f  /* luma levels off the local background */

typedef struct
{
  int   x0, x1, y0, y1;
  guint area;
  float cx, cy;
  float mass;  /* summed contrast, signed */
} Blob;

/* Box blur of radius @r, separable, clamped at the edges */
static void
box_blur (const InbPlane *src,
          InbPlane       *tmp,
          InbPlane       *dst,
          int             r)
{
  const int w = (int) src->width, h = (int) src->height;
  const float norm = 1.f / (float) ((2 * r + 1) * (2 * r + 1));

  for (int y = 0; y < h; y++)
    {
      const float *s = src->data + (gsize) y * w;
      float acc = 0.f;

      for (int k = -r; k <= r; k++)
        acc += s[CLAMP (k, 0, w - 1)];
      for (int x = 0; x < w; x++)
        {
          tmp->data[(gsize) y * w + x] = acc;
          acc += s[MIN (x + r + 1, w - 1)] - s[MAX (x - r, 0)];
        }
    }
  for (int x = 0; x < w; x++)
    {
      float acc = 0.f;

      for (int k = -r; k <= r; k++)
        acc += tmp->data[(gsize) CLAMP (k, 0, h - 1) * w + x];
      for (int y = 0; y < h; y++)
        {
          dst->data[(gsize) y * w + x] = acc * norm;
          acc += tmp->data[(gsize) MIN (y + r + 1, h - 1) * w + x]
                 - tmp->data[(gsize) MAX (y - r, 0) * w + x];
        }
    }
}

/* How unlike blob @p of @a is @b displaced by (@du, @dv): the absolute
 * differences over the blob's box grown by a pixel, less their mean (a
 * change of brightness), over the blob's contrast: about 1 where the
 * blob is gone, near 0 where it is. */
static float
blob_cost (const InbPlane *a,
           const InbPlane *b,
           const Blob     *p,
           float           du,
           float           dv)
{
  const int w = (int) a->width, h = (int) a->height;
  float diff[27 * 27];
  double mean = 0, acc = 0;
  guint count = 0;

  for (int y = MAX (0, p->y0 - 1); y <= MIN (h - 1, p->y1 + 1); y++)
    for (int x = MAX (0, p->x0 - 1); x <= MIN (w - 1, p->x1 + 1); x++)
      {
        diff[count] = a->data[(gsize) y * w + x] - inb_plane_sample (b, x + du, y + dv);
        mean += diff[count++];
      }
  mean /= count;
  for (guint k = 0; k < count; k++)
    acc += fabs (diff[k] - mean);

  return (float) (acc / MAX (1.0, fabs (p->mass)));
}

/* Compact blobs standing out from a smooth local background in @a and
 * gone from that place in @b (same place, or where the global model @hm
 * puts it). Returns the number found, or G_MAXUINT when there are too
 * many to be small objects over a smooth background. */
static guint
find_blobs (const InbPlane *a,
            const InbPlane *b,
            const double    hm[9],
            Blob           *blobs)
{
  const int w = (int) a->width, h = (int) a->height;
  const gsize n = (gsize) w * h;
  g_autoptr(InbPlane) bg = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) tmp = inb_plane_new (a->width, a->height);
  g_autofree guint8 *cand = g_new0 (guint8, n);
  g_autofree int *stack = g_new (int, n);
  guint n_blobs = 0;

  box_blur (a, tmp, bg, BLOB_BG_RADIUS);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float d = a->data[k] - bg->data[k];

        if (fabsf (d) >= BLOB_CONTRAST)
          cand[k] = d > 0 ? 1 : 2;
      }

  for (gsize k0 = 0; k0 < n; k0++)
    {
      Blob bl = { w, -1, h, -1, 0, 0, 0, 0 };
      guint8 sign = cand[k0];
      guint top = 0, ring = 0, rough = 0;
      double sx = 0, sy = 0, sm = 0;

      if (sign == 0 || sign == 3)
        continue;
      stack[top++] = (int) k0;
      cand[k0] = 3;
      while (top > 0)
        {
          int k = stack[--top], x = k % w, y = k / w;
          float c = fabsf (a->data[k] - bg->data[k]);

          bl.x0 = MIN (bl.x0, x);
          bl.x1 = MAX (bl.x1, x);
          bl.y0 = MIN (bl.y0, y);
          bl.y1 = MAX (bl.y1, y);
          bl.area++;
          sx += c * x;
          sy += c * y;
          sm += c;
          for (int j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
            for (int i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++)
              if (cand[(gsize) j * w + i] == sign)
                {
                  cand[(gsize) j * w + i] = 3;
                  stack[top++] = j * w + i;
                }
        }
      if (bl.area < 2 || bl.x1 - bl.x0 > 24 || bl.y1 - bl.y0 > 24)
        continue;
      /* over a smooth background: the ring around it is flat */
      for (int y = MAX (0, bl.y0 - 3); y <= MIN (h - 1, bl.y1 + 3); y++)
        for (int x = MAX (0, bl.x0 - 3); x <= MIN (w - 1, bl.x1 + 3); x++)
          if (x < bl.x0 - 1 || x > bl.x1 + 1 || y < bl.y0 - 1 || y > bl.y1 + 1)
            {
              gsize k = (gsize) y * w + x;

              ring++;
              if (fabsf (a->data[k] - bg->data[k]) > 0.5f * BLOB_CONTRAST
                  || fabsf (a->data[k] - a->data[(gsize) y * w + MIN (x + 1, w - 1)]) > 4.f
                  || fabsf (a->data[k] - a->data[(gsize) MIN (y + 1, h - 1) * w + x]) > 4.f)
                rough++;
            }
      if (rough * 10 > ring)
        continue;
      bl.cx = (float) (sx / sm);
      bl.cy = (float) (sy / sm);
      bl.mass = (float) (sign == 1 ? sm : -sm);
      /* gone from its place in the other keyframe (where the global
       * model puts it too) */
      {
        double gx, gy;
        gboolean stays = FALSE;

        inb_mat3_apply (hm, bl.cx, bl.cy, &gx, &gy);
        for (int j = -2; j <= 2 && !stays; j++)
          for (int i = -2; i <= 2 && !stays; i++)
            stays = blob_cost (a, b, &bl, (float) i, (float) j) < 0.6f
                    || blob_cost (a, b, &bl, (float) (gx - bl.cx + i), (float) (gy - bl.cy + j)) < 0.6f;
        if (stays)
          continue;
      }
      if (n_blobs == MAX_BLOBS)
        return G_MAXUINT;
      blobs[n_blobs++] = bl;
    }

  return n_blobs;
}

typedef struct
{
  guint i, j;
  float du, dv;
  float cost;
} BlobPair;

/* Small objects (birds against the sky, a few pixels) move too far for
 * the flow and are too small for the block matching: blobs that stand
 * out from a smooth background in one keyframe and are gone from there
 * in the other, matched to blobs of the other keyframe by appearance and
 * size within a search radius. Blobs that move alike are one object
 * (a flock); an object needs two blobs, or one clear match. Added to
 * @an->objects while there is room, outside the objects already there. */
static void
small_objects (InbFlowAnalysis *an,
               const double     hm[9])
{
  const InbPlane *a = an->luma0, *b = an->luma1;
  const int w = (int) an->width, h = (int) an->height;
  const float radius = 0.4f * (float) MAX (w, h);
  Blob ba[MAX_BLOBS], bb[MAX_BLOBS];
  BlobPair pairs[4 * MAX_BLOBS];
  gboolean used_a[MAX_BLOBS] = { 0 }, used_b[MAX_BLOBS] = { 0 };
  double hinv[9];
  guint na, nb, np = 0;

  if (an->n_objects >= G_N_ELEMENTS (an->objects) || !inb_mat3_invert (hm, hinv))
    return;
  na = find_blobs (a, b, hm, ba);
  nb = find_blobs (b, a, hinv, bb);
  g_debug ("small objects: %d and %d blobs", (int) na, (int) nb);
  if (na == G_MAXUINT || nb == G_MAXUINT || na == 0 || nb == 0)
    return;

  /* blobs inside the objects already found are theirs */
  for (guint o = 0; o < an->n_objects; o++)
    {
      const InbFlowObject *ob = &an->objects[o];

      for (guint i = 0; i < na; i++)
        if (ba[i].cx >= ob->x0 && ba[i].cx <= ob->x1 && ba[i].cy >= ob->y0 && ba[i].cy <= ob->y1)
          used_a[i] = TRUE;
      for (guint j = 0; j < nb; j++)
        if (bb[j].cx >= ob->x0 + ob->du && bb[j].cx <= ob->x1 + ob->du
            && bb[j].cy >= ob->y0 + ob->dv && bb[j].cy <= ob->y1 + ob->dv)
          used_b[j] = TRUE;
    }

  /* candidate pairs: same polarity, similar size, moving far, alike */
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb && np < G_N_ELEMENTS (pairs); j++)
      {
        float du = bb[j].cx - ba[i].cx, dv = bb[j].cy - ba[i].cy, best = G_MAXFLOAT, bu = du, bv = dv;
        float ra = fabsf (ba[i].mass), rb = fabsf (bb[j].mass);

        if (used_a[i] || used_b[j] || (ba[i].mass > 0) != (bb[j].mass > 0)
            || ra > 2.f * rb || rb > 2.f * ra
            || hypotf (du, dv) > radius || fabsf (du) + fabsf (dv) < 6.f)
          continue;
        /* refined on a half-pixel grid around the centroids' shift */
        for (int q = -2; q <= 2; q++)
          for (int p = -2; p <= 2; p++)
            {
              float c = blob_cost (a, b, &ba[i], du + 0.5f * p, dv + 0.5f * q);

              if (c < best)
                {
                  best = c;
                  bu = du + 0.5f * p;
                  bv = dv + 0.5f * q;
                }
            }
        if (best < 1.5f)
          pairs[np++] = (BlobPair) { i, j, bu, bv, best };
      }

  while (an->n_objects < G_N_ELEMENTS (an->objects))
    {
      guint best_p = G_MAXUINT, best_support = 0;
      float best_cost = G_MAXFLOAT;
      InbFlowObject *ob;
      double su = 0, sv = 0;
      guint count = 0;
      int x0 = w, x1 = -1, y0 = h, y1 = -1;

      /* the motion the most blobs share */
      for (guint p = 0; p < np; p++)
        {
          guint support = 0;
          float tol;

          if (used_a[pairs[p].i] || used_b[pairs[p].j])
            continue;
          tol = MAX (2.f, 0.05f * hypotf (pairs[p].du, pairs[p].dv));
          for (guint i = 0; i < na; i++)
            {
              if (used_a[i])
                continue;
              for (guint q = 0; q < np; q++)
                if (pairs[q].i == i && !used_b[pairs[q].j]
                    && fabsf (pairs[q].du - pairs[p].du) + fabsf (pairs[q].dv - pairs[p].dv) < tol)
                  {
                    support++;
                    break;
                  }
            }
          if (support > best_support || (support == best_support && pairs[p].cost < best_cost))
            {
              best_support = support;
              best_cost = pairs[p].cost;
              best_p = p;
            }
        }
      if (best_p == G_MAXUINT)
        break;
      if (best_support < 2)
        {
          /* a lone blob: only a clear match, and the only one it has */
          const BlobPair *bp = &pairs[best_p];
          gboolean unique = bp->cost < 0.25f;

          for (guint q = 0; q < np && unique; q++)
            if (q != best_p && (pairs[q].i == bp->i || pairs[q].j == bp->j)
                && pairs[q].cost < 2.f * bp->cost)
              unique = FALSE;
          if (!unique)
            {
              used_a[bp->i] = TRUE;
              continue;
            }
        }
      {
        const float du = pairs[best_p].du, dv = pairs[best_p].dv;
        const float tol = MAX (2.f, 0.05f * hypotf (du, dv));
        guint members[MAX_BLOBS];
        double cost = 0;

        for (guint i = 0; i < na; i++)
          {
            guint bq = G_MAXUINT;

            if (used_a[i])
              continue;
            for (guint q = 0; q < np; q++)
              if (pairs[q].i == i && !used_b[pairs[q].j]
                  && fabsf (pairs[q].du - du) + fabsf (pairs[q].dv - dv) < tol
                  && (bq == G_MAXUINT || pairs[q].cost < pairs[bq].cost))
                bq = q;
            if (bq == G_MAXUINT)
              continue;
            /* one blob of the other keyframe per blob */
            for (guint m = 0; m < count && bq != G_MAXUINT; m++)
              if (pairs[members[m]].j == pairs[bq].j)
                bq = G_MAXUINT;
            if (bq == G_MAXUINT)
              continue;
            members[count++] = bq;
            cost += pairs[bq].cost;
          }
        /* blobs change shape (wings): a flock of three or more moving
         * alike is enough; two need to look alike too */
        if (count == 0 || (count == 2 && cost / count > 0.8))
          {
            used_a[pairs[best_p].i] = TRUE;
            count = 0;
            continue;
          }
        for (guint m = 0; m < count; m++)
          {
            const BlobPair *bp = &pairs[members[m]];

            used_a[bp->i] = TRUE;
            used_b[bp->j] = TRUE;
            su += bp->du;
            sv += bp->dv;
            x0 = MIN (x0, ba[bp->i].x0);
            x1 = MAX (x1, ba[bp->i].x1);
            y0 = MIN (y0, ba[bp->i].y0);
            y1 = MAX (y1, ba[bp->i].y1);
          }
      }
      if (count == 0)
        break;
      ob = &an->objects[an->n_objects++];
      ob->du = (float) (su / count);
      ob->dv = (float) (sv / count);
      ob->x0 = MAX (0, x0 - 2);
      ob->x1 = MIN (w - 1, x1 + 2);
      ob->y0 = MAX (0, y0 - 2);
      ob->y1 = MIN (h - 1, y1 + 2);
      ob->small = TRUE;
      g_debug ("small objects: %u blobs moving %.1f %.1f in [%d %d] x [%d %d]",
               count, ob->du, ob->dv, ob->x0, ob->x1, ob->y0, ob->y1);
    }
}

/* The seed of the dense pass on level @level (a small one): per pixel,
 * the global model's flow or the coarse pass's (@cu, @cv, found on level
 * @clevel), whichever matches the images better around the pixel. Large
 * independent motions (an object crossing the frame) come from the coarse
 * pass, which started at the top of the pyramid. */
static void
fuse_seed (const InbPlane  *a,
           const InbPlane  *b,
           guint            level,
           const double     h0[9],
           const InbPlane  *cu,
           const InbPlane  *cv,
           guint            clevel,
           const double    *layer,
           const InbPlane  *mu,
           const InbPlane  *mv,
           guint            mlevel,
           const ObjectMotion *given,
           guint            n_given,
           ObjectMotion    *found,
           guint           *n_found,
           InbPlane       **out_u,
           InbPlane       **out_v)
{
  g_autoptr(InbPlane) mpu = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) mpv = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) em = inb_plane_new (a->width, a->height);
  const float ms = (float) ldexp (1.0, (int) level - (int) mlevel);
  const float moff = 0.5f * (ms - 1.f);
  g_autoptr(InbPlane) lu = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) lv = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) el = inb_plane_new (a->width, a->height);
  double ll[9];
  const guint w = a->width, h = a->height;
  const float s = (float) ldexp (1.0, (int) level - (int) clevel);
  const float off = 0.5f * (s - 1.f);
  g_autoptr(InbPlane) hu = inb_plane_new (w, h);
  g_autoptr(InbPlane) hv = inb_plane_new (w, h);
  g_autoptr(InbPlane) ku = inb_plane_new (w, h);
  g_autoptr(InbPlane) kv = inb_plane_new (w, h);
  g_autoptr(InbPlane) eh = inb_plane_new (w, h);
  g_autoptr(InbPlane) ek = inb_plane_new (w, h);
  g_autoptr(InbPlane) tmp = inb_plane_new (w, h);
  double hl[9];

  homography_at_level (h0, level, hl);
  if (layer != NULL)
    homography_at_level (layer, level, ll);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        double tx, ty;

        inb_mat3_apply (hl, x, y, &tx, &ty);
        hu->data[k] = (float) CLAMP (tx - x, -1e4, 1e4);
        hv->data[k] = (float) CLAMP (ty - y, -1e4, 1e4);
        ku->data[k] = inb_plane_sample (cu, s * x + off, s * y + off) / s;
        kv->data[k] = inb_plane_sample (cv, s * x + off, s * y + off) / s;
        eh->data[k] = fabsf (inb_plane_sample (b, x + hu->data[k], y + hv->data[k]) - a->data[k]);
        ek->data[k] = fabsf (inb_plane_sample (b, x + ku->data[k], y + kv->data[k]) - a->data[k]);
        if (layer != NULL)
          {
            inb_mat3_apply (ll, x, y, &tx, &ty);
            lu->data[k] = (float) CLAMP (tx - x, -1e4, 1e4);
            lv->data[k] = (float) CLAMP (ty - y, -1e4, 1e4);
            el->data[k] = fabsf (inb_plane_sample (b, x + lu->data[k], y + lv->data[k]) - a->data[k]);
          }
        if (mu != NULL)
          {
            mpu->data[k] = inb_plane_sample (mu, ms * x + moff, ms * y + moff) / ms;
            mpv->data[k] = inb_plane_sample (mv, ms * x + moff, ms * y + moff) / ms;
            em->data[k] = fabsf (inb_plane_sample (b, x + mpu->data[k], y + mpv->data[k]) - a->data[k]);
          }
      }
  box5 (eh, tmp, eh);
  *n_found = 0;
  if (mu != NULL)
    {
      box5 (em, tmp, em);
      object_clusters (a, b, eh, ek, em, mpu, mpv, hu, hv, ku, kv, tmp,
                       given, n_given, found, n_found);
    }
  box5 (ek, tmp, ek);
  if (layer != NULL)
    box5 (el, tmp, el);
  /* The global model unless another candidate is clearly better */
  for (gsize k = 0; k < (gsize) w * h; k++)
    {
      float sh = eh->data[k];
      float sk = ek->data[k] * 1.25f + 0.6f;
      float sl = layer != NULL ? el->data[k] * 1.25f + 0.6f : G_MAXFLOAT;
      float sm = mu != NULL && em->data[k] < G_MAXFLOAT ? em->data[k] * 1.25f + 0.6f : G_MAXFLOAT;

      if (sm < sh && sm < sk && sm < sl)
        {
          hu->data[k] = mpu->data[k];
          hv->data[k] = mpv->data[k];
        }
      else if (sk < sh && sk <= sl)
        {
          hu->data[k] = ku->data[k];
          hv->data[k] = kv->data[k];
        }
      else if (sl < sh && sl < sk)
        {
          hu->data[k] = lu->data[k];
          hv->data[k] = lv->data[k];
        }
    }

  *out_u = g_steal_pointer (&hu);
  *out_v = g_steal_pointer (&hv);
}

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

static gboolean
search_translation (InbParallel    *par,
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

/* Gauss-Newton on an affine model b(A x) ~ a(x) at one level, robust
 * (Huber) weights. @h0 is the model in level-0 coordinates, updated in
 * place. Returns a score (lower is better): the mean truncated error,
 * with pixels mapped outside b counting as a fixed penalty. */
static double
affine_align (const InbPlane *a,
              const InbPlane *b,
              const InbPlane *bgx,
              const InbPlane *bgy,
              guint           level,
              double          h0[9],
              guint           iterations)
{
  const guint w = a->width, h = a->height;
  const double cx = 0.5 * (w - 1.0), cy = 0.5 * (h - 1.0), norm = 0.5 * MAX (w, h);
  const guint step = MAX (1, (guint) sqrt ((double) w * h / 6000.0));
  double lm[9], lmi[9], nm[9], nmi[9], al[9], bm[9], t[9];
  double score = G_MAXDOUBLE, bias = 0;

  level_matrix (level, lm);
  inb_mat3_invert (lm, lmi);
  mat3_identity (nm);
  nm[0] = nm[4] = 1.0 / norm;
  nm[2] = -cx / norm;
  nm[5] = -cy / norm;
  inb_mat3_invert (nm, nmi);
  homography_at_level (h0, level, al);
  inb_mat3_mul (al, nmi, bm);

  for (guint it = 0; it <= iterations; it++)
    {
      double jtj[36] = { 0 }, jtr[6] = { 0 };
      double err = 0, rsum = 0;
      guint n = 0, n_out = 0;

      for (guint y = step / 2; y < h; y += step)
        for (guint x = step / 2; x < w; x += step)
          {
            double xn = (x - cx) / norm, yn = (y - cy) / norm;
            double tx = bm[0] * xn + bm[1] * yn + bm[2];
            double ty = bm[3] * xn + bm[4] * yn + bm[5];
            double r, gx, gy, wt, jac[6];

            n++;
            if (!(tx >= 0 && ty >= 0 && tx <= w - 1.0 && ty <= h - 1.0))
              {
                n_out++;
                continue;
              }
            /* less the brightness offset of the previous iteration: an
             * exposure change is not a misalignment */
            r = inb_plane_sample (b, (float) tx, (float) ty) - a->data[(gsize) y * w + x];
            rsum += r;
            r -= bias;
            err += MIN (fabs (r), 30.0);
            if (it == iterations)
              continue;
            gx = inb_plane_sample (bgx, (float) tx, (float) ty);
            gy = inb_plane_sample (bgy, (float) tx, (float) ty);
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
      if (n > n_out)
        bias = rsum / (n - n_out);
      if (it == iterations || n - n_out < 12)
        break;
      for (guint i = 0; i < 6; i++)
        jtj[i * 6 + i] = jtj[i * 6 + i] * 1.001 + 1e-6;
      if (!solve_linear (jtj, jtr, 6))
        break;
      for (guint i = 0; i < 6; i++)
        bm[i] -= jtr[i];
    }

  inb_mat3_mul (bm, nm, al);
  inb_mat3_mul (al, lmi, t);
  inb_mat3_mul (lm, t, h0);

  return score;
}

/* Multi-start at the coarsest level (scales, rotations, the searched
 * translation), the best start refined down to a ~160 pixel wide level. */
static void
coarse_affine (InbPlane **pyr_a,
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
  double best = G_MAXDOUBLE;

  mat3_identity (out);
  for (guint k = 0; k < ((tx != 0 || ty != 0) ? 2 : 1); k++)
    for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
      for (guint j = 0; j < G_N_ELEMENTS (angles); j++)
        {
          double h0[9], score;
          double c = scales[i] * cos (angles[j]), s = scales[i] * sin (angles[j]);

          mat3_identity (h0);
          h0[0] = c; h0[1] = -s;
          h0[3] = s; h0[4] = c;
          h0[2] = cx - c * cx + s * cy + (k ? tx : 0);
          h0[5] = cy - s * cx - c * cy + (k ? ty : 0);
          score = affine_align (pyr_a[top], pyr_b[top], bgx[top], bgy[top], top, h0, 12);
          if (score < best)
            {
              best = score;
              memcpy (out, h0, sizeof h0);
            }
        }

  for (int l = (int) top - 1; l >= 0 && pyr_a[l]->width <= 200; l--)
    affine_align (pyr_a[l], pyr_b[l], bgx[l], bgy[l], (guint) l, out, 6);
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
  if (!solve_linear (a, bu, 3) || !solve_linear (a2, bv, 3))
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
  if (!solve_linear (a, b, 8))
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

typedef struct
{
  double   h[9];
  double   inlier_fraction;
  gboolean has_layer;
  double   layer[9];   /* a second motion: what h leaves out (an object) */
} GlobalModel;

static void
from_normalised (const double hn[9],
                 double       cx,
                 double       cy,
                 double       norm,
                 double       out[9])
{
  double nm[9], n_inv[9], t[9];

  mat3_identity (nm);
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

  mat3_identity (layer);
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

/* Fits the level-0 model to the flow @u, @v found on level @level. */
static void
fit_global_model (const InbPlane *i0,
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
  double affine[9], hom[9], layer[9];
  double sigma, inliers = 0, total = 0;
  guint n = 0;

  mat3_identity (model->h);
  model->inlier_fraction = 0;
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

      mat3_identity (nm);
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
          from_normalised (layer, cx, cy, norm, model->layer);
        }
      return;
    }

  /* Affine by IRLS, then a homography from there. */
  if (!fit_affine (m, n, affine))
    return;
  for (guint it = 0; it < 6; it++)
    {
      update_residuals (m, n, affine);
      sigma = MAX (0.5 / norm, 1.4826 * weighted_median_residual (m, n, scratch));
      cauchy_weights (m, n, sigma);
      if (!fit_affine (m, n, affine))
        return;
    }
  memcpy (hom, affine, sizeof hom);
  for (guint it = 0; it < 6; it++)
    {
      double next[9];

      update_residuals (m, n, hom);
      sigma = MAX (0.5 / norm, 1.4826 * weighted_median_residual (m, n, scratch));
      cauchy_weights (m, n, sigma);
      if (!fit_homography (m, n, hom, next))
        break;
      memcpy (hom, next, sizeof hom);
    }
  if (!homography_is_sane (hom, cx / norm + 0.5, cy / norm + 0.5))
    {
      if (!homography_is_sane (affine, cx / norm + 0.5, cy / norm + 0.5))
        return;
      memcpy (hom, affine, sizeof hom);
    }

  update_residuals (m, n, hom);
  for (guint i = 0; i < n; i++)
    if (m[i].r * norm < MAX (1.5, 0.004 * norm))
      inliers += m[i].prior;
  model->inlier_fraction = inliers / total;

  if (fit_layer (m, n, model->inlier_fraction < 0.15 ? identity : hom,
                 MAX (1.5, 0.004 * norm) / norm, total,
                 cx / norm + 0.5, cy / norm + 0.5, layer))
    {
      model->has_layer = TRUE;
      from_normalised (layer, cx, cy, norm, model->layer);
    }

  if (model->inlier_fraction < 0.15)
    return;

  /* Back from normalised to level-0 pixel coordinates. */
  from_normalised (hom, cx, cy, norm, model->h);
}

/* ------------------------------------------------------------------ */
/* The whole analysis                                                  */

static int
compare_float (gconstpointer a,
               gconstpointer b)
{
  float fa = *(const float *) a, fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

/* Robust least squares b(H x) = gain a(x) + offset over the pixels @h0
 * keeps inside b, on level @level (refitted on the pixels within three
 * robust sigmas, so a moving object does not count). %FALSE when there is
 * too little overlap or texture, or no significant change (so normal
 * pairs are left alone). */
static gboolean
estimate_exposure (const InbPlane *a,
                   const InbPlane *b,
                   guint           level,
                   const double    h0[9],
                   double         *out_gain,
                   double         *out_offset)
{
  const guint w = a->width, h = a->height;
  g_autofree float *va = g_new (float, (gsize) w * h);
  g_autofree float *vb = g_new (float, (gsize) w * h);
  g_autofree float *res = g_new (float, (gsize) w * h);
  double hl[9], gain = 1.0, offset = 0.0, limit = G_MAXDOUBLE;
  guint n = 0;

  homography_at_level (h0, level, hl);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        double tx, ty;

        inb_mat3_apply (hl, x, y, &tx, &ty);
        if (!(tx >= 1 && ty >= 1 && tx <= w - 2.0 && ty <= h - 2.0))
          continue;
        va[n] = a->data[(gsize) y * w + x];
        vb[n] = inb_plane_sample (b, (float) tx, (float) ty);
        n++;
      }
  if (n < 0.3 * w * h)
    return FALSE;

  for (guint it = 0; it < 4; it++)
    {
      double sa = 0, sb = 0, saa = 0, sab = 0, m = 0, var;

      for (guint i = 0; i < n; i++)
        if (fabs (vb[i] - gain * va[i] - offset) < limit)
          {
            sa += va[i];
            sb += vb[i];
            saa += (double) va[i] * va[i];
            sab += (double) va[i] * vb[i];
            m++;
          }
      if (m < 0.2 * n)
        return FALSE;
      var = saa - sa * sa / m;
      if (var < 25.0 * m)
        return FALSE;
      gain = CLAMP ((sab - sa * sb / m) / var, 0.67, 1.5);
      offset = (sb - gain * sa) / m;

      for (guint i = 0; i < n; i++)
        res[i] = fabsf (vb[i] - (float) (gain * va[i] + offset));
      qsort (res, n, sizeof (float), compare_float);
      limit = MAX (3.0, 3.0 * 1.4826 * res[n / 2]);
    }
  if (fabs (gain - 1.0) < 0.06 && fabs (offset + (gain - 1.0) * 128.0) < 4.0)
    return FALSE;

  *out_gain = gain;
  *out_offset = offset;

  return TRUE;
}

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
  GlobalModel model;
  g_autoptr(InbPlane) u1 = NULL;
  g_autoptr(InbPlane) v1 = NULL;
  g_autoptr(InbPlane) bu1 = NULL;
  g_autoptr(InbPlane) bv1 = NULL;
  g_autoptr(InbPlane) su = NULL;
  g_autoptr(InbPlane) sv = NULL;
  g_autoptr(InbPlane) mfu = NULL;
  g_autoptr(InbPlane) mfv = NULL;
  g_autoptr(InbPlane) mbu = NULL;
  g_autoptr(InbPlane) mbv = NULL;
  g_autoptr(InbPlane) bsu = NULL;
  g_autoptr(InbPlane) bsv = NULL;
  ObjectMotion fwd_obj[MAX_OBJECTS], bwd_obj[MAX_OBJECTS];
  guint n_fwd = 0, n_bwd = 0;
  gboolean seeded = FALSE;
  guint width, height, scale = 1;
  guint search_level = 0, fit_level, top2, bl = 0;
  float tx = 0, ty = 0;
  double a[9], ai[9], t[9], hinv[9], seed[9], seed_inv[9], layer_inv[9];
  gboolean ok = FALSE;

  g_return_val_if_fail (parallel != NULL, NULL);
  g_return_val_if_fail (first != NULL && last != NULL, NULL);
  g_return_val_if_fail (inb_image_get_width (first) == inb_image_get_width (last), NULL);
  g_return_val_if_fail (inb_image_get_height (first) == inb_image_get_height (last), NULL);

  width = inb_image_get_width (first);
  height = inb_image_get_height (first);
  /* Cost proportional to the pixel count: small pairs at full
   * resolution, everything else at a quarter of the pixels or fewer. */
  while ((guint64) ((width + scale - 1) / scale) * ((height + scale - 1) / scale) > MAX_ANALYSIS_AREA
         || (scale == 1 && (guint64) width * height > MAX_FULL_AREA))
    scale *= 2;

  report (progress, progress_data, 0.0);

  an = g_new0 (InbFlowAnalysis, 1);
  an->scale = scale;
  an->width = (width + scale - 1) / scale;
  an->height = (height + scale - 1) / scale;
  an->luma0 = inb_plane_new (an->width, an->height);
  an->luma1 = inb_plane_new (an->width, an->height);
  mat3_identity (an->homography);

  for (guint k = 0; k < 2; k++)
    {
      InbImage *img = k == 0 ? first : last;
      LumaJob job = { inb_image_get_data (img), inb_image_get_stride (img),
                      width, height, scale, k == 0 ? an->luma0 : an->luma1 };

      if (!inb_parallel_for (parallel, an->height, 0, luma_rows, &job, cancellable))
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
          if (!inb_parallel_for (parallel, nh, 0, halve_rows, &job, cancellable))
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
        if (!inb_parallel_for (parallel, job.src->height, 0, gradient_rows, &job, cancellable))
          goto out;
      }
  report (progress, progress_data, 0.1);

  /* Global translation on a small level */
  for (guint l = 0; l < pyr.n_levels; l++)
    if (pyr.pyr[0][l]->width >= SEARCH_WIDTH)
      search_level = l;
  if (!search_translation (parallel, pyr.pyr[0][search_level], pyr.pyr[1][search_level],
                           cancellable, &tx, &ty))
    goto out;
  tx *= (float) ldexp (1.0, (int) search_level);
  ty *= (float) ldexp (1.0, (int) search_level);
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
  coarse_affine (pyr.pyr[0], pyr.pyr[1], pyr.gx[1], pyr.gy[1], pyr.n_levels, tx, ty, seed);
  /* An exposure change between the keyframes is not motion: measured on
   * pixels the seed aligns, taken out of the last keyframe's luma. */
  {
    guint el = 0;
    double gain, offset;

    while (el + 1 < pyr.n_levels && pyr.pyr[0][el + 1]->width >= 128)
      el++;
    if (estimate_exposure (pyr.pyr[0][el], pyr.pyr[1][el], el, seed, &gain, &offset))
      {
        g_debug ("exposure: last = %.3f first %+.1f", gain, offset);
        for (guint l = 0; l < pyr.n_levels; l++)
          {
            InbPlane *planes[3] = { pyr.pyr[1][l], pyr.gx[1][l], pyr.gy[1][l] };

            for (guint k = 0; k < 3; k++)
              {
                gsize n = (gsize) planes[k]->width * planes[k]->height;
                double off = k == 0 ? offset : 0.0;

                for (gsize i = 0; i < n; i++)
                  planes[k]->data[i] = (float) ((planes[k]->data[i] - off) / gain);
              }
          }
      }
  }

  g_debug ("%u levels, shift %g %g, seed [%g %g %g; %g %g %g]", pyr.n_levels, tx, ty,
           seed[0], seed[1], seed[2], seed[3], seed[4], seed[5]);
  if (!dis_coarse_to_fine (&dp, pyr.n_levels - 1, fit_level, NULL, NULL, NULL, 0, 0, &u1, &v1))
    goto out;
  if (!is_identity (seed))
    {
      g_autoptr(InbPlane) u2 = NULL;
      g_autoptr(InbPlane) v2 = NULL;

      if (!dis_coarse_to_fine (&dp, pyr.n_levels - 1, fit_level, seed, NULL, NULL, 0, 0, &u2, &v2))
        goto out;
      if (flow_error (pyr.pyr[0][fit_level], pyr.pyr[1][fit_level], u2, v2)
          < flow_error (pyr.pyr[0][fit_level], pyr.pyr[1][fit_level], u1, v1))
        {
          inb_plane_free (u1);
          inb_plane_free (v1);
          u1 = g_steal_pointer (&u2);
          v1 = g_steal_pointer (&v2);
          seeded = TRUE;
        }
    }
  report (progress, progress_data, 0.3);

  fit_global_model (pyr.pyr[0][fit_level], pyr.pyr[1][fit_level],
                    pyr.gx[0][fit_level], pyr.gy[0][fit_level],
                    u1, v1, fit_level, an->width, an->height, NULL, &model);
  an->inlier_fraction = model.inlier_fraction;
  g_debug ("global model: inliers %.2f, %s", model.inlier_fraction,
           model.has_layer ? "a second motion layer" : "one layer");
  if (!inb_mat3_invert (model.h, hinv))
    {
      mat3_identity (model.h);
      mat3_identity (hinv);
    }
  report (progress, progress_data, 0.35);

  /* The coarse pass backwards too, from the same start */
  dp.pyr_a = pyr.pyr[1];
  dp.pyr_b = pyr.pyr[0];
  dp.grad_x = pyr.gx[1];
  dp.grad_y = pyr.gy[1];
  if (!inb_mat3_invert (seed, seed_inv))
    mat3_identity (seed_inv);
  if (!dis_coarse_to_fine (&dp, pyr.n_levels - 1, fit_level, seeded ? seed_inv : NULL,
                           NULL, NULL, 0, 0, &bu1, &bv1))
    goto out;
  report (progress, progress_data, 0.45);

  /* Both dense flows, from a ~128 pixel wide level, seeded with the
   * global model or the coarse pass. */
  top2 = 0;
  while (top2 + 1 < pyr.n_levels && pyr.pyr[0][top2 + 1]->width >= 128)
    top2++;

  /* An exhaustive block matching on a small level, both ways: a seed
   * candidate per pixel for objects moving far from the rest, and a
   * second motion layer when the coarse pass found none. */
  for (guint l = 0; l < pyr.n_levels; l++)
    if (pyr.pyr[0][l]->width >= 64)
      bl = l;
  if (bl > top2)
    {
      if (!block_flow (parallel, pyr.pyr[0][top2], pyr.pyr[1][top2], 2, cancellable, &mfu, &mfv)
          || !block_flow (parallel, pyr.pyr[1][top2], pyr.pyr[0][top2], 2, cancellable, &mbu, &mbv))
        goto out;
      if (!model.has_layer)
        {
          GlobalModel layer_model;
          g_autoptr(InbPlane) mu = NULL;
          g_autoptr(InbPlane) mv = NULL;

          if (!block_flow (parallel, pyr.pyr[0][bl], pyr.pyr[1][bl], 1, cancellable, &mu, &mv))
            goto out;
          fit_global_model (pyr.pyr[0][bl], pyr.pyr[1][bl], pyr.gx[0][bl], pyr.gy[0][bl],
                            mu, mv, bl, an->width, an->height, model.h, &layer_model);
          if (layer_model.has_layer)
            {
              model.has_layer = TRUE;
              memcpy (model.layer, layer_model.layer, sizeof model.layer);
            }
        }
    }
  g_debug ("second motion layer: %s [%g %g %g; %g %g %g]", model.has_layer ? "yes" : "no",
           model.layer[0], model.layer[1], model.layer[2], model.layer[3], model.layer[4], model.layer[5]);

  if (model.has_layer && !inb_mat3_invert (model.layer, layer_inv))
    model.has_layer = FALSE;
  /* Objects found one way are offered the other way too */
  fuse_seed (pyr.pyr[0][top2], pyr.pyr[1][top2], top2, model.h, u1, v1, fit_level,
             model.has_layer ? model.layer : NULL, mfu, mfv, top2, NULL, 0,
             fwd_obj, &n_fwd, &su, &sv);
  g_clear_pointer (&su, inb_plane_free);
  g_clear_pointer (&sv, inb_plane_free);
  fuse_seed (pyr.pyr[1][top2], pyr.pyr[0][top2], top2, hinv, bu1, bv1, fit_level,
             model.has_layer ? layer_inv : NULL, mbu, mbv, top2, fwd_obj, n_fwd,
             bwd_obj, &n_bwd, &bsu, &bsv);
  fuse_seed (pyr.pyr[0][top2], pyr.pyr[1][top2], top2, model.h, u1, v1, fit_level,
             model.has_layer ? model.layer : NULL, mfu, mfv, top2, bwd_obj, n_bwd,
             fwd_obj, &n_fwd, &su, &sv);
  dp.pyr_a = pyr.pyr[0];
  dp.pyr_b = pyr.pyr[1];
  dp.grad_x = pyr.gx[0];
  dp.grad_y = pyr.gy[0];
  if (!dis_coarse_to_fine (&dp, top2, 0, NULL, su, sv, 0, 0, &an->fwd_u, &an->fwd_v))
    goto out;
  report (progress, progress_data, 0.7);

  dp.pyr_a = pyr.pyr[1];
  dp.pyr_b = pyr.pyr[0];
  dp.grad_x = pyr.gx[1];
  dp.grad_y = pyr.gy[1];
  if (!dis_coarse_to_fine (&dp, top2, 0, NULL, bsu, bsv, 0, 0, &an->bwd_u, &an->bwd_v))
    goto out;
  report (progress, progress_data, 0.95);

  /* The objects (found both ways), on the analysis grid */
  {
    const float s = (float) ldexp (1.0, (int) top2), off = 0.5f * (s - 1.f);

    for (guint o = 0; o < n_fwd && an->n_objects < G_N_ELEMENTS (an->objects); o++)
      {
        InbFlowObject *ob = &an->objects[an->n_objects];

        if (!fwd_obj[o].mutual)
          continue;
        ob->du = s * fwd_obj[o].du;
        ob->dv = s * fwd_obj[o].dv;
        ob->x0 = (int) (s * fwd_obj[o].x0);
        ob->x1 = MIN ((int) an->width - 1, (int) (s * fwd_obj[o].x1 + 2.f * off));
        ob->y0 = (int) (s * fwd_obj[o].y0);
        ob->y1 = MIN ((int) an->height - 1, (int) (s * fwd_obj[o].y1 + 2.f * off));
        an->n_objects++;
      }
  }

  small_objects (an, model.h);

  /* The model in full-resolution coordinates */
  level_matrix (0, a);
  a[0] = a[4] = scale;
  a[2] = a[5] = 0.5 * (scale - 1.0);
  inb_mat3_invert (a, ai);
  inb_mat3_mul (model.h, ai, t);
  inb_mat3_mul (a, t, an->homography);
  for (guint i = 0; i < 9; i++)
    an->homography[i] /= an->homography[8];

  ok = TRUE;

out:
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
