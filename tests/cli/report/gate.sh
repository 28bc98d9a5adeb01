#!/bin/sh
# The CI gate: with -o FILE, cairn-report says on stderr what the report
# says (verdict, counts per severity, pass/fail at --fail-on, where it was
# written) in exactly three lines; -q/--quiet and a report on stdout print
# nothing on stderr; the exit status follows --fail-on.
. "$CAIRN_SRC/tests/cli/report/common.inc"
R=$CAIRN_BIN/cairn-report

cp -a "$S/good" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o good.cairn
rm -rf host
cp -a "$S/compromised" host
"$CAIRN_BIN/cairn-snap" -q --npm-cache "$CACHE" --env-key env.key host -o bad.cairn

# gate RC ARGS: run the report, want exit RC
gate() {
	want=$1
	shift
	rc=0
	"$R" --no-timestamp "$@" > out.txt 2> err.txt || rc=$?
	[ "$rc" -eq "$want" ] || fail "cairn-report $*: exit $rc, want $want; $(cat err.txt)"
}

gate 1 --baseline good.cairn --snapshot bad.cairn -o r.html --fail-on high
[ ! -s out.txt ] || fail "-o FILE wrote to stdout"
cp err.txt err1.txt
gate 1 --baseline good.cairn --snapshot bad.cairn --format json -o r.json -q
mv err1.txt err.txt
n=$(jq -r '.verdict.counts | "\(.critical) critical, \(.high) high, \(.medium) medium, \(.low) low, \(.info) info"' r.json)
total=$(jq '.findings | length' r.json)
head=$(jq -r '.verdict.headline' r.json)
[ "$total" -gt 1 ] || fail "the compromised install has $total findings"
printf '%s\n' "cairn-report: verdict: $head" \
	"cairn-report: $total findings: $n; fails at --fail-on high" \
	"cairn-report: report written to r.html" > want.txt
diff -u want.txt err.txt || fail "summary lines"
grep -q '^<!DOCTYPE html>' r.html || fail "r.html is not the HTML report"

# the same inputs pass a higher gate, and the summary says so
gate 0 --baseline good.cairn --snapshot bad.cairn -o r.md --fail-on critical
sed -n 2p err.txt | grep -q '; passes at --fail-on critical$' || fail "pass line: $(cat err.txt)"
[ "$(wc -l < err.txt)" -eq 3 ] || fail "not three lines: $(cat err.txt)"

# quiet, and a report on stdout: nothing on stderr
gate 1 --baseline good.cairn --snapshot bad.cairn -o r2.html -q
[ ! -s err.txt ] || fail "-q printed: $(cat err.txt)"
gate 1 --baseline good.cairn --snapshot bad.cairn --quiet -o r2.html
[ ! -s err.txt ] || fail "--quiet printed: $(cat err.txt)"
gate 1 --baseline good.cairn --snapshot bad.cairn
[ ! -s err.txt ] || fail "stdout report printed on stderr: $(cat err.txt)"
grep -q '^<!DOCTYPE html>' out.txt || fail "stdout report"
gate 1 --baseline good.cairn --snapshot bad.cairn -o -
[ ! -s err.txt ] || fail "-o - printed on stderr: $(cat err.txt)"

# trouble: no summary, only the error
gate 2 --snapshot missing.cairn -o r3.html
[ "$(wc -l < err.txt)" -eq 1 ] || fail "error plus summary: $(cat err.txt)"
