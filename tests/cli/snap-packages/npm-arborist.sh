#!/bin/sh
# npm trees from npm's own tree-loader fixtures (tests/fixtures/packages/
# npm-arborist/README.md) where cairn-snap disagreed with @npmcli/arborist
# (tests/tools/arborist-compare.sh): a link is a record of its own with
# the dependents that resolve to it (links to another installed package,
# to the root itself, chains of links, links to file: folders and to
# workspace members), a dangling and a looping link are recorded with
# their flag, a package folder without package.json is recorded with its
# error, a file: folder's dependencies resolve upward from where it lies,
# a package reached only through an extraneous one is extraneous too, and
# so is everything in a project folder that only extraneous links lead to
# (workspace3: the root's manifest requires none of its links).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
fx="$CAIRN_SRC/tests/fixtures/packages/npm-arborist"
for t in selflink links-all-over badlink cli-750 workspaces-simple optional-metadep-install-fail workspace2 workspace3; do
	fixture_copy "$fx/$t" "$t"
	run cairn-snap -q -o "$t.cairn" "$t"
	zstd -dcq "$t.cairn" | jq -c 'select(.type == "package") | [.project, .path, .name, .version,
		(.flags - ["no_lockfile", "not_locked", "no_resolved", "no_integrity"]), .link_target,
		[.required_by[] | .from + ":" + .section]]'
	zstd -dcq "$t.cairn" | jq -c 'select(.type == "parse_error") | [.file, .message]'
done

# a package folder without package.json in a project: recorded, with its error
mkdir -p noname/node_modules/foo noname/node_modules/ok
printf '{"name":"noname","dependencies":{"foo":"*","ok":"*"}}\n' > noname/package.json
printf 'x\n' > noname/node_modules/foo/keep-alive
printf '{"name":"ok","version":"1.0.0"}\n' > noname/node_modules/ok/package.json
run cairn-snap -q -o noname.cairn noname
zstd -dcq noname.cairn | jq -c 'select(.type == "package") | [.path, .name, .version, .flags,
	.coverage.reason, [.required_by[].from]]'
zstd -dcq noname.cairn | jq -c 'select(.type == "parse_error") | [.file, .message]'

# a project whose node_modules is a symlink (npm's
# symlinked-node-modules fixture: out of the root): recorded, not followed
mkdir -p slnm/example slnm/linked/foo
printf '{"name":"example","dependencies":{"foo":"*"}}\n' > slnm/example/package.json
printf '{"name":"foo","version":"1.0.0"}\n' > slnm/linked/foo/package.json
ln -s ../linked slnm/example/node_modules
run cairn-snap -q -o slnm.cairn slnm/example
zstd -dcq slnm.cairn | jq -c 'select(.type == "package" or .type == "parse_error") | [.type, .path, .file, .message]'
