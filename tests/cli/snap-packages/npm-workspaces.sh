#!/bin/sh
# npm workspaces made by the real npm (tests/tools/npm-ws-fixtures.sh):
# the root lockfile covers
# packages/a and packages/b (no "no committed lockfile" for them), the
# members' "*" dependencies on each other are not "unpinned", packages
# hoisted to the root are required by the member that declares them (not
# extraneous), and the links node_modules/a -> ../packages/a are records
# of their own.  (Global prefixes: tests/cli/snap-packages/npm-global.sh.)
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.rule, .severity, .title]'
}
fixture_copy "$fx/npm-workspaces" ws
run cairn-snap -q -o ws.cairn ws
zstd -dcq ws.cairn | jq -c 'select(.type == "npm_project") | [.project, .lockfile, .workspace_root,
	.workspace_members, .workspace_packages, .global, .installed]'
zstd -dcq ws.cairn | jq -c 'select(.type == "package") | [.project, .path, .name, .version, .locked_version,
	.flags, .link_target, [.required_by[].from]]'
echo "findings:"
findings ws.cairn

# every record says what it covers: the links are local code
zstd -dcq ws.cairn | jq -c 'select(.type == "package") | [.path, .coverage.verified, .coverage.reason]'
