/* inb-toasts.h — toasts shown one at a time, around two libadwaita 1.2 bugs
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef struct _InbToasts InbToasts;

InbToasts *inb_toasts_new       (GtkWidget  *owner);
InbToasts *inb_toasts_ref       (InbToasts  *self);
void       inb_toasts_unref     (InbToasts  *self);
AdwToast  *inb_toasts_new_toast (InbToasts  *self,
                                 const char *title);
void       inb_toasts_show      (InbToasts  *self,
                                 AdwToast   *toast);
void       inb_toasts_dismiss   (InbToasts  *self,
                                 AdwToast   *toast);
GtkWidget *inb_toasts_get_owner (InbToasts  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InbToasts, inb_toasts_unref)

G_END_DECLS
