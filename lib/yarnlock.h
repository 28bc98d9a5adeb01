/*
 * yarnlock.h - yarn lockfiles: yarn 1's yarn.lock (its own text format,
 * read by a strict hand-written parser, see yarnlock.c) and yarn 2+
 * (Berry: YAML with __metadata, read with yamljson.h), into the npm
 * lockfile shape (npm.h).  yarn keys its entries by "name@range", not by
 * install path: the entries come back keyed "name@version" with
 * by_name set, and the npm analyzer binds each to the installed package
 * of that name and version.  Also the yarn 1 cache (v6: unpacked packages
 * with the original .yarn-tarball.tgz) and Berry's zip cache.
 */
#ifndef CAIRN_YARNLOCK_H
#define CAIRN_YARNLOCK_H

#include "npm.h"

/* Caps of the yarn 1 reader (docs/RECORDS.md §Caps). */
#define CAIRN_YARN_MAX_LINE    (1u << 20)
#define CAIRN_YARN_MAX_ENTRIES 1000000u

/*
 * Parse yarn.lock (either generation, told by content: a top-level
 * "__metadata:" key is Berry).  lockfile_version is 1 for yarn 1, else
 * Berry's __metadata.version; version_text "yarn1" or "berry".  Entries
 * keyed "name@version", by_name set.  CAIRN_EFORMAT (message names the
 * line), CAIRN_ELIMIT.  Free with cairn_npm_lock_free().
 */
int cairn_yarn_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			  const char *label);

/*
 * The original tarball of name@version from a yarn 1 cache folder (v6,
 * open on cachefd): npm-<name, '/' as '-'>-<version>-<hash>-integrity/
 * node_modules/<name>/.yarn-tarball.tgz, hash the '#' fragment of
 * resolved.  *src gets the path read (new string).  0, CAIRN_ENOTFOUND,
 * other errors with a message.  The caller checks the bytes against the
 * lockfile integrity.
 */
int cairn_yarn_cache_tarball(cairn_buf *out, char **src, int cachefd, const char *name,
			     const char *version, const char *resolved);

#endif
