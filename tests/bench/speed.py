#!/usr/bin/python3
# speed.py — our whole clip against FFmpeg minterpolate's, side by side
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Times an 81-frame 1280x720 H.264 clip made by `inbetween generate` (the
# local engine) and by FFmpeg minterpolate from the same keyframes (run.py's
# dolly case, or two files given with --keyframes), in interleaved pairs
# (ours, theirs, ours, theirs, ...) so that load from other work on a shared
# machine falls on both alike. Prints each pair's wall time, CPU time and
# peak RSS (GNU time), the load average beside each run, and the ratios.
#
#   python3 tests/bench/speed.py --build build --pairs 4

import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402
from run import cv2  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--pairs", type=int, default=4)
    ap.add_argument("--frames", type=int, default=81)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--search", type=int, default=64, help="minterpolate search_param")
    ap.add_argument("--keyframes", nargs=2, help="FIRST LAST (default: run.py's dolly case)")
    args = ap.parse_args()
    build = args.build if os.path.isabs(args.build) else os.path.join(run.SOURCE_ROOT, args.build)
    cli = os.path.join(build, "inbetween")
    ffmpeg = shutil.which("ffmpeg")
    w, h = map(int, args.size.split("x"))
    work = tempfile.mkdtemp(prefix="inb-speed-")
    if args.keyframes:
        k0, k1 = args.keyframes
    else:
        fr = run.render_camera_case(run.CAMERA_CASES[5], w, h, [0.0, 1.0])
        k0, k1 = os.path.join(work, "first.png"), os.path.join(work, "last.png")
        cv2.imwrite(k0, fr[0.0])
        cv2.imwrite(k1, fr[1.0])
    preset, crf = run.x264_settings()
    ours, theirs = [], []
    for i in range(args.pairs):
        la = os.getloadavg()[0]
        o = run.cli_clip(cli, k0, k1, args.frames, 16, os.path.join(work, "ours.mp4"), work)
        lb = os.getloadavg()[0]
        f = run.ffmpeg_clip(ffmpeg, k0, k1, args.frames, 16, args.search, os.path.join(work, "mi.mp4"),
                            work, preset, crf)
        ours.append(o + (la,))
        theirs.append(f + (lb,))
        print(f"pair {i + 1}: ours {o[0]:.2f} s (CPU {o[2]:.2f} s, {o[1]:.0f} MB, load {la:.2f}) | "
              f"minterpolate {f[0]:.2f} s (CPU {f[2]:.2f} s, {f[1]:.0f} MB, load {lb:.2f}) | "
              f"ratio {o[0] / f[0]:.3f}", flush=True)
    rw = [o[0] / f[0] for o, f in zip(ours, theirs)]
    rc = [o[2] / f[2] for o, f in zip(ours, theirs)]
    print(f"median wall ratio {statistics.median(rw):.3f} (range {min(rw):.3f}-{max(rw):.3f}), "
          f"median CPU ratio {statistics.median(rc):.3f}; ours peak RSS {max(o[1] for o in ours):.0f} MB, "
          f"minterpolate {max(f[1] for f in theirs):.0f} MB; {args.frames} frames {w}x{h}, "
          f"x264 {preset} crf {crf}, minterpolate search {args.search}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
