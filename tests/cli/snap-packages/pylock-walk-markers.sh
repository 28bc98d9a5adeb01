#!/bin/sh
# A hostile uv.lock made here (2.4 MB): a node "a" with 2048 edges, each
# with a marker of 1 KB, taken again by each of 40 parents turning on one
# more of its extras: 80 million marker bytes evaluated (200 parents and
# 4096 edges took 35 s).  Marker bytes count in the walk's budget; over
# it, every entry is "not_evaluated" with the reason.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
py_venv ex
py_dist ex a 1.0
awk 'BEGIN {
	reg = "source = { registry = \"https://pypi.org/simple\" }"
	print "version = 1\n\n[[package]]\nname = \"proj\"\nversion = \"0.1.0\""
	print "source = { editable = \".\" }"
	print "dependencies = [{ name = \"p0\" }, { name = \"a\" }]"
	for (i = 0; i < 40; i++) {
		printf "\n[[package]]\nname = \"p%d\"\nversion = \"1.0\"\n%s\n", i, reg
		printf "dependencies = [{ name = \"a\", extra = [\"e%d\"] }", i
		if (i < 39) printf ", { name = \"p%d\" }", i + 1
		print "]"
	}
	m = "python_version >= '"'"'3.8'"'"'"
	for (j = 1; j < 40; j++) m = m " and python_version >= '"'"'3.8'"'"'"
	printf "\n[[package]]\nname = \"a\"\nversion = \"1.0\"\n%s\ndependencies = [", reg
	for (j = 0; j < 2048; j++) printf "%s{ name = \"zz%d\", marker = \"%s\" }", j ? "," : "", j, m
	print "]"
}' > ex/uv.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "package" and (.name == "a" or .name == "p39")) | [.name, .expected, .expected_detail]'
