#!/usr/bin/env bash
# The responsiveness figures of issue 4 in one command: builds the bench
# program, runs it under Xvfb (GSK_RENDERER=cairo, then gl), rewrites
# docs/responsiveness.md.
#
#   build-aux/bench-responsiveness.sh                 full run (a few minutes)
#   BUILD=build-x build-aux/bench-responsiveness.sh   another build directory
#
# Extra arguments go to tests/bench/responsiveness/run.py (see --help).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

if [[ ! -f "$BUILD/build.ninja" ]]; then
  meson setup "$BUILD"
fi
ninja -C "$BUILD" tests/bench/responsiveness/inb-bench-responsiveness data/gschemas.compiled

exec xvfb-run -a -s "-screen 0 1280x800x24" \
  /usr/bin/python3 tests/bench/responsiveness/run.py --build "$BUILD" \
  --command "BUILD=$BUILD build-aux/bench-responsiveness.sh $*" "$@"
