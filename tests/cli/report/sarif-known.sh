#!/bin/sh
# cairn-report --format sarif with --advisories and --ioc (issue 17): the
# log validates against the OASIS SARIF 2.1.0 schema; CAIRN-K01, K02 and
# K03 each have their rule (what it checks, why, the fix as help text, a
# level); every known-bad result has locations: the lockfile that names the
# package, the requirements file with its line, the MCP config that
# launches it, the file a hash matched; the same inputs give the same bytes.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need_py jsonschema python3-jsonschema
K=$CAIRN_SRC/tests/fixtures/known
O=$CAIRN_SRC/tests/fixtures/osv
SCHEMA=$CAIRN_SRC/tests/fixtures/sarif/sarif-schema-2.1.0.json
fixture_copy "$K/host" host
cairn-snap -q --env-key env.key host -o s.cairn

run cairn-report --no-timestamp -s s.cairn --advisories "$O" --advisories "$K/advisories" \
	--ioc "$K/iocs.txt" --capture "$CAIRN_SRC/samples/egress.pcap" --format sarif -q -o r.sarif
python3 - "$SCHEMA" r.sarif <<'PY' || fail "r.sarif does not validate against SARIF 2.1.0"
import json, sys, jsonschema
jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
PY
# the K rules: id, name, level, and that the help is the rule's fix
jq -r '.runs[0].tool.driver.rules[] | select(.id | startswith("CAIRN-K")) |
	"\(.id) \(.name) \(.defaultConfiguration.level) help: \(.help.text | .[0:70])"' r.sarif
jq -e '[.runs[0].tool.driver.rules[] | select(.id | startswith("CAIRN-K")) |
	(.shortDescription.text | length > 20) and (.fullDescription.text | length > 20) and
	(.help.text | length > 20)] | length == 3 and all' r.sarif > /dev/null ||
	fail "a K rule lacks its descriptions or help"
# each K result: its level, message, and locations (uri:line)
jq -r '.runs[0].results[] | select(.ruleId | startswith("CAIRN-K")) |
	"\(.ruleId) \(.level) \(.message.text | .[0:70])",
	(.locations // [] | .[] | .physicalLocation | "  \(.artifactLocation.uri)\(if .region then ":\(.region.startLine)" else "" end)")' r.sarif
jq -e '[.runs[0].results[] | select(.ruleId | startswith("CAIRN-K")) | select(.ruleId != "CAIRN-K03" or (.message.text | test("host:|ip:") | not)) |
	(.locations | length > 0)] | all' r.sarif > /dev/null || fail "a snapshot K result has no location"
# deterministic
cairn-report --no-timestamp -s s.cairn --advisories "$O" --advisories "$K/advisories" \
	--ioc "$K/iocs.txt" --capture "$CAIRN_SRC/samples/egress.pcap" --format sarif -q -o r2.sarif || true
cmp r.sarif r2.sarif || fail "two runs differ"
