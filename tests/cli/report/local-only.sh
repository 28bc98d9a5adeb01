# A loopback capture through cairn-report: the report says it is local-only
# (CAIRN-E06, the egress note, the flows listed as not judged) and never
# "No outbound connection in the capture"; --all judges the flows.
. "$CAIRN_SRC/tests/cli/report/common.inc"
cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
"$CAIRN_TOOLS/pcapgen" local-only lo.pcap
printf 'api.anthropic.com\n' >allow.txt

report --snapshot good.cairn --capture lo.pcap --allow allow.txt --no-timestamp --format json -o r.json
schema_check r.json
has_id r.json CAIRN-E06
lacks_id r.json CAIRN-E01
[ "$(jq -r '.verdict.confidence' r.json)" = \
	"The capture holds no flow from a local address to a remote one (a local-only capture): egress was not examined; its local flows are listed, not judged (cairn-report --all judges them)." ] ||
	fail "confidence: $(jq -r .verdict.confidence r.json)"
[ "$(jq -r '[.egress[]|.host+"="+.status]|join(" ")' r.json)" = \
	"127.0.0.1=not judged (local-only capture) localhost=not judged (local-only capture)" ] || fail "egress rows"
jq -e '.egress_note|startswith("Local-only capture: no flow from a local address to a remote one.")' r.json >/dev/null ||
	fail "egress note"
for f in md html; do
	report --snapshot good.cairn --capture lo.pcap --allow allow.txt --no-timestamp -o r.$f
	if grep -q 'No outbound connection' r.$f; then fail "$f claims no outbound connection"; fi
	grep -q 'Local.*only capture' r.$f || fail "$f lacks the local-only note"
done

# --all: the flows are judged like any
report --snapshot good.cairn --capture lo.pcap --all --allow allow.txt --no-timestamp --format json -o a.json
lacks_id a.json CAIRN-E06
has_id a.json CAIRN-E01
[ "$(jq -r '[.egress[]|.status]|unique|join(",")' a.json)" = "NOT ALLOWED" ] || fail "--all statuses"
# --all needs a capture to read
rc=0
"$CAIRN_BIN/cairn-report" --snapshot good.cairn --all -o x.json 2>err.txt || rc=$?
[ "$rc" = 2 ] || fail "--all without --capture: exit $rc"
exit 0
