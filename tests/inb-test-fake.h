/* inb-test-fake.h — what the cloud tests share around the loopback fakes
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake servers themselves (tests/fakes/NAME.py, started, scripted,
 * read and stopped with GSubprocess) are fakes/inb-fake-server.h; this is
 * the fixture around them: a temporary folder, a real clip for the fake
 * to serve, a backend pointed at the fake, requests, and waiting for
 * async calls on the main loop.
 */
#pragma once

#include "inb-backend.h"
#include "fakes/inb-fake-server.h"

G_BEGIN_DECLS

/* A smooth RGB gradient, blue channel @tint */
InbImage   *inb_test_gradient_image  (guint           width,
                                      guint           height,
                                      guint8          tint);
/* A PNG of inb_test_gradient_image() */
void        inb_test_write_png       (const char     *path,
                                      guint           width,
                                      guint           height,
                                      guint8          tint);
/* A GAsyncReadyCallback that keeps the result in *(GAsyncResult **) user_data */
void        inb_test_store_result    (GObject        *source,
                                      GAsyncResult   *result,
                                      gpointer        user_data);
/* A real 8-frame 320 × 240 MP4 at 16 fps */
void        inb_test_write_clip      (const char     *path);
/* No file under @dir contains @secret; with @strict, every file is readable */
void        inb_test_assert_no_secret_in_files (const char *dir,
                                                const char *secret,
                                                gboolean    strict);

/* The requests the fake saw with @method and @path_part in their path */
guint       inb_test_fake_count      (InbFakeServer  *fake,
                                      const char     *method,
                                      const char     *path_part);
/* The position of the @nth of them (from 0) in the log, or -1 */
int         inb_test_fake_index      (InbFakeServer  *fake,
                                      const char     *method,
                                      const char     *path_part,
                                      guint           nth);
/* (transfer none) (nullable): the @nth of them */
JsonObject *inb_test_fake_find       (InbFakeServer  *fake,
                                      const char     *method,
                                      const char     *path_part,
                                      guint           nth);

/* Waiting for an async backend call on the main loop (60 s at most) */
typedef struct
{
  GMainLoop    *loop;
  InbResult    *result;
  GError       *error;
  gboolean      ok;
  GCancellable *cancellable;
  gint64        cancelled_at;
  gint64        finished_at;
} InbTestWait;

void        inb_test_wait_run        (InbTestWait    *w);
void        inb_test_loop_run        (GMainLoop      *loop);
void        inb_test_on_generated    (GObject        *source,
                                      GAsyncResult   *res,
                                      gpointer        user_data);
void        inb_test_on_resumed      (GObject        *source,
                                      GAsyncResult   *res,
                                      gpointer        user_data);
void        inb_test_on_cancel_remote (GObject       *source,
                                      GAsyncResult   *res,
                                      gpointer        user_data);

/* A cloud backend against its fake */
typedef struct
{
  InbFakeServer *fake;
  InbBackend    *backend;
  char          *tmpdir;
  char          *work_dir;
  char          *output;
  char          *clip;        /* a real MP4 the fake serves as the result */
} InbCloudFixture;

/* Starts @script serving @key and the clip; @backend (transfer full) gets
 * the fake's URL + @url_path, @key, fast polls and short retries. */
void        inb_cloud_fixture_setup    (InbCloudFixture *f,
                                        InbBackend      *backend,
                                        const char      *script,
                                        const char      *key,
                                        const char      *url_path);
void        inb_cloud_fixture_teardown (InbCloudFixture *f,
                                        gconstpointer    data);
/* A complete request (schema defaults, seed 42) with two keyframes of
 * @width × @height, writing to f->output */
InbRequest *inb_cloud_fixture_request  (InbCloudFixture *f,
                                        const char      *model_id,
                                        const char      *prompt,
                                        guint            width,
                                        guint            height,
                                        const char      *params_json);
/* Runs a generation, cancelled once the fake has seen a @method request
 * to @path (a prefix). */
InbResult  *inb_cloud_fixture_generate_cancel_on (InbCloudFixture  *f,
                                                  InbRequest       *request,
                                                  const char       *method,
                                                  const char       *path,
                                                  double           *cancel_latency,
                                                  GError          **error);
/* The same, cancelled once the fake has seen @n such requests. */
InbResult  *inb_cloud_fixture_generate_cancel_after (InbCloudFixture  *f,
                                                     InbRequest       *request,
                                                     const char       *method,
                                                     const char       *path,
                                                     guint             n,
                                                     double           *cancel_latency,
                                                     GError          **error);
/* Runs a generation; cancels it after @cancel_ms when > 0 and gives the
 * seconds from cancelling to the end in @cancel_latency. */
InbResult  *inb_cloud_fixture_generate (InbCloudFixture *f,
                                        InbRequest      *request,
                                        InbProgress     *progress,
                                        guint            cancel_ms,
                                        double          *cancel_latency,
                                        GError         **error);

G_END_DECLS
