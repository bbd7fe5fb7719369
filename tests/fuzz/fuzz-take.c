/* fuzz-take.c — the take manifest loader, the library's reading of a
 * manifest and the job record (remote.json) on any bytes from disk
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte chooses the file: even → take.json (inb_take_load,
 * inb_take_read_manifest, every getter, a library entry made from it),
 * odd → remote.json (inb_remote_record_load). The rest is the file.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "inb-remote-record.h"
#include "inb-take.h"
#include "inb-take-entry.h"
#include "inb-fuzz.h"

static void
exercise_take (const char *dir)
{
  g_autoptr(InbTake) take = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) error = NULL;

  take = inb_take_load (dir, &error);
  if (take != NULL)
    {
      g_autoptr(JsonObject) copy = inb_take_to_json (take);
      g_autofree char *clip = inb_take_dup_clip_path (take);

      g_assert_nonnull (inb_take_get_id (take));
      inb_take_get_backend_id (take);
      inb_take_get_model_id (take);
      inb_take_get_prompt (take);
      inb_take_get_negative_prompt (take);
      inb_take_get_seed (take);
      inb_take_get_params (take);
      inb_take_get_state (take);
      inb_take_get_error_message (take);
      inb_take_get_remote (take);
      inb_take_get_number (take);
      inb_take_get_starred (take);
      inb_take_get_title (take);
      inb_take_get_note (take);
      inb_take_get_group (take);
      g_assert_nonnull (copy);
    }
  else
    g_assert_nonnull (error);
  g_clear_error (&error);

  manifest = inb_take_read_manifest (dir, &error);
  if (manifest != NULL)
    {
      g_autoptr(InbTakeEntry) entry = _inb_take_entry_new_from_json (dir, manifest, INB_TAKE_CONDITION_OK);

      g_assert_nonnull (inb_take_entry_get_dir (entry));
    }
}

static void
exercise_record (const char *dir)
{
  g_autoptr(GError) error = NULL;
  InbRemoteRecord *record = inb_remote_record_load (dir, &error);

  if (record != NULL)
    inb_remote_record_free (record);
  else
    g_assert_nonnull (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  const char *dir;
  gboolean record;

  inb_fuzz_init ();
  if (size < 1 || size > 2 * 1024 * 1024)
    return 0;

  dir = inb_fuzz_tmpdir ();
  record = data[0] & 1;
  path = g_build_filename (dir, record ? "remote.json" : "take.json", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) data + 1, size - 1, NULL));

  if (record)
    exercise_record (dir);
  else
    exercise_take (dir);

  g_unlink (path);
  return 0;
}
