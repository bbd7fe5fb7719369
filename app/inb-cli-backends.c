/* inb-cli-backends.c — `inbetween backends`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "inb-cli-private.h"


static void
print_model (InbModel *model)
{
  InbSchema *schema = inb_model_get_schema (model);
  gint64 prompt_max = inb_model_get_prompt_max_length (model);
  gint64 negative_max = inb_model_get_negative_max_length (model);

  g_print ("  %s — %s\n", inb_model_get_id (model), inb_model_get_title (model));
  if (prompt_max == 0)
    g_print ("    %s\n", _("takes no prompt"));
  else if (prompt_max > 0)
    /* Translators: the plural follows the first number, the prompt's limit */
    g_print (g_dngettext (GETTEXT_PACKAGE, "    prompt up to %" PRId64 " character, negative prompt up to %" PRId64 "\n",
                          "    prompt up to %" PRId64 " characters, negative prompt up to %" PRId64 "\n",
                          (gulong) prompt_max),
             prompt_max, negative_max);

  for (guint i = 0; i < inb_schema_get_n_params (schema); i++)
    {
      const InbParamSpec *spec = inb_schema_get_param (schema, i);
      g_autofree char *allowed = inb_param_spec_describe_allowed (spec);
      g_autofree char *def = NULL;

      if (spec->default_value != NULL)
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          json_generator_set_root (generator, spec->default_value);
          def = json_generator_to_data (generator, NULL);
        }

      /* Translators: a parameter's name, what it allows, its default, then
       * " — " and its description (or nothing) */
      g_print (_("    --set %-20s %s; default %s%s%s\n"), spec->name, allowed, def ? def : _("none"),
               spec->description ? " — " : "", spec->description ? spec->description : "");
    }
}

/* Where it is reached and what it needs: what the window's Preferences
 * shows, so a terminal user sees the same settings at work. */
static void
describe_provider (InbSession *session,
                   InbBackend *backend,
                   JsonObject *object,
                   gboolean    json)
{
  const char *source = NULL;
  g_autofree char *url = inb_session_dup_provider_url (session, backend, &source);
  g_autofree char *region = inb_session_dup_region (session, backend);

  if (inb_backend_takes_key (backend))
    {
      json_object_set_string_member (object, "key_variable", inb_backend_get_key_env (backend));
      if (!json)
        /* Translators: %s is an environment variable */
        g_print (_("  needs an API key (%s or “inbetween keys set %s”)\n"),
                 inb_backend_get_key_env (backend), inb_backend_get_id (backend));
    }

  if (url == NULL)
    return;

  json_object_set_string_member (object, "url", url);
  json_object_set_string_member (object, "url_source", source);
  if (inb_backend_get_n_regions (backend) > 1)
    json_object_set_string_member (object, "region", region);

  if (json)
    return;

  if (g_str_equal (source, "environment"))
    /* Translators: an address, then the variable that set it */
    g_print (_("  at %s (from %s)\n"), url, inb_backend_get_url_env (backend));
  else if (g_str_equal (source, "settings"))
    g_print (_("  at %s (set in Preferences)\n"), url);
  else if (inb_backend_get_n_regions (backend) > 1)
    /* Translators: an address, then a region such as "Singapore (international)" */
    g_print (_("  at %s (region %s)\n"), url,
             g_dgettext (GETTEXT_PACKAGE, inb_backend_find_region (backend, region)->name));
  else
    g_print (_("  at %s\n"), url);
}

int
inb_cli_backends (InbSession  *session,
                  int          argc,
                  char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonArray) array = NULL;
  GListModel *list;
  gboolean json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print backends, models and schemas as JSON"), NULL },
    { NULL }
  };

  context = inb_cli_context_new (_("— list backends, models and their parameters"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      inb_cli_print_error (_("backends takes no arguments"));
      return INB_EXIT_USAGE;
    }

  list = inb_backend_registry_get_backends (inb_session_get_registry (session));
  array = json_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (list, i);
      GPtrArray *models = inb_backend_get_models (backend);
      JsonObject *object = json_object_new ();
      JsonArray *model_array = json_array_new ();

      if (!json)
        g_print ("%s — %s\n", inb_backend_get_id (backend), inb_backend_get_name (backend));
      describe_provider (session, backend, object, json);

      for (guint j = 0; j < models->len; j++)
        {
          InbModel *model = g_ptr_array_index (models, j);
          JsonObject *model_json = inb_model_to_json (model);

          json_object_set_int_member (model_json, "max_concurrent",
                                      inb_backend_get_max_concurrent (backend, model));
          json_array_add_object_element (model_array, model_json);

          if (!json)
            print_model (model);
        }

      json_object_set_string_member (object, "id", inb_backend_get_id (backend));
      json_object_set_string_member (object, "name", inb_backend_get_name (backend));
      json_object_set_array_member (object, "models", model_array);
      json_array_add_object_element (array, object);
    }

  if (json)
    {
      g_autoptr(JsonObject) root = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_array_member (root, "backends", json_array_ref (array));
      node = json_node_init_object (json_node_alloc (), root);
      inb_cli_print_json (node);
    }

  return INB_EXIT_OK;
}
