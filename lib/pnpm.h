/*
 * pnpm.h - pnpm installs: pnpm-lock.yaml (lockfileVersion 5.x, 6.0, 9.0),
 * node_modules/.modules.yaml, the isolated layout
 * (node_modules/.pnpm/<folder>/node_modules/<name>, reached through
 * symlinks) and the content-addressable store, whose per-package index
 * files give the integrity of every file pnpm installed.  The lockfile is
 * read into the npm lockfile shape (npm.h) keyed by install path, so that
 * the npm analyzer makes the package records (docs/RECORDS.md).
 */
#ifndef CAIRN_PNPM_H
#define CAIRN_PNPM_H

#include "npm.h"

/*
 * Parse a pnpm lockfile.  Entries are keyed
 * "node_modules/.pnpm/<folder>/node_modules/<name>", the folder named the
 * way pnpm names it (dependency-path's depPathToFilename); a folder pnpm
 * shortened with a hash is found among the installed ones: files (may be
 * NULL) is the tree's index and proj the project folder ("" = root).
 * CAIRN_EFORMAT for bad YAML or a lockfile without lockfileVersion,
 * CAIRN_ELIMIT past the YAML caps.  Free with cairn_npm_lock_free().
 */
int cairn_pnpm_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			  const char *label, const cairn_pkg_files *files,
			  const char *proj);

/* What node_modules/.modules.yaml says (strings NULL when absent). */
typedef struct cairn_pnpm_modules {
	char *package_manager;   /* "pnpm@9.15.9" */
	char *node_linker;       /* "isolated", "hoisted", "pnp" */
	char *registry;          /* registries.default */
	char *store_dir;         /* where the install took files from */
	char *virtual_store_dir; /* ".pnpm" */
} cairn_pnpm_modules;

/* Parse .modules.yaml into out (zeroed first); CAIRN_EFORMAT and friends
 * as cairn_yaml_to_json().  Release with cairn_pnpm_modules_release(). */
int cairn_pnpm_modules_parse(cairn_pnpm_modules *out, const char *data, size_t len,
			     const char *label);
void cairn_pnpm_modules_release(cairn_pnpm_modules *m);

/*
 * Verify the installed package folder pkgdir (below rootfd, files its
 * index) against the pnpm store open on storefd (the store root holding
 * v3/ or v10/, or one of those): the package's index file is found from
 * its integrity (v3: files/XX/<hex>-index.json; v10:
 * index/XX/<hex 2..64>-<name>@<version>.json, or for a package not from
 * a registry -<id>.json, id its lockfile id such as
 * "file:x-1.0.0.tgz" with \ / : * ? " < > | as '+'; id may be NULL) and every installed file is
 * hashed with the algorithm of the integrity the index gives for it.
 * Returns the "files" object of docs/RECORDS.md §File verification
 * (new reference); adds files_modified/files_added/files_missing to flags;
 * problems with the index are parse_error records in recs (label names the
 * package folder).  locks (a JSON object the caller keeps for the whole
 * tree and releases) holds each project's lockfile parsed once: without it
 * every package with builds re-read and re-parsed the lockfile.
 */
json_t *cairn_pnpm_verify(cairn_recs *recs, int storefd, int rootfd,
			  const cairn_pkg_files *files, json_t *locks, const char *pkgdir,
			  const char *integrity, const char *name, const char *version,
			  const char *id, json_t *flags, const char *label);

#endif
