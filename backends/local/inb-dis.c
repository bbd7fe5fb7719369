/* inb-dis.c — luma pyramids and DIS patch flow
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Luma on the analysis grid, the 2× pyramid and its gradients, and the
 * DIS (Kroeger et al., ECCV 2016) inverse-compositional patch flow: one
 * level (8×8 patches on a stride of 4, mean-normalised, densified by each
 * patch's photometric error at each pixel), and coarse-to-fine from a
 * seed. Stage 1 and the dense passes of stage 6 in inb-flow.c.
 */
#define G_LOG_DOMAIN "inb-flow"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-flow-private.h"

/* ------------------------------------------------------------------ */
/* Luma and pyramids                                                   */

void
inb_flow_luma_rows (guint    start,
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

void
inb_flow_halve_rows (guint    start,
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

void
inb_flow_gradient_rows (guint    start,
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

/* ------------------------------------------------------------------ */
/* DIS patch flow with spatial propagation                             */

#define STRIPE_ROWS 8   /* patch rows that propagate to each other */

typedef struct
{
  float tmpl[PATCH_SIZE * PATCH_SIZE];
  float gx[PATCH_SIZE * PATCH_SIZE];
  float gy[PATCH_SIZE * PATCH_SIZE];
  float sgx, sgy, hxx, hyy, hxy, det;
  int   px, py;
} PatchTemplate;

static void
patch_template (const DisJob  *job,
                guint          i,
                guint          j,
                PatchTemplate *pt)
{
  const guint w = job->i0->width;
  const float n = (float) (PATCH_SIZE * PATCH_SIZE);
  float sxx = 0.f, syy = 0.f, sxy = 0.f;

  pt->px = (int) (i * PATCH_STRIDE);
  pt->py = (int) (j * PATCH_STRIDE);
  pt->sgx = pt->sgy = 0.f;
  for (int ky = 0; ky < PATCH_SIZE; ky++)
    {
      gsize off = (gsize) (pt->py + ky) * w + (gsize) pt->px;

      for (int kx = 0; kx < PATCH_SIZE; kx++)
        {
          int k = ky * PATCH_SIZE + kx;
          float a = job->gx->data[off + kx];
          float b = job->gy->data[off + kx];

          pt->tmpl[k] = job->i0->data[off + kx];
          pt->gx[k] = a;
          pt->gy[k] = b;
          pt->sgx += a;
          pt->sgy += b;
          sxx += a * a;
          syy += b * b;
          sxy += a * b;
        }
    }
  pt->hxx = sxx - pt->sgx * pt->sgx / n + 0.05f * n;
  pt->hyy = syy - pt->sgy * pt->sgy / n + 0.05f * n;
  pt->hxy = sxy - pt->sgx * pt->sgy / n;
  pt->det = pt->hxx * pt->hyy - pt->hxy * pt->hxy;
}

static inline float
template_cost (const DisJob        *job,
               const PatchTemplate *pt,
               float                u,
               float                v)
{
  float sd, sdx, sdy;

  return patch_cost (job->i1, pt->tmpl, pt->px, pt->py, u, v, pt->gx, pt->gy, &sd, &sdx, &sdy);
}

/* Gauss-Newton descent from (*u, *v), whose cost is *cost, keeping the
 * best point seen. */
static void
patch_descend (const DisJob        *job,
               const PatchTemplate *pt,
               int                  iterations,
               float               *u,
               float               *v,
               float               *cost)
{
  const float n = (float) (PATCH_SIZE * PATCH_SIZE);
  float cu = *u, cv = *v;

  for (int it = 0; it < iterations && pt->det > 1e-6f; it++)
    {
      float sd, sdx, sdy, c, bx, by, dx, dy;

      c = patch_cost (job->i1, pt->tmpl, pt->px, pt->py, cu, cv, pt->gx, pt->gy, &sd, &sdx, &sdy);
      if (c < *cost)
        {
          *cost = c;
          *u = cu;
          *v = cv;
        }
      bx = sdx - pt->sgx * sd / n;
      by = sdy - pt->sgy * sd / n;
      dx = (pt->hyy * bx - pt->hxy * by) / pt->det;
      dy = (pt->hxx * by - pt->hxy * bx) / pt->det;
      cu -= dx;
      cv -= dy;
      if (!(fabsf (dx) <= (float) PATCH_SIZE && fabsf (dy) <= (float) PATCH_SIZE))
        break;
      if (dx * dx + dy * dy < 1e-4f)
        break;
    }
  {
    float c = template_cost (job, pt, cu, cv);

    if (c < *cost)
      {
        *cost = c;
        *u = cu;
        *v = cv;
      }
  }
}

/* One stripe of STRIPE_ROWS patch rows, as OpenCV's DIS does: a sweep
 * down and to the right where each patch first takes its left or upper
 * neighbour's flow if it matches better, half the descent, then the
 * same sweep back up and to the left. Stripes do not depend on each
 * other, so the result does not depend on the number of threads. */
static void
dis_propagate_stripes (guint    start,
                       guint    end,
                       gpointer user_data)
{
  const DisJob *job = user_data;
  const guint nx = job->nx;
  g_autofree float *cost = g_new (float, (gsize) nx * STRIPE_ROWS);
  PatchTemplate pt;

  for (guint s = start; s < end; s++)
    {
      guint j0 = s * STRIPE_ROWS, j1 = MIN (j0 + STRIPE_ROWS, job->ny);

      for (int pass = 0; pass < 2; pass++)
        for (guint jj = 0; jj < j1 - j0; jj++)
          for (guint ii = 0; ii < nx; ii++)
            {
              guint j = pass == 0 ? j0 + jj : j1 - 1 - jj;
              guint i = pass == 0 ? ii : nx - 1 - ii;
              gsize k = (gsize) j * nx + i;
              float *c = cost + (gsize) (j - j0) * nx + i;
              float u, v;

              patch_template (job, i, j, &pt);
              if (pass == 0)
                {
                  float cx = (float) pt.px + 0.5f * (PATCH_SIZE - 1);
                  float cy = (float) pt.py + 0.5f * (PATCH_SIZE - 1);

                  u = inb_plane_sample (job->init_u, cx, cy);
                  v = inb_plane_sample (job->init_v, cx, cy);
                  *c = template_cost (job, &pt, u, v);
                }
              else
                {
                  u = job->pu[k];
                  v = job->pv[k];
                }
              /* the neighbours already done in this sweep */
              for (int q = 0; q < 2; q++)
                {
                  int ni = (int) i + (q == 0 ? (pass == 0 ? -1 : 1) : 0);
                  int nj = (int) j + (q == 1 ? (pass == 0 ? -1 : 1) : 0);
                  float nu, nv, nc;

                  if (ni < 0 || ni >= (int) nx || nj < (int) j0 || nj >= (int) j1)
                    continue;
                  nu = job->pu[(gsize) nj * nx + ni];
                  nv = job->pv[(gsize) nj * nx + ni];
                  nc = template_cost (job, &pt, nu, nv);
                  if (nc < *c)
                    {
                      *c = nc;
                      u = nu;
                      v = nv;
                    }
                }
              patch_descend (job, &pt, PATCH_ITERATIONS / 2, &u, &v, c);
              job->pu[k] = u;
              job->pv[k] = v;
            }
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

void
inb_dis_densify_rows (guint    start,
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
void
inb_flow_level_matrix (guint  level,
                       double a[9])
{
  double s = ldexp (1.0, (int) level);

  inb_mat3_identity (a);
  a[0] = a[4] = s;
  a[2] = a[5] = 0.5 * (s - 1.0);
}

/* Conjugates a level-0 homography into level-l coordinates. */
void
inb_flow_homography_at_level (const double h0[9],
                              guint        level,
                              double       out[9])
{
  double a[9], ai[9], t[9];

  inb_flow_level_matrix (level, a);
  inb_mat3_invert (a, ai);
  inb_mat3_mul (h0, a, t);
  inb_mat3_mul (ai, t, out);
}

/* Coarse-to-fine flow a -> b from level @top down to level @bottom,
 * seeded at @top by @h0 (level-0 homography) or a constant level-0 flow. */
static gboolean
coarse_to_fine (const DisPyramid *dp,
                guint             top,
                guint             bottom,
                const double     *h0,
                const InbPlane   *seed_u,
                const InbPlane   *seed_v,
                float             init_u,
                float             init_v,
                gboolean          propagate,
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
              inb_flow_homography_at_level (h0, (guint) l, init.h);
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

      if (propagate)
        {
          if (!inb_parallel_for (dp->par, (job.ny + STRIPE_ROWS - 1) / STRIPE_ROWS, 1, dis_propagate_stripes,
                                 &job, dp->cancellable))
            return FALSE;
        }
      else if (!inb_parallel_for (dp->par, job.ny, 1, dis_patch_rows, &job, dp->cancellable))
        return FALSE;
      if (!inb_parallel_for (dp->par, i0->height, 0, inb_dis_densify_rows, &job, dp->cancellable))
        return FALSE;
    }

  *out_u = g_steal_pointer (&u);
  *out_v = g_steal_pointer (&v);

  return TRUE;
}

gboolean
inb_dis_coarse_to_fine (const DisPyramid *dp,
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
  return coarse_to_fine (dp, top, bottom, h0, seed_u, seed_v, init_u, init_v, FALSE, out_u, out_v);
}

/* Mean robust photometric error of a flow a -> b (lower is better). */
double
inb_flow_flow_error (const InbPlane *a,
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

/* ------------------------------------------------------------------ */
/* A smooth flow: DIS from the top of a pyramid with a variational      */
/* refinement at every level                                            */

#define VR_DELTA      5.f    /* data term (brightness constancy) */
#define VR_ALPHA      20.f   /* smoothness */
#define VR_OUTER      5      /* fixed-point iterations */
#define VR_SOR        5      /* SOR sweeps per fixed-point iteration */
#define VR_OMEGA      1.6f

/* Refines u, v (a -> b, one level) by minimising
 *   sum delta psi((b(x + u + du) - a(x))^2) + alpha psi(|grad(u + du)|^2 + |grad(v + dv)|^2)
 * linearised around u, v (psi(s^2) = sqrt(s^2 + eps^2)): a few lagged
 * fixed-point iterations of red-black SOR, as OpenCV's DIS does at
 * every level. */
static void
variational_refine (const InbPlane *a,
                    const InbPlane *b,
                    InbPlane       *u,
                    InbPlane       *v)
{
  const int w = (int) a->width, h = (int) a->height;
  const gsize n = (gsize) w * h;
  g_autofree float *buf = g_new (float, 7 * n);
  float *ix = buf, *iy = buf + n, *iz = buf + 2 * n;
  float *du = buf + 3 * n, *dv = buf + 4 * n, *wd = buf + 5 * n, *ws = buf + 6 * n;

  if (w < 3 || h < 3)
    return;

  /* the linearisation: b warped by u, v and its gradients (averaged
   * with a's), nothing where the flow leaves the frame */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize k = (gsize) y * w + x;
        float tx = (float) x + u->data[k], ty = (float) y + v->data[k];
        int xl = MAX (x - 1, 0), xr = MIN (x + 1, w - 1);
        int yu = MAX (y - 1, 0), yd = MIN (y + 1, h - 1);

        if (tx < 0.f || ty < 0.f || tx > (float) (w - 1) || ty > (float) (h - 1))
          {
            ix[k] = iy[k] = iz[k] = 0.f;
            wd[k] = -1.f;
            continue;
          }
        wd[k] = 0.f;
        iz[k] = inb_plane_sample (b, tx, ty) - a->data[k];
        ix[k] = 0.25f * (inb_plane_sample (b, tx + 1.f, ty) - inb_plane_sample (b, tx - 1.f, ty)
                         + a->data[(gsize) y * w + xr] - a->data[(gsize) y * w + xl]);
        iy[k] = 0.25f * (inb_plane_sample (b, tx, ty + 1.f) - inb_plane_sample (b, tx, ty - 1.f)
                         + a->data[(gsize) yd * w + x] - a->data[(gsize) yu * w + x]);
      }
  memset (du, 0, 2 * n * sizeof (float));

  for (int it = 0; it < VR_OUTER; it++)
    {
      /* lagged robust weights */
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            gsize k = (gsize) y * w + x;
            gsize kr = x + 1 < w ? k + 1 : k, kd = y + 1 < h ? k + w : k;
            float ux = u->data[kr] + du[kr] - u->data[k] - du[k];
            float uy = u->data[kd] + du[kd] - u->data[k] - du[k];
            float vx = v->data[kr] + dv[kr] - v->data[k] - dv[k];
            float vy = v->data[kd] + dv[kd] - v->data[k] - dv[k];

            ws[k] = 0.5f * VR_ALPHA / sqrtf (ux * ux + uy * uy + vx * vx + vy * vy + 1e-4f);
            if (wd[k] >= 0.f)
              {
                float r = iz[k] + ix[k] * du[k] + iy[k] * dv[k];

                wd[k] = 0.5f * VR_DELTA / sqrtf (r * r + 1.f);
              }
          }

      for (int sweep = 0; sweep < VR_SOR; sweep++)
        for (int colour = 0; colour < 2; colour++)
          for (int y = 0; y < h; y++)
            for (int x = (y + colour) & 1; x < w; x += 2)
              {
                gsize k = (gsize) y * w + x;
                float sw = 0.f, su = 0.f, sv = 0.f, a11, a22, b1, b2, d;
                float uk = u->data[k] + du[k], vk = v->data[k] + dv[k];
                float data = wd[k] > 0.f ? wd[k] : 0.f;

#define VR_NEIGHBOUR(kn, wn) \
  do { float w_ = (wn); \
       sw += w_; \
       su += w_ * (u->data[kn] + du[kn] - uk); \
       sv += w_ * (v->data[kn] + dv[kn] - vk); } while (0)
                if (x > 0)
                  VR_NEIGHBOUR (k - 1, ws[k - 1]);
                if (x + 1 < w)
                  VR_NEIGHBOUR (k + 1, ws[k]);
                if (y > 0)
                  VR_NEIGHBOUR (k - w, ws[k - w]);
                if (y + 1 < h)
                  VR_NEIGHBOUR (k + w, ws[k]);
#undef VR_NEIGHBOUR
                a11 = data * ix[k] * ix[k] + sw;
                a22 = data * iy[k] * iy[k] + sw;
                /* the step that zeroes the gradient in du (dv held) */
                b1 = su - data * ix[k] * (iz[k] + ix[k] * du[k] + iy[k] * dv[k]);
                if (a11 > 1e-6f)
                  {
                    d = b1 / a11;
                    du[k] += VR_OMEGA * d;
                  }
                b2 = sv - data * iy[k] * (iz[k] + ix[k] * du[k] + iy[k] * dv[k]);
                if (a22 > 1e-6f)
                  {
                    d = b2 / a22;
                    dv[k] += VR_OMEGA * d;
                  }
              }
    }

  for (gsize k = 0; k < n; k++)
    {
      u->data[k] += du[k];
      v->data[k] += dv[k];
    }
}

static InbPlane *
upsample_flow (const InbPlane *c,
               guint           w,
               guint           h,
               float           f)
{
  InbPlane *out = inb_plane_new (w, h);
  float k = 1.f / f;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      out->data[(gsize) y * w + x] = f * inb_plane_sample (c, k * ((float) x + 0.5f) - 0.5f,
                                                           k * ((float) y + 0.5f) - 0.5f);

  return out;
}

/* A flow a -> b with no seed: DIS from a ~40 pixel wide level (from no
 * motion) down to level @bottom, refined variationally at every level,
 * then upsampled to a's grid. What a smooth object moving far needs,
 * where the seeded flow of stage 6 matches flat patches anywhere. */
gboolean
inb_dis_smooth_flow (InbParallel     *par,
                     const InbPlane  *a,
                     const InbPlane  *b,
                     guint            bottom,
                     GCancellable    *cancellable,
                     InbPlane       **out_u,
                     InbPlane       **out_v)
{
  InbPlane *pa[MAX_LEVELS] = { NULL }, *pb[MAX_LEVELS] = { NULL };
  InbPlane *gx[MAX_LEVELS] = { NULL }, *gy[MAX_LEVELS] = { NULL };
  g_autoptr(InbPlane) u = NULL;
  g_autoptr(InbPlane) v = NULL;
  DisPyramid dp = { par, cancellable, pa, pb, gx, gy };
  guint n = 1, top;
  gboolean ok = FALSE;

  pa[0] = (InbPlane *) a;
  pb[0] = (InbPlane *) b;
  while (n < MAX_LEVELS && pa[n - 1]->width / 2 >= 32 && pa[n - 1]->height / 2 >= 16)
    {
      HalveJob ha = { pa[n - 1], NULL }, hb = { pb[n - 1], NULL };

      pa[n] = ha.dst = inb_plane_new (pa[n - 1]->width / 2, pa[n - 1]->height / 2);
      pb[n] = hb.dst = inb_plane_new (pa[n - 1]->width / 2, pa[n - 1]->height / 2);
      n++;
      if (!inb_parallel_for (par, ha.dst->height, 0, inb_flow_halve_rows, &ha, cancellable)
          || !inb_parallel_for (par, hb.dst->height, 0, inb_flow_halve_rows, &hb, cancellable))
        goto out;
    }
  top = n - 1;
  bottom = MIN (bottom, top);
  for (guint l = bottom; l <= top; l++)
    {
      GradJob gj = { pa[l], NULL, NULL };

      gx[l] = gj.gx = inb_plane_new (pa[l]->width, pa[l]->height);
      gy[l] = gj.gy = inb_plane_new (pa[l]->width, pa[l]->height);
      if (!inb_parallel_for (par, pa[l]->height, 0, inb_flow_gradient_rows, &gj, cancellable))
        goto out;
    }

  for (int l = (int) top; l >= (int) bottom; l--)
    {
      g_autoptr(InbPlane) su = NULL;
      g_autoptr(InbPlane) sv = NULL;

      if (u != NULL)
        {
          su = upsample_flow (u, pa[l]->width, pa[l]->height, 2.f);
          sv = upsample_flow (v, pa[l]->width, pa[l]->height, 2.f);
        }
      g_clear_pointer (&u, inb_plane_free);
      g_clear_pointer (&v, inb_plane_free);
      if (!coarse_to_fine (&dp, (guint) l, (guint) l, NULL, su, sv, 0.f, 0.f, TRUE, &u, &v))
        goto out;
      /* (not at the finest level: it costs most there and adds little) */
      if (l > (int) bottom)
        variational_refine (pa[l], pb[l], u, v);
    }

  if (bottom > 0)
    {
      float f = (float) ldexp (1.0, (int) bottom);

      *out_u = upsample_flow (u, a->width, a->height, f);
      *out_v = upsample_flow (v, a->width, a->height, f);
    }
  else
    {
      *out_u = g_steal_pointer (&u);
      *out_v = g_steal_pointer (&v);
    }
  ok = TRUE;

out:
  for (guint l = 0; l < MAX_LEVELS; l++)
    {
      if (l > 0)
        {
          inb_plane_free (pa[l]);
          inb_plane_free (pb[l]);
        }
      inb_plane_free (gx[l]);
      inb_plane_free (gy[l]);
    }

  return ok;
}
