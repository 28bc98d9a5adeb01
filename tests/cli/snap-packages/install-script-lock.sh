#!/bin/sh
# install_script_not_in_lock: an installed package with an install script
# the lockfile does not record (a postinstall added after the lock was
# made) is flagged only where the lockfile format records install scripts:
# npm lockfile v2/v3 (hasInstallScript), pnpm before lockfile 9
# (requiresBuild).  pnpm 9/10, yarn and bun locks record none, so a built
# package there is not flagged (snap-packages/pnpm-side-effects).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq
need zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
flags() {
	zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .flags, .has_install_script, .lock_has_install_script]'
}
fixture_copy "$fx/npm-v3" app
cairn-snap -q --no-npm-cache -o a.cairn app
echo "npm v3, as installed:"
flags a.cairn
# ms gains a postinstall after the lock was made
jq '.scripts = {"postinstall": "node steal.js"}' app/node_modules/ms/package.json > p.json
mv p.json app/node_modules/ms/package.json
cairn-snap -q --no-npm-cache -o b.cairn app
echo "npm v3, ms with a postinstall the lock does not record:"
flags b.cairn
