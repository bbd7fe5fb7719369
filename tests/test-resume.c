/* test-resume.c — after a crash: hosted jobs picked up from the takes folder, never resubmitted
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "crash" is made for real against the DashScope fake: a submit whose
 * answer is lost leaves a task at the service; the take is then written
 * as a crashed process leaves it (state "running", remote.json with the
 * task id) and resumed.
 */

#define G_LOG_DOMAIN "test-resume"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <curl/curl.h>
#include <gst/gst.h>

#include "inb-dashscope-backend.h"
#include "inb-library.h"
#include "inb-resume.h"
#include "inb-take.h"
#include "inb-video-reader.h"
#include "inb-video-writer.h"
#include "inb-test-fake.h"
#include "inb-test-utils.h"

#define KEY   "sk-CANARY-resume-7c2d"
#define MODEL "wan2.2-kf2v-flash"

typedef struct
{
  InbFakeServer      *fake;
  InbBackend         *backend;
  InbBackendRegistry *registry;
  char               *tmpdir;
  char               *takes_dir;
  char               *served;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *initial = NULL;

  f->tmpdir = g_dir_make_tmp ("test-resume-XXXXXX", &error);
  g_assert_no_error (error);
  /* Where the CLI looks with XDG_DATA_HOME=<tmpdir>/data */
  f->takes_dir = g_build_filename (f->tmpdir, "data", "inbetween", "takes", NULL);
  f->served = g_build_filename (f->tmpdir, "served.mp4", NULL);
  g_mkdir_with_parents (f->takes_dir, 0700);
  inb_test_write_clip (f->served);

  initial = g_strdup_printf ("{\"key\": \"%s\", \"video_path\": \"%s\"}", KEY, f->served);
  f->fake = inb_fake_server_start ("fake-dashscope.py", initial);

  f->backend = inb_dashscope_backend_new ();
  base = inb_fake_server_url (f->fake, "/api/v1");
  inb_cloud_backend_set_base_url (INB_CLOUD_BACKEND (f->backend), base);
  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  inb_cloud_backend_set_poll_interval (INB_CLOUD_BACKEND (f->backend), 20, 40);
  inb_cloud_backend_set_retry_policy (INB_CLOUD_BACKEND (f->backend), 2, 10, 50, 30);

  f->registry = inb_backend_registry_new ();
  inb_backend_registry_add (f->registry, f->backend);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  inb_fake_server_stop (f->fake);
  g_clear_object (&f->registry);
  g_clear_object (&f->backend);
  inb_test_rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->takes_dir);
  g_free (f->served);
}

#define SUBMITS(f) inb_test_fake_count ((f)->fake, "POST", "video-synthesis")
#define POLLS(f)   inb_test_fake_count ((f)->fake, "GET", "/api/v1/tasks/")   /* lists too */
#define LISTS(f)   inb_test_fake_count ((f)->fake, "GET", "/api/v1/tasks/?")

/* The task id of the @nth submit the fake received */
static const char *
submitted_task_id (Fixture *f,
                   guint    nth)
{
  JsonObject *r = inb_test_fake_find (f->fake, "POST", "video-synthesis", nth);

  g_assert_nonnull (r);
  return json_object_get_string_member (json_object_get_object_member (r, "info"), "task_id");
}

static InbRequest *
make_request (Fixture *f)
{
  g_autoptr(JsonObject) empty = json_object_new ();
  g_autoptr(JsonObject) complete = NULL;
  g_autoptr(InbImage) first = inb_test_gradient_image (640, 400, 10);
  g_autoptr(InbImage) last = inb_test_gradient_image (640, 400, 200);
  InbModel *model = inb_backend_find_model (f->backend, MODEL);
  InbRequest *request;

  g_assert_nonnull (model);
  complete = inb_schema_complete (inb_model_get_schema (model), empty);
  json_object_set_int_member (complete, "seed", 42);

  request = inb_request_new ("dashscope", MODEL);
  inb_request_set_prompt (request, "a quiet harbour at dawn");
  inb_request_set_params (request, complete);
  inb_request_set_seed (request, 42);
  inb_request_set_keyframes (request, first, last);

  return request;
}

/* A take as a crashed process leaves it: state "running". */
static InbTake *
make_take (Fixture    *f,
           InbRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = NULL;
  InbTake *take;

  take = inb_take_create (f->takes_dir, request, &error);
  g_assert_no_error (error);
  clip = inb_take_dup_clip_path (take);
  inb_request_set_output_path (request, clip);
  inb_request_set_work_dir (request, inb_take_get_dir (take));
  inb_take_set_state (take, "running");
  inb_take_save (take, &error);
  g_assert_no_error (error);

  return take;
}

typedef struct
{
  GMainLoop *loop;
  InbResult *result;
  GPtrArray *entries;
  GError    *error;
} Wait;

static void
on_resumed (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  Wait *w = user_data;

  w->entries = inb_resume_takes_finish (res, &w->error);
  g_main_loop_quit (w->loop);
}

/* Sends the job for @take and loses the answer: the task exists at the
 * fake, remote.json says "submit-unknown". Returns the task id. */
static char *
lose_submit (Fixture    *f,
             InbRequest *request)
{
  InbTestWait w = { 0, };
  guint before = SUBMITS (f);

  inb_fake_server_script (f->fake, "{\"submit_drop\": true}");
  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_generate_async (f->backend, request, NULL, NULL, inb_test_on_generated, &w);
  inb_test_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  g_assert_null (w.result);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_SUBMIT_UNKNOWN);
  g_clear_error (&w.error);
  inb_fake_server_script (f->fake, "{\"submit_drop\": false}");

  g_assert_cmpuint (SUBMITS (f), ==, before + 1);
  return g_strdup (submitted_task_id (f, before));
}

static void
write_remote (InbTake    *take,
              const char *state,
              const char *task_id,
              int         hours_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_hours (now, -hours_ago);
  g_autofree char *time = g_date_time_format_iso8601 (when);
  g_autofree char *path = g_build_filename (inb_take_get_dir (take), "remote.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (task_id != NULL)
    text = g_strdup_printf ("{\"service\": \"dashscope\", \"model\": \"%s\", \"state\": \"%s\", "
                            "\"task_id\": \"%s\", \"updated\": \"%s\"}", MODEL, state, task_id, time);
  else
    text = g_strdup_printf ("{\"service\": \"dashscope\", \"model\": \"%s\", \"state\": \"%s\", "
                            "\"updated\": \"%s\"}", MODEL, state, time);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* A resume of the takes folder, started: end it with resume_finish() */
static void
resume_start (Fixture *f,
              Wait    *w)
{
  w->loop = g_main_loop_new (NULL, FALSE);
  inb_resume_takes_async (f->registry, f->takes_dir, NULL, on_resumed, w);
}

/* Its entries, once it ends (said in the log) */
static GPtrArray *
resume_finish (Wait *w)
{
  inb_test_loop_run (w->loop);
  g_main_loop_unref (w->loop);
  g_assert_no_error (w->error);
  g_assert_nonnull (w->entries);

  for (guint i = 0; i < w->entries->len; i++)
    {
      InbResumeEntry *e = g_ptr_array_index (w->entries, i);

      g_test_message ("take %s: %s — %s", e->take_id, inb_resume_outcome_to_string (e->outcome), e->message);
    }

  return w->entries;
}

static GPtrArray *
resume (Fixture *f)
{
  Wait w = { 0, };

  resume_start (f, &w);
  return resume_finish (&w);
}

static InbResumeEntry *
find_entry (GPtrArray *entries,
            InbTake   *take)
{
  for (guint i = 0; i < entries->len; i++)
    {
      InbResumeEntry *e = g_ptr_array_index (entries, i);

      if (g_str_equal (e->take_id, inb_take_get_id (take)))
        return e;
    }

  return NULL;
}

static InbTake *
reload (InbTake *take)
{
  g_autoptr(GError) error = NULL;
  InbTake *fresh = inb_take_load (inb_take_get_dir (take), &error);

  g_assert_no_error (error);
  return fresh;
}

static guint
count_videos (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, ".mp4") || strstr (name, ".mp4.") != NULL;

  return n;
}

/* The task locks (inb-cloud-job.c), which go with the job that follows
 * the task; not the take's own .take.lock, which a take keeps */
static guint
count_locks (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_prefix (name, ".inb-task-") && g_str_has_suffix (name, ".lock");

  return n;
}

/* Crash after the task id: resumed, downloaded, once ---------------------- */

static void
test_crash_after_task_id (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(InbTake) again = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  g_autofree char *thumbnail = inb_take_dup_thumbnail_path (take);
  InbResumeEntry *entry;
  g_autofree char *task_id = NULL;
  guint submits, polls;

  task_id = lose_submit (f, request);
  /* The process died after the task id reached the disk */
  write_remote (take, "submitted", task_id, 0);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));

  submits = SUBMITS (f);
  polls = POLLS (f);
  entries = resume (f);

  g_assert_cmpuint (entries->len, ==, 1);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpstr (entry->task_id, ==, task_id);
  g_assert_cmpuint (SUBMITS (f), ==, submits);   /* 0 submits while resuming */
  g_assert_cmpuint (POLLS (f), >, polls);
  g_test_message ("resume: %u submits, %u polls", SUBMITS (f) - submits, POLLS (f) - polls);

  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");
  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (thumbnail, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (json_object_get_string_member (inb_take_get_remote (after), "task_id"), ==, task_id);
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);
  g_assert_cmpuint (count_locks (inb_take_get_dir (take)), ==, 0);

  /* Again: nothing to do, nothing sent, still one clip */
  polls = POLLS (f);
  second = resume (f);
  g_assert_cmpuint (second->len, ==, 0);
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  g_assert_cmpuint (POLLS (f), ==, polls);
  again = reload (take);
  g_assert_cmpstr (inb_take_get_state (again), ==, "done");
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);

  inb_test_assert_no_secret_in_files (f->takes_dir, KEY, TRUE);
}

/* The same completion seen twice: the clip was in place, the take not yet */
static void
test_completion_twice (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  InbResumeEntry *entry;
  guint requests;

  /* Died between "done" in remote.json and "done" in take.json */
  inb_test_write_clip (clip);
  write_remote (take, "done", "task-finished-before", 1);
  requests = json_array_get_length (inb_fake_server_get_requests (f->fake));

  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests);

  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);

  second = resume (f);
  g_assert_null (find_entry (second, take));
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests);
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);
}

/* Older than 24 h: expired, never polled, never resubmitted --------------- */

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  InbResumeEntry *entry;
  g_autofree char *task_id = NULL;
  guint submits, polls;

  task_id = lose_submit (f, request);
  write_remote (take, "submitted", task_id, 25);

  submits = SUBMITS (f);
  polls = POLLS (f);
  entries = resume (f);

  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_EXPIRED);
  g_assert_nonnull (strstr (entry->message, "24 hours"));
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  g_assert_cmpuint (POLLS (f), ==, polls);

  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "expired");
  g_assert_nonnull (strstr (inb_take_get_error_message (after), "24 hours"));
  g_assert_nonnull (json_object_get_string_member (inb_take_get_remote (after), "expired_at"));
  g_assert_cmpint (json_object_get_int_member (inb_take_get_remote (after), "lifetime_hours"), ==, 24);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));

  /* Expired is final */
  second = resume (f);
  g_assert_null (find_entry (second, take));
  g_assert_cmpuint (SUBMITS (f), ==, submits);
}

/* The service no longer knows the task (UNKNOWN): expired as well */
static void
test_unknown_task (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  InbResumeEntry *entry;

  write_remote (take, "submitted", "1111", 2);
  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_EXPIRED);
  g_assert_cmpuint (SUBMITS (f), ==, 0);
  g_assert_cmpuint (POLLS (f), >=, 1);

  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "expired");
}

/* A submit whose answer was lost: listed for the user, never resent ------- */

static void
test_submit_unknown (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(InbRequest) request_a = make_request (f);
  g_autoptr(InbRequest) request_b = make_request (f);
  g_autoptr(InbRequest) request_c = make_request (f);
  g_autoptr(InbTake) marked = make_take (f, request_a);      /* the job said submit-unknown */
  g_autoptr(InbTake) crashed = make_take (f, request_b);     /* died while sending */
  g_autoptr(InbTake) not_sent = make_take (f, request_c);    /* died before sending */
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GError) error = NULL;
  InbResumeEntry *entry;
  guint requests;

  g_free (lose_submit (f, request_a));
  inb_take_set_state (marked, "submit-unknown");
  inb_take_save (marked, &error);
  g_assert_no_error (error);
  write_remote (crashed, "submitting", NULL, 0);
  write_remote (not_sent, "not-submitted", NULL, 0);

  requests = json_array_get_length (inb_fake_server_get_requests (f->fake));
  entries = resume (f);
  g_assert_cmpuint (entries->len, ==, 3);

  /* Both lost submits were sent at the same time: the one task the
   * service lists could be either's, so neither adopts it */
  entry = find_entry (entries, marked);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_SUBMIT_UNKNOWN);
  g_assert_nonnull (strstr (entry->message, "another take"));
  g_assert_null (entry->task_id);
  entry = find_entry (entries, crashed);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_SUBMIT_UNKNOWN);
  g_assert_nonnull (strstr (entry->message, "another take"));
  entry = find_entry (entries, not_sent);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_FAILED);

  /* Only task lists: nothing polled, nothing resent */
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests + LISTS (f));
  g_assert_cmpuint (LISTS (f), ==, 2);

  after = reload (crashed);
  g_assert_cmpstr (inb_take_get_state (after), ==, "submit-unknown");
  g_clear_object (&after);
  after = reload (not_sent);
  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");

  /* Still listed next time, still nothing sent */
  second = resume (f);
  g_assert_nonnull (find_entry (second, marked));
  g_assert_nonnull (find_entry (second, crashed));
  g_assert_null (find_entry (second, not_sent));
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests + LISTS (f));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
}

static JsonObject *
read_remote (InbTake *take)
{
  g_autofree char *path = g_build_filename (inb_take_get_dir (take), "remote.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* R10: the lost submit's task is found at the service and adopted -------- */

static void
test_lookup_found (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbRequest) other_request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) other = make_take (f, other_request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  g_autofree char *task_id = NULL;
  g_autofree char *other_task = NULL;
  InbResumeEntry *entry;
  guint submits;

  /* Another take's task, sent at the same time, that its take knows */
  other_task = lose_submit (f, other_request);
  write_remote (other, "submitted", other_task, 0);
  /* This take's submit reached the service; the answer did not reach us */
  task_id = lose_submit (f, request);
  remote = read_remote (take);
  g_assert_cmpstr (json_object_get_string_member (remote, "state"), ==, "submit-unknown");
  g_assert_false (json_object_has_member (remote, "task_id"));
  g_assert_true (json_object_has_member (remote, "submitted"));
  g_clear_pointer (&remote, json_object_unref);

  /* Twelve tasks of the model three hours earlier (another app): in the
   * query's range (which allows for the service reading the times as
   * UTC), listed over two pages, but not in the submit's window */
  {
    GString *script = g_string_new ("{\"foreign_tasks\": [");
    gint64 earlier = g_get_real_time () / 1000 - 3 * 3600 * 1000;

    for (guint i = 0; i < 12; i++)
      g_string_append_printf (script, "%s{\"model_name\": \"%s\", \"gmt_create\": %" G_GINT64_FORMAT "}",
                              i > 0 ? ", " : "", MODEL, earlier + i * 1000);
    g_string_append (script, "]}");
    inb_fake_server_script (f->fake, script->str);
    g_string_free (script, TRUE);
  }

  submits = SUBMITS (f);
  g_assert_cmpuint (submits, ==, 2);
  entries = resume (f);

  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpstr (entry->task_id, ==, task_id);
  g_assert_nonnull (strstr (entry->message, "adopted"));
  entry = find_entry (entries, other);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpstr (entry->task_id, ==, other_task);

  /* One submit per take in all: none while resuming */
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  g_assert_cmpuint (LISTS (f), ==, 2);   /* 14 tasks of the model in range: 2 pages of 10 */
  g_test_message ("lookup: %u list requests, 0 submits", LISTS (f));

  remote = read_remote (take);
  g_assert_cmpstr (json_object_get_string_member (remote, "task_id"), ==, task_id);
  g_assert_cmpstr (json_object_get_string_member (remote, "adopted"), ==, "lookup");
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");
  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);

  /* Settled: nothing more to do */
  second = resume (f);
  g_assert_null (find_entry (second, take));
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  inb_test_assert_no_secret_in_files (f->takes_dir, KEY, TRUE);
}

/* Two tasks of the model at that time: none adopted ---------------------- */

static void
test_lookup_ambiguous (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *task_id = NULL;
  g_autofree char *script = NULL;
  InbResumeEntry *entry;
  guint submits, requests;

  task_id = lose_submit (f, request);
  /* The same account made another task of the model just then (the console) */
  script = g_strdup_printf ("{\"foreign_tasks\": [{\"model_name\": \"%s\", \"gmt_create\": %" G_GINT64_FORMAT
                            ", \"status\": \"RUNNING\", \"task_id\": \"console-task\"}]}",
                            MODEL, g_get_real_time () / 1000 - 30000);
  inb_fake_server_script (f->fake, script);
  submits = SUBMITS (f);
  requests = json_array_get_length (inb_fake_server_get_requests (f->fake));

  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_SUBMIT_UNKNOWN);
  g_assert_nonnull (strstr (entry->message, "2 tasks"));
  g_assert_nonnull (strstr (entry->message, task_id));
  g_assert_nonnull (strstr (entry->message, "console-task"));
  g_assert_nonnull (strstr (entry->message, "adopted none"));
  g_assert_null (entry->task_id);

  /* Only the list was asked for: no poll, no submit */
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests + LISTS (f));
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "submit-unknown");
  g_assert_nonnull (strstr (inb_take_get_error_message (after), "adopted none"));
  remote = read_remote (take);
  g_assert_false (json_object_has_member (remote, "task_id"));
}

/* No task: conclusive only once the window is well past ------------------ */

static void
test_lookup_none (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(InbRequest) request_old = make_request (f);
  g_autoptr(InbRequest) request_new = make_request (f);
  g_autoptr(InbTake) old = make_take (f, request_old);
  g_autoptr(InbTake) fresh = make_take (f, request_new);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  InbResumeEntry *entry;

  /* Died while sending, an hour ago and just now; the service has nothing */
  write_remote (old, "submitting", NULL, 1);
  write_remote (fresh, "submitting", NULL, 0);

  entries = resume (f);
  entry = find_entry (entries, old);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_FAILED);
  g_assert_nonnull (strstr (entry->message, "Not found at"));
  g_assert_nonnull (strstr (entry->message, "nothing was generated or charged"));
  after = reload (old);
  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
  g_clear_object (&after);

  entry = find_entry (entries, fresh);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_SUBMIT_UNKNOWN);
  g_assert_nonnull (strstr (entry->message, "looks again"));
  after = reload (fresh);
  g_assert_cmpstr (inb_take_get_state (after), ==, "submit-unknown");

  g_assert_cmpuint (SUBMITS (f), ==, 0);
  g_assert_cmpuint (LISTS (f), ==, 2);

  /* The failed one is settled; the fresh one is looked up again */
  second = resume (f);
  g_assert_null (find_entry (second, old));
  g_assert_nonnull (find_entry (second, fresh));
  g_assert_cmpuint (LISTS (f), ==, 3);
  g_assert_cmpuint (SUBMITS (f), ==, 0);
}

/* The list itself fails: nothing concluded, nothing lost ----------------- */

static void
test_lookup_errors (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const scripts[] = {
    "{\"list_errors\": [500, 503, 500]}",
    "{\"list_errors\": [], \"list_body\": \"malformed\"}",
    "{\"list_body\": \"deep\"}",
  };
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(GPtrArray) last = NULL;
  g_autofree char *task_id = NULL;
  InbResumeEntry *entry;
  guint submits;

  task_id = lose_submit (f, request);
  submits = SUBMITS (f);

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(InbTake) after = NULL;
      g_autoptr(JsonObject) remote = NULL;

      inb_fake_server_script (f->fake, scripts[i]);
      entries = resume (f);
      entry = find_entry (entries, take);
      g_assert_nonnull (entry);
      g_assert_cmpint (entry->outcome, ==, INB_RESUME_SUBMIT_UNKNOWN);
      g_assert_nonnull (strstr (entry->message, "failed"));
      g_assert_nonnull (strstr (entry->message, "not sent again"));
      after = reload (take);
      g_assert_cmpstr (inb_take_get_state (after), ==, "submit-unknown");
      remote = read_remote (take);
      g_assert_false (json_object_has_member (remote, "task_id"));
      g_assert_cmpuint (SUBMITS (f), ==, submits);
    }

  /* The service answers again: found, adopted, fetched */
  inb_fake_server_script (f->fake, "{\"list_errors\": [], \"list_body\": null}");
  last = resume (f);
  entry = find_entry (last, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpstr (entry->task_id, ==, task_id);
  g_assert_cmpuint (SUBMITS (f), ==, submits);
}

/* R15: a clip set aside by the checker is fetched again while the task lives */

static void
test_unverified_retry (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  g_autofree char *script = NULL;
  InbTestWait w = { 0, };
  InbResumeEntry *entry;

  /* The service's file is not a video: the job fails, the task is kept */
  inb_fake_server_script (f->fake, "{\"video_path\": null}");
  w.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_generate_async (f->backend, request, NULL, NULL, inb_test_on_generated, &w);
  inb_test_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  g_assert_null (w.result);
  g_assert_error (w.error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_REMOTE);
  inb_take_set_error (take, w.error);
  inb_take_set_state (take, "failed");   /* as the job queue leaves it */
  inb_take_save (take, &error);
  g_assert_no_error (error);
  g_clear_error (&w.error);
  remote = read_remote (take);
  g_assert_cmpstr (json_object_get_string_member (remote, "state"), ==, "unverified");
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));

  /* Next start: the service serves the real clip now */
  script = g_strdup_printf ("{\"video_path\": \"%s\"}", f->served);
  inb_fake_server_script (f->fake, script);
  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpuint (SUBMITS (f), ==, 1);
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");
  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
}

/* No key: left as it was, for later -------------------------------------- */

static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) second = NULL;
  InbResumeEntry *entry;
  g_autofree char *task_id = NULL;
  guint submits;

  task_id = lose_submit (f, request);
  write_remote (take, "submitted", task_id, 0);
  submits = SUBMITS (f);

  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), NULL);
  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_PENDING);
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "running");

  /* With the key back, it completes */
  inb_cloud_backend_set_api_key (INB_CLOUD_BACKEND (f->backend), KEY);
  second = resume (f);
  entry = find_entry (second, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_DONE);
  g_assert_cmpuint (SUBMITS (f), ==, submits);
}

/* The CLI: inbetween resume ---------------------------------------------- */

/* `inbetween resume ARGS…` against the fake; its standard output */
static int
run_cli (Fixture     *f,
         const char  *key,
         const char **args,
         char       **stdout_text)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data_home = g_build_filename (f->tmpdir, "data", NULL);
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", f->tmpdir);
  g_autofree char *base = inb_fake_server_url (f->fake, "/api/v1");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) g_getenv ("INB_BINARY"));
  g_ptr_array_add (argv, (gpointer) "resume");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "SECRET_BACKEND");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "DASHSCOPE_API_KEY", key, TRUE);
  g_subprocess_launcher_setenv (launcher, "INBETWEEN_DASHSCOPE_URL", base, TRUE);
  g_subprocess_launcher_setenv (launcher, "INBETWEEN_DASHSCOPE_POLL_MS", "50", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_null (strstr (out, KEY));
  g_assert_null (strstr (err, KEY));
  g_test_message ("inbetween resume: …%s", strlen (err) > 1500 ? err + strlen (err) - 1500 : err);
  *stdout_text = g_steal_pointer (&out);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static int
run_resume_cli (Fixture    *f,
                const char *key,
                JsonArray **entries)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *args[] = { "--json", NULL };
  int status = run_cli (f, key, args, &out);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  *entries = json_array_ref (json_node_get_array (json_parser_get_root (parser)));

  return status;
}

static const char *
cli_outcome (JsonArray *entries,
             InbTake   *take)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      if (g_str_equal (json_object_get_string_member (e, "take"), inb_take_get_id (take)))
        return json_object_get_string_member (e, "outcome");
    }

  return NULL;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(InbRequest) request_a = make_request (f);
  g_autoptr(InbRequest) request_b = make_request (f);
  g_autoptr(InbTake) crashed = make_take (f, request_a);
  g_autoptr(InbTake) old = make_take (f, request_b);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonArray) second = NULL;
  g_autofree char *task_a = NULL;
  g_autofree char *task_b = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (crashed);
  guint submits;
  int status;

  task_a = lose_submit (f, request_a);
  task_b = lose_submit (f, request_b);
  write_remote (crashed, "submitted", task_a, 0);
  write_remote (old, "submitted", task_b, 30);
  submits = SUBMITS (f);

  /* No key: both left alone, exit 3 */
  status = run_resume_cli (f, "", &entries);
  g_assert_cmpint (status, ==, 3);
  g_assert_cmpstr (cli_outcome (entries, crashed), ==, "pending");
  g_assert_cmpstr (cli_outcome (entries, old), ==, "expired");   /* needs no request */
  g_clear_pointer (&entries, json_array_unref);

  status = run_resume_cli (f, KEY, &entries);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (cli_outcome (entries, crashed), ==, "done");
  g_assert_null (cli_outcome (entries, old));                     /* expired is final */
  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
  after = reload (crashed);
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");

  status = run_resume_cli (f, KEY, &second);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (json_array_get_length (second), ==, 0);
  g_assert_cmpuint (SUBMITS (f), ==, submits);
  g_assert_cmpuint (count_videos (inb_take_get_dir (crashed)), ==, 1);
  inb_test_assert_no_secret_in_files (f->tmpdir, KEY, TRUE);
}

/* The user's way out of "submit-unknown": give up, or send again -------- */

/* A take whose submit reached the fake without an answer, as the job
 * leaves it */
static InbTake *
make_unknown_take (Fixture *f)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(GError) error = NULL;
  InbTake *take = make_take (f, request);

  /* The keyframes as sent, as the generate path saves them */
  inb_take_write_keyframes (take, inb_request_get_first (request), inb_request_get_last (request), &error);
  g_assert_no_error (error);
  g_free (lose_submit (f, request));
  inb_take_set_state (take, "submit-unknown");
  inb_take_save (take, &error);
  g_assert_no_error (error);

  return take;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_give_up (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(InbTake) take = make_unknown_take (f);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) listed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *again = NULL;
  g_autofree char *first = inb_take_dup_keyframe_path (take, FALSE);
  const char *args[] = { "--give-up", inb_take_get_id (take), "--json", NULL };
  guint requests = json_array_get_length (inb_fake_server_get_requests (f->fake));
  int status;

  g_assert_cmpuint (SUBMITS (f), ==, 1);

  status = run_cli (f, KEY, args, &out);
  g_assert_cmpint (status, ==, 0);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "take"), ==, inb_take_get_id (take));
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "given-up");

  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
  g_assert_nonnull (strstr (inb_take_get_error_message (after), "Marked as failed by you"));
  g_assert_nonnull (strstr (inb_take_get_error_message (after), "Nothing was sent again"));
  /* Its saved inputs stay */
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (inb_take_get_prompt (after), ==, "a quiet harbour at dawn");

  /* Not a single request reached the service */
  g_assert_cmpuint (json_array_get_length (inb_fake_server_get_requests (f->fake)), ==, requests);
  g_assert_cmpuint (SUBMITS (f), ==, 1);

  /* Settled: not waiting any more, not listed by resume */
  status = run_cli (f, KEY, args, &again);
  g_assert_cmpint (status, ==, 2);
  status = run_resume_cli (f, KEY, &listed);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (cli_outcome (listed, take));
  g_assert_cmpuint (SUBMITS (f), ==, 1);
}

static void
test_send_again (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(InbTake) take = make_unknown_take (f);
  g_autoptr(InbTake) old = NULL;
  g_autoptr(InbTake) fresh = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *again = NULL;
  g_autofree char *fresh_dir = NULL;
  g_autofree char *clip = NULL;
  const char *args[] = { "--send-again", inb_take_get_id (take), "--json", NULL };
  const char *new_id;
  int status;

  g_assert_cmpuint (SUBMITS (f), ==, 1);

  status = run_cli (f, KEY, args, &out);
  g_assert_cmpint (status, ==, 0);
  result = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (result, "outcome"), ==, "sent-again");
  new_id = json_object_get_string_member (result, "new_take");
  g_assert_nonnull (new_id);
  g_assert_cmpstr (new_id, !=, inb_take_get_id (take));
  g_assert_cmpstr (json_object_get_string_member (result, "new_state"), ==, "done");

  /* Exactly one new submit; the new take has the saved inputs */
  g_assert_cmpuint (SUBMITS (f), ==, 2);

  fresh_dir = g_build_filename (f->takes_dir, new_id, NULL);
  fresh = inb_take_load (fresh_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (inb_take_get_state (fresh), ==, "done");
  g_assert_cmpstr (inb_take_get_prompt (fresh), ==, "a quiet harbour at dawn");
  g_assert_cmpint (inb_take_get_seed (fresh), ==, 42);
  g_assert_cmpstr (inb_take_get_model_id (fresh), ==, MODEL);
  clip = inb_take_dup_clip_path (fresh);
  g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));

  /* The old one is settled and names the new one */
  old = reload (take);
  g_assert_cmpstr (inb_take_get_state (old), ==, "failed");
  g_assert_nonnull (strstr (inb_take_get_error_message (old), new_id));
  g_assert_nonnull (strstr (inb_take_get_error_message (old), "Sent again by you"));

  /* Never twice for one decision */
  status = run_cli (f, KEY, args, &again);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpuint (SUBMITS (f), ==, 2);
}

/* Settled while the start-up lookup still asks the service ------------- */

typedef struct
{
  Fixture *f;
  guint    lists;
} Asked;

static gboolean
lookup_asked (gpointer data)
{
  Asked *asked = data;

  return LISTS (asked->f) > asked->lists;
}

/* The take's task is at the service, and the lookup would find and adopt
 * it; the fake holds the lookup's answer until the user has settled the
 * take (Give Up or Send Again, by the command line: another process). The
 * settled state wins: the take is not written back, its task is not
 * followed, and the run does not report it. */
static void
test_settled_during_lookup (Fixture       *f,
                            gconstpointer  data)
{
  const char *option = data;
  g_autoptr(InbTake) take = make_unknown_take (f);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *out = NULL;
  g_autofree char *poll_path = NULL;
  const char *args[] = { option, inb_take_get_id (take), "--json", NULL };
  g_autofree char *task_id = g_strdup (submitted_task_id (f, 0));
  Asked asked = { f, LISTS (f) };
  g_autoptr(GPtrArray) entries = NULL;
  Wait w = { 0, };
  gint64 until;
  int status;

  g_assert_cmpuint (SUBMITS (f), ==, 1);
  poll_path = g_strdup_printf ("/api/v1/tasks/%s", task_id);

  inb_fake_server_script (f->fake, "{\"list_hold\": true}");
  resume_start (f, &w);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!lookup_asked (&asked) && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  g_assert_true (lookup_asked (&asked));

  /* The lookup waits for its answer: the user decides now */
  status = run_cli (f, KEY, args, &out);
  g_assert_cmpint (status, ==, 0);
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
  g_clear_object (&after);

  inb_fake_server_script (f->fake, "{\"list_hold\": false}");
  entries = resume_finish (&w);

  /* The lookup did get its answer, and it names the task */
  g_assert_cmpuint (LISTS (f), >, asked.lists);

  after = reload (take);
  g_test_message ("after the lookup: %s — %s", inb_take_get_state (after), inb_take_get_error_message (after));
  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
  g_assert_nonnull (strstr (inb_take_get_error_message (after),
                            g_str_equal (option, "--give-up") ? "Marked as failed by you" : "Sent again by you"));
  g_assert_null (find_entry (entries, take));
  /* Not adopted, not followed */
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", poll_path), ==, 0);
  remote = read_remote (take);
  g_assert_false (json_object_has_member (remote, "task_id"));
  g_assert_cmpuint (SUBMITS (f), ==, g_str_equal (option, "--give-up") ? 1 : 2);
}

/* Settled or edited while the clip is on its way ----------------------- */

typedef struct
{
  Fixture    *f;
  const char *path;
} Fetching;

static gboolean
fetch_asked (gpointer data)
{
  Fetching *fetching = data;

  return inb_test_fake_count (fetching->f->fake, "GET", fetching->path) > 0;
}

/* A resume of the takes folder, started, whose fetch of @task_id's clip
 * the fake holds: back once the clip is asked for. Let it go with
 * release_fetch(), end it with resume_finish(). */
static void
resume_start_held (Fixture    *f,
                   const char *task_id,
                   Wait       *w)
{
  g_autofree char *path = g_strdup_printf ("/files/%s.mp4", task_id);
  g_autofree char *hold = g_strdup_printf ("{\"video_hold\": \"%s\"}", task_id);
  Fetching fetching = { f, path };
  gint64 until;

  inb_fake_server_script (f->fake, hold);
  resume_start (f, w);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!fetch_asked (&fetching) && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  g_assert_true (fetch_asked (&fetching));
}

static void
release_fetch (Fixture *f)
{
  inb_fake_server_script (f->fake, "{\"video_hold\": null}");
}

/* The lookup found the take's task and adopted it, and the clip is on its
 * way (the fake holds it) when the take is settled: given up or sent
 * again by the user (the command line, another process), or done by
 * another Inbetween (written here as it would leave it, its clip in
 * place). The settled take is not written back and the run does not
 * report it; the clip that arrived stays only if the take uses it, i.e.
 * it is done. */
static void
test_settled_during_fetch (Fixture       *f,
                           gconstpointer  data)
{
  const char *option = data;
  g_autoptr(InbTake) take = make_unknown_take (f);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = inb_take_dup_clip_path (take);
  g_autofree char *video_path = NULL;
  g_autofree char *task_id = g_strdup (submitted_task_id (f, 0));
  Wait w = { 0, };

  g_assert_cmpuint (SUBMITS (f), ==, 1);
  video_path = g_strdup_printf ("/files/%s.mp4", task_id);
  resume_start_held (f, task_id, &w);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));

  /* Adopted, fetching: settled now */
  if (g_str_equal (option, "--done-elsewhere"))
    {
      g_autoptr(InbTake) done = reload (take);
      g_autoptr(GFile) from = g_file_new_for_path (f->served);
      g_autoptr(GFile) to = g_file_new_for_path (clip);

      g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      inb_take_set_state (done, "done");
      inb_take_save (done, &error);
      g_assert_no_error (error);
    }
  else
    {
      const char *args[] = { option, inb_take_get_id (take), "--json", NULL };
      g_autofree char *out = NULL;

      g_assert_cmpint (run_cli (f, KEY, args, &out), ==, 0);
      after = reload (take);
      g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
      g_clear_object (&after);
    }

  release_fetch (f);
  entries = resume_finish (&w);

  /* The clip did arrive, but the settled take is not written back */
  g_assert_cmpuint (inb_test_fake_count (f->fake, "GET", video_path), ==, 1);
  g_assert_null (find_entry (entries, take));
  after = reload (take);
  g_test_message ("after the fetch: %s — %s; clip %s", inb_take_get_state (after),
                  inb_take_get_error_message (after),
                  g_file_test (clip, G_FILE_TEST_EXISTS) ? "kept" : "removed");
  if (g_str_equal (option, "--done-elsewhere"))
    {
      g_auto(InbVideoInfo) info = { 0, };

      g_assert_cmpstr (inb_take_get_state (after), ==, "done");
      g_assert_true (inb_video_probe_isolated (clip, 0, &info, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 1);
      g_assert_cmpuint (SUBMITS (f), ==, 1);
      return;
    }

  g_assert_cmpstr (inb_take_get_state (after), ==, "failed");
  g_assert_nonnull (strstr (inb_take_get_error_message (after),
                            g_str_equal (option, "--give-up") ? "Marked as failed by you" : "Sent again by you"));
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_videos (inb_take_get_dir (take)), ==, 0);
  g_assert_cmpuint (SUBMITS (f), ==, g_str_equal (option, "--give-up") ? 1 : 2);
}

static gboolean
wait_result (GAsyncResult **result)
{
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  return *result != NULL;
}

/* Starred and titled in the library while the resume fetches the take's
 * clip: the resume writes what it learnt (done) and keeps the user's
 * edits, which it did not read at its scan. */
static void
test_edited_during_fetch (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(InbLibrary) library = inb_library_new (f->takes_dir);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *task_id = NULL;
  GAsyncResult *result = NULL;
  InbTakeEntry *entry;
  Wait w = { 0, };

  task_id = lose_submit (f, request);
  write_remote (take, "submitted", task_id, 0);
  g_assert_true (inb_library_load (library, NULL, &error));
  g_assert_no_error (error);
  entry = inb_library_lookup (library, inb_take_get_id (take));
  g_assert_nonnull (entry);

  resume_start_held (f, task_id, &w);
  inb_library_set_starred_async (library, entry, TRUE, (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result));
  g_assert_true (inb_library_edit_finish (library, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  inb_library_set_title_async (library, entry, "The keeper", (GAsyncReadyCallback) inb_test_store_result, &result);
  g_assert_true (wait_result (&result));
  g_assert_true (inb_library_edit_finish (library, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  release_fetch (f);
  entries = resume_finish (&w);
  g_assert_nonnull (find_entry (entries, take));
  g_assert_cmpint (find_entry (entries, take)->outcome, ==, INB_RESUME_DONE);
  after = reload (take);
  g_test_message ("after the fetch: %s, starred %d, title %s", inb_take_get_state (after),
                  inb_take_get_starred (after), inb_take_get_title (after));
  g_assert_cmpstr (inb_take_get_state (after), ==, "done");
  g_assert_true (inb_take_get_starred (after));
  g_assert_cmpstr (inb_take_get_title (after), ==, "The keeper");
}

/* A task another job follows right now: left alone ---------------------- */

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(InbRequest) request = make_request (f);
  g_autoptr(InbTake) take = make_take (f, request);
  g_autoptr(InbTake) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) remote = json_object_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *task_id = NULL;
  InbResumeEntry *entry;
  InbTestWait live = { 0, };
  guint submits, polls;

  task_id = lose_submit (f, request);
  write_remote (take, "submitted", task_id, 0);
  inb_fake_server_script (f->fake, "{\"pending_polls\": 1000000}");
  submits = SUBMITS (f);

  /* The app is following the task (a resumed job, still queued there) */
  json_object_set_string_member (remote, "task_id", task_id);
  live.loop = g_main_loop_new (NULL, FALSE);
  inb_backend_resume_async (f->backend, request, remote, NULL, cancellable, inb_test_on_resumed, &live);
  g_assert_cmpuint (count_locks (inb_take_get_dir (take)), ==, 1);

  polls = POLLS (f);
  entries = resume (f);
  entry = find_entry (entries, take);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->outcome, ==, INB_RESUME_PENDING);
  g_assert_nonnull (strstr (entry->message, "another Inbetween"));
  after = reload (take);
  g_assert_cmpstr (inb_take_get_state (after), ==, "running");
  g_test_message ("polls while the other job follows the task: %u (all its own)", POLLS (f) - polls);

  g_cancellable_cancel (cancellable);
  inb_test_loop_run (live.loop);
  g_main_loop_unref (live.loop);
  g_assert_null (live.result);
  g_clear_error (&live.error);

  /* Its lock went with it; nothing was submitted */
  g_assert_cmpuint (count_locks (inb_take_get_dir (take)), ==, 0);
  g_assert_cmpuint (SUBMITS (f), ==, submits);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  gst_init (NULL, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/resume/crash-after-task-id", test_crash_after_task_id);
  ADD ("/resume/completion-twice", test_completion_twice);
  ADD ("/resume/expired", test_expired);
  ADD ("/resume/unknown-task", test_unknown_task);
  ADD ("/resume/submit-unknown", test_submit_unknown);
  ADD ("/resume/lookup-found", test_lookup_found);
  ADD ("/resume/lookup-ambiguous", test_lookup_ambiguous);
  ADD ("/resume/lookup-none", test_lookup_none);
  ADD ("/resume/lookup-errors", test_lookup_errors);
  ADD ("/resume/unverified-retry", test_unverified_retry);
  ADD ("/resume/no-key", test_no_key);
  ADD ("/resume/cli", test_cli);
  ADD ("/resume/busy", test_busy);
  ADD ("/resume/give-up", test_give_up);
  ADD ("/resume/send-again", test_send_again);
  g_test_add ("/resume/settled-during-lookup/give-up", Fixture, "--give-up",
              fixture_setup, test_settled_during_lookup, fixture_teardown);
  g_test_add ("/resume/settled-during-lookup/send-again", Fixture, "--send-again",
              fixture_setup, test_settled_during_lookup, fixture_teardown);
  ADD ("/resume/edited-during-fetch", test_edited_during_fetch);
  g_test_add ("/resume/settled-during-fetch/give-up", Fixture, "--give-up",
              fixture_setup, test_settled_during_fetch, fixture_teardown);
  g_test_add ("/resume/settled-during-fetch/send-again", Fixture, "--send-again",
              fixture_setup, test_settled_during_fetch, fixture_teardown);
  g_test_add ("/resume/settled-during-fetch/done-elsewhere", Fixture, "--done-elsewhere",
              fixture_setup, test_settled_during_fetch, fixture_teardown);

  ret = g_test_run ();
  curl_global_cleanup ();
  return ret;
}
