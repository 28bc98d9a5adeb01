#!/bin/sh
# bench/advisories.sh - loading a large OSV advisory set, as --advisories
# does, against what a user would otherwise run.
#
# The set: 200,000 OSV files (x BENCH_SCALE) in the layout of
# github.com/ossf/malicious-packages (osv/malicious/npm/<name>/MAL-*.json),
# each the real MAL-2025-47604 (tests/fixtures/osv) with its package name
# changed, plus the same files as one zip (osv.dev's npm/all.zip layout).
# cairn-report reads it for a snapshot of a real npm install
# (tests/fixtures/known): the name filter skips every file that names none
# of the snapshot's packages without parsing it.  The floor is `grep -rlF`
# of one package name over the same folder (reads every byte, parses
# nothing).  OSV-Scanner (--offline) is the tool people would use; it is
# timed when osv-scanner is on PATH, else the bench says so.
# Prints wall-clock times (best of 3) and peak RSS; never fails on a timing.
set -eu
. "$(dirname "$0")/lib.sh"
: "${CAIRN_BIN:?}" "${CAIRN_SRC:?}"
BENCH_DIR="${BENCH_DIR:-build/bench}"
BENCH_SCALE="${BENCH_SCALE:-1}"
D="$BENCH_DIR/advisories"
mkdir -p "$D"
n=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(200000 * s); if (n < 1000) n = 1000; print n }')
if [ ! -f "$D/done-$n" ]; then
	echo "generating $n OSV files and their zip..."
	rm -rf "$D/set" "$D/all.zip"
	python3 - "$CAIRN_SRC/tests/fixtures/osv/malicious/npm/postmark-mcp/MAL-2025-47604.json" \
		"$D/set" "$D/all.zip" "$n" <<'PY'
import json, os, sys, zipfile
tmpl = json.load(open(sys.argv[1]))
root, zpath, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(n):
        name = "bench-pkg-%06d" % i
        d = dict(tmpl, id="MAL-2099-%d" % i, summary="Malicious code in %s (npm)" % name)
        d["affected"] = [dict(tmpl["affected"][0], package={"ecosystem": "npm", "name": name})]
        text = json.dumps(d, indent=2)
        p = os.path.join(root, "osv", "malicious", "npm", name)
        os.makedirs(p, exist_ok=True)
        with open(os.path.join(p, d["id"] + ".json"), "w") as f:
            f.write(text)
        z.writestr(d["id"] + ".json", text)
PY
	touch "$D/done-$n"
fi
[ -f "$D/s.cairn" ] || {
	rm -rf "$D/host"
	cp -R "$CAIRN_SRC/tests/fixtures/known/host" "$D/host"
	"$CAIRN_BIN/cairn-snap" -q --env-key "$D/env.key" "$D/host" -o "$D/s.cairn"
}

set -- $(measure grep -rlF '"name": "bench-pkg-199999"' "$D/set")
printf '%-52s %8ss %6s MiB\n' "grep -rlF one name (floor: reads every file)" "$1" "$2"
floor=$1
set -- $(measure "$CAIRN_BIN/cairn-report" --no-timestamp -s "$D/s.cairn" --advisories "$D/set" -f json -o /dev/null -q)
printf '%-52s %8ss %6s MiB  (%s x grep)\n' "cairn-report --advisories FOLDER ($n files)" "$1" "$2" \
	"$(ratio "$1" "$floor")"
set -- $(measure "$CAIRN_BIN/cairn-report" --no-timestamp -s "$D/s.cairn" --advisories "$D/all.zip" -f json -o /dev/null -q)
printf '%-52s %8ss %6s MiB  (%s x grep)\n' "cairn-report --advisories all.zip ($n members)" "$1" "$2" \
	"$(ratio "$1" "$floor")"
if command -v osv-scanner >/dev/null 2>&1; then
	echo "osv-scanner found: compare by hand with osv-scanner --offline-vulnerabilities (not scripted yet)"
else
	echo "osv-scanner: not installed (no Debian package); no comparison"
fi
