#!/usr/bin/env python3
# fake-wavespeed.py — a loopback WaveSpeed AI API (wavespeed-ai/wan-flf2v)
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Faithful to ../shared/research/cloud-apis.md §2, failures included.
# Base URL: http://127.0.0.1:<port>
#
#   POST /api/v3/media/upload/binary        multipart field "file"
#   POST /api/v3/media/uploads              the newer flow: JSON description,
#   PUT  /put/<name>                        then the bytes to a presigned URL
#   POST /api/v3/wavespeed-ai/wan-flf2v     submit (JSON)
#   GET  /api/v3/predictions/<id>/result    status (also /predictions/<id>)
#   GET  /media/<name>                      uploaded files
#   GET  /files/<id>.mp4                    results
#
# Every answer is the envelope {"code","message","data"}.
#
# Scenario keys:
#   key               the valid API key (default "ws-test")
#   upload_error      {"status":…, "message":…}: every upload fails so
#   upload_flow       "new": the binary endpoint is gone (404)
#   submit_error      {"status":…, "message":…}: every submit fails so
#   submit_drop       true: create the prediction, drop the connection
#   created_polls     polls answered "created" (default 1)
#   processing_polls  then polls answered "processing" (default 1)
#   final             "completed" (default) | "failed" | "timeout" | "cancelled"
#   fail_error        data.error of a failed prediction
#   nsfw              true: completed with has_nsfw_contents [true]
#   envelope_error    {"code":…, "message":…}: polls answer HTTP 200 with
#                     this code in the envelope
#   poll_errors       [status, …]: the first polls answer these HTTP errors
#   video, video_path as in fake-dashscope.py

import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakelib  # noqa: E402

MODEL = "wavespeed-ai/wan-flf2v"
SIZES = ["832*480", "480*832", "1280*720", "720*1280"]


class Invalid(Exception):
    pass


def parse_multipart(content_type, body):
    """{name: (filename, content_type, bytes)} of a multipart/form-data body."""
    if not content_type or "boundary=" not in content_type:
        raise Invalid("expected multipart/form-data")
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    parts = {}
    for chunk in body.split(b"--" + boundary):
        chunk = chunk.strip(b"\r\n")
        if not chunk or chunk == b"--":
            continue
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise Invalid("malformed multipart part")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        disposition = headers.get("content-disposition", "")
        name = filename = None
        for item in disposition.split(";"):
            item = item.strip()
            if item.startswith("name="):
                name = item[5:].strip('"')
            elif item.startswith("filename="):
                filename = item[9:].strip('"')
        if name:
            parts[name] = (filename, headers.get("content-type"), data)
    return parts


class Handler(fakelib.FakeHandler):
    def envelope(self, status, code, message, data=None, headers=None):
        body = {"code": code, "message": message}
        if data is not None:
            body["data"] = data
        self.send_json(status, body, headers)

    def port(self):
        return self.server.server_address[1]

    def route(self, method, path, query, body):
        if path.startswith("/files/"):
            self.serve_video()
            return
        if path.startswith("/media/"):
            with self.state.lock:
                data = self.state.tasks.get("media:" + path[7:])
            if data is None:
                self.send_bytes(404, b"", "text/plain")
            else:
                self.send_bytes(200, data, "image/jpeg")
            return

        if method == "PUT" and path.startswith("/put/"):
            self.put_upload(path[len("/put/"):], body)
            return

        auth = self.headers.get("Authorization")
        if auth != "Bearer " + self.state.get("key", "ws-test"):
            self.envelope(401, 401, "Unauthorized: invalid or missing API key")
            return

        if method == "POST" and path == "/api/v3/media/upload/binary":
            if self.state.get("upload_flow") == "new":
                self.envelope(404, 404, "not found")
            else:
                self.upload(body)
        elif method == "POST" and path == "/api/v3/media/uploads":
            self.new_upload(body)
        elif method == "POST" and path == "/api/v3/" + MODEL:
            self.submit(body)
        elif method == "GET" and path.startswith("/api/v3/predictions/"):
            rest = path[len("/api/v3/predictions/"):]
            self.result(rest[:-len("/result")] if rest.endswith("/result") else rest)
        elif method == "POST" and path.startswith("/api/v3/"):
            self.envelope(404, 404, "model not found")
        else:
            self.envelope(404, 404, "not found")

    # --- upload --------------------------------------------------------

    def upload(self, body):
        info = {}
        self.entry["info"] = info
        forced = self.state.get("upload_error")
        if forced:
            self.envelope(forced.get("status", 500), forced.get("status", 500),
                          forced.get("message", "upload failed"))
            return
        try:
            parts = parse_multipart(self.headers.get("Content-Type"), body)
            if "file" not in parts:
                raise Invalid("missing file field")
        except Invalid as e:
            self.envelope(400, 400, str(e))
            return
        filename, ctype, data = parts["file"]
        real, w, h = fakelib.image_info(data)
        info.update({"filename": filename, "content_type": ctype, "real": real,
                     "width": w, "height": h, "bytes": len(data)})
        if real is None:
            self.envelope(400, 400, "unsupported file type")
            return
        name = "%s-%s" % (uuid.uuid4().hex[:12], filename or "image.jpg")
        with self.state.lock:
            self.state.tasks["media:" + name] = data
        self.envelope(200, 200, "success", {
            "type": "image",
            "download_url": "http://127.0.0.1:%d/media/%s" % (self.port(), name),
            "filename": filename, "size": len(data)})

    def new_upload(self, body):
        """The newer flow: describe the file, then PUT it to the given URL."""
        info = {}
        self.entry["info"] = info
        try:
            req = json.loads(body)
            for key in ("filename", "size", "content_type"):
                if key not in req:
                    raise Invalid("%s is required" % key)
        except (ValueError, Invalid) as e:
            self.envelope(400, 400, str(e))
            return
        info.update(req)
        name = "%s-%s" % (uuid.uuid4().hex[:12], req["filename"])
        with self.state.lock:
            self.state.tasks["expect:" + name] = req["size"]
        self.envelope(200, 200, "success", {
            "upload": {"method": "PUT",
                       "url": "http://127.0.0.1:%d/put/%s?X-Amz-Signature=fake" % (self.port(), name),
                       "headers": {"Content-Type": req["content_type"], "x-amz-acl": "private"}},
            "download_url": "http://127.0.0.1:%d/media/%s" % (self.port(), name)})

    def put_upload(self, name, body):
        info = {"authorization": self.headers.get("Authorization"),
                "acl": self.headers.get("x-amz-acl")}
        self.entry["info"] = info
        with self.state.lock:
            expected = self.state.tasks.get("expect:" + name)
        real, w, h = fakelib.image_info(body)
        info.update({"real": real, "width": w, "height": h, "bytes": len(body)})
        if expected is None or expected != len(body) or info["acl"] != "private":
            self.send_bytes(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>", "application/xml")
            return
        with self.state.lock:
            self.state.tasks["media:" + name] = body
        self.send_bytes(200, b"", "text/plain")

    # --- submit --------------------------------------------------------

    def validate(self, req, info):
        for key in ("first_image", "last_image"):
            url = req.get(key)
            if not isinstance(url, str) or not url:
                raise Invalid("%s is required" % key)
            if url.startswith("data:"):
                raise Invalid("%s must be a URL" % key)
            if not (url.startswith("http://") or url.startswith("https://")):
                raise Invalid("%s is not a valid URL" % key)
            info[key] = url
        for key in ("prompt", "negative_prompt"):
            if key in req and not isinstance(req[key], str):
                raise Invalid("%s must be a string" % key)
        duration = req.get("duration", 5)
        if not isinstance(duration, int) or isinstance(duration, bool) or not 5 <= duration <= 10:
            raise Invalid("duration must be between 5 and 10")
        size = req.get("size", "832*480")
        if size not in SIZES:
            raise Invalid("size must be one of %s" % ", ".join(SIZES))
        steps = req.get("num_inference_steps", 30)
        if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= 40:
            raise Invalid("num_inference_steps must be between 1 and 40")
        guidance = req.get("guidance_scale", 5)
        if not isinstance(guidance, (int, float)) or isinstance(guidance, bool) or not 0 <= guidance <= 20:
            raise Invalid("guidance_scale must be between 0 and 20")
        seed = req.get("seed", -1)
        if not isinstance(seed, int) or isinstance(seed, bool) or not -1 <= seed <= 2147483647:
            raise Invalid("seed must be between -1 and 2147483647")
        info["body"] = {k: v for k, v in req.items() if k not in ("first_image", "last_image")}

    def prediction(self, task, status):
        data = {
            "id": task["id"], "model": MODEL, "outputs": [],
            "urls": {"get": "http://127.0.0.1:%d/api/v3/predictions/%s/result" % (self.port(), task["id"])},
            "has_nsfw_contents": [], "status": status,
            "created_at": task["created_at"], "error": "", "timings": {"inference": 0},
        }
        return data

    def submit(self, body):
        info = {}
        self.entry["info"] = info
        forced = self.state.get("submit_error")
        if forced:
            status = forced.get("status", 400)
            headers = {}
            if status == 429:
                headers["Retry-After"] = "5"
            self.envelope(status, status, forced.get("message", "forced"), None, headers)
            return
        try:
            req = json.loads(body)
            if not isinstance(req, dict):
                raise Invalid("body must be an object")
            self.validate(req, info)
        except (ValueError, Invalid) as e:
            self.envelope(400, 400, str(e))
            return

        task = {"id": uuid.uuid4().hex, "polls": 0,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
        with self.state.lock:
            self.state.tasks[task["id"]] = task
        info["id"] = task["id"]
        if self.state.get("submit_drop"):
            self.close_without_answer()
            return
        self.envelope(200, 200, "success", self.prediction(task, "created"))

    # --- result --------------------------------------------------------

    def result(self, task_id):
        poll_errors = self.state.get("poll_errors", [])
        n = self.state.count("poll-http")
        if n <= len(poll_errors):
            self.envelope(poll_errors[n - 1], poll_errors[n - 1], "forced poll error")
            return
        forced = self.state.get("envelope_error")
        if forced:
            self.envelope(200, forced.get("code", 500), forced.get("message", "forced"))
            return

        with self.state.lock:
            task = self.state.tasks.get(task_id)
        if task is None:
            self.envelope(404, 404, "prediction not found")
            return

        task["polls"] += 1
        n = task["polls"]
        created = self.state.get("created_polls", 1)
        processing = self.state.get("processing_polls", 1)
        if n <= created:
            status = "created"
        elif n <= created + processing:
            status = "processing"
        else:
            status = self.state.get("final", "completed")

        data = self.prediction(task, status)
        if status == "completed":
            data["outputs"] = ["http://127.0.0.1:%d/files/%s.mp4" % (self.port(), task_id)]
            data["has_nsfw_contents"] = [bool(self.state.get("nsfw", False))]
            data["timings"] = {"inference": 41234}
        elif status == "failed":
            data["error"] = self.state.get("fail_error", "Generation failed")
        elif status == "timeout":
            data["error"] = "Prediction timed out"
        self.envelope(200, 200, "success", data)

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
    fakelib.run(Handler, "fake WaveSpeed server")
