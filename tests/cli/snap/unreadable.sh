#!/bin/sh
# Entries cairn-snap cannot read: exit 1, the snapshot is written with the
# errors counted in the trailer and recorded per entry, one warning each
# (none with --quiet).  Root ignores permissions, so as root the tool runs
# as nobody (setpriv).
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"

mkdir tree
printf 'ok\n' > tree/ok
printf 'secret\n' > tree/secret
chmod 000 tree/secret
mkdir tree/locked
chmod 000 tree/locked
as_nobody tree
expect_exit 1 $run cairn-snap tree -o w/partial.cairn
# (the walker and the hashing threads report in either order)
sort err.txt > got.txt
cat > want.txt <<'W'
cairn-snap: snapshot written, but 2 entries could not be read and 0 changed while read
cairn-snap: warning: cannot open 'secret': Permission denied
cairn-snap: warning: cannot opendir 'locked': Permission denied
W
diff -u want.txt got.txt || fail "warnings differ"
[ "$(zstdcat w/partial.cairn | tail -n 1 | jq .errors)" = 2 ] || fail "trailer error count"
zstdcat w/partial.cairn | jq -s -e 'any(.[]; .path == "secret" and .error.name == "EACCES" and .error.op == "open")' > /dev/null ||
	fail "no error record for secret"
# --quiet: no warnings, same status
expect_exit 1 $run cairn-snap -q tree -o w/partial2.cairn
[ ! -s err.txt ] || fail "--quiet printed: $(cat err.txt)"
exit 0
