/* test-job.c — the job state machine and the job queue, on a scripted backend
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "inb-job-queue.h"
#include "inb-test-utils.h"
#include "inb-video-writer.h"

/* ------------------------------------------------------------------ a backend
 * that writes a tiny real clip after a delay, or fails the way it is told. */

typedef enum
{
  SCRIPT_SUCCEED,
  SCRIPT_FAIL,
  SCRIPT_SUBMIT_UNKNOWN,
  SCRIPT_WAIT_FOR_CANCEL,
} Script;

#define TEST_TYPE_BACKEND (test_backend_get_type ())
G_DECLARE_FINAL_TYPE (TestBackend, test_backend, TEST, BACKEND, GObject)

struct _TestBackend
{
  GObject    parent_instance;
  GPtrArray *models;
  Script     script;
  guint      max_concurrent;
  guint      delay_ms;
  guint      running;
  guint      max_seen_running;
  guint      n_started;
};

static void test_backend_iface_init (InbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestBackend, test_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (INB_TYPE_BACKEND, test_backend_iface_init))

static const InbBackendInfo test_backend_info = {
  .id = "test",
  .name = "Test",
};

static const InbBackendInfo *
test_backend_get_info (InbBackend *backend)
{
  return &test_backend_info;
}

static GPtrArray *
test_backend_get_models (InbBackend *backend)
{
  return TEST_BACKEND (backend)->models;
}

static guint
test_backend_get_max_concurrent (InbBackend *backend,
                                 InbModel   *model)
{
  return TEST_BACKEND (backend)->max_concurrent;
}

static gboolean
write_clip (const char  *path,
            GError     **error)
{
  g_autoptr(InbVideoWriter) writer = inb_video_writer_new (path, 64, 48, 8, error);

  if (writer == NULL)
    return FALSE;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(InbImage) frame = inb_test_textured_image (64, 48, i * 2.0, 0);

      if (!inb_video_writer_push (writer, frame, error))
        return FALSE;
    }

  return inb_video_writer_finish (writer, error);
}

static void
finish_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  InbRequest *request = task_data;
  GError *error = NULL;
  InbResult *result;

  if (!write_clip (inb_request_get_output_path (request), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  result = inb_result_new (inb_request_get_output_path (request));
  inb_result_set_video_info (result, 64, 48, 5, 8.0);
  json_object_set_double_member (inb_result_get_metadata (result), "render_s", 0.01);
  g_task_return_pointer (task, result, g_object_unref);
}

static gboolean
script_step (gpointer data)
{
  GTask *task = data;
  TestBackend *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    goto out;

  switch (self->script)
    {
    case SCRIPT_SUCCEED:
      {
        g_autoptr(GTask) worker = g_task_new (self, NULL, NULL, NULL);
        /* finish on a thread like a real backend, then return on this task */
        g_task_set_task_data (worker, g_object_ref (g_task_get_task_data (task)), g_object_unref);
        g_task_run_in_thread_sync (worker, finish_worker);
        {
          GError *error = NULL;
          InbResult *result = g_task_propagate_pointer (worker, &error);

          if (result != NULL)
            g_task_return_pointer (task, result, g_object_unref);
          else
            g_task_return_error (task, error);
        }
      }
      break;

    case SCRIPT_FAIL:
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE,
                               "The service said no (code 42)");
      break;

    case SCRIPT_SUBMIT_UNKNOWN:
      g_task_return_new_error (task, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN,
                               "No answer to the submit");
      break;

    case SCRIPT_WAIT_FOR_CANCEL:
    default:
      return G_SOURCE_CONTINUE;
    }

out:
  self->running--;
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
test_backend_generate_async (InbBackend          *backend,
                             InbRequest          *request,
                             InbProgress         *progress,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TestBackend *self = TEST_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, g_object_ref (request), g_object_unref);
  self->running++;
  self->n_started++;
  self->max_seen_running = MAX (self->max_seen_running, self->running);

  inb_progress_update (progress, 0.5, "Half way");
  g_timeout_add (self->delay_ms, script_step, task);
}

static InbResult *
test_backend_generate_finish (InbBackend    *backend,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_backend_iface_init (InbBackendInterface *iface)
{
  iface->get_info = test_backend_get_info;
  iface->get_models = test_backend_get_models;
  iface->get_max_concurrent = test_backend_get_max_concurrent;
  iface->generate_async = test_backend_generate_async;
  iface->generate_finish = test_backend_generate_finish;
}

static void
test_backend_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_BACKEND (object)->models);
  G_OBJECT_CLASS (test_backend_parent_class)->finalize (object);
}

static void
test_backend_class_init (TestBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_backend_finalize;
}

static void
test_backend_init (TestBackend *self)
{
  g_autoptr(JsonObject) json = inb_test_parse_object (
    "{ \"id\": \"m\", \"parameters\": { \"type\": \"object\", \"properties\": {"
    "  \"fps\": { \"type\": \"integer\", \"default\": 8, \"minimum\": 1, \"maximum\": 30 } } } }");

  self->models = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->models, inb_model_new_from_json (json, NULL));
  self->max_concurrent = 1;
  self->delay_ms = 10;
}

/* ------------------------------------------------------------------ fixture */

typedef struct
{
  char        *root;
  TestBackend *backend;
  GPtrArray   *states;   /* strings, in order seen */
  GPtrArray   *takes;    /* every take made, to flush before teardown */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->root = inb_test_make_tmpdir ();
  f->backend = g_object_new (TEST_TYPE_BACKEND, NULL);
  f->states = g_ptr_array_new_with_free_func (g_free);
  f->takes = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint *pending = user_data;

  inb_take_save_finish (INB_TAKE (object), result, NULL);
  (*pending)--;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  guint pending = 0;

  /* Writes of one take land in order: once a last save of each has
   * landed, nothing is still writing into the folder we remove. */
  for (guint i = 0; i < f->takes->len; i++)
    {
      inb_take_save_async (g_ptr_array_index (f->takes, i), NULL, flushed_cb, &pending);
      pending++;
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  inb_test_rm_rf (f->root);
  g_ptr_array_unref (f->takes);
  g_free (f->root);
  g_clear_object (&f->backend);
  g_ptr_array_unref (f->states);
}

static InbJob *
make_job (Fixture *f)
{
  g_autoptr(InbRequest) request = inb_request_new ("test", "m");
  g_autoptr(InbImage) first = inb_test_textured_image (64, 48, 0, 0);
  g_autoptr(InbImage) last = inb_test_textured_image (64, 48, 4, 0);
  g_autoptr(JsonObject) params = inb_test_parse_object ("{ \"fps\": 8 }");
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;

  inb_request_set_keyframes (request, first, last);
  inb_request_set_params (request, params);
  take = inb_take_create (f->root, request, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->takes, g_object_ref (take));

  return inb_job_new (INB_BACKEND (f->backend), request, take);
}

static void
state_cb (InbJob     *job,
          GParamSpec *pspec,
          Fixture    *f)
{
  g_ptr_array_add (f->states, g_strdup (inb_job_state_to_string (inb_job_get_state (job))));
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GError **error = user_data;

  if (!inb_job_run_finish (INB_JOB (object), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_object_set_data (object, "done", GINT_TO_POINTER (1));
}

static void
run_job (InbJob  *job,
         GError **error)
{
  inb_job_run_async (job, run_cb, error);
  while (g_object_get_data (G_OBJECT (job), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static InbTake *
reload (InbJob *job)
{
  g_autoptr(GError) error = NULL;
  InbTake *take;
  guint pending = 1;

  /* the job's saves are ordered: once this one lands, all have */
  inb_take_save_async (inb_job_get_take (job), NULL, flushed_cb, &pending);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  take = inb_take_load (inb_take_get_dir (inb_job_get_take (job)), &error);
  g_assert_no_error (error);
  return take;
}

/* ------------------------------------------------------------------ tests */

static void
test_state_machine (void)
{
  g_assert_true (inb_job_state_can_move (INB_JOB_QUEUED, INB_JOB_PREPARING));
  g_assert_true (inb_job_state_can_move (INB_JOB_PREPARING, INB_JOB_RUNNING));
  g_assert_true (inb_job_state_can_move (INB_JOB_UPLOADING, INB_JOB_SUBMITTED));
  g_assert_true (inb_job_state_can_move (INB_JOB_DOWNLOADING, INB_JOB_DONE));
  g_assert_true (inb_job_state_can_move (INB_JOB_QUEUED, INB_JOB_CANCELLED));
  g_assert_true (inb_job_state_can_move (INB_JOB_RUNNING, INB_JOB_FAILED));
  g_assert_true (inb_job_state_can_move (INB_JOB_SUBMITTED, INB_JOB_SUBMIT_UNKNOWN));
  g_assert_true (inb_job_state_can_move (INB_JOB_RUNNING, INB_JOB_EXPIRED));

  g_assert_false (inb_job_state_can_move (INB_JOB_RUNNING, INB_JOB_PREPARING));
  g_assert_false (inb_job_state_can_move (INB_JOB_RUNNING, INB_JOB_QUEUED));
  g_assert_false (inb_job_state_can_move (INB_JOB_QUEUED, INB_JOB_SUBMIT_UNKNOWN));
  g_assert_false (inb_job_state_can_move (INB_JOB_PREPARING, INB_JOB_EXPIRED));
  for (InbJobState s = INB_JOB_DONE; s <= INB_JOB_EXPIRED; s++)
    {
      g_assert_true (inb_job_state_is_terminal (s));
      for (InbJobState t = INB_JOB_QUEUED; t <= INB_JOB_EXPIRED; t++)
        g_assert_false (inb_job_state_can_move (s, t));
    }

  for (InbJobState s = INB_JOB_QUEUED; s <= INB_JOB_EXPIRED; s++)
    {
      InbJobState back;

      g_assert_true (inb_job_state_from_string (inb_job_state_to_string (s), &back));
      g_assert_cmpint (back, ==, s);
    }
  g_assert_cmpstr (inb_job_state_to_string (INB_JOB_SUBMIT_UNKNOWN), ==, "submit-unknown");
}

static void
test_job_done (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (inb_job_get_take (job));
  g_autofree char *thumb = inb_take_dup_thumbnail_path (inb_job_get_take (job));
  g_autofree char *first = g_build_filename (inb_take_get_dir (inb_job_get_take (job)), "first.png", NULL);
  g_autoptr(JsonObject) json = NULL;

  g_signal_connect (job, "notify::state", G_CALLBACK (state_cb), f);
  run_job (job, &error);
  g_assert_no_error (error);

  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_DONE);
  g_assert_cmpuint (f->states->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->states, 0), ==, "preparing");
  g_assert_cmpstr (g_ptr_array_index (f->states, 1), ==, "running");
  g_assert_cmpstr (g_ptr_array_index (f->states, 2), ==, "done");
  g_assert_cmpfloat (inb_job_get_fraction (job), ==, 1.0);
  g_assert_cmpfloat (inb_job_get_eta (job), ==, 0.0);
  g_assert_null (inb_job_get_error (job));

  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (thumb, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));

  take = reload (job);
  g_assert_cmpstr (inb_take_get_state (take), ==, "done");
  json = inb_take_to_json (take);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json, "result"), "frames"), ==, 5);
  g_assert_true (json_object_has_member (json_object_get_object_member (json, "timings"), "total"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json, "history")), ==, 4);
}

static void
test_job_failed (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (inb_job_get_take (job));

  f->backend->script = SCRIPT_FAIL;
  run_job (job, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);

  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_FAILED);
  g_assert_error ((GError *) inb_job_get_error (job), INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));

  take = reload (job);
  g_assert_cmpstr (inb_take_get_state (take), ==, "failed");
  g_assert_cmpstr (inb_take_get_error_message (take), ==, "The service said no (code 42)");
}

static void
test_job_submit_unknown (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;

  f->backend->script = SCRIPT_SUBMIT_UNKNOWN;
  run_job (job, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_SUBMIT_UNKNOWN);

  take = reload (job);
  g_assert_cmpstr (inb_take_get_state (take), ==, "submit-unknown");
}

static gboolean
cancel_later (gpointer data)
{
  inb_job_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_job_cancelled (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(InbTake) take = NULL;
  g_autoptr(GError) error = NULL;

  f->backend->script = SCRIPT_WAIT_FOR_CANCEL;
  g_timeout_add (100, cancel_later, job);
  run_job (job, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_CANCELLED);
  /* cancelling is not a failure */
  g_assert_null (inb_job_get_error (job));

  take = reload (job);
  g_assert_cmpstr (inb_take_get_state (take), ==, "cancelled");
  g_assert_null (inb_take_get_error_message (take));
}

static void
test_job_invalid_request (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) params = inb_test_parse_object ("{ \"fps\": 99 }");

  /* the backend wrapper validates before anything runs */
  inb_request_set_params (inb_job_get_request (job), params);
  run_job (job, &error);
  g_assert_error (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "fps can be a whole number from 1 to 30"));
  g_assert_cmpuint (f->backend->n_started, ==, 0);
  g_assert_cmpint (inb_job_get_state (job), ==, INB_JOB_FAILED);
}

static void
count_finished_cb (InbJobQueue *queue,
                   InbJob      *job,
                   guint       *finished)
{
  g_assert_true (inb_job_state_is_terminal (inb_job_get_state (job)));
  (*finished)++;
}

static void
test_queue_concurrency (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(InbJobQueue) queue = inb_job_queue_new ();
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  guint finished = 0;

  f->backend->max_concurrent = 2;
  f->backend->delay_ms = 50;
  g_signal_connect (queue, "job-finished", G_CALLBACK (count_finished_cb), &finished);

  for (guint i = 0; i < 6; i++)
    {
      InbJob *job = make_job (f);

      g_ptr_array_add (jobs, job);
      inb_job_queue_add (queue, job);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 6);
  g_assert_cmpuint (inb_job_queue_get_n_running (queue), ==, 2);

  /* a queued job cancelled before it starts never reaches the backend */
  inb_job_cancel (g_ptr_array_index (jobs, 5));
  g_assert_cmpint (inb_job_get_state (g_ptr_array_index (jobs, 5)), ==, INB_JOB_CANCELLED);

  while (finished < 6)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (f->backend->n_started, ==, 5);
  g_assert_cmpuint (f->backend->max_seen_running, ==, 2);
  g_assert_cmpuint (inb_job_queue_get_n_running (queue), ==, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (inb_job_get_state (g_ptr_array_index (jobs, i)), ==, INB_JOB_DONE);

  inb_job_queue_remove (queue, g_ptr_array_index (jobs, 0));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 5);
}

static void
test_queue_cancel_all (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbJobQueue) queue = inb_job_queue_new ();
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  guint finished = 0;

  f->backend->script = SCRIPT_WAIT_FOR_CANCEL;
  g_signal_connect (queue, "job-finished", G_CALLBACK (count_finished_cb), &finished);

  for (guint i = 0; i < 3; i++)
    {
      InbJob *job = make_job (f);

      g_ptr_array_add (jobs, job);
      inb_job_queue_add (queue, job);
    }

  /* let the first one reach the backend */
  while (f->backend->n_started == 0)
    g_main_context_iteration (NULL, TRUE);

  inb_job_queue_cancel_all (queue);
  while (finished < 3)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (f->backend->n_started, ==, 1);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (inb_job_get_state (g_ptr_array_index (jobs, i)), ==, INB_JOB_CANCELLED);
}

/* The ETA as a person says it: coarser the further away, rounded up */
static void
test_time_left (void)
{
  struct { double seconds; const char *text; } cases[] = {
    { -1, "a few seconds" },
    { 0, "a few seconds" },
    { 9.2, "about 10 s" },
    { 38, "about 40 s" },
    { 54, "about 55 s" },
    { 55, "about 1 min" },
    { 61, "about 2 min" },
    { 754, "about 13 min" },
    { 3540, "about 59 min" },
    { 3599, "about 1 h" },
    { 3600, "about 1 h" },
    { 3601, "about 1 h 5 min" },
    { 7790, "about 2 h 10 min" },
    { 36000, "about 10 h" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = inb_job_format_time_left (cases[i].seconds);

      g_test_message ("%.1f s: %s", cases[i].seconds, text);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* What a backend is doing and the time left it gives, said as for every
 * backend: a sampler's hour-long estimate reads "about 1 h 20 min", not
 * "80 min" (ComfyUI gives its estimate with inb_progress_set_eta()) */
static void
test_job_status (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InbJob) job = make_job (f);
  g_autoptr(GError) error = NULL;
  InbProgress *progress = inb_job_get_progress (job);
  g_autofree char *status = NULL;

  f->backend->script = SCRIPT_WAIT_FOR_CANCEL;
  inb_job_run_async (job, run_cb, &error);
  while (status == NULL || strcmp (status, "Half way") != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_free (status);
      status = inb_job_dup_stage (job);
    }
  g_clear_pointer (&status, g_free);

  inb_progress_set_eta (progress, 4800.0);
  while (inb_progress_get_eta (progress) != 4800.0)
    g_main_context_iteration (NULL, TRUE);
  status = inb_job_dup_status (job);
  g_assert_cmpstr (status, ==, "Half way · about 1 h 20 min left");
  g_clear_pointer (&status, g_free);

  inb_progress_set_eta (progress, 754.0);
  while (inb_progress_get_eta (progress) != 754.0)
    g_main_context_iteration (NULL, TRUE);
  status = inb_job_dup_status (job);
  g_assert_cmpstr (status, ==, "Half way · about 13 min left");
  g_clear_pointer (&status, g_free);

  inb_job_cancel (job);
  while (g_object_get_data (G_OBJECT (job), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* over: the stage alone, no time left */
  status = inb_job_dup_status (job);
  g_assert_true (status == NULL || strstr (status, "left") == NULL);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job/state-machine", test_state_machine);
  g_test_add_func ("/job/time-left", test_time_left);
  g_test_add ("/job/done", Fixture, NULL, fixture_setup, test_job_done, fixture_teardown);
  g_test_add ("/job/failed", Fixture, NULL, fixture_setup, test_job_failed, fixture_teardown);
  g_test_add ("/job/submit-unknown", Fixture, NULL, fixture_setup, test_job_submit_unknown, fixture_teardown);
  g_test_add ("/job/cancelled", Fixture, NULL, fixture_setup, test_job_cancelled, fixture_teardown);
  g_test_add ("/job/status", Fixture, NULL, fixture_setup, test_job_status, fixture_teardown);
  g_test_add ("/job/invalid-request", Fixture, NULL, fixture_setup, test_job_invalid_request, fixture_teardown);
  g_test_add ("/queue/concurrency", Fixture, NULL, fixture_setup, test_queue_concurrency, fixture_teardown);
  g_test_add ("/queue/cancel-all", Fixture, NULL, fixture_setup, test_queue_cancel_all, fixture_teardown);

  return g_test_run ();
}
