#!/bin/sh
# A Python lockfile (uv.lock, poetry.lock, Pipfile.lock) that is a FIFO or
# a symlink is refused, never opened for reading nor followed, with a
# parse_error naming the file and why, as package-lock.json is: before,
# the lock was skipped in silence (a plain file entry, no parse_error, the
# lock it stands for missing from the verdict unnoticed).  cairn-snap does
# not block on the FIFO.  package-lock.json is shown beside them as the
# rule they now follow.  Then cairn-report on the FIFO uv.lock: the
# CAIRN-C02 finding with the step for a file that is not a regular file.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
printf 'version = 1\nrequires-python = ">=3.11"\n' > target.lock
for f in uv.lock poetry.lock Pipfile.lock package-lock.json; do
	mkdir "fifo-$f" "link-$f"
	printf '{"name":"x","version":"1.0.0"}\n' > "fifo-$f/package.json"
	cp "fifo-$f/package.json" "link-$f/package.json"
	mkfifo "fifo-$f/$f"
	ln -s ../target.lock "link-$f/$f"
	for k in fifo link; do
		run cairn-snap -q -o "$k-$f.cairn" "$k-$f"
		zstd -dcq "$k-$f.cairn" | jq -c 'select(.type == "parse_error") |
			[.analyzer, .file, .message]'
		zstd -dcq "$k-$f.cairn" | jq -c --arg f "$f" 'select(.type == "entry" and
			.path == $f) | [.path, .kind // .type]'
	done
done
run cairn-report --snapshot fifo-uv.lock.cairn --no-timestamp --format json -o r.json
jq -c '.verdict.headline, (.findings[] | [.id, .title, .evidence[0].detail, .evidence[0].text])' r.json
