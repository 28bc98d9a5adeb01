#!/bin/sh
# A hostile uv.lock made here: 1.1 million empty inline tables, 3.3 MB.
# Each value costs about 240 bytes of memory once read, so the 64 MiB a
# lockfile may have made 4.7 GB (20 million "{},").  The TOML reader stops
# after 2^20 values: a parse error naming the file and the line, no walk.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
py_venv ex
{
	printf 'version = 1\nx = ['
	empty_values 1100000
	printf ']\n'
} > ex/uv.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "parse_error")'
