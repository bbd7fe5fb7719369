/* inb-appsrc-feed.h — feeding frames into a GStreamer pipeline through appsrc
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Turns a GStreamer error message into a GError of the caller's module. */
typedef GError *(*InbAppsrcFeedErrorFunc) (GstMessage *message);

/**
 * InbAppsrcFeed:
 *
 * What the video writer (backends/video/) and the export's encoder
 * (app/) share: a pipeline fed by an appsrc that never blocks by itself,
 * a push that waits for room (back-pressure) or the pipeline's first
 * error, whichever comes first, and the teardown. Embed it in the
 * owner's struct (streaming threads hold its address); the owner names
 * the errors (its error domain and messages).
 */
typedef struct
{
  GstElement             *pipeline;
  GstElement             *appsrc;
  GstBus                 *bus;

  /*< private >*/
  InbAppsrcFeedErrorFunc  error_from_message;
  GMutex                  mutex;   /* shared with streaming threads */
  GCond                   cond;
  GError                 *pipeline_error;
  gulong                  probe_id;
  gboolean                stuck;   /* it stopped moving: abandon, don't stop */
} InbAppsrcFeed;

typedef enum
{
  INB_APPSRC_FEED_ROOM,      /* appsrc has room for another frame */
  INB_APPSRC_FEED_FAILED,    /* the pipeline failed: its error is set */
  INB_APPSRC_FEED_STALLED,   /* nothing moved for the whole timeout */
  INB_APPSRC_FEED_FINISHED,  /* the end of the stream reached the sink */
} InbAppsrcFeedWait;

/* For tests: override every pipeline's stall and finish bounds (whole
 * seconds), so that a stuck muxer fails a test in seconds, not minutes. */
#define INB_APPSRC_FEED_STALL_ENV   "INB_TEST_VIDEO_STALL_S"
#define INB_APPSRC_FEED_FINISH_ENV  "INB_TEST_VIDEO_FINISH_S"

void               inb_appsrc_feed_init           (InbAppsrcFeed           *feed,
                                                   InbAppsrcFeedErrorFunc   error_from_message);
void               inb_appsrc_feed_clear          (InbAppsrcFeed           *feed);
GstElement        *inb_appsrc_feed_add_element    (GstElement              *pipeline,
                                                   const char              *factory,
                                                   const char              *package,
                                                   GQuark                   domain,
                                                   int                      code,
                                                   GError                 **error);
gsize              inb_appsrc_feed_set_up_rgb     (GstElement              *appsrc,
                                                   guint                    width,
                                                   guint                    height,
                                                   guint                    fps_n,
                                                   guint                    fps_d,
                                                   guint                    queue_frames,
                                                   gsize                   *stride);
void               inb_appsrc_feed_watch          (InbAppsrcFeed           *feed,
                                                   GstElement              *pipeline,
                                                   GstElement              *appsrc);
gboolean           inb_appsrc_feed_take_error     (InbAppsrcFeed           *feed,
                                                   GError                 **error);
InbAppsrcFeedWait  inb_appsrc_feed_wait_for_room  (InbAppsrcFeed           *feed,
                                                   guint64                  max_bytes,
                                                   guint                    stall_timeout_s,
                                                   GError                 **error);
GstFlowReturn      inb_appsrc_feed_push           (InbAppsrcFeed           *feed,
                                                   GstBuffer               *buffer,
                                                   guint                    index,
                                                   guint                    fps_n,
                                                   guint                    fps_d);
InbAppsrcFeedWait  inb_appsrc_feed_wait_for_end   (InbAppsrcFeed           *feed,
                                                   guint                    timeout_s,
                                                   GError                 **error);
guint              inb_appsrc_feed_bound_s        (const char              *env,
                                                   guint                    default_s);
void               inb_appsrc_feed_stop           (InbAppsrcFeed           *feed);
void               inb_appsrc_feed_abandon        (InbAppsrcFeed           *feed);

G_END_DECLS
