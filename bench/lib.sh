# bench/lib.sh: what the benchmarks share, sourced as
#   . "$(dirname "$0")/lib.sh"
# (POSIX sh; bench/run.sh runs every other bench/*.sh).  Benchmarks print
# figures and ratios and never fail on a timing.

# src, the source tree; BIN and TOOLS, the cairn binaries and the test
# tools a bench runs: $CAIRN_BIN and $CAIRN_TOOLS as bench/run.sh sets
# them, else the tree's own build
src=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CAIRN_BIN:-$src/bin}
TOOLS=${CAIRN_TOOLS:-$src/build/default/tests/tools}

# measure CMD ARGS...: prints "SECONDS PEAK-MIB": the best wall-clock time
# of 3 runs of CMD (stdout discarded) and the peak RSS of those runs
# (python3's resource.getrusage of the children: no GNU time needed).
# Exit 0 and 1 (findings) are runs; any other status ends the bench.
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
    el = time.perf_counter() - t
    if r.returncode not in (0, 1):
        sys.exit("command failed: %s (exit %d)" % (" ".join(sys.argv[1:]), r.returncode))
    best = el if best is None or el < best else best
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("%.3f %.0f" % (best, rss))
PY
}

# ratio A B: A / B with two decimals; "n/a" when B is not positive (a
# floor too fast to time)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
