/* inb-video-reader.h — verify a clip and read its frames back
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-image.h"

G_BEGIN_DECLS

#define INB_VIDEO_ERROR (inb_video_error_quark ())

typedef enum
{
  INB_VIDEO_ERROR_FAILED,
  INB_VIDEO_ERROR_NOT_VIDEO,      /* not a playable video at all (HTML page, zero bytes, garbage) */
  INB_VIDEO_ERROR_TRUNCATED,
  INB_VIDEO_ERROR_MISMATCH,       /* plays, but not what was expected (size, frame count) */
  INB_VIDEO_ERROR_TIMEOUT,
  INB_VIDEO_ERROR_TOO_LARGE,      /* bigger than INB_VIDEO_PROBE_MAX_BYTES: not parsed at all */
  INB_VIDEO_ERROR_CHECKER,        /* the checker process crashed or could not run: not verified */
} InbVideoError;

/* The helper that probes untrusted files in a process of its own, and the
 * variable that names another one (tests, uninstalled builds). */
#define INB_VIDEO_PROBE_HELPER_NAME "inbetween-probe"
#define INB_VIDEO_PROBE_HELPER_ENV  "INBETWEEN_PROBE_HELPER"

/* probe/verify/read_frame refuse files larger than this before parsing. */
#define INB_VIDEO_PROBE_MAX_BYTES  (G_GINT64_CONSTANT (2) << 30)   /* 2 GiB */
/* Default bound on probe/verify/read_frame; they never hang longer. A
 * build under AddressSanitizer (build-aux/sanitize) runs the checker 2–5×
 * slower, more on a loaded machine, and its leak check at exit stops the
 * process: there the bound is 30 s, so a good clip is not refused as slow */
#if defined(__SANITIZE_ADDRESS__)
#define INB_VIDEO_PROBE_TIMEOUT_MS 30000
#else
#define INB_VIDEO_PROBE_TIMEOUT_MS 10000
#endif

typedef struct
{
  guint   width;
  guint   height;
  guint   n_frames;      /* frames in the stream (decoded, or skipped) */
  guint   n_skipped;     /* of those, frames left undecoded: by
                          * inb_video_verify_keeping() only */
  double  fps;
  double  duration;      /* seconds, from the container */
  char   *video_codec;   /* e.g. "H.264 (High Profile)" */
  char   *container;     /* e.g. "Quicktime" / "ISO MP4/M4A" */
  char   *container_type; /* the media type found, e.g. "video/quicktime" */
} InbVideoInfo;

GQuark     inb_video_error_quark (void);
void       inb_video_info_clear  (InbVideoInfo   *info);

/* Decodes the whole clip (worker thread only) and fills @info. */
gboolean   inb_video_probe       (const char     *path,
                                  InbVideoInfo   *info,
                                  GError        **error);

/* probe with another time bound (0 = INB_VIDEO_PROBE_TIMEOUT_MS). */
gboolean   inb_video_probe_full  (const char     *path,
                                  guint           timeout_ms,
                                  InbVideoInfo   *info,
                                  GError        **error);

/* Like probe, then checks size/frame count (0 = don't check). */
gboolean   inb_video_verify      (const char     *path,
                                  guint           expected_width,
                                  guint           expected_height,
                                  guint           expected_frames,
                                  InbVideoInfo   *info,
                                  GError        **error);

/* verify that also hands back frames @keep (sorted, distinct; @n_keep of
 * them, into @frames) decoded in the same pass: no second decode. */
gboolean   inb_video_verify_keeping (const char   *path,
                                     guint         expected_width,
                                     guint         expected_height,
                                     guint         expected_frames,
                                     const guint  *keep,
                                     guint         n_keep,
                                     InbImage    **frames,
                                     InbVideoInfo *info,
                                     GError      **error);

/* inb_video_probe_full() in the helper process (a crash or a hang there
 * is an error here, never a crash or a hang): for downloaded files.
 * Killed after @timeout_ms (0 = INB_VIDEO_PROBE_TIMEOUT_MS). */
void       inb_video_probe_isolated_async  (const char          *path,
                                            guint                timeout_ms,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   inb_video_probe_isolated_finish (GAsyncResult        *result,
                                            InbVideoInfo        *info,
                                            GError             **error);
/* The same, blocking (worker threads only). */
gboolean   inb_video_probe_isolated        (const char          *path,
                                            guint                timeout_ms,
                                            InbVideoInfo        *info,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* Decodes and returns frame @index (0-based) as RGB. */
InbImage  *inb_video_read_frame  (const char     *path,
                                  guint           index,
                                  GError        **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InbVideoInfo, inb_video_info_clear)

G_END_DECLS
