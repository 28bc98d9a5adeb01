#!/bin/sh
# Regenerate tests/fixtures/packages/pnpm-* and pnpm-store with the real
# pnpm clients (network: the npm registry).  Each pnpm major installs the
# same small project into a scratch folder with its own store and cache;
# what is committed is the project (package.json, pnpm-lock.yaml,
# node_modules with .modules.yaml, .pnpm/lock.yaml and the symlinks) and
# the store's per-package index files (the file contents are not needed:
# cairn checks installed files against the integrity each index lists).
#
#   sh tests/tools/pnpm-fixtures.sh [SCRATCH]     (from the source tree)
#
# pnpm 7 writes lockfileVersion 5.4, pnpm 8 6.0, pnpm 9 and 10 9.0; pnpm
# 7-9 use store v3 (files/XX/<hex>-index.json), pnpm 10 store v10
# (index/XX/<hex>-<name>@<version>.json).
set -eu
src=$(pwd)
[ -f "$src/lib/pnpm.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages"
mkdir -p "$scratch"
rm -rf "$fx/pnpm-store"
for pair in 7:v5 8:v6 9:v9 10:v10; do
	major=${pair%%:*}
	name=pnpm-${pair#*:}
	client="$scratch/client$major"
	proj="$scratch/$name"
	npm install --prefix "$client" --no-audit --no-fund --silent "pnpm@$major"
	rm -rf "$proj" "$scratch/store$major"
	mkdir -p "$proj"
	cat > "$proj/package.json" <<'JSON'
{"name":"cairn-fixture-pnpm","version":"1.0.0","private":true,"dependencies":{"debug":"4.3.4","@tootallnate/once":"2.0.0"},"devDependencies":{"is-number":"7.0.0"}}
JSON
	(cd "$proj" && "$client/node_modules/.bin/pnpm" install --reporter=silent \
		--store-dir "$scratch/store$major" --cache-dir "$scratch/cache$major")
	rm -rf "$fx/$name"
	mkdir -p "$fx/$name"
	cp -a "$proj/package.json" "$proj/pnpm-lock.yaml" "$proj/node_modules" "$fx/$name/"
	# the absolute store path and the prune time of this run
	sed -i -e 's|^storeDir: .*|storeDir: /scratch/pnpm-store|' \
		-e 's|^prunedAt: .*|prunedAt: Thu, 01 Jan 2026 00:00:00 GMT|' \
		"$fx/$name/node_modules/.modules.yaml"
	(cd "$scratch/store$major" && find . -name '*-index.json' -o -path './v10/index/*' -name '*.json') |
	while read -r f; do
		mkdir -p "$fx/pnpm-store/$(dirname "$f")"
		cp "$scratch/store$major/$f" "$fx/pnpm-store/$f"
	done
done
echo "fixtures in $fx (scratch $scratch)"

# Install scripts whose output the store records ("sideEffects"): the
# small real dtrace-provider, whose install runs node-gyp and leaves
# build/ in the package folder.  pnpm 9 records the whole file map after
# the build; pnpm 10 (which runs build scripts only when allowed:
# onlyBuiltDependencies) records what was added.  Committed: the project
# and dtrace-provider's folder and index file (pnpm-seN-store; its
# dependency nan, 584 KB,
# is left out: not installed in the fixture).
for major in 9 10; do
	name=pnpm-se$major
	client="$scratch/client$major"
	proj="$scratch/$name"
	[ -x "$client/node_modules/.bin/pnpm" ] ||
		npm install --prefix "$client" --no-audit --no-fund --silent "pnpm@$major"
	rm -rf "$proj" "$scratch/sestore$major"
	mkdir -p "$proj"
	printf '{"name":"cairn-fixture-se","version":"1.0.0","private":true,"dependencies":{"dtrace-provider":"0.8.8"},"pnpm":{"onlyBuiltDependencies":["dtrace-provider"]}}\n' \
		> "$proj/package.json"
	(cd "$proj" && "$client/node_modules/.bin/pnpm" install --reporter=silent \
		--store-dir "$scratch/sestore$major" --cache-dir "$scratch/secache$major")
	rm -rf "$fx/$name"
	mkdir -p "$fx/$name/node_modules/.pnpm"
	cp -a "$proj/package.json" "$proj/pnpm-lock.yaml" "$fx/$name/"
	cp -a "$proj/node_modules/.modules.yaml" "$proj/node_modules/dtrace-provider" "$fx/$name/node_modules/"
	cp -a "$proj/node_modules/.pnpm/lock.yaml" "$proj/node_modules/.pnpm/dtrace-provider@0.8.8" \
		"$fx/$name/node_modules/.pnpm/"
	sed -i -e 's|^storeDir: .*|storeDir: /scratch/pnpm-store|' \
		-e 's|^prunedAt: .*|prunedAt: Thu, 01 Jan 2026 00:00:00 GMT|' \
		"$fx/$name/node_modules/.modules.yaml"
	# (a store per major: the builds' files differ, and one store
	# holding both would give pnpm 9's tree pnpm 10's index)
	rm -rf "$fx/$name-store"
	(cd "$scratch/sestore$major" && grep -l '"dtrace-provider"' -r --include='*.json' .) |
	while read -r f; do
		mkdir -p "$fx/$name-store/$(dirname "$f")"
		cp "$scratch/sestore$major/$f" "$fx/$name-store/$f"
	done
done
