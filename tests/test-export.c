/* test-export.c — every export format decodes right; options, metadata, cancel, overwrite, CLI
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-export"

#define _GNU_SOURCE   /* memmem */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gif_lib.h>
#include <glib/gstdio.h>
#include <webp/demux.h>

#include "inb-exporter.h"
#include "inb-library.h"
#include "inb-take.h"
#include "inb-test-utils.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"

#define CLIP_W      320
#define CLIP_H      240
#define CLIP_FRAMES 33
#define CLIP_FPS    16
#define TAKE_ID     "20260101-120000-abc123"
#define PROMPT      "a paper boat drifts — café ☕ 紙の舟"

/* One take for the whole run: $XDG_DATA_HOME/inbetween/takes/TAKE_ID. */
static char *data_dir;
static char *take_dir;

static InbImage *
clip_frame (guint i)
{
  return inb_test_textured_image (CLIP_W, CLIP_H, i * 1.5, i * 0.5);
}

static void
write_clip (const char *path,
            guint       n_frames,
            guint       width,
            guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = inb_video_writer_new (path, width, height, CLIP_FPS, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n_frames; i++)
    {
      g_autoptr(InbImage) frame = inb_test_textured_image (width, height, i * 1.5, i * 0.5);

      g_assert_true (inb_video_writer_push (writer, frame, &error));
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_no_error (error);
}

static void
make_take (const char *id,
           const char *created,
           const char *state,
           guint       n_frames)
{
  g_autofree char *dir = g_build_filename (data_dir, "inbetween", "takes", id, NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_build_filename (dir, "take.json", NULL);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *first_path = g_build_filename (dir, "first.png", NULL);
  g_autofree char *last_path = g_build_filename (dir, "last.png", NULL);
  g_autoptr(InbImage) first = clip_frame (0);
  g_autoptr(InbImage) last = clip_frame (n_frames - 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  manifest = g_strdup_printf ("{\"schema_version\": 1, \"id\": \"%s\", \"created\": \"%s\","
                              " \"backend\": \"local\", \"model\": \"flow\", \"prompt\": \"" PROMPT "\","
                              " \"negative_prompt\": \"blur\", \"seed\": 424242,"
                              " \"parameters\": {\"fps\": 16, \"duration\": 2.0, \"api_key\": \"sk-CANARY\","
                              "   \"nested\": {\"auth_token\": \"tok-CANARY\", \"strength\": 0.5}},"
                              " \"remote\": {\"task_id\": \"remote-CANARY\"},"
                              " \"state\": \"%s\", \"history\": [], \"timings\": {}}",
                              id, created, state);
  g_assert_true (g_file_set_contents (manifest_path, manifest, -1, &error));
  write_clip (clip, n_frames, CLIP_W, CLIP_H);
  g_assert_true (inb_image_save_png (first, first_path, &error));
  g_assert_true (inb_image_save_png (last, last_path, &error));
  g_assert_no_error (error);
}

static InbTake *
load_take (void)
{
  g_autoptr(GError) error = NULL;
  InbTake *take = inb_take_load (take_dir, &error);

  g_assert_no_error (error);
  return take;
}

static gboolean
export_take (const InbExportOptions  *options,
             const char              *target,
             GError                 **error)
{
  g_autoptr(InbTake) take = load_take ();
  g_autoptr(InbExporter) exporter = inb_exporter_new (take, options);

  return inb_exporter_export (exporter, target, NULL, error);
}

/* Files in @dir, dot-files (temporary ones) included. */
static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* ------------------------------------------------------------ decoders */

typedef struct
{
  guint  n_frames;
  guint  width;
  guint  height;
  double fps;
  double duration;
  char  *profile;       /* ffprobe only */
  char  *pix_fmt;
  char  *color_space;
} Decoded;

static void
decoded_clear (Decoded *d)
{
  g_free (d->profile);
  g_free (d->pix_fmt);
  g_free (d->color_space);
  memset (d, 0, sizeof *d);
}

static gboolean
have_ffprobe (void)
{
  g_autofree char *path = g_find_program_in_path ("ffprobe");
  return path != NULL;
}

/* ffprobe decodes every frame and counts them. */
static void
ffprobe_decode (const char *input,
                const char *input_format,
                Decoded    *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonObject *stream;
  int status = 0;
  int num = 0, den = 1;

  g_ptr_array_add (argv, (char *) "ffprobe");
  g_ptr_array_add (argv, (char *) "-v");
  g_ptr_array_add (argv, (char *) "error");
  if (input_format != NULL)
    {
      g_ptr_array_add (argv, (char *) "-f");
      g_ptr_array_add (argv, (char *) input_format);
      g_ptr_array_add (argv, (char *) "-framerate");
      g_ptr_array_add (argv, (char *) "16");
    }
  g_ptr_array_add (argv, (char *) "-i");
  g_ptr_array_add (argv, (char *) input);
  g_ptr_array_add (argv, (char *) "-count_frames");
  g_ptr_array_add (argv, (char *) "-select_streams");
  g_ptr_array_add (argv, (char *) "v:0");
  g_ptr_array_add (argv, (char *) "-show_entries");
  g_ptr_array_add (argv, (char *) "stream=nb_read_frames,width,height,avg_frame_rate,r_frame_rate,profile,pix_fmt,color_space");
  g_ptr_array_add (argv, (char *) "-of");
  g_ptr_array_add (argv, (char *) "json");
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &output, &errors, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  root = inb_test_parse_object (output);
  stream = json_array_get_object_element (json_object_get_array_member (root, "streams"), 0);
  out->n_frames = (guint) g_ascii_strtoull (json_object_get_string_member (stream, "nb_read_frames"), NULL, 10);
  out->width = (guint) json_object_get_int_member (stream, "width");
  out->height = (guint) json_object_get_int_member (stream, "height");
  g_assert_cmpint (sscanf (json_object_get_string_member (stream, "r_frame_rate"), "%d/%d", &num, &den), ==, 2);
  out->fps = den ? (double) num / den : 0;
  out->profile = g_strdup (json_object_get_string_member_with_default (stream, "profile", ""));
  out->pix_fmt = g_strdup (json_object_get_string_member_with_default (stream, "pix_fmt", ""));
  out->color_space = g_strdup (json_object_get_string_member_with_default (stream, "color_space", ""));
}

static void
gst_decode (const char *path,
            Decoded    *out)
{
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_video_probe_full (path, 60000, &info, &error));
  g_assert_no_error (error);
  out->n_frames = info.n_frames;
  out->width = info.width;
  out->height = info.height;
  out->fps = info.fps;
  out->duration = info.duration;
}

/* libwebp's own demuxer and decoder: every frame, and the loop count. */
static void
webp_decode (const char *path,
             Decoded    *out,
             guint      *loop)
{
  g_autofree char *contents = NULL;
  gsize length;
  WebPData data;
  WebPAnimDecoderOptions options;
  WebPAnimDecoder *decoder;
  WebPAnimInfo info;
  int timestamp = 0;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  data.bytes = (const uint8_t *) contents;
  data.size = length;
  g_assert_true (WebPAnimDecoderOptionsInit (&options));
  decoder = WebPAnimDecoderNew (&data, &options);
  g_assert_nonnull (decoder);
  g_assert_true (WebPAnimDecoderGetInfo (decoder, &info));
  while (WebPAnimDecoderHasMoreFrames (decoder))
    {
      uint8_t *pixels;

      g_assert_true (WebPAnimDecoderGetNext (decoder, &pixels, &timestamp));
      n++;
    }
  WebPAnimDecoderDelete (decoder);

  out->n_frames = n;
  out->width = info.canvas_width;
  out->height = info.canvas_height;
  out->duration = timestamp / 1000.0;
  out->fps = n / out->duration;
  *loop = info.loop_count;
}

/* giflib reads every frame; the delays give the rate. */
static void
gif_decode (const char *path,
            Decoded    *out,
            int        *loop)
{
  int code = 0;
  GifFileType *gif = DGifOpenFileName (path, &code);
  guint centiseconds = 0;

  g_assert_nonnull (gif);
  g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
  out->n_frames = (guint) gif->ImageCount;
  out->width = (guint) gif->SWidth;
  out->height = (guint) gif->SHeight;
  *loop = 1;   /* no NETSCAPE block: plays once */
  for (int i = 0; i < gif->ImageCount; i++)
    {
      GraphicsControlBlock gcb;

      g_assert_cmpint (DGifSavedExtensionToGCB (gif, i, &gcb), ==, GIF_OK);
      centiseconds += (guint) gcb.DelayTime;
    }
  /* giflib files the blocks before the first image under that image */
  for (int list = 0; list < 2; list++)
    {
      ExtensionBlock *blocks = list ? gif->ExtensionBlocks : gif->SavedImages[0].ExtensionBlocks;
      int count = list ? gif->ExtensionBlockCount : gif->SavedImages[0].ExtensionBlockCount;

      for (int i = 0; i + 1 < count; i++)
        if (blocks[i].Function == APPLICATION_EXT_FUNC_CODE && blocks[i].ByteCount == 11 &&
            memcmp (blocks[i].Bytes, "NETSCAPE2.0", 11) == 0)
          {
            int repeats = blocks[i + 1].Bytes[1] | (blocks[i + 1].Bytes[2] << 8);

            *loop = repeats == 0 ? 0 : repeats + 1;
          }
    }
  out->duration = centiseconds / 100.0;
  out->fps = out->n_frames / out->duration;
  DGifCloseFile (gif, &code);
}

static void
png_decode (const char *dir,
            Decoded    *out)
{
  out->n_frames = 0;
  for (guint i = 1; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("frame-%05u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
      out->width = (guint) gdk_pixbuf_get_width (pixbuf);
      out->height = (guint) gdk_pixbuf_get_height (pixbuf);
      out->n_frames++;
    }
  g_assert_cmpuint (count_entries (dir), ==, out->n_frames);
  out->fps = CLIP_FPS;
}

/* Decodes @path with every decoder that reads its format and checks
 * frames, size and rate on each. */
static void
assert_decodes (InbExportFormat format,
                const char     *path,
                guint           n_frames,
                guint           width,
                guint           height,
                double          fps,
                int             loop)
{
  Decoded d = { 0 };

  switch (format)
    {
    case INB_EXPORT_FORMAT_MP4:
    case INB_EXPORT_FORMAT_WEBM:
    case INB_EXPORT_FORMAT_PRORES:
      gst_decode (path, &d);
      g_assert_cmpuint (d.n_frames, ==, n_frames);
      g_assert_cmpuint (d.width, ==, width);
      g_assert_cmpuint (d.height, ==, height);
      g_assert_cmpfloat_with_epsilon (d.fps, fps, 0.01);
      g_assert_cmpfloat_with_epsilon (d.duration, n_frames / fps, 1.5 / fps);
      if (have_ffprobe ())
        {
          memset (&d, 0, sizeof d);
          ffprobe_decode (path, NULL, &d);
          g_assert_cmpuint (d.n_frames, ==, n_frames);
          g_assert_cmpuint (d.width, ==, width);
          g_assert_cmpuint (d.height, ==, height);
          g_assert_cmpfloat_with_epsilon (d.fps, fps, 0.01);
          /* tagged as players expect, in the profile asked for */
          if (format == INB_EXPORT_FORMAT_PRORES)
            {
              g_autofree char *contents = NULL;
              gsize length;
              static const char colr[] = "colrnclc\0\1\0\1\0\1";

              g_assert_cmpstr (d.profile, ==, "HQ");
              g_assert_cmpstr (d.pix_fmt, ==, "yuv422p10le");
              /* BT.709 is in the MOV's colour atom (FFmpeg reports the
               * ProRes frame header's "unspecified" instead) */
              g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
              g_assert_nonnull (memmem (contents, length, colr, sizeof colr - 1));
            }
          else
            {
              g_assert_cmpstr (d.color_space, ==, "bt709");
              g_assert_cmpstr (d.pix_fmt, ==, "yuv420p");
            }
          if (format == INB_EXPORT_FORMAT_MP4)
            g_assert_cmpstr (d.profile, ==, "High");
          decoded_clear (&d);
        }
      break;

    case INB_EXPORT_FORMAT_GIF:
      {
        int gif_loop = -1;

        gif_decode (path, &d, &gif_loop);
        g_assert_cmpuint (d.n_frames, ==, n_frames);
        g_assert_cmpuint (d.width, ==, width);
        g_assert_cmpuint (d.height, ==, height);
        /* Delays are whole hundredths: the total is right to 1/100 s. */
        g_assert_cmpfloat_with_epsilon (d.duration, n_frames / fps, 0.011);
        g_assert_cmpint (gif_loop, ==, loop);
        if (have_ffprobe ())
          {
            memset (&d, 0, sizeof d);
            ffprobe_decode (path, NULL, &d);
            g_assert_cmpuint (d.n_frames, ==, n_frames);
            g_assert_cmpuint (d.width, ==, width);
            g_assert_cmpuint (d.height, ==, height);
            decoded_clear (&d);
          }
      }
      break;

    case INB_EXPORT_FORMAT_WEBP:
      {
        guint webp_loop = 99;

        webp_decode (path, &d, &webp_loop);
        g_assert_cmpuint (d.n_frames, ==, n_frames);
        g_assert_cmpuint (d.width, ==, width);
        g_assert_cmpuint (d.height, ==, height);
        g_assert_cmpfloat_with_epsilon (d.duration, n_frames / fps, 0.0011 * n_frames);
        g_assert_cmpint ((int) webp_loop, ==, loop);
        /* FFmpeg 5.1 does not decode animated WebP: libwebp is the reader. */
      }
      break;

    case INB_EXPORT_FORMAT_PNG:
      png_decode (path, &d);
      g_assert_cmpuint (d.n_frames, ==, n_frames);
      g_assert_cmpuint (d.width, ==, width);
      g_assert_cmpuint (d.height, ==, height);
      if (have_ffprobe ())
        {
          g_autofree char *pattern = g_build_filename (path, "frame-%05d.png", NULL);

          memset (&d, 0, sizeof d);
          ffprobe_decode (pattern, "image2", &d);
          g_assert_cmpuint (d.n_frames, ==, n_frames);
          g_assert_cmpuint (d.width, ==, width);
          decoded_clear (&d);
        }
      break;

    case INB_EXPORT_N_FORMATS:
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------ options */

static void
test_options_parse (void)
{
  InbExportOptions options;
  InbExportFormat format;
  g_autoptr(GError) error = NULL;
  guint value = 0;
  int loop = 0;

  inb_export_options_init (&options);
  g_assert_cmpint (options.format, ==, INB_EXPORT_FORMAT_MP4);
  g_assert_cmpint (options.loop, ==, -1);

  g_assert_true (inb_export_parse_format ("GIF", &format, NULL));
  g_assert_cmpint (format, ==, INB_EXPORT_FORMAT_GIF);
  g_assert_true (inb_export_parse_format ("mov", &format, NULL));
  g_assert_cmpint (format, ==, INB_EXPORT_FORMAT_PRORES);
  g_assert_true (inb_export_parse_format ("vp9", &format, NULL));
  g_assert_cmpint (format, ==, INB_EXPORT_FORMAT_WEBM);
  g_assert_false (inb_export_parse_format ("avi", &format, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "avi"));
  g_clear_error (&error);

  g_assert_true (inb_export_parse_trim ("10:40", &options, NULL));
  g_assert_true (options.trim_in.set && !options.trim_in.seconds && options.trim_in.value == 10);
  g_assert_true (options.trim_out.set && options.trim_out.value == 40);
  g_assert_true (inb_export_parse_trim (":5", &options, NULL));
  g_assert_false (options.trim_in.set);
  g_assert_true (inb_export_parse_trim ("0.5s:2s", &options, NULL));
  g_assert_true (options.trim_in.seconds && options.trim_in.value == 0.5);
  g_assert_true (options.trim_out.seconds && options.trim_out.value == 2.0);
  for (guint i = 0; i < 8; i++)
    {
      const char *bad[] = { "10", "40:10", "a:b", "1:2:3", "-1:4", "1.5:3", "s:2", "1e3:5" };

      g_assert_false (inb_export_parse_trim (bad[i], &options, &error));
      g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_true (inb_export_parse_width ("480", &value, NULL));
  g_assert_cmpuint (value, ==, 480);
  g_assert_false (inb_export_parse_width ("8", &value, NULL));
  g_assert_false (inb_export_parse_width ("99999", &value, NULL));
  g_assert_false (inb_export_parse_width ("48O", &value, NULL));
  g_assert_true (inb_export_parse_fps ("24", &value, NULL));
  g_assert_false (inb_export_parse_fps ("0", &value, NULL));
  g_assert_false (inb_export_parse_fps ("121", &value, NULL));
  g_assert_true (inb_export_parse_loop ("0", &loop, NULL));
  g_assert_cmpint (loop, ==, 0);
  g_assert_false (inb_export_parse_loop ("-1", &loop, NULL));

  /* Forever is for formats that loop by themselves. */
  inb_export_options_init (&options);
  options.loop = 0;
  g_assert_false (inb_export_options_validate (&options, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  options.format = INB_EXPORT_FORMAT_WEBP;
  g_assert_true (inb_export_options_validate (&options, NULL));
}

/* The parsers take any byte string without crashing or accepting junk. */
static void
test_options_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  const char alphabet[] = "0123456789:.s-+ eE\xff\x80xX";

  for (guint i = 0; i < 20000; i++)
    {
      char text[12];
      guint n = g_rand_int_range (rand, 0, sizeof text);
      InbExportOptions options;
      InbExportFormat format;
      guint value;
      int loop;

      for (guint k = 0; k < n; k++)
        text[k] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      text[n] = '\0';

      inb_export_options_init (&options);
      if (inb_export_parse_trim (text, &options, NULL))
        {
          g_assert_nonnull (strchr (text, ':'));
          g_assert_true (!options.trim_in.set || options.trim_in.value >= 0);
        }
      if (inb_export_parse_width (text, &value, NULL))
        g_assert_cmpuint (value, >=, 16);
      inb_export_parse_fps (text, &value, NULL);
      inb_export_parse_loop (text, &loop, NULL);
      inb_export_parse_format (text, &format, NULL);
    }
}

static guint
plan_length (InbExportFormat format,
             const char     *trim,
             guint           fps,
             int             loop,
             gboolean        pingpong,
             guint           n_frames)
{
  InbExportOptions options;
  g_autoptr(InbExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  inb_export_options_init (&options);
  options.format = format;
  options.fps = fps;
  options.loop = loop;
  options.pingpong = pingpong;
  if (trim != NULL)
    g_assert_true (inb_export_parse_trim (trim, &options, NULL));
  plan = inb_export_plan_new (&options, n_frames, 16, 1, 1280, 720, &error);
  g_assert_no_error (error);
  return plan->order->len;
}

static void
test_plan (void)
{
  InbExportOptions options;
  g_autoptr(InbExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  /* trim is a half-open range */
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, "10:40", 0, -1, FALSE, 81), ==, 30);
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, "1s:2s", 0, -1, FALSE, 81), ==, 16);
  /* lower rate drops evenly and keeps both ends: 16 → 8 fps */
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, NULL, 8, -1, FALSE, 81), ==, 41);
  /* higher rate: the in-betweens of 80 gaps */
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, NULL, 32, -1, FALSE, 81), ==, 161);
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, NULL, 24, -1, FALSE, 81), ==, 121);
  /* ping-pong: forward, back without the turning frames */
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, NULL, 0, -1, TRUE, 10), ==, 18);
  /* video repeats the frames; GIF and WebP record the count */
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_MP4, NULL, 0, 3, TRUE, 10), ==, 54);
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_GIF, NULL, 0, 3, TRUE, 10), ==, 18);
  g_assert_cmpuint (plan_length (INB_EXPORT_FORMAT_PNG, "2:6", 0, 2, FALSE, 10), ==, 8);

  inb_export_options_init (&options);
  options.fps = 24;
  plan = inb_export_plan_new (&options, 81, 16, 1, 1280, 720, &error);
  g_assert_no_error (error);
  /* 24 fps from 16: every third output frame is a source frame, the
   * others are in-betweens at 1/3 and 2/3; the last frame is the clip's. */
  g_assert_cmpuint (g_array_index (plan->steps, InbExportStep, 3).src, ==, 2);
  g_assert_cmpfloat (g_array_index (plan->steps, InbExportStep, 3).t, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (g_array_index (plan->steps, InbExportStep, 1).t, 2.0 / 3, 1e-9);
  g_assert_cmpuint (g_array_index (plan->steps, InbExportStep, 120).src, ==, 80);
  g_clear_pointer (&plan, inb_export_plan_free);

  /* width keeps the shape; video sizes are even */
  options.fps = 0;
  options.width = 481;
  plan = inb_export_plan_new (&options, 81, 16, 1, 1280, 720, &error);
  g_assert_cmpuint (plan->width, ==, 482);
  g_assert_cmpuint (plan->height, ==, 270);
  g_clear_pointer (&plan, inb_export_plan_free);
  options.format = INB_EXPORT_FORMAT_GIF;
  plan = inb_export_plan_new (&options, 81, 16, 1, 1280, 720, &error);
  g_assert_cmpuint (plan->width, ==, 481);
  g_assert_cmpuint (plan->height, ==, 271);
  g_clear_pointer (&plan, inb_export_plan_free);

  /* a trim past the end is refused with the clip's length */
  g_assert_true (inb_export_parse_trim ("5:90", &options, NULL));
  g_assert_null (inb_export_plan_new (&options, 81, 16, 1, 1280, 720, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "81"));
}

/* ------------------------------------------------------------ formats */

static void
assert_metadata (const char      *path,
                 InbExportFormat  format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) metadata = inb_export_read_metadata (path, &error);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *take, *params, *export;

  g_assert_no_error (error);
  g_assert_nonnull (metadata);
  take = json_object_get_object_member (metadata, "take");
  g_assert_cmpstr (json_object_get_string_member (take, "id"), ==, TAKE_ID);
  g_assert_cmpstr (json_object_get_string_member (take, "prompt"), ==, PROMPT);
  g_assert_cmpstr (json_object_get_string_member (take, "negative_prompt"), ==, "blur");
  g_assert_cmpstr (json_object_get_string_member (take, "backend"), ==, "local");
  g_assert_cmpstr (json_object_get_string_member (take, "model"), ==, "flow");
  g_assert_cmpint (json_object_get_int_member (take, "seed"), ==, 424242);
  params = json_object_get_object_member (take, "parameters");
  g_assert_cmpint (json_object_get_int_member (params, "fps"), ==, 16);
  g_assert_cmpfloat (json_object_get_double_member (params, "duration"), ==, 2.0);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (params, "nested"), "strength"), ==, 0.5);
  export = json_object_get_object_member (metadata, "export");
  g_assert_cmpstr (json_object_get_string_member (export, "format"), ==, inb_export_format_to_string (format));

  /* Never a key, a token or a remote id */
  node = json_node_init_object (json_node_alloc (), metadata);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_assert_null (strstr (text, "CANARY"));
  g_assert_null (strstr (text, "api_key"));
  g_assert_null (strstr (text, "remote"));
}

/* Frame @index of a GIF or a WebP as shown: each GIF frame drawn over
 * the last (its transparent pixels leave what was there). */
static InbImage *
frame_of (InbExportFormat  format,
          const char      *path,
          guint            index)
{
  InbImage *image = inb_image_new (CLIP_W, CLIP_H);
  guint8 *dst = inb_image_get_data_mut (image);

  if (format == INB_EXPORT_FORMAT_GIF)
    {
      int code = 0;
      GifFileType *gif = DGifOpenFileName (path, &code);

      g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
      g_assert_cmpint (gif->SavedImages[0].ImageDesc.Width, ==, CLIP_W);
      for (guint f = 0; f <= index; f++)
        {
          SavedImage *frame = &gif->SavedImages[f];
          GifImageDesc *desc = &frame->ImageDesc;
          ColorMapObject *map = desc->ColorMap ? desc->ColorMap : gif->SColorMap;
          GraphicsControlBlock gcb;

          DGifSavedExtensionToGCB (gif, (int) f, &gcb);
          for (int y = 0; y < desc->Height; y++)
            for (int x = 0; x < desc->Width; x++)
              {
                int value = frame->RasterBits[y * desc->Width + x];
                gsize i = (gsize) (desc->Top + y) * CLIP_W + (gsize) (desc->Left + x);

                if (value == gcb.TransparentColor)
                  continue;
                dst[i * 3] = map->Colors[value].Red;
                dst[i * 3 + 1] = map->Colors[value].Green;
                dst[i * 3 + 2] = map->Colors[value].Blue;
              }
        }
      DGifCloseFile (gif, &code);
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize length;
      WebPData data;
      WebPAnimDecoderOptions options;
      WebPAnimDecoder *decoder;
      uint8_t *pixels = NULL;
      int timestamp;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      data.bytes = (const uint8_t *) contents;
      data.size = length;
      WebPAnimDecoderOptionsInit (&options);
      options.color_mode = MODE_RGBA;
      decoder = WebPAnimDecoderNew (&data, &options);
      for (guint f = 0; f <= index; f++)
        g_assert_true (WebPAnimDecoderGetNext (decoder, &pixels, &timestamp));
      for (gsize i = 0; i < (gsize) CLIP_W * CLIP_H; i++)
        memcpy (dst + i * 3, pixels + i * 4, 3);
      WebPAnimDecoderDelete (decoder);
    }
  return image;
}

/* @image on the 216-colour web palette with Floyd–Steinberg: what a GIF
 * made without a palette of its own looks like. */
static InbImage *
web_palette_version (InbImage *image)
{
  guint width = inb_image_get_width (image), height = inb_image_get_height (image);
  InbImage *out = inb_image_new (width, height);
  const guint8 *src = inb_image_get_data (image);
  guint8 *dst = inb_image_get_data_mut (out);
  g_autofree double *work = g_new (double, (gsize) width * height * 3);

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    work[i] = src[i];
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        {
          gsize i = ((gsize) y * width + x) * 3 + c;
          double v = CLAMP (work[i], 0, 255);
          double q = floor (v / 51.0 + 0.5) * 51.0;
          double e = v - q;

          dst[i] = (guint8) q;
          if (x + 1 < width)
            work[i + 3] += e * 7 / 16;
          if (y + 1 < height)
            {
              if (x > 0)
                work[i + width * 3 - 3] += e * 3 / 16;
              work[i + width * 3] += e * 5 / 16;
              if (x + 1 < width)
                work[i + width * 3 + 3] += e * 1 / 16;
            }
        }
  return out;
}

static void
test_format (gconstpointer data)
{
  InbExportFormat format = GPOINTER_TO_INT (data);
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  const char *extension = inb_export_format_get_extension (format);
  g_autofree char *name = g_strdup_printf ("out%s%s", *extension ? "." : "", extension);
  g_autofree char *target = g_build_filename (out_dir, name, NULL);
  InbExportOptions options;
  g_autoptr(GError) error = NULL;

  inb_export_options_init (&options);
  options.format = format;
  g_assert_true (export_take (&options, target, &error));
  g_assert_no_error (error);

  /* only the result is left: no temporary file beside it */
  g_assert_cmpuint (count_entries (out_dir), ==, 1);
  assert_decodes (format, target, CLIP_FRAMES, CLIP_W, CLIP_H, CLIP_FPS, 0);
  assert_metadata (target, format);

  if (format == INB_EXPORT_FORMAT_GIF || format == INB_EXPORT_FORMAT_WEBP)
    {
      /* A palette made for the clip, well above a fixed web palette, on
       * the first frame (whole) and on the last (drawn over the others) */
      g_autofree char *clip = g_build_filename (take_dir, "clip.mp4", NULL);

      for (guint k = 0; k < 2; k++)
        {
          guint index = k == 0 ? 0 : CLIP_FRAMES - 1;
          g_autoptr(InbImage) source = inb_video_read_frame (clip, index, &error);
          g_autoptr(InbImage) exported = frame_of (format, target, index);
          g_autoptr(InbImage) web = NULL;
          double psnr, web_psnr;

          g_assert_no_error (error);
          web = web_palette_version (source);
          psnr = inb_test_psnr (source, exported);
          web_psnr = inb_test_psnr (source, web);
          g_test_message ("%s frame %u: %.2f dB (the web palette: %.2f dB)",
                          inb_export_format_to_string (format), index, psnr, web_psnr);
          g_assert_cmpfloat (psnr, >, web_psnr + 4.0);   /* measured: +6.7 dB GIF, +11.9 dB WebP */
        }
    }

  inb_test_rm_rf (out_dir);
}

/* Scaled, trimmed, fewer frames per second, ping-pong, played twice. */
static void
test_options_applied (gconstpointer data)
{
  InbExportFormat format = GPOINTER_TO_INT (data);
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out", NULL);
  InbExportOptions options;
  g_autoptr(GError) error = NULL;
  guint kept, expected;

  inb_export_options_init (&options);
  options.format = format;
  options.width = 160;
  options.fps = 8;
  options.pingpong = TRUE;
  options.loop = 2;
  g_assert_true (inb_export_parse_trim ("4:29", &options, NULL));
  g_assert_true (export_take (&options, target, &error));
  g_assert_no_error (error);

  /* 25 frames at 16 fps → 13 at 8 fps; ping-pong 13 + 11 = 24 */
  kept = 13;
  expected = 2 * kept - 2;
  if (!inb_export_format_loops (format))
    expected *= 2;
  assert_decodes (format, target, expected, 160, 120, 8, inb_export_format_loops (format) ? 2 : 0);

  inb_test_rm_rf (out_dir);
}

/* 16 → 32 fps: the local engine makes one in-between per gap. */
static void
test_fps_up (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out.mp4", NULL);
  g_autofree char *clip = g_build_filename (take_dir, "clip.mp4", NULL);
  g_autoptr(InbImage) source_mid = NULL;
  g_autoptr(InbImage) export_mid = NULL;
  g_autoptr(InbImage) source_next = NULL;
  g_autoptr(GError) error = NULL;
  InbExportOptions options;

  inb_export_options_init (&options);
  options.fps = 32;
  g_assert_true (export_take (&options, target, &error));
  g_assert_no_error (error);
  assert_decodes (INB_EXPORT_FORMAT_MP4, target, 2 * (CLIP_FRAMES - 1) + 1, CLIP_W, CLIP_H, 32, 0);

  /* frame 2k is source frame k; frame 2k+1 lies between k and k+1 */
  source_mid = inb_video_read_frame (clip, 10, &error);
  export_mid = inb_video_read_frame (target, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (inb_test_psnr (source_mid, export_mid), >, 35.0);
  g_clear_pointer (&export_mid, inb_image_unref);
  export_mid = inb_video_read_frame (target, 21, &error);
  source_next = inb_video_read_frame (clip, 11, &error);
  g_assert_no_error (error);
  /* an in-between is closer to its neighbours than they are to each other */
  g_assert_cmpfloat (inb_test_psnr (export_mid, source_mid), >, inb_test_psnr (source_mid, source_next));
  g_assert_cmpfloat (inb_test_psnr (export_mid, source_next), >, inb_test_psnr (source_mid, source_next));

  inb_test_rm_rf (out_dir);
}

static void
test_overwrite (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out.gif", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  InbExportOptions options;

  g_assert_true (g_file_set_contents (target, "precious", -1, NULL));
  inb_export_options_init (&options);
  options.format = INB_EXPORT_FORMAT_GIF;
  options.width = 64;
  g_assert_false (export_take (&options, target, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_cmpuint (count_entries (out_dir), ==, 1);

  options.force = TRUE;
  g_assert_true (export_take (&options, target, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (out_dir), ==, 1);
  assert_decodes (INB_EXPORT_FORMAT_GIF, target, CLIP_FRAMES, 64, 48, CLIP_FPS, 0);

  /* a PNG sequence never replaces a folder holding anything else */
  {
    g_autofree char *folder = g_build_filename (out_dir, "frames", NULL);
    g_autofree char *other = g_build_filename (folder, "notes.txt", NULL);

    g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
    g_assert_true (g_file_set_contents (other, "mine", -1, NULL));
    options.format = INB_EXPORT_FORMAT_PNG;
    g_assert_false (export_take (&options, folder, &error));
    g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (count_entries (out_dir), ==, 2);
  }

  inb_test_rm_rf (out_dir);
}

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GError       *error;
  gboolean      done;
  guint         notifies;
  double        last_fraction;
  gboolean      saw_midway;     /* a fraction strictly between 0 and 0.9 */
  double        cancel_above;   /* cancels at the first fraction above it */
  gboolean      cancelled;      /* the cancellable was cancelled at the end */
} AsyncRun;

static void
fraction_cb (InbExporter *exporter,
             GParamSpec  *pspec,
             AsyncRun    *run)
{
  /* Delivered on this (the main) thread */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpfloat (inb_exporter_get_fraction (exporter), >=, run->last_fraction);
  run->last_fraction = inb_exporter_get_fraction (exporter);
  run->saw_midway |= run->last_fraction > 0.0 && run->last_fraction < 0.9;
  run->notifies++;
  if (inb_exporter_get_fraction (exporter) > run->cancel_above && run->cancellable != NULL)
    g_cancellable_cancel (run->cancellable);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncRun *run = user_data;

  if (!inb_exporter_export_finish (INB_EXPORTER (object), result, &run->error))
    g_assert_nonnull (run->error);
  run->cancelled = run->cancellable != NULL && g_cancellable_is_cancelled (run->cancellable);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static void
run_async (InbExportFormat  format,
           guint            fps,
           gboolean         cancel,
           const char      *target,
           AsyncRun        *run)
{
  g_autoptr(InbTake) take = load_take ();
  g_autoptr(InbExporter) exporter = NULL;
  InbExportOptions options;

  inb_export_options_init (&options);
  options.format = format;
  options.fps = fps;
  exporter = inb_exporter_new (take, &options);
  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = cancel ? g_cancellable_new () : NULL;
  /* the fractions are seen (and the cancel comes) however late this
   * loop runs: the export waits for it at each fraction */
  inb_exporter_set_deliver_every_fraction (exporter, TRUE);
  g_signal_connect (exporter, "notify::fraction", G_CALLBACK (fraction_cb), run);
  inb_exporter_export_async (exporter, target, run->cancellable, export_done_cb, run);
  g_main_loop_run (run->loop);
  g_assert_true (run->done);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);
}

static void
test_async_progress (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out.webm", NULL);
  AsyncRun run = { 0 };

  run_async (INB_EXPORT_FORMAT_WEBM, 0, FALSE, target, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.notifies, >=, 2);
  g_assert_true (run.saw_midway);
  assert_decodes (INB_EXPORT_FORMAT_WEBM, target, CLIP_FRAMES, CLIP_W, CLIP_H, CLIP_FPS, 0);
  inb_test_rm_rf (out_dir);
}

static void
test_cancel (gconstpointer data)
{
  InbExportFormat format = GPOINTER_TO_INT (data);
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out", NULL);
  AsyncRun run = { 0 };

  /* cancelled at a fraction > 0.1, before the end (the export waits
   * for the loop to see each fraction) */
  run.cancel_above = 0.1;
  run_async (format, 48, TRUE, target, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);
  g_assert_cmpuint (count_entries (out_dir), ==, 0);
  inb_test_rm_rf (out_dir);
}

/* Cancel as the export ends: either it is cancelled and nothing is left,
 * or the file is whole and the export says it succeeded, never
 * "cancelled" with the file on disk. Before the file is moved into place
 * (the last frames, the encoder's finishing step) cancelling wins; once
 * it is in place ("Done", fraction 1) it is too late and the export
 * succeeds (it said "cancelled" and left the file). */
static void
test_cancel_at_end (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out.mp4", NULL);
  AsyncRun late = { .cancel_above = 0.9 };
  AsyncRun end = { .cancel_above = 0.999 };

  run_async (INB_EXPORT_FORMAT_MP4, 0, TRUE, target, &late);
  g_assert_true (late.cancelled);
  g_assert_error (late.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&late.error);
  g_assert_cmpfloat (late.last_fraction, <, 1.0);
  g_assert_cmpuint (count_entries (out_dir), ==, 0);

  run_async (INB_EXPORT_FORMAT_MP4, 0, TRUE, target, &end);
  g_assert_true (end.cancelled);   /* before the result was taken */
  g_assert_cmpfloat (end.last_fraction, ==, 1.0);
  g_assert_no_error (end.error);
  assert_decodes (INB_EXPORT_FORMAT_MP4, target, CLIP_FRAMES, CLIP_W, CLIP_H, CLIP_FPS, 0);
  g_assert_cmpuint (count_entries (out_dir), ==, 1);

  inb_test_rm_rf (out_dir);
}

/* A clip that breaks midway: an error, and nothing left behind. */
static void
test_failure_cleans_up (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "out.mp4", NULL);
  g_autofree char *clip = g_build_filename (out_dir, "broken.mp4", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(InbExporter) exporter = NULL;
  g_autoptr(GError) error = NULL;
  InbExportOptions options;
  gsize length;

  write_clip (clip, CLIP_FRAMES, CLIP_W, CLIP_H);
  g_assert_true (g_file_get_contents (clip, &contents, &length, NULL));
  /* faststart puts the index first: cutting the media data keeps the
   * clip parseable and countable, and its frames undecodable */
  memset (contents + length / 2, 0x5a, length / 2);
  g_assert_true (g_file_set_contents (clip, contents, (gssize) length, NULL));

  inb_export_options_init (&options);
  options.colour_match = FALSE;
  exporter = inb_exporter_new_for_files (clip, NULL, NULL, NULL, &options);
  if (inb_exporter_export (exporter, target, NULL, &error))
    {
      /* a decoder that conceals the damage is allowed; then the file is whole */
      g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
      g_unlink (target);
    }
  else
    g_test_message ("broken clip: %s", error->message);
  g_unlink (clip);
  g_assert_cmpuint (count_entries (out_dir), ==, 0);

  /* a missing folder: nothing created anywhere */
  g_clear_error (&error);
  g_clear_pointer (&target, g_free);
  target = g_build_filename (out_dir, "no-such-folder", "out.mp4", NULL);
  g_assert_false (export_take (&options, target, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO);
  g_assert_cmpuint (count_entries (out_dir), ==, 0);

  inb_test_rm_rf (out_dir);
}

static void
test_metadata_absent (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (out_dir, "plain.png", NULL);
  g_autofree char *clip = g_build_filename (take_dir, "clip.mp4", NULL);
  g_autoptr(InbImage) image = clip_frame (0);
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_image_save_png (image, path, NULL));
  g_assert_null (inb_export_read_metadata (path, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_NO_METADATA);
  g_clear_error (&error);
  /* the take's own clip was not exported by us: no settings in it */
  g_assert_null (inb_export_read_metadata (clip, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_NO_METADATA);
  inb_test_rm_rf (out_dir);
}

/* ------------------------------------------------------------ the CLI */

static int
run_cli (const char  *stdout_expect,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *exe = g_getenv ("INB_BINARY");
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) exe);
  g_ptr_array_add (argv, (char *) "export");
  va_start (args, stdout_expect);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  if (stdout_expect != NULL)
    g_assert_nonnull (strstr (out, stdout_expect));
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "cli.gif", NULL);
  g_autofree char *target2 = g_build_filename (out_dir, "cli2.mp4", NULL);
  g_autofree char *takes = g_build_filename (data_dir, "inbetween", "takes", NULL);
  g_autofree char *running_dir = g_build_filename (takes, "20260101-130000-def456", NULL);
  g_autoptr(InbLibrary) library = NULL;
  g_autoptr(InbTake) running = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) metadata = NULL;
  InbTakeEntry *entry;

  if (g_getenv ("INB_BINARY") == NULL)
    {
      g_test_skip ("INB_BINARY is not set");
      return;
    }

  /* the newer take is being made: its lock is held (here, by this test) */
  running = inb_take_load (running_dir, &error);
  g_assert_no_error (error);
  g_assert_true (inb_take_acquire_lock (running, &error));
  g_assert_no_error (error);

  /* an id, a prefix, "last" (the newest take with a clip), as the export
   * verb resolves them */
  library = inb_library_new (takes);
  g_assert_true (inb_library_load (library, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (inb_library_resolve_clip (library, "20260101", &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_AMBIGUOUS);   /* two takes start so */
  g_assert_nonnull (strstr (error->message, "2 takes"));
  g_clear_error (&error);
  entry = inb_library_resolve_clip (library, "20260101-12", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_entry_get_dir (entry), ==, take_dir);
  entry = inb_library_resolve_clip (library, "last", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_entry_get_dir (entry), ==, take_dir);   /* the newer one is still running */
  g_assert_null (inb_library_resolve_clip (library, "20260101-13", &error));
  g_assert_error (error, INB_LIBRARY_ERROR, INB_LIBRARY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "still being made"));
  g_clear_error (&error);
  g_clear_object (&library);

  g_assert_cmpint (run_cli (target, "last", "-f", "gif", "--scale", "80", "-o", target, "-q", NULL), ==, 0);
  metadata = inb_export_read_metadata (target, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (metadata, "export"), "width"), ==, 80);

  /* invalid usage: 2, nothing written */
  g_assert_cmpint (run_cli (NULL, "last", "-f", "avi", "-o", target2, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "last", "-f", "mp4", "--trim", "9:3", "-o", target2, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "nope", "-o", target2, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "20260101-13", "-o", target2, NULL), ==, 2);   /* no clip yet */
  g_assert_cmpint (run_cli (NULL, TAKE_ID, NULL), ==, 2);
  /* the target exists: 2 without --force, 0 with */
  g_assert_cmpint (run_cli (NULL, TAKE_ID, "-f", "gif", "--scale", "80", "-o", target, "-q", NULL), ==, 2);
  g_assert_cmpint (run_cli (target, TAKE_ID, "-f", "gif", "--scale", "96", "-o", target, "-q", "--force", NULL), ==, 0);
  g_assert_cmpuint (count_entries (out_dir), ==, 1);

  inb_test_rm_rf (out_dir);
}

/* Ctrl-C: exit 130 and no partial file. */
static void
test_cli_interrupt (void)
{
  g_autofree char *out_dir = inb_test_make_tmpdir ();
  g_autofree char *target = g_build_filename (out_dir, "slow.mov", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("INB_BINARY");
  gint64 deadline;

  if (exe == NULL)
    {
      g_test_skip ("INB_BINARY is not set");
      return;
    }

  /* ProRes at 96 fps (engine in-betweens) takes seconds */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              exe, "export", TAKE_ID, "-f", "prores", "--fps", "96", "-o", target, "-q", NULL);
  g_assert_no_error (error);

  /* wait until the temporary file exists, then interrupt */
  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (count_entries (out_dir) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  g_assert_cmpuint (count_entries (out_dir), >, 0);
  g_usleep (100000);
  g_subprocess_send_signal (process, SIGINT);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_cmpuint (count_entries (out_dir), ==, 0);

  inb_test_rm_rf (out_dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  int status;

  /* Before GLib reads it: the takes live in a folder of this run. */
  data_dir = g_build_filename (root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_test_init (&argc, &argv, NULL);

  make_take (TAKE_ID, "2026-01-01T12:00:00Z", "done", CLIP_FRAMES);
  make_take ("20260101-130000-def456", "2026-01-01T13:00:00Z", "running", 5);
  take_dir = g_build_filename (data_dir, "inbetween", "takes", TAKE_ID, NULL);

  g_test_add_func ("/export/options/parse", test_options_parse);
  g_test_add_func ("/export/options/fuzz", test_options_fuzz);
  g_test_add_func ("/export/plan", test_plan);
  for (int f = 0; f < INB_EXPORT_N_FORMATS; f++)
    {
      g_autofree char *path = g_strdup_printf ("/export/format/%s", inb_export_format_to_string (f));
      g_autofree char *applied = g_strdup_printf ("/export/options-applied/%s", inb_export_format_to_string (f));

      g_test_add_data_func (path, GINT_TO_POINTER (f), test_format);
      g_test_add_data_func (applied, GINT_TO_POINTER (f), test_options_applied);
    }
  g_test_add_func ("/export/fps-up", test_fps_up);
  g_test_add_func ("/export/overwrite", test_overwrite);
  g_test_add_func ("/export/async-progress", test_async_progress);
  g_test_add_data_func ("/export/cancel/mp4", GINT_TO_POINTER (INB_EXPORT_FORMAT_MP4), test_cancel);
  g_test_add_data_func ("/export/cancel/gif", GINT_TO_POINTER (INB_EXPORT_FORMAT_GIF), test_cancel);
  g_test_add_data_func ("/export/cancel/png", GINT_TO_POINTER (INB_EXPORT_FORMAT_PNG), test_cancel);
  g_test_add_func ("/export/cancel-at-end", test_cancel_at_end);
  g_test_add_func ("/export/failure-cleans-up", test_failure_cleans_up);
  g_test_add_func ("/export/metadata-absent", test_metadata_absent);
  g_test_add_func ("/export/cli", test_cli);
  g_test_add_func ("/export/cli-interrupt", test_cli_interrupt);

  status = g_test_run ();

  inb_test_rm_rf (root);
  g_free (data_dir);
  g_free (take_dir);
  return status;
}
