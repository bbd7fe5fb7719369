/* inb-keyframe.h — one keyframe: probed, decoded, oriented, normalised
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "inb-image.h"

G_BEGIN_DECLS

#define INB_KEYFRAME_ERROR (inb_keyframe_error_quark ())

typedef enum /*< skip >*/
{
  INB_KEYFRAME_ERROR_NOT_FOUND,     /* no such file / unreadable URI */
  INB_KEYFRAME_ERROR_EMPTY,         /* zero bytes */
  INB_KEYFRAME_ERROR_UNSUPPORTED,   /* not PNG/JPEG/WebP/BMP (text renamed .png, …) */
  INB_KEYFRAME_ERROR_TOO_LARGE,     /* decompression bomb: > 8192 px a side or > 40 MP */
  INB_KEYFRAME_ERROR_CORRUPT,       /* truncated or undecodable */
  INB_KEYFRAME_ERROR_INVALID_URI,   /* bad data: URI, unsupported scheme */
} InbKeyframeError;

/* Also the GSettings enum of the default-fit key (glib-mkenums: the nicks
 * "crop", "pad", "stretch" are what settings store). */
typedef enum
{
  INB_FIT_CROP,     /* centre crop to fill (default, like WanFirstLastFrameToVideo) */
  INB_FIT_PAD,      /* letterbox / pillarbox, black bars */
  INB_FIT_STRETCH,  /* scale each axis independently */
} InbFit;

#define INB_KEYFRAME_MAX_SIDE    8192
#define INB_KEYFRAME_MAX_PIXELS  (40 * 1000 * 1000)

#define INB_TYPE_KEYFRAME (inb_keyframe_get_type ())

G_DECLARE_FINAL_TYPE (InbKeyframe, inb_keyframe, INB, KEYFRAME, GObject)

GQuark       inb_keyframe_error_quark     (void);

/* Blocking (worker thread): @source is a path, a file:// URI or a data: URI. */
InbKeyframe *inb_keyframe_load            (const char    *source,
                                           GCancellable  *cancellable,
                                           GError       **error);
InbKeyframe *inb_keyframe_load_bytes      (GBytes        *bytes,
                                           const char    *display_name,
                                           GCancellable  *cancellable,
                                           GError       **error);
/* GTask wrappers for the UI. */
void         inb_keyframe_load_async      (const char          *source,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
InbKeyframe *inb_keyframe_load_finish     (GAsyncResult        *result,
                                           GError             **error);

const char  *inb_keyframe_get_display_name (InbKeyframe *self);  /* basename or "pasted image" */
const char  *inb_keyframe_get_format       (InbKeyframe *self);  /* "png", "jpeg", "webp", "bmp" */
guint        inb_keyframe_get_width        (InbKeyframe *self);  /* after EXIF orientation */
guint        inb_keyframe_get_height       (InbKeyframe *self);
gboolean     inb_keyframe_get_had_alpha    (InbKeyframe *self);  /* a pixel was translucent: composited onto white */
guint        inb_keyframe_get_orientation  (InbKeyframe *self);  /* EXIF 1…8 applied */
InbImage    *inb_keyframe_get_image        (InbKeyframe *self);  /* RGB, oriented, flattened */

/* TRUE when the aspect ratios differ by more than 1 %. */
gboolean     inb_keyframe_aspect_differs   (InbKeyframe *a,
                                            InbKeyframe *b);

/* Scales and frames @self to exactly @width × @height using @fit. */
InbImage    *inb_keyframe_normalise        (InbKeyframe *self,
                                            guint        width,
                                            guint        height,
                                            InbFit       fit);

const char  *inb_fit_to_string             (InbFit       fit);
gboolean     inb_fit_from_string           (const char  *text,
                                            InbFit      *fit);

G_END_DECLS
