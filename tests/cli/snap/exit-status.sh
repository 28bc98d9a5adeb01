#!/bin/sh
# Exit status policy: 0 written and clean, 2 trouble and nothing written;
# --help/--version on stdout; usage errors exit 2 (the messages themselves
# are pinned by the golden files of snap/usage).  Unreadable entries (exit
# 1): snap/unreadable.sh.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"

expect_exit 0 cairn-snap --help
grep -q '^usage: cairn-snap' out.txt || fail "--help: no usage on stdout"
[ ! -s err.txt ] || fail "--help wrote to stderr"
expect_exit 0 cairn-snap --version
grep -q '^cairn-snap [0-9]' out.txt || fail "--version output"

# usage errors: 2, nothing on stdout, usage on stderr, nothing written
expect_exit 2 cairn-snap
[ ! -s out.txt ] || fail "usage error wrote to stdout"
grep -q '^usage: cairn-snap' err.txt || fail "no usage text"
expect_exit 2 cairn-snap --no-such-option x -o y
[ ! -e y ] || fail "--no-such-option wrote y"
expect_exit 2 cairn-snap -j 0 . -o y
[ ! -e y ] || fail "-j 0 wrote y"

mkdir tree
printf 'ok\n' > tree/ok
expect_exit 0 cairn-snap -q tree -o clean.cairn
[ "$(zstdcat clean.cairn | tail -n 1 | jq .errors)" = 0 ] || fail "errors in a clean snapshot"

# missing root: 2, nothing written
expect_exit 2 cairn-snap -q missing -o m.cairn
[ ! -e m.cairn ] || fail "missing root: m.cairn written"
grep -q "missing" err.txt || fail "missing root: message does not name it"
# output folder missing: 2
expect_exit 2 cairn-snap -q tree -o nodir/x.cairn
grep -q "nodir" err.txt || fail "missing output folder not named"
exit 0
