#!/usr/bin/env python3
# run.py: runs inb-bench-responsiveness (under a display, e.g. xvfb-run)
# and writes docs/responsiveness.md. Use build-aux/bench-responsiveness.sh.
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# figure: (label, target ms, judged on)
FIGURES = [
    ("startup_ms", "Start-up to the first frame drawn", 300, "median"),
    ("stall.local_generation_720p", "Main-loop gap while a 720p local take is made", 16, "p99"),
    ("stall.download_50MB_full_speed", "Main-loop gap while 50 MB download (loopback, full speed)", 16, "p99"),
    ("stall.download_50MB_10MBps", "Main-loop gap while 50 MB download at 10 MB/s", 16, "p99"),
    ("stall.download_50MB_10MBps_clip_plays", "Main-loop gap, 50 MB download at 10 MB/s + clip playing", 16, "p99"),
    ("stall.idle", "Main-loop gap, window idle (baseline)", 16, "p99"),
    ("stall.clip_plays", "Main-loop gap, 720p clip playing (baseline)", 16, "p99"),
    ("open_720p_5s.first_frame_ready", "Open a 5 s 720p clip → first frame decoded", 200, "median"),
    ("open_720p_5s.first_frame_drawn", "Open a 5 s 720p clip → first frame drawn", 200, "median"),
    ("step_720p.forward_ready", "Frame step forward → frame shown by the playback", 50, "median"),
    ("step_720p.forward_drawn", "Frame step forward → next window paint", 50, "median"),
    ("step_720p.back_ready", "Frame step back → frame shown by the playback", 50, "median"),
]

RESULT = re.compile(r"^RESULT (\S+) n=(\d+) median=([\d.]+) p99=([\d.]+) max=([\d.]+) target=(\d+)")
LONG = re.compile(r"^RESULT (\S+)\.long_gaps count=(\d+) in_frame=(\d+) stalled_share=([\d.]+)")
SCALAR = re.compile(r"^RESULT (\S+) ([\d.]+)$")


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    rank = max(1, min(len(values), int(-(-p * len(values) // 100))))
    return values[rank - 1]


def environment(build, renderer):
    env = dict(os.environ)
    env.update({
        "GDK_BACKEND": "x11",
        "GSK_RENDERER": renderer,
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
        "GIO_USE_VFS": "local",
        "GTK_A11Y": "none",
        "NO_AT_BRIDGE": "1",
        "INB_SAMPLES_DIR": os.path.join(ROOT, "data", "samples"),
    })
    return env


def run_startups(binary, env, n):
    totals = []
    phases = {}
    for _ in range(n):
        env = dict(env)
        # CLOCK_MONOTONIC, as g_get_monotonic_time(), just before the exec.
        env["INB_BENCH_T0"] = str(time.monotonic_ns() // 1000)
        out = subprocess.run([binary, "--startup"], env=env, capture_output=True,
                             text=True, timeout=60).stdout
        for line in out.splitlines():
            m = SCALAR.match(line)
            if not m:
                continue
            if m.group(1) == "startup_ms":
                totals.append(float(m.group(2)))
            elif m.group(1).startswith("startup_phase."):
                phases.setdefault(m.group(1)[len("startup_phase."):], []).append(float(m.group(2)))
        time.sleep(0.3)
    return totals, phases


def run_session(binary, env, args):
    cmd = [binary, "--session", "--reps", str(args.reps), "--generations", str(args.generations),
           "--fake", os.path.join(HERE, "fake-large.py")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    results = {}
    notes = []
    renderer = "?"
    for line in proc.stdout.splitlines():
        m = LONG.match(line)
        if m:
            results[m.group(1) + ".long_gaps"] = {
                "count": int(m.group(2)), "in_frame": int(m.group(3)), "share": float(m.group(4)),
            }
            continue
        m = RESULT.match(line)
        if m:
            results[m.group(1)] = {
                "n": int(m.group(2)), "median": float(m.group(3)),
                "p99": float(m.group(4)), "max": float(m.group(5)),
            }
            continue
        if line.startswith("RESULT renderer "):
            renderer = line.split()[-1]
            continue
        if line.strip():
            notes.append(line.rstrip())
    if proc.returncode != 0:
        notes.append("(exit status %d) %s" % (proc.returncode, proc.stderr.strip()[-500:]))
    return results, notes, renderer, proc.stdout


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(pkg):
        try:
            return subprocess.run(["pkg-config", "--modversion", pkg], capture_output=True,
                                  text=True).stdout.strip() or "?"
        except OSError:
            return "?"

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "gtk": version("gtk4"),
        "adw": version("libadwaita-1"),
        "gst": version("gstreamer-1.0"),
    }


def fmt(v):
    return "—" if v is None or v != v else "%.1f" % v


def table(results, startups):
    rows = ["| Figure | Target | n | Median | p99 | Max | Met? | Gaps > 16 ms (in a frame), share of time |",
            "|---|---|---|---|---|---|---|---|"]
    for key, label, target, judged in FIGURES:
        if key == "startup_ms":
            if not startups:
                continue
            r = {"n": len(startups), "median": statistics.median(startups),
                 "p99": percentile(startups, 99), "max": max(startups)}
        else:
            r = results.get(key)
            if r is None:
                rows.append("| %s | ≤ %d ms | — | not measured | | | | |" % (label, target))
                continue
        value = r[judged]
        if key in ("stall.idle", "stall.clip_plays"):
            met = "baseline (%s)" % ("≤" if value <= target else ">") + " %d" % target
        else:
            met = ("**met**" if value <= target else "**not met**") + " (%s)" % judged
        lg = results.get(key + ".long_gaps")
        extra = "%d (%d), %.1f %%" % (lg["count"], lg["in_frame"], lg["share"]) if lg else ""
        rows.append("| %s | ≤ %d ms (%s) | %d | %s | %s | %s | %s | %s |" % (
            label, target, judged, r["n"], fmt(r["median"]), fmt(r["p99"]), fmt(r["max"]), met, extra))
    return "\n".join(rows)


def frame_table(results):
    rows = ["| While | Frames drawn | Median frame | p99 frame | Longest frame |",
            "|---|---|---|---|---|"]
    for key, label, _, _ in FIGURES:
        r = results.get(key + ".frame")
        if key.startswith("stall.") and r is not None:
            rows.append("| %s | %d | %s | %s | %s |" % (label, r["n"], fmt(r["median"]),
                                                       fmt(r["p99"]), fmt(r["max"])))
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", default="build")
    parser.add_argument("--startups", type=int, default=15)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--renderers", default="cairo,gl")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "responsiveness.md"))
    parser.add_argument("--command", default="build-aux/bench-responsiveness.sh")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    binary = os.path.join(build, "tests", "bench", "responsiveness", "inb-bench-responsiveness")
    info = machine()
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)

    sections = []
    for renderer in args.renderers.split(","):
        env = environment(build, renderer)
        print("== GSK_RENDERER=%s: %d start-ups" % (renderer, args.startups), flush=True)
        startups, phases = run_startups(binary, env, args.startups)
        print("== GSK_RENDERER=%s: session" % renderer, flush=True)
        results, notes, used, raw = run_session(binary, env, args)
        print(raw, flush=True)
        sections.append((renderer, used, startups, phases, results, notes))

    load_after = os.getloadavg()
    finished = datetime.datetime.now(datetime.timezone.utc)

    out = []
    out.append("# Responsiveness (issue 4)\n")
    out.append("Measured figures, not assertions. Written by `tests/bench/responsiveness/run.py`; "
               "regenerate with:\n")
    out.append("```\n%s\n```\n" % args.command)
    out.append("(which builds `tests/bench/responsiveness/inb-bench-responsiveness` and runs "
               "`dbus-run-session -- xvfb-run -a -s \"-screen 0 1280x800x24\" python3 "
               "tests/bench/responsiveness/run.py --build BUILD --startups %d --reps %d "
               "--generations %d --renderers %s`). An A/B comparison against another revision, "
               "measured interleaved: `build-aux/bench-responsiveness.sh --compare REV`.\n"
               % (args.startups, args.reps, args.generations, args.renderers))
    out.append("## Machine\n")
    out.append("- %s, `nproc` = %s, Linux %s" % (info["cpu"], info["nproc"], info["kernel"]))
    out.append("- GTK %s, libadwaita %s, GStreamer %s; X server: Xvfb (no GPU), with a D-Bus session bus "
               "(`dbus-run-session`)" % (info["gtk"], info["adw"], info["gst"]))
    out.append("- load average (1, 5, 15 min) before: %.2f %.2f %.2f, after: %.2f %.2f %.2f"
               % (load_before + load_after))
    out.append("- run %s → %s UTC\n" % (started.strftime("%Y-%m-%d %H:%M"), finished.strftime("%H:%M")))
    out.append("## How each figure is taken\n")
    out.append("- **Start-up**: a fresh process per sample, the application's own path "
               "(`InbApplication` → activate → `InbWindow`, `G_APPLICATION_NON_UNIQUE`), from just "
               "before the runner starts the process (CLOCK_MONOTONIC) to the window's first "
               "frame-clock `after-paint`.")
    out.append("- **Main-loop gaps**: a 1 ms `g_timeout` at default priority; every gap between two "
               "ticks is time the loop spent elsewhere. p99 and max over all gaps of all "
               "repetitions. The window's frame clock is watched (`before-paint` → `after-paint`) "
               "to tell whether the long gaps are frames being laid out and drawn.")
    out.append("- **Local generation**: the window's own Generate (`win.generate`) with the bundled "
               "sample keyframes, local backend, 720p, 1 s at 16 fps; the probe runs from the click "
               "until the job is terminal.")
    out.append("- **Download**: `InbHttpClient` download of 50 MB (incompressible) from a loopback "
               "fake (`tests/bench/responsiveness/fake-large.py`) in a `GTask` thread, progress "
               "forwarded to the main loop with `g_main_context_invoke`, as a cloud job does. The "
               "window is shown; it is not the whole cloud job path through the job queue.")
    out.append("- **Open**: a 5 s 1280×720 24 fps clip written by the app's own `InbVideoWriter`; "
               "`inb_player_set_file` → playback prerolled with a texture (\"decoded\"), and → the "
               "window's next paint (\"drawn\").")
    out.append("- **Frame step**: `inb_playback_step (±1)` at a person's pace (100 ms apart) → the "
               "playback reports the frame, and → the next window paint.\n")

    for renderer, used, startups, phases, results, notes in sections:
        out.append("## GSK_RENDERER=%s (renderer in use: %s)\n" % (renderer, used))
        out.append(table(results, startups) + "\n")
        if phases:
            out.append("Start-up, where the time goes (median ms of %d start-ups):\n" % len(startups))
            out.append("| Phase | Median | Max |")
            out.append("|---|---|---|")
            for name, values in phases.items():
                out.append("| %s | %.1f | %.1f |" % (name, statistics.median(values), max(values)))
            out.append("")
        draws = [(k, r) for k, r in results.items() if k.startswith("render_720p_texture_at_")]
        if draws:
            out.append("One 720p frame drawn by this renderer alone (offscreen `gsk_renderer_render_texture` "
                       "of one texture node, ms):\n")
            out.append("| Drawn at | n | Median | p99 | Max |")
            out.append("|---|---|---|---|---|")
            for k, r in draws:
                out.append("| %s | %d | %s | %s | %s |" % (k[len("render_720p_texture_at_"):], r["n"],
                                                         fmt(r["median"]), fmt(r["p99"]), fmt(r["max"])))
            out.append("")
        frames = frame_table(results)
        if frames.count("\n") > 1:
            out.append("Frames drawn meanwhile (`before-paint` → `after-paint`, ms), what the long gaps are made of:\n")
            out.append(frames + "\n")
        if notes:
            out.append("Program output:\n")
            kept = [n for n in notes if " n=" not in n]
            out.append("```\n" + "\n".join(kept) + "\n```\n")

    # The hand-written reading of the figures below the marker survives a
    # regeneration; re-read it against the new figures.
    marker = "<!-- Hand-written below this line; kept when regenerated. -->"
    out.append(marker)
    if os.path.exists(args.output):
        with open(args.output) as f:
            old = f.read()
        if marker in old:
            out.append(old.split(marker, 1)[1].lstrip("\n"))

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        f.write("\n".join(out))
    print("wrote %s" % args.output)


if __name__ == "__main__":
    sys.exit(main())
