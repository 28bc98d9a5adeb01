#!/bin/sh
# cairn-diff --fail-on SEVERITY, the CI gate: exit 1 only when a finding
# reaches SEVERITY (differences alone pass), 0 below it, in text, --json and
# -q; it implies --findings; a bad severity or --git is a usage error (2).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
S=$CAIRN_SRC/samples

cp -a "$S/good" host
cairn-snap -q --env-key env.key host -o good.cairn
rm -rf host
cp -a "$S/compromised" host
cairn-snap -q --env-key env.key host -o bad.cairn

# diff_exit WANT ARGS: cairn-diff ARGS exits WANT (out.txt, err.txt)
diff_exit() {
	_w=$1
	shift
	expect_exit "$_w" cairn-diff "$@"
}

# the compromised release gained an install script: a high finding
diff_exit 1 --findings --fail-on high good.cairn bad.cairn
grep -q '^  high     CAIRN-D02 ' out.txt || fail "D02 not listed: $(cat out.txt)"
diff_exit 1 --fail-on high good.cairn bad.cairn          # implies --findings
grep -q '^findings (' out.txt || fail "--fail-on did not print the findings"
diff_exit 1 -q --fail-on high good.cairn bad.cairn
[ ! -s out.txt ] || fail "-q printed"
diff_exit 1 --json --fail-on high good.cairn bad.cairn
jq -e '[.findings[] | select(.severity == "high")] | length > 0' out.txt > /dev/null ||
	fail "--json findings"
# nothing critical: the gate passes although the trees differ
diff_exit 0 --fail-on critical good.cairn bad.cairn
grep -q '^findings (' out.txt || fail "findings not printed when passing"
diff_exit 0 -q --fail-on critical good.cairn bad.cairn
diff_exit 0 --json --fail-on critical good.cairn bad.cairn
jq -e '.summary.differences == true' out.txt > /dev/null || fail "differences lost"
# without --fail-on, differences are exit 1 as before
diff_exit 1 --findings good.cairn bad.cairn
# the good install against itself: posture findings (unpinned npx, secrets
# in an MCP config) are high, so a high gate fails there too, a critical
# one passes
diff_exit 1 --fail-on high good.cairn good.cairn
diff_exit 0 --fail-on critical good.cairn good.cairn
# usage
diff_exit 2 --fail-on severe good.cairn bad.cairn
grep -q 'fail-on takes info, low, medium, high or critical' err.txt || fail "message"
git init -q repo
diff_exit 2 --fail-on high --git repo host
grep -q 'fail-on compares snapshots' err.txt || fail "--git message: $(cat err.txt)"
