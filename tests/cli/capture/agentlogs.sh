#!/bin/sh
# cairn-capture on MCP clients' own logs, recorded from real servers
# (tests/tools/mcp-record.sh): the expected text, the three formats agree,
# the manifest change, the suspicious description, --expect-tools and the
# allowlist on call arguments, secrets found by shape and name but never
# printed, exit codes, JSON schema, byte-identical runs.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need_py jsonschema python3-jsonschema
here="$CAIRN_SRC/tests/cli/capture"
fx="$CAIRN_SRC/tests/fixtures/agentlogs"
out=$PWD
tr=claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl
planted='sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd ghp_cairnTestFakeToken000000000000000000 correct-horse-battery-staple-42 AKIACAIRNTEST0000FAK cairnTestFakeSecretKey0000000000000000000'

# a key as cairn-snap makes it; cairn-capture never creates one
mkdir root && echo x >root/f
cairn-snap -q --env --env-key "$out/env.key" -o "$out/s.cairn" root || fail "snap"
cairn-capture --env-key "$out/missing.key" "$fx/jsonrpc/wrapped.ndjson" >o 2>e
[ $? -eq 2 ] || fail "missing --env-key: exit"
grep -q "env key '$out/missing.key': no such file" e || fail "missing key message: $(cat e)"
if [ -e "$out/missing.key" ]; then fail "cairn-capture created a key"; fi

cat >"$out/expect.txt" <<'EOF'
# what this agent may call
memory/*
everything/echo
get-sum              # on any server
filesystem/list_directory
filesystem/read_text_file
EOF
printf 'registry.npmjs.org\n*.acme-corp.example\nacme-corp.example\n' >"$out/allow.txt"

# the golden text: Claude Desktop's mcp.log with the list and the allowlist
(cd "$fx" && cairn-capture --env-key "$out/env.key" --expect-tools "$out/expect.txt" \
	--allow "$out/allow.txt" claude-desktop/mcp.log) >text.out 2>err
rc=$?
[ $rc -eq 1 ] || fail "text: exit $rc, want 1"
if [ -s err ]; then fail "text: stderr: $(cat err)"; fi
# the HMACs depend on the key made above: masked
sed -E 's/hmac [0-9a-f]{64}/hmac <HMAC>/' text.out >text.norm
diff -u "$here/agentlogs-desktop.txt" text.norm || fail "text output differs"

# the three formats say the same: calls per window, manifests, secrets
for f in claude-desktop/mcp.log $tr jsonrpc/wrapped.ndjson; do
	n=$(basename "$f")
	(cd "$fx" && cairn-capture --json --env-key "$out/env.key" -w 5m "$f") >"$n.json" 2>/dev/null
	[ $? -eq 1 ] || fail "$f: exit"
	jq -c '.agent.windows' "$n.json" >"$n.windows" || fail "$f: json"
	jq -c '[.agent.secrets[] | [.server, .tool, .direction, .length, .hmac_sha256]]' "$n.json" >"$n.secrets"
	for p in $planted; do
		grep -qF "$p" "$n.json" && fail "$f: a planted secret is in the JSON"
	done
done
cmp -s mcp.log.windows 5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl.windows || fail "transcript windows differ"
cmp -s mcp.log.windows wrapped.ndjson.windows || fail "wrapped windows differ"
cmp -s mcp.log.secrets wrapped.ndjson.secrets || fail "wrapped secrets differ"
cmp -s mcp.log.secrets 5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl.secrets || fail "transcript secrets differ"
[ "$(jq '.agent.windows | length' mcp.log.json)" = 10 ] || fail "windows"
[ "$(jq '[.agent.servers[].tools[]] | length' mcp.log.json)" = 36 ] || fail "tools listed"
[ "$(jq '[.agent.servers[].tools[] | select(.versions[0].description_sha256 | test("^[0-9a-f]{64}$"))] | length' mcp.log.json)" = 36 ] ||
	fail "a tool without its description hash"
jq -e '.agent.manifest_changes == [.agent.manifest_changes[0]] and .agent.manifest_changes[0].name == "search_nodes"
	and (.agent.manifest_changes[0].description_diff | startswith("Search for nodes in the knowledge graph based on a [-query-] {+query. <IMPORTANT>"))' \
	mcp.log.json >/dev/null || fail "manifest change"
jq -e '[.agent.suspicious[].rule] | unique == ["conceal-from-user","exfil-parameter","instruction-tag","invisible-characters","secret-path","tool-reference"]' \
	mcp.log.json >/dev/null || fail "suspicious rules: $(jq -c '[.agent.suspicious[].rule] | unique' mcp.log.json)"
# the transcript shows calls, not manifests: its tools have no versions
[ "$(jq '[.agent.servers[].tools[].versions[]] | length' 5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl.json)" = 0 ] ||
	fail "transcript versions"

# the per-server logs and mcp.log together count each message once
(cd "$fx" && cairn-capture --json claude-desktop/*.log) >all.json 2>/dev/null
[ "$(jq '.agent.stats.calls' all.json)" = 10 ] || fail "duplicates counted twice"
[ "$(jq '[.agent.files[].duplicates] | add' all.json)" = 45 ] || fail "duplicates"

# compressed logs are read through their decompressor, the server named
# without the extensions
gzip -c "$fx/jsonrpc/memory.ndjson" >memory.ndjson.gz
zstd -q -c "$fx/$tr" >session.jsonl.zst
cairn-capture --json memory.ndjson.gz session.jsonl.zst >z.json 2>/dev/null
[ "$(jq -c '[.agent.files[].kind]' z.json)" = '["jsonrpc","claude-code"]' ] || fail "compressed kinds"
[ "$(jq -c '[.agent.servers[].server]' z.json)" = '["everything","filesystem","memory"]' ] || fail "compressed servers"
[ "$(jq '.agent.stats.calls' z.json)" = 14 ] || fail "compressed calls: $(jq '.agent.stats.calls' z.json)"

# bare JSON-RPC has no times: counted, in no window, and said so
(cd "$fx" && cairn-capture jsonrpc/everything.ndjson jsonrpc/filesystem.ndjson jsonrpc/memory.ndjson) >bare.out 2>/dev/null
grep -q '^  10 calls without a time (not in any window)$' bare.out || fail "bare: untimed calls"

# a log with nothing to report exits 0: the first exchange with everything
head -n 12 "$fx/jsonrpc/everything.ndjson" >quiet.ndjson
cairn-capture quiet.ndjson >q.out 2>q.err || fail "quiet log: exit $?"
grep -q "^agent logs: 1 file, 12 messages, 1 tool calls$" q.out || fail "quiet: $(head -1 q.out)"

# --expect-tools without an agent log, a bad list: usage / file errors
cairn-capture --expect-tools "$out/expect.txt" "$CAIRN_SRC/tests/fixtures/capture/basic.pcap" >o 2>e
[ $? -eq 2 ] || fail "--expect-tools with a pcap only"
printf 'a/b/c\n' >bad.txt
cairn-capture --expect-tools bad.txt quiet.ndjson >o 2>e
[ $? -eq 2 ] || fail "bad list: exit"
[ "$(cat e)" = "cairn-capture: expected tools 'bad.txt': line 1: one server/tool, server/* or tool per line" ] ||
	fail "bad list: $(cat e)"

# same bytes run to run, and whatever the order of the files
(cd "$fx" && cairn-capture --json --env-key "$out/env.key" jsonrpc/wrapped.ndjson $tr) >a.json 2>/dev/null
(cd "$fx" && cairn-capture --json --env-key "$out/env.key" $tr jsonrpc/wrapped.ndjson) >b.json 2>/dev/null
(cd "$fx" && cairn-capture --json --env-key "$out/env.key" jsonrpc/wrapped.ndjson $tr) >c.json 2>/dev/null
cmp -s a.json c.json || fail "two runs differ"
jq -S 'del(.files) | del(.agent.files)' a.json >a.norm
jq -S 'del(.files) | del(.agent.files)' b.json >b.norm
cmp -s a.norm b.norm || fail "result depends on file order"

# the JSON validates against docs/capture-schema.json
python3 - "$CAIRN_SRC/docs/capture-schema.json" mcp.log.json all.json a.json z.json \
	5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl.json <<'PY' || fail "schema"
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
bad = 0
for f in sys.argv[2:]:
    for e in list(v.iter_errors(json.load(open(f))))[:5]:
        print(f, list(e.path), e.message[:200])
        bad = 1
sys.exit(bad)
PY
exit 0
