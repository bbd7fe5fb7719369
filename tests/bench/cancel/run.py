#!/usr/bin/env python3
"""Cancel latency (issue 13): how long from Ctrl-C to a settled take.

    python3 tests/bench/cancel/run.py [--trials N] [--build DIR] [--providers local,session,dashscope,…]

Per provider: one calibration run measures a whole take (D); then each
trial starts `inbetween generate`, sends SIGINT (what Ctrl-C sends) after
a delay drawn uniformly from [0.1 D, 0.8 D], and measures the time from the
signal to the process's exit — by then the job has settled and take.json
says so (the CLI exits only after the take is written). Trials that ended
before the signal are not counted. Hosted providers run against their
loopback fakes, with the task kept queued long enough to be cancelled.
Prints p50, p95 and the maximum per provider, and the settled states;
exit status 1 if a take is left unsettled.

`session`: the local engine cancelled from the session, as the window's
Cancel does (tests/bench/cancel/inb-bench-cancel-session.c, built in the
build folder): the same take and the same draw of moments, measured from
inb_job_cancel() to the job's end ("finished": the window shows it
cancelled) and to take.json naming its final state ("saved", the figure
printed in the p50/p95 columns; "finished" is printed after the states).
"""
import argparse
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "tests", "fault"))

from run import PROVIDERS, Fake, make_inputs  # noqa: E402

KEY = "sk-cancel-bench"
QUEUED = {"dashscope": "pending_polls", "wavespeed": "created_polls", "runcomfy": "queue_polls"}
SETTLED = {"done", "failed", "interrupted", "expired", "cancelled", "canceled", "submit-unknown"}


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def session_trials(args, env, first, last, home):
    """The local engine cancelled from the session (see the docstring)."""
    bench = os.path.join(args.build, "tests", "bench", "cancel", "inb-bench-cancel-session")
    env = dict(env, GSETTINGS_SCHEMA_DIR=os.path.join(args.build, "data"))
    takes = os.path.join(home, "inbetween", "takes")
    r = subprocess.run([bench, first, last, takes, str(args.trials), str(args.seed)], env=env,
                       capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        print("session: the bench failed (%d): %s" % (r.returncode, r.stderr.strip()[-500:]))
        return 1
    duration, finished, saved, states, unsettled = 0.0, [], [], {}, 0
    for line in r.stdout.splitlines():
        words = line.split()
        if words[0] == "D":
            duration = float(words[1])
        elif "finished_ms" in words:
            finished.append(float(words[words.index("finished_ms") + 1]) / 1000)
            saved.append(float(words[words.index("saved_ms") + 1]) / 1000)
    for manifest in glob.glob(os.path.join(takes, "*", "take.json")):
        with open(manifest) as fh:
            state = json.load(fh).get("state")
        states[state] = states.get(state, 0) + 1
        unsettled += state not in SETTLED
    if saved:
        print("%-9s %7d %6.2f %9.0f %9.0f %9.0f  %s  (finished: p50 %.0f, p95 %.0f, max %.0f ms)" % (
            "session", len(saved), duration, 1000 * percentile(saved, 50), 1000 * percentile(saved, 95),
            1000 * max(saved), " ".join("%s=%d" % kv for kv in sorted(states.items(), key=lambda kv: str(kv[0]))),
            1000 * percentile(finished, 50), 1000 * percentile(finished, 95), 1000 * max(finished)))
    sys.stdout.flush()
    return unsettled


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20, help="per provider")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--providers", default="local,session,dashscope,wavespeed,runcomfy")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="inb-cancel-")
    first, last, clip = make_inputs(tmp)
    binary = shutil.copy2(os.path.join(args.build, "inbetween"), os.path.join(tmp, "inbetween"))
    helper = shutil.copy2(os.path.join(args.build, "backends", "video", "inbetween-probe"),
                          os.path.join(tmp, "inbetween-probe"))
    unsettled_total = 0
    print("provider   trials  D (s)  p50 (ms)  p95 (ms)  max (ms)  states")
    for provider in args.providers.split(","):
        home = os.path.join(tmp, provider)
        os.makedirs(home)
        env = dict(os.environ, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_STATE_HOME=home, LC_ALL="C.UTF-8", GSETTINGS_BACKEND="memory", G_DEBUG="",
                   INBETWEEN_PROBE_HELPER=helper, SECRET_BACKEND="file",
                   SECRET_FILE_TEST_PATH="/dev/null/no-keyring", SECRET_FILE_TEST_PASSWORD="x")
        for var in ("DISPLAY", "WAYLAND_DISPLAY", "G_MESSAGES_DEBUG"):
            env.pop(var, None)
        argv = [binary, "generate", first, last, "-q"]
        fake = None
        if provider == "session":
            unsettled_total += session_trials(args, env, first, last, home)
            continue
        if provider == "local":
            argv += ["-b", "local", "--set", "duration=2", "--set", "fps=8", "--set", "resolution=480p"]
        else:
            model, script, key_var, url_var, url_path, poll_var, submit = PROVIDERS[provider]
            # queued for 40 polls (2 s at 50 ms): most signals land while queued or running
            fake = Fake(script, {"key": KEY, "video_path": clip, QUEUED[provider]: 40})
            env[key_var] = KEY
            env[url_var] = "http://127.0.0.1:%d%s" % (fake.port, url_path)
            env[poll_var] = "50"
            argv += ["-b", provider, "-m", model, "-p", "a quiet harbour at dawn"]
        t0 = time.monotonic()
        cal = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        duration = time.monotonic() - t0
        if cal.returncode != 0:
            print("%s: calibration failed (%d): %s" % (provider, cal.returncode, cal.stderr.strip()))
            continue
        latencies = []
        for _ in range(args.trials):
            proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.1 * duration, 0.8 * duration))
            if proc.poll() is not None:
                continue
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
            latencies.append(time.monotonic() - sent)
        states = {}
        for manifest in glob.glob(os.path.join(home, "inbetween", "takes", "*", "take.json")):
            with open(manifest) as fh:
                state = json.load(fh).get("state")
            states[state] = states.get(state, 0) + 1
            unsettled_total += state not in SETTLED
        if fake:
            fake.close()
        if latencies:
            print("%-9s %7d %6.2f %9.0f %9.0f %9.0f  %s" % (
                provider, len(latencies), duration, 1000 * percentile(latencies, 50),
                1000 * percentile(latencies, 95), 1000 * max(latencies),
                " ".join("%s=%d" % kv for kv in sorted(states.items(), key=lambda kv: str(kv[0])))))
        sys.stdout.flush()
    print("load %s" % open("/proc/loadavg").read().strip())
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if unsettled_total else 0)


if __name__ == "__main__":
    main()
