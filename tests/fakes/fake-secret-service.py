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
# With --mode it answers as a Secret Service in trouble does, enough of the
# protocol for libsecret to get as far as storing an item:
#   no-collection  the default keyring does not exist: CreateItem on it
#                  fails with UnknownObject "Object does not exist at path
#                  '/org/freedesktop/secrets/collection/login'" (as reported
#                  in issue 12), also after it says it made one
#   locked         the default keyring is locked: CreateItem fails with
#                  IsLocked, Unlock asks for a prompt, and the prompt
#                  completes dismissed (the user closed it)
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
    parser.add_argument("--mode", choices=["hang", "no-collection", "locked"], default="hang",
                        help="how the keyring answers (default: never)")
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

    def send_reply(message, signature, value):
        r = message.new_method_reply()
        if signature is not None:
            r.set_body(GLib.Variant(signature, value))
        conn.send_message(r, Gio.DBusSendMessageFlags.NONE)

    def fail(message, name, text):
        conn.send_message(message.new_method_error_literal(name, text), Gio.DBusSendMessageFlags.NONE)

    def answer(message):
        member = message.get_member()
        path = message.get_path()
        if message.get_interface() == "org.freedesktop.DBus.Properties":
            if member == "GetAll":
                send_reply(message, "(a{sv})", ({},))
            else:
                fail(message, "org.freedesktop.DBus.Error.UnknownProperty", "no such property")
        elif member == "OpenSession":
            algorithm = message.get_body().unpack()[0]
            if algorithm == "plain":
                send_reply(message, "(vo)", (GLib.Variant("s", ""), "/org/freedesktop/secrets/session/s1"))
            else:
                fail(message, "org.freedesktop.DBus.Error.NotSupported", "only plain")
        elif member == "SearchItems":
            send_reply(message, "(aoao)", ([], []))
        elif member == "ReadAlias":
            send_reply(message, "(o)", ("/",))
        elif member == "CreateItem" and args.mode == "no-collection":
            fail(message, "org.freedesktop.DBus.Error.UnknownObject",
                 "Object does not exist at path '/org/freedesktop/secrets/collection/login'")
        elif member == "CreateCollection":
            # Says it made one, without a prompt; the alias still leads nowhere
            send_reply(message, "(oo)", ("/org/freedesktop/secrets/collection/login", "/"))
        elif member == "CreateItem":
            fail(message, "org.freedesktop.Secret.Error.IsLocked", "Cannot create an item in a locked collection")
        elif member == "Unlock":
            send_reply(message, "(aoo)", ([], "/org/freedesktop/secrets/prompt/p1"))
        elif member == "Prompt":
            send_reply(message, None, None)
            # The user closes the unlock dialog
            conn.emit_signal(None, path, "org.freedesktop.Secret.Prompt", "Completed",
                             GLib.Variant("(bv)", (True, GLib.Variant("ao", []))))
        elif member == "Dismiss":
            send_reply(message, None, None)
        else:
            fail(message, "org.freedesktop.DBus.Error.UnknownMethod", "not in this fake")
        return GLib.SOURCE_REMOVE

    def on_message(connection, message, incoming):
        if not incoming or message.get_message_type() != Gio.DBusMessageType.METHOD_CALL:
            return message
        print("call %s.%s %s" % (message.get_interface(), message.get_member(), message.get_path()),
              flush=True)
        if args.mode != "hang":
            GLib.idle_add(answer, message)
            return None
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
