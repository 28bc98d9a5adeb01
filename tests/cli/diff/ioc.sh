#!/bin/sh
# --ioc FILE on cairn-diff --findings: cairn-report's matcher (lib/known.c)
# on the new side of the comparison: package versions (installed, locked,
# launched by an MCP config), the contents hash of every file, MCP server
# URLs; one critical CAIRN-K03 finding per indicator with its places.  The
# same from two snapshots, from two commits of a store, and against the
# live tree (whose files are the baseline's unchanged entries and the
# changes: a file changed since the baseline no longer matches by its old
# hash, a file added matches by its new one).  Errors exit 2.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need git git
K=$CAIRN_SRC/tests/fixtures/known
fixture_copy "$K/host" host
mv host/app/node_modules/postmark-mcp postmark-mcp
cairn-snap -q --env-key env.key host -o old.cairn --store store.git
mv postmark-mcp host/app/node_modules/postmark-mcp
mkdir -p host/app/.cursor
printf '{"mcpServers":{"remote":{"url":"https://exfil.evil.test/collect"}}}\n' > host/app/.cursor/mcp.json
cairn-snap -q --env-key env.key host -o new.cairn --store store.git

k03() { # the K03 findings of a --json document: title, then each place
	jq -r '.findings[] | select(.id == "CAIRN-K03") |
		"\(.severity) \(.title)", (.evidence[] | "  " + ([to_entries[] | "\(.key)=\(.value)"] | join(" ")))' "$1"
}

# two snapshots: the text output's findings, then the JSON's
expect_exit 1 cairn-diff --findings --ioc "$K/iocs.txt" old.cairn new.cairn
sed -n '/^findings/,$p' out.txt | grep -e 'CAIRN-K03' -e '^findings'
expect_exit 1 cairn-diff --findings --json --ioc "$K/iocs.txt" old.cairn new.cairn
k03 out.txt > snap.txt
cat snap.txt
jq -c '.known' out.txt
# the other way round, the new side is old.cairn: its launch config and
# requirement still match; the installed package and its file do not
expect_exit 1 cairn-diff --findings --json --ioc "$K/iocs.txt" new.cairn old.cairn
k03 out.txt

# the store: the same findings from its two commits
expect_exit 1 cairn-diff --findings --json --ioc "$K/iocs.txt" --store store.git HEAD~1 HEAD
k03 out.txt > store.txt
diff snap.txt store.txt || fail "--store gives other indicator findings"

# the live tree: the unchanged index.js matches by the baseline's hash
expect_exit 0 cairn-diff --findings --json --ioc "$K/iocs.txt" new.cairn --live host
k03 out.txt | grep -e '^critical' -e 'file contents'
# edited since the baseline: its old hash is no longer on the live side;
# the same bytes under a new name are (the change's hash)
printf '/* edited */\n' >> host/app/node_modules/postmark-mcp/index.js
expect_exit 1 cairn-diff --findings --json --ioc "$K/iocs.txt" new.cairn --live host
k03 out.txt | grep -e '^critical' -e 'file contents'
mkdir -p host/app/lib
cp "$K/host/app/node_modules/postmark-mcp/index.js" host/app/lib/copy.js
expect_exit 1 cairn-diff --findings --json --ioc "$K/iocs.txt" new.cairn --live host
k03 out.txt | grep -e '^critical' -e 'file contents'

# a gate: the indicators reach critical, without them nothing does
run cairn-diff --fail-on critical --ioc "$K/iocs.txt" -q old.cairn new.cairn
run cairn-diff --fail-on critical -q old.cairn new.cairn

# trouble: a bad line (file and line named), no such file, usage
printf '# ok\nhost:fine.test\nnpm:left-pad@^1.0.0\n' > bad.txt
run cairn-diff --findings --ioc bad.txt old.cairn new.cairn
printf 'host:fine.test\n\377\n' > bad2.txt
run cairn-diff --findings --ioc bad2.txt old.cairn new.cairn
run cairn-diff --findings --ioc nonexistent.txt old.cairn new.cairn
run_u cairn-diff --ioc "$K/iocs.txt" old.cairn new.cairn
run_u cairn-diff --findings --ioc "$K/iocs.txt" --git store.git host
