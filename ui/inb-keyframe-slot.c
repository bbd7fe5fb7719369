/* inb-keyframe-slot.c — one keyframe: drop, paste or open an image
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

#define G_LOG_DOMAIN "inb-keyframe-slot"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-keyframe-slot.h"
#include "inb-take-format.h"

/* The picture laid over the player, and the small one shown in the slot
 * (drawn often: keep it cheap to scale). */
#define PREVIEW_MAX_SIDE 1280
#define THUMBNAIL_MAX_SIDE 512

struct _InbKeyframeSlot
{
  GtkWidget     parent_instance;

  char         *title;
  InbKeyframe  *keyframe;
  GdkTexture   *texture;
  GdkTexture   *thumbnail;
  GCancellable *cancellable;
  char         *error;
  char         *notice;
  GtkFileChooserNative *chooser;
  GPtrArray    *replacing;   /* the image a paste replaces, until it lands */

  /* Template Widgets */
  GtkStack     *stack;
  GtkPicture   *picture;
  GtkSpinner   *spinner;
  GtkButton    *clear_button;
  GtkLabel     *title_label;
  GtkLabel     *info_label;
  GtkLabel     *message_label;
  GtkBox       *extra_box;
  GtkWidget    *frame;
};

G_DEFINE_FINAL_TYPE (InbKeyframeSlot, inb_keyframe_slot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_KEYFRAME,
  PROP_LOADING,
  N_PROPS
};

enum {
  CHANGED,
  REPLACED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char       *source;
  GdkTexture *paste;
} LoadData;

typedef struct
{
  InbKeyframe *keyframe;
  GdkTexture  *texture;
  GdkTexture  *thumbnail;
} LoadResult;

static void
load_data_free (gpointer data)
{
  LoadData *ld = data;

  g_free (ld->source);
  g_clear_object (&ld->paste);
  g_free (ld);
}

static void
load_result_free (gpointer data)
{
  LoadResult *lr = data;

  g_clear_object (&lr->keyframe);
  g_clear_object (&lr->texture);
  g_clear_object (&lr->thumbnail);
  g_free (lr);
}

GtkWidget *
inb_keyframe_slot_new (const char *title)
{
  return g_object_new (INB_TYPE_KEYFRAME_SLOT, "title", title, NULL);
}

const char *
inb_keyframe_slot_get_title (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), NULL);

  return self->title;
}

InbKeyframe *
inb_keyframe_slot_get_keyframe (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), NULL);

  return self->keyframe;
}

GdkTexture *
inb_keyframe_slot_get_texture (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), NULL);

  return self->texture;
}

gboolean
inb_keyframe_slot_get_loading (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), FALSE);

  return self->cancellable != NULL;
}

const char *
inb_keyframe_slot_get_error (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), NULL);

  return self->error;
}

const char *
inb_keyframe_slot_get_notice (InbKeyframeSlot *self)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), NULL);

  return self->notice;
}

static void
inb_keyframe_slot_update (InbKeyframeSlot *self)
{
  g_autoptr(GString) message = g_string_new (NULL);
  gboolean loading = self->cancellable != NULL;

  gtk_stack_set_visible_child_name (self->stack, self->texture ? "image" : loading ? "loading" : "empty");
  if (self->texture != NULL)
    gtk_widget_add_css_class (self->frame, "filled");
  else
    gtk_widget_remove_css_class (self->frame, "filled");
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->thumbnail));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->clear_button), self->keyframe != NULL && !loading);

  if (self->keyframe != NULL)
    {
      g_autofree char *info = NULL;

      /* Translators: file name, width × height in pixels */
      info = g_strdup_printf (_("%s · %u × %u"),
                              inb_keyframe_get_display_name (self->keyframe),
                              inb_keyframe_get_width (self->keyframe),
                              inb_keyframe_get_height (self->keyframe));
      gtk_label_set_label (self->info_label, info);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->info_label), info);
    }
  else
    gtk_label_set_label (self->info_label, loading ? _("Loading…") : _("No image"));

  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "warning");

  if (self->error != NULL)
    {
      g_string_append (message, self->error);
      if (self->keyframe != NULL)
        {
          g_string_append_c (message, '\n');
          g_string_append (message, _("The image that was here is kept."));
        }
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
    }
  else if (self->keyframe != NULL)
    {
      if (inb_keyframe_get_had_alpha (self->keyframe))
        g_string_append (message, _("Transparent areas will be flattened onto white."));
      if (self->notice != NULL)
        {
          if (message->len > 0)
            g_string_append_c (message, '\n');
          g_string_append (message, self->notice);
        }
      if (message->len > 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "warning");
    }

  {
    /* "1080 × 720" kept on one line where the message wraps */
    g_autofree char *joined = inb_take_format_join_size (g_strdup (message->str));

    gtk_label_set_label (self->message_label, joined);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message->len > 0);
}

static void
inb_keyframe_slot_emit_changed (InbKeyframeSlot *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYFRAME]);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_error (InbKeyframeSlot *self,
           const char      *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
}

/* A texture of @keyframe no larger than @max_side, made on a worker thread. */
static GdkTexture *
texture_for_keyframe (InbKeyframe *keyframe,
                      guint        max_side)
{
  g_autoptr(InbImage) scaled = NULL;
  guint width = inb_keyframe_get_width (keyframe);
  guint height = inb_keyframe_get_height (keyframe);
  guint side = MAX (width, height);
  InbImage *image;

  if (side > max_side)
    {
      guint w = MAX (1, (guint) ((guint64) width * max_side / side));
      guint h = MAX (1, (guint) ((guint64) height * max_side / side));

      scaled = inb_keyframe_normalise (keyframe, w, h, INB_FIT_STRETCH);
      image = scaled;
    }
  else
    image = inb_keyframe_get_image (keyframe);

  return gdk_memory_texture_new (inb_image_get_width (image),
                                 inb_image_get_height (image),
                                 GDK_MEMORY_R8G8B8,
                                 inb_image_get_bytes (image),
                                 inb_image_get_stride (image));
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *ld = task_data;
  g_autoptr(InbKeyframe) keyframe = NULL;
  g_autoptr(GError) error = NULL;
  LoadResult *result;
  guint width;
  guint height;

  if (ld->paste != NULL)
    {
      g_autoptr(GBytes) bytes = gdk_texture_save_to_png_bytes (ld->paste);

      keyframe = inb_keyframe_load_bytes (bytes, _("Pasted image"), cancellable, &error);
    }
  else
    keyframe = inb_keyframe_load (ld->source, cancellable, &error);

  if (keyframe == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  width = inb_keyframe_get_width (keyframe);
  height = inb_keyframe_get_height (keyframe);

  result = g_new0 (LoadResult, 1);
  result->texture = texture_for_keyframe (keyframe, PREVIEW_MAX_SIDE);
  result->thumbnail = MAX (width, height) > THUMBNAIL_MAX_SIDE
                    ? texture_for_keyframe (keyframe, THUMBNAIL_MAX_SIDE)
                    : g_object_ref (result->texture);
  result->keyframe = g_steal_pointer (&keyframe);

  g_task_return_pointer (task, result, load_result_free);
}

/* @user_data: the slot, not held (see inb_keyframe_slot_start_load()):
 * cancelled, it may be gone */
static void
load_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  InbKeyframeSlot *self = user_data;
  g_autoptr(GError) error = NULL;
  LoadResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (result == NULL)
    {
      /* What failed to load replaces nothing: the image that was here
       * stays, and the problem is said beside it. */
      g_clear_pointer (&self->replacing, g_ptr_array_unref);
      set_error (self, error->message);
      inb_keyframe_slot_update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      inb_keyframe_slot_emit_changed (self);
      return;
    }

  set_error (self, NULL);
  g_set_object (&self->keyframe, result->keyframe);
  g_set_object (&self->texture, result->texture);
  g_set_object (&self->thumbnail, result->thumbnail);
  load_result_free (result);

  inb_keyframe_slot_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  inb_keyframe_slot_emit_changed (self);
  if (self->replacing != NULL)
    {
      g_autoptr(GPtrArray) old = g_steal_pointer (&self->replacing);

      g_signal_emit (self, signals[REPLACED], 0, old);
    }
}

static void
inb_keyframe_slot_start_load (InbKeyframeSlot *self,
                              LoadData        *ld)
{
  g_autoptr(GTask) task = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_error (self, NULL);

  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a widget finalized there races
   * GTK on the main thread. Unheld, the slot is kept from the callback by
   * the cancellable, which a new load, a restore and dispose cancel first. */
  task = g_task_new (NULL, self->cancellable, load_cb, self);
  g_task_set_source_tag (task, inb_keyframe_slot_start_load);
  g_task_set_task_data (task, ld, load_data_free);
  g_task_run_in_thread (task, load_worker);

  inb_keyframe_slot_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
inb_keyframe_slot_load_uri (InbKeyframeSlot *self,
                            const char      *uri)
{
  LoadData *ld;

  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));
  g_return_if_fail (uri != NULL);

  ld = g_new0 (LoadData, 1);
  ld->source = g_strdup (uri);
  inb_keyframe_slot_start_load (self, ld);
}

void
inb_keyframe_slot_load_file (InbKeyframeSlot *self,
                             GFile           *file)
{
  LoadData *ld;

  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));
  g_return_if_fail (G_IS_FILE (file));

  ld = g_new0 (LoadData, 1);
  ld->source = g_file_get_path (file);
  if (ld->source == NULL)
    ld->source = g_file_get_uri (file);
  inb_keyframe_slot_start_load (self, ld);
}

void
inb_keyframe_slot_load_texture (InbKeyframeSlot *self,
                                GdkTexture      *texture)
{
  LoadData *ld;

  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  ld = g_new0 (LoadData, 1);
  ld->paste = g_object_ref (texture);
  inb_keyframe_slot_start_load (self, ld);
}

/**
 * inb_keyframe_slot_load_value:
 * @value: a #GdkFileList, a #GFile, a #GdkTexture or a string of URIs
 *
 * What a drop or a paste brings: the first image of it is loaded.
 *
 * Returns: %TRUE if @value held something to load
 */
gboolean
inb_keyframe_slot_load_value (InbKeyframeSlot *self,
                              const GValue    *value)
{
  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
      gboolean ret = files != NULL;

      if (files != NULL)
        inb_keyframe_slot_load_file (self, files->data);
      g_slist_free (files);
      return ret;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      inb_keyframe_slot_load_file (self, g_value_get_object (value));
      return TRUE;
    }
  else if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      inb_keyframe_slot_load_texture (self, g_value_get_object (value));
      return TRUE;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_STRING) && g_value_get_string (value) != NULL)
    {
      g_auto(GStrv) uris = g_uri_list_extract_uris (g_value_get_string (value));
      g_autofree char *text = g_strstrip (g_strdup (g_value_get_string (value)));

      if (uris != NULL && uris[0] != NULL)
        inb_keyframe_slot_load_uri (self, uris[0]);
      else if (text[0] != '\0')
        inb_keyframe_slot_load_uri (self, text);
      else
        return FALSE;
      return TRUE;
    }

  return FALSE;
}

void
inb_keyframe_slot_clear (InbKeyframeSlot *self)
{
  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->replacing, g_ptr_array_unref);
  g_clear_object (&self->keyframe);
  g_clear_object (&self->texture);
  g_clear_object (&self->thumbnail);
  set_error (self, NULL);

  inb_keyframe_slot_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  inb_keyframe_slot_emit_changed (self);
}

/**
 * inb_keyframe_slot_swap:
 *
 * Exchanges the images of two slots, without loading them again.
 */
void
inb_keyframe_slot_swap (InbKeyframeSlot *self,
                        InbKeyframeSlot *other)
{
  InbKeyframe *keyframe;
  GdkTexture *texture;
  char *error;

  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));
  g_return_if_fail (INB_IS_KEYFRAME_SLOT (other));

  /* A load in flight would land in the wrong slot. */
  if (self->cancellable != NULL || other->cancellable != NULL)
    return;

  keyframe = self->keyframe;
  self->keyframe = other->keyframe;
  other->keyframe = keyframe;

  texture = self->texture;
  self->texture = other->texture;
  other->texture = texture;

  texture = self->thumbnail;
  self->thumbnail = other->thumbnail;
  other->thumbnail = texture;

  error = self->error;
  self->error = other->error;
  other->error = error;

  inb_keyframe_slot_update (self);
  inb_keyframe_slot_update (other);
  inb_keyframe_slot_emit_changed (self);
  inb_keyframe_slot_emit_changed (other);
}

void
inb_keyframe_slot_set_notice (InbKeyframeSlot *self,
                              const char      *notice)
{
  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));

  if (notice != NULL && notice[0] == '\0')
    notice = NULL;

  if (g_strcmp0 (notice, self->notice) != 0)
    {
      g_free (self->notice);
      self->notice = g_strdup (notice);
      inb_keyframe_slot_update (self);
    }
}

/**
 * inb_keyframe_slot_set_extra:
 * @extra: (nullable): a widget shown under the message, or %NULL
 */
void
inb_keyframe_slot_set_extra (InbKeyframeSlot *self,
                             GtkWidget       *extra)
{
  GtkWidget *child;

  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->extra_box))))
    {
      if (child == extra)
        return;
      gtk_box_remove (self->extra_box, child);
    }

  if (extra != NULL)
    gtk_box_append (self->extra_box, extra);
  gtk_widget_set_visible (GTK_WIDGET (self->extra_box), extra != NULL);
}

/* An image the artist brings (paste, drop, open) may take the place of
 * one: kept, to be offered back once the new one has loaded. */
static void
remember_replaced (InbKeyframeSlot *self)
{
  if (self->replacing == NULL && self->keyframe != NULL)
    self->replacing = inb_keyframe_slot_dup_image (self);
}

static void
chooser_response_cb (InbKeyframeSlot      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        {
          remember_replaced (self);
          inb_keyframe_slot_load_file (self, file);
        }
    }

  /* Gone from the toplevels now, not hidden until the last reference
   * goes: GTK 4.8's accessibility bridge answers GetChildAtIndex past the
   * visible windows with the last toplevel, and a hidden one has no
   * object path (g_variant_new_object_path (NULL), then SIGSEGV). */
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
inb_keyframe_slot_open_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (widget);
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *title = NULL;
  GtkRoot *root;

  if (self->chooser != NULL)
    return;

  root = gtk_widget_get_root (widget);
  /* Translators: %s is "First Keyframe" or "Last Keyframe" */
  title = g_strdup_printf (_("Open %s"), self->title ? self->title : _("Keyframe"));
  self->chooser = gtk_file_chooser_native_new (title,
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (images, _("Images"));
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/jpeg");
  gtk_file_filter_add_mime_type (images, "image/webp");
  gtk_file_filter_add_mime_type (images, "image/bmp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), images);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
paste_file_list_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(InbKeyframeSlot) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  if (value == NULL || !inb_keyframe_slot_load_value (self, value))
    {
      g_clear_pointer (&self->replacing, g_ptr_array_unref);
      set_error (self, _("The clipboard holds no image."));
      inb_keyframe_slot_update (self);
    }
}

static void
paste_texture_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(InbKeyframeSlot) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, &error);
  if (texture != NULL)
    {
      inb_keyframe_slot_load_texture (self, texture);
      return;
    }

  /* Not image data: maybe copied files. */
  gdk_clipboard_read_value_async (GDK_CLIPBOARD (object), GDK_TYPE_FILE_LIST,
                                  G_PRIORITY_DEFAULT, NULL,
                                  paste_file_list_cb, g_object_ref (self));
}

static void
inb_keyframe_slot_paste_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);

  remember_replaced (INB_KEYFRAME_SLOT (widget));
  gdk_clipboard_read_texture_async (clipboard, NULL, paste_texture_cb, g_object_ref (widget));
}

/* Cleared by the artist: the image is offered back ("replaced"). */
static void
inb_keyframe_slot_clear_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (widget);
  g_autoptr(GPtrArray) old = self->keyframe != NULL ? inb_keyframe_slot_dup_image (self) : NULL;

  inb_keyframe_slot_clear (self);
  if (old != NULL)
    g_signal_emit (self, signals[REPLACED], 0, old);
}

/**
 * inb_keyframe_slot_dup_image:
 *
 * Returns: (transfer full): the keyframe, its texture and thumbnail, to
 *   put back with inb_keyframe_slot_restore_image()
 */
GPtrArray *
inb_keyframe_slot_dup_image (InbKeyframeSlot *self)
{
  GPtrArray *image = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (INB_IS_KEYFRAME_SLOT (self), image);
  g_return_val_if_fail (self->keyframe != NULL, image);

  g_ptr_array_add (image, g_object_ref (self->keyframe));
  g_ptr_array_add (image, g_object_ref (self->texture));
  g_ptr_array_add (image, g_object_ref (self->thumbnail));

  return image;
}

/* Puts back an image of inb_keyframe_slot_dup_image() (Undo), without
 * loading it again. */
void
inb_keyframe_slot_restore_image (InbKeyframeSlot *self,
                                 GPtrArray       *image)
{
  g_return_if_fail (INB_IS_KEYFRAME_SLOT (self));
  g_return_if_fail (image != NULL && image->len == 3);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->replacing, g_ptr_array_unref);
  g_set_object (&self->keyframe, g_ptr_array_index (image, 0));
  g_set_object (&self->texture, g_ptr_array_index (image, 1));
  g_set_object (&self->thumbnail, g_ptr_array_index (image, 2));
  set_error (self, NULL);

  inb_keyframe_slot_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  inb_keyframe_slot_emit_changed (self);
}

static gboolean
inb_keyframe_slot_drop_cb (InbKeyframeSlot *self,
                           const GValue    *value,
                           double           x,
                           double           y,
                           GtkDropTarget   *target)
{
  gtk_widget_remove_css_class (self->frame, "drop-highlight");
  remember_replaced (self);

  if (inb_keyframe_slot_load_value (self, value))
    return TRUE;
  g_clear_pointer (&self->replacing, g_ptr_array_unref);
  return FALSE;
}

static GdkDragAction
inb_keyframe_slot_drop_enter_cb (InbKeyframeSlot *self,
                                 double           x,
                                 double           y,
                                 GtkDropTarget   *target)
{
  gtk_widget_add_css_class (self->frame, "drop-highlight");

  return GDK_ACTION_COPY;
}

static void
inb_keyframe_slot_drop_leave_cb (InbKeyframeSlot *self,
                                 GtkDropTarget   *target)
{
  gtk_widget_remove_css_class (self->frame, "drop-highlight");
}

static void
inb_keyframe_slot_released_cb (InbKeyframeSlot *self,
                               int              n_press,
                               double           x,
                               double           y,
                               GtkGestureClick *gesture)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "slot.open", NULL);
}

static void
inb_keyframe_slot_dispose (GObject *object)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->replacing, g_ptr_array_unref);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), INB_TYPE_KEYFRAME_SLOT);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&self->keyframe);
  g_clear_object (&self->texture);
  g_clear_object (&self->thumbnail);

  G_OBJECT_CLASS (inb_keyframe_slot_parent_class)->dispose (object);
}

static void
inb_keyframe_slot_finalize (GObject *object)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (object);

  g_free (self->title);
  g_free (self->error);
  g_free (self->notice);

  G_OBJECT_CLASS (inb_keyframe_slot_parent_class)->finalize (object);
}

static void
inb_keyframe_slot_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_KEYFRAME:
      g_value_set_object (value, self->keyframe);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_keyframe_slot_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  InbKeyframeSlot *self = INB_KEYFRAME_SLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      gtk_label_set_label (self->title_label, self->title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, self->title,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("Drop an image here, paste one with Ctrl+V, or press Enter to open one"),
                                      -1);
      {
        /* Translators: %s is "First Keyframe" or "Last Keyframe" */
        g_autofree char *clear = g_strdup_printf (_("Clear %s"), self->title);

        gtk_widget_set_tooltip_text (GTK_WIDGET (self->clear_button), clear);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->clear_button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, clear,
                                        -1);
      }
      g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_keyframe_slot_class_init (InbKeyframeSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_keyframe_slot_dispose;
  object_class->finalize = inb_keyframe_slot_finalize;
  object_class->get_property = inb_keyframe_slot_get_property;
  object_class->set_property = inb_keyframe_slot_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_KEYFRAME] =
    g_param_spec_object ("keyframe", NULL, NULL, INB_TYPE_KEYFRAME,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* The artist's paste, drop, open or clear took a keyframe away: the
   * image, to be offered back. */
  signals[REPLACED] =
    g_signal_new ("replaced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-keyframe-slot.ui");
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, stack);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, picture);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, spinner);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, clear_button);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, title_label);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, info_label);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, message_label);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, extra_box);
  gtk_widget_class_bind_template_child (widget_class, InbKeyframeSlot, frame);
  gtk_widget_class_bind_template_callback (widget_class, inb_keyframe_slot_released_cb);

  gtk_widget_class_install_action (widget_class, "slot.open", NULL, inb_keyframe_slot_open_action);
  gtk_widget_class_install_action (widget_class, "slot.paste", NULL, inb_keyframe_slot_paste_action);
  gtk_widget_class_install_action (widget_class, "slot.clear", NULL, inb_keyframe_slot_clear_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "slot.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "slot.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "slot.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "slot.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "slot.clear", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keyframeslot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
inb_keyframe_slot_init (InbKeyframeSlot *self)
{
  GtkDropTarget *target;
  GType types[] = { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE, G_TYPE_STRING };

  gtk_widget_init_template (GTK_WIDGET (self));

  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (inb_keyframe_slot_drop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "enter", G_CALLBACK (inb_keyframe_slot_drop_enter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "leave", G_CALLBACK (inb_keyframe_slot_drop_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  inb_keyframe_slot_update (self);
}
