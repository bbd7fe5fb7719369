/* inb-job-row.h — one job in the queue: stage, progress, times, cancel
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "inb-job.h"

G_BEGIN_DECLS

#define INB_TYPE_JOB_ROW (inb_job_row_get_type ())

G_DECLARE_FINAL_TYPE (InbJobRow, inb_job_row, INB, JOB_ROW, GtkListBoxRow)

GtkWidget *inb_job_row_new     (InbJob    *job);
InbJob    *inb_job_row_get_job (InbJobRow *self);

G_END_DECLS
