#!/bin/sh
# Every gap is a finding once, with the step that closes it (docs/RULES.md
# §Coverage).  A RECORD that does not parse is both a parse_error and the
# coverage reason of its package (record_error, the parse_error's message
# as the detail): the report listed it under CAIRN-C01 (with the package
# and "reinstall with pip") and again under CAIRN-C02, and the headline
# and coverage line counted it as an unread input too ("...; 1 input could
# not be read (CAIRN-C02)", "...; 1 input not read").  Now CAIRN-C01 owns
# it: one finding, no C02, the counts without it.  A parse_error no
# package's coverage names (a uv.lock past its cap) is still CAIRN-C02.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
report() {
	run cairn-report --snapshot "$1" --no-timestamp --format json -o r.json
	jq -c '.verdict | [.headline, .coverage]' r.json
	jq -c '.coverage | [.summary, .unread]' r.json
	jq -c '.findings[] | [.rule, .severity, .title, [.evidence[] | .detail]]' r.json
	run_f "sed -n /^coverage:/,\$p" cairn-diff --findings "$1" "$1"
}
py_venv p
py_dist p foo 1.0
# pip's rows, then a line that is not a row: the rows before it are still
# checked, the package is not verified (record_error)
printf 'foo-1.0.dist-info/METADATA,,\nfoo-1.0.dist-info/INSTALLER,,\nfoo-1.0.dist-info/RECORD,,\nfoo-1.0.dist-info/bad\n' \
	> p/.venv/lib/python3.11/site-packages/foo-1.0.dist-info/RECORD
run cairn-snap -q --no-pip-cache -o s.cairn p
zstd -dcq s.cairn | jq -c 'select(.type == "parse_error" or .type == "package") |
	[.type, .file // .path, .message // .coverage]'
report s.cairn

# an input no package's coverage names: still CAIRN-C02, counted once
truncate -s 70M p/uv.lock
run cairn-snap -q --no-pip-cache -o u.cairn p
zstd -dcq u.cairn | jq -c 'select(.type == "parse_error") | [.file, .message]'
report u.cairn
