#!/bin/sh
# cairn-capture on the demo's capture of the agent host (samples/egress.pcap)
# against samples/allow.txt, pinned by the golden files beside this script
# (make cli-update CASES=capture/samples): text, --only-unknown, CSV,
# JSON; and without an allowlist.  (tests/cli/capture/golden.sh pins the
# generated fixture capture the same way.)
. "$CAIRN_SRC/tests/cli/lib.sh"
ln -s "$CAIRN_SRC/samples/egress.pcap" egress.pcap
ln -s "$CAIRN_SRC/samples/allow.txt" allow.txt

run cairn-capture --allow allow.txt egress.pcap
run cairn-capture --allow allow.txt --only-unknown egress.pcap
run cairn-capture --allow allow.txt --csv egress.pcap
run cairn-capture --allow allow.txt --json egress.pcap
run cairn-capture -w 1h egress.pcap
