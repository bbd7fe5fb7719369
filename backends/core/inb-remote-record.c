/* inb-remote-record.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-remote-record"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inb-remote-record.h"

/* Longer strings than this are not ours: a record holds ids, times and
 * one short message. */
#define MAX_FIELD_LENGTH 4096

static const char * const state_names[] = {
  [INB_REMOTE_STATE_UNKNOWN] = "unknown",
  [INB_REMOTE_STATE_SUBMITTING] = "submitting",
  [INB_REMOTE_STATE_NOT_SUBMITTED] = "not-submitted",
  [INB_REMOTE_STATE_SUBMIT_UNKNOWN] = "submit-unknown",
  [INB_REMOTE_STATE_SUBMITTED] = "submitted",
  [INB_REMOTE_STATE_DOWNLOADING] = "downloading",
  [INB_REMOTE_STATE_UNVERIFIED] = "unverified",
  [INB_REMOTE_STATE_DONE] = "done",
  [INB_REMOTE_STATE_NOT_FOUND] = "not-found",
};

const char *
inb_remote_state_to_string (InbRemoteState state)
{
  if ((guint) state >= G_N_ELEMENTS (state_names))
    return state_names[INB_REMOTE_STATE_UNKNOWN];

  return state_names[state];
}

InbRemoteState
inb_remote_state_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state_names[i], text))
      return (InbRemoteState) i;

  return INB_REMOTE_STATE_UNKNOWN;
}

InbRemoteRecord *
inb_remote_record_new (void)
{
  return g_new0 (InbRemoteRecord, 1);
}

InbRemoteRecord *
inb_remote_record_copy (const InbRemoteRecord *record)
{
  InbRemoteRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = inb_remote_record_new ();
  copy->state = record->state;
  copy->service = g_strdup (record->service);
  copy->model = g_strdup (record->model);
  copy->task_id = g_strdup (record->task_id);
  copy->adopted = g_strdup (record->adopted);
  copy->submitted = g_strdup (record->submitted);
  copy->updated = g_strdup (record->updated);
  copy->video_url = g_strdup (record->video_url);
  copy->error = g_strdup (record->error);

  return copy;
}

void
inb_remote_record_free (InbRemoteRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->service);
  g_free (record->model);
  g_free (record->task_id);
  g_free (record->adopted);
  g_free (record->submitted);
  g_free (record->updated);
  g_free (record->video_url);
  g_free (record->error);
  g_free (record);
}

/* A string member, or NULL if absent, not a string, empty or too long. */
static char *
dup_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (node);
  if (text == NULL || *text == '\0' || strlen (text) > MAX_FIELD_LENGTH ||
      !g_utf8_validate (text, -1, NULL))
    return NULL;

  return g_strdup (text);
}

/* Dates that do not parse are dropped, so every reader can trust them. */
static char *
dup_time_member (JsonObject *object,
                 const char *member)
{
  g_autofree char *text = dup_member (object, member);
  g_autoptr(GDateTime) parsed = NULL;

  if (text == NULL || (parsed = g_date_time_new_from_iso8601 (text, NULL)) == NULL)
    return NULL;

  return g_steal_pointer (&text);
}

/**
 * inb_remote_record_load:
 *
 * Returns: (transfer full): the record, or %NULL with @error set:
 *   %G_IO_ERROR_NOT_FOUND when the folder has none, %G_IO_ERROR_INVALID_DATA
 *   when it is not a record.
 */
InbRemoteRecord *
inb_remote_record_load (const char  *dir,
                        GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  InbRemoteRecord *record;
  JsonObject *object;
  JsonNode *root;
  gsize length;

  g_return_val_if_fail (dir != NULL, NULL);

  path = g_build_filename (dir, INB_REMOTE_RECORD_FILE, NULL);
  file = g_file_new_for_path (path);

  /* Only a small regular file is read: never a FIFO, a device or a link
   * to one (reading those could block or never end). */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
      g_file_info_get_size (info) > INB_REMOTE_RECORD_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not a job record (not a small regular file)"), path);
      return NULL;
    }

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;

  if (length > INB_REMOTE_RECORD_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is too large to be a job record"), path);
      return NULL;
    }

  /* 64 KiB cannot nest deep enough to exhaust json-glib's stack. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not readable: %s"), path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not a job record"), path);
      return NULL;
    }

  object = json_node_get_object (root);
  record = inb_remote_record_new ();
  {
    g_autofree char *state = dup_member (object, "state");

    record->state = inb_remote_state_from_string (state);
  }
  record->service = dup_member (object, "service");
  record->model = dup_member (object, "model");
  record->task_id = dup_member (object, "task_id");
  record->adopted = dup_member (object, "adopted");
  record->submitted = dup_time_member (object, "submitted");
  record->updated = dup_time_member (object, "updated");
  record->video_url = dup_member (object, "video_url");
  record->error = dup_member (object, "error");

  return record;
}

static void
add_member (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

/**
 * inb_remote_record_to_json:
 *
 * Returns: (transfer full): the members of remote.json
 */
JsonObject *
inb_remote_record_to_json (const InbRemoteRecord *record)
{
  JsonObject *object;

  g_return_val_if_fail (record != NULL, NULL);

  object = json_object_new ();
  add_member (object, "service", record->service);
  add_member (object, "model", record->model);
  add_member (object, "state", inb_remote_state_to_string (record->state));
  add_member (object, "task_id", record->task_id);
  add_member (object, "adopted", record->adopted);
  add_member (object, "submitted", record->submitted);
  add_member (object, "video_url", record->video_url);
  add_member (object, "error", record->error);
  add_member (object, "updated", record->updated);

  return object;
}

gboolean
inb_remote_record_save (InbRemoteRecord  *record,
                        const char       *dir,
                        GError          **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  if (record->updated == NULL)
    record->updated = g_date_time_format_iso8601 (now);

  object = inb_remote_record_to_json (record);
  root = json_node_init_object (json_node_alloc (), object);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);
  path = g_build_filename (dir, INB_REMOTE_RECORD_FILE, NULL);

  if (!g_file_set_contents_full (path, text, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not record the job in %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_remote_record_dup_submit_time:
 * @is_exact: (out) (optional): %TRUE for the submit's own time, %FALSE
 *   for an upper bound of it
 *
 * Returns: (transfer full) (nullable)
 */
GDateTime *
inb_remote_record_dup_submit_time (const InbRemoteRecord *record,
                                   gboolean              *is_exact)
{
  g_return_val_if_fail (record != NULL, NULL);

  if (is_exact != NULL)
    *is_exact = record->submitted != NULL;

  if (record->submitted != NULL)
    return g_date_time_new_from_iso8601 (record->submitted, NULL);
  if (record->updated != NULL)
    return g_date_time_new_from_iso8601 (record->updated, NULL);

  return NULL;
}
