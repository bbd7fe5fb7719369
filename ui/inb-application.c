/* inb-application.c
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

#define G_LOG_DOMAIN "inb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-resources.h"
#include "inb-application.h"
#include "inb-preferences-window.h"
#include "inb-window.h"

struct _InbApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (InbApplication, inb_application, ADW_TYPE_APPLICATION)

InbApplication *
inb_application_new (void)
{
  return g_object_new (INB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * inb_application_get_settings:
 *
 * Returns: (transfer none): the application's settings, created at startup
 */
GSettings *
inb_application_get_settings (InbApplication *self)
{
  g_return_val_if_fail (INB_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  return self->settings;
}

static void
inb_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  InbApplication *self = user_data;
  GList *windows;

  g_assert (INB_IS_APPLICATION (self));

  /* Close windows first so each can save its state. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static void
inb_application_about_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  static const char *developers[] = { "The Inbetween authors", NULL };
  InbApplication *self = user_data;
  GtkWindow *window;
  GtkWidget *about;

  g_assert (INB_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-name", _("Inbetween"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Inbetween authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Turn two keyframes into the motion between them"),
                        "website", "https://github.com/inbetween/inbetween",
                        "issue-url", "https://github.com/inbetween/inbetween/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: Replace "translator-credits" with your names, one name per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
inb_application_preferences_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  InbApplication *self = user_data;
  GtkWindow *window;
  GtkWidget *prefs;

  g_assert (INB_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  prefs = inb_preferences_window_new (inb_application_get_settings (self));
  gtk_window_set_transient_for (GTK_WINDOW (prefs), window);
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", inb_application_quit_action },
  { "about", inb_application_about_action },
  { "preferences", inb_application_preferences_action },
};

static void
inb_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  InbApplication *self = INB_APPLICATION (app);

  G_APPLICATION_CLASS (inb_application_parent_class)->startup (app);

  g_set_application_name (_("Inbetween"));
  gtk_window_set_default_icon_name (APP_ID);

  (void) inb_application_get_settings (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
}

static void
inb_application_activate (GApplication *app)
{
  InbApplication *self = INB_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (inb_window_new (GTK_APPLICATION (self),
                                         inb_application_get_settings (self)));

  gtk_window_present (window);
}

static void
inb_application_dispose (GObject *object)
{
  InbApplication *self = INB_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (inb_application_parent_class)->dispose (object);
}

static void
inb_application_class_init (InbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Referencing the resource links it in, and its constructor registers it. */
  (void) inb_get_resource ();

  object_class->dispose = inb_application_dispose;

  app_class->startup = inb_application_startup;
  app_class->activate = inb_application_activate;
}

static void
inb_application_init (InbApplication *self)
{
}
