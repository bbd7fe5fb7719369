/* inb-fake-secret-service.h — a private session bus with a Secret Service that never answers, or answers in trouble
 *
 * Copyright 2026 The Inbetween authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _InbFakeSecretService InbFakeSecretService;

/* Starts a dbus-daemon of its own and, on it, tests/fakes/fake-secret-service.py
 * (with /usr/bin/python3, for python3-gi); returns once the fake owns
 * org.freedesktop.secrets. */
InbFakeSecretService *inb_fake_secret_service_start           (void);
/* The same, answering as a keyring in trouble does: "no-collection" (the
 * default keyring does not exist), "locked" (it is locked and the unlock
 * prompt is dismissed); NULL: never answers. */
InbFakeSecretService *inb_fake_secret_service_start_mode      (const char           *mode);
/* The bus to give a client as DBUS_SESSION_BUS_ADDRESS */
const char           *inb_fake_secret_service_get_bus_address (InbFakeSecretService *self);
/* Stops both; returns how many method calls the fake received (and left
 * unanswered). */
guint                 inb_fake_secret_service_stop            (InbFakeSecretService *self);

G_END_DECLS
