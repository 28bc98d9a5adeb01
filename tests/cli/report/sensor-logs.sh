#!/bin/sh
# cairn-report --capture takes the logs a Zeek or Suricata sensor wrote
# (told by content, as cairn-capture tells them): the egress table, the
# capture rules (here CAIRN-E03: a CONNECT target only the client named)
# and the provenance line, which says what each file is.  Suites' own logs
# from tests/fixtures/logs.  Golden files beside.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
fx="$CAIRN_SRC/tests/fixtures/logs"
fixture_copy "$CAIRN_SRC/samples/good" good
cairn-snap -q good -o good.cairn
cp "$fx/zeek/http-connect-with-header/conn.log" conn.log
cp "$fx/zeek/http-connect-with-header/http.log.gz" http.log.gz
cp "$fx/suricata/tls-json-output-ids/eve.json" eve.json
printf 'secure.newegg.com\nwww.google.com\n' >allow.txt

egress() { # the report's egress table, capture findings and inputs
	_rc=0
	cairn-report --snapshot good.cairn --allow allow.txt --format json -o r.json "$@" 2>/dev/null || _rc=$?
	jq -c '.egress[]|[.host,.status,.ports,.connections,.bytes_out,.bytes_in]' r.json
	jq -c '.findings[]|select(.rule|test("egress|capture|resolver|dns"))|[.rule,.severity,.title]' r.json
	jq -c '.provenance.inputs[]|select(.role=="capture")|[.file,.signature]' r.json
	return $_rc
}
# Zeek conn.log + http.log (gzip'd), joined by uid
run egress --capture conn.log --capture http.log.gz
# Suricata eve.json: one TLS event (SNI www.google.com)
run egress --capture eve.json
