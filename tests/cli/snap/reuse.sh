#!/bin/sh
# --reuse gives the same entries as a full snapshot; the header names the
# previous snapshot, the trailer counts what was reused; a changed file is
# read again; --paranoid reads everything; a bad previous file is trouble.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
snap="$CAIRN_BIN/cairn-snap"

mkdir -p tree/d
i=0
while [ $i -lt 100 ]; do printf 'content %d\n' $i > tree/d/f$i; i=$((i + 1)); done
sleep 0.05   # let the previous snapshot start strictly after the writes
"$snap" -q tree -o prev.cairn
printf 'changed\n' > tree/d/f7
"$snap" -q --reuse prev.cairn tree -o inc.cairn
"$snap" -q tree -o full.cairn
body() { zstdcat "$1" | sed '1d;$d'; }
body inc.cairn > inc.body
body full.cairn > full.body
cmp inc.body full.body
prev_sum=$(zstdcat prev.cairn | tail -n 1 | jq -r .sha256)
zstdcat inc.cairn | head -n 1 | jq -e \
	'.reuse.from == "prev.cairn" and (.reuse | has("prev_sha256") | not)' > /dev/null
zstdcat inc.cairn | tail -n 1 | jq -e --arg s "$prev_sum" \
	'.reuse.prev_sha256 == $s' > /dev/null
t=$(zstdcat inc.cairn | tail -n 1)
# f7 changed (size and times) and was re-read
[ "$(printf '%s' "$t" | jq .reuse.hashed)" -ge 1 ]
[ "$(printf '%s' "$t" | jq '.reuse.reused + .reuse.hashed')" = 100 ]
[ "$(printf '%s' "$t" | jq .reuse.reused)" -ge 90 ]
echo "reused $(printf '%s' "$t" | jq .reuse.reused) of 100"
"$snap" -q --paranoid --reuse prev.cairn tree -o par.cairn
[ "$(zstdcat par.cairn | tail -n 1 | jq .reuse.reused)" = 0 ]
body par.cairn | cmp - full.body
# a tampered previous snapshot is refused, nothing written
zstdcat prev.cairn | sed '2s/"size":[0-9]*/"size":1/' | zstd -q > bad.cairn
set +e
"$snap" -q --reuse bad.cairn tree -o out.cairn 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] || fail "tampered --reuse file: exit $rc, want 2"
[ ! -e out.cairn ] || fail "tampered --reuse file: out.cairn written"
grep -q "^cairn-snap: .*'bad.cairn'" err.txt || fail "tampered --reuse file not named: $(cat err.txt)"
