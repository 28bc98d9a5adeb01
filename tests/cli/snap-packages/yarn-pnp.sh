#!/bin/sh
# yarn 4 Plug'n'Play made by the real yarn (tests/tools/yarn-bun-fixtures.sh):
# no node_modules, .pnp.cjs maps each package to its zip archive.  One
# record per locked package (no false "not installed"), verified by the
# archive's SHA-512 against the lockfile checksum, from the project's
# .yarn/cache or --yarn-cache (the global cache); ms, unplugged by
# dependenciesMeta, compared file by file with its archive (yarn's .ready
# marker is not the package's).  A changed archive and a changed
# unplugged file are named by package and path, with no baseline.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
recs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .name, .version, .flags,
		.files.status, .files.source, .files.matching, .files.modified, .files.added,
		.coverage.verified, .coverage.reason, .unplugged]'
	zstd -dcq "$1" | jq -c 'select(.type == "npm_project") | [.project, .manager, .lockfile, .installed]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'
}

# no archives at hand: recorded, not verified, nothing "not installed"
fixture_copy "$fx/berry-pnp" p
run cairn-snap -q -o none.cairn p
recs none.cairn
findings none.cairn

# the global cache given
run cairn-snap -q --yarn-cache "$fx/berry-cache" -o global.cairn p
recs global.cairn

# yarn 4's global cache (~/.yarn/berry/cache) names the archives
# <name>-npm-<version>-<hash>-<cacheKey>.zip: the same bytes
mkdir g
for z in "$fx"/berry-cache/*.zip; do
	b=$(basename "$z")
	cp "$z" "g/${b%-*}-10c0.zip"
done
run cairn-snap -q --yarn-cache g -o g.cairn p
zstd -dcq g.cairn | jq -c 'select(.type == "package") | [.path, .files.status, .files.source, .coverage.verified]'

# the project's own .yarn/cache (enableGlobalCache: false)
mkdir p/.yarn/cache
cp "$fx"/berry-cache/*.zip p/.yarn/cache/
run cairn-snap -q -o local.cairn p
recs local.cairn
findings local.cairn

# tampered: one byte of debug's archive, ms's unplugged index.js
printf 'X' | dd of="p/.yarn/cache/debug-npm-4.3.4-4513954577-cedbec4529.zip" bs=1 seek=2000 conv=notrunc 2>/dev/null
printf '// added\n' >> p/.yarn/unplugged/ms-npm-2.1.2-ec0c1512ff/node_modules/ms/index.js
run cairn-snap -q -o bad.cairn p
recs bad.cairn
findings bad.cairn
