#!/bin/sh
# A hostile yarn Plug'n'Play workspace: the real yarn 4 install of
# tests/fixtures/packages/berry-pnp-ws (tests/tools/yarn-pnp-fixture.sh)
# with 1,000 more entries in its yarn.lock and 600 more member folders
# named by its "workspaces" glob.  A by-name lockfile (yarn's, left
# unbound under PnP) is the whole of every member's share: each member
# held a copy of it, memory quadratic (this tree: 221 MB; 2,000 members
# of a 2,000-entry lockfile: 1.4 GB); now the members share one copy
# (19 MB), and a member that installs nothing borrows it unbound (a copy
# bound for each member filled ASan's quarantine: 469 MB under make
# asan).  Peak RSS is bounded; the records are unchanged.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need python3 python3
fixture_copy "$CAIRN_SRC/tests/fixtures/packages/berry-pnp-ws" ws
python3 - 600 1000 ws <<'PY'
import os, sys
n, nl, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(out + "/yarn.lock", "a") as f:
    for i in range(nl):
        f.write('\n"pad%05d@npm:1.0.0":\n  version: 1.0.0\n  resolution: "pad%05d@npm:1.0.0"\n'
                '  checksum: 10c0/%0128x\n  languageName: node\n  linkType: hard\n' % (i, i, i))
for i in range(n):
    d = out + "/packages/m%05d" % i
    os.makedirs(d)
    with open(d + "/package.json", "w") as f:
        f.write('{"name":"m%05d","version":"1.0.0","dependencies":{"m%05d":"*"}}' % (i, (i + 1) % n))
PY
# (80 MB: under ASan, four times that holds its quarantine of freed
# blocks, which the 600 member passes fill)
peak 80000 cairn-snap -q --no-npm-cache -o ws.cairn ws
echo "cairn-snap: exit $(cat rc.txt)"
cat out.txt
cat err.txt >&2
zstd -dcq ws.cairn | jq -c 'select(.type == "npm_project") | [.project, .manager, .lockfile, .workspace_root,
	.lock_entries, .installed, (.workspace_members | length), (.workspace_packages | length)]' | sed -n '1,3p;$p'
zstd -dcq ws.cairn | jq -c 'select(.type == "npm_project") | [.manager, .lockfile, .lock_entries, .installed]' |
	sort | uniq -c
zstd -dcq ws.cairn | jq -c 'select(.type == "package") | [.project, .flags]' | sort | uniq -c
run cairn-report --snapshot ws.cairn --format json --no-timestamp -o r.json
jq -c '.findings[] | [.rule, .severity, .title]' r.json
