#!/bin/sh
# Every CAIRN-A04 finding has its own title: two secrets read by one tool
# in one message (the fixture's read_text_file of an AWS credentials file)
# are told apart by the name each was under; two values under one name in
# one place by their length, and when that is equal too by their keyed
# hash (never the value).  Logs: the real JSON-RPC fixture, and copies of
# it whose read_text_file result holds two values of one name.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
mkdir root
echo x > root/file
# a fixed key, so that the HMACs the titles show are the same every run
printf '%032d' 7 > k
chmod 600 k
env -i PATH="$PATH" HOME="$PWD" cairn-snap -q --env --env-key k -o s.cairn root
fx="$CAIRN_SRC/tests/fixtures/agentlogs/jsonrpc/filesystem.ndjson"
pair='AWS_ACCESS_KEY_ID=AKIACAIRNTEST0000FAK\\nAWS_SECRET_ACCESS_KEY=cairnTestFakeSecretKey0000000000000000000\\n'
sed "s|$pair|AWS_SECRET_ACCESS_KEY=cairnTestFakeSecretKey0000000000000000000\\\\nAWS_SECRET_ACCESS_KEY=cairnTestOtherKey00000000\\\\n|g" \
	"$fx" > lengths.ndjson
sed "s|$pair|AWS_SECRET_ACCESS_KEY=cairnTestFakeSecretKey0000000000000000000\\\\nAWS_SECRET_ACCESS_KEY=cairnTestFakeSecretKey1111111111111111111\\\\n|g" \
	"$fx" > same-length.ndjson
for f in lengths.ndjson same-length.ndjson; do
	if cmp -s "$fx" "$f"; then fail "$f: sed changed nothing"; fi
done
titles() {
	rc=0
	cairn-report --snapshot s.cairn --env-key k --capture "$1" --format json --no-timestamp \
		-o r.json 2>/dev/null || rc=$?
	echo "cairn-report exit $rc"
	jq -r '.findings[] | select(.id == "CAIRN-A04") | .severity + " " + .title' r.json
	jq -r '[.findings[] | select(.id == "CAIRN-A04") | .title] | group_by(.) | map(select(length > 1)) |
		.[] | "same title twice: " + .[0]' r.json
}
run titles "$fx"
run titles lengths.ndjson
run titles same-length.ndjson
secrets() { jq -c ".agent.secrets[] | [.name, .where, .rules, .length]"; }
run_f secrets cairn-capture --json --env-key k same-length.ndjson
