#!/usr/bin/env python3
# fake-http.py — a loopback HTTP server misbehaving on demand, for test-http
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Routes (query parameters in brackets):
#   /ok                         200 {"ok":true,"n":<hits>}
#   /echo [status]              200 (or status) with the method, headers and
#                               body seen, and "message": "boom <key> echoed"
#   /status/<code> [times,retry_after]
#                               <code> for the first `times` hits on this exact
#                               URL (always when absent), then 200; retry_after
#                               is seconds, "past" (an HTTP-date in 2015) or
#                               "absurd" (999999999)
#   /stall                      headers + 10 bytes of 1000, then silence
#   /silent                     accepts, then never answers
#   /drip [size,interval]       one byte every `interval` seconds
#   /truncated [size]           Content-Length size, half of it, then close
#   /chunked [size]             a chunked body of `size` bytes
#   /length [size]              a body of `size` bytes with Content-Length
#   /deep [depth]               [[[…]]] nested `depth` times
#   /badjson                    truncated JSON
#   /redirect [to,code]         a redirect to `to`
#   /file [size,norange,cut,type]
#                               deterministic bytes; Range honoured unless
#                               norange=1; the first hit is cut after `cut`
#                               bytes; `type` overrides the content type
#   /html                       200 text/html
#   /expired                    403 with an OSS-style XML body

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakelib  # noqa: E402


def file_bytes(size):
    return bytes((i * 7 + 3) % 251 for i in range(size))


class Handler(fakelib.FakeHandler):
    def route(self, method, path, query, body):
        hits = self.state.count(self.path)

        if path == "/ok":
            self.send_json(200, {"ok": True, "n": hits})

        elif path == "/echo":
            auth = self.headers.get("Authorization") or ""
            key = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
            self.send_json(int(query.get("status", "200")), {
                "method": method,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                # what some services do with a bad key (issue 13 item 8)
                "message": "boom %s echoed" % key,
            })

        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            times = int(query["times"]) if "times" in query else None
            if times is None or hits <= times:
                headers = {}
                ra = query.get("retry_after")
                if ra == "past":
                    headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
                elif ra == "absurd":
                    headers["Retry-After"] = "999999999"
                elif ra is not None:
                    headers["Retry-After"] = ra
                self.send_json(code, {"code": "Fake%d" % code,
                                      "message": "fake status %d" % code},
                               headers)
            else:
                self.send_json(200, {"ok": True, "attempt": hits})

        elif path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"a":"xxxx')
            self.wfile.flush()
            self.hang()

        elif path == "/silent":
            self.hang()

        elif path == "/drip":
            size = int(query.get("size", "100"))
            interval = float(query.get("interval", "0.5"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            for _ in range(size):
                if self.server.stopping:
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(interval)

        elif path == "/truncated":
            size = int(query.get("size", "1000"))
            data = file_bytes(size)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(data[: size // 2])
            self.wfile.flush()
            self.close_connection = True

        elif path == "/chunked":
            size = int(query.get("size", "1000"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            chunk = b"a" * 65536
            while sent < size:
                n = min(len(chunk), size - sent)
                self.wfile.write(b"%x\r\n" % n + chunk[:n] + b"\r\n")
                sent += n
            self.wfile.write(b"0\r\n\r\n")

        elif path == "/length":
            size = int(query.get("size", "1000"))
            self.send_bytes(200, b"a" * size, "application/json")

        elif path == "/deep":
            depth = int(query.get("depth", "100"))
            self.send_raw_json(200, "[" * depth + "]" * depth)

        elif path == "/badjson":
            self.send_raw_json(200, '{"output": {"task_status": ')

        elif path == "/redirect":
            code = int(query.get("code", "302"))
            self.send_response(code)
            self.send_header("Location", query.get("to", "/ok"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        elif path == "/file":
            self.serve_file(query, hits)

        elif path == "/html":
            self.send_bytes(200, b"<!DOCTYPE html><html><body>Error</body></html>",
                            "text/html; charset=utf-8")

        elif path == "/expired":
            self.send_bytes(403,
                            b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
                            b"<Code>AccessDenied</Code><Message>Request has expired."
                            b"</Message></Error>", "application/xml")

        else:
            self.send_json(404, {"message": "no such route"})

    def serve_file(self, query, hits):
        size = int(query.get("size", "100000"))
        data = file_bytes(size)
        ctype = query.get("type", "video/mp4")
        start = 0
        rng = self.headers.get("Range")
        if rng and query.get("norange") != "1":
            spec = rng.split("=", 1)[1]
            start = int(spec.split("-", 1)[0])
            if start >= size:
                self.send_bytes(416, b"", ctype,
                                {"Content-Range": "bytes */%d" % size})
                return
            self.send_response(206)
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (start, size - 1, size))
        else:
            self.send_response(200)
            self.send_header("Accept-Ranges",
                             "none" if query.get("norange") == "1" else "bytes")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(size - start))
        self.end_headers()

        cut = int(query["cut"]) if "cut" in query else None
        if cut is not None and hits == 1:
            self.wfile.write(data[start:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data[start:])


if __name__ == "__main__":
    fakelib.run(Handler, "fake HTTP server for test-http")
