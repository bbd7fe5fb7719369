/* inb-playback-sync.h — two clips played, stepped and scrubbed in lock-step
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

#include "inb-playback.h"

G_BEGIN_DECLS

/* The two sides of a comparison. */
typedef enum
{
  INB_SIDE_A,
  INB_SIDE_B,
} InbSide;

#define INB_TYPE_PLAYBACK_SYNC (inb_playback_sync_get_type ())

G_DECLARE_FINAL_TYPE (InbPlaybackSync, inb_playback_sync, INB, PLAYBACK_SYNC, GObject)

InbPlaybackSync *inb_playback_sync_new              (void);
InbPlayback     *inb_playback_sync_get_playback     (InbPlaybackSync *self,
                                                     InbSide          side);
void             inb_playback_sync_set_files        (InbPlaybackSync *self,
                                                     GFile           *a,
                                                     GFile           *b);
void             inb_playback_sync_swap             (InbPlaybackSync *self);
gboolean         inb_playback_sync_get_ready        (InbPlaybackSync *self);
const GError    *inb_playback_sync_get_error        (InbPlaybackSync *self);
guint            inb_playback_sync_get_length       (InbPlaybackSync *self);
double           inb_playback_sync_get_fps          (InbPlaybackSync *self);
gboolean         inb_playback_sync_get_by_time      (InbPlaybackSync *self);
InbSide          inb_playback_sync_get_lead         (InbPlaybackSync *self);
guint            inb_playback_sync_get_position     (InbPlaybackSync *self);
guint            inb_playback_sync_get_frame_for    (InbPlaybackSync *self,
                                                     InbSide          side,
                                                     guint            position);
gboolean         inb_playback_sync_get_shown        (InbPlaybackSync *self);
gboolean         inb_playback_sync_get_playing      (InbPlaybackSync *self);
void             inb_playback_sync_play             (InbPlaybackSync *self);
void             inb_playback_sync_pause            (InbPlaybackSync *self);
gboolean         inb_playback_sync_get_loop         (InbPlaybackSync *self);
void             inb_playback_sync_set_loop         (InbPlaybackSync *self,
                                                     gboolean         loop);
double           inb_playback_sync_get_rate         (InbPlaybackSync *self);
void             inb_playback_sync_set_rate         (InbPlaybackSync *self,
                                                     double           rate);
guint            inb_playback_sync_get_n_loops      (InbPlaybackSync *self);
guint            inb_playback_sync_get_n_late       (InbPlaybackSync *self);
void             inb_playback_sync_seek             (InbPlaybackSync *self,
                                                     guint            position);
void             inb_playback_sync_step             (InbPlaybackSync *self,
                                                     int              frames);

G_END_DECLS
