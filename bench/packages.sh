#!/bin/sh
# bench/packages.sh - cost of the package analysis (issue 4).
#
# 1. cairn-snap of the real npm install in ../shared/data/npm
#    (server-filesystem 2025.8.21: 138 packages, 4,220 files), warm cache:
#    --no-packages vs --no-npm-cache (package records) vs --npm-cache (every
#    installed file checked against its tarball).  Target: the analysis
#    adds under 25% (ratio default / --no-packages < 1.25), in wall time
#    and in CPU time (user + system; steadier on a loaded machine).
# 2. Parse time of a generated 20 MB package-lock.json (v3, real field
#    shapes) with the cairn parser (tests/tools/npm-lock-parse), against
#    node's JSON.parse and jq as references.
#
# Env: BENCH_RUNS (default 5): rounds of 3 runs per command for the
#      snapshot, runs for the parse; CAIRN_BIN, CAIRN_TOOLS,
#      BENCH_KEEP=1 keeps the scratch directory.
# Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/lib.sh"

RUNS=${BENCH_RUNS:-5}
snap="$BIN/cairn-snap"
data="$src/../shared/data/npm"

command -v hyperfine > /dev/null 2>&1 || {
	echo "bench/packages.sh: hyperfine not found (sh scripts/deps.sh --all); skipped"
	exit 0
}
command -v jq > /dev/null 2>&1 || { echo "bench/packages.sh: jq not found; skipped"; exit 0; }
[ -x "$snap" ] || { echo "bench/packages.sh: $snap not built (make)"; exit 2; }
[ -x "$TOOLS/npm-lock-parse" ] || { echo "bench/packages.sh: $TOOLS/npm-lock-parse not built (make)"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench-pkg.XXXXXX")
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# mean seconds of a hyperfine JSON result, by command index
mean() { jq -r ".results[$2].mean" "$1"; }

if [ -f "$data/server-filesystem-2025.8.21.tar.zst" ]; then
	mkdir -p "$work/app"
	tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C "$work/app"
	tar --zstd -xf "$data/npm-cache.tar.zst" -C "$work"
	find "$work" -type f -print0 | xargs -0 cat > /dev/null
	echo "== snapshot of the real npm install ($(find "$work/app" -type f | wc -l) files), $RUNS rounds"
	# The three commands are measured in alternating rounds (hyperfine, 3
	# runs each per round) so that load drifting on a shared machine hits
	# them alike; figures are the means over all rounds.
	r=1
	while [ "$r" -le "$RUNS" ]; do
		hyperfine -N -w 1 -r 3 --export-json "$work/snap-$r.json" \
			-n no-packages "$snap -q --no-packages -o $work/a.cairn $work/app" \
			-n packages "$snap -q --no-npm-cache -o $work/b.cairn $work/app" \
			-n npm-cache "$snap -q --npm-cache $work/cache/_cacache -o $work/c.cairn $work/app" \
			> "$work/snap.txt" 2>&1 || { cat "$work/snap.txt"; exit 1; }
		r=$((r + 1))
	done
	jq -s '{results: [range(0; 3) as $i | {mean: ([.[].results[$i].mean] | add / length),
		cpu: ([.[].results[$i] | .user + .system] | add / length)}]}' "$work"/snap-*.json > "$work/snap.json"
	off=$(mean "$work/snap.json" 0)
	on=$(mean "$work/snap.json" 1)
	cache=$(mean "$work/snap.json" 2)
	# CPU time (user + system) is steadier than wall time on a shared machine
	cpu() { jq -r ".results[$2].cpu" "$1"; }
	coff=$(cpu "$work/snap.json" 0)
	con=$(cpu "$work/snap.json" 1)
	ccache=$(cpu "$work/snap.json" 2)
	printf '%-34s %8.3f s wall %8.3f s cpu\n' "cairn-snap --no-packages" "$off" "$coff"
	printf '%-34s %8.3f s wall %8.3f s cpu   ratio wall %s cpu %s (target < 1.25)\n' \
		"cairn-snap (package records)" "$on" "$con" "$(ratio "$on" "$off")" "$(ratio "$con" "$coff")"
	printf '%-34s %8.3f s wall %8.3f s cpu   ratio wall %s cpu %s\n' \
		"cairn-snap --npm-cache (verify)" "$cache" "$ccache" "$(ratio "$cache" "$off")" "$(ratio "$ccache" "$coff")"
	for f in a b c; do
		printf '  snapshot %s: %s bytes, %s package records\n' "$f" "$(wc -c < "$work/$f.cairn")" \
			"$("$snap" show --json "$work/$f.cairn" 2>/dev/null | grep -c '"type":"package"' || true)"
	done
else
	echo "bench/packages.sh: $data absent, snapshot benchmark skipped"
fi

echo "== 20 MB package-lock.json parse, $RUNS runs"
python3 - "$work/lock.json" <<'EOF'
import json, sys
pk = {"": {"name": "big", "version": "1.0.0", "dependencies": {}}}
i = 0
size = 0
while size < 16_000_000:   # about 20 MB once indented
    name = f"pkg-{i}"
    e = {"version": f"1.{i % 50}.{i % 7}",
         "resolved": f"https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",
         "integrity": "sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==",
         "license": "MIT", "dependencies": {f"pkg-{i+1}": "^1.0.0", "ms": "^2.1.3"},
         "engines": {"node": ">=18"}}
    key = f"node_modules/{name}" if i % 3 else f"node_modules/a/node_modules/{name}"
    pk[key] = e
    size += len(key) + len(json.dumps(e)) + 8
    i += 1
json.dump({"name": "big", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
           "packages": pk}, open(sys.argv[1], "w"), indent=2)
EOF
echo "lockfile: $(wc -c < "$work/lock.json") bytes, $("$TOOLS/npm-lock-parse" "$work/lock.json")"
set -- -n cairn "$TOOLS/npm-lock-parse $work/lock.json"
echo 'JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"))' > "$work/parse.js"
command -v node > /dev/null 2>&1 && set -- "$@" -n node-JSON.parse "node $work/parse.js $work/lock.json"
set -- "$@" -n jq "jq -e .lockfileVersion $work/lock.json"
hyperfine -N -w 1 -r "$RUNS" --export-json "$work/lock.json.bench" "$@" > "$work/lock.txt" 2>&1 ||
	{ cat "$work/lock.txt"; exit 1; }
c=$(mean "$work/lock.json.bench" 0)
printf '%-34s %8.3f s\n' "cairn_npm_lock_parse" "$c"
n=$(jq '.results | length' "$work/lock.json.bench")
i=1
while [ "$i" -lt "$n" ]; do
	name=$(jq -r ".results[$i].command" "$work/lock.json.bench")
	t=$(mean "$work/lock.json.bench" "$i")
	printf '%-34s %8.3f s   cairn is %sx its time\n' "$name" "$t" "$(ratio "$c" "$t")"
	i=$((i + 1))
done
