/*
 * dirahead.c - directory read-ahead for a cold walk (see dirahead.h).
 */
#include "dirahead.h"
#include "cairn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DENTS_BUFSIZE (32u * 1024u)
/* Files read ahead together (one io_uring submission), how many reads a
 * thread keeps in flight at most, and how much of each file: the rest of
 * a larger file comes with the kernel's read-ahead once the hashing reads
 * it. */
#define FILE_BATCH 32
#define FILE_FLIGHT 64
#define FILE_HEAD (128u * 1024u)

/* One thread's means of reading files ahead. */
struct reader {
	struct io_uring ring;
	int ring_ok;
	unsigned char *scratch;   /* FILE_HEAD: every read lands here and
	                           * is thrown away */
	int scratch_lost;
	int fds[FILE_BATCH];      /* opened, not yet submitted */
	unsigned n;
	int flight[FILE_FLIGHT];  /* submitted: the descriptor, by the
	                           * read's user_data; -1 free */
	unsigned nflight;
};

struct pending {
	char *path;
	size_t len;
};

struct cairn_dirahead {
	int root_fd;
	cairn_dirahead_skip_fn skip;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pending *q;     /* ring of CAIRN_DIRAHEAD_QUEUE; the top is
	                        * the nearest to the walk */
	size_t bottom, count;
	int files;             /* cairn_dirahead_files() */
	pthread_t threads[CAIRN_DIRAHEAD_THREADS];
	unsigned nthreads;
	int started;
	atomic_int quit;
	atomic_size_t listed, walked;
};

cairn_dirahead *cairn_dirahead_new(int root_fd, cairn_dirahead_skip_fn skip,
				   void *ctx)
{
	cairn_dirahead *a = cairn_calloc(1, sizeof(*a));

	a->root_fd = root_fd;
	a->skip = skip;
	a->ctx = ctx;
	a->q = cairn_calloc(CAIRN_DIRAHEAD_QUEUE, sizeof(*a->q));
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	atomic_init(&a->quit, 0);
	atomic_init(&a->listed, 0);
	atomic_init(&a->walked, 0);
	return a;
}

/* Called with a->mu held; takes path. */
static void push_locked(cairn_dirahead *a, char *path, size_t len)
{
	if (a->count == CAIRN_DIRAHEAD_QUEUE) {
		/* full: the farthest from the walk goes */
		free(a->q[a->bottom].path);
		a->bottom = (a->bottom + 1) % CAIRN_DIRAHEAD_QUEUE;
		a->count--;
	}
	a->q[(a->bottom + a->count) % CAIRN_DIRAHEAD_QUEUE] =
		(struct pending){ path, len };
	a->count++;
}

void cairn_dirahead_push(cairn_dirahead *a, const char *path, size_t len)
{
	if (len >= PATH_MAX || atomic_load(&a->quit))
		return;
	pthread_mutex_lock(&a->mu);
	push_locked(a, cairn_strndup(path, len), len);
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* Give up reading ahead: a read may still be in flight into scratch, so
 * scratch is never freed (128 KiB, once); the descriptors are closed (a
 * read in flight holds its own reference to the file). */
static void reader_fail(struct reader *r)
{
	unsigned i;

	if (r->ring_ok)
		io_uring_queue_exit(&r->ring);
	r->ring_ok = 0;
	r->scratch_lost = 1;
	for (i = 0; i < FILE_FLIGHT; i++)
		if (r->flight[i] >= 0) {
			close(r->flight[i]);
			r->flight[i] = -1;
		}
	r->nflight = 0;
}

/* Close the files whose reads completed; wait for one at least when wait
 * is set.  The data stays in the page cache for the hashing. */
static void reap(struct reader *r, int wait)
{
	struct io_uring_cqe *cqe;

	while (r->ring_ok && r->nflight) {
		int rc = wait ? io_uring_wait_cqe(&r->ring, &cqe)
			      : io_uring_peek_cqe(&r->ring, &cqe);
		uint64_t k;

		if (rc == -EINTR)
			continue;
		if (rc == -EAGAIN && !wait)
			return;
		if (rc < 0) {
			reader_fail(r);
			return;
		}
		k = io_uring_cqe_get_data64(cqe);
		io_uring_cqe_seen(&r->ring, cqe);
		if (k >= FILE_FLIGHT || r->flight[k] < 0) {
			reader_fail(r);
			return;
		}
		close(r->flight[k]);
		r->flight[k] = -1;
		r->nflight--;
		wait = 0;
	}
}

/*
 * Submit the reads of the heads of the batch's files in one submission and
 * go on listing: the thread does not wait for them (it did, and the walk,
 * which follows the listing, waited with it), only for room when
 * FILE_FLIGHT are in flight.  Submitted together, the reads reach the disk
 * together: one notification of the (virtual) device for the lot instead
 * of one each, and neighbours on the disk merge into one request.
 */
static void flush_files(struct reader *r)
{
	unsigned i, k = 0, queued = 0;

	while (r->ring_ok && r->nflight + r->n > FILE_FLIGHT)
		reap(r, 1);
	for (i = 0; r->ring_ok && i < r->n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

		while (k < FILE_FLIGHT && r->flight[k] >= 0)
			k++;
		if (!sqe || k == FILE_FLIGHT)
			break;
		io_uring_prep_read(sqe, r->fds[i], r->scratch, FILE_HEAD, 0);
		io_uring_sqe_set_data64(sqe, k);
		r->flight[k] = r->fds[i];
		r->fds[i] = -1;
		r->nflight++;
		queued++;
	}
	while (r->ring_ok && queued) {
		int sent = io_uring_submit(&r->ring);

		if (sent == -EINTR)
			continue;
		if (sent <= 0) {
			reader_fail(r);
			break;
		}
		queued -= (unsigned)sent < queued ? (unsigned)sent : queued;
	}
	for (i = 0; i < r->n; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	r->n = 0;
	reap(r, 0);
}

/* Queue the head of regular file name (in the directory open on dirfd)
 * for reading.  Opened like the walk opens it (O_NOATIME: the evidence's
 * access times stay; a file that refuses it is left alone), and read only
 * when it still is a regular file: never a FIFO or a device. */
static void add_file(struct reader *r, int dirfd, const char *name)
{
	struct stat st;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC | O_NOATIME);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return;
	}
	r->fds[r->n++] = fd;
	if (r->n == FILE_BATCH)
		flush_files(r);
}

/* Whether the walk leaves file name (in the directory at p) out
 * (--exclude): then it is not read ahead either, as an excluded directory
 * is not listed.  *buf is PATH_MAX bytes, made on first use. */
static int file_skipped(const cairn_dirahead *a, const struct pending *p,
			const char *name, char **buf)
{
	size_t nl;

	if (!a->skip)
		return 0;
	nl = strlen(name);
	if (p->len + 1 + nl >= PATH_MAX)
		return 1;
	if (!*buf)
		*buf = cairn_malloc(PATH_MAX);
	memcpy(*buf, p->path, p->len);
	(*buf)[p->len] = '/';
	memcpy(*buf + p->len + 1, name, nl + 1);
	return a->skip(a->ctx, *buf, *buf + p->len + 1);
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct pending *x = pa, *y = pb;

	return strcmp(x->path, y->path);
}

/*
 * List the directory at path and queue its subdirectories, the first in
 * the walk's order on top.  The names themselves are not kept.
 */
static void list_one(cairn_dirahead *a, const struct pending *p,
		     unsigned char *dents, struct reader *r)
{
	struct open_how how;
	struct pending *subs = NULL;
	size_t n = 0, cap = 0, i;
	char *fpath = NULL;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = (int)syscall(SYS_openat2, a->root_fd, p->path, &how, sizeof(how));
	if (fd < 0) {
		if (errno == ENOSYS || errno == EPERM)   /* EPERM: seccomp */
			atomic_store(&a->quit, 1);
		return;
	}
	atomic_fetch_add(&a->listed, 1);
	for (;;) {
		ssize_t got = getdents64(fd, dents, DENTS_BUFSIZE), off;

		if (got <= 0)
			break;
		for (off = 0; off < got; ) {
			const struct dirent64 *de = (const void *)(dents + off);
			size_t nl, len;
			char *path;

			off += de->d_reclen;
			if (de->d_type == DT_REG && de->d_ino && r->ring_ok &&
			    !file_skipped(a, p, de->d_name, &fpath))
				add_file(r, fd, de->d_name);
			if (de->d_type != DT_DIR || de->d_ino == 0 ||
			    (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			     (de->d_name[1] == '.' && de->d_name[2] == '\0'))))
				continue;
			nl = strlen(de->d_name);
			len = p->len + 1 + nl;
			if (len >= PATH_MAX)
				continue;
			path = cairn_malloc(len + 1);
			memcpy(path, p->path, p->len);
			path[p->len] = '/';
			memcpy(path + p->len + 1, de->d_name, nl + 1);
			if (a->skip && a->skip(a->ctx, path, path + p->len + 1)) {
				free(path);
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				subs = cairn_realloc(subs, cap * sizeof(*subs));
			}
			subs[n++] = (struct pending){ path, len };
		}
	}
	if (r->n)
		flush_files(r);
	free(fpath);
	close(fd);
	/* the walk takes them in byte order; the top of the queue goes first */
	if (n > 1)
		qsort(subs, n, sizeof(*subs), name_cmp);
	pthread_mutex_lock(&a->mu);
	for (i = n; i > 0; i--)
		push_locked(a, subs[i - 1].path, subs[i - 1].len);
	if (n)
		pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	free(subs);
}

static void *ahead_main(void *arg)
{
	cairn_dirahead *a = arg;
	unsigned char *dents = cairn_malloc(DENTS_BUFSIZE);
	const struct timespec pause = { 0, 2 * 1000 * 1000 };
	struct reader r;

	memset(&r, 0, sizeof(r));
	memset(r.flight, -1, sizeof(r.flight));
	r.scratch = cairn_malloc(FILE_HEAD);
	r.ring_ok = a->files &&
		    io_uring_queue_init(FILE_FLIGHT, &r.ring, 0) == 0;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		struct pending p;

		while (!a->count && !atomic_load(&a->quit))
			pthread_cond_wait(&a->cv, &a->mu);
		if (atomic_load(&a->quit))
			break;
		a->count--;
		p = a->q[(a->bottom + a->count) % CAIRN_DIRAHEAD_QUEUE];
		pthread_mutex_unlock(&a->mu);
		/* Far enough ahead: what is read now might be evicted before
		 * the walk gets there.  The walk wakes nobody; poll. */
		while (atomic_load(&a->listed) >
		       atomic_load(&a->walked) + CAIRN_DIRAHEAD_LEAD &&
		       !atomic_load(&a->quit))
			nanosleep(&pause, NULL);
		if (!atomic_load(&a->quit))
			list_one(a, &p, dents, &r);
		free(p.path);
		pthread_mutex_lock(&a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	while (r.ring_ok && r.nflight)
		reap(&r, 1);
	if (r.ring_ok)
		io_uring_queue_exit(&r.ring);
	if (!r.scratch_lost)
		free(r.scratch);
	free(dents);
	return NULL;
}

void cairn_dirahead_files(cairn_dirahead *a, int on)
{
	if (!a->started)
		a->files = on != 0;
}

void cairn_dirahead_start(cairn_dirahead *a)
{
	struct rlimit rl;
	unsigned i;

	if (a->started)
		return;
	a->started = 1;
	/* Each thread holds up to FILE_BATCH + FILE_FLIGHT + 1 descriptors
	 * (97, 388 for the four): under a low limit they would be taken from
	 * the walk itself (an EMFILE there is an entry not recorded), so read
	 * ahead less or not at all. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (rl.rlim_cur < 1024)
			a->files = 0;
		if (rl.rlim_cur < 256)
			return;
	}
	for (i = 0; i < CAIRN_DIRAHEAD_THREADS; i++) {
		if (pthread_create(&a->threads[a->nthreads], NULL, ahead_main, a))
			break;
		a->nthreads++;
	}
}

void cairn_dirahead_walked(cairn_dirahead *a)
{
	atomic_fetch_add_explicit(&a->walked, 1, memory_order_relaxed);
}

int cairn_dirahead_reading_files(const cairn_dirahead *a)
{
	return a->started && a->files && a->nthreads > 0;
}

size_t cairn_dirahead_listed(const cairn_dirahead *a)
{
	return atomic_load(&((cairn_dirahead *)a)->listed);
}

void cairn_dirahead_free(cairn_dirahead *a)
{
	unsigned i;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	atomic_store(&a->quit, 1);
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	for (i = 0; i < a->nthreads; i++)
		pthread_join(a->threads[i], NULL);
	for (i = 0; i < a->count; i++)
		free(a->q[(a->bottom + i) % CAIRN_DIRAHEAD_QUEUE].path);
	free(a->q);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
