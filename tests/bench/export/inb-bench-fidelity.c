/* inb-bench-fidelity.c — how long measuring a take's keyframe fidelity takes
 *
 *   build/tests/bench/export/inb-bench-fidelity TAKE_DIR [RUNS]
 *
 * Runs inb_fidelity_measure() on the take's clip.mp4, first.png and
 * last.png RUNS times (default 5) and prints each time, the median and
 * the measurement.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "inb-fidelity.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *clip = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  InbFidelity fidelity = { { 0 } };
  int runs;

  if (argc < 2)
    {
      g_printerr ("usage: %s TAKE_DIR [RUNS]\n", argv[0]);
      return 2;
    }
  runs = argc > 2 ? MAX (1, atoi (argv[2])) : 5;
  clip = g_build_filename (argv[1], "clip.mp4", NULL);
  first = g_build_filename (argv[1], "first.png", NULL);
  last = g_build_filename (argv[1], "last.png", NULL);

  for (int i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double seconds;

      if (!inb_fidelity_measure (clip, first, last, &fidelity, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      seconds = (g_get_monotonic_time () - start) / 1e6;
      g_array_append_val (times, seconds);
      g_print ("run %d: %.3f s\n", i + 1, seconds);
    }

  g_array_sort (times, compare_doubles);
  g_print ("median %.3f s over %d runs (%u frames)\n", g_array_index (times, double, times->len / 2), runs,
           fidelity.n_frames);
  g_print ("first: %.2f dB, mean ΔE00 %.3f, colour shift %.3f\n",
           fidelity.first.psnr, fidelity.first.mean_delta_e, fidelity.first.colour_shift);
  g_print ("last:  %.2f dB, mean ΔE00 %.3f, colour shift %.3f\n",
           fidelity.last.psnr, fidelity.last.mean_delta_e, fidelity.last.colour_shift);
  g_print ("drift: %s (threshold ΔE00 %.1f)\n", fidelity.drift ? "yes" : "no", INB_FIDELITY_DRIFT_THRESHOLD);
  return 0;
}
