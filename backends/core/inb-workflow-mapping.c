/* inb-workflow-mapping.c — where a take's parts go in a workflow of one's own
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-backend"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-backend.h"
#include "inb-workflow-mapping.h"

/**
 * InbWorkflowMapping:
 *
 * What a backend that imports workflows (inb_backend_can_import_workflows())
 * found in one: a list of roles — the parts of a take (the first keyframe,
 * the prompt, the seed, the node that saves the clip…) — each with the
 * places in the workflow it could go (candidates, each a value the backend
 * understands and a label users read), and the place chosen. Candidate 0
 * of every role is "nowhere". The backend chooses what it detected; the
 * artist corrects it; inb_workflow_mapping_check() refuses while a
 * required role goes nowhere, naming it. The parsed workflow rides along
 * as the document, for the backend to save.
 */

typedef struct
{
  char    *value;
  char    *label;
} Candidate;

typedef struct
{
  char    *id;
  char    *label;
  gboolean required;
  GArray  *candidates;
  guint    choice;
} Role;

struct _InbWorkflowMapping
{
  GObject     parent_instance;

  char       *source_name;
  JsonObject *document;
  char       *title;
  char       *notes;
  GArray     *roles;
  gboolean    replace;
};

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InbWorkflowMapping, inb_workflow_mapping, G_TYPE_OBJECT)

static void
candidate_clear (Candidate *candidate)
{
  g_free (candidate->value);
  g_free (candidate->label);
}

static void
role_clear (Role *role)
{
  g_free (role->id);
  g_free (role->label);
  g_clear_pointer (&role->candidates, g_array_unref);
}

static Role *
role_at (InbWorkflowMapping *self,
         guint               role)
{
  g_return_val_if_fail (role < self->roles->len, NULL);
  return &g_array_index (self->roles, Role, role);
}

static void
inb_workflow_mapping_finalize (GObject *object)
{
  InbWorkflowMapping *self = INB_WORKFLOW_MAPPING (object);

  g_free (self->source_name);
  g_clear_pointer (&self->document, json_object_unref);
  g_free (self->title);
  g_free (self->notes);
  g_clear_pointer (&self->roles, g_array_unref);

  G_OBJECT_CLASS (inb_workflow_mapping_parent_class)->finalize (object);
}

static void
inb_workflow_mapping_class_init (InbWorkflowMappingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_workflow_mapping_finalize;

  /**
   * InbWorkflowMapping::changed:
   *
   * A role's choice or the title changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
inb_workflow_mapping_init (InbWorkflowMapping *self)
{
  self->roles = g_array_new (FALSE, TRUE, sizeof (Role));
  g_array_set_clear_func (self->roles, (GDestroyNotify) role_clear);
}

/**
 * inb_workflow_mapping_new:
 * @source_name: the file it came from, as users know it ("my-flow.json")
 * @document: (nullable): the parsed workflow (a reference is taken)
 *
 * The title starts as @source_name without its folder and extension.
 */
InbWorkflowMapping *
inb_workflow_mapping_new (const char *source_name,
                          JsonObject *document)
{
  InbWorkflowMapping *self = g_object_new (INB_TYPE_WORKFLOW_MAPPING, NULL);
  g_autofree char *base = g_path_get_basename (source_name != NULL ? source_name : "");
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  self->source_name = g_strdup (source_name);
  self->document = document != NULL ? json_object_ref (document) : NULL;
  self->title = g_strdup (base);
  return self;
}

const char *
inb_workflow_mapping_get_source_name (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  return self->source_name;
}

/**
 * inb_workflow_mapping_get_document:
 *
 * Returns: (transfer none) (nullable): the parsed workflow
 */
JsonObject *
inb_workflow_mapping_get_document (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  return self->document;
}

const char *
inb_workflow_mapping_get_title (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  return self->title;
}

/**
 * inb_workflow_mapping_set_title:
 *
 * The name the model will have (its id is made from it).
 */
void
inb_workflow_mapping_set_title (InbWorkflowMapping *self,
                                const char         *title)
{
  g_return_if_fail (INB_IS_WORKFLOW_MAPPING (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * inb_workflow_mapping_set_replace:
 * @replace: whether saving may replace a model of the user's own that has
 *   the same name (the user said so); %FALSE at first
 */
void
inb_workflow_mapping_set_replace (InbWorkflowMapping *self,
                                  gboolean            replace)
{
  g_return_if_fail (INB_IS_WORKFLOW_MAPPING (self));
  self->replace = !!replace;
}

gboolean
inb_workflow_mapping_get_replace (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), FALSE);
  return self->replace;
}

/**
 * inb_workflow_mapping_get_notes:
 *
 * Returns: (nullable): what else users should know about the workflow
 *   (two nodes save videos…), in words
 */
const char *
inb_workflow_mapping_get_notes (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  return self->notes;
}

void
inb_workflow_mapping_set_notes (InbWorkflowMapping *self,
                                const char         *notes)
{
  g_return_if_fail (INB_IS_WORKFLOW_MAPPING (self));

  g_free (self->notes);
  self->notes = notes != NULL && *notes != '\0' ? g_strdup (notes) : NULL;
}

/**
 * inb_workflow_mapping_add_role:
 * @id: what the backend calls the part ("first_image")
 * @label: what users call it ("First keyframe")
 * @required: the workflow cannot be used without it
 *
 * Returns: the role's index; its candidate 0 ("nowhere") is chosen
 */
guint
inb_workflow_mapping_add_role (InbWorkflowMapping *self,
                               const char         *id,
                               const char         *label,
                               gboolean            required)
{
  Role role = { 0 };
  Candidate none = { 0 };

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), 0);
  g_return_val_if_fail (id != NULL && label != NULL, 0);
  g_return_val_if_fail (inb_workflow_mapping_find_role (self, id) < 0, 0);

  role.id = g_strdup (id);
  role.label = g_strdup (label);
  role.required = required;
  role.candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (role.candidates, (GDestroyNotify) candidate_clear);
  none.label = g_strdup (required ? _("Not chosen") : _("Not used"));
  g_array_append_val (role.candidates, none);
  g_array_append_val (self->roles, role);

  return self->roles->len - 1;
}

/**
 * inb_workflow_mapping_add_candidate:
 * @value: what the backend makes of it ("68.image"); unique in the role
 * @label: what users read ("68 · LoadImage “Start” · image")
 *
 * Returns: the candidate's index (that of the same @value when added twice)
 */
guint
inb_workflow_mapping_add_candidate (InbWorkflowMapping *self,
                                    guint               role,
                                    const char         *value,
                                    const char         *label)
{
  Candidate candidate;
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), 0);
  g_return_val_if_fail (value != NULL && *value != '\0' && label != NULL, 0);
  r = role_at (self, role);
  g_return_val_if_fail (r != NULL, 0);

  for (guint i = 1; i < r->candidates->len; i++)
    if (g_str_equal (g_array_index (r->candidates, Candidate, i).value, value))
      return i;

  candidate.value = g_strdup (value);
  candidate.label = g_strdup (label);
  g_array_append_val (r->candidates, candidate);
  return r->candidates->len - 1;
}

guint
inb_workflow_mapping_get_n_roles (InbWorkflowMapping *self)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), 0);
  return self->roles->len;
}

/**
 * inb_workflow_mapping_find_role:
 *
 * Returns: the index of the role @id, or -1
 */
int
inb_workflow_mapping_find_role (InbWorkflowMapping *self,
                                const char         *id)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), -1);

  for (guint i = 0; id != NULL && i < self->roles->len; i++)
    if (g_str_equal (g_array_index (self->roles, Role, i).id, id))
      return (int) i;

  return -1;
}

const char *
inb_workflow_mapping_get_role_id (InbWorkflowMapping *self,
                                  guint               role)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  g_return_val_if_fail (role < self->roles->len, NULL);
  return role_at (self, role)->id;
}

const char *
inb_workflow_mapping_get_role_label (InbWorkflowMapping *self,
                                     guint               role)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  g_return_val_if_fail (role < self->roles->len, NULL);
  return role_at (self, role)->label;
}

gboolean
inb_workflow_mapping_role_is_required (InbWorkflowMapping *self,
                                       guint               role)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), FALSE);
  g_return_val_if_fail (role < self->roles->len, FALSE);
  return role_at (self, role)->required;
}

/**
 * inb_workflow_mapping_get_n_candidates:
 *
 * Returns: how many places @role can go, "nowhere" (0) included
 */
guint
inb_workflow_mapping_get_n_candidates (InbWorkflowMapping *self,
                                       guint               role)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), 0);
  g_return_val_if_fail (role < self->roles->len, 0);
  return role_at (self, role)->candidates->len;
}

const char *
inb_workflow_mapping_get_candidate_label (InbWorkflowMapping *self,
                                          guint               role,
                                          guint               candidate)
{
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  g_return_val_if_fail (role < self->roles->len, NULL);
  r = role_at (self, role);
  g_return_val_if_fail (candidate < r->candidates->len, NULL);
  return g_array_index (r->candidates, Candidate, candidate).label;
}

/**
 * inb_workflow_mapping_get_candidate_value:
 *
 * Returns: (nullable): what the backend makes of it; %NULL for candidate 0
 */
const char *
inb_workflow_mapping_get_candidate_value (InbWorkflowMapping *self,
                                          guint               role,
                                          guint               candidate)
{
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  g_return_val_if_fail (role < self->roles->len, NULL);
  r = role_at (self, role);
  g_return_val_if_fail (candidate < r->candidates->len, NULL);
  return g_array_index (r->candidates, Candidate, candidate).value;
}

int
inb_workflow_mapping_get_choice (InbWorkflowMapping *self,
                                 guint               role)
{
  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), -1);
  g_return_val_if_fail (role < self->roles->len, -1);
  return (int) role_at (self, role)->choice;
}

/**
 * inb_workflow_mapping_set_choice:
 * @candidate: the candidate's index; 0: nowhere
 *
 * Returns: %FALSE when @candidate is not one of the role's
 */
gboolean
inb_workflow_mapping_set_choice (InbWorkflowMapping *self,
                                 guint               role,
                                 int                 candidate)
{
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), FALSE);
  g_return_val_if_fail (role < self->roles->len, FALSE);

  r = role_at (self, role);
  if (candidate < 0 || (guint) candidate >= r->candidates->len)
    return FALSE;
  if (r->choice == (guint) candidate)
    return TRUE;

  r->choice = (guint) candidate;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * inb_workflow_mapping_choose_value:
 * @value: (nullable): a candidate's value; %NULL: nowhere
 *
 * Returns: %FALSE when no candidate of @role has @value
 */
gboolean
inb_workflow_mapping_choose_value (InbWorkflowMapping *self,
                                   guint               role,
                                   const char         *value)
{
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), FALSE);
  g_return_val_if_fail (role < self->roles->len, FALSE);

  if (value == NULL)
    return inb_workflow_mapping_set_choice (self, role, 0);

  r = role_at (self, role);
  for (guint i = 1; i < r->candidates->len; i++)
    if (g_str_equal (g_array_index (r->candidates, Candidate, i).value, value))
      return inb_workflow_mapping_set_choice (self, role, (int) i);

  return FALSE;
}

/**
 * inb_workflow_mapping_get_chosen_value:
 *
 * Returns: (nullable): the chosen candidate's value; %NULL: nowhere
 */
const char *
inb_workflow_mapping_get_chosen_value (InbWorkflowMapping *self,
                                       guint               role)
{
  Role *r;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);
  g_return_val_if_fail (role < self->roles->len, NULL);

  r = role_at (self, role);
  return g_array_index (r->candidates, Candidate, r->choice).value;
}

/**
 * inb_workflow_mapping_dup_missing:
 *
 * Returns: (transfer full) (nullable): the labels of the required roles
 *   that go nowhere, in words ("First keyframe, Output"); %NULL: none
 */
char *
inb_workflow_mapping_dup_missing (InbWorkflowMapping *self)
{
  g_autoptr(GString) missing = g_string_new (NULL);

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), NULL);

  for (guint i = 0; i < self->roles->len; i++)
    {
      Role *r = role_at (self, i);

      if (!r->required || r->choice != 0)
        continue;
      if (missing->len > 0)
        /* Translators: between the names of parts in a list ("First keyframe, Output") */
        g_string_append (missing, _(", "));
      g_string_append (missing, r->label);
    }

  return missing->len > 0 ? g_string_free (g_steal_pointer (&missing), FALSE) : NULL;
}

/**
 * inb_workflow_mapping_check:
 *
 * Returns: %FALSE with %INB_BACKEND_ERROR_INVALID_INPUT, naming them,
 *   while a required role goes nowhere, or while there is no title
 */
gboolean
inb_workflow_mapping_check (InbWorkflowMapping  *self,
                            GError             **error)
{
  g_autofree char *missing = NULL;

  g_return_val_if_fail (INB_IS_WORKFLOW_MAPPING (self), FALSE);

  missing = inb_workflow_mapping_dup_missing (self);
  if (missing != NULL)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The workflow cannot be used until you choose where these go: %s"), missing);
      return FALSE;
    }
  if (self->title == NULL || *g_strstrip (self->title) == '\0')
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("Give the workflow a name"));
      return FALSE;
    }

  return TRUE;
}
