/*
 * gitdiff.h - the files on disk against a git tree, and the history of a
 * lockfile or manifest in git (libgit2).
 *
 * Tree comparison: every blob of the tree at REV (below SUBDIR) is compared
 * with the file at the same path below ROOT by git blob id, computed the
 * way git does (SHA-1 of "blob <size>\0" + content, git_odb_hash), without
 * writing anything to the repository and without filters (no CRLF or
 * smudge conversion: the bytes on disk are what runs).  Symlinks compare by
 * their target (git stores the target as the blob), executability by the
 * owner's x bit (git's 100755).  The ROOT's own ".git" is never looked at.
 */
#ifndef CAIRN_GITDIFF_H
#define CAIRN_GITDIFF_H

#include "ignore.h"

#include <jansson.h>
#include <stdint.h>

enum cairn_gitdiff_kind {
	CAIRN_GD_ADDED = 0,     /* on disk, not in the tree */
	CAIRN_GD_REMOVED,       /* in the tree, not on disk */
	CAIRN_GD_MODIFIED,      /* same path, other blob id (content/target) */
	CAIRN_GD_MODE,          /* same content, 100644 <-> 100755 */
	CAIRN_GD_TYPE,          /* file <-> symlink <-> folder <-> other */
	CAIRN_GD_UNREADABLE,    /* on disk but cannot be read */
	CAIRN_GD__KINDS
};

/* "added", "removed", "modified", "mode", "type", "unreadable" */
const char *cairn_gitdiff_kind_name(int kind);

typedef struct cairn_gitdiff_change {
	int kind;               /* enum cairn_gitdiff_kind */
	char *path;             /* relative to ROOT (and to SUBDIR in the tree) */
	size_t path_len;
	unsigned old_mode;      /* git mode in the tree (0100644 ...), 0 if none */
	unsigned new_mode;      /* git-style mode on disk, 0 if none; 0040000
	                         * folder, 0 for fifo/socket/device */
	char old_oid[41];       /* blob id in the tree, "" if none */
	char new_oid[41];       /* blob id of the disk content, "" if none */
	char *detail;           /* e.g. "open: Permission denied"; may be NULL */
} cairn_gitdiff_change;

typedef struct cairn_gitdiff_opts {
	const char *rev;        /* revision (default "HEAD") */
	const char *subdir;     /* folder of the tree that ROOT corresponds to,
	                         * NULL or "" for the whole tree */
	int gitignore;          /* honour .gitignore files below ROOT (and
	                         * .git/info/exclude of REPO) for untracked
	                         * files only, like git status */
	cairn_ignore *ignore;   /* --ignore / --ignore-file rules (borrowed) */
	/* Called with the paths of the tree compared so far and their number,
	 * every 1024 paths and once at the end (final = 1), on the calling
	 * thread (may be NULL). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total, int final);
	void *progress_ctx;
} cairn_gitdiff_opts;

typedef struct cairn_gitdiff {
	char commit[41];        /* the commit REV resolved to */
	char *rev, *subdir, *root, *repo;
	cairn_gitdiff_change *v;  /* sorted by kind, then path (bytes) */
	size_t n, cap;
	uint64_t counts[CAIRN_GD__KINDS];
	uint64_t tree_files;    /* blobs in the tree (below SUBDIR) */
	uint64_t disk_files;    /* files, symlinks and others found on disk */
	uint64_t ignored;       /* untracked paths left out by ignore rules */
} cairn_gitdiff;

/*
 * Compare ROOT with the tree of opts->rev in the repository at repo_path.
 * CAIRN_ENOTFOUND when the revision or SUBDIR does not exist,
 * CAIRN_EEXTERNAL for libgit2 failures, CAIRN_EIO when ROOT cannot be read.
 * Unreadable files below ROOT are changes, not errors.  Free with
 * cairn_gitdiff_free().  Initialises/shuts down libgit2 itself.
 */
int cairn_gitdiff_tree(cairn_gitdiff **out, const char *repo_path,
		       const char *root, const cairn_gitdiff_opts *opts);
json_t *cairn_gitdiff_to_json(const cairn_gitdiff *g);
void cairn_gitdiff_free(cairn_gitdiff *g);

/* Blob id of a file on disk, computed like `git hash-object` (no filters),
 * not following a symlink (a symlink hashes its target).  hex: 41 bytes. */
int cairn_git_hash_path(char hex[41], const char *path);

/* ---- history of a lockfile / manifest ---- */

typedef struct cairn_history_change {
	char *key;       /* lockfile: "node_modules/a"; package.json: "dependencies:a" */
	char *change;    /* "added", "removed", "version", "resolved",
	                  * "integrity-same-version", "integrity", "range",
	                  * "install-script" (the entry gains hasInstallScript,
	                  * or is new with it), "install-script-removed" */
	char *old_value; /* NULL when none; install-script*: the versions */
	char *new_value; /* NULL when none */
	int red_flag;    /* integrity changed at the same version; a range
	                  * loosened from an exact version; a resolved URL on
	                  * another host; an install script gained */
} cairn_history_change;

typedef struct cairn_history_commit {
	char oid[41];
	char *author_name, *author_email;
	int64_t time;          /* author time, seconds since the epoch */
	int offset;            /* minutes east of UTC */
	char *summary;         /* first line of the message */
	char *status;          /* "added", "modified", "deleted" (the file) */
	char *error;           /* the file could not be parsed at this commit */
	cairn_history_change *v;
	size_t n, cap;
} cairn_history_commit;

typedef struct cairn_history {
	char *repo, *file, *rev;
	cairn_history_commit *v;  /* newest first (git log order) */
	size_t n, cap;
} cairn_history;

/*
 * Walk the first-parent-independent history from rev (NULL: HEAD) and, for
 * each commit whose FILE blob differs from every parent's (or that adds or
 * deletes it), list what changed: package-lock.json v1/v2/v3 and
 * npm-shrinkwrap.json by package key (version, resolved, integrity,
 * hasInstallScript), parsed
 * with lib/npm.h's cairn_npm_lock_parse(); package.json by dependency
 * section and name (range).  A file that does
 * not parse at a commit gets an error line, not a failure.
 */
int cairn_git_history(cairn_history **out, const char *repo_path,
		      const char *file, const char *rev);
json_t *cairn_history_to_json(const cairn_history *h);
void cairn_history_free(cairn_history *h);

#endif
