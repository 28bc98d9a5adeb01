#!/bin/sh
# tests/tools/arborist-compare.sh: cairn-snap against npm's own tree loader
# on npm's own test fixtures (issue 16).  Not part of make check: it needs
# data from the network, and skips (exit 77, saying why) without it.
#
#   sh tests/tools/arborist-compare.sh NPM_CLI_GIT ARBORIST_PREFIX [TREE...]
#
# NPM_CLI_GIT: a git directory of https://github.com/npm/cli (a bare
# mirror is enough); the fixtures are read from
# workspaces/arborist/test/fixtures at HEAD and set up the way arborist's
# tests do (their index.js makes the symlinks).  ARBORIST_PREFIX: a folder
# where `npm install @npmcli/arborist` was run (its node_modules is used).
# Prints one line per tree (agree / differ with the differences) and
# "agree N of M trees"; see tests/tools/arborist-compare.js for what is
# compared and which documented choices are not counted as differences.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
if [ $# -lt 2 ]; then
	echo "usage: arborist-compare.sh NPM_CLI_GIT ARBORIST_PREFIX [TREE...]" >&2
	exit 2
fi
git_dir=$1
arb=$2
shift 2
for c in node git zstd; do
	command -v "$c" >/dev/null 2>&1 || { echo "skip: $c not installed"; exit 77; }
done
if ! git --git-dir="$git_dir" rev-parse -q --verify HEAD:workspaces/arborist/test/fixtures >/dev/null; then
	echo "skip: $git_dir is no npm/cli repository (fetch github:npm/cli)"
	exit 77
fi
if [ ! -f "$arb/node_modules/@npmcli/arborist/package.json" ]; then
	echo "skip: no @npmcli/arborist under $arb (cd $arb && npm install @npmcli/arborist)"
	exit 77
fi
snap=${CAIRN_SNAP:-$src/bin/cairn-snap}
[ -x "$snap" ] || { echo "arborist-compare.sh: no $snap (make first)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fx=$work/fixtures
mkdir -p "$fx"
# every blob and symlink of the fixtures (the registry mocks are not
# trees, and a partial mirror may lack some blobs: those are left out)
git --git-dir="$git_dir" ls-tree -r HEAD workspaces/arborist/test/fixtures |
	grep -v -e /registry-mocks/ -e /reify-cases/ |
	while read -r mode _type obj p; do
		rel=${p#workspaces/arborist/test/fixtures/}
		mkdir -p "$fx/$(dirname "$rel")"
		if [ "$mode" = 120000 ]; then
			ln -s "$(git --git-dir="$git_dir" cat-file blob "$obj")" "$fx/$rel"
		elif ! git --git-dir="$git_dir" cat-file blob "$obj" >"$fx/$rel" 2>/dev/null; then
			rm -f "$fx/$rel"
		fi
	done
(cd "$fx" && NODE_PATH="$arb/node_modules" node index.js)
echo "npm/cli $(git --git-dir="$git_dir" rev-parse --short HEAD), arborist $(node -p "require('$arb/node_modules/@npmcli/arborist/package.json').version")"
node "$here/arborist-compare.js" "$arb/node_modules" "$snap" "$fx" "$@"
