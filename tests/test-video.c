/* test-video.c — the GStreamer writer and reader: round trip, streaming, bad files
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-video"

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "inb-schema.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("inb-test-video-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static char *
fixture_path (Fixture    *f,
              const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* Smooth, moving colours (4:2:0 chroma subsampling keeps smooth content
 * intact, so the PSNR measures the codec, not the format). @stride_pad
 * adds bytes after each row to exercise the stride path. */
static InbImage *
make_smooth_frame (guint width,
                   guint height,
                   guint t,
                   gsize stride_pad)
{
  gsize stride = (gsize) width * 3 + stride_pad;
  guint8 *data = g_malloc0 (stride * height);
  double cx = width * (0.3 + 0.02 * t);
  double cy = height * 0.5;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = data + y * stride + x * 3;
        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (width * width * 0.02);
        double blob = 90.0 * exp (-d2);

        p[0] = (guint8) CLAMP (110 + 70 * sin ((x + 3.0 * t) / 37.0) + blob, 0, 255);
        p[1] = (guint8) CLAMP (120 + 60 * cos ((y - 2.0 * t) / 29.0) + 0.5 * blob, 0, 255);
        p[2] = (guint8) CLAMP (128 + 80 * sin ((x + y + 5.0 * t) / 53.0), 0, 255);
      }

  return inb_image_new_for_bytes (g_bytes_new_take (data, stride * height), width, height, stride);
}

/* Cheap to make at 1280×720 and not trivial to encode: gradients plus a
 * moving fine texture (a little harder than a photo). */
static InbImage *
make_busy_frame (guint width,
                 guint height,
                 guint t)
{
  g_autoptr(InbImage) image = inb_image_new (width, height);
  guint8 *data = inb_image_get_data_mut (image);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = data + ((gsize) y * width + x) * 3;
        guint32 h = ((x + 4 * t) / 4) * 2654435761u ^ (y / 4) * 2246822519u;

        h ^= h >> 15;
        p[0] = (guint8) ((x + 2 * t) * 255 / width / 2 + (h & 15));
        p[1] = (guint8) (y * 255 / height / 2 + ((h >> 8) & 15) + 40);
        p[2] = (guint8) ((((x + y) / 8 + t) & 127) + ((h >> 16) & 15));
      }

  return g_steal_pointer (&image);
}

static double
psnr (const InbImage *a,
      const InbImage *b)
{
  guint width = inb_image_get_width (a);
  guint height = inb_image_get_height (a);
  double sse = 0;
  double mse;

  g_assert_cmpuint (width, ==, inb_image_get_width (b));
  g_assert_cmpuint (height, ==, inb_image_get_height (b));

  for (guint y = 0; y < height; y++)
    {
      const guint8 *pa = inb_image_get_data (a) + y * inb_image_get_stride (a);
      const guint8 *pb = inb_image_get_data (b) + y * inb_image_get_stride (b);

      for (guint i = 0; i < width * 3; i++)
        {
          double d = (double) pa[i] - pb[i];
          sse += d * d;
        }
    }
  mse = sse / ((double) width * height * 3);

  return mse <= 0 ? 99.0 : 10.0 * log10 (255.0 * 255.0 / mse);
}

static void
assert_no_file (const char *path)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *mdat = g_strconcat (path, ".mdat.part", NULL);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mdat, G_FILE_TEST_EXISTS));
}

/* Only the finished clip is left in the folder. */
static void
assert_only_file (const char *path)
{
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, basename) && !g_str_equal (name, basename));
}

static void
write_smooth_clip (const char *path,
                   guint       width,
                   guint       height,
                   guint       n_frames,
                   guint       fps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  writer = inb_video_writer_new (path, width, height, fps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (writer);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  for (guint i = 0; i < n_frames; i++)
    {
      /* every other frame has padded rows */
      g_autoptr(InbImage) frame = make_smooth_frame (width, height, i, (i % 2) ? 8 : 0);

      g_assert_true (inb_video_writer_push (writer, frame, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (inb_video_writer_get_n_frames (writer), ==, n_frames);

  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  assert_only_file (path);
}

static void
assert_frame_matches (const char *path,
                      guint       index,
                      guint       width,
                      guint       height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) decoded = NULL;
  g_autoptr(InbImage) expected = make_smooth_frame (width, height, index, 0);
  double db;

  decoded = inb_video_read_frame (path, index, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_cmpuint (inb_image_get_width (decoded), ==, width);
  g_assert_cmpuint (inb_image_get_height (decoded), ==, height);
  g_assert_cmpuint (inb_image_get_stride (decoded), ==, (gsize) width * 3);

  db = psnr (decoded, expected);
  g_test_message ("frame %u of %s: %.2f dB", index, path, db);
  g_assert_cmpfloat (db, >=, 40.0);

  /* And it is really that frame, not a neighbour. */
  if (index > 0)
    {
      g_autoptr(InbImage) other = make_smooth_frame (width, height, index - 1, 0);
      g_assert_cmpfloat (psnr (decoded, other), <, db);
    }
}

static void
test_roundtrip (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "clip.mp4");
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  write_smooth_clip (path, 320, 240, 33, 16);

  g_assert_true (inb_video_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.width, ==, 320);
  g_assert_cmpuint (info.height, ==, 240);
  g_assert_cmpuint (info.n_frames, ==, 33);
  g_assert_cmpfloat_with_epsilon (info.fps, 16.0, 0.01);
  g_assert_cmpfloat_with_epsilon (info.duration, 33.0 / 16.0, 0.07);
  g_test_message ("codec “%s”, container “%s”", info.video_codec, info.container);
  g_assert_nonnull (info.video_codec);
  g_assert_nonnull (strstr (info.video_codec, "H.264"));
  g_assert_nonnull (info.container);

  assert_frame_matches (path, 0, 320, 240);
  assert_frame_matches (path, 16, 320, 240);
  assert_frame_matches (path, 32, 320, 240);
}

/* The length the app shows for a take, inb_clip_length(), is the one
 * other players read from the clip we encode: GStreamer's discoverer
 * (gst-discoverer-1.0) says 49 frames at 16 fps last 3.0625 s, not 3.0. */
static void
test_length_as_discovered (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "clip.mp4");
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) discovered = NULL;
  g_auto(InbVideoInfo) info = { 0 };
  GstClockTime duration;
  double length = inb_clip_length (49, 16);

  write_smooth_clip (path, 64, 48, 49, 16);

  discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  g_assert_no_error (error);
  discovered = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_discoverer_info_get_result (discovered), ==, GST_DISCOVERER_OK);
  duration = gst_discoverer_info_get_duration (discovered);
  g_test_message ("discoverer: %" GST_TIME_FORMAT ", inb_clip_length(): %.4f s",
                  GST_TIME_ARGS (duration), length);
  g_assert_cmpfloat_with_epsilon ((double) duration / GST_SECOND, length, 0.001);

  /* and our own probe, which the library's entries are filled from */
  g_assert_true (inb_video_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 49);
  g_assert_cmpfloat_with_epsilon (inb_clip_length (info.n_frames, info.fps), length, 0.001);
  g_assert_cmpfloat_with_epsilon (info.duration, length, 0.001);
}

/* 322×240: GStreamer pads RGB rows to 968 bytes, the image has 966. */
static void
test_roundtrip_unaligned (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "unaligned.mp4");
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  write_smooth_clip (path, 322, 240, 9, 8);
  g_assert_true (inb_video_verify (path, 322, 240, 9, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (info.fps, 8.0, 0.01);
  assert_frame_matches (path, 0, 322, 240);
  assert_frame_matches (path, 8, 322, 240);
}

/* verify that hands back frames: each one the frame asked for (not a
 * neighbour), and every check of plain verify still made. */
static void
test_verify_keeping (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "clip.mp4");
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  const guint keep[3] = { 0, 16, 32 };
  const guint beyond[2] = { 0, 33 };
  InbImage *frames[3] = { NULL, };

  write_smooth_clip (path, 320, 240, 33, 16);

  g_assert_true (inb_video_verify_keeping (path, 320, 240, 33, keep, 3, frames, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 33);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(InbImage) expected = make_smooth_frame (320, 240, keep[i], 0);
      g_autoptr(InbImage) neighbour = make_smooth_frame (320, 240, keep[i] > 0 ? keep[i] - 1 : 1, 0);
      double db;

      g_assert_nonnull (frames[i]);
      g_assert_cmpuint (inb_image_get_width (frames[i]), ==, 320);
      g_assert_cmpuint (inb_image_get_height (frames[i]), ==, 240);
      db = psnr (frames[i], expected);
      g_test_message ("kept frame %u: %.2f dB", keep[i], db);
      g_assert_cmpfloat (db, >=, 40.0);
      g_assert_cmpfloat (psnr (frames[i], neighbour), <, db);
      g_clear_pointer (&frames[i], inb_image_unref);
    }

  /* A frame the clip does not have */
  g_assert_false (inb_video_verify_keeping (path, 0, 0, 0, beyond, 2, frames, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "has no frame 33"));
  g_clear_error (&error);
  g_assert_null (frames[0]);

  /* The size and count checks come first, as in plain verify */
  g_assert_false (inb_video_verify_keeping (path, 320, 240, 81, keep, 3, frames, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "has 33 frames, expected 81"));
  g_clear_error (&error);
  g_assert_null (frames[0]);
}

/* verify_keeping leaves undecoded the frames it does not keep and no
 * other frame refers to (x264's non-reference B-frames), and still counts
 * them; what it keeps is the same to the bit as when every frame is
 * decoded (all kept: none skipped). */
static void
test_verify_keeping_skips (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "clip.mp4");
  g_autoptr(GError) error = NULL;
  const guint sets[][3] = { { 0, 16, 32 }, { 1, 2, 3 }, { 5, 17, 30 }, { 30, 31, 32 } };
  guint all[33];
  InbImage *every[33] = { NULL, };

  write_smooth_clip (path, 320, 240, 33, 16);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    all[i] = i;
  {
    g_auto(InbVideoInfo) info = { 0 };

    g_assert_true (inb_video_verify_keeping (path, 320, 240, 33, all, 33, every, &info, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (info.n_frames, ==, 33);
    g_assert_cmpuint (info.n_skipped, ==, 0);
  }

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_auto(InbVideoInfo) info = { 0 };
      InbImage *frames[3] = { NULL, };

      g_assert_true (inb_video_verify_keeping (path, 320, 240, 33, sets[s], 3, frames, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (info.n_frames, ==, 33);
      g_test_message ("keeping %u, %u, %u: %u of 33 frames not decoded",
                      sets[s][0], sets[s][1], sets[s][2], info.n_skipped);
      g_assert_cmpuint (info.n_skipped, >, 0);
      g_assert_cmpuint (info.n_skipped, <, 33 - 3);
      for (guint i = 0; i < 3; i++)
        {
          InbImage *expected = every[sets[s][i]];

          g_assert_nonnull (frames[i]);
          g_assert_cmpuint (inb_image_get_stride (frames[i]), ==, inb_image_get_stride (expected));
          g_assert_cmpmem (inb_image_get_data (frames[i]), 240 * inb_image_get_stride (frames[i]),
                           inb_image_get_data (expected), 240 * inb_image_get_stride (expected));
          g_clear_pointer (&frames[i], inb_image_unref);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (every); i++)
    g_clear_pointer (&every[i], inb_image_unref);
}

static void
test_verify_mismatch (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "clip.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) frame = NULL;

  write_smooth_clip (path, 64, 48, 5, 10);

  g_assert_true (inb_video_verify (path, 64, 48, 5, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (inb_video_verify (path, 0, 0, 0, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (inb_video_verify (path, 64, 48, 81, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "has 5 frames, expected 81"));
  g_clear_error (&error);

  g_assert_false (inb_video_verify (path, 1280, 720, 0, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "is 64×48, expected 1280×720"));
  g_clear_error (&error);

  frame = inb_video_read_frame (path, 5, &error);
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH);
  g_assert_null (frame);
}

static gsize
rss_bytes (void)
{
  g_autofree char *text = NULL;
  unsigned long pages_total = 0;
  unsigned long pages_rss = 0;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL));
  g_assert_cmpint (sscanf (text, "%lu %lu", &pages_total, &pages_rss), ==, 2);

  return (gsize) pages_rss * (gsize) sysconf (_SC_PAGESIZE);
}

/* 200 frames of 1280×720 RGB are 553 MB: a writer that buffered the clip
 * would blow far past the bound; a streaming one holds a few frames plus
 * x264's look-ahead. */
static void
test_streaming_memory (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "long.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  const guint n_frames = 200;
  const gsize clip_bytes = (gsize) 1280 * 720 * 3 * n_frames;
  gsize baseline;
  gsize peak = 0;
  gint64 start;

  baseline = rss_bytes ();
  start = g_get_monotonic_time ();
  writer = inb_video_writer_new (path, 1280, 720, 16, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_frames; i++)
    {
      g_autoptr(InbImage) frame = make_busy_frame (1280, 720, i);

      g_assert_true (inb_video_writer_push (writer, frame, &error));
      g_assert_no_error (error);
      peak = MAX (peak, rss_bytes ());
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_no_error (error);

  g_test_message ("200 frames 1280×720: %.2f s, RSS growth %.1f MB (clip raw %.1f MB)",
                  (g_get_monotonic_time () - start) / 1e6,
                  (peak - MIN (peak, baseline)) / 1e6, clip_bytes / 1e6);
  g_assert_cmpuint (peak - MIN (peak, baseline), <, 320u * 1000 * 1000);

  g_assert_true (inb_video_verify (path, 1280, 720, n_frames, NULL, &error));
  g_assert_no_error (error);
}

/* The engine's budget: 81 frames of 1280×720. Reported, not asserted. */
static void
test_timing_81 (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "take.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_image_unref);
  gint64 start;
  double seconds;

  for (guint i = 0; i < 81; i++)
    g_ptr_array_add (frames, make_busy_frame (1280, 720, i));

  start = g_get_monotonic_time ();
  writer = inb_video_writer_new (path, 1280, 720, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    {
      g_assert_true (inb_video_writer_push (writer, g_ptr_array_index (frames, i), &error));
      g_assert_no_error (error);
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("encoding 81 frames 1280×720 (preset %s): %.2f s",
                  g_getenv ("INBETWEEN_X264_PRESET") ? g_getenv ("INBETWEEN_X264_PRESET") : "default",
                  seconds);
  g_assert_true (inb_video_verify (path, 1280, 720, 81, NULL, &error));
  g_assert_no_error (error);
}

static void
test_abort (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "aborted.mp4");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) frame = make_smooth_frame (64, 48, 0, 0);

  writer = inb_video_writer_new (path, 64, 48, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    g_assert_true (inb_video_writer_push (writer, frame, NULL));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  inb_video_writer_abort (writer);
  assert_no_file (path);

  /* Closed now: push and finish fail cleanly, abort again is harmless. */
  g_assert_false (inb_video_writer_push (writer, frame, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (inb_video_writer_finish (writer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  inb_video_writer_abort (writer);
  assert_no_file (path);
}

static void
test_dispose_without_finish (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "dropped.mp4");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) frame = make_smooth_frame (64, 48, 0, 0);
  InbVideoWriter *writer;

  writer = inb_video_writer_new (path, 64, 48, 16, &error);
  g_assert_no_error (error);
  g_assert_true (inb_video_writer_push (writer, frame, NULL));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  g_assert_finalize_object (writer);
  assert_no_file (path);
}

static void
test_bad_writer_args (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "odd.mp4");
  g_autofree char *nowhere = g_build_filename (f->dir, "no-such-dir", "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) wrong = make_smooth_frame (32, 32, 0, 0);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  g_assert_null (inb_video_writer_new (path, 321, 240, 16, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "321×240"));
  g_clear_error (&error);
  g_assert_null (inb_video_writer_new (path, 320, 241, 16, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (inb_video_writer_new (path, 320, 240, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  assert_no_file (path);

  /* An unwritable place fails at once, with the path in the message. */
  g_assert_null (inb_video_writer_new (nowhere, 320, 240, 16, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A frame of the wrong size is refused, the writer stays usable. */
  writer = inb_video_writer_new (path, 64, 48, 16, &error);
  g_assert_no_error (error);
  g_assert_false (inb_video_writer_push (writer, wrong, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (inb_video_writer_get_n_frames (writer), ==, 0);

  /* Finishing an empty clip is an error and leaves nothing behind. */
  g_assert_false (inb_video_writer_finish (writer, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED);
  g_clear_error (&error);
  assert_no_file (path);
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static void
assert_probe_fails (const char *path,
                    GQuark      domain,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(InbImage) frame = NULL;
  g_auto(InbVideoInfo) info = { 0 };

  g_assert_false (inb_video_probe (path, &info, &error));
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (inb_video_verify (path, 320, 240, 33, NULL, &error));
  g_assert_error (error, domain, code);
  g_clear_error (&error);

  /* keeping frames changes none of that (the local backend's verify) */
  {
    const guint keep[3] = { 0, 16, 32 };
    InbImage *frames[3] = { NULL, };

    g_assert_false (inb_video_verify_keeping (path, 320, 240, 33, keep, 3, frames, NULL, &error));
    g_assert_error (error, domain, code);
    g_clear_error (&error);
    g_assert_null (frames[0]);
  }

  /* read_frame finds the same trouble (frame 0 of a truncated clip is
   * still there, so only ask for it when the file is not a video at all) */
  if (code != INB_VIDEO_ERROR_TRUNCATED)
    {
      frame = inb_video_read_frame (path, 0, &error);
      g_assert_null (frame);
      g_assert_error (error, domain, code);
    }
}

static void
test_reader_rejects (Fixture       *f,
                     gconstpointer  data)
{
  static const char html[] =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
  static const char text[] =
    "This is not a video.\nIt is a plain text file that somebody renamed to clip.mp4.\n";
  g_autofree char *empty = fixture_path (f, "empty.mp4");
  g_autofree char *page = fixture_path (f, "page.mp4");
  g_autofree char *garbage = fixture_path (f, "garbage.mp4");
  g_autofree char *textfile = fixture_path (f, "text.mp4");
  g_autofree char *missing = fixture_path (f, "missing.mp4");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize garbage_len = 256 * 1024;
  g_autofree guint8 *bytes = g_malloc (garbage_len);

  write_bytes (empty, "", 0);
  assert_probe_fails (empty, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO);

  write_bytes (page, html, strlen (html));
  assert_probe_fails (page, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO);

  for (gsize i = 0; i < garbage_len; i++)
    bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
  write_bytes (garbage, bytes, garbage_len);
  assert_probe_fails (garbage, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO);

  write_bytes (textfile, text, strlen (text));
  assert_probe_fails (textfile, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO);

  assert_probe_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* a directory */
  assert_probe_fails (f->dir, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO);
}

/* Sets the size field of the top-level "mdat" box to 0 ("to the end of
 * the file"). */
static void
mark_mdat_open_ended (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  gsize offset = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  while (offset + 8 <= len)
    {
      guint32 size;

      /* memcpy: a box can start at any byte (GST_READ_UINT32_BE is a
       * misaligned load there, which UBSan reports) */
      memcpy (&size, data + offset, 4);
      size = GUINT32_FROM_BE (size);

      if (memcmp (data + offset + 4, "mdat", 4) == 0)
        {
          memset (data + offset, 0, 4);
          write_bytes (path, data, len);
          return;
        }
      g_assert_cmpuint (size, >=, 8);
      offset += size;
    }
  g_assert_not_reached ();
}

static void
test_reader_truncated (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "cut.mp4");
  g_autoptr(GError) error = NULL;
  goffset size;
  GStatBuf st;

  write_smooth_clip (path, 320, 240, 33, 16);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  size = st.st_size;
  g_assert_cmpint (truncate (path, size / 2), ==, 0);

  assert_probe_fails (path, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED);

  /* Same cut, but the data box claims to run to the end of the file, so
   * the file looks whole: decoding finds fewer frames than the index. */
  mark_mdat_open_ended (path);
  g_assert_false (inb_video_probe (path, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "could be decoded"));
  g_clear_error (&error);

  /* Cut inside the header: whatever the demuxer says, never "fine". */
  g_assert_cmpint (truncate (path, 200), ==, 0);
  g_assert_false (inb_video_probe (path, NULL, &error));
  g_test_message ("cut at 200 bytes: %s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);
  g_assert_true (g_error_matches (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED) ||
                 g_error_matches (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO));
}

/* A sparse file over the cap is refused without being read. */
static void
test_reader_too_large (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "huge.mp4");
  g_autoptr(GError) error = NULL;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  if (ftruncate (fd, INB_VIDEO_PROBE_MAX_BYTES + 1) != 0)
    {
      close (fd);
      g_test_skip ("cannot make a sparse file here");
      return;
    }
  close (fd);

  g_assert_false (inb_video_probe (path, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
}

static void
test_reader_timeout (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "slow.mp4");
  g_autoptr(GError) error = NULL;
  gint64 start;

  write_smooth_clip (path, 320, 240, 33, 16);

  start = g_get_monotonic_time ();
  g_assert_false (inb_video_probe_full (path, 1, NULL, &error));
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT);
  /* generous: giving up must not itself hang */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* and the same file is fine with the default bound */
  g_assert_true (inb_video_probe_full (path, 0, NULL, &error));
  g_assert_no_error (error);
}

/* Without x264enc the writer says which element and which package. */
static void
test_missing_encoder (Fixture       *f,
                      gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = fixture_path (f, "none.mp4");
      g_autoptr(GError) error = NULL;
      GstRegistry *registry = gst_registry_get ();
      GstPluginFeature *feature = gst_registry_lookup_feature (registry, "x264enc");

      if (feature != NULL)
        {
          gst_registry_remove_feature (registry, feature);
          gst_object_unref (feature);
        }
      g_assert_null (inb_video_writer_new (path, 64, 48, 16, &error));
      g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "x264enc"));
      g_assert_nonnull (strstr (error->message, "gstreamer1.0-plugins-ugly"));
      assert_no_file (path);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The disk fills up (here: a file size limit) while frames stream in:
 * push or finish reports it, nothing hangs, no partial file remains. */
static void
test_write_failure (Fixture       *f,
                    gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = fixture_path (f, "full.mp4");
      g_autoptr(GError) error = NULL;
      g_autoptr(InbVideoWriter) writer = NULL;
      struct rlimit limit = { 64 * 1024, 64 * 1024 };
      gboolean ok = TRUE;
      guint i;

      signal (SIGXFSZ, SIG_IGN);
      writer = inb_video_writer_new (path, 320, 240, 16, &error);
      g_assert_no_error (error);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

      for (i = 0; ok && i < 400; i++)
        {
          g_autoptr(InbImage) frame = make_busy_frame (320, 240, i);
          ok = inb_video_writer_push (writer, frame, &error);
        }
      if (ok)
        ok = inb_video_writer_finish (writer, &error);
      else
        inb_video_writer_abort (writer);

      g_assert_false (ok);
      g_assert_nonnull (error);
      g_printerr ("after %u frames: %s\n", i, error->message);
      assert_no_file (path);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The clip is whole in its .part file but cannot take its name (here a
 * folder is in the way; in the fault trials, a full disk or an I/O error
 * on the fsync or the rename): finish says why, as a file error — the
 * command line's exit status 1, not 3 ("the backend failed") as it was —
 * and leaves no partial file. */
static void
test_rename_failure (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "taken.mp4");
  g_autofree char *inside = g_build_filename (path, "something", NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;

  writer = inb_video_writer_new (path, 64, 48, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(InbImage) frame = make_smooth_frame (64, 48, i, 0);

      g_assert_true (inb_video_writer_push (writer, frame, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", 1, NULL));
  g_assert_false (inb_video_writer_finish (writer, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == G_FILE_ERROR);
  g_assert_nonnull (strstr (error->message, "Could not rename"));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  g_unlink (inside);
  g_rmdir (path);
}

/* Once a clip is finished or aborted nothing holds the pipeline: it used
 * to stay alive for good, each message the writer's bus handler dropped
 * still holding its element (found by LeakSanitizer, issue 13). */
static void
test_pipeline_freed (Fixture       *f,
                     gconstpointer  data)
{
  for (guint finish = 0; finish < 2; finish++)
    {
      g_autofree char *path = fixture_path (f, finish ? "freed.mp4" : "aborted.mp4");
      g_autoptr(GError) error = NULL;
      InbVideoWriter *writer;
      GstElement *pipeline;

      writer = inb_video_writer_new (path, 64, 48, 8, &error);
      g_assert_no_error (error);
      pipeline = _inb_video_writer_get_pipeline (writer);
      g_assert_nonnull (pipeline);
      g_object_add_weak_pointer (G_OBJECT (pipeline), (gpointer *) &pipeline);

      for (guint i = 0; i < 4; i++)
        {
          g_autoptr(InbImage) frame = make_smooth_frame (64, 48, i, 0);
          g_assert_true (inb_video_writer_push (writer, frame, &error));
        }
      if (finish)
        {
          g_assert_true (inb_video_writer_finish (writer, &error));
          g_assert_no_error (error);
        }
      else
        inb_video_writer_abort (writer);

      g_object_unref (writer);
      g_assert_null (pipeline);
    }
}

/* The muxer's streaming thread held in a probe until the test lets it go:
 * as GStreamer 1.22's mp4mux is on an EIO reopening its scratch file (it
 * deadlocks), where stopping the pipeline blocks for good. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean released;
} Hold;

static GstPadProbeReturn
hold_probe (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  Hold *hold = user_data;

  g_mutex_lock (&hold->mutex);
  while (!hold->released)
    g_cond_wait (&hold->cond, &hold->mutex);
  g_mutex_unlock (&hold->mutex);

  return GST_PAD_PROBE_OK;
}

/* A muxer that never moves again: the writer gives up after its bound
 * (shortened by INB_TEST_VIDEO_STALL_S and INB_TEST_VIDEO_FINISH_S), with
 * its timeout error and no file left, instead of hanging in the stop
 * (issue 13); the pipeline, left behind, is freed once the muxer moves. */
static void
test_stuck_muxer (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "stuck.mp4");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *mdat = g_strconcat (path, ".mdat.part", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstIterator) it = NULL;
  g_autoptr(GstPad) mux_src = NULL;
  GValue item = G_VALUE_INIT;
  Hold hold = { 0 };
  InbVideoWriter *writer;
  GstElement *pipeline;
  gboolean pushed = TRUE;
  gint64 start;

  g_mutex_init (&hold.mutex);
  g_cond_init (&hold.cond);
  g_setenv ("INB_TEST_VIDEO_STALL_S", "2", TRUE);
  g_setenv ("INB_TEST_VIDEO_FINISH_S", "2", TRUE);

  writer = inb_video_writer_new (path, 64, 48, 8, &error);
  g_assert_no_error (error);
  pipeline = _inb_video_writer_get_pipeline (writer);
  g_object_add_weak_pointer (G_OBJECT (pipeline), (gpointer *) &pipeline);

  it = gst_bin_iterate_elements (GST_BIN (pipeline));
  while (mux_src == NULL && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (g_str_has_prefix (GST_OBJECT_NAME (element), "mp4mux"))
        mux_src = gst_element_get_static_pad (element, "src");
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_clear_pointer (&it, gst_iterator_free);   /* it holds the pipeline */
  g_assert_nonnull (mux_src);
  gst_pad_add_probe (mux_src, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM, hold_probe, &hold, NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 40 && pushed; i++)
    {
      g_autoptr(InbImage) frame = make_smooth_frame (64, 48, i, 0);

      pushed = inb_video_writer_push (writer, frame, &error);
    }
  if (pushed)
    g_assert_false (inb_video_writer_finish (writer, &error));
  g_test_message ("%s after %.1f s", error->message, (g_get_monotonic_time () - start) / 1e6);
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT);
  /* the 2 s bound, not the minute or two of a real encoder's (generous) */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 40 * G_USEC_PER_SEC);

  inb_video_writer_abort (writer);
  g_object_unref (writer);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (mdat, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (pipeline);   /* left behind, still stuck */

  /* Let the muxer go: the abandoned pipeline stops and is freed */
  g_mutex_lock (&hold.mutex);
  hold.released = TRUE;
  g_cond_broadcast (&hold.cond);
  g_mutex_unlock (&hold.mutex);
  for (guint i = 0; i < 600 && pipeline != NULL; i++)
    g_usleep (50 * 1000);
  g_assert_null (pipeline);

  g_unsetenv ("INB_TEST_VIDEO_STALL_S");
  g_unsetenv ("INB_TEST_VIDEO_FINISH_S");
  g_mutex_clear (&hold.mutex);
  g_cond_clear (&hold.cond);
}

/* A clip with an audio track (as some cloud models deliver): the audio is
 * ignored, the video checked. */
static void
test_reader_with_audio (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "with-audio.mp4");
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_auto(InbVideoInfo) info = { 0 };

  description = g_strdup_printf ("videotestsrc num-buffers=20 ! video/x-raw,width=160,height=120,framerate=10/1 "
                                 "! videoconvert ! x264enc ! mp4mux name=mux ! filesink location=\"%s\" "
                                 "audiotestsrc num-buffers=10 ! audioconvert ! lamemp3enc ! mux.", path);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);

  g_assert_true (inb_video_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 20);
  g_assert_cmpuint (info.width, ==, 160);
  g_assert_cmpfloat_with_epsilon (info.duration, 2.0, 0.1);
}

/* The shortest clip there is. */
static void
test_single_frame (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = fixture_path (f, "one.mp4");
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  write_smooth_clip (path, 64, 48, 1, 16);
  g_assert_true (inb_video_probe (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 1);
  g_assert_cmpfloat_with_epsilon (info.duration, 1.0 / 16, 0.01);
  assert_frame_matches (path, 0, 64, 48);
}

/* R15: downloads are probed in a helper process ------------------------ */

typedef struct
{
  GMainLoop    *loop;
  gboolean      ok;
  GError       *error;
  InbVideoInfo  info;
  guint         ticks;
} Isolated;

static void
isolated_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Isolated *w = user_data;

  w->ok = inb_video_probe_isolated_finish (result, &w->info, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
isolated_tick (gpointer user_data)
{
  Isolated *w = user_data;

  w->ticks++;
  return G_SOURCE_CONTINUE;
}

/* Probes @path in the helper from the main loop, counting 20 ms ticks */
static gboolean
probe_isolated (const char    *path,
                guint          timeout_ms,
                InbVideoInfo  *info,
                guint         *ticks,
                GError       **error)
{
  Isolated w = { 0, };
  guint tick;

  w.loop = g_main_loop_new (NULL, FALSE);
  tick = g_timeout_add (20, isolated_tick, &w);
  inb_video_probe_isolated_async (path, timeout_ms, NULL, isolated_done, &w);
  g_main_loop_run (w.loop);
  g_source_remove (tick);
  g_main_loop_unref (w.loop);

  if (ticks != NULL)
    *ticks = w.ticks;
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  if (info != NULL)
    *info = w.info;
  else
    inb_video_info_clear (&w.info);

  return w.ok;
}

static void
assert_isolated_fails (const char *path,
                       int         code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (probe_isolated (path, 0, NULL, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, INB_VIDEO_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
}

static gboolean
run_launch (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS;
}

static void
test_isolated_rejects (Fixture       *f,
                       gconstpointer  data)
{
  static const char html[] =
    "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>AccessDenied</body></html>\n";
  g_autofree char *good = fixture_path (f, "good.mp4");
  g_autofree char *page = fixture_path (f, "page.mp4");
  g_autofree char *empty = fixture_path (f, "empty.mp4");
  g_autofree char *cut = fixture_path (f, "cut.mp4");
  g_autofree char *audio = fixture_path (f, "audio.mp4");
  g_autofree char *image = fixture_path (f, "image.mp4");
  g_autofree char *launch = NULL;
  g_auto(InbVideoInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  guint ticks = 0;

  /* A good clip: the helper's answer matches the in-process probe */
  write_smooth_clip (good, 320, 240, 33, 16);
  g_assert_true (probe_isolated (good, 0, &info, &ticks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.width, ==, 320);
  g_assert_cmpuint (info.height, ==, 240);
  g_assert_cmpuint (info.n_frames, ==, 33);
  g_assert_cmpfloat_with_epsilon (info.fps, 16.0, 0.01);
  g_assert_nonnull (info.video_codec);
  g_assert_nonnull (strstr (info.video_codec, "H.264"));
  g_test_message ("good clip: %u×%u, %u frames, %s, %u ticks of the main loop meanwhile",
                  info.width, info.height, info.n_frames, info.video_codec, ticks);
  inb_video_info_clear (&info);

  /* The helper's debug messages never mix into its answer */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_assert_true (probe_isolated (good, 0, &info, NULL, &error));
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_assert_no_error (error);
  g_assert_cmpuint (info.n_frames, ==, 33);

  write_bytes (page, html, strlen (html));
  assert_isolated_fails (page, INB_VIDEO_ERROR_NOT_VIDEO);

  write_bytes (empty, "", 0);
  assert_isolated_fails (empty, INB_VIDEO_ERROR_NOT_VIDEO);

  write_smooth_clip (cut, 320, 240, 33, 16);
  g_assert_cmpint (g_stat (cut, &st), ==, 0);
  g_assert_cmpint (truncate (cut, st.st_size / 2), ==, 0);
  assert_isolated_fails (cut, INB_VIDEO_ERROR_TRUNCATED);

  /* Wrong content in a valid container: sound only, and a PNG image */
  launch = g_strdup_printf ("audiotestsrc num-buffers=20 ! audioconvert ! lamemp3enc ! mp4mux ! "
                            "filesink location=\"%s\"", audio);
  if (run_launch (launch))
    assert_isolated_fails (audio, INB_VIDEO_ERROR_NOT_VIDEO);
  else
    g_test_message ("no MP3 encoder: audio-only case skipped");
  g_free (launch);
  launch = g_strdup_printf ("videotestsrc num-buffers=1 ! video/x-raw,width=64,height=48 ! pngenc ! "
                            "filesink location=\"%s\"", image);
  g_assert_true (run_launch (launch));
  assert_isolated_fails (image, INB_VIDEO_ERROR_NOT_VIDEO);
}

/* Points the helper variable at a shell script for one test */
static char *
fake_helper (Fixture    *f,
             const char *name,
             const char *body)
{
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n%s\n", body);
  char *path = fixture_path (f, name);

  write_bytes (path, script, strlen (script));
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  g_setenv (INB_VIDEO_PROBE_HELPER_ENV, path, TRUE);

  return path;
}

static void
restore_helper (const char *saved)
{
  if (saved != NULL)
    g_setenv (INB_VIDEO_PROBE_HELPER_ENV, saved, TRUE);
  else
    g_unsetenv (INB_VIDEO_PROBE_HELPER_ENV);
}

static void
test_isolated_hang (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *saved = g_strdup (g_getenv (INB_VIDEO_PROBE_HELPER_ENV));
  g_autofree char *clip = fixture_path (f, "clip.mp4");
  g_autofree char *pidfile = fixture_path (f, "helper.pid");
  g_autofree char *body = g_strdup_printf ("echo $$ > '%s'\nexec sleep 60", pidfile);
  g_autofree char *helper = NULL;
  g_autofree char *pid_text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;
  guint ticks = 0;
  pid_t pid;

  write_smooth_clip (clip, 64, 48, 4, 16);
  helper = fake_helper (f, "hang.sh", body);

  start = g_get_monotonic_time ();
  g_assert_false (probe_isolated (clip, 1000, NULL, &ticks, &error));
  elapsed = g_get_monotonic_time () - start;
  restore_helper (saved);

  g_test_message ("hanging helper: %s after %.2f s; the main loop ticked %u times meanwhile",
                  error->message, elapsed / 1e6, ticks);
  g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "not accepted"));
  /* generous: the caller's loop kept running and the wait ended */
  g_assert_cmpuint (ticks, >=, 10);
  g_assert_cmpint (elapsed, <, 8 * G_USEC_PER_SEC);

  /* The helper was killed, not left behind */
  g_assert_true (g_file_get_contents (pidfile, &pid_text, NULL, NULL));
  pid = (pid_t) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, -1);
}

static void
test_isolated_crash (Fixture       *f,
                     gconstpointer  data)
{
  static const struct { const char *body; const char *text; } cases[] = {
    { "kill -SEGV $$", "crashed" },
    { "echo '{\"ok\": true, \"width\": 99999999, \"height\": 1, \"frames\": 1}'", "impossible" },
    { "echo 'Segmentation fault (core dumped)'", "no usable answer" },
    { "exit 3", "exit status 3" },
  };
  g_autofree char *saved = g_strdup (g_getenv (INB_VIDEO_PROBE_HELPER_ENV));
  g_autofree char *clip = fixture_path (f, "clip.mp4");

  write_smooth_clip (clip, 64, 48, 4, 16);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("helper-%u.sh", i);
      g_autofree char *helper = fake_helper (f, name, cases[i].body);
      g_autoptr(GError) error = NULL;

      g_assert_false (probe_isolated (clip, 5000, NULL, NULL, &error));
      g_test_message ("%s → %s", cases[i].body, error->message);
      g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER);
      g_assert_nonnull (strstr (error->message, cases[i].text));
    }

  /* No helper at all: not verified either */
  {
    g_autofree char *missing = fixture_path (f, "no-such-helper");
    g_autoptr(GError) error = NULL;

    g_setenv (INB_VIDEO_PROBE_HELPER_ENV, missing, TRUE);
    g_assert_false (inb_video_probe_isolated (clip, 0, NULL, NULL, &error));
    g_assert_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER);
  }

  restore_helper (saved);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  /* One test turns debug messages on for the helper: not into the TAP stream */
  g_log_writer_default_set_use_stderr (TRUE);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/video/roundtrip", test_roundtrip);
  ADD ("/video/roundtrip-unaligned", test_roundtrip_unaligned);
  ADD ("/video/length-as-discovered", test_length_as_discovered);
  ADD ("/video/verify-mismatch", test_verify_mismatch);
  ADD ("/video/verify-keeping", test_verify_keeping);
  ADD ("/video/verify-keeping-skips", test_verify_keeping_skips);
  ADD ("/video/single-frame", test_single_frame);
  ADD ("/video/writer/streaming-memory", test_streaming_memory);
  ADD ("/video/writer/timing-81", test_timing_81);
  ADD ("/video/writer/abort", test_abort);
  ADD ("/video/writer/dispose-without-finish", test_dispose_without_finish);
  ADD ("/video/writer/bad-args", test_bad_writer_args);
  ADD ("/video/writer/missing-encoder", test_missing_encoder);
  ADD ("/video/writer/write-failure", test_write_failure);
  ADD ("/video/writer/rename-failure", test_rename_failure);
  ADD ("/video/writer/pipeline-freed", test_pipeline_freed);
  ADD ("/video/writer/stuck-muxer", test_stuck_muxer);
  ADD ("/video/reader/rejects", test_reader_rejects);
  ADD ("/video/reader/truncated", test_reader_truncated);
  ADD ("/video/reader/with-audio", test_reader_with_audio);
  ADD ("/video/reader/too-large", test_reader_too_large);
  ADD ("/video/reader/timeout", test_reader_timeout);
  ADD ("/video/isolated/rejects", test_isolated_rejects);
  ADD ("/video/isolated/hang", test_isolated_hang);
  ADD ("/video/isolated/crash", test_isolated_crash);
#undef ADD

  return g_test_run ();
}
