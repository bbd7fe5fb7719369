/* inb-cli-history.c — `inbetween history [--json] [--filter TEXT] [--state STATE]`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library's list, oldest first like a log. Reading it settles the
 * takes a process that died left unfinished (see InbLibrary), so what is
 * printed is never "running" for a take nobody is making. Text from a
 * take (prompts, titles) is printed without control characters: a prompt
 * can hold anything, a terminal must not receive it raw.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-cli-private.h"
#include "inb-fs.h"
#include "inb-library.h"
#include "inb-take.h"

static char *
format_created (InbTakeEntry *entry)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (inb_take_entry_get_created (entry) / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  /* Translators: when a take was made, in `inbetween history`'s table and
   * in messages, as g_date_time_format() takes it (zh_CN: "%Y年%m月%d日
   * %H:%M"); keep the fields zero-padded so the table's columns line up */
  return local != NULL ? g_date_time_format (local, _("%Y-%m-%d %H:%M")) : g_strdup ("?");
}

/* A state as `inbetween history` writes it: the word --state takes,
 * translated (in English the two are the same) */
static const char *
state_word (InbJobState state)
{
  switch (state)
    {
    /* Translators: take states in `inbetween history`'s table, lower case;
     * --state takes these words as well as the English ones */
    case INB_JOB_QUEUED: return C_("history state", "queued");
    case INB_JOB_PREPARING: return C_("history state", "preparing");
    case INB_JOB_UPLOADING: return C_("history state", "uploading");
    case INB_JOB_SUBMITTED: return C_("history state", "submitted");
    case INB_JOB_RUNNING: return C_("history state", "running");
    case INB_JOB_DOWNLOADING: return C_("history state", "downloading");
    case INB_JOB_DONE: return C_("history state", "done");
    case INB_JOB_FAILED: return C_("history state", "failed");
    case INB_JOB_CANCELLED: return C_("history state", "cancelled");
    /* Translators: the take was sent and no answer came back */
    case INB_JOB_SUBMIT_UNKNOWN: return C_("history state", "submit-unknown");
    case INB_JOB_EXPIRED: return C_("history state", "expired");
    case INB_JOB_INTERRUPTED: return C_("history state", "interrupted");
    default: return inb_job_state_to_string (state);
    }
}

/* --state: the English word, or the one the table shows */
static gboolean
parse_state (const char  *text,
             InbJobState *state)
{
  if (inb_job_state_from_string (text, state))
    return TRUE;

  for (InbJobState s = INB_JOB_QUEUED; s <= INB_JOB_INTERRUPTED; s++)
    if (g_str_equal (text, state_word (s)))
      {
        *state = s;
        return TRUE;
      }

  return FALSE;
}

static void
print_entry (InbTakeEntry *entry)
{
  g_autofree char *when = format_created (entry);
  g_autofree char *title = inb_take_entry_dup_display_title (entry);
  g_autofree char *clean_title = inb_cli_one_line (title, 40);
  g_autofree char *prompt = inb_cli_one_line (inb_take_entry_get_prompt (entry), 60);
  g_autofree char *model = g_strdup_printf ("%s/%s", inb_take_entry_get_backend_id (entry) ? inb_take_entry_get_backend_id (entry) : "?",
                                            inb_take_entry_get_model_id (entry) ? inb_take_entry_get_model_id (entry) : "?");
  /* Translators: a clip's length in seconds in `inbetween history`'s
   * table, "5.0s"; keep it short */
  g_autofree char *duration = inb_take_entry_get_duration (entry) > 0
                            ? g_strdup_printf (_("%.1fs"), inb_take_entry_get_duration (entry))
                            : g_strdup ("-");
  /* the word --state takes, in the user's language */
  const char *state = state_word (inb_take_entry_get_state (entry));
  g_autofree char *title_column = NULL;
  g_autofree char *state_column = NULL;
  g_autofree char *model_column = NULL;
  g_autofree char *duration_column = NULL;

  if (inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_DAMAGED)
    /* Translators: in `inbetween history`'s state column: the take's
     * record could not be read */
    state = C_("history state", "damaged");

  /* padded by terminal columns, not bytes: titles and dates may be Chinese */
  title_column = inb_cli_pad (clean_title, 12, FALSE);
  state_column = inb_cli_pad (state, 14, FALSE);
  model_column = inb_cli_pad (model, 34, FALSE);
  duration_column = inb_cli_pad (duration, 6, TRUE);

  g_print ("%s  %s  %s %s %s %s  %s%s%s\n",
           inb_take_entry_get_id (entry), when, title_column, state_column, model_column, duration_column,
           inb_take_entry_get_starred (entry) ? "★ " : "", prompt,
           inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_NEWER ? _(" (newer format)") : "");

  /* What the backend warned of, under the take it belongs to */
  for (const char * const *w = inb_take_entry_get_warnings (entry); *w != NULL; w++)
    {
      g_autofree char *line = inb_cli_one_line (*w, 300);

      /* Translators: a backend's warning about a take, under its line in
       * `inbetween history` */
      g_print (_("    Warning: %s\n"), line);
    }
}

int
inb_cli_history (InbSession  *session,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbLibrary) library = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autofree char *takes_dir = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *state_name = NULL;
  const InbLibraryReport *report;
  InbJobState state = INB_JOB_QUEUED;
  gboolean json = FALSE;
  guint n;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the takes’ records as JSON"), NULL },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter, N_("Only takes whose prompt, title or note holds TEXT"), N_("TEXT") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_name, N_("Only takes in STATE (done, failed, cancelled, running, interrupted, expired, …)"), N_("STATE") },
    { NULL }
  };

  context = inb_cli_context_new (_("— list stored takes, oldest first"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      inb_cli_print_error (_("history takes no arguments (see --filter and --state)"));
      return INB_EXIT_USAGE;
    }
  if (state_name != NULL && !parse_state (state_name, &state))
    {
      inb_cli_print_error (_("“%s” is not a state; try done, failed, cancelled, running or interrupted"), state_name);
      return INB_EXIT_USAGE;
    }
  if (filter != NULL)
    folded = g_utf8_casefold (filter, -1);

  takes_dir = inb_fs_get_takes_dir ();
  library = inb_library_new (takes_dir);
  if (!inb_library_load (library, NULL, &error))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_FAILURE;
    }

  report = inb_library_get_report (library);
  for (guint i = 0; i < report->damaged->len; i++)
    g_printerr (_("Take %s: its record could not be read; it was set aside (take.json.corrupt-…), its files are kept.\n"),
                (const char *) report->damaged->pdata[i]);
  for (guint i = 0; i < report->interrupted->len; i++)
    g_printerr (_("Take %s was left unfinished by an Inbetween that stopped; marked interrupted.\n"),
                (const char *) report->interrupted->pdata[i]);
  for (guint i = 0; i < report->adopted->len; i++)
    g_printerr (_("Take %s was left unfinished, but its clip was whole; marked done.\n"),
                (const char *) report->adopted->pdata[i]);

  array = json_array_new ();
  n = g_list_model_get_n_items (G_LIST_MODEL (library));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (G_LIST_MODEL (library), i - 1);

      if (folded != NULL && !inb_take_entry_matches_text (entry, folded))
        continue;
      if (state_name != NULL && inb_take_entry_get_state (entry) != state)
        continue;

      if (json)
        {
          g_autoptr(JsonObject) manifest = inb_take_read_manifest (inb_take_entry_get_dir (entry), NULL);

          if (manifest != NULL)
            json_array_add_object_element (array, g_steal_pointer (&manifest));
        }
      else
        print_entry (entry);
    }

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
      inb_cli_print_json (node);
    }
  else if (n == 0)
    g_printerr (_("No takes yet.\n"));

  return INB_EXIT_OK;
}
