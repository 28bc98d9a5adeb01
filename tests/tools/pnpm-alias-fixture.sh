#!/bin/sh
# Regenerate tests/fixtures/packages/pnpm-se-alias9 and pnpm-se-alias9-store
# with the real pnpm 9 (network: the npm registry).  A package with a
# build (cairn-builder, made here and packed with npm pack: its
# postinstall writes build/out.js) depends on ms and @tootallnate/once
# through npm: aliases ("ms-alias": "npm:ms@2.1.3", "once-alias":
# "npm:@tootallnate/once@2.0.0").  pnpm 9 records the build in its store
# ("sideEffects", keyed by a hash of the package's dependency state), and
# its lockfile writes an aliased dependency as a dependency path
# ("ms-alias: ms@2.1.3", "once-alias: '@tootallnate/once@2.0.0'"): the
# case cairn's ref_to_dep_path reads back into the path the state names.
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
client="$scratch/client9"
builder="$scratch/cairn-builder"
proj="$scratch/pnpm-se-alias9"
store="$scratch/aliasstore9"
[ -x "$client/node_modules/.bin/pnpm" ] ||
	npm install --prefix "$client" --no-audit --no-fund --silent pnpm@9
rm -rf "$builder" "$proj" "$store" "$scratch/aliascache9"
mkdir -p "$builder" "$proj"
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
mv "$builder/cairn-builder-1.0.0.tgz" "$proj/"
printf '{"name":"cairn-fixture-se-alias","version":"1.0.0","private":true,"dependencies":{"cairn-builder":"file:cairn-builder-1.0.0.tgz"}}\n' \
	> "$proj/package.json"
(cd "$proj" && "$client/node_modules/.bin/pnpm" install --reporter=silent \
	--store-dir "$store" --cache-dir "$scratch/aliascache9")
[ -f "$proj/node_modules/cairn-builder/build/out.js" ] || { echo "the build did not run" >&2; exit 1; }
rm -rf "$fx/pnpm-se-alias9" "$fx/pnpm-se-alias9-store"
mkdir -p "$fx/pnpm-se-alias9"
cp -a "$proj/package.json" "$proj/pnpm-lock.yaml" "$proj/node_modules" "$fx/pnpm-se-alias9/"
sed -i -e 's|^storeDir: .*|storeDir: /scratch/pnpm-store|' \
	-e 's|^prunedAt: .*|prunedAt: Thu, 01 Jan 2026 00:00:00 GMT|' \
	"$fx/pnpm-se-alias9/node_modules/.modules.yaml"
(cd "$store" && find . -name '*-index.json') |
while read -r f; do
	mkdir -p "$fx/pnpm-se-alias9-store/$(dirname "$f")"
	cp "$store/$f" "$fx/pnpm-se-alias9-store/$f"
done
echo "fixtures in $fx (scratch $scratch)"
