/* inb-compare-view.c — two takes compared: side by side or split, in lock-step
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

/* The stage (InbCompareStage) over one transport that drives both sides
 * through an InbPlaybackSync: play and pause, loop, speed, the scrub bar,
 * frame steps, first and last frame. A note under the stage says when the
 * clips are matched by normalised time rather than frame by frame.
 *
 * Keys, wherever the focus is in the view: Space or K play and pause,
 * ← → (or , .) step a frame, Shift with them ten, Home and End go to the
 * ends, R repeats or not, X swaps A and B, M switches between side by
 * side and split. Narrow, a menu holds repeat, the ends and speed. The
 * split's handle takes ← → itself while it has the focus. */

#define G_LOG_DOMAIN "inb-compare-view"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "inb-compare-view.h"
#include "inb-resources.h"
#include "inb-schema.h"
#include "inb-take-format.h"

struct _InbCompareView
{
  GtkWidget        parent_instance;

  InbPlaybackSync *sync;
  GFile           *files[2];   /* by side */
  char            *labels[2];  /* by side */
  char            *note;       /* NULL when hidden */

  /* Template Widgets */
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  InbCompareStage *stage;
  GtkRevealer     *note_revealer;
  GtkLabel        *note_title;
  GtkLabel        *note_label;
  GtkScale        *scale;
  GtkAdjustment   *adjustment;
  GtkButton       *play_button;
  GtkButton       *compact_play_button;
  GtkLabel        *frame_label;
  GtkLabel        *compact_frame_label;
  GtkLabel        *time_label;
  GtkMenuButton   *speed_button;
};

G_DEFINE_FINAL_TYPE (InbCompareView, inb_compare_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODE,
  PROP_LOOP,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
inb_compare_view_new (void)
{
  return g_object_new (INB_TYPE_COMPARE_VIEW, NULL);
}

static char *
format_time (double seconds)
{
  return inb_take_format_hundredths ((gint64) floor (MAX (seconds, 0.0) * 100 + 0.5));
}

static char *
format_fps (double fps)
{
  if (fabs (fps - floor (fps + 0.5)) < 0.005)
    return g_strdup_printf ("%d", (int) floor (fps + 0.5));

  return g_strdup_printf ("%.2f", fps);
}

/* What each side shows, under its caption: the frame of its own clip,
 * counted from 1 as on a dope sheet, and its own time. */
static void
inb_compare_view_update_readouts (InbCompareView *self)
{
  guint position = inb_playback_sync_get_position (self->sync);
  gboolean ready = inb_playback_sync_get_ready (self->sync);

  for (guint side = 0; side < 2; side++)
    {
      InbPlayback *playback = inb_playback_sync_get_playback (self->sync, side);
      guint n_frames = inb_playback_get_n_frames (playback);
      double fps = inb_playback_get_fps (playback);
      g_autofree char *readout = NULL;

      if (ready && n_frames > 0 && fps > 0)
        {
          guint frame = inb_playback_sync_get_frame_for (self->sync, side, position);
          g_autofree char *time = format_time (frame / fps);

          /* Translators: a take's frame / its number of frames · its time, as in "Frame 13 / 81 · 0:00.75" */
          readout = g_strdup_printf (_("Frame %u / %u · %s"), frame + 1, n_frames, time);
        }

      inb_compare_stage_set_caption (self->stage, side, self->labels[side], readout);
    }
}

/* The transport: the timeline's position, in the lead clip's frames. */
static void
inb_compare_view_update_position (InbCompareView *self)
{
  guint length = inb_playback_sync_get_length (self->sync);
  guint position = inb_playback_sync_get_position (self->sync);
  double fps = inb_playback_sync_get_fps (self->sync);
  g_autofree char *frame_text = NULL;
  g_autofree char *compact_text = NULL;
  g_autofree char *time_text = NULL;

  gtk_adjustment_configure (self->adjustment, position, 0, length > 0 ? length - 1 : 0, 1, 10, 0);

  /* Translators: current frame / number of frames, counted from 1 as on a dope sheet */
  frame_text = g_strdup_printf (_("Frame %u / %u"), length > 0 ? position + 1 : 0, length);
  gtk_label_set_label (self->frame_label, frame_text);
  compact_text = g_strdup_printf ("%u / %u", length > 0 ? position + 1 : 0, length);
  gtk_label_set_label (self->compact_frame_label, compact_text);

  /* As the player says it: the time the frame starts, then the length
   * of the lead clip, one frame past the last frame's start, so the last
   * frame of 81 at 16 fps reads "0:05.00 / 0:05.06" */
  if (fps > 0)
    {
      g_autofree char *now = format_time (position / fps);
      g_autofree char *total = format_time (inb_clip_length (length, fps));

      time_text = g_strdup_printf ("%s / %s", now, total);
    }
  gtk_label_set_label (self->time_label, time_text ? time_text : "");
}

static void
inb_compare_view_update_playing (InbCompareView *self)
{
  gboolean playing = inb_playback_sync_get_playing (self->sync);
  GtkButton *buttons[] = { self->play_button, self->compact_play_button };
  const char *text = playing ? _("Pause Both") : _("Play Both");

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gtk_button_set_icon_name (buttons[i],
                                playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (buttons[i]), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                      -1);
    }
}

static void
inb_compare_view_update_rate (InbCompareView *self)
{
  g_autofree char *label = NULL;

  /* Translators: playback speed, like "0.5×" */
  label = g_strdup_printf (_("%g×"), inb_playback_sync_get_rate (self->sync));
  gtk_menu_button_set_label (self->speed_button, label);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

static void
inb_compare_view_loop_changed_cb (InbCompareView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

/* Said plainly under the stage when the clips cannot be matched frame by
 * frame: how they differ, and how they are matched instead. */
static void
inb_compare_view_update_note (InbCompareView *self)
{
  g_autofree char *note = NULL;
  const char *title = NULL;

  if (inb_playback_sync_get_by_time (self->sync))
    {
      InbSide lead = inb_playback_sync_get_lead (self->sync);
      InbSide other = lead == INB_SIDE_A ? INB_SIDE_B : INB_SIDE_A;
      InbPlayback *a = inb_playback_sync_get_playback (self->sync, INB_SIDE_A);
      InbPlayback *b = inb_playback_sync_get_playback (self->sync, INB_SIDE_B);
      guint n_a = inb_playback_get_n_frames (a);
      guint n_b = inb_playback_get_n_frames (b);
      g_autofree char *fps_a = format_fps (inb_playback_get_fps (a));
      g_autofree char *fps_b = format_fps (inb_playback_get_fps (b));
      g_autofree char *fps_lead = format_fps (inb_playback_sync_get_fps (self->sync));
      const char *names[] = { "A", "B" };
      g_autofree char *facts = NULL;
      g_autofree char *how = NULL;

      g_autofree char *fact_a = NULL;
      g_autofree char *fact_b = NULL;

      /* Translators: the first of the two clips compared, as in "A has
       * 81 frames at 16 fps, B 49 frames at 12 fps." */
      fact_a = g_strdup_printf (ngettext ("A has %u frame at %s fps", "A has %u frames at %s fps", n_a),
                                n_a, fps_a);
      /* Translators: the second of the two clips compared, as in "A has
       * 81 frames at 16 fps, B 49 frames at 12 fps." */
      fact_b = g_strdup_printf (ngettext ("B %u frame at %s fps", "B %u frames at %s fps", n_b), n_b, fps_b);
      /* Translators: the two clips compared, "A has 81 frames at 16 fps"
       * and "B 49 frames at 12 fps", in one sentence */
      facts = g_strdup_printf (_("%s, %s."), fact_a, fact_b);

      if (n_a != n_b)
        /* Translators: %s are the sides, "A" or "B"; the last one is frames a second */
        how = g_strdup_printf (_("Each frame of %s is shown beside the frame of %s at the same point between its first and last frame, so %s holds some frames longer. Both play in %s’s time, at %s fps."),
                               names[lead], names[other], names[other], names[lead], fps_lead);
      else
        /* Translators: %s are frames a second */
        how = g_strdup_printf (_("Each has the same number of frames, so frames are matched one for one; both play at %s fps."),
                               fps_lead);

      title = n_a != n_b ? _("Different lengths: matched by normalised time")
                         : _("Different frame rates: matched frame for frame");
      note = g_strdup_printf ("%s %s", facts, how);
    }

  if (title != NULL)
    gtk_label_set_label (self->note_title, title);
  if (note != NULL)
    gtk_label_set_label (self->note_label, note);
  gtk_revealer_set_reveal_child (self->note_revealer, note != NULL);

  g_free (self->note);
  self->note = note != NULL ? g_strdup_printf ("%s. %s", title, note) : NULL;
}

static void
inb_compare_view_update_page (InbCompareView *self)
{
  const GError *error = inb_playback_sync_get_error (self->sync);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (self->files[INB_SIDE_A] != NULL && self->files[INB_SIDE_B] != NULL)
    gtk_stack_set_visible_child_name (self->stack, "stage");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (self->scale)),
                            error == NULL && inb_playback_sync_get_ready (self->sync));
}

static void
inb_compare_view_ready_cb (InbCompareView *self)
{
  inb_compare_view_update_page (self);
  inb_compare_view_update_position (self);
  inb_compare_view_update_readouts (self);
  inb_compare_view_update_note (self);
}

static gboolean
inb_compare_view_change_value_cb (InbCompareView *self,
                                  GtkScrollType   scroll,
                                  double          value,
                                  GtkRange       *range)
{
  guint length = inb_playback_sync_get_length (self->sync);

  if (length == 0)
    return TRUE;

  value = CLAMP (value, 0, length - 1);
  inb_playback_sync_seek (self->sync, (guint) (value + 0.5));

  return FALSE;
}

/* Public API */

/**
 * inb_compare_view_set_clips:
 * @a: (nullable): the clip shown as A
 * @label_a: (nullable): A's name, like "Take 12 · seed 4821"
 * @b: (nullable): the clip shown as B
 * @label_b: (nullable): B's name
 *
 * Opens both clips, paused on their first frames. With either missing
 * the view asks for two takes.
 */
void
inb_compare_view_set_clips (InbCompareView *self,
                            GFile          *a,
                            const char     *label_a,
                            GFile          *b,
                            const char     *label_b)
{
  g_return_if_fail (INB_IS_COMPARE_VIEW (self));
  g_return_if_fail (!a || G_IS_FILE (a));
  g_return_if_fail (!b || G_IS_FILE (b));

  g_set_object (&self->files[INB_SIDE_A], a);
  g_set_object (&self->files[INB_SIDE_B], b);
  g_free (self->labels[INB_SIDE_A]);
  g_free (self->labels[INB_SIDE_B]);
  self->labels[INB_SIDE_A] = g_strdup (label_a);
  self->labels[INB_SIDE_B] = g_strdup (label_b);

  inb_playback_sync_set_files (self->sync, a, b);
  inb_compare_view_ready_cb (self);
}

/**
 * inb_compare_view_get_file:
 *
 * Returns: (transfer none) (nullable): the clip @side shows
 */
GFile *
inb_compare_view_get_file (InbCompareView *self,
                           InbSide         side)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return self->files[side];
}

const char *
inb_compare_view_get_label (InbCompareView *self,
                            InbSide         side)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return self->labels[side];
}

/**
 * inb_compare_view_swap:
 *
 * A and B change places, clips, names and all, on the same frame.
 */
void
inb_compare_view_swap (InbCompareView *self)
{
  GFile *file;
  char *label;

  g_return_if_fail (INB_IS_COMPARE_VIEW (self));

  file = self->files[INB_SIDE_A];
  self->files[INB_SIDE_A] = self->files[INB_SIDE_B];
  self->files[INB_SIDE_B] = file;
  label = self->labels[INB_SIDE_A];
  self->labels[INB_SIDE_A] = self->labels[INB_SIDE_B];
  self->labels[INB_SIDE_B] = label;

  inb_playback_sync_swap (self->sync);
  inb_compare_view_update_readouts (self);
  inb_compare_view_update_note (self);
}

/**
 * inb_compare_view_get_mode:
 *
 * Returns: "side-by-side" or "split"
 */
const char *
inb_compare_view_get_mode (InbCompareView *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);

  return inb_compare_stage_get_mode (self->stage) == INB_COMPARE_MODE_SPLIT ? "split" : "side-by-side";
}

/**
 * inb_compare_view_set_mode:
 * @mode: "side-by-side" or "split"
 */
void
inb_compare_view_set_mode (InbCompareView *self,
                           const char     *mode)
{
  InbCompareMode stage_mode;

  g_return_if_fail (INB_IS_COMPARE_VIEW (self));
  g_return_if_fail (mode != NULL);

  stage_mode = g_str_equal (mode, "split") ? INB_COMPARE_MODE_SPLIT : INB_COMPARE_MODE_SIDE_BY_SIDE;
  if (stage_mode == inb_compare_stage_get_mode (self->stage))
    return;

  inb_compare_stage_set_mode (self->stage, stage_mode);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * inb_compare_view_get_sync:
 *
 * Returns: (transfer none): the two playbacks and their common clock
 */
InbPlaybackSync *
inb_compare_view_get_sync (InbCompareView *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);

  return self->sync;
}

/**
 * inb_compare_view_get_stage:
 *
 * Returns: (transfer none): where the two takes are drawn
 */
InbCompareStage *
inb_compare_view_get_stage (InbCompareView *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);

  return self->stage;
}

/**
 * inb_compare_view_get_note:
 *
 * Returns: (nullable): the note shown under the stage, %NULL when
 *   the clips match frame for frame
 */
const char *
inb_compare_view_get_note (InbCompareView *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_VIEW (self), NULL);

  return self->note;
}

/* Actions */

static void
inb_compare_view_play_pause_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  InbCompareView *self = INB_COMPARE_VIEW (widget);

  if (inb_playback_sync_get_playing (self->sync))
    inb_playback_sync_pause (self->sync);
  else
    inb_playback_sync_play (self->sync);
}

static void
inb_compare_view_step_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  InbCompareView *self = INB_COMPARE_VIEW (widget);

  inb_playback_sync_step (self->sync, g_variant_get_int32 (parameter));
}

static void
inb_compare_view_first_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  InbCompareView *self = INB_COMPARE_VIEW (widget);

  inb_playback_sync_pause (self->sync);
  inb_playback_sync_seek (self->sync, 0);
}

static void
inb_compare_view_last_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  InbCompareView *self = INB_COMPARE_VIEW (widget);
  guint length = inb_playback_sync_get_length (self->sync);

  inb_playback_sync_pause (self->sync);
  if (length > 0)
    inb_playback_sync_seek (self->sync, length - 1);
}

static void
inb_compare_view_swap_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  inb_compare_view_swap (INB_COMPARE_VIEW (widget));
}

static void
inb_compare_view_toggle_mode_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  InbCompareView *self = INB_COMPARE_VIEW (widget);

  inb_compare_view_set_mode (self, g_str_equal (inb_compare_view_get_mode (self), "split") ? "side-by-side" : "split");
}

/* GObject */

static void
inb_compare_view_dispose (GObject *object)
{
  InbCompareView *self = INB_COMPARE_VIEW (object);
  GtkWidget *child;

  if (self->sync != NULL)
    {
      inb_playback_sync_pause (self->sync);
      g_signal_handlers_disconnect_by_data (self->sync, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), INB_TYPE_COMPARE_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->sync);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&self->files[i]);
      g_clear_pointer (&self->labels[i], g_free);
    }
  g_clear_pointer (&self->note, g_free);

  G_OBJECT_CLASS (inb_compare_view_parent_class)->dispose (object);
}

static void
inb_compare_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  InbCompareView *self = INB_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, inb_compare_view_get_mode (self));
      break;

    case PROP_LOOP:
      g_value_set_boolean (value, inb_playback_sync_get_loop (self->sync));
      break;

    case PROP_RATE:
      g_value_set_double (value, inb_playback_sync_get_rate (self->sync));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_compare_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  InbCompareView *self = INB_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      inb_compare_view_set_mode (self, g_value_get_string (value) ? g_value_get_string (value) : "side-by-side");
      break;

    case PROP_LOOP:
      inb_playback_sync_set_loop (self->sync, g_value_get_boolean (value));
      break;

    case PROP_RATE:
      inb_playback_sync_set_rate (self->sync, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_compare_view_class_init (InbCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_compare_view_dispose;
  object_class->get_property = inb_compare_view_get_property;
  object_class->set_property = inb_compare_view_set_property;

  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, "side-by-side",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, INB_PLAYBACK_MIN_RATE, INB_PLAYBACK_MAX_RATE, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (INB_TYPE_COMPARE_STAGE);

  /* Referencing the resource links it in, and its constructor registers it. */
  (void) inb_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, stack);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, error_page);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, stage);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, note_revealer);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, note_title);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, note_label);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, scale);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, adjustment);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, play_button);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, compact_play_button);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, frame_label);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, compact_frame_label);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, time_label);
  gtk_widget_class_bind_template_child (widget_class, InbCompareView, speed_button);
  gtk_widget_class_bind_template_callback (widget_class, inb_compare_view_change_value_cb);

  gtk_widget_class_install_action (widget_class, "compare.play-pause", NULL, inb_compare_view_play_pause_action);
  gtk_widget_class_install_action (widget_class, "compare.step", "i", inb_compare_view_step_action);
  gtk_widget_class_install_action (widget_class, "compare.first", NULL, inb_compare_view_first_action);
  gtk_widget_class_install_action (widget_class, "compare.last", NULL, inb_compare_view_last_action);
  gtk_widget_class_install_action (widget_class, "compare.swap", NULL, inb_compare_view_swap_action);
  gtk_widget_class_install_action (widget_class, "compare.toggle-mode", NULL, inb_compare_view_toggle_mode_action);
  gtk_widget_class_install_property_action (widget_class, "compare.mode", "mode");
  gtk_widget_class_install_property_action (widget_class, "compare.loop", "loop");
  gtk_widget_class_install_property_action (widget_class, "compare.rate", "rate");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "compare.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "compare.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "compare.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, 0, "compare.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "compare.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, 0, "compare.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, "compare.step", "i", -10);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, "compare.step", "i", 10);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "compare.first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "compare.last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, 0, "compare.swap", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "compare.toggle-mode", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "compare.loop", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "compareview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inb_compare_view_init (InbCompareView *self)
{
  self->sync = inb_playback_sync_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  inb_compare_stage_set_sync (self->stage, self->sync);

  g_signal_connect_object (self->sync, "notify::position",
                           G_CALLBACK (inb_compare_view_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::length",
                           G_CALLBACK (inb_compare_view_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::fps",
                           G_CALLBACK (inb_compare_view_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "pair-shown",
                           G_CALLBACK (inb_compare_view_update_readouts), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::ready",
                           G_CALLBACK (inb_compare_view_ready_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::error",
                           G_CALLBACK (inb_compare_view_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::by-time",
                           G_CALLBACK (inb_compare_view_update_note), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::playing",
                           G_CALLBACK (inb_compare_view_update_playing), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::rate",
                           G_CALLBACK (inb_compare_view_update_rate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync, "notify::loop",
                           G_CALLBACK (inb_compare_view_loop_changed_cb), self, G_CONNECT_SWAPPED);

  inb_compare_view_update_page (self);
  inb_compare_view_update_position (self);
  inb_compare_view_update_playing (self);
  inb_compare_view_update_rate (self);
  inb_compare_view_update_readouts (self);
}
