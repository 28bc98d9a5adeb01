#!/bin/sh
# First contact on a fresh Debian 12 machine: `make demo` and `make check`
# run scripts/deps.sh before anything needs the libraries.  The machine is
# played by stand-ins on PATH: a pkg-config that finds no library until the
# packages are "installed", a dpkg-query that knows no package, an id that
# says root or not, and an apt-get that records what it was asked and marks
# the packages installed (so nothing is really installed).  The real
# Makefile and the real scripts/deps.sh run.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

real_pc=$(command -v pkg-config) || fail "no pkg-config"
stand=$PWD/stand-ins
mkdir -p "$stand"
log=$PWD/calls.log
: > "$log"
cat > "$stand/pkg-config" <<SH
#!/bin/sh
# the libraries exist only once apt-get "installed" them
if [ -e "$PWD/installed" ]; then
	echo "pkg-config \$1 (installed)" >> "$log"
	exec "$real_pc" "\$@"
fi
echo "pkg-config \$1 (missing)" >> "$log"
exit 1
SH
cat > "$stand/dpkg-query" <<SH
#!/bin/sh
[ -e "$PWD/installed" ] && { printf 'install ok installed'; exit 0; }
exit 1
SH
cat > "$stand/id" <<SH
#!/bin/sh
echo "\${FAKE_UID:-1000}"
SH
cat > "$stand/apt-get" <<SH
#!/bin/sh
echo "apt-get \$*" >> "$log"
case " \$* " in *" install "*) touch "$PWD/installed" ;; esac
exit 0
SH
chmod +x "$stand"/*

# make as a user would type it, in the source tree, with the build folders
# of this test run (already built: nothing is compiled again).  Nothing of
# the make running this suite may leak in: debian/rules runs `make check
# CAIRN_DEPS_RAN=1`, and make exports a command-line variable to its
# recipes, so inside dpkg-buildpackage the "fresh machine" below inherited
# CAIRN_DEPS_RAN=1 and stopped at "missing libraries after deps" instead
# of running deps (the package build with its tests failed here).
build=${CAIRN_TOOLS%/tests/tools}
mk() {
	(unset MAKEFLAGS MFLAGS MAKELEVEL CAIRN_DEPS_RAN
	 cd "$CAIRN_SRC" && PATH="$stand:$PATH" DEMO_OUT="$PWD_OUT" \
		make "$@" BUILD="$build" BIN="$CAIRN_BIN")
}
PWD_OUT=$PWD/demo-out

missing="make: missing libraries: libgit2 libzstd libcrypto libxxhash libpcap jansson zlib libpsl libzip yaml-0.1 liburing check; running 'sh scripts/deps.sh' first"

# 1. not root: deps prints the one command and make stops there, exit 2,
# before any compile, with no parse-time error in its way
for goal in demo check; do
	: > "$log"
	rc=0
	FAKE_UID=1000 mk "$goal" > out.txt 2> err.txt || rc=$?
	[ "$rc" = 2 ] || fail "make $goal as a user: exit $rc, want 2"
	[ ! -s out.txt ] || fail "make $goal as a user printed on stdout: $(cat out.txt)"
	sed 's/Makefile:[0-9]*:/Makefile:N:/' err.txt > err.norm
	[ "$(sed -n 1p err.norm)" = "$missing" ] || fail "make $goal: line 1: $(sed -n 1p err.norm)"
	l2=$(sed -n 2p err.norm)
	l3=$(sed -n 3p err.norm)
	case $l2 in "deps: missing packages: build-essential pkg-config libgit2-dev "*) ;;
		*) fail "make $goal: line 2: $l2" ;; esac
	[ "$l3" = "deps: run: sudo apt-get install -y${l2#deps: missing packages:}" ] ||
		fail "make $goal: line 3: $l3"
	[ "$(sed -n 4p err.norm)" = "make: *** [Makefile:N: deps-then-make] Error 1" ] ||
		fail "make $goal: line 4: $(sed -n 4p err.norm)"
	[ "$(wc -l < err.norm)" = 4 ] || fail "make $goal: stderr: $(cat err.norm)"
	if grep -q '^apt-get' "$log"; then fail "make $goal as a user ran apt-get"; fi
done

# 2. root: deps installs (apt-get update, then install), then make starts
# again, finds the libraries and runs the demo
: > "$log"
rc=0
FAKE_UID=0 mk demo > out.txt 2> err.txt || rc=$?
[ "$rc" = 0 ] || { cat err.txt >&2; fail "make demo as root: exit $rc"; }
[ "$(sed -n 1p err.txt)" = "$missing" ] || fail "make demo as root: line 1: $(sed -n 1p err.txt)"
case $(sed -n 2p err.txt) in "deps: installing build-essential pkg-config libgit2-dev "*) ;;
	*) fail "make demo as root: line 2: $(sed -n 2p err.txt)" ;; esac
# the order of what happened: pkg-config found nothing, apt-get update,
# apt-get install, and only then was pkg-config asked for flags
grep -v '^pkg-config --exists .*(missing)$' "$log" | sed 's/ -qq.*//; s/ -y.*//' | uniq > order.txt
cat > order.want <<T
apt-get update
apt-get install
T
head -n 2 order.txt | cmp -s - order.want || fail "order: $(cat order.txt)"
if sed '1,2d' order.txt | grep -v '(installed)$'; then fail "pkg-config asked before the install"; fi
grep -qx 'pkg-config --cflags (installed)' order.txt || fail "no pkg-config --cflags after the install: $(cat order.txt)"
# and the demo ran to its report
grep -q '^== 1\. snapshot of the known-good install' out.txt || fail "demo did not run: $(head out.txt)"
[ -s "$PWD_OUT/report.html" ] || fail "no demo report"

# 3. libraries still missing after deps: one clear error, exit 2
rm -f installed
cat > "$stand/apt-get" <<SH
#!/bin/sh
echo "apt-get \$*" >> "$log"
exit 0
SH
printf '#!/bin/sh\nprintf "install ok installed"\n' > "$stand/dpkg-query"
rc=0
FAKE_UID=0 mk demo > out.txt 2> err.txt || rc=$?
[ "$rc" = 2 ] || fail "make demo, libraries never found: exit $rc"
[ "$(sed -n 1p err.txt)" = "$missing" ] || fail "still missing: line 1: $(sed -n 1p err.txt)"
grep -q "^Makefile:[0-9]*: \*\*\* missing libraries after 'sh scripts/deps.sh': libgit2 " err.txt ||
	fail "still missing: $(cat err.txt)"
echo "first contact: deps before the build, the one command for users"
