/* inb-compare-picker.c — "Compare with…": the second take for a compare
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A take chosen in the library is A; this small window lists every other
 * take that has a clip to be B. The takes of A's group (its re-rolls and
 * variations, what an artist compares most) come first, then the rest,
 * newest first, and the first of them is already chosen, so Enter
 * compares at once. A search narrows the list by prompt, title or note.
 * Choosing opens the compare window beside the main one and closes this.
 */
#define G_LOG_DOMAIN "inb-compare"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-compare-picker.h"
#include "inb-take-format.h"
#include "inb-thumbnail-cache.h"

#define THUMB_WIDTH 112
#define THUMB_HEIGHT 63

/* A row: the take's thumbnail, its name, what it was made with ------------- */

#define INB_TYPE_COMPARE_PICK_ROW (inb_compare_pick_row_get_type ())

G_DECLARE_FINAL_TYPE (InbComparePickRow, inb_compare_pick_row, INB, COMPARE_PICK_ROW, GtkWidget)

struct _InbComparePickRow
{
  GtkWidget          parent_instance;

  InbThumbnailCache *cache;
  GCancellable      *cancellable;
  char              *thumbnail_for;
  GtkPicture        *thumbnail;
  GtkLabel          *title;
  GtkLabel          *backend;
  GtkLabel          *detail;
  GtkLabel          *tag;
};

G_DEFINE_FINAL_TYPE (InbComparePickRow, inb_compare_pick_row, GTK_TYPE_WIDGET)

static void
inb_compare_pick_row_dispose (GObject *object)
{
  InbComparePickRow *self = INB_COMPARE_PICK_ROW (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->thumbnail_for, g_free);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (inb_compare_pick_row_parent_class)->dispose (object);
}

static void
inb_compare_pick_row_class_init (InbComparePickRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_compare_pick_row_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "compare-pick-row");
}

static void
inb_compare_pick_row_init (InbComparePickRow *self)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);

  self->thumbnail = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->thumbnail, TRUE);
  gtk_picture_set_content_fit (self->thumbnail, GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (GTK_WIDGET (self->thumbnail), THUMB_WIDTH, THUMB_HEIGHT);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->thumbnail));
  gtk_widget_add_css_class (frame, "compare-pick-thumbnail");
  gtk_widget_set_valign (frame, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (frame, GTK_WIDGET (self));

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->title));

  self->tag = GTK_LABEL (gtk_label_new (_("Same Shot")));
  gtk_widget_add_css_class (GTK_WIDGET (self->tag), "take-badge");
  gtk_widget_add_css_class (GTK_WIDGET (self->tag), "running");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tag),
                               _("A re-roll or variation of the same keyframes and settings"));
  gtk_widget_set_valign (GTK_WIDGET (self->tag), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->tag));
  gtk_box_append (GTK_BOX (text), line);

  self->backend = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->backend, 0);
  gtk_label_set_ellipsize (self->backend, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->backend), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->backend), "caption");
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (self->backend));

  self->detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->detail, 0);
  gtk_label_set_ellipsize (self->detail, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "caption");
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (self->detail));

  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_parent (text, GTK_WIDGET (self));
}

static void
row_thumbnail_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(InbComparePickRow) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = inb_thumbnail_cache_load_finish (INB_THUMBNAIL_CACHE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (texture == NULL)
    g_debug ("No thumbnail: %s", error->message);
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
}

static void
inb_compare_pick_row_bind (InbComparePickRow *self,
                           InbSession        *session,
                           InbTakeEntry      *entry,
                           gboolean           same_group)
{
  g_autofree char *title = inb_take_entry_dup_display_title (entry);
  g_autofree char *backend = NULL;
  g_autofree char *age = inb_take_format_age (inb_take_entry_get_created (entry), g_get_real_time ());
  g_autofree char *path = inb_take_entry_dup_thumbnail_path (entry);
  g_autoptr(GString) detail = g_string_new (NULL);
  GdkTexture *kept;

  if (session != NULL)
    backend = inb_take_format_backend (session, inb_take_entry_get_backend_id (entry),
                                       inb_take_entry_get_model_id (entry));
  else
    backend = g_strdup (inb_take_entry_get_model_id (entry));

  gtk_label_set_label (self->title, title);
  gtk_widget_set_visible (GTK_WIDGET (self->tag), same_group);

  gtk_label_set_label (self->backend, backend);
  if (inb_take_entry_get_duration (entry) > 0)
    {
      g_autofree char *duration = inb_take_format_duration (inb_take_entry_get_duration (entry));

      g_string_append_printf (detail, "%s · ", duration);
    }
  if (inb_take_entry_get_seed (entry) >= 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, inb_take_entry_get_seed (entry));

      /* Translators: the seed a take was made with, as in "seed 4821" */
      g_string_append_printf (detail, _("seed %s"), number);
      g_string_append (detail, " · ");
    }
  g_string_append (detail, age);
  gtk_label_set_label (self->detail, detail->str);
  if (inb_take_entry_get_prompt (entry) != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), inb_take_entry_get_prompt (entry));

  if (g_strcmp0 (path, self->thumbnail_for) == 0)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->thumbnail_for);
  self->thumbnail_for = g_strdup (path);

  kept = inb_thumbnail_cache_lookup (self->cache, path);
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (kept));
  if (kept == NULL)
    {
      self->cancellable = g_cancellable_new ();
      inb_thumbnail_cache_load_async (self->cache, path, self->cancellable, row_thumbnail_cb,
                                      g_object_ref (self));
    }
}

/* The window ---------------------------------------------------------------- */

struct _InbComparePicker
{
  AdwWindow           parent_instance;

  InbSession         *session;
  InbTakeEntry       *a;
  char               *query;        /* casefolded */
  InbThumbnailCache  *cache;

  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  GtkStack           *stack;
  GtkSearchEntry     *search;
  GtkWidget          *compare_button;
};

G_DEFINE_FINAL_TYPE (InbComparePicker, inb_compare_picker, ADW_TYPE_WINDOW)

static gboolean
same_group (InbTakeEntry *a,
            InbTakeEntry *b)
{
  const char *group = inb_take_entry_get_group (a);

  return group != NULL && g_strcmp0 (group, inb_take_entry_get_group (b)) == 0;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  InbComparePicker *self = user_data;
  InbTakeEntry *entry = item;

  return entry != self->a &&
         inb_take_entry_get_state (entry) == INB_JOB_DONE &&
         inb_take_entry_get_has_clip (entry) &&
         inb_take_entry_get_condition (entry) == INB_TAKE_CONDITION_OK &&
         inb_take_entry_matches_text (entry, self->query);
}

/* The takes of A's group first; within each part, the newest first */
static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  InbComparePicker *self = user_data;
  InbTakeEntry *x = (InbTakeEntry *) a;
  InbTakeEntry *y = (InbTakeEntry *) b;
  gboolean gx = same_group (self->a, x);
  gboolean gy = same_group (self->a, y);
  gint64 cx, cy;

  if (gx != gy)
    return gx ? -1 : 1;
  cx = inb_take_entry_get_created (x);
  cy = inb_take_entry_get_created (y);
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return g_strcmp0 (inb_take_entry_get_id (x), inb_take_entry_get_id (y));
}

static void
update_state (InbComparePicker *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "list" : "empty");
  gtk_widget_set_sensitive (self->compare_button,
                            gtk_single_selection_get_selected_item (self->selection) != NULL);
}

static void
search_changed_cb (InbComparePicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));

  g_free (self->query);
  self->query = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          InbComparePicker         *self)
{
  InbComparePickRow *row = g_object_new (INB_TYPE_COMPARE_PICK_ROW, NULL);

  row->cache = g_object_ref (self->cache);
  gtk_list_item_set_child (item, GTK_WIDGET (row));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         InbComparePicker         *self)
{
  InbTakeEntry *entry = gtk_list_item_get_item (item);

  inb_compare_pick_row_bind (INB_COMPARE_PICK_ROW (gtk_list_item_get_child (item)), self->session,
                             entry, same_group (self->a, entry));
}

/**
 * inb_compare_picker_dup_label:
 *
 * Returns: (transfer full): how a take is named in the compare window:
 *   "Take 12 · seed 4821", or its title alone when it has no seed
 */
char *
inb_compare_picker_dup_label (InbTakeEntry *entry)
{
  g_autofree char *title = NULL;
  g_autofree char *seed = NULL;

  g_return_val_if_fail (INB_IS_TAKE_ENTRY (entry), NULL);

  title = inb_take_entry_dup_display_title (entry);
  if (inb_take_entry_get_seed (entry) < 0)
    return g_steal_pointer (&title);

  seed = g_strdup_printf ("%" G_GINT64_FORMAT, inb_take_entry_get_seed (entry));
  /* Translators: a take's name and the seed it was made with, as in "Take 12 · seed 4821" */
  return g_strdup_printf (_("%s · seed %s"), title, seed);
}

/**
 * inb_compare_picker_choose:
 * @b: the take to compare with A
 *
 * Opens the compare window on A and @b (beside the window the picker
 * belongs to) and closes the picker.
 *
 * Returns: (transfer none): the compare window
 */
InbCompareWindow *
inb_compare_picker_choose (InbComparePicker *self,
                           InbTakeEntry     *b)
{
  g_autofree char *clip_a = NULL;
  g_autofree char *clip_b = NULL;
  g_autofree char *label_a = NULL;
  g_autofree char *label_b = NULL;
  g_autoptr(GFile) file_a = NULL;
  g_autoptr(GFile) file_b = NULL;
  GtkWindow *parent;
  InbCompareWindow *window;

  g_return_val_if_fail (INB_IS_COMPARE_PICKER (self), NULL);
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (b), NULL);

  clip_a = inb_take_entry_dup_clip_path (self->a);
  clip_b = inb_take_entry_dup_clip_path (b);
  file_a = g_file_new_for_path (clip_a);
  file_b = g_file_new_for_path (clip_b);
  label_a = inb_compare_picker_dup_label (self->a);
  label_b = inb_compare_picker_dup_label (b);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  window = inb_compare_window_present (parent, file_a, label_a, file_b, label_b);
  gtk_window_destroy (GTK_WINDOW (self));

  return window;
}

static void
compare_selected (InbComparePicker *self)
{
  InbTakeEntry *b = gtk_single_selection_get_selected_item (self->selection);

  if (b != NULL)
    inb_compare_picker_choose (self, b);
}

static void
activate_cb (InbComparePicker *self,
             guint             position)
{
  g_autoptr(InbTakeEntry) b = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (b != NULL)
    inb_compare_picker_choose (self, b);
}

static void
inb_compare_picker_dispose (GObject *object)
{
  InbComparePicker *self = INB_COMPARE_PICKER (object);

  g_clear_object (&self->cache);

  G_OBJECT_CLASS (inb_compare_picker_parent_class)->dispose (object);
}

/* What the filter and sorter read is kept until the models that call them
 * are gone with the list */
static void
inb_compare_picker_finalize (GObject *object)
{
  InbComparePicker *self = INB_COMPARE_PICKER (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->session);
  g_clear_object (&self->a);
  g_clear_pointer (&self->query, g_free);

  G_OBJECT_CLASS (inb_compare_picker_parent_class)->finalize (object);
}

static void
inb_compare_picker_class_init (InbComparePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_compare_picker_dispose;
  object_class->finalize = inb_compare_picker_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
inb_compare_picker_init (InbComparePicker *self)
{
  self->cache = inb_thumbnail_cache_new (64, THUMB_WIDTH * 2);
  gtk_window_set_title (GTK_WINDOW (self), _("Compare With…"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 560);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
}

/* Builds the window once A and the takes are known */
static void
build (InbComparePicker *self,
       GListModel       *takes)
{
  g_autofree char *title_a = inb_take_entry_dup_display_title (self->a);
  g_autofree char *subtitle = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list;
  GtkWidget *empty;
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;

  /* Translators: %s is the take being compared, as in "Take 12" */
  subtitle = g_strdup_printf (_("A is %s; choose B"), title_a);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Compare With…"), subtitle));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->compare_button = gtk_button_new_with_mnemonic (_("C_ompare"));
  gtk_widget_add_css_class (self->compare_button, "suggested-action");
  g_signal_connect_swapped (self->compare_button, "clicked", G_CALLBACK (compare_selected), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->compare_button);
  gtk_box_append (GTK_BOX (box), header);

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search prompts, titles and notes"), NULL);
  gtk_widget_set_margin_top (GTK_WIDGET (self->search), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->search), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self->search), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->search), 12);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (compare_selected), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (takes), GTK_FILTER (g_object_ref (self->filter)));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                    GTK_SORTER (gtk_custom_sorter_new (sort_func, self, NULL)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), FALSE);
  gtk_widget_add_css_class (list, "navigation-sidebar");
  gtk_widget_add_css_class (list, "compare-pick-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Takes to compare with"), -1);
  g_signal_connect_swapped (list, "activate", G_CALLBACK (activate_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "edit-find-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Other Take to Compare"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Only finished takes with a clip can be compared. Make another take, or change the search."));
  gtk_widget_add_css_class (empty, "compact");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->stack));
  gtk_widget_set_vexpand (clamp, TRUE);
  gtk_box_append (GTK_BOX (box), clamp);

  adw_window_set_content (ADW_WINDOW (self), box);
  update_state (self);
}

/**
 * inb_compare_picker_present:
 * @parent: the main window (the compare window opens beside it)
 * @session: (nullable): names the backends and models
 * @takes: the library, a #GListModel of #InbTakeEntry
 * @a: the take chosen in the library: A
 *
 * Returns: (transfer none): the picker, destroyed when it closes
 */
InbComparePicker *
inb_compare_picker_present (GtkWindow    *parent,
                            InbSession   *session,
                            GListModel   *takes,
                            InbTakeEntry *a)
{
  InbComparePicker *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (!session || INB_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (takes), NULL);
  g_return_val_if_fail (INB_IS_TAKE_ENTRY (a), NULL);

  self = g_object_new (INB_TYPE_COMPARE_PICKER, NULL);
  self->a = g_object_ref (a);
  if (session != NULL)
    self->session = g_object_ref (session);
  build (self, takes);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);

  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search));

  return self;
}

/**
 * inb_compare_picker_get_model:
 *
 * Returns: (transfer none): the takes offered, in the order shown (a
 *   #GtkSingleSelection; its selected item is what Compare opens)
 */
GListModel *
inb_compare_picker_get_model (InbComparePicker *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_PICKER (self), NULL);

  return G_LIST_MODEL (self->selection);
}
