/*
 * pylock.h - Python lockfiles (poetry.lock, uv.lock, Pipfile.lock, and
 * requirements*.txt pinned with == or --hash) related to the installed
 * distributions of the site-packages folders below them, and installed
 * files compared with the locked wheels found in pip's, pipenv's or
 * poetry's cache (docs/RECORDS.md §Python lockfiles).
 */
#ifndef CAIRN_PYLOCK_H
#define CAIRN_PYLOCK_H

#include "pkgfs.h"

/* A dependency edge of the lock's graph (uv.lock; poetry.lock without
 * per-package markers, lock-version < 2.1). */
typedef struct cairn_pylock_dep {
	char *norm;         /* the distribution it names, PEP 503 normalised */
	char *version;      /* uv: which of several locked versions; NULL */
	char *marker;       /* PEP 508 marker of the edge; NULL = always */
	char **extras;      /* extras of the target it activates (uv) */
	size_t nextras;
	int kind;           /* CAIRN_PYLOCK_DEP_* */
	char *group;        /* the extra or dependency group of a non-main edge */
} cairn_pylock_dep;

#define CAIRN_PYLOCK_DEP_MAIN     0
#define CAIRN_PYLOCK_DEP_EXTRA    1   /* only with an extra of its package */
#define CAIRN_PYLOCK_DEP_DEV      2   /* a development group of the project */
#define CAIRN_PYLOCK_DEP_UNKNOWN  3   /* a constraint cairn does not evaluate
                                       * (poetry's python = "..."), in group */

/* One locked distribution. */
typedef struct cairn_pylock_entry {
	char *name;         /* as written */
	char *norm;         /* PEP 503 normalised: lower case, runs of -_. as - */
	char *version;      /* NULL when the lock names none (a local project) */
	char *resolved;     /* index, URL, git or path source; NULL = the default index */
	char **hashes;      /* "sha256:<hex>" (lower case) ..., sorted */
	size_t nhashes;
	int dev;            /* a development-only group */
	int conditional;    /* environment markers, an optional extra, or a
	                     * universal lock (uv): may be absent on purpose */
	int local;          /* a directory, editable or virtual project: the
	                     * user's own code, nothing published */
	char *file;         /* lockfile this entry came from (requirements) */
	char *markers;      /* its own PEP 508 marker (poetry 2, Pipfile.lock,
	                     * requirements "; ..."); NULL when none */
	int extra_only;     /* installed only with an extra (poetry optional) */
	int root;           /* uv: the project itself (editable or virtual ".") */
	cairn_pylock_dep *deps;
	size_t ndeps;
} cairn_pylock_entry;

typedef struct cairn_pylock {
	char *file;         /* path of the lockfile (the first one for requirements) */
	const char *manager;/* "poetry", "uv", "pipenv", "pip" */
	char *lock_version; /* "2.0", "1", "6", NULL */
	cairn_pylock_entry *v;
	size_t n;
	size_t hashed;      /* entries with at least one hash */
	int graph;          /* what is expected comes from walking deps from the
	                     * roots (uv; poetry without per-package markers) */
	int error;          /* internal: the code of a refused entry */
} cairn_pylock;

/*
 * Parse one lockfile; its kind comes from the base name of file
 * ("poetry.lock", "uv.lock", "Pipfile.lock", "requirements*.txt").
 * Returns 0 with *out set; CAIRN_ENOTFOUND when a requirements file is
 * not a lock (no --hash anywhere, and either a requirement not pinned
 * with == or no sign of a locking tool: pip-compile's header, "# via");
 * CAIRN_EFORMAT / CAIRN_ELIMIT with a message naming label.  Entries are
 * sorted by norm; a name locked twice (uv's forks by marker) keeps every
 * version.  Free with cairn_pylock_free().
 */
int cairn_pylock_parse(cairn_pylock **out, const char *file, const char *data, size_t len,
		       const char *label);
void cairn_pylock_free(cairn_pylock *l);

/* Where cached wheels are looked for (absolute folders; a pip cache with
 * http/, http-v2/ or wheels/, poetry's artifacts, or any folder of .whl
 * files); labels are how they are written in records (~/...). */
typedef struct cairn_pylock_opts {
	const char *const *caches;
	const char *const *cache_labels;
	size_t cache_count;
	/* also write the requirement records of every requirements*.txt
	 * read (cairn_pip_requirements): the file is read once, with one
	 * cap, and a file that cannot be read is one parse_error */
	int requirement_records;
} cairn_pylock_opts;

/*
 * The lockfiles of the tree indexed in files (root on rootfd), each
 * applied to the pypi package records already in recs whose site folder
 * lies below the lockfile's folder: locked fields and flags set, a
 * locked_missing record per locked distribution not installed there, and
 * with caches the installed files compared with the locked wheel.
 * Problems become parse_error records (analyzer "pip").  Returns 0.
 */
int cairn_pylock_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
			 const cairn_pylock_opts *opts);

/* 1 when base is a file name cairn_pylock_analyze() reads. */
int cairn_pylock_wanted(const char *base);

#endif
