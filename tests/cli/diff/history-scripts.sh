#!/bin/sh
# --history of a lockfile names install scripts: a release that gains
# hasInstallScript, and a new entry that has it, are red flags beside the
# version change, in text and JSON (the lockfiles are npm's own, from
# samples/good and samples/compromised: @acme/mcp-server 1.0.0 -> 1.0.1,
# which adds a postinstall).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need_py jsonschema python3-jsonschema
export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.org
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME=$PWD
S=$CAIRN_SRC/samples
pkg=node_modules/@acme/mcp-server

git init -q repo
cp "$S/good/package-lock.json" repo/package-lock.json
git -C repo add package-lock.json
git -C repo commit -qm 'lock 1.0.0'
cp "$S/compromised/package-lock.json" repo/package-lock.json
GIT_AUTHOR_NAME=Bob git -C repo commit -qam 'npm install: @acme/mcp-server 1.0.1'
# a new dependency that runs code at install
jq --indent 2 '.packages["node_modules/left-padder"] = {"version": "0.0.1",
	"resolved": "https://registry.npmjs.org/left-padder/-/left-padder-0.0.1.tgz",
	"integrity": "sha512-bGVmdA==", "hasInstallScript": true, "license": "MIT"}' \
	"$S/compromised/package-lock.json" > repo/package-lock.json
git -C repo commit -qam 'add left-padder'
# and back to 1.0.0: the script goes, not a red flag
cp "$S/good/package-lock.json" repo/package-lock.json
git -C repo commit -qam 'revert to 1.0.0'

rc=0
cairn-diff --git repo --history package-lock.json > h.out 2> h.err || rc=$?
[ "$rc" = 1 ] || fail "exit $rc"
[ ! -s h.err ] || fail "stderr: $(cat h.err)"
# commits newest first: revert, left-padder, 1.0.1, 1.0.0
grep -A1 -x '  npm install: @acme/mcp-server 1.0.1' h.out | grep -qx '  file modified, 2 package changes' ||
	fail "1.0.1 commit: $(cat h.out)"
grep -qx "    !! $pkg: install-script (hasInstallScript) at 1.0.1" h.out ||
	fail "install-script red flag: $(cat h.out)"
# beside the version change of the same entry
grep -A1 -x "       $pkg: version 1.0.0 -> 1.0.1" h.out | tail -n 1 |
	grep -qx "    !! $pkg: install-script (hasInstallScript) at 1.0.1" ||
	fail "install-script not beside the version change: $(cat h.out)"
grep -qx '       node_modules/left-padder: added (none) -> 0.0.1' h.out || fail "added entry: $(cat h.out)"
grep -qx '    !! node_modules/left-padder: install-script (hasInstallScript) at 0.0.1' h.out ||
	fail "new entry with an install script: $(cat h.out)"
grep -qx "       $pkg: install-script-removed (hasInstallScript) at 1.0.0" h.out ||
	fail "install script dropped: $(cat h.out)"
[ "$(grep -c '^    !! ' h.out)" = 2 ] || fail "red flags: $(grep '^    !! ' h.out)"

rc=0
cairn-diff --git repo --history package-lock.json --json > h.json || rc=$?
[ "$rc" = 1 ] || fail "--json exit $rc"
jq -e --arg k "$pkg" '(.commits | length) == 4 and
	[.commits[2].changes[] | select(.key == $k) | [.change, .old, .new, .red_flag]] ==
	  [["version", "1.0.0", "1.0.1", false],
	   ["install-script", "1.0.0", "1.0.1", true]]' h.json > /dev/null ||
	fail "JSON of the 1.0.1 commit: $(jq -c '.commits[2].changes' h.json)"
jq -e '[.commits[1].changes[] | select(.change == "install-script")] ==
	[{"key": "node_modules/left-padder", "change": "install-script", "old": null,
	  "new": "0.0.1", "red_flag": true}]' h.json > /dev/null ||
	fail "JSON of the new entry: $(jq -c '.commits[1].changes' h.json)"
jq -e '[.commits[0].changes[] | select(.change == "install-script-removed") | .red_flag] == [false]' h.json > /dev/null ||
	fail "JSON of the revert: $(jq -c '.commits[0].changes' h.json)"
python3 - "$CAIRN_SRC/docs/diff-schema.json" h.json <<'PY' ||
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
	fail "h.json does not match docs/diff-schema.json"
echo ok
