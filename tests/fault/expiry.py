#!/usr/bin/env python3
"""Hosted results past their lifetime, with the clock moved by faketime
(issue 13; libfaketime from Debian's `faketime` package).

    python3 tests/fault/expiry.py [--build DIR]

For each hosted provider, against its loopback fake: `inbetween generate`
is killed (SIGKILL) once the task id is on disk, while the service still
has the task queued. Then `inbetween resume` runs under faketime:

  +23 h   within the 24 h the provider keeps a result
          (research/cloud-apis.md: DashScope's task and video_url live 24 h;
          WaveSpeed's and RunComfy's lifetime is undocumented, so Inbetween
          assumes the same 24 h): the task is polled and its clip fetched,
          the take is "done", nothing is submitted again.
  +25 h   past it: the take is "expired" with a message saying so, and
          resume sends nothing at all (no poll, no submit).

Also, with no clock change: DashScope's signed result URL answering 403
"Request has expired" (the fake's "video": "expired") leaves the take
failed with the task kept, never submitted again, and says the result
expired.

Exit status 1 if any check fails. Needs the normal build and faketime.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from run import PROVIDERS, Fake, make_inputs  # noqa: E402

KEY = "sk-expiry"
# The scenario key that keeps a task queued for N polls, per fake
QUEUED = {"dashscope": "pending_polls", "wavespeed": "created_polls", "runcomfy": "queue_polls"}
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


class Case:
    def __init__(self, tmp, build, provider, scenario, name):
        self.provider = provider
        self.home = os.path.join(tmp, name)
        os.makedirs(self.home)
        self.fake = Fake(PROVIDERS[provider][1], dict(scenario, key=KEY))
        model, script, key_var, url_var, url_path, poll_var, submit = PROVIDERS[provider]
        self.submit_path = submit
        self.binary = os.path.join(build, "inbetween")
        self.env = dict(os.environ, XDG_DATA_HOME=self.home, XDG_CONFIG_HOME=self.home,
                        XDG_CACHE_HOME=os.path.join(tmp, "cache"), XDG_STATE_HOME=self.home,
                        LC_ALL="C.UTF-8", LANGUAGE="", GSETTINGS_BACKEND="memory", G_DEBUG="",
                        INBETWEEN_PROBE_HELPER=os.path.join(build, "backends", "video", "inbetween-probe"),
                        SECRET_BACKEND="file", SECRET_FILE_TEST_PATH="/dev/null/no-keyring",
                        SECRET_FILE_TEST_PASSWORD="x")
        for var in ("DISPLAY", "WAYLAND_DISPLAY", "LD_PRELOAD", "FAKETIME"):
            self.env.pop(var, None)
        self.env[key_var] = KEY
        self.env[url_var] = "http://127.0.0.1:%d%s" % (self.fake.port, url_path)
        self.env[poll_var] = "50"
        self.model = model

    def requests(self):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/_control/requests" % self.fake.port) as r:
            return [q for q in json.load(r) if not q.get("path", "").startswith("/_control")]

    def submits(self):
        return len([q for q in self.requests()
                    if q.get("method") == "POST" and self.submit_path in q.get("path", "")])

    def generate(self, first, last, kill_at_task=True):
        argv = [self.binary, "generate", first, last, "-q", "-b", self.provider, "-m", self.model,
                "-p", "a quiet harbour at dawn"]
        if not kill_at_task:
            return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)
        proc = subprocess.Popen(argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            for remote in glob.glob(os.path.join(self.home, "inbetween", "takes", "*", "remote.json")):
                try:
                    with open(remote) as fh:
                        if json.load(fh).get("task_id"):
                            proc.send_signal(signal.SIGKILL)
                except ValueError:
                    pass
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        return proc.returncode

    def take(self):
        takes = glob.glob(os.path.join(self.home, "inbetween", "takes", "*", "take.json"))
        assert len(takes) == 1, takes
        with open(takes[0]) as fh:
            return json.load(fh)

    def resume(self, offset):
        argv = [self.binary, "resume", "--json"]
        if offset:
            argv = ["faketime", "-f", offset] + argv
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)

    def close(self):
        self.fake.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    if shutil.which("faketime") is None:
        print("Bail out! faketime is not installed (build-aux/deps.sh installs it)")
        sys.exit(1)

    tmp = tempfile.mkdtemp(prefix="inb-expiry-")
    first, last, clip = make_inputs(tmp)
    start = time.monotonic()
    for provider in ("dashscope", "wavespeed", "runcomfy"):
        for offset, expect in (("+23h", "done"), ("+25h", "expired")):
            # Queued for 60 polls (3 s at 50 ms): killed in that time
            case = Case(tmp, args.build, provider,
                        {QUEUED[provider]: 60, "video_path": clip}, "%s%s" % (provider, offset))
            try:
                case.generate(first, last)
                took = case.take()
                check(took.get("state") not in ("done",),
                      "%s: generate killed with its task queued (state %s)" % (provider, took.get("state")))
                before = len(case.requests())
                r = case.resume(offset)
                after = case.requests()
                took = case.take()
                check(took.get("state") == expect,
                      "%s: resume at %s leaves the take %s (it is %s; %s)"
                      % (provider, offset, expect, took.get("state"), r.stderr.strip()[-200:]))
                check(case.submits() == 1, "%s %s: one submit in all (%d)" % (provider, offset, case.submits()))
                if expect == "expired":
                    check(len(after) == before,
                          "%s +25h: resume sent nothing (%d requests)" % (provider, len(after) - before))
                    error = json.dumps(took.get("error"))
                    check("Expired" in error and "24 hours" in error and "not sent again" in error,
                          "%s +25h: the take says it expired after 24 hours and was not sent again: %s"
                          % (provider, error[:200]))
                    clip_path = os.path.join(os.path.dirname(glob.glob(os.path.join(
                        case.home, "inbetween", "takes", "*", "take.json"))[0]), "clip.mp4")
                    check(not os.path.exists(clip_path), "%s +25h: no clip" % provider)
                else:
                    polled = [q for q in after[before:] if q.get("method") == "GET"]
                    check(len(polled) > 0, "%s +23h: resume polled the task (%d GETs)" % (provider, len(polled)))
            finally:
                case.close()

    # The signed URL refused as expired by the storage (DashScope)
    case = Case(tmp, args.build, "dashscope", {"video": "expired", "video_path": clip}, "dashscope-url")
    try:
        r = case.generate(first, last, kill_at_task=False)
        took = case.take()
        check(r.returncode == 3, "dashscope expired URL: generate exits 3 (%d)" % r.returncode)
        check("expired" in r.stderr, "dashscope expired URL: says the result expired: %s" % r.stderr.strip()[-200:])
        check(took.get("state") in ("failed", "expired"),
              "dashscope expired URL: the take is failed or expired (%s)" % took.get("state"))
        r2 = case.resume(None)
        check(case.submits() == 1, "dashscope expired URL: never submitted again (%d submits)" % case.submits())
    finally:
        case.close()

    print("expiry: %d failures in %.0f s; load %s" % (len(failures), time.monotonic() - start,
                                                      open("/proc/loadavg").read().strip()))
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
