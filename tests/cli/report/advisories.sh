#!/bin/sh
# --advisories on cairn-report and cairn-diff --findings: real OSV files
# (ossf/malicious-packages MAL-2025-47604 postmark-mcp, MAL-2026-15859
# 0requests on PyPI; github/advisory-database GHSA-c2qf-rxjj-qqgw semver)
# matched against a real npm install (tests/fixtures/known/README.md):
# the malicious version installed and launched by an MCP config is one
# critical finding, the vulnerable semver is graded from its advisory with
# the first fixed version, the pinned PyPI requirement matches by PEP 503
# name, a withdrawn advisory never matches; a folder, a zip and a single
# file give the same findings; the report says what it read; errors exit 2.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zip zip
K=$CAIRN_SRC/tests/fixtures/known
O=$CAIRN_SRC/tests/fixtures/osv
fixture_copy "$K/host" host
cairn-snap -q --env-key env.key host -o new.cairn
rm -rf host/app/node_modules/postmark-mcp
cairn-snap -q --env-key env.key host -o old.cairn

# the findings of the advisories (K01, K02), and what the check covered
known() {
	jq -r '.findings[] | select(.id | startswith("CAIRN-K")) |
		"\(.id) \(.severity) \(.title)", (.evidence[] | "  " + ([to_entries[] | "\(.key)=\(.value)"] | join(" ")))' "$1"
	jq -c '.known' "$1"
	jq -r '.provenance.inputs[] | select(.role == "advisories") | "\(.file): \(.detail)"' "$1"
}

run cairn-report --no-timestamp -s new.cairn --advisories "$O" --advisories "$K/advisories" -o r.json
known r.json
schema_check_report() {
	need_py jsonschema python3-jsonschema
	python3 - "$CAIRN_SRC/docs/report-schema.json" "$1" <<'PY' || fail "$1 does not match docs/report-schema.json"
import json, sys
import jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)
PY
}
schema_check_report r.json

# the same advisories as zips (osv.dev's per-ecosystem all.zip) and as one file
(cd "$O" && zip -q -r "$OLDPWD/osv.zip" malicious github-reviewed)
(cd "$K/advisories" && zip -q -r "$OLDPWD/known.zip" .)
run cairn-report --no-timestamp -s new.cairn --advisories osv.zip --advisories known.zip -o z.json
jq -c '[.findings[] | select(.id | startswith("CAIRN-K")) | [.id, .severity, .title]]' r.json > want.txt
jq -c '[.findings[] | select(.id | startswith("CAIRN-K")) | [.id, .severity, .title]]' z.json > got.txt
diff want.txt got.txt || fail "zip and folder give other findings"
run cairn-report --no-timestamp -s new.cairn --format json \
	--advisories "$O/malicious/npm/postmark-mcp/MAL-2025-47604.json" -q -o one.json
jq -r '.findings[] | select(.id | startswith("CAIRN-K")) | .title' one.json

# without advisories: no K finding (the findings above are the advisories')
run cairn-report --no-timestamp -s new.cairn -o plain.json
jq -r '[.findings[].id] | map(select(startswith("CAIRN-K"))) | length' plain.json

# cairn-diff --findings: the same check on the new side of a comparison
expect_exit 1 cairn-diff --findings --advisories "$O" --advisories "$K/advisories" old.cairn new.cairn
sed -n '/^findings/,$p' out.txt
run cairn-diff --fail-on critical --advisories "$O" -q old.cairn new.cairn
run cairn-diff --fail-on critical -q old.cairn new.cairn
expect_exit 1 cairn-diff --findings --json --advisories "$K/advisories" old.cairn new.cairn
jq -c '[.findings[] | select(.id | startswith("CAIRN-K")) | .title], .known' out.txt

# trouble: an advisory set that cannot be read, --advisories without --findings
run cairn-report --no-timestamp -s new.cairn --advisories nonexistent -o x.json
[ ! -e x.json ] || fail "a report was written despite the error"
run cairn-diff --advisories "$O" old.cairn new.cairn
