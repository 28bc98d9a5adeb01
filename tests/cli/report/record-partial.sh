#!/bin/sh
# A RECORD cairn could not read whole (docs/RECORDS.md §pypi: what the
# files are checked against): the package is not verified (record_error)
# and a file that no row read lists is not
# "added" (the part not read may list it); it is counted in the coverage
# detail as not checked.  Before, a 5 MiB RECORD (over the 4 MiB cap: no
# row read) made its dist-info's own METADATA, INSTALLER and RECORD
# "added" and the report said CRITICAL installed-files-mismatch "foo@1.0:
# 3 installed files differ".  A row read whole still vouches for its file:
# the modified and the missing file above the broken line stay CAIRN-P10
# (damaging a RECORD must not hide them), with those files only.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
show() {
	run cairn-snap -q --no-pip-cache -o "$1.cairn" "$1"
	zstd -dcq "$1.cairn" | jq -c 'select(.type == "package") |
		[.path, .flags, .files.status, .files.modified, .files.added, .files.missing, .coverage]'
	run cairn-report --snapshot "$1.cairn" --no-timestamp --format json -o r.json
	jq -c '.verdict.headline' r.json
	jq -c '.findings[] | [.rule, .severity, .title, [.evidence[] | [.detail, .file]]]' r.json
	run_f "sed -n /^coverage:/,\$p" cairn-diff --findings "$1.cairn" "$1.cairn"
}
site=.venv/lib/python3.11/site-packages

# over the cap: no row read
py_venv big
py_dist big foo 1.0
truncate -s 5M "big/$site/foo-1.0.dist-info/RECORD"
show big

# broken at line 4: rows 1-3 read (foo/__init__.py modified since pip
# wrote its hash, foo/gone.py deleted), foo/util.py and the dist-info's
# files listed after the break
py_venv mid
py_dist mid foo 1.0
mkdir -p "mid/$site/foo"
printf 'x = 1\n' > "mid/$site/foo/__init__.py"
printf 'y = 2\n' > "mid/$site/foo/util.py"
printf 'z = 3\n' > "mid/$site/foo/data.py"
# __init__.py's row: the sha256 of "x = 2\n", not of the file on disk;
# data.py's is right ("z = 3\n")
{
	printf 'foo/__init__.py,sha256=QgXEgJqxsID9Mra_lkDl_qptG2m_n6aElUq3EBV-wUE,6\n'
	printf 'foo/data.py,sha256=Fja69ZE36gi0ELeVFDN3qJLx1tQXJa7h14YglEQ-C3w,6\n'
	printf 'foo/gone.py,sha256=Fja69ZE36gi0ELeVFDN3qJLx1tQXJa7h14YglEQ-C3w,6\n'
	printf 'foo-1.0.dist-info/bad\n'
	printf 'foo/util.py,,\nfoo-1.0.dist-info/METADATA,,\n'
	printf 'foo-1.0.dist-info/INSTALLER,,\nfoo-1.0.dist-info/RECORD,,\n'
} > "mid/$site/foo-1.0.dist-info/RECORD"
show mid

# a namespace folder (PEP 420: no google/__init__.py) shared with a
# package whose RECORD is over the cap: google/foo/a.py may be listed in
# the part not read, so it is not "added" on google-bar either (before:
# P10 critical "google-bar@1.0: 1 installed file differs", added
# google/foo/a.py); google/bar/evil.py, in a folder only google-bar lists
# files in, stays added (P10 names it alone)
py_venv ns
py_dist ns google-foo 1.0
py_dist ns google-bar 1.0
mkdir -p "ns/$site/google/foo" "ns/$site/google/bar"
printf 'a = 1\n' > "ns/$site/google/foo/a.py"
printf 'b = 1\n' > "ns/$site/google/bar/b.py"
printf 'evil = 1\n' > "ns/$site/google/bar/evil.py"
printf 'google/bar/b.py,,\ngoogle_bar-1.0.dist-info/METADATA,,\ngoogle_bar-1.0.dist-info/INSTALLER,,\ngoogle_bar-1.0.dist-info/RECORD,,\n' |
	sed 's/google_bar/google-bar/g' > "ns/$site/google-bar-1.0.dist-info/RECORD"
truncate -s 5M "ns/$site/google-foo-1.0.dist-info/RECORD"
show ns
