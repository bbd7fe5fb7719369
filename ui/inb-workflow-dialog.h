/* inb-workflow-dialog.h — check and correct what was found in a workflow, then save it
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "inb-backend.h"

G_BEGIN_DECLS

#define INB_TYPE_WORKFLOW_DIALOG (inb_workflow_dialog_get_type ())

G_DECLARE_FINAL_TYPE (InbWorkflowDialog, inb_workflow_dialog, INB, WORKFLOW_DIALOG, AdwWindow)

InbWorkflowDialog  *inb_workflow_dialog_new          (InbBackend         *backend,
                                                      InbWorkflowMapping *mapping);
InbWorkflowMapping *inb_workflow_dialog_get_mapping  (InbWorkflowDialog  *self);
InbBackend         *inb_workflow_dialog_get_backend  (InbWorkflowDialog  *self);
/* The row choosing where @role_id goes, or %NULL (for tests). */
AdwComboRow        *inb_workflow_dialog_get_role_row (InbWorkflowDialog  *self,
                                                      const char         *role_id);
/* What stands between the artist and Save, in words, or "" (for tests). */
const char         *inb_workflow_dialog_get_problem  (InbWorkflowDialog  *self);

/* The Save button and the name's entry (for tests). */
GtkWidget          *inb_workflow_dialog_get_save_button (InbWorkflowDialog *self);
GtkEditable        *inb_workflow_dialog_get_name_editable (InbWorkflowDialog *self);
/* "Replace …?" while it is asked, or %NULL (for tests). */
AdwMessageDialog   *inb_workflow_dialog_get_confirmation (InbWorkflowDialog *self);

G_END_DECLS
