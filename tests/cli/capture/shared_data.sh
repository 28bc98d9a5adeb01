#!/bin/sh
# The real captures in ../shared/data/pcaps (Zeek's test traces): the host
# names their README lists.  Skipped when the data is not there.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
d="$CAIRN_SRC/../shared/data/pcaps"
[ -d "$d" ] || skip "$d absent"
host_source() { # file, host, source, extra options
	f=$1 h=$2 s=$3
	shift 3
	cairn-capture "$@" --json "$d/$f" >r.json || fail "$f: exit $?"
	got=$(jq -r --arg h "$h" '.totals[]|select(.host==$h)|.names[0].sources|join(",")' r.json)
	case ",$got," in
	*",$s,"*) ;;
	*) fail "$f: $h from '$got', want $s" ;;
	esac
}
host_source tls_tls-conn-with-extensions.pcap ssl.gstatic.com tls-sni
host_source tls_chrome-34-google.pcap google.de tls-sni
host_source tls_tls13-ech.pcap cloudflare-ech.com tls-sni-ech-outer
host_source tls_google-cert-repeat.pcap www.google.com tls-sni
host_source tls_ocsp-http-get.pcap clients1.google.com http-host
host_source quic_curl-8.1.2-dev-http3-www-google-de.pcap www.google.de quic-sni
host_source quic_quic-multiple-initial-fragmented-crypto.pcap googleads.g.doubleclick.net quic-sni-ech-outer
host_source quic_quicv2-echo-443.pcap localhost quic-sni --all
host_source http-vlan-0.pcap bro.org http-host

cairn-capture --json "$d/pcapng-multi-interface.pcapng" >r.json || fail "pcapng exit"
[ "$(jq -r '.dns[]|select(.name=="www.apple.com")|.addresses|join(",")' r.json)" = 23.194.101.24 ] ||
	fail "www.apple.com address"
[ "$(jq -r '.dns[]|select(.name=="www.apple.com")|.cname_chain[-1]' r.json)" = e6858.dsce9.akamaiedge.net ] ||
	fail "www.apple.com chain"
[ "$(jq -r '.dns[]|select(.name=="google.com")|[.addresses[]|select(contains(":"))]|length' r.json)" = 4 ] ||
	fail "google.com AAAA"
[ "$(jq -r '.dns[]|select(.name=="google.com")|[.addresses[]|select(contains(":")|not)]|length' r.json)" = 6 ] ||
	fail "google.com A"

cairn-capture --json "$d/dns-two-responses.pcap" >r.json || fail "cmu exit"
[ "$(jq -r '.dns[]|select(.name=="www.cmu.edu")|.addresses|join(",")' r.json)" = 128.2.10.163 ] ||
	fail "www.cmu.edu"

cairn-capture --json "$d/ipv6-fragmented-dns.pcap" >r.json || fail "v6 frag exit"
[ "$(jq -r '[.totals[].ports[],.resolvers[].ports[]]|unique|join(",")' r.json)" = udp/53 ] || fail "bogus ports"

cairn-capture --json "$d/linux_dlt_sll2.pcap" >r.json || fail "sll2 exit"
[ "$(jq '.totals|length' r.json)" = 0 ] || fail "sll2: something outbound"
[ "$(jq '.stats.ip_packets' r.json)" = 4 ] || fail "sll2: not decoded"

for f in quic_vector-max-size-crash.pcap dns_max-compression-depth.pcap dns_dns-invalid-names.pcap; do
	cairn-capture --all --dns "$d/$f" >out 2>err || fail "$f: exit $?"
	# printable ASCII and newlines only: nothing for a terminal to obey
	LC_ALL=C grep -q '[^ -~]' out && fail "$f: unescaped bytes in the text output"
done
exit 0
