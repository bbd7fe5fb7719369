/* fuzz-cloud.c — a hosted provider's answer readers on any answer
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built once per provider (FUZZ_DASHSCOPE, FUZZ_WAVESPEED, FUZZ_RUNCOMFY):
 * fuzz-dashscope, fuzz-wavespeed, fuzz-runcomfy.
 *
 * Input: one byte choosing the reader (submit, poll, and for DashScope a
 * page of the task list), one byte choosing the HTTP status, then the
 * body, parsed as the HTTP client parses it (inb_http_parse_json: size
 * and depth limits first). Invariants: a reader that fails says why in
 * valid UTF-8, one that succeeds sets no error; a task id it keeps is
 * non-empty and at most 256 bytes; a task list holds only readable tasks.
 */
#include "config.h"

#include <string.h>

#include "inb-backend.h"
#include "inb-cloud-backend.h"
#include "inb-cloud-job-private.h"
#include "inb-http.h"
#include "inb-fuzz.h"

#if defined(FUZZ_DASHSCOPE)
#include "inb-dashscope-private.h"
#define read_submit _inb_dashscope_read_submit
#define read_poll _inb_dashscope_read_poll
#define N_READERS 3
#elif defined(FUZZ_WAVESPEED)
#include "inb-wavespeed-private.h"
#define read_submit _inb_wavespeed_read_submit
#define read_poll _inb_wavespeed_read_poll
#define N_READERS 2
#elif defined(FUZZ_RUNCOMFY)
#include "inb-runcomfy-private.h"
#define read_submit _inb_runcomfy_read_submit
#define read_poll _inb_runcomfy_read_poll
#define N_READERS 2
#else
#error "FUZZ_DASHSCOPE, FUZZ_WAVESPEED or FUZZ_RUNCOMFY"
#endif

static const guint statuses[] = { 200, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 302 };

static void
check_outcome (gboolean      ok,
               const GError *error)
{
  if (ok)
    g_assert_null (error);
  else
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      if (!g_utf8_validate (error->message, -1, NULL))
        {
          g_autofree char *escaped = g_strescape (error->message, NULL);
          const char *end = NULL;

          g_utf8_validate (error->message, -1, &end);
          g_printerr ("invalid at byte %d of %d: %02x %02x\n", (int) (end - error->message), (int) strlen (error->message), (guint8) end[0], (guint8) end[1]);

          g_error ("an error message that is not UTF-8: %s", escaped);
        }
    }
}

static void
check_task_id (InbCloudJob *job)
{
  const char *task_id = inb_cloud_job_get_task_id (job);

  if (task_id != NULL)
    {
      g_assert_cmpuint (strlen (task_id), >, 0);
      g_assert_cmpuint (strlen (task_id), <=, 256);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  InbCloudJob *job;
  guint reader, status;
  gboolean ok;

  inb_fuzz_init ();
  if (size < 2 || size > 1024 * 1024)
    return 0;

  reader = data[0] % N_READERS;
  status = statuses[data[1] % G_N_ELEMENTS (statuses)];
  node = inb_http_parse_json ((const char *) data + 2, size - 2, NULL);
  if (node == NULL && status != 502 && status != 504)
    return 0;   /* the client stops at a body that does not parse */
#if !defined(FUZZ_DASHSCOPE)
  if (node == NULL)
    return 0;   /* WaveSpeed's and RunComfy's submits stop there too */
#endif

  job = _inb_cloud_job_new_detached (NULL, reader == 0 ? NULL : "task-7");

  if (reader == 0)
    {
      ok = read_submit (job, status, node, &error);
      check_outcome (ok, error);
      check_task_id (job);
    }
  else if (reader == 1)
    {
      InbCloudState state = INB_CLOUD_STATE_QUEUED;

      if (node != NULL)
        {
          ok = read_poll (job, status, node, &state, &error);
          check_outcome (ok, error);
          g_assert_true (state <= INB_CLOUD_STATE_SUCCEEDED);
          if (ok && state == INB_CLOUD_STATE_SUCCEEDED && _inb_cloud_job_get_video_url (job) != NULL)
            g_assert_true (g_utf8_validate (_inb_cloud_job_get_video_url (job), -1, NULL));
        }
    }
#if defined(FUZZ_DASHSCOPE)
  else if (node != NULL)
    {
      g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) inb_cloud_task_info_free);
      gint64 total_pages = 1;
      gboolean last = FALSE;

      ok = _inb_dashscope_read_task_page (status, node, 1 + data[1] / G_N_ELEMENTS (statuses) % 2,
                                          "wan2.2-kf2v-flash", &total_pages, tasks, &last, &error);
      check_outcome (ok, error);
      for (guint i = 0; ok && i < tasks->len; i++)
        {
          InbCloudTaskInfo *info = g_ptr_array_index (tasks, i);

          g_assert_nonnull (info->task_id);
          g_assert_cmpuint (strlen (info->task_id), >, 0);
          g_assert_cmpuint (strlen (info->task_id), <=, 256);
          g_assert_cmpint (info->created, >, 0);
        }
    }
#endif

  _inb_cloud_job_free_detached (job);
  return 0;
}
