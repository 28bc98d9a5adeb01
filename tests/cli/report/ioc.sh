#!/bin/sh
# --ioc FILE on cairn-report: indicators matched against a snapshot (the
# package versions of a real npm install and a pinned requirement, a file
# by its contents hash, an MCP server URL) and a capture (a host by name
# under *.domain, its DNS lookup, an address in a CIDR block); one
# critical finding per indicator with every place; an indicator that does
# not match is no finding; a bad line is an error naming file and line,
# exit 2, nothing written.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
K=$CAIRN_SRC/tests/fixtures/known
fixture_copy "$K/host" host
mkdir -p host/app/.cursor
printf '{"mcpServers":{"remote":{"url":"https://exfil.evil.test/collect"}}}\n' > host/app/.cursor/mcp.json
cairn-snap -q --env-key env.key host -o s.cairn

indicators() {
	jq -r '.findings[] | select(.id == "CAIRN-K03") |
		"\(.severity) \(.title)", (.evidence[] | "  " + ([to_entries[] | "\(.key)=\(.value)"] | join(" ")))' "$1"
	jq -c '.known.indicators' "$1"
	jq -r '.provenance.inputs[] | select(.role == "indicators") | "\(.file): \(.detail)"' "$1"
}
run cairn-report --no-timestamp -s s.cairn --capture "$CAIRN_SRC/samples/egress.pcap" \
	--ioc "$K/iocs.txt" -o r.json
indicators r.json
schema_check_report() {
	need_py jsonschema python3-jsonschema
	python3 - "$CAIRN_SRC/docs/report-schema.json" "$1" <<'PY' || fail "$1 does not match docs/report-schema.json"
import json, sys
import jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)
PY
}
schema_check_report r.json
# the SARIF of the same run names the indicator rule
run cairn-report --no-timestamp -s s.cairn --ioc "$K/iocs.txt" --format sarif -q -o r.sarif
jq -r '[.runs[0].results[] | select(.ruleId == "CAIRN-K03")] | length' r.sarif

# strict: a bad line stops the run, naming file and line; nothing written
printf '# ok\nhost:fine.test\nnpm:left-pad@^1.0.0\n' > bad.txt
run cairn-report --no-timestamp -s s.cairn --ioc bad.txt -o bad.json
[ ! -e bad.json ] || fail "a report was written despite a bad indicator line"
printf 'host:fine.test\n\377\n' > bad2.txt
run cairn-report --no-timestamp -s s.cairn --ioc bad2.txt -o bad.json
run cairn-report --no-timestamp -s s.cairn --ioc nonexistent.txt -o bad.json
[ ! -e bad.json ] || fail "a report was written despite a missing indicator file"
