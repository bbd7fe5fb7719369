/* inb-window-actions.c — the window's actions (swap, paste, open,
 * fullscreen) and the report of takes resumed at start-up
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-resume.h"
#include "inb-a11y.h"
#include "inb-window-private.h"
/* @format: a plural form from g_dngettext() with one %u for @count */
static void
add_resume_toast (InbWindow  *self,
                  guint       count,
                  const char *format,
                  guint       timeout,
                  gboolean    details)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (count == 0)
    return;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  text = g_strdup_printf (format, count);
#pragma GCC diagnostic pop

  toast = inb_toasts_new_toast (self->toasts, text);
  adw_toast_set_timeout (toast, timeout);
  if (details)
    {
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.resume-details");
    }
  inb_toasts_show (self->toasts, toast);
}

/**
 * inb_window_report_resumed:
 * @entries: (element-type InbResumeEntry): what inb_resume_takes_finish()
 *   found
 *
 * Tells what happened to the hosted takes a crash or a quit left: resumed
 * clips, expired results, tasks that failed or were not found at the
 * service, and submits whose answer was lost — those are never sent again,
 * so the artist is told, with the details a button away.
 */
void
inb_window_report_resumed (InbWindow *self,
                           GPtrArray *entries)
{
  guint done = 0, expired = 0, failed = 0, unknown = 0;

  g_return_if_fail (INB_IS_WINDOW (self));
  g_return_if_fail (entries != NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      InbResumeEntry *entry = g_ptr_array_index (entries, i);
      const char *service;

      switch (entry->outcome)
        {
        case INB_RESUME_DONE: done++; continue;
        case INB_RESUME_EXPIRED: expired++; break;
        case INB_RESUME_FAILED: failed++; break;
        case INB_RESUME_SUBMIT_UNKNOWN: unknown++; break;
        case INB_RESUME_PENDING:
        default:
          continue;
        }

      if (self->resume_details == NULL)
        self->resume_details = g_string_new (NULL);
      service = inb_session_lookup_backend (self->session, entry->backend_id) != NULL
              ? inb_backend_get_short_name (inb_session_lookup_backend (self->session, entry->backend_id))
              : entry->backend_id;
      /* Translators: one line per take: "Take 1a2b3c · Alibaba Model Studio: <what happened>" */
      g_string_append_printf (self->resume_details, _("%sTake %s · %s: %s"),
                              self->resume_details->len > 0 ? "\n\n" : "",
                              entry->take_id, service,
                              entry->message != NULL ? entry->message : inb_resume_outcome_to_string (entry->outcome));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-details", self->resume_details != NULL);

  /* Details has more to say on all but the resumed ones; a lost answer
   * stays until dismissed: the artist has to decide */
  add_resume_toast (self, done, g_dngettext (GETTEXT_PACKAGE, "Resumed %u unfinished take",
                                             "Resumed %u unfinished takes", done), 6, FALSE);
  add_resume_toast (self, expired, g_dngettext (GETTEXT_PACKAGE, "%u take expired at the service (results are kept 24 hours)",
                                                "%u takes expired at the service (results are kept 24 hours)", expired), 8, TRUE);
  add_resume_toast (self, failed, g_dngettext (GETTEXT_PACKAGE, "%u unfinished take ended at the service without a clip",
                                               "%u unfinished takes ended at the service without a clip", failed), 10, TRUE);
  add_resume_toast (self, unknown, g_dngettext (GETTEXT_PACKAGE, "%u take was sent but no answer came back; it is not sent again",
                                                "%u takes were sent but no answer came back; they are not sent again", unknown), 0, TRUE);
}

/**
 * inb_window_get_resume_details:
 *
 * Returns: (nullable): the text the Details button shows, or %NULL
 */
const char *
inb_window_get_resume_details (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  return self->resume_details != NULL ? self->resume_details->str : NULL;
}

void
_inb_window_resume_details_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  GtkWidget *dialog;

  if (self->resume_details == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Unfinished Takes"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n\n%s", self->resume_details->str,
                                  _("Nothing was sent again. A take sent without an answer may still "
                                    "be running at the service: check its dashboard before generating "
                                    "it again."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Other actions */

void
_inb_window_swap_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);

  inb_keyframe_slot_swap (self->first_slot, self->last_slot);
}

void
_inb_window_paste_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbKeyframeSlot *target = self->first_slot;
  gboolean first_empty = inb_keyframe_slot_get_keyframe (self->first_slot) == NULL;
  gboolean last_empty = inb_keyframe_slot_get_keyframe (self->last_slot) == NULL;
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  /* Exactly one slot empty: that one, wherever the focus is. Otherwise
   * the focused slot, else the first. A keyframe a paste replaces is
   * offered back (the slot's "replaced"). */
  if (first_empty != last_empty)
    target = first_empty ? self->first_slot : self->last_slot;
  else if (focus != NULL && (focus == GTK_WIDGET (self->last_slot) ||
                             gtk_widget_is_ancestor (focus, GTK_WIDGET (self->last_slot))))
    target = self->last_slot;

  gtk_widget_activate_action (GTK_WIDGET (target), "slot.paste", NULL);
}

/* A keyframe the artist cleared or replaced: a toast offers it back. */
typedef struct
{
  InbKeyframeSlot *slot;
  GPtrArray       *image;
} Replaced;

static void
replaced_free (gpointer data,
               GClosure *closure)
{
  Replaced *r = data;

  g_clear_object (&r->slot);
  g_ptr_array_unref (r->image);
  g_free (r);
}

static void
replaced_undo_cb (AdwToast *toast,
                  Replaced *r)
{
  inb_keyframe_slot_restore_image (r->slot, r->image);
}

void
_inb_window_keyframe_replaced_cb (InbWindow       *self,
                                  GPtrArray       *image,
                                  InbKeyframeSlot *slot)
{
  gboolean first = slot == self->first_slot;
  gboolean cleared = inb_keyframe_slot_get_keyframe (slot) == NULL;
  AdwToast *toast;
  Replaced *r;

  if (cleared)
    toast = inb_toasts_new_toast (self->toasts, first ? _("First keyframe cleared") : _("Last keyframe cleared"));
  else
    toast = inb_toasts_new_toast (self->toasts, first ? _("First keyframe replaced") : _("Last keyframe replaced"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 6);

  r = g_new0 (Replaced, 1);
  r->slot = g_object_ref (slot);
  r->image = g_ptr_array_ref (image);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (replaced_undo_cb), r, replaced_free, 0);
  g_set_weak_pointer (&self->last_replaced_toast, toast);
  inb_toasts_show (self->toasts, toast);
}

void
_inb_window_open_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbKeyframeSlot *target = self->first_slot;

  if (inb_keyframe_slot_get_keyframe (self->first_slot) != NULL &&
      inb_keyframe_slot_get_keyframe (self->last_slot) == NULL)
    target = self->last_slot;

  gtk_widget_activate_action (GTK_WIDGET (target), "slot.open", NULL);
}

void
_inb_window_unfullscreen_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
}

void
_inb_window_fullscreened_cb (InbWindow *self)
{
  _inb_window_apply_fullscreen (self, gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

/* The window's layout fullscreen, or not: the window manager said so. */
void
_inb_window_apply_fullscreen (InbWindow *self,
                              gboolean   fullscreen)
{

  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !fullscreen);
  /* Leaving fullscreen brings the side panes back as they were. */
  if (fullscreen)
    {
      self->flap_was_revealed = adw_flap_get_reveal_flap (self->flap);
      self->library_was_revealed = adw_flap_get_reveal_flap (self->library_flap);
      adw_flap_set_reveal_flap (self->flap, FALSE);
      adw_flap_set_reveal_flap (self->library_flap, FALSE);
    }
  else
    {
      adw_flap_set_reveal_flap (self->flap, self->flap_was_revealed && !adw_flap_get_folded (self->flap));
      adw_flap_set_reveal_flap (self->library_flap,
                                self->library_was_revealed && !adw_flap_get_folded (self->library_flap));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->take_details), !fullscreen && self->selected != NULL);
  inb_player_set_fullscreen (self->player, fullscreen);
  if (fullscreen)
    gtk_widget_grab_focus (GTK_WIDGET (self->player));
}

static gboolean
inb_window_folded_idle_cb (gpointer data)
{
  InbWindow *self = data;

  if (self->flap == NULL || self->library_flap == NULL)
    return G_SOURCE_REMOVE;

  /* Folded, a flap would cover the player: show the player, and let
   * the header buttons bring the keyframes and the library back;
   * unfolded again, it is shown beside the player. Only a flap whose fold
   * did change is touched: when the library pane refolds (as the header
   * comes back after fullscreen at 1100 px), a sidebar the artist hid
   * stays hidden. */
  if (adw_flap_get_folded (self->flap) != self->flap_folded_seen)
    {
      self->flap_folded_seen = adw_flap_get_folded (self->flap);
      if (self->flap_folded_seen)
        adw_flap_set_reveal_flap (self->flap, FALSE);
      else if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
        adw_flap_set_reveal_flap (self->flap, TRUE);
    }
  if (adw_flap_get_folded (self->library_flap) != self->library_folded_seen)
    {
      self->library_folded_seen = adw_flap_get_folded (self->library_flap);
      /* Folded, the library is a page of its own: AdwFlap gives an
       * expanding flap the whole width, where at its natural 340 px a
       * strip of the player showed beside it at 360 px. Unfolded it must
       * not expand (see inb-window.ui). */
      gtk_widget_set_hexpand (GTK_WIDGET (self->library_panel), self->library_folded_seen);
      if (self->library_folded_seen)
        adw_flap_set_reveal_flap (self->library_flap, FALSE);
      else if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
        adw_flap_set_reveal_flap (self->library_flap, TRUE);
    }

  return G_SOURCE_REMOVE;
}

void
_inb_window_folded_cb (InbWindow *self)
{
  /* Folding happens during size allocation: change nothing there, but
   * right after that frame (at the default idle priority, frames in a
   * row — a long list coming in on a loaded machine — kept it waiting
   * for seconds, and it then folded away a library opened meanwhile) */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, inb_window_folded_idle_cb, g_object_ref (self), g_object_unref);
}
