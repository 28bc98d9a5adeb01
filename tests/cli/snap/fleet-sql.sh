#!/bin/sh
# docs/FLEET.md §4, run as written: the snapshots of a store taken out with
# its git recipe, then its two DuckDB queries over them (read_json of the
# zstd NDJSON as it is).  The store: three roots over six nights (times
# given with --created); web-1 has postmark-mcp 1.0.16 on nights 3 and 4,
# web-2's .cache-x changes on night 5, ci-1 gains new.js on night 4.  The
# first query must name exactly web-1 with its first and last night; the
# second, between the newest snapshots before 03-03 and before 03-06,
# exactly web-2's changed file and ci-1's new one.  DuckDB is not in
# Debian 12: scripts/deps.sh installs @duckdb/node-api from the npm
# registry (a dependency skip, which CI counts as a failure, when absent).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need git git
need node nodejs
DUCKDB_DIR=${CAIRN_DUCKDB_DIR:-/usr/local/lib/cairn-duckdb}
if [ ! -f "$DUCKDB_DIR/node_modules/@duckdb/node-api/package.json" ]; then
	case "$(uname -m)" in
	x86_64 | aarch64) ;;
	*) skip "no prebuilt DuckDB for $(uname -m) in @duckdb/node-api" ;;
	esac
	echo "skip: DuckDB not installed in $DUCKDB_DIR (npm @duckdb/node-api: sh scripts/deps.sh)"
	exit 78
fi
K=$CAIRN_SRC/tests/fixtures/known
FLEET=$CAIRN_SRC/docs/FLEET.md

fixture_copy "$K/host/app" clean
rm -rf clean/node_modules/postmark-mcp clean/.mcp.json clean/*.tgz
need jq jq
jq 'del(.dependencies["postmark-mcp"])' clean/package.json > p.json && mv p.json clean/package.json
jq 'del(.packages[""].dependencies["postmark-mcp"]) | del(.packages["node_modules/postmark-mcp"])' \
	clean/package-lock.json > p.json && mv p.json clean/package-lock.json
jq 'del(.packages["node_modules/postmark-mcp"])' clean/node_modules/.package-lock.json > p.json &&
	mv p.json clean/node_modules/.package-lock.json
for day in 01 02 03 04 05 06; do
	for h in web-1 web-2 ci-1; do
		rm -rf "$h"
		cp -a clean "$h"
		if [ "$h" = web-1 ] && [ "$day" -ge 3 ] && [ "$day" -le 4 ]; then
			cp -a "$K/host/app/node_modules/postmark-mcp" "$h/node_modules/"
		fi
		if [ "$h" = web-2 ]; then
			if [ "$day" -ge 5 ]; then echo 'payload v2' > "$h/.cache-x"
			else echo 'payload v1' > "$h/.cache-x"; fi
		fi
		if [ "$h" = ci-1 ] && [ "$day" -ge 4 ]; then
			echo 'console.log(1)' > "$h/new.js"
		fi
		cairn-snap -q --env-key env.key --created "2026-03-${day}T02:00:00Z" \
			--store store.git "$h" -o "$h.cairn"
	done
done

# a block of docs/FLEET.md: the fenced block after <!-- fleet-sql: NAME -->
block() {
	awk -v m="<!-- fleet-sql: $1 -->" '
		$0 == m { f = 1; next }
		f && /^```/ { if (g) exit; g = 1; next }
		g' "$FLEET"
}
block export | sed 's|^store=.*|store=store.git|' > export.sh
[ -s export.sh ] || fail "no export block in docs/FLEET.md"
sh -eu export.sh
echo "exported: $(find snapshots -name '*.cairn' | wc -l) snapshots"
# every exported file is its commit's snapshot, byte for byte
for f in $(find snapshots -name '*.cairn' | head -3); do
	c=$(basename "$f" .cairn)
	git -C store.git cat-file blob "$c:snapshot.cairn" | cmp - "$f" || fail "$f differs"
done
# run again: nothing new to write
sh -eu export.sh

host=$(hostname)
sql() {
	block "$1" > "$1.sql"
	[ -s "$1.sql" ] || fail "no $1 block in docs/FLEET.md"
	echo "== $1"
	node "$CAIRN_SRC/tests/tools/duckdb-sql.mjs" "$DUCKDB_DIR" "$1.sql" > "$1.tsv" 2> "$1.err" ||
		fail "$1: $(cat "$1.err")"
	# the host name is this machine's (gethostname), the same in every row
	awk -F '\t' -v h="$host" 'BEGIN { OFS = "\t" } NR > 1 && $1 == h { $1 = "<HOST>" } 1' "$1.tsv"
}
sql hosts
sql changed
