/* inb-window-generate.c — Generate (the session's one generate path), and
 * showing a finished take
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-preferences-window.h"
#include "inb-take.h"
#include "inb-window-private.h"
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
        _inb_window_toast (self, error->message);

      _inb_window_update_state (self);
      return;
    }

  g_clear_pointer (&self->key_problem, g_free);
  g_clear_pointer (&self->key_provider, g_free);
  g_ptr_array_add (self->own_jobs, g_object_ref (job));
  /* The new take is the one chosen: its progress, its previews, then its clip */
  _inb_window_show_take (self, inb_take_get_id (inb_job_get_take (job)));
  _inb_window_update_state (self);
}

static char *
dup_prompt (GtkTextView *view)
{
  g_autofree char *text = _inb_window_dup_buffer_text (view);

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

void
_inb_window_generate_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbGenerateInputs *inputs;

  _inb_window_update_state (self);
  if (!self->can_generate)
    return;

  if (inb_param_panel_get_random_seed (self->param_panel))
    inb_param_panel_roll_seed (self->param_panel);

  _inb_window_save_params (self);

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
  _inb_window_update_state (self);

  inb_session_generate_async (self->session, inputs, self->cancellable,
                              generate_cb, g_object_ref (self));
}

/* Which backends that take a key have none: the model selector marks
 * them and the hint above Generate says it before Generate is pressed.
 * Looked up without blocking, again when the window comes back to the
 * front (after Preferences, say). */
typedef struct
{
  InbWindow *window;
  char      *provider;
} KeyCheck;

static void
key_checked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KeyCheck *check = user_data;
  g_autoptr(InbWindow) self = check->window;
  g_autofree char *provider = check->provider;
  char *key;
  gboolean missing;
  gboolean changed;

  g_free (check);
  key = inb_secrets_lookup_finish (INB_SECRETS (object), result, NULL, NULL);
  missing = key == NULL || *key == '\0';
  inb_secrets_free_key (key);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (missing)
    changed = g_hash_table_add (self->keyless, g_strdup (provider));
  else
    changed = g_hash_table_remove (self->keyless, provider);

  if (changed)
    {
      _inb_window_refresh_models (self);
      _inb_window_update_state (self);
    }
}

void
_inb_window_check_keys (InbWindow *self)
{
  g_autoptr(GHashTable) asked = g_hash_table_new (g_str_hash, g_str_equal);
  InbSecrets *secrets = inb_session_get_secrets (self->session);

  if (secrets == NULL || self->cancellable == NULL)
    return;

  for (guint i = 0; i < self->choices->len; i++)
    {
      InbBackend *backend = g_array_index (self->choices, Choice, i).backend;
      const char *id = inb_backend_get_id (backend);
      KeyCheck *check;

      if (!inb_backend_takes_key (backend) || !g_hash_table_add (asked, (gpointer) id))
        continue;

      check = g_new0 (KeyCheck, 1);
      check->window = g_object_ref (self);
      check->provider = g_strdup (id);
      inb_secrets_lookup_async (secrets, id, self->cancellable, key_checked_cb, check);
    }
}

/* A key added in Preferences answers the "no key" message at once. */
static void
inb_window_key_changed_cb (InbWindow            *self,
                           const char           *provider,
                           InbPreferencesWindow *prefs)
{
  if (inb_preferences_window_get_key_source (prefs, provider) != INB_KEY_SOURCE_NONE &&
      g_hash_table_remove (self->keyless, provider))
    {
      _inb_window_refresh_models (self);
      _inb_window_update_state (self);
    }
  _inb_window_check_keys (self);

  if (self->key_problem == NULL || g_strcmp0 (provider, self->key_provider) != 0)
    return;

  if (inb_preferences_window_get_key_source (prefs, provider) == INB_KEY_SOURCE_NONE)
    return;

  g_clear_pointer (&self->key_problem, g_free);
  g_clear_pointer (&self->key_provider, g_free);
  _inb_window_update_state (self);
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

void
_inb_window_key_button_clicked_cb (InbWindow *self,
                                  GtkButton *button)
{
  inb_window_show_preferences (self, self->key_provider);
}

/* A finished take of this window's is chosen in the library: played,
 * its details shown. */
static void
inb_window_open_job (InbWindow *self,
                     InbJob    *job)
{
  _inb_window_show_take (self, inb_take_get_id (inb_job_get_take (job)));
}

void
_inb_window_job_finished_cb (InbWindow   *self,
                            InbJob      *job,
                            InbJobQueue *queue)
{
  g_auto(GStrv) warnings = NULL;
  g_autofree char *failed = NULL;
  guint n_warnings;

  /* How the server is now, after a take of it */
  if (inb_job_get_backend (job) == self->backend && inb_backend_can_check (self->backend))
    _inb_window_check_server (self);

  /* Another window's take: that window tells its artist */
  if (!g_ptr_array_remove (self->own_jobs, job))
    return;
  _inb_window_update_state (self);

  warnings = inb_job_dup_warnings (job);
  n_warnings = g_strv_length (warnings);

  switch (inb_job_get_state (job))
    {
    case INB_JOB_DONE:
      inb_window_open_job (self, job);
      _inb_window_toast_take_ready (self, (const char * const *) warnings);
      break;

    case INB_JOB_CANCELLED:
      break;

    default:
      failed = g_strdup (inb_job_get_error (job) != NULL ? inb_job_get_error (job)->message : _("The take failed"));
      if (n_warnings > 0 || g_utf8_strlen (failed, -1) > INB_WINDOW_TOAST_WHOLE_CHARS)
        {
          /* Too long for the toast's one line (cut at phone width): said
           * short, and whole behind Details, with every warning the
           * backend gave before it failed */
          g_autoptr(GString) details = g_string_new (failed);

          for (guint i = 0; i < n_warnings; i++)
            g_string_append_printf (details, "\n\n%s", warnings[i]);
          g_free (failed);
          failed = g_strdup (_("The take failed"));
          _inb_window_toast_with_details (self, failed, details->str);
        }
      else
        _inb_window_toast (self, failed);
      g_free (self->last_take_toast);
      self->last_take_toast = g_strdup (failed);
      break;
    }
}
