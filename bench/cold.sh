#!/bin/sh
# bench/cold.sh - cairn-snap when the page cache holds none of the tree:
# after an incident or on a nightly run the files come from the disk.
#
# The same node_modules-like tree as bench/snap.sh (tests/tools/gen-tree,
# 100,000 files, about 1.2 GB), the caches dropped (echo 3 >
# /proc/sys/vm/drop_caches) before every run, BENCH_RUNS (default 3) runs
# of each:
#   dd        one file holding the same bytes, read sequentially
#             (bs=1M): what the disk gives a single reader
#   cat -P8   every file of the tree read by 8 cats at once (find | xargs
#             -P8 cat): the same files, no hashing, many reads in flight;
#             on a virtual disk each small read is a request to the host
#             (a VM exit), which dd's few large ones do not pay
#   cairn-snap the default (no -j), -j1 (one read in flight), and
#             --reuse of a snapshot of the same tree (no file read again)
#   aide --init (sha256 only), when installed
# Targets (issue 18): cairn-snap default <= 1.3x dd, >= 2.5x faster than
# AIDE.  Needs root (drop_caches); otherwise it says so and skips.
# In a VM, drop_caches empties the guest's page cache only: the host may
# still hold the virtual disk's blocks, written ones too (a 1 GiB file just
# written read back at 3.4 GB/s after drop_caches; minutes later the same
# kind of file at 203-568 MB/s), so a command's time depends on what the
# host kept, which changes from one minute to the next.  The runs are
# therefore interleaved: each round runs every command once, in the same
# order, and cairn-snap is compared with dd of the same round (the
# median of those per-round ratios is the figure); each command's read
# requests to the block device (/sys/dev/block/M:m/stat, one round) show
# what the host cannot hide.
# The tree and dd's file are kept in $BENCH_DIR/cold-N between runs (make
# bench BENCH=cold again reuses them): data written just before a run may
# still be in the host's cache, which an incident's files, written days
# before, are not; the bench says how old its tree is.  Each run's CPU time
# (user + system, from the shell's times) is printed beside its wall time:
# on a 2-core VM a cold cairn-snap is bound by CPU, so the load the other
# processes put on the machine counts, and the warm run of the same
# command (no disk at all) is its floor.
# Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/lib.sh"

SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
snap="$BIN/cairn-snap"

if [ "$(id -u)" != 0 ] || [ ! -w /proc/sys/vm/drop_caches ]; then
	echo "bench/cold.sh: skipped: dropping the page cache needs root (/proc/sys/vm/drop_caches)"
	exit 0
fi
[ -x "$snap" ] || { echo "bench/cold.sh: $snap not built (make)"; exit 2; }
[ -x "$TOOLS/gen-tree" ] || { echo "bench/cold.sh: $TOOLS/gen-tree not built (make)"; exit 2; }
have_aide=1
command -v aide > /dev/null 2>&1 || have_aide=0

files=$(awk -v s="$SCALE" 'BEGIN { n = int(100000 * s); if (n < 100) n = 100; print n }')
keep=${BENCH_DIR:-$src/build/bench}/cold-$files
work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-cold.XXXXXX")
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

echo "== cairn-snap cold cache: $files files, $(nproc) cores, scale $SCALE, load $(cut -d ' ' -f 1-3 /proc/loadavg) =="
# gen.txt is written last: without it the folder is an interrupted run's
if [ ! -f "$keep/gen.txt" ]; then
	rm -rf "$keep"
	mkdir -p "$keep"
	"$TOOLS/gen-tree" "$keep/tree" "$files" > "$keep/gen.tmp"
	# one file of the same bytes, for dd
	find "$keep/tree" -type f -print0 | sort -z | xargs -0 cat > "$keep/all.bin"
	sync
	mv "$keep/gen.tmp" "$keep/gen.txt"
fi
ln -s "$keep/tree" "$work/tree"
ln -s "$keep/all.bin" "$work/all.bin"
bytes=$(stat -c %s "$keep/all.bin")
age=$(( ($(date +%s) - $(stat -c %Y "$keep/gen.txt")) / 60 ))
echo "tree: $(cat "$keep/gen.txt"), written $age min ago, kept in $keep"
if [ "$age" -lt 30 ]; then
	echo "note: a tree written minutes ago may still be in the host's cache (dd then reads it at several GB/s): run again later for the disk's figures"
fi
cat > "$work/aide.conf" <<CONF
database_out=file:$work/aide.db.new
gzip_dbout=no
report_url=stdout
Hash = sha256
$keep/tree Hash
CONF

cold() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
}
# the block device under the tree: read requests and merges so far
devstat=/sys/dev/block/$(stat -c '%Hd:%Ld' "$keep/tree" 2>/dev/null || echo none)/stat
reqs() { if [ -r "$devstat" ]; then awk '{ print $1 }' "$devstat"; else echo 0; fi; }
# cpu CMD...: runs CMD, prints its user + system seconds (the shell's
# times: its second line is the children's, as 0m1.090000s 0m3.210000s)
cpu() {
	( "$@" > /dev/null 2>&1 || true; times ) | awk 'NR == 2 {
		t = 0
		for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
		printf "%.2f", t }'
}
# one NAME CMD...: one cold run; appends "NAME secs requests cpu" to $work/runs
one() {
	name=$1
	shift
	cold
	r0=$(reqs)
	t0=$(date +%s.%N)
	c=$(cpu "$@")
	t1=$(date +%s.%N)
	r1=$(reqs)
	echo "$name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $((r1 - r0)) $c" >> "$work/runs"
}

: > "$work/runs"
"$snap" -q --no-packages "$work/tree" -o "$work/prev.cairn"
# warm: the same command with the tree in the page cache, its CPU floor
"$snap" -q --no-packages "$work/tree" -o "$work/w.cairn"
w0=$(date +%s.%N)
warm_cpu=$(cpu "$snap" -q --no-packages "$work/tree" -o "$work/w.cairn")
warm=$(awk -v a="$w0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
i=0
while [ $i -lt "$RUNS" ]; do
	one dd dd if="$work/all.bin" of=/dev/null bs=1M
	one cat-P8 sh -c "cd '$work/tree' && find . -type f -print0 | xargs -0 -P8 -n 256 cat > /dev/null"
	one snap "$snap" -q --no-packages "$work/tree" -o "$work/s.cairn"
	one snap-j1 "$snap" -q --no-packages -j1 "$work/tree" -o "$work/s1.cairn"
	one reuse "$snap" -q --no-packages --reuse "$work/prev.cairn" "$work/tree" -o "$work/r.cairn"
	if [ $have_aide = 1 ]; then
		one aide sh -c "rm -f $work/aide.db.new; aide --init --config $work/aide.conf"
	fi
	i=$((i + 1))
done
# runs_of NAME: the runs' seconds; median NAME; requests NAME (first round)
runs_of() { awk -v n="$1" '$1 == n { printf "%s%s", s, $2; s = " " }' "$work/runs"; }
median() { runs_of "$1" | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
requests() { awk -v n="$1" '$1 == n { print $3; exit }' "$work/runs"; }
cpus() { awk -v n="$1" '$1 == n { printf "%s%s", s, $4; s = " " }' "$work/runs"; }
# per-round ratios of cairn-snap to dd, and their median
awk '$1 == "snap" { s[++i] = $2 } $1 == "dd" { d[++j] = $2 } END { for (k = 1; k <= i; k++) printf "%.2f\n", (d[k] > 0 ? s[k] / d[k] : 0) }' "$work/runs" > "$work/ratios"
rounds=$(tr '\n' ' ' < "$work/ratios" | sed 's/ $//')
med_ratio=$(sort -n "$work/ratios" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
t_dd=$(median dd)
t_snap=$(median snap)

row() { printf '%-34s %22s %7s %8s %22s  %s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
echo
row "cold ($files files, $bytes bytes)" "runs (s)" "median" "requests" "CPU user+sys (s)" ""
row "dd bs=1M of one file (same bytes)" "$(runs_of dd)" "$t_dd" "$(requests dd)" "$(cpus dd)" \
	"$(awk -v b="$bytes" -v t="$t_dd" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }')"
row "find | xargs -P8 cat (same files)" "$(runs_of cat-P8)" "$(median cat-P8)" "$(requests cat-P8)" "$(cpus cat-P8)" \
	"$(ratio "$(median cat-P8)" "$t_dd")x dd"
row "cairn-snap (default)" "$(runs_of snap)" "$t_snap" "$(requests snap)" "$(cpus snap)" \
	"per round ${rounds}x dd, median ${med_ratio}x (target <= 1.3)"
row "cairn-snap -j1" "$(runs_of snap-j1)" "$(median snap-j1)" "$(requests snap-j1)" "$(cpus snap-j1)" \
	"$(ratio "$(median snap-j1)" "$t_dd")x dd"
row "cairn-snap --reuse (unchanged)" "$(runs_of reuse)" "$(median reuse)" "$(requests reuse)" "$(cpus reuse)" \
	"$(ratio "$t_snap" "$(median reuse)")x faster than the full snapshot"
if [ $have_aide = 1 ]; then
	row "aide --init (sha256)" "$(runs_of aide)" "$(median aide)" "$(requests aide)" "$(cpus aide)" \
		"cairn-snap $(ratio "$(median aide)" "$t_snap")x faster (target >= 2.5)"
else
	echo "aide: not installed (sh scripts/deps.sh --all)"
fi
row "cairn-snap warm (no drop_caches)" "$warm" "" "" "$warm_cpu" \
	"the CPU floor: $(awk -v c="$warm_cpu" -v n="$(nproc)" 'BEGIN { printf "%.2f", c / n }') s on $(nproc) cores"
# per round: how fast dd read (the disk, or the host's cache)
awk -v b="$bytes" '$1 == "dd" { printf "%s%.0f", s, b / $2 / 1e6; s = " " } END { print "" }' "$work/runs" |
	sed 's/^/dd per round (MB\/s): /'
echo "load at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
