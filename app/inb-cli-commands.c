/* inb-cli-commands.c — `inbetween <backend> <command> …`: a backend's own verbs
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A backend may declare command line verbs of its own in its
 * InbBackendInfo (see InbBackendCommand): `inbetween <backend id>
 * <command> …` runs inb_backend_run_command() with the backend pointed at
 * the address the settings give, as every verb is. Nothing here knows a
 * provider: the commands come from the registry.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-cli-private.h"

/**
 * inb_cli_backend_has_commands:
 *
 * Whether @name is the id of a backend with commands of its own (a
 * registry of the registered backends is made to find out).
 */
gboolean
inb_cli_backend_has_commands (const char *name)
{
  g_autoptr(InbBackendRegistry) registry = NULL;
  InbBackend *backend;

  if (name == NULL || *name == '-')
    return FALSE;

  registry = inb_backend_registry_new_default ();
  backend = inb_backend_registry_lookup (registry, name);
  return backend != NULL && inb_backend_get_commands (backend) != NULL &&
         inb_backend_get_commands (backend)[0].name != NULL;
}

/* "  comfyui import FILE …   summary" for each command of every backend */
void
inb_cli_print_backend_commands (InbSession *session)
{
  g_autoptr(InbBackendRegistry) own = NULL;
  InbBackendRegistry *registry;
  GListModel *backends;
  gboolean header = FALSE;

  registry = session != NULL ? inb_session_get_registry (session) : (own = inb_backend_registry_new_default ());
  backends = inb_backend_registry_get_backends (registry);

  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (backends, i);
      const InbBackendCommand *commands = inb_backend_get_commands (backend);

      for (guint k = 0; commands != NULL && commands[k].name != NULL; k++)
        {
          g_autofree char *usage = g_strdup_printf ("%s %s", inb_backend_get_id (backend), commands[k].name);

          if (!header)
            g_print (_("\nCommands of the backends:\n"));
          header = TRUE;
          g_print ("  %-18s %s\n", usage, _(commands[k].summary));
          if (commands[k].parameter_string != NULL)
            g_print ("  %-18s   %s %s\n", "", usage, _(commands[k].parameter_string));
        }
    }
}

/**
 * inb_cli_backend_command:
 * @argv: the backend's id, then the command and its arguments
 */
int
inb_cli_backend_command (InbSession  *session,
                         int          argc,
                         char       **argv)
{
  InbBackend *backend = inb_session_lookup_backend (session, argv[0]);
  const InbBackendCommand *commands;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  g_autofree char *command_prgname = NULL;
  gboolean done;

  if (backend == NULL)
    {
      inb_cli_print_error (_("Unknown command “%s”; see “inbetween --help”"), argv[0]);
      return INB_EXIT_USAGE;
    }

  commands = inb_backend_get_commands (backend);
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print (_("Commands of %s:\n"), inb_backend_get_name (backend));
      for (guint k = 0; commands != NULL && commands[k].name != NULL; k++)
        g_print ("  inbetween %s %s %s\n      %s\n", argv[0], commands[k].name,
                 commands[k].parameter_string != NULL ? _(commands[k].parameter_string) : "",
                 _(commands[k].summary));
      return argc < 2 ? INB_EXIT_USAGE : INB_EXIT_OK;
    }

  if (inb_backend_find_command (backend, argv[1]) == NULL)
    {
      inb_cli_print_error (_("%s has no command “%s”; see “inbetween %s --help”"),
                           inb_backend_get_id (backend), argv[1], argv[0]);
      return INB_EXIT_USAGE;
    }

  inb_session_configure_backend (session, backend);
  /* Its --help writes “PRGNAME [OPTION…]”: “inbetween comfyui import”, as
   * inb_cli_parse_options() names a verb. */
  prgname = g_strdup (g_get_prgname ());
  command_prgname = g_strdup_printf ("%s %s %s", prgname, argv[0], argv[1]);
  g_set_prgname (command_prgname);
  done = inb_backend_run_command (backend, argc - 1, argv + 1, &error);
  g_set_prgname (prgname);
  if (done)
    return INB_EXIT_OK;

  inb_cli_print_error ("%s", error->message);
  if (error->domain == G_OPTION_ERROR || error->domain == G_FILE_ERROR ||
      g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT))
    return INB_EXIT_USAGE;

  return INB_EXIT_BACKEND;
}
