#!/bin/sh
# Names with their evidence: a Host header or SNI naming an allowed host on
# an address the capture's DNS gave that name is confirmed; on another
# address (or after NXDOMAIN) it is contradicted, never allowed, and exits
# 1; with no DNS answer for it in the capture it is "allowed (unconfirmed)"
# and counted as such.  Captures written by tests/tools/pcapgen.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/pcapgen" spoof spoof.pcap || fail "pcapgen spoof"
"$CAIRN_TOOLS/pcapgen" spoof-nodns nodns.pcap || fail "pcapgen spoof-nodns"
printf 'api.openai.com\napi.anthropic.com\nghost.example.org\n10.1.0.1\n' >allow.txt

# the DNS contradicts the claims: exit 1, each liar shown by its address
cairn-capture --allow allow.txt spoof.pcap >out 2>err
rc=$?
[ "$rc" -eq 1 ] || fail "spoof: exit $rc, want 1"
[ ! -s err ] || fail "spoof: stderr $(cat err)"
sed -n '/^totals/,$p' out >totals.out
cat >totals.want <<'T'
totals
  HOST               VIA                     ADDRESS          PORTS    PROTO  CONN  PKTS OUT/IN  BYTES OUT/IN  FIRST-LAST         ALLOW
  198.51.100.77      http-host,contradicted  198.51.100.77    tcp/80   http   1     5/2          271/80        10:00:07-10:00:08  NOT ALLOWED (contradicted)
      names: ghost.example.org (http-host, contradicted: DNS says NXDOMAIN)
  203.0.113.50       http-host,contradicted  203.0.113.50     tcp/80   http   1     10/2         6521/80       10:00:03-10:00:04  NOT ALLOWED (contradicted)
      names: api.openai.com (http-host, contradicted: DNS says 162.159.140.245)
  203.0.113.51       tls-sni,contradicted    203.0.113.51     tcp/443  tls    1     8/4          4429/369      10:00:05-10:00:06  NOT ALLOWED (contradicted)
      names: api.openai.com (tls-sni, contradicted: DNS says 162.159.140.245)
  api.anthropic.com  http-host,claimed       198.51.100.78    tcp/80   http   1     5/2          243/80        10:00:09-10:00:10  allowed (unconfirmed)
  api.openai.com     dns+tls-sni             162.159.140.245  tcp/443  tls    1     6/4          849/1069      10:00:01-10:00:02  allowed

resolvers (2 names looked up under 2 domains)
  RESOLVER  PORTS   CLIENTS  QUERIES  NAMES  PKTS OUT/IN  FIRST-LAST         USE    ALLOW
  10.1.0.1  udp/53  1        2        2      2/2          10:00:00-10:00:00  usual  allowed

3 of 5 hosts not on the allowlist
3 of them by a name on the allowlist that the capture's DNS contradicts
1 allowed (unconfirmed): only the client's word (SNI, Host, proxy request) names it, no DNS answer in the capture nor a verified certificate
T
diff -u totals.want totals.out || fail "spoof: text differs"

cairn-capture --allow allow.txt --json spoof.pcap >r.json
[ $? -eq 1 ] || fail "spoof json: exit"
q() { jq -r "$1" r.json; }
[ "$(q '[.totals[]|select(.host=="203.0.113.50")|.names[0]|.evidence,(.dns_addresses|join(","))]|join(" ")')" = \
	"contradicted 162.159.140.245" ] || fail "json: contradicted name"
[ "$(q '[.totals[]|select(.verdict=="contradicted")|.host]|join(",")')" = \
	"198.51.100.77,203.0.113.50,203.0.113.51" ] || fail "json: contradicted verdicts"
[ "$(q '.totals[]|select(.host=="api.openai.com")|[.verdict,.names[0].evidence,(.confirmed|tostring)]|join(" ")')" = \
	"allowed confirmed true" ] || fail "json: the genuine connection"
[ "$(q '.totals[]|select(.host=="api.anthropic.com")|[.verdict,(.allowed|tostring),.names[0].evidence]|join(" ")')" = \
	"allowed-unconfirmed true claimed" ] || fail "json: unconfirmed"
cairn-capture --allow allow.txt --csv spoof.pcap >r.csv
grep -q '^total,,"203.0.113.51",.*,no,contradicted$' r.csv || fail "csv verdict"

# no DNS at all: every allowed name is only claimed; exit 0, counted
cairn-capture --allow allow.txt nodns.pcap >out 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "nodns: exit $rc, want 0"
[ "$(tail -n 2 out)" = "0 of 3 hosts not on the allowlist
3 allowed (unconfirmed): only the client's word (SNI, Host, proxy request) names them, no DNS answer in the capture nor a verified certificate" ] ||
	fail "nodns: summary $(tail -n 2 out)"
grep -q '^  api.openai.com  *http-host+tls-sni,claimed .* allowed (unconfirmed)$' out ||
	fail "nodns: api.openai.com row"
exit 0
