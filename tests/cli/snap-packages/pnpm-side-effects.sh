#!/bin/sh
# Install scripts whose output pnpm's store records (tests/tools/
# pnpm-fixtures.sh: dtrace-provider, whose install runs node-gyp and leaves
# build/ behind), made by the real pnpm 9 (the whole file map after the
# build) and pnpm 10 (what the build added): the build's files are the
# store's "sideEffects", not files added after install; a build file
# changed afterwards is modified, a file the build did not write is added.
# Of the recorded builds only one is taken, and it is named
# (side_effects_build): pnpm imports a build only on the platform and arch
# its key names, so a build keyed for another platform accepts nothing,
# and of this host's builds the one whose dependency hash (pnpm 10's
# ";deps=", pnpm 9's hex; computed from the lockfile as
# @pnpm/calc-dep-state does) is the install's, else the one that accounts
# for the most installed files, is taken (side_effects_build_by); files
# only another build recorded are added.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
dp=node_modules/.pnpm/dtrace-provider@0.8.8/node_modules/dtrace-provider
rec() {
	zstd -dcq "$1" | jq -c --arg p "$dp" 'select(.type == "package" and .path == $p) | [.flags,
		.files.status, .files.matching, .files.side_effects, .files.modified, .files.added,
		.files.missing, .coverage.verified, .files.side_effects_build, .files.side_effects_build_by]'
}
need python3 python3
sri() { python3 -c 'import sys,hashlib,base64; print("sha512-" + base64.b64encode(hashlib.sha512(sys.stdin.buffer.read()).digest()).decode())'; }
# the store with one more build, keyed KEY, that recorded
# build/dropped.js: alone (MODE only), or beside everything the real
# build recorded (MODE all); pnpm 10's "added", pnpm 9's whole file map
store_plus() {   # store_plus V KEY MODE DEST
	rm -rf "$4"
	cp -r "$fx/pnpm-se$1-store" "$4"
	idx=$(find "$4" -name '*.json' -path '*6f*')
	i=$(printf 'x\n' | sri)
	jq -c --arg k "$2" --arg m "$3" --arg i "$i" '.sideEffects |= (. + {($k): (
		(to_entries[0].value) as $b | {"build/dropped.js": {integrity: $i, mode: 420, size: 2}} as $d |
		if ($b | has("added")) then {added: ((if $m == "all" then $b.added else {} end) + $d)}
		else ((if $m == "all" then $b else {} end) + $d) end)})' "$idx" > "$idx.new"
	mv "$idx.new" "$idx"
}
for v in 9 10; do
	fixture_copy "$fx/pnpm-se$v" p$v
	run cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se$v-store" -o ok$v.cairn p$v
	rec ok$v.cairn
	printf '# changed\n' >> "p$v/$dp/build/config.gypi"
	printf 'x\n' > "p$v/$dp/build/dropped.js"
	run cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se$v-store" -o bad$v.cairn p$v
	rec bad$v.cairn
	# a build for another platform recorded the dropped file and all the
	# rest: pnpm would not import it here
	if [ "$v" = 9 ]; then k=darwin-arm64-node-v20-0123456789abcdef0123456789abcdef01234567
	else k='darwin;arm64;node20;deps=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; fi
	store_plus "$v" "$k" all other$v
	run cairn-snap -q --no-npm-cache --pnpm-store other$v -o other$v.cairn p$v
	rec other$v.cairn
	# a second build for this host (another Node) recorded only the
	# dropped file: the builds are not mixed, the one that accounts for
	# the install is taken, the dropped file stays added
	if [ "$v" = 9 ]; then k=linux-x64-node-v18-0123456789abcdef0123456789abcdef01234567
	else k='linux;x64;node18;deps=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; fi
	store_plus "$v" "$k" only two$v
	run cairn-snap -q --no-npm-cache --pnpm-store two$v -o two$v.cairn p$v
	rec two$v.cairn
	# that second build recorded everything the real one did and the
	# dropped file: the key carries the dependency hash (pnpm 10's deps=,
	# pnpm 9's hex), computed from the lockfile, so the real build is
	# still taken (deps_hash) and the dropped file stays added
	store_plus "$v" "$k" all sup$v
	run cairn-snap -q --no-npm-cache --pnpm-store sup$v -o sup$v.cairn p$v
	rec sup$v.cairn
done
# a lockfile whose packages each depend on the next two, 24 levels deep:
# pnpm 9's dependency state nests every child's whole state, so it would
# double at every level (about 2 GB here, terabytes at 40); the state is
# given up past its budget, the build is taken by the files it accounts
# for, and memory stays bounded
for v in 9 10; do
	fixture_copy "$fx/pnpm-se$v" deep$v
	python3 - deep$v/node_modules/.pnpm/lock.yaml <<'PY'
import sys
p, L = sys.argv[1], 24
s = open(p).read()
kids = "".join("      %s0: 1.0.0\n" % x for x in "nm")
s = s.replace("      nan: 2.30.0\n", "      nan: 2.30.0\n" + kids, 1)
for i in range(L):
    for x in "nm":
        s += "\n  %s%d@1.0.0:\n    dependencies:\n" % (x, i)
        if i + 1 < L:
            s += "".join("      %s%d: 1.0.0\n" % (y, i + 1) for y in "nm")
        else:
            s += "      nan: 2.30.0\n"
open(p, "w").write(s)
PY
	cp deep$v/node_modules/.pnpm/lock.yaml deep$v/pnpm-lock.yaml
	peak 300000 cairn-snap -q --no-npm-cache --pnpm-store "$fx/pnpm-se$v-store" -o deep$v.cairn deep$v
	printf '$ cairn-snap (deep%s)\n[exit %s]\n' "$v" "$(cat rc.txt)"
	cat err.txt >&2
	rec deep$v.cairn
done
