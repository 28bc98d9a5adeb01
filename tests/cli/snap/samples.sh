#!/bin/sh
# cairn-snap show and verify on the demo's snapshots of samples/good and
# samples/compromised (samples/demo.sh, fixed clock), pinned by the golden
# files beside this script (make cli-update CASES=snap/samples); a
# snapshot and signature made with keygen; show --json of a
# library-made snapshot whose every field is fixed.
. "$CAIRN_SRC/tests/cli/lib.sh"
demo_story

run_f show_owners cairn-snap show out/baseline.cairn
run_f show_owners cairn-snap show out/snapshot.cairn
run cairn-snap verify out/snapshot.cairn

# signed: verify with the key, with another key, without one
cairn-snap keygen -o k >k.txt || fail "keygen k"
mask "$(sed -n 's/^key id //p' k.txt)" KEY_ID
run cat k.txt
run cairn-snap keygen -o k
cairn-snap keygen -o k2 >/dev/null || fail "keygen k2"
cp -R "$CAIRN_SRC/samples/good" host
run cairn-snap -q --no-packages --created 2026-01-01T00:00:00Z --sign k.key host -o signed.cairn
run cairn-snap verify --pubkey k.pub signed.cairn
run cairn-snap verify --pubkey k2.pub signed.cairn
run cairn-snap verify signed.cairn
run cairn-snap verify --pubkey k.pub out/snapshot.cairn

# every field fixed (tests/tools/gen-snapshot): show --json pinned whole
cat >spec.json <<'J'
{"header":{"hostname":"h1","root":"/srv/app","created":"2026-01-01T00:00:00Z"},
 "entries":[
  {"path":"bin","kind":"dir"},
  {"path":"bin/tool","mode":"0755","content":"#!/bin/sh\necho hi\n"},
  {"path":"link","kind":"symlink","mode":"0777","target":"a"},
  {"path":"locked","error":{"op":"open","errno":13}}],
 "records":[
  {"type":"package","ecosystem":"npm","project":"","path":"node_modules/b","name":"b",
   "version":"2.0.0","integrity":"sha512-B","content_sha256":"bb","scripts":{},"flags":[]}]}
J
"$CAIRN_TOOLS/gen-snapshot" --spec spec.json fixed.cairn || fail "gen-snapshot"
run cairn-snap show fixed.cairn
run cairn-snap show --json fixed.cairn
