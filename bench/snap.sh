#!/bin/sh
# bench/snap.sh - cairn-snap against the tools people use instead.
#
# A node_modules-like tree of 100,000 files (tests/tools/gen-tree.c: mostly
# 1-20 KB, about one in 500 of 1-4 MB), warm page cache, hyperfine:
#   cairn-snap (full), aide --init (sha256 only), find | xargs -P sha256sum,
#   cairn-snap --reuse on the unchanged tree, and walk-floor (getdents and
#   lstat of every entry on every core, nothing else: what any stat-based
#   incremental run, git status included, must at least do);
# bulk hashing of one 1 GiB file against `openssl speed -evp sha256` x cores;
# snapshot bytes per file, against the same records at zstd -19 and the
# 48 bytes of digests every file carries; peak memory (/usr/bin/time -v).
#
# Env: BENCH_SCALE (default 1) scales the file count and the bulk size,
#      BENCH_RUNS (default 3) hyperfine runs, BENCH_PAIRS (default 11)
#      alternated --reuse / walk-floor pairs, CAIRN_BIN, CAIRN_TOOLS,
#      BENCH_KEEP=1 keeps the scratch directory.
# Targets (issue 3): >=5x AIDE, >=2x xargs, --reuse >=10x full,
#      bulk >=80% of openssl x cores, <=60 bytes per file; (issue 18)
#      --reuse within 2x of walk-floor.  Cold cache: bench/cold.sh.
# Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/lib.sh"

SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
snap="$BIN/cairn-snap"

need() {
	command -v "$1" > /dev/null 2>&1 || {
		echo "bench/snap.sh: '$1' not found (sh scripts/deps.sh --all); skipped"
		exit 0
	}
}
need hyperfine
need jq
[ -x /usr/bin/time ] || { echo "bench/snap.sh: /usr/bin/time missing (package time); skipped"; exit 0; }
[ -x "$snap" ] || { echo "bench/snap.sh: $snap not built (make)"; exit 2; }
[ -x "$TOOLS/gen-tree" ] || { echo "bench/snap.sh: $TOOLS/gen-tree not built (make)"; exit 2; }
[ -x "$TOOLS/walk-floor" ] || { echo "bench/snap.sh: $TOOLS/walk-floor not built (make)"; exit 2; }
have_aide=1
command -v aide > /dev/null 2>&1 || have_aide=0

files=$(awk -v s="$SCALE" 'BEGIN { n = int(100000 * s); if (n < 100) n = 100; print n }')
bulk_mib=$(awk -v s="$SCALE" 'BEGIN { n = int(1024 * s); if (n < 16) n = 16; print n }')
cores=$(nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench.XXXXXX")
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT INT TERM

echo "== cairn-snap benchmark: $files files, $cores cores, scale $SCALE =="
"$TOOLS/gen-tree" "$work/tree" "$files" > "$work/gen.txt"
echo "tree: $(cat "$work/gen.txt")"
# warm cache
find "$work/tree" -type f -print0 | xargs -0 cat > /dev/null

cat > "$work/aide.conf" <<EOF
database_out=file:$work/aide.db.new
gzip_dbout=no
report_url=stdout
Hash = sha256
$work/tree Hash
EOF

# mean seconds of command NAME in a hyperfine export
mean() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .mean' "$1"; }
peak_kb() {
	/usr/bin/time -v "$@" 2> "$work/time.txt" > /dev/null || true
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt"
}

"$snap" -q --no-packages "$work/tree" -o "$work/prev.cairn"
set -- -n cairn-snap "$snap -q --no-packages $work/tree -o $work/full.cairn" \
	-n xargs "find $work/tree -type f -print0 | xargs -0 -P$cores sha256sum > /dev/null" \
	-n reuse "$snap -q --no-packages --reuse $work/prev.cairn $work/tree -o $work/inc.cairn" \
	-n walk-floor "$TOOLS/walk-floor $work/tree $cores" \
	-n cairn-snap-analysis "$snap -q --no-npm-cache $work/tree -o $work/full-analysis.cairn"
if [ $have_aide = 1 ]; then
	set -- "$@" -n aide "rm -f $work/aide.db.new; aide --init --config $work/aide.conf > /dev/null"
fi
hyperfine -N --style basic --warmup 1 --runs "$RUNS" --export-json "$work/tree.json" "$@" \
	> "$work/hyperfine.txt" 2>&1 || hyperfine --style basic --warmup 1 --runs "$RUNS" \
	--export-json "$work/tree.json" "$@" > "$work/hyperfine.txt" 2>&1
t_snap=$(mean "$work/tree.json" cairn-snap)
t_xargs=$(mean "$work/tree.json" xargs)
t_reuse=$(mean "$work/tree.json" reuse)
t_floor=$(mean "$work/tree.json" walk-floor)

# --reuse against the floor once more, alternated run by run: hyperfine
# runs one command's runs back to back, and on a shared machine (or one
# whose host reclaims cold page cache) the floor of one minute is not the
# floor of the next.  The median of the per-pair ratios.
PAIRS=${BENCH_PAIRS:-11}
now() { date +%s.%N; }
: > "$work/pairs.txt"
i=0
while [ $i -lt "$PAIRS" ]; do
	a=$(now)
	"$snap" -q --no-packages --reuse "$work/prev.cairn" "$work/tree" -o "$work/inc2.cairn"
	b=$(now)
	"$TOOLS/walk-floor" "$work/tree" "$cores" > /dev/null
	c=$(now)
	awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "%.4f %.4f %.4f\n", b - a, c - b, (b - a) / (c - b) }' >> "$work/pairs.txt"
	i=$((i + 1))
done
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
p_reuse=$(cut -d' ' -f1 "$work/pairs.txt" | median)
p_floor=$(cut -d' ' -f2 "$work/pairs.txt" | median)
p_ratio=$(cut -d' ' -f3 "$work/pairs.txt" | median)
p_ratios=$(cut -d' ' -f3 "$work/pairs.txt" | sort -n | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }')
t_ana=$(mean "$work/tree.json" cairn-snap-analysis)
t_aide=$([ $have_aide = 1 ] && mean "$work/tree.json" aide || echo 0)

# bulk: one file, and one file per core
mkdir "$work/bulk1" "$work/bulkn"
head -c "${bulk_mib}M" /dev/urandom > "$work/bulk1/one"
i=0
while [ $i -lt "$cores" ]; do
	head -c "$((bulk_mib / cores))M" /dev/urandom > "$work/bulkn/part$i"
	i=$((i + 1))
done
cat "$work/bulk1/one" "$work/bulkn"/* > /dev/null
hyperfine -N --style basic --warmup 1 --runs "$RUNS" --export-json "$work/bulk.json" \
	-n one "$snap -q --no-packages $work/bulk1 -o $work/bulk1.cairn" \
	-n percore "$snap -q --no-packages $work/bulkn -o $work/bulkn.cairn" \
	> /dev/null 2>&1
t_one=$(mean "$work/bulk.json" one)
t_percore=$(mean "$work/bulk.json" percore)
# CPU seconds (user + system) of the per-core run: wall time on a shared
# machine measures the other sessions too
cpu_percore=$(jq -r '.results[] | select(.command == "percore") | .user + .system' "$work/bulk.json")
# openssl speed: the 16384-byte column, in 1000s of bytes per second
ossl_k=$(openssl speed -seconds 2 -evp sha256 2> /dev/null | awk '/^sha256/ { v = $NF } END { sub(/k$/, "", v); print v }')
mbps() { awk -v m="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", m * 1048576 / t / 1e6; else print 0 }'; }
one_mbs=$(mbps "$bulk_mib" "$t_one")
percore_mbs=$(mbps "$((bulk_mib / cores * cores))" "$t_percore")
ossl_mbs=$(awk -v k="$ossl_k" 'BEGIN { printf "%.0f", k / 1000 }')
ossl_all=$((ossl_mbs * cores))

bytes=$(stat -c %s "$work/full.cairn")
# the same records with zstd's strongest standard level (slow: the figure
# shows what compression alone could still take off)
t19_start=$(date +%s.%N)
bytes19=$(zstdcat "$work/full.cairn" | zstd -q -19 -T0 | wc -c)
t19=$(awk -v a="$t19_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
entries=$(zstdcat "$work/full.cairn" | tail -n 1 | jq .entries)
m_snap=$(peak_kb "$snap" -q --no-packages "$work/tree" -o "$work/m.cairn")
m_reuse=$(peak_kb "$snap" -q --no-packages --reuse "$work/prev.cairn" "$work/tree" -o "$work/m2.cairn")
m_aide=$([ $have_aide = 1 ] && { rm -f "$work/aide.db.new"; peak_kb aide --init --config "$work/aide.conf"; } || echo n/a)

reused=$(zstdcat "$work/inc.cairn" | tail -n 1 | jq .reuse.reused)
if zstdcat "$work/inc.cairn" | sed '1d;$d' | cmp -s - "$(zstdcat "$work/full.cairn" | sed '1d;$d' > "$work/full.body"; echo "$work/full.body")"; then
	same="identical entries"
else
	same="ENTRIES DIFFER"
fi

printf '\n%-36s %10s %14s\n' "tree ($files files)" "seconds" "cairn-snap is"
printf '%-36s %10.3f %14s\n' "cairn-snap --no-packages" "$t_snap" "1.00x"
[ $have_aide = 1 ] && printf '%-36s %10.3f %13sx faster  (target >= 5)\n' "aide --init (sha256)" "$t_aide" "$(ratio "$t_aide" "$t_snap")"
printf '%-36s %10.3f %13sx faster  (target >= 2)\n' "find | xargs -P$cores sha256sum" "$t_xargs" "$(ratio "$t_xargs" "$t_snap")"
printf '%-36s %10.3f %13sx slower  (package analysis)\n' "cairn-snap (with analysis)" "$t_ana" "$(ratio "$t_ana" "$t_snap")"
printf '%-36s %10.3f %13sx faster than full (target >= 10, issue 3); %s reused, %s\n' \
	"cairn-snap --reuse (unchanged)" "$t_reuse" "$(ratio "$t_snap" "$t_reuse")" "$reused" "$same"
printf '%-36s %10.3f %13sx faster than full: the ceiling of any stat-based --reuse\n' \
	"walk-floor (getdents+lstat, -j$cores)" "$t_floor" "$(ratio "$t_snap" "$t_floor")"
printf '%-36s %10s %13sx the walk floor (means of the runs above)\n' "--reuse against walk-floor" "" \
	"$(ratio "$t_reuse" "$t_floor")"
printf '%-36s %10s %13sx the walk floor (target <= 2): median of %s alternated pairs; --reuse %.3f s, walk-floor %.3f s (medians); ratios %s\n' \
	"  alternated" "" "$(awk -v r="$p_ratio" 'BEGIN { printf "%.2f", r }')" "$PAIRS" "$p_reuse" "$p_floor" "$p_ratios"
printf '\n%-36s %10s\n' "bulk hashing (${bulk_mib} MiB)" "MB/s"
printf '%-36s %10s\n' "openssl speed -evp sha256, 1 core" "$ossl_mbs"
printf '%-36s %10s\n' "  x $cores cores" "$ossl_all"
printf '%-36s %10s  %s of openssl x cores, %s of 1 core (one SHA-256 stream: 1 core is its ceiling)\n' "cairn-snap, one file" "$one_mbs" \
	"$(awk -v a="$one_mbs" -v b="$ossl_all" 'BEGIN { printf "%.0f%%", 100 * a / b }')" \
	"$(awk -v a="$one_mbs" -v b="$ossl_mbs" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
printf '%-36s %10s  %s of openssl x cores (target >= 80%%)\n' "cairn-snap, $cores files" "$percore_mbs" \
	"$(awk -v a="$percore_mbs" -v b="$ossl_all" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
# openssl speed times user CPU: its CPU seconds per GiB against cairn-snap's
# user + system per GiB (the copy out of the page cache is system time)
printf '%-36s %10s  s/GiB: SHA-256 alone (openssl speed) %s = %s of cairn-snap'"'"'s CPU (target >= 80%%)\n' \
	"cairn-snap, $cores files, CPU" \
	"$(awk -v c="$cpu_percore" -v m="$((bulk_mib / cores * cores))" 'BEGIN { printf "%.3f", c / (m / 1024) }')" \
	"$(awk -v o="$ossl_mbs" 'BEGIN { printf "%.3f", 1073.741824 / o }')" \
	"$(awk -v c="$cpu_percore" -v m="$((bulk_mib / cores * cores))" -v o="$ossl_mbs" 'BEGIN { printf "%.0f%%", 100 * (1073.741824 / o) / (c / (m / 1024)) }')"
printf '\n%-36s %10s\n' "snapshot size" "bytes"
printf '%-36s %10s  %s bytes/file, %s bytes/entry (target <= 60/file, issue 3)\n' "full.cairn" "$bytes" \
	"$(awk -v b="$bytes" -v n="$files" 'BEGIN { printf "%.1f", b / n }')" \
	"$(awk -v b="$bytes" -v n="$entries" 'BEGIN { printf "%.1f", b / n }')"
printf '%-36s %10s  %s bytes/file, in %s s\n' "same records, zstd -19" "$bytes19" \
	"$(awk -v b="$bytes19" -v n="$files" 'BEGIN { printf "%.1f", b / n }')" "$t19"
printf '%-36s %10s  48 bytes/file: SHA-256 (32) + XXH3-128 (16), incompressible\n' "of which digests, at least" \
	"$((48 * files))"
printf '\n%-36s %10s\n' "peak memory" "KiB"
printf '%-36s %10s\n' "cairn-snap" "$m_snap" "cairn-snap --reuse" "$m_reuse" "aide --init" "$m_aide"
