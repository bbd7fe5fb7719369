/* inb-floor-bin.c — a bin that never hands its child less than its minimum
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "inb-floor-bin.h"

struct _InbFloorBin
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (InbFloorBin, inb_floor_bin, ADW_TYPE_BIN)

static void
inb_floor_bin_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static GtkSizeRequestMode
inb_floor_bin_get_request_mode (GtkWidget *widget)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
inb_floor_bin_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  int min_width = 0;
  int min_height = 0;

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  /* The height for the width the child gets, as a box does */
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  width = MAX (width, min_width);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &min_height, NULL, NULL, NULL);
  height = MAX (height, min_height);

  gtk_widget_size_allocate (child, &(GtkAllocation) { 0, 0, width, height }, baseline);
}

static void
inb_floor_bin_class_init (InbFloorBinClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = inb_floor_bin_measure;
  widget_class->get_request_mode = inb_floor_bin_get_request_mode;
  widget_class->size_allocate = inb_floor_bin_size_allocate;
}

static void
inb_floor_bin_init (InbFloorBin *self)
{
  /* AdwBin lays out through a GtkBinLayout, which GTK would call instead
   * of size_allocate */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
inb_floor_bin_new (void)
{
  return g_object_new (INB_TYPE_FLOOR_BIN, NULL);
}
