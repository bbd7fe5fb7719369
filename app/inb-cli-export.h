/* inb-cli-export.h — `inbetween export TAKE -f FORMAT -o OUT …`
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @argv: "export" first, then its arguments. Returns the exit status:
 * 0 done, 2 invalid usage or input (nothing written), 3 the export
 * failed, 130 interrupted (the partial file removed). */
int    inb_cli_export             (int          argc,
                                   char       **argv);

/* Blocking: the folder of the take named by @name under @takes_dir — an
 * id, a unique prefix of one, or "last" (the newest finished take). */
char  *inb_cli_export_resolve_take (const char  *takes_dir,
                                    const char  *name,
                                    GError     **error);

G_END_DECLS
