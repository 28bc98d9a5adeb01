#!/bin/sh
# The demo capture in samples/: the agent host reaches the registry and the
# model API (allowed) and, right after the install and again minutes later,
# telemetry.acme-cdn.example -- the one host outside samples/allow.txt.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
s="$CAIRN_SRC/samples"
cairn-capture --allow "$s/allow.txt" --json "$s/egress.pcap" >r.json
rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
[ "$(jq -r '[.totals[]|select(.allowed==false)|.host]|join(",")' r.json)" = telemetry.acme-cdn.example ] ||
	fail "not-allowed hosts: $(jq -c '[.totals[]|select(.allowed==false)|.host]' r.json)"
[ "$(jq -r '[.windows[]|select(.host=="telemetry.acme-cdn.example")|.window_start]|join(",")' r.json)" = \
	"2026-11-22T14:00:00.000000000Z,2026-11-22T14:05:00.000000000Z" ] || fail "exfil windows"
[ "$(jq '.totals[]|select(.host=="telemetry.acme-cdn.example")|.bytes_out' r.json)" -gt 100000 ] ||
	fail "exfil bytes"
cairn-capture --allow "$s/allow.txt" --only-unknown "$s/egress.pcap" >r.txt
grep -q 'telemetry.acme-cdn.example .*NOT ALLOWED' r.txt || fail "text report"
grep -q 'registry.npmjs.org' r.txt && fail "--only-unknown shows the registry"
exit 0
