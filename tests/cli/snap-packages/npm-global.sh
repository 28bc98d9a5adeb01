#!/bin/sh
# A global npm prefix (npm install -g --prefix P ms@2.1.3, by real npm:
# tests/fixtures/packages/npm-global) is no project that should commit a
# lockfile: snapshotted as the prefix or as its lib/node_modules, it is an
# npm_project of kind "global", with no P03 finding, and its packages say
# why they are not verified; with the npm cache that installed them they
# are checked against the tarball named by URL in the cache index, and a
# tampered file is found, with the command that puts it back.  npx trees are found under the cache root
# whether --npm-cache names the root or its _cacache, and are written
# relative to the cache.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
cp -a "$fx/npm-global" prefix

# the prefix and its lib/node_modules, no cache
for root in prefix prefix/lib/node_modules; do
	expect_exit 0 cairn-snap -o g.cairn "$root"
	same err.txt 'cairn-snap: 1 package: 0 verified, 1 not verified: global install, nothing to look the tarball up by'
	records_of g.cairn npm_project | jq -c '[.project, .kind, .lockfile]' > got
	if [ "$root" = prefix ]; then
		same got '["lib","global",null]'
	else
		same got '["..","global",null]'
	fi
	records_of g.cairn package | jq -c '[.path, .coverage]' > got
	same got '["node_modules/ms",{"verified":false,"reason":"global_no_lockfile","detail":"a global install: npm keeps no lockfile for them; no npm cache to look the tarball up in"}]'
	expect_exit 1 cairn-report --snapshot g.cairn --format json --no-timestamp -o r.json
	if jq -r '.findings[].id' r.json | grep -qx CAIRN-P03; then
		fail "$root: a global prefix got 'commit a lockfile' (P03)"
	fi
done

# with the cache that installed it: found by URL in the index, verified
expect_exit 0 cairn-snap --npm-cache "$fx/npm-cache" -o v.cairn prefix/lib/node_modules
same err.txt 'cairn-snap: 1 package: 1 verified'
records_of v.cairn package | jq -c '[.coverage.verified, .coverage.detail, .flags, .files.matching]' > got
same got '[true,"integrity from the npm cache index: the tarball npm fetched from https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",["integrity_from_cache_index","no_lockfile"],4]'
printf '// injected\n' >> prefix/lib/node_modules/ms/index.js
expect_exit 0 cairn-snap --npm-cache "$fx/npm-cache/_cacache" -o t.cairn prefix
records_of t.cairn package | jq -c '[.path, .files.modified, .coverage.verified]' > got
same got '["node_modules/ms",["index.js"],true]'
expect_exit 1 cairn-report --snapshot t.cairn --format json --no-timestamp -o t.json
jq -r '.findings[] | select(.id == "CAIRN-P10") | .evidence[0].file' t.json > got
same got 'lib/node_modules/ms/index.js'
# its step puts the package back from the registry: npm ci has no lockfile here
jq -r '.findings[] | select(.id == "CAIRN-P10") | .evidence[] | select(.text) | .text' t.json | tail -1 > got
same got 'npm install -g ms@2.1.3'

# npx trees: the same folder through the cache root and through _cacache,
# written relative to the cache, identical for a second copy of the cache
cp -a "$fx/home" home
cp -a "$fx/home" home2
mkdir root
for h in home home2; do
	for c in "$h/.npm" "$h/.npm/_cacache"; do
		HOME="$PWD/$h" expect_exit 0 cairn-snap --mcp-discover --env-key k --npm-cache "$c" -o "x.cairn" root
		zstd -dcq x.cairn | jq -c 'select(.type == "mcp_server" and .server == "semver-tool") |
			[.npx_cache, .npx_cache_present]' > got
		same got '["_npx/efc2fc194987058d",true]'
		records_of x.cairn package | jq -c '[.project, .path, .version, .coverage.verified]' > got
		same got '["npm-cache:_npx/efc2fc194987058d","node_modules/semver","7.6.3",true]'
		records_of x.cairn package > "pk-$h"
	done
done
cmp -s pk-home pk-home2 || fail "two copies of one npm cache give different package records"
exit 0
