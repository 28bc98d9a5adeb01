#!/bin/sh
# bench/sensor-logs.sh - cairn-capture on a large Zeek log set (conn.log,
# dns.log, ssl.log: a DNS lookup and a TLS connection per round, 100,000
# rounds = 400,000 rows at BENCH_SCALE=1), in Zeek's TSV and JSON formats
# and gzip'd, against what a user would run instead on the same files:
# zeek-cut's column cut (awk, which is what zeek-cut does; Zeek itself is
# not in Debian) and jq on the JSON logs, both only listing responder and
# server name, no join, no verdict.  Rows per second; never fails on a
# timing.  The rows take their layout (#fields, types, value forms) from
# the real logs in ../shared/data/zeek (tests/fixtures/logs without it).
set -eu
: "${CAIRN_BIN:?}" "${BENCH_DIR:?}"
scale=${BENCH_SCALE:-1}
cap="$CAIRN_BIN/cairn-capture"
n=$(awk -v s="$scale" 'BEGIN { n = int(100000 * s); if (n < 100) n = 100; print n }')
dir="$BENCH_DIR/zeek-$n"
mkdir -p "$dir/tsv" "$dir/json"

hdr() { # path fields types
	printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n'
	printf '#path\t%s\n#open\t2026-01-01-10-00-00\n#fields\t%s\n#types\t%s\n' "$1" "$2" "$3"
}
if [ ! -s "$dir/tsv/ssl.log" ]; then
	hdr conn "$(printf 'ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents')" \
		"$(printf 'time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]')" >"$dir/tsv/conn.log"
	hdr dns "$(printf 'ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected')" \
		"$(printf 'time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool')" >"$dir/tsv/dns.log"
	hdr ssl "$(printf 'ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\tvalidation_status')" \
		"$(printf 'time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool\tstring')" >"$dir/tsv/ssl.log"
	# round i: host h = i % 5000 (5,000 names under 500 domains), a lookup
	# then a TLS connection to the address it gave, one per 100 ms
	awk -v n="$n" -v d="$dir/tsv" 'BEGIN {
		OFS = "\t"
		for (i = 0; i < n; i++) {
			t = 1767261600 + i / 10
			h = i % 5000
			name = "h" h ".d" (h % 500) ".example"
			addr = "198.51." int(h / 250) "." (h % 250 + 1)
			cp = 10000 + i % 50000
			print sprintf("%.6f", t), "D" i, "10.1.0.5", cp, "10.1.0.1", 53, "udp", "dns", "0.000300", 33, 49, "SF", "T", "T", 0, "Dd", 1, 61, 1, 77, "-" >> (d "/conn.log")
			print sprintf("%.6f", t), "D" i, "10.1.0.5", cp, "10.1.0.1", 53, "udp", i % 65536, "0.000300", name, 1, "C_INTERNET", 1, "A", 0, "NOERROR", "F", "F", "T", "T", 0, addr, "300.000000", "F" >> (d "/dns.log")
			print sprintf("%.6f", t + 0.001), "S" i, "10.1.0.5", cp + 1, addr, 443, "tcp", "ssl", "1.200000", 900, 5400, "SF", "T", "F", 0, "ShADadFf", 9, 1400, 8, 5900, "-" >> (d "/conn.log")
			print sprintf("%.6f", t + 0.002), "S" i, "10.1.0.5", cp + 1, addr, 443, "TLSv12", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "x25519", name, "F", "-", "h2", "T", "CsxknGIti", "(empty)", "(empty)", "-", "-" >> (d "/ssl.log")
		}
	}'
	# the same rows in Zeek's JSON format (LogAscii::use_json=T)
	for l in conn dns ssl; do
		awk -F '\t' '
			/^#fields/ { for (i = 2; i <= NF; i++) f[i - 1] = $i; nf = NF - 1; next }
			/^#types/ { for (i = 2; i <= NF; i++) ty[i - 1] = $i; next }
			/^#/ { next }
			{
				s = "{"
				for (i = 1; i <= nf; i++) {
					v = $i
					if (v == "-") continue
					t = ty[i]
					if (t ~ /^(time|interval|count|port)$/) o = v
					else if (t == "bool") o = (v == "T" ? "true" : "false")
					else if (t ~ /^(set|vector)/) o = (v == "(empty)" ? "[]" : "[\"" v "\"]")
					else o = "\"" v "\""
					s = s (s == "{" ? "" : ",") "\"" f[i] "\":" o
				}
				print s "}"
			}' "$dir/tsv/$l.log" >"$dir/json/$l.log"
	done
	mkdir -p "$dir/gz"
	for l in conn dns ssl; do gzip -c "$dir/tsv/$l.log" >"$dir/gz/$l.log.gz"; done
fi
rows=$(cat "$dir/tsv/"*.log | grep -vc '^#')

# best of $1 runs of the rest (a shell command line): "wall cpu" seconds,
# cpu = user + system of it and its children (GNU time): on a shared
# machine the wall time measures the neighbours too
best() {
	runs=$1
	shift
	b=""
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %U %S' -o "$dir/time.out" sh -c "$*" >/dev/null || :
		b=$(awk -v b="$b" '{ c = $2 + $3; split(b, o, " ")
			if (b == "" || c < o[2]) printf "%.3f %.3f", $1, c; else print b }' "$dir/time.out")
		i=$((i + 1))
	done
	echo "$b"
}
# zeek-cut id.resp_h server_name, then a count per pair (zeek-cut is awk)
cut_tsv="awk -F '\t' '/^#fields/ { r = 0; s = 0; for (i = 2; i <= NF; i++) if (\$i == \"id.resp_h\") r = i - 1; else if (\$i == \"server_name\") s = i - 1; next }
	/^#/ { next } { c[\$r \"\t\" (s ? \$s : \"-\")]++ } END { for (k in c) print c[k], k }'"
jq_json="jq -r '[.[\"id.resp_h\"], (.server_name // \"-\")] | @tsv'"

echo "sensor logs: $rows rows (conn, dns, ssl), $(du -sm "$dir/tsv" | cut -f1) MiB TSV, $(du -sm "$dir/json" | cut -f1) MiB JSON ($dir)"
[ -x /usr/bin/time ] || { echo "sensor-logs: GNU time missing (sh scripts/deps.sh --all)"; exit 0; }
cat "$dir"/tsv/*.log "$dir"/json/*.log >/dev/null
t_tsv=$(best 3 "$cap" "$dir"/tsv/*.log)
t_json=$(best 3 "$cap" "$dir"/json/*.log)
t_gz=$(best 3 "$cap" "$dir"/gz/*.log.gz)
t_cut=$(best 3 "$cut_tsv" "$dir"/tsv/*.log)
t_jq=""
if command -v jq >/dev/null 2>&1; then
	t_jq=$(best 1 "$jq_json" "$dir/json/*.log | sort | uniq -c")
fi
printf '%-56s %7s %7s %12s\n' "program" "wall s" "cpu s" "rows/cpu s"
row() {
	set -- "$1" $2
	printf '%-56s %7s %7s %12s\n' "$1" "$2" "$3" "$(awk -v n="$rows" -v t="$3" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "-" }')"
}
row "cairn-capture, Zeek TSV (joined by uid, judged)" "$t_tsv"
row "cairn-capture, Zeek JSON" "$t_json"
row "cairn-capture, Zeek TSV gzip'd" "$t_gz"
row "zeek-cut id.resp_h server_name | count (awk)" "$t_cut"
[ -n "$t_jq" ] && row "jq -r '[.id.resp_h, .server_name]' | sort | uniq -c" "$t_jq"
echo
awk -v a="${t_tsv#* }" -v j="${t_json#* }" -v c="${t_cut#* }" -v q="${t_jq#* }" 'BEGIN {
	if (c > 0)
		printf "cairn-capture TSV: %.1fx the CPU of the zeek-cut-style cut (it also joins by uid, names, judges, renders)\n", a / c
	if (q != "" && j > 0)
		printf "cairn-capture JSON vs jq | sort | uniq -c: %.1fx faster (CPU)\n", q / j
}'
