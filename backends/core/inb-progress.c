/* inb-progress.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-progress"

#include "config.h"

#include "inb-progress.h"

/**
 * InbProgress:
 *
 * A backend's worker threads call inb_progress_update() as often as they
 * like; the object keeps the latest value under a mutex and schedules at
 * most one idle on the main context it was created on (the thread-default
 * context of the creating thread). That idle emits ::changed and notifies
 * #InbProgress:fraction and #InbProgress:stage, so listeners only ever run
 * on their own thread and a burst of updates costs one main-loop wake-up.
 *
 * A backend that can show its work in progress (ComfyUI's sampler
 * previews) sets #InbProgress:preview the same way, and one that knows
 * the time left better than the pace of the fraction (sampler step
 * timing) sets #InbProgress:eta; only the latest of each is delivered.
 *
 * Warnings (inb_progress_add_warning()) are not coalesced: each one is
 * kept, and delivered once, in order, by ::warning.
 *
 * A test that must see every stage a backend went through, however late
 * its main loop runs, asks for them with
 * inb_progress_set_deliver_every_stage(), and one that must see every
 * fraction with inb_progress_set_deliver_every_update().
 */
struct _InbProgress
{
  GObject       parent_instance;

  GMainContext *context;

  GMutex        mutex;
  double        pending_fraction;
  char         *pending_stage;
  InbImage     *pending_preview;
  gboolean      pending_preview_set;
  double        pending_eta;
  gboolean      pending_eta_set;
  GPtrArray    *warnings;         /* under mutex: every warning, in order */
  guint         n_warnings_sent;  /* under mutex: how many ::warning said */
  GSource      *pending_source;   /* under mutex */
  gboolean      every_stage;      /* under mutex */
  gboolean      every_update;     /* under mutex */
  GCond         delivered;        /* the pending values were taken */

  /* main-context side */
  double        fraction;
  char         *stage;
  InbImage     *preview;
  double        eta;
};

G_DEFINE_FINAL_TYPE (InbProgress, inb_progress, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_STAGE,
  PROP_PREVIEW,
  PROP_ETA,
  N_PROPS
};

enum {
  CHANGED,
  WARNING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
inb_progress_finalize (GObject *object)
{
  InbProgress *self = (InbProgress *) object;

  if (self->pending_source != NULL)
    {
      g_source_destroy (self->pending_source);
      g_clear_pointer (&self->pending_source, g_source_unref);
    }
  g_clear_pointer (&self->pending_stage, g_free);
  g_clear_pointer (&self->stage, g_free);
  g_clear_pointer (&self->pending_preview, inb_image_unref);
  g_clear_pointer (&self->preview, inb_image_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_cond_clear (&self->delivered);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (inb_progress_parent_class)->finalize (object);
}

static void
inb_progress_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  InbProgress *self = INB_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_STAGE:
      g_value_set_string (value, self->stage);
      break;

    case PROP_PREVIEW:
      g_value_set_boxed (value, self->preview);
      break;

    case PROP_ETA:
      g_value_set_double (value, self->eta);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_progress_class_init (InbProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inb_progress_finalize;
  object_class->get_property = inb_progress_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STAGE] =
    g_param_spec_string ("stage", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * InbProgress:preview: (nullable)
   *
   * The latest picture of the work in progress, or %NULL.
   */
  properties[PROP_PREVIEW] =
    g_param_spec_boxed ("preview", NULL, NULL,
                        INB_TYPE_IMAGE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * InbProgress:eta:
   *
   * The backend's estimate of the seconds left, or -1 when it has none.
   */
  properties[PROP_ETA] =
    g_param_spec_double ("eta", NULL, NULL,
                         -1.0, G_MAXDOUBLE, -1.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InbProgress::changed:
   *
   * Emitted on the progress object's main context after one or more
   * updates of the fraction, stage or ETA were coalesced (a new preview
   * only notifies #InbProgress:preview).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * InbProgress::warning:
   * @text: the warning, in words
   *
   * Emitted on the progress object's main context once for each
   * inb_progress_add_warning(), in the order they were added.
   */
  signals[WARNING] =
    g_signal_new ("warning",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
inb_progress_init (InbProgress *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->delivered);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_ref_thread_default ();
  self->pending_fraction = -1.0;
  self->eta = -1.0;
}

/**
 * inb_progress_new:
 *
 * Creates a progress object bound to the calling thread's default main
 * context: signals and notifications are emitted there.
 */
InbProgress *
inb_progress_new (void)
{
  return g_object_new (INB_TYPE_PROGRESS, NULL);
}

static gboolean
inb_progress_dispatch (gpointer user_data)
{
  InbProgress *self = user_data;
  g_autofree char *stage = NULL;
  g_autoptr(InbImage) preview = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  double fraction;
  double eta = -1.0;
  gboolean preview_set, eta_set;
  gboolean fraction_changed = FALSE;
  gboolean stage_changed = FALSE;
  gboolean eta_changed = FALSE;

  g_mutex_lock (&self->mutex);
  fraction = self->pending_fraction;
  stage = g_steal_pointer (&self->pending_stage);
  preview = g_steal_pointer (&self->pending_preview);
  preview_set = self->pending_preview_set;
  eta = self->pending_eta;
  eta_set = self->pending_eta_set;
  for (; self->n_warnings_sent < self->warnings->len; self->n_warnings_sent++)
    g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (self->warnings, self->n_warnings_sent)));
  g_clear_pointer (&self->pending_source, g_source_unref);
  self->pending_fraction = -1.0;
  self->pending_preview_set = FALSE;
  self->pending_eta_set = FALSE;
  g_cond_broadcast (&self->delivered);
  g_mutex_unlock (&self->mutex);

  g_object_freeze_notify (G_OBJECT (self));

  if (fraction >= 0.0 && fraction != self->fraction)
    {
      self->fraction = fraction;
      fraction_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }

  if (stage != NULL && g_strcmp0 (stage, self->stage) != 0)
    {
      g_free (self->stage);
      self->stage = g_steal_pointer (&stage);
      stage_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
    }

  if (eta_set && eta != self->eta)
    {
      self->eta = eta;
      eta_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
    }

  if (preview_set && preview != self->preview)
    {
      g_clear_pointer (&self->preview, inb_image_unref);
      self->preview = g_steal_pointer (&preview);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  if (fraction_changed || stage_changed || eta_changed)
    g_signal_emit (self, signals[CHANGED], 0);

  for (guint i = 0; i < warnings->len; i++)
    g_signal_emit (self, signals[WARNING], 0, g_ptr_array_index (warnings, i));

  return G_SOURCE_REMOVE;
}

static void schedule_dispatch_locked (InbProgress *self);

/**
 * inb_progress_update:
 * @fraction: 0…1, or a negative value to leave the fraction as it is
 * @stage: (nullable): short, translated stage text, or %NULL to keep it
 *
 * Thread-safe. Records the latest progress; the main context sees it soon.
 */
void
inb_progress_update (InbProgress *self,
                     double       fraction,
                     const char  *stage)
{
  g_return_if_fail (INB_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);

  if (self->every_update && !g_main_context_is_owner (self->context))
    {
      /* the update before this one reaches the main context first */
      gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

      while (self->every_update && self->pending_source != NULL &&
             g_cond_wait_until (&self->delivered, &self->mutex, end))
        ;
    }

  if (fraction >= 0.0)
    self->pending_fraction = CLAMP (fraction, 0.0, 1.0);

  if (stage != NULL && self->every_stage && !g_main_context_is_owner (self->context))
    {
      /* the stage before this one reaches the main context first */
      gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

      while (self->every_stage && self->pending_stage != NULL && g_strcmp0 (self->pending_stage, stage) != 0 &&
             g_cond_wait_until (&self->delivered, &self->mutex, end))
        ;
    }

  if (stage != NULL)
    {
      g_free (self->pending_stage);
      self->pending_stage = g_strdup (stage);
    }

  schedule_dispatch_locked (self);

  g_mutex_unlock (&self->mutex);
}

/* Called with the mutex held: one idle on the main context at a time. */
static void
schedule_dispatch_locked (InbProgress *self)
{
  if (self->pending_source == NULL)
    {
      self->pending_source = g_idle_source_new ();
      g_source_set_priority (self->pending_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->pending_source, "[inb] progress");
      g_source_set_callback (self->pending_source,
                             inb_progress_dispatch,
                             g_object_ref (self),
                             g_object_unref);
      g_source_attach (self->pending_source, self->context);
    }
}

/**
 * inb_progress_set_deliver_every_stage:
 * @every_stage: %TRUE: no stage is coalesced away
 *
 * For tests. Normally only the latest stage reaches the main context, so
 * a stage that went by while it did not run is never seen there. With
 * @every_stage, an update from another thread that brings a new stage
 * first waits until the main context has taken the stage before it (at
 * most 10 s), so that every stage is delivered, in order; the fraction,
 * preview and time left are still coalesced.
 */
void
inb_progress_set_deliver_every_stage (InbProgress *self,
                                      gboolean     every_stage)
{
  g_return_if_fail (INB_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->every_stage = every_stage;
  g_cond_broadcast (&self->delivered);   /* waiting no more */
  g_mutex_unlock (&self->mutex);
}

/**
 * inb_progress_set_deliver_every_update:
 * @every_update: %TRUE: no fraction or stage is coalesced away
 *
 * For tests that must see the fraction go by, not only its latest value.
 * With @every_update, an update from another thread first waits until
 * the main context has taken what was pending before it (at most 10 s),
 * so the worker goes at the main loop's pace. %FALSE wakes any waiter.
 */
void
inb_progress_set_deliver_every_update (InbProgress *self,
                                       gboolean     every_update)
{
  g_return_if_fail (INB_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->every_update = every_update;
  g_cond_broadcast (&self->delivered);   /* waiting no more */
  g_mutex_unlock (&self->mutex);
}

void
inb_progress_set_fraction (InbProgress *self,
                           double       fraction)
{
  inb_progress_update (self, fraction, NULL);
}

/**
 * inb_progress_get_fraction:
 *
 * The fraction as last dispatched on the main context.
 */
double
inb_progress_get_fraction (InbProgress *self)
{
  g_return_val_if_fail (INB_IS_PROGRESS (self), 0.0);
  return self->fraction;
}

char *
inb_progress_dup_stage (InbProgress *self)
{
  g_return_val_if_fail (INB_IS_PROGRESS (self), NULL);
  return g_strdup (self->stage);
}

/**
 * inb_progress_get_context:
 *
 * Returns: (transfer none): the main context progress is delivered on
 */
GMainContext *
inb_progress_get_context (InbProgress *self)
{
  g_return_val_if_fail (INB_IS_PROGRESS (self), NULL);
  return self->context;
}

/**
 * inb_progress_set_preview:
 * @preview: (nullable): the latest picture of the work in progress;
 *   %NULL: none any more
 *
 * Thread-safe. Only the latest picture reaches the main context, so a
 * backend may call this for every preview it gets.
 */
void
inb_progress_set_preview (InbProgress *self,
                          InbImage    *preview)
{
  g_return_if_fail (INB_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->pending_preview, inb_image_unref);
  self->pending_preview = preview != NULL ? inb_image_ref (preview) : NULL;
  self->pending_preview_set = TRUE;
  schedule_dispatch_locked (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * inb_progress_dup_preview:
 *
 * Returns: (transfer full) (nullable): the picture as last dispatched on
 *   the main context
 */
InbImage *
inb_progress_dup_preview (InbProgress *self)
{
  g_return_val_if_fail (INB_IS_PROGRESS (self), NULL);
  return self->preview != NULL ? inb_image_ref (self->preview) : NULL;
}

/**
 * inb_progress_set_eta:
 * @seconds: the seconds left as the backend estimates them, or a negative
 *   value when it cannot tell
 *
 * Thread-safe.
 */
void
inb_progress_set_eta (InbProgress *self,
                      double       seconds)
{
  g_return_if_fail (INB_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->pending_eta = seconds < 0 ? -1.0 : seconds;
  self->pending_eta_set = TRUE;
  schedule_dispatch_locked (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * inb_progress_get_eta:
 *
 * Returns: the backend's estimate of the seconds left as last dispatched
 *   on the main context, or -1
 */
double
inb_progress_get_eta (InbProgress *self)
{
  g_return_val_if_fail (INB_IS_PROGRESS (self), -1.0);
  return self->eta;
}

/**
 * inb_progress_add_warning:
 * @text: what the artist should know, in words, translated
 *
 * Thread-safe. Kept with the others, and said once by ::warning on the
 * main context.
 */
void
inb_progress_add_warning (InbProgress *self,
                          const char  *text)
{
  g_return_if_fail (INB_IS_PROGRESS (self));
  g_return_if_fail (text != NULL);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->warnings, g_strdup (text));
  schedule_dispatch_locked (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * inb_progress_dup_warnings:
 *
 * Thread-safe: every warning added so far, said or not yet.
 *
 * Returns: (transfer full): the warnings, in order (empty: none)
 */
GStrv
inb_progress_dup_warnings (InbProgress *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (INB_IS_PROGRESS (self), NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->warnings->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->warnings, i));
  g_mutex_unlock (&self->mutex);

  return g_strv_builder_end (builder);
}
