#!/bin/sh
# A hostile npm tree of thousands of workspaces, each linking the one
# before it (the root links only the last: tree_reach follows the chain).
# Each member's share of the lockfile is found by bisection and sized to
# fit; it was an array of the whole lockfile's size per member, built by
# a scan of it (memory and time quadratic in the members: 4000 took
# 622 MB).  Peak RSS is bounded; the tree is made here.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need python3 python3
python3 - 1500 w <<'PY'
import json, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out + "/node_modules")
root = {"name": "root", "version": "1.0.0", "workspaces": ["packages/*"]}
with open(out + "/package.json", "w") as f:
    json.dump(root, f)
lock = {"name": "root", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {"": root}}
for i in range(n):
    nm = "w%05d" % i
    d = out + "/packages/" + nm
    os.makedirs(d + "/node_modules")
    deps = {}
    if i:
        prev = "w%05d" % (i - 1)
        deps[prev] = "*"
        os.symlink("../../" + prev, d + "/node_modules/" + prev)
    with open(d + "/package.json", "w") as f:
        json.dump({"name": nm, "version": "1.0.0", "dependencies": deps}, f)
    lock["packages"]["packages/" + nm] = {"name": nm, "version": "1.0.0", "dependencies": deps}
    lock["packages"]["node_modules/" + nm] = {"resolved": "packages/" + nm, "link": True}
os.symlink("../packages/w%05d" % (n - 1), out + "/node_modules/w%05d" % (n - 1))
with open(out + "/package-lock.json", "w") as f:
    json.dump(lock, f)
PY
# peak RSS (tests/cli/lib.sh): 1500 members took 243 MB before, 34 MB after
peak 100000 cairn-snap -q --no-npm-cache -o w.cairn w
echo "exit $(cat rc.txt)"
cat out.txt
cat err.txt >&2
zstd -dcq w.cairn | jq -c 'select(.type == "package") | .flags' | sort | uniq -c
