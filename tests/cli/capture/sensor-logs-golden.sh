#!/bin/sh
# Zeek and Suricata logs read as captures, as a person sees them: the text
# tables of the suites' own logs (tests/fixtures/logs), the warning for a
# damaged line, and the refusals (a log with packets, -f with a log, a file
# that is neither), each command's exit status pinned in the golden files.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/logs"
for d in zeek/http-connect-with-header zeek/http-connect suricata/eve-dns suricata/dns-tcp-www-google-com; do
	mkdir -p "$d"
	cp "$fx/$d/"*.log* "$fx/$d/"*.json "$d/" 2>/dev/null || :
done
printf 'secure.newegg.com\nwww.google.com\n10.16.1.1\n' >allow.txt

# conn.log + http.log (gzip'd) joined by uid: the CONNECT tunnel through
# the proxy, named by the host it asked for
run cairn-capture --allow allow.txt zeek/http-connect-with-header/conn.log \
	zeek/http-connect-with-header/http.log.gz
# the same rows in Zeek's JSON format: the same table
run cairn-capture --allow allow.txt zeek/http-connect-with-header/conn.json.log \
	zeek/http-connect-with-header/http.json.log
# a CONNECT to port 25: not on the allowlist
run cairn-capture --allow allow.txt zeek/http-connect/conn.log zeek/http-connect/http.log
# Suricata eve.json: DNS (a CNAME chain) to the LAN resolver
run cairn-capture --allow allow.txt suricata/eve-dns/eve.json
# DNS over TCP to 8.8.4.4, twelve answers
run cairn-capture --allow allow.txt suricata/dns-tcp-www-google-com/eve.json
# a damaged row among good ones: counted and warned about, not fatal
{ sed -n '1,8p' zeek/http-connect-with-header/conn.log
  printf 'not\ta\trow\n'
  sed -n '9,$p' zeek/http-connect-with-header/conn.log; } >damaged.log
run cairn-capture --allow allow.txt damaged.log zeek/http-connect-with-header/http.log
# refused: with packets, with -f, neither a capture nor a log
"$CAIRN_TOOLS/pcapgen" basic b.pcap
run cairn-capture zeek/http-connect/conn.log b.pcap
run cairn-capture -f 'port 80' zeek/http-connect/conn.log
printf 'hello\n' >plain.txt
run cairn-capture plain.txt
