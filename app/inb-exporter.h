/* inb-exporter.h — export a take's clip to MP4, WebM, ProRes, GIF, WebP or PNGs
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "inb-export-options.h"
#include "inb-take.h"

G_BEGIN_DECLS

#define INB_TYPE_EXPORTER (inb_exporter_get_type ())

G_DECLARE_FINAL_TYPE (InbExporter, inb_exporter, INB, EXPORTER, GObject)

/**
 * InbExporter:
 *
 * Exports one take's clip. Made on the main thread (it copies what it
 * needs from the take there); the work — decoding, in-betweening,
 * colour-matching, encoding — runs in a worker thread, and progress
 * ("fraction", "stage") is notified on the main context that called
 * export_async(). The result is written to a temporary file (a folder
 * for PNG) created exclusively beside the target and renamed onto it at
 * the end; cancelling or failing removes it. An existing target is
 * never replaced unless the options say force.
 */
InbExporter *inb_exporter_new            (InbTake                 *take,
                                          const InbExportOptions  *options);
/* For a clip outside the takes folder; @settings (nullable) is a take
 * manifest to embed (it is filtered as a take's is). */
InbExporter *inb_exporter_new_for_files  (const char              *clip,
                                          const char              *first_png,
                                          const char              *last_png,
                                          JsonObject              *settings,
                                          const InbExportOptions  *options);

const InbExportOptions *inb_exporter_get_options (InbExporter     *self);
double       inb_exporter_get_fraction   (InbExporter             *self);
const char  *inb_exporter_get_stage      (InbExporter             *self);
/* "inbetween-<take id>.<ext>" (no extension for a PNG folder). */
char        *inb_exporter_dup_suggested_name (InbExporter         *self);
/* The compact JSON that goes into the file. */
char        *inb_exporter_dup_metadata   (InbExporter             *self);
void         inb_exporter_set_deliver_every_fraction (InbExporter *self,
                                                      gboolean     every_fraction);

void         inb_exporter_export_async   (InbExporter             *self,
                                          const char              *target,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data);
gboolean     inb_exporter_export_finish  (InbExporter             *self,
                                          GAsyncResult            *result,
                                          GError                 **error);
/* Blocking (worker thread, CLI): the same work on the calling thread;
 * progress is still delivered through the main context of the thread
 * that called it. */
gboolean     inb_exporter_export         (InbExporter             *self,
                                          const char              *target,
                                          GCancellable            *cancellable,
                                          GError                 **error);

/**
 * inb_export_read_metadata:
 *
 * Blocking: the settings embedded in a file Inbetween exported (MP4,
 * MOV, WebM, GIF, WebP, a PNG frame, or a PNG-sequence folder):
 * `{"inbetween": 1, "take": {id, backend, model, prompt,
 * negative_prompt, parameters, seed, …}, "export": {format, …}}`.
 *
 * Returns: (transfer full): the settings, or %NULL with
 *   %INB_EXPORT_ERROR_NO_METADATA when the file holds none
 */
JsonObject  *inb_export_read_metadata        (const char          *path,
                                              GError             **error);
void         inb_export_read_metadata_async  (const char          *path,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonObject  *inb_export_read_metadata_finish (GAsyncResult        *result,
                                              GError             **error);

/* The take manifest @take_json reduced to what an exported file may
 * carry (no remote ids, no history, nothing named like a key or token),
 * with @options, as compact ASCII JSON. */
char        *inb_export_build_metadata       (JsonObject              *take_json,
                                              const InbExportOptions  *options);

G_END_DECLS
