#!/bin/sh
# A yarn 1 workspace installed by the real yarn 1.22
# (tests/tools/yarn-bun-fixtures.sh): member b's debug 2.6.9 is hoisted
# to the root, member a's debug 4.3.4 and ms 2.1.2 stay nested in
# packages/a/node_modules.  Each member binds the root's yarn.lock by
# name to its own packages (manager yarn, locked, verified against the
# yarn cache, which holds those two).  They were judged against the
# root's lockfile as bound to the root's folders, where no entry is
# below packages/a: "not_locked", manager "pnpm", and a false
# CAIRN-P09 "2 installed packages not covered by the lockfile".  The
# entries no member installs are not locked_missing in every member.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
fixture_copy "$fx/yarn1-ws" ws
run cairn-snap -q --yarn-cache "$fx/yarn1-cache/v6" -o ws.cairn ws
zstd -dcq ws.cairn | jq -c 'select(.type == "npm_project") | [.project, .manager, .lockfile,
	.workspace_root, .workspace_members, .workspace_packages, .lock_entries, .installed]'
zstd -dcq ws.cairn | jq -c 'select(.type == "package") | [.project, .path, .manager, .version,
	.locked_version, .flags, [.required_by[].from], .files.status, .coverage.reason]'
run cairn-report --snapshot ws.cairn --format json --no-timestamp -o r.json
jq -c '.findings[] | [.rule, .severity, .title]' r.json
