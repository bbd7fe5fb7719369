#!/usr/bin/env python3
"""Crash trials (issue 13): SIGKILL at a random moment of a local take and
of each hosted provider's job (against the loopback fakes), then the next
start must leave every take readable and settled.

    python3 tests/bench/crash/run.py [--trials N] [--build DIR] [--providers local,dashscope,…]

Per provider: one calibration run measures how long a whole take lasts
(D); then each trial starts `inbetween generate`, sends SIGKILL after a
delay drawn uniformly from [0, D], and runs what a user runs next:
`inbetween resume` (hosted jobs), then `inbetween history --json`. After
each trial, every take.json under the takes folder is read:

  unparseable  a take.json that is not JSON (a torn write)
  unsettled    a take still queued/preparing/running/submitting/… after
               the restart (nothing will ever finish it)
  part files   *.part or temporary files left in a settled take's folder
  duplicates   hosted submits the fake received beyond one per generate

All four must be 0. The takes accumulate across trials, as a user's do.
Prints one line per provider and the totals; exit status 1 if any count
is not 0. Needs the normal build (build/inbetween, the probe helper).
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
FAKES = os.path.join(ROOT, "tests", "fakes")
SETTLED = {"done", "failed", "interrupted", "expired", "cancelled", "canceled"}

PROVIDERS = {
    # name: (model, fake, key variable, URL variable, URL path, poll variable, submit path)
    "dashscope": ("wan2.2-kf2v-flash", "fake-dashscope.py", "DASHSCOPE_API_KEY",
                  "INBETWEEN_DASHSCOPE_URL", "/api/v1", "INBETWEEN_DASHSCOPE_POLL_MS",
                  "/video-synthesis"),
    "wavespeed": ("wavespeed-ai/wan-flf2v", "fake-wavespeed.py", "WAVESPEED_API_KEY",
                  "INBETWEEN_WAVESPEED_URL", "", "INBETWEEN_WAVESPEED_POLL_MS",
                  "/api/v3/wavespeed-ai/"),
    "runcomfy": ("community/wan-2-2/first-last-frame", "fake-runcomfy.py", "RUNCOMFY_API_TOKEN",
                 "INBETWEEN_RUNCOMFY_URL", "", "INBETWEEN_RUNCOMFY_POLL_MS", "/v1/models/"),
}


def make_inputs(tmp):
    first = os.path.join(tmp, "first.png")
    last = os.path.join(tmp, "last.png")
    clip = os.path.join(tmp, "served.mp4")
    # 640 × 400: within every provider's limits (DashScope: sides 360–2000)
    subprocess.run(["convert", "-size", "640x400", "gradient:red-blue", first], check=True)
    subprocess.run(["convert", "-size", "640x400", "gradient:green-yellow", last], check=True)
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=40", "!",
                    "video/x-raw,width=640,height=400,framerate=8/1", "!", "x264enc", "!",
                    "mp4mux", "!", "filesink", "location=" + clip], check=True)
    return first, last, clip


class Fake:
    def __init__(self, script, scenario):
        self.proc = subprocess.Popen([sys.executable, os.path.join(FAKES, script), "--lifetime", "3600",
                                      "--script", json.dumps(scenario)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), line
        self.port = int(line.split()[1])

    def requests(self):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/_control/requests" % self.port) as r:
            return json.load(r)

    def close(self):
        self.proc.kill()
        self.proc.wait()


def check_takes(home):
    unparseable = unsettled = parts = 0
    states = {}
    for manifest in glob.glob(os.path.join(home, "inbetween", "takes", "*", "take.json")):
        try:
            with open(manifest, "rb") as fh:
                take = json.load(fh)
            state = take.get("state")
        except (ValueError, OSError):
            unparseable += 1
            continue
        states[state] = states.get(state, 0) + 1
        if state not in SETTLED:
            unsettled += 1
        else:
            folder = os.path.dirname(manifest)
            parts += len([n for n in os.listdir(folder)
                          if n.endswith(".part") or n.startswith(".") and "tmp" in n.lower()
                          or n.startswith(".goutputstream")])
    return unparseable, unsettled, parts, states


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=240, help="in all, shared by the providers")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--providers", default="local,dashscope,wavespeed,runcomfy")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the takes folders")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    binary = os.path.join(args.build, "inbetween")
    helper = os.path.join(args.build, "backends", "video", "inbetween-probe")
    providers = args.providers.split(",")
    per = [args.trials // len(providers) + (1 if i < args.trials % len(providers) else 0)
           for i in range(len(providers))]
    tmp = tempfile.mkdtemp(prefix="inb-crash-")
    # Copies: a rebuild meanwhile must not swap the binary under a trial
    binary = shutil.copy2(binary, os.path.join(tmp, "inbetween"))
    helper = shutil.copy2(helper, os.path.join(tmp, "inbetween-probe"))
    first, last, clip = make_inputs(tmp)
    totals = dict(trials=0, unparseable=0, unsettled=0, parts=0, duplicates=0)
    failed = False
    start_all = time.monotonic()
    print("provider   trials  D (s)   killed-before-end  unparseable  unsettled  part-files  duplicate-submits  states")

    for provider, n in zip(providers, per):
        home = os.path.join(tmp, provider)
        os.makedirs(home)
        env = dict(os.environ, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home,
                   XDG_STATE_HOME=home, LC_ALL="C.UTF-8", GSETTINGS_BACKEND="memory",
                   INBETWEEN_PROBE_HELPER=helper, SECRET_BACKEND="file",
                   SECRET_FILE_TEST_PATH="/dev/null/no-keyring", SECRET_FILE_TEST_PASSWORD="x")
        for var in ("DISPLAY", "WAYLAND_DISPLAY", "G_MESSAGES_DEBUG"):
            env.pop(var, None)
        fake = None
        argv = [binary, "generate", first, last, "-q"]
        if provider == "local":
            # A short take at 480p: the trial is about the kill, not the engine
            argv += ["-b", "local", "--set", "duration=1", "--set", "fps=8", "--set", "resolution=480p"]
        else:
            model, script, key_var, url_var, url_path, poll_var, submit_path = PROVIDERS[provider]
            fake = Fake(script, {"key": "sk-crash-trials", "video_path": clip})
            env[key_var] = "sk-crash-trials"
            env[url_var] = "http://127.0.0.1:%d%s" % (fake.port, url_path)
            env[poll_var] = "50"
            argv += ["-b", provider, "-m", model, "-p", "a quiet harbour at dawn"]

        # Calibration: one whole take
        t0 = time.monotonic()
        cal = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        duration = time.monotonic() - t0
        if cal.returncode != 0:
            print("%s: the calibration run failed (%d): %s" % (provider, cal.returncode, cal.stderr.strip()))
            failed = True
            if fake:
                fake.close()
            continue

        generates = 1
        killed_early = 0
        for _ in range(n):
            delay = rng.uniform(0, duration)
            proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            generates += 1
            time.sleep(delay)
            if proc.poll() is None:
                killed_early += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if provider != "local":
                subprocess.run([binary, "resume"], env=env, capture_output=True, timeout=300)
            subprocess.run([binary, "history", "--json"], env=env, capture_output=True, timeout=300)

        unparseable, unsettled, parts, states = check_takes(home)
        duplicates = 0
        if fake:
            submits = [r for r in fake.requests()
                       if r.get("method") == "POST" and PROVIDERS[provider][6] in r.get("path", "")]
            duplicates = max(0, len(submits) - generates)
            fake.close()
        print("%-9s %7d %6.2f %19d %12d %10d %11d %18d  %s" % (
            provider, n, duration, killed_early, unparseable, unsettled, parts, duplicates,
            " ".join("%s=%d" % kv for kv in sorted(states.items(), key=lambda kv: str(kv[0])))))
        sys.stdout.flush()
        totals["trials"] += n
        totals["unparseable"] += unparseable
        totals["unsettled"] += unsettled
        totals["parts"] += parts
        totals["duplicates"] += duplicates

    print("total: %(trials)d trials, %(unparseable)d unparseable, %(unsettled)d unsettled, "
          "%(parts)d part files, %(duplicates)d duplicate submits" % totals
          + " in %.0f s; load %s" % (time.monotonic() - start_all, open("/proc/loadavg").read().strip()))
    if args.keep:
        print("takes kept in", tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = failed or any(totals[k] for k in ("unparseable", "unsettled", "parts", "duplicates"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
