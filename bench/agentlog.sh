#!/bin/sh
# bench/agentlog.sh - cairn-capture on a large Claude Code transcript
# (500 MB at BENCH_SCALE=1), against jq reading the same lines (`jq -c
# .tool_use_id`-like one pass: the least a JSON tool does) and `wc -l`
# (the floor: reading the bytes).  The transcript is built from the
# recorded fixture session (tests/fixtures/agentlogs, real MCP traffic:
# every call, result, secret and host of it) repeated with new ids and
# times, interleaved with built-in tool calls whose results are 2-16 KiB
# of text, as real sessions are; then with a snapshot's secrets to match
# (cairn-report's path).  Prints MB/s and peak RSS; the generated file is
# deleted afterwards.  Never fails on a timing.
set -eu
: "${CAIRN_BIN:?}" "${CAIRN_SRC:?}" "${BENCH_DIR:?}"
scale=${BENCH_SCALE:-1}
mb=$(awk -v s="$scale" 'BEGIN { n = int(500 * s); if (n < 5) n = 5; print n }')
work=$(mktemp -d "$BENCH_DIR/agentlog.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
big="$work/session.jsonl"
python3 - "$CAIRN_SRC/tests/fixtures/agentlogs/claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl" \
	"$big" "$mb" <<'PY'
import json, random, sys
src, dst, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(src)]
rnd = random.Random(7)
words = ("the quick brown fox jumps over the lazy dog " * 8).split()
limit = mb << 20
size, rep, t0 = 0, 0, 1772438400
with open(dst, "w") as out:
    while size < limit:
        for l in lines:
            l = json.loads(json.dumps(l))
            l["timestamp"] = "2026-03-%02dT%02d:%02d:%02d.%03dZ" % (
                2 + rep // 86400 % 27, rep // 3600 % 24, rep // 60 % 60, rep % 60, rep % 1000)
            for b in (l.get("message") or {}).get("content") or []:
                if isinstance(b, dict) and b.get("id"):
                    b["id"] = "%s_%d" % (b["id"], rep)
                if isinstance(b, dict) and b.get("tool_use_id"):
                    b["tool_use_id"] = "%s_%d" % (b["tool_use_id"], rep)
            s = json.dumps(l, separators=(",", ":")) + "\n"
            out.write(s)
            size += len(s)
            # a built-in tool call with a long text result
            tid = "toolu_bi_%d_%d" % (rep, size)
            text = " ".join(rnd.choice(words) for _ in range(rnd.randint(400, 3000)))
            for m in ({"type": "assistant", "timestamp": l["timestamp"], "sessionId": "b",
                       "message": {"role": "assistant", "content": [{"type": "tool_use", "id": tid,
                                   "name": "Read", "input": {"file_path": "/home/dev/project/notes.md"}}]}},
                      {"type": "user", "timestamp": l["timestamp"], "sessionId": "b",
                       "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tid,
                                   "content": text}]}}):
                s = json.dumps(m, separators=(",", ":")) + "\n"
                out.write(s)
                size += len(s)
        rep += 1
PY
bytes=$(wc -c <"$big")
echo "agent log: Claude Code transcript, $((bytes >> 20)) MiB, $(wc -l <"$big") lines"
cat "$big" >/dev/null
now() { date +%s.%N; }
timed() { t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now); awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f", z - a }'; }
peak_kb() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
# the snapshot's secrets to match, as cairn-report does
mkdir -p "$work/root" && echo x >"$work/root/f"
OPENAI_API_KEY=sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd DB_PASSWORD=correct-horse-battery-staple-42 \
	"$CAIRN_BIN/cairn-snap" -q --env --env-key "$work/k" -o "$work/s.cairn" "$work/root"
t_wc=$(timed wc -l "$big")
t_jq=""
if command -v jq >/dev/null 2>&1; then
	t_jq=$(timed jq -c '.message.content[]?.tool_use_id? // empty' "$big")
fi
t_cap=$(timed "$CAIRN_BIN/cairn-capture" --json --env-key "$work/k" "$big")
t_rep=$(timed "$CAIRN_BIN/cairn-report" --snapshot "$work/s.cairn" --capture "$big" --env-key "$work/k" \
	--format json --no-timestamp -o "$work/r.json")
m_cap=$(peak_kb "$CAIRN_BIN/cairn-capture" --json --env-key "$work/k" "$big")
m_rep=$(peak_kb "$CAIRN_BIN/cairn-report" --snapshot "$work/s.cairn" --capture "$big" --env-key "$work/k" \
	--format json --no-timestamp -o "$work/r2.json")
rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", b / 1048576 / t; else print "-" }'; }
printf '%-52s %8s %8s %12s\n' "program" "seconds" "MiB/s" "peak KiB"
printf '%-52s %8s %8s %12s\n' "wc -l (reading the bytes)" "$t_wc" "$(rate "$t_wc")" "-"
[ -n "$t_jq" ] && printf '%-52s %8s %8s %12s\n' "jq -c (one pass, one field)" "$t_jq" "$(rate "$t_jq")" "-"
printf '%-52s %8s %8s %12s\n' "cairn-capture --json" "$t_cap" "$(rate "$t_cap")" "$m_cap"
printf '%-52s %8s %8s %12s\n' "cairn-report --capture (snapshot secrets matched)" "$t_rep" "$(rate "$t_rep")" "$m_rep"
[ -n "$t_jq" ] && awk -v j="$t_jq" -v c="$t_cap" 'BEGIN { printf "cairn-capture vs jq: %.1fx\n", j / c }'
jq -c '[.findings[] | .id] | group_by(.) | map("\(.[0]) x\(length)")' "$work/r.json" 2>/dev/null || true
