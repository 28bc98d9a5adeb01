#!/bin/sh
# Lockfile v1 as npm 5/6 wrote it (npm's own fixtures, tests/fixtures/
# packages/npm-arborist/README.md): "version" holding the source (a git
# spec, a github: shorthand, a codeload tarball URL, a file: tarball, npm
# 5's registry tarball URL) gives the installed version, the source as
# resolved, and no version_mismatch, no_resolved or name_mismatch; a
# file: folder installed as a symlink is a link, and the dependencies v1
# nests under it are the target's, covered by the root lockfile; a
# lockfile {"lockfileVersion": 1} is an empty tree.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages/npm-arborist"
fixture_copy "$fx/install-types" it
run cairn-snap -q -o it.cairn it
zstd -dcq it.cairn | jq -c 'select(.type == "package") | [.path, .version, .locked_version, .resolved,
	.flags, .coverage.reason]'

fixture_copy "$fx/link-dep-nested" ldn
run cairn-snap -q -o ldn.cairn ldn
zstd -dcq ldn.cairn | jq -c 'select(.type == "npm_project") | [.project, .lockfile, .workspace_root, .lock_entries, .installed]'
zstd -dcq ldn.cairn | jq -c 'select(.type == "package") | [.project, .path, .version, .locked_version,
	.resolved, .lockfile, .flags, .link_target]'
echo "findings:"
cairn-report --snapshot ldn.cairn --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'

# {"lockfileVersion": 1}: what npm writes for a project without
# dependencies; an empty tree, not a parse error
mkdir empty
printf '{"name":"e","version":"1.0.0"}\n' > empty/package.json
printf '{\n  "lockfileVersion": 1\n}\n' > empty/package-lock.json
run cairn-snap -q -o empty.cairn empty
zstd -dcq empty.cairn | jq -c 'select(.type == "npm_project" or .type == "parse_error") |
	[.type, .lockfile, .lockfile_version, .lock_entries, .message]'
echo "findings:"
cairn-report --snapshot empty.cairn --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'

# workspace_root matters where the root has no lockfile: the root is told
# to commit one, its members are not (npm's workspaces-simple fixture)
fixture_copy "$fx/workspaces-simple" ws
run cairn-snap -q -o ws.cairn ws
zstd -dcq ws.cairn | jq -c 'select(.type == "npm_project") | [.project, .lockfile, .workspace_root, .workspace_members]'
echo "findings:"
cairn-report --snapshot ws.cairn --format json --no-timestamp | jq -c '.findings[] | [.rule, .title]'
