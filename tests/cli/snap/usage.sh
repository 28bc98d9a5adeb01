#!/bin/sh
# cairn-snap's command line, pinned by the golden files beside this script
# (tests/run-cli.sh; regenerate with make cli-update CASES=snap/usage):
# --help and --version of every verb, every usage error (exit 2, message,
# usage text, nothing written) and the trouble exits of bad inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
mkdir tree
printf 'ok\n' >tree/ok

run cairn-snap --help
run_f 'head -n 1' cairn-snap -h
run cairn-snap --version
run_f 'head -n 1' cairn-snap show --help
run cairn-snap verify --version
run_f 'head -n 1' cairn-snap keygen -h

# usage errors
run cairn-snap
run_u cairn-snap tree
run_u cairn-snap tree other -o x.cairn
run_u cairn-snap --bogus tree -o x.cairn
run_u cairn-snap -j 0 tree -o x.cairn
run_u cairn-snap -j 257 tree -o x.cairn
run_u cairn-snap -j two tree -o x.cairn
run_u cairn-snap --store-content tree -o x.cairn
run_u cairn-snap --store st tree -o -
run_u cairn-snap --pubkey k.pub tree -o x.cairn
run_u cairn-snap --created 2026-01-01T00:00:00Z --reuse x.cairn tree -o y.cairn
run_u cairn-snap --created yesterday tree -o x.cairn
run_u cairn-snap --created 2026-02-30T00:00:00Z tree -o x.cairn
run_u cairn-snap -o
run_u cairn-snap show
run_u cairn-snap show a b
run_u cairn-snap show --bogus x
run_u cairn-snap verify
run_u cairn-snap keygen extra
run_u cairn-snap keygen --bogus

# trouble: exit 2, one line naming the file, nothing written
run cairn-snap -q missing -o m.cairn
run cairn-snap -q tree -o nodir/x.cairn
run cairn-snap -q tree/ok -o f.cairn
run cairn-snap -q --sign nokey.key tree -o s.cairn
run cairn-snap -q --reuse missing.cairn tree -o r.cairn
run cairn-snap show missing.cairn
printf 'not zstd\n' >junk.cairn
run cairn-snap show junk.cairn
run cairn-snap verify junk.cairn
run cairn-snap keygen -o nodir/k
echo "files left: $(ls | tr '\n' ' ')"
