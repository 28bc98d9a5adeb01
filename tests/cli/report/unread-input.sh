#!/bin/sh
# An input the snapshot could not read is a gap in what the verdict covers
# (docs/RULES.md §Coverage, CAIRN-C02).  A uv.lock of 70 MiB (sparse, past
# the 64 MiB lockfile cap) in a folder whose name holds an escape sequence
# and markup: cairn-snap records a parse_error; the report, before, said
# "No findings on these inputs", "Coverage: no packages", exit 0.  Now:
# exit 1, a medium CAIRN-C02 naming the file, the reason and the step, the
# headline "...; no packages verified; 1 input could not be read", the
# coverage line "no packages; 1 input not read", the same in JSON, Markdown,
# HTML and SARIF, the folder name escaped in each.  Then the same project
# with a uv.lock under the cap: no parse_error, the clean wording stays.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
d=$(printf 'proj\033[31m<b>')
mkdir -p "p/$d"
truncate -s 70M "p/$d/uv.lock"
run cairn-snap -q -o s.cairn p
zstd -dcq s.cairn | jq -c 'select(.type == "parse_error")'
for f in json md html sarif; do
	run cairn-report --snapshot s.cairn --no-timestamp --format "$f" -o "r.$f"
done
need_py jsonschema python3-jsonschema
python3 - "$CAIRN_SRC/docs/report-schema.json" r.json <<'PY' || fail "r.json does not match docs/report-schema.json"
import json, sys
import jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)
PY
jq -c '.verdict | [.headline, .coverage, .summary]' r.json
jq -c '.coverage | [.state, .summary, .unread]' r.json
jq -r '.verdict.first_step' r.json
jq -c '.findings[] | [.id, .rule, .severity, .title, .evidence]' r.json
sed -n '1p' r.md
grep -F 'file: `' r.md
grep -o '<h1>[^<]*</h1>' r.html
grep -o '<strong>Coverage:</strong>[^<]*' r.html
grep -F '<span>file:</span>' r.html | sed 's/<pre>.*//'
jq -c '.runs[0].results[] | [.ruleId, .level, .message.text,
	(.locations[]?.physicalLocation.artifactLocation.uri)]' r.sarif
# cairn-diff --findings: the same finding and coverage lines for the new
# side, the folder name escaped on the terminal
run_f "sed -n /^coverage:/,\$p" cairn-diff --findings s.cairn s.cairn
# the control: a uv.lock under the cap, as uv writes one for a project
# without dependencies, is read: no parse_error, the clean wording stays
printf 'version = 1\nrequires-python = ">=3.11"\n' > "p/$d/uv.lock"
run cairn-snap -q -o ok.cairn p
zstd -dcq ok.cairn | jq -c 'select(.type == "parse_error")'
run cairn-report --snapshot ok.cairn --no-timestamp --format json -o ok.json
jq -c '.verdict | [.headline, .coverage]' ok.json
jq -c '.coverage | has("unread")' ok.json
