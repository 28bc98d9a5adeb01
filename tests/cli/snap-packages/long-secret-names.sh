#!/bin/sh
# Secret names of any length: an argument "--<250 letters>-api-key=VALUE"
# of an MCP server in its config and of a running process (--pid) is
# recorded with its value as a keyed hash, never in clear, and an MCP env
# variable named "<500 letters>_TOKEN" is classified secret.  (Names over
# 200 and 255 bytes used to fall out of fixed buffers: the values were
# kept in clear, the variable was not secret.)
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq

long=$(head -c 250 /dev/zero | tr '\0' a)
mkdir t
cat > t/.mcp.json <<EOF
{"mcpServers": {"x": {"command": "node", "args": ["srv.js", "--${long}-api-key=hunter2mcp"],
 "env": {"${long}${long}_TOKEN": "not-a-known-shape"}}}}
EOF
# (a shell that sleeps in steps: killing it leaves no sleep 300 behind)
sh -c 'while :; do sleep 1; done' x "--${long}-token=hunter2pid" &
pid=$!
trap 'kill $pid 2>/dev/null || :' EXIT
expect_exit 0 cairn-snap -q --pid "$pid" --env-key k t -o s.cairn
kill "$pid"
trap - EXIT
zstd -dcq s.cairn > s.jsonl
if grep -o 'hunter2[a-z]*' s.jsonl > leak.txt; then
	fail "a secret in clear in the snapshot: $(cat leak.txt)"
fi
jq -r 'select(.type == "mcp_server") | .args[1]' s.jsonl > got
grep -qx -- "--$long-api-key=<redacted:hmac:[0-9a-f]\{64\}>" got || fail "MCP argument: $(cut -c1-300 got)"
jq -r --arg s "pid:$pid" 'select(.type == "process" and .source == $s) | .cmdline[-1]' s.jsonl > got
grep -qx -- "--$long-token=<redacted:hmac:[0-9a-f]\{64\}>" got || fail "process argument: $(cut -c1-300 got)"
jq -c 'select(.type == "mcp_server") | .env[] | [.secret, .rule, (.name | length)]' s.jsonl > got
echo '[true,"*_TOKEN",506]' > want
diff -u want got || fail "long MCP env name"
exit 0
