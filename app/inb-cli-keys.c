/* inb-cli-keys.c — `inbetween keys`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "inb-cli-private.h"


#define MAX_KEY_LENGTH 4096

/* On a terminal: one line, not echoed. */
static char *
read_key_from_terminal (InbSecrets  *secrets,
                        const char  *provider,
                        GError     **error)
{
  struct termios saved, quiet;
  char line[MAX_KEY_LENGTH + 2];
  gboolean got;
  char *key;

  g_printerr (_("%s API key (input is not shown): "), inb_secrets_get_provider_name (secrets, provider));

  if (tcgetattr (STDIN_FILENO, &saved) != 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Could not turn off echo on the terminal; pipe the key in instead"));
      return NULL;
    }

  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  got = fgets (line, sizeof line, stdin) != NULL;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  g_printerr ("\n");

  if (!got)
    line[0] = '\0';
  g_strstrip (line);
  key = line[0] != '\0' ? g_strdup (line) : NULL;
  memset (line, 0, sizeof line);

  if (key == NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("No key given"));

  return key;
}

static char *
read_key_from_stdin (GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[512];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    {
      g_string_append_len (text, buffer, (gssize) n);
      memset (buffer, 0, sizeof buffer);
      if (text->len > MAX_KEY_LENGTH)
        {
          memset (text->str, 0, text->len);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The key read from standard input is longer than %d bytes"), MAX_KEY_LENGTH);
          return NULL;
        }
    }

  g_strstrip (text->str);
  if (text->str[0] == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("No key on standard input; try “printf %s \"$KEY\" | inbetween keys set PROVIDER”"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
keys_status (InbSecrets *secrets,
             gboolean    json)
{
  const char * const *providers = inb_secrets_get_providers (secrets);
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; providers[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      InbKeySource source;
      JsonObject *object = json_object_new ();
      char *key = inb_secrets_lookup_sync (secrets, providers[i], &source, &error);

      /* Only where it comes from: the key itself is never shown */
      inb_secrets_free_key (key);

      json_object_set_string_member (object, "provider", providers[i]);
      json_object_set_string_member (object, "source", inb_key_source_to_string (source));
      json_object_set_string_member (object, "variable", inb_secrets_get_env_var (secrets, providers[i]));
      if (error != NULL)
        json_object_set_string_member (object, "problem", error->message);
      json_array_add_object_element (array, object);

      if (json)
        continue;

      switch (source)
        {
        case INB_KEY_SOURCE_ENVIRONMENT:
          g_print (_("%-10s key from %s\n"), providers[i], inb_secrets_get_env_var (secrets, providers[i]));
          break;
        case INB_KEY_SOURCE_KEYRING:
          g_print (_("%-10s key in the keyring\n"), providers[i]);
          break;
        case INB_KEY_SOURCE_SESSION:
        case INB_KEY_SOURCE_NONE:
        default:
          if (error != NULL)
            /* Translators: %-10s is a provider id, %s what went wrong with
             * the keyring and what to do, in sentences */
            g_print (_("%-10s no key: %s\n"), providers[i], error->message);
          else
            g_print (_("%-10s no key (set %s or run “inbetween keys set %s”)\n"), providers[i],
                     inb_secrets_get_env_var (secrets, providers[i]), providers[i]);
          break;
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
      inb_cli_print_json (node);
    }

  return INB_EXIT_OK;
}

int
inb_cli_keys (InbSession  *session,
              int          argc,
              char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *known = inb_cli_list_backends (session, TRUE);
  g_autoptr(GString) variables = g_string_new (NULL);
  g_autofree char *description = NULL;
  InbSecrets *secrets = inb_session_get_secrets (session);
  gboolean json = FALSE;
  const char *action;
  const char *provider;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("keys status: print JSON"), NULL },
    { NULL }
  };

  for (const char * const *p = inb_secrets_get_providers (secrets); *p != NULL; p++)
    g_string_append_printf (variables, "%s%s", variables->len > 0 ? C_("list", ", ") : "",
                            inb_secrets_get_env_var (secrets, *p));

  context = inb_cli_context_new (_("status | set PROVIDER | clear PROVIDER — API keys in the keyring"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Translators: the first %s lists providers ("dashscope, wavespeed and
   * runcomfy"), the second their variables */
  description = g_strdup_printf (_("PROVIDER is %s. “set” reads the key from standard input\n"
                                   "and stores it in the keyring (Secret Service). %s, when set,\n"
                                   "win over the keyring. Keys are never printed."),
                                 known, variables->str);
  g_option_context_set_description (context, description);

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  action = argc > 1 ? argv[1] : "status";
  provider = argc > 2 ? argv[2] : NULL;
  if (g_str_equal (action, "status") && argc <= 2)
    return keys_status (secrets, json);

  if ((!g_str_equal (action, "set") && !g_str_equal (action, "clear")) || argc != 3)
    {
      inb_cli_print_error (_("Usage: inbetween keys status | set PROVIDER | clear PROVIDER"));
      return INB_EXIT_USAGE;
    }

  if (!inb_secrets_is_provider (secrets, provider))
    {
      inb_cli_print_error (_("“%s” takes no key; the providers are %s"), provider, known);
      return INB_EXIT_USAGE;
    }

  if (g_str_equal (action, "set"))
    {
      char *key = isatty (STDIN_FILENO) ? read_key_from_terminal (secrets, provider, &error)
                                        : read_key_from_stdin (&error);
      InbKeySource stored;
      const char *env;

      if (key == NULL)
        {
          inb_cli_print_error ("%s", error->message);
          return INB_EXIT_USAGE;
        }

      stored = inb_secrets_store_sync (secrets, provider, key, &error);
      inb_secrets_free_key (key);

      if (stored == INB_KEY_SOURCE_KEYRING)
        {
          g_printerr (_("Stored the %s key in the keyring.\n"), inb_secrets_get_provider_name (secrets, provider));
          env = g_getenv (inb_secrets_get_env_var (secrets, provider));
          if (env != NULL && *env != '\0')
            g_printerr (_("Note: %s is set and is used instead while it is.\n"),
                        inb_secrets_get_env_var (secrets, provider));
          return INB_EXIT_OK;
        }

      if (stored == INB_KEY_SOURCE_SESSION)
        {
          g_autofree char *problem = inb_secrets_dup_provider_problem (secrets, provider);

          /* A session of one command keeps nothing: say so plainly.
           * Translators: %s says what went wrong with the keyring and
           * what to do, in sentences */
          if (problem != NULL)
            inb_cli_print_error (_("The key was not stored. %s"), problem);
          else
            inb_cli_print_error (_("The key was not stored: %s. Set %s in the environment instead."),
                                 _("no keyring"), inb_secrets_get_env_var (secrets, provider));
          return INB_EXIT_FAILURE;
        }

      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (!inb_secrets_clear_sync (secrets, provider, &error))
    {
      inb_cli_print_error (_("Could not clear the %s key: %s"), inb_secrets_get_provider_name (secrets, provider), error->message);
      return INB_EXIT_FAILURE;
    }

  g_printerr (_("The keyring holds no %s key now.\n"), inb_secrets_get_provider_name (secrets, provider));
  return INB_EXIT_OK;
}
