#!/bin/sh
# The human listing escapes hostile names (no raw newline, tab or ESC
# reaches the terminal); --json keeps raw bytes reversible (path_esc).
set -eu
snap="$CAIRN_BIN/cairn-snap"

mkdir tree
printf 'x' > "tree/$(printf 'evil\033[2J\nname')"
printf 'x' > "tree/$(printf 'bad\377byte')"
printf 'x' > "tree/tab$(printf '\t')name"
ln -s "$(printf 'tar\033get')" tree/link
"$snap" -q tree -o s.cairn
"$snap" show s.cairn > listing.txt
# 4 entries + summary line: names with newlines did not split lines
[ "$(wc -l < listing.txt)" -eq 5 ]
if grep -q "$(printf '\033')" listing.txt; then echo "raw ESC in listing"; exit 1; fi
grep -qF 'evil\x1b[2J\nname' listing.txt
grep -qF 'bad\xffbyte' listing.txt
grep -qF 'tab\tname' listing.txt
grep -qF 'link -> tar\x1bget' listing.txt
grep -q '^-rw-r--r-- ' listing.txt
grep -q '^lrwxrwxrwx ' listing.txt
"$snap" show --json s.cairn > rec.ndjson
jq -s -e 'any(.[]; .type == "entry" and .path_esc == "bad\\xffbyte")' rec.ndjson > /dev/null
jq -s -e 'any(.[]; .type == "entry" and .path == "evil\u001b[2J\nname")' rec.ndjson > /dev/null
