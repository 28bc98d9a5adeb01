#!/bin/sh
# cairn-diff's outputs, pinned by the golden files beside this script
# (make cli-update CASES=diff/outputs): two snapshots made by the library
# (tests/tools/gen-snapshot --spec tests/fixtures/spec/changes-{a,b}.json,
# every field fixed) with one change of each kind: text, colour, --json,
# --findings (text and JSON), --mtime, --ignore, --quiet, and identical
# inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
spec="$CAIRN_SRC/tests/fixtures/spec"
"$CAIRN_TOOLS/gen-snapshot" --spec "$spec/changes-a.json" a.cairn || fail "gen-snapshot a"
"$CAIRN_TOOLS/gen-snapshot" --spec "$spec/changes-b.json" b.cairn || fail "gen-snapshot b"
printf 'logs/\n' >ign

run cairn-diff a.cairn a.cairn
run cairn-diff --json a.cairn a.cairn
run cairn-diff a.cairn b.cairn
run cairn-diff --color=always a.cairn b.cairn
run cairn-diff --json a.cairn b.cairn
run cairn-diff --findings a.cairn b.cairn
run cairn-diff --findings --json a.cairn b.cairn
run cairn-diff --mtime a.cairn b.cairn
run cairn-diff --ignore-file ign --ignore 'bin/*' a.cairn b.cairn
run cairn-diff -q a.cairn b.cairn
run cairn-diff b.cairn a.cairn
