#!/bin/sh
# A snapshot made by cairn-snap against the live tree after touching files;
# the snapshot's --exclude is re-applied to the live walk.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

mkdir -p root/lib root/cache
printf 'module.exports = 1\n' > root/lib/index.js
printf 'keep\n' > root/keep
printf 'x\n' > root/cache/blob
printf '#!/bin/sh\n' > root/run.sh
cairn-snap -q --no-packages --exclude cache root -o s.cairn

cairn-diff s.cairn --live root > same.out || fail "unchanged tree: exit $?"
grep -q '^no differences' same.out || fail "unchanged tree reported changes"

printf 'module.exports = require("child_process")\n' > root/lib/index.js
chmod 755 root/run.sh
printf 'new\n' > root/dropper
printf 'y\n' > root/cache/other            # excluded in the snapshot
touch -d '2030-01-01 00:00:00' root/keep    # mtime only
set +e; cairn-diff s.cairn --live root > d.out 2> d.err; rc=$?; set -e
[ "$rc" = 1 ] || fail "exit $rc: $(cat d.err)"
grep -q '^  ~ lib/index.js  content' d.out || fail "content change"
grep -q '^  m run.sh  mode 0644 -> 0755' d.out || fail "mode change"
grep -q '^  + dropper' d.out || fail "added file"
! grep -q 'cache' d.out || fail "excluded folder reported"
! grep -q ' keep' d.out || fail "mtime-only change without --mtime"
grep -q '(live tree)' d.out || fail "live label"
set +e; cairn-diff --mtime s.cairn --live root > m.out; set -e
grep -q '^  m keep  mtime .* -> 2030-01-01T00:00:00' m.out || fail "--mtime: $(grep keep m.out)"
set +e; cairn-diff --json s.cairn --live root > d.json; set -e
jq -e '.mode == "live" and .summary.added == 1 and .summary.modified == 1' d.json > /dev/null ||
	fail "JSON"
# a missing root is trouble
set +e; cairn-diff s.cairn --live nope > /dev/null 2> e.err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q nope e.err || fail "missing root: exit $rc"
echo ok
