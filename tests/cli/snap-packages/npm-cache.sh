#!/bin/sh
# npm caches: --npm-cache accepts npm's cache root (~/.npm, what
# "npm config get cache" prints) and its _cacache; both verify the real
# install of ../shared/data/npm and find a file tampered after install.
# Without the flag the cache of the user running cairn-snap is used
# ($npm_config_cache, else ~/.npm); --no-npm-cache turns it off; an empty
# cache is never silent; a missing one is an error.  stderr and exit
# status are pinned.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
npm_data
mkdir app
tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C app
tar --zstd -xf "$data/npm-cache.tar.zst"
test ! -e "$HOME/.npm" || fail "the test HOME has an npm cache"

# the cache root and its _cacache, with and without a trailing slash
for c in cache cache/ cache/_cacache cache/_cacache/; do
	expect_exit 0 cairn-snap --npm-cache "$c" -o root.cairn app
	same err.txt 'cairn-snap: 138 packages: 138 verified'
	test "$(records_of root.cairn coverage | jq -c '[.packages, .verified, .not_verified, .reasons]')" = \
		'[138,138,0,{}]' || fail "--npm-cache $c: coverage record"
	test "$(zstd -dcq root.cairn | tail -n 1 | jq -c '.coverage | [.packages, .verified]')" = \
		'[138,138]' || fail "--npm-cache $c: trailer coverage"
	test "$(zstd -dcq root.cairn | head -n 1 | jq -r '.options.npm_cache_from')" = option ||
		fail "--npm-cache $c: header npm_cache_from"
	# the logs are found in the root whichever folder was named
	test "$(records_of root.cairn npm_command | wc -l)" -eq 4 || fail "--npm-cache $c: npm logs"
done

# a file changed after install is found through either form
printf '// injected\n' >> app/node_modules/express/index.js
for c in cache cache/_cacache; do
	expect_exit 0 cairn-snap --npm-cache "$c" -o t.cairn app
	same err.txt 'cairn-snap: 138 packages: 138 verified'
	records_of t.cairn package | jq -c 'select(.files.modified != []) | [.path, .files.modified, .coverage.verified]' > got
	same got '["node_modules/express",["index.js"],true]'
done

# an empty cache: nothing verified, and it says so
mkdir empty
expect_exit 0 cairn-snap --npm-cache empty -o e.cairn app
same err.txt "cairn-snap: 138 packages: 0 verified, 138 not verified: tarball not in cache
cairn-snap: warning: the npm cache 'empty' holds none of the 138 locked tarballs: is it the cache that made the install? (npm config get cache)"
test "$(records_of e.cairn coverage | jq -c '.reasons')" = '{"not_in_cache":138}' || fail "empty cache: reasons"
records_of e.cairn parse_error | jq -r '.message' > got
same got 'not an npm cache: no _cacache, content-v2 or index-v5 folder (npm config get cache names it)'
# -q: quiet
expect_exit 0 cairn-snap -q --npm-cache empty -o e.cairn app
same err.txt ''

# a cache that does not exist: exit 2, nothing written
expect_exit 2 cairn-snap --npm-cache nowhere -o n.cairn app
same err.txt "cairn-snap: --npm-cache 'nowhere': No such file or directory"
test ! -e n.cairn || fail "--npm-cache nowhere wrote a snapshot"

# no flag, no cache in $HOME: not verified, and why
expect_exit 0 cairn-snap -o d.cairn app
same err.txt 'cairn-snap: 138 packages: 0 verified, 138 not verified: no npm cache'
test "$(zstd -dcq d.cairn | head -n 1 | jq -c '.options | [.npm_cache, .npm_cache_from]')" = \
	'[null,null]' || fail "no cache: header"
records_of d.cairn package | jq -r '.coverage.detail' | sort -u > got
same got 'no --npm-cache given, and no npm cache found ($npm_config_cache unset, no ~/.npm)'

# no flag: the user's ~/.npm, then $npm_config_cache
cp -a cache "$HOME/.npm"
expect_exit 0 cairn-snap -o h.cairn app
same err.txt 'cairn-snap: 138 packages: 138 verified'
test "$(zstd -dcq h.cairn | head -n 1 | jq -c '.options | [.npm_cache, .npm_cache_from]')" = \
	"[\"$HOME/.npm\",\"home\"]" || fail "default cache: header"
# the default cache adds only what concerns this tree: the logs of npm runs
# elsewhere are left out
test "$(records_of h.cairn npm_command | wc -l)" -eq 0 || fail "default cache: foreign npm logs recorded"
expect_exit 0 env npm_config_cache="$PWD/empty" cairn-snap -o c.cairn app
test "$(zstd -dcq c.cairn | head -n 1 | jq -r '.options.npm_cache_from')" = npm_config_cache ||
	fail "npm_config_cache: header"
sed -n 1p err.txt > got
same got 'cairn-snap: 138 packages: 0 verified, 138 not verified: tarball not in cache'
# --no-npm-cache: off, whatever $HOME holds
expect_exit 0 cairn-snap --no-npm-cache -o off.cairn app
same err.txt 'cairn-snap: 138 packages: 0 verified, 138 not verified: no npm cache'
test "$(zstd -dcq off.cairn | head -n 1 | jq -c '.options | [.npm_cache, .npm_cache_from]')" = \
	'[null,"off"]' || fail "--no-npm-cache: header"
records_of off.cairn package | jq -r '.coverage.detail' | sort -u > got
same got '--no-npm-cache was given'
exit 0
