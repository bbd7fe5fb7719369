/* inb-cli-delete.c — `inbetween delete TAKE…`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line asks for it by name, so the take goes for good (the
 * window's delete keeps it in the library's trash until its undo toast
 * is gone). A take still being made is refused.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-cli-private.h"
#include "inb-library.h"

int
inb_cli_delete (InbSession  *session,
                int          argc,
                char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbLibrary) library = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  int status;

  context = inb_cli_context_new (_("TAKE… — delete takes and their files"));
  g_option_context_set_description (context,
    _("TAKE is a take’s id, a unique start of one, or “last”. Every TAKE is found\n"
      "before any is deleted; a take still being made is not deleted."));

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc < 2)
    {
      inb_cli_print_error (_("delete needs at least one TAKE"));
      return INB_EXIT_USAGE;
    }

  library = inb_library_new (inb_session_get_takes_dir (session));
  if (!inb_library_load (library, NULL, &error))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_FAILURE;
    }

  /* All or nothing: a mistyped name deletes nothing */
  for (int i = 1; i < argc; i++)
    {
      InbTakeEntry *entry = inb_library_resolve (library, argv[i], &error);

      if (entry == NULL)
        {
          inb_cli_print_error ("%s", error->message);
          return INB_EXIT_USAGE;
        }
      g_ptr_array_add (entries, g_object_ref (entry));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      InbTakeEntry *entry = entries->pdata[i];
      g_autofree char *id = g_strdup (inb_take_entry_get_id (entry));

      if (!inb_library_trash (library, entry, &error) || !inb_library_purge (library, id, &error))
        {
          inb_cli_print_error (_("Take %s was not deleted: %s"), id, error->message);
          return INB_EXIT_FAILURE;
        }
      g_printerr (_("Deleted take %s.\n"), id);
    }

  return INB_EXIT_OK;
}
