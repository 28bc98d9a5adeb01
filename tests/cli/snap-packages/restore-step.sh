#!/bin/sh
# A P10 finding on a package that npm did not install names the command
# that puts its files back, not npm ci: dpkg -V and apt-get install
# --reinstall for a Debian package (fixture tests/fixtures/packages/pip-dpkg,
# checked against its own dpkg database), pip install --force-reinstall for
# a pip distribution (a dist-info made here with a real RECORD).  A name a
# shell would read otherwise gets no command.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
fx=$CAIRN_SRC/tests/fixtures/packages/pip-dpkg
site=usr/lib/python3/dist-packages

# steps FILE: the P10 findings' commands, one "name: command" a line
steps() {
	rc=0
	cairn-report --snapshot "$1" --format json --no-timestamp -o "$1.json" || rc=$?
	[ "$rc" = 1 ] || fail "$1: cairn-report exit $rc"
	jq -r '.findings[] | select(.id == "CAIRN-P10") | (.evidence[0].package) + ": " +
		([.evidence[] | select(.detail == "to put back the packaged files, once the evidence is kept") | .text] | join(" | "))' \
		"$1.json"
}

# a Debian package
cp -a "$fx" deb
printf 'x\n' >> "deb/$site/six.py"
CAIRN_DPKG_ROOT=$PWD/deb cairn-snap -q -o deb.cairn "deb/$site"
steps deb.cairn > got
echo 'six: dpkg -V python3-six; apt-get install --reinstall python3-six' > want
diff -u want got || fail "Debian package"

# pip distributions: one plain, one whose name a shell would read
mkdir -p pip/site
for d in "good 1.0" "ev\$(id);x 2.0"; do
	n=${d% *} v=${d#* }
	di="pip/site/$(echo "$n" | tr -c 'a-z0-9.\n' _)-$v.dist-info"
	mod="pip/site/$(echo "$n" | tr -c 'a-z0-9.\n' _).py"
	mkdir -p "$di"
	printf 'x = 1\n' > "$mod"
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$n" "$v" > "$di/METADATA"
	printf 'pip\n' > "$di/INSTALLER"
	h=$(openssl dgst -sha256 -binary "$mod" | base64 | tr '+/' '-_' | tr -d '=')
	printf '%s,sha256=%s,6\n%s/METADATA,,\n%s/INSTALLER,,\n%s/RECORD,,\n' "${mod#pip/site/}" "$h" \
		"${di#pip/site/}" "${di#pip/site/}" "${di#pip/site/}" > "$di/RECORD"
	printf 'y = 2\n' > "$mod"
done
cairn-snap -q -o pip.cairn pip
steps pip.cairn | LC_ALL=C sort > got
printf '%s\n' 'ev$(id);x: ' 'good: pip install --force-reinstall --no-deps good==1.0' > want
diff -u want got || fail "pip distributions"
exit 0
