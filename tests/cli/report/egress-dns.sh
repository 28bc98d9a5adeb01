# DNS in the report: the LAN resolver is listed as a resolver and judged by
# nothing; 8.8.8.8 asked behind its back is CAIRN-E05; a burst of long
# names under one domain is CAIRN-E04 (with or without an allowlist); a
# domain on the allowlist is no tunnel finding.
. "$CAIRN_SRC/tests/cli/report/common.inc"
cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
"$CAIRN_TOOLS/pcapgen" resolvers res.pcap
"$CAIRN_TOOLS/pcapgen" resolver-only only.pcap
printf 'registry.npmjs.org\napi.anthropic.com\napi.github.com\n' >names.txt

report --snapshot good.cairn --capture res.pcap --allow names.txt --no-timestamp --format json -o r.json
schema_check r.json
has_id r.json CAIRN-E04
has_id r.json CAIRN-E05
lacks_id r.json CAIRN-E01
[ "$(jq -r '.findings[]|select(.id=="CAIRN-E04")|.title' r.json)" = \
	"possible DNS tunnel: 60 distinct names looked up under tunnel.example" ] || fail "E04 title"
[ "$(jq -r '.findings[]|select(.id=="CAIRN-E05")|.evidence[0].text' r.json)" = "asked: exfil.example" ] ||
	fail "E05 evidence"
[ "$(jq -r '[.egress[]|.host+"="+.status]|join(" ")' r.json)" = \
	"registry.npmjs.org=allowed 10.1.0.1=resolver 8.8.8.8=UNUSUAL RESOLVER" ] ||
	fail "egress rows: $(jq -c '[.egress[]|.host+"="+.status]' r.json)"

# no allowlist: the tunnel and the unusual resolver are findings all the same
report --snapshot good.cairn --capture res.pcap --no-timestamp --format json -o n.json
has_id n.json CAIRN-E04
has_id n.json CAIRN-E05
# allowed by the report's --allow: no E04 (domain), no E05 (address)
printf 'registry.npmjs.org\napi.anthropic.com\n8.8.8.8\n*.tunnel.example\n' >all.txt
report --snapshot good.cairn --capture res.pcap --allow all.txt --no-timestamp --format json -o a.json
lacks_id a.json CAIRN-E04
lacks_id a.json CAIRN-E05

# DNS only, names all allowed: no egress finding at all
report --snapshot good.cairn --capture only.pcap --allow names.txt --no-timestamp --format json -o o.json
if [ "$(jq '[.findings[]|select(.id|startswith("CAIRN-E"))]|length' o.json)" != 0 ]; then
	fail "resolver-only capture: $(jq -c '[.findings[]|select(.id|startswith("CAIRN-E"))|.id]' o.json)"
fi
exit 0
