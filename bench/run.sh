#!/bin/sh
# make bench: every bench/<name>.sh in turn.  Benchmarks print side-by-side
# figures and ratios; they never fail on a timing.  BENCH_SCALE (default 1)
# shrinks or grows the generated inputs; BENCH_DIR holds them (default
# build/bench).  Extra tools (hyperfine, aide, tshark, GNU time) come from
# scripts/deps.sh --all.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --all
export CAIRN_SRC="$PWD" CAIRN_BIN="$PWD/bin" CAIRN_TOOLS="$PWD/build/default/tests/tools"
export BENCH_SCALE="${BENCH_SCALE:-1}" BENCH_DIR="${BENCH_DIR:-$PWD/build/bench}"
mkdir -p "$BENCH_DIR"
only="${BENCH:-}"
for b in bench/*.sh; do
	name=$(basename "$b" .sh)
	case $name in run | lib) continue ;; esac
	[ -n "$only" ] && [ "$name" != "$only" ] && continue
	echo "=== bench: $name"
	sh "$b" || echo "bench $name: failed (exit $?)"
done
