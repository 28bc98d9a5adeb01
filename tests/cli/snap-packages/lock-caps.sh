#!/bin/sh
# Every lockfile reader on a lockfile past its cap (sparse files of
# 70 MiB, made here; the cap is 64 MiB): a parse_error naming the file
# once and the cap (before: "uv.lock: uv.lock: 73400320 bytes exceeds
# the 67108864-byte cap", the path given as both label and path to
# cairn_safe_read), exit 0, nothing on stderr.  requirements.txt is read
# once, for its requirement records and as a lock, with one cap (4 MiB,
# docs/RECORDS.md §Caps): one parse_error (before, two readers with two
# caps wrote two, 4 MiB and 64 MiB, for one file; and one of 5 MiB was
# "not read" for the requirement records while the lock reader used it).
# Then a METADATA past the 4 MiB manifest cap, read the same way.
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
# requirements.txt of 5 MiB: past its cap, under the lockfiles'; sparse,
# then a hashed pin padded with comments (a lock, were it read)
mkdir req5
truncate -s 5M req5/requirements.txt
run cairn-snap -q -o req5.cairn req5
zstd -dcq req5.cairn | jq -c 'select(.type == "parse_error" or .type == "requirement" or
	.type == "package") | [.type, .file // .lockfile, .message // .name]'
printf 'ms==2.1.3 --hash=sha256:%064d\n' 0 > req5/requirements.txt
awk 'BEGIN { for (i = 0; i < 110000; i++) print "# padding padding padding padding padding padding" }' \
	>> req5/requirements.txt
run cairn-snap -q -o req5l.cairn req5
zstd -dcq req5l.cairn | jq -c 'select(.type == "parse_error" or .type == "requirement" or
	.type == "package") | [.type, .file // .lockfile, .message // .name]'
# the requirements beside a better lock (Pipfile.lock) are still its
# requirement records, read once; the folder's lock is Pipfile.lock
printf 'ms==2.1.3 --hash=sha256:%064d\n' 0 > req5/requirements.txt
printf '{"_meta":{},"default":{},"develop":{}}\n' > req5/Pipfile.lock
run cairn-snap -q -o req5p.cairn req5
zstd -dcq req5p.cairn | jq -c 'select(.type == "parse_error" or .type == "requirement" or
	.type == "package") | [.type, .file // .lockfile, .message // .name]'
site=py/lib/python3.11/site-packages
mkdir -p "$site/big-1.0.dist-info"
truncate -s 5M "$site/big-1.0.dist-info/METADATA"
printf 'big-1.0.dist-info/METADATA,,\n' > "$site/big-1.0.dist-info/RECORD"
run cairn-snap -q -o py.cairn py
zstd -dcq py.cairn | jq -c 'select(.type == "parse_error") | [.analyzer, .file, .message]'
