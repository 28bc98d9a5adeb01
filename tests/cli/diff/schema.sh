#!/bin/sh
# Every --json document cairn-diff writes (snapshot, git, history) validates
# against docs/diff-schema.json (python3-jsonschema, from scripts/deps.sh).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need_py jsonschema python3-jsonschema
export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.org GIT_COMMITTER_NAME=A
export GIT_COMMITTER_EMAIL=a@example.org GIT_CONFIG_NOSYSTEM=1 HOME=$PWD

"$CAIRN_TOOLS/gen-snapshot" --entries 2000 a.cairn
"$CAIRN_TOOLS/gen-snapshot" --entries 2000 --variant 1 --every 10 b.cairn
set +e
cairn-diff --json a.cairn b.cairn > snapshot.json
cairn-diff --json --findings a.cairn b.cairn > findings.json
set -e
git init -q repo
printf '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}' > repo/package-lock.json
printf 'x\n' > repo/f
git -C repo add -A && git -C repo commit -qm one
printf '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.1"}}}' > repo/package-lock.json
git -C repo commit -qam two
printf 'y\n' > repo/g
set +e
cairn-diff --json --git repo repo > git.json
cairn-diff --json --git repo --history package-lock.json > history.json
set -e
for f in snapshot findings git history; do
	jq -e '.format == "cairn-diff" and .version == 1 and (.mode | type) == "string"' $f.json \
		> /dev/null || fail "$f.json: not a cairn-diff document"
done
python3 - "$CAIRN_SRC/docs/diff-schema.json" snapshot.json findings.json git.json history.json <<'PY' ||
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
PY
	fail "a document does not match docs/diff-schema.json"
echo ok
