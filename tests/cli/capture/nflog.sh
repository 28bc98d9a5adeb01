#!/bin/sh
# Linux NFLOG captures (LINKTYPE_NFLOG, 239: what iptables -j NFLOG writes):
# the IP packets in their TLVs are read, and the uid/gid TLVs say which
# local user sent each connection.  Before, such a file was 0 IP packets.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/pcapgen" nflog nf.pcap || fail "pcapgen nflog"

cairn-capture --json nf.pcap >r.json 2>err || fail "exit $?"
q() { jq -r "$1" r.json; }
[ "$(q '.stats.ip_packets')" = 39 ] || fail "ip packets: $(q .stats.ip_packets)"
[ "$(q '[.totals[]|.host+":"+(.uids|map(tostring)|join(","))+":"+(.gids|map(tostring)|join(","))]|join(" ")')" = \
	"198.51.100.5:: api.anthropic.com:1000:1000 collect.evil.example:1001:1001" ] ||
	fail "uids: $(q '[.totals[]|{host,uids,gids}]')"
[ "$(q '.resolvers[0].address')" = 10.1.0.1 ] || fail "resolver"

cairn-capture nf.pcap >out 2>err || fail "text exit $?"
grep -A1 '^  collect.evil.example ' out | tail -n 1 | grep -qx '      sent by uid 1001 gid 1001' ||
	fail "text uid line: $(cat out)"

# a TLV chain that runs past the packet, a payload TLV of the wrong family:
# counted, never a crash (the fuzz corpus holds more)
python3 - nf.pcap <<'PY'
import struct, sys
raw = bytearray(open(sys.argv[1], "rb").read())
off = 24
caplen = struct.unpack("<I", raw[off + 8:off + 12])[0]
raw[off + 16] = 7                         # family: neither AF_INET nor AF_INET6
raw[off + 16 + 4:off + 16 + 6] = struct.pack("<H", 3)  # a TLV shorter than its header
open("bad.pcap", "wb").write(raw)
PY
cairn-capture --json bad.pcap >r.json 2>err || fail "bad: exit $?"
[ "$(q '.stats.ip_packets')" = 38 ] || fail "bad: ip packets $(q .stats.ip_packets)"
[ "$(q '.stats.non_ip')" = 1 ] || fail "bad: non_ip $(q .stats.non_ip)"
exit 0
