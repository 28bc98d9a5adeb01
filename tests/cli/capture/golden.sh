#!/bin/sh
# cairn-capture on the generated fixture capture: text, CSV and JSON against
# the expected output kept beside this script; byte-identical run to run.
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
here="$CAIRN_SRC/tests/cli/capture"
fx="$CAIRN_SRC/tests/fixtures/capture"

cairn-capture -w 1m "$fx/basic.pcap" >text.out 2>err || fail "text exit $?"
diff -u "$here/basic-1m.txt" text.out || fail "text output differs"
cairn-capture -w 1m --csv "$fx/basic.pcap" >csv.out 2>err || fail "csv exit $?"
diff -u "$here/basic-1m.csv" csv.out || fail "csv output differs"
# JSON: compared without the file names (they hold the source path)
cairn-capture -w 1m --json "$fx/basic.pcap" >json.out 2>err || fail "json exit $?"
jq -S 'del(.files)' json.out >json.norm || fail "json does not parse"
diff -u "$here/basic-1m.json" json.norm || fail "json output differs"
# --json writes JSON only: one line, nothing else
[ "$(wc -l <json.out)" -eq 1 ] || fail "json: more than one line"
cairn-capture -w 1m --json "$fx/basic.pcap" >json2.out 2>/dev/null
cmp -s json.out json2.out || fail "two runs differ"
# gzip and zstd give the same report as the plain file
for z in gz zst; do
	cairn-capture -w 1m --json "$fx/basic.pcap.$z" | jq -S 'del(.files)' >z.norm ||
		fail "$z: exit"
	cmp -s json.norm z.norm || fail "$z: report differs from the plain capture"
done
# -o writes the same bytes, atomically (no temporary left behind)
mkdir outdir
cairn-capture -w 1m --json -o outdir/r.json "$fx/basic.pcap" >stdout.out || fail "-o exit $?"
if [ -s stdout.out ]; then fail "-o also wrote stdout"; fi
cmp -s json.out outdir/r.json || fail "-o content differs"
[ "$(ls -A outdir)" = "r.json" ] || fail "-o left: $(ls -A outdir)"
# a device is written to, never renamed over
cairn-capture -o /dev/null "$fx/basic.pcap" || fail "-o /dev/null exit $?"
[ -c /dev/null ] || fail "-o /dev/null replaced the device"
mkfifo outfifo
( cat outfifo >fifo.out ) &
cairn-capture -w 1m -o outfifo "$fx/basic.pcap" || fail "-o fifo exit $?"
wait
[ -p outfifo ] || fail "-o replaced the FIFO"
cmp -s fifo.out "$CAIRN_SRC/tests/cli/capture/basic-1m.txt" || fail "-o fifo content"
exit 0
