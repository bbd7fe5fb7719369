/* inb-window.c — the authoring window: keyframes, prompt, parameters,
 * the queue of takes and the player
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

#include <glib/gi18n.h>

#include "inb-resources.h"
#include "inb-backend-registry.h"
#include "inb-cloud-backend.h"
#include "inb-application.h"
#include "inb-fs.h"
#include "inb-job-row.h"
#include "inb-preferences-window.h"
#include "inb-request-builder.h"
#include "inb-resume.h"
#include "inb-secrets.h"
#include "inb-take.h"
#include "inb-window.h"

typedef struct
{
  InbBackend *backend;
  InbModel   *model;
} Choice;

struct _InbWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  InbBackendRegistry   *registry;
  InbJobQueue          *queue;
  GArray               *choices;
  InbBackend           *backend;
  InbModel             *model;
  GCancellable         *cancellable;
  GtkDropDown          *fit_dropdown;
  GtkWidget            *fit_box;
  GtkPicture           *framing_picture;
  GCancellable         *framing_cancellable;
  char                 *framing_key;
  char                 *problem;
  char                 *key_problem;
  char                 *key_provider;
  GString              *resume_details;
  InbSecrets           *secrets;
  guint                 n_takes;
  guint                 building : 1;
  guint                 can_generate : 1;
  guint                 updating_fit : 1;

  /* Template Widgets */
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkDropDown          *model_dropdown;
  AdwToastOverlay      *toast_overlay;
  AdwFlap              *flap;
  InbKeyframeSlot      *first_slot;
  InbKeyframeSlot      *last_slot;
  GtkTextView          *prompt_view;
  GtkTextView          *negative_view;
  GtkLabel             *prompt_counter;
  GtkLabel             *negative_counter;
  InbParamPanel        *param_panel;
  GtkLabel             *generate_hint;
  GtkButton            *key_button;
  GtkButton            *generate_button;
  InbPlayer            *player;
  GtkRevealer          *jobs_revealer;
  GtkListBox           *jobs_list;
};

G_DEFINE_FINAL_TYPE (InbWindow, inb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CAN_GENERATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const fit_values[] = { "crop", "pad", "stretch", NULL };

static void inb_window_update_state (InbWindow *self);

InbWindow *
inb_window_new (GtkApplication *application,
                GSettings      *settings)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (!settings || G_IS_SETTINGS (settings), NULL);

  return g_object_new (INB_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

void
inb_window_add_toast (InbWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (INB_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

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

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, timeout);
  if (details)
    {
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.resume-details");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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
      service = inb_secrets_is_provider (entry->backend_id)
              ? inb_secrets_get_provider_name (entry->backend_id)
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

static void
inb_window_resume_details_action (GtkWidget  *widget,
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

static void
inb_window_toast (InbWindow  *self,
                  const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

static char *
dup_buffer_text (GtkTextView *view)
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
  g_autofree char *text = g_settings_get_string (self->settings, "last-parameters");
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *all;

  if (self->backend == NULL || self->model == NULL)
    return NULL;

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

static void
save_params (InbWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *values;

  if (self->backend == NULL || self->model == NULL)
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

  save_params (self);

  self->backend = choice->backend;
  self->model = choice->model;

  saved = load_saved_params (self);
  inb_param_panel_set_schema (self->param_panel, inb_model_get_schema (self->model), saved);

  if (saved == NULL)
    {
      /* A new model starts from the preferred fit policy. */
      g_autofree char *fit = g_settings_get_string (self->settings, "default-fit");
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (node, fit);
      inb_param_panel_set_value (self->param_panel, "fit", node);
    }

  g_settings_set_string (self->settings, "last-backend", inb_backend_get_id (self->backend));
  g_settings_set_string (self->settings, "last-model", inb_model_get_id (self->model));


  inb_window_update_state (self);
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

static void
label_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (user_data))
    {
      /* In the header bar: short, so narrow windows stay narrow. */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
    }
  gtk_list_item_set_child (item, label);
}

static void
label_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (string));
}

static GtkListItemFactory *
make_label_factory (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup_cb), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind_cb), NULL);

  return factory;
}

static void
inb_window_load_choices (InbWindow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) button_factory = make_label_factory (TRUE);
  g_autoptr(GtkListItemFactory) list_factory = make_label_factory (FALSE);
  GListModel *backends = inb_backend_registry_get_backends (self->registry);
  g_autofree char *last_backend = NULL;
  g_autofree char *last_model = NULL;

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
  gtk_drop_down_set_factory (self->model_dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->model_dropdown, list_factory);

  last_backend = g_settings_get_string (self->settings, "last-backend");
  last_model = g_settings_get_string (self->settings, "last-model");
  if (!inb_window_select_model (self, last_backend, last_model))
    {
      g_autofree char *preferred = g_settings_get_string (self->settings, "default-backend");

      if (!inb_window_select_model (self, preferred, NULL) && self->choices->len > 0)
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
  g_autofree char *text = dup_buffer_text (view);
  g_autofree char *label = NULL;
  glong length = g_utf8_strlen (text, -1);
  gboolean over = max_length > 0 && length > max_length;

  /* A model that takes no text gets the field greyed out. */
  gtk_widget_set_sensitive (GTK_WIDGET (view), max_length != 0);

  if (max_length > 0)
    /* Translators: characters typed / characters allowed */
    label = g_strdup_printf (_("%ld / %" G_GINT64_FORMAT), length, max_length);
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

static const char *
fit_description (const char *fit)
{
  if (g_strcmp0 (fit, "pad") == 0)
    return _("it will be padded with borders");
  if (g_strcmp0 (fit, "stretch") == 0)
    return _("it will be stretched");
  return _("it will be cropped to fill");
}

static char *
size_notice (InbWindow   *self,
             InbKeyframe *keyframe)
{
  guint width;
  guint height;
  guint max_side;
  guint min_side;

  if (keyframe == NULL || self->model == NULL)
    return NULL;

  width = inb_keyframe_get_width (keyframe);
  height = inb_keyframe_get_height (keyframe);
  max_side = inb_model_get_max_side (self->model);
  min_side = inb_model_get_min_side (self->model);

  if (max_side > 0 && MAX (width, height) > max_side)
    return g_strdup_printf (_("Larger than the %u px a side this model takes: it will be scaled down."), max_side);
  if (min_side > 0 && MIN (width, height) < min_side)
    return g_strdup_printf (_("Smaller than the %u px a side this model needs: it will be scaled up."), min_side);

  return NULL;
}

/* A small picture of the last keyframe framed as it will be sent. */

typedef struct
{
  InbKeyframe *last;
  guint        width;
  guint        height;
  InbFit       fit;
} Framing;

static void
framing_free (gpointer data)
{
  Framing *fr = data;

  g_clear_object (&fr->last);
  g_free (fr);
}

static void
framing_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Framing *fr = task_data;
  g_autoptr(InbImage) image = inb_keyframe_normalise (fr->last, fr->width, fr->height, fr->fit);

  g_task_return_pointer (task,
                         gdk_memory_texture_new (inb_image_get_width (image),
                                                 inb_image_get_height (image),
                                                 GDK_MEMORY_R8G8B8,
                                                 inb_image_get_bytes (image),
                                                 inb_image_get_stride (image)),
                         g_object_unref);
}

static void
framing_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  InbWindow *self = INB_WINDOW (object);
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  if (texture != NULL && self->framing_picture != NULL)
    gtk_picture_set_paintable (self->framing_picture, GDK_PAINTABLE (texture));
}

static void
inb_window_update_framing (InbWindow   *self,
                           InbKeyframe *first,
                           InbKeyframe *last,
                           const char  *fit_name)
{
  g_autofree char *key = g_strdup_printf ("%p %p %s", (gpointer) first, (gpointer) last, fit_name);
  g_autoptr(GTask) task = NULL;
  Framing *fr;
  InbFit fit = INB_FIT_CROP;

  if (g_strcmp0 (key, self->framing_key) == 0)
    return;

  g_free (self->framing_key);
  self->framing_key = g_steal_pointer (&key);

  if (self->framing_cancellable != NULL)
    g_cancellable_cancel (self->framing_cancellable);
  g_clear_object (&self->framing_cancellable);
  self->framing_cancellable = g_cancellable_new ();

  inb_fit_from_string (fit_name, &fit);

  fr = g_new0 (Framing, 1);
  fr->last = g_object_ref (last);
  fr->fit = fit;
  fr->width = 120;
  fr->height = CLAMP ((guint) ((guint64) 120 * inb_keyframe_get_height (first) / MAX (1, inb_keyframe_get_width (first))), 16, 320);

  task = g_task_new (self, self->framing_cancellable, framing_cb, NULL);
  g_task_set_source_tag (task, inb_window_update_framing);
  g_task_set_task_data (task, fr, framing_free);
  g_task_run_in_thread (task, framing_worker);
}

static void
inb_window_update_keyframe_notices (InbWindow *self)
{
  InbKeyframe *first = inb_keyframe_slot_get_keyframe (self->first_slot);
  InbKeyframe *last = inb_keyframe_slot_get_keyframe (self->last_slot);
  g_autofree char *first_notice = size_notice (self, first);
  g_autofree char *last_notice = size_notice (self, last);
  gboolean differs = first != NULL && last != NULL && inb_keyframe_aspect_differs (first, last);

  if (differs)
    {
      g_autoptr(JsonObject) values = inb_param_panel_dup_values (self->param_panel);
      const char *fit = json_object_has_member (values, "fit") ? json_object_get_string_member (values, "fit") : "crop";
      g_autofree char *aspect = NULL;

      /* Translators: sizes of the two keyframes, then what happens to the last one */
      aspect = g_strdup_printf (_("Not the shape of the first keyframe (%u × %u, this one %u × %u): %s."),
                                inb_keyframe_get_width (first), inb_keyframe_get_height (first),
                                inb_keyframe_get_width (last), inb_keyframe_get_height (last),
                                fit_description (fit));
      if (last_notice != NULL)
        {
          char *joined = g_strdup_printf ("%s\n%s", aspect, last_notice);

          g_free (last_notice);
          last_notice = joined;
        }
      else
        last_notice = g_steal_pointer (&aspect);

      self->updating_fit = TRUE;
      for (guint i = 0; fit_values[i] != NULL; i++)
        if (g_strcmp0 (fit_values[i], fit) == 0)
          gtk_drop_down_set_selected (self->fit_dropdown, i);
      self->updating_fit = FALSE;

      inb_window_update_framing (self, first, last, fit);
    }

  inb_keyframe_slot_set_notice (self->first_slot, first_notice);
  inb_keyframe_slot_set_notice (self->last_slot, last_notice);
  inb_keyframe_slot_set_extra (self->last_slot,
                               differs && inb_param_panel_get_row (self->param_panel, "fit") != NULL
                               ? self->fit_box : NULL);
}

static void
inb_window_update_state (InbWindow *self)
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

  if (self->model != NULL)
    {
      prompt_max = inb_model_get_prompt_max_length (self->model);
      negative_max = inb_model_get_negative_max_length (self->model);
    }

  prompt_ok = update_counter (self->prompt_counter, self->prompt_view, prompt_max, &prompt_length);
  negative_ok = update_counter (self->negative_counter, self->negative_view, negative_max, &negative_length);

  inb_window_update_keyframe_notices (self);

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
    problem = g_strdup_printf (_("Shorten the prompt to %" G_GINT64_FORMAT " characters (now %ld)"),
                               prompt_max, prompt_length);
  else if (!negative_ok)
    problem = g_strdup_printf (_("Shorten the negative prompt to %" G_GINT64_FORMAT " characters (now %ld)"),
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.swap",
                                 !loading &&
                                 (inb_keyframe_slot_get_keyframe (self->first_slot) != NULL ||
                                  inb_keyframe_slot_get_keyframe (self->last_slot) != NULL));

  /* A missing key is said once Generate was pressed, with a way to fix it. */
  if (self->key_problem != NULL &&
      (self->backend == NULL || g_strcmp0 (inb_backend_get_id (self->backend), self->key_provider) != 0))
    {
      g_clear_pointer (&self->key_problem, g_free);
      g_clear_pointer (&self->key_provider, g_free);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->key_button), self->problem == NULL && self->key_problem != NULL);
  if (self->problem == NULL && self->key_problem != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->generate_hint), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->generate_hint), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->generate_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->generate_hint), "dim-label");
    }

  if (self->problem != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), self->problem);
      gtk_label_set_label (self->generate_hint, self->problem);
    }
  else if (self->key_problem != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), self->key_problem);
      gtk_label_set_label (self->generate_hint, self->key_problem);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->generate_button), _("Generate a take (Ctrl+Enter)"));
      gtk_label_set_label (self->generate_hint, _("Ready · Ctrl+Enter"));
    }

  if (self->can_generate != can)
    {
      self->can_generate = can;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GENERATE]);
    }
}

static void
inb_window_fit_selected_cb (InbWindow   *self,
                            GParamSpec  *pspec,
                            GtkDropDown *dropdown)
{
  g_autoptr(JsonNode) node = NULL;
  guint selected;

  if (self->updating_fit)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected >= G_N_ELEMENTS (fit_values) - 1)
    return;

  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, fit_values[selected]);
  inb_param_panel_set_value (self->param_panel, "fit", node);
}

/* Generate */

typedef struct
{
  InbBackend  *backend;
  InbModel    *model;
  InbKeyframe *first;
  InbKeyframe *last;
  GdkTexture  *first_texture;
  GdkTexture  *last_texture;
  char        *prompt;
  char        *negative;
  JsonObject  *params;
  gint64       seed;
  InbRequest  *request;
  InbTake     *take;
} Build;

static void
build_free (gpointer data)
{
  Build *b = data;

  g_clear_object (&b->backend);
  g_clear_object (&b->model);
  g_clear_object (&b->first);
  g_clear_object (&b->last);
  g_clear_object (&b->first_texture);
  g_clear_object (&b->last_texture);
  g_free (b->prompt);
  g_free (b->negative);
  g_clear_pointer (&b->params, json_object_unref);
  g_clear_object (&b->request);
  g_clear_object (&b->take);
  g_free (b);
}

static void
build_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Build *b = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *takes_dir = NULL;

  b->request = inb_request_build (b->backend, b->model, b->first, b->last,
                                  b->prompt, b->negative, b->params, b->seed, &error);
  if (b->request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The take exists on disk before the job starts. */
  takes_dir = inb_fs_get_takes_dir ();
  b->take = inb_take_create (takes_dir, b->request, &error);
  if (b->take == NULL || !inb_take_save (b->take, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
build_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  InbWindow *self = INB_WINDOW (object);
  Build *b = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;

  self->building = FALSE;
  inb_window_update_state (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        inb_window_toast (self, error->message);
      return;
    }

  job = inb_job_new (b->backend, b->request, b->take);
  g_object_set_data (G_OBJECT (job), "inb-take-number", GUINT_TO_POINTER (++self->n_takes));
  if (b->first_texture != NULL)
    g_object_set_data_full (G_OBJECT (job), "inb-first-texture", g_object_ref (b->first_texture), g_object_unref);
  if (b->last_texture != NULL)
    g_object_set_data_full (G_OBJECT (job), "inb-last-texture", g_object_ref (b->last_texture), g_object_unref);

  inb_job_queue_add (self->queue, job);
}

static void
inb_window_generate_build (InbWindow *self)
{
  g_autoptr(GTask) task = NULL;
  Build *b;

  inb_window_update_state (self);
  if (!self->can_generate)
    return;

  if (inb_param_panel_get_random_seed (self->param_panel))
    inb_param_panel_roll_seed (self->param_panel);

  save_params (self);

  b = g_new0 (Build, 1);
  b->backend = g_object_ref (self->backend);
  b->model = g_object_ref (self->model);
  b->first = g_object_ref (inb_keyframe_slot_get_keyframe (self->first_slot));
  b->last = g_object_ref (inb_keyframe_slot_get_keyframe (self->last_slot));
  g_set_object (&b->first_texture, inb_keyframe_slot_get_texture (self->first_slot));
  g_set_object (&b->last_texture, inb_keyframe_slot_get_texture (self->last_slot));
  b->prompt = dup_buffer_text (self->prompt_view);
  b->negative = dup_buffer_text (self->negative_view);
  b->params = inb_param_panel_dup_values (self->param_panel);
  b->seed = inb_param_panel_get_seed (self->param_panel);
  if (json_object_has_member (b->params, "seed"))
    json_object_remove_member (b->params, "seed");

  self->building = TRUE;
  inb_window_update_state (self);

  task = g_task_new (self, self->cancellable, build_cb, NULL);
  g_task_set_source_tag (task, inb_window_generate_build);
  g_task_set_task_data (task, b, build_free);
  g_task_run_in_thread (task, build_worker);
}

/* Hosted backends: the key (environment, keyring, or this session) is
 * looked up without blocking and handed to the backend before anything is
 * built; without one nothing is sent. */

static InbSecrets *
inb_window_get_secrets (InbWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (INB_IS_APPLICATION (app))
    return inb_application_get_secrets (INB_APPLICATION (app));

  if (self->secrets == NULL)
    self->secrets = inb_secrets_new ();

  return self->secrets;
}

typedef struct
{
  InbWindow  *self;
  InbBackend *backend;
} KeyLookup;

static void
key_lookup_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KeyLookup *k = user_data;
  InbWindow *self = k->self;
  g_autoptr(GError) error = NULL;
  const char *id = inb_backend_get_id (k->backend);
  char *key;

  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, NULL, &error);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    goto out;

  self->building = FALSE;
  inb_secrets_apply_to_backend (k->backend, key);
  inb_application_configure_backend (self->settings, k->backend);

  if (key == NULL)
    {
      if (error != NULL)
        g_debug ("No key for %s: %s", id, error->message);
      g_free (self->key_provider);
      self->key_provider = g_strdup (id);
      g_free (self->key_problem);
      if (g_error_matches (error, INB_SECRETS_ERROR, INB_SECRETS_ERROR_UNAVAILABLE))
        /* Translators: %s is a service, then why the keyring could not give
         * its key, e.g. "The keyring did not answer in time" */
        self->key_problem = g_strdup_printf (_("No API key for %s: nothing was sent. %s; "
                                               "add the key in Preferences for this session"),
                                             inb_secrets_get_provider_name (id), error->message);
      else
        /* Translators: %s is a service, e.g. "Alibaba Model Studio" */
        self->key_problem = g_strdup_printf (_("No API key for %s: nothing was sent"),
                                             inb_secrets_get_provider_name (id));
      inb_window_update_state (self);
    }
  else
    {
      g_clear_pointer (&self->key_problem, g_free);
      g_clear_pointer (&self->key_provider, g_free);
      inb_window_update_state (self);
      if (k->backend == self->backend)
        inb_window_generate_build (self);
    }

out:
  inb_secrets_free_key (key);
  g_object_unref (k->backend);
  g_object_unref (k->self);
  g_free (k);
}

static void
inb_window_generate_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  KeyLookup *k;

  inb_window_update_state (self);
  if (!self->can_generate)
    return;

  if (!INB_IS_CLOUD_BACKEND (self->backend) ||
      !inb_secrets_is_provider (inb_backend_get_id (self->backend)))
    {
      inb_window_generate_build (self);
      return;
    }

  k = g_new0 (KeyLookup, 1);
  k->self = g_object_ref (self);
  k->backend = g_object_ref (self->backend);

  self->building = TRUE;
  inb_window_update_state (self);

  inb_secrets_lookup_async (inb_window_get_secrets (self),
                            inb_backend_get_id (self->backend),
                            self->cancellable, key_lookup_cb, k);
}

/* A key added in Preferences answers the "no key" message at once. */
static void
inb_window_key_changed_cb (InbWindow            *self,
                           const char           *provider,
                           InbPreferencesWindow *prefs)
{
  if (self->key_problem == NULL || g_strcmp0 (provider, self->key_provider) != 0)
    return;

  if (inb_preferences_window_get_key_source (prefs, provider) == INB_KEY_SOURCE_NONE)
    return;

  g_clear_pointer (&self->key_problem, g_free);
  g_clear_pointer (&self->key_provider, g_free);
  inb_window_update_state (self);
}

/**
 * inb_window_show_preferences:
 * @provider: (nullable): the page to show
 *
 * Returns: (transfer none): the preferences window, presented
 */
GtkWidget *
inb_window_show_preferences (InbWindow  *self,
                             const char *provider)
{
  GtkWidget *prefs;

  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);

  prefs = inb_preferences_window_new_with_secrets (self->settings, inb_window_get_secrets (self));
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (prefs), TRUE);
  g_signal_connect_object (prefs, "key-changed", G_CALLBACK (inb_window_key_changed_cb),
                           self, G_CONNECT_SWAPPED);
  if (provider != NULL)
    inb_preferences_window_show_provider (INB_PREFERENCES_WINDOW (prefs), provider);
  gtk_window_present (GTK_WINDOW (prefs));

  return prefs;
}

static void
inb_window_key_button_clicked_cb (InbWindow *self,
                                  GtkButton *button)
{
  inb_window_show_preferences (self, self->key_provider);
}

static void
inb_window_open_job (InbWindow *self,
                     InbJob    *job)
{
  g_autofree char *clip = NULL;
  g_autoptr(GFile) file = NULL;

  if (inb_job_get_state (job) != INB_JOB_DONE)
    return;

  clip = inb_take_dup_clip_path (inb_job_get_take (job));
  if (clip == NULL)
    return;

  file = g_file_new_for_path (clip);
  inb_player_set_keyframes (self->player,
                            g_object_get_data (G_OBJECT (job), "inb-first-texture"),
                            g_object_get_data (G_OBJECT (job), "inb-last-texture"));
  inb_player_set_file (self->player, file);
  inb_playback_play (inb_player_get_playback (self->player));
}

static void
inb_window_job_finished_cb (InbWindow   *self,
                            InbJob      *job,
                            InbJobQueue *queue)
{
  switch (inb_job_get_state (job))
    {
    case INB_JOB_DONE:
      inb_window_open_job (self, job);
      inb_window_toast (self, _("The take is ready"));
      break;

    case INB_JOB_CANCELLED:
      break;

    default:
      if (inb_job_get_error (job) != NULL)
        inb_window_toast (self, inb_job_get_error (job)->message);
      else
        inb_window_toast (self, _("The take failed"));
      break;
    }
}

static void
inb_window_job_activated_cb (InbWindow     *self,
                             GtkListBoxRow *row,
                             GtkListBox    *list)
{
  if (INB_IS_JOB_ROW (row))
    inb_window_open_job (self, inb_job_row_get_job (INB_JOB_ROW (row)));
}

static GtkWidget *
create_job_row (gpointer item,
                gpointer user_data)
{
  return inb_job_row_new (INB_JOB (item));
}

static void
inb_window_jobs_changed_cb (InbWindow  *self,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GListModel *model)
{
  gtk_revealer_set_reveal_child (self->jobs_revealer, g_list_model_get_n_items (model) > 0);
}

/* Other actions */

static void
inb_window_swap_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);

  inb_keyframe_slot_swap (self->first_slot, self->last_slot);
}

static void
inb_window_paste_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbKeyframeSlot *target = self->first_slot;

  if (inb_keyframe_slot_get_keyframe (self->first_slot) != NULL &&
      inb_keyframe_slot_get_keyframe (self->last_slot) == NULL)
    target = self->last_slot;

  gtk_widget_activate_action (GTK_WIDGET (target), "slot.paste", NULL);
}

static void
inb_window_open_action (GtkWidget  *widget,
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

static void
inb_window_unfullscreen_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
}

static void
inb_window_fullscreened_cb (InbWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !fullscreen);
  adw_flap_set_reveal_flap (self->flap, !fullscreen);
  gtk_widget_set_visible (GTK_WIDGET (self->jobs_revealer), !fullscreen);
  if (fullscreen)
    gtk_widget_grab_focus (GTK_WIDGET (self->player));
}

static void
inb_window_folded_idle_cb (gpointer data)
{
  g_autoptr(InbWindow) self = data;

  if (self->flap == NULL)
    return;

  /* Folded, the flap would cover the player: show the player, and let
   * the header button bring the keyframes back. */
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  else if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
    adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
inb_window_folded_cb (InbWindow *self)
{
  /* Folding happens during size allocation: change nothing there. */
  g_idle_add_once (inb_window_folded_idle_cb, g_object_ref (self));
}

/* Window state */

static void
inb_window_save_size (InbWindow *self)
{
  int width = 0;
  int height = 0;

  g_assert (INB_IS_WINDOW (self));

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
  int width;
  int height;

  g_assert (INB_IS_WINDOW (self));

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               CLAMP (width, 360, 8192),
                               CLAMP (height, 294, 8192));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
inb_window_close_request (GtkWindow *window)
{
  InbWindow *self = INB_WINDOW (window);

  inb_window_save_size (self);
  save_params (self);

  return GTK_WINDOW_CLASS (inb_window_parent_class)->close_request (window);
}

static void
inb_window_constructed (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  G_OBJECT_CLASS (inb_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  inb_window_restore_size (self);
  inb_window_load_choices (self);
  inb_window_update_state (self);
}

static void
inb_window_dispose (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->queue != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->queue, self);
      inb_job_queue_cancel_all (self->queue);
    }

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
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (inb_window_parent_class)->dispose (object);
}

static void
inb_window_finalize (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->secrets);
  g_free (self->problem);
  g_free (self->key_problem);
  g_free (self->key_provider);
  if (self->resume_details != NULL)
    g_string_free (self->resume_details, TRUE);

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
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
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
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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

  window_class->close_request = inb_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_GENERATE] =
    g_param_spec_boolean ("can-generate", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (INB_TYPE_KEYFRAME_SLOT);
  g_type_ensure (INB_TYPE_PARAM_PANEL);
  g_type_ensure (INB_TYPE_PLAYER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, toast_overlay);
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
  gtk_widget_class_bind_template_child (widget_class, InbWindow, key_button);
  gtk_widget_class_bind_template_callback (widget_class, inb_window_key_button_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, player);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, jobs_revealer);
  gtk_widget_class_bind_template_child (widget_class, InbWindow, jobs_list);
  gtk_widget_class_bind_template_callback (widget_class, inb_window_job_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.generate", NULL, inb_window_generate_action);
  gtk_widget_class_install_action (widget_class, "win.swap", NULL, inb_window_swap_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, inb_window_paste_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, inb_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.unfullscreen", NULL, inb_window_unfullscreen_action);
  gtk_widget_class_install_action (widget_class, "win.resume-details", NULL, inb_window_resume_details_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.unfullscreen", NULL);
}

static void
inb_window_init (InbWindow *self)
{
  g_autoptr(GtkStringList) fit_labels = NULL;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-details", FALSE);

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
  self->registry = inb_backend_registry_new_default ();
  self->queue = inb_job_queue_new ();
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fit_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fit"),
                                  -1);
  g_signal_connect_object (self->fit_dropdown, "notify::selected",
                           G_CALLBACK (inb_window_fit_selected_cb), self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->jobs_list, G_LIST_MODEL (self->queue), create_job_row, NULL, NULL);
  g_signal_connect_object (self->queue, "items-changed",
                           G_CALLBACK (inb_window_jobs_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "job-finished",
                           G_CALLBACK (inb_window_job_finished_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->first_slot, "changed", G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_slot, "changed", G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_slot, "notify::loading", G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_slot, "notify::loading", G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->param_panel, "changed", G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->prompt_view), "changed",
                           G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->negative_view), "changed",
                           G_CALLBACK (inb_window_update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_dropdown, "notify::selected",
                           G_CALLBACK (inb_window_apply_model), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (inb_window_fullscreened_cb), NULL);
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (inb_window_folded_cb), self, G_CONNECT_SWAPPED);
}
