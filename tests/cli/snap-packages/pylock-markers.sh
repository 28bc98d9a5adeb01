#!/bin/sh
# PEP 508 environment markers and development groups, evaluated for the
# site-packages being checked (python_version from the folder,
# python_full_version from pyvenv.cfg, the platform from the host).
# Real installs (tests/tools/pylock-markers-fixtures.sh): Debian's poetry
# 1.3 and pipenv of a project needing agent-plugin (which needs example if
# python_version >= '3.8', example2 if sys_platform == 'win32'), example2
# only on macOS and agent-devtool in its dev group, installed without it.
#  - example2 (markers false) and agent-devtool (dev) are not installed:
#    no finding (before: poetry 1.3's lock has no markers, and example2 was
#    a CAIRN-P09 "locked_missing").
#  - example removed (markers true): CAIRN-P09 names it with the markers
#    that make it required (before: nothing for pipenv, whose entry has
#    markers and was never reported).
#  - the same venv as a Python 3.7 one: example is not expected, no finding.
#  - poetry.lock without its pyproject.toml: not evaluated, with the reason.
# Then the whole real uv.lock of mcp-server-fetch beside a venv made now by
# python3 -m venv: what uv would install here, checked against an
# independent walk with Python's tomllib and the marker evaluator pip
# uses (packaging, Debian's python3-packaging), and CAIRN-P09 for the 43
# required distributions not there.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.name, .flags, .expected, .markers,
		.optional, .coverage.verified]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp |
		jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
p09() {
	cairn-report --snapshot "$1" --format json --no-timestamp |
		jq -c '.findings[] | select(.id == "CAIRN-P09") | .evidence[] | [.file, .package, .detail]'
}
for m in poetry pipenv; do
	fixture_copy "$fx/pylock-markers/$m" "$m"
	run cairn-snap -q --pip-cache "$fx/pylock-wheels" -o "$m.cairn" "$m"
	pkgs "$m.cairn"
	zstd -dcq "$m.cairn" | jq -c 'select(.type == "package" and .locked_version != null) |
		[.name, .expected_detail]'
	findings "$m.cairn"
	# a required distribution missing
	rm -r "$m/.venv/lib/python3.11/site-packages/example" \
		"$m/.venv/lib/python3.11/site-packages/example-21.12.dist-info"
	run cairn-snap -q --pip-cache "$fx/pylock-wheels" -o "$m-gone.cairn" "$m"
	findings "$m-gone.cairn"
	p09 "$m-gone.cairn"
	# the same venv, as Python 3.7 made it: example is not for it
	mv "$m/.venv/lib/python3.11" "$m/.venv/lib/python3.7"
	sed -i 's/^version_info = .*/version_info = 3.7.17.final.0/' "$m/.venv/pyvenv.cfg"
	run cairn-snap -q -o "$m-37.cairn" "$m"
	zstd -dcq "$m-37.cairn" | jq -c 'select(.type == "package" and .name == "example") |
		[.flags, .expected, .expected_detail]'
	findings "$m-37.cairn"
done
# poetry.lock without the pyproject.toml it was locked from
rm poetry/pyproject.toml
run cairn-snap -q -o np.cairn poetry
zstd -dcq np.cairn | jq -c 'select(.type == "package") | [.name, .expected, .expected_detail]'
findings np.cairn

# uv.lock (mcp-server-fetch, whole) beside a fresh venv
/usr/bin/python3 -m venv --help >/dev/null 2>&1 || skip "python3-venv missing (sh scripts/deps.sh)"
/usr/bin/python3 -c 'import packaging.markers' 2>/dev/null ||
	{ echo "skip: python3-packaging missing (sh scripts/deps.sh)"; exit 78; }
mkdir uvp
cp "$fx/pylock-real/mcp-server-fetch-whole.uv.lock" uvp/uv.lock
/usr/bin/python3 -m venv uvp/.venv || fail "python3 -m venv"
run cairn-snap -q -o uv.cairn uvp
zstd -dcq uv.cairn | jq -r 'select(.type == "package" and .locked_version != null) | .expected' |
	sort | uniq -c
zstd -dcq uv.cairn | jq -c 'select(.type == "package" and .expected != null and
	.expected != "required") | [.name, .expected, .markers]'
zstd -dcq uv.cairn | jq -r 'select(.type == "package" and .expected == "required") | .name' |
	sort > cairn-required
# the oracle: the same walk, markers evaluated by packaging
/usr/bin/python3 - uvp/uv.lock > py-required <<'PY' || fail "oracle"
import sys, tomllib
from packaging.markers import Marker
lock = tomllib.load(open(sys.argv[1], "rb"))
pk = {p["name"]: p for p in lock["package"]}
root = [p for p in lock["package"] if p["source"].get("editable") == "."][0]
todo, req = [(root["name"], None)], set()
while todo:
    name, extra = todo.pop()
    p = pk[name]
    edges = p.get("dependencies", []) if extra is None else p.get("optional-dependencies", {}).get(extra, [])
    for d in edges:
        if "marker" in d and not Marker(d["marker"]).evaluate():
            continue
        for e in d.get("extra", []):
            if (d["name"], e) not in req:
                req.add((d["name"], e)); todo.append((d["name"], e))
        if d["name"] not in req:
            req.add(d["name"]); todo.append((d["name"], None))
for n in sorted(r for r in req if isinstance(r, str)):
    print(n)
PY
if ! cmp -s cairn-required py-required; then
	diff cairn-required py-required
	fail "cairn and packaging disagree on what uv.lock requires here"
fi
echo "required, as packaging evaluates the markers: $(wc -l < py-required)"
findings uv.cairn
p09 uv.cairn | head -3
