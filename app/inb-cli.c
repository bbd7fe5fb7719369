/* inb-cli.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "inb-backend-registry.h"
#include "inb-cli.h"
#include "inb-fs.h"
#include "inb-job.h"
#include "inb-keyframe.h"
#include "inb-request-builder.h"
#include "inb-resume.h"
#include "inb-secrets.h"
#include "inb-take.h"

static const char * const verbs[] = { "generate", "backends", "history", "keys", "resume", NULL };

gboolean
inb_cli_is_verb (const char *arg)
{
  return arg != NULL && g_strv_contains (verbs, arg);
}

static void G_GNUC_PRINTF (1, 2)
print_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("inbetween: %s\n", message);
}

static void
print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
parse_options (GOptionContext   *context,
               int              *argc,
               char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_error ("%s", error->message);
      g_printerr (_("Try “inbetween %s --help”.\n"), (*argv)[0]);
      return INB_EXIT_USAGE;
    }

  return INB_EXIT_OK;
}

/* ---------------------------------------------------------------- generate */

typedef struct
{
  GMainLoop   *loop;
  InbJob      *job;
  gboolean     tty;
  gboolean     quiet;
  gboolean     interrupted;
  int          last_percent;
  char        *last_stage;
  guint        bar_width;
  gboolean     bar_shown;
} GenerateRun;

static void
generate_run_clear (GenerateRun *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->job);
  g_clear_pointer (&run->last_stage, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GenerateRun, generate_run_clear)

static gboolean
interrupt_cb (gpointer user_data)
{
  GenerateRun *run = user_data;

  if (!run->interrupted)
    {
      run->interrupted = TRUE;
      if (run->tty && run->bar_shown)
        g_printerr ("\n");
      g_printerr (_("Interrupted: cancelling…\n"));
      inb_job_cancel (run->job);
    }

  return G_SOURCE_CONTINUE;
}

static void
job_progress_cb (InbJob      *job,
                 GParamSpec  *pspec,
                 GenerateRun *run)
{
  g_autofree char *stage = inb_job_dup_stage (job);
  double fraction = inb_job_get_fraction (job);
  int percent = (int) (fraction * 100.0 + 0.5);
  double eta = inb_job_get_eta (job);

  if (run->quiet || run->interrupted)
    return;

  if (run->tty)
    {
      g_autofree char *bar = g_malloc0 (run->bar_width + 1);
      guint filled = (guint) (fraction * run->bar_width + 0.5);
      g_autofree char *eta_text = eta >= 0 ? g_strdup_printf ("  ETA %.0fs", eta) : g_strdup ("");

      memset (bar, '#', filled);
      memset (bar + filled, '.', run->bar_width - filled);
      g_printerr ("\r\033[K[%s] %3d%%  %s%s", bar, percent, stage ? stage : "", eta_text);
      run->bar_shown = TRUE;
    }
  else if (g_strcmp0 (stage, run->last_stage) != 0 && stage != NULL &&
           !g_str_has_prefix (stage, "Rendering frame"))
    {
      g_printerr ("%3d%% %s\n", percent, stage);
    }
  else if (percent / 10 != run->last_percent / 10)
    {
      g_printerr ("%3d%% %s\n", percent, stage ? stage : "");
    }
  else
    return;

  run->last_percent = percent;
  g_free (run->last_stage);
  run->last_stage = g_steal_pointer (&stage);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GenerateRun *run = user_data;

  inb_job_run_finish (INB_JOB (object), result, NULL);
  g_main_loop_quit (run->loop);
}

static void
take_flushed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GenerateRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_take_save_finish (INB_TAKE (object), result, &error))
    print_error (_("Could not save the take: %s"), error->message);

  g_main_loop_quit (run->loop);
}

static gboolean
add_setting (InbSchema   *schema,
             JsonObject  *params,
             const char  *assignment,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (assignment, "=", 2);
  JsonNode *value;

  if (parts[0] == NULL || parts[1] == NULL || *parts[0] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--set expects KEY=VALUE, got “%s”"), assignment);
      return FALSE;
    }

  value = inb_schema_parse_value (schema, g_strstrip (parts[0]), parts[1], error);
  if (value == NULL)
    return FALSE;

  json_object_set_member (params, g_strstrip (parts[0]), value);
  return TRUE;
}

static gboolean
check_output_path (const char  *output,
                   GError     **error)
{
  g_autofree char *parent = NULL;

  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   _("Output “%s” is a folder; give a file name such as clip.mp4"), output);
      return FALSE;
    }

  parent = g_path_get_dirname (output);
  if (!g_file_test (parent, G_FILE_TEST_IS_DIR) || access (parent, W_OK) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("Cannot write “%s”: the folder “%s” does not exist or is not writable"),
                   output, parent);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
take_summary (InbJob     *job,
              const char *output)
{
  InbTake *take = inb_job_get_take (job);
  InbResult *result = inb_job_get_result (job);
  g_autoptr(JsonObject) manifest = inb_take_to_json (take);
  g_autofree char *clip = inb_take_dup_clip_path (take);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "output", output ? output : clip);
  json_object_set_string_member (object, "clip", clip);
  json_object_set_string_member (object, "take", inb_take_get_id (take));
  json_object_set_string_member (object, "take_dir", inb_take_get_dir (take));
  json_object_set_string_member (object, "state", inb_job_state_to_string (inb_job_get_state (job)));
  json_object_set_string_member (object, "backend", inb_take_get_backend_id (take));
  json_object_set_string_member (object, "model", inb_take_get_model_id (take));
  json_object_set_string_member (object, "prompt", inb_take_get_prompt (take));
  json_object_set_string_member (object, "negative_prompt", inb_take_get_negative_prompt (take));
  json_object_set_int_member (object, "seed", inb_take_get_seed (take));

  if (json_object_has_member (manifest, "parameters"))
    json_object_set_member (object, "parameters", json_object_dup_member (manifest, "parameters"));

  if (result != NULL)
    {
      json_object_set_int_member (object, "width", inb_result_get_width (result));
      json_object_set_int_member (object, "height", inb_result_get_height (result));
      json_object_set_int_member (object, "frames", inb_result_get_n_frames (result));
      json_object_set_double_member (object, "fps", inb_result_get_fps (result));
    }

  if (json_object_has_member (manifest, "timings"))
    {
      JsonNode *timings = json_object_dup_member (manifest, "timings");
      JsonObject *backend_meta = result ? inb_result_get_metadata (result) : NULL;

      /* The backend's own breakdown (analysis, render, encode…) sits beside
       * the job's totals. */
      if (backend_meta != NULL)
        {
          g_autoptr(GList) names = json_object_get_members (backend_meta);

          for (const GList *l = names; l != NULL; l = l->next)
            {
              JsonNode *node = json_object_get_member (backend_meta, l->data);

              /* durations are named "<stage>_s" */
              if (g_str_has_suffix (l->data, "_s") && JSON_NODE_HOLDS_VALUE (node) &&
                  (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
                   json_node_get_value_type (node) == G_TYPE_INT64))
                json_object_set_member (json_node_get_object (timings), l->data, json_node_copy (node));
            }
        }

      json_object_set_member (object, "timings", timings);
    }

  return json_node_init_object (json_node_alloc (), object);
}

/* A cloud backend gets its key from the environment, else the keyring.
 * FALSE (and a message saying how to give one) when there is none. */
static gboolean
ensure_backend_key (InbSecrets *secrets,
                    InbBackend *backend,
                    gboolean    report)
{
  const char *provider = inb_backend_get_id (backend);
  g_autoptr(GError) error = NULL;
  InbKeySource source;
  char *key;

  if (!inb_secrets_is_provider (provider))
    return TRUE;

  key = inb_secrets_lookup_sync (secrets, provider, &source, &error);
  if (key != NULL)
    {
      inb_secrets_apply_to_backend (backend, key);
      inb_secrets_free_key (key);
      return TRUE;
    }

  if (inb_secrets_backend_has_key (backend))
    return TRUE;

  if (report)
    {
      print_error (_("No %s API key. Set %s, or store one in the keyring with "
                     "“inbetween keys set %s” (it reads the key from standard input)."),
                   inb_secrets_get_provider_name (provider), inb_secrets_get_env_var (provider), provider);
      if (error != NULL)
        g_printerr ("  %s\n", error->message);
    }

  return FALSE;
}

static int
generate (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbBackendRegistry) registry = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(InbKeyframe) first = NULL;
  g_autoptr(InbKeyframe) last = NULL;
  g_autoptr(InbRequest) request = NULL;
  g_autoptr(InbTake) take = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *negative = NULL;
  g_autofree char *backend_id = NULL;
  g_autofree char *model_id = NULL;
  g_autofree char *output = NULL;
  g_autofree char *takes_dir = NULL;
  g_autofree char *clip = NULL;
  g_auto(GStrv) settings = NULL;
  g_auto(GStrv) files = NULL;
  g_auto(GenerateRun) run = { 0 };
  gint64 seed = -1;
  gboolean json = FALSE;
  gboolean quiet = FALSE;
  InbBackend *backend;
  InbModel *model;
  InbJobState state;
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry entries[] = {
    { "prompt", 'p', 0, G_OPTION_ARG_STRING, &prompt, N_("What happens between the keyframes"), N_("PROMPT") },
    { "negative", 'n', 0, G_OPTION_ARG_STRING, &negative, N_("What to avoid"), N_("NEGATIVE") },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend_id, N_("Backend (default: local)"), N_("BACKEND") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_id, N_("Model (default: the backend’s first)"), N_("MODEL") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Seed (default: random)"), N_("SEED") },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &settings, N_("Set a model parameter; see “inbetween backends”"), N_("KEY=VALUE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Also copy the clip to this file"), N_("OUT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as one JSON object"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FIRST LAST") },
    { NULL }
  };

  context = g_option_context_new (_("FIRST LAST — make a clip from two keyframes"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("FIRST and LAST are image files (PNG, JPEG, WebP, BMP), file:// or data: URIs.\n"
      "Without -o the clip stays in the take’s folder and its path is printed.\n"
      "Exit status: 0 done, 2 invalid usage or input, 3 backend failure, 130 interrupted."));

  if ((status = parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (files == NULL || g_strv_length (files) != 2)
    {
      print_error (_("generate needs exactly two images, FIRST and LAST (got %u)"),
                   files ? g_strv_length (files) : 0);
      return INB_EXIT_USAGE;
    }

  registry = inb_backend_registry_new_default ();
  backend = inb_backend_registry_lookup (registry, backend_id ? backend_id : "local");
  if (backend == NULL)
    {
      g_autoptr(GString) known = g_string_new (NULL);
      GListModel *backends = inb_backend_registry_get_backends (registry);

      for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
        {
          g_autoptr(InbBackend) b = g_list_model_get_item (backends, i);
          g_string_append_printf (known, "%s%s", i ? ", " : "", inb_backend_get_id (b));
        }

      print_error (_("Unknown backend “%s”; available: %s"), backend_id, known->str);
      return INB_EXIT_USAGE;
    }

  model = model_id ? inb_backend_find_model (backend, model_id) : inb_backend_get_default_model (backend);
  if (model == NULL)
    {
      print_error (_("%s has no model “%s”; see “inbetween backends”"),
                   inb_backend_get_id (backend), model_id);
      return INB_EXIT_USAGE;
    }

  /* Before anything is read or sent: a cloud backend needs its key */
  {
    g_autoptr(InbSecrets) secrets = inb_secrets_new ();

    if (!ensure_backend_key (secrets, backend, TRUE))
      return INB_EXIT_USAGE;
  }

  params = json_object_new ();
  for (guint i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      if (!add_setting (inb_model_get_schema (model), params, settings[i], &error))
        {
          print_error ("%s", error->message);
          return INB_EXIT_USAGE;
        }
    }

  if (seed < -1)
    {
      print_error (_("--seed must be 0 or more (got %" G_GINT64_FORMAT ")"), seed);
      return INB_EXIT_USAGE;
    }
  if (seed == -1 && json_object_has_member (params, "seed"))
    seed = json_object_get_int_member (params, "seed");

  if (output != NULL && !check_output_path (output, &error))
    {
      print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (!(first = inb_keyframe_load (files[0], NULL, &error)) ||
      !(last = inb_keyframe_load (files[1], NULL, &error)))
    {
      print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (inb_keyframe_aspect_differs (first, last) && !quiet)
    g_printerr (_("Note: the keyframes differ in aspect ratio (%u × %u and %u × %u); fit policy “%s” frames the last one.\n"),
                inb_keyframe_get_width (first), inb_keyframe_get_height (first),
                inb_keyframe_get_width (last), inb_keyframe_get_height (last),
                inb_params_get_string (params, "fit", "crop"));

  request = inb_request_build (backend, model, first, last, prompt, negative, params, seed, &error);
  if (request == NULL)
    {
      print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  /* From here on the take exists and everything is recorded in it. */
  takes_dir = inb_fs_get_takes_dir ();
  take = inb_take_create (takes_dir, request, &error);
  if (take == NULL || !inb_take_save (take, &error))
    {
      print_error ("%s", error->message);
      return INB_EXIT_FAILURE;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  run.job = inb_job_new (backend, request, take);
  run.tty = isatty (STDERR_FILENO) && g_getenv ("TERM") != NULL && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  run.quiet = quiet;
  run.last_percent = -10;
  run.bar_width = 30;

  g_signal_connect (run.job, "notify::fraction", G_CALLBACK (job_progress_cb), &run);
  g_signal_connect (run.job, "notify::stage", G_CALLBACK (job_progress_cb), &run);
  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &run);

  inb_job_run_async (run.job, job_done_cb, &run);
  g_main_loop_run (run.loop);

  if (run.tty && run.bar_shown)
    g_printerr ("\n");

  /* Saves are written in order: when this one lands, every state is on disk. */
  inb_take_save_async (take, NULL, take_flushed_cb, &run);
  g_main_loop_run (run.loop);

  state = inb_job_get_state (run.job);
  clip = inb_take_dup_clip_path (take);

  if (state == INB_JOB_DONE && output != NULL && !run.interrupted)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      if (!inb_fs_copy_atomic (clip, output, cancellable, &error))
        {
          print_error (_("The clip is in %s but could not be copied: %s"), clip, error->message);
          g_source_remove (sigint_id);
          g_source_remove (sigterm_id);
          return INB_EXIT_FAILURE;
        }
    }

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  switch (state)
    {
    case INB_JOB_DONE:
      if (json)
        {
          g_autoptr(JsonNode) summary = take_summary (run.job, output);
          print_json (summary);
        }
      else
        g_print ("%s\n", output ? output : clip);
      return INB_EXIT_OK;

    case INB_JOB_CANCELLED:
      print_error (_("Cancelled; nothing was kept but the take’s record in %s"), inb_take_get_dir (take));
      return INB_EXIT_INTERRUPTED;

    default:
      {
        const GError *job_error = inb_job_get_error (run.job);

        print_error (_("Generation failed (%s): %s"), inb_job_state_to_string (state),
                     job_error ? job_error->message : _("unknown error"));
        if (json)
          {
            g_autoptr(JsonNode) summary = take_summary (run.job, output);
            print_json (summary);
          }
        return INB_EXIT_BACKEND;
      }
    }
}

/* ---------------------------------------------------------------- backends */

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
    g_print (_("    prompt up to %" G_GINT64_FORMAT " characters, negative prompt up to %" G_GINT64_FORMAT "\n"),
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

      g_print ("    --set %-20s %s; default %s%s%s\n", spec->name, allowed, def ? def : "none",
               spec->description ? " — " : "", spec->description ? spec->description : "");
    }
}

static int
backends (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(InbBackendRegistry) registry = NULL;
  g_autoptr(JsonArray) array = NULL;
  GListModel *list;
  gboolean json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print backends, models and schemas as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— list backends, models and their parameters"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if ((status = parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      print_error (_("backends takes no arguments"));
      return INB_EXIT_USAGE;
    }

  registry = inb_backend_registry_new_default ();
  list = inb_backend_registry_get_backends (registry);
  array = json_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (list, i);
      GPtrArray *models = inb_backend_get_models (backend);
      JsonObject *object = json_object_new ();
      JsonArray *model_array = json_array_new ();

      if (!json)
        g_print ("%s — %s\n", inb_backend_get_id (backend), inb_backend_get_name (backend));

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
      print_json (node);
    }

  return INB_EXIT_OK;
}

/* ---------------------------------------------------------------- history */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static int
history (int    argc,
         char **argv)
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

  context = g_option_context_new (_("— list stored takes, oldest first"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if ((status = parse_options (context, &argc, &argv)) != INB_EXIT_OK)
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
      print_json (node);
    }

  return INB_EXIT_OK;
}

/* ---------------------------------------------------------------- keys */

#define MAX_KEY_LENGTH 4096

/* On a terminal: one line, not echoed. */
static char *
read_key_from_terminal (const char  *provider,
                        GError     **error)
{
  struct termios saved, quiet;
  char line[MAX_KEY_LENGTH + 2];
  gboolean got;
  char *key;

  g_printerr (_("%s API key (input is not shown): "), inb_secrets_get_provider_name (provider));

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
  const char * const *providers = inb_secrets_get_providers ();
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
      json_object_set_string_member (object, "variable", inb_secrets_get_env_var (providers[i]));
      if (error != NULL)
        json_object_set_string_member (object, "problem", error->message);
      json_array_add_object_element (array, object);

      if (json)
        continue;

      switch (source)
        {
        case INB_KEY_SOURCE_ENVIRONMENT:
          g_print (_("%-10s key from %s\n"), providers[i], inb_secrets_get_env_var (providers[i]));
          break;
        case INB_KEY_SOURCE_KEYRING:
          g_print (_("%-10s key in the keyring\n"), providers[i]);
          break;
        case INB_KEY_SOURCE_SESSION:
        case INB_KEY_SOURCE_NONE:
        default:
          if (error != NULL)
            g_print (_("%-10s no key in %s; the keyring could not be asked: %s\n"), providers[i],
                     inb_secrets_get_env_var (providers[i]), error->message);
          else
            g_print (_("%-10s no key (set %s or run “inbetween keys set %s”)\n"), providers[i],
                     inb_secrets_get_env_var (providers[i]), providers[i]);
          break;
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
      print_json (node);
    }

  return INB_EXIT_OK;
}

static int
keys (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbSecrets) secrets = NULL;
  gboolean json = FALSE;
  const char *action;
  const char *provider;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("keys status: print JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("status | set PROVIDER | clear PROVIDER — API keys in the keyring"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("PROVIDER is dashscope, wavespeed or runcomfy. “set” reads the key from standard input\n"
      "and stores it in the keyring (Secret Service). DASHSCOPE_API_KEY, WAVESPEED_API_KEY and\n"
      "RUNCOMFY_API_TOKEN, when set, win over the keyring. Keys are never printed."));

  if ((status = parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  action = argc > 1 ? argv[1] : "status";
  provider = argc > 2 ? argv[2] : NULL;
  secrets = inb_secrets_new ();

  if (g_str_equal (action, "status") && argc <= 2)
    return keys_status (secrets, json);

  if ((!g_str_equal (action, "set") && !g_str_equal (action, "clear")) || argc != 3)
    {
      print_error (_("Usage: inbetween keys status | set PROVIDER | clear PROVIDER"));
      return INB_EXIT_USAGE;
    }

  if (!inb_secrets_is_provider (provider))
    {
      print_error (_("“%s” takes no key; the providers are dashscope, wavespeed and runcomfy"), provider);
      return INB_EXIT_USAGE;
    }

  if (g_str_equal (action, "set"))
    {
      char *key = isatty (STDIN_FILENO) ? read_key_from_terminal (provider, &error)
                                        : read_key_from_stdin (&error);
      InbKeySource stored;
      const char *env;

      if (key == NULL)
        {
          print_error ("%s", error->message);
          return INB_EXIT_USAGE;
        }

      stored = inb_secrets_store_sync (secrets, provider, key, &error);
      inb_secrets_free_key (key);

      if (stored == INB_KEY_SOURCE_KEYRING)
        {
          g_printerr (_("Stored the %s key in the keyring.\n"), inb_secrets_get_provider_name (provider));
          env = g_getenv (inb_secrets_get_env_var (provider));
          if (env != NULL && *env != '\0')
            g_printerr (_("Note: %s is set and is used instead while it is.\n"),
                        inb_secrets_get_env_var (provider));
          return INB_EXIT_OK;
        }

      if (stored == INB_KEY_SOURCE_SESSION)
        {
          g_autofree char *problem = inb_secrets_dup_problem (secrets);

          /* A session of one command keeps nothing: say so plainly */
          print_error (_("The key was not stored: %s. Set %s in the environment instead."),
                       problem ? problem : _("no keyring"), inb_secrets_get_env_var (provider));
          return INB_EXIT_FAILURE;
        }

      print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (!inb_secrets_clear_sync (secrets, provider, &error))
    {
      print_error (_("Could not clear the %s key: %s"), inb_secrets_get_provider_name (provider), error->message);
      return INB_EXIT_FAILURE;
    }

  g_printerr (_("The keyring holds no %s key now.\n"), inb_secrets_get_provider_name (provider));
  return INB_EXIT_OK;
}

/* ---------------------------------------------------------------- resume */

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

static int
resume (int    argc,
        char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(InbBackendRegistry) registry = NULL;
  g_autoptr(InbSecrets) secrets = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autofree char *takes_dir = NULL;
  ResumeRun run = { 0, };
  const char * const *providers;
  gboolean json = FALSE;
  gboolean pending = FALSE;
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print what happened to each take as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— finish the hosted jobs left unfinished by a crash or a quit"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Takes whose job reached a service are polled by their task id and their clip is\n"
      "downloaded; nothing is ever submitted again. A task older than the provider keeps\n"
      "results (24 hours) is marked expired. A submit whose answer was lost is looked up in\n"
      "the service's task list where it has one (DashScope): exactly one match is adopted,\n"
      "several are listed for you, none means nothing was charged; elsewhere it is listed.\n"
      "Exit status: 0 all settled, 3 some left for later (no key, network), 130 interrupted."));

  if ((status = parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (argc > 1)
    {
      print_error (_("resume takes no arguments"));
      return INB_EXIT_USAGE;
    }

  registry = inb_backend_registry_new_default ();
  secrets = inb_secrets_new ();
  providers = inb_secrets_get_providers ();
  for (guint i = 0; providers[i] != NULL; i++)
    {
      InbBackend *backend = inb_backend_registry_lookup (registry, providers[i]);

      if (backend != NULL)
        ensure_backend_key (secrets, backend, FALSE);
    }

  takes_dir = inb_fs_get_takes_dir ();
  run.loop = g_main_loop_new (NULL, FALSE);
  run.cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, resume_interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, resume_interrupt_cb, &run);

  inb_resume_takes_async (registry, takes_dir, run.cancellable, resume_done_cb, &run);
  g_main_loop_run (run.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_main_loop_unref (run.loop);

  if (run.entries == NULL)
    {
      gboolean interrupted = g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      print_error ("%s", run.error->message);
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
      print_json (node);
    }
  else if (run.entries->len == 0)
    g_printerr (_("No unfinished hosted jobs.\n"));

  status = g_cancellable_is_cancelled (run.cancellable) ? INB_EXIT_INTERRUPTED
           : pending ? INB_EXIT_BACKEND : INB_EXIT_OK;
  g_ptr_array_unref (run.entries);
  g_object_unref (run.cancellable);

  return status;
}

/* ---------------------------------------------------------------- samples */

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

/**
 * inb_cli_render_samples:
 *
 * What `inbetween` does with no display: renders the bundled sample
 * keyframes with the local engine and prints where the clip is.
 */
int
inb_cli_render_samples (void)
{
  g_autofree char *dir = inb_cli_find_samples_dir ();
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  char *args[5];

  if (dir == NULL)
    {
      print_error (_("No display, and the sample keyframes are not installed"));
      return INB_EXIT_FAILURE;
    }

  g_printerr (_("No display: rendering the sample keyframes with the local engine.\n"));

  first = g_build_filename (dir, "first.jpg", NULL);
  last = g_build_filename (dir, "last.jpg", NULL);
  args[0] = (char *) "generate";
  args[1] = first;
  args[2] = last;
  args[3] = (char *) "--seed=0";
  args[4] = NULL;

  return inb_cli_run (4, args);
}

/**
 * inb_cli_run:
 * @argv: the verb first, then its arguments
 */
int
inb_cli_run (int    argc,
             char **argv)
{
  g_autofree char **copy = NULL;

  g_return_val_if_fail (argc >= 1, INB_EXIT_USAGE);

  /* Standard output is for results (--json): log messages, debug
   * included, go to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* GOptionContext rewrites argv; work on a shallow copy. */
  copy = g_new0 (char *, argc + 1);
  memcpy (copy, argv, sizeof (char *) * argc);

  if (g_str_equal (argv[0], "generate"))
    return generate (argc, copy);
  if (g_str_equal (argv[0], "backends"))
    return backends (argc, copy);
  if (g_str_equal (argv[0], "history"))
    return history (argc, copy);
  if (g_str_equal (argv[0], "keys"))
    return keys (argc, copy);
  if (g_str_equal (argv[0], "resume"))
    return resume (argc, copy);

  print_error (_("Unknown command “%s”"), argv[0]);
  return INB_EXIT_USAGE;
}
