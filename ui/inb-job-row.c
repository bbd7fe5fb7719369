/* inb-job-row.c — one job in the queue: stage, progress, times, cancel
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "inb-job-row"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-job-row.h"
#include "inb-take.h"

struct _InbJobRow
{
  GtkListBoxRow   parent_instance;

  InbJob         *job;
  guint           tick_id;

  GtkLabel       *title_label;
  GtkLabel       *stage_label;
  GtkLabel       *time_label;
  GtkProgressBar *progress;
  GtkButton      *cancel_button;
  GtkImage       *state_icon;
};

G_DEFINE_FINAL_TYPE (InbJobRow, inb_job_row, GTK_TYPE_LIST_BOX_ROW)

static char *
format_seconds (double seconds)
{
  int s = (int) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);

  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static const char *
state_text (InbJobState state)
{
  switch (state)
    {
    case INB_JOB_QUEUED: return _("Queued");
    case INB_JOB_PREPARING: return _("Preparing");
    case INB_JOB_UPLOADING: return _("Uploading");
    case INB_JOB_SUBMITTED: return _("Submitted");
    case INB_JOB_RUNNING: return _("Running");
    case INB_JOB_DOWNLOADING: return _("Downloading");
    case INB_JOB_DONE: return _("Done");
    case INB_JOB_FAILED: return _("Failed");
    case INB_JOB_CANCELLED: return _("Cancelled");
    case INB_JOB_SUBMIT_UNKNOWN: return _("Sent, no answer");
    case INB_JOB_EXPIRED: return _("Expired");
    default: return "";
    }
}

static void
inb_job_row_update (InbJobRow *self)
{
  InbJobState state = inb_job_get_state (self->job);
  double fraction = inb_job_get_fraction (self->job);
  g_autofree char *stage = inb_job_dup_stage (self->job);
  g_autofree char *elapsed = format_seconds (inb_job_get_elapsed (self->job));
  g_autofree char *stage_text = NULL;
  g_autofree char *times = NULL;
  gboolean terminal = inb_job_state_is_terminal (state);
  double eta = inb_job_get_eta (self->job);
  const char *icon = NULL;

  if (state == INB_JOB_FAILED && inb_job_get_error (self->job) != NULL)
    stage_text = g_strdup (inb_job_get_error (self->job)->message);
  else if (state == INB_JOB_DONE && inb_job_get_result (self->job) != NULL)
    {
      InbResult *result = inb_job_get_result (self->job);

      /* Translators: "Done · 81 frames at 16 fps · 1280 × 720" */
      stage_text = g_strdup_printf (_("%s · %u frames at %g fps · %u × %u"),
                                    state_text (state),
                                    inb_result_get_n_frames (result),
                                    inb_result_get_fps (result),
                                    inb_result_get_width (result),
                                    inb_result_get_height (result));
    }
  else if (state == INB_JOB_RUNNING && fraction > 0)
    /* Translators: state, then percent done, like "Running 42 %" */
    stage_text = g_strdup_printf (_("%s %d %%%s%s"), state_text (state), (int) (fraction * 100),
                                  stage && *stage ? " · " : "", stage ? stage : "");
  else if (!terminal && stage != NULL && *stage != '\0')
    stage_text = g_strdup_printf ("%s · %s", state_text (state), stage);
  else
    stage_text = g_strdup (state_text (state));

  gtk_label_set_label (self->stage_label, stage_text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stage_label), stage_text);

  if (!terminal && eta >= 0)
    {
      g_autofree char *eta_text = format_seconds (eta);

      /* Translators: elapsed time, then estimated time left */
      times = g_strdup_printf (_("%s · %s left"), elapsed, eta_text);
    }
  else
    times = g_strdup (elapsed);
  gtk_label_set_label (self->time_label, times);

  gtk_progress_bar_set_fraction (self->progress, state == INB_JOB_DONE ? 1.0 : fraction);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), !terminal);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !terminal);

  gtk_widget_remove_css_class (GTK_WIDGET (self->stage_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->stage_label), "success");
  switch (state)
    {
    case INB_JOB_DONE:
      icon = "emblem-ok-symbolic";
      gtk_widget_add_css_class (GTK_WIDGET (self->stage_label), "success");
      break;
    case INB_JOB_FAILED:
    case INB_JOB_EXPIRED:
    case INB_JOB_SUBMIT_UNKNOWN:
      icon = "dialog-error-symbolic";
      gtk_widget_add_css_class (GTK_WIDGET (self->stage_label), "error");
      break;
    case INB_JOB_CANCELLED:
      icon = "process-stop-symbolic";
      break;
    default:
      break;
    }
  gtk_image_set_from_icon_name (self->state_icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->state_icon), icon != NULL);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), state == INB_JOB_DONE);

  if (terminal)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static gboolean
inb_job_row_tick_cb (gpointer user_data)
{
  InbJobRow *self = user_data;

  inb_job_row_update (self);

  return self->tick_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
inb_job_row_cancel_clicked_cb (InbJobRow *self,
                               GtkButton *button)
{
  inb_job_cancel (self->job);
}

GtkWidget *
inb_job_row_new (InbJob *job)
{
  InbJobRow *self;
  g_autofree char *title = NULL;
  InbTake *take;

  g_return_val_if_fail (INB_IS_JOB (job), NULL);

  self = g_object_new (INB_TYPE_JOB_ROW, NULL);
  self->job = g_object_ref (job);

  take = inb_job_get_take (job);
  if (take != NULL && inb_take_get_number (take) > 0)
    /* Translators: %u numbers the takes */
    title = g_strdup_printf (_("Take %u"), inb_take_get_number (take));
  else
    /* Translators: %s is the id of a take */
    title = g_strdup_printf (_("Take %s"), take ? inb_take_get_id (take) : "");
  gtk_label_set_label (self->title_label, title);
  if (take != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), inb_take_get_dir (take));
  {
    /* Translators: %s is "Take 1a2b3c4d" */
    g_autofree char *cancel = g_strdup_printf (_("Cancel %s"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, cancel,
                                    -1);
  }

  g_signal_connect_object (job, "notify::state", G_CALLBACK (inb_job_row_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (inb_job_row_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::stage", G_CALLBACK (inb_job_row_update), self, G_CONNECT_SWAPPED);

  self->tick_id = g_timeout_add_seconds (1, inb_job_row_tick_cb, self);
  inb_job_row_update (self);

  return GTK_WIDGET (self);
}

/**
 * inb_job_row_get_job:
 *
 * Returns: (transfer none): the job shown
 */
InbJob *
inb_job_row_get_job (InbJobRow *self)
{
  g_return_val_if_fail (INB_IS_JOB_ROW (self), NULL);

  return self->job;
}

static void
inb_job_row_dispose (GObject *object)
{
  InbJobRow *self = INB_JOB_ROW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->job);

  G_OBJECT_CLASS (inb_job_row_parent_class)->dispose (object);
}

static void
inb_job_row_class_init (InbJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_job_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, progress);
  gtk_widget_class_bind_template_child (widget_class, InbJobRow, stage_label);
  gtk_widget_class_bind_template_callback (widget_class, inb_job_row_cancel_clicked_cb);
}

static void
inb_job_row_init (InbJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
