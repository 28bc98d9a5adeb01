#!/bin/sh
# Regenerate tests/fixtures/packages/npm-workspaces with the real npm
# (network: the npm registry):
#  - npm-workspaces: a root with "workspaces": ["packages/*"], members a
#    (depends on debug) and b (depends on the member a with "*", ms and
#    is-number), installed with npm install at the root: one
#    package-lock.json covers the members (packages["packages/a"], links
#    node_modules/a -> ../packages/a).
#   sh tests/tools/npm-ws-fixtures.sh [SCRATCH]     (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/npm.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
fx="$src/tests/fixtures/packages"
mkdir -p "$scratch"

ws="$fx/npm-workspaces"
rm -rf "$ws"
mkdir -p "$ws/packages/a" "$ws/packages/b"
echo '{"name":"ws-root","version":"1.0.0","private":true,"workspaces":["packages/*"],"dependencies":{"a":"*"}}' > "$ws/package.json"
echo '{"name":"a","version":"1.0.0","dependencies":{"debug":"4.3.4"}}' > "$ws/packages/a/package.json"
echo '{"name":"b","version":"1.0.0","dependencies":{"a":"*","ms":"2.1.3","is-number":"7.0.0"}}' > "$ws/packages/b/package.json"
(cd "$ws" && npm install --cache "$scratch/wscache" --no-audit --no-fund --silent)

echo "fixtures in $fx"
