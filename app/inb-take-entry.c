/* inb-take-entry.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A take.json of a few kilobytes parses into a JsonObject ten times its
 * size; the library lists thousands, so it keeps this summary of each
 * instead (a few hundred bytes), read once and updated when the take
 * changes. A take being made here is followed through its job: state,
 * progress and stage come from it until it ends.
 */
#define G_LOG_DOMAIN "inb-take-entry"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-json.h"
#include "inb-schema.h"
#include "inb-take-entry.h"

/* A prompt longer than this is cut in the summary (rows and filters) */
#define MAX_PROMPT_CHARS 600

struct _InbTakeEntry
{
  GObject           parent_instance;

  char             *id;
  char             *dir;
  guint             number;
  char             *title;
  gint64            created;
  InbJobState       state;
  InbTakeCondition  condition;
  char             *backend_id;
  char             *model_id;
  char             *prompt;
  gint64            seed;
  guint             n_frames;
  double            fps;
  guint             width;
  guint             height;
  gboolean          starred;
  char             *note;
  char             *group;
  char             *error_message;
  GStrv             warnings;
  gboolean          has_clip;
  double            colour_shift;
  gboolean          drift;

  InbJob           *job;
};

G_DEFINE_FINAL_TYPE (InbTakeEntry, inb_take_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_STATE,
  PROP_STARRED,
  PROP_NOTE,
  PROP_FRACTION,
  PROP_STAGE,
  PROP_JOB,
  PROP_HAS_CLIP,
  PROP_COLOUR_SHIFT,
  PROP_DETAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
inb_take_entry_dispose (GObject *object)
{
  InbTakeEntry *self = INB_TAKE_ENTRY (object);

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);

  G_OBJECT_CLASS (inb_take_entry_parent_class)->dispose (object);
}

static void
inb_take_entry_finalize (GObject *object)
{
  InbTakeEntry *self = INB_TAKE_ENTRY (object);

  g_free (self->id);
  g_free (self->dir);
  g_free (self->title);
  g_free (self->backend_id);
  g_free (self->model_id);
  g_free (self->prompt);
  g_free (self->note);
  g_free (self->group);
  g_free (self->error_message);
  g_strfreev (self->warnings);

  G_OBJECT_CLASS (inb_take_entry_parent_class)->finalize (object);
}

static void
inb_take_entry_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  InbTakeEntry *self = INB_TAKE_ENTRY (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_take_string (value, inb_take_entry_dup_display_title (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, inb_take_entry_get_state (self));
      break;
    case PROP_STARRED:
      g_value_set_boolean (value, self->starred);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, inb_take_entry_get_fraction (self));
      break;
    case PROP_STAGE:
      g_value_take_string (value, inb_take_entry_dup_stage (self));
      break;
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    case PROP_HAS_CLIP:
      g_value_set_boolean (value, self->has_clip);
      break;
    case PROP_COLOUR_SHIFT:
      g_value_set_double (value, self->colour_shift);
      break;
    case PROP_DETAILS:
      /* A counter-like property: notified when anything else shown changed */
      g_value_set_uint (value, 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_take_entry_class_init (InbTakeEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_take_entry_dispose;
  object_class->finalize = inb_take_entry_finalize;
  object_class->get_property = inb_take_entry_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, INB_TYPE_JOB_STATE, INB_JOB_QUEUED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARRED] =
    g_param_spec_boolean ("starred", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAGE] =
    g_param_spec_string ("stage", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, INB_TYPE_JOB, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_CLIP] =
    g_param_spec_boolean ("has-clip", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOUR_SHIFT] =
    g_param_spec_double ("colour-shift", NULL, NULL, -1, G_MAXDOUBLE, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS] =
    g_param_spec_uint ("details", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_take_entry_init (InbTakeEntry *self)
{
  self->colour_shift = -1;
}

/* Reading a manifest leniently: whatever the format version, a member of
 * the wrong type is as good as absent. */

static gint64
json_int (JsonObject *object,
          const char *member,
          gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);

  return fallback;
}

static double
json_double (JsonObject *object,
             const char *member,
             double      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);

  return fallback;
}

static gboolean
json_bool (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* A copy that is valid UTF-8, without control characters, at most @max
 * characters long. */
static char *
clean_text (const char *text,
            glong       max)
{
  g_autofree char *valid = NULL;
  GString *out;
  glong n = 0;

  if (text == NULL || *text == '\0')
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  if (*g_utf8_offset_to_pointer (valid, n) != '\0')
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
take_string (char **field,
             char  *value)
{
  g_free (*field);
  *field = value;
}

/* The backend's warnings: text only, a few at most, each cut like an error */
static void
read_warnings (InbTakeEntry *self,
               JsonArray    *warnings)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings) && i < 16; i++)
    {
      JsonNode *node = json_array_get_element (warnings, i);

      g_autofree char *text = NULL;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      text = clean_text (json_node_get_string (node), 2000);
      if (text != NULL && *text != '\0')
        g_strv_builder_add (builder, text);
    }

  g_strfreev (self->warnings);
  self->warnings = g_strv_builder_end (builder);
}

/**
 * _inb_take_entry_update:
 *
 * Reads what the summary keeps from @manifest and notifies what changed.
 */
void
_inb_take_entry_update (InbTakeEntry *self,
                        JsonObject   *manifest)
{
  JsonObject *result = inb_json_get_object (manifest, "result");
  JsonObject *error = inb_json_get_object (manifest, "error");
  JsonObject *fidelity = inb_json_get_object (manifest, "fidelity");
  g_autoptr(GDateTime) created = NULL;
  gboolean title_changed, note_changed;
  gboolean starred = json_bool (manifest, "starred");
  InbJobState state = INB_JOB_FAILED;
  double shift = -1;

  g_return_if_fail (INB_IS_TAKE_ENTRY (self));

  g_object_freeze_notify (G_OBJECT (self));

  if (inb_json_get_string (manifest, "created") != NULL &&
      (created = g_date_time_new_from_iso8601 (inb_json_get_string (manifest, "created"), NULL)) != NULL)
    self->created = g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);

  self->number = (guint) CLAMP (json_int (manifest, "number", 0), 0, G_MAXUINT);
  set_string (&self->backend_id, inb_json_get_string (manifest, "backend"));
  set_string (&self->model_id, inb_json_get_string (manifest, "model"));
  take_string (&self->prompt, clean_text (inb_json_get_string (manifest, "prompt"), MAX_PROMPT_CHARS));
  self->seed = json_int (manifest, "seed", 0);
  set_string (&self->group, inb_json_get_string (manifest, "group"));

  title_changed = set_string (&self->title, inb_json_get_string (manifest, "title"));
  note_changed = set_string (&self->note, inb_json_get_string (manifest, "note"));

  if (result != NULL)
    {
      self->n_frames = (guint) CLAMP (json_int (result, "frames", 0), 0, G_MAXUINT);
      self->fps = json_double (result, "fps", 0);
      self->width = (guint) CLAMP (json_int (result, "width", 0), 0, G_MAXUINT);
      self->height = (guint) CLAMP (json_int (result, "height", 0), 0, G_MAXUINT);
    }
  take_string (&self->error_message, clean_text (inb_json_get_string (error, "message"), 2000));
  read_warnings (self, inb_json_get_array (manifest, "warnings"));

  if (fidelity != NULL)
    {
      JsonObject *first = inb_json_get_object (fidelity, "first");
      JsonObject *last = inb_json_get_object (fidelity, "last");

      shift = MAX (json_double (first, "colour_shift", -1), json_double (last, "colour_shift", -1));
      self->drift = json_bool (fidelity, "drift");
    }

  if (!inb_job_state_from_string (inb_json_get_string (manifest, "state"), &state))
    state = INB_JOB_FAILED;

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (starred != self->starred)
    {
      self->starred = starred;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED]);
    }
  if (shift != self->colour_shift)
    {
      self->colour_shift = shift;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOUR_SHIFT]);
    }
  if (title_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (note_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS]);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * _inb_take_entry_new_from_json:
 * @dir: the take's folder; its name is the id when the manifest has none
 *
 * Returns: (transfer full)
 */
InbTakeEntry *
_inb_take_entry_new_from_json (const char       *dir,
                               JsonObject       *manifest,
                               InbTakeCondition  condition)
{
  InbTakeEntry *self = g_object_new (INB_TYPE_TAKE_ENTRY, NULL);
  const char *id = inb_json_get_string (manifest, "id");

  self->dir = g_strdup (dir);
  self->id = id != NULL && *id != '\0' && strlen (id) < 128 ? g_utf8_make_valid (id, -1) : g_path_get_basename (dir);
  self->condition = condition;
  self->state = INB_JOB_QUEUED;
  _inb_take_entry_update (self, manifest);

  return self;
}

static GDateTime *id_time (const char *id);

/**
 * _inb_take_entry_new_damaged:
 * @created: when the folder was made (Unix µs): when the take was made,
 *   unless its folder's name says
 *
 * Returns: (transfer full): an entry for a folder whose take.json did not
 *   read
 */
InbTakeEntry *
_inb_take_entry_new_damaged (const char *dir,
                             gint64      created)
{
  InbTakeEntry *self = g_object_new (INB_TYPE_TAKE_ENTRY, NULL);
  g_autoptr(GDateTime) made = NULL;

  self->dir = g_strdup (dir);
  self->id = g_path_get_basename (dir);
  self->condition = INB_TAKE_CONDITION_DAMAGED;
  self->state = INB_JOB_FAILED;
  /* When it was made, from its folder's name as its title says (a folder
   * touched since, e.g. set aside, does not make it new), else the folder's
   * time */
  made = id_time (self->id);
  self->created = made != NULL ? g_date_time_to_unix (made) * G_USEC_PER_SEC : created;
  self->error_message = g_strdup (_("Its record could not be read; it was set aside and the take’s files are kept"));

  return self;
}

void
_inb_take_entry_set_has_clip (InbTakeEntry *self,
                              gboolean      has_clip)
{
  g_return_if_fail (INB_IS_TAKE_ENTRY (self));

  if (self->has_clip == !!has_clip)
    return;

  self->has_clip = !!has_clip;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CLIP]);
}

static void
job_progress_cb (InbTakeEntry *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

static void
job_state_cb (InbTakeEntry *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * _inb_take_entry_set_job:
 * @job: (nullable): the job making the take here, or %NULL when it ended
 */
void
_inb_take_entry_set_job (InbTakeEntry *self,
                         InbJob       *job)
{
  g_return_if_fail (INB_IS_TAKE_ENTRY (self));

  if (self->job == job)
    return;

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  if (job != NULL)
    {
      g_signal_connect_object (job, "notify::fraction", G_CALLBACK (job_progress_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::stage", G_CALLBACK (job_progress_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::state", G_CALLBACK (job_state_cb), self, G_CONNECT_SWAPPED);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  job_progress_cb (self);
}

/* Getters ------------------------------------------------------------------ */

const char *
inb_take_entry_get_id (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->id;
}

const char *
inb_take_entry_get_dir (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->dir;
}

guint
inb_take_entry_get_number (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->number;
}

/**
 * inb_take_entry_get_title:
 *
 * Returns: (nullable): the title the artist gave it
 */
const char *
inb_take_entry_get_title (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->title;
}

/* When a take was made, from its folder's name ("20260101-090000-1a2b3c",
 * local time as inb-take.c names them): %NULL if it is not one */
static GDateTime *
id_time (const char *id)
{
  int fields[6] = { 0 };
  const int starts[6] = { 0, 4, 6, 9, 11, 13 };
  const int lengths[6] = { 4, 2, 2, 2, 2, 2 };

  if (id == NULL || strlen (id) < 15 || id[8] != '-' || (id[15] != '\0' && id[15] != '-'))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    for (int j = starts[i]; j < starts[i] + lengths[i]; j++)
      {
        if (!g_ascii_isdigit (id[j]))
          return NULL;
        fields[i] = fields[i] * 10 + g_ascii_digit_value (id[j]);
      }

  return g_date_time_new_local (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
}

/* When it was made (local time), from its folder's name, else from its
 * record's (or its folder's) time; NULL when neither is known */
static GDateTime *
made_time (InbTakeEntry *self)
{
  GDateTime *made = id_time (self->id);

  if (made == NULL && self->created > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->created / G_USEC_PER_SEC);

      made = utc != NULL ? g_date_time_to_local (utc) : NULL;
    }

  return made;
}

/* "2026-01-01 09:00", as `inbetween history` says when a take was made */
static char *
dup_made_time (InbTakeEntry *self)
{
  g_autoptr(GDateTime) made = made_time (self);

  return made != NULL ? g_date_time_format (made, _("%Y-%m-%d %H:%M")) : NULL;
}

/* "6 Dec 11:47", in one piece (no-break spaces): a take's name, short
 * enough for a narrow row to break only after "Take ·" */
static char *
dup_short_made_time (InbTakeEntry *self)
{
  g_autoptr(GDateTime) made = made_time (self);
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;

  if (made == NULL)
    return NULL;

  /* Translators: a short date and time, as g_date_time_format() takes it
   * (zh_CN: "%-m月%-d日 %H:%M") */
  text = g_date_time_format (made, _("%-d %b %H:%M"));
  if (text == NULL)
    return NULL;
  words = g_strsplit (text, " ", -1);

  return g_strjoinv ("\u00a0", words);
}

/* "Damaged take · 2026-01-01 09:00" */
static char *
damaged_title (InbTakeEntry *self)
{
  g_autofree char *when = dup_made_time (self);

  if (when == NULL)
    return g_strdup (_("Damaged take"));

  /* Translators: a take whose record could not be read; %s is when it was made */
  return g_strdup_printf (_("Damaged take · %s"), when);
}

/**
 * inb_take_entry_dup_display_title:
 *
 * Returns: (transfer full): the artist's title, else "Take 12", else
 *   "Damaged take · <when>" for one whose record did not read, else
 *   "Take · <when>" (a take restored without a number: its id would read
 *   as noise, and break mid-id in a narrow window), else the id
 */
char *
inb_take_entry_dup_display_title (InbTakeEntry *self)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);

  if (self->title != NULL)
    return g_strdup (self->title);
  if (self->number > 0)
    /* Translators: %u numbers the takes */
    return g_strdup_printf (_("Take %u"), self->number);
  if (self->condition == INB_TAKE_CONDITION_DAMAGED)
    return damaged_title (self);
  if ((when = dup_short_made_time (self)) != NULL)
    /* Translators: a take without a number; %s is when it was made, as
     * "6 Dec 11:47" */
    return g_strdup_printf (_("Take · %s"), when);

  /* Translators: %s is the id of a take */
  return g_strdup_printf (_("Take %s"), self->id);
}

gint64
inb_take_entry_get_created (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->created;
}

/**
 * inb_take_entry_get_state:
 *
 * Returns: the job's state while it runs here, else the take's
 */
InbJobState
inb_take_entry_get_state (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), INB_JOB_FAILED);

  return self->job != NULL ? inb_job_get_state (self->job) : self->state;
}

InbTakeCondition
inb_take_entry_get_condition (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), INB_TAKE_CONDITION_DAMAGED);
  return self->condition;
}

const char *
inb_take_entry_get_backend_id (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->backend_id;
}

const char *
inb_take_entry_get_model_id (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->model_id;
}

/**
 * inb_take_entry_get_prompt:
 *
 * Returns: (nullable): the prompt, without control characters, cut after
 *   a few hundred characters
 */
const char *
inb_take_entry_get_prompt (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->prompt;
}

gint64
inb_take_entry_get_seed (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->seed;
}

double
inb_take_entry_get_duration (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return inb_clip_length (self->n_frames, self->fps);
}

guint
inb_take_entry_get_n_frames (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->n_frames;
}

double
inb_take_entry_get_fps (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->fps;
}

guint
inb_take_entry_get_width (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->width;
}

guint
inb_take_entry_get_height (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);
  return self->height;
}

gboolean
inb_take_entry_get_starred (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), FALSE);
  return self->starred;
}

/**
 * inb_take_entry_get_warnings:
 *
 * Returns: (transfer none): what the backend warned of while making the
 *   take, in words, in order (empty: none)
 */
const char * const *
inb_take_entry_get_warnings (InbTakeEntry *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->warnings != NULL ? (const char * const *) self->warnings : none;
}

const char *
inb_take_entry_get_note (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->note;
}

const char *
inb_take_entry_get_group (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->group;
}

/**
 * inb_take_entry_get_error_message:
 *
 * Returns: (nullable): why it failed, for the user
 */
const char *
inb_take_entry_get_error_message (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);

  if (self->job != NULL && inb_job_get_error (self->job) != NULL)
    return inb_job_get_error (self->job)->message;

  return self->error_message;
}

gboolean
inb_take_entry_get_has_clip (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), FALSE);
  return self->has_clip;
}

double
inb_take_entry_get_colour_shift (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), -1);
  return self->colour_shift;
}

gboolean
inb_take_entry_get_drift (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), FALSE);
  return self->drift;
}

/**
 * inb_take_entry_get_job:
 *
 * Returns: (transfer none) (nullable): the job making it in this process
 */
InbJob *
inb_take_entry_get_job (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return self->job;
}

double
inb_take_entry_get_fraction (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), 0);

  if (self->job != NULL)
    return inb_job_get_fraction (self->job);

  return self->state == INB_JOB_DONE ? 1.0 : 0.0;
}

char *
inb_take_entry_dup_stage (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);

  return self->job != NULL ? inb_job_dup_stage (self->job) : NULL;
}

char *
inb_take_entry_dup_clip_path (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return g_build_filename (self->dir, "clip.mp4", NULL);
}

char *
inb_take_entry_dup_thumbnail_path (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return g_build_filename (self->dir, "thumbnail.png", NULL);
}

char *
inb_take_entry_dup_keyframe_path (InbTakeEntry *self,
                                  gboolean      last)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), NULL);
  return g_build_filename (self->dir, last ? "last.png" : "first.png", NULL);
}

gboolean
inb_take_entry_is_active (InbTakeEntry *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), FALSE);
  return !inb_job_state_is_terminal (inb_take_entry_get_state (self));
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

/**
 * inb_take_entry_matches_text:
 * @text: casefolded (g_utf8_casefold())
 */
gboolean
inb_take_entry_matches_text (InbTakeEntry *self,
                             const char   *text)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (self), FALSE);

  if (text == NULL || *text == '\0')
    return TRUE;

  return contains (self->prompt, text) || contains (self->note, text) ||
         contains (self->title, text) || contains (self->id, text);
}
