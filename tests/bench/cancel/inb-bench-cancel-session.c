/* inb-bench-cancel-session.c — cancel latency of a local take from the
 * session, as the window cancels it (issue 13). Not a test: run by
 * tests/bench/cancel/run.py --session.
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   inb-bench-cancel-session FIRST LAST TAKES_DIR TRIALS SEED
 *
 * One calibration take through inb_session_generate_async() with the local
 * engine (2 s at 8 fps, 480p: what run.py's CLI trials make) measures a
 * whole take (D). Then each trial starts a take the same way and, after a
 * delay drawn uniformly from [0.1 D, 0.8 D] counted from the job's start,
 * calls inb_job_cancel() — what the take row's Cancel button and closing
 * the window call. Two times are measured from that call: to the job's
 * "finished" signal (the window shows the take cancelled), and to its
 * take.json on disk naming a final state (what a restart would read).
 * Prints one line per trial: "trial N state S finished_ms F saved_ms W"
 * ("ended first" when the take ended before the cancel), after a first
 * line "D SECONDS".
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "inb-job.h"
#include "inb-session.h"

typedef struct
{
  GMainLoop *loop;
  InbJob    *job;
  GError    *error;
} Generated;

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Generated *g = user_data;

  g->job = inb_session_generate_finish (INB_SESSION (object), result, &g->error);
  g_main_loop_quit (g->loop);
}

static InbJob *
start_take (InbSession  *session,
            const char  *first,
            const char  *last)
{
  g_autoptr(InbGenerateInputs) inputs = inb_generate_inputs_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) params = NULL;
  Generated g = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  inputs->backend_id = g_strdup ("local");
  inputs->first = inb_keyframe_load (first, NULL, &error);
  if (inputs->first != NULL)
    inputs->last = inb_keyframe_load (last, NULL, &error);
  if (error != NULL)
    g_error ("%s", error->message);
  params = json_from_string ("{\"duration\": 2, \"fps\": 8, \"resolution\": \"480p\"}", NULL);
  inputs->params = json_object_ref (json_node_get_object (params));

  inb_session_generate_async (session, g_steal_pointer (&inputs), NULL, generated_cb, &g);
  g_main_loop_run (g.loop);
  g_main_loop_unref (g.loop);
  if (g.error != NULL)
    g_error ("%s", g.error->message);

  return g.job;
}

typedef struct
{
  InbJob *job;
  gint64  cancelled;   /* when inb_job_cancel() was called; -1: the take had ended */
} Trial;

static gboolean
cancel_cb (gpointer user_data)
{
  Trial *trial = user_data;

  if (inb_job_state_is_terminal (inb_job_get_state (trial->job)))
    {
      trial->cancelled = -1;
      return G_SOURCE_REMOVE;
    }

  trial->cancelled = g_get_monotonic_time ();
  inb_job_cancel (trial->job);
  return G_SOURCE_REMOVE;
}

/* take.json names a final state */
static gboolean
saved_final (InbJob *job)
{
  g_autofree char *path = g_build_filename (inb_take_get_dir (inb_job_get_take (job)), "take.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  InbJobState state;

  if (!json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  return inb_job_state_from_string (json_object_get_string_member_with_default (json_node_get_object (root), "state", ""),
                                    &state)
         && inb_job_state_is_terminal (state);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(InbSession) session = NULL;
  g_autoptr(GRand) rand = NULL;
  guint trials;
  double duration;
  gint64 t0;

  setlocale (LC_ALL, "");
  if (argc != 6)
    {
      fprintf (stderr, "usage: %s FIRST LAST TAKES_DIR TRIALS SEED\n", argv[0]);
      return 2;
    }
  trials = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[5], NULL, 10));

  session = inb_session_new (NULL);
  inb_session_set_takes_dir (session, argv[3]);

  /* Calibration: a whole take */
  {
    g_autoptr(InbJob) job = NULL;

    t0 = g_get_monotonic_time ();
    job = start_take (session, argv[1], argv[2]);
    while (!inb_job_state_is_terminal (inb_job_get_state (job)) || !saved_final (job))
      g_main_context_iteration (NULL, TRUE);
    duration = (g_get_monotonic_time () - t0) / 1e6;
    if (inb_job_get_state (job) != INB_JOB_DONE)
      {
        fprintf (stderr, "calibration take ended %s\n", inb_job_state_to_string (inb_job_get_state (job)));
        return 1;
      }
  }
  printf ("D %.3f\n", duration);

  for (guint i = 0; i < trials; i++)
    {
      g_autoptr(InbJob) job = NULL;
      Trial trial = { NULL, 0 };
      gint64 finished = 0, saved = 0;
      guint delay_ms;

      job = start_take (session, argv[1], argv[2]);
      trial.job = job;
      delay_ms = (guint) (g_rand_double_range (rand, 0.1 * duration, 0.8 * duration) * 1000);
      /* The main loop runs as in the window until the moment comes */
      g_timeout_add (MAX (delay_ms, 1), cancel_cb, &trial);
      while (trial.cancelled == 0)
        g_main_context_iteration (NULL, TRUE);
      if (trial.cancelled < 0)
        {
          printf ("trial %u ended first\n", i);
          while (!saved_final (job))
            g_main_context_iteration (NULL, TRUE);
          continue;
        }

      while (saved == 0)
        {
          if (finished == 0 && inb_job_state_is_terminal (inb_job_get_state (job)))
            finished = g_get_monotonic_time ();
          if (finished != 0 && saved_final (job))
            saved = g_get_monotonic_time ();
          else
            g_main_context_iteration (NULL, TRUE);
        }
      printf ("trial %u state %s finished_ms %.1f saved_ms %.1f\n", i,
              inb_job_state_to_string (inb_job_get_state (job)),
              (finished - trial.cancelled) / 1000.0, (saved - trial.cancelled) / 1000.0);
      fflush (stdout);
    }

  return 0;
}
