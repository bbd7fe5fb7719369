/* inb-compare-picker.h — "Compare with…": the second take for a compare
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "inb-compare-window.h"
#include "inb-session.h"
#include "inb-take-entry.h"

G_BEGIN_DECLS

#define INB_TYPE_COMPARE_PICKER (inb_compare_picker_get_type ())

G_DECLARE_FINAL_TYPE (InbComparePicker, inb_compare_picker, INB, COMPARE_PICKER, AdwWindow)

InbComparePicker *inb_compare_picker_present   (GtkWindow        *parent,
                                                InbSession       *session,
                                                GListModel       *takes,
                                                InbTakeEntry     *a);
GListModel       *inb_compare_picker_get_model (InbComparePicker *self);
InbCompareWindow *inb_compare_picker_choose    (InbComparePicker *self,
                                                InbTakeEntry     *b);

char             *inb_compare_picker_dup_label (InbTakeEntry     *entry);

G_END_DECLS
