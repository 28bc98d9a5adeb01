/*
 * yarnzip.h - yarn 2+ (Berry) package archives: the zip files of a
 * project's .yarn/cache or the global cache, found from the lockfile
 * entry and checked against its checksum, then read in memory with libzip,
 * strictly (nothing is extracted).
 */
#ifndef CAIRN_YARNZIP_H
#define CAIRN_YARNZIP_H

#include "tarball.h"

/*
 * Hand every member of the zip in data[0..len) below prefix
 * ("node_modules/debug/") to cb, its path with the prefix removed (members
 * outside the prefix are skipped).  Refused (CAIRN_EFORMAT, message names
 * the member): an absolute name, a ".." component, a backslash, an entry
 * expanding past CAIRN_TAR_RATIO x its compressed size + 1 MiB, all of
 * them past CAIRN_TAR_MAX_EXPAND, more than CAIRN_TAR_MAX_ENTRIES entries,
 * a CRC mismatch.  Symlinks (Unix mode in the external attributes) are
 * members of kind CAIRN_TAR_SYMLINK, never followed.  0 or negative.
 */
int cairn_zip_scan(const void *data, size_t len, const char *prefix,
		   cairn_tar_cb cb, void *ctx, const char *label);

/*
 * Find name@version's archive in the Berry cache folder open on dirfd:
 * "<name, '/' as '-'>-npm-<version>-<hash>-<first 10 hex of the
 * checksum>.zip" (a project's cache) or "...-<hash>-<cacheKey>.zip" (yarn
 * 4's global cache), and check that its SHA-512 is the checksum
 * ("<cacheKey>/<hex>").  *src gets the file name (new string).
 * CAIRN_ENOTFOUND, CAIRN_EVERIFY (bytes do not match), other errors.
 */
int cairn_berry_zip_read(cairn_buf *out, char **src, int dirfd, const char *name,
			 const char *version, const char *checksum);

#endif
