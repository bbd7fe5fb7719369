#!/usr/bin/python3
# fake-secret-service.py — a Secret Service that never answers
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Owns org.freedesktop.secrets on the session bus (DBUS_SESSION_BUS_ADDRESS,
# a private bus the test starts) and swallows every method call sent to
# it: a keyring daemon that hangs, as in ../shared/research/reliability.md
# R4. With --answer-after SECONDS each call gets an error reply that late
# instead (a daemon that is merely very slow).
#
# Prints "ready" once the name is owned, then one line per call received,
# "call <interface>.<member> <path>", so the test can tell the client
# really waited on this service. Exits when stdin closes or the bus goes.
#
# Needs python3-gi (Gio); run it with /usr/bin/python3.

import argparse
import sys
import threading

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.secrets"


def main():
    parser = argparse.ArgumentParser(description="a Secret Service that never answers")
    parser.add_argument("--answer-after", type=float, default=None,
                        help="reply with an error after this many seconds instead of never")
    args = parser.parse_args()

    loop = GLib.MainLoop()
    conn = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    conn.set_exit_on_close(False)
    held = []   # calls never answered stay referenced here
    lock = threading.Lock()

    def answer_later(message):
        reply = message.new_method_error_literal("org.freedesktop.DBus.Error.Failed",
                                                 "the fake keyring answers too late")
        conn.send_message(reply, Gio.DBusSendMessageFlags.NONE)
        return GLib.SOURCE_REMOVE

    def on_message(connection, message, incoming):
        if not incoming or message.get_message_type() != Gio.DBusMessageType.METHOD_CALL:
            return message
        print("call %s.%s %s" % (message.get_interface(), message.get_member(), message.get_path()),
              flush=True)
        with lock:
            held.append(message)
        if args.answer_after is not None:
            GLib.timeout_add(int(args.answer_after * 1000), answer_later, message)
        return None   # dropped: the caller waits

    conn.add_filter(on_message)
    conn.connect("closed", lambda *_: loop.quit())

    reply = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "RequestName", GLib.Variant("(su)", (NAME, 4)),  # DO_NOT_QUEUE
                           GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, 5000, None)
    if reply.unpack()[0] != 1:   # PRIMARY_OWNER
        print("could not own %s" % NAME, file=sys.stderr, flush=True)
        sys.exit(1)
    print("ready", flush=True)

    def watch_stdin():
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
