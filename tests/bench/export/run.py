#!/usr/bin/python3
# run.py — export speed (issue 10): H.264 against FFmpeg's libx264, GIF at 480 px
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes an 81-frame 1280×720 take from data/samples with our own local
# engine (`inbetween generate`, in a scratch XDG_DATA_HOME), then times,
# in interleaved pairs so the machine's load hits both alike:
#
#   ours:   inbetween export last -f mp4 -o OUT --force -q
#   anchor: ffmpeg -i clip.mp4 -c:v libx264 -preset superfast -crf 18
#           -pix_fmt yuv420p OUT           (the same frames, preset, quality)
#
# and the GIF at 480 px wide (`-f gif --scale 480`). Wall-clock seconds of
# whole processes (start-up, decode, encode, mux), the load average before
# and after, the ratio of medians and the worst pair. Targets: ratio ≤ 1.5,
# GIF ≤ 3 s.
#
#   python3 tests/bench/export/run.py --build build [--runs 7]

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def timed(argv, env):
    start = time.monotonic()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - start


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(SOURCE_ROOT, "build"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    inbetween = os.path.join(args.build, "inbetween")
    exporter = [inbetween, "export"]
    for exe in (inbetween,):
        if not os.access(exe, os.X_OK):
            sys.exit(f"run.py: {exe} is missing; build first (meson compile -C {args.build})")

    with tempfile.TemporaryDirectory(prefix="inb-bench-export-") as tmp:
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(tmp, "data"), GSETTINGS_BACKEND="memory")
        samples = os.path.join(SOURCE_ROOT, "data", "samples")
        subprocess.run([inbetween, "generate", os.path.join(samples, "first.jpg"),
                        os.path.join(samples, "last.jpg"), "-q"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        takes = os.path.join(tmp, "data", "inbetween", "takes")
        take = os.path.join(takes, os.listdir(takes)[0])
        clip = os.path.join(take, "clip.mp4")
        probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                                "-show_entries", "stream=nb_read_frames,width,height,r_frame_rate",
                                "-of", "csv=p=0", clip], capture_output=True, text=True, check=True)
        print(f"source: {clip} ({probe.stdout.strip()}: width,height,fps,frames)")

        ours_mp4 = os.path.join(tmp, "ours.mp4")
        ffmpeg_mp4 = os.path.join(tmp, "ffmpeg.mp4")
        gif = os.path.join(tmp, "ours.gif")
        ours_cmd = exporter + ["last", "-f", "mp4", "-o", ours_mp4, "--force", "-q"]
        ffmpeg_cmd = ["ffmpeg", "-v", "error", "-y", "-i", clip, "-c:v", "libx264", "-preset", "superfast",
                      "-crf", "18", "-pix_fmt", "yuv420p", ffmpeg_mp4]
        gif_cmd = exporter + ["last", "-f", "gif", "--scale", "480", "-o", gif, "--force", "-q"]

        # One warm-up of each: page cache and plug-in registry.
        timed(ours_cmd, env)
        timed(ffmpeg_cmd, env)
        timed(gif_cmd, env)

        load_before = loadavg()
        ours, anchor, gifs = [], [], []
        for i in range(args.runs):
            # Alternate which goes first within a pair.
            if i % 2 == 0:
                ours.append(timed(ours_cmd, env))
                anchor.append(timed(ffmpeg_cmd, env))
            else:
                anchor.append(timed(ffmpeg_cmd, env))
                ours.append(timed(ours_cmd, env))
            gifs.append(timed(gif_cmd, env))
        load_after = loadavg()

        sizes = (os.path.getsize(ours_mp4), os.path.getsize(ffmpeg_mp4), os.path.getsize(gif))
        ratio = statistics.median(ours) / statistics.median(anchor)
        worst = max(o / a for o, a in zip(ours, anchor))
        print(f"runs: {args.runs} interleaved pairs; load average {load_before} before, {load_after} after; "
              f"{os.cpu_count()} CPUs")
        print(f"H.264 ours   (s): {' '.join(f'{t:.2f}' for t in ours)}  median {statistics.median(ours):.2f}"
              f"  ({sizes[0] / 1e6:.2f} MB)")
        print(f"H.264 ffmpeg (s): {' '.join(f'{t:.2f}' for t in anchor)}  median {statistics.median(anchor):.2f}"
              f"  ({sizes[1] / 1e6:.2f} MB)")
        print(f"ratio of medians {ratio:.2f} (target <= 1.5), worst pair {worst:.2f}")
        print(f"GIF 480 px (s): {' '.join(f'{t:.2f}' for t in gifs)}  median {statistics.median(gifs):.2f}"
              f"  max {max(gifs):.2f} (target <= 3 s)  ({sizes[2] / 1e6:.2f} MB)")
        ok = ratio <= 1.5 and statistics.median(gifs) <= 3.0
        print("targets met" if ok else "TARGETS NOT MET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
