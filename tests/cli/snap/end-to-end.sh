#!/bin/sh
# Snapshot samples/ (and a tree built here) and check `show --json | jq`
# against sha256sum, xxh128sum and stat for every regular file, and the
# entry kinds against find(1).
set -eu
snap="$CAIRN_BIN/cairn-snap"

mkdir -p built/pkg/lib built/empty
printf 'hello\n' > built/hello.txt
head -c 300000 /dev/urandom > built/pkg/lib/blob.bin
: > built/pkg/empty-file
printf '#!/bin/sh\n' > built/pkg/run.sh
chmod 4755 built/pkg/run.sh
ln -s hello.txt built/link
mkfifo built/fifo
ln built/hello.txt built/hard

# Lines "path<TAB>value" for every regular file with a plain ASCII name
# (others are checked by count; show.sh covers hostile names).
ascii_only() { LC_ALL=C grep -v '[^ -~	]' | LC_ALL=C sort; }

check_tree() {
	root=$1
	out=$2
	"$snap" -q "$root" -o "$out"
	"$snap" show --json "$out" > records.ndjson
	# one header first, one trailer last
	[ "$(head -n 1 records.ndjson | jq -r .type)" = header ]
	[ "$(tail -n 1 records.ndjson | jq -r .type)" = trailer ]
	files=$(jq -s 'map(select(.type == "entry" and .kind == "file")) | length' records.ndjson)
	[ "$files" = "$(find "$root" -type f -printf . | wc -c)" ] || { echo "file count $files"; exit 1; }
	tab=$(printf '\t')
	jq -r 'select(.type == "entry" and .kind == "file" and has("path"))
		| "\(.path)\t\(.sha256)"' records.ndjson | ascii_only > got.sha
	jq -r 'select(.type == "entry" and .kind == "file" and has("path"))
		| "\(.path)\t\(.xxh128)"' records.ndjson | ascii_only > got.xxh
	jq -r 'select(.type == "entry" and .kind == "file" and has("path"))
		| "\(.path)\t\(.size) \(.mtime) \(.uid) \(.gid) \(.ino) \(.nlink) \(.mode)"' \
		records.ndjson | ascii_only > got.stat
	# the same from the standard tools (names with a backslash or a
	# control character are escaped by sha256sum: left out by ascii_only)
	(cd "$root" && find . -type f -print0 | xargs -0 -r sha256sum) |
		sed -n "s|^\([0-9a-f]\{64\}\)  \./\(.*\)|\2$tab\1|p" | ascii_only > want.sha
	(cd "$root" && find . -type f -print0 | xargs -0 -r xxh128sum) |
		sed -n "s|^\([0-9a-f]\{32\}\)  \./\(.*\)|\2$tab\1|p" | ascii_only > want.xxh
	(cd "$root" && find . -type f -print0 |
		xargs -0 -r stat -c "%n$tab%s %Y %u %g %i %h %04a") |
		sed 's|^\./||' | ascii_only > want.stat
	[ -s want.sha ] || { echo "nothing to compare"; exit 1; }
	cmp got.sha want.sha || { diff got.sha want.sha | head; exit 1; }
	cmp got.xxh want.xxh || { diff got.xxh want.xxh | head; exit 1; }
	cmp got.stat want.stat || { diff got.stat want.stat | head; exit 1; }
	echo "$root: $(wc -l < want.sha) of $files files checked against sha256sum, xxh128sum, stat"
	# kinds of everything else, and symlink targets
	(cd "$root" && find . -mindepth 1 -type d | sed 's|^\./||' | ascii_only) > dirs.txt
	jq -r 'select(.type == "entry" and .kind == "dir" and has("path")) | .path' records.ndjson |
		ascii_only | cmp - dirs.txt
	(cd "$root" && find . -type l | sed 's|^\./||' | ascii_only) > links.txt
	jq -r 'select(.type == "entry" and .kind == "symlink" and has("path")) | .path' records.ndjson |
		ascii_only | cmp - links.txt
	while IFS= read -r p; do
		got=$(jq -r --arg p "$p" 'select(.type == "entry" and .path == $p) | .target' records.ndjson)
		[ "$got" = "$(readlink "$root/$p")" ] || { echo "target of $p: $got"; exit 1; }
	done < links.txt
	# zstdcat | jq works on the file as is
	[ "$(zstdcat "$out" | jq -s 'map(select(.type == "entry")) | length')" = \
	  "$(tail -n 1 records.ndjson | jq .entries)" ]
}

check_tree built built.cairn
jq -s -e 'any(.[]; .type == "entry" and .path == "fifo" and .kind == "fifo" and (has("sha256") | not))' records.ndjson >/dev/null
jq -s -e 'any(.[]; .type == "entry" and .path == "pkg/run.sh" and .mode == "4755")' records.ndjson >/dev/null

samples="$CAIRN_SRC/samples"
if [ -n "$(ls -A "$samples" 2>/dev/null)" ]; then
	check_tree "$samples" samples.cairn
else
	echo "samples/ is empty: only the built tree was checked"
fi
