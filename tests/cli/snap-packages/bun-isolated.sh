#!/bin/sh
# bun >= 1.3's isolated layout, installed by the real bun 1.4.5
# (tests/tools/bun-isolated-fixtures.sh): each package once in
# node_modules/.bun/<name>@<version>/node_modules/<name>, node_modules/<name>
# a symlink to it.  Each .bun package is an installed package bound to
# bun.lock's entry by name and version and verified against bun's cache;
# the links into .bun are edges, not packages.  Before, the root said
# "installed 0", the links were the only records, and in the workspace
# every bun.lock entry was a false locked_missing.  A file changed inside
# .bun is still named; a link out of the root is not followed.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
projects() {
	zstd -dcq "$1" | jq -c 'select(.type == "npm_project") | [.project, .manager, .lockfile,
		.workspace_members, .lock_entries, .installed]'
}
recs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.project, .path, .version,
		.locked_version, .flags, [.required_by[].from], .files.status, .files.modified,
		.coverage.reason]'
}
findings() {
	run cairn-report --snapshot "$1" --format json --no-timestamp -o r.json
	jq -c '.findings[] | [.rule, .severity, .title]' r.json
}
fixture_copy "$fx/bun-iso" p
fixture_copy "$fx/bun-iso-ws" ws
bun_iso_cache cache

run cairn-snap -q --no-npm-cache --bun-cache cache -o ok.cairn p
projects ok.cairn
recs ok.cairn
findings ok.cairn

# the workspace: members link into the root's .bun; those links are the
# members' edges to the root's records (required_by "packages/a"), not
# records of their own: as records they were 2 more "could not be
# verified" in the verdict
run cairn-snap -q --no-npm-cache --bun-cache cache -o ws.cairn ws
projects ws.cairn
recs ws.cairn
findings ws.cairn

# a scoped package (.bun/@tootallnate+once@2.0.0) and one keyed by its
# resolved peer (.bun/debug@4.3.4+<hash>): bound and verified the same
fixture_copy "$fx/bun-iso-peer" peer
run cairn-snap -q --no-npm-cache --bun-cache cache -o peer.cairn peer
projects peer.cairn
recs peer.cairn
findings peer.cairn

# no cache to compare with: not verified, with the reason
run cairn-snap -q --no-npm-cache -o nocache.cairn p
recs nocache.cairn

# a file changed inside .bun is named
printf '// added\n' >> p/node_modules/.bun/debug@4.3.4/node_modules/debug/src/index.js
run cairn-snap -q --no-npm-cache --bun-cache cache -o bad.cairn p
recs bad.cairn
findings bad.cairn

# a link out of the root is not followed
mkdir out
rm p/node_modules/ms
ln -s ../../out p/node_modules/ms
run cairn-snap -q --no-npm-cache --bun-cache cache -o out.cairn p
recs out.cairn

# a member's link into another project's .bun, not the workspace root's,
# stays a link record of the member: the root records nothing there, and
# dropping the link lost the member's use of that package (the link was
# in no record, no required_by)
mkdir -p ws/other/node_modules/.bun/x@1.0.0/node_modules/x
printf '{"name":"x","version":"1.0.0"}\n' > ws/other/node_modules/.bun/x@1.0.0/node_modules/x/package.json
ln -s ../../../other/node_modules/.bun/x@1.0.0/node_modules/x ws/packages/a/node_modules/x
run cairn-snap -q --no-npm-cache --bun-cache cache -o other.cairn ws
zstd -dcq other.cairn | jq -c 'select(.type == "package" and .project != "") |
	[.project, .path, .name, .flags, [.required_by[].from]]'
