#!/usr/bin/env bash
# The responsiveness figures of issue 4 in one command: builds the bench
# program, runs it under Xvfb with a D-Bus session bus (as a desktop has;
# without one GLib would autolaunch a bus inside every start-up),
# GSK_RENDERER=cairo, then gl, and rewrites docs/responsiveness.md.
#
#   build-aux/bench-responsiveness.sh                 full run (about 10 minutes)
#   BUILD=build-x build-aux/bench-responsiveness.sh   another build directory
#   build-aux/bench-responsiveness.sh --compare REV   A/B: REV (built in a git
#       worktree under $BUILD-compare) against this tree, measured interleaved
#       (A, B, A, B); prints a Markdown table, writes nothing
#
# Extra arguments go to tests/bench/responsiveness/run.py (or compare.py
# with --compare; see --help). Measure on a quiet machine: the figures move
# by 2x with the load, which the output records beside them.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

build() {
  if [[ ! -f "$1/build.ninja" ]]; then
    meson setup "$1" "$2" >/dev/null
  fi
  ninja -C "$1" tests/bench/responsiveness/inb-bench-responsiveness data/gschemas.compiled
}

if [[ "${1:-}" == "--compare" ]]; then
  rev=${2:?--compare needs a revision}
  shift 2
  src="$BUILD-compare/src"
  if [[ -d "$src" ]]; then
    git -C "$src" checkout -q --detach "$rev"
  else
    mkdir -p "$BUILD-compare"
    git worktree add -q --detach "$src" "$rev"
  fi
  build "$BUILD-compare/src/build" "$BUILD-compare/src"
  build "$BUILD" .
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
    /usr/bin/python3 tests/bench/responsiveness/compare.py \
    --a "$BUILD-compare/src/build" --label-a "$rev" --b "$BUILD" --label-b "$(git rev-parse --short HEAD)+tree" "$@"
fi

build "$BUILD" .

exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  /usr/bin/python3 tests/bench/responsiveness/run.py --build "$BUILD" \
  --command "BUILD=$BUILD build-aux/bench-responsiveness.sh $*" "$@"
