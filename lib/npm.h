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
} cairn_npm_lock_entry;

typedef struct cairn_npm_lock {
	int lockfile_version;
	cairn_npm_lock_entry *v;  /* sorted by key (bytes) */
	size_t n;
	char *registry_host;      /* most used resolved host, NULL when none */
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
const cairn_npm_lock_entry *cairn_npm_lock_find(const cairn_npm_lock *l,
						const char *key);
void cairn_npm_lock_free(cairn_npm_lock *l);

/*
 * Analyze every npm project of a tree: files is the sorted index of the
 * tree whose root is open on rootfd.  label_prefix: NULL for the snapshot
 * root, else the prefix written in "project" ("~/.npm/_npx/<key>").
 * cachefd: the npm cache folder (_cacache) for tarball verification, or
 * -1.  Problems become parse_error records; returns 0.
 */
int cairn_npm_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
		      const char *label_prefix, int cachefd);

/*
 * The npm debug logs in <npm_dir>/_logs/ (NAME-debug-N.log; npmfd open on the
 * folder holding _cacache and _logs; label names it): one npm_command
 * record per log and one npm_script record per lifecycle script run.
 * Returns the number of logs read.
 */
int cairn_npm_logs(cairn_recs *recs, int npmfd, const char *label);

#endif
