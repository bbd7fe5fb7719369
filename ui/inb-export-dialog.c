/* inb-export-dialog.c
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "inb-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "inb-a11y.h"
#include "inb-export-dialog.h"
#include "inb-exporter.h"
#include "inb-fidelity.h"
#include "inb-resources.h"

struct _InbExportDialog
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwComboRow          *format_row;
  AdwActionRow         *target_row;
  GtkWidget            *page;
  GtkSpinButton        *width_spin;
  AdwActionRow         *fps_row;
  GtkSpinButton        *fps_spin;
  GtkSpinButton        *first_spin;
  GtkSpinButton        *last_spin;
  AdwActionRow         *loop_row;
  GtkSpinButton        *loop_spin;
  GtkSwitch            *pingpong_switch;
  AdwActionRow         *colour_row;
  GtkSwitch            *colour_switch;
  GtkRevealer          *status_revealer;
  GtkProgressBar       *progress_bar;
  GtkLabel             *error_label;

  InbTake              *take;
  char                 *target;
  GtkFileChooserNative *chooser;
  AdwMessageDialog     *confirm;

  /* What the take's record says of its clip (0 = unknown) */
  guint                 clip_width;
  guint                 clip_frames;
  guint                 clip_fps;

  InbExporter          *exporter;      /* while exporting */
  GCancellable         *cancellable;
  GCancellable         *query;         /* the target's existence check */
};

G_DEFINE_FINAL_TYPE (InbExportDialog, inb_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_state (InbExportDialog *self);

static InbExportFormat
current_format (InbExportDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->format_row);

  return selected < INB_EXPORT_N_FORMATS ? (InbExportFormat) selected : INB_EXPORT_FORMAT_MP4;
}

static char *
default_folder (void)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  return g_strdup (videos != NULL ? videos : g_get_home_dir ());
}

/* The target as the "Save To" row shows it: lines break after a folder's
 * "/" (U+200B after each), never inside the file name (U+2060 after its
 * hyphens, U+00A0 for its spaces) unless the name alone is wider than a
 * line. */
static void
show_target (InbExportDialog *self)
{
  g_autoptr(GString) shown = g_string_new (NULL);
  const char *name = strrchr (self->target, G_DIR_SEPARATOR);

  name = name != NULL ? name + 1 : self->target;
  for (const char *p = self->target; p < name; p++)
    {
      g_string_append_c (shown, *p);
      if (*p == G_DIR_SEPARATOR)
        g_string_append (shown, "\u200B");
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == ' ')
        g_string_append (shown, "\u00A0");
      else
        g_string_append_c (shown, *p);
      if (*p == '-')
        g_string_append (shown, "\u2060");
    }

  adw_action_row_set_subtitle (self->target_row, shown->str);
}

/* Gives the target @format's extension (a suggested name at first). */
static void
update_target_for_format (InbExportDialog *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *stem = NULL;
  const char *extension = inb_export_format_get_extension (current_format (self));
  char *dot;

  if (self->target == NULL)
    {
      g_autofree char *name = g_strdup_printf ("inbetween-%s", inb_take_get_id (self->take));

      dir = default_folder ();
      stem = g_steal_pointer (&name);
    }
  else
    {
      dir = g_path_get_dirname (self->target);
      base = g_path_get_basename (self->target);
      dot = strrchr (base, '.');
      if (dot != NULL && dot != base)
        *dot = '\0';
      stem = g_steal_pointer (&base);
    }

  g_free (self->target);
  if (*extension)
    {
      g_autofree char *name = g_strconcat (stem, ".", extension, NULL);
      self->target = g_build_filename (dir, name, NULL);
    }
  else
    self->target = g_build_filename (dir, stem, NULL);

  show_target (self);
}

static void
format_changed_cb (InbExportDialog *self)
{
  InbExportFormat format = current_format (self);
  gboolean loops = inb_export_format_loops (format);

  update_target_for_format (self);

  /* GIF and WebP play forever unless told; video plays once. */
  gtk_spin_button_set_range (self->loop_spin, loops ? 0 : 1, INB_EXPORT_MAX_LOOP);
  gtk_spin_button_set_value (self->loop_spin, loops ? 0 : 1);
  adw_action_row_set_subtitle (self->loop_row,
                               loops ? _("Times the animation plays; 0 plays it forever")
                                     : _("Times the clip plays, one after another"));
  if (format == INB_EXPORT_FORMAT_GIF && gtk_spin_button_get_value_as_int (self->width_spin) > 480 &&
      self->clip_width == (guint) gtk_spin_button_get_value_as_int (self->width_spin))
    gtk_spin_button_set_value (self->width_spin, 480);   /* GIF at full HD helps nobody */
  update_state (self);
}

static void
fps_changed_cb (InbExportDialog *self)
{
  guint fps = (guint) gtk_spin_button_get_value_as_int (self->fps_spin);
  g_autofree char *text = NULL;

  if (self->clip_fps == 0 || fps == self->clip_fps)
    text = g_strdup (_("Frames per second"));
  else if (fps > self->clip_fps)
    /* Translators: %u is the clip's frame rate */
    text = g_strdup_printf (_("Above the clip’s %u, the local engine makes the frames in between"), self->clip_fps);
  else
    text = g_strdup_printf (_("Below the clip’s %u, frames are dropped evenly"), self->clip_fps);
  adw_action_row_set_subtitle (self->fps_row, text);
}

static void
trim_changed_cb (InbExportDialog *self)
{
  /* The last frame never comes before the first. */
  if (gtk_spin_button_get_value_as_int (self->last_spin) < gtk_spin_button_get_value_as_int (self->first_spin))
    gtk_spin_button_set_value (self->last_spin, gtk_spin_button_get_value (self->first_spin));
}

void
inb_export_dialog_get_options (InbExportDialog  *self,
                               InbExportOptions *options)
{
  guint width, fps, first, last;

  g_return_if_fail (INB_IS_EXPORT_DIALOG (self));
  g_return_if_fail (options != NULL);

  inb_export_options_init (options);
  options->format = current_format (self);

  width = (guint) gtk_spin_button_get_value_as_int (self->width_spin);
  options->width = width == self->clip_width ? 0 : width;
  fps = (guint) gtk_spin_button_get_value_as_int (self->fps_spin);
  options->fps = fps == self->clip_fps ? 0 : fps;

  /* The rows count from 1 and include the last frame; the options are a
   * half-open range from 0. */
  first = (guint) gtk_spin_button_get_value_as_int (self->first_spin);
  last = (guint) gtk_spin_button_get_value_as_int (self->last_spin);
  if (first > 1)
    {
      options->trim_in.set = TRUE;
      options->trim_in.value = first - 1;
    }
  if (self->clip_frames == 0 ? last < 100000 : last < self->clip_frames)
    {
      options->trim_out.set = TRUE;
      options->trim_out.value = last;
    }

  options->loop = gtk_spin_button_get_value_as_int (self->loop_spin);
  options->pingpong = gtk_switch_get_active (self->pingpong_switch);
  options->colour_match = gtk_switch_get_active (self->colour_switch);
}

static void
show_error (InbExportDialog *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), message == NULL);
  gtk_revealer_set_reveal_child (self->status_revealer, message != NULL || self->exporter != NULL);
}

static void
update_state (InbExportDialog *self)
{
  gboolean running = self->exporter != NULL;

  gtk_widget_set_sensitive (self->page, !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.export", !running && self->target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", !running);
}

static void
progress_cb (InbExporter     *exporter,
             GParamSpec      *pspec,
             InbExportDialog *self)
{
  const char *stage = inb_exporter_get_stage (exporter);
  double fraction = inb_exporter_get_fraction (exporter);
  g_autofree char *text = g_strdup_printf ("%s — %.0f %%", stage ? stage : _("Exporting"), fraction * 100.0);

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(InbExportDialog) self = user_data;   /* the ref taken at start */
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (self->target);
  gboolean ok = inb_exporter_export_finish (INB_EXPORTER (object), result, &error);

  g_signal_handlers_disconnect_by_data (object, self);
  g_clear_object (&self->exporter);
  g_clear_object (&self->cancellable);
  update_state (self);

  if (ok)
    {
      gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
      g_signal_emit (self, signals[EXPORTED], 0, path);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelling is not an error: the partial file is gone. */
      show_error (self, NULL);
      gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
      return;
    }

  show_error (self, error->message);
}

static void
start_export (InbExportDialog *self,
              gboolean         force)
{
  InbExportOptions options;

  inb_export_dialog_get_options (self, &options);
  options.force = force;

  self->exporter = inb_exporter_new (self->take, &options);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->exporter, "notify::fraction", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->exporter, "notify::stage", G_CALLBACK (progress_cb), self);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting"));
  show_error (self, NULL);
  update_state (self);

  inb_exporter_export_async (self->exporter, self->target, self->cancellable,
                             export_done_cb, g_object_ref (self));
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     InbExportDialog  *self)
{
  self->confirm = NULL;
  if (g_strcmp0 (response, "replace") == 0)
    start_export (self, TRUE);
}

static void
target_queried_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(InbExportDialog) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->query);

  if (info == NULL)
    {
      /* Nothing there (or unreadable: the export will say why). */
      start_export (self, FALSE);
      return;
    }

  name = g_path_get_basename (self->target);
  /* Translators: %s is a file name */
  body = g_strdup_printf (_("“%s” already exists. Replacing it overwrites its contents."), name);
  self->confirm = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Replace File?"), body));
  adw_message_dialog_add_responses (self->confirm,
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (self->confirm, "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (self->confirm, "cancel");
  adw_message_dialog_set_close_response (self->confirm, "cancel");
  g_signal_connect_object (self->confirm, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->confirm));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (widget);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  InbExportOptions options;

  if (self->exporter != NULL || self->target == NULL || self->query != NULL)
    return;

  inb_export_dialog_get_options (self, &options);
  if (!inb_export_options_validate (&options, &error))
    {
      show_error (self, error->message);
      return;
    }

  /* Off the main thread even for a stat: the target may be on a slow
   * or stalled network share. */
  file = g_file_new_for_path (self->target);
  self->query = g_cancellable_new ();
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                           G_PRIORITY_DEFAULT, self->query, target_queried_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (widget);

  if (self->exporter != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     InbExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        inb_export_dialog_set_target (self, path);
    }
  /* Destroyed, not left hidden among the toplevels (see the keyframe
   * slot's chooser_response_cb: GTK 4.8's accessibility bridge) */
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (widget);
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (current_format (self) == INB_EXPORT_FORMAT_PNG
                                                 ? _("Export Frames to a New Folder")
                                                 : _("Export Take"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->target != NULL)
    {
      dir = g_path_get_dirname (self->target);
      name = g_path_get_basename (self->target);
      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
inb_export_dialog_close_request (GtkWindow *window)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (window);

  /* Closing while exporting cancels; the partial file is removed. */
  if (self->exporter != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->query != NULL)
    g_cancellable_cancel (self->query);

  return GTK_WINDOW_CLASS (inb_export_dialog_parent_class)->close_request (window);
}

static void
inb_export_dialog_dispose (GObject *object)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->query != NULL)
    g_cancellable_cancel (self->query);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->confirm != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirm));
  self->confirm = NULL;
  g_clear_object (&self->take);
  g_clear_object (&self->query);

  G_OBJECT_CLASS (inb_export_dialog_parent_class)->dispose (object);
}

static void
inb_export_dialog_finalize (GObject *object)
{
  InbExportDialog *self = INB_EXPORT_DIALOG (object);

  g_clear_object (&self->exporter);
  g_clear_object (&self->cancellable);
  g_free (self->target);

  G_OBJECT_CLASS (inb_export_dialog_parent_class)->finalize (object);
}

static void
inb_export_dialog_class_init (InbExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = inb_export_dialog_dispose;
  object_class->finalize = inb_export_dialog_finalize;
  window_class->close_request = inb_export_dialog_close_request;

  /**
   * InbExportDialog::exported:
   * @path: the file (or PNG folder) written
   *
   * Emitted once the export is complete, just before the dialog closes.
   */
  signals[EXPORTED] =
    g_signal_new ("exported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Referencing the resource links it in, and its constructor registers it. */
  (void) inb_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/inb-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, page);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, width_spin);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, fps_row);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, fps_spin);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, first_spin);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, last_spin);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, loop_row);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, loop_spin);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, pingpong_switch);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, colour_row);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, colour_switch);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, InbExportDialog, error_label);

  gtk_widget_class_install_action (widget_class, "export.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "export.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "export.cancel", NULL);
}

static void
inb_export_dialog_init (InbExportDialog *self)
{
  g_autoptr(GtkStringList) formats = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  inb_a11y_tidy (GTK_WIDGET (self));

  for (guint i = 0; i < INB_EXPORT_N_FORMATS; i++)
    gtk_string_list_append (formats, inb_export_format_get_title (i));
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (formats));

  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self);
  g_signal_connect_swapped (self->fps_spin, "value-changed", G_CALLBACK (fps_changed_cb), self);
  g_signal_connect_swapped (self->first_spin, "value-changed", G_CALLBACK (trim_changed_cb), self);
  g_signal_connect_swapped (self->last_spin, "value-changed", G_CALLBACK (trim_changed_cb), self);
}

static double
member_number (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return 0;
  return json_node_get_double (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* What the take's record says: the clip's size, frames and rate, and how
 * far its ends drift from the keyframes. */
static void
read_take (InbExportDialog *self)
{
  g_autoptr(JsonObject) manifest = inb_take_to_json (self->take);
  JsonObject *result = member_object (manifest, "result");
  JsonObject *fidelity_json = member_object (manifest, "fidelity");
  InbFidelity fidelity;
  double fps;

  self->clip_width = (guint) member_number (result, "width");
  self->clip_frames = (guint) member_number (result, "frames");
  fps = member_number (result, "fps");
  if (fps <= 0)
    fps = member_number (inb_take_get_params (self->take), "fps");
  self->clip_fps = (guint) (fps + 0.5);

  if (self->clip_width > 0)
    gtk_spin_button_set_value (self->width_spin, self->clip_width);
  if (self->clip_fps > 0)
    gtk_spin_button_set_value (self->fps_spin, self->clip_fps);
  if (self->clip_frames > 0)
    {
      gtk_spin_button_set_range (self->first_spin, 1, self->clip_frames);
      gtk_spin_button_set_range (self->last_spin, 1, self->clip_frames);
      gtk_spin_button_set_value (self->last_spin, self->clip_frames);
    }

  if (fidelity_json != NULL && inb_fidelity_from_json (fidelity_json, &fidelity, NULL))
    {
      g_autofree char *text = NULL;

      /* Translators: ΔE is the CIEDE2000 colour difference */
      text = g_strdup_printf (fidelity.drift
                                ? _("Ease the colours toward the keyframes’. The clip drifts: its ends are ΔE %.1f and %.1f from them")
                                : _("Ease the colours toward the keyframes’. Its ends are ΔE %.1f and %.1f from them"),
                              fidelity.first.colour_shift, fidelity.last.colour_shift);
      adw_action_row_set_subtitle (self->colour_row, text);
      gtk_switch_set_active (self->colour_switch, fidelity.drift);
    }
  else
    adw_action_row_set_subtitle (self->colour_row, _("Ease the colours toward the keyframes’ at both ends"));
}

InbExportDialog *
inb_export_dialog_new (InbTake *take)
{
  InbExportDialog *self;

  g_return_val_if_fail (INB_IS_TAKE (take), NULL);

  self = g_object_new (INB_TYPE_EXPORT_DIALOG, NULL);
  self->take = g_object_ref (take);
  read_take (self);
  fps_changed_cb (self);
  format_changed_cb (self);

  return self;
}

/**
 * inb_export_dialog_present:
 *
 * Returns: (transfer none): the dialog, shown modal over @parent
 */
InbExportDialog *
inb_export_dialog_present (InbTake   *take,
                           GtkWindow *parent)
{
  InbExportDialog *self;

  g_return_val_if_fail (INB_IS_TAKE (take), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = inb_export_dialog_new (take);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_present (GTK_WINDOW (self));

  return self;
}

void
inb_export_dialog_set_format (InbExportDialog *self,
                              InbExportFormat  format)
{
  g_return_if_fail (INB_IS_EXPORT_DIALOG (self));
  g_return_if_fail (format < INB_EXPORT_N_FORMATS);

  adw_combo_row_set_selected (self->format_row, format);
}

void
inb_export_dialog_set_target (InbExportDialog *self,
                              const char      *path)
{
  g_return_if_fail (INB_IS_EXPORT_DIALOG (self));
  g_return_if_fail (path != NULL);

  g_free (self->target);
  self->target = g_strdup (path);
  show_target (self);
  update_state (self);
}

const char *
inb_export_dialog_get_target (InbExportDialog *self)
{
  g_return_val_if_fail (INB_IS_EXPORT_DIALOG (self), NULL);
  return self->target;
}

gboolean
inb_export_dialog_is_running (InbExportDialog *self)
{
  g_return_val_if_fail (INB_IS_EXPORT_DIALOG (self), FALSE);
  return self->exporter != NULL;
}
