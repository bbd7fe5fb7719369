/* inb-test-utils.h — shared helpers for the GTest suites
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "inb-image.h"

G_BEGIN_DECLS

/* A deterministic, richly textured RGB test image (smooth gradients plus
 * blobs), shifted by (dx, dy) pixels with bilinear sampling. */
InbImage   *inb_test_textured_image (guint       width,
                                     guint       height,
                                     double      dx,
                                     double      dy);
double      inb_test_psnr           (const InbImage *a,
                                     const InbImage *b);
JsonObject *inb_test_parse_object   (const char *json);
char       *inb_test_make_tmpdir    (void);
void        inb_test_rm_rf          (const char *path);
guint       inb_test_seconds        (guint       seconds);

G_END_DECLS
