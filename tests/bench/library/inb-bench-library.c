/* inb-bench-library.c — how long listing every take takes, and its memory
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inb-bench-library TAKES_DIR [RUNS]
 *
 * Each run makes a fresh InbLibrary and loads it the way the window does
 * (inb_library_load_async on a main loop), timing from the call to the
 * list being complete, and measuring the resident memory the loaded list
 * keeps (RSS after minus RSS before, after a malloc_trim of both). Prints
 * one JSON object.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "inb-library.h"

static double
rss_mb (void)
{
  g_autofree char *text = NULL;
  long pages = 0, resident = 0;

  malloc_trim (0);
  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%ld %ld", &pages, &resident);

  return resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!inb_library_load_finish (INB_LIBRARY (object), result, &error))
    g_error ("%s", error->message);
  g_main_loop_quit (user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) mems = g_array_new (FALSE, FALSE, sizeof (double));
  guint runs = argc > 2 ? (guint) atoi (argv[2]) : 5;
  guint n_items = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s TAKES_DIR [RUNS]\n", argv[0]);
      return 2;
    }

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      InbLibrary *library;
      double before, after, t;
      gint64 start;

      before = rss_mb ();
      library = inb_library_new (argv[1]);
      start = g_get_monotonic_time ();
      inb_library_load_async (library, NULL, loaded_cb, loop);
      g_main_loop_run (loop);
      t = (g_get_monotonic_time () - start) / 1000.0;
      after = rss_mb ();
      n_items = g_list_model_get_n_items (G_LIST_MODEL (library));
      g_array_append_val (times, t);
      after -= before;
      g_array_append_val (mems, after);
      g_object_unref (library);
    }

  {
    double sorted[64];
    guint n = MIN (times->len, G_N_ELEMENTS (sorted));

    for (guint i = 0; i < n; i++)
      sorted[i] = g_array_index (times, double, i);
    for (guint i = 0; i < n; i++)
      for (guint j = i + 1; j < n; j++)
        if (sorted[j] < sorted[i])
          {
            double x = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = x;
          }

    printf ("{\"takes\": %u, \"runs\": %u, \"load_ms\": [", n_items, runs);
    for (guint i = 0; i < times->len; i++)
      printf ("%s%.1f", i ? ", " : "", g_array_index (times, double, i));
    printf ("], \"median_ms\": %.1f, \"list_mb\": [", sorted[n / 2]);
    for (guint i = 0; i < mems->len; i++)
      printf ("%s%.1f", i ? ", " : "", g_array_index (mems, double, i));
    printf ("]}\n");
  }

  return 0;
}
