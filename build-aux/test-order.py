#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shows that a GTest program's cases do not depend on each other's order.

Runs every case of one test of the build alone (-p), then all of them in
reverse order, then in N shuffled orders (GLib 2.74 cannot shuffle; -p
lists run in the order given), then each case twice in a row (what a case
leaves behind meets itself), with the environment tests/meson.build gives
that test. Display tests need a display:

    GDK_BACKEND=x11 GSK_RENDERER=cairo dbus-run-session -- \\
      xvfb-run -a -s "-screen 0 1280x800x24" \\
      build-aux/test-order.py build test-authoring [--shuffles 3] [--seed 1]

Prints one line per run and exits 1 when any run fails.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time


def load_test(builddir, name):
    out = subprocess.run(['meson', 'introspect', builddir, '--tests'],
                         check=True, capture_output=True, text=True).stdout
    for test in json.loads(out):
        if test['name'] == name:
            return test
    sys.exit(f'no test {name} in {builddir}')


def run(test, args, timeout):
    env = dict(os.environ)
    env.update(test.get('env') or {})
    started = time.monotonic()
    try:
        proc = subprocess.run(test['cmd'] + args, env=env, cwd=test.get('workdir') or None,
                              capture_output=True, text=True, timeout=timeout)
        output, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        output, code = (e.stdout or b'').decode(errors='replace'), 'timeout'
    lines = output.splitlines()
    ok = sum(1 for l in lines if l.startswith('ok ') and '# SKIP' not in l)
    skipped = sum(1 for l in lines if l.startswith('ok ') and '# SKIP' in l)
    failed = [l for l in lines if l.startswith('not ok') or l.startswith('Bail out!')]
    return {
        'passed': code == 0 and not failed,
        'ok': ok, 'skipped': skipped, 'failed': failed, 'code': code,
        'seconds': time.monotonic() - started, 'output': output,
    }


def plan(cases, opts):
    runs = [(f'alone {c}', [c]) for c in cases]
    runs.append(('reversed', list(reversed(cases))))
    rng = random.Random(opts.seed)
    for i in range(opts.shuffles):
        order = cases[:]
        rng.shuffle(order)
        runs.append((f'shuffle {i + 1} (seed {opts.seed})', order))
    runs.append(('each twice in a row', [c for c in cases for _ in range(2)]))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('builddir')
    parser.add_argument('test')
    parser.add_argument('--shuffles', type=int, default=2)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--timeout', type=int, default=900)
    parser.add_argument('--order', help='run only this order (cases separated by spaces), '
                        'e.g. one that failed')
    opts = parser.parse_args()

    test = load_test(opts.builddir, opts.test)
    listed = subprocess.run(test['cmd'] + ['-l'], env={**os.environ, **(test.get('env') or {})},
                            capture_output=True, text=True, timeout=120).stdout
    cases = [l.strip() for l in listed.splitlines() if l.startswith('/')]
    if not cases:
        sys.exit(f'{opts.test} -l listed no cases')

    if opts.order:
        runs = [('given order', opts.order.split())]
    else:
        runs = plan(cases, opts)
    failures = 0
    for label, order in runs:
        args = [a for c in order for a in ('-p', c)]
        result = run(test, args, opts.timeout)
        verdict = 'PASS' if result['passed'] else 'FAIL'
        print(f'{verdict} {opts.test} {label}: {result["ok"]} ok, {result["skipped"]} skipped, '
              f'{len(result["failed"])} failed, exit {result["code"]}, {result["seconds"]:.1f} s', flush=True)
        if len(order) > 1:
            print('     order: ' + ' '.join(order), flush=True)
        if not result['passed']:
            failures += 1
            for line in result['failed'][:5]:
                print(f'     {line}')
            tail = result['output'].splitlines()[-15:]
            print('     ' + '\n     '.join(tail))
    print(f'{opts.test}: {len(runs) - failures} of {len(runs)} runs passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
