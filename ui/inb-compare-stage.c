/* inb-compare-stage.c — two takes drawn side by side or split by a wipe
 *
 * Copyright 2026 The Inbetween authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The stage draws the two sides of an InbPlaybackSync on a dark ground,
 * each with a caption above it (a coloured A or B badge, the take's name,
 * the frame and time it shows), never over the picture.
 *
 * Side by side: two pictures of equal size, letterboxed, in a row or, when
 * that makes them larger (a narrow window), one above the other.
 * Split: one picture, A left of a vertical divider and B right of it; the
 * divider follows the pointer from a press anywhere on the picture, and
 * its round handle takes the arrow keys when focused.
 *
 * A pair is drawn only as a pair: while one side already shows its next
 * frame and the other is still decoding, the frames last shown together
 * are drawn, so the two pictures never disagree on screen. */

#define G_LOG_DOMAIN "inb-compare-stage"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "inb-compare-stage.h"

#define PAD       12.0   /* around everything */
#define GAP       12.0   /* between the two pictures */
#define CAP_GAP    6.0   /* between a caption and its picture */
#define LINE_GAP   2.0   /* between a caption's name and its readout under it */
#define SPLIT_STEP 0.02  /* arrow keys on the handle; Shift: five times */

/* The round handle on the divider: focusable, a slider for assistive
 * technologies, moved by the arrow keys. */

#define INB_TYPE_COMPARE_HANDLE (inb_compare_handle_get_type ())

G_DECLARE_FINAL_TYPE (InbCompareHandle, inb_compare_handle, INB, COMPARE_HANDLE, GtkWidget)

struct _InbCompareHandle
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (InbCompareHandle, inb_compare_handle, GTK_TYPE_WIDGET)

static void
inb_compare_handle_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (inb_compare_handle_parent_class)->dispose (object);
}

static void
inb_compare_handle_class_init (InbCompareHandleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const struct { guint key; GdkModifierType mods; double delta; } keys[] = {
    { GDK_KEY_Left, 0, -SPLIT_STEP },
    { GDK_KEY_KP_Left, 0, -SPLIT_STEP },
    { GDK_KEY_Right, 0, SPLIT_STEP },
    { GDK_KEY_KP_Right, 0, SPLIT_STEP },
    { GDK_KEY_Left, GDK_SHIFT_MASK, -5 * SPLIT_STEP },
    { GDK_KEY_KP_Left, GDK_SHIFT_MASK, -5 * SPLIT_STEP },
    { GDK_KEY_Right, GDK_SHIFT_MASK, 5 * SPLIT_STEP },
    { GDK_KEY_KP_Right, GDK_SHIFT_MASK, 5 * SPLIT_STEP },
  };

  object_class->dispose = inb_compare_handle_dispose;

  /* The stage's action, found up the widget tree. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, keys[i].mods,
                                         "stage.nudge-split", "d", keys[i].delta);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "comparehandle");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
inb_compare_handle_init (InbCompareHandle *self)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("object-flip-horizontal-symbolic");

  gtk_widget_set_parent (image, GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "ew-resize");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Drag, or use the arrow keys, to move the split"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Split Position"),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 100.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 50.0,
                                  -1);
}

/* A caption: the badge and the take's name, above the picture (on the
 * right half of a split, the other way round); and a readout, the frame
 * and time it shows: at the right end of the caption side by side, under
 * the picture's outer corner when split. */

typedef struct
{
  GtkWidget *box;
  GtkWidget *badge;
  GtkWidget *title;
  GtkWidget *readout;
  gboolean   mirrored;
} Caption;

struct _InbCompareStage
{
  GtkWidget        parent_instance;

  InbPlaybackSync *sync;
  InbPlayback     *playbacks[2];  /* both, whichever side they are on */
  GdkTexture      *held[2];       /* by side: the pair last shown together */
  GdkTexture      *drawn[2];      /* by side: what the last snapshot drew */

  Caption          captions[2];   /* by side */
  GtkWidget       *handle;

  InbCompareMode   mode;
  double           split;
  gboolean         stacked;
  graphene_rect_t  pictures[2];   /* by side; the same rect when split */

  double           drag_x;
  gboolean         dragging;
};

G_DEFINE_FINAL_TYPE (InbCompareStage, inb_compare_stage, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODE,
  PROP_SPLIT,
  PROP_STACKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
inb_compare_stage_new (void)
{
  return g_object_new (INB_TYPE_COMPARE_STAGE, NULL);
}

static void
caption_init (Caption    *caption,
              GtkWidget  *parent,
              const char *badge,
              const char *badge_class)
{
  caption->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (caption->box, "compare-caption");

  caption->badge = gtk_label_new (badge);
  gtk_widget_add_css_class (caption->badge, "compare-badge");
  gtk_widget_add_css_class (caption->badge, badge_class);
  gtk_widget_set_valign (caption->badge, GTK_ALIGN_CENTER);

  caption->title = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (caption->title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (caption->title), 0.0);
  gtk_label_set_single_line_mode (GTK_LABEL (caption->title), TRUE);
  gtk_widget_add_css_class (caption->title, "compare-title");

  gtk_box_append (GTK_BOX (caption->box), caption->badge);
  gtk_box_append (GTK_BOX (caption->box), caption->title);
  gtk_widget_set_parent (caption->box, parent);

  caption->readout = gtk_label_new (NULL);
  gtk_label_set_single_line_mode (GTK_LABEL (caption->readout), TRUE);
  gtk_widget_add_css_class (caption->readout, "compare-readout");
  gtk_widget_add_css_class (caption->readout, "numeric");
  gtk_widget_set_parent (caption->readout, parent);
}

static void
caption_set_mirrored (Caption  *caption,
                      gboolean  mirrored)
{
  if (caption->mirrored == mirrored)
    return;

  caption->mirrored = mirrored;
  gtk_box_reorder_child_after (GTK_BOX (caption->box), caption->badge, mirrored ? caption->title : NULL);
  gtk_label_set_xalign (GTK_LABEL (caption->title), mirrored ? 1.0 : 0.0);
  gtk_widget_set_halign (caption->box, mirrored ? GTK_ALIGN_END : GTK_ALIGN_START);
}

static int
natural_size (GtkWidget      *widget,
              GtkOrientation  orientation)
{
  int natural = 0;

  gtk_widget_measure (widget, orientation, -1, NULL, &natural, NULL, NULL);

  return natural;
}

/* Layout */

static double
side_aspect (InbCompareStage *self,
             InbSide          side)
{
  InbPlayback *playback;
  double aspect = 0.0;

  if (self->sync != NULL)
    {
      playback = inb_playback_sync_get_playback (self->sync, side);
      aspect = gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (playback));
      if (aspect <= 0.0)
        {
          playback = inb_playback_sync_get_playback (self->sync, side == INB_SIDE_A ? INB_SIDE_B : INB_SIDE_A);
          aspect = gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (playback));
        }
    }

  return aspect > 0.0 ? aspect : 16.0 / 9.0;
}

/* The largest @aspect rectangle in @width × @height. */
static void
fit (double  aspect,
     double  width,
     double  height,
     double *out_width,
     double *out_height)
{
  width = MAX (width, 1.0);
  height = MAX (height, 1.0);

  if (width / height > aspect)
    {
      *out_height = floor (height);
      *out_width = floor (height * aspect + 0.5);
    }
  else
    {
      *out_width = floor (width);
      *out_height = floor (width / aspect + 0.5);
    }
}

static void
allocate_child (GtkWidget *child,
                double     x,
                double     y,
                double     width,
                double     height)
{
  int min_width;
  int min_height;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
  gtk_widget_size_allocate (child,
                            &(GtkAllocation) {
                              (int) floor (x), (int) floor (y),
                              MAX ((int) floor (width), min_width),
                              MAX ((int) floor (height), min_height),
                            },
                            -1);
}

/* The narrowest a caption fits in: its name's least and its readout, in
 * a row or (@two_lines) one under the other */
static double
caption_width (InbCompareStage *self,
               gboolean         two_lines)
{
  int widest = 0;

  for (guint i = 0; i < 2; i++)
    {
      int min = 0;
      int readout = natural_size (self->captions[i].readout, GTK_ORIENTATION_HORIZONTAL);

      gtk_widget_measure (self->captions[i].box, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      widest = MAX (widest, two_lines ? MAX (min, readout) : min + readout + (int) GAP);
    }

  return widest;
}

/* Whether both names and their readouts fit whole side by side in @width */
static gboolean
captions_fit_row (InbCompareStage *self,
                  double           width)
{
  for (guint i = 0; i < 2; i++)
    if (natural_size (self->captions[i].box, GTK_ORIENTATION_HORIZONTAL) + GAP +
        natural_size (self->captions[i].readout, GTK_ORIENTATION_HORIZONTAL) > width)
      return FALSE;

  return TRUE;
}

/* Side by side: the name at the left, the readout at the right end; with
 * @two_lines, the readout under the name, at the right end still. @line:
 * the height of one line. */
static void
allocate_caption (Caption  *caption,
                  double    x,
                  double    y,
                  double    width,
                  double    line,
                  gboolean  two_lines)
{
  int readout = natural_size (caption->readout, GTK_ORIENTATION_HORIZONTAL);

  if (two_lines)
    {
      allocate_child (caption->box, x, y, width, line);
      allocate_child (caption->readout, x + width - readout, y + line + LINE_GAP, readout, line);
    }
  else
    {
      allocate_child (caption->readout, x + width - readout, y, readout, line);
      allocate_child (caption->box, x, y, MAX (width - readout - GAP, 0), line);
    }
}

static void
inb_compare_stage_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  InbCompareStage *self = INB_COMPARE_STAGE (widget);
  double aspect_a = side_aspect (self, INB_SIDE_A);
  double aspect_b = side_aspect (self, INB_SIDE_B);
  int caption_height = 0;
  double ch;
  double wa, ha, wb, hb;
  gboolean stacked = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      caption_height = MAX (caption_height, natural_size (self->captions[i].box, GTK_ORIENTATION_VERTICAL));
      caption_height = MAX (caption_height, natural_size (self->captions[i].readout, GTK_ORIENTATION_VERTICAL));
    }
  ch = caption_height;

  if (self->mode == INB_COMPARE_MODE_SIDE_BY_SIDE)
    {
      double hw_a, hh_a, hw_b, hh_b;  /* in a row */
      double vw_a, vh_a, vw_b, vh_b;  /* one above the other */
      double box_w, box_h;
      gboolean two_lines = FALSE;

      /* Each caption in one line where the name reads whole beside its
       * readout; else the readout on a line of its own under the name (at
       * 360 px "Take 12 · seed …" was cut while "Frame 41 / 49 · 0:02.50"
       * kept its width). */
      for (;;)
        {
          ch = two_lines ? 2 * caption_height + LINE_GAP : caption_height;

          box_w = (width - 2 * PAD - GAP) / 2;
          box_h = height - 2 * PAD - ch - CAP_GAP;
          fit (aspect_a, box_w, box_h, &hw_a, &hh_a);
          fit (aspect_b, box_w, box_h, &hw_b, &hh_b);

          box_w = width - 2 * PAD;
          box_h = (height - 2 * PAD - GAP - 2 * (ch + CAP_GAP)) / 2;
          fit (aspect_a, box_w, box_h, &vw_a, &vh_a);
          fit (aspect_b, box_w, box_h, &vw_b, &vh_b);

          /* Whichever makes the smaller of the two pictures larger; in a row
           * unless stacking is clearly better. */
          stacked = MIN (vw_a * vh_a, vw_b * vh_b) > 1.15 * MIN (hw_a * hh_a, hw_b * hh_b) ||
                    MIN (hw_a, hw_b) < caption_width (self, two_lines);

          if (two_lines || captions_fit_row (self, stacked ? MIN (vw_a, vw_b) : MIN (hw_a, hw_b)))
            break;
          two_lines = TRUE;
        }

      if (!stacked)
        {
          double row_h = MAX (hh_a, hh_b);
          double x0 = floor ((width - (hw_a + GAP + hw_b)) / 2);
          double y0 = floor ((height - (ch + CAP_GAP + row_h)) / 2);
          double top = y0 + ch + CAP_GAP;

          wa = hw_a; ha = hh_a; wb = hw_b; hb = hh_b;
          self->pictures[INB_SIDE_A] = GRAPHENE_RECT_INIT (x0, top + floor ((row_h - ha) / 2), wa, ha);
          self->pictures[INB_SIDE_B] = GRAPHENE_RECT_INIT (x0 + wa + GAP, top + floor ((row_h - hb) / 2), wb, hb);
          allocate_caption (&self->captions[INB_SIDE_A], x0, y0, wa, caption_height, two_lines);
          allocate_caption (&self->captions[INB_SIDE_B], x0 + wa + GAP, y0, wb, caption_height, two_lines);
        }
      else
        {
          double y0;

          wa = vw_a; ha = vh_a; wb = vw_b; hb = vh_b;
          y0 = floor ((height - (2 * (ch + CAP_GAP) + ha + GAP + hb)) / 2);
          self->pictures[INB_SIDE_A] = GRAPHENE_RECT_INIT (floor ((width - wa) / 2), y0 + ch + CAP_GAP, wa, ha);
          y0 += ch + CAP_GAP + ha + GAP;
          self->pictures[INB_SIDE_B] = GRAPHENE_RECT_INIT (floor ((width - wb) / 2), y0 + ch + CAP_GAP, wb, hb);
          allocate_caption (&self->captions[INB_SIDE_A],
                            self->pictures[INB_SIDE_A].origin.x, self->pictures[INB_SIDE_A].origin.y - CAP_GAP - ch,
                            wa, caption_height, two_lines);
          allocate_caption (&self->captions[INB_SIDE_B], self->pictures[INB_SIDE_B].origin.x, y0, wb, caption_height,
                            two_lines);
        }

    }
  else
    {
      double w, h, x0, y0;
      double half;
      int handle_w = 0;
      int handle_h = 0;
      double names;   /* the height of the names above the picture */
      gboolean two_lines = FALSE;

      /* Names above, readouts below: each at its own outer corner; the two
       * names in a row where both read whole in half the width, else B's
       * under A's (at 360 px both were cut: "Take 12 · seed…") */
      for (;;)
        {
          names = two_lines ? 2 * ch + LINE_GAP : ch;
          fit (aspect_a, width - 2 * PAD, height - 2 * PAD - names - ch - 2 * CAP_GAP, &w, &h);
          half = floor ((w - GAP) / 2);
          if (two_lines ||
              (natural_size (self->captions[INB_SIDE_A].box, GTK_ORIENTATION_HORIZONTAL) <= half &&
               natural_size (self->captions[INB_SIDE_B].box, GTK_ORIENTATION_HORIZONTAL) <= half))
            break;
          two_lines = TRUE;
        }
      x0 = floor ((width - w) / 2);
      y0 = floor ((height - (names + ch + 2 * CAP_GAP + h)) / 2);
      self->pictures[INB_SIDE_A] = GRAPHENE_RECT_INIT (x0, y0 + names + CAP_GAP, w, h);
      self->pictures[INB_SIDE_B] = self->pictures[INB_SIDE_A];

      if (two_lines)
        {
          allocate_child (self->captions[INB_SIDE_A].box, x0, y0, w, ch);
          allocate_child (self->captions[INB_SIDE_B].box, x0, y0 + ch + LINE_GAP, w, ch);
        }
      else
        {
          allocate_child (self->captions[INB_SIDE_A].box, x0, y0, half, ch);
          allocate_child (self->captions[INB_SIDE_B].box, x0 + w - half, y0, half, ch);
        }
      allocate_child (self->captions[INB_SIDE_A].readout, x0, y0 + names + 2 * CAP_GAP + h,
                      natural_size (self->captions[INB_SIDE_A].readout, GTK_ORIENTATION_HORIZONTAL), ch);
      {
        int rw = natural_size (self->captions[INB_SIDE_B].readout, GTK_ORIENTATION_HORIZONTAL);

        allocate_child (self->captions[INB_SIDE_B].readout, x0 + w - rw, y0 + names + 2 * CAP_GAP + h, rw, ch);
      }

      gtk_widget_measure (self->handle, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &handle_w, NULL, NULL);
      gtk_widget_measure (self->handle, GTK_ORIENTATION_VERTICAL, -1, NULL, &handle_h, NULL, NULL);
      allocate_child (self->handle,
                      floor (x0 + self->split * w - handle_w / 2.0 + 0.5),
                      floor (y0 + names + CAP_GAP + (h - handle_h) / 2),
                      handle_w, handle_h);
    }

  if (stacked != self->stacked)
    {
      self->stacked = stacked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACKED]);
    }
}

static void
inb_compare_stage_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  InbCompareStage *self = INB_COMPARE_STAGE (widget);
  int caption_min = 0;
  int caption_nat = 0;
  int part_min = 0;   /* a name or a readout alone */

  for (guint i = 0; i < 2; i++)
    {
      int min = 0;
      int nat = 0;

      int rmin = 0;
      int rnat = 0;

      gtk_widget_measure (self->captions[i].box, orientation, -1, &min, &nat, NULL, NULL);
      gtk_widget_measure (self->captions[i].readout, orientation, -1, &rmin, &rnat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          part_min = MAX (part_min, MAX (min, rnat));
          min += rnat + (int) GAP;
          nat += rnat + (int) GAP;
        }
      else
        {
          min = MAX (min, rmin);
          nat = MAX (nat, rnat);
        }
      caption_min = MAX (caption_min, min);
      caption_nat = MAX (caption_nat, nat);
    }

  /* Narrow, the pictures stack, each with its caption in one row; a split
   * puts the two names in a row above and the two readouts below */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (MAX (caption_min, 2 * part_min + (int) GAP) + (int) (2 * PAD), 240);
      *natural = MAX (*minimum, 960);
    }
  else
    {
      *minimum = 2 * (caption_nat + (int) CAP_GAP) + (int) (2 * PAD) + 120;
      *natural = 2 * (caption_nat + (int) CAP_GAP) + (int) (2 * PAD) + 400;
    }
}

/* Drawing */

static void
inb_compare_stage_draw_side (InbCompareStage *self,
                             GtkSnapshot     *snapshot,
                             InbSide          side,
                             gboolean         shown)
{
  const graphene_rect_t *box = &self->pictures[side];
  InbPlayback *playback = inb_playback_sync_get_playback (self->sync, side);
  GdkTexture *texture = inb_playback_get_texture (playback);
  GdkPaintable *paintable;
  double aspect = gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (playback));
  double width = box->size.width;
  double height = box->size.height;

  if (shown && texture != NULL)
    {
      /* The pair as it is: drawn through the playback, which learns the
       * size it is drawn at and hands its frames over at that size. */
      g_set_object (&self->held[side], texture);
      paintable = GDK_PAINTABLE (playback);
    }
  else if (self->held[side] != NULL)
    {
      texture = self->held[side];
      paintable = GDK_PAINTABLE (texture);
    }
  else
    {
      /* No pair shown yet. */
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 0.06 }, box);
      g_clear_object (&self->drawn[side]);
      return;
    }

  g_set_object (&self->drawn[side], texture);

  if (aspect > 0.0)
    fit (aspect, box->size.width, box->size.height, &width, &height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (box->origin.x + floor ((box->size.width - width) / 2),
                                                box->origin.y + floor ((box->size.height - height) / 2)));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  gtk_snapshot_restore (snapshot);
}

static double
inb_compare_stage_divider_x (InbCompareStage *self)
{
  const graphene_rect_t *rect = &self->pictures[INB_SIDE_A];

  return floor (rect->origin.x + self->split * rect->size.width + 0.5);
}

static void
inb_compare_stage_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  InbCompareStage *self = INB_COMPARE_STAGE (widget);
  gboolean shown;

  if (self->sync != NULL)
    {
      shown = inb_playback_sync_get_shown (self->sync);

      if (self->mode == INB_COMPARE_MODE_SIDE_BY_SIDE)
        {
          inb_compare_stage_draw_side (self, snapshot, INB_SIDE_A, shown);
          inb_compare_stage_draw_side (self, snapshot, INB_SIDE_B, shown);
        }
      else
        {
          const graphene_rect_t *rect = &self->pictures[INB_SIDE_A];
          double x = inb_compare_stage_divider_x (self);
          double left = x - rect->origin.x;

          gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (rect->origin.x, rect->origin.y,
                                                                 left, rect->size.height));
          inb_compare_stage_draw_side (self, snapshot, INB_SIDE_A, shown);
          gtk_snapshot_pop (snapshot);

          gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x, rect->origin.y,
                                                                 rect->size.width - left, rect->size.height));
          inb_compare_stage_draw_side (self, snapshot, INB_SIDE_B, shown);
          gtk_snapshot_pop (snapshot);

          /* The divider: a white hairline with a soft dark edge, seen on
           * light and dark pictures alike. */
          gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.3 },
                                     &GRAPHENE_RECT_INIT (x - 2, rect->origin.y, 4, rect->size.height));
          gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 0.92 },
                                     &GRAPHENE_RECT_INIT (x - 1, rect->origin.y, 2, rect->size.height));
        }
    }

  for (guint i = 0; i < 2; i++)
    {
      gtk_widget_snapshot_child (widget, self->captions[i].box, snapshot);
      gtk_widget_snapshot_child (widget, self->captions[i].readout, snapshot);
    }
  if (self->mode == INB_COMPARE_MODE_SPLIT)
    gtk_widget_snapshot_child (widget, self->handle, snapshot);
}

/* Input */

static gboolean
inb_compare_stage_in_split (InbCompareStage *self,
                            double           x,
                            double           y)
{
  const graphene_rect_t *rect = &self->pictures[INB_SIDE_A];

  /* A little beyond the edges, so the divider can be taken all the way. */
  return self->mode == INB_COMPARE_MODE_SPLIT &&
         x >= rect->origin.x - 16 && x <= rect->origin.x + rect->size.width + 16 &&
         y >= rect->origin.y && y <= rect->origin.y + rect->size.height;
}

static void
inb_compare_stage_split_to (InbCompareStage *self,
                            double           x)
{
  const graphene_rect_t *rect = &self->pictures[INB_SIDE_A];

  if (rect->size.width > 0)
    inb_compare_stage_set_split (self, (x - rect->origin.x) / rect->size.width);
}

/* A press on the stage focuses what takes the keys: the handle when
 * splitting, otherwise the first focusable widget up the tree (the
 * compare view and its transport shortcuts). */
static void
inb_compare_stage_focus_for_keys (InbCompareStage *self,
                                  gboolean         handle)
{
  if (handle)
    {
      gtk_widget_grab_focus (self->handle);
      return;
    }

  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (self)); w != NULL; w = gtk_widget_get_parent (w))
    if (gtk_widget_get_focusable (w))
      {
        gtk_widget_grab_focus (w);
        return;
      }
}

static void
inb_compare_stage_drag_begin_cb (InbCompareStage *self,
                                 double           x,
                                 double           y,
                                 GtkGestureDrag  *gesture)
{
  if (!inb_compare_stage_in_split (self, x, y))
    {
      inb_compare_stage_focus_for_keys (self, FALSE);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  inb_compare_stage_focus_for_keys (self, TRUE);
  self->dragging = TRUE;
  self->drag_x = x;
  inb_compare_stage_split_to (self, x);
}

static void
inb_compare_stage_drag_update_cb (InbCompareStage *self,
                                  double           dx,
                                  double           dy,
                                  GtkGestureDrag  *gesture)
{
  if (self->dragging)
    inb_compare_stage_split_to (self, self->drag_x + dx);
}

static void
inb_compare_stage_drag_end_cb (InbCompareStage *self,
                               double           dx,
                               double           dy,
                               GtkGestureDrag  *gesture)
{
  if (self->dragging)
    inb_compare_stage_split_to (self, self->drag_x + dx);
  self->dragging = FALSE;
}

static void
inb_compare_stage_motion_cb (InbCompareStage          *self,
                             double                    x,
                             double                    y,
                             GtkEventControllerMotion *motion)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   inb_compare_stage_in_split (self, x, y) ? "ew-resize" : NULL);
}

static void
inb_compare_stage_nudge_split_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  InbCompareStage *self = INB_COMPARE_STAGE (widget);

  inb_compare_stage_set_split (self, self->split + g_variant_get_double (parameter));
}

/* Following the sync */

/* The pair to draw until the next one is complete. Taken now: playing, the
 * quicker side may already be on its next frame by the time the window
 * draws. */
static void
inb_compare_stage_pair_shown_cb (InbCompareStage *self)
{
  for (guint i = 0; i < 2; i++)
    g_set_object (&self->held[i], inb_playback_get_texture (inb_playback_sync_get_playback (self->sync, i)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
inb_compare_stage_swapped_cb (InbCompareStage *self)
{
  GdkTexture *texture = self->held[INB_SIDE_A];

  self->held[INB_SIDE_A] = self->held[INB_SIDE_B];
  self->held[INB_SIDE_B] = texture;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
inb_compare_stage_scale_factor_cb (InbCompareStage *self)
{
  for (guint i = 0; i < 2; i++)
    if (self->playbacks[i] != NULL)
      inb_playback_set_scale_factor (self->playbacks[i], gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

static void
inb_compare_stage_disconnect (InbCompareStage *self)
{
  for (guint i = 0; i < 2; i++)
    {
      if (self->playbacks[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->playbacks[i], self);
      g_clear_object (&self->playbacks[i]);
      g_clear_object (&self->held[i]);
      g_clear_object (&self->drawn[i]);
    }

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
}

/**
 * inb_compare_stage_set_sync:
 * @sync: (nullable): the two sides to draw
 */
void
inb_compare_stage_set_sync (InbCompareStage *self,
                            InbPlaybackSync *sync)
{
  g_return_if_fail (INB_IS_COMPARE_STAGE (self));
  g_return_if_fail (!sync || INB_IS_PLAYBACK_SYNC (sync));

  if (sync == self->sync)
    return;

  inb_compare_stage_disconnect (self);
  if (sync == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  self->sync = g_object_ref (sync);
  g_signal_connect_object (sync, "pair-shown", G_CALLBACK (inb_compare_stage_pair_shown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::shown", G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::ready", G_CALLBACK (gtk_widget_queue_resize), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "swapped", G_CALLBACK (inb_compare_stage_swapped_cb), self, G_CONNECT_SWAPPED);

  for (guint i = 0; i < 2; i++)
    {
      self->playbacks[i] = g_object_ref (inb_playback_sync_get_playback (sync, i));
      g_signal_connect_object (self->playbacks[i], "invalidate-contents",
                               G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->playbacks[i], "invalidate-size",
                               G_CALLBACK (gtk_widget_queue_resize), self, G_CONNECT_SWAPPED);
    }
  inb_compare_stage_scale_factor_cb (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

InbCompareMode
inb_compare_stage_get_mode (InbCompareStage *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), INB_COMPARE_MODE_SIDE_BY_SIDE);

  return self->mode;
}

void
inb_compare_stage_set_mode (InbCompareStage *self,
                            InbCompareMode   mode)
{
  g_return_if_fail (INB_IS_COMPARE_STAGE (self));
  g_return_if_fail (mode == INB_COMPARE_MODE_SIDE_BY_SIDE || mode == INB_COMPARE_MODE_SPLIT);

  if (mode == self->mode)
    return;

  /* The handle cannot keep the focus while hidden. */
  if (mode != INB_COMPARE_MODE_SPLIT && gtk_widget_has_focus (self->handle))
    inb_compare_stage_focus_for_keys (self, FALSE);

  self->mode = mode;
  gtk_widget_set_visible (self->handle, mode == INB_COMPARE_MODE_SPLIT);
  /* Split: B's caption is on the right, its badge at the outer edge. */
  caption_set_mirrored (&self->captions[INB_SIDE_B], mode == INB_COMPARE_MODE_SPLIT);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

double
inb_compare_stage_get_split (InbCompareStage *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), 0.5);

  return self->split;
}

/**
 * inb_compare_stage_set_split:
 * @split: where the divider is, from 0 (all B) to 1 (all A)
 */
void
inb_compare_stage_set_split (InbCompareStage *self,
                             double           split)
{
  g_autofree char *text = NULL;

  g_return_if_fail (INB_IS_COMPARE_STAGE (self));

  split = CLAMP (split, 0.0, 1.0);
  if (G_APPROX_VALUE (split, self->split, 1e-9))
    return;

  self->split = split;

  /* Translators: where the split between the two takes is, as the part of the picture each one shows */
  text = g_strdup_printf (_("A %d %%, B %d %%"), (int) floor (split * 100 + 0.5), 100 - (int) floor (split * 100 + 0.5));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->handle),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, split * 100,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);

  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPLIT]);
}

/**
 * inb_compare_stage_set_caption:
 * @title: (nullable): the take's name
 * @readout: (nullable): the frame and time it shows
 */
void
inb_compare_stage_set_caption (InbCompareStage *self,
                               InbSide          side,
                               const char      *title,
                               const char      *readout)
{
  g_return_if_fail (INB_IS_COMPARE_STAGE (self));
  g_return_if_fail (side == INB_SIDE_A || side == INB_SIDE_B);

  gtk_label_set_label (GTK_LABEL (self->captions[side].title), title ? title : "");
  gtk_widget_set_tooltip_text (self->captions[side].title, title);
  gtk_label_set_label (GTK_LABEL (self->captions[side].readout), readout ? readout : "");
}

const char *
inb_compare_stage_get_title (InbCompareStage *self,
                             InbSide          side)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return gtk_label_get_label (GTK_LABEL (self->captions[side].title));
}

const char *
inb_compare_stage_get_readout (InbCompareStage *self,
                               InbSide          side)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return gtk_label_get_label (GTK_LABEL (self->captions[side].readout));
}

/**
 * inb_compare_stage_get_stacked:
 *
 * Returns: whether side by side is laid out one above the other (the
 *   pictures are larger that way in a narrow stage)
 */
gboolean
inb_compare_stage_get_stacked (InbCompareStage *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), FALSE);

  return self->stacked;
}

/**
 * inb_compare_stage_get_picture_rect:
 * @rect: (out): where @side's picture goes, in the stage's coordinates
 *   (the whole picture: when split, both sides have the same rect)
 *
 * Returns: whether the stage has been laid out
 */
gboolean
inb_compare_stage_get_picture_rect (InbCompareStage *self,
                                    InbSide          side,
                                    graphene_rect_t *rect)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), FALSE);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, FALSE);

  *rect = self->pictures[side];

  return rect->size.width > 0 && rect->size.height > 0;
}

/**
 * inb_compare_stage_get_handle:
 *
 * Returns: (transfer none): the divider's handle
 */
GtkWidget *
inb_compare_stage_get_handle (InbCompareStage *self)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), NULL);

  return self->handle;
}

/**
 * inb_compare_stage_get_drawn:
 *
 * Returns: (transfer none) (nullable): the frame the last snapshot drew
 *   for @side
 */
GdkTexture *
inb_compare_stage_get_drawn (InbCompareStage *self,
                             InbSide          side)
{
  g_return_val_if_fail (INB_IS_COMPARE_STAGE (self), NULL);
  g_return_val_if_fail (side == INB_SIDE_A || side == INB_SIDE_B, NULL);

  return self->drawn[side];
}

/* GObject */

static void
inb_compare_stage_dispose (GObject *object)
{
  InbCompareStage *self = INB_COMPARE_STAGE (object);

  inb_compare_stage_disconnect (self);

  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&self->captions[i].box, gtk_widget_unparent);
      g_clear_pointer (&self->captions[i].readout, gtk_widget_unparent);
    }
  g_clear_pointer (&self->handle, gtk_widget_unparent);

  G_OBJECT_CLASS (inb_compare_stage_parent_class)->dispose (object);
}

static void
inb_compare_stage_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  InbCompareStage *self = INB_COMPARE_STAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;

    case PROP_SPLIT:
      g_value_set_double (value, self->split);
      break;

    case PROP_STACKED:
      g_value_set_boolean (value, self->stacked);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_compare_stage_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  InbCompareStage *self = INB_COMPARE_STAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      inb_compare_stage_set_mode (self, g_value_get_int (value));
      break;

    case PROP_SPLIT:
      inb_compare_stage_set_split (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inb_compare_stage_class_init (InbCompareStageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inb_compare_stage_dispose;
  object_class->get_property = inb_compare_stage_get_property;
  object_class->set_property = inb_compare_stage_set_property;

  widget_class->measure = inb_compare_stage_measure;
  widget_class->size_allocate = inb_compare_stage_size_allocate;
  widget_class->snapshot = inb_compare_stage_snapshot;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL,
                      INB_COMPARE_MODE_SIDE_BY_SIDE, INB_COMPARE_MODE_SPLIT, INB_COMPARE_MODE_SIDE_BY_SIDE,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SPLIT] =
    g_param_spec_double ("split", NULL, NULL, 0.0, 1.0, 0.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STACKED] =
    g_param_spec_boolean ("stacked", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "stage.nudge-split", "d",
                                   inb_compare_stage_nudge_split_action);

  gtk_widget_class_set_css_name (widget_class, "comparestage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inb_compare_stage_init (InbCompareStage *self)
{
  GtkGesture *drag;
  GtkEventController *motion;

  self->split = 0.5;

  caption_init (&self->captions[INB_SIDE_A], GTK_WIDGET (self), "A", "a");
  caption_init (&self->captions[INB_SIDE_B], GTK_WIDGET (self), "B", "b");
  self->handle = g_object_new (INB_TYPE_COMPARE_HANDLE, NULL);
  gtk_widget_set_parent (self->handle, GTK_WIDGET (self));
  gtk_widget_set_visible (self->handle, FALSE);

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Takes A and B"),
                                  -1);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (inb_compare_stage_drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (inb_compare_stage_drag_update_cb), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (inb_compare_stage_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (inb_compare_stage_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (inb_compare_stage_scale_factor_cb), NULL);
}
