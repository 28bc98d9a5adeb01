#!/bin/sh
# SIGINT or SIGTERM during a snapshot: exit 130 and no temporary file left.
set -eu
snap="$CAIRN_BIN/cairn-snap"

mkdir tree out
# a large sparse file takes seconds to hash; nothing is written to disk
truncate -s 16G tree/sparse
for sig in INT TERM; do
	"$snap" -q -j 1 tree -o out/s.cairn &
	pid=$!
	sleep 0.5
	kill -$sig $pid
	set +e
	wait $pid
	rc=$?
	set -e
	[ $rc -eq 130 ] || { echo "SIG$sig: exit $rc, want 130"; exit 1; }
	left=$(ls -A out)
	[ -z "$left" ] || { echo "SIG$sig left: $left"; exit 1; }
	echo "SIG$sig: exit 130, nothing left"
done
