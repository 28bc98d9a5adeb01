#!/bin/sh
# cairn-diff's command line, pinned by the golden files beside this script
# (regenerate: make cli-update CASES=diff/usage): --help, --version, every
# usage error (exit 2, message, usage text, nothing on stdout) and the
# trouble exits of missing or bad inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
"$CAIRN_TOOLS/gen-snapshot" --entries 3 a.cairn || fail "gen-snapshot"

run cairn-diff --help
run_f 'head -n 1' cairn-diff -h
run cairn-diff --version

# usage errors
run cairn-diff
run_u cairn-diff a.cairn
run_u cairn-diff a.cairn a.cairn a.cairn
run_u cairn-diff --bogus a.cairn a.cairn
run_u cairn-diff --color=sometimes a.cairn a.cairn
run_u cairn-diff --git r --store s a b
run_u cairn-diff --live x --store s a b
run_u cairn-diff --patch a.cairn a.cairn
run_u cairn-diff --history f a.cairn a.cairn
run_u cairn-diff --gitignore a.cairn a.cairn
run_u cairn-diff --path p a.cairn a.cairn
run_u cairn-diff --rev HEAD a.cairn a.cairn
run_u cairn-diff --git r --history f root
run_u cairn-diff --git r
run_u cairn-diff --store s onlyone
run_u cairn-diff --live x
run_u cairn-diff --ignore

# trouble: exit 2, one line naming the input
run cairn-diff missing.cairn a.cairn
run cairn-diff a.cairn missing.cairn
printf 'not zstd\n' >junk.cairn
run cairn-diff a.cairn junk.cairn
head -c 100 a.cairn >cut.cairn
run cairn-diff a.cairn cut.cairn
run cairn-diff --ignore-file missing.txt a.cairn a.cairn
run cairn-diff --pubkey missing.pub a.cairn a.cairn
run cairn-diff --live missing-root a.cairn
run cairn-diff --git missing-repo .
run cairn-diff --store missing-store a b
