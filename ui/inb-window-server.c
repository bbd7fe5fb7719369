/* inb-window-server.c — what the backend's server says, and what a take
 * being made looks like so far
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Next to the model selector: the health of the chosen backend's server
 * (inb_backend_check_async(): version, GPU, free memory, or why nothing
 * answers), asked again when the backend or its address changes, when a
 * take of it ends, and on a click. In the player: while the take chosen
 * in the library is being made, the backend's latest preview (InbProgress's
 * preview), marked as a preview, with what the backend is doing; the clip
 * replaces it when it is done. What a job's address warrants (plain http
 * to another computer), said by the session as any take, re-roll or resume
 * reaches out, in a toast. Nothing here names a provider.
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-toasts.h"
#include "inb-window-private.h"

/* Server status --------------------------------------------------------------- */

/**
 * _inb_window_address_warning_cb:
 *
 * The session says a job is about to reach an address the artist should
 * know something about, in the backend's words (once per address and
 * run): a re-roll from the library or a resumed take may go to a backend
 * other than the chosen one, whose status line says it already.
 */
void
_inb_window_address_warning_cb (InbWindow  *self,
                                InbBackend *backend,
                                const char *message,
                                InbSession *session)
{
  AdwToast *toast = inb_toasts_new_toast (self->toasts, message);

  g_free (self->last_address_warning);
  self->last_address_warning = g_strdup (message);
  adw_toast_set_timeout (toast, 10);
  inb_toasts_show (self->toasts, toast);
}

static void
set_status (InbWindow  *self,
            const char *icon,
            const char *css,
            const char *label,
            const char *tooltip)
{
  static const char * const classes[] = { "success", "warning", "error" };

  gtk_image_set_from_icon_name (self->server_status_icon, icon);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_status_icon), classes[i]);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->server_status_icon), css);
  gtk_label_set_label (self->server_status_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->server_status), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_status),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbBackendStatus) status = inb_backend_check_finish (INB_BACKEND (object), result, &error);
  g_autofree char *tooltip = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->server_check_cancellable == NULL ||
      INB_BACKEND (object) != self->backend)
    return;

  g_clear_object (&self->server_check_cancellable);
  g_clear_pointer (&self->server_status_text, g_free);

  if (status == NULL)
    {
      set_status (self, "dialog-warning-symbolic", "warning", _("Not checked"), error->message);
      self->server_status_text = g_strdup (error->message);
      return;
    }

  tooltip = status->warning != NULL ? g_strdup_printf ("%s\n%s", status->summary, status->warning)
                                    : g_strdup (status->summary);
  self->server_status_text = g_strdup (status->summary);
  self->server_reachable = status->reachable;
  if (!status->reachable)
    set_status (self, "network-offline-symbolic", "error", _("Not reachable"), tooltip);
  else if (status->warning != NULL)
    set_status (self, "dialog-warning-symbolic", "warning", status->summary, tooltip);
  else
    set_status (self, "network-server-symbolic", "success", status->summary, tooltip);
}

/**
 * _inb_window_check_server:
 *
 * Asks the chosen backend's server how it is (off the main thread), and
 * shows it next to the model selector; hides it for a backend without a
 * server.
 */
void
_inb_window_check_server (InbWindow *self)
{
  if (self->server_check_cancellable != NULL)
    g_cancellable_cancel (self->server_check_cancellable);
  g_clear_object (&self->server_check_cancellable);
  g_clear_pointer (&self->server_status_text, g_free);
  self->server_reachable = FALSE;

  if (self->backend == NULL || !inb_backend_can_check (self->backend))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->server_status), FALSE);
      return;
    }

  /* The address Preferences or the environment give, as a take would use */
  inb_session_configure_backend (self->session, self->backend);
  gtk_widget_set_visible (GTK_WIDGET (self->server_status), TRUE);
  set_status (self, "content-loading-symbolic", NULL, _("Checking…"),
              _("Asking the server how it is"));

  self->server_check_cancellable = g_cancellable_new ();
  inb_backend_check_async (self->backend, self->server_check_cancellable, checked_cb, g_object_ref (self));
}

void
_inb_window_server_status_clicked_cb (InbWindow *self,
                                      GtkButton *button)
{
  _inb_window_check_server (self);
}

/**
 * inb_window_get_server_status:
 *
 * Returns: (nullable): the server's status as last shown (%NULL while
 *   checking, or with no server); @reachable says whether it answered
 */
const char *
inb_window_get_server_status (InbWindow *self,
                              gboolean  *reachable)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  if (reachable != NULL)
    *reachable = self->server_reachable;
  return self->server_status_text;
}

/* Previews ------------------------------------------------------------------ */

static GdkTexture *
texture_from_image (InbImage *image)
{
  /* No decoding: the backend's RGB pixels, wrapped */
  return gdk_memory_texture_new ((int) inb_image_get_width (image), (int) inb_image_get_height (image),
                                 GDK_MEMORY_R8G8B8, inb_image_get_bytes (image),
                                 inb_image_get_stride (image));
}

static void
show_preview (InbWindow *self)
{
  InbProgress *progress = self->preview_job != NULL ? inb_job_get_progress (self->preview_job) : NULL;
  g_autoptr(InbImage) image = progress != NULL ? inb_progress_dup_preview (progress) : NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *stage = NULL;

  if (image == NULL)
    return;   /* nothing to show yet: the player stays as it is */

  texture = texture_from_image (image);
  stage = inb_job_dup_status (self->preview_job);
  inb_player_show_preview (self->player, texture, stage);
}

static void
preview_changed_cb (InbWindow   *self,
                    GParamSpec  *pspec,
                    InbProgress *progress)
{
  show_preview (self);
}

/**
 * _inb_window_follow_preview:
 * @entry: (nullable): the take chosen in the library
 *
 * While @entry is being made by a job of this session, its previews take
 * the player's place; otherwise (or once it ends) the preview goes.
 */
void
_inb_window_follow_preview (InbWindow    *self,
                            InbTakeEntry *entry)
{
  InbJob *job = entry != NULL && inb_take_entry_is_active (entry) ? inb_take_entry_get_job (entry) : NULL;

  if (job == self->preview_job)
    return;

  if (self->preview_job != NULL)
    {
      InbProgress *old = inb_job_get_progress (self->preview_job);

      g_signal_handlers_disconnect_by_func (old, preview_changed_cb, self);
      g_clear_object (&self->preview_job);
      inb_player_show_preview (self->player, NULL, NULL);
    }

  if (job == NULL)
    return;

  self->preview_job = g_object_ref (job);
  g_signal_connect_object (inb_job_get_progress (job), "notify::preview",
                           G_CALLBACK (preview_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (inb_job_get_progress (job), "notify::stage",
                           G_CALLBACK (preview_changed_cb), self, G_CONNECT_SWAPPED);
  show_preview (self);
}
