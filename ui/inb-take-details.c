/* inb-take-details.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library keeps a small summary of each take; what the details show
 * (every parameter, the rewritten prompt, timings, cost) is in take.json,
 * read in a worker thread when a take is chosen and again when it
 * changes. Parameters are titled and their values worded from the model's
 * schema when this Inbetween has the model, else shown by name.
 */
#define G_LOG_DOMAIN "inb-take-details"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "inb-a11y.h"
#include "inb-fidelity.h"
#include "inb-json.h"
#include "inb-param-panel.h"
#include "inb-resources.h"
#include "inb-take-details.h"
#include "inb-wrap-box.h"
#include "inb-take-format.h"
#include "inb-take.h"
#include "inb-texture-loader.h"

#define KEYFRAME_SIZE 480
#define RELOAD_DELAY_MS 200

struct _InbTakeDetails
{
  AdwBin          parent_instance;

  InbSession     *session;
  InbTakeEntry   *entry;
  JsonObject     *manifest;
  GCancellable   *cancellable;
  GCancellable   *keyframes_cancellable;
  GHashTable     *shown;          /* name → text */
  char           *keyframes_for;  /* the folder whose keyframes are shown */
  guint           reload_id;
  guint           group_size;

  /* Template Widgets */
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *badge;
  GtkWidget      *reroll_button;
  GtkWidget      *variations_button;
  GtkSpinButton  *variations_spin;
  GtkWidget      *group_button;
  GtkWidget      *progress_box;
  GtkProgressBar *progress;
  GtkLabel       *stage_label;
  GtkLabel       *error_label;
  GtkWidget      *unknown_box;
  GtkWidget      *send_again_button;
  GtkWidget      *give_up_button;
  GtkWidget      *warning_box;
  GtkLabel       *warning_label;
  GtkPicture     *first_picture;
  GtkPicture     *last_picture;
  GtkBox         *sections;
};

G_DEFINE_FINAL_TYPE (InbTakeDetails, inb_take_details, ADW_TYPE_BIN)

enum {
  SHOW_GROUP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const state_classes[] = { "running", "done", "failed", "cancelled", "warning", "newer" };

/* Sections ------------------------------------------------------------------ */

static void
clear_sections (InbTakeDetails *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections))) != NULL)
    gtk_box_remove (self->sections, child);
  g_hash_table_remove_all (self->shown);
}

static GtkWidget *
add_group (InbTakeDetails *self,
           const char     *title,
           const char     *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->sections, group);

  return group;
}

/* A row: title on the left, the value (selectable) on the right */
/* No break inside a short hyphenated word of @label ("in-|betweening"
 * at 360 px): the value wraps between its words. Attributes, not joining
 * characters, so that a value copied is the value; a path (with a "/")
 * or a long word may still break where it must. */
static void
keep_hyphenated_words (GtkLabel   *label,
                       const char *value)
{
  PangoAttrList *attrs;
  const char *p = value;

  if (strchr (value, '/') != NULL || strchr (value, '-') == NULL)
    return;

  attrs = pango_attr_list_new ();
  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && g_ascii_isspace (*p))
        p++;
      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      if (p > start && memchr (start, '-', p - start) != NULL && g_utf8_strlen (start, p - start) <= 16)
        {
          PangoAttribute *attr = pango_attr_allow_breaks_new (FALSE);

          attr->start_index = start - value;
          attr->end_index = p - value;
          pango_attr_list_insert (attrs, attr);
        }
    }
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

static void
add_row (InbTakeDetails *self,
         GtkWidget      *group,
         const char     *name,
         const char     *title,
         const char     *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  /* A short value ("WaveSpeed AI") on one line, not "Wav-eSpe-ed AI"
   * beside a long title in a narrow column; a long one wraps */
  gtk_label_set_width_chars (GTK_LABEL (label), MIN ((int) g_utf8_strlen (value, -1), 14));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  keep_hyphenated_words (GTK_LABEL (label), value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  if (name != NULL)
    g_hash_table_replace (self->shown, g_strdup (name), g_strdup (value));
}

/* A block of text (a prompt) in a card */
static void
add_text (InbTakeDetails *self,
          const char     *name,
          const char     *title,
          const char     *description,
          const char     *text)
{
  GtkWidget *group = add_group (self, title, description);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "take-text");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);

  g_hash_table_replace (self->shown, g_strdup (name), g_strdup (text));
}

static char *
format_value (const InbParamSpec *spec,
              JsonNode           *value)
{
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      GType type = json_node_get_value_type (value);

      if (type == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (value);

          for (guint i = 0; spec != NULL && spec->enum_values != NULL && spec->enum_values[i] != NULL; i++)
            if (g_str_equal (spec->enum_values[i], s) && spec->enum_labels != NULL && spec->enum_labels[i] != NULL)
              return g_strdup (spec->enum_labels[i]);
          return g_strdup (s);
        }
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (value) ? _("On") : _("Off"));
      if (type == G_TYPE_INT64)
        text = g_strdup_printf ("%" PRId64, json_node_get_int (value));
      else if (type == G_TYPE_DOUBLE)
        text = g_strdup_printf ("%g", json_node_get_double (value));
    }

  if (text == NULL)
    text = json_to_string (value, FALSE);

  if (spec != NULL && spec->unit != NULL && g_strcmp0 (spec->widget, "seed") != 0)
    /* Translators: a value and its unit, "5 s" */
    return g_strdup_printf (_("%s %s"), text, inb_param_panel_unit_label (spec->unit));

  return g_steal_pointer (&text);
}

static InbSchema *
lookup_schema (InbTakeDetails *self,
               const char     *backend_id,
               const char     *model_id)
{
  InbBackend *backend = backend_id != NULL ? inb_session_lookup_backend (self->session, backend_id) : NULL;
  InbModel *model = backend != NULL && model_id != NULL ? inb_backend_find_model (backend, model_id) : NULL;

  return model != NULL ? inb_model_get_schema (model) : NULL;
}

static const char *
timing_title (const char *name)
{
  if (g_str_equal (name, "total"))
    return _("Total time");
  if (g_str_equal (name, "generate"))
    return _("Generating");
  if (g_str_equal (name, "upload"))
    return _("Uploading");
  if (g_str_equal (name, "download"))
    return _("Downloading");

  return name;
}

static void
add_settings (InbTakeDetails *self)
{
  JsonObject *m = self->manifest;
  const char *backend_id = inb_json_get_string (m, "backend");
  const char *model_id = inb_json_get_string (m, "model");
  InbSchema *schema = lookup_schema (self, backend_id, model_id);
  JsonObject *params = inb_json_get_object (m, "parameters");
  InbBackend *backend = backend_id != NULL ? inb_session_lookup_backend (self->session, backend_id) : NULL;
  InbModel *model = backend != NULL && model_id != NULL ? inb_backend_find_model (backend, model_id) : NULL;
  g_autoptr(GList) members = NULL;
  GtkWidget *group;
  gint64 seed = 0;

  group = add_group (self, _("Settings"), schema == NULL && backend_id != NULL
                     ? _("This Inbetween does not have this model: parameters are shown by name")
                     : NULL);
  add_row (self, group, "backend", _("Backend"),
           backend != NULL ? inb_backend_get_name (backend) : backend_id != NULL ? backend_id : _("Unknown"));
  add_row (self, group, "model", _("Model"),
           model != NULL ? inb_model_get_title (model) : model_id != NULL ? model_id : _("Unknown"));

  if (schema != NULL && inb_schema_lookup (schema, "seed") == NULL)
    add_row (self, group, "seed", _("Seed"), _("None: this model makes the same clip every time"));
  else if (inb_json_get_int (m, "seed", &seed))
    {
      g_autofree char *text = g_strdup_printf ("%" PRId64, seed);

      add_row (self, group, "seed", _("Seed"), text);
    }

  /* In the schema's order, then any the schema does not know */
  for (guint i = 0; schema != NULL && i < inb_schema_get_n_params (schema); i++)
    {
      const InbParamSpec *spec = inb_schema_get_param (schema, i);
      JsonNode *value = params != NULL ? json_object_get_member (params, spec->name) : NULL;
      g_autofree char *text = NULL;

      if (value == NULL || g_strcmp0 (spec->widget, "seed") == 0 || g_str_equal (spec->name, "seed"))
        continue;

      text = format_value (spec, value);
      add_row (self, group, spec->name, spec->title != NULL ? spec->title : spec->name, text);
    }

  members = params != NULL ? json_object_get_members (params) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *text = NULL;

      if (g_str_equal (l->data, "seed") || (schema != NULL && inb_schema_lookup (schema, l->data) != NULL))
        continue;

      text = format_value (NULL, json_object_get_member (params, l->data));
      add_row (self, group, l->data, l->data, text);
    }
}

static void
add_fidelity (InbTakeDetails *self)
{
  JsonObject *object = inb_json_get_object (self->manifest, "fidelity");
  InbFidelity fidelity;
  GtkWidget *group;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *description = NULL;

  if (object == NULL || !inb_fidelity_from_json (object, &fidelity, NULL))
    return;

  if (fidelity.drift)
    /* Translators: %.0f is the ΔE threshold */
    description = g_strdup_printf (_("The colours drift from the keyframes: a cut against them would show it "
                                     "(ΔE above %.0f). Export can colour-match the ends."),
                                   INB_FIDELITY_DRIFT_THRESHOLD);
  else
    description = g_strdup (_("The clip’s ends keep the keyframes’ colours"));

  group = add_group (self, _("Keyframe Fidelity"), description);
  /* Translators: how close a frame is to its keyframe: PSNR in dB, then
   * the colour shift as a CIEDE2000 ΔE */
  first = g_strdup_printf (_("PSNR %.1f dB · ΔE %.1f"), fidelity.first.psnr, fidelity.first.colour_shift);
  last = g_strdup_printf (_("PSNR %.1f dB · ΔE %.1f"), fidelity.last.psnr, fidelity.last.colour_shift);
  add_row (self, group, "fidelity-first", _("First frame"), first);
  add_row (self, group, "fidelity-last", _("Last frame"), last);
}

static void
add_run (InbTakeDetails *self)
{
  JsonObject *m = self->manifest;
  JsonObject *result = inb_json_get_object (m, "result");
  JsonObject *service = inb_json_get_object (result, "backend");
  JsonObject *timings = inb_json_get_object (m, "timings");
  const char *created = inb_json_get_string (m, "created");
  g_autoptr(GList) members = NULL;
  GtkWidget *group = add_group (self, _("Clip and Run"), NULL);
  gint64 cost = 0;

  if (inb_take_entry_get_n_frames (self->entry) > 0)
    {
      g_autofree char *duration = inb_take_format_duration (inb_take_entry_get_duration (self->entry));
      g_autofree char *clip = NULL;

      /* Translators: "5.1 s · 81 frames at 16 fps · 1280 × 720" */
      clip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u frame at %g fps · %u × %u",
                                           "%s · %u frames at %g fps · %u × %u",
                                           inb_take_entry_get_n_frames (self->entry)), duration,
                              inb_take_entry_get_n_frames (self->entry), inb_take_entry_get_fps (self->entry),
                              inb_take_entry_get_width (self->entry), inb_take_entry_get_height (self->entry));
      clip = inb_take_format_join_size (g_steal_pointer (&clip));
      add_row (self, group, "clip", _("Clip"), clip);
    }

  if (created != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (created, NULL);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      /* Translators: a date and time, as g_date_time_format() takes it */
      g_autofree char *text = local != NULL ? g_date_time_format (local, _("%e %B %Y, %H:%M:%S")) : NULL;

      /* %e pads a one-digit day with a figure space (U+2007), which
       * g_strstrip() leaves and a screen reader reads */
      if (text != NULL)
        add_row (self, group, "created", _("Made"),
                 g_strstrip (g_str_has_prefix (text, "\u2007") ? text + sizeof ("\u2007") - 1 : text));
    }

  members = timings != NULL ? json_object_get_members (timings) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (timings, l->data);
      g_autofree char *text = NULL;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_DOUBLE)
        continue;
      text = inb_take_format_seconds (json_node_get_double (node));
      add_row (self, group, l->data, timing_title (l->data), text);
    }

  if (inb_json_get_int (service, "inference_ms", &cost))
    {
      g_autofree char *text = inb_take_format_seconds (cost / 1000.0);

      add_row (self, group, "inference", _("At the service"), text);
    }

  if (inb_json_get_int (service, "cost", &cost))
    {
      g_autofree char *text = g_strdup_printf ("%" PRId64, cost);

      add_row (self, group, "cost", _("Cost (as the service reports it)"), text);
    }
  else
    {
      JsonObject *usage = inb_json_get_object (service, "usage");
      gint64 seconds = 0;

      if (inb_json_get_int (usage, "video_duration", &seconds))
        {
          /* Translators: what the service billed, in seconds of video */
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " second of video",
                                                                "%" PRId64 " seconds of video", seconds), seconds);

          add_row (self, group, "cost", _("Billed"), text);
        }
    }

  add_row (self, group, "folder", _("Folder"), inb_take_entry_get_dir (self->entry));
}

static void
fill_sections (InbTakeDetails *self)
{
  JsonObject *m = self->manifest;
  JsonObject *service = inb_json_get_object (inb_json_get_object (m, "result"), "backend");
  const char *prompt = inb_json_get_string (m, "prompt");
  const char *negative = inb_json_get_string (m, "negative_prompt");
  const char *rewritten = inb_json_get_string (service, "actual_prompt");
  const char *note = inb_take_entry_get_note (self->entry);

  clear_sections (self);

  if (note != NULL)
    add_text (self, "note", _("Note"), NULL, note);

  if (m == NULL)
    return;

  add_text (self, "prompt", _("Prompt"), NULL,
            prompt != NULL && *prompt != '\0' ? prompt : _("No prompt"));
  if (negative != NULL && *negative != '\0')
    add_text (self, "negative_prompt", _("Negative Prompt"), NULL, negative);
  if (rewritten != NULL && *rewritten != '\0' && g_strcmp0 (rewritten, prompt) != 0)
    add_text (self, "rewritten_prompt", _("Prompt as the Service Rewrote It"),
              _("The service extended the prompt before generating; this is what the model saw"), rewritten);

  add_settings (self);
  add_fidelity (self);
  add_run (self);
}

/* The header and state -------------------------------------------------------- */

static void
update_state (InbTakeDetails *self)
{
  g_autofree char *title = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *age = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *status = NULL;
  g_autofree char *warnings = NULL;
  const char *state_class;
  const char *error;
  gboolean active;
  gboolean failed;

  if (self->entry == NULL)
    return;

  title = inb_take_entry_dup_display_title (self->entry);
  gtk_label_set_label (self->title_label, title);
  backend = inb_take_format_backend (self->session, inb_take_entry_get_backend_id (self->entry),
                                     inb_take_entry_get_model_id (self->entry));
  age = inb_take_format_age (inb_take_entry_get_created (self->entry), g_get_real_time ());
  /* Translators: "3 min ago · WaveSpeed · Wan 2.1" */
  subtitle = g_strdup_printf (_("%s · %s"), age, backend);
  {
    /* Narrow, it wraps at a " · ", not in "in-|betweening" (as the rows) */
    g_autofree char *shown = inb_take_format_join_phrases (subtitle);

    gtk_label_set_label (self->subtitle_label, shown);
  }

  gtk_label_set_label (self->badge, inb_take_format_state (self->entry));
  state_class = inb_take_format_state_class (self->entry);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    if (!g_str_equal (state_classes[i], state_class))
      gtk_widget_remove_css_class (GTK_WIDGET (self->badge), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), state_class);

  active = inb_take_entry_is_active (self->entry) &&
           inb_take_entry_get_condition (self->entry) == INB_TAKE_CONDITION_OK;
  failed = g_str_equal (state_class, "failed") || g_str_equal (state_class, "warning");
  gtk_widget_set_visible (self->progress_box, active);
  if (active)
    {
      status = inb_take_format_status (self->entry, NULL);
      gtk_progress_bar_set_fraction (self->progress, inb_take_entry_get_fraction (self->entry));
      gtk_label_set_label (self->stage_label, status);
    }

  /* A submit that got no answer waits for the user */
  gtk_widget_set_visible (self->unknown_box,
                          inb_take_entry_get_state (self->entry) == INB_JOB_SUBMIT_UNKNOWN &&
                          inb_take_entry_get_condition (self->entry) == INB_TAKE_CONDITION_OK);

  error = inb_take_entry_get_error_message (self->entry);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && error != NULL);
  gtk_label_set_label (self->error_label, error);

  /* What the backend warned of, done or failed: one line each */
  warnings = g_strjoinv ("\n", (char **) inb_take_entry_get_warnings (self->entry));
  gtk_widget_set_visible (self->warning_box, *warnings != '\0');
  gtk_label_set_label (self->warning_label, warnings);
  if (*warnings != '\0')
    g_hash_table_replace (self->shown, g_strdup ("warnings"), g_strdup (warnings));
  else
    g_hash_table_remove (self->shown, "warnings");

  gtk_widget_set_visible (self->group_button, self->group_size > 1);
}

/* Reading take.json and the keyframes ---------------------------------------------- */

static void
read_manifest_worker (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  JsonObject *manifest = inb_take_read_manifest (task_data, &error);

  if (manifest == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, manifest, (GDestroyNotify) json_object_unref);
}

/* @user_data: the details, not held (see load()): cancelled, they may be
 * gone */
static void
manifest_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  InbTakeDetails *self = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *manifest = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (manifest == NULL)
    g_debug ("No take.json to show: %s", error->message);

  g_clear_pointer (&self->manifest, json_object_unref);
  self->manifest = manifest;
  fill_sections (self);
  update_state (self);
}

static void
keyframe_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GtkPicture *picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = inb_texture_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (picture);
      return;
    }

  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  g_object_unref (picture);
}

static void
load (InbTakeDetails *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->entry == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a widget finalized there races
   * GTK on the main thread. Unheld, the details are kept from the callback
   * by the cancellable, which every reload, set_entry() and dispose cancel
   * first. */
  task = g_task_new (NULL, self->cancellable, manifest_read_cb, self);
  g_task_set_name (task, "[inb] take details");
  g_task_set_task_data (task, g_strdup (inb_take_entry_get_dir (self->entry)), g_free);
  g_task_run_in_thread (task, read_manifest_worker);

  /* A take chosen as it starts has no keyframes saved yet: each reload
   * (the take moving on) tries again until both are shown */
  if (g_strcmp0 (self->keyframes_for, inb_take_entry_get_dir (self->entry)) != 0 ||
      gtk_picture_get_paintable (self->first_picture) == NULL ||
      gtk_picture_get_paintable (self->last_picture) == NULL)
    {
      g_autofree char *first = inb_take_entry_dup_keyframe_path (self->entry, FALSE);
      g_autofree char *last = inb_take_entry_dup_keyframe_path (self->entry, TRUE);

      g_free (self->keyframes_for);
      self->keyframes_for = g_strdup (inb_take_entry_get_dir (self->entry));
      gtk_picture_set_paintable (self->first_picture, NULL);
      gtk_picture_set_paintable (self->last_picture, NULL);
      if (self->keyframes_cancellable != NULL)
        g_cancellable_cancel (self->keyframes_cancellable);
      g_clear_object (&self->keyframes_cancellable);
      self->keyframes_cancellable = g_cancellable_new ();
      inb_texture_load_async (first, KEYFRAME_SIZE, self->keyframes_cancellable, keyframe_loaded_cb,
                              g_object_ref (self->first_picture));
      inb_texture_load_async (last, KEYFRAME_SIZE, self->keyframes_cancellable, keyframe_loaded_cb,
                              g_object_ref (self->last_picture));
    }
}

static gboolean
reload_cb (gpointer user_data)
{
  InbTakeDetails *self = user_data;

  self->reload_id = 0;
  load (self);

  return G_SOURCE_REMOVE;
}

/* The take changed: its state now, and take.json again once it settles */
static void
entry_notify_cb (InbTakeDetails *self,
                 GParamSpec     *pspec)
{
  update_state (self);

  if (g_str_equal (pspec->name, "fraction") || g_str_equal (pspec->name, "stage"))
    return;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

void
inb_take_details_set_entry (InbTakeDetails *self,
                            InbTakeEntry   *entry)
{
  g_return_if_fail (INB_IS_TAKE_DETAILS (self));
  g_return_if_fail (entry == NULL || INB_IS_TAKE_ENTRY (entry));

  if (self->entry == entry)
    return;

  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_set_object (&self->entry, entry);
  g_clear_pointer (&self->manifest, json_object_unref);
  g_clear_pointer (&self->keyframes_for, g_free);
  self->group_size = 1;
  clear_sections (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (self->warning_box, FALSE);
  gtk_widget_set_visible (self->unknown_box, FALSE);

  if (entry == NULL)
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      if (self->keyframes_cancellable != NULL)
        g_cancellable_cancel (self->keyframes_cancellable);
      g_clear_object (&self->keyframes_cancellable);
      gtk_picture_set_paintable (self->first_picture, NULL);
      gtk_picture_set_paintable (self->last_picture, NULL);
      return;
    }

  g_signal_connect_object (entry, "notify", G_CALLBACK (entry_notify_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
  load (self);
}

InbTakeEntry *
inb_take_details_get_entry (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);
  return self->entry;
}

/**
 * inb_take_details_get_manifest:
 *
 * Returns: (transfer none) (nullable)
 */
JsonObject *
inb_take_details_get_manifest (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);
  return self->manifest;
}

gboolean
inb_take_details_get_loaded (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), FALSE);
  return self->manifest != NULL;
}

void
inb_take_details_set_reroll_problem (InbTakeDetails *self,
                                     const char     *problem)
{
  g_return_if_fail (INB_IS_TAKE_DETAILS (self));

  if (problem != NULL)
    {
      /* Translators: %s says why, e.g. "Local engine has no seed: it makes
       * the same clip every time" */
      g_autofree char *tip = g_strdup_printf (_("Cannot re-roll: %s"), problem);

      gtk_widget_set_tooltip_text (self->reroll_button, tip);
      gtk_widget_set_tooltip_text (self->variations_button, tip);
    }
  else
    {
      gtk_widget_set_tooltip_text (self->reroll_button, _("The same settings with a new seed (Ctrl+R)"));
      gtk_widget_set_tooltip_text (self->variations_button,
                                   _("Several takes of the same settings, each with its own seed"));
    }
  gtk_widget_set_sensitive (self->variations_button, problem == NULL);
}

void
inb_take_details_set_group_size (InbTakeDetails *self,
                                 guint           n)
{
  g_return_if_fail (INB_IS_TAKE_DETAILS (self));

  self->group_size = n;
  gtk_widget_set_visible (self->group_button, n > 1);
}

const char *
inb_take_details_get_shown (InbTakeDetails *self,
                            const char     *name)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);
  return g_hash_table_lookup (self->shown, name);
}

/**
 * inb_take_details_get_unknown_button:
 * @send_again: %TRUE: Send Again; %FALSE: Mark as Failed
 *
 * For tests. Returns: (transfer none) (nullable): the button, when the
 * take waits for the user (its submit got no answer)
 */
GtkWidget *
inb_take_details_get_unknown_button (InbTakeDetails *self,
                                     gboolean        send_again)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);

  if (!gtk_widget_get_visible (self->unknown_box))
    return NULL;
  return send_again ? self->send_again_button : self->give_up_button;
}

/* For tests: the explanation shown for a take that waits, or %NULL */
const char *
inb_take_details_get_unknown_text (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);

  if (!gtk_widget_get_visible (self->unknown_box))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (self->unknown_box)));
}

GtkWidget *
inb_take_details_get_reroll_button (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), NULL);
  return self->reroll_button;
}

static void
make_variations_clicked_cb (InbTakeDetails *self)
{
  guint n = (guint) gtk_spin_button_get_value_as_int (self->variations_spin);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self->variations_spin), GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_activate_action (GTK_WIDGET (self), "take.variations", "u", n);
}

static void
group_clicked_cb (InbTakeDetails *self)
{
  if (self->entry != NULL && inb_take_entry_get_group (self->entry) != NULL)
    g_signal_emit (self, signals[SHOW_GROUP], 0, inb_take_entry_get_group (self->entry));
}

GtkWidget *
inb_take_details_new (void)
{
  return g_object_new (INB_TYPE_TAKE_DETAILS, NULL);
}

void
inb_take_details_set_session (InbTakeDetails *self,
                              InbSession     *session)
{
  g_return_if_fail (INB_IS_TAKE_DETAILS (self));
  g_return_if_fail (INB_IS_SESSION (session));

  g_set_object (&self->session, session);
}

static void
inb_take_details_dispose (GObject *object)
{
  InbTakeDetails *self = INB_TAKE_DETAILS (object);

  inb_take_details_set_entry (self, NULL);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (inb_take_details_parent_class)->dispose (object);
}

static void
inb_take_details_finalize (GObject *object)
{
  InbTakeDetails *self = INB_TAKE_DETAILS (object);

  g_hash_table_destroy (self->shown);

  G_OBJECT_CLASS (inb_take_details_parent_class)->finalize (object);
}

static void
inb_take_details_class_init (InbTakeDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_take_details_dispose;
  object_class->finalize = inb_take_details_finalize;

  signals[SHOW_GROUP] =
    g_signal_new ("show-group", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (INB_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-take-details.ui");
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, title_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, badge);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, reroll_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, variations_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, variations_spin);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, group_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, progress_box);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, progress);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, stage_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, error_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, unknown_box);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, send_again_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, give_up_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, warning_box);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, warning_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, first_picture);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, last_picture);
  gtk_widget_class_bind_template_child (widget_class, InbTakeDetails, sections);
  gtk_widget_class_bind_template_callback (widget_class, make_variations_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, group_clicked_cb);

  gtk_widget_class_set_css_name (widget_class, "takedetails");
}

static void
inb_take_details_init (InbTakeDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  inb_a11y_name_menu_button (GTK_MENU_BUTTON (self->variations_button),
                             gtk_menu_button_get_label (GTK_MENU_BUTTON (self->variations_button)));

  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->group_size = 1;
  inb_take_details_set_reroll_problem (self, NULL);
}

gboolean
inb_take_details_get_keyframes_shown (InbTakeDetails *self)
{
  g_return_val_if_fail (INB_IS_TAKE_DETAILS (self), FALSE);
  return gtk_picture_get_paintable (self->first_picture) != NULL &&
         gtk_picture_get_paintable (self->last_picture) != NULL;
}
