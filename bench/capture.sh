#!/bin/sh
# bench/capture.sh - cairn-capture against tshark, tcpdump and a bare
# pcap_next_ex loop over the same generated capture (DNS exchanges, TLS
# handshakes, bulk data; 1,000,000 packets at BENCH_SCALE=1), and peak memory
# for the same number of connections carrying 4x the packets.
# Targets (issue 6): >= 20x faster than tshark, >= 50% of the bare loop's
# speed, memory bounded by connections, not packets.  Prints figures and
# ratios; never fails on a timing.
set -eu
: "${CAIRN_BIN:?}" "${CAIRN_TOOLS:?}" "${BENCH_DIR:?}"
scale=${BENCH_SCALE:-1}
gen="$CAIRN_TOOLS/pcapgen"
loop="$CAIRN_TOOLS/pcaploop"
cap="$CAIRN_BIN/cairn-capture"
n=$(awk -v s="$scale" 'BEGIN { n = int(1000000 * s); if (n < 1000) n = 1000; print n }')
q=$((n / 4))
mkdir -p "$BENCH_DIR"
main="$BENCH_DIR/capture-$n.pcap"          # n packets, n/50 rounds
few="$BENCH_DIR/capture-$q.pcap"           # n/4 packets, n/200 rounds
fat="$BENCH_DIR/capture-$n-fat.pcap"       # n packets, n/200 rounds (4x per flow)
[ -s "$main" ] || "$gen" bench "$n" "$main"
[ -s "$few" ] || "$gen" bench "$q" 40 "$few"
[ -s "$fat" ] || "$gen" bench "$n" 190 "$fat"

now() { date +%s.%N; }
# best wall time of $1 runs of the rest of the command line, stdout discarded
best() {
	runs=$1
	shift
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; if (b == "" || t < b) b = t; printf "%.3f", b }')
		i=$((i + 1))
	done
	echo "$b"
}
peak_kb() { # peak RSS of a command, KiB (GNU time), or "?"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1
	else
		echo "?"
	fi
}

echo "capture: $n packets, $(du -m "$main" | cut -f1) MiB ($main)"
cat "$main" >/dev/null # warm the page cache for everyone
t_loop=$(best 3 "$loop" "$main")
t_cap=$(best 3 "$cap" "$main")
t_cap_nc=$(best 3 "$cap" --no-checksum "$main")
if command -v tshark >/dev/null 2>&1; then
	t_tshark=$(best 1 tshark -r "$main" -T fields -e ip.dst -e tls.handshake.extensions_server_name)
else
	t_tshark=""
fi
if command -v tcpdump >/dev/null 2>&1; then
	t_tcpdump=$(best 1 tcpdump -nn -r "$main")
else
	t_tcpdump=""
fi
printf '%-44s %9s %12s\n' "program" "seconds" "packets/s"
row() { printf '%-44s %9s %12s\n' "$1" "$2" "$(awk -v n="$n" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "-" }')"; }
row "bare pcap_next_ex loop (tests/tools/pcaploop)" "$t_loop"
row "cairn-capture" "$t_cap"
row "cairn-capture --no-checksum" "$t_cap_nc"
[ -n "$t_tshark" ] && row "tshark -T fields ip.dst, tls sni" "$t_tshark"
[ -n "$t_tcpdump" ] && row "tcpdump -nn -r (one line a packet)" "$t_tcpdump"
echo
awk -v l="$t_loop" -v c="$t_cap" -v t="$t_tshark" -v d="$t_tcpdump" 'BEGIN {
	printf "cairn-capture speed vs bare loop: %.0f%% (target >= 50%%)\n", 100 * l / c
	if (t != "")
		printf "cairn-capture vs tshark: %.1fx faster (target >= 20x)\n", t / c
	if (d != "")
		printf "cairn-capture vs tcpdump -nn -r: %.1fx faster\n", d / c
}'
echo
m_main=$(peak_kb "$cap" "$main")
m_few=$(peak_kb "$cap" "$few")
m_fat=$(peak_kb "$cap" "$fat")
m_loop=$(peak_kb "$loop" "$main")
printf '%-52s %12s\n' "peak memory" "KiB"
printf '%-52s %12s\n' "bare loop, $n packets" "$m_loop"
printf '%-52s %12s\n' "cairn-capture, $q packets, $((q / 50 * 2)) connections" "$m_few"
printf '%-52s %12s\n' "cairn-capture, $n packets, $((n / 200 * 2)) connections" "$m_fat"
printf '%-52s %12s\n' "cairn-capture, $n packets, $((n / 50 * 2)) connections" "$m_main"
awk -v a="$m_few" -v b="$m_fat" -v c="$m_main" 'BEGIN {
	if (a != "?" && a > 0)
		printf "4x packets, same connections: memory x%.2f; 4x connections: x%.2f\n", b / a, c / b
}'
