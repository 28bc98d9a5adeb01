#!/bin/sh
# yarn 4 Plug'n'Play's own dependency graph gives the PnP records their
# required_by and extraneous, like a node_modules layout's: read from
# the RAW_RUNTIME_STATE string .pnp.cjs embeds (berry-pnp) and from
# .pnp.data.json when .pnp.cjs only loads it (berry-pnp-ws, yarn's split
# mode; tests/tools/yarn-pnp-fixture.sh).  In berry-pnp-ws yarn locked
# @tootallnate/once and fetched its archive but never linked it
# (--mode=update-lockfile): in no PnP graph, Node cannot load it, so it is
# extraneous; the workspace member has no "locked but not installed"
# records of its own.  A .pnp.cjs that is not what yarn writes is a
# parse_error naming the file, and the records keep no graph.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
recs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.project, .path, .flags, .required_by,
		.coverage.verified]'
	zstd -dcq "$1" | jq -c 'select(.type == "npm_project") | [.project, .manager, .lockfile, .installed]'
	zstd -dcq "$1" | jq -c 'select(.type == "parse_error") | [.file, .analyzer, .message]'
}

# inline state (RAW_RUNTIME_STATE): the devDependency is the root's,
# ms is debug's (through its virtual instance)
fixture_copy "$fx/berry-pnp" p
run cairn-snap -q --yarn-cache "$fx/berry-cache" -o inline.cairn p
recs inline.cairn

# split state (.pnp.data.json): a workspace member, a package locked
# and cached but linked nowhere
fixture_copy "$fx/berry-pnp-ws" w
mkdir -p w/.yarn/cache
cp "$fx"/berry-cache/*.zip w/.yarn/cache/
run cairn-snap -q -o ws.cairn w
recs ws.cairn

# an attacker drops debug from the graph the loader reads: debug (and ms
# through it) is no longer reached from the project
jq -c '(.packageRegistryData[] | select(.[0] == null or .[0] == "cairn-fixture-pnp-ws")
	| .[1][0][1].packageDependencies) |= map(select(.[0] != "debug"))' \
	"$fx/berry-pnp-ws/.pnp.data.json" > w/.pnp.data.json
run cairn-snap -q -o cut.cairn w
recs cut.cairn

# not what yarn writes: an escape yarn never emits, an unterminated
# string, a registry entry of the wrong shape
sed 's/"__info": \[\\$/"__info": [\\x41\\/' "$fx/berry-pnp/.pnp.cjs" > p/.pnp.cjs
run cairn-snap -q -o esc.cairn p
recs esc.cairn
head -c 300 "$fx/berry-pnp/.pnp.cjs" > p/.pnp.cjs
run cairn-snap -q -o cut2.cairn p
recs cut2.cairn
printf '{"dependencyTreeRoots":[],"packageRegistryData":[["debug",{}]]}' > w/.pnp.data.json
run cairn-snap -q -o shape.cairn w
recs shape.cairn
