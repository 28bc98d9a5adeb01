#!/bin/sh
# make demo: the whole incident story on samples/, offline.
#
#   1. snapshot an agent host installed while @acme/mcp-server 1.0.0 was
#      the latest release (samples/good), into a store with content;
#   2. the same host after a reinstall picked up 1.0.1, a patch release
#      that adds a postinstall script and code posting data to an unknown
#      host (samples/compromised); snapshot again;
#   3. the first evidence: cairn-diff of the two snapshots, with patches;
#   4. the egress: cairn-capture of the agent host's traffic against the
#      allowlist (samples/egress.pcap, samples/allow.txt);
#   5. cairn-report: out/report.html, out/report.md, out/report.json.
#
# The story has one clock (UTC), the same on every run: 1.0.0 installed on
# 2026-11-20 09:14 (the npm cache's fetch times); the nightly snapshot of
# 2026-11-21 02:00; the reinstall that pulled 1.0.1 on 2026-11-22 at 14:03,
# its postinstall posting to the unknown host seconds later and the server
# again six minutes later (samples/egress.pcap); the next nightly snapshot
# on 2026-11-23 02:00, which shows the change.  File times are set with
# touch -d and the snapshots' with cairn-snap --created, so the report's
# timeline reads: baseline snapshot, install, exfiltration, snapshot.
#
# Environment: CAIRN_BIN (default ./bin), CAIRN_TOOLS (test helpers),
# DEMO_OUT (default ./out).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${CAIRN_BIN:-$src/bin}
tools=${CAIRN_TOOLS:-$src/build/default/tests/tools}
out=${DEMO_OUT:-$src/out}
samples=$src/samples
cache=$samples/npm-cache/_cacache
# The capture of the agent host (made by tests/tools/pcapgen demo; the
# capture part ships it as samples/egress.pcap).
pcap=$samples/capture/agent.pcap
[ -f "$pcap" ] || pcap=$samples/egress.pcap

for t in snap diff capture report; do
	[ -x "$bin/cairn-$t" ] || { echo "demo: $bin/cairn-$t missing: run make" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out/work"
host=$out/work/agent-host
store=$out/store

step() { printf '\n\033[1m== %s\033[0m\n' "$*" 2>/dev/null || printf '\n== %s\n' "$*"; }
[ -t 1 ] || step() { printf '\n== %s\n' "$*"; }

installed_good=2026-11-20T09:14:02Z     # npm install, 1.0.0
nightly_before=2026-11-21T02:00:00Z     # the baseline
installed_bad=2026-11-22T14:03:04Z      # npm install pulls 1.0.1
nightly_after=2026-11-23T02:00:00Z      # the snapshot that shows it
# The HMAC key of the environment values: fixed, so that two runs of the
# demo write the same snapshots (a real key is random, made on first use).
printf 'cairn demo env key: not secret!!' > "$out/work/env.key"

# stamp TIME PATH...: set the mtime of every file and folder below PATH
stamp() {
	t=$1
	shift
	find "$@" -exec touch -h -d "$t" {} +
}

step "1. snapshot of the known-good install (@acme/mcp-server 1.0.0)"
cp -a "$samples/good" "$host"
stamp "$installed_good" "$host"
"$bin/cairn-snap" -q --npm-cache "$cache" --env-key "$out/work/env.key" \
	--created "$nightly_before" \
	--store "$store" --store-content "$host" -o "$out/baseline.cairn"
echo "wrote $out/baseline.cairn"

step "2. the same host after a reinstall pulled @acme/mcp-server 1.0.1"
rm -rf "$host"
cp -a "$samples/compromised" "$host"
stamp "$installed_good" "$host"
# what the reinstall wrote carries its time
(cd "$samples/compromised" && find . -type f) | while IFS= read -r f; do
	cmp -s "$samples/compromised/$f" "$samples/good/$f" ||
		touch -d "$installed_bad" "$host/$f" "$(dirname "$host/$f")"
done
"$bin/cairn-snap" -q --npm-cache "$cache" --env-key "$out/work/env.key" \
	--created "$nightly_after" \
	--store "$store" --store-content "$host" -o "$out/snapshot.cairn"
echo "wrote $out/snapshot.cairn"
branch=$(git -C "$store" for-each-ref --format='%(refname:short)' refs/heads/cairn | head -n 1)

step "3. first evidence: what changed between the two installs (cairn-diff)"
rc=0
"$bin/cairn-diff" --color=never --findings --patch --store "$store" "$branch~1" "$branch" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

step "4. egress of the agent host against the allowlist (cairn-capture)"
if [ ! -f "$pcap" ]; then
	# The capture is built packet by packet by the test helper (no network).
	pcap=$out/work/agent.pcap
	"$tools/pcapgen" demo "$pcap"
fi
rc=0
"$bin/cairn-capture" --allow "$samples/allow.txt" "$pcap" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

step "5. the incident report (cairn-report)"
for f in html md json; do
	rc=0
	"$bin/cairn-report" --store "$store" --baseline "$branch~1" --snapshot "$branch" \
		--capture "$pcap" --allow "$samples/allow.txt" --fail-on high \
		-o "$out/report.$f" || rc=$?
	[ "$rc" -le 1 ] || exit "$rc"
done
# The verdict and findings (jq; control characters of the titles, which
# come from the inputs, are shown as '?', never sent to the terminal).
jq -r '"verdict: \(.verdict.headline)", "  \(.verdict.summary)", "",
	(.findings[] | "  \(.severity | ascii_upcase)\t\(.id)\t\(.title)")' "$out/report.json" |
	LC_ALL=C tr '\000-\010\013-\037\177' '?'
echo
echo "report: $out/report.html  $out/report.md  $out/report.json"
echo "(cairn-report --fail-on high exits $rc: the CI gate would stop here)"
