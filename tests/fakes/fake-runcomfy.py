#!/usr/bin/env python3
# fake-runcomfy.py — a loopback RunComfy Model API (community/wan-2-2/first-last-frame)
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Faithful to ../shared/research/cloud-apis.md §3, failures included.
# Base URL: http://127.0.0.1:<port>
#
#   POST /v1/models/<model_id>            submit (flat node-keyed JSON)
#   GET  /v1/requests/<id>/status
#   GET  /v1/requests/<id>/result         the current state until completed
#   POST /v1/requests/<id>/cancel         only while in_queue
#   GET  /files/<id>.mp4                  results
#
# Scenario keys:
#   key               the valid token (default "rc-test")
#   submit_error      {"status":…, "body":{…}}: every submit answers so
#   submit_drop       true: create the request, drop the connection
#   submit_200_error  {"error_code":…, "error_message":…}: HTTP 200 with an
#                     error_code (a failure despite the status)
#   queue_polls       polls answered in_queue (default 1), queue position
#                     counting down
#   progress_polls    then polls answered in_progress (default 1)
#   final             "completed" (default) | "failed" | "cancelled"
#   fail_error        the error of a failed request
#   output_form       "video" (default) | "videos"
#   poll_errors       [status, …]: the first polls answer these HTTP errors
#   video, video_path as in fake-dashscope.py

import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakelib  # noqa: E402

MODEL = "community/wan-2-2/first-last-frame"
RESOLUTIONS = ["480x480 (1:1)", "720x720 (1:1)", "480x720 (2:3)", "720x480 (3:2)",
               "540x960 (9:16)", "576x1024 (9:16)", "720x1280 (9:16)", "960x540 (16:9)",
               "1024x576 (16:9)", "1280x720 (16:9)"]
MAX_IMAGE = 6 * 1024 * 1024


class Invalid(Exception):
    pass


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Handler(fakelib.FakeHandler):
    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def route(self, method, path, query, body):
        if path.startswith("/files/"):
            self.serve_video()
            return

        auth = self.headers.get("Authorization")
        if auth != "Bearer " + self.state.get("key", "rc-test"):
            self.send_json(401, {"error_code": 401, "error_message": "Invalid or missing API token"})
            return

        if method == "POST" and path.startswith("/v1/models/"):
            self.submit(path[len("/v1/models/"):], body)
        elif path.startswith("/v1/requests/"):
            rest = path[len("/v1/requests/"):]
            rid, _, action = rest.partition("/")
            if method == "GET" and action in ("status", "result"):
                self.status(rid, action)
            elif method == "POST" and action == "cancel":
                self.cancel(rid)
            else:
                self.send_json(404, {"detail": "Not Found"})
        else:
            self.send_json(404, {"detail": "Not Found"})

    # --- submit --------------------------------------------------------

    def check_image(self, key, value, info):
        if not isinstance(value, str) or not value:
            raise Invalid("%s is required" % key)
        if value.startswith("https://") or value.startswith("http://"):
            info[key] = {"kind": "url"}
            return
        mime, data = fakelib.parse_data_uri(value)
        if data is None:
            raise Invalid("%s must be a URL or a base64 data URI" % key)
        real, w, h = fakelib.image_info(data)
        info[key] = {"kind": "data", "mime": mime, "real": real, "width": w,
                     "height": h, "bytes": len(data)}
        if real is None or real.split("+")[0] != mime:
            raise Invalid("%s: content does not match %s" % (key, mime))
        if len(data) > MAX_IMAGE:
            raise Invalid("%s is larger than 6 MiB" % key)

    def validate(self, req, info):
        self.check_image("68_image", req.get("68_image"), info)
        self.check_image("62_image", req.get("62_image"), info)
        text = req.get("6_text")
        if not isinstance(text, str) or not text.strip():
            raise Invalid("6_text is required")
        res = req.get("71_widthx71_height", "720x720 (1:1)")
        if res not in RESOLUTIONS:
            raise Invalid("71_widthx71_height must be one of %s" % RESOLUTIONS)
        length = req.get("67_length", 81)
        if length not in (81, 141) or not is_int(length):
            raise Invalid("67_length must be 81 or 141")
        fps = req.get("73_frame_rate", 16)
        if not is_int(fps) or not 12 <= fps <= 24:
            raise Invalid("73_frame_rate must be between 12 and 24")
        steps = req.get("57_steps", 20)
        if not is_int(steps) or not 6 <= steps <= 20:
            raise Invalid("57_steps must be between 6 and 20")
        cfg = req.get("57_cfg", 4)
        if not is_num(cfg) or not 0.6 <= cfg <= 4:
            raise Invalid("57_cfg must be between 0.6 and 4")
        shift = req.get("54_shift", 8)
        if not is_num(shift) or not 1 <= shift <= 15:
            raise Invalid("54_shift must be between 1 and 15")
        seed = req.get("57_noise_seed", 96860978)
        if not is_int(seed):
            raise Invalid("57_noise_seed must be an integer")
        info["body"] = {k: v for k, v in req.items() if k not in ("68_image", "62_image")}

    def submit(self, model_id, body):
        info = {}
        self.entry["info"] = info
        if model_id != MODEL:
            self.send_json(404, {"error_code": 404, "error_message": "Model not found: %s" % model_id})
            return
        forced = self.state.get("submit_error")
        if forced:
            self.send_json(forced.get("status", 422), forced.get("body", {"detail": "forced"}))
            return
        forced = self.state.get("submit_200_error")
        if forced:
            self.send_json(200, forced)
            return
        try:
            req = json.loads(body)
            if not isinstance(req, dict):
                raise Invalid("body must be an object")
            self.validate(req, info)
        except (ValueError, Invalid) as e:
            self.send_json(422, {"error_code": 422, "error_message": str(e)})
            return

        rid = uuid.uuid4().hex
        with self.state.lock:
            self.state.tasks[rid] = {"polls": 0, "cancelled": False}
        info["request_id"] = rid
        if self.state.get("submit_drop"):
            self.close_without_answer()
            return
        base = self.base() + "/v1/requests/" + rid
        self.send_json(200, {"request_id": rid, "status_url": base + "/status",
                             "result_url": base + "/result", "cancel_url": base + "/cancel"})

    # --- status / result / cancel ---------------------------------------

    def state_of(self, task, advance):
        if advance:
            task["polls"] += 1
        n = task["polls"]
        if task["cancelled"]:
            return "cancelled", None
        queue = self.state.get("queue_polls", 1)
        progress = self.state.get("progress_polls", 1)
        if n <= queue:
            return "in_queue", max(0, queue - n)
        if n <= queue + progress:
            return "in_progress", None
        return self.state.get("final", "completed"), None

    def status(self, rid, action):
        poll_errors = self.state.get("poll_errors", [])
        n = self.state.count("poll-http")
        if n <= len(poll_errors):
            self.send_json(poll_errors[n - 1], {"error_code": poll_errors[n - 1],
                                                "error_message": "forced poll error"})
            return
        with self.state.lock:
            task = self.state.tasks.get(rid)
        if task is None:
            self.send_json(404, {"error_code": 404, "error_message": "Request not found"})
            return
        status, position = self.state_of(task, True)
        base = self.base() + "/v1/requests/" + rid
        reply = {"status": status, "status_url": base + "/status", "result_url": base + "/result"}
        if position is not None:
            reply["queue_position"] = position
        if action == "result" and status == "completed":
            url = self.base() + "/files/%s.mp4" % rid
            if self.state.get("output_form") == "videos":
                reply["output"] = {"videos": [url]}
            else:
                reply["output"] = {"video": url}
        if status == "failed":
            reply["error"] = self.state.get("fail_error", "Workflow execution failed")
        self.send_json(200, reply)

    def cancel(self, rid):
        with self.state.lock:
            task = self.state.tasks.get(rid)
        if task is None:
            self.send_json(404, {"error_code": 404, "error_message": "Request not found"})
            return
        status, _ = self.state_of(task, False)
        if status == "in_queue":
            task["cancelled"] = True
            self.send_json(200, {"status": "cancelled", "outcome": "cancelled"})
        else:
            self.send_json(200, {"outcome": "not_cancellable", "status": status})

    def serve_video(self):
        kind = self.state.get("video", "ok")
        if kind == "expired":
            self.send_bytes(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")
            return
        if kind == "html":
            self.send_bytes(200, b"<!DOCTYPE html><html>nope</html>", "text/html")
            return
        video_path = self.state.get("video_path")
        if video_path:
            with open(video_path, "rb") as f:
                data = f.read()
        else:
            data = b"\x00\x00\x00\x18ftypmp42" + b"not really a video" * 100
        cut = None
        if kind == "truncated" and self.state.count("video-cut") == 1:
            cut = len(data) // 2
        self.serve_range(data, "video/mp4", cut)


if __name__ == "__main__":
    fakelib.run(Handler, "fake RunComfy server")
