#!/bin/sh
# Progress lines: on a terminal (script(1) gives the tools a pty) each
# long-running command draws its line on stderr, "\r ESC[K PROG: ...", and
# erases it before its output: cairn-snap (entries, files, bytes, rate),
# cairn-diff --live (entries compared) and --git (paths of the tree, %),
# cairn-report -o (snapshot bytes read of the total, %), cairn-capture
# (capture bytes read of the files' sizes, %; compressed ones by their
# compressed bytes; Zeek logs alike), cairn-report --capture (its own
# line).  With -q, and
# whenever stderr is a pipe or a file, not one escape byte.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need script bsdutils
need git git
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org

cp -a "$CAIRN_SRC/samples/good" tree
git -C tree init -q
git -C tree add -A
git -C tree commit -q -m base
cairn-snap -q --env-key env.key --exclude .git tree -o base.cairn

# tty NAME CMD: run CMD on a pty; its terminal output in NAME.tty
tty() {
	_n=$1
	shift
	script -qec "$*" /dev/null > "$_n.tty" 2>&1 || :
	tr '\r' '\n' < "$_n.tty" > "$_n.lines"
}
# has_line NAME REGEX: a progress line (after ESC[K) matching REGEX
has_line() {
	grep -a -q "$(printf '\033')\\[K$2" "$1.lines" || fail "$1: no progress line '$2': $(cat -v "$1.tty" | head -c 600)"
}
# erased NAME: the last progress line was erased (ESC[K after it)
erased() {
	[ "$(grep -a -c "$(printf '\033')\\[K" "$1.lines")" -ge 2 ] || fail "$1: line not erased"
}

tty snap cairn-snap --env-key env.key --exclude .git tree -o new.cairn
has_line snap 'cairn-snap: [0-9][0-9]* entries, [0-9][0-9]* files, [0-9.]* [KMG]*i*B, [0-9.]* [KMG]*i*B/s$'
erased snap
tty live cairn-diff base.cairn --live tree
has_line live 'cairn-diff: [0-9][0-9]* entries compared, [0-9]*/s$'
grep -a -q '[0-9][0-9]* added, [0-9][0-9]* removed' live.lines || fail "live: output: $(cat -v live.tty)"
tty git cairn-diff --git tree tree
has_line git 'cairn-diff: [0-9][0-9]* of [0-9][0-9]* paths of the tree compared (100%)$'
tty report cairn-report --baseline base.cairn --snapshot new.cairn -o r.html
total=$(($(stat -c %s base.cairn) * 2 + $(stat -c %s new.cairn) * 2))
has_line report "cairn-report: snapshots read: .* of .* (100%)\$"
grep -a -q 'cairn-report: verdict: ' report.lines || fail "report: no verdict"
echo "report read $total bytes"
cap="$CAIRN_SRC/tests/fixtures/capture"
tty capture cairn-capture "$cap/basic.pcap" "$cap/basic.pcap.zst" "$cap/basic.pcap.gz"
total=$(($(stat -c %s "$cap/basic.pcap") + $(stat -c %s "$cap/basic.pcap.zst") + $(stat -c %s "$cap/basic.pcap.gz")))
has_line capture "cairn-capture: capture read: .* of .* (100%)\$"
erased capture
grep -a -q 'not on' capture.lines || grep -a -q '^window' capture.lines || fail "capture: output: $(cat -v capture.tty | head -c 600)"
# Zeek logs (one gzip'd) count the same way
zk="$CAIRN_SRC/tests/fixtures/logs/zeek/http-connect-with-header"
tty logs cairn-capture "$zk/conn.log" "$zk/http.log.gz"
has_line logs "cairn-capture: capture read: .* of .* (100%)\$"
erased logs
# cairn-report --capture: the capture has its own line, after the snapshot's
tty repcap cairn-report --snapshot new.cairn --capture "$cap/basic.pcap" --capture "$cap/basic.pcap.gz" -o rc.html
has_line repcap "cairn-report: capture read: .* of .* (100%)\$"
grep -a -q 'cairn-report: verdict: ' repcap.lines || fail "report --capture: no verdict"

# -q on a terminal: no progress escape at all
for c in "cairn-snap -q --env-key env.key --exclude .git tree -o q.cairn" \
	 "cairn-diff -q base.cairn --live tree" "cairn-diff -q --git tree tree" \
	 "cairn-report -q --baseline base.cairn --snapshot new.cairn -o q.html" \
	 "cairn-capture -q $cap/basic.pcap"; do
	tty quiet "$c"
	if grep -a -q "$(printf '\033')" quiet.tty; then fail "-q drew a line: $c: $(cat -v quiet.tty)"; fi
done
# stderr a pipe or a file: nothing but messages
cairn-snap --env-key env.key --exclude .git tree -o p.cairn 2> snap.err
cairn-diff base.cairn --live tree > /dev/null 2> live.err || :
cairn-diff --git tree tree > /dev/null 2> git.err || :
cairn-report --baseline base.cairn --snapshot new.cairn -o p.html 2> report.err || :
cairn-capture "$cap/basic.pcap" > /dev/null 2> capture.err || :
for f in snap.err live.err git.err report.err capture.err; do
	if grep -q "$(printf '\033')" "$f"; then fail "$f: escape bytes in a file"; fi
done
# the one message: the coverage summary (docs/RECORDS.md §Coverage)
grep -v '^cairn-snap: [0-9][0-9]* packages*: [0-9][0-9]* verified' snap.err > snap.other || :
[ ! -s snap.other ] || fail "snap printed in a file: $(cat snap.err)"
grep -q '^cairn-snap: [0-9][0-9]* packages*: [0-9][0-9]* verified' snap.err ||
	fail "snap: no coverage summary: $(cat snap.err)"
[ "$(wc -l < report.err)" = 3 ] || fail "report: $(cat report.err)"
[ ! -s capture.err ] || fail "capture printed in a file: $(cat capture.err)"
