/*
 * pkgpatch.h - code-level evidence without a store, from the npm cache:
 *
 *   release    the lines a package release added: a unified diff of the
 *              text files of the old and the new published tarball, when
 *              a diff shows the package's integrity changed (an upgrade,
 *              or the same version republished);
 *   installed  what was changed on disk against the published bytes: the
 *              files a package record lists as modified or added against
 *              its tarball, diffed from the tarball's bytes (a/) to the
 *              installed bytes (b/), which come from a store's content or
 *              from the tree on disk (see cairn_pkgpatch_opts).
 *
 * Tarballs are read in memory with the tarball reader (tarball.h), never
 * extracted; the bytes are those whose integrity the snapshot recorded
 * (cacache.h checks it).  Diffs are libgit2's (patch.h).  What cannot be
 * shown -- a binary file, a file over CAIRN_PKGPATCH_MAX_FILE, a tarball
 * missing from the cache, installed bytes that are neither stored nor on
 * disk with the snapshot's hash, patches past the caps -- is a "note" item
 * that says so: never silently left out.
 *
 * Patches hold the packages' bytes: escape them before a terminal
 * (cairn_escape_display) or HTML; excerpts are valid UTF-8 (invalid bytes
 * in the reversible cairn_escape_bytes form).
 */
#ifndef CAIRN_PKGPATCH_H
#define CAIRN_PKGPATCH_H

#include "patch.h"
#include "store.h"

#include <jansson.h>

/* Files larger than this are not diffed (a note gives sizes and hashes). */
#define CAIRN_PKGPATCH_MAX_FILE (1u << 20)
/* Bytes of one tarball's files held in memory at once. */
#define CAIRN_PKGPATCH_MAX_HELD (64u << 20)

typedef struct cairn_pkgpatch_opts {
	int cachefd;               /* the npm cache's cacache folder, or -1 */
	const char *cache_label;   /* its path, for origins and notes */
	/* The installed bytes of the new side, for "installed" patches; the
	 * first that applies is used. */
	cairn_store *store;        /* the store's content of new_commit */
	const char *new_commit;
	int rootfd;                /* the tree on disk (-1: none) */
	const char *root_label;
	int root_is_new;           /* 1: the tree is the new side itself
	                            * (cairn-diff --live), read as it is now;
	                            * 0: a file is used only when its SHA-256
	                            * is the one the diff recorded for it */
	char *owned_labels[2];     /* set by use_cache / use_root */
	cairn_patch_caps caps;     /* of one file's patch */
	size_t max_pkg_lines;      /* of one package's patches (0: no cap) */
	size_t max_lines;          /* of all patches together (0: no cap) */
	size_t max_items;          /* items in all (0: no cap) */
} cairn_pkgpatch_opts;

/* Caps for a terminal (cairn-diff --patch) and for a report. */
void cairn_pkgpatch_opts_init(cairn_pkgpatch_opts *o, int for_report);

/*
 * The package patches of diff (a cairn_diff_to_json() document: its
 * "records" give the old and new package records, its "changes" the new
 * SHA-256 of each changed file).  Each npm package key is taken once, in
 * the diff's order: first its release diff (when both records carry an
 * integrity and they differ), then its installed patches (when the new
 * record's "files" lists modified or added files).  Returns an array of
 * {"path", "patch", "kind": "release" | "installed" | "note", "package",
 * "version", "origin"} (new reference), "path" being the file's path in
 * the tree (for a note about a whole package, the package's folder), and
 * "escaped": true when "patch" is in the cairn_escape_bytes form (the
 * excerpt held invalid UTF-8).
 */
json_t *cairn_pkgpatch_json(const json_t *diff, const cairn_pkgpatch_opts *o);

/*
 * The release diff of two package tarballs in memory (gzip'd or plain tar,
 * "package/" stripped), with the paths of pkgdir: the part of
 * cairn_pkgpatch_json() after the cache, for tests and the fuzz target.
 * New reference.
 */
json_t *cairn_pkgpatch_tarballs(const void *old, size_t old_len, const void *new,
				size_t new_len, const char *pkgdir, const cairn_pkgpatch_opts *o);

/*
 * Where the tools find what they need (the fields set here are released
 * by cairn_pkgpatch_opts_release()):
 *
 * use_cache: dir (--npm-cache) when not NULL, else the cache recorded in
 * the new snapshot's header ("options"."npm_cache"), else the old one's.
 * Returns negative (message set) only when dir was given and cannot be
 * opened; a recorded cache that is gone leaves cachefd at -1 (the items
 * then say that no cache was found).
 *
 * use_root: the tree whose files are the installed bytes (root_is_new as
 * in cairn_pkgpatch_opts); a root that cannot be opened is left out.
 */
int cairn_pkgpatch_use_cache(cairn_pkgpatch_opts *o, const char *dir,
			     const json_t *new_header, const json_t *old_header);
void cairn_pkgpatch_use_root(cairn_pkgpatch_opts *o, const char *root, int root_is_new);
void cairn_pkgpatch_opts_release(cairn_pkgpatch_opts *o);

/*
 * The package patches of a comparison the way cairn-diff --patch and
 * cairn-report find them (cairn_pkgpatch_json() of diff): the npm cache
 * npm_cache (--npm-cache; NULL: the one the headers recorded); the
 * installed bytes from store at new_commit (store may be NULL), and from
 * live_root as it is now (cairn-diff --live), else from the new snapshot's
 * recorded root ("root_realpath") where a file still has the recorded
 * hash.  for_report: the caps of cairn_pkgpatch_opts_init().  *out: a new
 * reference; negative (message set, *out NULL) when npm_cache cannot be
 * opened.
 */
int cairn_pkgpatch_diff(json_t **out, const json_t *diff, int for_report,
			const char *npm_cache, const json_t *new_header,
			const json_t *old_header, cairn_store *store,
			const char *new_commit, const char *live_root);

/*
 * Open the npm cache given as its root (~/.npm: the folder holding
 * _cacache) or as the _cacache folder itself, without following symlinks
 * below dir.  Returns the cacache folder's descriptor, or a negative
 * CAIRN_E* with a message naming dir.
 */
int cairn_pkgpatch_open_cache(const char *dir);

/*
 * Append to patches (store patches) the items of extra whose path none of
 * patches' items has: stored content of a file, when there is some, is
 * the better evidence.  extra is not changed.
 */
void cairn_pkgpatch_merge(json_t *patches, const json_t *extra);

#endif
