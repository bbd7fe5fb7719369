/* inb-cli-history.c — `inbetween history`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-cli-private.h"
#include "inb-fs.h"
#include "inb-take.h"


static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
inb_cli_history (InbSession  *session,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autofree char *takes_dir = NULL;
  gboolean json = FALSE;
  const char *name;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the takes as JSON"), NULL },
    { NULL }
  };

  context = inb_cli_context_new (_("— list stored takes, oldest first"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  takes_dir = inb_fs_get_takes_dir ();
  names = g_ptr_array_new_with_free_func (g_free);
  array = json_array_new ();

  dir = g_dir_open (takes_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (takes_dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(InbTake) take = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;

      take = inb_take_load (path, &local_error);
      if (take == NULL)
        {
          g_printerr (_("Skipping %s: %s\n"), path, local_error->message);
          continue;
        }

      if (json)
        json_array_add_object_element (array, inb_take_to_json (take));
      else
        g_print ("%s  %-14s %s/%s  %s\n", inb_take_get_id (take), inb_take_get_state (take),
                 inb_take_get_backend_id (take), inb_take_get_model_id (take),
                 inb_take_get_prompt (take) ? inb_take_get_prompt (take) : "");
    }

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
      inb_cli_print_json (node);
    }

  return INB_EXIT_OK;
}
