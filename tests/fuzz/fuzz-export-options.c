/* fuzz-export-options.c — the export option parsers and the frame plan on any input
 *
 * A libFuzzer target (LLVMFuzzerTestOneInput) with its own driver: built
 * normally it replays the files named on its command line, or the seed
 * corpus and a fixed stream of random inputs (a unit test). With clang:
 *
 *   clang -fsanitize=fuzzer,address -DINB_FUZZ_LIBFUZZER … fuzz-export-options.c
 *
 * The first byte picks the parser (format, trim, width, fps, loop) and
 * the clip the plan is made for; the rest is the option's text.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "inb-export-options.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(InbExportPlan) plan = NULL;
  InbExportOptions options;
  guint selector, value = 0, n_frames;
  int loop = -1;

  if (size < 1 || size > 4096)
    return 0;
  selector = data[0];
  text = g_strndup ((const char *) data + 1, size - 1);

  inb_export_options_init (&options);
  options.format = (InbExportFormat) ((selector >> 3) % INB_EXPORT_N_FORMATS);
  switch (selector % 5)
    {
    case 0:
      inb_export_parse_format (text, &options.format, NULL);
      break;
    case 1:
      inb_export_parse_trim (text, &options, NULL);
      break;
    case 2:
      if (inb_export_parse_width (text, &value, NULL))
        options.width = value;
      break;
    case 3:
      if (inb_export_parse_fps (text, &value, NULL))
        options.fps = value;
      break;
    default:
      if (inb_export_parse_loop (text, &loop, NULL))
        options.loop = loop;
      break;
    }
  options.pingpong = (selector & 0x80) != 0;

  /* Whatever parsed must plan safely, or be refused in words. */
  n_frames = 1 + (selector * 7) % 200;
  plan = inb_export_plan_new (&options, n_frames, 16, 1, 1280, 720, NULL);
  if (plan != NULL)
    {
      g_assert_cmpuint (plan->order->len, >, 0);
      g_assert_cmpuint (plan->order->len, <=, INB_EXPORT_MAX_FRAMES);
      for (guint i = 0; i < plan->order->len; i++)
        g_assert_cmpuint (g_array_index (plan->order, guint, i), <, plan->steps->len);
      for (guint i = 0; i < plan->steps->len; i++)
        {
          InbExportStep *step = &g_array_index (plan->steps, InbExportStep, i);

          g_assert_cmpuint (step->src, <, n_frames);
          g_assert_true (step->t >= 0.0 && step->t < 1.0);
          g_assert_true (step->t == 0.0 || step->src + 1 < n_frames);
        }
      g_assert_cmpuint (plan->width, >, 0);
      g_assert_cmpuint (plan->height, >, 0);
    }
  return 0;
}

#ifndef INB_FUZZ_LIBFUZZER
static void
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  const char alphabet[] = "0123456789:.s- mpgifwebpnoGIFx\xc3\xa9";
  guint n_files = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);
              run_file (path);
              n_files++;
            }
        }
      else
        {
          run_file (argv[i]);
          n_files++;
        }
    }

  for (guint i = 0; i < 200000; i++)
    {
      guint8 input[16];
      guint n = (guint) g_rand_int_range (rand, 1, sizeof input);

      input[0] = (guint8) g_rand_int_range (rand, 0, 256);
      for (guint k = 1; k < n; k++)
        input[k] = (guint8) alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      LLVMFuzzerTestOneInput (input, n);
    }

  g_print ("1..1\nok 1 - %u corpus files and 200000 random inputs\n", n_files);
  return 0;
}
#endif
