/*
 * scan.c - walk, hash in parallel, write in order (see scan.h).
 */
#include "scan.h"
#include "hash.h"
#include "prevq.h"
#include "rfc3339.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_QUEUED, SLOT_DONE };

/*
 * One entry in flight.  A regular file is completed by a worker: its lstat
 * when the walker deferred it, the decision to reuse the previous digests,
 * open, xattrs, hashing.  Slots hold no open file, only a reference to the
 * directory (so the ring can be long without running out of descriptors).
 */
struct slot {
	cairn_entry e;
	cairn_dirref *dir;        /* regular file: its directory, until done */
	size_t name_off;          /* the file's name in e.path */
	int state;
	int deferred;             /* only path and type known: lstat it */
	int dropped;              /* vanished since the listing: not written */
	int have_prev;            /* prev: the previous snapshot's entry */
	int racy;                 /* reusable by metadata, but too recent */
	int reusable;             /* metadata matched the previous snapshot */
	int reused;               /* hashes taken from it */
	int queued;               /* producer: to be QUEUED when published */
	cairn_entry prev;         /* have_prev: a hashed regular file */
	const char *pline;        /* the previous snapshot's line of the entry,
	                           * as written: in the queue's chunk (held,
	                           * ticket) or in prev_line */
	size_t pline_len;
	int held;
	uint64_t ticket;
	cairn_buf prev_line;      /* a copy of pline when it could not be held */
	uint64_t prev_at;         /* pline's offset in the previous
	                           * snapshot's content, for frame copying
	                           * (CAIRN_SNAP_NO_SOURCE: none) */
	int prev_raw;             /* pline not parsed yet (complete_file()) */
	int prev_copy;            /* pline was framed, not parsed (the queue's
	                           * raw: checked before its bytes are trusted) */
	int prev_exact;           /* pline is, byte for byte, the line this
	                           * writer gives the entry with prev's digests
	                           * (cairn_entry_line_match()) */
	long long prev_number;    /* its record number, for messages */
	unsigned char prev_sha256[32];
	unsigned char prev_xxh128[16];
	uint64_t bytes_read;
};

struct worker {
	struct scan *sc;
	unsigned index;
	cairn_hasher *hasher;
	cairn_buf tmp;            /* prev_parse()'s scratch */
	pthread_t thread;
	int started;
};

/* The previous snapshot, read on its own thread (prevq.h), merged with the
 * walk on the walking thread. */
struct prev {
	cairn_snap_reader *r;     /* until the queue takes it */
	cairn_prevq *q;
	int64_t created_sec;
	long created_nsec;
	const char *path;         /* for messages */
	cairn_buf tmp;            /* prev_check()'s scratch */
};

/*
 * Threads: the caller's thread walks and dispatches (producer), N workers
 * complete and hash regular files, one emitter hands completed entries in
 * order to the observer and the writer.  Everything below `mu` is shared
 * and guarded by it; a slot's entry belongs to the producer until it is
 * published (tail++), then to a worker while QUEUED, then to the emitter
 * once DONE.
 */
struct scan {
	const cairn_scan_opts *o;
	cairn_snap_writer *w;
	cairn_scan_stats st;      /* emitter's counters */
	uint64_t hidden;          /* producer's counter */

	pthread_mutex_t mu;
	pthread_cond_t work_cv;   /* queue not empty, or quit */
	pthread_cond_t done_cv;   /* a slot became DONE, or the end */
	pthread_cond_t space_cv;  /* the emitter freed slots */
	pthread_cond_t quiet_cv;  /* a worker finished a batch (starved) */
	struct slot *ring;
	size_t cap;
	uint64_t head, tail;      /* ring: [head, tail) published */
	uint64_t pending;         /* producer's: filled, unpublished after tail */
	size_t *queue;            /* slot indices waiting for a worker */
	uint64_t q_head, q_tail;
	int quit, cancel;
	unsigned idle;            /* workers waiting for work */
	uint64_t item_ns;         /* recent wall time of one completion */
	size_t min_share;         /* least a worker takes (batch_share()) */
	unsigned busy;            /* workers with a batch */
	unsigned starved;         /* of those: out of descriptors, waiting */
	int emitter_waiting;
	int producer_waiting;
	uint64_t space_limit;     /* ... until no more than this in flight */
	int producer_done;        /* no more slots will be published */
	int fatal;
	char fatal_msg[1024];

	struct worker *workers;
	unsigned nworkers;
	unsigned ncpu;            /* online CPUs (idle_core()) */
	unsigned active;          /* workers that take work; the others
	                           * wait on park_cv (cold_workers()) */
	pthread_cond_t park_cv;
	int cold_checked;         /* cold_workers() has nothing left to do */
	int reuse_warm;           /* --reuse, default -j: cold_workers() */
	pthread_t emitter;
	int emitter_started;
	struct prev prev;
	cairn_walk_opts walk;      /* o->walk, and dir_xattrs_none() with --reuse */
	int dir_exact;            /* dir_xattrs_none() matched the entry the
	                           * walk is producing (producer's) */
	int use_prev;
	/* The previous snapshot was written by this format and library
	 * version: its frames are cut as this writer cuts them. */
	int raw_lines;
	/* raw_lines and the previous snapshot in memory: the writer copies
	 * its unchanged frames (cairn_snap_writer_set_source()) */
	const cairn_snap_frames *frames;
	struct timespec last_progress;
	cairn_buf msg;            /* emitter's scratch */
	cairn_buf emit_tmp;       /* emitter's prev_check() scratch */
	uint64_t released;        /* emitter's: last cairn_prevq_release_below() */
	pthread_mutex_t cb_mu;    /* serialises the warn callback */
};

/*
 * Files in flight by default.  A worker blocks in read() while the disk
 * fetches its file, so on a cold cache the number of workers is the number
 * of reads the device sees at once: with one per CPU a 2-core machine kept
 * two reads in flight and took 1.7x the time of a sequential read of the
 * same bytes (19.5 s against dd's 11.3 s, 100,000 files, 1.2 GB, virtio
 * disk); with 8 it took 0.7x (7.7 s), and 16 or 32 were no faster.  On a
 * warm cache the extra workers cost nothing measurable: the hashing is the
 * same work, and the CPU time was 2.0 s at -j2, -j8 and -j16 alike.
 */
unsigned cairn_scan_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = n > 0 ? (unsigned)n * 4 : 8;

	return jobs < 8 ? 8 : jobs > 64 ? 64 : jobs;
}

/* ------------------------------------------------------------ reuse */

int cairn_scan_reuse_info(json_t **out, const char *path,
			  const cairn_key *pubkey)
{
	cairn_snap_reader *r = NULL;
	const char *created;
	json_t *info;
	int64_t sec;
	long nsec;
	int rc;

	*out = NULL;
	/* The header only: the run streams the file once and verifies its
	 * checksum (and signature) before the new snapshot is written.  A
	 * second full pass here cost a sixth of an incremental run. */
	if ((rc = cairn_snap_reader_open(&r, path, pubkey)) < 0)
		return rc;
	created = json_string_value(json_object_get(cairn_snap_reader_header(r),
						    "created"));
	if (!created || cairn_rfc3339_parse(&sec, &nsec, created) < 0) {
		rc = cairn_error_set(CAIRN_EFORMAT,
				     "snapshot '%s': header has no valid \"created\" time",
				     path);
		goto done;
	}
	/* a time given with --created was never the start of a run: the
	 * racy check would trust entries it never saw */
	if (json_is_true(json_object_get(cairn_snap_reader_header(r), "created_set"))) {
		rc = cairn_error_set(CAIRN_EUSAGE,
				     "snapshot '%s': its time was set with --created, not read "
				     "from the clock; --reuse cannot build on it", path);
		goto done;
	}
	info = json_object();
	cairn_json_set_bytes(info, "from", path, strlen(path));
	json_object_set_new(info, "prev_created", json_string(created));
	*out = info;
	rc = 0;
done:
	cairn_snap_reader_free(r);
	return rc;
}

/* A previous line longer than this is not copied into the ring (it is
 * checked as it is passed over, and the entry is described afresh): every
 * slot may hold one, and a hostile snapshot of 64 MiB lines must not fill
 * memory.  Real lines are under 1 KiB; a 4,096-byte path of escaped bytes
 * with a link target and xattrs stays under it. */
#define PREV_LINE_MAX (32u << 10)

/* A previous snapshot up to this size is read whole, so that the writer
 * can copy its frames (100,000 entries: 6.6 MB); a larger one streams. */
#define PREV_IN_MEMORY (256u << 20)

static int prev_open(struct prev *p, const char *path, const cairn_key *pubkey)
{
	const char *created;
	int rc;

	memset(p, 0, sizeof(*p));
	p->path = path;
	if ((rc = cairn_snap_reader_load(&p->r, path, pubkey, PREV_IN_MEMORY)) < 0)
		return rc;
	/* Entry lines come framed (path and kind, order, checksum) but not
	 * parsed: a regular file's line is parsed by the worker that may
	 * reuse it (prev_parse()), the others never are.  Parsing every
	 * line on the walking thread was a fifth of its time. */
	cairn_snap_reader_set_raw(p->r, 1);
	created = json_string_value(json_object_get(cairn_snap_reader_header(p->r),
						    "created"));
	if (!created || cairn_rfc3339_parse(&p->created_sec, &p->created_nsec,
					    created) < 0)
		return cairn_error_set(CAIRN_EFORMAT,
				       "snapshot '%s': header has no valid \"created\" time",
				       path);
	return 0;
}

/* A framed record that no worker will parse (a directory, a file that
 * is gone, anything the walk passed over) is still checked: a previous
 * snapshot the reader would reject is rejected whichever lines are
 * used.  The writer's own lines take the fast canonical check. */
static int prev_check(const struct prev *p, const cairn_prevq_item *it,
		      cairn_buf *tmp)
{
	cairn_entry scratch;
	int rc;

	if (!it->raw || cairn_snap_entry_canonical(it->line, it->line_len, tmp))
		return 0;
	cairn_entry_init(&scratch);
	rc = cairn_snap_parse_entry(&scratch, p->path, it->number, it->line,
				    it->line_len, tmp);
	cairn_entry_release(&scratch);
	return rc < 0 ? rc : 0;
}

/* The previous entry with exactly this path, to be popped once used: 1
 * with *out, else 0; < 0 on error.  Entries before it are checked and
 * passed. */
static int prev_find(struct prev *p, const char *path, size_t len,
		     const cairn_prevq_item **out)
{
	int rc, c;

	for (;;) {
		if ((rc = cairn_prevq_peek(p->q, out)) <= 0)
			return rc;
		c = cairn_path_cmp((*out)->path, (*out)->path_len, path, len);
		if (c >= 0)
			return c == 0;
		if ((rc = prev_check(p, *out, &p->tmp)) < 0)
			return rc;
		cairn_prevq_pop(p->q);
	}
}

/*
 * A directory whose previous line is the one its fstat gives, with no
 * xattrs, has none now: setting or removing one changes the ctime, which
 * that line names.  Spares the walk a flistxattr per directory.  (The
 * entry stays in the queue: dispatch() takes it.)
 */
static int dir_xattrs_none(void *ctx, const cairn_entry *e)
{
	struct scan *sc = ctx;
	const cairn_prevq_item *it;
	cairn_entry m;

	if (prev_find(&sc->prev, e->path, e->path_len, &it) <= 0 ||
	    it->type != CAIRN_T_DIR)
		return 0;
	cairn_entry_init(&m);
	sc->dir_exact = cairn_entry_line_match(&m, e, it->line, it->line_len);
	return sc->dir_exact;
}

/* The previous entry of a regular file may give its digests: it was
 * hashed, not seen changing, had no error. */
static int prev_usable(const cairn_entry *pe)
{
	return pe->type == CAIRN_T_FILE && (pe->flags & CAIRN_EF_HASHED) &&
	       !(pe->flags & CAIRN_EF_CHANGED) && !pe->err;
}

/* Read the rest of the previous snapshot so that its trailer checksum (and
 * signature) is verified before the new snapshot is declared good. */
static int prev_finish(struct prev *p)
{
	const cairn_prevq_item *it;
	int rc;

	while ((rc = cairn_prevq_peek(p->q, &it)) > 0) {
		if ((rc = prev_check(p, it, &p->tmp)) < 0)
			return rc;
		cairn_prevq_pop(p->q);
	}
	return rc < 0 ? rc : cairn_prevq_finish(p->q);
}

/* The verified trailer checksum of the previous snapshot, for the new
 * trailer: the chain from one snapshot to the next. */
static void prev_checksum(struct prev *p, char out[65])
{
	const char *sum = json_string_value(json_object_get(
		cairn_snap_reader_trailer(cairn_prevq_reader(p->q)), "sha256"));

	snprintf(out, 65, "%s", sum ? sum : "");
}

/* The previous snapshot's header names this format version and was written
 * by this library version ("tool": "<name> <CAIRN_VERSION>"). */
static int same_writer(const json_t *h)
{
	const char *ver = json_string_value(json_object_get(h, "version"));
	const char *tool = json_string_value(json_object_get(h, "tool"));
	char want[32];
	size_t tl, vl = strlen(" " CAIRN_VERSION);

	snprintf(want, sizeof(want), "%d.%d", CAIRN_FORMAT_MAJOR, CAIRN_FORMAT_MINOR);
	if (!ver || strcmp(ver, want) || !tool)
		return 0;
	tl = strlen(tool);
	return tl > vl && !strcmp(tool + tl - vl, " " CAIRN_VERSION);
}

static int ts_before(int64_t s, long ns, int64_t ref_s, long ref_ns)
{
	return s < ref_s || (s == ref_s && ns < ref_ns);
}

/* ------------------------------------------------------------ workers */

/* Record the first fatal error of any thread and wake everyone.
 * Called with mu held. */
static void set_fatal_locked(struct scan *sc, int rc, const char *msg)
{
	if (!sc->fatal) {
		sc->fatal = rc;
		snprintf(sc->fatal_msg, sizeof(sc->fatal_msg), "%s", msg);
	}
	sc->cancel = 1;
	pthread_cond_broadcast(&sc->work_cv);
	pthread_cond_broadcast(&sc->done_cv);
	pthread_cond_broadcast(&sc->space_cv);
}

/* Small files take microseconds: take many per lock round-trip, so that
 * workers seldom sleep and wake. */
#define WORKER_BATCH 64

/*
 * How many entries a worker takes at least, from what a completion has
 * cost lately: enough for about BATCH_NS of work.  A completion that only
 * lstats a file (--reuse, warm cache) takes a microsecond or two, and
 * spreading a flush of 64 of them over eight workers cost a lock
 * round-trip and a futex wake-up per handful of entries (100,000 futex
 * calls for 100,000 unchanged files: a fifth of the run).  A completion
 * that waits for the disk takes a millisecond: then one at a time, so that
 * as many reads as workers stay in flight (cold cache, see
 * cairn_scan_default_jobs()).  Starts at one; the output never depends on
 * it.
 */
#define BATCH_NS 400000u

static void note_batch_cost(struct scan *sc, uint64_t ns, size_t n)
{
	uint64_t per = ns / n, share;

	/* a moving average over a few batches, under mu */
	sc->item_ns = sc->item_ns ? (sc->item_ns * 3 + per) / 4 : per;
	share = sc->item_ns ? BATCH_NS / sc->item_ns : WORKER_BATCH;
	sc->min_share = share < 1 ? 1 : share > WORKER_BATCH ? WORKER_BATCH
							     : (size_t)share;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * Out of descriptors: that is not a property of the file and must not
 * decide the output.  Wait until the queue is empty (or nobody is left to
 * empty it) and every other busy worker is starved too, so that only the
 * walk's own descriptors are open; the caller then tries once more.
 */
static void wait_quiet(struct scan *sc)
{
	pthread_mutex_lock(&sc->mu);
	sc->starved++;
	while (!sc->cancel && (sc->busy > sc->starved ||
			       (sc->q_head != sc->q_tail && sc->idle))) {
		if (sc->q_head != sc->q_tail && sc->idle)
			pthread_cond_broadcast(&sc->work_cv);
		pthread_cond_wait(&sc->quiet_cv, &sc->mu);
	}
	sc->starved--;
	pthread_mutex_unlock(&sc->mu);
}

/*
 * Reuse the previous snapshot's digests of a regular file whose dev, ino,
 * size, mtime and ctime did not change (see scan.h).  1: reused.
 */
static int try_reuse(struct scan *sc, struct slot *s)
{
	cairn_entry *e = &s->e, *pe = &s->prev;

	if (pe->dev != e->dev || pe->ino != e->ino || pe->size != e->size ||
	    pe->mtime_sec != e->mtime_sec || pe->mtime_nsec != e->mtime_nsec ||
	    pe->ctime_sec != e->ctime_sec || pe->ctime_nsec != e->ctime_nsec)
		return 0;
	/* Racy: a change within the same timestamp granule as the previous
	 * snapshot's start is invisible. */
	if (!ts_before(e->mtime_sec, e->mtime_nsec, sc->prev.created_sec,
		       sc->prev.created_nsec) ||
	    !ts_before(e->ctime_sec, e->ctime_nsec, sc->prev.created_sec,
		       sc->prev.created_nsec)) {
		s->racy = 1;
		return 0;
	}
	s->reusable = 1;
	memcpy(s->prev_sha256, pe->sha256, 32);
	memcpy(s->prev_xxh128, pe->xxh128, 16);
	if (sc->o->paranoid)
		return 0;
	memcpy(e->sha256, pe->sha256, 32);
	memcpy(e->xxh128, pe->xxh128, 16);
	e->flags |= CAIRN_EF_HASHED;
	/* Setting an xattr changes the ctime, so they are unchanged too:
	 * move them over. */
	e->xattrs = pe->xattrs;
	e->xattr_count = pe->xattr_count;
	pe->xattrs = NULL;
	pe->xattr_count = 0;
	s->reused = 1;
	return 1;
}

static void drop_xattrs(cairn_entry *e)
{
	size_t i;

	for (i = 0; i < e->xattr_count; i++)
		free(e->xattrs[i].name);
	free(e->xattrs);
	e->xattrs = NULL;
	e->xattr_count = 0;
}

/* A large file while a core has nothing to do: it can take SHA-256
 * (cairn_hash_fd_split()).  Idle workers are not idle cores: there are
 * four workers per CPU, and with two large files on two cores a helper
 * each made four hashing threads on two cores (3,400 context switches
 * for 1 GiB instead of 260, the same CPU time). */
static int idle_core(struct scan *sc, const cairn_entry *e)
{
	int idle;

	if (e->size < CAIRN_HASH_SPLIT_MIN)
		return 0;
	pthread_mutex_lock(&sc->mu);
	idle = sc->idle > 0 && sc->q_head == sc->q_tail && sc->busy < sc->ncpu;
	pthread_mutex_unlock(&sc->mu);
	return idle;
}

/*
 * Complete the regular file of slot s (worker thread): lstat it if it was
 * deferred, reuse or open and hash it.  The entry records what failed;
 * returns < 0 only for what cairn_hash_fd() reports (CAIRN_EIO is recorded
 * in the entry too).
 */
static int complete_file(struct worker *wk, struct slot *s)
{
	struct scan *sc = wk->sc;
	cairn_entry *e = &s->e;
	const char *name = e->path + s->name_off;
	int dirfd = cairn_dirref_fd(s->dir);
	int fd, rc;

	if (s->deferred && !cairn_walk_stat_at(dirfd, name, e))
		s->dropped = 1;   /* removed since the listing */
	if (s->have_prev && s->prev_raw) {
		/* The line is the writer's (the reader checks the checksum
		 * before the run may succeed) but not yet known to be
		 * well-formed: a bad one fails the run, as the reader would,
		 * whatever became of the file.  An unchanged file's line is
		 * the one its lstat gives with two digests: matched, not
		 * parsed (15% of a worker's time when it was). */
		s->prev_raw = 0;
		s->prev_exact = !s->dropped &&
				cairn_entry_line_match(&s->prev, e, s->pline,
						       s->pline_len);
		if (!s->prev_exact) {
			rc = cairn_snap_parse_entry(&s->prev, sc->o->reuse_path,
						    s->prev_number, s->pline,
						    s->pline_len, &wk->tmp);
			if (rc < 0) {
				s->have_prev = 0;
				return rc;
			}
			if (!prev_usable(&s->prev))
				s->have_prev = 0;
		}
	}
	if (s->dropped || e->type != CAIRN_T_FILE || e->err)
		return 0;
	if (s->have_prev && try_reuse(sc, s))
		return 0;
	cairn_walk_open_at(dirfd, name, e, &fd);
	if (fd < 0 && (e->err == EMFILE || e->err == ENFILE)) {
		wait_quiet(sc);
		e->err = 0;
		free(e->err_op);
		e->err_op = NULL;
		drop_xattrs(e);
		cairn_walk_open_at(dirfd, name, e, &fd);
	}
	if (fd < 0)
		return 0;
	rc = cairn_hash_fd_split(wk->hasher, fd, e, &s->bytes_read,
				 idle_core(sc, e));
	close(fd);
	return rc;
}

/*
 * The default's extra workers (cairn_scan_default_jobs()) are there to keep
 * reads in flight on a cold cache.  Once the walk reads every file ahead
 * itself (dirahead.h: it started because the cache is cold), those reads
 * are the read-ahead's, and the extra workers only add CPU time on a
 * machine the cold run already keeps busy: wake-ups and switches among
 * eight workers, four listers, the walk and the writer on two cores.  Then
 * keep one worker per CPU.  Same tree, cold, 2 cores, load 6.5, three
 * rounds: 3.68/3.51/3.23 s with eight (4.1-4.3 s of CPU), 3.40/2.90/2.12
 * s with two (3.6-3.8 s); the entries are identical.  Not with an explicit
 * -j (kept as given), nor with --reuse (files are not read ahead: the
 * workers' reads are the only ones).
 */
static void cold_workers(struct scan *sc, const cairn_walker *wk)
{
	if (sc->reuse_warm) {
		/* --reuse starts with one worker per CPU (reuse_warm): an
		 * unchanged file costs the worker one lstat, and eight
		 * workers cost more in wake-ups and switches than they
		 * saved (100,000 unchanged files, warm, 2 cores: 396 ms with
		 * eight, 286 ms with two, walk-floor 139 ms).  Once the walk
		 * is seen cold (its read-ahead lists directories) every
		 * lstat and every changed file waits for the disk: then all
		 * of them, for reads in flight. */
		if (!cairn_walker_read_ahead_listed(wk))
			return;
		sc->cold_checked = 1;
		pthread_mutex_lock(&sc->mu);
		sc->active = sc->nworkers;
		pthread_cond_broadcast(&sc->park_cv);
		pthread_mutex_unlock(&sc->mu);
		return;
	}
	if (!cairn_walker_reading_files_ahead(wk))
		return;
	sc->cold_checked = 1;
	pthread_mutex_lock(&sc->mu);
	if (sc->ncpu < sc->active)
		sc->active = sc->ncpu;
	pthread_mutex_unlock(&sc->mu);
}

#define EMIT_BATCH 32

/*
 * Whether to wake the waiting writer (under mu): a batch is ready for it
 * (the head slot and the one EMIT_BATCH on are done), or the producer is
 * waiting for room or has finished, when every completed head counts.  A
 * wake-up per completed batch of a worker cost a switch in and out of the
 * writer for a few lines each (3,800 waits in a --reuse of 100,000 files).
 */
static int emit_ready(const struct scan *sc)
{
	if (sc->head == sc->tail || sc->ring[sc->head % sc->cap].state != SLOT_DONE)
		return 0;
	if (sc->producer_waiting || sc->producer_done)
		return 1;
	return sc->tail - sc->head >= EMIT_BATCH &&
	       sc->ring[(sc->head + EMIT_BATCH - 1) % sc->cap].state == SLOT_DONE;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct scan *sc = wk->sc;
	size_t batch[WORKER_BATCH];
	int rcs[WORKER_BATCH];
	uint64_t t0, t1;

	cairn_thread_batch();
	pthread_mutex_lock(&sc->mu);
	for (;;) {
		size_t n = 0, i, share;
		int cancel;

		while ((sc->q_head == sc->q_tail || wk->index >= sc->active) &&
		       !sc->quit) {
			if (wk->index >= sc->active) {
				/* woken for work that is not ours: pass it on */
				if (sc->q_head != sc->q_tail && sc->idle)
					pthread_cond_signal(&sc->work_cv);
				pthread_cond_wait(&sc->park_cv, &sc->mu);
				continue;
			}
			sc->idle++;
			pthread_cond_wait(&sc->work_cv, &sc->mu);
			sc->idle--;
		}
		if (sc->q_head == sc->q_tail)
			break;
		/* Leave some for the others when the queue is short, unless
		 * that little is not worth a wake-up (note_batch_cost()). */
		share = (size_t)(sc->q_tail - sc->q_head);
		if (sc->active > 1)
			share = (share + sc->active - 1) / sc->active;
		if (share < sc->min_share)
			share = sc->min_share;
		while (n < WORKER_BATCH && n < share && sc->q_head != sc->q_tail) {
			batch[n++] = sc->queue[sc->q_head % sc->cap];
			sc->q_head++;
		}
		/* Work left and a colleague asleep: wake it (a chain of single
		 * wake-ups instead of a thundering broadcast). */
		if (sc->q_tail - sc->q_head >= sc->min_share && sc->idle)
			pthread_cond_signal(&sc->work_cv);
		cancel = sc->cancel;
		sc->busy++;
		pthread_mutex_unlock(&sc->mu);
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			struct slot *s = &sc->ring[batch[i]];

			rcs[i] = cancel ? 0 : complete_file(wk, s);
			/* Done with the directory: the ring keeps no
			 * descriptor of a completed entry open. */
			cairn_dirref_put(s->dir);
			s->dir = NULL;
			cairn_entry_release(&s->prev);
			s->have_prev = s->prev_raw = 0;
		}
		t1 = now_ns();
		pthread_mutex_lock(&sc->mu);
		sc->busy--;
		note_batch_cost(sc, t1 - t0, n);
		for (i = 0; i < n; i++) {
			struct slot *s = &sc->ring[batch[i]];

			/* CAIRN_EIO is recorded in the entry; others are fatal */
			if (rcs[i] < 0 && rcs[i] != CAIRN_EIO)
				set_fatal_locked(sc, rcs[i], cairn_error_last());
			s->state = SLOT_DONE;
		}
		if (sc->emitter_waiting && emit_ready(sc))
			pthread_cond_signal(&sc->done_cv);
		if (sc->starved)
			pthread_cond_broadcast(&sc->quiet_cv);
	}
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

/* ------------------------------------------------------------ emitter */

static void warnf(struct scan *sc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warnf(struct scan *sc, const char *fmt, ...)
{
	va_list ap;
	char line[8192];

	if (!sc->o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&sc->cb_mu);
	sc->o->warn(sc->o->warn_ctx, line);
	pthread_mutex_unlock(&sc->cb_mu);
}

static void maybe_progress(struct scan *sc, int final)
{
	struct timespec now;
	long long ms;

	/* the clock every 256 entries: a line takes a microsecond */
	if (!sc->o->progress || (!final && sc->st.entries % 256))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - sc->last_progress.tv_sec) * 1000 +
	     (now.tv_nsec - sc->last_progress.tv_nsec) / 1000000;
	if (!final && ms < 200)
		return;
	sc->last_progress = now;
	pthread_mutex_lock(&sc->cb_mu);
	sc->o->progress(sc->o->progress_ctx, &sc->st, final);
	pthread_mutex_unlock(&sc->cb_mu);
}

/* An entry whose line may be the previous snapshot's (prev_at): the writer
 * may then copy the frame around it.  A previous line of an entry no
 * worker completed that differs is checked here (prev_line_of()). */
static int emit_compared(struct scan *sc, struct slot *s)
{
	uint64_t at = CAIRN_SNAP_NO_SOURCE;

	cairn_buf_clear(&sc->msg);
	cairn_entry_line(&sc->msg, &s->e);
	if (sc->msg.len == s->pline_len &&
	    !memcmp(sc->msg.data, s->pline, sc->msg.len)) {
		at = s->prev_at;
	} else if (s->e.type != CAIRN_T_FILE || s->e.err) {
		cairn_prevq_item it = { NULL, 0, s->pline, s->pline_len,
					s->prev_at, s->prev_number, 0, s->prev_copy };
		int rc = prev_check(&sc->prev, &it, &sc->emit_tmp);

		if (rc < 0)
			return rc;
	}
	return cairn_snap_writer_entry_line(sc->w, &s->e, sc->msg.data,
					    sc->msg.len, at);
}

/* Hand a completed slot to the observer and the writer (emitter thread). */
static int emit_slot(struct scan *sc, struct slot *s)
{
	cairn_entry *e = &s->e;
	int rc;

	/* Entries come here in order, so every slot before this one is
	 * done with its previous line: their chunks may go back. */
	if (s->held && s->ticket != sc->released) {
		sc->released = s->ticket;
		cairn_prevq_release_below(sc->prev.q, s->ticket);
	}

	if (s->dropped) {
		cairn_entry_release(e);
		s->dropped = s->racy = s->reusable = s->reused = 0;
		s->bytes_read = 0;
		return 0;
	}
	sc->st.entries++;
	if (s->racy)
		sc->st.racy++;
	if (e->type == CAIRN_T_FILE) {
		sc->st.files++;
		sc->st.bytes += e->size;
		if (s->reused) {
			sc->st.reused++;
		} else if (e->flags & CAIRN_EF_HASHED) {
			sc->st.hashed++;
			sc->st.bytes_read += s->bytes_read;
			if (s->reusable && !(e->flags & CAIRN_EF_CHANGED) &&
			    (memcmp(e->sha256, s->prev_sha256, 32) ||
			     memcmp(e->xxh128, s->prev_xxh128, 16))) {
				sc->st.mismatch++;
				warnf(sc, "'%.*s': content differs from the previous "
				      "snapshot although size and times did not change",
				      (int)e->path_len, e->path ? e->path : "");
			}
		}
	}
	if (e->err) {
		sc->st.errors++;
		warnf(sc, "cannot %s '%.*s': %s", e->err_op ? e->err_op : "read",
		      (int)e->path_len, e->path ? e->path : "", strerror(e->err));
	}
	if (e->flags & CAIRN_EF_CHANGED) {
		sc->st.changed++;
		warnf(sc, "'%.*s' changed while it was read",
		      (int)e->path_len, e->path ? e->path : "");
	}
	if (sc->o->observer)
		sc->o->observer(sc->o->observer_ctx, e);
	/* A line proved to be this writer's (cairn_entry_line_match()) is
	 * written as it is; any other is written out and compared. */
	if ((s->reused || e->type == CAIRN_T_DIR) && s->prev_exact)
		rc = cairn_snap_writer_entry_line(sc->w, e, s->pline,
						  s->pline_len, s->prev_at);
	else if (sc->frames && s->prev_at != CAIRN_SNAP_NO_SOURCE)
		rc = emit_compared(sc, s);
	else
		rc = cairn_snap_writer_entry(sc->w, e);
	/* The entry is released by the walking thread when it fills the slot
	 * again: its path was allocated there, and freeing it here sent every
	 * one back across threads (into the walker's arena, under its lock,
	 * and a consolidation of its small blocks at its next large malloc);
	 * clearing it here also wrote the slot's cold lines a second time. */
	s->racy = s->reusable = s->reused = 0;
	s->bytes_read = 0;
	maybe_progress(sc, 0);
	return rc;
}

static void *emitter_main(void *arg)
{
	struct scan *sc = arg;
	uint64_t head, ready;

	cairn_thread_batch();
	pthread_mutex_lock(&sc->mu);
	for (;;) {
		head = ready = sc->head;
		while (ready < sc->tail && sc->ring[ready % sc->cap].state == SLOT_DONE)
			ready++;
		if (sc->fatal)
			break;
		if (ready == head) {
			if (sc->producer_done && head == sc->tail)
				break;
			sc->emitter_waiting = 1;
			pthread_cond_wait(&sc->done_cv, &sc->mu);
			sc->emitter_waiting = 0;
			continue;
		}
		pthread_mutex_unlock(&sc->mu);
		/* [head, ready) are DONE: nobody else touches them. */
		for (; head < ready; head++) {
			int rc = emit_slot(sc, &sc->ring[head % sc->cap]);

			if (rc < 0) {
				char msg[1024];

				snprintf(msg, sizeof(msg), "%s", cairn_error_last());
				pthread_mutex_lock(&sc->mu);
				sc->ring[head % sc->cap].state = SLOT_FREE;
				__atomic_store_n(&sc->head, head + 1, __ATOMIC_RELEASE);
				set_fatal_locked(sc, rc, msg);
				pthread_mutex_unlock(&sc->mu);
				return NULL;
			}
		}
		pthread_mutex_lock(&sc->mu);
		for (head = sc->head; head < ready; head++)
			sc->ring[head % sc->cap].state = SLOT_FREE;
		/* stored atomically: wait_for_space() reads it unlocked */
		__atomic_store_n(&sc->head, ready, __ATOMIC_RELEASE);
		if (sc->producer_waiting && sc->tail - sc->head <= sc->space_limit)
			pthread_cond_signal(&sc->space_cv);
	}
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

/* ------------------------------------------------------------ producer */

static void flush(struct scan *sc);

/* Publish what is pending, then wait until no more than limit slots are in
 * flight; returns the fatal code (with its message) if another thread
 * failed meanwhile. */
static int wait_in_flight(struct scan *sc, uint64_t limit)
{
	int rc;

	flush(sc);
	pthread_mutex_lock(&sc->mu);
	/* flush() wakes lazily: make sure everybody runs now. */
	if (sc->tail - sc->head > limit) {
		if (sc->emitter_waiting)
			pthread_cond_signal(&sc->done_cv);
		if (sc->idle && sc->q_tail != sc->q_head)
			pthread_cond_broadcast(&sc->work_cv);
	}
	while (sc->tail - sc->head > limit && !sc->fatal) {
		sc->producer_waiting = 1;
		sc->space_limit = limit;
		pthread_cond_wait(&sc->space_cv, &sc->mu);
		sc->producer_waiting = 0;
	}
	rc = sc->fatal;
	pthread_mutex_unlock(&sc->mu);
	return rc ? cairn_error_set(rc, "%s", sc->fatal_msg) : 0;
}

/* Make sure the slot at tail + pending is free.  When the ring is full,
 * wait for a quarter of it to drain rather than for every single slot
 * (fewer wake-ups).  tail and pending are the producer's own; head needs
 * the lock. */
static int wait_for_space(struct scan *sc)
{
	int full;

	/* head only grows, and slots are freed before it moves past them:
	 * room seen without the lock is room.  The lock per entry was a
	 * cache line bounced between the walk and every other thread. */
	if (sc->tail + sc->pending - __atomic_load_n(&sc->head, __ATOMIC_ACQUIRE) < sc->cap)
		return 0;
	pthread_mutex_lock(&sc->mu);
	full = sc->tail + sc->pending - sc->head >= sc->cap;
	pthread_mutex_unlock(&sc->mu);
	return full ? wait_in_flight(sc, sc->cap - sc->cap / 4) : 0;
}

#define PUBLISH_BATCH 64

/*
 * Publish the filled slots after tail (DONE, or QUEUED for a worker) under
 * one lock, and wake whoever has work now.  Per-entry locking and wake-ups
 * cost more than hashing a small file.
 */
static void flush(struct scan *sc)
{
	uint64_t k, queued = 0;

	if (!sc->pending)
		return;
	pthread_mutex_lock(&sc->mu);
	for (k = 0; k < sc->pending; k++) {
		struct slot *s = &sc->ring[(sc->tail + k) % sc->cap];

		if (s->queued) {
			s->state = SLOT_QUEUED;
			sc->queue[sc->q_tail % sc->cap] = (size_t)(s - sc->ring);
			sc->q_tail++;
			queued++;
		} else {
			s->state = SLOT_DONE;
		}
	}
	sc->tail += sc->pending;
	sc->pending = 0;
	/* One wake-up; a woken worker passes it on while work is left.  None
	 * when a busy worker will take what little there is next. */
	if (queued && sc->idle &&
	    (!sc->busy || sc->q_tail - sc->q_head >= sc->min_share))
		pthread_cond_signal(&sc->work_cv);
	if (sc->emitter_waiting && emit_ready(sc))
		pthread_cond_signal(&sc->done_cv);
	pthread_mutex_unlock(&sc->mu);
}

/* The slot just filled (at tail + pending) is ready: DONE, or QUEUED. */
static void publish(struct scan *sc, struct slot *s, int queued)
{
	s->queued = queued;
	sc->pending++;
	if (sc->pending >= PUBLISH_BATCH)
		flush(sc);
}

/*
 * The previous snapshot's line of an entry that is not a regular file to
 * hash (a directory, a link, anything with an error), for the emitter to
 * compare with the entry's new line (emit_compared()), which also checks
 * it unless it is that very line (this writer's, valid).
 */
/*
 * Slot s takes the previous entry it (just found, popped here): its line
 * stays in the queue's chunk, held until the emitter is past the slot
 * (emit_slot()), or, when the queue holds no more, is copied.  Copying
 * every line was a third of the walking thread's user time.
 */
static void take_line(struct scan *sc, struct slot *s, const cairn_prevq_item *it)
{
	if (cairn_prevq_hold(sc->prev.q, &s->ticket)) {
		s->pline = it->line;
		s->held = 1;
	} else {
		cairn_buf_clear(&s->prev_line);
		cairn_buf_add(&s->prev_line, it->line, it->line_len);
		s->pline = s->prev_line.data;
	}
	s->pline_len = it->line_len;
	s->prev_at = it->offset;
	s->prev_number = it->number;
	s->prev_copy = it->raw;
	cairn_prevq_pop(sc->prev.q);
}

static int prev_line_of(struct scan *sc, struct slot *s)
{
	const cairn_prevq_item *it;
	int rc;

	if ((rc = prev_find(&sc->prev, s->e.path, s->e.path_len, &it)) <= 0 ||
	    it->line_len > PREV_LINE_MAX)
		return rc < 0 ? rc : 0;
	take_line(sc, s, it);
	return 0;
}

/*
 * Hand the entry just walked (in slot s, not yet published) on: to the
 * emitter as it is, or, for a regular file, to a worker together with its
 * directory and the previous snapshot's entry of the same path when that
 * one may give its digests (only the path is needed to find it: both are
 * sorted, so this stays a merge on this thread).  deferred: the walker
 * has not even lstat'ed it.  On error the slot is not published.
 */
static int dispatch(struct scan *sc, cairn_walker *wk, struct slot *s,
		    int deferred)
{
	cairn_entry *e = &s->e;
	int rc;

	s->deferred = deferred;
	s->dropped = s->have_prev = s->prev_raw = s->racy = s->reusable = s->reused = 0;
	s->prev_exact = s->held = 0;
	s->prev_at = CAIRN_SNAP_NO_SOURCE;
	s->prev_copy = 0;
	if (e->type != CAIRN_T_FILE || e->err) {
		if (sc->frames && (rc = prev_line_of(sc, s)) < 0)
			return rc;
		/* its line was matched by dir_xattrs_none(): no need to
		 * write it out again to compare */
		s->prev_exact = sc->dir_exact && e->type == CAIRN_T_DIR &&
				s->prev_at != CAIRN_SNAP_NO_SOURCE;
		publish(sc, s, 0);
		return 0;
	}
	if (sc->use_prev) {
		const cairn_prevq_item *it;

		if ((rc = prev_find(&sc->prev, e->path, e->path_len, &it)) < 0)
			return rc;
		/* The walk's next paths are greater: the queue never needs
		 * this entry again.  The worker parses its line. */
		if (rc && it->type == CAIRN_T_FILE && it->line_len <= PREV_LINE_MAX) {
			take_line(sc, s, it);
			s->prev_raw = 1;
			s->have_prev = 1;
		}
	}
	s->dir = cairn_walker_dirref(wk);
	s->name_off = cairn_walker_name_offset(wk);
	publish(sc, s, 1);
	return 0;
}

/* Entries in flight.  Slots hold no open file, but a regular file's
 * directory stays open until a worker is done with it: leave room for
 * those, the walk's own descriptors (one per level, a few more held from
 * a directory's entry until its contents come), the workers' files and
 * everything else. */
#define RING_SLOTS 4096

static size_t ring_size(unsigned jobs)
{
	rlim_t headroom = 256 + 32 + 2 * (rlim_t)jobs;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < RING_SLOTS + headroom)
		return rl.rlim_cur > headroom + 16 ? (size_t)(rl.rlim_cur - headroom) : 16;
	return RING_SLOTS;
}

/* Stop the workers and the emitter.  abort: drop queued work. */
static void stop_threads(struct scan *sc, int abort_all)
{
	unsigned i;

	pthread_mutex_lock(&sc->mu);
	sc->producer_done = 1;
	if (abort_all) {
		sc->cancel = 1;
		if (!sc->fatal)
			sc->fatal = CAIRN_EUSAGE;   /* stops the emitter */
	}
	pthread_cond_broadcast(&sc->done_cv);
	pthread_mutex_unlock(&sc->mu);
	if (!abort_all && sc->emitter_started) {
		/* the emitter returns once the ring is empty */
		pthread_join(sc->emitter, NULL);
		sc->emitter_started = 0;
	}
	pthread_mutex_lock(&sc->mu);
	sc->quit = 1;
	pthread_cond_broadcast(&sc->work_cv);
	pthread_cond_broadcast(&sc->park_cv);
	pthread_mutex_unlock(&sc->mu);
	for (i = 0; i < sc->nworkers; i++)
		if (sc->workers[i].started) {
			pthread_join(sc->workers[i].thread, NULL);
			sc->workers[i].started = 0;
		}
	if (sc->emitter_started) {
		pthread_join(sc->emitter, NULL);
		sc->emitter_started = 0;
	}
}

int cairn_scan_run(const char *root, const cairn_scan_opts *o,
		   cairn_snap_writer *w, cairn_scan_stats *stats)
{
	struct scan sc;
	cairn_walker *wk = NULL;
	unsigned jobs, i;
	uint64_t k;
	int rc = 0;

	memset(&sc, 0, sizeof(sc));
	sc.o = o;
	sc.w = w;
	cairn_buf_init(&sc.msg);
	if (stats)
		memset(stats, 0, sizeof(*stats));
	jobs = o->jobs ? o->jobs : cairn_scan_default_jobs();
	if (jobs > 256)
		jobs = 256;
	sc.cap = ring_size(jobs);
	sc.ring = cairn_calloc(sc.cap, sizeof(*sc.ring));
	sc.queue = cairn_calloc(sc.cap, sizeof(*sc.queue));
	for (i = 0; i < sc.cap; i++) {
		cairn_entry_init(&sc.ring[i].e);
		cairn_entry_init(&sc.ring[i].prev);
		cairn_buf_init(&sc.ring[i].prev_line);
	}
	pthread_mutex_init(&sc.mu, NULL);
	pthread_mutex_init(&sc.cb_mu, NULL);
	pthread_cond_init(&sc.work_cv, NULL);
	pthread_cond_init(&sc.park_cv, NULL);
	pthread_cond_init(&sc.done_cv, NULL);
	pthread_cond_init(&sc.space_cv, NULL);
	pthread_cond_init(&sc.quiet_cv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &sc.last_progress);
	sc.min_share = 1;
	{
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		sc.ncpu = n > 0 ? (unsigned)n : 1;
	}

	sc.walk = o->walk;
	if (o->reuse_path && !o->paranoid) {
		sc.walk.xattrs_none = dir_xattrs_none;
		sc.walk.xattrs_ctx = &sc;
	}
	if ((rc = cairn_walker_new(&wk, root, &sc.walk)) < 0)
		goto done;
	cairn_walker_defer_files(wk, 1);
	/* every file is read unless reuse may spare it */
	cairn_walker_read_ahead_files(wk, !o->reuse_path || o->paranoid);
	if (o->reuse_path) {
		if ((rc = prev_open(&sc.prev, o->reuse_path, o->reuse_pubkey)) < 0)
			goto done;
		sc.use_prev = 1;
		sc.raw_lines = same_writer(cairn_snap_reader_header(sc.prev.r));
		if (sc.raw_lines)
			sc.frames = cairn_snap_reader_frames(sc.prev.r);
		cairn_snap_writer_set_source(w, sc.frames);
		/* the header was read: from here on the queue reads it */
		sc.prev.q = cairn_prevq_start(sc.prev.r);
		sc.prev.r = NULL;
	}
	sc.workers = cairn_calloc(jobs, sizeof(*sc.workers));
	sc.nworkers = jobs;
	sc.active = jobs;
	/* an explicit -j is kept as given */
	sc.cold_checked = o->jobs != 0;
	if (!o->jobs && o->reuse_path && !o->paranoid) {
		sc.reuse_warm = 1;
		if (sc.ncpu < jobs)
			sc.active = sc.ncpu;
	}
	for (i = 0; i < jobs; i++) {
		sc.workers[i].sc = &sc;
		sc.workers[i].index = i;
		cairn_buf_init(&sc.workers[i].tmp);
		if ((rc = cairn_hasher_new(&sc.workers[i].hasher)) < 0)
			goto done;
		if (pthread_create(&sc.workers[i].thread, NULL, worker_main,
				   &sc.workers[i]) != 0) {
			rc = cairn_error_set(CAIRN_EEXTERNAL,
					     "cannot start a hashing thread");
			goto done;
		}
		sc.workers[i].started = 1;
	}
	if (pthread_create(&sc.emitter, NULL, emitter_main, &sc) != 0) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "cannot start the writer thread");
		goto done;
	}
	sc.emitter_started = 1;

	for (;;) {
		struct slot *s;
		const char *msg;
		int more;

		if ((rc = wait_for_space(&sc)) < 0)
			goto done;
		/* The slot after the pending ones is FREE and ours. */
		s = &sc.ring[(sc.tail + sc.pending) % sc.cap];
		cairn_entry_release(&s->e);   /* emitted: see emit_slot() */
		sc.dir_exact = 0;
		more = cairn_walker_next(wk, &s->e);
		if (!sc.cold_checked)
			cold_workers(&sc, wk);
		while ((msg = cairn_walker_take_warning(wk)))
			warnf(&sc, "%s", msg);
		sc.hidden = cairn_walker_hidden_errors(wk);
		if (more <= 0) {
			cairn_entry_release(&s->e);
			if (more < 0) {
				rc = more;
				goto done;
			}
			break;
		}
		if ((rc = dispatch(&sc, wk, s, more == CAIRN_WALK_DEFERRED)) < 0) {
			cairn_entry_release(&s->e);
			goto done;
		}
	}
	flush(&sc);
	stop_threads(&sc, 0);
	if (sc.fatal) {
		rc = cairn_error_set(sc.fatal, "%s", sc.fatal_msg);
		goto done;
	}
	if (sc.use_prev) {
		if ((rc = prev_finish(&sc.prev)) < 0)
			goto done;
		prev_checksum(&sc.prev, sc.st.prev_sha256);
	}
	/* Listing failures have no entry of their own; the writer's counter
	 * is touched only now that the emitter is gone. */
	for (k = 0; k < sc.hidden; k++)
		cairn_snap_writer_count_error(w);
	sc.st.errors += sc.hidden;
	maybe_progress(&sc, 1);
done:
	stop_threads(&sc, rc < 0);
	/* the emitter is gone; the previous snapshot goes next */
	if (sc.use_prev) {
		uint64_t frames;

		cairn_snap_writer_frame_counts(w, &frames, &sc.st.frames_copied);
		(void)frames;
		cairn_snap_writer_set_source(w, NULL);
	}
	/* Anything still in the ring after a failure. */
	for (k = sc.head; k < sc.tail + sc.pending; k++) {
		struct slot *s = &sc.ring[k % sc.cap];

		cairn_dirref_put(s->dir);
		cairn_entry_release(&s->e);
		cairn_entry_release(&s->prev);
	}
	for (i = 0; i < sc.nworkers; i++) {
		cairn_hasher_free(sc.workers[i].hasher);
		cairn_buf_release(&sc.workers[i].tmp);
	}
	free(sc.workers);
	if (sc.prev.r)
		cairn_snap_reader_free(sc.prev.r);
	cairn_prevq_free(sc.prev.q);
	cairn_buf_release(&sc.prev.tmp);
	cairn_walker_free(wk);
	pthread_mutex_destroy(&sc.mu);
	pthread_mutex_destroy(&sc.cb_mu);
	pthread_cond_destroy(&sc.work_cv);
	pthread_cond_destroy(&sc.park_cv);
	pthread_cond_destroy(&sc.done_cv);
	pthread_cond_destroy(&sc.space_cv);
	pthread_cond_destroy(&sc.quiet_cv);
	for (k = 0; k < sc.cap; k++) {
		cairn_entry_release(&sc.ring[k].e);   /* emitted ones: emit_slot() */
		cairn_buf_release(&sc.ring[k].prev_line);
	}
	free(sc.ring);
	free(sc.queue);
	cairn_buf_release(&sc.msg);
	cairn_buf_release(&sc.emit_tmp);
	if (stats) {
		*stats = sc.st;
		if (rc < 0)
			stats->errors += sc.hidden;
	}
	return rc;
}

json_t *cairn_scan_trailer_extra(const cairn_scan_opts *o,
				 const cairn_scan_stats *s)
{
	json_t *x = json_object();

	json_object_set_new(x, "changed", json_integer((json_int_t)s->changed));
	if (o->reuse_path) {
		json_t *r = json_object();

		json_object_set_new(r, "reused", json_integer((json_int_t)s->reused));
		json_object_set_new(r, "hashed", json_integer((json_int_t)s->hashed));
		json_object_set_new(r, "racy", json_integer((json_int_t)s->racy));
		json_object_set_new(r, "paranoid", json_boolean(o->paranoid));
		json_object_set_new(r, "mismatch", json_integer((json_int_t)s->mismatch));
		json_object_set_new(r, "frames_copied",
				    json_integer((json_int_t)s->frames_copied));
		json_object_set_new(r, "prev_sha256", json_string(s->prev_sha256));
		json_object_set_new(x, "reuse", r);
	}
	return x;
}

json_t *cairn_scan_header(const char *tool, const char *root,
			  const cairn_scan_opts *o, json_t *analysis,
			  const json_t *reuse, int64_t created_sec,
			  long created_nsec, int created_set)
{
	json_t *h = json_object(), *opts = json_object(), *ex = json_array();
	json_t *algs = json_array();
	char host[HOST_NAME_MAX + 1], when[64];
	char *real;
	size_t i;
	int esc;

	json_object_set_new(h, "tool", json_string(tool));
	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	cairn_json_set_bytes(h, "hostname", host, strlen(host));
	cairn_json_set_bytes(h, "root", root, strlen(root));
	real = realpath(root, NULL);
	if (real) {
		cairn_json_set_bytes(h, "root_realpath", real, strlen(real));
		free(real);
	}
	cairn_rfc3339_format(when, sizeof(when), created_sec, created_nsec);
	json_object_set_new(h, "created", json_string(when));
	if (created_set)
		json_object_set_new(h, "created_set", json_true());
	/* Raw bytes: all plain strings when valid UTF-8, otherwise every
	 * pattern escaped under "exclude_esc" (the *_esc convention). */
	for (i = 0; i < o->walk.exclude_count; i++)
		if (!cairn_utf8_valid(o->walk.excludes[i], strlen(o->walk.excludes[i])))
			break;
	esc = i < o->walk.exclude_count;
	for (i = 0; i < o->walk.exclude_count; i++) {
		const char *pat = o->walk.excludes[i];
		cairn_buf b = CAIRN_BUF_INIT;

		if (esc)
			cairn_escape_bytes(&b, pat, strlen(pat));
		else
			cairn_buf_addstr(&b, pat);
		json_array_append_new(ex, json_stringn(b.data ? b.data : "", b.len));
		cairn_buf_release(&b);
	}
	json_object_set_new(opts, esc ? "exclude_esc" : "exclude", ex);
	json_object_set_new(opts, "one_file_system", json_boolean(o->walk.one_file_system));
	if (analysis)
		json_object_update(opts, analysis);
	json_object_set_new(h, "options", opts);
	json_array_append_new(algs, json_string("sha256"));
	json_array_append_new(algs, json_string("xxh3-128"));
	json_object_set_new(h, "hash_algorithms", algs);
	if (reuse) {
		json_t *r = json_deep_copy(reuse);

		if (o->paranoid)
			json_object_set_new(r, "paranoid", json_true());
		json_object_set_new(h, "reuse", r);
	}
	return h;
}
