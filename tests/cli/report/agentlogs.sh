#!/bin/sh
# cairn-report --capture with MCP clients' own logs (recorded from real
# servers, tests/tools/mcp-record.sh) and a snapshot made with --env and
# --mcp-discover: the unexpected call, the manifest change, the suspicious
# description, the planted secrets found through the snapshot's HMACs
# (critical) and through their shape, the unlisted destination, the
# timeline, the provenance of the logs; never a secret in clear; a key that
# is not the snapshot's is refused and said so.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need_py jsonschema python3-jsonschema
fx="$CAIRN_SRC/tests/fixtures/agentlogs"
session=5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl
openai=sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd
dbpass=correct-horse-battery-staple-42

# the clients' logs where they keep them, and the agent's environment
export HOME="$PWD/home"
logs="$HOME/.config/Claude/logs"
proj="$HOME/.claude/projects/-home-dev-project"
mkdir -p "$logs" "$proj" root
cp "$fx"/claude-desktop/*.log "$logs/"
cp "$fx/claude-code/$session" "$proj/"
echo x >root/f
OPENAI_API_KEY=$openai DB_PASSWORD=$dbpass cairn-snap -q --env --env-key "$PWD/k1" --mcp-discover -o s.cairn root ||
	fail "snap"
cairn-snap -q --env --env-key "$PWD/k2" -o other.cairn root || fail "snap k2"
zstd -dcq s.cairn >s.ndjson
for p in $openai $dbpass; do
	if grep -qF "$p" s.ndjson; then fail "a secret in clear in the snapshot"; fi
done
[ "$(jq -s '[.[] | select(.type == "agent_log")] | length' s.ndjson)" = 5 ] || fail "agent_log records"
jq -e -s '[.[] | select(.type == "agent_log" and .path == "~/.config/Claude/logs/mcp.log")][0]
	| .size > 0 and (.sha256 | test("^[0-9a-f]{64}$")) and .error == null' s.ndjson >/dev/null ||
	fail "mcp.log record"
head -n 1 s.ndjson | jq -e '.options.env_key_id | test("^[0-9a-f]{64}$")' >/dev/null || fail "env_key_id"

printf '# what this agent may call\nmemory/*\neverything/echo\nget-sum\nfilesystem/list_directory\nfilesystem/read_text_file\n' >expect.txt
printf 'registry.npmjs.org\nacme-corp.example\n' >allow.txt
# the transcript went on after the snapshot: it grew
printf '{"type":"summary","summary":"later","leafUuid":"x"}\n' >>"$proj/$session"

expect_exit 1 cairn-report --snapshot s.cairn --capture "$logs/mcp.log" --capture "$proj/$session" \
	--allow allow.txt --expect-tools expect.txt --env-key "$PWD/k1" --format json --no-timestamp -o r.json
ids() { jq -r '[.findings[] | "\(.id) \(.severity)"] | unique | .[]' "$1"; }
ids r.json >ids.txt
for want in "CAIRN-A01 high" "CAIRN-A02 medium" "CAIRN-A03 high" "CAIRN-A04 critical" "CAIRN-A04 high" "CAIRN-A05 high"; do
	grep -qx "$want" ids.txt || fail "no $want finding: $(cat ids.txt)"
done
# the planted secrets: found through the snapshot's HMAC (the password has
# no shape), named, never shown
jq -e '[.findings[] | select(.id == "CAIRN-A04" and .severity == "critical") | .title]
	| any(startswith("the value of env OPENAI_API_KEY (self) appeared in the arguments of memory/add_observations at 2026-03-02T08:13:00"))
	and any(startswith("the value of env DB_PASSWORD (self) appeared in the arguments of memory/add_observations"))' \
	r.json >/dev/null || fail "snapshot secrets: $(jq -c '[.findings[] | select(.id == "CAIRN-A04") | .title]' r.json)"
jq -e '[.findings[] | select(.id == "CAIRN-A05") | .title] == ["memory/add_observations was given collect.exfil-cairn-demo.net, which is not on the allowlist"]' \
	r.json >/dev/null || fail "A05"
jq -e '[.findings[] | select(.id == "CAIRN-A01") | .title] | any(startswith("everything/get-env was called"))' r.json >/dev/null ||
	fail "A01"
# the story in the timeline: the description changed, then the key and the
# destination went out in one call
jq -r '.timeline.events[] | select(.kind == "tool") | "\(.time) \(.label)"' r.json >tl.txt
grep -q '^2026-03-02T08:07:00.026000000Z memory/search_nodes changed its description$' tl.txt || fail "timeline: change"
grep -q '^2026-03-02T08:13:00.013000000Z memory/add_observations was given collect.exfil-cairn-demo.net (not on the allowlist)$' tl.txt ||
	fail "timeline: destination"
grep -q 'the value of env OPENAI_API_KEY (self) in the arguments of memory/add_observations$' tl.txt || fail "timeline: secret"
# provenance: mcp.log as recorded, the transcript grew
jq -e '[.provenance.inputs[] | select(.role == "capture") | .detail]
	| (.[0] | endswith("(57152 bytes): the same bytes")) and (.[1] | endswith("this file starts with those bytes (it grew since)"))' \
	r.json >/dev/null || fail "provenance: $(jq -c '[.provenance.inputs[].detail]' r.json)"
python3 - "$CAIRN_SRC/docs/report-schema.json" r.json <<'PY' || fail "report schema"
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
errs = list(v.iter_errors(json.load(open(sys.argv[2]))))
for e in errs[:5]:
    print(list(e.path), e.message[:200])
sys.exit(1 if errs else 0)
PY
# no secret in clear in any form of the report, nor on stderr
for f in md html; do
	cairn-report --snapshot s.cairn --capture "$logs/mcp.log" --allow allow.txt --env-key "$PWD/k1" \
		--format $f --no-timestamp -o r.$f 2>err.$f
	[ $? -eq 1 ] || fail "$f: exit"
done
for p in $openai $dbpass ghp_cairnTestFakeToken000000000000000000 AKIACAIRNTEST0000FAK; do
	for f in r.json r.md r.html err.md err.html; do
		if grep -qF "$p" $f; then fail "a secret in clear in $f"; fi
	done
done

# another key: refused (the ids differ), the shapes still found, and said so
expect_exit 1 cairn-report --snapshot s.cairn --capture "$logs/mcp.log" --env-key "$PWD/k2" --format json \
	--no-timestamp -o r2.json
if jq -e '[.findings[] | select(.id == "CAIRN-A04" and .severity == "critical")] | length > 0' r2.json >/dev/null; then
	fail "matched with another key"
fi
jq -e '[.findings[] | select(.id == "CAIRN-A04")] | length > 0' r2.json >/dev/null || fail "k2: shapes lost"
jq -e '[.findings[] | select(.id == "CAIRN-A06") | .evidence[].detail]
	| any(startswith("the env key given is not the one the snapshot was made with"))' r2.json >/dev/null ||
	fail "k2: no gap finding"
# a snapshot without env_key_id: nothing to check the key against
cairn-snap -q -o plain.cairn root || fail "snap plain"
expect_exit 1 cairn-report --snapshot plain.cairn --capture "$logs/mcp.log" --env-key "$PWD/k1" --format json \
	--no-timestamp -o r3.json
jq -e '[.findings[] | select(.id == "CAIRN-A06") | .evidence[].detail] | any(startswith("the snapshot records no env_key_id"))' \
	r3.json >/dev/null || fail "no key id: no gap finding"

# usage: --expect-tools needs an agent log
expect_exit 2 cairn-report --snapshot s.cairn --expect-tools expect.txt
grep -q 'expect-tools needs --capture' err.txt || fail "usage message: $(cat err.txt)"
# cairn-capture --json of the same logs gives the same agent findings
cairn-capture --json --allow allow.txt --expect-tools expect.txt --env-key "$PWD/k1" "$logs/mcp.log" >cap.json
[ $? -eq 1 ] || fail "capture: exit"
expect_exit 1 cairn-report --snapshot plain.cairn --capture-json cap.json --allow allow.txt --format json \
	--no-timestamp -o r4.json
jq -r '[.findings[] | select(.id | startswith("CAIRN-A0")) | .id] | unique | join(" ")' r4.json >ids4.txt
[ "$(cat ids4.txt)" = "CAIRN-A01 CAIRN-A02 CAIRN-A03 CAIRN-A04 CAIRN-A05" ] || fail "capture-json: $(cat ids4.txt)"
exit 0
