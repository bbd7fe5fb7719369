/* inb-render.c — rendering one in-between
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Steps 1–3 of inb-engine.c per frame (splat, node map, pixels) and the
 * object layers drawn on top, then inb_engine_render() itself.
 */
#define G_LOG_DOMAIN "inb-engine"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-engine-private.h"

#if defined (__SSE2__) && defined (__x86_64__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

typedef struct
{
  InbEngine *self;
  float      t;
  guint8    *out;
  gsize      out_stride;
  /* the exposure at time t from first's pixels (ka a + ca) and from
   * last's (kb b + cb), per channel */
  InbPixel   ka;
  InbPixel   ca;
  InbPixel   kb;
  InbPixel   cb;
  gboolean   clipped;  /* see InbEngine.exp_clipped */
} FrameJob;

static void
splat_sets (guint    start,
            guint    end,
            gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const gsize n = (gsize) self->mw * self->mh;
  const int w = (int) self->mw, h = (int) self->mh;
  const float t = job->t;

  for (guint set = start; set < end; set++)
    {
      InbPixel *acc = self->acc[set];
      const float *px = self->src_px[set], *py = self->src_py[set];
      const float *dx = self->src_dx[set], *dy = self->src_dy[set];
      const float *sw = self->src_w[set];

      memset (acc, 0, n * sizeof (InbPixel));
      for (gsize k = 0; k < n; k++)
        {
          float x = px[k] + t * dx[k];
          float y = py[k] + t * dy[k];
          InbPixel v = { dx[k] * sw[k], dy[k] * sw[k], sw[k], 0.f };
          InbPixel *o;
          float fx, fy;
          int ix, iy;

          if (G_LIKELY (x >= 0.f && y >= 0.f && x < (float) (w - 1) && y < (float) (h - 1)))
            {
              ix = (int) x;
              iy = (int) y;
              fx = x - (float) ix;
              fy = y - (float) iy;
              o = acc + (gsize) iy * w + ix;
              o[0] += v * ((1.f - fx) * (1.f - fy));
              o[1] += v * (fx * (1.f - fy));
              o[w] += v * ((1.f - fx) * fy);
              o[w + 1] += v * (fx * fy);
            }
          else if (x > -1.f && y > -1.f && x < (float) w && y < (float) h)
            {
              /* in the last cell of a side: what falls inside (else the
               * last column and row get no motion at time t, only the
               * prior, which is first's motion where it starts) */
              ix = (int) floorf (x);
              iy = (int) floorf (y);
              fx = x - (float) ix;
              fy = y - (float) iy;
              for (int cy = 0; cy < 2; cy++)
                for (int cx = 0; cx < 2; cx++)
                  if (ix + cx >= 0 && ix + cx < w && iy + cy >= 0 && iy + cy < h)
                    acc[(gsize) (iy + cy) * w + ix + cx] += v * ((cx ? fx : 1.f - fx) * (cy ? fy : 1.f - fy));
            }
        }
    }
}

static void
normalise_rows (guint    start,
                guint    end,
                gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const InbPixel *a0 = self->acc[0], *a1 = self->acc[1];
  const float *prior_u = self->prior_dx, *prior_v = self->prior_dy;
  const float eps = 1e-3f;

  for (guint y = start; y < end; y++)
    {
      gsize row = (gsize) y * self->mw;

      for (gsize k = row; k < row + self->mw; k++)
        {
          InbPixel a = a0[k] + a1[k];
          float wsum = a[2] + eps;

          self->ft_u->data[k] = (a[0] + eps * prior_u[k]) / wsum;
          self->ft_v->data[k] = (a[1] + eps * prior_v[k]) / wsum;
        }
    }
}

/* node_fixed per node: where the global model takes it (x, y, relative
 * to it), the least of the two unexplained regions there (see
 * inb_engine_explained()), the most of the two object masks there */
#define NODE_FIXED 4

static void
node_fixed_rows (guint    start,
                 guint    end,
                 gpointer user_data)
{
  InbEngine *self = user_data;
  const float s = (float) self->scale, off = self->offset;

  for (guint j = start; j < end; j++)
    for (guint i = 0; i < self->nw; i++)
      {
        float *f = self->node_fixed + ((gsize) j * self->nw + i) * NODE_FIXED;
        float yx = (float) (i * self->node), yy = (float) (j * self->node);
        float gx, gy;

        apply_h (self->model, yx, yy, &gx, &gy);
        f[0] = gx - yx;
        f[1] = gy - yy;
        f[2] = MIN (inb_plane_sample (self->region[0], (yx - off) / s, (yy - off) / s),
                    inb_plane_sample (self->region[1], (yx - off) / s, (yy - off) / s));
        f[3] = self->omask[0] != NULL
               ? MAX (inb_plane_sample (self->omask[0], (yx - off) / s, (yy - off) / s),
                      inb_plane_sample (self->omask[1], (yx - off) / s, (yy - off) / s))
               : 0.f;
      }
}

/* Where object @ob is at time @t: @b takes first's full-resolution
 * pixels there ((1 - t) I + t A), @back the way back; FALSE when that
 * cannot be inverted */
static gboolean
object_at (const EngineObject *ob,
           double              t,
           double              b[6],
           double              back[6])
{
  double det;

  b[0] = 1 - t + t * ob->fwd[0];
  b[1] = t * ob->fwd[1];
  b[2] = t * ob->fwd[2];
  b[3] = t * ob->fwd[3];
  b[4] = 1 - t + t * ob->fwd[4];
  b[5] = t * ob->fwd[5];
  det = b[0] * b[4] - b[1] * b[3];
  if (fabs (det) < 1e-6)
    return FALSE;
  back[0] = b[4] / det;
  back[1] = -b[1] / det;
  back[3] = -b[3] / det;
  back[4] = b[0] / det;
  back[2] = -(back[0] * b[2] + back[1] * b[5]);
  back[5] = -(back[3] * b[2] + back[4] * b[5]);

  return TRUE;
}

/* How far full-resolution (@x, @y) falls back to a dissolve for the
 * objects whose motion is not fully trusted (EngineObject.trust; @faint
 * says which, @back where they are at time t): 1 - trust wherever such
 * an object is in first, in last or at time t (its masks there) */
static inline float
object_fallback (const InbEngine *self,
                 const gboolean  *faint,
                 double           back[][6],
                 float            x,
                 float            y)
{
  const float s = (float) self->scale, off = self->offset;
  float f = 0.f;

  for (guint o = 0; o < self->n_objects; o++)
    if (faint[o])
      {
        const EngineObject *ob = &self->objects[o];
        float ax, ay, bx, by, cover;

        affine_apply (back[o], x, y, &ax, &ay);
        affine_apply (ob->fwd, ax, ay, &bx, &by);
        cover = MAX (MAX (inb_plane_sample (ob->mask[0], (x - off) / s, (y - off) / s),
                          inb_plane_sample (ob->mask[1], (x - off) / s, (y - off) / s)),
                     MAX (inb_plane_sample (ob->mask[0], (ax - off) / s, (ay - off) / s),
                          inb_plane_sample (ob->mask[1], (bx - off) / s, (by - off) / s)));
        f = MAX (f, (1.f - ob->trust) * MIN (1.f, cover));
      }

  return f;
}

static void
node_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;
  const float t = job->t;
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  const float g = (float) self->global_conf;
  const float rel = self->reliability;
  gboolean faint[G_N_ELEMENTS (self->objects)], any_faint = FALSE;
  double back[G_N_ELEMENTS (self->objects)][6];

  for (guint o = 0; o < self->n_objects; o++)
    {
      const EngineObject *ob = &self->objects[o];
      double b[6];

      faint[o] = ob->trust < 1.f && !ob->small && ob->mask[0] != NULL && object_at (ob, t, b, back[o]);
      any_faint |= faint[o];
    }

  for (guint j = start; j < end; j++)
    {
      self->row_fb[j] = FALSE;
      for (guint i = 0; i < self->nw; i++)
        {
          float *m = self->map + ((gsize) j * self->nw + i) * MAP_CHANNELS;
          const float *fixed = self->node_fixed + ((gsize) j * self->nw + i) * NODE_FIXED;
          float yx, yy, mx, my, fu, fv, ax, ay, bx, by, c0, c1, w0, w1, r, d, k, q;

          yx = (float) (i * self->node);
          yy = (float) (j * self->node);
          mx = 0.5f * ((yx - off) / s - 0.5f);
          my = 0.5f * ((yy - off) / s - 0.5f);
          fu = 2.f * s * inb_plane_sample (self->ft_u, mx, my);
          fv = 2.f * s * inb_plane_sample (self->ft_v, mx, my);
          ax = yx - t * fu;
          ay = yy - t * fv;
          bx = yx + (1.f - t) * fu;
          by = yy + (1.f - t) * fv;

          c0 = inb_plane_sample (self->conf0, (ax - off) / s, (ay - off) / s);
          c1 = inb_plane_sample (self->conf1, (bx - off) / s, (by - off) / s);
          c0 = g * c0 + (1.f - g);
          c1 = g * c1 + (1.f - g);
          w0 = (1.f - t) * ((TRUST_FLOOR + c1) * inside (ax, ay, fw, fh) + 1e-6f);
          w1 = t * ((TRUST_FLOOR + c0) * inside (bx, by, fw, fh) + 1e-6f);
          if (self->omask[0] != NULL)
            {
              /* an object's pixel on one side, none on the other: the
               * object has left, the other side shows what it uncovered */
              float o0 = inb_plane_sample (self->omask[0], (ax - off) / s, (ay - off) / s);
              float o1 = inb_plane_sample (self->omask[1], (bx - off) / s, (by - off) / s);

              w0 *= 1.f - 0.98f * o0;
              w1 *= 1.f - 0.98f * o1;
            }

          /* Where the two samples disagree and one is doubtful, a blend
           * shows both (a doubled, smeared texture): lean to the side the
           * weights prefer instead. Only without a reliable global model
           * (below 0.5): with one, doubtful samples follow it and what
           * still disagrees is an occlusion, which the weights above
           * already handle. */
          r = w0 / (w0 + w1);
          k = CLAMP (1.f - 2.f * rel, 0.f, 1.f) * CLAMP ((0.6f - MIN (c0, c1)) * 2.5f, 0.f, 1.f)
              * inside (ax, ay, fw, fh) * inside (bx, by, fw, fh);
          if (k > 0.f)
            {
              d = fabsf (inb_plane_sample (self->luma[0], (ax - off) / s, (ay - off) / s)
                         - inb_plane_sample (self->luma[1], (bx - off) / s, (by - off) / s));
              k *= CLAMP ((d - 12.f) / 16.f, 0.f, 1.f);
              r = CLAMP (0.5f + (r - 0.5f) * (1.f + 8.f * k), 0.f, 1.f);
            }

          /* Where the motion explains neither keyframe around where the
           * pixel comes from nor around the pixel itself (see
           * inb_engine_explained()), a dissolve, smoothly: a wrong motion
           * shows misplaced detail, a dissolve only blur */
          q = 0.f;
          if (self->any_region)
            {
              /* where the global model takes the pixel itself */
              float gx = fixed[0], gy = fixed[1];

              q = MAX (MIN (inb_plane_sample (self->region[0], (ax - off) / s, (ay - off) / s),
                            inb_plane_sample (self->region[1], (bx - off) / s, (by - off) / s))
                       * inside (ax, ay, fw, fh) * inside (bx, by, fw, fh),
                       fixed[2]
                       * inside (yx - t * gx, yy - t * gy, fw, fh)
                       * inside (yx + (1.f - t) * gx, yy + (1.f - t) * gy, fw, fh));
            }
          q = CLAMP ((q - EXPLAINED_LOW) / (EXPLAINED_HIGH - EXPLAINED_LOW), 0.f, 1.f);
          if (self->omask[0] != NULL && q > 0.f)
            {
              /* an object moving far explains what is around it */
              float o = MAX (MAX (inb_plane_sample (self->omask[0], (ax - off) / s, (ay - off) / s),
                                  inb_plane_sample (self->omask[1], (bx - off) / s, (by - off) / s)),
                             fixed[3]);

              q *= 1.f - o;
            }

          m[0] = ax;
          m[1] = ay;
          m[2] = bx;
          m[3] = by;
          m[4] = r;
          /* (each only where both sides are in the frame: where one is
           * out, the other shows it; around the pixel itself, by the
           * global model, as a motion that explains nothing may well
           * point out of the frame) */
          m[5] = g * q * q * (3.f - 2.f * q);
          /* and wherever an object whose motion is not trusted is, was
           * or will be */
          if (any_faint)
            m[5] = MAX (m[5], object_fallback (self, faint, back, yx, yy));
          if (m[5] > 0.f)
            self->row_fb[j] = TRUE;
        }
    }
}

typedef float InbVec4f __attribute__ ((vector_size (16)));
typedef int InbVec4i __attribute__ ((vector_size (16)));

/* Clamps to [0, hi]; NaN becomes 0. */
static inline InbVec4f
clamp4 (InbVec4f v,
        InbVec4f hi)
{
  const InbVec4f zero = { 0.f, 0.f, 0.f, 0.f };
  InbVec4i in_low = v > zero;
  InbVec4i in_high;

  v = (InbVec4f) ((InbVec4i) v & in_low);
  in_high = v < hi;

  return (InbVec4f) (((InbVec4i) v & in_high) | ((InbVec4i) hi & ~in_high));
}

static inline InbVec4f
load4 (const float *p)
{
  InbVec4f v;

  memcpy (&v, p, sizeof v);

  return v;
}

/* [0, 255.5): what the conversion to 8 bits truncates (an exposure
 * change can take a pixel out of range) */
static inline InbPixel
clamp_pixel (InbPixel o)
{
  const InbPixel hi = { 255.49f, 255.49f, 255.49f, 255.49f };

  return (InbPixel) clamp4 ((InbVec4f) o, (InbVec4f) hi);
}

/* First's weight @wa; with @clip (last is the brighter keyframe and
 * clipped in places, see InbEngine.exp_clipped), moved to first where
 * last's pixel (@rb, as it is) is clipped: its fourth channel says how
 * far (set by inb-engine.c), and what it shows there is less than the
 * truth, which first's pixel, brightened, still holds */
static inline __attribute__ ((always_inline)) float
unclipped_weight (InbPixel       rb,
                  float          wa,
                  const gboolean clip)
{
  if (!clip || wa < 0.02f)
    return wa;

  return wa + (1.f - wa) * rb[3];
}

/* The blend of blend_pixel() before clamp_pixel() */
static inline __attribute__ ((always_inline)) InbPixel
blend_value (const InbPixel *p0,
             const InbPixel *p1,
             gsize           ps,
             InbVec4i        ia,
             InbVec4f        afx,
             InbVec4f        afy,
             InbVec4i        ib,
             InbVec4f        bfx,
             InbVec4f        bfy,
             InbVec4f        wa,
             const FrameJob *job,
             guint           k,
             const gboolean  clip)
{
  InbPixel ra = bilinear (p0 + ia[k], ps, afx[k], afy[k]);
  InbPixel rb = bilinear (p1 + ib[k], ps, bfx[k], bfy[k]);
  InbPixel a = ra * job->ka + job->ca;
  InbPixel b = rb * job->kb + job->cb;

  return b + (a - b) * unclipped_weight (rb, wa[k], clip) + 0.5f;
}

#if defined (__SSE2__) && defined (__x86_64__)
/* Two pixels' blend_value()s as clamp_pixel() and the conversion to 8
 * bits take them one by one (truncated; below 0 and NaN 0, above 255
 * 255), as eight 16-bit lanes: RGBx RGBx */
static inline __attribute__ ((always_inline)) __m128i
convert2 (InbPixel m0,
          InbPixel m1)
{
  const __m128 hi = _mm_set1_ps (255.49f);

  /* (minps gives its second operand where either is NaN: NaN stays, and
   * converts to INT_MIN, which the packing takes to 0, as anything below
   * 0) */
  return _mm_packs_epi32 (_mm_cvttps_epi32 (_mm_min_ps (hi, (__m128) m0)),
                          _mm_cvttps_epi32 (_mm_min_ps (hi, (__m128) m1)));
}

/* Four pixels from two convert2()s to 12 bytes at @d */
static inline __attribute__ ((always_inline)) void
store4 (guint8  *d,
        __m128i  p01,
        __m128i  p23)
{
  __m128i b = _mm_packus_epi16 (p01, p23);
  /* RGBx RGBx | RGBx RGBx, little-endian */
  guint64 lo = (guint64) _mm_cvtsi128_si64 (b);
  guint64 up = (guint64) _mm_cvtsi128_si64 (_mm_unpackhi_epi64 (b, b));
  guint64 w0 = (lo & 0xffffff) | ((lo >> 8) & G_GUINT64_CONSTANT (0xffffff000000)) | (up << 48);
  guint32 w1 = (guint32) ((up >> 16) & 0xff) | (guint32) ((up >> 24) & 0xffffff00);

  memcpy (d, &w0, sizeof w0);
  memcpy (d + 8, &w1, sizeof w1);
}
#endif

static inline __attribute__ ((always_inline)) void
blend_pixel (guint8         *d,
             const InbPixel *p0,
             const InbPixel *p1,
             gsize           ps,
             InbVec4i        ia,
             InbVec4f        afx,
             InbVec4f        afy,
             InbVec4i        ib,
             InbVec4f        bfx,
             InbVec4f        bfy,
             InbVec4f        wa,
             const FrameJob *job,
             guint           k,
             const gboolean  clip)
{
  InbPixel o = clamp_pixel (blend_value (p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, k, clip));

  d[3 * k] = (guint8) o[0];
  d[3 * k + 1] = (guint8) o[1];
  d[3 * k + 2] = (guint8) o[2];
}

/* As blend_pixel(), then moved toward the dissolve of the keyframes'
 * pixels at the same place (rows @r0, @r1, column @x + @k) by @dl */
static inline __attribute__ ((always_inline)) void
blend_fallback (guint8         *d,
                const InbPixel *p0,
                const InbPixel *p1,
                gsize           ps,
                InbVec4i        ia,
                InbVec4f        afx,
                InbVec4f        afy,
                InbVec4i        ib,
                InbVec4f        bfx,
                InbVec4f        bfy,
                InbVec4f        wa,
                const InbPixel *r0,
                const InbPixel *r1,
                guint           x,
                float           t,
                InbVec4f        dl,
                const FrameJob *job,
                guint           k,
                const gboolean  clip)
{
  InbPixel ra = bilinear (p0 + ia[k], ps, afx[k], afy[k]);
  InbPixel rb = bilinear (p1 + ib[k], ps, bfx[k], bfy[k]);
  InbPixel a = ra * job->ka + job->ca;
  InbPixel b = rb * job->kb + job->cb;
  InbPixel m = b + (a - b) * unclipped_weight (rb, wa[k], clip);
  InbPixel v = r0[x + k] + (r1[x + k] - r0[x + k]) * t;
  InbPixel o = clamp_pixel (m + (v - m) * dl[k] + 0.5f);

  d[3 * k] = (guint8) o[0];
  d[3 * k + 1] = (guint8) o[1];
  d[3 * k + 2] = (guint8) o[2];
}

/* Interpolates one node row along x into @dst (its first @nc maps, @wpad apart);
 * inlined with a constant @node so the loops unroll. */
static inline __attribute__ ((always_inline)) void
fill_row (float       *dst,
          const float *nodes,
          guint        nw,
          guint        wpad,
          const guint  nc,
          const guint  node)
{
  const float inv = 1.f / (float) node;

  for (guint c = 0; c < nc; c++)
    {
      float *d = dst + (gsize) c * wpad;
      guint x = 0;

      for (guint i = 0; i + 1 < nw && x + node <= wpad; i++, x += node)
        {
          float v = nodes[i * MAP_CHANNELS + c];
          float dv = (nodes[(i + 1) * MAP_CHANNELS + c] - v) * inv;

          for (guint k = 0; k < node; k++)
            d[x + k] = v + dv * (float) k;
        }
      for (; x < wpad; x++)
        d[x] = nodes[(nw - 1) * MAP_CHANNELS + c];
    }
}

static void
hrow_rows (guint    start,
           guint    end,
           gpointer user_data)
{
  const FrameJob *job = user_data;
  InbEngine *self = job->self;

  for (guint j = start; j < end; j++)
    {
      float *dst = self->hmap + (gsize) j * MAP_CHANNELS * self->wpad;
      const float *nodes = self->map + (gsize) j * self->nw * MAP_CHANNELS;
      /* the fallback channel only where pixel_rows() reads it */
      const guint nc = self->row_fb[j] || (j > 0 && self->row_fb[j - 1])
                       || (j + 1 < self->nh && self->row_fb[j + 1]) ? MAP_CHANNELS : 5;

      /* (constants, so that the loops unroll) */
#define FILL(c) \
      switch (self->node) \
        { \
        case 2: fill_row (dst, nodes, self->nw, self->wpad, c, 2); break; \
        case 4: fill_row (dst, nodes, self->nw, self->wpad, c, 4); break; \
        case 8: fill_row (dst, nodes, self->nw, self->wpad, c, 8); break; \
        case 16: fill_row (dst, nodes, self->nw, self->wpad, c, 16); break; \
        default: fill_row (dst, nodes, self->nw, self->wpad, c, 32); break; \
        }
      if (nc == MAP_CHANNELS)
        FILL (MAP_CHANNELS)
      else
        FILL (5)
#undef FILL
    }
}

static inline __attribute__ ((always_inline)) void
pixel_rows_clip (guint           start,
                 guint           end,
                 const FrameJob *job,
                 const gboolean  clip)
{
  InbEngine *self = job->self;
  const guint w = self->width;
  const gsize ps = self->pad_stride;
  const gsize wpad = self->wpad;
  const InbPixel *p0 = self->pix0;
  const InbPixel *p1 = self->pix1;
  const guint node = self->node;
  const float inv_node = 1.f / (float) node;
  const InbVec4f xmax = { w - 1.f, w - 1.f, w - 1.f, w - 1.f };
  const InbVec4f ymax = { self->height - 1.f, self->height - 1.f, self->height - 1.f, self->height - 1.f };
  /* (an index in pix0 fits an int: 2^31 pixels of 16 bytes would be
   * 32 GB in one allocation) */
  const InbVec4i ps4 = { (int) ps, (int) ps, (int) ps, (int) ps };

  for (guint y = start; y < end; y++)
    {
      guint8 *dst = job->out + (gsize) y * job->out_stride;
      guint j = y / node;
      float fy = (float) (y - j * node) * inv_node;
      const float *h0 = self->hmap + (gsize) j * MAP_CHANNELS * wpad;
      const float *h1 = h0 + MAP_CHANNELS * wpad;
      const InbPixel *r0 = p0 + (gsize) y * ps;
      const InbPixel *r1 = p1 + (gsize) y * ps;
      const gboolean fb = self->row_fb[j] || self->row_fb[j + 1];

      for (guint x = 0; x < w; x += 4)
        {
#define ROW_MAP(c) (load4 (h0 + (c) * wpad + x) + (load4 (h1 + (c) * wpad + x) - load4 (h0 + (c) * wpad + x)) * fy)
          InbVec4f ax = clamp4 (ROW_MAP (0), xmax);
          InbVec4f ay = clamp4 (ROW_MAP (1), ymax);
          InbVec4f bx = clamp4 (ROW_MAP (2), xmax);
          InbVec4f by = clamp4 (ROW_MAP (3), ymax);
          InbVec4f wa = ROW_MAP (4);
          InbVec4f dl = fb ? ROW_MAP (5) : (InbVec4f) { 0.f, 0.f, 0.f, 0.f };
#undef ROW_MAP
          InbVec4i ax0 = __builtin_convertvector (ax, InbVec4i);
          InbVec4i ay0 = __builtin_convertvector (ay, InbVec4i);
          InbVec4i bx0 = __builtin_convertvector (bx, InbVec4i);
          InbVec4i by0 = __builtin_convertvector (by, InbVec4i);
          InbVec4f afx = ax - __builtin_convertvector (ax0, InbVec4f);
          InbVec4f afy = ay - __builtin_convertvector (ay0, InbVec4f);
          InbVec4f bfx = bx - __builtin_convertvector (bx0, InbVec4f);
          InbVec4f bfy = by - __builtin_convertvector (by0, InbVec4f);
          /* where the four pixels are read from in pix0 and pix1 */
          InbVec4i ia = ay0 * ps4 + ax0;
          InbVec4i ib = by0 * ps4 + bx0;
          guint8 *d = dst + x * 3;

          if (fb && dl[0] + dl[1] + dl[2] + dl[3] > 0.f)
            {
              for (guint k = 0; k < 4 && x + k < w; k++)
                blend_fallback (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa,
                                r0, r1, x, job->t, dl, job, k, clip);
            }
          else if (G_LIKELY (x + 4 <= w))
            {
#if defined (__SSE2__) && defined (__x86_64__)
              __m128i p01 = convert2 (blend_value (p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 0, clip),
                                      blend_value (p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 1, clip));
              __m128i p23 = convert2 (blend_value (p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 2, clip),
                                      blend_value (p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 3, clip));

              store4 (d, p01, p23);
#else
              blend_pixel (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 0, clip);
              blend_pixel (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 1, clip);
              blend_pixel (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 2, clip);
              blend_pixel (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, 3, clip);
#endif
            }
          else
            {
              for (guint k = 0; x + k < w; k++)
                blend_pixel (d, p0, p1, ps, ia, afx, afy, ib, bfx, bfy, wa, job, k, clip);
            }
        }
    }
}

static void
pixel_rows (guint    start,
            guint    end,
            gpointer user_data)
{
  const FrameJob *job = user_data;

  /* (constants, so that the usual case has no test per pixel) */
  if (job->clipped)
    pixel_rows_clip (start, end, job, TRUE);
  else
    pixel_rows_clip (start, end, job, FALSE);
}

/* The objects moving far, each drawn over the rest where it is at time t
 * (where first's pixel x is at x + t (A x - x)), from both keyframes as
 * far as its masks cover it there. */
typedef struct _ObjectJob ObjectJob;
struct _ObjectJob
{
  const FrameJob     *frame;
  const EngineObject *ob;
  double              back[6];   /* position at time t -> first */
  int                 x0;        /* where it is at time t */
  int                 x1;
  int                 y0;
  int                 y1;
  const ObjectJob    *drawn;     /* the objects drawn before it */
  guint               n_drawn;
  /* where a pixel at time t comes from in first (back) and in last
   * (fwd after back), and the boxes there (full resolution) outside
   * which the masks are 0 (empty: box[k][0] > box[k][2]) */
  double              side[2][6];
  double              box[2][4];
};

/* The margin (full-resolution pixels) around an object's boxes for the
 * rounding of the positions object_weights() computes */
#define SPAN_MARGIN 2.0

/* Narrows [@lo, @hi] to the x where @a x + @c lies in [@v0, @v1] */
static inline void
span_within (double  a,
             double  c,
             double  v0,
             double  v1,
             double *lo,
             double *hi)
{
  double e0, e1;

  if (a == 0.0)
    {
      if (!(c >= v0 && c <= v1))
        {
          *lo = INFINITY;
          *hi = -INFINITY;
        }
      return;
    }
  e0 = (v0 - c) / a;
  e1 = (v1 - c) / a;
  *lo = MAX (*lo, MIN (e0, e1));
  *hi = MIN (*hi, MAX (e0, e1));
}

/* The columns @xa..@xb of row @y outside which object_weights() is
 * FALSE (where it takes neither keyframe's mask where it is not 0) */
static void
object_span (const ObjectJob *job,
             int              y,
             int             *xa,
             int             *xb)
{
  double lo_all = INFINITY, hi_all = -INFINITY;

  for (guint k = 0; k < 2; k++)
    {
      const double *m = job->side[k], *b = job->box[k];
      double lo = -INFINITY, hi = INFINITY;

      if (b[0] > b[2])
        continue;
      span_within (m[0], m[1] * y + m[2], b[0], b[2], &lo, &hi);
      span_within (m[3], m[4] * y + m[5], b[1], b[3], &lo, &hi);
      if (isnan (lo) || isnan (hi))
        {
          lo = -INFINITY;
          hi = INFINITY;
        }
      if (lo <= hi)
        {
          lo_all = MIN (lo_all, lo);
          hi_all = MAX (hi_all, hi);
        }
    }
  if (!(lo_all <= hi_all))
    {
      *xa = job->x1 + 1;
      *xb = job->x1;
      return;
    }
  *xa = MAX (job->x0, (int) floor (CLAMP (lo_all, job->x0 - 2.0, job->x1 + 2.0)) - 1);
  *xb = MIN (job->x1, (int) ceil (CLAMP (hi_all, job->x0 - 2.0, job->x1 + 2.0)) + 1);
}

/* @job's side[] and box[] for object @ob (its back[] set) */
static void
object_span_setup (ObjectJob          *job,
                   const InbEngine    *self,
                   const EngineObject *ob)
{
  const double *f = ob->fwd, *b = job->back;
  const double s = self->scale, off = self->offset;

  memcpy (job->side[0], b, sizeof job->side[0]);
  job->side[1][0] = f[0] * b[0] + f[1] * b[3];
  job->side[1][1] = f[0] * b[1] + f[1] * b[4];
  job->side[1][2] = f[0] * b[2] + f[1] * b[5] + f[2];
  job->side[1][3] = f[3] * b[0] + f[4] * b[3];
  job->side[1][4] = f[3] * b[1] + f[4] * b[4];
  job->side[1][5] = f[3] * b[2] + f[4] * b[5] + f[5];
  for (guint k = 0; k < 2; k++)
    {
      const int *live = ob->live[k];
      const int lw = (int) ob->mask[k]->width, lh = (int) ob->mask[k]->height;
      double *box = job->box[k];

      if (live[0] > live[2] || live[1] > live[3])
        {
          box[0] = 1.0;
          box[2] = 0.0;
          continue;
        }
      /* (inb_plane_sample() reads the cell at the position and the next
       * one, at the position clamped to the plane) */
      box[0] = live[0] <= 1 ? -INFINITY : s * (live[0] - 1) + off - SPAN_MARGIN;
      box[1] = live[1] <= 1 ? -INFINITY : s * (live[1] - 1) + off - SPAN_MARGIN;
      box[2] = live[2] >= lw - 2 ? INFINITY : s * (live[2] + 1) + off + SPAN_MARGIN;
      box[3] = live[3] >= lh - 2 ? INFINITY : s * (live[3] + 1) + off + SPAN_MARGIN;
    }
}

static inline InbPixel
sample_pixel (const InbPixel *p,
              gsize           ps,
              float           w,
              float           h,
              float           x,
              float           y)
{
  int ix, iy;

  x = CLAMP (x, 0.f, w - 1.f);
  y = CLAMP (y, 0.f, h - 1.f);
  ix = (int) x;
  iy = (int) y;

  return bilinear (p + (gsize) iy * ps + ix, ps, x - (float) ix, y - (float) iy);
}

/* 0 when @p, keyframe @side's pixel at full-resolution (@x, @y), has
 * the colour of the other keyframe (@other) where the background's
 * motion takes it; 1 when it clearly differs */
static inline float
background_test (InbPixel        p,
                 const InbPixel *other,
                 const InbEngine *self,
                 guint           side,
                 float           x,
                 float           y)
{
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  float qx = (x - off) / s, qy = (y - off) / s;
  float tx = x + s * inb_plane_sample (self->bgu[side], qx, qy);
  float ty = y + s * inb_plane_sample (self->bgv[side], qx, qy);
  InbPixel q, e;

  if (inside (tx, ty, fw, fh) < 1.f)
    return 1.f;
  q = sample_pixel (other, self->pad_stride, fw, fh, tx, ty);
  e = p - q;

  return CLAMP ((fabsf (e[0]) + fabsf (e[1]) + fabsf (e[2]) - 12.f) / 24.f, 0.f, 1.f);
}

/* FALSE where inb_plane_sample (@ob's mask[@k], @x, @y) is 0 */
static inline gboolean
mask_live_at (const EngineObject *ob,
              guint               k,
              float               x,
              float               y)
{
  const int w = (int) ob->mask[k]->width;
  const int h = (int) ob->mask[k]->height;

  /* (clamped as inb_plane_sample() does) */
  x = x > 0.f ? (x < (float) (w - 1) ? x : (float) (w - 1)) : 0.f;
  y = y > 0.f ? (y < (float) (h - 1) ? y : (float) (h - 1)) : 0.f;

  return ob->live_map[k][(gsize) (int) y * w + (int) x] != 0;
}

/* How far object @job covers full-resolution (@x, @y) at time t, from
 * first (@wa) and from last (@wb), and where it is drawn from in each
 * (@ax, @ay; @bx, @by); FALSE where it does not */
static inline gboolean
object_weights (const ObjectJob *job,
                int              x,
                int              y,
                float           *ax,
                float           *ay,
                float           *bx,
                float           *by,
                float           *wa,
                float           *wb)
{
  const InbEngine *self = job->frame->self;
  const EngineObject *ob = job->ob;
  const float t = job->frame->t;
  const float s = (float) self->scale, off = self->offset;
  const float fw = (float) self->width, fh = (float) self->height;
  const float g = (float) self->global_conf;
  float n;

  if (x < job->x0 || x > job->x1 || y < job->y0 || y > job->y1)
    return FALSE;
  affine_apply (job->back, (float) x, (float) y, ax, ay);
  affine_apply (ob->fwd, *ax, *ay, bx, by);
  /* (both masks 0 there: both weights are) */
  if (!mask_live_at (ob, 0, (*ax - off) / s, (*ay - off) / s)
      && !mask_live_at (ob, 1, (*bx - off) / s, (*by - off) / s))
    return FALSE;
  /* (fading with the pair's correspondence, as the rest does) */
  *wa = (1.f - t) * g * inb_plane_sample (ob->mask[0], (*ax - off) / s, (*ay - off) / s)
        * inside (*ax, *ay, fw, fh);
  *wb = t * g * inb_plane_sample (ob->mask[1], (*bx - off) / s, (*by - off) / s)
        * inside (*bx, *by, fw, fh);
  /* a part out of one keyframe's frame comes whole from the other */
  n = (1.f - t) * inside (*ax, *ay, fw, fh) + t * inside (*bx, *by, fw, fh);
  if (n > 1e-3f && n < 1.f)
    {
      *wa /= n;
      *wb /= n;
    }
  if (*wa + *wb < 1.f / 512.f)
    return FALSE;
  /* The masks fall short of the object inside as well as at its rim
   * (the blend of both keyframes' masks at time t, each a little eroded
   * by the matching): a clear part of a mask is the object, drawn whole
   * (as far as the pair corresponds at all); only the faintest part
   * blends (and the rim's test in object_rows() still tells the
   * background from it) */
  if (*wa + *wb < g)
    {
      float a = *wa + *wb, whole = g * (1.f - powf (1.f - a / g, 30.f));

      *wa *= whole / a;
      *wb *= whole / a;
    }

  return TRUE;
}

/* Object @job's pixels from first (@pa, at @ax, @ay) and last (@pb, at
 * @bx, @by) */
static inline void
object_samples (const ObjectJob *job,
                float            ax,
                float            ay,
                float            bx,
                float            by,
                InbPixel        *pa,
                InbPixel        *pb)
{
  const InbEngine *self = job->frame->self;
  const EngineObject *ob = job->ob;
  const float fw = (float) self->width, fh = (float) self->height;

  if (ob->patch[0] != NULL)
    {
      *pa = sample_pixel (ob->patch[0], ob->pw[0] + 1, ob->pw[0], ob->ph[0], ax - ob->px0[0], ay - ob->py0[0]);
      *pb = sample_pixel (ob->patch[1], ob->pw[1] + 1, ob->pw[1], ob->ph[1], bx - ob->px0[1], by - ob->py0[1]);
    }
  else
    {
      *pa = sample_pixel (self->pix0, self->pad_stride, fw, fh, ax, ay);
      *pb = sample_pixel (self->pix1, self->pad_stride, fw, fh, bx, by);
    }
}

/* How far apart two pixels are: the sum of their channels' differences */
static inline float
pixel_distance (InbPixel p,
                InbPixel q)
{
  InbPixel e = p - q;

  return fabsf (e[0]) + fabsf (e[1]) + fabsf (e[2]);
}

/* Where two objects moving otherwise cover the same pixel at time t, the
 * share of it that belongs to the one drawn last (its pixels from first
 * and last @pa, @pb; the other's @qa, @qb): the object in front there is
 * seen in both keyframes, so its pixels from first and from last agree,
 * while the other's come, in a keyframe where it is hidden, from the
 * object in front (or from the background). The pair that agrees clearly
 * better (by OWNER_SAME, fully by OWNER_SAME + OWNER_SPREAD, of the sums
 * of the channels' differences) owns the pixel; where both agree as well
 * (they need not overlap in either keyframe, and which is in front is not
 * known) or as badly, half each. */
#define OWNER_SAME   8.f
#define OWNER_SPREAD 24.f

static inline float
owner_share (InbPixel pa,
             InbPixel pb,
             InbPixel qa,
             InbPixel qb)
{
  float d = pixel_distance (qa, qb) - pixel_distance (pa, pb);
  float e = CLAMP ((fabsf (d) - OWNER_SAME) / OWNER_SPREAD, 0.f, 1.f);

  return 0.5f + (d > 0.f ? 0.5f : -0.5f) * e;
}

/* The same object found twice (its parts grouped apart): the same
 * motion, drawn over itself */
static gboolean
same_motion (const EngineObject *a,
             const EngineObject *b)
{
  double tol = 4.0 + 0.1 * hypot (a->fwd[2], a->fwd[5]);

  return fabs (a->fwd[0] - b->fwd[0]) < 0.05 && fabs (a->fwd[1] - b->fwd[1]) < 0.05
      && fabs (a->fwd[3] - b->fwd[3]) < 0.05 && fabs (a->fwd[4] - b->fwd[4]) < 0.05
      && fabs (a->fwd[2] - b->fwd[2]) < tol && fabs (a->fwd[5] - b->fwd[5]) < tol;
}

static void
object_rows (guint    start,
             guint    end,
             gpointer user_data)
{
  const ObjectJob *job = user_data;
  InbEngine *self = job->frame->self;
  const EngineObject *ob = job->ob;
  const float s = (float) self->scale, off = self->offset;

  gboolean other[G_N_ELEMENTS (self->objects)];

  for (guint k = 0; k < job->n_drawn; k++)
    other[k] = !same_motion (job->drawn[k].ob, ob);

  for (guint j = start; j < end; j++)
    {
      int y = job->y0 + (int) j;
      guint8 *d = job->frame->out + (gsize) y * job->frame->out_stride;
      int xa, xb, ka[G_N_ELEMENTS (self->objects)], kb[G_N_ELEMENTS (self->objects)];

      object_span (job, y, &xa, &xb);
      for (guint k = 0; k < job->n_drawn; k++)
        object_span (&job->drawn[k], y, &ka[k], &kb[k]);

      for (int x = xa; x <= xb; x++)
        {
          /* (an object whose motion is not trusted, fainter: see
           * object_fallback()) */
          float ax, ay, bx, by, wa, wb, keep = ob->trust;
          InbPixel o, pa, pb;

          if (!object_weights (job, x, y, &ax, &ay, &bx, &by, &wa, &wb))
            continue;
          object_samples (job, ax, ay, bx, by, &pa, &pb);
          /* Where an object drawn before covers it too, which is in
           * front there is told by owner_share() */
          for (guint k = 0; k < job->n_drawn; k++)
            {
              float kax, kay, kbx, kby, kwa, kwb;
              InbPixel qa, qb;

              if (other[k] && x >= ka[k] && x <= kb[k]
                  && object_weights (&job->drawn[k], x, y, &kax, &kay, &kbx, &kby, &kwa, &kwb))
                {
                  object_samples (&job->drawn[k], kax, kay, kbx, kby, &qa, &qb);
                  keep = MIN (keep, 1.f - MIN (kwa + kwb, 1.f) * (1.f - owner_share (pa, pb, qa, qb)));
                }
            }
          wa *= keep;
          wb *= keep;
          /* The mask is drawn a little wide: at its rim, a pixel that the
           * background's motion explains (the same colour where the
           * background went in the other keyframe, which the object has
           * left) is background, not carried along with the object */
          if (wa > 0.f && rim (ob->mask[0], (ax - off) / s, (ay - off) / s))
            wa *= background_test (pa, self->pix1, self, 0, ax, ay);
          if (wb > 0.f && rim (ob->mask[1], (bx - off) / s, (by - off) / s))
            wb *= background_test (pb, self->pix0, self, 1, bx, by);
          if (wa + wb < 1.f / 512.f)
            continue;
          o = (InbPixel) { d[3 * x], d[3 * x + 1], d[3 * x + 2], 0.f } * (1.f - wa - wb)
              + pa * wa + pb * wb + 0.5f;
          d[3 * x] = (guint8) CLAMP (o[0], 0.f, 255.f);
          d[3 * x + 1] = (guint8) CLAMP (o[1], 0.f, 255.f);
          d[3 * x + 2] = (guint8) CLAMP (o[2], 0.f, 255.f);
        }
    }
}

static void
draw_objects (InbEngine      *self,
              const FrameJob *frame)
{
  const double t = frame->t;
  ObjectJob jobs[G_N_ELEMENTS (self->objects)];
  guint n = 0;

  for (guint o = 0; o < self->n_objects; o++)
    {
      const EngineObject *ob = &self->objects[o];
      ObjectJob *job = &jobs[n];
      double b[6];
      float xs[4], ys[4];

      memset (job, 0, sizeof *job);
      job->frame = frame;
      job->ob = ob;
      if (!object_at (ob, t, b, job->back))
        continue;
      for (guint c = 0; c < 4; c++)
        affine_apply (b, (float) (c & 1 ? ob->x1 : ob->x0), (float) (c & 2 ? ob->y1 : ob->y0),
                      &xs[c], &ys[c]);
      job->x0 = MAX (0, (int) floorf (MIN (MIN (xs[0], xs[1]), MIN (xs[2], xs[3]))));
      job->x1 = MIN ((int) self->width - 1, (int) ceilf (MAX (MAX (xs[0], xs[1]), MAX (xs[2], xs[3]))));
      job->y0 = MAX (0, (int) floorf (MIN (MIN (ys[0], ys[1]), MIN (ys[2], ys[3]))));
      job->y1 = MIN ((int) self->height - 1, (int) ceilf (MAX (MAX (ys[0], ys[1]), MAX (ys[2], ys[3]))));
      if (job->x0 > job->x1 || job->y0 > job->y1)
        continue;
      object_span_setup (job, self, ob);
      job->drawn = jobs;
      job->n_drawn = n;
      inb_parallel_for (self->par, (guint) (job->y1 - job->y0 + 1), 0, object_rows, job, NULL);
      n++;
    }
}

/* The box of @mask's pixels that are not 0 into @live (x0, y0, x1, y1;
 * x0 > x1 when there are none), and the map of where its samples can
 * be other than 0 (see EngineObject.live_map) */
static guint8 *
mask_live (const InbPlane *mask,
           int             live[4])
{
  const guint w = mask->width, h = mask->height;
  guint8 *map = g_malloc ((gsize) w * h);

  live[0] = (int) mask->width;
  live[1] = (int) mask->height;
  live[2] = -1;
  live[3] = -1;
  for (guint y = 0; y < mask->height; y++)
    {
      const float *row = mask->data + (gsize) y * mask->width;

      for (guint x = 0; x < mask->width; x++)
        if (row[x] != 0.f)
          {
            live[0] = MIN (live[0], (int) x);
            live[1] = MIN (live[1], (int) y);
            live[2] = MAX (live[2], (int) x);
            live[3] = MAX (live[3], (int) y);
          }
    }
  for (guint y = 0; y < h; y++)
    {
      const float *r0 = mask->data + (gsize) y * w;
      const float *r1 = mask->data + (gsize) MIN (y + 1, h - 1) * w;

      for (guint x = 0; x < w; x++)
        {
          guint x1 = MIN (x + 1, w - 1);

          map[(gsize) y * w + x] = r0[x] != 0.f || r0[x1] != 0.f || r1[x] != 0.f || r1[x1] != 0.f;
        }
    }

  return map;
}

/**
 * inb_engine_render_prepare:
 *
 * What the frames share, once the analysis is done and the render
 * buffers are allocated (the node map's size): node_fixed, and each
 * object's live boxes and maps.
 */
void
inb_engine_render_prepare (InbEngine *self)
{
  self->node_fixed = g_new (float, (gsize) self->nw * self->nh * NODE_FIXED);
  inb_parallel_for (self->par, self->nh, 0, node_fixed_rows, self, NULL);
  for (guint o = 0; o < self->n_objects; o++)
    for (guint k = 0; k < 2; k++)
      self->objects[o].live_map[k] = mask_live (self->objects[o].mask[k], self->objects[o].live[k]);
}

void
inb_engine_to_pixels_rows (guint    start,
                           guint    end,
                           gpointer user_data)
{
  const PixelJob *job = user_data;
  const guint w = inb_image_get_width (job->src);
  const gsize stride = inb_image_get_stride (job->src);
  const guint8 *data = inb_image_get_data (job->src);

  const guint h = inb_image_get_height (job->src);

  /* Row h and column w repeat the last ones. */
  for (guint y = start; y < end; y++)
    {
      const guint8 *s = data + MIN (y, h - 1) * stride;
      InbPixel *d = job->dst + (gsize) y * (w + 1);

      for (guint x = 0; x < w; x++, s += 3)
        d[x] = (InbPixel) { s[0], s[1], s[2], 0.f };
      d[w] = d[w - 1];
    }
}

static void
copy_image (const InbImage *src,
            InbImage       *dst)
{
  const guint8 *s = inb_image_get_data (src);
  guint8 *d = inb_image_get_data_mut (dst);
  gsize ss = inb_image_get_stride (src), ds = inb_image_get_stride (dst);
  gsize row = (gsize) inb_image_get_width (src) * 3;

  for (guint y = 0; y < inb_image_get_height (src); y++)
    memcpy (d + y * ds, s + y * ss, row);
}

/**
 * inb_engine_render:
 *
 * Renders time @t into @out. Thread-safe (frames are rendered one at a
 * time); allocates nothing.
 */
void
inb_engine_render (InbEngine *self,
                   double     t,
                   InbImage  *out)
{
  FrameJob job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (inb_image_get_width (out) == self->width);
  g_return_if_fail (inb_image_get_height (out) == self->height);

  if (!(t > 0.0))
    {
      copy_image (self->first, out);
      return;
    }
  if (t >= 1.0)
    {
      copy_image (self->last, out);
      return;
    }

  g_mutex_lock (&self->lock);

  job.self = self;
  job.t = (float) t;
  job.out = inb_image_get_data_mut (out);
  /* at time t, (1 - t) first + t last in exposure: first's pixels
   * times 1 - t + t gain plus t offset; last's brought back to first's
   * exposure, then the same */
  job.ka = 1.f - job.t + job.t * self->exp_gain;
  job.ca = job.t * self->exp_offset;
  job.kb = job.ka / self->exp_gain;
  job.cb = job.ca - self->exp_offset * job.kb;
  job.clipped = self->exp_clipped;
  job.out_stride = inb_image_get_stride (out);

  inb_parallel_for (self->par, 2, 1, splat_sets, &job, NULL);
  inb_parallel_for (self->par, self->mh, 0, normalise_rows, &job, NULL);
  inb_parallel_for (self->par, self->nh, 0, node_rows, &job, NULL);
  inb_parallel_for (self->par, self->nh, 0, hrow_rows, &job, NULL);
  inb_parallel_for (self->par, self->height, 0, pixel_rows, &job, NULL);
  draw_objects (self, &job);

  g_mutex_unlock (&self->lock);
}
