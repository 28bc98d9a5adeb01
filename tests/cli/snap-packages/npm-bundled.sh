#!/bin/sh
# A bundled dependency (tests/fixtures/packages/npm-bundled: a real
# "npm install" of a local tarball that bundles ms) came inside its
# bundler's tarball: it is compared with that tarball's members, a file
# changed in it is found, and without a cache it is not verified for the
# reason its bundler was not.  inBundle entries have no integrity by
# design: no "no_integrity" (P04) for them.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
cp -a "$fx/npm-bundled" app
pk() { zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .coverage.verified, .coverage.reason, .coverage.detail, .flags, .files.modified]'; }

cairn-snap -q --npm-cache "$fx/npm-cache" -o a.cairn app
pk a.cairn > got
same got '["node_modules/bundler-fixture",true,null,null,["file_dependency"],[]]
["node_modules/bundler-fixture/node_modules/ms",true,null,"compared with the tarball of bundler-fixture, which bundles it",[],[]]'
rc=0
cairn-report --snapshot a.cairn --no-timestamp --format json -o a.json || rc=$?
test "$rc" -eq 0 || fail "clean bundled install: report exit $rc: $(jq -c '[.findings[].id]' a.json)"

printf '// injected\n' >> app/node_modules/bundler-fixture/node_modules/ms/index.js
cairn-snap -q --npm-cache "$fx/npm-cache" -o t.cairn app
pk t.cairn | sed -n 2p > got
same got '["node_modules/bundler-fixture/node_modules/ms",true,null,"compared with the tarball of bundler-fixture, which bundles it",["files_modified"],["index.js"]]'

cairn-snap -q --no-npm-cache -o n.cairn app
pk n.cairn > got
same got '["node_modules/bundler-fixture",false,"no_cache","--no-npm-cache was given",["file_dependency"],null]
["node_modules/bundler-fixture/node_modules/ms",false,"no_cache","shipped inside the tarball of bundler-fixture, not verified: --no-npm-cache was given",[],null]'
exit 0
