#!/bin/sh
# A hostile tree of 3,000 tiny npm workspace members (a package.json
# each, named by the root's "workspaces" glob).  The snapshot stays
# linear in the members: the root's record lists every member's name
# once, a member's record only the members it declares a dependency on
# (docs/RECORDS.md, Workspaces).  When every member's record repeated the
# whole list, this tree's snapshot was 84 MB of NDJSON (20,000 members:
# 3.7 GB); it is 3.1 MB, under 2 KiB a member.  CAIRN-P01 still tells a
# dependency on a sibling ("w00000": "*", the root's "w02999": "*") from
# an unpinned one on a name no member has ("w99999": "*").
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need python3 python3
python3 - 3000 w <<'PY'
import json, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
root = {"name": "root", "version": "1.0.0", "private": True, "workspaces": ["packages/*"],
        "dependencies": {"w%05d" % (n - 1): "*"}}
with open(out + "/package.json", "w") as f:
    json.dump(root, f)
for i in range(n):
    d = out + "/packages/w%05d" % i
    os.makedirs(d)
    deps = {"w%05d" % (i - 1): "*"} if i else {"w99999": "*"}
    with open(d + "/package.json", "w") as f:
        json.dump({"name": "w%05d" % i, "version": "1.0.0", "dependencies": deps}, f)
PY
peak 200000 cairn-snap -q --no-npm-cache -o w.cairn w
echo "cairn-snap: exit $(cat rc.txt)"
cat out.txt
cat err.txt >&2
bytes=$(zstd -dcq w.cairn | wc -c)
[ "$bytes" -le $((3000 * 2048)) ] ||
	fail "3000 members: snapshot of $bytes bytes uncompressed, over 2 KiB a member"
echo "snapshot under 2 KiB a member"
zstd -dcq w.cairn | jq -c 'select(.type == "npm_project") | [.project, .workspace_root,
	(.workspace_members | length), (.workspace_packages | length), .workspace_packages[:2]]' |
	sed -n '1,3p;$p'
zstd -dcq w.cairn | jq -c 'select(.type == "npm_project") | .workspace_packages | length' |
	sort -n | uniq -c
run cairn-report --snapshot w.cairn --format json --no-timestamp -o r.json
jq -c '.findings[] | [.rule, .severity, .title]' r.json
