/* inb-toasts.c — toasts shown and dismissed around a libadwaita 1.2 bug
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2's AdwToastOverlay frees a toast's record when the toast's
 * hide animation (300 ms) ends, without disconnecting the "done" handler of
 * its show animation. A toast shown while another is still hiding slides in
 * for 500 ms: dismissed in its first 200 ms (Undo or × clicked at once,
 * Escape), it hides before it has finished showing, and the show animation's
 * "done" then runs on the freed record — a crash in adw_animation_skip()
 * (fixed upstream in 1.3 by commit 1674ebc9, "toast-overlay: Prevent
 * show_done from firing after hide_done"; bookworm has 1.2.2).
 *
 * Every toast of the window goes through here: a dismissal that comes while
 * a show animation may still run is held back (its emission stopped before
 * the overlay or the application sees it) and emitted again once it cannot.
 * (AdwToast's own handler, connected before ours, has already forgotten its
 * overlay then, so adw_toast_dismiss() would do nothing: the signal is
 * emitted.)
 * A toast's show animation starts when it is added or when another toast of
 * the same overlay goes away, so it is over in the first frame drawn 500 ms
 * after the later of the two. A dismissal is let go from a tick of the
 * owner in a frame whose time is SETTLE past the owner's last add or
 * dismissal: a show animation still running then ends in that same frame
 * (its "done" runs in it, before or after ours), and a hide animation
 * started in it cannot end in it. Timed by the frames, not the clock: on a
 * loaded machine a frame can come 400 ms late, and one frame then ended
 * both animations (the first fix, by the clock, still crashed 1 run in 30
 * at load 14). When the owner is not mapped no animation runs (libadwaita
 * skips them), and a dismissal goes through at once; one held back is let
 * go when the owner is unmapped, once libadwaita has stopped the
 * animations: the window closing dismisses its toasts, and their handlers
 * (an Undo's "gone for good") must run then, while the window is whole.
 */
#include "config.h"

#include "inb-toasts.h"

#include "inb-a11y.h"

/* libadwaita 1.2's longest show animation (REPLACE_DURATION), and room for a
 * frame time a little ahead of the clock */
#define SETTLE_US ((500 + 50) * G_TIME_SPAN_MILLISECOND)

struct _InbToasts
{
  GtkWidget *owner;        /* weak: an AdwToastOverlay or an AdwPreferencesWindow */
  gulong     unmap_id;
  gint64     settled_at;   /* monotonic µs: a frame at or after it ends every show animation */
  GPtrArray *held;         /* Guard: a dismissal held back */
};

typedef struct
{
  InbToasts *toasts;
  AdwToast  *toast;        /* unowned, but reffed while held back */
  guint      tick_id;      /* on the owner, while held back */
  gboolean   releasing;    /* emitting it again: let it through */
  gboolean   passed;       /* dismissed for good: later emissions are stopped */
} Guard;

static void let_go (Guard *g);

static void
owner_unmapped_cb (GtkWidget *owner,
                   InbToasts *self)
{
  /* after libadwaita's own "unmap" handlers: no toast animates any more */
  while (self->held->len > 0)
    let_go (g_ptr_array_index (self->held, self->held->len - 1));
}

/**
 * inb_toasts_new:
 * @owner: an #AdwToastOverlay, or an #AdwPreferencesWindow (its own overlay)
 *
 * Returns: (transfer full): the way to show toasts over @owner
 */
InbToasts *
inb_toasts_new (GtkWidget *owner)
{
  InbToasts *self;

  g_return_val_if_fail (ADW_IS_TOAST_OVERLAY (owner) || ADW_IS_PREFERENCES_WINDOW (owner), NULL);

  self = g_rc_box_new0 (InbToasts);
  self->held = g_ptr_array_new ();
  g_set_weak_pointer (&self->owner, owner);
  self->unmap_id = g_signal_connect_after (owner, "unmap", G_CALLBACK (owner_unmapped_cb), self);

  return self;
}

InbToasts *
inb_toasts_ref (InbToasts *self)
{
  return g_rc_box_acquire (self);
}

static void
inb_toasts_clear (InbToasts *self)
{
  /* each held dismissal holds a reference: none is left */
  g_assert (self->held->len == 0);
  g_ptr_array_unref (self->held);
  if (self->owner != NULL)
    g_clear_signal_handler (&self->unmap_id, self->owner);
  g_clear_weak_pointer (&self->owner);
}

void
inb_toasts_unref (InbToasts *self)
{
  g_rc_box_release_full (self, (GDestroyNotify) inb_toasts_clear);
}

GtkWidget *
inb_toasts_get_owner (InbToasts *self)
{
  return self->owner;
}

static void
guard_free (gpointer  data,
            GClosure *closure)
{
  Guard *g = data;

  g_assert (g->tick_id == 0);
  inb_toasts_unref (g->toasts);
  g_free (g);
}

/* The held-back dismissal, emitted now */
static void
let_go (Guard *g)
{
  AdwToast *toast = g->toast;

  if (g->tick_id != 0 && g->toasts->owner != NULL)
    gtk_widget_remove_tick_callback (g->toasts->owner, g->tick_id);
  g->tick_id = 0;
  g_ptr_array_remove_fast (g->toasts->held, g);
  if (!g->passed)
    {
      g->releasing = TRUE;
      g_signal_emit_by_name (toast, "dismissed");
      g->releasing = FALSE;
    }
  g_object_unref (toast);   /* may free g */
}

static gboolean
held_tick_cb (GtkWidget     *owner,
              GdkFrameClock *clock,
              gpointer       data)
{
  Guard *g = data;

  if (gdk_frame_clock_get_frame_time (clock) < g->toasts->settled_at)
    return G_SOURCE_CONTINUE;

  g->tick_id = 0;
  let_go (g);

  return G_SOURCE_REMOVE;
}

static gboolean
may_animate (InbToasts *self)
{
  return self->owner != NULL && gtk_widget_get_mapped (self->owner);
}

/* Connected before any handler but AdwToast's own */
static void
dismissed_guard_cb (AdwToast *toast,
                    Guard    *g)
{
  InbToasts *self = g->toasts;

  if (g->passed)
    {
      /* said once */
      g_signal_stop_emission_by_name (toast, "dismissed");
      return;
    }

  if (!g->releasing && may_animate (self))
    {
      /* to the owner's next frame late enough */
      g_signal_stop_emission_by_name (toast, "dismissed");
      if (g->tick_id == 0)
        {
          g_object_ref (toast);
          g_ptr_array_add (self->held, g);
          g->tick_id = gtk_widget_add_tick_callback (self->owner, held_tick_cb, g, NULL);
        }
      return;
    }

  g->passed = TRUE;
  /* the next toast in the queue, or one put off for this one, shows now */
  self->settled_at = MAX (self->settled_at, g_get_monotonic_time () + SETTLE_US);
}

/**
 * inb_toasts_new_toast:
 * @title: the toast's text
 *
 * A toast to show with inb_toasts_show(); connect to its "dismissed" after
 * this call (handlers run in the order connected).
 *
 * Returns: (transfer full): a new toast
 */
AdwToast *
inb_toasts_new_toast (InbToasts  *self,
                      const char *title)
{
  AdwToast *toast = adw_toast_new (title);
  Guard *g = g_new0 (Guard, 1);

  g->toasts = inb_toasts_ref (self);
  g->toast = toast;
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (dismissed_guard_cb), g, guard_free, 0);

  return toast;
}

/**
 * inb_toasts_show:
 * @toast: (transfer full): a toast from inb_toasts_new_toast() of @self
 */
void
inb_toasts_show (InbToasts *self,
                 AdwToast  *toast)
{
  g_return_if_fail (ADW_IS_TOAST (toast));
  g_return_if_fail (g_signal_handler_find (toast, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                           dismissed_guard_cb, NULL) != 0);

  if (self->owner == NULL)
    {
      g_object_unref (toast);
      return;
    }

  self->settled_at = MAX (self->settled_at, g_get_monotonic_time () + SETTLE_US);

  if (ADW_IS_TOAST_OVERLAY (self->owner))
    {
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->owner), toast);
      inb_a11y_name_toasts (ADW_TOAST_OVERLAY (self->owner));
    }
  else
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self->owner), toast);
    }
}
