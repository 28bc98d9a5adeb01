#!/bin/sh
# bench/sweep.sh - cairn-report --store --sweep over a store of 1,000
# snapshots (x BENCH_SCALE): 10 roots, 100 nights each (times given with
# --created), each root a real npm install (tests/fixtures/known) plus a
# generated node_modules tree of 1,000 files (tests/tools/gen-tree); one
# root has postmark-mcp 1.0.16 (MAL-2025-47604) from night 40 to night 59.
# Against what a user would otherwise run: a shell loop over every commit
# of every branch, git cat-file | zstdcat | grep -c for the package (the
# floor: it finds the lines, tells nothing of intervals or signatures).
# Prints wall-clock times (best of 3) and peak RSS; never fails on a timing.
set -eu
. "$(dirname "$0")/lib.sh"
: "${CAIRN_BIN:?}" "${CAIRN_SRC:?}" "${CAIRN_TOOLS:?}"
BENCH_DIR="${BENCH_DIR:-build/bench}"
BENCH_SCALE="${BENCH_SCALE:-1}"
D="$BENCH_DIR/sweep"
K=$CAIRN_SRC/tests/fixtures/known
nights=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(100 * s); if (n < 10) n = 10; print n }')
roots=10
mkdir -p "$D"
if [ ! -f "$D/done-$nights" ]; then
	echo "building a store of $((roots * nights)) snapshots ($roots roots, $nights nights)..."
	rm -rf "$D/store" "$D/roots" "$D/clean" "$D/done-"*
	mkdir -p "$D/roots"
	cp -R "$K/host/app" "$D/clean"
	rm -rf "$D/clean/node_modules/postmark-mcp" "$D/clean/.mcp.json" "$D/clean/"*.tgz \
		"$D/clean/requirements.txt"
	# nor does its lockfile name it: only root-03's install does, for 20 nights
	jq 'del(.dependencies["postmark-mcp"])' "$D/clean/package.json" > "$D/p.json"
	mv "$D/p.json" "$D/clean/package.json"
	jq 'del(.packages[""].dependencies["postmark-mcp"]) | del(.packages["node_modules/postmark-mcp"])' \
		"$D/clean/package-lock.json" > "$D/p.json"
	mv "$D/p.json" "$D/clean/package-lock.json"
	jq 'del(.packages["node_modules/postmark-mcp"])' "$D/clean/node_modules/.package-lock.json" \
		> "$D/p.json"
	mv "$D/p.json" "$D/clean/node_modules/.package-lock.json"
	r=0
	while [ $r -lt $roots ]; do
		name=$(printf 'root-%02d' $r)
		cp -R "$D/clean" "$D/roots/$name"
		"$CAIRN_TOOLS/gen-tree" "$D/roots/$name/gen" 1000 $((r + 1)) > /dev/null
		r=$((r + 1))
	done
	rm -rf "$D/clean"
	n=0
	while [ $n -lt $nights ]; do
		day=$(date -u -d "2026-01-01 +$n days" +%Y-%m-%d)
		for dir in "$D"/roots/*; do
			if [ "$(basename "$dir")" = root-03 ]; then
				if [ $n -ge 40 ] && [ $n -lt 60 ]; then
					[ -d "$dir/node_modules/postmark-mcp" ] ||
						cp -R "$K/host/app/node_modules/postmark-mcp" "$dir/node_modules/"
				else
					rm -rf "$dir/node_modules/postmark-mcp"
				fi
			fi
			"$CAIRN_BIN/cairn-snap" -q --env-key "$D/env.key" --created "${day}T02:00:00Z" \
				--store "$D/store" "$dir" -o "$D/last.cairn"
		done
		n=$((n + 1))
	done
	touch "$D/done-$nights"
fi
printf 'npm:postmark-mcp@1.0.16\n' > "$D/iocs.txt"
snaps=$(git -C "$D/store" rev-list --all | wc -l)
echo "store: $snaps snapshots, $(du -sm "$D/store" | cut -f1) MB"

cat > "$D/floor.sh" <<'SH'
for b in $(git -C "$1" for-each-ref --format='%(refname:short)' refs/heads/cairn/); do
	for c in $(git -C "$1" rev-list --first-parent "$b"); do
		git -C "$1" cat-file blob "$c:snapshot.cairn" | zstdcat |
			grep -c '"name":"postmark-mcp","version":"1.0.16"' || true
	done
done > /dev/null
SH

set -- $(measure sh "$D/floor.sh" "$D/store")
printf '%-58s %8ss %6s MiB\n' "git cat-file | zstdcat | grep -c, every snapshot (floor)" "$1" "$2"
floor=$1
set -- $(measure "$CAIRN_BIN/cairn-report" --store "$D/store" --sweep --ioc "$D/iocs.txt" \
	-f json -o /dev/null -q)
printf '%-58s %8ss %6s MiB  (%s x floor)\n' "cairn-report --sweep --ioc ($snaps snapshots)" "$1" "$2" \
	"$(ratio "$1" "$floor")"
set -- $(measure "$CAIRN_BIN/cairn-report" --store "$D/store" --sweep \
	--advisories "$CAIRN_SRC/tests/fixtures/osv" -f json -o /dev/null -q)
printf '%-58s %8ss %6s MiB  (%s x floor)\n' "cairn-report --sweep --advisories ($snaps snapshots)" "$1" "$2" \
	"$(ratio "$1" "$floor")"
"$CAIRN_BIN/cairn-report" --store "$D/store" --sweep --ioc "$D/iocs.txt" -f json -o "$D/sweep.json" -q || true
jq -r '.matches[] | .id as $id | .hosts[] | "match: \($id) \(.root): " +
	([.intervals[] | "\(.first.created) .. \(.last.created), gone \(.gone.created // "-")"] | join("; "))' \
	"$D/sweep.json"
