#!/bin/sh
# A distribution is related to a lock entry by its PEP 503 name, as pip
# compares them (packaging's canonicalize_name:
# re.sub(r"[-_.]+", "-", name).lower()): an installed "EXAMPLE" is the
# locked "example"; "_example_" is not (it normalises to "-example-": a
# leading or trailing separator is part of the name), so that installed
# distribution is not locked and the locked "example" is missing.  (The
# METADATA edited no longer has the bytes its RECORD row says: record_mismatch.)
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
pkgs() {
	zstd -dcq "$1" | jq -c 'select(.type == "package" and (.path | test("^example")))
		| [.path, .name, .version, .locked_version, .flags]'
}
pylock_fixture pylock-pipenv p
meta=p/.venv/lib/python3.11/site-packages/example-21.12.dist-info/METADATA
for name in EXAMPLE _example_; do
	sed -i "s/^Name: .*/Name: $name/" "$meta"
	run cairn-snap -q --no-pip-cache -o "$name.cairn" p
	pkgs "$name.cairn"
done
