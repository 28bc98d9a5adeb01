#!/bin/sh
# Install scripts whose output pnpm's store records (tests/tools/
# pnpm-fixtures.sh: dtrace-provider, whose install runs node-gyp and leaves
# build/ behind), made by the real pnpm 9 (the whole file map after the
# build) and pnpm 10 (what the build added): the build's files are the
# store's "sideEffects", not files added after install; a build file
# changed afterwards is modified, a file the build did not write is added.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
dp=node_modules/.pnpm/dtrace-provider@0.8.8/node_modules/dtrace-provider
rec() {
	zstd -dcq "$1" | jq -c --arg p "$dp" 'select(.type == "package" and .path == $p) | [.flags,
		.files.status, .files.matching, .files.side_effects, .files.modified, .files.added,
		.files.missing, .coverage.verified]'
}
for v in 9 10; do
	fixture_copy "$fx/pnpm-se$v" p$v
	run cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se$v-store" -o ok$v.cairn p$v
	rec ok$v.cairn
	printf '# changed\n' >> "p$v/$dp/build/config.gypi"
	printf 'x\n' > "p$v/$dp/build/dropped.js"
	run cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se$v-store" -o bad$v.cairn p$v
	rec bad$v.cairn
done
