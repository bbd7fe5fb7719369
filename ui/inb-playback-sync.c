/* inb-playback-sync.c — two clips played, stepped and scrubbed in lock-step
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Two InbPlaybacks that never run on their own. Both pipelines stay
 * PAUSED; this object is the only clock. It keeps one timeline position
 * (a frame of the *lead* clip, the one with more frames), asks each side
 * for the frame that position maps to, and moves on only once both sides
 * have that frame on screen and confirmed by their pipelines. Playing is
 * the same thing on a timer: one frame forward (a cheap step event in each
 * pipeline, or an instant picture from its cache of recent frames) every
 * 1 / (fps × rate) seconds. So at every moment the pair on screen is a
 * pair (the same frame index, or for clips of different lengths the same
 * normalised time), whatever each decoder's speed, and loops can never
 * drift apart: a side that is done first waits for the other.
 *
 * Due times are counted from the moment playing started, not from the
 * previous frame, so the timer's rounding does not add up over loops.
 * When the decoders cannot keep up, nothing is skipped: the clock is
 * moved back instead (every frame is still shown on both sides, a little
 * slower), and the frame is counted in n-late.
 *
 * Clips of different lengths: lead frame p (of L) is shown beside frame
 * floor ((p + ½) × n / L) of the other clip (of n ≤ L): the one whose
 * span of normalised time holds the middle of the lead's frame. That is
 * never more than one frame apart in normalised time, the first and last
 * frames meet, and the other side only ever holds or moves on by one. */

#define G_LOG_DOMAIN "inb-playback-sync"

#include "config.h"

#include <math.h>

#include "inb-playback-sync.h"

/* A side still on its way to a frame after this long is asked again. */
#define WATCHDOG_US (1500 * G_TIME_SPAN_MILLISECOND)

struct _InbPlaybackSync
{
  GObject       parent_instance;

  InbPlayback  *sides[2];
  guint         requested[2];   /* the frame last asked of each side */
  gint64        asked_at[2];    /* when, monotonic µs */

  GError       *error;          /* a copy of the first side's error */
  InbSide       lead;
  guint         length;         /* frames on the timeline: the lead's */
  double        fps;            /* the lead's */
  guint         target;         /* the position asked for */
  guint         position;       /* the position last shown as a pair */
  double        rate;
  guint         n_loops;
  guint         n_late;

  /* The clock, while playing. */
  gint64        origin;         /* monotonic µs when count was 0 */
  guint64       count;          /* frames moved on since origin */
  guint         timer_id;
  guint         watchdog_id;

  guint         ready : 1;
  guint         shown : 1;
  guint         playing : 1;
  guint         loop : 1;
  guint         wrapped : 1;    /* played round to 0, not shown yet */
  guint         updating : 1;
  guint         again : 1;
};

G_DEFINE_FINAL_TYPE (InbPlaybackSync, inb_playback_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_READY,
  PROP_ERROR,
  PROP_LENGTH,
  PROP_FPS,
  PROP_BY_TIME,
  PROP_LEAD,
  PROP_POSITION,
  PROP_SHOWN,
  PROP_PLAYING,
  PROP_LOOP,
  PROP_RATE,
  PROP_N_LOOPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PAIR_SHOWN,
  SWAPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void inb_playback_sync_update (InbPlaybackSync *self);

InbPlaybackSync *
inb_playback_sync_new (void)
{
  return g_object_new (INB_TYPE_PLAYBACK_SYNC, NULL);
}

/**
 * inb_playback_sync_get_playback:
 *
 * Returns: (transfer none): what @side shows now (after a swap, the
 *   other clip's playback)
 */
InbPlayback *
inb_playback_sync_get_playback (InbPlaybackSync *self,
                                InbSide          side)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return self->sides[side];
}

/* Timeline */

static guint
side_n_frames (InbPlaybackSync *self,
               InbSide          side)
{
  return inb_playback_get_n_frames (self->sides[side]);
}

guint
inb_playback_sync_get_frame_for (InbPlaybackSync *self,
                                 InbSide          side,
                                 guint            position)
{
  guint n;

  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, 0);

  n = side_n_frames (self, side);
  if (n == 0)
    return 0;
  if (self->length == 0 || side == self->lead || n >= self->length)
    return MIN (position, n - 1);

  return (guint) MIN ((guint64) n - 1,
                      ((guint64) position * 2 + 1) * n / (2 * (guint64) self->length));
}

/* The lead is the clip with more frames, then the one with more frames a
 * second; A when they are alike. */
static void
inb_playback_sync_update_timeline (InbPlaybackSync *self)
{
  guint n_a = side_n_frames (self, INB_SIDE_A);
  guint n_b = side_n_frames (self, INB_SIDE_B);
  double fps_a = inb_playback_get_fps (self->sides[INB_SIDE_A]);
  double fps_b = inb_playback_get_fps (self->sides[INB_SIDE_B]);
  InbSide lead = INB_SIDE_A;
  guint length;
  double fps;

  if (n_b > n_a || (n_b == n_a && fps_b > fps_a + 1e-3))
    lead = INB_SIDE_B;
  length = MAX (n_a, n_b);
  fps = lead == INB_SIDE_A ? fps_a : fps_b;

  if (lead != self->lead)
    {
      self->lead = lead;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEAD]);
    }
  if (length != self->length)
    {
      gboolean by_time = inb_playback_sync_get_by_time (self);

      self->length = length;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENGTH]);
      if (by_time != inb_playback_sync_get_by_time (self))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BY_TIME]);
    }
  if (!G_APPROX_VALUE (fps, self->fps, 1e-9))
    {
      self->fps = fps;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FPS]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BY_TIME]);
    }
  if (length > 0 && self->target >= length)
    self->target = length - 1;
}

/* Asking each side */

static void
inb_playback_sync_request_side (InbPlaybackSync *self,
                                InbSide          side)
{
  InbPlayback *playback = self->sides[side];
  guint want = inb_playback_sync_get_frame_for (self, side, self->target);
  guint frame = inb_playback_get_frame (playback);
  gboolean seeking = inb_playback_get_seeking (playback);

  if (!inb_playback_get_prerolled (playback) || inb_playback_get_n_frames (playback) == 0)
    return;

  if (seeking ? self->requested[side] == want : frame == want)
    return;

  self->requested[side] = want;
  self->asked_at[side] = g_get_monotonic_time ();

  /* The next frame is a step event (or the cache); anything else is a
   * seek into the middle of the frame. */
  if (!seeking && want == frame + 1)
    inb_playback_step (playback, 1);
  else
    inb_playback_seek_frame (playback, want);
}

static gboolean
inb_playback_sync_side_at_target (InbPlaybackSync *self,
                                  InbSide          side)
{
  InbPlayback *playback = self->sides[side];

  return inb_playback_get_texture (playback) != NULL &&
         inb_playback_get_frame (playback) == inb_playback_sync_get_frame_for (self, side, self->target);
}

static gboolean
inb_playback_sync_settled (InbPlaybackSync *self)
{
  for (guint i = 0; i < 2; i++)
    if (inb_playback_get_seeking (self->sides[i]) || !inb_playback_sync_side_at_target (self, i))
      return FALSE;

  return TRUE;
}

static gboolean
inb_playback_sync_watchdog_cb (gpointer user_data)
{
  InbPlaybackSync *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean waiting = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      InbPlayback *playback = self->sides[i];

      if (!inb_playback_get_seeking (playback) || self->requested[i] == G_MAXUINT)
        continue;

      waiting = TRUE;
      if (now - self->asked_at[i] >= WATCHDOG_US)
        {
          g_debug ("Side %c still on its way to frame %u: asking again", 'A' + i, self->requested[i]);
          self->asked_at[i] = now;
          inb_playback_seek_frame (playback, self->requested[i]);
        }
    }

  if (waiting)
    return G_SOURCE_CONTINUE;

  self->watchdog_id = 0;
  return G_SOURCE_REMOVE;
}

/* Where the position changes: both sides are asked for their frames. */
static void
inb_playback_sync_set_target (InbPlaybackSync *self,
                              guint            target)
{
  if (self->length > 0)
    target = MIN (target, self->length - 1);

  if (target != self->target)
    {
      self->target = target;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }

  if (!self->ready)
    return;

  inb_playback_sync_request_side (self, INB_SIDE_A);
  inb_playback_sync_request_side (self, INB_SIDE_B);

  if (self->watchdog_id == 0 &&
      (inb_playback_get_seeking (self->sides[INB_SIDE_A]) || inb_playback_get_seeking (self->sides[INB_SIDE_B])))
    {
      self->watchdog_id = g_timeout_add (500, inb_playback_sync_watchdog_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->watchdog_id),
                                "[inb-playback-sync] watchdog");
    }

  inb_playback_sync_update (self);
}

/* The clock */

static gint64
inb_playback_sync_frame_us (InbPlaybackSync *self)
{
  double fps = self->fps > 0 ? self->fps : 16.0;

  return (gint64) (G_USEC_PER_SEC / (fps * self->rate) + 0.5);
}

static void
inb_playback_sync_set_playing_flag (InbPlaybackSync *self,
                                    gboolean         playing)
{
  if (self->playing != !!playing)
    {
      self->playing = !!playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
}

/* The clock starts again from now, at the position shown. */
static void
inb_playback_sync_restart_clock (InbPlaybackSync *self)
{
  self->origin = g_get_monotonic_time ();
  self->count = 0;
  g_clear_handle_id (&self->timer_id, g_source_remove);
}

static gboolean
inb_playback_sync_timer_cb (gpointer user_data)
{
  InbPlaybackSync *self = user_data;

  self->timer_id = 0;
  inb_playback_sync_update (self);

  return G_SOURCE_REMOVE;
}

/* While playing, once both sides show their frames: on to the next one
 * when it is due. */
static void
inb_playback_sync_advance (InbPlaybackSync *self)
{
  gint64 frame_us;
  gint64 due;
  gint64 now;
  guint next;

  if (!self->playing || !self->ready || self->timer_id != 0 || !inb_playback_sync_settled (self))
    return;

  next = self->target + 1;
  if (next >= self->length)
    {
      if (!self->loop)
        {
          /* Played to the end: it stays there. */
          inb_playback_sync_set_playing_flag (self, FALSE);
          return;
        }
      next = 0;
    }

  frame_us = inb_playback_sync_frame_us (self);
  due = self->origin + (gint64) (self->count + 1) * frame_us;
  now = g_get_monotonic_time ();

  if (now < due)
    {
      self->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                           (guint) ((due - now + 999) / 1000),
                                           inb_playback_sync_timer_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timer_id),
                                "[inb-playback-sync] clock");
      return;
    }

  if (now - due >= frame_us)
    {
      /* The decoders fell behind by a frame or more: show every frame
       * anyway, later, rather than rush through the next ones. */
      self->origin = now - (gint64) (self->count + 1) * frame_us;
      self->n_late++;
    }

  self->count++;
  if (next == 0)
    self->wrapped = TRUE;
  inb_playback_sync_set_target (self, next);
}

/* After anything changed on either side. */
static void
inb_playback_sync_update (InbPlaybackSync *self)
{
  if (self->updating)
    {
      self->again = TRUE;
      return;
    }

  self->updating = TRUE;
  g_object_freeze_notify (G_OBJECT (self));

  do
    {
      const GError *error = NULL;
      gboolean ready;
      gboolean shown;

      self->again = FALSE;

      for (guint i = 0; i < 2 && error == NULL; i++)
        error = inb_playback_get_error (self->sides[i]);
      if (error != NULL && self->error == NULL)
        {
          self->error = g_error_copy (error);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
          g_clear_handle_id (&self->timer_id, g_source_remove);
          inb_playback_sync_set_playing_flag (self, FALSE);
        }

      ready = self->error == NULL;
      for (guint i = 0; i < 2; i++)
        ready = ready &&
                inb_playback_get_file (self->sides[i]) != NULL &&
                inb_playback_get_prerolled (self->sides[i]) &&
                inb_playback_get_n_frames (self->sides[i]) > 0 &&
                inb_playback_get_fps (self->sides[i]) > 0;

      if (ready)
        inb_playback_sync_update_timeline (self);

      if (ready != self->ready)
        {
          self->ready = ready;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
          if (ready)
            {
              /* Both clips open: both on the position asked for. */
              inb_playback_sync_set_target (self, self->target);
              self->again = TRUE;
              continue;
            }
        }

      shown = ready && inb_playback_sync_side_at_target (self, INB_SIDE_A) &&
              inb_playback_sync_side_at_target (self, INB_SIDE_B);

      if (shown && (!self->shown || self->position != self->target))
        {
          self->shown = TRUE;
          self->position = self->target;
          if (self->wrapped && self->target == 0)
            {
              self->wrapped = FALSE;
              self->n_loops++;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOOPS]);
            }
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN]);
          g_signal_emit (self, signals[PAIR_SHOWN], 0);
        }
      else if (!shown && self->shown)
        {
          self->shown = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN]);
        }

      inb_playback_sync_advance (self);
    }
  while (self->again);

  g_object_thaw_notify (G_OBJECT (self));
  self->updating = FALSE;
}

static void
inb_playback_sync_side_changed_cb (InbPlaybackSync *self)
{
  inb_playback_sync_update (self);
}

/* Public API */

/**
 * inb_playback_sync_set_files:
 * @a: (nullable): the clip shown as A
 * @b: (nullable): the clip shown as B
 *
 * Opens both clips, paused on their first frames.
 */
void
inb_playback_sync_set_files (InbPlaybackSync *self,
                             GFile           *a,
                             GFile           *b)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));
  g_return_if_fail (!a || G_IS_FILE (a));
  g_return_if_fail (!b || G_IS_FILE (b));

  g_object_freeze_notify (G_OBJECT (self));

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  inb_playback_sync_set_playing_flag (self, FALSE);
  if (self->error != NULL)
    {
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  self->target = 0;
  self->position = 0;
  self->shown = FALSE;
  self->wrapped = FALSE;
  self->n_loops = 0;
  self->n_late = 0;
  for (guint i = 0; i < 2; i++)
    self->requested[i] = G_MAXUINT;
  if (self->ready)
    {
      self->ready = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }

  /* Stepping is all they do: never looping nor playing on their own. */
  inb_playback_set_file (self->sides[INB_SIDE_A], a);
  inb_playback_set_file (self->sides[INB_SIDE_B], b);

  for (guint i = PROP_LENGTH; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);

  g_object_thaw_notify (G_OBJECT (self));

  inb_playback_sync_update (self);
}

/**
 * inb_playback_sync_swap:
 *
 * A shows what B showed and B what A showed, at once: nothing is decoded
 * again, and the position stays.
 */
void
inb_playback_sync_swap (InbPlaybackSync *self)
{
  InbPlayback *playback;
  guint requested;
  gint64 asked_at;

  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  playback = self->sides[INB_SIDE_A];
  self->sides[INB_SIDE_A] = self->sides[INB_SIDE_B];
  self->sides[INB_SIDE_B] = playback;

  requested = self->requested[INB_SIDE_A];
  self->requested[INB_SIDE_A] = self->requested[INB_SIDE_B];
  self->requested[INB_SIDE_B] = requested;

  asked_at = self->asked_at[INB_SIDE_A];
  self->asked_at[INB_SIDE_A] = self->asked_at[INB_SIDE_B];
  self->asked_at[INB_SIDE_B] = asked_at;

  /* The same clip leads, from the other side. */
  self->lead = self->lead == INB_SIDE_A ? INB_SIDE_B : INB_SIDE_A;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEAD]);

  g_signal_emit (self, signals[SWAPPED], 0);
  inb_playback_sync_update (self);
}

gboolean
inb_playback_sync_get_ready (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), FALSE);

  return self->ready;
}

const GError *
inb_playback_sync_get_error (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), NULL);

  return self->error;
}

/**
 * inb_playback_sync_get_length:
 *
 * Returns: the number of positions on the timeline: the lead clip's frames
 */
guint
inb_playback_sync_get_length (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0);

  return self->length;
}

/**
 * inb_playback_sync_get_fps:
 *
 * Returns: the positions a second when playing at rate 1: the lead's fps
 */
double
inb_playback_sync_get_fps (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0.0);

  return self->fps;
}

/**
 * inb_playback_sync_get_by_time:
 *
 * Returns: whether the clips differ in frames or in frame rate, so that
 *   they are matched by normalised time rather than frame by frame
 */
gboolean
inb_playback_sync_get_by_time (InbPlaybackSync *self)
{
  double fps_a;
  double fps_b;

  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), FALSE);

  if (!self->ready)
    return FALSE;

  fps_a = inb_playback_get_fps (self->sides[INB_SIDE_A]);
  fps_b = inb_playback_get_fps (self->sides[INB_SIDE_B]);

  return side_n_frames (self, INB_SIDE_A) != side_n_frames (self, INB_SIDE_B) ||
         !G_APPROX_VALUE (fps_a, fps_b, 1e-3);
}

InbSide
inb_playback_sync_get_lead (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), INB_SIDE_A);

  return self->lead;
}

/**
 * inb_playback_sync_get_position:
 *
 * Returns: the position on the timeline asked for last; both sides show
 *   it once #InbPlaybackSync:shown is %TRUE
 */
guint
inb_playback_sync_get_position (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0);

  return self->target;
}

/**
 * inb_playback_sync_get_shown:
 *
 * Returns: whether each side shows the frame the position maps to now
 */
gboolean
inb_playback_sync_get_shown (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), FALSE);

  return self->ready &&
         inb_playback_sync_side_at_target (self, INB_SIDE_A) &&
         inb_playback_sync_side_at_target (self, INB_SIDE_B);
}

gboolean
inb_playback_sync_get_playing (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), FALSE);

  return self->playing;
}

void
inb_playback_sync_play (InbPlaybackSync *self)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  if (self->playing || !self->ready)
    return;

  /* Played to the end without looping: from the start again. */
  if (!self->loop && self->target + 1 >= self->length)
    inb_playback_sync_set_target (self, 0);

  inb_playback_sync_restart_clock (self);
  inb_playback_sync_set_playing_flag (self, TRUE);
  inb_playback_sync_update (self);
}

void
inb_playback_sync_pause (InbPlaybackSync *self)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  g_clear_handle_id (&self->timer_id, g_source_remove);
  inb_playback_sync_set_playing_flag (self, FALSE);
}

gboolean
inb_playback_sync_get_loop (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), TRUE);

  return self->loop;
}

void
inb_playback_sync_set_loop (InbPlaybackSync *self,
                            gboolean         loop)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  if (self->loop != !!loop)
    {
      self->loop = !!loop;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
    }
}

double
inb_playback_sync_get_rate (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 1.0);

  return self->rate;
}

void
inb_playback_sync_set_rate (InbPlaybackSync *self,
                            double           rate)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  rate = CLAMP (rate, INB_PLAYBACK_MIN_RATE, INB_PLAYBACK_MAX_RATE);
  if (G_APPROX_VALUE (rate, self->rate, 1e-9))
    return;

  self->rate = rate;
  if (self->playing)
    {
      inb_playback_sync_restart_clock (self);
      inb_playback_sync_update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

/**
 * inb_playback_sync_get_n_loops:
 *
 * Returns: how many times playing came round from the last position to
 *   the first, both sides together
 */
guint
inb_playback_sync_get_n_loops (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0);

  return self->n_loops;
}

/**
 * inb_playback_sync_get_n_late:
 *
 * Returns: how many frames were shown a frame or more after they were due
 *   (the decoders could not keep up); none is ever skipped
 */
guint
inb_playback_sync_get_n_late (InbPlaybackSync *self)
{
  g_return_val_if_fail (INB_IS_PLAYBACK_SYNC (self), 0);

  return self->n_late;
}

/**
 * inb_playback_sync_seek:
 * @position: a frame of the lead clip, from 0
 *
 * Both sides to @position (playing goes on from there).
 */
void
inb_playback_sync_seek (InbPlaybackSync *self,
                        guint            position)
{
  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  self->wrapped = FALSE;
  if (self->playing)
    inb_playback_sync_restart_clock (self);
  inb_playback_sync_set_target (self, position);
}

/**
 * inb_playback_sync_step:
 * @frames: positions to move by, negative to go back
 *
 * Pauses and moves both sides. Past either end it wraps when looping and
 * stops at the end otherwise. Steps asked for quickly add up.
 */
void
inb_playback_sync_step (InbPlaybackSync *self,
                        int              frames)
{
  gint64 wanted;

  g_return_if_fail (INB_IS_PLAYBACK_SYNC (self));

  inb_playback_sync_pause (self);
  if (!self->ready || self->length == 0 || frames == 0)
    return;

  wanted = (gint64) self->target + frames;
  if (self->loop)
    {
      wanted %= (gint64) self->length;
      if (wanted < 0)
        wanted += self->length;
    }
  else
    wanted = CLAMP (wanted, 0, (gint64) self->length - 1);

  self->wrapped = FALSE;
  inb_playback_sync_set_target (self, (guint) wanted);
}

/* GObject */

static void
inb_playback_sync_dispose (GObject *object)
{
  InbPlaybackSync *self = INB_PLAYBACK_SYNC (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);

  for (guint i = 0; i < 2; i++)
    {
      if (self->sides[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->sides[i], self);
      g_clear_object (&self->sides[i]);
    }

  G_OBJECT_CLASS (inb_playback_sync_parent_class)->dispose (object);
}

static void
inb_playback_sync_finalize (GObject *object)
{
  InbPlaybackSync *self = INB_PLAYBACK_SYNC (object);

  g_clear_error (&self->error);

  G_OBJECT_CLASS (inb_playback_sync_parent_class)->finalize (object);
}

static void
inb_playback_sync_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InbPlaybackSync *self = INB_PLAYBACK_SYNC (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_LENGTH:
      g_value_set_uint (value, self->length);
      break;

    case PROP_FPS:
      g_value_set_double (value, self->fps);
      break;

    case PROP_BY_TIME:
      g_value_set_boolean (value, inb_playback_sync_get_by_time (self));
      break;

    case PROP_LEAD:
      g_value_set_int (value, self->lead);
      break;

    case PROP_POSITION:
      g_value_set_uint (value, self->target);
      break;

    case PROP_SHOWN:
      g_value_set_boolean (value, self->shown);
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;

    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;

    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;

    case PROP_N_LOOPS:
      g_value_set_uint (value, self->n_loops);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_playback_sync_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  InbPlaybackSync *self = INB_PLAYBACK_SYNC (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      inb_playback_sync_seek (self, g_value_get_uint (value));
      break;

    case PROP_PLAYING:
      if (g_value_get_boolean (value))
        inb_playback_sync_play (self);
      else
        inb_playback_sync_pause (self);
      break;

    case PROP_LOOP:
      inb_playback_sync_set_loop (self, g_value_get_boolean (value));
      break;

    case PROP_RATE:
      inb_playback_sync_set_rate (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_playback_sync_class_init (InbPlaybackSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_playback_sync_dispose;
  object_class->finalize = inb_playback_sync_finalize;
  object_class->get_property = inb_playback_sync_get_property;
  object_class->set_property = inb_playback_sync_set_property;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FPS] =
    g_param_spec_double ("fps", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_BY_TIME] =
    g_param_spec_boolean ("by-time", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LEAD] =
    g_param_spec_int ("lead", NULL, NULL, INB_SIDE_A, INB_SIDE_B, INB_SIDE_A,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHOWN] =
    g_param_spec_boolean ("shown", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, INB_PLAYBACK_MIN_RATE, INB_PLAYBACK_MAX_RATE, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_LOOPS] =
    g_param_spec_uint ("n-loops", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InbPlaybackSync::pair-shown:
   *
   * Both sides show the frames of #InbPlaybackSync:position: the moment
   * to draw them together.
   */
  signals[PAIR_SHOWN] =
    g_signal_new ("pair-shown",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * InbPlaybackSync::swapped:
   *
   * A and B changed places.
   */
  signals[SWAPPED] =
    g_signal_new ("swapped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
inb_playback_sync_init (InbPlaybackSync *self)
{
  self->rate = 1.0;
  self->loop = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      self->sides[i] = inb_playback_new ();
      self->requested[i] = G_MAXUINT;
      g_signal_connect_object (self->sides[i], "notify",
                               G_CALLBACK (inb_playback_sync_side_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sides[i], "invalidate-contents",
                               G_CALLBACK (inb_playback_sync_side_changed_cb), self, G_CONNECT_SWAPPED);
    }
}
