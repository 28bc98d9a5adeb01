#!/bin/sh
# A pcapng without one whole Section Header Block is no capture: exit 2 and
# the file named, like a classic pcap cut inside its global header.  A whole
# header with no packet after it is an empty capture (exit 0).
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/capture"

refused() { # file
	cairn-capture "$1" >out 2>err
	rc=$?
	[ "$rc" -eq 2 ] || fail "$1: exit $rc, want 2"
	if [ -s out ]; then fail "$1: wrote stdout"; fi
	[ "$(cat err)" = "cairn-capture: '$1': truncated capture header" ] ||
		fail "$1: stderr: $(cat err)"
}
for n in 4 8 27; do
	head -c $n "$fx/multilink.pcapng" >cut$n.pcapng
	refused cut$n.pcapng
done
head -c 8 "$fx/multilink.pcapng" | gzip -n >cut8.pcapng.gz
refused cut8.pcapng.gz
head -c 10 "$fx/basic.pcap" >cut10.pcap
refused cut10.pcap

# the header whole (28 bytes), nothing after it: an empty capture
head -c 28 "$fx/multilink.pcapng" >shb.pcapng
cairn-capture --json shb.pcapng >r.json 2>err
rc=$?
[ "$rc" -eq 0 ] || fail "whole header: exit $rc"
[ "$(jq .stats.packets r.json)" = 0 ] || fail "whole header: packets"
exit 0
