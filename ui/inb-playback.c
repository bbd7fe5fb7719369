/* inb-playback.c — a clip decoded by GStreamer, shown as a GdkPaintable
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* playbin decodes on its streaming threads into an appsink that asks for
 * BGRA; each preroll or sample becomes a GdkMemoryTexture on that thread and
 * is handed to the main context through one coalesced idle. The bus is
 * watched on the main context. Looping uses segment seeks: the demuxer posts
 * SEGMENT_DONE instead of EOS and we queue a non-flushing seek back to the
 * start, so the decoder never drains and no black frame is shown. Forward
 * steps in PAUSED are step events; backward steps and jumps are ACCURATE
 * seeks into the middle of the wanted frame.
 *
 * Frames are handed over at the size they are drawn at: the paintable's
 * snapshot says how large it is drawn (times the scale factor the widget
 * gives us), and the streaming thread scales each frame down to that size
 * while it copies it out of the decoder's buffer. The main thread then
 * only uploads and draws a texture at 1:1; a renderer scaling a 720p
 * texture down costs cairo ~25 ms a frame on the main thread. The last
 * frame as decoded is kept, so that when the size changes while paused a
 * thread scales it again. Never scaled up: past the video's own size
 * (fullscreen on a large screen) the full frame is handed over.
 */

#define G_LOG_DOMAIN "inb-playback"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "inb-playback.h"

struct _InbPlayback
{
  GObject       parent_instance;

  GstElement   *playbin;
  GstElement   *appsink;
  GMainContext *context;
  GSource      *bus_source;
  GFile        *file;

  /* Written by streaming threads, read on the main context. */
  GMutex        lock;
  GdkTexture   *pending_texture;
  GstClockTime  pending_pts;
  int           pending_fps_n;
  int           pending_fps_d;
  int           pending_width;  /* the video's own size */
  int           pending_height;
  gboolean      pending_idle;
  GstClockTime  segment_end;
  GstSample    *source;         /* the last frame as decoded, to scale again */
  guint64       source_seq;     /* bumped by every new source frame */
  int           source_video_width;  /* its own size */
  int           source_video_height;
  int           source_width;   /* the size it was handed over at (0: full) */
  int           source_height;
  int           target_width;   /* device pixels it is drawn at (0: full) */
  int           target_height;
  gboolean      rescaling;      /* main context only */

  /* The seek back to the start runs on a GStreamer pool thread. */
  GMutex        loop_lock;
  gboolean      loop_in_flight;    /* under loop_lock */
  gboolean      pause_after_loop;  /* under loop_lock */

  /* Streaming thread (the appsink's callbacks come one at a time). */
  GstVideoConverter *converter;

  /* Main context only. */
  GCancellable *rescale_cancellable;   /* cancelled by dispose */
  GHashTable   *cache;          /* frame number -> GdkTexture, recent frames */
  GQueue        cache_order;    /* frame numbers, oldest first */
  GdkTexture   *texture;
  GError       *error;
  int           video_width;
  int           video_height;
  int           scale_factor;
  GstClockTime  position;
  GstClockTime  duration;
  int           fps_n;
  int           fps_d;
  guint         frame;
  guint         n_frames;
  guint         n_loops;
  int           target;
  int           seek_gen;       /* atomic: bumped by every flushing seek */
  double        rate;
  guint         prerolled : 1;
  guint         playing : 1;
  guint         loop : 1;
  guint         ended : 1;
  guint         loop_pending : 1;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbPlayback, inb_playback, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, paintable_iface_init))

enum {
  PROP_0,
  PROP_FILE,
  PROP_PREROLLED,
  PROP_PLAYING,
  PROP_LOOP,
  PROP_RATE,
  PROP_ENDED,
  PROP_POSITION,
  PROP_DURATION,
  PROP_FPS,
  PROP_FRAME,
  PROP_N_FRAMES,
  PROP_N_LOOPS,
  PROP_SEEKING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The frame a step or seek is on its way to, -1 when none is. */
static void
inb_playback_set_target (InbPlayback *self,
                         int          target)
{
  gboolean was_seeking = self->target >= 0;

  self->target = target;
  if (was_seeking != (target >= 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEKING]);
}

InbPlayback *
inb_playback_new (void)
{
  return g_object_new (INB_TYPE_PLAYBACK, NULL);
}

static void     inb_playback_set_display_size (InbPlayback *self,
                                               int          width,
                                               int          height);
static gboolean inb_playback_ensure_pipeline  (InbPlayback *self);

/* Paintable */

static void
inb_playback_snapshot (GdkPaintable *paintable,
                       GdkSnapshot  *snapshot,
                       double        width,
                       double        height)
{
  InbPlayback *self = INB_PLAYBACK (paintable);

  /* Where the frames go: the next ones are scaled to this on their way. */
  if (width >= 1 && height >= 1)
    inb_playback_set_display_size (self,
                                   (int) ceil (width * self->scale_factor - 0.01),
                                   (int) ceil (height * self->scale_factor - 0.01));

  if (self->texture == NULL)
    return;

  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
inb_playback_get_current_image (GdkPaintable *paintable)
{
  InbPlayback *self = INB_PLAYBACK (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));

  return gdk_paintable_new_empty (0, 0);
}

static int
inb_playback_get_intrinsic_width (GdkPaintable *paintable)
{
  InbPlayback *self = INB_PLAYBACK (paintable);

  return self->texture ? self->video_width : 0;
}

static int
inb_playback_get_intrinsic_height (GdkPaintable *paintable)
{
  InbPlayback *self = INB_PLAYBACK (paintable);

  return self->texture ? self->video_height : 0;
}

static double
inb_playback_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  InbPlayback *self = INB_PLAYBACK (paintable);

  if (self->texture == NULL || self->video_width <= 0 || self->video_height <= 0)
    return 0.0;

  return (double) self->video_width / (double) self->video_height;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = inb_playback_snapshot;
  iface->get_current_image = inb_playback_get_current_image;
  iface->get_intrinsic_width = inb_playback_get_intrinsic_width;
  iface->get_intrinsic_height = inb_playback_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = inb_playback_get_intrinsic_aspect_ratio;
}

/* Streaming threads */

typedef struct
{
  GstClockTime pts;
  int          fps_n;
  int          fps_d;
  int          width;      /* the video's own size */
  int          height;
  int          out_width;  /* the size handed over at, 0 × 0: full size */
  int          out_height;
} FrameInfo;

/* @frame scaled to @width × @height by @converter (made again when the
 * sizes change), into a texture of its own. */
static GdkTexture *
texture_scaled (GstVideoFrame      *frame,
                int                 width,
                int                 height,
                GstVideoConverter **converter)
{
  GstVideoInfo out_info;
  GstVideoFrame out;
  GstBuffer *buffer;
  guint8 *pixels;
  g_autoptr(GBytes) bytes = NULL;

  gst_video_info_set_format (&out_info, GST_VIDEO_FRAME_FORMAT (frame), width, height);
  /* Only the size changes. */
  GST_VIDEO_INFO_FPS_N (&out_info) = GST_VIDEO_INFO_FPS_N (&frame->info);
  GST_VIDEO_INFO_FPS_D (&out_info) = GST_VIDEO_INFO_FPS_D (&frame->info);
  GST_VIDEO_INFO_INTERLACE_MODE (&out_info) = GST_VIDEO_INFO_INTERLACE_MODE (&frame->info);
  out_info.colorimetry = frame->info.colorimetry;
  out_info.chroma_site = frame->info.chroma_site;

  if (*converter != NULL)
    {
      const GstVideoInfo *in = gst_video_converter_get_in_info (*converter);
      const GstVideoInfo *to = gst_video_converter_get_out_info (*converter);

      if (GST_VIDEO_INFO_FORMAT (in) != GST_VIDEO_FRAME_FORMAT (frame) ||
          GST_VIDEO_INFO_WIDTH (in) != GST_VIDEO_FRAME_WIDTH (frame) ||
          GST_VIDEO_INFO_HEIGHT (in) != GST_VIDEO_FRAME_HEIGHT (frame) ||
          GST_VIDEO_INFO_PLANE_STRIDE (in, 0) != GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0) ||
          GST_VIDEO_INFO_WIDTH (to) != width ||
          GST_VIDEO_INFO_HEIGHT (to) != height)
        g_clear_pointer (converter, gst_video_converter_free);
    }

  if (*converter == NULL)
    {
      /* Cubic (the default) filters what it drops: about 2 ms from 720p
       * to a 600 px wide player on one core. */
      *converter = gst_video_converter_new (&frame->info, &out_info,
                                            gst_structure_new ("GstVideoConverter",
                                                               GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
                                                               GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE,
                                                               GST_VIDEO_CONVERTER_OPT_THREADS,
                                                               G_TYPE_UINT, 1,
                                                               NULL));
      if (*converter == NULL)
        return NULL;
    }

  pixels = g_malloc (GST_VIDEO_INFO_SIZE (&out_info));
  buffer = gst_buffer_new_wrapped_full (0, pixels, GST_VIDEO_INFO_SIZE (&out_info),
                                        0, GST_VIDEO_INFO_SIZE (&out_info), NULL, NULL);
  if (!gst_video_frame_map (&out, &out_info, buffer, GST_MAP_WRITE))
    {
      gst_buffer_unref (buffer);
      g_free (pixels);
      return NULL;
    }
  gst_video_converter_frame (*converter, frame, &out);
  gst_video_frame_unmap (&out);
  gst_buffer_unref (buffer);

  /* The texture takes a reference of its own: ours goes at the end */
  bytes = g_bytes_new_take (pixels, GST_VIDEO_INFO_SIZE (&out_info));
  return gdk_memory_texture_new (width, height,
                                 GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes,
                                 GST_VIDEO_INFO_PLANE_STRIDE (&out_info, 0));
}

/* The size to hand a @width × @height frame over at, to be drawn at
 * @target_width × @target_height device pixels: smaller, never larger. */
static gboolean
scaled_size (int  width,
             int  height,
             int  target_width,
             int  target_height,
             int *out_width,
             int *out_height)
{
  if (target_width <= 0 || target_height <= 0 ||
      (target_width >= width && target_height >= height))
    return FALSE;

  if ((gint64) target_width * height <= (gint64) target_height * width)
    {
      *out_width = MAX (1, MIN (target_width, width));
      *out_height = MAX (1, (int) (((gint64) *out_width * height + width / 2) / width));
    }
  else
    {
      *out_height = MAX (1, MIN (target_height, height));
      *out_width = MAX (1, (int) (((gint64) *out_height * width + height / 2) / height));
    }

  return TRUE;
}

/* A texture of @sample, at @target_width × @target_height or full size. */
static GdkTexture *
texture_from_sample (GstSample          *sample,
                     int                 target_width,
                     int                 target_height,
                     GstVideoConverter **converter,
                     FrameInfo          *fi)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  GstVideoFrame frame;
  GstVideoInfo info;
  GdkTexture *texture;
  int width;
  int height;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  if (!gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return NULL;

  fi->pts = GST_BUFFER_PTS (buffer);
  if (segment != NULL && GST_CLOCK_TIME_IS_VALID (fi->pts))
    fi->pts = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, fi->pts);
  fi->fps_n = GST_VIDEO_INFO_FPS_N (&info);
  fi->fps_d = GST_VIDEO_INFO_FPS_D (&info);
  fi->width = GST_VIDEO_FRAME_WIDTH (&frame);
  fi->height = GST_VIDEO_FRAME_HEIGHT (&frame);

  fi->out_width = 0;
  fi->out_height = 0;
  if (scaled_size (fi->width, fi->height, target_width, target_height, &width, &height))
    {
      fi->out_width = width;
      fi->out_height = height;
      texture = texture_scaled (&frame, width, height, converter);
    }
  else
    {
      /* A copy, not a wrapper: the decoder's buffers go back to their
       * pool at once, and the frame can stay in the cache of recent
       * frames. */
      g_autoptr(GBytes) bytes = g_bytes_new (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                                             (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) * fi->height);

      texture = gdk_memory_texture_new (fi->width, fi->height,
                                        GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                        bytes,
                                        GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0));
    }
  gst_video_frame_unmap (&frame);

  return texture;
}

static guint
frame_for_time (InbPlayback  *self,
                GstClockTime  time)
{
  guint64 frame;

  if (self->fps_n <= 0 || self->fps_d <= 0 || !GST_CLOCK_TIME_IS_VALID (time))
    return 0;

  /* Floor, with a little slack for container rounding: a frame whose
   * timestamp was clipped to the middle of itself by an accurate seek
   * still counts as itself. */
  time += gst_util_uint64_scale ((guint64) self->fps_d * GST_SECOND, 1, (guint64) self->fps_n * 100);
  frame = gst_util_uint64_scale (time, self->fps_n, (guint64) self->fps_d * GST_SECOND);
  if (self->n_frames > 0 && frame >= self->n_frames)
    frame = self->n_frames - 1;

  return (guint) frame;
}

static GstClockTime
time_for_frame (InbPlayback *self,
                guint        frame)
{
  if (self->fps_n <= 0 || self->fps_d <= 0)
    return 0;

  return gst_util_uint64_scale (frame, (guint64) self->fps_d * GST_SECOND, self->fps_n);
}

/* Recent frames, so that stepping back to one is instant. Bounded by
 * memory: about 64 MB of pictures, whatever their size. */
#define CACHE_BUDGET (64 * 1024 * 1024)

static void
inb_playback_cache_clear (InbPlayback *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear (&self->cache_order);
}

static void
inb_playback_cache_add (InbPlayback *self,
                        guint        frame,
                        GdkTexture  *texture)
{
  gsize bytes = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  guint capacity = CLAMP (CACHE_BUDGET / MAX (bytes, 1), 2, 256);

  if (!g_hash_table_contains (self->cache, GUINT_TO_POINTER (frame)))
    g_queue_push_tail (&self->cache_order, GUINT_TO_POINTER (frame));
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (frame), g_object_ref (texture));

  while (g_queue_get_length (&self->cache_order) > capacity)
    g_hash_table_remove (self->cache, g_queue_pop_head (&self->cache_order));
}

/* Shows @frame at once from the cache, if it is there; the pipeline is
 * moved there too, and confirms with the same picture. */
static void
inb_playback_show_cached (InbPlayback *self,
                          guint        frame)
{
  GdkTexture *texture = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (frame));

  if (texture == NULL || frame == self->frame)
    return;

  g_set_object (&self->texture, texture);
  self->frame = frame;
  self->position = time_for_frame (self, frame);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static gboolean
inb_playback_frame_idle (gpointer user_data)
{
  InbPlayback *self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  GstClockTime pts;
  gboolean size_changed;
  guint frame;
  int fps_n;
  int fps_d;
  int width;
  int height;

  g_mutex_lock (&self->lock);
  texture = g_steal_pointer (&self->pending_texture);
  pts = self->pending_pts;
  fps_n = self->pending_fps_n;
  fps_d = self->pending_fps_d;
  width = self->pending_width;
  height = self->pending_height;
  self->pending_idle = FALSE;
  g_mutex_unlock (&self->lock);

  if (texture == NULL || self->playbin == NULL)
    return G_SOURCE_REMOVE;

  g_object_freeze_notify (G_OBJECT (self));

  if (fps_n > 0 && (fps_n != self->fps_n || fps_d != self->fps_d))
    {
      self->fps_n = fps_n;
      self->fps_d = fps_d;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FPS]);
    }

  /* The picture's size is the video's, whatever size the frame was
   * handed over at. */
  size_changed = self->texture == NULL || self->video_width != width || self->video_height != height;
  self->video_width = width;
  self->video_height = height;
  g_set_object (&self->texture, texture);

  if (GST_CLOCK_TIME_IS_VALID (pts) && pts != self->position)
    {
      self->position = pts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }

  frame = frame_for_time (self, pts);
  if (self->playing && self->target < 0 && frame < self->frame)
    {
      /* Played past the end and on from the start: one loop shown. */
      self->n_loops++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOOPS]);
    }
  if (frame == (guint) self->target)
    inb_playback_set_target (self, -1);
  if (frame != self->frame)
    {
      self->frame = frame;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
    }

  inb_playback_cache_add (self, frame, texture);

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  g_object_thaw_notify (G_OBJECT (self));

  return G_SOURCE_REMOVE;
}

/* Hands @texture to the main context; called with the lock held.
 * Returns whether the caller must schedule the idle (after unlocking). */
static gboolean
inb_playback_set_pending_locked (InbPlayback     *self,
                                 GdkTexture      *texture,
                                 const FrameInfo *fi)
{
  gboolean schedule;

  g_clear_object (&self->pending_texture);
  self->pending_texture = texture;
  self->pending_pts = fi->pts;
  self->pending_fps_n = fi->fps_n;
  self->pending_fps_d = fi->fps_d;
  self->pending_width = fi->width;
  self->pending_height = fi->height;
  schedule = !self->pending_idle;
  self->pending_idle = TRUE;

  return schedule;
}

/* One hop per burst of frames: a frame that arrives while the previous
 * one still waits simply replaces it. */
static void
inb_playback_schedule_frame_idle (InbPlayback *self)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, inb_playback_frame_idle, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[inb-playback] frame");
  g_source_attach (source, self->context);
}

static void
inb_playback_push_sample (InbPlayback *self,
                          GstSample   *sample)
{
  FrameInfo fi = { GST_CLOCK_TIME_NONE, 0, 1, 0, 0, 0, 0 };
  GdkTexture *texture;
  GstSample *own;
  GstSample *old_source;
  gboolean schedule;
  int target_width;
  int target_height;

  g_mutex_lock (&self->lock);
  target_width = self->target_width;
  target_height = self->target_height;
  g_mutex_unlock (&self->lock);

  texture = texture_from_sample (sample, target_width, target_height, &self->converter, &fi);
  if (texture == NULL)
    return;

  /* Kept in a sample of our own, not appsink's: appsink hands out the same
   * GstSample for every frame and GStreamer 1.22 before 1.22.10 sets the
   * caps on it without making it writable in its first render after a
   * flush (upstream MR 5013), so a frame still held then (here, or by a
   * rescale) gave GStreamer-CRITICAL "gst_sample_set_caps: assertion
   * 'gst_sample_is_writable (sample)'". Appsink's is let go before this
   * callback returns, on the streaming thread, so it is never held when
   * appsink renders again. */
  own = gst_sample_new (gst_sample_get_buffer (sample), gst_sample_get_caps (sample),
                        gst_sample_get_segment (sample), NULL);

  g_mutex_lock (&self->lock);
  old_source = g_steal_pointer (&self->source);
  self->source = g_steal_pointer (&own);
  self->source_seq++;
  self->source_video_width = fi.width;
  self->source_video_height = fi.height;
  self->source_width = fi.out_width;
  self->source_height = fi.out_height;
  schedule = inb_playback_set_pending_locked (self, texture, &fi);
  g_mutex_unlock (&self->lock);

  if (old_source != NULL)
    gst_sample_unref (old_source);

  if (schedule)
    inb_playback_schedule_frame_idle (self);
}

/* Whether the last frame was handed over at another size than the one it
 * is drawn at now. Called with the lock held. */
static gboolean
inb_playback_needs_rescale_locked (InbPlayback *self)
{
  int width = 0;
  int height = 0;

  if (self->source == NULL)
    return FALSE;

  if (!scaled_size (self->source_video_width, self->source_video_height,
                    self->target_width, self->target_height, &width, &height))
    width = height = 0;

  return width != self->source_width || height != self->source_height;
}

/* The display size changed while no new frame comes (paused): the last
 * frame is scaled again, off the main thread, and shown as itself. The
 * thread works on a copy of what it needs (the frame, the size) and
 * touches nothing of the playback; its answer, on the main context, hands
 * the frame over unless a newer frame from the pipeline came meanwhile,
 * and starts again until the last frame matches the size it is drawn at. */
typedef struct
{
  GstSample *sample;
  guint64    seq;
  int        target_width;
  int        target_height;
  FrameInfo  fi;
} Rescale;

static void
rescale_free (gpointer data)
{
  Rescale *rs = data;

  gst_sample_unref (rs->sample);
  g_free (rs);
}

static void
inb_playback_rescale_thread (GTask        *task,
                             gpointer      source_object,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  Rescale *rs = task_data;
  GstVideoConverter *converter = NULL;
  GdkTexture *texture;

  texture = texture_from_sample (rs->sample, rs->target_width, rs->target_height, &converter, &rs->fi);
  g_clear_pointer (&converter, gst_video_converter_free);
  g_task_return_pointer (task, texture, g_object_unref);
}

static void inb_playback_start_rescale (InbPlayback *self);

/* @user_data: the playback, not held (see inb_playback_start_rescale()):
 * cancelled, it may be gone */
static void
inb_playback_rescale_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  InbPlayback *self = user_data;
  Rescale *rs = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);
  gboolean schedule = FALSE;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  g_mutex_lock (&self->lock);
  self->rescaling = FALSE;
  if (texture != NULL && rs->seq == self->source_seq)
    {
      self->source_width = rs->fi.out_width;
      self->source_height = rs->fi.out_height;
      schedule = inb_playback_set_pending_locked (self, g_steal_pointer (&texture), &rs->fi);
    }
  else if (texture == NULL && rs->seq == self->source_seq)
    {
      /* Cannot be scaled: stop trying until the next frame. */
      g_clear_pointer (&self->source, gst_sample_unref);
    }
  g_mutex_unlock (&self->lock);

  if (schedule)
    inb_playback_schedule_frame_idle (self);

  /* The size may have changed again meanwhile. */
  inb_playback_start_rescale (self);
}

/* Main context: scales the last frame again if it was handed over at
 * another size than the one it is drawn at, unless that already runs. */
static void
inb_playback_start_rescale (InbPlayback *self)
{
  g_autoptr(GTask) task = NULL;
  Rescale *rs;

  if (self->rescale_cancellable == NULL)
    return;   /* disposed */

  g_mutex_lock (&self->lock);
  if (self->rescaling || !inb_playback_needs_rescale_locked (self))
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->rescaling = TRUE;
  rs = g_new0 (Rescale, 1);
  rs->sample = gst_sample_ref (self->source);
  rs->seq = self->source_seq;
  rs->target_width = self->target_width;
  rs->target_height = self->target_height;
  rs->fi = (FrameInfo) { GST_CLOCK_TIME_NONE, 0, 1, 0, 0, 0, 0 };
  g_mutex_unlock (&self->lock);

  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a playback disposed there
   * races GTK and the pipeline on the main thread. Unheld, the playback is
   * kept from the callback by the cancellable, which dispose cancels
   * first. */
  task = g_task_new (NULL, self->rescale_cancellable, inb_playback_rescale_cb, self);
  g_task_set_source_tag (task, inb_playback_start_rescale);
  g_task_set_task_data (task, rs, rescale_free);
  g_task_run_in_thread (task, inb_playback_rescale_thread);
}

/* Main context: the frames are drawn at @width × @height device pixels. */
static void
inb_playback_set_display_size (InbPlayback *self,
                               int          width,
                               int          height)
{
  g_mutex_lock (&self->lock);
  if (self->target_width == width && self->target_height == height)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->target_width = width;
  self->target_height = height;
  g_mutex_unlock (&self->lock);

  inb_playback_start_rescale (self);
}

static GstFlowReturn
inb_playback_new_preroll_cb (GstAppSink *appsink,
                             gpointer    user_data)
{
  g_autoptr(GstSample) sample = gst_app_sink_pull_preroll (appsink);

  if (sample != NULL)
    inb_playback_push_sample (user_data, sample);

  return GST_FLOW_OK;
}

static GstFlowReturn
inb_playback_new_sample_cb (GstAppSink *appsink,
                            gpointer    user_data)
{
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  inb_playback_push_sample (user_data, sample);

  return GST_FLOW_OK;
}

/* A non-flushing seek back to the start makes the demuxer open the next
 * segment at the running time of the last frame's *start*, so that frame
 * would be replaced at once and the loop would skip it. Each new segment
 * therefore starts where the previous one ended, its last frame included. */
static GstPadProbeReturn
inb_playback_segment_probe_cb (GstPad          *pad,
                               GstPadProbeInfo *info,
                               gpointer         user_data)
{
  InbPlayback *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const GstSegment *segment;
  GstSegment copy;

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      self->segment_end = GST_CLOCK_TIME_NONE;
      g_mutex_unlock (&self->lock);
      break;

    case GST_EVENT_SEGMENT:
      gst_event_parse_segment (event, &segment);
      if (segment->format != GST_FORMAT_TIME)
        break;

      gst_segment_copy_into (segment, &copy);

      g_mutex_lock (&self->lock);
      if (GST_CLOCK_TIME_IS_VALID (self->segment_end) && copy.base < self->segment_end)
        {
          GstEvent *fixed;

          copy.base = self->segment_end;
          fixed = gst_event_new_segment (&copy);
          gst_event_set_seqnum (fixed, gst_event_get_seqnum (event));
          gst_event_unref (event);
          GST_PAD_PROBE_INFO_DATA (info) = fixed;
        }
      self->segment_end = GST_CLOCK_TIME_IS_VALID (copy.stop)
                        ? gst_segment_to_running_time (&copy, GST_FORMAT_TIME, copy.stop)
                        : GST_CLOCK_TIME_NONE;
      g_mutex_unlock (&self->lock);
      break;

    default:
      break;
    }

  return GST_PAD_PROBE_OK;
}

/* Main context */

static gboolean
inb_playback_seek (InbPlayback  *self,
                   GstClockTime  start,
                   gboolean      flush)
{
  GstSeekFlags flags = GST_SEEK_FLAG_ACCURATE;

  /* A segment seek ends in SEGMENT_DONE, where looping seeks back; without
   * looping, a plain seek plays out to a real EOS after the last frame. */
  if (self->loop)
    flags |= GST_SEEK_FLAG_SEGMENT;
  if (flush)
    {
      flags |= GST_SEEK_FLAG_FLUSH;
      g_atomic_int_inc (&self->seek_gen);
      self->loop_pending = FALSE;
    }

  return gst_element_seek (self->playbin, self->rate, GST_FORMAT_TIME, flags,
                           GST_SEEK_TYPE_SET, (gint64) start,
                           GST_SEEK_TYPE_SET, GST_CLOCK_TIME_IS_VALID (self->duration) ? (gint64) self->duration : -1);
}

static void
inb_playback_set_ended (InbPlayback *self,
                        gboolean     ended)
{
  if (self->ended != !!ended)
    {
      self->ended = !!ended;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED]);
    }
}

static void
inb_playback_update_playing (InbPlayback *self,
                             gboolean     playing)
{
  if (self->playing != !!playing)
    {
      self->playing = !!playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
}

static void
inb_playback_query_duration (InbPlayback *self)
{
  gint64 duration = -1;
  guint n_frames = 0;

  if (!gst_element_query_duration (self->playbin, GST_FORMAT_TIME, &duration) || duration <= 0)
    return;

  if ((GstClockTime) duration != self->duration)
    {
      self->duration = duration;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
    }

  if (self->fps_n > 0 && self->fps_d > 0)
    n_frames = (guint) gst_util_uint64_scale_round (duration, self->fps_n, (guint64) self->fps_d * GST_SECOND);

  if (n_frames != self->n_frames)
    {
      self->n_frames = n_frames;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FRAMES]);
    }
}

static void
inb_playback_update_fps_from_sink (InbPlayback *self)
{
  g_autoptr(GstPad) pad = gst_element_get_static_pad (self->appsink, "sink");
  g_autoptr(GstCaps) caps = pad ? gst_pad_get_current_caps (pad) : NULL;
  GstVideoInfo info;

  if (caps != NULL && gst_video_info_from_caps (&info, caps) && GST_VIDEO_INFO_FPS_N (&info) > 0)
    {
      if (self->fps_n != GST_VIDEO_INFO_FPS_N (&info) || self->fps_d != GST_VIDEO_INFO_FPS_D (&info))
        {
          self->fps_n = GST_VIDEO_INFO_FPS_N (&info);
          self->fps_d = GST_VIDEO_INFO_FPS_D (&info);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FPS]);
        }
    }
}

typedef struct
{
  InbPlayback  *self;
  int           gen;
  double        rate;
  GstClockTime  stop;
} LoopSeek;

static gboolean
release_idle (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* The seek runs on a GStreamer thread, and its reference may be the last
 * one: the playback is a paintable of the main context (its bus source,
 * its idles, its textures), so it is released there, never on the
 * streaming side. */
static void
loop_seek_free (gpointer data)
{
  LoopSeek *ls = data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, release_idle, ls->self, g_object_unref);
  g_source_set_static_name (source, "[inb-playback] release");
  g_source_attach (source, ls->self->context);
  g_free (ls);
}

static void
loop_seek_func (GstElement *playbin,
                gpointer    data)
{
  LoopSeek *ls = data;

  InbPlayback *self = ls->self;

  /* A flushing seek since then (a step, a jump) has already moved on. */
  if (g_atomic_int_get (&self->seek_gen) == ls->gen &&
      !gst_element_seek (playbin, ls->rate, GST_FORMAT_TIME,
                         GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE,
                         GST_SEEK_TYPE_SET, 0,
                         GST_SEEK_TYPE_SET, GST_CLOCK_TIME_IS_VALID (ls->stop) ? (gint64) ls->stop : -1))
    g_debug ("Seek back to the start failed");

  /* A pause asked for meanwhile waited for the seek: now it can be done. */
  g_mutex_lock (&self->loop_lock);
  self->loop_in_flight = FALSE;
  if (self->pause_after_loop)
    gst_element_set_state (playbin, GST_STATE_PAUSED);
  self->pause_after_loop = FALSE;
  g_mutex_unlock (&self->loop_lock);
}

/* Pauses the pipeline, or has it paused once the seek back to the start
 * in flight is done. That seek holds the pipeline's state lock until the
 * demuxer takes it, which needs room downstream: pausing the sink first
 * would fill the queues for good, and the next state change on the main
 * thread would wait for the state lock forever. */
static void
inb_playback_pause_pipeline (InbPlayback *self)
{
  gboolean deferred;

  g_mutex_lock (&self->loop_lock);
  deferred = self->loop_in_flight;
  if (deferred)
    self->pause_after_loop = TRUE;
  g_mutex_unlock (&self->loop_lock);

  if (!deferred)
    gst_element_set_state (self->playbin, GST_STATE_PAUSED);
}

/* The seek back to the start is not flushing, so the frames already
 * decoded keep playing while the demuxer starts over. Such a seek waits
 * for the demuxer's streaming thread, which may itself wait for room in
 * a full queue: it runs on a GStreamer thread, never on the main one, and
 * only while playing (paused, the queues never drain). Loops are counted
 * when the first frame comes round again, in inb_playback_frame_idle(). */
static void
inb_playback_loop_back (InbPlayback *self)
{
  LoopSeek *ls;

  if (!self->playing)
    {
      self->loop_pending = TRUE;
      return;
    }

  self->loop_pending = FALSE;

  ls = g_new0 (LoopSeek, 1);
  ls->self = g_object_ref (self);
  ls->gen = g_atomic_int_get (&self->seek_gen);
  ls->rate = self->rate;
  ls->stop = self->duration;

  g_mutex_lock (&self->loop_lock);
  self->loop_in_flight = TRUE;
  self->pause_after_loop = FALSE;
  g_mutex_unlock (&self->loop_lock);

  gst_element_call_async (self->playbin, loop_seek_func, ls, loop_seek_free);
}

static gboolean
inb_playback_bus_cb (GstBus     *bus,
                     GstMessage *message,
                     gpointer    user_data)
{
  InbPlayback *self = user_data;

  g_assert (INB_IS_PLAYBACK (self));

  if (self->playbin == NULL)
    return G_SOURCE_CONTINUE;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ASYNC_DONE:
      g_object_freeze_notify (G_OBJECT (self));
      inb_playback_update_fps_from_sink (self);
      inb_playback_query_duration (self);
      if (!self->prerolled)
        {
          self->prerolled = TRUE;
          /* Make the whole clip one segment, so looping never sees EOS. */
          inb_playback_seek (self, 0, TRUE);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREROLLED]);
        }
      g_object_thaw_notify (G_OBJECT (self));
      break;

    case GST_MESSAGE_STEP_DONE:
      break;

    case GST_MESSAGE_SEGMENT_DONE:
      if (self->loop)
        {
          inb_playback_loop_back (self);
        }
      else
        {
          inb_playback_pause_pipeline (self);
          inb_playback_update_playing (self, FALSE);
          inb_playback_set_ended (self, TRUE);
        }
      break;

    case GST_MESSAGE_EOS:
      if (self->loop && self->playing)
        inb_playback_seek (self, 0, TRUE);
      else
        {
          inb_playback_pause_pipeline (self);
          inb_playback_update_playing (self, FALSE);
          inb_playback_set_ended (self, TRUE);
        }
      break;

    case GST_MESSAGE_DURATION_CHANGED:
      inb_playback_query_duration (self);
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("Playback error: %s (%s)", error->message, debug ? debug : "");
        g_clear_error (&self->error);
        self->error = g_error_copy (error);
        gst_element_set_state (self->playbin, GST_STATE_READY);
        inb_playback_update_playing (self, FALSE);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static void
inb_playback_reset (InbPlayback *self)
{
  GstSample *source;

  /* A loop seek in flight finishes first (the state change waits for it);
   * it must not pause what comes next. */
  g_mutex_lock (&self->loop_lock);
  self->pause_after_loop = FALSE;
  g_mutex_unlock (&self->loop_lock);

  if (self->playbin != NULL)
    gst_element_set_state (self->playbin, GST_STATE_NULL);

  g_mutex_lock (&self->lock);
  g_clear_object (&self->pending_texture);
  source = g_steal_pointer (&self->source);
  self->source_seq++;
  g_mutex_unlock (&self->lock);
  if (source != NULL)
    gst_sample_unref (source);

  g_clear_object (&self->texture);
  self->video_width = 0;
  self->video_height = 0;
  inb_playback_cache_clear (self);
  g_clear_error (&self->error);
  self->position = 0;
  self->duration = GST_CLOCK_TIME_NONE;
  self->fps_n = 0;
  self->fps_d = 1;
  self->frame = 0;
  self->n_frames = 0;
  self->n_loops = 0;
  self->target = -1;
  self->loop_pending = FALSE;
  g_atomic_int_inc (&self->seek_gen);
  self->prerolled = FALSE;
  self->playing = FALSE;
  self->ended = FALSE;
}

void
inb_playback_set_file (InbPlayback *self,
                       GFile       *file)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_object_freeze_notify (G_OBJECT (self));

  inb_playback_reset (self);
  g_set_object (&self->file, file);

  if (file != NULL && !inb_playback_ensure_pipeline (self))
    {
      self->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         _("The video player could not be set up (GStreamer’s playbin is missing)"));
    }
  else if (file != NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_object_set (self->playbin, "uri", uri, NULL);
      gst_element_set_state (self->playbin, GST_STATE_PAUSED);
    }

  for (guint i = PROP_FILE; i < N_PROPS; i++)
    if (i != PROP_LOOP && i != PROP_RATE)
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  g_object_thaw_notify (G_OBJECT (self));
}

GFile *
inb_playback_get_file (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), NULL);

  return self->file;
}

gboolean
inb_playback_get_prerolled (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), FALSE);

  return self->prerolled;
}

gboolean
inb_playback_get_playing (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), FALSE);

  return self->playing;
}

void
inb_playback_set_playing (InbPlayback *self,
                          gboolean     playing)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));

  if (playing)
    inb_playback_play (self);
  else
    inb_playback_pause (self);
}

void
inb_playback_play (InbPlayback *self)
{
  gboolean in_flight;

  g_return_if_fail (INB_IS_PLAYBACK (self));

  if (self->file == NULL || self->error != NULL)
    return;

  if (self->ended)
    {
      inb_playback_set_ended (self, FALSE);
      inb_playback_seek (self, 0, TRUE);
    }

  /* A pause still waiting for the seek back to the start is called off:
   * the pipeline never stopped playing. */
  g_mutex_lock (&self->loop_lock);
  self->pause_after_loop = FALSE;
  in_flight = self->loop_in_flight;
  g_mutex_unlock (&self->loop_lock);

  if (!in_flight)
    gst_element_set_state (self->playbin, GST_STATE_PLAYING);
  inb_playback_update_playing (self, TRUE);

  if (self->loop_pending)
    inb_playback_loop_back (self);
}

void
inb_playback_pause (InbPlayback *self)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));

  if (self->file == NULL || self->playbin == NULL)
    return;

  inb_playback_pause_pipeline (self);
  inb_playback_update_playing (self, FALSE);
}

gboolean
inb_playback_get_loop (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), FALSE);

  return self->loop;
}

void
inb_playback_set_loop (InbPlayback *self,
                       gboolean     loop)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));

  loop = !!loop;
  if (self->loop != loop)
    {
      self->loop = loop;
      if (self->prerolled && !self->ended)
        inb_playback_seek (self, self->position, TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
    }
}

double
inb_playback_get_rate (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 1.0);

  return self->rate;
}

void
inb_playback_set_rate (InbPlayback *self,
                       double       rate)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));

  rate = CLAMP (rate, INB_PLAYBACK_MIN_RATE, INB_PLAYBACK_MAX_RATE);
  if (G_APPROX_VALUE (rate, self->rate, 1e-9))
    return;

  self->rate = rate;
  if (self->prerolled)
    inb_playback_seek (self, self->position, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

gboolean
inb_playback_get_ended (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), FALSE);

  return self->ended;
}

gint64
inb_playback_get_position (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0);

  return self->position;
}

gint64
inb_playback_get_duration (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0);

  return GST_CLOCK_TIME_IS_VALID (self->duration) ? (gint64) self->duration : 0;
}

double
inb_playback_get_fps (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0.0);

  if (self->fps_n <= 0 || self->fps_d <= 0)
    return 0.0;

  return (double) self->fps_n / (double) self->fps_d;
}

guint
inb_playback_get_frame (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0);

  return self->frame;
}

guint
inb_playback_get_n_frames (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0);

  return self->n_frames;
}

guint
inb_playback_get_n_loops (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), 0);

  return self->n_loops;
}

/**
 * inb_playback_get_seeking:
 *
 * Whether a step or a jump to a frame is still on its way: the frame
 * number (and, from the cache of recent frames, the picture) may already
 * be the new one, but the pipeline has not confirmed it yet. The next
 * step is cheapest once this is %FALSE again.
 */
gboolean
inb_playback_get_seeking (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), FALSE);

  return self->target >= 0;
}

/**
 * inb_playback_get_texture:
 *
 * The frame at the size it is drawn at (never larger than the video):
 * the video's own size is the paintable's intrinsic size.
 *
 * Returns: (transfer none) (nullable): the frame shown now
 */
GdkTexture *
inb_playback_get_texture (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), NULL);

  return self->texture;
}

/**
 * inb_playback_set_scale_factor:
 * @scale_factor: device pixels per logical pixel of the widget drawing it
 *
 * Frames are handed over at the size they are drawn at, in device pixels;
 * the widget that draws the playback says how many there are per logical
 * pixel.
 */
void
inb_playback_set_scale_factor (InbPlayback *self,
                               int          scale_factor)
{
  g_return_if_fail (INB_IS_PLAYBACK (self));

  scale_factor = MAX (scale_factor, 1);
  if (self->scale_factor != scale_factor)
    {
      self->scale_factor = scale_factor;
      gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
    }
}

const GError *
inb_playback_get_error (InbPlayback *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK (self), NULL);

  return self->error;
}

/**
 * inb_playback_seek_frame:
 * @frame: the frame to show, from 0
 *
 * Pauses on @frame exactly: an accurate seek into the middle of the frame,
 * so the timestamp rounding of the container cannot land on its neighbour.
 */
void
inb_playback_seek_frame (InbPlayback *self,
                         guint        frame)
{
  GstClockTime start;
  gboolean idle;

  g_return_if_fail (INB_IS_PLAYBACK (self));

  if (!self->prerolled || self->n_frames == 0)
    return;

  frame = MIN (frame, self->n_frames - 1);
  start = time_for_frame (self, frame) + time_for_frame (self, 1) / 2;

  if (self->playing)
    {
      inb_playback_pause_pipeline (self);
      inb_playback_update_playing (self, FALSE);
    }
  inb_playback_set_ended (self, FALSE);

  idle = self->target < 0;
  inb_playback_set_target (self, (int) frame);
  inb_playback_seek (self, start, TRUE);

  /* Nothing else in flight: a recent frame can be shown right away. */
  if (idle)
    inb_playback_show_cached (self, frame);
}

/**
 * inb_playback_step:
 * @frames: how many frames to move, negative to go back
 *
 * Pauses and moves by @frames. Past either end it wraps when looping and
 * stops otherwise.
 */
void
inb_playback_step (InbPlayback *self,
                   int          frames)
{
  gint64 base;
  gint64 wanted;

  g_return_if_fail (INB_IS_PLAYBACK (self));

  if (!self->prerolled || self->n_frames == 0 || frames == 0)
    return;

  base = self->target >= 0 ? self->target : (gint64) self->frame;
  wanted = base + frames;

  if (wanted < 0)
    wanted = self->loop ? (gint64) self->n_frames - 1 : 0;
  else if (wanted >= (gint64) self->n_frames)
    wanted = self->loop ? 0 : (gint64) self->n_frames - 1;

  if (wanted == base && self->target < 0)
    return;

  if (frames == 1 && wanted == base + 1 && self->target < 0 && !self->playing)
    {
      /* The cheap way forward: let the sink advance by one buffer. */
      inb_playback_set_target (self, (int) wanted);
      inb_playback_set_ended (self, FALSE);
      if (gst_element_send_event (self->playbin,
                                  gst_event_new_step (GST_FORMAT_BUFFERS, 1, 1.0, TRUE, FALSE)))
        {
          inb_playback_show_cached (self, (guint) wanted);
          return;
        }
    }

  inb_playback_seek_frame (self, (guint) wanted);
}

static void
inb_playback_dispose (GObject *object)
{
  InbPlayback *self = INB_PLAYBACK (object);

  if (self->rescale_cancellable != NULL)
    g_cancellable_cancel (self->rescale_cancellable);
  g_clear_object (&self->rescale_cancellable);

  if (self->playbin != NULL)
    gst_element_set_state (self->playbin, GST_STATE_NULL);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }

  gst_clear_object (&self->appsink);
  gst_clear_object (&self->playbin);

  g_mutex_lock (&self->lock);
  g_clear_object (&self->pending_texture);
  g_clear_pointer (&self->source, gst_sample_unref);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->converter, gst_video_converter_free);

  g_clear_object (&self->texture);
  g_clear_object (&self->file);
  if (self->cache != NULL)
    inb_playback_cache_clear (self);

  G_OBJECT_CLASS (inb_playback_parent_class)->dispose (object);
}

static void
inb_playback_finalize (GObject *object)
{
  InbPlayback *self = INB_PLAYBACK (object);

  g_clear_error (&self->error);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->loop_lock);

  G_OBJECT_CLASS (inb_playback_parent_class)->finalize (object);
}

static void
inb_playback_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  InbPlayback *self = INB_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_PREROLLED:
      g_value_set_boolean (value, self->prerolled);
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;

    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;

    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;

    case PROP_ENDED:
      g_value_set_boolean (value, self->ended);
      break;

    case PROP_POSITION:
      g_value_set_int64 (value, inb_playback_get_position (self));
      break;

    case PROP_DURATION:
      g_value_set_int64 (value, inb_playback_get_duration (self));
      break;

    case PROP_FPS:
      g_value_set_double (value, inb_playback_get_fps (self));
      break;

    case PROP_FRAME:
      g_value_set_uint (value, self->frame);
      break;

    case PROP_N_FRAMES:
      g_value_set_uint (value, self->n_frames);
      break;

    case PROP_N_LOOPS:
      g_value_set_uint (value, self->n_loops);
      break;

    case PROP_SEEKING:
      g_value_set_boolean (value, self->target >= 0);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_playback_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  InbPlayback *self = INB_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_FILE:
      inb_playback_set_file (self, g_value_get_object (value));
      break;

    case PROP_PLAYING:
      inb_playback_set_playing (self, g_value_get_boolean (value));
      break;

    case PROP_LOOP:
      inb_playback_set_loop (self, g_value_get_boolean (value));
      break;

    case PROP_RATE:
      inb_playback_set_rate (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_playback_class_init (InbPlaybackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_playback_dispose;
  object_class->finalize = inb_playback_finalize;
  object_class->get_property = inb_playback_get_property;
  object_class->set_property = inb_playback_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PREROLLED] =
    g_param_spec_boolean ("prerolled", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, INB_PLAYBACK_MIN_RATE, INB_PLAYBACK_MAX_RATE, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENDED] =
    g_param_spec_boolean ("ended", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_POSITION] =
    g_param_spec_int64 ("position", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FPS] =
    g_param_spec_double ("fps", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FRAME] =
    g_param_spec_uint ("frame", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_FRAMES] =
    g_param_spec_uint ("n-frames", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_LOOPS] =
    g_param_spec_uint ("n-loops", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEEKING] =
    g_param_spec_boolean ("seeking", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_playback_init (InbPlayback *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->loop_lock);
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_queue_init (&self->cache_order);
  self->context = g_main_context_ref_thread_default ();
  self->rescale_cancellable = g_cancellable_new ();
  self->loop = TRUE;
  self->rate = 1.0;
  self->scale_factor = 1;
  self->target = -1;
  self->fps_d = 1;
  self->duration = GST_CLOCK_TIME_NONE;
  self->segment_end = GST_CLOCK_TIME_NONE;
}

/* The pipeline is made when the first clip opens, not with the widget:
 * GStreamer (its init, its registry, the plugins playbin loads) costs
 * nothing until then, so the window's first frame does not wait for it. */
static gboolean
inb_playback_ensure_pipeline (InbPlayback *self)
{
  GstAppSinkCallbacks callbacks = {
    .new_preroll = inb_playback_new_preroll_cb,
    .new_sample = inb_playback_new_sample_cb,
  };
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *bin;
  GstElement *convert;
  GstElement *filter;
  GstPad *pad;

  if (self->playbin != NULL)
    return TRUE;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  self->playbin = gst_element_factory_make ("playbin", NULL);
  if (self->playbin == NULL)
    return FALSE;
  gst_object_ref_sink (self->playbin);

  /* Video only: clips carry no sound, and no audio sink is needed. */
  g_object_set (self->playbin, "flags", 0x1 /* GST_PLAY_FLAG_VIDEO */, NULL);

  bin = gst_bin_new ("inb-video-sink");
  convert = gst_element_factory_make ("videoconvert", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  self->appsink = gst_element_factory_make ("appsink", NULL);
  gst_object_ref (self->appsink);

  /* BGRA with opaque alpha is already premultiplied, and is what cairo and
   * GL take without a conversion on the main thread. */
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRA", NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (self->appsink,
                "max-buffers", 1,
                "drop", FALSE,
                "sync", TRUE,
                "enable-last-sample", FALSE,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (self->appsink), &callbacks, self, NULL);

  gst_bin_add_many (GST_BIN (bin), convert, filter, self->appsink, NULL);
  gst_element_link_many (convert, filter, self->appsink, NULL);
  pad = gst_element_get_static_pad (convert, "sink");
  gst_pad_add_probe (pad,
                     GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
                     inb_playback_segment_probe_cb, self, NULL);
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  gst_object_unref (pad);
  g_object_set (self->playbin, "video-sink", bin, NULL);

  bus = gst_element_get_bus (self->playbin);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, (GSourceFunc) G_CALLBACK (inb_playback_bus_cb), self, NULL);
  g_source_set_static_name (self->bus_source, "[inb-playback] bus");
  g_source_attach (self->bus_source, self->context);

  return TRUE;
}
