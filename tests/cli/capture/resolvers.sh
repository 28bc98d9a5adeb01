#!/bin/sh
# Resolvers are infrastructure: DNS to the LAN resolver with an allowlist of
# host names passes (exit 0); 8.8.8.8 asked beside it is an unusual resolver
# (not allowed unless listed); a burst of long names under one domain is a
# possible DNS tunnel (exit 1 with or without an allowlist); a name looked
# up that is not on the allowlist is shown.  Captures from tests/tools/pcapgen.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/pcapgen" resolver-only only.pcap || fail "pcapgen resolver-only"
"$CAIRN_TOOLS/pcapgen" resolvers res.pcap || fail "pcapgen resolvers"
printf 'registry.npmjs.org\napi.anthropic.com\napi.github.com\n' >names.txt

cairn-capture --allow names.txt only.pcap >out 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "resolver only: exit $rc, want 0: $(cat out)"
cat >want <<'T'
totals
  (no outbound hosts)

resolvers (3 names looked up under 3 domains)
  RESOLVER  PORTS   CLIENTS  QUERIES  NAMES  PKTS OUT/IN  FIRST-LAST         USE    ALLOW
  10.1.0.1  udp/53  1        3        3      3/3          10:00:00-10:00:02  usual  allowed

0 of 0 hosts not on the allowlist
T
sed -n '/^totals/,$p' out >got
diff -u want got || fail "resolver only: text"

cairn-capture --allow names.txt res.pcap >out 2>err
rc=$?
[ "$rc" -eq 1 ] || fail "resolvers: exit $rc, want 1"
grep -q '^  8\.8\.8\.8  *udp/53  *1  *1  *1  .* UNUSUAL  NOT ALLOWED$' out || fail "8.8.8.8 row: $(cat out)"
grep -q '^  10\.1\.0\.1  *udp/53  *1  *66  *63  .* usual  *allowed$' out || fail "LAN resolver row"
grep -qx '  8.8.8.8 is not a resolver this host normally uses; asked: exfil.example' out ||
	fail "asked line"
grep -q '^possible DNS tunnel under tunnel.example: 60 distinct names (60 within 60 s, 60 of them with a label of 24+ characters), 60 lookups, 10:00:10-10:00:15$' out ||
	fail "tunnel line"
grep -qx 'lookups not on the allowlist: 62 names under 3 domains' out || fail "lookups line"
grep -qx '  vendor.example: telemetry.vendor.example' out || fail "unlisted lookup"
[ "$(tail -n 3 out)" = "0 of 1 hosts not on the allowlist
1 unusual resolver not on the allowlist
1 possible DNS tunnel under a domain not on the allowlist" ] || fail "summary: $(tail -n 3 out)"

# the tunnel alone, without an allowlist, still exits 1
cairn-capture res.pcap >/dev/null 2>&1
[ $? -eq 1 ] || fail "tunnel without allowlist: exit not 1"
# listing the resolver and the domain clears both
printf 'registry.npmjs.org\napi.anthropic.com\n8.8.8.8\n*.tunnel.example\n' >all.txt
cairn-capture --allow all.txt res.pcap >/dev/null 2>&1
[ $? -eq 0 ] || fail "resolver and domain allowed: exit not 0"

cairn-capture --allow names.txt --json res.pcap >r.json
q() { jq -r "$1" r.json; }
[ "$(q '[.resolvers[]|.address+":"+(.unusual|tostring)+":"+(.allowed|tostring)]|join(" ")')" = \
	"10.1.0.1:false:true 8.8.8.8:true:false" ] || fail "json resolvers"
[ "$(q '.lookups[]|select(.domain=="tunnel.example")|[.names,.peak_names_60s,.peak_long_label_names_60s,.tunnel]|map(tostring)|join(" ")')" = \
	"60 60 60 true" ] || fail "json tunnel"
[ "$(q '.lookups[]|select(.domain=="npmjs.org")|.tunnel')" = false ] || fail "json npmjs not a tunnel"
[ "$(q '[.totals[].host]|join(",")')" = "registry.npmjs.org" ] || fail "resolvers among hosts"
[ "$(q '.stats.resolver_flows')" = 67 ] || fail "resolver_flows"
exit 0
