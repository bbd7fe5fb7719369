/* inb-request.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-request"

#include "config.h"

#include "inb-request.h"

struct _InbRequest
{
  GObject     parent_instance;

  char       *backend_id;
  char       *model_id;
  char       *prompt;
  char       *negative_prompt;
  JsonObject *params;
  gint64      seed;
  InbImage   *first;
  InbImage   *last;
  char       *work_dir;
  char       *output_path;
  gint        leave_remote;   /* atomic: read by the job's worker threads */
};

struct _InbResult
{
  GObject     parent_instance;

  char       *clip_path;
  guint       width;
  guint       height;
  guint       n_frames;
  double      fps;
  JsonObject *metadata;
  GHashTable *frames;   /* frame index → InbImage; NULL until one is set */
};

G_DEFINE_FINAL_TYPE (InbRequest, inb_request, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (InbResult, inb_result, G_TYPE_OBJECT)

static void
inb_request_finalize (GObject *object)
{
  InbRequest *self = (InbRequest *) object;

  g_free (self->backend_id);
  g_free (self->model_id);
  g_free (self->prompt);
  g_free (self->negative_prompt);
  g_clear_pointer (&self->params, json_object_unref);
  g_clear_pointer (&self->first, inb_image_unref);
  g_clear_pointer (&self->last, inb_image_unref);
  g_free (self->work_dir);
  g_free (self->output_path);

  G_OBJECT_CLASS (inb_request_parent_class)->finalize (object);
}

static void
inb_request_class_init (InbRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_request_finalize;
}

static void
inb_request_init (InbRequest *self)
{
  self->params = json_object_new ();
  self->prompt = g_strdup ("");
  self->negative_prompt = g_strdup ("");
}

InbRequest *
inb_request_new (const char *backend_id,
                 const char *model_id)
{
  InbRequest *self;

  g_return_val_if_fail (backend_id != NULL, NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  self = g_object_new (INB_TYPE_REQUEST, NULL);
  self->backend_id = g_strdup (backend_id);
  self->model_id = g_strdup (model_id);

  return self;
}

const char *
inb_request_get_backend_id (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->backend_id;
}

const char *
inb_request_get_model_id (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->model_id;
}

const char *
inb_request_get_prompt (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->prompt;
}

void
inb_request_set_prompt (InbRequest *self,
                        const char *prompt)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_free (self->prompt);
  self->prompt = g_strdup (prompt ? prompt : "");
}

const char *
inb_request_get_negative_prompt (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->negative_prompt;
}

void
inb_request_set_negative_prompt (InbRequest *self,
                                 const char *negative_prompt)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_free (self->negative_prompt);
  self->negative_prompt = g_strdup (negative_prompt ? negative_prompt : "");
}

/**
 * inb_request_get_params:
 *
 * Returns: (transfer none): the parameter values
 */
JsonObject *
inb_request_get_params (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->params;
}

void
inb_request_set_params (InbRequest *self,
                        JsonObject *params)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_return_if_fail (params != NULL);

  json_object_ref (params);
  g_clear_pointer (&self->params, json_object_unref);
  self->params = params;
}

gint64
inb_request_get_seed (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), 0);
  return self->seed;
}

void
inb_request_set_seed (InbRequest *self,
                      gint64      seed)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  self->seed = seed;
}

/**
 * inb_request_get_first:
 *
 * Returns: (transfer none) (nullable): the first keyframe, normalised
 */
InbImage *
inb_request_get_first (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->first;
}

/**
 * inb_request_get_last:
 *
 * Returns: (transfer none) (nullable): the last keyframe, normalised
 */
InbImage *
inb_request_get_last (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->last;
}

void
inb_request_set_keyframes (InbRequest *self,
                           InbImage   *first,
                           InbImage   *last)
{
  g_return_if_fail (INB_IS_REQUEST (self));

  if (first)
    inb_image_ref (first);
  if (last)
    inb_image_ref (last);
  g_clear_pointer (&self->first, inb_image_unref);
  g_clear_pointer (&self->last, inb_image_unref);
  self->first = first;
  self->last = last;
}

const char *
inb_request_get_work_dir (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->work_dir;
}

void
inb_request_set_work_dir (InbRequest *self,
                          const char *work_dir)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_free (self->work_dir);
  self->work_dir = g_strdup (work_dir);
}

/**
 * inb_request_set_leave_remote:
 *
 * When the job is cancelled after its task reached the service: stop
 * following it, but leave it running there and its record as it is, so
 * the next start resumes it (no remote cancel). Set before cancelling.
 */
void
inb_request_set_leave_remote (InbRequest *self,
                              gboolean    leave)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_atomic_int_set (&self->leave_remote, leave ? 1 : 0);
}

gboolean
inb_request_get_leave_remote (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), FALSE);
  return g_atomic_int_get (&self->leave_remote) != 0;
}

const char *
inb_request_get_output_path (InbRequest *self)
{
  g_return_val_if_fail (INB_IS_REQUEST (self), NULL);
  return self->output_path;
}

void
inb_request_set_output_path (InbRequest *self,
                             const char *output_path)
{
  g_return_if_fail (INB_IS_REQUEST (self));
  g_free (self->output_path);
  self->output_path = g_strdup (output_path);
}

/* InbResult */

static void
inb_result_finalize (GObject *object)
{
  InbResult *self = (InbResult *) object;

  g_free (self->clip_path);
  g_clear_pointer (&self->metadata, json_object_unref);
  g_clear_pointer (&self->frames, g_hash_table_unref);

  G_OBJECT_CLASS (inb_result_parent_class)->finalize (object);
}

static void
inb_result_class_init (InbResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_result_finalize;
}

static void
inb_result_init (InbResult *self)
{
  self->metadata = json_object_new ();
}

InbResult *
inb_result_new (const char *clip_path)
{
  InbResult *self;

  g_return_val_if_fail (clip_path != NULL, NULL);

  self = g_object_new (INB_TYPE_RESULT, NULL);
  self->clip_path = g_strdup (clip_path);

  return self;
}

const char *
inb_result_get_clip_path (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), NULL);
  return self->clip_path;
}

guint
inb_result_get_width (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), 0);
  return self->width;
}

guint
inb_result_get_height (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), 0);
  return self->height;
}

guint
inb_result_get_n_frames (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), 0);
  return self->n_frames;
}

double
inb_result_get_fps (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), 0.0);
  return self->fps;
}

void
inb_result_set_video_info (InbResult *self,
                           guint      width,
                           guint      height,
                           guint      n_frames,
                           double     fps)
{
  g_return_if_fail (INB_IS_RESULT (self));

  self->width = width;
  self->height = height;
  self->n_frames = n_frames;
  self->fps = fps;
}

/**
 * inb_result_set_frame:
 * @index: 0-based frame of the clip
 * @frame: that frame as decoded from the clip (8-bit RGB, converted as
 *   inb_video_read_frame() does)
 *
 * Hands on a frame the backend decoded anyway (verifying the clip), so
 * that whoever measures or shows the clip next need not decode it again.
 * Set before the result is returned; the result is not locked.
 */
void
inb_result_set_frame (InbResult *self,
                      guint      index,
                      InbImage  *frame)
{
  g_return_if_fail (INB_IS_RESULT (self));
  g_return_if_fail (frame != NULL);

  if (self->frames == NULL)
    self->frames = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) inb_image_unref);
  g_hash_table_replace (self->frames, GUINT_TO_POINTER (index), inb_image_ref (frame));
}

/**
 * inb_result_get_frame:
 *
 * Returns: (transfer none) (nullable): frame @index if the backend handed
 *   it on, else %NULL (decode the clip)
 */
InbImage *
inb_result_get_frame (InbResult *self,
                      guint      index)
{
  g_return_val_if_fail (INB_IS_RESULT (self), NULL);

  if (self->frames == NULL)
    return NULL;
  return g_hash_table_lookup (self->frames, GUINT_TO_POINTER (index));
}

/**
 * inb_result_clear_frames:
 *
 * Drops the frames handed on (a few megabytes each) once they are used.
 */
void
inb_result_clear_frames (InbResult *self)
{
  g_return_if_fail (INB_IS_RESULT (self));

  g_clear_pointer (&self->frames, g_hash_table_unref);
}

/**
 * inb_result_get_metadata:
 *
 * Returns: (transfer none): what the backend wants kept in the take
 */
JsonObject *
inb_result_get_metadata (InbResult *self)
{
  g_return_val_if_fail (INB_IS_RESULT (self), NULL);
  return self->metadata;
}
