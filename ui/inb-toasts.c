/* inb-toasts.c — toasts shown one at a time, around two libadwaita 1.2 bugs
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2.2 (bookworm's) AdwToastOverlay can crash or abort when its
 * animations overlap, and a slow main loop (a sanitizer, a loaded machine)
 * makes them overlap, since one late frame then ends several at once, in
 * the order GTK runs the overlay's tick callbacks (the newest first):
 *
 * - A toast dismissed while its show animation runs: its hide animation
 *   frees its record when it ends, without disconnecting the show
 *   animation's "done", which then runs on the freed record if it ends in
 *   the same frame or later (a crash in adw_animation_skip(); fixed in 1.3
 *   by commit 1674ebc9). Dismissed at once, both end in the same frame.
 * - A high-priority toast (a deleted take's Undo) added over another: the
 *   other is put back in the overlay's queue ("postponed") with its hide
 *   animation running, and shown again as soon as the high-priority one is
 *   dismissed — show_toast() asserts that its widget is gone, which it is
 *   only once its hide animation's "done" has run: "show_toast: assertion
 *   failed: (!info->widget)", an abort (seen under ASan in
 *   /library-window/toast-dismissed-at-once; tests/test-toasts.c makes it
 *   happen every time by blocking the main loop for a second).
 *
 * So the overlay is never given two toasts to animate together. Every toast
 * of the window goes through here, and:
 * - The overlay only ever shows a toast of our own (a copy: title, button,
 *   action, timeout), a new one each time, never re-added; it is added only
 *   when the overlay holds no toast widget at all (the previous one's hide
 *   animation has ended: its widget is gone) and nothing else is queued in
 *   it, so it never replaces, postpones or queues anything itself.
 * - A dismissal of the shown copy is held back until its show animation has
 *   ended: until a frame after the first frame whose time is at or past the
 *   show animation's end (the frame time read just after adding it, which
 *   is no earlier than libadwaita's own start, plus its 300 ms). That frame
 *   ran the animation's last tick, whatever the order; counted in frames of
 *   the owner's frame clock, so however late they come.
 * - Priorities are ours: a high-priority toast goes first in our queue, and
 *   the one shown is taken down (its copy dismissed) to be shown again
 *   after it, with a new copy — as libadwaita would, without its postponing.
 * - The caller's own toast is told "dismissed" once, when it is gone for
 *   good; its "button-clicked" when the copy's button is clicked.
 * When the owner is not mapped no animation runs (libadwaita skips them):
 * a held dismissal is let go when it is unmapped, and toasts wait for it
 * to be mapped again. When the owner is destroyed, the toasts still waiting
 * are dismissed then (an Undo's "gone for good" runs while the window is
 * whole, as libadwaita does with its queue).
 */
#include "config.h"

#include "inb-toasts.h"

#include "inb-a11y.h"

/* libadwaita 1.2's SHOW_DURATION (adw-toast-overlay.c): a toast added with
 * no other toast widget in the overlay slides in for this long */
#define SHOW_US (300 * G_TIME_SPAN_MILLISECOND)

typedef struct _Entry Entry;

struct _InbToasts
{
  GtkWidget       *owner;      /* weak: an AdwToastOverlay or an AdwPreferencesWindow */
  AdwToastOverlay *overlay;    /* weak: the overlay the toasts are in */
  gulong           map_id;
  gulong           unmap_id;
  gulong           destroy_id;
  guint            tick_id;    /* on the owner, while something waits for a frame */
  GQueue           waiting;    /* Entry: next first */
  Entry           *current;    /* its copy in the overlay */
};

struct _Entry
{
  InbToasts *toasts;
  AdwToast  *toast;            /* the caller's (owned): never in the overlay */
  AdwToast  *shown;            /* the copy in the overlay (owned), or NULL */
  gint64     show_ends;        /* frame time (µs) its show animation ends by */
  gint64     show_end_frame;   /* the first frame at or past it, or -1 */
  gboolean   show_over;        /* its show animation has ended */
  gboolean   held;             /* a dismissal of the copy held back */
  gboolean   letting_go;       /* emitting it again: let it through */
  gboolean   postponed;        /* taken down for a high-priority toast: shown again */
};

static void pump (InbToasts *self);
static void ensure_tick (InbToasts *self);

static gboolean
owner_mapped (InbToasts *self)
{
  return self->owner != NULL && self->overlay != NULL && gtk_widget_get_mapped (self->owner);
}

static gboolean
has_toast_widget (InbToasts *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      return TRUE;

  return FALSE;
}

/* The copy's handlers off, the copy dropped (libadwaita may hold it until
 * its widget has hidden) */
static void
entry_drop_shown (Entry *e)
{
  if (e->shown == NULL)
    return;
  g_signal_handlers_disconnect_by_data (e->shown, e);
  g_clear_object (&e->shown);
}

/* Gone for good: the caller's toast is told, once */
static void
entry_finish (Entry *e)
{
  g_autoptr(AdwToast) toast = e->toast;

  if (e->toasts->current == e)
    e->toasts->current = NULL;
  g_queue_remove (&e->toasts->waiting, e);
  entry_drop_shown (e);
  g_free (e);
  g_signal_emit_by_name (toast, "dismissed");
}

/* The held dismissal of the shown copy, emitted now */
static void
let_go (Entry *e)
{
  g_autoptr(AdwToast) shown = g_object_ref (e->shown);

  e->held = FALSE;
  e->letting_go = TRUE;
  /* AdwToast's own handler has forgotten its overlay: adw_toast_dismiss()
   * would do nothing */
  g_signal_emit_by_name (shown, "dismissed");
  /* @e may be gone */
}

static void
shown_button_clicked_cb (AdwToast *shown,
                         Entry    *e)
{
  g_signal_emit_by_name (e->toast, "button-clicked");
}

/* Connected before the overlay's own handler */
static void
shown_dismissed_guard_cb (AdwToast *shown,
                          Entry    *e)
{
  if (e->letting_go || e->show_over || !owner_mapped (e->toasts))
    return;

  /* to a frame where its show animation is surely over */
  g_signal_stop_emission_by_name (shown, "dismissed");
  e->held = TRUE;
  ensure_tick (e->toasts);
}

/* Connected after: the overlay has started hiding it */
static void
shown_dismissed_cb (AdwToast *shown,
                    Entry    *e)
{
  InbToasts *self = e->toasts;

  if (self->current == e)
    self->current = NULL;
  e->letting_go = FALSE;
  if (e->postponed)
    {
      /* already in the queue, to be shown again with a new copy */
      e->postponed = FALSE;
      entry_drop_shown (e);
    }
  else
    {
      entry_finish (e);
    }

  pump (self);
}

/* Main loop: the next toast is shown once the overlay is empty */
static void
show_next (InbToasts *self)
{
  Entry *e = g_queue_pop_head (&self->waiting);
  AdwToast *toast = e->toast;
  AdwToast *shown = adw_toast_new (adw_toast_get_title (toast));
  GdkFrameClock *clock;

  adw_toast_set_button_label (shown, adw_toast_get_button_label (toast));
  adw_toast_set_action_name (shown, adw_toast_get_action_name (toast));
  adw_toast_set_action_target_value (shown, adw_toast_get_action_target_value (toast));
  adw_toast_set_timeout (shown, adw_toast_get_timeout (toast));
  /* normal priority: nothing else is ever in the overlay with it */
  g_signal_connect (shown, "button-clicked", G_CALLBACK (shown_button_clicked_cb), e);
  g_signal_connect (shown, "dismissed", G_CALLBACK (shown_dismissed_guard_cb), e);
  g_signal_connect_after (shown, "dismissed", G_CALLBACK (shown_dismissed_cb), e);

  e->shown = shown;
  e->held = FALSE;
  e->letting_go = FALSE;
  e->show_over = FALSE;
  e->show_end_frame = -1;
  self->current = e;

  if (ADW_IS_PREFERENCES_WINDOW (self->owner))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self->owner), g_object_ref (shown));
    }
  else
    {
      adw_toast_overlay_add_toast (self->overlay, g_object_ref (shown));
      inb_a11y_name_toasts (self->overlay);
    }

  /* libadwaita read the frame time as it started the show animation; it
   * does not go backwards, so this is no earlier */
  clock = gtk_widget_get_frame_clock (self->owner);
  e->show_ends = gdk_frame_clock_get_frame_time (clock) + SHOW_US;
  ensure_tick (self);
}

static void
pump (InbToasts *self)
{
  if (self->current != NULL || g_queue_is_empty (&self->waiting) || !owner_mapped (self))
    return;

  if (has_toast_widget (self))
    {
      /* the last one still hiding */
      ensure_tick (self);
      return;
    }

  show_next (self);
}

static gboolean
needs_tick (InbToasts *self)
{
  if (self->current != NULL)
    return !self->current->show_over;

  return !g_queue_is_empty (&self->waiting);
}

static gboolean
tick_cb (GtkWidget     *owner,
         GdkFrameClock *clock,
         gpointer       data)
{
  InbToasts *self = data;
  Entry *e = self->current;

  if (!owner_mapped (self))
    {
      /* no animation runs; "map" starts again */
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (e != NULL && !e->show_over)
    {
      gint64 frame = gdk_frame_clock_get_frame_counter (clock);

      if (e->show_end_frame < 0)
        {
          if (gdk_frame_clock_get_frame_time (clock) >= e->show_ends)
            e->show_end_frame = frame;
        }
      else if (frame > e->show_end_frame)
        {
          e->show_over = TRUE;
        }

      if (e->show_over && e->held)
        let_go (e);
    }

  pump (self);

  if (needs_tick (self))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_tick (InbToasts *self)
{
  if (self->tick_id == 0 && owner_mapped (self) && needs_tick (self))
    self->tick_id = gtk_widget_add_tick_callback (self->owner, tick_cb, self, NULL);
}

static void
owner_mapped_cb (GtkWidget *owner,
                 InbToasts *self)
{
  pump (self);
}

static void
owner_unmapped_cb (GtkWidget *owner,
                   InbToasts *self)
{
  /* After libadwaita's own "unmap" handlers: no toast animates any more */
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (owner, self->tick_id);
  self->tick_id = 0;
  if (self->current != NULL)
    {
      self->current->show_over = TRUE;
      if (self->current->held)
        let_go (self->current);
    }
}

static void
finish_all (InbToasts *self)
{
  while (self->current != NULL)
    entry_finish (self->current);
  while (!g_queue_is_empty (&self->waiting))
    entry_finish (g_queue_peek_head (&self->waiting));
}

static void
owner_destroyed_cb (GtkWidget *owner,
                    InbToasts *self)
{
  finish_all (self);
}

static AdwToastOverlay *
find_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return ADW_TOAST_OVERLAY (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwToastOverlay *overlay = find_overlay (child);

      if (overlay != NULL)
        return overlay;
    }

  return NULL;
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
  g_queue_init (&self->waiting);
  g_set_weak_pointer (&self->owner, owner);
  g_set_weak_pointer (&self->overlay, find_overlay (owner));
  g_warn_if_fail (self->overlay != NULL);
  self->map_id = g_signal_connect_after (owner, "map", G_CALLBACK (owner_mapped_cb), self);
  self->unmap_id = g_signal_connect_after (owner, "unmap", G_CALLBACK (owner_unmapped_cb), self);
  self->destroy_id = g_signal_connect (owner, "destroy", G_CALLBACK (owner_destroyed_cb), self);

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
  /* none left unsaid */
  finish_all (self);
  if (self->owner != NULL)
    {
      if (self->tick_id != 0)
        gtk_widget_remove_tick_callback (self->owner, self->tick_id);
      g_clear_signal_handler (&self->map_id, self->owner);
      g_clear_signal_handler (&self->unmap_id, self->owner);
      g_clear_signal_handler (&self->destroy_id, self->owner);
    }
  g_clear_weak_pointer (&self->owner);
  g_clear_weak_pointer (&self->overlay);
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

/**
 * inb_toasts_new_toast:
 * @title: the toast's text
 *
 * A toast to show with inb_toasts_show(). It is never added to an overlay
 * itself (a copy is): its "dismissed" is emitted once, when it is gone for
 * good, its "button-clicked" when its button is clicked; dismiss it with
 * inb_toasts_dismiss(), not adw_toast_dismiss(). A custom title is not
 * shown.
 *
 * Returns: (transfer full): a new toast
 */
AdwToast *
inb_toasts_new_toast (InbToasts  *self,
                      const char *title)
{
  return adw_toast_new (title);
}

/**
 * inb_toasts_show:
 * @toast: (transfer full): a toast from inb_toasts_new_toast() of @self
 */
void
inb_toasts_show (InbToasts *self,
                 AdwToast  *toast)
{
  Entry *e;

  g_return_if_fail (ADW_IS_TOAST (toast));

  if (self->owner == NULL)
    {
      g_object_unref (toast);
      return;
    }

  e = g_new0 (Entry, 1);
  e->toasts = self;
  e->toast = toast;

  if (adw_toast_get_priority (toast) == ADW_TOAST_PRIORITY_HIGH)
    {
      Entry *current = self->current;

      /* The one shown (unless it is going anyway) comes back after it */
      if (current != NULL && !current->held && !current->postponed)
        {
          current->postponed = TRUE;
          g_queue_push_head (&self->waiting, current);
        }
      g_queue_push_head (&self->waiting, e);
      if (current != NULL && current->postponed && current->shown != NULL && !current->held)
        adw_toast_dismiss (current->shown);
    }
  else
    {
      g_queue_push_tail (&self->waiting, e);
    }

  pump (self);
}

/**
 * inb_toasts_dismiss:
 * @toast: a toast given to inb_toasts_show() of @self
 *
 * Takes @toast away: said "dismissed" at once if it was still waiting,
 * else once its copy has gone. Does nothing if it has gone already.
 */
void
inb_toasts_dismiss (InbToasts *self,
                    AdwToast  *toast)
{
  Entry *e = NULL;

  g_return_if_fail (ADW_IS_TOAST (toast));

  if (self->current != NULL && self->current->toast == toast)
    e = self->current;
  for (GList *l = self->waiting.head; e == NULL && l != NULL; l = l->next)
    if (((Entry *) l->data)->toast == toast)
      e = l->data;
  if (e == NULL)
    return;

  if (e->postponed)
    {
      /* its copy is on its way out: then gone for good */
      e->postponed = FALSE;
      g_queue_remove (&self->waiting, e);
    }
  else if (e == self->current)
    {
      if (!e->held)
        adw_toast_dismiss (e->shown);
    }
  else
    {
      entry_finish (e);
    }
}
