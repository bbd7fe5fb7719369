/* inb-take-format.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library's rows and the take's details say the same things the same
 * way: these are the words.
 */
#define G_LOG_DOMAIN "inb-take-format"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-fidelity.h"
#include "inb-take-format.h"

const char *
inb_take_format_state (InbTakeEntry *entry)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), "");

  switch (inb_take_entry_get_condition (entry))
    {
    case INB_TAKE_CONDITION_DAMAGED:
      /* Translators: a take whose record could not be read */
      return C_("take state", "Damaged");
    case INB_TAKE_CONDITION_NEWER:
      /* Translators: a take written by a newer Inbetween */
      return C_("take state", "Newer Format");
    case INB_TAKE_CONDITION_OK:
    default:
      break;
    }

  switch (inb_take_entry_get_state (entry))
    {
    case INB_JOB_QUEUED: return C_("take state", "Queued");
    case INB_JOB_PREPARING: return C_("take state", "Preparing");
    case INB_JOB_UPLOADING: return C_("take state", "Uploading");
    case INB_JOB_SUBMITTED: return C_("take state", "Submitted");
    case INB_JOB_RUNNING: return C_("take state", "Running");
    case INB_JOB_DOWNLOADING: return C_("take state", "Downloading");
    case INB_JOB_DONE: return C_("take state", "Done");
    case INB_JOB_FAILED: return C_("take state", "Failed");
    case INB_JOB_CANCELLED: return C_("take state", "Cancelled");
    /* Translators: the take was sent, and no answer came back */
    case INB_JOB_SUBMIT_UNKNOWN: return C_("take state", "No Answer");
    case INB_JOB_EXPIRED: return C_("take state", "Expired");
    case INB_JOB_INTERRUPTED: return C_("take state", "Interrupted");
    default: return "";
    }
}

const char *
inb_take_format_state_class (InbTakeEntry *entry)
{
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), "");

  switch (inb_take_entry_get_condition (entry))
    {
    case INB_TAKE_CONDITION_DAMAGED: return "failed";
    case INB_TAKE_CONDITION_NEWER: return "newer";
    case INB_TAKE_CONDITION_OK:
    default:
      break;
    }

  switch (inb_take_entry_get_state (entry))
    {
    case INB_JOB_DONE: return "done";
    case INB_JOB_FAILED: return "failed";
    case INB_JOB_CANCELLED: return "cancelled";
    case INB_JOB_SUBMIT_UNKNOWN:
    case INB_JOB_EXPIRED:
    case INB_JOB_INTERRUPTED:
      return "warning";
    default:
      return "running";
    }
}

char *
inb_take_format_seconds (double seconds)
{
  int s = (int) (MAX (seconds, 0) + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);

  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

char *
inb_take_format_hundredths (gint64 hundredths)
{
  return g_strdup_printf ("%d:%02d.%02d",
                          (int) (hundredths / 6000),
                          (int) ((hundredths / 100) % 60),
                          (int) (hundredths % 100));
}

char *
inb_take_format_duration (double seconds)
{
  if (seconds < 60)
    /* Translators: a clip's length in seconds, "5.1 s" */
    return g_strdup_printf (_("%.1f s"), seconds);

  return inb_take_format_seconds (seconds);
}

char *
inb_take_format_age (gint64 created,
                     gint64 now)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) today = NULL;
  gint64 minutes = (now - created) / G_USEC_PER_SEC / 60;

  if (created <= 0)
    return g_strdup ("");

  if (minutes < 1)
    return g_strdup (_("just now"));
  if (minutes < 60)
    /* Translators: how long ago a take was made */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", (int) minutes), (int) minutes);
  if (minutes < 12 * 60)
    /* Translators: how long ago a take was made, in hours */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d h ago", "%d h ago", (int) (minutes / 60)),
                            (int) (minutes / 60));

  then = g_date_time_new_from_unix_local (created / G_USEC_PER_SEC);
  today = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  if (then == NULL || today == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (then) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (today))
    /* Translators: a time of day, as g_date_time_format() takes it */
    return g_date_time_format (then, _("%H:%M"));
  if (g_date_time_get_year (then) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (then) + 1 == g_date_time_get_day_of_year (today))
    return g_strdup (_("yesterday"));
  if (g_date_time_get_year (then) == g_date_time_get_year (today))
    /* Translators: a day of this year, as g_date_time_format() takes it */
    return g_date_time_format (then, _("%e %b"));

  /* Translators: a day of another year, as g_date_time_format() takes it */
  return g_date_time_format (then, _("%e %b %Y"));
}

char *
inb_take_format_backend (InbSession *session,
                         const char *backend_id,
                         const char *model_id)
{
  InbBackend *backend = NULL;
  InbModel *model = NULL;
  const char *backend_name;
  const char *model_name;

  if (session != NULL && backend_id != NULL)
    backend = inb_session_lookup_backend (session, backend_id);
  if (backend != NULL && model_id != NULL)
    model = inb_backend_find_model (backend, model_id);

  backend_name = backend != NULL ? inb_backend_get_short_name (backend) : backend_id;
  model_name = model != NULL ? inb_model_get_title (model) : model_id;

  if (backend_name == NULL)
    return g_strdup (_("Unknown backend"));
  if (model_name == NULL || *model_name == '\0')
    return g_strdup (backend_name);

  /* Translators: backend · model */
  return g_strdup_printf (_("%s · %s"), backend_name, model_name);
}

char *
inb_take_format_join_size (char *text)
{
  GString *joined;

  g_return_val_if_fail (text != NULL, NULL);

  /* "1280 × 720" reads as one thing: no-break spaces (U+00A0) keep a
   * narrow row from wrapping it between "1280" and "× 720", whatever
   * spaces the translation put around the × */
  joined = g_string_new (text);
  g_free (text);
  g_string_replace (joined, " \u00d7 ", "\u00a0\u00d7\u00a0", 0);
  return g_string_free (joined, FALSE);
}

char *
inb_take_format_join_phrases (const char *text)
{
  g_auto(GStrv) parts = NULL;
  GString *joined = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  /* "Local · Optical flow in-betweening" wraps at a " · " only, not in
   * "in-|betweening": inside each part, no-break spaces (U+00A0) and a
   * word joiner (U+2060) after each hyphen. A part wider than the line
   * still wraps (the labels wrap word-char). */
  parts = g_strsplit (text, " \u00b7 ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      GString *part = g_string_new (parts[i]);

      g_string_replace (part, " ", "\u00a0", 0);
      g_string_replace (part, "-", "-\u2060", 0);
      if (i > 0)
        g_string_append (joined, " \u00b7 ");
      g_string_append_len (joined, part->str, part->len);
      g_string_free (part, TRUE);
    }
  return g_string_free (joined, FALSE);
}

static char *
format_status (InbTakeEntry *entry,
               char        **tooltip)
{
  InbJobState state;
  const char *error;

  state = inb_take_entry_get_state (entry);
  error = inb_take_entry_get_error_message (entry);

  if (inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_NEWER)
    return g_strdup (_("Made by a newer Inbetween: shown, never changed"));

  if (inb_take_entry_is_active (entry))
    {
      g_autofree char *stage = inb_take_entry_dup_stage (entry);
      double fraction = inb_take_entry_get_fraction (entry);

      if (inb_take_entry_get_job (entry) == NULL)
        return g_strdup (_("Being made by another Inbetween"));
      if (fraction > 0 && stage != NULL && *stage != '\0')
        /* Translators: percent done, then what is happening */
        return g_strdup_printf (_("%d %% · %s"), (int) (fraction * 100), stage);
      if (fraction > 0)
        return g_strdup_printf (_("%d %%"), (int) (fraction * 100));

      return g_strdup (stage != NULL ? stage : "");
    }

  if (state == INB_JOB_DONE && inb_take_entry_get_n_frames (entry) > 0)
    {
      /* In full, "49 frames at 16 fps · 1080 × 720" took two lines of a
       * row at 360 px; the length is on the thumbnail */
      if (tooltip != NULL)
        /* Translators: "81 frames at 16 fps · 1280 × 720" */
        *tooltip = inb_take_format_join_size (g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame at %g fps · %u × %u",
                                                                            "%u frames at %g fps · %u × %u",
                                                                            inb_take_entry_get_n_frames (entry)),
                                                               inb_take_entry_get_n_frames (entry),
                                                               inb_take_entry_get_fps (entry),
                                                               inb_take_entry_get_width (entry),
                                                               inb_take_entry_get_height (entry)));
      /* Translators: a clip's size and rate, "1280 × 720 · 16 fps" */
      return inb_take_format_join_size (g_strdup_printf (_("%u × %u · %g fps"),
                                                         inb_take_entry_get_width (entry),
                                                         inb_take_entry_get_height (entry),
                                                         inb_take_entry_get_fps (entry)));
    }
  if (state == INB_JOB_DONE && !inb_take_entry_get_has_clip (entry))
    return g_strdup (_("Its clip is missing"));

  return g_strdup (error != NULL ? error : "");
}

char *
inb_take_format_status (InbTakeEntry  *entry,
                        char         **tooltip)
{
  char *status;

  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), NULL);

  if (tooltip != NULL)
    *tooltip = NULL;
  status = format_status (entry, tooltip);
  if (tooltip != NULL && *tooltip == NULL && *status != '\0')
    *tooltip = g_strdup (status);
  return status;
}

char *
inb_take_format_fidelity (InbTakeEntry  *entry,
                          char         **tooltip)
{
  double shift;

  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), NULL);

  shift = inb_take_entry_get_colour_shift (entry);
  if (shift < 0)
    return NULL;

  if (tooltip != NULL)
    /* Translators: ΔE is the CIEDE2000 colour difference; %.1f its value,
     * %.0f the threshold */
    *tooltip = g_strdup_printf (_("The clip’s ends differ from the keyframes by ΔE %.1f in colour "
                                  "(CIEDE2000). Above %.0f the change of cast shows at a cut."),
                                shift, INB_FIDELITY_DRIFT_THRESHOLD);

  return g_strdup (inb_take_entry_get_drift (entry) ? _("Colour drift") : _("Colours hold"));
}
