/* test-export-dialog.c — the export dialog: export, progress, overwrite confirmation, cancel
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-export-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "inb-export-dialog.h"
#include "inb-exporter.h"
#include "inb-fidelity.h"
#include "inb-take.h"
#include "inb-test-gtk.h"
#include "inb-test-utils.h"
#include "inb-video-writer.h"

#define W 320
#define H 180
#define N_FRAMES 25

typedef struct
{
  char            *dir;
  InbTake         *take;
  InbExportDialog *dialog;
  char            *exported;
  gboolean         destroyed;
} Fixture;

static void
exported_cb (InbExportDialog *dialog,
             const char      *path,
             Fixture         *f)
{
  g_free (f->exported);
  f->exported = g_strdup (path);
}

static void
destroyed_cb (GtkWidget *widget,
              Fixture   *f)
{
  f->destroyed = TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *take_dir = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(InbVideoWriter) writer = NULL;
  g_autoptr(InbImage) first_image = inb_test_textured_image (W, H, 0, 0);
  g_autoptr(InbImage) last_image = inb_test_textured_image (W, H, N_FRAMES - 1, 0);
  g_autoptr(GError) error = NULL;
  InbFidelity fidelity = { { 40, 1, 0.5 }, { 30, 5, 4.2 }, N_FRAMES, TRUE };
  g_autoptr(JsonObject) fidelity_json = inb_fidelity_to_json (&fidelity);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), fidelity_json);
  g_autofree char *fidelity_text = NULL;

  f->dir = inb_test_make_tmpdir ();
  take_dir = g_build_filename (f->dir, "20260101-120000-abcdef", NULL);
  g_assert_cmpint (g_mkdir (take_dir, 0700), ==, 0);
  clip = g_build_filename (take_dir, "clip.mp4", NULL);
  writer = inb_video_writer_new (clip, W, H, 16, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_FRAMES; i++)
    {
      g_autoptr(InbImage) frame = inb_test_textured_image (W, H, i, 0);
      g_assert_true (inb_video_writer_push (writer, frame, &error));
    }
  g_assert_true (inb_video_writer_finish (writer, &error));
  first = g_build_filename (take_dir, "first.png", NULL);
  last = g_build_filename (take_dir, "last.png", NULL);
  g_assert_true (inb_image_save_png (first_image, first, &error));
  g_assert_true (inb_image_save_png (last_image, last, &error));

  json_generator_set_root (generator, node);
  fidelity_text = json_generator_to_data (generator, NULL);
  manifest = g_strdup_printf ("{\"schema_version\": 1, \"id\": \"20260101-120000-abcdef\", \"backend\": \"local\","
                              " \"model\": \"flow\", \"state\": \"done\", \"prompt\": \"a paper boat\", \"seed\": 7,"
                              " \"parameters\": {\"fps\": 16},"
                              " \"result\": {\"width\": %d, \"height\": %d, \"frames\": %d, \"fps\": 16.0},"
                              " \"fidelity\": %s}", W, H, N_FRAMES, fidelity_text);
  manifest_path = g_build_filename (take_dir, "take.json", NULL);
  g_assert_true (g_file_set_contents (manifest_path, manifest, -1, &error));
  f->take = inb_take_load (take_dir, &error);
  g_assert_no_error (error);

  f->dialog = inb_export_dialog_present (f->take, NULL);
  g_signal_connect (f->dialog, "exported", G_CALLBACK (exported_cb), f);
  g_signal_connect (f->dialog, "destroy", G_CALLBACK (destroyed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (!f->destroyed)
    gtk_window_destroy (GTK_WINDOW (f->dialog));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->take);
  inb_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->exported);
}

static gboolean
is_destroyed (gpointer      fixture,
              gconstpointer data)
{
  return ((Fixture *) fixture)->destroyed;
}

static gboolean
is_idle (gpointer      fixture,
         gconstpointer data)
{
  Fixture *f = fixture;
  return !inb_export_dialog_is_running (f->dialog);
}

static gboolean
is_running (gpointer      fixture,
            gconstpointer data)
{
  Fixture *f = fixture;
  return inb_export_dialog_is_running (f->dialog);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
has_message_dialog (gpointer      fixture,
                    gconstpointer data)
{
  return find_message_dialog () != NULL;
}

static void
test_defaults (Fixture       *f,
               gconstpointer  data)
{
  InbExportOptions options;
  g_autofree char *shot = g_build_filename (g_get_tmp_dir (), "inbetween-export-dialog.png", NULL);

  /* The take's own size, rate and length: nothing to change */
  inb_export_dialog_get_options (f->dialog, &options);
  g_assert_cmpint (options.format, ==, INB_EXPORT_FORMAT_MP4);
  g_assert_cmpuint (options.width, ==, 0);
  g_assert_cmpuint (options.fps, ==, 0);
  g_assert_false (options.trim_in.set);
  g_assert_false (options.trim_out.set);
  g_assert_cmpint (options.loop, ==, 1);
  /* the take drifts: colour-match is suggested */
  g_assert_true (options.colour_match);
  g_assert_true (g_str_has_suffix (inb_export_dialog_get_target (f->dialog), "inbetween-20260101-120000-abcdef.mp4"));

  /* GIF: the name follows, and it plays forever */
  inb_export_dialog_set_format (f->dialog, INB_EXPORT_FORMAT_GIF);
  inb_export_dialog_get_options (f->dialog, &options);
  g_assert_cmpint (options.loop, ==, 0);
  g_assert_true (g_str_has_suffix (inb_export_dialog_get_target (f->dialog), "inbetween-20260101-120000-abcdef.gif"));

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->dialog));
  inb_test_save_screenshot (GTK_WIDGET (f->dialog), shot);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "boat.webp", NULL);
  g_autoptr(JsonObject) metadata = NULL;
  g_autoptr(GError) error = NULL;

  inb_export_dialog_set_format (f->dialog, INB_EXPORT_FORMAT_WEBP);
  inb_export_dialog_set_target (f->dialog, target);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.export", NULL));
  g_assert_true (inb_test_wait_until (f, is_destroyed, NULL, 60));
  g_assert_cmpstr (f->exported, ==, target);

  metadata = inb_export_read_metadata (target, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (metadata, "take"), "prompt"), ==, "a paper boat");
}

static void
test_overwrite (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "boat.gif", NULL);
  g_autofree char *contents = NULL;
  AdwMessageDialog *confirm;

  g_assert_true (g_file_set_contents (target, "precious", -1, NULL));
  inb_export_dialog_set_format (f->dialog, INB_EXPORT_FORMAT_GIF);
  inb_export_dialog_set_target (f->dialog, target);

  /* asked; "Cancel" keeps the file */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.export", NULL));
  g_assert_true (inb_test_wait_until (f, has_message_dialog, NULL, 10));
  confirm = find_message_dialog ();
  adw_message_dialog_response (confirm, "cancel");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (inb_export_dialog_is_running (f->dialog));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  g_clear_pointer (&contents, g_free);

  /* asked again; "Replace" replaces it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.export", NULL));
  g_assert_true (inb_test_wait_until (f, has_message_dialog, NULL, 10));
  confirm = find_message_dialog ();
  adw_message_dialog_response (confirm, "replace");
  g_assert_true (inb_test_wait_until (f, is_destroyed, NULL, 60));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "GIF89a"));
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "slow.mov", NULL);
  g_autofree char *take_dir = g_build_filename (f->dir, "20260101-120000-abcdef", NULL);
  g_autoptr(GDir) dir = NULL;
  GtkSpinButton *fps = NULL;
  InbExportOptions options;

  inb_export_dialog_set_format (f->dialog, INB_EXPORT_FORMAT_PRORES);
  inb_export_dialog_set_target (f->dialog, target);
  /* many in-betweens: slow enough to cancel midway */
  fps = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f->dialog), INB_TYPE_EXPORT_DIALOG, "fps_spin"));
  gtk_spin_button_set_value (fps, 120);
  inb_export_dialog_get_options (f->dialog, &options);
  g_assert_cmpuint (options.fps, ==, 120);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.export", NULL));
  g_assert_true (inb_test_wait_until (f, is_running, NULL, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "export.cancel", NULL));
  g_assert_true (inb_test_wait_until (f, is_idle, NULL, 30));

  /* still open, nothing written beside the take's folder */
  g_assert_false (f->destroyed);
  g_assert_null (f->exported);
  dir = g_dir_open (f->dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "20260101-120000-abcdef");
  g_assert_null (g_dir_read_name (dir));
}

static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_choose (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "export.choose") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_choose (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
draw_dialog (Fixture *f)
{
  for (guint i = 0; i < 30; i++)
    {
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->dialog));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

/* At 360 px "Save To" shows the whole path, its lines broken after a
 * folder's "/" and never inside the file name: it broke as
 * "inbetween-20261207-083738-527|dcb.mp4", the "Choose…" button beside it
 * leaving the path 185 px. A path is not markup ("&"). */
static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  const char *names[] = { "inbetween-20261207-083738-527dcb.mp4", "my-shot.mp4", "second pass.gif" };
  const char *folders[] = { NULL, "Tom & Jerry/harbour-at-dawn", "Videos/Inbetween/a-long-folder-for-the-harbour-shots" };
  AdwActionRow *row = ADW_ACTION_ROW (gtk_widget_get_template_child (GTK_WIDGET (f->dialog), INB_TYPE_EXPORT_DIALOG,
                                                                     "target_row"));
  GtkWidget *button = find_choose (GTK_WIDGET (row));

  gtk_window_set_default_size (GTK_WINDOW (f->dialog), 360, 640);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *target = folders[i] != NULL ? g_build_filename (f->dir, folders[i], names[i], NULL)
                                                   : g_build_filename (f->dir, names[i], NULL);
      GtkLabel *label;
      PangoLayout *layout;
      const char *text;
      int name_start;
      graphene_rect_t bounds;

      inb_export_dialog_set_target (f->dialog, target);
      g_assert_cmpstr (inb_export_dialog_get_target (f->dialog), ==, target);
      draw_dialog (f);
      label = find_label (GTK_WIDGET (row), adw_action_row_get_subtitle (row));
      g_assert_nonnull (label);
      layout = gtk_label_get_layout (label);
      text = pango_layout_get_text (layout);
      /* the file name's first byte in what is shown: past the last "/"
       * (and a zero-width space) */
      g_assert_nonnull (strrchr (text, '/'));
      name_start = (int) (strrchr (text, '/') + 1 - text);
      if (g_str_has_prefix (text + name_start, "\u200B"))
        name_start += strlen ("\u200B");
      g_assert_cmpint (text[name_start], ==, names[i][0]);
      g_test_message ("%d px: “%s” on %d lines", gtk_widget_get_width (GTK_WIDGET (f->dialog)), target,
                      pango_layout_get_line_count (layout));
      for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
        {
          PangoLayoutLine *line = l->data;

          if (line->start_index > name_start && line->start_index < (int) strlen (text))
            g_error ("At %d px the file name breaks: “%.*s|%s”", gtk_widget_get_width (GTK_WIDGET (f->dialog)),
                     line->start_index - name_start, text + name_start, text + line->start_index);
        }
      /* beside the button, inside the dialog */
      g_assert_nonnull (button);
      g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), button, &bounds));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, 0);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->dialog)), <=, 360);
      /* With INB_SCREENSHOT_DIR set, export-dialog-narrow-<i>.png to look at */
      if (g_getenv ("INB_SCREENSHOT_DIR") != NULL)
        {
          g_autofree char *name = g_strdup_printf ("export-dialog-narrow-%u.png", i);
          g_autofree char *shot = g_build_filename (g_getenv ("INB_SCREENSHOT_DIR"), name, NULL);

          inb_test_save_screenshot (GTK_WIDGET (f->dialog), shot);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/export-dialog/defaults", Fixture, NULL, fixture_setup, test_defaults, fixture_teardown);
  g_test_add ("/export-dialog/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);
  g_test_add ("/export-dialog/overwrite", Fixture, NULL, fixture_setup, test_overwrite, fixture_teardown);
  g_test_add ("/export-dialog/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/export-dialog/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);

  return g_test_run ();
}
