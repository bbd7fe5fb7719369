/* inb-player.c — the clip player: picture, transport and keyframe overlay
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

#define G_LOG_DOMAIN "inb-player"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include <adwaita.h>

#include "inb-a11y.h"
#include "inb-player.h"
#include "inb-schema.h"
#include "inb-take-format.h"

/* A still picture (the keyframe overlay) drawn at the size it is shown at:
 * the full texture is scaled down once, on a thread, to the device pixels
 * of the last snapshot, so the renderer does not scale a 720p texture on
 * the main thread in every frame of a playing clip. Its intrinsic size is
 * the full texture's, so the layout is the same as for the texture. */

#define INB_TYPE_SCALED_PICTURE (inb_scaled_picture_get_type ())

G_DECLARE_FINAL_TYPE (InbScaledPicture, inb_scaled_picture, INB, SCALED_PICTURE, GObject)

struct _InbScaledPicture
{
  GObject       parent_instance;

  GdkTexture   *texture;   /* full size */
  GdkTexture   *scaled;    /* nullable */
  GCancellable *cancellable;
  int           scale_factor;
  int           wanted_width;
  int           wanted_height;
  guint         scaling : 1;
};

static void inb_scaled_picture_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbScaledPicture, inb_scaled_picture, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, inb_scaled_picture_paintable_init))

typedef struct
{
  GdkTexture *texture;
  int         width;
  int         height;
} ScaleJob;

static void
scale_job_free (gpointer data)
{
  ScaleJob *job = data;

  g_clear_object (&job->texture);
  g_free (job);
}

/* Memory textures only: their pixels are immutable and can be read from
 * any thread. The bytes are premultiplied BGRA, which filters correctly
 * channel by channel whatever gdk-pixbuf takes them for. */
static void
scale_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ScaleJob *job = task_data;
  int width = gdk_texture_get_width (job->texture);
  int height = gdk_texture_get_height (job->texture);
  gsize stride = (gsize) width * 4;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) full = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GBytes) pixels = NULL;
  guint8 *data;

  data = g_malloc (stride * height);
  gdk_texture_download (job->texture, data, stride);
  bytes = g_bytes_new_take (data, stride * height);
  full = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, TRUE, 8, width, height, (int) stride);
  scaled = gdk_pixbuf_scale_simple (full, job->width, job->height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not scale the picture");
      return;
    }

  pixels = gdk_pixbuf_read_pixel_bytes (scaled);
  g_task_return_pointer (task,
                         gdk_memory_texture_new (job->width, job->height,
                                                 GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                                 pixels,
                                                 gdk_pixbuf_get_rowstride (scaled)),
                         g_object_unref);
}

static void inb_scaled_picture_request (InbScaledPicture *self);

/* @user_data: the picture, not held (see inb_scaled_picture_request()):
 * cancelled, it may be gone */
static void
scale_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  InbScaledPicture *self = user_data;
  g_autoptr(GdkTexture) scaled = g_task_propagate_pointer (G_TASK (result), NULL);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  self->scaling = FALSE;
  if (scaled == NULL)
    return;

  g_set_object (&self->scaled, scaled);
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  /* The size may have changed again meanwhile. */
  inb_scaled_picture_request (self);
}

static void
inb_scaled_picture_request (InbScaledPicture *self)
{
  g_autoptr(GTask) task = NULL;
  ScaleJob *job;

  if (self->scaling || self->wanted_width <= 0 || self->wanted_height <= 0 || !GDK_IS_MEMORY_TEXTURE (self->texture))
    return;
  if (self->scaled != NULL &&
      gdk_texture_get_width (self->scaled) == self->wanted_width &&
      gdk_texture_get_height (self->scaled) == self->wanted_height)
    return;

  job = g_new0 (ScaleJob, 1);
  job->texture = g_object_ref (self->texture);
  job->width = self->wanted_width;
  job->height = self->wanted_height;

  self->scaling = TRUE;
  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a paintable finalized there
   * races GTK on the main thread. Unheld, the picture is kept from the
   * callback by the cancellable, which dispose cancels first. */
  task = g_task_new (NULL, self->cancellable, scale_done_cb, self);
  g_task_set_source_tag (task, inb_scaled_picture_request);
  g_task_set_task_data (task, job, scale_job_free);
  g_task_run_in_thread (task, scale_thread);
}

static void
inb_scaled_picture_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  InbScaledPicture *self = INB_SCALED_PICTURE (paintable);
  int device_width = (int) ceil (width * self->scale_factor - 0.01);
  int device_height = (int) ceil (height * self->scale_factor - 0.01);

  if (device_width >= gdk_texture_get_width (self->texture) ||
      device_height >= gdk_texture_get_height (self->texture) ||
      device_width < 1 || device_height < 1)
    {
      /* As large as the picture or larger: the full texture. */
      self->wanted_width = self->wanted_height = 0;
      gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
      return;
    }

  self->wanted_width = device_width;
  self->wanted_height = device_height;
  inb_scaled_picture_request (self);

  gdk_paintable_snapshot (GDK_PAINTABLE (self->scaled != NULL ? self->scaled : self->texture),
                          snapshot, width, height);
}

static GdkPaintable *
inb_scaled_picture_get_current_image (GdkPaintable *paintable)
{
  InbScaledPicture *self = INB_SCALED_PICTURE (paintable);

  return g_object_ref (GDK_PAINTABLE (self->scaled != NULL ? self->scaled : self->texture));
}

static GdkPaintableFlags
inb_scaled_picture_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE;
}

static int
inb_scaled_picture_get_intrinsic_width (GdkPaintable *paintable)
{
  return gdk_texture_get_width (INB_SCALED_PICTURE (paintable)->texture);
}

static int
inb_scaled_picture_get_intrinsic_height (GdkPaintable *paintable)
{
  return gdk_texture_get_height (INB_SCALED_PICTURE (paintable)->texture);
}

static void
inb_scaled_picture_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = inb_scaled_picture_snapshot;
  iface->get_current_image = inb_scaled_picture_get_current_image;
  iface->get_flags = inb_scaled_picture_get_flags;
  iface->get_intrinsic_width = inb_scaled_picture_get_intrinsic_width;
  iface->get_intrinsic_height = inb_scaled_picture_get_intrinsic_height;
}

static void
inb_scaled_picture_dispose (GObject *object)
{
  InbScaledPicture *self = INB_SCALED_PICTURE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scaled);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (inb_scaled_picture_parent_class)->dispose (object);
}

static void
inb_scaled_picture_class_init (InbScaledPictureClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = inb_scaled_picture_dispose;
}

static void
inb_scaled_picture_init (InbScaledPicture *self)
{
  self->cancellable = g_cancellable_new ();
  self->scale_factor = 1;
}

static GdkPaintable *
inb_scaled_picture_new (GdkTexture *texture,
                        int         scale_factor)
{
  InbScaledPicture *self = g_object_new (INB_TYPE_SCALED_PICTURE, NULL);

  self->texture = g_object_ref (texture);
  self->scale_factor = MAX (scale_factor, 1);

  return GDK_PAINTABLE (self);
}

struct _InbPlayer
{
  GtkWidget       parent_instance;

  InbPlayback    *playback;
  GdkTexture     *first;
  GdkTexture     *last;
  char           *overlay;

  /* Template Widgets */
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
  GtkWidget      *editor_button;
  gboolean        making;
  gboolean        keyframes_ready;
  gboolean        editor_hidden;
  GtkPicture     *picture;
  GtkPicture     *keyframe_picture;
  GtkPicture     *preview_picture;
  GtkLabel       *preview_caption;
  GtkButton      *play_button;
  GtkButton      *medium_play_button;
  GtkLabel       *medium_frame_label;
  GtkLabel       *medium_time_label;
  GtkMenuButton  *medium_more_button;
  GtkButton      *compact_play_button;
  GtkLabel       *compact_frame_label;
  GtkMenuButton  *compact_more_button;
  GtkMenuButton  *overlay_button;
  AdwSqueezer    *squeezer;
  GtkScale       *scale;
  GtkAdjustment  *adjustment;
  GtkLabel       *frame_label;
  GtkLabel       *time_label;
  GtkMenuButton  *speed_button;
  GtkWidget      *controls;

  GtkWindow      *window;   /* weak: the root, while rooted */
  guint           hide_id;  /* fullscreen: hides the controls when the pointer rests */
  guint           controls_hidden : 1;
  guint           fullscreen : 1;
};

#define HIDE_CONTROLS_MS 2500

G_DEFINE_FINAL_TYPE (InbPlayer, inb_player, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLAYBACK,
  PROP_LOOP,
  PROP_RATE,
  PROP_OVERLAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
inb_player_new (void)
{
  return g_object_new (INB_TYPE_PLAYER, NULL);
}

/**
 * inb_player_get_playback:
 *
 * Returns: (transfer none): the playback behind the picture
 */
InbPlayback *
inb_player_get_playback (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  return self->playback;
}

void
inb_player_set_file (InbPlayer *self,
                     GFile     *file)
{
  g_return_if_fail (INB_IS_PLAYER (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  inb_playback_set_file (self->playback, file);
  gtk_stack_set_visible_child_name (self->stack, file ? "video" : "empty");
  gtk_widget_set_visible (self->controls, file != NULL && !self->controls_hidden);
}

/**
 * inb_player_show_preview:
 * @preview: (nullable): a picture of the take being made (a sampler's
 *   preview); %NULL: back to the clip, or to nothing
 * @caption: (nullable): what the backend is doing ("Sampling, pass 1 of 2…")
 *
 * Shows @preview in place of the clip, marked as a preview; the clip
 * (inb_player_set_file()) comes back when it is %NULL.
 */
void
inb_player_show_preview (InbPlayer  *self,
                         GdkTexture *preview,
                         const char *caption)
{
  g_return_if_fail (INB_IS_PLAYER (self));
  g_return_if_fail (preview == NULL || GDK_IS_TEXTURE (preview));

  gtk_label_set_label (self->preview_caption, caption);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_caption), caption != NULL && *caption != '\0');
  if (preview != NULL)
    {
      gtk_picture_set_paintable (self->preview_picture, GDK_PAINTABLE (preview));
      gtk_stack_set_visible_child_name (self->stack, "preview");
      gtk_widget_set_visible (self->controls, FALSE);
      return;
    }

  gtk_picture_set_paintable (self->preview_picture, NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "preview") == 0)
    {
      gboolean has_clip = inb_playback_get_file (self->playback) != NULL;

      gtk_stack_set_visible_child_name (self->stack, has_clip ? "video" : "empty");
      gtk_widget_set_visible (self->controls, has_clip);
    }
}

/**
 * inb_player_get_preview:
 *
 * Returns: (transfer none) (nullable): the preview shown, if one is
 */
GdkPaintable *
inb_player_get_preview (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "preview") != 0)
    return NULL;

  return gtk_picture_get_paintable (self->preview_picture);
}

/* A menu button has no checked state: while an overlay is chosen, the
 * overlay control looks on as the Repeat toggle does (style.css), and its
 * tooltip and description say which keyframe it shows. */
static void
inb_player_update_overlay_button (InbPlayer *self)
{
  GtkWidget *button = GTK_WIDGET (self->overlay_button);
  const char *tooltip = _("Keyframe Overlay (O)");
  const char *description = NULL;

  if (g_strcmp0 (self->overlay, "first") == 0)
    {
      tooltip = _("Keyframe Overlay: First Keyframe (O)");
      description = _("Shows the first keyframe at 50 %");
    }
  else if (g_strcmp0 (self->overlay, "last") == 0)
    {
      tooltip = _("Keyframe Overlay: Last Keyframe (O)");
      description = _("Shows the last keyframe at 50 %");
    }

  if (description != NULL)
    {
      gtk_widget_add_css_class (button, "on");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }
  else
    {
      gtk_widget_remove_css_class (button, "on");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  gtk_widget_set_tooltip_text (button, tooltip);
}

static void
inb_player_update_overlay (InbPlayer *self)
{
  g_autoptr(GdkPaintable) picture = NULL;
  GdkTexture *texture = NULL;

  if (g_strcmp0 (self->overlay, "first") == 0)
    texture = self->first;
  else if (g_strcmp0 (self->overlay, "last") == 0)
    texture = self->last;

  if (texture != NULL)
    picture = inb_scaled_picture_new (texture, gtk_widget_get_scale_factor (GTK_WIDGET (self)));

  gtk_picture_set_paintable (self->keyframe_picture, picture);
  gtk_widget_set_visible (GTK_WIDGET (self->keyframe_picture), texture != NULL);
  inb_player_update_overlay_button (self);
}

void
inb_player_set_keyframes (InbPlayer  *self,
                          GdkTexture *first,
                          GdkTexture *last)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  g_set_object (&self->first, first);
  g_set_object (&self->last, last);
  inb_player_update_overlay (self);
}

const char *
inb_player_get_overlay (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  return self->overlay;
}

void
inb_player_set_overlay (InbPlayer  *self,
                        const char *overlay)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  if (overlay == NULL || (strcmp (overlay, "first") != 0 && strcmp (overlay, "last") != 0))
    overlay = "none";

  if (g_strcmp0 (overlay, self->overlay) != 0)
    {
      g_free (self->overlay);
      self->overlay = g_strdup (overlay);
      inb_player_update_overlay (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERLAY]);
    }
}

/* Minutes, seconds and hundredths, rounded to the nearest hundredth. */
static char *
format_time (gint64 ns)
{
  return inb_take_format_hundredths ((ns + 5000000) / 10000000);
}

/* The time a frame starts, counted on the clip's frame rate, so that it
 * matches the frame number: frame 1 is 0:00.00, and the last frame of
 * 81 at 16 fps is 0:05.00. Without a known rate, the pipeline's time. */
static gint64
inb_player_frame_time (InbPlayer *self,
                       guint      frame)
{
  double fps = inb_playback_get_fps (self->playback);

  if (fps <= 0)
    return frame == 0 ? 0 : inb_playback_get_duration (self->playback);

  return (gint64) (frame * (double) G_TIME_SPAN_SECOND * 1000 / fps + 0.5);
}

/* The clip's length as the library, the details and other players say
 * it: the last frame ends one frame after it starts, so 81 frames at
 * 16 fps are 0:05.06 long. Without a known rate, the pipeline's. */
static gint64
inb_player_length (InbPlayer *self)
{
  double fps = inb_playback_get_fps (self->playback);
  double seconds = inb_clip_length (inb_playback_get_n_frames (self->playback), fps);

  if (seconds <= 0)
    return inb_playback_get_duration (self->playback);

  return (gint64) (seconds * G_TIME_SPAN_SECOND * 1000 + 0.5);
}

static void
inb_player_update_position (InbPlayer *self)
{
  g_autofree char *frame_text = NULL;
  g_autofree char *position = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *time_text = NULL;
  guint n_frames = inb_playback_get_n_frames (self->playback);
  guint frame = inb_playback_get_frame (self->playback);

  gtk_adjustment_configure (self->adjustment,
                            frame,
                            0,
                            n_frames > 0 ? n_frames - 1 : 0,
                            1, 10, 0);

  /* Translators: current frame / number of frames, counted from 1 as on a dope sheet */
  frame_text = g_strdup_printf (_("Frame %u / %u"), n_frames > 0 ? frame + 1 : 0, n_frames);
  gtk_label_set_label (self->frame_label, frame_text);
  gtk_label_set_label (self->medium_frame_label, frame_text);
  gtk_label_set_label (self->compact_frame_label, frame_text);

  position = format_time (inb_player_frame_time (self, n_frames > 0 ? frame : 0));
  duration = format_time (inb_player_length (self));
  time_text = g_strdup_printf ("%s / %s", position, duration);
  gtk_label_set_label (self->time_label, time_text);
  gtk_label_set_label (self->medium_time_label, time_text);
  /* Narrow, the frame and its time are in the tooltip (the label may be cut). */
  {
    g_autofree char *tip = g_strdup_printf ("%s\n%s", frame_text, time_text);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->compact_frame_label), tip);
  }
}

static void
inb_player_update_playing (InbPlayer *self)
{
  gboolean playing = inb_playback_get_playing (self->playback);

  GtkButton *buttons[] = { self->play_button, self->medium_play_button, self->compact_play_button };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gtk_button_set_icon_name (buttons[i],
                                playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (buttons[i]), playing ? _("Pause") : _("Play"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, playing ? _("Pause") : _("Play"),
                                      -1);
    }
}

static void
inb_player_update_rate (InbPlayer *self)
{
  double rate = inb_playback_get_rate (self->playback);
  g_autofree char *label = NULL;

  /* Translators: playback speed, like "0.5×" */
  label = g_strdup_printf (_("%g×"), rate);
  gtk_menu_button_set_label (self->speed_button, label);

  /* The property action follows the proxied property. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

static void
inb_player_loop_changed_cb (InbPlayer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

static gboolean
inb_player_change_value_cb (InbPlayer     *self,
                            GtkScrollType  scroll,
                            double         value,
                            GtkRange      *range)
{
  guint n_frames = inb_playback_get_n_frames (self->playback);

  if (n_frames == 0)
    return TRUE;

  value = CLAMP (value, 0, n_frames - 1);
  inb_playback_seek_frame (self->playback, (guint) (value + 0.5));

  return FALSE;
}

static void
inb_player_play_pause_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  InbPlayer *self = INB_PLAYER (widget);

  if (inb_playback_get_playing (self->playback))
    inb_playback_pause (self->playback);
  else
    inb_playback_play (self->playback);
}

static void
inb_player_step_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbPlayer *self = INB_PLAYER (widget);

  inb_playback_step (self->playback, g_variant_get_int32 (parameter));
}

static void
inb_player_seek_end_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  InbPlayer *self = INB_PLAYER (widget);
  guint n_frames = inb_playback_get_n_frames (self->playback);

  if (n_frames == 0)
    return;

  inb_playback_seek_frame (self->playback, g_variant_get_boolean (parameter) ? n_frames - 1 : 0);
}

/* The speeds of the Speed menu, slowest first */
static const double rates[] = { 0.25, 0.5, 1.0, 1.5, 2.0 };

static void
inb_player_change_rate_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  InbPlayer *self = INB_PLAYER (widget);
  double rate = inb_playback_get_rate (self->playback);
  int step = g_variant_get_int32 (parameter);
  guint nearest = 0;

  for (guint i = 1; i < G_N_ELEMENTS (rates); i++)
    if (fabs (rates[i] - rate) < fabs (rates[nearest] - rate))
      nearest = i;

  nearest = (guint) CLAMP ((int) nearest + step, 0, (int) G_N_ELEMENTS (rates) - 1);
  inb_playback_set_rate (self->playback, rates[nearest]);
}

static void
inb_player_cycle_overlay_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  InbPlayer *self = INB_PLAYER (widget);

  if (g_strcmp0 (self->overlay, "none") == 0)
    inb_player_set_overlay (self, "first");
  else if (g_strcmp0 (self->overlay, "first") == 0)
    inb_player_set_overlay (self, "last");
  else
    inb_player_set_overlay (self, "none");
}

static void
inb_player_fullscreen_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (!GTK_IS_WINDOW (root))
    return;

  if (gtk_window_is_fullscreen (GTK_WINDOW (root)))
    gtk_window_unfullscreen (GTK_WINDOW (root));
  else
    gtk_window_fullscreen (GTK_WINDOW (root));
}

/* Space and F anywhere in the window, after the focused widget had the
 * key: a text view or entry takes its Space (and its F) as text, a
 * focused button or keyframe slot its Space as a click.
 *
 * F: a shortcut controller managed by the window, in its bubble phase.
 *
 * Space: GtkWindow itself binds the Space that no widget took to
 * "activate-focus" (activate the focused widget), in its own class
 * shortcuts, which run before any managed controller. So Space is taken
 * there: when the focused widget has nothing to activate (nothing
 * focused, the player, a scale, a label), it plays or pauses instead. */
static void
inb_player_window_activate_focus_cb (GtkWindow *window,
                                     InbPlayer *self)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus != NULL && gtk_widget_is_sensitive (focus) &&
      gtk_widget_class_get_activate_signal (GTK_WIDGET_GET_CLASS (focus)) != 0)
    return;

  if (inb_playback_get_file (self->playback) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  g_signal_stop_emission_by_name (window, "activate-focus");
  gtk_widget_activate_action (GTK_WIDGET (self), "player.play-pause", NULL);
}

/* What the empty player asks for: the keyframes, then Generate; nothing
 * while a take is on its way. */
static void
inb_player_update_empty (InbPlayer *self)
{
  if (self->making)
    {
      adw_status_page_set_title (self->empty_page, _("Making the Take…"));
      adw_status_page_set_description (self->empty_page, _("It plays here when it is ready"));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Clip Yet"));
      adw_status_page_set_description (self->empty_page,
                                       self->keyframes_ready ? _("Press Generate to make a take")
                                                             : _("Drop two keyframes, then press Generate"));
    }
  gtk_widget_set_visible (self->editor_button, self->editor_hidden && !self->making && !self->keyframes_ready);
}

/* No clip yet, and a take on its way: the empty player says so rather
 * than asking for keyframes. */
void
inb_player_set_making (InbPlayer *self,
                       gboolean   making)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  self->making = making;
  inb_player_update_empty (self);
}

/* Both keyframes are in: the empty player asks for Generate alone
 * (it asked to drop two keyframes with both in). */
void
inb_player_set_keyframes_ready (InbPlayer *self,
                                gboolean   ready)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  self->keyframes_ready = ready;
  inb_player_update_empty (self);
}

/* The keyframes are on a page of their own, out of sight (a narrow
 * window): the empty player shows the way there ("win.show-editor"). */
void
inb_player_set_editor_hidden (InbPlayer *self,
                              gboolean   hidden)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  self->editor_hidden = hidden;
  inb_player_update_empty (self);
}

const char *
inb_player_get_empty_description (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  return adw_status_page_get_description (self->empty_page);
}

GtkWidget *
inb_player_get_editor_button (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  return self->editor_button;
}

const char *
inb_player_get_empty_title (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), NULL);

  return adw_status_page_get_title (self->empty_page);
}

/* Fullscreen: the controls go when the pointer rests, and come back
 * when it moves or a key is pressed. */
static gboolean
inb_player_menu_open (InbPlayer *self)
{
  GtkMenuButton *buttons[] = { self->speed_button, self->overlay_button,
                               self->medium_more_button, self->compact_more_button };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkPopover *popover = gtk_menu_button_get_popover (buttons[i]);

      if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
        return TRUE;
    }

  return FALSE;
}

static void
inb_player_set_controls_hidden (InbPlayer *self,
                                gboolean   hidden)
{
  self->controls_hidden = hidden;
  gtk_widget_set_visible (self->controls,
                          inb_playback_get_file (self->playback) != NULL && !hidden);
}

static void
inb_player_hide_timeout_cb (gpointer data)
{
  InbPlayer *self = data;

  self->hide_id = 0;
  if (!self->fullscreen)
    return;

  if (inb_player_menu_open (self))
    {
      self->hide_id = g_timeout_add_once (HIDE_CONTROLS_MS, inb_player_hide_timeout_cb, self);
      return;
    }

  inb_player_set_controls_hidden (self, TRUE);
}

/* Shows the controls, and hides them again later when fullscreen */
static void
inb_player_wake_controls (InbPlayer *self)
{
  g_clear_handle_id (&self->hide_id, g_source_remove);
  if (self->controls_hidden)
    inb_player_set_controls_hidden (self, FALSE);

  if (self->fullscreen)
    self->hide_id = g_timeout_add_once (HIDE_CONTROLS_MS, inb_player_hide_timeout_cb, self);
}

static void
inb_player_motion_cb (InbPlayer                *self,
                      double                    x,
                      double                    y,
                      GtkEventControllerMotion *motion)
{
  inb_player_wake_controls (self);
}

static gboolean
inb_player_key_cb (InbPlayer             *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *key)
{
  inb_player_wake_controls (self);
  return FALSE;
}

/* The window says when it is fullscreen: the controls then hide while
 * the pointer rests. */
void
inb_player_set_fullscreen (InbPlayer *self,
                           gboolean   fullscreen)
{
  g_return_if_fail (INB_IS_PLAYER (self));

  self->fullscreen = !!fullscreen;
  inb_player_wake_controls (self);
}

gboolean
inb_player_get_controls_shown (InbPlayer *self)
{
  g_return_val_if_fail (INB_IS_PLAYER (self), FALSE);

  return gtk_widget_get_visible (self->controls);
}

/* After a menu of the player closes, Space plays and pauses again: the
 * focus goes back to the player, not to the button that opened it. */
static void
inb_player_menu_closed_idle_cb (gpointer data)
{
  g_autoptr(InbPlayer) self = data;
  GtkWidget *focus;

  if (self->window == NULL)
    return;

  focus = gtk_window_get_focus (self->window);
  if (focus == NULL || focus == GTK_WIDGET (self) || gtk_widget_is_ancestor (focus, self->controls))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
inb_player_menu_closed_cb (InbPlayer  *self,
                           GtkPopover *popover)
{
  g_idle_add_once (inb_player_menu_closed_idle_cb, g_object_ref (self));
}

static void
inb_player_root (GtkWidget *widget)
{
  InbPlayer *self = INB_PLAYER (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (inb_player_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    {
      g_set_weak_pointer (&self->window, GTK_WINDOW (root));
      g_signal_connect_object (root, "activate-focus",
                               G_CALLBACK (inb_player_window_activate_focus_cb), self, 0);
    }
}

static void
inb_player_unroot (GtkWidget *widget)
{
  InbPlayer *self = INB_PLAYER (widget);

  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->window, inb_player_window_activate_focus_cb, self);
      g_clear_weak_pointer (&self->window);
    }

  GTK_WIDGET_CLASS (inb_player_parent_class)->unroot (widget);
}

static gboolean
inb_player_fullscreen_shortcut_cb (GtkWidget *widget,
                                   GVariant  *args,
                                   gpointer   user_data)
{
  InbPlayer *self = INB_PLAYER (widget);

  if (inb_playback_get_file (self->playback) == NULL)
    return FALSE;

  return gtk_widget_activate_action (widget, "player.fullscreen", NULL);
}

static gboolean
inb_player_key_shortcut_cb (GtkWidget *widget,
                            GVariant  *args,
                            gpointer   user_data)
{
  InbPlayer *self = INB_PLAYER (widget);

  if (inb_playback_get_file (self->playback) == NULL)
    return FALSE;

  return gtk_widget_activate_action_variant (widget, user_data, args);
}

static void
inb_player_pressed_cb (InbPlayer       *self,
                       int              n_press,
                       double           x,
                       double           y,
                       GtkGestureClick *gesture)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (n_press == 2)
    gtk_widget_activate_action (GTK_WIDGET (self), "player.fullscreen", NULL);
}

static void
inb_player_scale_factor_cb (InbPlayer *self)
{
  inb_playback_set_scale_factor (self->playback, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  inb_player_update_overlay (self);
}

static void
inb_player_dispose (GObject *object)
{
  InbPlayer *self = INB_PLAYER (object);
  GtkWidget *child;

  if (self->playback != NULL)
    g_signal_handlers_disconnect_by_data (self->playback, self);
  g_clear_handle_id (&self->hide_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), INB_TYPE_PLAYER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->playback);
  g_clear_object (&self->first);
  g_clear_object (&self->last);
  g_clear_pointer (&self->overlay, g_free);

  G_OBJECT_CLASS (inb_player_parent_class)->dispose (object);
}

static void
inb_player_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  InbPlayer *self = INB_PLAYER (object);

  switch (prop_id)
    {
    case PROP_PLAYBACK:
      g_value_set_object (value, self->playback);
      break;

    case PROP_LOOP:
      g_value_set_boolean (value, inb_playback_get_loop (self->playback));
      break;

    case PROP_RATE:
      g_value_set_double (value, inb_playback_get_rate (self->playback));
      break;

    case PROP_OVERLAY:
      g_value_set_string (value, self->overlay);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_player_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  InbPlayer *self = INB_PLAYER (object);

  switch (prop_id)
    {
    case PROP_LOOP:
      inb_playback_set_loop (self->playback, g_value_get_boolean (value));
      break;

    case PROP_RATE:
      inb_playback_set_rate (self->playback, g_value_get_double (value));
      break;

    case PROP_OVERLAY:
      inb_player_set_overlay (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_player_class_init (InbPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_player_dispose;
  object_class->get_property = inb_player_get_property;
  object_class->set_property = inb_player_set_property;

  widget_class->root = inb_player_root;
  widget_class->unroot = inb_player_unroot;

  properties[PROP_PLAYBACK] =
    g_param_spec_object ("playback", NULL, NULL, INB_TYPE_PLAYBACK,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, 0.25, 2.0, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OVERLAY] =
    g_param_spec_string ("overlay", NULL, NULL, "none",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-player.ui");
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, stack);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, empty_page);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, editor_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, picture);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, keyframe_picture);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, preview_picture);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, play_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, medium_play_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, medium_frame_label);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, medium_time_label);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, medium_more_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, compact_play_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, compact_frame_label);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, compact_more_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, overlay_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, squeezer);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, scale);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, adjustment);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, frame_label);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, time_label);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, speed_button);
  gtk_widget_class_bind_template_child (widget_class, InbPlayer, controls);
  gtk_widget_class_bind_template_callback (widget_class, inb_player_change_value_cb);
  gtk_widget_class_bind_template_callback (widget_class, inb_player_pressed_cb);

  gtk_widget_class_install_action (widget_class, "player.play-pause", NULL, inb_player_play_pause_action);
  gtk_widget_class_install_action (widget_class, "player.step", "i", inb_player_step_action);
  gtk_widget_class_install_action (widget_class, "player.fullscreen", NULL, inb_player_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "player.seek-end", "b", inb_player_seek_end_action);
  gtk_widget_class_install_action (widget_class, "player.change-rate", "i", inb_player_change_rate_action);
  gtk_widget_class_install_action (widget_class, "player.cycle-overlay", NULL, inb_player_cycle_overlay_action);
  gtk_widget_class_install_property_action (widget_class, "player.loop", "loop");
  gtk_widget_class_install_property_action (widget_class, "player.rate", "rate");
  gtk_widget_class_install_property_action (widget_class, "player.overlay", "overlay");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "player.play-pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "player.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, 0, "player.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "player.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, 0, "player.step", "i", 1);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "player");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inb_player_init (InbPlayer *self)
{
  GtkEventController *shortcuts;
  GtkEventController *motion;
  GtkEventController *key;

  self->overlay = g_strdup ("none");
  self->playback = inb_playback_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  inb_a11y_name_menu_button (self->speed_button, _("Speed"));

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->playback));

  g_signal_connect_object (self->playback, "notify::frame",
                           G_CALLBACK (inb_player_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playback, "notify::n-frames",
                           G_CALLBACK (inb_player_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playback, "notify::position",
                           G_CALLBACK (inb_player_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playback, "notify::duration",
                           G_CALLBACK (inb_player_update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playback, "notify::playing",
                           G_CALLBACK (inb_player_update_playing), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playback, "notify::rate",
                           G_CALLBACK (inb_player_update_rate), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->playback, "notify::loop",
                           G_CALLBACK (inb_player_loop_changed_cb), self, G_CONNECT_SWAPPED);
  /* The playback hands frames over at the size they are drawn at. */
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (inb_player_scale_factor_cb), NULL);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, 0),
                                                          gtk_callback_action_new (inb_player_fullscreen_shortcut_cb,
                                                                                   NULL, NULL)));
  /* Every control has a key, whatever fits in the controls: R repeat,
   * O overlay, [ and ] speed, Home and End the first and last frame. */
  {
    struct { guint key; const char *action; GVariant *target; } keys[] = {
      { GDK_KEY_r, "player.loop", NULL },
      { GDK_KEY_o, "player.cycle-overlay", NULL },
      { GDK_KEY_bracketleft, "player.change-rate", g_variant_new_int32 (-1) },
      { GDK_KEY_bracketright, "player.change-rate", g_variant_new_int32 (1) },
      { GDK_KEY_Home, "player.seek-end", g_variant_new_boolean (FALSE) },
      { GDK_KEY_End, "player.seek-end", g_variant_new_boolean (TRUE) },
    };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, 0),
                                                  gtk_callback_action_new (inb_player_key_shortcut_cb,
                                                                           (gpointer) keys[i].action, NULL));

        if (keys[i].target != NULL)
          gtk_shortcut_set_arguments (shortcut, keys[i].target);
        gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
      }
  }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (inb_player_motion_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (inb_player_key_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  {
    GtkMenuButton *buttons[] = { self->speed_button, self->overlay_button,
                                 self->medium_more_button, self->compact_more_button };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      g_signal_connect_object (gtk_menu_button_get_popover (buttons[i]), "closed",
                               G_CALLBACK (inb_player_menu_closed_cb), self, G_CONNECT_SWAPPED);
  }

  inb_player_update_position (self);
  inb_player_update_playing (self);
  inb_player_update_rate (self);
  gtk_widget_set_visible (self->controls, FALSE);
}
