/* inb-keyframe-private.h — what the keyframe files share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "inb-keyframe.h"

G_BEGIN_DECLS

#define INB_KEYFRAME_READ_CHUNK (64 * 1024)
/* The largest keyframe file read: an uncompressed 40-megapixel RGBA BMP
 * is 160 MB; nothing legitimate comes near this. */
#define INB_KEYFRAME_MAX_FILE_BYTES (256 * 1024 * 1024)

struct _InbKeyframe
{
  GObject     parent_instance;

  char       *display_name;
  const char *format;
  guint       orientation;
  gboolean    had_alpha;
  InbImage   *image;
  /* Views the bytes of @image (RGB, no alpha), for scaling. */
  GdkPixbuf  *pixbuf;
};

/* inb-keyframe-sniff.c: the format by its magic bytes, sizes from headers */
const char  *_inb_keyframe_sniff_format   (const guint8  *data,
                                           gsize          len,
                                           const char   **looks_like);
gboolean     _inb_keyframe_probe_webp_size (const guint8 *data,
                                           gsize         len,
                                           guint        *width,
                                           guint        *height);
gboolean     _inb_keyframe_size_allowed   (guint         width,
                                           guint         height);
gboolean     _inb_keyframe_probe_size     (const guint8 *data,
                                           gsize         len,
                                           const char   *format,
                                           guint        *width,
                                           guint        *height);
void         _inb_keyframe_set_too_large_error (GError  **error,
                                           const char   *name,
                                           guint         width,
                                           guint         height);

/* inb-keyframe-decode.c: whole encoded bytes into a keyframe */
InbKeyframe *_inb_keyframe_decode         (GBytes        *bytes,
                                           const char    *name,
                                           GCancellable  *cancellable,
                                           GError       **error);
void         _inb_keyframe_set_corrupt_error   (GError   **error,
                                                const char *name);
void         _inb_keyframe_set_truncated_error (GError   **error,
                                                const char *name);

/* inb-keyframe-formats.c: is the picture all there (issue 13 item 9) */
gboolean     _inb_keyframe_check_png      (const guint8  *data,
                                           gsize          len,
                                           const char    *name,
                                           GError       **error);
gboolean     _inb_keyframe_check_bmp      (const guint8  *data,
                                           gsize          len,
                                           const char    *name,
                                           GError       **error);
gboolean     _inb_keyframe_check_jpeg     (const guint8  *data,
                                           gsize          len,
                                           const char    *name,
                                           GError       **error);
GdkPixbuf   *_inb_keyframe_decode_webp    (const guint8  *data,
                                           gsize          len,
                                           const char    *name,
                                           GError       **error);

G_END_DECLS
