#!/bin/sh
# bench/report.sh - cairn-report against what a user would otherwise do.
#
# Without cairn-report, a readable change report is `cairn-diff --json A B`
# piped through jq into a Markdown table (no rules, no escaping, no
# verdict).  Both run on:
#   1. two snapshots of 100,000 entries (x BENCH_SCALE), 1% changed, written
#      by tests/tools/gen-snapshot;
#   2. two real npm installs of an MCP server (../shared/data/npm, 4,000+
#      files, 100+ packages each, with their npm cache), snapshotted with
#      package analysis, when that data is there.
# Prints best-of-3 wall-clock times and the ratio; never fails on a timing.
set -eu
. "$(dirname "$0")/lib.sh"
: "${CAIRN_BIN:?}" "${CAIRN_TOOLS:?}"
BENCH_DIR="${BENCH_DIR:-build/bench}"
BENCH_SCALE="${BENCH_SCALE:-1}"
DATA="${CAIRN_DATA:-${CAIRN_SRC:-.}/../shared/data}"
D="$BENCH_DIR/report"
mkdir -p "$D"
report="$CAIRN_BIN/cairn-report"
diff="$CAIRN_BIN/cairn-diff"

# The jq alternative: a Markdown table of entry and package changes.
JQ='"# changes\n\n| path | change |\n| --- | --- |",
    (.changes[] | "| \(.path) | \(.change) |"),
    "\n| package | change | old | new |\n| --- | --- | --- | --- |",
    (.records[] | select(.type == "package") |
     "| \((.new // .old).name) | \(.change) | \(.old.version // "-") | \(.new.version // "-") |")'

compare() { # label A B
	set -- "$1" "$2" "$3" \
		"$(measure sh -c "'$diff' --json '$2' '$3' | jq -r '$JQ'" | cut -d" " -f1)" \
		"$(measure "$report" --baseline "$2" --snapshot "$3" --no-timestamp --format html | cut -d" " -f1)" \
		"$(measure "$report" --baseline "$2" --snapshot "$3" --no-timestamp --format md | cut -d" " -f1)"
	printf '%-44s %8ss\n' "cairn-diff --json | jq (Markdown table)" "$4"
	printf '%-44s %8ss  (%s x the jq pipeline)\n' "cairn-report --format html" "$5" \
		"$(ratio "$5" "$4")"
	printf '%-44s %8ss  (%s x the jq pipeline)\n' "cairn-report --format md" "$6" \
		"$(ratio "$6" "$4")"
}

n=$(awk -v s="$BENCH_SCALE" 'BEGIN { n = int(100000 * s); if (n < 1000) n = 1000; print n }')
if [ ! -f "$D/a-$n.cairn" ] || [ ! -f "$D/b-$n.cairn" ]; then
	echo "generating two snapshots of $n entries (1% differ)..."
	"$CAIRN_TOOLS/gen-snapshot" --entries "$n" "$D/a-$n.cairn"
	"$CAIRN_TOOLS/gen-snapshot" --entries "$n" --variant 1 --every 100 "$D/b-$n.cairn"
fi
echo "--- report on $n entries, 1% changed ($((n / 100)) changes; the report lists 200)"
compare synthetic "$D/a-$n.cairn" "$D/b-$n.cairn"

if [ -f "$DATA/npm/server-filesystem-2025.8.21.tar.zst" ]; then
	if [ ! -f "$D/npm-b.cairn" ]; then
		echo "unpacking and snapshotting the two real npm installs..."
		rm -rf "$D/npm" && mkdir -p "$D/npm/cache" "$D/npm/host"
		tar --zstd -xf "$DATA/npm/npm-cache.tar.zst" -C "$D/npm/cache"
		cache=$(find "$D/npm/cache" -type d -name _cacache | head -n 1)
		tar --zstd -xf "$DATA/npm/server-filesystem-2025.8.21.tar.zst" -C "$D/npm/host"
		"$CAIRN_BIN/cairn-snap" -q --npm-cache "$cache" --env-key "$D/npm/env.key" \
			"$D/npm/host" -o "$D/npm-a.cairn"
		rm -rf "$D/npm/host" && mkdir -p "$D/npm/host"
		tar --zstd -xf "$DATA/npm/server-filesystem-2026.8.31.tar.zst" -C "$D/npm/host"
		"$CAIRN_BIN/cairn-snap" -q --npm-cache "$cache" --env-key "$D/npm/env.key" \
			"$D/npm/host" -o "$D/npm-b.cairn"
	fi
	echo "--- report on two real npm installs (@modelcontextprotocol/server-filesystem 2025.8.21 -> 2026.8.31)"
	compare npm "$D/npm-a.cairn" "$D/npm-b.cairn"
	"$report" --baseline "$D/npm-a.cairn" --snapshot "$D/npm-b.cairn" --format json -o "$D/npm.json" || [ $? -eq 1 ]
	echo "findings: $(jq -r '[.findings[].severity] | group_by(.) | map("\(length) \(.[0])") | join(", ")' "$D/npm.json")"
else
	echo "--- real npm installs: $DATA/npm not found, skipped"
fi
