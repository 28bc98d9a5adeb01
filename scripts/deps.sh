#!/bin/sh
# The one list of what cairn needs from Debian (12, bookworm).  Installs what
# is missing when run as root; otherwise prints the exact command to run.
# Build and test: compiler, pkg-config, the libraries, check, and the tools
# the end-to-end tests drive (jq, zstd, git, tcpdump-free: we write pcaps).
# chromium: the report's browser test loads the HTML in headless Chromium.
# python3-venv: the fresh-venv test makes a real venv (ensurepip, offline).
# python3-packaging: the PEP 508 marker evaluator pip uses, the oracle of
# tests/cli/snap-packages/pylock-markers.sh.
# python3-virtualenv: the venv poetry and pipenv make (its seeded pip lists
# bytecode it never wrote: tests/cli/snap-packages/pylock-virtualenv.sh).
# systemd: systemd-analyze verifies the sample units; python3-yaml reads the
# sample CI files; debhelper and lintian: make deb (dpkg-buildpackage).
# libpsl-dev: the Public Suffix List (cairn-capture groups DNS lookups by
# registrable domain to see DNS tunnels).
# ca-certificates: the trust store cairn-capture verifies servers'
# certificate chains against (a name is confirmed by a chain that verifies).
# libyaml-dev: pnpm-lock.yaml and .modules.yaml (YAML lockfiles).
# liburing-dev: a cold snapshot reads each directory's files ahead in one
# io_uring submission (lib/dirahead.c; one device notification per batch).
# cmark-gfm: tests/cli/report/markdown-render renders report.md with a real
# CommonMark (GitHub-flavoured) implementation.
# DuckDB: tests/cli/snap/fleet-sql runs docs/FLEET.md's SQL over stored
# snapshots.  Debian 12 has no DuckDB package; the npm registry's
# @duckdb/node-api carries the prebuilt library (Linux x86_64 and aarch64),
# installed pinned with npm (Debian's npm, which brings nodejs, when no npm
# is on PATH) into CAIRN_DUCKDB_DIR (/usr/local/lib/cairn-duckdb).
# strace: tests/cli/snap-packages/pnpm-many-builds counts how often a
# lockfile is opened (once per tree, not once per package with builds).
# Optional (bench): set CAIRN_DEPS_EXTRA=1 or run with --all.
set -eu
DUCKDB_DIR=${CAIRN_DUCKDB_DIR:-/usr/local/lib/cairn-duckdb}
DUCKDB_PKG=@duckdb/node-api@1.5.6-r.1

BASE="build-essential pkg-config libgit2-dev libzstd-dev libssl-dev libxxhash-dev
libpcap-dev libjansson-dev zlib1g-dev libpsl-dev libzip-dev libyaml-dev liburing-dev check jq zstd git gzip coreutils python3 xxhash
python3-jsonschema python3-packaging python3-venv python3-virtualenv python3-yaml systemd debhelper lintian
chromium ca-certificates cmark-gfm strace"
EXTRA="hyperfine aide tshark tcpdump time"

want="$BASE"
if [ "${1:-}" = "--all" ] || [ "${CAIRN_DEPS_EXTRA:-0}" = 1 ]; then
	want="$BASE $EXTRA"
fi

duckdb=0
case "$(uname -m)" in
x86_64 | aarch64)
	[ -f "$DUCKDB_DIR/node_modules/@duckdb/node-api/package.json" ] || duckdb=1 ;;
esac
if [ $duckdb = 1 ] && ! command -v npm >/dev/null 2>&1; then
	want="$want npm"
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing$missing" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq --no-install-recommends $missing >&2
	else
		echo "deps: missing packages:$missing" >&2
		echo "deps: run: sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi

if [ $duckdb = 1 ]; then
	if [ "$(id -u)" = 0 ] || [ -w "$(dirname "$DUCKDB_DIR")" ]; then
		echo "deps: installing $DUCKDB_PKG into $DUCKDB_DIR" >&2
		mkdir -p "$DUCKDB_DIR"
		npm install --prefix "$DUCKDB_DIR" --no-audit --no-fund --loglevel=error \
			"$DUCKDB_PKG" >&2
	else
		# not fatal: only tests/cli/snap/fleet-sql needs it (and says so)
		echo "deps: DuckDB missing: run: sudo npm install --prefix $DUCKDB_DIR $DUCKDB_PKG" >&2
	fi
fi
