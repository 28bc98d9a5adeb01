#!/bin/sh
# cairn-capture's agent-log input at its edges, on the Claude Code session
# recorded from real servers (tests/tools/mcp-record.sh): without
# --expect-tools the tools first called after the earliest window are
# listed as new, with it only the calls outside the list; a malformed line
# is counted and skipped, a cut last line is a warning, neither is fatal;
# a file of JSON lines that is none of the known kinds is exit 2, named,
# and the message says which kinds cairn-capture reads.  HOME is empty:
# no env key, so the secrets show no HMAC.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
cp "$CAIRN_SRC/tests/fixtures/agentlogs/claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl" session.jsonl ||
	fail "fixture"

run cairn-capture session.jsonl

printf 'everything/echo\neverything/get-sum\nfilesystem/*\nmemory/*\n' >expect.txt
run cairn-capture --expect-tools expect.txt session.jsonl

# a line broken in the middle of the session, the last one cut short
{
	sed -n 1,6p session.jsonl
	printf '{"type":"assistant","message":{"content":[{"type":"tool_use", broken\n'
	sed -n '7,$p' session.jsonl
} >whole.jsonl
size=$(wc -c <whole.jsonl)
head -c $((size - 40)) whole.jsonl >damaged.jsonl
run cairn-capture damaged.jsonl

# JSON lines, but neither Claude Desktop, Claude Code nor JSON-RPC
printf '{"name":"left-pad","version":"1.3.0"}\n{"name":"lodash","version":"4.17.21"}\n' >packages.ndjson
run cairn-capture packages.ndjson session.jsonl
exit 0
