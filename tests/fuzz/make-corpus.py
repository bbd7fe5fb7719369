#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/<target>/corpus/).

    python3 tests/fuzz/make-corpus.py [TARGET…]

The files are checked in; this script says how they were made and makes
them again. Images come from ImageMagick (`convert`, in build-aux/deps.sh);
everything else is written here. Inputs stay small (a few KB) so that the
replay is quick in the unit suite; libFuzzer grows its own corpus from them.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def out(target, name, data):
    folder = os.path.join(HERE, target, "corpus")
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write(data)


def png_chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload +
            struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))


def png(width, height, idat, color_type=2, depth=8):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def magick(args, ext):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out." + ext)
        subprocess.run(["convert"] + args + [path], check=True)
        with open(path, "rb") as fh:
            return fh.read()


def keyframe():
    grad = ["-size", "40x30", "gradient:red-blue"]
    out("keyframe", "png-rgb", magick(grad, "png"))
    out("keyframe", "png-rgba", magick(grad + ["-alpha", "set", "-channel", "A",
                                                "-evaluate", "set", "50%"], "png"))
    out("keyframe", "png-grey", magick(grad + ["-colorspace", "Gray"], "png"))
    out("keyframe", "png-palette", magick(grad + ["-colors", "8", "-type", "Palette"], "png8"))
    out("keyframe", "png-16bit", magick(grad + ["-depth", "16"], "png48"))
    out("keyframe", "png-interlaced", magick(grad + ["-interlace", "PNG"], "png"))
    out("keyframe", "jpeg-baseline", magick(grad + ["-quality", "80"], "jpg"))
    out("keyframe", "jpeg-progressive", magick(grad + ["-interlace", "JPEG"], "jpg"))
    out("keyframe", "jpeg-grey", magick(grad + ["-colorspace", "Gray"], "jpg"))
    out("keyframe", "jpeg-cmyk", magick(grad + ["-colorspace", "CMYK"], "jpg"))
    out("keyframe", "jpeg-orient6", magick(grad + ["-orient", "RightTop"], "jpg"))
    out("keyframe", "webp-lossy", magick(grad + ["-quality", "60"], "webp"))
    out("keyframe", "webp-lossless", magick(grad + ["-define", "webp:lossless=true"], "webp"))
    out("keyframe", "webp-alpha", magick(grad + ["-alpha", "set", "-channel", "A",
                                                  "-evaluate", "set", "50%"], "webp"))
    out("keyframe", "bmp-24", magick(grad, "bmp"))
    out("keyframe", "bmp-8", magick(grad + ["-colors", "16", "-type", "Palette"], "bmp3"))
    # Hostile: a header much larger than the picture (issue 13 item 9), a
    # bomb, a cut file, a zero size, nothing but a signature
    rows = zlib.compress(b"\x00" + b"\x80" * 3 * 8)
    out("keyframe", "png-truncated-idat", png(8000, 5000, rows))
    out("keyframe", "png-bomb", png(30000, 30000, zlib.compress(b"\x00" * 4096)))
    out("keyframe", "png-zero-size", png(0, 0, rows))
    whole = magick(grad, "png")
    out("keyframe", "png-cut-half", whole[: len(whole) // 2])
    out("keyframe", "png-signature-only", b"\x89PNG\r\n\x1a\n")
    jpeg = magick(grad, "jpg")
    out("keyframe", "jpeg-cut-half", jpeg[: len(jpeg) // 2])
    out("keyframe", "jpeg-soi-only", b"\xff\xd8\xff")
    out("keyframe", "webp-riff-only", b"RIFF\x10\x00\x00\x00WEBPVP8 ")
    out("keyframe", "bmp-header-only", b"BM" + b"\x00" * 52)
    out("keyframe", "text", "this is not an image\n")


def schema():
    for name in sorted(os.listdir(os.path.join(ROOT, "resources", "schemas"))):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(ROOT, "resources", "schemas", name)) as fh:
            doc = json.load(fh)
        for model in doc.get("models", []):
            params = model.get("parameters")
            if params is None:
                continue
            values = {}
            texts = {}
            for key, spec in params.get("properties", {}).items():
                if "default" in spec:
                    values[key] = spec["default"]
                texts[key] = str(spec.get("maximum", spec.get("default", "x")))
            base = name[:-5] + "-" + model["id"].replace("/", "_")
            out("schema", base, json.dumps(params).encode() + b"\0" + json.dumps(values).encode())
            # Strings, as the command line's KEY=TEXT gives them
            out("schema", base + "-text",
                json.dumps(params).encode() + b"\0" + json.dumps(texts).encode())
    tiny = {"type": "object", "properties": {
        "n": {"type": "integer", "minimum": -5, "maximum": 5, "default": 0},
        "x": {"type": "number", "minimum": 0.5, "maximum": 1e300, "default": 1},
        "s": {"type": "string", "enum": ["a", "b"], "default": "a"},
        "b": {"type": "boolean", "default": False}}, "required": ["n"]}
    out("schema", "tiny-wrong-types", json.dumps(tiny).encode() + b"\0" +
        b'{"n": "9223372036854775807", "x": "0x2", "s": 3, "b": "yes", "extra": null}')
    out("schema", "tiny-huge-numbers", json.dumps(tiny).encode() + b"\0" +
        b'{"n": 1e400, "x": -0.0, "s": "b", "b": true}')
    out("schema", "bad-schema", b'{"type": "object", "properties": {"a": {"type": "nope"}}}')
    out("schema", "empty", b"{}")


TAKE = {
    "schema_version": 1, "id": "20261205-162625-9b5c63",
    "created": "2026-12-05T16:26:25.665950Z", "backend": "local", "model": "flow",
    "prompt": "", "negative_prompt": "",
    "parameters": {"duration": 1.0, "fps": 8, "resolution": "source", "fit": "crop",
                   "easing": "linear", "loop": False, "seed": 1485700560},
    "seed": 1485700560,
    "history": [{"state": "queued", "at": "2026-12-05T16:26:25.665972Z"},
                {"state": "done", "at": "2026-12-05T16:26:26.839126Z"}],
    "timings": {"generate": 1.08, "total": 1.17}, "error": None,
    "files": {"first": "first.png", "last": "last.png", "clip": "clip.mp4",
              "thumbnail": "thumbnail.png"},
    "frame_size": {"width": 1280, "height": 720}, "state": "done",
    "updated": "2026-12-05T16:26:26.839126Z",
    "result": {"width": 1280, "height": 720, "frames": 9, "fps": 8.0},
}


def take():
    def t(name, doc):
        out("take", name, b"\0" + json.dumps(doc, indent=1).encode())

    def r(name, doc):
        out("take", name, b"\1" + (doc if isinstance(doc, bytes) else json.dumps(doc).encode()))

    t("take-done", TAKE)
    cloud = dict(TAKE, backend="dashscope", model="wan2.2-kf2v-flash",
                 prompt="a quiet harbour at dawn", state="expired",
                 error={"domain": "inb-backend-error-quark", "code": 6, "message": "Expired"},
                 remote={"service": "dashscope", "model": "wan2.2-kf2v-flash", "state": "unknown",
                         "task_id": "b55fd02d", "updated": "2026-12-04T12:12:46Z",
                         "lifetime_hours": 24, "expired_at": "2026-12-05T12:12:46Z"})
    t("take-cloud-expired", cloud)
    t("take-running", dict(TAKE, state="running", result=None))
    t("take-library", dict(TAKE, number=7, starred=True, title="dawn", note="keep",
                           group="harbour"))
    t("take-prompt-array", dict(TAKE, prompt=["a", 1]))
    t("take-prompt-controls", dict(TAKE, prompt="\x1b[2J\x07\r" * 50))
    t("take-wrong-types", dict(TAKE, seed="x", files=[], history={}, frame_size=3,
                               schema_version="1", parameters=None))
    t("take-newer-schema", dict(TAKE, schema_version=99))
    t("take-bad-id", dict(TAKE, id="../../etc"))
    t("take-huge-numbers", dict(TAKE, seed=1e400, number=-1,
                                frame_size={"width": 1e12, "height": -3}))
    out("take", "take-deep-nesting", b"\0" + b"[" * 20000 + b"]" * 20000)
    out("take", "take-truncated", b"\0" + json.dumps(TAKE).encode()[:200])
    out("take", "take-invalid-utf8", b"\0" + json.dumps(TAKE).encode().replace(b'"flow"', b'"\xff\xfe"'))
    out("take", "take-empty", b"\0")
    r("remote-running", {"service": "dashscope", "model": "wan2.2-kf2v-flash", "state": "running",
                         "task_id": "b55fd02d-fd47-4cc7-bb31-146613bf45b7",
                         "updated": "2026-12-04T12:12:46.045945Z"})
    r("remote-submitting", {"service": "runcomfy", "model": "m", "state": "submitting",
                            "updated": "2026-12-04T12:12:46Z"})
    r("remote-bad", {"service": 3, "state": ["x"], "task_id": "", "updated": "yesterday"})
    r("remote-truncated", b'{"service": "wavespeed", "task_')


# Provider answers: reader byte (0 submit, 1 poll, 2 DashScope task page),
# status byte (index into fuzz-cloud.c's table: 0 → 200, 4 → 400, 7 → 404,
# 10 → 429, 11 → 500, 12 → 502), then the body.
STATUS = {200: 0, 400: 4, 401: 5, 404: 7, 429: 10, 500: 11, 502: 12, 504: 14}


def answer(target, name, reader, status, body):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    out(target, name, bytes([reader, STATUS[status]]) + body)


def dashscope():
    a = lambda *args: answer("dashscope", *args)
    a("submit-ok", 0, 200, {"output": {"task_status": "PENDING", "task_id": "0385dc79-5ff8"},
                            "request_id": "4909100c-7b5a"})
    a("submit-no-task", 0, 200, {"output": {"task_status": "PENDING"}, "request_id": "r"})
    a("submit-long-id", 0, 200, {"output": {"task_id": "x" * 300}})
    a("submit-400", 0, 400, {"status": 400, "code": "InvalidParameter",
                             "message": "The size is not match xxxxxx", "request_id": "r"})
    a("submit-429", 0, 429, {"status": 429, "code": "Throttling.RateQuota",
                             "message": "Requests rate limit exceeded", "retry_after": 5})
    a("submit-502", 0, 502, b"<html>bad gateway</html>")
    a("submit-arrearage", 0, 400, {"code": "Arrearage", "message": "Access denied"})
    a("poll-pending", 1, 200, {"output": {"task_status": "PENDING", "task_id": "t"}, "request_id": "r"})
    a("poll-running", 1, 200, {"output": {"task_status": "RUNNING"}})
    a("poll-succeeded", 1, 200, {"output": {
        "task_status": "SUCCEEDED", "video_url": "https://dashscope-result.oss/x.mp4",
        "orig_prompt": "a", "actual_prompt": "b", "submit_time": "2026-12-05 10:00:00.000",
        "end_time": "2026-12-05 10:05:00.000"}, "usage": {"video_duration": 5, "video_ratio": "1280*720"}})
    a("poll-succeeded-no-url", 1, 200, {"output": {"task_status": "SUCCEEDED"}})
    a("poll-succeeded-url-number", 1, 200, {"output": {"task_status": "SUCCEEDED", "video_url": 7}})
    a("poll-failed", 1, 200, {"output": {"task_status": "FAILED", "code": "DataInspectionFailed",
                                         "message": "Output data may contain inappropriate content."}})
    a("poll-failed-odd-types", 1, 200, {"output": {"task_status": "FAILED",
                                                   "code": 12345678901234567890123, "message": {}}})
    a("poll-canceled", 1, 200, {"output": {"task_status": "CANCELED"}})
    a("poll-unknown", 1, 200, {"output": {"task_status": "UNKNOWN", "task_id": {"a": [1, 2]}}})
    a("poll-status-number", 1, 200, {"output": {"task_status": 5}})
    a("poll-output-array", 1, 200, {"output": []})
    a("poll-500", 1, 500, {"code": "InternalError", "message": "An internal error has occured"})
    a("page-one", 2, 200, {"total": 2, "total_page": 1, "page_no": 1, "data": [
        {"task_id": "a1", "model_name": "wan2.2-kf2v-flash", "status": "SUCCEEDED",
         "gmt_create": 1764921600000},
        {"task_id": "a2", "model_name": "wan2.2-kf2v-flash", "status": "RUNNING",
         "gmt_create": 1764921660000}]})
    a("page-empty", 2, 200, {"total": 0, "data": []})
    a("page-too-many", 2, 200, {"total": 100000, "total_page": 5000, "data": []})
    a("page-bad-task", 2, 200, {"total": 1, "data": [{"task_id": "", "gmt_create": -1}]})
    a("page-huge-time", 2, 200, {"total": 1, "data": [{"task_id": "a", "gmt_create": 9223372036854775807}]})


def wavespeed():
    a = lambda *args: answer("wavespeed", *args)
    pred = {"id": "b9f6c2", "model": "wavespeed-ai/wan-flf2v", "outputs": [],
            "urls": {"get": "https://api.wavespeed.ai/api/v3/predictions/b9f6c2/result"},
            "has_nsfw_contents": [], "status": "created", "created_at": "2026-12-05T10:00:00Z",
            "error": "", "timings": {"inference": 0}}
    env = lambda data, code=200, message="success": {"code": code, "message": message, "data": data}
    a("submit-ok", 0, 200, env(pred))
    a("submit-no-id", 0, 200, env(dict(pred, id=None)))
    a("submit-400", 0, 400, {"code": 400, "message": "size must be one of"})
    a("submit-envelope-error", 0, 200, env(None, 500, "engine crashed"))
    a("submit-502", 0, 502, b"")
    a("poll-processing", 1, 200, env(dict(pred, status="processing")))
    a("poll-completed", 1, 200, env(dict(pred, status="completed",
                                         outputs=["https://cdn.wavespeed.ai/x.mp4"],
                                         has_nsfw_contents=[False], timings={"inference": 41234})))
    a("poll-completed-nsfw", 1, 200, env(dict(pred, status="completed", outputs=["https://x/y.mp4"],
                                              has_nsfw_contents=[True])))
    a("poll-completed-no-output", 1, 200, env(dict(pred, status="completed", outputs=[])))
    a("poll-completed-odd-outputs", 1, 200, env(dict(pred, status="completed", outputs=[7, None],
                                                     timings={"inference": 1e300})))
    a("poll-failed", 1, 200, env(dict(pred, status="failed", error="CUDA out of memory")))
    a("poll-timeout", 1, 200, env(dict(pred, status="timeout", error="Prediction timed out")))
    a("poll-404", 1, 404, {"code": 404, "message": "prediction not found"})
    a("poll-envelope-500", 1, 200, env(None, 500, "forced"))
    a("poll-data-string", 1, 200, env("x"))


def runcomfy():
    a = lambda *args: answer("runcomfy", *args)
    base = "https://model-api.runcomfy.net/v1/requests/5b2f"
    a("submit-ok", 0, 200, {"request_id": "5b2f-11ee", "status_url": base + "/status",
                            "result_url": base + "/result", "cancel_url": base + "/cancel"})
    a("submit-bad-id", 0, 200, {"request_id": "../../x"})
    a("submit-200-error", 0, 200, {"error_code": 500, "error_message": "internal"})
    a("submit-422", 0, 400, {"detail": [{"loc": ["body", "seed"], "msg": "bad"}]})
    a("submit-401", 0, 401, {"error_code": 401, "error_message": "Invalid or missing API token"})
    a("poll-queued", 1, 200, {"status": "in_queue", "queue_position": 3, "status_url": base})
    a("poll-running", 1, 200, {"status": "in_progress"})
    a("poll-completed", 1, 200, {"status": "completed", "output": {"video": "https://x/y.mp4"},
                                 "cost": 12})
    a("poll-completed-videos", 1, 200, {"status": "completed", "output": {"videos": ["https://x/y.mp4"]}})
    a("poll-completed-empty", 1, 200, {"status": "completed", "output": {}})
    a("poll-failed", 1, 200, {"status": "failed", "error": "Workflow execution failed"})
    a("poll-cancelled", 1, 200, {"status": "cancelled"})
    a("poll-404", 1, 404, {"error_code": 404, "error_message": "Request not found"})
    a("poll-odd", 1, 200, {"status": ["x"], "queue_position": -9223372036854775808})



def comfyui():
    def o(name, kind, payload, node_byte=0):
        if not isinstance(payload, bytes):
            payload = json.dumps(payload).encode()
        if kind == 2:
            payload = bytes([node_byte]) + payload
        out("comfyui", name, bytes([kind]) + payload)

    jpeg = magick(["-size", "16x12", "gradient:red-blue"], "jpg")
    pngb = magick(["-size", "16x12", "gradient:red-blue"], "png")
    o("binary-preview-jpeg", 0, struct.pack(">II", 1, 1) + jpeg)
    o("binary-preview-png", 0, struct.pack(">II", 1, 2) + pngb)
    meta = json.dumps({"node_id": "3", "display_node_id": "3", "prompt_id": "p-1",
                       "image_type": "image/png"}).encode()
    o("binary-preview-metadata", 0, struct.pack(">II", 4, len(meta)) + meta + pngb)
    o("binary-metadata-length-lies", 0, struct.pack(">II", 4, 0xffffffff) + meta)
    o("binary-bad-format", 0, struct.pack(">II", 1, 9) + jpeg)
    o("binary-text", 0, struct.pack(">I", 3) + b"\x00\x00\x00\x013hello")
    o("binary-short", 0, b"\x00\x00")
    o("binary-preview-cut", 0, struct.pack(">II", 1, 1) + jpeg[:40])
    o("text-status", 1, {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}},
                                                     "sid": "c1"}})
    o("text-progress", 1, {"type": "progress", "data": {"value": 3, "max": 20, "prompt_id": "p-1",
                                                         "node": "3"}})
    o("text-executing", 1, {"type": "executing", "data": {"node": None, "prompt_id": "p-1"}})
    o("text-execution-error", 1, {"type": "execution_error", "data": {
        "prompt_id": "p-1", "node_id": "3", "node_type": "KSampler",
        "exception_message": "Allocation on device 0 would exceed allowed memory. (out of memory)",
        "exception_type": "torch.OutOfMemoryError", "traceback": ["  File x"]}})
    o("text-execution-error-odd", 1, {"type": "execution_error", "data": {
        "node_id": 3, "exception_message": ["x"], "exception_type": None}})
    o("text-not-object", 1, b'["type", "status"]')
    entry = {"prompt": [1, "p-1", {}, {}, ["9"]],
             "outputs": {"9": {"images": [{"filename": "wan_00001.mp4", "subfolder": "", "type": "output"}],
                               "animated": [True]}},
             "status": {"status_str": "success", "completed": True,
                        "messages": [["execution_start", {"prompt_id": "p-1"}],
                                     ["execution_success", {"prompt_id": "p-1"}]]}}
    o("history-images-animated", 2, {"p-1": entry}, 1)
    videos = dict(entry, outputs={"9": {"videos": [{"filename": "a.mp4", "subfolder": "video", "type": "output"}]}})
    o("history-videos", 2, {"p-1": videos}, 0)
    gifs = dict(entry, outputs={"7": {"gifs": [{"filename": "a.webp", "subfolder": "", "type": "temp",
                                                 "format": "image/webp"}]}})
    o("history-gifs-other-node", 2, {"p-1": gifs}, 1)
    o("history-still-image", 2, {"p-1": dict(entry, outputs={"9": {"images": [
        {"filename": "a.png", "subfolder": "", "type": "output"}]}})}, 0)
    o("history-traversal", 2, {"p-1": dict(entry, outputs={"9": {"videos": [
        {"filename": "../../.bashrc", "subfolder": "/etc", "type": "output"}]}})}, 0)
    o("history-error", 2, {"p-1": dict(entry, outputs={}, status={
        "status_str": "error", "completed": False, "messages": [
            ["execution_error", {"node_id": "3", "node_type": "KSampler", "exception_message": "boom",
                                 "exception_type": "RuntimeError"}]]})}, 0)
    o("history-interrupted", 2, {"p-1": dict(entry, status={
        "status_str": "error", "messages": [["execution_interrupted", {}]]})}, 0)
    o("history-odd-types", 2, {"p-1": {"outputs": [], "status": {"status_str": 5, "messages": {}}}}, 0)
    o("history-empty", 2, {}, 0)



def cli():
    def c(name, model, *args):
        out("cli", name, bytes([model]) + b"\0".join(a.encode() if isinstance(a, str) else a for a in args))

    c("prompt", 0, "-p", "a cat turns its head", "first.png", "last.png")
    c("set-duration-hex", 0, "--set", "duration=0x2", "a.png", "b.png")
    c("set-twice", 0, "--set", "fps=8", "--set", "fps=9", "a.png", "b.png")
    c("set-every-kind", 0, "--set", "duration=2.5", "--set", "fps=24", "--set", "fit=pad",
      "--set", "loop=true", "--set", "easing=ease-in-out", "--set", "resolution=720p", "a", "b")
    c("seed-huge", 1, "-s", "9223372036854775807", "a", "b")
    c("seed-negative", 1, "-s", "-5", "a", "b")
    c("seed-text", 1, "--seed=abc", "a", "b")
    c("cloud-settings", 1, "--set", "resolution=720P", "--set", "seed=42", "--set",
      "prompt_extend=false", "-n", "blurry", "a", "b")
    c("cloud-bad-enum", 2, "--set", "resolution=4K", "a", "b")
    c("runcomfy", 4, "--set", "length=141", "--set", "cfg=1.5", "a", "b")
    c("comfyui", 6, "--set", "steps=8", "--set", "shift=5", "a", "b")
    c("output-empty", 0, "-o", "", "a", "b")
    c("prompt-invalid-utf8", 0, "--prompt", b"\xff\xfe", "a", "b")
    c("set-no-key", 0, "--set", "=x", "a", "b")
    c("set-no-value", 0, "--set", "noequals", "a", "b")
    c("flags", 0, "--json", "-q", "--force", "-o", "out.mp4", "a", "b")
    c("unknown-option", 0, "--unknown", "a", "b")
    c("one-image", 0, "a.png")
    c("dash-dash", 0, "--", "-p", "b")


TARGETS = {"keyframe": keyframe, "schema": schema, "take": take,
           "dashscope": dashscope, "wavespeed": wavespeed, "runcomfy": runcomfy,
           "comfyui": comfyui, "cli": cli}

if __name__ == "__main__":
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
