#!/bin/sh
# Exit status policy: 0 written and clean, 1 written with unreadable
# entries (counted in the trailer), 2 trouble and nothing written;
# --help/--version on stdout; usage errors exit 2.
set -eu
snap="$CAIRN_BIN/cairn-snap"

"$snap" --help | grep -q '^usage: cairn-snap'
"$snap" --version | grep -q '^cairn-snap [0-9]'
set +e
"$snap" > out.txt 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && [ ! -s out.txt ] && grep -q usage err.txt
set +e
"$snap" --no-such-option x -o y 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ]
set +e
"$snap" -j 0 . -o y 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && [ ! -e y ]

mkdir tree
printf 'ok\n' > tree/ok
"$snap" -q tree -o clean.cairn
[ "$(zstdcat clean.cairn | tail -n 1 | jq .errors)" = 0 ]

# missing root: 2, nothing written
set +e
"$snap" -q missing -o m.cairn 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && [ ! -e m.cairn ] && grep -q "missing" err.txt
# output folder missing: 2
set +e
"$snap" -q tree -o nodir/x.cairn 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "nodir" err.txt

# unreadable entries: root ignores permissions, so run as nobody then
printf 'secret\n' > tree/secret
chmod 000 tree/secret
mkdir tree/locked
chmod 000 tree/locked
run=""
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv > /dev/null; then
		echo "setpriv missing: unreadable case skipped"
		exit 0
	fi
	chmod 755 . tree
	mkdir w
	chmod 777 w
	run="setpriv --reuid=65534 --regid=65534 --clear-groups"
	if ! $run test -x "$PWD"; then
		echo "scratch dir not reachable by uid 65534: unreadable case skipped"
		exit 0
	fi
else
	mkdir w
fi
set +e
$run "$snap" tree -o w/partial.cairn 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] || { echo "unreadable: exit $rc, want 1"; cat err.txt; exit 1; }
grep -q "cannot open 'secret': Permission denied" err.txt
grep -q "cannot opendir 'locked': Permission denied" err.txt
[ "$(zstdcat w/partial.cairn | tail -n 1 | jq .errors)" = 2 ]
zstdcat w/partial.cairn | jq -s -e 'any(.[]; .path == "secret" and .error.name == "EACCES" and .error.op == "open")' > /dev/null
# --quiet: no warnings
set +e
$run "$snap" -q tree -o w/partial2.cairn 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -s err.txt ]
