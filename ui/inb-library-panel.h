/* inb-library-panel.h — every take, searchable, newest first
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "inb-session.h"
#include "inb-take-row.h"

G_BEGIN_DECLS

/**
 * InbStateFilter:
 * @INB_STATE_FILTER_ANY: every take
 * @INB_STATE_FILTER_ACTIVE: queued or being made
 * @INB_STATE_FILTER_DONE: with a clip
 * @INB_STATE_FILTER_FAILED: failed, expired, unanswered, interrupted or damaged
 * @INB_STATE_FILTER_CANCELLED: cancelled
 */
typedef enum
{
  INB_STATE_FILTER_ANY,
  INB_STATE_FILTER_ACTIVE,
  INB_STATE_FILTER_DONE,
  INB_STATE_FILTER_FAILED,
  INB_STATE_FILTER_CANCELLED,
} InbStateFilter;

#define INB_TYPE_LIBRARY_PANEL (inb_library_panel_get_type ())

G_DECLARE_FINAL_TYPE (InbLibraryPanel, inb_library_panel, INB, LIBRARY_PANEL, AdwBin)

/**
 * InbLibraryPanel:
 *
 * The session's InbLibrary in a virtualised GtkListView: the takes being
 * made first, then the newest. Filters: words (prompt, note, title),
 * backend, state, starred, and one group of variations. Says when there
 * is no take yet, and when none matches. "selected" is the take chosen.
 */
GtkWidget    *inb_library_panel_new                (void);
void          inb_library_panel_set_session        (InbLibraryPanel *self,
                                                    InbSession      *session);
InbTakeEntry *inb_library_panel_get_selected       (InbLibraryPanel *self);
/* Selects @entry (shown: filters that hide it are cleared), or nothing. */
void          inb_library_panel_select             (InbLibraryPanel *self,
                                                    InbTakeEntry    *entry);

void          inb_library_panel_set_search         (InbLibraryPanel *self,
                                                    const char      *text);
void          inb_library_panel_set_starred_only   (InbLibraryPanel *self,
                                                    gboolean         starred_only);
void          inb_library_panel_set_backend_filter (InbLibraryPanel *self,
                                                    const char      *backend_id);
void          inb_library_panel_set_state_filter   (InbLibraryPanel *self,
                                                    InbStateFilter   filter);
/* Only the takes of @group (variations made together); %NULL: all */
void          inb_library_panel_set_group_filter   (InbLibraryPanel *self,
                                                    const char      *group);
void          inb_library_panel_clear_filters      (InbLibraryPanel *self);
/* The order: newest first (the default) or oldest first */
void          inb_library_panel_set_oldest_first   (InbLibraryPanel *self,
                                                    gboolean         oldest_first);
/* How many takes share @entry's group (itself included; 1 when none) */
guint         inb_library_panel_count_group        (InbLibraryPanel *self,
                                                    InbTakeEntry    *entry);
/* The filters and order read again (an entry changed) */
void          inb_library_panel_refilter           (InbLibraryPanel *self);

/* For tests: "loading", "empty", "no-match" or "list"; the takes shown,
 * in order; the row showing @entry if it is bound. */
const char   *inb_library_panel_get_view           (InbLibraryPanel *self);
GListModel   *inb_library_panel_get_shown          (InbLibraryPanel *self);
InbTakeRow   *inb_library_panel_find_row           (InbLibraryPanel *self,
                                                    InbTakeEntry    *entry);
InbThumbnailCache *inb_library_panel_get_thumbnails (InbLibraryPanel *self);
/* Every take shown has reached the list view (they come in a few rows a
 * frame after a load or a filter change) */
gboolean      inb_library_panel_get_complete       (InbLibraryPanel *self);
InbTakeEntry *inb_library_panel_get_pick            (InbLibraryPanel *self);
void          inb_library_panel_set_pick            (InbLibraryPanel *self,
                                                    InbTakeEntry    *entry);
/* The rows in view read their age ("12 min ago") again; how many did */
guint         inb_library_panel_refresh_ages       (InbLibraryPanel *self);

G_END_DECLS
