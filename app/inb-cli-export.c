/* inb-cli-export.c — the `export` verb
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "inb-cli-private.h"
#include "inb-exporter.h"
#include "inb-fs.h"
#include "inb-library.h"
#include "inb-take.h"

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GError       *error;
  gboolean      tty;
  gboolean      quiet;
  gboolean      bar_shown;
  int           last_percent;
  gboolean      interrupted;
} ExportRun;

static gboolean
interrupt_cb (gpointer user_data)
{
  ExportRun *run = user_data;

  if (!run->interrupted)
    {
      run->interrupted = TRUE;
      if (run->tty && run->bar_shown)
        g_printerr ("\n");
      g_printerr ("%s\n", _("Interrupted: cancelling…"));
      g_cancellable_cancel (run->cancellable);
    }
  return G_SOURCE_CONTINUE;
}

static void
progress_cb (InbExporter *exporter,
             GParamSpec  *pspec,
             ExportRun   *run)
{
  double fraction = inb_exporter_get_fraction (exporter);
  const char *stage = inb_exporter_get_stage (exporter);
  int percent = (int) (fraction * 100.0 + 0.5);

  if (run->quiet || run->interrupted)
    return;

  if (run->tty)
    {
      char bar[31];
      guint filled = (guint) (fraction * 30 + 0.5);

      memset (bar, '#', filled);
      memset (bar + filled, '.', 30 - filled);
      bar[30] = '\0';
      g_printerr ("\r\033[K[%s] %3d%%  %s", bar, percent, stage ? stage : "");
      run->bar_shown = TRUE;
    }
  else if (percent / 10 != run->last_percent / 10)
    {
      g_printerr ("%3d%% %s\n", percent, stage ? stage : "");
      run->last_percent = percent;
    }
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportRun *run = user_data;

  inb_exporter_export_finish (INB_EXPORTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

int
inb_cli_export (InbSession  *session,
                int          argc,
                char       **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = NULL;
  g_autoptr(InbExporter) exporter = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *scale = NULL;
  g_autofree char *fps = NULL;
  g_autofree char *trim = NULL;
  g_autofree char *loop = NULL;
  g_autofree char *takes_dir = NULL;
  g_autoptr(InbLibrary) library = NULL;
  InbTakeEntry *entry;
  g_auto(GStrv) rest = NULL;
  gboolean pingpong = FALSE, colour_match = FALSE, force = FALSE, quiet = FALSE;
  InbExportOptions options;
  int status;
  ExportRun run = { 0 };
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("mp4 (H.264, default), webm (VP9), prores (ProRes 422 HQ), gif, webp or png (a folder of frames)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write (a folder for png)"), N_("OUT") },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale, N_("Width in pixels; the height keeps the clip’s shape"), N_("W") },
    { "fps", 0, 0, G_OPTION_ARG_STRING, &fps, N_("Frame rate: lower drops frames evenly, higher in-betweens them with the local engine"), N_("N") },
    { "trim", 0, 0, G_OPTION_ARG_STRING, &trim, N_("Keep frames A to B−1 (or times, 0.5s:2s); either end may be left out"), N_("A:B") },
    { "loop", 0, 0, G_OPTION_ARG_STRING, &loop, N_("Times to play: repeated frames for video and PNG; the file’s loop count for GIF and WebP (0 = forever, their default)"), N_("N") },
    { "pingpong", 0, 0, G_OPTION_ARG_NONE, &pingpong, N_("Play forward, then backward"), NULL },
    { "colour-match", 0, 0, G_OPTION_ARG_NONE, &colour_match, N_("Ease the colours toward the keyframes’ at both ends"), NULL },
    { "color-match", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &colour_match, NULL, NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace OUT if it exists"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  g_return_val_if_fail (argc >= 1, INB_EXIT_USAGE);

  context = inb_cli_context_new (_("TAKE — write a take’s clip in another format"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("TAKE is a take id, a unique beginning of one, or “last” (the newest finished take).\n"
      "The take’s settings are embedded in the file (never an API key).\n"
      "Exit status: 0 done, 2 invalid usage or input (nothing written), 3 the export failed, 130 interrupted."));

  if ((status = inb_cli_parse_options (context, &argc, &argv)) != INB_EXIT_OK)
    return status;

  if (rest == NULL || g_strv_length (rest) != 1)
    {
      inb_cli_print_error (_("export needs exactly one TAKE (got %u)"), rest ? g_strv_length (rest) : 0);
      return INB_EXIT_USAGE;
    }
  if (output == NULL)
    {
      inb_cli_print_error ("%s", _("export needs -o OUT, the file to write"));
      return INB_EXIT_USAGE;
    }

  inb_export_options_init (&options);
  options.pingpong = pingpong;
  options.colour_match = colour_match;
  options.force = force;
  if ((format != NULL && !inb_export_parse_format (format, &options.format, &error)) ||
      (scale != NULL && !inb_export_parse_width (scale, &options.width, &error)) ||
      (fps != NULL && !inb_export_parse_fps (fps, &options.fps, &error)) ||
      (trim != NULL && !inb_export_parse_trim (trim, &options, &error)) ||
      (loop != NULL && !inb_export_parse_loop (loop, &options.loop, &error)) ||
      !inb_export_options_validate (&options, &error))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  takes_dir = inb_fs_get_takes_dir ();
  library = inb_library_new (takes_dir);
  if (!inb_library_load (library, NULL, &error) ||
      (entry = inb_library_resolve_clip (library, rest[0], &error)) == NULL ||
      !(take = inb_take_load (inb_take_entry_get_dir (entry), &error)))
    {
      inb_cli_print_error ("%s", error->message);
      return INB_EXIT_USAGE;
    }

  exporter = inb_exporter_new (take, &options);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.cancellable = g_cancellable_new ();
  run.quiet = quiet;
  run.last_percent = -10;
  run.tty = isatty (STDERR_FILENO) && g_getenv ("TERM") != NULL && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  g_signal_connect (exporter, "notify::fraction", G_CALLBACK (progress_cb), &run);

  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &run);
  inb_exporter_export_async (exporter, output, run.cancellable, export_done_cb, &run);
  g_main_loop_run (run.loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (run.tty && run.bar_shown)
    g_printerr ("\n");

  g_clear_pointer (&run.loop, g_main_loop_unref);
  g_clear_object (&run.cancellable);

  if (run.error == NULL)
    {
      g_print ("%s\n", output);
      return INB_EXIT_OK;
    }

  error = g_steal_pointer (&run.error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      inb_cli_print_error ("%s", _("Cancelled; nothing was written"));
      return INB_EXIT_INTERRUPTED;
    }

  inb_cli_print_error ("%s", error->message);
  if (error->domain == INB_EXPORT_ERROR &&
      (error->code == INB_EXPORT_ERROR_INVALID || error->code == INB_EXPORT_ERROR_EXISTS ||
       error->code == INB_EXPORT_ERROR_SOURCE))
    return INB_EXIT_USAGE;
  return INB_EXIT_BACKEND;
}
