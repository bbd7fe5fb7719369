#!/usr/bin/python3
# wide-diff.py — two runs of wide.py (--json) side by side, per case
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   python3 tests/bench/wide-diff.py BEFORE.json AFTER.json
#
# For each case in both runs: the engine's middle-frame PSNR before and
# after, the anchors, t = 0.25 / 0.75, and flags for a case below the
# dissolve or more than 0.5 dB behind the best anchor; then the cases that
# dropped by more than 0.3 dB and the distribution of both runs over the
# cases they share. Never give it evaluation-half runs while tuning.

import json
import sys

import numpy as np


def load(path):
    with open(path) as fp:
        return {r["name"]: r for r in json.load(fp)["results"]}


def m(r, k, t="0.5"):
    return min(r["res"][k][t][0], 99.0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__ if __doc__ else "usage: wide-diff.py BEFORE.json AFTER.json")
    a, b = load(sys.argv[1]), load(sys.argv[2])
    names = sorted(n for n in b if n in a)
    if not names:
        sys.exit("wide-diff.py: the two runs share no case")
    print(f"{'case':26s} {'before':>7s} {'after':>7s} {'diff':>6s} {'diss':>6s} {'mi':>6s} {'dis':>6s}"
          "   t.25 b/a     t.75 b/a")
    drops, before, after = [], [], []
    for n in names:
        ra, rb = a[n], b[n]
        best = max(m(rb, "dissolve"), m(rb, "mi"), m(rb, "dis"))
        flag = ""
        if b[n]["sub"] != "scene-change":
            before.append(m(ra, "ours"))
            after.append(m(rb, "ours"))
            if m(rb, "ours") < m(rb, "dissolve"):
                flag = "  < dissolve"
            elif m(rb, "ours") < best - 0.5:
                flag = f"  {m(rb, 'ours') - best:+.2f} behind the best anchor"
        d = m(rb, "ours") - m(ra, "ours")
        if d < -0.3:
            drops.append((n, d))
        print(f"{n:26s} {m(ra, 'ours'):7.2f} {m(rb, 'ours'):7.2f} {d:+6.2f} {m(rb, 'dissolve'):6.2f} "
              f"{m(rb, 'mi'):6.2f} {m(rb, 'dis'):6.2f}   {m(ra, 'ours', '0.25'):5.2f}/{m(rb, 'ours', '0.25'):5.2f}"
              f"  {m(ra, 'ours', '0.75'):5.2f}/{m(rb, 'ours', '0.75'):5.2f}{flag}")
    for label, xs in (("before", before), ("after", after)):
        x = np.asarray(xs)
        print(f"{label:6s} (no scene change, n={x.size}): mean {x.mean():.2f}  median {np.median(x):.2f}  "
              f"p10 {np.percentile(x, 10):.2f}  worst {x.min():.2f}")
    print("dropped by more than 0.3 dB: " + (", ".join(f"{n} {d:+.2f}" for n, d in drops) or "none"))


if __name__ == "__main__":
    main()
