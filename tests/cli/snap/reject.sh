#!/bin/sh
# A truncated, a bit-flipped and a wrongly signed snapshot are rejected by
# verify and show: exit 2, the one line that names the file and the
# problem, nothing on stdout.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
snap="$CAIRN_BIN/cairn-snap"

mkdir tree
i=0
while [ $i -lt 200 ]; do printf 'file %d\n' $i > tree/f$i; i=$((i + 1)); done
"$snap" keygen -o right > /dev/null
"$snap" keygen -o wrong > /dev/null
"$snap" -q --sign right.key tree -o good.cairn
"$snap" verify --pubkey right.pub good.cairn > /dev/null

# expect_reject FILE MESSAGE [VERIFY-OPTIONS]: MESSAGE, after "cairn-snap:
# snapshot 'FILE': ", is the whole message (a case pattern)
expect_reject() {
	file=$1 want="cairn-snap: snapshot '$1': $2"
	shift 2
	set +e
	"$snap" verify "$@" "$file" > out.txt 2> err.txt
	rc=$?
	set -e
	[ $rc -eq 2 ] || { echo "verify $file: exit $rc, want 2"; cat err.txt; exit 1; }
	[ ! -s out.txt ] || { echo "verify $file printed to stdout"; exit 1; }
	[ "$(wc -l < err.txt)" -eq 1 ] || { echo "verify $file: not one line"; cat err.txt; exit 1; }
	case $(cat err.txt) in
	$want) ;;
	*) fail "verify $file: $(cat err.txt), want $want" ;;
	esac
	set +e
	"$snap" show "$@" "$file" > out.txt 2> err.txt
	rc=$?
	"$snap" show --json "$@" "$file" > out2.txt 2>> err.txt
	rc2=$?
	set -e
	[ $rc -eq 2 ] && [ $rc2 -eq 2 ] || { echo "show $file: exit $rc/$rc2"; exit 1; }
	[ ! -s out.txt ] && [ ! -s out2.txt ] || { echo "show $file printed a partial listing"; exit 1; }
	[ "$(sed -n 1p err.txt)" = "$(sed -n 2p err.txt)" ] || fail "show and show --json differ: $(cat err.txt)"
	case $(sed -n 1p err.txt) in
	$want) ;;
	*) fail "show $file: $(cat err.txt), want $want" ;;
	esac
	echo "rejected $file: $(head -n 1 err.txt)"
}

size=$(stat -c %s good.cairn)
head -c $((size / 2)) good.cairn > truncated.cairn
expect_reject truncated.cairn 'record 1: truncated (incomplete zstd frame)'
head -c $((size - 1)) good.cairn > short1.cairn
expect_reject short1.cairn 'record [0-9]*: truncated (incomplete zstd frame)'

# flip one bit in the compressed middle and, separately, in the data
# itself (recompressed, so only the checksum can tell)
cp good.cairn flipped.cairn
printf '\001' | dd of=flipped.cairn bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
if cmp -s good.cairn flipped.cairn; then fail "flip did not change the file"; fi
expect_reject flipped.cairn 'record 1: corrupt or not zstd: *'
zstdcat good.cairn | sed '2s/"size":[0-9]*/"size":999/' | zstd -q > edited.cairn
expect_reject edited.cairn 'record [0-9]*: checksum mismatch: the snapshot was modified or corrupted'

# signed by another key
expect_reject good.cairn 'record [0-9]*: bad signature: not signed by the given key, or modified' --pubkey wrong.pub
"$snap" -q --sign wrong.key tree -o wrongsig.cairn
expect_reject wrongsig.cairn 'record [0-9]*: bad signature: not signed by the given key, or modified' --pubkey right.pub
# unsigned, but a signature is required
"$snap" -q tree -o unsigned.cairn
expect_reject unsigned.cairn 'record [0-9]*: not signed, but a public key was given' --pubkey right.pub
# signature copied from a good file onto other content
sig=$(zstdcat good.cairn | tail -n 1 | jq -c .signature)
zstdcat unsigned.cairn | sed '$d' > body
zstdcat unsigned.cairn | tail -n 1 | jq -c --argjson s "$sig" '. + {signature: $s}' >> body
zstd -q < body > grafted.cairn
expect_reject grafted.cairn 'record [0-9]*: bad signature: not signed by the given key, or modified' --pubkey right.pub

# not a snapshot at all
printf 'hello\n' > text.cairn
expect_reject text.cairn 'corrupt or not zstd: Unknown frame descriptor'
: > empty.cairn
expect_reject empty.cairn 'empty file, not a snapshot'
