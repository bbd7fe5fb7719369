/* inb-cli-private.h — what the command line's verbs share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "inb-cli.h"
#include "inb-schema.h"
#include "inb-session.h"

G_BEGIN_DECLS

/**
 * InbCliVerb:
 * @name: what is typed ("generate")
 * @summary: one line for `inbetween --help`, marked with N_()
 * @run: the verb; @session is %NULL unless @needs_session
 * @needs_session: whether the verb uses backends, keys or settings
 *
 * One command of `inbetween VERB …`, each in its own inb-cli-<verb>.c.
 */
typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (InbSession  *session,
                    int          argc,
                    char       **argv);
  gboolean    needs_session;
} InbCliVerb;

void            inb_cli_print_error   (const char      *format,
                                       ...) G_GNUC_PRINTF (1, 2);
void            inb_cli_print_json    (JsonNode        *root);
/* Parses @argv into @context; on failure says why and how to get help. */
int             inb_cli_parse_options (GOptionContext  *context,
                                       int             *argc,
                                       char          ***argv);
GOptionContext *inb_cli_context_new   (const char      *parameter_string);

/* A backend that takes a key gets it from its variable or the keyring;
 * FALSE (and, with @report, a message saying how to give one) without. */
gboolean        inb_cli_ensure_key    (InbSession      *session,
                                       InbBackend      *backend,
                                       gboolean         report);
void            inb_cli_print_no_key  (InbSession      *session,
                                       InbBackend      *backend,
                                       const GError    *error);
/* "a, b and c" of the registry's backend ids, for messages. */
char           *inb_cli_list_backends (InbSession      *session,
                                       gboolean         with_keys_only);

/* @text padded to @width terminal columns (CJK characters count two). */
/* At most @max characters of @text on one line, no control characters
 * (text from a take or a server never reaches the terminal raw) */
char           *inb_cli_one_line      (const char      *text,
                                       glong            max);
char           *inb_cli_pad           (const char      *text,
                                       guint            width,
                                       gboolean         right);

/* inb-cli-commands.c: a backend's own verbs */
gboolean        inb_cli_backend_has_commands   (const char *name);
void            inb_cli_print_backend_commands (InbSession *session);
int             inb_cli_backend_command        (InbSession *session,
                                                int         argc,
                                                char      **argv);

int             inb_cli_generate      (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_backends      (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_history       (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_keys          (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_resume        (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_reroll        (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_delete        (InbSession      *session,
                                       int              argc,
                                       char           **argv);
int             inb_cli_export        (InbSession      *session,
                                       int              argc,
                                       char           **argv);

/* generate's options and --set settings checked against @schema as
 * `inbetween generate` checks them, nothing read or sent (tests, fuzzing) */
int             _inb_cli_generate_check_args (InbSchema    *schema,
                                              int           argc,
                                              char        **argv,
                                              JsonObject  **params);

G_END_DECLS
