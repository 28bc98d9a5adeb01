#!/bin/sh
# samples/systemd and samples/cron: the units pass systemd-analyze verify
# (with the man pages they name) and a security review; the crontab line is
# well-formed; cairn-nightly does the whole job end to end on a scratch
# tree: first night (no baseline: posture report, a warning), --accept, a
# clean night (exit 0, silent under cron), a tampered night (exit 1, one
# warning on stderr and the same to syslog through logger(1), report and
# diff written), a journal line with its level under systemd, and trouble
# (a forged previous snapshot, --accept before any run) as exit 2.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need systemd-analyze systemd
need git git
need logger bsdutils
need flock util-linux
S=$CAIRN_SRC/samples
W=$S/cron/cairn-nightly

# ---- systemd units
mkdir units man man/man1
cp "$S/systemd/cairn-snap@.service" "$S/systemd/cairn-snap@.timer" units/
ln -s "$CAIRN_SRC"/docs/*.1 man/man1/
sed -i "s|^ExecStart=/usr/local/bin/cairn-nightly |ExecStart=$W |" units/cairn-snap@.service
grep -q "^ExecStart=$W %f$" units/cairn-snap@.service || fail "ExecStart not found"
rc=0
(cd units && MANPATH=$PWD/../man systemd-analyze verify \
	./cairn-snap@srv-app.service ./cairn-snap@srv-app.timer) > verify.out 2>&1 || rc=$?
[ $rc = 0 ] && [ ! -s verify.out ] || fail "systemd-analyze verify: exit $rc: $(cat verify.out)"
for d in ProtectSystem=strict ReadOnlyPaths=%f NoNewPrivileges=yes PrivateNetwork=yes \
	 CapabilityBoundingSet=CAP_DAC_READ_SEARCH; do
	grep -qx "$d" units/cairn-snap@.service || fail "unit lacks $d"
done
systemd-analyze security --offline=true units/cairn-snap@srv-app.service > sec.out 2>&1 ||
	fail "systemd-analyze security: $(tail -n 3 sec.out)"
exposure=$(sed -n 's/^.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' sec.out)
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' ||
	fail "exposure level '$exposure' above 2.0"
echo "systemd-analyze security: exposure $exposure"

# ---- crontab: five time fields, a user, the wrapper
line=$(grep -v '^#' "$S/cron/crontab" | grep -v '=' | grep .)
[ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || fail "crontab: want one job line"
printf '%s\n' "$line" | awk '{ if (NF < 7 || $6 != "root" || $0 !~ / cairn-nightly \//) exit 1 }' ||
	fail "crontab line: $line"
[ "$(tail -c 1 "$S/cron/crontab" | od -An -c | tr -d ' ')" = '\n' ] ||
	fail "crontab must end with a newline (cron ignores the last line otherwise)"

# ---- the job, end to end
export CAIRN_STATE=$PWD/state CAIRN_CONF=/nonexistent CAIRN_BIN
cairn-snap keygen -o k > /dev/null
export CAIRN_SIGN_KEY=$PWD/k.key CAIRN_PUBKEY=$PWD/k.pub CAIRN_FAIL_ON=critical
export CAIRN_SNAP_OPTS="--npm-cache $S/npm-cache/_cacache"
unset JOURNAL_STREAM || :
# syslog: a real logger(1) writes to a datagram socket read here
sock=$PWD/log.sock
python3 - "$sock" > syslog.txt <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
try:
    while True:
        d = s.recv(65536).decode("utf-8", "replace")
        print(d, flush=True)
        if "FINDINGS" in d:
            break
except socket.timeout:
    pass
PY
reader=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
export CAIRN_SYSLOG_SOCKET=$sock

# night RC: run the job on ./host, want exit RC
night() {
	rc=0
	"$W" "$@" > out.txt 2> err.txt || rc=$?
	[ "$rc" = "$want" ] || fail "cairn-nightly $*: exit $rc, want $want: $(cat err.txt)"
	[ ! -s out.txt ] || fail "cairn-nightly printed on stdout: $(cat out.txt)"
}
cp -a "$S/incidents/tampered/before" host
root=$(cd host && pwd -P)

# first night: no baseline yet
want=0 night host
[ "$(wc -l < err.txt)" = 1 ] || fail "first night: $(cat err.txt)"
grep -q "^cairn-nightly: $root: no baseline 'known-good/[^']*' in $PWD/state/store.git yet: the report covers posture only; review it, then run: cairn-nightly --accept $root\$" err.txt ||
	fail "first night: $(cat err.txt)"
dir=$(echo state/roots/*)
[ -s "$dir/last.cairn" ] || fail "no previous snapshot kept"
cairn-snap verify --pubkey k.pub "$dir/last.cairn" > /dev/null || fail "kept snapshot not signed"
[ "$(ls state/reports/*/*.html | wc -l)" = 1 ] || fail "first report"

want=0 night --accept host
grep -q "^cairn-nightly: $root: known-good/.* is now [0-9a-f]\{40\}\$" err.txt || fail "--accept: $(cat err.txt)"
tag=$(git --git-dir=state/store.git tag -l 'known-good/*')
[ -n "$tag" ] || fail "no tag"

# a clean night: silent, exit 0, reuse of the previous snapshot
want=0 night host
[ ! -s err.txt ] || fail "clean night printed: $(cat err.txt)"
zstdcat "$dir/last.cairn" | tail -n 1 | jq -e '.reuse.reused > 0' > /dev/null ||
	fail "the second night did not reuse the first"
want=0 night -v host
grep -q "^cairn-nightly: $root: clean at critical (compared with $tag): .*; passes at --fail-on critical; report $PWD/state/reports/.*\.html\$" err.txt ||
	fail "-v: $(cat err.txt)"

# the tampered night: an installed file edited on disk; retention runs
# after it (everything on one day: the newest, and the tagged baseline)
rm -rf host
cp -a "$S/incidents/tampered/after" host
commits_before=$(git --git-dir=state/store.git rev-list --count --all)
CAIRN_PRUNE="--keep-daily 1" want=1 night host
[ "$(git --git-dir=state/store.git rev-list --count --all)" -lt "$((commits_before + 1))" ] ||
	fail "CAIRN_PRUNE did not prune"
git --git-dir=state/store.git merge-base --is-ancestor "$tag" \
	"$(git --git-dir=state/store.git for-each-ref --format='%(refname)' refs/heads/cairn)" ||
	fail "prune dropped the baseline"
out=$(git --git-dir=state/store.git fsck --full --strict 2>&1) && [ -z "$out" ] ||
	fail "git fsck after the nightly prune: $out"
[ "$(wc -l < err.txt)" = 1 ] || fail "tampered night: $(cat err.txt)"
grep -q "^cairn-nightly: $root: FINDINGS (compared with $tag): Compromise indicators found: act now; [0-9]* findings: [1-9][0-9]* critical, .*; fails at --fail-on critical; report $PWD/state/reports/.*\.html\$" err.txt ||
	fail "tampered night: $(cat err.txt)"
report=$(sed -n 's/.*; report //p' err.txt)
grep -q 'CAIRN-D01' "$report" || fail "the report lacks the tampered file's finding"
grep -q 'critical  *CAIRN-D01' "${report%.html}.diff.txt" || fail "diff: $(tail -n 5 "${report%.html}.diff.txt")"
wait $reader || :
grep -q "cairn-nightly: $root: FINDINGS" syslog.txt || fail "syslog: $(cat syslog.txt)"
grep -q '^<12>' syslog.txt || fail "syslog priority (user.warning = <12>): $(head -c 80 syslog.txt)"
unset CAIRN_SYSLOG_SOCKET
export CAIRN_SYSLOG=0

# under systemd: the journal takes the level from a <N> prefix
rc=0
JOURNAL_STREAM=8:1234 "$W" host 2> journal.txt || rc=$?
[ $rc = 1 ] || fail "journal run: exit $rc"
grep -q "^<4>cairn-nightly: $root: FINDINGS" journal.txt || fail "journal: $(cat journal.txt)"

# trouble: a forged previous snapshot is refused, never replaced by a full run
zstdcat "$dir/last.cairn" | sed '2s/"size":[0-9]*/"size":1/' | zstd -q -f -o "$dir/last.cairn"
want=2 night host
grep -q "^cairn-nightly: $root: cairn-snap failed: .*last.cairn" err.txt || fail "forged: $(cat err.txt)"
rm -rf state
want=2 night --accept host
grep -q "nothing stored yet" err.txt || fail "--accept first: $(cat err.txt)"
want=2 night no-such-dir
"$W" --help > help.txt || fail "--help exit"
grep -q '^  cairn-nightly --accept ROOT ' help.txt || fail "--help: $(head -n 3 help.txt)"
[ "$("$W" --version)" = "cairn-nightly (cairn) $(cairn-snap --version | cut -d ' ' -f 2)" ] ||
	fail "--version: $("$W" --version)"
