#!/bin/sh
# A warning about an entry whose name holds terminal controls (ESC, BEL,
# the one-byte CSI U+009B, DEL) and a backslash: the name is escaped once,
# as the listings show it (cairn-snap show, cairn-diff), never raw and
# never twice ("\\x1b" made a file named with a real backslash and one
# with ESC look alike to no one and a name unlike the listing's).  As root
# the tool runs as nobody (setpriv) so that permissions apply.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"

n=$(printf 'e\033]0;pwn\007\033[31mX\302\233Y\177\\z')
shown='e\x1b]0;pwn\x07\x1b[31mX\u{009b}Y\x7f\\z'
mkdir tree
printf 'secret\n' > "tree/f$n"
chmod 000 "tree/f$n"
mkdir "tree/d$n"
chmod 000 "tree/d$n"
as_nobody tree
expect_exit 1 $run cairn-snap tree -o w/s.cairn
sort err.txt > got.txt
cat > want.txt <<W
cairn-snap: snapshot written, but 2 entries could not be read and 0 changed while read
cairn-snap: warning: cannot open 'f$shown': Permission denied
cairn-snap: warning: cannot opendir 'd$shown': Permission denied
W
diff -u want.txt got.txt || fail "warnings differ"
# the listing shows the same name
cairn-snap show w/s.cairn > show.txt || fail "show exit $?"
grep -qF " f$shown" show.txt || fail "show: $(cat show.txt)"
exit 0
