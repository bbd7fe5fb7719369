/* inb-cli.h — the headless command line
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  INB_EXIT_OK          = 0,
  INB_EXIT_FAILURE     = 1,
  INB_EXIT_USAGE       = 2,   /* bad usage or invalid input: nothing sent, nothing written */
  INB_EXIT_BACKEND     = 3,   /* the backend or the network failed */
  INB_EXIT_INTERRUPTED = 130,
} InbExitStatus;

gboolean  inb_cli_is_verb          (const char  *arg);
int       inb_cli_run              (int          argc,
                                    char       **argv);
int       inb_cli_render_samples   (void);
char     *inb_cli_find_samples_dir (void);

G_END_DECLS
