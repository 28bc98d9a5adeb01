/*
 * pkgfs.h - what the package analyzers (npm, pip, MCP, pipeline) share:
 * a sorted index of the files of a tree, safe reads below a folder (no
 * symlink is ever followed, only regular files are opened, sizes capped),
 * a small walker for trees outside the snapshot root (the npx cache), and
 * the collection of records that the analyzer sorts before writing.
 * Internal to the analyzer; documented in docs/RECORDS.md.
 */
#ifndef CAIRN_PKGFS_H
#define CAIRN_PKGFS_H

#include "snapshot.h"

#include <jansson.h>
#include <stdint.h>

/* Caps (docs/RECORDS.md §Caps). */
#define CAIRN_CAP_MANIFEST   (4u << 20)    /* package.json, METADATA, configs */
#define CAIRN_CAP_LOCKFILE   (64u << 20)   /* package-lock.json */
#define CAIRN_CAP_TEXT       (4u << 20)    /* RECORD, CI files, logs */
#define CAIRN_CAP_TARBALL    (64u << 20)   /* compressed tarball read */
#define CAIRN_CAP_WALK_FILES 200000u       /* files of one walked tree */

/* One file of the index (regular files and symlinks). */
typedef struct cairn_pkg_file {
	char *path;              /* relative to the tree root, owned */
	size_t path_len;
	int type;                /* CAIRN_T_* */
	uint64_t size;
	int hashed;              /* sha256 valid */
	unsigned char sha256[32];/* of the contents, or of the symlink target */
	int64_t mtime_ns, ctime_ns; /* from the snapshot's entry; 0 = unknown
	                          * (trees walked by cairn_pkg_walk) */
} cairn_pkg_file;

typedef struct cairn_pkg_files {
	cairn_pkg_file *v;
	size_t n, cap;
} cairn_pkg_files;

void cairn_pkg_files_init(cairn_pkg_files *f);
/* The flags of a comparison of installed files with their reference
 * (files_modified, files_added, files_missing: docs/RECORDS.md), for the
 * lists that are not empty; a flag flags already holds is not added twice. */
void cairn_pkg_flag_files(json_t *flags, const json_t *mod, const json_t *add,
			  const json_t *miss);
void cairn_pkg_files_release(cairn_pkg_files *f);
/* Append a copy of e (must come in cairn_path_cmp order, as the walk gives
 * them; cairn_pkg_files_sort() fixes any other order). */
void cairn_pkg_files_add(cairn_pkg_files *f, const cairn_entry *e);
void cairn_pkg_files_sort(cairn_pkg_files *f);
/* Index of the first file whose path starts with prefix (bytes), and in
 * *end one past the last; returns *end when none. */
size_t cairn_pkg_files_range(const cairn_pkg_files *f, const char *prefix,
			     size_t *end);
/* The file with exactly this path, or NULL. */
const cairn_pkg_file *cairn_pkg_files_find(const cairn_pkg_files *f,
					   const char *path);

/*
 * Read relpath below the folder open on dirfd into out: every component is
 * opened with O_NOFOLLOW (a symlink anywhere fails with CAIRN_EUSAGE
 * "symlink"), the last one with O_NONBLOCK and must be a regular file;
 * more than cap bytes is CAIRN_ELIMIT.  Messages begin "label: relpath: ",
 * or "relpath: " when label is NULL or relpath itself.
 */
int cairn_safe_read(cairn_buf *out, int dirfd, const char *relpath,
		    size_t cap, const char *label);
/* Open the folder relpath below dirfd ("" = dirfd itself, dup'ed) without
 * following symlinks; returns the fd or a negative CAIRN_E*. */
int cairn_safe_opendir(int dirfd, const char *relpath);
/*
 * Look at relpath below dirfd the way the walker does: no symlink is
 * followed at any component; a symlink as the last one is described as
 * such (size and sha256 of its target).  Fills out's type, size, hashed
 * and sha256 (path is left alone); only regular files are read (FIFOs and
 * devices are opened non-blocking and never read).  0, CAIRN_ENOTFOUND,
 * CAIRN_EUSAGE for a symlink or non-folder on the way, CAIRN_EIO.
 */
int cairn_pkg_file_stat(cairn_pkg_file *out, int dirfd, const char *relpath);
/* The target of the symlink relpath below dirfd (no symlink followed on
 * the way) into out: 0, CAIRN_ENOTFOUND, CAIRN_EUSAGE when it is not a
 * symlink or a component is, CAIRN_EIO. */
int cairn_safe_readlink(cairn_buf *out, int dirfd, const char *relpath);
/* MD5 of the regular file relpath below dirfd (the digest dpkg's md5sums
 * record), same no-symlink rules: 0, CAIRN_ENOTFOUND, CAIRN_EUSAGE (a
 * symlink or not a regular file), CAIRN_EIO. */
int cairn_safe_md5(unsigned char out[16], int dirfd, const char *relpath);
/* Open an absolute path: the folder must exist; used for $HOME places.
 * Returns fd or negative. */
int cairn_safe_open_abs_dir(const char *path);

/*
 * Walk the folder open on dirfd (symlinks recorded, not followed; files
 * hashed with SHA-256; at most CAIRN_CAP_WALK_FILES files) into out, sorted.
 * Paths are relative to dirfd.
 */
int cairn_pkg_walk(cairn_pkg_files *out, int dirfd, const char *label);

/* SHA-256 of memory (OpenSSL EVP); 0 or CAIRN_EEXTERNAL. */
int cairn_pkg_sha256(unsigned char out[32], const void *p, size_t n);

/* ---- records ---- */
typedef struct cairn_recs {
	struct cairn_rec { char *key; json_t *rec; } *v;
	size_t n, cap;
} cairn_recs;

void cairn_recs_init(cairn_recs *r);
void cairn_recs_release(cairn_recs *r);
/* Take ownership of rec (its "type" must be set); key orders records of
 * one type (built with cairn_recs_key()). */
void cairn_recs_add(cairn_recs *r, json_t *rec, char *key);
/* Sort by type then key (bytes), stable for equal keys. */
void cairn_recs_sort(cairn_recs *r);
/* Sort key from parts: strings joined by \x1f; a part "%0Nd" style number
 * must be formatted by the caller.  Returns a new string. */
char *cairn_recs_key(const char *first, ...);
/* The fields of a package record (docs/RECORDS.md) that nothing declared
 * fills, in the record's order: declared_range and declared_in null,
 * required_by [], scripts {}, has_install_script and
 * lock_has_install_script false, bin {}, gypfile false (a pip
 * distribution, an npm link). */
void cairn_recs_package_undeclared(json_t *rec);
/* The dependency sections of a package.json, in the order npm resolves a
 * name declared twice: dependencies, optionalDependencies,
 * devDependencies, peerDependencies. */
extern const char *const cairn_pkg_sections[4];
/* The section of manifest that declares name with a string range, and
 * the range in *range (borrowed from manifest); NULL (and *range NULL)
 * when no section does. */
const char *cairn_pkg_declared(const json_t *manifest, const char *name,
			       const char **range);
/* qsort comparator of required_by items (json_t *): by from, then by
 * section, the order docs/RECORDS.md gives. */
int cairn_pkg_required_by_cmp(const void *a, const void *b);
/* A parse_error record: file, analyzer, message. */
void cairn_recs_parse_error(cairn_recs *r, const char *file,
			    const char *analyzer, const char *message);

/* Base64 (standard or url-safe, padding optional) decode of in[0..len) into
 * out, which has room for cap bytes.  Returns the decoded length;
 * CAIRN_ELIMIT when it would exceed cap (nothing written), CAIRN_EFORMAT for
 * a character outside the alphabets or a dangling 6 bits. */
long cairn_b64_decode(unsigned char *out, size_t cap, const char *in, size_t len);
/* Base64 url-safe without padding (pip RECORD); out >= 4*n/3+4. */
void cairn_b64url_encode(char *out, const unsigned char *in, size_t n);

/* Path helpers. */
const char *cairn_path_base(const char *path);
/* base + "/" + p with "." and ".." components resolved (base may be "");
 * NULL when p is absolute or climbs above base's root.  New string. */
char *cairn_path_resolve(const char *base, const char *p);
/* Join a and b with '/', a may be "" (returns copy of b). New string. */
char *cairn_path_join(const char *a, const char *b);

#endif
