/* inb-fidelity.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-fidelity"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>

#include "inb-export-private.h"
#include "inb-fidelity.h"

/* Per-pixel ΔE is averaged over at most this many pixels (a regular
 * grid): the mean moves by < 0.01 against every pixel at 720p. */
#define MAX_SAMPLES 250000
#define PSNR_IDENTICAL 99.0

/* ------------------------------------------------------------ colour */

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static void
linear_table (double table[256])
{
  for (guint i = 0; i < 256; i++)
    table[i] = srgb_to_linear (i / 255.0);
}

static double
lab_f (double t)
{
  const double e = 216.0 / 24389.0, k = 24389.0 / 27.0;

  return t > e ? cbrt (t) : (k * t + 16.0) / 116.0;
}

/* Linear sRGB (D65) → CIELAB (D65 white). */
static void
linear_to_lab (double r,
               double g,
               double b,
               double lab[3])
{
  double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  double y = (0.2126729 * r + 0.7151522 * g + 0.0721750 * b);
  double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
  double fx = lab_f (x), fy = lab_f (y), fz = lab_f (z);

  lab[0] = 116.0 * fy - 16.0;
  lab[1] = 500.0 * (fx - fy);
  lab[2] = 200.0 * (fy - fz);
}

void
inb_srgb_to_lab (const guint8 rgb[3],
                 double       lab[3])
{
  linear_to_lab (srgb_to_linear (rgb[0] / 255.0), srgb_to_linear (rgb[1] / 255.0),
                 srgb_to_linear (rgb[2] / 255.0), lab);
}

static double
deg (double radians)
{
  return radians * (180.0 / G_PI);
}

static double
rad (double degrees)
{
  return degrees * (G_PI / 180.0);
}

/**
 * inb_ciede2000:
 *
 * CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma, Wu and
 * Dalal (2005), whose test data tests/test-fidelity.c checks.
 */
double
inb_ciede2000 (const double lab1[3],
               const double lab2[3])
{
  double L1 = lab1[0], a1 = lab1[1], b1 = lab1[2];
  double L2 = lab2[0], a2 = lab2[1], b2 = lab2[2];
  double C1 = hypot (a1, b1), C2 = hypot (a2, b2);
  double Cbar = (C1 + C2) / 2.0;
  double Cbar7 = pow (Cbar, 7.0);
  double G = 0.5 * (1.0 - sqrt (Cbar7 / (Cbar7 + pow (25.0, 7.0))));
  double a1p = (1.0 + G) * a1, a2p = (1.0 + G) * a2;
  double C1p = hypot (a1p, b1), C2p = hypot (a2p, b2);
  double h1p = (a1p == 0 && b1 == 0) ? 0 : deg (atan2 (b1, a1p));
  double h2p = (a2p == 0 && b2 == 0) ? 0 : deg (atan2 (b2, a2p));
  double dLp, dCp, dhp, dHp, Lbarp, Cbarp, hbarp, T, dtheta, Cbarp7, RC, SL, SC, SH, RT;

  if (h1p < 0)
    h1p += 360.0;
  if (h2p < 0)
    h2p += 360.0;

  dLp = L2 - L1;
  dCp = C2p - C1p;
  if (C1p * C2p == 0)
    dhp = 0;
  else if (fabs (h2p - h1p) <= 180.0)
    dhp = h2p - h1p;
  else if (h2p - h1p > 180.0)
    dhp = h2p - h1p - 360.0;
  else
    dhp = h2p - h1p + 360.0;
  dHp = 2.0 * sqrt (C1p * C2p) * sin (rad (dhp / 2.0));

  Lbarp = (L1 + L2) / 2.0;
  Cbarp = (C1p + C2p) / 2.0;
  if (C1p * C2p == 0)
    hbarp = h1p + h2p;
  else if (fabs (h1p - h2p) <= 180.0)
    hbarp = (h1p + h2p) / 2.0;
  else if (h1p + h2p < 360.0)
    hbarp = (h1p + h2p + 360.0) / 2.0;
  else
    hbarp = (h1p + h2p - 360.0) / 2.0;

  T = 1.0 - 0.17 * cos (rad (hbarp - 30.0)) + 0.24 * cos (rad (2.0 * hbarp)) +
      0.32 * cos (rad (3.0 * hbarp + 6.0)) - 0.20 * cos (rad (4.0 * hbarp - 63.0));
  dtheta = 30.0 * exp (-pow ((hbarp - 275.0) / 25.0, 2.0));
  Cbarp7 = pow (Cbarp, 7.0);
  RC = 2.0 * sqrt (Cbarp7 / (Cbarp7 + pow (25.0, 7.0)));
  SL = 1.0 + (0.015 * pow (Lbarp - 50.0, 2.0)) / sqrt (20.0 + pow (Lbarp - 50.0, 2.0));
  SC = 1.0 + 0.045 * Cbarp;
  SH = 1.0 + 0.015 * Cbarp * T;
  RT = -sin (rad (2.0 * dtheta)) * RC;

  return sqrt (pow (dLp / SL, 2.0) + pow (dCp / SC, 2.0) + pow (dHp / SH, 2.0) +
               RT * (dCp / SC) * (dHp / SH));
}

/* ------------------------------------------------------------ images */

static InbImage *
image_from_pixbuf (GdkPixbuf *pixbuf)
{
  guint width = (guint) gdk_pixbuf_get_width (pixbuf);
  guint height = (guint) gdk_pixbuf_get_height (pixbuf);
  guint channels = (guint) gdk_pixbuf_get_n_channels (pixbuf);
  gsize stride = (gsize) gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  InbImage *image = inb_image_new (width, height);
  guint8 *dst = inb_image_get_data_mut (image);
  gsize dst_stride = inb_image_get_stride (image);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      memcpy (dst + y * dst_stride + x * 3, src + y * stride + (gsize) x * channels, 3);

  return image;
}

/**
 * inb_fidelity_load_keyframe:
 *
 * Blocking: a keyframe PNG as 8-bit RGB (any alpha dropped: keyframes
 * are stored flattened).
 */
InbImage *
inb_fidelity_load_keyframe (const char  *path,
                            GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;

  pixbuf = gdk_pixbuf_new_from_file (path, &local_error);
  if (pixbuf == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not read the keyframe “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || gdk_pixbuf_get_n_channels (pixbuf) < 3)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("The keyframe “%s” is not an 8-bit colour image"), path);
      return NULL;
    }

  return image_from_pixbuf (pixbuf);
}

/**
 * inb_fidelity_fit_keyframe:
 *
 * Returns: (transfer full): @keyframe at @width × @height — itself when
 *   it already is; else centre-cropped to that shape and resampled.
 */
InbImage *
inb_fidelity_fit_keyframe (InbImage *keyframe,
                           guint     width,
                           guint     height)
{
  guint kw = inb_image_get_width (keyframe), kh = inb_image_get_height (keyframe);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) cropped = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  guint cw = kw, ch = kh;

  if (kw == width && kh == height)
    return inb_image_ref (keyframe);

  /* The largest centred box of the frame's shape. */
  if ((guint64) kw * height > (guint64) kh * width)
    cw = MAX (1, (guint) ((guint64) kh * width / height));
  else
    ch = MAX (1, (guint) ((guint64) kw * height / width));

  pixbuf = gdk_pixbuf_new_from_bytes (inb_image_get_bytes (keyframe), GDK_COLORSPACE_RGB, FALSE, 8,
                                      (int) kw, (int) kh, (int) inb_image_get_stride (keyframe));
  cropped = gdk_pixbuf_new_subpixbuf (pixbuf, (int) (kw - cw) / 2, (int) (kh - ch) / 2, (int) cw, (int) ch);
  scaled = gdk_pixbuf_scale_simple (cropped, (int) width, (int) height, GDK_INTERP_HYPER);

  return image_from_pixbuf (scaled);
}

/**
 * inb_fidelity_compare:
 *
 * PSNR over every pixel; CIEDE2000 per pixel on a regular grid of at most
 * 250 000 pixels; and the CIEDE2000 difference of the two grids' mean
 * CIELAB colours — the cast, insensitive to motion and detail.
 */
void
inb_fidelity_compare (InbImage       *frame,
                      InbImage       *keyframe,
                      InbFidelityEnd *result)
{
  guint width = inb_image_get_width (frame), height = inb_image_get_height (frame);
  g_autoptr(InbImage) key = inb_fidelity_fit_keyframe (keyframe, width, height);
  const guint8 *a = inb_image_get_data (frame), *b = inb_image_get_data (key);
  gsize sa = inb_image_get_stride (frame), sb = inb_image_get_stride (key);
  double table[256];
  double sum_a[3] = { 0 }, sum_b[3] = { 0 }, sum_de = 0;
  guint64 sq = 0, n = 0;
  guint step = 1;

  g_return_if_fail (result != NULL);

  while ((guint64) (width / step) * (height / step) > MAX_SAMPLES)
    step++;
  linear_table (table);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *pa = a + y * sa, *pb = b + y * sb;

      for (guint x = 0; x < width * 3; x++)
        {
          int d = (int) pa[x] - (int) pb[x];
          sq += (guint64) (d * d);
        }

      if (y % step != 0)
        continue;
      for (guint x = 0; x < width; x += step)
        {
          const guint8 *ca = pa + x * 3, *cb = pb + x * 3;
          double la[3], lb[3];

          linear_to_lab (table[ca[0]], table[ca[1]], table[ca[2]], la);
          linear_to_lab (table[cb[0]], table[cb[1]], table[cb[2]], lb);
          sum_de += inb_ciede2000 (la, lb);
          for (guint c = 0; c < 3; c++)
            {
              sum_a[c] += la[c];
              sum_b[c] += lb[c];
            }
          n++;
        }
    }

  if (sq == 0)
    result->psnr = PSNR_IDENTICAL;
  else
    result->psnr = MIN (PSNR_IDENTICAL,
                        10.0 * log10 (255.0 * 255.0 / ((double) sq / ((double) width * height * 3))));
  result->mean_delta_e = sum_de / MAX (n, 1);
  for (guint c = 0; c < 3; c++)
    {
      sum_a[c] /= MAX (n, 1);
      sum_b[c] /= MAX (n, 1);
    }
  result->colour_shift = inb_ciede2000 (sum_a, sum_b);
}

/* ------------------------------------------------------------ measuring */

/* Decodes @clip's first and last frames exactly (16-bit conversion), and
 * with @middle its middle frame, in one pass. @n_frames: the frame count
 * when the caller knows it (0: counted first). */
static gboolean
read_ends (const char    *clip,
           guint          known_frames,
           InbImage     **first,
           InbImage     **last,
           InbImage     **middle,
           guint         *n_frames,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(InbExportSource) source = NULL;
  g_autoptr(InbImage) mid = NULL;
  InbClipInfo info = { known_frames, };
  guint wanted[3];
  guint n_wanted = 0;

  if (known_frames == 0 && !_inb_export_probe_clip (clip, &info, cancellable, error))
    return FALSE;

  /* 0, the middle, the last: sorted and distinct */
  wanted[n_wanted++] = 0;
  if (middle != NULL && info.n_frames / 2 > 0 && info.n_frames / 2 < info.n_frames - 1)
    wanted[n_wanted++] = info.n_frames / 2;
  if (info.n_frames > 1)
    wanted[n_wanted++] = info.n_frames - 1;

  source = _inb_export_source_new (clip, 0, 0, INB_EXPORT_SOURCE_PRECISE, wanted, n_wanted, error);
  if (source == NULL)
    return FALSE;

  for (guint i = 0; i < n_wanted; i++)
    {
      InbImage *image = _inb_export_source_next (source, NULL, cancellable, error);

      if (image == NULL)
        goto fail;
      if (wanted[i] == 0)
        *first = image;
      else if (wanted[i] == info.n_frames - 1)
        *last = image;
      else
        mid = image;
    }

  if (*last == NULL)
    *last = inb_image_ref (*first);
  if (middle != NULL)
    *middle = mid != NULL ? g_steal_pointer (&mid) : inb_image_ref (*first);
  *n_frames = info.n_frames;
  return TRUE;

fail:
  g_clear_pointer (first, inb_image_unref);
  g_clear_pointer (last, inb_image_unref);
  if (error != NULL && *error == NULL)
    g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                 _("The clip “%s” ended before its last frame could be read"), clip);
  return FALSE;
}

static void
compare_ends (InbImage     *clip_first,
              InbImage     *key_first,
              InbImage     *clip_last,
              InbImage     *key_last,
              guint         n_frames,
              InbFidelity  *result)
{
  inb_fidelity_compare (clip_first, key_first, &result->first);
  inb_fidelity_compare (clip_last, key_last, &result->last);
  result->n_frames = n_frames;
  result->drift = MAX (result->first.colour_shift, result->last.colour_shift) > INB_FIDELITY_DRIFT_THRESHOLD;
}

/**
 * inb_fidelity_measure_clip:
 * @n_frames: the clip's frame count when known (it saves a pass), else 0
 * @middle: (out) (optional) (transfer full): its middle frame, decoded in
 *   the same pass (a take's thumbnail)
 *
 * inb_fidelity_measure() for the end of a take: one decoding pass.
 */
gboolean
inb_fidelity_measure_clip (const char    *clip,
                           guint          n_frames,
                           const char    *first_png,
                           const char    *last_png,
                           InbFidelity   *result,
                           InbImage     **middle,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(InbImage) clip_first = NULL;
  g_autoptr(InbImage) clip_last = NULL;
  g_autoptr(InbImage) key_first = NULL;
  g_autoptr(InbImage) key_last = NULL;
  guint counted = 0;

  g_return_val_if_fail (clip != NULL && first_png != NULL && last_png != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (!(key_first = inb_fidelity_load_keyframe (first_png, error)) ||
      !(key_last = inb_fidelity_load_keyframe (last_png, error)) ||
      !read_ends (clip, n_frames, &clip_first, &clip_last, middle, &counted, cancellable, error))
    return FALSE;

  compare_ends (clip_first, key_first, clip_last, key_last, counted, result);
  return TRUE;
}

/**
 * inb_fidelity_measure_frames:
 * @clip_first: the clip's first frame, decoded as inb_fidelity_measure()
 *   decodes it (16-bit conversion, the stream's colorimetry honoured)
 * @clip_last: its last frame, the same way
 * @n_frames: the clip's frame count
 * @key_first: the first keyframe as sent (what the take's first.png holds)
 * @key_last: the last keyframe as sent
 *
 * inb_fidelity_measure() for a clip whose ends are decoded already (the
 * local backend keeps them while it verifies the clip) and keyframes in
 * memory: nothing is read or decoded.
 */
void
inb_fidelity_measure_frames (InbImage     *clip_first,
                             InbImage     *clip_last,
                             guint         n_frames,
                             InbImage     *key_first,
                             InbImage     *key_last,
                             InbFidelity  *result)
{
  g_return_if_fail (clip_first != NULL && clip_last != NULL);
  g_return_if_fail (key_first != NULL && key_last != NULL);
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  compare_ends (clip_first, key_first, clip_last, key_last, n_frames, result);
}

gboolean
inb_fidelity_measure (const char    *clip,
                      const char    *first_png,
                      const char    *last_png,
                      InbFidelity   *result,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return inb_fidelity_measure_clip (clip, 0, first_png, last_png, result, NULL, cancellable, error);
}

typedef struct
{
  char *clip;
  char *first;
  char *last;
} MeasureData;

static void
measure_data_free (MeasureData *data)
{
  g_free (data->clip);
  g_free (data->first);
  g_free (data->last);
  g_free (data);
}

static void
measure_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  MeasureData *data = task_data;
  InbFidelity *fidelity = g_new0 (InbFidelity, 1);
  GError *error = NULL;

  if (inb_fidelity_measure (data->clip, data->first, data->last, fidelity, cancellable, &error))
    g_task_return_pointer (task, fidelity, g_free);
  else
    {
      g_free (fidelity);
      g_task_return_error (task, error);
    }
}

void
inb_fidelity_measure_take_async (InbTake             *take,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  MeasureData *data;

  g_return_if_fail (INB_IS_TAKE (take));

  data = g_new0 (MeasureData, 1);
  data->clip = inb_take_dup_clip_path (take);
  data->first = g_build_filename (inb_take_get_dir (take), "first.png", NULL);
  data->last = g_build_filename (inb_take_get_dir (take), "last.png", NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_fidelity_measure_take_async);
  g_task_set_task_data (task, data, (GDestroyNotify) measure_data_free);
  g_task_run_in_thread (task, measure_thread);
}

gboolean
inb_fidelity_measure_take_finish (GAsyncResult  *result,
                                  InbFidelity   *fidelity,
                                  GError       **error)
{
  g_autofree InbFidelity *value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (fidelity != NULL, FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  *fidelity = *value;
  return TRUE;
}

/* ------------------------------------------------------------ JSON */

static double
round_to (double value,
          double unit)
{
  return floor (value / unit + 0.5) * unit;
}

static JsonObject *
end_to_json (const InbFidelityEnd *end)
{
  JsonObject *object = json_object_new ();

  json_object_set_double_member (object, "psnr", round_to (end->psnr, 0.01));
  json_object_set_double_member (object, "mean_delta_e", round_to (end->mean_delta_e, 0.001));
  json_object_set_double_member (object, "colour_shift", round_to (end->colour_shift, 0.001));
  return object;
}

/**
 * inb_fidelity_to_json:
 *
 * Returns: (transfer full): `{"version": 1, "first": {"psnr", "mean_delta_e",
 *   "colour_shift"}, "last": {…}, "frames": N, "drift": bool,
 *   "drift_threshold": 3.0}`
 */
JsonObject *
inb_fidelity_to_json (const InbFidelity *fidelity)
{
  JsonObject *object;

  g_return_val_if_fail (fidelity != NULL, NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "version", INB_FIDELITY_VERSION);
  json_object_set_object_member (object, "first", end_to_json (&fidelity->first));
  json_object_set_object_member (object, "last", end_to_json (&fidelity->last));
  json_object_set_int_member (object, "frames", fidelity->n_frames);
  json_object_set_boolean_member (object, "drift", fidelity->drift);
  json_object_set_double_member (object, "drift_threshold", INB_FIDELITY_DRIFT_THRESHOLD);
  return object;
}

static gboolean
get_number (JsonObject *object,
            const char *member,
            double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static gboolean
end_from_json (JsonObject     *object,
               const char     *member,
               InbFidelityEnd *end)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  o = json_node_get_object (node);
  return get_number (o, "psnr", &end->psnr) &&
         get_number (o, "mean_delta_e", &end->mean_delta_e) &&
         get_number (o, "colour_shift", &end->colour_shift);
}

gboolean
inb_fidelity_from_json (JsonObject   *object,
                        InbFidelity  *fidelity,
                        GError      **error)
{
  double version = 0, frames = 0;

  g_return_val_if_fail (fidelity != NULL, FALSE);

  memset (fidelity, 0, sizeof *fidelity);
  if (object == NULL || !get_number (object, "version", &version) ||
      version < 1 || version > INB_FIDELITY_VERSION ||
      !end_from_json (object, "first", &fidelity->first) ||
      !end_from_json (object, "last", &fidelity->last))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("The take’s fidelity record is missing, damaged or from a newer Inbetween"));
      return FALSE;
    }
  if (get_number (object, "frames", &frames) && frames >= 0 && frames < G_MAXUINT)
    fidelity->n_frames = (guint) frames;
  /* Recomputed, so a record made with another threshold reads consistently. */
  fidelity->drift = MAX (fidelity->first.colour_shift, fidelity->last.colour_shift) > INB_FIDELITY_DRIFT_THRESHOLD;
  return TRUE;
}

/* ------------------------------------------------------------ colour-match */

struct _InbColourMatch
{
  float curves[2][3][256];   /* [end][channel][value] → corrected value */
};

/* Pool-adjacent-violators: the weighted least-squares non-decreasing fit. */
static void
make_monotone (double *value,
               double *weight,
               guint   n)
{
  g_autofree double *v = g_new (double, n);
  g_autofree double *w = g_new (double, n);
  g_autofree guint *len = g_new (guint, n);
  guint top = 0;

  for (guint i = 0; i < n; i++)
    {
      v[top] = value[i];
      w[top] = weight[i];
      len[top] = 1;
      top++;
      while (top > 1 && v[top - 2] > v[top - 1])
        {
          double ws = w[top - 2] + w[top - 1];

          v[top - 2] = ws > 0 ? (v[top - 2] * w[top - 2] + v[top - 1] * w[top - 1]) / ws
                              : (v[top - 2] + v[top - 1]) / 2;
          w[top - 2] = ws;
          len[top - 2] += len[top - 1];
          top--;
        }
    }

  for (guint b = 0, i = 0; b < top; b++)
    for (guint k = 0; k < len[b]; k++)
      value[i++] = v[b];
}

/* The tone curve that best maps @frame's channel @c onto @key's at the
 * same pixels: the mean keyframe value for each frame value, smoothed
 * over neighbouring values, trusted in proportion to how many pixels
 * back it (identity where there are none), and made non-decreasing so no
 * tone is inverted. */
static void
fit_curve (InbImage *frame,
           InbImage *key,
           guint     c,
           float     curve[256])
{
  guint width = inb_image_get_width (frame), height = inb_image_get_height (frame);
  const guint8 *a = inb_image_get_data (frame), *b = inb_image_get_data (key);
  gsize sa = inb_image_get_stride (frame), sb = inb_image_get_stride (key);
  double sum[256] = { 0 }, count[256] = { 0 };
  double value[256], weight[256];
  const int radius = 4;
  /* Pixels a value needs before its own mean outweighs the identity. */
  const double prior = 8.0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 v = a[y * sa + x * 3 + c];

        sum[v] += b[y * sb + x * 3 + c];
        count[v] += 1;
      }

  for (int v = 0; v < 256; v++)
    {
      double s = 0, n = 0;

      for (int d = -radius; d <= radius; d++)
        {
          int u = v + d;
          double k = 1.0 - fabs ((double) d) / (radius + 1);

          if (u < 0 || u > 255)
            continue;
          /* The neighbour's mean, shifted to this value. */
          s += k * (sum[u] - d * count[u]);
          n += k * count[u];
        }
      value[v] = (s + prior * v) / (n + prior);
      weight[v] = n + prior;
    }

  make_monotone (value, weight, 256);
  for (guint v = 0; v < 256; v++)
    curve[v] = (float) CLAMP (value[v], 0.0, 255.0);
}

/**
 * inb_colour_match_new:
 *
 * Returns: (transfer full): the correction, or %NULL when the sizes differ
 */
InbColourMatch *
inb_colour_match_new (InbImage *clip_first,
                      InbImage *key_first,
                      InbImage *clip_last,
                      InbImage *key_last)
{
  InbColourMatch *match;
  InbImage *frames[2] = { clip_first, clip_last };
  InbImage *keys[2] = { key_first, key_last };

  for (guint e = 0; e < 2; e++)
    g_return_val_if_fail (inb_image_get_width (frames[e]) == inb_image_get_width (keys[e]) &&
                          inb_image_get_height (frames[e]) == inb_image_get_height (keys[e]), NULL);

  match = g_new0 (InbColourMatch, 1);
  for (guint e = 0; e < 2; e++)
    for (guint c = 0; c < 3; c++)
      fit_curve (frames[e], keys[e], c, match->curves[e][c]);

  return match;
}

/**
 * inb_colour_match_apply:
 *
 * Returns: (transfer full): @frame with the curves of both ends blended
 *   by @t (0 = all of the first end's, 1 = all of the last end's)
 */
InbImage *
inb_colour_match_apply (InbColourMatch *match,
                        double          t,
                        InbImage       *frame)
{
  guint width = inb_image_get_width (frame), height = inb_image_get_height (frame);
  InbImage *out = inb_image_new (width, height);
  const guint8 *src = inb_image_get_data (frame);
  guint8 *dst = inb_image_get_data_mut (out);
  gsize ss = inb_image_get_stride (frame), ds = inb_image_get_stride (out);
  guint8 lut[3][256];

  g_return_val_if_fail (match != NULL, out);

  t = CLAMP (t, 0.0, 1.0);
  for (guint c = 0; c < 3; c++)
    for (guint v = 0; v < 256; v++)
      {
        double value = (1.0 - t) * match->curves[0][c][v] + t * match->curves[1][c][v];
        lut[c][v] = (guint8) CLAMP (floor (value + 0.5), 0, 255);
      }

  for (guint y = 0; y < height; y++)
    {
      const guint8 *s = src + y * ss;
      guint8 *d = dst + y * ds;

      for (guint x = 0; x < width; x++)
        {
          d[x * 3] = lut[0][s[x * 3]];
          d[x * 3 + 1] = lut[1][s[x * 3 + 1]];
          d[x * 3 + 2] = lut[2][s[x * 3 + 2]];
        }
    }

  return out;
}

void
inb_colour_match_free (InbColourMatch *match)
{
  g_free (match);
}
