#!/usr/bin/python3
# wide.py — the engine on pictures it was not tuned on (issue 14)
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Generates keyframe pairs with ground-truth in-betweens from photographs
# in Debian packages (mate-backgrounds, plasma-workspace-wallpapers; the
# repeated-texture renders of gnome-backgrounds), every parameter drawn at
# random inside the ranges below from the case's seed; runs our engine and
# the anchors (cross-dissolve, FFmpeg minterpolate, OpenCV DIS) on each;
# reports distributions per category and half; writes a contact sheet of
# the worst engine middle frames.
#
#   python3 tests/bench/wide.py --build build              (both halves)
#   python3 tests/bench/wide.py --build build --half tune  (tuning only)
#
# Even case i is the tuning half, seed BASE_SEED + i; odd i is the
# evaluation half, seed EVAL_SEED + i. Each kind of case occupies two
# consecutive slots, so both halves hold the same kinds. Nothing generated
# is committed.
#
# The evaluation half has been drawn afresh fourteen times. The first one (seeds
# BASE_SEED + odd i, used for the evaluation runs of sessions 8 to 10) had
# been looked at (case 57, after the tenth session's run), so it could no
# longer say how the engine does on pictures nobody has seen; it is kept as
# development data (--half old). The second (seeds 74000 + odd i) served
# one evaluation run, in the eleventh session, whose per-case figures were
# then published and read; it too is development data now (--half old2).
# The third (seeds 134000 + odd i, drawn in the twelfth session) likewise
# served one run whose figures were published (--half old3). The fourth
# (seeds 194000 + odd i, drawn in the thirteenth session) was read for a
# decision to revert an engine change, so it is development data too
# (--half old4). The fifth (seeds 254000 + odd i, drawn in the fourteenth
# session) served one run whose figures were published (--half old5), and
# a sixth draw (seeds 314000 + odd i) served that session's one
# confirmation run, whose figures the lead read (--half old6). The seventh
# (seeds 374000 + odd i, drawn in the fifteenth session) served one run
# whose figures were published (--half old7), and an eighth draw (seeds
# 434000 + odd i) served that session's confirmation run (--half old8).
# The ninth (seeds 494000 + odd i, drawn in the sixteenth session) served
# one run whose figures were published (--half old9), and a tenth draw
# (seeds 554000 + odd i) served that session's confirmation run
# (--half old10). The eleventh (seeds 614000 + odd i, drawn in the
# seventeenth session) served one run whose figures were published
# (--half old11), and a twelfth draw (seeds 674000 + odd i) served that
# session's confirmation run (--half old12). The thirteenth (seeds
# 734000 + odd i, drawn in the eighteenth session) served one run whose
# figures were published (--half old13), and a fourteenth draw (seeds
# 794000 + odd i) served that session's confirmation run (--half old14).
# The current one, seeds EVAL_SEED + odd i, was drawn in the nineteenth.
#
# A third set, the development set (--half dev), holds the same kinds with
# seeds DEV_SEED + i: cases to check a change on before it lands, so that
# a gain found on the tuning half is seen to carry over to pictures it was
# not found on. It is never part of the report's halves.

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the issue-3 benchmark: renderers, anchors, metrics)
from run import cv2, T, S, R2, lerp  # noqa: E402

SOURCE_ROOT = run.SOURCE_ROOT
BASE_SEED = 14000
EVAL_SEED = 854000
DEV_SEED = 90000
# retired evaluation halves (odd indices only), kept as development data
RETIRED = {"old": BASE_SEED, "old2": 74000, "old3": 134000, "old4": 194000,
           "old5": 254000, "old6": 314000, "old7": 374000, "old8": 434000,
           "old9": 494000, "old10": 554000, "old11": 614000, "old12": 674000,
           "old13": 734000, "old14": 794000}
TS = [0.25, 0.5, 0.75]

MATE = "/usr/share/backgrounds/mate/nature/"
GNOME = "/usr/share/backgrounds/gnome/"


class _Plasma:
    """plasma-workspace-wallpapers' picture NAME: its 1920x1080.jpg, or
    the largest size it ships"""

    def __mod__(self, name):
        d = f"/usr/share/wallpapers/{name}/contents/images/"
        if os.path.exists(d + "1920x1080.jpg") or not os.path.isdir(d):
            return d + "1920x1080.jpg"
        return d + max(os.listdir(d), key=lambda f: os.path.getsize(d + f))


PLASMA = _Plasma()
# Photographs (more than 20 distinct ones) ...
PHOTOS = [MATE + f for f in ("Aqua.jpg", "Blinds.jpg", "Dune.jpg", "FreshFlower.jpg", "Garden.jpg",
                             "GreenMeadow.jpg", "LadyBird.jpg", "RainDrops.jpg", "Storm.jpg",
                             "TwoWings.jpg", "Wood.jpg", "YellowFlower.jpg")] + \
         [PLASMA % f for f in ("BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf",
                               "Kite", "Path", "summer_1am")]
# ... those with little texture (fog, sky, bokeh, still water) ...
LOW_TEXTURE = [PLASMA % f for f in ("ColdRipple", "DarkestHour", "summer_1am", "Kite", "FallenLeaf")] + \
              [MATE + "Storm.jpg", MATE + "Aqua.jpg"]
# ... and repeated texture (two photographs, two renders).
REPEATED = [PLASMA % "ColorfulCups", PLASMA % "OneStandsOut", PLASMA % "Grey",
            GNOME + "grid-l.webp", GNOME + "truchet-l.webp"]

# Two consecutive slots per kind (one per half); the list is the benchmark.
KINDS = [
    # camera
    ("camera", "pan"), ("camera", "pan"), ("camera", "zoom"), ("camera", "zoom"),
    ("camera", "roll"), ("camera", "tilt"), ("camera", "combo"), ("camera", "combo"),
    ("camera", "low-texture"), ("camera", "low-texture"), ("camera", "tilt-combo"),
    # objects
    ("objects", "one-still"), ("objects", "one-still"), ("objects", "one-moving-bg"),
    ("objects", "one-turn-scale"), ("objects", "two-crossing"), ("objects", "three"),
    ("objects", "leaving"), ("objects", "thin"), ("objects", "round-soft"),
    # hard
    ("hard", "scene-change"), ("hard", "brightness"), ("hard", "repeated"), ("hard", "motion-blur"),
]


def slots():
    """The kind of each case, in seed order (pairs: tuning, evaluation)."""
    out = []
    for k in KINDS:
        out += [k, k]
    # camera combos and objects are where the engine is weakest: a third pair
    extra = [("camera", "combo"), ("camera", "pan-large"), ("objects", "one-still"),
             ("objects", "two-crossing"), ("objects", "one-moving-bg"), ("hard", "repeated"),
             ("hard", "brightness"), ("objects", "leaving")]
    for k in extra:
        out += [k, k]
    return out


def load(path, cache={}):
    if path not in cache:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            sys.exit(f"wide.py: cannot read {path} (run build-aux/deps.sh: mate-backgrounds, "
                     "plasma-workspace-wallpapers, gnome-backgrounds)")
        cache[path] = img
    return cache[path]


def sgn(rng):
    return 1.0 if rng.random() < 0.5 else -1.0


# --------------------------------------------------------------------------
# Camera cases (units: run.py's view units, 1280 per frame width at zoom 1)

def camera_params(rng, sub):
    """An affine or 3-D camera move of the given kind."""
    W, H = run.REF_W, run.REF_W * 9 / 16
    c = dict(kind="affine", c0=(0.0, 0.0), c1=(0.0, 0.0), s0=1.0, s1=1.0, a0=0.0, a1=0.0)
    if sub in ("pan", "pan-large"):
        lo, hi = (0.25, 0.40) if sub == "pan-large" else (0.04, 0.30)
        dx, dy = sgn(rng) * rng.uniform(lo, hi) * W, rng.uniform(-0.08, 0.08) * H
        c.update(c0=(-dx / 2, -dy / 2), c1=(dx / 2, dy / 2))
        what = f"pan {abs(dx) / W * 100:.0f} % of the width"
    elif sub == "zoom":
        z = math.exp(sgn(rng) * rng.uniform(math.log(1.15), math.log(1.5)))
        z = max(0.7, z)
        c.update(s1=z, c1=(rng.uniform(-20, 20), rng.uniform(-12, 12)))
        what = f"zoom {z:.2f}x"
    elif sub == "roll":
        a = sgn(rng) * rng.uniform(3, 10)
        c.update(a0=-a / 2, a1=a / 2, c1=(rng.uniform(-15, 15), rng.uniform(-10, 10)))
        what = f"roll {a:+.1f}°"
    elif sub in ("combo", "low-texture"):
        dx = sgn(rng) * rng.uniform(0.03, 0.20) * W
        z = math.exp(rng.uniform(math.log(0.8), math.log(1.35)))
        a = rng.uniform(-6, 6)
        c.update(c0=(-dx / 2, 0.0), c1=(dx / 2, rng.uniform(-0.05, 0.05) * H), s1=z, a0=-a / 2, a1=a / 2)
        what = f"pan {abs(dx) / W * 100:.0f} %, zoom {z:.2f}x, roll {a:+.1f}°"
    else:  # tilt, tilt-combo: a pinhole camera over the photograph (homography)
        yaw, pitch = sgn(rng) * rng.uniform(3, 7), sgn(rng) * rng.uniform(2, 5)
        dz = 1.0 if sub == "tilt" else 1.0 / rng.uniform(1.05, 1.25)
        dx = 0.0 if sub == "tilt" else sgn(rng) * rng.uniform(0.03, 0.15) * W
        c = dict(kind="3d", C0=(-dx / 2, 0.0, 1.0), C1=(dx / 2, rng.uniform(-20, 20), dz),
                 yaw0=-yaw / 2, yaw1=yaw / 2, pitch0=-pitch / 2, pitch1=pitch / 2)
        what = f"tilt yaw {yaw:+.1f}° pitch {pitch:+.1f}°" + \
            ("" if sub == "tilt" else f", dolly {1 / dz:.2f}x, pan {abs(dx) / W * 100:.0f} %")
    return c, what


def render_camera(case, w, h, ts):
    return run.render_camera_case(case, w, h, ts)


# --------------------------------------------------------------------------
# Objects: cut-outs of real photo regions

def region_mask(crop, rng):
    """An irregular mask from the photo's own content: the connected
    region around the crop's centre whose colour is close to the centre's
    (the threshold chosen so it covers 35-75 % of the crop), closed."""
    h, w = crop.shape[:2]
    lab = cv2.cvtColor(cv2.GaussianBlur(crop, (0, 0), 3), cv2.COLOR_BGR2LAB).astype(np.float32)
    centre = lab[h // 3:2 * h // 3, w // 3:2 * w // 3].reshape(-1, 3).mean(axis=0)
    d = np.sqrt(((lab - centre) ** 2).sum(axis=2))
    best = None
    for q in (0.55, 0.45, 0.65, 0.35, 0.75):
        m = (d <= np.quantile(d, q)).astype(np.uint8)
        n, lbl, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        if n < 2:
            continue
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        m = (lbl == k).astype(np.uint8)
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
        frac = m.mean()
        if 0.35 <= frac <= 0.75:
            best = m
            break
    if best is None:
        return noise_blob((w, h), rng)
    # fill holes: what the border cannot reach from outside
    inv = np.pad(1 - best, 1, constant_values=1)
    ff = inv.copy()
    cv2.floodFill(ff, None, (0, 0), 2)
    best = np.where(ff[1:-1, 1:-1] == 1, 1, best)
    return best.astype(np.float32)


def noise_blob(size, rng):
    w, h = size
    g = rng.normal(size=(8, 8)).astype(np.float32)
    g = cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
    m = (g * 0.35 + 1.0 - r > 0.35).astype(np.float32)
    return m


def ellipse_mask(size, aspect=1.0):
    w, h = size
    m = np.zeros((h, w), np.uint8)
    cv2.ellipse(m, (w // 2, h // 2), (max(2, w // 2 - 3), max(2, h // 2 - 3)), 0, 0, 360, 1, -1)
    return m.astype(np.float32)


def object_params(rng, sub, w_ref=run.REF_W):
    W, H = w_ref, w_ref * 9 / 16
    n = {"two-crossing": 2, "three": 3}.get(sub, 1)
    objs = []
    photos = list(PHOTOS)
    for i in range(n):
        src = photos[int(rng.integers(len(photos)))]
        area = rng.uniform(0.05, 0.40) if n == 1 else rng.uniform(0.05, 0.18)
        if sub == "thin":
            shape, aspect = "thin", rng.uniform(3.0, 5.0)
        elif sub == "round-soft":
            shape, aspect = "round", rng.uniform(0.8, 1.25)
        else:
            shape = ["region", "region", "blob", "round"][int(rng.integers(4))]
            aspect = rng.uniform(0.6, 1.7)
        ow = math.sqrt(area * W * H * aspect / (math.pi / 4 if shape in ("round", "thin") else 0.6))
        oh = ow / aspect
        ow, oh = min(ow, 0.9 * W), min(oh, 0.9 * H)
        soft = sub == "round-soft" or rng.random() < 0.4
        dist = rng.uniform(0.10, 0.50) * W
        ang = rng.uniform(-math.pi, math.pi) if sub in ("one-still", "one-moving-bg", "three") else 0.0
        dx, dy = dist * math.cos(ang), 0.4 * dist * math.sin(ang)
        cx, cy = rng.uniform(-0.15, 0.15) * W, rng.uniform(-0.12, 0.12) * H
        if sub == "two-crossing":
            # towards each other along a band, crossing half-way
            dx = sgn(rng) * rng.uniform(0.25, 0.50) * W * (1 if i == 0 else -1)
            if i == 1:
                dx = -objs[0]["o1"][0] + objs[0]["o0"][0]
                dx *= rng.uniform(0.7, 1.0)
            dy = rng.uniform(-0.08, 0.08) * H
            cx = 0.0 if i == 0 else rng.uniform(-0.05, 0.05) * W
            cy = (0.06 if i == 0 else -0.06) * H
        if sub == "leaving":
            # the end position half out of the frame at the side it moves to
            side = sgn(rng)
            end_x = side * (W / 2 - rng.uniform(-0.2, 0.2) * ow)
            start_x = end_x - side * rng.uniform(0.25, 0.45) * W
            cx, dx = (start_x + end_x) / 2, end_x - start_x
        rot = rng.uniform(-20, 20) if sub in ("one-turn-scale", "three", "thin", "leaving") else \
            rng.uniform(-6, 6)
        sc = math.exp(rng.uniform(math.log(0.8), math.log(1.25))) if sub in ("one-turn-scale", "three") \
            else 1.0
        objs.append(dict(photo=src, area=area, crop=(rng.uniform(0.05, 0.45), rng.uniform(0.05, 0.45)),
                         shape=shape, size=(ow, oh), soft=float(rng.uniform(2.0, 6.0) if soft else 0.7),
                         o0=(cx - dx / 2, cy - dy / 2), o1=(cx + dx / 2, cy + dy / 2),
                         r0=-rot / 2, r1=rot / 2, s0=1.0 / math.sqrt(sc), s1=math.sqrt(sc),
                         seed=int(rng.integers(1 << 30))))
    bg = photos[int(rng.integers(len(photos)))]
    pan = (0.0, 0.0)
    if sub in ("one-moving-bg", "three") or (sub == "two-crossing" and rng.random() < 0.5):
        p = sgn(rng) * rng.uniform(0.04, 0.15) * W
        pan = (p, rng.uniform(-0.03, 0.03) * H)
    what = f"{n} object{'s' if n > 1 else ''} (" + ", ".join(
        f"{o['shape']} {o['area'] * 100:.0f} %"
        f"{' soft' if o['soft'] > 1 else ''}, moves {math.hypot(o['o1'][0] - o['o0'][0], o['o1'][1] - o['o0'][1]) / W * 100:.0f} %"
        f"{', turns %.0f°' % (o['r1'] - o['r0']) if abs(o['r1'] - o['r0']) > 1 else ''}"
        f"{', scales %.2fx' % (o['s1'] / o['s0']) if abs(o['s1'] / o['s0'] - 1) > 0.01 else ''}"
        for o in objs) + ")" + (f" over a pan of {abs(pan[0]) / W * 100:.0f} %" if pan[0] else " over a still background")
    return dict(bg=bg, pan=pan, objects=objs), what


def object_sprite(o, k):
    src = load(o["photo"])
    sh, sw = src.shape[:2]
    ow, oh = max(8, int(o["size"][0] * k)), max(8, int(o["size"][1] * k))
    # the crop keeps the object's aspect and is a real region of the photo
    cw = min(sw * 0.5, sh * 0.5 * ow / oh)
    ch = cw * oh / ow
    x0, y0 = int(o["crop"][0] * (sw - cw)), int(o["crop"][1] * (sh - ch))
    crop = src[y0:y0 + int(ch), x0:x0 + int(cw)]
    sprite = cv2.resize(crop, (ow, oh), interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(o["seed"])
    if o["shape"] == "region":
        mask = region_mask(sprite, rng)
    elif o["shape"] == "blob":
        mask = noise_blob((ow, oh), rng)
    else:
        mask = ellipse_mask((ow, oh))
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.3, o["soft"] * k))
    return sprite, np.clip(mask, 0, 1)


def render_objects(case, w, h, ts):
    k = w / run.REF_W
    bg_case = dict(kind="affine", c0=(-case["pan"][0] / 2, -case["pan"][1] / 2),
                   c1=(case["pan"][0] / 2, case["pan"][1] / 2), s0=1.0, s1=1.0, a0=0.0, a1=0.0)
    samples = [run.camera_matrix(bg_case, i / 40.0, w, h) for i in range(41)]
    world, m = run.make_world(load(case["bg"]), samples, w, h)
    sprites = [object_sprite(o, k) for o in case["objects"]]
    out = {}
    for t in ts:
        img = run.warp(world, m @ run.camera_matrix(bg_case, t, w, h), w, h).astype(np.float32)
        for o, (sprite, mask) in zip(case["objects"], sprites):
            oh, ow = mask.shape
            ox, oy = lerp(o["o0"], o["o1"], t)
            place = T(w / 2.0 + ox * k, h / 2.0 + oy * k) @ R2(lerp(o["r0"], o["r1"], t)) @ \
                S(lerp(o["s0"], o["s1"], t)) @ T(-ow / 2.0, -oh / 2.0)
            fg = cv2.warpAffine(sprite, place[:2], (w, h), flags=cv2.INTER_LANCZOS4,
                                borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
            a = cv2.warpAffine(mask, place[:2], (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0)[..., None]
            img = img * (1 - a) + fg * a
        out[t] = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    return out


# --------------------------------------------------------------------------
# Hard cases

def hard_params(rng, sub):
    if sub == "scene-change":
        a, b = rng.choice(len(PHOTOS), 2, replace=False)
        return dict(photo=PHOTOS[a], photo2=PHOTOS[b]), "two unrelated photographs"
    if sub == "repeated":
        cam, what = camera_params(rng, ["pan", "combo"][int(rng.integers(2))])
        cam["photo"] = REPEATED[int(rng.integers(len(REPEATED)))]
        return cam, "repeated texture, " + what
    cam, what = camera_params(rng, ["pan", "combo", "zoom"][int(rng.integers(3))])
    cam["photo"] = PHOTOS[int(rng.integers(len(PHOTOS)))]
    if sub == "brightness":
        g = math.exp(sgn(rng) * rng.uniform(math.log(1.25), math.log(1.6)))
        cam["gain"] = g
        return cam, f"brightness x{g:.2f}, " + what
    cam["blur"] = rng.uniform(8, 24)
    return cam, f"motion blur {cam['blur']:.0f} px in the last keyframe, " + what


def motion_blur(img, length, angle):
    n = max(3, int(round(length)))
    ker = np.zeros((n, n), np.float32)
    ker[n // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), angle, 1.0)
    ker = cv2.warpAffine(ker, rot, (n, n))
    ker /= ker.sum()
    return cv2.filter2D(img, -1, ker, borderType=cv2.BORDER_REFLECT)


def render_hard(case, sub, w, h, ts):
    if sub == "scene-change":
        fr = run.render_scene_change(case, w, h)
        fr.update(run.method_dissolve(fr[0.0], fr[1.0], ts))  # the reference, see the report
        return fr
    fr = run.render_camera_case(case, w, h, ts)
    if sub == "brightness":
        g = case["gain"]
        for t in fr:
            f = (1 - t) + t * g
            fr[t] = np.clip(fr[t].astype(np.float32) * f + 0.5, 0, 255).astype(np.uint8)
    elif sub == "motion-blur":
        d = run.camera_displacement(case, w, h)
        # blur along the dominant motion: the direction of the centre's path
        m = np.linalg.inv(run.camera_matrix(case, 1.0, w, h)) @ run.camera_matrix(case, 0.0, w, h)
        p = m @ np.array([w / 2, h / 2, 1.0])
        ang = math.degrees(math.atan2(p[1] / p[2] - h / 2, p[0] / p[2] - w / 2)) if d[0] > 1 else 0.0
        fr[1.0] = motion_blur(fr[1.0], case["blur"] * w / run.REF_W, -ang)
    return fr


# --------------------------------------------------------------------------

def make_case(i, dev=False, retired=None):
    """case I of the halves (even: tuning, odd: evaluation), of the
    development set (DEV), or of a retired evaluation half (RETIRED, a key
    of RETIRED; odd I only)"""
    cat, sub = slots()[i]
    if dev:
        seed = DEV_SEED + i
    elif retired:
        seed = RETIRED[retired] + i
    elif i % 2 == 0:
        seed = BASE_SEED + i
    else:
        seed = EVAL_SEED + i
    rng = np.random.default_rng(seed)
    if cat == "camera":
        c, what = camera_params(rng, sub)
        pool = LOW_TEXTURE if sub == "low-texture" else PHOTOS
        c["photo"] = pool[int(rng.integers(len(pool)))]
    elif cat == "objects":
        c, what = object_params(rng, sub)
    else:
        c, what = hard_params(rng, sub)
    if dev:
        c.update(name=f"dev{i:02d}-{sub}", seed=seed, category=cat, sub=sub, what=what, half="dev")
    elif retired:
        prefix = retired if retired == "old" else retired + "-"
        c.update(name=f"{prefix}{i:02d}-{sub}", seed=seed, category=cat, sub=sub, what=what,
                 half=retired)
    else:
        c.update(name=f"{i:02d}-{sub}", seed=seed, category=cat, sub=sub, what=what,
                 half="tune" if i % 2 == 0 else "eval")
    return c


def render(case, w, h):
    ts = [0.0, 1.0] + TS
    if case["category"] == "camera":
        return render_camera(case, w, h, ts)
    if case["category"] == "objects":
        return render_objects(case, w, h, ts)
    return render_hard(case, case["sub"], w, h, ts)


def photo_name(p):
    parts = p.split("/")
    return parts[4] if "/wallpapers/" in p else parts[-1].rsplit(".", 1)[0]


# --------------------------------------------------------------------------
# Whole clips as a user gets them: H.264 from the CLI, decoded as players
# do (the matrix and range of the stream's tags, chroma upsampled).

def decode_yuv_tagged(ffmpeg, path, w, h):
    probe = run.run_cmd(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                         "stream=color_space,color_range,pix_fmt", "-of", "json", path])
    st = json.loads(probe.stdout).get("streams", [{}])[0]
    p = run.run_cmd([ffmpeg, "-hide_banner", "-loglevel", "error", "-i", path,
                     "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
    size = w * h * 3 // 2
    raw = np.frombuffer(p.stdout, np.uint8)
    frames = []
    kr, kb = (0.2126, 0.0722) if st.get("color_space") == "bt709" else (0.299, 0.114)
    full = st.get("color_range") == "pc"
    for n in range(len(raw) // size):
        b = raw[n * size:(n + 1) * size]
        y = b[:w * h].reshape(h, w).astype(np.float32)
        u = b[w * h:w * h + w * h // 4].reshape(h // 2, w // 2).astype(np.float32)
        v = b[w * h + w * h // 4:].reshape(h // 2, w // 2).astype(np.float32)
        u = cv2.resize(u, (w, h), interpolation=cv2.INTER_LINEAR)
        v = cv2.resize(v, (w, h), interpolation=cv2.INTER_LINEAR)
        if full:
            yy, cb, cr = y, u - 128, v - 128
        else:
            yy, cb, cr = (y - 16) * 255 / 219, (u - 128) * 255 / 224, (v - 128) * 255 / 224
        r = yy + 2 * (1 - kr) * cr
        bb = yy + 2 * (1 - kb) * cb
        g = (yy - kr * r - kb * bb) / (1 - kr - kb)
        frames.append(np.clip(np.stack([bb, g, r], axis=2) + 0.5, 0, 255).astype(np.uint8))
    return frames, st


def clip_psnrs(cli, ffmpeg, first_png, last_png, gt, w, h, work):
    """PSNR of the decoded clip's frames at t = 0, 0.5, 1 (9 frames at 8
    fps: t = i / 8) against the keyframes and the truth."""
    out = os.path.join(work, "clip.mp4")
    run.cli_clip(cli, first_png, last_png, 9, 8, out, work)
    frames, st = decode_yuv_tagged(ffmpeg, out, w, h)
    if len(frames) != 9:
        raise RuntimeError(f"clip has {len(frames)} frames, expected 9")
    return dict(first=run.psnr(frames[0], gt[0.0]), mid=run.psnr(frames[4], gt[0.5]),
                last=run.psnr(frames[8], gt[1.0]), tags=st)


# --------------------------------------------------------------------------

METHODS = ["ours", "dissolve", "mi", "dis"]
ANCHORS = ["dissolve", "mi", "dis"]
LABEL = dict(ours="ours", dissolve="cross-dissolve", mi="FFmpeg minterpolate", dis="OpenCV DIS")


def evaluate(case, w, h, driver, ffmpeg, cli, work, keep, search):
    cdir = os.path.join(work, case["name"])
    os.makedirs(cdir, exist_ok=True)
    gt = render(case, w, h)
    first, last = gt[0.0], gt[1.0]
    fp, lp = os.path.join(cdir, "first.png"), os.path.join(cdir, "last.png")
    cv2.imwrite(fp, first)
    cv2.imwrite(lp, last)
    outs = {}
    t0 = time.monotonic()
    fr, info = run.method_ours(driver, fp, lp, [0.0] + TS + [1.0], cdir)
    t_ours = time.monotonic() - t0
    outs["ours"] = {t: fr[t] for t in TS}
    ends = min(run.psnr(fr[0.0], first), run.psnr(fr[1.0], last))
    res = {m: {f"{t:g}": [run.psnr(fr_[t], gt[t]), run.ssim(fr_[t], gt[t])] for t in TS}
           for m, fr_ in outs.items()}
    # The anchors do not change with the engine: kept in the work directory
    # (--work) for the next run of the same case (its seed: a name is not
    # enough once a half is drawn afresh), size and search range.
    cache = os.path.join(cdir, f"anchors-{case['seed']}-{w}x{h}-{search}.json")
    if os.path.exists(cache):
        with open(cache) as fp_:
            res.update(json.load(fp_))
    else:
        anchors = dict(dissolve=run.method_dissolve(first, last, TS),
                       mi=run.method_minterpolate(ffmpeg, fp, lp, TS, search, cdir)[0],
                       dis=run.method_dis(first, last, TS))
        ares = {m: {f"{t:g}": [run.psnr(fr_[t], gt[t]), run.ssim(fr_[t], gt[t])] for t in TS}
                for m, fr_ in anchors.items()}
        with open(cache, "w") as fp_:
            json.dump(ares, fp_)
        res.update(ares)
    r = dict(name=case["name"], seed=case["seed"], half=case["half"], category=case["category"],
             sub=case["sub"], what=case["what"], res=res, ends=ends, ours_s=t_ours,
             photo=photo_name(case.get("photo", case.get("bg", ""))))
    if cli:
        try:
            r["clip"] = clip_psnrs(cli, ffmpeg, fp, lp, gt, w, h, cdir)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            r["clip_error"] = str(e)[-300:]
    cv2.imwrite(os.path.join(cdir, "truth-0.5.png"), gt[0.5])
    cv2.imwrite(os.path.join(cdir, "ours-0.5.png"), outs["ours"][0.5])
    if not keep:
        for f in os.listdir(cdir):
            if f.endswith(".ppm") or f == "mi-in" or f.startswith("mi-") and not f.endswith(".json"):
                p = os.path.join(cdir, f)
                shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    return r


def stats(xs):
    xs = np.asarray([min(x, 99.0) for x in xs], float)
    if xs.size == 0:
        return None
    return dict(mean=float(xs.mean()), median=float(np.median(xs)),
                p10=float(np.percentile(xs, 10)), worst=float(xs.min()), n=int(xs.size))


def mid(r, m, i=0):
    return r["res"][m]["0.5"][i]


def quarter(r, m, i=0):
    return 0.5 * (r["res"][m]["0.25"][i] + r["res"][m]["0.75"][i])


def scored(r):
    # the scene change's truth is a dissolve (a convention): reported apart
    return r["sub"] != "scene-change"


def summary_lines(results, half):
    rs = [r for r in results if r["half"] == half]
    L = []
    groups = [("all (no scene change)", [r for r in rs if scored(r)])] + \
        [(c, [r for r in rs if r["category"] == c and scored(r)]) for c in ("camera", "objects", "hard")]
    for metric, fn, idx, unit in (("PSNR t=0.5", mid, 0, "dB"), ("PSNR t=0.25/0.75", quarter, 0, "dB"),
                                  ("SSIM t=0.5", mid, 1, ""), ("SSIM t=0.25/0.75", quarter, 1, "")):
        L.append(f"\n**{metric}** ({half} half; mean / median / 10th percentile / worst)\n")
        L.append("| cases | n | " + " | ".join(LABEL[m] for m in METHODS) + " |")
        L.append("|---|---|" + "---|" * len(METHODS))
        nd = 2 if idx == 0 else 3
        for gname, g in groups:
            if not g:
                continue
            cells = []
            for m in METHODS:
                s = stats([fn(r, m, idx) for r in g])
                cells.append(f"{s['mean']:.{nd}f} / {s['median']:.{nd}f} / {s['p10']:.{nd}f} / {s['worst']:.{nd}f}")
            L.append(f"| {gname} | {len(g)} | " + " | ".join(cells) + " |")
    return L


def checks(results, half):
    rs = [r for r in results if r["half"] == half]
    below_dis, below_best, moved = [], [], []
    for r in rs:
        o = mid(r, "ours")
        if r["sub"] == "scene-change":
            if o < mid(r, "dissolve") - 0.5:
                below_dis.append((r["name"], o - mid(r, "dissolve")))
            continue
        if o < mid(r, "dissolve"):
            below_dis.append((r["name"], o - mid(r, "dissolve")))
        best = max(mid(r, m) for m in ANCHORS)
        if o < best - 0.5:
            below_best.append((r["name"], o - best))
    s = stats([mid(r, "ours") for r in rs if scored(r)])
    return s, below_dis, below_best


def contact_sheet(results, work, path, half, n=6, pick=None):
    rs = sorted([r for r in results if r["half"] == half and scored(r) and (pick is None or pick(r))],
                key=lambda r: mid(r, "ours"))[:n]
    rows = []
    for r in rs:
        d = os.path.join(work, r["name"])
        a = cv2.imread(os.path.join(d, "ours-0.5.png"))
        b = cv2.imread(os.path.join(d, "truth-0.5.png"))
        if a is None or b is None:
            continue
        tw = 480
        th = int(a.shape[0] * tw / a.shape[1])
        a = cv2.resize(a, (tw, th), interpolation=cv2.INTER_AREA)
        b = cv2.resize(b, (tw, th), interpolation=cv2.INTER_AREA)
        for img, label in ((a, f"ours {mid(r, 'ours'):.1f} dB"), (b, "truth")):
            cv2.rectangle(img, (0, 0), (tw, 22), (0, 0, 0), -1)
            cv2.putText(img, f"{r['name']}: {label}", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                        (255, 255, 255), 1, cv2.LINE_AA)
        rows.append(np.hstack([a, np.full((th, 4, 3), 255, np.uint8), b]))
    if rows:
        sep = np.full((4, rows[0].shape[1], 3), 255, np.uint8)
        cv2.imwrite(path, np.vstack([x for r in rows for x in (r, sep)][:-1]))
    return [r["name"] for r in rs]


def per_case_lines(results, half):
    L = [f"\n| case | what | photo | ours | dissolve | minterpolate | DIS | ours t=.25/.75 | clip t=0 / .5 / 1 |",
         "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r["half"] != half:
            continue
        c = r.get("clip")
        cl = f"{c['first']:.1f} / {c['mid']:.1f} / {c['last']:.1f}" if c else "n/a"
        L.append(f"| {r['name']} | {r['what']} | {r['photo']} | **{mid(r, 'ours'):.2f}** | "
                 f"{mid(r, 'dissolve'):.2f} | {mid(r, 'mi'):.2f} | {mid(r, 'dis'):.2f} | "
                 f"{quarter(r, 'ours'):.2f} | {cl} |")
    return L


def before_lines(results, before, label):
    """ours before (another run's JSON, same cases: same name and seed)
    against ours now"""
    bm = {r["name"]: r for r in before["results"]}
    results = [r for r in results if r["name"] not in bm or bm[r["name"]].get("seed") == r["seed"]]
    L = [f"\n## Before and after ({label})\n",
         "Middle-frame PSNR of the engine on the same cases (mean / median / 10th percentile / worst), "
         "before this work and now; below-dissolve and below-best-anchor (by more than 0.5 dB) counts.\n",
         "| half | cases | n | before | now | below dissolve (before → now) | > 0.5 dB below best anchor (before → now) |",
         "|---|---|---|---|---|---|---|"]
    for half in ("tune", "eval"):
        for cat in ("all", "camera", "objects", "hard"):
            rs = [r for r in results if r["half"] == half and r["name"] in bm and scored(r)
                  and (cat == "all" or r["category"] == cat)]
            if not rs:
                continue
            sb = stats([mid(bm[r["name"]], "ours") for r in rs])
            sn = stats([mid(r, "ours") for r in rs])
            bd = (sum(1 for r in rs if mid(bm[r["name"]], "ours") < mid(r, "dissolve")),
                  sum(1 for r in rs if mid(r, "ours") < mid(r, "dissolve")))
            bb = (sum(1 for r in rs if mid(bm[r["name"]], "ours") < max(mid(r, m) for m in ANCHORS) - 0.5),
                  sum(1 for r in rs if mid(r, "ours") < max(mid(r, m) for m in ANCHORS) - 0.5))
            f = lambda s: f"{s['mean']:.2f} / {s['median']:.2f} / {s['p10']:.2f} / {s['worst']:.2f}"
            L.append(f"| {half} | {cat} | {len(rs)} | {f(sb)} | {f(sn)} | {bd[0]} → {bd[1]} | {bb[0]} → {bb[1]} |")
    return L


def report(args, info, results, w, h, elapsed, sheet, before=None):
    L = ["# The wide benchmark (issue 14)", "",
         "Generated by `tests/bench/wide.py` (run by `build-aux/bench.sh` after `run.py`); do not edit by hand.",
         "", f"- commit {info['commit']}, {info['date']}; {info['cpu']} x{info['nproc']}, load at the start "
         f"{info['load']:.2f}; {info['ffmpeg']}, OpenCV {info['opencv']}",
         f"- {len(results)} cases at {w}x{h}: even index = tuning half (seed {BASE_SEED} + index), odd = "
         f"evaluation half (seed {EVAL_SEED} + index, drawn afresh in the nineteenth session); full run "
         f"{elapsed / 60:.1f} min. Command: `python3 tests/bench/wide.py --build build` "
         "(`--half tune` for the tuning half alone).",
         f"- anchors on the same cases: cross-dissolve; FFmpeg minterpolate "
         f"(`{run.MI_OPTS}:search_param={args.search}` on yuv444p); OpenCV DIS (medium preset, "
         "bidirectional warp as in run.py).",
         "- PSNR on RGB, SSIM on luma (as run.py). The scene change's truth is the dissolve (there is "
         "no motion to recover): its cases are kept out of the distributions and checked apart "
         "(ours must stay within 0.5 dB of the dissolve).",
         "- Through the real output: `inbetween generate` (9 frames at 8 fps, so t = 0.5 is frame 4) "
         "encoded by the app's writer, decoded with the matrix and range of the stream's tags "
         "(BT.709 limited range as tagged), chroma upsampled bilinearly.", ""]
    for half, title in (("tune", "Tuning half"), ("eval", "Evaluation half")):
        rs = [r for r in results if r["half"] == half]
        if not rs:
            continue
        L.append(f"## {title} ({len(rs)} cases)")
        L += summary_lines(results, half)
        s, bd, bb = checks(results, half)
        L.append("")
        L.append(f"- ours at t = 0.5: mean {s['mean']:.2f} dB (target ≥ 33), 10th percentile "
                 f"{s['p10']:.2f} dB (target ≥ 25), worst {s['worst']:.2f} dB")
        L.append(f"- below the cross-dissolve: {len(bd)}" + (" (" + ", ".join(f"{n} {d:+.2f} dB" for n, d in bd) + ")" if bd else ""))
        L.append(f"- more than 0.5 dB below the best anchor: {len(bb)}" +
                 (" (" + ", ".join(f"{n} {d:+.2f} dB" for n, d in bb) + ")" if bb else ""))
        clips = [r for r in rs if r.get("clip") and scored(r)]
        if clips:
            dm = np.array([r["clip"]["mid"] - mid(r, "ours") for r in clips])
            low = np.array([mid(r, "ours") < 35 for r in clips])
            fl = [min(r["clip"]["first"], r["clip"]["last"]) for r in clips]
            L.append(f"- through the encoded clip ({len(clips)} cases, decoded as tagged: "
                     f"{clips[0]['clip']['tags'].get('color_space')}, {clips[0]['clip']['tags'].get('color_range')} "
                     f"range): where the in-memory middle frame is under 35 dB ({int(low.sum())} cases) the clip's "
                     f"is {dm[low].mean():+.2f} dB from it on average, worst {dm[low].min():+.2f} dB "
                     f"({int((dm[low] > -1).sum())} of {int(low.sum())} within 1 dB); above that the codec caps it: "
                     f"{dm[~low].mean():+.2f} dB on average, worst {dm[~low].min():+.2f} dB, the clip's middle frames "
                     f"{min(r['clip']['mid'] for r in np.array(clips)[~low]):.1f}..{max(r['clip']['mid'] for r in np.array(clips)[~low]):.1f} dB "
                     f"like its first and last frames, {min(fl):.2f}..{max(fl):.2f} dB against the keyframes "
                     "(in memory the end frames are the keyframes exactly: x264 at the app's CRF is the whole "
                     "difference)" if (~low).any() and low.any() else
                     f"- through the encoded clip ({len(clips)} cases): {dm.mean():+.2f} dB on average")
        L += per_case_lines(results, half)
        L.append("")
    if before:
        L += before_lines(results, before, args.before_label)
        L.append("")
    if sheet:
        L.append(f"Contact sheet of the {len(sheet)} worst engine middle frames of the evaluation half "
                 f"(ours left, truth right): `docs/bench-wide-worst.png` ({', '.join(sheet)}); the "
                 "evaluation half's objects crossing each other: `docs/bench-wide-crossing.png`.")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--half", choices=["tune", "eval", "both", "dev"] + list(RETIRED), default="both",
                    help="dev: the development set (seeds from DEV_SEED); old, old2, … old14: the retired "
                    "evaluation halves (odd indices, seeds from RETIRED); none is reported in docs/")
    ap.add_argument("--only", help="comma-separated case indices")
    ap.add_argument("--work")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--search", type=int, default=32, help="minterpolate search_param")
    ap.add_argument("--no-clips", action="store_true", help="skip the encoded-clip measurement")
    ap.add_argument("--json", help="write per-case results here")
    ap.add_argument("--before", help="a JSON of another run (--json) to compare ours with")
    ap.add_argument("--before-label", default="the engine before issue 14")
    ap.add_argument("--output", default=os.path.join(SOURCE_ROOT, "docs", "benchmarks-wide.md"),
                    help="the report ('-' for none)")
    ap.add_argument("--sheet", default=os.path.join(SOURCE_ROOT, "docs", "bench-wide-worst.png"))
    args = ap.parse_args()
    build = args.build if os.path.isabs(args.build) else os.path.join(SOURCE_ROOT, args.build)
    driver = os.path.join(build, "tests", "bench", "inb-bench-engine")
    cli = os.path.join(build, "inbetween")
    ffmpeg = shutil.which("ffmpeg")
    if not os.access(driver, os.X_OK) or not ffmpeg:
        sys.exit("wide.py: needs the engine driver (ninja -C build tests/bench/inb-bench-engine) and ffmpeg")
    if args.no_clips or not os.access(cli, os.X_OK):
        cli = None
    w, h = map(int, args.size.split("x"))
    work = args.work or tempfile.mkdtemp(prefix="inb-wide-")
    os.makedirs(work, exist_ok=True)
    info = run.machine_info(ffmpeg)
    started = time.monotonic()
    idx = range(len(slots()))
    if args.only:
        idx = [int(x) for x in args.only.split(",")]
    results = []
    dev = args.half == "dev"
    retired = args.half if args.half in RETIRED else None
    if (dev or retired) and args.output == ap.get_default("output"):
        sys.exit(f"wide.py: --half {args.half} writes no report to docs/; give --output (or '-')")
    if retired:
        idx = [i for i in idx if i % 2 == 1]
    for i in idx:
        case = make_case(i, dev, retired)
        if args.half != "both" and case["half"] != args.half:
            continue
        r = evaluate(case, w, h, driver, ffmpeg, cli, work, args.keep, args.search)
        results.append(r)
        # the evaluation half's per-case figures are not printed while tuning
        if args.half != "both" and args.half != "eval" or args.only:
            run.log(f"{r['name']:24s} ours {mid(r, 'ours'):6.2f}  dissolve {mid(r, 'dissolve'):6.2f}  "
                    f"mi {mid(r, 'mi'):6.2f}  dis {mid(r, 'dis'):6.2f}  | {r['what']}")
        else:
            run.log(f"{r['name']} done")
    elapsed = time.monotonic() - started
    if args.json:
        with open(args.json, "w") as fp:
            json.dump(dict(info=info, size=[w, h], results=results), fp, indent=1)
    sheet = None
    if args.half in ("both", "eval") and args.sheet != "-":
        sheet = contact_sheet(results, work, args.sheet, "eval")
        contact_sheet(results, work, args.sheet.replace("worst", "crossing"), "eval", n=8,
                      pick=lambda r: r["sub"] in ("two-crossing", "three"))
    before = None
    if args.before:
        with open(args.before) as fp:
            before = json.load(fp)
    text = report(args, info, results, w, h, elapsed, sheet, before)
    for half in ("tune", "eval", "dev") + tuple(RETIRED):
        if any(r["half"] == half for r in results):
            print("\n".join(summary_lines(results, half)[:8]))
    if args.output != "-":
        with open(args.output, "w") as fp:
            fp.write(text)
        run.log(f"wrote {args.output}")
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
