#!/bin/sh
# The CLI cases: tests/cli/<tool>/<case>.sh, in the style of zstd's
# tests/cli-tests.
#
#   tests/run-cli.sh [--update] [CASE...]   (make cli / make cli-update)
#
# CASE is <tool>/<case>, e.g. snap/usage; without one, every case runs.
#
# A case is a POSIX sh script, run in a fresh scratch directory that is its
# working directory and TMPDIR, with HOME an empty folder inside it, umask
# 022, LC_ALL=C, TZ=UTC, and in the environment CAIRN_BIN (the tools, also
# first on PATH), CAIRN_SRC (the source tree), CAIRN_TOOLS (the test
# helpers) and CAIRN_AUX (a private folder outside the scratch directory,
# for tests/cli/lib.sh, which holds the helpers cases source).
#
# The script's exit status:
#   0       pass (when its golden files, if any, match)
#   77      skip: the case cannot run here for a reason scripts/deps.sh
#           cannot fix (../shared/data absent, not root); `skip WHY`
#   78      skip: a dependency that scripts/deps.sh installs is missing
#           (`need CMD PACKAGE`); a FAILURE when CAIRN_NO_SKIP=1 or CI=true
#           (.ci/run sets CAIRN_NO_SKIP=1)
#   other   fail
# The skip reason is the script's last "skip: ..." line on stdout.
#
# Golden files, beside the script, each optional:
#   <case>.stdout   the script's stdout, normalised, compared byte for byte
#   <case>.stderr   its stderr, likewise
#   <case>.exit     its exit status; without the file the status must be 0
#                   (--update writes 0 only: a case that fails writes none)
# A case with at least one of them is a golden case; an absent .stdout or
# .stderr is not compared (as in zstd), so a plain script's own diagnostics
# stay free-form.  What is normalised (scratch paths, the source tree, the
# host name, the tools' version, times of the run, hashes a case masks):
# tests/cli/normalise.py, the one place.
#
# --update writes the three golden files of every golden case from this
# run (and of each CASE named on the command line, which is how a new
# golden case starts).  Review the result with `git diff tests/cli` before
# committing: the diff is the behaviour change.
#
# Prints one line per case and "cli: N passed, M failed, K skipped".
set -u
update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
: "${CAIRN_SRC:?}" "${CAIRN_BIN:?}"
CAIRN_TOOLS=${CAIRN_TOOLS:-$CAIRN_SRC/build/default/tests/tools}
export CAIRN_SRC CAIRN_BIN CAIRN_TOOLS
export PATH="$CAIRN_BIN:$PATH"
export LC_ALL=C TZ=UTC
strict=0
if [ "${CAIRN_NO_SKIP:-}" = 1 ] || [ "${CI:-}" = true ]; then
	strict=1
fi
CAIRN_VERSION=$("$CAIRN_BIN/cairn-snap" --version 2>/dev/null | sed -n 's/^cairn-snap //p')
export CAIRN_VERSION
here=$CAIRN_SRC/tests/cli

# The schema checks need python3's jsonschema module; Debian's package puts
# it under /usr/bin/python3, which a pyenv python3 earlier on PATH hides.
pybin=""
if ! python3 -c 'import jsonschema' 2>/dev/null &&
   /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	pybin=$(mktemp -d "${TMPDIR:-/tmp}/cairn-py.XXXXXX")
	ln -s /usr/bin/python3 "$pybin/python3"
	export PATH="$pybin:$PATH"
fi

# the cases: named, or all
cases=""
if [ $# -gt 0 ]; then
	for c in "$@"; do
		c=${c%.sh}
		c=${c#tests/cli/}
		if [ ! -f "$here/$c.sh" ]; then
			echo "run-cli: no case $here/$c.sh" >&2
			exit 2
		fi
		cases="$cases $here/$c.sh"
	done
else
	for t in "$here"/*/*.sh; do
		[ -f "$t" ] && cases="$cases $t"
	done
fi

# show FILE: the last 40 lines, indented
show() {
	tail -n 40 "$1" | sed 's/^/     | /'
}

pass=0
fail=0
skipped=0
updated=0
failed=""
for t in $cases; do
	base=${t%.sh}
	name=${base#"$here"/}
	golden=0
	for s in stdout stderr exit; do
		if [ -f "$base.$s" ]; then golden=1; fi
	done
	if [ $update = 1 ] && [ $# -gt 0 ]; then golden=1; fi

	scratch=$(mktemp -d "${TMPDIR:-/tmp}/cairn-cli.XXXXXX")
	aux=$scratch.aux
	mkdir -p "$scratch/.home" "$aux"
	{
		printf 'SCRATCH\t%s\n' "$scratch" "$(cd "$scratch" && pwd -P)"
		printf 'BIN\t%s\n' "$CAIRN_BIN"
		printf 'TOOLS\t%s\n' "$CAIRN_TOOLS"
		printf 'SRC\t%s\n' "$CAIRN_SRC" "$(cd "$CAIRN_SRC" && pwd -P)"
	} >"$aux/masks"
	CAIRN_RUN_START=$(date +%s) CAIRN_AUX=$aux
	export CAIRN_RUN_START CAIRN_AUX
	if [ $golden = 1 ]; then
		out=$aux/stdout err=$aux/stderr
	else
		out=$aux/log err=$aux/log
	fi
	(cd "$scratch" && umask 022 &&
		HOME="$scratch/.home" TMPDIR="$scratch" exec sh "$t") \
		>"$out" 2>"$err"
	rc=$?

	why=""
	result=ok
	badrc=0
	case $rc in
	77|78)
		reason=$(grep '^skip: ' "$out" | tail -n 1)
		[ -n "$reason" ] || reason="skip: (no reason given)"
		result=skip
		if [ $rc = 78 ] && [ $strict = 1 ]; then
			result=fail
			why="a dependency scripts/deps.sh installs is missing (CAIRN_NO_SKIP/CI): ${reason#skip: }"
		fi
		;;
	*)
		if [ $golden = 0 ]; then
			[ $rc = 0 ] || { result=fail; why="exit $rc"; }
		elif [ $update = 1 ] && [ $rc != 0 ]; then
			# a case passes with status 0 (a tool's own status goes in
			# its output): a failing case never writes its goldens, or
			# its failure would become the expected result
			result=fail
			why="exit $rc: golden files not written"
			badrc=1
		elif [ $update = 1 ]; then
			python3 "$here/normalise.py" "$aux/stdout" >"$base.stdout" &&
				python3 "$here/normalise.py" "$aux/stderr" >"$base.stderr" &&
				echo "$rc" >"$base.exit" || { result=fail; why="cannot write golden files"; }
			[ $result = ok ] && result=updated
		else
			want=0
			[ -f "$base.exit" ] && want=$(cat "$base.exit")
			[ "$rc" = "$want" ] || { result=fail; why="exit $rc, want $want"; badrc=1; }
			for s in stdout stderr; do
				[ -f "$base.$s" ] || continue
				python3 "$here/normalise.py" "$aux/$s" >"$aux/$s.norm" ||
					{ result=fail; why="$why; cannot normalise $s"; continue; }
				if ! cmp -s "$base.$s" "$aux/$s.norm"; then
					result=fail
					why="${why:+$why; }$s differs"
					diff -u "$base.$s" "$aux/$s.norm" |
						sed "1s|.*|--- expected $name.$s|;2s|.*|+++ actual|" >>"$aux/diffs"
				fi
			done
		fi
		;;
	esac

	case $result in
	ok)
		pass=$((pass + 1))
		echo "ok   $name"
		;;
	updated)
		pass=$((pass + 1))
		updated=$((updated + 1))
		echo "ok   $name (golden files written)"
		;;
	skip)
		skipped=$((skipped + 1))
		echo "SKIP $name: ${reason#skip: }"
		;;
	fail)
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name: $why"
		if [ -s "$aux/diffs" ]; then
			head -n 80 "$aux/diffs" | sed 's/^/     | /'
		fi
		if [ $golden = 1 ]; then
			if [ $badrc = 1 ] && [ -s "$aux/stderr" ]; then show "$aux/stderr"; fi
		else
			show "$out"
		fi
		;;
	esac
	chmod -R u+rwx "$scratch" 2>/dev/null
	rm -rf "$scratch" "$aux"
done
[ -n "$pybin" ] && rm -rf "$pybin"

if [ $((pass + fail + skipped)) -eq 0 ]; then
	echo "cli: no cases found under $here" >&2
	exit 1
fi
echo "cli: $pass passed, $fail failed, $skipped skipped${failed:+ (failed:$failed)}"
if [ $update = 1 ]; then
	echo "cli: $updated golden cases written; review them with: git diff tests/cli"
fi
[ "$fail" -eq 0 ]
