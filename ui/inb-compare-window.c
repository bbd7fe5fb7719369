/* inb-compare-window.c — a window of its own for comparing two takes
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

/* A header bar over an InbCompareView. Not modal: the artist may keep
 * it open beside the main window. Escape closes it. */

#define G_LOG_DOMAIN "inb-compare-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-compare-window.h"

struct _InbCompareWindow
{
  AdwWindow       parent_instance;

  InbCompareView *view;
};

G_DEFINE_FINAL_TYPE (InbCompareWindow, inb_compare_window, ADW_TYPE_WINDOW)

static void
inb_compare_window_class_init (InbCompareWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
inb_compare_window_init (InbCompareWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Compare Takes"), NULL));
  gtk_box_append (GTK_BOX (box), header);

  self->view = INB_COMPARE_VIEW (inb_compare_view_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->view));

  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_title (GTK_WINDOW (self), _("Compare Takes"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 720);
}

/**
 * inb_compare_window_present:
 * @parent: (nullable): the window it belongs to
 * @a: the clip shown as A
 * @label_a: (nullable): A's name, like "Take 12 · seed 4821"
 * @b: the clip shown as B
 * @label_b: (nullable): B's name
 *
 * Opens a compare window on @a and @b, paused on their first frames, the
 * view focused so its keys work at once.
 *
 * Returns: (transfer none): the window, destroyed when closed
 */
InbCompareWindow *
inb_compare_window_present (GtkWindow  *parent,
                            GFile      *a,
                            const char *label_a,
                            GFile      *b,
                            const char *label_b)
{
  InbCompareWindow *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_FILE (a), NULL);
  g_return_val_if_fail (G_IS_FILE (b), NULL);

  self = g_object_new (INB_TYPE_COMPARE_WINDOW, NULL);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }

  inb_compare_view_set_clips (self->view, a, label_a, b, label_b);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->view));

  return self;
}

/**
 * inb_compare_window_get_view:
 *
 * Returns: (transfer none): the view in the window
 */
InbCompareView *
inb_compare_window_get_view (InbCompareWindow *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_WINDOW (self), NULL);

  return self->view;
}
