/* inb-export-gif.c — animated GIF: libimagequant palette, giflib writer
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gif_lib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libimagequant.h>

#include "inb-export-private.h"

/*
 * One palette for the whole clip: every frame goes into one
 * libimagequant histogram as it arrives, the histogram is quantised to
 * 255 colours once (perceptual, not a fixed web palette), and each frame
 * is mapped to it with serpentine Floyd–Steinberg dithering through a
 * 64×64×64 nearest-colour table (libimagequant's own remapping is several
 * times slower and was most of a GIF's time). One palette means no
 * palette flicker between frames; a first–last-frame clip moves between
 * two images, so one palette fits it. Index 255 is transparent: a pixel
 * whose index equals what the previous frame left on the canvas is not
 * sent again, and each frame is cropped to the box that changed. Where
 * the picture stands still the shown pixel is kept, so the dithering
 * does not shimmer (and a 480 px GIF of a sample take is a third of the
 * size).
 */

#define TRANSPARENT 255
/* libimagequant's speed 1 (best) … 10 (fastest): at 8 the palette of an
 * 81-frame clip takes 0.2 s instead of 1.3 s at 4, for the same look once
 * dithered. */
#define LIQ_SPEED   8
/* Accumulated dithering error is clamped to this (of 255): no streaks. */
#define MAX_ERROR   48
#define LUT_BITS    6
/* Of each pixel's error, 13/16 is passed on: full Floyd–Steinberg
 * speckles smooth gradients with far colours; at 13/16 a 480 px frame of
 * the sample clip is 36.6 dB from the source against 34.7 at 16/16, and
 * the GIF 26 % smaller (measured on the sample take, frame 40). */
#define ERROR_SHARE 13
/* A pixel whose colour moved by at most this (of 255) on every channel
 * since it was last drawn stays as drawn. On the sample take at 480 px:
 * 3.62 → 1.35 MB, frames 0.4 dB further from the source, no trails. */
#define STILL       3
#define LUT_SIZE    (1 << (3 * LUT_BITS))

typedef struct
{
  InbExportSink  parent;

  InbExportSinkParams params;
  char          *path;
  char          *metadata;
  liq_attr      *attr;
  liq_histogram *histogram;
  GPtrArray     *frames;       /* of InbImage */
} GifSink;

static void
image_unref_nullable (gpointer image)
{
  if (image != NULL)
    inb_image_unref (image);
}

static void
row_callback (liq_color  row_out[],
              int        row,
              int        width,
              void      *user_info)
{
  InbImage *image = user_info;
  const guint8 *src = inb_image_get_data (image) + (gsize) row * inb_image_get_stride (image);

  for (int x = 0; x < width; x++)
    {
      row_out[x].r = src[x * 3];
      row_out[x].g = src[x * 3 + 1];
      row_out[x].b = src[x * 3 + 2];
      row_out[x].a = 255;
    }
}

static liq_image *
liq_image_for (GifSink  *self,
               InbImage *frame)
{
  return liq_image_create_custom (self->attr, row_callback, frame,
                                  (int) inb_image_get_width (frame),
                                  (int) inb_image_get_height (frame), 0.0);
}

static gboolean
gif_sink_push (InbExportSink  *sink,
               InbImage       *frame,
               GError        **error)
{
  GifSink *self = (GifSink *) sink;
  liq_image *image = liq_image_for (self, frame);
  liq_error ret;

  if (image == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("The GIF palette could not be made"));
      return FALSE;
    }
  ret = liq_histogram_add_image (self->histogram, self->attr, image);
  liq_image_destroy (image);
  if (ret != LIQ_OK)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("The GIF palette could not be made (libimagequant error %d)"), (int) ret);
      return FALSE;
    }

  g_ptr_array_add (self->frames, inb_image_ref (frame));
  return TRUE;
}

static gboolean
gif_failed (GifFileType  *gif,
            int           code,
            GError      **error)
{
  int errsv = errno;   /* what the failed write or close said */
  int gif_code = gif != NULL ? gif->Error : code;
  const char *text = GifErrorString (gif_code);

  /* giflib's own text ("Failed to write to given file") does not say why */
  if ((gif_code == E_GIF_ERR_WRITE_FAILED || gif_code == E_GIF_ERR_CLOSE_FAILED) && errsv != 0)
    g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                 _("Could not write the GIF: %s (%s)"), text ? text : "?", g_strerror (errsv));
  else
    g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                 _("Could not write the GIF: %s"), text ? text : "?");
  return FALSE;
}

/* The loop extension: absent = play once; 0 = forever; n = n more times. */
static gboolean
put_loop (GifFileType *gif,
          guint        plays)
{
  guint8 params[3];
  guint repeats;

  if (plays == 1)
    return TRUE;
  repeats = plays == 0 ? 0 : MIN (plays - 1, 65535);
  params[0] = 1;
  params[1] = repeats & 0xff;
  params[2] = (repeats >> 8) & 0xff;

  return EGifPutExtensionLeader (gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock (gif, 11, "NETSCAPE2.0") == GIF_OK &&
         EGifPutExtensionBlock (gif, 3, params) == GIF_OK &&
         EGifPutExtensionTrailer (gif) == GIF_OK;
}

/* Frames are mapped to the palette by a thread per core, through one
 * table of the nearest palette entry for each 6-bit-per-channel colour;
 * the calling thread writes them in order as they are done. */
typedef struct
{
  GifSink      *sink;
  guint         n_threads;
  guint8        palette[256][3];
  guint         n_colours;
  guint8       *lut;          /* LUT_SIZE nearest indices */
  guint8      **indices;      /* per frame, NULL until mapped */
  GMutex        mutex;
  GCond         cond;
  gboolean      stop;
} Remap;

typedef struct
{
  Remap *remap;
  guint  thread;
} RemapWorker;

static void
build_lut (Remap *remap)
{
  const int half = 1 << (7 - LUT_BITS);   /* the cell's centre */

  for (guint r = 0; r < (1u << LUT_BITS); r++)
    for (guint g = 0; g < (1u << LUT_BITS); g++)
      for (guint b = 0; b < (1u << LUT_BITS); b++)
        {
          int cr = (int) (r << (8 - LUT_BITS)) + half;
          int cg = (int) (g << (8 - LUT_BITS)) + half;
          int cb = (int) (b << (8 - LUT_BITS)) + half;
          int best = G_MAXINT;
          guint8 index = 0;

          for (guint i = 0; i < remap->n_colours; i++)
            {
              int dr = cr - remap->palette[i][0];
              int dg = cg - remap->palette[i][1];
              int db = cb - remap->palette[i][2];
              int d = dr * dr + dg * dg + db * db;

              if (d < best)
                {
                  best = d;
                  index = (guint8) i;
                }
            }
          remap->lut[(r << (2 * LUT_BITS)) | (g << LUT_BITS) | b] = index;
        }
}

static inline int
clamp_byte (int v)
{
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* Serpentine Floyd–Steinberg into @out. */
static void
dither_frame (Remap    *remap,
              InbImage *frame,
              guint8   *out)
{
  guint width = inb_image_get_width (frame), height = inb_image_get_height (frame);
  const guint8 *data = inb_image_get_data (frame);
  gsize stride = inb_image_get_stride (frame);
  g_autofree int *errors = g_new0 (int, (gsize) (width + 2) * 3 * 2);
  int *cur = errors, *next = errors + (width + 2) * 3;

  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = data + y * stride;
      gboolean forward = (y % 2) == 0;
      int dir = forward ? 1 : -1;

      memset (next, 0, sizeof (int) * (width + 2) * 3);
      for (guint i = 0; i < width; i++)
        {
          int x = (int) (forward ? i : width - 1 - i);
          int *e = cur + (x + 1) * 3;
          int c[3], q[3];
          guint8 index;

          for (guint k = 0; k < 3; k++)
            c[k] = clamp_byte (row[x * 3 + k] + CLAMP ((e[k] + 8) >> 4, -MAX_ERROR, MAX_ERROR));
          index = remap->lut[((guint) (c[0] >> (8 - LUT_BITS)) << (2 * LUT_BITS)) |
                             ((guint) (c[1] >> (8 - LUT_BITS)) << LUT_BITS) |
                             (guint) (c[2] >> (8 - LUT_BITS))];
          out[(gsize) y * width + x] = index;

          for (int k = 0; k < 3; k++)
            {
              /* Errors in sixteenths: 7 ahead, 3 behind below, 5 below, 1 ahead below. */
              q[k] = (c[k] - remap->palette[index][k]) * ERROR_SHARE / 16;
              e[dir * 3 + k] += q[k] * 7;
              next[(x + 1 - dir) * 3 + k] += q[k] * 3;
              next[(x + 1) * 3 + k] += q[k] * 5;
              next[(x + 1 + dir) * 3 + k] += q[k];
            }
        }

      {
        int *swap = cur;
        cur = next;
        next = swap;
      }
    }
}

static gpointer
remap_thread (gpointer data)
{
  RemapWorker *worker = data;
  Remap *remap = worker->remap;
  GifSink *self = remap->sink;
  gsize n_pixels = (gsize) self->params.width * self->params.height;

  for (guint f = worker->thread; f < self->frames->len; f += remap->n_threads)
    {
      guint8 *indices;
      gboolean stop;

      g_mutex_lock (&remap->mutex);
      stop = remap->stop;
      g_mutex_unlock (&remap->mutex);
      if (stop)
        break;

      indices = g_malloc (n_pixels);
      dither_frame (remap, g_ptr_array_index (self->frames, f), indices);

      g_mutex_lock (&remap->mutex);
      remap->indices[f] = indices;
      g_cond_broadcast (&remap->cond);
      g_mutex_unlock (&remap->mutex);
    }

  return NULL;
}

/* The palette (at most 255 colours: 255 is the transparent index) made
 * from every frame's histogram, into @remap and @colours, with its table
 * of nearest entries; FALSE if it could not be made */
static gboolean
make_palette (GifSink       *self,
              Remap         *remap,
              GifColorType   colours[256],
              liq_result   **result,
              GError       **error)
{
  const liq_palette *palette;

  if (liq_histogram_quantize (self->histogram, self->attr, result) != LIQ_OK)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("The GIF palette could not be made"));
      return FALSE;
    }
  palette = liq_get_palette (*result);
  remap->n_colours = MIN (palette->count, 255);
  for (guint i = 0; i < remap->n_colours; i++)
    {
      colours[i].Red = remap->palette[i][0] = palette->entries[i].r;
      colours[i].Green = remap->palette[i][1] = palette->entries[i].g;
      colours[i].Blue = remap->palette[i][2] = palette->entries[i].b;
    }
  remap->lut = g_malloc (LUT_SIZE);
  build_lut (remap);

  return TRUE;
}

static void
remap_threads_start (Remap       *remap,
                     GThread    **threads,
                     RemapWorker *workers)
{
  for (guint t = 0; t < remap->n_threads; t++)
    {
      workers[t].remap = remap;
      workers[t].thread = t;
      threads[t] = g_thread_new ("inb-gif-remap", remap_thread, &workers[t]);
    }
}

static void
remap_threads_stop (Remap    *remap,
                    GThread **threads)
{
  g_mutex_lock (&remap->mutex);
  remap->stop = TRUE;
  g_mutex_unlock (&remap->mutex);
  for (guint t = 0; t < remap->n_threads; t++)
    if (threads[t] != NULL)
      g_thread_join (threads[t]);
}

/* Frame @f's palette indices, once a thread has mapped them (the caller
 * owns them) */
static guint8 *
remap_wait (Remap *remap,
            guint  f)
{
  guint8 *indices;

  g_mutex_lock (&remap->mutex);
  while (remap->indices[f] == NULL)
    g_cond_wait (&remap->cond, &remap->mutex);
  indices = g_steal_pointer (&remap->indices[f]);
  g_mutex_unlock (&remap->mutex);

  return indices;
}

/* @self's file as a GIF in *@gif (which owns the file from then on; the
 * caller closes it), with its screen of @map's colours, the loop and the
 * take's settings */
static gboolean
gif_open (GifSink         *self,
          ColorMapObject  *map,
          GifFileType    **gif,
          GError         **error)
{
  int fd, code = 0;

  fd = g_open (self->path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                   _("Could not write “%s”: %s"), self->path, g_strerror (errsv));
      return FALSE;
    }
  *gif = EGifOpenFileHandle (fd, &code);   /* owns fd from here */
  if (*gif == NULL)
    {
      close (fd);
      return gif_failed (NULL, code, error);
    }
  EGifSetGifVersion (*gif, TRUE);

  if (EGifPutScreenDesc (*gif, (int) self->params.width, (int) self->params.height, 8, 0, map) != GIF_OK ||
      !put_loop (*gif, self->params.loop) ||
      (self->metadata != NULL && EGifPutComment (*gif, self->metadata) != GIF_OK))
    return gif_failed (*gif, 0, error);

  return TRUE;
}

/* Where the picture stands still, keep what is shown: the new frame's
 * dithering would differ pixel by pixel (shimmer, and bytes). "Still" is
 * measured against the colour the shown pixel was made for (@shown), so
 * a slow change still gets through. */
static void
keep_still (InbImage     *frame,
            guint         f,
            guint         width,
            guint         height,
            guint8       *indices,
            const guint8 *canvas,
            guint8       *shown)
{
  const guint8 *src = inb_image_get_data (frame);
  gsize stride = inb_image_get_stride (frame);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        gsize i = (gsize) y * width + x;
        const guint8 *p = src + y * stride + x * 3;
        guint8 *q = shown + i * 3;

        if (f > 0 && ABS (p[0] - q[0]) <= STILL && ABS (p[1] - q[1]) <= STILL && ABS (p[2] - q[2]) <= STILL)
          indices[i] = canvas[i];
        else if (f == 0 || indices[i] != canvas[i])
          memcpy (q, p, 3);
      }
}

/* The box (x0, y0, x1, y1, half-open) where @indices differ from
 * @canvas; nothing changed: one pixel, which keeps the timing */
static void
changed_box (const guint8 *indices,
             const guint8 *canvas,
             guint         width,
             guint         height,
             guint         box[4])
{
  guint x0 = width, y0 = height, x1 = 0, y1 = 0;

  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = indices + (gsize) y * width, *old = canvas + (gsize) y * width;
      guint first = 0, last = width;

      while (first < width && row[first] == old[first])
        first++;
      if (first == width)
        continue;
      while (last > first && row[last - 1] == old[last - 1])
        last--;
      x0 = MIN (x0, first);
      x1 = MAX (x1, last);
      y0 = MIN (y0, y);
      y1 = y + 1;
    }
  if (x1 == 0)
    x0 = y0 = 0, x1 = y1 = 1;
  box[0] = x0;
  box[1] = y0;
  box[2] = x1;
  box[3] = y1;
}

/* The pixels of @box into @patch, the canvas brought up to date: after
 * the first frame, what the canvas shows already is transparent */
static void
fill_patch (const guint8 *indices,
            guint8       *canvas,
            guint         f,
            guint         width,
            const guint   box[4],
            guint8       *patch)
{
  const guint x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];

  for (guint y = y0; y < y1; y++)
    for (guint x = x0; x < x1; x++)
      {
        gsize i = (gsize) y * width + x;
        guint8 value = indices[i];

        if (f > 0 && value == canvas[i])
          value = TRANSPARENT;
        else
          canvas[i] = value;
        patch[(gsize) (y - y0) * (x1 - x0) + (x - x0)] = value;
      }
}

/* Frame @f's delay in hundredths of a second, rounded so they add up
 * exactly */
static int
frame_delay (const InbExportSinkParams *params,
             guint                      f)
{
  guint64 t0 = (guint64) f * 100 * params->fps_d;
  guint64 t1 = (guint64) (f + 1) * 100 * params->fps_d;

  return (int) ((t1 + params->fps_n / 2) / params->fps_n - (t0 + params->fps_n / 2) / params->fps_n);
}

static gboolean
put_frame (GifFileType                *gif,
           const GraphicsControlBlock *gcb,
           const guint                 box[4],
           const guint8               *patch,
           GError                    **error)
{
  const guint x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
  guint8 extension[4];

  EGifGCBToExtension (gcb, extension);
  if (EGifPutExtension (gif, GRAPHICS_EXT_FUNC_CODE, 4, extension) != GIF_OK ||
      EGifPutImageDesc (gif, (int) x0, (int) y0, (int) (x1 - x0), (int) (y1 - y0), FALSE, NULL) != GIF_OK ||
      EGifPutLine (gif, (GifPixelType *) patch, (int) ((x1 - x0) * (y1 - y0))) != GIF_OK)
    return gif_failed (gif, 0, error);

  return TRUE;
}

/* Every frame, in order, as its threads map them: each one only where
 * it changes what is shown, the rest transparent */
static gboolean
write_frames (GifSink      *self,
              GifFileType  *gif,
              Remap        *remap,
              GError      **error)
{
  guint width = self->params.width, height = self->params.height;
  gsize n_pixels = (gsize) width * height;
  g_autofree guint8 *canvas = g_malloc (n_pixels);
  g_autofree guint8 *shown = g_malloc (n_pixels * 3);   /* the source colour each canvas pixel was made for */
  g_autofree guint8 *patch = g_malloc (n_pixels);

  for (guint f = 0; f < self->frames->len; f++)
    {
      GraphicsControlBlock gcb = { DISPOSE_DO_NOT, FALSE, 0, NO_TRANSPARENT_COLOR };
      guint box[4] = { 0, 0, width, height };   /* the changed box, half-open */
      g_autofree guint8 *indices = NULL;

      if (g_cancellable_set_error_if_cancelled (self->params.cancellable, error))
        return FALSE;

      indices = remap_wait (remap, f);
      keep_still (g_ptr_array_index (self->frames, f), f, width, height, indices, canvas, shown);

      /* The frame is mapped: let it go. */
      g_clear_pointer (&g_ptr_array_index (self->frames, f), inb_image_unref);

      if (f > 0)
        {
          changed_box (indices, canvas, width, height, box);
          gcb.TransparentColor = TRANSPARENT;
        }
      fill_patch (indices, canvas, f, width, box, patch);
      gcb.DelayTime = frame_delay (&self->params, f);
      if (!put_frame (gif, &gcb, box, patch, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
gif_sink_finish (InbExportSink  *sink,
                 GError        **error)
{
  GifSink *self = (GifSink *) sink;
  guint n_frames = self->frames->len;
  GifColorType colours[256] = { { 0 } };
  ColorMapObject *map = NULL;
  GifFileType *gif = NULL;
  g_autofree GThread **threads = NULL;
  g_autofree RemapWorker *workers = NULL;
  Remap remap = { 0 };
  liq_result *result = NULL;
  int code = 0;
  gboolean ok = FALSE;

  if (n_frames == 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("No frames were written"));
      return FALSE;
    }

  remap.sink = self;
  remap.n_threads = CLAMP (g_get_num_processors (), 1, 8);
  remap.n_threads = MIN (remap.n_threads, n_frames);
  remap.indices = g_new0 (guint8 *, n_frames);
  g_mutex_init (&remap.mutex);
  g_cond_init (&remap.cond);

  if (!make_palette (self, &remap, colours, &result, error))
    goto out;
  map = GifMakeMapObject (256, colours);

  threads = g_new0 (GThread *, remap.n_threads);
  workers = g_new0 (RemapWorker, remap.n_threads);
  remap_threads_start (&remap, threads, workers);

  ok = gif_open (self, map, &gif, error) && write_frames (self, gif, &remap, error);

out:
  if (threads != NULL)
    remap_threads_stop (&remap, threads);
  if (gif != NULL && EGifCloseFile (gif, &code) != GIF_OK && ok)
    ok = gif_failed (NULL, code, error);
  if (map != NULL)
    GifFreeMapObject (map);
  if (result != NULL)
    liq_result_destroy (result);
  for (guint f = 0; f < n_frames; f++)
    g_free (remap.indices[f]);
  g_free (remap.indices);
  g_free (remap.lut);
  g_mutex_clear (&remap.mutex);
  g_cond_clear (&remap.cond);
  return ok;
}

static void
gif_sink_free (InbExportSink *sink)
{
  GifSink *self = (GifSink *) sink;

  if (self->histogram != NULL)
    liq_histogram_destroy (self->histogram);
  if (self->attr != NULL)
    liq_attr_destroy (self->attr);
  g_clear_pointer (&self->frames, g_ptr_array_unref);
  g_clear_object (&self->params.cancellable);
  g_free (self->path);
  g_free (self->metadata);
  g_free (self);
}

InbExportSink *
_inb_export_sink_new_gif (const InbExportSinkParams  *params,
                          GError                    **error)
{
  GifSink *self;

  if (params->width > 65535 || params->height > 65535)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("A GIF can be at most 65535 pixels wide and high"));
      return NULL;
    }

  self = g_new0 (GifSink, 1);
  self->parent.push = gif_sink_push;
  self->parent.finish = gif_sink_finish;
  self->parent.free = gif_sink_free;
  self->params = *params;
  self->path = g_strdup (params->path);
  self->metadata = g_strdup (params->metadata);
  self->params.path = self->path;
  self->params.metadata = self->metadata;
  if (params->cancellable != NULL)
    g_object_ref (params->cancellable);
  self->frames = g_ptr_array_new_with_free_func (image_unref_nullable);
  self->attr = liq_attr_create ();
  liq_set_max_colors (self->attr, 255);   /* 255 is the transparent index */
  liq_set_speed (self->attr, LIQ_SPEED);
  self->histogram = liq_histogram_create (self->attr);

  return (InbExportSink *) self;
}

/**
 * _inb_export_read_gif_text:
 *
 * Blocking: the first comment extension holding Inbetween's settings;
 * image data is skipped, not decoded.
 */
char *
_inb_export_read_gif_text (const char  *path,
                           GError     **error)
{
  GifFileType *gif;
  GifRecordType type;
  char *found = NULL;
  int code = 0;

  gif = DGifOpenFileName (path, &code);
  if (gif == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not read the GIF “%s”: %s"), path, GifErrorString (code));
      return NULL;
    }

  do
    {
      if (DGifGetRecordType (gif, &type) != GIF_OK)
        break;

      if (type == IMAGE_DESC_RECORD_TYPE)
        {
          int code_size;
          GifByteType *block;

          if (DGifGetImageDesc (gif) != GIF_OK || DGifGetCode (gif, &code_size, &block) != GIF_OK)
            break;
          while (block != NULL)
            if (DGifGetCodeNext (gif, &block) != GIF_OK)
              goto done;
        }
      else if (type == EXTENSION_RECORD_TYPE)
        {
          int ext_code;
          GifByteType *block;
          g_autoptr(GString) text = g_string_new (NULL);

          if (DGifGetExtension (gif, &ext_code, &block) != GIF_OK)
            break;
          while (block != NULL)
            {
              if (ext_code == COMMENT_EXT_FUNC_CODE)
                g_string_append_len (text, (const char *) block + 1, block[0]);
              if (DGifGetExtensionNext (gif, &block) != GIF_OK)
                goto done;
            }
          if (ext_code == COMMENT_EXT_FUNC_CODE && found == NULL &&
              strstr (text->str, INB_EXPORT_METADATA_KEY) != NULL)
            found = g_string_free (g_steal_pointer (&text), FALSE);
        }
    }
  while (type != TERMINATE_RECORD_TYPE && found == NULL);

done:
  DGifCloseFile (gif, &code);
  return found;
}
