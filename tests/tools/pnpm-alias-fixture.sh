#!/bin/sh
# Regenerate tests/fixtures/packages/pnpm-se-aliasN and pnpm-se-aliasN-store
# (N = 9, 10) with the real pnpm 9 and 10 (network: the npm registry).  A
# package with a build (cairn-builder, made here and packed with npm pack:
# its postinstall writes build/out.js) depends on ms and
# @tootallnate/once through npm: aliases ("ms-alias": "npm:ms@2.1.3",
# "once-alias": "npm:@tootallnate/once@2.0.0").  pnpm records the build
# in its store ("sideEffects", keyed by a hash of the package's
# dependency state: pnpm 9's hex, pnpm 10's ";deps="), and its lockfile
# writes an aliased dependency as a dependency path ("ms-alias:
# ms@2.1.3", "once-alias: '@tootallnate/once@2.0.0'"): the case cairn's
# ref_to_dep_path reads back into the path the state names.  pnpm 10 runs
# the build only when allowed (onlyBuiltDependencies, by the package's
# id) and names the index file of a tarball after its id
# (<hex>-file+cairn-builder-1.0.0.tgz.json).
# Committed: the project (package.json, pnpm-lock.yaml, node_modules with
# .modules.yaml, .pnpm/lock.yaml, the three packages and the symlinks; not
# the tarball) and the store's three index files.
#
#   sh tests/tools/pnpm-alias-fixture.sh [SCRATCH]     (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/pnpm.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages"
builder="$scratch/cairn-builder"
rm -rf "$builder"
mkdir -p "$builder"
cat > "$builder/package.json" <<'JSON'
{"name":"cairn-builder","version":"1.0.0","description":"a package whose install writes a file, with npm: alias dependencies","main":"index.js","scripts":{"postinstall":"node build.js"},"dependencies":{"ms-alias":"npm:ms@2.1.3","once-alias":"npm:@tootallnate/once@2.0.0"},"license":"MIT"}
JSON
cat > "$builder/build.js" <<'JS'
// the build: writes build/out.js, as a native build leaves build/ behind
const fs = require("fs");
fs.mkdirSync(__dirname + "/build", { recursive: true });
fs.writeFileSync(__dirname + "/build/out.js",
	"module.exports = " + JSON.stringify(require("ms-alias")(60000)) + ";\n");
JS
printf 'module.exports = require("./build/out.js");\n' > "$builder/index.js"
(cd "$builder" && npm pack --silent >/dev/null)
for major in 9 10; do
	name=pnpm-se-alias$major
	client="$scratch/client$major"
	proj="$scratch/$name"
	store="$scratch/aliasstore$major"
	[ -x "$client/node_modules/.bin/pnpm" ] ||
		npm install --prefix "$client" --no-audit --no-fund --silent "pnpm@$major"
	rm -rf "$proj" "$store" "$scratch/aliascache$major"
	mkdir -p "$proj"
	cp "$builder/cairn-builder-1.0.0.tgz" "$proj/"
	# pnpm 9 runs every build; pnpm 10 those it is told, by the id
	allow=
	[ "$major" = 9 ] ||
		allow=',"pnpm":{"onlyBuiltDependencies":["cairn-builder@file:cairn-builder-1.0.0.tgz"]}'
	printf '{"name":"cairn-fixture-se-alias","version":"1.0.0","private":true,"dependencies":{"cairn-builder":"file:cairn-builder-1.0.0.tgz"}%s}\n' \
		"$allow" > "$proj/package.json"
	(cd "$proj" && "$client/node_modules/.bin/pnpm" install --reporter=silent \
		--store-dir "$store" --cache-dir "$scratch/aliascache$major")
	[ -f "$proj/node_modules/cairn-builder/build/out.js" ] ||
		{ echo "pnpm $major: the build did not run" >&2; exit 1; }
	rm -rf "$fx/$name" "$fx/$name-store"
	mkdir -p "$fx/$name"
	cp -a "$proj/package.json" "$proj/pnpm-lock.yaml" "$proj/node_modules" "$fx/$name/"
	sed -i -e 's|^storeDir: .*|storeDir: /scratch/pnpm-store|' \
		-e 's|^prunedAt: .*|prunedAt: Thu, 01 Jan 2026 00:00:00 GMT|' \
		"$fx/$name/node_modules/.modules.yaml"
	(cd "$store" && find . -name '*-index.json' -o -path './v10/index/*' -name '*.json') |
	while read -r f; do
		mkdir -p "$fx/$name-store/$(dirname "$f")"
		cp "$store/$f" "$fx/$name-store/$f"
	done
done
echo "fixtures in $fx (scratch $scratch)"
