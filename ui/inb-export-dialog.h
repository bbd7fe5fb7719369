/* inb-export-dialog.h — export one take: format, options, target, progress
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "inb-export-options.h"
#include "inb-take.h"

G_BEGIN_DECLS

#define INB_TYPE_EXPORT_DIALOG (inb_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (InbExportDialog, inb_export_dialog, INB, EXPORT_DIALOG, AdwWindow)

/**
 * InbExportDialog:
 *
 * A modal window for one take: format, size, frame rate, trim, loops,
 * ping-pong, colour-match and where to save. Export runs an InbExporter
 * (worker thread) with a progress bar; Cancel stops it and nothing is
 * left on disk; an existing file is replaced only after the artist
 * confirms. Emits "exported" with the path written, then closes.
 */
InbExportDialog *inb_export_dialog_new        (InbTake          *take);
/* Makes the dialog for @take and shows it over @parent. */
InbExportDialog *inb_export_dialog_present    (InbTake          *take,
                                               GtkWindow        *parent);

void             inb_export_dialog_set_format (InbExportDialog  *self,
                                               InbExportFormat   format);
void             inb_export_dialog_set_target (InbExportDialog  *self,
                                               const char       *path);
const char      *inb_export_dialog_get_target (InbExportDialog  *self);
/* The options the widgets say now. */
void             inb_export_dialog_get_options (InbExportDialog *self,
                                                InbExportOptions *options);
gboolean         inb_export_dialog_is_running (InbExportDialog  *self);

G_END_DECLS
