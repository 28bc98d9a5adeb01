#!/bin/sh
# A capture with flows but none from a local address to a remote one (a
# loopback capture of local services) says so in those words and lists the
# flows it does hold, not judged; --all judges them.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/pcapgen" local-only lo.pcap || fail "pcapgen local-only"

: >empty.txt
cairn-capture --allow empty.txt lo.pcap >out 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "exit $rc"
sed -n '/^totals/,$p' out >got
cat >want <<'T'
totals
  (no outbound hosts)

local-only capture: no flow from a local address to a remote one; its 2 flows, by responder, were not judged (--all judges them)
  HOST       VIA                ADDRESS    PORTS     PROTO  CONN  PKTS OUT/IN  BYTES OUT/IN  FIRST-LAST         ALLOW
  127.0.0.1  address,direct-ip  127.0.0.1  tcp/9000  tcp    1     8/2          5320/80       10:00:02-10:00:03  -
  localhost  http-host,claimed  127.0.0.1  tcp/8931  http   1     5/3          297/1020      10:00:00-10:00:01  -

resolvers: none (no DNS from the local side in this capture)

0 of 0 hosts not on the allowlist
T
diff -u want got || fail "text"
cairn-capture --json lo.pcap >r.json || fail "json exit"
[ "$(jq -r '[.local_only,(.totals|length),(.local_flows|length)]|map(tostring)|join(" ")' r.json)" = \
	"true 0 2" ] || fail "json local_only"
cairn-capture --all --json lo.pcap >r.json || fail "--all exit"
[ "$(jq -r '[.local_only,(.totals|length),(.local_flows|length)]|map(tostring)|join(" ")' r.json)" = \
	"false 2 0" ] || fail "--all"
exit 0
