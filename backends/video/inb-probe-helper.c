/* inb-probe-helper.c — inbetween-probe: checks one untrusted video file in a process of its own
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inbetween-probe [--timeout-ms N] [--] FILE
 *
 * Runs inb_video_probe_full() on FILE and prints one JSON object on
 * stdout:
 *
 *   {"ok": true, "width": 1280, "height": 720, "frames": 81, "fps": 16.0,
 *    "duration": 5.06, "codec": "H.264 (High Profile)", "container": "…",
 *    "container_type": "video/quicktime"}
 *   {"ok": false, "domain": "inb-video-error-quark", "code": 1,
 *    "message": "“…” is not a video file (it looks like text/html)"}
 *
 * and exits 0. Anything else (a crash, being killed, another exit status)
 * means the file was not verified; inb_video_probe_isolated_async() says so.
 * The process limits its own address space, CPU time and core dumps first,
 * so a hostile file that trips a demuxer bug costs a dead helper, nothing
 * more.
 */
#define G_LOG_DOMAIN "inbetween-probe"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "inb-video-reader.h"

/* Decoding one 1080p clip needs far less; a runaway allocation fails. */
#define MAX_ADDRESS_SPACE ((rlim_t) 4 << 30)

static void
limit (int    resource,
       rlim_t value)
{
  struct rlimit rl;

  if (getrlimit (resource, &rl) != 0)
    return;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
    value = rl.rlim_max;
  rl.rlim_cur = value;
  rl.rlim_max = value;
  setrlimit (resource, &rl);
}

static void
print_answer (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_auto(InbVideoInfo) info = { 0 };
  int timeout_ms = INB_VIDEO_PROBE_TIMEOUT_MS;
  GOptionEntry entries[] = {
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms, "Give up after this long", "MS" },
    { NULL }
  };

  /* stdout carries the answer only: every log message goes to stderr */
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  /* INB_LOCALEDIR: the build tree's catalogs (build/po), for the tests */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("INB_LOCALEDIR") != NULL ? g_getenv ("INB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  limit (RLIMIT_CORE, 0);
#ifndef __SANITIZE_ADDRESS__
  /* (AddressSanitizer reserves terabytes of address space up front) */
  limit (RLIMIT_AS, MAX_ADDRESS_SPACE);
#endif

  context = g_option_context_new ("FILE");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || timeout_ms <= 0)
    {
      g_printerr ("Usage: %s [--timeout-ms N] FILE\n", g_get_prgname ());
      return 2;
    }
  /* CPU seconds: the wall-clock bound is the caller's */
  limit (RLIMIT_CPU, (rlim_t) (timeout_ms / 1000 + 5));

  json_builder_begin_object (builder);
  if (inb_video_probe_full (argv[1], (guint) timeout_ms, &info, &error))
    {
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, info.width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, info.height);
      json_builder_set_member_name (builder, "frames");
      json_builder_add_int_value (builder, info.n_frames);
      json_builder_set_member_name (builder, "fps");
      json_builder_add_double_value (builder, info.fps);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, info.duration);
      if (info.video_codec != NULL)
        {
          json_builder_set_member_name (builder, "codec");
          json_builder_add_string_value (builder, info.video_codec);
        }
      if (info.container != NULL)
        {
          json_builder_set_member_name (builder, "container");
          json_builder_add_string_value (builder, info.container);
        }
      if (info.container_type != NULL)
        {
          json_builder_set_member_name (builder, "container_type");
          json_builder_add_string_value (builder, info.container_type);
        }
    }
  else
    {
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, g_quark_to_string (error->domain));
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, error->code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
    }
  json_builder_end_object (builder);
  print_answer (builder);

  return 0;
}
