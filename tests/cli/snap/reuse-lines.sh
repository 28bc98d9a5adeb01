#!/bin/sh
# --reuse copies a reused file's record line from the previous snapshot
# (nothing it records changed), and the result is byte for byte the body
# of a full snapshot: with names that need escaping and a file with an
# xattr (serialised, never copied), and with a previous snapshot whose
# entry lines are laid out otherwise (valid, checksummed, but not what this
# build writes): a line is copied only when it is this build's line for the
# entry, byte for byte, so none is, and the output is still the full
# snapshot's.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

mkdir -p tree/sub "tree/with \"quote\"" "$(printf 'tree/caf\303\251')"
i=0
while [ $i -lt 300 ]; do
	printf 'content %d\n' $i > "tree/sub/f$i"
	i=$((i + 1))
done
echo x > "tree/with \"quote\"/a"
echo y > "$(printf 'tree/caf\303\251/b')"
echo z > "$(printf 'tree/ctl\001name')"
echo w > tree/xattr-file
if python3 -c 'import os; os.setxattr("tree/xattr-file", "user.cairn", b"test")' 2>/dev/null; then
	echo "xattr set"
fi
sleep 0.05   # the previous snapshot starts strictly after the writes
cairn-snap -q --no-packages tree -o prev.cairn
cairn-snap -q --no-packages --reuse prev.cairn tree -o inc.cairn
cairn-snap -q --no-packages tree -o full.cairn
body() { zstdcat "$1" | sed '1d;$d'; }
body full.cairn > full.body
body inc.cairn | cmp - full.body || fail "--reuse body differs from the full snapshot's"
reused=$(zstdcat inc.cairn | tail -n 1 | jq .reuse.reused)
[ "$reused" -ge 300 ] || fail "only $reused reused"

# a previous snapshot laid out otherwise: the same records re-dumped by
# Python (spaces after separators), checksum recomputed
python3 - prev.cairn > other.ndjson <<'PY'
import hashlib, json, subprocess, sys
lines = subprocess.run(["zstdcat", sys.argv[1]], capture_output=True, check=True).stdout.split(b"\n")
lines = [l for l in lines if l]
body = [lines[0]] + [json.dumps(json.loads(l), ensure_ascii=False).encode() for l in lines[1:-1]]
data = b"".join(l + b"\n" for l in body)
trailer = json.loads(lines[-1])
trailer["sha256"] = hashlib.sha256(data).hexdigest()
sys.stdout.buffer.write(data + json.dumps(trailer, separators=(",", ":")).encode() + b"\n")
PY
zstd -q -f other.ndjson -o other.cairn
cairn-snap verify other.cairn > /dev/null || fail "the re-laid snapshot does not verify"
if zstdcat other.cairn | sed -n 2p | grep -q '"type":"entry"'; then fail "not re-laid"; fi
cairn-snap -q --no-packages --reuse other.cairn tree -o inc2.cairn
body inc2.cairn | cmp - full.body || fail "lines copied from a snapshot laid out otherwise"
[ "$(zstdcat inc2.cairn | tail -n 1 | jq .reuse.reused)" -ge 300 ] || fail "other: not reused"
