/* inb-cli-reroll.c — `inbetween reroll TAKE [-n N]`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same keyframes, prompts, backend, model and parameters with a new
 * seed (N new seeds for N variations), through the session's one generate
 * path; the takes are followed to their end.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "inb-cli-private.h"
#include "inb-library.h"
#include "inb-take.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *jobs;
  GError    *error;
  gboolean   interrupted;
  guint      n_flushing;
} Run;

static void
rerolled_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->jobs = inb_session_reroll_finish (INB_SESSION (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
all_ended (Run *run)
{
  for (guint i = 0; i < run->jobs->len; i++)
    if (!inb_job_state_is_terminal (inb_job_get_state (run->jobs->pdata[i])))
      return FALSE;

  return TRUE;
}

static void
job_finished_cb (InbJobQueue *queue,
                 InbJob      *job,
                 Run         *run)
{
  if (all_ended (run))
    g_main_loop_quit (run->loop);
}

static void
take_flushed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_take_save_finish (INB_TAKE (object), result, &error))
    inb_cli_print_error ("%s", error->message);

  if (--run->n_flushing == 0)
    g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Run *run = user_data;

  if (!run->interrupted)
    {
      run->interrupted = TRUE;
      g_printerr (_("Interrupted: cancelling…\n"));
      for (guint i = 0; run->jobs != NULL && i < run->jobs->len; i++)
        inb_job_cancel (run->jobs->pdata[i]);
    }

  return G_SOURCE_CONTINUE;
}

int
inb_cli_reroll (InbSession  *session,
                int          argc,
                char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbLibrary) library = NULL;
  InbTakeEntry *entry;
  Run run = { 0, };
  gint n = 1;
  guint sigint_id, sigterm_id;
  int status = INB_EXIT_OK;
  const GOptionEntry entries[] = {
    { "variations", 'n', 0, G_OPTION_ARG_INT, &n, N_("Make N takes, each with its own new seed (2 to 8)"), N_("N") },
    { NULL }
  };

  context = inb_cli_context_new (_("TAKE — make a take again with a new seed"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("TAKE is a take’s id, a unique start of one, or “last”.\n"
      "Exit status: 0 every take done, 2 invalid usage, 3 a take failed, 130 interrupted."));

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc != 2)
    {
      inb_cli_print_error (_("reroll needs one TAKE (an id, the start of one, or “last”)"));
      return INB_EXIT_USAGE;
    }
  if (n < 1 || n > 8)
    {
      inb_cli_print_error (_("-n must be from 1 to 8 (got %d)"), n);
      return INB_EXIT_USAGE;
    }

  library = inb_library_new (inb_session_get_takes_dir (session));
  if (!inb_library_load (library, NULL, &error) ||
      (entry = inb_library_resolve (library, argv[1], &error)) == NULL)
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &run);

  inb_session_reroll_async (session, inb_take_entry_get_dir (entry), (guint) n, NULL, rerolled_cb, &run);
  g_main_loop_run (run.loop);

  if (run.jobs == NULL)
    {
      inb_cli_print_error ("%s", run.error->message);
      status = g_error_matches (run.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT) ||
               g_error_matches (run.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH)
             ? INB_EXIT_USAGE : INB_EXIT_FAILURE;
      goto out;
    }

  if (!all_ended (&run))
    {
      gulong id = g_signal_connect (inb_session_get_queue (session), "job-finished",
                                    G_CALLBACK (job_finished_cb), &run);

      g_main_loop_run (run.loop);
      g_signal_handler_disconnect (inb_session_get_queue (session), id);
    }

  /* A job's final state is written by its take's writer thread after the
   * job has ended: wait for every take to be on disk before reporting and
   * exiting, as generate does (saves are written in order, so when this
   * one lands, every state before it has too). */
  run.n_flushing = run.jobs->len;
  for (guint i = 0; i < run.jobs->len; i++)
    inb_take_save_async (inb_job_get_take (run.jobs->pdata[i]), NULL, take_flushed_cb, &run);
  if (run.n_flushing > 0)
    g_main_loop_run (run.loop);

  for (guint i = 0; i < run.jobs->len; i++)
    {
      InbJob *job = run.jobs->pdata[i];
      InbTake *take = inb_job_get_take (job);
      g_autofree char *clip = inb_take_dup_clip_path (take);

      if (inb_job_get_state (job) == INB_JOB_DONE)
        g_print ("%s  seed %" G_GINT64_FORMAT "  %s\n", inb_take_get_id (take), inb_take_get_seed (take), clip);
      else
        {
          inb_cli_print_error (_("Take %s: %s"), inb_take_get_id (take),
                               inb_job_get_error (job) != NULL ? inb_job_get_error (job)->message
                                                               : inb_job_state_to_string (inb_job_get_state (job)));
          if (status == INB_EXIT_OK)
            status = inb_job_get_state (job) == INB_JOB_CANCELLED ? INB_EXIT_INTERRUPTED : INB_EXIT_BACKEND;
        }
    }

out:
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_pointer (&run.jobs, g_ptr_array_unref);
  g_clear_error (&run.error);
  g_main_loop_unref (run.loop);

  return status;
}
