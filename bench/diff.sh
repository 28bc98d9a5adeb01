#!/bin/sh
# bench/diff.sh - cairn-diff against the tools people would use instead.
#
# 1. Two snapshots of 1,000,000 entries (x BENCH_SCALE) that differ in 1%
#    of the entries, written by tests/tools/gen-snapshot through the
#    library's writer: `cairn-diff -q A B` against `zstdcat A B >/dev/null`
#    (target: at most 2x), and cairn-diff's peak memory (target: flat, under
#    64 MB) at two sizes to show it does not grow with the entry count.
# 2. `cairn-diff --git REPO REPO` on a 100,000-file (x BENCH_SCALE)
#    repository against `git status --porcelain` on the same tree.  git
#    status trusts its index's stat cache; cairn-diff hashes every file.
#
# Prints figures and ratios; never fails on a timing.
set -eu
: "${CAIRN_BIN:?}" "${CAIRN_TOOLS:?}"
BENCH_DIR="${BENCH_DIR:-build/bench}"
BENCH_SCALE="${BENCH_SCALE:-1}"
D="$BENCH_DIR/diff"
mkdir -p "$D"
gen="$CAIRN_TOOLS/gen-snapshot"
diff="$CAIRN_BIN/cairn-diff"

n=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(1000000 * s); if (n < 1000) n = 1000; print n }')
small=$((n / 10))
[ "$small" -ge 1000 ] || small=1000
files=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(100000 * s); if (n < 1000) n = 1000; print n }')

# best of 3 wall-clock seconds, and peak RSS (KiB) of the command (python3:
# resource.getrusage of the child, no GNU time needed)
# best of 3: wall-clock seconds, peak RSS (KiB), CPU seconds (user+sys) of
# the command (python3 resource.getrusage of the child: no GNU time needed)
measure() {
	python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
# best and median of BENCH_RUNS (default 7) runs: this VM's timings swing
# by 20% between runs, the best is the least disturbed one.
runs = int(os.environ.get("BENCH_RUNS", "7"))
walls, cpus = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
    walls.append(time.perf_counter() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):
        sys.exit("command failed: %s (exit %d)" % (" ".join(sys.argv[1:]), r.returncode))
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
walls.sort()
print("%.3f %d %.3f %.3f" % (walls[0], rss, min(cpus), walls[len(walls) // 2]))
PY
}

for size in "$small" "$n"; do
	if [ ! -f "$D/a-$size.cairn" ] || [ ! -f "$D/b-$size.cairn" ]; then
		echo "generating two snapshots of $size entries (1% differ)..."
		"$gen" --entries "$size" "$D/a-$size.cairn"
		"$gen" --entries "$size" --variant 1 --every 100 "$D/b-$size.cairn"
	fi
done

echo "--- snapshot diff, $n entries, 1% changed (load: $(cut -d' ' -f1-3 /proc/loadavg))"
set -- $(measure sh -c "zstdcat '$D/a-$n.cairn' '$D/b-$n.cairn' > /dev/null")
z_time=$1 z_cpu=$3 z_med=$4
set -- $(measure "$diff" -q "$D/a-$n.cairn" "$D/b-$n.cairn")
d_time=$1 d_rss=$2 d_cpu=$3 d_med=$4
set -- $(measure "$diff" "$D/a-$n.cairn" "$D/b-$n.cairn")
t_time=$1
set -- $(measure "$diff" -q "$D/a-$small.cairn" "$D/b-$small.cairn")
s_rss=$2
changes=$("$diff" --json "$D/a-$n.cairn" "$D/b-$n.cairn" | jq '[.summary.added,.summary.removed,.summary.modified,.summary.metadata] | add') || true
awk -v z="$z_time" -v d="$d_time" -v t="$t_time" -v r="$d_rss" -v s="$s_rss" \
    -v n="$n" -v sm="$small" -v c="$changes" -v zc="$z_cpu" -v dc="$d_cpu" \
    -v zm="$z_med" -v dm="$d_med" 'BEGIN {
	printf "zstdcat A B:              %7.3f s   (median %.3f s; cpu %.3f s)\n", z, zm, zc
	printf "cairn-diff -q A B:        %7.3f s   ratio %.2fx zstdcat (target <= 2x); median %.3f s, ratio %.2fx; cpu %.3f s, ratio %.2fx\n", d, d / z, dm, dm / zm, dc, dc / zc
	printf "cairn-diff A B (text):    %7.3f s   ratio %.2fx zstdcat, %s changes listed\n", t, t / z, c
	printf "peak memory:              %7.1f MB at %d entries, %.1f MB at %d entries (target flat, < 64 MB)\n", r / 1024, n, s / 1024, sm
}'

echo "--- --git against a $files-file repository"
R="$D/repo-$files"
if [ ! -d "$R/.git" ]; then
	echo "generating a repository of $files files..."
	rm -rf "$R"
	mkdir -p "$R"
	python3 - "$R" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "pkg%03d" % (i // 1000), "lib")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d.js" % i), "w") as f:
        f.write("module.exports = %d;\n" % i)
PY
	(cd "$R" && git init -q && git add -A &&
	 GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b \
	 git commit -qm bench)
fi
# 0.1% of the files changed on disk
python3 - "$R" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(0, n, 1000):
    p = os.path.join(root, "pkg%03d" % (i // 1000), "lib", "f%06d.js" % i)
    with open(p, "w") as f:
        f.write("module.exports = require('child_process');\n")
PY
git -C "$R" status --porcelain > /dev/null   # refresh the index, as a user would
set -- $(measure git -C "$R" status --porcelain)
g_time=$1
set -- $(measure "$diff" -q --git "$R" "$R")
c_time=$1 c_rss=$2
awk -v g="$g_time" -v c="$c_time" -v r="$c_rss" -v f="$files" 'BEGIN {
	printf "git status --porcelain:   %7.3f s  (index stat cache: reads no unchanged file)\n", g
	printf "cairn-diff --git:         %7.3f s   ratio %.2fx git status (hashes all %d files), peak %.1f MB\n", c, c / g, f, r / 1024
}'
