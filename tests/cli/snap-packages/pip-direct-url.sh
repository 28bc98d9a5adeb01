#!/bin/sh
# direct_url.json (PEP 610), which the package record carries as found,
# on hostile files made here beside a real one (pip-site's, pip 23):
#  - 5 MiB (sparse): past its 64 KiB cap;
#  - 60 KiB of "[]," (20,000 values; a 4 MiB one took 208 MB and went
#    whole into the record): past its 1024 values;
#  - a FIFO: not read, never blocks;
#  - a symlink to /etc/passwd: not followed, nothing of it recorded;
#  - not JSON, and JSON that is not an object;
#  - 300 objects nested in one another (301 values): past its 8 deep;
#    before, recorded whole, and jq 1.6 (its 256 deep) refused the whole
#    snapshot.
# Each is a parse_error naming the file and why, direct_url null (before:
# the first and the FIFO, symlink were silently null, the values ones
# recorded whole, the parse error gave jansson's text without the file).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need python3 python3
fx="$CAIRN_SRC/tests/fixtures/packages"
site=t/lib/python3.11/site-packages
mkdir -p "$site"
for k in real huge values fifo link text array deep; do
	d="$site/p_$k-1.0.dist-info"
	mkdir -p "$d" "$site/p_$k"
	printf 'x = 1\n' > "$site/p_$k/__init__.py"
	printf 'Metadata-Version: 2.1\nName: p-%s\nVersion: 1.0\n' "$k" > "$d/METADATA"
	printf 'pip\n' > "$d/INSTALLER"
	printf 'p_%s/__init__.py,,\np_%s-1.0.dist-info/direct_url.json,,\n' "$k" "$k" > "$d/RECORD"
done
cp "$fx/pip-site/site-packages/demo_pkg-1.0.0.dist-info/direct_url.json" "$site/p_real-1.0.dist-info/"
truncate -s 5M "$site/p_huge-1.0.dist-info/direct_url.json"
python3 -c 'import sys; sys.stdout.write("{\"url\": \"file:///x\", \"x\": [" + "[],"*20000 + "[]]}")' \
	> "$site/p_values-1.0.dist-info/direct_url.json"
mkfifo "$site/p_fifo-1.0.dist-info/direct_url.json"
ln -s /etc/passwd "$site/p_link-1.0.dist-info/direct_url.json"
printf '{"url": "file:///x",\n "dir_info": {' > "$site/p_text-1.0.dist-info/direct_url.json"
printf '["file:///x"]' > "$site/p_array-1.0.dist-info/direct_url.json"
python3 -c 'import sys; sys.stdout.write("{\"url\": \"file:///x\", \"a\": " + "{\"a\": "*300 + "1" + "}"*301)' \
	> "$site/p_deep-1.0.dist-info/direct_url.json"
run timeout 60 cairn-snap -q -o s.cairn t
zstd -dcq s.cairn | jq -c 'select(.type == "parse_error") | [.file, .message]'
zstd -dcq s.cairn | jq -c 'select(.type == "package") | [.name, .direct_url]'
if zstd -dcq s.cairn | grep -q 'root:x:0:0'; then fail "/etc/passwd in the snapshot"; fi
