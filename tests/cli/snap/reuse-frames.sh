#!/bin/sh
# --reuse copies the compressed frames of the previous snapshot that hold
# exactly its own lines, and the file is then byte for byte a full
# snapshot's (apart from the header and trailer frames, which name the run):
# after a changed and an added file; from a previous snapshot whose frames
# were compressed otherwise (same lines: the first copies are checked, the
# copying stops); from one written as a single stream (no frame sizes:
# nothing copied); from one with a skippable frame in between.  Each time
# the run's own content is what a full run writes.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need zstd zstd
need jq jq
frames="python3 $CAIRN_SRC/tests/tools/zstd-frames.py"

mkdir -p tree/a tree/b
i=0
while [ $i -lt 3000 ]; do
	printf 'content %d\n' $i > tree/a/f$i
	printf 'other %d\n' $i > tree/b/g$i
	i=$((i + 1))
done
sleep 0.05   # the previous snapshot starts strictly after the writes
cairn-snap -q --no-packages tree -o prev.cairn
# same size: a line of the same length, other bytes
printf 'CONTENT 1700\n' > tree/a/f1700
echo added > tree/b/new
sleep 0.05

# middle FILE: its frames but the first (header) and the last (trailer)
middle() { $frames list "$1" | sed '1d;$d'; }
copied() { zstdcat "$1" | tail -n 1 | jq .reuse.frames_copied; }
# check PREV NAME: --reuse PREV writes the full run's middle frames
check() {
	cairn-snap -q --no-packages --reuse "$1" tree -o "$2.cairn"
	cairn-snap -q --no-packages tree -o "full-$2.cairn"
	middle "full-$2.cairn" > full.frames
	middle "$2.cairn" | cmp -s - full.frames ||
		fail "$2: frames differ from a full snapshot's"
	zstdcat "$2.cairn" | sed '1d;$d' > got.body
	zstdcat "full-$2.cairn" | sed '1d;$d' | cmp -s - got.body ||
		fail "$2: content differs from a full snapshot's"
}

n=$(middle prev.cairn | wc -l)
[ "$n" -ge 20 ] || fail "only $n frames of records: the case needs more"
check prev.cairn inc
c=$(copied inc.cairn)
# the changed file spoils its frame (and at most the next, where the cut
# moved), the added one likewise, and the first two that could be copied
# are compressed to check that copies are what this build writes
[ "$c" -ge $((n - 6)) ] || fail "copied $c of $n frames"
echo "after a change and an addition: frames identical to a full run's, most copied"

# the same lines, frames compressed at another level: never copied
mkdir split
$frames split prev.cairn split
for f in split/*.zst; do
	zstd -q -d "$f" -o "$f.raw"
	zstd -q -19 -f "$f.raw" -o "$f"
	rm "$f.raw"
done
$frames join split other.cairn
cairn-snap verify other.cairn > /dev/null
check other.cairn other
[ "$(copied other.cairn)" = 0 ] || fail "copied frames compressed otherwise"
echo "frames compressed otherwise: not copied, frames identical to a full run's"

# one stream, no frame sizes: nothing to copy
zstdcat prev.cairn | zstd -q -1 > stream.cairn
check stream.cairn stream
[ "$(copied stream.cairn)" = 0 ] || fail "copied from a single stream"
echo "a single-stream snapshot: nothing copied, frames identical to a full run's"

# a skippable frame between two frames: passed over
rm split/*
$frames split prev.cairn split
printf '\120\052\115\030\004\000\000\000junk' > split/00001a.zst
$frames join split skip.cairn
check skip.cairn skipped
[ "$(copied skipped.cairn)" -ge $((n - 6)) ] || fail "skippable frame stopped the copying"
echo "a skippable frame in between: passed over, frames identical to a full run's"
