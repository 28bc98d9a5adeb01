/*
 * buncache.h - bun's install cache (~/.bun/install/cache, or
 * $BUN_INSTALL_CACHE_DIR): the package folders bun extracted,
 * "<name>@<version>@@@1", which bun install hard-links (or copies) into
 * node_modules.  bun keeps no tarball there, so the cached copy is the
 * only reference, and a hard link to it is no reference at all.
 */
#ifndef CAIRN_BUNCACHE_H
#define CAIRN_BUNCACHE_H

#include "pkgfs.h"

#include <jansson.h>

/*
 * Compare the installed package folder pkgdir (files: the index of the
 * tree open on rootfd) with name@version's folder in the bun cache open
 * on cachefd ("<name>@<version>@@@1"; a scoped name's is below its
 * "@scope" folder; read without following links).  Returns the "files"
 * object of docs/RECORDS.md §File verification (the caller owns it):
 * status "verified", "not_in_cache" or "cache_shared" (installed files
 * that are the cache's own, the same inode: comparing them proves
 * nothing), source the cache folder, and adds the flags files_modified,
 * files_added, files_missing to flags.  label names the package in
 * messages.
 */
json_t *cairn_bun_cache_verify(int cachefd, int rootfd, const cairn_pkg_files *files,
			       const char *pkgdir, const char *name, const char *version,
			       json_t *flags, const char *label);

#endif
