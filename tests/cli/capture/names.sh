#!/bin/sh
# Names and their evidence on the generated captures: SNI from a hello split
# over segments, DNS CNAME chains, a CDN address shared by two names, HTTP
# Host, direct-to-IP, ECH outer name, QUIC v1 and v2, every link type,
# pcapng with mixed link types, fragments without bogus ports.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/capture"
q() { jq -r "$1" r.json; }

cairn-capture --json "$fx/basic.pcap" >r.json || fail "basic exit $?"
[ "$(q '.totals[]|select(.host=="registry.npmjs.org")|.names[0].sources|join(",")')" = "dns,tls-sni" ] ||
	fail "registry.npmjs.org sources"
[ "$(q '.totals[]|select(.host=="registry.npmjs.org")|.names[0].cname_chain|join(">")')" = \
	"registry.npmjs.org>registry.npmjs.org.cdn.cloudflare.net" ] || fail "cname chain"
[ "$(q '.totals[]|select(.host=="docs.example.org")|.addresses[0]')" = "104.16.1.34" ] ||
	fail "shared CDN address collapsed"
[ "$(q '.totals[]|select(.host=="plain.example.net")|.names[0].sources[0]')" = "http-host" ] ||
	fail "http host"
[ "$(q '.totals[]|select(.host=="203.0.113.9")|.direct_ip')" = "true" ] || fail "direct ip"
[ "$(q '.totals[]|select(.host=="cloudflare-ech.com")|.ech_outer')" = "true" ] || fail "ech"
[ "$(q '.stats.bad_checksums')" = 1 ] || fail "bad checksum not counted"
[ "$(q '[.totals[]|select(.host=="192.0.2.200" or .host=="10.1.0.5")]|length')" = 0 ] ||
	fail "inbound connection listed"

cairn-capture --json "$fx/quic.pcap" >r.json || fail "quic exit $?"
[ "$(q '[.totals[]|.host]|join(",")')" = "quic-v1.example,quic-v2.example" ] || fail "quic hosts"

for t in sll sll2 raw null loop qinq ipv6; do
	cairn-capture --json "$fx/link-$t.pcap" >r.json || fail "$t exit $?"
	[ "$(q '.totals[]|select(.host=="www.link.example")|.names[0].sources[0]')" = "tls-sni" ] ||
		fail "link type $t"
done

cairn-capture --json "$fx/multilink.pcapng" >r.json || fail "pcapng exit $?"
[ "$(q '.totals[]|select(.host=="tls.multi.example")|.names[1].name')" = "multi.example" ] ||
	fail "pcapng with two link types"

cairn-capture --all --json "$fx/frag.pcap" >r.json || fail "frag exit $?"
[ "$(q '[.totals[].ports[]]|sort|join(",")')" = "udp/9000,udp/9001" ] || fail "fragment ports"

cairn-capture --json "$fx/tcpdns.pcap" >r.json || fail "tcpdns exit $?"
[ "$(q '[.dns[]|.name]|join(",")')" = "first.example,second.example,third.example" ] ||
	fail "DNS over TCP"
[ "$(q '.totals[]|select(.host=="first.example")|.packets_out')" = 7 ] ||
	fail "name of an open connection changed"

# BPF filter
cairn-capture -f 'tcp port 80' --json "$fx/basic.pcap" >r.json || fail "filter exit $?"
[ "$(q '[.totals[]|.host]|join(",")')" = "plain.example.net" ] || fail "filter"
cairn-capture -f 'tcp port 443' --json "$fx/multilink.pcapng" >r.json || fail "ng filter exit $?"
[ "$(q '[.totals[]|.host]|join(",")')" = "tls.multi.example" ] || fail "pcapng filter"
exit 0
