#!/bin/sh
# CAIRN-D06 says what changed in a persistence place, not only that the
# file changed: cairn-snap records the registries and tokens of .npmrc,
# .yarnrc.yml and pip.conf (registry_config: URLs without their
# user:password, token values only as keyed HMACs) and the tasks of
# .vscode/tasks.json (vscode_task, JSONC with comments and trailing
# commas), so the finding reads "registry changed", "token added",
# "folder-open task added".  No token or password is in a snapshot or a
# report; a tasks.json edit that adds no folder-open task stays the
# file-level medium item.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
# a fixed key, so that the HMACs shown are the same every run
printf '%032d' 7 > k
chmod 600 k
mkdir -p a/.vscode
printf 'registry=https://registry.npmjs.org/\nsave-exact=true\n' > a/.npmrc
cat > a/.vscode/tasks.json <<'J'
{
  // build tasks
  "version": "2.0.0",
  "tasks": [
    { "label": "build", "type": "shell", "command": "npm run build", },
  ],
}
J
printf '[global]\nindex-url = https://pypi.org/simple\n' > a/pip.conf
printf 'nodeLinker: node-modules\n' > a/.yarnrc.yml
cp -a a b
cp -a a c
printf 'registry=https://registry.evil-mirror.example/\n//registry.evil-mirror.example/:_authToken=npm_SECRETSECRETSECRET\nsave-exact=true\n' > b/.npmrc
cat > b/.vscode/tasks.json <<'J'
{
  "version": "2.0.0",
  "tasks": [
    { "label": "build", "type": "shell", "command": "npm run build" },
    { "label": "setup", "type": "shell", "command": "node", "args": [".vscode/setup.js"],
      "runOptions": { "runOn": "folderOpen" } }
  ]
}
J
printf '[global]\nindex-url = https://user:hunter2pass@pypi.evil.example/simple\nextra-index-url =\n    https://pypi.org/simple\n' > b/pip.conf
printf 'nodeLinker: node-modules\nnpmAuthToken: "yarn-SECRET-token-value"\nnpmScopes:\n  acme:\n    npmRegistryServer: "https://npm.acme.example"\n' > b/.yarnrc.yml
# c: only a task that does not run on folder open
sed -i 's|"npm run build", },|"npm run build", },\n    { "label": "test", "type": "shell", "command": "npm test" },|' c/.vscode/tasks.json
for t in a b c; do
	cairn-snap -q --env-key k -o $t.cairn $t
done
zstd -dcq b.cairn | jq -c 'select(.type == "registry_config" or .type == "vscode_task" or .type == "parse_error")'
findings() {
	_rc=0
	cairn-diff --findings --json "$@" > f.json || _rc=$?
	jq -r '.findings[] | "\(.severity) \(.id) \(.title)",
		(.evidence[] | "  \(.file): \(.detail)" + (if .text then " [\(.text)]" else "" end))' f.json
	return $_rc
}
run findings a.cairn b.cairn
run findings a.cairn c.cairn
for f in a.cairn b.cairn c.cairn f.json; do
	if zstd -dcqf "$f" | grep -q 'SECRET\|hunter2'; then fail "$f holds a token in clear"; fi
done
run cairn-report --no-timestamp --baseline a.cairn --snapshot b.cairn --format json -o r.json
if grep -q 'SECRET\|hunter2' r.json; then fail "the report holds a token in clear"; fi
