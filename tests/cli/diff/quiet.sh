#!/bin/sh
# Two snapshots of an unchanged tree with the same options diff to exit 0,
# in text, --json and --findings: cairn-snap's own process (pid, command
# line, output name, working folder, the shell's _ / PWD / OLDPWD) is
# never a difference, and records are keyed by names that are the same in
# two copies of a tree at different absolute paths (docs/RECORDS.md §Keys).
# Real differences in the same records still show.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
FIX=$CAIRN_SRC/tests/fixtures/packages

# quiet OLD NEW WHAT: exit 0 and "no differences" in text, --json and
# --findings
quiet() {
	rc=0
	cairn-diff "$1" "$2" > q.out 2> q.err || rc=$?
	[ "$rc" = 0 ] || { cat q.out >&2; fail "$3: text exit $rc"; }
	grep -q '^no differences; 0 added, 0 removed, 0 modified, 0 metadata, 0 unreadable; 0 package/env/config changes' q.out ||
		fail "$3: $(sed -n 3p q.out)"
	[ ! -s q.err ] || fail "$3: stderr $(cat q.err)"
	rc=0
	cairn-diff --json "$1" "$2" > q.json || rc=$?
	[ "$rc" = 0 ] || fail "$3: --json exit $rc"
	jq -e '.summary.differences == false and .summary.records == 0 and
	       (.records | length) == 0' q.json > /dev/null || fail "$3: --json summary"
	rc=0
	cairn-diff --findings "$1" "$2" > q.out || rc=$?
	[ "$rc" = 0 ] || fail "$3: --findings exit $rc"
	grep -q '^no differences;' q.out || fail "$3: --findings text"
	rc=0
	cairn-diff --findings --json "$1" "$2" > q.json || rc=$?
	[ "$rc" = 0 ] || fail "$3: --findings --json exit $rc"
}

cp -a "$FIX/project" tree
cp -a "$FIX/project" copy
mkdir d1 d2

# --env: another pid, command line, output name and working folder; the
# variables a shell sets from the command and the folder
(cd d1 && env _=/usr/local/bin/cairn-snap OLDPWD=/srv PWD="$PWD" \
	cairn-snap -q --env --env-key ../env.key ../tree -o ../env-a.cairn)
(cd d2 && env _="$CAIRN_BIN/cairn-snap" OLDPWD=/home PWD="$PWD" \
	cairn-snap -q --env --env-key ../env.key --no-packages ../tree -o ../env-b.cairn)
# (--no-packages only to make the command lines differ more; compare the
# env records alone)
cairn-snap -q --env --env-key env.key tree -o env-c.cairn
quiet env-a.cairn env-c.cairn "--env"
zstd -dcq env-a.cairn | jq -e -s 'any(.[]; .type == "process" and .source == "self" and
	any(.cmdline[]; . == "../env-a.cairn"))' > /dev/null ||
	fail "--env: the recorder's command line is not kept as evidence"
# the same environment seen from elsewhere: only the package records differ
rc=0
cairn-diff --json env-a.cairn env-b.cairn > eb.json || rc=$?
[ "$rc" = 1 ] || fail "--env vs --no-packages: exit $rc"
jq -e '[.records[].type] | unique == ["claude_hook", "coverage", "install_cmd", "mcp_server", "package", "requirement"]' eb.json > /dev/null ||
	fail "--env: records compared: $(jq -c '[.records[] | [.type, .key]]' eb.json)"
# a variable that really changed still shows
CAIRN_QUIET_ADDED=1 cairn-snap -q --env --env-key env.key tree -o env-d.cairn
PATH="$PATH:/quiet-test" cairn-snap -q --env --env-key env.key tree -o env-e.cairn
rc=0
cairn-diff env-c.cairn env-d.cairn > ed.out || rc=$?
[ "$rc" = 1 ] || fail "added variable: exit $rc"
grep -qx '     env self:CAIRN_QUIET_ADDED: added' ed.out || fail "added variable: $(cat ed.out)"
grep -c '^     ' ed.out | grep -qx 1 || fail "added variable: more than one change: $(cat ed.out)"
rc=0
cairn-diff env-c.cairn env-e.cairn > ee.out || rc=$?
[ "$rc" = 1 ] || fail "changed variable: exit $rc"
grep -q '^     env self:PATH: value-changed' ee.out || fail "changed variable: $(cat ee.out)"
# the live tree does not read process environments again: not compared
# (MCP env values are hashed under the default key on the live side)
cairn-snap -q --env tree -o env-f.cairn
rc=0
cairn-diff env-f.cairn --live tree > live.out || rc=$?
[ "$rc" = 0 ] || { cat live.out >&2; fail "--env vs --live: exit $rc"; }

# --pid of a long-running process
sleep 300 &
spid=$!
trap 'kill $spid 2>/dev/null || :' EXIT
cairn-snap -q --pid "$spid" --env-key env.key tree -o pid-a.cairn
(cd d1 && cairn-snap -q --pid "$spid" --env-key ../env.key ../tree -o ../pid-b.cairn)
kill "$spid"
trap - EXIT
zstd -dcq pid-a.cairn | jq -e -s --arg src "pid:$spid" 'any(.[]; .type == "process" and
	.source == $src and .cmdline == ["sleep", "300"])' > /dev/null ||
	fail "--pid: no process record"
quiet pid-a.cairn pid-b.cairn "--pid"

# --mcp-config: a config inside the root is one record per server keyed by
# its path relative to the root, found by the walk or named (relative or
# absolute), also with --no-packages
cairn-snap -q tree -o mcp-walk.cairn
cairn-snap -q --mcp-config tree/.mcp.json tree -o mcp-rel.cairn
cairn-snap -q --mcp-config "$PWD/tree/.mcp.json" --mcp-config tree/.mcp.json tree -o mcp-abs.cairn
(cd d1 && cairn-snap -q --mcp-config "$PWD/../copy/.mcp.json" "$PWD/../copy" -o ../mcp-copy.cairn)
for f in mcp-walk mcp-rel mcp-abs mcp-copy; do
	n=$(zstd -dcq $f.cairn | jq -r 'select(.type == "mcp_server") | .config' | sort | uniq -c | tr -s ' ' | tr '\n' '|')
	[ "$n" = " 6 .mcp.json| 2 .vscode/mcp.json| 2 claude_desktop_config.json|" ] || fail "$f: servers per config: $n"
done
quiet mcp-walk.cairn mcp-rel.cairn "--mcp-config relative"
quiet mcp-rel.cairn mcp-abs.cairn "--mcp-config absolute"
quiet mcp-abs.cairn mcp-copy.cairn "--mcp-config, copy at another path"
cairn-snap -q --no-packages --mcp-config "$PWD/tree/.vscode/mcp.json" tree -o mcp-np.cairn
zstd -dcq mcp-np.cairn | jq -r 'select(.type == "mcp_server") | .config' | sort -u > np.txt
[ "$(cat np.txt)" = ".vscode/mcp.json" ] || fail "--no-packages: $(cat np.txt)"
# a config outside the root: its absolute path, whatever folder it was
# named from
mkdir cfg
cp tree/.mcp.json cfg/servers.json
cairn-snap -q --no-packages --mcp-config cfg/servers.json tree -o out-a.cairn
(cd d2 && cairn-snap -q --no-packages --mcp-config ../cfg/servers.json ../tree -o ../out-b.cairn)
zstd -dcq out-a.cairn | jq -r 'select(.type == "mcp_server") | .config' | sort -u > out.txt
[ "$(cat out.txt)" = "$(realpath cfg)/servers.json" ] || fail "outside config: $(cat out.txt)"
quiet out-a.cairn out-b.cairn "--mcp-config outside the root"
# --mcp-discover when the root is $HOME: the walk's name, once
cp -a "$FIX/home" home
HOME="$PWD/home" cairn-snap -q --mcp-discover --env-key env.key home -o home.cairn
zstd -dcq home.cairn | jq -r 'select(.type == "mcp_server") | .config' | sort | uniq -c | tr -s ' ' > home.txt
grep -qx ' 5 .cursor/mcp.json' home.txt || fail "--mcp-discover in the root: $(cat home.txt)"
! grep -q '~' home.txt || fail "--mcp-discover in the root: ~ names: $(cat home.txt)"

# --npm-cache: two copies of an installed tree checked against one cache
cp -a "$FIX/npm-tampered" npm1
cp -a "$FIX/npm-tampered" npm2
cairn-snap -q --npm-cache "$FIX/npm-cache/_cacache" npm1 -o npm-a.cairn
(cd d1 && cairn-snap -q --npm-cache "$FIX/npm-cache/_cacache" ../npm2 -o ../npm-b.cairn)
zstd -dcq npm-a.cairn | jq -e -s 'any(.[]; .type == "package" and .name == "ms" and
	.files.status == "verified")' > /dev/null ||
	fail "--npm-cache: ms not verified"
quiet npm-a.cairn npm-b.cairn "--npm-cache"
echo ok
