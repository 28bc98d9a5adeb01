#!/bin/sh
# cairn-report --store REPO --sweep: a store with three host roots and
# twelve nightly snapshots each (days 1..12, times given with --created):
# every root has semver 7.5.1 (GHSA-c2qf-rxjj-qqgw) all along; web-1 gets
# postmark-mcp 1.0.16 (MAL-2025-47604) on day 4 and loses it on day 7;
# web-2 gets a planted file (an --ioc sha256:) on day 9 that is still
# there.  The sweep must name exactly those roots, the first and last
# snapshots of each interval and the one where it was gone (creation times
# and commits, checked against git log), still-present flags, in JSON,
# Markdown and HTML; --branches and --since narrow it; exit 1 on a match,
# 0 on none, 2 on trouble.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need git git
K=$CAIRN_SRC/tests/fixtures/known
O=$CAIRN_SRC/tests/fixtures/osv

# the clean tree: the real npm install without postmark-mcp
fixture_copy "$K/host/app" clean
rm -rf clean/node_modules/postmark-mcp clean/.mcp.json clean/requirements.txt clean/*.tgz
jq 'del(.dependencies["postmark-mcp"])' clean/package.json > p.json && mv p.json clean/package.json
jq 'del(.packages[""].dependencies["postmark-mcp"]) | del(.packages["node_modules/postmark-mcp"])' \
	clean/package-lock.json > p.json && mv p.json clean/package-lock.json
jq 'del(.packages["node_modules/postmark-mcp"])' clean/node_modules/.package-lock.json > p.json &&
	mv p.json clean/node_modules/.package-lock.json
printf 'payload\n' > planted.bin
PLANTED=$(sha256sum planted.bin | cut -d' ' -f1)
printf 'sha256:%s\tplanted on web-2\nnpm:postmark-mcp@1.0.16\n' "$PLANTED" > iocs.txt

for day in 01 02 03 04 05 06 07 08 09 10 11 12; do
	for h in web-1 web-2 ci-1; do
		rm -rf "$h"
		cp -a clean "$h"
		if [ "$h" = web-1 ] && [ "$day" -ge 4 ] && [ "$day" -le 6 ]; then
			cp -a "$K/host/app/node_modules/postmark-mcp" "$h/node_modules/"
		fi
		if [ "$h" = web-2 ] && [ "$day" -ge 9 ]; then
			cp planted.bin "$h/.cache-x"
		fi
		cairn-snap -q --env-key env.key --created "2026-03-${day}T02:00:00Z" \
			--store store "$h" -o "$h.cairn"
	done
done

summary() {
	jq -r '.matches[] | "\(.severity) \(.rule) \(.id) \(.package // "") \(.version // "") fix=\(.fix // "-")",
		(.hosts[] | "  \(.root) still_present=\(.still_present)",
			(.intervals[] | "    \(.first.created) .. \(.last.created) gone=\(.gone.created // "-") places=\([.places[] | .file // .host] | join(","))"))' "$1"
	jq -c '.verdict' "$1"
}
run cairn-report --store store --sweep --advisories "$O" --ioc iocs.txt -o sweep.json
summary sweep.json
# every first/last/gone commit is the branch's commit of that night
for b in $(git -C store for-each-ref --format='%(refname:short)' refs/heads/cairn); do
	git -C store log --reverse --format='%H' "$b" > commits.txt
	[ "$(wc -l < commits.txt)" -eq 12 ] || fail "$b: $(wc -l < commits.txt) commits"
done
jq -r '.matches[].hosts[] as $h | $h.intervals[] | [$h.branch, .first.commit, .first.created,
	.last.commit, .last.created, (.gone.commit // ""), (.gone.created // "")] | @tsv' sweep.json |
while IFS="$(printf '\t')" read -r b fc fcr lc lcr gc gcr; do
	for pair in "$fc $fcr" "$lc $lcr" ${gc:+"$gc $gcr"}; do
		set -- $pair
		day=$(printf '%s' "$2" | cut -c9-10)
		want=$(git -C store log --reverse --format='%H' "$b" | sed -n "$(expr "$day" + 0)p")
		[ "$1" = "$want" ] || fail "$b day $day: commit $1, want $want"
	done
done

# Markdown and HTML: the same facts
run cairn-report --store store --sweep --advisories "$O" --ioc iocs.txt --format md -q -o sweep.md
grep -F 'MAL-2025-47604' sweep.md | head -1
grep -c 'still present' sweep.md
run cairn-report --store store --sweep --ioc iocs.txt -q -o sweep.html
grep -c '<tr><td><code>' sweep.html

# narrower: one branch glob, a start date, a set that matches nothing
run cairn-report --store store --sweep --ioc iocs.txt --branches '*web-2*' --format json -q -o w2.json
summary w2.json
run cairn-report --store store --sweep --advisories "$O" --since 2026-03-08 --format json -q -o since.json
summary since.json
printf 'host:nothing.test\n' > none.txt
run cairn-report --store store --sweep --ioc none.txt --format json -q -o none.json
jq -c '.verdict' none.json

# trouble
run cairn-report --store store --sweep -o x.json
run cairn-report --store store --sweep --ioc iocs.txt --format sarif -o x.json
run cairn-report --store nonexistent --sweep --ioc iocs.txt -o x.json
[ ! -e x.json ] || fail "written despite trouble"
