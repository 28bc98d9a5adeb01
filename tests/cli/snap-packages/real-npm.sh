#!/bin/sh
# The real npm install of ../shared/data/npm (made with npm ci), snapshot
# with --npm-cache: 138 package records, every installed file matches its
# tarball; then one installed file modified and one added: exactly those
# are named.  Skips when the shared data is absent.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
npm_data
mkdir app
tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C app
tar --zstd -xf "$data/npm-cache.tar.zst"
recs() { zstd -dcq "$1" | jq -c 'select(.type != "entry" and .type != "header" and .type != "trailer")'; }

cairn-snap -q --npm-cache cache/_cacache -o a.cairn app
recs a.cairn > a.jsonl
test "$(jq -c 'select(.type == "package")' a.jsonl | wc -l)" -eq 138
test "$(jq -c 'select(.type == "package" and .files.status == "verified")' a.jsonl | wc -l)" -eq 138
test "$(jq -s '[.[] | select(.type == "package") | .files.matching] | add' a.jsonl)" -eq 4219
test "$(jq -c 'select(.type == "package") | .files | (.modified + .added + .missing)[]' a.jsonl | wc -l)" -eq 0
# the header says which options were used; format 1.1
zstd -dcq a.cairn | head -n 1 | jq -e '.options.npm_cache == "cache/_cacache" and .options.packages == true' > /dev/null
# the install timeline from the cache index and the logs
test "$(jq -c 'select(.type == "npm_fetch" and .kind == "tarball")' a.jsonl | wc -l)" -ge 138
test "$(jq -c 'select(.type == "npm_command")' a.jsonl | wc -l)" -eq 4
# records are sorted: type, then the documented key
jq -r '.type' a.jsonl > types
sort -c types

printf '// injected\n' >> app/node_modules/express/index.js
echo 'require("child_process")' > app/node_modules/zod/postinstall.js
cairn-snap -q --npm-cache cache/_cacache -o b.cairn app
recs b.cairn > b.jsonl
jq -c 'select(.type == "package") | select((.files.modified + .files.added + .files.missing | length) > 0)
	| [.path, .files.modified, .files.added, .files.missing, .flags]' b.jsonl > changed
cat changed
printf '%s\n' '["node_modules/express",["index.js"],[],[],["files_modified"]]' \
	'["node_modules/zod",[],["postinstall.js"],[],["files_added"]]' > want
cmp changed want
# same version, different content digest
test "$(jq -r 'select(.path == "node_modules/express") | .version' a.jsonl)" = \
	"$(jq -r 'select(.path == "node_modules/express") | .version' b.jsonl)"
test "$(jq -r 'select(.path == "node_modules/express") | .content_sha256' a.jsonl)" != \
	"$(jq -r 'select(.path == "node_modules/express") | .content_sha256' b.jsonl)"
# --no-packages: no package records at all
cairn-snap -q --no-packages -o c.cairn app
test "$(recs c.cairn | jq -c 'select(.type == "package")' | wc -l)" -eq 0
