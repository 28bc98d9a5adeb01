#!/bin/sh
# Regenerate tests/fixtures/packages/{yarn1,yarn1-ws,berry,berry-pnp,bun,bunb}* with the real
# clients (network: the npm registry): yarn 1 (yarn.lock v1, hoisted
# node_modules, its cache v6 with .yarn-tarball.tgz), yarn 4 with
# nodeLinker: node-modules (YAML yarn.lock, __metadata), bun (text
# bun.lock; and bun.lockb, by bunfig.toml's saveTextLockfile = false).
# The same small project as tests/tools/pnpm-fixtures.sh.  Committed: the
# project (lockfile, node_modules) and, for yarn 1, the tarballs of its
# cache (only .yarn-tarball.tgz: the unpacked copies are not needed).
#
#   sh tests/tools/yarn-bun-fixtures.sh [SCRATCH]     (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/yarnlock.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages"
mkdir -p "$scratch"
project() {
	rm -rf "$1"
	mkdir -p "$1"
	cat > "$1/package.json" <<'JSON'
{"name":"cairn-fixture-pnpm","version":"1.0.0","private":true,"dependencies":{"debug":"4.3.4","@tootallnate/once":"2.0.0"},"devDependencies":{"is-number":"7.0.0"}}
JSON
}
commit() {   # commit SCRATCH-PROJECT NAME FILES...
	from=$1 name=$2
	shift 2
	rm -rf "$fx/$name"
	mkdir -p "$fx/$name"
	for f in "$@"; do
		cp -a "$from/$f" "$fx/$name/"
	done
}
npm install --prefix "$scratch/yarn1" --no-audit --no-fund --silent yarn@1
npm install --prefix "$scratch/berry" --no-audit --no-fund --silent @yarnpkg/cli-dist@4
npm install --prefix "$scratch/bun" --no-audit --no-fund --silent bun@1

project "$scratch/y1"
rm -rf "$scratch/y1cache"
(cd "$scratch/y1" && "$scratch/yarn1/node_modules/.bin/yarn" install --silent --no-progress \
	--non-interactive --cache-folder "$scratch/y1cache")
commit "$scratch/y1" yarn1 package.json yarn.lock node_modules
rm -rf "$fx/yarn1-cache"
(cd "$scratch/y1cache" && find v6 -name .yarn-tarball.tgz) | while read -r f; do
	mkdir -p "$fx/yarn1-cache/$(dirname "$f")"
	cp "$scratch/y1cache/$f" "$fx/yarn1-cache/$f"
done

# yarn 1 workspaces: member b's debug 2.6.9 is hoisted to the root, member
# a's debug 4.3.4 and its ms 2.1.2 (both in yarn1-cache) stay nested in
# packages/a/node_modules, bound to the root yarn.lock by name (the
# root's is-number, locked, is installed in no member)
y1ws() {
	rm -rf "$1"
	mkdir -p "$1/packages/a" "$1/packages/b"
	echo '{"name":"cairn-fixture-yarn1-ws","version":"1.0.0","private":true,"workspaces":["packages/*"],"dependencies":{"is-number":"7.0.0","ms":"2.1.3"}}' >"$1/package.json"
	echo '{"name":"a","version":"1.0.0","dependencies":{"debug":"4.3.4"}}' >"$1/packages/a/package.json"
	echo '{"name":"b","version":"1.0.0","dependencies":{"a":"*","debug":"2.6.9"}}' >"$1/packages/b/package.json"
}
y1ws "$scratch/y1ws"
(cd "$scratch/y1ws" && "$scratch/yarn1/node_modules/.bin/yarn" install --silent --no-progress \
	--non-interactive --cache-folder "$scratch/y1wscache")
commit "$scratch/y1ws" yarn1-ws package.json yarn.lock node_modules packages

project "$scratch/yb"
printf 'nodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\n' > "$scratch/yb/.yarnrc.yml"
(cd "$scratch/yb" && YARN_CACHE_FOLDER="$scratch/ybcache" "$scratch/berry/node_modules/.bin/yarn" install >/dev/null)
commit "$scratch/yb" berry package.json yarn.lock .yarnrc.yml node_modules
# Berry's cache: the zip archives the lockfile checksums name
rm -rf "$fx/berry-cache"
mkdir -p "$fx/berry-cache"
cp "$scratch/ybcache"/*.zip "$fx/berry-cache/"
# yarn's own state files name this run's folders
rm -f "$fx/berry/node_modules/.yarn-state.yml" "$fx/berry/node_modules/.package-map.json"

# yarn 4 Plug'n'Play (the default linker): no node_modules; .pnp.cjs maps
# each package to its zip in .yarn/cache (the same archives as above, so
# the test copies berry-cache there), ms unplugged by dependenciesMeta.
# Committed: the project, the unplugged folder, and the head of .pnp.cjs
# (its data; the loader runtime after it is 430 KB of yarn's code)
project "$scratch/yp"
sed -i 's/}$/,"dependenciesMeta":{"ms":{"unplugged":true}}}/' "$scratch/yp/package.json"
printf 'enableGlobalCache: false\nenableTelemetry: false\n' > "$scratch/yp/.yarnrc.yml"
(cd "$scratch/yp" && HOME="$scratch/yphome" "$scratch/berry/node_modules/.bin/yarn" install >/dev/null)
commit "$scratch/yp" berry-pnp package.json yarn.lock .yarnrc.yml
mkdir -p "$fx/berry-pnp/.yarn"
cp -a "$scratch/yp/.yarn/unplugged" "$fx/berry-pnp/.yarn/"
sed -n '1,/^function \$\$SETUP_STATE/{p}' "$scratch/yp/.pnp.cjs" > "$fx/berry-pnp/.pnp.cjs"
printf '  return hydrateRuntimeState(JSON.parse(RAW_RUNTIME_STATE), {basePath: basePath || __dirname});\n}\n' >> "$fx/berry-pnp/.pnp.cjs"
printf '\n// (trimmed for cairn: the loader runtime that followed is left out; see\n// tests/tools/yarn-bun-fixtures.sh)\n' >> "$fx/berry-pnp/.pnp.cjs"
[ "$(grep checksum "$scratch/yp/yarn.lock")" = "$(grep checksum "$fx/berry/yarn.lock")" ] ||
	echo "note: berry-pnp locks other archives than berry: its test reads berry-cache"

project "$scratch/bn"
(cd "$scratch/bn" && BUN_INSTALL_CACHE_DIR="$scratch/bncache" "$scratch/bun/node_modules/.bin/bun" install --silent)
commit "$scratch/bn" bun package.json bun.lock node_modules
# bun's cache: the folders it extracted (<name>@<version>@@@1; its *.npm
# manifest files and <name>/<version> links are not needed)
rm -rf "$fx/bun-cache"
mkdir -p "$fx/bun-cache"
(cd "$scratch/bncache" && find . -maxdepth 2 -type d -name '*@@@1') | while read -r d; do
	mkdir -p "$fx/bun-cache/$(dirname "$d")"
	cp -r "$scratch/bncache/$d" "$fx/bun-cache/$d"
done
# bun 1.2+ writes bun.lockb only when told to (bunfig.toml)
project "$scratch/bnb"
printf '[install]\nsaveTextLockfile = false\n' > "$scratch/bnb/bunfig.toml"
(cd "$scratch/bnb" && BUN_INSTALL_CACHE_DIR="$scratch/bncache" "$scratch/bun/node_modules/.bin/bun" install --silent)
commit "$scratch/bnb" bunb package.json bunfig.toml bun.lockb node_modules
echo "fixtures in $fx (scratch $scratch)"
# an npm cache holding the four tarballs: bun (and yarn 1) installs are
# checked against it by their lockfile integrity (--npm-cache)
rm -rf "$fx/npm-cache-4"
npm cache add --cache "$fx/npm-cache-4" @tootallnate/once@2.0.0 debug@4.3.4 is-number@7.0.0 ms@2.1.2
rm -rf "$fx/npm-cache-4/_logs" "$fx/npm-cache-4/_update-notifier-last-checked" \
	"$fx/npm-cache-4/_cacache/index-v5" "$fx/npm-cache-4/_cacache/tmp"
# keep the tarballs only (the registry documents are most of the bytes)
for sri in $(grep -ho 'sha512-[A-Za-z0-9+/=]*' "$fx/bun/bun.lock"); do
	node -e 'console.log(Buffer.from(process.argv[1].slice(7),"base64").toString("hex"))' "$sri"
done > "$scratch/keep"
find "$fx/npm-cache-4/_cacache/content-v2" -type f | while read -r f; do
	h=$(echo "$f" | sed 's|.*/sha512/||; s|/||g')
	grep -qx "$h" "$scratch/keep" || rm -f "$f"
done
find "$fx/npm-cache-4" -type d -empty -delete
