#!/bin/sh
# tests/tools/mcp-managers.sh: the per-manager figures of issue 16 (not
# part of make check: it needs the npm registry).  Installs a real MCP
# server package with each package manager into scratch folders, each with
# its own cache, then compares cairn-snap's package records with the
# manager's own listing and counts what was verified against that cache:
#
#   sh tests/tools/mcp-managers.sh [SCRATCH] [PACKAGE@VERSION]
#
# (from the source tree, after make).  Managers: npm, npm -g, npm
# workspaces, pnpm 9, yarn 1, yarn 4 (nodeLinker: node-modules and PnP,
# the global cache), bun (its default hard links, and --backend=copyfile).
set -u
src=$(pwd)
[ -x "$src/bin/cairn-snap" ] || { echo "run from the source tree after make" >&2; exit 2; }
for c in npm node jq zstd bc; do
	command -v $c >/dev/null 2>&1 || { echo "skip: $c not installed"; exit 77; }
done
M=${1:-$(mktemp -d)}
spec=${2:-@modelcontextprotocol/server-filesystem@2026.8.31}
PKG=${spec%@*} VER=${spec##*@}
mkdir -p "$M"
# (yarn 1 in a prefix of its own: yarn 4's package also installs a "yarn")
{ npm install --prefix "$M/tools" --no-audit --no-fund --silent pnpm@9 @yarnpkg/cli-dist@4 bun@1 &&
  npm install --prefix "$M/yarn1" --no-audit --no-fund --silent yarn@1; } ||
	{ echo "skip: cannot install the managers from the npm registry"; exit 77; }
T=$M/tools/node_modules/.bin
Y1=$M/yarn1/node_modules/.bin/yarn
pj() { mkdir -p "$1"; printf '{"name":"mcp-host","version":"1.0.0","private":true,"dependencies":{"%s":"%s"}}\n' "$PKG" "$VER" > "$1/package.json"; }
rm -rf "$M/p" "$M/c"
pj "$M/p/npm"; (cd "$M/p/npm" && npm install --cache "$M/c/npm" --no-audit --no-fund --silent)
mkdir -p "$M/p/npmg"; npm install -g --prefix "$M/p/npmg" --cache "$M/c/npmg" --no-audit --no-fund --silent "$spec"
mkdir -p "$M/p/ws/packages/srv"
printf '{"name":"ws-root","private":true,"workspaces":["packages/*"]}\n' > "$M/p/ws/package.json"
printf '{"name":"srv","version":"1.0.0","dependencies":{"%s":"%s"}}\n' "$PKG" "$VER" > "$M/p/ws/packages/srv/package.json"
(cd "$M/p/ws" && npm install --cache "$M/c/ws" --no-audit --no-fund --silent)
pj "$M/p/pnpm"; (cd "$M/p/pnpm" && "$T/pnpm" install --store-dir "$M/c/pnpm-store" --silent)
pj "$M/p/y1"; (cd "$M/p/y1" && "$Y1" install --silent --no-progress --non-interactive --cache-folder "$M/c/y1")
pj "$M/p/y4nm"; printf 'nodeLinker: node-modules\nenableTelemetry: false\n' > "$M/p/y4nm/.yarnrc.yml"
(cd "$M/p/y4nm" && HOME="$M/c/y4home" "$M/tools/node_modules/@yarnpkg/cli-dist/bin/yarn.js" install >/dev/null)
pj "$M/p/y4pnp"; printf 'enableTelemetry: false\n' > "$M/p/y4pnp/.yarnrc.yml"
(cd "$M/p/y4pnp" && HOME="$M/c/y4home" "$M/tools/node_modules/@yarnpkg/cli-dist/bin/yarn.js" install >/dev/null)
pj "$M/p/bun"; (cd "$M/p/bun" && BUN_INSTALL_CACHE_DIR="$M/c/bun" "$T/bun" install --silent)
pj "$M/p/bunc"; (cd "$M/p/bunc" && BUN_INSTALL_CACHE_DIR="$M/c/bun" "$T/bun" install --silent --backend=copyfile)

one() { # name dir manager-count cairn-snap options...
	n=$1 d=$2 mc=$3
	shift 3
	s=$(date +%s.%N)
	"$src/bin/cairn-snap" -q --no-npm-cache -o "$M/$n.cairn" "$@" "$d" || { echo "| $n | cairn-snap failed |"; return; }
	e=$(date +%s.%N)
	rec=$(zstd -dcq "$M/$n.cairn" | jq -s '[.[] | select(.type=="package" and (.flags | index("locked_missing") | not))] | length')
	ver=$(zstd -dcq "$M/$n.cairn" | jq -s '[.[] | select(.type=="package" and .coverage.verified)] | length')
	lm=$(zstd -dcq "$M/$n.cairn" | jq -s '[.[] | select(.type=="package" and (.flags | index("locked_missing")))] | length')
	# every installed package is required by something, and none is
	# extraneous in a fresh install
	ex=$(zstd -dcq "$M/$n.cairn" | jq -s '[.[] | select(.type=="package" and (.flags | index("extraneous")))] | length')
	nr=$(zstd -dcq "$M/$n.cairn" | jq -s '[.[] | select(.type=="package" and (.flags | index("locked_missing") | not) and (.required_by | length) == 0)] | length')
	f=$("$src/bin/cairn-report" --snapshot "$M/$n.cairn" --format json --no-timestamp | jq -r '[.findings[] | .rule] | join(",")')
	printf '| %s | %s | %s | %s | %s | %s | %s | %.2f s | %s |\n' "$n" "$mc" "$rec" "$ver" "$lm" "$ex" "$nr" \
		"$(echo "$e - $s" | bc)" "$f"
}
echo "| manager | manager's own count | package records | verified | locked_missing | extraneous | required by nothing | cairn-snap time | findings |"
echo "|---|---|---|---|---|---|---|---|---|"
one npm "$M/p/npm" "$(cd "$M/p/npm" && npm ls --all --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)" --npm-cache "$M/c/npm"
one npm-g "$M/p/npmg/lib" "$(npm ls -g --prefix "$M/p/npmg" --all --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)" --npm-cache "$M/c/npmg"
one npm-workspaces "$M/p/ws" "$(cd "$M/p/ws" && npm ls --all --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)" --npm-cache "$M/c/ws"
one pnpm "$M/p/pnpm" "$(cd "$M/p/pnpm" && "$T/pnpm" ls --depth Infinity --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)" --pnpm-store "$M/c/pnpm-store"
one yarn1 "$M/p/y1" "$(cd "$M/p/y1" && "$Y1" list --json --silent 2>/dev/null | jq -r '[.. | objects | select((.name|type)=="string" and (.shadow != true)) | .name] | unique | length')" --yarn-cache "$M/c/y1/v6"
for v in y4nm y4pnp; do
	one "yarn4-$v" "$M/p/$v" "$(cd "$M/p/$v" && HOME="$M/c/y4home" "$M/tools/node_modules/@yarnpkg/cli-dist/bin/yarn.js" info -A -R --name-only 2>/dev/null | grep -vc workspace)" \
		--yarn-cache "$M/c/y4home/.yarn/berry/cache"
done
one bun "$M/p/bun" "$(cd "$M/p/bun" && "$T/bun" pm ls --all 2>/dev/null | tail -n +2 | wc -l)" --bun-cache "$M/c/bun"
one bun-copyfile "$M/p/bunc" "$(cd "$M/p/bunc" && "$T/bun" pm ls --all 2>/dev/null | tail -n +2 | wc -l)" --bun-cache "$M/c/bun"
