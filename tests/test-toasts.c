/* test-toasts.c: InbToasts over libadwaita 1.2's AdwToastOverlay, with the
 * main loop as slow as it gets under a sanitizer or a loaded machine
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A slow main loop is made here by blocking it: the test sleeps between two
 * calls, so the next frame comes late and its time is far past every
 * animation started before. One such frame then ends them all, in the order
 * GTK runs the overlay's tick callbacks — which is what a main loop slowed
 * down by AddressSanitizer did to /library-window/toast-dismissed-at-once
 * (libadwaita aborted: "show_toast: assertion failed: (!info->widget)").
 */

#define G_LOG_DOMAIN "test-toasts"

#include "config.h"

#include <adwaita.h>

#include "inb-test-gtk.h"
#include "inb-toasts.h"

typedef struct
{
  GtkWindow       *window;
  AdwToastOverlay *overlay;
  InbToasts       *toasts;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  f->overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (f->overlay, gtk_label_new ("Inbetween"));
  gtk_window_set_child (f->window, GTK_WIDGET (f->overlay));
  gtk_window_set_default_size (f->window, 600, 400);
  f->toasts = inb_toasts_new (GTK_WIDGET (f->overlay));
  gtk_window_present (f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->overlay)));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_pointer (&f->toasts, inb_toasts_unref);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
n_toast_widgets (Fixture *f)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
      n++;

  return n;
}

static gboolean
no_toast_widget (gpointer      fixture,
                 gconstpointer data)
{
  return n_toast_widgets (fixture) == 0;
}

static void
count_cb (AdwToast *toast,
          guint    *count)
{
  (*count)++;
}

/* The main loop blocked for @ms: the next frame comes that much late. */
static void
block_main_loop (guint ms)
{
  g_usleep (ms * G_TIME_SPAN_MILLISECOND);
}

static AdwToast *
new_counted_toast (Fixture    *f,
                   const char *title,
                   guint      *count)
{
  AdwToast *toast = inb_toasts_new_toast (f->toasts, title);

  adw_toast_set_timeout (toast, 0);
  g_signal_connect (toast, "dismissed", G_CALLBACK (count_cb), count);

  return toast;
}

static gboolean
shows_title (gpointer      fixture,
             gconstpointer data)
{
  Fixture *f = fixture;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget") ||
          !gtk_widget_get_can_target (child))
        continue;   /* not one, or one hiding */
      for (GtkWidget *w = child; w != NULL; )
        {
          GtkWidget *next = gtk_widget_get_first_child (w);

          if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), data) == 0)
            return TRUE;
          while (next == NULL && w != child)
            {
              next = gtk_widget_get_next_sibling (w);
              if (next == NULL)
                w = gtk_widget_get_parent (w);
            }
          w = next;
        }
    }

  return FALSE;
}

/* A toast showing, then one with an Undo button (high priority, as a
 * deleted take's) put over it, dismissed at once (Undo clicked as it
 * appears), and a frame that comes only @data ms later. libadwaita 1.2 puts
 * the first toast back in its queue with its hide animation running
 * (postponed) and shows it again when the second one goes: if that is
 * before its hide animation's "done" has run, show_toast() aborts on the
 * widget it still has. Then the first is dismissed too, also with slow
 * frames. Each toast is told "dismissed" once, and all are gone. (Written
 * first with adw_toast_dismiss() on the two toasts, when InbToasts added
 * them to the overlay itself: aborted 3 runs of 3 at 1000 ms.) */
static void
test_toasts_postponed (Fixture       *f,
                       gconstpointer  data)
{
  guint delay_ms = GPOINTER_TO_UINT (data);

  for (guint round = 0; round < 3; round++)
    {
      guint a_dismissed = 0;
      guint b_dismissed = 0;
      AdwToast *a = new_counted_toast (f, "The take is ready", &a_dismissed);
      AdwToast *b = new_counted_toast (f, "Take deleted", &b_dismissed);

      g_object_ref (a);
      g_object_ref (b);
      inb_toasts_show (f->toasts, a);
      /* a shown, its show animation over */
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->overlay));
      block_main_loop (delay_ms);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->overlay));

      adw_toast_set_button_label (b, "_Undo");
      adw_toast_set_priority (b, ADW_TOAST_PRIORITY_HIGH);
      inb_toasts_show (f->toasts, b);
      inb_toasts_dismiss (f->toasts, b);
      block_main_loop (delay_ms);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->overlay));
      block_main_loop (delay_ms);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->overlay));

      /* a back, then dismissed; its hide animation with slow frames too */
      g_assert_true (inb_test_wait_until (f, shows_title, "The take is ready", 20));
      inb_toasts_dismiss (f->toasts, a);
      block_main_loop (delay_ms);
      g_assert_true (inb_test_wait_until (f, no_toast_widget, NULL, 20));
      g_assert_cmpuint (a_dismissed, ==, 1);
      g_assert_cmpuint (b_dismissed, ==, 1);
      g_object_unref (a);
      g_object_unref (b);
    }
}

/* The same, with the Undo toast dismissed only once it shows (its button
 * clicked): the first toast comes back after it, shown anew. */
static void
test_toasts_undo_then_back (Fixture       *f,
                            gconstpointer  data)
{
  guint delay_ms = GPOINTER_TO_UINT (data);
  guint a_dismissed = 0;
  guint b_dismissed = 0;
  guint b_clicked = 0;
  AdwToast *a = new_counted_toast (f, "The take is ready", &a_dismissed);
  AdwToast *b = new_counted_toast (f, "Take deleted", &b_dismissed);

  g_object_ref (a);
  inb_toasts_show (f->toasts, a);
  g_assert_true (inb_test_wait_until (f, shows_title, "The take is ready", 20));

  adw_toast_set_button_label (b, "_Undo");
  adw_toast_set_priority (b, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (b, "button-clicked", G_CALLBACK (count_cb), &b_clicked);
  inb_toasts_show (f->toasts, b);
  g_assert_true (inb_test_wait_until (f, shows_title, "Take deleted", 20));
  g_assert_cmpuint (a_dismissed, ==, 0);

  /* the copy's button, as a click does: the caller's toast hears it */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget") && gtk_widget_get_can_target (child))
      {
        AdwToast *shown = NULL;

        g_object_get (child, "toast", &shown, NULL);
        g_signal_emit_by_name (shown, "button-clicked");
        adw_toast_dismiss (shown);
        g_object_unref (shown);
      }
  g_assert_cmpuint (b_clicked, ==, 1);
  block_main_loop (delay_ms);

  g_assert_true (inb_test_wait_until (f, shows_title, "The take is ready", 20));
  g_assert_cmpuint (b_dismissed, ==, 1);
  g_assert_cmpuint (a_dismissed, ==, 0);
  inb_toasts_dismiss (f->toasts, a);
  g_assert_true (inb_test_wait_until (f, no_toast_widget, NULL, 20));
  g_assert_cmpuint (a_dismissed, ==, 1);
  g_object_unref (a);
}

/* A toast dismissed the moment it is shown, and frames that come late: its
 * show and hide animations would end in the same frame (libadwaita 1.2 then
 * runs the show's "done" on the record the hide freed). Said once, gone. */
static void
test_toasts_dismissed_at_once (Fixture       *f,
                               gconstpointer  data)
{
  guint delay_ms = GPOINTER_TO_UINT (data);

  for (guint round = 0; round < 3; round++)
    {
      guint dismissed = 0;
      AdwToast *a = new_counted_toast (f, "Keyframe replaced", &dismissed);

      g_object_ref (a);
      inb_toasts_show (f->toasts, a);
      inb_toasts_dismiss (f->toasts, a);
      g_assert_cmpuint (dismissed, ==, 0);   /* held back: sliding in */
      block_main_loop (delay_ms);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->overlay));
      block_main_loop (delay_ms);
      g_assert_true (inb_test_wait_until (f, no_toast_widget, NULL, 20));
      g_assert_cmpuint (dismissed, ==, 1);
      g_object_unref (a);
    }
}

/* Toasts waiting when the overlay goes are told "dismissed" then. */
static void
test_toasts_destroyed (Fixture       *f,
                       gconstpointer  data)
{
  guint a_dismissed = 0;
  guint b_dismissed = 0;

  inb_toasts_show (f->toasts, new_counted_toast (f, "first", &a_dismissed));
  inb_toasts_show (f->toasts, new_counted_toast (f, "second", &b_dismissed));
  g_assert_true (inb_test_wait_until (f, shows_title, "first", 20));
  gtk_window_destroy (f->window);
  g_assert_cmpuint (a_dismissed, ==, 1);
  g_assert_cmpuint (b_dismissed, ==, 1);
  f->window = NULL;
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/toasts/postponed/slow-frames", Fixture, GUINT_TO_POINTER (1000),
              fixture_setup, test_toasts_postponed, fixture_teardown);
  g_test_add ("/toasts/postponed/frames", Fixture, GUINT_TO_POINTER (0),
              fixture_setup, test_toasts_postponed, fixture_teardown);
  g_test_add ("/toasts/undo-then-back/slow-frames", Fixture, GUINT_TO_POINTER (1000),
              fixture_setup, test_toasts_undo_then_back, fixture_teardown);
  g_test_add ("/toasts/undo-then-back/frames", Fixture, GUINT_TO_POINTER (0),
              fixture_setup, test_toasts_undo_then_back, fixture_teardown);
  g_test_add ("/toasts/dismissed-at-once/slow-frames", Fixture, GUINT_TO_POINTER (1000),
              fixture_setup, test_toasts_dismissed_at_once, fixture_teardown);
  g_test_add ("/toasts/dismissed-at-once/frames", Fixture, GUINT_TO_POINTER (0),
              fixture_setup, test_toasts_dismissed_at_once, fixture_teardown);
  g_test_add ("/toasts/destroyed", Fixture, NULL, fixture_setup, test_toasts_destroyed, fixture_teardown);

  return g_test_run ();
}
