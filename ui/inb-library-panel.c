/* inb-library-panel.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * InbLibrary (every take, newest first) → GtkFilterListModel (words,
 * backend, state, starred, group) → GtkSortListModel (takes being made
 * first, then by date) → GtkSingleSelection → GtkListView. The list view
 * makes rows only for what is shown, and each row decodes its thumbnail
 * through one small cache, so the panel costs the same with five takes or
 * five thousand. GTK 4.8's list view keeps up to 200 rows bound, most of
 * them out of sight and unmapped: a row decodes its thumbnail only while
 * it is mapped (in view).
 *
 * Making those 200 rows at once took ~330 ms of the main thread when
 * 5,000 takes arrived (tests/bench/library/gaps.sh): between the sorted
 * list and the selection a GtkSliceListModel lets the takes in a few rows
 * at a time, every few milliseconds, until every row the view keeps
 * exists; then the rest a few hundred at a time.
 */
#define G_LOG_DOMAIN "inb-library-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-library-panel.h"
#include "inb-resources.h"
#include "inb-take-format.h"

/* Thumbnails kept: a few screens of rows */
#define THUMBNAILS_KEPT 160
/* Decoded at this size: the row shows 104 × 58 at up to twice the scale */
#define THUMBNAIL_SIZE  224
#define AGE_TICK_S      30
/* Rows made per frame while a long list comes in (one costs ~0.6 ms to
 * make and bind and ~0.9 ms to lay out the first time, on a loaded
 * machine), until there are as many as GTK 4.8's list view keeps
 * (GTK_LIST_VIEW_MAX_LIST_ITEMS, 200) with some margin */
#define GROW_STEP       3
#define GROW_UNTIL      256
/* Then the rest in steps of this many a frame (no row made) */
#define GROW_BULK       256

struct _InbLibraryPanel
{
  AdwBin              parent_instance;

  InbSession         *session;
  InbLibrary         *library;
  InbThumbnailCache  *cache;
  GMenuModel         *take_menu;
  GtkCustomFilter    *filter;
  GtkCustomSorter    *sorter;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkSliceListModel  *slice;
  GtkSingleSelection *selection;
  InbTakeEntry       *pick;         /* Ctrl+clicked: compared with the selected one */
  GHashTable         *bound;        /* InbTakeRow → its GtkListItem */
  GHashTable         *groups;       /* group → GPtrArray of InbTakeEntry (the library's), oldest first */
  GPtrArray          *backend_ids;  /* the backend dropdown's, [0] = NULL (all) */
  char               *search;       /* casefolded */
  char               *group;
  InbStateFilter      state;
  gboolean            oldest_first;
  guint               tick_id;
  guint               groups_id;
  guint               grow_id;

  /* Template Widgets */
  GtkSearchEntry     *search_entry;
  GtkToggleButton    *starred_button;
  GtkMenuButton      *filter_button;
  GtkDropDown        *backend_dropdown;
  GtkDropDown        *state_dropdown;
  GtkDropDown        *order_dropdown;
  GtkRevealer        *group_revealer;
  GtkLabel           *group_label;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkListView        *list_view;
  GtkRevealer        *pick_revealer;
  GtkLabel           *pick_label;
};

G_DEFINE_FINAL_TYPE (InbLibraryPanel, inb_library_panel, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_PICK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Filter and order --------------------------------------------------------- */

static gboolean
state_matches (InbStateFilter  filter,
               InbTakeEntry   *entry)
{
  InbJobState state = inb_take_entry_get_state (entry);
  gboolean damaged = inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_DAMAGED;

  switch (filter)
    {
    case INB_STATE_FILTER_ACTIVE:
      return !damaged && inb_take_entry_is_active (entry);
    case INB_STATE_FILTER_DONE:
      return !damaged && state == INB_JOB_DONE;
    case INB_STATE_FILTER_FAILED:
      return damaged || state == INB_JOB_FAILED || state == INB_JOB_EXPIRED ||
             state == INB_JOB_SUBMIT_UNKNOWN || state == INB_JOB_INTERRUPTED;
    case INB_STATE_FILTER_CANCELLED:
      return !damaged && state == INB_JOB_CANCELLED;
    case INB_STATE_FILTER_ANY:
    default:
      return TRUE;
    }
}

static const char *
selected_backend (InbLibraryPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->backend_dropdown);

  return self->backend_ids != NULL && i < self->backend_ids->len ? g_ptr_array_index (self->backend_ids, i) : NULL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  InbLibraryPanel *self = user_data;
  InbTakeEntry *entry = item;
  const char *backend = selected_backend (self);

  if (self->group != NULL && g_strcmp0 (inb_take_entry_get_group (entry), self->group) != 0)
    return FALSE;
  if (gtk_toggle_button_get_active (self->starred_button) && !inb_take_entry_get_starred (entry))
    return FALSE;
  if (backend != NULL && g_strcmp0 (inb_take_entry_get_backend_id (entry), backend) != 0)
    return FALSE;
  if (!state_matches (self->state, entry))
    return FALSE;

  return inb_take_entry_matches_text (entry, self->search);
}

static gboolean
being_made (InbTakeEntry *entry)
{
  return inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_OK && inb_take_entry_is_active (entry);
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  InbLibraryPanel *self = user_data;
  InbTakeEntry *ea = (InbTakeEntry *) a;
  InbTakeEntry *eb = (InbTakeEntry *) b;
  gboolean ma = being_made (ea);
  gboolean mb = being_made (eb);
  gint64 ca = inb_take_entry_get_created (ea);
  gint64 cb = inb_take_entry_get_created (eb);
  int order;

  /* Takes being made at the top, with their progress */
  if (ma != mb)
    return ma ? -1 : 1;

  order = ca < cb ? 1 : ca > cb ? -1 : 0;
  if (order == 0)
    order = -g_strcmp0 (inb_take_entry_get_id (ea), inb_take_entry_get_id (eb));

  return self->oldest_first ? -order : order;
}

static void
stop_growing (InbLibraryPanel *self)
{
  if (self->grow_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->grow_id);
  self->grow_id = 0;
}

/* Before the frame is laid out: a few more rows, which this frame
 * measures (grown from a timeout, the steps starved the frames and one
 * frame measured all 200 rows: 150–250 ms) */
static gboolean
grow_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  InbLibraryPanel *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  if (size >= n)
    {
      self->grow_id = 0;
      gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
      return G_SOURCE_REMOVE;
    }

  gtk_slice_list_model_set_size (self->slice, size + (size < GROW_UNTIL ? GROW_STEP : GROW_BULK));
  return G_SOURCE_CONTINUE;
}

static void
grow (InbLibraryPanel *self)
{
  if (self->grow_id == 0 && gtk_slice_list_model_get_size (self->slice) != G_MAXUINT)
    self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), grow_tick_cb, self, NULL);
}

/* Every take shown at once (one to select may be far down) */
static void
grow_all (InbLibraryPanel *self)
{
  stop_growing (self);
  if (self->slice != NULL)
    gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
}

/* Before the filters change: when few takes are shown, those the new
 * filters bring back come in a few rows a frame, not 200 rows at once */
static void
hold_back (InbLibraryPanel *self)
{
  guint shown;

  if (self->slice == NULL)
    return;

  shown = g_list_model_get_n_items (G_LIST_MODEL (self->slice));
  if (shown < GROW_UNTIL)
    gtk_slice_list_model_set_size (self->slice, MAX (shown, GROW_STEP));
}

static void
sorted_changed_cb (InbLibraryPanel *self,
                   guint            position,
                   guint            removed,
                   guint            added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  /* A take new at the top while the top is shown: shown (the list view
   * would keep the row that was first in place, the new one above it,
   * out of sight) */
  if (position == 0 && added > removed && n > added && vadjustment != NULL &&
      gtk_adjustment_get_value (vadjustment) < 1.0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);

  /* Nothing shown: the next takes to come in do so a few at a time (the
   * slice holds none, so shrinking it changes nothing shown) */
  if (n == 0)
    {
      stop_growing (self);
      gtk_slice_list_model_set_size (self->slice, GROW_STEP);
    }
  else
    grow (self);
}

static void
update_view (InbLibraryPanel *self)
{
  const char *view;

  if (self->library == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->library)) == 0)
    view = self->library != NULL && inb_library_get_loaded (self->library) ? "empty" : "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0)
    view = "no-match";
  else
    view = "list";

  gtk_stack_set_visible_child_name (self->stack, view);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (view, "loading"));
}

static void
update_filter_button (InbLibraryPanel *self)
{
  gboolean filtered = gtk_drop_down_get_selected (self->backend_dropdown) > 0 ||
                      gtk_drop_down_get_selected (self->state_dropdown) > 0;

  if (filtered)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "filtered");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "filtered");
}

void
inb_library_panel_refilter (InbLibraryPanel *self)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));

  if (self->filter == NULL)
    return;

  hold_back (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  update_view (self);
}

static void
filters_changed_cb (InbLibraryPanel *self)
{
  self->state = (InbStateFilter) gtk_drop_down_get_selected (self->state_dropdown);
  self->oldest_first = gtk_drop_down_get_selected (self->order_dropdown) == 1;
  update_filter_button (self);
  inb_library_panel_refilter (self);
}

static void
search_changed_cb (InbLibraryPanel *self,
                   GtkSearchEntry  *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_free (self->search);
  self->search = text != NULL && *text != '\0' ? g_utf8_casefold (text, -1) : NULL;
  if (self->filter != NULL)
    {
      hold_back (self);
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
    }
  update_view (self);
}

void
inb_library_panel_set_search (InbLibraryPanel *self,
                              const char      *text)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* At once, not after the entry's typing delay */
  search_changed_cb (self, self->search_entry);
}

void
inb_library_panel_set_starred_only (InbLibraryPanel *self,
                                    gboolean         starred_only)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  gtk_toggle_button_set_active (self->starred_button, starred_only);
}

void
inb_library_panel_set_backend_filter (InbLibraryPanel *self,
                                      const char      *backend_id)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));

  for (guint i = 0; self->backend_ids != NULL && i < self->backend_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->backend_ids, i), backend_id) == 0)
      {
        gtk_drop_down_set_selected (self->backend_dropdown, i);
        return;
      }

  g_warning ("No backend “%s” to filter by", backend_id);
}

void
inb_library_panel_set_oldest_first (InbLibraryPanel *self,
                                    gboolean         oldest_first)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  gtk_drop_down_set_selected (self->order_dropdown, oldest_first ? 1 : 0);
}

void
inb_library_panel_set_state_filter (InbLibraryPanel *self,
                                    InbStateFilter   filter)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  gtk_drop_down_set_selected (self->state_dropdown, filter);
}

void
inb_library_panel_set_group_filter (InbLibraryPanel *self,
                                    const char      *group)
{
  g_autofree char *label = NULL;

  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));

  if (g_strcmp0 (group, self->group) == 0)
    return;

  g_free (self->group);
  self->group = g_strdup (group);

  if (group != NULL)
    {
      GPtrArray *members = self->groups != NULL ? g_hash_table_lookup (self->groups, group) : NULL;
      guint n = members != NULL ? members->len : 0;

      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u variation made together",
                                            "%u variations made together", n), n);
      gtk_label_set_label (self->group_label, label);
    }
  gtk_revealer_set_reveal_child (self->group_revealer, group != NULL);
  inb_library_panel_refilter (self);
}

void
inb_library_panel_clear_filters (InbLibraryPanel *self)
{
  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));

  g_clear_pointer (&self->group, g_free);
  gtk_revealer_set_reveal_child (self->group_revealer, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search, g_free);
  gtk_toggle_button_set_active (self->starred_button, FALSE);
  gtk_drop_down_set_selected (self->backend_dropdown, 0);
  gtk_drop_down_set_selected (self->state_dropdown, 0);
  filters_changed_cb (self);
}

static void
clear_clicked_cb (InbLibraryPanel *self)
{
  inb_library_panel_clear_filters (self);
}

static void
show_all_clicked_cb (InbLibraryPanel *self)
{
  inb_library_panel_set_group_filter (self, NULL);
}

/* Variations: the groups ------------------------------------------------------ */

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  gint64 ca = inb_take_entry_get_created (*(InbTakeEntry **) a);
  gint64 cb = inb_take_entry_get_created (*(InbTakeEntry **) b);

  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

static void
set_row_group (InbLibraryPanel *self,
               InbTakeRow      *row)
{
  InbTakeEntry *entry = inb_take_row_get_entry (row);
  const char *group = entry != NULL ? inb_take_entry_get_group (entry) : NULL;
  GPtrArray *members = group != NULL && self->groups != NULL ? g_hash_table_lookup (self->groups, group) : NULL;
  guint index = 0;

  if (members != NULL && members->len > 1 && g_ptr_array_find (members, entry, &index))
    inb_take_row_set_group (row, index + 1, members->len);
  else
    inb_take_row_set_group (row, 0, 0);
}

static gboolean
rebuild_groups_cb (gpointer user_data)
{
  InbLibraryPanel *self = user_data;
  GListModel *model = G_LIST_MODEL (self->library);
  GHashTableIter iter;
  gpointer row;

  self->groups_id = 0;
  g_hash_table_remove_all (self->groups);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(InbTakeEntry) entry = g_list_model_get_item (model, i);
      const char *group = inb_take_entry_get_group (entry);
      GPtrArray *members;

      if (group == NULL)
        continue;

      members = g_hash_table_lookup (self->groups, group);
      if (members == NULL)
        {
          members = g_ptr_array_new ();
          g_hash_table_insert (self->groups, g_strdup (group), members);
        }
      g_ptr_array_add (members, entry);   /* the library keeps it */
    }

  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    g_ptr_array_sort ((GPtrArray *) row, compare_created);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    set_row_group (self, row);

  return G_SOURCE_REMOVE;
}

guint
inb_library_panel_count_group (InbLibraryPanel *self,
                               InbTakeEntry    *entry)
{
  GPtrArray *members;

  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), 1);
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), 1);

  if (inb_take_entry_get_group (entry) == NULL || self->groups == NULL)
    return 1;

  members = g_hash_table_lookup (self->groups, inb_take_entry_get_group (entry));
  if (members == NULL || !g_ptr_array_find (members, entry, NULL))
    {
      /* Its group came after the last count (a take records its group
       * once made): counted again now */
      g_clear_handle_id (&self->groups_id, g_source_remove);
      rebuild_groups_cb (self);
      members = g_hash_table_lookup (self->groups, inb_take_entry_get_group (entry));
    }
  return members != NULL ? MAX (members->len, 1) : 1;
}

static void
library_changed_cb (InbLibraryPanel *self)
{
  /* Several takes at once (variations): once */
  if (self->groups_id == 0)
    self->groups_id = g_idle_add (rebuild_groups_cb, self);
  update_view (self);
  /* The take picked to compare deleted: no longer picked */
  if (self->pick != NULL && inb_library_lookup (self->library, inb_take_entry_get_id (self->pick)) != self->pick)
    inb_library_panel_set_pick (self, NULL);
}

/* Rows -------------------------------------------------------------------------- */

typedef struct
{
  InbLibraryPanel *self;
  InbTakeEntry    *entry;
} Star;

static void
starred_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Star *star = user_data;
  g_autoptr(GError) error = NULL;

  if (!inb_library_edit_finish (INB_LIBRARY (object), result, &error))
    {
      InbTakeRow *row = inb_library_panel_find_row (star->self, star->entry);

      g_signal_emit (star->self, signals[PROBLEM], 0, error->message);
      if (row != NULL)
        inb_take_row_tick (row);   /* shows the star as it is */
    }
  else if (gtk_toggle_button_get_active (star->self->starred_button))
    inb_library_panel_refilter (star->self);

  g_object_unref (star->self);
  g_object_unref (star->entry);
  g_free (star);
}

static void
row_star_toggled_cb (InbTakeRow      *row,
                     gboolean         starred,
                     InbLibraryPanel *self)
{
  InbTakeEntry *entry = inb_take_row_get_entry (row);
  Star *star;

  if (entry == NULL || self->library == NULL)
    return;

  star = g_new0 (Star, 1);
  star->self = g_object_ref (self);
  star->entry = g_object_ref (entry);
  inb_library_set_starred_async (self->library, entry, starred, starred_cb, star);
}

static void
row_menu_requested_cb (InbTakeRow      *row,
                       InbLibraryPanel *self)
{
  GtkListItem *item = g_hash_table_lookup (self->bound, row);

  /* The menu acts on the selected take: its row's */
  if (item != NULL && gtk_list_item_get_position (item) != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          InbLibraryPanel          *self)
{
  GtkWidget *row = inb_take_row_new (self->session, self->cache, self->take_menu);

  g_signal_connect_object (row, "star-toggled", G_CALLBACK (row_star_toggled_cb), self, 0);
  g_signal_connect_object (row, "menu-requested", G_CALLBACK (row_menu_requested_cb), self, 0);
  gtk_list_item_set_child (item, row);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         InbLibraryPanel          *self)
{
  InbTakeRow *row = INB_TAKE_ROW (gtk_list_item_get_child (item));

  inb_take_row_set_entry (row, gtk_list_item_get_item (item));
  inb_take_row_set_picked (row, self->pick != NULL && gtk_list_item_get_item (item) == (gpointer) self->pick);
  set_row_group (self, row);
  g_hash_table_insert (self->bound, row, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           InbLibraryPanel          *self)
{
  InbTakeRow *row = INB_TAKE_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound, row);
  inb_take_row_set_picked (row, FALSE);
  inb_take_row_set_entry (row, NULL);
}

/**
 * inb_library_panel_refresh_ages:
 *
 * The ages ("12 min ago") of the rows in view read again (every
 * AGE_TICK_S): not the ~200 rows GtkListView keeps bound, each read in
 * full as before; a row coming into view reads its age then.
 *
 * Returns: how many rows read it (for tests)
 */
guint
inb_library_panel_refresh_ages (InbLibraryPanel *self)
{
  GHashTableIter iter;
  gpointer row;
  guint n = 0;

  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), 0);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    n += inb_take_row_refresh_age (row);

  return n;
}

static gboolean
tick_cb (gpointer user_data)
{
  inb_library_panel_refresh_ages (user_data);

  return G_SOURCE_CONTINUE;
}

/* Selection ------------------------------------------------------------------------ */

static void
selection_changed_cb (InbLibraryPanel *self)
{
  /* As with a list's selection: a plain click leaves one take chosen */
  inb_library_panel_set_pick (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static gboolean
comparable (InbTakeEntry *entry)
{
  return entry != NULL && inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_OK &&
         inb_take_entry_get_state (entry) == INB_JOB_DONE && inb_take_entry_get_has_clip (entry);
}

/**
 * inb_library_panel_get_pick:
 *
 * Returns: (transfer none) (nullable): the take Ctrl+clicked to compare
 *   with the selected one
 */
InbTakeEntry *
inb_library_panel_get_pick (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);
  return self->pick;
}

/**
 * inb_library_panel_set_pick:
 * @entry: (nullable): a finished take with a clip, not the selected one
 *
 * The second take, compared with the selected one (take.compare): its row
 * is marked B, and a bar under the list says which two and offers Compare.
 */
void
inb_library_panel_set_pick (InbLibraryPanel *self,
                            InbTakeEntry    *entry)
{
  InbTakeEntry *selected;
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  g_return_if_fail (entry == NULL || INB_IS_TAKE_ENTRY (entry));

  selected = inb_library_panel_get_selected (self);
  if (entry != NULL && (entry == selected || !comparable (entry) || !comparable (selected)))
    entry = NULL;
  if (!g_set_object (&self->pick, entry))
    return;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    inb_take_row_set_picked (row, entry != NULL && inb_take_row_get_entry (row) == entry);

  if (entry != NULL)
    {
      g_autofree char *a = inb_take_entry_dup_display_title (selected);
      g_autofree char *b = inb_take_entry_dup_display_title (entry);
      /* Translators: the two takes compared, as the compare window marks
       * them: A (the chosen take, "Take 3") and B (the one Ctrl+clicked) */
      g_autofree char *text = g_strdup_printf (_("A: %s · B: %s"), a, b);

      gtk_label_set_label (self->pick_label, text);
    }
  gtk_revealer_set_reveal_child (self->pick_revealer, entry != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICK]);
}

static void
unpick_clicked_cb (InbLibraryPanel *self)
{
  inb_library_panel_set_pick (self, NULL);
}

/* Ctrl+click on a row while another take is chosen: that one is B (again:
 * not any more), the choice stays. Other clicks are the list view's. */
static void
ctrl_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 InbLibraryPanel *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  InbTakeEntry *selected = inb_library_panel_get_selected (self);
  GtkWidget *picked;
  InbTakeEntry *entry;

  if ((state & GDK_CONTROL_MASK) == 0 || selected == NULL)
    return;

  picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  while (picked != NULL && !INB_IS_TAKE_ROW (picked))
    picked = gtk_widget_get_parent (picked);
  entry = picked != NULL ? inb_take_row_get_entry (INB_TAKE_ROW (picked)) : NULL;
  if (entry == NULL || entry == selected)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (entry == self->pick)
    inb_library_panel_set_pick (self, NULL);
  else if (comparable (entry) && comparable (selected))
    inb_library_panel_set_pick (self, entry);
  else
    {
      g_autofree char *title = inb_take_entry_dup_display_title (comparable (selected) ? entry : selected);
      /* Translators: %s is a take's title ("Take 4") */
      g_autofree char *text = g_strdup_printf (_("%s has no clip to compare"), title);

      g_signal_emit (self, signals[PROBLEM], 0, text);
    }
}

/**
 * inb_library_panel_get_selected:
 *
 * Returns: (transfer none) (nullable)
 */
InbTakeEntry *
inb_library_panel_get_selected (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);

  return self->selection != NULL ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

static guint
find_shown (InbLibraryPanel *self,
            InbTakeEntry    *entry)
{
  GListModel *model = G_LIST_MODEL (self->sorted);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(InbTakeEntry) shown = g_list_model_get_item (model, i);

      if (shown == entry)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

void
inb_library_panel_select (InbLibraryPanel *self,
                          InbTakeEntry    *entry)
{
  guint position;

  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  g_return_if_fail (entry == NULL || INB_IS_TAKE_ENTRY (entry));

  if (self->selection == NULL)
    return;

  if (entry == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  position = find_shown (self, entry);
  if (position == GTK_INVALID_LIST_POSITION)
    {
      /* Hidden by a filter: the filters give way */
      inb_library_panel_clear_filters (self);
      position = find_shown (self, entry);
    }
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  if (position >= gtk_slice_list_model_get_size (self->slice))
    grow_all (self);
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Set up ---------------------------------------------------------------------------- */

static void
fill_dropdowns (InbLibraryPanel *self)
{
  g_autoptr(GtkStringList) backends = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) orders = gtk_string_list_new (NULL);
  GListModel *registered = inb_backend_registry_get_backends (inb_session_get_registry (self->session));

  g_clear_pointer (&self->backend_ids, g_ptr_array_unref);
  self->backend_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->backend_ids, NULL);
  gtk_string_list_append (backends, _("All Backends"));
  for (guint i = 0; i < g_list_model_get_n_items (registered); i++)
    {
      g_autoptr(InbBackend) backend = g_list_model_get_item (registered, i);

      g_ptr_array_add (self->backend_ids, g_strdup (inb_backend_get_id (backend)));
      gtk_string_list_append (backends, inb_backend_get_short_name (backend));
    }

  /* In InbStateFilter's order */
  gtk_string_list_append (states, _("All States"));
  gtk_string_list_append (states, _("Being Made"));
  gtk_string_list_append (states, _("Done"));
  gtk_string_list_append (states, _("Failed"));
  gtk_string_list_append (states, _("Cancelled"));

  gtk_string_list_append (orders, _("Newest First"));
  gtk_string_list_append (orders, _("Oldest First"));

  gtk_drop_down_set_model (self->backend_dropdown, G_LIST_MODEL (backends));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (states));
  gtk_drop_down_set_model (self->order_dropdown, G_LIST_MODEL (orders));
}

static void
queue_job_finished_cb (InbLibraryPanel *self)
{
  /* A take that ended leaves the top, and may leave a state filter; its
   * group (variations) is in its record by now */
  inb_library_panel_refilter (self);
  if (self->groups_id == 0)
    self->groups_id = g_idle_add (rebuild_groups_cb, self);
}

void
inb_library_panel_set_session (InbLibraryPanel *self,
                               InbSession      *session)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  g_return_if_fail (INB_IS_LIBRARY_PANEL (self));
  g_return_if_fail (INB_IS_SESSION (session));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->library = g_object_ref (inb_session_get_library (session));

  fill_dropdowns (self);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->library)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (GTK_SORTER (self->sorter)));
  /* Empty for now: the takes come in a few rows at a time */
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)), 0, GROW_STEP);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->library, "items-changed", G_CALLBACK (library_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "notify::loaded", G_CALLBACK (library_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (sorted_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (inb_session_get_queue (session), "job-finished",
                           G_CALLBACK (queue_job_finished_cb), self, G_CONNECT_SWAPPED);

  rebuild_groups_cb (self);
  update_view (self);
}

const char *
inb_library_panel_get_view (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * inb_library_panel_get_shown:
 *
 * Returns: (transfer none): the takes shown, in order
 */
GListModel *
inb_library_panel_get_shown (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

/**
 * inb_library_panel_find_row:
 *
 * Returns: (transfer none) (nullable)
 */
InbTakeRow *
inb_library_panel_find_row (InbLibraryPanel *self,
                            InbTakeEntry    *entry)
{
  GHashTableIter iter;
  gpointer row;

  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (inb_take_row_get_entry (row) == entry)
      return row;

  return NULL;
}

InbThumbnailCache *
inb_library_panel_get_thumbnails (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), NULL);
  return self->cache;
}

gboolean
inb_library_panel_get_complete (InbLibraryPanel *self)
{
  g_return_val_if_fail (INB_IS_LIBRARY_PANEL (self), FALSE);
  return self->slice != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (self->slice)) == g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
}

GtkWidget *
inb_library_panel_new (void)
{
  return g_object_new (INB_TYPE_LIBRARY_PANEL, NULL);
}

static void
inb_library_panel_dispose (GObject *object)
{
  InbLibraryPanel *self = INB_LIBRARY_PANEL (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->groups_id, g_source_remove);
  stop_growing (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (inb_session_get_queue (self->session), self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_hash_table_remove_all (self->bound);

  G_OBJECT_CLASS (inb_library_panel_parent_class)->dispose (object);

  g_clear_object (&self->pick);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);
  g_clear_object (&self->library);
  g_clear_object (&self->session);
  g_clear_object (&self->cache);
  g_clear_object (&self->take_menu);
}

static void
inb_library_panel_finalize (GObject *object)
{
  InbLibraryPanel *self = INB_LIBRARY_PANEL (object);

  g_hash_table_destroy (self->bound);
  g_hash_table_destroy (self->groups);
  g_clear_pointer (&self->backend_ids, g_ptr_array_unref);
  g_free (self->search);
  g_free (self->group);

  G_OBJECT_CLASS (inb_library_panel_parent_class)->finalize (object);
}

static void
inb_library_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InbLibraryPanel *self = INB_LIBRARY_PANEL (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, inb_library_panel_get_selected (self));
      break;
    case PROP_PICK:
      g_value_set_object (value, self->pick);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_library_panel_class_init (InbLibraryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_library_panel_dispose;
  object_class->finalize = inb_library_panel_finalize;
  object_class->get_property = inb_library_panel_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, INB_TYPE_TAKE_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PICK] =
    g_param_spec_object ("pick", NULL, NULL, INB_TYPE_TAKE_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * InbLibraryPanel::problem:
   *
   * Something asked of a take did not happen (e.g. its star could not be
   * saved); the text says why.
   */
  signals[PROBLEM] =
    g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-library-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, starred_button);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, filter_button);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, backend_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, group_revealer);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, group_label);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, list_view);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, pick_revealer);
  gtk_widget_class_bind_template_child (widget_class, InbLibraryPanel, pick_label);
  gtk_widget_class_bind_template_callback (widget_class, unpick_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_all_clicked_cb);

  gtk_widget_class_set_css_name (widget_class, "librarypanel");
}

static void
inb_library_panel_init (InbLibraryPanel *self)
{
  GtkEventController *keys;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cache = inb_thumbnail_cache_new (THUMBNAILS_KEPT, THUMBNAIL_SIZE);
  {
    g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/inb-take-menu.ui");

    self->take_menu = g_object_ref (G_MENU_MODEL (gtk_builder_get_object (builder, "take_menu")));
  }
  self->bound = g_hash_table_new (NULL, NULL);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  g_signal_connect_object (self->backend_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->state_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->order_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);

  /* Delete deletes the selected take (with undo) */
  keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                          gtk_named_action_new ("take.delete")));
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);

  /* Ctrl+click picks a second take to compare (before the list view's own
   * click, which would choose it instead) */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (ctrl_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));

  self->tick_id = g_timeout_add_seconds (AGE_TICK_S, tick_cb, self);
}
