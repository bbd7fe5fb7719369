/* inb-param-panel.c — a model's parameters as rows, built from its schema
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

/* No form is written by hand per backend: every row comes from the
 * model's InbSchema. Numbers are AdwActionRow + GtkSpinButton, enums
 * AdwComboRow with the schema's labels, booleans a GtkSwitch row, other
 * strings AdwEntryRow, and a parameter with x-widget "seed" gets a dice
 * and a "new seed every take" toggle. Each change is checked with the
 * same validator as the CLI; a refused value is marked on its row, in
 * the validator's words. Text typed into a number field that is not a
 * number is refused: the field keeps its value and its row says why. */

#define G_LOG_DOMAIN "inb-param-panel"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <glib/gi18n.h>

#include <string.h>

#include "inb-a11y.h"
#include "inb-param-panel.h"
#include "inb-take-format.h"

typedef struct
{
  const InbParamSpec *spec;
  GtkWidget          *row;
  GtkWidget          *widget;
  GtkWidget          *extra_row;   /* nullable: the seed's "every take" row */
  char               *error;
  char               *refused;     /* nullable: why typed text was not taken */
  double              refused_at;  /* the value kept then */
} ParamRow;

static char *dup_row_subtitle (ParamRow *pr);

struct _InbParamPanel
{
  AdwBin                parent_instance;

  InbSchema            *schema;
  GPtrArray            *rows;
  AdwPreferencesGroup  *group;
  GtkSwitch            *random_toggle;
  gboolean              updating;
};

G_DEFINE_FINAL_TYPE (InbParamPanel, inb_param_panel, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A row's subtitle wraps at phone width: never inside "832 × 480" */
static void
row_set_subtitle (AdwActionRow *row,
                  const char   *text)
{
  g_autofree char *joined = text != NULL ? inb_take_format_join_size (g_strdup (text)) : NULL;

  adw_action_row_set_subtitle (row, joined);
}

static void
param_row_free (gpointer data)
{
  ParamRow *pr = data;

  g_free (pr->error);
  g_free (pr->refused);
  g_free (pr);
}

GtkWidget *
inb_param_panel_new (void)
{
  return g_object_new (INB_TYPE_PARAM_PANEL, NULL);
}

static ParamRow *
find_row (InbParamPanel *self,
          const char    *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (pr->spec->name, name) == 0)
        return pr;
    }

  return NULL;
}

static JsonNode *
param_row_get_value (ParamRow *pr)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  switch (pr->spec->type)
    {
    case INB_PARAM_INTEGER:
      gtk_spin_button_update (GTK_SPIN_BUTTON (pr->widget));
      json_node_set_int (node, (gint64) llround (gtk_spin_button_get_value (GTK_SPIN_BUTTON (pr->widget))));
      break;

    case INB_PARAM_NUMBER:
      gtk_spin_button_update (GTK_SPIN_BUTTON (pr->widget));
      json_node_set_double (node, gtk_spin_button_get_value (GTK_SPIN_BUTTON (pr->widget)));
      break;

    case INB_PARAM_BOOLEAN:
      json_node_set_boolean (node, gtk_switch_get_active (GTK_SWITCH (pr->widget)));
      break;

    case INB_PARAM_STRING:
    default:
      if (pr->spec->enum_values != NULL)
        {
          guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (pr->row));

          if (selected < g_strv_length (pr->spec->enum_values))
            json_node_set_string (node, pr->spec->enum_values[selected]);
          else
            json_node_set_string (node, "");
        }
      else
        json_node_set_string (node, gtk_editable_get_text (GTK_EDITABLE (pr->row)));
      break;
    }

  return node;
}

static void
param_row_set_value (ParamRow *pr,
                     JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return;

  switch (pr->spec->type)
    {
    case INB_PARAM_INTEGER:
    case INB_PARAM_NUMBER:
      if (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE)
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (pr->widget), json_node_get_double (node));
      break;

    case INB_PARAM_BOOLEAN:
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        gtk_switch_set_active (GTK_SWITCH (pr->widget), json_node_get_boolean (node));
      break;

    case INB_PARAM_STRING:
    default:
      if (json_node_get_value_type (node) != G_TYPE_STRING)
        break;
      if (pr->spec->enum_values != NULL)
        {
          const char *text = json_node_get_string (node);

          for (guint i = 0; pr->spec->enum_values[i] != NULL; i++)
            if (g_strcmp0 (pr->spec->enum_values[i], text) == 0)
              adw_combo_row_set_selected (ADW_COMBO_ROW (pr->row), i);
        }
      else
        gtk_editable_set_text (GTK_EDITABLE (pr->row), json_node_get_string (node));
      break;
    }
}

/**
 * inb_param_panel_unit_label:
 * @unit: a schema's unit ("s", "fps", "frames", "px")
 *
 * Returns: the unit as the artist reads it (zh_CN "秒"), else @unit
 */
const char *
inb_param_panel_unit_label (const char *unit)
{
  if (g_strcmp0 (unit, "s") == 0)
    return C_("unit", "s");
  if (g_strcmp0 (unit, "fps") == 0)
    return C_("unit", "fps");
  if (g_strcmp0 (unit, "frames") == 0)
    return C_("unit", "frames");
  if (g_strcmp0 (unit, "px") == 0)
    return C_("unit", "px");
  return unit;
}

static char *
describe (const InbParamSpec *spec)
{
  /* The bounds live in the spin button; a refused value names them. */
  return g_strdup (spec->description ? spec->description : "");
}

static ParamRow *
find_frames_row (InbParamPanel *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (pr->spec->unit, "frames") == 0)
        return pr;
    }

  return NULL;
}

/* A frame count, whether the row is a spin button or a list of counts. */
static gboolean
param_row_get_frames (ParamRow *pr,
                      guint    *frames)
{
  g_autoptr(JsonNode) node = param_row_get_value (pr);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!g_ascii_string_to_signed (json_node_get_string (node), 10, 1, G_MAXINT32, &value, NULL))
        return FALSE;
    }
  else
    value = json_node_get_int (node);

  *frames = (guint) value;
  return value > 0;
}

static char *
description_without_stop (const InbParamSpec *spec)
{
  char *base = describe (spec);

  if (g_str_has_suffix (base, "."))
    base[strlen (base) - 1] = '\0';

  return base;
}

/* Artists think in seconds, the models in frames: whichever of the two a
 * model takes, its row also shows the other, and the frame rule where the
 * model has one (Wan makes 4n+1 frames: 81 frames play 5.06 s at 16 fps). */
static void
inb_param_panel_update_timing (InbParamPanel *self)
{
  ParamRow *duration = find_row (self, "duration");
  ParamRow *frames_row = find_frames_row (self);
  ParamRow *fps = find_row (self, "fps");
  g_autofree char *base = NULL;
  g_autofree char *subtitle = NULL;
  double rate;

  if (fps == NULL || fps->error != NULL || fps->refused != NULL)
    return;
  rate = gtk_spin_button_get_value (GTK_SPIN_BUTTON (fps->widget));
  if (rate <= 0)
    return;

  if (duration != NULL && duration->error == NULL && duration->refused == NULL &&
      GTK_IS_SPIN_BUTTON (duration->widget))
    {
      double seconds = gtk_spin_button_get_value (GTK_SPIN_BUTTON (duration->widget));
      guint frames = inb_param_spec_frames_for_duration (duration->spec, seconds, rate);

      base = description_without_stop (duration->spec);
      if (duration->spec->frame_multiple > 0)
        /* Translators: description, then e.g. "81 frames at 16 fps; the model makes 4n+1 frames" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s · %u frame at %g fps; the model makes %un+1 frames",
                                                 "%s · %u frames at %g fps; the model makes %un+1 frames", frames),
                                    base, frames, rate, duration->spec->frame_multiple);
      else
        /* Translators: parameter description, then the frame count and rate */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u frame at %g fps",
                                                 "%s · %u frames at %g fps", frames), base, frames, rate);
      row_set_subtitle (ADW_ACTION_ROW (duration->row), subtitle);
    }
  else if (frames_row != NULL && frames_row->error == NULL && frames_row->refused == NULL &&
           ADW_IS_ACTION_ROW (frames_row->row))
    {
      guint frames;
      g_autofree char *seconds = NULL;

      if (!param_row_get_frames (frames_row, &frames) || frames < 2)
        return;

      seconds = g_strdup_printf ("%.3g", inb_clip_length (frames, rate));
      base = description_without_stop (frames_row->spec);
      if (frames_row->spec->frame_multiple > 0)
        /* Translators: description, then e.g. "81 frames are 5.06 s at 16 fps; the model makes 4n+1 frames" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s · %u frame is %s s at %g fps; the model makes %un+1 frames",
                                                 "%s · %u frames are %s s at %g fps; the model makes %un+1 frames",
                                                 frames),
                                    base, frames, seconds, rate, frames_row->spec->frame_multiple);
      else
        /* Translators: description, then e.g. "81 frames are 5.06 s at 16 fps" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u frame is %s s at %g fps",
                                                 "%s · %u frames are %s s at %g fps", frames),
                                    base, frames, seconds, rate);
      row_set_subtitle (ADW_ACTION_ROW (frames_row->row), subtitle);
    }
}

/* The row says what is wrong with it, beside the field: typed text that
 * was refused, else a value the schema refuses, else its description. */
static void
param_row_show (ParamRow *pr)
{
  const char *problem = pr->refused != NULL ? pr->refused : pr->error;

  if (problem != NULL)
    {
      gtk_widget_add_css_class (pr->row, "error");
      gtk_widget_add_css_class (pr->widget, "error");
      if (ADW_IS_ACTION_ROW (pr->row))
        row_set_subtitle (ADW_ACTION_ROW (pr->row), problem);
      gtk_widget_set_tooltip_text (pr->row, problem);
    }
  else
    {
      gtk_widget_remove_css_class (pr->row, "error");
      gtk_widget_remove_css_class (pr->widget, "error");
      if (ADW_IS_ACTION_ROW (pr->row))
        {
          g_autofree char *subtitle = dup_row_subtitle (pr);

          row_set_subtitle (ADW_ACTION_ROW (pr->row), subtitle);
        }
      gtk_widget_set_tooltip_text (pr->row, NULL);
    }
}

static void
inb_param_panel_validate (InbParamPanel *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);
      g_autoptr(JsonNode) node = param_row_get_value (pr);
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&pr->error, g_free);
      if (!inb_schema_validate_value (self->schema, pr->spec->name, node, &error))
        pr->error = g_strdup (error->message);

      /* A refusal stands until the field holds another value */
      if (pr->refused != NULL && GTK_IS_SPIN_BUTTON (pr->widget) &&
          gtk_spin_button_get_value (GTK_SPIN_BUTTON (pr->widget)) != pr->refused_at)
        g_clear_pointer (&pr->refused, g_free);

      param_row_show (pr);
    }

  inb_param_panel_update_timing (self);
}

static void
inb_param_panel_changed (InbParamPanel *self)
{
  if (self->updating)
    return;

  inb_param_panel_validate (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* What was typed, as the validator reads numbers: without spaces or the
 * unit ("5 s"), with a dot for the locale's decimal comma. */
static char *
plain_number (const InbParamSpec *spec,
              const char         *text)
{
  const char *point = localeconv ()->decimal_point;
  g_autofree char *copy = g_strstrip (g_strdup (text));
  GString *plain;

  if (spec->unit != NULL)
    {
      const char *units[] = { inb_param_panel_unit_label (spec->unit), spec->unit };

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        {
          if (*copy != '\0' && g_str_has_suffix (copy, units[i]) && strlen (copy) > strlen (units[i]))
            {
              copy[strlen (copy) - strlen (units[i])] = '\0';
              g_strchomp (copy);
              break;
            }
        }
    }

  plain = g_string_new (copy);
  if (point != NULL && *point != '\0' && strcmp (point, ".") != 0)
    g_string_replace (plain, point, ".", 0);

  return g_string_free (plain, FALSE);
}

static ParamRow *
find_row_by_widget (InbParamPanel *self,
                    GtkWidget     *widget)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (pr->widget == widget)
        return pr;
    }

  return NULL;
}

/* GtkSpinButton::input: the text becomes a number only if it is one. A
 * number out of range is taken (its row then says the range); anything
 * else — "abc", "", "2.5" for a whole number — is refused: the field
 * keeps its value (not a silent 0) and its row says why, in the words the
 * CLI uses for `--set`. */
static int
spin_input_cb (GtkSpinButton *spin,
               double        *new_value,
               InbParamPanel *self)
{
  ParamRow *pr = find_row_by_widget (self, GTK_WIDGET (spin));
  g_autofree char *plain = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (pr == NULL || self->schema == NULL)
    return FALSE;

  plain = plain_number (pr->spec, gtk_editable_get_text (GTK_EDITABLE (spin)));
  node = inb_schema_parse_value (self->schema, pr->spec->name, plain, &error);
  if (node == NULL && g_error_matches (error, INB_SCHEMA_ERROR, INB_SCHEMA_ERROR_WRONG_TYPE))
    {
      *new_value = gtk_spin_button_get_value (spin);
      g_free (pr->refused);
      pr->refused = g_strdup (error->message);
      pr->refused_at = *new_value;
      param_row_show (pr);
      return TRUE;
    }

  *new_value = g_ascii_strtod (plain, NULL);
  return TRUE;
}

static void
roll_clicked_cb (InbParamPanel *self,
                 GtkButton     *button)
{
  inb_param_panel_roll_seed (self);
}

static GtkWidget *
make_spin (InbParamPanel      *self,
           const InbParamSpec *spec)
{
  GtkAdjustment *adjustment;
  GtkWidget *spin;
  double step = spec->step > 0 ? spec->step : 1.0;
  double lower = spec->has_minimum ? spec->minimum : -1e9;
  double upper = spec->has_maximum ? spec->maximum : 1e9;
  double span = MAX (upper - lower, 1.0);
  guint digits = 0;

  if (spec->type == INB_PARAM_NUMBER)
    {
      double frac = step - floor (step);

      digits = frac > 0 ? (frac * 10 == floor (frac * 10) ? 1 : 2) : 0;
    }

  /* Typing past a bound is allowed so the row can say what is wrong,
   * rather than silently changing what the artist typed. */
  adjustment = gtk_adjustment_new (lower, lower - span * 10, upper + span * 10, step, step * 10, 0);
  spin = gtk_spin_button_new (adjustment, step, digits);
  /* Not numeric: letters are not dropped one by one without a word, but
   * read as a whole by spin_input_cb and refused with a reason. */
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spec->title ? spec->title : spec->name,
                                  -1);
  g_signal_connect_object (spin, "input", G_CALLBACK (spin_input_cb), self, 0);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (inb_param_panel_changed), self, G_CONNECT_SWAPPED);

  return spin;
}

/* A choice's label: in full in the list; in the row, only what comes
 * before " · " (the rest says more about it), so a narrow row shows the
 * value whole. */
static void
choice_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (!GPOINTER_TO_INT (user_data))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
    }
  gtk_list_item_set_child (item, label);
}

static void
choice_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  const char *dot = GPOINTER_TO_INT (user_data) ? strstr (text, " · ") : NULL;
  g_autofree char *shown = dot != NULL ? g_strndup (text, dot - text) : g_strdup (text);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), shown);
}

static GtkListItemFactory *
choice_factory (gboolean in_row)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (choice_setup_cb), GINT_TO_POINTER (in_row));
  g_signal_connect (factory, "bind", G_CALLBACK (choice_bind_cb), GINT_TO_POINTER (in_row));

  return factory;
}

/* A choice's row shows its name; what its label says after " · " (a
 * size's VRAM hint) goes under the row's title, after the description,
 * where it wraps instead of being cut. Other rows: the description. */
static char *
dup_row_subtitle (ParamRow *pr)
{
  g_autofree char *description = describe (pr->spec);
  const char *label = NULL;
  const char *dot;
  guint selected;

  if (pr->spec->enum_labels == NULL || !ADW_IS_COMBO_ROW (pr->row))
    return g_steal_pointer (&description);

  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (pr->row));
  for (guint i = 0; pr->spec->enum_values[i] != NULL; i++)
    if (i == selected)
      label = pr->spec->enum_labels[i];
  dot = label != NULL ? strstr (label, " · ") : NULL;

  if (dot == NULL)
    return g_steal_pointer (&description);
  if (*description == '\0')
    return g_strdup (dot + strlen (" · "));
  if (g_str_has_suffix (description, "."))
    description[strlen (description) - 1] = '\0';

  /* Translators: a setting's description, then what its choice asks for ("… · moderate VRAM") */
  return g_strdup_printf (_("%s · %s"), description, dot + strlen (" · "));
}

static void
choice_selected_cb (GtkWidget     *row,
                    GParamSpec    *pspec,
                    InbParamPanel *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (pr->row == row && pr->error == NULL)
        {
          g_autofree char *subtitle = dup_row_subtitle (pr);

          row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
    }
}

static ParamRow *
make_row (InbParamPanel      *self,
          const InbParamSpec *spec)
{
  ParamRow *pr = g_new0 (ParamRow, 1);
  const char *title = spec->title ? spec->title : spec->name;
  g_autofree char *subtitle = describe (spec);

  pr->spec = spec;

  if (spec->type == INB_PARAM_INTEGER || spec->type == INB_PARAM_NUMBER)
    {
      g_autofree char *row_title = NULL;

      if (spec->unit != NULL && g_strcmp0 (spec->widget, "seed") != 0)
        /* Translators: a parameter's title and its unit, "Duration (s)" */
        row_title = g_strdup_printf (_("%s (%s)"), title, inb_param_panel_unit_label (spec->unit));
      else
        row_title = g_strdup (title);

      pr->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pr->row), row_title);
      row_set_subtitle (ADW_ACTION_ROW (pr->row), subtitle);
      pr->widget = make_spin (self, spec);
      adw_action_row_add_suffix (ADW_ACTION_ROW (pr->row), pr->widget);
      inb_a11y_describe_by_subtitle (ADW_ACTION_ROW (pr->row), pr->widget);

      if (g_strcmp0 (spec->widget, "seed") == 0)
        {
          GtkWidget *dice = gtk_button_new_from_icon_name ("media-playlist-shuffle-symbolic");
          GtkWidget *random = gtk_switch_new ();

          gtk_widget_set_valign (dice, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (dice, "flat");
          gtk_widget_set_tooltip_text (dice, _("Roll a New Seed"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (dice),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("Roll a New Seed"),
                                          -1);
          g_signal_connect_object (dice, "clicked", G_CALLBACK (roll_clicked_cb), self, G_CONNECT_SWAPPED);
          adw_action_row_add_suffix (ADW_ACTION_ROW (pr->row), dice);

          /* A row of its own, so that at 360 px the seed's description
           * keeps room to be read. */
          gtk_widget_set_valign (random, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (random),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("New Seed for Every Take"),
                                          -1);
          g_object_bind_property (random, "active", pr->widget, "sensitive",
                                  G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
          g_object_bind_property (random, "active", dice, "sensitive",
                                  G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
          pr->extra_row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pr->extra_row), _("New Seed for Every Take"));
          row_set_subtitle (ADW_ACTION_ROW (pr->extra_row), _("Draw a new seed for every take"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (pr->extra_row), random);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (pr->extra_row), random);
          /* Its row's title names it; its own label only said it twice */
          gtk_accessible_reset_property (GTK_ACCESSIBLE (random), GTK_ACCESSIBLE_PROPERTY_LABEL);
          self->random_toggle = GTK_SWITCH (random);
        }
      else
        {
          /* The row's title ("Duration (s)") labels it: not its own too */
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (pr->row), pr->widget);
          gtk_accessible_reset_property (GTK_ACCESSIBLE (pr->widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
        }
    }
  else if (spec->type == INB_PARAM_BOOLEAN)
    {
      pr->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pr->row), title);
      row_set_subtitle (ADW_ACTION_ROW (pr->row), subtitle);
      pr->widget = gtk_switch_new ();
      gtk_widget_set_valign (pr->widget, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (pr->row), pr->widget);
      /* The row's title labels it (one name, said once) */
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (pr->row), pr->widget);
      inb_a11y_describe_by_subtitle (ADW_ACTION_ROW (pr->row), pr->widget);
      g_signal_connect_object (pr->widget, "notify::active", G_CALLBACK (inb_param_panel_changed), self, G_CONNECT_SWAPPED);
    }
  else if (spec->enum_values != NULL)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

      for (guint i = 0; spec->enum_values[i] != NULL; i++)
        gtk_string_list_append (labels,
                                spec->enum_labels ? spec->enum_labels[i] : spec->enum_values[i]);

      pr->row = adw_combo_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pr->row), title);
      row_set_subtitle (ADW_ACTION_ROW (pr->row), subtitle);
      adw_combo_row_set_model (ADW_COMBO_ROW (pr->row), G_LIST_MODEL (labels));
      {
        g_autoptr(GtkListItemFactory) shown = choice_factory (TRUE);
        g_autoptr(GtkListItemFactory) list = choice_factory (FALSE);

        adw_combo_row_set_factory (ADW_COMBO_ROW (pr->row), shown);
        adw_combo_row_set_list_factory (ADW_COMBO_ROW (pr->row), list);
      }
      inb_a11y_name_lists (pr->row, title);
      pr->widget = pr->row;
      g_signal_connect_object (pr->row, "notify::selected", G_CALLBACK (inb_param_panel_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (pr->row, "notify::selected", G_CALLBACK (choice_selected_cb), self, 0);
      {
        g_autofree char *shown = dup_row_subtitle (pr);

        row_set_subtitle (ADW_ACTION_ROW (pr->row), shown);
      }
    }
  else
    {
      pr->row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pr->row), title);
      pr->widget = pr->row;
      g_signal_connect_object (pr->row, "changed", G_CALLBACK (inb_param_panel_changed), self, G_CONNECT_SWAPPED);
    }

  gtk_widget_set_name (pr->row, spec->name);

  return pr;
}

/**
 * inb_param_panel_set_schema:
 * @schema: (nullable): the model's schema
 * @values: (nullable): values to show instead of the defaults
 *
 * Rebuilds every row for @schema.
 */
void
inb_param_panel_set_schema (InbParamPanel *self,
                            InbSchema     *schema,
                            JsonObject    *values)
{
  g_return_if_fail (INB_IS_PARAM_PANEL (self));
  g_return_if_fail (!schema || INB_IS_SCHEMA (schema));

  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (self->group, pr->row);
      if (pr->extra_row != NULL)
        adw_preferences_group_remove (self->group, pr->extra_row);
    }
  g_ptr_array_set_size (self->rows, 0);
  self->random_toggle = NULL;

  g_set_object (&self->schema, schema);
  if (schema == NULL)
    return;

  self->updating = TRUE;

  for (guint i = 0; i < inb_schema_get_n_params (schema); i++)
    {
      const InbParamSpec *spec = inb_schema_get_param (schema, i);
      ParamRow *pr = make_row (self, spec);
      JsonNode *value = NULL;

      g_ptr_array_add (self->rows, pr);
      adw_preferences_group_add (self->group, pr->row);
      if (pr->extra_row != NULL)
        adw_preferences_group_add (self->group, pr->extra_row);

      if (values != NULL && json_object_has_member (values, spec->name))
        value = json_object_get_member (values, spec->name);
      param_row_set_value (pr, value ? value : spec->default_value);
    }

  self->updating = FALSE;

  inb_param_panel_validate (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * inb_param_panel_dup_values:
 *
 * Returns: (transfer full): every parameter as shown, valid or not
 */
JsonObject *
inb_param_panel_dup_values (InbParamPanel *self)
{
  JsonObject *values;

  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), NULL);

  values = json_object_new ();
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      json_object_set_member (values, pr->spec->name, param_row_get_value (pr));
    }

  return values;
}

gboolean
inb_param_panel_get_valid (InbParamPanel *self)
{
  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), FALSE);

  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (pr->error != NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * inb_param_panel_dup_problem:
 *
 * Returns: (transfer full) (nullable): what to fix first, or %NULL
 */
char *
inb_param_panel_dup_problem (InbParamPanel *self)
{
  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (pr->error != NULL)
        return g_strdup (pr->error);
    }

  return NULL;
}

/**
 * inb_param_panel_get_widget:
 *
 * Returns: (transfer none) (nullable): the widget that edits @name
 */
GtkWidget *
inb_param_panel_get_widget (InbParamPanel *self,
                            const char    *name)
{
  ParamRow *pr;

  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), NULL);

  pr = find_row (self, name);

  return pr ? pr->widget : NULL;
}

/**
 * inb_param_panel_get_row:
 *
 * Returns: (transfer none) (nullable): the row of @name
 */
GtkWidget *
inb_param_panel_get_row (InbParamPanel *self,
                         const char    *name)
{
  ParamRow *pr;

  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), NULL);

  pr = find_row (self, name);

  return pr ? pr->row : NULL;
}

gboolean
inb_param_panel_set_value (InbParamPanel *self,
                           const char    *name,
                           JsonNode      *value)
{
  ParamRow *pr;

  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), FALSE);

  if (!(pr = find_row (self, name)))
    return FALSE;

  param_row_set_value (pr, value);
  inb_param_panel_changed (self);

  return TRUE;
}

static ParamRow *
find_seed_row (InbParamPanel *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *pr = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (pr->spec->widget, "seed") == 0)
        return pr;
    }

  return NULL;
}

/**
 * inb_param_panel_get_seed:
 *
 * Returns: the seed shown, or -1 when the model has no seed
 */
gint64
inb_param_panel_get_seed (InbParamPanel *self)
{
  ParamRow *pr;

  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), -1);

  if (!(pr = find_seed_row (self)))
    return -1;

  return (gint64) llround (gtk_spin_button_get_value (GTK_SPIN_BUTTON (pr->widget)));
}

gboolean
inb_param_panel_get_random_seed (InbParamPanel *self)
{
  g_return_val_if_fail (INB_IS_PARAM_PANEL (self), FALSE);

  return self->random_toggle != NULL && gtk_switch_get_active (self->random_toggle);
}

/**
 * inb_param_panel_set_random_seed:
 *
 * Whether every take draws a new seed (the "Random" toggle).
 */
void
inb_param_panel_set_random_seed (InbParamPanel *self,
                                 gboolean       random)
{
  g_return_if_fail (INB_IS_PARAM_PANEL (self));

  if (self->random_toggle != NULL)
    gtk_switch_set_active (self->random_toggle, random);
}

void
inb_param_panel_roll_seed (InbParamPanel *self)
{
  ParamRow *pr;
  double upper;
  double lower;

  g_return_if_fail (INB_IS_PARAM_PANEL (self));

  if (!(pr = find_seed_row (self)))
    return;

  lower = pr->spec->has_minimum ? pr->spec->minimum : 0;
  upper = pr->spec->has_maximum ? pr->spec->maximum : G_MAXINT32;
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (pr->widget),
                             floor (g_random_double_range (lower, upper)));
}

static void
inb_param_panel_dispose (GObject *object)
{
  InbParamPanel *self = INB_PARAM_PANEL (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->schema);

  G_OBJECT_CLASS (inb_param_panel_parent_class)->dispose (object);
}

static void
inb_param_panel_class_init (InbParamPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_param_panel_dispose;

  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
inb_param_panel_init (InbParamPanel *self)
{
  self->rows = g_ptr_array_new_with_free_func (param_row_free);
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Parameters"));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->group));
}
