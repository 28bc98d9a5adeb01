#!/bin/sh
# Hostile names (terminal escapes, newlines, invalid UTF-8, bidi override)
# are escaped on the terminal and carried exactly in JSON.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
mkdir root
printf 'a\n' > root/plain
cairn-snap -q --no-packages root -o a.cairn
esc=$(printf 'x\033[2Jy')
nl=$(printf 'n\nl')
printf '1' > "root/$esc"
printf '2' > "root/$nl"
printf '3' > "root/$(printf 'bad\377')"
printf '4' > "root/$(printf 'rtl\342\200\256txt.js')"
cairn-snap -q --no-packages root -o b.cairn
set +e; cairn-diff a.cairn b.cairn > d.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "exit $rc"
! grep -q "$(printf '\033')" d.out || fail "raw ESC on output"
grep -q 'x\\x1b\[2Jy' d.out || fail "escaped ESC"
grep -q 'n\\nl' d.out || fail "escaped newline"
grep -q 'bad\\xff' d.out || fail "escaped invalid byte"
grep -q 'rtl\\u{202e}txt.js' d.out || fail "escaped bidi override"
[ "$(grep -c '^  + ' d.out)" = 4 ] || fail "four added lines"
set +e; cairn-diff --json a.cairn b.cairn > d.json; set -e
jq -e '[.changes[] | select(.path_esc == "bad\\xff")] | length == 1' d.json > /dev/null ||
	fail "path_esc in JSON"
echo ok
