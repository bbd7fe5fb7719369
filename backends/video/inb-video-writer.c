/* inb-video-writer.c — stream RGB frames into an H.264 MP4 with GStreamer
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-video-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "inb-appsrc-feed.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"

/* Frames that may wait in appsrc before push() blocks. x264 holds a few
 * more (frame threads and B-frames; "superfast" has no look-ahead), so
 * the writer holds roughly ten frames, never the whole clip. */
#define QUEUE_FRAMES       3
/* Constant-quality factor (x264 "crf"): 18 is visually lossless. */
#define DEFAULT_QUALITY    18
/* gst x264enc turns "bitrate" into a VBV cap in constant-quality mode
 * (2048 kbit/s by default, which ruins crf 18 at 720p). 25 Mbit/s lets
 * the quality through and keeps the stream at level 4.0 or lower. */
#define MAX_KBITRATE       25000
/* Measured on 81 frames of 1280×720 photos (CPU seconds, PSNR of the
 * first frame): ultrafast 0.8 s, 3.2 MB; superfast 1.4 s, 3.4 MB;
 * veryfast 2.2 s, 1.8 MB; all within 0.6 dB. superfast keeps CABAC,
 * B-frames and deblocking at a little over half veryfast's cost. */
#define DEFAULT_PRESET     "superfast"
/* How long push() waits for the encoder to take a frame (tests shorten it:
 * INB_TEST_VIDEO_STALL_S, see inb_appsrc_feed_bound_s()). */
#define STALL_TIMEOUT_S    60
/* How long finish() waits for the muxer to drain after EOS (tests:
 * INB_TEST_VIDEO_FINISH_S). */
#define FINISH_TIMEOUT_S   120
/* x264's frame threads. Its pictures differ with their count, and with
 * "threads" 0 (1.5 a core) a take's clip, and the fidelity figures
 * measured on it, would depend on the machine; a fixed count keeps them
 * the same everywhere (x264 is deterministic for a given count). 3 is
 * what 0 gave on the 2-core machine the speed benchmark runs on; 4 cost
 * 9 MB more and no less CPU (49 frames of 720p: 0.45 s either way). */
#define X264_THREADS       3
/* Set to an x264 speed preset ("ultrafast" … "veryslow") to override. */
#define PRESET_ENV         "INBETWEEN_X264_PRESET"

struct _InbVideoWriter
{
  GObject      parent_instance;

  char        *path;
  char        *part_path;
  char        *mdat_path;      /* mp4mux's faststart scratch file */
  guint        width;
  guint        height;
  guint        fps;
  gsize        frame_size;     /* bytes of one frame at GstVideoInfo's stride */
  gsize        gst_stride;

  InbAppsrcFeed feed;

  guint        n_frames;
  guint        closed : 1;     /* finished or aborted: the pipeline is gone */
};

G_DEFINE_FINAL_TYPE (InbVideoWriter, inb_video_writer, G_TYPE_OBJECT)

static void
inb_video_writer_dispose (GObject *object)
{
  InbVideoWriter *self = INB_VIDEO_WRITER (object);

  if (!self->closed && self->feed.pipeline != NULL)
    inb_video_writer_abort (self);
  inb_appsrc_feed_stop (&self->feed);

  G_OBJECT_CLASS (inb_video_writer_parent_class)->dispose (object);
}

static void
inb_video_writer_finalize (GObject *object)
{
  InbVideoWriter *self = INB_VIDEO_WRITER (object);

  inb_appsrc_feed_clear (&self->feed);
  g_free (self->path);
  g_free (self->part_path);
  g_free (self->mdat_path);

  G_OBJECT_CLASS (inb_video_writer_parent_class)->finalize (object);
}

static void
inb_video_writer_class_init (InbVideoWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_video_writer_dispose;
  object_class->finalize = inb_video_writer_finalize;
}

static GError *error_from_message (GstMessage *message);

static void
inb_video_writer_init (InbVideoWriter *self)
{
  inb_appsrc_feed_init (&self->feed, error_from_message);
}

/* GStreamer 1.22's mp4mux/qtmux deadlocks when it cannot open its faststart
 * scratch file (it posts the error while holding its own object lock): a
 * full disk there hung the writer for good (tests/fault/run.py). So the
 * file is created here first, where a failure is an ordinary error; the
 * muxer then only reopens (truncates) it, which needs no space. */
static gboolean
reserve_scratch_file (const char  *path,
                      GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Could not create “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Turns a GStreamer error message into a GError in our domain. */
static GError *
error_from_message (GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *source = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  source = GST_MESSAGE_SRC (message) != NULL ? gst_object_get_path_string (GST_MESSAGE_SRC (message)) : NULL;
  g_debug ("pipeline error from %s: %s (%s)", source ? source : "?", gst_error->message, debug ? debug : "");

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    return g_error_new (G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                        _("Could not write the video: %s (%s)"), gst_error->message,
                        g_strerror (ENOSPC));

  /* The file could not be written (a full disk, an I/O error): a file
   * error, with the system's reason, which GStreamer keeps in the debug
   * text only ("…system error: No space left on device") */
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SYNC) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_CLOSE))
    {
      const char *reason = debug != NULL ? strstr (debug, "system error: ") : NULL;
      gboolean no_space = debug != NULL && strstr (debug, g_strerror (ENOSPC)) != NULL;

      if (reason != NULL)
        reason += strlen ("system error: ");
      else if (debug != NULL && (reason = strrchr (debug, ':')) != NULL && reason[1] == ' ')
        reason += 2;   /* filesink: "Error while writing to file “…”: <strerror>" */
      if (reason != NULL && *reason != '\0')
        return g_error_new (G_FILE_ERROR, no_space ? G_FILE_ERROR_NOSPC : G_FILE_ERROR_IO,
                            _("Could not write the video: %s (%s)"), gst_error->message, reason);
      return g_error_new (G_FILE_ERROR, G_FILE_ERROR_IO,
                          _("Could not write the video: %s"), gst_error->message);
    }

  return g_error_new (INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                      _("Could not write the video: %s"), gst_error->message);
}

static const char *
speed_preset (void)
{
  static const char * const presets[] = {
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
  };
  const char *env = g_getenv (PRESET_ENV);

  if (env != NULL && *env != '\0')
    {
      for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
        if (g_str_equal (env, presets[i]))
          return presets[i];
      g_warning ("Ignoring %s=%s: not an x264 speed preset", PRESET_ENV, env);
    }

  return DEFAULT_PRESET;
}

static gboolean
build_pipeline (InbVideoWriter  *self,
                GError         **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstCaps) i420_caps = NULL;
  g_autoptr(GstCaps) h264_caps = NULL;
  GstElement *appsrc;
  GstElement *convert;
  GstElement *i420_filter;
  GstElement *encoder;
  GstElement *h264_filter;
  GstElement *mux;
  GstElement *sink;

  pipeline = gst_object_ref_sink (gst_pipeline_new ("inb-video-writer"));

#define ADD(var, factory, package)                                                     \
  G_STMT_START {                                                                       \
    if (!(var = inb_appsrc_feed_add_element (pipeline, factory, package,               \
                                             INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED, \
                                             error)))                                  \
      return FALSE;                                                                    \
  } G_STMT_END
  ADD (appsrc, "appsrc", "gstreamer1.0-plugins-base");
  ADD (convert, "videoconvert", "gstreamer1.0-plugins-base");
  ADD (i420_filter, "capsfilter", "libgstreamer1.0-0");
  ADD (encoder, "x264enc", "gstreamer1.0-plugins-ugly");
  ADD (h264_filter, "capsfilter", "libgstreamer1.0-0");
  ADD (mux, "mp4mux", "gstreamer1.0-plugins-good");
  ADD (sink, "filesink", "libgstreamer1.0-0");
#undef ADD

  self->frame_size = inb_appsrc_feed_set_up_rgb (appsrc, self->width, self->height, self->fps, 1,
                                                 QUEUE_FRAMES, &self->gst_stride);

  i420_caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", NULL);
  g_object_set (i420_filter, "caps", i420_caps, NULL);

  gst_util_set_object_arg (G_OBJECT (encoder), "speed-preset", speed_preset ());
  gst_util_set_object_arg (G_OBJECT (encoder), "pass", "qual");
  g_object_set (encoder,
                "quantizer", (guint) DEFAULT_QUALITY,
                "bitrate", (guint) MAX_KBITRATE,
                "threads", (guint) X264_THREADS,
                /* A key frame every 2 s keeps seeking in the player cheap. */
                "key-int-max", (guint) self->fps * 2,
                NULL);

  h264_caps = gst_caps_new_simple ("video/x-h264", "profile", G_TYPE_STRING, "high", NULL);
  g_object_set (h264_filter, "caps", h264_caps, NULL);

  /* faststart buffers the media data in a scratch file until the index
   * is known: keep it beside the clip (same disk, same quota), not in
   * /tmp, which may be a small tmpfs. */
  g_object_set (mux, "faststart", TRUE, "faststart-file", self->mdat_path, NULL);
  g_object_set (sink, "location", self->part_path, "async", FALSE, NULL);

  if (!gst_element_link_many (appsrc, convert, i420_filter, encoder, h264_filter, mux, sink, NULL))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not set up the video encoder (GStreamer could not link the pipeline)"));
      return FALSE;
    }

  inb_appsrc_feed_watch (&self->feed, g_steal_pointer (&pipeline), appsrc);

  return TRUE;
}

/**
 * inb_video_writer_new:
 * @path: where the finished clip goes; "<path>.part" is used meanwhile
 * @width: frame width, even
 * @height: frame height, even
 * @fps: frames per second, > 0
 *
 * Initialises GStreamer if the caller has not, builds the pipeline and
 * creates "<path>.part". The x264 speed preset is "superfast" unless the
 * environment variable INBETWEEN_X264_PRESET names another.
 *
 * Returns: (transfer full): the writer, or %NULL with @error set
 *   (%G_IO_ERROR_INVALID_ARGUMENT for odd sizes, %INB_VIDEO_ERROR_FAILED
 *   naming the missing GStreamer element and its Debian package, or the
 *   error creating the file).
 */
InbVideoWriter *
inb_video_writer_new (const char  *path,
                      guint        width,
                      guint        height,
                      guint        fps,
                      GError     **error)
{
  g_autoptr(InbVideoWriter) self = NULL;
  g_autoptr(GError) init_error = NULL;
  GstStateChangeReturn ret;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0 || width % 2 != 0 || height % 2 != 0 || width > 16384 || height > 16384)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot encode %u×%u video: width and height must be even and between 2 and 16384"),
                   width, height);
      return NULL;
    }
  if (fps == 0 || fps > 240)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot encode video at %u frames per second"), fps);
      return NULL;
    }

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not initialise GStreamer: %s"), init_error->message);
      return NULL;
    }

  self = g_object_new (INB_TYPE_VIDEO_WRITER, NULL);
  self->path = g_strdup (path);
  self->part_path = g_strconcat (path, ".part", NULL);
  self->mdat_path = g_strconcat (path, ".mdat.part", NULL);
  self->width = width;
  self->height = height;
  self->fps = fps;

  if (!reserve_scratch_file (self->mdat_path, error))
    return NULL;
  if (!build_pipeline (self, error))
    {
      g_unlink (self->mdat_path);
      return NULL;
    }

  /* filesink opens (and truncates) the .part file on the way to PAUSED;
   * the rest of the pipeline prerolls once data arrives. */
  ret = gst_element_set_state (self->feed.pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      if (!inb_appsrc_feed_take_error (&self->feed, error))
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                     _("Could not start writing “%s”"), self->part_path);
      inb_video_writer_abort (self);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static GstBuffer *
buffer_for_frame (InbVideoWriter *self,
                  const InbImage *frame)
{
  gsize stride = inb_image_get_stride (frame);
  gsize row = (gsize) self->width * 3;
  const guint8 *src = inb_image_get_data (frame);
  GstBuffer *buffer;
  GstMapInfo map;

  if (stride == self->gst_stride)
    {
      GBytes *bytes = inb_image_get_bytes (frame);   /* borrowed; the buffer takes a ref */

      if (g_bytes_get_size (bytes) >= self->frame_size)
        {
          buffer = gst_buffer_new_wrapped_bytes (bytes);
          gst_buffer_set_size (buffer, self->frame_size);
          return buffer;
        }
    }

  buffer = gst_buffer_new_allocate (NULL, self->frame_size, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (guint y = 0; y < self->height; y++)
    memcpy (map.data + y * self->gst_stride, src + y * stride, row);
  gst_buffer_unmap (buffer, &map);

  return buffer;
}

/**
 * inb_video_writer_push:
 * @frame: an RGB image of the writer's size
 *
 * Queues one frame (timestamp = index / fps). Blocks while the encoder's
 * small queue is full. Call from one thread only.
 *
 * Returns: %FALSE with @error set if the frame has the wrong size, the
 *   writer was closed, the pipeline failed (disk full, encoder error) or
 *   stalled for a minute. After a failure, abort (or drop) the writer.
 */
gboolean
inb_video_writer_push (InbVideoWriter  *self,
                       const InbImage  *frame,
                       GError         **error)
{
  GstFlowReturn flow;
  guint stall_s = inb_appsrc_feed_bound_s (INB_APPSRC_FEED_STALL_ENV, STALL_TIMEOUT_S);

  g_return_val_if_fail (INB_IS_VIDEO_WRITER (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->closed || self->feed.pipeline == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   _("The video writer for “%s” is already closed"), self->path);
      return FALSE;
    }
  if (inb_image_get_width (frame) != self->width || inb_image_get_height (frame) != self->height)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Frame %u is %u×%u but the video is %u×%u"),
                   self->n_frames, inb_image_get_width (frame), inb_image_get_height (frame),
                   self->width, self->height);
      return FALSE;
    }

  switch (inb_appsrc_feed_wait_for_room (&self->feed, (guint64) self->frame_size * QUEUE_FRAMES,
                                         stall_s, error))
    {
    case INB_APPSRC_FEED_ROOM:
      break;
    case INB_APPSRC_FEED_FAILED:
      return FALSE;
    case INB_APPSRC_FEED_STALLED:
    case INB_APPSRC_FEED_FINISHED:
    default:
      /* stuck: abort() leaves the pipeline behind */
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT,
                   _("The video encoder took no frame for %d seconds"), (int) stall_s);
      return FALSE;
    }

  flow = inb_appsrc_feed_push (&self->feed, buffer_for_frame (self, frame), self->n_frames, self->fps, 1);
  if (flow != GST_FLOW_OK)
    {
      if (!inb_appsrc_feed_take_error (&self->feed, error))
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                     _("Could not write the video: the encoder refused frame %u (%s)"),
                     self->n_frames, gst_flow_get_name (flow));
      return FALSE;
    }

  self->n_frames++;
  return TRUE;
}

/* The clip is whole in @part_path: flushed, then given its name. A
 * failure is a file error (a full disk, an I/O error), like the pipeline's
 * own write errors: not the encoder's failure. */
static gboolean
sync_and_rename (const char  *part_path,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *dir = NULL;
  int fd;
  int saved_errno;

  fd = g_open (part_path, O_RDWR | O_CLOEXEC, 0);
  if (fd < 0 || fsync (fd) != 0)
    {
      saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not save “%s”: %s"), part_path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  if (g_rename (part_path, path) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not rename “%s” to “%s”: %s"), part_path, path, g_strerror (saved_errno));
      return FALSE;
    }

  /* Make the rename itself durable. */
  dir = g_path_get_dirname (path);
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("fsync of %s failed: %s", dir, g_strerror (errno));
      close (fd);
    }

  return TRUE;
}

/**
 * inb_video_writer_finish:
 *
 * Ends the stream, waits for the muxer to write the index, syncs the file
 * and renames "<path>.part" to the final path. On failure the partial file
 * is deleted. The writer is closed either way.
 *
 * Returns: %TRUE if the clip is complete at its path
 */
gboolean
inb_video_writer_finish (InbVideoWriter  *self,
                         GError         **error)
{
  GstFlowReturn flow;
  guint finish_s = inb_appsrc_feed_bound_s (INB_APPSRC_FEED_FINISH_ENV, FINISH_TIMEOUT_S);

  g_return_val_if_fail (INB_IS_VIDEO_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->closed || self->feed.pipeline == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   _("The video writer for “%s” is already closed"), self->path);
      return FALSE;
    }
  if (self->n_frames == 0)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Cannot finish “%s”: no frames were written"), self->path);
      inb_video_writer_abort (self);
      return FALSE;
    }
  if (inb_appsrc_feed_take_error (&self->feed, error))
    {
      inb_video_writer_abort (self);
      return FALSE;
    }

  flow = gst_app_src_end_of_stream (GST_APP_SRC (self->feed.appsrc));
  if (flow != GST_FLOW_OK)
    {
      if (!inb_appsrc_feed_take_error (&self->feed, error))
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                     _("Could not finish the video (%s)"), gst_flow_get_name (flow));
      inb_video_writer_abort (self);
      return FALSE;
    }

  switch (inb_appsrc_feed_wait_for_end (&self->feed, finish_s, error))
    {
    case INB_APPSRC_FEED_FINISHED:
      break;
    case INB_APPSRC_FEED_FAILED:
      inb_video_writer_abort (self);
      return FALSE;
    case INB_APPSRC_FEED_STALLED:
    case INB_APPSRC_FEED_ROOM:
    default:
      /* stuck: abort() leaves the pipeline behind */
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT,
                   _("The video encoder did not finish within %d seconds"), (int) finish_s);
      inb_video_writer_abort (self);
      return FALSE;
    }

  /* EOS: everything is in the .part file. */
  inb_appsrc_feed_stop (&self->feed);
  self->closed = TRUE;
  g_unlink (self->mdat_path);   /* normally gone already */

  if (!sync_and_rename (self->part_path, self->path, error))
    {
      g_unlink (self->part_path);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_video_writer_abort:
 *
 * Stops the pipeline and deletes the partial file. Safe to call more than
 * once, and after finish (then it does nothing).
 */
void
inb_video_writer_abort (InbVideoWriter *self)
{
  g_return_if_fail (INB_IS_VIDEO_WRITER (self));

  if (self->closed)
    return;

  self->closed = TRUE;
  /* A pipeline that stopped moving may never stop: left behind, so that
   * the take fails instead of hanging (see inb_appsrc_feed_abandon()) */
  inb_appsrc_feed_stop (&self->feed);
  if (g_unlink (self->part_path) != 0 && errno != ENOENT)
    g_warning ("Could not delete “%s”: %s", self->part_path, g_strerror (errno));
  /* mp4mux removes it when stopped; this covers a crash of the muxer */
  if (g_unlink (self->mdat_path) != 0 && errno != ENOENT)
    g_warning ("Could not delete “%s”: %s", self->mdat_path, g_strerror (errno));
}

gpointer
_inb_video_writer_get_pipeline (InbVideoWriter *self)
{
  g_return_val_if_fail (INB_IS_VIDEO_WRITER (self), NULL);

  return self->feed.pipeline;
}

/**
 * inb_video_writer_get_n_frames:
 *
 * Returns: how many frames were pushed successfully
 */
guint
inb_video_writer_get_n_frames (InbVideoWriter *self)
{
  g_return_val_if_fail (INB_IS_VIDEO_WRITER (self), 0);

  return self->n_frames;
}
