/* inb-export-webp.c — animated WebP with libwebp's animation encoder
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "inb-export-private.h"

/* Lossy at quality 82 (close to the clip's own H.264 at crf 18 for
 * gradients, a fraction of a lossless animation's size); method 3 is
 * libwebp's balance of speed and size. */
#define WEBP_QUALITY 82.0f
#define WEBP_METHOD  3

typedef struct
{
  InbExportSink      parent;

  InbExportSinkParams params;
  char              *path;
  char              *metadata;
  WebPAnimEncoder   *encoder;
  WebPConfig         config;
  guint              n_frames;
} WebpSink;

static int
timestamp_ms (const WebpSink *self,
              guint           frame)
{
  return (int) (((guint64) frame * 1000 * self->params.fps_d + self->params.fps_n / 2) / self->params.fps_n);
}

static gboolean
webp_sink_push (InbExportSink  *sink,
                InbImage       *frame,
                GError        **error)
{
  WebpSink *self = (WebpSink *) sink;
  WebPPicture picture;
  gboolean ok;

  if (!WebPPictureInit (&picture))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("libwebp does not match its headers"));
      return FALSE;
    }
  picture.use_argb = 1;
  picture.width = (int) inb_image_get_width (frame);
  picture.height = (int) inb_image_get_height (frame);
  ok = WebPPictureImportRGB (&picture, inb_image_get_data (frame), (int) inb_image_get_stride (frame)) &&
       WebPAnimEncoderAdd (self->encoder, &picture, timestamp_ms (self, self->n_frames), &self->config);
  if (!ok)
    {
      const char *text = WebPAnimEncoderGetError (self->encoder);

      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("The WebP encoder failed on frame %u: %s"), self->n_frames,
                   text && *text ? text : _("out of memory"));
    }
  WebPPictureFree (&picture);
  self->n_frames += ok;

  return ok;
}

/* XMP keeps the settings as the description, the JSON escaped for XML. */
static char *
xmp_packet (const char *json)
{
  g_autofree char *escaped = g_markup_escape_text (json, -1);

  return g_strdup_printf ("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                          "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
                          "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                          "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                          "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>"
                          "<dc:creator><rdf:Seq><rdf:li>Inbetween</rdf:li></rdf:Seq></dc:creator>"
                          "</rdf:Description></rdf:RDF></x:xmpmeta>"
                          "<?xpacket end=\"r\"?>", escaped);
}

static gboolean
webp_sink_finish (InbExportSink  *sink,
                  GError        **error)
{
  WebpSink *self = (WebpSink *) sink;
  WebPData data, output;
  WebPMux *mux = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = FALSE;

  WebPDataInit (&data);
  WebPDataInit (&output);

  if (self->n_frames == 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("No frames were written"));
      return FALSE;
    }
  if (!WebPAnimEncoderAdd (self->encoder, NULL, timestamp_ms (self, self->n_frames), NULL) ||
      !WebPAnimEncoderAssemble (self->encoder, &data))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                   _("The WebP encoder failed: %s"), WebPAnimEncoderGetError (self->encoder));
      goto out;
    }

  if (self->metadata != NULL)
    {
      g_autofree char *xmp = xmp_packet (self->metadata);
      WebPData chunk = { (const uint8_t *) xmp, strlen (xmp) };

      mux = WebPMuxCreate (&data, 0);
      if (mux == NULL ||
          WebPMuxSetChunk (mux, "XMP ", &chunk, 1) != WEBP_MUX_OK ||
          WebPMuxAssemble (mux, &output) != WEBP_MUX_OK)
        {
          g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER,
                       _("The settings could not be added to the WebP file"));
          goto out;
        }
    }
  else
    {
      output = data;
      WebPDataInit (&data);
    }

  if (!g_file_set_contents (self->path, (const char *) output.bytes, (gssize) output.size, &local_error))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                   _("Could not write the WebP file: %s"), local_error->message);
      goto out;
    }
  ok = TRUE;

out:
  if (mux != NULL)
    WebPMuxDelete (mux);
  WebPDataClear (&data);
  WebPDataClear (&output);
  return ok;
}

static void
webp_sink_free (InbExportSink *sink)
{
  WebpSink *self = (WebpSink *) sink;

  if (self->encoder != NULL)
    WebPAnimEncoderDelete (self->encoder);
  g_free (self->path);
  g_free (self->metadata);
  g_free (self);
}

InbExportSink *
_inb_export_sink_new_webp (const InbExportSinkParams  *params,
                           GError                    **error)
{
  WebpSink *self;
  WebPAnimEncoderOptions options;

  if (params->width > WEBP_MAX_DIMENSION || params->height > WEBP_MAX_DIMENSION)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("A WebP image can be at most %d pixels wide and high"), WEBP_MAX_DIMENSION);
      return NULL;
    }

  self = g_new0 (WebpSink, 1);
  self->parent.push = webp_sink_push;
  self->parent.finish = webp_sink_finish;
  self->parent.free = webp_sink_free;
  self->params = *params;
  self->path = g_strdup (params->path);
  self->metadata = g_strdup (params->metadata);

  if (!WebPAnimEncoderOptionsInit (&options) ||
      !WebPConfigPreset (&self->config, WEBP_PRESET_DEFAULT, WEBP_QUALITY))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("libwebp does not match its headers"));
      webp_sink_free ((InbExportSink *) self);
      return NULL;
    }
  options.anim_params.loop_count = (int) MIN (params->loop, 65535);
  options.allow_mixed = 0;
  options.minimize_size = 0;
  self->config.method = WEBP_METHOD;
  self->config.thread_level = 1;

  self->encoder = WebPAnimEncoderNew ((int) params->width, (int) params->height, &options);
  if (self->encoder == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_ENCODER, _("The WebP encoder could not start"));
      webp_sink_free ((InbExportSink *) self);
      return NULL;
    }

  return (InbExportSink *) self;
}

/* ------------------------------------------------------------ reading back */

typedef struct
{
  gboolean  in_li;
  guint     depth_description;
  GString  *text;
  gboolean  done;
} XmpParse;

static void
xmp_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  XmpParse *parse = user_data;

  if (g_str_equal (element, "dc:description"))
    parse->depth_description++;
  else if (g_str_equal (element, "rdf:li") && parse->depth_description > 0 && !parse->done)
    parse->in_li = TRUE;
}

static void
xmp_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  XmpParse *parse = user_data;

  if (g_str_equal (element, "dc:description") && parse->depth_description > 0)
    parse->depth_description--;
  else if (g_str_equal (element, "rdf:li") && parse->in_li)
    {
      parse->in_li = FALSE;
      parse->done = TRUE;
    }
}

static void
xmp_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  XmpParse *parse = user_data;

  if (parse->in_li)
    g_string_append_len (parse->text, text, (gssize) length);
}

static char *
text_from_xmp (const char *xmp,
               gsize       length)
{
  static const GMarkupParser parser = { xmp_start, xmp_end, xmp_text, NULL, NULL };
  g_autoptr(GString) text = g_string_new (NULL);
  XmpParse parse = { FALSE, 0, text, FALSE };
  g_autoptr(GMarkupParseContext) context = NULL;
  const char *start = g_strstr_len (xmp, (gssize) length, "<x:xmpmeta");
  const char *end = g_strstr_len (xmp, (gssize) length, "</x:xmpmeta>");

  if (start == NULL || end == NULL || end < start)
    return NULL;
  end += strlen ("</x:xmpmeta>");

  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  if (!g_markup_parse_context_parse (context, start, end - start, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL) ||
      !parse.done || strstr (text->str, INB_EXPORT_METADATA_KEY) == NULL)
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * _inb_export_read_webp_text:
 *
 * Blocking: the settings in a WebP file's XMP chunk.
 */
char *
_inb_export_read_webp_text (const char  *path,
                            GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  WebPData data;
  WebPDemuxer *demux;
  WebPChunkIterator chunk;
  char *text = NULL;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return NULL;
    }

  data.bytes = (const uint8_t *) g_mapped_file_get_contents (file);
  data.size = g_mapped_file_get_length (file);
  demux = WebPDemux (&data);
  if (demux == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("“%s” is not a WebP file"), path);
      return NULL;
    }

  if (WebPDemuxGetChunk (demux, "XMP ", 1, &chunk))
    {
      text = text_from_xmp ((const char *) chunk.chunk.bytes, chunk.chunk.size);
      WebPDemuxReleaseChunkIterator (&chunk);
    }
  WebPDemuxDelete (demux);

  return text;
}
