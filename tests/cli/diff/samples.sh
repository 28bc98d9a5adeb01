#!/bin/sh
# cairn-diff on the demo's snapshots of samples/good and samples/compromised
# (samples/demo.sh, fixed clock), pinned by the golden files beside this
# script (make cli-update CASES=diff/samples): two snapshot files, and
# the same two as revisions of the store with --patch.
. "$CAIRN_SRC/tests/cli/lib.sh"
demo_story

run cairn-diff out/baseline.cairn out/snapshot.cairn
run cairn-diff --findings out/baseline.cairn out/snapshot.cairn
run cairn-diff --findings --patch --store out/store "$BRANCH~1" "$BRANCH"
run cairn-diff --store out/store "$BRANCH" "$BRANCH"
run cairn-diff --store out/store "$BRANCH~1" no-such-rev
