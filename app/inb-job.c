/* inb-job.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-job"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-fidelity.h"
#include "inb-job.h"
#include "inb-video-reader.h"

/**
 * InbJob:
 *
 * One generation. The job drives its take through the states of
 * ARCHITECTURE.md, saving take.json at every change, and runs the
 * backend; it lives on the main thread and only hands blocking work
 * (image and video files) to GTask threads.
 */
struct _InbJob
{
  GObject       parent_instance;

  InbBackend   *backend;
  InbRequest   *request;
  InbTake      *take;
  InbProgress  *progress;
  GCancellable *cancellable;
  InbResult    *result;
  GError       *error;

  InbJobState   state;
  gint64        started_at;   /* monotonic µs, 0 before start */
  gint64        ended_at;
  gboolean      running;
  gboolean      left;         /* stopped following; the service runs it on */
};

G_DEFINE_FINAL_TYPE (InbJob, inb_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FRACTION,
  PROP_STAGE,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const GEnumValue job_state_values[] = {
  { INB_JOB_QUEUED,         "INB_JOB_QUEUED",         "queued" },
  { INB_JOB_PREPARING,      "INB_JOB_PREPARING",      "preparing" },
  { INB_JOB_UPLOADING,      "INB_JOB_UPLOADING",      "uploading" },
  { INB_JOB_SUBMITTED,      "INB_JOB_SUBMITTED",      "submitted" },
  { INB_JOB_RUNNING,        "INB_JOB_RUNNING",        "running" },
  { INB_JOB_DOWNLOADING,    "INB_JOB_DOWNLOADING",    "downloading" },
  { INB_JOB_DONE,           "INB_JOB_DONE",           "done" },
  { INB_JOB_FAILED,         "INB_JOB_FAILED",         "failed" },
  { INB_JOB_CANCELLED,      "INB_JOB_CANCELLED",      "cancelled" },
  { INB_JOB_SUBMIT_UNKNOWN, "INB_JOB_SUBMIT_UNKNOWN", "submit-unknown" },
  { INB_JOB_EXPIRED,        "INB_JOB_EXPIRED",        "expired" },
  { INB_JOB_INTERRUPTED,    "INB_JOB_INTERRUPTED",    "interrupted" },
  { 0, NULL, NULL }
};

GType
inb_job_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_enum_register_static (g_intern_static_string ("InbJobState"), job_state_values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

const char *
inb_job_state_to_string (InbJobState state)
{
  for (guint i = 0; job_state_values[i].value_nick != NULL; i++)
    {
      if ((InbJobState) job_state_values[i].value == state)
        return job_state_values[i].value_nick;
    }

  return "unknown";
}

gboolean
inb_job_state_from_string (const char  *text,
                           InbJobState *state)
{
  for (guint i = 0; job_state_values[i].value_nick != NULL; i++)
    {
      if (g_strcmp0 (job_state_values[i].value_nick, text) == 0)
        {
          *state = job_state_values[i].value;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * inb_job_format_time_left:
 * @seconds: an estimate of the time left (inb_job_get_eta())
 *
 * Returns: (transfer full): the estimate as a person says it: "a few
 *   seconds", "about 40 s", "about 13 min", "about 2 h 10 min"; rounded up,
 *   coarser the further away
 */
char *
inb_job_format_time_left (double seconds)
{
  gint64 s = (gint64) MAX (seconds, 0.0) + (seconds - (gint64) seconds > 0 ? 1 : 0);
  gint64 minutes, hours;

  if (s < 10)
    return g_strdup (_("a few seconds"));

  if (s < 55)
    /* Translators: an estimate of the time left, in seconds: "about 40 s" */
    return g_strdup_printf (_("about %d s"), (int) ((s + 4) / 5 * 5));

  minutes = (s + 59) / 60;
  if (minutes < 60)
    /* Translators: an estimate of the time left, in minutes: "about 13 min" */
    return g_strdup_printf (_("about %d min"), (int) minutes);

  /* Past an hour, to five minutes */
  minutes = (minutes + 4) / 5 * 5;
  hours = minutes / 60;
  minutes %= 60;
  if (minutes == 0)
    /* Translators: an estimate of the time left, in hours: "about 2 h" */
    return g_strdup_printf (_("about %d h"), (int) hours);

  /* Translators: an estimate of the time left: "about 2 h 10 min" */
  return g_strdup_printf (_("about %d h %d min"), (int) hours, (int) minutes);
}

gboolean
inb_job_state_is_terminal (InbJobState state)
{
  return state >= INB_JOB_DONE;
}

/**
 * inb_job_state_can_move:
 *
 * The state machine: the active states only move forward (a backend may
 * skip the ones it has no use for), any active state may fail or be
 * cancelled, only a sent submit can become "submit-unknown", only a job
 * the service knows about can expire, and terminal states are final.
 */
gboolean
inb_job_state_can_move (InbJobState from,
                        InbJobState to)
{
  if (inb_job_state_is_terminal (from))
    return FALSE;

  switch (to)
    {
    case INB_JOB_QUEUED:
      return FALSE;

    case INB_JOB_PREPARING:
    case INB_JOB_UPLOADING:
    case INB_JOB_SUBMITTED:
    case INB_JOB_RUNNING:
    case INB_JOB_DOWNLOADING:
    case INB_JOB_DONE:
      return to > from;

    case INB_JOB_FAILED:
    case INB_JOB_CANCELLED:
      return TRUE;

    case INB_JOB_SUBMIT_UNKNOWN:
      /* RUNNING covers a backend that reports no finer states. */
      return from == INB_JOB_UPLOADING || from == INB_JOB_SUBMITTED || from == INB_JOB_RUNNING;

    case INB_JOB_EXPIRED:
      return from >= INB_JOB_SUBMITTED && from <= INB_JOB_DOWNLOADING;

    case INB_JOB_INTERRUPTED:
      /* Only a take whose process died: never a live job's move */
      return FALSE;

    default:
      return FALSE;
    }
}

static void
inb_job_progress_changed_cb (InbJob      *self,
                             InbProgress *progress)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

static void take_saved_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data);

/* A warning from the backend (a server that dropped part of the work):
 * into take.json at once, so the take says it however it ends */
static void
inb_job_progress_warning_cb (InbJob      *self,
                             const char  *text,
                             InbProgress *progress)
{
  inb_take_add_warning (self->take, text);
  if (!inb_job_state_is_terminal (self->state))
    inb_take_save_async (self->take, NULL, take_saved_cb, NULL);
}

/* The backend's warnings, all of them (one added just before the backend
 * finished may not have been said yet): kept with the take's end */
static void
inb_job_keep_warnings (InbJob *self)
{
  g_auto(GStrv) warnings = inb_progress_dup_warnings (self->progress);

  for (guint i = 0; warnings[i] != NULL; i++)
    inb_take_add_warning (self->take, warnings[i]);
}

static void
inb_job_dispose (GObject *object)
{
  InbJob *self = (InbJob *) object;

  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);

  g_clear_object (&self->backend);
  g_clear_object (&self->request);
  g_clear_object (&self->take);
  g_clear_object (&self->progress);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->result);

  G_OBJECT_CLASS (inb_job_parent_class)->dispose (object);
}

static void
inb_job_finalize (GObject *object)
{
  InbJob *self = (InbJob *) object;

  g_clear_error (&self->error);

  G_OBJECT_CLASS (inb_job_parent_class)->finalize (object);
}

static void
inb_job_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  InbJob *self = INB_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, inb_job_get_fraction (self));
      break;

    case PROP_STAGE:
      g_value_take_string (value, inb_job_dup_stage (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_job_class_init (InbJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inb_job_dispose;
  object_class->finalize = inb_job_finalize;
  object_class->get_property = inb_job_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       INB_TYPE_JOB_STATE, INB_JOB_QUEUED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STAGE] =
    g_param_spec_string ("stage", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InbJob::finished:
   *
   * Emitted once, when the job reaches a terminal state.
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
inb_job_init (InbJob *self)
{
  self->cancellable = g_cancellable_new ();
  self->progress = inb_progress_new ();
  self->state = INB_JOB_QUEUED;

  g_signal_connect_object (self->progress, "changed",
                           G_CALLBACK (inb_job_progress_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->progress, "warning",
                           G_CALLBACK (inb_job_progress_warning_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * inb_job_new:
 * @take: the take created for @request (state "queued")
 *
 * The request's output path and work folder are set to the take's.
 */
InbJob *
inb_job_new (InbBackend *backend,
             InbRequest *request,
             InbTake    *take)
{
  InbJob *self;
  g_autofree char *clip = NULL;

  g_return_val_if_fail (INB_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (INB_IS_REQUEST (request), NULL);
  g_return_val_if_fail (INB_IS_TAKE (take), NULL);

  self = g_object_new (INB_TYPE_JOB, NULL);
  self->backend = g_object_ref (backend);
  self->request = g_object_ref (request);
  self->take = g_object_ref (take);

  clip = inb_take_dup_clip_path (take);
  inb_request_set_output_path (request, clip);
  inb_request_set_work_dir (request, inb_take_get_dir (take));

  return self;
}

InbBackend *
inb_job_get_backend (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->backend;
}

InbRequest *
inb_job_get_request (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->request;
}

InbTake *
inb_job_get_take (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->take;
}

InbProgress *
inb_job_get_progress (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->progress;
}

InbJobState
inb_job_get_state (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), INB_JOB_FAILED);
  return self->state;
}

/**
 * inb_job_get_error:
 *
 * Returns: (transfer none) (nullable): why the job failed (never set for
 *   a cancelled job)
 */
const GError *
inb_job_get_error (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->error;
}

/**
 * inb_job_get_result:
 *
 * Returns: (transfer none) (nullable): the clip, once done
 */
InbResult *
inb_job_get_result (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return self->result;
}

double
inb_job_get_fraction (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), 0.0);

  if (self->state == INB_JOB_DONE)
    return 1.0;

  return inb_progress_get_fraction (self->progress);
}

char *
inb_job_dup_stage (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);
  return inb_progress_dup_stage (self->progress);
}

/**
 * inb_job_dup_status:
 *
 * Returns: (transfer full) (nullable): what the backend is doing and, once
 *   known, the time left as inb_job_format_time_left() says it for every
 *   backend: "Sampling: step 3 of 20 · about 1 h 20 min left"; the stage
 *   alone when the time left is unknown or the job is over
 */
char *
inb_job_dup_status (InbJob *self)
{
  g_autofree char *stage = NULL;
  g_autofree char *left = NULL;
  double eta;

  g_return_val_if_fail (INB_IS_JOB (self), NULL);

  stage = inb_job_dup_stage (self);
  eta = inb_job_get_eta (self);
  if (stage == NULL || *stage == '\0' || eta < 0 || inb_job_state_is_terminal (self->state))
    return g_steal_pointer (&stage);

  left = inb_job_format_time_left (eta);
  /* Translators: what a backend is doing, then the time left ("about 1 h 20 min"):
   * "Sampling: step 3 of 20 · about 1 h 20 min left" */
  return g_strdup_printf (_("%s · %s left"), stage, left);
}

/**
 * inb_job_dup_warnings:
 *
 * Returns: (transfer full): what the backend warned of (a server that
 *   dropped part of the work), as kept in the take, in order
 */
GStrv
inb_job_dup_warnings (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), NULL);

  inb_job_keep_warnings (self);
  return inb_take_dup_warnings (self->take);
}

double
inb_job_get_elapsed (InbJob *self)
{
  gint64 end;

  g_return_val_if_fail (INB_IS_JOB (self), 0.0);

  if (self->started_at == 0)
    return 0.0;

  end = self->ended_at ? self->ended_at : g_get_monotonic_time ();
  return (end - self->started_at) / (double) G_USEC_PER_SEC;
}

/**
 * inb_job_get_eta:
 *
 * Returns: seconds left: the backend's own estimate when it gives one
 *   (see inb_progress_set_eta()), else from the pace so far; negative
 *   while unknown (before 2 % or 1 s of progress).
 */
double
inb_job_get_eta (InbJob *self)
{
  double fraction;
  double elapsed;

  g_return_val_if_fail (INB_IS_JOB (self), -1.0);

  if (inb_job_state_is_terminal (self->state))
    return self->state == INB_JOB_DONE ? 0.0 : -1.0;

  if (inb_progress_get_eta (self->progress) >= 0.0)
    return inb_progress_get_eta (self->progress);

  fraction = inb_progress_get_fraction (self->progress);
  elapsed = inb_job_get_elapsed (self);

  if (fraction < 0.02 || elapsed < 1.0)
    return -1.0;

  return elapsed * (1.0 - fraction) / fraction;
}

static void
take_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!inb_take_save_finish (INB_TAKE (object), result, &error))
    g_warning ("Take %s: %s", inb_take_get_id (INB_TAKE (object)), error->message);
}

/* The end is on disk: the take's lock can go (see inb_take_acquire_lock()) */
static void
final_take_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  take_saved_cb (object, result, user_data);
  inb_take_release_lock (INB_TAKE (object));
}

static void
inb_job_set_state (InbJob      *self,
                   InbJobState  state)
{
  g_assert (INB_IS_JOB (self));

  if (self->state == state)
    return;

  if (!inb_job_state_can_move (self->state, state))
    {
      g_critical ("Job %s cannot go from %s to %s", inb_take_get_id (self->take),
                  inb_job_state_to_string (self->state), inb_job_state_to_string (state));
      return;
    }

  g_debug ("Job %s: %s → %s", inb_take_get_id (self->take),
           inb_job_state_to_string (self->state), inb_job_state_to_string (state));

  self->state = state;

  /* Left for later: the take keeps the state it had, so the next start
   * resumes its task */
  if (self->left && state == INB_JOB_CANCELLED)
    {
      self->ended_at = g_get_monotonic_time ();
      inb_take_release_lock (self->take);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      g_signal_emit (self, signals[FINISHED], 0);
      return;
    }

  inb_take_set_state (self->take, inb_job_state_to_string (state));

  if (inb_job_state_is_terminal (state))
    {
      self->ended_at = g_get_monotonic_time ();
      if (self->started_at != 0)
        inb_take_set_timing (self->take, "total", inb_job_get_elapsed (self));
    }

  inb_take_save_async (self->take, NULL,
                       inb_job_state_is_terminal (state) ? final_take_saved_cb : take_saved_cb, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  if (inb_job_state_is_terminal (state))
    g_signal_emit (self, signals[FINISHED], 0);
}

/**
 * inb_job_cancel:
 *
 * Cancels the job: a queued job ends at once, a running one as soon as
 * its backend notices (the local engine within 200 ms).
 */
/**
 * inb_job_can_leave_for_later:
 *
 * Returns: whether the job's task already reached a service that keeps
 *   running it without us, so stopping now loses nothing (see
 *   inb_job_leave_for_later())
 */
gboolean
inb_job_can_leave_for_later (InbJob *self)
{
  g_return_val_if_fail (INB_IS_JOB (self), FALSE);

  return inb_backend_has_address (self->backend) &&
         (self->state == INB_JOB_SUBMITTED || self->state == INB_JOB_RUNNING ||
          self->state == INB_JOB_DOWNLOADING);
}

/**
 * inb_job_leave_for_later:
 *
 * Stops following a job whose task runs at a service (quitting, say)
 * without cancelling it there: its take keeps its state and the next start
 * resumes it. A job that cannot be left (see
 * inb_job_can_leave_for_later()) is cancelled instead.
 */
void
inb_job_leave_for_later (InbJob *self)
{
  g_return_if_fail (INB_IS_JOB (self));

  if (inb_job_state_is_terminal (self->state))
    return;

  if (inb_job_can_leave_for_later (self))
    {
      self->left = TRUE;
      inb_request_set_leave_remote (self->request, TRUE);
    }

  inb_job_cancel (self);
}

void
inb_job_cancel (InbJob *self)
{
  g_return_if_fail (INB_IS_JOB (self));

  if (inb_job_state_is_terminal (self->state))
    return;

  g_cancellable_cancel (self->cancellable);

  if (!self->running)
    inb_job_set_state (self, INB_JOB_CANCELLED);
}

static void
remove_partial_clip (InbJob *self)
{
  const char *path = inb_request_get_output_path (self->request);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  g_unlink (path);
  g_unlink (part);
}

static void
inb_job_fail (InbJob *self,
              GTask  *task,
              GError *error)
{
  InbJobState state = INB_JOB_FAILED;

  g_assert (INB_IS_JOB (self));

  self->running = FALSE;

  if (!g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN) &&
      !g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED))
    remove_partial_clip (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = INB_JOB_CANCELLED;
  else if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN) &&
           inb_job_state_can_move (self->state, INB_JOB_SUBMIT_UNKNOWN))
    state = INB_JOB_SUBMIT_UNKNOWN;
  else if (g_error_matches (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_EXPIRED) &&
           inb_job_state_can_move (self->state, INB_JOB_EXPIRED))
    state = INB_JOB_EXPIRED;

  if (state != INB_JOB_CANCELLED)
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      inb_take_set_error (self->take, error);
    }

  inb_job_set_state (self, state);
  g_task_return_error (task, error);
}

static gboolean
is_cancelled (InbJob *self,
              GTask  *task)
{
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      inb_job_fail (self, task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled")));
      return TRUE;
    }

  return FALSE;
}

/* Step 3: thumbnail from the middle of the clip, then done. */

/* Step 3, in a worker: a thumbnail from the middle of the clip, and how
 * closely its ends match the keyframes as sent (kept as "fidelity"). */
static void
thumbnail_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  InbJob *self = source_object;
  InbResult *result = task_data;
  g_autoptr(InbImage) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = inb_take_dup_keyframe_path (self->take, FALSE);
  g_autofree char *last = inb_take_dup_keyframe_path (self->take, TRUE);
  guint n_frames = inb_result_get_n_frames (result);
  guint middle = n_frames / 2 > 0 && n_frames / 2 + 1 < n_frames ? n_frames / 2 : 0;
  InbImage *kept_first = n_frames > 0 ? inb_result_get_frame (result, 0) : NULL;
  InbImage *kept_middle = n_frames > 0 ? inb_result_get_frame (result, middle) : NULL;
  InbImage *kept_last = n_frames > 0 ? inb_result_get_frame (result, n_frames - 1) : NULL;
  InbFidelity fidelity;
  gboolean measured;

  /* The ends against the keyframes, the middle for the thumbnail: from
   * the frames the backend kept while verifying the clip and the
   * keyframes in memory (the pixels of the take's first.png and last.png),
   * else in one decoding pass; neither failing ever fails a finished take */
  if (kept_first != NULL && kept_middle != NULL && kept_last != NULL &&
      inb_request_get_first (self->request) != NULL && inb_request_get_last (self->request) != NULL)
    {
      inb_fidelity_measure_frames (kept_first, kept_last, n_frames,
                                   inb_request_get_first (self->request),
                                   inb_request_get_last (self->request),
                                   &fidelity);
      measured = TRUE;
      frame = inb_image_ref (kept_middle);
    }
  else
    {
      measured = inb_fidelity_measure_clip (inb_result_get_clip_path (result), n_frames, first, last,
                                            &fidelity, &frame, cancellable, &error);
    }

  if (!measured)
    {
      g_debug ("Take %s: fidelity not measured: %s", inb_take_get_id (self->take), error->message);
      g_clear_error (&error);
      if (frame == NULL)
        frame = inb_video_read_frame (inb_result_get_clip_path (result), n_frames / 2, &error);
    }

  if (frame == NULL || !inb_take_write_thumbnail (self->take, frame, &error))
    g_warning ("No thumbnail for take %s: %s", inb_take_get_id (self->take), error->message);

  if (fidelity.n_frames == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_return_pointer (task, inb_fidelity_to_json (&fidelity), (GDestroyNotify) json_object_unref);
}

static void
thumbnail_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbJob *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) summary = json_object_new ();
  g_autoptr(JsonObject) fidelity = NULL;
  JsonObject *metadata;
  g_autoptr(JsonNode) wrap = NULL;

  fidelity = g_task_propagate_pointer (G_TASK (res), NULL);
  /* Measured and shown: the frames the backend handed on are not needed again */
  inb_result_clear_frames (self->result);
  if (fidelity != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), fidelity);

      inb_take_set_member (self->take, "fidelity", node);
    }

  json_object_set_int_member (summary, "width", inb_result_get_width (self->result));
  json_object_set_int_member (summary, "height", inb_result_get_height (self->result));
  json_object_set_int_member (summary, "frames", inb_result_get_n_frames (self->result));
  json_object_set_double_member (summary, "fps", inb_result_get_fps (self->result));

  metadata = inb_result_get_metadata (self->result);
  wrap = json_node_init_object (json_node_alloc (), metadata);
  json_object_set_member (summary, "backend", json_node_copy (wrap));

  inb_take_set_result (self->take, summary);
  self->running = FALSE;
  inb_job_set_state (self, INB_JOB_DONE);
  g_task_return_boolean (task, TRUE);
}

/* Step 2: the backend makes the clip. */

static void
generate_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbJob *self = g_task_get_source_object (task);
  g_autoptr(GTask) thumb = NULL;
  GError *error = NULL;

  self->result = inb_backend_generate_finish (INB_BACKEND (object), res, &error);
  inb_job_keep_warnings (self);
  if (self->result == NULL)
    {
      inb_job_fail (self, task, error);
      return;
    }

  inb_take_set_timing (self->take, "generate",
                       (g_get_monotonic_time () - self->started_at) / (double) G_USEC_PER_SEC);

  thumb = g_task_new (self, NULL, thumbnail_cb, g_steal_pointer (&task));
  g_task_set_task_data (thumb, g_object_ref (self->result), g_object_unref);
  g_task_run_in_thread (thumb, thumbnail_worker);
}

/* Step 1: the keyframes as sent go into the take. */

static void
keyframes_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  InbJob *self = source_object;
  GError *error = NULL;

  if (inb_take_write_keyframes (self->take,
                                inb_request_get_first (self->request),
                                inb_request_get_last (self->request),
                                &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
keyframes_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  InbJob *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      inb_job_fail (self, task, error);
      return;
    }

  if (is_cancelled (self, task))
    return;

  inb_job_set_state (self, INB_JOB_RUNNING);
  inb_backend_generate_async (self->backend, self->request, self->progress, self->cancellable,
                              generate_cb, g_steal_pointer (&task));
}

/**
 * inb_job_run_async:
 *
 * Runs the job to a terminal state. Completes with %G_IO_ERROR_CANCELLED
 * when cancelled (the state is then "cancelled", not "failed").
 */
void
inb_job_run_async (InbJob              *self,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) prepare = NULL;

  g_return_if_fail (INB_IS_JOB (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, inb_job_run_async);

  if (self->state != INB_JOB_QUEUED || self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Job %s has already run", inb_take_get_id (self->take));
      return;
    }

  self->running = TRUE;
  self->started_at = g_get_monotonic_time ();

  if (is_cancelled (self, task))
    return;

  inb_progress_update (self->progress, 0.0, _("Preparing"));
  inb_job_set_state (self, INB_JOB_PREPARING);

  prepare = g_task_new (self, self->cancellable, keyframes_cb, g_steal_pointer (&task));
  g_task_run_in_thread (prepare, keyframes_worker);
}

gboolean
inb_job_run_finish (InbJob        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (INB_IS_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
