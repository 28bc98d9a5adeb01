/*
 * changetime.h - when a file's content changed between two snapshots,
 * from the time an attacker cannot set, and whether its mtime was forged
 * (docs/RULES.md CAIRN-T01; used by the rule and by the report timeline).
 *
 * Anyone who can write a file can set its mtime (touch -r, utimensat).
 * Its ctime is set by the kernel on every change of the inode, to the
 * current clock, and cannot be set back without root and the clock (or
 * the raw device).  So a content change is placed at the ctime the newer
 * snapshot recorded (the last inode change, on or after the content
 * change), bounded by the two snapshots' creation times: the change came
 * after the baseline read the old content and before the new snapshot
 * started.  When a snapshot's creation time was given (cairn-snap
 * --created: a replay, the demo) rather than read from the clock, the
 * ctime is on another clock than the bounds, and the change is placed by
 * its mtime instead (bounded the same way).  The mtime is shown beside
 * it, and judged:
 *
 *   kept      the content changed and the mtime is the old one, to the
 *             nanosecond (touch -r FILE with the file's own old time);
 *   back      the new content claims to be older than the content it
 *             replaced (mtime moved back);
 *   predates  the new mtime is older than the baseline that still held
 *             the old content, and no later than that old content's
 *             ctime: it claims to predate the moment the content it
 *             replaced was written.
 *
 * Changes that an installer explains are not judged (installers that keep
 * archive times, such as pnpm's or uv's hard links into their stores): a
 * file inside an npm package folder whose package was added, removed or
 * changed version, the manifest and lockfiles of its project (the
 * installer rewrites them), a file of a site-packages folder where a
 * Python package did, and, when the snapshots have no package records,
 * anything below node_modules/, site-packages/ or dist-packages/.  Copies that keep
 * times of content older than what they replace (a rollback with rsync -a,
 * tar x, cp -a) look the same as a forged time: the finding says so.
 */
#ifndef CAIRN_CHANGETIME_H
#define CAIRN_CHANGETIME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum cairn_forged {
	CAIRN_FORGED_NONE = 0,
	CAIRN_FORGED_KEPT,      /* mtime kept while the content changed */
	CAIRN_FORGED_BACK,      /* mtime moved back */
	CAIRN_FORGED_PREDATES   /* mtime before the baseline and the old ctime */
};

/* One content change (a modified or added regular file). */
typedef struct cairn_change_time {
	const char *path;        /* borrowed from the diff document */
	int added;               /* 1: added, 0: modified */
	int64_t at_ns;           /* where it is placed: new ctime, bounded */
	int bounded;             /* at_ns was moved to a snapshot's creation */
	int by_mtime;            /* placed by the mtime: a creation time was
	                          * given, not read from the clock */
	int64_t ctime_ns, mtime_ns;          /* of the new entry */
	int64_t old_ctime_ns, old_mtime_ns;  /* of the old one (modified) */
	int forged;              /* enum cairn_forged */
	int installer;           /* in a package an installer changed: not judged */
} cairn_change_time;

/*
 * The content changes of a diff document (cairn_diff_to_json(), modes
 * snapshot and store; docs/diff-schema.json), in the document's order.
 * base_ns / snap_ns: the two snapshots' creation times (from the
 * document's headers; 0 when a header has none: no bound on that side).
 * *out is an array the caller frees with free() (its strings are
 * borrowed from diff), *n its length (0 with *out NULL when none).
 * Never fails: fields that are missing or mistyped leave a change out.
 */
void cairn_change_times(cairn_change_time **out, size_t *n, const json_t *diff,
			int64_t *base_ns, int64_t *snap_ns);

/* "mtime kept", "mtime moved back", "mtime predates the baseline"; NULL
 * for CAIRN_FORGED_NONE. */
const char *cairn_forged_name(int forged);

#endif
