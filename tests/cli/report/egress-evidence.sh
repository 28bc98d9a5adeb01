# The report judges names by their evidence: allowlisted names that the
# capture's DNS contradicts are CAIRN-E02 (never "allowed"), names only the
# client claimed are "allowed (unconfirmed)" and listed by one CAIRN-E03.
. "$CAIRN_SRC/tests/cli/report/common.inc"
cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
"$CAIRN_TOOLS/pcapgen" spoof spoof.pcap
"$CAIRN_TOOLS/pcapgen" spoof-nodns nodns.pcap
printf 'api.openai.com\napi.anthropic.com\nghost.example.org\n10.1.0.1\n' >allow.txt

report --snapshot good.cairn --capture spoof.pcap --allow allow.txt --no-timestamp \
	--format json -o r.json
schema_check r.json
has_id r.json CAIRN-E02
has_id r.json CAIRN-E03
lacks_id r.json CAIRN-E01
[ "$(jq -r '[.findings[]|select(.id=="CAIRN-E02")|.evidence[0].host]|sort|join(",")' r.json)" = \
	"198.51.100.77,203.0.113.50,203.0.113.51" ] || fail "E02 hosts"
jq -e '.findings[]|select(.id=="CAIRN-E02")|.evidence[]|select(.host=="api.openai.com" and
	.detail=="claimed in http-host; the capture'"'"'s DNS put it on 162.159.140.245")' r.json >/dev/null ||
	fail "E02 does not say where DNS put the name"
[ "$(jq -r '.findings[]|select(.id=="CAIRN-E03")|.title' r.json)" = \
	"1 host allowed only by names nothing in the capture confirms: api.anthropic.com" ] ||
	fail "E03 title: $(jq -r '.findings[]|select(.id=="CAIRN-E03")|.title' r.json)"
[ "$(jq -r '[.egress[]|.host+"="+.status]|join(" ")' r.json)" = \
	"198.51.100.77=NOT ALLOWED (contradicted) 203.0.113.50=NOT ALLOWED (contradicted) 203.0.113.51=NOT ALLOWED (contradicted) api.anthropic.com=allowed (unconfirmed) api.openai.com=allowed 10.1.0.1=resolver" ] ||
	fail "egress statuses: $(jq -c '[.egress[]|.status]' r.json)"

# the same judgement from the capture's own JSON (no --allow at report time)
"$CAIRN_BIN/cairn-capture" --allow allow.txt --json spoof.pcap >cap.json || [ $? -eq 1 ] ||
	fail "cairn-capture exit"
report --snapshot good.cairn --capture-json cap.json --no-timestamp --format json -o j.json
[ "$(jq -c '[.findings[]|select(.id|startswith("CAIRN-E"))|.id]|sort' j.json)" = \
	'["CAIRN-E02","CAIRN-E02","CAIRN-E02","CAIRN-E03"]' ] || fail "from capture JSON"

# no DNS in the capture: nothing is contradicted, all three are unconfirmed
report --snapshot good.cairn --capture nodns.pcap --allow allow.txt --no-timestamp \
	--format json -o n.json
lacks_id n.json CAIRN-E01
lacks_id n.json CAIRN-E02
[ "$(jq -r '.findings[]|select(.id=="CAIRN-E03")|.severity' n.json)" = info ] || fail "E03 severity"
[ "$(jq '[.findings[]|select(.id=="CAIRN-E03")|.evidence[]]|length' n.json)" = 3 ] || fail "E03 count"
report --snapshot good.cairn --capture nodns.pcap --allow allow.txt --no-timestamp -o n.md
grep -Eq 'allowed [\\]?\(unconfirmed[\\]?\)' n.md || fail "markdown lacks the unconfirmed status"
exit 0
