/* inb-test-gtk.h — helpers for the display tests
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A soft gradient with a bright disc (radius height / 5) at (cx, cy),
 * saved as a PNG in @dir: the engine has something to follow. */
char *inb_test_write_disc_png  (const char *dir,
                                const char *name,
                                int         width,
                                int         height,
                                int         cx,
                                int         cy);
/* Runs @widget's real "drop" handler with a real GdkFileList of @path. */
void  inb_test_drop_file       (GtkWidget  *widget,
                                const char *path);
/* Renders @widget with its own renderer and saves it as a PNG. */
void  inb_test_save_screenshot (GtkWidget  *widget,
                                const char *path);

/* A condition on a test's own fixture (any pointer type: a check may take
 * its Fixture * directly) and @data. */
typedef gboolean (*InbTestCheck) (gpointer      fixture,
                                  gconstpointer data);

/* Iterates the default main context until @check holds. FALSE when
 * @seconds pass first. */
gboolean inb_test_wait_until  (gpointer       fixture,
                               InbTestCheck   check,
                               gconstpointer  data,
                               guint          seconds);
/* A check: @slot (an InbKeyframeSlot) is done loading, with a keyframe or
 * with an error. */
gboolean inb_test_slot_loaded (gpointer       fixture,
                               gconstpointer  slot);

G_END_DECLS
