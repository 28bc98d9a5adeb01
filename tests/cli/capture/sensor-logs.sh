#!/bin/sh
# Zeek and Suricata logs as inputs, told apart by content (not by name):
# the same hosts, names, resolvers and DNS answers as the pcap of the same
# traffic (tests/fixtures/logs: the suites' own logs beside their traces),
# in TSV, JSON and gzip'd, several files joined by uid / flow_id.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/logs"

# what must agree between the two paths: hosts with names and sources,
# addresses, ports, protocols, connections, packets and bytes; resolvers;
# DNS answers; the allowlist verdict
view() {
	jq -S '{t: [.totals[]|{host,names:[.names[]|{name,sources,evidence}],addresses,ports,protocols,
		connections,packets_out,packets_in,bytes_out,bytes_in,first_seen,verdict}],
		r: [.resolvers[]|{address,queries,names,unusual}],
		d: [.dns[]|{name,addresses,cname_chain}], p: [.proxies[]|{address,port,targets}]}' "$1"
}
same() { # label, log files..., --, pcap
	label=$1
	shift
	logs=""
	while [ "$1" != -- ]; do logs="$logs $1"; shift; done
	shift
	cairn-capture --allow allow.txt --json $logs >log.json 2>err.txt
	rc=$?
	[ $rc -le 1 ] || fail "$label: log path exit $rc: $(cat err.txt)"
	cairn-capture --allow allow.txt --json "$1" >pcap.json 2>/dev/null
	[ $? -eq $rc ] || fail "$label: the two paths exit differently"
	view log.json >log.view
	view pcap.json >pcap.view
	diff -u pcap.view log.view || fail "$label: log path and pcap path differ"
	[ "$(jq .stats.log_bad_lines log.json)" = 0 ] || fail "$label: bad lines"
}
printf 'www.google.com\nsecure.newegg.com\n' >allow.txt

s=$fx/suricata
same "suricata dns over tcp" "$s/dns-tcp-www-google-com/eve.json" -- "$s/dns-tcp-www-google-com/input.pcap"
same "suricata dns cname" "$s/eve-dns/eve.json" -- "$s/eve-dns/input.pcap"
same "suricata single dns" "$s/single-dns-request/eve.json" -- "$s/single-dns-request/input.pcap"
[ "$(jq -r '[.dns[]|.name]|join(",")' log.json)" = suricon.net ] || fail "suricon.net"

# a TLS event without its flow event: the host and its SNI, no counters
cairn-capture --json "$s/tls-json-output-ids/eve.json" >r.json || fail "tls eve exit $?"
[ "$(jq -r '[.totals[]|.host,.names[0].sources[0],.addresses[0],.ports[0]]|join(" ")' r.json)" = \
	"www.google.com tls-sni 24.244.4.23 tcp/443" ] || fail "tls eve: $(jq -c .totals r.json)"

# Zeek: conn.log + http.log joined by uid; a CONNECT through a proxy
z=$fx/zeek
for d in http-connect-with-header; do
	for form in "conn.log http.log" "conn.json.log http.json.log" "conn.log http.log.gz" "http.log.gz conn.json.log"; do
		set -- $form
		cairn-capture --allow allow.txt --json "$z/$d/$1" "$z/$d/$2" >log.json 2>err.txt
		[ $? -le 1 ] || fail "zeek $d $form: $(cat err.txt)"
		[ "$(jq -r '[.totals[]|.host,.ports[0],.protocols[0],.proxies[0],(.packets_out|tostring),(.bytes_in|tostring),.verdict]|join(" ")' log.json)" = \
			"secure.newegg.com tcp/443 tls [::1]:80 29 57599 allowed-unconfirmed" ] ||
			fail "zeek $d ($form): $(jq -c .totals log.json)"
	done
done
# the same numbers from the trace (its TLS hello adds the SNI name)
cairn-capture --json "$z/http-connect-with-header/connect-with-header.pcap" >pcap.json
[ "$(jq -r '[.totals[]|.host,.ports[0],.proxies[0],(.packets_out|tostring),(.bytes_in|tostring)]|join(" ")' pcap.json)" = \
	"secure.newegg.com tcp/443 [::1]:80 29 57599" ] || fail "newegg pcap"
cairn-capture --json "$z/http-connect/conn.log" "$z/http-connect/http.log" >log.json || fail "t-online exit"
cairn-capture --json "$z/http-connect/connect-with-smtp.pcap" >pcap.json || fail "t-online pcap exit"
view log.json | jq -S 'del(.t[].protocols)' >log.view
view pcap.json | jq -S 'del(.t[].protocols)' >pcap.view
diff -u pcap.view log.view || fail "t-online: log path and pcap path differ"

# the shared Zeek logs of the shared captures (../shared/data/zeek)
d="$CAIRN_SRC/../shared/data/zeek"
if [ -d "$d" ]; then
	for form in tsv json gz; do
		cairn-capture --json "$d/tls_tls-conn-with-extensions/$form/"* >r.json || fail "shared $form"
		[ "$(jq -r '[.totals[]|.host+"@"+.addresses[0]]|join(",")' r.json)" = "ssl.gstatic.com@74.125.224.79" ] ||
			fail "shared ssl.log ($form)"
		cairn-capture --json "$d/dns-two-responses/$form/"* >r.json || fail "shared dns $form"
		[ "$(jq -r '.dns[]|select(.name=="www.cmu.edu")|.addresses|join(",")' r.json)" = \
			"$(cairn-capture --json "$CAIRN_SRC/../shared/data/pcaps/dns-two-responses.pcap" |
				jq -r '.dns[]|select(.name=="www.cmu.edu")|.addresses|join(",")')" ] ||
			fail "shared dns.log ($form)"
		cairn-capture --json "$d/tls_google-cert-repeat/$form/"* >r.json || fail "shared repeat $form"
		[ "$(jq -r '[.totals[]|.host+":"+(.connections|tostring)]|join(",")' r.json)" = \
			"142.250.179.196:4,www.google.com:4" ] || fail "shared cert-repeat ($form)"
	done
else
	echo "skip: $d absent"
fi
exit 0
