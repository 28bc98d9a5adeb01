#!/bin/sh
# A hostile Pipfile.lock made here: 1.1 million empty objects, 3.3 MB.
# jansson takes about 240 bytes per value, so the 64 MiB a lockfile may
# have made 4.6 GB (20 million "{},").  The values are counted before the
# JSON is read: over 2^20, a parse error naming the file, nothing read.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
mkdir -p ex/.venv/lib/python3.11/site-packages
printf 'home = /usr/bin\nversion_info = 3.11.2\n' > ex/.venv/pyvenv.cfg
{
	printf '{"_meta": {}, "default": {}, "x": ['
	awk 'BEGIN { s = "{},{},{},{},{},{},{},{},{},{},"
		for (i = 0; i < 110000; i++) printf "%s", s }'
	printf '{}]}\n'
} > ex/Pipfile.lock
run cairn-snap -q -o ex.cairn ex
zstd -dcq ex.cairn | jq -c 'select(.type == "parse_error")'
