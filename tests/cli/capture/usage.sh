#!/bin/sh
# cairn-capture's command line, pinned by the golden files beside this
# script (regenerate: make cli-update CASES=capture/usage): --help,
# --version, every usage error (exit 2, message, usage text, nothing on
# stdout) and the trouble exits of missing or bad inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
fx=$CAIRN_SRC/tests/fixtures/capture
ln -s "$fx/basic.pcap" basic.pcap

run cairn-capture --help
run_f 'head -n 1' cairn-capture -h
run cairn-capture --version

# usage errors
run cairn-capture
run_u cairn-capture --bogus basic.pcap
run_u cairn-capture --json --csv basic.pcap
run_u cairn-capture --only-unknown basic.pcap
run_u cairn-capture -w 0m basic.pcap
run_u cairn-capture -w 5y basic.pcap
run_u cairn-capture -w 99999999d basic.pcap
run_u cairn-capture --local 10.0.0.0/99 basic.pcap
run_u cairn-capture --local not-an-address basic.pcap
# a prefix length is digits only (strtol read "-0" as /0: every address
# local, no egress reported)
run_u cairn-capture --local 10.0.0.0/-0 basic.pcap
run_u cairn-capture --local 10.0.0.0/+8 basic.pcap
run_u cairn-capture --local '10.0.0.0/ 8' basic.pcap
run_u cairn-capture --local 10.0.0.0/ basic.pcap
run_u cairn-capture -f 'tcp port' basic.pcap
run_u cairn-capture -w

# trouble: exit 2, one line naming the input, nothing written
run cairn-capture missing.pcap
printf 'not a capture\n' >junk.pcap
run cairn-capture junk.pcap
run cairn-capture "$fx/truncated.pcap"
run cairn-capture --allow missing.txt basic.pcap
printf 'bad host name!\n' >bad-allow.txt
run cairn-capture --allow bad-allow.txt basic.pcap
run cairn-capture -o nodir/r.txt basic.pcap
# an --env-key that is not there (before: reported, then a crash)
run cairn-capture --env-key missing.key basic.pcap
echo "files left: $(ls | tr '\n' ' ')"
