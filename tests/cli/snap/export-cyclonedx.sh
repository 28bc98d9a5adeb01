#!/bin/sh
# cairn-snap export --cyclonedx: a real npm install (tests/fixtures/known),
# a pip site-packages (tests/fixtures/packages/pip-site), a poetry install
# verified against its locked wheels (tests/fixtures/packages/pylock-markers:
# the wheel's sha256 as a SHA-256 hash; before, pypi components had none),
# a requirements lock allowing one wheel (that sha256) and a hand-made
# scoped package with hostile bytes in its name give a CycloneDX 1.6 BOM
# that validates against the official schema (vendored, Draft 7), with one
# component per package record, purls (scope as %40, everything else
# percent-encoded), the lockfile integrity as a SHA-512 hash, the install
# path as a property, the lock graph as dependencies; the same snapshot
# gives the same bytes; errors exit 2 and write nothing.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need_py jsonschema python3-jsonschema
fixture_copy "$CAIRN_SRC/tests/fixtures/known/host" host
cp -R "$CAIRN_SRC/tests/fixtures/packages/pip-site/site-packages" host/site-packages
fixture_copy "$CAIRN_SRC/tests/fixtures/packages/pylock-markers/poetry" host/poetry
mkdir -p "host/app/node_modules/@evil/x"
printf '{"name":"@evil/x y#?","version":"1.0.0+build"}\n' > "host/app/node_modules/@evil/x/package.json"
cairn-snap -q --env-key env.key --pip-cache "$CAIRN_SRC/tests/fixtures/packages/pylock-wheels" \
	host -o s.cairn

run cairn-snap export --cyclonedx -o bom.json s.cairn
jq -r '.components[] | [.purl // "-", .version // "-", (.hashes[0].alg // "-"),
	((.properties // [])[] | select(.name == "cairn:install_path") | .value)] | @tsv' bom.json
jq -c '.dependencies[]' bom.json
# the verified wheel's sha256 is the hash of the very file in the cache
want=$(sha256sum "$CAIRN_SRC/tests/fixtures/packages/pylock-wheels/example/example-21.12-py3-none-any.whl" | cut -d' ' -f1)
got=$(jq -r '.components[] | select(.purl == "pkg:pypi/example@21.12") | .hashes[0].content' bom.json)
[ "$got" = "$want" ] || fail "example's SHA-256 is '$got', its wheel's is $want"
jq -r '.bomFormat, .specVersion, (.serialNumber | test("^urn:uuid:[0-9a-f-]{36}$"))' bom.json
python3 -W ignore::DeprecationWarning - "$CAIRN_SRC/tests/fixtures/cyclonedx" bom.json <<'PY' || fail "bom.json does not validate"
import json, os, sys
import jsonschema
d = sys.argv[1]
load = lambda n: json.load(open(os.path.join(d, n)))
schema = load("bom-1.6.schema.json")
store = {s["$id"]: s for s in (load("spdx.schema.json"), load("jsf-0.82.schema.json"))}
resolver = jsonschema.RefResolver.from_schema(schema, store=store)
jsonschema.Draft7Validator(schema, resolver=resolver).validate(json.load(open(sys.argv[2])))
PY
# the same snapshot, the same bytes (stdout and -o alike)
cairn-snap export --cyclonedx s.cairn > again.json
cmp bom.json again.json || fail "export is not deterministic"

# trouble: no format, no snapshot, a file that is not a snapshot
run cairn-snap export s.cairn
run cairn-snap export --cyclonedx
printf 'not a snapshot\n' > bad.cairn
run cairn-snap export --cyclonedx -o out.json bad.cairn
[ ! -e out.json ] || fail "written despite trouble"
