/* inb-cli.c — the command line: verbs, help, and what they share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each verb lives in its own file (inb-cli-<verb>.c) and is listed once in
 * the table below, which also gives `inbetween --help`. Verbs that use
 * backends, keys or settings get the run's InbSession: the same object the
 * window uses, so both faces make takes the same way and obey the same
 * settings.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "inb-cli-private.h"

static const InbCliVerb verbs[] = {
  { "generate", N_("Make a clip from two keyframes"), inb_cli_generate, TRUE },
  { "backends", N_("List backends, models and their parameters"), inb_cli_backends, TRUE },
  { "history", N_("List stored takes"), inb_cli_history, FALSE },
  { "export", N_("Re-encode a take: MP4, WebM, ProRes, GIF, WebP or PNG frames"), inb_cli_export, FALSE },
  { "reroll", N_("Make a take again with a new seed (or several)"), inb_cli_reroll, TRUE },
  { "delete", N_("Delete takes and their files"), inb_cli_delete, TRUE },
  { "resume", N_("Finish hosted jobs left unfinished by a crash or a quit"), inb_cli_resume, TRUE },
  { "keys", N_("Store, forget or show the API keys of hosted services"), inb_cli_keys, TRUE },
};

static const InbCliVerb *
find_verb (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (verbs[i].name, name))
      return &verbs[i];

  return NULL;
}

/**
 * inb_cli_is_verb:
 *
 * Whether @arg starts a command-line run rather than the window: a verb,
 * `help`, `--help`/`-h` or `--version`.
 */
gboolean
inb_cli_is_verb (const char *arg)
{
  static const char * const others[] = { "help", "--help", "-h", "--version", NULL };

  return arg != NULL && (find_verb (arg) != NULL || g_strv_contains (others, arg) ||
                         inb_cli_backend_has_commands (arg));
}

/* At most @max characters of @text on one line, no control characters */
char *
inb_cli_one_line (const char *text,
                  glong       max)
{
  GString *out = g_string_new (NULL);
  glong n = 0;

  for (const char *p = text; p != NULL && *p != '\0' && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT ? ' ' : c);
    }
  if (text != NULL && g_utf8_strlen (text, -1) > max)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

void
inb_cli_print_error (const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("inbetween: %s\n", message);
}

/* What a job's address warrants (plain http to another computer), in the
 * backend's words, before anything is sent: generate, reroll and resume
 * alike, once per address */
static void
address_warning_cb (InbSession *session,
                    InbBackend *backend,
                    const char *message,
                    gpointer    user_data)
{
  /* A progress bar may be drawn on that line: clear it (it is redrawn) */
  if (isatty (STDERR_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0)
    g_printerr ("\r\033[K");
  /* Translators: %s says what is wrong with the server's address */
  g_printerr (_("inbetween: warning: %s\n"), message);
}

void
inb_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

GOptionContext *
inb_cli_context_new (const char *parameter_string)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

int
inb_cli_parse_options (GOptionContext   *context,
                       int              *argc,
                       char           ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *verb_prgname = g_strdup_printf ("%s %s", g_get_prgname (), (*argv)[0]);
  g_autofree char *prgname = g_strdup (g_get_prgname ());
  gboolean parsed;

  /* --help writes “PRGNAME [OPTION…]”: name the verb there too */
  g_set_prgname (verb_prgname);
  parsed = g_option_context_parse (context, argc, argv, &error);
  g_set_prgname (prgname);

  if (!parsed)
    {
      inb_cli_print_error ("%s", error->message);
      g_printerr (_("Try “inbetween %s --help”.\n"), (*argv)[0]);
      return INB_EXIT_USAGE;
    }

  return INB_EXIT_OK;
}

/**
 * inb_cli_pad:
 * @text: UTF-8 text
 * @width: the columns it should take at least
 * @right: align to the right (numbers) rather than the left
 *
 * printf's "%-12s" pads by bytes: a Chinese title (3 bytes a character,
 * 2 columns wide on a terminal) would push the next columns of a table
 * about. This pads by what a terminal shows: wide (CJK) characters take
 * two columns, combining marks none.
 *
 * Returns: (transfer full): @text with spaces before or after it
 */
char *
inb_cli_pad (const char *text,
             guint       width,
             gboolean    right)
{
  GString *out = g_string_new (NULL);
  guint columns = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      columns += g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
    }

  if (!right)
    g_string_append (out, text != NULL ? text : "");
  for (; columns < width; columns++)
    g_string_append_c (out, ' ');
  if (right)
    g_string_append (out, text != NULL ? text : "");

  return g_string_free (out, FALSE);
}

/**
 * inb_cli_list_backends:
 * @with_keys_only: only those that take a key
 *
 * Returns: (transfer full): "dashscope, wavespeed and runcomfy"
 */
char *
inb_cli_list_backends (InbSession *session,
                       gboolean    with_keys_only)
{
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (session));
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      if (!with_keys_only || inb_backend_takes_key (backend))
        g_ptr_array_add (ids, (gpointer) inb_backend_get_id (backend));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        /* Translators: between the last two items of a list: "a, b and c" */
        g_string_append (text, i + 1 == ids->len ? _(" and ") : C_("list", ", "));
      g_string_append (text, g_ptr_array_index (ids, i));
    }

  return g_string_free (text, FALSE);
}

void
inb_cli_print_no_key (InbSession   *session,
                      InbBackend   *backend,
                      const GError *error)
{
  inb_cli_print_error (_("No %s API key. Set %s, or store one in the keyring with "
                         "“inbetween keys set %s” (it reads the key from standard input)."),
                       inb_backend_get_short_name (backend), inb_backend_get_key_env (backend),
                       inb_backend_get_id (backend));
  if (error != NULL)
    g_printerr ("  %s\n", error->message);
  else
    {
      /* Why the keyring gave none, when it could not be asked */
      g_autofree char *problem = inb_secrets_dup_provider_problem (inb_session_get_secrets (session),
                                                                   inb_backend_get_id (backend));

      if (problem != NULL)
        g_printerr ("  %s\n", problem);
    }
}

gboolean
inb_cli_ensure_key (InbSession *session,
                    InbBackend *backend,
                    gboolean    report)
{
  InbSecrets *secrets = inb_session_get_secrets (session);
  g_autoptr(GError) error = NULL;
  InbKeySource source;
  char *key;

  if (!inb_backend_takes_key (backend))
    return TRUE;

  key = inb_secrets_lookup_sync (secrets, inb_backend_get_id (backend), &source, &error);
  if (key != NULL)
    {
      inb_backend_set_api_key (backend, key);
      inb_secrets_free_key (key);
      return TRUE;
    }

  if (inb_backend_has_api_key (backend))
    return TRUE;

  if (report)
    inb_cli_print_no_key (session, backend, error);

  return FALSE;
}

/* help -------------------------------------------------------------------- */

static void
print_usage (void)
{
  g_print (_("Usage:\n"
             "  inbetween                 open the window (with no display: render the sample keyframes)\n"
             "  inbetween COMMAND [OPTION…]\n"
             "\n"
             "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    g_print ("  %-10s %s\n", verbs[i].name, _(verbs[i].summary));
  g_print ("  %-10s %s\n", "help", _("Show the options of a command (“inbetween help generate”)"));
  inb_cli_print_backend_commands (NULL);
  g_print (_("\n"
             "Options:\n"
             "  -h, --help      Show this help\n"
             "  --version       Show the version\n"
             "\n"
             "Exit status: 0 done, 1 a file could not be read or written, 2 invalid usage or input\n"
             "(nothing was sent), 3 the backend or the network failed, 130 interrupted.\n"));
}

static int
run_help (int    argc,
          char **argv)
{
  const InbCliVerb *verb = argc > 1 ? find_verb (argv[1]) : NULL;
  char *args[3];

  /* A backend's own commands: "help comfyui" is "comfyui --help" */
  if (argc > 1 && verb == NULL && inb_cli_backend_has_commands (argv[1]))
    {
      args[0] = argv[1];
      args[1] = (char *) "--help";
      args[2] = NULL;
      return inb_cli_run (2, args);
    }

  if (argc > 1 && verb == NULL)
    {
      inb_cli_print_error (_("Unknown command “%s”; see “inbetween --help”"), argv[1]);
      return INB_EXIT_USAGE;
    }

  if (verb == NULL)
    {
      print_usage ();
      return INB_EXIT_OK;
    }

  args[0] = (char *) verb->name;
  args[1] = (char *) "--help";
  args[2] = NULL;
  return inb_cli_run (2, args);
}

/* samples ----------------------------------------------------------------- */

/**
 * inb_cli_find_samples_dir:
 *
 * Returns: (transfer full) (nullable): the folder with the bundled sample
 *   keyframes: $INB_SAMPLES_DIR, the installed copy, or the source tree's
 *   when running uninstalled.
 */
char *
inb_cli_find_samples_dir (void)
{
  const char *candidates[] = {
    g_getenv ("INB_SAMPLES_DIR"),
    SAMPLES_DIR,
    SOURCE_SAMPLES_DIR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *first = NULL;

      if (candidates[i] == NULL)
        continue;

      first = g_build_filename (candidates[i], "first.jpg", NULL);
      if (g_file_test (first, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }

  return NULL;
}

static int
run_verb (const InbCliVerb  *verb,
          InbSession        *session,
          int                argc,
          char             **argv)
{
  g_autofree char **copy = NULL;
  g_autoptr(InbSession) own = NULL;

  /* GOptionContext rewrites argv; work on a shallow copy. */
  copy = g_new0 (char *, argc + 1);
  memcpy (copy, argv, sizeof (char *) * argc);

  if (verb->needs_session && session == NULL)
    session = own = inb_session_new (NULL);
  if (verb->needs_session)
    g_signal_connect (session, "address-warning", G_CALLBACK (address_warning_cb), NULL);

  return verb->run (verb->needs_session ? session : NULL, argc, copy);
}

/* The first backend that runs on this computer: no address, no key. */
static InbBackend *
find_offline_backend (InbSession *session)
{
  GListModel *backends = inb_backend_registry_get_backends (inb_session_get_registry (session));

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);

      if (!inb_backend_has_address (backend) && !inb_backend_takes_key (backend))
        return backend;   /* the registry keeps it */
    }

  return NULL;
}

/**
 * inb_cli_render_samples:
 *
 * What `inbetween` does with no display: renders the bundled sample
 * keyframes with the built-in engine (the first backend that needs no
 * server and no key) and prints where the clip is.
 */
int
inb_cli_render_samples (void)
{
  g_autofree char *dir = inb_cli_find_samples_dir ();
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *backend_option = NULL;
  g_autoptr(InbSession) session = NULL;
  InbBackend *backend;
  char *args[6];

  if (dir == NULL)
    {
      inb_cli_print_error (_("No display, and the sample keyframes are not installed"));
      return INB_EXIT_FAILURE;
    }

  session = inb_session_new (NULL);
  backend = find_offline_backend (session);
  if (backend == NULL)
    {
      inb_cli_print_error (_("No display, and no backend runs on this computer"));
      return INB_EXIT_FAILURE;
    }

  /* Translators: %s is a backend, e.g. "Local (this computer)" */
  g_printerr (_("No display: rendering the sample keyframes with %s.\n"), inb_backend_get_name (backend));

  first = g_build_filename (dir, "first.jpg", NULL);
  last = g_build_filename (dir, "last.jpg", NULL);
  backend_option = g_strconcat ("--backend=", inb_backend_get_id (backend), NULL);
  args[0] = (char *) "generate";
  args[1] = first;
  args[2] = last;
  args[3] = (char *) "--seed=0";
  args[4] = backend_option;
  args[5] = NULL;

  return run_verb (find_verb ("generate"), session, 5, args);
}

/**
 * inb_cli_run:
 * @argv: the verb first, then its arguments
 */
int
inb_cli_run (int    argc,
             char **argv)
{
  const InbCliVerb *verb;

  g_return_val_if_fail (argc >= 1, INB_EXIT_USAGE);

  if (g_str_equal (argv[0], "--version"))
    {
      g_print ("inbetween %s\n", PACKAGE_VERSION);
      return INB_EXIT_OK;
    }
  if (g_str_equal (argv[0], "--help") || g_str_equal (argv[0], "-h"))
    {
      print_usage ();
      return INB_EXIT_OK;
    }
  if (g_str_equal (argv[0], "help"))
    return run_help (argc, argv);

  verb = find_verb (argv[0]);
  if (verb == NULL && inb_cli_backend_has_commands (argv[0]))
    {
      g_autoptr(InbSession) session = inb_session_new (NULL);

      return inb_cli_backend_command (session, argc, argv);
    }
  if (verb == NULL)
    {
      inb_cli_print_error (_("Unknown command “%s”; see “inbetween --help”"), argv[0]);
      return INB_EXIT_USAGE;
    }

  return run_verb (verb, NULL, argc, argv);
}
