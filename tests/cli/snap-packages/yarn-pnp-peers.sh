#!/bin/sh
# Which of a yarn PnP package's dependencies are peers (required_by's
# section "peerDependencies") comes from its packagePeers, whatever their
# order, a name that is not a string left out.  The names are sorted once
# and looked up: each dependency scanned them all, quadratic in a hostile
# .pnp.data.json (20000 dependencies and 20000 peers: 6.9 s, now 0.1 s;
# here 5000 of each).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages"
fixture_copy "$fx/berry-pnp-ws" w
mkdir -p w/.yarn/cache
cp "$fx"/berry-cache/*.zip w/.yarn/cache/
# debug's virtual instance takes ms as a peer, among names in no order,
# a number, and 5000 more dependencies (aliases of ms) and peers
jq -c '(.packageRegistryData[] | select(.[0] == "debug") | .[1][] |
	select(.[0] | startswith("virtual:")) | .[1]) |= (.packagePeers = (["zzz", 7, "ms", "aaa"] +
	[range(5000) | "p\(.)"]) | .packageDependencies += [range(5000) | ["x\(.)", ["ms", "npm:2.1.2"]]])' \
	"$fx/berry-pnp-ws/.pnp.data.json" > w/.pnp.data.json
run cairn-snap -q -o w.cairn w
zstd -dcq w.cairn | jq -c 'select(.type == "package") | [.path, .flags, (.required_by | length),
	(.required_by | map(select(.from | startswith("debug@"))) | map(.section) | unique)]'
