/* inb-window-workflow.c — a workflow of the artist's own, imported as a model
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Import Workflow…" under the model selector (shown for a backend that
 * imports workflows), the same in Preferences, and a workflow file dropped
 * on the window: the backend reads it (inb_backend_open_workflow_async()),
 * the dialog shows what it found for the artist to correct, the backend
 * saves it, and the new model is chosen in the selector. Nothing here
 * knows a provider: the backend is the one chosen, else the first that
 * imports workflows.
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-window-private.h"
#include "inb-workflow-dialog.h"

/* @id's backend, or the chosen one, or the first, that imports workflows */
static InbBackend *
import_backend (InbWindow  *self,
                const char *id)
{
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (self->session));

  if (id != NULL && *id != '\0')
    {
      InbBackend *backend = inb_session_lookup_backend (self->session, id);

      return backend != NULL && inb_backend_can_import_workflows (backend) ? backend : NULL;
    }
  if (self->backend != NULL && inb_backend_can_import_workflows (self->backend))
    return self->backend;

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      if (inb_backend_can_import_workflows (backend))
        return backend;
    }

  return NULL;
}

static void
show_failure (InbWindow  *self,
              const char *message)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                                         _("Could Not Import the Workflow"),
                                                                         message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_cb (InbWorkflowDialog *dialog,
          const char        *model_id,
          InbWindow         *self)
{
  InbWorkflowMapping *mapping = inb_workflow_dialog_get_mapping (dialog);
  InbBackend *backend = inb_workflow_dialog_get_backend (dialog);
  g_autofree char *text = NULL;

  /* The selector has it (::models-changed): choose it */
  inb_window_select_model (self, inb_backend_get_id (backend), model_id);
  /* Translators: a workflow's name, then the backend whose model it is now */
  text = g_strdup_printf (_("“%s” is a model of %s now"), inb_workflow_mapping_get_title (mapping),
                          inb_backend_get_short_name (backend));
  _inb_window_toast (self, text);
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbWorkflowMapping) mapping = inb_backend_open_workflow_finish (INB_BACKEND (source), result, &error);
  InbWorkflowDialog *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (mapping == NULL)
    {
      show_failure (self, error->message);
      return;
    }

  dialog = inb_workflow_dialog_new (INB_BACKEND (source), mapping);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_set_weak_pointer (&self->workflow_dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * inb_window_import_workflow:
 * @backend_id: (nullable): the backend to import into; %NULL: the chosen
 *   one if it imports workflows, else the first that does
 *
 * Reads @file (without blocking) and shows what was found, to correct and
 * save; a file the backend cannot use is said in a message.
 *
 * Returns: %FALSE when no backend imports workflows
 */
gboolean
inb_window_import_workflow (InbWindow  *self,
                            GFile      *file,
                            const char *backend_id)
{
  InbBackend *backend;

  g_return_val_if_fail (INB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  backend = import_backend (self, backend_id);
  if (backend == NULL)
    return FALSE;

  inb_backend_open_workflow_async (backend, file, self->cancellable, opened_cb, g_object_ref (self));
  return TRUE;
}

/**
 * inb_window_get_workflow_dialog:
 *
 * Returns: (transfer none) (nullable): the import dialog shown (for tests)
 */
GtkWidget *
inb_window_get_workflow_dialog (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->workflow_dialog != NULL ? GTK_WIDGET (self->workflow_dialog) : NULL;
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     InbWindow       *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *backend_id = g_steal_pointer (&self->workflow_backend_id);

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->workflow_chooser);

  if (file != NULL)
    inb_window_import_workflow (self, file, backend_id);
}

static void
import_workflow_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  const char *backend_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) workflows = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->workflow_chooser != NULL || import_backend (self, backend_id) == NULL)
    return;

  self->workflow_chooser = gtk_file_chooser_native_new (_("Import Workflow"), GTK_WINDOW (self),
                                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->workflow_chooser), TRUE);
  gtk_file_filter_set_name (workflows, _("Workflows (JSON)"));
  gtk_file_filter_add_mime_type (workflows, "application/json");
  gtk_file_filter_add_suffix (workflows, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->workflow_chooser), workflows);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->workflow_chooser), all);
  g_free (self->workflow_backend_id);
  self->workflow_backend_id = g_strdup (backend_id);
  g_signal_connect_object (self->workflow_chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->workflow_chooser));
}

/* A workflow file dropped on the window: imported, when a backend can */
gboolean
_inb_window_drop_workflow (InbWindow *self,
                           GFile     *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;

  if (lower == NULL || !g_str_has_suffix (lower, ".json"))
    return FALSE;

  return inb_window_import_workflow (self, file, NULL);
}

/* "Import Workflow…" where the models are chosen: for a backend that can */
void
_inb_window_update_import (InbWindow *self)
{
  gboolean can = self->backend != NULL && inb_backend_can_import_workflows (self->backend);

  gtk_widget_set_visible (GTK_WIDGET (self->import_workflow_button), can);
}

void
_inb_window_workflow_dispose (InbWindow *self)
{
  if (self->workflow_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->workflow_chooser));
  g_clear_object (&self->workflow_chooser);
  g_clear_pointer (&self->workflow_backend_id, g_free);
  g_clear_weak_pointer (&self->workflow_dialog);
}

void
_inb_window_workflow_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-workflow", "s", import_workflow_action);
}
