/* inb-fuzz.h — what the fuzz targets share
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every target in this folder defines LLVMFuzzerTestOneInput(). Built
 * normally (the default) it is linked with driver.c, which replays the
 * files and folders named on its command line — the checked-in seed
 * corpus, as a unit test. With -Dfuzzing=true (clang) it is linked with
 * libFuzzer instead; tests/fuzz/run fuzzes each target for a while.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>

#include <glib.h>

G_BEGIN_DECLS

int       LLVMFuzzerTestOneInput (const uint8_t *data,
                                  size_t         size);

/* Once per process: criticals abort (a critical on hostile input is a
 * bug: a precondition our code let through); debug, info and messages are
 * dropped; warnings are printed (libraries such as GStreamer warn). */
void      inb_fuzz_init          (void);

/* The input split at its first NUL byte: @data before, *@rest after
 * (NULL when there is no NUL). Both are nul-terminated copies. */
char     *inb_fuzz_split         (const uint8_t *data,
                                  size_t         size,
                                  char         **rest,
                                  gsize         *rest_len);

/* A private folder for targets that read files; removed at exit. */
const char *inb_fuzz_tmpdir      (void);

G_END_DECLS
