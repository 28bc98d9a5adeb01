#!/bin/sh
# --allow: exit 1 when a host outside the list was contacted, 0 when all
# are allowed, 2 on a bad list; --only-unknown leaves the allowed out.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/capture/basic.pcap"

cat >allow.txt <<'A'
# resolvers
10.1.0.1
2001:db8:1::/48
*.npmjs.org   # the registry
api.github.com
A
cairn-capture --allow allow.txt --json "$fx" >r.json
rc=$?
[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
[ "$(jq -r '[.totals[]|select(.allowed==false)|.host]|join(",")' r.json)" = \
	"203.0.113.9,cloudflare-ech.com,docs.example.org,plain.example.net" ] || fail "not allowed set"
cairn-capture --allow allow.txt --only-unknown --csv "$fx" >r.csv
[ $? -eq 1 ] || fail "csv exit"
grep -q 'registry.npmjs.org' r.csv && fail "--only-unknown kept an allowed host"
grep -q '"docs.example.org"' r.csv || fail "--only-unknown lost an unknown host"

printf '0.0.0.0/0\n::/0\n' >all.txt
cairn-capture --allow all.txt "$fx" >/dev/null
[ $? -eq 0 ] || fail "everything allowed: exit not 0"

printf 'ok.example\nnot a host\n' >bad.txt
cairn-capture --allow bad.txt "$fx" >out 2>err
[ $? -eq 2 ] || fail "bad list: exit not 2"
grep -q "bad.txt': line 2" err || fail "bad list: message $(cat err)"
if [ -s out ]; then fail "bad list: wrote stdout"; fi
cairn-capture --allow missing.txt "$fx" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing list"
exit 0
