#!/bin/sh
# Two snapshots made by the library (tests/tools/gen-snapshot --spec
# tests/fixtures/spec/changes-{a,b}.json): one change of each kind; text,
# JSON, exit status 0/1/2, usage errors.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
gen="$CAIRN_TOOLS/gen-snapshot"

"$gen" --spec "$CAIRN_SRC/tests/fixtures/spec/changes-a.json" a.cairn
"$gen" --spec "$CAIRN_SRC/tests/fixtures/spec/changes-b.json" b.cairn

# identical: exit 0
cairn-diff a.cairn a.cairn > same.out || fail "identical snapshots: exit $?"
grep -q '^no differences' same.out || fail "no 'no differences' line"

# one change of each kind: exit 1
set +e
cairn-diff a.cairn b.cairn > d.out 2> d.err
rc=$?
set -e
[ "$rc" = 1 ] || fail "expected exit 1, got $rc"
[ ! -s d.err ] || fail "unexpected stderr: $(cat d.err)"
grep -q '^1 added, 1 removed, 2 modified, 2 metadata, 1 unreadable; 1 package/env/config changes' d.out ||
	fail "summary line: $(sed -n 3p d.out)"
grep -q '^  + new  file, 5 bytes' d.out || fail "added line"
grep -q '^  - gone  file' d.out || fail "removed line"
grep -q '^  ~ bin/tool  content: size 18 -> 25' d.out || fail "modified line"
grep -q '^  m chmod-me  mode 0644 -> 4755' d.out || fail "mode line"
grep -q '^  m link  target a -> /etc/shadow' d.out || fail "target line"
grep -q '^  ! locked  .*open: Permission denied' d.out || fail "unreadable line"
grep -qx '  !! package npm::node_modules/b (b): same-version-different-content 2.0.0: integrity sha512-B -> sha512-EVIL, content bb -> b2' d.out ||
	fail "package red flag"
! grep -q touched d.out || fail "mtime-only change shown without --mtime"
# no colour when not a terminal
! grep -q "$(printf '\033')" d.out || fail "escape sequences in non-tty output"

# --mtime shows it
set +e; cairn-diff --mtime a.cairn b.cairn > m.out; set -e
grep -q '^  m touched  mtime 2023-11-14T22:13:20.000000000Z -> 2027-01-15T08:00:00.000000000Z' m.out ||
	fail "mtime line: $(grep touched m.out)"

# --ignore and --ignore-file
printf 'logs/\n' > ign
set +e; cairn-diff --ignore-file ign --ignore 'bin/*' a.cairn b.cairn > i.out; set -e
grep -q '; 2 ignored' i.out || fail "ignored count: $(sed -n 3p i.out)"
! grep -q 'bin/tool' i.out || fail "ignored path shown"

# JSON: only JSON on stdout, counts and red flag
set +e; cairn-diff --json a.cairn b.cairn > d.json; rc=$?; set -e
[ "$rc" = 1 ] || fail "--json exit $rc"
jq -e '.format == "cairn-diff" and .summary.added == 1 and .summary.modified == 2
       and .summary.unreadable == 1 and (.changes | length) == 7
       and (.records[0].change == "same-version-different-content")
       and .records[0].red_flag' d.json > /dev/null || fail "JSON document"
jq -e '[.changes[].change] == ["added","removed","modified","modified","metadata","metadata","unreadable"]' \
	d.json > /dev/null || fail "JSON order"

# deterministic
set +e; cairn-diff --json a.cairn b.cairn > d2.json; set -e
cmp -s d.json d2.json || fail "two runs differ"

# the rules' findings on the change (lib/rules.h), in text and JSON
# (their whole text and JSON: the golden files of diff/outputs)
rc=0; cairn-diff --findings a.cairn b.cairn > f.out || rc=$?
[ "$rc" = 1 ] || fail "--findings: exit $rc"
sed -n '/^findings (/,$p' f.out > got
cat > want <<'W'
findings (2):
  critical CAIRN-D01 b@2.0.0: same version, different content (0 files changed)
  high     CAIRN-T01 2 files changed after the baseline with a forged mtime: bin/tool, logs/x.log
W
diff want got || fail "--findings text"
rc=0; cairn-diff --findings --json a.cairn b.cairn > f.json || rc=$?
[ "$rc" = 1 ] || fail "--findings --json: exit $rc"
jq -c '[.findings[] | [.id, .severity, .rule, (.evidence | length)]]' f.json > got
echo '[["CAIRN-D01","critical","same-version-different-content",2],["CAIRN-T01","high","forged-mtime",2]]' > want
diff want got || fail "--findings JSON"

# usage errors: exit 2, usage on stderr, nothing on stdout
for args in "a.cairn" "--bogus a.cairn b.cairn" "--npm-cache x a.cairn b.cairn" "--patch --git . ." "--live x a.cairn b.cairn"; do
	set +e; cairn-diff $args > u.out 2> u.err; rc=$?; set -e
	[ "$rc" = 2 ] || fail "usage '$args': exit $rc"
	[ ! -s u.out ] || fail "usage '$args': stdout not empty"
	grep -q '^usage: cairn-diff' u.err || fail "usage '$args': no usage line"
done
cairn-diff --help | grep -q '^usage: cairn-diff' || fail "--help"
cairn-diff --version | grep -q '^cairn-diff ' || fail "--version"
echo ok
