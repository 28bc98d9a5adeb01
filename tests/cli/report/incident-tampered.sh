# Incident (c): the same version with different content, edited on disk
# after install.  Must yield D01 (same version, different content) against
# the baseline, and P10 from the snapshot alone (files differ from the
# published tarball in the npm cache).
. "$CAIRN_SRC/tests/cli/report/common.inc"
snap_pair "$S/incidents/tampered/before" "$S/incidents/tampered/after"
report --baseline before.cairn --snapshot after.cairn \
	--no-timestamp --format json -o r.json
has_id r.json CAIRN-D01
has_id r.json CAIRN-P10
lacks_id r.json CAIRN-D02
jq -e '.findings[] | select(.id == "CAIRN-D01") | .evidence[] |
	select(.file == "node_modules/@acme/mcp-server/index.js")' r.json >/dev/null ||
	fail "D01 does not name the edited file"
jq -e '.findings[] | select(.id == "CAIRN-P10") | .evidence[] |
	select(.file == "node_modules/@acme/mcp-server/index.js" and .detail == "modified")' r.json >/dev/null ||
	fail "P10 does not name the modified file"
# the lone snapshot already says it
report --snapshot after.cairn --no-timestamp --format json -o lone.json
has_id lone.json CAIRN-P10
rc=0
"$CAIRN_BIN/cairn-report" --snapshot after.cairn --fail-on critical -o lone.html || rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on critical: exit $rc"
report --snapshot before.cairn --no-timestamp --format json -o good.json
lacks_id good.json CAIRN-P10
exit 0
