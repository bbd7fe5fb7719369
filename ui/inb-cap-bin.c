/* inb-cap-bin.c — a bin around an AdwFlap that caps the flap's width
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "inb-cap-bin.h"

struct _InbCapBin
{
  AdwBin     parent_instance;

  int        max_flap_width;
  GtkWidget *capped;          /* the flap while it is capped (not a ref) */
  int        flap_width;      /* its own width-request before */
  int        flap_min;        /* its minimum width before */
  gboolean   hexpand_set;     /* its hexpand before */
  gboolean   hexpand;
  guint      update_id;       /* the tick that caps or uncaps, or 0 */
};

G_DEFINE_FINAL_TYPE (InbCapBin, inb_cap_bin, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MAX_FLAP_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
inb_cap_bin_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  InbCapBin *self = INB_CAP_BIN (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);

  if (self->capped != NULL && orientation == GTK_ORIENTATION_HORIZONTAL && minimum != NULL)
    {
      /* The minimum as uncapped, or the window could not be made narrow
       * in one step: an unfolded AdwFlap asks for its wider pane's
       * minimum (it folds below the two), and the cap ends anyway
       * below twice the cap. */
      GtkWidget *content = adw_flap_get_content (ADW_FLAP (child));
      int content_min = 0;

      if (content != NULL && gtk_widget_should_layout (content))
        gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &content_min, NULL, NULL, NULL);
      *minimum = MAX (content_min, self->flap_min);
    }
}

static GtkSizeRequestMode
inb_cap_bin_get_request_mode (GtkWidget *widget)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  return child != NULL ? gtk_widget_get_request_mode (child) : GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
uncap (InbCapBin *self)
{
  if (self->capped == NULL)
    return;
  gtk_widget_set_size_request (self->capped, self->flap_width, -1);
  gtk_widget_set_hexpand (self->capped, self->hexpand);
  gtk_widget_set_hexpand_set (self->capped, self->hexpand_set);
  self->capped = NULL;
}

static GtkWidget *
get_flap (InbCapBin *self)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (self));

  return ADW_IS_FLAP (child) ? adw_flap_get_flap (ADW_FLAP (child)) : NULL;
}

/* Whether the flap is capped at @width: AdwFlap would give it, as one of
 * two expanding panes, half of @width less the separator, and that is
 * more than the cap. It depends on the width alone, and the bin's minimum
 * width does not depend on it, so capping does not change the width. */
static gboolean
wants_cap (InbCapBin *self,
           int        width)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (self));
  GtkWidget *separator;
  int separator_width = 0;

  if (self->max_flap_width <= 0 || get_flap (self) == NULL)
    return FALSE;

  separator = adw_flap_get_separator (ADW_FLAP (child));
  if (separator != NULL && gtk_widget_should_layout (separator))
    gtk_widget_measure (separator, GTK_ORIENTATION_HORIZONTAL, -1, &separator_width, NULL, NULL, NULL);

  return (width - separator_width) / 2 > self->max_flap_width;
}

static gboolean
needs_update (InbCapBin *self,
              int        width)
{
  GtkWidget *flap = get_flap (self);

  if (self->capped != NULL && self->capped != flap)
    return TRUE;

  return wants_cap (self, width) != (self->capped != NULL);
}

/* Caps or uncaps the flap for the bin's width. This changes the flap's
 * hexpand and width-request, which queues a resize, so it never runs
 * during size_allocate: GTK would then snapshot the bin before it is
 * allocated again ("Trying to snapshot InbCapBin without a current
 * allocation"). It runs from a tick callback, in the frame clock's
 * update phase, before the layout phase of the same frame. */
static void
update_cap (InbCapBin *self)
{
  GtkWidget *flap = get_flap (self);
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (flap != self->capped)
    uncap (self);
  if (flap == NULL)
    return;

  if (wants_cap (self, width) && self->capped == NULL)
    {
      gtk_widget_get_size_request (flap, &self->flap_width, NULL);
      gtk_widget_measure (flap, GTK_ORIENTATION_HORIZONTAL, -1, &self->flap_min, NULL, NULL, NULL);
      self->hexpand_set = gtk_widget_get_hexpand_set (flap);
      self->hexpand = gtk_widget_get_hexpand (flap);
      self->capped = flap;
      gtk_widget_set_hexpand (flap, FALSE);
      gtk_widget_set_size_request (flap, MAX (self->max_flap_width, self->flap_width), -1);
    }
  else if (!wants_cap (self, width))
    {
      uncap (self);
    }
}

static gboolean
update_cap_tick (GtkWidget     *widget,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  update_cap (INB_CAP_BIN (widget));

  return G_SOURCE_REMOVE;
}

static void
update_cap_done (gpointer data)
{
  InbCapBin *self = data;

  self->update_id = 0;
}

static void
inb_cap_bin_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  InbCapBin *self = INB_CAP_BIN (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  int min_width = 0;

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  /* Capped or not at this width in the next frame's update phase; this
   * frame lays out as things are. Adding a tick callback asks the frame
   * clock for a frame and changes no widget. */
  if (self->update_id == 0 && needs_update (self, width))
    self->update_id = gtk_widget_add_tick_callback (widget, update_cap_tick, self, update_cap_done);

  /* Until then, a capped flap asks for the cap: in the frame after a
   * window went narrow in one step (1600 to 360 px), the child gets its
   * minimum, cut to the bin's width, as InbFloorBin does */
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  width = MAX (width, min_width);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
  gtk_widget_size_allocate (child, &(GtkAllocation) { 0, 0, width, height }, baseline);
}

static void
inb_cap_bin_dispose (GObject *object)
{
  InbCapBin *self = INB_CAP_BIN (object);

  if (self->update_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->update_id);
  self->capped = NULL;   /* the child goes with the bin */

  G_OBJECT_CLASS (inb_cap_bin_parent_class)->dispose (object);
}

static void
inb_cap_bin_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  InbCapBin *self = INB_CAP_BIN (object);

  switch (prop_id)
    {
    case PROP_MAX_FLAP_WIDTH:
      g_value_set_int (value, self->max_flap_width);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_cap_bin_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  InbCapBin *self = INB_CAP_BIN (object);

  switch (prop_id)
    {
    case PROP_MAX_FLAP_WIDTH:
      if (self->max_flap_width != g_value_get_int (value))
        {
          self->max_flap_width = g_value_get_int (value);
          gtk_widget_queue_allocate (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_cap_bin_class_init (InbCapBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_cap_bin_dispose;
  object_class->get_property = inb_cap_bin_get_property;
  object_class->set_property = inb_cap_bin_set_property;

  widget_class->measure = inb_cap_bin_measure;
  widget_class->get_request_mode = inb_cap_bin_get_request_mode;
  widget_class->size_allocate = inb_cap_bin_size_allocate;

  /**
   * InbCapBin:max-flap-width:
   *
   * The widest the flap gets while the window is wide enough to give
   * it more; 0: no cap.
   */
  properties[PROP_MAX_FLAP_WIDTH] =
    g_param_spec_int ("max-flap-width", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
inb_cap_bin_init (InbCapBin *self)
{
  /* AdwBin lays out through a GtkBinLayout, which GTK would call instead
   * of size_allocate */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
inb_cap_bin_new (void)
{
  return g_object_new (INB_TYPE_CAP_BIN, NULL);
}
