/*
 * prune.h - retention for the snapshot store (cairn-snap prune).
 *
 * A store (store.h) keeps one branch per host and root, refs/heads/cairn/...,
 * a linear history of one commit per snapshot, dated by the snapshot's
 * "created" time.  Pruning decides, per branch, which snapshots to keep:
 *
 *   daily N    the newest snapshot of each of the last N days (UTC) that
 *              have one; weekly N the same per ISO 8601 week, monthly N per
 *              calendar month (restic's and borg's "keep" rules);
 *   newest     the branch's newest snapshot, always;
 *   tagged     every snapshot a tag points at (by default every tag; with
 *              keep_tags, the tags whose names match one of the globs).
 *
 * It then rewrites the branch to hold the kept snapshots only, in their
 * order, each commit with its tree, author, committer and message
 * unchanged (so snapshots before the first dropped one keep their commit
 * ids), moves the tags of rewritten commits to their new commits (an
 * annotated tag is re-created with its tagger and message; a tag that
 * protects nothing and whose snapshot is dropped is moved to a copy of its
 * commit without parents, so it still names the same snapshot and holds
 * nothing else), drops the reflog entries of the old commits, and collects
 * the garbage the way git gc does: one new pack of every object reachable
 * from a ref, then the old packs and loose objects removed (a loose object
 * younger than the prune, or a pack with a .keep, is left alone).  Tags are
 * never deleted.
 *
 * The store is locked while it is pruned (store.h, cairn_store_lock): a
 * snapshot committed at the same time waits.  A branch with a merge commit,
 * or a tag with a signature (which a rewrite would invalidate), is refused
 * (CAIRN_EFORMAT) before anything is written.
 */
#ifndef CAIRN_PRUNE_H
#define CAIRN_PRUNE_H

#include "cairn.h"

#include <jansson.h>
#include <stdint.h>

/* Why a snapshot is kept (bits of cairn_prune_snapshot.reasons). */
enum {
	CAIRN_PRUNE_NEWEST = 1 << 0,
	CAIRN_PRUNE_DAILY = 1 << 1,
	CAIRN_PRUNE_WEEKLY = 1 << 2,
	CAIRN_PRUNE_MONTHLY = 1 << 3,
	CAIRN_PRUNE_TAGGED = 1 << 4
};
#define CAIRN_PRUNE__RULES 5
/* "newest", "daily", "weekly", "monthly", "tagged" for rule index 0..4. */
const char *cairn_prune_rule_name(int rule);

typedef struct cairn_prune_policy {
	unsigned keep_daily, keep_weekly, keep_monthly;
	const char *const *keep_tags;  /* fnmatch globs; NULL: every tag */
	size_t keep_tag_count;
	int dry_run;                   /* decide and report, write nothing */
} cairn_prune_policy;

/*
 * The pure part: times[0..n) are a branch's snapshot times (seconds since
 * the epoch, UTC), newest first; tagged[i] is non-zero when snapshot i is
 * protected by a tag (tagged may be NULL).  reasons[i] receives the
 * CAIRN_PRUNE_* bits of every rule that keeps snapshot i (0: dropped).
 */
void cairn_prune_select(unsigned *reasons, const int64_t *times,
			const unsigned char *tagged, size_t n,
			const cairn_prune_policy *policy);

typedef struct cairn_prune_snapshot {
	char commit[41];       /* before the prune */
	char new_commit[41];   /* after ("" when dropped or dry run) */
	int64_t time;
	unsigned reasons;      /* 0: dropped */
} cairn_prune_snapshot;

typedef struct cairn_prune_branch {
	char *name;                       /* "cairn/host/root-xxxxxxxx" */
	cairn_prune_snapshot *snapshots;  /* newest first */
	size_t count, kept;
	size_t by_rule[CAIRN_PRUNE__RULES]; /* snapshots each rule keeps */
} cairn_prune_branch;

typedef struct cairn_prune_result {
	cairn_prune_branch *branches;
	size_t branch_count;
	size_t tags_moved;       /* to a rewritten commit */
	size_t tags_rerooted;    /* to a parentless copy of a dropped commit */
	uint64_t bytes_before;   /* size of objects/ on disk */
	uint64_t bytes_after;    /* (= bytes_before on a dry run) */
	int dry_run;
} cairn_prune_result;

/*
 * Prune the store at repo_path with policy (see above).  *out receives the
 * plan and what was done (also on a dry run); free with
 * cairn_prune_result_free().  Returns 0 or a negative CAIRN_E* code with a
 * message naming the store, the branch or the tag.
 */
int cairn_store_prune(cairn_prune_result **out, const char *repo_path,
		      const cairn_prune_policy *policy);
void cairn_prune_result_free(cairn_prune_result *r);

/* The result as JSON (new reference): {"dry_run", "branches": [{"branch",
 * "snapshots", "kept", "dropped", "kept_by": {rule: n}, "snapshots_list":
 * [{"commit", "new_commit", "created", "keep", "reasons"}]}], "tags_moved",
 * "tags_rerooted", "bytes_before", "bytes_after"}. */
json_t *cairn_prune_result_json(const cairn_prune_result *r);

#endif
