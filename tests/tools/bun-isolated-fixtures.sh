#!/bin/sh
# Regenerate tests/fixtures/packages/{bun-iso,bun-iso-ws,bun-iso-peer,bun-iso-cache}
# with the real bun (network: the npm registry; bun 1.4.5 made the
# committed ones).  bun >= 1.3's isolated linker (bunfig.toml [install]
# linker = "isolated"; the default for workspaces) installs each package
# once in node_modules/.bun/<name>@<version>/node_modules/<name> and links
# node_modules/<name> (and a member's packages/a/node_modules/<name>)
# there, as pnpm's .pnpm store does.
#   bun-iso      a project with debug 4.3.4 (its ms 2.1.2) and ms 2.1.3
#   bun-iso-ws   a workspace: the root needs ms 2.1.3, member a debug
#                4.3.4, member b debug 2.6.9 (its ms 2.0.0) and a
#   bun-iso-peer a scoped package (.bun/@tootallnate+once@2.0.0) and a
#                peer-resolved one (debug 4.3.4 with its optional peer
#                supports-color 8.1.1: .bun/debug@4.3.4+<hash>)
#   bun-iso-cache  the folders bun extracted into its cache
#                (<name>@<version>@@@1) for --bun-cache, less those
#                byte-identical to bun-cache's (tests/cli/lib.sh
#                bun_iso_cache puts them back at run time)
#
#   sh tests/tools/bun-isolated-fixtures.sh [SCRATCH]   (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/bunlock.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages"
mkdir -p "$scratch"
npm install --prefix "$scratch/bun" --no-audit --no-fund --silent bun@1
bun="$scratch/bun/node_modules/.bin/bun"
"$bun" --version

rm -rf "$scratch/iso" "$scratch/isows" "$scratch/peer" "$scratch/cache"
mkdir -p "$scratch/peer" "$scratch/iso" "$scratch/isows/packages/a" "$scratch/isows/packages/b"
echo '{"name":"cairn-fixture-bun-iso","version":"1.0.0","private":true,"dependencies":{"debug":"4.3.4","ms":"2.1.3"}}' >"$scratch/iso/package.json"
printf '[install]\nlinker = "isolated"\n' >"$scratch/iso/bunfig.toml"
echo '{"name":"cairn-fixture-bun-ws","version":"1.0.0","private":true,"workspaces":["packages/*"],"dependencies":{"ms":"2.1.3"}}' >"$scratch/isows/package.json"
echo '{"name":"a","version":"1.0.0","dependencies":{"debug":"4.3.4"}}' >"$scratch/isows/packages/a/package.json"
echo '{"name":"b","version":"1.0.0","dependencies":{"a":"workspace:*","debug":"2.6.9"}}' >"$scratch/isows/packages/b/package.json"
echo '{"name":"cairn-fixture-bun-peer","version":"1.0.0","private":true,"dependencies":{"@tootallnate/once":"2.0.0","debug":"4.3.4","supports-color":"8.1.1"}}' >"$scratch/peer/package.json"
cp "$scratch/iso/bunfig.toml" "$scratch/peer/"
for p in iso isows peer; do
	(cd "$scratch/$p" && BUN_INSTALL_CACHE_DIR="$scratch/cache" "$bun" install --silent)
done
[ -d "$scratch/iso/node_modules/.bun" ] && [ -d "$scratch/isows/node_modules/.bun" ] ||
	{ echo "bun did not install isolated" >&2; exit 1; }
rm -rf "$fx/bun-iso" "$fx/bun-iso-ws" "$fx/bun-iso-peer" "$fx/bun-iso-cache"
mkdir -p "$fx/bun-iso" "$fx/bun-iso-ws" "$fx/bun-iso-peer" "$fx/bun-iso-cache"
(cd "$scratch/iso" && cp -a package.json bunfig.toml bun.lock node_modules "$fx/bun-iso/")
(cd "$scratch/isows" && cp -a package.json bun.lock node_modules packages "$fx/bun-iso-ws/")
(cd "$scratch/peer" && cp -a package.json bunfig.toml bun.lock node_modules "$fx/bun-iso-peer/")
(cd "$scratch/cache" && find . -maxdepth 2 -type d -name '*@@@1') | while read -r d; do
	if diff -r "$scratch/cache/$d" "$fx/bun-cache/$d" >/dev/null 2>&1; then
		continue
	fi
	mkdir -p "$fx/bun-iso-cache/$(dirname "$d")"
	cp -r "$scratch/cache/$d" "$fx/bun-iso-cache/$d"
done
echo "fixtures in $fx (scratch $scratch)"
