/* inb-test-gtk.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "inb-keyframe-slot.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"

char *
inb_test_write_disc_png (const char *dir,
                         const char *name,
                         int         width,
                         int         height,
                         int         cx,
                         int         cy)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *path = g_build_filename (dir, name, NULL);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 3;
        int dx = x - cx;
        int dy = y - cy;
        gboolean disc = dx * dx + dy * dy < (height / 5) * (height / 5);

        p[0] = disc ? 250 : 40 + 120 * x / width;
        p[1] = disc ? 190 : 70 + 60 * y / height;
        p[2] = disc ? 60 : 140;
      }

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);

  return path;
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* Runs the widget's real "drop" handler with a real GdkFileList. */
void
inb_test_drop_file (GtkWidget  *widget,
                    const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GdkFileList *list;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = find_drop_target (widget);
  GSList *files = g_slist_prepend (NULL, file);
  gboolean handled = FALSE;

  g_assert_nonnull (target);

  list = gdk_file_list_new_from_list (files);
  g_slist_free (files);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  g_assert_true (handled);
}

void
inb_test_save_screenshot (GtkWidget  *widget,
                          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s (%d × %d)", path, width, height);
}

static gboolean
wait_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
inb_test_wait_until (gpointer       fixture,
                     InbTestCheck   check,
                     gconstpointer  data,
                     guint          seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (inb_test_seconds (seconds), wait_timeout_cb, &timed_out);

  while (!check (fixture, data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return !timed_out;
}

gboolean
inb_test_slot_loaded (gpointer       fixture,
                      gconstpointer  data)
{
  InbKeyframeSlot *slot = (InbKeyframeSlot *) data;

  return !inb_keyframe_slot_get_loading (slot) &&
         (inb_keyframe_slot_get_keyframe (slot) != NULL || inb_keyframe_slot_get_error (slot) != NULL);
}
