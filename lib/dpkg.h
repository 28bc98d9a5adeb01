/*
 * dpkg.h - the dpkg database as the authority for files the system package
 * manager installed: which package owns a path (info/<pkg>.list) and the
 * MD5 of every file it shipped (info/<pkg>.md5sums), the two things
 * `dpkg --verify` compares.  Used by the pip analyzer for Debian's own
 * Python modules, whose RECORD files Debian rewrites after the upstream
 * build, and by the npm analyzer for the packages of a global prefix that
 * a Debian package installed (npm and corepack in /usr/lib/node_modules,
 * shipped by nodejs) (docs/RECORDS.md §System packages).
 *
 * The database may belong to a disk image under investigation, so its
 * files are hostile input: read with cairn_safe_read() (no symlink
 * followed, size capped), every line length-checked.
 */
#ifndef CAIRN_DPKG_H
#define CAIRN_DPKG_H

#include "cairn.h"

typedef struct cairn_dpkg cairn_dpkg;

/*
 * Open the database of the system whose root folder is root ("/" for this
 * machine; a mounted image otherwise): root/var/lib/dpkg/info.  On success
 * *out is owned by the caller (cairn_dpkg_free).  CAIRN_ENOTFOUND when
 * there is no such folder, CAIRN_EIO when it cannot be read.
 */
int cairn_dpkg_open(cairn_dpkg **out, const char *root);
void cairn_dpkg_free(cairn_dpkg *db);
/* Where the database is ("<root>/var/lib/dpkg"), for messages. */
const char *cairn_dpkg_admindir(const cairn_dpkg *db);

/*
 * Read every info/<pkg>.list once and index the paths that lie below one of
 * the absolute folders in prefixes (e.g. "/usr/lib/python3/dist-packages";
 * "/" = everything), with the package that owns each (the first in name
 * order when several list one path, as for shared folders).  Paths are
 * canonical: on a merged-/usr system (root/lib a symlink to usr/lib, and
 * the same for bin, sbin, lib32, lib64, libx32) "/lib/x" is indexed as
 * "/usr/lib/x".  May be called again with other prefixes (re-indexes).
 * Returns the number of paths indexed, or negative (message names the
 * file); a single unreadable .list is skipped and counted in *bad.
 */
long cairn_dpkg_index(cairn_dpkg *db, const char *const *prefixes, size_t n,
		      size_t *bad);
/* The package owning the canonical absolute path (as indexed), or NULL.
 * The name is the info file's base name ("python3-yaml", "libc6:amd64"),
 * valid until the next cairn_dpkg_index() or cairn_dpkg_free(). */
const char *cairn_dpkg_owner(const cairn_dpkg *db, const char *path);
/* Indexed paths starting with prefix (bytes): first index, *end one past
 * the last; cairn_dpkg_path() reads one. */
size_t cairn_dpkg_range(const cairn_dpkg *db, const char *prefix, size_t *end);
const char *cairn_dpkg_path(const cairn_dpkg *db, size_t i);

/* One md5sums line: canonical absolute path and its MD5.  A negative
 * return stops the parse and is returned. */
typedef int (*cairn_dpkg_md5_cb)(void *ctx, const char *path,
				 const unsigned char md5[16]);
/*
 * Parse md5sums text: lines "<32 hex> <space or '*'><path relative to
 * />" ending in "\n" (the last may lack it).  Each path is made absolute
 * and canonical (merged /usr, when db is non-NULL) before cb sees it.
 * Returns the number of lines, or CAIRN_EFORMAT naming label and the line
 * (bad digest, no path, NUL byte, path with "..").
 */
long cairn_dpkg_md5sums_parse(const cairn_dpkg *db, const char *data, size_t len,
			      const char *label, cairn_dpkg_md5_cb cb, void *ctx);
/* Read info/<pkg>.md5sums and parse it.  CAIRN_ENOTFOUND when the package
 * has none (some packages ship no md5sums; dpkg then cannot verify them
 * either). */
long cairn_dpkg_md5sums(const cairn_dpkg *db, const char *pkg,
			cairn_dpkg_md5_cb cb, void *ctx);

/*
 * The path of a folder of this machine (real absolute path real_path) as a
 * path of the dpkg system whose root is dpkg_root (NULL = "/"): real_path
 * with realpath(dpkg_root) taken off the front ("/" for the root itself).
 * NULL when real_path is not below it or either is NULL.  Caller frees.
 */
char *cairn_dpkg_system_path(const char *real_path, const char *dpkg_root);

/* One package's md5sums as a table sorted by path, for lookups by path
 * and by folder (the npm analyzer checks one package folder at a time). */
typedef struct cairn_dpkg_sums cairn_dpkg_sums;

/*
 * Read info/<pkg>.md5sums into a table.  On success *out is the caller's
 * (cairn_dpkg_sums_free, NULL-safe).  Errors as cairn_dpkg_md5sums():
 * CAIRN_ENOTFOUND when the package has none, CAIRN_EFORMAT for a bad line.
 */
int cairn_dpkg_sums_load(cairn_dpkg_sums **out, const cairn_dpkg *db, const char *pkg);
void cairn_dpkg_sums_free(cairn_dpkg_sums *s);
/* The MD5 listed for the canonical absolute path, or NULL. */
const unsigned char *cairn_dpkg_sums_find(const cairn_dpkg_sums *s, const char *path);
/* Entries whose path starts with prefix (bytes): first index, *end one
 * past the last; cairn_dpkg_sums_entry() reads one (path; *md5 set). */
size_t cairn_dpkg_sums_range(const cairn_dpkg_sums *s, const char *prefix, size_t *end);
const char *cairn_dpkg_sums_entry(const cairn_dpkg_sums *s, size_t i,
				  const unsigned char **md5);

#endif
