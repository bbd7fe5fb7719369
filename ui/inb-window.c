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
#include "inb-application.h"
#include "inb-job-row.h"
#include "inb-preferences-window.h"
#include "inb-resume.h"
#include "inb-take.h"
#include "inb-texture-loader.h"
#include "inb-window.h"

typedef struct
{
  InbBackend *backend;
  InbModel   *model;
} Choice;

struct _InbWindow
{
  AdwApplicationWindow  parent_instance;

  InbSession           *session;
  GSettings            *settings;
  InbJobQueue          *queue;         /* the session's, shared by every window */
  GPtrArray            *own_jobs;      /* InbJob: started here, not yet finished */
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
  GCancellable         *open_cancellable;
  guint                 building : 1;
  guint                 close_confirmed : 1;
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
  PROP_SESSION,
  PROP_CAN_GENERATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const fit_values[] = { "crop", "pad", "stretch", NULL };

static void inb_window_update_state (InbWindow *self);

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
inb_window_get_jobs_list (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->jobs_list);
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
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));
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
      g_autofree char *preferred = inb_session_dup_default_backend_id (self->session);

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

/* Generate: the session's one generate path */

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = NULL;

  job = inb_session_generate_finish (INB_SESSION (object), result, &error);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;   /* the window is going away */

  self->building = FALSE;

  if (job == NULL)
    {
      if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH) && self->backend != NULL)
        {
          /* Said above Generate, with a button to Preferences */
          g_free (self->key_provider);
          self->key_provider = g_strdup (inb_backend_get_id (self->backend));
          g_free (self->key_problem);
          self->key_problem = g_strdup (error->message);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        inb_window_toast (self, error->message);

      inb_window_update_state (self);
      return;
    }

  g_clear_pointer (&self->key_problem, g_free);
  g_clear_pointer (&self->key_provider, g_free);
  g_ptr_array_add (self->own_jobs, g_object_ref (job));
  inb_window_update_state (self);
}

static char *
dup_prompt (GtkTextView *view)
{
  g_autofree char *text = dup_buffer_text (view);

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
inb_window_generate_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbGenerateInputs *inputs;

  inb_window_update_state (self);
  if (!self->can_generate)
    return;

  if (inb_param_panel_get_random_seed (self->param_panel))
    inb_param_panel_roll_seed (self->param_panel);

  save_params (self);

  inputs = inb_generate_inputs_new ();
  inputs->backend_id = g_strdup (inb_backend_get_id (self->backend));
  inputs->model_id = g_strdup (inb_model_get_id (self->model));
  inputs->first = g_object_ref (inb_keyframe_slot_get_keyframe (self->first_slot));
  inputs->last = g_object_ref (inb_keyframe_slot_get_keyframe (self->last_slot));
  inputs->prompt = dup_prompt (self->prompt_view);
  inputs->negative_prompt = dup_prompt (self->negative_view);
  inputs->params = inb_param_panel_dup_values (self->param_panel);
  inputs->seed = inb_param_panel_get_seed (self->param_panel);
  if (json_object_has_member (inputs->params, "seed"))
    json_object_remove_member (inputs->params, "seed");

  self->building = TRUE;
  inb_window_update_state (self);

  inb_session_generate_async (self->session, inputs, self->cancellable,
                              generate_cb, g_object_ref (self));
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

  prefs = inb_preferences_window_new (self->session);
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

typedef struct
{
  InbWindow  *self;
  GFile      *clip;
  char       *last;
  GdkTexture *first;
} Opening;

static void
opening_free (Opening *o)
{
  g_clear_object (&o->first);
  g_clear_object (&o->clip);
  g_free (o->last);
  g_object_unref (o->self);
  g_free (o);
}

static void
keyframe_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Opening *o = user_data;
  g_autoptr(GdkTexture) texture = inb_texture_load_finish (result, NULL);

  if (g_cancellable_is_cancelled (o->self->open_cancellable))
    {
      opening_free (o);
      return;
    }

  if (o->last != NULL)
    {
      /* The first keyframe came; now the last */
      g_autofree char *last = g_steal_pointer (&o->last);

      o->first = g_steal_pointer (&texture);
      inb_texture_load_async (last, 0, o->self->open_cancellable, keyframe_loaded_cb, o);
      return;
    }

  inb_player_set_keyframes (o->self->player, o->first, texture);
  inb_player_set_file (o->self->player, o->clip);
  inb_playback_play (inb_player_get_playback (o->self->player));
  opening_free (o);
}

/* Plays a finished take, with its keyframes as they were sent for the
 * player's overlay (read from the take's folder off the main thread). */
static void
inb_window_open_job (InbWindow *self,
                     InbJob    *job)
{
  InbTake *take = inb_job_get_take (job);
  g_autofree char *clip = NULL;
  g_autofree char *first = NULL;
  Opening *o;

  if (inb_job_get_state (job) != INB_JOB_DONE)
    return;

  clip = inb_take_dup_clip_path (take);
  first = inb_take_dup_keyframe_path (take, FALSE);

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();

  o = g_new0 (Opening, 1);
  o->self = g_object_ref (self);
  o->clip = g_file_new_for_path (clip);
  o->last = inb_take_dup_keyframe_path (take, TRUE);
  inb_texture_load_async (first, 0, self->open_cancellable, keyframe_loaded_cb, o);
}

static void
inb_window_job_finished_cb (InbWindow   *self,
                            InbJob      *job,
                            InbJobQueue *queue)
{
  /* Another window's take: that window tells its artist */
  if (!g_ptr_array_remove (self->own_jobs, job))
    return;

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
  save_params (self);

  return GTK_WINDOW_CLASS (inb_window_parent_class)->close_request (window);
}

static void
inb_window_constructed (GObject *object)
{
  InbWindow *self = INB_WINDOW (object);

  G_OBJECT_CLASS (inb_window_parent_class)->constructed (object);

  g_assert (INB_IS_SESSION (self->session));
  self->settings = g_object_ref (inb_session_get_settings (self->session));
  self->queue = g_object_ref (inb_session_get_queue (self->session));

  gtk_list_box_bind_model (self->jobs_list, G_LIST_MODEL (self->queue), create_job_row, NULL, NULL);
  g_signal_connect_object (self->queue, "items-changed",
                           G_CALLBACK (inb_window_jobs_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "job-finished",
                           G_CALLBACK (inb_window_job_finished_cb), self, G_CONNECT_SWAPPED);
  inb_window_jobs_changed_cb (self, 0, 0, 0, G_LIST_MODEL (self->queue));

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
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);

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

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         INB_TYPE_SESSION,
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fit_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fit"),
                                  -1);
  g_signal_connect_object (self->fit_dropdown, "notify::selected",
                           G_CALLBACK (inb_window_fit_selected_cb), self, G_CONNECT_SWAPPED);

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
