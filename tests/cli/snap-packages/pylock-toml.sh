#!/bin/sh
# lib/toml.c against Python's own TOML reader (tomllib, Python 3.11+) on
# the real uv.lock and poetry.lock files of
# tests/fixtures/packages/pylock-real: both must read every file to the
# same tree.  And a file both must refuse (a duplicate key) is refused by
# toml2json with the line, exit 2.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"

/usr/bin/python3 -c 'import tomllib' || fail "/usr/bin/python3 has no tomllib"
n=0
# (and the pyproject.toml files a poetry.lock without markers is read with)
for f in "$CAIRN_SRC"/tests/fixtures/packages/pylock-real/*.lock \
	"$CAIRN_SRC"/tests/fixtures/packages/pylock-poetry/pyproject.toml \
	"$CAIRN_SRC"/tests/fixtures/packages/pylock-markers/poetry/pyproject.toml; do
	case $f in *Pipfile.lock) continue ;; esac
	"$CAIRN_TOOLS/toml2json" "$f" > ours || fail "toml2json ${f##*/}: $(cat ours)"
	/usr/bin/python3 -c '
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(json.dumps(tomllib.load(f), sort_keys=True, separators=(",", ":"), ensure_ascii=True))
' "$f" > theirs || fail "tomllib ${f##*/}"
	cmp -s ours theirs || fail "${f##*/}: lib/toml.c and tomllib disagree"
	n=$((n + 1))
done
[ "$n" -eq 8 ] || fail "$n TOML files compared, want 8"

printf '[[package]]\nname = "a"\nname = "b"\n' > dup.lock
expect_exit 2 "$CAIRN_TOOLS/toml2json" dup.lock
[ "$(cat err.txt)" = "toml2json: dup.lock: line 3: duplicate key 'name'" ] ||
	fail "duplicate key: $(cat err.txt)"
if /usr/bin/python3 -c 'import tomllib; tomllib.load(open("dup.lock", "rb"))' 2>/dev/null; then
	fail "tomllib accepted the duplicate key"
fi
