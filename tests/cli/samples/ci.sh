#!/bin/sh
# samples/ci: the GitHub Actions workflow and the GitLab CI job parse as
# YAML, install with --ignore-scripts before the gate, and upload what the
# gate writes (HTML/JSON report, SARIF, diff) even when it fails; the gate
# command each one runs is then run here, on a project that passes (exit 0)
# and on the compromised release (exit 1, D02 in every output), with the
# baseline made by cairn-gate --baseline and the HMAC key from
# CAIRN_ENV_KEY as the workflows pass it.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need_py yaml python3-yaml
S=$CAIRN_SRC/samples
export PATH="$S/ci:$PATH"

# the gate commands, and the checks of the two files' structure
python3 - "$S/ci/github-actions.yml" "$S/ci/gitlab-ci.yml" > cmds.sh <<'PY'
import sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))
steps = gh["jobs"]["cairn-gate"]["steps"]
runs = [s.get("run", "") for s in steps]
gate = [i for i, r in enumerate(runs) if "cairn-gate " in r]
npm = [i for i, r in enumerate(runs) if r.strip() == "npm ci --ignore-scripts"]
assert len(gate) == 1 and len(npm) == 1 and npm[0] < gate[0], "github: npm ci --ignore-scripts, then the gate"
out = gh["jobs"]["cairn-gate"]["env"]["CAIRN_OUT"]
assert out == "${{ runner.temp }}/cairn-out", out
assert '"$CAIRN_OUT"' in runs[gate[0]]
art = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
assert len(art) == 1 and art[0]["if"] == "always()", "github: artifact always uploaded"
assert art[0]["with"]["path"] == "${{ runner.temp }}/cairn-out/", art[0]["with"]
sarif = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(sarif) == 1 and sarif[0]["with"]["sarif_file"] == "${{ runner.temp }}/cairn-out/cairn.sarif"
assert gh["permissions"]["security-events"] == "write"
assert steps[gate[0]]["env"]["CAIRN_ENV_KEY"] == "${{ secrets.CAIRN_ENV_KEY }}"
print("gh_gate='%s'" % runs[gate[0]].strip().replace("'", "'\\''"))
gl = yaml.safe_load(open(sys.argv[2]))["cairn-gate"]
script = gl["script"]
assert script.index("npm ci --ignore-scripts") < [i for i, r in enumerate(script) if "cairn-gate " in r][0]
assert gl["artifacts"]["when"] == "always" and gl["artifacts"]["paths"] == ["cairn-out/"]
assert gl["variables"]["CAIRN_OUT"] == "cairn-out"
print("gl_gate='%s'" % [r for r in script if "cairn-gate " in r][0].replace("'", "'\\''"))
PY
. ./cmds.sh
echo "github: $gh_gate"
echo "gitlab: $gl_gate"

head -c 32 /dev/urandom > ci.key
export CAIRN_ENV_KEY="$(base64 -w0 ci.key)"

# project DIR FROM: an install of FROM without its MCP config (whose
# secrets and unpinned npx are high posture findings of their own)
project() {
	rm -rf "$1"
	cp -a "$2" "$1"
	rm "$1/.mcp.json"
}
project good "$S/good"
(cd good && cairn-gate --baseline . .cairn/baseline.cairn) 2> base.err ||
	fail "--baseline: $(cat base.err)"
grep -q '^cairn-gate: baseline written to .cairn/baseline.cairn' base.err || fail "$(cat base.err)"

# run_gate NAME WANT DIR: the workflow's gate command in the project
run_gate() {
	rc=0
	case $1 in
	github) (cd "$3" && CAIRN_OUT=$PWD/../runner-temp/cairn-out && eval "$gh_gate") ;;
	gitlab) (cd "$3" && CAIRN_OUT=cairn-out && eval "$gl_gate") ;;
	esac > gate.out 2> gate.err || rc=$?
	[ "$rc" = "$2" ] || fail "$1 gate in $3: exit $rc, want $2: $(cat gate.err)"
	[ ! -s gate.out ] || fail "$1 gate printed on stdout"
	grep -q '^cairn-report: verdict: ' gate.err || fail "$1: no verdict in the log: $(cat gate.err)"
}
outputs="current.cairn cairn-diff.txt cairn-report.html cairn-report.json cairn.sarif"

run_gate github 0 good
for f in $outputs; do [ -s "runner-temp/cairn-out/$f" ] || fail "github: no $f"; done
grep -q '; passes at --fail-on high$' gate.err || fail "github pass line: $(cat gate.err)"
run_gate gitlab 0 good
for f in $outputs; do [ -s "good/cairn-out/$f" ] || fail "gitlab: no $f"; done
run_gate gitlab 0 good          # again, with cairn-out/ present
if zstdcat good/cairn-out/current.cairn | grep -q '"path":"cairn-out'; then
	fail "the gate's own output folder is in the snapshot"
fi

# the compromised release (a new postinstall script: D02, high)
mkdir -p bad
project bad "$S/compromised"
cp -a good/.cairn bad/
rm -rf runner-temp
run_gate github 1 bad
grep -q '^cairn-gate: FAILED: findings at or above high' gate.err || fail "$(cat gate.err)"
o=runner-temp/cairn-out
grep -q 'high     CAIRN-D02 ' "$o/cairn-diff.txt" || fail "diff lacks D02"
jq -e 'any(.findings[]; .id == "CAIRN-D02")' "$o/cairn-report.json" > /dev/null || fail "json lacks D02"
jq -e 'any(.runs[0].results[]; .ruleId == "CAIRN-D02" and .level == "error")' "$o/cairn.sarif" \
	> /dev/null || fail "sarif lacks D02"
grep -q 'CAIRN-D02' "$o/cairn-report.html" || fail "html lacks D02"
run_gate gitlab 1 bad

# the MCP secrets compare only under the baseline's key
project keyed "$S/good"
(cd keyed && cairn-gate --baseline . base.cairn) 2> /dev/null
rc=0
(cd keyed && cairn-gate --fail-on critical base.cairn . out) > /dev/null 2> k.err || rc=$?
[ $rc = 0 ] || fail "same key: exit $rc"
if grep -q 'CAIRN_ENV_KEY not set' k.err; then fail "key warning with the key set"; fi
rc=0
(cd keyed && env -u CAIRN_ENV_KEY cairn-gate --fail-on critical base.cairn . out) > /dev/null 2> k.err || rc=$?
grep -q '^cairn-gate: warning: CAIRN_ENV_KEY not set' k.err || fail "no key warning: $(cat k.err)"
# trouble
rc=0
cairn-gate nothere.cairn good out 2> t.err || rc=$?
[ $rc = 2 ] && grep -q "no baseline 'nothere.cairn'" t.err || fail "missing baseline: $rc $(cat t.err)"
