/* inb-cap-bin.h — a bin around an AdwFlap that caps the flap's width
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INB_TYPE_CAP_BIN (inb_cap_bin_get_type ())

G_DECLARE_FINAL_TYPE (InbCapBin, inb_cap_bin, INB, CAP_BIN, AdwBin)

/**
 * InbCapBin:
 *
 * Holds an AdwFlap whose flap and content both expand. libadwaita 1.2
 * gives such a flap half the width, however wide the window (the editor
 * took 800 px of 1600 and left the player the narrowest pane), and a
 * flap that does not expand only its minimum. This bin keeps the half
 * and half while the flap's half is at most #InbCapBin:max-flap-width;
 * above that, the flap stops expanding and asks for that width, and the
 * content takes the rest. Below the cap nothing changes, so the flap
 * folds (and the panes inside the content fold) where they did.
 */
GtkWidget *inb_cap_bin_new (void);

G_END_DECLS
