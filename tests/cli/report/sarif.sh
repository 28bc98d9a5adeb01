#!/bin/sh
# cairn-report --format sarif (and -o FILE.sarif): a SARIF 2.1.0 log that
# validates against the OASIS schema, one result per finding of the JSON
# report with its rule, level and evidence files as %SRCROOT%-relative,
# percent-encoded URIs; the same inputs give the same bytes; hostile file
# names in a hand-made document stay inside their JSON strings.
. "$CAIRN_SRC/tests/cli/report/common.inc"
R=$CAIRN_BIN/cairn-report
SCHEMA=$CAIRN_SRC/tests/fixtures/sarif/sarif-schema-2.1.0.json

cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
rm -rf host
cp -a "$S/compromised" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o bad.cairn

report --no-timestamp --baseline good.cairn --snapshot bad.cairn -o r.sarif -q
report --no-timestamp --baseline good.cairn --snapshot bad.cairn --format sarif -o r2.out -q
cmp r.sarif r2.out || fail "-o .sarif and --format sarif differ"
report --no-timestamp --baseline good.cairn --snapshot bad.cairn -o r.json -q
validate() {
	python3 - "$SCHEMA" "$1" <<'PY' || fail "$1 does not validate"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator(schema).validate(json.load(open(sys.argv[2])))
PY
}
validate r.sarif
# one result per finding, same order, rule and level
jq -c '[.findings[] | [.id, (if .severity == "critical" or .severity == "high" then "error"
	elif .severity == "medium" then "warning" else "note" end)]]' r.json > want.txt
jq -c '[.runs[0].results[] | [.ruleId, .level]]' r.sarif > got.txt
diff want.txt got.txt || fail "results differ from the findings"
[ "$(jq '.findings | length' r.json)" -ge 5 ] || fail "too few findings to test"
# every ruleIndex points at its rule
jq -e '.runs[0] as $r | all($r.results[]; $r.tool.driver.rules[.ruleIndex].id == .ruleId)' r.sarif \
	> /dev/null || fail "ruleIndex"
# the install script's package.json is a location, relative to the root
jq -e '[.runs[0].results[] | select(.ruleId == "CAIRN-P07") | .locations[0].physicalLocation]
	| any(.artifactLocation.uri == "Dockerfile" and .artifactLocation.uriBaseId == "%SRCROOT%"
	      and .region.startLine == 4)' r.sarif > /dev/null ||
	fail "P07 location: $(jq -c '.runs[0].results[] | select(.ruleId == "CAIRN-P07") | .locations' r.sarif)"
jq -e '.runs[0].properties.verdict | type == "string"' r.sarif > /dev/null || fail "verdict"

# hostile names: a hand-made document
cat > hostile.json <<'JSON'
{"verdict": {"headline": "x\u001b[31m", "counts": {"high": 1}},
 "findings": [
  {"id": "CAIRN-P07", "severity": "high", "title": "t\u001b]8;;evil\u0007 <b>",
   "evidence": [{"file": "a b/\n%2e%2e/\u202e.json", "line": 3},
                {"file": "/etc/pass wd"}, {"file": "a b/\n%2e%2e/\u202e.json"}, {"file": 7}]},
  {"id": "NOT-A-RULE", "severity": "bogus", "title": "u", "evidence": "x"},
  {"title": "no id"}, 5, null]}
JSON
"$CAIRN_TOOLS/report-render" sarif hostile.json > h.sarif || fail "render hostile"
validate h.sarif
jq -e '.runs[0].results | length == 2' h.sarif > /dev/null || fail "hostile: results"
jq -r '.runs[0].results[0].locations[].physicalLocation.artifactLocation.uri' h.sarif > uris.txt
printf '%s\n' 'a%20b/%0A%252e%252e/%E2%80%AE.json' 'file:///etc/pass%20wd' > want.txt
diff want.txt uris.txt || fail "URIs not percent-encoded"
jq -e '.runs[0].results[1] | .level == "note" and (has("locations") | not)' h.sarif > /dev/null ||
	fail "unknown severity or evidence"
if LC_ALL=C grep -q "$(printf '\033')" h.sarif; then fail "raw ESC in SARIF"; fi
