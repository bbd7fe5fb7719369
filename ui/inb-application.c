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
#include "inb-resume.h"
#include "inb-application.h"
#include "inb-preferences-window.h"
#include "inb-window.h"

struct _InbApplication
{
  AdwApplication  parent_instance;

  InbSession     *session;
  GCancellable   *cancellable;
  GdkFrameClock  *resume_clock;       /* weak */
  guint           resume_timeout_id;
  guint           resumed : 1;
  guint           library_claimed : 1;
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
 * inb_application_get_session:
 *
 * The one session of the process: backends, the job queue every window
 * shares, keys, settings.
 *
 * Returns: (transfer none)
 */
InbSession *
inb_application_get_session (InbApplication *self)
{
  g_return_val_if_fail (INB_IS_APPLICATION (self), NULL);

  if (self->session == NULL)
    self->session = inb_session_new (NULL);

  return self->session;
}

/**
 * inb_application_get_settings:
 *
 * Returns: (transfer none): the session's settings
 */
GSettings *
inb_application_get_settings (InbApplication *self)
{
  GSettings *settings;

  g_return_val_if_fail (INB_IS_APPLICATION (self), NULL);

  settings = inb_session_get_settings (inb_application_get_session (self));
  if (settings == NULL)
    g_error ("The settings schema %s is not installed: install Inbetween (meson install) "
             "or set GSETTINGS_SCHEMA_DIR to the build’s data folder", APP_ID);

  return settings;
}

/**
 * inb_application_get_secrets:
 *
 * The one InbSecrets of the run, so keys kept "for this session only" are
 * seen by every window and the preferences.
 *
 * Returns: (transfer none)
 */
InbSecrets *
inb_application_get_secrets (InbApplication *self)
{
  g_return_val_if_fail (INB_IS_APPLICATION (self), NULL);

  return inb_session_get_secrets (inb_application_get_session (self));
}

/**
 * inb_application_claim_library_load:
 * @library: the library a window shows
 *
 * The application's library is read once, by the first window drawn (a
 * window on a session of its own reads its own).
 *
 * Returns: %TRUE for the caller that should load it
 */
gboolean
inb_application_claim_library_load (InbApplication *self,
                                    InbLibrary     *library)
{
  g_return_val_if_fail (INB_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (INB_IS_LIBRARY (library), FALSE);

  if (inb_library_get_loaded (library))
    return FALSE;
  if (library != inb_session_get_library (inb_application_get_session (self)))
    return TRUE;
  if (self->library_claimed)
    return FALSE;

  self->library_claimed = TRUE;
  return TRUE;
}

/* Resume: once per run, after the window is up */

typedef struct
{
  InbApplication     *app;
  guint               pending;
} Resume;

static void
resume_free (Resume *r)
{
  g_clear_object (&r->app);
  g_free (r);
}

static void
resume_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Resume *r = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  entries = inb_resume_takes_finish (result, &error);
  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not resume takes: %s", error->message);
      resume_free (r);
      return;
    }

  g_debug ("Resume: %u entries", entries->len);

  window = gtk_application_get_active_window (GTK_APPLICATION (r->app));
  if (INB_IS_WINDOW (window))
    inb_window_report_resumed (INB_WINDOW (window), entries);

  resume_free (r);
}

static void
resume_run (Resume *r)
{
  InbSession *session = inb_application_get_session (r->app);

  inb_resume_takes_async (inb_session_get_registry (session), inb_session_get_takes_dir (session),
                          r->app->cancellable, resume_done_cb, r);
}

typedef struct
{
  Resume     *resume;
  InbBackend *backend;
} ResumeKey;

static void
resume_key_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ResumeKey *k = user_data;
  Resume *r = k->resume;
  char *key;

  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, NULL, NULL);
  if (key != NULL)
    inb_backend_set_api_key (k->backend, key);
  inb_secrets_free_key (key);
  g_object_unref (k->backend);
  g_free (k);

  if (--r->pending == 0)
    resume_run (r);
}

static gboolean
inb_application_resume_idle_cb (gpointer user_data)
{
  InbApplication *self = user_data;
  Resume *r;
  GListModel *backends;

  r = g_new0 (Resume, 1);
  r->app = g_object_ref (self);
  r->pending = 1;

  /* Keys first (each lookup async), then the scan. */
  backends = inb_backend_registry_get_backends (inb_session_get_registry (inb_application_get_session (self)));
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      const char *id = inb_backend_get_id (backend);

      if (!inb_backend_takes_key (backend))
        continue;

      {
        ResumeKey *k = g_new0 (ResumeKey, 1);

        k->resume = r;
        k->backend = g_object_ref (backend);
        r->pending++;
        inb_secrets_lookup_async (inb_application_get_secrets (self), id,
                                  self->cancellable, resume_key_cb, k);
      }
    }

  if (--r->pending == 0)
    resume_run (r);

  return G_SOURCE_REMOVE;
}

/* Once the new window's first frame is drawn (or after a second, should
 * it never be): nothing of the resume (the backends, the keyring, the scan
 * of the takes folder) comes before the first frame. */
static void
inb_application_schedule_resume (InbApplication *self)
{
  if (self->resume_clock != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->resume_clock, self);
      g_clear_weak_pointer (&self->resume_clock);
    }
  g_clear_handle_id (&self->resume_timeout_id, g_source_remove);

  g_idle_add_full (G_PRIORITY_LOW, inb_application_resume_idle_cb,
                   g_object_ref (self), g_object_unref);
}

static void
inb_application_first_paint_cb (GdkFrameClock  *clock,
                                InbApplication *self)
{
  inb_application_schedule_resume (self);
}

static gboolean
inb_application_resume_timeout_cb (gpointer user_data)
{
  InbApplication *self = user_data;

  self->resume_timeout_id = 0;
  inb_application_schedule_resume (self);

  return G_SOURCE_REMOVE;
}

static void
inb_application_quit_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  InbApplication *self = user_data;
  GList *windows;

  g_assert (INB_IS_APPLICATION (self));

  /* Close windows first so each can save its state; a window whose takes
   * still run asks first, and the application ends with its last window
   * (so quitting never stops a take behind the artist's back). */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);

  if (gtk_application_get_windows (GTK_APPLICATION (self)) == NULL)
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
  if (INB_IS_WINDOW (window))
    {
      inb_window_show_preferences (INB_WINDOW (window), NULL);
      return;
    }

  prefs = inb_preferences_window_new (inb_application_get_session (self));
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
  static const char *help_accels[] = { "<Control>question", NULL };
  InbApplication *self = INB_APPLICATION (app);

  G_APPLICATION_CLASS (inb_application_parent_class)->startup (app);

  g_set_application_name (_("Inbetween"));
  gtk_window_set_default_icon_name (APP_ID);

  (void) inb_application_get_session (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  /* The window's own shortcuts window (see inb-window.c), not
   * GtkApplication's help overlay: it set this accelerator itself */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
}

static void
inb_application_activate (GApplication *app)
{
  InbApplication *self = INB_APPLICATION (app);
  GtkWindow *window;
  GdkSurface *surface;
  gboolean created = FALSE;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (inb_window_new (self));
      created = TRUE;
    }

  gtk_window_present (window);

  /* Hosted jobs a crash left behind: once, after the window is drawn. */
  if (!self->resumed)
    {
      self->resumed = TRUE;
      surface = gtk_native_get_surface (GTK_NATIVE (window));
      if (created && surface != NULL)
        {
          g_set_weak_pointer (&self->resume_clock, gdk_surface_get_frame_clock (surface));
          g_signal_connect (self->resume_clock, "after-paint",
                            G_CALLBACK (inb_application_first_paint_cb), self);
          self->resume_timeout_id = g_timeout_add_seconds (1, inb_application_resume_timeout_cb, self);
        }
      else
        inb_application_schedule_resume (self);
    }
}

static void
inb_application_dispose (GObject *object)
{
  InbApplication *self = INB_APPLICATION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->resume_clock != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->resume_clock, self);
      g_clear_weak_pointer (&self->resume_clock);
    }
  g_clear_handle_id (&self->resume_timeout_id, g_source_remove);
  g_clear_object (&self->session);

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
  self->cancellable = g_cancellable_new ();
}
