#!/bin/sh
# Regenerate tests/fixtures/packages/pylock-poetry, pylock-pipenv and
# pylock-req-cache with the real clients, offline: the wheels of
# tests/fixtures/packages/pylock-wheels (real wheels from CPython's test
# data: example 21.12, example2 1.0.0, wheel 0.40.0 and 0.43.0) are served
# as a PEP 503 index on 127.0.0.1 (tests/tools/pyindex.py, with the
# caching headers PyPI's file host sends, so that pip caches them), and
#   poetry (Debian python3-poetry 1.3)  poetry lock; poetry install
#   pipenv (Debian pipenv 2022.12)      pipenv lock; pipenv sync
#   pip 24.2 (CPython 3.13's ensurepip) pip install --require-hashes
# install `example==21.12` and `wheel==0.43.0` into in-project venvs with
# their own caches.  What is committed: the lockfile and manifest, the
# venv's site-packages without the seeds the venv was made with (pip,
# setuptools: thousands of files, unrelated to the lock), and the cache
# entries of the two wheels (poetry's artifacts, pipenv's pip 23 "http"
# cache, pip 24's "http-v2" cache).
#
#   sh tests/tools/pylock-fixtures.sh [SCRATCH]     (from the source tree)
#
# Needs: apt-get install python3-poetry pipenv; a python3 >= 3.13 with
# ensurepip for the http-v2 cache (PY313=/path/to/python3.13).
set -eu
src=$(pwd)
[ -f "$src/lib/pylock.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
. "$src/tests/tools/pylock-lib.sh"
py313=${PY313:-python3.13}
pyindex_serve

# poetry
poetry_project "an app with two locked dependencies" <<'TOML'
wheel = "0.43.0"
example = "21.12"
TOML
(cd "$p" && POETRY_CACHE_DIR="$scratch/poetry-cache" POETRY_VIRTUALENVS_IN_PROJECT=true \
	poetry lock -n && POETRY_CACHE_DIR="$scratch/poetry-cache" \
	POETRY_VIRTUALENVS_IN_PROJECT=true poetry install -n)
rm -rf "$fx/pylock-poetry" "$fx/pylock-poetry-cache"
mkdir -p "$fx/pylock-poetry"
cp -R "$p/pyproject.toml" "$p/poetry.lock" "$p/agent_app" "$fx/pylock-poetry/"
site_copy "$p/.venv/lib/python3.11/site-packages" "$fx/pylock-poetry/.venv/lib/python3.11/site-packages" \
	example example-21.12.dist-info wheel wheel-0.43.0.dist-info
# the project itself, installed editable (poetry writes its RECORD with
# absolute paths: the test moves them to where it copies the fixture)
cp -a "$p/.venv/lib/python3.11/site-packages/agent_app-0.1.0.dist-info" \
	"$p/.venv/lib/python3.11/site-packages/agent_app.pth" \
	"$fx/pylock-poetry/.venv/lib/python3.11/site-packages/"
mkdir -p "$fx/pylock-poetry-cache"
cp -a "$scratch/poetry-cache/artifacts" "$fx/pylock-poetry-cache/"

# pipenv
pipenv_install <<'TOML'
[packages]
example = "==21.12"
wheel = "==0.43.0"
TOML
rm -rf "$fx/pylock-pipenv" "$fx/pylock-pipenv-cache"
mkdir -p "$fx/pylock-pipenv"
cp "$p/Pipfile" "$p/Pipfile.lock" "$fx/pylock-pipenv/"
site_copy "$p/.venv/lib/python3.11/site-packages" "$fx/pylock-pipenv/.venv/lib/python3.11/site-packages" \
	example example-21.12.dist-info wheel wheel-0.43.0.dist-info
mkdir -p "$fx/pylock-pipenv-cache"
cp -a "$scratch/pipenv-cache/http" "$fx/pylock-pipenv-cache/"

# the wheel package both installs hold, byte for byte: kept once
# (tests/cli/lib.sh pylock_fixture puts it back); each keeps its own
# wheel-0.43.0.dist-info (their RECORD and direct_url.json differ)
sp=.venv/lib/python3.11/site-packages
diff -r "$fx/pylock-poetry/$sp/wheel" "$fx/pylock-pipenv/$sp/wheel"
rm -rf "$fx/pylock-site-shared/wheel"
mkdir -p "$fx/pylock-site-shared"
mv "$fx/pylock-poetry/$sp/wheel" "$fx/pylock-site-shared/"
rm -rf "$fx/pylock-pipenv/$sp/wheel"

# pip 24 with --require-hashes: only its http-v2 cache is kept (the test
# installs with Debian's pip at test time, offline, from pylock-wheels)
p="$scratch/req"
rm -rf "$p" "$scratch/req-cache" && mkdir -p "$p"
h() { sha256sum "$fx/pylock-wheels/$1" | cut -d' ' -f1; }
printf 'example==21.12 \\\n    --hash=sha256:%s\nwheel==0.43.0 \\\n    --hash=sha256:%s\n' \
	"$(h example/example-21.12-py3-none-any.whl)" "$(h wheel/wheel-0.43.0-py3-none-any.whl)" \
	> "$p/requirements.txt"
"$py313" -m venv "$p/.venv"
"$p/.venv/bin/python" -m pip install --cache-dir "$scratch/req-cache" --index-url "$index" \
	--trusted-host 127.0.0.1 --require-hashes -r "$p/requirements.txt"
rm -rf "$fx/pylock-req-cache"
mkdir -p "$fx/pylock-req-cache"
cp -a "$scratch/req-cache/http-v2" "$fx/pylock-req-cache/"
echo "pylock fixtures written from $scratch"
