/* inb-bench-engine.c — drive the local engine for the benchmark
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loads two keyframes (anything gdk-pixbuf reads), analyses the pair once
 * with inb_engine_new() and renders in-betweens with inb_engine_render():
 *
 *   inb-bench-engine FIRST LAST --t 0.25,0.5,0.75 --out-prefix /tmp/x
 *     writes /tmp/x-000.ppm, /tmp/x-001.ppm, ... (one per t, in order)
 *   inb-bench-engine FIRST LAST --frames 81 --raw
 *     renders t = i / 80 for i = 0..80 and writes packed RGB24 frames to
 *     stdout (for piping into an encoder)
 *
 * Timings (milliseconds, monotonic clock) and the peak RSS are printed as
 * one JSON object on stdout, or to the file named by --json (needed with
 * --raw, where stdout carries the frames). Not installed; not a test.
 */
#define G_LOG_DOMAIN "inb-bench-engine"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "inb-engine.h"
#include "inb-image.h"

static InbImage *
load_image (const char  *path,
            GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  InbImage *image;
  const guint8 *src;
  guint8 *dst;
  guint width;
  guint height;
  guint n_channels;
  gsize src_stride;
  gsize dst_stride;

  pixbuf = gdk_pixbuf_new_from_file (path, error);
  if (pixbuf == NULL)
    return NULL;

  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: not an 8-bit RGB image", path);
      return NULL;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  src = gdk_pixbuf_read_pixels (pixbuf);

  image = inb_image_new (width, height);
  dst = inb_image_get_data_mut (image);
  dst_stride = inb_image_get_stride (image);

  /* Alpha, if any, is dropped: the benchmark's keyframes are opaque. */
  for (guint y = 0; y < height; y++)
    {
      const guint8 *s = src + y * src_stride;
      guint8 *d = dst + y * dst_stride;

      if (n_channels == 3)
        {
          memcpy (d, s, (gsize) width * 3);
          continue;
        }
      for (guint x = 0; x < width; x++)
        {
          d[3 * x + 0] = s[n_channels * x + 0];
          d[3 * x + 1] = s[n_channels * x + 1];
          d[3 * x + 2] = s[n_channels * x + 2];
        }
    }

  return image;
}

static gboolean
write_rows (FILE            *fp,
            const InbImage  *image)
{
  const guint8 *data = inb_image_get_data (image);
  gsize stride = inb_image_get_stride (image);
  gsize row = (gsize) inb_image_get_width (image) * 3;
  guint height = inb_image_get_height (image);

  for (guint y = 0; y < height; y++)
    {
      if (fwrite (data + y * stride, 1, row, fp) != row)
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_ppm (const char      *path,
           const InbImage  *image,
           GError         **error)
{
  FILE *fp;
  gboolean ok;

  fp = fopen (path, "wb");
  if (fp == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  ok = fprintf (fp, "P6\n%u %u\n255\n",
                inb_image_get_width (image),
                inb_image_get_height (image)) > 0;
  ok = ok && write_rows (fp, image);
  ok = (fclose (fp) == 0) && ok;

  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "%s: write failed", path);

  return ok;
}

static GArray *
parse_t_list (const char  *text,
              GError     **error)
{
  g_autoptr(GArray) ts = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double t;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      t = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !(t >= 0.0 && t <= 1.0))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--t: “%s” is not a number in [0, 1]", parts[i]);
          return NULL;
        }
      g_array_append_val (ts, t);
    }

  if (ts->len == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--t: no values");
      return NULL;
    }

  return g_steal_pointer (&ts);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The high-water mark of this process's resident set, from
 * /proc/self/status. Unlike getrusage(), whose ru_maxrss survives exec and
 * so may report the parent's (e.g. a Python harness's) peak, VmHWM belongs
 * to this address space only. -1 if unknown. */
static glong
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")) != NULL)
    return strtol (line + strlen ("VmHWM:"), NULL, 10);

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;

  return usage.ru_maxrss;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) first = NULL;
  g_autoptr(InbImage) last = NULL;
  g_autoptr(InbImage) out = NULL;
  g_autoptr(InbEngine) engine = NULL;
  g_autoptr(GArray) ts = NULL;
  g_autoptr(GArray) render_ms = NULL;
  g_autoptr(GString) json = NULL;
  g_autofree char *t_text = NULL;
  g_autofree char *out_prefix = NULL;
  g_autofree char *json_path = NULL;
  gint n_threads = 0;
  gint n_frames = 0;
  gboolean raw = FALSE;
  double load_ms;
  double analysis_ms;
  double total_render_ms = 0.0;
  gint64 start;
  gint64 all_start;
  guint width;
  guint height;
  const GOptionEntry entries[] = {
    { "t", 0, 0, G_OPTION_ARG_STRING, &t_text,
      "Comma-separated times in [0, 1] to render", "T,T,..." },
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames,
      "Render N frames evenly spaced over [0, 1] (whole clip)", "N" },
    { "out-prefix", 'o', 0, G_OPTION_ARG_FILENAME, &out_prefix,
      "Write each frame to PREFIX-NNN.ppm", "PREFIX" },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
      "Write packed RGB24 frames to stdout", NULL },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &n_threads,
      "Engine worker threads (0 = number of CPUs)", "N" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path,
      "Write the timings to FILE instead of stdout", "FILE" },
    { NULL }
  };

  all_start = g_get_monotonic_time ();

  context = g_option_context_new ("FIRST LAST — time the local engine");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc != 3 || n_threads < 0 || n_frames < 0 ||
      (t_text == NULL) == (n_frames == 0) || n_frames == 1 ||
      (raw && json_path == NULL))
    {
      g_printerr ("usage: %s FIRST LAST (--t T,T,... | --frames N) "
                  "[--out-prefix P] [--raw --json FILE] [--threads N]\n",
                  argv[0]);
      return 2;
    }

  if (t_text != NULL)
    {
      ts = parse_t_list (t_text, &error);
      if (ts == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
    }
  else
    {
      ts = g_array_sized_new (FALSE, FALSE, sizeof (double), n_frames);
      for (gint i = 0; i < n_frames; i++)
        {
          double t = (double) i / (n_frames - 1);

          g_array_append_val (ts, t);
        }
    }

  start = g_get_monotonic_time ();
  first = load_image (argv[1], &error);
  if (first != NULL)
    last = load_image (argv[2], &error);
  if (first == NULL || last == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  load_ms = ms_since (start);

  width = inb_image_get_width (first);
  height = inb_image_get_height (first);
  if (inb_image_get_width (last) != width || inb_image_get_height (last) != height)
    {
      g_printerr ("keyframes differ in size: %ux%u vs %ux%u\n",
                  width, height,
                  inb_image_get_width (last), inb_image_get_height (last));
      return 1;
    }

  start = g_get_monotonic_time ();
  engine = inb_engine_new (first, last, (guint) n_threads,
                           NULL, NULL, NULL, &error);
  analysis_ms = ms_since (start);
  if (engine == NULL)
    {
      g_printerr ("engine: %s\n", error ? error->message : "failed");
      return 1;
    }

  out = inb_image_new (width, height);
  render_ms = g_array_sized_new (FALSE, FALSE, sizeof (double), ts->len);

  for (guint i = 0; i < ts->len; i++)
    {
      double t = g_array_index (ts, double, i);
      double ms;

      start = g_get_monotonic_time ();
      inb_engine_render (engine, t, out);
      ms = ms_since (start);
      total_render_ms += ms;
      g_array_append_val (render_ms, ms);

      if (out_prefix != NULL)
        {
          g_autofree char *path = g_strdup_printf ("%s-%03u.ppm", out_prefix, i);

          if (!write_ppm (path, out, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
        }
      if (raw && !write_rows (stdout, out))
        {
          g_printerr ("writing to stdout failed\n");
          return 1;
        }
    }
  if (raw && fflush (stdout) != 0)
    {
      g_printerr ("writing to stdout failed\n");
      return 1;
    }

  json = g_string_new ("{");
  g_string_append_printf (json, "\"width\": %u, \"height\": %u, ", width, height);
  g_string_append_printf (json, "\"threads\": %d, ", n_threads);
  g_string_append_printf (json, "\"load_ms\": %.3f, ", load_ms);
  g_string_append_printf (json, "\"analysis_ms\": %.3f, ", analysis_ms);
  g_string_append_printf (json, "\"render_ms_total\": %.3f, ", total_render_ms);
  g_string_append (json, "\"frames\": [");
  for (guint i = 0; i < ts->len; i++)
    {
      char t_buf[G_ASCII_DTOSTR_BUF_SIZE];
      char ms_buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (t_buf, sizeof t_buf, "%.6f", g_array_index (ts, double, i));
      g_ascii_formatd (ms_buf, sizeof ms_buf, "%.3f", g_array_index (render_ms, double, i));
      g_string_append_printf (json, "%s{\"t\": %s, \"render_ms\": %s",
                              i > 0 ? ", " : "", t_buf, ms_buf);
      if (out_prefix != NULL)
        {
          g_autofree char *path = g_strdup_printf ("%s-%03u.ppm", out_prefix, i);
          g_autofree char *escaped = g_strescape (path, NULL);

          g_string_append_printf (json, ", \"path\": \"%s\"", escaped);
        }
      g_string_append_c (json, '}');
    }
  g_string_append (json, "], ");
  g_string_append_printf (json, "\"wall_ms\": %.3f, ", ms_since (all_start));
  g_string_append_printf (json, "\"peak_rss_kb\": %ld}\n", peak_rss_kb ());

  if (json_path != NULL && g_file_test (json_path, G_FILE_TEST_EXISTS) &&
      !g_file_test (json_path, G_FILE_TEST_IS_REGULAR))
    {
      /* A device or a pipe (/dev/null, /dev/stdout): written into, never
       * replaced — g_file_set_contents() renames a new file over the path,
       * which as root replaces the device itself */
      FILE *fp = fopen (json_path, "w");

      if (fp == NULL || fputs (json->str, fp) == EOF || fclose (fp) != 0)
        {
          g_printerr ("%s: %s\n", json_path, g_strerror (errno));
          return 1;
        }
    }
  else if (json_path != NULL)
    {
      if (!g_file_set_contents (json_path, json->str, json->len, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  else
    {
      fputs (json->str, stdout);
    }

  return 0;
}
