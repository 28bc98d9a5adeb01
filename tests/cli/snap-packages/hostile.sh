#!/bin/sh
# Hostile manifests never stop the snapshot: malformed JSON, JSON nested
# past the parser limit, a lockfile over the 64 MiB cap, a FIFO named
# package.json, symlinked manifests pointing out of the tree, package names
# with '../'.  Each becomes a parse_error record (or a flag) and the entries
# are all still written.
set -eu
mkdir -p t/app/node_modules/a t/app/node_modules/b t/app/node_modules/c t/deep t/big t/fifo/node_modules/f
echo '{"name": "a", "version": ' > t/app/node_modules/a/package.json
echo '{"name":"../../../etc","version":"1.0.0"}' > t/app/node_modules/b/package.json
ln -s /etc/passwd t/app/node_modules/c/package.json
printf '{"lockfileVersion":3,"packages":{"node_modules/../../x":{"version":"1.0.0"}}}' > t/app/package-lock.json
python3 -c "print('{\"packages\":' + '['*50000 + ']'*50000 + '}')" > t/deep/package-lock.json
truncate -s 70M t/big/package-lock.json
mkfifo t/fifo/node_modules/f/package.json
ln -s /etc t/etc-link
printf '{"mcpServers":' > t/.mcp.json
status=0
timeout 60 cairn-snap -q -o s.cairn t || status=$?
test "$status" -le 1
zstd -dcq s.cairn > s.jsonl
jq -c 'select(.type == "parse_error") | [.file, .analyzer]' s.jsonl | sort > errors
cat errors
for f in app/node_modules/a/package.json app/node_modules/c/package.json deep/package-lock.json \
	big/package-lock.json fifo/node_modules/f/package.json .mcp.json; do
	grep -q "\"$f\"" errors || { echo "no parse_error for $f"; exit 1; }
done
jq -e -s 'any(.[]; (.type == "package" and .path == "node_modules/b") and (any(.flags[]; . == "bad_name")))' s.jsonl > /dev/null
jq -e -s 'any(.[]; (.type == "package" and .path == "node_modules/../../x") and (any(.flags[]; . == "bad_name")))' s.jsonl > /dev/null
# every file is still an entry
test "$(jq -c 'select(.type == "entry")' s.jsonl | wc -l)" -ge 14
