/*
 * scan.h - the parallel snapshot pipeline of cairn-snap.
 *
 * The walker (walk.h) produces entries in file order on the calling thread,
 * which lists directories and describes everything but regular files; a
 * regular file goes, as its path and a reference to its directory, through
 * a bounded ring of in-flight entries to a pool of worker threads that
 * lstat, open and hash it (cairn_walker_defer_files()), so that per-file
 * system calls run in parallel; one writer thread takes completed entries
 * off the ring in order and hands them to the observer (e.g.
 * cairn_analyzer_observe) and then to the snapshot writer.  The output does
 * not depend on the number of threads.
 *
 * Incremental mode (reuse_path): the previous snapshot is streamed in step
 * with the walk (both are sorted, so this is a merge by path on the calling
 * thread; the workers compare metadata) and a regular file whose dev, ino,
 * size, mtime and ctime (to the nanosecond) equal those of the previous
 * entry takes its sha256 and xxh128 from there instead of being read, the
 * way git's index works.  Racy case: a file whose mtime or ctime
 * is not older than the previous snapshot's "created" time may have changed
 * within the same timestamp granule and is read again.  paranoid: every file
 * is read; a file whose metadata would have allowed reuse but whose content
 * differs is counted as a mismatch (content changed behind unchanged
 * timestamps).
 */
#ifndef CAIRN_SCAN_H
#define CAIRN_SCAN_H

#include "snapshot.h"
#include "walk.h"

#include <stdint.h>

typedef struct cairn_scan_stats {
	uint64_t entries;       /* entries written */
	uint64_t files;         /* regular files among them */
	uint64_t bytes;         /* sum of the sizes of regular files */
	uint64_t bytes_read;    /* bytes actually read and hashed */
	uint64_t hashed;        /* files whose hashes were computed */
	uint64_t reused;        /* files whose hashes came from reuse_path */
	uint64_t racy;          /* reusable by metadata but read again (racy) */
	uint64_t mismatch;      /* paranoid: reusable metadata, other content */
	uint64_t changed;       /* files that changed while read */
	uint64_t errors;        /* entries with an error + errors of listings */
	uint64_t frames_copied; /* reuse_path: compressed frames copied from it */
	char prev_sha256[65];   /* reuse_path: its trailer checksum, verified */
} cairn_scan_stats;

typedef struct cairn_scan_opts {
	cairn_walk_opts walk;
	unsigned jobs;               /* files read and hashed at once; 0:
	                              * cairn_scan_default_jobs() */
	const char *reuse_path;      /* previous snapshot or NULL */
	const cairn_key *reuse_pubkey; /* if set, reuse_path must be signed by it */
	int paranoid;                /* read every file even with reuse_path */
	/* Called for every entry in file order, hashes filled, before it is
	 * written (may be NULL).  Runs on the scan's writer thread, one call
	 * at a time; everything it touches must not be used by the caller
	 * until cairn_scan_run() returns. */
	void (*observer)(void *ctx, const cairn_entry *e);
	void *observer_ctx;
	/* Called now and then (at most every 200 ms) and once at the end
	 * (may be NULL).  Calls of progress and warn never overlap, but may
	 * come from different threads. */
	void (*progress)(void *ctx, const cairn_scan_stats *s, int final);
	void *progress_ctx;
	/* One line per problem that does not stop the scan: unreadable entry,
	 * file changed while read, listing failure (may be NULL).  The message
	 * holds the entry's path as it is, like the library's error messages:
	 * the printer escapes it (cairn_cli_warn() does), so that a name is
	 * escaped once, as the listings show it. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
} cairn_scan_opts;

/* The default of cairn_scan_opts.jobs: 4 per online CPU, 8 to 64 (many
 * reads in flight for a cold cache; see scan.c). */
unsigned cairn_scan_default_jobs(void);

/*
 * Open a previous snapshot for --reuse before the new one is opened and
 * read its header: returns the header object to record, {"from": path,
 * "prev_created": its header's created} (new reference).  Only the header
 * is read: cairn_scan_run() streams the rest and fails unless its checksum
 * (and signature when pubkey is set) verifies, so nothing built on a bad
 * previous snapshot is ever written.
 * CAIRN_EVERIFY/CAIRN_EFORMAT/CAIRN_EIO with a message naming the file.
 */
int cairn_scan_reuse_info(json_t **out, const char *path,
			  const cairn_key *pubkey);

/*
 * Walk root and write every entry through w (opened by the caller, who
 * also closes it).  stats (may be NULL) receives the counters.  Returns 0
 * when the walk completed (entries with errors included), negative on fatal
 * trouble (root unreadable, write failure, previous snapshot bad); the
 * caller must then abort the writer.
 */
int cairn_scan_run(const char *root, const cairn_scan_opts *opts,
		   cairn_snap_writer *w, cairn_scan_stats *stats);

/*
 * Trailer fields for cairn_snap_writer_close()'s extra: {"changed": N} and,
 * when reuse_path was set, "reuse": {"reused": N, "hashed": N, "racy": N,
 * "paranoid": bool, "mismatch": N, "prev_sha256": HEX}.  New reference.
 */
json_t *cairn_scan_trailer_extra(const cairn_scan_opts *opts,
				 const cairn_scan_stats *s);

/*
 * The header fields of a snapshot of root scanned with opts, for
 * cairn_snap_writer_open() (which puts "type", "format" and "version"
 * first), in the order of docs/FORMAT.md "Header": "tool" (tool, e.g.
 * "cairn-snap 0.1.0"), "hostname", "root", "root_realpath" (when root
 * resolves), "created" (RFC 3339, nanoseconds), "created_set" (when
 * created_set: the time was given, not read from the clock), "options"
 * (opts' "exclude" or "exclude_esc", "one_file_system", then the fields of
 * analysis, may be NULL), "hash_algorithms", "reuse" (a copy of reuse from
 * cairn_scan_reuse_info(), may be NULL, with "paranoid": true when
 * opts->paranoid).  Arguments are borrowed; returns a new reference.
 */
json_t *cairn_scan_header(const char *tool, const char *root,
			  const cairn_scan_opts *opts, json_t *analysis,
			  const json_t *reuse, int64_t created_sec,
			  long created_nsec, int created_set);


#endif
