/*
 * walk.h - the tree walker of cairn-snap.
 *
 * Walks a directory tree with openat()/fstatat() relative to directory file
 * descriptors it keeps open (one per level), so paths longer than PATH_MAX
 * work and no absolute path is ever built for a system call.  Symbolic
 * links are never followed (they are recorded with their target), FIFOs,
 * sockets and devices are never opened, regular files are opened only by
 * cairn_walker_open() or cairn_walk_open_at() with
 * O_NOFOLLOW|O_NONBLOCK|O_NOCTTY.
 *
 * Entries come out in file order (cairn_path_cmp() of the raw relative
 * path), which is not a plain depth-first order with sorted names: "a",
 * "a.txt", "a/b" ('.' is 0x2e, '/' 0x2f).  Each directory's names are
 * sorted with every subdirectory contributing two keys, "name" (its entry)
 * and "name/" (its contents); memory is O(depth x width).
 * The root itself is not an entry.
 */
#ifndef CAIRN_WALK_H
#define CAIRN_WALK_H

#include "snapshot.h"

#include <stddef.h>
#include <stdint.h>

typedef struct cairn_walk_opts {
	int one_file_system;        /* -x: do not descend into other devices
	                             * (the mount point itself is recorded) */
	const char *const *excludes;/* --exclude GLOB: fnmatch(3) against the
	                             * base name (flags 0) and against the whole
	                             * relative path (FNM_PATHNAME); an entry
	                             * matching either is left out together with
	                             * everything below it */
	size_t exclude_count;
	const char *const *skip_globs;/* like excludes but matched against the
	                             * relative path only (FNM_PATHNAME); meant
	                             * for the tool's own output file, which is
	                             * not an option worth recording */
	size_t skip_count;
	/* Optional: for a directory just described from its descriptor (e
	 * has its path and lstat fields, no xattrs yet), 1 when its xattrs
	 * are known to be none, so that they are not listed (--reuse: an
	 * unchanged ctime since a record without any). */
	int (*xattrs_none)(void *ctx, const cairn_entry *e);
	void *xattrs_ctx;
} cairn_walk_opts;

typedef struct cairn_walker cairn_walker;

/*
 * Start walking root (a directory; a symbolic link given as the root itself
 * is followed, nothing below it is).  opts may be NULL; it and the strings
 * it points to must outlive the walker.  CAIRN_EIO/CAIRN_EUSAGE with a
 * message naming root when it cannot be opened or listed.
 */
int cairn_walker_new(cairn_walker **out, const char *root,
		     const cairn_walk_opts *opts);

/*
 * Next entry in file order: returns 1 (or CAIRN_WALK_DEFERRED, see
 * cairn_walker_defer_files()) and fills *e (which must be
 * initialised; it is released first, the caller owns what it holds), 0 when
 * the walk is over, negative on fatal trouble.  Everything comes from
 * lstat: type, mode, owner, size, times, dev, ino, nlink, rdev, symlink
 * target, xattrs (names and SHA-256 of values; for regular files see
 * below).  An entry that could not be
 * read has e->err (errno) and e->err_op ("lstat", "readlink", "opendir",
 * "listxattr", "getxattr") set; the entry is still produced.
 * Regular files are not opened and their xattrs not read here: that is
 * done by cairn_walker_open() from the open descriptor (cheaper than a
 * path lookup), or by cairn_walker_read_xattrs() for a file that is not
 * opened.  (A caller reusing a previous snapshot's hashes may also reuse
 * its xattrs: changing an xattr changes the ctime.)
 */
int cairn_walker_next(cairn_walker *w, cairn_entry *e);

/* cairn_walker_next()'s value for a deferred regular file (see below). */
#define CAIRN_WALK_DEFERRED 2

/*
 * Deferred files (off by default): with on != 0, an item that the directory
 * listing itself reports as a regular file (d_type DT_REG) comes out of
 * cairn_walker_next() without any system call: it returns
 * CAIRN_WALK_DEFERRED with only e->path and e->type (CAIRN_T_FILE) set, and
 * the caller completes the entry later, on any thread, with
 * cairn_walk_stat_at() on cairn_walker_dirref()'s directory and the last
 * component of e->path.  Everything else (directories, other types, and
 * every item of a file system that reports DT_UNKNOWN) comes out as usual.
 * A deferred entry may have vanished by the time it is completed; it is
 * then left out, as the walker leaves out what vanished before its lstat.
 */
void cairn_walker_defer_files(cairn_walker *w, int on);

/*
 * Cold cache: once the walk's own thread is seen reading directories from
 * the disk (getrusage(RUSAGE_THREAD) block reads, looked at every 32
 * directories), the directories still to come are listed ahead of the walk
 * on a few threads (dirahead.h) so that the walk finds them cached; a warm
 * walk never starts them.  With on != 0 (off by default) the read-ahead
 * also reads the first 128 KiB of the regular files it lists, batched per
 * directory: for a caller that reads every file (a snapshot without
 * --reuse).  Neither changes what the walk returns.  The environment
 * variable CAIRN_TEST_DIRAHEAD (tests only) starts the read-ahead at the
 * first directory entered, cold or not.
 */
void cairn_walker_read_ahead_files(cairn_walker *w, int on);

/* 1 once the read-ahead runs and reads the files too (the cache was seen
 * cold, cairn_walker_read_ahead_files() is on, the descriptor limit
 * allows it); called on the walking thread. */
int cairn_walker_reading_files_ahead(const cairn_walker *w);

/* Directories the read-ahead has listed so far (0: it never started). */
size_t cairn_walker_read_ahead_listed(const cairn_walker *w);

/*
 * A directory descriptor shared by the walker and whoever completes its
 * regular files later: the descriptor stays open until the last reference
 * is dropped, after the walker has moved on or been freed.  References may
 * be dropped on any thread.
 */
typedef struct cairn_dirref cairn_dirref;

/* A new reference to the directory of the regular file the last
 * cairn_walker_next() returned (deferred or not), or NULL when the last
 * entry is not a regular file.  Drop it with cairn_dirref_put(). */
cairn_dirref *cairn_walker_dirref(cairn_walker *w);
/* Where the last entry's name starts in its path (after the last '/'). */
size_t cairn_walker_name_offset(const cairn_walker *w);
int cairn_dirref_fd(const cairn_dirref *d);
/* Drop a reference; the last one closes the descriptor.  NULL is a no-op. */
void cairn_dirref_put(cairn_dirref *d);

/*
 * Complete a deferred entry e (path and type set) whose directory is open
 * on dirfd and whose name there is name: everything cairn_walker_next()
 * records, from an lstat (fstatat without following) and never by opening
 * it, so a regular file that became a FIFO in the meantime is described,
 * not opened.  Returns 1 when e is filled (possibly with e->err, err_op
 * "lstat", "readlink", "opendir", "listxattr" or "getxattr"), 0 when the
 * name no longer exists (the entry must be left out).  Thread-safe.
 * A regular file still needs cairn_walk_open_at() (or a reused digest).
 */
int cairn_walk_stat_at(int dirfd, const char *name, cairn_entry *e);

/*
 * cairn_walker_open() for a regular file given by its directory and name
 * (e filled from its lstat): same checks, same results.  Thread-safe.
 */
int cairn_walk_open_at(int dirfd, const char *name, cairn_entry *e,
		       int *fd_out);

/*
 * Open the regular file the last cairn_walker_next() returned, for hashing.
 * Returns 0 with *fd_out an open descriptor (caller closes) after checking
 * with fstat that it is the same regular file; the entry's stat fields are
 * refreshed from that fstat and its xattrs read from the descriptor.
 * When it cannot be opened, returns 0 with
 * *fd_out = -1 and e->err/e->err_op ("open", "fstat") set; when it is no
 * longer the same regular file, *fd_out = -1 and CAIRN_EF_CHANGED is set.
 * CAIRN_EUSAGE when the last entry is not a regular file, or a deferred one.
 */
int cairn_walker_open(cairn_walker *w, cairn_entry *e, int *fd_out);

/* Read the xattrs of the regular file the last cairn_walker_next()
 * returned without opening it (no-follow path lookup through
 * /proc/self/fd; nothing when /proc is not mounted).  CAIRN_EUSAGE when
 * the last entry is not a regular file, or a deferred one. */
int cairn_walker_read_xattrs(cairn_walker *w, cairn_entry *e);

/*
 * Problems not attached to an entry (a directory that vanished or changed
 * between its entry and its listing, a listing that failed half-way):
 * the number so far, and the latest message (NULL after it was taken once).
 */
uint64_t cairn_walker_hidden_errors(const cairn_walker *w);
const char *cairn_walker_take_warning(cairn_walker *w);

/* Device of the root (for -x). */
uint64_t cairn_walker_root_dev(const cairn_walker *w);

void cairn_walker_free(cairn_walker *w);

#endif
