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

/* Before the flap lays out at @width: capped or not. It depends on the
 * width alone, so laying out again at the same width changes nothing. */
static void
update_cap (InbCapBin *self,
            int        width)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (self));
  GtkWidget *flap = ADW_IS_FLAP (child) ? adw_flap_get_flap (ADW_FLAP (child)) : NULL;
  GtkWidget *separator = ADW_IS_FLAP (child) ? adw_flap_get_separator (ADW_FLAP (child)) : NULL;
  int separator_width = 0;
  gboolean cap;

  if (flap != self->capped)
    uncap (self);
  if (flap == NULL)
    return;

  if (separator != NULL && gtk_widget_should_layout (separator))
    gtk_widget_measure (separator, GTK_ORIENTATION_HORIZONTAL, -1, &separator_width, NULL, NULL, NULL);
  /* AdwFlap's half for two expanding children */
  cap = self->max_flap_width > 0 && (width - separator_width) / 2 > self->max_flap_width;

  if (cap && self->capped == NULL)
    {
      gtk_widget_get_size_request (flap, &self->flap_width, NULL);
      gtk_widget_measure (flap, GTK_ORIENTATION_HORIZONTAL, -1, &self->flap_min, NULL, NULL, NULL);
      self->hexpand_set = gtk_widget_get_hexpand_set (flap);
      self->hexpand = gtk_widget_get_hexpand (flap);
      self->capped = flap;
      gtk_widget_set_hexpand (flap, FALSE);
      gtk_widget_set_size_request (flap, MAX (self->max_flap_width, self->flap_width), -1);
    }
  else if (!cap)
    uncap (self);
}

static void
inb_cap_bin_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  InbCapBin *self = INB_CAP_BIN (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  update_cap (self, width);
  /* measured again after a change, before it is allocated */
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
  gtk_widget_size_allocate (child, &(GtkAllocation) { 0, 0, width, height }, baseline);
}

static void
inb_cap_bin_dispose (GObject *object)
{
  InbCapBin *self = INB_CAP_BIN (object);

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
}

GtkWidget *
inb_cap_bin_new (void)
{
  return g_object_new (INB_TYPE_CAP_BIN, NULL);
}
