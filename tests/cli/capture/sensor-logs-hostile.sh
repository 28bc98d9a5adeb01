#!/bin/sh
# Sensor logs are attacker-influenced: bad lines are counted and reported
# (never fatal), names with control bytes are escaped, a line of 2 MiB is
# read past, a file that is neither a capture nor a log is exit 2, and a
# sensor's logs are not read together with packets (the same traffic twice).
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/logs"
z=$fx/zeek/http-connect-with-header

# a TSV log with damaged rows among good ones
{
	sed -n '1,8p' "$z/conn.log"
	printf 'not\ta\trow\n'
	sed -n '9p' "$z/conn.log"
	printf '1443732999.0\tCbad\tnot-an-address\t1\t::1\t80\ttcp\t-\t1\t1\t1\tSF\tT\tT\t0\tShAaDd\t1\t1\t1\t1\t-\t6\n'
	printf '99999999999999999999.0\tCbad2\t::1\t1\t::1\t80\ttcp\t-\t1\t1\t1\tSF\tT\tT\t0\tShAaDd\t1\t1\t1\t1\t-\t6\n'
} >damaged.log
cairn-capture --json damaged.log "$z/http.log" >r.json 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "damaged: exit $rc: $(cat err)"
[ "$(jq .stats.log_bad_lines r.json)" = 3 ] || fail "damaged: bad lines $(jq .stats.log_bad_lines r.json)"
[ "$(cat err)" = "cairn-capture: warning: 'damaged.log': 3 of 12 lines not read (not a zeek-tsv record)" ] ||
	fail "damaged: warning: $(cat err)"
[ "$(jq -r '.totals[0].host' r.json)" = secure.newegg.com ] || fail "damaged: the good row lost"

# eve.json: junk, a line over 1 MiB, an SNI with an escape sequence
{
	printf '{"timestamp":"2026-01-01T10:00:00.000000+0000","flow_id":7,"event_type":"tls","src_ip":"10.0.0.5","src_port":40000,"dest_ip":"198.51.100.9","dest_port":443,"proto":"TCP","tls":{"sni":"ev\\u001b[2Jil.example"}}\n'
	printf '{"timestamp":"2026-01-01T10:00:01.000000+0000","event_type":"tls","flow_id":8,"src_ip":"10.0.0.5"'
	head -c 2097152 /dev/zero | tr '\0' ' '
	printf '}\n{not json\n\n[1,2]\n'
	printf '{"timestamp":"yesterday","flow_id":9,"event_type":"flow"}\n'
} >eve.json
cairn-capture --json eve.json >r.json 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "eve: exit $rc"
[ "$(jq .stats.log_bad_lines r.json)" = 4 ] || fail "eve: bad lines $(jq .stats.log_bad_lines r.json)"
[ "$(jq -r '.totals[0].host' r.json)" = 'ev\027\0912jil.example' ] || fail "eve: name $(jq -r '.totals[0].host' r.json)"
cairn-capture eve.json >out 2>/dev/null
LC_ALL=C grep -q "$(printf '\033')" out && fail "eve: raw ESC on the terminal"

# neither a capture nor a log: exit 2, the file named, nothing on stdout
printf '{"jsonrpc":"2.0","method":"x"}\n' >other.json
printf 'hello\n' >plain.txt
for f in plain.txt; do
	cairn-capture "$f" >out 2>err
	rc=$?
	[ "$rc" -eq 2 ] || fail "$f: exit $rc"
	if [ -s out ]; then fail "$f: wrote stdout"; fi
	grep -q "'$f': not a pcap/pcapng capture, nor a Zeek or Suricata log" err || fail "$f: $(cat err)"
done
# a sensor's log with packets: refused
"$CAIRN_TOOLS/pcapgen" basic b.pcap
cairn-capture "$z/conn.log" b.pcap >out 2>err
rc=$?
[ "$rc" -eq 2 ] || fail "log+pcap: exit $rc"
grep -q "cannot be read together with packet captures" err || fail "log+pcap: $(cat err)"
# -f selects packets: refused with a log, not silently ignored
cairn-capture -f 'port 53' "$z/conn.log" >out 2>err
rc=$?
[ "$rc" -eq 2 ] || fail "-f with a log: exit $rc"
[ "$(cat err)" = "cairn-capture: '$z/conn.log': -f selects packets, a Zeek log has none; read the log without -f" ] ||
	fail "-f with a log: $(cat err)"
# a cut gzip'd log: the lines before the cut, and a warning
head -c 300 "$z/http.log.gz" >cut.log.gz
cairn-capture cut.log.gz >out 2>err
rc=$?
[ "$rc" -le 1 ] || fail "cut gzip: exit $rc"
grep -q "warning: 'cut.log.gz': compressed stream cut short" err || fail "cut gzip: $(cat err)"
exit 0
