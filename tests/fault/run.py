#!/usr/bin/env python3
"""A full disk and I/O errors on every write path (issue 13).

    python3 tests/fault/run.py [--build DIR] [--shim PATH] [--scenarios a,b] [--ci] [--keep]

Drives the `inbetween` binary with tests/fault/inb-fault.c preloaded, which
makes the Nth write-side call fail (write, writev, pwrite, fwrite, fsync,
fdatasync, rename, link, open/fopen for writing): first once with no fault
to list the calls a scenario makes (its trace), then once per chosen N.
The Ns are the "sites": every call that is not a write, and the first and
last write of each run of writes to one file. Each site is failed twice:
with ENOSPC from then on (a disk that stays full) and with one EIO (a
transient error). `--ci` takes at most 8 sites per scenario, spread evenly
(the CI subset), plus the clip's fsync and renames and the muxer's reopen
of its scratch file, with both errors; without it, every site.

The reopen site: fopen() for writing of a file that exists is counted too
(the shim's INB_FAULT_REOPEN=1), so mp4mux's reopen of its faststart
scratch file (clip.mp4.mdat.part, <export>.mdat) is a site. GStreamer
1.22's mp4mux deadlocks on that error (it posts it holding its own lock),
so the error itself never reaches us: the pipeline stops moving, and the
writer and export give up after their bounds, shortened here to
REOPEN_BOUND_S (INB_TEST_VIDEO_STALL_S, INB_TEST_VIDEO_FINISH_S). Such a
run must exit 3 saying the encoder did not finish or took no frame, and
end within REOPEN_TIMEOUT_S (a hang is a problem, not a wait of minutes).

Scenarios: `generate` with the local engine, with each hosted provider
against its loopback fake and with ComfyUI against tests/fakes/fake-comfyui.py
(all with -o), `export` of a finished take to MP4
and to GIF, `delete`, and the window's metadata edits of that take (star,
title, note: no command-line verb, so tests/fault/inb-fault-edit.c makes
each through the library as the window does and prints the message the
window would show). Each runs in a copy of a home folder that already
holds one finished take (the user's earlier work). After each run, with no
fault: `inbetween resume` (hosted) and `inbetween history --json`. Checked:

  exit      the exit status is 0, or 1 as the README documents for a file
            that could not be written (export: 1 or 3; its help says 3);
            at the reopen site, 3
  message   on failure, stderr names the error ("No space left on device" or
            "Input/output error"); at the reopen site, the bound that ran out
  hang      the command ended within its time (300 s; at the reopen site
            REOPEN_TIMEOUT_S)
  lost      the earlier take is still listed, its take.json and clip
            unchanged (delete: gone only when delete exited 0)
  edit      an edit that exited 0 is in take.json (and nothing else
            changed); one that exited 1 left take.json byte for byte
  json      every take.json parses
  unsettled no take left queued/running/… after the restart
  partial   no *.part, temporary (take.json.XXXXXX, .goutputstream-*) or
            half-written output left, and no take folder without a take.json
  output    -o exists exactly when the command exited 0
  dupes     a hosted fake saw at most one submit per `generate` run
  canary    the API key is in no output and no file under the home folder

Exit status 1 if any check failed; prints one line per scenario and the
totals. Needs the normal build (inbetween, the probe helper, the shim).
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAKES = os.path.join(ROOT, "tests", "fakes")
SETTLED = {"done", "failed", "interrupted", "expired", "cancelled", "canceled",
           "submit-unknown"}
ERRORS = {"ENOSPC": "No space left on device", "EIO": "Input/output error"}
# The reopen site (see above): the pipelines' bounds, and the most a run may take
REOPEN_BOUND_S = 3
REOPEN_TIMEOUT_S = 90
STUCK_MESSAGES = ("did not finish within", "took no frame for")

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
    # A ComfyUI server: no key, its progress over a websocket (no poll interval)
    "comfyui": ("wan2.2-flf2v", "fake-comfyui.py", None,
                "INBETWEEN_COMFYUI_URL", "", None, "/prompt"),
}
KEY = "sk-fault-trials"


class Fake:
    def __init__(self, script, scenario):
        self.proc = subprocess.Popen([sys.executable, os.path.join(FAKES, script), "--lifetime", "3600",
                                      "--script", json.dumps(scenario)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), line
        self.port = int(line.split()[1])

    def submits(self, path):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/_control/requests" % self.port) as r:
            return len([q for q in json.load(r)
                        if q.get("method") == "POST" and path in q.get("path", "")])

    def close(self):
        self.proc.kill()
        self.proc.wait()


def make_inputs(tmp):
    first = os.path.join(tmp, "first.png")
    last = os.path.join(tmp, "last.png")
    clip = os.path.join(tmp, "served.mp4")
    # 640 × 400: within every provider's limits (DashScope: sides 360–2000)
    subprocess.run(["convert", "-size", "640x400", "gradient:red-blue", first], check=True)
    subprocess.run(["convert", "-size", "640x400", "gradient:green-yellow", last], check=True)
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=16", "!",
                    "video/x-raw,width=640,height=400,framerate=8/1", "!", "x264enc", "!",
                    "mp4mux", "!", "filesink", "location=" + clip], check=True)
    return first, last, clip


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def takes_dir(home):
    return os.path.join(home, "inbetween", "takes")


def snapshot(home):
    """{take id: (take.json hash, clip hash)} of the finished takes."""
    out = {}
    for manifest in glob.glob(os.path.join(takes_dir(home), "*", "take.json")):
        folder = os.path.dirname(manifest)
        clip = os.path.join(folder, "clip.mp4")
        out[os.path.basename(folder)] = (sha(manifest), sha(clip) if os.path.exists(clip) else None)
    return out


def leftovers(folder):
    bad = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for n in filenames:
            if (n.endswith(".part") or n.startswith(".goutputstream")
                    or (n.startswith("take.json.") and n != "take.json")
                    or n.startswith(".") and ".part" in n):
                bad.append(os.path.join(dirpath, n))
    return bad


def check_takes(home):
    problems = []
    listed = set()
    for folder in glob.glob(os.path.join(takes_dir(home), "*")):
        if not os.path.isdir(folder):
            continue
        manifest = os.path.join(folder, "take.json")
        if not os.path.exists(manifest):
            problems.append("partial: a take folder without take.json: %s (%s)"
                            % (os.path.basename(folder), " ".join(sorted(os.listdir(folder)))))
            continue
        try:
            with open(manifest, "rb") as fh:
                take = json.load(fh)
        except (ValueError, OSError) as e:
            problems.append("json: %s: %s" % (manifest, e))
            continue
        listed.add(os.path.basename(folder))
        if take.get("state") not in SETTLED:
            problems.append("unsettled: %s is %s" % (os.path.basename(folder), take.get("state")))
    for f in leftovers(takes_dir(home)):
        problems.append("partial: " + os.path.relpath(f, home))
    return problems, listed


class Runner:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        build = args.build
        self.binary = shutil.copy2(os.path.join(build, "inbetween"), os.path.join(tmp, "inbetween"))
        self.editor = shutil.copy2(os.path.join(build, "tests", "fault", "inb-fault-edit"),
                                   os.path.join(tmp, "inb-fault-edit"))
        self.helper = shutil.copy2(os.path.join(build, "backends", "video", "inbetween-probe"),
                                   os.path.join(tmp, "inbetween-probe"))
        self.shim = args.shim or os.path.join(build, "tests", "fault", "libinb-fault.so")
        self.first, self.last, self.clip = make_inputs(tmp)
        self.fakes = {}

    def env(self, home, extra=None):
        env = dict(os.environ, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home,
                   XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                   XDG_STATE_HOME=home, LC_ALL="C.UTF-8", LANGUAGE="", GSETTINGS_BACKEND="memory",
                   INBETWEEN_PROBE_HELPER=self.helper, SECRET_BACKEND="file",
                   SECRET_FILE_TEST_PATH="/dev/null/no-keyring", SECRET_FILE_TEST_PASSWORD="x",
                   G_DEBUG="")
        for var in ("DISPLAY", "WAYLAND_DISPLAY", "G_MESSAGES_DEBUG", "LD_PRELOAD",
                    "INB_FAULT_AT", "INB_FAULT_TRACE", "INB_FAULT_REOPEN",
                    "INB_TEST_VIDEO_STALL_S", "INB_TEST_VIDEO_FINISH_S"):
            env.pop(var, None)
        for provider, fake in self.fakes.items():
            model, script, key_var, url_var, url_path, poll_var, submit = PROVIDERS[provider]
            if key_var is not None:
                env[key_var] = KEY
            env[url_var] = "http://127.0.0.1:%d%s" % (fake.port, url_path)
            if poll_var is not None:
                env[poll_var] = "50"
        env.update(extra or {})
        return env

    def run(self, argv, home, extra=None, cwd=None, timeout=300):
        """Runs `inbetween ARGV`, or the edit helper for ["@edit", …];
        one still running after TIMEOUT seconds is killed: returncode None"""
        if argv[:1] == ["@edit"]:
            argv = [self.editor, takes_dir(home), "last"] + argv[1:]
        else:
            argv = [self.binary] + argv
        try:
            return subprocess.run(argv, env=self.env(home, extra), cwd=cwd,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            def text(b):
                return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
            return subprocess.CompletedProcess(argv, None, text(e.stdout), text(e.stderr))

    def generate_argv(self, provider, out):
        argv = ["generate", self.first, self.last, "-q", "-o", out]
        if provider == "local":
            return argv + ["-b", "local", "--set", "duration=1", "--set", "fps=8",
                           "--set", "resolution=480p"]
        model = PROVIDERS[provider][0]
        return argv + ["-b", provider, "-m", model, "-p", "a quiet harbour at dawn"]


def scenario_argv(runner, name, out):
    if name.startswith("generate-"):
        return runner.generate_argv(name[len("generate-"):], out)
    if name == "export-mp4":
        return ["export", "last", "-q", "-f", "mp4", "-o", out]
    if name == "export-gif":
        return ["export", "last", "-q", "-f", "gif", "--scale", "160", "-o", out]
    if name == "delete":
        return ["delete", "last"]
    if name in EDITS:
        return ["@edit"] + EDITS[name][0]
    raise ValueError(name)


# The window's edits of the earlier take: (helper arguments, take.json
# member, value once applied)
NOTE = "Keep the gulls · 海鸥留着 — second light"
EDITS = {
    "edit-star": (["star"], "starred", True),
    "edit-title": (["title", "Harbour at dawn, v2"], "title", "Harbour at dawn, v2"),
    "edit-note": (["note", NOTE], "note", NOTE),
}


def check_edit(name, home, returncode, base_snapshot):
    """An edit exited 0 and is saved, or exited 1 and changed nothing."""
    problems = []
    (take_id, (manifest_hash, clip_hash)), = base_snapshot.items()
    folder = os.path.join(takes_dir(home), take_id)
    manifest = os.path.join(folder, "take.json")
    after = snapshot(home).get(take_id)
    if after is None:
        return ["edit: the take is gone"]
    if after[1] != clip_hash:
        problems.append("lost: the clip changed")
    if returncode == 0:
        member, value = EDITS[name][1], EDITS[name][2]
        try:
            with open(manifest, "rb") as fh:
                saved = json.load(fh).get(member)
        except (ValueError, OSError) as e:
            return problems + ["json: %s" % e]
        if saved != value:
            problems.append("edit: exit 0 but take.json's %s is %r" % (member, saved))
    elif after[0] != manifest_hash:
        problems.append("edit: exit %d but take.json changed" % returncode)
    return problems


def sites(trace_path):
    """The Ns worth failing: every call that is not a write, and the first
    and last write of each run of writes to one file."""
    calls = []
    with open(trace_path) as fh:
        for line in fh:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3:
                calls.append((int(parts[0]), parts[1], parts[2]))
    calls.sort()
    chosen = []
    i = 0
    while i < len(calls):
        n, call, target = calls[i]
        if call in ("write", "writev", "pwrite", "fwrite"):
            j = i
            while (j + 1 < len(calls) and calls[j + 1][1] in ("write", "writev", "pwrite", "fwrite")
                   and calls[j + 1][2] == target):
                j += 1
            chosen.append((n, call, target))
            if j > i:
                chosen.append(calls[j])
            i = j + 1
        else:
            chosen.append((n, call, target))
            i += 1
    return chosen


def clip_sites(chosen):
    """The clip's last steps: the fsync of a clip's .part file and each
    rename of a clip (*.mp4) into place. The full set found these alone
    exiting 3 ("the backend failed") instead of 1 (session 7); the CI
    subset always fails them, with both errors."""
    return [(n, call, target) for n, call, target in chosen
            if (call == "fsync" and target.endswith(".mp4.part")) or
               (call == "rename" and target.endswith(".mp4"))]


def is_reopen(site):
    """mp4mux's reopen of its faststart scratch file"""
    n, call, target = site
    return call in ("fopen", "fopen64") and (target.endswith(".mdat") or target.endswith(".mdat.part"))


def spread(items, k):
    if len(items) <= k:
        return items
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--shim")
    parser.add_argument("--scenarios",
                        default="generate-local,generate-dashscope,generate-wavespeed,"
                                "generate-runcomfy,generate-comfyui,export-mp4,export-gif,delete,"
                                "edit-star,edit-title,edit-note")
    parser.add_argument("--ci", action="store_true", help="at most 8 sites per scenario")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="inb-fault-")
    runner = Runner(args, tmp)
    start_all = time.monotonic()
    scenarios = args.scenarios.split(",")
    for name in scenarios:
        provider = name[len("generate-"):] if name.startswith("generate-") else None
        if provider in PROVIDERS:
            script = ({"video_path": runner.clip, "step_ms": 5} if provider == "comfyui" else
                      {"key": KEY, "video_path": runner.clip})
            runner.fakes[provider] = Fake(PROVIDERS[provider][1], script)

    # The user's earlier work: one finished take (local), in every run's home
    base = os.path.join(tmp, "base")
    os.makedirs(base)
    made = runner.run(runner.generate_argv("local", os.path.join(tmp, "base.mp4")), base)
    if made.returncode != 0:
        print("fault: the first take could not be made (%d): %s" % (made.returncode, made.stderr))
        sys.exit(1)
    os.unlink(os.path.join(tmp, "base.mp4"))
    base_snapshot = snapshot(base)

    totals = dict(runs=0, failed=0, lost=0, json=0, unsettled=0, partial=0, dupes=0, exit=0,
                  message=0, output=0, canary=0, edit=0, hang=0)
    failures = []
    print("scenario            calls  sites  runs  exit(0/1/other)  problems")
    for name in scenarios:
        provider = name[len("generate-"):] if name.startswith("generate-") else None
        # The trace: the calls this scenario makes, with no fault
        home = os.path.join(tmp, name, "trace")
        shutil.copytree(base, home)
        out = os.path.join(tmp, name, "trace-out." + ("gif" if name == "export-gif" else "mp4"))
        trace = os.path.join(tmp, name, "trace.txt")
        r = runner.run(scenario_argv(runner, name, out), home,
                       {"LD_PRELOAD": runner.shim, "INB_FAULT_AT": "0", "INB_FAULT_TRACE": trace,
                        "INB_FAULT_NOSYNC": "1", "INB_FAULT_REOPEN": "1"})
        if r.returncode != 0:
            print("%s: fails with no fault (%d): %s" % (name, r.returncode, r.stderr.strip()))
            totals["failed"] += 1
            continue
        all_sites = sites(trace)
        calls = sum(1 for _ in open(trace))
        chosen = spread(all_sites, 8) if args.ci else all_sites
        both = set(clip_sites(all_sites) + [s for s in all_sites if is_reopen(s)]) if args.ci else set()
        chosen = chosen + sorted(both - set(chosen))
        codes = {}
        problems_here = 0
        generates = 1 if provider in PROVIDERS else 0
        for index, (n, call, target) in enumerate(chosen):
            for err, sticky in (("ENOSPC", "1"), ("EIO", "0")):
                if (args.ci and (n, call, target) not in both and
                        (index % 2) != (0 if err == "ENOSPC" else 1)):
                    continue   # CI: alternate the two errors over the sites
                label = "%s N=%d %s(%s) %s%s" % (name, n, call, os.path.basename(target), err,
                                                  " sticky" if sticky == "1" else "")
                home = os.path.join(tmp, name, "%d-%s" % (n, err))
                shutil.copytree(base, home)
                out = os.path.join(tmp, name, "out-%d-%s.%s" % (n, err, "gif" if name == "export-gif" else "mp4"))
                reopen = is_reopen((n, call, target))
                extra = {"LD_PRELOAD": runner.shim, "INB_FAULT_AT": str(n),
                         "INB_FAULT_ERRNO": err, "INB_FAULT_STICKY": sticky,
                         "INB_FAULT_NOSYNC": "1", "INB_FAULT_REOPEN": "1"}
                if reopen:
                    extra.update(INB_TEST_VIDEO_STALL_S=str(REOPEN_BOUND_S),
                                 INB_TEST_VIDEO_FINISH_S=str(REOPEN_BOUND_S))
                started = time.monotonic()
                r = runner.run(scenario_argv(runner, name, out), home, extra,
                               timeout=REOPEN_TIMEOUT_S if reopen else 300)
                took = time.monotonic() - started
                generates += 1 if provider in PROVIDERS else 0
                totals["runs"] += 1
                codes[r.returncode] = codes.get(r.returncode, 0) + 1
                problems = []
                allowed = (3,) if reopen else (0, 1, 3) if name.startswith("export") else (0, 1)
                if r.returncode is None:
                    problems.append("hang: still running after %.0f s, killed (%s)" % (took, r.stderr.strip()[-300:]))
                    totals["hang"] += 1
                elif r.returncode not in allowed:
                    problems.append("exit: %d (%s)" % (r.returncode, r.stderr.strip()[-300:]))
                    totals["exit"] += 1
                if reopen:
                    if r.returncode is not None and not any(m in r.stderr for m in STUCK_MESSAGES):
                        problems.append("message: stderr does not say the encoder got stuck: %r"
                                        % r.stderr.strip()[-300:])
                        totals["message"] += 1
                elif r.returncode != 0 and ERRORS[err] not in r.stderr:
                    problems.append("message: stderr does not name the error: %r" % r.stderr.strip()[-300:])
                    totals["message"] += 1
                # Then what a user runs next, with no fault
                if provider in PROVIDERS:
                    runner.run(["resume"], home)
                runner.run(["history", "--json"], home)
                take_problems, listed = check_takes(home)
                problems += take_problems
                for p in take_problems:
                    key = p.split(":")[0]
                    totals[key] = totals.get(key, 0) + 1
                # Canary: the API key never reaches the terminal or a file
                canary = [w for w, text in (("stdout", r.stdout), ("stderr", r.stderr)) if KEY in text]
                for dirpath, _, filenames in os.walk(home):
                    for filename in filenames:
                        with open(os.path.join(dirpath, filename), "rb") as fh:
                            if KEY.encode() in fh.read():
                                canary.append(os.path.relpath(os.path.join(dirpath, filename), home))
                if canary:
                    problems.append("canary: the API key is in " + ", ".join(canary))
                    totals["canary"] += len(canary)
                after = snapshot(home)
                if name in EDITS:
                    edit_problems = check_edit(name, home, r.returncode, base_snapshot)
                    problems += edit_problems
                    for p in edit_problems:
                        key = p.split(":")[0]
                        totals[key] = totals.get(key, 0) + 1
                for take_id, hashes in base_snapshot.items():
                    if name in EDITS:
                        continue   # checked just above
                    if name == "delete" and r.returncode == 0:
                        if take_id in after:
                            problems.append("delete exited 0 but %s is still there" % take_id)
                        continue
                    if after.get(take_id) != hashes:
                        problems.append("lost: the earlier take %s is %s" % (
                            take_id, "gone" if take_id not in after else "changed"))
                        totals["lost"] += 1
                if name != "delete" and name not in EDITS:
                    exists = os.path.exists(out)
                    if exists != (r.returncode == 0):
                        problems.append("output: -o %s after exit %d" % ("exists" if exists else "missing",
                                                                        r.returncode))
                        totals["output"] += 1
                    for f in leftovers(os.path.dirname(out)):
                        if os.path.basename(f).startswith("." + os.path.basename(out)):
                            problems.append("partial: " + f)
                            totals["partial"] += 1
                if problems:
                    problems_here += len(problems)
                    failures.append(label + ": " + "; ".join(problems))
                    if args.verbose:
                        print("  " + failures[-1])
                elif args.verbose:
                    print("  ok %s exit %d in %.1f s" % (label, r.returncode, took))
                if not args.keep:
                    shutil.rmtree(home, ignore_errors=True)
        dupes = 0
        if provider in PROVIDERS:
            submits = runner.fakes[provider].submits(PROVIDERS[provider][6])
            dupes = max(0, submits - generates)
            totals["dupes"] += dupes
            if dupes:
                failures.append("%s: %d submits for %d generate runs" % (name, submits, generates))
        print("%-18s %6d %6d %5d  %d/%d/%d %16d" % (
            name, calls, len(all_sites), sum(codes.values()), codes.get(0, 0), codes.get(1, 0),
            sum(v for k, v in codes.items() if k not in (0, 1)), problems_here + dupes))
        sys.stdout.flush()
    for fake in runner.fakes.values():
        fake.close()

    bad = sum(totals[k] for k in totals if k != "runs")
    print("total: %d runs, %d lost takes, %d unparseable take.json, %d unsettled, %d partial files, "
          "%d duplicate submits, %d unexpected exits, %d hangs, %d unclear messages, %d wrong outputs, "
          "%d wrong edits, %d canary hits in %.0f s; load %s"
          % (totals["runs"], totals["lost"], totals["json"], totals["unsettled"], totals["partial"],
             totals["dupes"], totals["exit"], totals["hang"], totals["message"], totals["output"],
             totals["edit"], totals["canary"],
             time.monotonic() - start_all, open("/proc/loadavg").read().strip()))
    for f in failures:
        print("FAIL " + f)
    if args.keep:
        print("kept in", tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if bad or failures else 0)


if __name__ == "__main__":
    main()
