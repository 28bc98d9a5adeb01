#!/bin/sh
# This machine's own Python site-packages: cairn's RECORD verification must
# agree exactly with an independent check written in Python (hashlib, csv)
# on which listed files are modified or missing, per distribution.
# Skips when python3 has no site-packages with dist-info folders.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
site=$(python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || true)
if [ -z "$site" ] || ! ls "$site" | grep -q '\.dist-info$'; then
	skip "python3 has no site-packages with dist-info folders"
fi
echo "site-packages: $site"
cairn-snap -q -o s.cairn "$site" || test $? -eq 1
zstd -dcq s.cairn | jq -r 'select(.type == "package" and .ecosystem == "pypi")
	| .path as $p | (.files.modified[] | "\($p) modified \(.)"), (.files.missing[] | "\($p) missing \(.)")' |
	LC_ALL=C sort > cairn.txt
python3 - "$site" <<'PY' | LC_ALL=C sort > python.txt
import base64, csv, hashlib, os, sys
site = sys.argv[1]
for d in sorted(os.listdir(site)):
    rec = os.path.join(site, d, "RECORD")
    if not d.endswith(".dist-info") or not os.path.isfile(rec):
        continue
    with open(rec, newline="") as f:
        for row in csv.reader(f):
            if len(row) != 3:
                continue
            path, h, size = row
            full = os.path.normpath(os.path.join(site, path))
            if not full.startswith(site + os.sep):
                continue            # outside the snapshot root: not checked
            if os.path.islink(full):         # cairn never follows links
                print(f"{d} modified {path}")
                continue
            if not os.path.exists(full):
                print(f"{d} missing {path}")
                continue
            if not h.startswith("sha256="):
                continue
            data = open(full, "rb").read()
            want = base64.urlsafe_b64decode(h[7:] + "=" * (-len(h[7:]) % 4))
            if hashlib.sha256(data).digest() != want or (size and int(size) != len(data)):
                print(f"{d} modified {path}")
PY
echo "cairn: $(wc -l < cairn.txt) findings; python: $(wc -l < python.txt)"
cat cairn.txt
diff python.txt cairn.txt
test "$(zstd -dcq s.cairn | jq -c 'select(.type == "package" and .ecosystem == "pypi")' | wc -l)" -gt 0
