#!/bin/sh
# One reporter for the four tools: a message names the tool once, carries
# no "cairn: " of the library's, and shows attacker bytes (here ESC and the
# C1 control U+009B, a one-byte CSI) as visible escapes, never raw.  JSON
# output writes DEL and C1 controls as \u escapes.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"

bad=$(printf 'x\033[31m\302\233y')
shown='x\x1b[31m\u{009b}y'

# expect TOOL EXPECTED-STDERR ARGS...: exit 2, nothing on stdout, exactly
# that one line on stderr
expect() {
	tool=$1 want=$2
	shift 2
	"$tool" "$@" >out.txt 2>err.txt
	rc=$?
	[ "$rc" -eq 2 ] || fail "$tool $*: exit $rc, want 2"
	if [ -s out.txt ]; then fail "$tool: wrote to stdout"; fi
	printf '%s\n' "$want" >want.txt
	diff -u want.txt err.txt || fail "$tool: stderr differs"
}

expect cairn-snap "cairn-snap: cannot open directory '$shown': No such file or directory" \
	-q "$bad" -o o.cairn
if [ -e o.cairn ]; then fail "cairn-snap wrote o.cairn"; fi
expect cairn-diff "cairn-diff: cannot open snapshot '$shown': No such file or directory" \
	"$bad" "$bad"
expect cairn-capture "cairn-capture: cannot open '$shown': No such file or directory" "$bad"
expect cairn-report "cairn-report: cannot open '$shown': No such file or directory" \
	--snapshot "$bad"

# usage errors: the message, then the usage text, exit 2
cairn-diff --color=sometimes a b >out.txt 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || fail "--color=sometimes: exit $rc"
head -n 1 err.txt >first.txt
printf '%s\n' "cairn-diff: --color: expected auto, always or never, not 'sometimes'" >want.txt
diff -u want.txt first.txt || fail "--color message"
grep -q '^usage: cairn-diff' err.txt || fail "--color: no usage line"

# --version: "TOOL VERSION" on stdout, exit 0
for t in cairn-snap cairn-diff cairn-capture cairn-report; do
	v=$("$t" --version) || fail "$t --version exit $?"
	case "$v" in
	"$t "[0-9]*) ;;
	*) fail "$t --version printed '$v'" ;;
	esac
done

# JSON: a file name holding DEL and a C1 control comes out as \u escapes
mkdir a b
printf 'one\n' >a/f
printf 'one\n' >b/f
printf 'new\n' >"b/$(printf 'n\177\302\205m')"
cairn-snap -q --no-packages a -o a.cairn || fail "snap a"
cairn-snap -q --no-packages b -o b.cairn || fail "snap b"
cairn-diff --json a.cairn b.cairn >diff.json
rc=$?
[ "$rc" -eq 1 ] || fail "diff --json exit $rc, want 1"
cairn-snap show --json b.cairn >show.json || fail "show --json exit $?"
cairn-report --format json --no-timestamp --baseline a.cairn --snapshot b.cairn \
	>report.json
rc=$?
[ "$rc" -le 1 ] || fail "report exit $rc"
for f in diff.json show.json report.json; do
	LC_ALL=C grep -q "$(printf '\177')" "$f" && fail "$f: raw DEL"
	LC_ALL=C grep -q "$(printf '\302\205')" "$f" && fail "$f: raw C1"
	grep -q 'n\\u007f\\u0085m' "$f" || fail "$f: no \\u escapes"
	jq -e . "$f" >/dev/null || fail "$f: not JSON"
done
# the escapes decode to the same name
jq -r '.. | strings | select(startswith("n\u007f"))' show.json | head -n 1 >name.txt
printf 'n\177\302\205m\n' >want.txt
cmp -s want.txt name.txt || fail "show --json: name does not decode to the raw bytes"
exit 0
