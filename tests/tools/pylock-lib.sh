# tests/tools/pylock-lib.sh: what the Python lockfile fixture generators
# (pylock-fixtures.sh, pylock-markers-fixtures.sh) share, sourced from the
# source tree ($src) once the script has checked it runs there:
#   . "$src/tests/tools/pylock-lib.sh"
# (POSIX sh).  Sets fx, the fixtures folder, and keeps the user's pip
# configuration out of the installs.
fx="$src/tests/fixtures/packages"
unset PIP_FIND_LINKS PIP_INDEX_URL
export PIP_CONFIG_FILE=/dev/null

# pyindex_serve: the wheels of $fx/pylock-wheels as a PEP 503 "simple"
# index in $scratch/idx, served on 127.0.0.1 by tests/tools/pyindex.py
# (with PyPI's caching headers) until the script exits; sets index, its
# URL, and server, the server's pid
pyindex_serve() {
	mkdir -p "$scratch/idx/simple"
	for d in "$fx"/pylock-wheels/*/; do
		n=$(basename "$d")
		mkdir -p "$scratch/idx/simple/$n"
		cp "$d"*.whl "$scratch/idx/simple/$n/"
		(cd "$scratch/idx/simple/$n" && {
			echo '<html><body>'
			for f in *.whl; do
				echo "<a href=\"$f#sha256=$(sha256sum "$f" | cut -d' ' -f1)\">$f</a><br>"
			done
			echo '</body></html>'
		} > index.html)
	done
	rm -f "$scratch/port"
	python3 "$src/tests/tools/pyindex.py" "$scratch/idx" > "$scratch/port.tmp" &
	server=$!
	trap 'kill $server' EXIT
	i=0
	while [ ! -s "$scratch/port.tmp" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	mv "$scratch/port.tmp" "$scratch/port"
	index="http://127.0.0.1:$(cat "$scratch/port")/simple"
}

# site_copy FROM TO NAME...: what is committed of a venv's site-packages
# FROM: the folders NAME (a lock's packages and their dist-info, not the
# seeds the venv was made with: pip, setuptools) copied to TO without
# __pycache__, and the launchers their RECORD lists (../../../bin/...)
site_copy() {
	from=$1 to=$2
	shift 2
	mkdir -p "$to"
	for d in "$@"; do
		cp -a "$from/$d" "$to/"
	done
	find "$to" -name __pycache__ -prune -exec rm -rf {} +
	mkdir -p "$to/../../../bin"
	for r in "$to"/*.dist-info/RECORD; do
		grep '^\.\./\.\./\.\./bin/' "$r" | cut -d, -f1 | while read -r l; do
			cp -a "$from/$l" "$to/../../../bin/"
		done
	done
}

# poetry_project DESCRIPTION < DEPENDENCIES: p=$scratch/poetry, a new
# folder holding the poetry project agent-app 0.1.0 (package agent_app)
# that resolves against the local index (pyindex_serve); its
# [tool.poetry.dependencies] are python ^3.11 and the lines read from
# stdin (which may go on with further tables: a dev group)
poetry_project() {
	p="$scratch/poetry"
	rm -rf "$p" && mkdir -p "$p/agent_app"
	deps=$(cat)
	cat > "$p/pyproject.toml" <<TOML
[tool.poetry]
name = "agent-app"
version = "0.1.0"
description = "$1"
authors = ["cairn tests <tests@example.invalid>"]

[tool.poetry.dependencies]
python = "^3.11"
$deps

[[tool.poetry.source]]
name = "local"
url = "$index"
default = true

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
TOML
	echo 'NAME = "agent-app"' > "$p/agent_app/__init__.py"
}

# pipenv_install < TABLES: p=$scratch/pipenv, a new folder whose Pipfile
# has the local index as its source, the tables read from stdin
# ([packages], [dev-packages]) and Python 3.11; locked and installed there
# (pipenv lock; pipenv sync) into .venv with the cache $scratch/pipenv-cache
pipenv_install() {
	p="$scratch/pipenv"
	rm -rf "$p" && mkdir -p "$p"
	tables=$(cat)
	cat > "$p/Pipfile" <<TOML
[[source]]
url = "$index"
verify_ssl = false
name = "local"

$tables

[requires]
python_version = "3.11"
TOML
	(cd "$p" && export PIPENV_VENV_IN_PROJECT=1 PIPENV_CACHE_DIR="$scratch/pipenv-cache" \
		PIP_CACHE_DIR="$scratch/pipenv-cache" PIPENV_PYTHON=/usr/bin/python3 &&
		pipenv lock && pipenv sync)
}
