#!/bin/sh
# Every command of README.md's tour ("By hand, on any install:"), as
# written, in order: continuation lines joined, comments dropped, with bin/
# and samples/ of this tree, and three paths of the machine replaced by
# scratch ones (/usr/lib/node_modules by a prefix holding a real npm install,
# /srv/cairn.git by a scratch store, ~ is the case's own HOME with the
# samples' npm cache as ~/.npm).  Each must exit as the tour says: the
# snapshot, key and listing commands 0, the diffs of an unchanged install
# 0, the capture and the report 1 (a host outside the allowlist).  A tour
# that gains or loses a command fails here until this list follows.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstdcat zstd

ln -s "$CAIRN_BIN" bin
ln -s "$CAIRN_SRC/samples" samples
# a global prefix holds one folder per package, each with its own
# node_modules: here the samples' real npm install of an agent host
mkdir global
fixture_copy "$CAIRN_SRC/samples/good" global/agent-host
mkdir -p "$HOME"
cp -R "$CAIRN_SRC/samples/npm-cache" "$HOME/.npm"

awk '/By hand, on any$/ {on = 1; next}
     on && /^Package, environment and MCP analysis/ {exit}
     on && /^    / {sub(/^    /, ""); print}' "$CAIRN_SRC/README.md" |
	sed 's/[[:space:]]*#.*$//' | awk 'NF' |
	awk '{ if (sub(/\\$/, "")) { buf = buf $0; next } print buf $0; buf = "" }' |
	sed "s|/usr/lib/node_modules|$PWD/global|g; s|/srv/cairn.git|$PWD/cairn.git|g" > cmds.txt

# the exit status each command must give, in the tour's order
cat > want.txt <<'T'
0 bin/cairn-snap keygen
0 bin/cairn-snap --sign
0 zstdcat good.cairn
0 zstdcat good.cairn
0 bin/cairn-snap verify
0 bin/cairn-snap show
0 bin/cairn-snap --reuse
0 bin/cairn-snap verify
0 bin/cairn-diff --pubkey
0 bin/cairn-diff --pubkey
0 bin/cairn-diff --pubkey
0 bin/cairn-diff --pubkey
1 bin/cairn-capture --allow
1 bin/cairn-report --pubkey
T
[ "$(wc -l < cmds.txt)" = "$(wc -l < want.txt)" ] ||
	fail "the tour has $(wc -l < cmds.txt) commands, this case knows $(wc -l < want.txt): $(cat cmds.txt)"
n=0
while IFS= read -r c <&3 && IFS= read -r w <&4; do
	n=$((n + 1))
	case $c in "${w#* }"*) ;; *) fail "command $n is '$c', this case expects '${w#* }...'" ;; esac
	rc=0
	sh -c "$c" > "out.$n" 2> "err.$n" < /dev/null || rc=$?
	[ "$rc" = "${w%% *}" ] || fail "tour command $n exits $rc, want ${w%% *}: $c; stderr: $(head -c 400 "err.$n")"
done 3< cmds.txt 4< want.txt
# a pipeline's status is its last command's: its output says the rest
[ "$(wc -l < out.3)" = 10 ] || fail "entries: $(cat out.3)"
grep -q '"sha256":"[0-9a-f]\{64\}"' out.3 || fail "entries: $(cat out.3)"
grep -q '"name":"@acme/mcp-server","version":"1.0.0","integrity":"sha512-' out.4 || fail "packages: $(cat out.4)"
[ "$(jq -r 'type' out.11)" = array ] || fail "findings: $(head -c 300 out.11)"
# what the signed nightly is: signed by the key, and a store holds it
grep -q 'signature verified' out.8 || fail "tonight.cairn: $(cat out.8)"
[ -d cairn.git ] || fail "no store"
grep -qx 'cairn-report: report written to report.html' err.14 || fail "report: $(cat err.14)"
echo "README tour: $n commands, each exits as the tour says"
