#!/bin/sh
# cairn-report's command line, pinned by the golden files beside this
# script (regenerate: make cli-update CASES=report/usage): --help,
# --version, --rules, every usage error (exit 2, message, usage text,
# nothing on stdout or in -o) and the trouble exits of bad inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/gen-snapshot" --entries 3 a.cairn || fail "gen-snapshot"
echo "old report" >keep.html

run cairn-report --help
run_f 'head -n 1' cairn-report -h
run cairn-report --version

# usage errors
run cairn-report
run_u cairn-report --snapshot a.cairn extra
run_u cairn-report --bogus
run_u cairn-report --snapshot a.cairn --format pdf
run_u cairn-report --snapshot a.cairn --fail-on severe
run_u cairn-report --snapshot a.cairn --capture x.pcap --capture-json x.json
run_u cairn-report --snapshot
run_u cairn-report --baseline a.cairn -o keep.html

# trouble: exit 2, one line naming the input, nothing written
run cairn-report --snapshot missing.cairn -o keep.html
printf 'not zstd\n' >junk.cairn
run cairn-report --snapshot junk.cairn -o new.html
run cairn-report --snapshot a.cairn --baseline junk.cairn -o new.html
run cairn-report --snapshot a.cairn --capture missing.pcap -o new.html
run cairn-report --snapshot a.cairn --capture-json missing.json -o new.html
printf '{"format":"something else"}\n' >other.json
run cairn-report --snapshot a.cairn --capture-json other.json -o new.html
printf '{"format":' >cut.json
run cairn-report --snapshot a.cairn --capture-json cut.json -o new.html
run cairn-report --snapshot a.cairn --allow missing.txt -o new.html
run cairn-report --snapshot a.cairn --pubkey missing.pub -o new.html
run cairn-report --snapshot a.cairn -o nodir/r.html
run cairn-report --store missing-store --snapshot HEAD -o new.html
echo "files left: $(ls | tr '\n' ' ')"
echo "keep.html: $(cat keep.html)"
