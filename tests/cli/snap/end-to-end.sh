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

check_tree() {
	root=$1
	out=$2
	"$snap" -q "$root" -o "$out"
	"$snap" show --json "$out" > records.ndjson
	# one header first, one trailer last
	[ "$(head -n 1 records.ndjson | jq -r .type)" = header ]
	[ "$(tail -n 1 records.ndjson | jq -r .type)" = trailer ]
	jq -r 'select(.type == "entry" and .kind == "file") | .path' records.ndjson > files.txt
	(cd "$root" && find . -type f ! -name '*
*' | sed 's|^\./||' | LC_ALL=C sort) > expect.txt
	LC_ALL=C sort files.txt | cmp - expect.txt
	n=0
	while IFS= read -r p; do
		rec=$(jq -c --arg p "$p" 'select(.type == "entry" and .path == $p)' records.ndjson)
		want=$(sha256sum < "$root/$p" | cut -d' ' -f1)
		got=$(printf '%s' "$rec" | jq -r .sha256)
		[ "$want" = "$got" ] || { echo "sha256 of $p: $got, want $want"; exit 1; }
		want=$(xxh128sum < "$root/$p" | cut -d' ' -f1)
		got=$(printf '%s' "$rec" | jq -r .xxh128)
		[ "$want" = "$got" ] || { echo "xxh128 of $p: $got, want $want"; exit 1; }
		want=$(stat -c '%s %Y %u %g %i %h %04a' "$root/$p")
		got=$(printf '%s' "$rec" | jq -r '"\(.size) \(.mtime) \(.uid) \(.gid) \(.ino) \(.nlink) \(.mode)"')
		[ "$want" = "$got" ] || { echo "stat of $p: $got, want $want"; exit 1; }
		n=$((n + 1))
	done < files.txt
	echo "$root: $n files checked"
	# kinds of everything else, and symlink targets
	(cd "$root" && find . -mindepth 1 -type d | sed 's|^\./||' | LC_ALL=C sort) > dirs.txt
	jq -r 'select(.type == "entry" and .kind == "dir") | .path' records.ndjson | LC_ALL=C sort | cmp - dirs.txt
	(cd "$root" && find . -type l | sed 's|^\./||' | LC_ALL=C sort) > links.txt
	jq -r 'select(.type == "entry" and .kind == "symlink") | .path' records.ndjson | LC_ALL=C sort | cmp - links.txt
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
