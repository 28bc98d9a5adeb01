#!/bin/sh
# The server's certificate as evidence of a name (TLS 1.2: the chain is in
# the clear).  A chain that verifies to a root of the trust store, at the
# time of the connection, confirms the SNI it is for and names connections
# that sent none; a certificate the server made itself for an allowed name
# confirms nothing (allowed, unconfirmed), and does not outweigh DNS that
# put the name elsewhere.  Real traces: Zeek's test suite (../shared/data:
# Google's 2021 chain, valid then; a 2012 chain whose root is gone), and
# the same connections through Zeek's ssl.log.  Golden files beside.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
d="$CAIRN_SRC/../shared/data"
[ -d "$d/pcaps" ] || skip "$d absent"
cp "$d/pcaps/tls_google-cert-repeat.pcap" google.pcap
cp "$d/pcaps/tls_tls-conn-with-extensions.pcap" gstatic.pcap
cp "$d/zeek/tls_google-cert-repeat/tsv/ssl.log" google-ssl.log
"$CAIRN_TOOLS/pcapgen" cert-self self.pcap
"$CAIRN_TOOLS/pcapgen" cert-self-dns self-dns.pcap
printf 'www.google.com\nssl.gstatic.com\napi.openai.com\n' >allow.txt
mkdir empty-store
: >empty-store/none.pem

hosts() { # the totals table and the verdict lines
	_rc=0
	"$@" >full.txt || _rc=$?
	sed -n '/^totals/,/^$/p;/hosts not on the allowlist/,$p' full.txt
	return $_rc
}
names() {
	_rc=0
	"$@" >full.json || _rc=$?
	jq -c '.totals[]|[.host,.connections,.verdict,[.names[]|[.name,(.sources|join("+")),.evidence]]]' full.json
	return $_rc
}

# Google's chain verifies at the capture's time: the SNI is confirmed, the
# four connections without SNI are named by the certificate
run hosts cairn-capture --allow allow.txt google.pcap
# the same capture with an empty trust store: claimed, unconfirmed
run names env SSL_CERT_FILE=empty-store/none.pem SSL_CERT_DIR=empty-store \
	cairn-capture --json --allow allow.txt google.pcap
# Zeek verified the same chains: its ssl.log confirms the SNI too
run names cairn-capture --json --allow allow.txt google-ssl.log
# a 2012 chain under a root no longer trusted: the name stays claimed
run names cairn-capture --json --allow allow.txt gstatic.pcap
# a certificate the server made for api.openai.com: still only claimed
run hosts cairn-capture --allow allow.txt self.pcap
# ... and contradicted when the capture's DNS put the name elsewhere
run hosts cairn-capture --allow allow.txt self-dns.pcap
