/* inb-cli-generate.c — `inbetween generate FIRST LAST …`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line's face of inb_session_generate_async(): the same path
 * the window's Generate button takes (inputs → validated request → take on
 * disk → job queued), then the job is followed to its end with a progress
 * bar on a terminal, or plain lines otherwise.
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "inb-cli-private.h"
#include "inb-fs.h"
#include "inb-take.h"

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;     /* until the job exists */
  InbJob       *job;
  GError       *error;           /* the generate path's */
  gboolean      tty;
  gboolean      quiet;
  gboolean      interrupted;
  int           last_percent;
  char         *last_stage;
  guint         bar_width;
  gboolean      bar_shown;
} GenerateRun;

static void
generate_run_clear (GenerateRun *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->job);
  g_clear_error (&run->error);
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
      g_cancellable_cancel (run->cancellable);
      if (run->job != NULL)
        inb_job_cancel (run->job);
    }

  return G_SOURCE_CONTINUE;
}

/* Stages that differ only in their numbers ("Rendering frame 3 of 81",
 * "… 4 of 81") are one stage, in every language. */
static gboolean
same_stage (const char *a,
            const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          while (g_ascii_isdigit (*a))
            a++;
          while (g_ascii_isdigit (*b))
            b++;
          continue;
        }
      if (*a != *b)
        return FALSE;
      a++;
      b++;
    }

  return *a == *b;
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
      g_autofree char *left = eta >= 0 ? inb_job_format_time_left (eta) : NULL;
      /* Translators: after the progress bar: the time left, "about 13 min" */
      g_autofree char *eta_text = left != NULL ? g_strdup_printf (_("  %s left"), left) : g_strdup ("");

      memset (bar, '#', filled);
      memset (bar + filled, '.', run->bar_width - filled);
      g_printerr ("\r\033[K[%s] %3d%%  %s%s", bar, percent, stage ? stage : "", eta_text);
      run->bar_shown = TRUE;
    }
  else if (stage != NULL && !same_stage (stage, run->last_stage))
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
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GenerateRun *run = user_data;

  run->job = inb_session_generate_finish (INB_SESSION (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
job_finished_cb (InbJobQueue *queue,
                 InbJob      *job,
                 GenerateRun *run)
{
  if (job == run->job)
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
    inb_cli_print_error ("%s", error->message);

  g_main_loop_quit (run->loop);
}

/* INB_TEST_HOLD_AFTER_JOB_MS: the main loop keeps turning this long after
 * the job ended, so a test can interrupt exactly then. */
static void
hold_for_tests (void)
{
  const char *hold = g_getenv ("INB_TEST_HOLD_AFTER_JOB_MS");
  gint64 end;

  if (hold == NULL)
    return;

  g_printerr ("holding\n");
  end = g_get_monotonic_time () + g_ascii_strtoll (hold, NULL, 10) * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
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
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Before anything is made: where the clip will go must be a new file (or,
 * with --force, a regular one), in a folder that takes it, and never one
 * of the keyframes. */
static gboolean
check_output_path (const char  *output,
                   const char  *first,
                   const char  *last,
                   gboolean     force,
                   GError     **error)
{
  g_autofree char *parent = NULL;
  GStatBuf st;

  if (*output == '\0')
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("-o needs a file name, such as clip.mp4"));
      return FALSE;
    }

  if (same_file (output, first) || same_file (output, last))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("Output “%s” is one of the keyframes; it is never overwritten"), output);
      return FALSE;
    }

  if (g_lstat (output, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                     _("Output “%s” is a folder; give a file name such as clip.mp4"), output);
      else if (S_ISLNK (st.st_mode))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     _("Output “%s” is a symbolic link; give the file itself or another name"), output);
      else if (!S_ISREG (st.st_mode))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     _("Output “%s” is not a regular file (a device or a pipe); it is not written"), output);
      else if (!force)
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                     _("Output “%s” already exists; add --force to replace it"), output);
      else
        goto parent;
      return FALSE;
    }

parent:
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

static void
add_backend_timings (JsonObject *timings,
                     InbResult  *result)
{
  JsonObject *backend_meta = result != NULL ? inb_result_get_metadata (result) : NULL;
  g_autoptr(GList) names = NULL;

  if (backend_meta == NULL)
    return;

  /* The backend's own breakdown (analysis, render, encode…) sits beside
   * the job's totals; durations are named "<stage>_s". */
  names = json_object_get_members (backend_meta);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (backend_meta, l->data);

      if (g_str_has_suffix (l->data, "_s") && JSON_NODE_HOLDS_VALUE (node) &&
          (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
           json_node_get_value_type (node) == G_TYPE_INT64))
        json_object_set_member (timings, l->data, json_node_copy (node));
    }
}

static JsonNode *
take_summary (InbJob     *job,
              const char *output)
{
  InbTake *take = inb_job_get_take (job);
  InbResult *result = inb_job_get_result (job);
  g_autoptr(JsonObject) manifest = inb_take_to_json (take);
  g_autofree char *clip = inb_take_dup_clip_path (take);
  /* json_node_init_object() takes a reference of its own (the summary
   * leaked one on every --json run: found by LeakSanitizer) */
  g_autoptr(JsonObject) object = json_object_new ();

  /* Only a clip that exists is named */
  if (inb_job_get_state (job) == INB_JOB_DONE)
    {
      json_object_set_string_member (object, "output", output ? output : clip);
      json_object_set_string_member (object, "clip", clip);
    }
  else
    {
      json_object_set_null_member (object, "output");
      json_object_set_null_member (object, "clip");
    }
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

  /* What the backend warned of (a server that dropped part of the work) */
  {
    g_auto(GStrv) warnings = inb_job_dup_warnings (job);
    JsonArray *array = json_array_new ();

    for (guint i = 0; warnings[i] != NULL; i++)
      json_array_add_string_element (array, warnings[i]);
    json_object_set_array_member (object, "warnings", array);
  }

  if (json_object_has_member (manifest, "timings"))
    {
      JsonNode *timings = json_object_dup_member (manifest, "timings");

      add_backend_timings (json_node_get_object (timings), result);
      json_object_set_member (object, "timings", timings);
    }

  return json_node_init_object (json_node_alloc (), object);
}

/* What the options ask for, checked before anything is read or sent. */
typedef struct
{
  char     *prompt;
  char     *negative;
  char     *backend_id;
  char     *model_id;
  char     *output;
  GStrv     settings;
  GStrv     files;
  gint64    seed;
  gboolean  json;
  gboolean  quiet;
  gboolean  force;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->prompt);
  g_free (o->negative);
  g_free (o->backend_id);
  g_free (o->model_id);
  g_free (o->output);
  g_strfreev (o->settings);
  g_strfreev (o->files);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int
parse_generate_options (Options   *o,
                        int       *argc,
                        char    ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  int status;
  const GOptionEntry entries[] = {
    /* Read as bytes and checked here, so bad text names its option */
    { "prompt", 'p', 0, G_OPTION_ARG_FILENAME, &o->prompt, N_("What happens between the keyframes"), N_("PROMPT") },
    { "negative", 'n', 0, G_OPTION_ARG_FILENAME, &o->negative, N_("What to avoid"), N_("NEGATIVE") },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &o->backend_id, N_("Backend (default: the one set in Preferences, else local)"), N_("BACKEND") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &o->model_id, N_("Model (default: the backend’s first)"), N_("MODEL") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &o->seed, N_("Seed (default: random)"), N_("SEED") },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->settings, N_("Set a model parameter; see “inbetween backends”"), N_("KEY=VALUE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, N_("Also copy the clip to this new file"), N_("OUT") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o->force, N_("Replace OUT if it exists (a regular file only)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print the result as one JSON object"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Do not show progress"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL, NULL },
    { NULL }
  };

  o->seed = -1;
  context = inb_cli_context_new (_("FIRST LAST — make a clip from two keyframes"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("FIRST and LAST are image files (PNG, JPEG, WebP, BMP), file:// or data: URIs.\n"
      "Without -o the clip stays in the take’s folder and its path is printed.\n"
      "Exit status: 0 done, 1 a file could not be read or written, 2 invalid usage or\n"
      "input (nothing was sent), 3 backend failure, 130 interrupted."));

  if ((status = inb_cli_parse_options (context, argc, argv)) != INB_EXIT_OK)
    return status;

  if (o->files == NULL || g_strv_length (o->files) != 2)
    {
      inb_cli_print_error (_("generate needs exactly two images, FIRST and LAST (got %u)"),
                           o->files ? g_strv_length (o->files) : 0);
      return INB_EXIT_USAGE;
    }

  if (o->seed < -1)
    {
      inb_cli_print_error (_("--seed must be 0 or more (got %" PRId64 ")"), o->seed);
      return INB_EXIT_USAGE;
    }

  if ((o->prompt != NULL && !g_utf8_validate (o->prompt, -1, NULL)) ||
      (o->negative != NULL && !g_utf8_validate (o->negative, -1, NULL)))
    {
      inb_cli_print_error (_("--%s is not valid UTF-8 text (is the terminal set to UTF-8?)"),
                           o->prompt != NULL && !g_utf8_validate (o->prompt, -1, NULL) ? "prompt" : "negative");
      return INB_EXIT_USAGE;
    }

  return INB_EXIT_OK;
}

/* The --set KEY=VALUE settings read into @params by @schema; FALSE (said)
 * when one does not read or a key is given twice. */
static gboolean
collect_settings (InbSchema   *schema,
                  GStrv        settings,
                  JsonObject  *params)
{
  for (guint i = 0; settings != NULL && settings[i] != NULL; i++)
    {
      g_autofree char *key = g_strstrip (g_strndup (settings[i], strcspn (settings[i], "=")));
      g_autoptr(GError) error = NULL;

      /* Twice is a mistake, not "the last one wins" */
      if (json_object_has_member (params, key))
        {
          inb_cli_print_error (_("--set %s is given twice; give each parameter once"), key);
          return FALSE;
        }
      if (!add_setting (schema, params, settings[i], &error))
        {
          inb_cli_print_error ("%s", error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * _inb_cli_generate_check_args:
 * @argv: (array length=argc): "generate" and its arguments
 * @params: (out) (transfer full) (optional): the --set settings read
 *
 * generate's options and settings checked as `inbetween generate` checks
 * them before it reads a keyframe or sends anything (for tests and fuzz
 * targets); the seed and the paths are parsed but not acted on.
 *
 * Returns: INB_EXIT_OK, or INB_EXIT_USAGE (said on stderr)
 */
int
_inb_cli_generate_check_args (InbSchema    *schema,
                              int           argc,
                              char        **argv,
                              JsonObject  **params)
{
  g_auto(Options) o = { 0 };
  g_autoptr(JsonObject) read = json_object_new ();
  int status;

  if ((status = parse_generate_options (&o, &argc, &argv)) != INB_EXIT_OK)
    return status;
  if (!collect_settings (schema, o.settings, read))
    return INB_EXIT_USAGE;
  if (params != NULL)
    *params = g_steal_pointer (&read);
  return INB_EXIT_OK;
}

/* Everything the session needs, from the options; USAGE when they are
 * wrong (nothing read beyond the keyframes, nothing sent). */
static int
collect_inputs (InbSession         *session,
                Options            *o,
                InbGenerateInputs **out)
{
  g_autoptr(InbGenerateInputs) inputs = inb_generate_inputs_new ();
  g_autoptr(GError) error = NULL;
  InbBackend *backend;
  InbModel *model;

  inputs->backend_id = o->backend_id != NULL ? g_strdup (o->backend_id)
                                             : inb_session_dup_default_backend_id (session);
  backend = inb_session_lookup_backend (session, inputs->backend_id);
  if (backend == NULL)
    {
      g_autofree char *known = inb_cli_list_backends (session, FALSE);

      inb_cli_print_error (_("Unknown backend “%s”; available: %s"), inputs->backend_id, known);
      return INB_EXIT_USAGE;
    }

  model = o->model_id ? inb_backend_find_model (backend, o->model_id) : inb_backend_get_default_model (backend);
  if (model == NULL)
    {
      inb_cli_print_error (_("%s has no model “%s”; see “inbetween backends”"),
                           inb_backend_get_id (backend), o->model_id);
      return INB_EXIT_USAGE;
    }
  inputs->model_id = g_strdup (inb_model_get_id (model));

  inputs->params = json_object_new ();
  if (!collect_settings (inb_model_get_schema (model), o->settings, inputs->params))
    return INB_EXIT_USAGE;

  if (o->negative != NULL && *o->negative != '\0' && inb_model_get_negative_max_length (model) == 0)
    {
      inb_cli_print_error (_("%s takes no negative prompt; leave out -n"), inb_model_get_id (model));
      return INB_EXIT_USAGE;
    }

  inputs->seed = o->seed;
  if (inputs->seed == -1 && json_object_has_member (inputs->params, "seed"))
    inputs->seed = json_object_get_int_member (inputs->params, "seed");
  if (o->seed >= 0 && inb_schema_lookup (inb_model_get_schema (model), "seed") == NULL && !o->quiet)
    /* Translators: %s is a model */
    g_printerr (_("Note: %s takes no seed (it makes the same clip every time); --seed is ignored.\n"),
                inb_model_get_id (model));

  if (o->output != NULL && !check_output_path (o->output, o->files[0], o->files[1], o->force, &error))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (!(inputs->first = inb_keyframe_load (o->files[0], NULL, &error)) ||
      !(inputs->last = inb_keyframe_load (o->files[1], NULL, &error)))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  if (inb_keyframe_aspect_differs (inputs->first, inputs->last) && !o->quiet)
    g_printerr (_("Note: the keyframes differ in aspect ratio (%u × %u and %u × %u); fit policy “%s” frames the last one.\n"),
                inb_keyframe_get_width (inputs->first), inb_keyframe_get_height (inputs->first),
                inb_keyframe_get_width (inputs->last), inb_keyframe_get_height (inputs->last),
                inb_params_get_string (inputs->params, "fit", "crop"));

  /* A model that takes no prompt keeps none: it would be stored unused */
  if (inb_model_get_prompt_max_length (model) == 0 && o->prompt != NULL && *o->prompt != '\0')
    {
      if (!o->quiet)
        /* Translators: %s is a model */
        g_printerr (_("Note: %s takes no prompt; it is not used or kept.\n"), inb_model_get_id (model));
    }
  else
    inputs->prompt = g_strdup (o->prompt);
  inputs->negative_prompt = g_strdup (o->negative);
  *out = g_steal_pointer (&inputs);
  return INB_EXIT_OK;
}

/* Why the generate path refused, said for the command line. */
static int
report_generate_error (InbSession  *session,
                       Options     *o,
                       const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      inb_cli_print_error (_("Cancelled before anything was sent"));
      return INB_EXIT_INTERRUPTED;
    }

  if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_AUTH))
    {
      g_autofree char *id = o->backend_id != NULL ? g_strdup (o->backend_id)
                                                  : inb_session_dup_default_backend_id (session);

      inb_cli_print_no_key (session, inb_session_lookup_backend (session, id), NULL);
      return INB_EXIT_USAGE;
    }

  inb_cli_print_error ("%s", error->message);

  /* The take could not be written: not the user's input */
  if (error->domain == INB_TAKE_ERROR || error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return INB_EXIT_FAILURE;

  return INB_EXIT_USAGE;
}

/* The job failed because a file could not be written (the keyframes,
 * the clip, the manifest): exit status 1, as the README says, not the
 * backend's failure. */
static gboolean
is_file_write_error (const GError *error)
{
  if (error == NULL)
    return FALSE;
  return error->domain == G_FILE_ERROR ||
         g_error_matches (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
}

static int
report_job (GenerateRun *run,
            Options     *o)
{
  InbTake *take = inb_job_get_take (run->job);
  InbJobState state = inb_job_get_state (run->job);
  g_autofree char *clip = inb_take_dup_clip_path (take);
  g_autoptr(GError) error = NULL;

  /* Interrupted once the clip was made: it stays in the take, and nothing
   * says it went anywhere else */
  if (state == INB_JOB_DONE && run->interrupted)
    {
      inb_cli_print_error (_("Interrupted after the clip was made; it is kept in %s%s"), clip,
                           o->output != NULL ? _(" and was not copied") : "");
      return INB_EXIT_INTERRUPTED;
    }

  if (state == INB_JOB_DONE && o->output != NULL)
    {
      /* Ctrl-C during the copy cancels it (run->cancellable) */
      if (!inb_fs_copy_new (clip, o->output, o->force, run->cancellable, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              inb_cli_print_error (_("Interrupted while copying; the clip is kept in %s"), clip);
              return INB_EXIT_INTERRUPTED;
            }
          inb_cli_print_error (_("The clip is in %s but could not be copied: %s"), clip, error->message);
          return INB_EXIT_FAILURE;
        }
    }

  /* What the backend warned of, however the take ended: on stderr, with
   * --quiet too (it is not progress) */
  {
    g_auto(GStrv) warnings = inb_job_dup_warnings (run->job);

    for (guint i = 0; warnings[i] != NULL; i++)
      {
        g_autofree char *line = inb_cli_one_line (warnings[i], 2000);

        /* Translators: a backend's warning about a take, on the command line */
        g_printerr (_("Warning: %s\n"), line);
      }
  }

  switch (state)
    {
    case INB_JOB_DONE:
      if (o->json)
        {
          g_autoptr(JsonNode) summary = take_summary (run->job, o->output);
          inb_cli_print_json (summary);
        }
      else
        g_print ("%s\n", o->output ? o->output : clip);
      return INB_EXIT_OK;

    case INB_JOB_CANCELLED:
      inb_cli_print_error (_("Cancelled; nothing was kept but the take’s record in %s"), inb_take_get_dir (take));
      return INB_EXIT_INTERRUPTED;

    default:
      {
        const GError *job_error = inb_job_get_error (run->job);

        inb_cli_print_error (_("Generation failed (%s): %s"), inb_job_state_to_string (state),
                             job_error ? job_error->message : _("unknown error"));
        if (o->json)
          {
            g_autoptr(JsonNode) summary = take_summary (run->job, o->output);
            inb_cli_print_json (summary);
          }
        /* Refused before anything was queued (a backend's pre-flight: a
         * model file missing on the server, say): the input's fault */
        if (g_error_matches (job_error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT))
          return INB_EXIT_USAGE;
        /* A file could not be written (a full disk, an I/O error) */
        if (is_file_write_error (job_error))
          return INB_EXIT_FAILURE;
        return INB_EXIT_BACKEND;
      }
    }
}

int
inb_cli_generate (InbSession  *session,
                  int          argc,
                  char       **argv)
{
  g_auto(Options) o = { 0, };
  g_auto(GenerateRun) run = { 0 };
  g_autoptr(InbGenerateInputs) inputs = NULL;
  InbJobQueue *queue = inb_session_get_queue (session);
  guint sigint_id, sigterm_id;
  gulong finished_id;
  int status;

  if ((status = parse_generate_options (&o, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if ((status = collect_inputs (session, &o, &inputs)) != INB_EXIT_OK)
    return status;

  run.loop = g_main_loop_new (NULL, FALSE);
  run.cancellable = g_cancellable_new ();
  run.tty = isatty (STDERR_FILENO) && g_getenv ("TERM") != NULL && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  run.quiet = o.quiet;
  run.last_percent = -10;
  run.bar_width = 30;

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &run);

  /* The same path as the window's Generate: from here on, the take exists
   * and everything is recorded in it. */
  inb_session_generate_async (session, g_steal_pointer (&inputs), run.cancellable, generated_cb, &run);
  g_main_loop_run (run.loop);

  if (run.job == NULL)
    {
      g_source_remove (sigint_id);
      g_source_remove (sigterm_id);
      return report_generate_error (session, &o, run.error);
    }

  g_signal_connect (run.job, "notify::fraction", G_CALLBACK (job_progress_cb), &run);
  g_signal_connect (run.job, "notify::stage", G_CALLBACK (job_progress_cb), &run);
  finished_id = g_signal_connect (queue, "job-finished", G_CALLBACK (job_finished_cb), &run);

  if (run.interrupted)
    inb_job_cancel (run.job);
  if (!inb_job_state_is_terminal (inb_job_get_state (run.job)))
    g_main_loop_run (run.loop);
  g_signal_handler_disconnect (queue, finished_id);

  if (run.tty && run.bar_shown)
    g_printerr ("\n");

  /* Saves are written in order: when this one lands, every state is on disk. */
  inb_take_save_async (inb_job_get_take (run.job), NULL, take_flushed_cb, &run);
  g_main_loop_run (run.loop);

  /* A Ctrl-C that came in meanwhile is seen before anything is reported
   * (the tests hold here a moment to send one) */
  hold_for_tests ();
  while (g_main_context_iteration (NULL, FALSE))
    ;

  status = report_job (&run, &o);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  return status;
}
