#!/bin/sh
# A fresh `python3 -m venv` (pip and setuptools installed offline by
# ensurepip from Debian's bundled wheels), snapshotted and reported: every
# RECORD row is verified, the ../../../bin/pip* launchers included (RECORD
# paths are relative to the folder holding the .dist-info), and the report
# has no finding.  Then one launcher is changed and one removed: exactly
# those two files are reported, under their paths in the tree.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

/usr/bin/python3 -m venv venv || fail "python3 -m venv (python3-venv, scripts/deps.sh)"
site=$(cd venv && echo lib/python3*/site-packages)
test -d "venv/$site" || fail "no site-packages in the venv"

rc=0
cairn-snap -q -o s.cairn venv 2> err || rc=$?
test "$rc" -eq 0 || fail "cairn-snap exit $rc"
test ! -s err || fail "cairn-snap stderr: $(cat err)"
zstd -dcq s.cairn | jq -c 'select(.type == "package") |
	[.name, .flags, .files.status, .files.modified, .files.missing, .files.outside_root, .coverage]' > got
cat > want <<'W'
["pip",[],"verified",[],[],[],{"verified":true,"reason":null,"detail":null}]
["setuptools",[],"verified",[],[],[],{"verified":true,"reason":null,"detail":null}]
W
diff want got || fail "package records"
# every hashed RECORD row matched, the launchers outside site-packages too
for d in venv/"$site"/*.dist-info; do
	want=$(grep -c ',sha256=' "$d/RECORD")
	got=$(zstd -dcq s.cairn | jq --arg p "${d##*/}" 'select(.type == "package" and .path == $p) | .files.matching')
	test "$want" = "$got" || fail "${d##*/}: $got of $want RECORD hashes matched"
done
grep -q '^\.\./\.\./\.\./bin/pip,sha256=' venv/"$site"/pip-*.dist-info/RECORD ||
	fail "pip's RECORD does not list ../../../bin/pip"

rc=0
cairn-report --snapshot s.cairn --format json --no-timestamp -o r.json || rc=$?
test "$rc" -eq 0 || fail "cairn-report exit $rc on a fresh venv"
jq -c '[.verdict.counts, [.findings[].id]]' r.json > got
echo '[{"critical":0,"high":0,"medium":0,"low":0,"info":0},[]]' > want
diff want got || fail "report on a fresh venv"

# a launcher changed, another removed
printf '# changed\n' >> venv/bin/pip
rm venv/bin/pip3
cairn-snap -q -o t.cairn venv
rc=0
cairn-report --snapshot t.cairn --format json --no-timestamp -o t.json || rc=$?
test "$rc" -eq 1 || fail "cairn-report exit $rc on a tampered launcher"
jq -c '.findings[] | [.id, .severity, [.evidence[] | select(.file) | [.file, .detail]]]' t.json > got
echo '["CAIRN-P10","critical",[["bin/pip","modified"],["bin/pip3","missing"]]]' > want
diff want got || fail "tampered launcher"
