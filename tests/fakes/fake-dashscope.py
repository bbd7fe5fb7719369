#!/usr/bin/env python3
# fake-dashscope.py — a loopback Alibaba DashScope (Model Studio) video API
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Faithful to ../shared/research/cloud-apis.md §1, failures included.
# Base URL: http://127.0.0.1:<port>/api/v1
#
#   POST /api/v1/services/aigc/image2video/video-synthesis      (kf2v models)
#   POST /api/v1/services/aigc/video-generation/video-synthesis (wan2.7-i2v)
#   GET  /api/v1/tasks/<id>
#   GET  /api/v1/tasks/?start_time=&end_time=&model_name=&status=&task_id=&page_no=&page_size=
#                                                               (batch query, see list_tasks)
#   POST /api/v1/tasks/<id>/cancel
#   GET  /files/<id>.mp4?Expires=…&Signature=…                  (results)
#
# Scenario keys (POST /_control/script or --script):
#   key              the valid API key (default "sk-test")
#   submit_error     {"status":400,"code":"…","message":"…"}: answer every
#                    submit with this error
#   submit_drop      true: create the task, then drop the connection
#                    without answering (a lost submit response)
#   accept_then_fail {"code":"…","message":"…"}: accept, then FAIL the task
#   pending_polls    polls answered PENDING (default 1)
#   running_polls    then polls answered RUNNING (default 1)
#   final            SUCCEEDED (default) | FAILED | CANCELED | UNKNOWN
#   fail_code, fail_message   for final FAILED
#   poll_errors      [status, …]: the first polls answer these HTTP errors
#   poll_retry_after Retry-After sent with poll_errors
#   poll_body        "malformed" | "deep" | "badutf8": garbage instead of the task
#   poll_raw         this exact text as every poll's answer (HTTP 200)
#   video            "ok" (default) | "html" | "expired" | "truncated" |
#                    "empty" | "stall" (part of the file, then silence)
#   video_path       the file served as the result (default: bytes that
#                    are not a video)
#   video_hold       a task id: its result is asked for (and recorded) but
#                    not sent until the script clears it
#   list_errors      [status, …]: the first batch queries answer these errors
#   list_body        "malformed" | "deep": garbage instead of the task list
#   list_hold        true: batch queries are received (and recorded) but
#                    not answered until the script sets it false again
#   foreign_tasks    [{"model_name", "gmt_create" (ms), "status"}, …]: tasks
#                    the account made elsewhere (another app, the console);
#                    listed, never polled

import calendar
import json
import math
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakelib  # noqa: E402

KF2V_PATH = "/api/v1/services/aigc/image2video/video-synthesis"
I2V_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"

MODELS = {
    "wan2.2-kf2v-flash": {"path": KF2V_PATH, "resolutions": ["480P", "720P", "1080P"],
                          "sr": {"480P": 480, "720P": 720, "1080P": 1080}},
    "wanx2.1-kf2v-plus": {"path": KF2V_PATH, "resolutions": ["720P"], "template": True},
    "wan2.7-i2v": {"path": I2V_PATH, "resolutions": ["720P", "1080P"]},
}
TEMPLATES = ["hanfu-1", "solaron", "magazine", "mech1", "mech2"]
IMAGE_MIMES = ["image/jpeg", "image/jpg", "image/png", "image/bmp", "image/webp"]
STATUSES = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"]
# The batch query's start_time/end_time ("YYYYMMDDhhmmss") carry no zone and
# the documentation names none; both regions (Beijing, Singapore) are UTC+8,
# which this fake assumes [I].
LIST_ZONE_OFFSET_S = 8 * 3600
LIST_MAX_RANGE_S = 24 * 3600


class Invalid(Exception):
    pass


def now_text():
    t = time.time()
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + ".%03d" % (int(t * 1000) % 1000)


class Handler(fakelib.FakeHandler):
    # --- helpers -------------------------------------------------------

    def rid(self):
        return str(uuid.uuid4())

    def error(self, status, code, message, headers=None):
        self.send_json(status, {"code": code, "message": message,
                                "request_id": self.rid()}, headers)

    def authorized(self):
        auth = self.headers.get("Authorization")
        if not auth:
            self.error(401, "InvalidApiKey", "No API-key provided.")
            return False
        if auth != "Bearer " + self.state.get("key", "sk-test"):
            self.error(401, "InvalidApiKey", "Invalid API-key provided.")
            return False
        return True

    # --- routing -------------------------------------------------------

    def route(self, method, path, query, body):
        if path.startswith("/files/"):
            self.serve_video(path)
            return

        if not self.authorized():
            return

        if method == "POST" and path in (KF2V_PATH, I2V_PATH):
            self.submit(path, body)
        elif method == "GET" and path in ("/api/v1/tasks", "/api/v1/tasks/"):
            self.list_tasks(query)
        elif method == "GET" and path.startswith("/api/v1/tasks/"):
            self.query_task(path[len("/api/v1/tasks/"):])
        elif method == "POST" and path.startswith("/api/v1/tasks/") and path.endswith("/cancel"):
            self.cancel_task(path[len("/api/v1/tasks/"):-len("/cancel")])
        else:
            self.error(404, "NotFound", "Not found.")

    # --- submit --------------------------------------------------------

    def check_image(self, what, uri, info, min_side=240, max_side=8000,
                    max_bytes=10 * 1024 * 1024):
        if not isinstance(uri, str) or not uri:
            raise Invalid("Field required: input.%s" % what)
        if uri.startswith("http://") or uri.startswith("https://") or uri.startswith("oss://"):
            info[what] = {"kind": "url"}
            return
        mime, data = fakelib.parse_data_uri(uri)
        if data is None:
            raise Invalid("url error, please check url!")
        if mime not in IMAGE_MIMES:
            raise Invalid("The image format is not supported: %s" % mime)
        real, w, h = fakelib.image_info(data)
        info[what] = {"kind": "data", "mime": mime, "real": real, "width": w,
                      "height": h, "bytes": len(data)}
        if real is None or real.split("+")[0] != mime.replace("image/jpg", "image/jpeg"):
            raise Invalid("The image content does not match its declared type.")
        if real.endswith("+alpha"):
            raise Invalid("The image must not have an alpha channel.")
        if len(data) > max_bytes:
            raise Invalid("The image size exceeds the limit of 10MB.")
        if not (min_side <= w <= max_side and min_side <= h <= max_side):
            raise Invalid("The size is not match the limit: %dx%d" % (w, h))

    def validate(self, path, req, info):
        model = req.get("model")
        if model not in MODELS:
            raise Invalid("Model not exist.")
        spec = MODELS[model]
        if spec["path"] != path:
            raise Invalid("Model %s is not supported by this API." % model)
        inp = req.get("input")
        params = req.get("parameters", {})
        if not isinstance(inp, dict):
            raise Invalid("Field required: input")
        if not isinstance(params, dict):
            raise Invalid("parameters must be an object")

        prompt = inp.get("prompt", "")
        negative = inp.get("negative_prompt", "")
        if not isinstance(prompt, str) or not isinstance(negative, str):
            raise Invalid("prompt must be a string")
        info["prompt_length"] = len(prompt)
        info["negative_length"] = len(negative)
        info["prompt"] = prompt[:200]

        if path == KF2V_PATH:
            template = inp.get("template")
            if template is not None:
                if not spec.get("template") or template not in TEMPLATES:
                    raise Invalid("The template is invalid: %s" % template)
                info["template"] = template
            self.check_image("first_frame_url", inp.get("first_frame_url"), info)
            if template is None or "last_frame_url" in inp:
                self.check_image("last_frame_url", inp.get("last_frame_url"), info)
            if "duration" in params and params["duration"] != 5:
                raise Invalid("The duration must be 5.")
        else:
            media = inp.get("media")
            if not isinstance(media, list) or not media:
                raise Invalid("Field required: input.media")
            kinds = [m.get("type") for m in media if isinstance(m, dict)]
            if len(set(kinds)) != len(kinds):
                raise Invalid("Each media type may appear once.")
            if kinds not in (["first_frame"], ["first_frame", "last_frame"],
                             ["last_frame", "first_frame"]):
                raise Invalid("Unsupported media combination: %s" % kinds)
            for m in media:
                self.check_image(m["type"], m.get("url"), info)
            duration = params.get("duration", 5)
            if not isinstance(duration, int) or not 2 <= duration <= 15:
                raise Invalid("The duration must be between 2 and 15.")
            if len(prompt) > 5000:
                raise Invalid("The prompt is too long.")

        resolution = params.get("resolution", "720P" if path == KF2V_PATH else "1080P")
        if resolution not in spec["resolutions"]:
            raise Invalid("The resolution %s is not supported by %s." % (resolution, model))
        for flag in ("prompt_extend", "watermark"):
            if flag in params and not isinstance(params[flag], bool):
                raise Invalid("%s must be a boolean" % flag)
        if "seed" in params:
            seed = params["seed"]
            if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= 2147483647:
                raise Invalid("The seed must be in [0, 2147483647].")
        info["parameters"] = params
        info["model"] = model

    def submit(self, path, body):
        info = {}
        self.entry["info"] = info

        if self.headers.get("X-DashScope-Async") != "enable":
            self.error(403, "AccessDenied", "current user api does not support synchronous calls")
            return
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            self.error(400, "InvalidParameter", "Content-Type must be application/json")
            return

        forced = self.state.get("submit_error")
        if forced:
            headers = {}
            if "retry_after" in forced:
                headers["Retry-After"] = str(forced["retry_after"])
            self.error(forced.get("status", 400), forced.get("code", "InvalidParameter"),
                       forced.get("message", "forced"), headers)
            return

        try:
            req = json.loads(body)
            if not isinstance(req, dict):
                raise Invalid("The request body must be an object")
            self.validate(path, req, info)
        except (ValueError, Invalid) as e:
            self.error(400, "InvalidParameter", str(e))
            return

        task_id = str(uuid.uuid4())
        params = req.get("parameters", {})
        prompt = req["input"].get("prompt", "")
        request_id = self.rid()
        task = {
            "id": task_id, "model": req["model"], "polls": 0, "cancelled": False,
            "submit_time": now_text(), "prompt": prompt,
            "gmt_create": int(time.time() * 1000), "request_id": request_id,
            "user_api_unique_key": "apikey:v1:aigc:%s:video-synthesis:%s" % (
                "image2video" if path == KF2V_PATH else "video-generation", req["model"]),
            "prompt_extend": params.get("prompt_extend", True),
            "resolution": params.get("resolution", "720P"),
            "duration": params.get("duration", 5),
        }
        with self.state.lock:
            self.state.tasks[task_id] = task
        info["task_id"] = task_id

        if self.state.get("submit_drop"):
            self.close_without_answer()
            return

        self.send_json(200, {"output": {"task_status": "PENDING", "task_id": task_id},
                             "request_id": request_id})

    # --- query and cancel ----------------------------------------------

    def status_of(self, task, advance):
        if advance:
            task["polls"] += 1
        n = task["polls"]
        if task["cancelled"]:
            return "CANCELED"
        pending = self.state.get("pending_polls", 1)
        running = self.state.get("running_polls", 1)
        if n <= pending:
            return "PENDING"
        if n <= pending + running:
            return "RUNNING"
        if self.state.get("accept_then_fail"):
            return "FAILED"
        return self.state.get("final", "SUCCEEDED")

    def query_task(self, task_id):
        poll_errors = self.state.get("poll_errors", [])
        n = self.state.count("poll-http")
        if n <= len(poll_errors):
            headers = {}
            if self.state.get("poll_retry_after") is not None:
                headers["Retry-After"] = str(self.state.get("poll_retry_after"))
            status = poll_errors[n - 1]
            code = {429: "Throttling.RateQuota", 500: "InternalError",
                    503: "ModelUnavailable"}.get(status, "InternalError")
            self.error(status, code, "forced poll error", headers)
            return

        raw = self.state.get("poll_raw")
        if raw is not None:
            self.send_raw_json(200, raw)
            return
        body = self.state.get("poll_body")
        if body == "badutf8":
            self.send_bytes(200, b'{"output": {"task_status": "\xff\xfe"}}', "application/json")
            return
        if body == "malformed":
            self.send_raw_json(200, '{"output": {"task_status": "RUNN')
            return
        if body == "deep":
            self.send_raw_json(200, "[" * 10000 + "]" * 10000)
            return

        with self.state.lock:
            task = self.state.tasks.get(task_id)
        if task is None:
            self.send_json(200, {"request_id": self.rid(),
                                 "output": {"task_id": task_id, "task_status": "UNKNOWN"}})
            return

        status = self.status_of(task, True)
        if status == "UNKNOWN":
            self.send_json(200, {"request_id": self.rid(),
                                 "output": {"task_id": task_id, "task_status": "UNKNOWN"}})
            return

        out = {"task_id": task_id, "task_status": status, "submit_time": task["submit_time"]}
        if status != "PENDING":
            out["scheduled_time"] = task["submit_time"]
        if status in ("PENDING", "RUNNING"):
            out["task_metrics"] = {"TOTAL": 1, "SUCCEEDED": 0, "FAILED": 0}
        reply = {"request_id": self.rid(), "output": out}

        if status == "SUCCEEDED":
            out["end_time"] = now_text()
            out["video_url"] = "http://127.0.0.1:%d/files/%s.mp4?Expires=%d&OSSAccessKeyId=fake&Signature=abc%%3D" % (
                self.server.server_address[1], task_id, int(time.time()) + 86400)
            out["orig_prompt"] = task["prompt"]
            if task["prompt_extend"]:
                out["actual_prompt"] = (task["prompt"] + " — extended by the fake").strip()
            if task["model"] == "wan2.7-i2v":
                reply["usage"] = {"duration": task["duration"], "input_video_duration": 0,
                                  "output_video_duration": task["duration"], "video_count": 1,
                                  "SR": 720 if task["resolution"] == "720P" else 1080}
            elif task["model"] == "wan2.2-kf2v-flash":
                reply["usage"] = {"video_duration": 5, "video_count": 1,
                                  "SR": MODELS["wan2.2-kf2v-flash"]["sr"][task["resolution"]]}
            else:
                reply["usage"] = {"video_duration": 5, "video_count": 1, "video_ratio": "standard"}
        elif status == "FAILED":
            forced = self.state.get("accept_then_fail") or {}
            out["code"] = forced.get("code", self.state.get("fail_code", "InternalError.Algo"))
            out["message"] = forced.get("message", self.state.get("fail_message", "Algorithm failed."))
            out["end_time"] = now_text()

        self.send_json(200, reply)

    # --- batch query (GET /tasks/) -------------------------------------

    @staticmethod
    def parse_list_time(text):
        """'YYYYMMDDhhmmss' (UTC+8) -> Unix seconds, or None."""
        if len(text) != 14 or not text.isdigit():
            return None
        try:
            t = time.strptime(text, "%Y%m%d%H%M%S")
        except ValueError:
            return None
        return calendar.timegm(t) - LIST_ZONE_OFFSET_S

    def list_item(self, task):
        status = self.status_of(task, False)
        item = {
            "api_key_id": "15" + str(abs(hash(self.state.get("key", "sk-test"))) % 10000),
            "caller_parent_id": "1000000000000001",
            "caller_uid": "1000000000000001",
            "gmt_create": task["gmt_create"],
            "model_name": task["model"],
            "region": "cn-beijing",
            "request_id": task["request_id"],
            "status": status,
            "task_id": task["id"],
            "user_api_unique_key": task["user_api_unique_key"],
        }
        if status != "PENDING":
            item["start_time"] = task["gmt_create"] + 15
        if status in ("SUCCEEDED", "FAILED", "CANCELED"):
            item["end_time"] = task["gmt_create"] + 30000
        return item

    def list_tasks(self, query):
        while self.state.get("list_hold") and not self.server.stopping:
            time.sleep(0.02)
        errors = self.state.get("list_errors", [])
        n = self.state.count("list-http")
        if n <= len(errors):
            status = errors[n - 1]
            code = {429: "Throttling.RateQuota", 500: "InternalError",
                    503: "ModelUnavailable"}.get(status, "InternalError")
            self.error(status, code, "forced list error")
            return
        body = self.state.get("list_body")
        if body == "malformed":
            self.send_raw_json(200, '{"total": 3, "data": [{"task_id": "a", "gmt_cr')
            return
        if body == "deep":
            self.send_raw_json(200, "[" * 10000 + "]" * 10000)
            return

        now = time.time()
        start = end = None
        if query.get("start_time"):
            start = self.parse_list_time(query["start_time"])
            if start is None:
                self.error(400, "InvalidParameter", "start_time must be YYYYMMDDhhmmss")
                return
        if query.get("end_time"):
            end = self.parse_list_time(query["end_time"])
            if end is None:
                self.error(400, "InvalidParameter", "end_time must be YYYYMMDDhhmmss")
                return
        if start is None and end is None:
            start, end = now - LIST_MAX_RANGE_S, now
        elif start is None:
            start = end - LIST_MAX_RANGE_S
        elif end is None:
            end = start + LIST_MAX_RANGE_S
        if end < start or end - start > LIST_MAX_RANGE_S:
            self.error(400, "InvalidParameter", "The time range cannot exceed 24 hours.")
            return
        status = query.get("status")
        if status and status not in STATUSES:
            self.error(400, "InvalidParameter", "Invalid status: %s" % status)
            return
        try:
            page_no = int(query.get("page_no") or 1)
            page_size = int(query.get("page_size") or 10)
        except ValueError:
            self.error(400, "InvalidParameter", "page_no and page_size must be integers")
            return
        if page_no < 1 or page_size < 1:
            self.error(400, "InvalidParameter", "page_no and page_size must be positive")
            return

        with self.state.lock:
            tasks = list(self.state.tasks.values())
        items = [self.list_item(t) for t in tasks]
        for i, foreign in enumerate(self.state.get("foreign_tasks", [])):
            items.append({
                "api_key_id": "15other", "caller_parent_id": "1000000000000001",
                "caller_uid": "1000000000000001", "gmt_create": foreign["gmt_create"],
                "model_name": foreign["model_name"], "region": "cn-beijing",
                "request_id": "foreign-request-%d" % i,
                "status": foreign.get("status", "SUCCEEDED"),
                "task_id": foreign.get("task_id", "foreign-task-%d" % i),
                "user_api_unique_key": "apikey:v1:aigc:image2video:video-synthesis:%s"
                                       % foreign["model_name"],
            })

        def keep(item):
            created = item["gmt_create"] / 1000.0
            if not start <= created <= end:
                return False
            if query.get("model_name") and item["model_name"] != query["model_name"]:
                return False
            if status and item["status"] != status:
                return False
            if query.get("task_id") and item["task_id"] != query["task_id"]:
                return False
            return True

        items = sorted((i for i in items if keep(i)), key=lambda i: -i["gmt_create"])
        total = len(items)
        page = items[(page_no - 1) * page_size:page_no * page_size]
        self.send_json(200, {"total": total, "data": page,
                             "total_page": int(math.ceil(total / float(page_size))),
                             "page_no": page_no, "request_id": self.rid(),
                             "page_size": page_size})

    def cancel_task(self, task_id):
        with self.state.lock:
            task = self.state.tasks.get(task_id)
        if task is None or self.status_of(task, False) != "PENDING":
            self.send_json(400, {"request_id": self.rid(), "code": "UnsupportedOperation",
                                 "message": "Failed to cancel the task, please confirm if the task is in PENDING status."})
            return
        task["cancelled"] = True
        self.send_json(200, {"request_id": self.rid()})

    # --- results -------------------------------------------------------

    def serve_video(self, path):
        task_id = path[len("/files/"):].split(".mp4")[0]
        while self.state.get("video_hold") == task_id and not self.server.stopping:
            time.sleep(0.02)
        kind = self.state.get("video", "ok")
        if kind == "expired":
            self.send_bytes(403, b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied'
                            b'</Code><Message>Request has expired.</Message></Error>',
                            "application/xml")
            return
        if kind == "html":
            self.send_bytes(200, b"<!DOCTYPE html><html><body>Sign in</body></html>",
                            "text/html; charset=utf-8")
            return
        if kind == "empty":
            self.send_bytes(200, b"", "video/mp4")
            return
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 5000)
            self.wfile.flush()
            self.hang()
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
    fakelib.run(Handler, "fake DashScope server")
