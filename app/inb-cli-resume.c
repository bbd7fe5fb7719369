/* inb-cli-resume.c — `inbetween resume`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "inb-cli-private.h"
#include "inb-library.h"
#include "inb-resume.h"
#include "inb-resume-settle.h"
#include "inb-take.h"


typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GPtrArray    *entries;
  GError       *error;
} ResumeRun;

static gboolean
resume_interrupt_cb (gpointer user_data)
{
  ResumeRun *run = user_data;

  if (!g_cancellable_is_cancelled (run->cancellable))
    {
      g_printerr (_("Interrupted: stopping; unfinished takes stay as they are.\n"));
      g_cancellable_cancel (run->cancellable);
    }

  return G_SOURCE_CONTINUE;
}

static void
resume_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ResumeRun *run = user_data;

  run->entries = inb_resume_takes_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

/* --give-up / --send-again: one take left "submit-unknown" ---------------- */

typedef struct
{
  GMainLoop *loop;
  gboolean   given_up;
  InbJob    *job;
  GError    *error;
  gboolean   interrupted;
  gboolean   flushed;
} Settle;

static void
given_up_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Settle *settle = user_data;

  settle->given_up = inb_resume_give_up_finish (INB_SESSION (object), result, &settle->error);
  g_main_loop_quit (settle->loop);
}

static void
sent_again_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Settle *settle = user_data;

  settle->job = inb_resume_send_again_finish (INB_SESSION (object), result, &settle->error);
  g_main_loop_quit (settle->loop);
}

static void
settle_job_finished_cb (InbJobQueue *queue,
                        InbJob      *job,
                        Settle      *settle)
{
  if (job == settle->job)
    g_main_loop_quit (settle->loop);
}

static void
settle_flushed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Settle *settle = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_take_save_finish (INB_TAKE (object), result, &error))
    inb_cli_print_error ("%s", error->message);
  settle->flushed = TRUE;
  g_main_loop_quit (settle->loop);
}

static gboolean
settle_interrupt_cb (gpointer user_data)
{
  Settle *settle = user_data;

  if (!settle->interrupted && settle->job != NULL)
    {
      settle->interrupted = TRUE;
      g_printerr (_("Interrupted: cancelling…\n"));
      inb_job_cancel (settle->job);
    }

  return G_SOURCE_CONTINUE;
}

static int
settle_one (InbSession *session,
            const char *name,
            gboolean    send_again,
            gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbLibrary) library = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *take_dir = NULL;
  g_autofree char *take_id = NULL;
  InbTakeEntry *entry;
  Settle settle = { 0, };
  guint sigint_id, sigterm_id;
  int status = INB_EXIT_OK;

  library = inb_library_new (inb_session_get_takes_dir (session));
  if (!inb_library_load (library, NULL, &error) ||
      (entry = inb_library_resolve (library, name, &error)) == NULL)
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }
  take_dir = g_strdup (inb_take_entry_get_dir (entry));
  take_id = g_strdup (inb_take_entry_get_id (entry));

  settle.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, settle_interrupt_cb, &settle);
  sigterm_id = g_unix_signal_add (SIGTERM, settle_interrupt_cb, &settle);

  if (send_again)
    inb_resume_send_again_async (session, take_dir, NULL, sent_again_cb, &settle);
  else
    inb_resume_give_up_async (session, take_dir, NULL, given_up_cb, &settle);
  g_main_loop_run (settle.loop);

  if (settle.error != NULL)
    {
      inb_cli_print_error (_("Take %s: %s"), take_id, settle.error->message);
      status = g_error_matches (settle.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT) ||
               g_error_matches (settle.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH)
             ? INB_EXIT_USAGE : INB_EXIT_FAILURE;
      goto out;
    }

  json_object_set_string_member (object, "take", take_id);

  if (!send_again)
    {
      json_object_set_string_member (object, "outcome", "given-up");
      if (!json)
        g_print (_("Take %s is marked as failed; nothing was sent.\n"), take_id);
      goto out;
    }

  /* Followed to its end, as generate and reroll do */
  if (!inb_job_state_is_terminal (inb_job_get_state (settle.job)))
    {
      gulong id = g_signal_connect (inb_session_get_queue (session), "job-finished",
                                    G_CALLBACK (settle_job_finished_cb), &settle);

      g_main_loop_run (settle.loop);
      g_signal_handler_disconnect (inb_session_get_queue (session), id);
    }
  inb_take_save_async (inb_job_get_take (settle.job), NULL, settle_flushed_cb, &settle);
  while (!settle.flushed)
    g_main_loop_run (settle.loop);

  {
    InbTake *take = inb_job_get_take (settle.job);
    g_autofree char *clip = inb_take_dup_clip_path (take);
    InbJobState state = inb_job_get_state (settle.job);

    json_object_set_string_member (object, "outcome", "sent-again");
    json_object_set_string_member (object, "new_take", inb_take_get_id (take));
    json_object_set_string_member (object, "new_state", inb_job_state_to_string (state));
    if (state == INB_JOB_DONE)
      {
        json_object_set_string_member (object, "clip", clip);
        if (!json)
          g_print ("%s  %s\n", inb_take_get_id (take), clip);
      }
    else
      {
        inb_cli_print_error (_("Take %s: %s"), inb_take_get_id (take),
                             inb_job_get_error (settle.job) != NULL ? inb_job_get_error (settle.job)->message
                                                                    : inb_job_state_to_string (state));
        status = state == INB_JOB_CANCELLED ? INB_EXIT_INTERRUPTED : INB_EXIT_BACKEND;
      }
  }

out:
  if (json && settle.error == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
      inb_cli_print_json (node);
    }
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_object (&settle.job);
  g_clear_error (&settle.error);
  g_main_loop_unref (settle.loop);

  return status;
}

int
inb_cli_resume (InbSession  *session,
                int          argc,
                char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonArray) array = NULL;
  InbBackendRegistry *registry = inb_session_get_registry (session);
  ResumeRun run = { 0, };
  GListModel *backends;
  gboolean json = FALSE;
  gboolean pending = FALSE;
  g_autofree char *give_up = NULL;
  g_autofree char *send_again = NULL;
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print what happened to each take as JSON"), NULL },
    { "give-up", 0, 0, G_OPTION_ARG_STRING, &give_up,
      N_("Mark TAKE failed; nothing is sent"), N_("TAKE") },
    { "send-again", 0, 0, G_OPTION_ARG_STRING, &send_again,
      N_("Make TAKE anew from its saved inputs (billed again)"), N_("TAKE") },
    { NULL }
  };

  context = inb_cli_context_new (_("— finish the hosted jobs left unfinished by a crash or a quit"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Takes whose job reached a service are polled by their task id and their clip is\n"
      "downloaded; nothing is ever submitted again. A task older than the provider keeps\n"
      "results is marked expired. A submit whose answer was lost is looked up in the\n"
      "service's task list where it has one: exactly one match is adopted, several are\n"
      "listed for you, none means nothing was charged; elsewhere it is listed.\n"
      "Such a take (“submit-unknown”) waits for you: --give-up TAKE marks it\n"
      "failed and sends nothing; --send-again TAKE makes a new take from its saved\n"
      "keyframes, prompts, model, parameters and seed (the service may charge for\n"
      "both) and marks the old one failed, naming the new one. TAKE is a take’s id,\n"
      "a unique start of one, or “last”.\n"
      "Exit status: 0 all settled, 2 invalid usage (e.g. TAKE is not waiting),\n"
      "3 some left for later (no key, network) or the new take failed, 130 interrupted."));

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      inb_cli_print_error (_("resume takes no arguments (TAKE goes after --give-up or --send-again)"));
      return INB_EXIT_USAGE;
    }
  if (give_up != NULL && send_again != NULL)
    {
      inb_cli_print_error (_("--give-up and --send-again cannot be used together"));
      return INB_EXIT_USAGE;
    }
  if (give_up != NULL || send_again != NULL)
    return settle_one (session, give_up != NULL ? give_up : send_again, send_again != NULL, json);

  backends = inb_backend_registry_get_backends (registry);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      inb_cli_ensure_key (session, backend, FALSE);
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  run.cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, resume_interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, resume_interrupt_cb, &run);

  inb_resume_takes_async (registry, inb_session_get_takes_dir (session), run.cancellable, resume_done_cb, &run);
  g_main_loop_run (run.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_main_loop_unref (run.loop);

  if (run.entries == NULL)
    {
      gboolean interrupted = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      inb_cli_print_error ("%s", run.error->message);
      g_clear_error (&run.error);
      g_object_unref (run.cancellable);
      return interrupted ? INB_EXIT_INTERRUPTED : INB_EXIT_FAILURE;
    }

  array = json_array_new ();
  for (guint i = 0; i < run.entries->len; i++)
    {
      InbResumeEntry *entry = g_ptr_array_index (run.entries, i);
      JsonObject *object = json_object_new ();

      pending |= entry->outcome == INB_RESUME_PENDING;

      json_object_set_string_member (object, "take", entry->take_id);
      json_object_set_string_member (object, "take_dir", entry->take_dir);
      json_object_set_string_member (object, "backend", entry->backend_id);
      json_object_set_string_member (object, "task_id", entry->task_id);
      json_object_set_string_member (object, "outcome", inb_resume_outcome_to_string (entry->outcome));
      json_object_set_string_member (object, "message", entry->message);
      json_array_add_object_element (array, object);

      if (!json)
        g_print ("%s  %-14s %-10s %s\n", entry->take_id, inb_resume_outcome_to_string (entry->outcome),
                 entry->backend_id, entry->message ? entry->message : "");
    }

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
      inb_cli_print_json (node);
    }
  else if (run.entries->len == 0)
    g_printerr (_("No unfinished hosted jobs.\n"));

  status = g_cancellable_is_cancelled (run.cancellable) ? INB_EXIT_INTERRUPTED
           : pending ? INB_EXIT_BACKEND : INB_EXIT_OK;
  g_ptr_array_unref (run.entries);
  g_object_unref (run.cancellable);

  return status;
}
