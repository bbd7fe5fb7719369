/* inb-playback.h — a clip decoded by GStreamer, shown as a GdkPaintable
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The speeds a playback (and a pair of them in lock-step) plays at */
#define INB_PLAYBACK_MIN_RATE 0.25
#define INB_PLAYBACK_MAX_RATE 2.0

#define INB_TYPE_PLAYBACK (inb_playback_get_type ())

G_DECLARE_FINAL_TYPE (InbPlayback, inb_playback, INB, PLAYBACK, GObject)

InbPlayback *inb_playback_new            (void);
void         inb_playback_set_file       (InbPlayback *self,
                                          GFile       *file);
GFile       *inb_playback_get_file       (InbPlayback *self);
gboolean     inb_playback_get_prerolled  (InbPlayback *self);
gboolean     inb_playback_get_playing    (InbPlayback *self);
void         inb_playback_set_playing    (InbPlayback *self,
                                          gboolean     playing);
void         inb_playback_play           (InbPlayback *self);
void         inb_playback_pause          (InbPlayback *self);
gboolean     inb_playback_get_loop       (InbPlayback *self);
void         inb_playback_set_loop       (InbPlayback *self,
                                          gboolean     loop);
double       inb_playback_get_rate       (InbPlayback *self);
void         inb_playback_set_rate       (InbPlayback *self,
                                          double       rate);
gboolean     inb_playback_get_ended      (InbPlayback *self);
gint64       inb_playback_get_position   (InbPlayback *self);
gint64       inb_playback_get_duration   (InbPlayback *self);
double       inb_playback_get_fps        (InbPlayback *self);
guint        inb_playback_get_frame      (InbPlayback *self);
guint        inb_playback_get_n_frames   (InbPlayback *self);
guint        inb_playback_get_n_loops    (InbPlayback *self);
gboolean     inb_playback_get_seeking    (InbPlayback *self);
GdkTexture  *inb_playback_get_texture    (InbPlayback *self);
const GError*inb_playback_get_error      (InbPlayback *self);
void         inb_playback_set_scale_factor (InbPlayback *self,
                                            int          scale_factor);
void         inb_playback_step           (InbPlayback *self,
                                          int          frames);
void         inb_playback_seek_frame     (InbPlayback *self,
                                          guint        frame);

G_END_DECLS
