#!/bin/sh
# make demo's story (samples/demo.sh: samples/good, samples/compromised,
# the agent host's capture, fixed clock) and the reports it writes, pinned
# by the golden files beside this script (make cli-update
# CASES=report/samples): what the demo prints, report.md and report.json;
# then the same report from the snapshot files, with --no-timestamp and
# --fail-on.
. "$CAIRN_SRC/tests/cli/lib.sh"
demo_story
run cat demo.txt
# out/report.md carries the generation time (the md run below does not)
run cat out/report.json

S=$CAIRN_SRC/samples
ln -s "$S/egress.pcap" egress.pcap
ln -s "$S/allow.txt" allow.txt
run cairn-report --no-timestamp --format md --baseline out/baseline.cairn \
	--snapshot out/snapshot.cairn --capture egress.pcap --allow allow.txt
run cairn-report --no-timestamp --format md --snapshot out/baseline.cairn --fail-on critical
run cairn-report --no-timestamp -o lone.json --snapshot out/baseline.cairn --fail-on high
run jq -r '.verdict.headline, (.findings[] | "\(.severity) \(.id)")' lone.json
