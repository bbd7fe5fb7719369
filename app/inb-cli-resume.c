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
#include "inb-resume.h"


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
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print what happened to each take as JSON"), NULL },
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
      "Exit status: 0 all settled, 3 some left for later (no key, network), 130 interrupted."));

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      inb_cli_print_error (_("resume takes no arguments"));
      return INB_EXIT_USAGE;
    }

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
