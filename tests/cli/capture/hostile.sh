#!/bin/sh
# Damaged and hostile inputs: one-line error naming the file and exit 2, or
# a warning and the packets before the damage; never a hang or a crash.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/capture"

one_error() { # file, expected text
	cairn-capture "$1" >out 2>err
	rc=$?
	[ "$rc" -eq 2 ] || fail "$1: exit $rc"
	if [ -s out ]; then fail "$1: wrote stdout"; fi
	[ "$(wc -l <err)" -eq 1 ] || fail "$1: not one line: $(cat err)"
	grep -q "$2" err || fail "$1: message $(cat err)"
}
printf 'not a capture at all\n' >junk.pcap
one_error junk.pcap "'junk.pcap': not a pcap"
: >empty.pcap
one_error empty.pcap "'empty.pcap'"
mkdir adir
one_error adir "'adir': not a regular file"
one_error nope.pcap "cannot open 'nope.pcap'"
mkfifo fifo
# must not block on a FIFO with no writer
( cairn-capture fifo >out 2>err; echo $? >rc ) &
pid=$!
i=0
while [ ! -f rc ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -f rc ] || { kill $pid 2>/dev/null; fail "blocked on a FIFO"; }
[ "$(cat rc)" = 2 ] || fail "fifo exit $(cat rc)"
head -c 2000 "$fx/basic.pcap.gz" >cut.pcap.gz
cairn-capture cut.pcap.gz >out 2>err
[ $? -eq 0 ] || fail "cut gzip: exit"
grep -q "warning: 'cut.pcap.gz'" err || fail "cut gzip: no warning"

# a record claiming 4 GiB: damage, not truncation
python3 - "$fx/basic.pcap" <<'PY'
import struct, sys
raw = bytearray(open(sys.argv[1], "rb").read())
off = 24
for _ in range(4):
    off += 16 + struct.unpack("<I", raw[off + 8:off + 12])[0]
raw[off + 8:off + 12] = struct.pack("<I", 0xfffffff0)
open("bogus.pcap", "wb").write(raw)
PY
one_error bogus.pcap "'bogus.pcap': after packet 4: invalid packet capture length"

# a partial last record: the packets before it and a warning
cairn-capture --json "$fx/truncated.pcap" >r.json 2>err
[ $? -eq 0 ] || fail "truncated: exit"
grep -q "partial last record" err || fail "truncated: no warning"
[ "$(jq .stats.packets r.json)" = 80 ] || fail "truncated: packets"
[ "$(jq '.warnings|length' r.json)" = 1 ] || fail "truncated: warning not in JSON"

# compression loops, lying lengths, junk QUIC, cut headers: no names believed
cairn-capture --all --json "$fx/hostile.pcap" >r.json 2>err || fail "hostile: exit $?"
[ "$(jq '[.totals[].names[]]|length' r.json)" = 0 ] || fail "hostile: a name was believed"
[ "$(jq '.stats.malformed' r.json)" -ge 2 ] || fail "hostile: malformed not counted"

# several files are one timeline, whatever their order
cairn-capture --json "$fx/quic.pcap" "$fx/basic.pcap" | jq -S 'del(.files)' >a.json
cairn-capture --json "$fx/basic.pcap" "$fx/quic.pcap" | jq -S 'del(.files)' >b.json
cmp -s a.json b.json || fail "merge depends on argument order"
q=$(cairn-capture --json "$fx/quic.pcap" | jq .stats.packets)
b=$(cairn-capture --json "$fx/basic.pcap" | jq .stats.packets)
[ "$(jq '.stats.packets' a.json)" = $((q + b)) ] || fail "merge lost packets"
exit 0
