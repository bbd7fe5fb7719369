/* main.c — routes a CLI verb to the headless CLI, everything else to the window
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inbetween"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n.h>
#include <gst/gst.h>
#include <locale.h>

#include "inb-cli.h"

/* main.c is the executable, not part of the app library: it alone may
 * reach into ui/, and only after the CLI had its chance. */
#include "inb-application.h"

static gboolean
have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL ||
         g_getenv ("BROADWAY_DISPLAY") != NULL;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "");
  /* INB_LOCALEDIR: the build tree's catalogs (build/po), for the tests */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("INB_LOCALEDIR") != NULL ? g_getenv ("INB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("inbetween");

  /* Before any thread exists. */
  if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
      g_printerr ("inbetween: could not initialise libcurl\n");
      return INB_EXIT_FAILURE;
    }

  /* The window initialises GStreamer itself when the first clip opens
   * (InbPlayback) or a take is written or read (InbVideoWriter, Reader):
   * its registry and plugins are not needed for the first frame. */
  if (argc > 1 && inb_cli_is_verb (argv[1]))
    {
      /* Standard output is for results (--json): log messages, debug
       * included, go to standard error. Before any thread exists. */
      g_log_writer_default_set_use_stderr (TRUE);
      gst_init (NULL, NULL);
      status = inb_cli_run (argc - 1, argv + 1);
    }
  else if (argc == 1 && !have_display ())
    {
      gst_init (NULL, NULL);
      status = inb_cli_render_samples ();
    }
  else
    {
      g_autoptr(InbApplication) app = inb_application_new ();

      status = g_application_run (G_APPLICATION (app), argc, argv);
    }

  curl_global_cleanup ();

  return status;
}
