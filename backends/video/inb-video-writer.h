/* inb-video-writer.h — stream RGB frames into an H.264 MP4 with GStreamer
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-image.h"

G_BEGIN_DECLS

#define INB_TYPE_VIDEO_WRITER (inb_video_writer_get_type ())

G_DECLARE_FINAL_TYPE (InbVideoWriter, inb_video_writer, INB, VIDEO_WRITER, GObject)

/**
 * InbVideoWriter:
 *
 * appsrc → videoconvert → x264enc → video/x-h264,profile=high → mp4mux
 * (faststart) → filesink, yuv420p. Frames are pushed one at a time from
 * one worker thread; push blocks while the encoder's small queue is full,
 * so the clip is never buffered whole. The file is written to
 * "<path>.part" and renamed to @path only by a successful finish; abort
 * (or dispose without finish) deletes the partial file.
 */
InbVideoWriter *inb_video_writer_new      (const char     *path,
                                           guint           width,
                                           guint           height,
                                           guint           fps,
                                           GError        **error);
gboolean        inb_video_writer_push     (InbVideoWriter *self,
                                           const InbImage *frame,
                                           GError        **error);
gboolean        inb_video_writer_finish   (InbVideoWriter *self,
                                           GError        **error);
void            inb_video_writer_abort    (InbVideoWriter *self);
guint           inb_video_writer_get_n_frames (InbVideoWriter *self);

/* For tests only: the pipeline (a GstElement), to see that it is freed */
gpointer         _inb_video_writer_get_pipeline (InbVideoWriter *self);

G_END_DECLS
