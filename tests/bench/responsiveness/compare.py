#!/usr/bin/env python3
# compare.py: the responsiveness figures of two builds, A and B, measured
# interleaved (A, B, A, B, ...) so that a change of load on the machine
# hits both alike. Prints a Markdown table with the load average beside
# each round. Run under a display, as build-aux/bench-responsiveness.sh
# --compare REV does (it builds REV in a git worktree for A).
#
#   compare.py --a BUILD_A --b BUILD_B [--rounds 2] [--startups 10]
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

KEYS = [
    ("startup_ms", "Start-up to the first frame drawn", "median"),
    ("stall.local_generation_720p", "Main-loop gap, 720p local take", "p99"),
    ("stall.clip_plays", "Main-loop gap, 720p clip playing", "p99"),
    ("stall.download_50MB_10MBps_clip_plays", "Main-loop gap, download + clip playing", "p99"),
    ("stall.idle", "Main-loop gap, idle", "p99"),
    ("open_720p_5s.first_frame_drawn", "Open 720p clip → first frame drawn", "median"),
    ("step_720p.forward_ready", "Frame step → frame shown by the playback", "median"),
    ("step_720p.forward_drawn", "Frame step → next window paint", "median"),
]


def source_root(build):
    # A build made by meson knows its source tree.
    info = os.path.join(build, "meson-info", "meson-info.json")
    try:
        import json
        with open(info) as f:
            return json.load(f)["directories"]["source"]
    except (OSError, KeyError, ValueError):
        return run.ROOT


def measure(build, renderer, args):
    env = run.environment(build, renderer)
    env["INB_SAMPLES_DIR"] = os.path.join(source_root(build), "data", "samples")
    binary = os.path.join(build, "tests", "bench", "responsiveness", "inb-bench-responsiveness")
    load = os.getloadavg()[0]
    startups, _ = run.run_startups(binary, env, args.startups)
    results, _, _, _ = run.run_session(binary, env, args)
    results["startup_ms"] = {"median": statistics.median(startups) if startups else float("nan"),
                             "p99": run.percentile(startups, 99)}
    return load, results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--a", required=True, help="build directory of A (before)")
    parser.add_argument("--b", required=True, help="build directory of B (after)")
    parser.add_argument("--label-a", default="A")
    parser.add_argument("--label-b", default="B")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--startups", type=int, default=10)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--renderer", default="cairo")
    args = parser.parse_args()

    rows = []
    for r in range(args.rounds):
        for label, build in ((args.label_a, args.a), (args.label_b, args.b)):
            print("== round %d, %s (%s), load %.2f" % (r + 1, label, build, os.getloadavg()[0]), flush=True)
            load, results = measure(os.path.abspath(build), args.renderer, args)
            rows.append((r + 1, label, load, results))

    head = "| Round | Build | Load (1 min) | " + " | ".join("%s (%s)" % (name, judged) for _, name, judged in KEYS) + " |"
    print()
    print("GSK_RENDERER=%s, ms; load = 1-minute load average when the round began.\n" % args.renderer)
    print(head)
    print("|" + "---|" * (3 + len(KEYS)))
    for rnd, label, load, results in rows:
        cells = []
        for key, _, judged in KEYS:
            v = results.get(key, {}).get(judged)
            cells.append(run.fmt(v))
        print("| %d | %s | %.2f | %s |" % (rnd, label, load, " | ".join(cells)))


if __name__ == "__main__":
    sys.exit(main())
