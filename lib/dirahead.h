/*
 * dirahead.h - list directories ahead of a walk when the cache is cold.
 *
 * The walker lists one directory after another on one thread; with a cold
 * cache each listing (and the open that reads the directory's inode) waits
 * for the disk, and the hashing workers wait for the walker.  A read-ahead
 * lists the directories still to come on a few threads of its own (open,
 * getdents64, then the same for their subdirectories), depth first, nearest
 * first; what it reads is thrown away, only the kernel's caches keep it, so
 * that the walker's own listing finds it there.  Nothing it does reaches
 * the output: the walk stays the only source of entries.
 *
 * Confinement: every directory is opened below the root's descriptor with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV), O_DIRECTORY | O_NOFOLLOW: no link is followed, nothing
 * outside the root and no other file system is read, nothing but a
 * directory is opened.  Where the kernel lacks openat2 (before Linux 5.6)
 * there is no read-ahead.  Bounded: at most CAIRN_DIRAHEAD_QUEUE pending
 * directories (the farthest are dropped), at most CAIRN_DIRAHEAD_LEAD
 * directories listed ahead of the walk, paths under PATH_MAX, one
 * descriptor per thread (97 when reading files: 32 opened, 64 being read;
 * no file read-ahead under a descriptor limit below 1024, no read-ahead at
 * all below 256).
 */
#ifndef CAIRN_DIRAHEAD_H
#define CAIRN_DIRAHEAD_H

#include <stddef.h>

#define CAIRN_DIRAHEAD_THREADS 4
#define CAIRN_DIRAHEAD_QUEUE 4096
#define CAIRN_DIRAHEAD_LEAD 512

typedef struct cairn_dirahead cairn_dirahead;

/* Says whether a directory or a file (path relative to the root, its base
 * name) is left out of the walk (--exclude): then it is not read ahead
 * either (a directory not listed, a file not opened).  Called from the
 * read-ahead's threads. */
typedef int (*cairn_dirahead_skip_fn)(void *ctx, const char *path,
				      const char *name);

/*
 * New read-ahead below the directory open on root_fd (not taken: it must
 * stay open until cairn_dirahead_free()).  Its threads start at the first
 * cairn_dirahead_start().  skip (may be NULL) and ctx must outlive it.
 * Never fails: without threads or openat2 it does nothing.  Free with
 * cairn_dirahead_free().
 */
cairn_dirahead *cairn_dirahead_new(int root_fd, cairn_dirahead_skip_fn skip,
				   void *ctx);

/*
 * Queue the directory at path (relative to the root, len bytes, no
 * trailing '/') to be listed, with everything below it.  The last queued
 * is listed first: queue what the walk reaches last first.
 */
void cairn_dirahead_push(cairn_dirahead *a, const char *path, size_t len);

/* Also read the first 128 KiB of every regular file of the directories
 * listed (on != 0; off by default), for a walk that reads every file: the
 * reads of a directory go to the disk in one io_uring submission, which
 * on a virtual disk costs one notification of the device instead of one
 * per file, and lets neighbouring files merge into one request.  Files are
 * opened O_NOFOLLOW|O_NONBLOCK|O_NOATIME (one that refuses O_NOATIME is
 * left alone), read only when fstat says regular, closed once read.  The
 * thread does not wait for the reads, only for room when 64 are in
 * flight: it goes on listing, and the walk, which follows the listing,
 * does not wait for the disk with it.  Set before cairn_dirahead_start(). */
void cairn_dirahead_files(cairn_dirahead *a, int on);

/* Start the threads (once; later calls do nothing). */
void cairn_dirahead_start(cairn_dirahead *a);

/* The walk has listed one more directory (the lead is counted from it). */
void cairn_dirahead_walked(cairn_dirahead *a);

/* 1 when its threads run and read files: cairn_dirahead_files() was on
 * and the descriptor limit allowed it (cairn_dirahead_start()). */
int cairn_dirahead_reading_files(const cairn_dirahead *a);

/* Directories listed so far by the read-ahead (for tests). */
size_t cairn_dirahead_listed(const cairn_dirahead *a);

/* Stop the threads and free everything; NULL is a no-op. */
void cairn_dirahead_free(cairn_dirahead *a);

#endif
