/*
 * scan.c - walk, hash in parallel, write in order (see scan.h).
 */
#include "scan.h"
#include "hash.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_QUEUED, SLOT_DONE };

struct slot {
	cairn_entry e;
	int fd;
	int state;
	int reusable;             /* metadata matched the previous snapshot */
	int reused;               /* hashes taken from it */
	int queued;               /* producer: to be QUEUED when published */
	unsigned char prev_sha256[32];
	unsigned char prev_xxh128[16];
	uint64_t bytes_read;
};

struct worker {
	struct scan *sc;
	cairn_hasher *hasher;
	pthread_t thread;
	int started;
};

/* The previous snapshot, streamed in step with the walk. */
struct prev {
	cairn_snap_reader *r;
	cairn_record rec;
	int have;                 /* rec holds an entry not yet passed */
	int entries_done;         /* no more entries (other records or end) */
	int finished;             /* reader returned 0 */
	int64_t created_sec;
	long created_nsec;
};

/*
 * Threads: the caller's thread walks and dispatches (producer), N workers
 * hash, one emitter hands completed entries in order to the observer and
 * the writer.  Everything below `mu` is shared and guarded by it; a slot's
 * entry belongs to the producer until it is published (tail++), then to a
 * worker while QUEUED, then to the emitter once DONE.
 */
struct scan {
	const cairn_scan_opts *o;
	cairn_snap_writer *w;
	cairn_scan_stats st;      /* emitter's counters */
	uint64_t racy;            /* producer's counters */
	uint64_t hidden;

	pthread_mutex_t mu;
	pthread_cond_t work_cv;   /* queue not empty, or quit */
	pthread_cond_t done_cv;   /* a slot became DONE, or the end */
	pthread_cond_t space_cv;  /* the emitter freed slots */
	struct slot *ring;
	size_t cap;
	uint64_t head, tail;      /* ring: [head, tail) published */
	uint64_t pending;         /* producer's: filled, unpublished after tail */
	size_t *queue;            /* slot indices waiting for a worker */
	uint64_t q_head, q_tail;
	int quit, cancel;
	unsigned idle;            /* workers waiting for work */
	int emitter_waiting;
	int producer_waiting;
	uint64_t space_limit;     /* ... until no more than this in flight */
	int producer_done;        /* no more slots will be published */
	int fatal;
	char fatal_msg[1024];

	struct worker *workers;
	unsigned nworkers;
	pthread_t emitter;
	int emitter_started;
	struct prev prev;
	int use_prev;
	struct timespec last_progress;
	cairn_buf msg;            /* emitter's scratch */
	pthread_mutex_t cb_mu;    /* serialises the warn callback */
};

/* ------------------------------------------------------------ RFC 3339 */

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int cairn_parse_rfc3339(const char *s, int64_t *sec, long *nsec)
{
	struct tm tm;
	int y, mo, d, h, mi, se;
	long ns = 0;
	int scale = 100000000;
	const char *p;
	time_t t;

	if (!s || strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &se))
		return CAIRN_EFORMAT;
	/* A snapshot's start time: nothing before the epoch is plausible. */
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 59)
		return CAIRN_EFORMAT;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return CAIRN_EFORMAT;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale) {
				ns += (long)(*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if ((*p != 'Z' && *p != 'z') || p[1])
		return CAIRN_EFORMAT;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	*sec = (int64_t)t;
	*nsec = ns;
	return 0;
}

/* ------------------------------------------------------------ reuse */

int cairn_scan_reuse_info(json_t **out, const char *path,
			  const cairn_key *pubkey)
{
	cairn_snap_reader *r = NULL;
	cairn_record rec;
	const json_t *hdr, *tr;
	const char *created, *sum;
	json_t *info;
	int64_t sec;
	long nsec;
	int rc;

	*out = NULL;
	memset(&rec, 0, sizeof(rec));
	if ((rc = cairn_snap_reader_open(&r, path, pubkey)) < 0)
		return rc;
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		;
	if (rc < 0)
		goto done;
	hdr = cairn_snap_reader_header(r);
	tr = cairn_snap_reader_trailer(r);
	created = json_string_value(json_object_get(hdr, "created"));
	sum = json_string_value(json_object_get(tr, "sha256"));
	if (!created || cairn_parse_rfc3339(created, &sec, &nsec) < 0) {
		rc = cairn_error_set(CAIRN_EFORMAT,
				     "snapshot '%s': header has no valid \"created\" time",
				     path);
		goto done;
	}
	info = json_object();
	cairn_json_set_bytes(info, "from", path, strlen(path));
	json_object_set_new(info, "prev_sha256", json_string(sum ? sum : ""));
	json_object_set_new(info, "prev_created", json_string(created));
	*out = info;
	rc = 0;
done:
	cairn_snap_reader_free(r);
	return rc;
}

static int prev_open(struct prev *p, const char *path, const cairn_key *pubkey)
{
	const char *created;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = cairn_snap_reader_open(&p->r, path, pubkey)) < 0)
		return rc;
	created = json_string_value(json_object_get(cairn_snap_reader_header(p->r),
						    "created"));
	if (!created || cairn_parse_rfc3339(created, &p->created_sec,
					    &p->created_nsec) < 0)
		return cairn_error_set(CAIRN_EFORMAT,
				       "snapshot '%s': header has no valid \"created\" time",
				       path);
	return 0;
}

static int prev_advance(struct prev *p)
{
	int rc;

	if (p->entries_done)
		return 0;
	rc = cairn_snap_reader_next(p->r, &p->rec);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		p->finished = 1;
		p->entries_done = 1;
		return 0;
	}
	if (p->rec.kind != CAIRN_REC_ENTRY) {
		p->entries_done = 1;
		return 0;
	}
	p->have = 1;
	return 0;
}

/* The previous entry with exactly this path, or NULL.  *rc < 0 on error. */
static const cairn_entry *prev_find(struct prev *p, const char *path,
				    size_t len, int *rc)
{
	*rc = 0;
	for (;;) {
		int c;

		if (!p->have) {
			if (p->entries_done)
				return NULL;
			if ((*rc = prev_advance(p)) < 0)
				return NULL;
			if (!p->have)
				return NULL;
		}
		c = cairn_path_cmp(p->rec.entry.path, p->rec.entry.path_len,
				   path, len);
		if (c < 0) {
			p->have = 0;
			continue;
		}
		return c == 0 ? &p->rec.entry : NULL;
	}
}

/* Read the rest of the previous snapshot so that its trailer checksum (and
 * signature) is verified before the new snapshot is declared good. */
static int prev_finish(struct prev *p)
{
	int rc;

	if (!p->r)
		return 0;
	while (!p->finished) {
		rc = cairn_snap_reader_next(p->r, &p->rec);
		if (rc < 0)
			return rc;
		if (rc == 0)
			p->finished = 1;
	}
	return 0;
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

/* Small files hash in microseconds: take several per lock round-trip. */
#define WORKER_BATCH 16

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct scan *sc = wk->sc;
	size_t batch[WORKER_BATCH];
	uint64_t bytes[WORKER_BATCH];
	int rcs[WORKER_BATCH];

	pthread_mutex_lock(&sc->mu);
	for (;;) {
		size_t n = 0, i, share;
		int cancel;

		while (sc->q_head == sc->q_tail && !sc->quit) {
			sc->idle++;
			pthread_cond_wait(&sc->work_cv, &sc->mu);
			sc->idle--;
		}
		if (sc->q_head == sc->q_tail)
			break;
		/* Leave some for the others when the queue is short. */
		share = (size_t)(sc->q_tail - sc->q_head);
		if (sc->nworkers > 1)
			share = (share + sc->nworkers - 1) / sc->nworkers;
		while (n < WORKER_BATCH && n < share) {
			batch[n++] = sc->queue[sc->q_head % sc->cap];
			sc->q_head++;
		}
		/* Work left and a colleague asleep: wake it (a chain of single
		 * wake-ups instead of a thundering broadcast). */
		if (sc->q_head != sc->q_tail && sc->idle)
			pthread_cond_signal(&sc->work_cv);
		cancel = sc->cancel;
		pthread_mutex_unlock(&sc->mu);
		for (i = 0; i < n; i++) {
			struct slot *s = &sc->ring[batch[i]];

			bytes[i] = 0;
			rcs[i] = 0;
			if (!cancel)
				rcs[i] = cairn_hash_fd(wk->hasher, s->fd, &s->e, &bytes[i]);
			close(s->fd);
			s->fd = -1;
		}
		pthread_mutex_lock(&sc->mu);
		for (i = 0; i < n; i++) {
			struct slot *s = &sc->ring[batch[i]];

			/* CAIRN_EIO is recorded in the entry; others are fatal */
			if (rcs[i] < 0 && rcs[i] != CAIRN_EIO)
				set_fatal_locked(sc, rcs[i], cairn_error_last());
			s->bytes_read = bytes[i];
			s->state = SLOT_DONE;
		}
		if (sc->emitter_waiting)
			pthread_cond_signal(&sc->done_cv);
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

static const char *shown(struct scan *sc, const char *p, size_t n)
{
	cairn_buf_clear(&sc->msg);
	cairn_escape_display(&sc->msg, p, n);
	if (!sc->msg.data)
		cairn_buf_addstr(&sc->msg, "");
	return sc->msg.data;
}

static void maybe_progress(struct scan *sc, int final)
{
	struct timespec now;
	long long ms;

	if (!sc->o->progress)
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

/* Hand a completed slot to the observer and the writer (emitter thread). */
static int emit_slot(struct scan *sc, struct slot *s)
{
	cairn_entry *e = &s->e;
	int rc;

	sc->st.entries++;
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
				warnf(sc, "'%s': content differs from the previous "
				      "snapshot although size and times did not change",
				      shown(sc, e->path, e->path_len));
			}
		}
	}
	if (e->err) {
		sc->st.errors++;
		warnf(sc, "cannot %s '%s': %s", e->err_op ? e->err_op : "read",
		      shown(sc, e->path, e->path_len), strerror(e->err));
	}
	if (e->flags & CAIRN_EF_CHANGED) {
		sc->st.changed++;
		warnf(sc, "'%s' changed while it was read",
		      shown(sc, e->path, e->path_len));
	}
	if (sc->o->observer)
		sc->o->observer(sc->o->observer_ctx, e);
	rc = cairn_snap_writer_entry(sc->w, e);
	cairn_entry_release(e);
	s->reusable = s->reused = 0;
	s->bytes_read = 0;
	maybe_progress(sc, 0);
	return rc;
}

static void *emitter_main(void *arg)
{
	struct scan *sc = arg;
	uint64_t head, ready;

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
				sc->head = head + 1;
				set_fatal_locked(sc, rc, msg);
				pthread_mutex_unlock(&sc->mu);
				return NULL;
			}
		}
		pthread_mutex_lock(&sc->mu);
		for (head = sc->head; head < ready; head++)
			sc->ring[head % sc->cap].state = SLOT_FREE;
		sc->head = ready;
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

	pthread_mutex_lock(&sc->mu);
	full = sc->tail + sc->pending - sc->head >= sc->cap;
	pthread_mutex_unlock(&sc->mu);
	return full ? wait_in_flight(sc, sc->cap - sc->cap / 4) : 0;
}

static void copy_xattrs(cairn_entry *dst, const cairn_entry *src)
{
	size_t i;

	if (!src->xattr_count)
		return;
	dst->xattrs = cairn_calloc(src->xattr_count, sizeof(*dst->xattrs));
	for (i = 0; i < src->xattr_count; i++) {
		dst->xattrs[i] = src->xattrs[i];
		dst->xattrs[i].name = cairn_strdup(src->xattrs[i].name);
	}
	dst->xattr_count = src->xattr_count;
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

#define EMIT_BATCH 32
#define PUBLISH_BATCH 16

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
	/* One wake-up; a woken worker passes it on while work is left. */
	if (queued && sc->idle)
		pthread_cond_signal(&sc->work_cv);
	if (sc->emitter_waiting && sc->tail - sc->head >= EMIT_BATCH)
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
 * Decide how the entry just walked (in slot s, not yet published) gets its
 * hashes, then publish it.  On error the slot is not published.
 */
static int dispatch(struct scan *sc, cairn_walker *wk, struct slot *s)
{
	cairn_entry *e = &s->e;
	int rc, fd = -1;

	s->fd = -1;
	s->reusable = s->reused = 0;
	if (e->type != CAIRN_T_FILE || e->err) {
		publish(sc, s, 0);
		return 0;
	}
	if (sc->use_prev) {
		const cairn_entry *pe = prev_find(&sc->prev, e->path, e->path_len, &rc);

		if (rc < 0)
			return rc;
		if (pe && pe->type == CAIRN_T_FILE && (pe->flags & CAIRN_EF_HASHED) &&
		    !(pe->flags & CAIRN_EF_CHANGED) && !pe->err &&
		    pe->dev == e->dev && pe->ino == e->ino && pe->size == e->size &&
		    pe->mtime_sec == e->mtime_sec && pe->mtime_nsec == e->mtime_nsec &&
		    pe->ctime_sec == e->ctime_sec && pe->ctime_nsec == e->ctime_nsec) {
			/* Racy: a change within the same timestamp granule
			 * as the previous snapshot's start is invisible. */
			if (!ts_before(e->mtime_sec, e->mtime_nsec, sc->prev.created_sec,
				       sc->prev.created_nsec) ||
			    !ts_before(e->ctime_sec, e->ctime_nsec, sc->prev.created_sec,
				       sc->prev.created_nsec)) {
				sc->racy++;
			} else {
				s->reusable = 1;
				memcpy(s->prev_sha256, pe->sha256, 32);
				memcpy(s->prev_xxh128, pe->xxh128, 16);
				if (!sc->o->paranoid) {
					memcpy(e->sha256, pe->sha256, 32);
					memcpy(e->xxh128, pe->xxh128, 16);
					e->flags |= CAIRN_EF_HASHED;
					/* Setting an xattr changes the ctime,
					 * so they are unchanged too. */
					copy_xattrs(e, pe);
					s->reused = 1;
					publish(sc, s, 0);
					return 0;
				}
			}
		}
	}
	if ((rc = cairn_walker_open(wk, e, &fd)) < 0)
		return rc;
	if (fd < 0 && (e->err == EMFILE || e->err == ENFILE)) {
		/* Out of descriptors because of the files in flight: that is
		 * not a property of this file, and must not make the output
		 * depend on timing.  Let the ring empty and try again. */
		if ((rc = wait_in_flight(sc, 0)) < 0)
			return rc;
		e->err = 0;
		free(e->err_op);
		e->err_op = NULL;
		drop_xattrs(e);
		if ((rc = cairn_walker_open(wk, e, &fd)) < 0)
			return rc;
	}
	s->fd = fd;
	publish(sc, s, fd >= 0);
	return 0;
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
	jobs = o->jobs;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (unsigned)n : 1;
	}
	if (jobs > 256)
		jobs = 256;
	sc.cap = jobs * 32;
	if (sc.cap < 64)
		sc.cap = 64;
	if (sc.cap > 1024)
		sc.cap = 1024;
	{
		/* Every slot may hold an open file: leave room for the
		 * directory descriptors of the walk and everything else. */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < (rlim_t)sc.cap * 2 + 256)
			sc.cap = rl.rlim_cur > 256 + 2 * 16 ? (size_t)(rl.rlim_cur - 256) / 2 : 16;
	}
	sc.ring = cairn_calloc(sc.cap, sizeof(*sc.ring));
	sc.queue = cairn_calloc(sc.cap, sizeof(*sc.queue));
	for (i = 0; i < sc.cap; i++)
		sc.ring[i].fd = -1;
	pthread_mutex_init(&sc.mu, NULL);
	pthread_mutex_init(&sc.cb_mu, NULL);
	pthread_cond_init(&sc.work_cv, NULL);
	pthread_cond_init(&sc.done_cv, NULL);
	pthread_cond_init(&sc.space_cv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &sc.last_progress);

	if ((rc = cairn_walker_new(&wk, root, &o->walk)) < 0)
		goto done;
	if (o->reuse_path) {
		if ((rc = prev_open(&sc.prev, o->reuse_path, o->reuse_pubkey)) < 0)
			goto done;
		sc.use_prev = 1;
	}
	sc.workers = cairn_calloc(jobs, sizeof(*sc.workers));
	sc.nworkers = jobs;
	for (i = 0; i < jobs; i++) {
		sc.workers[i].sc = &sc;
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
		cairn_entry_init(&s->e);
		more = cairn_walker_next(wk, &s->e);
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
		if ((rc = dispatch(&sc, wk, s)) < 0) {
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
	if (sc.use_prev && (rc = prev_finish(&sc.prev)) < 0)
		goto done;
	/* Listing failures have no entry of their own; the writer's counter
	 * is touched only now that the emitter is gone. */
	for (k = 0; k < sc.hidden; k++)
		cairn_snap_writer_count_error(w);
	sc.st.errors += sc.hidden;
	sc.st.racy = sc.racy;
	maybe_progress(&sc, 1);
done:
	stop_threads(&sc, rc < 0);
	/* Anything still in the ring after a failure. */
	for (k = sc.head; k < sc.tail + sc.pending; k++) {
		struct slot *s = &sc.ring[k % sc.cap];

		if (s->fd >= 0)
			close(s->fd);
		cairn_entry_release(&s->e);
	}
	for (i = 0; i < sc.nworkers; i++)
		cairn_hasher_free(sc.workers[i].hasher);
	free(sc.workers);
	if (sc.prev.r)
		cairn_snap_reader_free(sc.prev.r);
	cairn_walker_free(wk);
	pthread_mutex_destroy(&sc.mu);
	pthread_mutex_destroy(&sc.cb_mu);
	pthread_cond_destroy(&sc.work_cv);
	pthread_cond_destroy(&sc.done_cv);
	pthread_cond_destroy(&sc.space_cv);
	free(sc.ring);
	free(sc.queue);
	cairn_buf_release(&sc.msg);
	if (stats) {
		*stats = sc.st;
		stats->racy = sc.racy;
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
		json_object_set_new(x, "reuse", r);
	}
	return x;
}
