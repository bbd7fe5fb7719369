/* inb-exporter.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export"
#define _GNU_SOURCE   /* renameat2 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-engine.h"
#include "inb-export-private.h"
#include "inb-exporter.h"
#include "inb-fidelity.h"
#include "inb-fs.h"
#include "inb-progress.h"

/* Share of the progress bar the encoder's last step gets after the last
 * frame is pushed: muxing for video and PNG; for GIF the palette and
 * every frame's mapping and compression (measured: 40 % of a 480 px
 * export); for WebP assembling the animation. */
static double
finish_share (InbExportFormat format)
{
  switch (format)
    {
    case INB_EXPORT_FORMAT_GIF:
      return 0.4;
    case INB_EXPORT_FORMAT_WEBP:
      return 0.1;
    case INB_EXPORT_FORMAT_MP4:
    case INB_EXPORT_FORMAT_WEBM:
    case INB_EXPORT_FORMAT_PRORES:
    case INB_EXPORT_FORMAT_PNG:
    case INB_EXPORT_N_FORMATS:
    default:
      return 0.05;
    }
}

struct _InbExporter
{
  GObject           parent_instance;

  /* Copied from the take on the main thread; read-only afterwards. */
  char             *take_id;
  char             *clip;
  char             *first_png;
  char             *last_png;
  char             *metadata;
  InbExportOptions  options;

  /* Main-context side of the progress */
  InbProgress      *progress;
  double            fraction;
  char             *stage;
  gboolean          running;
  gboolean          every_fraction;   /* for tests */
};

G_DEFINE_FINAL_TYPE (InbExporter, inb_exporter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_STAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
inb_exporter_finalize (GObject *object)
{
  InbExporter *self = (InbExporter *) object;

  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  g_free (self->take_id);
  g_free (self->clip);
  g_free (self->first_png);
  g_free (self->last_png);
  g_free (self->metadata);
  g_free (self->stage);

  G_OBJECT_CLASS (inb_exporter_parent_class)->finalize (object);
}

static void
inb_exporter_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  InbExporter *self = INB_EXPORTER (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_STAGE:
      g_value_set_string (value, self->stage);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_exporter_class_init (InbExporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_exporter_finalize;
  object_class->get_property = inb_exporter_get_property;

  /**
   * InbExporter:fraction:
   *
   * 0 … 1, notified on the main context that started the export.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * InbExporter:stage:
   *
   * What is being done, in words ("Encoding", "In-betweening"…).
   */
  properties[PROP_STAGE] =
    g_param_spec_string ("stage", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_exporter_init (InbExporter *self)
{
}

InbExporter *
inb_exporter_new_for_files (const char             *clip,
                            const char             *first_png,
                            const char             *last_png,
                            JsonObject             *settings,
                            const InbExportOptions *options)
{
  InbExporter *self;

  g_return_val_if_fail (clip != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (INB_TYPE_EXPORTER, NULL);
  self->clip = g_strdup (clip);
  self->first_png = g_strdup (first_png);
  self->last_png = g_strdup (last_png);
  self->options = *options;
  if (settings != NULL)
    self->take_id = g_strdup (json_object_get_string_member_with_default (settings, "id", NULL));
  self->metadata = inb_export_build_metadata (settings, options);

  return self;
}

/**
 * inb_exporter_new:
 * @take: a take whose clip exists (main thread)
 *
 * Returns: (transfer full): an exporter for @take's clip with @options
 */
InbExporter *
inb_exporter_new (InbTake                *take,
                  const InbExportOptions *options)
{
  g_autofree char *clip = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(JsonObject) manifest = NULL;

  g_return_val_if_fail (INB_IS_TAKE (take), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  clip = inb_take_dup_clip_path (take);
  first = g_build_filename (inb_take_get_dir (take), "first.png", NULL);
  last = g_build_filename (inb_take_get_dir (take), "last.png", NULL);
  manifest = inb_take_to_json (take);

  return inb_exporter_new_for_files (clip, first, last, manifest, options);
}

const InbExportOptions *
inb_exporter_get_options (InbExporter *self)
{
  g_return_val_if_fail (INB_IS_EXPORTER (self), NULL);
  return &self->options;
}

double
inb_exporter_get_fraction (InbExporter *self)
{
  g_return_val_if_fail (INB_IS_EXPORTER (self), 0.0);
  return self->fraction;
}

const char *
inb_exporter_get_stage (InbExporter *self)
{
  g_return_val_if_fail (INB_IS_EXPORTER (self), NULL);
  return self->stage;
}

char *
inb_exporter_dup_suggested_name (InbExporter *self)
{
  const char *extension;

  g_return_val_if_fail (INB_IS_EXPORTER (self), NULL);

  extension = inb_export_format_get_extension (self->options.format);
  return g_strdup_printf ("inbetween-%s%s%s", self->take_id ? self->take_id : "clip",
                          *extension ? "." : "", extension);
}

char *
inb_exporter_dup_metadata (InbExporter *self)
{
  g_return_val_if_fail (INB_IS_EXPORTER (self), NULL);
  return g_strdup (self->metadata);
}

static void
progress_changed_cb (InbProgress *progress,
                     InbExporter *self)
{
  double fraction = inb_progress_get_fraction (progress);
  g_autofree char *stage = inb_progress_dup_stage (progress);

  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (g_strcmp0 (stage, self->stage) != 0)
    {
      g_free (self->stage);
      self->stage = g_steal_pointer (&stage);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
    }
}

/* ------------------------------------------------------------ the work */

typedef struct
{
  /* Read-only copies (the worker never touches the exporter's fields
   * that the main thread writes). */
  char             *clip;
  char             *first_png;
  char             *last_png;
  char             *metadata;
  InbExportOptions  options;
  char             *target;
  InbProgress      *progress;

  char             *temp;       /* the temporary file or folder, once made */
  gboolean          temp_is_dir;
} Job;

static void
job_free (Job *job)
{
  g_free (job->clip);
  g_free (job->first_png);
  g_free (job->last_png);
  g_free (job->metadata);
  g_free (job->target);
  g_free (job->temp);
  g_clear_object (&job->progress);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static Job *
job_new (InbExporter *self,
         const char  *target)
{
  Job *job = g_new0 (Job, 1);

  job->clip = g_strdup (self->clip);
  job->first_png = g_strdup (self->first_png);
  job->last_png = g_strdup (self->last_png);
  job->metadata = g_strdup (self->metadata);
  job->options = self->options;
  job->target = g_strdup (target);
  job->progress = g_object_ref (self->progress);
  return job;
}

/* Sets an IO error naming @path and errno's text; evaluates to FALSE. */
#define io_error(error, errsv, format, path) \
  (g_set_error ((error), INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO, (format), (path), g_strerror (errsv)), FALSE)

/* A folder holding nothing but frames an export writes (or nothing). */
static gboolean
is_frame_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!g_str_has_prefix (name, "frame-") || !g_str_has_suffix (name, ".png") ||
          !g_file_test (child, G_FILE_TEST_IS_REGULAR) || g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_target (Job     *job,
              GError **error)
{
  g_autofree char *dir = g_path_get_dirname (job->target);
  GStatBuf st;
  gboolean want_dir = job->options.format == INB_EXPORT_FORMAT_PNG;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_IO,
                   _("Cannot export to “%s”: the folder “%s” does not exist"), job->target, dir);
      return FALSE;
    }
  if (g_lstat (job->target, &st) != 0)
    return TRUE;   /* nothing there */

  if (!job->options.force)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS,
                   _("“%s” already exists; choose another name or allow replacing it"), job->target);
      return FALSE;
    }
  if (want_dir && !(S_ISDIR (st.st_mode) && is_frame_folder (job->target)))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS,
                   _("“%s” exists and is not a folder of exported frames; it is not replaced"), job->target);
      return FALSE;
    }
  if (!want_dir && !S_ISREG (st.st_mode))
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS,
                   _("“%s” exists and is not a file; it is not replaced"), job->target);
      return FALSE;
    }
  return TRUE;
}

/* Creates the temporary file or folder beside the target, exclusively. */
static gboolean
make_temp (Job     *job,
           GError **error)
{
  g_autofree char *dir = g_path_get_dirname (job->target);
  g_autofree char *base = g_path_get_basename (job->target);
  g_autofree char *template = g_strdup_printf (".%s-XXXXXX.part", base);
  g_autofree char *path = g_build_filename (dir, template, NULL);

  if (job->options.format == INB_EXPORT_FORMAT_PNG)
    {
      if (g_mkdtemp_full (path, 0755) == NULL)
        return io_error (error, errno, _("Could not create a folder beside “%s”: %s"), job->target);
      job->temp_is_dir = TRUE;
    }
  else
    {
      int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0644);

      if (fd < 0)
        return io_error (error, errno, _("Could not create a file beside “%s”: %s"), job->target);
      close (fd);
    }

  job->temp = g_steal_pointer (&path);
  return TRUE;
}

static void
remove_temp (Job *job)
{
  if (job->temp == NULL)
    return;
  if (job->temp_is_dir)
    {
      g_autoptr(GError) error = NULL;

      if (!inb_fs_remove_dir (job->temp, &error))
        g_warning ("Could not remove “%s”: %s", job->temp, error->message);
    }
  else if (g_unlink (job->temp) != 0 && errno != ENOENT)
    g_warning ("Could not remove “%s”: %s", job->temp, g_strerror (errno));
  g_clear_pointer (&job->temp, g_free);
}

static void
fsync_path (const char *path,
            gboolean    directory)
{
  int fd = g_open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("fsync of %s failed: %s", path, g_strerror (errno));
      close (fd);
    }
}

/* rename() that never replaces: renameat2 (RENAME_NOREPLACE) where the
 * file system has it, else link + unlink for a file. */
static int
rename_noreplace (const char *from,
                  const char *to,
                  gboolean    is_dir)
{
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
#endif
  if (is_dir)
    {
      if (g_file_test (to, G_FILE_TEST_EXISTS))
        {
          errno = EEXIST;
          return -1;
        }
      return g_rename (from, to);
    }
  if (link (from, to) != 0)
    return -1;
  g_unlink (from);
  return 0;
}

static gboolean
commit_temp (Job     *job,
             GError **error)
{
  g_autofree char *dir = g_path_get_dirname (job->target);

  if (job->temp_is_dir)
    {
      g_autoptr(GDir) d = g_dir_open (job->temp, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (job->temp, name, NULL);
          fsync_path (child, FALSE);
        }
    }
  fsync_path (job->temp, job->temp_is_dir);

  if (!job->options.force)
    {
      if (rename_noreplace (job->temp, job->target, job->temp_is_dir) != 0)
        {
          if (errno == EEXIST || errno == ENOTEMPTY)
            {
              g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_EXISTS,
                           _("“%s” appeared while exporting; it was not replaced"), job->target);
              return FALSE;
            }
          return io_error (error, errno, _("Could not move the export to “%s”: %s"), job->target);
        }
    }
  else if (job->temp_is_dir && g_file_test (job->target, G_FILE_TEST_IS_DIR))
    {
      /* Swap the old frames aside, put the new ones in, then delete. */
      g_autofree char *old = g_strconcat (job->temp, ".old", NULL);
      g_autoptr(GError) local_error = NULL;

      if (g_rename (job->target, old) != 0)
        return io_error (error, errno, _("Could not replace “%s”: %s"), job->target);
      if (g_rename (job->temp, job->target) != 0)
        {
          int errsv = errno;
          g_rename (old, job->target);
          return io_error (error, errsv, _("Could not move the export to “%s”: %s"), job->target);
        }
      if (!inb_fs_remove_dir (old, &local_error))
        g_warning ("Could not remove the replaced frames “%s”: %s", old, local_error->message);
    }
  else if (g_rename (job->temp, job->target) != 0)
    return io_error (error, errno, _("Could not move the export to “%s”: %s"), job->target);

  g_clear_pointer (&job->temp, g_free);
  fsync_path (dir, TRUE);
  return TRUE;
}

/* Source frames, decoded in order, kept while a step may still need them. */
typedef struct
{
  InbExportSource *source;
  GHashTable      *frames;   /* guint index → InbImage, or GstSample when raw */
  gboolean         raw;
} Frames;

static gpointer
frames_get (Frames        *frames,
            guint          index,
            GCancellable  *cancellable,
            GError       **error)
{
  gpointer image;

  while ((image = g_hash_table_lookup (frames->frames, GUINT_TO_POINTER (index))) == NULL)
    {
      guint got = 0;
      gpointer frame = frames->raw ? (gpointer) _inb_export_source_next_sample (frames->source, &got, cancellable, error)
                                   : (gpointer) _inb_export_source_next (frames->source, &got, cancellable, error);

      if (frame == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                         _("The clip ended before frame %u"), index);
          return NULL;
        }
      g_hash_table_insert (frames->frames, GUINT_TO_POINTER (got), frame);
    }

  return image;
}

/* Forgets frames before @index. */
static void
frames_release_before (Frames *frames,
                       guint   index)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, frames->frames);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) < index)
      g_hash_table_iter_remove (&iter);
}

static InbColourMatch *
make_colour_match (Job           *job,
                   guint          n_frames,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(InbExportSource) source = NULL;
  g_autoptr(InbImage) clip_first = NULL;
  g_autoptr(InbImage) clip_last = NULL;
  g_autoptr(InbImage) key_first = NULL;
  g_autoptr(InbImage) key_last = NULL;
  g_autoptr(InbImage) fit_first = NULL;
  g_autoptr(InbImage) fit_last = NULL;
  guint wanted[2] = { 0, n_frames - 1 };

  if (job->first_png == NULL || job->last_png == NULL)
    {
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE,
                   _("Colour-match needs the take’s keyframes"));
      return NULL;
    }
  if (!(key_first = inb_fidelity_load_keyframe (job->first_png, error)) ||
      !(key_last = inb_fidelity_load_keyframe (job->last_png, error)))
    return NULL;

  source = _inb_export_source_new (job->clip, 0, 0, INB_EXPORT_SOURCE_PRECISE, wanted, n_frames > 1 ? 2 : 1, error);
  if (source == NULL ||
      !(clip_first = _inb_export_source_next (source, NULL, cancellable, error)))
    return NULL;
  clip_last = n_frames > 1 ? _inb_export_source_next (source, NULL, cancellable, error)
                           : inb_image_ref (clip_first);
  if (clip_last == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_SOURCE, _("The clip ended early"));
      return NULL;
    }

  fit_first = inb_fidelity_fit_keyframe (key_first, inb_image_get_width (clip_first), inb_image_get_height (clip_first));
  fit_last = inb_fidelity_fit_keyframe (key_last, inb_image_get_width (clip_last), inb_image_get_height (clip_last));
  return inb_colour_match_new (clip_first, fit_first, clip_last, fit_last);
}

static InbExportSink *
make_sink (Job                        *job,
           const InbExportSinkParams  *params,
           GError                    **error)
{
  switch (job->options.format)
    {
    case INB_EXPORT_FORMAT_MP4:
    case INB_EXPORT_FORMAT_WEBM:
    case INB_EXPORT_FORMAT_PRORES:
      return _inb_export_sink_new_gst (job->options.format, params, error);
    case INB_EXPORT_FORMAT_GIF:
      return _inb_export_sink_new_gif (params, error);
    case INB_EXPORT_FORMAT_WEBP:
      return _inb_export_sink_new_webp (params, error);
    case INB_EXPORT_FORMAT_PNG:
      return _inb_export_sink_new_png (params, error);
    case INB_EXPORT_N_FORMATS:
    default:
      g_set_error (error, INB_EXPORT_ERROR, INB_EXPORT_ERROR_INVALID, _("Unknown export format"));
      return NULL;
    }
}

/* The source frames the steps of @plan read, in order, once each; in
 * @in_betweens whether any step lies between two of them */
static GArray *
wanted_frames (const InbExportPlan *plan,
               gboolean            *in_betweens)
{
  GArray *wanted = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < plan->steps->len; i++)
    {
      InbExportStep *step = &g_array_index (plan->steps, InbExportStep, i);
      guint need[2] = { step->src, step->src + 1 };

      *in_betweens |= step->t > 0;
      for (guint k = 0; k < (step->t > 0 ? 2u : 1u); k++)
        if (wanted->len == 0 || g_array_index (wanted, guint, wanted->len - 1) < need[k])
          g_array_append_val (wanted, need[k]);
    }

  return wanted;
}

static void
sink_params_for (const Job                 *job,
                 const InbExportPlan       *plan,
                 GCancellable              *cancellable,
                 InbExportSinkParams       *params)
{
  params->path = job->temp;
  params->width = plan->width;
  params->height = plan->height;
  params->fps_n = plan->fps_n;
  params->fps_d = plan->fps_d;
  params->loop = plan->loop;
  params->n_frames = plan->order->len;
  params->metadata = job->metadata;
  params->cancellable = cancellable;
}

/* What making the steps' frames keeps from one to the next */
typedef struct
{
  const InbExportPlan *plan;
  Frames              *frames;
  InbColourMatch      *match;        /* or NULL */
  guint                n_clip_frames;
  InbEngine           *engine;       /* the last pair's, or NULL */
  guint                engine_pair;
  GPtrArray           *kept;         /* each step's frame, when the plan revisits steps */
} Steps;

/* The in-between of @step, from its pair of source frames @a and the
 * next (the engine kept while the pair is the same) */
static InbImage *
step_in_between (Steps          *st,
                 InbExportStep  *step,
                 InbImage       *a,
                 GCancellable   *cancellable,
                 GError        **error)
{
  InbImage *b = frames_get (st->frames, step->src + 1, cancellable, error);
  InbImage *image;

  if (b == NULL)
    return NULL;
  if (st->engine == NULL || st->engine_pair != step->src)
    {
      g_clear_pointer (&st->engine, inb_engine_free);
      st->engine = inb_engine_new (a, b, 0, NULL, NULL, cancellable, error);
      if (st->engine == NULL)
        return NULL;
      st->engine_pair = step->src;
    }
  image = inb_image_new (inb_image_get_width (a), inb_image_get_height (a));
  inb_engine_render (st->engine, step->t, image);

  return image;
}

/* Step @s's frame, the first time it is written: its source frame, or
 * the in-between, colour-matched if asked; kept when the plan comes back
 * to it. An InbImage, or a GstSample when raw. */
static gpointer
step_frame (Steps         *st,
            guint          s,
            GCancellable  *cancellable,
            GError       **error)
{
  InbExportStep *step = &g_array_index (st->plan->steps, InbExportStep, s);
  gboolean raw = st->frames->raw;
  gpointer a = frames_get (st->frames, step->src, cancellable, error);
  gpointer frame;

  if (a == NULL)
    return NULL;

  if (raw)
    frame = gst_sample_ref (a);
  else if (step->t > 0)
    {
      frame = step_in_between (st, step, a, cancellable, error);
      if (frame == NULL)
        return NULL;
    }
  else
    frame = inb_image_ref (a);

  frames_release_before (st->frames, step->src);

  if (st->match != NULL)
    {
      double t = st->n_clip_frames > 1 ? (step->src + step->t) / (st->n_clip_frames - 1) : 0.0;
      InbImage *matched = inb_colour_match_apply (st->match, t, frame);

      inb_image_unref (frame);
      frame = matched;
    }

  if (st->kept != NULL)
    g_ptr_array_add (st->kept, raw ? (gpointer) gst_sample_ref (frame) : (gpointer) inb_image_ref (frame));

  return frame;
}

/* Hands @frame (consumed: an InbImage, or a GstSample when @raw) to @sink */
static gboolean
push_frame (InbExportSink  *sink,
            gpointer        frame,
            gboolean        raw,
            GError        **error)
{
  gboolean pushed;

  if (raw)
    {
      pushed = sink->push_sample (sink, frame, error);
      gst_sample_unref (frame);
    }
  else
    {
      pushed = sink->push (sink, frame, error);
      inb_image_unref (frame);
    }

  return pushed;
}

static gboolean
run_job (Job           *job,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(InbExportPlan) plan = NULL;
  g_autoptr(InbColourMatch) match = NULL;
  g_autoptr(InbExportSink) sink = NULL;
  g_autoptr(InbEngine) engine = NULL;
  g_autoptr(GArray) wanted = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GHashTable) frame_table = NULL;
  g_autoptr(InbExportSource) source = NULL;
  InbExportSinkParams params = { 0 };
  InbClipInfo info;
  Frames frames = { 0 };
  Steps st = { 0 };
  guint total;
  gboolean revisits;
  gboolean raw;
  gboolean in_betweens = FALSE;
  gboolean ok = TRUE;

  inb_progress_update (job->progress, 0.0, _("Reading the clip"));

  if (!inb_export_options_validate (&job->options, error) ||
      !check_target (job, error) ||
      !_inb_export_probe_clip (job->clip, &info, cancellable, error))
    return FALSE;

  plan = inb_export_plan_new (&job->options, info.n_frames, info.fps_n, info.fps_d,
                              info.width, info.height, error);
  if (plan == NULL)
    return FALSE;
  revisits = inb_export_plan_revisits (plan);
  total = plan->order->len;

  if (job->options.colour_match &&
      !(match = make_colour_match (job, info.n_frames, cancellable, error)))
    return FALSE;

  wanted = wanted_frames (plan, &in_betweens);

  if (!make_temp (job, error))
    return FALSE;

  sink_params_for (job, plan, cancellable, &params);
  sink = make_sink (job, &params, error);
  if (sink == NULL)
    return FALSE;

  /* Frames that need no pixel work go from decoder to encoder as they
   * are (no RGB round trip): most of a plain re-encode's time. */
  raw = sink->push_sample != NULL && match == NULL && !in_betweens;
  source = _inb_export_source_new (job->clip, plan->width, plan->height,
                                   raw ? INB_EXPORT_SOURCE_RAW : INB_EXPORT_SOURCE_RGB,
                                   (const guint *) (gpointer) wanted->data, wanted->len, error);
  if (source == NULL)
    return FALSE;
  frame_table = g_hash_table_new_full (NULL, NULL, NULL,
                                       raw ? (GDestroyNotify) gst_sample_unref : (GDestroyNotify) inb_image_unref);
  frames.source = source;
  frames.frames = frame_table;
  frames.raw = raw;

  if (revisits)
    kept = g_ptr_array_new_full (plan->steps->len,
                                 raw ? (GDestroyNotify) gst_sample_unref : (GDestroyNotify) inb_image_unref);

  st.plan = plan;
  st.frames = &frames;
  st.match = match;
  st.n_clip_frames = info.n_frames;
  st.engine_pair = G_MAXUINT;
  st.kept = kept;

  inb_progress_update (job->progress, 0.0, in_betweens ? _("In-betweening and encoding") : _("Encoding"));

  for (guint i = 0; i < total && ok; i++)
    {
      guint s = g_array_index (plan->order, guint, i);
      gpointer frame;   /* an InbImage, or a GstSample when raw */

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      if (s < plan->steps->len && (kept == NULL || s >= kept->len))
        frame = step_frame (&st, s, cancellable, error);   /* first time this step is written */
      else
        frame = raw ? (gpointer) gst_sample_ref (g_ptr_array_index (kept, s))
                    : (gpointer) inb_image_ref (g_ptr_array_index (kept, s));

      ok = frame != NULL && push_frame (sink, frame, raw, error);
      if (ok)
        inb_progress_set_fraction (job->progress, (1.0 - finish_share (job->options.format)) * (i + 1) / total);
    }
  engine = g_steal_pointer (&st.engine);
  if (!ok)
    return FALSE;

  g_clear_pointer (&engine, inb_engine_free);
  g_clear_pointer (&kept, g_ptr_array_unref);
  g_hash_table_remove_all (frame_table);
  g_clear_pointer (&source, _inb_export_source_free);

  inb_progress_update (job->progress, 1.0 - finish_share (job->options.format),
                       job->options.format == INB_EXPORT_FORMAT_GIF ? _("Making the GIF") : _("Finishing the file"));
  if (!sink->finish (sink, error))
    return FALSE;
  g_clear_pointer (&sink, _inb_export_sink_free);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !commit_temp (job, error))
    return FALSE;

  inb_progress_update (job->progress, 1.0, _("Done"));
  return TRUE;
}

static gboolean
run_job_and_clean (Job           *job,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gboolean ok = run_job (job, cancellable, error);

  /* Every failure, cancelling included, leaves nothing behind. */
  if (!ok)
    remove_temp (job);
  return ok;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (run_job_and_clean (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
start_progress (InbExporter *self)
{
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  /* Created here: it delivers on this thread's main context. */
  self->progress = inb_progress_new ();
  inb_progress_set_deliver_every_update (self->progress, self->every_fraction);
  g_signal_connect (self->progress, "changed", G_CALLBACK (progress_changed_cb), self);
  if (self->fraction != 0.0)
    {
      self->fraction = 0.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
}

/**
 * inb_exporter_set_deliver_every_fraction:
 * @every_fraction: %TRUE: the work waits for the main loop to see each
 *   fraction (inb_progress_set_deliver_every_update())
 *
 * For tests that must see the fraction go by (or act at a given one)
 * however late their main loop runs. Takes effect at the next export;
 * off by default.
 */
void
inb_exporter_set_deliver_every_fraction (InbExporter *self,
                                         gboolean     every_fraction)
{
  g_return_if_fail (INB_IS_EXPORTER (self));
  self->every_fraction = every_fraction;
}

/**
 * inb_exporter_export_async:
 * @target: the file (or, for PNG, the folder) to write
 *
 * Starts the export in a worker thread. Cancelling @cancellable ends it
 * with %G_IO_ERROR_CANCELLED within a frame's time and removes the
 * partial file. Once the finished file is in place, cancelling comes too
 * late: the export succeeds. One export at a time per exporter.
 */
void
inb_exporter_export_async (InbExporter         *self,
                           const char          *target,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (INB_IS_EXPORTER (self));
  g_return_if_fail (target != NULL);
  g_return_if_fail (!self->running);

  start_progress (self);
  self->running = TRUE;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_exporter_export_async);
  /* The result is what the worker did: cancelled (nothing left behind),
   * or the file moved into place. Cancelling after that move is too
   * late, and must not report "cancelled" with the file on disk. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job_new (self, target), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
inb_exporter_export_finish (InbExporter   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (INB_IS_EXPORTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  self->running = FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
inb_exporter_export (InbExporter   *self,
                     const char    *target,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(Job) job = NULL;

  g_return_val_if_fail (INB_IS_EXPORTER (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  start_progress (self);
  job = job_new (self, target);
  return run_job_and_clean (job, cancellable, error);
}
