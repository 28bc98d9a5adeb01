#!/bin/sh
# cairn-capture --json with an agent log: a tool name holding DEL and the
# C1 control U+0085 comes out as \u escapes (JSON is read on terminals
# too), like every other JSON output of the tools (tools/messages), and
# decodes back to the same name.  The agent part used to be re-encoded by
# jansson alone, whose JSON_ENSURE_ASCII leaves DEL raw.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
tr="$CAIRN_SRC/tests/fixtures/agentlogs/claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl"

# the real transcript with one tool renamed (its calls too)
sed 's/mcp__everything__echo/mcp__everything__e\\u007f\\u0085cho/g' "$tr" > t.jsonl
grep -q 'e\\u007f\\u0085cho' t.jsonl || fail "fixture: no tool renamed"

expect_exit 1 cairn-capture --json t.jsonl
LC_ALL=C grep -q "$(printf '\177')" out.txt && fail "raw DEL in the JSON"
LC_ALL=C grep -q "$(printf '\302\205')" out.txt && fail "raw C1 in the JSON"
grep -q 'e\\u007f\\u0085cho' out.txt || fail "no \\u escapes: $(grep -o '.\{20\}cho.\{10\}' out.txt | head -n 3)"
jq -r '[.. | strings | select(startswith("e\u007f"))] | first' out.txt > name.txt ||
	fail "not JSON"
printf 'e\177\302\205cho\n' > want.txt
cmp -s want.txt name.txt || fail "the escaped name does not decode to the tool's name: $(od -c name.txt)"
exit 0
