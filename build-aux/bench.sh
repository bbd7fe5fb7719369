#!/usr/bin/env bash
# The benchmarks in one command: installs the packages (via deps.sh),
# builds, runs tests/bench/run.py (issue 3: rewrites docs/benchmarks.md),
# then tests/bench/wide.py (issue 14: 64 generated cases, both halves;
# rewrites docs/benchmarks-wide.md and docs/bench-wide-worst.png; about
# 15 min on 2 cores; WIDE=0 skips it).
#
#   build-aux/bench.sh                 full run (about 10 min on 2 cores)
#   build-aux/bench.sh --quick         640x360, one clip timing (development)
#   BUILD=build-x build-aux/bench.sh   another build directory
#
# Extra arguments go to run.py (see run.py --help).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

build-aux/deps.sh
if [[ ! -f "$BUILD/build.ninja" ]]; then
  meson setup "$BUILD"
fi
ninja -C "$BUILD" tests/bench/inb-bench-engine
# The CLI is timed for whole clips; run.py falls back to the engine driver
# piped into ffmpeg (and says so in the report) if it does not build.
ninja -C "$BUILD" inbetween || echo "bench: the inbetween binary did not build" >&2

# Debian's interpreter: numpy and OpenCV come from python3-numpy and
# python3-opencv, whatever python3 is first on PATH.
/usr/bin/python3 tests/bench/run.py --build "$BUILD" "$@"
if [[ "${WIDE:-1}" != 0 ]]; then
  exec /usr/bin/python3 tests/bench/wide.py --build "$BUILD"
fi
