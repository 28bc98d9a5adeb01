#!/bin/sh
# A global npm prefix whose packages a system package installed (Debian's
# nodejs puts corepack and npm into /usr/lib/node_modules): such a package
# is checked against dpkg's md5sums of the owning package, the way Debian's
# dist-packages are, never reported as a global install to verify with an
# npm cache, and a file changed there is a P10 whose step is dpkg -V and
# apt-get install --reinstall of that package.  npm upgraded over Debian's
# with npm install -g npm (its package.json not the one dpkg shipped) and a
# package npm install -g put there stay global installs.  Fixture
# tests/fixtures/packages/npm-dpkg (its NOTICE says where the files come
# from); CAIRN_DPKG_ROOT points cairn-snap at its dpkg database instead of
# this machine's.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
nm=usr/lib/node_modules

pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .version, .flags,
		.files.status, .files.authority, .files.system_package,
		(.files.source // "" | sub(".*/var/lib/dpkg/"; "DPKG/")), .files.matching,
		.files.modified, .files.added, .files.missing, .coverage.verified,
		.coverage.reason, (.coverage.detail // "" | sub("/[^ ]*/nonexistent"; "/nonexistent"))]'
}
# the report's findings, each with its evidence texts (steps, sources)
findings() {
	rc=0
	cairn-report --snapshot "$1" --format json --no-timestamp -o "$1.json" || rc=$?
	echo "cairn-report exit $rc"
	jq -c '.findings[] | [.id, .severity, .title],
		(.evidence[] | select(.text) | ["  ", .detail, (.text | sub(".*/var/lib/dpkg/"; "DPKG/"))])' "$1.json"
	# no step (evidence) of any finding is npm ci or a lockfile to commit
	jq -r '.findings[].evidence[].text // empty | select(test("npm ci|ommit a lockfile"))' "$1.json" |
		sed 's/^/wrong step: /'
}
fixture_copy "$fx/npm-dpkg" sys

echo "# as installed, no npm cache"
CAIRN_DPKG_ROOT=$PWD/sys run cairn-snap --no-npm-cache -o a.cairn "sys/$nm"
pkgs a.cairn
run findings a.cairn

echo "# with the npm cache that installed ms"
CAIRN_DPKG_ROOT=$PWD/sys run cairn-snap --npm-cache "$fx/npm-cache" -o b.cairn "sys/$nm"
pkgs b.cairn

echo "# the whole system root"
CAIRN_DPKG_ROOT=$PWD/sys run cairn-snap --no-npm-cache -q -o c.cairn sys
zstd -dcq c.cairn | jq -c 'select(.type == "package") | [.project, .path, .coverage.verified, .coverage.reason]'

echo "# tampered: a launcher changed, one removed, one file dropped in"
cp -a sys t
printf '\nrequire("child_process").exec("curl evil");\n' >> "t/$nm/corepack/dist/npm.js"
rm "t/$nm/corepack/shims/npx"
printf 'x\n' > "t/$nm/corepack/dist/evil.js"
CAIRN_DPKG_ROOT=$PWD/t run cairn-snap --no-npm-cache -q -o t.cairn "t/$nm"
pkgs t.cairn
run findings t.cairn

echo "# no md5sums for nodejs"
cp -a sys n
rm n/var/lib/dpkg/info/nodejs.md5sums
CAIRN_DPKG_ROOT=$PWD/n run cairn-snap --no-npm-cache -o n.cairn "n/$nm"
pkgs n.cairn

echo "# no dpkg database"
CAIRN_DPKG_ROOT=/nonexistent run cairn-snap --no-npm-cache -o x.cairn "sys/$nm"
pkgs x.cairn
run findings x.cairn
