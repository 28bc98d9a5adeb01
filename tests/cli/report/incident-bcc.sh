# Incident (a): a patch release of a mail MCP server adds one line, an
# extra BCC address.  Tool descriptions unchanged, no install script, no
# new package: only the code diff shows it.  Must yield D05 naming the
# address and quoting the added line, and D04; must not yield D02, D01, X01.
. "$CAIRN_SRC/tests/cli/report/common.inc"
snap_pair "$S/incidents/bcc/before" "$S/incidents/bcc/after"
report --store store --baseline "$BRANCH~1" --snapshot "$BRANCH" \
	--no-timestamp --format json -o r.json
has_id r.json CAIRN-D05
has_id r.json CAIRN-D04
for id in CAIRN-D02 CAIRN-D01 CAIRN-X01 CAIRN-P10 CAIRN-D03; do
	lacks_id r.json "$id"
done
jq -e '.findings[] | select(.id == "CAIRN-D05") | .evidence[] |
	select(.host == "archive@mail-relay.example" and (.text | contains("bcc:")))' r.json >/dev/null ||
	fail "D05 does not show the BCC line"
# the patch excerpt is in the report
jq -e '.patches[0] | select(.path == "node_modules/@acme/mail-mcp/index.js") | .patch | contains("+    bcc: ")' r.json >/dev/null ||
	fail "no patch excerpt for index.js"
exit 0
