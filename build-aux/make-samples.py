#!/usr/bin/env python3
# make-samples.py — renders the bundled sample keyframes
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The rendered images (data/samples/first.jpg, last.jpg) are released
# under CC0-1.0; see data/samples/README.md.
#
# A stylised valley at golden hour, drawn procedurally in layers. The two
# keyframes show the same scene from a camera that pans right by about 8 %
# of the width, tilts up a little and zooms in by 6 %; every layer has its
# own depth, so the pan carries real parallax (the foreground slides
# further than the mountains, the sky hardly moves). A hot-air balloon
# drifts right and climbs, and three birds fly across, independently of
# the camera.
#
#   python3 build-aux/make-samples.py [OUTDIR]    (default: data/samples)
#
# Needs numpy and ffmpeg (for the JPEG encoding). Deterministic.

import os
import subprocess
import sys
import tempfile

import numpy as np

W, H = 1280, 720
SS = 2                      # supersampling factor per axis
JPEG_QSCALE = 2             # ffmpeg -q:v (2 best … 31 worst)
SEED = 1729


# --------------------------------------------------------------------------
# Noise


class Noise:
    """Smooth value noise on a wrapped random lattice, and fractal sums."""

    def __init__(self, seed, size=256):
        rng = np.random.default_rng(seed)
        self.size = size
        self.grid = rng.random((size, size)).astype(np.float32)
        self.line = rng.random(size * 4).astype(np.float32)

    def value2(self, x, y):
        n = self.size
        x0 = np.floor(x)
        y0 = np.floor(y)
        fx = x - x0
        fy = y - y0
        fx = fx * fx * (3 - 2 * fx)
        fy = fy * fy * (3 - 2 * fy)
        xi = x0.astype(np.int64) % n
        yi = y0.astype(np.int64) % n
        x1 = (xi + 1) % n
        y1 = (yi + 1) % n
        g = self.grid
        a = g[yi, xi] * (1 - fx) + g[yi, x1] * fx
        b = g[y1, xi] * (1 - fx) + g[y1, x1] * fx
        return a * (1 - fy) + b * fy

    def fbm2(self, x, y, octaves=5):
        total = np.zeros_like(x, dtype=np.float32)
        amp, freq, norm = 1.0, 1.0, 0.0
        for o in range(octaves):
            total += amp * self.value2(x * freq + 17.3 * o, y * freq - 9.1 * o)
            norm += amp
            amp *= 0.5
            freq *= 2.0
        return total / norm

    def value1(self, x):
        n = self.line.size
        x0 = np.floor(x)
        f = x - x0
        f = f * f * (3 - 2 * f)
        i = x0.astype(np.int64) % n
        return self.line[i] * (1 - f) + self.line[(i + 1) % n] * f

    def fbm1(self, x, octaves=6):
        total = np.zeros_like(x, dtype=np.float32)
        amp, freq, norm = 1.0, 1.0, 0.0
        for o in range(octaves):
            total += amp * self.value1(x * freq + 31.7 * o)
            norm += amp
            amp *= 0.5
            freq *= 2.0
        return total / norm


# --------------------------------------------------------------------------
# Drawing helpers (coverage masks are anti-aliased over about one pixel)


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def edge(signed_distance, aa):
    """Coverage from a signed distance (negative inside)."""
    return np.clip(0.5 - signed_distance / aa, 0.0, 1.0)


def rgb(r, g, b):
    return np.array([r, g, b], dtype=np.float32) / 255.0


def over(img, mask, colour):
    m = mask[..., None]
    if np.ndim(colour) == 1:
        colour = colour[None, None, :]
    img *= 1 - m
    img += m * colour


def mix(a, b, t):
    t = np.asarray(t, dtype=np.float32)
    if t.ndim:
        t = t[..., None]
    return a * (1 - t) + b * t


def segment_distance(px, py, ax, ay, bx, by):
    vx, vy = bx - ax, by - ay
    t = np.clip(((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy), 0, 1)
    dx = px - (ax + t * vx)
    dy = py - (ay + t * vy)
    return np.sqrt(dx * dx + dy * dy)


# --------------------------------------------------------------------------
# The scene


class Camera:
    def __init__(self, x, y, zoom):
        self.x, self.y, self.zoom = x, y, zoom


def layer_coords(cam, depth, sx, sy):
    """Screen → layer coordinates for a layer at @depth (0 far … 1 near)."""
    zoom = 1.0 + (cam.zoom - 1.0) * depth
    x = (sx - W / 2) / zoom + W / 2 + cam.x * depth
    y = (sy - H / 2) / zoom + H / 2 + cam.y * depth
    # One screen pixel in layer units, for anti-aliasing.
    return x, y, 1.0 / zoom


SUN = (905.0, 330.0)


def sky(img, cam, sx, sy, noise):
    x, y, aa = layer_coords(cam, 0.04, sx, sy)
    t = np.clip(y / 470.0, 0, 1)
    top = rgb(38, 64, 128)
    mid = rgb(118, 142, 196)
    low = rgb(252, 196, 150)
    col = np.where(t[..., None] < 0.55,
                   mix(top, mid, t / 0.55),
                   mix(mid, low, (t - 0.55) / 0.45))
    img[:] = col

    d = np.hypot(x - SUN[0], y - SUN[1])
    glow = np.exp(-(d / 210.0) ** 2) * 0.55 + np.exp(-(d / 70.0) ** 2) * 0.5
    over(img, np.clip(glow, 0, 1), rgb(255, 214, 160))
    over(img, edge(d - 34.0, 1.5 * aa), rgb(255, 246, 222))

    # Clouds, on their own slightly deeper layer.
    x, y, aa = layer_coords(cam, 0.12, sx, sy)
    n = noise.fbm2(x / 210.0, y / 55.0, 5)
    band = smoothstep(40, 120, y) * (1 - smoothstep(260, 360, y))
    cover = smoothstep(0.52, 0.68, n) * band
    shade = smoothstep(0.52, 0.80, noise.fbm2(x / 150.0 + 3.0, (y - 14) / 40.0, 4))
    lit = mix(rgb(236, 170, 170), rgb(255, 232, 214), shade)
    over(img, cover * 0.92, lit)


def ridge(img, cam, sx, sy, noise, depth, base, amp, scale, offset, colour, haze,
          texture=0.0, tex_scale=40.0):
    x, y, aa = layer_coords(cam, depth, sx, sy)
    h = base - amp * noise.fbm1(x / scale + offset)
    cover = edge(h - y, aa * 1.2)
    col = np.broadcast_to(colour, img.shape).copy()
    # Darker, less hazy further down the slope.
    down = np.clip((y - h) / 160.0, 0, 1)
    col = mix(col, haze, 0.35 * (1 - down))
    if texture:
        tex = noise.fbm2(x / tex_scale, y / (tex_scale * 0.6), 4) - 0.5
        col = col * (1 + texture * tex[..., None])
    over(img, cover, np.clip(col, 0, 1))
    return x, y, h, aa


def pine(img, x, y, aa, tx, ty, size, dark, light):
    # Trunk
    trunk = edge(np.maximum(np.abs(x - tx) - size * 0.06, np.abs(y - (ty - size * 0.08)) - size * 0.1), aa)
    over(img, trunk, rgb(74, 52, 38))
    # Three stacked triangles
    for k in range(3):
        top = ty - size * (0.45 + 0.25 * k)
        bottom = ty - size * (0.12 + 0.22 * k)
        half = size * (0.30 - 0.06 * k)
        u = np.clip((y - top) / (bottom - top), 0, None)
        inside = np.maximum(np.abs(x - tx) - half * u, np.maximum(top - y, y - bottom))
        shade = np.where(x > tx, 1.0, 0.0)
        col = mix(dark, light, shade * 0.6)
        over(img, edge(inside, aa), col)


def house(img, x, y, aa, hx, hy):
    wall_w, wall_h = 86.0, 52.0
    wall = np.maximum(np.abs(x - hx) - wall_w / 2, np.abs(y - (hy - wall_h / 2)) - wall_h / 2)
    over(img, edge(wall, aa), rgb(236, 220, 192))
    # Side wall in shadow
    side = np.maximum(np.abs(x - (hx - wall_w / 2 - 14)) - 14, np.abs(y - (hy - wall_h / 2 + 2)) - wall_h / 2 + 2)
    over(img, edge(side, aa), rgb(176, 156, 132))
    # Roof: a trapezoid above the wall
    top, bottom = hy - wall_h - 40, hy - wall_h + 2
    u = np.clip((y - top) / (bottom - top), 0, 1)
    roof = np.maximum(np.abs(x - hx + 7) - (24 + 38 * u), np.maximum(top - y, y - bottom))
    over(img, edge(roof, aa), rgb(172, 62, 48))
    ridge_line = np.maximum(np.abs(x - hx + 7) - 24, np.abs(y - top - 1.5) - 1.5)
    over(img, edge(ridge_line, aa), rgb(120, 40, 34))
    # Chimney
    chim = np.maximum(np.abs(x - (hx + 18)) - 6, np.abs(y - (top + 2)) - 12)
    over(img, edge(chim, aa), rgb(140, 70, 56))
    # Door and two lit windows
    door = np.maximum(np.abs(x - (hx - 20)) - 8, np.abs(y - (hy - 14)) - 14)
    over(img, edge(door, aa), rgb(96, 60, 40))
    for wx in (hx + 8, hx + 30):
        win = np.maximum(np.abs(x - wx) - 8, np.abs(y - (hy - 32)) - 8)
        over(img, edge(win, aa), rgb(255, 214, 120))
        bar = np.minimum(np.abs(x - wx), np.abs(y - (hy - 32)))
        over(img, edge(bar - 0.8, aa) * edge(win, aa), rgb(120, 80, 50))


def balloon(img, cam, sx, sy, bx, by):
    x, y, aa = layer_coords(cam, 0.85, sx, sy)
    r = 58.0
    dx, dy = x - bx, y - by
    # Envelope: a circle that tapers into a cone underneath.
    taper = np.clip(dy / (r * 1.25), 0, 1)
    rx = r * np.sqrt(np.clip(1 - (np.clip(dy, 0, None) / (r * 1.3)) ** 2, 0, 1)) * (1 - 0.45 * taper)
    rx = np.where(dy < 0, np.sqrt(np.clip(r * r - dy * dy, 0, None)), rx)
    env = np.abs(dx) - rx
    env = np.maximum(env, np.maximum(-r - dy, dy - r * 1.15))
    cover = edge(env, aa)
    # Gores: stripes that follow the sphere.
    ang = np.arcsin(np.clip(dx / np.maximum(rx, 1e-3), -1, 1))
    stripe = np.floor((ang / np.pi + 0.5) * 8).astype(np.int64) % 4
    palette = np.stack([rgb(214, 48, 52), rgb(250, 200, 60), rgb(40, 110, 190), rgb(250, 246, 236)])
    col = palette[stripe]
    # Light from the sun (to the right and behind): brighter right edge.
    light = 0.72 + 0.28 * np.clip(dx / r, -1, 1) - 0.18 * np.clip(dy / r, -1, 1)
    col = col * light[..., None]
    over(img, cover, np.clip(col, 0, 1))
    # Ropes and basket
    for side in (-1, 1):
        d = segment_distance(x, y, bx + side * r * 0.42, by + r * 1.12, bx + side * 10, by + r * 1.55)
        over(img, edge(d - 0.7, aa), rgb(70, 50, 40))
    basket = np.maximum(np.abs(dx) - 11, np.abs(dy - r * 1.64) - 8)
    over(img, edge(basket, aa), rgb(120, 82, 48))


def bird(img, cam, sx, sy, bx, by, span, flap):
    x, y, aa = layer_coords(cam, 0.5, sx, sy)
    lift = span * 0.35 * flap
    d = np.minimum(segment_distance(x, y, bx - span, by - lift, bx, by),
                   segment_distance(x, y, bx, by, bx + span, by - lift))
    over(img, edge(d - 1.3, aa), rgb(40, 36, 48))


def render(cam, balloon_pos, bird_shift, flap):
    noise = Noise(SEED)
    ys, xs = np.mgrid[0:H * SS, 0:W * SS].astype(np.float32)
    sx = (xs + 0.5) / SS
    sy = (ys + 0.5) / SS
    img = np.zeros((H * SS, W * SS, 3), dtype=np.float32)

    sky(img, cam, sx, sy, noise)

    haze = rgb(232, 190, 170)
    ridge(img, cam, sx, sy, noise, 0.22, 405, 150, 340, 3.0, rgb(128, 132, 178), haze, 0.10, 60)
    ridge(img, cam, sx, sy, noise, 0.38, 460, 120, 230, 11.0, rgb(86, 98, 142), haze, 0.16, 45)

    # Middle hills with fields and a row of pines.
    x, y, h, aa = ridge(img, cam, sx, sy, noise, 0.62, 548, 70, 420, 23.0, rgb(112, 150, 78),
                        rgb(200, 190, 140), 0.35, 28)
    rng = np.random.default_rng(SEED + 1)
    for tx in np.sort(rng.uniform(-140, 1500, 26)):
        ty = float(548 - 70 * noise.fbm1(np.array([tx / 420 + 23.0], dtype=np.float32))[0]) + 6
        size = float(rng.uniform(30, 48))
        pine(img, x, y, aa, tx, ty, size, rgb(34, 76, 52), rgb(70, 120, 70))

    # Foreground meadow, the house and a few big trees.
    x, y, h, aa = ridge(img, cam, sx, sy, noise, 1.0, 655, 60, 520, 41.0, rgb(74, 128, 56),
                        rgb(150, 170, 90), 0.45, 14)
    flowers = (noise.fbm2(x / 6.0, y / 6.0, 2) > 0.78) & (y > h + 20)
    over(img, flowers.astype(np.float32) * 0.8, rgb(250, 236, 150))
    hx = 930.0
    hy = float(655 - 60 * noise.fbm1(np.array([hx / 520 + 41.0], dtype=np.float32))[0]) + 12
    house(img, x, y, aa, hx, hy)
    for tx, size in ((760.0, 120.0), (1120.0, 150.0), (1200.0, 110.0), (180.0, 140.0)):
        ty = float(655 - 60 * noise.fbm1(np.array([tx / 520 + 41.0], dtype=np.float32))[0]) + 16
        pine(img, x, y, aa, tx, ty, size, rgb(26, 64, 40), rgb(62, 112, 58))

    for i, (bx, by, span) in enumerate(((470.0, 150.0, 9.0), (500.0, 170.0, 7.5), (445.0, 178.0, 8.0))):
        bird(img, cam, sx, sy, bx + bird_shift, by - bird_shift * 0.25, span, flap[i])

    balloon(img, cam, sx, sy, *balloon_pos)

    # Soft vignette.
    cx = (sx - W / 2) / (W / 2)
    cy = (sy - H / 2) / (H / 2)
    img *= (1 - 0.18 * np.clip(cx * cx * 0.6 + cy * cy * 0.8, 0, 1))[..., None]

    # Downsample the supersampled image.
    img = img.reshape(H, SS, W, SS, 3).mean(axis=(1, 3))
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)


def write_jpeg(pixels, path):
    with tempfile.TemporaryDirectory() as tmp:
        ppm = os.path.join(tmp, "frame.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (W, H))
            f.write(pixels.tobytes())
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", ppm,
                        "-q:v", str(JPEG_QSCALE), "-pix_fmt", "yuvj420p",
                        "-map_metadata", "-1", "-fflags", "+bitexact",
                        "-flags:v", "+bitexact", path], check=True)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "samples")
    os.makedirs(outdir, exist_ok=True)

    first = render(Camera(0.0, 0.0, 1.0), (330.0, 236.0), 0.0, (1.0, -0.6, 0.4))
    last = render(Camera(104.0, -14.0, 1.06), (585.0, 178.0), 240.0, (-0.8, 0.9, -0.3))

    for name, pixels in (("first.jpg", first), ("last.jpg", last)):
        path = os.path.join(outdir, name)
        write_jpeg(pixels, path)
        print("%s: %d bytes" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
