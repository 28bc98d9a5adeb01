#!/bin/sh
# A verdict says what it covers (docs/RULES.md §Coverage), on the project's
# own small real install: tests/fixtures/packages/npm-v3 (ms and is-number,
# installed by npm from the registry) and npm-cache (the npm cache that
# fetched them).  Pinned, each command under its output:
# - --npm-cache takes npm's cache root (what "npm config get cache"
#   prints) or its _cacache: both verify every package, and both find a
#   file changed after install (P10);
# - a cache missing one tarball: the headline covers 1 of 2 packages;
# - an empty cache: every package "not verified: tarball not in cache",
#   a warning, and a report whose headline says nothing was verified (JSON,
#   Markdown and HTML never say "no sign of compromise");
# - without the flag the cache of the user running cairn-snap
#   ($npm_config_cache, else ~/.npm) when it exists, recorded in the
#   header; --no-npm-cache turns it off;
# - cairn-diff --findings carries the same coverage.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx=$CAIRN_SRC/tests/fixtures/packages
fixture_copy "$fx/npm-v3" app
fixture_copy "$fx/npm-cache" cache
mkdir empty

# what a snapshot says about coverage: its record, the header's cache
cov() {
	zstd -dcq "$1" | jq -c 'select(.type == "coverage") | del(.type)'
	zstd -dcq "$1" | head -n 1 | jq -c '.options | {npm_cache, npm_cache_from}'
}
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .files.modified, .coverage]'
}
# the verdict of a JSON report, and its findings
verdict() {
	jq -r '.verdict.headline, .verdict.coverage, (.findings[] | [.id, .severity, .title] | @tsv)' "$1"
}

# the cache root and its _cacache verify the same
run cairn-snap --npm-cache cache -o root.cairn app
run cov root.cairn
run cairn-snap --npm-cache cache/_cacache/ -o cacache.cairn app
run cov cacache.cairn
run cairn-report --snapshot root.cairn --no-timestamp --format json -o clean.json
run verdict clean.json

# one tarball missing from the cache: the verdict covers the other package
cp -R cache part
rm "part/_cacache/$(zstd -dcq root.cairn | jq -r 'select(.type == "package" and .name == "is-number") | .files.source')"
run cairn-snap --npm-cache part -o part.cairn app
run cairn-report --snapshot part.cairn --no-timestamp --format json -o part.json
run verdict part.json

# a file changed after install: found through either form
printf '// injected\n' >> app/node_modules/ms/index.js
run cairn-snap --npm-cache cache -o t1.cairn app
run pkgs t1.cairn
run cairn-snap --npm-cache cache/_cacache -o t2.cairn app
run pkgs t2.cairn
run cairn-report --snapshot t2.cairn --no-timestamp --format json -o t.json
run verdict t.json

# an empty cache: nothing verified, and every output says so
run cairn-snap --npm-cache empty -o e.cairn app
run cov e.cairn
run cairn-report --snapshot e.cairn --no-timestamp --format json -o e.json
run verdict e.json
run cairn-report --snapshot e.cairn --no-timestamp --format md -o e.md
run cairn-report --snapshot e.cairn --no-timestamp -o e.html
run sed -n 1p e.md
run grep -o '<div class="coverage[^"]*"><p><strong>Coverage:</strong>[^<]*' e.html
run grep -c 'no sign of compromise' e.json e.md e.html
run cairn-diff --findings root.cairn e.cairn

# no flag: no cache in $HOME, then ~/.npm, then $npm_config_cache
run cairn-snap -o d0.cairn app
run cov d0.cairn
cp -R cache "$HOME/.npm"
run cairn-snap -o d1.cairn app
run cov d1.cairn
run env npm_config_cache="$PWD/empty" cairn-snap -o d2.cairn app
run cov d2.cairn
run cairn-snap --no-npm-cache -o d3.cairn app
run cov d3.cairn
