/* inb-window.c
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

#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-resources.h"
#include "inb-window.h"

struct _InbWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template Widgets */
  AdwHeaderBar         *header_bar;
  AdwToastOverlay      *toast_overlay;
  AdwStatusPage        *empty_page;
};

G_DEFINE_FINAL_TYPE (InbWindow, inb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

InbWindow *
inb_window_new (GtkApplication *application,
                GSettings      *settings)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!settings || G_IS_SETTINGS (settings), NULL);

  return g_object_new (INB_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

void
inb_window_add_toast (InbWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (INB_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
inb_window_save_size (InbWindow *self)
{
  int width = 0;
  int height = 0;

  g_assert (INB_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static void
inb_window_restore_size (InbWindow *self)
{
  int width;
  int height;

  g_assert (INB_IS_WINDOW (self));

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               CLAMP (width, 360, 8192),
                               CLAMP (height, 294, 8192));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
inb_window_close_request (GtkWindow *window)
{
  InbWindow *self = INB_WINDOW (window);

  inb_window_save_size (self);

  return GTK_WINDOW_CLASS (inb_window_parent_class)->close_request (window);
}

static void
inb_window_constructed (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  G_OBJECT_CLASS (inb_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  inb_window_restore_size (self);
}

static void
inb_window_dispose (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), INB_TYPE_WINDOW);

  G_OBJECT_CLASS (inb_window_parent_class)->dispose (object);
}

static void
inb_window_finalize (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (inb_window_parent_class)->finalize (object);
}

static void
inb_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  InbWindow *self = INB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  InbWindow *self = INB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_window_class_init (InbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  /* Referencing the resource links it in, and its constructor registers it. */
  (void) inb_get_resource ();

  object_class->constructed = inb_window_constructed;
  object_class->dispose = inb_window_dispose;
  object_class->finalize = inb_window_finalize;
  object_class->get_property = inb_window_get_property;
  object_class->set_property = inb_window_set_property;

  window_class->close_request = inb_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, empty_page);
}

static void
inb_window_init (InbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
