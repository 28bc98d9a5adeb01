#!/bin/sh
# A pnpm tree of many packages whose store index records builds
# (sideEffects): the dependency hash that picks each package's build is
# computed from the project's lockfile, which is read and parsed once for
# the whole tree.  It was re-read and re-parsed for every such package, so
# a hostile tree of N packages with builds cost N lockfile parses of N
# entries each (800: 4 s, 3200: over a minute).  Counted with strace:
# the lockfiles (node_modules/.pnpm/lock.yaml, pnpm-lock.yaml) are opened
# a few times for 100 packages, not once per package.  The tree and the
# store are made here (pnpm 10's ";deps=" keys, then pnpm 9's hex ones).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
need python3 python3
need strace strace
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
gen() {   # gen N KEY TREE STORE
	python3 - "$@" <<'PY'
import base64, hashlib, json, os, sys
n, key, out, store = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(out + "/node_modules/.pnpm")
deps = {"q%d" % i: "1.0.0" for i in range(n)}
with open(out + "/package.json", "w") as f:
    json.dump({"name": "p", "version": "1.0.0", "dependencies": deps}, f)
imp = ["lockfileVersion: '9.0'", "", "importers:", "", "  .:", "    dependencies:"]
pk, sn = ["", "packages:", ""], ["", "snapshots:", ""]
for i in range(n):
    name = "q%d" % i
    tar = hashlib.sha512(name.encode()).digest()
    d = out + "/node_modules/.pnpm/%s@1.0.0/node_modules/%s" % (name, name)
    os.makedirs(d)
    pj = json.dumps({"name": name, "version": "1.0.0"}).encode()
    with open(d + "/package.json", "wb") as f:
        f.write(pj)
    os.symlink(".pnpm/%s@1.0.0/node_modules/%s" % (name, name), out + "/node_modules/" + name)
    hx = tar.hex()
    os.makedirs(store + "/v10/index/" + hx[:2], exist_ok=True)
    fi = "sha512-" + base64.b64encode(hashlib.sha512(pj).digest()).decode()
    idx = {"name": name, "version": "1.0.0", "requiresBuild": True,
           "files": {"package.json": {"checkedAt": 1, "integrity": fi, "mode": 420, "size": len(pj)}},
           "sideEffects": {key: {"added": {}}}}
    with open(store + "/v10/index/%s/%s-%s@1.0.0.json" % (hx[:2], hx[2:64], name), "w") as f:
        json.dump(idx, f)
    imp += ["      %s:" % name, "        specifier: 1.0.0", "        version: 1.0.0"]
    pk += ["  %s@1.0.0:" % name,
           "    resolution: {integrity: sha512-%s}" % base64.b64encode(tar).decode(), ""]
    sn += ["  %s@1.0.0: {}" % name, ""]
for rel in ("pnpm-lock.yaml", "node_modules/.pnpm/lock.yaml"):
    with open(out + "/" + rel, "w") as f:
        f.write("\n".join(imp + pk + sn) + "\n")
with open(out + "/node_modules/.modules.yaml", "w") as f:
    json.dump({"layoutVersion": 5, "nodeLinker": "isolated", "packageManager": "pnpm@10.34.9",
               "virtualStoreDir": ".pnpm", "storeDir": "/nonexistent/v10"}, f)
PY
}
# LeakSanitizer stops the world with ptrace, which strace already holds
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
export ASAN_OPTIONS
for v in 10 9; do
	if [ "$v" = 9 ]; then k=linux-x64-node-v20-0123456789abcdef0123456789abcdef01234567
	else k='linux;x64;node20;deps=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; fi
	gen 100 "$k" t$v s$v
	run strace -f -e trace=openat,openat2 -o trace$v.txt \
		cairn-snap -q --no-npm-cache --pnpm-store s$v -o o$v.cairn t$v
	# the packages: verified, each with the build the files account for
	zstd -dcq o$v.cairn | jq -c 'select(.type == "package") | [.files.status,
		.files.side_effects_build, .files.side_effects_build_by]' | sort | uniq -c
	opens=$(grep -c 'lock\.yaml"' trace$v.txt || true)
	[ "$opens" -le 10 ] || fail "pnpm $v: the lockfiles were opened $opens times for 100 packages"
done
