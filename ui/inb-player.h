/* inb-player.h — the clip player: picture, transport and keyframe overlay
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

#define INB_TYPE_PLAYER (inb_player_get_type ())

G_DECLARE_FINAL_TYPE (InbPlayer, inb_player, INB, PLAYER, GtkWidget)

GtkWidget   *inb_player_new           (void);
InbPlayback *inb_player_get_playback  (InbPlayer  *self);
void         inb_player_set_file      (InbPlayer  *self,
                                       GFile      *file);
void         inb_player_set_keyframes (InbPlayer  *self,
                                       GdkTexture *first,
                                       GdkTexture *last);
const char  *inb_player_get_overlay   (InbPlayer  *self);
/* Fullscreen hides the controls while the pointer rests. */
gboolean     inb_player_get_controls_shown (InbPlayer *self);
void         inb_player_set_making         (InbPlayer *self,
                                            gboolean   making);
void         inb_player_set_keyframes_ready (InbPlayer *self,
                                             gboolean   ready);
void         inb_player_set_editor_hidden  (InbPlayer *self,
                                            gboolean   hidden);
const char  *inb_player_get_empty_description (InbPlayer *self);
GtkWidget   *inb_player_get_editor_button  (InbPlayer *self);
const char  *inb_player_get_empty_title    (InbPlayer *self);
void         inb_player_set_fullscreen     (InbPlayer *self,
                                            gboolean   fullscreen);
void         inb_player_set_overlay   (InbPlayer  *self,
                                       const char *overlay);
void         inb_player_show_preview  (InbPlayer  *self,
                                       GdkTexture *preview,
                                       const char *caption);
GdkPaintable*inb_player_get_preview   (InbPlayer  *self);

G_END_DECLS
