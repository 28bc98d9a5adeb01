#!/bin/sh
# A hostile uv.lock made here (2.4 MB would do 80 s; 512 edges from the
# project to one distribution, 64 distinct extras each): every extra is
# an activation of that node, and each was looked up along all of its
# others, 10^9 name comparisons for this small one.  The walk has a budget
# of steps; over it, what it reached is "not_evaluated" with the reason.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
py_venv ex
py_dist ex a 1.0
{
	printf 'version = 1\n\n[[package]]\nname = "proj"\nversion = "0.1.0"\n'
	printf 'source = { editable = "." }\ndependencies = [\n'
	awk 'BEGIN { for (i = 0; i < 512; i++) {
		s = "{ name = \"a\", extra = ["
		for (j = 0; j < 64; j++) s = s (j ? "," : "") "\"x" (i * 64 + j) "\""
		print s "] },"
	} }'
	printf ']\n\n[[package]]\nname = "a"\nversion = "1.0"\n'
	printf 'source = { registry = "https://pypi.org/simple" }\n'
} > ex/uv.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "package") | [.name, .expected, .expected_detail]'
