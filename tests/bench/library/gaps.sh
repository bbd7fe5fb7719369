#!/usr/bin/env bash
# Main-loop gaps while the window lists 5,000 synthetic takes (issue 10:
# p99 ≤ 16 ms): builds the bench, writes the takes, opens the window on
# them RUNS times under Xvfb with a session bus, GSK_RENDERER=cairo, as
# build-aux/bench-responsiveness.sh measures the other gaps.
#
#   tests/bench/library/gaps.sh [BUILDDIR] [N] [RUNS]
#
# Measure on a quiet machine: the output says the load beside the figures.
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build}
n=${2:-5000}
runs=${3:-5}
ninja -C "$build" tests/bench/library/inb-bench-library-gaps data/gschemas.compiled >/dev/null
dir=$(mktemp -d /tmp/inb-bench-library-gaps-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 tests/bench/library/make-takes.py "$dir/takes" "$n" --seed 1
echo "command: tests/bench/library/gaps.sh $build $n $runs"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
env GDK_BACKEND=x11 GSK_RENDERER=cairo GSETTINGS_BACKEND=memory \
  GSETTINGS_SCHEMA_DIR="$build/data" GIO_USE_VFS=local GTK_A11Y=none NO_AT_BRIDGE=1 \
  XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" \
  XDG_STATE_HOME="$dir/state" \
  dbus-run-session -- xvfb-run -a -s "-screen 0 1400x900x24" \
  "$build/tests/bench/library/inb-bench-library-gaps" --runs "$runs" "$dir/takes"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
