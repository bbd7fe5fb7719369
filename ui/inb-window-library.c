/* inb-window-library.c — the library in the window: loading it, the take
 * chosen (played, detailed), and what can be done with a take
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "take.*" actions act on the take selected in the library panel (a
 * row's menu selects its row first): use its settings, re-roll, make
 * variations, run it on another backend, export, show in Files, star,
 * rename, note, delete with undo. Dropping a clip Inbetween exported
 * onto the window restores the settings written into it.
 */
#define G_LOG_DOMAIN "inb-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "inb-compare-picker.h"
#include "inb-export-dialog.h"
#include "inb-exporter.h"
#include "inb-json.h"
#include "inb-resume-settle.h"
#include "inb-take.h"
#include "inb-texture-loader.h"
#include "inb-a11y.h"
#include "inb-window-private.h"

static InbTakeEntry *
selected_entry (InbWindow *self)
{
  return self->library_panel != NULL ? inb_library_panel_get_selected (self->library_panel) : NULL;
}

/* A toast naming a take: @format has one %s for its title */
static void
toast_take (InbWindow    *self,
            const char   *format,
            InbTakeEntry *entry)
{
  g_autofree char *title = inb_take_entry_dup_display_title (entry);
  g_autofree char *text = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  text = g_strdup_printf (format, title);
#pragma GCC diagnostic pop

  _inb_window_toast (self, text);
}

/* Playing a take ---------------------------------------------------------------- */

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

  if (o->self->open_cancellable == NULL || g_cancellable_is_cancelled (o->self->open_cancellable))
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

/* Plays @entry's clip, with its keyframes as they were sent for the
 * player's overlay (read off the main thread); a take without a clip
 * leaves the player empty. */
static void
play_entry (InbWindow    *self,
            InbTakeEntry *entry)
{
  g_autofree char *clip = NULL;
  g_autofree char *first = NULL;
  Opening *o;

  /* Being made: its previews, where the backend sends any */
  _inb_window_follow_preview (self, entry);

  /* Playing (or opening) already: chosen again, it carries on */
  if (entry != NULL && inb_take_entry_get_state (entry) == INB_JOB_DONE && inb_take_entry_get_has_clip (entry) &&
      g_strcmp0 (self->playing_dir, inb_take_entry_get_dir (entry)) == 0)
    return;

  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);

  if (entry == NULL || inb_take_entry_get_state (entry) != INB_JOB_DONE || !inb_take_entry_get_has_clip (entry))
    {
      g_clear_pointer (&self->playing_dir, g_free);
      inb_player_set_keyframes (self->player, NULL, NULL);
      inb_player_set_file (self->player, NULL);
      return;
    }

  g_free (self->playing_dir);
  self->playing_dir = g_strdup (inb_take_entry_get_dir (entry));
  self->open_cancellable = g_cancellable_new ();

  clip = inb_take_entry_dup_clip_path (entry);
  first = inb_take_entry_dup_keyframe_path (entry, FALSE);
  o = g_new0 (Opening, 1);
  o->self = g_object_ref (self);
  o->clip = g_file_new_for_path (clip);
  o->last = inb_take_entry_dup_keyframe_path (entry, TRUE);
  inb_texture_load_async (first, 0, self->open_cancellable, keyframe_loaded_cb, o);
}

/* Actions' sensitivity ------------------------------------------------------------- */

void
_inb_window_update_take_actions (InbWindow *self)
{
  InbTakeEntry *entry = selected_entry (self);
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean ok = entry != NULL && inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_OK;
  gboolean busy = entry != NULL && inb_take_entry_get_job (entry) != NULL && inb_take_entry_is_active (entry);
  g_autofree char *why = NULL;
  gboolean can_reroll = FALSE;

  if (ok)
    can_reroll = inb_session_can_reroll (self->session, inb_take_entry_get_backend_id (entry),
                                         inb_take_entry_get_model_id (entry), &why);
  else if (entry != NULL)
    why = g_strdup (_("its record could not be read"));

  gtk_widget_action_set_enabled (widget, "take.use-settings", ok);
  gtk_widget_action_set_enabled (widget, "take.reroll", can_reroll);
  gtk_widget_action_set_enabled (widget, "take.variations", can_reroll);
  gtk_widget_action_set_enabled (widget, "take.other-backend", ok);
  gtk_widget_action_set_enabled (widget, "take.export",
                                 entry != NULL && inb_take_entry_get_state (entry) == INB_JOB_DONE &&
                                 inb_take_entry_get_has_clip (entry));
  gtk_widget_action_set_enabled (widget, "take.show-in-files", entry != NULL);
  gtk_widget_action_set_enabled (widget, "take.compare",
                                 ok && inb_take_entry_get_state (entry) == INB_JOB_DONE &&
                                 inb_take_entry_get_has_clip (entry));
  gtk_widget_action_set_enabled (widget, "take.star", ok && !inb_take_entry_get_starred (entry));
  gtk_widget_action_set_enabled (widget, "take.unstar", ok && inb_take_entry_get_starred (entry));
  gtk_widget_action_set_enabled (widget, "take.rename", ok);
  gtk_widget_action_set_enabled (widget, "take.note", ok);
  gtk_widget_action_set_enabled (widget, "take.delete", entry != NULL && !busy);
  /* A submit that got no answer: the user's way out */
  gtk_widget_action_set_enabled (widget, "take.send-again",
                                 ok && inb_take_entry_get_state (entry) == INB_JOB_SUBMIT_UNKNOWN);
  gtk_widget_action_set_enabled (widget, "take.give-up",
                                 ok && inb_take_entry_get_state (entry) == INB_JOB_SUBMIT_UNKNOWN);

  if (entry != NULL)
    inb_take_details_set_reroll_problem (self->take_details, can_reroll ? NULL : why);
}

/* Selection --------------------------------------------------------------------------- */

static void
selected_entry_notify_cb (InbWindow    *self,
                          GParamSpec   *pspec,
                          InbTakeEntry *entry)
{
  /* A take chosen while it was being made plays once it is done */
  if (g_str_equal (pspec->name, "state") || g_str_equal (pspec->name, "has-clip"))
    play_entry (self, entry);
  if (!g_str_equal (pspec->name, "fraction") && !g_str_equal (pspec->name, "stage"))
    _inb_window_update_take_actions (self);
}

static void
selection_changed_cb (InbWindow *self)
{
  InbTakeEntry *entry = selected_entry (self);

  if (self->selected != NULL)
    g_signal_handlers_disconnect_by_data (self->selected, self);
  g_set_object (&self->selected, entry);
  if (entry != NULL)
    g_signal_connect_object (entry, "notify", G_CALLBACK (selected_entry_notify_cb), self, G_CONNECT_SWAPPED);

  inb_take_details_set_entry (self->take_details, entry);
  if (entry != NULL)
    inb_take_details_set_group_size (self->take_details, inb_library_panel_count_group (self->library_panel, entry));
  gtk_widget_set_visible (GTK_WIDGET (self->take_details), entry != NULL &&
                          !gtk_window_is_fullscreen (GTK_WINDOW (self)));
  if (entry != NULL && !self->details_sized)
    {
      int height = gtk_widget_get_height (GTK_WIDGET (self->center_paned));

      /* The clip above, its settings below */
      if (height > 0)
        {
          gtk_paned_set_position (self->center_paned, MAX (height * 55 / 100, 200));
          self->details_sized = TRUE;
        }
    }

  play_entry (self, entry);
  _inb_window_update_take_actions (self);

  /* Folded, the list covers the player: the choice made, show the clip */
  if (entry != NULL && adw_flap_get_folded (self->library_flap))
    adw_flap_set_reveal_flap (self->library_flap, FALSE);
}

/**
 * _inb_window_show_take:
 *
 * Selects the take of @take_id (played, its details shown).
 */
void
_inb_window_show_take (InbWindow  *self,
                       const char *take_id)
{
  InbLibrary *library = inb_session_get_library (self->session);
  InbTakeEntry *entry = inb_library_lookup (library, take_id);

  if (entry != NULL)
    inb_library_panel_select (self->library_panel, entry);
}

/* Reading a take's folder in a thread ------------------------------------------------------ */

/* Reads something of the take in @dir (blocking; runs in a thread). */
typedef gpointer (*TakeReadFunc) (const char *dir, GError **error);
/* Back on the main thread with what was read (transfer full). */
typedef void (*TakeReadDone) (InbWindow *self, InbTakeEntry *entry, gpointer value);

typedef struct
{
  InbTakeEntry   *entry;
  char           *dir;
  TakeReadFunc    read;
  GDestroyNotify  free_value;
  TakeReadDone    done;
} TakeRead;

static void
take_read_free (TakeRead *tr)
{
  g_clear_object (&tr->entry);
  g_free (tr->dir);
  g_free (tr);
}

static void
take_read_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TakeRead *tr = task_data;
  GError *error = NULL;
  gpointer value = tr->read (tr->dir, &error);

  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, tr->free_value);
}

/* @user_data: the window, not held (see read_take_async()): cancelled, it
 * may be gone */
static void
take_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  InbWindow *self = user_data;
  TakeRead *tr = g_task_get_task_data (G_TASK (result));
  /* Dropped here, on the main thread: the task may be finalized on the
   * worker, and the entry may have left the library meanwhile */
  g_autoptr(InbTakeEntry) entry = g_steal_pointer (&tr->entry);
  g_autoptr(GError) error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_clear_pointer (&value, tr->free_value);
      return;
    }

  if (value == NULL)
    _inb_window_toast (self, error->message);
  else
    tr->done (self, entry, value);
}

/* Reads @entry's folder with @read in a thread, then gives the value to
 * @done — unless the window is closing; an error is said in a toast. */
static void
read_take_async (InbWindow      *self,
                 InbTakeEntry   *entry,
                 const char     *task_name,
                 TakeReadFunc    read,
                 GDestroyNotify  free_value,
                 TakeReadDone    done)
{
  g_autoptr(GTask) task = NULL;
  TakeRead *tr;

  if (self->cancellable == NULL)
    return;   /* disposed */

  /* Not the source object: a GTask run in a thread may drop that in the
   * worker, after its callback has run, and a window finalized there races
   * GTK on the main thread. Unheld, the window is kept from the callback by
   * its cancellable, which dispose cancels first. */
  task = g_task_new (NULL, self->cancellable, take_read_cb, self);
  tr = g_new0 (TakeRead, 1);
  tr->entry = g_object_ref (entry);
  tr->dir = g_strdup (inb_take_entry_get_dir (entry));
  tr->read = read;
  tr->free_value = free_value;
  tr->done = done;
  g_task_set_name (task, task_name);
  g_task_set_task_data (task, tr, (GDestroyNotify) take_read_free);
  g_task_run_in_thread (task, take_read_worker);
}

/* Use these settings ---------------------------------------------------------------- */

/* Loads what a take was made from (take.json, or the "take" of an
 * exported clip's metadata) into the editor: backend and model, every
 * parameter, the seed, the prompts. FALSE when this Inbetween does not
 * have the model (the prompts are loaded all the same). */
static gboolean
apply_settings (InbWindow  *self,
                JsonObject *settings)
{
  const char *backend_id = inb_json_get_string (settings, "backend");
  const char *model_id = inb_json_get_string (settings, "model");
  const char *prompt = inb_json_get_string (settings, "prompt");
  const char *negative = inb_json_get_string (settings, "negative_prompt");
  JsonObject *params = inb_json_get_object (settings, "parameters");
  gint64 seed = -1;
  gboolean found;

  found = backend_id != NULL && inb_window_select_model (self, backend_id, model_id);
  if (found && self->model != NULL)
    {
      g_autoptr(JsonObject) values = json_object_new ();
      g_autoptr(GList) members = params != NULL ? json_object_get_members (params) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (values, l->data, json_object_dup_member (params, l->data));
      if (inb_json_get_int (settings, "seed", &seed) && seed >= 0 &&
          inb_schema_lookup (inb_model_get_schema (self->model), "seed") != NULL)
        json_object_set_int_member (values, "seed", seed);

      inb_param_panel_set_schema (self->param_panel, inb_model_get_schema (self->model), values);
      if (json_object_has_member (values, "seed"))
        inb_param_panel_set_random_seed (self->param_panel, FALSE);
      _inb_window_save_params (self);
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view), prompt != NULL ? prompt : "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->negative_view), negative != NULL ? negative : "", -1);
  _inb_window_update_state (self);

  return found;
}

static void
load_keyframes_of (InbWindow  *self,
                   const char *dir)
{
  g_autofree char *first = g_build_filename (dir, "first.png", NULL);
  g_autofree char *last = g_build_filename (dir, "last.png", NULL);
  g_autoptr(GFile) first_file = g_file_new_for_path (first);
  g_autoptr(GFile) last_file = g_file_new_for_path (last);

  inb_keyframe_slot_load_file (self->first_slot, first_file);
  inb_keyframe_slot_load_file (self->last_slot, last_file);
}

static void
use_settings_read_cb (InbWindow    *self,
                      InbTakeEntry *entry,
                      gpointer      value)
{
  g_autoptr(JsonObject) manifest = value;

  load_keyframes_of (self, inb_take_entry_get_dir (entry));
  if (apply_settings (self, manifest))
    /* Translators: %s is "Take 12" */
    toast_take (self, _("The settings of %s are in the editor"), entry);
  else
    /* Translators: %s is "Take 12" */
    toast_take (self, _("The keyframes and prompts of %s are in the editor; this Inbetween does not have its model"),
                entry);

  /* Folded, the editor is behind its button: show it */
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
use_settings_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);

  if (entry != NULL)
    read_take_async (self, entry, "[inb] use settings",
                     (TakeReadFunc) (void (*) (void)) inb_take_read_manifest,
                     (GDestroyNotify) json_object_unref, use_settings_read_cb);
}

/* What a take's action answered: TRUE when it started @started (a job or
 * jobs), which the caller then counts as the window's own (it says when
 * they are ready, and asks before closing while they run); else @error is
 * said, unless the window is closing or it was cancelled. */
static gboolean
started_here (InbWindow *self,
              gpointer   started,
              GError    *error)
{
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return FALSE;

  if (started == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _inb_window_toast (self, error->message);
      return FALSE;
    }

  return TRUE;
}

/* A submit that got no answer: send it again, or mark it as failed -------------- */

static void
sent_again_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = inb_resume_send_again_finish (INB_SESSION (object), result, &error);

  if (!started_here (self, job, error))
    return;

  g_ptr_array_add (self->own_jobs, g_object_ref (job));
  _inb_window_show_take (self, inb_take_get_id (inb_job_get_take (job)));
}

static void
send_again_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        InbWindow        *self)
{
  const char *dir = g_object_get_data (G_OBJECT (dialog), "take-dir");

  if (!g_str_equal (response, "send") || self->cancellable == NULL)
    return;

  inb_resume_send_again_async (self->session, dir, self->cancellable, sent_again_cb, g_object_ref (self));
}

static void
send_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (entry == NULL)
    return;

  title = inb_take_entry_dup_display_title (entry);
  /* Translators: %s is "Take 12" */
  body = g_strdup_printf (_("The service may already have received %s and may charge for it. Sending it "
                            "again makes a new take from the same keyframes, prompt, parameters and seed, "
                            "and the service may charge for both. %s is then marked as failed."),
                          title, title);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Again?"), body);
  g_object_set_data_full (G_OBJECT (dialog), "take-dir", g_strdup (inb_take_entry_get_dir (entry)), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send Again"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (send_again_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  InbWindow *self;
  char      *title;
} GivingUp;

static void
given_up_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GivingUp *g = user_data;
  g_autoptr(GError) error = NULL;

  if (g->self->cancellable == NULL || g_cancellable_is_cancelled (g->self->cancellable))
    ;   /* the window is closing */
  else if (!inb_resume_give_up_finish (INB_SESSION (object), result, &error))
    _inb_window_toast (g->self, error->message);
  else
    {
      /* Translators: %s is "Take 12" */
      g_autofree char *text = g_strdup_printf (_("%s marked as failed; nothing was sent"), g->title);

      _inb_window_toast (g->self, text);
    }

  g_object_unref (g->self);
  g_free (g->title);
  g_free (g);
}

static void
give_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  GivingUp *g;

  if (entry == NULL)
    return;

  /* Nothing is sent, nothing is lost: no question asked */
  g = g_new0 (GivingUp, 1);
  g->self = g_object_ref (self);
  g->title = inb_take_entry_dup_display_title (entry);
  inb_resume_give_up_async (self->session, inb_take_entry_get_dir (entry), NULL, given_up_cb, g);
}

/* Re-roll and variations ---------------------------------------------------------------- */

static void
rerolled_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = inb_session_reroll_finish (INB_SESSION (object), result, &error);

  if (!started_here (self, jobs, error))
    return;

  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add (self->own_jobs, g_object_ref (g_ptr_array_index (jobs, i)));
}

static void
reroll (InbWindow *self,
        guint      n)
{
  InbTakeEntry *entry = selected_entry (self);

  if (entry == NULL)
    return;

  inb_session_reroll_async (self->session, inb_take_entry_get_dir (entry), n, self->cancellable,
                            rerolled_cb, g_object_ref (self));
  if (n > 1)
    {
      g_autofree char *title = inb_take_entry_dup_display_title (entry);
      g_autofree char *text = NULL;

      /* Translators: %u is how many, %s "Take 12" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Making %u variation of %s",
                                           "Making %u variations of %s", n), n, title);
      _inb_window_toast (self, text);
    }
  else
    /* Translators: %s is "Take 12" */
    toast_take (self, _("Re-rolling %s with a new seed"), entry);
}

static void
reroll_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reroll (INB_WINDOW (widget), 1);
}

static void
variations_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  reroll (INB_WINDOW (widget), CLAMP (g_variant_get_uint32 (parameter), 2, 8));
}

/* Run on another backend ------------------------------------------------------------------ */

typedef struct
{
  InbWindow         *self;
  InbGenerateInputs *inputs;
  GtkDropDown       *dropdown;
  GtkLabel          *summary;
  GArray            *choices;   /* Choice: the dropdown's */
} OtherBackend;

static void
other_backend_free (OtherBackend *ob)
{
  g_clear_pointer (&ob->inputs, inb_generate_inputs_free);
  g_clear_pointer (&ob->choices, g_array_unref);
  g_object_unref (ob->self);
  g_free (ob);
}

static char *
join_names (GPtrArray *names)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        /* Translators: between parameter names in a list */
        g_string_append (text, _(", "));
      g_string_append (text, g_ptr_array_index (names, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static InbGenerateInputs *
other_backend_map (OtherBackend  *ob,
                   GPtrArray    **kept,
                   GPtrArray    **dropped,
                   GError       **error)
{
  guint i = gtk_drop_down_get_selected (ob->dropdown);
  const Choice *choice;

  if (i >= ob->choices->len)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Choose a backend and model"));
      return NULL;
    }

  choice = &g_array_index (ob->choices, Choice, i);
  return inb_session_map_inputs (ob->self->session, ob->inputs, inb_backend_get_id (choice->backend),
                                 inb_model_get_id (choice->model), kept, dropped, error);
}

static void
other_backend_update (OtherBackend *ob)
{
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GPtrArray) dropped = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbGenerateInputs) mapped = other_backend_map (ob, &kept, &dropped, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (mapped == NULL)
    {
      gtk_label_set_label (ob->summary, error->message);
      return;
    }

  if (kept->len > 0)
    {
      g_autofree char *names = join_names (kept);

      /* Translators: %s lists parameter names */
      g_string_append_printf (text, _("Carried over: %s"), names);
    }
  else
    g_string_append (text, _("No parameter carries over"));

  if (dropped->len > 0)
    {
      g_autofree char *names = join_names (dropped);

      g_string_append_c (text, '\n');
      /* Translators: %s lists parameter names the other model does not have */
      g_string_append_printf (text, _("Back to that model’s defaults: %s"), names);
    }

  g_string_append_c (text, '\n');
  if (mapped->seed >= 0 && ob->inputs->seed >= 0)
    g_string_append (text, _("The seed carries over"));
  else if (ob->inputs->seed >= 0)
    g_string_append (text, _("That model has no seed"));
  else
    g_string_append (text, _("A new seed is drawn where the model has one"));

  if (ob->inputs->negative_prompt != NULL && mapped->negative_prompt == NULL)
    g_string_append_printf (text, "\n%s", _("That model takes no negative prompt: it is left out"));

  gtk_label_set_label (ob->summary, text->str);
}

static void
other_generated_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbJob) job = inb_session_generate_finish (INB_SESSION (object), result, &error);

  if (started_here (self, job, error))
    g_ptr_array_add (self->own_jobs, g_object_ref (job));
}

static void
other_backend_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           OtherBackend     *ob)
{
  g_autoptr(GError) error = NULL;
  InbGenerateInputs *mapped;

  if (!g_str_equal (response, "run"))
    return;

  mapped = other_backend_map (ob, NULL, NULL, &error);
  if (mapped == NULL)
    {
      _inb_window_toast (ob->self, error->message);
      return;
    }

  inb_session_generate_async (ob->self->session, mapped, ob->self->cancellable,
                              other_generated_cb, g_object_ref (ob->self));
}

static GtkListItemFactory *
label_factory (void)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  const char *ui =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<interface><template class=\"GtkListItem\"><property name=\"child\">"
    "<object class=\"GtkLabel\"><property name=\"xalign\">0</property>"
    "<property name=\"ellipsize\">end</property>"
    "<binding name=\"label\"><lookup name=\"string\" type=\"GtkStringObject\">"
    "<lookup name=\"item\">GtkListItem</lookup></lookup></binding>"
    "</object></property></template></interface>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (ui, strlen (ui));

  return gtk_builder_list_item_factory_new_from_bytes (scope, bytes);
}

static void
show_other_backend_dialog (InbWindow         *self,
                           InbTakeEntry      *entry,
                           InbGenerateInputs *inputs)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = label_factory ();
  g_autofree char *title = inb_take_entry_dup_display_title (entry);
  g_autofree char *body = NULL;
  OtherBackend *ob;
  GtkWidget *dialog;
  GtkWidget *box;

  ob = g_new0 (OtherBackend, 1);
  ob->self = g_object_ref (self);
  ob->inputs = inputs;
  ob->choices = g_array_new (FALSE, TRUE, sizeof (Choice));

  for (guint i = 0; i < self->choices->len; i++)
    {
      const Choice *choice = &g_array_index (self->choices, Choice, i);
      g_autofree char *label = NULL;

      if (g_strcmp0 (inb_backend_get_id (choice->backend), inputs->backend_id) == 0 &&
          g_strcmp0 (inb_model_get_id (choice->model), inputs->model_id) == 0)
        continue;

      /* Translators: backend name · model title */
      label = g_strdup_printf (_("%s · %s"), inb_backend_get_name (choice->backend), inb_model_get_title (choice->model));
      gtk_string_list_append (labels, label);
      g_array_append_val (ob->choices, *choice);
    }

  /* Translators: %s is "Take 12" */
  body = g_strdup_printf (_("The keyframes and prompt of %s, on another backend or model. Parameters that "
                            "model also has are kept; the others go back to its defaults."), title);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Run on Another Backend"), body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  ob->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
  gtk_drop_down_set_factory (ob->dropdown, factory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (ob->dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Backend and Model"), -1);
  ob->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (ob->summary, TRUE);
  gtk_label_set_xalign (ob->summary, 0);
  gtk_widget_add_css_class (GTK_WIDGET (ob->summary), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ob->dropdown));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ob->summary));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "run", _("_Queue the Take"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "run", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "run");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run", ob->choices->len > 0);

  g_signal_connect_swapped (ob->dropdown, "notify::selected", G_CALLBACK (other_backend_update), ob);
  g_signal_connect_data (dialog, "response", G_CALLBACK (other_backend_response_cb), ob,
                         (GClosureNotify) (void (*) (void)) other_backend_free, 0);
  other_backend_update (ob);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
other_inputs_cb (InbWindow    *self,
                 InbTakeEntry *entry,
                 gpointer      inputs)
{
  show_other_backend_dialog (self, entry, inputs);
}

static void
other_backend_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);

  /* Its keyframes are read in a thread first */
  if (entry != NULL)
    read_take_async (self, entry, "[inb] take inputs",
                     (TakeReadFunc) (void (*) (void)) inb_generate_inputs_new_from_take,
                     (GDestroyNotify) inb_generate_inputs_free, other_inputs_cb);
}

/* Export --------------------------------------------------------------------------------- */

static void
exported_cb (InbWindow       *self,
             const char      *path,
             InbExportDialog *dialog)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *text = g_strdup_printf (_("Exported %s"), name);

  _inb_window_toast (self, text);
}

static void
export_take_loaded_cb (InbWindow    *self,
                       InbTakeEntry *entry,
                       gpointer      value)
{
  g_autoptr(InbTake) take = value;
  InbExportDialog *dialog;

  dialog = inb_export_dialog_present (take, GTK_WINDOW (self));
  g_signal_connect_object (dialog, "exported", G_CALLBACK (exported_cb), self, G_CONNECT_SWAPPED);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);

  if (entry != NULL)
    read_take_async (self, entry, "[inb] load take",
                     (TakeReadFunc) (void (*) (void)) inb_take_load,
                     g_object_unref, export_take_loaded_cb);
}

/* Show in Files: the file manager's ShowItems, else the folder opened --------------------- */

typedef struct
{
  InbWindow *self;
  char      *item_uri;
  char      *folder_uri;
} ShowItems;

static void
show_items_free (ShowItems *show)
{
  g_object_unref (show->self);
  g_free (show->item_uri);
  g_free (show->folder_uri);
  g_free (show);
}

static void
show_items_fallback (ShowItems *show)
{
  gtk_show_uri (GTK_WINDOW (show->self), show->folder_uri, GDK_CURRENT_TIME);
}

static void
show_items_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ShowItems *show = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);

  if (reply == NULL)
    {
      g_debug ("No file manager answered ShowItems (%s): opening the folder", error->message);
      show_items_fallback (show);
    }
  show_items_free (show);
}

static void
show_items_bus_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ShowItems *show = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  const char *uris[] = { show->item_uri, NULL };

  if (bus == NULL)
    {
      show_items_fallback (show);
      show_items_free (show);
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, show_items_done_cb, show);
}

/* Compare: the selected take is A; B is the take Ctrl+clicked in the
 * library, else chosen in "Compare with…" */
static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  InbTakeEntry *pick = inb_library_panel_get_pick (self->library_panel);

  if (entry == NULL || inb_take_entry_get_state (entry) != INB_JOB_DONE || !inb_take_entry_get_has_clip (entry))
    return;

  if (pick != NULL)
    {
      g_autofree char *clip_a = inb_take_entry_dup_clip_path (entry);
      g_autofree char *clip_b = inb_take_entry_dup_clip_path (pick);
      g_autoptr(GFile) file_a = g_file_new_for_path (clip_a);
      g_autoptr(GFile) file_b = g_file_new_for_path (clip_b);
      g_autofree char *label_a = inb_compare_picker_dup_label (entry);
      g_autofree char *label_b = inb_compare_picker_dup_label (pick);

      inb_compare_window_present (GTK_WINDOW (self), file_a, label_a, file_b, label_b);
      return;
    }

  inb_compare_picker_present (GTK_WINDOW (self), self->session,
                              G_LIST_MODEL (inb_session_get_library (self->session)), entry);
}

static void
show_in_files_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) item = NULL;
  ShowItems *show;

  if (entry == NULL)
    return;

  folder = g_file_new_for_path (inb_take_entry_get_dir (entry));
  if (inb_take_entry_get_has_clip (entry))
    {
      g_autofree char *clip = inb_take_entry_dup_clip_path (entry);

      item = g_file_new_for_path (clip);
    }
  else
    item = g_object_ref (folder);

  show = g_new0 (ShowItems, 1);
  show->self = g_object_ref (self);
  show->item_uri = g_file_get_uri (item);
  show->folder_uri = g_file_get_uri (folder);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, show_items_bus_cb, show);
}

/* Star, title, note ---------------------------------------------------------------------- */

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_library_edit_finish (INB_LIBRARY (object), result, &error))
    _inb_window_toast (self, error->message);
  if (self->library_panel != NULL)
    inb_library_panel_refilter (self->library_panel);
  _inb_window_update_take_actions (self);
}

static void
star_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);

  if (entry == NULL)
    return;

  inb_library_set_starred_async (inb_session_get_library (self->session), entry,
                                 g_str_equal (action_name, "take.star"), edited_cb, g_object_ref (self));
}

typedef struct
{
  InbWindow    *self;
  InbTakeEntry *entry;
  GtkWidget    *editor;    /* GtkEntry (title) or GtkTextView (note) */
} Edit;

static void
edit_free (Edit *edit)
{
  g_object_unref (edit->self);
  g_object_unref (edit->entry);
  g_free (edit);
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  Edit             *edit)
{
  InbLibrary *library = inb_session_get_library (edit->self->session);
  g_autofree char *text = NULL;

  if (!g_str_equal (response, "save"))
    return;

  if (GTK_IS_TEXT_VIEW (edit->editor))
    text = _inb_window_dup_buffer_text (GTK_TEXT_VIEW (edit->editor));
  else
    text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (edit->editor)));
  g_strstrip (text);

  if (GTK_IS_TEXT_VIEW (edit->editor))
    inb_library_set_note_async (library, edit->entry, *text != '\0' ? text : NULL,
                                edited_cb, g_object_ref (edit->self));
  else
    inb_library_set_title_async (library, edit->entry, *text != '\0' ? text : NULL,
                                 edited_cb, g_object_ref (edit->self));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  gboolean note = g_str_equal (action_name, "take.note");
  g_autofree char *title = NULL;
  GtkWidget *dialog;
  Edit *edit;

  if (entry == NULL)
    return;

  title = inb_take_entry_dup_display_title (entry);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), note ? _("Note") : _("Rename Take"), NULL);
  edit = g_new0 (Edit, 1);
  edit->self = g_object_ref (self);
  edit->entry = g_object_ref (entry);

  if (note)
    {
      GtkWidget *scrolled = gtk_scrolled_window_new ();

      /* Translators: %s is "Take 12" */
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("A few words to find %s by, kept with it"), title);
      edit->editor = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (edit->editor), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (edit->editor), 8);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (edit->editor), 8);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (edit->editor), 10);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (edit->editor), 10);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (edit->editor)),
                                inb_take_entry_get_note (entry) != NULL ? inb_take_entry_get_note (entry) : "", -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (edit->editor), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"), -1);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 96);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), edit->editor);
      gtk_widget_add_css_class (scrolled, "card");
      gtk_widget_add_css_class (scrolled, "prompt");
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
    }
  else
    {
      edit->editor = gtk_entry_new ();
      gtk_editable_set_text (GTK_EDITABLE (edit->editor),
                             inb_take_entry_get_title (entry) != NULL ? inb_take_entry_get_title (entry) : "");
      gtk_entry_set_placeholder_text (GTK_ENTRY (edit->editor), title);
      gtk_entry_set_activates_default (GTK_ENTRY (edit->editor), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (edit->editor), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Title"), -1);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), edit->editor);
    }

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (edit_response_cb), edit,
                         (GClosureNotify) (void (*) (void)) edit_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (edit->editor);
}

/* Delete, with undo ------------------------------------------------------------------------ */

typedef struct
{
  InbWindow *self;
  char      *id;
  gboolean   undone;
} Deleted;

static void
deleted_free (Deleted *d)
{
  g_object_unref (d->self);
  g_free (d->id);
  g_free (d);
}

static void
file_op_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_library_file_op_finish (INB_LIBRARY (object), result, &error))
    _inb_window_toast (self, error->message);
}

static void
undo_clicked_cb (AdwToast *toast,
                 Deleted  *d)
{
  d->undone = TRUE;
  inb_library_restore_async (inb_session_get_library (d->self->session), d->id, file_op_cb, g_object_ref (d->self));
}

static void
undo_dismissed_cb (AdwToast *toast,
                   Deleted  *d)
{
  /* Gone for good once the chance to undo has passed (what a closed
   * window leaves in the trash goes at the next start) */
  if (!d->undone)
    inb_library_purge_async (inb_session_get_library (d->self->session), d->id, file_op_cb, g_object_ref (d->self));
}

static void
trashed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Deleted *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (!inb_library_file_op_finish (INB_LIBRARY (object), result, &error))
    {
      _inb_window_toast (d->self, error->message);
      deleted_free (d);
      return;
    }

  text = g_strdup_printf (_("%s deleted"), d->self->deleting_title != NULL ? d->self->deleting_title : d->id);
  toast = inb_toasts_new_toast (d->self->toasts, text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), d);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (undo_dismissed_cb), d,
                         (GClosureNotify) (void (*) (void)) deleted_free, 0);
  inb_toasts_show (d->self->toasts, toast);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry = selected_entry (self);
  Deleted *d;

  if (entry == NULL)
    return;

  g_free (self->deleting_title);
  self->deleting_title = inb_take_entry_dup_display_title (entry);

  d = g_new0 (Deleted, 1);
  d->self = g_object_ref (self);
  d->id = g_strdup (inb_take_entry_get_id (entry));
  inb_library_trash_async (inb_session_get_library (self->session), entry, trashed_cb, d);
}

/* Dropping an exported clip ------------------------------------------------------------------ */

static void
drop_keyframes_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  InbTakeEntry *entry;

  if (self->drop_take_id == NULL)
    return;

  entry = inb_library_lookup (inb_session_get_library (self->session), self->drop_take_id);
  if (entry != NULL)
    load_keyframes_of (self, inb_take_entry_get_dir (entry));
}

static void
metadata_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) metadata = inb_export_read_metadata_finish (result, &error);
  g_autofree char *name = g_steal_pointer (&self->drop_name);
  JsonObject *take;
  const char *id;
  InbTakeEntry *entry;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  take = metadata != NULL ? inb_json_get_object (metadata, "take") : NULL;
  if (take == NULL)
    {
      /* Translators: %s is a file name */
      text = g_strdup_printf (_("%s holds no Inbetween settings"), name);
      _inb_window_toast (self, text);
      return;
    }

  if (!apply_settings (self, take))
    {
      /* Translators: %s is a file name */
      text = g_strdup_printf (_("The prompts of %s are in the editor; this Inbetween does not have its model"), name);
      _inb_window_toast (self, text);
      return;
    }

  id = inb_json_get_string (take, "id");
  entry = id != NULL ? inb_library_lookup (inb_session_get_library (self->session), id) : NULL;
  g_free (self->drop_take_id);
  self->drop_take_id = entry != NULL ? g_strdup (id) : NULL;

  if (entry != NULL)
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("The settings of %s are in the editor. A clip does not hold its keyframes; "
                              "its take is in the library"), name);
  else
    /* Translators: %s is a file name */
    text = g_strdup_printf (_("The settings of %s are in the editor. A clip does not hold its keyframes: "
                              "the current ones stay"), name);

  toast = inb_toasts_new_toast (self->toasts, text);
  adw_toast_set_timeout (toast, 10);
  if (entry != NULL)
    {
      adw_toast_set_button_label (toast, _("Use Its _Keyframes"));
      adw_toast_set_action_name (toast, "win.drop-keyframes");
    }
  inb_toasts_show (self->toasts, toast);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         InbWindow     *self)
{
  GSList *files;
  g_autofree char *path = NULL;
  g_autofree char *takes = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  path = files != NULL ? g_file_get_path (files->data) : NULL;
  /* A workflow of one's own (a .json), for a backend that imports them */
  if (files != NULL && _inb_window_drop_workflow (self, files->data))
    {
      g_slist_free (files);
      return TRUE;
    }
  g_slist_free (files);
  if (path == NULL)
    return FALSE;

  /* A take's own clip (dragged from the library): that take */
  takes = g_build_filename (inb_session_get_takes_dir (self->session), "", NULL);
  if (g_str_has_prefix (path, takes))
    {
      g_autofree char *rest = g_strdup (path + strlen (takes));
      char *slash = strchr (rest, G_DIR_SEPARATOR);

      if (slash != NULL)
        *slash = '\0';
      _inb_window_show_take (self, rest);
      return TRUE;
    }

  g_free (self->drop_name);
  self->drop_name = g_path_get_basename (path);
  inb_export_read_metadata_async (path, self->cancellable, metadata_read_cb, g_object_ref (self));

  return TRUE;
}

/* Loading the library, and what the load settled ------------------------------------------------ */

static void
library_details_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  InbWindow *self = INB_WINDOW (widget);
  GtkWidget *dialog;

  if (self->library_details == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Takes Found at Start"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), self->library_details->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
append_ids (GString    *details,
            const char *heading,
            GPtrArray  *ids)
{
  if (ids == NULL || ids->len == 0)
    return;

  if (details->len > 0)
    g_string_append (details, "\n\n");
  g_string_append (details, heading);
  for (guint i = 0; i < ids->len; i++)
    {
      /* Translators: one take in a list, "Take 1a2b3c4d" */
      g_autofree char *line = g_strdup_printf (_("Take %s"), (const char *) g_ptr_array_index (ids, i));

      g_string_append_printf (details, "\n%s", line);
    }
}

/**
 * inb_window_report_library:
 *
 * Tells what loading the library found and settled: records that did not
 * read (set aside, files kept), takes a dead process left (clip adopted,
 * or interrupted) — once, with the details a button away.
 */
void
inb_window_report_library (InbWindow              *self,
                           const InbLibraryReport *report)
{
  guint damaged, interrupted, adopted;
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_return_if_fail (INB_IS_WINDOW (self));
  g_return_if_fail (report != NULL);

  damaged = report->damaged != NULL ? report->damaged->len : 0;
  interrupted = report->interrupted != NULL ? report->interrupted->len : 0;
  adopted = report->adopted != NULL ? report->adopted->len : 0;
  if (damaged + interrupted + adopted == 0)
    return;

  if (self->library_details == NULL)
    self->library_details = g_string_new (NULL);
  append_ids (self->library_details,
              _("Records that could not be read, set aside as take.json.corrupt-… with the takes’ files kept:"),
              report->damaged);
  append_ids (self->library_details,
              _("Takes Inbetween stopped making before their clip was finished, marked interrupted:"),
              report->interrupted);
  append_ids (self->library_details,
              _("Takes Inbetween stopped making after their clip was finished, now done:"),
              report->adopted);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.library-details", TRUE);

  if (damaged > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u take record could not be read; its files are kept",
                                         "%u take records could not be read; their files are kept", damaged), damaged);
  else if (interrupted > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u take was interrupted when Inbetween stopped",
                                         "%u takes were interrupted when Inbetween stopped", interrupted), interrupted);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Recovered the clip of %u unfinished take",
                                         "Recovered the clips of %u unfinished takes", adopted), adopted);

  toast = inb_toasts_new_toast (self->toasts, text);
  adw_toast_set_timeout (toast, damaged > 0 ? 0 : 8);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.library-details");
  inb_toasts_show (self->toasts, toast);
}

const char *
inb_window_get_library_details (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->library_details != NULL ? self->library_details->str : NULL;
}

static void
library_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(InbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_library_load_finish (INB_LIBRARY (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the takes: %s", error->message);
      return;
    }

  if (self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable))
    inb_window_report_library (self, inb_library_get_report (INB_LIBRARY (object)));
}

/* After the first frame: read every take (in a thread), once per session */
static gboolean
load_library_idle_cb (gpointer data)
{
  InbWindow *self = data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return G_SOURCE_REMOVE;

  if (INB_IS_APPLICATION (app) && !inb_application_claim_library_load (INB_APPLICATION (app), inb_session_get_library (self->session)))
    return G_SOURCE_REMOVE;   /* another window did */

  inb_library_load_async (inb_session_get_library (self->session), self->cancellable,
                          library_loaded_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
first_paint_cb (GdkFrameClock *clock,
                InbWindow     *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, self);
  /* Not at a low priority: the "loading" spinner's frames, slow on a busy
   * machine, would starve it (the load waited seconds behind them) */
  g_idle_add_full (G_PRIORITY_DEFAULT, load_library_idle_cb, g_object_ref (self), g_object_unref);
}

static void
mapped_cb (InbWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->library_scheduled)
    return;
  self->library_scheduled = TRUE;

  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (first_paint_cb), self, 0);
  else
    g_idle_add_full (G_PRIORITY_DEFAULT, load_library_idle_cb, g_object_ref (self), g_object_unref);
}

static void
panel_problem_cb (InbWindow  *self,
                  const char *problem)
{
  _inb_window_toast (self, problem);
}

static void
show_group_cb (InbWindow  *self,
               const char *group)
{
  inb_library_panel_set_group_filter (self->library_panel, group);
  if (adw_flap_get_folded (self->library_flap))
    adw_flap_set_reveal_flap (self->library_flap, TRUE);
}

void
_inb_window_library_init (InbWindow *self)
{
  GtkDropTarget *target;

  inb_library_panel_set_session (self->library_panel, self->session);
  inb_take_details_set_session (self->take_details, self->session);
  g_signal_connect_object (self->library_panel, "notify::selected", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library_panel, "problem", G_CALLBACK (panel_problem_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->take_details, "show-group", G_CALLBACK (show_group_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (mapped_cb), NULL);

  /* An exported clip dropped anywhere outside the keyframe slots */
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->library_flap), GTK_EVENT_CONTROLLER (target));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.library-details", FALSE);
  _inb_window_update_take_actions (self);
}

void
_inb_window_library_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "take.use-settings", NULL, use_settings_action);
  gtk_widget_class_install_action (widget_class, "take.reroll", NULL, reroll_action);
  gtk_widget_class_install_action (widget_class, "take.variations", "u", variations_action);
  gtk_widget_class_install_action (widget_class, "take.other-backend", NULL, other_backend_action);
  gtk_widget_class_install_action (widget_class, "take.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "take.show-in-files", NULL, show_in_files_action);
  gtk_widget_class_install_action (widget_class, "take.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "take.star", NULL, star_action);
  gtk_widget_class_install_action (widget_class, "take.unstar", NULL, star_action);
  gtk_widget_class_install_action (widget_class, "take.rename", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "take.note", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "take.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "take.send-again", NULL, send_again_action);
  gtk_widget_class_install_action (widget_class, "take.give-up", NULL, give_up_action);
  gtk_widget_class_install_action (widget_class, "win.drop-keyframes", NULL, drop_keyframes_action);
  gtk_widget_class_install_action (widget_class, "win.library-details", NULL, library_details_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "take.reroll", NULL);
}

/* For tests */

InbLibraryPanel *
inb_window_get_library_panel (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->library_panel;
}

InbTakeDetails *
inb_window_get_take_details (InbWindow *self)
{
  g_return_val_if_fail (INB_IS_WINDOW (self), NULL);
  return self->take_details;
}
