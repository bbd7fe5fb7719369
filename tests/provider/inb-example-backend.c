/* inb-example-backend.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-example-backend"

#include "config.h"

#include "inb-example-backend.h"

struct _InbExampleBackend
{
  InbCloudBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (InbExampleBackend, inb_example_backend, INB_TYPE_CLOUD_BACKEND)

/* The tests never send anything to it. */
static gboolean
example_submit (InbCloudJob   *job,
                GCancellable  *cancellable,
                GError       **error)
{
  g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                       "The example provider does not exist");
  return FALSE;
}

static gboolean
example_poll (InbCloudJob    *job,
              InbCloudState  *state,
              GCancellable   *cancellable,
              GError        **error)
{
  g_set_error_literal (error, INB_BACKEND_ERROR, INB_BACKEND_ERROR_FAILED,
                       "The example provider does not exist");
  return FALSE;
}

static const InbCloudJobClass example_job_class = {
  .submit = example_submit,
  .poll = example_poll,
};

static const InbBackendRegion example_regions[] = {
  { "north", "North", INB_EXAMPLE_URL_NORTH, NULL },
  { "south", "South", INB_EXAMPLE_URL_SOUTH, NULL },
  { NULL, NULL, NULL, NULL },
};

static const InbBackendInfo example_info = {
  .id = "example",
  .name = "Example Video Cloud",
  .short_name = "Example",
  .description = "A provider that exists only in the tests",
  .key_env = "INB_EXAMPLE_API_KEY",
  .key_url = "https://example.invalid/keys",
  .url_env = "INBETWEEN_EXAMPLE_URL",
  .regions = example_regions,
  .result_lifetime_hours = 6,
  .lost_submit = INB_LOST_SUBMIT_ASK,
};

static void
inb_example_backend_class_init (InbExampleBackendClass *klass)
{
  InbCloudBackendClass *cloud_class = INB_CLOUD_BACKEND_CLASS (klass);

  cloud_class->info = &example_info;
  cloud_class->job = &example_job_class;
  cloud_class->models_resource = "/io/github/inbetween/Inbetween/tests/example.json";
  cloud_class->size_param = "size";
  cloud_class->size_default = "640*360";
  cloud_class->size_separator = '*';
}

static void
inb_example_backend_init (InbExampleBackend *self)
{
}
