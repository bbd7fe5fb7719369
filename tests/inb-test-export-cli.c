/* inb-test-export-cli.c — `inbetween export` without the rest of the CLI
 *
 * The export verb in an executable of its own, for tests/test-export.c
 * (exit codes, Ctrl-C) and tests/bench/export/, until app/inb-cli.c
 * dispatches to it.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "inb-cli-export.h"

int
main (int    argc,
      char **argv)
{
  g_autofree char **copy = NULL;

  setlocale (LC_ALL, "");
  g_log_writer_default_set_use_stderr (TRUE);

  /* argv[0] becomes the verb, as inb_cli_run() passes it. */
  copy = g_new0 (char *, argc + 1);
  memcpy (copy, argv, sizeof (char *) * argc);
  copy[0] = (char *) "export";

  return inb_cli_export (argc, copy);
}
