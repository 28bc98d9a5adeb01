#!/bin/sh
# A RECORD whose sha256 value is 3,000 base64 characters (it decodes to
# 2,250 bytes; a sha256 has 32): the snapshot is written, the RECORD is a
# parse_error naming the row, the file counts as not matching RECORD, and
# nothing overflows (this overflowed a 64-byte stack buffer; `make asan`
# runs this case under ASan).  Also a hash with a character outside
# base64 and one that decodes to 31 bytes.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

site=t/lib/python3.11/site-packages
mkdir -p "$site/evil-1.0.dist-info" "$site/evil"
printf 'x = 1\n' > "$site/evil/__init__.py"
printf 'y = 2\n' > "$site/evil/b.py"
printf 'z = 3\n' > "$site/evil/c.py"
printf 'Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n' > "$site/evil-1.0.dist-info/METADATA"
printf 'pip\n' > "$site/evil-1.0.dist-info/INSTALLER"
long=$(head -c 3000 /dev/zero | tr '\0' A)
{
	printf 'evil/__init__.py,sha256=%s,6\n' "$long"
	printf 'evil/b.py,sha256=%s,6\n' 'not*base64*at*all'
	printf 'evil/c.py,sha256=%s,6\n' "$(head -c 41 /dev/zero | tr '\0' A)"
	printf 'evil-1.0.dist-info/METADATA,,\nevil-1.0.dist-info/INSTALLER,,\nevil-1.0.dist-info/RECORD,,\n'
} > "$site/evil-1.0.dist-info/RECORD"

rc=0
cairn-snap -q -o s.cairn t > out 2> err || rc=$?
test "$rc" -le 1 || fail "cairn-snap exit $rc: $(cat err)"
test ! -s out || fail "stdout: $(cat out)"
test ! -s err || fail "stderr: $(cat err)"
zstd -dcq s.cairn | jq -c 'select(.type == "parse_error") | [.file, .analyzer, .message]' > got
cat > want <<'W'
["lib/python3.11/site-packages/evil-1.0.dist-info/RECORD","pip","3 RECORD hashes are not a base64 sha256 (first: evil/__init__.py: base64 value of 3000 characters decodes to more than 32 bytes)"]
W
diff want got || fail "parse_error"
zstd -dcq s.cairn | jq -c 'select(.type == "package") | [.path, .flags, .files.modified, .files.matching]' > got
echo '["evil-1.0.dist-info",["bad_record_hash","record_mismatch"],["evil/__init__.py","evil/b.py","evil/c.py"],0]' > want
diff want got || fail "package record"
