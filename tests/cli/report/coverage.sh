#!/bin/sh
# A verdict says what it covers (docs/RULES.md §Coverage), on the real npm
# install of ../shared/data/npm:
# - with the cache (root or _cacache) a file tampered after install is
#   found (P10, critical);
# - an empty cache: the headline says the packages were not verified and
#   no output (JSON, Markdown, HTML) says "no sign of compromise";
# - a cache missing two tarballs: the headline covers 136 of 138;
# - the whole cache, untouched: clean, about the 138 packages verified;
# - a global prefix without cache: not verified, C01 names the step, no P03;
# - cairn-diff --findings carries the same coverage.
. "$CAIRN_SRC/tests/cli/report/common.inc"
npm_data
headline() { jq -r '.verdict.headline' "$1"; }
no_clean_claim() {
	for f in "$@"; do
		if grep -q 'no sign of compromise' "$f"; then
			fail "$f claims no sign of compromise"
		fi
	done
}
mkdir app
tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C app
tar --zstd -xf "$data/npm-cache.tar.zst"

# the untouched install, the whole cache: clean about what was checked
"$CAIRN_BIN/cairn-snap" -q --npm-cache cache -o good.cairn app
rc=0
"$CAIRN_BIN/cairn-report" --snapshot good.cairn --no-timestamp --format json -o good.json || rc=$?
[ "$rc" -eq 0 ] || fail "clean report: exit $rc"
headline good.json > got
same got 'No findings; no sign of compromise in the 138 packages verified'
jq -c '.coverage | [.state, .packages, .verified, .not_verified, .summary]' good.json > got
same got '["complete",138,138,0,"138 packages: 138 verified"]'
schema_check good.json

# tampered after install: found through the cache root and through _cacache
printf '// injected\n' >> app/node_modules/express/index.js
for c in cache cache/_cacache; do
	"$CAIRN_BIN/cairn-snap" -q --npm-cache "$c" -o t.cairn app
	report --snapshot t.cairn --no-timestamp --format json -o t.json
	has_id t.json CAIRN-P10
	lacks_id t.json CAIRN-C01
	jq -r '.findings[] | select(.id == "CAIRN-P10") | .evidence[0].file' t.json > got
	same got 'node_modules/express/index.js'
	headline t.json > got
	same got 'Compromise indicators found: act now'
done

# an empty cache: not verified, never clean, exit 1, the step to take
mkdir empty
"$CAIRN_BIN/cairn-snap" -q --npm-cache empty -o e.cairn app
rc=0
"$CAIRN_BIN/cairn-report" --snapshot e.cairn --no-timestamp --format json -o e.json || rc=$?
[ "$rc" -eq 1 ] || fail "empty cache: exit $rc, want 1"
"$CAIRN_BIN/cairn-report" --snapshot e.cairn --no-timestamp --format md -o e.md || :
"$CAIRN_BIN/cairn-report" --snapshot e.cairn --no-timestamp -o e.html || :
no_clean_claim e.json e.md e.html
headline e.json > got
# (the empty folder is not an npm cache: its parse_error is an input not
# read, CAIRN-C02, and the headline says so)
same got 'Not verified: none of the 138 installed packages could be checked against published bytes; findings below; 1 input could not be read (CAIRN-C02)'
jq -r '.findings[] | [.id, .severity, .title] | @tsv' e.json > got
same got "$(printf 'CAIRN-C01\tmedium\tnone of the 138 installed packages could be verified against published bytes\nCAIRN-C02\tmedium\t1 input could not be read: what it lists was not verified')"
jq -r '.verdict.first_step' e.json > got
same got 'Put the locked tarballs in the cache without touching this install: run npm ci --ignore-scripts --cache DIR in a copy of the project (npm checks every tarball against the lockfile integrity), then snapshot again with --npm-cache DIR.'
sed -n 1p e.md > got
same got '# cairn incident report: Not verified: none of the 138 installed packages could be checked against published bytes; findings below; 1 input could not be read (CAIRN-C02)'
grep -q '<div class="coverage gap"><p><strong>Coverage:</strong> 138 packages: 0 verified, 138 not verified: tarball not in cache; 1 input not read. The verdict covers the verified packages only.</p>' e.html ||
	fail "HTML: no coverage beside the verdict"
schema_check e.json

# two tarballs missing from the cache: the verdict covers the other 136
cp -a cache part
for p in ms zod; do
	in=$(zstd -dcq good.cairn | jq -r "select(.type == \"package\" and .path == \"node_modules/$p\") | .files.source")
	rm "part/_cacache/$in"
done
"$CAIRN_BIN/cairn-snap" -q --npm-cache part -o p.cairn app
report --snapshot p.cairn --no-timestamp --format json -o p.json
headline p.json > got
same got 'Compromise indicators found: act now'
# without the tampered file: the scoped medium headline
rm -rf app
mkdir app
tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C app
"$CAIRN_BIN/cairn-snap" -q --npm-cache part -o p2.cairn app
report --snapshot p2.cairn --no-timestamp --format json -o p2.json
headline p2.json > got
same got 'Risky posture; no sign of compromise in the 136 of 138 packages verified; 2 could not be verified'
jq -r '.findings[] | select(.id == "CAIRN-C01") | .title, .evidence[0].detail' p2.json > got
same got '2 of 138 installed packages could not be verified against published bytes
2 not verified: tarball not in cache (ms@2.1.3, zod@4.6.7): the npm cache has no tarball with this integrity'
schema_check p2.json

# cairn-diff --findings: the same coverage line and object, new side; a
# gap names its first packages and why, as the report's C01 evidence does
rc=0
"$CAIRN_BIN/cairn-diff" --findings good.cairn e.cairn > d.out || rc=$?
[ "$rc" -eq 1 ] || fail "diff --findings: exit $rc"
grep -A1 '^coverage:' d.out > got
same got 'coverage: 138 packages: 0 verified, 138 not verified: tarball not in cache; 1 input not read
  138 not verified: tarball not in cache (@hono/node-server@2.1.8, @isaacs/cliui@8.0.2, @modelcontextprotocol/sdk@1.32.2, ...): the npm cache has no tarball with this integrity; fix: Put the locked tarballs in the cache without touching this install: run npm ci --ignore-scripts --cache DIR in a copy of the project (npm checks every tarball against the lockfile integrity), then snapshot again with --npm-cache DIR.'
grep -q '^  medium   CAIRN-C01 none of the 138 installed packages could be verified against published bytes$' d.out ||
	fail "diff --findings: no C01"
rc=0
"$CAIRN_BIN/cairn-diff" --findings --json good.cairn e.cairn > d.json || rc=$?
jq -c '.coverage | [.state, .verified, .reasons]' d.json > got
same got '["none",0,{"not_in_cache":138}]'

# a global prefix, no cache: not verified, the step to take, no P03
cp -a "$CAIRN_SRC/tests/fixtures/packages/npm-global" prefix
"$CAIRN_BIN/cairn-snap" -q -o g.cairn prefix/lib/node_modules
report --snapshot g.cairn --no-timestamp --format json -o g.json
lacks_id g.json CAIRN-P03
headline g.json > got
same got 'Not verified: none of the 1 installed package could be checked against published bytes; findings below'
jq -r '.findings[] | select(.id == "CAIRN-C01") | .evidence[0].text' g.json > got
same got 'npm keeps no lockfile for global installs: snapshot with --npm-cache pointing at the cache that installed them (npm config get cache; usually --npm-cache ~/.npm), whose index names each tarball by its URL; or reinstall them with npm install -g NAME@VERSION and snapshot again.'
exit 0
