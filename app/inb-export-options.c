/* inb-export-options.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "inb-export-options.h"

G_DEFINE_QUARK (inb-export-error-quark, inb_export_error)

typedef struct
{
  const char *name;
  const char *extension;
  const char *title;
  const char *aliases[3];
} FormatInfo;

static const FormatInfo formats[INB_EXPORT_N_FORMATS] = {
  [INB_EXPORT_FORMAT_MP4]    = { "mp4",    "mp4",  N_("MP4 (H.264)"),           { "h264", "mpeg4" } },
  [INB_EXPORT_FORMAT_WEBM]   = { "webm",   "webm", N_("WebM (VP9)"),            { "vp9" } },
  [INB_EXPORT_FORMAT_PRORES] = { "prores", "mov",  N_("ProRes 422 HQ (MOV)"),   { "mov", "prores-hq" } },
  [INB_EXPORT_FORMAT_GIF]    = { "gif",    "gif",  N_("Animated GIF"),          { NULL } },
  [INB_EXPORT_FORMAT_WEBP]   = { "webp",   "webp", N_("Animated WebP"),         { NULL } },
  [INB_EXPORT_FORMAT_PNG]    = { "png",    "",     N_("PNG sequence (folder)"), { "png-sequence", "pngs" } },
};

void
inb_export_options_init (InbExportOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->format = INB_EXPORT_FORMAT_MP4;
  options->loop = -1;
}

const char *
inb_export_format_to_string (InbExportFormat format)
{
  g_return_val_if_fail (format < INB_EXPORT_N_FORMATS, NULL);
  return formats[format].name;
}

/* Returns: the translated name for people */
const char *
inb_export_format_get_title (InbExportFormat format)
{
  g_return_val_if_fail (format < INB_EXPORT_N_FORMATS, NULL);
  return _(formats[format].title);
}

/* Returns: the file name extension without the dot ("" for a folder) */
const char *
inb_export_format_get_extension (InbExportFormat format)
{
  g_return_val_if_fail (format < INB_EXPORT_N_FORMATS, NULL);
  return formats[format].extension;
}

gboolean
inb_export_format_is_video (InbExportFormat format)
{
  return format == INB_EXPORT_FORMAT_MP4 || format == INB_EXPORT_FORMAT_WEBM ||
         format == INB_EXPORT_FORMAT_PRORES;
}

/* TRUE for formats whose file says how often to play it. */
gboolean
inb_export_format_loops (InbExportFormat format)
{
  return format == INB_EXPORT_FORMAT_GIF || format == INB_EXPORT_FORMAT_WEBP;
}

gboolean
inb_export_parse_format (const char       *text,
                         InbExportFormat  *format,
                         GError          **error)
{
  g_return_val_if_fail (format != NULL, FALSE);

  for (guint i = 0; text != NULL && i < INB_EXPORT_N_FORMATS; i++)
    {
      if (g_ascii_strcasecmp (text, formats[i].name) == 0)
        {
          *format = (InbExportFormat) i;
          return TRUE;
        }
      for (guint a = 0; a < G_N_ELEMENTS (formats[i].aliases) && formats[i].aliases[a] != NULL; a++)
        if (g_ascii_strcasecmp (text, formats[i].aliases[a]) == 0)
          {
            *format = (InbExportFormat) i;
            return TRUE;
          }
    }

  g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
               _("Unknown format “%s”; use mp4, webm, prores, gif, webp or png"),
               text ? text : "");
  return FALSE;
}

/* A whole number in [min, max], nothing else (no sign, no spaces). */
static gboolean
parse_uint (const char *text,
            guint64     min,
            guint64     max,
            guint64    *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 12)
    return FALSE;
  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  if (value < min || value > max)
    return FALSE;

  *out = value;
  return TRUE;
}

/* "12" (a frame), "1.5s" or "2s" (seconds), "" (unset). */
static gboolean
parse_mark (const char    *text,
            gsize          length,
            InbExportMark *mark)
{
  g_autofree char *copy = g_strndup (text, length);
  gsize n = strlen (copy);

  memset (mark, 0, sizeof *mark);
  if (n == 0)
    return TRUE;
  if (n > 16)
    return FALSE;

  if (copy[n - 1] == 's')
    {
      char *end = NULL;
      double value;

      copy[n - 1] = '\0';
      if (copy[0] == '\0' || !(g_ascii_isdigit (copy[0]) || copy[0] == '.'))
        return FALSE;
      for (const char *p = copy; *p; p++)
        if (!g_ascii_isdigit (*p) && *p != '.')
          return FALSE;
      errno = 0;
      value = g_ascii_strtod (copy, &end);
      if (errno != 0 || end == copy || *end != '\0' || !isfinite (value) || value < 0 || value > 86400)
        return FALSE;
      mark->set = TRUE;
      mark->seconds = TRUE;
      mark->value = value;
      return TRUE;
    }
  else
    {
      guint64 frame;

      if (!parse_uint (copy, 0, INB_EXPORT_MAX_FRAMES, &frame))
        return FALSE;
      mark->set = TRUE;
      mark->value = (double) frame;
      return TRUE;
    }
}

/**
 * inb_export_parse_trim:
 * @text: "A:B" — A the first frame kept, B one past the last (like a
 *   Python slice); either may be left out ("10:", ":40"); a number ending
 *   in "s" is a time in seconds ("0.5s:3s").
 */
gboolean
inb_export_parse_trim (const char        *text,
                       InbExportOptions  *options,
                       GError           **error)
{
  const char *colon;
  InbExportMark in, out;

  g_return_val_if_fail (options != NULL, FALSE);

  colon = text ? strchr (text, ':') : NULL;
  if (colon == NULL || strchr (colon + 1, ':') != NULL ||
      !parse_mark (text, (gsize) (colon - text), &in) ||
      !parse_mark (colon + 1, strlen (colon + 1), &out))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("--trim “%s” is not a range: write FIRST:END in frames (10:40 keeps frames 10 to 39) or seconds (0.5s:2s)"),
                   text ? text : "");
      return FALSE;
    }
  if (in.set && out.set && in.seconds == out.seconds && out.value <= in.value)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("--trim “%s” keeps nothing: its end must come after its start"), text);
      return FALSE;
    }

  options->trim_in = in;
  options->trim_out = out;
  return TRUE;
}

gboolean
inb_export_parse_width (const char  *text,
                        guint       *width,
                        GError     **error)
{
  guint64 value;

  g_return_val_if_fail (width != NULL, FALSE);

  if (!parse_uint (text, 16, INB_EXPORT_MAX_WIDTH, &value))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("--scale “%s” is not a width: a whole number of pixels from 16 to %d"),
                   text ? text : "", INB_EXPORT_MAX_WIDTH);
      return FALSE;
    }

  *width = (guint) value;
  return TRUE;
}

gboolean
inb_export_parse_fps (const char  *text,
                      guint       *fps,
                      GError     **error)
{
  guint64 value;

  g_return_val_if_fail (fps != NULL, FALSE);

  if (!parse_uint (text, 1, INB_EXPORT_MAX_FPS, &value))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("--fps “%s” is not a frame rate: a whole number from 1 to %d"),
                   text ? text : "", INB_EXPORT_MAX_FPS);
      return FALSE;
    }

  *fps = (guint) value;
  return TRUE;
}

gboolean
inb_export_parse_loop (const char  *text,
                       int         *loop,
                       GError     **error)
{
  guint64 value;

  g_return_val_if_fail (loop != NULL, FALSE);

  if (!parse_uint (text, 0, INB_EXPORT_MAX_LOOP, &value))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("--loop “%s” is not a count: how many times to play, from 1 to %d (0 = forever, GIF and WebP only)"),
                   text ? text : "", INB_EXPORT_MAX_LOOP);
      return FALSE;
    }

  *loop = (int) value;
  return TRUE;
}

gboolean
inb_export_options_validate (const InbExportOptions  *options,
                             GError                 **error)
{
  g_return_val_if_fail (options != NULL, FALSE);

  if (options->format >= INB_EXPORT_N_FORMATS)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID, _("Unknown export format"));
      return FALSE;
    }
  if (options->width != 0 && (options->width < 16 || options->width > INB_EXPORT_MAX_WIDTH))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "A width of %u pixel is out of range: 16 to %d",
                                "A width of %u pixels is out of range: 16 to %d", options->width),
                   options->width, INB_EXPORT_MAX_WIDTH);
      return FALSE;
    }
  if (options->fps > INB_EXPORT_MAX_FPS)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%u frame per second is out of range: 1 to %d",
                                "%u frames per second is out of range: 1 to %d", options->fps),
                   options->fps, INB_EXPORT_MAX_FPS);
      return FALSE;
    }
  if (options->loop > INB_EXPORT_MAX_LOOP || options->loop < -1)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("A loop count of %d is out of range: 0 to %d"), options->loop, INB_EXPORT_MAX_LOOP);
      return FALSE;
    }
  if (options->loop == 0 && !inb_export_format_loops (options->format))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("Only GIF and WebP can loop forever (--loop 0); %s plays a set number of times"),
                   inb_export_format_to_string (options->format));
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
mark_to_json (const InbExportMark *mark)
{
  JsonNode *node = json_node_alloc ();

  if (!mark->set)
    return json_node_init_null (node);
  if (mark->seconds)
    {
      /* read back with g_ascii_strtod: never the locale's decimal comma */
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *text = g_strconcat (g_ascii_formatd (number, sizeof number, "%g", mark->value), "s", NULL);

      return json_node_init_string (node, text);
    }
  return json_node_init_int (node, (gint64) mark->value);
}

/* Returns: (transfer full): the options as recorded in the exported file */
JsonObject *
inb_export_options_to_json (const InbExportOptions *options)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "format", inb_export_format_to_string (options->format));
  if (options->width != 0)
    json_object_set_int_member (object, "width", options->width);
  if (options->fps != 0)
    json_object_set_int_member (object, "fps", options->fps);
  if (options->trim_in.set || options->trim_out.set)
    {
      JsonArray *trim = json_array_new ();

      json_array_add_element (trim, mark_to_json (&options->trim_in));
      json_array_add_element (trim, mark_to_json (&options->trim_out));
      json_object_set_array_member (object, "trim", trim);
    }
  if (options->loop >= 0)
    json_object_set_int_member (object, "loop", options->loop);
  json_object_set_boolean_member (object, "pingpong", options->pingpong);
  json_object_set_boolean_member (object, "colour_match", options->colour_match);

  return object;
}

static gboolean
resolve_mark (const InbExportMark *mark,
              guint                fallback,
              guint                n_frames,
              double               fps,
              guint               *frame)
{
  double value;

  if (!mark->set)
    {
      *frame = fallback;
      return TRUE;
    }
  if (mark->seconds)
    {
      value = floor (mark->value * fps + 0.5);
      *frame = (guint) MIN (value, (double) n_frames);   /* a time past the end means the end */
      return TRUE;
    }

  value = mark->value;
  if (value > n_frames)
    return FALSE;
  *frame = (guint) value;
  return TRUE;
}

static guint
round_even (double value)
{
  guint even = (guint) (floor (value / 2.0 + 0.5) * 2.0);

  return MAX (2, even);
}

/* The frames @options keep, [@first, @end) of @n_frames, or %FALSE. */
static gboolean
plan_trim (const InbExportOptions  *options,
           guint                    n_frames,
           double                   src_fps,
           guint                   *first,
           guint                   *end,
           GError                 **error)
{
  if (!resolve_mark (&options->trim_in, 0, n_frames, src_fps, first) ||
      !resolve_mark (&options->trim_out, n_frames, n_frames, src_fps, end))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "--trim goes past the end: the clip has %u frame (0 to %u)",
                                "--trim goes past the end: the clip has %u frames (0 to %u)", n_frames),
                   n_frames, n_frames - 1);
      return FALSE;
    }
  if (*end <= *first)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("The trim keeps no frames (from frame %u to before frame %u of %u)"), *first, *end, n_frames);
      return FALSE;
    }
  return TRUE;
}

/* One step per output frame of [@first, @end) at @options' rate: the
 * frames as they are at the clip's own rate, the nearest ones at a lower
 * rate, in-betweens at a higher one. */
static gboolean
plan_steps (InbExportPlan           *plan,
            const InbExportOptions  *options,
            guint                    first,
            guint                    end,
            guint                    fps_n,
            guint                    fps_d,
            GError                 **error)
{
  double src_fps = (double) fps_n / fps_d;
  guint kept = end - first;
  double ratio;
  guint n_out;

  if (options->fps == 0 || (guint64) options->fps * fps_d == fps_n)
    {
      plan->fps_n = options->fps ? options->fps : fps_n;
      plan->fps_d = options->fps ? 1 : fps_d;
      for (guint i = 0; i < kept; i++)
        {
          InbExportStep step = { first + i, 0.0 };
          g_array_append_val (plan->steps, step);
        }
      return TRUE;
    }

  /* Source frames per output frame. */
  ratio = src_fps / options->fps;
  n_out = (guint) floor ((kept - 1) / ratio + 1e-9) + 1;

  if (n_out > INB_EXPORT_MAX_FRAMES)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%u frame per second would make more than %d frames",
                                "%u frames per second would make more than %d frames", options->fps),
                   options->fps, INB_EXPORT_MAX_FRAMES);
      return FALSE;
    }

  plan->fps_n = options->fps;
  plan->fps_d = 1;
  for (guint k = 0; k < n_out; k++)
    {
      double position = MIN (k * ratio, (double) (kept - 1));
      InbExportStep step;

      if (ratio >= 1.0)
        {
          /* Fewer frames: the nearest source frame, evenly spread. */
          step.src = first + MIN ((guint) floor (position + 0.5), kept - 1);
          step.t = 0.0;
        }
      else
        {
          double whole = floor (position + 1e-9);

          step.src = first + (guint) whole;
          step.t = position - whole;
          if (step.t < 1e-6 || step.src + 1 >= end)
            step.t = 0.0;
          else if (step.t > 1.0 - 1e-6)
            {
              step.src++;
              step.t = 0.0;
            }
        }
      g_array_append_val (plan->steps, step);
    }
  return TRUE;
}

/* The order the steps are written in: one cycle (forward, then with
 * ping-pong back without the turning frames), repeated for formats that
 * cannot loop by themselves. */
static gboolean
plan_order (InbExportPlan           *plan,
            const InbExportOptions  *options,
            GError                 **error)
{
  g_autoptr(GArray) cycle_order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint cycle, repeats;

  for (guint i = 0; i < plan->steps->len; i++)
    g_array_append_val (cycle_order, i);
  if (options->pingpong && plan->steps->len > 2)
    for (guint i = plan->steps->len - 2; i >= 1; i--)
      g_array_append_val (cycle_order, i);
  cycle = cycle_order->len;

  if (inb_export_format_loops (options->format))
    {
      repeats = 1;
      plan->loop = options->loop < 0 ? 0 : (guint) options->loop;
    }
  else
    {
      repeats = options->loop < 0 ? 1 : (guint) options->loop;
      plan->loop = 1;
    }

  if ((guint64) cycle * repeats > INB_EXPORT_MAX_FRAMES)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   _("These options would write %" PRIu64 " frames; the limit is %d"),
                   (guint64) cycle * repeats, INB_EXPORT_MAX_FRAMES);
      return FALSE;
    }
  for (guint r = 0; r < repeats; r++)
    g_array_append_vals (plan->order, cycle_order->data, cycle);
  return TRUE;
}

/* The output size: @options' width with the clip's shape, even for
 * video. */
static gboolean
plan_size (InbExportPlan           *plan,
           const InbExportOptions  *options,
           guint                    width,
           guint                    height,
           GError                 **error)
{
  if (options->width != 0)
    {
      double h = (double) options->width * height / width;

      if (inb_export_format_is_video (options->format))
        {
          plan->width = round_even (options->width);
          plan->height = round_even (h);
        }
      else
        {
          plan->width = options->width;
          plan->height = MAX (1, (guint) floor (h + 0.5));
        }
    }
  else if (inb_export_format_is_video (options->format))
    {
      plan->width = width % 2 ? width + 1 : width;
      plan->height = height % 2 ? height + 1 : height;
    }
  else
    {
      plan->width = width;
      plan->height = height;
    }
  if (plan->height > INB_EXPORT_MAX_WIDTH)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "A width of %u pixel makes the frames %u pixels high; the limit is %d",
                                "A width of %u pixels makes the frames %u pixels high; the limit is %d", plan->width),
                   plan->width, plan->height, INB_EXPORT_MAX_WIDTH);
      return FALSE;
    }
  return TRUE;
}

/**
 * inb_export_plan_new:
 *
 * Decides which frames are written, in which order, at which size and
 * rate: trim first (in the clip's frames or seconds), then the frame rate
 * (output frame k shows the clip at k × clip-fps / fps frames after the
 * trim's start, dropping or in-betweening, and never past its last
 * frame), then ping-pong, then loops.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
InbExportPlan *
inb_export_plan_new (const InbExportOptions  *options,
                     guint                    n_frames,
                     guint                    fps_n,
                     guint                    fps_d,
                     guint                    width,
                     guint                    height,
                     GError                 **error)
{
  g_autoptr(InbExportPlan) plan = NULL;
  guint first, end;

  g_return_val_if_fail (options != NULL, NULL);

  if (!inb_export_options_validate (options, error))
    return NULL;
  if (n_frames == 0 || fps_n == 0 || fps_d == 0 || width == 0 || height == 0)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("The clip has no frames to export"));
      return NULL;
    }
  if (!plan_trim (options, n_frames, (double) fps_n / fps_d, &first, &end, error))
    return NULL;

  plan = g_new0 (InbExportPlan, 1);
  plan->steps = g_array_new (FALSE, FALSE, sizeof (InbExportStep));
  plan->order = g_array_new (FALSE, FALSE, sizeof (guint));

  if (!plan_steps (plan, options, first, end, fps_n, fps_d, error) ||
      !plan_order (plan, options, error) ||
      !plan_size (plan, options, width, height, error))
    return NULL;

  return g_steal_pointer (&plan);
}

void
inb_export_plan_free (InbExportPlan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->steps, g_array_unref);
  g_clear_pointer (&plan->order, g_array_unref);
  g_free (plan);
}

gboolean
inb_export_plan_revisits (const InbExportPlan *plan)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  return plan->order->len > plan->steps->len;
}
