#!/bin/sh
# Debian's own Python modules are checked against dpkg's md5sums, never
# against their RECORD (Debian rewrites RECORD after the upstream build:
# blinker's lists hex digests, which a RECORD check reads as 8 modified
# files).  Fixture tests/fixtures/packages/pip-dpkg: the files of the
# Debian 12 packages python3-blinker 1.5-1 and python3-six 1.16.0-4 as
# installed (MIT, copyright files included) with their real
# var/lib/dpkg/info/*.list and *.md5sums, and a merged-/usr "lib" link.
# CAIRN_DPKG_ROOT points cairn-snap at that system instead of this one.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
fx=$CAIRN_SRC/tests/fixtures/packages/pip-dpkg
site=usr/lib/python3/dist-packages

recs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .flags, .files.status,
		(.files.source // "" | sub(".*/var/lib/dpkg/"; "DPKG/")), .files.matching,
		.files.modified, .files.missing, .files.added, .coverage.verified, .coverage.reason]'
}
errors() {
	zstd -dcq "$1" | jq -c 'select(.type == "parse_error") | [.file, .message]' |
		sed "s|$PWD|PWD|g"
}
findings() {
	rc=0
	cairn-report --snapshot "$1" --format json --no-timestamp -o "$1.json" || rc=$?
	echo "exit $rc"
	jq -c '.findings[] | [.id, .severity, [.evidence[] | select(.file) | [.file, .detail]]]' "$1.json"
}

# 1. the packages as installed: verified by dpkg, no finding
rc=0
CAIRN_DPKG_ROOT=$fx cairn-snap -q -o a.cairn "$fx/$site" > out 2> err || rc=$?
test "$rc" -eq 0 || fail "cairn-snap exit $rc"
test ! -s out && test ! -s err || fail "output: $(cat out err)"
recs a.cairn > got
cat > want <<'W'
["blinker-1.5.dist-info",["system_package"],"verified","DPKG/info/python3-blinker.md5sums",8,[],[],[],true,null]
["six-1.16.0.egg-info",["egg_info","system_package"],"verified","DPKG/info/python3-six.md5sums",4,[],[],[],true,null]
W
diff want got || fail "installed packages"
findings a.cairn > got
echo "exit 0" > want
diff want got || fail "report on the installed packages"

# 2. the whole system root: the package files outside dist-packages
#    (usr/share/doc) are checked too, found through the merged /usr
CAIRN_DPKG_ROOT=$fx cairn-snap -q -o b.cairn "$fx"
zstd -dcq b.cairn | jq -c 'select(.type == "package") | [.project, .path, .files.matching, .coverage.verified]' > got
cat > want <<'W'
["usr/lib/python3/dist-packages","blinker-1.5.dist-info",11,true]
["usr/lib/python3/dist-packages","six-1.16.0.egg-info",8,true]
W
diff want got || fail "whole system root"

# 3. no dpkg database that lists them (this machine's, for a copy at
#    another place): not verified, said so, and still no finding
cp -a "$fx" copy
CAIRN_DPKG_ROOT=/nonexistent cairn-snap -q -o c.cairn "copy/$site"
zstd -dcq c.cairn | jq -c 'select(.type == "package") | [.path, .files.status, .coverage]' > got
cat > want <<'W'
["blinker-1.5.dist-info","system_package",{"verified":false,"reason":"system_package","detail":"in the system's python3 dist-packages; no dpkg database to check it against: dpkg root '/nonexistent': No such file or directory"}]
["six-1.16.0.egg-info","system_package",{"verified":false,"reason":"system_package","detail":"in the system's python3 dist-packages; no dpkg database to check it against: dpkg root '/nonexistent': No such file or directory"}]
W
diff want got || fail "no dpkg database"
cairn-snap -q -o d.cairn "copy/$site"
zstd -dcq d.cairn | jq -c 'select(.type == "package") | [.path, .coverage.verified, .coverage.reason]' > got
printf '%s\n' '["blinker-1.5.dist-info",false,"system_package"]' '["six-1.16.0.egg-info",false,"system_package"]' > want
diff want got || fail "copy not in this machine's dpkg database"
# no finding but coverage ones (CAIRN-C*), the exit status theirs
findings c.cairn > got
want_rc=0
if grep -q '^\["CAIRN-C' got; then want_rc=1; fi
grep -v '^\["CAIRN-C' got > other || fail "report on c.cairn: no exit line"
echo "exit $want_rc" > want
diff want other || fail "report on system packages without a dpkg database: $(cat got)"
if grep -q 'CAIRN-P10' c.cairn.json; then fail "P10 from an unverifiable system package"; fi

# 4. tampered: a module changed, one removed, one dropped in
printf '\nimport os\n' >> "copy/$site/blinker/base.py"
rm "copy/$site/blinker/_saferef.py"
printf 'evil = 1\n' > "copy/$site/blinker/evil.py"
printf 'x\n' >> "copy/$site/six.py"
CAIRN_DPKG_ROOT=$PWD/copy cairn-snap -q -o e.cairn "copy/$site"
recs e.cairn > got
cat > want <<'W'
["blinker-1.5.dist-info",["files_added","files_missing","files_modified","system_package"],"verified","DPKG/info/python3-blinker.md5sums",6,["blinker/base.py"],["blinker/_saferef.py"],["blinker/evil.py"],true,null]
["six-1.16.0.egg-info",["egg_info","files_modified","system_package"],"verified","DPKG/info/python3-six.md5sums",3,["six.py"],[],[],true,null]
W
diff want got || fail "tampered packages"
findings e.cairn > got
cat > want <<'W'
exit 1
["CAIRN-P10","critical",[["blinker/base.py","modified"],["blinker/evil.py","added"],["blinker/_saferef.py","missing"]]]
["CAIRN-P10","critical",[["six.py","modified"]]]
W
diff want got || fail "report on tampered packages"

# 5. a damaged md5sums: a parse_error, the package not verified
printf 'zz  usr/lib/python3/dist-packages/six.py\n' >> copy/var/lib/dpkg/info/python3-six.md5sums
CAIRN_DPKG_ROOT=$PWD/copy cairn-snap -q -o f.cairn "copy/$site"
errors f.cairn > got
echo '["PWD/copy/var/lib/dpkg","PWD/copy/var/lib/dpkg/info/python3-six.md5sums: line 9: not '"'"'<md5>  <path>'"'"'"]' > want
diff want got || fail "damaged md5sums"
zstd -dcq f.cairn | jq -c 'select(.type == "package" and .name == "six") | [.files.status, .files.modified, .coverage.verified, .coverage.reason]' > got
echo '["system_package",[],false,"system_package"]' > want
diff want got || fail "package with a damaged md5sums"
