/* inb-export-private.h — the exporter's internals: clip decoding and encoders
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "inb-export-options.h"
#include "inb-image.h"

G_BEGIN_DECLS

/* The key under which PNG tEXt, and the marker member in the JSON. */
#define INB_EXPORT_METADATA_KEY "inbetween"

/* ------------------------------------------------------------ the source */

typedef struct
{
  guint n_frames;   /* exact: counted packet by packet */
  guint fps_n;
  guint fps_d;
  guint width;
  guint height;
} InbClipInfo;

typedef struct _InbExportSource InbExportSource;

/* Blocking: counts the clip's frames without decoding them. */
gboolean          _inb_export_probe_clip    (const char       *path,
                                             InbClipInfo      *info,
                                             GCancellable     *cancellable,
                                             GError          **error);

typedef enum
{
  INB_EXPORT_SOURCE_RGB,       /* 8-bit RGB InbImages */
  INB_EXPORT_SOURCE_PRECISE,   /* the same through 16 bits per channel: exact to rounding, slower */
  INB_EXPORT_SOURCE_RAW,       /* the decoder's own frames (YUV), as GstSamples: no conversion */
} InbExportSourceMode;

/* Decodes @path as a player does (the stream's colorimetry honoured),
 * scaled to @width × @height (0 = as it is). With @wanted (sorted,
 * @n_wanted entries) only those frame indices are passed on, the others
 * are dropped after decoding. */
InbExportSource  *_inb_export_source_new    (const char       *path,
                                             guint             width,
                                             guint             height,
                                             InbExportSourceMode mode,
                                             const guint      *wanted,
                                             guint             n_wanted,
                                             GError          **error);
/* The next frame, or %NULL at the end (error unset) or on failure. */
InbImage         *_inb_export_source_next   (InbExportSource  *source,
                                             guint            *index,
                                             GCancellable     *cancellable,
                                             GError          **error);
/* RAW mode: the next frame as decoded. */
GstSample        *_inb_export_source_next_sample (InbExportSource *source,
                                                  guint           *index,
                                                  GCancellable    *cancellable,
                                                  GError         **error);
void              _inb_export_source_free   (InbExportSource  *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbExportSource, _inb_export_source_free)

/* -------------------------------------------------------------- the sinks */

typedef struct
{
  const char      *path;       /* where to write: a temporary file (a folder for PNG) */
  guint            width;
  guint            height;
  guint            fps_n;
  guint            fps_d;
  guint            loop;       /* GIF/WebP: plays, 0 = forever */
  guint            n_frames;   /* frames that will be pushed */
  const char      *metadata;   /* compact ASCII JSON, or NULL */
  GCancellable    *cancellable; /* finish() of the slow encoders stops on it */
} InbExportSinkParams;

typedef struct _InbExportSink InbExportSink;

struct _InbExportSink
{
  gboolean (*push)   (InbExportSink  *sink,
                      InbImage       *frame,
                      GError        **error);
  /* MP4, WebM and ProRes also take decoded frames as they are. */
  gboolean (*push_sample) (InbExportSink  *sink,
                           GstSample      *sample,
                           GError        **error);
  gboolean (*finish) (InbExportSink  *sink,
                      GError        **error);
  /* Stops; never deletes the output (the exporter owns the temp path). */
  void     (*free)   (InbExportSink  *sink);
};

InbExportSink    *_inb_export_sink_new_gst  (InbExportFormat             format,
                                             const InbExportSinkParams  *params,
                                             GError                    **error);
InbExportSink    *_inb_export_sink_new_gif  (const InbExportSinkParams  *params,
                                             GError                    **error);
InbExportSink    *_inb_export_sink_new_webp (const InbExportSinkParams  *params,
                                             GError                    **error);
InbExportSink    *_inb_export_sink_new_png  (const InbExportSinkParams  *params,
                                             GError                    **error);
void              _inb_export_sink_free     (InbExportSink             *sink);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbExportSink, _inb_export_sink_free)

/* ---------------------------------------------------------- the metadata */

/* Read back from each kind of file; %NULL (no error) when absent. */
char             *_inb_export_read_png_text  (const char  *path,
                                              GError     **error);
char             *_inb_export_read_gif_text  (const char  *path,
                                              GError     **error);
char             *_inb_export_read_webp_text (const char  *path,
                                              GError     **error);
char             *_inb_export_read_gst_text  (const char  *path,
                                              GError     **error);

G_END_DECLS
