#!/bin/sh
# The fixtures in tests/fixtures/capture are exactly what tests/tools/pcapgen
# writes: regenerate them and compare byte for byte.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
gen="$CAIRN_TOOLS/pcapgen"
fx="$CAIRN_SRC/tests/fixtures/capture"
[ -x "$gen" ] || fail "no $gen"
for s in basic truncated frag quic hostile tcpdns; do
	"$gen" $s $s.pcap || fail "pcapgen $s"
	cmp -s $s.pcap "$fx/$s.pcap" || fail "$s.pcap differs from the generator's"
done
"$gen" multilink m.pcapng && cmp -s m.pcapng "$fx/multilink.pcapng" || fail multilink
for t in sll sll2 raw null loop qinq ipv6; do
	"$gen" link $t l.pcap && cmp -s l.pcap "$fx/link-$t.pcap" || fail "link $t"
done
"$gen" demo egress.pcap && cmp -s egress.pcap "$CAIRN_SRC/samples/egress.pcap" || fail "samples/egress.pcap"
exit 0
