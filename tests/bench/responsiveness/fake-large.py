#!/usr/bin/env python3
# fake-large.py: a loopback HTTP server with one "large body" route, for
# the responsiveness bench (not a test fake: nothing here is asserted).
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   GET /large/<bytes>[?rate=<bytes per second>]
#
# answers 200 with Content-Length <bytes> of incompressible data, written
# in 64 KiB chunks (throttled to <rate> if given). Prints "PORT <n>" on
# stdout once listening, serves until stdin closes or it is killed.

import http.server
import os
import socketserver
import sys
import threading
import time
import urllib.parse

CHUNK = 64 * 1024
BLOCK = os.urandom(1024 * 1024)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "large" or not parts[1].isdigit():
            self.send_error(404)
            return
        size = int(parts[1])
        query = urllib.parse.parse_qs(url.query)
        rate = int(query.get("rate", ["0"])[0])

        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(size))
        self.end_headers()

        sent = 0
        start = time.monotonic()
        try:
            while sent < size:
                n = min(CHUNK, size - sent)
                offset = sent % len(BLOCK)
                if offset + n > len(BLOCK):
                    offset = 0
                self.wfile.write(BLOCK[offset:offset + n])
                sent += n
                if rate > 0:
                    ahead = sent / rate - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print("PORT %d" % server.server_address[1], flush=True)
    # Serve until whoever started us goes away.
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
