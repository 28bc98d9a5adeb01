#!/bin/sh
# Every kind of npm package record (installed, link, yarn PnP, locked but
# not installed) has the fields docs/RECORDS.md lists, in its order, built
# by one constructor: the field order of each kind (byte-identical
# snapshots depend on it) and the fields it takes from the lockfile entry,
# on real installs (npm/cli's arborist fixtures, yarn 4 PnP).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
kind='(if (.flags | index("link")) then "link" elif (.flags | index("pnp")) then "pnp"
	elif (.flags | index("locked_missing")) then "locked_missing" else "installed" end)'
for f in npm-arborist berry-pnp; do
	fixture_copy "$fx/$f" "$f"
	run cairn-snap -q --no-npm-cache -o "$f.cairn" "$f"
	echo "field order by kind:"
	zstd -dcq "$f.cairn" | jq -r "select(.type == \"package\") | $kind + \" \" +
		([keys_unsorted[]] | join(\",\"))" | sort -u
	echo "lockfile fields (kind, path, lockfile, locked_version, dev, optional, peer,"
	echo "lock_has_install_script, declared_in, file_count):"
	zstd -dcq "$f.cairn" | jq -c "select(.type == \"package\") | [$kind, .project, .path,
		.lockfile, .locked_version, .dev, .optional, .peer, .lock_has_install_script,
		.declared_in, .file_count]" | sort
done
