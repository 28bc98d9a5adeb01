#!/bin/sh
# Through an HTTP proxy (HTTPS_PROXY): every connection goes to the proxy,
# the CONNECT request (or the absolute-form request line) names the host it
# is for.  The connection is listed and judged under that host, never under
# the proxy's address or DNS name, so an allowlist that covers the proxy's
# LAN does not let an unknown host through.  The proxy is listed as a proxy.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/pcapgen" proxy px.pcap || fail "pcapgen proxy"
"$CAIRN_TOOLS/pcapgen" proxy-lo lo.pcap || fail "pcapgen proxy-lo"
printf 'api.anthropic.com\napi.openai.com\npkg.example.org\n10.1.0.0/24\n' >allow.txt

cairn-capture --allow allow.txt px.pcap >out 2>err
rc=$?
[ "$rc" -eq 1 ] || fail "proxy: exit $rc, want 1"
sed -n '/^totals/,/^resolvers/p' out >got
cat >want <<'T'
totals
  HOST                  VIA                           ADDRESS       PORTS     PROTO  CONN  PKTS OUT/IN  BYTES OUT/IN  FIRST-LAST         ALLOW
  203.0.113.99          address,direct-ip             203.0.113.99  tcp/8443  tcp    1     5/3          293/159       10:00:09-10:00:10  NOT ALLOWED
      via proxy 10.1.0.8:3128
  api.anthropic.com     connect+tls-sni,claimed                     tcp/443   tls    1     9/6          3573/2288     10:00:01-10:00:02  allowed (unconfirmed)
      via proxy 10.1.0.8:3128
  api.openai.com        connect,claimed                             tcp/443   tls    1     8/6          2528/2288     10:00:05-10:00:06  NOT ALLOWED
      via proxy 10.1.0.8:3128
      names: api.openai.com (connect, claimed); front.evil.example (tls-sni, claimed)
  collect.evil.example  connect+tls-sni,claimed                     tcp/443   tls    1     34/6         40.6K/2288    10:00:03-10:00:04  NOT ALLOWED
      via proxy 10.1.0.8:3128
  pkg.example.org       http-host+http-proxy,claimed                tcp/80    http   1     5/5          288/3200      10:00:07-10:00:08  allowed (unconfirmed)
      via proxy 10.1.0.8:3128

proxies (the hosts above name what was asked of them)
  PROXY          CLIENTS  CONNECT  ABSOLUTE  FIRST-LAST         ALLOW
  10.1.0.8:3128  1        4        1         10:00:01-10:00:10  allowed
  10.1.0.8:3128 asked for: 203.0.113.99:8443, api.anthropic.com:443, api.openai.com:443, collect.evil.example:443, pkg.example.org:80

resolvers (1 name looked up under 1 domain)
T
diff -u want got || fail "proxy: text"
grep -qx '3 of 5 hosts not on the allowlist' out || fail "proxy: summary"

cairn-capture --allow allow.txt --json px.pcap >r.json
q() { jq -r "$1" r.json; }
[ "$(q '[.proxies[]|.address,(.port|tostring),(.tunnels|tostring),(.requests|tostring)]|join(" ")')" = \
	"10.1.0.8 3128 4 1" ] || fail "json proxies"
[ "$(q '.totals[]|select(.host=="collect.evil.example")|[.verdict,(.addresses|length|tostring),.proxies[0],.names[0].sources[0]]|join(" ")')" = \
	"not-allowed 0 10.1.0.8:3128 connect" ] || fail "json tunnelled host"
[ "$(q '.stats.proxied_flows')" = 5 ] || fail "json proxied_flows"
# the proxy's own DNS name never names what went through it
[ "$(q '[.totals[].names[].name]|map(select(.=="proxy.corp.example"))|length')" = 0 ] ||
	fail "the proxy's name was given to a tunnel"

# the same through a proxy on loopback: judged all the same (not local-only)
cairn-capture --allow allow.txt --json lo.pcap >r.json
[ $? -eq 1 ] || fail "loopback proxy: exit"
[ "$(q '.local_only')" = false ] || fail "loopback proxy called local-only"
[ "$(q '[.totals[]|select(.allowed==false)|.host]|join(",")')" = \
	"203.0.113.99,api.openai.com,collect.evil.example" ] || fail "loopback proxy verdicts"
[ "$(q '.proxies[0].address')" = 127.0.0.1 ] || fail "loopback proxy listed"
exit 0
