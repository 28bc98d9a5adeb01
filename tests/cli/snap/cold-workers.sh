#!/bin/sh
# When the walk reads files ahead (a cold cache; CAIRN_TEST_DIRAHEAD starts
# it at once), the default's extra hashing workers are parked and one per
# CPU goes on (scan.c cold_workers()): the entries are the same as with
# eight workers and with one, a large file split over a helper thread
# included, and the run ends (a lost wake-up would hang it: timeout).
# With --reuse the other way round: one worker per CPU while warm, all of
# them once cold.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
snap="$CAIRN_BIN/cairn-snap"

d=0
while [ $d -lt 60 ]; do
	mkdir -p tree/d$d/sub
	i=0
	while [ $i -lt 25 ]; do
		printf 'file %d of %d\n' $i $d > tree/d$d/f$i
		i=$((i + 1))
	done
	printf 'deep %d\n' $d > tree/d$d/sub/x
	d=$((d + 1))
done
head -c 9000000 /dev/zero | tr '\0' 'z' > tree/d7/big

strip() {
	zstdcat "$1" | jq -c 'if .type == "header" then del(.created)
		elif .type == "trailer" then del(.sha256) else . end'
}
"$snap" -q -j 8 tree -o eight.cairn
strip eight.cairn > eight.txt
for opts in "" "-j 1" "-j 8"; do
	set +e
	# shellcheck disable=SC2086
	CAIRN_TEST_DIRAHEAD=1 timeout 120 "$snap" -q $opts tree -o ahead.cairn; rc=$?
	set -e
	[ $rc -eq 0 ] || fail "read-ahead run '${opts:-default}': exit $rc, want 0"
	strip ahead.cairn | cmp - eight.txt ||
		fail "read-ahead run '${opts:-default}': entries differ from -j 8"
done
# --reuse starts with one worker per CPU and takes them all back once the
# walk is cold (its read-ahead lists directories): with and without the
# read-ahead, the entries are a full snapshot's
printf 'changed\n' > tree/d3/f4
"$snap" -q -j 8 tree -o full.cairn
body() { zstdcat "$1" | sed '1d;$d'; }
body full.cairn > full.body
for ahead in off on; do
	set +e
	if [ $ahead = on ]; then
		CAIRN_TEST_DIRAHEAD=1 timeout 120 "$snap" -q --reuse eight.cairn tree -o inc.cairn
	else
		env -u CAIRN_TEST_DIRAHEAD timeout 120 "$snap" -q --reuse eight.cairn tree -o inc.cairn
	fi
	rc=$?
	set -e
	[ $rc -eq 0 ] || fail "--reuse, read-ahead $ahead: exit $rc, want 0"
	body inc.cairn | cmp - full.body ||
		fail "--reuse, read-ahead $ahead: entries differ from a full snapshot"
done
echo "$(($(wc -l < eight.txt) - 2)) entries alike with the read-ahead: default, -j 1, -j 8, --reuse"
