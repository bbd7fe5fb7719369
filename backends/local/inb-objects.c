/* inb-objects.c — objects moving far and small blobs
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exhaustive block matching on a small level, the grouping of its
 * displacements into objects moving far over the global model (stage 5
 * of inb-flow.c), the seed of the dense pass that offers them, and the
 * small blobs (birds against the sky) matched one by one.
 */
#define G_LOG_DOMAIN "inb-flow"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inb-flow-private.h"

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

/* Block matching @a -> @b on a grid of @step pixels (then refined to a
 * pixel), over ±@reach of the width and ±0.35 of the height, densified. */
gboolean
inb_flow_block_flow (InbParallel     *par,
                     const InbPlane  *a,
                     const InbPlane  *b,
                     int              step,
                     double           reach,
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

  job.rx = (int) (reach * a->width);
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
  if (!inb_parallel_for (par, a->height, 0, inb_dis_densify_rows, &dense, cancellable))
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

/* An object's box covers at most this share of the level (a larger
 * group of like displacements is the background, or noise) */
#define OBJECT_MAX_BOX 0.25

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* The pixels where the block matching (@mu, @mv, local error @em) beats
 * both the global model (@eh, @hu, @hv) and the coarse pass (@ek, @ku,
 * @kv), set in @cand; returns how many */
static guint
mark_candidates (const InbPlane *em,
                 const InbPlane *eh,
                 const InbPlane *ek,
                 const InbPlane *mu,
                 const InbPlane *mv,
                 const InbPlane *hu,
                 const InbPlane *hv,
                 const InbPlane *ku,
                 const InbPlane *kv,
                 guint8         *cand)
{
  const gsize n = (gsize) em->width * em->height;
  guint n_cand = 0;

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
    }

  return n_cand;
}

/* The displacement most candidates share (a sample of them vote): the
 * candidate pixel whose displacement has the most others within 2 pixels,
 * in @best_k; returns how many */
static guint
most_shared_displacement (const InbPlane *mu,
                          const InbPlane *mv,
                          const guint8   *cand,
                          guint           n_cand,
                          gsize          *best_k)
{
  const gsize n = (gsize) mu->width * mu->height;
  guint best_count = 0, stride = MAX (1, n_cand / 256);
  guint seen = 0;

  *best_k = 0;
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
          *best_k = k;
        }
    }

  return best_count;
}

/* The candidates within 2 pixels of displacement (@du, @dv) taken out of
 * @cand (and @n_cand) into one group: its mean displacement and the box
 * of its pixels (5 % trimmed on each side), from @xs, @ys (scratch of the
 * level's size); returns its size */
static guint
take_group (const InbPlane *mu,
            const InbPlane *mv,
            guint8         *cand,
            guint          *n_cand,
            int            *xs,
            int            *ys,
            ObjectMotion   *om)
{
  const int w = (int) mu->width;
  const gsize n = (gsize) mu->width * mu->height;
  const float du = om->du, dv = om->dv;
  double su = 0, sv = 0;
  guint count = 0;

  for (gsize k = 0; k < n; k++)
    if (cand[k] && fabsf (mu->data[k] - du) + fabsf (mv->data[k] - dv) < 2.f)
      {
        su += mu->data[k];
        sv += mv->data[k];
        xs[count] = (int) (k % w);
        ys[count] = (int) (k / w);
        count++;
        cand[k] = 0;
        (*n_cand)--;
      }
  om->du = (float) (su / count);
  om->dv = (float) (sv / count);
  qsort (xs, count, sizeof (int), compare_int);
  qsort (ys, count, sizeof (int), compare_int);
  om->x0 = xs[count / 20];
  om->x1 = xs[count - 1 - count / 20];
  om->y0 = ys[count / 20];
  om->y1 = ys[count - 1 - count / 20];

  return count;
}

/* Groups the candidates by displacement; each large enough, compact
 * group becomes one translation in @found, with a box around its pixels */
static void
group_candidates (const InbPlane *mu,
                  const InbPlane *mv,
                  guint8         *cand,
                  guint           n_cand,
                  ObjectMotion   *found,
                  guint          *n_found)
{
  const int w = (int) mu->width, h = (int) mu->height;
  const gsize n = (gsize) w * h;
  const guint min_support = MAX (12, (guint) (n / 1000));
  g_autofree int *xs = g_new (int, n);
  g_autofree int *ys = g_new (int, n);

  *n_found = 0;
  for (guint obj = 0, tries = 0; obj < MAX_OBJECTS && tries < 2 * MAX_OBJECTS && n_cand >= min_support; tries++)
    {
      ObjectMotion om;
      gsize best_k;
      guint count;
      int margin;

      if (most_shared_displacement (mu, mv, cand, n_cand, &best_k) < min_support)
        break;
      om.du = mu->data[best_k];
      om.dv = mv->data[best_k];
      count = take_group (mu, mv, cand, &n_cand, xs, ys, &om);
      /* a compact object, not scattered noise */
      if ((double) (om.x1 - om.x0 + 1) * (om.y1 - om.y0 + 1) > OBJECT_MAX_BOX * n
          || count < 0.1 * (om.x1 - om.x0 + 1) * (om.y1 - om.y0 + 1))
        continue;
      margin = 4 + MAX (om.x1 - om.x0, om.y1 - om.y0) / 2;
      om.x0 = MAX (0, om.x0 - margin);
      om.x1 = MIN (w - 1, om.x1 + margin);
      om.y0 = MAX (0, om.y0 - margin);
      om.y1 = MIN (h - 1, om.y1 + margin);
      g_debug ("object moving %.1f %.1f in [%d %d] x [%d %d] (%u pixels)",
               om.du, om.dv, om.x0, om.x1, om.y0, om.y1, count);
      om.mutual = FALSE;
      om.accounted = FALSE;
      found[*n_found] = om;
      (*n_found)++;
      obj++;
    }
}

/* An object found the other way round (@g), as it is seen this way: the
 * opposite translation, in the box it moves to, clipped to @w × @h;
 * FALSE when that box is out of the frame */
static gboolean
seen_this_way (const ObjectMotion *g,
               int                 w,
               int                 h,
               ObjectMotion       *om)
{
  om->du = -g->du;
  om->dv = -g->dv;
  om->x0 = MAX (0, (int) floorf (g->x0 + g->du));
  om->x1 = MIN (w - 1, (int) ceilf (g->x1 + g->du));
  om->y0 = MAX (0, (int) floorf (g->y0 + g->dv));
  om->y1 = MIN (h - 1, (int) ceilf (g->y1 + g->dv));

  return om->x0 <= om->x1 && om->y0 <= om->y1;
}

/* Whether @om is one of @others (the same motion, over the same place);
 * @mirror: the others were found the other way round */
static gboolean
found_both_ways (const ObjectMotion *om,
                 const ObjectMotion *others,
                 guint               n_others,
                 gboolean            mirror)
{
  gboolean mutual = FALSE;

  for (guint q = 0; q < n_others && !mutual; q++)
    {
      const ObjectMotion *p = &others[q];
      ObjectMotion pm = *p;

      if (mirror)
        {
          pm.du = -p->du;
          pm.dv = -p->dv;
          pm.x0 = (int) floorf (p->x0 + p->du);
          pm.x1 = (int) ceilf (p->x1 + p->du);
          pm.y0 = (int) floorf (p->y0 + p->dv);
          pm.y1 = (int) ceilf (p->y1 + p->dv);
        }
      mutual = fabsf (pm.du - om->du) + fabsf (pm.dv - om->dv) < MAX (3.f, 0.15f * (fabsf (om->du) + fabsf (om->dv)))
               && pm.x0 <= om->x1 && om->x0 <= pm.x1 && pm.y0 <= om->y1 && om->y0 <= pm.y1;
    }

  return mutual;
}

/* @om offered in its box: where its translation matches (the error of
 * @a against @b moved by it, 5 × 5 means, in @eo) better than what was
 * offered there so far (@be), it is the candidate (@ou, @ov) */
static void
offer_motion (const InbPlane     *a,
              const InbPlane     *b,
              const ObjectMotion *om,
              InbPlane           *eo,
              InbPlane           *tmp,
              float              *be,
              float              *ou,
              float              *ov)
{
  const int w = (int) a->width, h = (int) a->height;
  const float du = om->du, dv = om->dv;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      eo->data[(gsize) y * w + x] = fabsf (inb_plane_sample (b, x + du, y + dv) - a->data[(gsize) y * w + x]);
  box5 (eo, tmp, eo);
  for (int y = om->y0; y <= om->y1; y++)
    for (int x = om->x0; x <= om->x1; x++)
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

/* ------------------------------------------------------------------ */
/* Objects found by what the global model leaves unexplained           */

#define RESIDUAL_CHANGED 14.f  /* luma levels off the global model: changed */
#define RESIDUAL_MATCH   12.f  /* luma levels: a pixel matches */
#define RESIDUAL_MAX_SHARE 0.5 /* more changed than this: no objects here */
#define ACCOUNTED_SHARE 0.5    /* more of its pixels accounted for: a phantom */
#define MIRROR_SHARE 0.75      /* this much of it where another goes: its mirror */

/* A level halved (means of 2 × 2; the last odd row or column dropped) */
static InbPlane *
halve (const InbPlane *p)
{
  const guint w = p->width / 2, h = p->height / 2;
  InbPlane *o = inb_plane_new (w, h);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const float *r = p->data + (gsize) 2 * y * p->width + 2 * x;

        o->data[(gsize) y * w + x] = 0.25f * (r[0] + r[1] + r[p->width] + r[p->width + 1]);
      }

  return o;
}

/* Where @a is not explained by @b under @hl (3 × 3 mean of the error
 * above RESIDUAL_CHANGED): 1, else 0; 0 too where @hl takes the pixel
 * out of the frame (nothing to compare with). Returns how many. */
static guint
changed_pixels (const InbPlane *a,
                const InbPlane *b,
                const double    hl[9],
                InbPlane       *tmp,
                InbPlane       *out)
{
  const int w = (int) a->width, h = (int) a->height;
  guint count = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double tx, ty;

        inb_mat3_apply (hl, x, y, &tx, &ty);
        tmp->data[(gsize) y * w + x] = tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1
                                       ? -1.f : fabsf (a->data[(gsize) y * w + x] - inb_plane_sample (b, tx, ty));
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.f;
        gboolean out_of_frame = FALSE;

        for (int j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
          for (int i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++)
            {
              float e = tmp->data[(gsize) j * w + i];

              out_of_frame |= e < 0.f;
              acc += e;
            }
        out->data[(gsize) y * w + x] = !out_of_frame && acc > 9.f * RESIDUAL_CHANGED ? 1.f : 0.f;
        count += out->data[(gsize) y * w + x] > 0.f;
      }

  return count;
}

/* The score of displacement (@du, @dv) (whole pixels): how many changed
 * pixels of @a (@ca; those not taken yet, @taken 0) land on a changed
 * pixel of @b (@cb) of about their luma, far from where the global model
 * takes them (@hu, @hv); with @mark, those pixels are marked taken */
static float
residual_score (const InbPlane *a,
                const InbPlane *b,
                const InbPlane *ca,
                const InbPlane *cb,
                const InbPlane *hu,
                const InbPlane *hv,
                guint8         *taken,
                int             du,
                int             dv,
                guint8          mark)
{
  const int w = (int) a->width, h = (int) a->height;
  float score = 0.f;

  for (int y = MAX (0, -dv); y < MIN (h, h - dv); y++)
    for (int x = MAX (0, -du); x < MIN (w, w - du); x++)
      {
        gsize k = (gsize) y * w + x, q = (gsize) (y + dv) * w + x + du;
        float e;

        if (ca->data[k] == 0.f || cb->data[q] == 0.f || taken[k]
            || fabsf (du - hu->data[k]) + fabsf (dv - hv->data[k]) < 3.f)
          continue;
        e = fabsf (a->data[k] - b->data[q]);
        if (e < RESIDUAL_MATCH)
          {
            score += 1.f - e / RESIDUAL_MATCH;
            if (mark)
              taken[k] = mark;
          }
      }

  return score;
}

/* The changed pixels that an object found here and the other way round
 * (one of @found, @n_found, that is in @given, @n_given, mirrored)
 * accounts for, marked with its index + 1: in @off_a (of @a), those
 * where the object is in @b (@b there is @a where the object was, moved
 * by its translation), and in @off_b (of @b), those it has left (@a
 * there is @b where it went): the background it covers and uncovers,
 * which changed because of it. Not what is more of the object (its
 * translation matches there too: it moves less than its size), and only
 * objects found both ways: the block matching finds a turning object as
 * groups whose translations are not its motion, and their "covered"
 * pixels would be more of it. */
static void
mark_accounted (const InbPlane     *a,
                const InbPlane     *b,
                const ObjectMotion *found,
                guint               n_found,
                const ObjectMotion *given,
                guint               n_given,
                guint8             *off_a,
                guint8             *off_b)
{
  const int w = (int) a->width, h = (int) a->height;

  for (guint q = 0; q < n_found; q++)
    {
      const ObjectMotion *om = &found[q];
      const float du = om->du, dv = om->dv;

      if (!found_both_ways (om, given, n_given, TRUE))
        continue;
      for (int y = MAX (0, om->y0); y <= MIN (h - 1, om->y1); y++)
        for (int x = MAX (0, om->x0); x <= MIN (w - 1, om->x1); x++)
          {
            const int tx = (int) lrintf (x + du), ty = (int) lrintf (y + dv);
            gsize k, t;

            if (tx < 0 || tx >= w || ty < 0 || ty >= h)
              continue;
            k = (gsize) y * w + x;
            t = (gsize) ty * w + tx;
            /* the object at (x, y) in @a is at (tx, ty) in @b: what @a
             * shows at (tx, ty) is covered, what @b shows at (x, y) is
             * uncovered (unless that is more of the object) */
            if (fabsf (a->data[k] - b->data[t]) < RESIDUAL_MATCH)
              {
                const int ux = (int) lrintf (tx + du), uy = (int) lrintf (ty + dv);
                const int vx = (int) lrintf (x - du), vy = (int) lrintf (y - dv);

                if (ux < 0 || ux >= w || uy < 0 || uy >= h
                    || fabsf (a->data[t] - b->data[(gsize) uy * w + ux]) >= RESIDUAL_MATCH)
                  off_a[t] = (guint8) (q + 1);
                if (vx < 0 || vx >= w || vy < 0 || vy >= h
                    || fabsf (b->data[k] - a->data[(gsize) vy * w + vx]) >= RESIDUAL_MATCH)
                  off_b[k] = (guint8) (q + 1);
              }
          }
    }
}

/* Whether the object @mark marks (its index + 1 in @found, or 0) moves
 * against translation (@du, @dv): what it covers, matched to what it
 * uncovers, moves from where it goes back to where it was */
static gboolean
accounted_against (const ObjectMotion *found,
                   guint8              mark,
                   int                 du,
                   int                 dv)
{
  return mark > 0 && found[mark - 1].du * du + found[mark - 1].dv * dv < 0.f;
}

/* How many of the pixels @taken marks with @mark (on a level @w × @h)
 * lie in the box [@x0, @x1] × [@y0, @y1] */
static guint
taken_in_box (const guint8 *taken,
              guint8        mark,
              int           w,
              int           h,
              float         x0,
              float         x1,
              float         y0,
              float         y1)
{
  guint in = 0;

  for (int y = MAX (0, (int) ceilf (y0)); y <= MIN (h - 1, (int) floorf (y1)); y++)
    for (int x = MAX (0, (int) ceilf (x0)); x <= MIN (w - 1, (int) floorf (x1)); x++)
      in += taken[(gsize) y * w + x] == mark;

  return in;
}

/* Objects the block matching cannot see (flat ones: their blocks carry
 * no match): the pixels that the global model (@hl, this level) leaves
 * unexplained, in @a and in @b (under its inverse), are matched as a
 * whole: the translation that takes the most changed pixels of @a onto
 * changed pixels of @b of the same luma (searched on the level halved,
 * refined on this one) is an object, its box the box of those pixels;
 * they are taken out and the next one is looked for. Added to @found
 * (with the block matching's, @n_found) while there is room, unless one
 * there already has that motion over the same place. One most of whose
 * pixels an object found both ways (with @given, found the other way
 * round) and moving against it accounts for, see mark_accounted(), is
 * @accounted: a phantom of the background that object covers and
 * uncovers (flat or faint, it matches itself under many motions; what is
 * covered where the object goes, matched to what is uncovered where it
 * was, moves back). It is still offered and still a motion the other
 * objects' pixels are weighed against, as before, but it is not drawn
 * as an object. (A turning object's groups account for much of the
 * object itself, but it moves with them.) */
static void
residual_objects (const InbPlane *a,
                  const InbPlane *b,
                  const double    hl[9],
                  const InbPlane *hu,
                  const InbPlane *hv,
                  const ObjectMotion *given,
                  guint           n_given,
                  ObjectMotion   *found,
                  guint          *n_found)
{
  const int w = (int) a->width, h = (int) a->height;
  const gsize n = (gsize) w * h;
  double hinv[9];
  g_autoptr(InbPlane) ca = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) cb = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) tmp = inb_plane_new (a->width, a->height);
  g_autoptr(InbPlane) a2 = NULL;
  g_autoptr(InbPlane) b2 = NULL;
  g_autoptr(InbPlane) ca2 = NULL;
  g_autoptr(InbPlane) cb2 = NULL;
  g_autoptr(InbPlane) hu2 = NULL;
  g_autoptr(InbPlane) hv2 = NULL;
  g_autofree guint8 *taken = g_new0 (guint8, n);
  g_autofree guint8 *taken2 = NULL;
  g_autofree guint8 *off_a = NULL;
  g_autofree guint8 *off_b = NULL;
  g_autofree int *xs = g_new (int, n);
  g_autofree int *ys = g_new (int, n);
  guint n_a, n_b, w2, h2;
  int rx, ry;
  float first_score = 0.f;

  if (w < 32 || h < 16 || !inb_mat3_invert (hl, hinv))
    return;
  n_a = changed_pixels (a, b, hl, tmp, ca);
  n_b = changed_pixels (b, a, hinv, tmp, cb);
  /* (most of the picture changed: a scene change, or no global model) */
  if (n_a < 24 || n_b < 24 || n_a > RESIDUAL_MAX_SHARE * n || n_b > RESIDUAL_MAX_SHARE * n)
    return;

  off_a = g_new0 (guint8, n);
  off_b = g_new0 (guint8, n);
  mark_accounted (a, b, found, *n_found, given, n_given, off_a, off_b);
  a2 = halve (a);
  b2 = halve (b);
  ca2 = halve (ca);
  cb2 = halve (cb);
  hu2 = halve (hu);
  hv2 = halve (hv);
  w2 = a2->width;
  h2 = a2->height;
  for (gsize k = 0; k < (gsize) w2 * h2; k++)
    {
      ca2->data[k] = ca2->data[k] >= 0.5f ? 1.f : 0.f;
      cb2->data[k] = cb2->data[k] >= 0.5f ? 1.f : 0.f;
      hu2->data[k] *= 0.5f;
      hv2->data[k] *= 0.5f;
    }
  taken2 = g_new0 (guint8, (gsize) w2 * h2);
  rx = (int) (0.55 * w2);
  ry = (int) (0.35 * h2);

  for (guint tries = 0; tries < MAX_OBJECTS && *n_found < MAX_FOUND; tries++)
    {
      /* (after the first, what is left of it, such as the background it
       * uncovers, matches a little under many motions: the next one must
       * explain a good part of what the first did) */
      const float min_score = MAX (MAX (16.f, (float) (w2 * h2) / 200.f), 0.3f * first_score);
      float best = 0.f;
      int bu = 0, bv = 0, cu, cv;
      guint count = 0;
      ObjectMotion om;
      gboolean known = FALSE;
      guint accounted = 0;
      int margin;

      for (int dv = -ry; dv <= ry; dv++)
        for (int du = -rx; du <= rx; du++)
          {
            float sc = residual_score (a2, b2, ca2, cb2, hu2, hv2, taken2, du, dv, 0);

            if (sc > best)
              {
                best = sc;
                bu = du;
                bv = dv;
              }
          }
      if (best < min_score)
        break;
      if (tries == 0)
        first_score = best;
      /* refined on this level */
      cu = 2 * bu;
      cv = 2 * bv;
      best = 0.f;
      for (int dv = cv - 2; dv <= cv + 2; dv++)
        for (int du = cu - 2; du <= cu + 2; du++)
          {
            float sc = residual_score (a, b, ca, cb, hu, hv, taken, du, dv, 0);

            if (sc > best)
              {
                best = sc;
                bu = du;
                bv = dv;
              }
          }
      /* its pixels taken, here and on the halved level */
      residual_score (a, b, ca, cb, hu, hv, taken, bu, bv, (guint8) (tries + 1));
      residual_score (a2, b2, ca2, cb2, hu2, hv2, taken2, (int) lrintf (0.5f * bu), (int) lrintf (0.5f * bv), 1);
      for (gsize k = 0; k < n; k++)
        if (taken[k] == tries + 1)
          {
            xs[count] = (int) (k % w);
            ys[count] = (int) (k / w);
            count++;
            accounted += accounted_against (found, off_a[k], bu, bv)
                         || accounted_against (found, off_b[k + (gssize) bv * w + bu], bu, bv);
          }
      if (count < 16)
        continue;
      qsort (xs, count, sizeof (int), compare_int);
      qsort (ys, count, sizeof (int), compare_int);
      om.du = (float) bu;
      om.dv = (float) bv;
      om.x0 = xs[count / 20];
      om.x1 = xs[count - 1 - count / 20];
      om.y0 = ys[count / 20];
      om.y1 = ys[count - 1 - count / 20];
      om.mutual = FALSE;
      om.accounted = accounted >= ACCOUNTED_SHARE * count;
      /* a compact object, not scattered noise */
      if ((double) (om.x1 - om.x0 + 1) * (om.y1 - om.y0 + 1) > OBJECT_MAX_BOX * 2 * n
          || count < 0.2 * (om.x1 - om.x0 + 1) * (om.y1 - om.y0 + 1))
        continue;
      /* one found already, or its mirror: where it goes, what it leaves
       * (the background at both places, which can look alike) matched
       * the opposite way. A mirror is background that the other object
       * covers, all of it inside the box that one goes to (a quarter
       * left for what is matched with it by chance); an object that
       * crosses the other one, into the place it leaves, also overlaps
       * that box but lies largely outside it (old11-31: 0.60 and 0.71 of
       * its pixels inside). */
      for (guint q = 0; q < *n_found && !known; q++)
        {
          const ObjectMotion *f = &found[q];
          const float tol = MAX (3.f, 0.15f * (fabsf (om.du) + fabsf (om.dv)));

          known = (fabsf (f->du - om.du) + fabsf (f->dv - om.dv) < tol
                   && f->x0 <= om.x1 && om.x0 <= f->x1 && f->y0 <= om.y1 && om.y0 <= f->y1)
                  || (fabsf (f->du + om.du) + fabsf (f->dv + om.dv) < tol
                      && taken_in_box (taken, (guint8) (tries + 1), w, h, f->x0 + f->du, f->x1 + f->du,
                                       f->y0 + f->dv, f->y1 + f->dv) >= MIRROR_SHARE * count);
        }
      if (known)
        continue;
      margin = 4 + MAX (om.x1 - om.x0, om.y1 - om.y0) / 4;
      om.x0 = MAX (0, om.x0 - margin);
      om.x1 = MIN (w - 1, om.x1 + margin);
      om.y0 = MAX (0, om.y0 - margin);
      om.y1 = MIN (h - 1, om.y1 + margin);
      g_debug ("object moving %.1f %.1f in [%d %d] x [%d %d] (%u changed pixels, %u accounted for, score %.0f)",
               om.du, om.dv, om.x0, om.x1, om.y0, om.y1, count, accounted, best);
      found[(*n_found)++] = om;
    }
}

/* Objects moving far: the pixels where the block matching (@mu, @mv,
 * local error @em) beats both the global model (@eh) and the coarse pass
 * (@ek) are grouped by displacement; each large enough group becomes one
 * translation, offered (in @mu, @mv, with its error in @em) in a box
 * around its pixels only. Everywhere else the candidate is withdrawn
 * (@em = G_MAXFLOAT): single block matches are too noisy to seed with. */
static void
object_clusters (const InbPlane *a,
                 const InbPlane *b,
                 const double    hl[9],
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
  g_autoptr(InbPlane) eo = inb_plane_new (a->width, a->height);
  guint n_cand;

  n_cand = mark_candidates (em, eh, ek, mu, mv, hu, hv, ku, kv, cand);
  for (gsize k = 0; k < n; k++)
    {
      be[k] = G_MAXFLOAT;
      ou[k] = ov[k] = 0.f;
    }

  group_candidates (mu, mv, cand, n_cand, found, n_found);
  residual_objects (a, b, hl, hu, hv, given, n_given, found, n_found);

  /* Offered: the objects found here and those found the other way round
   * (the opposite translation, in the box they move to). Only objects
   * found both ways (the same motion, opposite, over the same place): a
   * single block match at the frame's edge or in a texture with repeats
   * is not an object. */
  for (guint o = 0; o < *n_found + n_given; o++)
    {
      ObjectMotion om;

      if (o < *n_found)
        {
          om = found[o];
          if (!found_both_ways (&om, given, n_given, TRUE))
            continue;
          found[o].mutual = TRUE;
        }
      else
        {
          if (!seen_this_way (&given[o - *n_found], w, h, &om)
              || !found_both_ways (&om, found, *n_found, FALSE))
            continue;
        }
      g_debug ("offering %.1f %.1f in [%d %d] x [%d %d]", om.du, om.dv, om.x0, om.x1, om.y0, om.y1);
      offer_motion (a, b, &om, eo, tmp, be, ou, ov);
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

/* Blobs inside the objects already found are theirs: marked used */
static void
blobs_of_objects (const InbFlowAnalysis *an,
                  const Blob            *ba,
                  guint                  na,
                  const Blob            *bb,
                  guint                  nb,
                  gboolean              *used_a,
                  gboolean              *used_b)
{
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
}

/* Candidate pairs of a blob of @a and one of @b (at most @max_pairs):
 * same polarity, similar size, moving far (within @radius), alike; the
 * shift refined on a half-pixel grid around the centroids' */
static guint
pair_blobs (const InbPlane *a,
            const InbPlane *b,
            const Blob     *ba,
            guint           na,
            const Blob     *bb,
            guint           nb,
            const gboolean *used_a,
            const gboolean *used_b,
            float           radius,
            BlobPair       *pairs,
            guint           max_pairs)
{
  guint np = 0;

  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb && np < max_pairs; j++)
      {
        float du = bb[j].cx - ba[i].cx, dv = bb[j].cy - ba[i].cy, best = G_MAXFLOAT, bu = du, bv = dv;
        float ra = fabsf (ba[i].mass), rb = fabsf (bb[j].mass);

        if (used_a[i] || used_b[j] || (ba[i].mass > 0) != (bb[j].mass > 0)
            || ra > 2.f * rb || rb > 2.f * ra
            || hypotf (du, dv) > radius || fabsf (du) + fabsf (dv) < 6.f)
          continue;
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

  return np;
}

/* The motion the most unused blobs share: the pair whose motion the most
 * blobs of @a have a pair within tolerance of (the cheaper on a tie), and
 * how many in @support; G_MAXUINT when no pair is left */
static guint
most_shared_motion (const BlobPair *pairs,
                    guint           np,
                    guint           na,
                    const gboolean *used_a,
                    const gboolean *used_b,
                    guint          *support_out)
{
  guint best_p = G_MAXUINT, best_support = 0;
  float best_cost = G_MAXFLOAT;

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
  *support_out = best_support;

  return best_p;
}

/* A lone blob's pair counts only as a clear match, and the only one its
 * blobs have */
static gboolean
lone_pair_is_clear (const BlobPair *pairs,
                    guint           np,
                    guint           best_p)
{
  const BlobPair *bp = &pairs[best_p];
  gboolean unique = bp->cost < 0.25f;

  for (guint q = 0; q < np && unique; q++)
    if (q != best_p && (pairs[q].i == bp->i || pairs[q].j == bp->j)
        && pairs[q].cost < 2.f * bp->cost)
      unique = FALSE;

  return unique;
}

/* The flock moving like pair @best_p: per unused blob of @a, its
 * cheapest pair within tolerance of that motion, one blob of @b per blob;
 * into @members, their summed cost in @cost; returns how many */
static guint
flock_members (const BlobPair *pairs,
               guint           np,
               guint           na,
               const gboolean *used_a,
               const gboolean *used_b,
               guint           best_p,
               guint          *members,
               double         *cost)
{
  const float du = pairs[best_p].du, dv = pairs[best_p].dv;
  const float tol = MAX (2.f, 0.05f * hypotf (du, dv));
  guint count = 0;

  *cost = 0;
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
      *cost += pairs[bq].cost;
    }

  return count;
}

/* The flock's @count @members as one small object of @an (their mean
 * motion, the box of their blobs in @a grown by 2), its blobs used */
static void
add_flock (InbFlowAnalysis *an,
           const BlobPair  *pairs,
           const guint     *members,
           guint            count,
           const Blob      *ba,
           gboolean        *used_a,
           gboolean        *used_b)
{
  const int w = (int) an->width, h = (int) an->height;
  double su = 0, sv = 0;
  int x0 = w, x1 = -1, y0 = h, y1 = -1;
  InbFlowObject *ob;

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

/* Small objects (birds against the sky, a few pixels) move too far for
 * the flow and are too small for the block matching: blobs that stand
 * out from a smooth background in one keyframe and are gone from there
 * in the other, matched to blobs of the other keyframe by appearance and
 * size within a search radius. Blobs that move alike are one object
 * (a flock); an object needs two blobs, or one clear match. Added to
 * @an->objects while there is room, outside the objects already there. */
void
inb_flow_small_objects (InbFlowAnalysis *an,
                        const double     hm[9])
{
  const InbPlane *a = an->luma0, *b = an->luma1;
  const int w = (int) an->width, h = (int) an->height;
  const float radius = 0.4f * (float) MAX (w, h);
  Blob ba[MAX_BLOBS], bb[MAX_BLOBS];
  BlobPair pairs[4 * MAX_BLOBS];
  gboolean used_a[MAX_BLOBS] = { 0 }, used_b[MAX_BLOBS] = { 0 };
  double hinv[9];
  guint na, nb, np;

  if (an->n_objects >= G_N_ELEMENTS (an->objects) || !inb_mat3_invert (hm, hinv))
    return;
  na = find_blobs (a, b, hm, ba);
  nb = find_blobs (b, a, hinv, bb);
  g_debug ("small objects: %d and %d blobs", (int) na, (int) nb);
  if (na == G_MAXUINT || nb == G_MAXUINT || na == 0 || nb == 0)
    return;

  blobs_of_objects (an, ba, na, bb, nb, used_a, used_b);
  np = pair_blobs (a, b, ba, na, bb, nb, used_a, used_b, radius, pairs, G_N_ELEMENTS (pairs));

  while (an->n_objects < G_N_ELEMENTS (an->objects))
    {
      guint members[MAX_BLOBS];
      guint best_p, support, count;
      double cost;

      best_p = most_shared_motion (pairs, np, na, used_a, used_b, &support);
      if (best_p == G_MAXUINT)
        break;
      if (support < 2 && !lone_pair_is_clear (pairs, np, best_p))
        {
          used_a[pairs[best_p].i] = TRUE;
          continue;
        }
      count = flock_members (pairs, np, na, used_a, used_b, best_p, members, &cost);
      /* blobs change shape (wings): a flock of three or more moving
       * alike is enough; two need to look alike too */
      if (count == 0 || (count == 2 && cost / count > 0.8))
        {
          used_a[pairs[best_p].i] = TRUE;
          continue;
        }
      add_flock (an, pairs, members, count, ba, used_a, used_b);
    }
}

/* The seed of the dense pass on level @level (a small one): per pixel,
 * the global model's flow or the coarse pass's (@cu, @cv, found on level
 * @clevel), whichever matches the images better around the pixel. Large
 * independent motions (an object crossing the frame) come from the coarse
 * pass, which started at the top of the pyramid. */
void
inb_flow_fuse_seed (const InbPlane  *a,
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

  inb_flow_homography_at_level (h0, level, hl);
  if (layer != NULL)
    inb_flow_homography_at_level (layer, level, ll);
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
      object_clusters (a, b, hl, eh, ek, em, mpu, mpv, hu, hv, ku, kv, tmp,
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
