#!/bin/sh
# cairn-capture: --help/--version on stdout with exit 0; usage errors exit 2
# with a usage line on stderr and nothing on stdout.
set -u
fail() { echo "FAIL: $*"; exit 1; }
fx="$CAIRN_SRC/tests/fixtures/capture/basic.pcap"

cairn-capture --help >out 2>err || fail "--help exit $?"
grep -q '^usage: cairn-capture' out || fail "--help: no usage on stdout"
[ -s err ] && fail "--help wrote to stderr"
cairn-capture --version >out 2>err || fail "--version exit $?"
grep -q '^cairn-capture [0-9]' out || fail "--version output"

expect2() {
	cairn-capture "$@" >out 2>err
	rc=$?
	[ "$rc" -eq 2 ] || fail "'$*': exit $rc, want 2"
	[ -s out ] && fail "'$*': wrote to stdout"
	grep -q 'usage: cairn-capture' err || fail "'$*': no usage line on stderr"
}
expect2
expect2 --bogus "$fx"
expect2 --json --csv "$fx"
expect2 --only-unknown "$fx"
expect2 -w 0m "$fx"
expect2 -w 5y "$fx"
expect2 --local 10.0.0.0/99 "$fx"
expect2 --local not-an-address "$fx"
exit 0
