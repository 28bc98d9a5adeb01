# The command line: help, version, usage errors (exit 2), unreadable and
# corrupt inputs (one line naming the file, exit 2, nothing written, an
# existing report left alone), --fail-on, signatures, --rules vs
# docs/RULES.md, and a lone snapshot (posture findings only).
. "$CAIRN_SRC/tests/cli/report/common.inc"
R=$CAIRN_BIN/cairn-report

"$R" --help > help.out || fail "--help exit"
grep -q '^usage: cairn-report' help.out || fail "--help text"
[ "$("$R" --version)" = "cairn-report 0.1.0" ] || fail "--version"
expect2() {
	rc=0
	"$@" > out.txt 2> err.txt || rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, want 2"
	[ ! -s out.txt ] || fail "$*: wrote to stdout"
	[ "$(wc -l < err.txt)" -ge 1 ] || fail "$*: no message"
}
expect2 "$R"
grep -q 'snapshot is required' err.txt || fail "missing --snapshot message"
expect2 "$R" --snapshot x --format pdf
expect2 "$R" --snapshot x --fail-on severe
expect2 "$R" --snapshot x --capture a --capture-json b
expect2 "$R" --bogus

# unreadable and corrupt inputs
echo "old report" > keep.html
expect2 "$R" --snapshot missing.cairn -o keep.html
[ "$(wc -l < err.txt)" -eq 1 ] || fail "more than one line: $(cat err.txt)"
grep -q "missing.cairn" err.txt || fail "message does not name the file"
[ "$(cat keep.html)" = "old report" ] || fail "report overwritten on error"
cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
head -c 300 good.cairn > cut.cairn
expect2 "$R" --snapshot cut.cairn -o new.html
grep -q "cut.cairn" err.txt || fail "corrupt snapshot message does not name the file"
[ ! -e new.html ] || fail "report written from a corrupt snapshot"
ls -a | grep -q '\.tmp\.' && fail "temporary file left behind"
expect2 "$R" --snapshot good.cairn --allow nothere.txt

# a lone snapshot: posture only
report --snapshot good.cairn --no-timestamp --format json -o lone.json
for id in CAIRN-P01 CAIRN-P02 CAIRN-P05 CAIRN-P07; do has_id lone.json "$id"; done
for id in CAIRN-D01 CAIRN-D02 CAIRN-D04 CAIRN-E01 CAIRN-X01 CAIRN-P10; do lacks_id lone.json "$id"; done
jq -e '.verdict.confidence | startswith("Posture only")' lone.json >/dev/null || fail "confidence"
jq -e '.has_baseline == false and .has_capture == false' lone.json >/dev/null || fail "flags"
"$R" --snapshot good.cairn --fail-on critical -o ok.md || fail "--fail-on critical on the good install"
rc=0; "$R" --snapshot good.cairn --fail-on medium -o bad.md || rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on medium: exit $rc"
grep -q '^# cairn incident report' ok.md || fail "-o .md is not Markdown"
"$R" --snapshot good.cairn | grep -q '^<!DOCTYPE html>' || fail "stdout default is not HTML"

# devices are written in place, never replaced by a rename
report --snapshot good.cairn -o /dev/null
[ -c /dev/null ] || fail "/dev/null is no longer a device"

# signatures
"$CAIRN_BIN/cairn-snap" keygen -o k >/dev/null 2>&1
"$CAIRN_BIN/cairn-snap" keygen -o other >/dev/null 2>&1
"$CAIRN_BIN/cairn-snap" -q --sign k.key --env-key env.key host -o signed.cairn
report --snapshot signed.cairn --pubkey k.pub --format json -o s.json
jq -e '.provenance.inputs[0].signature | startswith("valid")' s.json >/dev/null || fail "signature not valid"
report --snapshot signed.cairn --format json -o u.json
jq -e '.provenance.inputs[0].signature | contains("not verified")' u.json >/dev/null || fail "unverified signature"
expect2 "$R" --snapshot signed.cairn --pubkey other.pub
expect2 "$R" --snapshot good.cairn --pubkey k.pub

# the rule table in docs/RULES.md is the one the code evaluates
"$R" --rules > rules.md
grep -F -f rules.md -x "$CAIRN_SRC/docs/RULES.md" | cmp -s - rules.md ||
	fail "docs/RULES.md does not hold the table cairn-report --rules prints"
exit 0
