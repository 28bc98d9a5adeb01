#!/bin/sh
# --env, --env-key, --env-clear and --mcp-discover through the real tool:
# values never in the snapshot, HMACs equal under one key and different
# under another, key file 0600; MCP configs found through $HOME.
set -eu
cp -a "$CAIRN_SRC/tests/fixtures/packages/home" home
mkdir root
echo x > root/file
export HOME="$PWD/home"
export CAIRN_TEST_API_TOKEN="tok-0123456789-secret"
cairn-snap -q --env --env-key k1 --env-clear PATH --mcp-discover -o a.cairn root
cairn-snap -q --env --env-key k1 -o b.cairn root
cairn-snap -q --env --env-key k2 -o c.cairn root
test "$(stat -c %a k1)" = 600
test "$(stat -c %s k1)" = 32
for f in a b c; do
	! zstd -dcq $f.cairn | grep -q 'tok-0123456789-secret'
	! zstd -dcq $f.cairn | grep -q 'ghp_secretsecretsecret'
done
h() { zstd -dcq "$1" | jq -r 'select(.type == "env" and .name == "CAIRN_TEST_API_TOKEN") | [.hmac_sha256, .secret, .rule] | @tsv'; }
test "$(h a.cairn)" = "$(h b.cairn)"
test "$(h a.cairn | cut -f1)" != "$(h c.cairn | cut -f1)"
test "$(h a.cairn | cut -f2-)" = "$(printf 'true\t*_TOKEN')"
zstd -dcq a.cairn | jq -e -s 'any(.[]; (.type == "env" and .name == "PATH") and (.value == env.PATH))' > /dev/null
zstd -dcq a.cairn | jq -e -s 'any(.[]; (.type == "process" and .source == "self") and (.exe_sha256 | length == 64))' > /dev/null
zstd -dcq a.cairn | jq -c 'select(.type == "mcp_server") | [.config, .server, .launcher, .pin, .pinned]' > servers
cat servers
grep -qx '\["~/.claude.json","semver-tool","npx","exact",true\]' servers
grep -qx '\["~/.claude.json","filesystem","npx","none",false\]' servers
grep -qx '\["~/.cursor/mcp.json","github","docker","digest",true\]' servers
grep -qx '\["~/.cursor/mcp.json","postgres","docker","tag",false\]' servers
zstd -dcq a.cairn | jq -e -s 'any(.[]; (.type == "claude_hook" and .event == "SessionStart") and (.command | test("evil")))' > /dev/null
# the pinned server's npx folder is snapshotted as a package tree
zstd -dcq a.cairn | jq -e -s 'any(.[]; (.type == "package" and .project == "npm-cache:_npx/efc2fc194987058d") and (.version == "7.6.3"))' > /dev/null
