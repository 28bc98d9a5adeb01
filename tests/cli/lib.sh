# tests/cli/lib.sh: helpers for the CLI cases, sourced as
#   . "$CAIRN_SRC/tests/cli/lib.sh"
# (POSIX sh).  tests/run-cli.sh explains how cases run and are counted.
#
# Assertions: never `[ ... ] && ...` or `[ ... ] || ...` chains whose
# failure set -e ignores; write `[ ... ] || fail "why"` or
# `if ...; then fail "why"; fi`: a failed check must end the case.

# fail WHY: the case failed
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip WHY: the case cannot run here for a reason scripts/deps.sh cannot
# fix (no ../shared/data, not root); counted as a skip, never a pass
skip() {
	echo "skip: $*"
	exit 77
}

# need COMMAND PACKAGE: COMMAND must be on PATH; PACKAGE is the Debian
# package scripts/deps.sh installs for it.  Without it the case is a
# dependency skip (exit 78), which the runner counts as a failure when
# CAIRN_NO_SKIP=1 or CI=true (.ci/run): CI must never go green because a
# tool was missing.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "skip: $1 not installed (Debian package $2: sh scripts/deps.sh)"
	exit 78
}

# need_py MODULE PACKAGE: python3 must import MODULE (Debian PACKAGE)
need_py() {
	python3 -c "import $1" 2>/dev/null && return 0
	echo "skip: python3 module $1 missing (Debian package $2: sh scripts/deps.sh)"
	exit 78
}

# expect_exit WANT CMD ARGS...: run CMD; its exit status must be WANT
# (stdout and stderr left in out.txt and err.txt for further checks)
expect_exit() {
	_want=$1
	shift
	_rc=0
	"$@" >out.txt 2>err.txt || _rc=$?
	[ "$_rc" -eq "$_want" ] ||
		fail "$*: exit $_rc, want $_want; stderr: $(head -c 600 err.txt)"
}

# same FILE TEXT: FILE must hold exactly TEXT and a newline (nothing at
# all when TEXT is empty); else the difference is shown and the case fails
same() {
	if [ -n "$2" ]; then printf '%s\n' "$2"; fi >want.txt
	if ! cmp -s "$1" want.txt; then
		diff -u want.txt "$1" >&2 || true
		fail "$1 differs"
	fi
}

# records_of SNAPSHOT TYPE: SNAPSHOT's records of TYPE ("package",
# "coverage" ...), one compact JSON object a line
records_of() {
	zstd -dcq "$1" | jq -c "select(.type == \"$2\")"
}

# as_nobody DIR: for a case whose files must be unreadable: root reads
# them all, so as root run is set to a prefix running a command as nobody
# (setpriv, uid 65534) with . and DIR opened to it (a skip when the
# scratch folder above is closed to nobody); otherwise run is empty.
# Either way ./w is a folder the command may write its output in.
as_nobody() {
	run=""
	if [ "$(id -u)" = 0 ]; then
		need setpriv util-linux
		chmod 755 . "$1"
		run="setpriv --reuid=65534 --regid=65534 --clear-groups"
		$run test -x "$PWD" || skip "the scratch folder $PWD is not reachable by uid 65534"
	fi
	mkdir w
	chmod 777 w
}

# npm_data: the real npm installs of ../shared/data/npm (`npm ci` of
# @modelcontextprotocol/server-filesystem 2025.8.21 and 2026.8.31, and
# the npm cache that installed both: its README): sets data to that
# folder, or skips the case when they are not there
npm_data() {
	data="$CAIRN_SRC/../shared/data/npm"
	[ -f "$data/server-filesystem-2025.8.21.tar.zst" ] || skip "$data absent (../shared/data/npm)"
}

# npm_upgrade: npm_data's two installs and their cache unpacked in ./v1
# (2025.8.21), ./v2 (2026.8.31) and ./cache
npm_upgrade() {
	npm_data
	mkdir v1 v2 cache
	tar --zstd -xf "$data/server-filesystem-2025.8.21.tar.zst" -C v1 || fail "unpack v1"
	tar --zstd -xf "$data/server-filesystem-2026.8.31.tar.zst" -C v2 || fail "unpack v2"
	tar --zstd -xf "$data/npm-cache.tar.zst" -C cache || fail "unpack the cache"
}

# ---- golden cases (a case with .stdout/.stderr/.exit files beside it) ----

# run CMD ARGS...: run one command of a golden case.  stdout gets
# "$ CMD ARGS", the command's stdout and "[exit N]"; stderr gets, when the
# command wrote any, "$ CMD ARGS" and the command's stderr.  So one pair of
# golden files pins the exit status, output and messages of every command
# in the case, each under the command that produced it.
run() {
	_run cat cat "$@"
}

# run_f FILTER CMD ARGS...: run, with the command's stdout passed through
# FILTER (a command or shell function reading stdin), for a column that
# differs from machine to machine by nature (owners, directory sizes);
# the exit status shown is CMD's
run_f() {
	_f=$1
	shift
	_run "$_f" cat "$@"
}

# run_u CMD ARGS...: run a usage error: its stderr's usage text (from the
# "usage: " line to the end) shows as "usage: ...", so that the golden
# files hold a tool's usage text once (where a case runs it with run),
# not once per usage error
run_u() {
	_run cat usage_once "$@"
}

usage_once() {
	sed '/^usage: /,$c\
usage: ...'
}

# _run OUTFILTER ERRFILTER CMD ARGS...
_run() {
	_fo=$1 _fe=$2
	shift 2
	printf '$ %s\n' "$*"
	_rc=0
	"$@" >"$CAIRN_AUX/run.out" 2>"$CAIRN_AUX/run.err" || _rc=$?
	$_fo <"$CAIRN_AUX/run.out"
	if [ -s "$CAIRN_AUX/run.err" ]; then
		printf '$ %s\n' "$*" >&2
		$_fe <"$CAIRN_AUX/run.err" >&2
	fi
	printf '[exit %d]\n' "$_rc"
}

# show_owners: filter for `cairn-snap show` of a tree this run copied: the
# owner columns are whoever runs the tests, a directory's size is the file
# system's
show_owners() {
	sed -E 's/^([-lcbps][rwxsStT-]{9}) +[0-9]+ +[0-9]+ /\1 <uid> <gid> /;
		s/^(d[rwxsStT-]{9}) +[0-9]+ +[0-9]+ +[0-9]+ /\1 <uid> <gid> <dirsize> /'
}

# demo_story: samples/demo.sh into ./out (the incident story on
# samples/, on its fixed clock), its output in demo.txt; masks what
# depends on the run: the snapshots' SHA-256 (they hold ctimes and inode
# numbers), the store's branch (named for the root's path) and commits
demo_story() {
	DEMO_OUT=$PWD/out sh "$CAIRN_SRC/samples/demo.sh" >demo.txt 2>&1 ||
		fail "samples/demo.sh: exit $?: $(tail -n 5 demo.txt)"
	BRANCH=$(git -C out/store for-each-ref --format='%(refname:short)' refs/heads/cairn | head -n 1)
	mask "$BRANCH" BRANCH
	mask "$(git -C out/store rev-parse "$BRANCH")" COMMIT_NEW
	mask "$(git -C out/store rev-parse "$BRANCH~1")" COMMIT_OLD
	mask "$(sha256sum <out/baseline.cairn | cut -c1-64)" BASELINE_SHA256
	mask "$(sha256sum <out/snapshot.cairn | cut -c1-64)" SNAPSHOT_SHA256
}

# mask VALUE NAME: VALUE (a hash of a file made during the run, a store
# commit) depends on the time; it is shown as <NAME> in the compared
# output (tests/cli/normalise.py)
mask() {
	[ -n "$1" ] || fail "mask $2: empty value"
	printf '%s\t%s\n' "$2" "$1" >>"$CAIRN_AUX/masks"
}

# peak KIB CMD...: run CMD (stdout to out.txt, stderr to err.txt, exit
# status to rc.txt) and fail when its peak RSS passes KIB (KiB; times four
# under ASan and TSan, whose shadow memory and redzones grow with the
# allocations, and ASan's quarantine of freed blocks held to 16 MiB: it
# grows with what is freed, 490 MB for snap/reuse-long-lines at the
# default 256 MiB against 24 MB plain; the plain build keeps the bound
# tight)
peak() {
	_lim=$1
	shift
	# sanitizers' shadow memory and redzones
	case "$CAIRN_BIN" in */asan/* | */tsan/*) _lim=$((_lim * 4)) ;; esac
	# ASan also keeps freed memory in a quarantine (256 MiB by default):
	# the program's own memory is what is measured, so keep it small
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16" \
	python3 - "$@" <<'PY' > rss.txt
import resource, subprocess, sys
with open("out.txt", "wb") as o, open("err.txt", "wb") as e:
    rc = subprocess.call(sys.argv[1:], stdout=o, stderr=e)
open("rc.txt", "w").write("%d\n" % rc)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
	[ "$(cat rss.txt)" -le "$_lim" ] || fail "$*: peak RSS $(cat rss.txt) KiB, over $_lim KiB"
}

# fixture_copy SRC DST: copy a committed fixture tree and give every entry
# the same fixed time and ordinary modes, so that snapshots of it do not
# depend on when or with which umask it was checked out
fixture_copy() {
	cp -R "$1" "$2" || fail "cannot copy $1"
	find "$2" ! -type l -exec chmod u+rw,go+r,go-w {} + || fail "chmod $2"
	find "$2" -exec touch -h -d '2026-01-01 00:00:00 UTC' {} + || fail "touch $2"
}

# pylock_fixture NAME DST: fixture_copy of tests/fixtures/packages/NAME
# (pylock-poetry, pylock-pipenv) with the installed wheel 0.43.0 package
# put back in its site-packages: both installs hold the same files, kept
# once in pylock-site-shared (each keeps its own wheel-0.43.0.dist-info)
pylock_fixture() {
	_site=.venv/lib/python3.11/site-packages
	fixture_copy "$CAIRN_SRC/tests/fixtures/packages/$1" "$2"
	fixture_copy "$CAIRN_SRC/tests/fixtures/packages/pylock-site-shared/wheel" "$2/$_site/wheel"
	touch -h -d '2026-01-01 00:00:00 UTC' "$2/$_site" || fail "touch $2/$_site"
}

# bun_iso_cache DST: fixture_copy of tests/fixtures/packages/bun-iso-cache
# (bun's cache after the isolated installs) with the entries it shares with
# bun-cache put back: bun extracted the same @tootallnate/once 2.0.0,
# debug 4.3.4 and ms 2.1.2 for both, byte for byte, kept once in bun-cache
bun_iso_cache() {
	fixture_copy "$CAIRN_SRC/tests/fixtures/packages/bun-iso-cache" "$1"
	mkdir -p "$1/@tootallnate" || fail "mkdir $1/@tootallnate"
	for _e in @tootallnate/once@2.0.0@@@1 debug@4.3.4@@@1 ms@2.1.2@@@1; do
		fixture_copy "$CAIRN_SRC/tests/fixtures/packages/bun-cache/$_e" "$1/$_e"
	done
	touch -h -d '2026-01-01 00:00:00 UTC' "$1" "$1/@tootallnate" || fail "touch $1"
}

# ---- Python installs written by a case (no installer needed) ----

# py_venv DIR: DIR/.venv as a venv of Python 3.11.2 leaves it (pyvenv.cfg,
# the interpreter the markers are judged for) with an empty site-packages
py_venv() {
	mkdir -p "$1/.venv/lib/python3.11/site-packages" || fail "mkdir $1/.venv"
	printf 'home = /usr/bin\nversion_info = 3.11.2\n' >"$1/.venv/pyvenv.cfg"
}

# py_dist DIR NAME VERSION: NAME VERSION installed by pip in DIR's venv
# (py_venv): a dist-info with METADATA, INSTALLER and a RECORD
py_dist() {
	_di=$1/.venv/lib/python3.11/site-packages/$2-$3.dist-info
	mkdir -p "$_di" || fail "mkdir $_di"
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$2" "$3" >"$_di/METADATA"
	printf 'pip\n' >"$_di/INSTALLER"
	printf '%s-%s.dist-info/METADATA,,\n' "$2" "$3" >"$_di/RECORD"
}

# empty_values N: "{}," N times, the body of a hostile lockfile's array
# (3 bytes a value on disk, hundreds in a parser's memory)
empty_values() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "{}," }'
}
