#!/bin/sh
# cairn-diff --patch without a store: the code of the npm packages that
# changed, from the tarballs in the npm cache (samples/npm-cache), read in
# memory: the lines release 1.0.1 added, an edit on disk against the
# published bytes (from the snapshot's root when the file still has the
# recorded hash, from the live tree with --live), what is not shown and
# why, and the errors.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
S=$CAIRN_SRC/samples
cache=$S/npm-cache/_cacache
fixture_copy "$S/good" good
fixture_copy "$S/compromised" bad
fixture_copy "$S/incidents/tampered/before" before
fixture_copy "$S/incidents/tampered/after" after
for t in good bad before after; do
	cairn-snap -q --npm-cache "$cache" "$t" -o "$t.cairn"
	cairn-snap -q "$t" -o "$t-nocache.cairn"
done

# the release: package.json's new postinstall, the posting code, the new
# script; the rules see the added lines (D05) without a store
run cairn-diff --patch good.cairn bad.cairn
# (the cache root works as its _cacache does; only the findings shown)
findings() {
	_rc=0
	cairn-diff "$@" > full.txt || _rc=$?
	sed -n '/^findings/,$p' full.txt
	return $_rc
}
run findings --patch --findings --npm-cache "$S/npm-cache" good.cairn bad.cairn

# an edit on disk: the published bytes (a/) against the installed ones (b/)
run cairn-diff --patch before.cairn after.cairn
run cairn-diff --patch before.cairn --live after
# changed again after the snapshot: the snapshot's bytes are gone
printf '// later\n' >> after/node_modules/@acme/mcp-server/index.js
run cairn-diff --patch before.cairn after.cairn

# no cache recorded and none given: the diff says how to see the code
run cairn-diff --patch good-nocache.cairn bad-nocache.cairn
# errors: a cache that is not there, --npm-cache without --patch, --git
run cairn-diff --patch --npm-cache nowhere good.cairn bad.cairn
run cairn-diff --npm-cache "$cache" good.cairn bad.cairn
run cairn-diff --patch --git . .
