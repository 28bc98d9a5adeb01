#!/bin/sh
# Every lockfile reader on a lockfile past its cap (sparse files of
# 70 MiB, made here; the cap is 64 MiB): a parse_error naming the file
# once and the cap (before: "uv.lock: uv.lock: 73400320 bytes exceeds
# the 67108864-byte cap", the path given as both label and path to
# cairn_safe_read), exit 0, nothing on stderr.  requirements.txt is read
# by two readers (hash counting, 4 MiB; the lock reader, 64 MiB): two
# records.  Then a METADATA past the 4 MiB manifest cap, read the same way.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
for f in uv.lock poetry.lock Pipfile.lock requirements.txt package-lock.json pnpm-lock.yaml \
	yarn.lock bun.lock; do
	mkdir -p "p-$f/node_modules"
	printf '{"name":"x","version":"1.0.0"}\n' > "p-$f/package.json"
	truncate -s 70M "p-$f/$f"
	run cairn-snap -q -o "$f.cairn" "p-$f"
	zstd -dcq "$f.cairn" | jq -c 'select(.type == "parse_error") | [.analyzer, .file, .message]'
done
site=py/lib/python3.11/site-packages
mkdir -p "$site/big-1.0.dist-info"
truncate -s 5M "$site/big-1.0.dist-info/METADATA"
printf 'big-1.0.dist-info/METADATA,,\n' > "$site/big-1.0.dist-info/RECORD"
run cairn-snap -q -o py.cairn py
zstd -dcq py.cairn | jq -c 'select(.type == "parse_error") | [.analyzer, .file, .message]'
