/* inb-local-backend.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-local-backend"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <math.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-engine.h"
#include "inb-local-backend.h"
#include "inb-resources.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"

#define LOCAL_MODELS_RESOURCE RESOURCE_BASE "/schemas/local.json"

/* A frame count no request can reach (10 s × 30 fps is 301); it only
 * guards inb_local_backend_count_frames() against unvalidated input. */
#define MAX_SEGMENTS 100000

/* Where each stage sits on the progress bar. */
#define ANALYSIS_END  0.20
#define RENDER_END    0.95
#define FINISH_END    0.97

/**
 * InbLocalBackend:
 *
 * The backend every user has: the in-betweening engine (backends/local/
 * inb-engine.h) run in a worker thread, its frames streamed one at a time
 * into the video writer, the clip verified before it is handed back.
 *
 * Timeline. A clip of `duration` seconds at `fps` frames per second has
 * `segments = round (duration × fps)` frame intervals, hence
 * `segments + 1` frames: frame 0 is the first keyframe, the last frame is
 * the last keyframe (5 s at 16 fps gives 81 frames). With `loop`, the same
 * duration holds the motion there and back: `half = round (duration × fps
 * / 2)` intervals go from the first keyframe to the last and `half` more
 * come back, `2 × half + 1` frames in all; frame `half` is exactly the
 * last keyframe, the return frames mirror the outward ones and the clip
 * ends on the first keyframe. Easing is applied to each leg's time:
 * `linear` keeps t, `ease-in-out` uses 0.5 − 0.5 cos (π t), which starts
 * and ends at rest (and, when looping, turns round smoothly).
 */
struct _InbLocalBackend
{
  GObject    parent_instance;

  GPtrArray *models;
};

static void inb_local_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InbLocalBackend, inb_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND,
                                                      inb_local_backend_iface_init))

/* Timeline ------------------------------------------------------------- */

typedef struct
{
  guint    n_frames;
  guint    half;       /* intervals of one leg when looping */
  gboolean loop;
  gboolean ease;
} Timeline;

static void
timeline_init (Timeline   *tl,
               JsonObject *params)
{
  double duration = 5.0;
  gint64 fps = 16;
  const char *easing = "linear";
  double segments;

  tl->loop = FALSE;

  if (params != NULL)
    {
      duration = inb_params_get_double (params, "duration", duration);
      fps = inb_params_get_int (params, "fps", fps);
      easing = inb_params_get_string (params, "easing", easing);
      tl->loop = inb_params_get_boolean (params, "loop", FALSE);
    }

  tl->ease = g_strcmp0 (easing, "ease-in-out") == 0;

  segments = duration * (double) fps;
  if (!isfinite (segments) || segments < 1.0)
    segments = 1.0;
  segments = MIN (segments, (double) MAX_SEGMENTS);

  if (tl->loop)
    {
      tl->half = MAX (1, (guint) round (segments / 2.0));
      tl->n_frames = 2 * tl->half + 1;
    }
  else
    {
      tl->half = MAX (1, (guint) round (segments));
      tl->n_frames = tl->half + 1;
    }
}

/* The engine time of frame @index, in [0, 1]: exact 0 and 1 at the keyframes. */
static double
timeline_time (const Timeline *tl,
               guint           index)
{
  double t;

  if (tl->loop && index > tl->half)
    index = 2 * tl->half - MIN (index, 2 * tl->half);   /* the way back */
  else
    index = MIN (index, tl->half);

  t = (double) index / (double) tl->half;

  if (tl->ease)
    t = 0.5 - 0.5 * cos (G_PI * t);

  return CLAMP (t, 0.0, 1.0);
}

/**
 * inb_local_backend_count_frames:
 * @params: a completed parameter object of the local model
 *
 * Returns: the number of frames a clip with @params has (see the
 *   timeline rule above), e.g. 81 for 5 s at 16 fps.
 */
guint
inb_local_backend_count_frames (JsonObject *params)
{
  Timeline tl;

  g_return_val_if_fail (params != NULL, 0);

  timeline_init (&tl, params);
  return tl.n_frames;
}

/* Frame memory ---------------------------------------------------------- */

/* The writer may copy a pushed frame or keep a reference to its pixels
 * until the encoder has taken them (an InbImage is immutable once shared),
 * so frames are not overwritten in place. Each frame is a fresh InbImage
 * over a pixel block from a small pool; a block goes back to the pool when
 * the last reference to its GBytes is dropped, on whichever thread. With a
 * copying writer one block is reused for the whole clip; otherwise the
 * pool grows to the few frames in flight, never to the whole clip. */
typedef struct
{
  GAsyncQueue *home;     /* set while the block is lent out */
  guint8       pixels[];
} FrameBlock;

static void
frame_block_release (gpointer user_data)
{
  FrameBlock *block = user_data;
  GAsyncQueue *home = g_steal_pointer (&block->home);

  g_async_queue_push (home, block);
  g_async_queue_unref (home);
}

static InbImage *
frame_pool_take (GAsyncQueue *pool,
                 guint        width,
                 guint        height,
                 guint       *n_allocated)
{
  gsize size = (gsize) width * height * 3;
  FrameBlock *block = g_async_queue_try_pop (pool);

  if (block == NULL)
    {
      block = g_malloc (sizeof (FrameBlock) + size);
      (*n_allocated)++;
    }

  block->home = g_async_queue_ref (pool);

  return inb_image_new_for_bytes (g_bytes_new_with_free_func (block->pixels, size,
                                                              frame_block_release, block),
                                  width, height, (gsize) width * 3);
}

/* Verification --------------------------------------------------------- */

/* The frames the app reads back from every clip (the ends, measured
 * against the keyframes, and the middle, the take's thumbnail): the
 * verifier decodes every frame anyway, so it keeps these and they go out
 * with the result instead of the app decoding the clip a second time. */
typedef struct
{
  guint     n;
  guint     index[3];
  InbImage *image[3];
} KeptFrames;

static void
kept_frames_clear (KeptFrames *kept)
{
  for (guint i = 0; i < G_N_ELEMENTS (kept->image); i++)
    g_clear_pointer (&kept->image[i], inb_image_unref);
  kept->n = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeptFrames, kept_frames_clear)

/* 0, the middle, the last: sorted and distinct (as the app's fidelity
 * measure picks them) */
static void
kept_frames_init (KeptFrames *kept,
                  guint       n_frames)
{
  *kept = (KeptFrames) { 0 };
  kept->index[kept->n++] = 0;
  if (n_frames / 2 > 0 && n_frames / 2 < n_frames - 1)
    kept->index[kept->n++] = n_frames / 2;
  if (n_frames > 1)
    kept->index[kept->n++] = n_frames - 1;
}

/* inb_video_verify_keeping() decodes the whole clip and takes no
 * cancellable (about half a second for 81 frames at 720p), so it runs in
 * a thread of its own that the worker waits for while watching the
 * cancellable. On a cancel the worker deletes the clip and returns at
 * once; the verifier finishes on its own (reading an unlinked file, or
 * failing to open it) and drops its reference. Nothing it does is visible
 * from outside. */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GCond            cond;
  gboolean         done;

  char            *path;
  guint            width;
  guint            height;
  guint            n_frames;

  gboolean         ok;
  InbVideoInfo     info;
  KeptFrames       kept;
  GError          *error;
} VerifyJob;

static VerifyJob *
verify_job_ref (VerifyJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
verify_job_unref (VerifyJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job->path);
  inb_video_info_clear (&job->info);
  kept_frames_clear (&job->kept);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VerifyJob, verify_job_unref)

static gpointer
verify_thread (gpointer user_data)
{
  g_autoptr(VerifyJob) job = user_data;
  g_auto(InbVideoInfo) info = { 0 };
  g_auto(KeptFrames) kept = { 0 };
  GError *error = NULL;
  gboolean ok;

  kept_frames_init (&kept, job->n_frames);
  ok = inb_video_verify_keeping (job->path, job->width, job->height, job->n_frames,
                                 kept.index, kept.n, kept.image, &info, &error);

  g_mutex_lock (&job->mutex);
  job->ok = ok;
  job->info = info;
  info = (InbVideoInfo) { 0 };
  job->kept = kept;
  kept = (KeptFrames) { 0 };
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);

  return NULL;
}

/* Returns FALSE with G_IO_ERROR_CANCELLED as soon as @cancellable is
 * cancelled (polled every 20 ms), else verify's own answer, and on
 * success the frames it kept. */
static gboolean
verify_cancellable (const char    *path,
                    guint          width,
                    guint          height,
                    guint          n_frames,
                    InbVideoInfo  *info,
                    KeptFrames    *kept,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(VerifyJob) job = g_new0 (VerifyJob, 1);
  gboolean ok = FALSE;

  g_atomic_ref_count_init (&job->ref_count);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  job->path = g_strdup (path);
  job->width = width;
  job->height = height;
  job->n_frames = n_frames;

  g_thread_unref (g_thread_new ("inb-verify", verify_thread, verify_job_ref (job)));

  g_mutex_lock (&job->mutex);
  while (!job->done && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&job->cond, &job->mutex,
                       g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND);

  if (!job->done)
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  else if (job->ok)
    {
      *info = job->info;
      job->info = (InbVideoInfo) { 0 };
      *kept = job->kept;
      job->kept = (KeptFrames) { 0 };
      ok = TRUE;
    }
  else
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
    }
  g_mutex_unlock (&job->mutex);

  return ok;
}

/* Generation ------------------------------------------------------------ */

typedef struct
{
  InbRequest  *request;
  InbProgress *progress;   /* nullable */
  char        *output_path;
  Timeline     timeline;
  guint        fps;
  guint        width;
  guint        height;

  GMutex       mutex;      /* the engine may report from its own threads */
  double       last_fraction;
} GenerateData;

/* A file that could not be written (a full disk) stays a file error
 * through the job, so the command line can say so (exit status 1); any
 * other cause is the backend's failure. */
static GQuark
failure_domain (const GError *cause)
{
  return cause->domain == G_FILE_ERROR ? G_FILE_ERROR : INB_BACKEND_ERROR;
}

static int
failure_code (const GError *cause)
{
  return cause->domain == G_FILE_ERROR ? cause->code : INB_BACKEND_ERROR_FAILED;
}

static void
generate_data_free (gpointer user_data)
{
  GenerateData *data = user_data;

  g_clear_object (&data->request);
  g_clear_object (&data->progress);
  g_clear_pointer (&data->output_path, g_free);
  g_mutex_clear (&data->mutex);
  g_free (data);
}

/* Progress only ever moves forward. */
static void
report (GenerateData *data,
        double        fraction,
        const char   *stage)
{
  if (data->progress == NULL)
    return;

  g_mutex_lock (&data->mutex);
  if (fraction > data->last_fraction)
    data->last_fraction = fraction;
  else
    fraction = -1.0;
  g_mutex_unlock (&data->mutex);

  if (fraction >= 0.0 || stage != NULL)
    inb_progress_update (data->progress, fraction, stage);
}

static void
engine_progress_cb (double   fraction,
                    gpointer user_data)
{
  GenerateData *data = user_data;

  report (data, ANALYSIS_END * CLAMP (fraction, 0.0, 1.0), NULL);
}

static double
seconds_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / G_USEC_PER_SEC;
}

static void
remove_output (const char *path)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* Where the time went: the result's metadata and the debug log say it. */
typedef struct
{
  double analysis_s;
  double render_s;
  double encode_s;
  double verify_s;
  guint  n_blocks;   /* frame buffers the pool allocated */
} Timings;

/* Analysis: global motion, dense flow both ways, occlusion. */
static InbEngine *
analyse (GenerateData  *data,
         Timings       *timings,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  InbEngine *engine;
  gint64 start;

  report (data, 0.0, _("Analysing motion"));
  start = g_get_monotonic_time ();
  engine = inb_engine_new (inb_request_get_first (data->request),
                           inb_request_get_last (data->request),
                           0,
                           engine_progress_cb, data,
                           cancellable,
                           &local_error);
  if (engine == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                     _("Could not analyse the keyframes: %s"),
                     local_error->message);
      return NULL;
    }
  timings->analysis_s = seconds_since (start);
  return engine;
}

/* Frames, one at a time, rendered into pooled memory (see above) and
 * pushed to @writer. */
static gboolean
render_frames (GenerateData    *data,
               InbEngine       *engine,
               InbVideoWriter  *writer,
               Timings         *timings,
               GCancellable    *cancellable,
               GError         **error)
{
  const Timeline *tl = &data->timeline;
  g_autoptr(GAsyncQueue) pool = g_async_queue_new_full (g_free);

  for (guint i = 0; i < tl->n_frames; i++)
    {
      g_autofree char *stage = NULL;
      g_autoptr(InbImage) frame = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 start;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      start = g_get_monotonic_time ();
      frame = frame_pool_take (pool, data->width, data->height, &timings->n_blocks);
      inb_engine_render (engine, timeline_time (tl, i), frame);
      timings->render_s += seconds_since (start);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      start = g_get_monotonic_time ();
      if (!inb_video_writer_push (writer, frame, &local_error))
        {
          if (g_cancellable_is_cancelled (cancellable))
            g_cancellable_set_error_if_cancelled (cancellable, error);
          else
            g_set_error (error, failure_domain (local_error), failure_code (local_error),
                         _("Could not encode frame %u: %s"),
                         i + 1, local_error->message);
          return FALSE;
        }
      timings->encode_s += seconds_since (start);

      /* Translators: progress stage, e.g. "Rendering frame 12 of 81" */
      stage = g_strdup_printf (_("Rendering frame %u of %u"), i + 1, tl->n_frames);
      report (data,
              ANALYSIS_END + (RENDER_END - ANALYSIS_END) * (double) (i + 1) / tl->n_frames,
              stage);
    }
  return TRUE;
}

/* Reads the finished clip back; on failure or a late cancel nothing is
 * left at the output path. */
static gboolean
verify_clip (GenerateData  *data,
             InbVideoInfo  *info,
             KeptFrames    *kept,
             Timings       *timings,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 start;

  report (data, FINISH_END, _("Verifying clip"));
  start = g_get_monotonic_time ();
  if (!verify_cancellable (data->output_path,
                           data->width, data->height, data->timeline.n_frames,
                           info, kept, cancellable, &local_error))
    {
      remove_output (data->output_path);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                     _("The encoded clip failed verification: %s"),
                     local_error->message);
      return FALSE;
    }
  timings->verify_s = seconds_since (start);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      remove_output (data->output_path);
      return FALSE;
    }
  return TRUE;
}

static InbResult *
result_new (GenerateData       *data,
            const InbVideoInfo *info,
            const KeptFrames   *kept,
            const Timings      *timings)
{
  InbResult *result = inb_result_new (data->output_path);
  JsonObject *metadata;

  for (guint i = 0; i < kept->n; i++)
    inb_result_set_frame (result, kept->index[i], kept->image[i]);

  inb_result_set_video_info (result, info->width, info->height, info->n_frames,
                             info->fps > 0.0 ? info->fps : (double) data->fps);

  metadata = inb_result_get_metadata (result);
  json_object_set_string_member (metadata, "engine", inb_request_get_model_id (data->request));
  json_object_set_int_member (metadata, "frames", data->timeline.n_frames);
  json_object_set_double_member (metadata, "analysis_s", timings->analysis_s);
  json_object_set_double_member (metadata, "render_s", timings->render_s);
  json_object_set_double_member (metadata, "encode_s", timings->encode_s);
  json_object_set_double_member (metadata, "verify_s", timings->verify_s);

  g_debug ("%s: %u frames %u×%u (%u frame buffers), analysis %.3f s, render %.3f s, "
           "encode %.3f s, verify %.3f s",
           data->output_path, data->timeline.n_frames, data->width, data->height, timings->n_blocks,
           timings->analysis_s, timings->render_s, timings->encode_s, timings->verify_s);
  return result;
}

static void
inb_local_backend_generate_worker (GTask        *task,
                                   gpointer      source_object,
                                   gpointer      task_data,
                                   GCancellable *cancellable)
{
  GenerateData *data = task_data;
  g_autoptr(InbEngine) engine = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(InbVideoInfo) info = { 0 };
  g_auto(KeptFrames) kept = { 0 };
  Timings timings = { 0 };
  gint64 start;

  engine = analyse (data, &timings, cancellable, &error);
  if (engine == NULL)
    goto failed;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto failed;

  writer = inb_video_writer_new (data->output_path,
                                 data->width, data->height, data->fps,
                                 &local_error);
  if (writer == NULL)
    {
      error = g_error_new (failure_domain (local_error), failure_code (local_error),
                           _("Could not start the video encoder: %s"),
                           local_error->message);
      goto failed;
    }

  if (!render_frames (data, engine, writer, &timings, cancellable, &error))
    goto failed;
  g_clear_pointer (&engine, inb_engine_free);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto failed;

  /* Flush the encoder, write the index, rename the .part into place. */
  report (data, RENDER_END, _("Finishing clip"));
  start = g_get_monotonic_time ();
  if (!inb_video_writer_finish (writer, &local_error))
    {
      error = g_error_new (failure_domain (local_error), failure_code (local_error),
                           _("Could not finish the clip: %s"),
                           local_error->message);
      goto failed;
    }
  timings.encode_s += seconds_since (start);
  g_clear_object (&writer);

  /* Once the clip is whole, a late cancel still means no clip. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      remove_output (data->output_path);
      goto failed;
    }

  if (!verify_clip (data, &info, &kept, &timings, cancellable, &error))
    goto failed;

  result = result_new (data, &info, &kept, &timings);
  report (data, 1.0, NULL);
  g_task_return_pointer (task, g_steal_pointer (&result), g_object_unref);
  return;

failed:
  /* The writer deletes its .part; nothing is left at the output path. */
  if (writer != NULL)
    inb_video_writer_abort (writer);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* Rendering is background work. Linux applies nice to each thread and
 * new threads inherit it, so lowering it here also lowers the engine's
 * pool (started from this thread): on a machine with two cores the
 * window's main thread then always gets a core when it needs one. */
static void
lower_thread_priority (void)
{
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int current;

  errno = 0;
  current = getpriority (PRIO_PROCESS, tid);
  if (errno == 0 && current < 10 && setpriority (PRIO_PROCESS, tid, 10) != 0)
    g_debug ("Could not lower the render thread's priority: %s", g_strerror (errno));
}

static gpointer
generate_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  lower_thread_priority ();
  inb_local_backend_generate_worker (task,
                                     g_task_get_source_object (task),
                                     g_task_get_task_data (task),
                                     g_task_get_cancellable (task));
  return NULL;
}

/* InbBackend ------------------------------------------------------------ */

/* No key, no address, nothing remote: results are on disk for good. */
static const InbBackendInfo local_info = {
  .id = "local",
  .name = N_("Local (this computer)"),
  .short_name = N_("Local"),
  .description = N_("Inbetween's own in-betweening engine: offline, no key, no server"),
};

static const InbBackendInfo *
inb_local_backend_get_info (InbBackend *backend)
{
  return &local_info;
}

static GPtrArray *
inb_local_backend_get_models (InbBackend *backend)
{
  InbLocalBackend *self = INB_LOCAL_BACKEND (backend);

  return self->models;
}

static guint
inb_local_backend_get_max_concurrent (InbBackend *backend,
                                      InbModel   *model)
{
  /* The engine already uses every core. */
  return 1;
}

static gboolean
inb_local_backend_get_frame_size (InbBackend  *backend,
                                  InbModel    *model,
                                  JsonObject  *params,
                                  guint        source_width,
                                  guint        source_height,
                                  guint       *width,
                                  guint       *height,
                                  GError     **error)
{
  const char *resolution = "720p";
  guint alignment = 8;

  if (model == NULL)
    model = inb_backend_get_default_model (backend);
  if (model != NULL)
    alignment = MAX (1, inb_model_get_size_alignment (model));
  /* yuv420p needs even sizes. */
  if (alignment % 2 != 0)
    alignment *= 2;

  if (params != NULL)
    resolution = inb_params_get_string (params, "resolution", resolution);

  /* "source" keeps the keyframe's size, rounded down to the alignment. */
  return inb_frame_size_for_resolution (resolution, source_width, source_height,
                                        alignment, width, height, error);
}

static gboolean
inb_local_backend_validate (InbBackend  *backend,
                            InbRequest  *request,
                            GError     **error)
{
  InbImage *first = inb_request_get_first (request);
  InbImage *last = inb_request_get_last (request);
  InbModel *model;
  guint width;
  guint height;

  if (first == NULL || last == NULL)
    {
      g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                           _("Both a first and a last keyframe are needed"));
      return FALSE;
    }

  width = inb_image_get_width (first);
  height = inb_image_get_height (first);

  if (width != inb_image_get_width (last) || height != inb_image_get_height (last))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The keyframes differ in size (%u×%u and %u×%u); they must be the same size"),
                   width, height, inb_image_get_width (last), inb_image_get_height (last));
      return FALSE;
    }

  model = inb_backend_find_model (backend, inb_request_get_model_id (request));
  if (model != NULL &&
      (MIN (width, height) < inb_model_get_min_side (model) ||
       MAX (width, height) > inb_model_get_max_side (model)))
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The frame size %u×%u is outside what the engine takes (%u to %u pixels a side)"),
                   width, height,
                   inb_model_get_min_side (model), inb_model_get_max_side (model));
      return FALSE;
    }

  if (width % 2 != 0 || height % 2 != 0)
    {
      g_set_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                   _("The frame size %u×%u is odd; width and height must be even"),
                   width, height);
      return FALSE;
    }

  return TRUE;
}

static void
inb_local_backend_generate_async (InbBackend          *backend,
                                  InbRequest          *request,
                                  InbProgress         *progress,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GenerateData *data;
  const char *output_path;
  gint64 fps;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_local_backend_generate_async);
  g_task_set_name (task, "[inb] local generate");
  /* The worker decides: a returned result means a complete, verified
   * clip; a cancel it noticed means no file at all. */
  g_task_set_check_cancellable (task, FALSE);

  if (!inb_local_backend_validate (backend, request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  output_path = inb_request_get_output_path (request);
  if (output_path == NULL || *output_path == '\0')
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("The request has no output path"));
      return;
    }

  fps = inb_request_get_params (request) != NULL
        ? inb_params_get_int (inb_request_get_params (request), "fps", 16)
        : 16;
  if (fps < 1 || fps > 240)
    {
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT,
                               _("The frame rate %" PRId64 " is out of range"),
                               fps);
      return;
    }

  data = g_new0 (GenerateData, 1);
  data->request = g_object_ref (request);
  data->progress = progress != NULL ? g_object_ref (progress) : NULL;
  data->output_path = g_strdup (output_path);
  data->fps = (guint) fps;
  data->width = inb_image_get_width (inb_request_get_first (request));
  data->height = inb_image_get_height (inb_request_get_first (request));
  data->last_fraction = -1.0;
  g_mutex_init (&data->mutex);
  timeline_init (&data->timeline, inb_request_get_params (request));

  g_task_set_task_data (task, data, generate_data_free);

  /* A thread of its own rather than GTask's shared pool: it lowers its
   * own priority, which must not stick to a pooled thread. */
  g_thread_unref (g_thread_new ("inb-local-render", generate_thread, g_steal_pointer (&task)));
}

static InbResult *
inb_local_backend_generate_finish (InbBackend    *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == inb_local_backend_generate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
inb_local_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_info = inb_local_backend_get_info;
  iface->get_models = inb_local_backend_get_models;
  iface->get_max_concurrent = inb_local_backend_get_max_concurrent;
  iface->get_frame_size = inb_local_backend_get_frame_size;
  iface->validate = inb_local_backend_validate;
  iface->generate_async = inb_local_backend_generate_async;
  iface->generate_finish = inb_local_backend_generate_finish;
  /* Nothing remote: no cancel_remote, no resume. */
}

/* GObject --------------------------------------------------------------- */

static void
inb_local_backend_finalize (GObject *object)
{
  InbLocalBackend *self = (InbLocalBackend *) object;

  g_clear_pointer (&self->models, g_ptr_array_unref);

  G_OBJECT_CLASS (inb_local_backend_parent_class)->finalize (object);
}

static void
inb_local_backend_class_init (InbLocalBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_local_backend_finalize;
}

static void
inb_local_backend_init (InbLocalBackend *self)
{
  g_autoptr(GError) error = NULL;

  /* Referencing the resource links it in (and so registers it) even in
   * programs that use no other part of it, like the CLI and the tests. */
  (void) inb_get_resource ();

  self->models = inb_model_list_new_from_resource (LOCAL_MODELS_RESOURCE, &error);

  /* The schema is compiled into the binary: failing to read it is a bug. */
  if (self->models == NULL)
    {
      g_critical ("Could not load %s: %s", LOCAL_MODELS_RESOURCE, error->message);
      self->models = g_ptr_array_new_with_free_func (g_object_unref);
    }
}

/**
 * inb_local_backend_new:
 *
 * Returns: (transfer full): the local backend
 */
InbBackend *
inb_local_backend_new (void)
{
  return g_object_new (INB_TYPE_LOCAL_BACKEND, NULL);
}
