#!/bin/sh
# --json output of several captures validates against docs/capture-schema.json
# (python3-jsonschema, which scripts/deps.sh installs).
set -u
. "$CAIRN_SRC/tests/cli/lib.sh"
need_py jsonschema python3-jsonschema
fx="$CAIRN_SRC/tests/fixtures/capture"
i=0
for args in "-w 1m $fx/basic.pcap" "--allow $CAIRN_SRC/samples/allow.txt $CAIRN_SRC/samples/egress.pcap" \
	"--all $fx/hostile.pcap" "$fx/truncated.pcap" "--local 10.0.0.0/8 $fx/quic.pcap $fx/frag.pcap"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	cairn-capture --json $args >r$i.json 2>/dev/null
	[ $? -le 1 ] || fail "cairn-capture $args"
done
python3 - "$CAIRN_SRC/docs/capture-schema.json" r*.json <<'PY' || fail "schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for f in sys.argv[2:]:
    errors = list(v.iter_errors(json.load(open(f))))
    for e in errors[:5]:
        print(f, list(e.path), e.message)
    if errors:
        sys.exit(1)
PY
exit 0
