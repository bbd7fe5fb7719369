/* inb-fault-edit.c — one metadata edit through the library, as the window
 * makes it, for tests/fault/run.py (issue 13)
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inb-fault-edit TAKES_DIR TAKE star|unstar
 *   inb-fault-edit TAKES_DIR TAKE title|note TEXT
 *
 * Star, title and note have no command-line verb: the window calls
 * inb_library_set_{starred,title,note}_async() and shows the error's
 * message in a toast when one comes back. This does the same, so the
 * fault shim can fail each of the edit's writes: exit 0 when the edit was
 * saved, 1 with the message the window would show on stderr, 2 for a
 * wrong command line.
 */
#include <locale.h>
#include <stdio.h>

#include "inb-library.h"

typedef struct
{
  GMainLoop *loop;
  GError    *error;
} Wait;

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  inb_library_edit_finish (INB_LIBRARY (object), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(InbLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  InbTakeEntry *entry;
  const char *what;
  Wait wait = { NULL, NULL };

  setlocale (LC_ALL, "");
  if (argc < 4 || (argc != 5 && (g_str_equal (argv[3], "title") || g_str_equal (argv[3], "note"))))
    {
      fprintf (stderr, "usage: %s TAKES_DIR TAKE star|unstar|title TEXT|note TEXT\n", argv[0]);
      return 2;
    }

  library = inb_library_new (argv[1]);
  if (!inb_library_load (library, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  entry = inb_library_resolve (library, argv[2], &error);
  if (entry == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  what = argv[3];
  wait.loop = g_main_loop_new (NULL, FALSE);
  if (g_str_equal (what, "star") || g_str_equal (what, "unstar"))
    inb_library_set_starred_async (library, entry, g_str_equal (what, "star"), edited_cb, &wait);
  else if (g_str_equal (what, "title"))
    inb_library_set_title_async (library, entry, argv[4], edited_cb, &wait);
  else if (g_str_equal (what, "note"))
    inb_library_set_note_async (library, entry, argv[4], edited_cb, &wait);
  else
    {
      fprintf (stderr, "unknown edit: %s\n", what);
      g_main_loop_unref (wait.loop);
      return 2;
    }
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);

  if (wait.error != NULL)
    {
      fprintf (stderr, "%s\n", wait.error->message);
      g_clear_error (&wait.error);
      return 1;
    }

  return 0;
}
