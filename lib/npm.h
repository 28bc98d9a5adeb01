/*
 * npm.h - npm manifests, lockfiles (lockfileVersion 1, 2, 3, the hidden
 * node_modules/.package-lock.json) and installed trees, turned into the
 * package and npm_project records of docs/RECORDS.md.
 */
#ifndef CAIRN_NPM_H
#define CAIRN_NPM_H

#include "pkgfs.h"

typedef struct cairn_npm_lock_entry {
	char *key;          /* "node_modules/a/node_modules/b"; "" = root */
	char *name;         /* entry "name" or the last folder of key */
	char *version, *resolved, *integrity;   /* NULL when absent */
	int has_name;       /* the entry carried an explicit "name" */
	int dev, optional, peer, has_install_script, link;
	int in_bundle;      /* "inBundle": shipped inside its parent's tarball */
	int v1_source;      /* lockfile v1 "version" held the source (kept in
	                     * resolved unless the entry had one; version NULL) */
} cairn_npm_lock_entry;

typedef struct cairn_npm_lock {
	int lockfile_version;
	cairn_npm_lock_entry *v;  /* sorted by key (bytes) */
	size_t n;
	char *registry_host;      /* most used resolved host, NULL when none */
	char *version_text;       /* pnpm: lockfileVersion as written ("9.0"); npm: NULL */
	int by_name;              /* yarn: keys are "name@version", bound to install
	                           * paths by the analyzer (yarnlock.h) */
	int records_scripts;      /* the format says which packages have install
	                           * scripts (npm v2/v3 hasInstallScript, pnpm
	                           * before lockfile 9 requiresBuild): only then
	                           * is one it does not name worth a flag */
} cairn_npm_lock;

/*
 * Parse a lockfile (package-lock.json v1/v2/v3, npm-shrinkwrap.json,
 * .package-lock.json).  v2/v3 use "packages"; v1 the nested "dependencies".
 * label names the file in messages.  CAIRN_EFORMAT for bad JSON (message
 * has line and column) or a lockfile without packages/dependencies.
 * Free with cairn_npm_lock_free().
 */
int cairn_npm_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			 const char *label);
/*
 * For the other lockfile readers (pnpm.c): sort l->v by key, keep the
 * first of equal keys (freeing the others), set registry_host.
 */
void cairn_npm_lock_index(cairn_npm_lock *l);
const cairn_npm_lock_entry *cairn_npm_lock_find(const cairn_npm_lock *l,
						const char *key);
void cairn_npm_lock_free(cairn_npm_lock *l);
/* Free the strings of one entry (the lockfile parsers' builders). */
void cairn_npm_lock_entry_release(cairn_npm_lock_entry *e);

struct cairn_npm_cache;

/* How cairn_npm_analyze() reads a tree. */
typedef struct cairn_npm_opts {
	const char *label_prefix;   /* NULL for the snapshot root, else written
	                             * before project paths in records
	                             * ("npm-cache:_npx/<key>", "..") */
	int cachefd;                /* npm cache _cacache folder, or -1 */
	const struct cairn_npm_cache *cache; /* its tarball index, or NULL */
	const char *no_cache_detail;/* coverage detail when cachefd < 0 */
	int outside_root;           /* rootfd is the folder holding the
	                             * snapshot root, a node_modules folder;
	                             * files are prefixed "node_modules/"; the
	                             * folder's own package.json and lockfiles
	                             * are not part of the snapshot and are not
	                             * read */
	const char *root_name;      /* last component of rootfd's real path
	                             * (a global prefix is ".../lib"), or NULL */
	int pnpm_storefd;           /* pnpm store (the folder holding v3/ or
	                             * v10/, or one of them; pnpm.h), or -1 */
	int yarn_cachefd;           /* yarn 1 cache (v6) or a folder of yarn 2+
	                             * zip archives (yarnlock.h, yarnzip.h), or -1 */
	const char *rootfd_path;    /* real absolute path of rootfd's folder, for
	                             * the system packages of a global prefix
	                             * (npmdpkg.h); NULL: no dpkg lookups */
	const char *dpkg_root;      /* root of the system whose dpkg database
	                             * describes the tree; NULL = "/" */
	int bun_cachefd;            /* bun's install cache (buncache.h), or -1 */
} cairn_npm_opts;

/*
 * Analyze every npm project of a tree: files is the sorted index of the
 * tree whose root is open on rootfd.  Every package record gets its
 * "coverage" (docs/RECORDS.md §Coverage).  Problems become parse_error
 * records; returns 0.
 */
int cairn_npm_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
		      const cairn_npm_opts *opts);

/*
 * The npm debug logs in <npm_dir>/_logs/ (NAME-debug-N.log; npmfd open on the
 * folder holding _cacache and _logs; label names it): one npm_command
 * record per log and one npm_script record per lifecycle script run.
 * Returns the number of logs read.
 */
int cairn_npm_logs(cairn_recs *recs, int npmfd, const char *label);

#endif
