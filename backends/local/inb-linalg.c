/* inb-linalg.c — small dense linear algebra
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 3 × 3 matrices (products, inverse, matrix exponential and logarithm
 * for interpolating homographies) and one small dense solver, shared by
 * the flow (model fits, alignment) and the engine (object refinement).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "inb-linalg.h"

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

void
inb_mat3_identity (double m[9])
{
  memset (m, 0, 9 * sizeof (double));
  m[0] = m[4] = m[8] = 1.0;
}

gboolean
inb_mat3_is_identity (const double m[9])
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
      inb_mat3_identity (out);
      return;
    }
  while (norm > 0.25 && squarings < 40)
    {
      norm *= 0.5;
      squarings++;
    }
  for (guint i = 0; i < 9; i++)
    a[i] = m[i] / ldexp (1.0, squarings);

  inb_mat3_identity (sum);
  inb_mat3_identity (term);
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
  inb_mat3_identity (z);
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

/* Solves the @n × @n system @a x = @b in place (Gaussian elimination with
 * partial pivoting; @a is row-major and destroyed, @b becomes x). %FALSE
 * when a pivot is below @min_pivot in magnitude or x is not finite. */
gboolean
inb_linalg_solve (double *a,
                  double *b,
                  int     n,
                  double  min_pivot)
{
  for (int c = 0; c < n; c++)
    {
      int piv = c;

      for (int r = c + 1; r < n; r++)
        if (fabs (a[r * n + c]) > fabs (a[piv * n + c]))
          piv = r;
      if (fabs (a[piv * n + c]) < min_pivot)
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
