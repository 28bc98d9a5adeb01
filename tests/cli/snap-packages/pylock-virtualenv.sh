#!/bin/sh
# A venv made by Debian's virtualenv (what poetry and pipenv make their
# venvs with), offline from Debian's bundled wheels: its seeded pip and
# setuptools list in RECORD, without hashes, bytecode they never wrote
# (pip/__init__.cpython-311.pyc beside the .py, __pycache__ folders).  Such
# rows are not "missing": no CAIRN-P10 on a fresh venv (before, 550 and 261
# files of pip and setuptools were reported as differing, critical).  A
# hashed row whose file is gone still is.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
/usr/bin/python3 -m virtualenv --version >/dev/null 2>&1 ||
	{ echo "skip: python3-virtualenv missing (sh scripts/deps.sh)"; exit 78; }
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
/usr/bin/python3 -m virtualenv -q --no-periodic-update --no-download ve ||
	fail "python3 -m virtualenv"
site=$(cd ve && echo lib/python3*/site-packages)
n=$(grep -c '\.pyc,,$' "ve/$site"/pip-*.dist-info/RECORD)
[ "$n" -gt 100 ] || fail "pip's RECORD lists $n unhashed .pyc, want many"
run cairn-snap -q -o v.cairn ve
zstd -dcq v.cairn | jq -c 'select(.type == "package") | [.name, .flags, (.files.missing | length),
	.coverage.verified]' | sed 's/"[0-9][0-9.]*"/"V"/'
findings v.cairn
# a hashed file removed is missing
rm "ve/$site/pip/__init__.py"
run cairn-snap -q -o r.cairn ve
zstd -dcq r.cairn | jq -c 'select(.type == "package" and .name == "pip") | [.flags, .files.missing]'
findings r.cairn | sed 's/@[0-9.]*:/@V:/'
