#!/bin/sh
# --created records a given time instead of the clock and says so in the
# header; a bad time, --created with --reuse, and --reuse of a snapshot
# whose time was given are refused (exit 2, nothing written).
set -eu
snap="$CAIRN_BIN/cairn-snap"
. "$CAIRN_SRC/tests/cli/lib.sh"

mkdir tree
printf 'x\n' > tree/f
"$snap" -q --created 2026-11-21T02:00:00Z tree -o given.cairn
h=$(zstdcat given.cairn | head -n 1 | jq -c '{created, created_set}')
[ "$h" = '{"created":"2026-11-21T02:00:00.000000000Z","created_set":true}' ] || fail "header: $h"
# the same tree, the same time: the same bytes
"$snap" -q --created 2026-11-21T02:00:00Z tree -o again.cairn
cmp -s given.cairn again.cairn || fail "--created: two runs differ"
# from the clock: no created_set
"$snap" -q tree -o clock.cairn
[ "$(zstdcat clock.cairn | head -n 1 | jq -c 'has("created_set")')" = false ] || fail "created_set without --created"

expect2() { # MESSAGE ARGS...: exit 2, that one message first, nothing written
	want=$1
	shift
	rc=0
	"$snap" "$@" -o out.cairn > out.txt 2> err.txt || rc=$?
	[ "$rc" = 2 ] || fail "$*: exit $rc"
	[ "$(head -n 1 err.txt)" = "$want" ] || fail "$*: $(head -n 1 err.txt)"
	[ ! -e out.cairn ] || fail "$*: wrote out.cairn"
}
expect2 "cairn-snap: --created: 'yesterday' is not an RFC 3339 time" -q --created yesterday tree
expect2 "cairn-snap: --created and --reuse exclude each other" \
	-q --created 2026-11-21T02:00:00Z --reuse clock.cairn tree
expect2 "cairn-snap: snapshot 'given.cairn': its time was set with --created, not read from the clock; --reuse cannot build on it" \
	-q --reuse given.cairn tree
echo "--created: recorded, flagged, kept away from --reuse"
