#!/bin/sh
# The small fixtures made with real npm: lockfile v1, v2, v3, a hidden
# lockfile only, and a hand-tampered install (modified file, package not
# locked, integrity-less entry, locked but missing, other registry host).
set -eu
fx="$CAIRN_SRC/tests/fixtures/packages"
recs() { zstd -dcq "$1" | jq -c 'select(.type == "package") | [.path, .version, .locked_version, .flags, .files.status]'; }
for v in npm-v1 npm-v2 npm-v3; do
	cairn-snap -q --npm-cache "$fx/npm-cache/_cacache" -o "$v.cairn" "$fx/$v"
	recs "$v.cairn" > "$v.out"
	printf '%s\n' '["node_modules/is-number","7.0.0","7.0.0",["no_resolved"],"verified"]' \
		'["node_modules/ms","2.1.3","2.1.3",["no_resolved"],"verified"]' > want
	cmp "$v.out" want
done
cairn-snap -q --npm-cache "$fx/npm-cache/_cacache" -o t.cairn "$fx/npm-tampered"
recs t.cairn > t.out
cat t.out
printf '%s\n' '["node_modules/extra","0.0.1",null,["extraneous","install_script","not_locked"],"no_integrity"]' \
	'["node_modules/is-number","7.0.0","7.0.0",["integrity_from_hidden_lockfile","no_integrity"],"verified"]' \
	'["node_modules/left-pad",null,"1.3.0",["locked_missing"],"not_installed"]' \
	'["node_modules/ms","2.1.3","2.1.3",["files_modified","resolved_other_host"],"verified"]' > want
cmp t.out want
# the lifecycle scripts npm ran, from the logs next to the cache
zstd -dcq t.cairn | jq -c 'select(.type == "npm_script") | [.package, .event, .script, .exit_code]' > s.out
printf '%s\n' '["dep@1.0.0","preinstall","true",0]' '["dep@1.0.0","postinstall","echo hi > out.txt",0]' > want
cmp s.out want
