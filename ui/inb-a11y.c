/* inb-a11y.c — accessible names that read once
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8 computes a name from the widget's own label property followed
 * by the labels it is labelled by. A button with a text label has both:
 * its label property is the text as given, mnemonic underscore included,
 * and its label child labels it, so a screen reader hears "_Generate
 * Generate". A widget given a label of its own whose child (an
 * AdwButtonContent) or row (an AdwActionRow's activatable widget) also
 * labels it reads "Re-roll Re-roll": such a widget is given no label of
 * its own. Menu buttons, drop-downs and the lists of combo rows, which
 * GTK 4.8 leaves nameless where the focus lands, are named here; a row's
 * control is described by the row's subtitle. tests/test-a11y.py fails on
 * a nameless control or a name read twice.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "inb-a11y.h"

/* "Show the _Group" → "Show the Group"; "__" is an underscore */
static char *
strip_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static void
reset_label (GtkWidget *button)
{
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/**
 * inb_a11y_name_from_label:
 * @button: a #GtkButton with a mnemonic label ("_Generate")
 *
 * Names @button by its label child only ("Generate"), now and whenever
 * its label changes.
 */
void
inb_a11y_name_from_label (GtkWidget *button)
{
  g_return_if_fail (GTK_IS_BUTTON (button));

  reset_label (button);
  /* GTK sets the property before it notifies; connected once */
  if (g_signal_handler_find (button, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, reset_label, NULL) == 0)
    g_signal_connect (button, "notify::label", G_CALLBACK (reset_label), NULL);
}

/**
 * inb_a11y_name_drop_down:
 * @name: what it chooses ("Backend and Model")
 *
 * Names @drop_down and the button inside it that takes the focus (GTK
 * 4.8 leaves that one nameless, so a screen reader says "toggle button").
 */
void
inb_a11y_name_drop_down (GtkDropDown *drop_down,
                         const char  *name)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));

  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (drop_down));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/**
 * inb_a11y_tidy:
 * @root: a widget, usually a template just initialised
 *
 * Gives every button under @root (itself included) a name that reads
 * once: a #GtkButton with a mnemonic label is named by its label alone
 * (inb_a11y_name_from_label()). Widgets made later are named where they
 * are made.
 */
void
inb_a11y_tidy (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL &&
      gtk_button_get_use_underline (GTK_BUTTON (root)))
    inb_a11y_name_from_label (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    inb_a11y_tidy (child);
}

/**
 * inb_a11y_name_menu_button:
 * @name: its name; a mnemonic underscore is left out ("_Variations")
 *
 * Names @button and the toggle button inside it, which is what takes the
 * focus: GTK 4.8 names that one by its text only ("1×"), or not at all.
 */
void
inb_a11y_name_menu_button (GtkMenuButton *button,
                           const char    *name)
{
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  text = strip_mnemonic (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

  /* Its text labels the toggle already: "Variations" once, not twice;
   * a text that is not the name ("1×") follows it: "Speed 1×". */
  if (gtk_menu_button_get_label (button) != NULL)
    {
      g_autofree char *shown = strip_mnemonic (gtk_menu_button_get_label (button));

      if (g_str_equal (shown, text))
        return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
subtitle_changed_cb (AdwActionRow *row,
                     GParamSpec   *pspec,
                     GtkWidget    *widget)
{
  const char *subtitle = adw_action_row_get_subtitle (row);

  if (subtitle != NULL && *subtitle != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/**
 * inb_a11y_describe_by_subtitle:
 * @row: the row @widget sits in
 *
 * Describes @widget by @row's subtitle ("Length of the clip in seconds ·
 * 37 frames at 12 fps", or what is wrong with its value), now and
 * whenever it changes.
 */
void
inb_a11y_describe_by_subtitle (AdwActionRow *row,
                               GtkWidget    *widget)
{
  g_return_if_fail (ADW_IS_ACTION_ROW (row) && GTK_IS_WIDGET (widget));

  subtitle_changed_cb (row, NULL, widget);
  g_signal_connect_object (row, "notify::subtitle", G_CALLBACK (subtitle_changed_cb), widget, 0);
}

/**
 * inb_a11y_name_lists:
 * @root: an #AdwComboRow, say
 * @name: the name of the lists in it ("Resolution")
 *
 * Names the list views under @root (a combo row's choices, which GTK 4.8
 * calls "GtkListView").
 */
void
inb_a11y_name_lists (GtkWidget  *root,
                     const char *name)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_LIST_VIEW (root))
    gtk_accessible_update_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    inb_a11y_name_lists (child, name);
}

static void
name_close_buttons (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) == NULL &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), "window-close-symbolic") == 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    /* Translators: closes a notification at the window's foot */
                                    _("Dismiss"), -1);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_close_buttons (child);
}

/**
 * inb_a11y_name_toasts:
 * @overlay: an #AdwToastOverlay that was just given a toast
 *
 * Names the buttons of the toasts it shows: libadwaita 1.2 leaves the
 * close button nameless and reads a toast's button label twice.
 */
void
inb_a11y_name_toasts (AdwToastOverlay *overlay)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  for (GtkWidget *toast = gtk_widget_get_first_child (GTK_WIDGET (overlay));
       toast != NULL;
       toast = gtk_widget_get_next_sibling (toast))
    {
      if (!g_str_equal (G_OBJECT_TYPE_NAME (toast), "AdwToastWidget"))
        continue;

      inb_a11y_tidy (toast);
      name_close_buttons (toast);
    }
}
