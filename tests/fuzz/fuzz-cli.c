/* fuzz-cli.c — the command line's parser: `generate`'s options and its
 * --set KEY=VALUE settings against every model's schema
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the first byte chooses a model (of every backend's schema, read
 * from the built-in resources), the rest is the arguments after
 * `generate`, separated by NUL bytes. Nothing is read or sent
 * (_inb_cli_generate_check_args). Arguments that ask for help are
 * dropped: GOption prints it and exits. Invariants: the answer is OK or
 * USAGE; settings that were accepted validate against the schema, each
 * once.
 */
#include "config.h"

#include <string.h>

#include "inb-cli-private.h"
#include "inb-model.h"
#include "inb-fuzz.h"

static const char * const resources[] = { "local", "dashscope", "wavespeed", "runcomfy", "comfyui" };

static GPtrArray *
all_models (void)
{
  static GPtrArray *models;

  if (models == NULL)
    {
      models = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
        {
          g_autofree char *path = g_strdup_printf (RESOURCE_BASE "/schemas/%s.json", resources[i]);
          g_autoptr(GPtrArray) list = inb_model_list_new_from_resource (path, NULL);

          for (guint k = 0; list != NULL && k < list->len; k++)
            g_ptr_array_add (models, g_object_ref (g_ptr_array_index (list, k)));
        }
      g_assert_cmpuint (models->len, >, 0);
    }
  return models;
}

static gboolean
asks_for_help (const char *arg)
{
  if (g_str_has_prefix (arg, "--help"))
    return TRUE;
  /* -h, -?, or a cluster of short options holding one */
  return arg[0] == '-' && arg[1] != '-' && strpbrk (arg, "h?") != NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) params = NULL;
  g_autofree char **argv = NULL;
  GPtrArray *models;
  InbModel *model;
  gsize start = 1;
  int status;

  inb_fuzz_init ();
  if (size < 1 || size > 16 * 1024)
    return 0;
  models = all_models ();
  model = g_ptr_array_index (models, data[0] % models->len);

  g_ptr_array_add (args, g_strdup ("generate"));
  for (gsize i = 1; i <= size && args->len < 64; i++)
    if (i == size || data[i] == '\0')
      {
        char *arg = g_strndup ((const char *) data + start, i - start);

        if (asks_for_help (arg))
          g_free (arg);
        else
          g_ptr_array_add (args, arg);
        start = i + 1;
      }

  /* GOption takes the array apart: a copy of the pointers */
  argv = g_new0 (char *, args->len + 1);
  memcpy (argv, args->pdata, args->len * sizeof (char *));

  status = _inb_cli_generate_check_args (inb_model_get_schema (model), (int) args->len, argv, &params);
  g_assert_true (status == INB_EXIT_OK || status == INB_EXIT_USAGE);
  if (status == INB_EXIT_OK)
    {
      g_autoptr(GList) members = json_object_get_members (params);

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autoptr(GError) error = NULL;

          if (!inb_schema_validate_value (inb_model_get_schema (model), l->data,
                                          json_object_get_member (params, l->data), &error))
            g_error ("--set %s was accepted but does not validate: %s", (char *) l->data, error->message);
        }
    }
  return 0;
}
