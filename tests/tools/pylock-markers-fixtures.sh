#!/bin/sh
# Regenerate tests/fixtures/packages/pylock-markers (poetry and pipenv
# installs whose lockfiles carry PEP 508 markers and a development group)
# with the real clients, offline, as tests/tools/pylock-fixtures.sh does:
# two small wheels are built here by setuptools (pip wheel), and with the
# wheels of pylock-wheels served as a PEP 503 index on 127.0.0.1:
#   agent-plugin 1.0.0    Requires-Dist: example==21.12; python_version >= '3.8'
#                         Requires-Dist: example2==1.0.0; sys_platform == 'win32'
#   agent-devtool 1.0.0   no dependencies
# a project depending on agent-plugin, on example2 only on macOS
# (sys_platform == 'darwin'), and on agent-devtool in its dev group, is
# locked and installed without its dev group:
#   poetry (Debian python3-poetry 1.3)  poetry lock; poetry install --without dev
#   pipenv (Debian pipenv 2022.12)      pipenv lock; pipenv sync
# On Linux: agent-plugin and example installed, example2 (markers false)
# and agent-devtool (dev) not.  What is committed: lockfile, manifest,
# pyvenv.cfg, and the site-packages without the venv's seeds (pip,
# setuptools, wheel); the two built wheels go to pylock-wheels.
#
#   sh tests/tools/pylock-markers-fixtures.sh [SCRATCH]     (from the source tree)
set -eu
src=$(pwd)
[ -f "$src/lib/pylock.c" ] || { echo "run from the source tree" >&2; exit 2; }
scratch=${1:-$(mktemp -d)}
. "$src/tests/tools/pylock-lib.sh"

# the two wheels, built by setuptools
wheel_build() {
	name=$1 mod=$2 deps=$3
	rm -rf "$scratch/$name" && mkdir -p "$scratch/$name/$mod"
	cat > "$scratch/$name/pyproject.toml" <<TOML
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "$name"
version = "1.0.0"
description = "cairn test package"
dependencies = [$deps]
TOML
	echo "NAME = \"$name\"" > "$scratch/$name/$mod/__init__.py"
	(cd "$scratch/$name" && /usr/bin/python3 -m pip wheel -q --no-deps --no-build-isolation \
		-w "$scratch/dist" .)
	mkdir -p "$fx/pylock-wheels/$name"
	cp "$scratch/dist/${mod}-1.0.0-py3-none-any.whl" "$fx/pylock-wheels/$name/"
}
wheel_build agent-plugin agent_plugin \
	"\"example==21.12; python_version >= '3.8'\", \"example2==1.0.0; sys_platform == 'win32'\""
wheel_build agent-devtool agent_devtool ""

pyindex_serve

rm -rf "$fx/pylock-markers" && mkdir -p "$fx/pylock-markers"

poetry_project "an app whose locked dependencies carry PEP 508 markers" <<'TOML'
agent-plugin = "1.0.0"
example2 = {version = "1.0.0", markers = "sys_platform == 'darwin'"}

[tool.poetry.group.dev.dependencies]
agent-devtool = "1.0.0"
TOML
(cd "$p" && export POETRY_CACHE_DIR="$scratch/poetry-cache" POETRY_VIRTUALENVS_IN_PROJECT=true &&
	poetry lock -n && poetry install -n --without dev --no-root)
mkdir -p "$fx/pylock-markers/poetry/.venv"
cp "$p/pyproject.toml" "$p/poetry.lock" "$fx/pylock-markers/poetry/"
cp "$p/.venv/pyvenv.cfg" "$fx/pylock-markers/poetry/.venv/"
site_copy "$p/.venv/lib/python3.11/site-packages" "$fx/pylock-markers/poetry/.venv/lib/python3.11/site-packages" \
	agent_plugin agent_plugin-1.0.0.dist-info example example-21.12.dist-info

pipenv_install <<'TOML'
[packages]
agent-plugin = "==1.0.0"
example2 = {version = "==1.0.0", markers = "sys_platform == 'darwin'"}

[dev-packages]
agent-devtool = "==1.0.0"
TOML
mkdir -p "$fx/pylock-markers/pipenv/.venv"
cp "$p/Pipfile" "$p/Pipfile.lock" "$fx/pylock-markers/pipenv/"
cp "$p/.venv/pyvenv.cfg" "$fx/pylock-markers/pipenv/.venv/"
site_copy "$p/.venv/lib/python3.11/site-packages" "$fx/pylock-markers/pipenv/.venv/lib/python3.11/site-packages" \
	agent_plugin agent_plugin-1.0.0.dist-info example example-21.12.dist-info
echo "pylock-markers fixtures written from $scratch"
