/* inb-take.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-take"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "inb-fs.h"
#include "inb-json.h"
#include "inb-json-limits.h"
#include "inb-take.h"

#define TAKE_FILE      "take.json"
#define FIRST_FILE     "first.png"
#define LAST_FILE      "last.png"
#define CLIP_FILE      "clip.mp4"
#define THUMBNAIL_FILE "thumbnail.png"
#define THUMBNAIL_SIZE 320
#define LOCK_FILE      ".take.lock"
#define COUNTER_FILE   ".next-number"
#define MAX_MANIFEST_BYTES (1024 * 1024)

/* Lengths a take keeps of the artist's own words */
#define MAX_TITLE_LENGTH 200
#define MAX_NOTE_LENGTH  4000
/* A backend's warnings: a few sentences, never a flood */
#define MAX_WARNINGS        16
#define MAX_WARNING_LENGTH  2000

struct _InbTake
{
  GObject      parent_instance;

  char        *id;
  char        *dir;

  /* The manifest; only touched on the thread that owns the take. */
  JsonObject  *json;

  /* Serial writer: one write at a time, in call order. */
  GThreadPool *writer;

  /* Held while the take is being made (inb_take_acquire_lock()) */
  int          lock_fd;
};

G_DEFINE_FINAL_TYPE (InbTake, inb_take, G_TYPE_OBJECT)

G_DEFINE_QUARK (inb-take-error-quark, inb_take_error)

static void
inb_take_finalize (GObject *object)
{
  InbTake *self = (InbTake *) object;

  /* Every queued write holds a reference (its GTask's source object),
   * so nothing is pending here; not waiting also keeps this safe when the
   * last reference is dropped on the writer thread itself. */
  if (self->writer != NULL)
    g_thread_pool_free (self->writer, FALSE, FALSE);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->json, json_object_unref);
  g_free (self->id);
  g_free (self->dir);

  G_OBJECT_CLASS (inb_take_parent_class)->finalize (object);
}

static void
inb_take_class_init (InbTakeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inb_take_finalize;
}

static void
inb_take_init (InbTake *self)
{
  self->lock_fd = -1;
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

static char *
new_take_id (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%06x", stamp, g_random_int_range (0, 0xffffff));
}

static void
take_append_state (InbTake    *self,
                   const char *state)
{
  g_autofree char *at = now_iso8601 ();
  JsonArray *history = json_object_get_array_member (self->json, "history");
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "state", state);
  json_object_set_string_member (entry, "at", at);
  json_array_add_object_element (history, entry);
  json_object_set_string_member (self->json, "state", state);
  json_object_set_string_member (self->json, "updated", at);
}

/**
 * inb_take_create:
 *
 * Blocking. Makes `<takes_dir>/<id>/` (mode 0700) and records @request's
 * backend, model, prompts, parameters and seed in state "queued". Nothing
 * is written to disk until the first save.
 */
InbTake *
inb_take_create (const char  *takes_dir,
                 InbRequest  *request,
                 GError     **error)
{
  g_autoptr(InbTake) self = NULL;
  g_autofree char *created = NULL;
  JsonObject *files;
  JsonNode *params;

  g_return_val_if_fail (takes_dir != NULL, NULL);
  g_return_val_if_fail (INB_IS_REQUEST (request), NULL);

  if (g_mkdir_with_parents (takes_dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO,
                   _("Could not create the takes folder “%s”: %s"), takes_dir, g_strerror (errsv));
      return NULL;
    }

  self = g_object_new (INB_TYPE_TAKE, NULL);

  for (guint attempt = 0; ; attempt++)
    {
      g_free (self->id);
      g_free (self->dir);
      self->id = new_take_id ();
      self->dir = g_build_filename (takes_dir, self->id, NULL);

      if (g_mkdir (self->dir, 0700) == 0)
        break;

      if (errno != EEXIST || attempt > 16)
        {
          int errsv = errno;
          g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO,
                       _("Could not create the take folder “%s”: %s"), self->dir, g_strerror (errsv));
          return NULL;
        }
    }

  created = now_iso8601 ();
  params = json_node_init_object (json_node_alloc (), inb_request_get_params (request));

  self->json = json_object_new ();
  json_object_set_int_member (self->json, "schema_version", INB_TAKE_SCHEMA_VERSION);
  json_object_set_string_member (self->json, "id", self->id);
  json_object_set_string_member (self->json, "created", created);
  json_object_set_string_member (self->json, "backend", inb_request_get_backend_id (request));
  json_object_set_string_member (self->json, "model", inb_request_get_model_id (request));
  json_object_set_string_member (self->json, "prompt", inb_request_get_prompt (request));
  json_object_set_string_member (self->json, "negative_prompt", inb_request_get_negative_prompt (request));
  json_object_set_member (self->json, "parameters", json_node_copy (params));
  json_object_set_int_member (self->json, "seed", inb_request_get_seed (request));
  json_object_set_array_member (self->json, "history", json_array_new ());
  json_object_set_object_member (self->json, "timings", json_object_new ());
  json_object_set_null_member (self->json, "error");

  files = json_object_new ();
  json_object_set_string_member (files, "first", FIRST_FILE);
  json_object_set_string_member (files, "last", LAST_FILE);
  json_object_set_string_member (files, "clip", CLIP_FILE);
  json_object_set_string_member (files, "thumbnail", THUMBNAIL_FILE);
  json_object_set_object_member (self->json, "files", files);

  if (inb_request_get_first (request) != NULL)
    {
      JsonObject *size = json_object_new ();

      json_object_set_int_member (size, "width", inb_image_get_width (inb_request_get_first (request)));
      json_object_set_int_member (size, "height", inb_image_get_height (inb_request_get_first (request)));
      json_object_set_object_member (self->json, "frame_size", size);
    }

  take_append_state (self, "queued");
  json_node_unref (params);

  return g_steal_pointer (&self);
}

static gboolean
require_string (JsonObject  *object,
                const char  *member,
                const char  *path,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                   _("“%s” has no valid “%s”"), path, member);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_take_read_manifest:
 *
 * Blocking. Reads and parses @dir's take.json, whatever its format
 * version: %INB_TAKE_ERROR_IO when it cannot be read,
 * %INB_TAKE_ERROR_CORRUPT when it is not a JSON object.
 *
 * Returns: (transfer full): the manifest's members
 */
JsonObject *
inb_take_read_manifest (const char  *dir,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  InbJsonLimits limits;
  gsize length;
  JsonNode *root;

  g_return_val_if_fail (dir != NULL, NULL);

  path = g_build_filename (dir, TAKE_FILE, NULL);

  /* Never a FIFO, a device or a link to one (they block or never end),
   * never more than MAX_MANIFEST_BYTES, and nothing json-glib's parser
   * cannot survive (it recurses once per nesting level). */
  if (!inb_fs_read_regular_file (path, MAX_MANIFEST_BYTES, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE) ||
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY) ||
          g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT, "%s", local_error->message);
      else
        g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO, "%s", local_error->message);
      return NULL;
    }

  limits = inb_json_limits_check (contents, length, MAX_MANIFEST_BYTES, INB_JSON_MAX_DEPTH);
  if (limits == INB_JSON_LIMITS_TOO_DEEP)
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                   _("“%s” is not a take: it is nested more than %d levels deep"),
                   path, INB_JSON_MAX_DEPTH);
      return NULL;
    }
  if (limits != INB_JSON_LIMITS_OK)
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                   _("“%s” is not a take: it is empty or not text"), path);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                   _("“%s” is not valid JSON: %s"), path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                   _("“%s” is not a take"), path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * inb_take_load:
 *
 * Blocking. A take.json written by a newer Inbetween is refused with
 * %INB_TAKE_ERROR_NEWER_VERSION and never rewritten.
 */
InbTake *
inb_take_load (const char  *dir,
               GError     **error)
{
  g_autoptr(InbTake) self = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *path = NULL;
  gint64 version;

  g_return_val_if_fail (dir != NULL, NULL);

  object = inb_take_read_manifest (dir, error);
  if (object == NULL)
    return NULL;

  path = g_build_filename (dir, TAKE_FILE, NULL);
  if (!inb_json_get_int (object, "schema_version", &version))
    version = 0;

  if (version > INB_TAKE_SCHEMA_VERSION)
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_NEWER_VERSION,
                   _("“%s” was written by a newer version of Inbetween (format %" PRId64 ")"),
                   path, version);
      return NULL;
    }

  if (version < 1 ||
      !require_string (object, "id", path, error) ||
      !require_string (object, "backend", path, error) ||
      !require_string (object, "model", path, error) ||
      !require_string (object, "state", path, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_CORRUPT,
                     _("“%s” has no valid format version"), path);
      return NULL;
    }

  if (!json_object_has_member (object, "history") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "history")))
    json_object_set_array_member (object, "history", json_array_new ());
  if (!json_object_has_member (object, "timings") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "timings")))
    json_object_set_object_member (object, "timings", json_object_new ());

  self = g_object_new (INB_TYPE_TAKE, NULL);
  self->dir = g_strdup (dir);
  self->id = g_strdup (json_object_get_string_member (object, "id"));
  self->json = json_object_ref (object);

  return g_steal_pointer (&self);
}

const char *
inb_take_get_id (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return self->id;
}

const char *
inb_take_get_dir (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return self->dir;
}

char *
inb_take_dup_clip_path (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return g_build_filename (self->dir, CLIP_FILE, NULL);
}

char *
inb_take_dup_thumbnail_path (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return g_build_filename (self->dir, THUMBNAIL_FILE, NULL);
}

/**
 * inb_take_dup_keyframe_path:
 * @last: %FALSE for the first keyframe, %TRUE for the last
 *
 * Returns: (transfer full): where the keyframe is kept as it was sent
 */
char *
inb_take_dup_keyframe_path (InbTake  *self,
                            gboolean  last)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return g_build_filename (self->dir, last ? LAST_FILE : FIRST_FILE, NULL);
}

/**
 * inb_take_get_number:
 *
 * Returns: the take's number as users see it ("Take 3"), 0 if it has none
 */
guint
inb_take_get_number (InbTake *self)
{
  gint64 number;

  g_return_val_if_fail (INB_IS_TAKE (self), 0);

  if (!inb_json_get_int (self->json, "number", &number))
    number = 0;
  return number > 0 && number <= G_MAXUINT ? (guint) number : 0;
}

void
inb_take_set_number (InbTake *self,
                     guint    number)
{
  g_return_if_fail (INB_IS_TAKE (self));

  json_object_set_int_member (self->json, "number", number);
}

gboolean
inb_take_get_starred (InbTake *self)
{
  JsonNode *node;

  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);

  node = json_object_get_member (self->json, "starred");
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

void
inb_take_set_starred (InbTake  *self,
                      gboolean  starred)
{
  g_return_if_fail (INB_IS_TAKE (self));

  json_object_set_boolean_member (self->json, "starred", starred);
}


/* The artist's words, whole characters only, at most @max of them. */
static void
set_text (InbTake    *self,
          const char *member,
          const char *text,
          glong       max)
{
  g_autofree char *valid = NULL;
  g_autofree char *stripped = NULL;

  if (text == NULL || *text == '\0')
    {
      json_object_remove_member (self->json, member);
      return;
    }

  valid = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (valid, -1) > max)
    *g_utf8_offset_to_pointer (valid, max) = '\0';
  stripped = g_strstrip (g_strdup (valid));

  if (*stripped == '\0')
    json_object_remove_member (self->json, member);
  else
    json_object_set_string_member (self->json, member, stripped);
}

const char *
inb_take_get_title (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return inb_json_get_string (self->json, "title");
}

void
inb_take_set_title (InbTake    *self,
                    const char *title)
{
  g_return_if_fail (INB_IS_TAKE (self));
  set_text (self, "title", title, MAX_TITLE_LENGTH);
}

const char *
inb_take_get_note (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return inb_json_get_string (self->json, "note");
}

void
inb_take_set_note (InbTake    *self,
                   const char *note)
{
  g_return_if_fail (INB_IS_TAKE (self));
  set_text (self, "note", note, MAX_NOTE_LENGTH);
}

const char *
inb_take_get_group (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return inb_json_get_string (self->json, "group");
}

void
inb_take_set_group (InbTake    *self,
                    const char *group)
{
  g_return_if_fail (INB_IS_TAKE (self));
  set_text (self, "group", group, 64);
}

/**
 * inb_take_add_warning:
 * @text: a warning from the backend, in words
 *
 * Kept in "warnings" (once each, at most 16, whole characters only).
 */
void
inb_take_add_warning (InbTake    *self,
                      const char *text)
{
  JsonArray *warnings;
  g_autofree char *valid = NULL;

  g_return_if_fail (INB_IS_TAKE (self));
  g_return_if_fail (text != NULL);

  valid = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (valid, -1) > MAX_WARNING_LENGTH)
    *g_utf8_offset_to_pointer (valid, MAX_WARNING_LENGTH) = '\0';
  g_strstrip (valid);
  if (*valid == '\0')
    return;

  warnings = inb_json_get_array (self->json, "warnings");
  if (warnings == NULL)
    {
      warnings = json_array_new ();
      json_object_set_array_member (self->json, "warnings", warnings);
    }

  if (json_array_get_length (warnings) >= MAX_WARNINGS)
    return;
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    {
      JsonNode *node = json_array_get_element (warnings, i);

      if (JSON_NODE_HOLDS_VALUE (node) && g_strcmp0 (json_node_get_string (node), valid) == 0)
        return;
    }

  json_array_add_string_element (warnings, valid);
}

/**
 * inb_take_dup_warnings:
 *
 * Returns: (transfer full): the backend's warnings, in order (empty: none)
 */
GStrv
inb_take_dup_warnings (InbTake *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *warnings;

  g_return_val_if_fail (INB_IS_TAKE (self), NULL);

  warnings = inb_json_get_array (self->json, "warnings");
  for (guint i = 0; warnings != NULL && i < json_array_get_length (warnings); i++)
    {
      JsonNode *node = json_array_get_element (warnings, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }

  return g_strv_builder_end (builder);
}

/**
 * inb_take_set_member:
 * @value: (nullable) (transfer none): %NULL removes the member
 */
void
inb_take_set_member (InbTake    *self,
                     const char *member,
                     JsonNode   *value)
{
  g_return_if_fail (INB_IS_TAKE (self));
  g_return_if_fail (member != NULL);

  if (value == NULL)
    json_object_remove_member (self->json, member);
  else
    json_object_set_member (self->json, member, json_node_copy (value));
}

/* Locks -------------------------------------------------------------------- */

/* Blocking (briefly). Takes @dir's lock, waiting up to @wait_ms while
 * another holds it. Returns: the lock's descriptor, or -1 with @error set
 * (%G_IO_ERROR_BUSY: another holds it still) */
static int
take_lock (const char  *dir,
           guint        wait_ms,
           GError     **error)
{
  g_autofree char *path = g_build_filename (dir, LOCK_FILE, NULL);
  gint64 until = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  int fd;

  g_return_val_if_fail (dir != NULL, -1);

  /* Not inherited by the helpers we start: they must not keep it */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not lock the take in %s: %s"), dir, g_strerror (saved));
      return -1;
    }

  /* Another open file description, so this also waits for a thread of
   * this process */
  while (flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK &&
         g_get_monotonic_time () < until)
    g_usleep (10 * 1000);

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, saved == EWOULDBLOCK ? G_IO_ERROR_BUSY : g_io_error_from_errno (saved),
                   _("The take in %s is being made by another Inbetween"), dir);
      return -1;
    }

  return fd;
}

/**
 * inb_take_acquire_lock:
 *
 * Blocking (briefly: never waits for another process). From the take's
 * creation until its job ends, the process making it holds its lock: a
 * take found unfinished and unlocked was left by a process that died.
 */
gboolean
inb_take_acquire_lock (InbTake  *self,
                       GError  **error)
{
  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);

  if (self->lock_fd >= 0)
    return TRUE;

  self->lock_fd = take_lock (self->dir, 0, error);
  return self->lock_fd >= 0;
}

/**
 * inb_take_lock_briefly:
 * @fd: (out): the lock's descriptor for inb_take_unlock_briefly(); -1 when
 *   @dir cannot hold the lock file (said in the debug log): the change then
 *   goes ahead without it, as before there was one
 *
 * Blocking. @dir's lock for a read-then-write of take.json, or a move of
 * the folder, by one who does not make the take (settling it, writing what
 * a resume learnt, the library's own edits), so two such changes do not
 * undo each other. Waits up to %INB_TAKE_BRIEF_LOCK_WAIT_MS for another
 * such holder; a process making the take holds it for longer.
 *
 * Returns: %FALSE with %G_IO_ERROR_BUSY in @error when someone holds it
 *   still
 */
gboolean
inb_take_lock_briefly (const char  *dir,
                       int         *fd,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (fd != NULL, FALSE);

  *fd = take_lock (dir, INB_TAKE_BRIEF_LOCK_WAIT_MS, &local_error);
  if (*fd < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_BUSY))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (*fd < 0)
    g_debug ("Changing %s without its lock: %s", dir, local_error->message);

  return TRUE;
}

void
inb_take_unlock_briefly (int fd)
{
  if (fd >= 0)
    close (fd);   /* releases the flock */
}

void
inb_take_release_lock (InbTake *self)
{
  g_return_if_fail (INB_IS_TAKE (self));

  if (self->lock_fd >= 0)
    close (self->lock_fd);   /* releases the flock */
  self->lock_fd = -1;
}

/**
 * inb_take_is_locked:
 *
 * Returns: whether a live process holds @dir's lock now
 */
gboolean
inb_take_is_locked (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, LOCK_FILE, NULL);
  int fd;
  gboolean locked;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return FALSE;   /* never locked: nobody holds it */

  locked = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);

  return locked;
}

/**
 * inb_take_next_number:
 *
 * Blocking. Counts takes across every process that makes them (a small
 * counter file in @takes_dir under an exclusive lock).
 *
 * Returns: the number of the next take, from 1; 0 if it cannot be counted
 */
guint
inb_take_next_number (const char *takes_dir)
{
  g_autofree char *path = g_build_filename (takes_dir, COUNTER_FILE, NULL);
  char buffer[32] = { 0 };
  guint64 number = 0;
  g_autofree char *text = NULL;
  ssize_t n;
  int fd;

  if (g_mkdir_with_parents (takes_dir, 0700) != 0)
    return 0;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return 0;

  if (flock (fd, LOCK_EX) != 0)
    {
      close (fd);
      return 0;
    }

  n = pread (fd, buffer, sizeof buffer - 1, 0);
  if (n > 0)
    number = g_ascii_strtoull (buffer, NULL, 10);
  if (number == 0 || number >= G_MAXUINT)
    {
      /* No counter yet (or a bad one): start after the takes there are */
      g_autoptr(GDir) dir = g_dir_open (takes_dir, 0, NULL);
      const char *name;

      number = 1;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        number += name[0] != '.';
    }

  text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", number + 1);
  if (pwrite (fd, text, strlen (text), 0) < 0 || ftruncate (fd, (off_t) strlen (text)) != 0)
    g_debug ("Could not update the take counter: %s", g_strerror (errno));

  close (fd);
  return (guint) number;
}

static const char *
get_string (InbTake    *self,
            const char *member)
{
  /* A member of another type (a take.json edited by hand, say) is as good
   * as absent: never a critical */
  return inb_json_get_string (self->json, member);
}

const char *
inb_take_get_backend_id (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return get_string (self, "backend");
}

const char *
inb_take_get_model_id (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return get_string (self, "model");
}

const char *
inb_take_get_prompt (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return get_string (self, "prompt");
}

const char *
inb_take_get_negative_prompt (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return get_string (self, "negative_prompt");
}

gint64
inb_take_get_seed (InbTake *self)
{
  JsonNode *node;

  g_return_val_if_fail (INB_IS_TAKE (self), 0);

  node = json_object_get_member (self->json, "seed");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return json_node_get_int (node);
}

/**
 * inb_take_get_params:
 *
 * Returns: (transfer none) (nullable): the parameters as sent
 */
JsonObject *
inb_take_get_params (InbTake *self)
{
  JsonNode *node;

  g_return_val_if_fail (INB_IS_TAKE (self), NULL);

  node = json_object_get_member (self->json, "parameters");
  return (node && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

const char *
inb_take_get_state (InbTake *self)
{
  g_return_val_if_fail (INB_IS_TAKE (self), NULL);
  return get_string (self, "state");
}

const char *
inb_take_get_error_message (InbTake *self)
{
  JsonNode *node;

  g_return_val_if_fail (INB_IS_TAKE (self), NULL);

  node = json_object_get_member (self->json, "error");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return inb_json_get_string (json_node_get_object (node), "message");
}

/**
 * inb_take_set_state:
 *
 * Records a state and when it was entered (appended to "history").
 */
void
inb_take_set_state (InbTake    *self,
                    const char *state)
{
  g_return_if_fail (INB_IS_TAKE (self));
  g_return_if_fail (state != NULL);

  take_append_state (self, state);
}

void
inb_take_set_error (InbTake      *self,
                    const GError *error)
{
  g_return_if_fail (INB_IS_TAKE (self));

  if (error == NULL)
    json_object_set_null_member (self->json, "error");
  else
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "domain", g_quark_to_string (error->domain));
      json_object_set_int_member (object, "code", error->code);
      json_object_set_string_member (object, "message", error->message);
      json_object_set_object_member (self->json, "error", object);
    }
}

void
inb_take_set_timing (InbTake    *self,
                     const char *name,
                     double      seconds)
{
  g_return_if_fail (INB_IS_TAKE (self));
  g_return_if_fail (name != NULL);

  json_object_set_double_member (json_object_get_object_member (self->json, "timings"), name, seconds);
}

static void
set_object_copy (JsonObject *object,
                 const char *member,
                 JsonObject *value)
{
  g_autoptr(JsonNode) wrap = NULL;

  if (value == NULL)
    {
      json_object_remove_member (object, member);
      return;
    }

  wrap = json_node_init_object (json_node_alloc (), value);
  json_object_set_member (object, member, json_node_copy (wrap));
}

/**
 * inb_take_set_result:
 *
 * Records what the backend reported about the clip (size, frames, fps,
 * backend metadata).
 */
void
inb_take_set_result (InbTake    *self,
                     JsonObject *result)
{
  g_return_if_fail (INB_IS_TAKE (self));
  set_object_copy (self->json, "result", result);
}

/**
 * inb_take_set_remote:
 *
 * Records the remote job's identity (task id, URLs, expiry), so a crash
 * after submit can be resumed instead of paid for twice.
 */
void
inb_take_set_remote (InbTake    *self,
                     JsonObject *remote)
{
  g_return_if_fail (INB_IS_TAKE (self));
  set_object_copy (self->json, "remote", remote);
}

/**
 * inb_take_get_remote:
 *
 * Returns: (transfer none) (nullable): the remote job's identity
 */
JsonObject *
inb_take_get_remote (InbTake *self)
{
  JsonNode *node;

  g_return_val_if_fail (INB_IS_TAKE (self), NULL);

  node = json_object_get_member (self->json, "remote");
  return (node && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

/**
 * inb_take_to_json:
 *
 * Returns: (transfer full): a deep copy of the manifest
 */
JsonObject *
inb_take_to_json (InbTake *self)
{
  g_autoptr(JsonNode) wrap = NULL;
  g_autoptr(JsonNode) copy = NULL;

  g_return_val_if_fail (INB_IS_TAKE (self), NULL);

  wrap = json_node_init_object (json_node_alloc (), self->json);
  copy = json_node_copy (wrap);
  return json_object_ref (json_node_get_object (copy));
}

static char *
take_serialise (InbTake *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), self->json);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
take_write (const char  *dir,
            const char  *data,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, TAKE_FILE, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!inb_fs_write_atomic (path, data, -1, &local_error))
    {
      g_set_error (error, INB_TAKE_ERROR, INB_TAKE_ERROR_IO,
                   _("Could not save the take: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * inb_take_save:
 *
 * Blocking: writes take.json durably and atomically.
 */
gboolean
inb_take_save (InbTake  *self,
               GError  **error)
{
  g_autofree char *data = NULL;

  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);

  data = take_serialise (self);
  return take_write (self->dir, data, error);
}

static void
take_writer_func (gpointer data,
                  gpointer user_data)
{
  g_autoptr(GTask) task = data;
  const char *contents = g_task_get_task_data (task);
  InbTake *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (take_write (self->dir, contents, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * inb_take_save_async:
 *
 * Snapshots the manifest now (on the calling thread) and writes it in a
 * worker; successive saves of one take are written in call order, so the
 * file on disk always ends at the latest state.
 */
void
inb_take_save_async (InbTake             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (INB_IS_TAKE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, inb_take_save_async);
  g_task_set_task_data (task, take_serialise (self), g_free);

  if (self->writer == NULL)
    self->writer = g_thread_pool_new (take_writer_func, NULL, 1, FALSE, NULL);

  g_thread_pool_push (self->writer, g_steal_pointer (&task), NULL);
}

gboolean
inb_take_save_finish (InbTake       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static GdkPixbuf *
pixbuf_from_image (InbImage *image)
{
  GBytes *bytes = inb_image_get_bytes (image);

  return gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                    inb_image_get_width (image),
                                    inb_image_get_height (image),
                                    inb_image_get_stride (image));
}

/* zlib level 3 rather than libpng's 6: the two 720p keyframes of every
 * take took 0.16–0.20 s of CPU each at 6 (5 % of an `inbetween generate`),
 * 0.06–0.11 s at 3, for files 15 % larger on data/samples' photos and
 * 2 % smaller on speed.py's rendered keyframes (gdk-pixbuf, best of 5).
 * Lossless at any level. */
#define TAKE_PNG_COMPRESSION "3"

static gboolean
save_pixbuf_atomic (GdkPixbuf   *pixbuf,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *buffer = NULL;
  gsize size;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", error,
                                  "compression", TAKE_PNG_COMPRESSION, NULL))
    return FALSE;

  return inb_fs_write_atomic (path, buffer, size, error);
}

/**
 * inb_image_save_png:
 *
 * Blocking: writes @image as a PNG, atomically.
 */
gboolean
inb_image_save_png (InbImage    *image,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  pixbuf = pixbuf_from_image (image);
  return save_pixbuf_atomic (pixbuf, path, error);
}

/**
 * inb_take_write_keyframes:
 *
 * Blocking: stores the keyframes exactly as they were sent.
 */
gboolean
inb_take_write_keyframes (InbTake   *self,
                          InbImage  *first,
                          InbImage  *last,
                          GError   **error)
{
  g_autofree char *first_path = NULL;
  g_autofree char *last_path = NULL;

  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);
  g_return_val_if_fail (first != NULL && last != NULL, FALSE);

  first_path = g_build_filename (self->dir, FIRST_FILE, NULL);
  last_path = g_build_filename (self->dir, LAST_FILE, NULL);

  return inb_image_save_png (first, first_path, error) &&
         inb_image_save_png (last, last_path, error);
}

/**
 * inb_take_write_thumbnail:
 *
 * Blocking: a PNG at most 320 px wide of @frame.
 */
gboolean
inb_take_write_thumbnail (InbTake   *self,
                          InbImage  *frame,
                          GError   **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autofree char *path = NULL;
  guint width, height;

  g_return_val_if_fail (INB_IS_TAKE (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  pixbuf = pixbuf_from_image (frame);
  width = inb_image_get_width (frame);
  height = inb_image_get_height (frame);

  if (width > THUMBNAIL_SIZE)
    {
      height = MAX (1, height * THUMBNAIL_SIZE / width);
      width = THUMBNAIL_SIZE;
    }

  scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
  path = g_build_filename (self->dir, THUMBNAIL_FILE, NULL);

  return save_pixbuf_atomic (scaled, path, error);
}
