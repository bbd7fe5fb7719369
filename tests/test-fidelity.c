/* test-fidelity.c — keyframe fidelity (PSNR, CIEDE2000, drift) and colour-match
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-fidelity"
#define _GNU_SOURCE   /* memmem, sched_setaffinity */

#include "config.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "inb-exporter.h"
#include "inb-fidelity.h"
#include "inb-take.h"
#include "inb-test-utils.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"

#define W 320
#define H 240
#define N_FRAMES 25

/* A colour cast of @strength (0 none … 1 strong): red down, blue up,
 * the complaint artists make of drifting clips. */
static InbImage *
tinted (InbImage *image,
        double    strength)
{
  guint width = inb_image_get_width (image), height = inb_image_get_height (image);
  InbImage *out = inb_image_new (width, height);
  const guint8 *src = inb_image_get_data (image);
  guint8 *dst = inb_image_get_data_mut (out);

  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      dst[i * 3] = (guint8) CLAMP (src[i * 3] * (1.0 - 0.18 * strength), 0, 255);
      dst[i * 3 + 1] = (guint8) CLAMP (src[i * 3 + 1] * (1.0 - 0.05 * strength) + 6 * strength, 0, 255);
      dst[i * 3 + 2] = (guint8) CLAMP (src[i * 3 + 2] + 28 * strength, 0, 255);
    }
  return out;
}

/* Every pixel as a 2×2 block: the same picture at twice the size. */
static InbImage *
doubled (InbImage *image)
{
  guint width = inb_image_get_width (image), height = inb_image_get_height (image);
  InbImage *out = inb_image_new (2 * width, 2 * height);
  const guint8 *src = inb_image_get_data (image);
  guint8 *dst = inb_image_get_data_mut (out);

  for (guint y = 0; y < 2 * height; y++)
    for (guint x = 0; x < 2 * width; x++)
      memcpy (dst + ((gsize) y * 2 * width + x) * 3, src + ((gsize) (y / 2) * width + x / 2) * 3, 3);
  return out;
}

static InbImage *
frame_at (guint i)
{
  return inb_test_textured_image (W, H, i * 1.0, i * 0.5);
}

/* A take folder whose clip drifts: frame i tinted by @cast_first … @cast_last. */
static char *
make_take (const char *root,
           const char *id,
           double      cast_first,
           double      cast_last)
{
  g_autofree char *dir = g_build_filename (root, id, NULL);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *first_path = g_build_filename (dir, "first.png", NULL);
  g_autofree char *last_path = g_build_filename (dir, "last.png", NULL);
  g_autofree char *manifest_path = g_build_filename (dir, "take.json", NULL);
  g_autofree char *manifest = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) first = frame_at (0);
  g_autoptr(InbImage) last = frame_at (N_FRAMES - 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  writer = inb_video_writer_new (clip, W, H, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_FRAMES; i++)
    {
      g_autoptr(InbImage) frame = frame_at (i);
      g_autoptr(InbImage) cast = tinted (frame, cast_first + (cast_last - cast_first) * i / (N_FRAMES - 1));

      g_assert_true (inb_video_writer_push (writer, cast, &error));
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_true (inb_image_save_png (first, first_path, &error));
  g_assert_true (inb_image_save_png (last, last_path, &error));
  manifest = g_strdup_printf ("{\"schema_version\": 1, \"id\": \"%s\", \"backend\": \"local\","
                              " \"model\": \"flow\", \"state\": \"done\", \"prompt\": \"\", \"seed\": 1,"
                              " \"parameters\": {}}", id);
  g_assert_true (g_file_set_contents (manifest_path, manifest, -1, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

static void
measure_dir (const char  *dir,
             const char  *clip_name,
             InbFidelity *fidelity)
{
  g_autofree char *clip = g_build_filename (dir, clip_name, NULL);
  g_autofree char *first = g_build_filename (dir, "first.png", NULL);
  g_autofree char *last = g_build_filename (dir, "last.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_fidelity_measure (clip, first, last, fidelity, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------ colour */

static void
test_ciede2000 (void)
{
  /* Sharma, Wu and Dalal (2005), table 1: L1 a1 b1 L2 a2 b2 ΔE00 */
  static const double pairs[][7] = {
    { 50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425 },
    { 50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615 },
    { 50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412 },
    { 50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669 },
    { 50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492 },
    { 50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065 },
    { 60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644 },
    { 22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373 },
    { 2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_assert_cmpfloat_with_epsilon (inb_ciede2000 (pairs[i], pairs[i] + 3), pairs[i][6], 1e-4);
      g_assert_cmpfloat_with_epsilon (inb_ciede2000 (pairs[i] + 3, pairs[i]), pairs[i][6], 1e-4);
    }
  g_assert_cmpfloat (inb_ciede2000 (pairs[0], pairs[0]), ==, 0.0);
}

static void
test_lab (void)
{
  const guint8 white[3] = { 255, 255, 255 }, black[3] = { 0, 0, 0 }, red[3] = { 255, 0, 0 };
  double lab[3];

  inb_srgb_to_lab (white, lab);
  g_assert_cmpfloat_with_epsilon (lab[0], 100.0, 0.01);
  g_assert_cmpfloat_with_epsilon (lab[1], 0.0, 0.01);
  g_assert_cmpfloat_with_epsilon (lab[2], 0.0, 0.01);
  inb_srgb_to_lab (black, lab);
  g_assert_cmpfloat_with_epsilon (lab[0], 0.0, 0.01);
  inb_srgb_to_lab (red, lab);
  g_assert_cmpfloat_with_epsilon (lab[0], 53.24, 0.05);
  g_assert_cmpfloat_with_epsilon (lab[1], 80.09, 0.1);
  g_assert_cmpfloat_with_epsilon (lab[2], 67.20, 0.1);
}

static void
test_compare (void)
{
  g_autoptr(InbImage) image = frame_at (3);
  g_autoptr(InbImage) cast = tinted (image, 1.0);
  g_autoptr(InbImage) slight = tinted (image, 0.1);
  g_autoptr(InbImage) small = inb_test_textured_image (W, H, 0, 0);
  g_autoptr(InbImage) big = doubled (small);
  InbFidelityEnd end;

  inb_fidelity_compare (image, image, &end);
  g_assert_cmpfloat (end.psnr, ==, 99.0);
  g_assert_cmpfloat (end.mean_delta_e, ==, 0.0);
  g_assert_cmpfloat (end.colour_shift, ==, 0.0);

  inb_fidelity_compare (cast, image, &end);
  g_assert_cmpfloat (end.colour_shift, >, INB_FIDELITY_DRIFT_THRESHOLD);
  g_assert_cmpfloat (end.mean_delta_e, >, INB_FIDELITY_DRIFT_THRESHOLD);
  g_assert_cmpfloat (end.psnr, <, 30.0);

  inb_fidelity_compare (slight, image, &end);
  g_assert_cmpfloat (end.colour_shift, <, INB_FIDELITY_DRIFT_THRESHOLD);   /* 1.66 */

  /* a keyframe of another size is fitted to the frame */
  inb_fidelity_compare (small, big, &end);
  g_assert_cmpfloat (end.colour_shift, <, 0.5);
  g_assert_cmpfloat (end.psnr, >, 25.0);
}

/* ------------------------------------------------------------ measuring */

static void
test_measure (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *clean = make_take (root, "clean", 0.0, 0.0);
  g_autofree char *drifting = make_take (root, "drifting", 0.0, 1.0);
  InbFidelity fidelity;

  measure_dir (clean, "clip.mp4", &fidelity);
  g_test_message ("clean: first %.2f dB ΔE %.3f shift %.3f; last %.2f dB ΔE %.3f shift %.3f",
                  fidelity.first.psnr, fidelity.first.mean_delta_e, fidelity.first.colour_shift,
                  fidelity.last.psnr, fidelity.last.mean_delta_e, fidelity.last.colour_shift);
  g_assert_cmpuint (fidelity.n_frames, ==, N_FRAMES);
  g_assert_cmpfloat (fidelity.first.psnr, >, 35.0);
  g_assert_cmpfloat (fidelity.last.psnr, >, 35.0);
  /* 4:2:0 and 8-bit conversions move this saturated synthetic texture's
   * mean colour by ~1.7 (0.7 on the sample photos) */
  g_assert_cmpfloat (fidelity.first.colour_shift, <, 2.5);
  g_assert_cmpfloat (fidelity.last.colour_shift, <, 2.5);
  g_assert_false (fidelity.drift);

  measure_dir (drifting, "clip.mp4", &fidelity);
  g_test_message ("drifting: first shift %.3f; last shift %.3f", fidelity.first.colour_shift, fidelity.last.colour_shift);
  g_assert_cmpfloat (fidelity.first.colour_shift, <, 2.5);
  g_assert_cmpfloat (fidelity.last.colour_shift, >, INB_FIDELITY_DRIFT_THRESHOLD);
  g_assert_true (fidelity.drift);

  inb_test_rm_rf (root);
}

static void
assert_same_image (InbImage *a,
                   InbImage *b)
{
  guint width = inb_image_get_width (a), height = inb_image_get_height (a);

  g_assert_cmpuint (inb_image_get_width (b), ==, width);
  g_assert_cmpuint (inb_image_get_height (b), ==, height);
  for (guint y = 0; y < height; y++)
    g_assert_cmpmem (inb_image_get_data (a) + y * inb_image_get_stride (a), (gsize) width * 3,
                     inb_image_get_data (b) + y * inb_image_get_stride (b), (gsize) width * 3);
}

/* The local backend measures a take from the frames its verifier kept
 * (backends/video, 16-bit conversion) instead of decoding the clip again
 * (the exporter's source): the same pixels, so the same figures in the
 * take's record, to the last bit. */
static void
test_measure_frames (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  const char *ids[] = { "clean", "drifting" };

  for (guint t = 0; t < G_N_ELEMENTS (ids); t++)
    {
      g_autofree char *dir = make_take (root, ids[t], 0.0, t == 0 ? 0.0 : 1.0);
      g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
      g_autofree char *first = g_build_filename (dir, "first.png", NULL);
      g_autofree char *last = g_build_filename (dir, "last.png", NULL);
      const guint keep[3] = { 0, N_FRAMES / 2, N_FRAMES - 1 };
      InbImage *kept[3] = { NULL, };
      g_autoptr(InbImage) middle = NULL;
      g_autoptr(InbImage) key_first = frame_at (0);
      g_autoptr(InbImage) key_last = frame_at (N_FRAMES - 1);
      g_autoptr(GError) error = NULL;
      InbFidelity decoded, from_frames;

      g_assert_true (inb_fidelity_measure_clip (clip, N_FRAMES, first, last, &decoded, &middle, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (inb_video_verify_keeping (clip, W, H, N_FRAMES, keep, 3, kept, NULL, &error));
      g_assert_no_error (error);
      /* the keyframes in memory, as the job has them (make_take() saved these) */
      inb_fidelity_measure_frames (kept[0], kept[2], N_FRAMES, key_first, key_last, &from_frames);

      g_test_message ("%s: first %.4f dB shift %.4f, last %.4f dB shift %.4f (decoded again: %.4f, %.4f, %.4f, %.4f)",
                      ids[t], from_frames.first.psnr, from_frames.first.colour_shift,
                      from_frames.last.psnr, from_frames.last.colour_shift,
                      decoded.first.psnr, decoded.first.colour_shift,
                      decoded.last.psnr, decoded.last.colour_shift);
      g_assert_cmpmem (&from_frames, sizeof from_frames, &decoded, sizeof decoded);
      g_assert_cmpuint (from_frames.n_frames, ==, N_FRAMES);
      g_assert_true (from_frames.drift == (t == 1));
      /* the thumbnail too */
      assert_same_image (kept[1], middle);

      for (guint i = 0; i < 3; i++)
        inb_image_unref (kept[i]);
    }

  inb_test_rm_rf (root);
}

/* 640 × 480: tall enough that GStreamer 1.22's videoconvert gives each
 * of two threads a stripe of its own (it keeps 200 lines a thread) */
#define MACHINE_W 640
#define MACHINE_H 480
#define MACHINE_ENV "INB_TEST_FIDELITY_MACHINE"
#define CPUS_ENV "INB_TEST_FIDELITY_CPUS"

/* GLib 2.74 counts the machine's CPUs whatever the process may use
 * (taskset does not change it), and every thread count we and GStreamer
 * set comes from it: this definition, the executable's, is the one every
 * library calls, so a subprocess can be a machine with $INB_TEST_FIDELITY_CPUS. */
guint
g_get_num_processors (void)
{
  const char *cpus = getenv (CPUS_ENV);
  long online = sysconf (_SC_NPROCESSORS_ONLN);

  if (cpus != NULL && atoi (cpus) > 0)
    return (guint) atoi (cpus);
  return online > 0 ? (guint) online : 1;
}

/* In a subprocess: a take's clip written to the folder
 * $INB_TEST_FIDELITY_MACHINE and verified as the local backend does, its
 * figures measured both ways (from the verifier's frames, and by decoding
 * again as the exporter does), all written there for the parent to
 * compare. */
static void
machine_run (const char *dir)
{
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *first = g_build_filename (dir, "first.png", NULL);
  g_autofree char *last = g_build_filename (dir, "last.png", NULL);
  g_autofree char *figures = g_build_filename (dir, "figures", NULL);
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) key_first = inb_test_textured_image (MACHINE_W, MACHINE_H, 0, 0);
  g_autoptr(InbImage) key_last = inb_test_textured_image (MACHINE_W, MACHINE_H, N_FRAMES - 1, (N_FRAMES - 1) * 0.5);
  g_autoptr(InbImage) middle = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint keep[3] = { 0, N_FRAMES / 2, N_FRAMES - 1 };
  InbImage *kept[3] = { NULL, };
  InbFidelity fidelity[2];

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  writer = inb_video_writer_new (clip, MACHINE_W, MACHINE_H, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_FRAMES; i++)
    {
      g_autoptr(InbImage) frame = inb_test_textured_image (MACHINE_W, MACHINE_H, i, i * 0.5);

      g_assert_true (inb_video_writer_push (writer, frame, &error));
      g_assert_no_error (error);
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_true (inb_image_save_png (key_first, first, &error));
  g_assert_true (inb_image_save_png (key_last, last, &error));

  g_assert_true (inb_video_verify_keeping (clip, MACHINE_W, MACHINE_H, N_FRAMES, keep, 3, kept, NULL, &error));
  g_assert_no_error (error);
  inb_fidelity_measure_frames (kept[0], kept[2], N_FRAMES, key_first, key_last, &fidelity[0]);
  g_assert_true (inb_fidelity_measure_clip (clip, N_FRAMES, first, last, &fidelity[1], &middle, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("on %d CPUs: first %.4f dB, last %.4f dB; decoded again: %.4f dB, %.4f dB",
                  g_get_num_processors (), fidelity[0].first.psnr, fidelity[0].last.psnr,
                  fidelity[1].first.psnr, fidelity[1].last.psnr);

  g_byte_array_append (out, (const guint8 *) fidelity, sizeof fidelity);
  for (guint i = 0; i < 3; i++)
    {
      for (guint y = 0; y < MACHINE_H; y++)
        g_byte_array_append (out, inb_image_get_data (kept[i]) + y * inb_image_get_stride (kept[i]), MACHINE_W * 3);
      inb_image_unref (kept[i]);
    }
  for (guint y = 0; y < MACHINE_H; y++)
    g_byte_array_append (out, inb_image_get_data (middle) + y * inb_image_get_stride (middle), MACHINE_W * 3);
  g_assert_true (g_file_set_contents (figures, (const char *) out->data, out->len, &error));
  g_assert_no_error (error);
}

/* The encoded pictures: the clip from its media data box on (what comes
 * before it, the index, holds the time it was written). */
static GBytes *
media_data (const char *clip)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  const char *mdat;

  g_assert_true (g_file_get_contents (clip, &data, &length, &error));
  g_assert_no_error (error);
  mdat = memmem (data, length, "mdat", 4);
  g_assert_nonnull (mdat);

  return g_bytes_new (mdat, length - (gsize) (mdat - data));
}

/* A take's figures (and its clip) do not depend on the machine's core
 * count: GStreamer 1.22's videoconvert gives other pixels from YUV with
 * two threads than with one (up to 14 levels in the second stripe at
 * 720p), and x264's pictures differ with its thread count. The same take,
 * made and measured in a subprocess that is a machine of 1 CPU (to GLib,
 * and to x264 by its affinity) and in one of 4 (to GLib; x264 sees what
 * this machine has). */
static void
test_machine_independent (void)
{
  g_autofree char *root = NULL;
  InbFidelity fidelity[2][2];
  GBytes *figures[2] = { NULL, };
  GBytes *clips[2] = { NULL, };
  const char *names[2] = { "1", "4" };

  if (g_test_subprocess ())
    {
      cpu_set_t cpus;

      CPU_ZERO (&cpus);
      g_assert_cmpint (sched_getaffinity (0, sizeof cpus, &cpus), ==, 0);
      /* one CPU for x264 too (it counts the process's) */
      if (g_strcmp0 (g_getenv (CPUS_ENV), "1") == 0)
        {
          int cpu = 0;

          while (!CPU_ISSET (cpu, &cpus))
            cpu++;
          CPU_ZERO (&cpus);
          CPU_SET (cpu, &cpus);
          g_assert_cmpint (sched_setaffinity (0, sizeof cpus, &cpus), ==, 0);
        }
      machine_run (g_getenv (MACHINE_ENV));
      return;
    }

  root = inb_test_make_tmpdir ();
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_build_filename (root, names[i], NULL);
      g_autofree char *path = g_build_filename (dir, "figures", NULL);
      g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
      g_autoptr(GError) error = NULL;
      char *data = NULL;
      gsize length = 0;

      g_setenv (MACHINE_ENV, dir, TRUE);
      g_setenv (CPUS_ENV, names[i], TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      g_assert_true (g_file_get_contents (path, &data, &length, &error));
      g_assert_no_error (error);
      figures[i] = g_bytes_new_take (data, length);
      g_assert_cmpuint (length, >=, sizeof fidelity[i]);
      memcpy (fidelity[i], data, sizeof fidelity[i]);
      clips[i] = media_data (clip);
      g_test_message ("%s CPUs: first %.4f dB ΔE %.4f, last %.4f dB ΔE %.4f; clip's media data %" G_GSIZE_FORMAT " bytes",
                      names[i], fidelity[i][0].first.psnr, fidelity[i][0].first.mean_delta_e,
                      fidelity[i][0].last.psnr, fidelity[i][0].last.mean_delta_e, g_bytes_get_size (clips[i]));
    }
  g_unsetenv (MACHINE_ENV);
  g_unsetenv (CPUS_ENV);

  /* the clip's pictures, bit for bit */
  g_assert_cmpmem (g_bytes_get_data (clips[0], NULL), g_bytes_get_size (clips[0]),
                   g_bytes_get_data (clips[1], NULL), g_bytes_get_size (clips[1]));
  /* the figures, both ways, and the frames they come from */
  g_assert_cmpmem (fidelity[0], sizeof fidelity[0], fidelity[1], sizeof fidelity[1]);
  g_assert_cmpmem (g_bytes_get_data (figures[0], NULL), g_bytes_get_size (figures[0]),
                   g_bytes_get_data (figures[1], NULL), g_bytes_get_size (figures[1]));

  for (guint i = 0; i < 2; i++)
    {
      g_bytes_unref (figures[i]);
      g_bytes_unref (clips[i]);
    }
  inb_test_rm_rf (root);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  InbFidelity *fidelity = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (inb_fidelity_measure_take_finish (result, fidelity, &error));
  g_assert_no_error (error);
}

static void
test_measure_take_async (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = make_take (root, "20260101-000000-000001", 0.0, 1.0);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = inb_take_load (dir, &error);
  InbFidelity fidelity = { 0 };

  g_assert_no_error (error);
  inb_fidelity_measure_take_async (take, NULL, measured_cb, &fidelity);
  while (fidelity.n_frames == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (fidelity.drift);
  inb_test_rm_rf (root);
}

static void
test_json (void)
{
  InbFidelity in = { { 41.234, 0.5678, 0.1234 }, { 33.5, 4.25, 3.75 }, 81, TRUE };
  InbFidelity out;
  g_autoptr(JsonObject) object = inb_fidelity_to_json (&in);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(JsonObject) newer = NULL;
  g_autoptr(JsonObject) broken = NULL;
  g_autoptr(GError) error = NULL;

  /* through text, as take.json stores it */
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  parsed = inb_test_parse_object (text);
  g_assert_true (inb_fidelity_from_json (parsed, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (out.first.psnr, 41.23, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.first.mean_delta_e, 0.568, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.last.colour_shift, 3.75, 1e-9);
  g_assert_cmpuint (out.n_frames, ==, 81);
  g_assert_true (out.drift);
  g_assert_cmpfloat (json_object_get_double_member (object, "drift_threshold"), ==, INB_FIDELITY_DRIFT_THRESHOLD);

  newer = inb_test_parse_object ("{\"version\": 2, \"first\": {\"psnr\": 1, \"mean_delta_e\": 1, \"colour_shift\": 1},"
                                 " \"last\": {\"psnr\": 1, \"mean_delta_e\": 1, \"colour_shift\": 1}}");
  g_assert_false (inb_fidelity_from_json (newer, &out, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  broken = inb_test_parse_object ("{\"version\": 1, \"first\": {\"psnr\": \"high\"}, \"last\": []}");
  g_assert_false (inb_fidelity_from_json (broken, &out, &error));
  g_assert_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID);
}

/* ------------------------------------------------------------ colour-match */

static void
test_colour_match_curves (void)
{
  g_autoptr(InbImage) key_first = frame_at (0);
  g_autoptr(InbImage) key_last = frame_at (9);
  g_autoptr(InbImage) clip_first = tinted (key_first, 0.4);
  g_autoptr(InbImage) clip_last = tinted (key_last, 1.0);
  g_autoptr(InbColourMatch) match = inb_colour_match_new (clip_first, key_first, clip_last, key_last);
  g_autoptr(InbImage) fixed_first = inb_colour_match_apply (match, 0.0, clip_first);
  g_autoptr(InbImage) fixed_last = inb_colour_match_apply (match, 1.0, clip_last);
  g_autoptr(InbImage) mid = frame_at (5);
  g_autoptr(InbImage) clip_mid = tinted (mid, 0.7);
  g_autoptr(InbImage) fixed_mid = inb_colour_match_apply (match, 0.5, clip_mid);
  InbFidelityEnd before, after;

  inb_fidelity_compare (clip_first, key_first, &before);
  inb_fidelity_compare (fixed_first, key_first, &after);
  g_assert_cmpfloat (after.colour_shift, <, 0.3 * before.colour_shift);
  g_assert_cmpfloat (after.mean_delta_e, <, before.mean_delta_e);

  inb_fidelity_compare (clip_last, key_last, &before);
  inb_fidelity_compare (fixed_last, key_last, &after);
  g_assert_cmpfloat (after.colour_shift, <, 0.3 * before.colour_shift);
  g_assert_cmpfloat (after.mean_delta_e, <, before.mean_delta_e);
  g_assert_cmpfloat (after.psnr, >, before.psnr);

  /* between the ends: the blended curves help a frame whose cast is between */
  inb_fidelity_compare (clip_mid, mid, &before);
  inb_fidelity_compare (fixed_mid, mid, &after);
  g_assert_cmpfloat (after.colour_shift, <, 0.5 * before.colour_shift);
}

/* Export with --colour-match: the end frames' ΔE moves toward the keyframes. */
static void
test_colour_match_export (void)
{
  g_autofree char *root = inb_test_make_tmpdir ();
  g_autofree char *dir = make_take (root, "20260101-000000-000002", 0.5, 1.0);
  g_autofree char *plain = g_build_filename (dir, "plain.mp4", NULL);
  g_autofree char *matched = g_build_filename (dir, "matched.mp4", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbTake) take = inb_take_load (dir, &error);
  g_autoptr(InbExporter) exporter = NULL;
  g_autoptr(InbExporter) plain_exporter = NULL;
  InbExportOptions options;
  InbFidelity source, before, after;

  g_assert_no_error (error);
  inb_export_options_init (&options);
  plain_exporter = inb_exporter_new (take, &options);
  g_assert_true (inb_exporter_export (plain_exporter, plain, NULL, &error));
  options.colour_match = TRUE;
  exporter = inb_exporter_new (take, &options);
  g_assert_true (inb_exporter_export (exporter, matched, NULL, &error));
  g_assert_no_error (error);

  measure_dir (dir, "clip.mp4", &source);
  measure_dir (dir, "plain.mp4", &before);
  measure_dir (dir, "matched.mp4", &after);
  g_test_message ("first: shift %.3f → %.3f, ΔE %.3f → %.3f, %.2f → %.2f dB",
                  before.first.colour_shift, after.first.colour_shift,
                  before.first.mean_delta_e, after.first.mean_delta_e, before.first.psnr, after.first.psnr);
  g_test_message ("last: shift %.3f → %.3f, ΔE %.3f → %.3f, %.2f → %.2f dB",
                  before.last.colour_shift, after.last.colour_shift,
                  before.last.mean_delta_e, after.last.mean_delta_e, before.last.psnr, after.last.psnr);

  /* re-encoding alone changes nothing that matters */
  g_assert_cmpfloat (fabs (before.last.colour_shift - source.last.colour_shift), <, 1.0);
  g_assert_true (before.drift);
  /* colour-match moves both ends toward their keyframes */
  g_assert_cmpfloat (after.first.colour_shift, <, 0.3 * before.first.colour_shift);
  g_assert_cmpfloat (after.last.colour_shift, <, 0.3 * before.last.colour_shift);
  g_assert_cmpfloat (after.first.mean_delta_e, <, before.first.mean_delta_e);
  g_assert_cmpfloat (after.last.mean_delta_e, <, before.last.mean_delta_e);
  g_assert_false (after.drift);

  inb_test_rm_rf (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fidelity/ciede2000", test_ciede2000);
  g_test_add_func ("/fidelity/lab", test_lab);
  g_test_add_func ("/fidelity/compare", test_compare);
  g_test_add_func ("/fidelity/measure", test_measure);
  g_test_add_func ("/fidelity/measure-take-async", test_measure_take_async);
  g_test_add_func ("/fidelity/measure-frames", test_measure_frames);
  g_test_add_func ("/fidelity/machine-independent", test_machine_independent);
  g_test_add_func ("/fidelity/json", test_json);
  g_test_add_func ("/fidelity/colour-match/curves", test_colour_match_curves);
  g_test_add_func ("/fidelity/colour-match/export", test_colour_match_export);

  return g_test_run ();
}
