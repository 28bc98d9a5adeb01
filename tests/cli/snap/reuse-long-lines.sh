#!/bin/sh
# A previous snapshot whose entry lines are long (valid, checksummed: 100
# files with 4,000 xattrs each, about 1 MiB a line) costs bounded memory:
# such lines are checked as they are passed over but not held for reuse,
# and those files are described afresh, so the result is a full run's.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need zstd zstd
need python3 python3

mkdir -p tree/d
i=0
while [ $i -lt 100 ]; do printf 'content %d\n' $i > tree/d/f$i; i=$((i + 1)); done
sleep 0.05   # the previous snapshot starts strictly after the writes
cairn-snap -q --no-packages tree -o prev.cairn
python3 - <<'PY'
import hashlib, json, subprocess
lines = subprocess.run(["zstdcat", "prev.cairn"], check=True,
                       capture_output=True).stdout.split(b"\n")[:-1]
body = []
for line in lines[:-1]:
    rec = json.loads(line)
    if rec.get("kind") == "file":
        out = {}
        for k, v in rec.items():
            if k == "sha256":
                out["xattrs"] = [{"name": "user.%06d" % n + "x" * 200, "size": 1,
                                  "sha256": "0" * 64} for n in range(4000)]
            out[k] = v
        line = json.dumps(out, separators=(",", ":")).encode()
    body.append(line)
trailer = json.loads(lines[-1])
data = b"".join(l + b"\n" for l in body)
trailer["sha256"] = hashlib.sha256(data).hexdigest()
data += json.dumps(trailer, separators=(",", ":")).encode() + b"\n"
open("long.ndjson", "wb").write(data)
PY
zstd -q long.ndjson -o long.cairn
rm long.ndjson
[ "$(stat -c %s long.cairn)" -lt 10000000 ] || fail "long.cairn is not small"
peak 80000 cairn-snap -q --no-packages --reuse long.cairn tree -o inc.cairn
[ "$(cat rc.txt)" = 0 ] || fail "exit $(cat rc.txt): $(cat err.txt)"
cairn-snap -q --no-packages tree -o full.cairn
zstdcat inc.cairn | sed '1d;$d' > inc.body
zstdcat full.cairn | sed '1d;$d' | cmp -s - inc.body || fail "entries differ from a full run's"
echo "100 lines of 1 MiB: bounded memory, the full run's entries"
