#!/bin/sh
# Hostile advisory and indicator inputs, made at test time (nothing large is
# committed), each against a real npm install with postmark-mcp 1.0.16:
# an OSV file nested 10,000 deep, a 100 MB summary, a range of 100,000
# events, a 1 MB summary of two-byte characters (cut on a character
# boundary: the finding keeps its advisory), invalid UTF-8; a zip with
# '../' and control characters in member names (read, never extracted), a
# member whose header says 256 MiB (never inflated), a member whose header
# lies about its size (stops at 8 MiB), a zip whose members inflate to 400
# times its size (refused, exit 2); an indicator list of 1,000,000 lines
# (read; a bad last line still names its number) and one with a NUL.
# Each is a counted skip with its reason in the report's provenance, or an
# error naming the file, exit 2; peak memory is checked where a file would
# otherwise be held whole (never a timing).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
K=$CAIRN_SRC/tests/fixtures/known
M=$CAIRN_SRC/tests/fixtures/osv/malicious/npm/postmark-mcp/MAL-2025-47604.json
fixture_copy "$K/host" host
cairn-snap -q --env-key env.key host -o s.cairn

# the advisories: each folder holds one file about postmark-mcp
python3 - "$M" <<'PY'
import json, os, sys, zipfile
tmpl = json.load(open(sys.argv[1]))
def adv(dirname, id, **kw):
    os.makedirs(dirname, exist_ok=True)
    d = dict(tmpl, id=id)
    d.update(kw)
    return d, os.path.join(dirname, id + ".json")
# 10,000 levels of arrays in database_specific
d, p = adv("deep", "MAL-2099-0001")
d["database_specific"] = "@"
open(p, "w").write(json.dumps(d).replace('"@"', "[" * 10000 + "]" * 10000))
# a 100 MB summary, written in pieces
d, p = adv("big", "MAL-2099-0002", summary="@")
head, tail = json.dumps(d).split("@")
with open(p, "w") as f:
    f.write(head)
    for _ in range(100):
        f.write("A" * (1 << 20))
    f.write(tail)
# 100,000 events in one range (over the cap of 4096), and 4000 that
# leave 1.0.16 inside the last interval (evaluated)
def ranges(n):
    ev = [{"introduced": "0.0.%d" % (k + 1)} if k % 2 == 0 else {"fixed": "0.0.%d" % (k + 1)}
          for k in range(n)]
    ev.append({"introduced": "1.0.16"})
    return [dict(tmpl["affected"][0], ranges=[{"type": "SEMVER", "events": ev}])]
d, p = adv("events", "MAL-2099-0003", affected=ranges(100000))
json.dump(d, open(p, "w"))
d, p = adv("events4k", "MAL-2099-0004", affected=ranges(3998))
json.dump(d, open(p, "w"))
# 1 MB summary of two-byte characters after one ASCII byte: the kept
# 1000 bytes would end inside a character
d, p = adv("utf8", "MAL-2099-0005", summary="a" + "\u00e9" * 500000)
open(p, "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False))
# invalid UTF-8 in the summary
d, p = adv("badutf8", "MAL-2099-0006", summary="@")
open(p, "wb").write(json.dumps(d).encode().replace(b"@", b"caf\xe9 \xff"))

# zips (never extracted: nothing may appear outside the test folder)
real = open(sys.argv[1], "rb").read()
with zipfile.ZipFile("slip.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("../../escape/MAL-2025-47604.json", real)
    z.writestr("/etc/cairn-escape.json", real)
    z.writestr("x\x1b]0;owned\x07.json", real)
zeros = b" " * (64 << 20)
with zipfile.ZipFile("bomb-honest.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb.json", zeros)
    z.writestr("MAL-2025-47604.json", real)
# the same member with its sizes in both headers rewritten to 100 bytes
with zipfile.ZipFile("bomb-liar.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb.json", zeros)
    z.writestr("MAL-2025-47604.json", real)
b = bytearray(open("bomb-liar.zip", "rb").read())
size = (64 << 20).to_bytes(4, "little")
k = 0
while True:
    k = b.find(size, k)
    if k < 0:
        break
    b[k:k + 4] = (100).to_bytes(4, "little")
    k += 4
open("bomb-liar.zip", "wb").write(bytes(b))
# 100 members of 4 MiB each (each under the cap, together 400 times the zip)
four = b" " * (4 << 20)
with zipfile.ZipFile("bomb-many.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("MAL-2025-47604.json", real)
    for k in range(100):
        z.writestr("m%03d.json" % k, four)
PY

known() { # the K findings' titles, the advisory evidence, the set's detail
	jq -r '.findings[] | select(.id | startswith("CAIRN-K")) | .title,
		(.evidence[] | select(.source == "advisory") | "  advisory: \(.text | .[0:60]) [\(.text | length) chars]")' "$1"
	jq -r '.provenance.inputs[] | select(.role == "advisories") | "\(.file): \(.detail)"' "$1"
}

# folders: each hostile file is skipped and counted with its reason
for d in deep big events badutf8; do
	peak 80000 cairn-report --no-timestamp -s s.cairn --advisories "$d" -o "$d.json" -q
	echo "$d: exit $(cat rc.txt)"
	known "$d.json"
done
# the big file given alone: an error naming it
run cairn-report --no-timestamp -s s.cairn --advisories big/MAL-2099-0002.json -o x.json -q
[ ! -e x.json ] || fail "a report was written despite the error"
# 4000 events are evaluated; the 1 MB summary is cut, not lost
for d in events4k utf8; do
	run cairn-report --no-timestamp -s s.cairn --advisories "$d" -o "$d.json" -q
	known "$d.json"
done
jq -e '[.findings[] | select(.id == "CAIRN-K01") | .evidence[0].text] | .[0] | length > 500' \
	utf8.json > /dev/null || fail "the cut summary is not in the finding"

# zips
run cairn-report --no-timestamp -s s.cairn --advisories slip.zip -o slip.json -q
known slip.json
if [ -e ../escape ] || [ -e ../../escape ] || [ -e /etc/cairn-escape.json ]; then
	fail "a zip member was written out"
fi
peak 80000 cairn-report --no-timestamp -s s.cairn --advisories bomb-honest.zip -o bh.json -q
echo "bomb-honest: exit $(cat rc.txt)"
known bh.json
peak 80000 cairn-report --no-timestamp -s s.cairn --advisories bomb-liar.zip -o bl.json -q
echo "bomb-liar: exit $(cat rc.txt)"
known bl.json
peak 80000 cairn-report --no-timestamp -s s.cairn --advisories bomb-many.zip -o bm.json -q
echo "bomb-many: exit $(cat rc.txt)"
cat err.txt
[ ! -e bm.json ] || fail "a report was written despite the zip bomb"
# cairn-diff --findings reads the same way
fixture_copy "$K/host" old
rm -rf old/app/node_modules/postmark-mcp
cairn-snap -q --env-key env.key old -o old.cairn
run cairn-diff --fail-on critical -q --advisories bomb-many.zip old.cairn s.cairn

# indicator lists: 1,000,000 lines (250,000 of each of four kinds, then the
# one that matches), and the same with a bad last line
python3 - <<'PY'
import hashlib
with open("many.txt", "w") as f:
    f.write("# 1,000,000 indicators\n")
    for i in range(250000):
        f.write("host:h%d.evil.test\n" % i)
        f.write("sha256:%s\tnote %d\n" % (hashlib.sha256(b"%d" % i).hexdigest(), i))
        f.write("npm:pkg-%d@1.0.%d\n" % (i, i))
        f.write("ip:10.%d.%d.0/24\n" % (i >> 8 & 255, i & 255))
    f.write("npm:postmark-mcp@1.0.16\n")
PY
cp many.txt many-bad.txt
printf 'npm:left-pad@latest\n' >> many-bad.txt
printf 'host:a.test\nhost:b\000c.test\n' > nul.txt
peak 300000 cairn-report --no-timestamp -s s.cairn --ioc many.txt -o many.json -q
echo "many: exit $(cat rc.txt)"
jq -r '.findings[] | select(.id == "CAIRN-K03") | .title' many.json
jq -c '.known.indicators' many.json
run cairn-report --no-timestamp -s s.cairn --ioc many-bad.txt -o x.json -q
run cairn-report --no-timestamp -s s.cairn --ioc nul.txt -o x.json -q
[ ! -e x.json ] || fail "a report was written despite a bad indicator list"
