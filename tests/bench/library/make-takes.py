#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes N synthetic take folders the way Inbetween writes them.

    make-takes.py TAKES_DIR N [--seed S]

Each folder holds a take.json like a real one (every member a real take
has: parameters, a state history of 6 entries, timings, a result with the
backend's metadata, fidelity, some with a title, note or star, a few
failed with an error), a small thumbnail.png and empty keyframe/clip
files, so listing costs what it costs on disk: reading and parsing every
record. Reproducible from the seed.
"""
import json
import os
import random
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone

PROMPTS = [
    "the balloon drifts over the hills as the light turns golden",
    "a red ball rolls across the table and falls off the edge",
    "camera slowly pushes in on the lighthouse while waves crash",
    "她转过身，微笑着看向镜头，头发被风吹起",
    "the cat jumps from the sofa to the windowsill",
    "a paper boat sails down the rain-filled gutter",
    "slow dolly left around the statue at dusk, cinematic",
    "the flower opens its petals in time-lapse",
]
BACKENDS = [("local", "flow"), ("dashscope", "wan2.2-kf2v-flash"),
            ("wavespeed", "wavespeed-ai/wan-flf2v"), ("runcomfy", "community/wan-2-2/first-last-frame")]
STATES = ["done"] * 8 + ["failed", "cancelled", "expired", "interrupted"]


def png(width, height, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    takes_dir = sys.argv[1]
    n = int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    os.makedirs(takes_dir, exist_ok=True)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    thumb = png(160, 90, (90, 120, 160))

    for i in range(n):
        created = start + timedelta(minutes=7 * i, seconds=rng.randrange(60))
        tid = created.strftime("%Y%m%d-%H%M%S-") + "%06x" % rng.randrange(1 << 24)
        backend, model = rng.choice(BACKENDS)
        state = rng.choice(STATES)
        history = []
        t = created
        for s in ["queued", "preparing", "uploading", "submitted", "running", state]:
            t += timedelta(seconds=rng.uniform(0.1, 20))
            history.append({"state": s, "at": t.isoformat().replace("+00:00", "Z")})
        take = {
            "schema_version": 1, "id": tid, "number": i + 1,
            "created": created.isoformat().replace("+00:00", "Z"),
            "backend": backend, "model": model,
            "prompt": rng.choice(PROMPTS), "negative_prompt": "blurry, low quality, watermark",
            "parameters": {"duration": 5, "fps": 16, "resolution": "720p", "fit": "crop",
                           "easing": "linear", "loop": False, "seed": rng.randrange(1 << 31),
                           "prompt_extend": True, "watermark": False},
            "seed": rng.randrange(1 << 31), "history": history,
            "timings": {"generate": rng.uniform(2, 300), "total": rng.uniform(2, 320)},
            "error": None, "state": state, "updated": history[-1]["at"],
            "files": {"first": "first.png", "last": "last.png", "clip": "clip.mp4", "thumbnail": "thumbnail.png"},
            "frame_size": {"width": 1280, "height": 720},
        }
        if state == "done":
            take["result"] = {"width": 1280, "height": 720, "frames": 81, "fps": 16.0,
                              "backend": {"task_id": "%032x" % rng.randrange(1 << 128), "polls": rng.randrange(40),
                                          "analysis_s": rng.uniform(0, 1), "render_s": rng.uniform(1, 3)}}
            take["fidelity"] = {"version": 1, "frames": 81, "drift": rng.random() < 0.1, "drift_threshold": 3.0,
                                "first": {"psnr": rng.uniform(25, 45), "mean_delta_e": rng.uniform(0, 4),
                                          "colour_shift": rng.uniform(0, 5)},
                                "last": {"psnr": rng.uniform(25, 45), "mean_delta_e": rng.uniform(0, 4),
                                         "colour_shift": rng.uniform(0, 5)}}
        elif state in ("failed", "expired", "interrupted"):
            take["error"] = {"domain": "inb-backend-error-quark", "code": 2,
                             "message": "The service reported a failure: InternalError.Algo (request %08x)" % rng.randrange(1 << 32)}
        if rng.random() < 0.1:
            take["starred"] = True
        if rng.random() < 0.05:
            take["title"] = "Keeper %d" % i
        if rng.random() < 0.05:
            take["note"] = "try a lower shift next time; the ending drifts warm"
        folder = os.path.join(takes_dir, tid)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "take.json"), "w") as fp:
            json.dump(take, fp, indent=2, ensure_ascii=False)
        with open(os.path.join(folder, "thumbnail.png"), "wb") as fp:
            fp.write(thumb)
        for name in ("first.png", "last.png") + (("clip.mp4",) if state == "done" else ()):
            open(os.path.join(folder, name), "wb").close()


if __name__ == "__main__":
    main()
