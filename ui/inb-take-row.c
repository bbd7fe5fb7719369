/* inb-take-row.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView makes a dozen of these and binds them to the takes being
 * shown: everything here follows the bound InbTakeEntry's notifications,
 * and the thumbnail is asked for while the row is mapped: GtkListView
 * keeps up to 200 rows bound but maps only those in view. It is cancelled
 * when the row leaves the view or is unbound.
 *
 * The tooltips (labels and buttons) are answered on "query-tooltip" from
 * the texts kept here: gtk_widget_set_tooltip_text() asks the display
 * where the pointer is (an X round trip) every time, a bind set six of
 * them and the template three more per row made.
 */
#define G_LOG_DOMAIN "inb-take-row"

#include "config.h"

#include <glib/gi18n.h>

#include "inb-resources.h"
#include "inb-take-format.h"
#include "inb-take-row.h"

/* The widgets whose tooltips are answered on demand */
enum {
  TIP_TITLE,
  TIP_PROMPT,
  TIP_STATUS,
  TIP_FIDELITY,
  TIP_META,
  TIP_STAR,
  TIP_CANCEL,
  TIP_MENU,
  N_TIPS
};

struct _InbTakeRow
{
  AdwBin             parent_instance;

  InbSession        *session;
  InbThumbnailCache *cache;
  GMenuModel        *menu;
  InbTakeEntry      *entry;
  GCancellable      *thumbnail_cancellable;
  char              *thumbnail_for;   /* path shown or being loaded */
  guint              tick_id;
  guint              group_index;
  guint              group_count;
  gboolean           updating;
  gboolean           in_view;         /* mapped: decode */
  guint              in_view_id;      /* mapped a moment ago */
  guint              drop_menu_id;    /* the closed menu, dropped in a moment */
  gboolean           disposed;
  char              *tips[N_TIPS];

  /* Template Widgets */
  GtkImage          *placeholder;
  GtkPicture        *thumbnail;
  GtkLabel          *duration_label;
  GtkLabel          *title_label;
  GtkLabel          *time_label;
  GtkLabel          *prompt_label;
  GtkLabel          *badge;
  GtkLabel          *status_label;
  GtkLabel          *fidelity_badge;
  GtkProgressBar    *progress;
  GtkWidget         *progress_box;
  GtkLabel          *eta_label;       /* a take being made: beside its progress */
  GtkLabel          *meta_label;
  GtkToggleButton   *star_button;
  GtkButton         *cancel_button;
  GtkMenuButton     *menu_button;
};

G_DEFINE_FINAL_TYPE (InbTakeRow, inb_take_row, ADW_TYPE_BIN)

enum {
  STAR_TOGGLED,
  MENU_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const state_classes[] = { "running", "done", "failed", "cancelled", "warning", "newer" };

static void inb_take_row_update (InbTakeRow *self);

/* Thumbnail ----------------------------------------------------------------- */

static void
show_thumbnail (InbTakeRow *self,
                GdkTexture *texture)
{
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), texture != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), texture == NULL);
}

static void
thumbnail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(InbTakeRow) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = inb_thumbnail_cache_load_finish (INB_THUMBNAIL_CACHE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->thumbnail_cancellable);
  if (texture == NULL)
    {
      /* No thumbnail (yet): asked again when the take changes */
      g_clear_pointer (&self->thumbnail_for, g_free);
      g_debug ("No thumbnail: %s", error->message);
    }
  show_thumbnail (self, texture);
}

static void
cancel_thumbnail (InbTakeRow *self)
{
  if (self->thumbnail_cancellable != NULL)
    g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
}

static void
load_thumbnail (InbTakeRow *self)
{
  g_autofree char *path = NULL;
  GdkTexture *kept;

  /* Only a take with a clip has a thumbnail */
  if (self->entry == NULL || inb_take_entry_get_state (self->entry) != INB_JOB_DONE)
    {
      cancel_thumbnail (self);
      g_clear_pointer (&self->thumbnail_for, g_free);
      show_thumbnail (self, NULL);
      return;
    }

  path = inb_take_entry_dup_thumbnail_path (self->entry);
  if (g_strcmp0 (path, self->thumbnail_for) == 0)
    return;   /* shown, or on its way */

  /* One decoded already is shown at once, in view or not */
  kept = inb_thumbnail_cache_lookup (self->cache, path);
  if (kept != NULL)
    {
      cancel_thumbnail (self);
      g_free (self->thumbnail_for);
      self->thumbnail_for = g_strdup (path);
      show_thumbnail (self, kept);
      return;
    }

  cancel_thumbnail (self);
  g_clear_pointer (&self->thumbnail_for, g_free);
  show_thumbnail (self, NULL);
  if (!self->in_view)
    return;   /* decoded when it comes into view */

  self->thumbnail_for = g_strdup (path);
  self->thumbnail_cancellable = g_cancellable_new ();
  inb_thumbnail_cache_load_async (self->cache, path, self->thumbnail_cancellable,
                                  thumbnail_loaded_cb, g_object_ref (self));
}

/* What it says ------------------------------------------------------------- */

static void
set_tip (InbTakeRow *self,
         guint       tip,
         const char *text)
{
  g_free (self->tips[tip]);
  self->tips[tip] = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static GtkWidget *
tip_widget (InbTakeRow *self,
            guint       tip)
{
  GtkWidget *widgets[N_TIPS] = { GTK_WIDGET (self->title_label), GTK_WIDGET (self->prompt_label),
                                 GTK_WIDGET (self->status_label), GTK_WIDGET (self->fidelity_badge),
                                 GTK_WIDGET (self->meta_label), GTK_WIDGET (self->star_button),
                                 GTK_WIDGET (self->cancel_button), GTK_WIDGET (self->menu_button) };

  return widgets[tip];
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  InbTakeRow *self)
{
  for (guint i = 0; i < N_TIPS; i++)
    if (tip_widget (self, i) == widget)
      {
        if (self->tips[i] == NULL)
          return FALSE;
        gtk_tooltip_set_text (tooltip, self->tips[i]);
        return TRUE;
      }

  return FALSE;
}

static gboolean
tick_cb (gpointer user_data)
{
  InbTakeRow *self = user_data;

  inb_take_row_update (self);

  return self->tick_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
update_time (InbTakeRow *self)
{
  InbJob *job = inb_take_entry_get_job (self->entry);
  g_autofree char *text = NULL;

  if (job != NULL && inb_take_entry_is_active (self->entry))
    {
      g_autofree char *elapsed = inb_take_format_seconds (inb_job_get_elapsed (job));
      double eta = inb_job_get_eta (job);

      if (eta >= 0)
        {
          g_autofree char *left = inb_job_format_time_left (eta);

          /* Translators: elapsed time, then the estimated time left ("about 13 min") */
          text = g_strdup_printf (_("%s · %s left"), elapsed, left);
        }
      else
        text = g_steal_pointer (&elapsed);

      if (self->tick_id == 0)
        self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
      /* beside the progress bar: the title keeps its line ("Take 40", not
       * "Ta…" beside "0:02 · about 20 s left") */
      gtk_label_set_label (self->eta_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->time_label), FALSE);
      return;
    }

  g_clear_handle_id (&self->tick_id, g_source_remove);
  text = inb_take_format_age (inb_take_entry_get_created (self->entry), g_get_real_time ());
  gtk_label_set_label (self->time_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), TRUE);
}

static void
inb_take_row_update (InbTakeRow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;
  g_autofree char *status_tip = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *backend = NULL;
  g_autofree char *fidelity = NULL;
  g_autofree char *fidelity_tip = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *cancel_label = NULL;
  const char *prompt;
  const char *note;
  const char *state_class;
  const char *star_tip;
  gboolean active;
  gboolean failed;

  if (self->entry == NULL)
    return;

  self->updating = TRUE;

  title = inb_take_entry_dup_display_title (self->entry);
  gtk_label_set_label (self->title_label, title);
  set_tip (self, TIP_TITLE, inb_take_entry_get_dir (self->entry));

  prompt = inb_take_entry_get_prompt (self->entry);
  note = inb_take_entry_get_note (self->entry);
  gtk_label_set_label (self->prompt_label, prompt != NULL ? prompt : _("No prompt"));
  set_tip (self, TIP_PROMPT, note != NULL ? note : prompt);
  if (prompt == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->prompt_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->prompt_label), "dim-label");

  gtk_label_set_label (self->badge, inb_take_format_state (self->entry));
  state_class = inb_take_format_state_class (self->entry);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    if (!g_str_equal (state_classes[i], state_class))
      gtk_widget_remove_css_class (GTK_WIDGET (self->badge), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), state_class);

  active = inb_take_entry_is_active (self->entry) &&
           inb_take_entry_get_condition (self->entry) == INB_TAKE_CONDITION_OK;
  failed = g_str_equal (state_class, "failed") || g_str_equal (state_class, "warning");
  status = inb_take_format_status (self->entry, &status_tip);
  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *status != '\0');
  set_tip (self, TIP_STATUS, status_tip);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (failed || active)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");

  fidelity = inb_take_format_fidelity (self->entry, &fidelity_tip);
  gtk_widget_set_visible (GTK_WIDGET (self->fidelity_badge), fidelity != NULL);
  if (fidelity != NULL)
    {
      gtk_label_set_label (self->fidelity_badge, fidelity);
      set_tip (self, TIP_FIDELITY, fidelity_tip);
      if (inb_take_entry_get_drift (self->entry))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->fidelity_badge), "drift");
          gtk_widget_remove_css_class (GTK_WIDGET (self->fidelity_badge), "holds");
        }
      else
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->fidelity_badge), "holds");
          gtk_widget_remove_css_class (GTK_WIDGET (self->fidelity_badge), "drift");
        }
    }

  backend = inb_take_format_backend (self->session, inb_take_entry_get_backend_id (self->entry),
                                     inb_take_entry_get_model_id (self->entry));
  if (self->group_count > 1)
    /* Translators: backend and model, then "variation 2 of 4" */
    meta = g_strdup_printf (_("%s · variation %u of %u"), backend, self->group_index, self->group_count);
  else
    meta = g_steal_pointer (&backend);
  {
    g_autofree char *shown = inb_take_format_join_phrases (meta);

    gtk_label_set_label (self->meta_label, shown);
  }
  set_tip (self, TIP_META, meta);

  gtk_widget_set_visible (self->progress_box, active);
  if (active)
    {
      double fraction = inb_take_entry_get_fraction (self->entry);

      if (fraction > 0)
        gtk_progress_bar_set_fraction (self->progress, fraction);
      else
        gtk_progress_bar_pulse (self->progress);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button),
                          active && inb_take_entry_get_job (self->entry) != NULL);
  /* Translators: %s is "Take 12" */
  cancel_label = g_strdup_printf (_("Cancel %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cancel_label, -1);

  if (inb_take_entry_get_duration (self->entry) > 0)
    duration = inb_take_format_duration (inb_take_entry_get_duration (self->entry));
  gtk_label_set_label (self->duration_label, duration);
  gtk_widget_set_visible (GTK_WIDGET (self->duration_label), duration != NULL);

  gtk_toggle_button_set_active (self->star_button, inb_take_entry_get_starred (self->entry));
  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            inb_take_entry_get_starred (self->entry) ? "starred-symbolic" : "non-starred-symbolic");
  star_tip = inb_take_entry_get_starred (self->entry) ? _("Unstar") : _("Star");
  set_tip (self, TIP_STAR, star_tip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->star_button),
                            inb_take_entry_get_condition (self->entry) == INB_TAKE_CONDITION_OK);

  update_time (self);
  load_thumbnail (self);

  self->updating = FALSE;
}

void
inb_take_row_tick (InbTakeRow *self)
{
  g_return_if_fail (INB_IS_TAKE_ROW (self));

  inb_take_row_update (self);
}

void
inb_take_row_set_group (InbTakeRow *self,
                        guint       index,
                        guint       count)
{
  g_return_if_fail (INB_IS_TAKE_ROW (self));

  if (self->group_index == index && self->group_count == count)
    return;

  self->group_index = index;
  self->group_count = count;
  inb_take_row_update (self);
}

void
inb_take_row_set_entry (InbTakeRow   *self,
                        InbTakeEntry *entry)
{
  g_return_if_fail (INB_IS_TAKE_ROW (self));
  g_return_if_fail (entry == NULL || INB_IS_TAKE_ENTRY (entry));

  if (self->entry == entry)
    return;

  if (self->entry != NULL)
    g_signal_handlers_disconnect_by_data (self->entry, self);
  /* Rebound in view: decodes at once (no new map comes) */
  self->in_view = gtk_widget_get_mapped (GTK_WIDGET (self)) && self->in_view_id == 0;
  cancel_thumbnail (self);
  g_clear_pointer (&self->thumbnail_for, g_free);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_set_object (&self->entry, entry);
  self->group_index = 0;
  self->group_count = 0;

  if (entry == NULL)
    {
      show_thumbnail (self, NULL);
      return;
    }

  /* Every property of an entry notifies */
  g_signal_connect_object (entry, "notify", G_CALLBACK (inb_take_row_update), self, G_CONNECT_SWAPPED);
  inb_take_row_update (self);
}

InbTakeEntry *
inb_take_row_get_entry (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return self->entry;
}

/* Star, Cancel, menu ------------------------------------------------------- */

static void
star_toggled_cb (InbTakeRow      *self,
                 GtkToggleButton *button)
{
  if (self->updating || self->entry == NULL)
    return;

  g_signal_emit (self, signals[STAR_TOGGLED], 0, gtk_toggle_button_get_active (button));
}

static void
cancel_clicked_cb (InbTakeRow *self,
                   GtkButton  *button)
{
  if (self->entry != NULL && inb_take_entry_get_job (self->entry) != NULL)
    inb_job_cancel (inb_take_entry_get_job (self->entry));
}

static gboolean
drop_menu_cb (gpointer user_data)
{
  InbTakeRow *self = user_data;
  GtkPopover *popover = gtk_menu_button_get_popover (self->menu_button);

  self->drop_menu_id = 0;
  if (popover != NULL && !gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_menu_button_set_popover (self->menu_button, NULL);

  return G_SOURCE_REMOVE;
}

static void
menu_closed_cb (InbTakeRow *self)
{
  /* Made again the next time: a row keeps no menu. Not at once: an item
   * closes the menu first and then activates its action, which it finds
   * through the menu's parent; a menu taken away here leaves it none, and
   * the item did nothing. Nor once the row is going: its menu closes as
   * its children go, and the row can no longer be held. */
  if (self->disposed || self->drop_menu_id != 0)
    return;
  self->drop_menu_id = g_idle_add (drop_menu_cb, self);
}

/* The menu is made when it opens (rows are many and made often) */
static void
create_menu_cb (GtkMenuButton *button,
                gpointer       user_data)
{
  InbTakeRow *self = user_data;
  GtkWidget *popover;

  g_signal_emit (self, signals[MENU_REQUESTED], 0);

  popover = gtk_popover_menu_new_from_model (self->menu);
  g_signal_connect_object (popover, "closed", G_CALLBACK (menu_closed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_menu_button_set_popover (button, popover);
}

static void
secondary_pressed_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      InbTakeRow      *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (self->menu_button);
}

/* Drag the clip out --------------------------------------------------------- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 InbTakeRow    *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  GdkContentProvider *providers[2];
  GSList *files;
  GdkFileList *list;

  if (self->entry == NULL || !inb_take_entry_get_has_clip (self->entry))
    return NULL;

  path = inb_take_entry_dup_clip_path (self->entry);
  file = g_file_new_for_path (path);
  files = g_slist_prepend (NULL, file);
  list = gdk_file_list_new_from_list (files);
  g_slist_free (files);

  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_FILE, file);
  g_boxed_free (GDK_TYPE_FILE_LIST, list);

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               InbTakeRow    *self)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (self->thumbnail);

  if (paintable != NULL)
    gtk_drag_source_set_icon (source, paintable, 0, 0);
}

/* Life ---------------------------------------------------------------------- */

static void
inb_take_row_dispose (GObject *object)
{
  InbTakeRow *self = INB_TAKE_ROW (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->drop_menu_id, g_source_remove);
  inb_take_row_set_entry (self, NULL);
  g_clear_handle_id (&self->in_view_id, g_source_remove);
  for (guint i = 0; i < N_TIPS; i++)
    g_clear_pointer (&self->tips[i], g_free);
  g_clear_object (&self->cache);
  g_clear_object (&self->menu);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (inb_take_row_parent_class)->dispose (object);
}

static void set_in_view (InbTakeRow *self,
                         gboolean    in_view);

/* Mapped, laid out, and inside its list's visible area */
static gboolean
still_mapped_cb (gpointer user_data)
{
  InbTakeRow *self = user_data;
  GtkWidget *list = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW);
  graphene_rect_t bounds;
  gboolean shown = FALSE;

  self->in_view_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;

  if (gtk_widget_get_width (GTK_WIDGET (self)) == 0)
    {
      /* Not laid out yet (a slow frame): looked at again */
      self->in_view_id = g_timeout_add (50, still_mapped_cb, self);
      return G_SOURCE_REMOVE;
    }

  if (list == NULL)
    shown = TRUE;
  else if (gtk_widget_compute_bounds (GTK_WIDGET (self), list, &bounds))
    shown = bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (list);
  set_in_view (self, shown);

  return G_SOURCE_REMOVE;
}

/* A new row is mapped before the list view lays it out and unmaps those
 * out of view, in the same frame: in view is "still mapped a moment
 * later" */
static void
inb_take_row_map (GtkWidget *widget)
{
  InbTakeRow *self = INB_TAKE_ROW (widget);

  GTK_WIDGET_CLASS (inb_take_row_parent_class)->map (widget);
  if (self->in_view_id == 0)
    /* (not at a low priority: a clip playing would starve it) */
    self->in_view_id = g_timeout_add (50, still_mapped_cb, self);
}

static void
inb_take_row_unmap (GtkWidget *widget)
{
  InbTakeRow *self = INB_TAKE_ROW (widget);

  g_clear_handle_id (&self->in_view_id, g_source_remove);
  set_in_view (self, FALSE);
  GTK_WIDGET_CLASS (inb_take_row_parent_class)->unmap (widget);
}

static void
inb_take_row_class_init (InbTakeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_take_row_dispose;
  widget_class->map = inb_take_row_map;
  widget_class->unmap = inb_take_row_unmap;

  signals[STAR_TOGGLED] =
    g_signal_new ("star-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[MENU_REQUESTED] =
    g_signal_new ("menu-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-take-row.ui");
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, placeholder);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, badge);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, fidelity_badge);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, progress);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, eta_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, star_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, InbTakeRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, star_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);

  gtk_widget_class_set_css_name (widget_class, "takerow");
}

static void
inb_take_row_init (InbTakeRow *self)
{
  GtkGesture *click;
  GtkDragSource *drag;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_menu_button_set_create_popup_func (self->menu_button, create_menu_cb, self, NULL);

  set_tip (self, TIP_STAR, _("Star"));
  set_tip (self, TIP_CANCEL, _("Cancel"));
  set_tip (self, TIP_MENU, _("Take Menu"));
  for (guint i = 0; i < N_TIPS; i++)
    {
      gtk_widget_set_has_tooltip (tip_widget (self, i), TRUE);
      g_signal_connect_object (tip_widget (self, i), "query-tooltip", G_CALLBACK (query_tooltip_cb), self, 0);
    }

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (secondary_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect_object (drag, "prepare", G_CALLBACK (drag_prepare_cb), self, 0);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

/**
 * inb_take_row_new:
 * @menu: the take's menu (its "take.*" actions act on the selected take)
 */
GtkWidget *
inb_take_row_new (InbSession        *session,
                  InbThumbnailCache *cache,
                  GMenuModel        *menu)
{
  InbTakeRow *self;

  g_return_val_if_fail (INB_IS_SESSION (session), NULL);
  g_return_val_if_fail (INB_IS_THUMBNAIL_CACHE (cache), NULL);
  g_return_val_if_fail (G_IS_MENU_MODEL (menu), NULL);

  self = g_object_new (INB_TYPE_TAKE_ROW, NULL);
  self->session = g_object_ref (session);
  self->cache = g_object_ref (cache);
  self->menu = g_object_ref (menu);

  return GTK_WIDGET (self);
}

GtkLabel *
inb_take_row_get_badge (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return self->badge;
}

GtkLabel *
inb_take_row_get_status (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return self->status_label;
}

GtkLabel *
inb_take_row_get_fidelity (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return self->fidelity_badge;
}

GtkWidget *
inb_take_row_get_cancel_button (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return GTK_WIDGET (self->cancel_button);
}

GtkWidget *
inb_take_row_get_star_button (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);
  return GTK_WIDGET (self->star_button);
}

gboolean
inb_take_row_has_thumbnail (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), FALSE);
  return gtk_picture_get_paintable (self->thumbnail) != NULL;
}

/* Only a row in view decodes its thumbnail (one decoded before is shown
 * either way). Leaving the view cancels a decode on its way. */
static void
set_in_view (InbTakeRow *self,
             gboolean    in_view)
{
  in_view = !!in_view;
  if (self->in_view == in_view)
    return;

  self->in_view = in_view;
  if (self->entry == NULL)
    return;

  if (in_view)
    {
      /* the age, as the library's tick left it out of view */
      if (self->tick_id == 0)
        update_time (self);
      load_thumbnail (self);
    }
  else if (self->thumbnail_cancellable != NULL)
    {
      cancel_thumbnail (self);
      g_clear_pointer (&self->thumbnail_for, g_free);
    }
}

void
inb_take_row_set_picked (InbTakeRow *self,
                         gboolean    picked)
{
  g_return_if_fail (INB_IS_TAKE_ROW (self));

  if (picked)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compare-b");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compare-b");
}

/**
 * inb_take_row_refresh_age:
 *
 * The age ("12 min ago") read again, if the row is in view; out of view it
 * is read when the row comes into view. A take being made reads its time
 * every second on its own.
 *
 * Returns: whether the row read it
 */
gboolean
inb_take_row_refresh_age (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), FALSE);

  if (self->entry == NULL || !self->in_view || self->tick_id != 0)
    return FALSE;

  update_time (self);
  return TRUE;
}

gboolean
inb_take_row_get_in_view (InbTakeRow *self)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), FALSE);
  return self->in_view;
}

/* The tooltip @widget would show (one of the row's labels or buttons) */
const char *
inb_take_row_get_tip (InbTakeRow *self,
                      GtkWidget  *widget)
{
  g_return_val_if_fail (INB_IS_TAKE_ROW (self), NULL);

  for (guint i = 0; i < N_TIPS; i++)
    if (tip_widget (self, i) == widget)
      return self->tips[i];

  return NULL;
}
