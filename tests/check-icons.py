#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app icons: the full-colour one (hicolor/scalable) is a 128 × 128 SVG
that leaves the canvas's margin empty and, rendered by rsvg-convert at 128,
64, 32 and 16 px, still shows its two keyframes (a blue and an orange) at
16 px; the symbolic one (hicolor/symbolic) is a 16 × 16 SVG in one colour,
no gradient, that renders to a shape at 16 and 32 px. Neither holds text or
an embedded bitmap. Prints TAP.

  check-icons.py ICONS_DIR APP_ID
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import gi
gi.require_version('GdkPixbuf', '2.0')
from gi.repository import GdkPixbuf  # noqa: E402

SVG = '{http://www.w3.org/2000/svg}'
icons, app_id = sys.argv[1], sys.argv[2]
colour = os.path.join(icons, 'hicolor', 'scalable', 'apps', f'{app_id}.svg')
symbolic = os.path.join(icons, 'hicolor', 'symbolic', 'apps', f'{app_id}-symbolic.svg')
results = []


def check(ok, what, *notes):
    results.append((bool(ok), what, [n for n in notes if n]))
    return bool(ok)


def render(svg, size, tmp):
    out = os.path.join(tmp, f'{os.path.basename(svg)}-{size}.png')
    p = subprocess.run(['rsvg-convert', '-w', str(size), '-h', str(size), svg, '-o', out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return GdkPixbuf.Pixbuf.new_from_file(out), None


def pixels(pb):
    """(r, g, b, a) of every pixel."""
    data, stride, n = pb.get_pixels(), pb.get_rowstride(), pb.get_n_channels()
    for y in range(pb.get_height()):
        for x in range(pb.get_width()):
            i = y * stride + x * n
            yield x, y, data[i], data[i + 1], data[i + 2], (data[i + 3] if n == 4 else 255)


def painted(svg):
    """Colours the SVG paints with, and elements it should not have."""
    root = ET.parse(svg).getroot()
    colours, banned = set(), []
    for el in root.iter():
        tag = el.tag.replace(SVG, '')
        if tag in ('text', 'image', 'foreignObject', 'linearGradient', 'radialGradient'):
            banned.append(tag)
        for attr in ('fill', 'stroke'):
            v = el.get(attr)
            if v and v != 'none' and not v.startswith('url('):
                colours.add(v.lower())
    return root, colours, banned


with tempfile.TemporaryDirectory() as tmp:
    for svg in (colour, symbolic):
        check(os.path.isfile(svg), f'{os.path.relpath(svg, icons)} exists')

    root, _, banned = painted(colour)
    check(root.get('viewBox') == '0 0 128 128', 'full colour: a 128 × 128 canvas', f'viewBox {root.get("viewBox")}')
    check(not [b for b in banned if b in ('text', 'image', 'foreignObject')],
          'full colour: no text, no embedded bitmap', f'found {banned}')
    for size in (128, 64, 32, 16):
        pb, err = render(colour, size, tmp)
        if not check(pb is not None and pb.get_width() == size, f'full colour renders at {size} px', err):
            continue
        px = list(pixels(pb))
        cover = sum(1 for p in px if p[5] > 128) / len(px)
        margin = max(1, size // 16)
        edge = [p for p in px if p[5] > 16 and
                (p[0] < margin or p[1] < margin or p[0] >= size - margin or p[1] >= size - margin)]
        check(0.35 < cover < 0.85 and not edge,
              f'full colour at {size} px: a shape that leaves the canvas margin empty',
              f'{cover:.0%} covered, {len(edge)} pixels painted in the {margin} px margin')
        if size == 16:
            # (not the violet or rose in-betweens)
            blue = [p for p in px if p[5] > 200 and p[4] > p[2] + 80 and p[3] > p[2] + 30]
            orange = [p for p in px if p[5] > 200 and p[2] > 200 and p[4] < 80 and 60 < p[3] < 200]
            check(blue and orange, 'full colour at 16 px: both keyframes still show (a blue and an orange)',
                  f'{len(blue)} blue and {len(orange)} orange pixels')

    root, colours, banned = painted(symbolic)
    check(root.get('viewBox') == '0 0 16 16', 'symbolic: a 16 × 16 canvas', f'viewBox {root.get("viewBox")}')
    check(len(colours) == 1 and not banned,
          'symbolic: one colour, no gradient, text or bitmap (GTK recolours it)',
          f'colours {sorted(colours)}, elements {banned}')
    for size in (16, 32):
        pb, err = render(symbolic, size, tmp)
        if not check(pb is not None and pb.get_width() == size, f'symbolic renders at {size} px', err):
            continue
        px = list(pixels(pb))
        solid = sum(1 for p in px if p[5] > 200) / len(px)
        check(0.15 < solid < 0.7, f'symbolic at {size} px: a solid shape', f'{solid:.0%} solid')

print(f'1..{len(results)}')
for n, (ok, what, notes) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {n} - {what}')
    if not ok:
        for note in notes:
            for line in str(note).splitlines():
                print(f'# {line}')
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
