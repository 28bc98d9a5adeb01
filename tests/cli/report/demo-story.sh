#!/bin/sh
# `make demo` tells one story on one clock: the baseline snapshot, then the
# reinstall that pulled 1.0.1 (the npm cache's fetch, the files it wrote),
# then the exfiltration in the capture, then the snapshot that shows it.
# Two runs give the same report (apart from the generation time and the
# inputs' hashes, which cover ctimes and inode numbers).
. "$CAIRN_SRC/tests/cli/report/common.inc"

run_demo() { # OUT
	rc=0
	DEMO_OUT=$PWD/$1 sh "$S/demo.sh" > "$1.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { cat "$1.log" >&2; fail "demo: exit $rc"; }
}
run_demo one
r=one/report.json
[ "$(jq -r .verdict.headline "$r")" = "Compromise indicators found: act now" ] ||
	fail "headline: $(jq -r .verdict.headline "$r")"

# the events in time order, by kind and label (the snapshot times were
# given with --created: changes are placed by their mtime, shown beside)
jq -r '.timeline.events[] | "\(.kind) \(.label)"' "$r" > events.txt
cat > events.want <<'T'
snapshot baseline snapshot
install fetched mcp-server-1.0.1.tgz
change added node_modules/@acme/mcp-server/scripts/setup.js (mtime 2026-11-22T14:03:04.000000000Z)
change modified node_modules/.package-lock.json (mtime 2026-11-22T14:03:04.000000000Z)
change modified node_modules/@acme/mcp-server/index.js (mtime 2026-11-22T14:03:04.000000000Z)
change modified node_modules/@acme/mcp-server/package.json (mtime 2026-11-22T14:03:04.000000000Z)
change modified package-lock.json (mtime 2026-11-22T14:03:04.000000000Z)
snapshot snapshot
T
diff -u events.want events.txt >&2 || fail "timeline events out of the story's order"

# and the capture inside it: the registry download holds the fetch, the
# post to the unknown host follows the files the install wrote, and it all
# happened between the two snapshots
t() { jq -r "$1" "$r"; }
base=$(t '.timeline.events[] | select(.label == "baseline snapshot") | .t_ns')
snap=$(t '.timeline.events[] | select(.label == "snapshot") | .t_ns')
fetch=$(t '.timeline.events[] | select(.kind == "install") | .t_ns')
last_change=$(t '[.timeline.events[] | select(.kind == "change") | .t_ns] | max')
cairn-capture --allow "$S/allow.txt" --json "$S/egress.pcap" > cap.json || [ $? = 1 ] || fail "cairn-capture"
ns() { # HOST FIELD: the capture's time of HOST as ns since the epoch
	jq -r --arg h "$1" --arg f "$2" '.totals[] | select(.host == $h) | .[$f]' cap.json |
		{ IFS=. read -r s frac; frac=${frac%Z}; echo "$(date -u -d "$s" +%s)${frac}"; }
}
reg_first=$(ns registry.npmjs.org first_seen)
reg_last=$(ns registry.npmjs.org last_seen)
exfil_first=$(ns telemetry.acme-cdn.example first_seen)
exfil_last=$(ns telemetry.acme-cdn.example last_seen)
[ "$base" -lt "$reg_first" ] || fail "the capture starts before the baseline snapshot"
[ "$reg_first" -le "$fetch" ] && [ "$fetch" -le "$reg_last" ] ||
	fail "the registry download ($reg_first..$reg_last) does not hold the fetch ($fetch)"
[ "$last_change" -lt "$exfil_first" ] || fail "the exfiltration ($exfil_first) precedes the install's files ($last_change)"
[ "$exfil_last" -lt "$snap" ] || fail "the capture ends after the snapshot"
# the capture windows with the unknown host sit between the snapshots too
t '.timeline.windows[] | select(.unknown > 0) | .start_ns' | while read -r w; do
	[ "$base" -lt "$w" ] && [ "$w" -lt "$snap" ] || fail "window $w outside the snapshots"
done
# the provenance says the snapshot times were given, not read from a clock
[ "$(t '[.provenance.inputs[] | select(.role == "snapshot" or .role == "baseline") | .detail | test("time given with --created")] | all')" = true ] ||
	fail "provenance: $(t '.provenance.inputs[].detail')"

strip() { jq 'del(.generated, .provenance.generated) | del(.provenance.inputs[].sha256)' "$1"; }
strip one/report.json > one.json
run_demo one
strip one/report.json > two.json
diff -u one.json two.json >&2 || fail "two runs of the demo differ"
echo "demo: baseline, install, exfiltration, snapshot; the same story twice"
