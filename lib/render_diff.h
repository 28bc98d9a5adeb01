/*
 * render_diff.h - cairn-diff's text output: a snapshot comparison, a tree
 * against git, a lockfile's history.  (The JSON forms are the modules' own
 * *_to_json(); the report's renderers are in report.h.)
 *
 * Every untrusted byte (paths, link targets, package keys, record values,
 * patches, commit messages) is escaped with cairn_escape_display(); colour
 * is ANSI SGR and only when asked for.  The output streams to a FILE, so a
 * diff of a million entries is never held in memory.
 */
#ifndef CAIRN_RENDER_DIFF_H
#define CAIRN_RENDER_DIFF_H

#include "diff.h"
#include "gitdiff.h"
#include "rules.h"
#include "store.h"

#include <stdio.h>

typedef struct cairn_render_diff_opts {
	int color;                      /* ANSI colour */
	/* --patch with a store: the unified diffs of stored content (read
	 * through store between the two commits) and a "store:" line under
	 * the sides; NULL: neither */
	cairn_store *store;
	const char *store_label;        /* the repository as the user named it */
	const char *old_commit, *new_commit;
	/* items of cairn_pkgpatch_json() (may be NULL): shown under
	 * "package patches:" unless the store already showed that path */
	const json_t *package_patches;
	const cairn_findings *findings; /* "findings (N):" (may be NULL) */
	/* with findings: what they cover, "coverage:" and one line per gap
	 * (cairn_coverage_section(); may be NULL) */
	const json_t *coverage;
} cairn_render_diff_opts;

/*
 * The text form of d: both sides, the counts, one section per change kind,
 * the record changes, the patches, the findings.  Returns 0, or negative
 * with the error set when walking the changes failed (what was written
 * stays written).
 */
int cairn_render_diff_text(FILE *out, const cairn_diff *d,
			   const cairn_render_diff_opts *opts);

/* The text form of a tree compared with git (cairn_gitdiff_tree()). */
void cairn_render_gitdiff_text(FILE *out, const cairn_gitdiff *g, int color);

/* The text form of a lockfile's history (cairn_git_history()). */
void cairn_render_history_text(FILE *out, const cairn_history *h, int color);

#endif
