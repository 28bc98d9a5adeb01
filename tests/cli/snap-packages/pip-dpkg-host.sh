#!/bin/sh
# This machine's own Debian Python modules (/usr/lib/python3/dist-packages):
# every .dist-info/.egg-info there that dpkg lists is checked against
# dpkg's md5sums, and cairn reports exactly the files `dpkg --verify`
# reports for those packages (modified, missing), no more: no P10
# finding while dpkg -V is clean.  The owners are found independently
# with dpkg-query -S.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
site=/usr/lib/python3/dist-packages
test -d "$site" || fail "no $site (python3 is in scripts/deps.sh)"

cairn-snap -q -o s.cairn "$site" || test $? -eq 1
zstd -dcq s.cairn > s.jsonl

# owners according to dpkg-query, and according to cairn
: > dpkg-owners
for d in "$site"/*.dist-info "$site"/*.egg-info; do
	test -e "$d" || continue
	o=$(dpkg-query -S "$d" 2>/dev/null | sed -n '1s/: \/.*//p') || true
	test -n "$o" && printf '%s %s\n' "${d##*/}" "${o%%:*}" >> dpkg-owners
done
LC_ALL=C sort -o dpkg-owners dpkg-owners
jq -r 'select(.type == "package" and .files.system_package) |
	"\(.path) \(.files.system_package | sub(":.*"; ""))"' s.jsonl | LC_ALL=C sort > cairn-owners
diff dpkg-owners cairn-owners || fail "owners differ"
test -s dpkg-owners || fail "no dpkg-owned distribution in $site"
echo "$(wc -l < dpkg-owners) distributions owned by dpkg"

# what dpkg --verify says about them, inside the snapshot root
cut -d' ' -f2 dpkg-owners | sort -u > pkgs
# shellcheck disable=SC2046
dpkg --verify $(cat pkgs) 2>/dev/null | awk -v site="$site/" '
	{ path = $NF; if (index(path, site) != 1) next; path = substr(path, length(site) + 1) }
	$1 == "missing" { print "missing " path; next }
	substr($1, 3, 1) == "5" { print "modified " path }' | LC_ALL=C sort > dpkg-v
jq -r 'select(.type == "package" and .files.authority == "dpkg") |
	(.files.modified[] | "modified \(.)"), (.files.missing[] | "missing \(.)")' s.jsonl |
	LC_ALL=C sort > cairn-v
echo "dpkg --verify: $(wc -l < dpkg-v) files differ"
cat dpkg-v
diff dpkg-v cairn-v || fail "cairn and dpkg --verify disagree"

# the report: a P10 finding only for what dpkg --verify reports
rc=0
cairn-report --snapshot s.cairn --format json --no-timestamp -o r.json || rc=$?
test "$rc" -le 1 || fail "cairn-report exit $rc"
jq -r '.findings[] | select(.id == "CAIRN-P10") | .evidence[] | select(.detail == "modified" or .detail == "missing") |
	"\(.detail) \(.file)"' r.json | LC_ALL=C sort > p10
diff dpkg-v p10 || fail "P10 findings differ from dpkg --verify"
