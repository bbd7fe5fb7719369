/* inb-workflow-dialog.c — check and correct what was found in a workflow, then save it
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows an InbWorkflowMapping: the workflow's name, then one row per part
 * of a take (the keyframes, the prompts, the seed, the length, size and
 * frame rate, the node that saves the clip), each saying where it was
 * found, with every other place it could go to choose from. Save stays
 * off, and says why in words, while a part the workflow cannot do without
 * goes nowhere. Saving is the backend's (inb_backend_save_workflow_async());
 * nothing here knows which backend it is. A name a workflow of the
 * artist's own has already is theirs to replace: asked, naming that model.
 */
#define G_LOG_DOMAIN "inb-workflow-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-workflow-dialog.h"
#include "inb-resources.h"

struct _InbWorkflowDialog
{
  AdwWindow             parent_instance;

  InbBackend           *backend;
  InbWorkflowMapping   *mapping;
  GPtrArray            *rows;          /* AdwComboRow, one per role, in order */
  GCancellable         *cancellable;
  char                 *problem;
  gboolean              saving;
  GtkWidget            *confirmation;  /* weak: "Replace …?" while asked */

  /* Template widgets */
  GtkWidget            *save_button;
  AdwPreferencesGroup  *name_group;
  AdwEntryRow          *name_row;
  AdwPreferencesGroup  *roles_group;
  GtkLabel             *problem_label;
  GtkLabel             *notes_label;
};

G_DEFINE_FINAL_TYPE (InbWorkflowDialog, inb_workflow_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_problem (InbWorkflowDialog *self,
             const char        *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem != NULL ? problem : "");
  gtk_label_set_label (self->problem_label, self->problem);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), *self->problem != '\0');
}

static void
update_state (InbWorkflowDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ready = inb_workflow_mapping_check (self->mapping, &error);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (inb_workflow_mapping_role_is_required (self->mapping, i) &&
          inb_workflow_mapping_get_choice (self->mapping, i) == 0)
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }

  set_problem (self, ready ? NULL : error->message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workflow.save", ready && !self->saving);
  gtk_widget_set_tooltip_text (self->save_button, ready ? NULL : error->message);
}

static void
row_selected_cb (AdwComboRow       *row,
                 GParamSpec        *pspec,
                 InbWorkflowDialog *self)
{
  guint role;

  if (!g_ptr_array_find (self->rows, row, &role))
    return;

  inb_workflow_mapping_set_choice (self->mapping, role, (int) adw_combo_row_get_selected (row));
}

static void
name_changed_cb (InbWorkflowDialog *self)
{
  /* Replacing was agreed for the name it had */
  inb_workflow_mapping_set_replace (self->mapping, FALSE);
  inb_workflow_mapping_set_title (self->mapping, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

/* The places in the list wrap: a narrow window shows them whole */
static void
place_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_list_item_set_child (item, label);
}

static void
place_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static void
add_role_rows (InbWorkflowDialog *self)
{
  for (guint r = 0; r < inb_workflow_mapping_get_n_roles (self->mapping); r++)
    {
      g_autoptr(GtkStringList) places = gtk_string_list_new (NULL);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

      for (guint c = 0; c < inb_workflow_mapping_get_n_candidates (self->mapping, r); c++)
        gtk_string_list_append (places, inb_workflow_mapping_get_candidate_label (self->mapping, r, c));

      g_signal_connect (factory, "setup", G_CALLBACK (place_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (place_bind_cb), NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), inb_workflow_mapping_get_role_label (self->mapping, r));
      adw_combo_row_set_use_subtitle (row, TRUE);
      adw_combo_row_set_model (row, G_LIST_MODEL (places));
      adw_combo_row_set_list_factory (row, factory);
      adw_combo_row_set_selected (row, (guint) inb_workflow_mapping_get_choice (self->mapping, r));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (row_selected_cb), self, 0);
      adw_preferences_group_add (self->roles_group, GTK_WIDGET (row));
      g_ptr_array_add (self->rows, row);
    }
}

static void start_saving (InbWorkflowDialog *self);

static void
replace_response_cb (AdwMessageDialog  *confirmation,
                     const char        *response,
                     InbWorkflowDialog *self)
{
  if (g_str_equal (response, "replace"))
    {
      inb_workflow_mapping_set_replace (self->mapping, TRUE);
      start_saving (self);
      return;
    }

  set_problem (self, _("That name is taken by a workflow of yours: choose another, or save again to replace it"));
}

/* The name is a model of the artist's own already: replace it? */
static void
ask_replace (InbWorkflowDialog *self,
             InbModel          *model)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *confirmation;

  /* Translators: %s is the name of a workflow imported earlier */
  heading = g_strdup_printf (_("Replace “%s”?"), inb_model_get_title (model));
  /* Translators: a backend ("ComfyUI"), a model's name, its id (as -m takes it) */
  body = g_strdup_printf (_("%s already has “%s” (%s), imported from a workflow of yours. Takes already "
                            "made with it stay as they are; new takes and re-rolls use this workflow."),
                          inb_backend_get_short_name (self->backend), inb_model_get_title (model),
                          inb_model_get_id (model));

  confirmation = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (confirmation),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (confirmation), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (confirmation), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (confirmation), "cancel");
  g_signal_connect_object (confirmation, "response", G_CALLBACK (replace_response_cb), self, 0);
  g_set_weak_pointer (&self->confirmation, confirmation);
  gtk_window_present (GTK_WINDOW (confirmation));
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(InbWorkflowDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *model_id = inb_backend_save_workflow_finish (INB_BACKEND (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->saving = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_group), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->roles_group), TRUE);
  if (model_id == NULL)
    {
      InbModel *taken = NULL;

      update_state (self);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) &&
          !inb_workflow_mapping_get_replace (self->mapping))
        taken = inb_backend_find_workflow_model (self->backend, self->mapping);
      inb_workflow_mapping_set_replace (self->mapping, FALSE);
      if (taken != NULL)
        {
          set_problem (self, NULL);
          ask_replace (self, taken);
          return;
        }
      /* Still savable as far as the mapping goes: the backend said no */
      set_problem (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, model_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_saving (InbWorkflowDialog *self)
{
  if (self->saving || !inb_workflow_mapping_check (self->mapping, NULL))
    return;

  self->saving = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_group), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->roles_group), FALSE);
  update_state (self);
  inb_backend_save_workflow_async (self->backend, self->mapping, self->cancellable, saved_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_saving (INB_WORKFLOW_DIALOG (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
inb_workflow_dialog_dispose (GObject *object)
{
  InbWorkflowDialog *self = INB_WORKFLOW_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->confirmation != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirmation));
  g_clear_weak_pointer (&self->confirmation);

  G_OBJECT_CLASS (inb_workflow_dialog_parent_class)->dispose (object);
}

static void
inb_workflow_dialog_finalize (GObject *object)
{
  InbWorkflowDialog *self = INB_WORKFLOW_DIALOG (object);

  g_clear_object (&self->backend);
  g_clear_object (&self->mapping);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->problem);

  G_OBJECT_CLASS (inb_workflow_dialog_parent_class)->finalize (object);
}

static void
inb_workflow_dialog_class_init (InbWorkflowDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_workflow_dialog_dispose;
  object_class->finalize = inb_workflow_dialog_finalize;

  /**
   * InbWorkflowDialog::saved:
   * @model_id: the new model's id in the dialog's backend
   *
   * The workflow is a model now; the dialog closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  (void) inb_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-workflow-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, name_group);
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, roles_group);
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, InbWorkflowDialog, notes_label);

  gtk_widget_class_install_action (widget_class, "workflow.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "workflow.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "workflow.cancel", NULL);
}

static void
inb_workflow_dialog_init (InbWorkflowDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  self->problem = g_strdup ("");
}

/**
 * inb_workflow_dialog_new:
 * @mapping: what @backend found in a workflow (inb_backend_open_workflow_async())
 */
InbWorkflowDialog *
inb_workflow_dialog_new (InbBackend         *backend,
                         InbWorkflowMapping *mapping)
{
  InbWorkflowDialog *self;
  g_autofree char *description = NULL;
  const char *notes;

  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (mapping), NULL);

  self = g_object_new (INB_TYPE_WORKFLOW_DIALOG, NULL);
  self->backend = g_object_ref (backend);
  self->mapping = g_object_ref (mapping);

  /* Translators: the file's name, then the backend it becomes a model of */
  description = g_strdup_printf (_("%s, as a model of %s"), inb_workflow_mapping_get_source_name (mapping),
                                 inb_backend_get_name (backend));
  adw_preferences_group_set_title (self->name_group, _("Your Own Workflow"));
  adw_preferences_group_set_description (self->name_group, description);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), inb_workflow_mapping_get_title (mapping));
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);

  notes = inb_workflow_mapping_get_notes (mapping);
  gtk_label_set_label (self->notes_label, notes != NULL ? notes : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notes_label), notes != NULL);

  add_role_rows (self);
  g_signal_connect_object (mapping, "changed", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);

  return self;
}

/**
 * inb_workflow_dialog_get_mapping:
 *
 * Returns: (transfer none): what the dialog shows and corrects
 */
InbWorkflowMapping *
inb_workflow_dialog_get_mapping (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return self->mapping;
}

/**
 * inb_workflow_dialog_get_backend:
 *
 * Returns: (transfer none): the backend the workflow becomes a model of
 */
InbBackend *
inb_workflow_dialog_get_backend (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return self->backend;
}

AdwComboRow *
inb_workflow_dialog_get_role_row (InbWorkflowDialog *self,
                                  const char        *role_id)
{
  int role;

  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);

  role = inb_workflow_mapping_find_role (self->mapping, role_id);
  return role >= 0 ? g_ptr_array_index (self->rows, role) : NULL;
}

const char *
inb_workflow_dialog_get_problem (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return self->problem;
}

GtkWidget *
inb_workflow_dialog_get_save_button (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return self->save_button;
}

GtkEditable *
inb_workflow_dialog_get_name_editable (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return GTK_EDITABLE (self->name_row);
}

/**
 * inb_workflow_dialog_get_confirmation:
 *
 * Returns: (transfer none) (nullable): the "Replace …?" question while it
 *   is asked (for tests)
 */
AdwMessageDialog *
inb_workflow_dialog_get_confirmation (InbWorkflowDialog *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_DIALOG (self), NULL);
  return self->confirmation != NULL ? ADW_MESSAGE_DIALOG (self->confirmation) : NULL;
}
