/*
 * render_diff.h - cairn-diff's output: a snapshot comparison as text
 * or JSON, a tree against git and a lockfile's history as text.  (Their
 * JSON forms are the modules' own *_to_json(); the report's renderers are
 * in report.h.)
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
	/* JSON: every patch of the document (the stored content's, then the
	 * packages' of the paths it does not cover; cairn_pkgpatch_merge()),
	 * as "patches" (may be NULL) */
	const json_t *patches;
} cairn_render_diff_opts;

/*
 * The text form of d: both sides, the counts, one section per change kind,
 * the record changes, the patches, the findings.  Returns 0, or negative
 * with the error set when walking the changes failed (what was written
 * stays written).
 */
int cairn_render_diff_text(FILE *out, const cairn_diff *d,
			   const cairn_render_diff_opts *opts);

/*
 * The JSON form of d, one document on out (docs/diff-schema.json; out
 * should be a cairn_json_safe_stream()).  doc: cairn_diff_to_json() of d
 * as the rules saw it, or NULL.  With doc NULL and neither store_label,
 * findings nor patches, the document streams from the diff
 * (cairn_diff_write_json(): a diff of a million entries is never held in
 * memory); otherwise doc (made here when NULL) is completed and printed
 * indented: mode "store" and the "store" object (store_label and the two
 * commits) with store_label, "coverage" and "findings" with findings,
 * "patches" with patches.  Returns 0, or negative with the error set.
 */
int cairn_render_diff_json(FILE *out, const cairn_diff *d, json_t *doc,
			   const cairn_render_diff_opts *opts);

/* The text form of a tree compared with git (cairn_gitdiff_tree()). */
void cairn_render_gitdiff_text(FILE *out, const cairn_gitdiff *g, int color);

/* The text form of a lockfile's history (cairn_git_history()). */
void cairn_render_history_text(FILE *out, const cairn_history *h, int color);

#endif
