/*
 * sweep.h - known-bad across time and hosts: every stored snapshot of
 * every host branch of a cairn store (refs/heads/cairn/<host>/<root>),
 * oldest to newest along each branch's first parents, one snapshot in
 * memory at a time, matched with lib/known.h.  For each advisory or
 * indicator that matched, per branch: the intervals in which it was
 * present, each bounded by the first snapshot that shows it, the last one
 * that still does, and the snapshot where it was gone (NULL while the
 * newest snapshot still has it), with their creation times and commits.
 */
#ifndef CAIRN_SWEEP_H
#define CAIRN_SWEEP_H

#include "cairn.h"
#include "known.h"
#include "keys.h"

#include <jansson.h>
#include <stdint.h>

typedef struct cairn_sweep_opts {
	const char *branches;      /* glob (fnmatch) over the branch name after
	                            * refs/heads/; NULL: every cairn branch */
	int64_t since;             /* skip snapshots created before (seconds);
	                            * 0: all */
	const cairn_key *pubkey;   /* every snapshot must carry its signature */
} cairn_sweep_opts;

/*
 * First pass: name every package every selected snapshot records to k's
 * advisory filter (cairn_known_want), so that loading the advisories
 * afterwards keeps only those about packages the fleet ever had.
 * Returns the number of snapshots read, or a negative CAIRN_E*.
 */
int cairn_sweep_want(cairn_known *k, const char *repo, const cairn_sweep_opts *o);

/*
 * The sweep: a document (new reference in *out, see docs/FLEET.md):
 *   {"format":"cairn-sweep","version":1,"store":...,"branches":[...],
 *    "matches":[{"kind","id","summary","severity","rule",...,
 *                "hosts":[{"branch","host","root","intervals":[...],
 *                          "still_present"}]}],
 *    "verdict":{...}}
 * Returns 0, or a negative CAIRN_E* (a snapshot that does not verify is
 * an error: a sweep that skipped one would say "gone" where it was not
 * looked at).
 */
int cairn_sweep_run(json_t **out, cairn_known *k, const char *repo, const cairn_sweep_opts *o);

/* The sweep document as Markdown or HTML (every string escaped). */
void cairn_sweep_render_md(cairn_buf *out, const json_t *doc);
void cairn_sweep_render_html(cairn_buf *out, const json_t *doc);

#endif
