/* inb-window-framing.c — what the window says about the keyframes: sizes
 * the model changes, a shape that differs, and the fit chooser with a
 * preview of the framing
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-window-private.h"
static const char * const fit_values[] = { "crop", "pad", "stretch", NULL };

static const char *
fit_description (const char *fit)
{
  if (g_strcmp0 (fit, "pad") == 0)
    return _("it will be padded with borders");
  if (g_strcmp0 (fit, "stretch") == 0)
    return _("it will be stretched");
  return _("it will be cropped to fill");
}

static char *
size_notice (InbWindow   *self,
             InbKeyframe *keyframe)
{
  guint width;
  guint height;
  guint max_side;
  guint min_side;

  if (keyframe == NULL || self->model == NULL)
    return NULL;

  width = inb_keyframe_get_width (keyframe);
  height = inb_keyframe_get_height (keyframe);
  max_side = inb_model_get_max_side (self->model);
  min_side = inb_model_get_min_side (self->model);

  if (max_side > 0 && MAX (width, height) > max_side)
    return g_strdup_printf (_("Larger than the %u px a side this model takes: it will be scaled down."), max_side);
  if (min_side > 0 && MIN (width, height) < min_side)
    return g_strdup_printf (_("Smaller than the %u px a side this model needs: it will be scaled up."), min_side);

  return NULL;
}

/* A small picture of the last keyframe framed as it will be sent. */

typedef struct
{
  InbKeyframe *last;
  guint        width;
  guint        height;
  InbFit       fit;
} Framing;

static void
framing_free (gpointer data)
{
  Framing *fr = data;

  g_clear_object (&fr->last);
  g_free (fr);
}

static void
framing_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Framing *fr = task_data;
  g_autoptr(InbImage) image = inb_keyframe_normalise (fr->last, fr->width, fr->height, fr->fit);

  g_task_return_pointer (task,
                         gdk_memory_texture_new (inb_image_get_width (image),
                                                 inb_image_get_height (image),
                                                 GDK_MEMORY_R8G8B8,
                                                 inb_image_get_bytes (image),
                                                 inb_image_get_stride (image)),
                         g_object_unref);
}

static void
framing_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  InbWindow *self = user_data;   /* not held: cancelled, it may be gone */
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  if (texture != NULL && self->framing_picture != NULL)
    gtk_picture_set_paintable (self->framing_picture, GDK_PAINTABLE (texture));
}

static void
inb_window_update_framing (InbWindow   *self,
                           InbKeyframe *first,
                           InbKeyframe *last,
                           const char  *fit_name)
{
  g_autofree char *key = g_strdup_printf ("%p %p %s", (gpointer) first, (gpointer) last, fit_name);
  g_autoptr(GTask) task = NULL;
  Framing *fr;
  InbFit fit = INB_FIT_CROP;

  if (g_strcmp0 (key, self->framing_key) == 0)
    return;

  g_free (self->framing_key);
  self->framing_key = g_steal_pointer (&key);

  if (self->framing_cancellable != NULL)
    g_cancellable_cancel (self->framing_cancellable);
  g_clear_object (&self->framing_cancellable);
  self->framing_cancellable = g_cancellable_new ();

  inb_fit_from_string (fit_name, &fit);

  fr = g_new0 (Framing, 1);
  fr->last = g_object_ref (last);
  fr->fit = fit;
  fr->width = 120;
  fr->height = CLAMP ((guint) ((guint64) 120 * inb_keyframe_get_height (first) / MAX (1, inb_keyframe_get_width (first))), 16, 320);

  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a window finalized there races
   * GTK on the main thread. Unheld, the window is kept from the callback by
   * the cancellable, which the next preview and dispose cancel first. */
  task = g_task_new (NULL, self->framing_cancellable, framing_cb, self);
  g_task_set_source_tag (task, inb_window_update_framing);
  g_task_set_task_data (task, fr, framing_free);
  g_task_run_in_thread (task, framing_worker);
}

void
_inb_window_update_keyframe_notices (InbWindow *self)
{
  InbKeyframe *first = inb_keyframe_slot_get_keyframe (self->first_slot);
  InbKeyframe *last = inb_keyframe_slot_get_keyframe (self->last_slot);
  g_autofree char *first_notice = size_notice (self, first);
  g_autofree char *last_notice = size_notice (self, last);
  gboolean differs = first != NULL && last != NULL && inb_keyframe_aspect_differs (first, last);

  if (differs)
    {
      g_autoptr(JsonObject) values = inb_param_panel_dup_values (self->param_panel);
      const char *fit = json_object_has_member (values, "fit") ? json_object_get_string_member (values, "fit") : "crop";
      g_autofree char *aspect = NULL;

      /* Translators: sizes of the two keyframes, then what happens to the last one */
      aspect = g_strdup_printf (_("Not the shape of the first keyframe (%u × %u, this one %u × %u): %s."),
                                inb_keyframe_get_width (first), inb_keyframe_get_height (first),
                                inb_keyframe_get_width (last), inb_keyframe_get_height (last),
                                fit_description (fit));
      if (last_notice != NULL)
        {
          char *joined = g_strdup_printf ("%s\n%s", aspect, last_notice);

          g_free (last_notice);
          last_notice = joined;
        }
      else
        last_notice = g_steal_pointer (&aspect);

      self->updating_fit = TRUE;
      for (guint i = 0; fit_values[i] != NULL; i++)
        if (g_strcmp0 (fit_values[i], fit) == 0)
          gtk_drop_down_set_selected (self->fit_dropdown, i);
      self->updating_fit = FALSE;

      inb_window_update_framing (self, first, last, fit);
    }

  inb_keyframe_slot_set_notice (self->first_slot, first_notice);
  inb_keyframe_slot_set_notice (self->last_slot, last_notice);
  inb_keyframe_slot_set_extra (self->last_slot,
                               differs && inb_param_panel_get_row (self->param_panel, "fit") != NULL
                               ? self->fit_box : NULL);
}

void
_inb_window_fit_selected_cb (InbWindow   *self,
                            GParamSpec  *pspec,
                            GtkDropDown *dropdown)
{
  g_autoptr(JsonNode) node = NULL;
  guint selected;

  if (self->updating_fit)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected >= G_N_ELEMENTS (fit_values) - 1)
    return;

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, fit_values[selected]);
  inb_param_panel_set_value (self->param_panel, "fit", node);
}
