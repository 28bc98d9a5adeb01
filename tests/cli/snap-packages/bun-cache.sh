#!/bin/sh
# bun install made by the real bun (tests/tools/yarn-bun-fixtures.sh)
# checked with --bun-cache against the folders bun extracted into its
# cache: every package verified; a file changed after install named by
# package and path; a file that is a hard link to the cache's copy (bun's
# default on Linux) is the same bytes on disk, so the package is not
# verified (reason cache_shared) rather than falsely clean; with
# --npm-cache the integrity-checked tarballs are used instead.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
recs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .flags, .files.status, .files.source,
		.files.matching, .files.modified, .coverage.verified, .coverage.reason]'
}
fixture_copy "$fx/bun" p
fixture_copy "$fx/bun-cache" cache
run cairn-snap -q --no-npm-cache --bun-cache cache -o ok.cairn p
recs ok.cairn
cairn-report --snapshot ok.cairn --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'

# a hard link to the cache (what bun install does on Linux), a change
ln -f cache/ms@2.1.2@@@1/index.js p/node_modules/ms/index.js
printf '// added\n' >> p/node_modules/debug/src/index.js
run cairn-snap -q --no-npm-cache --bun-cache cache -o bad.cairn p
recs bad.cairn
zstd -dcq bad.cairn | jq -c 'select(.type == "package" and .path == "node_modules/ms") | .coverage.detail'
cairn-report --snapshot bad.cairn --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'

# the npm cache, when given, is the reference (tarballs checked against
# the lockfile integrity)
run cairn-snap -q --npm-cache "$fx/npm-cache-4" --bun-cache cache -o npm.cairn p
recs npm.cairn

# a cache folder that is not there
run cairn-snap -q --no-npm-cache --bun-cache nowhere -o none.cairn p
zstd -dcq none.cairn | jq -c 'select(.type == "parse_error") | [.analyzer, .message]'
