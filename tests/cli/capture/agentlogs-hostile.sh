#!/bin/sh
# Hostile agent logs: a 100 MB single line (made here, not committed),
# 10k-deep JSON, invalid UTF-8, NUL bytes, lines cut anywhere, ANSI escapes
# and <script> in tool names and descriptions.  Never a crash, a hang or a
# raw control byte on stdout or stderr; malformed lines counted; memory
# bounded by the line limit, not by the log.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
fx="$CAIRN_SRC/tests/fixtures/agentlogs"
tr="$fx/claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl"

# no byte below 0x20 but newline, no DEL, no raw bidi/zero-width, in a file
clean() {
	python3 - "$1" <<'PY' || fail "$1: raw control or invisible character"
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f]
text = data.decode("utf-8", "replace")
bad += [c for c in text if 0x200b <= ord(c) <= 0x200f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
sys.exit(1 if bad else 0)
PY
}

# 1. a transcript whose first line is 100 MB (a tool result), then real lines
python3 - "$tr" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
big = {"type": "user", "sessionId": "x", "timestamp": "2026-03-02T07:59:00Z",
       "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t0",
                   "content": "A" * (100 << 20)}]}}
with open("big.jsonl", "w") as f:
    f.write(json.dumps(big) + "\n")
    for l in lines:
        f.write(l + "\n")
PY
[ "$(wc -c <big.jsonl)" -gt 104857600 ] || fail "big line not made"
# peak RSS of the child (KiB), through python3 (no time(1) needed)
python3 - <<'PY' >rss
import resource, subprocess, sys
with open("big.json", "wb") as out, open("big.err", "wb") as err:
    rc = subprocess.call(["cairn-capture", "--json", "big.jsonl"], stdout=out, stderr=err)
open("rc", "w").write(str(rc))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
rc=$(cat rc)
[ $rc -eq 1 ] || fail "big: exit $rc"
grep -q "'big.jsonl': line 1: 104857[0-9]* bytes, over the 64 MiB line limit (line skipped)" big.err ||
	fail "big: warning: $(cat big.err)"
[ "$(jq '.agent.stats.oversized' big.json)" = 1 ] || fail "big: oversized not counted"
[ "$(jq '.agent.stats.calls' big.json)" = 10 ] || fail "big: the lines after it were lost"
# the line limit bounds memory (64 MiB held at most), not the log size
[ "$(tail -n 1 rss)" -lt 200000 ] || fail "big: peak RSS $(tail -n 1 rss) KiB"
rm -f big.jsonl

# 2. one hostile JSON-RPC log: deep nesting, bad UTF-8, NUL, escapes in names
python3 - <<'PY'
deep = b"[" * 10000 + b"\n"
lines = [
    deep,
    b'{"jsonrpc":"2.0","method":"tools/call","id":1,"params":{"name":"x\xff"}}\n',
    b'{"jsonrpc":"2.0",\x00"id":1}\n',
    b'{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n',
    b'{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"t\\u001b]0;pwned\\u0007\\u001b[2J","description":"<script>alert(1)</script> \\u001b[31mred\\u202e"},{"name":"<script>x</script>","description":"ok"}]}}\n',
    b'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t\\u001b]0;pwned\\u0007\\u001b[2J","arguments":{"u":"http://\\u001b[1mevil.example/"}}}\n',
    b'{"jsonrpc":"2.0","id":4,"meth',
]
open("hostile.ndjson", "wb").write(b"".join(lines))
PY
cairn-capture hostile.ndjson >h.out 2>h.err
rc=$?
[ $rc -eq 1 ] || fail "hostile: exit $rc"
clean h.out
clean h.err
grep -q 'hostile.ndjson: 7 lines, 3 messages, 3 malformed, 3 without time, last line cut' h.out || fail "hostile: counts: $(grep hostile.ndjson h.out)"
grep -q "line 1: not JSON: maximum parsing depth reached" h.err || fail "hostile: deep"
grep -q "line 2: not JSON: unable to decode byte 0xff" h.err || fail "hostile: utf-8"
grep -q "line 3: NUL byte" h.err || fail "hostile: NUL"
grep -q "last line cut (no newline, 29 bytes not read)" h.err || fail "hostile: cut"
grep -qF 'tool hostile/t\x1b]0;pwned\x07\x1b[2J' h.out || fail "hostile: escaped name"
grep -qF 'invisible-characters in description' h.out || fail "hostile: invisible rule"
cairn-capture --json hostile.ndjson >h.json 2>/dev/null
clean h.json
jq -e '.agent.servers[0].tools | map(.name) | index("<script>x</script>") != null' h.json >/dev/null ||
	fail "hostile: json names"

# 3. the fixtures cut at many places: a warning at most, never trouble
for f in "$fx/claude-desktop/mcp.log" "$tr" "$fx/jsonrpc/wrapped.ndjson"; do
	size=$(wc -c <"$f")
	for frac in 1 7 13 29 50 71 97; do
		head -c $((size * frac / 100)) "$f" >cut.log
		cairn-capture cut.log >c.out 2>c.err
		rc=$?
		[ $rc -le 1 ] || fail "$f cut at $frac%: exit $rc: $(cat c.err)"
		clean c.out
		clean c.err
	done
done
exit 0
