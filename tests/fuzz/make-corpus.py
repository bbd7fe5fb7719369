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


TARGETS = {"keyframe": keyframe, "schema": schema, "take": take}

if __name__ == "__main__":
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
