#!/usr/bin/env bash
# Lists 5,000 synthetic takes the way the window loads them, 7 times, and
# prints the timings and the memory the list keeps.
#
#   tests/bench/library/run.sh [BUILDDIR] [N]
set -euo pipefail
cd "$(dirname "$0")/../../.."
build=${1:-build}
n=${2:-5000}
dir=$(mktemp -d /tmp/inb-bench-library-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 tests/bench/library/make-takes.py "$dir/takes" "$n" --seed 1
du -sh "$dir/takes" | sed 's/^/on disk: /'
# Cold-ish and warm: drop nothing (no root needed); the first run reads
# files the generator just wrote, as after a take session.
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/tests/bench/library/inb-bench-library" "$dir/takes" 7
