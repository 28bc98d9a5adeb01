#!/bin/sh
# cairn-nightly under what cairn-snap@.service allows: no network
# (PrivateNetwork=yes), the root mounted read-only (ReadOnlyPaths=%f), no
# new privileges, and CAP_DAC_READ_SEARCH as the only capability
# (CapabilityBoundingSet=).  A file and a folder of another user, mode
# 0600/0700, are still read and hashed, and the run succeeds.  Needs root
# (a mount namespace, and a capability to drop).
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (a mount namespace, capabilities to drop)"
need unshare util-linux
need setpriv util-linux
need git git
S=$CAIRN_SRC/samples
W=$S/cron/cairn-nightly
grep -qx 'CapabilityBoundingSet=CAP_DAC_READ_SEARCH' "$S/systemd/cairn-snap@.service" ||
	fail "the unit's capabilities changed: update this test"

cp -a "$S/good" host
mkdir host/private
echo "secret notes" > host/private/notes.txt
echo "another user's file" > host/theirs.txt
chown -R 65534:65534 host/private host/theirs.txt
chmod 0700 host/private
chmod 0600 host/private/notes.txt host/theirs.txt
root=$(cd host && pwd -P)
cairn-snap keygen -o k > /dev/null

rc=0
env CAIRN_STATE="$PWD/state" CAIRN_CONF=/nonexistent CAIRN_SYSLOG=0 \
	CAIRN_SIGN_KEY="$PWD/k.key" CAIRN_PUBKEY="$PWD/k.pub" CAIRN_FAIL_ON=critical \
	unshare --mount --net --propagation private sh -c '
	mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 3
	if touch "$1/x" 2> /dev/null; then exit 4; fi
	exec setpriv --no-new-privs --bounding-set=-all,+dac_read_search \
		"$2" -v "$1"' sh "$root" "$W" > out.txt 2> err.txt || rc=$?
[ $rc = 0 ] || fail "hardened run: exit $rc: $(cat err.txt)"
grep -q "^cairn-nightly: $root: clean at critical" err.txt || fail "$(cat err.txt)"
snap=$(echo state/roots/*/last.cairn)
for p in theirs.txt private/notes.txt; do
	zstdcat "$snap" | jq -n -e --arg p "$p" \
		'[inputs | select(.type == "entry" and .path == $p)] |
		 length == 1 and (.[0] | .sha256 and (has("err") | not))' > /dev/null || fail "$p not hashed: $(zstdcat "$snap" | grep -F "\"$p\"")"
done
zstdcat "$snap" | tail -n 1 | jq -e '.errors == 0' > /dev/null || fail "errors in the snapshot"
