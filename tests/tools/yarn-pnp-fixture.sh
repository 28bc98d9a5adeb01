#!/bin/sh
# Regenerate tests/fixtures/packages/berry-pnp-ws with the real yarn 4
# (network: the npm registry): a Plug'n'Play install of a workspace root
# (debug, and the member as a devDependency) and one member packages/a
# (is-number), with pnpEnableInlining: false, so the graph is in
# .pnp.data.json and .pnp.cjs only reads it (yarn's split mode; the
# inlined RAW_RUNTIME_STATE form is tests/fixtures/packages/berry-pnp,
# tests/tools/yarn-bun-fixtures.sh).  Then @tootallnate/once is added to
# the member and `yarn install --mode=update-lockfile` run: yarn locks and
# fetches it but skips the link step, so it is in yarn.lock and the cache
# and in no PnP graph: Node cannot load it (cairn's "extraneous").
# Committed: the manifests, yarn.lock, .yarnrc.yml, .pnp.data.json and the
# head of .pnp.cjs (its setup function; the loader runtime after it is
# 430 KB of yarn's code).  The archives are those of berry-cache.
#
#   sh tests/tools/yarn-pnp-fixture.sh [SCRATCH]     (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/pnpdata.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages/berry-pnp-ws"
mkdir -p "$scratch"
npm install --prefix "$scratch/berry" --no-audit --no-fund --silent @yarnpkg/cli-dist@4
yarn="$scratch/berry/node_modules/.bin/yarn"
p="$scratch/ws"
rm -rf "$p"
mkdir -p "$p/packages/a"
cat > "$p/package.json" <<'JSON'
{"name":"cairn-fixture-pnp-ws","version":"1.0.0","private":true,"workspaces":["packages/*"],"dependencies":{"debug":"4.3.4"},"devDependencies":{"cairn-fixture-a":"workspace:*"}}
JSON
cat > "$p/packages/a/package.json" <<'JSON'
{"name":"cairn-fixture-a","version":"1.0.0","dependencies":{"is-number":"7.0.0"}}
JSON
printf 'enableGlobalCache: false\nenableTelemetry: false\npnpEnableInlining: false\n' > "$p/.yarnrc.yml"
(cd "$p" && HOME="$scratch/home" "$yarn" install >/dev/null)
node -e 'const f=process.argv[1], fs=require("fs"), j=JSON.parse(fs.readFileSync(f));
j.dependencies["@tootallnate/once"]="2.0.0"; fs.writeFileSync(f, JSON.stringify(j, null, 2) + "\n")' \
	"$p/packages/a/package.json"
cp "$p/.pnp.data.json" "$scratch/pnp-before.json"
(cd "$p" && HOME="$scratch/home" "$yarn" install --mode=update-lockfile >/dev/null)
cmp -s "$p/.pnp.data.json" "$scratch/pnp-before.json" ||
	{ echo "yarn relinked: .pnp.data.json changed" >&2; exit 1; }
rm -rf "$fx"
mkdir -p "$fx/packages/a"
cp "$p/package.json" "$p/yarn.lock" "$p/.yarnrc.yml" "$p/.pnp.data.json" "$fx/"
cp "$p/packages/a/package.json" "$fx/packages/a/"
sed -n '1,/^}/p' "$p/.pnp.cjs" > "$fx/.pnp.cjs"
printf '\n// (trimmed for cairn: the loader runtime that followed is left out; see\n// tests/tools/yarn-pnp-fixture.sh)\n' >> "$fx/.pnp.cjs"
echo "yarn $("$yarn" --version): fixture in $fx (scratch $scratch)"
