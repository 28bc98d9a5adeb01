#!/bin/sh
# bun.lockb, bun's binary lockfile (before bun 1.2), is recognised, never
# parsed, and cairn does not run bun to print it: it is a gap the report
# names with the step that closes it (docs/RULES.md §Coverage).  Each
# snapshot records one parse_error for it.  The real bun install of
# tests/fixtures/packages/bunb (bun.lockb only):
# - installed, no cache: every package "binary lockfile not read"; the
#   gap is theirs, one CAIRN-C01 with the step, not C02 too;
# - installed and verified through the npm cache's index (only is-number
#   kept): before, "No findings; no sign of compromise in the 1 package
#   verified", exit 0, while the lockfile naming debug and
#   @tootallnate/once was never read; now a CAIRN-C02 naming bun.lockb;
# - a checkout (package.json and bun.lockb, nothing installed): before,
#   "No findings on these inputs", exit 0; now the same CAIRN-C02;
# - bun.lock beside it (bun 1.2 writes both when asked): bun.lock is
#   read, no parse_error.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
report() {
	zstd -dcq "$1" | jq -c 'select(.type == "parse_error") | [.analyzer, .file, .message]'
	run cairn-report --snapshot "$1" --no-timestamp --format json -o r.json
	jq -c '.verdict | [.headline, .coverage]' r.json
	jq -c '.findings[] | [.rule, .severity, .title, [.evidence[] | .detail]]' r.json
}
fixture_copy "$fx/bunb" p
run cairn-snap -q --no-npm-cache -o s.cairn p
zstd -dcq s.cairn | jq -c 'select(.type == "package") | [.path, .coverage.reason]'
report s.cairn

rm -r p/node_modules/debug p/node_modules/ms p/node_modules/@tootallnate
run cairn-snap -q --npm-cache "$fx/npm-cache" -o v.cairn p
zstd -dcq v.cairn | jq -c 'select(.type == "package") | [.path, .coverage.verified, .flags]'
report v.cairn

rm -r p/node_modules
run cairn-snap -q --no-npm-cache -o c.cairn p
report c.cairn

fixture_copy "$fx/bun" t
cp "$fx/bunb/bun.lockb" t/
run cairn-snap -q --no-npm-cache -o t.cairn t
zstd -dcq t.cairn | jq -c 'select(.type == "npm_project") | [.manager, .lockfile]'
zstd -dcq t.cairn | jq -c 'select(.type == "parse_error")'
