#!/bin/sh
# A build whose package reaches its dependencies through npm: aliases
# (tests/tools/pnpm-alias-fixture.sh: the real pnpm 9 and 10 installed
# cairn-builder, a local tarball whose postinstall writes build/out.js,
# with "ms-alias": "npm:ms@2.1.3" and "once-alias":
# "npm:@tootallnate/once@2.0.0").  The lockfile names an aliased
# dependency by its dependency path ("ms-alias: ms@2.1.3", "once-alias:
# '@tootallnate/once@2.0.0'"), and the store keys the build by a hash of
# the package's dependency state over those paths (pnpm 9's hex, pnpm
# 10's ";deps="): cairn reproduces the key ("deps_hash") only if it reads
# them back as paths, not as versions of the aliases ("ms-alias@ms@2.1.3",
# no such package).  pnpm 10 names a tarball's index file after its id
# (<hex>-file+cairn-builder-1.0.0.tgz.json; before: not_in_store, not
# verified).  Then a second build for this host, keyed for another
# dependency state, recorded every file and a dropped one: the build of
# the install's state is still the one taken, so the dropped file is added.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
rec() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .flags, .files.status,
		.files.matching, .files.side_effects, .files.added, .files.side_effects_build,
		.files.side_effects_build_by, .coverage.verified]'
}
need python3 python3
sri() { python3 -c 'import sys,hashlib,base64; print("sha512-" + base64.b64encode(hashlib.sha512(sys.stdin.buffer.read()).digest()).decode())'; }
i=$(printf 'x\n' | sri)
for v in 9 10; do
	fixture_copy "$fx/pnpm-se-alias$v" p$v
	run cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se-alias$v-store" -o ok$v.cairn p$v
	rec ok$v.cairn
	# the second build: the real one's files and build/dropped.js (pnpm
	# 10's "added", pnpm 9's whole file map)
	if [ "$v" = 9 ]; then k=linux-x64-node-v20-0123456789abcdef0123456789abcdef01234567
	else k='linux;x64;node20;deps=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; fi
	cp -r "$fx/pnpm-se-alias$v-store" store$v
	idx=$(grep -l '"sideEffects"' -r store$v)
	jq -c --arg k "$k" --arg i "$i" '.sideEffects |= (. + {($k): ((to_entries[0].value) as $b |
		{"build/dropped.js": {integrity: $i, mode: 420, size: 2}} as $d |
		if ($b | has("added")) then {added: ($b.added + $d)} else ($b + $d) end)})' \
		"$idx" > "$idx.new"
	mv "$idx.new" "$idx"
	printf 'x\n' > p$v/node_modules/.pnpm/cairn-builder@file+cairn-builder-1.0.0.tgz/node_modules/cairn-builder/build/dropped.js
	run cairn-snap -q --no-npm-cache --pnpm-store store$v -o two$v.cairn p$v
	rec two$v.cairn
done
