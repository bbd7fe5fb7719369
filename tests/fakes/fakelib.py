# fakelib.py — shared plumbing for the loopback fake servers
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Python 3 stdlib only. Every fake binds 127.0.0.1 (or --host) on a free port, prints
# "PORT <n>" on stdout, records every request (method, path, headers,
# body size and, for small bodies, the body) and answers these control
# routes, which are never recorded:
#
#   GET  /_control/requests   -> JSON list of recorded requests
#   POST /_control/reset      -> forget requests, counters and scripts
#                                (back to the --script settings)
#   POST /_control/script     -> body {"<key>": <value>, ...} merged into
#                                the fake's scenario settings
#   POST /_control/quit       -> stop serving
#
# A fake exits by itself after --lifetime seconds (default 600) so a
# crashed test can never leave it running.

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_RECORDED_BODY = 64 * 1024


class FakeState:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.counters = {}
        self.script = {}
        self.initial = {}   # --script settings, kept across resets
        self.tasks = {}     # provider fakes keep their jobs here

    def reset(self):
        with self.lock:
            self.requests = []
            self.counters = {}
            self.script = dict(self.initial)
            self.tasks = {}

    def count(self, key):
        """Increments and returns the counter for key (1 on first use)."""
        with self.lock:
            n = self.counters.get(key, 0) + 1
            self.counters[key] = n
            return n

    def get(self, key, default=None):
        with self.lock:
            return self.script.get(key, default)


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "InbFake/1.0"

    # Subclasses implement route(self, method, path, query, body)
    def route(self, method, path, query, body):
        self.send_json(404, {"message": "no such route"})

    @property
    def state(self):
        return self.server.state

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fake: " + (fmt % args) + "\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0:
            return b""
        return self.rfile.read(length)

    def record(self, method, body):
        entry = {
            "method": method,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body_size": len(body),
            "time": time.time(),
        }
        if len(body) <= MAX_RECORDED_BODY:
            try:
                entry["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                entry["body"] = None
        with self.state.lock:
            self.state.requests.append(entry)
        return entry

    def handle_any(self, method):
        body = self.read_body()
        path, _, qs = self.path.partition("?")
        query = {}
        for part in qs.split("&"):
            if part:
                k, _, v = part.partition("=")
                query[k] = _unquote(v)

        if path.startswith("/_control/"):
            self.control(method, path, body)
            return

        # Routes may add an "info" summary (e.g. of a large submit body)
        self.entry = self.record(method, body)
        try:
            self.route(method, path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def control(self, method, path, body):
        if path == "/_control/requests":
            with self.state.lock:
                data = list(self.state.requests)
            self.send_json(200, data)
        elif path == "/_control/reset":
            self.state.reset()
            self.send_json(200, {"ok": True})
        elif path == "/_control/script":
            update = json.loads(body or b"{}")
            with self.state.lock:
                self.state.script.update(update)
            self.send_json(200, {"ok": True})
        elif path == "/_control/quit":
            self.send_json(200, {"ok": True})
            threading.Thread(target=self.server.shutdown, daemon=True).start()
        else:
            self.send_json(404, {"message": "no such control route"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_HEAD(self):
        self.handle_any("HEAD")


    # Answer helpers

    def send_bytes(self, status, data, content_type="application/octet-stream",
                   headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj).encode("utf-8")
        self.send_bytes(status, data, "application/json", headers)

    def send_raw_json(self, status, text, headers=None):
        self.send_bytes(status, text.encode("utf-8"), "application/json", headers)

    def close_without_answer(self):
        """Drops the connection: the request arrived, no answer leaves."""
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def serve_range(self, data, content_type, cut=None, stall=False):
        """Serves data honouring "Range: bytes=N-"; cut: stop after so
        many bytes of the body and close (a broken transfer), or with
        stall, keep the connection open sending nothing more (a stalled
        one)."""
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=", 1)[1].split("-", 1)[0])
            if start >= len(data):
                self.send_bytes(416, b"", content_type,
                                {"Content-Range": "bytes */%d" % len(data)})
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d"
                             % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if cut is not None:
            self.wfile.write(data[start:cut])
            self.wfile.flush()
            if stall:
                self.hang()
            self.close_connection = True
            return
        self.wfile.write(data[start:])

    def hang(self, seconds=None):
        """Keeps the connection open without sending anything."""
        limit = seconds if seconds is not None else self.server.lifetime
        end = time.time() + limit
        while time.time() < end and not self.server.stopping:
            time.sleep(0.05)
        self.close_connection = True


def _unquote(text):
    from urllib.parse import unquote
    return unquote(text)


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, verbose=False, lifetime=600, host="127.0.0.1"):
        super().__init__((host, 0), handler)
        self.state = FakeState()
        self.verbose = verbose
        self.lifetime = lifetime
        self.stopping = False
        self.tls_context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        with self.state.lock:
            self.state.counters["connections"] = self.state.counters.get("connections", 0) + 1
        if self.tls_context is not None:
            # A failed handshake raises an OSError: socketserver drops it
            sock.settimeout(5)
            sock = self.tls_context.wrap_socket(sock, server_side=True)
            sock.settimeout(None)
        return sock, addr

    def handle_error(self, request, client_address):
        # Clients hanging up on a stalled or oversized answer is the point
        # of many tests: only report other trouble.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def run(handler, description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--lifetime", type=float, default=600)
    parser.add_argument("--tls", default=None, metavar="DIR",
                        help="serve https with DIR/cert.pem and DIR/key.pem")
    parser.add_argument("--watch-stdin", action="store_true",
                        help="exit when standard input closes")
    parser.add_argument("--script", default=None,
                        help="initial scenario settings as JSON")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to bind (default 127.0.0.1); a test of what "
                             "happens on a network binds this machine's own address")
    args = parser.parse_args()

    server = FakeServer(handler, args.verbose, args.lifetime, args.host)
    if args.tls:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(args.tls, "cert.pem"),
                                os.path.join(args.tls, "key.pem"))
        server.tls_context = context
    if args.script:
        server.state.initial.update(json.loads(args.script))
        server.state.script.update(server.state.initial)

    def stop_later():
        time.sleep(args.lifetime)
        server.stopping = True
        server.shutdown()

    threading.Thread(target=stop_later, daemon=True).start()

    if args.watch_stdin:
        # The test holds our stdin open: EOF means it is gone (even if it
        # crashed), so leave at once instead of keeping its pipes open.
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)

        threading.Thread(target=watch_stdin, daemon=True).start()

    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    server.stopping = True
    server.server_close()


def image_info(data):
    """(mime, width, height) of PNG/JPEG bytes, or (None, 0, 0)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w = int.from_bytes(data[16:20], "big")
        h = int.from_bytes(data[20:24], "big")
        color_type = data[25] if len(data) > 25 else 0
        return ("image/png" if color_type not in (4, 6) else "image/png+alpha", w, h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            length = int.from_bytes(data[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h = int.from_bytes(data[i + 5:i + 7], "big")
                w = int.from_bytes(data[i + 7:i + 9], "big")
                return ("image/jpeg", w, h)
            i += 2 + length
        return ("image/jpeg", 0, 0)
    return (None, 0, 0)


def parse_data_uri(uri):
    """(declared mime, bytes) of a base64 data: URI, or (None, None)."""
    import base64
    if not isinstance(uri, str) or not uri.startswith("data:"):
        return (None, None)
    head, sep, payload = uri.partition(",")
    if not sep or not head.endswith(";base64"):
        return (None, None)
    try:
        return (head[5:-7], base64.b64decode(payload, validate=True))
    except ValueError:
        return (None, None)
