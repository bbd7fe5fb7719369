/* inb-window.c — the authoring window: keyframes, prompt, parameters,
 * the queue of takes and the player
 *
 * Split by concern around inb-window-private.h: this file has the
 * window's state, its model choice and its life (size, closing);
 * inb-window-generate.c the take being made, inb-window-library.c the
 * library (the take chosen, played and detailed, and the take actions),
 * inb-window-framing.c the keyframes' notices and framing,
 * inb-window-actions.c the window actions and the resume report
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

#include <inttypes.h>

#include <glib/gi18n.h>

#include "inb-resources.h"
#include "inb-a11y.h"
#include "inb-application.h"
#include "inb-cap-bin.h"
#include "inb-floor-bin.h"
#include "inb-preferences-window.h"
#include "inb-resume.h"
#include "inb-take.h"
#include "inb-take-format.h"
#include "inb-texture-loader.h"
#include "inb-window-private.h"

G_DEFINE_FINAL_TYPE (InbWindow, inb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CAN_GENERATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];



/**
 * inb_window_new:
 *
 * A window on the application's session: it shares the job queue, the
 * keys and the settings with every other window.
 */
InbWindow *
inb_window_new (InbApplication *application)
{
  g_return_val_if_fail (INB_IS_APPLICATION (application), NULL);

  return g_object_new (INB_TYPE_WINDOW,
                       "application", application,
                       "session", inb_application_get_session (application),
                       NULL);
}

/* A toast's title is one line, cut with "…" where it is too long for the
 * window: a text longer than INB_WINDOW_TOAST_WHOLE_CHARS gets a Details
 * button that shows it whole (win.toast-details). */

static void
show_toast (InbWindow  *self,
            InbToasts  *toasts,
            const char *title,
            const char *heading,
            const char *details,
            guint       timeout)
{
  AdwToast *toast = inb_toasts_new_toast (toasts, title);

  adw_toast_set_timeout (toast, timeout);
  g_free (self->last_toast_details);
  self->last_toast_details = g_strdup (details);
  if (details != NULL)
    {
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.toast-details");
      adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", heading != NULL ? heading : "", details));
    }
  inb_toasts_show (toasts, toast);
}

void
_inb_window_toast (InbWindow  *self,
                  const char *text)
{
  show_toast (self, self->toasts, text, NULL, g_utf8_strlen (text, -1) > INB_WINDOW_TOAST_WHOLE_CHARS ? text : NULL, 4);
}

/* @title said, @details (the whole story) a button away, under @title */
void
_inb_window_toast_with_details (InbWindow  *self,
                                const char *title,
                                const char *details)
{
  show_toast (self, self->toasts, title, title, details, 8);
}

static void
inb_window_toast_details_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  GtkWidget *dialog;
  const char *heading;
  const char *body;

  g_variant_get (parameter, "(&s&s)", &heading, &body);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), *heading != '\0' ? heading : NULL, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* "The take is ready" over the player that shows it: not at the window's
 * foot, where it covered the editor, or the library's rows the artist
 * reaches for next. When the editor covers the player (folded, at phone
 * width) it is said over the editor, where the artist is. What the
 * backend warned of is counted there, and said whole behind Details (the
 * take's details, shown at once, say it too): a warning in the toast's
 * one line was cut at phone width. */
void
_inb_window_toast_take_ready (InbWindow          *self,
                              const char * const *warnings)
{
  InbToasts *toasts = self->player_toast_list;
  guint n_warnings = warnings != NULL ? g_strv_length ((GStrv) warnings) : 0;
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;

  if (adw_flap_get_folded (self->flap) && adw_flap_get_reveal_flap (self->flap))
    toasts = self->toasts;

  if (n_warnings > 0)
    {
      /* Translators: said in a toast, beside a Details button that
       * shows the warnings: keep it short, about 140 px at 360 px */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ready, %u warning", "Ready, %u warnings",
                                            n_warnings), n_warnings);
      details = g_strjoinv ("\n\n", (GStrv) warnings);
    }
  else
    title = g_strdup (_("The take is ready"));

  g_free (self->last_take_toast);
  self->last_take_toast = g_strdup (title);
  show_toast (self, toasts, title, title, details, n_warnings > 0 ? 8 : 3);
}

InbKeyframeSlot *
inb_window_get_first_slot (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->first_slot;
}

InbKeyframeSlot *
inb_window_get_last_slot (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->last_slot;
}

InbParamPanel *
inb_window_get_param_panel (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->param_panel;
}

InbPlayer *
inb_window_get_player (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->player;
}

InbJobQueue *
inb_window_get_job_queue (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->queue;
}

GtkWidget *
inb_window_get_generate_button (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->generate_button);
}

gboolean
inb_window_get_can_generate (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), FALSE);
  return self->can_generate;
}

const char *
inb_window_get_generate_problem (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->problem;
}

const char *
inb_window_get_key_problem (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->key_problem;
}

GtkWidget *
inb_window_get_key_button (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->key_button);
}

void
inb_window_set_prompt (InbWindow  *self,
                       const char *prompt)
{
  g_return_if_fail (INB_IS_WINDOW (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), prompt ? prompt : "", -1);
}

char *
_inb_window_dup_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Parameters remembered per backend and model */

static char *
choice_key (InbBackend *backend,
            InbModel   *model)
{
  return g_strdup_printf ("%s/%s", inb_backend_get_id (backend), inb_model_get_id (model));
}

static JsonObject *
load_saved_params (InbWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *all;

  if (self->backend == NULL || self->model == NULL || self->settings == NULL)
    return NULL;

  text = g_settings_get_string (self->settings, "last-parameters");
  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  all = json_node_get_object (root);
  key = choice_key (self->backend, self->model);
  if (!json_object_has_member (all, key) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (all, key)))
    return NULL;

  return json_object_ref (json_object_get_object_member (all, key));
}

void
_inb_window_save_params (InbWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *values;

  if (self->backend == NULL || self->model == NULL || self->settings == NULL)
    return;

  text = g_settings_get_string (self->settings, "last-parameters");
  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      root = json_node_init_object (json_node_alloc (), json_object_new ());
    }

  values = inb_param_panel_dup_values (self->param_panel);
  key = choice_key (self->backend, self->model);
  json_object_set_object_member (json_node_get_object (root), key, values);

  out = json_to_string (root, FALSE);
  g_settings_set_string (self->settings, "last-parameters", out);
}

/* Backend and model */

static void inb_window_update_title (InbWindow *self);

static void
inb_window_apply_model (InbWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->model_dropdown);
  g_autoptr(JsonObject) saved = NULL;
  const Choice *choice;

  if (selected >= self->choices->len)
    return;

  choice = &g_array_index (self->choices, Choice, selected);
  if (choice->backend == self->backend && choice->model == self->model)
    return;

  _inb_window_save_params (self);

  self->backend = choice->backend;
  self->model = choice->model;

  saved = load_saved_params (self);
  inb_param_panel_set_schema (self->param_panel, inb_model_get_schema (self->model), saved);

  if (saved == NULL)
    {
      /* A new model starts from the preferred fit policy. */
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (node, inb_fit_to_string (inb_session_get_default_fit (self->session)));
      inb_param_panel_set_value (self->param_panel, "fit", node);
    }

  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "last-backend", inb_backend_get_id (self->backend));
      g_settings_set_string (self->settings, "last-model", inb_model_get_id (self->model));
    }
  _inb_window_check_server (self);
  _inb_window_update_import (self);
  inb_window_update_title (self);

  _inb_window_update_state (self);
}

gboolean
inb_window_select_model (InbWindow  *self,
                         const char *backend_id,
                         const char *model_id)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (backend_id != NULL, FALSE);

  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = &g_array_index (self->choices, Choice, i);

      if (g_strcmp0 (inb_backend_get_id (choice->backend), backend_id) == 0 &&
          (model_id == NULL || model_id[0] == '\0' ||
           g_strcmp0 (inb_model_get_id (choice->model), model_id) == 0))
        {
          gtk_drop_down_set_selected (self->model_dropdown, i);
          inb_window_apply_model (self);
          return TRUE;
        }
    }

  return FALSE;
}

/* A model in the selector: its title, then its backend, and "needs a
 * key" when it takes a key and none is set. The lines wrap, on the
 * button too: a narrow window shows the whole name. */
static void
model_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  gboolean button = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "inb-button"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  for (GtkWidget *label = title; label != NULL; label = label == title ? subtitle : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      if (!button)
        gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_list_item_set_child (item, box);
}

static void
model_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               InbWindow                *self)
{
  guint position = gtk_list_item_get_position (item);
  GtkWidget *title = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *text = NULL;
  const Choice *choice;
  gboolean keyless;

  if (position >= self->choices->len)
    return;

  choice = &g_array_index (self->choices, Choice, position);
  keyless = inb_backend_takes_key (choice->backend) &&
            g_hash_table_contains (self->keyless, inb_backend_get_id (choice->backend));
  gtk_label_set_label (GTK_LABEL (title), inb_model_get_title (choice->model));
  if (keyless)
    /* Translators: a backend's name, then that it has no API key yet */
    text = g_strdup_printf (_("%s · needs a key"), inb_backend_get_name (choice->backend));
  else
    text = g_strdup (inb_backend_get_name (choice->backend));
  gtk_label_set_label (GTK_LABEL (subtitle), text);
  if (keyless)
    {
      gtk_widget_remove_css_class (subtitle, "dim-label");
      gtk_widget_add_css_class (subtitle, "warning");
    }
  else
    {
      gtk_widget_remove_css_class (subtitle, "warning");
      gtk_widget_add_css_class (subtitle, "dim-label");
    }
}

static GtkListItemFactory *
make_model_factory (InbWindow *self,
                    gboolean   button)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "inb-button", GINT_TO_POINTER (button));
  g_signal_connect (factory, "setup", G_CALLBACK (model_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (model_bind_cb), self);

  return factory;
}

/* The selector's rows again (a key found or missing), and the header's
 * line naming the model. */
void
_inb_window_refresh_models (InbWindow *self)
{
  g_autoptr(GtkListItemFactory) button_factory = make_model_factory (self, TRUE);
  g_autoptr(GtkListItemFactory) list_factory = make_model_factory (self, FALSE);

  gtk_drop_down_set_factory (self->model_dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->model_dropdown, list_factory);
}

static void
inb_window_update_title (InbWindow *self)
{
  g_autofree char *subtitle = NULL;

  if (self->model != NULL)
    /* Translators: backend · model, under the window's title. The backend
     * first, as the take rows say it: narrow, the end of the line is cut
     * ("Local · Optical f…"), and the backend is the short part that
     * says where the take goes. */
    subtitle = g_strdup_printf (_("%s · %s"), inb_backend_get_short_name (self->backend),
                                inb_model_get_title (self->model));
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  /* Where that does not fit whole, the backend alone (the header's squeezer) */
  adw_window_title_set_subtitle (self->window_title_short,
                                 self->model != NULL ? inb_backend_get_short_name (self->backend) : "");
  /* Whole, where a narrow window cuts it or shows the backend only */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title_short), subtitle);
}

const char *
inb_window_get_model_subtitle (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  return adw_window_title_get_subtitle (self->window_title);
}

AdwToast *
inb_window_get_replaced_toast (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  return self->last_replaced_toast;
}

const char *
inb_window_get_generate_hint (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->generate_hint);
}

/* Every model of every backend, in the selector */
static void
inb_window_fill_choices (InbWindow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));

  g_array_set_size (self->choices, 0);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      GPtrArray *models = inb_backend_get_models (backend);

      for (guint j = 0; models != NULL && j < models->len; j++)
        {
          InbModel *model = g_ptr_array_index (models, j);
          Choice choice = { backend, model };
          g_autofree char *label = NULL;

          /* Translators: backend name · model title, in the header bar */
          label = g_strdup_printf (_("%s · %s"), inb_backend_get_name (backend), inb_model_get_title (model));
          gtk_string_list_append (labels, label);
          g_array_append_val (self->choices, choice);
        }
    }

  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (labels));
  _inb_window_refresh_models (self);
}

/* A backend's models changed (a workflow imported): the selector again,
 * the model chosen staying chosen — or, replaced by a workflow of the same
 * name (the backend keeps the old one alive), its successor chosen */
static void
inb_window_models_changed_cb (InbWindow  *self,
                              InbBackend *backend)
{
  g_autofree char *replaced = NULL;
  gboolean found = FALSE;

  g_signal_handlers_block_by_func (self->model_dropdown, inb_window_apply_model, self);
  inb_window_fill_choices (self);
  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = &g_array_index (self->choices, Choice, i);

      if (choice->backend == self->backend && choice->model == self->model)
        {
          gtk_drop_down_set_selected (self->model_dropdown, i);
          found = TRUE;
        }
    }
  g_signal_handlers_unblock_by_func (self->model_dropdown, inb_window_apply_model, self);

  if (!found && self->backend == backend && self->model != NULL)
    {
      replaced = g_strdup (inb_model_get_id (self->model));
      inb_window_select_model (self, inb_backend_get_id (backend), replaced);
    }
}

static void
inb_window_load_choices (InbWindow *self)
{
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));
  g_autofree char *last_backend = NULL;
  g_autofree char *last_model = NULL;

  inb_window_fill_choices (self);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      g_signal_connect_object (backend, "models-changed", G_CALLBACK (inb_window_models_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  if (self->settings != NULL)
    {
      last_backend = g_settings_get_string (self->settings, "last-backend");
      last_model = g_settings_get_string (self->settings, "last-model");
    }
  if (last_backend == NULL || !inb_window_select_model (self, last_backend, last_model))
    {
      g_autofree char *preferred = inb_session_dup_default_backend_id (self->session);

      if ((preferred == NULL || !inb_window_select_model (self, preferred, NULL)) &&
          self->choices->len > 0)
        {
          gtk_drop_down_set_selected (self->model_dropdown, 0);
          inb_window_apply_model (self);
        }
    }
}

/* What stands between the artist and Generate */

static gboolean
update_counter (GtkLabel    *counter,
                GtkTextView *view,
                gint64       max_length,
                glong       *out_length)
{
  g_autofree char *text = _inb_window_dup_buffer_text (view);
  g_autofree char *label = NULL;
  glong length = g_utf8_strlen (text, -1);
  gboolean over = max_length > 0 && length > max_length;

  /* A model that takes no text gets the field greyed out. */
  gtk_widget_set_sensitive (GTK_WIDGET (view), max_length != 0);

  if (max_length > 0)
    /* Translators: characters typed / characters allowed */
    label = g_strdup_printf (_("%ld / %" PRId64), length, max_length);
  else if (max_length == 0)
    label = g_strdup (_("Not used by this model"));
  else
    label = g_strdup_printf ("%ld", length);

  gtk_label_set_label (counter, label);
  if (over)
    {
      gtk_widget_add_css_class (GTK_WIDGET (counter), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (counter), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (counter), "error");
      gtk_widget_add_css_class (GTK_WIDGET (counter), "dim-label");
    }

  *out_length = length;

  return !over;
}

/* The line above Generate, cut at five lines: the whole behind a Details
 * button beside it (its tooltip reaches neither a keyboard nor a finger).
 * Whether it is cut is known once it is laid out: a layout that changes
 * it schedules the check, which shows or hides the button (that changes
 * not the hint's width, so this settles at once). */
static void
update_hint_buttons (InbWindow *self)
{
  gtk_widget_set_visible (self->hint_buttons,
                          gtk_widget_get_visible (GTK_WIDGET (self->hint_details)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->key_button)));
}

static gboolean
hint_cut (InbWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->generate_hint)) &&
         pango_layout_is_ellipsized (gtk_label_get_layout (self->generate_hint));
}

static gboolean
hint_check_cb (gpointer data)
{
  InbWindow *self = data;

  self->hint_check_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->hint_details), hint_cut (self));
  update_hint_buttons (self);

  return G_SOURCE_REMOVE;
}

static void
inb_window_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  InbWindow *self = INB_WINDOW (widget);

  GTK_WIDGET_CLASS (inb_window_parent_class)->size_allocate (widget, width, height, baseline);

  if (self->hint_check_id == 0 &&
      hint_cut (self) != gtk_widget_get_visible (GTK_WIDGET (self->hint_details)))
    self->hint_check_id = g_idle_add (hint_check_cb, self);
}

/* The line above Generate, cut at five lines: the whole in its tooltip */
static gboolean
generate_hint_query_tooltip_cb (GtkLabel   *label,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip,
                                gpointer    user_data)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));
  return TRUE;
}

/* The line above Generate: wraps between words, never inside "1080 × 720" */
static void
set_generate_hint (InbWindow  *self,
                   const char *text)
{
  g_autofree char *joined = inb_take_format_join_size (g_strdup (text));

  gtk_label_set_label (self->generate_hint, joined);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->hint_details),
                                          g_variant_new ("(ss)", "", joined));
}

void
_inb_window_update_state (InbWindow *self)
{
  g_autofree char *problem = NULL;
  g_autofree char *panel_problem = NULL;
  gint64 prompt_max = 0;
  gint64 negative_max = 0;
  gboolean prompt_ok;
  gboolean negative_ok;
  glong prompt_length = 0;
  glong negative_length = 0;
  gboolean loading;
  gboolean can;
  const char *key_note;

  if (self->model != NULL)
    {
      prompt_max = inb_model_get_prompt_max_length (self->model);
      negative_max = inb_model_get_negative_max_length (self->model);
    }

  prompt_ok = update_counter (self->prompt_counter, self->prompt_view, prompt_max, &prompt_length);
  negative_ok = update_counter (self->negative_counter, self->negative_view, negative_max, &negative_length);

  _inb_window_update_keyframe_notices (self);

  loading = inb_keyframe_slot_get_loading (self->first_slot) || inb_keyframe_slot_get_loading (self->last_slot);
  panel_problem = inb_param_panel_dup_problem (self->param_panel);

  if (self->model == NULL)
    problem = g_strdup (_("No backend is available"));
  else if (loading)
    problem = g_strdup (_("Loading the keyframes…"));
  else if (inb_keyframe_slot_get_keyframe (self->first_slot) == NULL &&
           inb_keyframe_slot_get_keyframe (self->last_slot) == NULL)
    problem = g_strdup (_("Add the first and the last keyframe"));
  else if (inb_keyframe_slot_get_keyframe (self->first_slot) == NULL)
    problem = g_strdup (_("Add the first keyframe"));
  else if (inb_keyframe_slot_get_keyframe (self->last_slot) == NULL)
    problem = g_strdup (_("Add the last keyframe"));
  else if (!prompt_ok)
    /* Translators: the limit, then how many characters the prompt has */
    problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Shorten the prompt to %" PRId64 " character (now %ld)",
                                            "Shorten the prompt to %" PRId64 " characters (now %ld)",
                                            (gulong) prompt_max),
                               prompt_max, prompt_length);
  else if (!negative_ok)
    /* Translators: the limit, then how many characters the negative prompt has */
    problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Shorten the negative prompt to %" PRId64 " character (now %ld)",
                                            "Shorten the negative prompt to %" PRId64 " characters (now %ld)",
                                            (gulong) negative_max),
                               negative_max, negative_length);
  else if (inb_model_get_prompt_required (self->model) && prompt_length == 0)
    problem = g_strdup (_("This model needs a prompt"));
  else if (panel_problem != NULL)
    /* Translators: %s says which parameter is wrong and why */
    problem = g_strdup_printf (_("Fix a parameter: %s"), panel_problem);

  can = problem == NULL && !self->building;

  g_free (self->problem);
  self->problem = g_steal_pointer (&problem);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.generate", can);
  inb_player_set_making (self->player, self->building || (self->own_jobs != NULL && self->own_jobs->len > 0));
  inb_player_set_keyframes_ready (self->player,
                                  inb_keyframe_slot_get_keyframe (self->first_slot) != NULL &&
                                  inb_keyframe_slot_get_keyframe (self->last_slot) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.swap",
                                 !loading &&
                                 (inb_keyframe_slot_get_keyframe (self->first_slot) != NULL ||
                                  inb_keyframe_slot_get_keyframe (self->last_slot) != NULL));

  /* A missing key is said before Generate is pressed (the backend takes
   * a key and none is set), and after (Generate's own answer), with a
   * way to fix it. */
  if (self->key_problem != NULL &&
      (self->backend == NULL || g_strcmp0 (inb_backend_get_id (self->backend), self->key_provider) != 0))
    {
      g_clear_pointer (&self->key_problem, g_free);
      g_clear_pointer (&self->key_provider, g_free);
    }
  g_clear_pointer (&self->key_hint, g_free);
  if (self->key_problem == NULL && self->backend != NULL && inb_backend_takes_key (self->backend) &&
      g_hash_table_contains (self->keyless, inb_backend_get_id (self->backend)))
    {
      /* Translators: %s is a service, e.g. "DashScope" */
      self->key_hint = g_strdup_printf (_("%s needs an API key: add yours in Preferences"),
                                        inb_backend_get_short_name (self->backend));
      g_free (self->key_provider);
      self->key_provider = g_strdup (inb_backend_get_id (self->backend));
    }
  key_note = self->key_problem != NULL ? self->key_problem : self->key_hint;

  gtk_widget_set_visible (GTK_WIDGET (self->key_button), key_note != NULL);
  update_hint_buttons (self);
  if (key_note != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->generate_hint), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->generate_hint),
                                self->key_problem != NULL && self->problem == NULL ? "error" : "warning");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->generate_hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->generate_hint), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->generate_hint), "dim-label");
    }

  if (self->problem != NULL && key_note != NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", self->problem, key_note);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), self->problem);
      set_generate_hint (self, both);
    }
  else if (self->problem != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), self->problem);
      set_generate_hint (self, self->problem);
    }
  else if (key_note != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), key_note);
      set_generate_hint (self, key_note);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), _("Generate a take (Ctrl+Enter)"));
      set_generate_hint (self, _("Ready · Ctrl+Enter"));
    }

  if (self->can_generate != can)
    {
      self->can_generate = can;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GENERATE]);
    }
}

/* Window state */

static void
inb_window_save_size (InbWindow *self)
{
  int width = 0;
  int height = 0;

  g_assert (INB_IS_WINDOW (self));

  if (self->settings == NULL)
    return;

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
  /* Without settings: the schema's defaults */
  int width = 1100;
  int height = 760;

  g_assert (INB_IS_WINDOW (self));

  if (self->settings != NULL)
    {
      width = g_settings_get_int (self->settings, "window-width");
      height = g_settings_get_int (self->settings, "window-height");
    }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               CLAMP (width, 360, 8192),
                               CLAMP (height, 294, 8192));
  if (self->settings != NULL && g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Closing with takes running ----------------------------------------------- */

static guint
count_active_jobs (InbWindow *self,
                   guint     *n_leavable)
{
  guint n = 0;

  *n_leavable = 0;
  for (guint i = 0; i < self->own_jobs->len; i++)
    {
      InbJob *job = g_ptr_array_index (self->own_jobs, i);

      if (inb_job_state_is_terminal (inb_job_get_state (job)))
        continue;
      n++;
      *n_leavable += inb_job_can_leave_for_later (job);
    }

  return n;
}

/* Another window of the application, to hand running takes to. */
static InbWindow *
find_other_window (InbWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (INB_IS_WINDOW (l->data) && l->data != (gpointer) self)
      return l->data;

  return NULL;
}

/**
 * inb_window_adopt_jobs:
 *
 * Takes over the running takes of a window being closed: this window
 * opens them when they are ready and asks before it closes.
 */
void
inb_window_adopt_jobs (InbWindow *self,
                       GPtrArray *jobs)
{
  g_return_if_fail (INB_IS_WINDOW (self));

  for (guint i = 0; i < jobs->len; i++)
    if (!inb_job_state_is_terminal (inb_job_get_state (g_ptr_array_index (jobs, i))))
      g_ptr_array_add (self->own_jobs, g_object_ref (g_ptr_array_index (jobs, i)));
}

static void
close_later_cb (gpointer data)
{
  g_autoptr(InbWindow) self = data;

  gtk_window_close (GTK_WINDOW (self));
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   InbWindow        *self)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_copy (self->own_jobs, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);

  g_ptr_array_set_free_func (jobs, g_object_unref);

  if (g_str_equal (response, "keep"))
    {
      InbWindow *other = find_other_window (self);

      if (other != NULL)
        inb_window_adopt_jobs (other, jobs);
    }
  else if (g_str_equal (response, "cancel"))
    {
      for (guint i = 0; i < jobs->len; i++)
        inb_job_cancel (g_ptr_array_index (jobs, i));
    }
  else if (g_str_equal (response, "later"))
    {
      for (guint i = 0; i < jobs->len; i++)
        inb_job_leave_for_later (g_ptr_array_index (jobs, i));
    }
  else
    return;   /* stay */

  g_ptr_array_set_size (self->own_jobs, 0);
  self->close_confirmed = TRUE;
  /* Once the dialog has finished with its parent */
  g_idle_add_once (close_later_cb, g_object_ref (self));
}

/* Asks before takes started here are stopped by closing the window. */
static gboolean
confirm_close (InbWindow *self)
{
  AdwMessageDialog *dialog;
  InbWindow *other = find_other_window (self);
  guint leavable;
  guint n = count_active_jobs (self, &leavable);
  g_autofree char *heading = NULL;

  if (n == 0 || self->close_confirmed)
    return TRUE;

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "A Take Is Still Running",
                                          "%u Takes Are Still Running", n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_add_response (dialog, "stay", _("_Stay"));

  if (other != NULL)
    {
      adw_message_dialog_set_body (dialog, _("They can keep running in the other Inbetween window, "
                                             "or be cancelled."));
      adw_message_dialog_add_response (dialog, "cancel", _("_Cancel Them"));
      adw_message_dialog_add_response (dialog, "keep", _("_Keep Running"));
      adw_message_dialog_set_response_appearance (dialog, "cancel", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "keep");
    }
  else if (leavable > 0)
    {
      /* Hosted takes run on at the service: nothing is lost by quitting */
      adw_message_dialog_set_body (dialog, leavable == n
                                   ? _("They run at the service and go on without Inbetween: "
                                       "their clips are fetched the next time it starts.")
                                   : _("Takes at a hosted service go on without Inbetween and their "
                                       "clips are fetched the next time it starts; takes made on this "
                                       "computer are cancelled."));
      adw_message_dialog_add_response (dialog, "cancel", _("_Cancel Them"));
      adw_message_dialog_add_response (dialog, "later", _("_Quit, Resume Later"));
      adw_message_dialog_set_response_appearance (dialog, "cancel", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "stay");
    }
  else
    {
      adw_message_dialog_set_body (dialog, _("Closing cancels them; what they made so far is lost."));
      adw_message_dialog_add_response (dialog, "cancel", _("_Cancel Them and Close"));
      adw_message_dialog_set_response_appearance (dialog, "cancel", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "stay");
    }

  adw_message_dialog_set_close_response (dialog, "stay");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return FALSE;
}

static gboolean
inb_window_close_request (GtkWindow *window)
{
  InbWindow *self = INB_WINDOW (window);

  if (!confirm_close (self))
    return TRUE;

  inb_window_save_size (self);
  _inb_window_save_params (self);

  return GTK_WINDOW_CLASS (inb_window_parent_class)->close_request (window);
}

static void
inb_window_active_cb (InbWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    _inb_window_check_keys (self);
}

static void
inb_window_constructed (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  G_OBJECT_CLASS (inb_window_parent_class)->constructed (object);

  g_assert (INB_IS_SESSION (self->session));
  /* NULL when the schema is not installed: the window then runs on the
   * defaults, as the command line does (inb-session.c), and keeps nothing */
  g_set_object (&self->settings, inb_session_get_settings (self->session));
  self->queue = g_object_ref (inb_session_get_queue (self->session));

  g_signal_connect_object (self->queue, "job-finished",
                           G_CALLBACK (_inb_window_job_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "address-warning",
                           G_CALLBACK (_inb_window_address_warning_cb), self, G_CONNECT_SWAPPED);
  /* A new address (Preferences): ask the server there */
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::provider-urls",
                             G_CALLBACK (_inb_window_check_server), self, G_CONNECT_SWAPPED);
  _inb_window_library_init (self);

  inb_window_restore_size (self);
  inb_window_load_choices (self);
  _inb_window_check_keys (self);
  /* Back from Preferences or a terminal: the keys may have changed. */
  g_signal_connect (self, "notify::is-active", G_CALLBACK (inb_window_active_cb), NULL);
  _inb_window_update_state (self);
}

static void
inb_window_dispose (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->hint_check_id, g_source_remove);
  g_clear_weak_pointer (&self->help_overlay);
  _inb_window_workflow_dispose (self);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  if (self->server_check_cancellable != NULL)
    g_cancellable_cancel (self->server_check_cancellable);
  g_clear_object (&self->server_check_cancellable);
  if (self->preview_job != NULL)
    g_signal_handlers_disconnect_by_data (inb_job_get_progress (self->preview_job), self);
  g_clear_object (&self->preview_job);

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_data (self->selected, self);
  g_clear_object (&self->selected);

  /* Takes started here that nobody took over (the window was destroyed
   * without closing) end with it */
  for (guint i = 0; self->own_jobs != NULL && i < self->own_jobs->len; i++)
    inb_job_cancel (g_ptr_array_index (self->own_jobs, i));
  g_clear_pointer (&self->own_jobs, g_ptr_array_unref);

  /* The last slot may hold the fit chooser; keep it alive until here. */
  if (self->last_slot != NULL)
    inb_keyframe_slot_set_extra (self->last_slot, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), INB_TYPE_WINDOW);

  if (self->framing_cancellable != NULL)
    g_cancellable_cancel (self->framing_cancellable);
  g_clear_object (&self->framing_cancellable);
  g_clear_pointer (&self->framing_key, g_free);
  self->framing_picture = NULL;
  g_clear_object (&self->fit_box);
  self->fit_dropdown = NULL;
  g_clear_object (&self->queue);
  self->backend = NULL;
  self->model = NULL;
  g_clear_pointer (&self->choices, g_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (inb_window_parent_class)->dispose (object);
}

static void
inb_window_finalize (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  g_free (self->problem);
  g_free (self->key_problem);
  g_free (self->key_provider);
  g_free (self->key_hint);
  g_free (self->last_address_warning);
  g_free (self->last_take_toast);
  g_free (self->last_toast_details);
  g_clear_pointer (&self->keyless, g_hash_table_unref);
  g_clear_weak_pointer (&self->last_replaced_toast);
  g_clear_pointer (&self->toasts, inb_toasts_unref);
  g_clear_pointer (&self->player_toast_list, inb_toasts_unref);
  if (self->resume_details != NULL)
    g_string_free (self->resume_details, TRUE);
  if (self->library_details != NULL)
    g_string_free (self->library_details, TRUE);
  g_free (self->playing_dir);
  g_free (self->deleting_title);
  g_free (self->drop_name);
  g_free (self->drop_take_id);
  g_free (self->server_status_text);

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
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_CAN_GENERATE:
      g_value_set_boolean (value, self->can_generate);
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
    case PROP_SESSION:
      g_set_object (&self->session, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The keyboard shortcuts window, made when asked for and destroyed when
 * closed — not GtkApplication's automatic help overlay (gtk/help-overlay.ui),
 * which stays among the toplevels hidden for the window's whole life. GTK
 * 4.8's accessibility bridge answers a screen reader's GetChildAtIndex
 * past the visible windows (its count was taken before a dialog closed)
 * with the last toplevel, visible or not, and a hidden one that was never
 * shown has no object path: g_variant_new ("((so))", name, NULL), then
 * SIGSEGV (gtk/a11y/gtkatspiroot.c, handle_accessible_method). */
static void
inb_window_show_help_overlay_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *overlay;

  if (self->help_overlay == NULL)
    {
      builder = gtk_builder_new_from_resource (RESOURCE_BASE "/inb-shortcuts-window.ui");
      overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_window_set_transient_for (overlay, GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (overlay, TRUE);
      g_set_weak_pointer (&self->help_overlay, overlay);
    }
  gtk_window_present (self->help_overlay);
}

/* Narrow, the editor is a page over the player: while it is out of
 * sight, the empty player shows the way to it. */
static void
inb_window_editor_shown_cb (InbWindow *self)
{
  inb_player_set_editor_hidden (self->player,
                                adw_flap_get_folded (self->flap) && !adw_flap_get_reveal_flap (self->flap));
}

static void
inb_window_show_editor_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, TRUE);
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

  widget_class->size_allocate = inb_window_size_allocate;

  window_class->close_request = inb_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         INB_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_GENERATE] =
    g_param_spec_boolean ("can-generate", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (INB_TYPE_CAP_BIN);
  g_type_ensure (INB_TYPE_FLOOR_BIN);
  g_type_ensure (INB_TYPE_KEYFRAME_SLOT);
  g_type_ensure (INB_TYPE_PARAM_PANEL);
  g_type_ensure (INB_TYPE_PLAYER);
  g_type_ensure (INB_TYPE_LIBRARY_PANEL);
  g_type_ensure (INB_TYPE_TAKE_DETAILS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, window_title_short);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, title_squeezer);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, import_workflow_button);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, server_status);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, server_status_icon);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, server_status_label);
  gtk_widget_class_bind_template_callback_full (widget_class, "inb_window_server_status_clicked_cb",
                                                G_CALLBACK (_inb_window_server_status_clicked_cb));
  gtk_widget_class_bind_template_child (widget_class, InbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, player_toasts);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, first_slot);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, last_slot);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, negative_view);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, prompt_counter);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, negative_counter);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, param_panel);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, generate_hint);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, generate_button);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, hint_buttons);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, hint_details);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, key_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "inb_window_key_button_clicked_cb",
                                                G_CALLBACK (_inb_window_key_button_clicked_cb));
  gtk_widget_class_bind_template_child (widget_class, InbWindow, library_flap);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, library_panel);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, center_paned);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, player);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, take_details);

  gtk_widget_class_install_action (widget_class, "win.generate", NULL, _inb_window_generate_action);
  gtk_widget_class_install_action (widget_class, "win.swap", NULL, _inb_window_swap_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, _inb_window_paste_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, _inb_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.unfullscreen", NULL, _inb_window_unfullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.resume-details", NULL, _inb_window_resume_details_action);
  gtk_widget_class_install_action (widget_class, "win.toast-details", "(ss)", inb_window_toast_details_action);
  gtk_widget_class_install_action (widget_class, "win.show-editor", NULL, inb_window_show_editor_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, inb_window_show_help_overlay_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.unfullscreen", NULL);

  _inb_window_library_class_init (widget_class);
  _inb_window_workflow_class_init (widget_class);
}

static void
inb_window_init (InbWindow *self)
{
  g_autoptr(GtkStringList) fit_labels = NULL;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->toasts = inb_toasts_new (GTK_WIDGET (self->toast_overlay));
  self->player_toast_list = inb_toasts_new (GTK_WIDGET (self->player_toasts));
  self->flap_was_revealed = self->library_was_revealed = TRUE;
  self->keyless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-details", FALSE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->generate_hint), TRUE);
  g_signal_connect (self->generate_hint, "query-tooltip", G_CALLBACK (generate_hint_query_tooltip_cb), NULL);

  /* Names that a screen reader reads once (inb-a11y.c) */
  inb_a11y_tidy (GTK_WIDGET (self));
  inb_a11y_name_drop_down (self->model_dropdown, _("Backend and Model"));
  /* A prompt the model does not use is insensitive, and Tab stops on its
   * scrolled window instead: named as the prompt, not "scroll pane" */
  if (GTK_IS_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (self->prompt_view))))
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self->prompt_view))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Prompt"), -1);
  if (GTK_IS_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (self->negative_view))))
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self->negative_view))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Negative Prompt"), -1);
  /* The handle between them moves with F8 and the arrow keys */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->center_paned), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Player and Take Details"), -1);

  /* Ctrl+Enter generates even from inside a prompt, which would
   * otherwise take the key for a new line. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("win.generate")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("win.generate")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->choices = g_array_new (FALSE, TRUE, sizeof (Choice));
  self->own_jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  fit_labels = gtk_string_list_new (NULL);
  gtk_string_list_append (fit_labels, _("Crop to fill"));
  gtk_string_list_append (fit_labels, _("Pad with borders"));
  gtk_string_list_append (fit_labels, _("Stretch"));
  self->fit_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&fit_labels)), NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->fit_dropdown), GTK_ALIGN_CENTER);
  self->framing_picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->framing_picture, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->framing_picture), "framing");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->framing_picture), _("The last keyframe as it will be used"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->framing_picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Framing preview"),
                                  -1);
  self->fit_box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
  gtk_widget_set_margin_top (self->fit_box, 6);
  gtk_widget_set_halign (GTK_WIDGET (self->framing_picture), GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->fit_box), GTK_WIDGET (self->framing_picture));
  gtk_box_append (GTK_BOX (self->fit_box), GTK_WIDGET (self->fit_dropdown));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fit_dropdown), _("How the last keyframe is framed"));
  inb_a11y_name_drop_down (self->fit_dropdown, _("Fit"));
  g_signal_connect_object (self->fit_dropdown, "notify::selected",
                           G_CALLBACK (_inb_window_fit_selected_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->first_slot, "changed", G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_slot, "changed", G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_slot, "replaced", G_CALLBACK (_inb_window_keyframe_replaced_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_slot, "replaced", G_CALLBACK (_inb_window_keyframe_replaced_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_slot, "notify::loading", G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_slot, "notify::loading", G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->param_panel, "changed", G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->negative_view), "changed",
                           G_CALLBACK (_inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_dropdown, "notify::selected",
                           G_CALLBACK (inb_window_apply_model), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (_inb_window_fullscreened_cb), NULL);
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (_inb_window_folded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library_flap, "notify::folded", G_CALLBACK (_inb_window_folded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (inb_window_editor_shown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flap, "notify::reveal-flap", G_CALLBACK (inb_window_editor_shown_cb), self, G_CONNECT_SWAPPED);
  inb_window_editor_shown_cb (self);
}
