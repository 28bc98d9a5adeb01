#!/bin/sh
# --exclude (base name and relative path) and -x are applied and recorded
# in the header; -j is not recorded; progress appears only on a terminal.
set -eu
snap="$CAIRN_BIN/cairn-snap"

mkdir -p tree/keep/skip tree/cache
printf 'x' > tree/a.log
printf 'x' > tree/a.txt
printf 'x' > tree/keep/deep.log
printf 'x' > tree/keep/file
printf 'x' > tree/keep/skip/inner
printf 'x' > tree/cache/c
"$snap" --exclude '*.log' --exclude 'keep/skip' --exclude cache -x -j 3 tree -o s.cairn 2> err.txt
[ ! -s err.txt ] || { echo "stderr not empty without a terminal:"; cat err.txt; exit 1; }
zstdcat s.cairn | jq -r 'select(.type == "entry") | .path' > paths.txt
printf 'a.txt\nkeep\nkeep/file\n' | cmp - paths.txt
zstdcat s.cairn | head -n 1 | jq -e '.options.exclude == ["*.log", "keep/skip", "cache"]
	and .options.one_file_system == true and (.options | has("jobs") | not)
	and .hash_algorithms == ["sha256", "xxh3-128"] and (.created | test("^[0-9-]+T[0-9:]+\\.[0-9]{9}Z$"))' > /dev/null

# progress on a terminal (script(1) provides one), not with --quiet
. "$CAIRN_SRC/tests/cli/lib.sh"
need script bsdutils
script -qec "$snap tree -o t.cairn" /dev/null > tty.txt
grep -q 'entries, .* files' tty.txt || { echo "no progress on a terminal"; cat tty.txt; exit 1; }
script -qec "$snap -q tree -o q.cairn" /dev/null > tty.txt
if grep -q 'entries' tty.txt; then echo "progress despite --quiet"; exit 1; fi
