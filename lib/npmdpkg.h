/*
 * npmdpkg.h - the packages of a global npm prefix that a system package
 * installed.  Debian's nodejs package puts npm and corepack into
 * /usr/lib/node_modules: npm keeps no lockfile for them and they never
 * passed through an npm cache, but dpkg lists every file with its MD5.
 * Such a package is verified against the owning package's md5sums, the
 * way the pip analyzer treats Debian's dist-packages; one that `npm
 * install -g` replaced afterwards (its package.json no longer the one dpkg
 * shipped) is left to the npm cache, like any global install
 * (docs/RECORDS.md §System packages).
 */
#ifndef CAIRN_NPMDPKG_H
#define CAIRN_NPMDPKG_H

#include "pkgfs.h"
#include <jansson.h>

typedef struct cairn_npm_dpkg cairn_npm_dpkg;

/*
 * A lookup context for the tree open on rootfd, whose real absolute path
 * is rootfd_path (NULL: unknown, every package is CAIRN_NPM_DPKG_NONE),
 * described by the dpkg database of the system rooted at dpkg_root (NULL
 * = "/").  The database is opened on first use.  Problems become
 * parse_error records in recs.  Free with cairn_npm_dpkg_free (NULL-safe).
 */
cairn_npm_dpkg *cairn_npm_dpkg_new(cairn_recs *recs, int rootfd, const char *rootfd_path,
				   const char *dpkg_root);
void cairn_npm_dpkg_free(cairn_npm_dpkg *d);

enum {
	CAIRN_NPM_DPKG_NONE,      /* no system package owns it */
	CAIRN_NPM_DPKG_OWNED,     /* owned, as shipped: check with _verify */
	CAIRN_NPM_DPKG_NOSUMS,    /* owned, but no md5sums to check it with */
	CAIRN_NPM_DPKG_REPLACED,  /* owned folder, another package.json: npm
	                           * install -g put a release over it */
	CAIRN_NPM_DPKG_UNKNOWN    /* no dpkg database, in the system's
	                           * usr/lib/node_modules */
};

/*
 * Who installed the global package in folder top (relative to rootfd,
 * "node_modules/corepack"; nm_dir the node_modules folder holding it).
 * *owner: the dpkg package (OWNED, NOSUMS, REPLACED), *why: words for the
 * coverage detail (NOSUMS, UNKNOWN); both valid until the next call or
 * cairn_npm_dpkg_free.  The answer for the last top is remembered, so
 * calling it for every package of a global package costs one lookup.
 */
int cairn_npm_dpkg_classify(cairn_npm_dpkg *d, const char *nm_dir, const char *top,
			    const char **owner, const char **why);

/*
 * The "files" object of the package in pkgdir (relative to rootfd) owned
 * by owner: its files (nested node_modules excepted: other packages)
 * compared with owner's md5sums; "added" are files in pkgdir that no
 * system package lists.  Flags files_modified/added/missing go to flags.
 * *ok is 0 when the md5sums could not be read.  Returns a new reference.
 */
json_t *cairn_npm_dpkg_verify(cairn_npm_dpkg *d, const cairn_pkg_files *files,
			      const char *pkgdir, const char *owner, json_t *flags, int *ok);

#endif
