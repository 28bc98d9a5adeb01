#!/bin/sh
# --reuse parses a previous regular file's line only when the file may take
# its digests (the walk frames lines, a worker parses them): a line with a
# valid checksum but a malformed field still fails the run (exit 2, the
# snapshot and record named, nothing written), for a file that is reused
# and for one whose metadata changed.  A well-formed previous snapshot
# still gives the entries of a full run.
. "$CAIRN_SRC/tests/cli/lib.sh"
need python3 python3
mkdir -p tree/d
i=0
while [ $i -lt 20 ]; do printf 'content %d\n' $i > tree/d/f$i; i=$((i + 1)); done
sleep 0.05   # let the previous snapshot start strictly after the writes
cairn-snap -q tree -o prev.cairn
# forge FILE PATH FIELD VALUE: prev.cairn with PATH's FIELD replaced by
# VALUE (raw JSON) and the trailer's checksum recomputed, as an attacker
# without the signing key could do
forge() {
	python3 - "$@" <<'PY'
import hashlib, json, subprocess, sys
out, path, field, value = sys.argv[1:5]
lines = subprocess.run(["zstdcat", "prev.cairn"], check=True,
                       capture_output=True).stdout.split(b"\n")[:-1]
body = []
found = False
for line in lines[:-1]:
    rec = json.loads(line)
    if rec.get("path") == path:
        rec[field] = json.loads(value)
        line = json.dumps(rec, separators=(",", ":")).encode()
        found = True
    body.append(line)
if not found:
    sys.exit("forge: no entry " + path)
trailer = json.loads(lines[-1])
trailer["sha256"] = hashlib.sha256(b"".join(l + b"\n" for l in body)).hexdigest()
data = b"".join(l + b"\n" for l in body) + json.dumps(trailer, separators=(",", ":")).encode() + b"\n"
subprocess.run(["zstd", "-q", "-f", "-o", out], input=data, check=True)
PY
}
forge bad-digest.cairn d/f3 sha256 '"zz"'
run cairn-snap -q --reuse bad-digest.cairn tree -o out1.cairn
[ ! -e out1.cairn ] || fail "malformed previous line: out1.cairn written"
printf 'changed\n' > tree/d/f5
forge bad-changed.cairn d/f5 xxh128 '"not hex"'
run cairn-snap -q --reuse bad-changed.cairn tree -o out2.cairn
[ ! -e out2.cairn ] || fail "malformed previous line: out2.cairn written"
# the unforged previous snapshot: same entries as a full run
run cairn-snap -q --reuse prev.cairn tree -o inc.cairn
cairn-snap -q tree -o full.cairn
zstdcat inc.cairn | sed '1d;$d' > inc.body
zstdcat full.cairn | sed '1d;$d' | cmp - inc.body || fail "reuse differs from a full run"
# lines no worker parses are checked too: a directory's, a removed file's
forge bad-dir.cairn d mode '"zz"'
run cairn-snap -q --reuse bad-dir.cairn tree -o out3.cairn
[ ! -e out3.cairn ] || fail "malformed previous directory line: out3.cairn written"
# the same, compressed from a file so that its frame records its size:
# with frames to copy, the directory's line is compared with its new one
# on the writing thread, and checked there when they differ
zstdcat bad-dir.cairn > bad-dir.ndjson
zstd -q bad-dir.ndjson -o bad-dir-sized.cairn
run cairn-snap -q --reuse bad-dir-sized.cairn tree -o out7.cairn
[ ! -e out7.cairn ] || fail "malformed previous directory line (frames): out7.cairn written"
rm tree/d/f9
forge bad-gone.cairn d/f9 size '-1'
run cairn-snap -q --reuse bad-gone.cairn tree -o out4.cairn
[ ! -e out4.cairn ] || fail "malformed previous line of a removed file: out4.cairn written"
# a previous snapshot cut short, and one whose checksum does not hold: the
# reading, on its own thread, fails the run the same way
mkdir frames
python3 "$CAIRN_SRC/tests/tools/zstd-frames.py" split prev.cairn frames || fail "split"
rm "frames/$(ls frames | tail -n 1)"
python3 "$CAIRN_SRC/tests/tools/zstd-frames.py" join frames cut.cairn || fail "join"
run cairn-snap -q --reuse cut.cairn tree -o out5.cairn
[ ! -e out5.cairn ] || fail "previous snapshot without its trailer: out5.cairn written"
zstdcat prev.cairn | sed '$s/"sha256":"[0-9a-f]*"/"sha256":"'"$(printf '%064d' 0)"'"/' |
	zstd -q -o badsum.cairn
run cairn-snap -q --reuse badsum.cairn tree -o out6.cairn
[ ! -e out6.cairn ] || fail "previous snapshot with a wrong checksum: out6.cairn written"
# a previous snapshot signed by another key than --pubkey names, and an
# unsigned one: refused when its end is read, nothing written
cairn-snap keygen -o good > /dev/null
cairn-snap keygen -o other > /dev/null
cairn-snap -q --sign other.key tree -o other-signed.cairn
run cairn-snap -q --reuse other-signed.cairn --pubkey good.pub tree -o out8.cairn
[ ! -e out8.cairn ] || fail "previous snapshot signed by another key: out8.cairn written"
run cairn-snap -q --reuse prev.cairn --pubkey good.pub tree -o out9.cairn
[ ! -e out9.cairn ] || fail "unsigned previous snapshot with --pubkey: out9.cairn written"
run cairn-snap -q --reuse other-signed.cairn --pubkey other.pub tree -o inc2.cairn
