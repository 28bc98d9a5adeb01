#!/bin/sh
# Runs every end-to-end script tests/cli/<tool>/<case>.sh.  Each script gets
# CAIRN_BIN (binaries), CAIRN_SRC (source tree), CAIRN_TOOLS (test helpers),
# and a private scratch directory in TMPDIR; it exits 0 on success.
# Prints one line per case and the closing "N passed, N failed".
set -u
: "${CAIRN_SRC:?}" "${CAIRN_BIN:?}"
export CAIRN_SRC CAIRN_BIN CAIRN_TOOLS
export PATH="$CAIRN_BIN:$PATH"
export LC_ALL=C TZ=UTC
# The schema checks need python3's jsonschema module; Debian's package puts
# it under /usr/bin/python3, which a pyenv python3 earlier on PATH hides.
if ! python3 -c 'import jsonschema' 2>/dev/null &&
   /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	pybin=$(mktemp -d "${TMPDIR:-/tmp}/cairn-py.XXXXXX")
	ln -s /usr/bin/python3 "$pybin/python3"
	export PATH="$pybin:$PATH"
fi
pass=0
fail=0
failed=""
for t in "$CAIRN_SRC"/tests/cli/*/*.sh; do
	[ -f "$t" ] || continue
	name=${t#"$CAIRN_SRC"/tests/cli/}
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/cairn-cli.XXXXXX")
	# a private HOME: nothing a test does (env keys, per-user MCP configs)
	# reads or writes the real one
	mkdir -p "$scratch/.home"
	if (cd "$scratch" && HOME="$scratch/.home" TMPDIR="$scratch" sh "$t") >"$scratch.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name"
		sed 's/^/     | /' "$scratch.log" | tail -n 40
	fi
	chmod -R u+rwx "$scratch" 2>/dev/null
	rm -rf "$scratch" "$scratch.log"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
