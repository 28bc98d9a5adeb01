#!/bin/sh
# Tampered, truncated and missing snapshots: exit 2, one line on stderr
# naming the file, nothing on stdout (never a partial result).
set -eu
gen="$CAIRN_TOOLS/gen-snapshot"
. "$CAIRN_SRC/tests/cli/lib.sh"

"$gen" --entries 3000 a.cairn
"$gen" --entries 3000 --variant 1 b.cairn

check2() {
	set +e
	cairn-diff "$@" > out 2> err
	rc=$?
	set -e
	[ "$rc" = 2 ] || fail "$*: exit $rc, expected 2"
	[ ! -s out ] || fail "$*: partial output on stdout"
	[ "$(wc -l < err)" = 1 ] || fail "$*: stderr not one line: $(cat err)"
}

# an entry's size changed, stream recompressed: checksum mismatch
zstd -qdc b.cairn | sed '2000s/"size":[0-9]*/"size":1/' | zstd -q -o t1.cairn
check2 a.cairn t1.cairn
grep -q "t1.cairn" err && grep -q checksum err || fail "message: $(cat err)"

# the last change near the end: the diff must not print what it found before
zstd -qdc b.cairn | sed '$d' | sed '$s/"size":[0-9]*/"size":7/' > body
zstd -qdc b.cairn | tail -n 1 > trailer
cat body trailer | zstd -q -o t2.cairn
check2 t2.cairn a.cairn
grep -q "t2.cairn" err || fail "message: $(cat err)"

# truncated
head -c 20000 b.cairn > t3.cairn
check2 a.cairn t3.cairn
grep -q "t3.cairn" err || fail "message: $(cat err)"

# bit flip in the compressed data
cp b.cairn t4.cairn
printf '\377' | dd of=t4.cairn bs=1 seek=5000 conv=notrunc 2>/dev/null
check2 a.cairn t4.cairn
check2 t4.cairn a.cairn

# not a snapshot, missing file
printf 'hello' > t5.cairn
check2 a.cairn t5.cairn
check2 a.cairn missing.cairn
grep -q "missing.cairn" err || fail "message: $(cat err)"

# signatures: a signed pair verifies with --pubkey, an unsigned one does not
cairn-snap keygen -o k > /dev/null 2>&1
"$gen" --entries 100 --sign k.key s1.cairn
"$gen" --entries 100 --variant 1 --every 10 --sign k.key s2.cairn
set +e; cairn-diff --pubkey k.pub s1.cairn s2.cairn > /dev/null; rc=$?; set -e
[ "$rc" = 1 ] || fail "signed pair: exit $rc"
check2 --pubkey k.pub s1.cairn a.cairn
grep -q "a.cairn" err || fail "unsigned with --pubkey: $(cat err)"
echo ok
