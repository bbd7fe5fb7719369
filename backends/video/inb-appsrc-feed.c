/* inb-appsrc-feed.c — feeding frames into a GStreamer pipeline through appsrc
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-appsrc-feed"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "inb-appsrc-feed.h"

/**
 * inb_appsrc_feed_init:
 * @error_from_message: names a pipeline error in the owner's terms
 */
void
inb_appsrc_feed_init (InbAppsrcFeed          *feed,
                      InbAppsrcFeedErrorFunc  error_from_message)
{
  memset (feed, 0, sizeof *feed);
  feed->error_from_message = error_from_message;
  g_mutex_init (&feed->mutex);
  g_cond_init (&feed->cond);
}

/**
 * inb_appsrc_feed_bound_s:
 * @env: %INB_APPSRC_FEED_STALL_ENV or %INB_APPSRC_FEED_FINISH_ENV
 * @default_s: the owner's bound
 *
 * For tests: a pipeline that never moves again (see
 * inb_appsrc_feed_abandon()) is only noticed after its owner's bound, a
 * minute or more; @env, when set to a whole number of seconds below
 * @default_s, shortens it, so that a test of that case takes seconds.
 *
 * Returns: the bound in seconds
 */
guint
inb_appsrc_feed_bound_s (const char *env,
                         guint       default_s)
{
  const char *value = g_getenv (env);
  guint64 seconds;

  if (value == NULL || *value == '\0')
    return default_s;
  if (!g_ascii_string_to_unsigned (value, 10, 1, default_s, &seconds, NULL))
    {
      g_warning ("Ignoring %s=%s: not a number of seconds from 1 to %u", env, value, default_s);
      return default_s;
    }
  return (guint) seconds;
}

/* Stops the pipeline (if any) and forgets it; the first error stays. One
 * that stopped moving is abandoned instead (inb_appsrc_feed_abandon()). */
void
inb_appsrc_feed_stop (InbAppsrcFeed *feed)
{
  if (feed->stuck)
    {
      inb_appsrc_feed_abandon (feed);
      return;
    }
  if (feed->pipeline != NULL)
    {
      gst_element_set_state (feed->pipeline, GST_STATE_NULL);
      if (feed->bus != NULL)
        gst_bus_set_sync_handler (feed->bus, NULL, NULL, NULL);
    }
  gst_clear_object (&feed->bus);
  gst_clear_object (&feed->appsrc);
  gst_clear_object (&feed->pipeline);
}

static gpointer
stop_abandoned (gpointer data)
{
  GstElement *pipeline = data;

  /* May never return: then this thread and the pipeline stay, stuck */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  return NULL;
}

/**
 * inb_appsrc_feed_abandon:
 *
 * For a pipeline that stopped moving (its owner timed out waiting): it is
 * stopped on a thread of its own, which may stay blocked for good, and
 * forgotten here at once. A stuck element can block the state change
 * forever — GStreamer 1.22's mp4mux deadlocks on an error reopening its
 * faststart scratch file (an EIO), holding its own lock — and stopping it
 * here would hang the owner with it. Nothing of @feed is used by the
 * pipeline afterwards (its bus handler and buffer probe are removed).
 */
void
inb_appsrc_feed_abandon (InbAppsrcFeed *feed)
{
  if (feed->pipeline != NULL)
    {
      if (feed->bus != NULL)
        gst_bus_set_sync_handler (feed->bus, NULL, NULL, NULL);
      if (feed->appsrc != NULL && feed->probe_id != 0)
        {
          g_autoptr(GstPad) src_pad = gst_element_get_static_pad (feed->appsrc, "src");

          gst_pad_remove_probe (src_pad, feed->probe_id);
        }
      g_debug ("A video pipeline stopped moving; it is left behind on a thread of its own");
      g_thread_unref (g_thread_new ("inb-stuck-pipeline", stop_abandoned, g_steal_pointer (&feed->pipeline)));
    }
  feed->probe_id = 0;
  feed->stuck = FALSE;   /* nothing is left to abandon */
  gst_clear_object (&feed->bus);
  gst_clear_object (&feed->appsrc);
}

void
inb_appsrc_feed_clear (InbAppsrcFeed *feed)
{
  inb_appsrc_feed_stop (feed);
  g_clear_error (&feed->pipeline_error);
  g_mutex_clear (&feed->mutex);
  g_cond_clear (&feed->cond);
}

/**
 * inb_appsrc_feed_add_element:
 * @package: the Debian package that has @factory, for the error
 *
 * Returns: (transfer none) (nullable): a new @factory element in
 *   @pipeline, or %NULL with @error (@domain, @code) naming the package
 */
GstElement *
inb_appsrc_feed_add_element (GstElement  *pipeline,
                             const char  *factory,
                             const char  *package,
                             GQuark       domain,
                             int          code,
                             GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, domain, code,
                   /* Translators: first %s is a GStreamer element, second a Debian package */
                   _("The GStreamer element “%s” is missing; install the package %s"),
                   factory, package);
      return NULL;
    }
  gst_bin_add (GST_BIN (pipeline), element);
  return element;
}

/**
 * inb_appsrc_feed_set_up_rgb:
 * @queue_frames: how many frames appsrc may hold
 * @stride: (out): the bytes of one row in GStreamer's layout
 *
 * Sets @appsrc up for RGB frames of @width×@height at @fps_n/@fps_d
 * frames per second.
 *
 * Returns: the bytes of one frame in GStreamer's layout
 */
gsize
inb_appsrc_feed_set_up_rgb (GstElement *appsrc,
                            guint       width,
                            guint       height,
                            guint       fps_n,
                            guint       fps_d,
                            guint       queue_frames,
                            gsize      *stride)
{
  g_autoptr(GstCaps) raw_caps = NULL;
  GstVideoInfo info;
  gsize frame_size;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, width, height);
  GST_VIDEO_INFO_FPS_N (&info) = (int) fps_n;
  GST_VIDEO_INFO_FPS_D (&info) = (int) fps_d;
  *stride = (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  frame_size = GST_VIDEO_INFO_SIZE (&info);
  raw_caps = gst_video_info_to_caps (&info);

  g_object_set (appsrc,
                "caps", raw_caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                /* inb_appsrc_feed_wait_for_room() does the waiting so that
                 * a pipeline error can wake it; appsrc itself never blocks. */
                "block", FALSE,
                "max-bytes", (guint64) frame_size * queue_frames,
                "emit-signals", FALSE,
                NULL);

  return frame_size;
}

/* Runs on whichever thread posts: keeps the first error and wakes push(). */
static GstBusSyncReply
bus_sync_handler (GstBus     *bus,
                  GstMessage *message,
                  gpointer    user_data)
{
  InbAppsrcFeed *feed = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      g_mutex_lock (&feed->mutex);
      if (feed->pipeline_error == NULL)
        feed->pipeline_error = feed->error_from_message (message);
      g_cond_broadcast (&feed->cond);
      g_mutex_unlock (&feed->mutex);
      return GST_BUS_PASS;

    case GST_MESSAGE_EOS:
      return GST_BUS_PASS;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) warning = NULL;

        gst_message_parse_warning (message, &warning, NULL);
        g_debug ("pipeline warning: %s", warning->message);
      }
      /* A sync handler that drops a message owns it (GstBusSyncHandler):
       * without the unref each one, holding its element, kept the whole
       * pipeline alive after the writer was gone (found by LeakSanitizer) */
      gst_message_unref (message);
      return GST_BUS_DROP;

    default:
      /* Nobody reads state changes, tags, latency…: don't let them pile up. */
      gst_message_unref (message);
      return GST_BUS_DROP;
    }
}

/* A buffer left appsrc: its queue has room again. */
static GstPadProbeReturn
appsrc_buffer_probe (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         user_data)
{
  InbAppsrcFeed *feed = user_data;

  g_mutex_lock (&feed->mutex);
  g_cond_broadcast (&feed->cond);
  g_mutex_unlock (&feed->mutex);

  return GST_PAD_PROBE_OK;
}

/**
 * inb_appsrc_feed_watch:
 * @pipeline: (transfer full): the linked pipeline, not yet started
 * @appsrc: (transfer none): its source
 *
 * Takes the pipeline, and from now on keeps its first error and wakes
 * inb_appsrc_feed_wait_for_room() whenever a buffer leaves @appsrc.
 */
void
inb_appsrc_feed_watch (InbAppsrcFeed *feed,
                       GstElement    *pipeline,
                       GstElement    *appsrc)
{
  g_autoptr(GstPad) src_pad = gst_element_get_static_pad (appsrc, "src");

  feed->probe_id = gst_pad_add_probe (src_pad, GST_PAD_PROBE_TYPE_BUFFER, appsrc_buffer_probe, feed, NULL);
  feed->bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (feed->bus, bus_sync_handler, feed, NULL);
  feed->appsrc = gst_object_ref (appsrc);
  feed->pipeline = pipeline;
}

/**
 * inb_appsrc_feed_take_error:
 *
 * Returns: %TRUE with a copy of the pipeline's first error in @error if
 *   it failed
 */
gboolean
inb_appsrc_feed_take_error (InbAppsrcFeed  *feed,
                            GError        **error)
{
  gboolean failed;

  g_mutex_lock (&feed->mutex);
  failed = feed->pipeline_error != NULL;
  if (failed)
    g_propagate_error (error, g_error_copy (feed->pipeline_error));
  g_mutex_unlock (&feed->mutex);

  return failed;
}

/**
 * inb_appsrc_feed_wait_for_room:
 * @max_bytes: how much appsrc may hold
 * @stall_timeout_s: how long nothing may move
 *
 * Back-pressure: waits until appsrc holds less than @max_bytes, the
 * pipeline fails (its error goes to @error) or nothing has moved for
 * @stall_timeout_s (the owner says so in its own words). The buffer
 * probe signals under the same mutex, so no wake-up is lost; the timed
 * wait is only a safety net.
 */
InbAppsrcFeedWait
inb_appsrc_feed_wait_for_room (InbAppsrcFeed  *feed,
                               guint64         max_bytes,
                               guint           stall_timeout_s,
                               GError        **error)
{
  gint64 deadline = g_get_monotonic_time () + stall_timeout_s * G_TIME_SPAN_SECOND;
  gboolean stalled = FALSE;

  g_mutex_lock (&feed->mutex);
  while (feed->pipeline_error == NULL &&
         gst_app_src_get_current_level_bytes (GST_APP_SRC (feed->appsrc)) >= max_bytes)
    {
      if (g_get_monotonic_time () >= deadline)
        {
          stalled = TRUE;
          break;
        }
      g_cond_wait_until (&feed->cond, &feed->mutex, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
    }
  g_mutex_unlock (&feed->mutex);

  if (inb_appsrc_feed_take_error (feed, error))
    return INB_APPSRC_FEED_FAILED;
  if (stalled)
    {
      feed->stuck = TRUE;
      return INB_APPSRC_FEED_STALLED;
    }
  return INB_APPSRC_FEED_ROOM;
}

/**
 * inb_appsrc_feed_wait_for_end:
 * @timeout_s: how long the pipeline may take to drain
 *
 * After the owner ended the stream: waits for the end to reach the sink
 * (%INB_APPSRC_FEED_FINISHED), the pipeline's first error (in @error:
 * %INB_APPSRC_FEED_FAILED) or @timeout_s (%INB_APPSRC_FEED_STALLED, the
 * owner says so in its own words). A pipeline that timed out is stuck:
 * inb_appsrc_feed_stop() then abandons it.
 */
InbAppsrcFeedWait
inb_appsrc_feed_wait_for_end (InbAppsrcFeed  *feed,
                              guint           timeout_s,
                              GError        **error)
{
  g_autoptr(GstMessage) message = NULL;

  message = gst_bus_timed_pop_filtered (feed->bus, timeout_s * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message == NULL)
    {
      feed->stuck = TRUE;
      return INB_APPSRC_FEED_STALLED;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      if (!inb_appsrc_feed_take_error (feed, error))
        g_propagate_error (error, feed->error_from_message (message));
      return INB_APPSRC_FEED_FAILED;
    }
  return INB_APPSRC_FEED_FINISHED;
}

/**
 * inb_appsrc_feed_push:
 * @buffer: (transfer full): frame @index
 *
 * Stamps @buffer as frame @index at @fps_n/@fps_d frames per second and
 * hands it to appsrc.
 */
GstFlowReturn
inb_appsrc_feed_push (InbAppsrcFeed *feed,
                      GstBuffer     *buffer,
                      guint          index,
                      guint          fps_n,
                      guint          fps_d)
{
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (index, GST_SECOND * fps_d, fps_n);
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (index + 1, GST_SECOND * fps_d, fps_n) -
                                 GST_BUFFER_PTS (buffer);
  GST_BUFFER_OFFSET (buffer) = index;

  return gst_app_src_push_buffer (GST_APP_SRC (feed->appsrc), buffer);
}
