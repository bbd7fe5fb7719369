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
void         _inb_keyframe_set_too_large_error (GError  **error,
                                           const char   *name,
                                           guint         width,
                                           guint         height);

/* inb-keyframe-decode.c: the decode of one stream into a keyframe */
InbKeyframe *_inb_keyframe_load_stream    (GInputStream  *stream,
                                           const char    *name,
                                           GCancellable  *cancellable,
                                           GError       **error);

G_END_DECLS
