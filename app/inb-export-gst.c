/* inb-export-gst.c — MP4 (H.264), WebM (VP9) and ProRes 422 HQ (MOV) with GStreamer
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

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "inb-appsrc-feed.h"
#include "inb-export-private.h"

/*
 *   appsrc (RGB) ! videoconvert ! capsfilter (YUV, BT.709) ! encoder ! muxer ! filesink
 *
 * x264 at the preset our clips are made with (superfast, constant quality
 * 18), VP9 in constant-quality mode with row multithreading, ProRes with
 * FFmpeg's prores_ks at profile HQ. The settings go in the muxer's
 * comment tag (MP4/MOV: ©cmt; WebM: COMMENT).
 */

#define QUEUE_FRAMES      4
/* The bounds on a pipeline that stopped moving (tests shorten them with
 * INB_TEST_VIDEO_STALL_S and INB_TEST_VIDEO_FINISH_S, see
 * inb_appsrc_feed_bound_s()); after either, it is abandoned, not stopped. */
#define STALL_TIMEOUT_S   60
#define FINISH_TIMEOUT_S  300
#define X264_PRESET       "superfast"
#define X264_QUALITY      18
#define X264_MAX_KBITRATE 50000
#define VP9_CQ_LEVEL      30

typedef struct
{
  InbExportSink  parent;

  InbAppsrcFeed  feed;
  char          *path;
  char          *scratch_path;   /* mp4mux/qtmux faststart data */
  guint          width;
  guint          height;
  guint          fps_n;
  guint          fps_d;
  gsize          frame_size;
  gsize          gst_stride;
  guint          n_frames;
} GstSink;

static GError *
error_from_message (GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("export pipeline: %s (%s)", gst_error->message, debug ? debug : "");

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    return g_error_new (INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                        _("Could not write the export: %s (%s)"), gst_error->message,
                        g_strerror (ENOSPC));
  /* The file could not be written: with the system's reason, which
   * GStreamer keeps in the debug text only ("…system error: …") */
  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SYNC) ||
      g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_CLOSE))
    {
      const char *reason = debug != NULL ? strstr (debug, "system error: ") : NULL;

      if (reason != NULL)
        reason += strlen ("system error: ");
      else if (debug != NULL && (reason = strrchr (debug, ':')) != NULL && reason[1] == ' ')
        reason += 2;   /* filesink: "Error while writing to file “…”: <strerror>" */
      if (reason != NULL && *reason != '\0')
        return g_error_new (INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                            _("Could not write the export: %s (%s)"), gst_error->message, reason);
      return g_error_new (INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                          _("Could not write the export: %s"), gst_error->message);
    }
  return g_error_new (INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                      _("The encoder failed: %s"), gst_error->message);
}

/* GStreamer 1.22's mp4mux/qtmux deadlocks when it cannot open its faststart
 * scratch file (it posts the error while holding its own object lock): a
 * full disk there hung the export for good (tests/fault/run.py). So the
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

static GstElement *
make_element (GstElement  *pipeline,
              const char  *factory,
              const char  *package,
              GError     **error)
{
  return inb_appsrc_feed_add_element (pipeline, factory, package,
                                      INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, error);
}

/* Waits until appsrc holds fewer than QUEUE_FRAMES frames (back-pressure),
 * the pipeline fails, or nothing has moved for STALL_TIMEOUT_S (then the
 * pipeline is stuck: freeing the sink abandons it). */
static gboolean
wait_for_room (GstSink  *self,
               GError  **error)
{
  int stall_s = (int) inb_appsrc_feed_bound_s (INB_APPSRC_FEED_STALL_ENV, STALL_TIMEOUT_S);

  switch (inb_appsrc_feed_wait_for_room (&self->feed, (guint64) self->frame_size * QUEUE_FRAMES,
                                         stall_s, error))
    {
    case INB_APPSRC_FEED_ROOM:
      return TRUE;
    case INB_APPSRC_FEED_FAILED:
      return FALSE;
    case INB_APPSRC_FEED_STALLED:
    case INB_APPSRC_FEED_FINISHED:
    default:
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   ngettext ("The encoder took no frame for %d second",
                             "The encoder took no frame for %d seconds", stall_s), stall_s);
      return FALSE;
    }
}

/* Stamps @buffer (transfer full) as the next frame at the export's rate
 * and hands it to appsrc. */
static gboolean
push_next_frame (GstSink    *self,
                 GstBuffer  *buffer,
                 GError    **error)
{
  GstFlowReturn flow = inb_appsrc_feed_push (&self->feed, buffer, self->n_frames, self->fps_n, self->fps_d);

  if (flow != GST_FLOW_OK)
    {
      if (!inb_appsrc_feed_take_error (&self->feed, error))
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                     _("The encoder refused frame %u (%s)"), self->n_frames, gst_flow_get_name (flow));
      return FALSE;
    }

  self->n_frames++;
  return TRUE;
}

static gboolean
gst_sink_push (InbExportSink  *sink,
               InbImage       *frame,
               GError        **error)
{
  GstSink *self = (GstSink *) sink;
  GstBuffer *buffer;
  GstMapInfo map;
  const guint8 *src = inb_image_get_data (frame);
  gsize stride = inb_image_get_stride (frame);

  g_return_val_if_fail (inb_image_get_width (frame) == self->width &&
                        inb_image_get_height (frame) == self->height, FALSE);

  if (!wait_for_room (self, error))
    return FALSE;

  buffer = gst_buffer_new_allocate (NULL, self->frame_size, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (guint y = 0; y < self->height; y++)
    memcpy (map.data + y * self->gst_stride, src + y * stride, (gsize) self->width * 3);
  gst_buffer_unmap (buffer, &map);

  return push_next_frame (self, buffer, error);
}

/* Decoded frames as they are: the buffer is shared, not copied. */
static gboolean
gst_sink_push_sample (InbExportSink  *sink,
                      GstSample      *sample,
                      GError        **error)
{
  GstSink *self = (GstSink *) sink;

  if (self->n_frames == 0)
    {
      /* Nothing has flowed yet: the appsrc takes the decoder's caps, at
       * the export's frame rate. */
      g_autoptr(GstCaps) caps = gst_caps_copy (gst_sample_get_caps (sample));

      gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, (int) self->fps_n, (int) self->fps_d, NULL);
      self->frame_size = gst_buffer_get_size (gst_sample_get_buffer (sample));
      g_object_set (self->feed.appsrc, "caps", caps, "max-bytes", (guint64) self->frame_size * QUEUE_FRAMES, NULL);
    }

  if (!wait_for_room (self, error))
    return FALSE;

  /* gst_buffer_copy shares the memory */
  return push_next_frame (self, gst_buffer_copy (gst_sample_get_buffer (sample)), error);
}

static gboolean
gst_sink_finish (InbExportSink  *sink,
                 GError        **error)
{
  GstSink *self = (GstSink *) sink;
  int finish_s = (int) inb_appsrc_feed_bound_s (INB_APPSRC_FEED_FINISH_ENV, FINISH_TIMEOUT_S);

  if (inb_appsrc_feed_take_error (&self->feed, error))
    return FALSE;
  if (self->n_frames == 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("No frames were written"));
      return FALSE;
    }

  gst_app_src_end_of_stream (GST_APP_SRC (self->feed.appsrc));
  switch (inb_appsrc_feed_wait_for_end (&self->feed, finish_s, error))
    {
    case INB_APPSRC_FEED_FINISHED:
      break;
    case INB_APPSRC_FEED_FAILED:
      return FALSE;
    case INB_APPSRC_FEED_STALLED:
    case INB_APPSRC_FEED_ROOM:
    default:
      /* stuck (GStreamer 1.22's mp4mux on an EIO reopening its scratch
       * file): freeing the sink leaves the pipeline behind */
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   ngettext ("The encoder did not finish within %d second",
                             "The encoder did not finish within %d seconds", finish_s), finish_s);
      return FALSE;
    }

  gst_element_set_state (self->feed.pipeline, GST_STATE_NULL);
  return TRUE;
}

static void
gst_sink_free (InbExportSink *sink)
{
  GstSink *self = (GstSink *) sink;

  inb_appsrc_feed_stop (&self->feed);   /* or abandons a stuck one */
  if (self->scratch_path != NULL)
    g_unlink (self->scratch_path);   /* the muxer removes it; this covers a failure */
  inb_appsrc_feed_clear (&self->feed);
  g_free (self->path);
  g_free (self->scratch_path);
  g_free (self);
}

static GstSink *
gst_sink_alloc (const InbExportSinkParams *params)
{
  GstSink *self = g_new0 (GstSink, 1);

  self->parent.push = gst_sink_push;
  self->parent.push_sample = gst_sink_push_sample;
  self->parent.finish = gst_sink_finish;
  self->parent.free = gst_sink_free;
  inb_appsrc_feed_init (&self->feed, error_from_message);
  self->path = g_strdup (params->path);
  self->width = params->width;
  self->height = params->height;
  self->fps_n = params->fps_n;
  self->fps_d = params->fps_d;

  return self;
}

/* Adds and sets up @format's encoder and muxer; @yuv_format is what the
 * encoder takes. */
static gboolean
add_encoder_and_muxer (GstElement                 *pipeline,
                       InbExportFormat             format,
                       const InbExportSinkParams  *params,
                       guint                       n_threads,
                       GstElement                **encoder,
                       GstElement                **mux,
                       const char                **yuv_format,
                       GError                    **error)
{
  switch (format)
    {
    case INB_EXPORT_FORMAT_MP4:
      if (!(*encoder = make_element (pipeline, "x264enc", "gstreamer1.0-plugins-ugly", error)) ||
          !(*mux = make_element (pipeline, "mp4mux", "gstreamer1.0-plugins-good", error)))
        return FALSE;
      *yuv_format = "I420";
      gst_util_set_object_arg (G_OBJECT (*encoder), "speed-preset", X264_PRESET);
      gst_util_set_object_arg (G_OBJECT (*encoder), "pass", "qual");
      g_object_set (*encoder,
                    "quantizer", (guint) X264_QUALITY,
                    "bitrate", (guint) X264_MAX_KBITRATE,
                    "threads", (guint) 0,
                    "key-int-max", (guint) MAX (1, 2 * params->fps_n / params->fps_d),
                    NULL);
      return TRUE;

    case INB_EXPORT_FORMAT_WEBM:
      if (!(*encoder = make_element (pipeline, "vp9enc", "gstreamer1.0-plugins-good", error)) ||
          !(*mux = make_element (pipeline, "webmmux", "gstreamer1.0-plugins-good", error)))
        return FALSE;
      *yuv_format = "I420";
      gst_util_set_object_arg (G_OBJECT (*encoder), "end-usage", "cq");
      g_object_set (*encoder,
                    "cq-level", (int) VP9_CQ_LEVEL,
                    /* A cap of about one bit per pixel: libvpx's real-time
                     * mode drops frames when the cap is far above what
                     * small frames can use (35 bits per pixel at 160×90). */
                    "target-bitrate", (int) CLAMP ((double) params->width * params->height *
                                                   params->fps_n / params->fps_d, 100e3, 20e6),
                    "deadline", (gint64) 1,   /* real time: the "good" deadline is ~10× slower */
                    "cpu-used", (int) 5,
                    "threads", (int) n_threads,
                    "row-mt", TRUE,
                    "tile-columns", (int) 2,
                    "keyframe-max-dist", (int) MAX (1, 2 * params->fps_n / params->fps_d),
                    NULL);
      return TRUE;

    case INB_EXPORT_FORMAT_PRORES:
      if (!(*encoder = make_element (pipeline, "avenc_prores_ks", "gstreamer1.0-libav", error)) ||
          !(*mux = make_element (pipeline, "qtmux", "gstreamer1.0-plugins-good", error)))
        return FALSE;
      *yuv_format = "I422_10LE";
      gst_util_set_object_arg (G_OBJECT (*encoder), "profile", "hq");
      /* "threads" is an enum whose 0 means automatic: one per core. */
      gst_util_set_object_arg (G_OBJECT (*encoder), "threads", "0");
      return TRUE;

    case INB_EXPORT_FORMAT_GIF:
    case INB_EXPORT_FORMAT_WEBP:
    case INB_EXPORT_FORMAT_PNG:
    case INB_EXPORT_N_FORMATS:
    default:
      g_assert_not_reached ();
    }
}

/* faststart (MP4 and MOV) and the settings in the comment tag. */
static gboolean
set_up_muxer (GstSink                    *self,
              InbExportFormat             format,
              const InbExportSinkParams  *params,
              GstElement                 *mux,
              GError                    **error)
{
  if (format != INB_EXPORT_FORMAT_WEBM)
    {
      /* faststart: the index before the data, for players that stream;
       * its scratch file stays beside the result, not in a small /tmp. */
      self->scratch_path = g_strconcat (params->path, ".mdat", NULL);
      if (!reserve_scratch_file (self->scratch_path, error))
        {
          g_clear_pointer (&self->scratch_path, g_free);
          return FALSE;
        }
      g_object_set (mux, "faststart", TRUE, "faststart-file", self->scratch_path, NULL);
    }

  if (params->metadata != NULL)
    gst_tag_setter_add_tags (GST_TAG_SETTER (mux), GST_TAG_MERGE_REPLACE,
                             GST_TAG_COMMENT, params->metadata,
                             GST_TAG_APPLICATION_NAME, "Inbetween",
                             NULL);
  return TRUE;
}

/**
 * _inb_export_sink_new_gst:
 *
 * Returns: (transfer full): a running pipeline writing @params->path
 */
InbExportSink *
_inb_export_sink_new_gst (InbExportFormat             format,
                          const InbExportSinkParams  *params,
                          GError                    **error)
{
  g_autoptr(InbExportSink) sink = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstCaps) yuv_caps = NULL;
  g_autoptr(GError) init_error = NULL;
  GstSink *self;
  GstElement *appsrc, *convert, *filter, *encoder, *mux, *filesink;
  const char *yuv_format;
  guint n_threads = MIN (g_get_num_processors (), 16);

  g_return_val_if_fail (inb_export_format_is_video (format), NULL);

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("Could not initialise GStreamer: %s"), init_error->message);
      return NULL;
    }

  self = gst_sink_alloc (params);
  sink = (InbExportSink *) self;

  pipeline = gst_object_ref_sink (gst_pipeline_new ("inb-export-encode"));
  if (!(appsrc = make_element (pipeline, "appsrc", "gstreamer1.0-plugins-base", error)) ||
      !(convert = make_element (pipeline, "videoconvert", "gstreamer1.0-plugins-base", error)) ||
      !(filter = make_element (pipeline, "capsfilter", "libgstreamer1.0-0", error)) ||
      !add_encoder_and_muxer (pipeline, format, params, n_threads, &encoder, &mux, &yuv_format, error) ||
      !(filesink = make_element (pipeline, "filesink", "libgstreamer1.0-0", error)))
    return NULL;

  /* appsrc takes RGB frames of the export's size and rate. */
  self->frame_size = inb_appsrc_feed_set_up_rgb (appsrc, self->width, self->height, self->fps_n, self->fps_d,
                                                 QUEUE_FRAMES, &self->gst_stride);
  g_object_set (convert, "n-threads", n_threads, NULL);

  /* Tagged BT.709, as every player expects of HD video. */
  yuv_caps = gst_caps_new_simple ("video/x-raw",
                                  "format", G_TYPE_STRING, yuv_format,
                                  "colorimetry", G_TYPE_STRING, "bt709",
                                  NULL);
  g_object_set (filter, "caps", yuv_caps, NULL);

  if (!set_up_muxer (self, format, params, mux, error))
    return NULL;
  g_object_set (filesink, "location", params->path, "async", FALSE, NULL);

  if (!gst_element_link_many (appsrc, convert, filter, encoder, mux, filesink, NULL))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("Could not set up the %s encoder"), inb_export_format_get_title (format));
      return NULL;
    }

  inb_appsrc_feed_watch (&self->feed, g_steal_pointer (&pipeline), appsrc);

  if (gst_element_set_state (self->feed.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!inb_appsrc_feed_take_error (&self->feed, error))
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                     _("Could not start writing “%s”"), params->path);
      return NULL;
    }

  return g_steal_pointer (&sink);
}

void
_inb_export_sink_free (InbExportSink *sink)
{
  if (sink != NULL)
    sink->free (sink);
}

/* ------------------------------------------------------------ reading back */

/**
 * _inb_export_read_gst_text:
 *
 * Blocking: the comment tag of an MP4, MOV or WebM file, read by the
 * demuxer alone (nothing is decoded).
 *
 * Returns: (transfer full) (nullable): the comment, %NULL if none
 */
char *
_inb_export_read_gst_text (const char  *path,
                           GError     **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) init_error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *escaped = NULL;
  char *comment = NULL;
  gint64 deadline;

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("Could not initialise GStreamer: %s"), init_error->message);
      return NULL;
    }

  /* parsebin: typefind + demuxer + parsers; tags come before any frame. */
  escaped = g_strescape (path, NULL);
  description = g_strdup_printf ("filesrc location=\"%s\" ! parsebin ! fakesink sync=false", escaped);
  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &init_error);
  if (pipeline == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("Could not read “%s”: %s"), path, init_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);

  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (comment == NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GstMessage) message =
        gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                    GST_MESSAGE_TAG | GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_EOS);

      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_TAG)
        {
          g_autoptr(GstTagList) tags = NULL;
          g_autofree char *text = NULL;

          gst_message_parse_tag (message, &tags);
          if (gst_tag_list_get_string (tags, GST_TAG_COMMENT, &text) &&
              strstr (text, INB_EXPORT_METADATA_KEY) != NULL)
            comment = g_steal_pointer (&text);
          continue;
        }
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                       _("Could not read “%s”: %s"), path, gst_error->message);
          break;
        }
      break;   /* prerolled or at the end: every tag was posted */
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  return comment;
}
