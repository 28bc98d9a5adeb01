#!/bin/sh
# A hostile Pipfile.lock made here: 1.1 million empty objects, 3.3 MB.
# jansson takes about 240 bytes per value, so the 64 MiB a lockfile may
# have made 4.6 GB (20 million "{},").  The values are counted before the
# JSON is read: over 2^20, a parse error naming the file, nothing read.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
py_venv ex
{
	printf '{"_meta": {}, "default": {}, "x": ['
	empty_values 1100000
	printf '{}]}\n'
} > ex/Pipfile.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "parse_error")'
