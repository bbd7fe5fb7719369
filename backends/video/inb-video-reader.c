/* inb-video-reader.c — verify a clip and read its frames back
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-video-reader"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#endif

#include "inb-video-reader.h"

/*
 * One pipeline serves probe and read_frame:
 *
 *   filesrc ! decodebin ! videoconvert ! appsink
 *
 * What decodebin's typefinder found tells what the file claims to be (so
 * an HTML page or garbage is NOT_VIDEO, not "damaged"); the first raw
 * video pad is
 * decoded, any other pad goes to a fakesink. A probe on videoconvert's
 * sink pad counts decoded frames and, when reading one frame, drops the
 * others so only the wanted one is converted to RGB. When frames are kept
 * (the local backend's verify), a probe on the decoder's sink pad also
 * drops, undecoded, the H.264 frames no other frame refers to (every
 * slice's nal_ref_idc 0) that are not kept; they are counted all the same.
 * The calling thread
 * waits on the bus with a deadline, so a stuck or slow file ends in
 * TIMEOUT rather than a hang.
 */

G_DEFINE_QUARK (inb-video-error-quark, inb_video_error)

#define MSG_CAPTURED  "inb-captured"
#define MSG_NO_VIDEO  "inb-no-video"

typedef struct
{
  GMutex        mutex;
  GstElement   *pipeline;      /* owned */
  GstElement   *convert;       /* borrowed from pipeline */

  gboolean      want_frame;
  guint         want_index;
  /* Frames to keep while decoding to the end (sorted, distinct) */
  const guint  *keep;
  guint         n_keep;
  guint         next_keep;     /* streaming thread, before conversion */

  /* Filled from streaming threads, under mutex */
  GstCaps      *container_caps;
  GstCaps      *codec_caps;
  char         *unknown_type;
  gboolean      have_video_pad;
  guint         n_frames;
  guint         width;
  guint         height;
  int           fps_n;
  int           fps_d;
  GstClockTime  last_end;
  /* Kept frames only: the coded frames, seen on the decoder's sink pad */
  guint         n_coded;
  guint         n_skipped;     /* non-reference frames dropped undecoded */
  guint         nal_length;    /* AVC length prefix; 0 = drop nothing */
  int           coded_fps_n;
  int           coded_fps_d;
  GstClockTime  first_pts;     /* of the first coded frame */
  InbImage     *frame;
  GPtrArray    *kept;          /* InbImage, in the order of keep */
  char         *frame_error;
} ReadState;

static void
read_state_free (ReadState *state)
{
  if (state->pipeline != NULL)
    {
      gst_element_set_state (state->pipeline, GST_STATE_NULL);
      gst_object_unref (state->pipeline);
    }
  gst_clear_caps (&state->container_caps);
  gst_clear_caps (&state->codec_caps);
  g_clear_pointer (&state->frame, inb_image_unref);
  g_clear_pointer (&state->kept, g_ptr_array_unref);
  g_free (state->unknown_type);
  g_free (state->frame_error);
  g_mutex_clear (&state->mutex);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadState, read_state_free)

void
inb_video_info_clear (InbVideoInfo *info)
{
  g_return_if_fail (info != NULL);

  g_clear_pointer (&info->video_codec, g_free);
  g_clear_pointer (&info->container, g_free);
  g_clear_pointer (&info->container_type, g_free);
  memset (info, 0, sizeof *info);
}

static void
post_application (GstElement *element,
                  const char *name)
{
  gst_element_post_message (element,
                            gst_message_new_application (GST_OBJECT (element),
                                                         gst_structure_new_empty (name)));
}

/* Called for every caps decodebin is about to plug something for. The
 * first call carries what its typefinder found: the container (or an
 * HTML page, text…). The first compressed video caps after that is the
 * codec; a parser's caps replace it when they add the profile. */
static gboolean
autoplug_continue_cb (GstElement *decodebin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      ReadState  *state)
{
  GstStructure *s;
  const char *name;

  if (gst_caps_is_any (caps) || gst_caps_is_empty (caps))
    return TRUE;
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);

  g_mutex_lock (&state->mutex);
  if (state->container_caps == NULL)
    state->container_caps = gst_caps_ref (caps);
  else if (state->codec_caps == NULL &&
           g_str_has_prefix (name, "video/") &&
           !g_str_equal (name, "video/x-raw") &&
           (!gst_structure_has_name (gst_caps_get_structure (state->container_caps, 0), name) ||
            gst_structure_has_field (s, "profile")))
    state->codec_caps = gst_caps_ref (caps);
  else if (state->codec_caps != NULL &&
           gst_structure_has_name (gst_caps_get_structure (state->codec_caps, 0), name) &&
           !gst_structure_has_field (gst_caps_get_structure (state->codec_caps, 0), "profile") &&
           gst_structure_has_field (s, "profile"))
    gst_caps_replace (&state->codec_caps, caps);   /* the parser knows the profile */
  g_mutex_unlock (&state->mutex);

  return TRUE;
}

static void
unknown_type_cb (GstElement *decodebin,
                 GstPad     *pad,
                 GstCaps    *caps,
                 ReadState  *state)
{
  g_mutex_lock (&state->mutex);
  if (state->unknown_type == NULL)
    state->unknown_type = gst_caps_to_string (caps);
  g_mutex_unlock (&state->mutex);
}

static void
pad_added_cb (GstElement *decodebin,
              GstPad     *pad,
              ReadState  *state)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  gboolean is_video = FALSE;
  GstElement *fakesink;
  GstPad *sinkpad;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps != NULL && !gst_caps_is_empty (caps))
    is_video = gst_structure_has_name (gst_caps_get_structure (caps, 0), "video/x-raw");

  g_mutex_lock (&state->mutex);
  if (is_video && !state->have_video_pad)
    {
      state->have_video_pad = TRUE;
      g_mutex_unlock (&state->mutex);

      sinkpad = gst_element_get_static_pad (state->convert, "sink");
      if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
        g_debug ("could not link the video pad");
      gst_object_unref (sinkpad);
      return;
    }
  g_mutex_unlock (&state->mutex);

  /* Audio, subtitles, a second video stream: consume and ignore. */
  fakesink = gst_element_factory_make ("fakesink", NULL);
  if (fakesink == NULL)
    return;
  g_object_set (fakesink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (state->pipeline), fakesink);
  gst_element_sync_state_with_parent (fakesink);
  sinkpad = gst_element_get_static_pad (fakesink, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_debug ("could not link a fakesink");
  gst_object_unref (sinkpad);
}

static void
no_more_pads_cb (GstElement *decodebin,
                 ReadState  *state)
{
  gboolean have_video;

  g_mutex_lock (&state->mutex);
  have_video = state->have_video_pad;
  g_mutex_unlock (&state->mutex);

  if (!have_video)
    post_application (state->pipeline, MSG_NO_VIDEO);
}

/* With frames skipped, a decoded frame's index (in presentation order)
 * comes from its timestamp: the clips whose frames are kept have a
 * constant rate. G_MAXUINT when it cannot be told. */
static guint
frame_index (const ReadState *state,
             GstBuffer       *buffer)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  guint64 index;

  if (!GST_CLOCK_TIME_IS_VALID (pts) || pts < state->first_pts)
    return G_MAXUINT;
  index = gst_util_uint64_scale_round (pts - state->first_pts, (guint64) state->coded_fps_n,
                                       (guint64) state->coded_fps_d * GST_SECOND);
  return index < G_MAXUINT ? (guint) index : G_MAXUINT;
}

static gboolean
is_kept (const ReadState *state,
         guint            index)
{
  for (guint i = 0; i < state->n_keep; i++)
    if (state->keep[i] == index)
      return TRUE;
  return FALSE;
}

/* TRUE when @buffer (one AVC access unit: NAL units, each after a
 * big-endian length of @nal_length bytes) holds slices and every one has
 * nal_ref_idc 0: no other frame refers to it. Anything unexpected (a
 * parameter set, a bad length) is FALSE: the frame is decoded. */
static gboolean
is_non_reference (GstBuffer *buffer,
                  guint      nal_length)
{
  GstMapInfo map;
  gboolean slices = FALSE;
  gboolean ok = TRUE;
  gsize offset = 0;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;

  while (ok && offset + nal_length < map.size)
    {
      gsize len = 0;
      guint type;

      for (guint i = 0; i < nal_length; i++)
        len = (len << 8) | map.data[offset + i];
      offset += nal_length;
      if (len == 0 || len > map.size - offset)
        {
          ok = FALSE;
          break;
        }
      type = map.data[offset] & 0x1f;
      if (type == 1)                  /* a slice of a non-IDR picture */
        {
          slices = TRUE;
          ok = (map.data[offset] & 0x60) == 0;
        }
      else if (type != 6 && type != 9 && type != 12)
        ok = FALSE;                   /* not only SEI, delimiters, filler */
      offset += len;
    }
  if (offset != map.size)
    ok = FALSE;

  gst_buffer_unmap (buffer, &map);
  return ok && slices;
}

/* Reads, from the decoder's first caps, whether its frames can be
 * skipped: AVC with a known NAL length and a frame rate. */
static void
read_coded_caps (ReadState *state,
                 GstPad    *pad)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const GstStructure *s;
  const GValue *value;
  GstBuffer *codec_data;
  GstMapInfo map;

  if (caps == NULL || gst_caps_is_empty (caps))
    return;
  s = gst_caps_get_structure (caps, 0);
  if (!gst_structure_has_name (s, "video/x-h264") ||
      g_strcmp0 (gst_structure_get_string (s, "stream-format"), "avc") != 0 ||
      g_strcmp0 (gst_structure_get_string (s, "alignment"), "au") != 0 ||
      !gst_structure_get_fraction (s, "framerate", &state->coded_fps_n, &state->coded_fps_d) ||
      state->coded_fps_n <= 0 || state->coded_fps_d <= 0 ||
      (value = gst_structure_get_value (s, "codec_data")) == NULL ||
      !GST_VALUE_HOLDS_BUFFER (value) ||
      (codec_data = gst_value_get_buffer (value)) == NULL ||
      !gst_buffer_map (codec_data, &map, GST_MAP_READ))
    return;
  /* avcC: version 1, …, lengthSizeMinusOne in the low bits of byte 4 */
  if (map.size >= 7 && map.data[0] == 1 && (map.data[4] & 3) != 2)
    state->nal_length = (map.data[4] & 3) + 1u;
  gst_buffer_unmap (codec_data, &map);
}

/* Moves state->last_end on to where @buffer ends (its PTS plus its
 * duration, when it has one), if that is later. Called with the mutex held,
 * for a buffer with a PTS. */
static void
note_end (ReadState *state,
          GstBuffer *buffer)
{
  GstClockTime end = GST_BUFFER_PTS (buffer);

  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    end += GST_BUFFER_DURATION (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (state->last_end) || end > state->last_end)
    state->last_end = end;
}

/* Every coded frame passes here, before the decoder (only when frames are
 * kept). */
static GstPadProbeReturn
coded_frames_probe (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  ReadState *state = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;
  guint index;

  g_mutex_lock (&state->mutex);
  if (state->n_coded++ == 0)
    {
      state->first_pts = GST_BUFFER_PTS (buffer);
      if (GST_CLOCK_TIME_IS_VALID (state->first_pts) &&
          !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT))
        read_coded_caps (state, pad);
    }
  else if (state->nal_length > 0 &&
           GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT) &&
           (index = frame_index (state, buffer)) != G_MAXUINT &&
           !is_kept (state, index) &&
           is_non_reference (buffer, state->nal_length))
    {
      note_end (state, buffer);
      state->n_skipped++;
      ret = GST_PAD_PROBE_DROP;
    }
  g_mutex_unlock (&state->mutex);

  return ret;
}

static void
deep_element_added_cb (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       ReadState  *state)
{
  g_autoptr(GstPad) sinkpad = NULL;

  if (!GST_IS_VIDEO_DECODER (element) || (sinkpad = gst_element_get_static_pad (element, "sink")) == NULL)
    return;
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, coded_frames_probe, state, NULL);
}

/* Every decoded frame passes here, before conversion. */
static GstPadProbeReturn
count_frames_probe (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  ReadState *state = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;
  guint index;

  g_mutex_lock (&state->mutex);
  index = state->n_frames++;
  if (state->nal_length > 0)
    index = frame_index (state, buffer);   /* some frames before it may be skipped */
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    note_end (state, buffer);
  if (state->width == 0)
    {
      g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
      GstVideoInfo vinfo;

      if (caps != NULL && gst_video_info_from_caps (&vinfo, caps))
        {
          state->width = (guint) GST_VIDEO_INFO_WIDTH (&vinfo);
          state->height = (guint) GST_VIDEO_INFO_HEIGHT (&vinfo);
          state->fps_n = GST_VIDEO_INFO_FPS_N (&vinfo);
          state->fps_d = GST_VIDEO_INFO_FPS_D (&vinfo);
        }
    }
  if (state->want_frame && index != state->want_index)
    ret = GST_PAD_PROBE_DROP;
  else if (state->keep != NULL)
    {
      if (state->next_keep < state->n_keep && state->keep[state->next_keep] == index)
        state->next_keep++;
      else
        ret = GST_PAD_PROBE_DROP;
    }
  g_mutex_unlock (&state->mutex);

  return ret;
}

/* The frame comes as ARGB64: GStreamer 1.22's 8-bit I420→RGB fast path
 * is off by up to 5 levels (a ~37 dB ceiling), its 16-bit path is exact
 * to rounding. */
static InbImage *
image_from_sample (GstSample  *sample,
                   char      **error_text)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoInfo vinfo;
  GstVideoFrame vframe;
  g_autoptr(InbImage) image = NULL;
  guint8 *dst;
  const guint8 *src;
  gsize src_stride;
  guint width;
  guint height;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&vinfo, caps) ||
      GST_VIDEO_INFO_FORMAT (&vinfo) != GST_VIDEO_FORMAT_ARGB64)
    {
      *error_text = g_strdup ("unexpected frame format");
      return NULL;
    }
  if (!gst_video_frame_map (&vframe, &vinfo, buffer, GST_MAP_READ))
    {
      *error_text = g_strdup ("could not map the frame");
      return NULL;
    }

  width = (guint) GST_VIDEO_INFO_WIDTH (&vinfo);
  height = (guint) GST_VIDEO_INFO_HEIGHT (&vinfo);
  image = inb_image_new (width, height);
  dst = inb_image_get_data_mut (image);
  src = GST_VIDEO_FRAME_PLANE_DATA (&vframe, 0);
  src_stride = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 0);
#ifdef HAVE_VALGRIND_MEMCHECK_H
  /* Under memcheck only: the decoder's pixels are defined from here on
   * (libavcodec's H.264 decoder leaves a few marked undefined that do not
   * depend on undefined bytes: see image_from_sample() in
   * app/inb-export-source.c) */
  for (guint y = 0; y < height; y++)
    VALGRIND_MAKE_MEM_DEFINED (src + y * src_stride, (gsize) width * 8);
#endif
  for (guint y = 0; y < height; y++)
    {
      const guint16 *in = (const guint16 *) (gconstpointer) (src + y * src_stride);
      guint8 *out = dst + (gsize) y * width * 3;

      /* native-endian A, R, G, B words */
      for (guint x = 0; x < width; x++)
        for (guint c = 0; c < 3; c++)
          out[x * 3 + c] = (guint8) ((in[x * 4 + 1 + c] * 255u + 32767u) / 65535u);
    }
  gst_video_frame_unmap (&vframe);

  return g_steal_pointer (&image);
}

static GstFlowReturn
appsink_new_sample_cb (GstAppSink *appsink,
                       gpointer    user_data)
{
  ReadState *state = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);
  gboolean captured = FALSE;

  if (sample == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&state->mutex);
  if (state->want_frame && state->frame == NULL && state->frame_error == NULL)
    {
      state->frame = image_from_sample (sample, &state->frame_error);
      captured = TRUE;
    }
  else if (state->keep != NULL && state->kept->len < state->n_keep && state->frame_error == NULL)
    {
      InbImage *image = image_from_sample (sample, &state->frame_error);

      /* Samples arrive in the order their frames were let through. */
      if (image != NULL)
        g_ptr_array_add (state->kept, image);
    }
  g_mutex_unlock (&state->mutex);

  if (captured)
    post_application (GST_ELEMENT (appsink), MSG_CAPTURED);

  return GST_FLOW_OK;
}

static ReadState *
build_pipeline (const char   *path,
                gboolean      want_frame,
                guint         want_index,
                const guint  *keep,
                guint         n_keep,
                GError      **error)
{
  g_autoptr(ReadState) state = g_new0 (ReadState, 1);
  g_autoptr(GstCaps) sink_caps = NULL;
  g_autoptr(GstPad) convert_sink = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = appsink_new_sample_cb };
  GstElement *src;
  GstElement *decodebin;
  GstElement *sink;

  g_mutex_init (&state->mutex);
  state->want_frame = want_frame;
  state->want_index = want_index;
  if (n_keep > 0)
    {
      state->keep = keep;
      state->n_keep = n_keep;
      state->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_image_unref);
    }
  state->last_end = GST_CLOCK_TIME_NONE;

  state->pipeline = gst_object_ref_sink (gst_pipeline_new ("inb-video-reader"));
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  state->convert = gst_element_factory_make ("videoconvert", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  /* The pipeline owns whatever exists, so nothing leaks on failure. */
  for (guint i = 0; i < 4; i++)
    {
      GstElement *elements[] = { src, decodebin, state->convert, sink };

      if (elements[i] != NULL)
        gst_bin_add (GST_BIN (state->pipeline), elements[i]);
    }
  if (src == NULL || decodebin == NULL || state->convert == NULL || sink == NULL)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   /* Translators: %s is a Debian package */
                   _("GStreamer is incomplete (filesrc, decodebin, videoconvert or appsink missing); install the package %s"),
                   "gstreamer1.0-plugins-base");
      return NULL;
    }

  g_object_set (src, "location", path, NULL);
  /* Kept frames stand in for the exporter's precise decode of the clip
   * (app/inb-export-source.c), so they are converted as it converts them:
   * with one thread. GStreamer 1.22's videoconvert does not give the
   * same pixels for every thread count (up to 14 levels apart in the
   * lower half of a 720p frame with 2 threads against 1), and the
   * take's fidelity figures come from these frames: with the cores'
   * count, they would depend on the machine. Only the kept frames are
   * converted, so one thread costs little. */
  g_object_set (state->convert, "n-threads", (guint) 1, NULL);
  sink_caps = want_frame || n_keep > 0
    ? gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "ARGB64", NULL)
    : gst_caps_new_empty_simple ("video/x-raw");
  g_object_set (sink,
                "caps", sink_caps,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", (guint) 2,
                NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, state, NULL);

  g_signal_connect (decodebin, "autoplug-continue", G_CALLBACK (autoplug_continue_cb), state);
  g_signal_connect (decodebin, "unknown-type", G_CALLBACK (unknown_type_cb), state);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (pad_added_cb), state);
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (no_more_pads_cb), state);
  if (n_keep > 0)
    g_signal_connect (decodebin, "deep-element-added", G_CALLBACK (deep_element_added_cb), state);

  if (!gst_element_link (src, decodebin) ||
      !gst_element_link (state->convert, sink))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not set up the video decoder (GStreamer could not link the pipeline)"));
      return NULL;
    }

  convert_sink = gst_element_get_static_pad (state->convert, "sink");
  gst_pad_add_probe (convert_sink, GST_PAD_PROBE_TYPE_BUFFER, count_frames_probe, state, NULL);

  return g_steal_pointer (&state);
}

static guint64
read_be (const guint8 *p,
         guint         n)
{
  guint64 value = 0;

  for (guint i = 0; i < n; i++)
    value = (value << 8) | p[i];
  return value;
}

/* ISO base media files (MP4, MOV, 3GP) are a list of boxes, each with
 * its size up front. Walking the top level finds a file that was cut
 * short without decoding anything, and avoids relying on qtdemux's error
 * for a cut header (decodebin 1.22 can swallow it; see run_pipeline). */
static gboolean
check_iso_boxes (const char  *path,
                 gint64       file_size,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean have_moov = FALSE;
  gint64 offset = 0;
  guint8 header[16];
  gsize got;

  if (!(stream = g_file_read (file, NULL, &local_error)))
    {
      g_set_error (error, G_IO_ERROR, local_error->code,
                   _("Cannot open “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  for (guint n = 0; offset < file_size; n++)
    {
      guint64 box_size;
      guint header_size = 8;
      char type[5];

      if (n > 100000)
        break;   /* absurd, let the demuxer judge */

      if (!g_seekable_seek (G_SEEKABLE (stream), offset, G_SEEK_SET, NULL, &local_error) ||
          !g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &got, NULL, &local_error))
        {
          g_set_error (error, G_IO_ERROR, local_error->code,
                       _("Cannot read “%s”: %s"), path, local_error->message);
          return FALSE;
        }

      if (n == 0 && (got < 8 || memcmp (header + 4, "ftyp", 4) != 0))
        return TRUE;   /* not ISO BMFF (or an old QuickTime file): no opinion */

      if (got < 8)
        {
          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                       _("“%s” is incomplete: it ends in the middle of a box header"), path);
          return FALSE;
        }

      /* Byte by byte: @header has no alignment to speak of (UBSan's
       * misaligned load in GST_READ_UINT32_BE, issue 13 item 10) */
      memcpy (type, header + 4, 4);
      type[4] = '\0';
      box_size = read_be (header, 4);
      if (box_size == 1)
        {
          if (got < 16)
            {
              g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                           _("“%s” is incomplete: it ends in the middle of a box header"), path);
              return FALSE;
            }
          box_size = read_be (header + 8, 8);
          header_size = 16;
        }
      else if (box_size == 0)
        box_size = (guint64) (file_size - offset);   /* "to the end of the file" */

      if (g_str_equal (type, "moov"))
        have_moov = TRUE;

      if (box_size < header_size)
        {
          g_autofree char *escaped = g_strescape (type, NULL);

          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                       _("“%s” is damaged: box “%s” at byte %" PRId64 " has an impossible size"),
                       path, escaped, offset);
          return FALSE;
        }
      if (box_size > (guint64) (file_size - offset))
        {
          g_autofree char *escaped = g_strescape (type, NULL);

          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                       _("“%s” is incomplete: its “%s” box needs %" PRIu64 " bytes but the file ends after %" PRId64),
                       path, escaped, box_size, file_size - offset);
          return FALSE;
        }

      offset += (gint64) box_size;
    }

  if (!have_moov)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                   _("“%s” is incomplete: it has no index (“moov” box)"), path);
      return FALSE;
    }

  return TRUE;
}

/* Checks the file before GStreamer sees it. */
static gboolean
check_file (const char  *path,
            GError     **error)
{
  GStatBuf st;
  int saved_errno;

  if (g_stat (path, &st) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot open “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                   _("“%s” is not a video file (not a regular file)"), path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                   _("“%s” is not a video file (it is empty)"), path);
      return FALSE;
    }
  if ((gint64) st.st_size > INB_VIDEO_PROBE_MAX_BYTES)
    {
      g_autofree char *size_text = g_format_size ((guint64) st.st_size);
      g_autofree char *limit_text = g_format_size (INB_VIDEO_PROBE_MAX_BYTES);

      /* Translators: sizes as g_format_size() writes them, "12.3 MB" */
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TOO_LARGE,
                   _("“%s” is too large to check (%s; the limit is %s)"), path, size_text, limit_text);
      return FALSE;
    }

  return check_iso_boxes (path, (gint64) st.st_size, error);
}

static gboolean
looks_like_video_container (const GstCaps *caps)
{
  const char *name;

  if (caps == NULL || gst_caps_is_empty (caps))
    return FALSE;

  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  return g_str_has_prefix (name, "video/") || g_str_equal (name, "application/x-3gp");
}

/* Decides what a GStreamer error means for this file. */
static void
set_error_from_message (ReadState   *state,
                        const char  *path,
                        GstMessage  *message,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *type = NULL;
  gboolean container_is_video;
  gboolean have_video;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("%s: %s (%s)", path, gst_error->message, debug ? debug : "");

  g_mutex_lock (&state->mutex);
  container_is_video = looks_like_video_container (state->container_caps);
  have_video = state->have_video_pad;
  if (state->container_caps != NULL && !gst_caps_is_empty (state->container_caps))
    type = g_strdup (gst_structure_get_name (gst_caps_get_structure (state->container_caps, 0)));
  g_mutex_unlock (&state->mutex);

  if (g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND) ||
      (!have_video && !container_is_video))
    {
      if (type != NULL)
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                     _("“%s” is not a video file (it looks like %s)"), path, type);
      else
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                     _("“%s” is not a video file (unknown format)"), path);
      return;
    }

  if (!have_video &&
      (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN) ||
       g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND)))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                   _("“%s” cannot be played: %s"), path, gst_error->message);
      return;
    }

  g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
               _("“%s” is incomplete or damaged: %s"), path, gst_error->message);
}

static char *
describe_caps (const GstCaps *caps)
{
  char *text;

  if (caps == NULL)
    return NULL;
  text = gst_pb_utils_get_codec_description (caps);
  if (text == NULL)
    text = g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0)));
  return text;
}

/* Runs the pipeline until EOS, the wanted frame, an error or the deadline.
 * Returns the state (for the caller to read) or NULL with @error set. */
static ReadState *
run_pipeline (const char   *path,
              gboolean      want_frame,
              guint         want_index,
              const guint  *keep,
              guint         n_keep,
              guint         timeout_ms,
              GError      **error)
{
  g_autoptr(ReadState) state = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) init_error = NULL;
  gint64 deadline;

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not initialise GStreamer: %s"), init_error->message);
      return NULL;
    }
  gst_pb_utils_init ();

  if (!check_file (path, error))
    return NULL;

  if (timeout_ms == 0)
    timeout_ms = INB_VIDEO_PROBE_TIMEOUT_MS;
  deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;

  if (!(state = build_pipeline (path, want_frame, want_index, keep, n_keep, error)))
    return NULL;

  bus = gst_element_get_bus (state->pipeline);
  if (gst_element_set_state (state->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        set_error_from_message (state, path, message, error);
      else
        g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                     _("Could not open “%s” for decoding"), path);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;
      gint64 remaining = deadline - g_get_monotonic_time ();

      if (remaining <= 0)
        {
          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT,
                       _("Checking “%s” took longer than %u ms; gave up"), path, timeout_ms);
          return NULL;
        }

      message = gst_bus_timed_pop_filtered (bus, (GstClockTime) remaining * GST_USECOND,
                                            GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_APPLICATION);
      if (message == NULL)
        continue;   /* the deadline check above reports it */

      switch (GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_ERROR:
          set_error_from_message (state, path, message, error);
          return NULL;

        case GST_MESSAGE_EOS:
          return g_steal_pointer (&state);

        case GST_MESSAGE_APPLICATION:
          {
            const GstStructure *s = gst_message_get_structure (message);

            if (gst_structure_has_name (s, MSG_CAPTURED))
              return g_steal_pointer (&state);
            if (gst_structure_has_name (s, MSG_NO_VIDEO))
              {
                g_autofree char *type = NULL;

                g_mutex_lock (&state->mutex);
                type = state->unknown_type ? g_strdup (state->unknown_type) : NULL;
                g_mutex_unlock (&state->mutex);
                if (type != NULL)
                  g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                               _("“%s” has no video stream that can be decoded (%s)"), path, type);
                else
                  g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                               _("“%s” has no video stream"), path);
                return NULL;
              }
          }
          break;

        default:
          break;
        }
    }
}

/* The probe proper; with @keep, also the kept frames, in order. */
static gboolean
probe_keeping (const char    *path,
               guint          timeout_ms,
               const guint   *keep,
               guint          n_keep,
               GPtrArray    **kept,
               InbVideoInfo  *info,
               GError       **error)
{
  g_autoptr(ReadState) state = NULL;
  gint64 duration = -1;
  double fps = 0;
  double container_s;
  double decoded_s;
  double frame_s;

  if (info != NULL)
    memset (info, 0, sizeof *info);

  if (!(state = run_pipeline (path, FALSE, 0, keep, n_keep, timeout_ms, error)))
    return FALSE;
  /* The frames skipped undecoded are frames of the clip all the same. */
  if (state->n_frames > 0)
    state->n_frames += state->n_skipped;

  if (state->n_frames == 0 || state->width == 0)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                   _("“%s” contains no video frames"), path);
      return FALSE;
    }

  if (!gst_element_query_duration (state->pipeline, GST_FORMAT_TIME, &duration))
    duration = -1;

  if (state->fps_n > 0 && state->fps_d > 0)
    fps = (double) state->fps_n / state->fps_d;

  decoded_s = GST_CLOCK_TIME_IS_VALID (state->last_end) ? (double) state->last_end / GST_SECOND : 0;
  container_s = duration > 0 ? (double) duration / GST_SECOND : decoded_s;
  if (fps <= 0 && container_s > 0)
    fps = state->n_frames / container_s;
  frame_s = fps > 0 ? 1.0 / fps : 0.1;

  /* The container promises more than was decoded: data is missing. */
  if (duration > 0 && decoded_s + MAX (3 * frame_s, container_s / 20) < container_s)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TRUNCATED,
                   _("“%s” is incomplete: it should last %.2f s but only %.2f s (%u frames) could be decoded"),
                   path, container_s, decoded_s, state->n_frames);
      return FALSE;
    }

  if (info != NULL)
    {
      info->width = state->width;
      info->height = state->height;
      info->n_frames = state->n_frames;
      info->n_skipped = state->n_skipped;
      info->fps = fps;
      info->duration = container_s;
      info->video_codec = describe_caps (state->codec_caps);
      info->container = describe_caps (state->container_caps);
      if (state->container_caps != NULL && !gst_caps_is_empty (state->container_caps))
        info->container_type = g_strdup (gst_structure_get_name (gst_caps_get_structure (state->container_caps, 0)));
    }

  if (state->frame_error != NULL)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not read frame %u of “%s”: %s"),
                   keep[state->kept->len], path, state->frame_error);
      return FALSE;
    }
  if (kept != NULL)
    *kept = g_steal_pointer (&state->kept);

  return TRUE;
}

/**
 * inb_video_probe_full:
 * @path: a local file
 * @timeout_ms: give up after this long (0 = %INB_VIDEO_PROBE_TIMEOUT_MS)
 * @info: (out caller-allocates) (optional): filled on success; clear it
 *   with inb_video_info_clear()
 *
 * Decodes the whole clip on the calling thread (never the main thread).
 * Files larger than %INB_VIDEO_PROBE_MAX_BYTES are refused unread.
 *
 * Returns: %TRUE if @path is a complete, playable video. Otherwise
 *   @error is %INB_VIDEO_ERROR_NOT_VIDEO (empty, HTML, text, garbage, no
 *   decodable video stream), %INB_VIDEO_ERROR_TRUNCATED (a video container
 *   whose data ends early or is damaged), %INB_VIDEO_ERROR_TIMEOUT,
 *   %INB_VIDEO_ERROR_TOO_LARGE, or a %G_IO_ERROR if it cannot be opened.
 */
gboolean
inb_video_probe_full (const char    *path,
                      guint          timeout_ms,
                      InbVideoInfo  *info,
                      GError       **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return probe_keeping (path, timeout_ms, NULL, 0, NULL, info, error);
}

/**
 * inb_video_probe:
 *
 * inb_video_probe_full() with the default time bound.
 */
gboolean
inb_video_probe (const char    *path,
                 InbVideoInfo  *info,
                 GError       **error)
{
  return inb_video_probe_full (path, 0, info, error);
}

/**
 * inb_video_verify_keeping:
 * @expected_width: 0 = don't check
 * @expected_height: 0 = don't check
 * @expected_frames: 0 = don't check
 * @keep: (array length=n_keep) (nullable): frame indices (0-based,
 *   sorted, distinct) to hand back
 * @frames: (out caller-allocates) (array length=n_keep) (nullable): on
 *   success, a new reference to each frame of @keep, as
 *   inb_video_read_frame() would return it
 *
 * inb_video_verify() that hands back some of the frames it decoded (a
 * caller that wants them would otherwise decode the clip a second time).
 * Only the kept frames are converted to RGB, and H.264 frames no other
 * frame refers to are counted but not decoded unless kept: every frame
 * the rest depend on is still decoded. Asking for a frame the clip does
 * not have is %INB_VIDEO_ERROR_MISMATCH.
 *
 * In an H.264 stream (AVC, as the video writer makes) of constant frame
 * rate, the frames that no other frame refers to and that are not kept
 * are counted but not decoded (@info's n_skipped): with x264's B-frames,
 * about half the frames. The kept frames are the same to the bit.
 */
gboolean
inb_video_verify_keeping (const char    *path,
                          guint          expected_width,
                          guint          expected_height,
                          guint          expected_frames,
                          const guint   *keep,
                          guint          n_keep,
                          InbImage     **frames,
                          InbVideoInfo  *info,
                          GError       **error)
{
  g_auto(InbVideoInfo) local = { 0 };
  InbVideoInfo *out = info != NULL ? info : &local;
  g_autoptr(GPtrArray) kept = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (n_keep == 0 || (keep != NULL && frames != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 1; i < n_keep; i++)
    g_return_val_if_fail (keep[i - 1] < keep[i], FALSE);

  if (!probe_keeping (path, 0, keep, n_keep, n_keep > 0 ? &kept : NULL, out, error))
    return FALSE;

  if ((expected_width != 0 && out->width != expected_width) ||
      (expected_height != 0 && out->height != expected_height))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH,
                   _("“%s” is %u×%u, expected %u×%u"),
                   path, out->width, out->height,
                   expected_width != 0 ? expected_width : out->width,
                   expected_height != 0 ? expected_height : out->height);
      return FALSE;
    }
  if (expected_frames != 0 && out->n_frames != expected_frames)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH,
                   _("“%s” has %u frames, expected %u"),
                   path, out->n_frames, expected_frames);
      return FALSE;
    }
  if (n_keep > 0 && kept->len < n_keep)
    {
      /* Fewer frames than asked for, or one that could not be converted */
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH,
                   _("“%s” has no frame %u (it has %u frames)"),
                   path, keep[kept->len], out->n_frames);
      return FALSE;
    }

  for (guint i = 0; i < n_keep; i++)
    frames[i] = inb_image_ref (g_ptr_array_index (kept, i));

  return TRUE;
}

/**
 * inb_video_verify:
 *
 * inb_video_verify_keeping() that keeps no frame: probes @path, then
 * compares. A difference is %INB_VIDEO_ERROR_MISMATCH with a message
 * giving expected and actual values.
 */
gboolean
inb_video_verify (const char    *path,
                  guint          expected_width,
                  guint          expected_height,
                  guint          expected_frames,
                  InbVideoInfo  *info,
                  GError       **error)
{
  return inb_video_verify_keeping (path, expected_width, expected_height, expected_frames,
                                   NULL, 0, NULL, info, error);
}

/**
 * inb_video_read_frame:
 * @index: 0-based frame number in decoding-output (presentation) order
 *
 * Decodes up to frame @index on the calling thread and returns it.
 *
 * Returns: (transfer full): packed RGB (stride = 3 × width), or %NULL with
 *   @error set (the probe errors, or %INB_VIDEO_ERROR_MISMATCH if the clip
 *   has fewer frames)
 */
InbImage *
inb_video_read_frame (const char  *path,
                      guint        index,
                      GError     **error)
{
  g_autoptr(ReadState) state = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(state = run_pipeline (path, TRUE, index, NULL, 0, 0, error)))
    return NULL;

  if (state->frame_error != NULL)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED,
                   _("Could not read frame %u of “%s”: %s"), index, path, state->frame_error);
      return NULL;
    }
  if (state->frame == NULL)
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_MISMATCH,
                   _("“%s” has no frame %u (it has %u frames)"), path, index, state->n_frames);
      return NULL;
    }

  return g_steal_pointer (&state->frame);
}

/* In a process of its own ------------------------------------------------ */

/* Downloaded files are hostile until proven otherwise, and GStreamer's
 * demuxers parse them (qtdemux has had its share of memory bugs): the
 * helper (backends/inb-probe-helper.c) runs inb_video_probe_full() and
 * prints the outcome as one JSON object. Whatever happens to it (a crash,
 * a hang, memory running out under its limit, garbage on stdout) is an
 * error here: the file is not verified. */

#define ISOLATED_MAX_ANSWER  (64 * 1024)

static void
inb_video_info_free_boxed (InbVideoInfo *info)
{
  inb_video_info_clear (info);
  g_free (info);
}
#define ISOLATED_MAX_SIDE    16384

typedef struct
{
  GSubprocess *process;
  GSource     *timeout_source;
  GSource     *cancel_source;
  char        *path;
  guint        timeout_ms;
  gboolean     timed_out;
  gboolean     cancelled;
  GBytes      *out;
  GBytes      *err;
} IsolatedProbe;

static void
isolated_probe_free (IsolatedProbe *probe)
{
  if (probe->timeout_source != NULL)
    {
      g_source_destroy (probe->timeout_source);
      g_source_unref (probe->timeout_source);
    }
  if (probe->cancel_source != NULL)
    {
      g_source_destroy (probe->cancel_source);
      g_source_unref (probe->cancel_source);
    }
  g_clear_object (&probe->process);
  g_free (probe->path);
  g_clear_pointer (&probe->out, g_bytes_unref);
  g_clear_pointer (&probe->err, g_bytes_unref);
  g_free (probe);
}

static char *
find_probe_helper (GError **error)
{
  const char *override = g_getenv (INB_VIDEO_PROBE_HELPER_ENV);

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  if (g_file_test (INB_PROBE_HELPER_INSTALLED, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (INB_PROBE_HELPER_INSTALLED);
  if (g_file_test (INB_PROBE_HELPER_BUILT, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (INB_PROBE_HELPER_BUILT);

  g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
               _("The video checker (%s) is not installed"), INB_PROBE_HELPER_INSTALLED);
  return NULL;
}

static gboolean
isolated_timeout_cb (gpointer user_data)
{
  IsolatedProbe *probe = g_task_get_task_data (user_data);

  g_debug ("Checking %s: no answer after %u ms, stopping the checker", probe->path, probe->timeout_ms);
  probe->timed_out = TRUE;
  g_subprocess_force_exit (probe->process);
  g_clear_pointer (&probe->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static gboolean
isolated_cancel_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  IsolatedProbe *probe = g_task_get_task_data (user_data);

  probe->cancelled = TRUE;
  g_subprocess_force_exit (probe->process);
  g_clear_pointer (&probe->cancel_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

/* The helper's answer: {"ok": true, "width": …} or {"ok": false, "domain": …} */
static gboolean
read_isolated_answer (IsolatedProbe  *probe,
                      InbVideoInfo   *info,
                      GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  gsize length = 0;
  const char *data = probe->out != NULL ? g_bytes_get_data (probe->out, &length) : NULL;

  if (data == NULL || length == 0 || length > ISOLATED_MAX_ANSWER ||
      !g_utf8_validate (data, (gssize) length, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
                   _("The video checker gave no usable answer about “%s”; the file was not accepted"),
                   probe->path);
      return FALSE;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_boolean_member_with_default (root, "ok", FALSE))
    {
      gint64 width = json_object_get_int_member_with_default (root, "width", 0);
      gint64 height = json_object_get_int_member_with_default (root, "height", 0);
      gint64 frames = json_object_get_int_member_with_default (root, "frames", 0);
      double fps = json_object_get_double_member_with_default (root, "fps", 0);
      double duration = json_object_get_double_member_with_default (root, "duration", 0);
      const char *container_type = json_object_get_string_member_with_default (root, "container_type", NULL);

      if (width <= 0 || height <= 0 || width > ISOLATED_MAX_SIDE || height > ISOLATED_MAX_SIDE ||
          frames <= 0 || frames > G_MAXINT32 || !(fps >= 0 && fps < 10000) ||
          !(duration >= 0 && duration < 1e7))
        {
          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
                       _("The video checker gave an impossible answer about “%s”; the file was not accepted"),
                       probe->path);
          return FALSE;
        }

      /* Services send MP4: an image or anything else that happens to
       * decode into a frame is not a clip */
      if (container_type == NULL || !(g_str_has_prefix (container_type, "video/") ||
                                      g_str_equal (container_type, "application/x-3gp")))
        {
          g_set_error (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_NOT_VIDEO,
                       _("“%s” is not a video file (it looks like %s)"), probe->path,
                       container_type != NULL ? container_type : _("an unknown format"));
          return FALSE;
        }

      if (info != NULL)
        {
          const char *codec = json_object_get_string_member_with_default (root, "codec", NULL);
          const char *container = json_object_get_string_member_with_default (root, "container", NULL);

          info->width = (guint) width;
          info->height = (guint) height;
          info->n_frames = (guint) frames;
          info->fps = fps;
          info->duration = duration;
          info->video_codec = g_strdup (codec);
          info->container = g_strdup (container);
          info->container_type = g_strdup (container_type);
        }
      return TRUE;
    }
  else
    {
      const char *domain = json_object_get_string_member_with_default (root, "domain", "");
      const char *message = json_object_get_string_member_with_default (root, "message", NULL);
      gint64 code = json_object_get_int_member_with_default (root, "code", 0);

      if (message == NULL)
        message = _("the video checker rejected it");

      if (g_str_equal (domain, g_quark_to_string (INB_VIDEO_ERROR)) &&
          code >= INB_VIDEO_ERROR_FAILED && code <= INB_VIDEO_ERROR_CHECKER)
        g_set_error_literal (error, INB_VIDEO_ERROR, (int) code, message);
      else if (g_str_equal (domain, g_quark_to_string (G_IO_ERROR)) && code >= 0 && code < 100)
        g_set_error_literal (error, G_IO_ERROR, (int) code, message);
      else
        g_set_error_literal (error, INB_VIDEO_ERROR, INB_VIDEO_ERROR_FAILED, message);
      return FALSE;
    }
}

static void
isolated_waited_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IsolatedProbe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);

  if (probe->cancelled)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  else if (probe->timed_out)
    g_task_return_new_error (task, INB_VIDEO_ERROR, INB_VIDEO_ERROR_TIMEOUT,
                             _("Checking “%s” took longer than %u ms: the checker was stopped and the file "
                               "was not accepted"), probe->path, probe->timeout_ms);
  else if (g_subprocess_get_if_signaled (probe->process))
    g_task_return_new_error (task, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
                             _("The video checker crashed on “%s” (signal %d); the file was not accepted"),
                             probe->path, g_subprocess_get_term_sig (probe->process));
  else if (!g_subprocess_get_if_exited (probe->process) || g_subprocess_get_exit_status (probe->process) != 0)
    g_task_return_new_error (task, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
                             _("The video checker failed on “%s” (exit status %d); the file was not accepted"),
                             probe->path, g_subprocess_get_if_exited (probe->process)
                                          ? g_subprocess_get_exit_status (probe->process) : -1);
  else
    {
      InbVideoInfo *info = g_new0 (InbVideoInfo, 1);

      if (read_isolated_answer (probe, info, &error))
        g_task_return_pointer (task, info, (GDestroyNotify) inb_video_info_free_boxed);
      else
        {
          inb_video_info_free_boxed (info);
          g_task_return_error (task, g_steal_pointer (&error));
        }
    }
}

static void
isolated_communicated_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  IsolatedProbe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &probe->out, &probe->err, &error))
    {
      g_debug ("Checker of %s: %s", probe->path, error->message);
      g_subprocess_force_exit (probe->process);
    }

  if (probe->err != NULL && g_bytes_get_size (probe->err) > 0)
    g_debug ("Checker of %s said: %.*s", probe->path, (int) MIN (g_bytes_get_size (probe->err), 2000),
             (const char *) g_bytes_get_data (probe->err, NULL));

  g_subprocess_wait_async (probe->process, NULL, isolated_waited_cb, task);
}

/**
 * inb_video_probe_isolated_async:
 * @path: a local file (a download, say)
 * @timeout_ms: give up after this long (0 = %INB_VIDEO_PROBE_TIMEOUT_MS)
 *
 * inb_video_probe_full() in the helper process (`inbetween-probe`, or
 * the one %INB_VIDEO_PROBE_HELPER_ENV names). It is killed after
 * @timeout_ms; its crash, hang or garbage is an error, never the
 * caller's crash or hang. Nothing blocks the calling thread's context.
 */
void
inb_video_probe_isolated_async (const char          *path,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = NULL;
  g_autofree char *inner = NULL;
  IsolatedProbe *probe;

  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_video_probe_isolated_async);
  g_task_set_name (task, "[inb] probe isolated");

  probe = g_new0 (IsolatedProbe, 1);
  probe->path = g_strdup (path);
  probe->timeout_ms = timeout_ms != 0 ? timeout_ms : INB_VIDEO_PROBE_TIMEOUT_MS;
  g_task_set_task_data (task, probe, (GDestroyNotify) isolated_probe_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  if ((helper = find_probe_helper (&error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The helper gives up a little before it would be killed */
  inner = g_strdup_printf ("%u", MAX (1, probe->timeout_ms - MIN (probe->timeout_ms / 5, 1000)));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  probe->process = g_subprocess_launcher_spawn (launcher, &error, helper, "--timeout-ms", inner, "--", path, NULL);
  if (probe->process == NULL)
    {
      g_task_return_new_error (task, INB_VIDEO_ERROR, INB_VIDEO_ERROR_CHECKER,
                               _("The video checker could not be started: %s"), error->message);
      return;
    }

  probe->timeout_source = g_timeout_source_new (probe->timeout_ms);
  g_source_set_name (probe->timeout_source, "[inb] probe isolated timeout");
  g_source_set_callback (probe->timeout_source, isolated_timeout_cb, task, NULL);
  g_source_attach (probe->timeout_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      probe->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_name (probe->cancel_source, "[inb] probe isolated cancel");
      g_source_set_callback (probe->cancel_source, G_SOURCE_FUNC (isolated_cancel_cb), task, NULL);
      g_source_attach (probe->cancel_source, g_task_get_context (task));
    }

  g_subprocess_communicate_async (probe->process, NULL, NULL, isolated_communicated_cb, g_steal_pointer (&task));
}

/**
 * inb_video_probe_isolated_finish:
 * @info: (out caller-allocates) (optional): filled on success
 *
 * Returns: %TRUE if the helper found a complete, playable video; the
 *   errors are inb_video_probe_full()'s, plus %INB_VIDEO_ERROR_TIMEOUT
 *   when the helper was stopped and %INB_VIDEO_ERROR_CHECKER when it
 *   crashed, could not run or gave no usable answer
 */
gboolean
inb_video_probe_isolated_finish (GAsyncResult  *result,
                                 InbVideoInfo  *info,
                                 GError       **error)
{
  InbVideoInfo *found;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_video_probe_isolated_async, FALSE);

  if (info != NULL)
    memset (info, 0, sizeof *info);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;

  if (info != NULL)
    {
      *info = *found;
      g_free (found);
    }
  else
    inb_video_info_free_boxed (found);

  return TRUE;
}

static void
isolated_sync_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * inb_video_probe_isolated:
 *
 * inb_video_probe_isolated_async() waited for on a private main context:
 * for worker threads.
 */
gboolean
inb_video_probe_isolated (const char    *path,
                          guint          timeout_ms,
                          InbVideoInfo  *info,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  g_main_context_push_thread_default (context);
  inb_video_probe_isolated_async (path, timeout_ms, cancellable, isolated_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  ok = inb_video_probe_isolated_finish (result, info, error);
  g_main_context_pop_thread_default (context);

  return ok;
}
