/* inb-workflow-mapping.h — where a take's parts go in a workflow of one's own
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define INB_TYPE_WORKFLOW_MAPPING (inb_workflow_mapping_get_type ())

G_DECLARE_FINAL_TYPE (InbWorkflowMapping, inb_workflow_mapping, INB, WORKFLOW_MAPPING, GObject)

InbWorkflowMapping *inb_workflow_mapping_new              (const char         *source_name,
                                                          JsonObject         *document);
const char         *inb_workflow_mapping_get_source_name  (InbWorkflowMapping *self);
JsonObject         *inb_workflow_mapping_get_document     (InbWorkflowMapping *self);
const char         *inb_workflow_mapping_get_title        (InbWorkflowMapping *self);
void                inb_workflow_mapping_set_title        (InbWorkflowMapping *self,
                                                          const char         *title);
/* Saving may replace a model of the user's own of the same name */
void                inb_workflow_mapping_set_replace      (InbWorkflowMapping *self,
                                                          gboolean            replace);
gboolean            inb_workflow_mapping_get_replace      (InbWorkflowMapping *self);
const char         *inb_workflow_mapping_get_notes        (InbWorkflowMapping *self);
void                inb_workflow_mapping_set_notes        (InbWorkflowMapping *self,
                                                          const char         *notes);

/* Building it (the backend that read the workflow) */
guint               inb_workflow_mapping_add_role         (InbWorkflowMapping *self,
                                                          const char         *id,
                                                          const char         *label,
                                                          gboolean            required);
guint               inb_workflow_mapping_add_candidate    (InbWorkflowMapping *self,
                                                          guint               role,
                                                          const char         *value,
                                                          const char         *label);

/* Reading and correcting it (the window, the command line) */
guint               inb_workflow_mapping_get_n_roles      (InbWorkflowMapping *self);
int                 inb_workflow_mapping_find_role        (InbWorkflowMapping *self,
                                                          const char         *id);
const char         *inb_workflow_mapping_get_role_id      (InbWorkflowMapping *self,
                                                          guint               role);
const char         *inb_workflow_mapping_get_role_label   (InbWorkflowMapping *self,
                                                          guint               role);
gboolean            inb_workflow_mapping_role_is_required (InbWorkflowMapping *self,
                                                          guint               role);
guint               inb_workflow_mapping_get_n_candidates (InbWorkflowMapping *self,
                                                          guint               role);
const char         *inb_workflow_mapping_get_candidate_label (InbWorkflowMapping *self,
                                                          guint               role,
                                                          guint               candidate);
const char         *inb_workflow_mapping_get_candidate_value (InbWorkflowMapping *self,
                                                          guint               role,
                                                          guint               candidate);
int                 inb_workflow_mapping_get_choice       (InbWorkflowMapping *self,
                                                          guint               role);
gboolean            inb_workflow_mapping_set_choice       (InbWorkflowMapping *self,
                                                          guint               role,
                                                          int                 candidate);
gboolean            inb_workflow_mapping_choose_value     (InbWorkflowMapping *self,
                                                          guint               role,
                                                          const char         *value);
const char         *inb_workflow_mapping_get_chosen_value (InbWorkflowMapping *self,
                                                          guint               role);
char               *inb_workflow_mapping_dup_missing      (InbWorkflowMapping *self);
gboolean            inb_workflow_mapping_check            (InbWorkflowMapping *self,
                                                          GError            **error);

G_END_DECLS
