#!/bin/sh
# cairn-snap prune on a store of 55 nightly snapshots (--created dates:
# one a night 2026-11-14 .. 2026-12-10 with two on the last night, one a
# week before that back to May): --dry-run changes nothing; the kept set
# equals an independent computation of the rules (Python's ISO calendar)
# and the counts per rule are pinned; tagged snapshots are kept and their
# tags (lightweight and annotated) still name the same snapshot bytes; a tag
# outside --keep-tag is re-rooted; the reflog and git fsck --full --strict
# are clean with nothing dangling; the content of a dropped night is gone,
# of a kept one there; the store got smaller; a second run changes nothing;
# a merge commit is refused with nothing changed; usage errors.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need git git
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org

mkdir host
echo "same every night" > host/stable.txt
i=0
night() {
	printf 'night of %s\n' "$1" > host/daily.txt
	cairn-snap -q --no-packages --created "$1" --store store --store-content host -o s.cairn
	i=$((i + 1))
}
d=0
while [ $d -lt 28 ]; do       # weekly, 2026-05-04 .. 2026-11-09 (Mondays)
	night "$(date -u -d "2026-05-04 +$((d * 7)) days" +%Y-%m-%dT03:17:00Z)"
	d=$((d + 1))
done
d=0
while [ $d -lt 27 ]; do       # nightly, 2026-11-14 .. 2026-12-10
	night "$(date -u -d "2026-11-14 +$d days" +%Y-%m-%dT03:17:00Z)"
	d=$((d + 1))
done
night 2026-12-10T23:00:00Z    # a second run on the last night
[ $i = 56 ] || fail "made $i snapshots"
G="git --git-dir=store"
branch=$($G for-each-ref --format='%(refname:short)' refs/heads/cairn)
[ "$($G rev-list --count "$branch")" = 56 ] || fail "branch length"

# tags: a baseline (lightweight), an incident (annotated), and a scratch
# tag that --keep-tag leaves out; all three on snapshots no rule keeps
at() { $G log --format=%H --author-date-order "$branch" | sed -n "$1p"; }
$G tag known-good/base "$(at 50)"
$G tag -a -m "incident 2026-07" incident-1 "$(at 45)"
$G tag scratch "$(at 40)"
for t in known-good/base incident-1 scratch; do
	$G rev-parse "$t^{commit}:snapshot.cairn" > "blob.$(echo "$t" | tr / _)"
done
gone_blob=$(printf 'night of %s\n' 2026-06-01T03:17:00Z | $G hash-object --stdin)
kept_blob=$(printf 'night of %s\n' 2026-12-09T03:17:00Z | $G hash-object --stdin)
$G cat-file -e "$gone_blob" || fail "fixture: the 06-01 content is not stored"
size_before=$(du -sb store/objects | cut -f 1)

P="--keep-daily 7 --keep-weekly 4 --keep-monthly 6 --keep-tag known-good/* --keep-tag incident-*"
# the plan
$G for-each-ref > refs.before
expect_exit 0 cairn-snap prune --store store $P --dry-run --json
mv out.txt plan.json
$G for-each-ref > refs.after
cmp refs.before refs.after || fail "--dry-run moved refs"
[ "$(du -sb store/objects | cut -f 1)" = "$size_before" ] || fail "--dry-run changed objects"
jq -e '.dry_run == true and (.branches | length) == 1' plan.json > /dev/null || fail "plan"

# the rules, independently: restic's "newest of each of the last N
# buckets", UTC days, ISO weeks, months; plus the newest and the tagged
python3 - plan.json > want.txt <<'PY'
import json, sys, datetime
b = json.load(open(sys.argv[1]))["branches"][0]["snapshots_list"]
times = [datetime.datetime.strptime(s["created"], "%Y-%m-%dT%H:%M:%SZ") for s in b]
keep = [set() for _ in b]
keep[0].add("newest")
for rule, n, key in (("daily", 7, lambda t: t.date()),
                     ("weekly", 4, lambda t: t.isocalendar()[:2]),
                     ("monthly", 6, lambda t: (t.year, t.month))):
    last = None
    for i, t in enumerate(times):
        if n == 0:
            break
        if key(t) != last:
            keep[i].add(rule)
            n -= 1
            last = key(t)
for i, s in enumerate(b):
    print(s["created"], "keep" if keep[i] or s["keep"] and "tagged" in s["reasons"] else "drop")
PY
jq -r '.branches[0].snapshots_list[] | "\(.created) \(if .keep then "keep" else "drop" end)"' plan.json > got.txt
diff -u want.txt got.txt || fail "the kept set differs from the rules"
jq -c '.branches[0] | [.snapshots, .kept, .dropped, .kept_by]' plan.json > counts.txt
echo '[56,16,40,{"newest":1,"daily":7,"weekly":4,"monthly":6,"tagged":2}]' | diff - counts.txt ||
	fail "counts per rule"

# the prune
expect_exit 0 cairn-snap prune --store store $P
grep -q "^$branch: 56 snapshots, kept 16 (newest 1, daily 7, weekly 4, monthly 6, tagged 2), dropped 40\$" out.txt ||
	fail "summary: $(cat out.txt)"
grep -q '^objects: .* -> .*; 2 tags moved, 1 re-rooted$' out.txt || fail "tags line: $(cat out.txt)"
[ "$($G rev-list --count "$branch")" = 16 ] || fail "branch has $($G rev-list --count "$branch") commits"
$G log --format=%aI "$branch" | sed 's/+00:00$/Z/' > kept.txt
grep ' keep$' want.txt | cut -d ' ' -f 1 | diff - kept.txt || fail "kept snapshots on the branch"
for t in known-good/base incident-1 scratch; do
	[ "$($G rev-parse "$t^{commit}:snapshot.cairn")" = "$(cat "blob.$(echo "$t" | tr / _)")" ] ||
		fail "tag $t names another snapshot"
done
$G merge-base --is-ancestor known-good/base "$branch" || fail "known-good/base left the branch"
$G merge-base --is-ancestor incident-1 "$branch" || fail "incident-1 left the branch"
[ "$($G cat-file -t incident-1)" = tag ] || fail "incident-1 is no longer annotated"
[ "$($G tag -l --format='%(contents:subject)' incident-1)" = "incident 2026-07" ] || fail "tag message"
[ "$($G rev-list --count scratch)" = 1 ] || fail "scratch was not re-rooted"
out=$($G fsck --full --strict 2>&1) || fail "git fsck: $out"
[ -z "$out" ] || fail "git fsck: $out"
$G reflog show "$branch" > /dev/null || fail "reflog"
if $G cat-file -e "$gone_blob" 2>/dev/null; then fail "the content of a dropped night is still stored"; fi
$G cat-file -e "$kept_blob" || fail "the content of a kept night is gone"
size_after=$(du -sb store/objects | cut -f 1)
[ "$size_after" -lt "$size_before" ] || fail "store did not shrink: $size_before -> $size_after"
echo "objects: $size_before -> $size_after bytes"
# the store still serves cairn-diff
expect_exit 1 cairn-diff --store store known-good/base "$branch"
grep -q '^  ~ daily.txt ' out.txt || fail "diff after prune: $(head -n 5 out.txt)"

# again: nothing to drop, nothing moves
$G for-each-ref > refs.before
expect_exit 0 cairn-snap prune --store store $P
grep -q "kept 16 .*, dropped 0\$" out.txt || fail "second run: $(cat out.txt)"
$G for-each-ref > refs.after
cmp refs.before refs.after || fail "a second prune moved refs"

# a merge commit on a cairn branch: refused, nothing changed
tip=$($G rev-parse "$branch")
m=$(echo merge | $G commit-tree "$tip^{tree}" -p "$tip" -p "$tip~1")
$G update-ref refs/heads/cairn/other/merged "$m"
$G for-each-ref > refs.before
expect_exit 2 cairn-snap prune --store store --keep-daily 1
grep -q "branch 'cairn/other/merged' has a merge commit" err.txt || fail "merge: $(cat err.txt)"
[ ! -s out.txt ] || fail "merge: printed a plan"
$G for-each-ref > refs.after
cmp refs.before refs.after || fail "a refused prune moved refs"
$G update-ref -d refs/heads/cairn/other/merged

# usage
expect_exit 2 cairn-snap prune --store store
grep -q 'give at least one of --keep-daily' err.txt || fail "no rule: $(cat err.txt)"
expect_exit 2 cairn-snap prune --store store --keep-daily -1
expect_exit 2 cairn-snap prune --keep-daily 1
expect_exit 2 cairn-snap prune --store nothere --keep-daily 1
grep -q "nothere" err.txt || fail "missing store message"
expect_exit 0 cairn-snap prune --help
grep -q '^usage: cairn-snap prune' out.txt || fail "--help"
