/* inb-export-source.c — count a clip's frames and decode them for export
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#endif

#include "inb-export-private.h"

/* How long one wait on the pipeline lasts before the cancellable is
 * looked at again. */
#define POLL_MS 50
/* A clip that takes longer than this to count is not a clip we made. */
#define PROBE_TIMEOUT_S 60

static gboolean
ensure_gst (GError **error)
{
  g_autoptr(GError) init_error = NULL;

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("Could not initialise GStreamer: %s"), init_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
set_error_from_message (GstMessage  *message,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("%s: %s (%s)", path, gst_error->message, debug ? debug : "");
  g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
               _("Could not read the clip “%s”: %s"), path, gst_error->message);
}

/* ------------------------------------------------------------ counting */

typedef struct
{
  GMutex       mutex;
  GstElement  *pipeline;
  gboolean     have_video;
  guint        n_frames;
  GstCaps     *caps;
} ProbeState;

static GstPadProbeReturn
count_probe (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  ProbeState *state = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  /* Header-only buffers (codec data) carry no picture. */
  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_HEADER) && gst_buffer_get_size (buffer) == 0)
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&state->mutex);
  state->n_frames++;
  if (state->caps == NULL)
    state->caps = gst_pad_get_current_caps (pad);
  g_mutex_unlock (&state->mutex);

  return GST_PAD_PROBE_OK;
}

static void
probe_pad_added_cb (GstElement *parsebin,
                    GstPad     *pad,
                    ProbeState *state)
{
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = NULL;
  gboolean count = FALSE;

  if (sink == NULL)
    return;
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (state->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");

  g_mutex_lock (&state->mutex);
  if (caps != NULL && !gst_caps_is_empty (caps) &&
      g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/") &&
      !state->have_video)
    {
      state->have_video = TRUE;
      count = TRUE;
    }
  g_mutex_unlock (&state->mutex);

  if (count)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_probe, state, NULL);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_debug ("could not link a parsed pad");
}

/**
 * _inb_export_probe_clip:
 *
 * Blocking: runs the clip through parsebin (demuxer and parser, no
 * decoder) and counts the video packets: one per frame.
 */
gboolean
_inb_export_probe_clip (const char    *path,
                        InbClipInfo   *info,
                        GCancellable  *cancellable,
                        GError       **error)
{
  ProbeState state = { 0 };
  g_autoptr(GstBus) bus = NULL;
  GstElement *src, *parsebin;
  gboolean ok = FALSE;
  gint64 deadline;

  memset (info, 0, sizeof *info);
  if (!ensure_gst (error))
    return FALSE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("The take has no clip at “%s”"), path);
      return FALSE;
    }

  g_mutex_init (&state.mutex);
  state.pipeline = gst_object_ref_sink (gst_pipeline_new ("inb-export-count"));
  src = gst_element_factory_make ("filesrc", NULL);
  parsebin = gst_element_factory_make ("parsebin", NULL);
  if (src == NULL || parsebin == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("GStreamer is incomplete (filesrc or parsebin missing); install the package %s"),
                   "gstreamer1.0-plugins-base");
      g_clear_object (&src);
      g_clear_object (&parsebin);
      goto out;
    }
  gst_bin_add_many (GST_BIN (state.pipeline), src, parsebin, NULL);
  g_object_set (src, "location", path, NULL);
  g_signal_connect (parsebin, "pad-added", G_CALLBACK (probe_pad_added_cb), &state);
  if (!gst_element_link (src, parsebin))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE, _("Could not read the clip “%s”"), path);
      goto out;
    }

  bus = gst_element_get_bus (state.pipeline);
  if (gst_element_set_state (state.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        set_error_from_message (message, path, error);
      else
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE, _("Could not read the clip “%s”"), path);
      goto out;
    }

  deadline = g_get_monotonic_time () + PROBE_TIMEOUT_S * G_TIME_SPAN_SECOND;
  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                       ngettext ("Reading the clip “%s” took longer than %d second",
                                 "Reading the clip “%s” took longer than %d seconds", PROBE_TIMEOUT_S),
                       path, PROBE_TIMEOUT_S);
          goto out;
        }
      message = gst_bus_timed_pop_filtered (bus, POLL_MS * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          set_error_from_message (message, path, error);
          goto out;
        }
      break;   /* EOS */
    }

  gst_element_set_state (state.pipeline, GST_STATE_NULL);

  if (state.n_frames == 0 || state.caps == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("The clip “%s” has no video frames"), path);
      goto out;
    }
  else
    {
      GstStructure *s = gst_caps_get_structure (state.caps, 0);
      int w = 0, h = 0, fn = 0, fd = 1;

      gst_structure_get_int (s, "width", &w);
      gst_structure_get_int (s, "height", &h);
      if (!gst_structure_get_fraction (s, "framerate", &fn, &fd) || fn <= 0 || fd <= 0)
        {
          fn = 16;   /* what every backend we know of makes when it does not say */
          fd = 1;
        }
      if (w <= 0 || h <= 0)
        {
          g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                       _("The clip “%s” does not say its frame size"), path);
          goto out;
        }
      info->n_frames = state.n_frames;
      info->width = (guint) w;
      info->height = (guint) h;
      info->fps_n = (guint) fn;
      info->fps_d = (guint) fd;
      ok = TRUE;
    }

out:
  if (state.pipeline != NULL)
    {
      gst_element_set_state (state.pipeline, GST_STATE_NULL);
      gst_object_unref (state.pipeline);
    }
  gst_clear_caps (&state.caps);
  g_mutex_clear (&state.mutex);
  return ok;
}

/* ------------------------------------------------------------ decoding */

struct _InbExportSource
{
  char        *path;
  GstElement  *pipeline;
  GstElement  *convert;
  GstElement  *appsink;
  GstBus      *bus;
  InbExportSourceMode mode;
  gboolean     eos;

  /* Which decoded frames pass; guarded by the streaming thread order. */
  guint       *wanted;
  guint        n_wanted;
  guint        decoded;      /* streaming thread */
  guint        next_wanted;  /* streaming thread */
  guint        delivered;    /* caller */
};

static GstPadProbeReturn
select_probe (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  InbExportSource *self = user_data;
  guint index = self->decoded++;

  if (self->wanted == NULL)
    return GST_PAD_PROBE_OK;
  if (self->next_wanted < self->n_wanted && self->wanted[self->next_wanted] == index)
    {
      self->next_wanted++;
      return GST_PAD_PROBE_OK;
    }
  return GST_PAD_PROBE_DROP;
}

static void
source_pad_added_cb (GstElement      *decodebin,
                     GstPad          *pad,
                     InbExportSource *self)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (self->convert, "sink");

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  if (caps == NULL || gst_caps_is_empty (caps) ||
      !gst_structure_has_name (gst_caps_get_structure (caps, 0), "video/x-raw") ||
      gst_pad_is_linked (sinkpad))
    {
      GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) fakepad = NULL;

      if (fakesink == NULL)
        return;
      g_object_set (fakesink, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (self->pipeline), fakesink);
      gst_element_sync_state_with_parent (fakesink);
      fakepad = gst_element_get_static_pad (fakesink, "sink");
      gst_pad_link (pad, fakepad);
      return;
    }

  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_debug ("could not link the decoded video");
}

InbExportSource *
_inb_export_source_new (const char    *path,
                        guint          width,
                        guint          height,
                        InbExportSourceMode mode,
                        const guint   *wanted,
                        guint          n_wanted,
                        GError       **error)
{
  g_autoptr(InbExportSource) self = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) convert_sink = NULL;
  GstElement *src, *decodebin, *scale, *filter;
  /* PRECISE is for the take's fidelity figures (a few frames): one
   * thread, as backends/video's verifier converts the frames it keeps,
   * since GStreamer 1.22's videoconvert gives other pixels from YUV
   * with two threads than with one (up to 14 levels in the second
   * stripe at 720p), and a take's figures must not depend on the
   * machine. The export's whole-clip decode keeps the cores. */
  guint n_threads = mode == INB_EXPORT_SOURCE_PRECISE ? 1 : MIN (g_get_num_processors (), 8);

  if (!ensure_gst (error))
    return NULL;

  self = g_new0 (InbExportSource, 1);
  self->path = g_strdup (path);
  self->mode = mode;
  if (wanted != NULL)
    {
      self->wanted = g_memdup2 (wanted, sizeof (guint) * n_wanted);
      self->n_wanted = n_wanted;
    }

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("inb-export-source"));
  src = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  self->convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  self->appsink = gst_element_factory_make ("appsink", NULL);
  {
    GstElement *elements[] = { src, decodebin, self->convert, scale, filter, self->appsink };
    gboolean missing = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
      {
        if (elements[i] != NULL)
          gst_bin_add (GST_BIN (self->pipeline), elements[i]);
        else
          missing = TRUE;
      }
    if (missing)
      {
        self->convert = self->appsink = NULL;
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                     _("GStreamer is incomplete (decodebin, videoconvert or videoscale missing); install the package %s"),
                     "gstreamer1.0-plugins-base");
        return NULL;
      }
  }
  gst_object_ref (self->appsink);

  g_object_set (src, "location", path, NULL);
  g_object_set (self->convert, "n-threads", n_threads, NULL);
  g_object_set (scale, "n-threads", n_threads, NULL);
  /* Lanczos keeps detail when shrinking for GIF; bilinear is blurrier. */
  gst_util_set_object_arg (G_OBJECT (scale), "method", "lanczos");

  caps = gst_caps_new_simple ("video/x-raw",
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  if (mode != INB_EXPORT_SOURCE_RAW)
    gst_caps_set_simple (caps, "format", G_TYPE_STRING, mode == INB_EXPORT_SOURCE_PRECISE ? "ARGB64" : "RGB", NULL);
  if (width > 0 && height > 0)
    gst_caps_set_simple (caps, "width", G_TYPE_INT, (int) width, "height", G_TYPE_INT, (int) height, NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (self->appsink,
                "sync", FALSE,
                "enable-last-sample", FALSE,
                "max-buffers", (guint) 4,
                NULL);

  g_signal_connect (decodebin, "pad-added", G_CALLBACK (source_pad_added_cb), self);
  if (!gst_element_link (src, decodebin) ||
      !gst_element_link_many (self->convert, scale, filter, self->appsink, NULL))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not set up decoding of “%s”"), path);
      return NULL;
    }

  convert_sink = gst_element_get_static_pad (self->convert, "sink");
  gst_pad_add_probe (convert_sink, GST_PAD_PROBE_TYPE_BUFFER, select_probe, self, NULL);

  self->bus = gst_element_get_bus (self->pipeline);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        set_error_from_message (message, path, error);
      else
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                     _("Could not read the clip “%s”"), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static InbImage *
image_from_sample (GstSample  *sample,
                   gboolean    precise,
                   GError    **error)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoInfo vinfo;
  GstVideoFrame vframe;
  g_autoptr(InbImage) image = NULL;
  guint8 *dst;
  const guint8 *src;
  gsize src_stride, dst_stride;
  guint width, height;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&vinfo, caps) ||
      !gst_video_frame_map (&vframe, &vinfo, buffer, GST_MAP_READ))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("A decoded frame could not be read"));
      return NULL;
    }

  width = (guint) GST_VIDEO_INFO_WIDTH (&vinfo);
  height = (guint) GST_VIDEO_INFO_HEIGHT (&vinfo);
  image = inb_image_new (width, height);
  dst = inb_image_get_data_mut (image);
  dst_stride = inb_image_get_stride (image);
  src = GST_VIDEO_FRAME_PLANE_DATA (&vframe, 0);
  src_stride = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 0);

#ifdef HAVE_VALGRIND_MEMCHECK_H
  /* Under valgrind's memcheck only (natively a few no-op instructions): the
   * frame's visible pixels are what the decoder made of the clip, so they
   * are defined from here on. libavcodec's H.264 decoder reads bytes of
   * the picture buffer it has not written when it decodes some blocks at
   * the picture's left edge (into gst-libav's pool buffers, which are not
   * zeroed; FFmpeg's own are, av_buffer_allocz), and memcheck marks the
   * pixels it computes there undefined, though their values do not depend
   * on those bytes: the same whether the buffers start as 0x00 or 0xff
   * (--malloc-fill) or natively. Those pixels then reached every use of the
   * frame (the fidelity measure, the thumbnail, take.json's numbers) as 299
   * reports in a traced `inbetween generate` (docs/reliability.md). */
  for (guint y = 0; y < height; y++)
    VALGRIND_MAKE_MEM_DEFINED (src + y * src_stride, (gsize) width * (precise ? 8 : 3));
#endif

  for (guint y = 0; y < height; y++)
    {
      guint8 *out = dst + y * dst_stride;

      if (precise)
        {
          const guint16 *in = (const guint16 *) (gconstpointer) (src + y * src_stride);

          /* native-endian A, R, G, B words */
          for (guint x = 0; x < width; x++)
            for (guint c = 0; c < 3; c++)
              out[x * 3 + c] = (guint8) ((in[x * 4 + 1 + c] * 255u + 32767u) / 65535u);
        }
      else
        memcpy (out, src + y * src_stride, (gsize) width * 3);
    }
  gst_video_frame_unmap (&vframe);

  return g_steal_pointer (&image);
}

GstSample *
_inb_export_source_next_sample (InbExportSource  *self,
                                guint            *index,
                                GCancellable     *cancellable,
                                GError          **error)
{
  for (;;)
    {
      GstSample *sample;
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (self->eos)
        return NULL;

      message = gst_bus_pop_filtered (self->bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          set_error_from_message (message, self->path, error);
          return NULL;
        }

      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (self->appsink), POLL_MS * GST_MSECOND);
      if (sample != NULL)
        {
          if (index != NULL)
            *index = self->wanted ? self->wanted[self->delivered] : self->delivered;
          self->delivered++;
          return sample;
        }

      if (gst_app_sink_is_eos (GST_APP_SINK (self->appsink)))
        {
          self->eos = TRUE;
          return NULL;
        }
    }
}

InbImage *
_inb_export_source_next (InbExportSource  *self,
                         guint            *index,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(GstSample) sample = NULL;

  g_return_val_if_fail (self->mode != INB_EXPORT_SOURCE_RAW, NULL);

  sample = _inb_export_source_next_sample (self, index, cancellable, error);
  if (sample == NULL)
    return NULL;
  return image_from_sample (sample, self->mode == INB_EXPORT_SOURCE_PRECISE, error);
}

void
_inb_export_source_free (InbExportSource *self)
{
  if (self == NULL)
    return;
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_object_unref (self->pipeline);
    }
  gst_clear_object (&self->appsink);
  gst_clear_object (&self->bus);
  g_free (self->wanted);
  g_free (self->path);
  g_free (self);
}
