#!/bin/sh
# keygen / --sign / verify --pubkey round trip; key file modes.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
snap="$CAIRN_BIN/cairn-snap"

mkdir tree
printf 'a\n' > tree/a
"$snap" keygen -o k > keygen.out
[ "$(stat -c %a k.key)" = 600 ]
[ -s k.pub ]
grep -q 'key id [0-9a-f]\{64\}' keygen.out
# keygen never overwrites
if "$snap" keygen -o k 2> err.txt; then echo "keygen overwrote k"; exit 1; fi
grep -q "k.pub" err.txt

"$snap" -q --sign k.key tree -o s.cairn
"$snap" verify --pubkey k.pub s.cairn > out.txt
grep -q 'signature verified' out.txt
kid=$(sed -n 's/^key id //p' keygen.out)
[ "$(zstdcat s.cairn | tail -n 1 | jq -r .signature.key_id)" = "$kid" ]
[ "$(zstdcat s.cairn | tail -n 1 | jq -r .signature.alg)" = ed25519 ]
# without --pubkey: checksum verified, signature reported as not checked
"$snap" verify s.cairn | grep -q 'not checked'
"$snap" show --pubkey k.pub s.cairn | grep -q ' a$'
# a missing key is trouble, not a crash
set +e
"$snap" -q --sign missing.key tree -o t.cairn 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "--sign missing.key: exit $rc, want 2"
grep -q "^cairn-snap: .*'missing.key'" err.txt || fail "--sign missing.key not named: $(cat err.txt)"
[ ! -e t.cairn ] || fail "--sign missing.key: t.cairn written"
