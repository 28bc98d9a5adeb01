#!/bin/sh
# One locked package with 150000 wheels made here (12 MB; a search for
# duplicates at each hash took 58 s): duplicates (the same hash in upper
# and lower case, the sdist's again in a wheel) are dropped once the
# hashes are sorted, and the record lists each once.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
py_venv ex
py_dist ex a 1.0
awk 'BEGIN {
	print "version = 1\n\n[[package]]\nname = \"proj\"\nversion = \"0.1.0\""
	print "source = { editable = \".\" }\ndependencies = [{ name = \"a\" }]"
	print "\n[[package]]\nname = \"a\"\nversion = \"1.0\""
	print "source = { registry = \"https://pypi.org/simple\" }"
	print "sdist = { hash = \"sha256:00000000000000000000000000000000000000000000000000000000000000ab\" }"
	printf "wheels = ["
	for (i = 0; i < 150000; i++)
		printf "{ hash = \"sha256:%064x\" },", i % 3 ? i : 171
	printf "{ hash = \"sha256:00000000000000000000000000000000000000000000000000000000000000AB\" }"
	print "]"
}' > ex/uv.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "package") | [.name, (.locked_hashes | length),
	(.locked_hashes | unique | length), .locked_hashes[0:3]]'
